//! A seeded generator of a realistic synthetic news stream, for load
//! benchmarks (`parallax-eval bench`).
//!
//! The stream is a day (or more) of fictional news: events of many kinds in
//! invented places, each reported by several outlets in a burst that decays
//! over hours, in their own words (titles and facts drawn from paraphrase
//! templates, with background and generic sentences around them), with
//! quotes, numbers and dates; syndicated copies of wire reports with an
//! outlet's boilerplate; updated versions of an article at the same URL;
//! and unrelated one-off filler. Events of one kind look alike (two floods
//! in two towns on one day), so clustering has real work to do. Every line
//! carries its gold `event`, so the clustering can be scored.
//!
//! Everything is drawn from [`Rng`] seeded by the caller: the same seed and
//! size give the same stream, byte for byte.

use serde::Serialize;
use std::io::{self, Write};

/// SplitMix64: small, fast and good enough for a synthetic stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Exponentially distributed with the given mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

const ONSETS: &[&str] = &[
    "b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "r", "s", "st",
    "t", "tr", "v", "w", "z", "ch", "sh", "th",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"];
const CODAS: &[&str] = &["", "", "n", "r", "l", "s", "m", "nd", "rt", "sk", "v", "th"];

/// An invented proper name of `syllables` syllables, capitalised.
fn name(rng: &mut Rng, syllables: usize) -> String {
    let mut s = String::new();
    for i in 0..syllables {
        s.push_str(rng.pick::<&str>(ONSETS));
        s.push_str(rng.pick::<&str>(VOWELS));
        if i + 1 == syllables || rng.chance(0.3) {
            s.push_str(rng.pick::<&str>(CODAS));
        }
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

const PLACE_SUFFIXES: &[&str] = &[
    "", "", "", " Bay", " Falls", " Heights", "port", "ville", "burg",
];
const ORG_FORMS: &[&str] = &[
    "{} Group",
    "{} Holdings",
    "Bank of {}",
    "{} Energy",
    "{} Transport Authority",
    "{} University",
    "{} Workers Union",
    "{} Health Trust",
    "{} Party",
    "{} Council",
];
const ROLES: &[&str] = &[
    "the mayor",
    "a police spokesperson",
    "the regional governor",
    "a fire service commander",
    "the company's chief executive",
    "a union leader",
    "the health minister",
    "an emergency coordinator",
    "a local resident",
    "a hospital director",
    "the interior minister",
    "an independent analyst",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// One kind of event: its words and templates. Slots: `{place}`, `{org}`,
/// `{person}`, `{role}`, `{n}`, `{m}`, `{day}`.
struct Kind {
    titles: &'static [&'static str],
    facts: &'static [&'static [&'static str]],
    quotes: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind {
        titles: &[
            "Floods hit {place} as river bursts its banks",
            "{place} flooding forces {n} people from their homes",
            "Heavy rain leaves parts of {place} under water",
        ],
        facts: &[
            &["The river burst its banks in {place} on {day}, flooding the lower town.", "Flood water swept through the lower streets of {place} on {day} after days of heavy rain."],
            &["At least {n} people were forced to leave their homes, {role} said.", "Officials said {n} residents had been evacuated to schools and sports halls."],
            &["{m} people were reported missing.", "Rescuers were still searching for {m} people late on {day}."],
            &["{org} said the flood defences had been inspected last year.", "The flood barriers, maintained by {org}, failed in two places."],
        ],
        quotes: &["\"We have never seen the water this high,\" said {person}, {role}.", "\"Our priority is to get everyone to dry ground,\" {person}, {role}, told reporters."],
    },
    Kind {
        titles: &[
            "Earthquake of magnitude {m}.{n} strikes near {place}",
            "Strong quake shakes {place}, buildings damaged",
            "{place} earthquake: rescuers search rubble",
        ],
        facts: &[
            &["An earthquake struck near {place} early on {day}, the seismological agency said.", "A strong earthquake shook {place} before dawn on {day}."],
            &["At least {n} people were injured and several buildings collapsed.", "Hospitals treated {n} people injured by falling debris."],
            &["The quake was followed by {m} aftershocks.", "Seismologists recorded {m} aftershocks in the following hours."],
            &["{org} sent rescue teams with sniffer dogs.", "Rescue teams from {org} worked through the night."],
        ],
        quotes: &["\"The shaking lasted almost a minute,\" said {person}, {role}.", "\"We are checking every building in the old town,\" {person}, {role}, said."],
    },
    Kind {
        titles: &[
            "Dock workers strike closes port of {place}",
            "{place} port shut as {org} workers walk out over pay",
            "Strike at {place} docks enters day {m}",
        ],
        facts: &[
            &["Dock workers in {place} walked out on {day} in a dispute over pay.", "Workers at the port of {place} began a strike on {day} over wages."],
            &["The {org} said {n} members had joined the strike.", "About {n} workers took part, according to the union."],
            &["Ships were queuing outside the harbour, port officials said.", "More than {m} cargo ships waited at anchor off the coast."],
            &["The port operator offered a raise of {m} percent, which the union rejected.", "Talks broke down after management offered {m} percent."],
        ],
        quotes: &["\"We will stay out until the offer is fair,\" said {person}, {role}.", "\"This strike is costing the region millions every day,\" {person}, {role}, said."],
    },
    Kind {
        titles: &[
            "Fire destroys warehouse in {place}",
            "Huge blaze at {place} warehouse, {n} firefighters called",
            "Warehouse fire sends smoke over {place}",
        ],
        facts: &[
            &["A fire broke out in a warehouse near the station in {place} on {day}.", "Flames tore through a storage warehouse in {place} on {day} evening."],
            &["{n} firefighters fought the blaze for several hours.", "The fire service sent {n} firefighters and a dozen engines."],
            &["Residents were told to keep their windows closed because of the smoke.", "A thick cloud of smoke drifted over the eastern districts."],
            &["The warehouse belonged to {org}, which said no one was inside.", "{org}, which owns the building, said its staff had left before the fire."],
        ],
        quotes: &["\"The roof collapsed within twenty minutes,\" said {person}, {role}.", "\"We do not yet know how the fire started,\" {person}, {role}, said."],
    },
    Kind {
        titles: &[
            "{place} elects {person} as mayor",
            "{person} wins tight mayoral race in {place}",
            "Voters in {place} choose new mayor",
        ],
        facts: &[
            &["Voters in {place} elected {person} as mayor on {day}.", "{person} won the mayoral election in {place} on {day}."],
            &["Turnout was {m} percent, the electoral commission said.", "The commission put turnout at {m} percent."],
            &["{person} won by {n} votes over the incumbent.", "The margin of victory was {n} votes."],
            &["The campaign focused on housing and public transport.", "Housing costs and bus services dominated the campaign."],
        ],
        quotes: &["\"This city voted for change,\" {person} told supporters.", "\"We will review the result carefully,\" said {person}, {role}."],
    },
    Kind {
        titles: &[
            "{org} agrees to buy rival in {place}",
            "{org} announces takeover worth {n} million",
            "Merger talks end with {org} deal",
        ],
        facts: &[
            &["{org} said on {day} it had agreed to buy a rival based in {place}.", "{org} announced on {day} a deal to acquire a competitor from {place}."],
            &["The deal is worth {n} million, according to the company.", "The company valued the purchase at {n} million."],
            &["Shares rose {m} percent after the announcement.", "The stock climbed {m} percent in early trading."],
            &["Regulators must still approve the merger.", "The competition authority will review the deal."],
        ],
        quotes: &["\"Together we will be stronger,\" said {person}, {role}.", "\"This deal creates value for our customers,\" {person}, {role}, said."],
    },
    Kind {
        titles: &[
            "Protesters march in {place} against new tax",
            "Thousands rally in {place} over fuel prices",
            "{place} protest turns tense as police block square",
        ],
        facts: &[
            &["Thousands of people marched through {place} on {day} to protest against a new tax.", "Protesters filled the main square of {place} on {day} over the new levy."],
            &["Police said about {n} people took part; organisers said more.", "Organisers put the crowd at {n}, a figure police disputed."],
            &["{m} people were detained after scuffles near the parliament.", "Police arrested {m} people when the march reached the parliament."],
            &["The tax was proposed by the {org} last month.", "The {org} introduced the tax in its latest budget."],
        ],
        quotes: &["\"We cannot pay more,\" said {person}, {role}.", "\"The right to protest is protected, but violence is not,\" {person}, {role}, said."],
    },
    Kind {
        titles: &[
            "Train derails near {place}, {n} injured",
            "Passenger train leaves tracks outside {place}",
            "Rail crash near {place}: investigation opened",
        ],
        facts: &[
            &["A passenger train derailed near {place} on {day}.", "A train came off the tracks outside {place} on {day} morning."],
            &["{n} passengers were taken to hospital.", "Paramedics treated {n} people at the scene."],
            &["The train was carrying about {m}0 passengers, the operator said.", "Around {m}0 people were on board."],
            &["{org} said it had opened an investigation.", "Investigators from {org} arrived at the site in the afternoon."],
        ],
        quotes: &["\"The carriage tipped over and everyone fell,\" said {person}, {role}.", "\"It is too early to say what caused the derailment,\" {person}, {role}, said."],
    },
    Kind {
        titles: &[
            "{person} goes on trial in {place} fraud case",
            "Fraud trial of {person} opens in {place}",
            "Court hears {org} fraud charges",
        ],
        facts: &[
            &["The trial of {person} on fraud charges opened in {place} on {day}.", "{person} appeared in court in {place} on {day} accused of fraud."],
            &["Prosecutors say {n} million was taken from {org}.", "The charges concern {n} million missing from the accounts of {org}."],
            &["{person} denies all charges.", "The defence says {person} is innocent."],
            &["The trial is expected to last {m} weeks.", "The judge set aside {m} weeks for hearings."],
        ],
        quotes: &["\"My client has done nothing wrong,\" said {person}, {role}.", "\"The evidence will speak for itself,\" {person}, {role}, told the court."],
    },
    Kind {
        titles: &[
            "Storm cuts power to {n} homes in {place}",
            "Storm batters {place} with winds of {m}0 km/h",
            "{place} cleans up after overnight storm",
        ],
        facts: &[
            &["A storm swept across {place} overnight into {day}, cutting power to {n} homes.", "Strong winds left {n} homes in {place} without electricity on {day}."],
            &["Gusts reached {m}0 kilometres an hour.", "Wind speeds of up to {m}0 km/h were recorded."],
            &["Fallen trees blocked several roads and a school was closed.", "Trees came down across roads and schools shut for the day."],
            &["{org} said repairs could take two days.", "Engineers from {org} were working to restore supply."],
        ],
        quotes: &["\"A tree came through our roof,\" said {person}, {role}.", "\"Please stay away from fallen power lines,\" {person}, {role}, said."],
    },
    Kind {
        titles: &[
            "Hospital staff in {place} warn of shortages",
            "{place} hospital cancels operations amid staff shortage",
            "Nurses in {place} say wards are overstretched",
        ],
        facts: &[
            &["The main hospital in {place} cancelled {n} planned operations on {day}.", "{n} operations were postponed at the hospital in {place} on {day}."],
            &["Staff said {m} nursing posts were unfilled.", "The hospital has {m} vacant nursing positions."],
            &["The {org} blamed years of underfunding.", "According to the {org}, the shortages follow budget cuts."],
            &["The health ministry promised extra money next year.", "The ministry said more funding would come in the next budget."],
        ],
        quotes: &["\"We are working double shifts,\" said {person}, {role}.", "\"Patient safety is not at risk,\" {person}, {role}, insisted."],
    },
    Kind {
        titles: &[
            "{place} wins cup final {m}-{n}",
            "Late goal gives {place} the cup",
            "{place} celebrate cup triumph",
        ],
        facts: &[
            &["{place} won the cup final {m}-{n} on {day}.", "The cup went to {place} after a {m}-{n} win on {day}."],
            &["The winning goal came in the last minute.", "A late goal settled the match."],
            &["A crowd of {n}0 watched at the national stadium.", "{n}0 fans filled the stadium."],
            &["It is the club's first trophy in {m}0 years.", "The club last won a trophy {m}0 years ago."],
        ],
        quotes: &["\"This is for the fans,\" said {person}, {role}.", "\"We never stopped believing,\" {person} said after the match."],
    },
];

/// Templates of an event's own details. Slots: `{a}`, `{b}` (invented
/// names), `{place}`, `{n}`.
const DETAILS: &[&str] = &[
    "The worst damage was on {a} Street, near the {b} market.",
    "Witnesses said the trouble began outside the {a} building on {b} Road.",
    "The {a} family, who have lived in {place} for decades, said they had lost everything.",
    "A spokesperson for {a} {b} said the firm was cooperating fully.",
    "Schools in the {a} district stayed closed, and the {b} bridge was shut to traffic.",
    "The {a} centre was turned into a shelter for {n} people.",
    "Footage shared online showed crowds gathering at {a} Square.",
    "{a} {b}, who was at the scene, described hearing a loud noise.",
    "The nearby village of {a} was also affected.",
    "Officials from the {a} agency arrived on the {b} ferry.",
    "Volunteers from {a} church handed out food and blankets.",
    "The {a} stadium, which holds {n}00 people, was used as a staging area.",
];

const BACKGROUND: &[&str] = &[
    "{place} has a population of about {n}0,000 people.",
    "The region has seen several similar incidents in recent years.",
    "{org} did not respond to a request for comment.",
    "Local media reported that the situation remained tense late on {day}.",
    "The government said it was following events closely.",
    "Opposition politicians called for an inquiry.",
    "The authorities urged people to follow official advice.",
    "Further details were expected at a news conference.",
    "It was not immediately clear how long the disruption would last.",
    "Residents described scenes of confusion in the first hours.",
];

const GENERIC_WORDS: &[&str] = &[
    "report",
    "week",
    "official",
    "public",
    "service",
    "city",
    "plan",
    "money",
    "people",
    "school",
    "market",
    "price",
    "family",
    "road",
    "water",
    "energy",
    "budget",
    "worker",
    "company",
    "court",
    "police",
    "council",
    "minister",
    "health",
    "housing",
    "transport",
    "weather",
    "season",
    "local",
    "national",
    "project",
    "decision",
    "meeting",
    "statement",
    "response",
    "review",
    "change",
    "support",
    "concern",
    "question",
    "record",
    "figure",
    "level",
    "area",
    "centre",
    "morning",
    "evening",
    "month",
    "year",
    "group",
];

/// One generated article, as a JSONL line.
#[derive(Debug, Clone, Serialize)]
pub struct SynthArticle {
    /// Stable id.
    pub id: String,
    /// Its URL (an update shares it).
    pub url: String,
    /// The outlet.
    pub outlet: String,
    /// The title.
    pub title: String,
    /// Paragraphs separated by blank lines.
    pub text: String,
    /// RFC 3339.
    pub published: String,
    /// Gold event id.
    pub event: String,
    /// `original`, `copy` (syndicated) or `update` (a new version at the
    /// same URL), or `filler` (a one-off unrelated report).
    pub kind: &'static str,
}

/// What the generator produces.
#[derive(Debug, Clone, Copy)]
pub struct SynthConfig {
    /// Articles in the stream (copies and updates included).
    pub articles: usize,
    /// The seed.
    pub seed: u64,
}

struct Event {
    id: usize,
    /// Sentences only this event's reports carry: its own streets,
    /// buildings, names and figures.
    details: Vec<String>,
    /// Common words this event's reports lean on (invented, lower case):
    /// what makes two floods on one day read differently.
    lexicon: Vec<String>,
    kind: usize,
    place: String,
    org: String,
    people: [String; 2],
    roles: [&'static str; 2],
    n: u32,
    m: u32,
    day: &'static str,
    start: f64,
}

fn fill(t: impl AsRef<str>, e: &Event, who: usize) -> String {
    t.as_ref()
        .replace("{place}", &e.place)
        .replace("{org}", &e.org)
        .replace("{person}", &e.people[who])
        .replace("{role}", e.roles[who])
        .replace("{n}", &e.n.to_string())
        .replace("{m}", &e.m.to_string())
        .replace("{day}", e.day)
}

/// A sentence of generic news prose, for plausible length and vocabulary:
/// common words, and the event's own.
fn generic_sentence(rng: &mut Rng, e: &Event) -> String {
    let w = |rng: &mut Rng| -> String {
        if rng.chance(0.5) {
            rng.pick(&e.lexicon).clone()
        } else {
            rng.pick(GENERIC_WORDS).to_string()
        }
    };
    match rng.below(4) {
        0 => format!(
            "The {} {} in {} has raised {} about the {} {}.",
            w(rng),
            w(rng),
            e.place,
            w(rng),
            w(rng),
            w(rng)
        ),
        1 => format!(
            "A {} from the {} said the {} would be discussed at the next {}.",
            w(rng),
            e.org,
            w(rng),
            w(rng)
        ),
        2 => format!(
            "Earlier this {}, the {} {} was the subject of a {} {}.",
            w(rng),
            w(rng),
            w(rng),
            w(rng),
            w(rng)
        ),
        _ => format!(
            "Many {} {} {} said they expected more {} on the {}.",
            w(rng),
            w(rng),
            w(rng),
            w(rng),
            w(rng)
        ),
    }
}

/// Generates the stream and writes it as JSONL to `out`, in arrival order.
/// Returns the number of articles written and of gold events.
pub fn generate(config: SynthConfig, out: &mut impl Write) -> io::Result<(usize, usize)> {
    let mut rng = Rng::new(config.seed);
    let n = config.articles;
    // Pools sized with the stream, so that names repeat across events as
    // they do in real news.
    let places: Vec<String> = (0..(n / 40).clamp(50, 20_000))
        .map(|_| {
            let s = rng.below(2) + 2;
            name(&mut rng, s) + *rng.pick(PLACE_SUFFIXES)
        })
        .collect();
    let people: Vec<String> = (0..(n / 20).clamp(100, 50_000))
        .map(|_| {
            let a = rng.below(2) + 1;
            let b = rng.below(2) + 2;
            format!("{} {}", name(&mut rng, a), name(&mut rng, b))
        })
        .collect();
    let orgs: Vec<String> = (0..(n / 50).clamp(50, 10_000))
        .map(|_| {
            let s = rng.below(2) + 2;
            rng.pick(ORG_FORMS).replace("{}", &name(&mut rng, s))
        })
        .collect();
    let outlets: Vec<String> = (0..(n / 500).clamp(20, 2_000))
        .map(|_| {
            let s = rng.below(2) + 2;
            let base = name(&mut rng, s);
            match rng.below(5) {
                0 => format!("The {base} Times"),
                1 => format!("{base} Herald"),
                2 => format!("{base} Daily"),
                3 => format!("Radio {base}"),
                _ => format!("{base} News"),
            }
        })
        .collect();
    let wires = ["Wire Service One", "Continental Press", "Global Newswire"];
    // A day of news per 200,000 articles (at least one).
    let span = 86_400.0 * (n as f64 / 200_000.0).max(1.0);
    let t0 = 1_795_000_000.0_f64; // 2026-11-18
    let mut items: Vec<(f64, SynthArticle)> = Vec::with_capacity(n + 16);
    let mut events = 0usize;
    let mut seq = 0usize;
    while items.len() < n {
        let id = events;
        events += 1;
        if rng.chance(0.15) {
            // Filler: a one-off report of its own.
            let kind = rng.below(KINDS.len());
            let e = make_event(&mut rng, id, kind, &places, &people, &orgs, span);
            let outlet = rng.pick(&outlets).clone();
            let a = article(&mut rng, &e, &outlet, seq, e.start, "filler");
            seq += 1;
            items.push((e.start, a));
            continue;
        }
        let kind = rng.below(KINDS.len());
        let e = make_event(&mut rng, id, kind, &places, &people, &orgs, span);
        // Heavy-tailed size: most events get a few reports, some dozens.
        let size = (2.0 + rng.exp(6.0)).min(80.0) as usize;
        let mut t = e.start;
        for _ in 0..size {
            if items.len() >= n {
                break;
            }
            let outlet = rng.pick(&outlets).clone();
            let a = article(&mut rng, &e, &outlet, seq, t, "original");
            seq += 1;
            if rng.chance(0.08) && items.len() + 1 < n {
                // A syndicated copy: the same report under another name.
                let wire = *rng.pick(&wires);
                let mut c = a.clone();
                c.id = format!("a{seq}");
                c.url = format!("https://{}/{}", slug(rng.pick(&outlets)), seq);
                c.outlet = rng.pick(&outlets).clone();
                c.text.push_str(&format!(
                    "\n\nThis story was first published by {wire}. Follow {} for more news.",
                    c.outlet
                ));
                c.kind = "copy";
                seq += 1;
                items.push((t + 60.0 + rng.exp(600.0), c));
            }
            if rng.chance(0.03) && items.len() + 1 < n {
                // An update: the same URL, a paragraph more.
                let mut u = a.clone();
                u.id = format!("a{seq}");
                let facts = KINDS[e.kind].facts;
                let fact = facts[rng.below(facts.len())];
                let line = fill(rng.pick(fact), &e, 0);
                u.text.push_str(&format!("\n\nUpdate: {line}"));
                u.kind = "update";
                seq += 1;
                items.push((t + 3_600.0, u));
            }
            items.push((t, a));
            t += rng.exp(2_400.0);
        }
    }
    items.truncate(n);
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    let written = items.len();
    for (t, mut a) in items {
        a.published = rfc3339(t0 + t);
        serde_json::to_writer(&mut *out, &a)?;
        out.write_all(b"\n")?;
    }
    Ok((written, events))
}

fn make_event(
    rng: &mut Rng,
    id: usize,
    kind: usize,
    places: &[String],
    people: &[String],
    orgs: &[String],
    span: f64,
) -> Event {
    let mut details = Vec::new();
    for _ in 0..3 + rng.below(3) {
        let t = *rng.pick(DETAILS);
        let (sa, sb) = (rng.below(2) + 2, rng.below(2) + 2);
        let (a, b) = (name(rng, sa), name(rng, sb));
        details.push(t.replace("{a}", &a).replace("{b}", &b));
    }
    let lexicon = (0..12)
        .map(|_| {
            let s = rng.below(2) + 2;
            name(rng, s).to_lowercase()
        })
        .collect();
    Event {
        id,
        details,
        lexicon,
        kind,
        place: rng.pick(places).clone(),
        org: rng.pick(orgs).clone(),
        people: [rng.pick(people).clone(), rng.pick(people).clone()],
        roles: [*rng.pick(ROLES), *rng.pick(ROLES)],
        n: 3 + rng.below(400) as u32,
        m: 2 + rng.below(9) as u32,
        day: rng.pick::<&str>(DAYS),
        start: rng.unit() * span,
    }
}

fn slug(s: impl AsRef<str>) -> String {
    s.as_ref()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        + ".example"
}

fn article(
    rng: &mut Rng,
    e: &Event,
    outlet: &str,
    seq: usize,
    _t: f64,
    kind: &'static str,
) -> SynthArticle {
    let k = &KINDS[e.kind];
    let mut title = fill(rng.pick(k.titles), e, 0);
    if rng.chance(0.5) {
        title = format!("{title}: {} {}", rng.pick(&e.lexicon), rng.pick(&e.lexicon));
    }
    let mut paragraphs: Vec<String> = Vec::new();
    // The lead: the first fact, always.
    paragraphs.push(fill(rng.pick(k.facts[0]), e, 0));
    for f in &k.facts[1..] {
        if rng.chance(0.7) {
            paragraphs.push(fill(rng.pick(f), e, 0));
        }
    }
    for d in &e.details {
        if rng.chance(0.6) {
            paragraphs.push(fill(d, e, 0));
        }
    }
    if rng.chance(0.8) {
        let who = rng.below(2);
        let at = 1 + rng.below(paragraphs.len());
        paragraphs.insert(at, fill(rng.pick(k.quotes), e, who));
    }
    // Background and generic prose, to a plausible length (about 250-600
    // words).
    let extra = 8 + rng.below(18);
    for i in 0..extra {
        let s = if i % 3 == 0 {
            fill(rng.pick(BACKGROUND), e, 0)
        } else {
            generic_sentence(rng, e)
        };
        if rng.chance(0.5) && paragraphs.len() > 3 {
            if let Some(last) = paragraphs.last_mut() {
                last.push(' ');
                last.push_str(&s);
                continue;
            }
        }
        paragraphs.push(s);
    }
    SynthArticle {
        id: format!("a{seq}"),
        url: format!("https://{}/{}/{}", slug(outlet), e.id, seq),
        outlet: outlet.to_string(),
        title,
        text: paragraphs.join("\n\n"),
        published: String::new(),
        event: format!("e{}", e.id),
        kind,
    }
}

fn rfc3339(secs: f64) -> String {
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(n: usize, seed: u64) -> Vec<serde_json::Value> {
        let mut buf = Vec::new();
        generate(SynthConfig { articles: n, seed }, &mut buf).unwrap();
        String::from_utf8(buf)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn same_seed_same_stream_and_exact_size() {
        let a = stream(500, 7);
        assert_eq!(a.len(), 500);
        assert_eq!(a, stream(500, 7));
        assert_ne!(a, stream(500, 8));
    }

    #[test]
    fn stream_has_events_copies_updates_and_time_order() {
        let a = stream(3000, 1);
        let kinds = |k: &str| a.iter().filter(|x| x["kind"] == k).count();
        assert!(kinds("copy") > 50, "copies: {}", kinds("copy"));
        assert!(kinds("update") > 10, "updates: {}", kinds("update"));
        assert!(kinds("filler") > 50, "filler: {}", kinds("filler"));
        let times: Vec<&str> = a.iter().map(|x| x["published"].as_str().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        let words: usize = a
            .iter()
            .map(|x| x["text"].as_str().unwrap().split_whitespace().count())
            .sum();
        let mean = words / a.len();
        assert!((150..700).contains(&mean), "mean words {mean}");
        let events: std::collections::HashSet<&str> =
            a.iter().map(|x| x["event"].as_str().unwrap()).collect();
        assert!(
            events.len() > 200 && events.len() < 1500,
            "{}",
            events.len()
        );
    }
}
