//! A Word document as the importer sees it: blocks of paragraphs and tables, each paragraph
//! with its heading level or list place and its runs of text. Read by `docx`, written out as
//! Markdown by `markdown`.

/// A paragraph or a table, in the order of the document.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph: a heading, a list item or body text.
    Para(Para),
    /// A table, with its rows of cells.
    Table(Table),
}

/// One paragraph.
#[derive(Debug, Clone, Default)]
pub struct Para {
    /// The heading level its style gives (1 for Heading 1), or `None` for body text.
    pub heading: Option<u8>,
    /// Whether its style is the document's title.
    pub title: bool,
    /// Its list place: the level (from 0) and whether the list is numbered.
    pub list: Option<(u8, bool)>,
    /// Its text, run by run.
    pub inlines: Vec<Inline>,
    /// Whether a Word comment is attached to it; the comments' text.
    pub comments: Vec<String>,
}

/// A piece of a paragraph.
#[derive(Debug, Clone)]
pub enum Inline {
    /// Text with its formatting.
    Text(Run),
    /// A link to a web address, with its text.
    Link {
        /// The address, from the document's relationships.
        url: String,
        /// The link's text.
        runs: Vec<Run>,
    },
    /// A line break within the paragraph.
    Break,
    /// A footnote's reference: its number among the footnotes.
    Footnote(String),
    /// A picture, by its relationship id, with Word's description of it (its alt text).
    Image {
        /// The picture's relationship id (`rId7`), empty when it has none.
        rel: String,
        /// Word's description ("alt text"), empty when it has none.
        alt: String,
        /// Linked from outside the file rather than embedded in it.
        external: bool,
    },
}

/// Text with the same formatting.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The text.
    pub text: String,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Highlighted (Word's highlighter, used by templates to mark text to amend): its colour.
    pub highlight: Option<String>,
}

/// A table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Its rows, each a list of cells, each cell a list of blocks.
    pub rows: Vec<Vec<Vec<Block>>>,
    /// Whether Word marks its first row as the heading row (repeated on each page).
    pub header: bool,
}

impl Para {
    /// The paragraph's plain text (links' text included, footnote references left out).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for i in &self.inlines {
            match i {
                Inline::Text(r) => out.push_str(&r.text),
                Inline::Link { runs, .. } => runs.iter().for_each(|r| out.push_str(&r.text)),
                Inline::Break => out.push(' '),
                Inline::Footnote(_) | Inline::Image { .. } => {}
            }
        }
        out
    }

    /// Whether all its text is bold (and it has some).
    pub fn all_bold(&self) -> bool {
        let mut any = false;
        for i in &self.inlines {
            let runs: &[Run] = match i {
                Inline::Text(r) => std::slice::from_ref(r),
                Inline::Link { runs, .. } => runs,
                _ => continue,
            };
            for r in runs.iter().filter(|r| !r.text.trim().is_empty()) {
                if !r.bold {
                    return false;
                }
                any = true;
            }
        }
        any
    }
}

/// Adds a page header's text (its blocks' words, on one line) to `headers`, unless it is
/// empty or there already: each header is reported once, however many pages carry it.
pub fn add_header(headers: &mut Vec<String>, blocks: &[Block]) {
    let text = blocks_text(blocks)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !text.is_empty() && !headers.contains(&text) {
        headers.push(text);
    }
}

/// A background colour on text (CSS, or OpenDocument's `fo:background-color`) as a
/// highlight: in words where it is one of Word's highlighter colours or a CSS name for one,
/// else as written; `None` for none, white or transparent.
pub fn highlight(value: &str) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    let v = v.split_whitespace().next().unwrap_or("");
    let named = match v {
        "" | "none" | "transparent" | "white" | "inherit" | "initial" | "unset" | "#fff"
        | "#ffffff" => return None,
        "lime" => "green",
        "aqua" => "cyan",
        "fuchsia" => "magenta",
        other => return Some(colour_name(other).unwrap_or(other).to_string()),
    };
    Some(named.to_string())
}

/// The name of one of Word's highlighter colours written as a hex colour ("#00ff00" or
/// "00FF00" is "green"), as LibreOffice writes a highlight; `None` for any other colour.
pub fn colour_name(hex: &str) -> Option<&'static str> {
    let v = hex.trim().trim_start_matches('#').to_ascii_lowercase();
    [
        ("ffff00", "yellow"),
        ("00ff00", "green"),
        ("00ffff", "cyan"),
        ("ff00ff", "magenta"),
        ("0000ff", "blue"),
        ("ff0000", "red"),
        ("000080", "dark blue"),
        ("008080", "teal"),
        ("008000", "dark green"),
        ("800080", "violet"),
        ("800000", "dark red"),
        ("808000", "dark yellow"),
        ("808080", "dark grey"),
        ("c0c0c0", "light grey"),
    ]
    .iter()
    .find(|(h, _)| *h == v)
    .map(|(_, name)| *name)
}

/// The plain text of some blocks, paragraphs joined by spaces.
pub fn blocks_text(blocks: &[Block]) -> String {
    let mut parts = Vec::new();
    for b in blocks {
        match b {
            Block::Para(p) => parts.push(p.text()),
            Block::Table(t) => {
                for row in &t.rows {
                    for cell in row {
                        parts.push(blocks_text(cell));
                    }
                }
            }
        }
    }
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
