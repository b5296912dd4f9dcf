//! What the rules read of a page: its text joined across markup (text, headings, link
//! texts, alt texts, table cells), with links, images and tables, each at its offset.

use super::*;

/// Where a piece of published text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurfaceKind {
    /// Paragraphs, list items and table cells, with the text of their links and emphasis.
    Text,
    /// The text of a heading.
    Heading,
    /// The text of a code block.
    Code,
    /// An attribute value or a comment of HTML typed into the text.
    Html,
    /// An address in HTML as written (e-mail and telephone links are checked in it).
    Url,
    /// An address read as words ("/blog/zorblax-quimby" → "blog zorblax quimby"): only
    /// pupils' names are looked for in it.
    Address,
}

/// A run of published text with the source offset of each piece it was joined from.
#[derive(Debug, Clone)]
pub struct Surface {
    /// Where the text comes from, which decides the checks that read it.
    pub kind: SurfaceKind,
    /// The joined text, with a space where a line break was.
    pub text: String,
    /// `(position in text, offset in the parsed input)` for each joined piece.
    pieces: Vec<(usize, usize)>,
}

impl Surface {
    /// The offset in the parsed input of a byte position of `text`.
    pub fn offset_of(&self, pos: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|(p, _)| *p <= pos)
            .saturating_sub(1);
        self.pieces.get(i).map_or(0, |(p, o)| o + (pos - p))
    }

    fn push(&mut self, text: &str, offset: usize) {
        self.pieces.push((self.text.len(), offset));
        self.text.push_str(text);
    }
}

/// A link as written.
#[derive(Debug, Clone)]
pub struct LinkRef {
    /// The link's address as written, before `@/` links are resolved.
    pub dest: String,
    /// The link's title (`[text](url "title")`), or empty.
    pub title: String,
    /// The link's visible text, checked for saying where it goes.
    pub text: String,
    /// Written as a bare address in angle brackets (`<https://…>`, `<name@school.uk>`).
    pub autolink: bool,
    /// Where the link starts, as a byte offset of the text that was parsed.
    pub offset: usize,
}

/// An image as written.
#[derive(Debug, Clone)]
pub struct ImageRef {
    /// The image's address as written, such as `/photos/sports-day.jpg`.
    pub src: String,
    /// The image's alt text (the words between the brackets), empty if it has none.
    pub alt: String,
    /// The image's title (`![alt](src "title")`), or empty.
    pub title: String,
    /// Where the image starts, as a byte offset of the text that was parsed.
    pub offset: usize,
}

/// Everything of a document that the publishing rules look at.
#[derive(Debug, Default)]
pub struct Surfaces {
    /// Every run of published text, in the order of the document.
    pub texts: Vec<Surface>,
    /// Every Markdown link, in the order of the document.
    pub links: Vec<LinkRef>,
    /// Every Markdown image, in the order of the document.
    pub images: Vec<ImageRef>,
    /// Offsets of tables whose header row is empty.
    pub headerless_tables: Vec<usize>,
    /// Offsets of list items with no text (nor image): blanks a template left.
    pub empty_items: Vec<usize>,
    /// Offsets of headings with no text.
    pub empty_headings: Vec<usize>,
    /// HTML typed into the text, with its offset.
    pub html: Vec<(usize, String)>,
    /// Ids given to headings (`{#id}`), with the heading's offset.
    pub ids: Vec<(usize, String)>,
    /// Single words emphasised on their own (`*school*`), with the emphasis's offset.
    pub emphasised_words: Vec<(usize, String)>,
    /// Every table: its header cells' text and its empty body cells.
    pub tables: Vec<TableRef>,
}

/// A table as the rules see it.
#[derive(Debug, Default, Clone)]
pub struct TableRef {
    /// Where the table starts, as a byte offset of the text that was parsed.
    pub offset: usize,
    /// The text of each header cell.
    pub header: Vec<String>,
    /// Offsets of the body cells with no text (nor image).
    pub empty_cells: Vec<usize>,
}

/// Collects the published text of a parsed document, joined across inline markup and line
/// breaks (so a name split by emphasis or a line break is still one run of text).
pub fn surfaces(parsed: &Parsed<'_>) -> Surfaces {
    let mut walk = Walk::default();
    for (event, range) in &parsed.events {
        table_facts(
            event,
            range,
            &mut walk.table,
            &mut walk.cell,
            &mut walk.in_head,
            &mut walk.out,
        );
        walk.emphasis(event, range.start);
        walk.event(event, range.start);
    }
    walk.flush();
    walk.out
}

impl Surface {
    fn new(kind: SurfaceKind) -> Surface {
        Surface {
            kind,
            text: String::new(),
            pieces: Vec::new(),
        }
    }

    fn of(kind: SurfaceKind, text: &str, offset: usize) -> Surface {
        let mut s = Surface::new(kind);
        s.push(text, offset);
        s
    }
}

/// The state of one walk over a document's events.
#[derive(Default)]
struct Walk {
    out: Surfaces,
    /// The run of text being joined.
    current: Option<Surface>,
    link: Option<LinkRef>,
    image: Option<ImageRef>,
    /// The table head being read: its offset, and whether any text was in it.
    table_head: Option<(usize, bool)>,
    /// The list item being read: its offset, and how many texts there were before it.
    item_start: Option<(usize, usize)>,
    /// The emphasis being read: its offset, its text, and whether anything but text is in it.
    emphasis: Option<(usize, String, bool)>,
    table: Option<TableRef>,
    /// The cell being read: its offset and text, and whether anything but text is in it.
    cell: Option<(usize, String, bool)>,
    in_head: bool,
}

impl Walk {
    /// Ends the run of text being joined, keeping it if it has any text.
    fn flush(&mut self) {
        if let Some(s) = self.current.take()
            && !s.text.trim().is_empty()
        {
            self.out.texts.push(s);
        }
    }

    /// Ends the run of text being joined and starts one of `kind`.
    fn start(&mut self, kind: SurfaceKind) {
        self.flush();
        self.current = Some(Surface::new(kind));
    }

    /// Notes single words emphasised on their own.
    fn emphasis(&mut self, event: &Event<'_>, at: usize) {
        match event {
            Event::Start(Tag::Emphasis) => self.emphasis = Some((at, String::new(), false)),
            Event::End(TagEnd::Emphasis) => {
                if let Some((at, text, false)) = self.emphasis.take() {
                    let word = text.trim();
                    if !word.is_empty() && !word.contains(char::is_whitespace) {
                        self.out.emphasised_words.push((at, word.to_string()));
                    }
                }
            }
            Event::Text(t) => {
                if let Some((_, text, _)) = &mut self.emphasis {
                    text.push_str(t);
                }
            }
            _ => {
                if let Some((_, _, other)) = &mut self.emphasis {
                    *other = true;
                }
            }
        }
    }

    /// Reads one event into the runs of text, links, images and the blanks a template left.
    fn event(&mut self, event: &Event<'_>, at: usize) {
        match event {
            Event::Start(Tag::Item) => {
                self.item_start = Some((at, self.out.texts.len()));
                self.start(SurfaceKind::Text);
            }
            Event::Start(Tag::Paragraph | Tag::TableCell | Tag::BlockQuote(_) | Tag::HtmlBlock) => {
                self.start(SurfaceKind::Text)
            }
            Event::Start(Tag::Heading { id, .. }) => {
                if let Some(id) = id {
                    self.out.ids.push((at, id.to_string()));
                }
                self.start(SurfaceKind::Heading);
            }
            Event::End(TagEnd::Heading(_)) => {
                if self
                    .current
                    .as_ref()
                    .is_some_and(|s| s.text.trim().is_empty())
                {
                    self.out.empty_headings.push(at);
                }
                self.flush();
            }
            Event::Start(Tag::CodeBlock(_)) => self.start(SurfaceKind::Code),
            Event::End(
                TagEnd::CodeBlock
                | TagEnd::Paragraph
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::HtmlBlock,
            ) => self.flush(),
            Event::End(TagEnd::Item) => self.end_item(),
            Event::Start(Tag::TableHead) => self.table_head = Some((at, false)),
            Event::End(TagEnd::TableHead) => {
                if let Some((start, false)) = self.table_head.take() {
                    self.out.headerless_tables.push(start);
                }
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                title,
                ..
            }) => {
                self.link = Some(LinkRef {
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                    text: String::new(),
                    autolink: matches!(
                        link_type,
                        pulldown_cmark::LinkType::Autolink | pulldown_cmark::LinkType::Email
                    ),
                    offset: at,
                });
            }
            Event::End(TagEnd::Link) => self.out.links.extend(self.link.take()),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                self.image = Some(ImageRef {
                    src: dest_url.to_string(),
                    alt: String::new(),
                    title: title.to_string(),
                    offset: at,
                });
            }
            Event::End(TagEnd::Image) => self.out.images.extend(self.image.take()),
            Event::Text(t) | Event::Code(t) => self.text(t, at),
            Event::SoftBreak | Event::HardBreak => {
                if let Some(s) = &mut self.current {
                    s.push(" ", at);
                }
                if let Some(l) = &mut self.link {
                    l.text.push(' ');
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => self.html(h, at),
            _ => {}
        }
    }

    /// Ends a list item, noting it if it had no text nor image.
    fn end_item(&mut self) {
        self.flush();
        if let Some((start, count)) = self.item_start.take()
            && self.out.texts.len() == count
            && !self.out.images.iter().any(|i| i.offset >= start)
        {
            self.out.empty_items.push(start);
        }
    }

    /// Text: an image's alt text, or text joined to the run (and to the link being read).
    fn text(&mut self, t: &str, at: usize) {
        if let Some(img) = &mut self.image {
            img.alt.push_str(t);
            return;
        }
        if let Some(l) = &mut self.link {
            l.text.push_str(t);
        }
        if let Some((_, seen)) = &mut self.table_head
            && !t.trim().is_empty()
        {
            *seen = true;
        }
        self.current
            .get_or_insert_with(|| Surface::new(SurfaceKind::Text))
            .push(t, at);
    }

    /// What HTML typed into the text publishes: its text joins the text around it;
    /// attribute values and comments are checked on their own.
    fn html(&mut self, h: &str, at: usize) {
        use crate::html_text::PieceKind;
        self.out.html.push((at, h.to_string()));
        crate::html_text::pieces(h, |p| {
            let at = at + p.offset;
            match p.kind {
                PieceKind::Text => {
                    let s = self
                        .current
                        .get_or_insert_with(|| Surface::new(SurfaceKind::Text));
                    if p.breaks && !s.text.is_empty() {
                        s.push(" ", at);
                    }
                    s.push(p.text, at);
                }
                PieceKind::Attribute { url: true } => {
                    let mut words = String::new();
                    crate::html_text::push_address(&mut words, p.text);
                    self.out
                        .texts
                        .push(Surface::of(SurfaceKind::Url, p.text, at));
                    self.out
                        .texts
                        .push(Surface::of(SurfaceKind::Address, &words, at));
                }
                PieceKind::Attribute { url: false } | PieceKind::Comment | PieceKind::Script => {
                    self.out
                        .texts
                        .push(Surface::of(SurfaceKind::Html, p.text, at));
                }
            }
        });
    }
}

/// Reads the tables' facts from one event: header cells' text, and empty body cells.
fn table_facts(
    event: &Event<'_>,
    range: &std::ops::Range<usize>,
    table: &mut Option<TableRef>,
    cell: &mut Option<(usize, String, bool)>,
    in_head: &mut bool,
    out: &mut Surfaces,
) {
    match event {
        Event::Start(Tag::Table(_)) => {
            *table = Some(TableRef {
                offset: range.start,
                ..TableRef::default()
            })
        }
        Event::End(TagEnd::Table) => out.tables.extend(table.take()),
        Event::Start(Tag::TableHead) => *in_head = true,
        Event::End(TagEnd::TableHead) => *in_head = false,
        Event::Start(Tag::TableCell) => *cell = Some((range.start, String::new(), false)),
        Event::End(TagEnd::TableCell) => {
            if let (Some((at, text, other)), Some(t)) = (cell.take(), table.as_mut()) {
                if *in_head {
                    t.header.push(text.trim().to_string());
                } else if text.trim().is_empty() && !other {
                    t.empty_cells.push(at);
                }
            }
        }
        Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
            if let Some((_, text, _)) = cell {
                text.push_str(t);
            }
        }
        Event::Start(Tag::Image { .. }) => {
            if let Some((_, _, other)) = cell {
                *other = true;
            }
        }
        _ => {}
    }
}
