//! Reading and writing the CoNLL-2003 column layout.
//!
//! One token a line (`TOKEN [other columns ...] TAG`, the tag is the last
//! column), a blank line between sentences, and optional `-DOCSTART-` lines
//! between documents. Tags may be IOB1 (`I-` starts an entity unless it
//! follows a different type) or IOB2 (`B-` starts every entity); both are
//! accepted everywhere in this crate, and [`to_iob2`] normalises.

/// One sentence of a CoNLL file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    /// The tokens (first column).
    pub tokens: Vec<String>,
    /// The gold tags (last column), one per token.
    pub tags: Vec<String>,
    /// True when this sentence is the first of a document (it followed a
    /// `-DOCSTART-` line, or [`infer_documents`] decided so).
    pub doc_start: bool,
}

/// Parses CoNLL text. Lines with a single column get the tag `O`.
pub fn parse(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    let mut pending_doc = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let mut cols = line.split_whitespace();
        let Some(first) = cols.next() else {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        };
        if first == "-DOCSTART-" {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            pending_doc = true;
            continue;
        }
        if cur.tokens.is_empty() {
            cur.doc_start = pending_doc;
            pending_doc = false;
        }
        let tag = cols.last().unwrap_or("O");
        cur.tokens.push(first.to_string());
        cur.tags.push(tag.to_string());
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

/// Writes sentences in the input layout (`TOKEN GOLD PRED`), with the
/// predicted tag as the last column and a blank line after each sentence;
/// documents are separated by `-DOCSTART- -X- O O` lines when marked.
pub fn write(sentences: &[Sentence], predicted: &[Vec<String>]) -> String {
    let mut s = String::new();
    for (i, sent) in sentences.iter().enumerate() {
        if sent.doc_start {
            s.push_str("-DOCSTART- -X- O O\n\n");
        }
        for (j, tok) in sent.tokens.iter().enumerate() {
            s.push_str(tok);
            s.push(' ');
            s.push_str(sent.tags.get(j).map(String::as_str).unwrap_or("O"));
            s.push(' ');
            let p = predicted
                .get(i)
                .and_then(|p| p.get(j))
                .map(String::as_str)
                .unwrap_or("O");
            s.push_str(p);
            s.push('\n');
        }
        s.push('\n');
    }
    s
}

/// The canonical two-column text of `sentences` (`TOKEN TAG`, blank line
/// after each sentence). Its xxh3 is the training-data hash recorded in
/// models; it equals the file's hash when the file is in this layout.
pub fn canonical_text(sentences: &[Sentence]) -> String {
    let mut s = String::new();
    for sent in sentences {
        for (t, g) in sent.tokens.iter().zip(&sent.tags) {
            s.push_str(t);
            s.push(' ');
            s.push_str(g);
            s.push('\n');
        }
        s.push('\n');
    }
    s
}

/// Splits a tag into (prefix, type): `"B-PER"` -> `("B", "PER")`,
/// `"O"` -> `("O", "")`, as conlleval does.
pub fn split_tag(tag: &str) -> (&str, &str) {
    match tag.split_once('-') {
        Some((p, t)) => (p, t),
        None => (tag, ""),
    }
}

/// Entity chunks `(start, end_exclusive, type)` of one tag sequence, using
/// conlleval's chunk start/end rules (so IOB1, IOB2 and IOBES all work).
pub fn chunks(tags: &[String]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, &str)> = None;
    let mut prev = ("O", "");
    for (i, tag) in tags.iter().enumerate() {
        let cur = split_tag(tag);
        if let Some((s, ty)) = start {
            if crate::metrics::end_of_chunk(prev.0, cur.0, prev.1, cur.1) {
                out.push((s, i, ty.to_string()));
                start = None;
            }
        }
        if crate::metrics::start_of_chunk(prev.0, cur.0, prev.1, cur.1) {
            start = Some((i, cur.1));
        }
        prev = cur;
    }
    if let Some((s, ty)) = start {
        out.push((s, tags.len(), ty.to_string()));
    }
    out
}

/// Rewrites any IOB1/IOB2/IOBES tag sequence as IOB2 (`B-` opens every
/// entity, `I-` continues it).
pub fn to_iob2(tags: &[String]) -> Vec<String> {
    let mut out = vec!["O".to_string(); tags.len()];
    for (s, e, ty) in chunks(tags) {
        out[s] = format!("B-{ty}");
        for t in out.iter_mut().take(e).skip(s + 1) {
            *t = format!("I-{ty}");
        }
    }
    out
}

/// True when `tok` looks like a Reuters dateline date (`1996-08-22`).
fn is_date_token(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Marks document starts when a file has no `-DOCSTART-` lines: a short
/// sentence ending in a dateline date (`LONDON 1996-08-30`) is taken to be
/// the second sentence of a new document (the first is its headline).
/// Does nothing when any sentence is already marked as a document start.
pub fn infer_documents(sentences: &mut [Sentence]) {
    if sentences.iter().any(|s| s.doc_start) || sentences.is_empty() {
        return;
    }
    sentences[0].doc_start = true;
    for i in 1..sentences.len() {
        let s = &sentences[i];
        let dateline = s.tokens.len() <= 8
            && s.tokens.last().is_some_and(|t| is_date_token(t))
            && s.tokens.len() >= 2;
        if dateline && i >= 2 {
            sentences[i - 1].doc_start = true;
        }
    }
}

/// Groups sentence indices into documents using `doc_start`.
pub fn documents(sentences: &[Sentence]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, s) in sentences.iter().enumerate() {
        if s.doc_start && i > start {
            out.push(start..i);
            start = i;
        }
    }
    if start < sentences.len() {
        out.push(start..sentences.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parse_and_write() {
        let text = "-DOCSTART- -X- O O\n\nAnna B-PER\nsmiled O\n\nParis I-LOC\n";
        let s = parse(text);
        assert_eq!(s.len(), 2);
        assert!(s[0].doc_start);
        assert!(!s[1].doc_start);
        assert_eq!(s[1].tags, v(&["I-LOC"]));
        let out = write(&s, &[v(&["B-PER", "O"]), v(&["B-LOC"])]);
        assert!(out.contains("Anna B-PER B-PER\n"));
        assert!(out.contains("Paris I-LOC B-LOC\n"));
    }

    #[test]
    fn iob1_to_iob2() {
        let t = v(&["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]);
        assert_eq!(
            to_iob2(&t),
            v(&["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"])
        );
    }

    #[test]
    fn infers_documents() {
        let mut s = parse("HEADLINE O\n\nLONDON B-LOC\n1996-08-30 O\n\nText O\n\nOTHER O\n\nPARIS B-LOC\n1996-08-31 O\n\nMore O\n");
        infer_documents(&mut s);
        let d = documents(&s);
        assert_eq!(d, vec![0..3, 3..6]);
    }
}
