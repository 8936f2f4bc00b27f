//! Rule-based sentence segmentation for news English.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (followed by any closing quotes or
//! brackets) when whitespace and then a plausible sentence start follow.
//! Abbreviations are handled by class:
//!
//! - titles before names (Mr., Dr., Gen., Sen., St.) never end a sentence;
//! - single-letter initials (J. K.) never end a sentence;
//! - months, state abbreviations, Inc./Ltd./Jr., dotted acronyms (U.S.,
//!   C.I.A.) and a.m./p.m. end one only when a common sentence-starting word
//!   follows ("... in the U.S. The company ...");
//! - a short quotation that closes in the same paragraph is not split
//!   (“We will rebuild. We will not give up,” she said.), so a quote and
//!   its attribution stay in one sentence.

use parallax_core::Span;

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt",
    "cpt", "sgt", "cmdr", "adm", "maj", "brig", "rev", "hon", "st", "mt", "ft", "pres", "supt",
    "insp", "det", "cpl", "pvt", "amb", "atty", "sec", "vs", "v", "cf", "e.g", "i.e", "etc.,",
    "approx", "dept", "est", "fig", "nos", "ph.d", "mme", "mlle", "sr", "sra", "srta",
];

/// Abbreviations that end a sentence only when a sentence starter follows.
const MAYBE: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ala",
    "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa",
    "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "inc", "ltd", "co", "corp", "jr", "bros",
    "plc", "llc", "no", "etc", "al", "univ", "assn", "ave", "blvd", "rd",
];

/// Words that commonly begin a sentence after an ambiguous abbreviation.
const STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "in",
    "on",
    "at",
    "as",
    "after",
    "before",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "if",
    "when",
    "while",
    "since",
    "so",
    "yet",
    "however",
    "meanwhile",
    "also",
    "for",
    "of",
    "officials",
    "police",
    "according",
    "some",
    "many",
    "most",
    "both",
    "no",
    "not",
    "what",
    "who",
    "why",
    "how",
    "where",
    "then",
    "now",
    "still",
    "one",
    "two",
    "last",
    "earlier",
    "later",
    "on",
    "by",
    "with",
    "without",
    "under",
    "despite",
    "although",
    "though",
    "because",
    "until",
    "during",
    "over",
    "about",
    "neither",
    "nor",
    "each",
    "every",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '›' | '」')
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '‹' | '「' | '¿' | '¡'
    )
}

/// Splits `text` into sentences, returned as trimmed spans of `text`.
/// Newlines that separate paragraphs (a blank line) always end a sentence;
/// call this per paragraph for best results.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    // Depth of open double quotes in the current stretch.
    let mut open_curly = 0i32;
    let mut straight_open = false;
    while i < text.len() {
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let clen = c.len_utf8();
        match c {
            '“' => open_curly += 1,
            '”' => open_curly = (open_curly - 1).max(0),
            '"' => straight_open = !straight_open,
            // A blank line is a hard boundary.
            '\n' if text[i + 1..]
                .trim_start_matches([' ', '\t'])
                .starts_with('\n') =>
            {
                // A sentence end just before may already have moved
                // `start` past this newline (over the blank line).
                if start <= i {
                    push(&mut out, text, start, i);
                }
                start = start.max(i + 1);
                open_curly = 0;
                straight_open = false;
            }
            '.' | '!' | '?' | '…' => {
                // Consume runs of terminals and closers.
                let mut j = i + clen;
                while j < text.len() {
                    let d = text[j..].chars().next().unwrap_or(' ');
                    if matches!(d, '.' | '!' | '?' | '…') {
                        j += d.len_utf8();
                    } else if is_closer(d) {
                        match d {
                            '”' => open_curly = (open_curly - 1).max(0),
                            '"' => straight_open = !straight_open,
                            _ => {}
                        }
                        j += d.len_utf8();
                    } else {
                        break;
                    }
                }
                if j >= text.len() {
                    i = j;
                    continue;
                }
                let after = &text[j..];
                let ws_len = after.len() - after.trim_start().len();
                if ws_len == 0 {
                    i = j;
                    continue;
                }
                let next_start = j + ws_len;
                if next_start >= text.len() {
                    i = j;
                    continue;
                }
                if is_boundary(text, start, i, c, next_start)
                    && !inside_short_quote(text, bytes, j, open_curly, straight_open)
                {
                    push(&mut out, text, start, j);
                    start = next_start;
                    open_curly = 0;
                    straight_open = false;
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += clen;
    }
    push(&mut out, text, start, text.len());
    out
}

fn push(out: &mut Vec<Span>, text: &str, start: usize, end: usize) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    let (s, e) = (start + lead, end - trail);
    if e > s {
        out.push(Span::new(s, e));
    }
}

/// The word (letters and inner dots) that ends right before byte `dot`.
fn word_before(text: &str, from: usize, dot: usize) -> &str {
    let head = &text[from..dot];
    let begin = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map(|(k, c)| k + c.len_utf8())
        .unwrap_or(0);
    &head[begin..]
}

fn next_word(text: &str, at: usize) -> &str {
    let rest = text[at..].trim_start_matches(is_opener);
    let end = rest
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map(|(k, _)| k)
        .unwrap_or(rest.len());
    &rest[..end]
}

fn is_boundary(text: &str, from: usize, term_at: usize, term: char, next_start: usize) -> bool {
    let next = text[next_start..].chars().next().unwrap_or(' ');
    let next_ok = next.is_uppercase()
        || next.is_ascii_digit()
        || is_opener(next)
        || matches!(next, '—' | '–' | '-' | '•' | '*');
    if !next_ok {
        return false;
    }
    if term != '.' {
        return true;
    }
    // "..." ellipsis before a capital: boundary.
    let word = word_before(text, from, term_at);
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    let nw = next_word(text, next_start);
    let nw_lower = nw.to_lowercase();
    let starter = STARTERS.contains(&nw_lower.as_str());
    if TITLES.contains(&lower.as_str()) {
        return false;
    }
    // Initials: "J." or "J.K." before a name.
    let letters = lower.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && word.chars().next().is_some_and(|c| c.is_uppercase()) {
        return false;
    }
    if MAYBE.contains(&lower.as_str()) {
        if nw.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return false;
        }
        return starter;
    }
    // Dotted acronyms and a.m./p.m.
    if lower.contains('.') && lower.split('.').all(|p| p.chars().count() <= 1) {
        return starter;
    }
    true
}

/// True when the boundary at `at` falls inside a double quotation that
/// closes soon within the same paragraph.
fn inside_short_quote(
    text: &str,
    _bytes: &[u8],
    at: usize,
    open_curly: i32,
    straight_open: bool,
) -> bool {
    if open_curly <= 0 && !straight_open {
        return false;
    }
    let rest = &text[at..];
    let para_end = rest.find("\n\n").unwrap_or(rest.len());
    let mut cut = para_end.min(300);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    let window = &rest[..cut];
    if open_curly > 0 {
        window.contains('”')
    } else {
        window.contains('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_end_before_a_blank_line() {
        // Found by `fuzz/` (text): the end of a sentence moved the start
        // past the blank line, which then sliced backwards and panicked.
        assert_eq!(
            split("Tarno bridge closed!\n\nThe old bridge is shut."),
            vec!["Tarno bridge closed!", "The old bridge is shut."]
        );
        let found = "Tarno bridge closed!\n\nThe old-bridge in Tarno wa@ #closed on Monday. \"Iv is Tarno bridge cloSed.\n\nToldun bsafe,\"n said Dr.";
        for sp in split_sentences(found) {
            assert!(sp.start < sp.end && sp.end <= found.len());
        }
    }

    fn split(s: &str) -> Vec<&str> {
        split_sentences(s).iter().map(|sp| &s[sp.range()]).collect()
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(
            split("One thing. Two things! Three?"),
            vec!["One thing.", "Two things!", "Three?"]
        );
    }

    #[test]
    fn titles_and_initials() {
        assert_eq!(
            split("Mr. Lavrov met Dr. J. K. Smith in St. Louis. They talked."),
            vec![
                "Mr. Lavrov met Dr. J. K. Smith in St. Louis.",
                "They talked."
            ]
        );
    }

    #[test]
    fn acronyms_and_times() {
        assert_eq!(
            split("The U.S. Senate voted at 9 a.m. Tuesday. It passed."),
            vec!["The U.S. Senate voted at 9 a.m. Tuesday.", "It passed."]
        );
        assert_eq!(
            split("He flew to the U.S. The trip was short."),
            vec!["He flew to the U.S.", "The trip was short."]
        );
        assert_eq!(
            split("The C.I.A. Director spoke."),
            vec!["The C.I.A. Director spoke."]
        );
    }

    #[test]
    fn months_and_states() {
        assert_eq!(
            split(
                "On Jan. 5 police in Tampa, Fla. Arrested nobody. But Miami, Fla. The city is big."
            ),
            vec![
                "On Jan. 5 police in Tampa, Fla. Arrested nobody.",
                "But Miami, Fla.",
                "The city is big."
            ]
        );
    }

    #[test]
    fn quotes_close_the_sentence() {
        assert_eq!(
            split("“It failed.” He left. She said “yes.” Then"),
            vec!["“It failed.”", "He left.", "She said “yes.”", "Then"]
        );
    }

    #[test]
    fn short_quote_with_attribution_is_kept_whole() {
        assert_eq!(
            split("“I asked him, ‘Can you do the same?’ And he did not respond,” Kuleba added. Next one."),
            vec!["“I asked him, ‘Can you do the same?’ And he did not respond,” Kuleba added.", "Next one."]
        );
    }

    #[test]
    fn lowercase_after_period_is_not_a_boundary() {
        assert_eq!(
            split("It cost 3.5 million, i.e. a lot."),
            vec!["It cost 3.5 million, i.e. a lot."]
        );
    }

    #[test]
    fn blank_line_is_a_hard_boundary() {
        assert_eq!(
            split("A headline\n\nBody text here."),
            vec!["A headline", "Body text here."]
        );
    }

    #[test]
    fn long_quotes_with_multibyte_text_do_not_panic() {
        let text = format!("“{}. Ещё.” Он сказал.", "Слово ".repeat(80));
        assert!(!split(&text).is_empty());
        let text = format!("“{}. Next.” Done.", "é".repeat(299));
        assert!(!split(&text).is_empty());
    }

    #[test]
    fn dashes_do_not_split() {
        assert_eq!(
            split("The city – which lacks water – is in a desperate situation. Next."),
            vec![
                "The city – which lacks water – is in a desperate situation.",
                "Next."
            ]
        );
    }
}
