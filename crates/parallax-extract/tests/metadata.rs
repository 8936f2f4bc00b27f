//! Metadata tests on small hand-written pages of fictional outlets.

use chrono::{DateTime, TimeZone, Utc};
use parallax_extract::{extract, Options};

fn opts() -> Options {
    Options {
        now: Some(Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap()),
        ..Options::default()
    }
}

fn page(head: &str, body: &str) -> String {
    format!("<!doctype html><html lang=\"en-GB\"><head>{head}</head><body>{body}<article><p>The harbour board of Port Wexley met on Tuesday to approve a new ferry timetable for the summer season, officials said.</p><p>Residents had asked for later sailings, and the board agreed after a long debate about costs and crew rosters.</p></article></body></html>")
}

fn ymd(d: Option<DateTime<chrono::FixedOffset>>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

#[test]
fn json_ld_news_article() {
    let html = page(
        r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Ferry timetable approved","description":"Later sailings for Port Wexley","datePublished":"2024-05-02T09:30:00+01:00","dateModified":"2024-05-03T10:00:00Z","author":[{"@type":"Person","name":"Mara Quill"},{"@type":"Person","name":"Ivo Brandt"}],"publisher":{"@type":"Organization","name":"Wexley Gazette"},"articleSection":"Local","image":{"@type":"ImageObject","url":"https://gazette.example/ferry.jpg"},"inLanguage":"en"}</script>"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("Ferry timetable approved"));
    assert_eq!(
        e.description.as_deref(),
        Some("Later sailings for Port Wexley")
    );
    assert_eq!(e.authors, vec!["Mara Quill", "Ivo Brandt"]);
    assert_eq!(ymd(e.published).as_deref(), Some("2024-05-02"));
    assert_eq!(e.published.unwrap().offset().local_minus_utc(), 3600);
    assert_eq!(ymd(e.modified).as_deref(), Some("2024-05-03"));
    assert_eq!(e.outlet.as_deref(), Some("Wexley Gazette"));
    assert_eq!(e.section.as_deref(), Some("Local"));
    assert_eq!(
        e.image.as_deref(),
        Some("https://gazette.example/ferry.jpg")
    );
    assert_eq!(e.language.as_deref(), Some("en-GB"));
    for f in [
        "title",
        "description",
        "authors",
        "published",
        "modified",
        "outlet",
        "section",
        "image",
    ] {
        assert_eq!(e.sources.get(f), Some(&"json-ld"), "{f}");
    }
}

#[test]
fn json_ld_beats_open_graph() {
    let html = page(
        r#"<meta property="og:title" content="OG headline"><meta property="article:published_time" content="2023-01-01T00:00:00Z"><meta property="og:site_name" content="OG Name">
        <script type="application/ld+json">{"@type":"Article","headline":"LD headline","datePublished":"2023-02-02","publisher":{"name":"LD Name"}}</script>"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("LD headline"));
    assert_eq!(ymd(e.published).as_deref(), Some("2023-02-02"));
    assert_eq!(e.outlet.as_deref(), Some("LD Name"));
}

#[test]
fn open_graph_when_no_json_ld() {
    let html = page(
        r#"<meta property="og:title" content="OG headline"><meta property="og:description" content="OG desc"><meta property="article:published_time" content="2023-01-01T08:00:00Z"><meta property="article:modified_time" content="2023-01-02T08:00:00Z"><meta property="og:site_name" content="Harbour Times"><meta property="og:image" content="https://times.example/a.png"><meta property="article:section" content="Sport"><link rel="canonical" href="https://times.example/sport/ferry">"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("OG headline"));
    assert_eq!(e.sources["title"], "og");
    assert_eq!(e.description.as_deref(), Some("OG desc"));
    assert_eq!(ymd(e.published).as_deref(), Some("2023-01-01"));
    assert_eq!(e.sources["published"], "og");
    assert_eq!(ymd(e.modified).as_deref(), Some("2023-01-02"));
    assert_eq!(e.outlet.as_deref(), Some("Harbour Times"));
    assert_eq!(e.image.as_deref(), Some("https://times.example/a.png"));
    assert_eq!(e.section.as_deref(), Some("Sport"));
    assert_eq!(e.url.as_deref(), Some("https://times.example/sport/ferry"));
}

#[test]
fn json_ld_graph_and_id_references() {
    let html = page(
        r##"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","@id":"#site","name":"Site"},{"@type":"Organization","@id":"#org","name":"Valley Courier"},{"@type":"Person","@id":"#p1","name":"Lena Ortiz"},{"@type":["NewsArticle"],"headline":"Graph headline","author":{"@id":"#p1"},"publisher":{"@id":"#org"},"datePublished":"2022-09-10T12:00:00Z"}]}</script>"##,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("Graph headline"));
    assert_eq!(e.authors, vec!["Lena Ortiz"]);
    assert_eq!(e.outlet.as_deref(), Some("Valley Courier"));
    assert_eq!(ymd(e.published).as_deref(), Some("2022-09-10"));
}

#[test]
fn json_ld_array_top_level() {
    let html = page(
        r#"<script type="application/ld+json">[{"@type":"BreadcrumbList"},{"@type":"NewsArticle","headline":"Array headline"}]</script>"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("Array headline"));
}

#[test]
fn wire_credits_are_not_authors() {
    let html = page(
        r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":[{"name":"Tom Reyes"},{"name":"AP"},{"name":"Reuters"}]}</script>"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.authors, vec!["Tom Reyes"]);
    assert_eq!(e.credit, vec!["AP", "Reuters"]);

    let html = page(
        r#"<meta name="author" content="NCA NewsWire">"#,
        r#"<p class="byline">By Jo Park, AFP</p>"#,
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.authors, vec!["Jo Park"]);
    assert_eq!(e.sources["authors"], "byline");
    assert!(e.credit.contains(&"NCA NewsWire".to_string()));
    assert!(e.credit.contains(&"AFP".to_string()));
}

#[test]
fn dates_in_ordinary_scripts_are_ignored() {
    let html = page(
        r#"<script>var cfg = {"datePublished": "2020-01-01T00:00:00Z", "publishDate": "2020-01-01"};</script>"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.published, None);
}

#[test]
fn future_dates_are_rejected() {
    let html = page(
        r#"<meta property="article:published_time" content="2031-01-01T00:00:00Z"><meta name="dc.date" content="2024-04-04">"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(ymd(e.published).as_deref(), Some("2024-04-04"));
    assert_eq!(e.sources["published"], "dc");
}

#[test]
fn year_one_is_rejected() {
    let html = page(
        r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","datePublished":"0001-01-01T00:00:00Z","dateModified":"0001-01-01"}</script>"#,
        r#"<time datetime="2024-03-03T10:00:00Z">3 March</time>"#,
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(ymd(e.published).as_deref(), Some("2024-03-03"));
    assert_eq!(e.sources["published"], "time");
    assert_eq!(e.modified, None);
}

#[test]
fn url_date_path_is_last_resort() {
    let o = Options {
        url: Some("https://courier.example/2021/07/15/ferry-story".into()),
        ..opts()
    };
    let e = extract(page("", "").as_bytes(), &o).unwrap();
    assert_eq!(ymd(e.published).as_deref(), Some("2021-07-15"));
    assert_eq!(e.sources["published"], "url");
    assert_eq!(
        e.url.as_deref(),
        Some("https://courier.example/2021/07/15/ferry-story")
    );
    // Any real date source wins over the URL.
    let html = page(r#"<meta name="dc.date" content="2021-07-16">"#, "");
    let e = extract(html.as_bytes(), &o).unwrap();
    assert_eq!(ymd(e.published).as_deref(), Some("2021-07-16"));
}

#[test]
fn dublin_core_and_microdata() {
    let html = page(
        r#"<meta name="DC.title" content="DC title"><meta name="DC.creator" content="Ada Moss"><meta name="DC.publisher" content="Moss Weekly">"#,
        "",
    );
    let e = extract(html.as_bytes(), &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("DC title"));
    assert_eq!(e.sources["title"], "dc");
    assert_eq!(e.authors, vec!["Ada Moss"]);
    assert_eq!(e.sources["authors"], "dc");
    assert_eq!(e.outlet.as_deref(), Some("Moss Weekly"));

    let body = r#"<div itemscope itemtype="https://schema.org/NewsArticle"><h2 itemprop="headline">Micro headline</h2><span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Rui Santos</span></span><meta itemprop="datePublished" content="2019-05-05"></div>"#;
    let e = extract(page("", body).as_bytes(), &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("Micro headline"));
    assert_eq!(e.sources["title"], "microdata");
    assert_eq!(e.authors, vec!["Rui Santos"]);
    assert_eq!(ymd(e.published).as_deref(), Some("2019-05-05"));
    assert_eq!(e.sources["published"], "microdata");
}

#[test]
fn title_falls_back_to_html() {
    let e = extract(
        page("<title>Only a title | Site</title>", "").as_bytes(),
        &opts(),
    )
    .unwrap();
    assert_eq!(e.title.as_deref(), Some("Only a title | Site"));
    assert_eq!(e.sources["title"], "html");
}

#[test]
fn charset_from_meta_with_windows_1252_bytes() {
    let mut bytes = b"<html><head><meta charset=\"windows-1252\"><title>Caf".to_vec();
    bytes.push(0xE9); // e-acute in windows-1252
    bytes.extend_from_slice(b" news</title></head><body><p>Price: 5");
    bytes.push(0x80); // euro sign
    bytes.extend_from_slice(b" for a coffee at the harbour, said the owner of the small cafe on the quay.</p></body></html>");
    let e = extract(&bytes, &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("Café news"));
    assert!(e.text().contains("5€"));
    assert_eq!(e.encoding, "windows-1252");
}

#[test]
fn http_charset_wins_over_meta() {
    let mut bytes = b"<html><head><meta charset=\"utf-8\"><title>Caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"</title></head><body></body></html>");
    let o = Options {
        http_charset: Some("text/html; charset=ISO-8859-1".into()),
        ..opts()
    };
    let e = extract(&bytes, &o).unwrap();
    assert_eq!(e.title.as_deref(), Some("Café"));
}

#[test]
fn gzip_input_is_inflated() {
    use std::io::Write;
    let html = page(r#"<meta property="og:title" content="Zipped">"#, "");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(html.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let e = extract(&gz, &opts()).unwrap();
    assert_eq!(e.title.as_deref(), Some("Zipped"));
    assert!(e.text().contains("ferry timetable"));
}

#[test]
fn size_limit_is_enforced() {
    let o = Options {
        max_bytes: 100,
        ..opts()
    };
    assert!(extract(page("", "").as_bytes(), &o).is_err());
}

#[test]
fn date_classed_elements_inside_the_post() {
    // Blogger and WordPress markup of 2012: no <meta> or <time>, no date in
    // the URL; a masthead shows today's date and a teaser list another.
    let body = r#"<div id="header"><span class="date-header">Wednesday, November 7 2012</span></div>
<ul class="top-posts"><li><span class="date">October 2, 2012</span> Another post</li></ul>
<div class="post hentry"><h3 class="post-title">The new pier</h3>
<a class="timestamp-link" href="/p"><abbr class="published" title="2012-10-23T16:02:00-07:00">4:02 PM</abbr></a>
<div class="post-body"><p>The new pier opened this morning after two years of work, the council said.</p></div></div>
<div class="comments"><span class="date">October 25, 2012 at 10:47 pm</span></div>"#;
    let e = extract(page("", body).as_bytes(), &opts()).unwrap();
    assert_eq!(ymd(e.published), Some("2012-10-23".to_string()));
    assert_eq!(e.sources.get("published").copied(), Some("dom"));
    // Without the abbr, the written-out date of a post-date element.
    let body = body.replace(
        r#"<abbr class="published" title="2012-10-23T16:02:00-07:00">4:02 PM</abbr>"#,
        r#"<span class="post-date">Posted on October 22, 2012</span>"#,
    );
    let e = extract(page("", &body).as_bytes(), &opts()).unwrap();
    assert_eq!(ymd(e.published), Some("2012-10-22".to_string()));
}
