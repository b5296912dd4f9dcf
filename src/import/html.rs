//! A policy page saved from the school's current website (`.html`), read with a real HTML
//! parser (html5ever, through `scraper`) into the same blocks as a Word file: only the main
//! content (`<main>`, else `<article>`, else the element whose id or class says "content",
//! else the body), with the site's chrome (navigation, header, footer, forms, scripts) left
//! out. Headings, paragraphs, lists with their levels, tables, bold, italic and links come
//! through; pictures on the website are never fetched.

use std::collections::HashMap;

use scraper::node::Node;
use scraper::{ElementRef, Html};

use super::docx::Docx;
use super::model::{Block, Inline, Para, Run, Table, highlight};

/// Elements nested deeper than this are read as plain text (bounded stack on any page).
const MAX_DEPTH: usize = 64;

/// Elements that are the website's chrome or not text: never part of the policy.
const CHROME: [&str; 14] = [
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "iframe",
    "template", "svg", "button", "select", "head",
];

/// Reads a saved web page's text.
pub fn read(text: &str) -> Docx {
    let page = Html::parse_document(text);
    let root = page.root_element();
    let mut out = Docx::default();
    out.core_title = find(root, &|e| e.value().name() == "title", 0)
        .map(|t| words(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let main = find(root, &|e| e.value().name() == "main", 0)
        .or_else(|| find(root, &|e| e.value().attr("role") == Some("main"), 0))
        .or_else(|| find(root, &|e| e.value().name() == "article", 0))
        .or_else(|| find(root, &says_content, 0))
        .or_else(|| find(root, &|e| e.value().name() == "body", 0))
        .unwrap_or(root);
    let mut r = Reader {
        problems: Vec::new(),
        classes: class_rules(&page),
    };
    out.blocks = r.blocks(main, None, 0);
    out.problems = r.problems;
    out
}

/// An element whose id or class says it holds the page's content (`#content`,
/// `.entry-content`, `.page-content`).
fn says_content(e: &ElementRef<'_>) -> bool {
    let v = e.value();
    v.id().is_some_and(|i| i.contains("content"))
        || v.classes()
            .any(|c| c.contains("content") && !c.contains("sidebar"))
}

/// The first element below `at` (itself included) that `want` picks, depth first, not inside
/// the site's chrome.
fn find<'a>(
    at: ElementRef<'a>,
    want: &dyn Fn(&ElementRef<'a>) -> bool,
    depth: usize,
) -> Option<ElementRef<'a>> {
    if want(&at) {
        return Some(at);
    }
    if depth > MAX_DEPTH || CHROME.contains(&at.value().name()) && at.value().name() != "head" {
        return None;
    }
    at.children()
        .filter_map(ElementRef::wrap)
        .find_map(|c| find(c, want, depth + 1))
}

/// Runs of white space as one space, trimmed.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Reader {
    problems: Vec<String>,
    /// The page's own style sheet's class rules (`.c5` → `background-color:#ffff00`), as an
    /// online editor's download writes its formatting.
    classes: HashMap<String, String>,
}

/// The formatting text inherits from the elements around it.
#[derive(Clone, Default)]
struct Style {
    bold: bool,
    italic: bool,
    /// A background colour on the text (a highlight), in words where it has a name.
    highlight: Option<String>,
}

/// The class rules of a page's `<style>` elements: `.name { declarations }` with one class
/// as the selector (what editors write); other rules are not formatting of the text.
fn class_rules(page: &Html) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for e in page
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        if e.value().name() != "style" {
            continue;
        }
        let sheet: String = e.text().collect();
        for rule in sheet.split('}').take(10_000) {
            let Some((selector, body)) = rule.split_once('{') else {
                continue;
            };
            for sel in selector.split(',') {
                let sel = sel.trim();
                if let Some(class) = sel.strip_prefix('.')
                    && !class.is_empty()
                    && class
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                {
                    let decls: &mut String = out.entry(class.to_string()).or_default();
                    decls.push(';');
                    decls.push_str(body);
                }
            }
        }
    }
    out
}

impl Reader {
    /// The formatting of `e`'s text: its tag's (`strong`, `em`, `mark`) and its CSS's, from
    /// its classes and its `style`, over what it inherits.
    fn styled(&self, e: ElementRef<'_>, mut style: Style) -> Style {
        match e.value().name() {
            "strong" | "b" => style.bold = true,
            "em" | "i" | "cite" => style.italic = true,
            "mark" => style.highlight = Some("yellow".into()),
            _ => {}
        }
        let mut css = String::new();
        for class in e.value().classes() {
            if let Some(decls) = self.classes.get(class) {
                css.push_str(decls);
                css.push(';');
            }
        }
        css.push_str(e.value().attr("style").unwrap_or(""));
        for decl in css.split(';') {
            let Some((property, value)) = decl.split_once(':') else {
                continue;
            };
            let value = value.trim().to_ascii_lowercase();
            match property.trim().to_ascii_lowercase().as_str() {
                "font-weight" => {
                    style.bold = value == "bold"
                        || value == "bolder"
                        || value.parse::<u16>().is_ok_and(|w| w >= 600);
                }
                "font-style" => style.italic = value == "italic" || value == "oblique",
                // On text only: a coloured box (a `p` or `div` with a background) is design.
                "background-color" | "background"
                    if matches!(
                        e.value().name(),
                        "span" | "font" | "mark" | "strong" | "b" | "em" | "i" | "u"
                    ) =>
                {
                    style.highlight = highlight(&value);
                }
                _ => {}
            }
        }
        style
    }
}

impl Reader {
    /// The blocks of an element's children; `list` is the list place of the items met.
    fn blocks(&mut self, el: ElementRef<'_>, list: Option<(u8, bool)>, depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        let mut loose = Para::default();
        for child in el.children() {
            let Some(e) = ElementRef::wrap(child) else {
                if let Node::Text(t) = child.value() {
                    push_text(&mut loose.inlines, t, &Style::default());
                }
                continue;
            };
            let name = e.value().name();
            if CHROME.contains(&name) {
                continue;
            }
            if depth > MAX_DEPTH {
                push_text(
                    &mut loose.inlines,
                    &e.text().collect::<String>(),
                    &Style::default(),
                );
                continue;
            }
            let block = matches!(
                name,
                "h1" | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "p"
                    | "ul"
                    | "ol"
                    | "li"
                    | "table"
                    | "div"
                    | "section"
                    | "blockquote"
                    | "dl"
                    | "dt"
                    | "dd"
                    | "figure"
                    | "figcaption"
                    | "pre"
                    | "address"
                    | "article"
                    | "main"
                    | "hr"
            );
            if !block {
                self.inline(e, Style::default(), &mut loose.inlines, depth + 1);
                continue;
            }
            flush(&mut loose, &mut out);
            match name {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    let mut p = self.para(e, depth);
                    p.heading = name[1..].parse().ok();
                    out.push(Block::Para(p));
                }
                "p" | "dt" | "dd" | "figcaption" | "pre" | "address" => {
                    let mut p = self.para(e, depth);
                    p.list = list.filter(|_| name == "p");
                    out.push(Block::Para(p));
                }
                "ul" | "ol" => {
                    let level = list.map_or(0, |(l, _)| l + 1);
                    out.extend(self.blocks(e, Some((level, name == "ol")), depth + 1));
                }
                "li" => out.extend(self.item(e, list.unwrap_or((0, false)), depth)),
                "table" => out.push(Block::Table(self.table(e, depth))),
                "hr" => {}
                _ => out.extend(self.blocks(e, None, depth + 1)),
            }
        }
        flush(&mut loose, &mut out);
        out
    }

    /// A list item: its own text as the item, the lists inside it after it.
    fn item(&mut self, li: ElementRef<'_>, place: (u8, bool), depth: usize) -> Vec<Block> {
        let mut blocks = self.blocks(li, Some(place), depth + 1);
        // The first paragraph is the item; later ones in it stay its paragraphs.
        match blocks.iter_mut().find(|b| matches!(b, Block::Para(_))) {
            Some(Block::Para(p)) => p.list = Some(place),
            _ => blocks.insert(
                0,
                Block::Para(Para {
                    list: Some(place),
                    ..Para::default()
                }),
            ),
        }
        blocks
    }

    fn para(&mut self, e: ElementRef<'_>, depth: usize) -> Para {
        let mut p = Para::default();
        self.inline(e, Style::default(), &mut p.inlines, depth + 1);
        p
    }

    /// The inline content of `e`, with the formatting of the elements around it.
    fn inline(&mut self, e: ElementRef<'_>, style: Style, out: &mut Vec<Inline>, depth: usize) {
        let style = self.styled(e, style);
        match e.value().name() {
            "br" => {
                out.push(Inline::Break);
                return;
            }
            "img" => {
                let alt = words(e.value().attr("alt").unwrap_or(""));
                out.push(Inline::Image {
                    rel: e.value().attr("src").unwrap_or("").to_string(),
                    alt,
                    external: true,
                });
                return;
            }
            "a" => {
                let mut runs = Vec::new();
                self.collect_runs(e, style, &mut runs, depth);
                match e.value().attr("href").map(str::trim) {
                    Some(href)
                        if href.starts_with("https://")
                            || href.starts_with("http://")
                            || href.starts_with("mailto:") =>
                    {
                        out.push(Inline::Link {
                            url: href.to_string(),
                            runs,
                        });
                    }
                    Some(href) if !href.is_empty() && !href.starts_with('#') => {
                        self.problems.push(format!(
                            "the link \"{}\" points at {href} on the old website, which the import can't follow: it is kept as text",
                            words(&runs.iter().map(|r| r.text.as_str()).collect::<String>())
                        ));
                        out.extend(runs.into_iter().map(Inline::Text));
                    }
                    _ => out.extend(runs.into_iter().map(Inline::Text)),
                }
                return;
            }
            name if CHROME.contains(&name) => return,
            _ => {}
        }
        for child in e.children() {
            match child.value() {
                Node::Text(t) => push_text(out, t, &style),
                Node::Element(_) if depth > MAX_DEPTH => {}
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        self.inline(c, style.clone(), out, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    fn table(&mut self, t: ElementRef<'_>, depth: usize) -> Table {
        let mut table = Table::default();
        let mut rows: Vec<ElementRef<'_>> = Vec::new();
        collect_rows(t, &mut rows, depth);
        for (i, row) in rows.into_iter().enumerate() {
            let cells: Vec<ElementRef<'_>> = row
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .collect();
            if i == 0 && !cells.is_empty() && cells.iter().all(|c| c.value().name() == "th") {
                table.header = true;
            }
            table.rows.push(
                cells
                    .into_iter()
                    .map(|c| self.blocks(c, None, depth + 2))
                    .collect(),
            );
        }
        table
    }
}

/// A table's rows, through `thead`, `tbody` and `tfoot`, not into tables inside its cells.
fn collect_rows<'a>(e: ElementRef<'a>, rows: &mut Vec<ElementRef<'a>>, depth: usize) {
    for c in e.children().filter_map(ElementRef::wrap) {
        match c.value().name() {
            "tr" => rows.push(c),
            "thead" | "tbody" | "tfoot" if depth < MAX_DEPTH => collect_rows(c, rows, depth + 1),
            _ => {}
        }
    }
}

impl Reader {
    /// A link's text as runs.
    fn collect_runs(&self, e: ElementRef<'_>, style: Style, runs: &mut Vec<Run>, depth: usize) {
        let style = self.styled(e, style);
        for child in e.children() {
            match child.value() {
                Node::Text(t) if !t.trim().is_empty() || !runs.is_empty() => runs.push(Run {
                    text: collapse(t),
                    bold: style.bold,
                    italic: style.italic,
                    highlight: style.highlight.clone(),
                }),
                Node::Element(_) if depth < MAX_DEPTH => {
                    if let Some(c) = ElementRef::wrap(child) {
                        self.collect_runs(c, style.clone(), runs, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Text with its runs of white space as one space (HTML's own rule).
fn collapse(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

fn push_text(out: &mut Vec<Inline>, t: &str, style: &Style) {
    if t.trim().is_empty() && out.is_empty() {
        return;
    }
    out.push(Inline::Text(Run {
        text: collapse(t),
        bold: style.bold,
        italic: style.italic,
        highlight: style.highlight.clone(),
    }));
}

/// Text met between blocks ("loose" text in a `div`) becomes a paragraph of its own.
fn flush(loose: &mut Para, out: &mut Vec<Block>) {
    if !loose.text().trim().is_empty()
        || loose
            .inlines
            .iter()
            .any(|i| matches!(i, Inline::Image { .. }))
    {
        out.push(Block::Para(std::mem::take(loose)));
    } else {
        loose.inlines.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::blocks_text;

    const PAGE: &str = r#"<!doctype html><html><head><title>Online Safety Policy - Oak Lane</title>
<script>alert(1)</script></head><body>
<header><nav><a href="/">Home</a> <a href="/about">About us</a></nav></header>
<main><h1>Online Safety Policy</h1>
<p>We keep <strong>everyone</strong> safe, as <em>Keeping Children Safe in Education</em> says.</p>
<h2>1. Reporting</h2>
<ul><li>tell the DSL<ul><li>the same day</li></ul></li><li>write it down</li></ul>
<ol><li>first</li><li>second</li></ol>
<table><thead><tr><th>Check</th><th>Who</th></tr></thead><tbody><tr><td>Filtering</td><td>IT provider</td></tr></tbody></table>
<p>See <a href="https://www.ceop.police.uk/ceop-reporting/">CEOP</a> and <a href="/policies/other">our other policy</a>.</p>
<img src="https://tracker.example/pixel.png" alt="">
</main>
<footer>Copyright Oak Lane 2024</footer></body></html>"#;

    #[test]
    fn reads_the_main_content_into_blocks() {
        let doc = read(PAGE);
        assert_eq!(
            doc.core_title.as_deref(),
            Some("Online Safety Policy - Oak Lane")
        );
        let text = blocks_text(&doc.blocks);
        assert!(
            !text.contains("About us") && !text.contains("Copyright"),
            "{text}"
        );
        assert!(!text.contains("alert"), "{text}");
        let paras: Vec<&Para> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p),
                Block::Table(_) => None,
            })
            .collect();
        assert_eq!(paras[0].heading, Some(1));
        assert_eq!(paras[2].heading, Some(2));
        let items: Vec<(String, Option<(u8, bool)>)> = paras
            .iter()
            .filter(|p| p.list.is_some())
            .map(|p| (p.text().trim().to_string(), p.list))
            .collect();
        assert_eq!(
            items,
            [
                ("tell the DSL".to_string(), Some((0, false))),
                ("the same day".to_string(), Some((1, false))),
                ("write it down".to_string(), Some((0, false))),
                ("first".to_string(), Some((0, true))),
                ("second".to_string(), Some((0, true))),
            ]
        );
        let table = doc.blocks.iter().find_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Para(_) => None,
        });
        let table = table.expect("the table");
        assert!(table.header);
        assert_eq!(table.rows.len(), 2);
        assert!(
            paras[1]
                .inlines
                .iter()
                .any(|i| matches!(i, Inline::Text(r) if r.bold && r.text == "everyone"))
        );
        assert!(paras.iter().any(|p| p.inlines.iter().any(
            |i| matches!(i, Inline::Link { url, .. } if url.starts_with("https://www.ceop"))
        )));
        assert!(
            doc.problems.iter().any(|p| p.contains("/policies/other")),
            "{:?}",
            doc.problems
        );
        assert!(paras.iter().any(|p| {
            p.inlines
                .iter()
                .any(|i| matches!(i, Inline::Image { external: true, .. }))
        }));
    }

    #[test]
    fn deep_nesting_is_read_without_overflowing() {
        let deep = "<div>".repeat(5000) + "deep text" + &"</div>".repeat(5000);
        let doc = read(&format!("<html><body><main>{deep}</main></body></html>"));
        assert!(blocks_text(&doc.blocks).contains("deep text"));
    }
}
