//! Numbers in a sentence: the value, how it is hedged ("at least"), and
//! what it counts (deaths, injured, evacuated, money, percentages,
//! durations, ordinals such as "third week").
//!
//! Digits ("1,200", "18.4%", "2.7 billion") and words ("twelve", "two
//! million", "a dozen") are read. Years, clock times, scores ("2–1") and
//! calendar days ("10 March") are not quantities and are skipped.

use parallax_text::calendar::MONTHS;
use parallax_text::tokens::{tokenize, TokenKind};
use serde::Serialize;

/// What a number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    /// People killed.
    Deaths,
    /// People injured or in hospital.
    Injured,
    /// People evacuated, displaced or who fled.
    Displaced,
    /// People arrested or detained.
    Arrested,
    /// People missing.
    Missing,
    /// An amount of money.
    Money,
    /// A percentage.
    Percent,
    /// A length of time ("31 years", "four minutes").
    Duration,
    /// An ordinal with a time unit ("third week", "18th minute").
    Ordinal,
    /// Any other count.
    Count,
}

impl QuantityKind {
    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            QuantityKind::Deaths => "deaths",
            QuantityKind::Injured => "injured",
            QuantityKind::Displaced => "evacuated or displaced",
            QuantityKind::Arrested => "arrested",
            QuantityKind::Missing => "missing",
            QuantityKind::Money => "money",
            QuantityKind::Percent => "percent",
            QuantityKind::Duration => "duration",
            QuantityKind::Ordinal => "ordinal",
            QuantityKind::Count => "count",
        }
    }

    /// True for tallies of people that outlets report and can disagree on.
    pub fn is_tally(self) -> bool {
        matches!(
            self,
            QuantityKind::Deaths
                | QuantityKind::Injured
                | QuantityKind::Displaced
                | QuantityKind::Arrested
                | QuantityKind::Missing
        )
    }
}

/// A number found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    /// The value (ordinals give their rank: "third" is 3).
    pub value: f64,
    /// The words as written ("at least 11", "two million").
    pub text: String,
    /// The hedge, if any: "at least", "more than", "about", "up to"...
    pub qualifier: Option<String>,
    /// What it counts.
    pub kind: QuantityKind,
    /// The unit or the counted noun ("people", "crowns", "week").
    pub unit: Option<String>,
    /// Byte range in the text given to [`quantities`].
    #[serde(skip)]
    pub span: (usize, usize),
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const ORDINALS: [&str; 12] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth",
];
const QUALIFIERS: [&str; 19] = [
    "at least",
    "more than",
    "fewer than",
    "less than",
    "up to",
    "an estimated",
    "as many as",
    "over",
    "about",
    "around",
    "nearly",
    "almost",
    "some",
    "roughly",
    "approximately",
    "estimated",
    "only",
    "under",
    "exactly",
];
const CURRENCIES: [&str; 16] = [
    "crowns", "crown", "dollars", "dollar", "euros", "euro", "pounds", "pound", "rubles",
    "roubles", "hryvnias", "hryvnia", "yen", "francs", "kronor", "krona",
];
const TIME_UNITS: [&str; 14] = [
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
    "month", "months", "year", "years",
];

/// Keywords that say what a nearby number counts.
fn tally_kind(word: &str) -> Option<QuantityKind> {
    use QuantityKind::*;
    Some(match word {
        "killed" | "kill" | "killing" | "dead" | "died" | "die" | "dying" | "death" | "deaths"
        | "toll" | "lives" | "bodies" | "fatalities" | "perished" | "victims" => Deaths,
        "injured" | "injuries" | "wounded" | "hurt" | "hospital" | "hospitalised"
        | "hospitalized" | "treated" | "critical" | "injuring" | "wounding" => Injured,
        "evacuated" | "evacuation" | "evacuate" | "fled" | "flee" | "fleeing" | "refugees"
        | "displaced" | "homeless" | "evacuees" => Displaced,
        "arrested" | "arrests" | "detained" | "detentions" | "arrest" | "detain" => Arrested,
        "missing" | "unaccounted" => Missing,
        _ => return None,
    })
}

fn word_value(w: &str) -> Option<f64> {
    if let Some(i) = UNITS.iter().position(|u| *u == w) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().position(|u| *u == w) {
        return Some(20.0 + 10.0 * i as f64);
    }
    if let Some((a, m)) = w.split_once('-') {
        if let (Some(v), Some(m)) = (word_value(a), multiplier(m)) {
            return Some(v * m);
        }
    }
    if let Some((t, u)) = w.split_once('-') {
        let t = TENS.iter().position(|x| *x == t)?;
        let u = UNITS[1..10].iter().position(|x| *x == u)?;
        return Some(20.0 + 10.0 * t as f64 + 1.0 + u as f64);
    }
    match w {
        "dozen" => Some(12.0),
        _ => None,
    }
}

fn multiplier(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(100.0),
        "thousand" => Some(1e3),
        "million" | "mln" | "m" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

fn ordinal_value(w: &str) -> Option<f64> {
    if let Some(i) = ORDINALS.iter().position(|o| *o == w) {
        return Some(1.0 + i as f64);
    }
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(suffix, "st" | "nd" | "rd" | "th")
    {
        return digits.parse().ok();
    }
    None
}

/// Finds the numbers of `text`.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let toks = tokenize(text);
    let lower: Vec<String> = toks
        .iter()
        .map(|t| t.text(text).to_lowercase().replace('\u{2019}', "'"))
        .collect();
    let is_punct = |i: usize, p: &str| {
        toks.get(i)
            .is_some_and(|t| t.kind == TokenKind::Punct && lower[i] == p)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let w = lower[i].as_str();
        let start = i;
        let mut value;
        let mut kind = None;
        let mut percent = false;
        let mut digits = false;
        if t.kind == TokenKind::Number {
            if let Some(v) = ordinal_value(w) {
                // "18th minute", "3rd week"
                if lower
                    .get(i + 1)
                    .is_some_and(|n| TIME_UNITS.contains(&n.as_str()))
                {
                    out.push(Quantity {
                        value: v,
                        text: text[t.span.start..toks[i + 1].span.end].to_string(),
                        qualifier: None,
                        kind: QuantityKind::Ordinal,
                        unit: Some(lower[i + 1].clone()),
                        span: (t.span.start, toks[i + 1].span.end),
                    });
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            // Clock times, scores, ranges of digits glued by punctuation.
            let glued = |j: usize| {
                toks.get(j).is_some_and(|p| {
                    p.kind == TokenKind::Punct && matches!(lower[j].as_str(), ":" | "–" | "-" | "/")
                })
            };
            if (glued(i + 1) && toks.get(i + 2).is_some_and(|n| n.kind == TokenKind::Number))
                || (i >= 2 && glued(i - 1) && toks[i - 2].kind == TokenKind::Number)
            {
                i += 1;
                continue;
            }
            let clean: String = w.chars().filter(|c| *c != ',').collect();
            match clean.parse::<f64>() {
                Ok(v) => value = v,
                Err(_) => {
                    i += 1;
                    continue;
                }
            }
            digits = true;
        } else if let Some(v) = word_value(w) {
            // "one" is too often a pronoun; keep it only before a multiplier.
            if w == "one" && lower.get(i + 1).is_none_or(|n| multiplier(n).is_none()) {
                i += 1;
                continue;
            }
            if w == "dozen" && !(i > 0 && lower[i - 1] == "a") {
                i += 1;
                continue;
            }
            value = v;
        } else if let Some(v) = ordinal_value(w) {
            if lower
                .get(i + 1)
                .is_some_and(|n| TIME_UNITS.contains(&n.as_str()))
            {
                out.push(Quantity {
                    value: v,
                    text: text[t.span.start..toks[i + 1].span.end].to_string(),
                    qualifier: None,
                    kind: QuantityKind::Ordinal,
                    unit: Some(lower[i + 1].clone()),
                    span: (t.span.start, toks[i + 1].span.end),
                });
                i += 2;
                continue;
            }
            i += 1;
            continue;
        } else {
            i += 1;
            continue;
        }
        let mut end = i;
        // Multipliers: "two million", "2.7 billion", "one hundred thousand".
        while let Some(m) = lower.get(end + 1).and_then(|n| multiplier(n)) {
            if lower[end + 1] == "m" && !digits {
                break;
            }
            value *= m;
            end += 1;
        }
        // Calendar days ("10 March") and years are not quantities.
        if digits
            && lower
                .get(end + 1)
                .is_some_and(|n| MONTHS.contains(&n.as_str()))
            && end == i
        {
            i = end + 2;
            continue;
        }
        if i > 0 && MONTHS.contains(&lower[i - 1].as_str()) && digits && end == i {
            i += 1;
            continue;
        }
        if digits && end == i && !w.contains([',', '.']) && (1800.0..=2100.0).contains(&value) {
            i += 1;
            continue;
        }
        if is_punct(end + 1, "%") || lower.get(end + 1).is_some_and(|n| n == "percent") {
            percent = true;
            end += 1;
        } else if lower.get(end + 1).is_some_and(|n| n == "per")
            && lower.get(end + 2).is_some_and(|n| n == "cent")
        {
            percent = true;
            end += 2;
        }
        let mut unit = None;
        if percent {
            kind = Some(QuantityKind::Percent);
        } else if i > 0 && matches!(lower[i - 1].as_str(), "$" | "€" | "£") {
            kind = Some(QuantityKind::Money);
            unit = Some(lower[i - 1].clone());
        } else if let Some(n) = lower.get(end + 1) {
            if CURRENCIES.contains(&n.as_str()) {
                kind = Some(QuantityKind::Money);
                unit = Some(n.clone());
                end += 1;
            } else if TIME_UNITS.contains(&n.as_str()) {
                kind = Some(QuantityKind::Duration);
                unit = Some(n.clone());
                end += 1;
            }
        }
        // The hedge before the number.
        let mut qualifier = None;
        let mut first = start;
        if start > 0 && lower[start - 1] == "a" && w == "dozen" {
            first = start - 1;
        }
        for q in QUALIFIERS {
            let n = q.split(' ').count();
            if first >= n
                && q.split(' ')
                    .zip(&lower[first - n..first])
                    .all(|(a, b)| a == b)
            {
                qualifier = Some(q.to_string());
                first -= n;
                break;
            }
        }
        if kind.is_none() {
            // What it counts: the nearest tally keyword within a window,
            // ahead first ("11 people were killed"), then behind ("the toll
            // rose to 14").
            let mut best: Option<(usize, QuantityKind)> = None;
            for (d, j) in (end + 1..(end + 7).min(toks.len())).enumerate() {
                if is_punct(j, ";") || is_punct(j, ".") {
                    break;
                }
                if let Some(k) = tally_kind(&lower[j]) {
                    best = Some((d, k));
                    break;
                }
            }
            for (d, j) in (first.saturating_sub(5)..first).rev().enumerate() {
                if is_punct(j, ";") || is_punct(j, ",") {
                    break;
                }
                if let Some(k) = tally_kind(&lower[j]) {
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, k));
                    }
                    break;
                }
            }
            // "The death toll from ... has risen to 14".
            if best.is_none()
                && i >= 2
                && lower[i - 1] == "to"
                && matches!(
                    lower[i - 2].as_str(),
                    "risen" | "rose" | "rises" | "climbed" | "increased" | "reached"
                )
                && lower[..i].iter().any(|w| w == "toll")
            {
                best = Some((0, QuantityKind::Deaths));
            }
            kind = Some(best.map_or(QuantityKind::Count, |b| b.1));
            // The counted noun: the next word that is not a stop word.
            unit = lower[end + 1..(end + 3).min(toks.len())]
                .iter()
                .zip(&toks[end + 1..(end + 3).min(toks.len())])
                .find(|(l, t)| t.kind == TokenKind::Word && !parallax_text::is_stopword(l))
                .map(|(l, _)| l.clone());
        }
        let span = (toks[first].span.start, toks[end].span.end);
        out.push(Quantity {
            value,
            text: text[span.0..span.1].to_string(),
            qualifier,
            kind: kind.unwrap_or(QuantityKind::Count),
            unit,
            span,
        });
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(t: &str) -> Quantity {
        let q = quantities(t);
        assert_eq!(q.len(), 1, "{t}: {q:?}");
        q.into_iter().next().unwrap()
    }

    #[test]
    fn tallies_and_hedges() {
        let q = one("At least 11 people were killed in the blast.");
        assert_eq!(
            (q.value, q.kind, q.qualifier.as_deref()),
            (11.0, QuantityKind::Deaths, Some("at least"))
        );
        let q = one("Twelve people died, officials said.");
        assert_eq!((q.value, q.kind), (12.0, QuantityKind::Deaths));
        let q = one("The death toll rose to 14 on Wednesday.");
        assert_eq!((q.value, q.kind), (14.0, QuantityKind::Deaths));
        let q = one("The local council claims that 1,200 civilians have died.");
        assert_eq!((q.value, q.kind), (1200.0, QuantityKind::Deaths));
        let q = one("More than two million people have fled the country.");
        assert_eq!((q.value, q.kind), (2e6, QuantityKind::Displaced));
        let q = one("Police detained six people at the gate.");
        assert_eq!((q.value, q.kind), (6.0, QuantityKind::Arrested));
    }

    #[test]
    fn units_and_skips() {
        let q = one("Shares fell 18.4% on Tuesday.");
        assert_eq!((q.value, q.kind), (18.4, QuantityKind::Percent));
        let q = one("It was fined 1.2 million crowns in 2023.");
        assert_eq!((q.value, q.kind), (1.2e6, QuantityKind::Money));
        let q = one("The war is entering its third week.");
        assert_eq!((q.value, q.kind), (3.0, QuantityKind::Ordinal));
        assert!(quantities("It exploded at 04:40 on 10 March, and the score was 2–1.").is_empty());
        let q = one("The match was halted for about four minutes.");
        assert_eq!((q.value, q.kind), (4.0, QuantityKind::Duration));
    }

    #[test]
    fn both_in_one_sentence() {
        let q = quantities("At least 11 people were killed and more than 40 injured.");
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].kind, QuantityKind::Injured);
        assert_eq!(q[1].qualifier.as_deref(), Some("more than"));
    }
}
