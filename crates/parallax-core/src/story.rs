use crate::{ArticleId, StoryId};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A story: the articles that report one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// Stable id, derived from the founding article.
    pub id: StoryId,
    /// The headline shown for the story.
    pub headline: String,
    /// Member articles in arrival order.
    pub articles: Vec<ArticleId>,
}

/// What a listing of stories shows of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorySummary {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub headline: String,
    /// Number of member articles.
    pub articles: usize,
    /// Distinct outlets among the members, sorted.
    pub outlets: Vec<String>,
    /// Earliest publication (or ingest) time among the members.
    pub first_seen: Option<DateTime<FixedOffset>>,
    /// Latest publication (or ingest) time among the members.
    pub last_seen: Option<DateTime<FixedOffset>>,
}
