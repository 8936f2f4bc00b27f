//! Bytes to text: byte-order marks, UTF-8, UTF-16 and legacy single-byte
//! encodings, and a refusal for binary content.

use encoding_rs::Encoding;

/// Why bytes could not be turned into text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Nothing but whitespace.
    #[error("empty input")]
    Empty,
    /// NUL bytes or many control characters: not a text file.
    #[error("binary content, not text ({0})")]
    Binary(String),
}

/// Text decoded from bytes, and the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding's WHATWG name (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub encoding: &'static str,
    /// True when the encoding was guessed rather than declared by a BOM or
    /// implied by valid UTF-8.
    pub guessed: bool,
}

/// Decodes `bytes`: a BOM wins; else valid UTF-8; else the most likely
/// legacy encoding (chardetng). Refuses empty and binary input.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), enc.name(), false);
    }
    check_binary(bytes)?;
    match std::str::from_utf8(bytes) {
        Ok(s) => finish(s.to_string(), "UTF-8", false),
        Err(_) => {
            let mut det = chardetng::EncodingDetector::new();
            det.feed(bytes, true);
            let enc = det.guess(None, false);
            let (text, _, _) = enc.decode(bytes);
            finish(text.into_owned(), enc.name(), true)
        }
    }
}

fn finish(text: String, encoding: &'static str, guessed: bool) -> Result<Decoded, DecodeError> {
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded {
        text,
        encoding,
        guessed,
    })
}

/// Refuses bytes that look binary: a NUL in the first 8 KiB, or more than
/// 10% control characters there.
pub fn check_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return Ok(());
    }
    if let Some(pos) = head.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary(format!("NUL byte at offset {pos}")));
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if controls * 10 > head.len() {
        return Err(DecodeError::Binary(format!(
            "{controls} control bytes in the first {} bytes",
            head.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"\xef\xbb\xbfCaf\xc3\xa9").unwrap().text, "Café");
        assert_eq!(decode("Café".as_bytes()).unwrap().encoding, "UTF-8");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "Kyiv talks".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "Kyiv talks");
        assert_eq!(d.encoding, "UTF-16LE");
    }

    #[test]
    fn windows_1252_is_guessed() {
        let bytes = b"The minister\x92s visit to the caf\xe9 was \x93brief\x94, officials said.";
        let d = decode(bytes).unwrap();
        assert!(d.guessed);
        assert!(d.text.contains("minister\u{2019}s"), "{}", d.text);
        assert!(d.text.contains("café"));
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b"  \n "), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"\x7fELF\x02\x01\x00\x00"),
            Err(DecodeError::Binary(_))
        ));
    }
}
