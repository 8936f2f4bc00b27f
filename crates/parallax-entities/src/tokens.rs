//! A small rule-based tokeniser producing byte spans in CoNLL style, for
//! callers that have raw text and no tokeniser of their own (and for
//! tests). Sentences end after `.`, `!` or `?` followed by whitespace and
//! an uppercase letter, a quote or a digit, or at blank lines.

use parallax_core::Span;

const ABBREVIATIONS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Col.",
    "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "No.", "vs.", "Inc.", "Corp.", "Ltd.",
    "Co.", "Jr.", "Sr.",
];

/// Splits `text` into sentences of token spans.
pub fn tokenise(text: &str) -> Vec<Vec<Span>> {
    let mut sents = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        // skip whitespace; a blank line ends the sentence
        let ws_start = pos;
        // Any Unicode space (a thin or no-break space too): a token never
        // starts with one, or the piece below would be empty and the loop
        // would not advance.
        while let Some(c) = text[pos..].chars().next().filter(|c| c.is_whitespace()) {
            pos += c.len_utf8();
        }
        if text[ws_start..pos].matches('\n').count() >= 2 && !cur.is_empty() {
            sents.push(std::mem::take(&mut cur));
        }
        if pos >= text.len() {
            break;
        }
        let start = pos;
        let rest = &text[pos..];
        let end_ws = rest
            .find(|c: char| c.is_whitespace())
            .map_or(text.len(), |i| pos + i);
        let piece = &text[start..end_ws];
        let mut toks = split_piece(piece, start);
        let ends_sentence = piece.ends_with(['.', '!', '?'])
            && !ABBREVIATIONS.contains(&piece)
            && !(piece.len() <= 2 && piece.chars().next().is_some_and(char::is_uppercase))
            && {
                let next = text[end_ws..].trim_start().chars().next();
                next.is_none_or(|c| c.is_uppercase() || c == '"' || c == '“' || c.is_ascii_digit())
            };
        cur.append(&mut toks);
        pos = end_ws;
        if ends_sentence {
            sents.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        sents.push(cur);
    }
    sents
}

fn split_piece(p: &str, off: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut tail = Vec::new();
    let (mut a, mut b) = (0, p.len());
    while let Some(c) = p[a..b].chars().next().filter(|c| !c.is_alphanumeric()) {
        if b - a == c.len_utf8() {
            break;
        }
        out.push(Span::new(off + a, off + a + c.len_utf8()));
        a += c.len_utf8();
    }
    while let Some(c) = p[a..b].chars().last().filter(|c| !c.is_alphanumeric()) {
        if b - a == c.len_utf8() {
            break;
        }
        let word = &p[a..b];
        if c == '.' && (word[..word.len() - 1].contains('.') || ABBREVIATIONS.contains(&word)) {
            break;
        }
        tail.push(Span::new(off + b - c.len_utf8(), off + b));
        b -= c.len_utf8();
    }
    let w = &p[a..b];
    let poss = if w.ends_with("'s") {
        2
    } else if w.ends_with("’s") {
        4
    } else {
        0
    };
    if poss > 0 && w.len() > poss {
        out.push(Span::new(off + a, off + b - poss));
        out.push(Span::new(off + b - poss, off + b));
    } else if w.len() > 3 && w.ends_with("n't") {
        out.push(Span::new(off + a, off + b - 3));
        out.push(Span::new(off + b - 3, off + b));
    } else if b > a {
        out.push(Span::new(off + a, off + b));
    }
    out.extend(tail.into_iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_spaces_separate_tokens_and_end() {
        let text = "John F.\u{2009}Kelly left.\u{00a0}\u{2003}Then";
        let sents = tokenise(text);
        let toks: Vec<&str> = sents.iter().flatten().map(|s| &text[s.range()]).collect();
        assert_eq!(toks, ["John", "F", ".", "Kelly", "left", ".", "Then"]);
    }

    #[test]
    fn splits_tokens_and_sentences() {
        let t = "Mr. Brennik met the U.S. envoy in Oslo, Norway. He didn't say (much).\n\nNew line";
        let s = tokenise(t);
        let words: Vec<Vec<&str>> = s
            .iter()
            .map(|x| x.iter().map(|sp| &t[sp.range()]).collect())
            .collect();
        assert_eq!(
            words[0],
            vec!["Mr.", "Brennik", "met", "the", "U.S.", "envoy", "in", "Oslo", ",", "Norway", "."]
        );
        assert_eq!(
            words[1],
            vec!["He", "did", "n't", "say", "(", "much", ")", "."]
        );
        assert_eq!(words[2], vec!["New", "line"]);
    }
}
