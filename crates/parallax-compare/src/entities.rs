//! The entities of a story: recognised mentions, resolved within each
//! article and then across articles (spelling and transliteration
//! variants, acronyms, surnames), with every variant kept.

use parallax_core::{Article, EntityKind, ParagraphKind, Span};
use parallax_entities::resolve::{
    entity_id, resolve_across, resolve_article, ArticleEntity, ArticleResolution,
};
use parallax_entities::{tokens, Label, Recogniser};
use serde::Serialize;

/// One entity of a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRow {
    /// Stable id: the type and the key of the fullest name
    /// ([`entity_id`]), the same in every story that names the entity so.
    pub id: String,
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

/// Maps an entity kind back to the recogniser's label (`Unknown`, which
/// the recogniser never gives, as misc).
pub fn label(kind: EntityKind) -> Label {
    match kind {
        EntityKind::Person => Label::Per,
        EntityKind::Organisation => Label::Org,
        EntityKind::Location => Label::Loc,
        EntityKind::Misc | EntityKind::Unknown => Label::Misc,
    }
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
                id: entity_id(
                    e.label,
                    std::iter::once(e.name.as_str()).chain(e.variants.iter().map(String::as_str)),
                ),
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

/// One entity of several stories: the stories' rows that name it, merged
/// by the rules that merge an entity across the articles of one story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedEntity {
    /// Stable id ([`entity_id`] over every member's names).
    pub id: String,
    /// The ids of its rows in the stories, when they differ from `id` (a
    /// story that names a person only by surname, or by a spelling two
    /// letters apart), so a link to any of them finds it.
    pub aliases: Vec<String>,
    /// Display name (the most common row name; ties: the longest).
    pub name: String,
    /// Person, organisation, location or misc.
    pub kind: EntityKind,
    /// Every distinct surface form in every story.
    pub variants: Vec<String>,
    /// Titles and roles.
    pub roles: Vec<String>,
    /// The institution it stands for when used as a metonym.
    pub metonym_of: Option<String>,
    /// Its rows: (index of the story, index of the row in that story).
    pub members: Vec<(usize, usize)>,
}

/// Merges the entities of several stories into one index: exact and
/// gazetteer keys, transliteration and spelling variants of full names,
/// and a lone surname with the one full name that has it
/// ([`resolve_across`], each story taking the place of an article).
/// Entities come out in the order of their first row.
pub fn merge_across_stories(stories: &[&[EntityRow]]) -> Vec<IndexedEntity> {
    let groups: Vec<ArticleResolution> = stories
        .iter()
        .map(|rows| ArticleResolution {
            mentions: Vec::new(),
            entities: rows
                .iter()
                .map(|r| {
                    let mut variants = r.variants.clone();
                    if !variants.contains(&r.name) {
                        variants.push(r.name.clone());
                    }
                    ArticleEntity {
                        label: label(r.kind),
                        name: r.name.clone(),
                        mentions: Vec::new(),
                        variants,
                        roles: r.roles.clone(),
                        metonym_of: r.metonym_of.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    let cross = resolve_across(&groups);
    cross
        .entities
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let members: Vec<(usize, usize)> =
                g.members.iter().map(|m| (m.article, m.entity)).collect();
            let rows: Vec<&EntityRow> = members.iter().map(|&(s, e)| &stories[s][e]).collect();
            let id = entity_id(
                g.label,
                rows.iter()
                    .flat_map(|r| std::iter::once(&r.name).chain(&r.variants))
                    .map(String::as_str),
            );
            let mut aliases: Vec<String> = Vec::new();
            for r in &rows {
                if r.id != id && !aliases.contains(&r.id) {
                    aliases.push(r.id.clone());
                }
            }
            let mut names: Vec<(&str, usize)> = Vec::new();
            for r in &rows {
                match names.iter_mut().find(|n| n.0 == r.name) {
                    Some(n) => n.1 += 1,
                    None => names.push((&r.name, 1)),
                }
            }
            names.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.len().cmp(&a.0.len())));
            IndexedEntity {
                id,
                aliases,
                name: names[0].0.to_string(),
                kind: rows[0].kind,
                variants: g.variants.clone(),
                roles: g.roles.clone(),
                metonym_of: rows.iter().find_map(|r| r.metonym_of.clone()).or_else(|| {
                    cross
                        .relations
                        .iter()
                        .find(|r| r.entity == i)
                        .map(|r| r.target.clone())
                }),
                members,
            }
        })
        .collect()
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

    fn row(kind: EntityKind, name: &str, variants: &[&str]) -> EntityRow {
        let variants: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
        EntityRow {
            id: entity_id(
                label(kind),
                std::iter::once(name).chain(variants.iter().map(String::as_str)),
            ),
            name: name.into(),
            kind,
            variants,
            roles: vec![],
            mentions: 1,
            articles: 1,
            outlets: vec![],
            metonym_of: None,
        }
    }

    #[test]
    fn entities_merge_across_stories_by_the_same_rules() {
        use EntityKind::*;
        let a = vec![
            row(Person, "Sergey Lavrov", &["Sergey Lavrov", "Lavrov"]),
            row(Location, "Kyiv", &["Kyiv"]),
            row(Person, "John Smith", &["John Smith"]),
        ];
        let b = vec![
            row(Person, "Sergei Lavrov", &["Sergei Lavrov", "Mr. Lavrov"]),
            row(Location, "Kiev", &["Kiev"]),
            row(Person, "Jane Smith", &["Jane Smith"]),
        ];
        let c = vec![row(Person, "Lavrov", &["Lavrov"])];
        assert_eq!(a[0].id, "per-sergey-lavrov");
        assert_eq!(b[0].id, "per-sergei-lavrov");
        assert_eq!(a[1].id, b[1].id, "one id for Kyiv and Kiev");
        let index = merge_across_stories(&[&a, &b, &c]);
        let lavrov: Vec<&IndexedEntity> =
            index.iter().filter(|e| e.name.contains("Lavrov")).collect();
        assert_eq!(lavrov.len(), 1, "{index:#?}");
        let lavrov = lavrov[0];
        // One id for the person across the stories; each story's own id
        // for it is an alias.
        assert_eq!(lavrov.id, "per-sergei-lavrov");
        assert_eq!(lavrov.members, vec![(0, 0), (1, 0), (2, 0)]);
        assert_eq!(lavrov.aliases, ["per-sergey-lavrov", "per-lavrov"]);
        for v in ["Sergey Lavrov", "Sergei Lavrov", "Mr. Lavrov", "Lavrov"] {
            assert!(lavrov.variants.iter().any(|x| x == v), "{v}");
        }
        let kyiv: Vec<&IndexedEntity> = index.iter().filter(|e| e.kind == Location).collect();
        assert_eq!(kyiv.len(), 1, "{kyiv:#?}");
        let smiths = index.iter().filter(|e| e.name.contains("Smith")).count();
        assert_eq!(smiths, 2, "John and Jane Smith are two people");
    }

    #[test]
    fn a_surname_shared_by_two_people_joins_neither() {
        use EntityKind::*;
        let a = vec![row(Person, "John Smith", &["John Smith"])];
        let b = vec![row(Person, "Jane Smith", &["Jane Smith"])];
        let c = vec![row(Person, "Smith", &["Smith"])];
        let index = merge_across_stories(&[&a, &b, &c]);
        assert_eq!(index.len(), 3, "{index:#?}");
    }
}
