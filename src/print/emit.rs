//! Markdown to Typst markup, through our own pulldown-cmark walk.
//!
//! The rule that keeps this safe: **no piece of the author's text is ever written as Typst
//! markup**. Every text, URL, alt text and code block becomes a Typst string literal
//! (`#"…"`, escaped by [`string`]), and every structure (headings, lists, tables, links,
//! footnotes) is a call of a built-in Typst function. So `#read("/etc/passwd")`, `$`, `*`,
//! `_`, `<label>` or `@ref` in a policy are printed as typed.
//!
//! Alongside the markup, the emitter keeps a map from positions in the generated file to
//! offsets of the Markdown it came from, so that a problem Typst finds (a PDF/UA refusal)
//! can be reported at the author's line.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Parser, Tag, TagEnd};

use crate::markdown::Heading;

/// Where a link goes in print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A web address, printed after the link text.
    External(String),
    /// A heading of the same document (a Typst label).
    Internal(String),
    /// Nowhere: the text is printed without a link.
    None,
}

/// What the emitter needs from the rest of the pipeline.
pub trait Context {
    /// Where a link written as `dest` goes.
    fn link(&self, dest: &str) -> LinkTarget;
    /// The virtual path (in the Typst world) of an image written as `src`, and whether it is
    /// decoration (no alt text needed); `None` when it cannot be printed.
    fn image(&mut self, src: &str) -> Option<(String, bool)>;
}

/// Generated Typst markup with its map back to the Markdown.
#[derive(Debug, Default)]
pub struct Emitted {
    /// The Typst markup made from the Markdown, compiled as the PDF's main file.
    pub markup: String,
    /// `(offset in markup, offset in the Markdown)`, in increasing markup order.
    pub spans: Vec<(usize, usize)>,
}

impl Emitted {
    /// The Markdown offset a position of the generated markup came from.
    pub fn source_offset(&self, at: usize) -> Option<usize> {
        let i = self.spans.partition_point(|(m, _)| *m <= at);
        i.checked_sub(1).map(|i| self.spans[i].1)
    }
}

/// A Typst string literal holding `s` exactly.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Typst value literal for a JSON-like value: dictionaries with string keys, arrays,
/// strings, booleans, numbers and `none`.
pub fn value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) => {
            let mut out = String::from("(");
            for item in items {
                out.push_str(&value(item));
                out.push_str(", ");
            }
            if items.len() == 1 {
                // `(x, )` is an array; `(x)` would be the value itself.
                out.truncate(out.len() - 1);
            } else if !items.is_empty() {
                out.truncate(out.len() - 2);
            }
            out.push(')');
            out
        }
        Value::Object(map) => {
            if map.is_empty() {
                return "(:)".into();
            }
            let mut out = String::from("(");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&string(k));
                out.push_str(": ");
                out.push_str(&value(item));
            }
            out.push(')');
            out
        }
    }
}

/// A label name Typst accepts, or `None` when the heading id has other characters.
fn label_name(id: &str) -> Option<String> {
    (!id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    .then(|| format!("h-{id}"))
}

/// How headings are written.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Print section numbers ("2.1") before headings (policies).
    pub numbered: bool,
}

struct Emitter<'c> {
    out: String,
    spans: Vec<(usize, usize)>,
    pending: String,
    pending_at: Option<usize>,
    ctx: &'c mut dyn Context,
    /// Footnote bodies by label, already emitted; and the number given to each used label.
    footnotes: HashMap<String, String>,
    footnote_labels: HashMap<String, usize>,
    /// Inside a footnote body: paragraphs are joined by spaces.
    in_footnote: bool,
    /// The link being written: its target and whether its text is the address itself.
    links: Vec<LinkTarget>,
    /// Inside an image: its alt text is collected instead of written.
    image: Option<(Option<(String, bool)>, String, usize)>,
    code: Option<(String, String, usize)>,
    /// The label of each heading written so far.
    labels: Vec<String>,
    /// Label names of every heading, for internal links.
    known: std::collections::HashSet<String>,
}

impl Emitter<'_> {
    fn mark(&mut self, md: usize) {
        self.spans.push((self.out.len(), md));
    }

    fn text(&mut self, s: &str, md: usize) {
        if self.pending_at.is_none() {
            self.pending_at = Some(md);
        }
        self.pending.push_str(s);
    }

    fn flush(&mut self) {
        if let Some(at) = self.pending_at.take() {
            self.mark(at);
            let lit = string(&self.pending);
            self.out.push('#');
            self.out.push_str(&lit);
            self.pending.clear();
        }
    }

    fn raw(&mut self, s: &str) {
        self.flush();
        self.out.push_str(s);
    }

    fn block_end(&mut self) {
        self.flush();
        if self.in_footnote {
            self.out.push_str("#\" \"");
        } else {
            self.out.push_str("\n\n");
        }
    }

    fn event(
        &mut self,
        event: Event<'_>,
        md: usize,
        headings: &mut std::slice::Iter<'_, Heading>,
        opts: Options,
    ) {
        if self.image.is_some() {
            self.in_image(event);
            return;
        }
        if self.code.is_some() {
            self.in_code(event);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, md, headings, opts),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t, md),
            // HTML typed into the text: only the text readers would see (never its tags,
            // attributes or comments; the pages' checks read all of it).
            Event::Html(t) | Event::InlineHtml(t) => {
                let visible = crate::html_text::visible_text(&t);
                let visible = crate::roster::decode_references(&visible);
                let visible = visible.trim_end_matches('\n');
                if !visible.is_empty() {
                    self.text(visible, md);
                }
            }
            Event::Code(t) => {
                self.flush();
                self.mark(md);
                let _ = write!(self.out, "#raw({})", string(&t));
            }
            Event::SoftBreak => self.text(" ", md),
            Event::HardBreak => self.raw("#linebreak()"),
            Event::Rule => {
                self.flush();
                self.mark(md);
                self.out.push_str("#line(length: 100%)\n\n");
            }
            Event::FootnoteReference(label) => self.footnote_reference(&label, md),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, md),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, md),
        }
    }

    /// An event inside an image: its alt text is collected; at its end the image is written
    /// (or its alt text, when it cannot be printed).
    fn in_image(&mut self, event: Event<'_>) {
        let Some((_, alt, _)) = &mut self.image else {
            return;
        };
        match event {
            Event::End(TagEnd::Image) => {
                let (target, alt, at) = self.image.take().unwrap_or_default();
                self.flush();
                self.mark(at);
                match target {
                    Some((path, true)) => {
                        let _ = write!(self.out, "#pdf.artifact(image({}))", string(&path));
                    }
                    Some((path, false)) => {
                        let _ = write!(
                            self.out,
                            "#image({}, alt: {})",
                            string(&path),
                            string(alt.trim())
                        );
                    }
                    None if !alt.trim().is_empty() => {
                        let _ =
                            write!(self.out, "#{}", string(&format!("[Image: {}]", alt.trim())));
                    }
                    None => {}
                }
            }
            Event::Text(t) | Event::Code(t) => alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }

    /// An event inside a code block: its text is collected, and written as raw text at its
    /// end.
    fn in_code(&mut self, event: Event<'_>) {
        let Some((_, buf, _)) = &mut self.code else {
            return;
        };
        match event {
            Event::Text(t) => buf.push_str(&t),
            Event::End(TagEnd::CodeBlock) => {
                let (lang, buf, at) = self.code.take().unwrap_or_default();
                self.flush();
                self.mark(at);
                let buf = buf.strip_suffix('\n').unwrap_or(&buf);
                let lang = if lang
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-_#.".contains(c))
                    && !lang.is_empty()
                {
                    format!(", lang: {}", string(&lang))
                } else {
                    String::new()
                };
                let _ = write!(self.out, "#raw(block: true{lang}, {})", string(buf));
                self.block_end();
            }
            _ => {}
        }
    }

    /// A footnote reference: the footnote's body at its first use, a reference to it after.
    fn footnote_reference(&mut self, label: &str, md: usize) {
        self.flush();
        self.mark(md);
        if let Some(n) = self.footnote_labels.get(label) {
            let _ = write!(self.out, "#footnote(<fn-{n}>)");
        } else if let Some(body) = self.footnotes.get(label).cloned() {
            let n = self.footnote_labels.len() + 1;
            self.footnote_labels.insert(label.to_string(), n);
            let _ = write!(self.out, "#footnote[{body}]<fn-{n}>");
        } else {
            let _ = write!(self.out, "#{}", string(&format!("[^{label}]")));
        }
    }

    fn start(
        &mut self,
        tag: Tag<'_>,
        md: usize,
        headings: &mut std::slice::Iter<'_, Heading>,
        opts: Options,
    ) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.heading_start(level as u8, md, headings.next(), opts)
            }
            Tag::BlockQuote(_) => {
                self.raw("#quote(block: true)[");
                self.mark(md);
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                let lang = match lang {
                    "text" | "txt" | "plain" | "plaintext" => "",
                    lang => lang,
                };
                self.code = Some((lang.to_string(), String::new(), md));
            }
            Tag::HtmlBlock => {}
            Tag::List(None) => {
                self.flush();
                self.mark(md);
                self.out.push_str("#list(");
            }
            Tag::List(Some(start)) => {
                self.flush();
                self.mark(md);
                let _ = write!(self.out, "#enum(start: {start}, ");
            }
            Tag::Item => {
                self.flush();
                self.out.push('[');
                self.mark(md);
            }
            Tag::FootnoteDefinition(_) => {}
            Tag::Table(aligns) => self.table_start(&aligns, md),
            Tag::TableHead => self.raw("table.header("),
            Tag::TableRow => {}
            Tag::TableCell => {
                self.flush();
                self.out.push('[');
                self.mark(md);
            }
            Tag::Emphasis => self.raw("#emph["),
            Tag::Strong => self.raw("#strong["),
            Tag::Strikethrough => self.raw("#strike["),
            Tag::Superscript => self.raw("#super["),
            Tag::Subscript => self.raw("#sub["),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.link_start(link_type, &dest_url, md),
            Tag::Image { dest_url, .. } => {
                self.flush();
                let target = self.ctx.image(&dest_url);
                self.image = Some((target, String::new(), md));
            }
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    /// A heading's start: its level one less than in Markdown (the title is the PDF's own
    /// title element, so `##` is a level-1 heading there), its number and its label.
    fn heading_start(&mut self, level: u8, md: usize, h: Option<&Heading>, opts: Options) {
        self.flush();
        self.mark(md);
        let level = level.saturating_sub(1).max(1);
        let _ = write!(self.out, "#heading(level: {level})[");
        if let Some(h) = h.filter(|h| opts.numbered && !h.number.is_empty()) {
            let _ = write!(self.out, "#{}", string(&format!("{} ", h.number)));
        }
        let label = h.and_then(|h| label_name(&h.id));
        self.labels.push(label.unwrap_or_default());
    }

    /// A table's start, with its columns' alignment.
    fn table_start(&mut self, aligns: &[Alignment], md: usize) {
        self.flush();
        self.mark(md);
        let align: Vec<&str> = aligns
            .iter()
            .map(|a| match a {
                Alignment::None | Alignment::Left => "left",
                Alignment::Center => "center",
                Alignment::Right => "right",
            })
            .collect();
        let list = if align.len() == 1 {
            format!("({},)", align[0])
        } else {
            format!("({})", align.join(", "))
        };
        let _ = write!(
            self.out,
            "#table(columns: {}, align: {list}, ",
            aligns.len().max(1)
        );
    }

    /// A link's start: to a web address, to a heading of the document, or (when it goes
    /// nowhere that can be printed) its text alone. A bare address is not printed twice.
    fn link_start(&mut self, link_type: LinkType, dest: &str, md: usize) {
        self.flush();
        self.mark(md);
        let target = match self.ctx.link(dest) {
            // A link to a heading that does not exist is text (Typst would refuse it).
            LinkTarget::Internal(label) if !self.known.contains(&label) => LinkTarget::None,
            t => t,
        };
        match &target {
            LinkTarget::External(url) => {
                let _ = write!(self.out, "#link({})[", string(url));
            }
            LinkTarget::Internal(label) => {
                let _ = write!(self.out, "#link(<{label}>)[");
            }
            LinkTarget::None => self.out.push_str("#["),
        }
        let autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
        self.links
            .push(if autolink { LinkTarget::None } else { target });
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.block_end(),
            TagEnd::Heading(_) => {
                self.flush();
                self.out.push(']');
                if let Some(label) = self.labels.last().filter(|l| !l.is_empty()) {
                    let _ = write!(self.out, "<{label}>");
                }
                self.out.push_str("\n\n");
            }
            TagEnd::BlockQuote(_) => {
                self.raw("]");
                self.block_end();
            }
            TagEnd::CodeBlock => {}
            TagEnd::HtmlBlock => self.block_end(),
            TagEnd::List(_) => {
                self.raw(")");
                self.block_end();
            }
            TagEnd::Item => self.raw("], "),
            TagEnd::FootnoteDefinition => {}
            TagEnd::Table => {
                self.raw(")");
                self.block_end();
            }
            TagEnd::TableHead => self.raw("), "),
            TagEnd::TableRow => {}
            TagEnd::TableCell => self.raw("], "),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => self.raw("]"),
            TagEnd::Link => {
                self.raw("]");
                if let Some(LinkTarget::External(url)) = self.links.pop() {
                    // Printed links show where they go: "the CEOP website (https://…)".
                    let _ = write!(self.out, "#\" (\"#link({})#\")\"", string(&url));
                }
            }
            TagEnd::Image => {}
            TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => {}
        }
    }
}

/// Writes `markdown` as Typst markup. `headings` are the document's headings as
/// `markdown::parse` found them (numbers and ids), in order.
pub fn emit(markdown: &str, headings: &[Heading], ctx: &mut dyn Context, opts: Options) -> Emitted {
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> =
        Parser::new_ext(markdown, crate::markdown::options())
            .into_offset_iter()
            .collect();
    let labels: Vec<String> = headings.iter().filter_map(|h| label_name(&h.id)).collect();
    let mut em = Emitter {
        out: String::with_capacity(markdown.len() * 2),
        spans: Vec::new(),
        pending: String::new(),
        pending_at: None,
        ctx,
        footnotes: HashMap::new(),
        footnote_labels: HashMap::new(),
        in_footnote: false,
        links: Vec::new(),
        image: None,
        code: None,
        labels: Vec::new(),
        known: labels.into_iter().collect(),
    };
    // Footnote bodies first: Typst places a footnote's text where it is referenced.
    let mut i = 0;
    let no_headings: [Heading; 0] = [];
    let mut no_headings = no_headings.iter();
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i].0 {
            let saved = std::mem::take(&mut em.out);
            let saved_spans = std::mem::take(&mut em.spans);
            em.in_footnote = true;
            i += 1;
            while i < events.len() && !matches!(events[i].0, Event::End(TagEnd::FootnoteDefinition))
            {
                em.event(
                    events[i].0.clone(),
                    events[i].1.start,
                    &mut no_headings,
                    opts,
                );
                i += 1;
            }
            em.flush();
            em.in_footnote = false;
            let body = std::mem::replace(&mut em.out, saved);
            em.spans = saved_spans;
            let body = body.trim_end_matches("#\" \"").to_string();
            em.footnotes.insert(label.to_string(), body);
        }
        i += 1;
    }
    let mut heads = headings.iter();
    let mut depth = 0usize;
    for (event, range) in events {
        // Skip footnote definitions: their bodies were written where they are referenced.
        match &event {
            Event::Start(Tag::FootnoteDefinition(_)) => {
                depth += 1;
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            _ if depth > 0 => continue,
            _ => {}
        }
        em.event(event, range.start, &mut heads, opts);
    }
    em.flush();
    Emitted {
        markup: em.out,
        spans: em.spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;
    impl Context for Plain {
        fn link(&self, dest: &str) -> LinkTarget {
            if let Some(a) = dest.strip_prefix('#') {
                LinkTarget::Internal(format!("h-{a}"))
            } else if dest.starts_with("https://") {
                LinkTarget::External(dest.to_string())
            } else {
                LinkTarget::None
            }
        }
        fn image(&mut self, _: &str) -> Option<(String, bool)> {
            Some(("/images/0.png".into(), false))
        }
    }

    fn typst(md: &str) -> String {
        let parsed = crate::markdown::parse(md, true);
        emit(md, &parsed.headings, &mut Plain, Options { numbered: true }).markup
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(string("\u{1}"), "\"\\u{1}\"");
    }

    #[test]
    fn values_are_literals() {
        let v = serde_json::json!({"a": [1], "b": [], "c": {}, "d": null, "e": "x\"y"});
        assert_eq!(
            value(&v),
            "(\"a\": (1,), \"b\": (), \"c\": (:), \"d\": none, \"e\": \"x\\\"y\")"
        );
    }

    #[test]
    fn text_is_never_markup() {
        let m = typst("Try #read(/etc/passwd) and $x$ **b** <label> @ref #import x: * and 5 * 3\n");
        assert!(m.contains("#\"Try #read(/etc/passwd) and $x$ \""), "{m}");
        assert!(m.contains("#strong[#\"b\"]"), "{m}");
        // HTML typed into the text gives the PDF only its visible text (none here).
        assert!(m.contains("#\"  @ref #import x: * and 5 * 3\""), "{m}");
        assert!(!m.contains("label"), "{m}");
        let m = typst("A <span title=\"t\">Zor<b>blax</b></span> &amp; <!-- c --> end\n");
        assert!(
            m.contains("Zor") && m.contains("blax") && !m.contains("title") && !m.contains(" c "),
            "{m}"
        );
    }

    #[test]
    fn structure_is_function_calls() {
        let m = typst(
            "## Aims {#aims}\n\nSee [x](#aims) and [y](https://e.example/).[^n]\n\n[^n]: Note.\n\n| A | B |\n|---|:-:|\n| 1 | 2 |\n\n- a\n- b\n",
        );
        assert!(
            m.contains("#heading(level: 1)[#\"1 \"#\"Aims\"]<h-aims>"),
            "{m}"
        );
        assert!(m.contains("#link(<h-aims>)[#\"x\"]"), "{m}");
        assert!(
            m.contains(
                "#link(\"https://e.example/\")[#\"y\"]#\" (\"#link(\"https://e.example/\")#\")\""
            ),
            "{m}"
        );
        assert!(m.contains("#footnote[#\"Note.\"]<fn-1>"), "{m}");
        assert!(m.contains("#table(columns: 2, align: (left, center), table.header([#\"A\"], [#\"B\"], ), [#\"1\"], [#\"2\"], )"), "{m}");
        assert!(m.contains("#list([#\"a\"], [#\"b\"], )"), "{m}");
    }

    #[test]
    fn links_to_missing_headings_are_text() {
        let m = typst("[x](#nowhere)\n");
        assert!(m.contains("#[#\"x\"]"), "{m}");
    }

    #[test]
    fn maps_back_to_markdown() {
        let md = "Intro.\n\n## Two\n";
        let parsed = crate::markdown::parse(md, false);
        let e = emit(
            md,
            &parsed.headings,
            &mut Plain,
            Options { numbered: false },
        );
        let at = e.markup.find("#heading").unwrap();
        assert_eq!(e.source_offset(at + 3), Some(8));
    }
}
