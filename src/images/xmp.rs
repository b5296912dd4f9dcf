//! XMP: a small reader of its RDF/XML for places and the text fields that may name people.

use super::*;

/// Namespace URIs and the prefixes field names are reported with, whatever prefix a file uses.
pub(super) const XMP_NAMESPACES: &[(&str, &str)] = &[
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"),
    ("adobe:ns:meta/", "x"),
    ("http://www.w3.org/XML/1998/namespace", "xml"),
    ("http://ns.adobe.com/exif/1.0/", "exif"),
    ("http://cipa.jp/exif/1.0/", "exifEX"),
    ("http://ns.adobe.com/tiff/1.0/", "tiff"),
    ("http://ns.adobe.com/photoshop/1.0/", "photoshop"),
    (
        "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
        "Iptc4xmpCore",
    ),
    ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "Iptc4xmpExt"),
    ("http://purl.org/dc/elements/1.1/", "dc"),
    ("http://ns.adobe.com/xap/1.0/", "xmp"),
    ("http://ns.adobe.com/lightroom/1.0/", "lr"),
    (
        "http://www.metadataworkinggroup.com/schemas/regions/",
        "mwg-rs",
    ),
    ("http://ns.microsoft.com/photo/1.2/", "MP"),
    ("http://ns.microsoft.com/photo/1.2/t/RegionInfo#", "MPRI"),
    ("http://ns.microsoft.com/photo/1.2/t/Region#", "MPReg"),
];

pub(super) const XMP_LOCATION_PROPERTIES: &[&str] = &[
    "Iptc4xmpCore:Location",
    "Iptc4xmpCore:CountryCode",
    "Iptc4xmpCore:CreatorContactInfo",
    "photoshop:City",
    "photoshop:State",
    "photoshop:Country",
    "Iptc4xmpExt:LocationShown",
    "Iptc4xmpExt:LocationCreated",
];

/// Last parts of names that mean a place in any namespace.
pub(super) const XMP_LOCATION_LOCAL_NAMES: &[&str] = &[
    "City",
    "CountryName",
    "CountryCode",
    "ProvinceState",
    "Sublocation",
    "WorldRegion",
    "Location",
    "LocationName",
    "LocationShown",
    "LocationCreated",
];

pub(super) const XMP_TEXT_PROPERTIES: &[&str] = &[
    "dc:description",
    "dc:subject",
    "dc:title",
    "dc:creator",
    "Iptc4xmpExt:PersonInImage",
    "Iptc4xmpExt:PersonInImageWDetails",
    "photoshop:Headline",
    "photoshop:CaptionWriter",
    "tiff:ImageDescription",
    "tiff:Artist",
    "exif:UserComment",
    "lr:hierarchicalSubject",
];

/// Names of people tagged in face regions.
pub(super) const XMP_TEXT_LEAVES: &[&str] = &["mwg-rs:Name", "MPReg:PersonDisplayName"];

pub(super) enum XmpKind {
    Location,
    Text,
    Orientation,
}

pub(super) fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

pub(super) fn classify_xmp(path: &[String]) -> Option<XmpKind> {
    let first = path.first()?.as_str();
    let leaf = path.last()?.as_str();
    if XMP_LOCATION_PROPERTIES.contains(&first)
        || path.iter().any(|p| local_name(p).starts_with("GPS"))
        || XMP_LOCATION_LOCAL_NAMES.contains(&local_name(leaf))
    {
        Some(XmpKind::Location)
    } else if XMP_TEXT_PROPERTIES.contains(&first) || XMP_TEXT_LEAVES.contains(&leaf) {
        Some(XmpKind::Text)
    } else if path.len() == 1 && first == "tiff:Orientation" {
        Some(XmpKind::Orientation)
    } else {
        None
    }
}

/// Reads an XMP packet (or any RDF/XML) and reports its location and text properties.
pub(super) fn read_xmp(data: &[u8], found: &mut Found) {
    found.block("XMP");
    let text = String::from_utf8_lossy(data);
    let text = text.trim_start_matches('\u{feff}');
    for (path, value) in xmp_properties(text) {
        let name = path.join("/");
        match classify_xmp(&path) {
            Some(XmpKind::Location) => found.location("XMP", name, value),
            Some(XmpKind::Text) => found.text("XMP", name, value),
            Some(XmpKind::Orientation) if !found.secondary && found.xmp_orientation.is_none() => {
                found.xmp_orientation = value.trim().parse().ok();
            }
            Some(XmpKind::Orientation) | None => {}
        }
    }
}

/// The location and text properties of the XMP packets found anywhere in `bytes` (a PDF, a
/// video), read like an image's.
pub fn xmp_in(bytes: &[u8]) -> Metadata {
    let mut found = Found::default();
    scan_for_xmp(bytes, &mut found);
    found.finish()
}

/// Finds XMP packets in bytes of a container this module doesn't walk (HEIF, TIFF, GIF).
pub(super) fn scan_for_xmp(bytes: &[u8], found: &mut Found) {
    let mut rest = bytes;
    for _ in 0..16 {
        let Some(start) = find(rest, b"<x:xmpmeta").or_else(|| find(rest, b"<x:xapmeta")) else {
            return;
        };
        let tail = &rest[start..];
        let end = find(tail, b"</x:xmpmeta>")
            .or_else(|| find(tail, b"</x:xapmeta>"))
            .map_or(tail.len(), |e| e + b"</x:xmpmeta>".len());
        read_xmp(&tail[..end], found);
        rest = &tail[end..];
    }
}

/// How an element takes part in RDF/XML.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Outside `rdf:RDF` (e.g. `x:xmpmeta`, SVG elements).
    Outside,
    /// A resource: `rdf:Description`, `rdf:Bag`/`Seq`/`Alt`, or a typed node.
    Node,
    /// A property of a resource (or `rdf:li` in a container).
    Property,
}

pub(super) struct Element {
    pub(super) role: Role,
    /// The property name this element adds to the path, if any.
    pub(super) name: Option<String>,
    /// Children of this element are properties (rdf:parseType="Resource").
    pub(super) resource: bool,
    /// This is `rdf:RDF`: its children are nodes.
    pub(super) rdf_root: bool,
    pub(super) namespaces: Vec<(String, String)>,
    pub(super) text: String,
    pub(super) has_children: bool,
}

/// The properties in an RDF/XML document, each as (path of property names, text value).
/// Lenient: stops at the first thing it can't parse and returns what it found so far.
pub(super) fn xmp_properties(xml: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |e| &r[e + 3..]);
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap_or(r.len());
            if let Some(top) = stack.last_mut() {
                top.text.push_str(&r[..end]);
            }
            rest = r.get(end + 3..).unwrap_or("");
        } else if rest.starts_with("<?") {
            rest = rest.find("?>").map_or("", |e| &rest[e + 2..]);
        } else if rest.starts_with("<!") {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
        } else if let Some(r) = rest.strip_prefix("</") {
            rest = r.find('>').map_or("", |e| &r[e + 1..]);
            if let Some(element) = stack.pop() {
                end_element(element, &stack, &mut out);
            }
        } else {
            let Some((tag, after)) = parse_start_tag(&rest[1..]) else {
                break;
            };
            rest = after;
            start_element(tag, &mut stack, &mut out);
        }
    }
    // Unclosed elements at the end of a cut-off packet still count.
    while let Some(element) = stack.pop() {
        end_element(element, &stack, &mut out);
    }
    out
}

pub(super) fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        if top.role == Role::Property && !text.is_empty() {
            top.text.push_str(&decode_entities(text));
        }
    }
}

pub(super) struct StartTag<'a> {
    pub(super) name: &'a str,
    pub(super) attributes: Vec<(&'a str, String)>,
    pub(super) empty: bool,
}

/// Parses `name attr="value" ... >` or `... />` (after the `<`).
pub(super) fn parse_start_tag(s: &str) -> Option<(StartTag<'_>, &str)> {
    let name_end = s.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    let name = &s[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = &s[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("/>") {
            return Some((
                StartTag {
                    name,
                    attributes,
                    empty: true,
                },
                r,
            ));
        }
        if let Some(r) = rest.strip_prefix('>') {
            return Some((
                StartTag {
                    name,
                    attributes,
                    empty: false,
                },
                r,
            ));
        }
        let eq = rest.find('=')?;
        let attr = rest[..eq].trim();
        if attr.is_empty() || attr.contains(|c: char| c.is_whitespace() || c == '<' || c == '>') {
            return None;
        }
        rest = rest[eq + 1..].trim_start();
        let quote = rest.chars().next().filter(|&q| q == '"' || q == '\'')?;
        let body = &rest[1..];
        let close = body.find(quote)?;
        attributes.push((attr, decode_entities(&body[..close])));
        rest = &body[close + 1..];
    }
}

pub(super) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &rest[1..semi];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn resolve(qname: &str, stack: &[Element], own: &[(String, String)]) -> String {
    let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
    let uri = own
        .iter()
        .rev()
        .chain(stack.iter().rev().flat_map(|e| e.namespaces.iter().rev()))
        .find(|(p, _)| p == prefix)
        .map(|(_, uri)| uri.as_str());
    let canonical = uri
        .and_then(|uri| XMP_NAMESPACES.iter().find(|(u, _)| *u == uri))
        .map(|(_, p)| *p);
    match (canonical, prefix) {
        (Some(p), _) => format!("{p}:{local}"),
        (None, "") => local.to_string(),
        (None, p) => format!("{p}:{local}"),
    }
}

/// The property path above a new child of the stack's top.
pub(super) fn property_path(stack: &[Element]) -> Vec<String> {
    stack.iter().filter_map(|e| e.name.clone()).collect()
}

pub(super) fn start_element(
    tag: StartTag<'_>,
    stack: &mut Vec<Element>,
    out: &mut Vec<(Vec<String>, String)>,
) {
    let namespaces: Vec<(String, String)> = tag
        .attributes
        .iter()
        .filter_map(|(a, v)| {
            if *a == "xmlns" {
                Some((String::new(), v.clone()))
            } else {
                a.strip_prefix("xmlns:").map(|p| (p.to_string(), v.clone()))
            }
        })
        .collect();
    let name = resolve(tag.name, stack, &namespaces);
    let rdf_root = name == "rdf:RDF";
    let role = match stack.last() {
        _ if rdf_root => Role::Outside,
        None => Role::Outside,
        Some(parent) if parent.rdf_root => Role::Node,
        Some(parent) => match parent.role {
            Role::Outside => Role::Outside,
            Role::Node => Role::Property,
            Role::Property if parent.resource => Role::Property,
            Role::Property => Role::Node,
        },
    };
    let resource = tag
        .attributes
        .iter()
        .any(|(a, v)| resolve(a, stack, &namespaces) == "rdf:parseType" && v == "Resource");
    // Attributes of nodes and properties (other than RDF's, XML's and namespace declarations)
    // are properties too.
    if role != Role::Outside {
        let mut base = property_path(stack);
        if role == Role::Property && !is_rdf_item(&name) {
            base.push(name.clone());
        }
        for (attr, value) in &tag.attributes {
            if *attr == "xmlns" || attr.starts_with("xmlns:") {
                continue;
            }
            let attr_name = resolve(attr, stack, &namespaces);
            if attr_name.starts_with("rdf:")
                || attr_name.starts_with("xml:")
                || attr_name.starts_with("x:")
            {
                continue;
            }
            let mut path = base.clone();
            path.push(attr_name);
            out.push((path, value.clone()));
        }
    }
    let path_name = (role == Role::Property && !is_rdf_item(&name)).then_some(name);
    if let Some(parent) = stack.last_mut() {
        parent.has_children = true;
    }
    stack.push(Element {
        role,
        name: path_name,
        resource,
        rdf_root,
        namespaces,
        text: String::new(),
        has_children: false,
    });
    if tag.empty {
        if let Some(element) = stack.pop() {
            end_element(element, stack, out);
        }
    }
}

/// `rdf:li` and `rdf:_1`, `rdf:_2`...: items of a container, not named properties.
pub(super) fn is_rdf_item(name: &str) -> bool {
    name == "rdf:li" || name.starts_with("rdf:_")
}

pub(super) fn end_element(
    element: Element,
    stack: &[Element],
    out: &mut Vec<(Vec<String>, String)>,
) {
    if element.role != Role::Property || element.has_children {
        return;
    }
    let value = element.text.trim();
    if value.is_empty() {
        return;
    }
    let mut path = property_path(stack);
    if let Some(name) = element.name {
        path.push(name);
    }
    if !path.is_empty() {
        out.push((path, value.to_string()));
    }
}
