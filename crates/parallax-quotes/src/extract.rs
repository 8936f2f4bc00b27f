//! The extractor: quote detection, cue patterns, content and source spans.

use crate::cuemodel::{can_head, is_candidate, CueModel};
use crate::lexicon::{
    ends_possessive, is_aux, is_determiner, is_dotted_word, is_np_stop, is_participle, is_pronoun,
    is_title_word, verb_class, VerbClass, DOCUMENTS,
};
use crate::speaker::resolve;
use crate::{Analysis, AttributionKind, Options};
use parallax_core::Span;
use parallax_text::calendar::WEEKDAYS;
use parallax_text::tokens::TokenKind;
use parallax_text::{split_sentences, tokenize, Token};

/// A top-level quotation: from its opening mark to its closing mark.
#[derive(Debug, Clone)]
struct QuoteRec {
    span: Span,
    first: usize,
    last: usize,
    words: usize,
    title_like: bool,
    used: bool,
}

/// A found attribution before speaker resolution (token indices).
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub parts: Vec<Span>,
    pub cue: Option<Span>,
    pub source: Option<Span>,
    pub kind: AttributionKind,
    /// Speaker carried over from an earlier attribution (quotes without cue).
    pub carried: bool,
    /// The object of "told X", when it looks like an outlet.
    pub told: Option<Span>,
}

pub(crate) struct Doc<'t> {
    pub text: &'t str,
    pub toks: Vec<Token>,
    pub lower: Vec<String>,
    pub para: Vec<u32>,
    pub sents: Vec<(usize, usize)>,
    pub quote_of: Vec<Option<u32>>,
    /// Quoted tokens before each token (one more entry than tokens).
    quoted_before: Vec<u32>,
    /// Tokens of the cue-verb list before each token (one more entry).
    listed_before: Vec<u32>,
    quotes: Vec<QuoteRec>,
    /// The learned cue detector, when the extractor uses one.
    cues: Option<&'t CueModel>,
}

fn is_open_mark(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '«')
}

/// Finds top-level double quotations (and single quotations outside them).
fn find_quotes(text: &str, paras: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    // (start, closing-char kind: true = double)
    let mut open: Option<(usize, bool)> = None;
    for (pi, p) in paras.iter().enumerate() {
        let s = &text[p.range()];
        let mut iter = s.char_indices().peekable();
        let mut prev: char = ' ';
        let mut continuing = false;
        if open.is_some() {
            // Continued from the previous paragraph: skip the opening mark.
            continuing = true;
        }
        while let Some((i, c)) = iter.next() {
            let at = p.start + i;
            let next = iter.peek().map(|&(_, d)| d).unwrap_or(' ');
            if continuing && i == 0 && is_open_mark(c) {
                prev = c;
                continuing = false;
                continue;
            }
            if continuing && i == 0 && s.starts_with("''") {
                iter.next();
                prev = '"';
                continuing = false;
                continue;
            }
            match c {
                // Two apostrophes as a double quote mark (''…''), as in
                // older newspaper archives.
                '\'' if next == '\'' => {
                    iter.next();
                    let after = s[i + 2..].chars().next().unwrap_or(' ');
                    straight_double(&mut open, &mut out, at, 2, prev, after);
                    prev = '"';
                    continue;
                }
                '“' | '«' if open.is_none() => {
                    open = Some((at, true));
                }
                '”' | '»' => {
                    if let Some((st, true)) = open {
                        out.push(Span::new(st, at + c.len_utf8()));
                        open = None;
                    }
                }
                '"' => straight_double(&mut open, &mut out, at, 1, prev, next),
                '‘' | '\'' => {
                    let word_start = !prev.is_alphanumeric();
                    if open.is_none() && word_start && next.is_alphabetic() && c == '‘' {
                        open = Some((at, false));
                    } else if c == '\'' {
                        if let Some((st, false)) = open {
                            if !next.is_alphanumeric() && prev.is_alphanumeric() || prev == '.' {
                                out.push(Span::new(st, at + 1));
                                open = None;
                            }
                        }
                    }
                }
                '’' => {
                    if let Some((st, false)) = open {
                        if !next.is_alphanumeric() {
                            out.push(Span::new(st, at + c.len_utf8()));
                            open = None;
                        }
                    }
                }
                _ => {}
            }
            prev = c;
        }
        // Paragraph end: a double quote stays open only if the next
        // paragraph opens with a quote mark.
        match open {
            Some((_, true)) => {
                let cont = paras
                    .get(pi + 1)
                    .map(|n| &text[n.range()])
                    .is_some_and(|n| n.starts_with(is_open_mark) || n.starts_with("''"));
                if !cont {
                    open = None;
                }
            }
            Some((_, false)) => open = None,
            None => {}
        }
    }
    out
}

/// A straight double mark (`"` or `''`, `width` bytes at `at`) between
/// `prev` and `after`: it closes an open double quotation when it follows a
/// word or precedes a space, and opens one when a word follows it.
fn straight_double(
    open: &mut Option<(usize, bool)>,
    out: &mut Vec<Span>,
    at: usize,
    width: usize,
    prev: char,
    after: char,
) {
    match *open {
        Some((st, true)) => {
            if !prev.is_whitespace() || after.is_whitespace() {
                out.push(Span::new(st, at + width));
                *open = None;
            }
        }
        Some((_, false)) => {}
        None => {
            if !after.is_whitespace() {
                *open = Some((at, true));
            }
        }
    }
}

fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            push_trimmed(&mut out, text, start, i);
            start = i + 1;
        }
    }
    push_trimmed(&mut out, text, start, text.len());
    out
}

fn push_trimmed(out: &mut Vec<Span>, text: &str, s: usize, e: usize) {
    let seg = &text[s..e];
    let lead = seg.len() - seg.trim_start().len();
    let trail = seg.len() - seg.trim_end().len();
    if lead + trail < seg.len() {
        out.push(Span::new(s + lead, e - trail));
    }
}

impl<'t> Doc<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let toks = tokenize(text);
        let lower: Vec<String> = toks
            .iter()
            .map(|t| {
                let s = t.text(text);
                if s.bytes().any(|b| b.is_ascii_uppercase()) {
                    s.to_lowercase()
                } else {
                    s.to_string()
                }
            })
            .collect();
        let paras = paragraphs(text);
        let mut para = vec![0u32; toks.len()];
        let mut sent_spans = Vec::new();
        for p in &paras {
            for s in sentences(&text[p.range()]) {
                sent_spans.push(Span::new(p.start + s.start, p.start + s.end));
            }
        }
        let mut pi = 0;
        for (ti, t) in toks.iter().enumerate() {
            while pi + 1 < paras.len() && t.span.start >= paras[pi + 1].start {
                pi += 1;
            }
            para[ti] = pi as u32;
        }
        // Token ranges of sentences.
        let mut sents = Vec::with_capacity(sent_spans.len());
        let mut ti = 0;
        for s in &sent_spans {
            while ti < toks.len() && toks[ti].span.start < s.start {
                ti += 1;
            }
            let a = ti;
            while ti < toks.len() && toks[ti].span.end <= s.end {
                ti += 1;
            }
            if ti > a {
                sents.push((a, ti));
            }
        }
        let qspans = find_quotes(text, &paras);
        let mut quote_of = vec![None; toks.len()];
        let mut quotes = Vec::with_capacity(qspans.len());
        let mut ti = 0;
        for q in qspans {
            while ti < toks.len() && toks[ti].span.start < q.start {
                ti += 1;
            }
            let first = ti;
            let mut j = ti;
            let mut words = 0;
            let mut caps = 0;
            while j < toks.len() && toks[j].span.end <= q.end {
                quote_of[j] = Some(quotes.len() as u32);
                if toks[j].is_word() {
                    words += 1;
                    let w = toks[j].text(text);
                    if w.chars().next().is_some_and(|c| c.is_uppercase())
                        || matches!(w, "of" | "the" | "a" | "and" | "in" | "on" | "to" | "for")
                    {
                        caps += 1;
                    }
                }
                j += 1;
            }
            if j == first {
                continue;
            }
            let inner = text[q.range()]
                .trim_matches(|c: char| is_open_mark(c) || matches!(c, '”' | '’' | '»' | '\''));
            let ends_punct = inner.ends_with(['.', ',', '?', '!', ':', ';']);
            let title_like = words > 0
                && words <= 6
                && caps == words
                && !ends_punct
                && words >= 1
                && inner.chars().next().is_some_and(|c| c.is_uppercase());
            quotes.push(QuoteRec {
                span: q,
                first,
                last: j - 1,
                words,
                title_like,
                used: false,
            });
        }
        let prefix = |f: &dyn Fn(usize) -> bool| -> Vec<u32> {
            let mut v = Vec::with_capacity(toks.len() + 1);
            let mut n = 0u32;
            v.push(0);
            for k in 0..toks.len() {
                n += u32::from(f(k));
                v.push(n);
            }
            v
        };
        let quoted_before = prefix(&|k| quote_of[k].is_some());
        let listed_before = prefix(&|k| verb_class(&lower[k]).is_some());
        Doc {
            text,
            toks,
            lower,
            para,
            sents,
            quote_of,
            quoted_before,
            listed_before,
            quotes,
            cues: None,
        }
    }

    /// Quoted tokens in `lo..hi`.
    pub(crate) fn quoted_in(&self, lo: usize, hi: usize) -> usize {
        (self.quoted_before[hi] - self.quoted_before[lo]) as usize
    }

    /// Tokens of the cue-verb list in `lo..hi`.
    pub(crate) fn listed_in(&self, lo: usize, hi: usize) -> usize {
        (self.listed_before[hi] - self.listed_before[lo]) as usize
    }

    /// Token range `[lo, hi)` of the sentence holding token `i`.
    pub(crate) fn sentence_of(&self, i: usize) -> (usize, usize) {
        let k = self.sents.partition_point(|&(_, b)| b <= i);
        self.sents.get(k).copied().unwrap_or((0, self.toks.len()))
    }

    /// Token indices `[a, b)` of the tokens inside `span`.
    pub(crate) fn tok_range(&self, span: Span) -> (usize, usize) {
        let a = self.toks.partition_point(|t| t.span.start < span.start);
        let b = self.toks.partition_point(|t| t.span.end <= span.end);
        (a, b)
    }

    pub(crate) fn t(&self, i: usize) -> &str {
        self.toks[i].text(self.text)
    }

    pub(crate) fn w(&self, i: usize) -> &str {
        &self.lower[i]
    }

    pub(crate) fn is_punct(&self, i: usize) -> bool {
        self.toks[i].kind == TokenKind::Punct
    }

    pub(crate) fn is_cap(&self, i: usize) -> bool {
        self.t(i).chars().next().is_some_and(|c| c.is_uppercase())
    }

    fn span(&self, a: usize, b: usize) -> Span {
        Span::new(self.toks[a].span.start, self.toks[b].span.end)
    }

    fn is_close_quote(&self, i: usize) -> bool {
        matches!(self.t(i), "”" | "\"" | "’" | "»" | "'") && self.quote_of[i].is_some()
    }

    /// The noun phrase ending at token `end`, not reaching left of `lo`.
    fn np_left(&self, end: usize, lo: usize) -> Option<(usize, usize)> {
        if end < lo || self.quote_of[end].is_some() {
            return None;
        }
        let w0 = self.w(end);
        if self.is_punct(end) && w0 != ")" {
            return None;
        }
        if is_pronoun(w0) {
            return Some((end, end));
        }
        if is_np_stop(w0) || is_determiner(w0) {
            return None;
        }
        let mut start = end;
        let mut i = end as isize;
        while i >= lo as isize {
            let u = i as usize;
            if end - u > 12 {
                break;
            }
            if self.quote_of[u].is_some() {
                break;
            }
            if self.is_punct(u) {
                match self.t(u) {
                    "." if u > lo && is_dotted_word(self.t(u - 1)) => {
                        start = u;
                        i -= 1;
                        continue;
                    }
                    ")" => {
                        let mut k = u;
                        while k > lo && self.t(k) != "(" && u - k < 8 {
                            k -= 1;
                        }
                        if self.t(k) == "(" && k > lo {
                            start = k;
                            i = k as isize - 1;
                            continue;
                        }
                        break;
                    }
                    _ => break,
                }
            }
            let w = self.w(u);
            if u != end && is_pronoun(w) && w != "one" {
                break;
            }
            if is_determiner(w) && !matches!(w, "of" | "new") {
                start = u;
                break;
            }
            if is_np_stop(w) {
                let prep_ok = matches!(w, "of" | "for" | "at" | "and")
                    && u > lo
                    && u < end
                    && (self.is_cap(u - 1) || is_title_word(self.w(u - 1)))
                    && !self.is_punct(u - 1)
                    && (w != "and" || self.is_cap(u + 1));
                if !prep_ok {
                    break;
                }
            }
            if !self.is_cap(u)
                && u < end
                && self.is_cap(u + 1)
                && !is_title_word(w)
                && !self.is_punct(u + 1)
            {
                break;
            }
            if self.toks[u].kind == TokenKind::Number && u == end {
                return None;
            }
            start = u;
            i -= 1;
        }
        while start < end && matches!(self.w(start), "of" | "for" | "at" | "and") {
            start += 1;
        }
        // Strip a leading "the/a" only if the phrase is nothing else.
        if start == end && is_determiner(self.w(start)) {
            return None;
        }
        Some((start, end))
    }

    /// The noun phrase starting at token `start`, not reaching beyond `hi`
    /// (exclusive): "said Kuleba", "said the Ukrainian minister".
    fn np_right(&self, start: usize, hi: usize) -> Option<(usize, usize)> {
        if start >= hi || self.quote_of[start].is_some() || self.is_punct(start) {
            return None;
        }
        let w0 = self.w(start);
        if is_pronoun(w0) && w0 != "which" && w0 != "who" {
            return Some((start, start));
        }
        if is_np_stop(w0) && !matches!(w0, "the") {
            return None;
        }
        let mut end = start;
        let mut i = start;
        let mut seen_word = false;
        while i < hi && i - start < 10 {
            if self.quote_of[i].is_some() {
                break;
            }
            if self.is_punct(i) {
                if self.t(i) == "." && i > start && is_dotted_word(self.t(i - 1)) && i + 1 < hi {
                    end = i;
                    i += 1;
                    continue;
                }
                if self.t(i) == "(" {
                    let mut k = i;
                    while k + 1 < hi && self.t(k) != ")" && k - i < 8 {
                        k += 1;
                    }
                    if self.t(k) == ")" {
                        end = k;
                        i = k + 1;
                        continue;
                    }
                }
                break;
            }
            let w = self.w(i);
            if i > start && (is_np_stop(w) && !matches!(w, "of" | "at" | "for")) {
                break;
            }
            if i > start && verb_class(w).is_some() && !self.is_cap(i) {
                break;
            }
            seen_word = true;
            end = i;
            i += 1;
        }
        while end > start && matches!(self.w(end), "of" | "at" | "for" | "the" | "a") {
            end -= 1;
        }
        seen_word.then_some((start, end))
    }

    /// A speech verb capitalised inside a headline written in title case:
    /// "Chris Christie Says He Would Issue A Quarantine", "…, Trevor Noah
    /// Says."
    fn is_headline_verb(&self, i: usize, lo: usize, hi: usize) -> bool {
        if i == lo || !self.is_cap(i) || self.quote_of[i].is_some() {
            return false;
        }
        // Verbs that are no nouns in a headline ("Phone Calls Rise" is no
        // speech).
        if !matches!(
            self.w(i),
            "says"
                | "said"
                | "tells"
                | "told"
                | "warns"
                | "insists"
                | "admits"
                | "denies"
                | "vows"
                | "urges"
                | "argues"
                | "asks"
        ) {
            return false;
        }
        let (mut words, mut caps) = (0, 0);
        for k in lo..hi {
            if self.is_punct(k) || self.toks[k].kind == TokenKind::Number {
                continue;
            }
            let w = self.w(k);
            if matches!(
                w,
                "a" | "an" | "the" | "of" | "to" | "in" | "on" | "and" | "for" | "at" | "by"
            ) {
                continue;
            }
            words += 1;
            caps += usize::from(self.is_cap(k));
        }
        words >= 4 && caps * 10 >= words * 8
    }

    /// "wrote on his blog", "posted in an email that": a writing verb and
    /// the place of publication, right after a quotation or before "that"
    /// or a colon.
    fn is_publication_cue(&self, i: usize, lo: usize, hi: usize) -> bool {
        if !matches!(self.w(i), "wrote" | "posted") || i + 1 >= hi {
            return false;
        }
        if !matches!(self.w(i + 1), "in" | "on") {
            return false;
        }
        let after_quote = lo > 0
            && (self.quote_of[lo - 1].is_some()
                || (lo > 1 && self.t(lo - 1) == "," && self.quote_of[lo - 2].is_some()));
        let clause_follows =
            (i + 2..hi.min(i + 12)).any(|j| self.w(j) == "that" || self.t(j) == ":");
        after_quote || clause_follows
    }

    /// "wrote to her followers that …", "wrote to his 20,000 followers,
    /// “…”", "replied on Twitter: …": after the phrase that follows the
    /// verb, within a few words, comes what was said.
    /// A possessive or a noun of saying in that phrase makes a "that" the
    /// noun's ("responded to Ukraine's accusation that Russia bombed …"
    /// is no quotation of the responder).
    fn says_what_after(&self, i: usize, hi: usize) -> bool {
        for j in i + 2..hi.min(i + 10) {
            let t = self.t(j);
            if ends_possessive(t) || DOCUMENTS.contains(&self.w(j)) {
                return false;
            }
            if matches!(
                self.w(j),
                "accusation"
                    | "accusations"
                    | "claim"
                    | "claims"
                    | "charge"
                    | "charges"
                    | "allegation"
                    | "allegations"
                    | "suggestion"
                    | "idea"
                    | "notion"
                    | "news"
                    | "fact"
                    | "view"
                    | "argument"
                    | "assertion"
            ) {
                return false;
            }
            if self.w(j) == "that"
                || t == ":"
                || (t == "," && j + 1 < hi && self.quote_of[j + 1].is_some())
            {
                return true;
            }
        }
        false
    }

    /// True when token `i` is a cue verb used as one.
    fn cue_class(&self, i: usize, lo: usize, hi: usize) -> Option<VerbClass> {
        // "Said Comey, “…”": an inverted cue opening the sentence.
        let opening_said = i == lo
            && matches!(self.w(i), "said" | "says" | "added" | "adds")
            && i + 1 < hi
            && self.is_cap(i + 1)
            && self.quote_of[i].is_none();
        if !is_candidate(self, i) && !self.is_headline_verb(i, lo, hi) && !opening_said {
            return None;
        }
        let w = self.w(i);
        let class = match verb_class(w) {
            Some(c) => c,
            None if can_head(self, i) && self.cues.is_some_and(|m| m.accepts(self, i, lo, hi)) => {
                VerbClass::Speech
            }
            None => return None,
        };
        let prev = if i > lo { Some(self.w(i - 1)) } else { None };
        let next = if i + 1 < hi {
            Some(self.w(i + 1))
        } else {
            None
        };
        if let Some(p) = prev {
            if is_determiner(p) && p != "that" {
                return None;
            }
            // "for added security", "in pledged delegates": a participle
            // after a preposition modifies a noun.
            if w.ends_with("ed")
                && matches!(
                    p,
                    "for" | "in" | "of" | "with" | "on" | "from" | "about" | "into" | "at"
                )
            {
                return None;
            }
            let pt = self.t(i - 1);
            if ends_possessive(pt) || pt.ends_with("s'") {
                return None;
            }
        }
        // "Carson appeared on Sunday shows": a place, not a seeming (3
        // cues among 39 such phrases in PolNeAR train).
        if matches!(
            w,
            "appear" | "appears" | "appeared" | "seem" | "seems" | "seemed"
        ) && next.is_some_and(|n| {
            matches!(
                n,
                "on" | "at" | "in" | "with" | "before" | "alongside" | "onstage"
            )
        }) {
            return None;
        }
        match w {
            "said" => {
                if next == Some("to") && i + 2 < hi && matches!(self.w(i + 2), "be" | "have") {
                    return None;
                }
                if matches!(
                    prev,
                    Some("that" | "having" | "been" | "being" | "is" | "was")
                ) && next.is_none_or(|n| n == ",")
                {
                    return None;
                }
                if next == Some("than") {
                    return None;
                }
            }
            "say" | "tell" | "claim" | "argue" | "insist" | "think" | "believe" | "know"
            | "hope" | "fear" | "expect" | "worry" | "doubt" | "predict" | "suspect" | "show"
            | "acknowledge" => {
                if matches!(prev, Some("to" | "let" | "let's" | "'d" | "you" | "i"))
                    && matches!(w, "say" | "tell" | "show" | "know")
                {
                    return None;
                }
                if prev == Some(",") && next == Some(",") {
                    return None;
                }
                if matches!(prev, Some("to")) {
                    return None;
                }
            }
            "told" => {
                if matches!(prev, Some("all" | "was" | "were" | "been" | "being" | "be")) {
                    return None;
                }
            }
            _ => {}
        }
        if matches!(
            w,
            "agreed"
                | "agrees"
                | "continued"
                | "responded"
                | "replied"
                | "answered"
                | "admitted"
                | "posted"
                | "cited"
                | "wrote"
                | "mentioned"
                | "charged"
                | "indicated"
        ) && matches!(next, Some("to" | "with" | "on" | "in" | "up" | "off"))
            && !self.is_publication_cue(i, lo, hi)
            && !self.says_what_after(i, hi)
        {
            return None;
        }
        match class {
            VerbClass::Belief => {
                let clause = matches!(next, Some(n) if n == "that" || is_pronoun(n) || is_determiner(n))
                    || (i + 1 < hi && self.is_cap(i + 1));
                if !clause {
                    return None;
                }
            }
            VerbClass::Naming => {
                let ok = match next {
                    Some(n) => {
                        matches!(
                            n,
                            "for"
                                | "on"
                                | "him"
                                | "her"
                                | "them"
                                | "it"
                                | "himself"
                                | "herself"
                                | "themselves"
                                | "itself"
                                | "this"
                                | "that"
                                | "by"
                                | "as"
                                | "his"
                                | "their"
                                | "the"
                                | "trump"
                                | "clinton"
                        ) || (i + 1 < hi && (self.quote_of[i + 1].is_some() || self.is_cap(i + 1)))
                    }
                    None => false,
                };
                if !ok {
                    return None;
                }
            }
            _ => {}
        }
        Some(class)
    }
}

/// Extracts attributions, scare quotes and citations from `text`.
///
/// Pure and deterministic; spans are byte ranges of `text`.
pub fn extract(text: &str, opts: &Options) -> Analysis {
    let mut doc = Doc::new(text);
    doc.cues = (!opts.cues.is_empty()).then_some(opts.cues);
    let mut raws: Vec<Raw> = Vec::new();
    let mut used = vec![false; doc.toks.len()];
    direct_after(&mut doc, &mut raws, &mut used);
    for si in 0..doc.sents.len() {
        // "In a Times/CBS News survey released Thursday, 79 percent …":
        // the poll's phrase is no one's cue but "in".
        poll_in(&doc, si, &mut raws, &mut used, true);
        asked_opener(&doc, si, &mut raws, &mut used);
        reported(&mut doc, si, &mut raws, &mut used);
        colon_lead(&doc, si, &mut raws, &mut used);
        poll_in(&doc, si, &mut raws, &mut used, false);
    }
    leftover_quotes(&mut doc, &mut raws, opts);
    raws.sort_by_key(|r| (r.parts[0].start, r.cue.map(|c| c.start)));
    let scare: Vec<Span> = doc
        .quotes
        .iter()
        .filter(|q| !q.used || q.title_like)
        .filter(|q| {
            q.title_like
                || !raws
                    .iter()
                    .any(|r| r.parts.iter().any(|p| p.contains(q.span)))
        })
        .map(|q| q.span)
        .collect();
    let (mut attributions, mut citations) = resolve(&doc, raws, opts);
    for a in &mut attributions {
        crate::extent::widen(&doc, a);
        let before = (a.cue, a.content);
        crate::extent::absorb_cue_particles(&doc, a);
        // A citation made by this attribution keeps the same cue and
        // content as it.
        if (a.cue, a.content) != before {
            for c in citations
                .iter_mut()
                .filter(|c| (c.cue, c.content) == before)
            {
                (c.cue, c.content) = (a.cue, a.content);
            }
        }
    }
    Analysis {
        attributions,
        scare_quotes: scare,
        citations,
    }
}

/// An adverb in "-ly" between a subject and its verb ("has sometimes
/// acknowledged", "quickly accused"), not a noun in "-ly".
fn is_manner_adverb(w: &str) -> bool {
    w.len() > 4
        && w.ends_with("ly")
        && !matches!(
            w,
            "family"
                | "assembly"
                | "rally"
                | "supply"
                | "italy"
                | "anomaly"
                | "monopoly"
                | "homily"
                | "bully"
                | "reply"
                | "ally"
                | "july"
        )
}

/// The subject that opens the clause of token `c`: a name or pronoun at
/// the sentence start, after a leading connective ("But", "Still,").
fn sentence_subject(doc: &Doc, lo: usize, c: usize) -> Option<(usize, usize)> {
    let mut k = lo;
    // A dateline: "Washington (AFP) – Mayor Ilse Varga has …".
    if let Some(d) = (lo + 1..c.min(lo + 9)).find(|&j| matches!(doc.t(j), "-" | "–" | "—")) {
        let place = (lo..d).all(|j| {
            doc.is_cap(j) || matches!(doc.t(j), "(" | ")" | "," | ".") || doc.t(j).ends_with('.')
        });
        if place && doc.is_cap(lo) {
            k = d + 1;
        }
    }
    while k < c
        && (matches!(doc.w(k), "but" | "and" | "so" | "still" | "yet" | "then") || doc.t(k) == ",")
    {
        k += 1;
    }
    if k >= c || doc.quote_of[k].is_some() || doc.is_punct(k) {
        return None;
    }
    // "In Columbia, Sanders stepped up …, saying": an opening phrase
    // before the subject is skipped up to its comma.
    if is_clause_opener(doc.w(k)) {
        let comma = (k + 1..c).find(|&j| doc.t(j) == ",")?;
        return sentence_subject(doc, comma + 1, c);
    }
    let w = doc.w(k);
    if is_pronoun(w) {
        let personal = matches!(w, "he" | "she" | "they" | "we" | "i");
        return personal.then_some((k, k));
    }
    // "The retired neurosurgeon …": an article, then up to three words
    // before the first word that reads as a verb.
    if matches!(w, "the" | "a" | "an") {
        let mut b = k;
        while b + 1 < c
            && b - k < 3
            && !doc.is_punct(b + 1)
            && doc.quote_of[b + 1].is_none()
            && !is_aux(doc.w(b + 1))
            && verb_class(doc.w(b + 1)).is_none()
            && !(b > k && (doc.w(b + 1).ends_with("ed") || doc.w(b + 1).ends_with("ing")))
        {
            b += 1;
        }
        return (b > k).then_some((k, b));
    }
    // A name: capitalised words, inner "of", abbreviation dots and
    // initials, titles ("The Velmar Courier", "Mr. Trump", "Bank of Tarno",
    // "Democratic presidential candidate Sen. Bernie Sanders").
    if !doc.is_cap(k) {
        return None;
    }
    let mut b = k;
    while b + 1 < c {
        let n = b + 1;
        let title_run = !doc.is_cap(n)
            && !doc.is_punct(n)
            && (is_title_word(doc.w(n)) && !is_determiner(doc.w(n))
                || (n + 1 < c && is_title_word(doc.w(n + 1)) && !is_determiner(doc.w(n + 1))))
            && (n + 1..(n + 3).min(c)).any(|j| doc.is_cap(j));
        let joins = (doc.is_cap(n) && !doc.is_punct(n))
            || (doc.t(n) == "." && is_dotted_word(doc.t(b)))
            || (doc.w(n) == "of" && n + 1 < c && doc.is_cap(n + 1))
            || title_run;
        if !joins {
            break;
        }
        b = n;
    }
    let verb_next = b + 1 < c && !doc.is_punct(b + 1) && !doc.is_cap(b + 1);
    // "Weber, who advises Kasich, is no fan of Trump but lauded": a
    // relative clause or appositive after the subject.
    let relative = b + 2 < c && doc.t(b + 1) == "," && matches!(doc.w(b + 2), "who" | "a" | "an");
    (verb_next || relative).then_some((k, b))
}

/// A word opening a phrase before a clause's subject: "In Columbia,",
/// "When asked,", "Here in Iowa,".
fn is_clause_opener(w: &str) -> bool {
    matches!(
        w,
        "in" | "inside"
            | "here"
            | "there"
            | "when"
            | "while"
            | "just"
            | "after"
            | "before"
            | "on"
            | "at"
            | "during"
            | "with"
            | "as"
            | "since"
            | "although"
            | "though"
            | "if"
            | "because"
            | "despite"
            | "for"
            | "from"
            | "by"
            | "over"
            | "under"
            | "earlier"
            | "later"
            | "last"
            | "meanwhile"
            | "instead"
            | "however"
            | "now"
            | "today"
            | "yesterday"
    )
}

/// The subject of a finding verb at `c` headed by a document word a few
/// tokens back in the clause ("Exit polls taken in South Carolina found",
/// "A Quinnipiac University poll this month found").
fn document_subject(doc: &Doc, lo: usize, c: usize) -> Option<(usize, usize)> {
    let from = c.saturating_sub(14).max(lo);
    let d = (from..c)
        .rev()
        .find(|&k| DOCUMENTS.contains(&doc.w(k)) && doc.quote_of[k].is_none())?;
    if (d + 1..c).any(|k| doc.is_punct(k) || verb_class(doc.w(k)).is_some()) {
        return None;
    }
    let (a, _) = doc.np_left(d, lo)?;
    Some((a, c - 1))
}

/// The first token of the words that lead into a quotation opening at
/// token `first` in the middle of its sentence ("The new plans “will not
/// …”"): unquoted, untaken words with no cue verb, not after a colon.
fn lead_in(doc: &Doc, first: usize, used: &[bool]) -> Option<usize> {
    let (lo, hi) = doc.sentence_of(first);
    if lo >= first || first >= hi || doc.para[lo] != doc.para[first] {
        return None;
    }
    let words = (lo..first).filter(|&j| !doc.is_punct(j)).count();
    let clean = doc.quoted_in(lo, first) == 0
        && doc.listed_in(lo, first) == 0
        && !used[lo..first].iter().any(|&u| u)
        && !matches!(doc.t(first - 1), ":" | "," | ";" | "(" | "—" | "–");
    (clean && (1..=20).contains(&words)).then_some(lo)
}

/// A quotation that is a whole sentence of its own right after token
/// `last` in the same paragraph, ending in . ? or ! and followed by no cue:
/// the continuation of the words just attributed.
fn next_quoted_sentence(doc: &Doc, last: usize) -> Option<usize> {
    let mut k = last + 1;
    while k < doc.toks.len() && doc.is_punct(k) && doc.quote_of[k].is_none() {
        k += 1;
    }
    if k >= doc.toks.len() || doc.para[k] != doc.para[last] {
        return None;
    }
    let q = doc.quote_of[k]? as usize;
    let rec = &doc.quotes[q];
    if rec.first != k || rec.used || rec.title_like {
        return None;
    }
    let inner = doc.text[rec.span.range()]
        .trim_end_matches(['”', '"', '’', '\'', '»'])
        .trim_end();
    if !inner.ends_with(['.', '?', '!']) {
        return None;
    }
    let after = rec.last + 1;
    let own_cue = after < doc.toks.len()
        && doc.para[after] == doc.para[rec.last]
        && (after..(after + 4).min(doc.toks.len()))
            .any(|j| verb_class(doc.w(j)).is_some() || is_pronoun(doc.w(j)) && !doc.is_cap(j));
    (!own_cue).then_some(q)
}

/// A subject opening at `k` with an appositive set off by commas before
/// the cue at `c`: "Jared Bernstein, a former adviser in the Obama White
/// House, wrote".
fn subject_with_appositive(doc: &Doc, k: usize, c: usize) -> Option<(usize, usize)> {
    if c < k + 4 || doc.t(c - 1) != "," || !doc.is_cap(k) {
        return None;
    }
    let comma = (k + 1..c - 1).find(|&j| doc.t(j) == ",")?;
    let (a, _) = doc.np_left(comma - 1, k)?;
    (a == k && (k..c).all(|j| doc.quote_of[j].is_none())).then_some((k, c - 1))
}

/// True when the comma at `k` (after a cue at `c`, in the sentence from
/// `lo`) is followed by an opening quotation and no quotation stands
/// before the cue: the quotation is the cue's content.
fn quote_opens_after_comma(doc: &Doc, k: usize, lo: usize, c: usize) -> bool {
    let Some(q) = doc.quote_of.get(k + 1).copied().flatten() else {
        return false;
    };
    doc.quotes[q as usize].first == k + 1
        && !doc.quotes[q as usize].used
        && doc.quoted_in(lo, c) == 0
}

/// A place or time adverb that may stand between a subject and its cue
/// ("officials here said", "the ministry today said").
fn is_place_or_time_adverb(w: &str) -> bool {
    matches!(
        w,
        "here"
            | "there"
            | "today"
            | "yesterday"
            | "tonight"
            | "now"
            | "again"
            | "too"
            | "alone"
            | "later"
            | "earlier"
    ) || WEEKDAYS.contains(&w)
}

/// Skips auxiliaries and adverbs left of a verb; returns the cue's first
/// token.
fn cue_start(doc: &Doc, v: usize, lo: usize) -> usize {
    let mut c = v;
    while c > lo
        && (is_aux(doc.w(c - 1)) || (is_manner_adverb(doc.w(c - 1)) && !doc.is_cap(c - 1)))
        && doc.quote_of[c - 1].is_none()
    {
        // "that he also said": keep pronoun subjects outside.
        c -= 1;
    }
    c
}

/// Direct quotes followed by their cue: “…,” he said / “…,” said Kuleba.
fn direct_after(doc: &mut Doc, raws: &mut Vec<Raw>, used: &mut [bool]) {
    let n = doc.toks.len();
    for qi in 0..doc.quotes.len() {
        if doc.quotes[qi].used {
            continue;
        }
        let q = doc.quotes[qi].clone();
        let inner_end = doc.text[q.span.range()]
            .trim_end_matches(['”', '"', '’', '\'', '»'])
            .trim_end();
        let open_end = inner_end.ends_with([',', '?', '!', '—', '-', '–']);
        let mut k = q.last + 1;
        if k >= n || doc.para[k] != doc.para[q.last] {
            continue;
        }
        let comma_after = doc.t(k) == ",";
        if comma_after {
            k += 1;
        }
        if !(open_end || comma_after) {
            continue;
        }
        // Find a cue verb within a few tokens, same paragraph.
        let mut hi = k;
        while hi < n && hi - k < 30 && doc.para[hi] == doc.para[q.last] {
            let t = doc.t(hi);
            // "said Gov. Phil Bryant": a title's dot ends nothing.
            let title_dot = t == "." && hi > k && is_dotted_word(doc.t(hi - 1));
            if matches!(t, "." | "?" | "!" | ";") && doc.quote_of[hi].is_none() && !title_dot {
                break;
            }
            if doc.quote_of[hi].is_some() {
                break;
            }
            hi += 1;
        }
        let mut found = None;
        #[allow(clippy::needless_range_loop)]
        for v in k..hi {
            if used[v] {
                continue;
            }
            if let Some(class) = doc.cue_class(v, k, hi) {
                if matches!(class, VerbClass::Finding) {
                    continue;
                }
                found = Some(v);
                break;
            }
        }
        let Some(v) = found else { continue };
        let c = cue_start(doc, v, k);
        let source = if c == k {
            // "said Kuleba"
            doc.np_right(v + 1, hi)
        } else {
            match doc.np_left(c - 1, k) {
                Some((a, b)) if a == k => Some((a, b)),
                _ => subject_with_appositive(doc, k, c),
            }
        };
        // Far cues only with a subject right after the quote: "“…,” Jared
        // Bernstein, a former adviser in the White House, wrote".
        if v - k >= 12 && source.is_none_or(|(a, _)| a != k) {
            continue;
        }
        if c != k && source.is_none() {
            continue;
        }
        for u in used.iter_mut().take(v + 1).skip(c) {
            *u = true;
        }
        // “The new plans “will not solve this,” X said: the words before a
        // quotation opening mid-sentence belong to the content.
        let lead = lead_in(doc, q.first, used);
        let mut kind = AttributionKind::Direct;
        let mut parts = match lead {
            Some(lo) => {
                kind = AttributionKind::Mixed;
                vec![Span::new(doc.toks[lo].span.start, q.span.end)]
            }
            None => vec![q.span],
        };
        doc.quotes[qi].used = true;
        // “…,” X said, “…”: a second part right after the cue.
        let mut after = source.map(|(_, b)| b.max(v)).unwrap_or(v) + 1;
        if after < n && doc.t(after) == "," {
            after += 1;
        }
        let mut last = after.saturating_sub(1).max(v);
        if after < n && doc.para[after] == doc.para[q.last] {
            if let Some(q2) = doc.quote_of[after] {
                let q2 = q2 as usize;
                if doc.quotes[q2].first == after && !doc.quotes[q2].used {
                    doc.quotes[q2].used = true;
                    parts.push(doc.quotes[q2].span);
                    last = doc.quotes[q2].last;
                }
            }
        }
        // “…,” he said. “They see that.”: whole quoted sentences right
        // after the cue's sentence, with no cue of their own.
        while let Some(q3) = next_quoted_sentence(doc, last) {
            doc.quotes[q3].used = true;
            parts.push(doc.quotes[q3].span);
            last = doc.quotes[q3].last;
        }
        let told = told_object(doc, v, hi);
        raws.push(Raw {
            parts,
            cue: Some(doc.span(c, v)),
            source: source.map(|(a, b)| doc.span(a, b)),
            kind,
            carried: false,
            told,
        });
    }
}

/// The object of "told X" when it is a capitalised name (an outlet).
fn told_object(doc: &Doc, v: usize, hi: usize) -> Option<Span> {
    if !matches!(verb_class(doc.w(v)), Some(VerbClass::Tell)) {
        return None;
    }
    let mut i = v + 1;
    // "told the Velmar Courier"
    if i + 1 < hi && doc.w(i) == "the" && doc.is_cap(i + 1) {
        i += 1;
    }
    let start = i;
    while i < hi && i < doc.toks.len() && (doc.is_cap(i) || (i > start && matches!(doc.w(i), "of")))
    {
        i += 1;
    }
    (i > start).then(|| doc.span(start, i - 1))
}

/// Words of a time phrase after a cue ("said on Tuesday", "said last
/// night", "said earlier this week").
fn is_time_word(w: &str) -> bool {
    is_place_or_time_adverb(w)
        || matches!(
            w,
            "on" | "last"
                | "this"
                | "next"
                | "week"
                | "weekend"
                | "month"
                | "year"
                | "night"
                | "morning"
                | "afternoon"
                | "evening"
                | "in"
                | "a"
                | "an"
                | "the"
                | "statement"
                | "interview"
                | "recently"
                | "previously"
                | "repeatedly"
        )
}

/// Words naming a poll or study, for "… in a CNN national poll".
const POLLS: &[&str] = &["poll", "polls", "survey", "surveys", "study"];

/// A finding reported "in" a poll: "Clinton held a 24-point lead among
/// black voters in a CNN national poll", "In a Times/CBS News survey
/// released last Thursday, 39 percent viewed him favorably". The cue is
/// "in", the source the poll's phrase, the content the rest of the
/// clause. Only in sentences where nothing else was taken as a cue; with
/// `leading`, only the sentence-initial form, which goes first.
fn poll_in(doc: &Doc, si: usize, raws: &mut Vec<Raw>, used: &mut [bool], leading: bool) {
    let (lo, hi) = doc.sents[si];
    if hi <= lo + 5 || used[lo..hi].iter().any(|&u| u) || doc.quoted_in(lo, hi) > 0 {
        return;
    }
    let mut end = hi - 1;
    while end > lo && doc.is_punct(end) {
        end -= 1;
    }
    let last_start = if leading { lo + 1 } else { end };
    for i in lo..last_start {
        if doc.w(i) != "in" {
            continue;
        }
        let Some(p) = (i + 1..(i + 9).min(end + 1))
            .take_while(|&k| !matches!(doc.t(k), "," | ";" | ":" | "." | "(" | "—"))
            .find(|&k| POLLS.contains(&doc.w(k)))
        else {
            continue;
        };
        // "In a … survey released last Thursday, X …": the poll's phrase
        // runs to its comma.
        let comma = (p + 1..(p + 7).min(end)).find(|&k| doc.t(k) == ",");
        // `phrase_end`: the poll's last word, or of what follows it up to
        // the comma ("released last Thursday"), which the source leaves out.
        let (content, phrase_end) = if i == lo && comma.is_some_and(|k| k + 1 < end) {
            let k = comma.unwrap_or(p);
            ((k + 1, end), k - 1)
        } else if leading {
            continue;
        } else if i > lo + 2 && (p == end || doc.t(p + 1) == ",") {
            // "X … in a … poll." / "X … in a … poll, compared to …"
            let mut b = i - 1;
            while b > lo && doc.is_punct(b) {
                b -= 1;
            }
            ((lo, b), p)
        } else {
            continue;
        };
        if content.1 < content.0 + 2 || (content.0..=content.1).any(|k| used[k]) {
            continue;
        }
        // The poll's words are no cue ("released", "conducted").
        for u in &mut used[i..=phrase_end] {
            *u = true;
        }
        raws.push(Raw {
            parts: vec![doc.span(content.0, content.1)],
            cue: Some(doc.span(i, i)),
            source: Some(doc.span(i + 1, p)),
            kind: AttributionKind::Reported,
            carried: false,
            told: None,
        });
        return;
    }
}

/// Labels that end in a colon without introducing anyone's words.
fn is_colon_label(w: &str) -> bool {
    matches!(
        w,
        "update"
            | "updated"
            | "note"
            | "related"
            | "photo"
            | "photos"
            | "video"
            | "read"
            | "watch"
            | "see"
            | "also"
            | "more"
            | "correction"
            | "editor"
            | "editors"
            | "disclosure"
            | "warning"
            | "subscribe"
            | "follow"
            | "contact"
            | "email"
            | "credit"
            | "image"
            | "listen"
            | "click"
            | "here"
            | "how"
            | "why"
            | "what"
            | "when"
            | "where"
            | "who"
            | "example"
            | "first"
            | "second"
            | "third"
            | "today"
            | "now"
    )
}

/// A sentence led by a short name and a colon: "Poll: Trump a turnoff for
/// Latino voters", "Mark Cuban: A businessman can run this country", "Q:
/// What did you find?". The name is the source, the colon the cue and the
/// rest of the sentence the content. Only when nothing else in the
/// sentence was taken as a cue, and never for labels ("Update:", "Watch:").
fn colon_lead(doc: &Doc, si: usize, raws: &mut Vec<Raw>, used: &mut [bool]) {
    let (lo, hi) = doc.sents[si];
    if hi <= lo + 4 || used[lo..hi].iter().any(|&u| u) {
        return;
    }
    let Some(k) = (lo + 1..hi.min(lo + 7)).find(|&k| doc.t(k) == ":") else {
        return;
    };
    if !doc.is_cap(lo) || doc.quote_of[lo].is_some() {
        return;
    }
    for i in lo..k {
        let w = doc.w(i);
        if doc.quote_of[i].is_some()
            || (doc.is_punct(i) && !matches!(w, "." | "'" | "’" | "-"))
            || doc.toks[i].kind == TokenKind::Number
            || verb_class(w).is_some()
            || is_colon_label(w)
            || (i > lo
                && !doc.is_cap(i)
                && !matches!(w, "of" | "the" | "and" | "for" | "'s" | "’s"))
        {
            return;
        }
    }
    let mut end = hi - 1;
    while end > k && doc.is_punct(end) && doc.quote_of[end].is_none() {
        end -= 1;
    }
    if end < k + 3 {
        return;
    }
    for u in used.iter_mut().take(k + 1).skip(lo) {
        *u = true;
    }
    let direct = doc.quote_of[k + 1].is_some() && doc.quote_of[end].is_some();
    raws.push(Raw {
        parts: vec![doc.span(k + 1, end)],
        cue: Some(doc.span(k, k)),
        source: Some(doc.span(lo, k - 1)),
        kind: if direct {
            AttributionKind::Direct
        } else {
            AttributionKind::Reported
        },
        carried: false,
        told: None,
    });
}

/// Reported speech and quotes introduced before them, in sentence `si`.
fn reported(doc: &mut Doc, si: usize, raws: &mut Vec<Raw>, used: &mut [bool]) {
    let (lo, hi) = doc.sents[si];
    // Candidate cues.
    struct Cand {
        c: usize,
        v: usize,
        class: Option<VerbClass>,
        according: bool,
        /// Found by the learned cue model, not the verb list.
        learned: bool,
    }
    let mut cands = Vec::new();
    let mut i = lo;
    while i < hi {
        if used[i] || doc.quote_of[i].is_some() {
            i += 1;
            continue;
        }
        if doc.w(i) == "according" && i + 1 < hi && doc.w(i + 1) == "to" {
            cands.push(Cand {
                c: i,
                v: i + 1,
                class: None,
                according: true,
                learned: false,
            });
            i += 2;
            continue;
        }
        let learned = verb_class(doc.w(i)).is_none();
        // A learned cue after a cue of the list is most often inside its
        // content ("He said that Lavrov did not commit to …"): left out,
        // so that it cannot become the speaker a pronoun resolves to.
        let nested = learned && cands.iter().any(|c: &Cand| !c.according);
        if let Some(class) = (!nested).then(|| doc.cue_class(i, lo, hi)).flatten() {
            let c = cue_start(doc, i, lo);
            // A learned cue takes the learned words after it: "disagrees
            // with", "continued to call for".
            let mut v = i;
            if learned {
                if let Some(m) = doc.cues {
                    while v + 1 < hi
                        && !used[v + 1]
                        && is_candidate(doc, v + 1)
                        && verb_class(doc.w(v + 1)).is_none()
                        && m.accepts(doc, v + 1, lo, hi)
                    {
                        v += 1;
                    }
                }
                // "went on to say", "was prompted to say": the listed verb
                // after the learned words ends the cue.
                if doc.w(v) == "to"
                    && v + 1 < hi
                    && !used[v + 1]
                    && matches!(
                        verb_class(doc.w(v + 1)),
                        Some(VerbClass::Speech | VerbClass::Tell)
                    )
                {
                    v += 1;
                }
            }
            cands.push(Cand {
                c,
                v,
                class: Some(class),
                according: false,
                learned,
            });
            i = v;
        }
        i += 1;
    }
    if cands.is_empty() {
        return;
    }
    // Sentence end, without a final full stop outside quotes.
    let mut end = hi - 1;
    while end > lo && doc.is_punct(end) && doc.quote_of[end].is_none() && doc.t(end) != ")" {
        end -= 1;
    }
    // Boundaries: a comma before an inverted cue or "according to" ends
    // the content of an earlier cue.
    let mut results: Vec<(usize, Raw)> = Vec::new();
    let mut prev_source: Option<Span> = None;
    let nc = cands.len();
    // Precompute left boundary of each cand for cutting.
    let mut cuts: Vec<Option<usize>> = vec![None; nc];
    for (ci, cd) in cands.iter().enumerate() {
        if cd.according {
            if cd.c > lo && doc.t(cd.c - 1) == "," {
                cuts[ci] = Some(cd.c - 1);
            } else if cd.c > lo && doc.is_close_quote(cd.c - 1) {
                cuts[ci] = Some(cd.c);
            }
            continue;
        }
        let w = doc.w(cd.v);
        if is_participle(w) && cd.c > lo && doc.t(cd.c - 1) == "," {
            cuts[ci] = Some(cd.c - 1);
            continue;
        }
        // ", X said." / ", X noted,"
        let after = cd.v + 1;
        let inverted_end = after > end || matches!(doc.t(after), "," | "." | ";" | "—" | "–");
        if inverted_end && cd.c > lo {
            if let Some((a, _)) = doc.np_left(cd.c - 1, lo) {
                if a > lo && doc.t(a - 1) == "," {
                    cuts[ci] = Some(a - 1);
                }
            } else if doc.t(cd.c - 1) == "," {
                cuts[ci] = Some(cd.c - 1);
            }
        } else if ci > 0 && cd.c > lo && doc.t(cd.c - 1) == "," {
            // "X, a fisherman who described himself as a voter, said …":
            // the comma before a later cue ends an earlier cue's content.
            cuts[ci] = Some(cd.c - 1);
        }
    }
    #[allow(clippy::needless_range_loop)]
    for ci in 0..nc {
        let cd = &cands[ci];
        let cut_after = (ci + 1..nc).filter_map(|k| cuts[k]).min();
        let fwd_end = cut_after
            .map(|c| c.saturating_sub(1))
            .unwrap_or(end)
            .min(end);
        if cd.according {
            // according to X
            let mut j = cd.v + 1;
            let s0 = j;
            while j < hi
                && j - s0 < 15
                && !(doc.is_punct(j)
                    && matches!(doc.t(j), "," | "." | ";" | "—" | "–" | ":" | "(")
                    && !(doc.t(j) == "." && j > s0 && is_dotted_word(doc.t(j - 1))))
            {
                j += 1;
            }
            if j == s0 {
                continue;
            }
            let src = doc.span(s0, j - 1);
            let content = if cd.c == lo || (cd.c == lo + 1 && doc.is_punct(lo)) {
                // According to X, content.
                let mut a = j;
                if a < hi && doc.t(a) == "," {
                    a += 1;
                }
                if a > fwd_end {
                    continue;
                }
                doc.span(a, fwd_end)
            } else {
                let mut b = cd.c - 1;
                while b > lo && doc.is_punct(b) && doc.quote_of[b].is_none() {
                    b -= 1;
                }
                if b < lo || (b == lo && doc.is_punct(b)) {
                    continue;
                }
                // Start after the previous "according" cut or sentence start.
                doc.span(lo, b)
            };
            used[cd.c] = true;
            used[cd.v] = true;
            results.push((
                cd.c,
                Raw {
                    parts: vec![content],
                    cue: Some(doc.span(cd.c, cd.v)),
                    source: Some(src),
                    kind: AttributionKind::According,
                    carried: false,
                    told: None,
                },
            ));
            continue;
        }
        let class = cd.class.unwrap();
        let (c, v) = (cd.c, cd.v);
        let w = doc.w(v).to_string();
        // Passive: "described by X as …".
        if v + 1 < hi && doc.w(v + 1) == "by" {
            let Some((a, b)) = doc.np_right(v + 2, hi) else {
                continue;
            };
            let mut k = b + 1;
            if k < hi && doc.w(k) == "as" {
                k += 1;
                if k < hi && doc.w(k) == "being" {
                    k += 1;
                }
            } else {
                continue;
            }
            if k > fwd_end {
                continue;
            }
            let content = doc.span(k, fwd_end);
            results.push((
                c,
                Raw {
                    parts: vec![content],
                    cue: Some(doc.span(c, v)),
                    source: Some(doc.span(a, b)),
                    kind: AttributionKind::Reported,
                    carried: false,
                    told: None,
                },
            ));
            used[v] = true;
            continue;
        }
        // Source.
        let mut source: Option<(usize, usize)> = None;
        let mut inverted_src = false;
        let left_punct = c > lo && doc.is_punct(c - 1) && doc.t(c - 1) != ")";
        if is_participle(&w) && (c == lo || left_punct) {
            // Participle: the subject of the main clause.
        } else if c > lo && !left_punct {
            source = doc.np_left(c - 1, lo);
            // "Her campaign workers here said": a place or time adverb
            // between the subject and the cue.
            // "Priebus later Thursday told": up to two such words.
            let mut j = c;
            // "Sen. Olga Marin (I-Vt.) on Saturday criticized": a weekday
            // after "on", "last", "this", "early" or "late".
            while source.is_none()
                && j > lo + 1
                && c - j < 3
                && (is_place_or_time_adverb(doc.w(j - 1))
                    || (j < c
                        && matches!(doc.w(j - 1), "on" | "last" | "this" | "early" | "late")
                        && is_place_or_time_adverb(doc.w(j))))
            {
                j -= 1;
                source = doc.np_left(j - 1, lo);
            }
        } else if c > lo && doc.t(c - 1) == "," {
            // "Lavrov, meanwhile, told": a parenthetical adverb.
            if c >= lo + 4
                && matches!(
                    doc.w(c - 2),
                    "meanwhile"
                        | "however"
                        | "too"
                        | "though"
                        | "also"
                        | "instead"
                        | "then"
                        | "separately"
                        | "later"
                        | "earlier"
                        | "moreover"
                        | "furthermore"
                )
                && doc.t(c - 3) == ","
            {
                source = doc.np_left(c - 4, lo);
            }
            // Appositive: "Peskov, Putin's spokesperson, has said".
            if source.is_some() {
            } else if let Some((a, b)) = doc.np_left(c.saturating_sub(2), lo) {
                if a > lo + 1 && doc.t(a - 1) == "," && !doc.is_cap(b) {
                    if let Some((n0, _)) = doc.np_left(a - 2, lo) {
                        if doc.is_cap(n0) {
                            source = Some((n0, c - 1));
                        }
                    }
                }
            }
            // A name and a longer appositive: "Luis Osuna, the president
            // of the lawyers association, said", "Sen. Ted Cruz (R-Texas),
            // also a GOP presidential hopeful, called". The source is the
            // whole subject, appositive included.
            // "Brianne Stone, 29, of Huntsville, Ala., says": the commas
            // are tried from the nearest, back to the subject's.
            if source.is_none() && c >= lo + 4 {
                let mut j = c - 2;
                while source.is_none() && j > lo + 1 && c - j < 25 {
                    while j > lo + 1 && c - j < 25 && doc.t(j) != "," && doc.quote_of[j].is_none() {
                        j -= 1;
                    }
                    if doc.t(j) != "," || doc.quote_of[j].is_some() {
                        break;
                    }
                    if let Some((n0, _)) = doc.np_left(j - 1, lo) {
                        let clause_start = n0 == lo
                            || doc.is_punct(n0 - 1)
                            || matches!(doc.w(n0 - 1), "but" | "and" | "while" | "as");
                        if (doc.is_cap(n0) || is_title_word(doc.w(n0))) && clause_start {
                            source = Some((n0, c - 1));
                        }
                    }
                    j -= 1;
                }
            }
            if source.is_none() && class != VerbClass::Tell {
                // ", said the minister." is inverted; ", said the plan is
                // …" is not: the phrase after the cue is then the
                // content's subject, and the source is the sentence's
                // subject with all its appositives ("Rich Heffley, a top
                // operative who …, said the absentee program is …").
                let right = doc.np_right(v + 1, hi);
                let ends_clause = |b: usize| {
                    b + 1 >= hi || matches!(doc.t(b + 1), "," | "." | ";" | ":" | ")" | "—" | "–")
                };
                if right.is_some_and(|(_, b)| ends_clause(b)) {
                    source = right;
                    inverted_src = true;
                } else if let Some((k, _)) = sentence_subject(doc, lo, c) {
                    source = (k + 1 < c - 1).then_some((k, c - 2));
                } else {
                    source = right;
                    inverted_src = source.is_some();
                }
            }
        } else if (c == lo || left_punct) && class != VerbClass::Tell {
            source = doc.np_right(v + 1, hi);
            inverted_src = source.is_some();
        }
        // "Sanders has sometimes acknowledged", "He soon learned": a
        // lone adverb or lowercase participle is no subject; the subject
        // is further left, past adverbs and auxiliaries.
        if let Some((a, b)) = source {
            if a < b && !inverted_src && is_not_a_subject(doc, b) && !is_not_a_subject(doc, a) {
                // "The harbour master soon learned": the adverb ends the
                // phrase; the subject is before it.
                let mut j = b;
                while j > a && is_not_a_subject(doc, j) {
                    j -= 1;
                }
                source = doc.np_left(j, lo);
            } else if a == b && !inverted_src && is_not_a_subject(doc, a) {
                let mut j = a;
                while j > lo && (is_not_a_subject(doc, j - 1) || is_aux(doc.w(j - 1))) {
                    j -= 1;
                }
                source = (j > lo).then(|| doc.np_left(j - 1, lo)).flatten();
            }
        }
        // "The candidate also continued to refute", "we'll be talking",
        // "some were reluctant to": a cue deep in its verb chain, whose
        // subject stands left of the chain.
        if source.is_none() && !inverted_src && c > lo && !is_participle(&w) {
            source = chain_subject(doc, lo, c);
        }
        if class == VerbClass::Finding {
            let has_document =
                |(a, b): (usize, usize)| (a..=b).any(|k| DOCUMENTS.contains(&doc.w(k)));
            if !source.is_some_and(has_document) && !inverted_src {
                // "Exit polls taken in South Carolina found": the document
                // heads a subject its modifiers hid from `np_left`.
                if let Some(s) = document_subject(doc, lo, c) {
                    source = Some(s);
                }
            }
            // "the researchers found that …": a finding stated as a clause.
            let clause = v + 1 < hi && doc.w(v + 1) == "that";
            let ok = source.is_some_and(has_document)
                || (clause && source.is_some_and(|(a, _)| !is_pronoun(doc.w(a)) || a < c));
            if !ok {
                continue;
            }
        }
        // "ProPublica obtained a video and said", "she told a crowd, then
        // referred to": a second predicate of the sentence's subject.
        if source.is_none()
            && c > lo
            && (matches!(doc.w(c - 1), "and" | "then" | "but")
                || (is_participle(&w) && prev_source.is_none()))
        {
            source = sentence_subject(doc, lo, c);
        }
        let mut src_span = source.map(|(a, b)| doc.span(a, b));
        if src_span.is_none() && is_participle(&w) {
            src_span = prev_source;
        }
        // "“…,” Anderson said, adding that …": the participle's speaker is
        // that of the nearest attribution before it in the sentence, found
        // by an earlier pass (a direct quotation).
        if src_span.is_none() && is_participle(&w) && c > lo && doc.t(c - 1) == "," {
            let (from, to) = (doc.toks[lo].span.start, doc.toks[c].span.start);
            src_span = raws
                .iter()
                .filter(|r| r.cue.is_some_and(|q| q.start >= from && q.end <= to))
                .max_by_key(|r| r.cue.map(|q| q.end))
                .and_then(|r| r.source);
        }
        // Content: forward or backward.
        let after_src = if inverted_src {
            source.map(|(_, b)| b + 1).unwrap_or(v + 1)
        } else {
            v + 1
        };
        let mut k = after_src;
        let mut told = None;
        if class == VerbClass::Tell && !inverted_src {
            // Skip the listener: up to "that" or a few words.
            let mut j = k;
            while j < hi && j - k < 7 && doc.w(j) != "that" && !doc.is_punct(j) {
                j += 1;
            }
            if j < hi && (doc.w(j) == "that" || doc.t(j) == ":") {
                // "told reporters that …", "told Fox News: “…”"
                told = told_object(doc, v, j);
                k = j;
            } else if k < hi && !doc.is_punct(k) {
                told = told_object(doc, v, hi);
                if let Some(t) = told {
                    while k < hi && doc.toks[k].span.end <= t.end {
                        k += 1;
                    }
                } else {
                    k += 1; // "reporters", "him"
                }
            }
        } else if !inverted_src
            && k < hi
            && matches!(doc.w(k), "in" | "on" | "at" | "during" | "to" | "with")
        {
            let mut j = k;
            let quote_after =
                |j: usize| doc.t(j) == "," && j + 1 < hi && doc.quote_of[j + 1].is_some();
            while j < hi
                && j - k < 8
                && doc.w(j) != "that"
                && !matches!(doc.t(j), "." | ":")
                && !quote_after(j)
            {
                j += 1;
            }
            if j < hi && (doc.w(j) == "that" || doc.t(j) == ":") {
                k = j;
            } else if j < hi && quote_after(j) {
                // "wrote to her followers, “…”"
                k = j + 1;
            }
        }
        if is_participle(&w)
            && k + 2 < hi
            && doc.t(k) == ","
            && matches!(doc.w(k + 1), "however" | "though" | "too" | "also")
            && doc.t(k + 2) == ","
        {
            k += 3;
        }
        while k < hi && matches!(doc.t(k), ":" | ",") && !inverted_src {
            // "said:" — but "said," means the content is to the left,
            // unless a quotation opens right after it with nothing quoted
            // before the cue ("Erdogan said, “Let …”").
            if doc.t(k) == "," && !quote_opens_after_comma(doc, k, lo, c) {
                break;
            }
            k += 1;
        }
        // "Manafort said — on Twitter, as it happens — that …": an aside
        // between dashes after the cue is skipped.
        if !inverted_src && k < hi && matches!(doc.t(k), "—" | "–") {
            if let Some(d) = (k + 1..hi.min(k + 16)).find(|&j| matches!(doc.t(j), "—" | "–")) {
                if d < fwd_end {
                    k = d + 1;
                }
            }
        }
        // "…, officials said Tuesday.": a time is not what was said.
        let only_time = (k..=fwd_end).all(|j| doc.is_punct(j) || is_time_word(doc.w(j)));
        let blocked = k > fwd_end
            || matches!(doc.t(k), "," | "." | ";" | "—" | "–" | ")")
            || (inverted_src && k > end)
            || only_time;
        let forward = !blocked;
        // Where the clause's subject (or, without one before the cue, the
        // cue) starts: the backward content and an "As X noted," opener
        // both end before it.
        let subject_start = match (source, inverted_src) {
            (Some((a, _)), false) => a,
            _ => c,
        };
        let content = if forward && !inverted_src {
            Some((k, fwd_end))
        } else {
            // Backward: sentence start up to the comma before the source/cue.
            let left = subject_start;
            let mut b = left;
            while b > lo && (doc.is_punct(b - 1) && !doc.is_close_quote(b - 1)) {
                b -= 1;
            }
            if b > lo && left > lo {
                let b = b - 1;
                // Start after an earlier cue's content region? Use sentence start.
                let start = lo;
                (b >= start).then_some((start, b))
            } else if inverted_src
                && k <= fwd_end
                && (!matches!(doc.t(k), "," | "." | ";")
                    || (doc.t(k) == "," && k < fwd_end && doc.quote_of[k + 1].is_some()))
            {
                // "Said Kuleba: …", "Said Comey, “…”": forward after the
                // source.
                let mut k2 = k;
                if matches!(doc.t(k2), ":" | ",") {
                    k2 += 1;
                }
                (k2 <= fwd_end).then_some((k2, fwd_end))
            } else {
                None
            }
        };
        // "As Clyburn noted, those voters will …": the words before the
        // source are only "as" (and a connective); the content is what
        // follows the comma after the cue.
        let as_clause = subject_start > lo
            && (lo..subject_start).all(|j| {
                doc.is_punct(j) || matches!(doc.w(j), "as" | "but" | "and" | "yet" | "so" | "just")
            })
            && (lo..subject_start).any(|j| doc.w(j) == "as");
        let content = if as_clause {
            (v + 1..(v + 9).min(fwd_end))
                .find(|&j| doc.t(j) == "," && doc.quote_of[j].is_none())
                .map(|j| (j + 1, fwd_end))
                .or(content)
        } else {
            content
        };
        let Some((ca, mut cb)) = content else {
            continue;
        };
        // "Trump is expected to visit …", "Manafort seemed to be …": a
        // raising verb or a passive cue names no source; its subject is
        // part of what is attributed, and the content runs from it, over
        // the cue, to the end ("Trump … to visit …" in PolNeAR's marking).
        let mut subject_part = None;
        if forward && !inverted_src && is_raising_cue(doc, c, v) {
            if let Some((a, b)) = source {
                subject_part = Some(doc.span(a, b));
                src_span = None;
            }
        }
        // A quote running past the sentence (or paragraph) end.
        if let Some(q) = doc.quote_of[cb] {
            cb = cb.max(doc.quotes[q as usize].last);
        }
        if cb < ca || (ca == cb && doc.is_punct(ca)) {
            continue;
        }
        if subject_part.is_none() {
            if src_span.is_none() && !is_participle(&w) && class != VerbClass::Speech {
                continue;
            }
            if src_span.is_none() && c == lo {
                continue;
            }
        }
        // Quotes inside the content.
        let mut has_quote = false;
        let mut all_quote = true;
        let mut k = ca;
        while k <= cb {
            match doc.quote_of[k] {
                Some(q) => {
                    let q = q as usize;
                    if !doc.quotes[q].title_like {
                        has_quote = true;
                    }
                    doc.quotes[q].used = true;
                    k = doc.quotes[q].last.max(k) + 1;
                }
                None => {
                    if !doc.is_punct(k) {
                        all_quote = false;
                    }
                    k += 1;
                }
            }
        }
        let kind = if has_quote && all_quote {
            AttributionKind::Direct
        } else if has_quote {
            AttributionKind::Mixed
        } else if cd.learned {
            AttributionKind::Stance
        } else {
            AttributionKind::Reported
        };
        for u in used.iter_mut().take(v + 1).skip(c) {
            *u = true;
        }
        if src_span.is_some() && !is_participle(&w) {
            prev_source = src_span;
        }
        let mut parts = vec![doc.span(ca, cb)];
        if let Some(sp) = subject_part {
            parts.insert(0, sp);
        }
        results.push((
            c,
            Raw {
                parts,
                cue: Some(doc.span(c, v)),
                source: src_span,
                kind,
                carried: false,
                told,
            },
        ));
    }
    raws.extend(results.into_iter().map(|(_, r)| r));
}

/// A word that can stand right before a cue but is never its subject:
/// adverbs of time and degree, lowercase "-ly" adverbs and participles
/// ("Italy", "Kelly" and "Beijing" are names).
fn is_not_a_subject(doc: &Doc, i: usize) -> bool {
    let w = doc.w(i);
    matches!(
        w,
        "sometimes"
            | "soon"
            | "well"
            | "more"
            | "less"
            | "also"
            | "still"
            | "often"
            | "never"
            | "always"
            | "already"
            | "just"
            | "even"
            | "now"
            | "then"
            | "once"
            | "again"
            | "much"
            | "long"
            | "ever"
            | "further"
            | "first"
            | "finally"
            | "later"
            | "earlier"
            | "not"
    ) || (!doc.is_cap(i) && w.len() > 4 && (w.ends_with("ly") || w.ends_with("ing")))
}

/// The subject of a cue at `c` that opens inside a verb chain: left of
/// auxiliaries, modals, adverbs, "to" after a control verb ("continued
/// to", "is reluctant to", "vowed to") and a time phrase ("this week"),
/// the noun phrase, pronoun or quantifier ("some", "many") that opens
/// the clause. `None` when no chain word stands before the cue, or when
/// what precedes the chain is no subject.
fn chain_subject(doc: &Doc, lo: usize, c: usize) -> Option<(usize, usize)> {
    let mut j = c;
    while j > lo && c - j < 7 && doc.quote_of[j - 1].is_none() && !doc.is_punct(j - 1) {
        let w = doc.w(j - 1);
        let before_to = j < c && doc.w(j) == "to";
        let chain = is_aux(w)
            || is_modal(w)
            || matches!(
                w,
                "be" | "been" | "being" | "not" | "never" | "always" | "now"
            )
            || (!doc.is_cap(j - 1) && w.len() > 4 && w.ends_with("ly"))
            || (w == "to" && j < c)
            || (before_to && is_control_word(w));
        if chain {
            j -= 1;
            continue;
        }
        // "this week", "last month": a time phrase before the chain.
        if j >= lo + 2
            && matches!(
                w,
                "week" | "month" | "year" | "weekend" | "morning" | "night"
            )
            && matches!(doc.w(j - 2), "this" | "last" | "next" | "that")
        {
            j -= 2;
            continue;
        }
        break;
    }
    if j == lo || doc.quote_of[j - 1].is_some() || doc.is_punct(j - 1) {
        return None;
    }
    let k = j - 1;
    let w = doc.w(k);
    // "we'll be talking", "she's worked to": a pronoun with its auxiliary.
    if let Some((stem, _)) = w.split_once(['\'', '’']) {
        return (j < c && matches!(stem, "he" | "she" | "they" | "we" | "i")).then_some((k, k));
    }
    let clause_start = |a: usize| {
        a == lo || doc.is_punct(a - 1) || matches!(doc.w(a - 1), "but" | "and" | "while" | "as")
    };
    // "some were reluctant", "both of whom opposed", "43 said", "more
    // than 4 in 10 say": a quantity is the subject.
    let quantity = |t: usize| {
        doc.toks[t].kind == TokenKind::Number
            || matches!(
                doc.w(t),
                "some"
                    | "many"
                    | "most"
                    | "others"
                    | "several"
                    | "few"
                    | "both"
                    | "all"
                    | "percent"
                    | "%"
            )
    };
    let mut a = k;
    if w == "whom" && k >= lo + 2 && doc.w(k - 1) == "of" && quantity(k - 2) {
        a = k - 2;
    } else if !quantity(k) {
        if j == c {
            return None;
        }
        let (a, b) = doc.np_left(k, lo)?;
        return (clause_start(a) && !matches!(doc.w(a), "it" | "which" | "one")).then_some((a, b));
    }
    while a > lo
        && k - a < 6
        && (quantity(a - 1)
            || matches!(
                doc.w(a - 1),
                "in" | "of"
                    | "more"
                    | "than"
                    | "about"
                    | "nearly"
                    | "almost"
                    | "only"
                    | "just"
                    | "over"
                    | "under"
                    | "fewer"
                    | "less"
            ))
    {
        a -= 1;
    }
    clause_start(a).then_some((a, k))
}

/// A modal verb.
fn is_modal(w: &str) -> bool {
    matches!(
        w,
        "must" | "can" | "could" | "should" | "may" | "might" | "shall" | "will" | "would"
    )
}

/// A verb or adjective that takes "to" and a verb of its subject ("vowed
/// to fight", "is reluctant to blame"): the subject of the verb after
/// "to" is its own.
fn is_control_word(w: &str) -> bool {
    matches!(
        w,
        "continued"
            | "continues"
            | "continue"
            | "began"
            | "begins"
            | "begin"
            | "started"
            | "tried"
            | "tries"
            | "try"
            | "want"
            | "wants"
            | "wanted"
            | "vowed"
            | "vows"
            | "decided"
            | "refused"
            | "refuses"
            | "declined"
            | "declines"
            | "plans"
            | "planned"
            | "plan"
            | "hopes"
            | "hoped"
            | "hope"
            | "seemed"
            | "seems"
            | "appeared"
            | "appears"
            | "agreed"
            | "promised"
            | "pledged"
            | "threatened"
            | "sought"
            | "seeks"
            | "failed"
            | "fails"
            | "managed"
            | "used"
            | "likes"
            | "worked"
            | "chose"
            | "needs"
            | "needed"
            | "going"
            | "able"
            | "unable"
            | "reluctant"
            | "eager"
            | "willing"
            | "unwilling"
            | "ready"
            | "quick"
            | "likely"
            | "unlikely"
            | "expected"
            | "poised"
            | "set"
            | "prepared"
            | "careful"
            | "afraid"
    )
}

/// "Asked whether the ferry was safe, 72 percent said no", "When asked by
/// a reporter about the strike, the mayor …": the question is attributed
/// to whoever asked it (the "by" phrase, or no one named), up to the comma
/// that opens the main clause.
fn asked_opener(doc: &Doc, si: usize, raws: &mut Vec<Raw>, used: &mut [bool]) {
    let (lo, hi) = doc.sents[si];
    let a = match (doc.w(lo), hi > lo + 1) {
        ("asked", _) => lo,
        ("when", true) if doc.w(lo + 1) == "asked" => lo + 1,
        _ => return,
    };
    if used[a] || doc.quote_of[a].is_some() {
        return;
    }
    let mut k = a + 1;
    let mut source = None;
    if k < hi && doc.w(k) == "by" {
        if let Some((s0, s1)) = doc.np_right(k + 1, hi) {
            source = Some(doc.span(s0, s1));
            k = s1 + 1;
        }
    }
    // "Asked on Fox News who leads …": the question opens with a wh-word,
    // "if", "whether" or "about", within a few words.
    let start = (k..hi.min(k + 6)).find(|&j| {
        matches!(
            doc.w(j),
            "whether"
                | "if"
                | "who"
                | "what"
                | "why"
                | "how"
                | "when"
                | "where"
                | "which"
                | "about"
        )
    });
    let Some(mut cs) = start.or((k < hi).then_some(k)) else {
        return;
    };
    if doc.w(cs) == "about" {
        cs += 1;
    }
    // Up to the comma before the main clause; a comma inside a closing
    // quotation (“…,”) ends the content with the quotation.
    let Some(comma) = (cs..hi).find(|&j| doc.t(j) == ",") else {
        return;
    };
    let end = match doc.quote_of[comma] {
        Some(q) => doc.quotes[q as usize].last,
        None => comma.saturating_sub(1),
    };
    if end < cs || end + 1 >= hi {
        return;
    }
    used[a] = true;
    raws.push(Raw {
        parts: vec![doc.span(cs, end)],
        cue: Some(doc.span(a, a)),
        source,
        kind: AttributionKind::Reported,
        carried: false,
        told: None,
    });
}

/// Past participles that, after a form of "be", make a cue with no source:
/// "is expected to", "was asked to", "are widely seen as". Counted on the
/// four fifths of PolNeAR train that the cue model's tuning fits on: after
/// a form of "be", the annotators marked no source for most of each.
/// Participles of feeling ("worried", "convinced", "outraged") keep their
/// subject as source there, and are left out.
const SOURCELESS_PASSIVES: &[&str] = &[
    "expected",
    "asked",
    "seen",
    "considered",
    "known",
    "declared",
    "announced",
    "shown",
    "meant",
    "revealed",
    "intended",
    "projected",
    "confirmed",
    "released",
    "disclosed",
    "reported",
    "thought",
    "believed",
    "viewed",
    "regarded",
    "rumored",
    "rumoured",
    "estimated",
    "predicted",
    "slated",
    "scheduled",
    "supposed",
    "alleged",
    "said",
    "criticized",
    "criticised",
    "charged",
    "accused",
    "identified",
    "listed",
    "lambasted",
    "signed",
    "allowed",
    "recognized",
    "recognised",
    "described",
    "called",
    "pressed",
    "presented",
    "mentioned",
    "attributed",
    "challenged",
    "questioned",
    "briefed",
];

/// A cue whose grammatical subject is not its source: a raising verb
/// ("appears to", "seemed") or a passive of [`SOURCELESS_PASSIVES`] after a
/// form of "be", possibly with adverbs between ("is widely seen").
fn is_raising_cue(doc: &Doc, c: usize, v: usize) -> bool {
    let w = doc.w(v);
    if matches!(
        w,
        "appear" | "appears" | "appeared" | "seem" | "seems" | "seemed"
    ) {
        return true;
    }
    if !SOURCELESS_PASSIVES.contains(&w) {
        return false;
    }
    // The words before the participle, within the cue or just before it.
    let lo = c.saturating_sub(1).min(v);
    let mut j = v;
    while j > lo {
        j -= 1;
        match doc.w(j) {
            "is" | "was" | "are" | "were" | "been" | "be" | "being" => return true,
            "not" | "also" | "widely" | "generally" | "still" | "now" | "long" | "often"
            | "already" | "largely" | "originally" | "initially" | "best" | "perhaps" | "well"
            | "eventually" | "repeatedly" | "frequently" | "sharply" | "publicly" => continue,
            _ => return false,
        }
    }
    false
}

/// Quotes no cue claimed: carried-over speech or scare quotes.
fn leftover_quotes(doc: &mut Doc, raws: &mut Vec<Raw>, opts: &Options) {
    if !opts.carry_over_quotes {
        return;
    }
    raws.sort_by_key(|r| r.parts[0].start);
    for qi in 0..doc.quotes.len() {
        let q = doc.quotes[qi].clone();
        if q.used || q.title_like || q.words < opts.min_quote_words {
            continue;
        }
        if raws
            .iter()
            .any(|r| r.parts.iter().any(|p| p.contains(q.span)))
        {
            continue;
        }
        // Speech-like: starts its sentence (or paragraph) and ends with
        // sentence punctuation inside the marks.
        let inner = doc.text[q.span.range()]
            .trim_end_matches(['”', '"', '’', '\'', '»'])
            .trim_end();
        let starts = q.first == 0
            || doc.para[q.first - 1] != doc.para[q.first]
            || matches!(doc.t(q.first - 1), "." | "?" | "!" | ":" | "”" | "\"");
        if !(starts && inner.ends_with(['.', '?', '!', ',', '—', '-']) || q.words >= 8) {
            continue;
        }
        // Previous attribution with a speaker, within two paragraphs.
        let prev = raws
            .iter()
            .rposition(|r| r.parts.last().is_some_and(|p| p.end <= q.span.start));
        let Some(pi) = prev else { continue };
        let pr_end = raws[pi].parts.last().unwrap().end;
        let pr_tok = doc
            .toks
            .partition_point(|t| t.span.start < pr_end.saturating_sub(1));
        let pr_para = doc.para[pr_tok.min(doc.toks.len() - 1)];
        let qpara = doc.para[q.first];
        if qpara > pr_para + 1 {
            continue;
        }
        doc.quotes[qi].used = true;
        if qpara == pr_para && raws[pi].kind == AttributionKind::Direct && !raws[pi].carried {
            raws[pi].parts.push(q.span);
            continue;
        }
        raws.push(Raw {
            parts: vec![q.span],
            cue: None,
            source: None,
            kind: AttributionKind::Direct,
            carried: true,
            told: None,
        });
        raws.sort_by_key(|r| r.parts[0].start);
    }
}

/// Sentences of one paragraph ([`parallax_text::split_sentences`]).
pub fn sentences(par: &str) -> Vec<Span> {
    split_sentences(par)
}
