//! Metadata extraction.
//!
//! Every field is filled from a fixed order of trust, and the winning source
//! is recorded in [`crate::Extracted::sources`]:
//!
//! | field | order |
//! | --- | --- |
//! | title | JSON-LD `headline`/`name` › `og:title` › Dublin Core › microdata `headline` › first `<h1>` › `<title>` |
//! | description | JSON-LD › `og:description` › `<meta name=description>` › Dublin Core › microdata |
//! | authors | JSON-LD `author` › `<meta name=author>`/`article:author` › Dublin Core `creator` › microdata › DOM byline |
//! | published | JSON-LD `datePublished` › `article:published_time` › Dublin Core / date `<meta>` › microdata › `<time>` › URL date path › an element whose class names a date (`published`, `entry-date`, `date-header`, …; its `title` or its text, outside comments) |
//! | modified | JSON-LD `dateModified` › `article:modified_time`/`og:updated_time` › Dublin Core › microdata |
//! | outlet | JSON-LD `publisher.name` › `og:site_name` › Dublin Core `publisher` › `application-name` |
//! | url | `<link rel=canonical>` › `og:url` › JSON-LD `url` › the URL passed in |
//! | language | `<html lang>` › `Content-Language` › `og:locale` › JSON-LD `inLanguage` |
//! | section | JSON-LD `articleSection` › `article:section` › `<meta name=section>` › microdata |
//! | image | JSON-LD `image` › `og:image` › `twitter:image` › microdata |
//!
//! Wire agencies named as authors ("AP", "Reuters", "AFP", "NCA NewsWire",
//! ...) go to `credit`. Dates come only from JSON-LD, `<meta>`, microdata,
//! `<time>` elements, the URL and date-classed elements, never from scripts; a date after
//! `now`, or before 1900 (such as year 0001), is rejected.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use scraper::{Html, Node};
use serde_json::Value;

use crate::text::normalize_ws;
use crate::Extracted;

type Src = &'static str;

/// Metadata found on a page, with the source of each field.
#[derive(Default, Debug)]
pub(crate) struct Metadata {
    pub title: Option<(String, Src)>,
    pub description: Option<(String, Src)>,
    pub authors: Option<(Vec<String>, Src)>,
    pub credit: Vec<String>,
    pub published: Option<(DateTime<FixedOffset>, Src)>,
    pub modified: Option<(DateTime<FixedOffset>, Src)>,
    pub outlet: Option<(String, Src)>,
    pub url: Option<(String, Src)>,
    pub language: Option<(String, Src)>,
    pub section: Option<(String, Src)>,
    pub image: Option<(String, Src)>,
    /// `articleBody` from JSON-LD, when present.
    pub json_ld_body: Option<String>,
}

impl Metadata {
    pub(crate) fn apply(&self, out: &mut Extracted) {
        fn put<T: Clone>(
            dst: &mut Option<T>,
            src: &Option<(T, Src)>,
            name: &'static str,
            sources: &mut std::collections::BTreeMap<&'static str, &'static str>,
        ) {
            if let Some((v, s)) = src {
                *dst = Some(v.clone());
                sources.insert(name, s);
            }
        }
        let s = &mut out.sources;
        put(&mut out.title, &self.title, "title", s);
        put(&mut out.description, &self.description, "description", s);
        put(&mut out.published, &self.published, "published", s);
        put(&mut out.modified, &self.modified, "modified", s);
        put(&mut out.outlet, &self.outlet, "outlet", s);
        put(&mut out.url, &self.url, "url", s);
        put(&mut out.language, &self.language, "language", s);
        put(&mut out.section, &self.section, "section", s);
        put(&mut out.image, &self.image, "image", s);
        if let Some((a, src)) = &self.authors {
            out.authors = a.clone();
            s.insert("authors", src);
        }
        out.credit = self.credit.clone();
    }
}

/// Wire agencies: credited, never listed as authors.
const WIRES: &[&str] = &[
    "ap",
    "associated press",
    "the associated press",
    "reuters",
    "thomson reuters",
    "afp",
    "agence france-presse",
    "agence france presse",
    "nca newswire",
    "aap",
    "australian associated press",
    "pa",
    "pa media",
    "press association",
    "upi",
    "united press international",
    "dpa",
    "ansa",
    "efe",
    "xinhua",
    "kyodo",
    "kyodo news",
    "the canadian press",
    "canadian press",
    "bloomberg",
    "bloomberg news",
    "cnn wire",
    "tribune news service",
    "news wires",
    "wires",
    "agencies",
    "wire services",
];

fn is_wire(name: &str) -> bool {
    let n: String = name
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    WIRES.contains(&n.as_str())
}

/// Cleans a byline into names: strips "By", splits on separators, drops
/// e-mail addresses, URLs and over-long strings.
fn split_names(raw: &str) -> Vec<String> {
    let mut s = normalize_ws(raw);
    for prefix in [
        "posted by ",
        "written by ",
        "words by ",
        "by: ",
        "by ",
        "from ",
    ] {
        if s.get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
        {
            s = s[prefix.len()..].to_string();
            break;
        }
    }
    let mut out = Vec::new();
    let lowered = s
        .replace(" and ", "|")
        .replace(" with ", "|")
        .replace(" & ", "|")
        .replace(" AND ", "|");
    for part in lowered.split([',', '|', ';', '/', '\n']) {
        let p = part.trim().trim_matches(|c: char| {
            c == '-' || c == '–' || c == '—' || c == '.' || c.is_whitespace()
        });
        if p.is_empty()
            || p.len() > 60
            || p.contains('@')
            || p.contains("://")
            || p.starts_with("www.")
        {
            continue;
        }
        if p.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let p = p.trim_start_matches("By ").trim_start_matches("by ").trim();
        if !p.is_empty() && !out.iter().any(|x: &String| x.eq_ignore_ascii_case(p)) {
            out.push(p.to_string());
        }
    }
    out
}

/// Splits names into (authors, credits).
fn partition_names(names: Vec<String>) -> (Vec<String>, Vec<String>) {
    names.into_iter().partition(|n| !is_wire(n))
}

/// Parses the date formats seen in news metadata.
pub(crate) fn parse_date(raw: &str) -> Option<DateTime<FixedOffset>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y%m%dT%H%M%S%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    let utc = FixedOffset::east_opt(0).expect("zero offset");
    let naive = s.trim_end_matches('Z');
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y%m%d%H%M%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(naive, f) {
            return utc.from_local_datetime(&d).single();
        }
    }
    let date_part = naive.get(..10).unwrap_or(naive);
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, f) {
            return utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y%m%d") {
        return utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
    }
    None
}

fn plausible(d: DateTime<FixedOffset>, now: DateTime<Utc>) -> bool {
    d.with_timezone(&Utc) <= now
        && d.format("%Y")
            .to_string()
            .parse::<i32>()
            .is_ok_and(|y| y >= 1900)
}

/// Finds `/YYYY/MM/DD/` (or `/YYYY-MM-DD`, `/YYYY/MM/`) in a URL path.
pub(crate) fn date_from_url(url: &str) -> Option<DateTime<FixedOffset>> {
    let path = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = path.find('/').map(|i| &path[i..]).unwrap_or("");
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').collect();
    let utc = FixedOffset::east_opt(0)?;
    for i in 0..parts.len() {
        let p = parts[i];
        if p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()) {
            let y: i32 = p.parse().ok()?;
            if !(1990..=2100).contains(&y) {
                continue;
            }
            let m: Option<u32> =
                parts
                    .get(i + 1)
                    .and_then(|m| if m.len() <= 2 { m.parse().ok() } else { None });
            let d: Option<u32> =
                parts
                    .get(i + 2)
                    .and_then(|d| if d.len() <= 2 { d.parse().ok() } else { None });
            if let (Some(m), Some(d)) = (m, d) {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                    return utc
                        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                        .single();
                }
            }
        }
        if let Some(head) = p.get(..10) {
            if let Ok(date) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
                if (1990..=2100).contains(&chrono::Datelike::year(&date)) {
                    return utc
                        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                        .single();
                }
            }
        }
    }
    None
}

const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "posting",
];

fn types_of(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(str::to_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => {
            let s = normalize_ws(&decode_basic_entities(s));
            (!s.is_empty()).then_some(s)
        }
        Value::Array(a) => a.iter().find_map(|x| str_of(Some(x))),
        Value::Object(o) => str_of(o.get("name")).or_else(|| str_of(o.get("@value"))),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn decode_basic_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#039;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

/// JSON-LD objects flattened (arrays and `@graph`), with an `@id` index.
struct JsonLd {
    objects: Vec<Value>,
}

impl JsonLd {
    fn by_id(&self, id: &str) -> Option<&Value> {
        self.objects
            .iter()
            .find(|o| o.get("@id").and_then(|x| x.as_str()) == Some(id))
    }
    /// Resolves `{"@id": ...}` references to the full object.
    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        if let Some(o) = v.as_object() {
            if o.len() == 1 {
                if let Some(id) = o.get("@id").and_then(|x| x.as_str()) {
                    if let Some(full) = self.by_id(id) {
                        return full;
                    }
                }
            }
        }
        v
    }
    fn article(&self) -> Option<&Value> {
        let is_article = |o: &&Value| {
            types_of(o)
                .iter()
                .any(|t| ARTICLE_TYPES.contains(&t.as_str()))
        };
        self.objects
            .iter()
            .filter(is_article)
            .max_by_key(|o| {
                (
                    o.get("headline").is_some() as u8,
                    o.get("articleBody").is_some() as u8,
                )
            })
            .or_else(|| {
                self.objects.iter().find(|o| {
                    types_of(o).iter().any(|t| t == "webpage") && o.get("headline").is_some()
                })
            })
    }
    fn names(&self, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for it in items {
            let it = self.resolve(it);
            match it {
                Value::String(s) => out.extend(split_names(s)),
                Value::Object(_) => {
                    if let Some(n) = str_of(it.get("name")) {
                        out.extend(split_names(&n));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

fn flatten(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 8 || out.len() > 200 {
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a {
                flatten(x, out, depth + 1);
            }
        }
        Value::Object(mut o) => {
            let graph = o.remove("@graph");
            let main = o.get("mainEntity").cloned();
            if !o.is_empty() {
                out.push(Value::Object(o));
            }
            if let Some(g) = graph {
                flatten(g, out, depth + 1);
            }
            if let Some(m) = main {
                if m.is_object() && m.get("@type").is_some() {
                    flatten(m, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn parse_json_ld(texts: &[String]) -> JsonLd {
    let mut objects = Vec::new();
    for t in texts {
        let t = t
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim();
        let t = t
            .trim_start_matches("//<![CDATA[")
            .trim_end_matches("//]]>")
            .trim();
        let parsed = serde_json::from_str::<Value>(t).or_else(|_| {
            // Control characters inside strings are a common defect.
            let cleaned: String = t
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            serde_json::from_str::<Value>(&cleaned)
        });
        if let Ok(v) = parsed {
            flatten(v, &mut objects, 0);
        }
    }
    JsonLd { objects }
}

#[derive(Default)]
struct Collected {
    metas: Vec<(String, String)>,
    canonical: Option<String>,
    html_lang: Option<String>,
    title_tag: Option<String>,
    h1: Option<String>,
    times: Vec<(String, bool)>,
    /// Dates in elements whose class names a date (`published`,
    /// `entry-date`, `date-header`, …) inside the post: the `title`
    /// attribute (hAtom's `<abbr class="published" title="…">`) or the text.
    dom_dates: Vec<DomDate>,
    itemprops: Vec<(String, String)>,
    bylines: Vec<String>,
    json_ld: Vec<String>,
}

/// A date stated in the page's markup outside `<meta>` and `<time>`.
#[derive(Debug)]
struct DomDate {
    /// A machine-readable `title` attribute, when the element has one.
    title: Option<String>,
    /// The element's text (short).
    text: String,
}

/// Class tokens of elements that hold the post's date.
const DATE_CLASSES: &[&str] = &[
    "published",
    "entry-date",
    "post-date",
    "postdate",
    "date-header",
    "timestamp",
    "post-timestamp",
    "dateline",
    "date",
    "article-date",
    "pubdate",
    "posted-on",
    "byline-date",
];

/// Whether an element's class names a date.
fn is_date_element(el: &scraper::node::Element) -> bool {
    el.attr("class").is_some_and(|cl| {
        cl.split_ascii_whitespace()
            .any(|t| DATE_CLASSES.iter().any(|d| t.eq_ignore_ascii_case(d)))
    })
}

/// Whether a node is inside reader comments, the site's header, navigation
/// or sidebars, or a list item: their dates are not the post's (a masthead's
/// "today", a teaser's date, a comment's). A post's own header
/// (`entry-header`, `<header>` inside `<article>`) is inside the post.
fn outside_the_post(node: ego_tree::NodeRef<'_, Node>) -> bool {
    const AWAY: &[&str] = &[
        "comment", "sidebar", "widget", "nav", "related", "featured", "slide", "footer", "menu",
        "popular", "recent",
    ];
    let in_article = node
        .ancestors()
        .any(|a| matches!(a.value(), Node::Element(e) if e.name() == "article"));
    node.ancestors().any(|a| match a.value() {
        Node::Element(e) => {
            matches!(e.name(), "nav" | "aside" | "footer" | "li")
                || (e.name() == "header" && !in_article)
                || [e.attr("class"), e.id()].into_iter().flatten().any(|v| {
                    v.len() < 300
                        && v.split_ascii_whitespace().any(|t| {
                            let l = t.to_ascii_lowercase();
                            l.starts_with("header")
                                || l == "masthead"
                                || AWAY.iter().any(|w| l.contains(w))
                        })
                })
        }
        _ => false,
    })
}

/// English month names, lower case. The same list as
/// `parallax_text::calendar::MONTHS`, kept here because this crate depends
/// on none of ours (see ARCHITECTURE.md).
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1-12) a word names: the full English name or its first three
/// letters ("Sept" too).
fn month_of(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTH_NAMES
        .iter()
        .position(|m| {
            *m == w || (w.len() <= 4 && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u32 + 1)
}

/// A date written out in English ("Tuesday, October 23, 2012",
/// "Nov 13th 2012 12:58PM", "23 October 2012, 5:27 pm"): a month name, a
/// day and a four-digit year near it, and the clock time that follows, if
/// any. No zone is written, so the time is taken as UTC.
pub(crate) fn parse_text_date(raw: &str) -> Option<DateTime<FixedOffset>> {
    if raw.len() > 120 {
        return None;
    }
    let words: Vec<&str> = raw
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
        .filter(|w| !w.is_empty())
        .collect();
    let (mi, month) = words
        .iter()
        .enumerate()
        .find_map(|(i, w)| month_of(w).map(|m| (i, m)))?;
    let day_of = |w: &str| -> Option<u32> {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let rest = &w[digits.len()..];
        if !matches!(rest, "" | "st" | "nd" | "rd" | "th") {
            return None;
        }
        digits.parse().ok().filter(|d| (1..=31).contains(d))
    };
    let year_of = |w: &str| -> Option<i32> {
        (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
            .filter(|y| (1990..=2100).contains(y))
    };
    // "October 23, 2012" or "23 October 2012".
    let (day, year, after) = if let (Some(d), Some(y)) = (
        words.get(mi + 1).and_then(|w| day_of(w)),
        words.get(mi + 2).and_then(|w| year_of(w)),
    ) {
        (d, y, mi + 3)
    } else if let (Some(d), Some(y)) = (
        mi.checked_sub(1).and_then(|i| day_of(words[i])),
        words.get(mi + 1).and_then(|w| year_of(w)),
    ) {
        (d, y, mi + 2)
    } else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = clock_time(&words[after.min(words.len())..])
        .or_else(|| chrono::NaiveTime::from_hms_opt(0, 0, 0))?;
    FixedOffset::east_opt(0)?
        .from_local_datetime(&date.and_time(time))
        .single()
}

/// The clock time among the first three words, with "am"/"pm" attached or
/// as the next word: "10:47 pm", "12:58PM", "17:05".
fn clock_time(words: &[&str]) -> Option<chrono::NaiveTime> {
    let k = words.iter().take(3).position(|w| w.contains(':'))?;
    let lower = words[k].to_ascii_lowercase();
    let next = words.get(k + 1).map(|w| w.to_ascii_lowercase());
    let (clock, half) = if let Some(c) = lower.strip_suffix("pm") {
        (c, Some(true))
    } else if let Some(c) = lower.strip_suffix("am") {
        (c, Some(false))
    } else {
        let half = match next.as_deref() {
            Some("pm") => Some(true),
            Some("am") => Some(false),
            _ => None,
        };
        (lower.as_str(), half)
    };
    let (h, m) = clock.split_once(':')?;
    let mut h: u32 = h.parse().ok()?;
    let m: u32 = m.get(..2).unwrap_or(m).parse().ok()?;
    match half {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    chrono::NaiveTime::from_hms_opt(h, m, 0)
}

fn text_of(node: ego_tree::NodeRef<'_, Node>, limit: usize) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            s.push_str(t);
            if s.len() > limit {
                break;
            }
        }
    }
    normalize_ws(&s)
}

fn collect(doc: &Html) -> Collected {
    let mut c = Collected::default();
    for node in doc.tree.root().descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        match el.name() {
            "html" => {
                if c.html_lang.is_none() {
                    c.html_lang = el
                        .attr("lang")
                        .or_else(|| el.attr("xml:lang"))
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty());
                }
            }
            "meta" => {
                let key = el
                    .attr("property")
                    .or_else(|| el.attr("name"))
                    .or_else(|| el.attr("http-equiv"));
                if let Some(v) = el.attr("content") {
                    let v = normalize_ws(v);
                    if !v.is_empty() {
                        if let Some(ip) = el.attr("itemprop") {
                            c.itemprops.push((ip.to_string(), v.clone()));
                        }
                        if let Some(k) = key {
                            c.metas.push((k.trim().to_ascii_lowercase(), v));
                        }
                    }
                }
            }
            "link" => {
                if c.canonical.is_none()
                    && el.attr("rel").is_some_and(|r| {
                        r.split_whitespace()
                            .any(|x| x.eq_ignore_ascii_case("canonical"))
                    })
                {
                    c.canonical = el
                        .attr("href")
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty());
                }
            }
            "title" => {
                if c.title_tag.is_none() {
                    let t = text_of(node, 500);
                    if !t.is_empty() {
                        c.title_tag = Some(t);
                    }
                }
            }
            "h1" => {
                if c.h1.is_none() {
                    let t = text_of(node, 500);
                    if !t.is_empty() {
                        c.h1 = Some(t);
                    }
                }
            }
            "time" => {
                if let Some(dt) = el.attr("datetime") {
                    c.times.push((dt.to_string(), el.attr("pubdate").is_some()));
                }
            }
            _ if c.dom_dates.len() < 5 && is_date_element(el) && !outside_the_post(node) => {
                let text = text_of(node, 160);
                if text.len() <= 120 {
                    c.dom_dates.push(DomDate {
                        title: el.attr("title").map(str::to_string),
                        text,
                    });
                }
            }
            "script" => {
                if el
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                {
                    c.json_ld.push(text_of_raw(node));
                }
            }
            _ => {}
        }
        if let Some(ip) = el.attr("itemprop") {
            if el.name() != "meta" {
                let v = el
                    .attr("content")
                    .or_else(|| el.attr("datetime"))
                    .map(normalize_ws)
                    .or_else(|| {
                        if ip == "image" {
                            el.attr("src").or_else(|| el.attr("href")).map(str::to_string)
                        } else if ip == "author" || ip == "creator" {
                            // A nested Person: prefer its name.
                            node.descendants()
                                .find(|d| matches!(d.value(), Node::Element(e) if e.attr("itemprop") == Some("name")))
                                .map(|d| text_of(d, 200))
                                .or_else(|| Some(text_of(node, 200)))
                        } else {
                            Some(text_of(node, 2000))
                        }
                    });
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    c.itemprops.push((ip.to_string(), v));
                }
            }
        }
        if c.bylines.len() < 5 {
            let rel_author = el
                .attr("rel")
                .is_some_and(|r| r.split_whitespace().any(|x| x == "author"));
            let class_byline = el.attr("class").is_some_and(|cl| {
                let l = cl.to_ascii_lowercase();
                l.contains("byline")
                    || l.split_whitespace().any(|t| {
                        t == "author"
                            || t == "author-name"
                            || t == "authorname"
                            || t == "article-author"
                    })
            });
            if rel_author || class_byline {
                let t = text_of(node, 200);
                if !t.is_empty() && t.len() < 150 {
                    c.bylines.push(t);
                }
            }
        }
    }
    c
}

fn text_of_raw(node: ego_tree::NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.children() {
        if let Node::Text(t) = d.value() {
            s.push_str(t);
        }
    }
    s
}

#[allow(clippy::field_reassign_with_default)]
pub(crate) fn extract_metadata(doc: &Html, url: Option<&str>, now: DateTime<Utc>) -> Metadata {
    let c = collect(doc);
    let ld = parse_json_ld(&c.json_ld);
    let art = ld.article();
    let meta = |keys: &[&str]| -> Option<String> {
        for k in keys {
            if let Some((_, v)) = c.metas.iter().find(|(mk, _)| mk == k) {
                return Some(v.clone());
            }
        }
        None
    };
    let item = |keys: &[&str]| -> Option<String> {
        for k in keys {
            if let Some((_, v)) = c.itemprops.iter().find(|(ik, _)| ik == k) {
                return Some(v.clone());
            }
        }
        None
    };
    let ld_str = |key: &str| art.and_then(|a| str_of(a.get(key)));
    let mut m = Metadata::default();

    m.title = ld_str("headline")
        .map(|v| (v, "json-ld"))
        .or_else(|| meta(&["og:title"]).map(|v| (v, "og")))
        .or_else(|| meta(&["dc.title", "dcterms.title"]).map(|v| (v, "dc")))
        .or_else(|| item(&["headline"]).map(|v| (v, "microdata")))
        .or_else(|| c.h1.clone().map(|v| (v, "html")))
        .or_else(|| c.title_tag.clone().map(|v| (v, "html")));
    m.description = ld_str("description")
        .map(|v| (v, "json-ld"))
        .or_else(|| meta(&["og:description"]).map(|v| (v, "og")))
        .or_else(|| meta(&["description"]).map(|v| (v, "meta")))
        .or_else(|| {
            meta(&["dc.description", "dcterms.description", "dcterms.abstract"]).map(|v| (v, "dc"))
        })
        .or_else(|| item(&["description"]).map(|v| (v, "microdata")));

    // Authors and credits.
    let mut credit = Vec::new();
    let candidates: Vec<(Vec<String>, Src)> = vec![
        (
            art.and_then(|a| a.get("author"))
                .map(|v| ld.names(v))
                .unwrap_or_default(),
            "json-ld",
        ),
        (
            c.metas
                .iter()
                .filter(|(k, v)| {
                    matches!(
                        k.as_str(),
                        "author" | "article:author" | "sailthru.author" | "parsely-author"
                    ) && !v.contains("://")
                })
                .flat_map(|(_, v)| split_names(v))
                .collect(),
            "meta",
        ),
        (
            c.metas
                .iter()
                .filter(|(k, _)| k == "dc.creator" || k == "dcterms.creator")
                .flat_map(|(_, v)| split_names(v))
                .collect(),
            "dc",
        ),
        (
            c.itemprops
                .iter()
                .filter(|(k, _)| k == "author" || k == "creator")
                .flat_map(|(_, v)| split_names(v))
                .collect(),
            "microdata",
        ),
        (
            c.bylines
                .iter()
                .take(2)
                .flat_map(|v| split_names(v))
                .collect(),
            "byline",
        ),
    ];
    for (names, src) in candidates {
        if names.is_empty() {
            continue;
        }
        let (authors, wires) = partition_names(names);
        for w in wires {
            if !credit.contains(&w) {
                credit.push(w);
            }
        }
        if !authors.is_empty() {
            let mut dedup: Vec<String> = Vec::new();
            for a in authors {
                if !dedup.iter().any(|x| x.eq_ignore_ascii_case(&a)) {
                    dedup.push(a);
                }
            }
            m.authors = Some((dedup, src));
            break;
        }
    }
    // Wire credits also come from explicit credit fields.
    for v in c
        .metas
        .iter()
        .filter(|(k, _)| k == "article:credit" || k == "credit" || k == "dc.source")
        .map(|(_, v)| v)
    {
        for n in split_names(v) {
            if is_wire(&n) && !credit.contains(&n) {
                credit.push(n);
            }
        }
    }
    m.credit = credit;

    // Dates.
    let ok = |s: Option<String>| {
        s.and_then(|s| parse_date(&s))
            .filter(|d| plausible(*d, now))
    };
    m.published = ok(ld_str("datePublished"))
        .or_else(|| ok(ld_str("dateCreated")))
        .map(|d| (d, "json-ld"))
        .or_else(|| {
            ok(meta(&[
                "article:published_time",
                "og:published_time",
                "og:article:published_time",
            ]))
            .map(|d| (d, "og"))
        })
        .or_else(|| {
            ok(meta(&[
                "dc.date.issued",
                "dcterms.issued",
                "dc.date",
                "dcterms.date",
                "dcterms.created",
                "dc.date.created",
            ]))
            .map(|d| (d, "dc"))
        })
        .or_else(|| {
            ok(meta(&[
                "pubdate",
                "publishdate",
                "publish-date",
                "publish_date",
                "date",
                "sailthru.date",
                "parsely-pub-date",
                "article.published",
                "published_time",
                "datepublished",
            ]))
            .map(|d| (d, "meta"))
        })
        .or_else(|| ok(item(&["datePublished", "dateCreated"])).map(|d| (d, "microdata")))
        .or_else(|| {
            let pub_first = c.times.iter().find(|(_, p)| *p).or_else(|| c.times.first());
            ok(pub_first.map(|(s, _)| s.clone())).map(|d| (d, "time"))
        })
        .or_else(|| {
            let u = c
                .canonical
                .as_deref()
                .or(url)
                .or_else(|| meta(&["og:url"]).map(|_| ""))
                .filter(|s| !s.is_empty());
            let from_url = u
                .and_then(date_from_url)
                .or_else(|| url.and_then(date_from_url))
                .or_else(|| meta(&["og:url"]).and_then(|u| date_from_url(&u)));
            from_url.filter(|d| plausible(*d, now)).map(|d| (d, "url"))
        })
        .or_else(|| {
            c.dom_dates.iter().find_map(|d| {
                d.title
                    .as_deref()
                    .and_then(parse_date)
                    .or_else(|| parse_date(&d.text))
                    .or_else(|| parse_text_date(&d.text))
                    .filter(|d| plausible(*d, now))
                    .map(|d| (d, "dom"))
            })
        });
    m.modified = ok(ld_str("dateModified"))
        .map(|d| (d, "json-ld"))
        .or_else(|| {
            ok(meta(&[
                "article:modified_time",
                "og:updated_time",
                "og:modified_time",
            ]))
            .map(|d| (d, "og"))
        })
        .or_else(|| ok(meta(&["dc.date.modified", "dcterms.modified"])).map(|d| (d, "dc")))
        .or_else(|| ok(meta(&["last-modified", "lastmod", "dateModified"])).map(|d| (d, "meta")))
        .or_else(|| ok(item(&["dateModified"])).map(|d| (d, "microdata")));

    m.outlet = art
        .and_then(|a| a.get("publisher"))
        .map(|p| ld.resolve(p))
        .and_then(|p| str_of(p.get("name")).or_else(|| p.as_str().map(str::to_string)))
        .map(|v| (v, "json-ld"))
        .or_else(|| meta(&["og:site_name"]).map(|v| (v, "og")))
        .or_else(|| meta(&["dc.publisher", "dcterms.publisher"]).map(|v| (v, "dc")))
        .or_else(|| meta(&["application-name"]).map(|v| (v, "meta")));
    m.url = c
        .canonical
        .clone()
        .map(|v| (v, "html"))
        .or_else(|| meta(&["og:url"]).map(|v| (v, "og")))
        .or_else(|| ld_str("url").map(|v| (v, "json-ld")))
        .or_else(|| url.map(|u| (u.to_string(), "input")));
    m.language = c
        .html_lang
        .clone()
        .map(|v| (v, "html"))
        .or_else(|| meta(&["content-language"]).map(|v| (v, "http")))
        .or_else(|| meta(&["og:locale"]).map(|v| (v.replace('_', "-"), "og")))
        .or_else(|| ld_str("inLanguage").map(|v| (v, "json-ld")));
    m.section = ld_str("articleSection")
        .map(|v| (v, "json-ld"))
        .or_else(|| meta(&["article:section"]).map(|v| (v, "og")))
        .or_else(|| meta(&["section", "article.section", "parsely-section"]).map(|v| (v, "meta")))
        .or_else(|| item(&["articleSection"]).map(|v| (v, "microdata")));
    m.image = art
        .and_then(|a| a.get("image"))
        .and_then(|i| match ld.resolve(i) {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.iter().find_map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .or_else(|| str_of(x.get("url")))
            }),
            o @ Value::Object(_) => str_of(o.get("url")),
            _ => None,
        })
        .map(|v| (v, "json-ld"))
        .or_else(|| meta(&["og:image", "og:image:url", "og:image:secure_url"]).map(|v| (v, "og")))
        .or_else(|| meta(&["twitter:image", "twitter:image:src"]).map(|v| (v, "meta")))
        .or_else(|| item(&["image"]).map(|v| (v, "microdata")));
    // Line breaks kept: they separate the stated text's paragraphs.
    m.json_ld_body = art
        .and_then(|a| a.get("articleBody"))
        .and_then(Value::as_str)
        .map(decode_basic_entities)
        .filter(|s| !s.trim().is_empty());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_date_formats() {
        for s in [
            "2021-03-04T05:06:07Z",
            "2021-03-04T05:06:07+0100",
            "2021-03-04",
            "2021-03-04 05:06:07",
            "Thu, 04 Mar 2021 05:06:07 GMT",
        ] {
            assert!(parse_date(s).is_some(), "{s}");
        }
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn dates_written_out_in_english() {
        let ymd_hm = |s: &str| parse_text_date(s).map(|d| d.format("%Y-%m-%d %H:%M").to_string());
        for (text, want) in [
            ("Tuesday, October 23, 2012", "2012-10-23 00:00"),
            ("Nov 13th 2012 12:58PM", "2012-11-13 12:58"),
            ("23 October 2012, 5:27 pm", "2012-10-23 17:27"),
            ("Sept 3, 2011 at 12:05 am", "2011-09-03 00:05"),
            ("Posted on August 9, 2012 9:26AM", "2012-08-09 09:26"),
        ] {
            assert_eq!(ymd_hm(text).as_deref(), Some(want), "{text}");
        }
        // No year, no day, an impossible day, or a month word alone.
        assert_eq!(ymd_hm("October 23"), None);
        assert_eq!(ymd_hm("October 2012"), None);
        assert_eq!(ymd_hm("February 30, 2012"), None);
        assert_eq!(ymd_hm("May I say 12 things in 2012"), None);
        assert_eq!(ymd_hm("6 hrs ago"), None);
    }

    #[test]
    fn url_date_paths() {
        let d = date_from_url("https://news.example/2020/05/17/story-name").unwrap();
        assert_eq!(d.format("%Y-%m-%d").to_string(), "2020-05-17");
        let d = date_from_url("https://news.example/world/2019-11-02-story").unwrap();
        assert_eq!(d.format("%Y-%m-%d").to_string(), "2019-11-02");
        assert!(date_from_url("https://news.example/world/story-123").is_none());
    }

    #[test]
    fn byline_splitting() {
        assert_eq!(
            split_names("By Ann Lee and Bo Chen, Reuters"),
            vec!["Ann Lee", "Bo Chen", "Reuters"]
        );
        let (a, c) = partition_names(split_names("By Ann Lee, NCA NewsWire"));
        assert_eq!(a, vec!["Ann Lee"]);
        assert_eq!(c, vec!["NCA NewsWire"]);
    }
}
