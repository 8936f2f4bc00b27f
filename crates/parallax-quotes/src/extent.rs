//! The written extent of a source: the whole noun phrase a reader sees as
//! the source, not only the name the speaker is resolved from.
//!
//! The extractor finds a source's core ("George Bruno", "Democrats") and the
//! speaker is resolved from it. Annotators (PolNeAR, PARC) and readers take
//! the full phrase: its appositive ("George Bruno, a former party chairman,
//! said"; "said Kevin Hecht, a Border Patrol tunneling expert"), its
//! partitive head ("some of Mr. Clinton's admirers", "45% of Democrats"), its
//! possessor ("Bernie Sanders’ campaign") and a coordinated name ("Maine Sen.
//! Susan Collins and Texas Rep. Louis Gohmert"). [`widen`] grows the span
//! after resolution, so the speaker is unchanged.

use crate::extract::Doc;
use crate::lexicon::{
    ends_possessive, is_aux, is_determiner, is_dotted_word, is_np_stop, is_pronoun, is_title_word,
    verb_class,
};
use crate::Attribution;
use parallax_core::Span;
use parallax_text::calendar::WEEKDAYS;
use parallax_text::tokens::TokenKind;

/// Most tokens an appositive may add.
const MAX_APPOSITIVE: usize = 24;

/// Words that head a partitive ("some of the voters"): quantifiers and
/// share nouns.
const PARTITIVES: &[&str] = &[
    "some",
    "many",
    "most",
    "all",
    "few",
    "several",
    "none",
    "one",
    "two",
    "three",
    "four",
    "five",
    "half",
    "third",
    "thirds",
    "quarter",
    "quarters",
    "three-quarters",
    "two-thirds",
    "majority",
    "plurality",
    "minority",
    "share",
    "number",
    "each",
    "both",
    "any",
    "percent",
    "%",
    "members",
    "member",
    "supporters",
    "supporter",
    "friends",
    "friend",
    "allies",
    "ally",
    "admirers",
    "critics",
    "officials",
    "official",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "head",
    "chairman",
    "president",
    "director",
    "leaders",
    "leader",
];

/// Adjectives that belong to a title before a name ("presumptive
/// Republican nominee Donald Trump", "retired Army Lt. Gen. Mick Bednarek").
const TITLE_ADJECTIVES: &[&str] = &[
    "former",
    "presumptive",
    "retired",
    "longtime",
    "senior",
    "top",
    "acting",
    "outgoing",
    "incoming",
    "veteran",
    "deputy",
    "assistant",
    "interim",
    "late",
];

/// Grows `a.source` to the phrase as written (see the module docs).
pub(crate) fn widen(doc: &Doc, a: &mut Attribution) {
    let Some(source) = a.source else { return };
    let (s, e) = doc.tok_range(source);
    if s >= e {
        return;
    }
    let (lo, hi) = doc.sentence_of(s);
    // A poll's phrase after "in" is whole as found ("in the same poll, a
    // 52-point swing" has no appositive).
    if a.cue
        .is_some_and(|c| doc.text[c.range()].eq_ignore_ascii_case("in"))
    {
        return;
    }
    let cue = a.cue.map(|c| doc.tok_range(c));
    let mut start = s;
    let mut end = e - 1;
    let in_content = |i: usize| {
        a.content_parts
            .iter()
            .any(|p| p.start <= doc.toks[i].span.start && doc.toks[i].span.end <= p.end)
    };
    // Right: an appositive.
    match cue {
        Some((c, _)) if c > end => {
            // "X, a former chairman, said": the gap up to the cue.
            if let Some(new_end) = appositive_before_cue(doc, end, c) {
                end = new_end;
            }
        }
        _ => {
            // "said X, a Border Patrol expert." : up to the clause's end.
            if let Some(new_end) = appositive_after(doc, end, hi, &in_content) {
                end = new_end;
            }
        }
    }
    // Right: the head noun of a source that ends in a determiner or a
    // possessor ("Another | ranking says", "Donald Trump’s | wife").
    end = head_noun(doc, end, cue.map_or(hi, |(c, _)| c), &in_content);
    // Left: partitive, possessor, coordinated name (repeatedly: "some of
    // Sanders’ supporters").
    for _ in 0..3 {
        match left_extension(doc, start, lo) {
            Some(new_start) if !(new_start..start).any(&in_content) => start = new_start,
            _ => break,
        }
    }
    if (start, end) != (s, e - 1) {
        a.source = Some(Span::new(
            doc.toks[start].span.start,
            doc.toks[end].span.end,
        ));
    }
}

/// The last token of a source ending at `end` after taking the head noun
/// it lacks: when `end` is a determiner ("another", "his") or a possessor
/// ("Trump’s"), the lower-case words after it up to the cue (at most three)
/// that are no verb, auxiliary, adverb or time word. `limit` is the cue's
/// first token (or the sentence end).
fn head_noun(doc: &Doc, end: usize, limit: usize, in_content: &dyn Fn(usize) -> bool) -> usize {
    let w = doc.w(end);
    let open = is_determiner(w)
        || matches!(w, "another" | "each" | "every" | "either" | "neither")
        || ends_possessive(w);
    if !open {
        return end;
    }
    let mut b = end;
    while b + 1 < limit && b < end + 3 {
        let n = b + 1;
        let x = doc.w(n);
        let nounish = !doc.is_punct(n)
            && !doc.is_cap(n)
            && doc.quote_of[n].is_none()
            && !in_content(n)
            && !is_aux(x)
            && !is_pronoun(x)
            && !is_determiner(x)
            && !is_np_stop(x)
            && verb_class(x).is_none()
            && !x.ends_with("ly")
            && !x.ends_with("ed")
            && !WEEKDAYS.contains(&x);
        if !nounish {
            break;
        }
        b = n;
    }
    b
}

/// Words right after a cue that belong to it, not to the content: the
/// particle of a phrasal cue ("called for probes", "talking about
/// baseball", "criticism of the plan", "lashed out at", "sided with") and
/// the day it was said ("said Saturday that", "said on Monday"); "to"
/// when a noun phrase follows ([`opens_noun_phrase`]).
fn is_cue_particle(w: &str) -> bool {
    matches!(
        w,
        "for" | "of" | "about" | "on" | "out" | "up" | "at" | "with" | "yesterday" | "today"
    ) || WEEKDAYS.contains(&w)
}

/// True when token `i` opens a noun phrase, so a "to" before it is a
/// preposition ("referring to his rival", "pointed to Trump's record"),
/// not an infinitive ("wants to leave").
fn opens_noun_phrase(doc: &Doc, i: usize) -> bool {
    let w = doc.w(i);
    // `is_determiner` holds the possessive pronouns ("his", "her").
    is_determiner(w)
        || matches!(w, "him" | "them" | "us" | "me")
        || ends_possessive(w)
        || (doc.is_cap(i) && doc.quote_of[i].is_none())
}

/// Moves words that belong to the cue from the start of the content to the
/// cue's end ([`is_cue_particle`]; repeatedly: "said on Saturday that").
/// Only when the content begins right after the cue and keeps a word.
pub(crate) fn absorb_cue_particles(doc: &Doc, a: &mut Attribution) {
    let Some(mut cue) = a.cue else { return };
    let Some(first) = a.content_parts.first().copied() else {
        return;
    };
    let (ps, pe) = doc.tok_range(first);
    let (_, ce) = doc.tok_range(cue);
    if ps != ce || ps >= pe {
        return;
    }
    let mut k = ps;
    while k + 1 < pe
        && k < ps + 3
        && doc.quote_of[k].is_none()
        && (is_cue_particle(doc.w(k)) || doc.w(k) == "to" && opens_noun_phrase(doc, k + 1))
    {
        k += 1;
    }
    if k == ps || doc.is_punct(k) {
        return;
    }
    cue.end = doc.toks[k - 1].span.end;
    let start = doc.toks[k].span.start;
    a.cue = Some(cue);
    a.content_parts[0].start = start;
    if a.content.start < start {
        a.content.start = start;
    }
}

/// True when token `i` can open an appositive: an article, a possessive
/// or title word, a lower-case noun, a number ("Brianne Stone, 29, of …"),
/// or a capitalised title ("President of CNN Worldwide").
fn opens_appositive(doc: &Doc, i: usize) -> bool {
    if doc.quote_of[i].is_some() {
        return false;
    }
    let w = doc.w(i);
    if matches!(
        w,
        "who"
            | "which"
            | "that"
            | "but"
            | "and"
            | "or"
            | "as"
            | "while"
            | "when"
            | "where"
            | "according"
            | "adding"
            | "saying"
            | "noting"
            | "he"
            | "she"
            | "they"
            | "it"
            | "we"
            | "i"
            | "if"
            | "though"
            | "although"
            | "because"
            | "so"
            | "then"
    ) {
        return false;
    }
    if doc.toks[i].kind == TokenKind::Number {
        return true;
    }
    if doc.is_punct(i) {
        return false;
    }
    if w.ends_with("ing") || w.ends_with("ed") && !doc.is_cap(i) {
        return false;
    }
    if verb_class(w).is_some() && !doc.is_cap(i) {
        return false;
    }
    is_determiner(w) || is_title(w) || doc.is_cap(i) || w.chars().all(char::is_lowercase)
}

/// "X, an appositive, said": the last token of the gap between the
/// source's end and the cue at `c`, when that gap is one appositive set off
/// by commas.
fn appositive_before_cue(doc: &Doc, end: usize, c: usize) -> Option<usize> {
    let first = end + 1;
    if c <= first + 2 || c - first > MAX_APPOSITIVE + 2 {
        return None;
    }
    if doc.t(first) != "," || doc.t(c - 1) != "," || !opens_appositive(doc, first + 1) {
        return None;
    }
    let clean = (first..c).all(|i| {
        doc.quote_of[i].is_none() && !matches!(doc.t(i), ";" | ":" | "—" | "–" | "\"" | "“" | "”")
    });
    clean.then_some(c - 1)
}

/// "said X, a Border Patrol tunneling expert.": the appositive after a
/// source that follows its cue, up to the next comma or the sentence's end.
fn appositive_after(
    doc: &Doc,
    end: usize,
    hi: usize,
    in_content: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let first = end + 1;
    if first + 1 >= hi || doc.t(first) != "," || !opens_appositive(doc, first + 1) {
        return None;
    }
    let mut last = None;
    let mut i = first + 1;
    // First token of the current comma-separated piece.
    let mut piece = i;
    while i < hi && i - first <= MAX_APPOSITIVE {
        let t = doc.t(i);
        if doc.quote_of[i].is_some() || in_content(i) {
            return None;
        }
        if t == "." && i > piece && is_dotted_word(doc.t(i - 1)) && i + 1 < hi {
            // "a former backer of Sen. Ted Cruz"
            last = Some(i);
            i += 1;
            continue;
        }
        if t == "," && i + 1 < hi && continues_appositive(doc, piece, i) {
            // "Courtney Johnson, 23, a social worker"; "Karen Janes, 67, of
            // Exeter, N.H."
            i += 1;
            piece = i;
            continue;
        }
        if matches!(t, "," | "." | ";" | ":" | "—" | "–" | "?" | "!" | "(") {
            break;
        }
        if !doc.is_cap(i) && verb_class(doc.w(i)).is_some() {
            return None;
        }
        last = Some(i);
        i += 1;
    }
    if i - first > MAX_APPOSITIVE {
        return None;
    }
    last
}

/// True when the comma at `comma` (ending the appositive piece that starts
/// at `piece`) is followed by more of the same appositive: after an age
/// ("29, of Huntsville"), before "of"/"from" ("67, of Exeter"), or a place
/// continued ("of Exeter, N.H.").
fn continues_appositive(doc: &Doc, piece: usize, comma: usize) -> bool {
    let next = comma + 1;
    let nw = doc.w(next);
    let age = comma == piece + 1 && doc.toks[piece].kind == TokenKind::Number;
    let origin = matches!(nw, "of" | "from") && comma - piece <= 4;
    let place = matches!(doc.w(piece), "of" | "from" | "in")
        && doc.is_cap(next)
        && !doc.is_punct(next)
        && comma - piece <= 4;
    (age && opens_appositive(doc, next)) || origin || place
}

/// The new first token when the phrase left of `start` belongs to the
/// source: "some of" / "45% of" / "the directorate of" (partitive or head
/// noun), "Sanders’" (possessor), "Maine Sen. Susan Collins and" (a
/// coordinated name opening the clause).
fn left_extension(doc: &Doc, start: usize, lo: usize) -> Option<usize> {
    if start < lo + 2 {
        return None;
    }
    let prev = start - 1;
    if doc.quote_of[prev].is_some() && !is_possessive_mark(doc, prev) {
        return None;
    }
    match doc.w(prev) {
        "of" => {
            let head = prev - 1;
            let w = doc.w(head);
            let number_head = doc.toks[head].kind == TokenKind::Number;
            let partitive = PARTITIVES.contains(&w) || number_head;
            let capitalised_head = doc.is_cap(head) && !is_pronoun(w);
            let s = phrase_start(doc, head, lo);
            // A common-noun head needs its determiner or a name before it:
            // "an entrance poll of", "Early results of".
            let noun_head = !doc.is_punct(head)
                && !is_pronoun(w)
                && verb_class(w).is_none()
                && !is_np_stop(w)
                && s < head
                && (is_determiner(doc.w(s)) || doc.is_cap(s));
            if !partitive && !capitalised_head && !noun_head {
                return None;
            }
            Some(s)
        }
        "nor" => {
            // "Neither Cruz nor Christie acknowledged" (names only: not
            // "has neither invaded nor attacked").
            if !doc.is_cap(start) || !doc.is_cap(prev - 1) || doc.is_punct(prev - 1) {
                return None;
            }
            let s = phrase_start(doc, prev - 1, lo);
            if doc.w(s) == "neither" {
                Some(s)
            } else if s > lo && doc.w(s - 1) == "neither" {
                Some(s - 1)
            } else {
                None
            }
        }
        "and" => {
            // Only a name list opening the clause: "A and B said", "Edwards
            // and others said".
            let others = matches!(doc.w(start), "others" | "other");
            if !(doc.is_cap(start) || others) || !doc.is_cap(prev - 1) || doc.is_punct(prev - 1) {
                return None;
            }
            let s = phrase_start(doc, prev - 1, lo);
            let opens = s == lo || matches!(doc.t(s - 1), "," | "that" | ";" | ":");
            (opens && (s..prev).all(|i| doc.is_cap(i) || doc.t(i) == ".")).then_some(s)
        }
        _ if is_possessive_mark(doc, prev) => {
            if prev < lo + 1 || !doc.is_cap(prev - 1) {
                return None;
            }
            Some(phrase_start(doc, prev - 1, lo))
        }
        _ => modifier_start(doc, start, lo),
    }
}

/// The first token of the modifiers left of a source: a title ("Pfizer
/// chief executive Ian Read"), or lower-case words opened by a determiner
/// ("A teary-eyed Bush", "These same Republicans", "Her 72-year-old
/// mother"). `None` when no determiner, title or name opens them.
fn modifier_start(doc: &Doc, start: usize, lo: usize) -> Option<usize> {
    // A phrase opened by an article or possessive is already whole.
    if matches!(
        doc.w(start),
        "the" | "a" | "an" | "his" | "her" | "their" | "its" | "our" | "my" | "your" | "this"
    ) {
        return None;
    }
    // A title among the words just before the name ("chief executive").
    let title_near = (start.saturating_sub(6).max(lo)..start)
        .rev()
        .take_while(|&j| !doc.is_punct(j) && !doc.is_cap(j))
        .any(|j| is_title(doc.w(j)));
    let mut k = start;
    let mut title = false;
    while k > lo && start - k < 6 {
        let j = k - 1;
        if doc.quote_of[j].is_some() {
            return None;
        }
        let w = doc.w(j);
        let t = doc.t(j);
        let quantifier = matches!(
            w,
            "all" | "many" | "some" | "most" | "both" | "few" | "several" | "other"
        );
        if (is_determiner(w) && !matches!(w, "of" | "new")) || quantifier {
            return Some(j);
        }
        if (is_title(w) || (TITLE_ADJECTIVES.contains(&w) && title)) && !doc.is_punct(j) {
            title = true;
            k = j;
            continue;
        }
        let word = !doc.is_punct(j)
            && !is_pronoun(w)
            && verb_class(w).is_none()
            && !is_np_stop(w)
            && !is_aux(w)
            && !w.ends_with("ly")
            && !is_preposition(w)
            && !matches!(
                w,
                "then" | "also" | "now" | "still" | "even" | "later" | "again"
            );
        let hyphen = t == "-" && j > lo && doc.toks[j].span.start == doc.toks[j - 1].span.end;
        let number = doc.toks[j].kind == TokenKind::Number;
        if doc.is_cap(j) && !doc.is_punct(j) && title {
            // "Pfizer chief executive": the name of the title's organisation.
            k = j;
            continue;
        }
        if !(word || hyphen || number) || doc.is_cap(j) {
            break;
        }
        // Before a name, only an epithet's parts ("A teary-eyed Bush"), not
        // a noun ("the moment Chris Christie learned").
        let epithet = hyphen
            || number
            || looks_adjective(w)
            || (j + 1 < start && doc.t(j + 1) == "-")
            || (j > lo && doc.t(j - 1) == "-");
        if doc.is_cap(start) && !epithet && !title && !title_near {
            break;
        }
        k = j;
    }
    // Without a determiner, only a title (and its organisation) is taken.
    if title && k < start {
        let mut s = k;
        while s < start && !is_title(doc.w(s)) && !doc.is_cap(s) {
            s += 1;
        }
        return (s < start).then_some(s);
    }
    None
}

/// A title or role word ("executive", "spokesman"), not an article.
fn is_title(w: &str) -> bool {
    is_title_word(w) && !matches!(w, "the" | "a" | "an")
}

/// An adjective by its ending ("tearful", "furious", "defiant" is not
/// caught): an epithet before a name, unlike a noun ("the moment").
fn looks_adjective(w: &str) -> bool {
    w.len() > 5
        && ["ful", "ous", "ive", "less", "able", "ible", "ish"]
            .iter()
            .any(|s| w.ends_with(s))
}

fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "by" | "to"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "from"
            | "as"
            | "about"
            | "over"
            | "under"
            | "against"
            | "than"
            | "into"
            | "after"
            | "before"
            | "like"
            | "among"
            | "between"
            | "through"
    )
}

/// A possessive ending standing as its own token: "Sanders’ campaign".
fn is_possessive_mark(doc: &Doc, i: usize) -> bool {
    matches!(doc.t(i), "’" | "'" | "’s" | "'s")
        && i > 0
        && doc.toks[i].span.start == doc.toks[i - 1].span.end
        && i + 1 < doc.toks.len()
        && doc.toks[i + 1].span.start > doc.toks[i].span.end
}

/// The first token of the noun phrase ending at `end`: capitalised words,
/// abbreviation dots, numbers, "%", adjectives and a leading determiner, at
/// most eight tokens back and never left of `lo`.
fn phrase_start(doc: &Doc, end: usize, lo: usize) -> usize {
    // `s` moves over strong joins (capitalised words, numbers, "%",
    // abbreviation dots, possessives); lower-case words are taken only when
    // a determiner opens the phrase ("a 45% plurality").
    let mut strong = end;
    let mut s = end;
    while s > lo && end - s < 8 {
        let k = s - 1;
        if doc.quote_of[k].is_some() && !is_possessive_mark(doc, k) {
            break;
        }
        let w = doc.w(k);
        let t = doc.t(k);
        if is_determiner(w) && w != "of" {
            return k;
        }
        let strong_join = doc.is_cap(k) && !doc.is_punct(k)
            || t == "."
                && k > lo
                && doc.t(k - 1).chars().all(char::is_alphabetic)
                && doc.is_cap(k - 1)
            || doc.toks[k].kind == TokenKind::Number
            || t == "%"
            || is_possessive_mark(doc, k)
            || (matches!(t, "and" | "&") && k > lo && doc.is_cap(k - 1) && doc.is_cap(k + 1));
        let weak_join = w.chars().all(char::is_lowercase)
            && !doc.is_punct(k)
            && !is_pronoun(w)
            && verb_class(w).is_none()
            && !matches!(
                w,
                "of" | "and"
                    | "or"
                    | "that"
                    | "to"
                    | "in"
                    | "on"
                    | "at"
                    | "by"
                    | "for"
                    | "with"
                    | "from"
                    | "as"
                    | "is"
                    | "are"
                    | "was"
                    | "were"
                    | "but"
                    | "said"
            );
        if strong_join {
            s = k;
            strong = k;
        } else if weak_join {
            s = k;
        } else {
            break;
        }
    }
    strong
}
