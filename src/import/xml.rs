//! A small element tree of one XML part, read with quick-xml: bounded in size and depth, with
//! the five predefined entities and character references resolved and any entity a
//! document declares refused (so "billion laughs" expands nothing).

use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// The most elements inside each other in a part (Word's own documents stay far below).
pub const MAX_DEPTH: usize = 256;

/// An element: its local name (`p` for `w:p`), its attributes by local name, its children.
#[derive(Debug, Clone, Default)]
pub struct El {
    /// The element's name without its prefix.
    pub name: String,
    /// Its attributes, by name without prefix, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Its children, in order.
    pub kids: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone)]
pub enum Node {
    /// An element.
    El(El),
    /// Text.
    Text(String),
}

/// Why a part could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Not well-formed.
    #[error("its XML is damaged ({0})")]
    Damaged(String),
    /// Elements nested deeper than [`MAX_DEPTH`].
    #[error(
        "its elements are nested more than {MAX_DEPTH} deep (tables inside tables inside tables…)"
    )]
    TooDeep,
    /// A DOCTYPE that declares entities.
    #[error(
        "it declares its own XML entities, which Word never writes (a way to make a reader expand text without end)"
    )]
    Entities,
}

impl El {
    /// The value of the attribute `name`, if it has one.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub fn children(&self) -> impl Iterator<Item = &El> {
        self.kids.iter().filter_map(|k| match k {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&El> {
        self.children().find(|e| e.name == name)
    }

    /// The first element called `name` at any depth below this one (depth-first).
    pub fn find(&self, name: &str) -> Option<&El> {
        for c in self.children() {
            if c.name == name {
                return Some(c);
            }
            if let Some(found) = c.find(name) {
                return Some(found);
            }
        }
        None
    }

    /// All the text below this element.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.push_text(&mut out);
        out
    }

    fn push_text(&self, out: &mut String) {
        for k in &self.kids {
            match k {
                Node::Text(t) => out.push_str(t),
                Node::El(e) => e.push_text(out),
            }
        }
    }
}

/// The local part of a qualified name (`w:p` → `p`).
fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.to_string(),
    }
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> El {
    let attrs = e
        .attributes()
        .flatten()
        .map(|a| {
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string());
            (local(a.key.as_ref()), value)
        })
        .collect();
    El {
        name: local(e.name().as_ref()),
        attrs,
        kids: Vec::new(),
    }
}

/// Reads a part into its root element.
pub fn parse(xml: &[u8]) -> Result<El, XmlError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut stack: Vec<El> = vec![El::default()];
    let mut buf = Vec::new();
    let damaged = |e: &dyn std::fmt::Display| XmlError::Damaged(e.to_string());
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| damaged(&e))?;
        match event {
            Event::Start(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                stack.push(element(&e));
            }
            Event::Empty(e) => {
                let el = element(&e);
                if let Some(top) = stack.last_mut() {
                    top.kids.push(Node::El(el));
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(XmlError::Damaged("an element is closed twice".into()));
                };
                match stack.last_mut() {
                    Some(top) => top.kids.push(Node::El(done)),
                    None => return Err(XmlError::Damaged("an element is closed twice".into())),
                }
            }
            Event::Text(t) => {
                let text = t.xml_content(XmlVersion::Implicit1_0);
                push_text(&mut stack, &text);
            }
            Event::CData(t) => {
                let text = t.into_inner();
                push_text(&mut stack, &text);
            }
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => quick_xml::escape::resolve_predefined_entity(&r.into_inner())
                        .map(String::from),
                };
                if let Some(text) = text {
                    push_text(&mut stack, &text);
                }
            }
            Event::DocType(d) => {
                if d.into_inner().contains("ENTITY") {
                    return Err(XmlError::Entities);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if stack.len() != 1 {
        return Err(XmlError::Damaged(
            "it ends before its elements are closed".into(),
        ));
    }
    let mut root = stack.pop().unwrap_or_default();
    root.kids
        .drain(..)
        .find_map(|k| match k {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| XmlError::Damaged("it has no elements".into()))
}

fn push_text(stack: &mut [El], text: &str) {
    if let Some(top) = stack.last_mut() {
        match top.kids.last_mut() {
            Some(Node::Text(t)) => t.push_str(text),
            _ => top.kids.push(Node::Text(text.to_string())),
        }
    }
}
