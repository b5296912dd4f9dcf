//! Reads a Word file (.docx): its parts through the one ZIP reader (`static_meta::zip`,
//! capped), then `word/document.xml` with its styles, numbering, relationships, footnotes and
//! comments into the importer's blocks. Word's contents list (a TOC field or a "Table of
//! Contents" block) and tracked deletions are left out.

use std::collections::HashMap;

use super::ImportError;
use super::model::{Block, Inline, Para, Run, Table};
use super::xml::{self, El};
use crate::static_meta::zip;

/// The most bytes one part may inflate to, and the most parts a file may have.
pub(super) const PART_LIMIT: usize = 32 << 20;
pub(super) const MAX_ENTRIES: usize = 10_000;

/// A Word file read: its blocks, its footnotes (by id) and what a person must look at.
#[derive(Debug, Default, Clone)]
pub struct Docx {
    /// The body, in order.
    pub blocks: Vec<Block>,
    /// The footnotes' text, by their id.
    pub footnotes: Vec<(String, String)>,
    /// The title in the file's properties (`docProps/core.xml`), if any.
    pub core_title: Option<String>,
    /// Things that did not come through: a broken link, a missing picture.
    pub problems: Vec<String>,
    /// The embedded pictures in the order they first appear: (relationship id, (the name
    /// they have inside the file, `media/image1.jpg`, bytes)).
    pub pictures: Vec<(String, (String, Vec<u8>))>,
    /// The text of the pages' headers (`word/header*.xml`), each once: what a template puts
    /// at the top of every page ("[Insert school name and logo]").
    pub headers: Vec<String>,
}

/// One XML part of a ZIP package (a Word or an OpenDocument file), read within the limits;
/// `None` when the file has no such part.
pub(super) fn part(
    bytes: &[u8],
    entries: &[zip::Entry],
    name: &str,
) -> Result<Option<El>, ImportError> {
    let Some(entry) = entries.iter().find(|e| e.name == name) else {
        return Ok(None);
    };
    let data = zip::read(bytes, entry, PART_LIMIT).map_err(zip_error)?;
    xml::parse(&data)
        .map(Some)
        .map_err(|e| ImportError::Damaged(format!("its part {name}: {e}")))
}

/// What an endnote's id starts with among the notes (Word numbers footnotes and endnotes
/// apart; PolicyPress prints both as footnotes).
const ENDNOTE: &str = "endnote-";

/// Reads a .docx file's bytes, whose ZIP entries are `entries`.
pub fn read(bytes: &[u8], entries: &[zip::Entry]) -> Result<Docx, ImportError> {
    let part = |name: &str| part(bytes, entries, name);
    let Some(document) = part("word/document.xml")? else {
        return Err(ImportError::NotWord);
    };
    let mut r = Reader::default();
    if let Some(rels) = part("word/_rels/document.xml.rels")? {
        for rel in rels.children().filter(|e| e.name == "Relationship") {
            if let (Some(id), Some(target)) = (rel.attr("Id"), rel.attr("Target")) {
                let external = rel.attr("TargetMode") == Some("External");
                r.rels
                    .insert(id.to_string(), (target.to_string(), external));
            }
        }
    }
    if let Some(styles) = part("word/styles.xml")? {
        r.read_styles(&styles);
    }
    if let Some(numbering) = part("word/numbering.xml")? {
        r.read_numbering(&numbering);
    }
    if let Some(comments) = part("word/comments.xml")? {
        for c in comments.children().filter(|e| e.name == "comment") {
            if let Some(id) = c.attr("id") {
                r.comments
                    .insert(id.to_string(), c.text().trim().to_string());
            }
        }
    }
    let mut out = Docx::default();
    for (name, element, prefix) in [
        ("word/footnotes.xml", "footnote", ""),
        ("word/endnotes.xml", "endnote", ENDNOTE),
    ] {
        let Some(notes) = part(name)? else {
            continue;
        };
        for n in notes.children().filter(|e| e.name == element) {
            if matches!(
                n.attr("type"),
                Some("separator" | "continuationSeparator" | "continuationNotice")
            ) {
                continue;
            }
            if let Some(id) = n.attr("id") {
                let text = n
                    .children()
                    .filter(|p| p.name == "p")
                    .map(|p| r.para(p).text().trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                out.footnotes.push((format!("{prefix}{id}"), text));
            }
        }
    }
    if let Some(core) = part("docProps/core.xml")? {
        out.core_title = core
            .child("title")
            .map(|t| t.text().trim().to_string())
            .filter(|t| !t.is_empty());
    }
    out.headers = headers(entries, &part, &mut r)?;
    let body = document.child("body").ok_or(ImportError::NotWord)?;
    out.blocks = r.blocks(body);
    for rel in std::mem::take(&mut r.pictures) {
        let Some((target, false)) = r.rels.get(&rel) else {
            continue;
        };
        let name = format!(
            "word/{}",
            target.trim_start_matches('/').trim_start_matches("word/")
        );
        let Some(entry) = entries.iter().find(|e| e.name == name) else {
            r.problems.push(format!(
                "the picture {target} is missing from the Word file: it is left out"
            ));
            continue;
        };
        match zip::read(bytes, entry, PART_LIMIT) {
            Ok(data) => {
                out.pictures.push((rel, (target.clone(), data)));
            }
            Err(e) => r.problems.push(format!(
                "the picture {target} can't be read ({e}): it is left out"
            )),
        }
    }
    out.problems = r.problems;
    Ok(out)
}

/// The text of the pages' headers (`word/header*.xml`), each once. Their pictures (a
/// template's logo) are not the body's and are not imported.
fn headers(
    entries: &[zip::Entry],
    part: &dyn Fn(&str) -> Result<Option<El>, ImportError>,
    r: &mut Reader,
) -> Result<Vec<String>, ImportError> {
    let mut names: Vec<&str> = entries
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| n.starts_with("word/header") && n.ends_with(".xml"))
        .collect();
    names.sort_unstable();
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if let Some(header) = part(name)? {
            let pictures = r.pictures.len();
            let blocks = r.blocks(&header);
            r.pictures.truncate(pictures);
            super::model::add_header(&mut out, &blocks);
        }
    }
    Ok(out)
}

pub(super) fn zip_error(e: zip::ZipError) -> ImportError {
    match e {
        zip::ZipError::TooLarge => ImportError::TooLarge,
        zip::ZipError::Encrypted => ImportError::Encrypted,
        other => ImportError::Damaged(other.to_string()),
    }
}

/// What a style makes of a paragraph.
#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    /// A character style's bold and italic ("Strong", "Emphasis"), where it says.
    bold: Option<bool>,
    italic: Option<bool>,
}

/// The state of reading one document.
#[derive(Default)]
struct Reader {
    /// Relationship id → (target, external).
    rels: HashMap<String, (String, bool)>,
    styles: HashMap<String, Style>,
    /// numId → abstractNumId, and (abstractNumId, level) → numbered (not bullets).
    nums: HashMap<String, String>,
    formats: HashMap<(String, u8), bool>,
    comments: HashMap<String, String>,
    /// The complex fields open at this point: their instruction, and whether their result
    /// is being read.
    fields: Vec<(String, bool)>,
    problems: Vec<String>,
    /// The relationship ids of the embedded pictures met, in order.
    pictures: Vec<String>,
}

impl Reader {
    fn read_styles(&mut self, styles: &El) {
        for s in styles.children().filter(|e| e.name == "style") {
            let Some(id) = s.attr("styleId") else {
                continue;
            };
            let ppr = s.child("pPr");
            let style = Style {
                name: s
                    .child("name")
                    .and_then(|n| n.attr("val"))
                    .unwrap_or_default()
                    .to_lowercase(),
                based_on: s
                    .child("basedOn")
                    .and_then(|b| b.attr("val"))
                    .map(String::from),
                outline: ppr
                    .and_then(|p| p.child("outlineLvl"))
                    .and_then(|o| o.attr("val"))
                    .and_then(|v| v.parse().ok()),
                bold: None,
                italic: None,
            };
            let style = match (s.attr("type"), s.child("rPr")) {
                (Some("character"), Some(rpr)) => Style {
                    bold: toggle(rpr, "b"),
                    italic: toggle(rpr, "i"),
                    ..style
                },
                _ => style,
            };
            self.styles.insert(id.to_string(), style);
        }
    }

    fn read_numbering(&mut self, numbering: &El) {
        for a in numbering.children().filter(|e| e.name == "abstractNum") {
            let Some(id) = a.attr("abstractNumId") else {
                continue;
            };
            for lvl in a.children().filter(|e| e.name == "lvl") {
                let Some(level) = lvl.attr("ilvl").and_then(|l| l.parse().ok()) else {
                    continue;
                };
                let format = lvl
                    .child("numFmt")
                    .and_then(|f| f.attr("val"))
                    .unwrap_or("bullet");
                self.formats.insert(
                    (id.to_string(), level),
                    !matches!(format, "bullet" | "none"),
                );
            }
        }
        for n in numbering.children().filter(|e| e.name == "num") {
            if let (Some(id), Some(a)) = (
                n.attr("numId"),
                n.child("abstractNumId").and_then(|a| a.attr("val")),
            ) {
                self.nums.insert(id.to_string(), a.to_string());
            }
        }
    }

    /// A style's heading level ("heading 2" or an outline level), whether it is the title,
    /// whether it is a contents list's, and its list level ("List Bullet 2").
    fn style_facts(&self, id: &str) -> (Option<u8>, bool, bool, Option<(u8, bool)>) {
        let mut at = Some(id.to_string());
        for _ in 0..16 {
            let Some(style) = at.as_ref().and_then(|i| self.styles.get(i)) else {
                break;
            };
            let name = style.name.as_str();
            if name == "title" {
                return (None, true, false, None);
            }
            if name.starts_with("toc") {
                return (None, false, true, None);
            }
            if let Some(n) = name
                .strip_prefix("heading ")
                .and_then(|n| n.trim().parse::<u8>().ok())
            {
                return (Some(n.clamp(1, 9)), false, false, None);
            }
            if let Some(o) = style.outline.filter(|o| *o < 9) {
                return (Some(o + 1), false, false, None);
            }
            for (prefix, numbered) in [("list bullet", false), ("list number", true)] {
                if let Some(rest) = name.strip_prefix(prefix) {
                    let level = rest.trim().parse::<u8>().map_or(0, |n| n.saturating_sub(1));
                    return (None, false, false, Some((level.min(8), numbered)));
                }
            }
            at = style.based_on.clone();
        }
        // Without styles.xml, Word's own ids still say it.
        if let Some(n) = id
            .strip_prefix("Heading")
            .and_then(|n| n.parse::<u8>().ok())
        {
            return (Some(n.clamp(1, 9)), false, false, None);
        }
        (None, id == "Title", id.starts_with("TOC"), None)
    }

    /// Whether every paragraph of a row is in a table-heading style (LibreOffice's "Table
    /// Heading", which it gives a web page's `<th>` cells).
    fn heading_cells(&self, tr: &El) -> bool {
        let mut any = false;
        for p in tr
            .children()
            .filter(|c| c.name == "tc")
            .flat_map(|tc| tc.children().filter(|e| e.name == "p"))
        {
            let mut at = p
                .child("pPr")
                .and_then(|p| p.child("pStyle"))
                .and_then(|s| s.attr("val"))
                .map(String::from);
            let mut heading = false;
            for _ in 0..16 {
                let Some(style) = at.as_ref().and_then(|i| self.styles.get(i)) else {
                    break;
                };
                if style.name == "table heading" || style.name == "table header" {
                    heading = true;
                    break;
                }
                at = style.based_on.clone();
            }
            if !heading {
                return false;
            }
            any = true;
        }
        any
    }

    fn in_toc(&self) -> bool {
        self.fields
            .iter()
            .any(|(instr, _)| instr.trim_start().starts_with("TOC"))
    }

    /// The blocks of a body, a table cell or a content control.
    fn blocks(&mut self, parent: &El) -> Vec<Block> {
        let mut out = Vec::new();
        for el in parent.children() {
            match el.name.as_str() {
                "p" => {
                    let toc_before = self.in_toc();
                    let style = el
                        .child("pPr")
                        .and_then(|p| p.child("pStyle"))
                        .and_then(|s| s.attr("val"))
                        .unwrap_or("");
                    let toc_style = self.style_facts(style).2;
                    let p = self.para(el);
                    if !(toc_before || self.in_toc() || toc_style) {
                        out.push(Block::Para(p));
                    }
                }
                "tbl" => {
                    let mut table = Table::default();
                    let first = el.children().find(|e| e.name == "tr");
                    table.header = first
                        .and_then(|tr| tr.child("trPr"))
                        .is_some_and(|p| p.child("tblHeader").is_some())
                        || first.is_some_and(|tr| self.heading_cells(tr));
                    for tr in el.children().filter(|e| e.name == "tr") {
                        let cells: Vec<Vec<Block>> = tr
                            .children()
                            .filter(|e| e.name == "tc" || e.name == "sdt")
                            .map(|tc| match tc.name.as_str() {
                                "sdt" => tc
                                    .child("sdtContent")
                                    .and_then(|c| c.child("tc"))
                                    .map(|c| self.blocks(c))
                                    .unwrap_or_default(),
                                _ => self.blocks(tc),
                            })
                            .collect();
                        table.rows.push(cells);
                    }
                    out.push(Block::Table(table));
                }
                "sdt" => {
                    let gallery = el
                        .child("sdtPr")
                        .and_then(|p| p.find("docPartGallery"))
                        .and_then(|g| g.attr("val"))
                        .unwrap_or("");
                    if gallery.to_lowercase().contains("table of contents") {
                        continue;
                    }
                    if let Some(content) = el.child("sdtContent") {
                        out.extend(self.blocks(content));
                    }
                }
                "ins" | "customXml" | "smartTag" => out.extend(self.blocks(el)),
                _ => {}
            }
        }
        out
    }

    /// One paragraph.
    fn para(&mut self, p: &El) -> Para {
        let mut para = Para::default();
        if let Some(ppr) = p.child("pPr") {
            let style = ppr
                .child("pStyle")
                .and_then(|s| s.attr("val"))
                .unwrap_or("");
            let (heading, title, _, list) = self.style_facts(style);
            para.heading = heading;
            para.title = title;
            para.list = list;
            if let Some(o) = ppr
                .child("outlineLvl")
                .and_then(|o| o.attr("val"))
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|o| *o < 9)
            {
                para.heading = Some(o + 1);
            }
            if let Some(num) = ppr.child("numPr") {
                let level: u8 = num
                    .child("ilvl")
                    .and_then(|l| l.attr("val"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let id = num
                    .child("numId")
                    .and_then(|n| n.attr("val"))
                    .unwrap_or("0");
                // numId 0 takes the paragraph out of any list.
                if id != "0" && para.heading.is_none() {
                    let numbered = self
                        .nums
                        .get(id)
                        .and_then(|a| self.formats.get(&(a.clone(), level)))
                        .copied()
                        .unwrap_or(false);
                    para.list = Some((level.min(8), numbered));
                }
            }
        }
        let mut inlines = Vec::new();
        self.inlines(p, &mut inlines, &mut para.comments);
        para.inlines = inlines;
        para
    }

    /// The runs, links and references of a paragraph (or of an element inside one).
    fn inlines(&mut self, parent: &El, out: &mut Vec<Inline>, comments: &mut Vec<String>) {
        for el in parent.children() {
            match el.name.as_str() {
                "r" => self.run(el, out, comments),
                "hyperlink" => {
                    let mut inner = Vec::new();
                    self.inlines(el, &mut inner, comments);
                    let runs: Vec<Run> = inner
                        .into_iter()
                        .filter_map(|i| match i {
                            Inline::Text(r) => Some(r),
                            _ => None,
                        })
                        .collect();
                    let text: String = runs.iter().map(|r| r.text.as_str()).collect();
                    match el.attr("id").map(|id| self.rels.get(id).cloned()) {
                        Some(Some((url, true))) => out.push(Inline::Link { url, runs }),
                        Some(Some((_, false))) | Some(None) | None => {
                            if el.attr("anchor").is_none() {
                                self.problems.push(format!(
                                    "the link \"{}\" goes nowhere in the Word file: its text is kept without the link",
                                    text.trim()
                                ));
                            }
                            out.extend(runs.into_iter().map(Inline::Text));
                        }
                    }
                }
                "fldSimple" => {
                    if hides_result(el.attr("instr").unwrap_or("")) {
                        continue;
                    }
                    self.inlines(el, out, comments);
                }
                "commentRangeStart" | "commentReference" => {
                    if let Some(text) = el.attr("id").and_then(|id| self.comments.get(id)) {
                        if !comments.contains(text) {
                            comments.push(text.clone());
                        }
                    }
                }
                "ins" | "smartTag" | "customXml" | "sdtContent" => self.inlines(el, out, comments),
                "sdt" => {
                    if let Some(c) = el.child("sdtContent") {
                        self.inlines(c, out, comments);
                    }
                }
                _ => {}
            }
        }
    }

    /// One run: its text with its formatting, or a break, footnote or picture.
    fn run(&mut self, r: &El, out: &mut Vec<Inline>, comments: &mut Vec<String>) {
        let props = r.child("rPr");
        // Direct formatting, else the character style's ("Strong"), else none.
        let (mut bold, mut italic) = (None, None);
        let mut at = props
            .and_then(|p| p.child("rStyle"))
            .and_then(|s| s.attr("val"))
            .map(String::from);
        for _ in 0..16 {
            let Some(style) = at.as_ref().and_then(|id| self.styles.get(id)) else {
                break;
            };
            bold = bold.or(style.bold);
            italic = italic.or(style.italic);
            at = style.based_on.clone();
        }
        let on = |name: &str, from_style: Option<bool>| {
            props
                .and_then(|p| toggle(p, name))
                .or(from_style)
                .unwrap_or(false)
        };
        let style = Run {
            text: String::new(),
            bold: on("b", bold),
            italic: on("i", italic),
            // Word's highlighter; or shading in one of its colours, which is how
            // LibreOffice saves a highlight.
            highlight: props
                .and_then(|p| p.child("highlight"))
                .and_then(|h| h.attr("val"))
                .filter(|v| *v != "none")
                .map(String::from)
                .or_else(|| {
                    props
                        .and_then(|p| p.child("shd"))
                        .and_then(|s| s.attr("fill"))
                        .and_then(super::model::colour_name)
                        .map(String::from)
                }),
        };
        let mut text = String::new();
        for el in r.children() {
            match el.name.as_str() {
                "fldChar" => match el.attr("fldCharType") {
                    Some("begin") => self.fields.push((String::new(), false)),
                    Some("separate") => {
                        if let Some(f) = self.fields.last_mut() {
                            f.1 = true;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                },
                "instrText" => {
                    if let Some(f) = self.fields.last_mut() {
                        f.0.push_str(&el.text());
                    }
                }
                _ if self.field_hides_text() => {}
                "t" => text.push_str(&el.text()),
                "tab" => text.push(' '),
                "br" | "cr" => {
                    flush(&style, &mut text, out);
                    out.push(Inline::Break);
                }
                "noBreakHyphen" => text.push('-'),
                "footnoteReference" | "endnoteReference" => {
                    flush(&style, &mut text, out);
                    if let Some(id) = el.attr("id") {
                        let prefix = if el.name == "endnoteReference" {
                            ENDNOTE
                        } else {
                            ""
                        };
                        out.push(Inline::Footnote(format!("{prefix}{id}")));
                    }
                }
                "commentReference" => {
                    if let Some(c) = el.attr("id").and_then(|id| self.comments.get(id)) {
                        if !comments.contains(c) {
                            comments.push(c.clone());
                        }
                    }
                }
                "drawing" | "pict" => {
                    flush(&style, &mut text, out);
                    self.picture(el, out);
                }
                _ => {}
            }
        }
        flush(&style, &mut text, out);
    }

    /// Whether the run is in a field result that is not text of the document (a contents
    /// list, a page number).
    fn field_hides_text(&self) -> bool {
        self.fields
            .iter()
            .any(|(instr, result)| !*result || hides_result(instr))
    }

    fn picture(&mut self, el: &El, out: &mut Vec<Inline>) {
        let alt = el
            .find("docPr")
            .and_then(|d| d.attr("descr").or(d.attr("title")))
            .unwrap_or("")
            .trim()
            .to_string();
        let blip = el.find("blip").or_else(|| el.find("imagedata"));
        let (rel, linked) = match blip {
            Some(b) => match (b.attr("embed"), b.attr("link"), b.attr("id")) {
                (Some(id), _, _) | (None, None, Some(id)) => (id.to_string(), false),
                (None, Some(id), _) => (id.to_string(), true),
                _ => (String::new(), false),
            },
            None => (String::new(), false),
        };
        let external = linked || self.rels.get(&rel).is_some_and(|(_, ext)| *ext);
        if !external && !self.rels.contains_key(&rel) {
            self.problems.push(format!(
                "a picture{} is missing from the Word file: it is left out",
                if alt.is_empty() {
                    String::new()
                } else {
                    format!(" (\"{alt}\")")
                }
            ));
            return;
        }
        if !external && !self.pictures.contains(&rel) {
            self.pictures.push(rel.clone());
        }
        out.push(Inline::Image { rel, alt, external });
    }
}

/// Whether formatting `rpr` turns `name` (`b`, `i`) on or off; `None` when it doesn't say.
fn toggle(rpr: &El, name: &str) -> Option<bool> {
    rpr.child(name)
        .map(|e| !matches!(e.attr("val"), Some("0" | "false" | "off" | "none")))
}

/// Whether a field's result is not text of the document: a contents list, or a page number
/// (`PAGE`, `PAGEREF`).
fn hides_result(instr: &str) -> bool {
    let i = instr.trim_start();
    i.starts_with("TOC") || i.starts_with("PAGE")
}

pub(super) fn flush(style: &Run, text: &mut String, out: &mut Vec<Inline>) {
    if text.is_empty() {
        return;
    }
    out.push(Inline::Text(Run {
        text: std::mem::take(text),
        ..style.clone()
    }));
}
