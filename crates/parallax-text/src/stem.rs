//! English stemming (Snowball).

use rust_stemmers::{Algorithm, Stemmer as Snowball};

/// A Snowball stemmer for English.
pub struct Stemmer(Snowball);

impl Default for Stemmer {
    fn default() -> Self {
        Stemmer(Snowball::create(Algorithm::English))
    }
}

impl Stemmer {
    /// Stems one lower-cased word: `attacks` -> `attack`.
    pub fn stem<'a>(&self, lower: &'a str) -> std::borrow::Cow<'a, str> {
        self.0.stem(lower)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stems() {
        let s = super::Stemmer::default();
        assert_eq!(s.stem("attacks"), "attack");
        assert_eq!(s.stem("negotiations"), "negoti");
    }
}
