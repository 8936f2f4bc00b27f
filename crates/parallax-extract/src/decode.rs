//! Byte-level input handling: gzip detection and character-set decoding.

use std::io::Read;

use encoding_rs::Encoding;

use crate::ExtractError;

/// Inflates gzip input (detected by its magic bytes) up to `max_bytes` of
/// output; other input is returned borrowed.
pub(crate) fn maybe_gunzip(
    html: &[u8],
    max_bytes: usize,
) -> Result<std::borrow::Cow<'_, [u8]>, ExtractError> {
    if html.len() >= 2 && html[0] == 0x1f && html[1] == 0x8b {
        let mut out = Vec::new();
        let dec = flate2::read::MultiGzDecoder::new(html);
        let mut limited = dec.take(max_bytes as u64 + 1);
        limited
            .read_to_end(&mut out)
            .map_err(|e| ExtractError::Gzip(e.to_string()))?;
        if out.len() > max_bytes {
            return Err(ExtractError::TooLarge { limit: max_bytes });
        }
        Ok(std::borrow::Cow::Owned(out))
    } else {
        Ok(std::borrow::Cow::Borrowed(html))
    }
}

/// Finds the encoding label in an HTTP `Content-Type` value, or accepts a
/// bare label.
fn label_from_header(value: &str) -> Option<&'static Encoding> {
    let lower = value.to_ascii_lowercase();
    let label = match lower.find("charset=") {
        Some(i) => &lower[i + 8..],
        None => lower.as_str(),
    };
    let label = label
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()
        .unwrap_or("");
    Encoding::for_label(label.as_bytes())
}

/// Scans the first 4 KiB (as the HTML standard's prescan does, simplified)
/// for `<meta charset>` or `<meta http-equiv=content-type content=...>`.
fn sniff_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut i = 0;
    while let Some(pos) = find(&lower[i..], b"<meta") {
        let start = i + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map(|p| start + p)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(cp) = find(tag, b"charset") {
            let rest = &tag[cp + 7..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label: Vec<u8> = rest
                    .iter()
                    .take_while(|&&b| {
                        !matches!(
                            b,
                            b'"' | b'\'' | b';' | b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'
                        )
                    })
                    .copied()
                    .collect();
                if let Some(enc) = Encoding::for_label(&label) {
                    // A page that declares UTF-16 in ASCII-compatible bytes is really UTF-8.
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        return Some(encoding_rs::UTF_8);
                    }
                    return Some(if enc == encoding_rs::X_USER_DEFINED {
                        encoding_rs::WINDOWS_1252
                    } else {
                        enc
                    });
                }
            }
        }
        i = end.max(start + 5);
        if i >= lower.len() {
            break;
        }
    }
    None
}

fn trim_ascii_start(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Which rule chose the character set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` header passed in [`crate::Options::http_charset`].
    Http,
    /// A `<meta charset>` or `http-equiv` declaration.
    Meta,
    /// The bytes were valid UTF-8.
    Utf8,
    /// A statistical guess (chardetng).
    Guess,
}

/// Decodes HTML bytes to text, returning the encoding name and the rule used.
pub(crate) fn decode(
    bytes: &[u8],
    http_charset: Option<&str>,
) -> (String, &'static str, CharsetSource) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc.name(), CharsetSource::Bom);
    }
    let (enc, src) = if let Some(enc) = http_charset.and_then(label_from_header) {
        (enc, CharsetSource::Http)
    } else if let Some(enc) = sniff_meta(bytes) {
        (enc, CharsetSource::Meta)
    } else if std::str::from_utf8(bytes).is_ok() {
        (encoding_rs::UTF_8, CharsetSource::Utf8)
    } else {
        let mut det = chardetng::EncodingDetector::new();
        det.feed(
            &bytes[..bytes.len().min(64 * 1024)],
            bytes.len() <= 64 * 1024,
        );
        (det.guess(None, true), CharsetSource::Guess)
    };
    // Pages that declare a legacy charset but are valid UTF-8 with
    // non-ASCII bytes are in practice UTF-8 (a frequent mislabel).
    let enc = if src == CharsetSource::Meta
        && enc != encoding_rs::UTF_8
        && !bytes.is_ascii()
        && std::str::from_utf8(bytes).is_ok()
    {
        encoding_rs::UTF_8
    } else {
        enc
    };
    let (text, _, _) = enc.decode(bytes);
    (text.into_owned(), enc.name(), src)
}
