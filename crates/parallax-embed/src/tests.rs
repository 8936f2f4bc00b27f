//! Tests on a tiny random BERT written here, and (ignored unless
//! `PARALLAX_MINILM` names a model directory) against reference values of
//! all-MiniLM-L6-v2 computed independently with Hugging Face's tokenizer
//! and a NumPy forward pass.

use super::*;
use safetensors::tensor::TensorView;
use safetensors::Dtype;

const CONFIG: &str = r#"{"hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 2,
    "intermediate_size": 16, "max_position_embeddings": 16, "layer_norm_eps": 1e-12}"#;

const PIECES: [&str; 12] = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "port", "##s", "reopened", "strike", "velna", ".",
    "dock",
];

/// Deterministic pseudo-random weights in [-0.5, 0.5).
fn weights(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = Vec::with_capacity(n * 4);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = (x >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// A tiny model's safetensors bytes, without the tensors named in `skip`.
fn tiny_model(skip: &[&str]) -> Vec<u8> {
    let (h, i) = (8, 16);
    let mut shapes: Vec<(String, Vec<usize>)> = vec![
        (
            "embeddings.word_embeddings.weight".into(),
            vec![PIECES.len(), h],
        ),
        ("embeddings.position_embeddings.weight".into(), vec![16, h]),
        ("embeddings.token_type_embeddings.weight".into(), vec![2, h]),
        ("embeddings.LayerNorm.weight".into(), vec![h]),
        ("embeddings.LayerNorm.bias".into(), vec![h]),
    ];
    for l in 0..2 {
        let p = format!("encoder.layer.{l}");
        for (name, shape) in [
            ("attention.self.query", vec![h, h]),
            ("attention.self.key", vec![h, h]),
            ("attention.self.value", vec![h, h]),
            ("attention.output.dense", vec![h, h]),
            ("intermediate.dense", vec![i, h]),
            ("output.dense", vec![h, i]),
        ] {
            shapes.push((format!("{p}.{name}.bias"), vec![shape[0]]));
            shapes.push((format!("{p}.{name}.weight"), shape));
        }
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            shapes.push((format!("{p}.{norm}.weight"), vec![h]));
            shapes.push((format!("{p}.{norm}.bias"), vec![h]));
        }
    }
    shapes.retain(|(n, _)| !skip.contains(&n.as_str()));
    let data: Vec<Vec<u8>> = shapes
        .iter()
        .enumerate()
        .map(|(k, (name, s))| {
            let n = s.iter().product();
            if name.ends_with("LayerNorm.weight") {
                1f32.to_le_bytes().repeat(n)
            } else if name.ends_with("LayerNorm.bias") {
                vec![0; n * 4]
            } else {
                weights(n, k as u64 + 1)
            }
        })
        .collect();
    let views: Vec<(String, TensorView<'_>)> = shapes
        .iter()
        .zip(&data)
        .map(|((n, s), d)| {
            (
                n.clone(),
                TensorView::new(Dtype::F32, s.clone(), d).unwrap(),
            )
        })
        .collect();
    safetensors::serialize(views, None).unwrap()
}

fn vocab() -> Vec<(String, u32)> {
    PIECES
        .iter()
        .enumerate()
        .map(|(i, p)| (p.to_string(), i as u32))
        .collect()
}

fn tiny() -> Encoder {
    Encoder::from_parts(CONFIG.as_bytes(), &tiny_model(&[]), vocab()).unwrap()
}

#[test]
fn an_embedding_is_a_unit_vector_of_the_model_width() {
    let e = tiny();
    assert_eq!(e.dim(), 8);
    for text in ["The ports reopened.", "", "strike", "zzz qqq"] {
        let v = e.embed(text);
        assert_eq!(v.len(), 8);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{text:?}: norm {norm}");
    }
}

#[test]
fn embeddings_are_deterministic_and_distinguish_texts() {
    let e = tiny();
    let a = e.embed("The ports reopened.");
    let _ = e.embed("strike strike strike");
    assert_eq!(a, e.embed("The ports reopened."));
    assert!((cosine(&a, &a) - 1.0).abs() < 1e-5);
    let other = e.embed("dock strike");
    assert_ne!(a, other);
    assert!(cosine(&a, &other) < 1.0 - 1e-4, "{}", cosine(&a, &other));
}

#[test]
fn a_long_text_is_cut_at_the_positions_the_model_covers() {
    let e = tiny();
    let long = "the port ".repeat(500);
    assert_eq!(e.tokens(&long).len(), 16);
    assert_eq!(e.embed(&long).len(), 8);
    let short = tiny().with_max_tokens(4);
    assert_eq!(short.tokens(&long), vec![2, 4, 5, 3]);
}

#[test]
fn a_missing_or_misshapen_tensor_is_named() {
    let missing = tiny_model(&["encoder.layer.1.output.dense.weight"]);
    let err = Encoder::from_parts(CONFIG.as_bytes(), &missing, vocab()).unwrap_err();
    assert!(
        err.to_string()
            .contains("encoder.layer.1.output.dense.weight"),
        "{err}"
    );
    let wide = CONFIG.replace("\"intermediate_size\": 16", "\"intermediate_size\": 12");
    let err = Encoder::from_parts(wide.as_bytes(), &tiny_model(&[]), vocab()).unwrap_err();
    assert!(
        err.to_string().contains("intermediate.dense.weight"),
        "{err}"
    );
    let err = Encoder::from_parts(b"{}", &tiny_model(&[]), vocab()).unwrap_err();
    assert!(err.to_string().starts_with("config.json"), "{err}");
    let err = Encoder::from_parts(CONFIG.as_bytes(), b"not a model", vocab()).unwrap_err();
    assert!(matches!(err, Error::Weights(_)), "{err}");
}

#[test]
fn a_model_directory_is_read_and_a_missing_file_named() {
    let dir = std::env::temp_dir().join(format!("parallax-embed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.json"), CONFIG).unwrap();
    let err = Encoder::load(&dir).unwrap_err();
    assert!(err.to_string().contains("model.safetensors"), "{err}");
    std::fs::write(dir.join("model.safetensors"), tiny_model(&[])).unwrap();
    std::fs::write(dir.join("vocab.txt"), PIECES.join("\n")).unwrap();
    std::fs::write(
        dir.join("sentence_bert_config.json"),
        r#"{"max_seq_length": 6}"#,
    )
    .unwrap();
    let e = Encoder::load(&dir).unwrap();
    assert_eq!(e.max_tokens(), 6);
    assert_eq!(e.tokens("the ports reopened"), vec![2, 4, 5, 6, 7, 3]);
    let json = serde_json::json!({"model": {"type": "WordPiece",
        "vocab": PIECES.iter().enumerate().map(|(i, p)| (p.to_string(), i)).collect::<std::collections::HashMap<_, _>>()}});
    std::fs::write(dir.join("tokenizer.json"), json.to_string()).unwrap();
    assert_eq!(
        Encoder::load(&dir).unwrap().tokens("velna."),
        vec![2, 9, 10, 3]
    );
    std::fs::write(
        dir.join("tokenizer.json"),
        r#"{"model": {"type": "BPE", "vocab": {}}}"#,
    )
    .unwrap();
    let err = Encoder::load(&dir).unwrap_err();
    assert!(err.to_string().contains("BPE"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Reference values from Hugging Face `tokenizers` and a NumPy forward pass
/// of all-MiniLM-L6-v2 (float64), for sentences written for this test.
#[test]
#[ignore = "needs the MiniLM model: PARALLAX_MINILM=DIR (scripts/fetch-minilm.sh)"]
fn minilm_matches_the_reference_implementation() {
    let dir = std::env::var("PARALLAX_MINILM").expect("PARALLAX_MINILM=DIR");
    let e = Encoder::load(Path::new(&dir)).unwrap();
    let texts = [
        "The ports of Velna reopened on Tuesday.",
        "Velna's harbour opened again Tuesday, officials said.",
        "A café in Zürich — unaffable owners!",
        "",
    ];
    assert_eq!(
        e.tokens(texts[2]),
        vec![101, 1037, 7668, 1999, 10204, 1517, 14477, 20961, 3468, 5608, 999, 102]
    );
    let v: Vec<Vec<f32>> = texts.iter().map(|t| e.embed(t)).collect();
    let head: [[f32; 4]; 2] = [
        [-0.01131495, -0.04436781, -0.03763754, -0.02473864],
        [0.03163753, -0.0166597, -0.01725024, -0.01270203],
    ];
    for (got, want) in v.iter().zip(head) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-5, "{g} vs {w}");
        }
    }
    for ((i, j), want) in [((0, 1), 0.78372), ((0, 2), 0.09137), ((2, 3), 0.10781)] {
        let got = cosine(&v[i], &v[j]);
        assert!((got - want).abs() < 1e-4, "cos {i} {j}: {got} vs {want}");
    }
}
