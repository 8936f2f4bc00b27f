//! Pattern tests on sentences written for these tests.

use parallax_quotes::polnear::{from_analysis, parse_ann, write_ann, Evaluator};
use parallax_quotes::{
    extract, graph, Analysis, Attribution, AttributionKind, CitationVia, Options, SourceKind,
    Speaker,
};

fn run(text: &str) -> Analysis {
    extract(text, &Options::default())
}

fn sl(text: &str, s: Option<parallax_core::Span>) -> &str {
    s.map(|s| &text[s.range()]).unwrap_or("")
}

fn find<'a>(a: &'a Analysis, text: &str, content_has: &str) -> &'a Attribution {
    a.attributions
        .iter()
        .find(|x| text[x.content.range()].contains(content_has))
        .unwrap_or_else(|| panic!("no attribution with {content_has:?}: {a:#?}"))
}

#[test]
fn direct_quote_before_cue() {
    let t = "“The bridge will reopen next spring,” the mayor told reporters.";
    let a = run(t);
    let q = find(&a, t, "bridge");
    assert_eq!(q.kind, AttributionKind::Direct);
    assert_eq!(
        sl(t, Some(q.content)),
        "“The bridge will reopen next spring,”"
    );
    assert_eq!(sl(t, q.source), "the mayor");
    assert_eq!(sl(t, q.cue), "told");
}

#[test]
fn straight_quotes_and_inverted_cue() {
    let t = "\"We have enough water for a week,\" said Anna Berg, a relief worker.";
    let a = run(t);
    let q = find(&a, t, "water");
    // The source as written keeps its appositive; the speaker is the name.
    assert_eq!(sl(t, q.source), "Anna Berg, a relief worker");
    assert_eq!(
        q.speaker,
        Speaker::Named {
            name: "Anna Berg".into()
        }
    );
}

#[test]
fn quote_after_colon_cue() {
    let t = "Olga Marin said: “Nobody here has slept for three nights.”";
    let a = run(t);
    let q = find(&a, t, "slept");
    assert_eq!(q.kind, AttributionKind::Direct);
    assert_eq!(sl(t, q.source), "Olga Marin");
    assert_eq!(sl(t, q.cue), "said");
}

#[test]
fn quote_around_cue_has_two_parts() {
    let t = "“The talks were hard,” Pavel Orlov said, “but we will meet again.”";
    let a = run(t);
    assert_eq!(a.attributions.len(), 1);
    let q = &a.attributions[0];
    assert_eq!(q.content_parts.len(), 2);
    assert_eq!(sl(t, q.source), "Pavel Orlov");
}

#[test]
fn nested_quotes_stay_inside() {
    let t = "“She asked me, ‘Are you staying?’ and I said yes,” Tom Hale said.";
    let a = run(t);
    assert_eq!(a.attributions.len(), 1);
    assert!(sl(t, Some(a.attributions[0].content)).contains("‘Are you staying?’"));
    assert!(a.scare_quotes.is_empty());
}

#[test]
fn quote_across_paragraphs() {
    let t = "Rita Vance said: “We lost the harvest and the barn.\n\n“Next year we will plant again if the rain comes.”\n\nThe valley is quiet now.";
    let a = run(t);
    let q = find(&a, t, "harvest");
    assert!(sl(t, Some(q.content)).contains("Next year"));
    assert_eq!(sl(t, q.source), "Rita Vance");
}

#[test]
fn partial_quote_is_mixed() {
    let t = "Jon Pell said the deal was “a good first step” for both towns.";
    let a = run(t);
    let q = find(&a, t, "deal");
    assert_eq!(q.kind, AttributionKind::Mixed);
    assert!(a.scare_quotes.is_empty());
}

#[test]
fn reported_speech_with_that() {
    let t = "The governor said that the schools would stay closed until Monday.";
    let a = run(t);
    let q = find(&a, t, "schools");
    assert_eq!(q.kind, AttributionKind::Reported);
    assert_eq!(sl(t, q.source), "The governor");
    assert_eq!(
        sl(t, Some(q.content)),
        "that the schools would stay closed until Monday"
    );
}

#[test]
fn reported_speech_verbs() {
    for verb in [
        "claimed",
        "insisted",
        "warned",
        "argued",
        "noted",
        "added",
        "stated",
        "announced",
        "confirmed",
    ] {
        let t = format!("Mara Quist {verb} that the dam was safe.");
        let a = run(&t);
        let q = find(&a, &t, "dam");
        assert_eq!(sl(&t, q.cue), verb, "{verb}");
        assert_eq!(sl(&t, q.source), "Mara Quist", "{verb}");
    }
    let t = "Leon Brack denied the report.";
    assert_eq!(sl(t, run(t).attributions[0].source), "Leon Brack");
    let t = "Leon Brack accused the council of hiding the figures.";
    assert_eq!(sl(t, run(t).attributions[0].cue), "accused");
}

#[test]
fn told_skips_the_listener() {
    let t = "Ida Korn told the committee that funding had run out.";
    let a = run(t);
    let q = find(&a, t, "funding");
    assert_eq!(sl(t, q.source), "Ida Korn");
    assert_eq!(sl(t, Some(q.content)), "that funding had run out");
}

#[test]
fn spokesperson_appositive_is_source() {
    let t = "Hugo Lind, the mayor’s spokesperson, has said that the road is closed.";
    let a = run(t);
    let q = find(&a, t, "road");
    assert_eq!(sl(t, q.cue), "has said");
    assert_eq!(
        q.speaker,
        Speaker::Named {
            name: "Hugo Lind".into()
        }
    );
    let t = "The mayor's spokesperson said the road is closed.";
    let q = find(&run(t), t, "road").clone();
    assert_eq!(sl(t, q.source), "The mayor's spokesperson");
}

#[test]
fn content_before_inverted_cue() {
    let t = "The bridge will reopen in May, the engineer said.";
    let a = run(t);
    let q = find(&a, t, "bridge");
    assert_eq!(sl(t, Some(q.content)), "The bridge will reopen in May");
    assert_eq!(sl(t, q.source), "the engineer");
}

#[test]
fn according_to_before_and_after() {
    let t = "According to the port authority, three ships were damaged.";
    let a = run(t);
    let q = &a.attributions[0];
    assert_eq!(q.kind, AttributionKind::According);
    assert_eq!(sl(t, Some(q.content)), "three ships were damaged");
    assert_eq!(sl(t, q.source), "the port authority");
    let t = "Three ships were damaged, according to the port authority.";
    let q = run(t).attributions[0].clone();
    assert_eq!(sl(t, Some(q.content)), "Three ships were damaged");
    assert_eq!(sl(t, q.source), "the port authority");
}

#[test]
fn scare_quotes_and_titles_are_not_speech() {
    let t = "The army called it a “routine exercise” of sorts.\n\nThe band played “Blue River Road” twice at the fair.";
    let a = run(t);
    assert!(a
        .scare_quotes
        .iter()
        .any(|s| &t[s.range()] == "“Blue River Road”"));
    let t = "The town held a “festival of light” in the square.";
    let a = run(t);
    assert!(a.attributions.is_empty());
    assert_eq!(a.scare_quotes.len(), 1);
}

#[test]
fn said_in_non_speech_use() {
    for t in [
        "That said, the market stayed open late.",
        "The said property was sold in 1990.",
        "The plan is said to be ready.",
        "It was easier said than done.",
        "All told, nine boats sank.",
        "His claims were rejected by the court.",
    ] {
        let a = run(t);
        assert!(a.attributions.is_empty(), "{t}: {:?}", a.attributions);
    }
}

#[test]
fn minister_quoted_three_times_with_he_added() {
    let t = "Foreign Minister Aldo Ferrant met his counterpart in Geneva.\n\n\
“We made no progress on the corridor,” Ferrant said.\n\n\
“I offered a simple plan and got no answer,” Ferrant told reporters.\n\n\
“I will come back if there is something to discuss,” he added.";
    let a = run(t);
    let direct: Vec<_> = a
        .attributions
        .iter()
        .filter(|x| x.kind == AttributionKind::Direct)
        .collect();
    assert_eq!(direct.len(), 3);
    for d in direct {
        assert_eq!(d.speaker.name(), Some("Aldo Ferrant"), "{:?}", d.speaker);
    }
}

#[test]
fn role_speaker_resolves_to_named_minister() {
    let t = "The talks ended between the Freedonian foreign minister, Ivo Marek, and his rival.\n\n\
Marek later spoke of a meeting of the two presidents. “I hope this can happen soon,” the Freedonian minister said.";
    let a = run(t);
    let q = find(&a, t, "I hope");
    match &q.speaker {
        Speaker::Role { resolved, .. } => assert_eq!(resolved.as_deref(), Some("Ivo Marek")),
        s => panic!("{s:?}"),
    }
}

#[test]
fn pronoun_resolves_to_previous_speaker_not_mention() {
    let t = "Nadia Roux said no deal was reached with her rival, Karl Ebb. He said that the rival had made no offer.";
    let a = run(t);
    let q = find(&a, t, "no offer");
    assert_eq!(q.speaker.name(), Some("Nadia Roux"));
}

#[test]
fn described_by_body_as() {
    let t = "The harbour, where the situation was described by the Red Cross as being “dire.”";
    let a = run(t);
    let q = find(&a, t, "dire");
    assert_eq!(sl(t, q.source), "the Red Cross");
    assert_eq!(
        q.speaker,
        Speaker::Named {
            name: "Red Cross".into()
        }
    );
    assert!(a.citations.iter().any(|c| c.name == "Red Cross"));
}

#[test]
fn citations_of_outlets_and_bodies() {
    let t = "Mila Stone said the port was shut, according to Reuters. \
The ferries stopped too, Reuters noted. \
The harbour was empty, according to The New York Times.\n\n\
Two bridges fell, according to local authorities. \
The local council claims that 300 homes were lost.";
    let a = run(t);
    let names: Vec<(&str, CitationVia)> = a
        .citations
        .iter()
        .map(|c| (c.name.as_str(), c.via))
        .collect();
    assert!(
        names.contains(&("Reuters", CitationVia::According)),
        "{names:?}"
    );
    assert!(
        names.contains(&("Reuters", CitationVia::Reported)),
        "{names:?}"
    );
    assert!(
        names.contains(&("The New York Times", CitationVia::According)),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.0 == "local authorities"),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.0 == "local council"), "{names:?}");
    let council = find(&a, t, "300 homes");
    assert_eq!(council.source_kind, SourceKind::OfficialBody);
    let srcs = graph::article_sources(&a);
    let reuters = srcs.iter().find(|s| s.name == "Reuters").unwrap();
    assert_eq!(reuters.citations, 2);
    let agg = graph::aggregate([
        ("Daily Example", srcs.as_slice()),
        ("Daily Example", srcs.as_slice()),
    ]);
    assert_eq!(agg[0].articles, 2);
    assert_eq!(
        agg[0]
            .sources
            .iter()
            .find(|s| s.name == "Reuters")
            .unwrap()
            .citations,
        4
    );
}

#[test]
fn told_outlet_is_a_citation() {
    let t = "Vera Holm told Reuters that the mine was flooded.";
    let a = run(t);
    assert!(a
        .citations
        .iter()
        .any(|c| c.name == "Reuters" && c.via == CitationVia::ToldTo));
}

#[test]
fn anonymous_sources() {
    let t = "Officials said the border would reopen.";
    let a = run(t);
    assert!(matches!(
        a.attributions[0].speaker,
        Speaker::Anonymous { .. }
    ));
}

#[test]
fn polnear_round_trip_and_metrics() {
    // Character offsets differ from byte offsets after the curly quotes.
    let t = "“Yes,” Ada Kay said. Bo Lu said that it rained.";
    let a = run(t);
    let ann = write_ann(t, &a);
    let gold = parse_ann(&ann, t).unwrap();
    let pred = from_analysis(&a);
    assert_eq!(gold, pred);
    let mut ev = Evaluator::new();
    ev.add(t, &gold, &pred);
    let s = ev.scores();
    assert!((s.exact.content.f1 - 1.0).abs() < 1e-9);
    assert!((s.overlap.source.f1 - 1.0).abs() < 1e-9);
    assert!((s.attribution.f1 - 1.0).abs() < 1e-9);
    assert!(ann.contains("T1\tSource 7 14\tAda Kay"), "{ann}");
}

#[test]
fn polnear_parse_discontinuous_and_errors() {
    let t = "“Go,” he said, “now.”";
    let ann = "T1\tSource 6 8\the\nT2\tCue 9 13\tsaid\nT3\tContent 0 5;15 21\t“Go,” “now.”\nT4\tAttribution 9 13\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n#1\tAnnotatorNotes T1\tnote\n";
    let g = parse_ann(ann, t).unwrap();
    assert_eq!(g.len(), 1);
    let c = g[0].content.as_ref().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(&t[c[1].range()], "“now.”");
    assert!(parse_ann("T1\tSource 0 999\tx\n", t).is_err());
    // Token overlap: half the predicted source's tokens inside gold.
    let pred = vec![parallax_quotes::polnear::Annotated {
        source: Some(vec![parallax_core::Span::new(0, t.find("he").unwrap() + 2)]),
        cue: None,
        content: None,
    }];
    let mut ev = Evaluator::new();
    ev.add(t, &g, &pred);
    let s = ev.scores();
    assert!(s.overlap.source.precision > 0.0 && s.overlap.source.precision < 0.5);
    assert!((s.overlap.source.recall - 1.0).abs() < 1e-9);
}

/// A cue outside the verb list, found by the learned cue model: a stance,
/// attributed to its source but never a quote; without the model it is not
/// found at all.
#[test]
fn learned_cues_are_stances_not_quotes() {
    let t = "Senator Ruth Kale took aim at the harbour budget on Monday.";
    let a = run(t);
    let q = find(&a, t, "harbour budget");
    assert_eq!(q.kind, AttributionKind::Stance);
    assert_eq!(sl(t, q.source), "Senator Ruth Kale");
    assert!(sl(t, q.cue).starts_with("took aim"));
    let article = parallax_core::ArticleId::from_url("https://example.org/stance");
    assert!(a.to_quotes(&article).is_empty());
    let off = Options {
        cues: &parallax_quotes::CueModel::empty(),
        ..Options::default()
    };
    assert!(extract(t, &off).attributions.is_empty());
}

/// The subject with a long appositive is the source, not the clause after
/// the cue.
#[test]
fn appositive_subjects_are_sources() {
    let t = "Mira Tolvan, the chair of the Velmar port workers union, said the strike would end on Friday.";
    let a = run(t);
    let q = find(&a, t, "strike");
    assert_eq!(
        sl(t, q.source),
        "Mira Tolvan, the chair of the Velmar port workers union,"
    );
    let t = "Oren Blase, 41, of Tarno, Velmar, says his shop flooded twice.";
    let a = run(t);
    assert_eq!(
        sl(t, find(&a, t, "shop").source),
        "Oren Blase, 41, of Tarno, Velmar,"
    );
}

/// A second predicate of the sentence's subject, and an adverb between the
/// subject and the cue.
#[test]
fn coordinated_predicates_and_adverbs_keep_the_subject() {
    let t =
        "The Velmar Courier obtained the minutes and said the council had ignored the warnings.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "ignored").source), "The Velmar Courier");
    let t = "The mayor has repeatedly acknowledged that the bridge was unsafe.";
    let a = run(t);
    let q = find(&a, t, "unsafe");
    assert_eq!(sl(t, q.source), "The mayor");
    let t = "Dr. Ines Varo quietly warned that the clinic would close.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "clinic").source), "Dr. Ines Varo");
}

/// The source span is the phrase as written (appositive, partitive,
/// possessor, title, coordinated names); the speaker stays the name.
#[test]
fn sources_are_whole_phrases() {
    let cases = [
        (
            "“The pier is safe,” said Gov. Lena Sarro of Velmar, a former harbour pilot.",
            "pier",
            "Gov. Lena Sarro of Velmar, a former harbour pilot",
        ),
        (
            "“We lost the boats,” said Tomas Ekel, 58, of Tarno, Velmar.",
            "boats",
            "Tomas Ekel, 58, of Tarno, Velmar",
        ),
        (
            "“It was close,” said Ida Moss, 23, a nurse from nearby Orvik.",
            "close",
            "Ida Moss, 23, a nurse from nearby Orvik",
        ),
        (
            "Some of the fishermen said the nets were torn.",
            "nets",
            "Some of the fishermen",
        ),
        (
            "Thirty percent of all residents say the ferry is too slow.",
            "ferry",
            "Thirty percent of all residents",
        ),
        (
            "The Velmar Courier’ Ada Lind reported that the dock had flooded.",
            "dock",
            "The Velmar Courier’ Ada Lind",
        ),
        (
            "Harbour authority chief executive Piet Varo said the cranes were idle.",
            "cranes",
            "Harbour authority chief executive Piet Varo",
        ),
        (
            "A tearful Nora Fens said the house was gone.",
            "house",
            "A tearful Nora Fens",
        ),
        (
            "Mayor Ilse Brand and Judge Otto Kale said the levee held.",
            "levee",
            "Mayor Ilse Brand and Judge Otto Kale",
        ),
    ];
    for (t, content, source) in cases {
        let a = run(t);
        assert_eq!(sl(t, find(&a, t, content).source), source, "in {t:?}");
    }
    // The speaker is resolved from the name, not the whole phrase.
    let t = "“The pier is safe,” said Gov. Lena Sarro of Velmar, a former harbour pilot.";
    let a = run(t);
    assert_eq!(
        find(&a, t, "pier").speaker,
        Speaker::Named {
            name: "Lena Sarro".into()
        }
    );
}

/// What is not part of a source: a noun before a name, a preposition, a
/// clause after the appositive.
#[test]
fn sources_do_not_swallow_their_surroundings() {
    let cases = [
        (
            "It was the moment Nora Fens learned that the house was gone.",
            "house",
            "Nora Fens",
        ),
        (
            "The dock was described by the harbour master as being “unsafe.”",
            "unsafe",
            "the harbour master",
        ),
        (
            "“We stay,” said Ida Moss, a nurse, adding that the clinic was full.",
            "stay",
            "Ida Moss, a nurse",
        ),
    ];
    for (t, content, source) in cases {
        let a = run(t);
        assert_eq!(sl(t, find(&a, t, content).source), source, "in {t:?}");
    }
}

/// Quotations introduced by "said," and by two apostrophes (''…''), far
/// cues after a long appositive, and publication phrases ("wrote on his
/// blog").
#[test]
fn more_direct_quote_shapes() {
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "The port stayed shut. Mayor Ilse Brand said, “Let the ferries wait another day.”",
            "ferries",
            "Mayor Ilse Brand",
            "said",
        ),
        (
            "Mr. Ekel said, ''The nets are gone, all of them.''",
            "nets",
            "Mr. Ekel",
            "said",
        ),
        (
            "“The levee held,” Otto Kale, a former engineer with the Velmar harbour board, said.",
            "levee",
            "Otto Kale, a former engineer with the Velmar harbour board,",
            "said",
        ),
        (
            "“The season is over,” Ida Moss wrote on her blog.",
            "season",
            "Ida Moss",
            "wrote",
        ),
        (
            "Nora Fens wrote in an email that the clinic would reopen.",
            "clinic",
            "Nora Fens",
            "wrote",
        ),
        (
            "Piet Varo later Thursday told the Velmar Courier: “The cranes are idle.”",
            "cranes",
            "Piet Varo",
            "told",
        ),
    ];
    for (t, content, source, cue) in cases {
        let a = run(t);
        let q = find(&a, t, content);
        assert_eq!(sl(t, q.source), source, "source in {t:?}");
        assert_eq!(sl(t, q.cue), cue, "cue in {t:?}");
    }
    // A quotation before the cue keeps "said," looking left.
    let t = "“We stay,” Ida Moss said, “and we rebuild.”";
    let a = run(t);
    let q = find(&a, t, "We stay");
    assert_eq!(q.content_parts.len(), 2);
}

/// Subjects separated from their cue by an adverb or a relative clause.
#[test]
fn subjects_across_adverbs_and_relative_clauses() {
    let t = "Her campaign workers here said they had knocked on every door.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "knocked").source), "Her campaign workers");
    let t = "Weber, who advises the mayor, is no fan of the plan but praised its timing.";
    let a = run(t);
    let q = find(&a, t, "timing");
    assert_eq!(sl(t, q.source), "Weber");
}

/// A time or a "statement" after the cue is not the content; findings of
/// studies and polls have their document as the source.
#[test]
fn times_after_cues_and_findings_of_documents() {
    let t = "The levee held through the night, officials said on Tuesday.";
    let a = run(t);
    let q = find(&a, t, "levee");
    assert_eq!(sl(t, Some(q.content)), "The levee held through the night");
    assert_eq!(sl(t, q.source), "officials");
    let t = "Exit polls taken in Velmar found that most voters wanted the bridge.";
    let a = run(t);
    let q = find(&a, t, "bridge");
    assert_eq!(sl(t, q.source), "Exit polls taken in Velmar");
    assert_eq!(sl(t, q.cue), "found");
    let t = "The researchers found that the harbour silted up faster.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "silted").source), "The researchers");
    let t = "Mayor Brand led her rival by 12 points in a Velmar Courier poll.";
    let a = run(t);
    let q = find(&a, t, "12 points");
    assert_eq!(sl(t, q.cue), "in");
    assert_eq!(sl(t, q.source), "a Velmar Courier poll");
    let t = "In a Velmar Courier survey released last Thursday, 79 percent of residents \
wanted the ferry back.";
    let a = run(t);
    let q = find(&a, t, "ferry");
    assert_eq!(sl(t, q.cue), "In");
    assert_eq!(sl(t, q.source), "a Velmar Courier survey");
    assert!(a.attributions.iter().all(|x| sl(t, x.cue) != "released"));
    let t = "Brand led by 28 points in the same poll, a 52-point swing.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "28 points").source), "the same poll");
    // Police finding a door open is no finding "that".
    let t = "Police found the door open.";
    assert!(run(t).attributions.is_empty());
}

/// Any mix of quotation marks, cues, names, commas and abbreviations is
/// extracted without a panic, and every span lies on character
/// boundaries inside the text.
#[test]
fn jumbled_fragments_never_panic() {
    const PIECES: &[&str] = &[
        "said",
        "told",
        "Mr.",
        "Gov.",
        "W.",
        "Ida Moss",
        "the mayor",
        ",",
        ".",
        ":",
        "“",
        "”",
        "\"",
        "''",
        "'",
        "’",
        "‘",
        "in a",
        "poll",
        "survey",
        "of",
        "some",
        "and",
        "found",
        "that",
        "wrote on",
        "her blog",
        "later",
        "Tuesday",
        "who",
        "a former",
        "chief executive",
        "(D-Va.)",
        "—",
        "\n\n",
        "according to",
        "Reuters",
        "45%",
        "took aim at",
        "nor",
        "Neither",
        "others",
        "saying",
        "In",
        "The",
        "é",
        "",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let n = (next() % 24) as usize;
        let text: String = (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(if next() % 3 == 0 { "" } else { " " });
        let a = run(&text);
        for at in &a.attributions {
            let spans = at
                .content_parts
                .iter()
                .chain(at.cue.iter())
                .chain(at.source.iter())
                .chain(std::iter::once(&at.content));
            for s in spans {
                assert!(s.start <= s.end && s.end <= text.len(), "{s:?} in {text:?}");
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
        }
    }
}

/// The subject of a participle cue ("…, saying") is the clause's subject,
/// past an opening phrase; initials and coordinated names stay whole.
#[test]
fn participle_subjects_initials_and_lists() {
    let t = "In Tarno, Mayor Ilse Brand toured the dock, saying the repairs would take a year.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "repairs").source), "Mayor Ilse Brand");
    let t = "The retired harbour pilot walked the pier, saying the boards were rotten.";
    let a = run(t);
    assert_eq!(
        sl(t, find(&a, t, "boards").source),
        "The retired harbour pilot"
    );
    let t = "Senator Otto J. Kale said the vote would wait.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "vote").source), "Senator Otto J. Kale");
    let t = "Neither Brand nor Kale acknowledged that the levee leaked.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "levee").source), "Neither Brand nor Kale");
}

/// A quotation opening mid-sentence takes the words that lead into it;
/// whole quoted sentences right after the cue continue the same words,
/// unless they have a cue of their own.
#[test]
fn lead_ins_and_following_quoted_sentences() {
    let t = "The new ferries “will not solve this, but they help,” said Ida Moss.";
    let a = run(t);
    let q = find(&a, t, "ferries");
    assert_eq!(q.kind, AttributionKind::Mixed);
    assert_eq!(
        sl(t, Some(q.content)),
        "The new ferries “will not solve this, but they help,”"
    );
    let t = "“That is the question,” Kale said. “We have a deep bench here.” The mayor left.";
    let a = run(t);
    let q = find(&a, t, "question");
    assert_eq!(q.content_parts.len(), 2);
    assert!(sl(t, Some(q.content_parts[1])).contains("deep bench"));
    let t = "“That is the question,” Kale said. “We have a deep bench,” she replied.";
    let a = run(t);
    assert_eq!(find(&a, t, "question").content_parts.len(), 1);
    assert_eq!(sl(t, find(&a, t, "deep bench").cue), "replied");
}

/// Coordinated verbs are no source: "Moscow has neither invaded nor
/// attacked" never makes "neither invaded nor" a speaker.
#[test]
fn coordinated_verbs_are_no_source() {
    let t =
        "Velmar says it has neither invaded nor attacked Tarno, but rather is protecting itself.";
    let a = run(t);
    for at in &a.attributions {
        assert!(!sl(t, at.source).contains("nor"), "{:?}", sl(t, at.source));
    }
}

/// Headlines in title case: a capitalised speech verb is a cue; a noun
/// that looks like one is not.
#[test]
fn title_case_headlines() {
    let t = "Mayor Ilse Brand Says The Ferry Will Return In May\n\nThe council met on Monday.";
    let a = run(t);
    let q = find(&a, t, "Ferry");
    assert_eq!(sl(t, q.cue), "Says");
    assert_eq!(sl(t, q.source), "Mayor Ilse Brand");
    let t = "Phone Calls To The Velmar Harbour Office Rise Sharply\n\nThe office was busy.";
    assert!(run(t).attributions.is_empty());
}

#[test]
fn raising_and_passive_cues_name_no_source() {
    // The subject of "is expected to" or "seemed to" is what is attributed,
    // not who attributes it.
    let t = "Mayor Ilse Varga is expected to open the bridge on Friday.";
    let a = run(t);
    let q = find(&a, t, "open the bridge");
    assert_eq!(q.source, None);
    assert_eq!(q.content_parts.len(), 2);
    assert_eq!(sl(t, Some(q.content_parts[0])), "Mayor Ilse Varga");
    assert_eq!(
        sl(t, Some(q.content_parts[1])),
        "to open the bridge on Friday"
    );
    let t = "The ferry company seemed to accept the ruling.";
    let a = run(t);
    let q = find(&a, t, "accept");
    assert_eq!(q.source, None);
    assert_eq!(sl(t, Some(q.content_parts[0])), "The ferry company");
    let t = "Both towns are widely seen as likely winners.";
    let a = run(t);
    if let Some(q) = a
        .attributions
        .iter()
        .find(|x| t[x.content.range()].contains("winners"))
    {
        assert_eq!(q.source, None);
    }
    // Appearing somewhere is no seeming.
    let t = "Mayor Ilse Varga appeared on the evening news with the harbour master.";
    assert!(run(t).attributions.is_empty());
    // An active cue keeps its subject as the source.
    let t = "Mayor Ilse Varga said the bridge would open on Friday.";
    let a = run(t);
    let q = find(&a, t, "bridge would open");
    assert_eq!(sl(t, q.source), "Mayor Ilse Varga");
}

#[test]
fn a_participle_after_a_quotation_takes_its_speaker() {
    let t = "“The ferry will run again,” Olga Marin said, adding that the harbour had reopened.";
    let a = run(t);
    let q = find(&a, t, "harbour had reopened");
    assert_eq!(sl(t, q.cue), "adding");
    assert_eq!(sl(t, q.source), "Olga Marin");
}

#[test]
fn an_adverb_before_the_cue_is_not_its_source() {
    let t = "The harbour master soon learned that the ferry had sunk.";
    let a = run(t);
    assert_eq!(
        sl(t, find(&a, t, "ferry had sunk").source),
        "The harbour master"
    );
    // A name in "-ly" is no manner adverb of the cue.
    for name in ["Kelly", "Daly", "Reilly"] {
        let t = format!("{name} said the ferry had sunk.");
        let a = run(&t);
        let q = find(&a, &t, "ferry had sunk");
        assert_eq!(sl(&t, q.source), name);
        assert_eq!(sl(&t, q.cue), "said");
    }
}

#[test]
fn a_question_asked_in_an_opening_phrase() {
    let t = "Asked whether the ferry was safe, 72 percent of residents said no.";
    let a = run(t);
    let q = find(&a, t, "ferry was safe");
    assert_eq!(sl(t, q.cue), "Asked");
    assert_eq!(sl(t, Some(q.content)), "whether the ferry was safe");
    assert_eq!(q.source, None);
    let t = "When asked by a reporter about the strike, the mayor declined to comment.";
    let a = run(t);
    let q = find(&a, t, "the strike");
    assert_eq!(sl(t, q.source), "a reporter");
    // The main clause keeps its own attribution.
    assert_eq!(sl(t, find(&a, t, "to comment").source), "the mayor");
}

#[test]
fn a_weekday_between_subject_and_cue_and_a_dateline() {
    let t = "Senator Olga Marin (I-Vt.) on Saturday criticized the ferry accord, saying the deal goes nowhere near far enough.";
    let a = run(t);
    assert_eq!(
        sl(t, find(&a, t, "the ferry accord").source),
        "Senator Olga Marin (I-Vt.)"
    );
    assert_eq!(
        sl(t, find(&a, t, "nowhere near").source),
        "Senator Olga Marin (I-Vt.)"
    );
    let t = "Tarno (Velmar Wire) - Mayor Ilse Varga has taken a swipe at the ferry company, saying that its comments do more harm than good.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "more harm").source), "Mayor Ilse Varga");
}

#[test]
fn a_long_appositive_subject_before_a_cue_with_a_clause() {
    let t = "Rich Varga, a harbour pilot who has guided ferries into Tarno for thirty years and now trains the younger pilots, said the new channel is a dangerous mistake.";
    let a = run(t);
    let q = find(&a, t, "dangerous mistake");
    assert_eq!(
        sl(t, Some(q.content)),
        "the new channel is a dangerous mistake"
    );
    assert!(sl(t, q.source).starts_with("Rich Varga, a harbour pilot"));
    // An inverted cue keeps its source after it.
    let t = "The channel is a dangerous mistake, said Rich Varga.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "dangerous mistake").source), "Rich Varga");
}

#[test]
fn as_the_source_noted_the_content_follows_the_comma() {
    let t = "As Olga Marin noted, the ferry has not run since May.";
    let a = run(t);
    let q = find(&a, t, "ferry has not run");
    assert_eq!(sl(t, q.source), "Olga Marin");
    assert_eq!(sl(t, Some(q.content)), "the ferry has not run since May");
    let t = "But as the Tarno Courier reported on Tuesday, the bridge will stay shut.";
    let a = run(t);
    let q = find(&a, t, "bridge will stay shut");
    assert_eq!(sl(t, Some(q.content)), "the bridge will stay shut");
}

#[test]
fn an_aside_between_dashes_after_the_cue() {
    let t = "The harbour master said — on the radio, as it happens — that the ferry would run.";
    let a = run(t);
    let q = find(&a, t, "ferry would run");
    assert_eq!(sl(t, Some(q.content)), "that the ferry would run");
    assert_eq!(sl(t, q.source), "The harbour master");
}

#[test]
fn cues_with_a_listener_an_infinitive_or_an_opening_said() {
    let t = "Marin wrote to her 20,000 followers, \"It's time to end the ferry strike.\"";
    let a = run(t);
    let q = find(&a, t, "ferry strike");
    assert_eq!(sl(t, q.source), "Marin");
    assert_eq!(
        sl(t, Some(q.content)),
        "\"It's time to end the ferry strike.\""
    );
    let t = "Marin wrote to her followers that the strike must end.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "strike must end").source), "Marin");
    // The "that" of a noun is no quotation of the one who responds.
    let t = "Varga also responded to the union’s accusation that the ferry company lied.";
    assert!(run(t).attributions.is_empty());
    let t = "The email went on to say, \"Today, because we have been successful, the ferry runs.\"";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "ferry runs").cue), "went on to say");
    let t = "Said Varga, \"The error on our part is not connected.\"";
    let a = run(t);
    let q = find(&a, t, "error on our part");
    assert_eq!(sl(t, q.source), "Varga");
    assert_eq!(sl(t, q.cue), "Said");
}

#[test]
fn describing_oneself_is_a_naming_cue() {
    let t = "Guerrero, a fisherman who described himself as a loyal voter, said he was tired.";
    let a = run(t);
    assert!(a.attributions.iter().any(|x| sl(t, x.cue) == "described"
        && sl(t, Some(x.content)).starts_with("himself as a loyal voter")));
    assert_eq!(sl(t, find(&a, t, "he was tired").cue), "said");
}

#[test]
fn a_document_subject_far_from_its_finding() {
    let t = "An analysis by the Tarno Courier of ferry crossings going back to 1972 showed that delays had doubled.";
    let a = run(t);
    let q = find(&a, t, "delays had doubled");
    assert!(
        sl(t, q.source).starts_with("An analysis"),
        "{:?}",
        sl(t, q.source)
    );
}

#[test]
fn the_subject_of_a_cue_deep_in_its_verb_chain() {
    let t = "The harbour master also continued to insist that the ferry was safe.";
    let a = run(t);
    assert_eq!(
        sl(t, find(&a, t, "ferry was safe").source),
        "The harbour master"
    );
    let t = "But some were quick to warn that the dock would flood.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "dock would flood").source), "some");
    let t = "The Tarno council this week announced that the ferry would run again.";
    let a = run(t);
    assert_eq!(
        sl(t, find(&a, t, "ferry would run").source),
        "The Tarno council"
    );
}

#[test]
fn a_quantity_is_a_subject() {
    let t = "Of the 60 riders polled, 43 said the fares were too high.";
    let a = run(t);
    assert_eq!(sl(t, find(&a, t, "fares were too high").source), "43");
    let t = "The two ferry captains, both of whom said the engines were failing, resigned.";
    let a = run(t);
    assert_eq!(
        sl(t, find(&a, t, "engines were failing").source),
        "both of whom"
    );
}

#[test]
fn an_initial_does_not_end_the_source() {
    // A middle initial's dot ends neither the inverted source nor an
    // "according to" source.
    let t = "“We will rebuild the pier,” said Olga T. Marin, chair of the harbour board.";
    let a = run(t);
    let q = find(&a, t, "pier");
    assert_eq!(sl(t, q.source), "Olga T. Marin, chair of the harbour board");
    assert_eq!(
        q.speaker,
        Speaker::Named {
            name: "Olga T. Marin".into()
        }
    );
    let t = "Three ships were damaged, according to Pavel K. Dunaj of the port authority.";
    let q = run(t).attributions[0].clone();
    assert_eq!(sl(t, q.source), "Pavel K. Dunaj of the port authority");
}

#[test]
fn a_cue_keeps_its_particle_and_day() {
    // The particle of a phrasal cue and the day it was said belong to the
    // cue; an infinitive's "to" stays with the content.
    for (t, cue, content) in [
        (
            "The harbour union called for an inquiry into the flooding.",
            "called for",
            "an inquiry into the flooding",
        ),
        (
            "Councillor Brannock said Monday the bridge would reopen.",
            "said Monday",
            "the bridge would reopen",
        ),
        (
            "The ferry operator was referring to its rival's timetable.",
            "was referring to",
            "its rival's timetable",
        ),
    ] {
        let q = run(t).attributions[0].clone();
        assert_eq!(sl(t, q.cue), cue);
        assert_eq!(&t[q.content.range()], content);
    }
    let t = "The ministry has refused to reopen the pier.";
    let q = run(t).attributions[0].clone();
    assert_eq!(&t[q.content.range()], "to reopen the pier");
}

#[test]
fn a_source_takes_its_head_noun() {
    // A source that ends in a determiner or a possessor takes its noun.
    let t = "Another ranking says the harbour lost money.";
    let q = run(t).attributions[0].clone();
    assert_eq!(sl(t, q.source), "Another ranking");
    let t = "Mayor Varga’s deputy said the pier would reopen.";
    let q = run(t).attributions[0].clone();
    assert_eq!(sl(t, q.source), "Mayor Varga’s deputy");
    // The noun stops before the time and the cue.
    let t = "The port’s owners said on Friday the fees would rise.";
    let q = run(t).attributions[0].clone();
    assert_eq!(sl(t, q.source), "The port’s owners");
}
