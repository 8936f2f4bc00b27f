// Browser smoke test: front page, a story, an article and a search in
// headless Chromium, at phone and desktop widths, with screenshots.
// Usage: BASE=http://127.0.0.1:8080 node smoke.mjs
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.env.BASE || 'http://127.0.0.1:8080';
const out = new URL('./screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 900 }]]) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', async (d) => { errors.push(`dialog: ${d.message()}`); await d.dismiss(); });

  const front = await page.goto(base + '/');
  check(front.status() === 200, `${name}: front page 200`);
  check(await page.locator('ol.stories li').count() > 0, `${name}: front page lists stories`);
  const css = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  check(css.includes('system-ui'), `${name}: style sheet applied`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `${name}: no horizontal scrolling on the front page (${overflow}px)`);
  await page.screenshot({ path: `${out}/${name}-front.png`, fullPage: true });

  // Filter the front page by an entity, as a reader would.
  await page.fill('form.filters input[name=entity]', 'Ines Falk');
  await page.locator('form.filters button[type=submit]').click();
  await page.waitForURL(/entity=Ines/);
  const filtered = await page.locator('ol.stories li').count();
  check(filtered > 0, `${name}: the entity filter keeps the stories naming Ines Falk (${filtered})`);
  check((await page.locator('p.count').innerText()).includes('match'), `${name}: the count says the filter matched`);
  await page.screenshot({ path: `${out}/${name}-front-entity.png`, fullPage: true });
  await page.goto(base + '/');

  await page.locator('ol.stories li h2 a').first().click();
  check(page.url().includes('/stories/'), `${name}: story link opens a story`);
  check(await page.locator('h2', { hasText: 'Articles' }).count() === 1, `${name}: story page has its articles`);
  const soverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(soverflow <= 1, `${name}: no horizontal scrolling on the story page (${soverflow}px)`);
  await page.screenshot({ path: `${out}/${name}-story.png`, fullPage: true });

  await page.locator('ol.articles li a').first().click();
  check(page.url().includes('/articles/'), `${name}: article link opens an article`);
  check(await page.locator('div.body p').count() > 0, `${name}: article page has paragraphs`);
  await page.screenshot({ path: `${out}/${name}-article.png`, fullPage: true });

  await page.fill('header form.search input[name=q]', '"death toll"');
  await page.press('header form.search input[name=q]', 'Enter');
  await page.waitForURL(/\/search\?/);
  check(await page.locator('ol.results li').count() > 0, `${name}: phrase search finds articles`);
  check(await page.locator('ol.results mark').count() > 0, `${name}: matches highlighted`);
  await page.screenshot({ path: `${out}/${name}-search.png`, fullPage: true });

  check(errors.length === 0, `${name}: no console errors or dialogs ${errors.join(' | ')}`);
  await page.close();
}
// Hostile input: an article posted through the API with script and
// event-handler payloads in its title, text and outlet. Its pages must show
// the payloads as text and run none of them (no dialog, no script error).
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const fired = [];
  page.on('dialog', async (d) => { fired.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('pageerror', (e) => fired.push(String(e)));
  const story = process.env.EVIL_STORY;
  const article = process.env.EVIL_ARTICLE;
  check(Boolean(story && article), 'xss: the hostile article was ingested through the API');
  for (const [name, path] of [
    ['story', `/stories/${story}`],
    ['article', `/articles/${article}`],
    ['front', `/?outlet=${encodeURIComponent('Evil <script>alert(1)</script> Outlet <img src=x onerror=alert(2)>')}`],
    ['search', `/search?q=${encodeURIComponent('fertiliser')}`],
  ]) {
    const r = await page.goto(base + path);
    check(r.status() === 200, `xss ${name}: 200`);
    await page.waitForTimeout(200);
    const text = await page.evaluate(() => document.body.innerText);
    check(text.includes('<script>alert(1)</script>') || text.includes('<img src=x onerror=alert(2)>'),
      `xss ${name}: the payload is shown as text`);
    check(await page.locator('img[src=x], script:not([type])').count() === 0,
      `xss ${name}: no injected element in the page`);
    await page.screenshot({ path: `${out}/xss-${name}.png`, fullPage: true });
  }
  const csp = (await (await page.goto(base + '/')).allHeaders())['content-security-policy'] || '';
  check(csp.includes("script-src") || csp.includes("default-src 'none'") || csp.includes("default-src 'self'"),
    `xss: a Content-Security-Policy is sent (${csp})`);
  check(fired.length === 0, `xss: no payload ran ${fired.join(' | ')}`);
  await page.close();
}

await browser.close();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
