//! A BERT encoder's forward pass on the CPU, one sequence at a time: token,
//! position and segment embeddings, then `layers` blocks of multi-head
//! self-attention and a GELU feed-forward network, each followed by a
//! residual connection and layer normalisation (post-norm, as in BERT).
//! Matrix products run through `matrixmultiply`'s packed SGEMM kernels.
//!
//! No padding is ever added: a sequence attends only to itself, so the
//! output does not depend on what else is in a batch.

use crate::Error;
use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;

/// The shape of a BERT model, read from its `config.json`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Config {
    /// Width of every token vector.
    pub hidden_size: usize,
    /// Number of attention heads per layer (divides `hidden_size`).
    pub num_attention_heads: usize,
    /// Number of encoder layers.
    pub num_hidden_layers: usize,
    /// Width of the feed-forward layer.
    pub intermediate_size: usize,
    /// Longest sequence the position embeddings cover.
    pub max_position_embeddings: usize,
    /// Epsilon of every layer normalisation.
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f32,
}

fn default_eps() -> f32 {
    1e-12
}

/// A dense layer: `y = x Wᵀ + b`, with `W` stored `[out, in]` as PyTorch
/// stores it.
struct Linear {
    weight: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The weights of a BERT encoder.
pub struct Bert {
    config: Config,
    words: Vec<f32>,
    vocab: usize,
    positions: Vec<f32>,
    segment: Vec<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
}

/// Reads the named tensor as `f32` values, checking its shape.
fn tensor(st: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<Vec<f32>, Error> {
    let view = st
        .tensor(name)
        .map_err(|_| Error::Weights(format!("tensor `{name}` is missing")))?;
    if view.shape() != shape {
        return Err(Error::Weights(format!(
            "tensor `{name}` has shape {:?}, expected {shape:?}",
            view.shape()
        )));
    }
    let bytes = view.data();
    match view.dtype() {
        Dtype::F32 => Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()),
        Dtype::F16 => Ok(bytes
            .chunks_exact(2)
            .map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]])))
            .collect()),
        other => Err(Error::Weights(format!(
            "tensor `{name}` is {other:?}; only F32 and F16 are read"
        ))),
    }
}

/// IEEE half precision to single precision.
fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let frac = (h & 0x3ff) as u32;
    let bits = match (exp, frac) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: renormalise.
            let shift = frac.leading_zeros() - 21;
            let frac = (frac << shift) & 0x3ff;
            sign | ((113 - shift) << 23) | (frac << 13)
        }
        (0x1f, _) => sign | 0x7f80_0000 | (frac << 13),
        _ => sign | ((exp + 112) << 23) | (frac << 13),
    };
    f32::from_bits(bits)
}

impl Bert {
    /// Reads the weights from a safetensors file's bytes, with or without
    /// the `bert.` prefix of a model saved with its task head.
    pub fn from_safetensors(bytes: &[u8], config: Config) -> Result<Bert, Error> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| Error::Weights(e.to_string()))?;
        let prefix = if st.tensor("bert.embeddings.word_embeddings.weight").is_ok() {
            "bert."
        } else {
            ""
        };
        let h = config.hidden_size;
        if h.checked_rem(config.num_attention_heads) != Some(0) {
            return Err(Error::Weights(format!(
                "{} heads do not divide a hidden size of {h}",
                config.num_attention_heads
            )));
        }
        let t = |name: &str, shape: &[usize]| tensor(&st, &format!("{prefix}{name}"), shape);
        let word_view = st
            .tensor(&format!("{prefix}embeddings.word_embeddings.weight"))
            .map_err(|_| Error::Weights("the word embeddings are missing".into()))?;
        let vocab = word_view.shape().first().copied().unwrap_or(0);
        let linear = |name: &str, inputs: usize, outputs: usize| -> Result<Linear, Error> {
            Ok(Linear {
                weight: t(&format!("{name}.weight"), &[outputs, inputs])?,
                bias: t(&format!("{name}.bias"), &[outputs])?,
                inputs,
                outputs,
            })
        };
        let norm = |name: &str| -> Result<LayerNorm, Error> {
            Ok(LayerNorm {
                gamma: t(&format!("{name}.weight"), &[h])?,
                beta: t(&format!("{name}.bias"), &[h])?,
            })
        };
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for l in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{l}");
            let i = config.intermediate_size;
            layers.push(Layer {
                query: linear(&format!("{p}.attention.self.query"), h, h)?,
                key: linear(&format!("{p}.attention.self.key"), h, h)?,
                value: linear(&format!("{p}.attention.self.value"), h, h)?,
                attention_out: linear(&format!("{p}.attention.output.dense"), h, h)?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{p}.intermediate.dense"), h, i)?,
                output: linear(&format!("{p}.output.dense"), i, h)?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let segments = st
            .tensor(&format!("{prefix}embeddings.token_type_embeddings.weight"))
            .map(|v| v.shape().first().copied().unwrap_or(0))
            .unwrap_or(0);
        let segment_table = t("embeddings.token_type_embeddings.weight", &[segments, h])?;
        Ok(Bert {
            words: t("embeddings.word_embeddings.weight", &[vocab, h])?,
            vocab,
            positions: t(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, h],
            )?,
            segment: segment_table
                .get(..h)
                .map(<[f32]>::to_vec)
                .ok_or_else(|| Error::Weights("the segment embeddings are empty".into()))?,
            embedding_norm: norm("embeddings.LayerNorm")?,
            layers,
            config,
        })
    }

    /// The model's shape.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Rows of the word-embedding table.
    pub fn vocab_size(&self) -> usize {
        self.vocab
    }

    /// The last layer's token vectors of one sequence (`ids.len()` rows of
    /// `hidden_size`), ids beyond the vocabulary read as id 0 and the
    /// sequence cut at the longest the positions cover.
    pub fn forward(&self, ids: &[u32]) -> Vec<f32> {
        let h = self.config.hidden_size;
        let n = ids.len().min(self.config.max_position_embeddings);
        let mut x = vec![0f32; n * h];
        for (i, &id) in ids[..n].iter().enumerate() {
            let id = if (id as usize) < self.vocab {
                id as usize
            } else {
                0
            };
            let row = &mut x[i * h..(i + 1) * h];
            let w = &self.words[id * h..(id + 1) * h];
            let p = &self.positions[i * h..(i + 1) * h];
            for j in 0..h {
                row[j] = w[j] + p[j] + self.segment[j];
            }
        }
        self.embedding_norm
            .apply(&mut x, h, self.config.layer_norm_eps);
        let mut scratch = Scratch::new(n, &self.config);
        for layer in &self.layers {
            layer.apply(&mut x, n, &self.config, &mut scratch);
        }
        x
    }
}

/// Buffers reused across the layers of one forward pass.
struct Scratch {
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    context: Vec<f32>,
    scores: Vec<f32>,
    projected: Vec<f32>,
    inner: Vec<f32>,
}

impl Scratch {
    fn new(n: usize, c: &Config) -> Scratch {
        let h = c.hidden_size;
        Scratch {
            q: vec![0.0; n * h],
            k: vec![0.0; n * h],
            v: vec![0.0; n * h],
            context: vec![0.0; n * h],
            scores: vec![0.0; n * n],
            projected: vec![0.0; n * h],
            inner: vec![0.0; n * c.intermediate_size],
        }
    }
}

impl Layer {
    fn apply(&self, x: &mut [f32], n: usize, c: &Config, s: &mut Scratch) {
        let h = c.hidden_size;
        let heads = c.num_attention_heads;
        let d = h / heads;
        self.query.apply(x, n, &mut s.q);
        self.key.apply(x, n, &mut s.k);
        self.value.apply(x, n, &mut s.v);
        let scale = 1.0 / (d as f32).sqrt();
        for head in 0..heads {
            let off = head * d;
            // scores = Q_h K_hᵀ · scale  (n × n)
            // SAFETY: every pointer and stride below addresses elements
            // inside the buffers: Q, K, V and the context are n × h with
            // row stride h, read at columns off..off + d; scores is n × n.
            unsafe {
                matrixmultiply::sgemm(
                    n,
                    d,
                    n,
                    scale,
                    s.q.as_ptr().add(off),
                    h as isize,
                    1,
                    s.k.as_ptr().add(off),
                    1,
                    h as isize,
                    0.0,
                    s.scores.as_mut_ptr(),
                    n as isize,
                    1,
                );
            }
            for row in s.scores.chunks_exact_mut(n) {
                softmax(row);
            }
            // context_h = P V_h  (n × d), written into its columns.
            // SAFETY: as above.
            unsafe {
                matrixmultiply::sgemm(
                    n,
                    n,
                    d,
                    1.0,
                    s.scores.as_ptr(),
                    n as isize,
                    1,
                    s.v.as_ptr().add(off),
                    h as isize,
                    1,
                    0.0,
                    s.context.as_mut_ptr().add(off),
                    h as isize,
                    1,
                );
            }
        }
        self.attention_out.apply(&s.context, n, &mut s.projected);
        add_assign(x, &s.projected);
        self.attention_norm.apply(x, h, c.layer_norm_eps);
        self.intermediate.apply(x, n, &mut s.inner);
        for v in s.inner.iter_mut() {
            *v = gelu(*v);
        }
        self.output.apply(&s.inner, n, &mut s.projected);
        add_assign(x, &s.projected);
        self.output_norm.apply(x, h, c.layer_norm_eps);
    }
}

impl Linear {
    /// `out = x Wᵀ + b` for `n` rows of `x`.
    fn apply(&self, x: &[f32], n: usize, out: &mut [f32]) {
        debug_assert_eq!(x.len(), n * self.inputs);
        debug_assert_eq!(out.len(), n * self.outputs);
        for row in out.chunks_exact_mut(self.outputs) {
            row.copy_from_slice(&self.bias);
        }
        // SAFETY: x is n × inputs (row stride inputs); Wᵀ is read from W
        // (outputs × inputs) with row stride 1 and column stride inputs;
        // out is n × outputs. All lengths are checked above.
        unsafe {
            matrixmultiply::sgemm(
                n,
                self.inputs,
                self.outputs,
                1.0,
                x.as_ptr(),
                self.inputs as isize,
                1,
                self.weight.as_ptr(),
                1,
                self.inputs as isize,
                1.0,
                out.as_mut_ptr(),
                self.outputs as isize,
                1,
            );
        }
    }
}

impl LayerNorm {
    fn apply(&self, x: &mut [f32], h: usize, eps: f32) {
        for row in x.chunks_exact_mut(h) {
            let mean = row.iter().sum::<f32>() / h as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
            let inv = 1.0 / (var + eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

fn add_assign(x: &mut [f32], y: &[f32]) {
    for (a, b) in x.iter_mut().zip(y) {
        *a += b;
    }
}

fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in row.iter_mut() {
        *v /= sum;
    }
}

/// BERT's exact GELU: `x · Φ(x)`.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_converts_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0000), 0.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn softmax_and_gelu_are_right() {
        let mut r = [1.0, 2.0, 3.0];
        softmax(&mut r);
        assert!((r.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((r[2] - 0.665_240_9).abs() < 1e-6);
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert_eq!(gelu(0.0), 0.0);
    }
}
