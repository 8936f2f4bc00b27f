#!/usr/bin/env python3
"""Writes a synthetic WARC archive of fictional news pages, for benchmarks.

    scripts/gen-warc.py OUT.warc[.gz] --mb 1000 [--seed 1]

Every page is a made-up article of a made-up outlet about a made-up event
(no real text): sentences are drawn from templates filled with fictional
places, people and numbers, inside a page with navigation, JSON-LD, a
byline, related links and a footer, about 20-40 KB of HTML, like a real
news page. Around each response the archive holds what a crawler writes:
a `request` and a `metadata` record; one page in six is followed by an
image response (skipped by the reader) and one in twenty by a 404.

Stories: each page reports one of a set of events, so that the clusterer
has stories of several articles to build. With `.gz` every record is its
own gzip member, as crawlers write them.
"""

import argparse
import gzip
import io
import random
import sys
import uuid

PLACES = ["Velmar", "Oskel", "Tarno", "Harl", "Lessa", "Brund", "Kavo", "Ostrin", "Melk", "Sarnow",
          "Dunholt", "Fenna", "Grevik", "Istra", "Jorwe", "Kelb", "Lunde", "Morra", "Nesby", "Orvik"]
OUTLETS = ["Velmar Daily", "Oskel Courier", "Tarno Post", "Harl Valley News", "The Lessa Observer",
           "Brund Evening Star", "Kavo Herald", "Ostrin Times"]
FIRST = ["Ana", "Per", "Ilse", "Nils", "Marta", "Ola", "Ida", "Tomas", "Runa", "Eskil", "Vera", "Jon"]
LAST = ["Ribe", "Lind", "Dornberg", "Aro", "Quell", "Berg", "Sand", "Holm", "Vik", "Strand", "Falk"]
THINGS = ["bridge", "ferry", "school", "hospital", "harbour", "railway line", "power station",
          "library", "market hall", "water works", "airport", "tram depot"]
ACTIONS = ["closed", "reopened", "expanded", "sold", "flooded", "inspected", "rebuilt", "opened"]
ORGS = ["the town council", "the regional government", "the harbour authority", "the workers' union",
        "the chamber of commerce", "the transport ministry", "the farmers' association"]
VERBS = ["said", "told reporters", "announced", "confirmed", "warned", "added"]

TEMPLATES = [
    "The {thing} in {place} was {action} on {day} after {n} weeks of work, {org} {verb}.",
    "{person}, who speaks for {org}, said the decision would cost about {m} million crowns.",
    "Residents of {place} have been asked to use the {thing2} in {place2} until further notice.",
    "According to {org}, at least {n2} people were affected by the changes in {place}.",
    "\u201cWe did not expect this so soon,\u201d {person} said on {day}, standing outside the {thing}.",
    "Critics in {place2} argued that the money should have gone to the {thing2} instead.",
    "A report published on {day} found that {n2} of the {n3} inspections had failed.",
    "{org} will meet again on {day2} to discuss the future of the {thing}, {person} {verb}.",
    "Traffic through {place} was diverted over the ring road, adding {n} minutes to most journeys.",
    "The last time the {thing} was {action}, in {year}, the work took {n} months.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def event(rng, i):
    """One fictional event, shared by the articles of a story."""
    r = random.Random(i)
    return {
        "place": r.choice(PLACES), "place2": r.choice(PLACES), "thing": r.choice(THINGS),
        "thing2": r.choice(THINGS), "action": r.choice(ACTIONS), "org": r.choice(ORGS),
        "person": f"{r.choice(FIRST)} {r.choice(LAST)}", "n": r.randint(2, 12),
        "m": round(r.uniform(0.5, 40), 1), "n2": r.randint(20, 900), "n3": r.randint(900, 2000),
        "day": r.choice(DAYS), "day2": r.choice(DAYS), "year": r.randint(1960, 2020),
    }


def article(rng, ev):
    fill = dict(ev, verb=rng.choice(VERBS))
    paras = []
    for _ in range(rng.randint(5, 9)):
        sents = [rng.choice(TEMPLATES).format(**fill) for _ in range(rng.randint(2, 4))]
        paras.append(" ".join(sents))
    headline = f"{ev['thing'].capitalize()} in {ev['place']} {ev['action']}, {ev['org']} says"
    return headline, paras


def page(rng, i, ev, outlet, url):
    headline, paras = article(rng, ev)
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    date = f"2026-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}T{rng.randint(6, 20):02d}:00:00Z"
    nav = "".join(f'<li><a href="/section/{s}">{s.title()}</a></li>' for s in
                  ["news", "local", "politics", "business", "sport", "culture", "opinion", "weather"])
    related = "".join(
        f'<li><a href="/news/{rng.randint(1, 10**6)}">{rng.choice(THINGS).capitalize()} news from '
        f'{rng.choice(PLACES)}</a></li>' for _ in range(12))
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    filler = "".join(f'<div class="promo promo-{k}"><a href="/promo/{k}">Subscribe to the {outlet} '
                     f'newsletter and get the day\'s top stories from {rng.choice(PLACES)}</a></div>'
                     for k in range(rng.randint(10, 30)))
    script = "var cfg = {" + ",".join(f'"k{k}": {rng.randint(0, 10**9)}' for k in range(rng.randint(200, 500))) + "};"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{headline} | {outlet}</title>
<meta property="og:site_name" content="{outlet}"><meta property="og:title" content="{headline}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{headline}","datePublished":"{date}","author":{{"@type":"Person","name":"{author}"}},"publisher":{{"@type":"Organization","name":"{outlet}"}}}}</script>
<script>{script}</script><link rel="canonical" href="{url}"></head>
<body><header><a href="/">{outlet}</a><ul class="nav">{nav}</ul></header>
<main><article><h1>{headline}</h1><p class="byline">By {author}</p><time datetime="{date}">{date[:10]}</time>
{body}
</article><aside><h2>Related</h2><ul>{related}</ul></aside>{filler}</main>
<footer><p>&copy; 2026 {outlet}. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>"""


def record(kind, uri, date, ctype, block):
    head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=1000, help="size to write, in MB (uncompressed)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--events", type=int, default=0, help="distinct events (default: pages / 6)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    target = int(args.mb * 1024 * 1024)
    gz = args.out.endswith(".gz")
    written = 0
    pages = 0
    est_pages = max(1, target // 30000)
    events = args.events or max(1, est_pages // 6)
    with open(args.out, "wb") as f:
        def put(rec):
            nonlocal written
            written += len(rec)
            f.write(gzip.compress(rec, compresslevel=1) if gz else rec)

        put(record("warcinfo", "", "2026-03-06T00:00:00Z", "application/warc-fields",
                   b"software: parallax gen-warc.py\r\nformat: WARC File Format 1.1\r\n"))
        while written < target:
            pages += 1
            outlet = rng.choice(OUTLETS)
            host = outlet.lower().replace(" ", "").replace("the", "") + ".example"
            url = f"https://{host}/news/2026/{pages}"
            date = f"2026-03-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
            put(record("request", url, date, "application/http; msgtype=request",
                       f"GET /news/2026/{pages} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: gen\r\n\r\n".encode()))
            html = page(rng, pages, event(rng, rng.randrange(events)), outlet, url).encode()
            resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + f"Content-Length: {len(html)}\r\n\r\n".encode() + html)
            put(record("response", url, date, "application/http; msgtype=response", resp))
            put(record("metadata", url, date, "application/warc-fields",
                       f"fetchTimeMs: {rng.randint(20, 900)}\r\noutlink: https://{host}/\r\n".encode()))
            if pages % 6 == 0:
                img = rng.randbytes(rng.randint(20000, 60000))
                put(record("response", f"https://{host}/img/{pages}.jpg", date,
                           "application/http; msgtype=response",
                           b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n" + img))
            if pages % 20 == 0:
                put(record("response", f"https://{host}/missing/{pages}", date,
                           "application/http; msgtype=response",
                           b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<h1>Not found</h1>"))
    print(f"{args.out}: {pages} pages, {written / 1024 / 1024:.0f} MB uncompressed", file=sys.stderr)


if __name__ == "__main__":
    main()
