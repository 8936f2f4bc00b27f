//! The entities of a story: recognised mentions, resolved within each
//! article and then across articles (spelling and transliteration
//! variants, acronyms, surnames), with every variant kept.

use parallax_core::{Article, EntityKind, ParagraphKind, Span};
use parallax_entities::resolve::{resolve_across, resolve_article, ArticleResolution};
use parallax_entities::{tokens, Label, Recogniser};
use serde::Serialize;

/// One entity of a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRow {
    /// Display name.
    pub name: String,
    /// Person, organisation, location or misc.
    pub kind: EntityKind,
    /// Every distinct surface form in the story.
    pub variants: Vec<String>,
    /// Titles and roles attached to it ("Foreign Minister").
    pub roles: Vec<String>,
    /// Mentions across the story.
    pub mentions: usize,
    /// Articles mentioning it.
    pub articles: usize,
    /// Outlets mentioning it (sorted, distinct).
    pub outlets: Vec<String>,
    /// The institution it stands for when used as a metonym ("the
    /// Kremlin" for the Russian government): a relation, not a merge.
    pub metonym_of: Option<String>,
}

/// Maps a recogniser label to the model's entity kind.
pub fn kind(label: Label) -> EntityKind {
    match label {
        Label::Per => EntityKind::Person,
        Label::Org => EntityKind::Organisation,
        Label::Loc => EntityKind::Location,
        Label::Misc => EntityKind::Misc,
    }
}

/// Entity mentions of an article, outside boilerplate paragraphs.
pub fn mentions(article: &Article) -> Vec<(Span, Label)> {
    let all = Recogniser::builtin().mentions(&article.text, &tokens::tokenise(&article.text));
    let furniture: Vec<Span> = article
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Boilerplate)
        .map(|p| p.span)
        .collect();
    all.into_iter()
        .filter(|(s, _)| !furniture.iter().any(|f| s.start < f.end && f.start < s.end))
        .collect()
}

/// Resolves one article's mentions into its entities.
pub fn resolve(article: &Article, mentions: &[(Span, Label)]) -> ArticleResolution {
    resolve_article(&article.text, mentions)
}

/// A lookup from any name variant (case-insensitive, with or without a
/// leading title word) to the display name of its entity.
pub fn canonicaliser(rows: &[EntityRow]) -> impl Fn(&str) -> Option<String> + '_ {
    let mut map: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for r in rows
        .iter()
        .filter(|r| matches!(r.kind, EntityKind::Person | EntityKind::Organisation))
    {
        for v in r.variants.iter().chain(std::iter::once(&r.name)) {
            map.entry(v.to_lowercase())
                .or_insert_with(|| r.name.clone());
        }
    }
    move |name: &str| {
        let lower = name.to_lowercase();
        if let Some(n) = map.get(&lower) {
            return Some(n.clone());
        }
        // "Industry Minister Dimitar Velkov": try the trailing words.
        let words: Vec<&str> = lower.split_whitespace().collect();
        (1..words.len()).find_map(|i| map.get(&words[i..].join(" ")).cloned())
    }
}

/// The story's entities, most widely mentioned first.
pub fn story_entities(articles: &[&Article], resolutions: &[ArticleResolution]) -> Vec<EntityRow> {
    let cross = resolve_across(resolutions);
    let mut rows: Vec<EntityRow> = cross
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut outlets: Vec<String> = Vec::new();
            let mut arts: Vec<usize> = Vec::new();
            let mut mentions = 0;
            let mut metonym_of = None;
            for m in &e.members {
                let ent = &resolutions[m.article].entities[m.entity];
                mentions += ent.mentions.len();
                if !arts.contains(&m.article) {
                    arts.push(m.article);
                }
                if let Some(o) = &articles[m.article].outlet {
                    if !outlets.contains(o) {
                        outlets.push(o.clone());
                    }
                }
                if metonym_of.is_none() {
                    metonym_of = ent.metonym_of.clone();
                }
            }
            if metonym_of.is_none() {
                metonym_of = cross
                    .relations
                    .iter()
                    .find(|r| r.entity == i)
                    .map(|r| r.target.clone());
            }
            outlets.sort();
            // A gazetteer name ("Mariupol, Ukraine") is shown as the
            // articles write it when they do ("Mariupol").
            let name = match e.name.split_once(", ") {
                Some((head, _)) if e.variants.iter().any(|v| v == head) => head.to_string(),
                _ => e.name.clone(),
            };
            EntityRow {
                name,
                kind: kind(e.label),
                variants: e.variants.clone(),
                roles: e.roles.clone(),
                mentions,
                articles: arts.len(),
                outlets,
                metonym_of,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then(b.mentions.cmp(&a.mentions))
            .then(a.name.cmp(&b.name))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{ArticleId, TitleSource};

    fn art(id: &str, text: &str) -> Article {
        Article {
            id: ArticleId(id.into()),
            external_id: None,
            url: None,
            outlet: Some(format!("Outlet {id}")),
            authors: vec![],
            title: None,
            title_source: TitleSource::None,
            standfirst: None,
            published: None,
            language: None,
            text: text.into(),
            paragraphs: vec![],
            sentences: vec![],
            source: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn spelling_variants_are_one_entity() {
        let a = art("a", "Foreign Minister Sergey Lavrov met his counterpart in Antalya on Thursday. Lavrov said little.");
        let b = art(
            "b",
            "Sergei Lavrov, the Russian foreign minister, left Antalya without a deal.",
        );
        let res: Vec<ArticleResolution> =
            [&a, &b].iter().map(|x| resolve(x, &mentions(x))).collect();
        let rows = story_entities(&[&a, &b], &res);
        let lavrov = rows
            .iter()
            .find(|r| r.name.contains("Lavrov"))
            .expect("Lavrov found");
        assert_eq!(lavrov.kind, EntityKind::Person);
        assert_eq!(lavrov.articles, 2);
        assert!(
            lavrov.variants.iter().any(|v| v.contains("Sergey"))
                && lavrov.variants.iter().any(|v| v.contains("Sergei")),
            "{lavrov:?}"
        );
        let antalya = rows
            .iter()
            .find(|r| r.name == "Antalya")
            .expect("Antalya found");
        assert_eq!(antalya.kind, EntityKind::Location);
    }
}
