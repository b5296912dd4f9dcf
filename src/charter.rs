//! Pupil charters: one Markdown list of statements, filtered into one version per age band.
//!
//! Syntax (see docs/content.md): a top-level list item that starts with `[band band]` is
//! shown to those bands only; a nested item that starts with `[band]` is simpler wording that
//! replaces its statement for those bands. Works on lines, keeping the source line map.

use crate::config::{Band, unknown_band};
use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::vars::{Prepared, fence_marker};

/// A list item line: indent, the marker and the text after it.
struct ItemLine<'a> {
    indent: usize,
    /// Byte offset just past the list marker.
    marker_end: usize,
    /// Byte offset of the text after the marker within the line.
    text_at: usize,
    text: &'a str,
}

fn item_line(line: &str) -> Option<ItemLine<'_>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let t = &line[indent..];
    let marker_len = if t.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !t[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &t[marker_len..];
    if !after.starts_with(' ') && !after.starts_with('\t') {
        return None;
    }
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    let text = after[spaces..].trim_end_matches(['\n', '\r']);
    Some(ItemLine {
        indent,
        marker_end: indent + marker_len,
        text_at: indent + marker_len + spaces,
        text,
    })
}

/// `[years-3-4 years-5-6] I will...` → (the band names, the offset of the statement text).
/// Band names are slugs (lower case), so `[To amend]` or `[School name]` is text, not a tag.
fn band_tag(text: &str) -> Option<(Vec<&str>, usize)> {
    let inner_end = text.strip_prefix('[')?.find(']')? + 1;
    let inner = &text[1..inner_end];
    let rest = &text[inner_end + 1..];
    if inner.trim().is_empty()
        || !inner
            .chars()
            .all(|c| c.is_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | ',' | ' '))
        || !(rest.is_empty() || rest.starts_with([' ', '\n', '\r']))
    {
        return None;
    }
    let names = inner.split([' ', ',']).filter(|s| !s.is_empty()).collect();
    let skip = rest.len() - rest.trim_start().len();
    Some((names, inner_end + 1 + skip))
}

/// A heading's band list: `## [years-3-4 years-5-6] Key Stage 2` → (its level, the band
/// names, the byte offset in the line where the tag starts and where the title starts).
fn heading_tag(line: &str) -> Option<(usize, Vec<&str>, usize, usize)> {
    let level = is_heading(line)?;
    let hashes = line.find('#')? + level;
    let after = &line[hashes..];
    let at = hashes + (after.len() - after.trim_start_matches([' ', '\t']).len());
    let (names, skip) = band_tag(line[at..].trim_end_matches(['\n', '\r']))?;
    Some((level, names, at, at + skip))
}

/// A paragraph's band list: a line that is not a list item, a heading or indented code and
/// starts with `[band …]`. (The band names, where the text after the tag starts, and whether
/// the line is the tag alone, which then covers the block below it: a list or a paragraph.)
fn block_tag(line: &str) -> Option<(Vec<&str>, usize, bool)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 || item_line(line).is_some() || is_heading(line).is_some() {
        return None;
    }
    let text = line[indent..].trim_end_matches(['\n', '\r']);
    let (names, skip) = band_tag(text)?;
    Some((names, indent + skip, text[skip..].trim().is_empty()))
}

fn is_heading(line: &str) -> Option<usize> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    let level = t.bytes().take_while(|b| *b == b'#').count();
    ((1..=6).contains(&level) && t[level..].starts_with([' ', '\n', '\r'])
        || (level > 0 && level <= 6 && t.len() == level))
        .then_some(level)
}

/// Where a tag is and what it covers, for `check`.
enum TagAt {
    /// A heading's: the section to the next heading of this level or higher.
    Heading(usize),
    /// A paragraph's own, or one alone on its line above a list or paragraph (covering up
    /// to this line index).
    Block { alone: bool, until: usize },
    /// A list item's: a statement (indent under 2) or its simpler wording.
    Item(usize),
}

/// Every band tag of a charter's text, and every statement, outside code: (line index, byte
/// offset of the line, where it is, the band names: none for an untagged statement).
fn tags<'a>(lines: &[&'a str]) -> Vec<(usize, usize, TagAt, Vec<&'a str>)> {
    let mut out = Vec::new();
    let mut fence = false;
    let mut offset = 0;
    for (i, line) in lines.iter().enumerate() {
        let start = offset;
        offset += line.len();
        if fence_marker(line).is_some() {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        if let Some((level, names, _, _)) = heading_tag(line) {
            out.push((i, start, TagAt::Heading(level), names));
        } else if let Some(item) = item_line(line) {
            // An untagged statement is listed too (with no bands): it ends the one before.
            match band_tag(item.text) {
                Some((names, _)) => out.push((i, start, TagAt::Item(item.indent), names)),
                None if item.indent < 2 => out.push((i, start, TagAt::Item(0), Vec::new())),
                None => {}
            }
        } else if starts_block(lines, i)
            && let Some((names, _, alone)) = block_tag(line)
        {
            let until = if alone {
                block_end(lines, skip_blank(lines, i + 1))
            } else {
                paragraph_end(lines, i)
            };
            out.push((i, start, TagAt::Block { alone, until }, names));
        }
    }
    out
}

/// Checks every band tag of a charter once (not once per band and school): each band is one
/// of the site's; a tag inside a tagged section or block names only bands that can see it
/// (else it would never be shown); a tag alone on its line has a list or paragraph below.
pub fn check(doc: &Document, prepared: &Prepared, bands: &[Band], diags: &mut Vec<Diagnostic>) {
    let lines: Vec<&str> = prepared.text.split_inclusive('\n').collect();
    // The tagged sections and blocks the line is in: (ends before a heading of this level,
    // or at this line index; the bands).
    let mut scopes: Vec<(Scope, Vec<&str>)> = Vec::new();
    let mut statement: Option<Vec<&str>> = None;
    for (i, start, at, names) in tags(&lines) {
        scopes.retain(|(scope, _)| scope.holds(&lines, i));
        if !matches!(at, TagAt::Item(indent) if indent >= 2) {
            statement = None;
        }
        for name in &names {
            if !bands.iter().any(|b| b.slug == *name) {
                let d = unknown_band(&doc.source, name, 0, bands);
                diags.push(prepared.locate(doc, d, start, name));
                continue;
            }
            // The bands that can see this tag: those of its statement (for simpler
            // wording), and of every section and block it is in.
            let outer = statement
                .as_ref()
                .filter(|_| matches!(at, TagAt::Item(indent) if indent >= 2))
                .map(|s| ("statement", s))
                .into_iter()
                .chain(scopes.iter().map(|(scope, b)| (scope.words(), b)));
            for (what, seen_by) in outer {
                if !seen_by.contains(name) {
                    let d = Diagnostic::error(
                        "charter-band",
                        &doc.source.name,
                        format!(
                            "`{name}` is named here, but the {what} this is in is only shown to {}: it would never be shown to `{name}`",
                            seen_by.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .with_hint(format!("add `{name}` to the {what}'s band list, or remove it here"));
                    diags.push(prepared.locate(doc, d, start, name));
                    break;
                }
            }
        }
        match at {
            TagAt::Heading(level) => scopes.push((Scope::Section { level, from: i }, names)),
            TagAt::Block { alone: true, until }
                if until <= i + 1 || skip_blank(&lines, i + 1) >= until =>
            {
                let tag = lines[i].trim();
                let d = Diagnostic::error(
                    "charter-band",
                    &doc.source.name,
                    format!("the band list `{tag}` is on a line of its own, but no list or paragraph follows it"),
                )
                .with_hint(format!(
                    "put it on a heading (`## {tag} Title`) to cover its section, or on the line just above a list or paragraph to cover that"
                ));
                diags.push(prepared.locate(doc, d, start, tag));
            }
            TagAt::Block { until, .. } => scopes.push((Scope::Block(until), names)),
            TagAt::Item(indent) if indent < 2 => statement = (!names.is_empty()).then_some(names),
            TagAt::Item(_) => {}
        }
    }
}

/// A tagged part of a charter, for `check`.
enum Scope {
    /// A section under the heading of this level at line index `from`.
    Section { level: usize, from: usize },
    /// A block ending before this line index.
    Block(usize),
}

impl Scope {
    /// Whether line `i` (a tag's) is still inside it.
    fn holds(&self, lines: &[&str], i: usize) -> bool {
        match *self {
            Scope::Block(until) => i < until,
            Scope::Section { level, from } => !lines[from + 1..=i]
                .iter()
                .any(|l| is_heading(l).is_some_and(|l2| l2 <= level)),
        }
    }

    fn words(&self) -> &'static str {
        match self {
            Scope::Section { .. } => "section",
            Scope::Block(_) => "block",
        }
    }
}

/// Whether line `i` starts a block: the first line, or after a blank line or a heading.
fn starts_block(lines: &[&str], i: usize) -> bool {
    i == 0 || lines[i - 1].trim().is_empty() || is_heading(lines[i - 1]).is_some()
}

/// The first line from `i` that is not blank.
fn skip_blank(lines: &[&str], mut i: usize) -> usize {
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    i
}

/// The end (exclusive) of the paragraph that starts at `i`: the next blank line or heading.
fn paragraph_end(lines: &[&str], i: usize) -> usize {
    let mut end = i + 1;
    while end < lines.len()
        && !lines[end].trim().is_empty()
        && is_heading(lines[end]).is_none()
        && fence_marker(lines[end]).is_none()
    {
        end += 1;
    }
    end
}

/// The end (exclusive) of the block that starts at `i`: a list (to the first line after a
/// blank that is neither a list item nor indented), a fenced code block, or a paragraph.
/// A heading is no block: it ends at once.
fn block_end(lines: &[&str], i: usize) -> usize {
    let Some(first) = lines.get(i) else {
        return i;
    };
    if is_heading(first).is_some() {
        return i;
    }
    if fence_marker(first).is_some() {
        let mut end = i + 1;
        while end < lines.len() && fence_marker(lines[end]).is_none() {
            end += 1;
        }
        return (end + 1).min(lines.len());
    }
    if item_line(first).is_none() {
        return paragraph_end(lines, i);
    }
    let inside = |l: &str| item_line(l).is_some() || l.starts_with("  ") || l.starts_with('\t');
    let mut end = i + 1;
    while end < lines.len() {
        let l = lines[end];
        if is_heading(l).is_some() {
            break;
        }
        if l.trim().is_empty() {
            let next = skip_blank(lines, end);
            if next < lines.len() && inside(lines[next]) && is_heading(lines[next]).is_none() {
                end = next;
                continue;
            }
            break;
        }
        end += 1;
    }
    end
}

/// Sections, lists and paragraphs tagged for other bands left out, and the tags of those
/// kept taken off. A section is a tagged heading and what follows it up to the next heading
/// of its level or higher; a tag alone on its line covers the list or paragraph below it.
fn cut_blocks(prepared: &Prepared, band: &str) -> Prepared {
    let lines: Vec<&str> = prepared.text.split_inclusive('\n').collect();
    let map = |i: usize| prepared.line_map.get(i).copied().unwrap_or(0);
    let mut out: Vec<(String, usize)> = Vec::with_capacity(lines.len());
    let mut fence = false;
    let mut hidden: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let in_code = fence;
        if fence_marker(line).is_some() {
            fence = !fence;
        }
        if in_code || fence {
            if hidden.is_none() {
                out.push((line.to_string(), map(i)));
            }
            i += 1;
            continue;
        }
        if let Some(level) = is_heading(line) {
            if hidden.is_some_and(|h| level <= h) {
                hidden = None;
            }
            if hidden.is_none()
                && let Some((_, names, tag_at, title_at)) = heading_tag(line)
            {
                if names.contains(&band) {
                    out.push((format!("{}{}", &line[..tag_at], &line[title_at..]), map(i)));
                } else {
                    hidden = Some(level);
                }
                i += 1;
                continue;
            }
        }
        if hidden.is_some() {
            i += 1;
            continue;
        }
        let tag = if starts_block(&lines, i) {
            block_tag(line)
        } else {
            None
        };
        let Some((names, text_at, alone)) = tag else {
            out.push((line.to_string(), map(i)));
            i += 1;
            continue;
        };
        let (from, end) = if alone {
            let from = skip_blank(&lines, i + 1);
            (from, block_end(&lines, from))
        } else {
            (i + 1, paragraph_end(&lines, i))
        };
        if names.contains(&band) {
            if !alone {
                let indent = line.len() - line.trim_start_matches(' ').len();
                out.push((format!("{}{}", &line[..indent], &line[text_at..]), map(i)));
            }
            out.extend((from..end).map(|j| (lines[j].to_string(), map(j))));
        }
        i = end.max(i + 1);
    }
    let mut line_map: Vec<usize> = out.iter().map(|(_, l)| *l).collect();
    line_map.push(prepared.line_map.last().copied().unwrap_or(0));
    Prepared {
        text: out.into_iter().map(|(l, _)| l).collect(),
        line_map,
    }
}

/// How many statements (top-level list items, outside code) a charter's text has: a band's
/// cut with none would publish the agreement over nothing.
pub fn statement_count(text: &str) -> usize {
    let mut fence = false;
    let mut count = 0;
    for line in text.split_inclusive('\n') {
        if fence_marker(line).is_some() {
            fence = !fence;
        }
        if !fence && item_line(line).is_some_and(|it| it.indent < 2 && !it.text.trim().is_empty()) {
            count += 1;
        }
    }
    count
}

/// A charter's text as one band reads it: the sections, blocks and statements tagged for
/// other bands left out,
/// and each statement's simpler wording for this band (a nested `[band]` item) in place of
/// its first line. Lines keep their source line numbers.
pub fn for_band(prepared: &Prepared, band: &str) -> Prepared {
    let blocks = cut_blocks(prepared, band);
    let prepared = &blocks;
    let lines: Vec<&str> = prepared.text.split_inclusive('\n').collect();
    let mut out: Vec<(String, usize)> = Vec::with_capacity(lines.len());
    let map = |i: usize| prepared.line_map.get(i).copied().unwrap_or(0);
    let mut fence = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if fence_marker(line).is_some() {
            fence = !fence;
        }
        let item = if fence { None } else { item_line(line) };
        let Some(item) = item.filter(|it| it.indent < 2) else {
            out.push((line.to_string(), map(i)));
            i += 1;
            continue;
        };
        // The statement's block: its continuation and nested lines.
        let mut end = i + 1;
        while end < lines.len() {
            let l = lines[end];
            let blank = l.trim().is_empty();
            let indented = l.starts_with("  ") || l.starts_with('\t');
            if blank {
                if lines
                    .get(end + 1)
                    .is_some_and(|n| n.starts_with("  ") || n.starts_with('\t'))
                {
                    end += 1;
                    continue;
                }
                break;
            }
            if indented
                || (item_line(l).is_none()
                    && is_heading(l).is_none()
                    && !lines[end - 1].trim().is_empty())
            {
                end += 1;
                continue;
            }
            break;
        }
        let (shown, text_at) = match band_tag(item.text) {
            Some((names, skip)) => (names.contains(&band), item.text_at + skip),
            None => (true, item.text_at),
        };
        if shown {
            // Simpler wording for this band replaces the statement's own first line.
            let prefix = &line[..item.marker_end];
            let mut first = format!("{prefix} {}", &line[text_at..]);
            if !first.ends_with('\n') {
                first.push('\n');
            }
            let mut rest: Vec<(String, usize)> = Vec::new();
            let mut j = i + 1;
            while j < end {
                let l = lines[j];
                match item_line(l).filter(|it| it.indent >= 2) {
                    Some(sub) if band_tag(sub.text).is_some() => {
                        let (names, skip) = band_tag(sub.text).unwrap_or_default();
                        if names.contains(&band) {
                            first = format!("{prefix} {}\n", sub.text[skip..].trim_end());
                        }
                        // Skip the tagged item and its own continuation lines.
                        j += 1;
                        while j < end
                            && lines[j].len() - lines[j].trim_start().len() > sub.indent
                            && item_line(lines[j]).is_none_or(|x| x.indent > sub.indent)
                        {
                            j += 1;
                        }
                        continue;
                    }
                    _ => rest.push((l.to_string(), map(j))),
                }
                j += 1;
            }
            out.push((first, map(i)));
            out.extend(rest);
        }
        i = end;
    }
    drop_empty_headings(&mut out);
    let mut line_map: Vec<usize> = out.iter().map(|(_, l)| *l).collect();
    line_map.push(prepared.line_map.last().copied().unwrap_or(0));
    Prepared {
        text: out.into_iter().map(|(l, _)| l).collect(),
        line_map,
    }
}

/// Removes headings whose section has nothing left in it.
fn drop_empty_headings(lines: &mut Vec<(String, usize)>) {
    let mut keep = vec![true; lines.len()];
    let mut fence = false;
    let levels: Vec<Option<usize>> = lines
        .iter()
        .map(|(l, _)| {
            if fence_marker(l).is_some() {
                fence = !fence;
                return None;
            }
            if fence { None } else { is_heading(l) }
        })
        .collect();
    for i in (0..lines.len()).rev() {
        let Some(level) = levels[i] else { continue };
        let mut has_content = false;
        for j in i + 1..lines.len() {
            match levels[j] {
                Some(l) if l <= level => break,
                Some(_) if keep[j] => {
                    has_content = true;
                    break;
                }
                Some(_) => {}
                None if !lines[j].0.trim().is_empty() => {
                    has_content = true;
                    break;
                }
                None => {}
            }
        }
        keep[i] = has_content;
    }
    let mut k = keep.into_iter();
    lines.retain(|_| k.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(text: &str) -> Prepared {
        let n = text.split_inclusive('\n').count();
        Prepared {
            text: text.to_string(),
            line_map: (1..=n + 1).collect(),
        }
    }

    const CHARTER: &str = "Intro.\n\n## Safe\n\n- I will tell an adult.\n- [years-5-6] I will keep passwords private.\n- I will use apps adults allow.\n  - [eyfs] I ask first.\n\n## Older only\n\n- [years-5-6] I will think before I post.\n";

    #[test]
    fn filters_statements_per_band() {
        let eyfs = for_band(&prep(CHARTER), "eyfs");
        assert!(eyfs.text.contains("- I will tell an adult."));
        assert!(eyfs.text.contains("- I ask first."));
        assert!(!eyfs.text.contains("use apps adults allow"));
        assert!(!eyfs.text.contains("passwords"));
        assert!(!eyfs.text.contains("Older only"), "{}", eyfs.text);
        let older = for_band(&prep(CHARTER), "years-5-6");
        assert!(older.text.contains("- I will keep passwords private."));
        assert!(older.text.contains("- I will use apps adults allow."));
        assert!(!older.text.contains("I ask first"));
        assert!(older.text.contains("## Older only"));
        assert!(older.text.contains("- I will think before I post."));
    }

    #[test]
    fn keeps_source_lines() {
        let eyfs = for_band(&prep(CHARTER), "eyfs");
        let at = eyfs.text.find("I ask first").unwrap();
        assert_eq!(eyfs.source_line(at), 7);
    }

    #[test]
    fn links_are_not_band_tags() {
        assert!(band_tag("[our rules](@/x.md) apply").is_none());
        assert!(band_tag("[x]").is_some());
        assert_eq!(
            band_tag("[eyfs, years-1-2] I").unwrap().0,
            vec!["eyfs", "years-1-2"]
        );
    }

    const PHASES: &str = "[eyfs years-1-2] We read these together.\n\n[years-5-6]\n- I will keep passwords private.\n- I will think before I post.\n\n## [eyfs years-1-2] Early Years and KS1\n\nThese are our rules.\n\n- I ask a grown-up.\n\n### Extra\n\n- I am kind.\n\n## [years-3-4 years-5-6] Key Stage 2 (7\u{2013}11)\n\n- I will tell an adult.\n- [years-5-6] I will check age ratings.\n\n## For everyone\n\n- I will be kind.\n";

    #[test]
    fn sections_paragraphs_and_lists_take_band_lists() {
        let eyfs = for_band(&prep(PHASES), "eyfs");
        assert!(
            eyfs.text.starts_with("We read these together.\n"),
            "{}",
            eyfs.text
        );
        assert!(eyfs.text.contains("## Early Years and KS1\n"));
        assert!(eyfs.text.contains("These are our rules."));
        assert!(
            eyfs.text.contains("### Extra"),
            "a subsection goes with its section"
        );
        assert!(!eyfs.text.contains("Key Stage 2"));
        assert!(!eyfs.text.contains("tell an adult"));
        assert!(!eyfs.text.contains("passwords"));
        assert!(eyfs.text.contains("## For everyone\n\n- I will be kind."));
        assert_eq!(statement_count(&eyfs.text), 3);
        let older = for_band(&prep(PHASES), "years-5-6");
        assert!(!older.text.contains("We read these together"));
        assert!(
            older
                .text
                .contains("- I will keep passwords private.\n- I will think before I post.")
        );
        assert!(!older.text.contains("[years-5-6]"), "{}", older.text);
        assert!(older.text.contains("## Key Stage 2 (7\u{2013}11)"));
        assert!(older.text.contains("- I will check age ratings."));
        assert!(!older.text.contains("Early Years"));
        let at = older.text.find("I will check age ratings").unwrap();
        assert_eq!(older.source_line(at), 20);
        let middle = for_band(&prep(PHASES), "years-3-4");
        assert!(!middle.text.contains("age ratings"));
        assert!(middle.text.contains("- I will tell an adult."));
    }

    #[test]
    fn words_in_capitals_are_not_band_lists() {
        assert!(band_tag("[To amend] I will").is_none());
        assert!(band_tag("[School name]").is_none());
        let text = prep("[To amend] Read with your child.\n\n- I will be kind.\n");
        assert!(for_band(&text, "eyfs").text.contains("[To amend] Read"));
    }

    fn findings(text: &str) -> Vec<String> {
        use crate::diagnostics::SourceText;
        let site =
            "title = \"T\"\nbase_url = \"https://t.example/\"\n[schools.a]\nname = \"A School\"\n"
                .to_string();
        let config = crate::config::load(&SourceText::new("site.toml", site), &[]).unwrap();
        let file = format!("+++\ntitle = \"C\"\n+++\n{text}");
        let source = SourceText::new("content/charters/c.md", file);
        let (doc, _) = crate::content::parse_document("charters/c.md".into(), source, &config);
        let doc = doc.unwrap();
        let mut d = Vec::new();
        check(&doc, &prep(text), &crate::config::default_bands(), &mut d);
        d.into_iter()
            .map(|d| format!("{} {}: {}", d.rule, d.line, d.message))
            .collect()
    }

    #[test]
    fn a_tag_that_could_never_be_shown_is_an_error() {
        assert_eq!(
            findings(PHASES),
            Vec::<String>::new(),
            "sibling sections each have their own bands"
        );
        let f = findings(
            "## [years-3-4 years-5-6] KS2\n\n- [eyfs] I ask.\n- [years-5-6] I check.\n\n## All\n\n- [eyfs] I share.\n",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].starts_with("charter-band 3: `eyfs` is named here, but the section"),
            "{f:?}"
        );
        let f = findings("[eyfs]\n\n## Next\n\n- I am kind.\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("no list or paragraph follows it"), "{f:?}");
        let f = findings("## [eyfs, yeras-1-2] Little ones\n\n- I ask.\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("unknown-band 1"), "{f:?}");
        let f = findings("[years-5-6]\n- I will keep it private.\n  - [eyfs] I keep it.\n");
        assert_eq!(f.len(), 1, "{f:?}");
        let f = findings(
            "- [years-5-6] I check.\n- I am kind.\n  - [eyfs] I am gentle.\n- [years-5-6] I think.\n  - [eyfs] I stop.\n",
        );
        assert_eq!(
            f.len(),
            1,
            "only the simpler wording of a statement eyfs can't see: {f:?}"
        );
        assert!(
            f[0].starts_with("charter-band 5: `eyfs` is named here, but the statement"),
            "{f:?}"
        );
    }
}
