//! The text a piece of HTML publishes: what readers see (text between tags, with inline tags
//! joining the text on either side and block tags separating it), and what they may not see
//! but is in the page all the same (attribute values such as `title`, `alt` and `href`,
//! comments, scripts and styles). The publishing rules read HTML through this, so a name in
//! a tag's title or in a comment is found like one in the text.
//!
//! A linear byte scan, not a full HTML parser: it never fails, and it errs towards finding
//! more text. Character references are left as they are (the rules decode them).
//! Pure: no I/O.

/// One run of published text and its byte offset in the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The text itself, a slice of the HTML with character references left as written
    /// (`Poppy &amp; Sam`).
    pub text: &'a str,
    /// Where `text` starts in the HTML, in bytes (for pointing a finding at its place).
    pub offset: usize,
    /// What the piece is.
    pub kind: PieceKind,
    /// Whether a block boundary (or any tag that is not inline) comes before this piece.
    pub breaks: bool,
}

/// Where in the HTML a [`Piece`] comes from: text readers see, or text that is in the page's
/// source without being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// Text between tags, as readers see it.
    Text,
    /// An attribute's value; `url` for addresses (href, src, action, …).
    Attribute {
        /// Whether the attribute holds an address (`href`, `src`, …), read as words by
        /// [`push_address`].
        url: bool,
    },
    /// A comment's text (in the page's source, though not shown).
    Comment,
    /// The content of a script or style element (in the page's source, not shown).
    Script,
}

/// Tags that do not separate the text around them ("Pop<b>py</b>" reads "Poppy").
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "ins"
            | "del"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
            | "label"
            | "output"
    )
}

fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href"
            | "src"
            | "srcset"
            | "action"
            | "formaction"
            | "poster"
            | "cite"
            | "data"
            | "background"
            | "longdesc"
            | "xlink:href"
            | "ping"
            | "content"
            | "itemid"
    )
}

/// Calls `f` with each piece of published text of `html`, in order.
pub fn pieces<'a>(html: &'a str, mut f: impl FnMut(Piece<'a>)) {
    walk(html, &mut |p, _| f(p));
}

/// Calls `f` with each attribute value of `html`'s tags, in order: the attribute's name
/// (lower case) and its value as a [`Piece`] (`offset` is where the value starts, inside
/// its quotes if it has them). Empty values are left out.
pub fn attributes<'a>(html: &'a str, mut f: impl FnMut(&str, Piece<'a>)) {
    walk(html, &mut |p, name| {
        if matches!(p.kind, PieceKind::Attribute { .. }) {
            f(name, p);
        }
    });
}

/// The scan behind [`pieces`] and [`attributes`]: each piece, with its attribute's name for
/// an attribute value (empty for the others).
fn walk<'a>(html: &'a str, f: &mut impl FnMut(Piece<'a>, &str)) {
    let b = html.as_bytes();
    let len = b.len();
    let mut i = 0;
    let mut breaks = false;
    while i < len {
        let Some(lt) = memchr::memchr(b'<', &b[i..]).map(|p| i + p) else {
            push_text(html, i, len, &mut breaks, f);
            return;
        };
        push_text(html, i, lt, &mut breaks, f);
        let rest = &b[lt..];
        if rest.starts_with(b"<!--") {
            let body = lt + 4;
            let end = find(b, body, b"-->").unwrap_or(len);
            if end > body {
                f(
                    Piece {
                        text: &html[body..end],
                        offset: body,
                        kind: PieceKind::Comment,
                        breaks: true,
                    },
                    "",
                );
            }
            breaks = true;
            i = (end + 3).min(len);
            continue;
        }
        // `<` not starting a tag is text ("a < b").
        let next = rest.get(1).copied().unwrap_or(b' ');
        if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?') {
            push_text(html, lt, lt + 1, &mut breaks, f);
            i = lt + 1;
            continue;
        }
        let (end, name) = tag(html, lt, f);
        if !is_inline(&name) {
            breaks = true;
        }
        i = end;
        // Script and style: their content is published too.
        if (name == "script" || name == "style" || name == "textarea" || name == "title")
            && !html[lt..end].starts_with("</")
        {
            let close = format!("</{name}");
            let stop = find_ignore_case(b, i, close.as_bytes()).unwrap_or(len);
            if name == "script" || name == "style" {
                if stop > i {
                    f(
                        Piece {
                            text: &html[i..stop],
                            offset: i,
                            kind: PieceKind::Script,
                            breaks: true,
                        },
                        "",
                    );
                }
            } else {
                push_text(html, i, stop, &mut breaks, f);
            }
            breaks = true;
            i = stop;
        }
    }
}

fn push_text<'a>(
    html: &'a str,
    from: usize,
    to: usize,
    breaks: &mut bool,
    f: &mut impl FnMut(Piece<'a>, &str),
) {
    if to > from {
        f(
            Piece {
                text: &html[from..to],
                offset: from,
                kind: PieceKind::Text,
                breaks: *breaks,
            },
            "",
        );
        *breaks = false;
    }
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&b[from.min(b.len())..], needle).map(|p| from + p)
}

fn find_ignore_case(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', &b[i.min(b.len())..]) {
        let at = i + p;
        if b.len() >= at + needle.len() && b[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Reads the tag starting at `lt`, reporting its attribute values; returns where it ends and
/// its name (lower case).
fn tag<'a>(html: &'a str, lt: usize, f: &mut impl FnMut(Piece<'a>, &str)) -> (usize, String) {
    let b = html.as_bytes();
    let len = b.len();
    let mut i = lt + 1;
    if i < len && b[i] == b'/' {
        i += 1;
    }
    let name_start = i;
    while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    // Attributes: name, optional = and a value (quoted or not).
    loop {
        while i < len && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= len {
            return (len, name);
        }
        if b[i] == b'>' {
            return (i + 1, name);
        }
        let a_start = i;
        while i < len && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attr = html[a_start..i].to_ascii_lowercase();
        if a_start == i {
            // A stray character: skip it.
            i += 1;
            continue;
        }
        let mut j = i;
        while j < len && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= len || b[j] != b'=' {
            continue;
        }
        j += 1;
        while j < len && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let (v_start, v_end, next) = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr::memchr(q, &b[j + 1..]).map_or(len, |p| j + 1 + p);
                (j + 1, end, (end + 1).min(len))
            }
            _ => {
                let mut e = j;
                while e < len && !b[e].is_ascii_whitespace() && b[e] != b'>' {
                    e += 1;
                }
                (j, e, e)
            }
        };
        if v_end > v_start {
            f(
                Piece {
                    text: &html[v_start..v_end],
                    offset: v_start,
                    kind: PieceKind::Attribute {
                        url: is_url_attribute(&attr) || attr.starts_with("on"),
                    },
                    breaks: true,
                },
                &attr,
            );
        }
        i = next;
    }
}

/// All the published text of `html` as one string: text runs joined as readers see them,
/// each attribute value and comment on its own line. (Character references kept.)
pub fn published_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut attrs = String::new();
    pieces(html, |p| match p.kind {
        PieceKind::Text => {
            if p.breaks {
                out.push('\n');
            }
            out.push_str(p.text);
        }
        PieceKind::Attribute { url } => {
            attrs.push('\n');
            if url {
                push_address(&mut attrs, p.text);
            } else {
                attrs.push_str(p.text);
            }
        }
        PieceKind::Comment | PieceKind::Script => {
            attrs.push('\n');
            attrs.push_str(p.text);
        }
    });
    out.push_str(&attrs);
    out
}

/// An address as words: percent-escapes decoded, and `-`, `_`, `/`, `.`, `+`, `=`, `?`, `&`,
/// `#` between its parts read as spaces ("/blog/poppy-ashcombe" → " blog poppy ashcombe").
pub fn push_address(out: &mut String, url: &str) {
    let decoded = percent_encoding::percent_decode_str(url).decode_utf8_lossy();
    out.extend(decoded.chars().map(|c| match c {
        '-' | '_' | '/' | '.' | '+' | '=' | '?' | '#' | ':' | '~' | ',' => ' ',
        c => c,
    }));
}

/// The text readers see of `html` (no attributes, no comments), for a PDF.
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    pieces(html, |p| {
        if p.kind == PieceKind::Text {
            if p.breaks && !out.is_empty() && !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
            out.push_str(p.text);
        }
    });
    out
}

/// True when raw HTML is really template text like `<lockable storage …>`, not a tag:
/// one `<…>` and nothing else; a tag of HTML's own (`<details open>`) is not one.
pub fn is_angle_placeholder(html: &str) -> bool {
    let Some(inner) = html
        .trim()
        .strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
    else {
        return false;
    };
    let first = inner.chars().next();
    let tag = inner
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    first.is_some_and(char::is_alphabetic)
        && !inner.contains(['<', '>', '=', '/'])
        && !HTML_ELEMENTS.contains(&tag.as_str())
        && (inner.contains(' ') || inner.contains('…') || inner.contains("..."))
}

/// The elements of HTML, whose tags are never template text.
const HTML_ELEMENTS: [&str; 113] = [
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "menu",
    "meta",
    "meter",
    "nav",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_attributes_and_comments_are_found() {
        let html = "<div class=\"x\" title='Zorblax Quimby'>Well done Zor<b>blax</b> Quimby<!-- Dev Fixtureson --></div><p>Next</p><a href=\"/blog/zorblax-quimby\">x</a>";
        let t = published_text(html);
        assert!(t.contains("Well done Zorblax Quimby"), "{t}");
        assert!(t.contains("\nZorblax Quimby"), "{t}");
        assert!(t.contains(" Dev Fixtureson "), "{t}");
        assert!(t.contains("blog zorblax quimby"), "{t}");
        assert!(t.contains("\nNext"), "{t}");
        assert!(!t.contains("class"), "{t}");
    }

    #[test]
    fn broken_html_never_fails() {
        for html in [
            "<",
            "<div",
            "<div title=\"x",
            "<!--",
            "a < b",
            "<script>x",
            "</",
            "<a =b>",
        ] {
            let _ = published_text(html);
            let _ = visible_text(html);
        }
        assert_eq!(visible_text("a < b"), "a < b");
        assert_eq!(visible_text("<p>Pop<i>py</i></p><p>Next</p>"), "Poppy Next");
        assert_eq!(
            visible_text("a<script>alert(1)</script>b<style>x{}</style>"),
            "a b"
        );
        assert!(published_text("<script>alert(1)</script>").contains("alert(1)"));
    }
}
