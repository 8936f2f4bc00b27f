//! Word lists used by the extractor.
//!
//! The speech-verb list was chosen from the cue lemmas most frequent in the
//! PolNeAR training split (said, says, told, according to, wrote, called,
//! asked, added, reported, announced, noted, suggested, argued, described, …)
//! plus the usual reporting verbs of news English.

/// How a cue verb behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerbClass {
    /// An ordinary speech verb: "said", "warned".
    Speech,
    /// A verb whose object is the listener: "told", "tells".
    Tell,
    /// A belief or attitude verb that needs a clause: "believes", "thinks".
    Belief,
    /// Verbs used with documents as subjects: "found", "shows".
    Finding,
    /// "called", "described": naming verbs, content usually short.
    Naming,
}

/// Looks up a lower-case word form; `None` when it is no cue verb.
pub(crate) fn verb_class(w: &str) -> Option<VerbClass> {
    use VerbClass::*;
    Some(match w {
        "said" | "says" | "say" | "saying" | "added" | "adds" | "adding" | "wrote" | "writes"
        | "writing" | "asked" | "asks" | "asking" | "announced" | "announces" | "announcing"
        | "noted" | "notes" | "noting" | "suggested" | "suggests" | "suggesting" | "argued"
        | "argues" | "arguing" | "argue" | "explained" | "explains" | "explaining" | "insisted"
        | "insists" | "insisting" | "insist" | "claimed" | "claims" | "claiming" | "claim"
        | "warned" | "warns" | "warning" | "denied" | "denies" | "accused" | "accuses"
        | "accusing" | "stated" | "declared" | "declares" | "confirmed" | "confirms"
        | "confirming" | "reported" | "tweeted" | "tweeting" | "responded" | "replied"
        | "replies" | "acknowledged" | "acknowledges" | "acknowledging" | "admitted" | "admits"
        | "recalled" | "recalls" | "recalling" | "continued" | "concluded" | "stressed"
        | "stresses" | "emphasized" | "emphasised" | "predicted" | "predicts" | "promised"
        | "promises" | "vowed" | "vows" | "pledged" | "urged" | "urges" | "cautioned"
        | "countered" | "conceded" | "complained" | "complains" | "estimated" | "revealed"
        | "remarked" | "observed" | "alleged" | "alleges" | "asserted" | "asserts"
        | "contended" | "contends" | "posted" | "quipped" | "joked" | "boasted" | "bragged"
        | "lamented" | "charged" | "demanded" | "mused" | "reiterated" | "echoed"
        | "proclaimed" | "testified" | "disclosed" | "indicated" | "indicates" | "hinted"
        | "threatened" | "agreed" | "agrees" | "answered" | "cited" | "cites" | "citing"
        | "criticized" | "criticised" | "blamed" | "blames" | "praised" | "mentioned"
        | "conceding" | "assured" | "assures" | "retorted" | "speculated" | "acknowledge"
        | "expressed" | "questioned" | "rejected" | "defended" | "endorsed" | "dismissed"
        | "denounced" | "decried" | "blasted" | "attacked" | "proposed" | "declined"
        | "refused" | "recommended" | "condemned" | "lauded" | "touted" | "wants" | "wanted"
        | "seemed" | "seems" | "appeared" | "appears" | "opposed" | "opposes" | "supported"
        | "supports" | "sought" | "seeks" | "vowing" | "pledging" | "referring" | "referred"
        | "pointed" | "pointing" | "talking" | "talked" | "offered" | "suggest" | "seeking"
        | "showing" | "backing" | "denouncing" | "hoping" | "prefer" | "prefers" | "oppose"
        | "criticizing" | "questioning" | "rejecting" | "defending" | "endorsing" => Speech,
        "told" | "tells" | "tell" | "telling" | "informed" | "reminded" => Tell,
        "believe" | "believes" | "think" | "thinks" | "hope" | "hopes" | "hoped" | "fear"
        | "fears" | "feared" | "expect" | "worry" | "worries" | "worried" | "doubt" | "doubts"
        | "know" | "knows" | "knew" | "predict" | "suspect" | "suspects" => Belief,
        "found" | "finds" | "show" | "shows" | "showed" | "shown" => Finding,
        "called" | "calls" | "calling" | "described" | "describes" | "describing" | "labeled"
        | "labelled" | "dubbed" | "branded" => Naming,
        _ => return None,
    })
}

/// Participle forms: their source is the subject of the main clause.
pub(crate) fn is_participle(w: &str) -> bool {
    w.ends_with("ing")
}

/// Words between a subject and its verb that belong to the cue.
pub(crate) fn is_aux(w: &str) -> bool {
    matches!(
        w,
        "has"
            | "have"
            | "had"
            | "also"
            | "later"
            | "previously"
            | "would"
            | "will"
            | "did"
            | "does"
            | "do"
            | "repeatedly"
            | "once"
            | "is"
            | "was"
            | "are"
            | "were"
            | "still"
            | "again"
            | "publicly"
            | "reportedly"
            | "recently"
            | "further"
            | "often"
            | "already"
            | "subsequently"
            | "quickly"
            | "immediately"
            | "just"
            | "even"
            | "been"
            | "then"
            | "first"
            | "privately"
            | "openly"
            | "separately"
            | "flatly"
            | "simply"
            | "only"
            | "frequently"
            | "explicitly"
            | "specifically"
            | "could"
            | "may"
            | "might"
            | "can"
            | "always"
            | "never"
            | "not"
            | "n't"
    )
}

/// Lower-case words that end a noun phrase when met walking left from a verb.
pub(crate) fn is_np_stop(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "which"
            | "and"
            | "but"
            | "or"
            | "nor"
            | "neither"
            | "because"
            | "if"
            | "when"
            | "while"
            | "as"
            | "after"
            | "before"
            | "since"
            | "so"
            | "than"
            | "although"
            | "though"
            | "where"
            | "whether"
            | "whose"
            | "then"
            | "meanwhile"
            | "however"
            | "in"
            | "on"
            | "to"
            | "into"
            | "about"
            | "over"
            | "during"
            | "against"
            | "by"
            | "from"
            | "with"
            | "is"
            | "was"
            | "were"
            | "are"
            | "be"
            | "been"
            | "being"
            | "has"
            | "have"
            | "had"
            | "not"
            | "do"
            | "does"
            | "did"
            | "can"
            | "could"
            | "would"
            | "should"
            | "will"
            | "may"
            | "might"
            | "must"
            | "there"
            | "here"
            | "yesterday"
            | "today"
            | "tonight"
            | "now"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "also"
            | "still"
            | "even"
            | "yet"
            | "said"
            | "says"
            | "told"
            | "added"
            | "what"
            | "how"
            | "why"
            | "whom"
            | "under"
            | "without"
            | "until"
            | "unless"
            | "once"
            | "indeed"
            | "thus"
            | "instead"
            | "earlier"
            | "later"
            | "recently"
            | "previously"
            | "again"
            | "it"
            | "this"
            | "last"
            | "week"
            | "month"
            | "year"
            | "morning"
            | "afternoon"
            | "evening"
            | "night"
            | "interview"
            | "statement"
            | "speech"
            | "rally"
            | "meeting"
            | "conference"
            | "debate"
            | "event"
            | "briefing"
            | "hearing"
            | "letter"
            | "post"
            | "tweet"
            | "asked"
            | "who"
            | "like"
            | "just"
            | "only"
            | "at"
            | "for"
            | "of"
    )
}

/// Words that may stand between a lower-case word and a following name
/// inside one noun phrase ("campaign manager Kellyanne Conway").
pub(crate) fn is_title_word(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "former"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "senator"
            | "sen."
            | "candidate"
            | "nominee"
            | "rival"
            | "leader"
            | "minister"
            | "president"
            | "secretary"
            | "manager"
            | "chairman"
            | "chairwoman"
            | "chair"
            | "director"
            | "adviser"
            | "advisor"
            | "aide"
            | "governor"
            | "mayor"
            | "chief"
            | "strategist"
            | "official"
            | "officials"
            | "representative"
            | "rep."
            | "host"
            | "analyst"
            | "professor"
            | "economist"
            | "commentator"
            | "pollster"
            | "author"
            | "writer"
            | "columnist"
            | "editor"
            | "reporter"
            | "correspondent"
            | "ambassador"
            | "general"
            | "commander"
            | "lawyer"
            | "attorney"
            | "counsel"
            | "businessman"
            | "billionaire"
            | "mogul"
            | "hopeful"
            | "contender"
            | "frontrunner"
            | "front-runner"
            | "speaker"
            | "lawmaker"
            | "congressman"
            | "congresswoman"
            | "councilman"
            | "judge"
            | "justice"
            | "head"
            | "founder"
            | "ceo"
            | "co-founder"
            | "vice"
            | "deputy"
            | "counterpart"
            | "colleague"
            | "wife"
            | "husband"
            | "son"
            | "daughter"
            | "mother"
            | "father"
            | "brother"
            | "sister"
            | "friend"
            | "surrogate"
            | "supporter"
            | "critic"
            | "expert"
            | "researcher"
            | "scientist"
            | "activist"
            | "diplomat"
            | "envoy"
            | "negotiator"
            | "prosecutor"
            | "investigator"
            | "agent"
            | "presidential"
            | "foreign"
            | "defence"
            | "defense"
            | "prime"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "by"
            | "state"
            | "campaign"
            | "party"
            | "press"
            | "white"
            | "house"
            | "democratic"
            | "republican"
            | "u.s."
            | "top"
            | "senior"
            | "new"
            | "incoming"
            | "outgoing"
            | "then-candidate"
            | "independent"
            | "gop"
            | "committee"
            | "ranking"
            | "majority"
            | "minority"
            | "whip"
            | "retired"
            | "neurosurgeon"
            | "anchor"
            | "journalist"
            | "spokespeople"
            | "secretary-general"
    )
}

/// Abbreviated titles whose dot does not end a noun phrase.
pub(crate) fn is_abbrev_title(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "sen"
            | "rep"
            | "gov"
            | "gen"
            | "lt"
            | "col"
            | "capt"
            | "sgt"
            | "adm"
            | "maj"
            | "rev"
            | "st"
            | "jr"
            | "sr"
            | "prof"
            | "pres"
            | "amb"
            | "atty"
            | "sec"
            | "messrs"
            | "inc"
            | "co"
            | "corp"
            | "ltd"
            | "d"
            | "r"
            | "i"
    )
}

/// A single capital letter: an initial, whose dot ends nothing ("George
/// W. Bush", "Mark S. Kirk").
pub(crate) fn is_initial(t: &str) -> bool {
    t.len() == 1 && t.bytes().all(|b| b.is_ascii_uppercase())
}

/// A token after which a dot does not end a phrase: an abbreviated title
/// ("Sen.") or an initial.
pub(crate) fn is_dotted_word(t: &str) -> bool {
    is_abbrev_title(t) || is_initial(t)
}

/// Personal and relative pronouns that can be a source.
pub(crate) fn is_pronoun(w: &str) -> bool {
    matches!(
        w,
        "he" | "she" | "they" | "i" | "we" | "you" | "it" | "who" | "which" | "one"
    )
}

/// A word with a possessive "'s" or "’s" ("Trump’s").
pub(crate) fn ends_possessive(w: &str) -> bool {
    w.ends_with("'s") || w.ends_with("’s")
}

/// Determiners and possessives: a cue-verb form after one is a noun
/// ("the claims", "his reports").
pub(crate) fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "your"
            | "these"
            | "those"
            | "this"
            | "such"
            | "any"
            | "no"
            | "some"
            | "aforementioned"
            | "many"
            | "several"
            | "new"
            | "false"
            | "recent"
            | "of"
            | "unfounded"
            | "other"
            | "earlier"
            | "previous"
            | "latest"
            | "similar"
            | "both"
    )
}

/// Heads of phrases naming unnamed sources.
pub(crate) fn is_anonymous_head(w: &str) -> bool {
    matches!(
        w,
        "officials"
            | "official"
            | "source"
            | "sources"
            | "aides"
            | "aide"
            | "people"
            | "person"
            | "diplomats"
            | "diplomat"
            | "analysts"
            | "experts"
            | "observers"
            | "critics"
            | "someone"
            | "insiders"
            | "insider"
            | "witnesses"
            | "witness"
            | "residents"
            | "staffers"
            | "advisers"
            | "advisors"
            | "familiar"
            | "others"
            | "many"
            | "some"
            | "supporters"
            | "democrats"
            | "republicans"
            | "voters"
            | "americans"
            | "lawmakers"
            | "members"
    )
}

/// Kind of a cited body, as judged from its words.
pub(crate) const OUTLETS: &[&str] = &[
    "new york times",
    "washington post",
    "wall street journal",
    "los angeles times",
    "financial times",
    "the times",
    "the guardian",
    "guardian",
    "fox news",
    "cnn",
    "bbc",
    "nbc",
    "abc news",
    "abc",
    "cbs",
    "msnbc",
    "npr",
    "politico",
    "axios",
    "the hill",
    "breitbart",
    "huffington post",
    "huffpost",
    "buzzfeed",
    "al jazeera",
    "the economist",
    "usa today",
    "daily mail",
    "the telegraph",
    "the independent",
    "newsweek",
    "time magazine",
    "vox",
    "the atlantic",
    "new yorker",
    "bloomberg news",
    "daily beast",
    "kyiv independent",
    "the sun",
    "the mirror",
    "le monde",
    "der spiegel",
    "sky news",
    "cnbc",
    "yahoo news",
    "the intercept",
    "mother jones",
    "national review",
    "the nation",
    "slate",
    "salon",
    "new york post",
    "boston globe",
    "chicago tribune",
    "miami herald",
    "the post",
    "the journal",
    "the daily",
    "nytimes",
    "times",
];

/// News agencies (wire services).
pub(crate) const AGENCIES: &[&str] = &[
    "reuters",
    "associated press",
    "the ap",
    "ap",
    "afp",
    "agence france-presse",
    "bloomberg",
    "tass",
    "ria novosti",
    "ria",
    "interfax",
    "ukrinform",
    "xinhua",
    "anadolu",
    "efe",
    "dpa",
    "ansa",
    "news service",
    "news agency",
    "wire service",
    "kyodo",
    "yonhap",
];

/// Heads of official bodies.
pub(crate) const OFFICIAL: &[&str] = &[
    "ministry",
    "government",
    "council",
    "authorities",
    "authority",
    "police",
    "department",
    "kremlin",
    "white house",
    "pentagon",
    "military",
    "army",
    "court",
    "commission",
    "office",
    "parliament",
    "congress",
    "senate",
    "administration",
    "agency",
    "fbi",
    "cia",
    "nsa",
    "state department",
    "mayor's office",
    "prosecutors",
    "navy",
    "ministry's",
    "cabinet",
    "embassy",
    "regime",
    "officials",
    "general staff",
    "bureau",
    "secretariat",
    "un",
    "united nations",
    "nato",
    "eu",
    "european commission",
    "european union",
    "fda",
    "cdc",
    "who",
    "irs",
    "doj",
    "justice department",
    "treasury",
    "federal reserve",
    "supreme court",
    "legislature",
    "assembly",
    "duma",
    "rada",
    "governorate",
];

/// Heads of non-governmental organisations.
pub(crate) const ORGANISATION: &[&str] = &[
    "red cross",
    "committee",
    "campaign",
    "party",
    "union",
    "foundation",
    "institute",
    "university",
    "company",
    "group",
    "organisation",
    "organization",
    "association",
    "center",
    "centre",
    "coalition",
    "network",
    "corporation",
    "inc",
    "council on",
    "amnesty",
    "human rights watch",
    "doctors without borders",
    "msf",
    "unicef",
    "unhcr",
    "nra",
    "aclu",
    "dnc",
    "rnc",
    "gop",
    "pac",
    "super pac",
    "fund",
    "institution",
    "society",
    "federation",
    "league",
    "alliance",
    "board",
    "firm",
    "bank",
    "club",
    "chamber",
    "trust",
    "project",
    "movement",
    "caucus",
    "think tank",
    "watchdog",
];

/// Heads of documents and data a claim can rest on.
pub(crate) const DOCUMENTS: &[&str] = &[
    "report",
    "statement",
    "poll",
    "survey",
    "study",
    "memo",
    "document",
    "documents",
    "letter",
    "filing",
    "filings",
    "data",
    "analysis",
    "images",
    "records",
    "complaint",
    "lawsuit",
    "indictment",
    "transcript",
    "tweet",
    "figures",
    "estimates",
    "research",
    "investigation",
    "release",
    "press release",
    "email",
    "emails",
    "book",
    "video",
    "footage",
    "audit",
    "review",
    "census",
    "polls",
    "surveys",
    "reports",
    "numbers",
    "findings",
    "assessment",
    "testimony",
    "affidavit",
    "order",
    "ruling",
    "results",
    "polling",
];
