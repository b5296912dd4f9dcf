//! A policy's appendices that are the pupils' own agreement ("Appendix 2: KS2 acceptable use
//! agreement", its items "I will …", "I Promise – to …"): taken out of the policy to become
//! one charter, each appendix a phase of it. An appendix for staff, governors, visitors or
//! parents (their "I will" statements are an adult's) stays in the policy, and so does every
//! appendix of a document that is nothing but the agreement.

use super::markdown::{heading_level, split_number};
use super::model::{Block, Para};

/// The pupils' agreements taken out of a policy.
#[derive(Debug)]
pub struct Agreements {
    /// Their blocks, in order: each appendix's heading (unless it is only "Appendix 2" or
    /// the charter's title) and its content.
    pub blocks: Vec<Block>,
    /// The charter's title.
    pub title: String,
    /// Where each appendix was in the policy (after the ones before it were taken out),
    /// with its heading: where the policy now points at the charter.
    pub places: Vec<(usize, Para)>,
}

/// Words that say an agreement is the pupils'.
const PUPILS: [&str; 15] = [
    "pupil",
    "child",
    "student",
    "learner",
    "eyfs",
    "ks1",
    "ks2",
    "key stage",
    "foundation stage",
    "early years",
    "reception",
    "year 1",
    "year 3",
    "year 5",
    "charter",
];

/// Words that say it is an adult's.
const ADULTS: [&str; 8] = [
    "staff",
    "adult",
    "employee",
    "governor",
    "volunteer",
    "visitor",
    "contractor",
    "parent",
];

/// The fewest promises an appendix has to be an agreement, and the fewest paragraphs the
/// rest of the document keeps to be a policy of its own.
const MIN_PROMISES: usize = 3;
const MIN_POLICY: usize = 5;

/// Takes the pupils' agreement appendices out of a policy's blocks; `None` when there are
/// none (or nothing but them).
pub fn take(blocks: &mut Vec<Block>) -> Option<Agreements> {
    let levels: Vec<Option<u8>> = blocks
        .iter()
        .map(|b| match b {
            Block::Para(p) => heading_level(p),
            Block::Table(_) => None,
        })
        .collect();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        let (Some(level), Block::Para(head)) = (level, &blocks[i]) else {
            continue;
        };
        if ranges.last().is_some_and(|(_, end)| i < *end) {
            continue;
        }
        let end = (i + 1..blocks.len())
            .find(|j| levels[*j].is_some_and(|l| l <= *level))
            .unwrap_or(blocks.len());
        if names_an_appendix(&head.text()) && is_pupils_agreement(&blocks[i..end]) {
            ranges.push((i, end));
        }
    }
    if ranges.is_empty() {
        return None;
    }
    let kept = blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| !ranges.iter().any(|(a, b)| (*a..*b).contains(i)))
        .filter(|(_, b)| match b {
            Block::Para(p) => !p.text().trim().is_empty(),
            Block::Table(_) => true,
        })
        .count();
    if kept < MIN_POLICY {
        return None;
    }
    let title = title(blocks, &ranges);
    let several = ranges.len() > 1;
    let mut out = Agreements {
        blocks: Vec::new(),
        title,
        places: Vec::new(),
    };
    let mut removed = 0;
    for (start, end) in ranges {
        let mut section: Vec<Block> = blocks.drain(start - removed..end - removed).collect();
        let Some(Block::Para(head)) = section.first().cloned() else {
            continue;
        };
        out.places.push((start - removed, head.clone()));
        removed += end - start;
        let text = head.text();
        let (_, rest) = split_number(text.trim());
        // The heading stays in the charter when it says which phase (of several) it is.
        if !several || rest.trim().is_empty() {
            section.remove(0);
        }
        section.retain(|b| !matches!(b, Block::Para(p) if p.text().trim() == out.title));
        out.blocks.extend(section);
    }
    Some(out)
}

/// Whether a heading heads an appendix or names an agreement.
fn names_an_appendix(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    [
        "appendix",
        "annex",
        "acceptable use",
        "agreement",
        "charter",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Whether a section is the pupils' agreement: several promises, most of what it lists, and
/// its heading or opening lines speak of pupils, not adults.
fn is_pupils_agreement(section: &[Block]) -> bool {
    let mut items = 0;
    let mut promises = 0;
    let mut opening = Vec::new();
    for b in section {
        let Block::Para(p) = b else {
            continue;
        };
        let text = p.text();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if super::is_promise(text) {
            promises += 1;
            items += 1;
        } else {
            if p.list.is_some() {
                items += 1;
            }
            if promises == 0 && opening.len() < 5 {
                opening.push(text.to_lowercase());
            }
        }
    }
    if promises < MIN_PROMISES || promises * 2 < items {
        return false;
    }
    let names = |line: &String, words: &[&str]| words.iter().any(|w| line.contains(w));
    // A heading that names pupils settles it ("… agreement (pupils and parents/carers)").
    opening.first().is_some_and(|h| names(h, &PUPILS))
        || (opening.iter().any(|l| names(l, &PUPILS)) && !opening.iter().any(|l| names(l, &ADULTS)))
}

/// The charter's title: the appendix heading's words ("Pupil acceptable use agreement"), or
/// a short line near its top that names the agreement, or a plain one.
fn title(blocks: &[Block], ranges: &[(usize, usize)]) -> String {
    const PLAIN: &str = "Pupils' acceptable use agreement";
    let [(start, end)] = ranges else {
        return PLAIN.into();
    };
    let lines: Vec<String> = blocks[*start..*end]
        .iter()
        .take(6)
        .filter_map(|b| match b {
            Block::Para(p) => Some(p.text().split_whitespace().collect::<Vec<_>>().join(" ")),
            Block::Table(_) => None,
        })
        .collect();
    let heading = lines.first().map(|h| split_number(h).1.to_string());
    if let Some(h) = heading.filter(|h| !h.is_empty()) {
        return h;
    }
    lines
        .iter()
        .skip(1)
        .find(|l| {
            let lower = l.to_lowercase();
            l.split_whitespace().count() <= 12
                && ["agreement", "charter", "acceptable use", "rules"]
                    .iter()
                    .any(|w| lower.contains(w))
        })
        .cloned()
        .unwrap_or_else(|| PLAIN.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::{Inline, Run};

    fn para(text: &str, heading: Option<u8>, list: bool) -> Block {
        Block::Para(Para {
            heading,
            list: list.then_some((0, false)),
            inlines: vec![Inline::Text(Run {
                text: text.into(),
                ..Run::default()
            })],
            ..Para::default()
        })
    }

    fn policy_with(appendix: &[Block]) -> Vec<Block> {
        let mut blocks = vec![para("Aims", Some(1), false)];
        for n in 0..6 {
            blocks.push(para(&format!("The policy says {n} things."), None, false));
        }
        blocks.extend_from_slice(appendix);
        blocks
    }

    fn promises(head: &str, opening: &str) -> Vec<Block> {
        let mut out = vec![para(head, Some(1), false), para(opening, None, false)];
        for p in [
            "I will ask first.",
            "I will not share my password.",
            "I Promise – to be kind.",
        ] {
            out.push(para(p, None, true));
        }
        out
    }

    #[test]
    fn a_pupils_appendix_is_taken_and_an_adults_is_kept() {
        let mut blocks = policy_with(&promises("Appendix 2", "Acceptable Use Policy – Pupils"));
        let taken = take(&mut blocks).expect("the pupils' appendix");
        assert_eq!(taken.title, "Acceptable Use Policy – Pupils");
        assert_eq!(taken.places.len(), 1);
        assert_eq!(blocks.len(), 7);
        let mut both = policy_with(&promises(
            "Appendix 1: EYFS and KS1 acceptable use agreement (pupils and parents/carers)",
            "Read these with your child.",
        ));
        assert!(
            take(&mut both).is_some(),
            "a heading naming pupils settles it"
        );
        for adult in [
            "Staff acceptable use agreement",
            "For visitors and volunteers",
            "Parents and carers sign this",
        ] {
            let mut blocks = policy_with(&promises("Appendix 1", adult));
            assert!(take(&mut blocks).is_none(), "{adult}");
        }
        // An appendix of two promises, or of a document that is only the agreement.
        let mut short = policy_with(&promises("Appendix 3", "For pupils")[..4]);
        assert!(take(&mut short).is_none());
        let mut only = promises("Appendix 1: KS2 agreement", "For pupils in KS2");
        assert!(take(&mut only).is_none());
    }

    #[test]
    fn several_pupils_appendices_make_one_charter_with_their_phases() {
        let mut appendices = promises(
            "Appendix 2: EYFS and KS1 agreement",
            "For our youngest pupils",
        );
        appendices.extend(promises("Appendix 3: KS2 agreement", "For pupils in KS2"));
        let mut blocks = policy_with(&appendices);
        let taken = take(&mut blocks).unwrap();
        assert_eq!(taken.title, "Pupils' acceptable use agreement");
        assert_eq!(taken.places.len(), 2);
        assert_eq!(
            taken.places[1].0, 7,
            "the second place counts the first's removal"
        );
        let headings: Vec<String> = taken
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) if p.heading.is_some() => Some(p.text()),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                "Appendix 2: EYFS and KS1 agreement",
                "Appendix 3: KS2 agreement"
            ]
        );
    }
}
