//! Fuzzes the plain-text path of `parallax ingest`: bytes are decoded
//! (`parallax_ingest::decode`), then built into an article (normalisation,
//! layout, sentence splitting, language id, id). The sentence splitter is
//! also run alone on the raw input, and every span is checked to lie on
//! character boundaries inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        for sp in parallax_text::split_sentences(s) {
            assert!(sp.start <= sp.end && sp.end <= s.len());
            assert!(s.is_char_boundary(sp.start) && s.is_char_boundary(sp.end));
        }
        let _ = parallax_text::normalise(s);
        let _ = parallax_text::tokenize(s);
    }
    let Ok(decoded) = parallax_ingest::decode::decode(data) else {
        return;
    };
    let article = parallax_ingest::ArticleDraft {
        text: decoded.text,
        ..Default::default()
    }
    .build();
    let text = article.text.as_str();
    for p in &article.paragraphs {
        let _ = article.slice(p.span);
    }
    for s in &article.sentences {
        assert!(s.span.end <= text.len());
        assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
    }
});
