//! Text of `static/` files to check for pupils' names: a text file's whole text, and the
//! same text as a reader sees it (HTML and XML without their tags and entities, JSON's
//! strings unescaped), so `Zorblax&#32;Quimby` or `"Zorblax\u0020Quimby"` is caught too.

/// Where a text came from, for placing a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPlace {
    /// The file's own text: findings point at its line and column.
    Body,
    /// The file's text as read (tags removed, entities or escapes decoded): findings are
    /// about the whole file.
    Decoded(&'static str),
    /// A metadata field, e.g. "PDF Author", "Office dc:title".
    Metadata(String),
}

/// A text of a published file, for the name check.
#[derive(Debug, Clone)]
pub struct FileText {
    /// `static/<path>`.
    pub file: String,
    /// Where in the file the text came from, which decides where a finding points.
    pub place: TextPlace,
    /// The text itself, to search for pupils' names.
    pub text: String,
}

/// The file's text if it is text: UTF-8 (a byte-order mark dropped) or UTF-16 with a
/// byte-order mark, without NUL bytes.
pub fn decode(b: &[u8]) -> Option<String> {
    if let Some(rest) = b.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    if memchr::memchr(0, b).is_some() {
        return None;
    }
    std::str::from_utf8(b).ok().map(str::to_owned)
}

fn utf16(b: &[u8], little: bool) -> Option<String> {
    if b.len() % 2 != 0 {
        return None;
    }
    let units = b.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let s: String = char::decode_utf16(units).collect::<Result<_, _>>().ok()?;
    (!s.contains('\0')).then_some(s)
}

/// The texts of a file to check for names: its body, and decoded forms of markup and JSON.
pub fn of(name: &str, rel: &str, bytes: &[u8]) -> Vec<FileText> {
    let Some(body) = decode(bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let trimmed = body.trim_start();
    let lower = rel.to_ascii_lowercase();
    if trimmed.starts_with('{') || trimmed.starts_with('[') || lower.ends_with(".json") {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) {
            let mut strings = String::new();
            json_strings(&value, &mut strings, 0);
            out.push(FileText {
                file: name.to_string(),
                place: TextPlace::Decoded("JSON text"),
                text: strings,
            });
        }
    }
    if body.contains('<') || body.contains('&') {
        for (joiner, what) in [
            (" ", "text without its markup"),
            ("", "text without its markup"),
        ] {
            let text = without_markup(&body, joiner);
            if text != body {
                out.push(FileText {
                    file: name.to_string(),
                    place: TextPlace::Decoded(what),
                    text,
                });
            }
        }
    }
    out.insert(
        0,
        FileText {
            file: name.to_string(),
            place: TextPlace::Body,
            text: body,
        },
    );
    out
}

fn json_strings(value: &serde_json::Value, out: &mut String, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_strings(v, out, depth + 1)),
        serde_json::Value::Object(o) => {
            for (k, v) in o {
                out.push_str(k);
                out.push('\n');
                json_strings(v, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Markup text as a reader sees it: tags (and comments) replaced by `joiner`, character
/// references decoded. Attribute values (alt text, titles) are kept as text.
pub fn without_markup(s: &str, joiner: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_references(&rest[..lt]));
        let tag = &rest[lt..];
        let end = if tag.starts_with("<!--") {
            tag.find("-->").map_or(tag.len(), |e| e + 3)
        } else {
            tag.find('>').map_or(tag.len(), |e| e + 1)
        };
        // Quoted attribute values are text a reader may see (alt, title, aria-label).
        for value in tag[..end].split(['"', '\'']).skip(1).step_by(2) {
            out.push(' ');
            out.push_str(&decode_references(value));
            out.push(' ');
        }
        out.push_str(joiner);
        rest = &tag[end..];
    }
    out.push_str(&decode_references(rest));
    out
}

/// Decodes `&#NN;`, `&#xHH;` and the common named references (a space for `&nbsp;` and
/// friends, so a name joined by one is still two words).
pub(super) fn decode_references(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail[..tail.len().min(40)].find(';');
        let decoded = end.and_then(|e| {
            let body = &tail[1..e];
            let c = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = body.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match body {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" | "ensp" | "emsp" | "thinsp" | "NonBreakingSpace" => Some(' '),
                    "shy" | "ZeroWidthSpace" | "zwj" | "zwnj" => Some('\u{ad}'),
                    "hyphen" | "dash" => Some('-'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                if c != '\u{ad}' {
                    out.push(c);
                }
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_json_are_read_as_text() {
        assert_eq!(
            without_markup("Zorblax&nbsp;<b>Quimby</b>", " ")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Zorblax", "Quimby"]
        );
        assert_eq!(
            without_markup("Zor<i></i>blax Q&#117;imby", ""),
            "Zorblax Quimby"
        );
        assert!(without_markup("<img alt=\"Zorblax Quimby\">", " ").contains("Zorblax Quimby"));
        let texts = of(
            "static/a.json",
            "a.json",
            br#"{"name": "Zorblax\u0020Quimby"}"#,
        );
        assert!(texts.iter().any(|t| t.text.contains("Zorblax Quimby")));
        assert_eq!(decode(b"\xFF\xFEa\0b\0").as_deref(), Some("ab"));
        assert_eq!(decode(b"a\0b"), None);
    }
}
