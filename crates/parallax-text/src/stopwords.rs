//! English stop words.

/// The stop-word list, one word a line (lower case).
const LIST: &str = include_str!("stopwords_en.txt");

fn set() -> &'static std::collections::HashSet<&'static str> {
    use std::sync::OnceLock;
    static WORDS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// True when `lower` (an already lower-cased word) is an English stop word.
pub fn is_stopword(lower: &str) -> bool {
    lower.len() <= 12 && set().contains(lower)
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_words() {
        assert!(super::is_stopword("the"));
        assert!(super::is_stopword("said"));
        assert!(!super::is_stopword("ceasefire"));
    }
}
