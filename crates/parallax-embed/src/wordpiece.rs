//! BERT's uncased WordPiece tokenizer, as `tokenizer.json` of
//! all-MiniLM-L6-v2 configures it: the BERT normaliser (control characters
//! dropped, white space unified, CJK ideographs spaced, accents stripped,
//! lower case), the BERT pre-tokeniser (split at white space and around
//! every punctuation mark), then greedy longest-match-first word pieces with
//! the `##` continuation prefix; a word with no segmentation, or longer than
//! 100 characters, becomes `[UNK]`.

use std::collections::HashMap;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Piece -> id. Looked up a few times per word, far from the model's cost.
type Vocab = HashMap<String, u32>;

/// Longest word (in characters) that is split into pieces; longer ones are
/// `[UNK]`.
const MAX_WORD_CHARS: usize = 100;

/// A WordPiece vocabulary with its special tokens.
#[derive(Debug, Clone)]
pub struct WordPiece {
    vocab: Vocab,
    unk: u32,
    cls: u32,
    sep: u32,
}

/// The special tokens a vocabulary lacked, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingToken(pub &'static str);

impl WordPiece {
    /// A tokenizer over `pieces` (piece, id), which must hold `[UNK]`,
    /// `[CLS]` and `[SEP]`.
    pub fn new(pieces: impl IntoIterator<Item = (String, u32)>) -> Result<WordPiece, MissingToken> {
        let vocab: Vocab = pieces.into_iter().collect();
        let get = |t: &'static str| vocab.get(t).copied().ok_or(MissingToken(t));
        Ok(WordPiece {
            unk: get("[UNK]")?,
            cls: get("[CLS]")?,
            sep: get("[SEP]")?,
            vocab,
        })
    }

    /// Number of pieces in the vocabulary.
    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    /// True for an empty vocabulary (never, once built).
    pub fn is_empty(&self) -> bool {
        self.vocab.is_empty()
    }

    /// The ids of `text` framed by `[CLS]` and `[SEP]`, at most `max_len`
    /// ids in all (the text's pieces are truncated, the frame kept).
    pub fn encode(&self, text: &str, max_len: usize) -> Vec<u32> {
        let budget = max_len.saturating_sub(2);
        let mut ids = Vec::with_capacity(budget.min(64) + 2);
        ids.push(self.cls);
        let normal = normalise(text);
        'words: for word in pre_tokenise(&normal) {
            for id in self.pieces(word) {
                if ids.len() > budget {
                    break 'words;
                }
                ids.push(id);
            }
        }
        ids.push(self.sep);
        ids
    }

    /// The word pieces of one pre-tokenised word.
    fn pieces(&self, word: &str) -> Vec<u32> {
        if word.chars().count() > MAX_WORD_CHARS {
            return vec![self.unk];
        }
        let mut out = Vec::new();
        let mut start = 0;
        let mut key = String::with_capacity(word.len() + 2);
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while end > start {
                key.clear();
                if start > 0 {
                    key.push_str("##");
                }
                key.push_str(&word[start..end]);
                if let Some(&id) = self.vocab.get(key.as_str()) {
                    found = Some(id);
                    break;
                }
                end = word[..end]
                    .char_indices()
                    .next_back()
                    .map_or(start, |(i, _)| i);
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => return vec![self.unk],
            }
        }
        out
    }
}

/// The BERT normaliser with `lowercase` and accent stripping.
fn normalise(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' {
            continue;
        }
        if c.is_whitespace() {
            cleaned.push(' ');
        } else if c.is_control() || is_format(c) {
            continue;
        } else if is_cjk(c) {
            cleaned.push(' ');
            cleaned.push(c);
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    cleaned
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Format characters (Unicode category Cf) the BERT normaliser drops with
/// the control characters: zero-width spaces and joiners, the soft hyphen,
/// directional marks, the byte-order mark.
fn is_format(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// CJK ideographs, which BERT treats as words of their own.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// BERT's punctuation: every ASCII non-alphanumeric printable character,
/// and the Unicode punctuation marks (category P) news text uses.
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(c,
        '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
        | '\u{37e}' | '\u{387}' | '\u{55a}'..='\u{55f}' | '\u{589}' | '\u{58a}'
        | '\u{5be}' | '\u{5c0}' | '\u{5c3}' | '\u{5c6}' | '\u{5f3}' | '\u{5f4}'
        | '\u{609}' | '\u{60a}' | '\u{60c}' | '\u{60d}' | '\u{61b}' | '\u{61e}' | '\u{61f}'
        | '\u{66a}'..='\u{66d}' | '\u{6d4}' | '\u{964}' | '\u{965}' | '\u{970}'
        | '\u{e4f}' | '\u{e5a}' | '\u{e5b}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}' | '\u{2045}'..='\u{2051}'
        | '\u{2053}'..='\u{205e}' | '\u{207d}' | '\u{207e}' | '\u{208d}' | '\u{208e}'
        | '\u{2308}'..='\u{230b}' | '\u{2329}' | '\u{232a}' | '\u{2768}'..='\u{2775}'
        | '\u{27c5}' | '\u{27c6}' | '\u{27e6}'..='\u{27ef}' | '\u{2983}'..='\u{2998}'
        | '\u{29d8}'..='\u{29db}' | '\u{29fc}' | '\u{29fd}' | '\u{2cf9}'..='\u{2cfc}'
        | '\u{2cfe}' | '\u{2cff}' | '\u{2e00}'..='\u{2e2e}' | '\u{2e30}'..='\u{2e4f}'
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301f}'
        | '\u{3030}' | '\u{303d}' | '\u{30a0}' | '\u{30fb}'
        | '\u{fe10}'..='\u{fe19}' | '\u{fe30}'..='\u{fe52}' | '\u{fe54}'..='\u{fe61}'
        | '\u{fe63}' | '\u{fe68}' | '\u{fe6a}' | '\u{fe6b}'
        | '\u{ff01}'..='\u{ff03}' | '\u{ff05}'..='\u{ff0a}' | '\u{ff0c}'..='\u{ff0f}'
        | '\u{ff1a}' | '\u{ff1b}' | '\u{ff1f}' | '\u{ff20}' | '\u{ff3b}'..='\u{ff3d}'
        | '\u{ff3f}' | '\u{ff5b}' | '\u{ff5d}' | '\u{ff5f}'..='\u{ff65}')
}

/// The BERT pre-tokeniser: words split at white space, each punctuation
/// mark a word of its own.
fn pre_tokenise(text: &str) -> impl Iterator<Item = &str> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || is_punctuation(c) {
            if let Some(s) = start.take() {
                words.push(&text[s..i]);
            }
            if !c.is_whitespace() {
                words.push(&text[i..i + c.len_utf8()]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
    words.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> WordPiece {
        let pieces = [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "port", "##s", "of", "vel", "##na", ",",
            "'", "cafe", "un", "##aff", "##able", "-",
        ];
        WordPiece::new(
            pieces
                .iter()
                .enumerate()
                .map(|(i, p)| (p.to_string(), i as u32)),
        )
        .unwrap()
    }

    #[test]
    fn words_split_into_longest_pieces() {
        let t = toy();
        // [CLS] the port ##s of vel ##na , [SEP]
        assert_eq!(
            t.encode("The Ports of Velna,", 64),
            vec![2, 4, 5, 6, 7, 8, 9, 10, 3]
        );
    }

    #[test]
    fn accents_and_case_are_folded_and_punctuation_isolated() {
        let t = toy();
        assert_eq!(
            t.encode("CAFÉ-unaffable", 64),
            vec![2, 12, 16, 13, 14, 15, 3]
        );
    }

    #[test]
    fn an_unsegmentable_word_is_unknown_and_truncation_keeps_the_frame() {
        let t = toy();
        assert_eq!(t.encode("xyz the", 64), vec![2, 1, 4, 3]);
        assert_eq!(t.encode("the port the port", 4), vec![2, 4, 5, 3]);
        assert_eq!(t.encode("", 4), vec![2, 3]);
    }

    #[test]
    fn a_vocabulary_without_special_tokens_is_refused() {
        let err = WordPiece::new([("the".to_string(), 0)]).unwrap_err();
        assert_eq!(err, MissingToken("[UNK]"));
    }
}
