//! Claim-level evidence on top of the event-level aligner.
//!
//! The pair model ([`crate::align`]) learned from ECB+ whether two
//! sentences mention one event. Inside a story nearly every sentence is
//! about the story's event, so a fact needs more: the same claim. What the
//! statements know beyond their words decides here:
//!
//! - **Words in a speaker's mouth.** A direct quote is corroborated only by
//!   a report of the same speaker's words, or by a statement that names the
//!   speaker; an outlet's sentence about someone else is not the quote.
//! - **The same party, the same rare word.** Two statements of different
//!   articles attributed to one party that share a content word no other
//!   statement of the story uses ("being used" / "no longer in use") are
//!   that party's one claim, however differently the outlets word the rest.
//! - **The same rare event word.** Two attributed statements sharing an
//!   event trigger that no other statement uses ("an investigation" / "is
//!   still being investigated") report one claim.
//!
//! A word "no other statement uses" is counted over the story's statements,
//! not its articles: in a story of two articles every shared word is in
//! both articles, so article-level rarity says nothing.

use crate::align::Vocab;
use crate::statements::{Statement, Voice};
use rustc_hash::{FxHashMap, FxHashSet};

/// Score given to a pair the claim rules join (above any fact threshold).
pub const SAME_CLAIM: f32 = 0.9;

/// Reporting verbs: shared by statements because both report, not because
/// they say one thing.
const REPORTING: &[&str] = &[
    "said",
    "say",
    "says",
    "added",
    "adding",
    "told",
    "tell",
    "claimed",
    "claim",
    "insisted",
    "noted",
    "stated",
    "reported",
    "according",
    "responded",
    "replied",
    "confirmed",
    "announced",
    "explained",
    "asked",
    "repeated",
    "accused",
    "reporters",
    "journalists",
];

/// Statement-level term counts of one story, for the claim rules.
#[derive(Debug, Default)]
pub struct ClaimTerms {
    /// In how many statements each term occurs.
    statements_with: FxHashMap<u32, u32>,
    /// Reporting-verb term ids, and the words of the parties' own names
    /// (two statements of the Kremlin share "Kremlin" because both are its).
    reporting: FxHashSet<u32>,
}

impl ClaimTerms {
    /// Counts the terms of a story's statements (after all of them were
    /// signed with `vocab`).
    pub fn new(all: &[Statement], vocab: &Vocab) -> ClaimTerms {
        let mut statements_with: FxHashMap<u32, u32> = FxHashMap::default();
        for s in all {
            for &(t, _) in &s.sig.terms {
                *statements_with.entry(t).or_default() += 1;
            }
        }
        let parties = all
            .iter()
            .flat_map(|s| s.attributed_to.iter().chain(s.via.iter()))
            .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()));
        let reporting = REPORTING
            .iter()
            .copied()
            .chain(parties)
            .filter_map(|w| vocab.term(w))
            .collect();
        ClaimTerms {
            statements_with,
            reporting,
        }
    }

    /// How many of the story's statements use term `t`.
    pub fn statements_with(&self, t: u32) -> u32 {
        self.statements_with.get(&t).copied().unwrap_or(0)
    }

    /// Whether `t` is a reporting verb or a word of a party's name.
    pub fn is_reporting(&self, t: u32) -> bool {
        self.reporting.contains(&t)
    }

    /// The content terms `a` and `b` share that no other statement of the
    /// story uses (reporting verbs, the parties' names and the words that
    /// name the source, "the mayor", left out).
    pub fn exclusive_shared(&self, a: &Statement, b: &Statement) -> Vec<u32> {
        a.sig
            .terms
            .iter()
            .map(|&(t, _)| t)
            .filter(|&t| {
                self.statements_with(t) == 2
                    && !self.is_reporting(t)
                    && !a.source_terms.contains(&t)
                    && !b.source_terms.contains(&t)
                    && b.sig.terms.iter().any(|&(u, _)| u == t)
            })
            .collect()
    }

    /// The claim-level score of a pair whose lexical probability is `p`:
    /// 0 when a direct quote meets a statement that is not its speaker's,
    /// [`SAME_CLAIM`] (or `p` if higher) when a claim rule joins them, `p`
    /// otherwise.
    pub fn score(&self, a: &Statement, b: &Statement, p: f32) -> f32 {
        if !quote_fits(a, b) || !quote_fits(b, a) {
            return 0.0;
        }
        let shared = self.exclusive_shared(a, b);
        if shared.is_empty() {
            return p;
        }
        let both_attributed = a.attributed_to.is_some() && b.attributed_to.is_some();
        let event_word = shared.iter().any(|t| a.sig.triggers.contains(t));
        if same_party(a, b) || (both_attributed && event_word) {
            p.max(SAME_CLAIM)
        } else {
            p
        }
    }
}

/// Whether the two statements are attributed to one party.
pub fn same_party(a: &Statement, b: &Statement) -> bool {
    match (&a.attributed_to, &b.attributed_to) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    }
}

/// Whether `b` can be the same claim as `a` when `a` is a direct quote:
/// `b` gives the same speaker's words or names the speaker.
fn quote_fits(a: &Statement, b: &Statement) -> bool {
    let Some(speaker) = a.attributed_to.as_deref() else {
        return true;
    };
    if a.voice != Voice::Quoted {
        return true;
    }
    same_party(a, b)
        || b.entities.iter().any(|e| e.eq_ignore_ascii_case(speaker))
        || b.via
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case(speaker))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statements::Statement;
    use parallax_core::Span;

    fn statement(
        vocab: &mut Vocab,
        article: usize,
        text: &str,
        voice: Voice,
        who: Option<&str>,
        entities: &[&str],
    ) -> Statement {
        Statement {
            article,
            sentence: 0,
            span: Span::new(0, text.len()),
            text: text.to_string(),
            voice,
            attributed_to: who.map(str::to_string),
            via: None,
            anonymous: false,
            entities: entities.iter().map(|e| e.to_string()).collect(),
            numbers: Vec::new(),
            dates: Vec::new(),
            negated: false,
            modality: None,
            sig: vocab.sig(text, 5),
            source_terms: Vec::new(),
        }
    }

    #[test]
    fn a_quote_is_not_corroborated_by_another_persons_sentence() {
        let mut v = Vocab::new();
        let quote = statement(
            &mut v,
            0,
            "“I offered the harbour master a full inspection of the quay,” Holm said.",
            Voice::Quoted,
            Some("Tereza Holm"),
            &["Tereza Holm"],
        );
        let other = statement(
            &mut v,
            1,
            "The harbour master, meanwhile, has agreed to a meeting about the quay.",
            Voice::Outlet,
            None,
            &[],
        );
        let naming = statement(
            &mut v,
            1,
            "Holm offered the harbour master an inspection of the quay.",
            Voice::Outlet,
            None,
            &["Tereza Holm"],
        );
        let all = [quote, other, naming];
        let terms = ClaimTerms::new(&all, &v);
        assert_eq!(terms.score(&all[0], &all[1], 0.8), 0.0);
        assert_eq!(terms.score(&all[1], &all[0], 0.8), 0.0);
        assert_eq!(terms.score(&all[0], &all[2], 0.8), 0.8);
    }

    #[test]
    fn one_partys_claim_worded_twice_is_one_claim() {
        let mut v = Vocab::new();
        let a = statement(
            &mut v,
            0,
            "Dragić insisted that the depot was “being used” by a smuggling ring.",
            Voice::Reported,
            Some("Ilona Dragić"),
            &["Ilona Dragić"],
        );
        let b = statement(
            &mut v,
            1,
            "She said that the warehouse was no longer in use and was held by dockers.",
            Voice::Reported,
            Some("Ilona Dragić"),
            &[],
        );
        let c = statement(
            &mut v,
            1,
            "The mayor said the ferry would run again in May.",
            Voice::Reported,
            Some("Port Velna mayor"),
            &[],
        );
        let all = [a, b, c];
        let terms = ClaimTerms::new(&all, &v);
        // "used" / "use": only these two statements; "said" does not count.
        assert_eq!(terms.score(&all[0], &all[1], 0.2), SAME_CLAIM);
        assert_eq!(terms.score(&all[1], &all[2], 0.3), 0.3);
    }

    #[test]
    fn a_rare_event_word_joins_two_parties_reports() {
        let mut v = Vocab::new();
        let a = statement(
            &mut v,
            0,
            "The port authority has said there will be an investigation into the fire.",
            Voice::Reported,
            Some("port authority"),
            &[],
        );
        let b = statement(
            &mut v,
            1,
            "The ministry claimed that the blaze is still being investigated.",
            Voice::Reported,
            Some("ministry"),
            &[],
        );
        let c = statement(
            &mut v,
            1,
            "The blaze destroyed two warehouses on the quay.",
            Voice::Outlet,
            None,
            &[],
        );
        let all = [a, b, c];
        let terms = ClaimTerms::new(&all, &v);
        assert_eq!(terms.score(&all[0], &all[1], 0.1), SAME_CLAIM);
        // An outlet's own sentence is not joined by the rule.
        assert_eq!(terms.score(&all[0], &all[2], 0.1), 0.1);
    }
}
