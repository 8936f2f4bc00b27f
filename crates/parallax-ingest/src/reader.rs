//! Walking inputs and streaming articles out of them.

use crate::decode::{self, DecodeError};
use crate::warc::{self, WarcReader, WarcRecord};
use crate::{jsonl, ArticleDraft};
use parallax_core::Article;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One thing to read: a file or directory, or standard input (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file, or a directory read recursively.
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// `-` is standard input; anything else a path.
    pub fn parse(s: &str) -> Input {
        if s == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(s))
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// By extension (`.jsonl`/`.ndjson`/`.json` JSONL, `.txt`/`.text`/`.md`
    /// plain text, `.html`/`.htm` web pages, `.warc`/`.warc.gz` archives),
    /// else by sniffing the start (`WARC/` is a WARC archive, `{` JSONL,
    /// `<` HTML).
    #[default]
    Auto,
    /// One article per file.
    Text,
    /// One article per line.
    Jsonl,
    /// One web page per file.
    Html,
    /// A WARC archive (`.warc`, or `.warc.gz` by its name): the HTML pages
    /// of its `response` (and `resource`) records.
    Warc,
}

/// Reading options.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest plain-text file, or JSONL line, accepted (bytes).
    pub max_bytes: u64,
    /// Largest HTML page accepted (bytes).
    pub max_html_bytes: u64,
    /// How to read files.
    pub format: Format,
    /// Outlet given to articles whose input names none.
    pub outlet: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: 10 * 1024 * 1024,
            max_html_bytes: 20 * 1024 * 1024,
            format: Format::Auto,
            outlet: None,
        }
    }
}

/// An input that could not be read, or a line of one: which, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The input: a path, `path:line`, or `-`.
    pub input: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.problem)
    }
}

impl std::error::Error for InputError {}

enum Job {
    File(PathBuf, Format),
    Stdin,
    Failed(InputError),
}

struct OpenJsonl {
    name: String,
    reader: Box<dyn BufRead>,
    line: u64,
}

/// A WARC archive being read, with the count of its file bytes read.
struct OpenWarc {
    name: String,
    records: WarcReader<Box<dyn BufRead>>,
    file_bytes: Arc<AtomicU64>,
    bytes_before: u64,
    len: u64,
}

enum Current {
    Jsonl(OpenJsonl),
    Warc(OpenWarc),
}

/// Counts the bytes read through it (the compressed bytes of a
/// `.warc.gz`), for progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Streams articles from a list of inputs, in order: files in the order
/// given, directories recursively in file-name order. Yields one
/// `Err(InputError)` per input (or JSONL line) that cannot be read and
/// carries on with the rest.
pub struct Reader {
    jobs: std::vec::IntoIter<Job>,
    current: Option<Current>,
    opts: ReadOptions,
    skipped: usize,
    skipped_records: u64,
    total_bytes: u64,
    bytes_done: u64,
}

const TEXT_EXT: &[&str] = &["txt", "text", "md"];
const JSONL_EXT: &[&str] = &["jsonl", "ndjson", "json"];
const HTML_EXT: &[&str] = &["html", "htm", "xhtml"];

fn ext_format(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.ends_with(".warc") || name.ends_with(".warc.gz") {
        return Some(Format::Warc);
    }
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if TEXT_EXT.contains(&ext.as_str()) {
        Some(Format::Text)
    } else if JSONL_EXT.contains(&ext.as_str()) {
        Some(Format::Jsonl)
    } else if HTML_EXT.contains(&ext.as_str()) {
        Some(Format::Html)
    } else {
        None
    }
}

impl Reader {
    /// Plans the reading of `inputs`. Nothing is read yet; missing paths
    /// become errors yielded in their turn.
    pub fn new(inputs: &[Input], opts: ReadOptions) -> Reader {
        let mut jobs = Vec::new();
        let mut skipped = 0;
        let mut total_bytes = 0;
        for input in inputs {
            match input {
                Input::Stdin => jobs.push(Job::Stdin),
                Input::Path(p) if p.is_dir() => {
                    let walker = walkdir::WalkDir::new(p)
                        .follow_links(true)
                        .sort_by_file_name()
                        .into_iter()
                        .filter_entry(|e| {
                            e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                        });
                    for entry in walker {
                        match entry {
                            Ok(e) if e.file_type().is_file() => {
                                let fmt = match opts.format {
                                    Format::Auto => ext_format(e.path()),
                                    f => Some(f),
                                };
                                match fmt {
                                    Some(f) => {
                                        total_bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
                                        jobs.push(Job::File(e.into_path(), f));
                                    }
                                    None => skipped += 1,
                                }
                            }
                            Ok(_) => {}
                            Err(err) => jobs.push(Job::Failed(InputError {
                                input: err
                                    .path()
                                    .map(|p| p.display().to_string())
                                    .unwrap_or_else(|| p.display().to_string()),
                                problem: format!("cannot read directory entry: {err}"),
                            })),
                        }
                    }
                }
                Input::Path(p) => match std::fs::metadata(p) {
                    Ok(m) => {
                        total_bytes += m.len();
                        jobs.push(Job::File(p.clone(), opts.format));
                    }
                    Err(e) => jobs.push(Job::Failed(InputError {
                        input: p.display().to_string(),
                        problem: io_problem(&e),
                    })),
                },
            }
        }
        Reader {
            jobs: jobs.into_iter(),
            current: None,
            opts,
            skipped,
            skipped_records: 0,
            total_bytes,
            bytes_done: 0,
        }
    }

    /// Files in directories that were skipped (unknown extension).
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// Total size of the files to read (standard input not counted).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Bytes read so far, for progress (of a `.warc.gz`, the compressed
    /// bytes).
    pub fn bytes_done(&self) -> u64 {
        match &self.current {
            Some(Current::Warc(w)) => w.bytes_before + w.file_bytes.load(Ordering::Relaxed),
            _ => self.bytes_done,
        }
    }

    /// WARC records passed over: not responses, not HTML, or not a 2xx
    /// status. They are not errors.
    pub fn skipped_records(&self) -> u64 {
        self.skipped_records
    }

    fn next_line(&mut self) -> Option<Result<Article, InputError>> {
        let max = self.opts.max_bytes as usize;
        loop {
            let Some(Current::Jsonl(cur)) = self.current.as_mut() else {
                return None;
            };
            let mut buf = Vec::new();
            let read = read_bounded_line(&mut cur.reader, &mut buf, max);
            cur.line += 1;
            let at = format!("{}:{}", cur.name, cur.line);
            match read {
                Err(e) => {
                    let err = InputError {
                        input: at,
                        problem: format!("read failed: {}", io_problem(&e)),
                    };
                    self.current = None;
                    return Some(Err(err));
                }
                Ok(None) => {
                    self.current = None;
                    return None;
                }
                Ok(Some(line)) => {
                    self.bytes_done += line.bytes as u64;
                    if line.too_long {
                        return Some(Err(InputError {
                            input: at,
                            problem: format!(
                                "line of {} is over the limit of {} (--max-bytes)",
                                human(line.bytes as u64),
                                human(max as u64)
                            ),
                        }));
                    }
                    let bytes = if cur.line == 1 {
                        buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buf)
                    } else {
                        &buf[..]
                    };
                    let text = match std::str::from_utf8(bytes) {
                        Ok(t) => t,
                        Err(e) => {
                            return Some(Err(InputError {
                                input: at,
                                problem: format!("not valid UTF-8 (at byte {})", e.valid_up_to()),
                            }))
                        }
                    };
                    if text.trim().is_empty() {
                        continue;
                    }
                    return Some(match jsonl::parse_line(text) {
                        Ok(mut draft) => {
                            draft.source = Some(at);
                            if draft.outlet.is_none() {
                                draft.outlet = self.opts.outlet.clone();
                            }
                            Ok(draft.build())
                        }
                        Err(e) => Err(InputError {
                            input: at,
                            problem: e.to_string(),
                        }),
                    });
                }
            }
        }
    }

    /// The next article of the open WARC archive; `None` (and the archive
    /// closed) at its end.
    fn next_page(&mut self) -> Option<Result<Article, InputError>> {
        loop {
            let Some(Current::Warc(w)) = self.current.as_mut() else {
                return None;
            };
            let rec = match w.records.next() {
                None => {
                    let w = match self.current.take() {
                        Some(Current::Warc(w)) => w,
                        _ => return None,
                    };
                    self.bytes_done =
                        w.bytes_before + w.len.max(w.file_bytes.load(Ordering::Relaxed));
                    return None;
                }
                Some(Err(e)) => {
                    let input = format!("{} record {}", w.name, e.number);
                    let problem = format!("at byte {}: {}", e.offset, e.problem);
                    return Some(Err(InputError { input, problem }));
                }
                Some(Ok(rec)) => rec,
            };
            let name = w.name.clone();
            match self.warc_page(&name, rec) {
                Some(item) => return Some(item),
                None => self.skipped_records += 1,
            }
        }
    }

    /// The article of one WARC record; `None` when the record holds no web
    /// page (not a response, not HTML, not a 2xx status).
    fn warc_page(&self, name: &str, rec: WarcRecord) -> Option<Result<Article, InputError>> {
        let block = rec.block.as_deref()?;
        let uri = rec.target_uri.clone().filter(|u| !u.is_empty());
        let input = match &uri {
            Some(u) => format!("{name} record {} ({u})", rec.number),
            None => format!("{name} record {}", rec.number),
        };
        let fail = |problem: String| {
            Some(Err(InputError {
                input: input.clone(),
                problem,
            }))
        };
        let max = self.opts.max_html_bytes;
        let too_large = || {
            format!(
                "page is {}, over the limit of {} for one page",
                human(rec.length),
                human(max)
            )
        };
        let record_type = rec
            .content_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let (body, content_type) = if rec.warc_type == "response" {
            if !record_type.starts_with("application/http") {
                return None; // DNS records and the like
            }
            let resp = match warc::http_response(block, max as usize) {
                Ok(r) => r,
                Err(_) if rec.truncated => return fail(too_large()),
                Err(e) => return fail(e),
            };
            if !(200..300).contains(&resp.status) {
                return None;
            }
            let ctype = resp.header("content-type").map(str::to_string);
            let html = match &ctype {
                Some(t) => warc::is_html_type(t),
                None => resp.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<'),
            };
            if !html {
                return None;
            }
            if rec.truncated {
                return fail(too_large());
            }
            (resp.body, ctype)
        } else {
            if !warc::is_html_type(&record_type) {
                return None;
            }
            if rec.truncated {
                return fail(too_large());
            }
            (block.to_vec(), rec.content_type.clone())
        };
        let mut draft = match crate::html::page_draft_http(
            &body,
            uri.as_deref(),
            content_type.as_deref(),
            max as usize,
        ) {
            Ok(d) => d,
            Err(problem) => return fail(problem),
        };
        if draft.outlet.is_none() {
            draft.outlet = self.opts.outlet.clone();
        }
        if let Some(d) = &rec.date {
            draft.extra.insert("fetched".into(), d.clone().into());
        }
        if let Some(id) = &rec.record_id {
            draft.extra.insert("warc_record".into(), id.clone().into());
        }
        draft.source = Some(format!("{name} record {}", rec.number));
        Some(Ok(draft.build()))
    }

    fn open_file(&mut self, path: PathBuf, format: Format) -> Option<Result<Article, InputError>> {
        let name = path.display().to_string();
        let fail = |problem: String| {
            Some(Err(InputError {
                input: name.clone(),
                problem,
            }))
        };
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) => return fail(io_problem(&e)),
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        let format = match format {
            Format::Auto => match ext_format(&path) {
                Some(f) => f,
                None => match sniff(&mut reader) {
                    Ok(f) => f,
                    Err(e) => return fail(io_problem(&e)),
                },
            },
            f => f,
        };
        match format {
            Format::Jsonl => {
                if len == 0 {
                    return fail("empty file".into());
                }
                self.current = Some(Current::Jsonl(OpenJsonl {
                    name,
                    reader: Box::new(reader),
                    line: 0,
                }));
                None
            }
            Format::Warc => {
                if len == 0 {
                    self.bytes_done += len;
                    return fail("empty file".into());
                }
                // Reopen through a byte counter (the sniffing above may
                // have buffered the start).
                drop(reader);
                let file = match File::open(&path) {
                    Ok(f) => f,
                    Err(e) => return fail(io_problem(&e)),
                };
                let count = Arc::new(AtomicU64::new(0));
                let counted = BufReader::with_capacity(
                    256 * 1024,
                    Counting {
                        inner: file,
                        count: count.clone(),
                    },
                );
                let mut counted = counted;
                let gzip = match counted.fill_buf() {
                    Ok(b) => b.starts_with(&[0x1f, 0x8b]),
                    Err(e) => return fail(io_problem(&e)),
                };
                let stream: Box<dyn BufRead> = if gzip {
                    Box::new(BufReader::with_capacity(
                        256 * 1024,
                        flate2::bufread::MultiGzDecoder::new(counted),
                    ))
                } else {
                    Box::new(counted)
                };
                self.current = Some(Current::Warc(OpenWarc {
                    name,
                    records: WarcReader::new(stream, self.opts.max_html_bytes),
                    file_bytes: count,
                    bytes_before: self.bytes_done,
                    len,
                }));
                None
            }
            Format::Html => {
                self.bytes_done += len;
                let max = self.opts.max_html_bytes;
                if len > max {
                    return fail(format!(
                        "page is {}, over the limit of {} for one page",
                        human(len),
                        human(max)
                    ));
                }
                let mut bytes = Vec::with_capacity(len as usize);
                if let Err(e) = reader.take(max + 1).read_to_end(&mut bytes) {
                    return fail(io_problem(&e));
                }
                Some(self.html_article(&bytes, name))
            }
            _ => {
                self.bytes_done += len;
                if len > self.opts.max_bytes {
                    return fail(format!(
                        "file is {}, over the limit of {} for one article (--max-bytes)",
                        human(len),
                        human(self.opts.max_bytes)
                    ));
                }
                let mut bytes = Vec::with_capacity(len as usize);
                if let Err(e) = reader.take(self.opts.max_bytes + 1).read_to_end(&mut bytes) {
                    return fail(io_problem(&e));
                }
                Some(self.text_article(&bytes, name))
            }
        }
    }

    fn html_article(&self, bytes: &[u8], name: String) -> Result<Article, InputError> {
        let mut draft = crate::html::page_draft(bytes, None, self.opts.max_html_bytes as usize)
            .map_err(|problem| InputError {
                input: name.clone(),
                problem,
            })?;
        if draft.outlet.is_none() {
            draft.outlet = self.opts.outlet.clone();
        }
        draft.source = Some(name);
        Ok(draft.build())
    }

    fn text_article(&self, bytes: &[u8], name: String) -> Result<Article, InputError> {
        if bytes.len() as u64 > self.opts.max_bytes {
            return Err(InputError {
                input: name,
                problem: format!(
                    "over the limit of {} for one article (--max-bytes)",
                    human(self.opts.max_bytes)
                ),
            });
        }
        let decoded = decode::decode(bytes).map_err(|e| InputError {
            input: name.clone(),
            problem: match e {
                DecodeError::Empty if bytes.is_empty() => "empty file".to_string(),
                DecodeError::Empty => "no text (only whitespace)".to_string(),
                e => e.to_string(),
            },
        })?;
        let mut extra = serde_json::Map::new();
        if decoded.encoding != "UTF-8" {
            extra.insert("encoding".into(), decoded.encoding.into());
        }
        Ok(ArticleDraft {
            text: decoded.text,
            outlet: self.opts.outlet.clone(),
            source: Some(name),
            extra,
            ..Default::default()
        }
        .build())
    }

    fn open_stdin(&mut self) -> Option<Result<Article, InputError>> {
        let mut reader = BufReader::with_capacity(64 * 1024, io::stdin());
        let format = match self.opts.format {
            Format::Auto => match sniff(&mut reader) {
                Ok(f) => f,
                Err(e) => {
                    return Some(Err(InputError {
                        input: "-".into(),
                        problem: io_problem(&e),
                    }))
                }
            },
            f => f,
        };
        if format == Format::Html {
            let mut bytes = Vec::new();
            if let Err(e) = reader
                .take(self.opts.max_html_bytes + 1)
                .read_to_end(&mut bytes)
            {
                return Some(Err(InputError {
                    input: "-".into(),
                    problem: io_problem(&e),
                }));
            }
            self.bytes_done += bytes.len() as u64;
            return Some(self.html_article(&bytes, "-".into()));
        }
        if format == Format::Jsonl {
            self.current = Some(Current::Jsonl(OpenJsonl {
                name: "-".into(),
                reader: Box::new(reader),
                line: 0,
            }));
            return None;
        }
        if format == Format::Warc {
            let is_gzip = reader
                .fill_buf()
                .is_ok_and(|b| b.starts_with(&[0x1f, 0x8b]));
            let stream: Box<dyn BufRead> = if is_gzip {
                Box::new(BufReader::with_capacity(
                    256 * 1024,
                    flate2::bufread::MultiGzDecoder::new(reader),
                ))
            } else {
                Box::new(reader)
            };
            self.current = Some(Current::Warc(OpenWarc {
                name: "-".into(),
                records: WarcReader::new(stream, self.opts.max_html_bytes),
                file_bytes: Arc::new(AtomicU64::new(0)),
                bytes_before: self.bytes_done,
                len: 0,
            }));
            return None;
        }
        let mut bytes = Vec::new();
        if let Err(e) = reader.take(self.opts.max_bytes + 1).read_to_end(&mut bytes) {
            return Some(Err(InputError {
                input: "-".into(),
                problem: io_problem(&e),
            }));
        }
        self.bytes_done += bytes.len() as u64;
        if bytes.is_empty() {
            return Some(Err(InputError {
                input: "-".into(),
                problem: "empty input".into(),
            }));
        }
        Some(self.text_article(&bytes, "-".into()))
    }
}

impl Iterator for Reader {
    type Item = Result<Article, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.current {
                Some(Current::Jsonl(_)) => {
                    if let Some(item) = self.next_line() {
                        return Some(item);
                    }
                    continue;
                }
                Some(Current::Warc(_)) => {
                    if let Some(item) = self.next_page() {
                        return Some(item);
                    }
                    continue;
                }
                None => {}
            }
            let job = self.jobs.next()?;
            let item = match job {
                Job::Failed(e) => Some(Err(e)),
                Job::Stdin => self.open_stdin(),
                Job::File(path, format) => self.open_file(path, format),
            };
            if item.is_some() {
                return item;
            }
        }
    }
}

/// Looks at the start: `WARC/` (or gzip) means a WARC archive, then the
/// first non-space byte: `{` means JSONL, `<` HTML, else plain text.
fn sniff(reader: &mut dyn BufRead) -> io::Result<Format> {
    let buf = reader.fill_buf()?;
    if buf.starts_with(b"WARC/") {
        return Ok(Format::Warc);
    }
    let first = buf
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(buf)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    Ok(match first {
        Some(b'{') => Format::Jsonl,
        Some(b'<') => Format::Html,
        _ => Format::Text,
    })
}

struct Line {
    bytes: usize,
    too_long: bool,
}

/// Reads one line into `buf`, keeping at most `max` bytes of it; the rest
/// of an over-long line is consumed and dropped, so memory stays bounded.
fn read_bounded_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<Line>> {
    let mut total = 0usize;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if total == 0 {
                None
            } else {
                Some(Line {
                    bytes: total,
                    too_long,
                })
            });
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let n = chunk.len();
        if !too_long {
            if buf.len() + n > max + 1 {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        total += n;
        reader.consume(n);
        if done {
            if buf.last() == Some(&b'\n') {
                buf.pop();
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
            }
            return Ok(Some(Line {
                bytes: total,
                too_long,
            }));
        }
    }
}

fn io_problem(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Human-readable byte counts: `50.0 MB`.
pub(crate) fn human(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes as f64 >= MB {
        format!("{:.1} MB", bytes as f64 / MB)
    } else if bytes >= 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p
    }

    #[test]
    fn a_batch_with_bad_inputs_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a_empty.txt", b"");
        write(dir.path(), "b_binary.txt", b"\x00\x01\x02garbage");
        write(
            dir.path(),
            "c_cp1252.txt",
            b"Caf\xe9 closes\n\nThe caf\xe9 in Tarno closed on Monday after 40 years.",
        );
        write(
            dir.path(),
            "d_lines.jsonl",
            b"{\"text\": \"First article body.\", \"title\": \"One\"}\n{broken\n\n{\"text\": \"Second body.\", \"title\": \"Two\"}\n",
        );
        write(dir.path(), "e_big.txt", &vec![b'a'; 2048]);
        write(dir.path(), "f_ignored.png", b"\x89PNG");
        let opts = ReadOptions {
            max_bytes: 1024,
            ..Default::default()
        };
        let reader = Reader::new(&[Input::Path(dir.path().to_path_buf())], opts);
        assert_eq!(reader.skipped(), 1);
        let items: Vec<_> = reader.collect();
        let errors: Vec<String> = items
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| e.to_string())
            .collect();
        let titles: Vec<String> = items
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|a| a.title.clone().unwrap_or_default())
            .collect();
        assert_eq!(titles, vec!["Café closes", "One", "Two"]);
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].contains("a_empty.txt") && errors[0].contains("empty file"));
        assert!(errors[1].contains("b_binary.txt") && errors[1].contains("binary"));
        assert!(errors[2].contains("d_lines.jsonl:2") && errors[2].contains("invalid JSON"));
        assert!(errors[3].contains("e_big.txt") && errors[3].contains("over the limit"));
    }

    #[test]
    fn long_jsonl_lines_are_skipped_with_bounded_memory() {
        let dir = tempfile::tempdir().unwrap();
        let mut data = format!("{{\"text\": \"{}\"}}\n", "x".repeat(5000)).into_bytes();
        data.extend_from_slice(b"{\"text\": \"short one.\"}\n");
        let p = write(dir.path(), "l.jsonl", &data);
        let items: Vec<_> = Reader::new(
            &[Input::Path(p)],
            ReadOptions {
                max_bytes: 1000,
                ..Default::default()
            },
        )
        .collect();
        assert_eq!(items.len(), 2);
        assert!(items[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("l.jsonl:1"));
        assert!(items[1].is_ok());
    }

    fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let ctype = if kind == "response" {
            "application/http; msgtype=response"
        } else {
            "application/http; msgtype=request"
        };
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-03-02T11:00:00Z\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn page(title: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
             <p>The council of Tarno met on Monday to discuss the closure of the old bridge over the river, officials said.</p>\
             <p>Engineers will report on the state of the piers within three weeks, according to the city.</p></article></body></html>"
        )
        .into_bytes()
    }

    #[test]
    fn warc_archives_plain_and_gzipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut data = warc_record(
            "request",
            "https://tarno.example/a",
            b"GET /a HTTP/1.1\r\n\r\n",
        );
        data.extend(warc_record(
            "response",
            "https://tarno.example/a",
            &page("Bridge closes in Tarno"),
        ));
        data.extend(warc_record(
            "response",
            "https://tarno.example/logo.png",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        data.extend(warc_record(
            "response",
            "https://tarno.example/gone",
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>no</p>",
        ));
        data.extend(warc_record(
            "response",
            "https://tarno.example/broken",
            b"garbage",
        ));
        data.extend(warc_record(
            "response",
            "https://tarno.example/b",
            &page("Tarno council meets"),
        ));
        let plain = write(dir.path(), "crawl.warc", &data);
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&data).unwrap();
        let gz = write(dir.path(), "crawl.warc.gz", &enc.finish().unwrap());
        for p in [plain, gz] {
            let len = std::fs::metadata(&p).unwrap().len();
            let mut reader = Reader::new(&[Input::Path(p.clone())], ReadOptions::default());
            let items: Vec<_> = reader.by_ref().collect();
            assert_eq!(reader.skipped_records(), 3, "{p:?}");
            assert_eq!(reader.bytes_done(), len);
            let ok: Vec<&Article> = items.iter().filter_map(|r| r.as_ref().ok()).collect();
            assert_eq!(ok.len(), 2);
            assert_eq!(ok[0].url.as_deref(), Some("https://tarno.example/a"));
            assert_eq!(ok[0].title.as_deref(), Some("Bridge closes in Tarno"));
            assert_eq!(ok[0].extra["fetched"], "2026-03-02T11:00:00Z");
            let errors: Vec<String> = items
                .iter()
                .filter_map(|r| r.as_ref().err())
                .map(|e| e.to_string())
                .collect();
            assert_eq!(errors.len(), 1);
            assert!(
                errors[0].contains("record 5 (https://tarno.example/broken)")
                    && errors[0].contains("no HTTP header"),
                "{errors:?}"
            );
        }
    }

    #[test]
    fn missing_path_is_reported() {
        let items: Vec<_> = Reader::new(
            &[Input::Path("/nonexistent/x.txt".into())],
            ReadOptions::default(),
        )
        .collect();
        assert_eq!(
            items[0].as_ref().unwrap_err().problem,
            "no such file or directory"
        );
    }
}
