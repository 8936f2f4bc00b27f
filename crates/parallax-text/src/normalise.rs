//! Unicode and whitespace normalisation of stored text.

use unicode_normalization::UnicodeNormalization;

/// Normalises text for storage: Unicode NFC, `\r\n` and `\r` to `\n`, no
/// byte-order mark, no zero-width or other invisible format characters, no
/// control characters other than `\n` and `\t`, non-breaking spaces as plain
/// spaces, and trailing spaces removed from lines. Words, punctuation and
/// line structure are otherwise kept exactly.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let composed;
    let text = if unicode_normalization::is_nfc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        text
    } else {
        composed = text.nfc().collect::<String>();
        &composed
    };
    let mut chars = text.chars().peekable();
    let mut line = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                push_line(&mut out, &mut line);
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => push_line(&mut out, &mut line),
            '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{ad}' => {}
            '\u{a0}' | '\u{2007}' | '\u{202f}' => line.push(' '),
            '\t' => line.push('\t'),
            c if c.is_control() => {}
            c => line.push(c),
        }
    }
    let trimmed = line.trim_end();
    out.push_str(trimmed);
    out
}

fn push_line(out: &mut String, line: &mut String) {
    out.push_str(line.trim_end());
    out.push('\n');
    line.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_and_invisibles() {
        assert_eq!(
            normalise("\u{feff}A\r\nB \rC\u{200b}D\u{a0}E"),
            "A\nB\nCD E"
        );
    }

    #[test]
    fn composes_to_nfc() {
        assert_eq!(normalise("Pai\u{301}s"), "Pa\u{ed}s");
    }
}
