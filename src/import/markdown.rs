//! The importer's blocks written as PolicyPress Markdown: headings from `##` with Word's
//! typed numbers taken off, lists with their levels, tables as Markdown tables (or, when a
//! cell holds a list or several paragraphs, as a list of rows), links, footnotes, and every
//! piece a person must decide marked so `check` fails on it (`placeholder-text`).

use super::model::{Block, Inline, Para, Run, Table, blocks_text};
use super::names::Names;
use crate::config::Band;
use crate::school_years::years_of;

/// Markdown being written, line by line, with the places a person must look at.
#[derive(Debug, Default)]
pub struct Writer {
    /// The Markdown so far.
    pub out: String,
    /// (line of `out`, from 1; what to look at).
    pub notes: Vec<(usize, String)>,
    /// What was converted: headings, list items, tables, links, footnotes.
    pub counts: Counts,
    /// Heading levels are shifted by this so the body starts at `##`.
    shift: i16,
    /// The school's words to write back as variables.
    names: Names,
    /// What was written back: (text, variable, how many times), in order of first use.
    pub replaced: Vec<(String, String, usize)>,
    /// The address each embedded picture is published at, by relationship id.
    pub pictures: std::collections::HashMap<String, String>,
    /// Writing a charter: the site's bands, which its phase headings are mapped to.
    pub charter_bands: Option<Vec<Band>>,
    /// The phase the text is in: (its heading's level, its bands).
    phase: Option<(usize, Vec<String>)>,
    /// Each phase heading and the bands it was given (none: it matched none).
    pub phases: Vec<(String, Vec<String>)>,
    /// The sign-off sentences found ("I have read and talked about these rules …"), with
    /// the bands of the phase each is in (none: before any phase, so every band's).
    pub signing: Vec<(Vec<String>, String)>,
    /// Per block, the names to write it with instead of `names` (a shared policy's sentence
    /// merged from each school's copy: `federation`).
    pub block_names: Vec<Option<Names>>,
    /// Per block, a note for the report at its line.
    pub block_notes: Vec<Option<String>>,
}

/// What an import converted, for its report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Headings.
    pub headings: usize,
    /// List items.
    pub list_items: usize,
    /// Tables.
    pub tables: usize,
    /// Links.
    pub links: usize,
    /// Footnotes.
    pub footnotes: usize,
    /// Placeholders marked for a person.
    pub marked: usize,
}

/// The heading level of a paragraph: its style's, or a bold, numbered line's ("1. Scope",
/// "2.3 Roles", "Appendix 1: Links"), which templates use as headings.
pub fn heading_level(p: &Para) -> Option<u8> {
    if p.heading.is_some() {
        return p.heading;
    }
    if p.list.is_some() || !p.all_bold() {
        return None;
    }
    let text = p.text();
    let t = text.trim();
    if t.len() > 90 || t.ends_with(['.', ',', ';']) {
        return None;
    }
    let (number, rest) = split_number(t);
    // "Appendix 2" on a line of its own heads an appendix too.
    let bare_appendix = rest.is_empty() && !number.starts_with(|c: char| c.is_ascii_digit());
    if number.is_empty() || (rest.is_empty() && !bare_appendix) {
        return None;
    }
    let depth = number
        .trim_end_matches(['.', ':', ')'])
        .matches('.')
        .count();
    Some(1 + depth.min(3) as u8)
}

/// A heading's typed number and the rest: ("2.3", "Roles"), ("Appendix 1:", "Links"); an
/// empty number when it has none.
pub fn split_number(t: &str) -> (&str, &str) {
    let lower = t.to_lowercase();
    let mut end = 0;
    for word in ["appendix", "annex", "section", "part"] {
        if lower.starts_with(word) {
            let after = &t[word.len()..];
            let n = after.trim_start();
            let digits = n
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
                .unwrap_or(n.len());
            if digits > 0 && digits <= 4 {
                end = t.len() - n.len() + digits;
            }
        }
    }
    if end == 0 {
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() && (b[i].is_ascii_digit() || (b[i] == b'.' && i > 0)) {
            i += 1;
        }
        if i > 0 && b[0].is_ascii_digit() {
            end = i;
        }
    }
    if end == 0 {
        return ("", t);
    }
    let rest = t[end..].trim_start_matches([':', ')', '.', ' ', '\t', '–', '-']);
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '—');
    (&t[..end], rest)
}

/// `text` with the characters Markdown would read as markup escaped (the one escaper of
/// values, `vars::escape_markdown`), after no-break spaces and control characters become
/// spaces.
pub fn escape(text: &str) -> String {
    let plain: String = text
        .chars()
        .map(|c| {
            if c == '\u{a0}' || (c.is_control() && c != '\n') {
                ' '
            } else {
                c
            }
        })
        .collect();
    crate::vars::escape_markdown(&plain)
}

/// Whether a paragraph is an agreement's sign-off sentence ("I have read and talked about
/// these rules with my parents/carers"), which becomes the charter's signing text.
pub fn is_sign_off(text: &str) -> bool {
    let t = text.trim().to_lowercase().replace('\u{2019}', "'");
    t.len() < 300
        && [
            "i have read",
            "we have read",
            "i/we have read",
            "i have talked",
            "we have talked",
            "i have discussed",
            "we have discussed",
            "i agree to",
            "we agree to",
            "i understand and agree",
            "my child and i have",
            "by signing",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

/// Whether a paragraph is only a signature line ("Signed: ______  Date: ______"): the print
/// templates have their own.
pub fn is_signature_line(text: &str) -> bool {
    let t = text.trim();
    let blanks = t.chars().filter(|c| matches!(c, '_' | '…' | '.')).count();
    if blanks < 3 {
        return false;
    }
    let words: String = t
        .chars()
        .filter(|c| c.is_alphabetic() || c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let words: Vec<&str> = words.split_whitespace().collect();
    !words.is_empty()
        && words.iter().all(|w| {
            matches!(
                *w,
                "signed"
                    | "signature"
                    | "date"
                    | "name"
                    | "print"
                    | "pupil"
                    | "parent"
                    | "carer"
                    | "parentcarer"
                    | "class"
                    | "of"
                    | "child"
                    | "s"
                    | "staff"
                    | "member"
                    | "teacher"
                    | "by"
            )
        })
}

impl Writer {
    /// A writer whose headings start at `##` given the smallest heading level of the body.
    pub fn new(min_heading: u8, names: Names) -> Writer {
        Writer {
            shift: 2 - i16::from(min_heading),
            names,
            ..Writer::default()
        }
    }

    /// `text` escaped, with the school's words written back as variables.
    fn text(&mut self, text: &str) -> String {
        let mut out = String::new();
        for (piece, var) in self.names.split(text) {
            match var {
                Some(var) => {
                    out.push_str(var);
                    match self.replaced.iter_mut().find(|(t, _, _)| t == piece) {
                        Some(r) => r.2 += 1,
                        None => self.replaced.push((piece.to_string(), var.to_string(), 1)),
                    }
                }
                None => out.push_str(&escape(piece)),
            }
        }
        out
    }

    /// The line the next text goes on.
    pub fn line(&self) -> usize {
        self.out.matches('\n').count() + 1
    }

    fn note(&mut self, what: impl Into<String>) {
        let line = self.line();
        self.notes.push((line, what.into()));
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Writes the blocks of the body.
    pub fn blocks(&mut self, blocks: &[Block], footnotes: &[(String, String)]) {
        let mut list_widths: Vec<usize> = Vec::new();
        for (i, block) in blocks.iter().enumerate() {
            // A block of a shared policy may be written in one school's words.
            let own = self.block_names.get_mut(i).and_then(Option::take);
            let document = own.map(|n| std::mem::replace(&mut self.names, n));
            if let Some(note) = self.block_notes.get_mut(i).and_then(Option::take) {
                self.blank_line();
                self.note(note);
            }
            match block {
                Block::Para(p) => self.para(p, &mut list_widths, footnotes),
                Block::Table(t) => {
                    list_widths.clear();
                    self.blank_line();
                    self.table(t, footnotes);
                }
            }
            if let Some(n) = document {
                self.names = n;
            }
        }
    }

    fn para(&mut self, p: &Para, list_widths: &mut Vec<usize>, footnotes: &[(String, String)]) {
        let text = p.text();
        if text.trim().is_empty() && !p.inlines.iter().any(|i| matches!(i, Inline::Image { .. })) {
            return;
        }
        if is_signature_line(&text) {
            self.note(format!(
                "a signature line was left out (the printed copy has its own): \"{}\"",
                text.trim()
            ));
            return;
        }
        if self.charter_bands.is_some() && p.list.is_none() && is_sign_off(&text) {
            let bands = self
                .phase
                .as_ref()
                .map(|(_, b)| b.clone())
                .unwrap_or_default();
            self.signing
                .push((bands, text.split_whitespace().collect::<Vec<_>>().join(" ")));
        } else if let Some(level) = heading_level(p) {
            list_widths.clear();
            let (_, rest) = split_number(text.trim());
            // A heading that is only its number ("Appendix 2") keeps it.
            let rest = if rest.trim().is_empty() {
                text.trim()
            } else {
                rest
            };
            let level = (i16::from(level) + self.shift).clamp(2, 6) as usize;
            self.blank_line();
            self.out.push_str(&"#".repeat(level));
            self.out.push(' ');
            self.phase_tag(level, rest.trim());
            let heading = self.text(rest.trim());
            self.out.push_str(&heading);
            self.out.push('\n');
            self.counts.headings += 1;
        } else if let Some((level, numbered)) = p.list.or_else(|| {
            // In a charter, a promise written as a paragraph ("I Promise – to …") is one of
            // its statements all the same.
            (self.charter_bands.is_some() && super::is_promise(&text)).then_some((0, false))
        }) {
            let level = level as usize;
            if list_widths.is_empty() {
                self.blank_line();
            }
            list_widths.truncate(level);
            let indent: usize =
                list_widths.iter().sum::<usize>() + (level - list_widths.len().min(level)) * 2;
            let marker = if numbered { "1. " } else { "- " };
            list_widths.push(marker.len());
            self.out.push_str(&" ".repeat(indent));
            self.out.push_str(marker);
            let inline = self.inlines(&p.inlines, footnotes);
            self.out.push_str(inline.trim());
            self.out.push('\n');
            self.counts.list_items += 1;
        } else {
            list_widths.clear();
            self.blank_line();
            let inline = self.inlines(&p.inlines, footnotes);
            self.out.push_str(&start_of_line(inline.trim()));
            self.out.push('\n');
        }
        for c in &p.comments {
            self.blank_line();
            self.note(format!(
                "a comment in the document: \"{c}\": do what it asks, then delete the line"
            ));
            self.out
                .push_str(&format!("[Comment: {}]\n", escape(&shorten(c, 60))));
            self.counts.marked += 1;
        }
    }

    /// Writing a charter, a heading that names a phase ("Key Stage 2 (7–11)") starts with
    /// the bands it covers (`[years-3-4 years-5-6] `), or, where it covers none of the
    /// site's, with a placeholder asking which; another heading of its level ends the phase.
    fn phase_tag(&mut self, level: usize, heading: &str) {
        let Some(bands) = &self.charter_bands else {
            return;
        };
        if self.phase.as_ref().is_some_and(|(l, _)| level <= *l) {
            self.phase = None;
        }
        let years = years_of(heading);
        if years.is_empty() {
            return;
        }
        let covered: Vec<String> = bands
            .iter()
            .filter(|b| years_of(&format!("{} {}", b.slug, b.name)).meets(years))
            .map(|b| b.slug.clone())
            .collect();
        self.phases.push((heading.to_string(), covered.clone()));
        if covered.is_empty() {
            let slugs: Vec<&str> = bands.iter().map(|b| b.slug.as_str()).collect();
            self.note(format!(
                "the phase \"{heading}\" matches none of the site's bands ({}): replace [Which bands?] with the bands it is for, such as [{}]",
                slugs.join(", "),
                slugs.first().copied().unwrap_or("eyfs")
            ));
            self.out.push_str("[Which bands?] ");
            self.counts.marked += 1;
            return;
        }
        self.out.push_str(&format!("[{}] ", covered.join(" ")));
        self.phase = Some((level, covered));
    }

    /// A paragraph's inline content as Markdown.
    fn inlines(&mut self, inlines: &[Inline], footnotes: &[(String, String)]) -> String {
        let mut out = String::new();
        for i in &merged(inlines) {
            match i {
                Inline::Text(r) => out.push_str(&self.run(r)),
                Inline::Link { url, runs } => {
                    let text: String = runs.iter().map(|r| self.run(r)).collect();
                    // `@/…`: another document of the site, which `check` resolves.
                    let safe = url.starts_with("https://")
                        || url.starts_with("http://")
                        || url.starts_with("mailto:")
                        || url.starts_with("@/");
                    if safe && !text.trim().is_empty() {
                        let url = url
                            .replace(' ', "%20")
                            .replace('(', "%28")
                            .replace(')', "%29");
                        out.push_str(&format!("[{}]({url})", text.trim()));
                        self.counts.links += 1;
                    } else {
                        out.push_str(&text);
                    }
                }
                Inline::Break => out.push_str("  \n"),
                Inline::Footnote(id) => {
                    if let Some(n) = footnotes.iter().position(|(f, _)| f == id) {
                        out.push_str(&format!("[^{}]", n + 1));
                    }
                }
                Inline::Image {
                    rel,
                    alt,
                    external: false,
                } if self.pictures.contains_key(rel) => {
                    let url = self.pictures[rel].clone();
                    if alt.is_empty() {
                        self.note("a picture has no description (alt text) in the document: write what it shows between the brackets of `![…]`");
                    }
                    out.push_str(&format!("![{}]({url})", escape(alt)));
                }
                Inline::Image { alt, external, .. } => {
                    let what = if alt.is_empty() {
                        "a picture".to_string()
                    } else {
                        format!("the picture \"{alt}\"")
                    };
                    if *external {
                        self.note(format!("{what} is linked from another website (it would tell that site who reads the page): it was left out; put a copy in static/ if it is needed"));
                    } else {
                        self.note(format!("{what} was not imported: put it in static/ (its metadata is checked and removed there) and link it"));
                    }
                }
            }
        }
        out
    }

    /// A run's text, escaped, with its emphasis; highlighted text marked for a person.
    fn run(&mut self, r: &Run) -> String {
        let inner = r.text.trim();
        if inner.is_empty() {
            return if r.text.is_empty() {
                String::new()
            } else {
                " ".into()
            };
        }
        let lead = &r.text[..r.text.len() - r.text.trim_start().len()];
        let trail = &r.text[r.text.trim_end().len()..];
        let mut body = self.text(inner);
        if r.bold && r.italic {
            body = format!("***{body}***");
        } else if r.bold {
            body = format!("**{body}**");
        } else if r.italic {
            body = format!("*{body}*");
        }
        // Highlighted text that is all one of the school's details ("Oak Lane Primary
        // School", filled in but still marked) is that detail's variable now: nothing to amend.
        let filled_in = {
            let pieces = self.names.split(inner);
            pieces.len() == 1 && pieces[0].1.is_some()
        };
        if let Some(colour) = r.highlight.as_ref().filter(|_| !filled_in) {
            self.counts.marked += 1;
            self.note(format!(
                "text highlighted in {colour} (templates mark text to amend this way): \"{}\"",
                shorten(inner, 60)
            ));
            body = if inner.starts_with('[') && inner.ends_with(']') {
                body
            } else {
                format!("[To amend] {body}")
            };
        }
        format!(
            "{}{body}{}",
            if lead.is_empty() { "" } else { " " },
            if trail.is_empty() { "" } else { " " }
        )
    }

    fn table(&mut self, t: &Table, footnotes: &[(String, String)]) {
        let rows: Vec<&Vec<Vec<Block>>> = t.rows.iter().filter(|r| !r.is_empty()).collect();
        if rows.is_empty() {
            return;
        }
        self.counts.tables += 1;
        let simple = rows.iter().all(|r| {
            r.iter().all(|cell| {
                let paras: Vec<&Block> = cell.iter().collect();
                paras.len() <= 1
                    && paras
                        .iter()
                        .all(|b| matches!(b, Block::Para(p) if p.list.is_none()))
            })
        });
        if simple {
            let width = rows.iter().map(|r| r.len()).max().unwrap_or(1);
            // The first row heads the columns when Word says so or it is all bold; otherwise
            // the heading row is left empty, for a person to name the columns (`table-header`).
            let bold_first = rows[0].iter().all(|cell| {
                cell.iter()
                    .all(|b| matches!(b, Block::Para(p) if p.all_bold()))
                    && !cell.is_empty()
            });
            let body = if t.header || bold_first {
                // A heading cell is bold already: its own bold would only be noise.
                let plain: Vec<Vec<Block>> = rows[0]
                    .iter()
                    .map(|cell| cell.iter().map(unbold).collect())
                    .collect();
                self.table_row(&plain, width, footnotes);
                &rows[1..]
            } else {
                self.note("this table has no heading row: name its columns in the first row (`| Role | Name |`)");
                self.out.push('|');
                self.out.push_str(&"  |".repeat(width));
                self.out.push('\n');
                &rows[..]
            };
            self.out.push('|');
            self.out.push_str(&" --- |".repeat(width));
            self.out.push('\n');
            for row in body {
                self.table_row(row, width, footnotes);
            }
            return;
        }
        // A cell holds a list or several paragraphs: each row becomes a list item, its first
        // cell in bold and the others below it, named by the header row when there is one.
        let header: Vec<String> = rows[0].iter().map(|c| blocks_text(c)).collect();
        let has_header = rows.len() > 1 && header.iter().all(|h| !h.is_empty() && h.len() < 60);
        self.note("a table whose cells hold lists or several paragraphs was written as a list of its rows: check it reads well");
        for row in rows.iter().skip(usize::from(has_header)) {
            let Some((first, rest)) = row.split_first() else {
                continue;
            };
            self.out
                .push_str(&format!("- **{}**\n", escape(blocks_text(first).trim())));
            for (c, cell) in rest.iter().enumerate() {
                let name = if has_header {
                    header.get(c + 1).cloned().unwrap_or_default()
                } else {
                    String::new()
                };
                let mut first_para = true;
                for b in cell {
                    let Block::Para(p) = b else { continue };
                    let text = self.inlines(&p.inlines, footnotes);
                    if text.trim().is_empty() {
                        continue;
                    }
                    let label = if first_para && !name.is_empty() {
                        format!("{}: ", escape(&name))
                    } else {
                        String::new()
                    };
                    first_para = false;
                    match p.list {
                        Some((level, _)) => {
                            self.out.push_str(&" ".repeat(2 + 2 * level as usize));
                            self.out.push_str("- ");
                            self.out.push_str(text.trim());
                            self.out.push('\n');
                        }
                        None => {
                            self.out.push_str("\n  ");
                            self.out.push_str(&label);
                            self.out.push_str(text.trim());
                            self.out.push_str("\n\n");
                        }
                    }
                }
            }
        }
    }

    /// One row of a Markdown table, `width` cells wide.
    fn table_row(&mut self, row: &[Vec<Block>], width: usize, footnotes: &[(String, String)]) {
        self.out.push('|');
        for c in 0..width {
            let text = match row.get(c).and_then(|cell| cell.first()) {
                Some(Block::Para(p)) => self.inlines(&p.inlines, footnotes),
                _ => String::new(),
            };
            let mut text = text.replace("  \n", " ").replace('\n', " ");
            if text.trim() == "\\[ \\]" || text.trim() == "\\[\\]" {
                self.note("an empty `[ ]` in a table, left to fill in");
                self.counts.marked += 1;
                text = "[To fill in]".into();
            }
            self.out.push(' ');
            self.out.push_str(text.trim());
            self.out.push_str(" |");
        }
        self.out.push('\n');
    }

    /// The footnotes' definitions, at the end.
    pub fn footnotes(&mut self, footnotes: &[(String, String)]) {
        for (n, (_, text)) in footnotes.iter().enumerate() {
            self.blank_line();
            self.out
                .push_str(&format!("[^{}]: {}\n", n + 1, escape(text)));
            self.counts.footnotes += 1;
        }
    }
}

/// A paragraph's first characters escaped where Markdown would read a list or quote there.
fn start_of_line(text: &str) -> String {
    let digits = text.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')')) {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    if text.starts_with(['-', '+', '=']) {
        return format!("\\{text}");
    }
    text.to_string()
}

/// At most `n` characters of `s`, with "…" when cut.
pub(super) fn shorten(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        return s;
    }
    let cut: String = s.chars().take(n).collect();
    format!("{}…", cut.trim_end())
}

/// Runs side by side with the same formatting joined (Word cuts text into runs for its own
/// reasons, such as spelling marks, even inside a name).
fn merged(inlines: &[Inline]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for i in inlines {
        if let (Some(Inline::Text(last)), Inline::Text(r)) = (out.last_mut(), i)
            && last.bold == r.bold
            && last.italic == r.italic
            && last.highlight == r.highlight
        {
            last.text.push_str(&r.text);
            continue;
        }
        out.push(i.clone());
    }
    out
}

/// A block with its text's bold taken off (a table's heading cell).
fn unbold(b: &Block) -> Block {
    let mut b = b.clone();
    if let Block::Para(p) = &mut b {
        for i in &mut p.inlines {
            match i {
                Inline::Text(r) => r.bold = false,
                Inline::Link { runs, .. } => runs.iter_mut().for_each(|r| r.bold = false),
                _ => {}
            }
        }
    }
    b
}
