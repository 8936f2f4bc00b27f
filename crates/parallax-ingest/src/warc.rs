//! WARC archives (ISO 28500, WARC/1.0 and 1.1), read as a stream.
//!
//! [`WarcReader`] reads one record at a time from any `BufRead` (a `.warc`
//! file, or a `.warc.gz` through flate2's `MultiGzDecoder`, one gzip member
//! per record or one for the whole file). Memory stays bounded whatever
//! the archive's size: a record's block is read only for the record types
//! asked for, and then at most `max_block` bytes of it; everything else is
//! skipped by streaming it to nowhere.
//!
//! [`http_response`] splits the block of a `response` record into status,
//! headers and payload (undoing chunked transfer coding and deflate; gzip
//! payloads are inflated by the extractor).
//!
//! A malformed record is reported with its number and byte offset, and the
//! reader finds the next `WARC/` version line and goes on; a truncated
//! archive ends the stream with an error.

use std::io::{self, BufRead, Read};

/// Longest header line kept (longer ones are an error).
const MAX_LINE: usize = 16 * 1024;
/// Most header fields in one record.
const MAX_FIELDS: usize = 512;
/// What is kept of an over-long block: enough for its HTTP headers.
const HEAD_OF_LONG_BLOCK: u64 = 64 * 1024;

/// One record: its named header fields, and its block when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcRecord {
    /// 1-based number of the record in the archive.
    pub number: u64,
    /// Offset of its version line in the (uncompressed) stream.
    pub offset: u64,
    /// `WARC-Type`, lower case (`response`, `request`, `warcinfo`...).
    pub warc_type: String,
    /// `WARC-Target-URI`, without the angle brackets some writers add.
    pub target_uri: Option<String>,
    /// `WARC-Date`, as written (RFC 3339, UTC).
    pub date: Option<String>,
    /// `WARC-Record-ID`.
    pub record_id: Option<String>,
    /// `Content-Type` of the block.
    pub content_type: Option<String>,
    /// `Content-Length` of the block.
    pub length: u64,
    /// The block, when its type was asked for. When the block is over the
    /// limit only its first 64 KiB are kept and `truncated` is set.
    pub block: Option<Vec<u8>>,
    /// True when `block` holds only the start of a longer block.
    pub truncated: bool,
}

/// A record, or a stretch of the archive, that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record {number} (byte {offset}): {problem}")]
pub struct WarcError {
    /// Number the record would have had.
    pub number: u64,
    /// Offset where the problem was found.
    pub offset: u64,
    /// What is wrong.
    pub problem: String,
    /// The rest of the archive cannot be read (I/O error, truncation).
    pub fatal: bool,
}

/// Streams the records of a WARC archive.
pub struct WarcReader<R: BufRead> {
    inner: R,
    offset: u64,
    number: u64,
    max_block: u64,
    wanted: fn(&str) -> bool,
    done: bool,
    /// A version line already read (after garbage), to parse next.
    pending_start: Option<u64>,
    /// Skipping the rest of a record already reported as malformed.
    resyncing: bool,
}

/// The record types whose blocks are read by default.
pub fn response_or_resource(warc_type: &str) -> bool {
    matches!(warc_type, "response" | "resource")
}

impl<R: BufRead> WarcReader<R> {
    /// A reader that reads the blocks of `response` and `resource` records,
    /// up to `max_block` bytes each, and skips the others.
    pub fn new(inner: R, max_block: u64) -> WarcReader<R> {
        WarcReader {
            inner,
            offset: 0,
            number: 0,
            max_block,
            wanted: response_or_resource,
            done: false,
            pending_start: None,
            resyncing: false,
        }
    }

    /// Reads the blocks of the record types `wanted` accepts instead.
    pub fn wanting(mut self, wanted: fn(&str) -> bool) -> WarcReader<R> {
        self.wanted = wanted;
        self
    }

    /// Bytes of the (uncompressed) stream consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn error(&mut self, problem: String, fatal: bool) -> WarcError {
        if fatal {
            self.done = true;
        }
        WarcError {
            number: self.number,
            offset: self.offset,
            problem,
            fatal,
        }
    }

    /// Reads one line (without its end) into `buf`; `Ok(false)` at the end
    /// of the stream. A line over [`MAX_LINE`] is consumed and reported as
    /// `Ok(true)` with `buf` left holding only its start.
    fn line(&mut self, buf: &mut Vec<u8>) -> io::Result<bool> {
        buf.clear();
        let mut any = false;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok(any);
            }
            any = true;
            let (n, end) = match avail.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            let room = MAX_LINE.saturating_sub(buf.len());
            buf.extend_from_slice(&avail[..n.min(room)]);
            self.inner.consume(n);
            self.offset += n as u64;
            if end {
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                return Ok(true);
            }
        }
    }

    /// Skips `n` bytes; the number actually skipped.
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let skipped = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())?;
        self.offset += skipped;
        Ok(skipped)
    }

    fn read_record(&mut self) -> Option<Result<WarcRecord, WarcError>> {
        let mut line = Vec::new();
        // Blank lines between records; then the version line. Anything
        // else is garbage to skip up to the next version line.
        let mut garbage_at: Option<u64> = None;
        let start;
        loop {
            let at = self.offset;
            match self.line(&mut line) {
                Err(e) => return Some(Err(self.error(format!("read failed: {e}"), true))),
                Ok(false) => {
                    self.done = true;
                    if self.resyncing {
                        return None;
                    }
                    return garbage_at.map(|g| {
                        Err(WarcError {
                            number: self.number + 1,
                            offset: g,
                            problem: "no WARC record here (expected a `WARC/1.x` line); \
                                      skipped to the end"
                                .into(),
                            fatal: false,
                        })
                    });
                }
                Ok(true) if line.is_empty() => {}
                Ok(true) if line.starts_with(b"WARC/") => {
                    let quiet = std::mem::take(&mut self.resyncing);
                    if let (Some(g), false) = (garbage_at, quiet) {
                        // Report the garbage now; the record read next
                        // time starts on this line, so rewind is not
                        // possible: parse it right away instead.
                        self.number += 1;
                        let err = WarcError {
                            number: self.number,
                            offset: g,
                            problem: format!(
                                "no WARC record here (expected a `WARC/1.x` line); skipped {} bytes",
                                at - g
                            ),
                            fatal: false,
                        };
                        self.pending_start = Some(at);
                        return Some(Err(err));
                    }
                    start = at;
                    break;
                }
                Ok(true) => {
                    garbage_at.get_or_insert(at);
                }
            }
        }
        Some(self.read_fields_and_block(start))
    }

    fn read_fields_and_block(&mut self, start: u64) -> Result<WarcRecord, WarcError> {
        self.number += 1;
        let mut line = Vec::new();
        let mut fields: Vec<(String, String)> = Vec::new();
        loop {
            match self.line(&mut line) {
                Err(e) => return Err(self.error(format!("read failed: {e}"), true)),
                Ok(false) => return Err(self.error("truncated record header".into(), true)),
                Ok(true) if line.is_empty() => break,
                Ok(true) => {
                    if line.len() >= MAX_LINE {
                        return Err(self.resync("header line too long".into()));
                    }
                    let text = String::from_utf8_lossy(&line);
                    if text.starts_with([' ', '\t']) {
                        if let Some(last) = fields.last_mut() {
                            last.1.push(' ');
                            last.1.push_str(text.trim());
                        }
                        continue;
                    }
                    let Some((k, v)) = text.split_once(':') else {
                        return Err(
                            self.resync(format!("malformed header line `{}`", shorten(&text)))
                        );
                    };
                    fields.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                    if fields.len() > MAX_FIELDS {
                        return Err(self.resync("too many header fields".into()));
                    }
                }
            }
        }
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let Some(length) = field("content-length").and_then(|v| v.parse::<u64>().ok()) else {
            return Err(self.resync("missing or invalid Content-Length".into()));
        };
        let warc_type = field("warc-type").unwrap_or_default().to_ascii_lowercase();
        let mut rec = WarcRecord {
            number: self.number,
            offset: start,
            target_uri: field("warc-target-uri")
                .map(|u| u.trim_start_matches('<').trim_end_matches('>').to_string()),
            date: field("warc-date"),
            record_id: field("warc-record-id"),
            content_type: field("content-type"),
            length,
            block: None,
            truncated: false,
            warc_type,
        };
        let read = if (self.wanted)(&rec.warc_type) {
            let keep = if length > self.max_block {
                rec.truncated = true;
                HEAD_OF_LONG_BLOCK.min(length)
            } else {
                length
            };
            let mut block = Vec::with_capacity(keep as usize);
            let got = match (&mut self.inner).take(keep).read_to_end(&mut block) {
                Ok(n) => n as u64,
                Err(e) => return Err(self.error(format!("read failed: {e}"), true)),
            };
            self.offset += got;
            rec.block = Some(block);
            if got < keep {
                got
            } else {
                match self.skip(length - keep) {
                    Ok(n) => got + n,
                    Err(e) => return Err(self.error(format!("read failed: {e}"), true)),
                }
            }
        } else {
            match self.skip(length) {
                Ok(n) => n,
                Err(e) => return Err(self.error(format!("read failed: {e}"), true)),
            }
        };
        if read < length {
            return Err(self.error(
                format!("truncated: the block should have {length} bytes, the archive ends after {read}"),
                true,
            ));
        }
        Ok(rec)
    }

    /// Reports a bad header and moves on to the next version line.
    fn resync(&mut self, problem: String) -> WarcError {
        self.resyncing = true;
        WarcError {
            number: self.number,
            offset: self.offset,
            problem: format!("{problem}; skipping to the next record"),
            fatal: false,
        }
    }
}

impl<R: BufRead> WarcReader<R> {
    fn next_record(&mut self) -> Option<Result<WarcRecord, WarcError>> {
        if self.done {
            return None;
        }
        if let Some(start) = self.pending_start.take() {
            return Some(self.read_fields_and_block(start));
        }
        self.read_record()
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = Result<WarcRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// An HTTP response stored in a `response` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header fields, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The payload, with chunked transfer coding and deflate undone.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header field called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses the block of a `response` record: status line, headers, payload.
pub fn http_response(block: &[u8], max_body: usize) -> Result<HttpResponse, String> {
    let head_end = find(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(block, b"\n\n").map(|i| (i, i + 2)))
        .ok_or("no HTTP header in the response record")?;
    let head = String::from_utf8_lossy(&block[..head_end.0]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.split_whitespace();
    let proto = parts.next().unwrap_or("");
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| proto.starts_with("HTTP/"))
        .ok_or_else(|| format!("bad HTTP status line `{}`", shorten(status_line)))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = block[head_end.1..].to_vec();
    let mut resp = HttpResponse {
        status,
        headers,
        body: Vec::new(),
    };
    if resp
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        if let Some(d) = dechunk(&body) {
            body = d;
        }
    }
    match resp
        .header("content-encoding")
        .map(|e| e.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("" | "identity" | "gzip" | "x-gzip") => {}
        Some("deflate") if !looks_like_markup(&body) => {
            let mut out = Vec::new();
            let zlib = flate2::read::ZlibDecoder::new(&body[..])
                .take(max_body as u64 + 1)
                .read_to_end(&mut out);
            if zlib.is_err() {
                out.clear();
                flate2::read::DeflateDecoder::new(&body[..])
                    .take(max_body as u64 + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| format!("cannot inflate the deflate payload: {e}"))?;
            }
            body = out;
        }
        Some("deflate") => {}
        Some(other) if looks_like_markup(&body) => {
            let _ = other; // stored decoded despite the header
        }
        Some(other) => {
            return Err(format!(
                "payload compressed with `{other}`, which is not supported"
            ))
        }
    }
    if body.len() > max_body {
        return Err(format!(
            "page is {} bytes, over the limit of {max_body}",
            body.len()
        ));
    }
    resp.body = body;
    Ok(resp)
}

/// True when the payload starts like text markup (after spaces and a BOM).
fn looks_like_markup(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'<')
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Undoes chunked transfer coding; `None` when the data is not chunked.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let eol = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size {
            out.extend_from_slice(data); // a cut-off last chunk: keep what is there
            return Some(out);
        }
        out.extend_from_slice(&data[..size]);
        data = data[size..].strip_prefix(b"\r\n").unwrap_or(&data[size..]);
        if data.is_empty() {
            return Some(out);
        }
    }
}

/// True for the content types of web pages (`text/html`,
/// `application/xhtml+xml`).
pub fn is_html_type(content_type: &str) -> bool {
    let t = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    t == "text/html" || t == "application/xhtml+xml"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(kind: &str, uri: &str, ctype: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-03-02T09:30:00Z\r\nWARC-Record-ID: <urn:uuid:{kind}-{}>\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            uri.len(),
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn response(body: &str) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}")
            .into_bytes()
    }

    #[test]
    fn records_are_streamed_and_skipped() {
        let mut data = record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        );
        data.extend(record(
            "request",
            "https://velmar.example/a",
            "application/http; msgtype=request",
            b"GET /a HTTP/1.1\r\n\r\n",
        ));
        data.extend(record(
            "response",
            "<https://velmar.example/a>",
            "application/http; msgtype=response",
            &response("<p>A</p>"),
        ));
        data.extend(record(
            "metadata",
            "https://velmar.example/a",
            "application/warc-fields",
            b"fetchTimeMs: 12\r\n",
        ));
        let recs: Vec<_> = WarcReader::new(&data[..], 1 << 20)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].warc_type, "warcinfo");
        assert!(recs[0].block.is_none() && recs[1].block.is_none());
        let r = &recs[2];
        assert_eq!(r.number, 3);
        assert_eq!(r.target_uri.as_deref(), Some("https://velmar.example/a"));
        assert_eq!(r.date.as_deref(), Some("2026-03-02T09:30:00Z"));
        let h = http_response(r.block.as_ref().unwrap(), 1 << 20).unwrap();
        assert_eq!(h.status, 200);
        assert!(is_html_type(h.header("content-type").unwrap()));
        assert_eq!(h.body, b"<p>A</p>");
    }

    #[test]
    fn gzip_members_per_record() {
        let mut gz = Vec::new();
        for i in 0..3 {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&record(
                "response",
                &format!("https://a.example/{i}"),
                "application/http; msgtype=response",
                &response("<p>x</p>"),
            ))
            .unwrap();
            gz.extend(enc.finish().unwrap());
        }
        let reader = io::BufReader::new(flate2::read::MultiGzDecoder::new(&gz[..]));
        let recs: Vec<_> = WarcReader::new(reader, 1 << 20)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[2].target_uri.as_deref(), Some("https://a.example/2"));
    }

    #[test]
    fn malformed_records_are_reported_and_skipped() {
        let mut data = record(
            "response",
            "https://a.example/1",
            "application/http",
            &response("<p>1</p>"),
        );
        data.extend_from_slice(b"garbage line\r\nmore garbage\r\n");
        data.extend(record(
            "response",
            "https://a.example/2",
            "application/http",
            &response("<p>2</p>"),
        ));
        data.extend_from_slice(b"WARC/1.0\r\nWARC-Type: response\r\nno colon here\r\n\r\n");
        data.extend(record(
            "response",
            "https://a.example/3",
            "application/http",
            &response("<p>3</p>"),
        ));
        data.extend_from_slice(
            b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nshort",
        );
        let items: Vec<_> = WarcReader::new(&data[..], 1 << 20).collect();
        let summary: Vec<String> = items
            .iter()
            .map(|r| match r {
                Ok(r) => format!("ok {}", r.target_uri.clone().unwrap_or_default()),
                Err(e) => format!("err {}", e.problem),
            })
            .collect();
        assert_eq!(summary.len(), 6, "{summary:?}");
        assert_eq!(summary[0], "ok https://a.example/1");
        assert!(
            summary[1].starts_with("err no WARC record here"),
            "{summary:?}"
        );
        assert_eq!(summary[2], "ok https://a.example/2");
        assert!(summary[3].contains("malformed header line"), "{summary:?}");
        assert_eq!(summary[4], "ok https://a.example/3");
        assert!(summary[5].contains("truncated"), "{summary:?}");
        assert!(items[5].as_ref().unwrap_err().fatal);
    }

    #[test]
    fn long_blocks_keep_only_their_head() {
        let big = response(&"<p>x</p>".repeat(10_000));
        let data = record(
            "response",
            "https://a.example/big",
            "application/http",
            &big,
        );
        let recs: Vec<_> = WarcReader::new(&data[..], 1000)
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(recs[0].truncated);
        assert_eq!(
            recs[0].block.as_ref().unwrap().len() as u64,
            HEAD_OF_LONG_BLOCK.min(big.len() as u64)
        );
        assert_eq!(recs[0].length, big.len() as u64);
    }

    #[test]
    fn http_payloads() {
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n5\r\n<p>he\r\n7\r\nllo</p>\r\n0\r\n\r\n";
        assert_eq!(http_response(chunked, 1000).unwrap().body, b"<p>hello</p>");
        let mut deflated = b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n".to_vec();
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"<p>inflated</p>").unwrap();
        deflated.extend(enc.finish().unwrap());
        assert_eq!(
            http_response(&deflated, 1000).unwrap().body,
            b"<p>inflated</p>"
        );
        let br = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x1b\x00\x01";
        assert!(http_response(br, 1000).unwrap_err().contains("`br`"));
        assert!(http_response(b"not http", 1000).is_err());
        assert!(http_response(b"HTTP/1.1 200 OK\r\n\r\n<p>too long</p>", 5).is_err());
        assert!(is_html_type("application/xhtml+xml; charset=utf-8"));
        assert!(!is_html_type("image/jpeg"));
    }
}
