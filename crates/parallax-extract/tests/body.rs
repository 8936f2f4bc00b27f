//! Body-extraction tests on small hand-written pages.

use parallax_extract::{extract, BlockKind, Options};

const ARTICLE: &str = r##"
<article class="story">
  <h1>Lighthouse keepers return to Gullrock</h1>
  <p>For the first time in forty years, keepers will live at the Gullrock lighthouse after the trust that owns it agreed to restore the cottages.</p>
  <figure><img src="lh.jpg"><figcaption>The lighthouse at dusk. Photo: Archive of the Trust</figcaption></figure>
  <p>The trust said the decision followed a survey of visitors, most of whom wanted the station to be staffed again during the winter storms.</p>
  <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a> Share this article with your friends and family today</div>
  <p>Work on the cottages begins in March and is expected to take eight months, according to the trust's chair, who spoke at the harbour on Monday.</p>
  <blockquote><p>"It is the right thing for the island and for the sailors who still rely on the light," she said.</p></blockquote>
</article>"##;

fn wrap(inner: &str) -> String {
    format!(
        r#"<!doctype html><html><head><title>Gullrock</title></head><body>
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div id="cookie-banner">We use cookies to improve your experience on our website. By continuing you accept our cookie policy and terms.</div>
<div class="layout"><main>{inner}</main>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">A long story about the harbour festival that everyone read this week</a></li><li><a href="/b">Another story about the weather on the island this weekend</a></li></ul></aside></div>
<div class="newsletter-signup"><p>Sign up for our daily newsletter and get the best stories from the island delivered to your inbox every morning.</p></div>
<div class="related-articles"><h2>Related</h2><p><a href="/c">Ferry strike ends after talks</a></p><p><a href="/d">New school opens on the island in the autumn</a></p></div>
<section id="comments" class="comments"><h2>Comments</h2><div class="comment"><p>Great news, I remember visiting the keepers as a child with my grandfather in the nineteen-seventies.</p></div><div class="comment"><p>What a waste of money, the light has been automatic for decades and works perfectly well.</p></div></section>
<footer><p>Copyright 2024 Gullrock Gazette. All rights reserved. Contact us at the harbour office on the quay.</p></footer>
</body></html>"#
    )
}

fn text(inner: &str) -> String {
    extract(wrap(inner).as_bytes(), &Options::default())
        .unwrap()
        .text()
}

#[test]
fn keeps_article_paragraphs_in_order() {
    let e = extract(wrap(ARTICLE).as_bytes(), &Options::default()).unwrap();
    let t = e.text();
    let a = t.find("For the first time").unwrap();
    let b = t.find("The trust said").unwrap();
    let c = t.find("Work on the cottages").unwrap();
    assert!(a < b && b < c);
    assert!(t.contains("right thing for the island"));
    assert_eq!(e.paragraphs[0].kind, BlockKind::Heading);
    assert!(e.paragraphs.iter().any(|p| p.kind == BlockKind::Quote));
}

#[test]
fn removes_boilerplate() {
    let t = text(ARTICLE);
    for bad in [
        "Home",
        "cookies",
        "Most read",
        "newsletter",
        "Ferry strike ends",
        "Copyright",
        "Share on Facebook",
        "Share on Twitter",
        "Share this article",
    ] {
        assert!(!t.contains(bad), "{bad} leaked into: {t}");
    }
}

#[test]
fn removes_captions() {
    let t = text(ARTICLE);
    assert!(!t.contains("lighthouse at dusk"), "{t}");
}

#[test]
fn removes_comments() {
    let t = text(ARTICLE);
    assert!(!t.contains("nineteen-seventies"), "{t}");
    assert!(!t.contains("waste of money"), "{t}");
}

#[test]
fn handles_div_and_br_markup() {
    let inner = r#"<div class="post-body">The village hall reopened on Saturday after a year of repairs, with a concert by the local choir.<br><br>Organisers said more than two hundred people attended, far more than they had expected for a wet evening.<br><br>The hall will host a market every second Sunday from next month, the committee said.</div>"#;
    let t = text(inner);
    assert!(t.contains("village hall reopened"));
    assert!(t.contains("market every second Sunday"));
}

/// A blog page: a site description with commas in the header, and a post
/// of short plain paragraphs in the CMS's own body markup.
fn blog_page(post_class: &str) -> String {
    format!(
        r#"<!doctype html><html><head><title>Harbour notes</title></head><body>
<div id="header-wrapper"><div class="header"><h1><a href="/">Harbour notes</a></h1>
<p class="description">Every day I write about the harbour, its boats, its keepers, its storms, its ferries, its fishermen, its gulls, and the island's long winters, as well as the people who live there.</p></div></div>
<div id="main"><div class="post"><h3 class="post-title">The new pier</h3>
<div class="{post_class}">The new pier opened this morning after two years of work.<br><br>Boats queued at dawn to be the first to tie up there.<br><br>The harbour master said the old pier will close in May.<br><br>A ferry timetable follows next week.</div></div></div>
</body></html>"#
    )
}

#[test]
fn site_header_loses_to_the_post_in_its_own_markup() {
    let html = blog_page("post-body entry-content");
    let t = extract(html.as_bytes(), &Options::default())
        .unwrap()
        .text();
    assert!(t.contains("The new pier opened"), "{t}");
    assert!(t.contains("harbour master said"), "{t}");
    assert!(!t.contains("Every day I write"), "{t}");
}

#[test]
fn prose_under_a_share_class_is_kept() {
    // Some sites wrap the story in a "social-share" or "caption" element
    // (a gallery's text); much prose there is the article, not a share bar.
    let inner = r#"<article class="post"><h1>Harbour festival draws record crowds</h1>
<div id="social-share" class="caption"><p>More than eight thousand people came to the harbour festival on Saturday, the organisers said, a record for the event in its thirty years, helped by the first dry weekend of the summer.</p>
<p>The ferry company added four crossings to carry visitors from the mainland, and the lifeboat crew, who opened the festival with a display in the bay, collected more than in any year before.</p></div></article>"#;
    let t = text(inner);
    assert!(t.contains("eight thousand people"), "{t}");
    assert!(t.contains("lifeboat crew"), "{t}");
}

#[test]
fn a_block_inside_comments_does_not_win() {
    // A long comment thread outvotes a short article on raw length; being
    // inside a comments section halves its score.
    let inner = r#"<article class="story"><h1>Pier opens</h1><p>The new pier opened this morning after two years of work, the council said.</p><p>Boats queued at dawn to be the first to tie up, and the harbour master said the old pier will close in May.</p></article>
<div class="comments"><dl><dd>I was there at dawn, and what a sight it was, with the boats, the flags, the band, the crowd, and the gulls.</dd><dd>Two years, for a pier? In my day, with fewer men, less money, and worse weather, we built one in a summer.</dd><dd>The old pier had character, history, charm, and a café; the new one has concrete, railings, lights, and rules.</dd><dd>Will the ferry use it, or only the fishing boats, the yachts, and the lifeboat? Nobody has said, yet.</dd></dl></div>"#;
    let t = text(inner);
    assert!(t.contains("The new pier opened"), "{t}");
    assert!(!t.contains("In my day"), "{t}");
}

#[test]
fn microdata_article_body_is_the_body() {
    // Without the header's class, the description competes on its own.
    let html = blog_page("x")
        .replace(r#"<div class="x">"#, r#"<div itemprop="articleBody">"#)
        .replace(r#"id="header-wrapper""#, r#"id="about""#)
        .replace(r#"class="header""#, "");
    let t = extract(html.as_bytes(), &Options::default())
        .unwrap()
        .text();
    assert!(t.contains("The new pier opened"), "{t}");
    assert!(!t.contains("Every day I write"), "{t}");
}

#[test]
fn pathological_inputs_do_not_panic() {
    let deep = "<div>".repeat(100_000) + "text" + &"</div>".repeat(100_000);
    let _ = extract(deep.as_bytes(), &Options::default()).unwrap();
    let wide = "<p>x</p>".repeat(100_000);
    let _ = extract(wide.as_bytes(), &Options::default()).unwrap();
    let broken = "<html><body><p>unclosed <b><i><table><tr><td>cell<p>para</table></i><script>var x = '</p>';</scr".repeat(200);
    let _ = extract(broken.as_bytes(), &Options::default()).unwrap();
    assert!(extract(b"", &Options::default()).is_err());
    let _ = extract(&[0x1f, 0x8b, 0, 1, 2], &Options::default());
    let _ = extract(&[0xff, 0xfe, 0x41, 0x00], &Options::default());
}

/// A page that renders its story with script: the HTML holds a loading
/// notice and the JSON-LD `articleBody`, which becomes the body.
#[test]
fn a_script_rendered_page_gives_its_json_ld_article_body() {
    let html = r#"<!doctype html><html><head><title>Gullrock</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Lighthouse keepers return to Gullrock",
"articleBody":"For the first time in forty years, keepers will live at the Gullrock lighthouse after the trust that owns it agreed to restore the cottages.\n\nThe trust said the decision followed a survey of visitors, most of whom wanted the station to be staffed again during the winter storms.\n\nWork on the cottages begins in March."}
</script></head><body><div id="app"><p>Loading the story, please wait a moment while the page loads its content.</p></div>
<footer><p>Copyright 2024 Gullrock Gazette. All rights reserved.</p></footer></body></html>"#;
    let e = extract(html.as_bytes(), &Options::default()).unwrap();
    let paras: Vec<&str> = e.paragraphs.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(paras.len(), 3, "{paras:?}");
    assert!(paras[0].starts_with("For the first time in forty years"));
    assert_eq!(paras[2], "Work on the cottages begins in March.");
    assert!(!e.text().contains("Loading"));
}

/// When the layout's extraction holds the stated text, it is kept as laid
/// out (headline, quotes, order), not replaced by the JSON-LD string.
#[test]
fn an_agreeing_json_ld_article_body_keeps_the_layout() {
    let body = "For the first time in forty years, keepers will live at the Gullrock lighthouse after the trust that owns it agreed to restore the cottages. The trust said the decision followed a survey of visitors, most of whom wanted the station to be staffed again during the winter storms. Work on the cottages begins in March and is expected to take eight months, according to the trust's chair, who spoke at the harbour on Monday.";
    let ld = format!(
        r#"<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Lighthouse keepers return to Gullrock","articleBody":"{body}"}}</script>"#
    );
    let plain = extract(wrap(ARTICLE).as_bytes(), &Options::default()).unwrap();
    let page = wrap(ARTICLE).replace("<title>", &format!("{ld}<title>"));
    let with_ld = extract(page.as_bytes(), &Options::default()).unwrap();
    assert_eq!(plain.paragraphs, with_ld.paragraphs);
    assert!(with_ld
        .paragraphs
        .iter()
        .any(|b| b.kind == BlockKind::Quote));
}

/// The scorer's pick loses to the blocks the JSON-LD states: here a long
/// reader thread, with no class names to mark it, outweighs a short story.
#[test]
fn json_ld_article_body_overrules_a_wrong_container() {
    let story = [
        "The Varnholt ferry resumed its crossings on Tuesday after a week of storms had closed the island's only pier.",
        "Harbour master Ilse Brenner said the pier had been repaired overnight and that the first boat left at seven with forty passengers on board.",
    ];
    let comment = "I have taken this ferry for thirty years, and in all that time, through every winter, every strike, and every storm, it has never been so badly run, so late, or so expensive, and nobody at the council seems to care, not the mayor, not the harbour board, not anyone.";
    let thread: String = (0..6).map(|_| format!("<p>{comment}</p>")).collect();
    let html = format!(
        r#"<!doctype html><html><head><title>Ferry</title>
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Ferry resumes","articleBody":"{} {}"}}</script>
</head><body><div><p>{}</p><p>{}</p></div><div>{thread}</div></body></html>"#,
        story[0], story[1], story[0], story[1]
    );
    // Without the JSON-LD, the layout alone picks the thread.
    let start = html.find("<script").unwrap();
    let end = html.find("</script>").unwrap() + "</script>".len();
    let bare = format!("{}{}", &html[..start], &html[end..]);
    let layout_only = extract(bare.as_bytes(), &Options::default()).unwrap();
    assert!(layout_only.text().contains("nobody at the council"));
    let e = extract(html.as_bytes(), &Options::default()).unwrap();
    let paras: Vec<&str> = e.paragraphs.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(paras, story, "{paras:?}");
}
