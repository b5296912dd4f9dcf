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
fn band_tag(text: &str) -> Option<(Vec<&str>, usize)> {
    let inner_end = text.strip_prefix('[')?.find(']')? + 1;
    let inner = &text[1..inner_end];
    let rest = &text[inner_end + 1..];
    if inner.trim().is_empty()
        || !inner
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ',' | ' '))
        || !(rest.is_empty() || rest.starts_with(' '))
    {
        return None;
    }
    let names = inner.split([' ', ',']).filter(|s| !s.is_empty()).collect();
    let skip = rest.len() - rest.trim_start().len();
    Some((names, inner_end + 1 + skip))
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

/// Checks every band tag of a charter once (not once per band and school).
pub fn check(doc: &Document, prepared: &Prepared, bands: &[Band], diags: &mut Vec<Diagnostic>) {
    let mut fence = false;
    let mut parent: Option<Vec<String>> = None;
    let mut offset = 0;
    for line in prepared.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if fence_marker(line).is_some() {
            fence = !fence;
        }
        if fence {
            continue;
        }
        let Some(item) = item_line(line) else {
            continue;
        };
        let Some((names, _)) = band_tag(item.text) else {
            if item.indent < 2 {
                parent = None;
            }
            continue;
        };
        for name in &names {
            if !bands.iter().any(|b| b.slug == *name) {
                let d = unknown_band(&doc.source, name, 0, bands);
                diags.push(prepared.locate(doc, d, start, name));
            }
        }
        if item.indent < 2 {
            parent = Some(names.iter().map(|s| s.to_string()).collect());
        } else if let Some(p) = &parent {
            for name in &names {
                if bands.iter().any(|b| b.slug == *name) && !p.iter().any(|x| x == name) {
                    let d = Diagnostic::error(
                        "charter-band",
                        &doc.source.name,
                        format!("simpler wording for `{name}`, but its statement is not shown to `{name}`"),
                    )
                    .with_hint(format!("add `{name}` to the statement's own band list, or remove it here"));
                    diags.push(prepared.locate(doc, d, start, name));
                }
            }
        }
    }
}

/// The charter as the pupils of one band see it.
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

/// A charter's text as one band reads it: the statements tagged for other bands left out,
/// and each statement's simpler wording for this band (a nested `[band]` item) in place of
/// its first line. Lines keep their source line numbers.
pub fn for_band(prepared: &Prepared, band: &str) -> Prepared {
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
}
