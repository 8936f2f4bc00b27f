//! Sentence selection: a budgeted choice of article sentences, found by a
//! small beam search, that maximises the expected overlap of the summary's
//! words with an editor's (word importance from [`crate::importance`]),
//! with ROUGE's clipped counts (the n-th use of a word earns the chance
//! that the editor used it n times), penalising loaded words, and stopping
//! when the expected F1 stops growing (or at the caller's word budget). The
//! main disagreement of the story, when there is one, is always
//! represented from both sides.

use crate::importance::StoryWords;
use crate::loaded;
use parallax_core::{Article, ParagraphKind, Span};
use parallax_text::Stemmer;

/// How long a summary should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Length {
    /// As long as an editor's roundup of this much input tends to be
    /// (about 30–70 words), chosen by expected F1.
    #[default]
    Auto,
    /// About this many words (never more than a quarter over).
    Words(usize),
}

/// Tunable constants of the selection.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Weight of a word's second and later uses (1: as likely as the word
    /// model says an editor repeats it).
    pub repeat: f32,
    /// Penalty per loaded word, in expected overlapping words.
    pub loaded: f32,
    /// Bonus per additional independent outlet backing the sentence's
    /// facts, in expected overlapping words.
    pub support: f32,
    /// Scale of the expected reference length in `Length::Auto`.
    pub length_scale: f32,
    /// Penalty for a sentence that leans on one before it (it opens with a
    /// pronoun, or a pronoun is the speaker), in expected overlapping words.
    pub dangling: f32,
    /// Bonus for each of the story's main speakers a sentence gives a
    /// voice to for the first time, in expected overlapping words (not
    /// when the sentence names them only by a pronoun).
    pub actor: f32,
    /// Selections kept at each step of the search (1: greedy).
    pub beam: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            repeat: 0.75,
            loaded: 1.0,
            support: 0.0,
            length_scale: 0.7,
            dangling: 1.0,
            actor: 0.5,
            beam: 5,
        }
    }
}

/// A sentence that may enter the summary.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Article index in the story.
    pub article: usize,
    /// Sentence index among the article's sentences.
    pub sentence: usize,
    /// Byte span in the article text.
    pub span: Span,
    /// Word ids (distinct).
    pub distinct: Vec<u32>,
    /// How many times each of `distinct` occurs.
    pub counts: Vec<u32>,
    /// Words.
    pub words: usize,
    /// Loaded words.
    pub loaded: usize,
    /// Independent outlets backing the sentence's best-supported fact.
    pub support: usize,
    /// Which sides of the main disagreement the sentence states.
    pub sides: [bool; 2],
    /// It leans on an earlier sentence (see [`dangling`]).
    pub dangling: bool,
    /// The story's main speakers (bits, by rank) whose words it carries.
    pub speakers: u8,
}

/// A sentence leans on one before it: it opens with a pronoun ("He
/// said...", "This..."), or a pronoun is the speaker ("..., he told
/// reporters"). An opening connective ("But", "Also") is not counted: the
/// sentence still names who and what.
pub fn dangling(sentence: &str) -> bool {
    const OPENERS: &[&str] = &[
        "he", "she", "they", "it", "this", "these", "those", "his", "her", "their", "its",
    ];
    const SPEECH: &[&str] = &[
        "said",
        "says",
        "told",
        "added",
        "noted",
        "insisted",
        "claimed",
        "stressed",
        "argued",
        "wrote",
        "asked",
        "replied",
        "continued",
        "explained",
    ];
    let words = crate::loaded::words(sentence);
    let Some(first) = words.iter().find(|w| !w.is_empty()) else {
        return false;
    };
    if OPENERS.contains(&first.as_str()) {
        return true;
    }
    words.windows(2).any(|w| {
        matches!(w[0].as_str(), "he" | "she" | "they") && SPEECH.contains(&w[1].as_str())
            || SPEECH.contains(&w[0].as_str()) && matches!(w[1].as_str(), "he" | "she" | "they")
    })
}

const ACCUSE: &[&str] = &[
    "accuse",
    "accused",
    "accuses",
    "accusation",
    "accusations",
    "blamed",
    "blames",
    "alleged",
    "alleges",
];
const REBUT: &[&str] = &[
    "denied",
    "denies",
    "insisted",
    "insists",
    "rejected",
    "rejects",
    "dismissed",
    "dismisses",
    "disputed",
    "disputes",
    "countered",
    "refuted",
    "rebuffed",
];

/// The sentence reports an accusation ("accused", "blamed").
pub fn accuses(sentence: &str) -> bool {
    crate::loaded::words(sentence)
        .iter()
        .any(|w| ACCUSE.contains(&w.as_str()))
}

/// The sentence reports a rebuttal ("denied", "insisted", "rejected").
pub fn rebuts(sentence: &str) -> bool {
    crate::loaded::words(sentence)
        .iter()
        .any(|w| REBUT.contains(&w.as_str()))
}

/// The text outside quotation marks: the outlet's own words (a speaker's
/// loaded words, quoted, are theirs).
pub fn outside_quotes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        let was = inside;
        crate::importance::track_quote(c, &mut inside);
        if !was && !inside {
            out.push(c);
        }
    }
    out
}

/// Quote marks are balanced: the sentence does not open a quotation it
/// does not close (or close one it did not open).
fn balanced_quotes(s: &str) -> bool {
    let straight = s.matches('"').count();
    let open = s.matches('“').count();
    let close = s.matches('”').count();
    straight & 1 == 0 && open == close
}

/// The candidate sentences of the given articles (indices into
/// `articles`): body sentences of 5–80 words with balanced quotes.
pub fn candidates(
    articles: &[&Article],
    use_article: &[bool],
    words: &StoryWords,
    stemmer: &Stemmer,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (ai, a) in articles.iter().enumerate() {
        if !use_article[ai] {
            continue;
        }
        let mut index = 0;
        for s in &a.sentences {
            let body = a
                .paragraphs
                .get(s.paragraph)
                .is_none_or(|p| p.kind == ParagraphKind::Body);
            if !body {
                continue;
            }
            let text = a.slice(s.span);
            let si = index;
            index += 1;
            let toks = words.tokens(text, stemmer);
            let n = toks.ids.len();
            if !(5..=80).contains(&n) || !balanced_quotes(text) {
                continue;
            }
            let mut sorted = toks.ids;
            sorted.sort_unstable();
            let mut distinct: Vec<u32> = Vec::with_capacity(sorted.len());
            let mut counts: Vec<u32> = Vec::with_capacity(sorted.len());
            for t in sorted {
                if distinct.last() == Some(&t) {
                    if let Some(c) = counts.last_mut() {
                        *c += 1;
                    }
                } else {
                    distinct.push(t);
                    counts.push(1);
                }
            }
            out.push(Candidate {
                article: ai,
                sentence: si,
                span: s.span,
                distinct,
                counts,
                words: n,
                loaded: loaded::count(&outside_quotes(text)),
                support: 1,
                sides: [false; 2],
                dangling: dangling(text),
                speakers: 0,
            });
        }
    }
    out
}

/// Chooses candidates (indices into `cands`), in the order chosen.
pub fn select(
    cands: &[Candidate],
    words: &StoryWords,
    input_words: usize,
    length: Length,
    params: &Params,
) -> Vec<usize> {
    let (target, cap) = match length {
        Length::Auto => {
            let l = crate::model::LENGTH[0] + crate::model::LENGTH[1] * input_words as f32;
            (l.clamp(35.0, 80.0) * params.length_scale, 100usize)
        }
        Length::Words(n) => (n as f32, n + n / 4),
    };
    let gain = |c: &Candidate, st: &State| {
        let new_speakers = (c.speakers & !st.speakers).count_ones() as f32;
        let mut g = 0f32;
        for (&t, &n) in c.distinct.iter().zip(&c.counts) {
            let used = st.used[t as usize];
            let first = if used == 0 { words.p[t as usize] } else { 0.0 };
            g += first + params.repeat * (words.expected_matches(t, used, n) - first);
        }
        g - params.loaded * c.loaded as f32 - params.dangling * c.dangling as u8 as f32
            + params.support * (c.support.saturating_sub(1)) as f32
            + params.actor * new_speakers * (!c.dangling) as u8 as f32
    };
    let f1 = |ov: f32, len: usize| 2.0 * ov / (len as f32 + target);
    let mut st = State {
        used: vec![0; words.p.len()],
        ..State::default()
    };
    // Both sides of the main disagreement first: the best sentence of each.
    for side in 0..2 {
        if st.chosen.iter().any(|&k| cands[k].sides[side]) {
            continue;
        }
        let best = (0..cands.len())
            .filter(|&k| cands[k].sides[side] && !st.chosen.contains(&k))
            .max_by(|&a, &b| {
                let ga = gain(&cands[a], &st) / cands[a].words as f32;
                let gb = gain(&cands[b], &st) / cands[b].words as f32;
                ga.total_cmp(&gb).then(b.cmp(&a))
            });
        if let Some(k) = best {
            if st.words + cands[k].words <= cap || st.chosen.is_empty() {
                let g = gain(&cands[k], &st);
                st.take(k, &cands[k], g);
            }
        }
    }
    // Then a beam search over additions: each step extends every kept
    // selection by every candidate and keeps the `beam` best by expected
    // F1; a selection is finished when no addition improves it. The best
    // finished selection wins (greedy is `beam` 1).
    let width = params.beam.max(1);
    let mut beam = vec![st];
    let mut best: Option<(f32, State)> = None;
    while !beam.is_empty() {
        // Extensions as (expected F1, parent, candidate, gain, choice).
        let mut next: Vec<(f32, usize, usize, f32, Vec<usize>)> = Vec::new();
        for (parent, st) in beam.iter().enumerate() {
            let current = f1(st.overlap, st.words);
            let mut grew = false;
            let full = matches!(length, Length::Words(w) if st.words >= w);
            for (k, c) in cands.iter().enumerate() {
                if full
                    || st.chosen.contains(&k)
                    || (st.words + c.words > cap && !st.chosen.is_empty())
                {
                    continue;
                }
                let g = gain(c, st);
                let v = f1(st.overlap + g, st.words + c.words);
                if !(v > current || st.chosen.is_empty()) {
                    continue;
                }
                grew = true;
                if next.len() == width && v <= next[width - 1].0 {
                    continue;
                }
                // Two orders of the same choice are one selection.
                let mut choice = st.chosen.clone();
                choice.push(k);
                choice.sort_unstable();
                if next.iter().any(|e| e.4 == choice) {
                    continue;
                }
                let at = next.partition_point(|e| e.0 >= v);
                next.insert(at, (v, parent, k, g, choice));
                next.truncate(width);
            }
            if !grew && best.as_ref().is_none_or(|(b, _)| current > *b) {
                best = Some((current, st.clone()));
            }
        }
        beam = next
            .into_iter()
            .map(|(_, parent, k, g, _)| {
                let mut s = beam[parent].clone();
                s.take(k, &cands[k], g);
                s
            })
            .collect();
    }
    best.map(|(_, s)| s.chosen).unwrap_or_default()
}

/// The selection so far.
#[derive(Default, Clone)]
struct State {
    chosen: Vec<usize>,
    /// Uses of each word so far, by word id.
    used: Vec<u32>,
    speakers: u8,
    overlap: f32,
    words: usize,
}

impl State {
    fn take(&mut self, k: usize, c: &Candidate, gain: f32) {
        self.overlap += gain;
        self.words += c.words;
        for (&t, &n) in c.distinct.iter().zip(&c.counts) {
            self.used[t as usize] += n;
        }
        self.speakers |= c.speakers;
        self.chosen.push(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sentences_that_lean_on_others() {
        assert!(dangling("He said the bridge was safe."));
        assert!(!dangling("But the council disagreed."));
        assert!(dangling("“It is safe,” he told reporters."));
        assert!(!dangling("The mayor said the bridge was safe."));
        assert!(!dangling("Theatre reopens in Tarno."));
    }

    #[test]
    fn quoted_words_are_the_speakers() {
        assert_eq!(
            outside_quotes("It was used by a “radical battalion,” he said."),
            "It was used by a  he said."
        );
    }

    fn cand(ids: std::ops::Range<u32>, more: std::ops::Range<u32>) -> Candidate {
        let distinct: Vec<u32> = ids.chain(more).collect();
        Candidate {
            article: 0,
            sentence: 0,
            span: Span { start: 0, end: 0 },
            counts: vec![1; distinct.len()],
            words: distinct.len(),
            distinct,
            loaded: 0,
            support: 1,
            sides: [false; 2],
            dangling: false,
            speakers: 0,
        }
    }

    #[test]
    fn the_search_looks_past_the_greedy_first_choice() {
        // X is the best single sentence, but it covers half of Z and half
        // of W, which together say more in the same 20 words.
        let mut p = vec![0.6; 10];
        p.extend([0.55; 10]);
        let mut words = StoryWords::default();
        words.again = vec![0.0; p.len()];
        words.p = p;
        let cands = [cand(0..10, 0..0), cand(0..5, 10..15), cand(5..10, 15..20)];
        let greedy = Params {
            beam: 1,
            ..Params::default()
        };
        let beam = Params::default();
        assert_eq!(
            select(&cands, &words, 0, Length::Words(20), &greedy),
            [0, 1]
        );
        let mut chosen = select(&cands, &words, 0, Length::Words(20), &beam);
        chosen.sort_unstable();
        assert_eq!(chosen, [1, 2]);
    }

    #[test]
    fn quotes_must_balance() {
        assert!(balanced_quotes("He said: “We will stay.”"));
        assert!(!balanced_quotes("He said: “We will stay."));
        assert!(!balanced_quotes("\"We will stay, he said."));
        assert!(balanced_quotes("No quotes here."));
    }
}
