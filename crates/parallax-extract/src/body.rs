//! Main-text extraction.
//!
//! One iterative walk over the DOM turns the page into text blocks (one per
//! run of text between block-level boundaries) and a flat table of
//! elements. Blocks vote for their ancestors (Readability-style scoring,
//! weighted by length, commas, link density and class/id hints); the best
//! container, plus siblings that look like article text, is kept, and within
//! it blocks under boilerplate markup (share bars, related links, comments,
//! captions, newsletter boxes, ads) and link-heavy blocks are dropped.
//!
//! Class and id hints come in strengths: the CMS's own article-body markup
//! (`entry-content`, `article-body`, `itemprop="articleBody"`) doubles a
//! container's score; a boilerplate word (`comment`, `sidebar`, a site
//! `header`, …) halves the score of the element and of every candidate
//! inside it; a weaker boilerplate word (`share`, `caption`, `gallery`) is
//! cleared when its element holds much prose, since some sites wrap the
//! story itself in such markup.

use aho_corasick::AhoCorasick;
use ego_tree::NodeRef;
use scraper::{Html, Node};
use std::sync::OnceLock;

use crate::stated::StatedBody;
use crate::text::{normalize_ws, word_chars};
use crate::{Block, BlockKind, Options};

const NONE: u32 = u32::MAX;

/// The factor on the score of a container in the article body's own markup
/// ([`STRONG_POS`], `itemprop="articleBody"`).
const STRONG_BOOST: f64 = 2.0;

/// Tags whose whole subtree is never article text.
fn skip_tag(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "figure"
            | "figcaption"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "map"
            | "dialog"
            | "menu"
            | "label"
    )
}

/// Tags that start a new text block.
fn block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tbody"
            | "thead"
            | "tr"
            | "td"
            | "th"
            | "header"
            | "address"
            | "center"
            | "form"
            | "fieldset"
            | "hr"
            | "body"
            | "html"
            | "caption"
            | "details"
            | "summary"
    )
}

/// Tags a block can be "a paragraph" of (votes go to their parent).
fn leaf_block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "pre"
            | "dt"
            | "dd"
            | "blockquote"
            | "td"
            | "th"
    )
}

const NEG_SUB: &[&str] = &[
    "comment",
    "related",
    "newsletter",
    "cookie",
    "consent",
    "footer",
    "sidebar",
    "breadcrumb",
    "advert",
    "promo",
    "subscri",
    "signup",
    "popup",
    "modal",
    "recommend",
    "outbrain",
    "taboola",
    "disqus",
    "sponsor",
    "masthead",
    "toolbar",
    "pagination",
    "trending",
    "popular",
    "tagcloud",
    "facebook",
    "twitter",
    "login",
    "skiplink",
    "paywall",
    "more-stories",
    "moreon",
    "readmore",
    "read-more",
    "credit",
    "carousel",
    "overlay",
    "rating",
    "reply",
    "respond",
    "author-bio",
    "authorbio",
    "topics",
];

const NEG_EQ: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "ad",
    "ads",
    "adv",
    "aside",
    "foot",
    "links",
    "tools",
    "tags",
    "tag",
    "print",
    "email",
    "rss",
    "banner",
    "teaser",
    "teasers",
    "extra",
    "byline-share",
    "keywords",
    "meta-tags",
    "pager",
    "nocontent",
    "noprint",
    "shoutbox",
    "sponsored",
    "bottom",
];

/// Media words (exact class or id tokens): boilerplate (a photo box, a
/// video player) unless the same element carries the article body's own
/// markup ([`STRONG_POS`]).
const MEDIA_EQ: &[&str] = &["photo", "image", "img", "video"];

const POS_SUB: &[&str] = &[
    "article", "content", "entry", "story", "body", "text", "main", "post", "blog", "hentry",
];

/// Class and id tokens that content management systems give the article
/// body itself (exact, lower case): a stronger hint than a mere "content".
const STRONG_POS: &[&str] = &[
    "entry-content",
    "entry_content",
    "entry-body",
    "post-body",
    "post_body",
    "postbody",
    "post-content",
    "post_content",
    "post-entry",
    "postentry",
    "article-body",
    "article_body",
    "articlebody",
    "article__body",
    "article-content",
    "article-text",
    "articletext",
    "story-body",
    "storybody",
    "story-content",
    "storycontent",
    "story-text",
    "body-text",
    "bodytext",
    "news-body",
    "td-post-content",
    "c-entry-content",
    "blog-post-body",
];

/// Substrings of class and id tokens that mark boilerplate most of the time
/// but that some sites put on the article text itself (a gallery's
/// "caption" holding the story, a "social-share" wrapper): an element so
/// marked that holds much prose is not boilerplate.
const WEAK_NEG: &[&str] = &[
    "share",
    "sharing",
    "social",
    "caption",
    "gallery",
    "slideshow",
];

/// The hint of a weakly negative element (see [`WEAK_NEG`]).
const WEAK_NEGATIVE: i8 = -2;

/// What a substring of a class or id token says.
enum HintWord {
    Weak,
    Negative,
    Positive,
}

impl HintWord {
    /// The kind of pattern `i` of [`hint_words`].
    fn of(i: usize) -> HintWord {
        if i < WEAK_NEG.len() {
            HintWord::Weak
        } else if i < WEAK_NEG.len() + NEG_SUB.len() {
            HintWord::Negative
        } else {
            HintWord::Positive
        }
    }
}

/// One automaton for every hint substring ([`WEAK_NEG`], [`NEG_SUB`],
/// [`POS_SUB`], in that order): a token is scanned once, not once per word.
fn hint_words() -> &'static AhoCorasick {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    WORDS.get_or_init(|| {
        AhoCorasick::new(WEAK_NEG.iter().chain(NEG_SUB).chain(POS_SUB))
            .expect("hint words build an automaton")
    })
}

/// Class/id hint: -1 boilerplate, -2 boilerplate unless it holds much
/// prose ([`WEAK_NEG`]), +1 article-like, +2 the article body's own markup
/// ([`STRONG_POS`]), 0 neither.
fn class_hint(class: Option<&str>, id: Option<&str>) -> i8 {
    let mut neg = false;
    let mut weak_neg = false;
    let mut pos = false;
    let mut strong = false;
    // Negative only through a media word ("photo", "video"): on an
    // element that also carries the article body's own markup, the word
    // names the kind of post ("post-content photo"), not a gallery.
    let mut media_only = true;
    for s in [class, id].into_iter().flatten() {
        if s.len() > 300 {
            continue;
        }
        let lower = s.to_ascii_lowercase();
        for tok in lower.split(|c: char| c.is_ascii_whitespace()) {
            // WordPress names a post's categories and tags in its classes
            // ("category-promo-videos", "tag-social-media"): the author's
            // topics, not the page's layout.
            if tok.is_empty() || tok.starts_with("category-") || tok.starts_with("tag-") {
                continue;
            }
            let (mut tok_weak, mut tok_neg) = (false, false);
            for m in hint_words().find_overlapping_iter(tok) {
                match HintWord::of(m.pattern().as_usize()) {
                    HintWord::Weak => tok_weak = true,
                    HintWord::Negative => tok_neg = true,
                    HintWord::Positive => pos = true,
                }
            }
            if tok_neg {
                neg = true;
                media_only = false;
            } else if tok_weak {
                weak_neg = true;
            }
            let first = tok
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("");
            if MEDIA_EQ.contains(&tok) {
                neg = true;
            } else if NEG_EQ.contains(&tok)
                || (first.len() < tok.len()
                    && matches!(first, "nav" | "menu" | "ad" | "ads" | "footer" | "related"))
                || tok.starts_with("advert")
                || tok == "adsbygoogle"
                || tok.starts_with("header")
                || matches!(tok, "site-header" | "page-header" | "topbar" | "top-bar")
            {
                neg = true;
                media_only = false;
            }
            if STRONG_POS.contains(&tok) {
                strong = true;
            }
        }
    }
    if neg && !(strong && media_only) {
        -1
    } else if weak_neg {
        WEAK_NEGATIVE
    } else if strong {
        2
    } else if pos {
        1
    } else {
        0
    }
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if el.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

struct Elem<'a> {
    parent: u32,
    tag: &'a str,
    depth: u32,
    hint: i8,
    /// Depth of the nearest element (self or ancestor) with a negative hint.
    neg_depth: i64,
    first_block: u32,
    end_block: u32,
}

struct RawBlock {
    text: String,
    chars: usize,
    link_chars: usize,
    owner: u32,
    kind: BlockKind,
    heading_level: u8,
}

struct Frame {
    elem: u32,
    node: ego_tree::NodeId,
    block: bool,
    link: bool,
}

struct Walker<'a> {
    elems: Vec<Elem<'a>>,
    blocks: Vec<RawBlock>,
    frames: Vec<Frame>,
    buf: String,
    link_buf_chars: usize,
    link_depth: u32,
}

impl<'a> Walker<'a> {
    fn current_owner(&self) -> u32 {
        for f in self.frames.iter().rev() {
            if f.block {
                return f.elem;
            }
        }
        NONE
    }

    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = normalize_ws(&self.buf);
        self.buf.clear();
        let link_chars = std::mem::take(&mut self.link_buf_chars);
        if text.is_empty() {
            return;
        }
        let owner = self.current_owner();
        let mut kind = BlockKind::Paragraph;
        let mut heading_level = 0;
        // Innermost block-level tag decides headings and list items; any
        // blockquote ancestor makes a quote.
        let mut seen_inner = false;
        for f in self.frames.iter().rev() {
            if !f.block {
                continue;
            }
            let tag = self.elems[f.elem as usize].tag;
            if !seen_inner {
                seen_inner = true;
                match tag {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        kind = BlockKind::Heading;
                        heading_level = tag.as_bytes()[1] - b'0';
                    }
                    "li" | "dd" | "dt" => kind = BlockKind::ListItem,
                    _ => {}
                }
            }
            if tag == "blockquote" {
                kind = BlockKind::Quote;
                break;
            }
        }
        let chars = word_chars(&text);
        self.blocks.push(RawBlock {
            text,
            chars,
            link_chars: link_chars.min(chars),
            owner,
            kind,
            heading_level,
        });
    }

    fn open_element(&mut self, node: NodeRef<'a, Node>, el: &'a scraper::node::Element) -> bool {
        let tag = el.name();
        if skip_tag(tag) || is_hidden(el) {
            return false;
        }
        if tag == "br" {
            // Line breaks separate paragraphs in older markup.
            self.flush();
            return false;
        }
        if tag == "img" || tag == "wbr" {
            return false;
        }
        let block = block_tag(tag);
        if block {
            self.flush();
        }
        let parent = self.frames.last().map(|f| f.elem).unwrap_or(NONE);
        let depth = self.frames.len() as u32;
        let hint = if matches!(tag, "html" | "body") {
            0
        } else if matches!(tag, "nav" | "aside" | "footer") {
            -1
        } else if el
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("articlebody"))
        {
            // schema.org microdata: the page's own statement of its body.
            2
        } else {
            class_hint(el.attr("class"), el.id())
        };
        let parent_neg = if parent == NONE {
            -1
        } else {
            self.elems[parent as usize].neg_depth
        };
        let neg_depth = if hint < 0 { depth as i64 } else { parent_neg };
        let idx = self.elems.len() as u32;
        self.elems.push(Elem {
            parent,
            tag,
            depth,
            hint,
            neg_depth,
            first_block: self.blocks.len() as u32,
            end_block: self.blocks.len() as u32,
        });
        let link = tag == "a";
        if link {
            self.link_depth += 1;
        }
        self.frames.push(Frame {
            elem: idx,
            node: node.id(),
            block,
            link,
        });
        true
    }

    fn close_element(&mut self) {
        if self.frames.last().is_some_and(|f| f.block) {
            self.flush();
        }
        let f = self.frames.pop().expect("frame");
        if f.link {
            self.link_depth -= 1;
        }
        let end = self.blocks.len() as u32;
        self.elems[f.elem as usize].end_block = end;
    }

    fn text(&mut self, t: &str) {
        if self.link_depth > 0 {
            self.link_buf_chars += t.chars().filter(|c| c.is_alphanumeric()).count();
        }
        self.buf.push_str(t);
    }
}

fn walk<'a>(doc: &'a Html, max_nodes: usize) -> Walker<'a> {
    let mut w = Walker {
        elems: Vec::new(),
        blocks: Vec::new(),
        frames: Vec::new(),
        buf: String::new(),
        link_buf_chars: 0,
        link_depth: 0,
    };
    let root = doc.tree.root();
    let mut visited = 0usize;
    let mut cur = root.first_child();
    'outer: while let Some(n) = cur {
        visited += 1;
        if visited > max_nodes {
            break;
        }
        let mut descended = false;
        match n.value() {
            Node::Element(el) => {
                if w.open_element(n, el) {
                    if let Some(c) = n.first_child() {
                        cur = Some(c);
                        continue;
                    }
                    descended = true;
                }
            }
            Node::Text(t) => w.text(t),
            _ => {}
        }
        if descended {
            w.close_element();
        }
        // Move to the next sibling, closing finished ancestors.
        let mut m = n;
        loop {
            if let Some(s) = m.next_sibling() {
                cur = Some(s);
                continue 'outer;
            }
            match m.parent() {
                Some(p) if p.id() != root.id() => {
                    if w.frames.last().is_some_and(|f| f.node == p.id()) {
                        w.close_element();
                    }
                    m = p;
                }
                _ => break 'outer,
            }
        }
    }
    while !w.frames.is_empty() {
        w.close_element();
    }
    w.flush();
    w
}

fn commas(s: &str) -> usize {
    s.chars()
        .filter(|&c| c == ',' || c == '，' || c == '、')
        .count()
}

const BOILER_PHRASES: &[&str] = &[
    "advertisement",
    "share this",
    "share on",
    "read more",
    "related",
    "click here",
    "sign up",
    "subscribe",
    "newsletter",
    "follow us",
    "all rights reserved",
    "copyright",
    "©",
    "cookie",
    "print this",
    "email this",
    "comments",
    "recommended",
    "you may also like",
    "more from",
    "loading",
];

fn looks_boiler(text: &str) -> bool {
    if text.len() > 120 {
        return false;
    }
    let lower = text.to_lowercase();
    BOILER_PHRASES.iter().any(|p| lower.contains(p))
}

/// Extracts the main-text blocks of a parsed page.
pub(crate) fn extract_body(
    doc: &Html,
    opts: &Options,
    json_ld_body: Option<&str>,
    _title: Option<&str>,
) -> Vec<Block> {
    let mut w = walk(doc, opts.max_nodes);
    let out = dom_body(&mut w, opts);
    match json_ld_body.and_then(StatedBody::new) {
        // The page's JSON-LD states its story: a second opinion.
        Some(stated) => stated.reconcile(
            out,
            w.blocks
                .iter()
                .filter(|b| b.link_chars * 2 < b.chars)
                .map(|b| (b.text.as_str(), b.kind)),
        ),
        None => out,
    }
}

/// The body as the page's layout shows it: the best-scoring container and
/// its article-like siblings.
fn dom_body(w: &mut Walker<'_>, opts: &Options) -> Vec<Block> {
    if w.blocks.is_empty() {
        return Vec::new();
    }
    // Prefix sums of chars and link chars over blocks.
    let mut pre_chars = Vec::with_capacity(w.blocks.len() + 1);
    let mut pre_links = Vec::with_capacity(w.blocks.len() + 1);
    pre_chars.push(0usize);
    pre_links.push(0usize);
    for b in &w.blocks {
        pre_chars.push(pre_chars.last().unwrap() + b.chars);
        pre_links.push(pre_links.last().unwrap() + b.link_chars);
    }
    clear_weak_negatives(&mut w.elems, &pre_chars, &pre_links);
    let elems = &w.elems;
    let blocks = &w.blocks;
    let link_density = |e: &Elem| -> f64 {
        let c = pre_chars[e.end_block as usize] - pre_chars[e.first_block as usize];
        let l = pre_links[e.end_block as usize] - pre_links[e.first_block as usize];
        if c == 0 {
            1.0
        } else {
            l as f64 / c as f64
        }
    };

    // Votes.
    let mut score = vec![0f64; elems.len()];
    for b in blocks {
        if b.chars < 25 || b.owner == NONE || b.kind == BlockKind::Heading {
            continue;
        }
        let ld = b.link_chars as f64 / b.chars.max(1) as f64;
        if ld > 0.5 {
            continue;
        }
        let mut s = 1.0 + commas(&b.text) as f64 + (b.chars as f64 / 100.0).min(3.0);
        let owner = &elems[b.owner as usize];
        if owner.neg_depth >= 0 {
            s *= 0.25;
        }
        let mut e = if leaf_block_tag(owner.tag) {
            owner.parent
        } else {
            b.owner
        };
        let mut level = 0;
        while e != NONE && level < 3 {
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                _ => 3.0 * level as f64,
            };
            score[e as usize] += s / div;
            e = elems[e as usize].parent;
            level += 1;
        }
    }
    let adjusted = |i: usize| -> f64 {
        let e = &elems[i];
        let mut s = score[i];
        if s <= 0.0 {
            return 0.0;
        }
        if e.hint > 1 {
            s *= STRONG_BOOST;
        } else if e.hint > 0 {
            s *= 1.1;
        }
        if e.neg_depth >= 0 {
            // Marked as boilerplate, or inside boilerplate.
            s *= 0.5;
        }
        if e.tag == "article" {
            s *= 1.1;
        }
        s * (1.0 - link_density(e))
    };
    let mut best = NONE;
    let mut best_score = 0.0;
    for i in 0..elems.len() {
        let s = adjusted(i);
        if s > best_score {
            best_score = s;
            best = i as u32;
        }
    }
    if best == NONE {
        return fallback(blocks);
    }
    // The selected region: the best element plus sibling elements that look
    // like article text.
    let top = &elems[best as usize];
    let mut ranges: Vec<(u32, u32, i64)> = vec![(top.first_block, top.end_block, top.depth as i64)];
    if top.parent != NONE {
        let threshold = (best_score * 0.2).max(10.0);
        for (i, e) in elems.iter().enumerate() {
            if i as u32 == best || e.parent != top.parent || e.first_block == e.end_block {
                continue;
            }
            let ld = link_density(e);
            let mut s = score[i];
            if e.hint > 0 && top.hint > 0 {
                s += best_score * 0.2;
            }
            let include = if s * (1.0 - ld) >= threshold {
                true
            } else if e.tag == "p" && e.hint >= 0 {
                let c = pre_chars[e.end_block as usize] - pre_chars[e.first_block as usize];
                let text = &blocks[e.first_block as usize].text;
                (c > 80 && ld < 0.25)
                    || (c > 0
                        && c <= 80
                        && ld == 0.0
                        && (text.ends_with('.') || text.ends_with('"')))
            } else {
                false
            };
            if include && e.hint >= 0 {
                ranges.push((e.first_block, e.end_block, e.depth as i64));
            }
        }
    }
    ranges.sort();
    let mut out = Vec::new();
    for &(start, end, depth) in &ranges {
        for b in &blocks[start as usize..end as usize] {
            if keep_block(b, elems, depth) {
                out.push(Block {
                    text: b.text.clone(),
                    kind: b.kind,
                });
            }
        }
    }
    // The headline often sits just before the article container.
    if opts.include_title_in_body {
        let start = ranges[0].0 as usize;
        if !out.iter().any(|b| b.kind == BlockKind::Heading)
            || out.first().is_some_and(|b| b.kind != BlockKind::Heading)
        {
            if let Some(h) = blocks[..start].iter().rev().take(30).find(|b| {
                b.kind == BlockKind::Heading
                    && b.heading_level == 1
                    && b.chars >= 10
                    && b.link_chars * 2 < b.chars
            }) {
                out.insert(
                    0,
                    Block {
                        text: h.text.clone(),
                        kind: BlockKind::Heading,
                    },
                );
            }
        }
    }
    out
}

/// An element weakly marked as boilerplate (see [`WEAK_NEG`]) that holds
/// at least `PROSE_CHARS` word characters at a link density under 0.2 is
/// article text: its hint is cleared, and the depth of the nearest negative
/// ancestor is recomputed below it. Elements are in document order, so a
/// parent is always settled before its children.
fn clear_weak_negatives(elems: &mut [Elem], pre_chars: &[usize], pre_links: &[usize]) {
    const PROSE_CHARS: usize = 300;
    if !elems.iter().any(|e| e.hint == WEAK_NEGATIVE) {
        return;
    }
    for i in 0..elems.len() {
        let e = &elems[i];
        if e.hint == WEAK_NEGATIVE {
            let c = pre_chars[e.end_block as usize] - pre_chars[e.first_block as usize];
            let l = pre_links[e.end_block as usize] - pre_links[e.first_block as usize];
            if c >= PROSE_CHARS && l * 5 < c {
                elems[i].hint = 0;
            }
        }
        let parent_neg = match elems[i].parent {
            NONE => -1,
            p => elems[p as usize].neg_depth,
        };
        elems[i].neg_depth = if elems[i].hint < 0 {
            elems[i].depth as i64
        } else {
            parent_neg
        };
    }
}

fn keep_block(b: &RawBlock, elems: &[Elem], region_depth: i64) -> bool {
    if b.chars == 0 {
        return false;
    }
    let owner = if b.owner == NONE {
        None
    } else {
        Some(&elems[b.owner as usize])
    };
    if let Some(o) = owner {
        if o.neg_depth > region_depth {
            return false;
        }
    }
    let ld = b.link_chars as f64 / b.chars as f64;
    if ld > 0.5 {
        return false;
    }
    if b.chars < 80 && ld > 0.3 {
        return false;
    }
    if looks_boiler(&b.text) && b.chars < 60 {
        return false;
    }
    true
}

/// When no element scores, keep the long low-link-density blocks.
fn fallback(blocks: &[RawBlock]) -> Vec<Block> {
    blocks
        .iter()
        .filter(|b| b.chars >= 40 && b.link_chars * 3 < b.chars)
        .map(|b| Block {
            text: b.text.clone(),
            kind: b.kind,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_strengths() {
        assert_eq!(class_hint(Some("post-body entry-content"), None), 2);
        assert_eq!(class_hint(Some("post hentry"), None), 1);
        assert_eq!(class_hint(Some("comments"), None), -1);
        assert_eq!(class_hint(None, Some("header-wrapper")), -1);
        assert_eq!(class_hint(Some("social-share"), None), WEAK_NEGATIVE);
        // A boilerplate word beats a weak one in the same token.
        assert_eq!(class_hint(Some("share-comments"), None), -1);
    }

    #[test]
    fn a_media_word_on_the_article_body_names_the_kind_of_post() {
        // A photo box is boilerplate; a photo post's body is not.
        assert_eq!(class_hint(Some("photo"), None), -1);
        assert_eq!(class_hint(Some("video-player"), None), 0);
        assert_eq!(class_hint(Some("post-content photo"), None), 2);
        assert_eq!(class_hint(Some("entry-content video"), None), 2);
        // Other boilerplate still wins over the body's markup.
        assert_eq!(class_hint(Some("post-content photo sidebar"), None), -1);
        assert_eq!(class_hint(Some("post-content comments"), None), -1);
    }

    #[test]
    fn wordpress_taxonomy_classes_are_not_layout() {
        // Categories and tags name the post's topics, not the page layout.
        let class = "post-7 post hentry category-promo-videos tag-promotion tag-social-media";
        assert_eq!(class_hint(Some(class), None), 1);
    }
}
