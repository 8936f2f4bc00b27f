//! Word tokenisation with byte spans.

use parallax_core::Span;

/// One token of text: a word, a number, or a single punctuation mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where the token is in the text.
    pub span: Span,
    /// What kind of token it is.
    pub kind: TokenKind,
}

/// The kind of a [`Token`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes, hyphens or dots (U.S.).
    Word,
    /// Starts with a digit: 1,200 / 3.5 / 2022.
    Number,
    /// Any other non-space character.
    Punct,
}

impl Token {
    /// The token's text in `text`.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.span.range()]
    }

    /// True for words and numbers.
    pub fn is_word(&self) -> bool {
        self.kind != TokenKind::Punct
    }
}

fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}' | '.' | '&'
    )
}

/// Splits `text` into tokens. Words keep inner apostrophes, hyphens and
/// dots (`don't`, `pro-Russian`, `U.S.`, `C.I.A.`); numbers keep inner
/// separators (`1,200`, `3.5`); every other visible character is a
/// punctuation token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() {
            let numeric = c.is_ascii_digit();
            let mut end = start + c.len_utf8();
            let mut last_dot_word = false;
            while let Some(&(i, d)) = iter.peek() {
                if d.is_alphanumeric() {
                    end = i + d.len_utf8();
                    iter.next();
                    continue;
                }
                let joiner = if numeric {
                    matches!(d, ',' | '.' | ':')
                } else {
                    is_joiner(d)
                };
                if !joiner {
                    break;
                }
                // A joiner is inside the token only when an alphanumeric follows.
                let next = text[i + d.len_utf8()..].chars().next();
                match next {
                    Some(n) if n.is_alphanumeric() && (!numeric || n.is_ascii_digit()) => {
                        iter.next();
                        end = i + d.len_utf8();
                    }
                    _ => {
                        // Keep the final dot of a dotted acronym: U.S. / C.I.A.
                        if d == '.' && !numeric && is_dotted_acronym(&text[start..end]) {
                            iter.next();
                            end = i + 1;
                            last_dot_word = true;
                        }
                        break;
                    }
                }
            }
            let _ = last_dot_word;
            out.push(Token {
                span: Span::new(start, end),
                kind: if numeric {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                },
            });
        } else {
            out.push(Token {
                span: Span::new(start, start + c.len_utf8()),
                kind: TokenKind::Punct,
            });
        }
    }
    out
}

/// `U.S` / `C.I.A` / `a.m`: single letters joined by dots.
fn is_dotted_acronym(s: &str) -> bool {
    s.contains('.') && s.split('.').all(|p| p.chars().count() == 1)
}

/// Lower-cased word tokens of `text` (numbers included, punctuation
/// dropped).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    tokenize(text)
        .into_iter()
        .filter(|t| t.is_word())
        .map(move |t| t.text(text).to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn words_numbers_punct() {
        assert_eq!(
            texts("Mr. Lavrov's pro-Russian view, 1,200 dead."),
            vec![
                "Mr",
                ".",
                "Lavrov's",
                "pro-Russian",
                "view",
                ",",
                "1,200",
                "dead",
                "."
            ]
        );
    }

    #[test]
    fn dotted_acronyms_keep_their_dots() {
        assert_eq!(
            texts("the U.S. and C.I.A. said"),
            vec!["the", "U.S.", "and", "C.I.A.", "said"]
        );
    }

    #[test]
    fn curly_quotes_are_punctuation() {
        assert_eq!(texts("“We didn’t”"), vec!["“", "We", "didn’t", "”"]);
    }
}
