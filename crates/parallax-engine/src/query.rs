//! Read queries for the server and the other front ends: filtered and paged
//! story and article listings, and entities and speakers across stories.
//!
//! These only read through the store's public queries; the cross-story
//! ones compute story views, so they take a bound on the stories scanned.

use crate::{Engine, Result, StoryView};
use chrono::{DateTime, FixedOffset};
use parallax_core::{EntityKind, StorySummary};
use serde::Serialize;

/// Filters on a story or article listing. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only items from this outlet (case-insensitive exact name).
    pub outlet: Option<String>,
    /// Only items at or after this time (stories: their last article).
    pub from: Option<DateTime<FixedOffset>>,
    /// Only items at or before this time (stories: their first article).
    pub to: Option<DateTime<FixedOffset>>,
    /// Only items of this story (articles only).
    pub story: Option<String>,
    /// Only stories with an article in this language (ISO 639-1 code).
    pub language: Option<String>,
    /// Only these stories (e.g. those whose articles mention an entity,
    /// found by the caller's search index).
    pub stories: Option<std::collections::HashSet<String>>,
}

impl ListFilter {
    /// Whether the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.outlet.is_none()
            && self.from.is_none()
            && self.to.is_none()
            && self.story.is_none()
            && self.language.is_none()
            && self.stories.is_none()
    }

    fn outlet_ok(&self, outlet: Option<&str>) -> bool {
        match (&self.outlet, outlet) {
            (None, _) => true,
            (Some(want), Some(o)) => {
                want.eq_ignore_ascii_case(o) || want.to_lowercase() == o.to_lowercase()
            }
            (Some(_), None) => false,
        }
    }

    fn span_ok(
        &self,
        first: Option<DateTime<FixedOffset>>,
        last: Option<DateTime<FixedOffset>>,
    ) -> bool {
        if let Some(from) = self.from {
            if last.or(first).is_none_or(|t| t < from) {
                return false;
            }
        }
        if let Some(to) = self.to {
            if first.or(last).is_none_or(|t| t > to) {
                return false;
            }
        }
        true
    }

    /// Whether a story passes the filter.
    pub fn story_ok(&self, s: &StorySummary) -> bool {
        (self.outlet.is_none() || s.outlets.iter().any(|o| self.outlet_ok(Some(o))))
            && self.span_ok(s.first_seen, s.last_seen)
            && self.story.as_deref().is_none_or(|id| s.id.as_str() == id)
            && self
                .stories
                .as_ref()
                .is_none_or(|set| set.contains(s.id.as_str()))
    }
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Items matching the filter, over all pages.
    pub total: usize,
    /// Offset of the next page, if there is one.
    pub next: Option<usize>,
}

/// An entity across stories.
#[derive(Debug, Clone, Serialize)]
pub struct EntityEntry {
    /// Stable id (`per-sergey-lavrov`): the same in every story that gives
    /// the entity's full name, and in every index that holds it.
    pub id: String,
    /// Other ids its stories give it (a story that names a person only by
    /// surname), so a link to any of them finds it.
    pub aliases: Vec<String>,
    /// Display name.
    pub name: String,
    /// Person, organisation, location or misc.
    pub kind: EntityKind,
    /// Every surface form seen, across stories.
    pub variants: Vec<String>,
    /// Titles and roles.
    pub roles: Vec<String>,
    /// Mentions across the stories scanned.
    pub mentions: usize,
    /// Stories mentioning it: id and headline.
    pub stories: Vec<(String, String)>,
    /// The institution it stands for when used as a metonym ("the
    /// Kremlin" for the Russian government): a relation, not a merge.
    pub metonym_of: Option<String>,
}

/// What is known of one entity: where it appears and what it said.
#[derive(Debug, Clone, Serialize)]
pub struct EntityPage {
    /// The entity across stories.
    pub entity: EntityEntry,
    /// Its quotes, per story: story id, headline and the speaker's quotes.
    pub quotes: Vec<(String, String, parallax_compare::quotes::SpeakerQuotes)>,
}

impl Engine {
    /// Stories passing `filter`, most recently updated first, `limit` from
    /// `offset` (`limit` 0: all).
    pub fn list_stories(
        &self,
        filter: &ListFilter,
        offset: usize,
        limit: usize,
    ) -> Result<Page<StorySummary>> {
        if filter.is_empty() {
            // No filter: one page straight from the store's index.
            let total = self.story_count();
            let items = self.store_stories_from(offset, limit)?;
            let next = (limit > 0 && offset + items.len() < total).then_some(offset + items.len());
            return Ok(Page { items, total, next });
        }
        let in_language = match filter.language.as_deref() {
            Some(l) => Some(self.stories_in_language(l)?),
            None => None,
        };
        let all: Vec<StorySummary> = self
            .stories(0)?
            .into_iter()
            .filter(|s| filter.story_ok(s))
            .filter(|s| {
                in_language
                    .as_ref()
                    .is_none_or(|set| set.contains(s.id.as_str()))
            })
            .collect();
        Ok(page(all, offset, limit))
    }

    /// Every distinct outlet among the stories, sorted.
    pub fn outlets(&self) -> Result<Vec<String>> {
        Ok(self.outlet_names())
    }

    /// Every distinct language of the stored articles, sorted.
    pub fn languages(&self) -> Result<Vec<String>> {
        self.language_names()
    }

    /// Stored articles passing `filter`, in arrival order, `limit` from
    /// `offset` (`limit` 0: all).
    pub fn list_articles(
        &self,
        filter: &ListFilter,
        offset: usize,
        limit: usize,
    ) -> Result<Page<crate::StoredArticle>> {
        let mut items = Vec::new();
        let mut total = 0;
        self.for_each_article(|a| {
            let ok = filter.outlet_ok(a.article.outlet.as_deref())
                && filter.span_ok(a.article.published, a.article.published)
                && filter
                    .story
                    .as_deref()
                    .is_none_or(|s| a.story.as_str() == s);
            if ok {
                if total >= offset && (limit == 0 || items.len() < limit) {
                    items.push(a);
                }
                total += 1;
            }
            true
        })?;
        let next = (limit > 0 && offset + items.len() < total).then_some(offset + items.len());
        Ok(Page { items, total, next })
    }

    /// The views of the `max` most recently updated stories (0: all).
    pub fn recent_views(&self, max: usize) -> Result<Vec<StoryView>> {
        self.recent_views_with(max, &mut |_, _| {})
    }

    /// [`Engine::recent_views`], calling `progress(done, total)` after each
    /// story: each view is computed from the story's articles, which takes
    /// a while on a large store.
    pub fn recent_views_with(
        &self,
        max: usize,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<StoryView>> {
        let stories = self.stories(max)?;
        let mut out = Vec::with_capacity(stories.len());
        for (i, s) in stories.iter().enumerate() {
            if let Some(v) = self.story(s.id.as_str())? {
                out.push(v);
            }
            progress(i + 1, stories.len());
        }
        Ok(out)
    }

    /// Entities across the `max_stories` most recently updated stories (0:
    /// all), merged by the rules that merge them across the articles of a
    /// story (spelling and transliteration variants, gazetteer aliases, a
    /// lone surname with the one full name that has it), most mentioned
    /// first.
    pub fn entity_index(&self, max_stories: usize) -> Result<Vec<EntityEntry>> {
        Ok(entity_index(&self.recent_views(max_stories)?))
    }

    /// One entity, found by its id (or an alias), its name or any of its
    /// variants (case-insensitive), with its stories and quotes.
    pub fn entity_page(&self, name: &str, max_stories: usize) -> Result<Option<EntityPage>> {
        let views = self.recent_views(max_stories)?;
        let key = name.to_lowercase();
        let index = entity_index(&views);
        let found = index
            .iter()
            .find(|e| e.id == key || e.aliases.contains(&key))
            .or_else(|| index.iter().find(|e| e.name.to_lowercase() == key))
            .or_else(|| {
                index
                    .iter()
                    .find(|e| e.variants.iter().any(|v| v.to_lowercase() == key))
            });
        let Some(entity) = found.cloned() else {
            return Ok(None);
        };
        let names: Vec<String> = entity
            .variants
            .iter()
            .chain([&entity.name])
            .map(|s| s.to_lowercase())
            .collect();
        let mut quotes = Vec::new();
        for v in &views {
            for s in &v.quotes {
                if names.contains(&s.speaker.to_lowercase()) {
                    quotes.push((
                        v.summary.id.to_string(),
                        v.summary.headline.clone(),
                        s.clone(),
                    ));
                }
            }
        }
        Ok(Some(EntityPage { entity, quotes }))
    }
}

/// Merges the entities of several story views into one entry per entity
/// ([`parallax_compare::entities::merge_across_stories`]), most mentioned
/// first.
pub fn entity_index(views: &[StoryView]) -> Vec<EntityEntry> {
    let rows: Vec<&[parallax_compare::entities::EntityRow]> =
        views.iter().map(|v| v.entities.as_slice()).collect();
    let mut out: Vec<EntityEntry> = parallax_compare::entities::merge_across_stories(&rows)
        .into_iter()
        .map(|e| {
            let mut stories: Vec<(String, String)> = Vec::new();
            let mut mentions = 0;
            for &(s, r) in &e.members {
                mentions += views[s].entities[r].mentions;
                let id = views[s].summary.id.to_string();
                if !stories.iter().any(|(x, _)| *x == id) {
                    stories.push((id, views[s].summary.headline.clone()));
                }
            }
            EntityEntry {
                id: e.id,
                aliases: e.aliases,
                name: e.name,
                kind: e.kind,
                variants: e.variants,
                roles: e.roles,
                mentions,
                stories,
                metonym_of: e.metonym_of,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.mentions
            .cmp(&a.mentions)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

fn page<T>(all: Vec<T>, offset: usize, limit: usize) -> Page<T> {
    let total = all.len();
    let items: Vec<T> = all
        .into_iter()
        .skip(offset)
        .take(if limit == 0 { usize::MAX } else { limit })
        .collect();
    let next = (limit > 0 && offset + items.len() < total).then_some(offset + items.len());
    Page { items, total, next }
}
