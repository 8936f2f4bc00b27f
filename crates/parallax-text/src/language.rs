//! Language identification.

/// Identifies the language of `text` as an ISO 639-1 code (`en`, `es`, ...),
/// or `None` when the text is too short or the guess is unreliable.
pub fn detect_language(text: &str) -> Option<String> {
    if looks_english(text) {
        return Some("en".to_string());
    }
    // Long texts: a prefix of a few sentences is enough and keeps this fast.
    let sample = match text.char_indices().nth(600) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() && sample.len() < 200 {
        return None;
    }
    Some(iso639_1(info.lang()).to_string())
}

/// English function words that are rare as words in other languages.
const ENGLISH: &[&str] = &[
    "the", "of", "and", "to", "is", "that", "for", "with", "he", "she", "it", "as", "by", "from",
    "his", "have", "has", "are", "were", "said", "this", "which", "they", "their", "been", "would",
];

/// A fast path for the common case: the first 120 words of the text hold
/// many English function words, "the" among them.
fn looks_english(text: &str) -> bool {
    let mut words = 0usize;
    let mut hits = 0usize;
    let mut the = 0usize;
    for w in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(120)
    {
        words += 1;
        if w.len() <= 5 {
            let lower = w.to_ascii_lowercase();
            if ENGLISH.contains(&lower.as_str()) {
                hits += 1;
                if lower == "the" {
                    the += 1;
                }
            }
        }
    }
    words >= 8 && the >= 1 && hits * 100 >= words * 18
}

fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Eng => "en",
        Spa => "es",
        Fra => "fr",
        Deu => "de",
        Ita => "it",
        Por => "pt",
        Rus => "ru",
        Ukr => "uk",
        Pol => "pl",
        Nld => "nl",
        Tur => "tr",
        Ara => "ar",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Hin => "hi",
        Swe => "sv",
        Dan => "da",
        Nob => "no",
        Fin => "fi",
        Ces => "cs",
        Ell => "el",
        Heb => "he",
        Hun => "hu",
        Ron => "ro",
        Bul => "bg",
        Cat => "ca",
        Hrv => "hr",
        Srp => "sr",
        Slk => "sk",
        Slv => "sl",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Ind => "id",
        Vie => "vi",
        Tha => "th",
        Pes => "fa",
        Urd => "ur",
        Ben => "bn",
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn english_and_spanish() {
        assert_eq!(
            super::detect_language("The talks between the two foreign ministers ended without an agreement on Thursday.").as_deref(),
            Some("en")
        );
        assert_eq!(
            super::detect_language("Las conversaciones entre los dos ministros terminaron sin acuerdo el jueves por la tarde.").as_deref(),
            Some("es")
        );
        assert_eq!(super::detect_language(""), None);
    }
}
