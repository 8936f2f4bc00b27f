//! Word importance: the probability that an editor's summary of the story
//! uses a word, from how the articles use it (how many independent
//! articles, in titles, how early, how often). A logistic model whose
//! weights are learned by `parallax-eval summary --fit` on NeuS train.

use crate::background::Background;
use crate::model;
use parallax_core::Article;
use parallax_text::tokens::{tokenize, TokenKind};
use parallax_text::Stemmer;
use rustc_hash::FxHashMap;

/// Number of word features.
pub const NF: usize = 26;

/// A word's features.
pub type Features = [f32; NF];

/// The words of a story with their features and importance.
#[derive(Debug, Default)]
pub struct StoryWords {
    /// Word stems, by id.
    pub stems: Vec<String>,
    /// Features, by id.
    pub features: Vec<Features>,
    /// Probability that a summary uses the word, by id.
    pub p: Vec<f32>,
    /// Probability that a summary that uses the word once uses it again
    /// (and again, geometrically), by id: an editor's "the" recurs, a name
    /// may, a rare verb seldom does.
    pub again: Vec<f32>,
    index: FxHashMap<String, u32>,
}

/// A sentence as word ids.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// Word ids in order (all words, stop words included).
    pub ids: Vec<u32>,
}

/// Stemmed lower-case word and number tokens of a text, with whether each
/// is capitalised.
pub fn stems(text: &str, stemmer: &Stemmer) -> Vec<(String, bool)> {
    stems_quoted(text, stemmer, &mut false)
        .into_iter()
        .map(|(stem, capital, _)| (stem, capital))
        .collect()
}

/// Follows quotation marks: `inside` after the character `c`.
pub(crate) fn track_quote(c: char, inside: &mut bool) {
    match c {
        '“' => *inside = true,
        '”' => *inside = false,
        '"' => *inside = !*inside,
        _ => {}
    }
}

/// Like [`stems`], with whether each token is inside quotation marks;
/// `inside` carries an open quotation from one sentence to the next.
fn stems_quoted(text: &str, stemmer: &Stemmer, inside: &mut bool) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    // Text before `at` has been read for quotation marks.
    let mut at = 0;
    for t in tokenize(text) {
        if !matches!(t.kind, TokenKind::Word | TokenKind::Number) {
            continue;
        }
        text[at..t.span.start]
            .chars()
            .for_each(|c| track_quote(c, inside));
        at = t.span.end;
        let s = t.text(text);
        let capital = s.chars().next().is_some_and(char::is_uppercase);
        out.push((
            stemmer.stem(&s.to_lowercase()).into_owned(),
            capital,
            *inside,
        ));
    }
    text[at..].chars().for_each(|c| track_quote(c, inside));
    out
}

impl StoryWords {
    /// The id of a stem, if the story uses it.
    pub fn id(&self, stem: &str) -> Option<u32> {
        self.index.get(stem).copied()
    }

    /// Word ids of a text; words the story does not use are skipped.
    pub fn tokens(&self, text: &str, stemmer: &Stemmer) -> Tokens {
        Tokens {
            ids: stems(text, stemmer)
                .into_iter()
                .filter_map(|(s, _)| self.id(&s))
                .collect(),
        }
    }

    /// Builds the words of the given articles (copies left out by the
    /// caller) with the learned weights.
    pub fn build(articles: &[&Article], stemmer: &Stemmer) -> StoryWords {
        Self::build_with(
            articles,
            stemmer,
            Background::embedded(),
            (&model::WORD_WEIGHTS, &model::AGAIN_WEIGHTS),
        )
    }

    /// Builds with the given background counts and weights (of `p` and of
    /// `again`).
    pub fn build_with(
        articles: &[&Article],
        stemmer: &Stemmer,
        background: &Background,
        (w, again): (&Features, &Features),
    ) -> StoryWords {
        #[derive(Default)]
        struct Acc {
            articles: u32,
            last_article: Option<usize>,
            titles: u32,
            tf: u32,
            first: usize,
            leads: u32,
            capital: u32,
            mid: u32,
            quoted: u32,
            pos_sum: f32,
            early2: u32,
            early5: u32,
        }
        let mut sw = StoryWords::default();
        let mut acc: Vec<Acc> = Vec::new();
        for (ai, a) in articles.iter().enumerate() {
            let mut inside = false;
            let ns = a.sentences.len().max(1) as f32;
            for (si, s) in a.sentence_texts().enumerate() {
                if si % 8 == 0 {
                    // A lost quotation mark does not colour the whole article.
                    inside = false;
                }
                for (k, (stem, capital, quoted)) in stems_quoted(s, stemmer, &mut inside)
                    .into_iter()
                    .enumerate()
                {
                    let id = match sw.index.get(&stem) {
                        Some(&id) => id as usize,
                        None => {
                            sw.index.insert(stem.clone(), sw.stems.len() as u32);
                            sw.stems.push(stem);
                            acc.push(Acc {
                                first: usize::MAX,
                                ..Default::default()
                            });
                            sw.stems.len() - 1
                        }
                    };
                    let e = &mut acc[id];
                    if e.last_article != Some(ai) {
                        e.articles += 1;
                        e.last_article = Some(ai);
                        if si == 0 {
                            e.leads += 1;
                        }
                        e.pos_sum += si as f32 / ns;
                        e.early2 += (si < 2) as u32;
                        e.early5 += (si < 5) as u32;
                    }
                    e.tf += 1;
                    e.quoted += quoted as u32;
                    e.first = e.first.min(si);
                    if k > 0 {
                        e.mid += 1;
                        if capital {
                            e.capital += 1;
                        }
                    }
                }
            }
        }
        for a in articles {
            let mut seen = rustc_hash::FxHashSet::default();
            for (stem, _) in stems(a.title_or_empty(), stemmer) {
                if let Some(&id) = sw.index.get(&stem) {
                    if seen.insert(id) {
                        acc[id as usize].titles += 1;
                    }
                }
            }
        }
        let n = articles.len().max(1) as f32;
        let stories = background.stories() as f32;
        for (id, e) in acc.iter().enumerate() {
            let stem = &sw.stems[id];
            let bg = background.get(stem);
            let stop = parallax_text::stopwords::is_stopword(stem);
            let first = e.first as f32;
            let f: Features = [
                1.0,
                e.articles as f32 / n,
                (e.articles >= 2) as u8 as f32,
                (e.articles >= 3) as u8 as f32,
                (e.titles >= 1) as u8 as f32,
                (e.titles >= 2) as u8 as f32,
                e.tf.min(6) as f32 / 6.0,
                1.0 / (1.0 + first),
                (e.first == 0) as u8 as f32,
                stop as u8 as f32,
                stem.chars().count().min(10) as f32 / 10.0,
                (stop && e.articles >= 2) as u8 as f32,
                stem.chars().all(|c| c.is_ascii_digit()) as u8 as f32,
                (stem.chars().count() <= 2) as u8 as f32,
                if e.mid > 0 {
                    e.capital as f32 / e.mid as f32
                } else {
                    0.0
                },
                (e.leads >= 2) as u8 as f32,
                e.quoted as f32 / e.tf.max(1) as f32,
                (1.0 + e.tf as f32).ln() / 3.0,
                (e.pos_sum + (n - e.articles as f32)) / n,
                e.early2 as f32 / n,
                e.early5 as f32 / n,
                e.titles as f32 / n,
                (e.articles as f32 == n) as u8 as f32,
                (stop && e.titles >= 1) as u8 as f32,
                ((stories + 1.0) / (bg.stories as f32 + 1.0)).ln() / 8.0,
                (bg.summaries as f32 + 1.0) / (bg.stories as f32 + 2.0),
            ];
            sw.p.push(sigmoid(dot(w, &f)));
            sw.again.push(sigmoid(dot(again, &f)));
            sw.features.push(f);
        }
        sw
    }

    /// The expected number of the summary's uses of word `t` a sentence's
    /// `count` uses of it match, when the summary already has `used` of
    /// them: `P(R ≥ used+1) + … + P(R ≥ used+count)`, with `R` the
    /// editor's count, `P(R ≥ 1) = p` and each further use as likely as
    /// `again`. This is what ROUGE-1 credits (clipped counts).
    pub fn expected_matches(&self, t: u32, used: u32, count: u32) -> f32 {
        let p = self.p[t as usize];
        let q = self.again[t as usize];
        // P(R ≥ j) = p · q^(j-1).
        let mut at = p * q.powi(used as i32);
        let mut sum = 0.0;
        for _ in 0..count {
            sum += at;
            at *= q;
        }
        sum
    }
}

/// w · f.
pub fn dot(w: &Features, f: &Features) -> f32 {
    w.iter().zip(f).map(|(a, b)| a * b).sum()
}

/// The logistic function.
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Fits logistic weights by Newton's method with an L2 penalty.
#[allow(clippy::needless_range_loop)] // matrix code reads best indexed
pub fn fit(examples: &[(Features, bool)], l2: f64) -> Features {
    let mut w = [0f64; NF];
    let m = examples.len().max(1) as f64;
    for _ in 0..25 {
        let mut g = [0f64; NF];
        let mut h = [[0f64; NF]; NF];
        for (f, y) in examples {
            let z: f64 = w.iter().zip(f).map(|(a, b)| a * *b as f64).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = p - if *y { 1.0 } else { 0.0 };
            let s = p * (1.0 - p);
            for i in 0..NF {
                g[i] += r * f[i] as f64;
                for j in 0..NF {
                    h[i][j] += s * f[i] as f64 * f[j] as f64;
                }
            }
        }
        for i in 0..NF {
            g[i] = g[i] / m + l2 * w[i];
            for j in 0..NF {
                h[i][j] /= m;
            }
            h[i][i] += l2;
        }
        let step = solve(h, g);
        let mut moved = 0f64;
        for i in 0..NF {
            w[i] -= step[i];
            moved = moved.max(step[i].abs());
        }
        if moved < 1e-7 {
            break;
        }
    }
    let mut out = [0f32; NF];
    for i in 0..NF {
        out[i] = w[i] as f32;
    }
    out
}

/// Solves h · x = g by Gaussian elimination with partial pivoting.
#[allow(clippy::needless_range_loop)]
fn solve(mut h: [[f64; NF]; NF], mut g: [f64; NF]) -> [f64; NF] {
    for c in 0..NF {
        let p = (c..NF)
            .max_by(|&a, &b| h[a][c].abs().total_cmp(&h[b][c].abs()))
            .unwrap_or(c);
        h.swap(c, p);
        g.swap(c, p);
        let d = h[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        for r in c + 1..NF {
            let k = h[r][c] / d;
            for j in c..NF {
                h[r][j] -= k * h[c][j];
            }
            g[r] -= k * g[c];
        }
    }
    let mut x = [0f64; NF];
    for c in (0..NF).rev() {
        let mut s = g[c];
        for j in c + 1..NF {
            s -= h[c][j] * x[j];
        }
        x[c] = if h[c][c].abs() < 1e-12 {
            0.0
        } else {
            s / h[c][c]
        };
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_words_are_marked_across_sentences() {
        let stemmer = Stemmer::default();
        let mut inside = false;
        let a = stems_quoted("He said: “We will stay.", &stemmer, &mut inside);
        let quoted: Vec<bool> = a.iter().map(|w| w.2).collect();
        assert_eq!(quoted, [false, false, true, true, true]);
        assert!(inside, "the quotation is still open");
        let b = stems_quoted("We will not leave,” he added.", &stemmer, &mut inside);
        let quoted: Vec<bool> = b.iter().map(|w| w.2).collect();
        assert_eq!(quoted, [true, true, true, true, false, false]);
        assert!(!inside);
    }

    #[test]
    fn repeated_uses_are_credited_geometrically() {
        let sw = StoryWords {
            p: vec![0.8],
            again: vec![0.5],
            ..Default::default()
        };
        // P(R ≥ 1) + P(R ≥ 2) = 0.8 + 0.4.
        assert!((sw.expected_matches(0, 0, 2) - 1.2).abs() < 1e-6);
        // A third use, after two: P(R ≥ 3) = 0.2.
        assert!((sw.expected_matches(0, 2, 1) - 0.2).abs() < 1e-6);
        assert_eq!(sw.expected_matches(0, 0, 0), 0.0);
    }

    #[test]
    fn fit_separates_a_simple_rule() {
        let mut ex = Vec::new();
        for i in 0..200 {
            let mut f = [0f32; NF];
            f[0] = 1.0;
            f[1] = (i % 10) as f32 / 10.0;
            ex.push((f, i % 10 >= 5));
        }
        let w = fit(&ex, 1e-3);
        assert!(w[1] > 1.0, "{w:?}");
        let p_hi = sigmoid(w[0] + w[1] * 0.9);
        let p_lo = sigmoid(w[0] + w[1] * 0.1);
        assert!(p_hi > 0.8 && p_lo < 0.2);
    }
}
