//! A story as a Markdown report (`/stories/{id}.md`), from its JSON so
//! that sections added to the story view later appear too.
//!
//! Article text is escaped for Markdown: a renderer that allows raw HTML
//! still shows `<script>` as text.

use serde_json::Value;
use std::fmt::Write;

/// Escapes Markdown and HTML syntax in text taken from articles.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '&' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn list(v: &Value) -> String {
    escape(&text(v))
}

/// Keys the report renders itself; any other key becomes its own section.
pub(crate) const KNOWN: &[&str] = &[
    "id",
    "headline",
    "articles",
    "outlets",
    "first_seen",
    "last_seen",
    "shared_terms",
    "names",
    "entities",
    "quotes",
    "citations",
    "summary",
    "summary_sources",
    "timeline",
    "neutral_headline",
];

/// `[1][3]` from a JSON array of source numbers.
pub(crate) fn marks(v: &Value) -> String {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .map(|n| format!("[{n}]"))
        .collect()
}

/// `[1][3]` for the distinct source numbers (`n`) of a citation list.
pub(crate) fn citation_marks(v: &Value) -> String {
    let mut ns: Vec<u64> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["n"].as_u64())
        .collect();
    ns.sort_unstable();
    ns.dedup();
    marks(&Value::from(ns))
}

/// The report.
pub fn story(v: &Value) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", escape(&text(&v["headline"])));
    let _ = writeln!(
        md,
        "Story `{}` · {} articles · outlets: {} · first {} · last {}\n",
        text(&v["id"]).replace('`', ""),
        v["articles"].as_array().map_or(0, Vec::len),
        list(&v["outlets"]),
        escape(&text(&v["first_seen"])),
        escape(&text(&v["last_seen"])),
    );
    if let Some(sents) = v["summary"].as_array().filter(|a| !a.is_empty()) {
        md.push_str("## Summary\n\n");
        let parts: Vec<String> = sents
            .iter()
            .map(|s| format!("{} {}", escape(&text(&s["text"])), marks(&s["sources"])))
            .collect();
        md.push_str(&parts.join(" "));
        md.push_str("\n\n");
        for src in v["summary_sources"].as_array().into_iter().flatten() {
            let _ = writeln!(
                md,
                "{}. {} — {}",
                text(&src["n"]),
                escape(&text(&src["outlet"])),
                escape(&text(&src["title"]))
            );
        }
        md.push('\n');
    }
    if let Some(entries) = v["timeline"].as_array().filter(|a| !a.is_empty()) {
        md.push_str("## Timeline\n\n");
        for e in entries {
            let _ = writeln!(
                md,
                "- **{}** ({}): {} {}",
                escape(&text(&e["date"])),
                if text(&e["kind"]) == "event" {
                    "happened"
                } else {
                    "first reported"
                },
                escape(&text(&e["text"])),
                citation_marks(&e["citations"])
            );
        }
        md.push('\n');
    }
    if let Some(arts) = v["articles"].as_array() {
        md.push_str("## Articles\n\n");
        for a in arts {
            let _ = writeln!(
                md,
                "- **{}** — {} ({}) `{}`",
                escape(&text(&a["title"])),
                escape(&text(&a["outlet"])),
                escape(&text(&a["published"])),
                text(&a["id"]).replace('`', "")
            );
        }
        md.push('\n');
    }
    if let Some(t) = v["shared_terms"].as_array().filter(|t| !t.is_empty()) {
        md.push_str("## Shared terms\n\n");
        let terms: Vec<String> = t
            .iter()
            .map(|t| format!("{} ({})", escape(&text(&t["term"])), text(&t["articles"])))
            .collect();
        let _ = writeln!(md, "{}\n", terms.join(", "));
    }
    if let Some(es) = v["entities"].as_array().filter(|t| !t.is_empty()) {
        md.push_str("## Entities\n\n");
        for e in es {
            let _ = writeln!(
                md,
                "- **{}** ({}), {} mentions in {} articles; variants: {}",
                escape(&text(&e["name"])),
                escape(&text(&e["kind"])),
                text(&e["mentions"]),
                text(&e["articles"]),
                list(&e["variants"])
            );
        }
        md.push('\n');
    }
    if let Some(qs) = v["quotes"].as_array().filter(|t| !t.is_empty()) {
        md.push_str("## Who said what\n\n");
        for s in qs {
            let _ = writeln!(md, "### {}\n", escape(&text(&s["speaker"])));
            for q in s["quotes"].as_array().into_iter().flatten() {
                let _ = writeln!(
                    md,
                    "> {}\n>\n> — {} ({})\n",
                    escape(&text(&q["text"])),
                    list(&q["outlets"]),
                    escape(&text(&q["kind"]))
                );
            }
        }
    }
    if let Some(cs) = v["citations"].as_array().filter(|t| !t.is_empty()) {
        md.push_str("## Cited sources\n\n");
        for c in cs {
            let _ = writeln!(
                md,
                "- **{}** ({}), cited {} times by {}",
                escape(&text(&c["name"])),
                escape(&text(&c["kind"])),
                text(&c["citations"]),
                list(&c["outlets"])
            );
        }
        md.push('\n');
    }
    if let Some(obj) = v.as_object() {
        for (k, val) in obj {
            if KNOWN.contains(&k.as_str()) || is_empty(val) {
                continue;
            }
            let _ = writeln!(md, "## {}\n", escape(&crate::pages::title_case(k)));
            generic(&mut md, val, 0);
            md.push('\n');
        }
    }
    md
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

fn generic(md: &mut String, v: &Value, depth: usize) {
    let indent = "  ".repeat(depth);
    match v {
        Value::Array(a) => {
            for item in a {
                match item {
                    Value::Object(_) | Value::Array(_) if depth < 4 => {
                        let _ = writeln!(md, "{indent}-");
                        generic(md, item, depth + 1);
                    }
                    _ => {
                        let _ = writeln!(md, "{indent}- {}", escape(&compact(item)));
                    }
                }
            }
        }
        Value::Object(o) => {
            for (k, val) in o {
                match val {
                    Value::Object(_) | Value::Array(_) if depth < 4 && !is_empty(val) => {
                        let _ = writeln!(md, "{indent}- {}:", escape(k));
                        generic(md, val, depth + 1);
                    }
                    _ => {
                        let _ = writeln!(md, "{indent}- {}: {}", escape(k), escape(&compact(val)));
                    }
                }
            }
        }
        other => {
            let _ = writeln!(md, "{indent}{}", escape(&compact(other)));
        }
    }
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}
