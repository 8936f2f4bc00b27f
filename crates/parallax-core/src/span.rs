use serde::{Deserialize, Serialize};

/// A half-open range `start..end` of UTF-8 byte offsets into an article's
/// stored text ([`crate::Article::text`]).
///
/// Offsets are byte offsets (Rust string indices), always on character
/// boundaries, so `&text[span.range()]` never panics for spans produced by
/// Parallax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`; `end` is clamped to be at least `start`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The span as a `Range`, for slicing.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// True when `other` lies entirely inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The text the span covers, or `None` when it does not fit `text`.
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.range())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_is_checked() {
        let s = Span::new(0, 5);
        assert_eq!(s.slice("hello world"), Some("hello"));
        assert_eq!(Span::new(3, 50).slice("short"), None);
        assert_eq!(Span::new(5, 2).len(), 0);
        assert!(Span::new(0, 10).contains(Span::new(2, 4)));
    }
}
