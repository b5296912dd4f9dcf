//! A policy shared by several of the site's schools (a federation's or a trust's): the
//! sentences each school has its own copy of ("At North … the DSL is Ms Nora Northfake." and
//! "At South … the DSL is Mr Sol Southfake.") become one sentence in variables that each
//! school's page fills in, so no school's page names another's people; a section for one
//! school only ("South Fictional Infant School only") is marked for a person to decide.

use super::model::{Block, Inline, Para, Run};
use super::names::Names;

/// What sharing did to a document's blocks: the names each block is written with (a merged
/// sentence's school's, so its details become variables), a note on each block a person
/// must look at, and how many sentences were merged.
#[derive(Debug, Default)]
pub struct Shared {
    /// Per block: the names to write it with instead of the document's.
    pub names: Vec<Option<Names>>,
    /// Per block: a note for the report, at the block's line.
    pub notes: Vec<Option<String>>,
    /// How many per-school copies were merged into shared sentences.
    pub merged: usize,
}

/// Merges the per-school copies of sentences and marks one-school sections, in a document
/// that names several of the site's schools (`all`, one [`Names`] per school).
pub fn share(blocks: &mut Vec<Block>, all: &[Names]) -> Shared {
    let mut keep = vec![true; blocks.len()];
    let mut names: Vec<Option<Names>> = vec![None; blocks.len()];
    let mut notes: Vec<Option<String>> = vec![None; blocks.len()];
    let mut merged = 0;
    // (the sentence in variables, the school it came from, its block, whether another
    // school's copy of it was found)
    let mut seen: Vec<(String, usize, usize, bool)> = Vec::new();
    for (i, block) in blocks.iter_mut().enumerate() {
        let Block::Para(p) = block else {
            continue;
        };
        let text = p.text();
        let named: Vec<usize> = (0..all.len())
            .filter(|&s| all[s].split(&text).iter().any(|(_, v)| v.is_some()))
            .collect();
        let [school] = named[..] else {
            continue;
        };
        if p.heading.is_some() || p.all_bold() {
            if text.to_lowercase().split_whitespace().any(|w| w == "only") {
                notes[i] = Some(mark_one_school(p, all[school].school_name()));
            }
            continue;
        }
        let shared = in_variables(&all[school], &text);
        match seen
            .iter_mut()
            .find(|(t, s, _, _)| *t == shared && *s != school)
        {
            Some(first) => {
                first.3 = true;
                keep[i] = false;
                merged += 1;
            }
            None => seen.push((shared, school, i, false)),
        }
    }
    // The first copy of each merged sentence is written in its school's variables.
    for (_, school, first, copied) in &seen {
        if *copied {
            names[*first] = Some(all[*school].clone());
        }
    }
    // Only copies are dropped, and they have no names or notes of their own.
    let (names, notes) = (kept(names, &keep), kept(notes, &keep));
    let mut at = 0;
    blocks.retain(|_| {
        at += 1;
        keep[at - 1]
    });
    Shared {
        names,
        notes,
        merged,
    }
}

/// The items of `list` whose block is kept.
fn kept<T>(list: Vec<T>, keep: &[bool]) -> Vec<T> {
    list.into_iter()
        .zip(keep)
        .filter_map(|(x, k)| k.then_some(x))
        .collect()
}

/// Marks a heading of a section for one school only; the report's note for it.
fn mark_one_school(p: &mut Para, school: Option<&str>) -> String {
    let school = school.unwrap_or("one school");
    p.inlines.insert(
        0,
        Inline::Text(Run {
            text: "[To decide: one school only] ".into(),
            ..Run::default()
        }),
    );
    format!(
        "a section for {school} only: every school's page shows it; write it for all the schools, or put the policy with this section in that school's own folder (content/schools/<slug>/policies/, which replaces the shared one there), then delete the mark"
    )
}

/// A paragraph's text with one school's details as variables.
fn in_variables(names: &Names, text: &str) -> String {
    names
        .split(text)
        .into_iter()
        .map(|(piece, var)| var.unwrap_or(piece))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, heading: Option<u8>) -> Block {
        Block::Para(Para {
            heading,
            inlines: vec![Inline::Text(Run {
                text: text.into(),
                ..Run::default()
            })],
            ..Para::default()
        })
    }

    fn school(name: &str, dsl: &str) -> Names {
        Names::from_pairs(
            vec![
                (name.into(), "{{ school.name }}".into()),
                (dsl.into(), "{{ dsl }}".into()),
            ],
            name,
        )
    }

    #[test]
    fn per_school_copies_become_one_sentence_and_one_school_sections_are_marked() {
        let all = [
            school("Ash Fictional School", "Ms Ada Ashfake"),
            school("Elm Fictional School", "Mr Eli Elmfake"),
        ];
        let mut blocks = vec![
            para(
                "Shared by Ash Fictional School and Elm Fictional School.",
                None,
            ),
            para("At Ash Fictional School the DSL is Ms Ada Ashfake.", None),
            para("At Elm Fictional School the DSL is Mr Eli Elmfake.", None),
            para("Elm Fictional School only", Some(2)),
            para("At Elm Fictional School we have a garden.", None),
        ];
        let shared = share(&mut blocks, &all);
        assert_eq!(shared.merged, 1);
        assert_eq!(blocks.len(), 4);
        assert!(
            shared.names[1].is_some(),
            "the kept copy is written in variables"
        );
        assert!(shared.names[0].is_none() && shared.names[3].is_none());
        let Block::Para(h) = &blocks[2] else { panic!() };
        assert!(h.text().starts_with("[To decide: one school only] Elm"));
        assert!(shared.notes[2].is_some());
        // A document about one school is left alone.
        let mut one = vec![para(
            "At Ash Fictional School the DSL is Ms Ada Ashfake.",
            None,
        )];
        let shared = share(&mut one, &all);
        assert_eq!((shared.merged, one.len()), (0, 1));
        assert!(shared.names[0].is_none());
    }
}
