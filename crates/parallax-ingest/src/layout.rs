//! The layout of a plain-text article: which stretches are the headline,
//! the standfirst, photo captions, site boilerplate and the body.
//!
//! Text pasted from a web page has a shape: a short first line without final
//! punctuation (the headline), often a short unpunctuated paragraph under it
//! (the standfirst), sometimes a photo caption, then the body, and at the end
//! site furniture ("More information", "Recomendaciones EL PAÍS", share and
//! subscribe lines). Everything stays in the stored text; the layout only
//! says what each paragraph is.

use parallax_core::{ParagraphKind, Span};

/// Options for [`analyse`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LayoutOptions {
    /// The input already named a title: do not look for a headline line.
    pub has_title: bool,
}

/// A paragraph found in the text, with its role.
pub type Block = (Span, ParagraphKind);

/// Splits `text` into paragraphs and gives each its role.
pub fn analyse(text: &str, opts: LayoutOptions) -> Vec<Block> {
    let paras = paragraphs(text);
    let mut kinds = vec![ParagraphKind::Body; paras.len()];
    if paras.is_empty() {
        return Vec::new();
    }
    let counts: Vec<usize> = paras.iter().map(|p| word_count(&text[p.range()])).collect();
    let words = |i: usize| counts[i];
    let mut next = 0;
    // Headline: a short first line without final punctuation.
    if !opts.has_title && paras.len() > 1 && looks_like_headline(&text[paras[0].range()]) {
        kinds[0] = ParagraphKind::Headline;
        next = 1;
        // Standfirst: a following short paragraph without final punctuation.
        if paras.len() > 2 {
            let p = &text[paras[1].range()];
            if words(1) <= 60 && !ends_with_terminal(p) && !is_boilerplate(p) {
                kinds[1] = ParagraphKind::Standfirst;
                next = 2;
            }
        }
    }
    // Captions: in the lead (right after the headline block), a short
    // one-sentence paragraph with no finite verb, before a longer paragraph.
    if next > 0 {
        let mut i = next;
        while i + 1 < paras.len() && i < next + 2 {
            let p = &text[paras[i].range()];
            let longer_follows = words(i + 1) > words(i);
            if (looks_like_caption(p) && longer_follows) || has_photo_credit(p) {
                kinds[i] = ParagraphKind::Caption;
                i += 1;
            } else {
                break;
            }
        }
    }
    // Anywhere: explicit photo credits and boilerplate lines.
    for (i, span) in paras.iter().enumerate() {
        if kinds[i] != ParagraphKind::Body {
            continue;
        }
        let p = &text[span.range()];
        if has_photo_credit(p) {
            kinds[i] = ParagraphKind::Caption;
        } else if is_boilerplate(p) {
            kinds[i] = ParagraphKind::Boilerplate;
        }
    }
    // Trailing furniture: short unpunctuated lines at the end.
    for i in (0..paras.len()).rev() {
        let p = &text[paras[i].range()];
        match kinds[i] {
            ParagraphKind::Boilerplate => continue,
            ParagraphKind::Body if words(i) <= 6 && !ends_with_terminal(p) && i > next => {
                kinds[i] = ParagraphKind::Boilerplate;
            }
            _ => break,
        }
    }
    // Never leave an article without a body: if all was classified away,
    // the longest paragraph is the body.
    if !kinds.contains(&ParagraphKind::Body) {
        if let Some((i, _)) = paras
            .iter()
            .enumerate()
            .filter(|(i, _)| kinds[*i] != ParagraphKind::Headline)
            .max_by_key(|(_, s)| s.len())
        {
            kinds[i] = ParagraphKind::Body;
        }
    }
    paras.into_iter().zip(kinds).collect()
}

/// Paragraph spans: blocks separated by blank lines; inside a block, each
/// line is a paragraph unless the block is hard-wrapped prose (then the
/// block is one paragraph).
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut block_start: Option<usize> = None;
    let mut lines: Vec<Span> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        let start = pos;
        pos += line.len();
        if content.trim().is_empty() {
            flush(text, &mut lines, &mut out);
            block_start = None;
            continue;
        }
        if block_start.is_none() {
            block_start = Some(start);
        }
        let lead = content.len() - content.trim_start().len();
        let trimmed = content.trim();
        lines.push(Span::new(start + lead, start + lead + trimmed.len()));
    }
    flush(text, &mut lines, &mut out);
    out
}

fn flush(text: &str, lines: &mut Vec<Span>, out: &mut Vec<Span>) {
    if lines.is_empty() {
        return;
    }
    if lines.len() > 1 && is_hard_wrapped(text, lines) {
        out.push(Span::new(lines[0].start, lines[lines.len() - 1].end));
    } else {
        out.append(&mut lines.clone());
    }
    lines.clear();
}

/// Prose wrapped at a fixed width: every line but the last is between 30
/// and 100 characters, and most of them do not end a sentence.
fn is_hard_wrapped(text: &str, lines: &[Span]) -> bool {
    let body = &lines[..lines.len() - 1];
    let in_range = body.iter().all(|s| {
        let n = text[s.range()].chars().count();
        (30..=100).contains(&n)
    });
    let open = body
        .iter()
        .filter(|s| !ends_with_terminal(&text[s.range()]))
        .count();
    in_range && open * 2 > body.len()
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Ends with sentence-final punctuation (possibly inside closing quotes).
pub fn ends_with_terminal(s: &str) -> bool {
    let t = s.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', ' ']);
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

fn looks_like_headline(p: &str) -> bool {
    let words = word_count(p);
    (1..=25).contains(&words)
        && p.chars().count() <= 200
        && !p.contains('\n')
        && !p.trim_end().ends_with(['.', ',', ';', ':'])
        && !is_boilerplate(p)
}

/// Finite-verb signals; a caption is a noun phrase and has none of them.
const FINITE: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "said",
    "says", "did", "does", "do", "told", "may", "might", "must", "should", "shall", "be", "been",
];

fn looks_like_caption(p: &str) -> bool {
    let words: Vec<String> = p
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    if words.is_empty() || words.len() > 35 {
        return false;
    }
    if parallax_text::split_sentences(p).len() > 1 || p.contains(['“', '"']) {
        return false;
    }
    if words.iter().any(|w| FINITE.contains(&w.as_str())) {
        return false;
    }
    // A past-tense verb ("resigned on Friday") makes a sentence; a past
    // participle with an agent ("damage caused by the strike") does not.
    let has_by = words.iter().any(|w| w == "by");
    let past = words
        .iter()
        .skip(1)
        .any(|w| w.len() > 4 && w.ends_with("ed"));
    !past || has_by
}

fn has_photo_credit(p: &str) -> bool {
    // Credits are short: don't lower-case long paragraphs to look.
    if p.len() > 600 || word_count(p) > 60 {
        return false;
    }
    let lower = p.to_lowercase();
    let starts = [
        "photo:",
        "photograph:",
        "image:",
        "picture:",
        "foto:",
        "(photo",
        "photo by ",
    ];
    let contains = [
        "getty images",
        "ap photo",
        "photograph: ",
        "afp via getty",
        "image credit",
        "reuters/",
        "shutterstock",
        "(efe)",
    ];
    starts.iter().any(|s| lower.starts_with(s)) || contains.iter().any(|s| lower.contains(s))
}

/// Lines that are site furniture wherever they appear.
fn is_boilerplate(p: &str) -> bool {
    let lower = p.trim().to_lowercase();
    let words = word_count(&lower);
    if words > 12 {
        return false;
    }
    let exact = [
        "more information",
        "advertisement",
        "read more",
        "related",
        "related articles",
        "related stories",
        "share",
        "share this",
        "share this article",
        "comments",
        "most read",
        "most popular",
        "recommended",
        "you may also like",
        "topics",
        "newsletter",
        "subscribe",
        "continue reading",
        "skip advertisement",
        "top stories",
    ];
    if exact.contains(&lower.trim_end_matches([':', '.', '!'])) {
        return true;
    }
    let prefixes = [
        "recomendaciones ",
        "share on ",
        "share this ",
        "follow us ",
        "follow @",
        "subscribe to ",
        "sign up ",
        "sign up for ",
        "click here",
        "read more:",
        "read more about",
        "related:",
        "tags:",
        "topics:",
        "©",
        "copyright ",
        "all rights reserved",
        "download our app",
        "get our newsletter",
        "more on this story",
    ];
    prefixes.iter().any(|s| lower.starts_with(s)) || lower.ends_with("all rights reserved.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParagraphKind::*;

    fn kinds(text: &str, has_title: bool) -> Vec<(String, ParagraphKind)> {
        analyse(text, LayoutOptions { has_title })
            .into_iter()
            .map(|(s, k)| (text[s.range()].to_string(), k))
            .collect()
    }

    #[test]
    fn web_paste_shape() {
        let text = "Harbour strike spreads to second port\n\nDockers walked out in Velmar a day after the first stoppage\n\nThe empty quay in Velmar on Monday morning.\n\nWorkers at the port of Velmar stopped work on Monday, joining colleagues in the capital. The union said the strike would last a week.\n\nThe port authority said talks would resume.\n\nMore information\n\nRecomendaciones EL DIARIO\nRecomendaciones EL DIARIO";
        let k = kinds(text, false);
        assert_eq!(k[0].1, Headline);
        assert_eq!(k[1].1, Standfirst);
        assert_eq!(k[2].1, Caption, "{:?}", k[2]);
        assert_eq!(k[3].1, Body);
        assert_eq!(k[4].1, Body);
        assert!(k[5..].iter().all(|(_, kind)| *kind == Boilerplate), "{k:?}");
    }

    #[test]
    fn no_headline_when_first_line_is_a_sentence() {
        let text = "Officials failed to agree on Thursday.\nThe minister said no progress was made, according to the agency.";
        let k = kinds(text, false);
        assert_eq!(k.len(), 2);
        assert!(k.iter().all(|(_, kind)| *kind == Body));
    }

    #[test]
    fn hard_wrapped_prose_is_one_paragraph() {
        let text = "The council met on Monday evening to discuss the plan for the\nnew bridge across the river, which residents have opposed for\nyears. It voted in favour.\n\nSecond paragraph.";
        let k = kinds(text, true);
        assert_eq!(k.len(), 2);
        assert!(k[0].0.contains("bridge across"));
    }

    #[test]
    fn a_lede_with_a_verb_is_not_a_caption() {
        let text = "Mayor resigns\n\nThe mayor of Tarno resigned on Friday after a week of protests.\n\nHe had been in office for six years and said the city deserved better than the scandal that had engulfed it.";
        let k = kinds(text, false);
        assert_eq!(k[1].1, Body, "{k:?}");
    }

    #[test]
    fn photo_credits_anywhere() {
        let text = "Body text that is long enough to be a paragraph of its own.\n\nPhoto: Jan Novak / Velmar Daily\n\nMore body text follows here.";
        let k = kinds(text, true);
        assert_eq!(k[1].1, Caption);
    }

    #[test]
    fn never_empty_body() {
        let k = kinds("Share this\n\nMore information", true);
        assert!(k.iter().any(|(_, kind)| *kind == Body));
    }
}
