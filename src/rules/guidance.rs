//! `guidance-outdated`: citations of replaced editions and retired guidance or addresses in
//! any text, and a policy's section on risks that leaves out an area the current guidance
//! names. What is outdated is data (`data/guidance.toml`, through the registry).

use super::*;
use crate::ruleset::guidance_outdated::guidance;

/// How far after a citation's name its year may be ("KCSIE (September 2023)").
const YEAR_WITHIN: usize = 16;

fn outdated(offset: usize, needle: &str, message: String, hint: String) -> Finding {
    Finding {
        offset,
        needle: needle.to_string(),
        diagnostic: RuleId::GuidanceOutdated
            .warning("", message)
            .with_hint(hint),
    }
}

/// The year cited just after `at` in `text` ("2023" of " (September 2023)"), and where.
fn year_after(text: &str, at: usize) -> Option<(u16, usize)> {
    let rest = &text[at..];
    let window: String = rest.chars().take(YEAR_WITHIN + 4).collect();
    let skipped = window.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ',' | ':' | '-' | '–')
    });
    let skipped = ["September ", "Sept ", "Sep "]
        .iter()
        .find_map(|m| skipped.strip_prefix(m))
        .unwrap_or(skipped);
    let digits: String = skipped.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 4 || !digits.starts_with("20") {
        return None;
    }
    let pos = at + (window.len() - skipped.len());
    Some((digits.parse().ok()?, pos))
}

/// Every name the guidance data cites (editions' names, then retired texts, in the data's
/// order) in one automaton, ASCII case ignored, built once: a text is read once for all of
/// them, not once (and lower-cased once) for each.
struct Needles {
    automaton: aho_corasick::AhoCorasick,
    /// Each pattern's edition and name, or retired entry, by pattern id.
    of: Vec<Needle>,
}

#[derive(Clone, Copy)]
enum Needle {
    Edition(usize),
    Retired(usize),
}

fn needles() -> Option<&'static Needles> {
    static NEEDLES: std::sync::OnceLock<Option<Needles>> = std::sync::OnceLock::new();
    NEEDLES
        .get_or_init(|| {
            let g = guidance();
            let mut patterns: Vec<&str> = Vec::new();
            let mut of = Vec::new();
            for (e, edition) in g.edition.iter().enumerate() {
                for name in &edition.cited_as {
                    patterns.push(name);
                    of.push(Needle::Edition(e));
                }
            }
            for (r, retired) in g.retired.iter().enumerate() {
                patterns.push(&retired.text);
                of.push(Needle::Retired(r));
            }
            let automaton = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&patterns)
                .ok()?;
            Some(Needles { automaton, of })
        })
        .as_ref()
}

/// Where each needle is in `text` (case ignored, ASCII), at word starts, a needle's own
/// matches never overlapping: (pattern id, start, length), by pattern id, then start.
fn find_all(text: &str, needles: &Needles) -> Vec<(usize, usize, usize)> {
    let mut found: Vec<(usize, usize, usize)> = needles
        .automaton
        .find_overlapping_iter(text)
        .map(|m| (m.pattern().as_usize(), m.start(), m.len()))
        .filter(|(_, at, _)| {
            text[..*at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        })
        .collect();
    found.sort_unstable();
    let mut last: Option<(usize, usize)> = None;
    found.retain(|&(id, at, len)| match last {
        Some((l_id, l_end)) if l_id == id && at < l_end => false,
        _ => {
            last = Some((id, at + len.max(1)));
            true
        }
    });
    found
}

impl Checker<'_> {
    /// Replaced editions and retired guidance or addresses cited in `text`.
    pub(super) fn check_guidance(
        &self,
        text: &str,
        at: &dyn Fn(usize) -> usize,
        out: &mut Vec<Finding>,
    ) {
        if !self.config.enabled(RuleId::GuidanceOutdated) || text.len() < 8 {
            return;
        }
        let g = guidance();
        let Some(needles) = needles() else {
            return;
        };
        for (id, start, len) in find_all(text, needles) {
            let found = &text[start..start + len];
            match needles.of[id] {
                Needle::Edition(e) => {
                    let e = &g.edition[e];
                    let Some((year, _)) = year_after(text, start + len) else {
                        continue;
                    };
                    if year < e.current && year >= 2000 {
                        out.push(outdated(
                            at(start),
                            found,
                            format!("this cites the {year} edition of {}: the {} edition has been in force since {}", e.name, e.current, e.in_force),
                            format!("check what the {} edition changed, update the text to match, and cite it (source: {}, checked {})", e.current, e.source, e.checked),
                        ));
                    }
                }
                Needle::Retired(r) => {
                    let r = &g.retired[r];
                    out.push(outdated(
                        at(start),
                        found,
                        format!("this names {}, which has been replaced", r.what),
                        format!(
                            "use {} instead (source: {}, checked {})",
                            r.instead, r.source, r.checked
                        ),
                    ));
                }
            }
        }
    }

    /// A policy's section about risks (a heading with "risk" in it, to the next heading as
    /// high): when it names three or more of the four areas of risk, it names all four, and
    /// misinformation under content.
    pub fn check_risk_areas(
        &self,
        headings: &[crate::markdown::Heading],
        surfaces: &crate::markdown::Surfaces,
        out: &mut Vec<Finding>,
    ) {
        if !self.config.enabled(RuleId::GuidanceOutdated) {
            return;
        }
        let Some(areas) = &guidance().areas else {
            return;
        };
        for (i, h) in headings.iter().enumerate() {
            if !h.title.to_lowercase().contains("risk") {
                continue;
            }
            let end = headings[i + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(usize::MAX, |n| n.offset);
            let mut words = std::collections::HashSet::new();
            for s in surfaces.texts.iter().filter(|s| {
                let o = s.offset_of(0);
                o >= h.offset && o < end
            }) {
                let lower = s.text.to_lowercase();
                for w in lower.split(|c: char| !c.is_alphanumeric()) {
                    words.insert(w.to_string());
                }
            }
            let named: Vec<&String> = areas.words.iter().filter(|w| words.contains(*w)).collect();
            if named.len() < 3 {
                continue;
            }
            let missing: Vec<&str> = areas
                .words
                .iter()
                .filter(|w| !words.contains(*w))
                .map(String::as_str)
                .collect();
            let needle = h.title.clone();
            if !missing.is_empty() {
                out.push(outdated(
                    h.offset,
                    &needle,
                    format!("this section on risks leaves out {} of the four areas of risk that Keeping Children Safe in Education names (content, contact, conduct and commerce)", missing.join(" and ")),
                    format!("add what the school does about {} (source: {}, checked {})", missing.join(" and "), areas.source, areas.checked),
                ));
            } else if !areas.content_adds.iter().any(|w| words.contains(w)) {
                out.push(outdated(
                    h.offset,
                    &needle,
                    "this section on risks does not name misinformation, disinformation or conspiracy theories, which Keeping Children Safe in Education 2025 adds to the content area".into(),
                    format!("add them under content (source: {}, checked {})", areas.source, areas.checked),
                ));
            }
        }
    }
}
