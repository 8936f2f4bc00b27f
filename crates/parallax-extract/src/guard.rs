//! Guards against pathological markup.
//!
//! html5ever's tree builder does work proportional to the depth of the
//! stack of open elements for each tag, so 100,000 nested `<div>`s take
//! quadratic time. A linear pre-scan estimates the nesting depth; only when
//! it exceeds [`MAX_DEPTH`] is the input rewritten, dropping the opening
//! tags (and matching closing tags) that would nest deeper.

/// Largest estimated nesting depth passed to the parser unchanged.
pub(crate) const MAX_DEPTH: usize = 400;

/// Tags that are void or often left unclosed; they are not counted.
fn uncounted(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"p"
            | b"li"
            | b"td"
            | b"tr"
            | b"th"
            | b"dt"
            | b"dd"
            | b"option"
            | b"html"
            | b"head"
            | b"body"
            | b"tbody"
            | b"thead"
    )
}

/// One tag found by the scan: start, end (exclusive), closing?, counted?
fn scan<F: FnMut(usize, usize, bool, bool, bool)>(s: &[u8], mut f: F) {
    let mut i = 0;
    let mut raw_until: Option<&'static [u8]> = None;
    while let Some(off) = memchr(b'<', &s[i..]) {
        let start = i + off;
        let rest = &s[start + 1..];
        if rest.starts_with(b"!--") {
            i = match find(&s[start + 4..], b"-->") {
                Some(e) => start + 4 + e + 3,
                None => s.len(),
            };
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let mut j = name_start;
        while j < s.len() && s[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == name_start {
            i = start + 1;
            continue;
        }
        let name: Vec<u8> = s[name_start..j]
            .iter()
            .map(|b| b.to_ascii_lowercase())
            .collect();
        let end = memchr(b'>', &s[j..]).map(|e| j + e + 1).unwrap_or(s.len());
        if let Some(raw) = raw_until {
            if closing && name == raw {
                raw_until = None;
            }
            i = end;
            continue;
        }
        let self_closing = end >= 2 && s[end - 2] == b'/';
        if !closing
            && matches!(
                name.as_slice(),
                b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"plaintext"
            )
        {
            raw_until = Some(match name.as_slice() {
                b"script" => b"script",
                b"style" => b"style",
                b"textarea" => b"textarea",
                b"title" => b"title",
                b"xmp" => b"xmp",
                _ => b"plaintext",
            });
        }
        let counted = !uncounted(&name) && !self_closing;
        f(start, end, closing, counted, self_closing);
        i = end;
    }
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&x| x == b)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Returns the input, flattened when it nests deeper than [`MAX_DEPTH`].
pub(crate) fn limit_depth(html: &str) -> std::borrow::Cow<'_, str> {
    let s = html.as_bytes();
    let mut depth = 0usize;
    let mut max = 0usize;
    scan(s, |_, _, closing, counted, _| {
        if counted {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                max = max.max(depth);
            }
        }
    });
    if max <= MAX_DEPTH {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = Vec::with_capacity(s.len());
    let mut last = 0;
    let mut depth = 0usize;
    let mut dropped = 0usize;
    scan(s, |start, end, closing, counted, _| {
        if !counted {
            return;
        }
        let drop = if closing {
            if dropped > 0 {
                dropped -= 1;
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= MAX_DEPTH {
            dropped += 1;
            true
        } else {
            depth += 1;
            false
        };
        if drop {
            out.extend_from_slice(&s[last..start]);
            out.push(b' ');
            last = end;
        }
    });
    out.extend_from_slice(&s[last..]);
    // Tags are cut at ASCII '<' and '>' boundaries, so the result stays UTF-8.
    std::borrow::Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_input_is_untouched() {
        let s = "<div><p>a</p><script>if (a<b) {}</script></div>";
        assert!(matches!(limit_depth(s), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn deep_input_is_flattened() {
        let s = "<div>".repeat(1000) + "x" + &"</div>".repeat(1000);
        let out = limit_depth(&s);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains('x'));
    }
}
