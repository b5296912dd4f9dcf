//! Office files (Word, Excel, PowerPoint: Office Open XML; OpenDocument): who wrote and last
//! edited them (`docProps/core.xml`, `meta.xml`), comments and tracked changes with their
//! authors, descriptive properties, macros, encryption, the pictures inside (a photo in a
//! Word file keeps its GPS), and their text. Any other ZIP archive is refused: its files
//! can't be checked (or stripped) one by one inside it.

use super::DocumentMeta;

/// The most bytes read from one part, and from all parts of one file.
const PART_LIMIT: u64 = 32 << 20;
const TOTAL_LIMIT: u64 = 128 << 20;
const MAX_ENTRIES: usize = 20_000;

/// Elements whose text names who wrote or edited the file.
const AUTHOR_ELEMENTS: &[&str] = &[
    "creator",
    "lastModifiedBy",
    "initial-creator",
    "Manager",
    "author",
];
/// Elements whose text describes the file.
const TEXT_ELEMENTS: &[&str] = &[
    "title",
    "subject",
    "keywords",
    "keyword",
    "description",
    "category",
    "Company",
    "lpwstr",
    "text",
    "contentStatus",
];

/// What the parts of an Office file say about who made it, and its text; `unreadable` when
/// it cannot be checked (not an Office file, macros, a password, too many parts).
pub(super) fn read(b: &[u8]) -> DocumentMeta {
    let mut meta = DocumentMeta::default();
    let entries = match super::zip::entries(b, MAX_ENTRIES) {
        Ok(e) => e,
        Err(super::zip::ZipError::TooLarge) => {
            meta.unreadable = Some("it has too many parts to check".into());
            return meta;
        }
        Err(e) => {
            meta.unreadable = Some(e.to_string());
            return meta;
        }
    };
    let mut budget = TOTAL_LIMIT;
    let mut part = |name: &str| -> Result<Vec<u8>, String> {
        let Some(entry) = entries.iter().find(|e| e.name == name) else {
            return Ok(Vec::new());
        };
        if entry.encrypted() {
            return Err("it is password-protected".into());
        }
        let limit = PART_LIMIT.min(budget);
        let out = super::zip::read(b, entry, limit as usize).map_err(|e| e.to_string())?;
        budget -= out.len() as u64;
        Ok(out)
    };
    let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    if let Some(refused) = refusal(&names, &mut part) {
        meta.unreadable = Some(refused);
        return meta;
    }
    for name in &names {
        let Some(role) = PartRole::of(name) else {
            continue;
        };
        let bytes = match part(name) {
            Ok(b) => b,
            Err(why) => {
                meta.unreadable = Some(why);
                return meta;
            }
        };
        match role {
            PartRole::Picture => read_picture(name, &bytes, &mut meta),
            PartRole::Xml(xml) => {
                read_xml_part(name, xml, &String::from_utf8_lossy(&bytes), &mut meta)
            }
        }
    }
    meta.authors.retain(|(_, v)| !v.trim().is_empty());
    meta
}

/// Why an archive with these parts is not checked: it is not Office Open XML or
/// OpenDocument, or it holds macros or scripts.
fn refusal(
    names: &[String],
    part: &mut impl FnMut(&str) -> Result<Vec<u8>, String>,
) -> Option<String> {
    let has = |n: &str| names.iter().any(|x| x == n);
    let ooxml = has("[Content_Types].xml");
    let mimetype = if has("mimetype") {
        part("mimetype")
            .map(|m| String::from_utf8_lossy(&m).trim().to_string())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let odf = mimetype.starts_with("application/vnd.oasis.opendocument");
    if !ooxml && !odf {
        return Some("it is a ZIP archive, whose files can't be checked inside it; publish them one by one instead".into());
    }
    let content_types = if ooxml {
        part("[Content_Types].xml").unwrap_or_default()
    } else {
        Vec::new()
    };
    let macros = names.iter().any(|n| {
        let l = n.to_ascii_lowercase();
        l.ends_with("vbaproject.bin")
            || l.starts_with("basic/")
            || l.starts_with("scripts/")
            || l.ends_with(".bin") && l.contains("activex")
    }) || String::from_utf8_lossy(&content_types)
        .to_ascii_lowercase()
        .contains("macroenabled");
    macros.then(|| "it holds macros or scripts".into())
}

/// What a part of an Office file is, for the parts that are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartRole {
    /// A picture inside the file (read for its own metadata, never as XML).
    Picture,
    /// An XML part, read for what it is (a part can be more than one: a header's comments).
    Xml(XmlPart),
}

/// What an XML part holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct XmlPart {
    /// The file's properties (`docProps/core.xml`, `meta.xml`…).
    properties: bool,
    /// Comments, and the people who made them or tracked changes.
    commentary: bool,
    /// The text: a Word body, header, footer or notes, a sheet's strings, a slide.
    body: bool,
}

impl PartRole {
    fn of(name: &str) -> Option<PartRole> {
        let lower = name.to_ascii_lowercase();
        let picture = [
            "word/media/",
            "xl/media/",
            "ppt/media/",
            "pictures/",
            "media/",
        ]
        .iter()
        .any(|p| lower.starts_with(p));
        if picture {
            return Some(PartRole::Picture);
        }
        let xml = XmlPart {
            properties: matches!(
                lower.as_str(),
                "docprops/core.xml" | "docprops/app.xml" | "docprops/custom.xml" | "meta.xml"
            ),
            commentary: lower.contains("comment") || lower.ends_with("people.xml"),
            body: matches!(
                lower.as_str(),
                "word/document.xml" | "xl/sharedstrings.xml" | "content.xml"
            ) || (lower.starts_with("ppt/slides/slide") && lower.ends_with(".xml"))
                || (lower.starts_with("word/")
                    && (lower.contains("header")
                        || lower.contains("footer")
                        || lower.contains("footnotes")
                        || lower.contains("endnotes"))
                    && lower.ends_with(".xml")),
        };
        (xml.properties || xml.commentary || xml.body).then_some(PartRole::Xml(xml))
    }
}

/// A picture's location and text metadata, named by the part it is in.
fn read_picture(name: &str, bytes: &[u8], meta: &mut DocumentMeta) {
    let format = crate::images::format_of(std::path::Path::new(name), bytes);
    if let Ok(m) = crate::images::read_metadata(format, bytes) {
        for f in m.location {
            meta.location.push((
                format!("picture {name}: {} {}", f.container, f.name),
                f.value,
            ));
        }
        for f in m.text {
            meta.text.push((
                format!("picture {name}: {} {}", f.container, f.name),
                f.value,
            ));
        }
    }
}

/// The authors and text of an XML part.
fn read_xml_part(name: &str, role: XmlPart, xml: &str, meta: &mut DocumentMeta) {
    let commentary = role.commentary;
    // Authors of comments and tracked changes are attributes (w:author="…").
    for value in attribute_values(xml, &["author", "initials", "userId", "name"]) {
        if commentary || value.0 == "author" {
            meta.authors.push((format!("{name} {}", value.0), value.1));
        }
    }
    if role.properties || commentary {
        for (element, text) in leaf_elements(xml) {
            let local = element.rsplit(':').next().unwrap_or(&element);
            if AUTHOR_ELEMENTS.contains(&local) || (commentary && local == "creator") {
                meta.authors.push((format!("{name} {element}"), text));
            } else if TEXT_ELEMENTS.contains(&local) || commentary {
                meta.text.push((format!("{name} {element}"), text));
            }
        }
        if name.eq_ignore_ascii_case("meta.xml") {
            for value in attribute_values(xml, &["value"]) {
                meta.text.push((format!("{name} {}", value.0), value.1));
            }
        }
    }
    if role.body {
        for joiner in [" ", ""] {
            meta.text.push((
                format!("{name} text"),
                super::text::without_markup(xml, joiner),
            ));
        }
    }
}

/// The text of each element that holds only text: (qualified name, decoded text).
fn leaf_elements(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        let tag = &rest[lt + 1..];
        let Some(gt) = tag.find('>') else { break };
        let head = &tag[..gt];
        rest = &tag[gt + 1..];
        if head.starts_with(['/', '?', '!']) || head.ends_with('/') {
            continue;
        }
        let name = head.split_whitespace().next().unwrap_or("").to_string();
        let Some(end) = rest.find('<') else { break };
        let close = format!("</{name}>");
        if rest[end..].starts_with(&close) {
            let text = super::text::decode_references(rest[..end].trim());
            if !text.is_empty() {
                out.push((name, text));
            }
        }
    }
    out
}

/// Values of attributes with these local names: (local name, decoded value).
fn attribute_values(xml: &str, locals: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(eq) = rest.find("=\"") {
        let before = &rest[..eq];
        let name_start = before
            .rfind(|c: char| c.is_whitespace() || c == '<')
            .map_or(0, |p| p + 1);
        let qname = &before[name_start..];
        let local = qname.rsplit(':').next().unwrap_or(qname);
        let after = &rest[eq + 2..];
        let Some(close) = after.find('"') else { break };
        if locals.contains(&local) {
            let value = super::text::decode_references(&after[..close]);
            if !value.trim().is_empty() {
                out.push((local.to_string(), value));
            }
        }
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let files: Vec<(&str, &[u8])> = parts.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        super::super::zip::stored(&files)
    }

    #[test]
    fn authors_and_macros_of_office_files_are_found() {
        let docx = zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            (
                "docProps/core.xml",
                "<cp:coreProperties><dc:title>Trip</dc:title><dc:creator>Zorblax Quimby</dc:creator><cp:lastModifiedBy></cp:lastModifiedBy></cp:coreProperties>",
            ),
            (
                "word/document.xml",
                "<w:document><w:p><w:r><w:t>Zor</w:t></w:r><w:r><w:t>blax</w:t></w:r></w:p></w:document>",
            ),
        ]);
        let meta = read(&docx);
        assert_eq!(meta.authors.len(), 1, "{meta:?}");
        assert!(meta.text.iter().any(|(_, t)| t.contains("Zorblax")));
        let docm = zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            ("word/vbaProject.bin", "x"),
        ]);
        assert!(read(&docm).unreadable.is_some());
        assert!(read(&zip_of(&[("a.jpg", "x")])).unreadable.is_some());
    }
}
