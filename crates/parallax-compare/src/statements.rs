//! Statements: an article's body sentences, split into clauses where a
//! sentence carries two claims, each with its attribution (the outlet's
//! own assertion, or a speaker's or cited source's words), entities,
//! numbers, dates (relative days resolved against the publication time),
//! negation and modality.

use crate::align::{Sig, Vocab};
use crate::numbers::{quantities, Quantity};
use parallax_core::{Article, ParagraphKind, Span};
use parallax_quotes::{Attribution, AttributionKind, Speaker};
use parallax_text::calendar::WEEKDAYS;
use parallax_text::tokens::{tokenize, TokenKind};
use serde::Serialize;

/// Who a statement's words belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// The outlet asserts it in its own voice.
    Outlet,
    /// A speaker's direct quote.
    Quoted,
    /// A speaker's words reported without (full) quotation marks.
    Reported,
    /// A cited source ("according to ...").
    Cited,
}

/// A date a statement refers to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateRef {
    /// As written ("on Thursday", "last month").
    pub text: String,
    /// The day, `YYYY-MM-DD`, when resolved against the publication time.
    pub date: Option<String>,
}

/// One claim of an article.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    /// Index of the article in the story.
    pub article: usize,
    /// Index of the sentence among the article's body sentences.
    pub sentence: usize,
    /// The clause's span in the article text.
    pub span: Span,
    /// The clause as written.
    pub text: String,
    /// Whose words they are.
    pub voice: Voice,
    /// The speaker or cited source; `None` when the outlet asserts it.
    /// With nested reporting it is the innermost speaker ("He said that
    /// …, Reuters noted": the "he").
    pub attributed_to: Option<String>,
    /// The outer source nested words came through (Reuters above), when
    /// there is one.
    pub via: Option<String>,
    /// Anonymous speakers ("a senior official who asked not to be named").
    pub anonymous: bool,
    /// Entities named in it (canonical names).
    pub entities: Vec<String>,
    /// Numbers with what they count.
    pub numbers: Vec<Quantity>,
    /// Dates.
    pub dates: Vec<DateRef>,
    /// Negated ("not", "never", "denied").
    pub negated: bool,
    /// Hedge or modality ("may", "reportedly", "claimed").
    pub modality: Option<String>,
    /// The alignment signature.
    #[serde(skip)]
    pub sig: Sig,
    /// Term ids of the source phrase as written ("The mayor of Port
    /// Velna, Tereza Holm"): words two reports of one speaker share
    /// because they name the speaker, not because they say one thing.
    #[serde(skip)]
    pub source_terms: Vec<u32>,
}

const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "neither",
    "nor",
    "without",
    "denied",
    "denies",
    "deny",
    "rejected",
    "dismissed",
    "disputed",
    "refuted",
    "postponed",
    "cancelled",
    "canceled",
];
const MODALS: &[&str] = &[
    "may",
    "might",
    "could",
    "would",
    "possibly",
    "probably",
    "likely",
    "reportedly",
    "allegedly",
    "claimed",
    "claims",
    "claim",
    "suspected",
    "believed",
    "apparently",
    "unconfirmed",
];

/// Splits a sentence into clauses that each carry a claim: at semicolons,
/// at ", but", ", while", ", whereas", "and that", at ", and" when a verb
/// follows (not "between X, and Y"), and before a reporting participle
/// that adds a second claim (", adding that …", ", adding, however, that
/// …"), when both sides are long enough to be claims. Returns byte ranges
/// into `s`.
pub fn clauses(s: &str) -> Vec<(usize, usize)> {
    const CUTS: &[&str] = &[
        "; ",
        ", but ",
        ", while ",
        ", whereas ",
        " and that ",
        ", and ",
        ", adding ",
        ", adding, ",
    ];
    let words = |a: usize, b: usize| s[a..b].split_whitespace().count();
    let mut cuts: Vec<usize> = Vec::new();
    for c in CUTS {
        for (i, _) in s.match_indices(c) {
            // ", and" joins two claims only when the second has a verb of
            // its own: "the minister, Sergey Lavrov, and his opposite
            // number" joins two people.
            if *c == ", and " && !has_verb(until_clause_end(&s[i + c.len()..])) {
                continue;
            }
            // The second clause starts after the punctuation.
            let at = i + if c.starts_with(';') || c.starts_with(',') {
                2
            } else {
                1
            };
            cuts.push(at);
        }
    }
    // "X failed to agree on Thursday as the invasion enters a third week":
    // a temporal "as" joining two claims (not "such as", "as well as").
    for (i, _) in s.match_indices(" as ") {
        let before = s[..i].rsplit(' ').next().unwrap_or("").to_lowercase();
        let after = s[i + 4..].split(' ').next().unwrap_or("").to_lowercase();
        const PREV: &[&str] = &[
            "such",
            "well",
            "so",
            "same",
            "just",
            "as",
            "known",
            "regarded",
            "seen",
            "described",
            "used",
            "serve",
            "served",
            "acts",
            "act",
            "acted",
            "working",
            "worked",
        ];
        const NEXT: &[&str] = &[
            "well", "many", "much", "soon", "long", "far", "part", "if", "though", "of", "to",
            "for", "in", "a", "an", "much",
        ];
        if !PREV.contains(&before.as_str()) && !NEXT.contains(&after.as_str()) {
            cuts.push(i + 1);
        }
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts {
        if words(start, c) >= 6 && words(c, s.len()) >= 6 {
            out.push((start, c));
            start = c;
        }
    }
    out.push((start, s.len()));
    out
}

/// The text up to the next clause boundary (comma, semicolon, dash or
/// the end), where a verb of the clause would be.
fn until_clause_end(s: &str) -> &str {
    let end = s.find([',', ';', '–', '—', ':']).unwrap_or(s.len());
    &s[..end]
}

/// Whether a stretch of text holds a finite verb, by form alone: an
/// auxiliary or modal, a past tense in "-ed", or a common irregular past.
/// Errs towards yes (a participle counts), since a missed verb only keeps
/// two claims together.
fn has_verb(s: &str) -> bool {
    const FORMS: &[&str] = &[
        "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did",
        "will", "would", "can", "could", "may", "might", "must", "shall", "should", "said", "says",
        "told", "made", "took", "gave", "went", "came", "saw", "left", "found", "became", "began",
        "brought", "held", "kept", "met", "paid", "ran", "sent", "spent", "stood", "thought",
        "won", "wrote", "fled", "fell", "hit", "put", "set", "struck", "lost", "got", "knew",
        "led", "rose", "sold", "spoke", "broke", "chose", "drew", "drove", "flew", "grew", "shot",
        "sought", "taught", "threw", "wore", "isn't", "aren't", "wasn't", "weren't", "won't",
        "can't", "didn't", "doesn't", "don't", "hasn't", "haven't",
    ];
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .any(|w| {
            let w = w.to_lowercase().replace('\u{2019}', "'");
            FORMS.contains(&w.as_str())
                || (w.len() >= 5 && w.ends_with("ed") && w.chars().all(char::is_alphabetic))
        })
}

/// Days since 1970-01-01 to (year, month, day).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The dates of a clause; weekdays, "yesterday", "today" and "last night"
/// are resolved against `published` (local day number since the epoch).
pub fn dates(text: &str, published_day: Option<i64>) -> Vec<DateRef> {
    let toks: Vec<String> = tokenize(text)
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text).to_lowercase())
        .collect();
    let fmt = |d: i64| {
        let (y, m, dd) = civil(d);
        format!("{y:04}-{m:02}-{dd:02}")
    };
    let mut out = Vec::new();
    for (i, w) in toks.iter().enumerate() {
        let prev = if i > 0 { toks[i - 1].as_str() } else { "" };
        if let Some(wd) = WEEKDAYS.iter().position(|d| d == w) {
            let date = published_day.map(|p| {
                // 1970-01-01 was a Thursday (index 3).
                let today = (p + 3).rem_euclid(7);
                p - (today - wd as i64).rem_euclid(7)
            });
            let t = if matches!(prev, "on" | "early" | "late" | "last" | "since") {
                format!("{prev} {}", w)
            } else {
                w.clone()
            };
            out.push(DateRef {
                text: t,
                date: date.map(fmt),
            });
        } else if matches!(w.as_str(), "yesterday" | "today" | "tonight") {
            let off = if w == "yesterday" { 1 } else { 0 };
            out.push(DateRef {
                text: w.clone(),
                date: published_day.map(|p| fmt(p - off)),
            });
        } else if prev == "last" && matches!(w.as_str(), "night" | "week" | "month" | "year") {
            out.push(DateRef {
                text: format!("last {w}"),
                date: if w == "night" {
                    published_day.map(|p| fmt(p - 1))
                } else {
                    None
                },
            });
        }
    }
    out
}

/// The innermost attribution inside `outer`: one whose source is named
/// and whose content lies within `outer`'s content and makes up at least
/// 60% of it, that covers at least half as much of the clause and has a
/// named speaker (a bare description
/// such as "workers" is more often a misread than a nested source).
/// Followed down to the last such level.
fn innermost<'a>(
    outer: &'a Attribution,
    all: &'a [Attribution],
    overlap: impl Fn(Span) -> usize,
) -> &'a Attribution {
    let mut cur = outer;
    loop {
        let next = all
            .iter()
            .filter(|x| {
                x.kind != AttributionKind::Stance
                    && !std::ptr::eq(*x, cur)
                    && x.content.start >= cur.content.start
                    && x.content.end <= cur.content.end
                    && x.content.len() < cur.content.len()
                    && 2 * overlap(x.content) >= overlap(cur.content)
                    && 5 * x.content.len() >= 3 * cur.content.len()
                    && x.source.is_some_and(|src| cur.content.contains(src))
                    && x.speaker.name().is_some()
            })
            .max_by_key(|x| overlap(x.content));
        match next {
            Some(n) => cur = n,
            None => return cur,
        }
    }
}

fn speaker_label(sp: &Speaker) -> (Option<String>, bool) {
    match sp {
        Speaker::Named { name } => (Some(name.clone()), false),
        Speaker::Role {
            description,
            resolved,
        } => (
            Some(resolved.clone().unwrap_or_else(|| description.clone())),
            false,
        ),
        Speaker::Pronoun { resolved, .. } => (resolved.clone(), false),
        Speaker::Anonymous { description } => (Some(description.clone()), true),
        Speaker::Unknown => (None, false),
    }
}

/// The statements of one article. `index` is the article's index in the
/// story; `mentions` are its entity mentions with canonical names.
pub fn statements(
    index: usize,
    article: &Article,
    said: &parallax_quotes::Analysis,
    mentions: &[(Span, String)],
    canonical: &dyn Fn(&str) -> Option<String>,
    vocab: &mut Vocab,
) -> Vec<Statement> {
    let published_day = article.published.map(|p| {
        let local = p.timestamp() + p.offset().local_minus_utc() as i64;
        local.div_euclid(86_400)
    });
    let mut out = Vec::new();
    // The standfirst (one statement) and the body sentences.
    let standfirst = article
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Standfirst)
        .map(|p| p.span);
    let body = article
        .sentences
        .iter()
        .filter(|s| {
            article
                .paragraphs
                .get(s.paragraph)
                .is_none_or(|p| p.kind == ParagraphKind::Body)
        })
        .map(|s| s.span);
    for (si, sspan) in standfirst.chain(body).enumerate() {
        let stext = article.slice(sspan);
        for (a, b) in clauses(stext) {
            let span = Span::new(sspan.start + a, sspan.start + b);
            let text = article.slice(span).trim().to_string();
            if text.split_whitespace().count() < 3 {
                continue;
            }
            // The attribution covering most of the clause. A stance
            // ("Clinton disagrees with …") is the outlet's own claim about
            // its source, not words the source said.
            let overlap = |c: Span| c.end.min(span.end).saturating_sub(c.start.max(span.start));
            let att = said
                .attributions
                .iter()
                .filter(|x| x.kind != AttributionKind::Stance && overlap(x.content) > 0)
                .max_by_key(|x| overlap(x.content));
            // Nested reporting ("He said that …, Reuters noted"; "the
            // Kremlin claimed that …" inside a cited sentence): the words
            // belong to the innermost speaker, and the outer source is the
            // one they came through.
            let mut via = None;
            let att = att.map(|outer| {
                let inner = innermost(outer, &said.attributions, overlap);
                // Only a named outer source is a channel ("Reuters noted"),
                // not a description ("according to verified images").
                if !std::ptr::eq(inner, outer) {
                    via = outer.speaker.name().map(str::to_string);
                }
                inner
            });
            let source_text = att
                .and_then(|x| x.source)
                .map_or("", |src| article.slice(src));
            let source_terms: Vec<u32> = vocab
                .sig(source_text, 0)
                .terms
                .iter()
                .map(|t| t.0)
                .collect();
            let (voice, mut attributed_to, anonymous) = match att {
                Some(x) => {
                    let (who, anon) = speaker_label(&x.speaker);
                    let voice = match x.kind {
                        AttributionKind::Direct => Voice::Quoted,
                        AttributionKind::Reported
                        | AttributionKind::Mixed
                        | AttributionKind::Stance => Voice::Reported,
                        AttributionKind::According => Voice::Cited,
                    };
                    (voice, who, anon)
                }
                None => match said.citations.iter().find(|c| overlap(c.content) > 0) {
                    Some(c) => (Voice::Cited, Some(c.name.clone()), false),
                    None => (Voice::Outlet, None, false),
                },
            };
            // Speakers misread from numbers or fragments ("12 people",
            // "least 11") are dropped.
            if attributed_to.as_deref().is_some_and(|a| {
                a.chars().next().is_some_and(|c| c.is_ascii_digit())
                    || a.starts_with("least")
                    || a == "early"
            }) {
                attributed_to = None;
            }
            if let Some(a) = &attributed_to {
                if let Some(c) = canonical(a) {
                    attributed_to = Some(c);
                }
            }
            let via = via
                .map(|v| canonical(&v).unwrap_or(v))
                .filter(|v| Some(v) != attributed_to.as_ref());
            let mut entities: Vec<String> = mentions
                .iter()
                .filter(|(m, _)| m.start >= span.start && m.end <= span.end)
                .map(|(_, n)| n.clone())
                .collect();
            entities.sort();
            entities.dedup();
            let lower: Vec<String> = tokenize(&text)
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .map(|t| t.text(&text).to_lowercase().replace('\u{2019}', "'"))
                .collect();
            let negated = lower
                .iter()
                .any(|w| NEGATIONS.contains(&w.as_str()) || w.ends_with("n't"));
            let modality = lower.iter().find(|w| MODALS.contains(&w.as_str())).cloned();
            out.push(Statement {
                article: index,
                sentence: si,
                span,
                numbers: quantities(&text),
                dates: dates(&text, published_day),
                sig: vocab.sig(&text, si),
                text,
                voice,
                attributed_to,
                via,
                anonymous,
                entities,
                negated,
                modality,
                source_terms,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_split_two_claims() {
        let s = "The company said the plant had passed its inspection in November, but the union said the inspection was never carried out.";
        let c = clauses(s);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(s[c[1].0..].starts_with("but the union"));
        assert_eq!(clauses("Short, and sweet, and small.").len(), 1);
    }

    #[test]
    fn a_comma_and_joins_claims_only_before_a_verb() {
        let two = "The company said the plant had passed its inspection in November, and the union said the inspection was never carried out.";
        let c = clauses(two);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(two[c[1].0..].starts_with("and the union"));
        // Two people joined by ", and": one claim.
        let one = "That is how the meeting ended on Monday between the Ostral harbour master, Ilona Dragić, and her deputy in Port Velna, Tereza Holm.";
        assert_eq!(clauses(one).len(), 1, "{:?}", clauses(one));
    }

    #[test]
    fn a_reporting_participle_adds_a_second_claim() {
        let s = "He said that the quay was no longer in use and was held by the harbour police, the Meridian Press Agency noted, adding, however, that the ministry claimed that the fire is still being investigated.";
        let c = clauses(s);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(s[c[1].0..].starts_with("adding, however, that the ministry"));
        let t = "The mayor praised the divers who worked through the night, adding that the bridge would reopen in May.";
        let c = clauses(t);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(t[c[1].0..].starts_with("adding that the bridge"));
        // Too short to be a claim of its own: one clause.
        assert_eq!(
            clauses("She thanked the crews, adding nothing more.").len(),
            1
        );
    }

    #[test]
    fn nested_reporting_gives_the_innermost_speaker() {
        let text = "Harbour master Ilona Dragić said that the quay was no longer in use and was held by the harbour police, the Meridian Press Agency noted.";
        let said = parallax_quotes::extract(text, &Default::default());
        let clause = Span::new(0, text.len());
        let overlap = |c: Span| {
            c.end
                .min(clause.end)
                .saturating_sub(c.start.max(clause.start))
        };
        let outer = said
            .attributions
            .iter()
            .max_by_key(|x| overlap(x.content))
            .expect("an attribution");
        assert!(
            outer.speaker.name().is_some_and(|n| n.contains("Meridian")),
            "the agency's attribution covers the sentence: {said:#?}"
        );
        let inner = innermost(outer, &said.attributions, overlap);
        assert_eq!(inner.speaker.name(), Some("Ilona Dragić"), "{said:#?}");
        assert!(text[inner.content.range()].contains("no longer in use"));
    }

    #[test]
    fn weekdays_resolve_against_publication() {
        // 2022-03-10 was a Thursday: days since epoch 19061.
        assert_eq!(civil(19061), (2022, 3, 10));
        let d = dates(
            "The talks ended on Thursday, a day after the strike on Wednesday.",
            Some(19061),
        );
        assert_eq!(d[0].text, "on thursday");
        assert_eq!(d[0].date.as_deref(), Some("2022-03-10"));
        assert_eq!(d[1].date.as_deref(), Some("2022-03-09"));
    }
}
