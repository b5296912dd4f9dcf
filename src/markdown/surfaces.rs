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
    let mut out = Surfaces::default();
    let mut current: Option<Surface> = None;
    let mut link: Option<LinkRef> = None;
    let mut image: Option<ImageRef> = None;
    let mut table_head: Option<(usize, bool)> = None;
    let mut item_start: Option<(usize, usize)> = None;
    // The emphasis being read: its offset, its text, and whether anything but text is in it.
    let mut emphasis: Option<(usize, String, bool)> = None;
    let mut table: Option<TableRef> = None;
    // The cell being read: its offset and text, and whether it is in the header.
    let mut cell: Option<(usize, String, bool)> = None;
    let mut in_head = false;
    let flush = |current: &mut Option<Surface>, out: &mut Surfaces| {
        if let Some(s) = current.take()
            && !s.text.trim().is_empty()
        {
            out.texts.push(s);
        }
    };
    for (event, range) in &parsed.events {
        table_facts(event, range, &mut table, &mut cell, &mut in_head, &mut out);
        match event {
            Event::Start(Tag::Emphasis) => emphasis = Some((range.start, String::new(), false)),
            Event::End(TagEnd::Emphasis) => {
                if let Some((at, text, false)) = emphasis.take() {
                    let word = text.trim();
                    if !word.is_empty() && !word.contains(char::is_whitespace) {
                        out.emphasised_words.push((at, word.to_string()));
                    }
                }
            }
            Event::Text(t) if emphasis.is_some() => {
                if let Some((_, text, _)) = &mut emphasis {
                    text.push_str(t);
                }
            }
            _ if emphasis.is_some() && !matches!(event, Event::Text(_)) => {
                if let Some((_, _, other)) = &mut emphasis {
                    *other = true;
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Paragraph | Tag::TableCell | Tag::Item | Tag::BlockQuote(_)) => {
                if let Event::Start(Tag::Item) = event {
                    item_start = Some((range.start, out.texts.len()));
                }
                flush(&mut current, &mut out);
                current = Some(Surface {
                    kind: SurfaceKind::Text,
                    text: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::Start(Tag::Heading { id, .. }) => {
                if let Some(id) = id {
                    out.ids.push((range.start, id.to_string()));
                }
                flush(&mut current, &mut out);
                current = Some(Surface {
                    kind: SurfaceKind::Heading,
                    text: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if current.as_ref().is_some_and(|s| s.text.trim().is_empty()) {
                    out.empty_headings.push(range.start);
                }
                flush(&mut current, &mut out);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut current, &mut out);
                current = Some(Surface {
                    kind: SurfaceKind::Code,
                    text: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                flush(&mut current, &mut out);
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::BlockQuote(_)) => {
                flush(&mut current, &mut out)
            }
            Event::End(TagEnd::Item) => {
                flush(&mut current, &mut out);
                if let Some((start, count)) = item_start.take()
                    && out.texts.len() == count
                    && !out.images.iter().any(|i| i.offset >= start)
                {
                    out.empty_items.push(start);
                }
            }
            Event::Start(Tag::TableHead) => table_head = Some((range.start, false)),
            Event::End(TagEnd::TableHead) => {
                if let Some((start, false)) = table_head.take() {
                    out.headerless_tables.push(start);
                }
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                title,
                ..
            }) => {
                link = Some(LinkRef {
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                    text: String::new(),
                    autolink: matches!(
                        link_type,
                        pulldown_cmark::LinkType::Autolink | pulldown_cmark::LinkType::Email
                    ),
                    offset: range.start,
                });
            }
            Event::End(TagEnd::Link) => out.links.extend(link.take()),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                image = Some(ImageRef {
                    src: dest_url.to_string(),
                    alt: String::new(),
                    title: title.to_string(),
                    offset: range.start,
                });
            }
            Event::End(TagEnd::Image) => out.images.extend(image.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(img) = &mut image {
                    img.alt.push_str(t);
                    continue;
                }
                if let Some(l) = &mut link {
                    l.text.push_str(t);
                }
                if let Some((_, seen)) = &mut table_head
                    && !t.trim().is_empty()
                {
                    *seen = true;
                }
                let offset = range.start;
                match &mut current {
                    Some(s) => s.push(t, offset),
                    None => {
                        let mut s = Surface {
                            kind: SurfaceKind::Text,
                            text: String::new(),
                            pieces: Vec::new(),
                        };
                        s.push(t, offset);
                        current = Some(s);
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(s) = &mut current {
                    s.push(" ", range.start);
                }
                if let Some(l) = &mut link {
                    l.text.push(' ');
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                flush(&mut current, &mut out);
                current = Some(Surface {
                    kind: SurfaceKind::Text,
                    text: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::End(TagEnd::HtmlBlock) => flush(&mut current, &mut out),
            Event::Html(h) | Event::InlineHtml(h) => {
                out.html.push((range.start, h.to_string()));
                // What the HTML publishes: its text joins the text around it; attribute
                // values and comments are checked on their own.
                crate::html_text::pieces(h, |p| {
                    let at = range.start + p.offset;
                    match p.kind {
                        crate::html_text::PieceKind::Text => {
                            let s = current.get_or_insert_with(|| Surface {
                                kind: SurfaceKind::Text,
                                text: String::new(),
                                pieces: Vec::new(),
                            });
                            if p.breaks && !s.text.is_empty() {
                                s.push(" ", at);
                            }
                            s.push(p.text, at);
                        }
                        crate::html_text::PieceKind::Attribute { url } => {
                            let surface = |kind, text: &str| {
                                let mut s = Surface {
                                    kind,
                                    text: String::new(),
                                    pieces: Vec::new(),
                                };
                                s.push(text, at);
                                s
                            };
                            if url {
                                let mut words = String::new();
                                crate::html_text::push_address(&mut words, p.text);
                                out.texts.push(surface(SurfaceKind::Url, p.text));
                                out.texts.push(surface(SurfaceKind::Address, &words));
                            } else {
                                out.texts.push(surface(SurfaceKind::Html, p.text));
                            }
                        }
                        crate::html_text::PieceKind::Comment
                        | crate::html_text::PieceKind::Script => {
                            let mut s = Surface {
                                kind: SurfaceKind::Html,
                                text: String::new(),
                                pieces: Vec::new(),
                            };
                            s.push(p.text, at);
                            out.texts.push(s);
                        }
                    }
                });
            }
            _ => {}
        }
    }
    flush(&mut current, &mut out);
    out
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
