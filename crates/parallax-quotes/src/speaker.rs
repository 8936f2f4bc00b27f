//! Source classification, speaker naming and resolution, citation edges.

use crate::extract::{Doc, Raw};
use crate::lexicon::{
    is_abbrev_title, is_anonymous_head, is_determiner, is_dotted_word, is_pronoun, is_title_word,
    AGENCIES, DOCUMENTS, OFFICIAL, ORGANISATION, OUTLETS,
};
use crate::{
    Attribution, AttributionKind, CitationEdge, CitationVia, Kind, Options, SourceKind, Speaker,
};
use parallax_core::Span;

/// Capitals standing for their governments ("Moscow has said").
const CAPITALS: &[&str] = &[
    "moscow",
    "kyiv",
    "kiev",
    "washington",
    "beijing",
    "london",
    "paris",
    "berlin",
    "tehran",
    "ankara",
    "brussels",
    "pyongyang",
    "seoul",
    "tokyo",
    "jerusalem",
    "minsk",
    "warsaw",
    "kremlin",
];

fn phrase_at(words: &[&str], phrase: &str, at_end: bool) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    if p.len() > words.len() {
        return false;
    }
    if at_end {
        return words[words.len() - p.len()..] == p[..];
    }
    words.windows(p.len()).any(|w| w == &p[..])
}

/// Words of the head phrase: up to the first comma, "of", "(" or "who".
fn head_words<'d>(doc: &'d Doc, a: usize, b: usize) -> Vec<&'d str> {
    let mut out = Vec::new();
    for i in a..b {
        let w = doc.w(i);
        if matches!(w, "," | "(" | "who" | "which" | "familiar" | "with") {
            break;
        }
        if w == "of" && !out.is_empty() {
            break;
        }
        if !doc.is_punct(i) {
            out.push(w.trim_end_matches("'s").trim_end_matches("’s"));
        }
    }
    out
}

fn is_nationality(w: &str) -> bool {
    (w.ends_with("ian") || w.ends_with("ese") || w.ends_with("ish") || w.ends_with("can"))
        && w.len() > 4
}

/// Classifies a source span.
pub(crate) fn classify(doc: &Doc, span: Span, opts: &Options) -> SourceKind {
    let (a, b) = doc.tok_range(span);
    if a >= b {
        return SourceKind::Unknown;
    }
    let all: Vec<&str> = (a..b).map(|i| doc.w(i)).collect();
    let head = head_words(doc, a, b);
    if head.is_empty() {
        return SourceKind::Unknown;
    }
    if AGENCIES.iter().any(|p| phrase_at(&head, p, false)) {
        return SourceKind::Agency;
    }
    if OUTLETS.iter().any(|p| phrase_at(&head, p, true))
        || (head.len() <= 5
            && OUTLETS
                .iter()
                .any(|p| p.contains(' ') && phrase_at(&all, p, false)))
    {
        return SourceKind::Outlet;
    }
    for &(ms, kind) in opts.mentions {
        if ms.start < span.end && span.start < ms.end {
            match kind {
                Kind::Person => return SourceKind::Person,
                Kind::Organisation => {
                    return if OFFICIAL.iter().any(|p| phrase_at(&head, p, false)) {
                        SourceKind::OfficialBody
                    } else {
                        SourceKind::Organisation
                    }
                }
                Kind::Location => return SourceKind::OfficialBody,
                _ => {}
            }
        }
    }
    if head.len() == 1 && all.len() == 1 && is_pronoun(head[0]) {
        return SourceKind::Unknown;
    }
    if head.len() <= 2 && CAPITALS.contains(head.last().unwrap()) {
        return SourceKind::OfficialBody;
    }
    if head.last().is_some_and(|w| is_anonymous_head(w)) && !has_name(doc, a, b) {
        return SourceKind::Anonymous;
    }
    if DOCUMENTS.iter().any(|p| phrase_at(&head, p, true)) {
        return SourceKind::Document;
    }
    if OFFICIAL.iter().any(|p| phrase_at(&head, p, true)) {
        return SourceKind::OfficialBody;
    }
    if ORGANISATION.iter().any(|p| phrase_at(&head, p, true)) {
        return SourceKind::Organisation;
    }
    if head.last().is_some_and(|w| is_anonymous_head(w)) && !has_name(doc, a, b) {
        return SourceKind::Anonymous;
    }
    SourceKind::Person
}

/// True when the phrase holds a capitalised word that is not its first
/// word, a title or a nationality.
fn has_name(doc: &Doc, a: usize, b: usize) -> bool {
    (a..b).any(|i| {
        doc.is_cap(i)
            && !doc.is_punct(i)
            && !is_title_word(doc.w(i))
            && !is_nationality(doc.w(i))
            && !is_determiner(doc.w(i))
            && !(i == a && doc.is_cap(i) && b - a > 1 && !doc.is_cap(i + 1))
            && !(i == a && is_anonymous_head(doc.w(i)))
    })
}

/// The name inside a phrase: its capitalised run, titles stripped.
fn name_of(doc: &Doc, a: usize, b: usize) -> Option<String> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = a;
    while i < b {
        if matches!(doc.w(i), "," | "(" | "who") {
            break;
        }
        if doc.is_cap(i) && !doc.is_punct(i) {
            let s = i;
            let mut e = i;
            while e + 1 < b
                && ((doc.is_cap(e + 1) && !doc.is_punct(e + 1))
                    || (doc.t(e + 1) == "." && is_dotted_word(doc.t(e))))
            {
                e += 1;
            }
            // "Gov. Lena Sarro of Velmar": a full name before "of" is the
            // person, the rest their origin ("Bank of Tarno" goes on).
            let words = (s..=e)
                .filter(|&k| !doc.is_punct(k) && !is_abbrev_title(doc.t(k)))
                .filter(|&k| !is_title_word(doc.w(k)))
                .count();
            if words >= 2 && e + 2 < b && doc.w(e + 1) == "of" && doc.is_cap(e + 2) {
                best = Some((s, e));
                break;
            }
            best = Some((s, e));
            i = e + 1;
        } else {
            i += 1;
        }
    }
    let (mut s, e) = best?;
    while s < e
        && (is_title_word(doc.w(s))
            || is_nationality(doc.w(s))
            || is_abbrev_title(doc.t(s))
            || doc.t(s) == "."
            || matches!(doc.w(s), "foreign" | "minister" | "secretary" | "the"))
    {
        s += 1;
    }
    if is_title_word(doc.w(s)) || is_nationality(doc.w(s)) {
        return None;
    }
    let text = &doc.text[doc.toks[s].span.start..doc.toks[e].span.end];
    let text = text.trim_end_matches("'s").trim_end_matches("’s");
    Some(text.to_string())
}

fn org_name(doc: &Doc, span: Span) -> String {
    let s = &doc.text[span.range()];
    let s = s.trim_end_matches([',', ' ']);
    let stripped = s
        .strip_prefix("the ")
        .or_else(|| s.strip_prefix("The "))
        .unwrap_or(s);
    if s.starts_with("The ") && stripped.chars().next().is_some_and(|c| c.is_uppercase()) {
        return s.to_string();
    }
    stripped.to_string()
}

struct Known {
    pos: usize,
    name: String,
    kind: SourceKind,
}

/// Expands a one-word name to the longest earlier name ending with it.
fn expand(name: String, known: &[Known]) -> String {
    if name.contains(' ') {
        return name;
    }
    known
        .iter()
        .rev()
        .find(|k| k.name.len() > name.len() && k.name.ends_with(&format!(" {name}")))
        .map(|k| k.name.clone())
        .unwrap_or(name)
}

/// Expands a one-word name to a capitalised two-or-more-word run ending
/// with it earlier in the text ("Lavrov" → "Sergey Lavrov").
fn expand_in_text(doc: &Doc, name: String, before: usize) -> String {
    if name.contains(' ') {
        return name;
    }
    for i in (1..before).rev() {
        if doc.t(i) == name && doc.is_cap(i - 1) && !doc.is_punct(i - 1) {
            let prev = doc.w(i - 1);
            if !is_title_word(prev) && !is_nationality(prev) && !is_abbrev_title(doc.t(i - 1)) {
                return format!("{} {}", doc.t(i - 1), name);
            }
        }
    }
    name
}

/// A capitalised name run near token `h` (after then before, same paragraph).
fn name_near(doc: &Doc, h: usize) -> Option<(usize, String)> {
    let n = doc.toks.len();
    let mut cands = Vec::new();
    let lo = h.saturating_sub(8);
    let hi = (h + 7).min(n);
    let mut i = lo;
    while i < hi {
        if doc.para[i] == doc.para[h]
            && doc.is_cap(i)
            && !doc.is_punct(i)
            && !is_title_word(doc.w(i))
            && !is_nationality(doc.w(i))
        {
            let s = i;
            let mut e = i;
            while e + 1 < n && doc.is_cap(e + 1) && !doc.is_punct(e + 1) {
                e += 1;
            }
            if e > s {
                // Distance from h to the run; 0 when the run covers h.
                let d = if s > h { s - h } else { h.saturating_sub(e) };
                let t = &doc.text[doc.toks[s].span.start..doc.toks[e].span.end];
                cands.push((
                    d,
                    t.trim_end_matches("'s").trim_end_matches("’s").to_string(),
                ));
            }
            i = e + 1;
        } else {
            i += 1;
        }
    }
    cands.into_iter().min_by_key(|c| c.0)
}

/// Resolves a role description to a name mentioned earlier.
fn resolve_role(doc: &Doc, a: usize, b: usize, known: &[Known]) -> Option<String> {
    let desc: Vec<&str> = (a..b)
        .map(|i| doc.w(i))
        .filter(|w| !is_determiner(w) && !matches!(*w, "," | "." | "’s" | "'s"))
        .collect();
    let head = *desc.last()?;
    let mods = &desc[..desc.len() - 1];
    if AGENCIES.iter().chain(OUTLETS).any(|p| p.ends_with(head))
        || matches!(
            head,
            "newspaper" | "paper" | "outlet" | "agency" | "service" | "network"
        )
    {
        return known
            .iter()
            .rev()
            .find(|k| matches!(k.kind, SourceKind::Agency | SourceKind::Outlet))
            .map(|k| k.name.clone());
    }
    for h in (0..a).rev() {
        if doc.w(h) != head {
            continue;
        }
        let win = h.saturating_sub(5);
        if !mods.iter().all(|m| (win..h).any(|k| doc.w(k) == *m)) {
            continue;
        }
        if let Some((_, n)) = name_near(doc, h) {
            return Some(expand(n, known));
        }
    }
    None
}

/// Turns raw finds into attributions with speakers, and citation edges.
pub(crate) fn resolve(
    doc: &Doc,
    raws: Vec<Raw>,
    opts: &Options,
) -> (Vec<Attribution>, Vec<CitationEdge>) {
    let mut known: Vec<Known> = Vec::new();
    let mut out: Vec<Attribution> = Vec::with_capacity(raws.len());
    let mut cites = Vec::new();
    for r in raws {
        let content = Span::new(
            r.parts[0].start,
            r.parts.iter().map(|p| p.end).max().unwrap(),
        );
        let (speaker, kind) = match r.source {
            None if r.carried => out
                .last()
                .map(|p: &Attribution| (p.speaker.clone(), p.source_kind))
                .unwrap_or((Speaker::Unknown, SourceKind::Unknown)),
            None => (Speaker::Unknown, SourceKind::Unknown),
            Some(src) => {
                let (a, b) = doc.tok_range(src);
                let kind = classify(doc, src, opts);
                let text = doc.text[src.range()]
                    .trim_end_matches([',', ' '])
                    .to_string();
                let pos = src.start;
                let speaker = if b == a + 1 && is_pronoun(doc.w(a)) {
                    let p = doc.w(a);
                    let resolved = if matches!(p, "who" | "which") {
                        // Relative pronoun: the phrase before the comma.
                        let mut k = a;
                        while k > 0 && doc.is_punct(k - 1) {
                            k -= 1;
                        }
                        (k > 0)
                            .then(|| name_of(doc, k.saturating_sub(4), k))
                            .flatten()
                            .map(|n| expand(n, &known))
                    } else if matches!(p, "they" | "it") {
                        known
                            .iter()
                            .rev()
                            .find(|k| k.kind.is_citable())
                            .map(|k| k.name.clone())
                    } else {
                        known
                            .iter()
                            .rev()
                            .find(|k| k.kind == SourceKind::Person)
                            .map(|k| k.name.clone())
                            .or_else(|| {
                                // The subject of an earlier sentence.
                                (0..a).rev().take(80).find_map(|h| {
                                    if doc.is_cap(h)
                                        && h + 1 < a
                                        && doc.is_cap(h + 1)
                                        && !doc.is_punct(h + 1)
                                        && (h == 0 || !doc.is_cap(h - 1))
                                    {
                                        name_of(doc, h, h + 4)
                                    } else {
                                        None
                                    }
                                })
                            })
                    };
                    Speaker::Pronoun {
                        pronoun: doc.t(a).to_string(),
                        resolved,
                    }
                } else if kind == SourceKind::Anonymous {
                    Speaker::Anonymous { description: text }
                } else if kind == SourceKind::Person || kind == SourceKind::Unknown {
                    match name_of(doc, a, b) {
                        Some(n) if has_name(doc, a, b) => Speaker::Named {
                            name: expand_in_text(doc, expand(n, &known), a),
                        },
                        _ => Speaker::Role {
                            description: text,
                            resolved: resolve_role(doc, a, b, &known),
                        },
                    }
                } else if !has_name(doc, a, b)
                    && matches!(kind, SourceKind::Agency | SourceKind::Outlet)
                    && !AGENCIES
                        .iter()
                        .any(|p| !p.contains(' ') && (a..b).any(|i| doc.w(i) == *p))
                {
                    Speaker::Role {
                        description: text,
                        resolved: resolve_role(doc, a, b, &known),
                    }
                } else {
                    Speaker::Named {
                        name: expand(org_name(doc, src), &known),
                    }
                };
                if let Some(n) = speaker.name() {
                    let k = match &speaker {
                        Speaker::Pronoun { .. } | Speaker::Role { .. } => known
                            .iter()
                            .rev()
                            .find(|k| k.name == n)
                            .map(|k| k.kind)
                            .unwrap_or(kind),
                        _ => kind,
                    };
                    known.push(Known {
                        pos,
                        name: n.to_string(),
                        kind: k,
                    });
                }
                (speaker, kind)
            }
        };
        let _ = known.last().map(|k| k.pos);
        if let (Some(src), true) = (r.source, kind.is_citable()) {
            cites.push(CitationEdge {
                name: speaker
                    .name()
                    .map(str::to_string)
                    .unwrap_or_else(|| org_name(doc, src)),
                kind,
                span: src,
                cue: r.cue,
                content,
                via: if r.kind == AttributionKind::According {
                    CitationVia::According
                } else {
                    CitationVia::Reported
                },
            });
        }
        if let Some(t) = r.told {
            let k = classify(doc, t, opts);
            if matches!(k, SourceKind::Outlet | SourceKind::Agency) {
                cites.push(CitationEdge {
                    name: org_name(doc, t),
                    kind: k,
                    span: t,
                    cue: r.cue,
                    content,
                    via: CitationVia::ToldTo,
                });
            }
        }
        out.push(Attribution {
            content,
            content_parts: r.parts,
            cue: r.cue,
            source: r.source,
            kind: r.kind,
            speaker,
            source_kind: kind,
        });
    }
    (out, cites)
}
