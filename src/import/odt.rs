//! Reads an OpenDocument text file (.odt: LibreOffice's own format, and what Google Docs and
//! Word save as "OpenDocument Text") into the same blocks as a Word file: `content.xml` with
//! its automatic styles, `styles.xml` for the named styles, list styles and page headers, and
//! `meta.xml` for the title, through the one ZIP reader and the same capped XML reader as
//! `docx`. Contents lists and other indexes, tracked deletions, page numbers and the cached
//! numbers of list items are left out.

use std::collections::HashMap;

use super::ImportError;
use super::docx::{self, Docx, flush};
use super::model::{Block, Inline, Para, Run, Table, highlight};
use super::xml::El;
use crate::static_meta::zip;

/// The most columns a table row is read with (a cell may say it repeats a million times).
const MAX_COLUMNS: usize = 64;
/// The most spaces one `<text:s text:c="…"/>` gives.
const MAX_SPACES: usize = 64;

/// Whether a ZIP holds an OpenDocument file rather than a Word one: it has a `content.xml`
/// and no `word/document.xml`.
pub fn is_odf(entries: &[zip::Entry]) -> bool {
    entries.iter().any(|e| e.name == "content.xml")
        && !entries.iter().any(|e| e.name == "word/document.xml")
}

/// Reads an .odt file's bytes, whose ZIP entries are `entries`.
pub fn read(bytes: &[u8], entries: &[zip::Entry]) -> Result<Docx, ImportError> {
    let part = |name: &str| docx::part(bytes, entries, name);
    if let Some(mime) = entries.iter().find(|e| e.name == "mimetype") {
        let data = zip::read(bytes, mime, 256).map_err(docx::zip_error)?;
        let mime = String::from_utf8_lossy(&data);
        if !mime
            .trim()
            .starts_with("application/vnd.oasis.opendocument.text")
        {
            return Err(ImportError::NotWord);
        }
    }
    if let Some(manifest) = part("META-INF/manifest.xml")?
        && manifest.find("encryption-data").is_some()
    {
        return Err(ImportError::Encrypted);
    }
    let Some(content) = part("content.xml")? else {
        return Err(ImportError::NotWord);
    };
    let mut r = Reader::default();
    let styles = part("styles.xml")?;
    if let Some(styles) = &styles {
        for group in ["styles", "automatic-styles"] {
            if let Some(g) = styles.child(group) {
                r.read_styles(g);
            }
        }
    }
    if let Some(g) = content.child("automatic-styles") {
        r.read_styles(g);
    }
    let mut out = Docx::default();
    if let Some(meta) = part("meta.xml")? {
        out.core_title = meta
            .find("title")
            .map(|t| t.text().trim().to_string())
            .filter(|t| !t.is_empty());
    }
    if let Some(master) = styles.as_ref().and_then(|s| s.child("master-styles")) {
        out.headers = r.headers(master);
    }
    let body = content
        .child("body")
        .and_then(|b| b.child("text"))
        .ok_or(ImportError::NotWord)?;
    out.blocks = r.blocks(body);
    out.footnotes = std::mem::take(&mut r.footnotes);
    for href in std::mem::take(&mut r.pictures) {
        let name = href.trim_start_matches("./");
        let Some(entry) = entries.iter().find(|e| e.name == name) else {
            r.problems.push(format!(
                "the picture {href} is missing from the document: it is left out"
            ));
            continue;
        };
        match zip::read(bytes, entry, docx::PART_LIMIT) {
            Ok(data) => {
                out.pictures.push((href.clone(), (name.to_string(), data)));
            }
            Err(e) => r.problems.push(format!(
                "the picture {href} can't be read ({e}): it is left out"
            )),
        }
    }
    out.problems = r.problems;
    Ok(out)
}

/// Formatting a style sets; `None` where it says nothing (and its parent decides).
#[derive(Debug, Clone, Default)]
struct Format {
    bold: Option<bool>,
    italic: Option<bool>,
    /// `Some(None)`: the style says "no highlight".
    highlight: Option<Option<String>>,
}

impl Format {
    fn of(props: Option<&El>) -> Format {
        let Some(p) = props else {
            return Format::default();
        };
        let background = p
            .attr("background-color")
            .or_else(|| p.attr("char-shading-value"));
        Format {
            bold: p
                .attr("font-weight")
                .map(|w| w == "bold" || w.parse::<u16>().is_ok_and(|n| n >= 600)),
            italic: p
                .attr("font-style")
                .map(|s| s == "italic" || s == "oblique"),
            highlight: background.map(highlight),
        }
    }

    /// This format over `run`: what it says replaces what the run had.
    fn apply(&self, run: &mut Run) {
        if let Some(b) = self.bold {
            run.bold = b;
        }
        if let Some(i) = self.italic {
            run.italic = i;
        }
        if let Some(h) = &self.highlight {
            run.highlight = h.clone();
        }
    }
}

/// A paragraph or text style.
#[derive(Debug, Clone, Default)]
struct Style {
    /// Its name and display name, lower case, with LibreOffice's `_20_` read as a space.
    names: Vec<String>,
    parent: Option<String>,
    outline: Option<u8>,
    list_style: Option<String>,
    format: Format,
    /// An automatic style (direct formatting): its formatting counts for a whole paragraph.
    automatic: bool,
}

/// The state of reading one document.
#[derive(Default)]
struct Reader {
    /// Paragraph styles and text styles, by name.
    paragraph: HashMap<String, Style>,
    text: HashMap<String, Style>,
    /// List styles: (name, level from 1) → numbered (not bullets).
    lists: HashMap<(String, u8), bool>,
    footnotes: Vec<(String, String)>,
    problems: Vec<String>,
    /// The pictures met, by their place in the file (`Pictures/1000….png`), in order.
    pictures: Vec<String>,
    /// The list styles of the lists open at this point (innermost last).
    open_lists: Vec<Option<String>>,
}

/// LibreOffice's encoded style name read as words (`Heading_20_1` → `heading 1`).
fn words(name: &str) -> String {
    name.replace("_20_", " ").to_lowercase()
}

impl Reader {
    fn read_styles(&mut self, group: &El) {
        let automatic = group.name == "automatic-styles";
        for s in group.children() {
            match s.name.as_str() {
                "style" => {
                    let Some(name) = s.attr("name") else {
                        continue;
                    };
                    let mut names = vec![words(name)];
                    if let Some(d) = s.attr("display-name") {
                        names.push(d.to_lowercase());
                    }
                    let style = Style {
                        names,
                        parent: s.attr("parent-style-name").map(String::from),
                        outline: s
                            .attr("default-outline-level")
                            .and_then(|v| v.parse::<u8>().ok())
                            .filter(|o| (1..=10).contains(o)),
                        list_style: s
                            .attr("list-style-name")
                            .filter(|l| !l.is_empty())
                            .map(String::from),
                        format: Format::of(s.child("text-properties")),
                        automatic,
                    };
                    match s.attr("family") {
                        Some("paragraph") => self.paragraph.insert(name.to_string(), style),
                        Some("text") => self.text.insert(name.to_string(), style),
                        _ => None,
                    };
                }
                "list-style" => {
                    let Some(name) = s.attr("name") else {
                        continue;
                    };
                    for level in s.children() {
                        let Some(n) = level.attr("level").and_then(|l| l.parse::<u8>().ok()) else {
                            continue;
                        };
                        let numbered = level.name == "list-level-style-number"
                            && level.attr("num-format").is_some_and(|f| !f.is_empty());
                        self.lists.insert((name.to_string(), n), numbered);
                    }
                }
                _ => {}
            }
        }
    }

    /// A paragraph style's heading level, whether it is the title, whether it is a
    /// contents list's, and its list style.
    fn style_facts(&self, name: &str) -> (Option<u8>, bool, bool, Option<String>) {
        let mut at = Some(name.to_string());
        let mut list = None;
        for _ in 0..16 {
            let Some(style) = at.as_ref().and_then(|n| self.paragraph.get(n)) else {
                break;
            };
            list = list.or(style.list_style.clone());
            let named = |want: &dyn Fn(&str) -> bool| style.names.iter().any(|n| want(n));
            if named(&|n| n == "title") {
                return (None, true, false, list);
            }
            if named(&|n| n.starts_with("contents") || n.starts_with("toc")) {
                return (None, false, true, list);
            }
            let level = style.names.iter().find_map(|n| {
                n.strip_prefix("heading ")
                    .and_then(|l| l.trim().parse::<u8>().ok())
            });
            if let Some(n) = level.or(style.outline) {
                return (Some(n.clamp(1, 9)), false, false, list);
            }
            at = style.parent.clone();
        }
        (None, false, false, list)
    }

    /// The text of the pages' headers, each once.
    fn headers(&mut self, master: &El) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for page in master.children().filter(|e| e.name == "master-page") {
            for header in page.children().filter(|e| e.name.starts_with("header")) {
                let pictures = self.pictures.len();
                let blocks = self.blocks(header);
                self.pictures.truncate(pictures);
                super::model::add_header(&mut out, &blocks);
            }
        }
        out
    }

    /// The blocks of the body, a section, a list item or a table cell.
    fn blocks(&mut self, parent: &El) -> Vec<Block> {
        let mut out = Vec::new();
        for el in parent.children() {
            match el.name.as_str() {
                "p" | "h" => {
                    if let Some(p) = self.para(el) {
                        out.push(Block::Para(p));
                    }
                }
                "list" => {
                    self.open_lists
                        .push(el.attr("style-name").map(String::from));
                    for item in el
                        .children()
                        .filter(|e| e.name == "list-item" || e.name == "list-header")
                    {
                        out.extend(self.blocks(item));
                    }
                    self.open_lists.pop();
                }
                "table" => out.push(Block::Table(self.table(el))),
                "section" => out.extend(self.blocks(el)),
                // Contents lists, indexes, tracked deletions, declarations, forms.
                _ => {}
            }
        }
        out
    }

    fn table(&mut self, el: &El) -> Table {
        let mut table = Table {
            header: el.child("table-header-rows").is_some(),
            ..Table::default()
        };
        let mut rows = Vec::new();
        collect_rows(el, &mut rows, 0);
        for tr in rows {
            let mut cells: Vec<Vec<Block>> = Vec::new();
            for tc in tr.children() {
                let blocks = match tc.name.as_str() {
                    "table-cell" => self.blocks(tc),
                    "covered-table-cell" => Vec::new(),
                    _ => continue,
                };
                let repeat = tc
                    .attr("number-columns-repeated")
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_COLUMNS);
                for _ in 0..repeat {
                    if cells.len() < MAX_COLUMNS {
                        cells.push(blocks.clone());
                    }
                }
            }
            table.rows.push(cells);
        }
        table
    }

    /// One paragraph or heading; `None` for a contents list's entry.
    fn para(&mut self, p: &El) -> Option<Para> {
        let style = p.attr("style-name").unwrap_or("");
        let (heading, title, toc, list_style) = self.style_facts(style);
        if toc {
            return None;
        }
        let mut para = Para {
            title,
            heading,
            ..Para::default()
        };
        if p.name == "h" {
            let level = p
                .attr("outline-level")
                .and_then(|l| l.parse::<u8>().ok())
                .unwrap_or(1);
            para.heading = Some(level.clamp(1, 9));
            para.title = false;
        }
        if para.heading.is_none() && !self.open_lists.is_empty() {
            let depth = self.open_lists.len();
            let list = self
                .open_lists
                .iter()
                .rev()
                .find_map(|l| l.clone())
                .or(list_style);
            let numbered = list.is_some_and(|l| {
                let level = u8::try_from(depth.min(10)).unwrap_or(10);
                self.lists.get(&(l, level)).copied().unwrap_or(false)
            });
            para.list = Some((u8::try_from(depth - 1).unwrap_or(8).min(8), numbered));
        }
        // A paragraph's own direct formatting (bold all through) is its runs'.
        let mut base = Run::default();
        if let Some(s) = self.paragraph.get(style).filter(|s| s.automatic) {
            s.format.apply(&mut base);
        }
        let mut inlines = Vec::new();
        self.inlines(p, &base, &mut inlines, &mut para.comments);
        para.inlines = inlines;
        Some(para)
    }

    /// A text style's formatting over `run`, its parents' first.
    fn text_style(&self, name: &str, run: &mut Run) {
        let mut chain = Vec::new();
        let mut at = Some(name.to_string());
        while let Some(style) = at.as_ref().and_then(|n| self.text.get(n)) {
            if chain.len() >= 16 {
                break;
            }
            chain.push(style);
            at = style.parent.clone();
        }
        for style in chain.iter().rev() {
            style.format.apply(run);
        }
    }

    /// The text, links, notes and pictures of a paragraph, or of a span inside one.
    fn inlines(
        &mut self,
        parent: &El,
        style: &Run,
        out: &mut Vec<Inline>,
        comments: &mut Vec<String>,
    ) {
        let mut text = String::new();
        for kid in &parent.kids {
            let el = match kid {
                super::xml::Node::Text(t) => {
                    push_collapsed(&mut text, t);
                    continue;
                }
                super::xml::Node::El(el) => el,
            };
            match el.name.as_str() {
                "s" => {
                    let n = el
                        .attr("c")
                        .and_then(|c| c.parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_SPACES);
                    text.extend(std::iter::repeat_n(' ', n));
                }
                "tab" => text.push(' '),
                "line-break" => {
                    flush(style, &mut text, out);
                    out.push(Inline::Break);
                }
                "span" | "a" | "meta" | "ruby" | "ruby-base" | "placeholder" | "sequence"
                | "date" | "time" | "chapter" | "title" | "subject" | "author-name"
                | "initial-creator" | "creator" | "user-defined" | "variable-get"
                | "user-field-get" | "text-input" | "expression" | "bookmark-ref"
                | "reference-ref" | "sequence-ref" | "note-ref" => {
                    flush(style, &mut text, out);
                    let mut inner = style.clone();
                    if el.name == "span"
                        && let Some(s) = el.attr("style-name")
                    {
                        self.text_style(s, &mut inner);
                    }
                    let at = out.len();
                    self.inlines(el, &inner, out, comments);
                    if el.name == "a" {
                        self.link(el, out, at);
                    }
                }
                "note" => {
                    flush(style, &mut text, out);
                    let id = format!("odt-note-{}", self.footnotes.len() + 1);
                    let body = el
                        .child("note-body")
                        .map(|b| self.note_text(b))
                        .unwrap_or_default();
                    self.footnotes.push((id.clone(), body));
                    out.push(Inline::Footnote(id));
                }
                "annotation" => {
                    let said = el
                        .children()
                        .filter(|e| e.name == "p" || e.name == "list")
                        .map(|e| e.text().split_whitespace().collect::<Vec<_>>().join(" "))
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if !said.is_empty() && !comments.contains(&said) {
                        comments.push(said);
                    }
                }
                "frame" => {
                    flush(style, &mut text, out);
                    self.frame(el, style, out, comments);
                }
                // Bookmarks, the end of a comment's range, soft page breaks, page numbers,
                // a list item's cached number, index marks, tracked-change marks.
                _ => {}
            }
        }
        flush(style, &mut text, out);
    }

    /// The runs read from a link (`out[at..]`) made one link to its address; a link to a
    /// place in the same document keeps its text only.
    fn link(&mut self, a: &El, out: &mut Vec<Inline>, at: usize) {
        let href = a.attr("href").unwrap_or("").trim().to_string();
        if href.starts_with('#') {
            return;
        }
        let inner: Vec<Inline> = out.drain(at..).collect();
        let runs: Vec<Run> = inner
            .iter()
            .filter_map(|i| match i {
                Inline::Text(r) => Some(r.clone()),
                _ => None,
            })
            .collect();
        if href.is_empty() {
            let text: String = runs.iter().map(|r| r.text.as_str()).collect();
            self.problems.push(format!(
                "the link \"{}\" goes nowhere in the document: its text is kept without the link",
                text.trim()
            ));
            out.extend(inner);
            return;
        }
        out.push(Inline::Link { url: href, runs });
        out.extend(inner.into_iter().filter(|i| !matches!(i, Inline::Text(_))));
    }

    /// A note's text, its paragraphs joined.
    fn note_text(&mut self, body: &El) -> String {
        let blocks = self.blocks(body);
        super::model::blocks_text(&blocks)
    }

    /// A frame: a picture with its description, or a text box whose text joins the
    /// paragraph.
    fn frame(
        &mut self,
        frame: &El,
        style: &Run,
        out: &mut Vec<Inline>,
        comments: &mut Vec<String>,
    ) {
        let described = |name: &str| {
            frame
                .child(name)
                .map(|d| d.text().split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|d| !d.is_empty())
        };
        if let Some(image) = frame.child("image") {
            let alt = described("desc")
                .or_else(|| described("title"))
                .unwrap_or_default();
            let href = image.attr("href").unwrap_or("").trim().to_string();
            let external = href.contains("://")
                || href.starts_with("//")
                || href.starts_with('/')
                || href.starts_with("../");
            if href.is_empty() {
                self.problems.push(format!(
                    "a picture{} is kept inside the document's text in a form that can't be read: it is left out",
                    if alt.is_empty() { String::new() } else { format!(" (\"{alt}\")") }
                ));
                return;
            }
            if !external && !self.pictures.contains(&href) {
                self.pictures.push(href.clone());
            }
            out.push(Inline::Image {
                rel: href,
                alt,
                external,
            });
        } else if let Some(text_box) = frame.child("text-box") {
            for p in text_box
                .children()
                .filter(|e| e.name == "p" || e.name == "h")
            {
                out.push(Inline::Break);
                self.inlines(p, style, out, comments);
            }
        }
    }
}

/// The rows of a table, in order, from its header rows, row groups and rows.
fn collect_rows<'a>(el: &'a El, rows: &mut Vec<&'a El>, depth: usize) {
    for c in el.children() {
        match c.name.as_str() {
            "table-row" => rows.push(c),
            "table-header-rows" | "table-rows" | "table-row-group" if depth < 8 => {
                collect_rows(c, rows, depth + 1);
            }
            _ => {}
        }
    }
}

/// Text as OpenDocument keeps it: runs of white space count as one space.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}
