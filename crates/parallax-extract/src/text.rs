//! Small text helpers.

/// Collapses runs of whitespace (including no-break spaces and zero-width
/// characters) to single spaces and trims the ends.
pub(crate) fn normalize_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            pending_space = !out.is_empty();
        } else if matches!(
            c,
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}'
        ) {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Number of characters that are letters or digits.
pub(crate) fn word_chars(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace() {
        assert_eq!(normalize_ws("  a \n\t b\u{a0}c  "), "a b c");
        assert_eq!(normalize_ws(""), "");
    }
}
