//! Markdown to HTML: pulldown-cmark events, rewritten for our needs (numbered headings with
//! stable ids, resolved `@/` links, wrapped tables, classed code highlighting, escaped raw
//! HTML) and written with pulldown-cmark's HTML writer.
//!
//! Pure: no I/O. Problems are returned as [`Finding`]s at byte offsets of the input text.

mod surfaces;
pub use surfaces::{ImageRef, LinkRef, Surface, SurfaceKind, Surfaces, TableRef, surfaces};

use crate::ruleset::RuleId;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::Diagnostic;
use crate::url_policy;

/// A heading of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The heading's level, from 1 (`#`) to 6 (`######`).
    pub level: u8,
    /// The heading's id, unique in the document: its `{#id}`, or else its text slugified.
    pub id: String,
    /// "2.1" when headings are numbered, otherwise empty.
    pub number: String,
    /// Plain text of the heading.
    pub title: String,
    /// Where the heading starts, as a byte offset of the text that was parsed.
    pub offset: usize,
}

/// A document parsed once, ready for link checking and rendering.
pub struct Parsed<'a> {
    events: Vec<(Event<'a>, Range<usize>)>,
    /// The document's headings, in order, with their ids and section numbers.
    pub headings: Vec<Heading>,
    /// Ids a link may point at: headings and footnotes.
    pub ids: HashSet<String>,
    /// Where the text first nests deeper than [`MAX_NESTING`], if it does.
    pub too_deep: Option<usize>,
}

/// What [`headings`] finds: the headings, the ids a link may point at, and where the text
/// first nests deeper than [`MAX_NESTING`] (if it does).
#[derive(Debug, Default)]
pub struct Outlined {
    /// The document's headings, in order, with their ids and section numbers.
    pub headings: Vec<Heading>,
    /// Ids a link may point at: headings and footnotes.
    pub ids: HashSet<String>,
    /// Where the text first nests deeper than [`MAX_NESTING`], if it does.
    pub too_deep: Option<usize>,
}

pub use crate::limits::{MAX_NESTING, QUOTE_LEVELS};

/// A problem found in the text, at a byte offset of the text that was parsed.
#[derive(Debug)]
pub struct Finding {
    /// Where the problem is, as a byte offset of the text that was parsed.
    pub offset: usize,
    /// What to look for on the source line to find the column.
    pub needle: String,
    /// The finding, without a position yet.
    pub diagnostic: Diagnostic,
}

/// Resolves `@/path.md#anchor` links to web paths.
pub trait LinkResolver {
    /// `path` is the source path after `@/`; `anchor` what follows `#`. On failure, returns
    /// the message and hint of the error.
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Result<String, (String, String)>;
}

/// How a document's Markdown is turned into HTML, which differs by kind and by site.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Number `##` to `####` headings (policies).
    pub number_headings: bool,
    /// Render top-level lists as charter statements.
    pub charter: bool,
    /// Publish HTML typed into the Markdown, through a sanitizer (`allow_raw_html` in
    /// site.toml); otherwise it is escaped and reported.
    pub allow_raw_html: bool,
}

/// The Markdown extensions every page is parsed with (the PDFs parse with the same).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Lower-case, hyphen-separated id for a heading text.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '’') {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Parses `text`, collecting headings (with ids and section numbers) and footnote ids.
pub fn parse(text: &str, number_headings: bool) -> Parsed<'_> {
    let mut outline = Outline::new(number_headings);
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(text, options())
        .into_offset_iter()
        .inspect(|(e, r)| outline.see(e, r))
        .collect();
    Parsed {
        events,
        headings: outline.headings,
        ids: outline.ids,
        too_deep: outline.too_deep,
    }
}

/// The headings and ids of `text`, as [`parse`] finds them, without keeping its events.
pub fn headings(text: &str, number_headings: bool) -> Outlined {
    let mut outline = Outline::new(number_headings);
    for (e, r) in Parser::new_ext(text, options()).into_offset_iter() {
        outline.see(&e, &r);
    }
    Outlined {
        headings: outline.headings,
        ids: outline.ids,
        too_deep: outline.too_deep,
    }
}

/// `text` up to the line where it first nests deeper than [`MAX_NESTING`] (all of it when it
/// does not), so that the deep part never reaches the code that renders nesting (the HTML
/// minifier, Typst). Cutting a text only undoes nesting (a quote or emphasis left open is
/// closed at the end), so one cut is enough; the check is repeated a few times all the same,
/// and if it were ever still too deep, nothing is left.
pub fn within_nesting_limit(text: &str) -> &str {
    let mut text = text;
    for _ in 0..4 {
        match headings(text, false).too_deep {
            None => return text,
            Some(at) => text = cut_before_line(text, at),
        }
    }
    ""
}

/// `text` cut before the line holding `offset`.
fn cut_before_line(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text.as_bytes()[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    &text[..start]
}

/// The error for a page whose Markdown nests deeper than [`MAX_NESTING`], at `offset`.
pub fn too_deep_finding(offset: usize) -> Finding {
    Finding {
        offset,
        needle: String::new(),
        diagnostic: Diagnostic::error(
            "nesting-too-deep",
            "",
            format!(
                "this line nests quotes, lists, emphasis or HTML elements too deeply to be shown and printed (at most about {} quotes inside each other, {} list levels or {} HTML elements)",
                (MAX_NESTING - 1) / QUOTE_LEVELS,
                (MAX_NESTING - 1) / 2,
                crate::limits::MAX_RAW_HTML_DEPTH
            ),
        )
        .with_hint("use fewer `>` or list levels, fewer `*` and `_` in a row, or close the HTML elements you open; the rest of the page is not read until this is fixed"),
    }
}

/// Collects headings and ids from a stream of events.
struct Outline {
    number_headings: bool,
    headings: Vec<Heading>,
    ids: HashSet<String>,
    counters: [usize; 7],
    /// The heading being read: its level, explicit id, offset and text so far.
    open: Option<(u8, Option<String>, usize, String)>,
    /// For each base id (a slug or an explicit id), the next number to try after it: with
    /// it, giving 10,000 headings of the same title their ids is one step each.
    next_suffix: HashMap<String, usize>,
    /// How many elements are open, and where the text first opened more than the limit.
    depth: usize,
    too_deep: Option<usize>,
    /// How many elements the page's raw HTML holds open ([`crate::limits::html_depth_past`]).
    raw_depth: usize,
}

impl Outline {
    fn new(number_headings: bool) -> Outline {
        Outline {
            number_headings,
            headings: Vec::new(),
            ids: HashSet::new(),
            counters: [0; 7],
            open: None,
            next_suffix: HashMap::new(),
            depth: 0,
            too_deep: None,
            raw_depth: 0,
        }
    }

    fn see(&mut self, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Start(tag) => {
                self.depth += match tag {
                    Tag::BlockQuote(_) => QUOTE_LEVELS,
                    _ => 1,
                };
                if self.depth > MAX_NESTING && self.too_deep.is_none() {
                    self.too_deep = Some(range.start);
                }
            }
            Event::End(tag) => {
                let levels = match tag {
                    TagEnd::BlockQuote(_) => QUOTE_LEVELS,
                    _ => 1,
                };
                self.depth = self.depth.saturating_sub(levels);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let past = crate::limits::html_depth_past(
                    html,
                    &mut self.raw_depth,
                    crate::limits::MAX_RAW_HTML_DEPTH,
                );
                if let (Some(at), None) = (past, self.too_deep) {
                    // The event's text is its source's when their lengths agree.
                    let exact = range.len() == html.len();
                    self.too_deep = Some(range.start + if exact { at } else { 0 });
                }
            }
            _ => {}
        }
        if let Some((_, _, _, title)) = &mut self.open {
            match event {
                Event::Text(t) | Event::Code(t) => title.push_str(t),
                Event::End(TagEnd::Heading(_)) => self.close(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let id = id.as_ref().map(|id| id.to_string());
                self.open = Some((level_number(*level), id, range.start, String::new()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.ids.insert(format!("fn-{}", slugify(label)));
            }
            _ => {}
        }
    }

    fn close(&mut self) {
        let Some((level, id, offset, title)) = self.open.take() else {
            return;
        };
        let base = id.unwrap_or_else(|| slugify(&title));
        let id = self.unique_id(base);
        let number = if self.number_headings && (2..=4).contains(&level) {
            self.counters[level as usize] += 1;
            for c in self.counters.iter_mut().skip(level as usize + 1) {
                *c = 0;
            }
            (2..=level as usize)
                .map(|l| self.counters[l].to_string())
                .collect::<Vec<_>>()
                .join(".")
        } else {
            String::new()
        };
        self.headings.push(Heading {
            level,
            id,
            number,
            title: title.trim().to_string(),
            offset,
        });
    }

    /// `base` if no heading (or footnote) has it yet, otherwise `base-2`, `base-3`, … (the
    /// first not taken, also by a heading written as `base-2`). Each number is tried at most
    /// once per base, and an id taken by another heading can only be `base-n` for one base,
    /// so all the headings of a page take linear time together.
    fn unique_id(&mut self, base: String) -> String {
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
        loop {
            let id = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            n += 1;
            if self.ids.insert(id.clone()) {
                self.next_suffix.insert(base, n.max(2));
                return id;
            }
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape_html(&mut out, s);
    out
}

fn pulldown_cmark_escape_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Renders a parsed document to HTML.
pub fn render(
    parsed: &Parsed<'_>,
    links: &dyn LinkResolver,
    opts: RenderOptions,
    findings: &mut Vec<Finding>,
) -> String {
    let mut r = Renderer {
        parsed,
        links,
        opts,
        findings,
        out: Vec::with_capacity(parsed.events.len()),
        headings: parsed.headings.iter(),
        last_heading_title: None,
        previous_level: 1,
        list_depth: 0,
        code: None,
        footnotes: HashMap::new(),
        raw_html: false,
        suggest: Suggestions::default(),
        unlinked: Vec::new(),
    };
    let mut events = parsed.events.iter();
    while let Some((event, range)) = events.next() {
        if r.code.is_some() {
            r.in_code(event);
        } else if let Event::Start(Tag::Heading { level, .. }) = event {
            r.heading(level_number(*level), range.start, &mut events);
        } else {
            r.event(event, range.start);
        }
    }
    let mut html = String::with_capacity(parsed.events.len() * 16);
    pulldown_cmark::html::push_html(&mut html, r.out.into_iter());
    if r.raw_html && opts.allow_raw_html {
        html = sanitize(&html);
    }
    html
}

/// The state of one rendering of a parsed document.
struct Renderer<'p, 'a> {
    parsed: &'p Parsed<'a>,
    links: &'p dyn LinkResolver,
    opts: RenderOptions,
    findings: &'p mut Vec<Finding>,
    /// The events to publish, with headings, code, tables and footnotes written as HTML.
    out: Vec<Event<'a>>,
    /// The outline's headings, taken one for each heading met.
    headings: std::slice::Iter<'p, Heading>,
    /// The title of the last heading, which labels the tables under it.
    last_heading_title: Option<&'p str>,
    previous_level: u8,
    list_depth: usize,
    /// The code block being read: its language and text.
    code: Option<(String, String)>,
    footnotes: HashMap<String, usize>,
    /// Whether any HTML was typed into the text.
    raw_html: bool,
    suggest: Suggestions<'p>,
    /// For each open link, whether its address was refused (its text is published unlinked).
    unlinked: Vec<bool>,
}

impl<'p, 'a> Renderer<'p, 'a> {
    /// An event inside a code block: its text is kept, and highlighted at its end.
    fn in_code(&mut self, event: &Event<'a>) {
        match event {
            Event::Text(t) => {
                if let Some((_, buf)) = &mut self.code {
                    buf.push_str(t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, buf) = self.code.take().unwrap_or_default();
                self.out
                    .push(Event::Html(CowStr::from(highlight(&lang, &buf))));
            }
            _ => {}
        }
    }

    /// A heading: its level checked, and its text (read up to its end) written with its id
    /// and number.
    fn heading(
        &mut self,
        level: u8,
        offset: usize,
        events: &mut std::slice::Iter<'p, (Event<'a>, Range<usize>)>,
    ) {
        let Some(h) = self.headings.next() else {
            return;
        };
        self.check_level(level, offset);
        let mut inner: Vec<Event<'a>> = Vec::new();
        for (e, r) in events.by_ref() {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link) => {
                    inner.extend(self.link(e, r.start))
                }
                _ => inner.push(e.clone()),
            }
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, inner.into_iter());
        let mut tag = format!("<h{level} id=\"{}\">", escape(&h.id));
        if !h.number.is_empty() {
            let _ = write!(tag, "<span class=\"section-number\">{}</span> ", h.number);
        }
        tag.push_str(&html);
        let _ = writeln!(tag, "</h{level}>");
        self.out.push(Event::Html(CowStr::from(tag)));
        self.last_heading_title = Some(&h.title);
    }

    /// A heading of level 1, or one that skips a level, is a finding.
    fn check_level(&mut self, level: u8, offset: usize) {
        let previous = self.previous_level;
        self.previous_level = level;
        let diagnostic = if level == 1 {
            RuleId::HeadingOrder
                .error(
                    "",
                    "a page has one top-level heading, its title, so `#` can't be used in the text",
                )
                .with_hint("start sections with `##` (and sub-sections with `###`)")
        } else if level > previous + 1 {
            RuleId::HeadingOrder
                .error(
                    "",
                    format!(
                        "this heading skips a level: a level-{level} heading (`{}`) follows a level-{previous} one",
                        "#".repeat(level as usize)
                    ),
                )
                .with_hint(format!(
                    "use `{}` here, so screen-reader users can follow the structure",
                    "#".repeat(previous as usize + 1)
                ))
        } else {
            return;
        };
        self.findings.push(Finding {
            offset,
            needle: "#".into(),
            diagnostic,
        });
    }

    /// A link's or image's start or a link's end, as published.
    fn link(&mut self, event: &Event<'a>, offset: usize) -> Option<Event<'a>> {
        publish_link(
            event,
            offset,
            self.parsed,
            self.links,
            &mut self.unlinked,
            &mut self.suggest,
            self.findings,
        )
    }

    /// Any event but a heading's start or one inside a code block.
    fn event(&mut self, event: &Event<'a>, offset: usize) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link) => {
                let published = self.link(event, offset);
                self.out.extend(published);
            }
            Event::Start(Tag::Table(_)) => {
                let label = self.last_heading_title.unwrap_or("Table");
                self.out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                    escape(label)
                ))));
                self.out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                self.out.push(event.clone());
                self.out.push(Event::Html("</div>".into()));
            }
            Event::Start(Tag::List(first)) => {
                self.list_depth += 1;
                if self.opts.charter && self.list_depth == 1 && first.is_none() {
                    self.out
                        .push(Event::Html("<ul class=\"charter\">\n".into()));
                } else {
                    self.out.push(event.clone());
                }
            }
            Event::End(TagEnd::List(_)) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                self.out.push(event.clone());
            }
            Event::Start(Tag::Item) if self.opts.charter && self.list_depth == 1 => {
                self.out
                    .push(Event::Html("<li class=\"statement\">".into()));
            }
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => self.typed_html(event, offset),
            Event::Html(s) if !self.opts.allow_raw_html => {
                self.out.push(Event::Text(s.clone()));
            }
            Event::End(TagEnd::HtmlBlock) if !self.opts.allow_raw_html => {}
            Event::FootnoteReference(label) => {
                let n = footnote_number(&mut self.footnotes, label);
                let id = slugify(label);
                self.out.push(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{id}\" id=\"fnref-{id}\">{n}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = footnote_number(&mut self.footnotes, label);
                let id = slugify(label);
                self.out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.out.push(Event::Html("</div>\n".into()));
            }
            _ => self.out.push(event.clone()),
        }
    }

    /// The start of an HTML block, or inline HTML: a finding unless the site allows HTML
    /// (or it is a `<placeholder>` to fill in); published as text, or as HTML to sanitize.
    fn typed_html(&mut self, event: &Event<'a>, offset: usize) {
        self.raw_html = true;
        let allowed = self.opts.allow_raw_html;
        let placeholder =
            matches!(event, Event::InlineHtml(s) if crate::html_text::is_angle_placeholder(s));
        if !placeholder && !allowed {
            self.findings.push(Finding {
                offset,
                needle: "<".into(),
                diagnostic: RuleId::RawHtml.error(
                    "",
                    "HTML typed into the text is not published",
                )
                .with_hint("write it in Markdown instead; if every author is trusted, `allow_raw_html = true` in site.toml publishes it through a sanitizer that keeps only safe tags"),
            });
        }
        match event {
            Event::InlineHtml(s) if !allowed => self.out.push(Event::Text(s.clone())),
            Event::InlineHtml(_) | Event::Start(_) if allowed => self.out.push(event.clone()),
            _ => {}
        }
    }
}

/// HTML with only what is safe to publish: ammonia's allowlist of tags, attributes and
/// address schemes (no scripts, styles, event handlers, frames, forms or comments), plus the
/// attributes this module writes itself (ids, classes, roles, labels).
pub fn sanitize(html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut b = ammonia::Builder::default();
            b.add_generic_attributes([
                "id",
                "class",
                "role",
                "tabindex",
                "aria-label",
                "data-lang",
            ])
            .link_rel(None)
            .strip_comments(true);
            b
        })
        .clean(html)
        .to_string()
}

/// The number of a footnote: its place among the footnotes in order of first use.
fn footnote_number(seen: &mut HashMap<String, usize>, label: &str) -> usize {
    if let Some(&n) = seen.get(label) {
        return n;
    }
    let n = seen.len() + 1;
    seen.insert(label.to_string(), n);
    n
}

/// How many broken `#anchor` links of a page get a "did you mean" hint: each looks at every
/// heading of the page, so a page of 10,000 broken links to 10,000 headings would otherwise
/// take minutes. The others get the general hint.
pub const SUGGESTIONS_PER_PAGE: usize = 20;

/// The "did you mean" hints given so far on a page, and its heading ids, sorted once.
#[derive(Default)]
struct Suggestions<'p> {
    given: usize,
    known: Option<Vec<&'p str>>,
}

/// A link's or image's start (or a link's end) as published: `@/` links resolved, every
/// address put to [`url_policy::check`]. A refused link's text is published without the link
/// (its start and end give `None`); a refused image gets an empty address.
fn publish_link<'a, 'p>(
    event: &Event<'a>,
    offset: usize,
    parsed: &'p Parsed<'_>,
    links: &dyn LinkResolver,
    unlinked: &mut Vec<bool>,
    suggest: &mut Suggestions<'p>,
    findings: &mut Vec<Finding>,
) -> Option<Event<'a>> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = resolve_link(dest_url, parsed, links, offset, suggest, findings);
            unlinked.push(dest.is_none());
            Some(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: dest?,
                title: title.clone(),
                id: id.clone(),
            }))
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = refuse_unsafe("the image", dest_url, offset, findings);
            Some(Event::Start(Tag::Image {
                link_type: *link_type,
                dest_url: if safe {
                    dest_url.clone()
                } else {
                    CowStr::from("")
                },
                title: title.clone(),
                id: id.clone(),
            }))
        }
        Event::End(TagEnd::Link) if unlinked.pop() == Some(true) => None,
        e => Some(e.clone()),
    }
}

/// Reports `dest` if [`url_policy::check`] refuses it; whether it may be published.
fn refuse_unsafe(what: &str, dest: &str, offset: usize, findings: &mut Vec<Finding>) -> bool {
    match url_policy::check(dest) {
        Ok(()) => true,
        Err(why) => {
            findings.push(Finding {
                offset,
                needle: dest
                    .trim()
                    .chars()
                    .take_while(|c| !c.is_control())
                    .collect(),
                diagnostic: Diagnostic::error(url_policy::RULE, "", why.message(what, dest))
                    .with_hint(why.hint()),
            });
            false
        }
    }
}

/// Where a link goes: `@/` links resolved, broken ones reported (and kept as written), and
/// `None` for an address [`url_policy::check`] refuses.
fn resolve_link<'a, 'p>(
    dest: &CowStr<'a>,
    parsed: &'p Parsed<'_>,
    links: &dyn LinkResolver,
    offset: usize,
    suggest: &mut Suggestions<'p>,
    findings: &mut Vec<Finding>,
) -> Option<CowStr<'a>> {
    if !refuse_unsafe("the link", dest, offset, findings) {
        return None;
    }
    let broken = |message: String, hint: String, findings: &mut Vec<Finding>| {
        findings.push(Finding {
            offset,
            needle: dest.to_string(),
            diagnostic: RuleId::BrokenInternalLink
                .error("", message)
                .with_hint(hint),
        });
    };
    if let Some(target) = dest.strip_prefix("@/") {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        return Some(match links.resolve(path, anchor) {
            Ok(url) => CowStr::from(url),
            Err((message, hint)) => {
                broken(message, hint, findings);
                dest.clone()
            }
        });
    }
    if let Some(anchor) = dest.strip_prefix('#')
        && !anchor.is_empty()
        && !parsed.ids.contains(anchor)
    {
        let best = if suggest.given < SUGGESTIONS_PER_PAGE {
            suggest.given += 1;
            let known = suggest.known.get_or_insert_with(|| {
                let mut known: Vec<&str> = parsed.headings.iter().map(|h| h.id.as_str()).collect();
                known.sort_unstable();
                known
            });
            crate::diagnostics::did_you_mean(anchor, known.iter().copied())
        } else {
            None
        };
        let hint = match best {
            Some(best) => format!("did you mean `#{best}`?"),
            None => {
                "link to a heading of this page by its id, e.g. `#filtering-and-monitoring`".into()
            }
        };
        broken(
            format!("this page has no heading with the id `{anchor}`"),
            hint,
            findings,
        );
    }
    Some(dest.clone())
}

static SYNTAXES: OnceLock<syntect::parsing::SyntaxSet> = OnceLock::new();

/// Highlights a code block with CSS classes. The syntax definitions are loaded on first use,
/// so a build whose pages have no code (or only plain text) never loads them.
fn highlight(lang: &str, code: &str) -> String {
    let plain = lang.is_empty() || matches!(lang, "text" | "txt" | "plain" | "plaintext");
    let lang_attr = if plain {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape(lang))
    };
    let body = if plain {
        escape(code)
    } else {
        let ss = SYNTAXES.get_or_init(syntect::parsing::SyntaxSet::load_defaults_newlines);
        match ss.find_syntax_by_token(lang) {
            None => escape(code),
            Some(syntax) => {
                let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                    syntax,
                    ss,
                    syntect::html::ClassStyle::Spaced,
                );
                let mut ok = true;
                for line in syntect::util::LinesWithEndings::from(code) {
                    if generator
                        .parse_html_for_line_which_includes_newline(line)
                        .is_err()
                    {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    generator.finalize()
                } else {
                    escape(code)
                }
            }
        }
    };
    format!("<pre class=\"code\" tabindex=\"0\"{lang_attr}><code>{body}</code></pre>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, path: &str, _: Option<&str>) -> Result<String, (String, String)> {
            if path == "ok.md" {
                Ok("/ok/".into())
            } else {
                Err(("missing".into(), "hint".into()))
            }
        }
    }

    fn html(md: &str, opts: RenderOptions) -> (String, Vec<Finding>) {
        let p = parse(md, opts.number_headings);
        let mut f = Vec::new();
        let h = render(&p, &NoLinks, opts, &mut f);
        (h, f)
    }

    #[test]
    fn numbers_headings_and_gives_ids() {
        let p = parse("## Aims\n### Scope\n### Scope\n## Roles {#roles}\n", true);
        let got: Vec<(String, String)> = p
            .headings
            .iter()
            .map(|h| (h.number.clone(), h.id.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("1".into(), "aims".into()),
                ("1.1".into(), "scope".into()),
                ("1.2".into(), "scope-2".into()),
                ("2".into(), "roles".into())
            ]
        );
    }

    #[test]
    fn resolves_and_reports_links() {
        let (h, f) = html(
            "[a](@/ok.md) [b](@/no.md) [c](#nowhere)\n",
            RenderOptions::default(),
        );
        assert!(h.contains("href=\"/ok/\""));
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn escapes_raw_html_by_default() {
        let (h, f) = html(
            "Hello <script>alert(1)</script>\n",
            RenderOptions::default(),
        );
        assert!(h.contains("&lt;script&gt;"));
        assert!(!h.contains("<script>"));
        assert_eq!(f.len(), 2);
        let (h, _) = html(
            "Hello <b>x</b>\n",
            RenderOptions {
                allow_raw_html: true,
                ..Default::default()
            },
        );
        assert!(h.contains("<b>x</b>"));
    }

    #[test]
    fn highlights_with_classes() {
        let (h, _) = html(
            "```sh\necho \"value\" # note\n```\n",
            RenderOptions::default(),
        );
        assert!(h.contains("<pre class=\"code\""), "{h}");
        assert!(h.contains("<span class=\"comment"), "{h}");
        assert!(!h.contains("style="), "{h}");
    }

    #[test]
    fn footnotes_do_not_clash_with_headings() {
        let (h, f) = html(
            "## Scope\n\nText.[^scope] See [it](#fn-scope).\n\n[^scope]: Note.\n",
            RenderOptions::default(),
        );
        assert!(f.is_empty(), "{f:?}");
        assert!(h.contains("id=\"scope\""));
        assert!(h.contains("href=\"#fn-scope\""));
        assert!(h.contains("id=\"fn-scope\""));
    }

    #[test]
    fn ten_thousand_same_headings_get_unique_ids_one_step_each() {
        let md = "## Same\n\n".repeat(10_000);
        let outlined = headings(&md, false);
        assert_eq!(outlined.headings.len(), 10_000);
        assert_eq!(outlined.ids.len(), 10_000);
        assert_eq!(outlined.headings[0].id, "same");
        assert_eq!(outlined.headings[1].id, "same-2");
        assert_eq!(outlined.headings[9_999].id, "same-10000");
        // One step each: the next number to try is remembered per base id.
        let mut outline = Outline::new(false);
        for _ in 0..10_000 {
            outline.unique_id("same".into());
        }
        assert_eq!(outline.next_suffix["same"], 10_001);
    }

    #[test]
    fn generated_ids_never_clash_with_written_ones() {
        let p = parse(
            "## Same\n## Same 2\n## Same\n## Same {#same-3}\n## Same\n## Same\n[^same-4]: n\n\nx[^same-4]\n## Same\n",
            false,
        );
        let ids: Vec<&str> = p.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            // As before ids were remembered: the smallest free number, whoever wrote it.
            [
                "same", "same-2", "same-3", "same-3-2", "same-4", "same-5", "same-6"
            ]
        );
    }

    #[test]
    fn nesting_past_the_limit_is_found_at_its_line_and_cut() {
        for deep in [
            "> ".repeat(1_500) + "x\n",
            "- ".repeat(1_000) + "x\n",
            "*".repeat(2_500) + "x" + &"*".repeat(2_500) + "\n",
            "## ".to_string() + &"_".repeat(2_000) + "x" + &"_".repeat(2_000) + "\n",
            "> 1. ".repeat(600) + "x\n",
            (0..200)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect::<String>(),
        ] {
            let md = format!("## Fine\n\nSome *text*.\n\n{deep}\nAfter.\n");
            let found = headings(&md, false).too_deep.expect("too deep");
            assert_eq!(parse(&md, false).too_deep, Some(found));
            let line = md[..found].matches('\n').count() + 1;
            assert!(line >= 5, "line {line}");
            let kept = within_nesting_limit(&md);
            assert!(kept.starts_with("## Fine\n\nSome *text*."), "{kept:?}");
            assert!(headings(kept, false).too_deep.is_none());
            assert!(!kept.contains("After."), "the rest of the page is left out");
        }
        let fine = format!("{}x\n", "> ".repeat(9));
        assert_eq!(headings(&fine, false).too_deep, None);
        assert_eq!(within_nesting_limit(&fine), fine);
    }

    #[test]
    fn only_the_first_broken_anchors_get_a_suggestion() {
        let md = "## Scope\n\n".to_string() + &"[a](#scop) ".repeat(50);
        let (_, f) = html(&md, RenderOptions::default());
        assert_eq!(f.len(), 50);
        let hinted = f
            .iter()
            .filter(|f| f.diagnostic.hint.as_deref() == Some("did you mean `#scope`?"))
            .count();
        assert_eq!(hinted, SUGGESTIONS_PER_PAGE);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Filtering & Monitoring"), "filtering-monitoring");
        assert_eq!(slugify("Children's devices"), "childrens-devices");
        assert_eq!(slugify("!!!"), "section");
    }
}
