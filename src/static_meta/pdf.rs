//! PDF: the document information dictionary (`/Author`, `/Title`, `/Subject`, `/Keywords`,
//! `/Creator`, `/Producer`), annotations' authors and comments (`/T`, `/Contents`), custom
//! keys that tell a place, and XMP metadata packets, including those inside compressed
//! object and metadata streams. Names are compared after `#xx` escapes are decoded, so
//! `/Au#74hor` is `/Author`.

use super::DocumentMeta;

/// The most bytes inflated from a PDF's compressed streams, and the most streams looked at.
const INFLATE_BUDGET: usize = 64 << 20;
const MAX_STREAMS: usize = 20_000;

pub(super) fn read(b: &[u8]) -> DocumentMeta {
    let mut meta = DocumentMeta::default();
    let mut parts: Vec<std::borrow::Cow<'_, [u8]>> = vec![b.into()];
    let mut budget = INFLATE_BUDGET;
    for (dict, data) in streams(b).take(MAX_STREAMS) {
        let wanted =
            contains(dict, b"/ObjStm") || contains(dict, b"/Metadata") || contains(dict, b"/XML");
        if !wanted {
            continue;
        }
        if !contains(dict, b"/FlateDecode") && !contains(dict, b"/Fl") {
            parts.push(data.into());
            continue;
        }
        match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, budget) {
            Ok(inflated) => {
                budget -= inflated.len();
                parts.push(inflated.into());
            }
            Err(_) => {
                meta.unreadable = Some("a compressed part of it can't be read".into());
            }
        }
        if budget == 0 {
            break;
        }
    }
    for part in &parts {
        read_names(part, &mut meta);
        let xmp = crate::images::xmp_in(part);
        for f in xmp.location {
            meta.location.push((format!("XMP {}", f.name), f.value));
        }
        for f in xmp.text {
            if f.name.starts_with("dc:creator") {
                meta.authors.push((format!("XMP {}", f.name), f.value));
            } else {
                meta.text.push((format!("XMP {}", f.name), f.value));
            }
        }
    }
    meta
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    memchr::memmem::find(h, n).is_some()
}

/// Each stream's dictionary (the bytes since the object began) and its raw data.
fn streams(b: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let rel = memchr::memmem::find(&b[at..], b"stream")?;
            let start = at + rel;
            at = start + 6;
            // `endstream` also contains `stream`.
            if start >= 3 && &b[start - 3..start] == b"end" {
                continue;
            }
            let mut data_start = start + 6;
            if b.get(data_start) == Some(&b'\r') {
                data_start += 1;
            }
            if b.get(data_start) == Some(&b'\n') {
                data_start += 1;
            } else if b.get(data_start - 1) != Some(&b'\r') {
                continue;
            }
            let dict_from = b[start.saturating_sub(4096)..start]
                .windows(3)
                .rposition(|w| w == b"obj")
                .map_or(start.saturating_sub(4096), |p| {
                    start.saturating_sub(4096) + p
                });
            let end = memchr::memmem::find(&b[data_start..], b"endstream")
                .map_or(b.len(), |e| data_start + e);
            at = end;
            return Some((&b[dict_from..start], &b[data_start..end]));
        }
    })
}

fn is_delimiter(c: u8) -> bool {
    c.is_ascii_whitespace() || b"()<>[]{}/%".contains(&c) || c == 0
}

/// Walks every `/Name` of the bytes; the string after a wanted one is recorded.
fn read_names(b: &[u8], meta: &mut DocumentMeta) {
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'/', &b[i..]) {
        let start = i + p + 1;
        let mut end = start;
        while end < b.len() && !is_delimiter(b[end]) && end - start < 128 {
            end += 1;
        }
        i = end.max(start);
        let name = decode_name(&b[start..end]);
        if name == "Encrypt" {
            meta.unreadable = Some("it is encrypted".into());
            continue;
        }
        let kind = match name.as_str() {
            "Author" => Some(Slot::Author),
            "Title" | "Subject" | "Keywords" | "Creator" | "Producer" | "T" | "Contents"
            | "Company" | "Manager" => Some(Slot::Text),
            n if is_place(n) => Some(Slot::Location),
            _ => None,
        };
        let Some(kind) = kind else { continue };
        let Some((value, next)) = string_at(b, end) else {
            continue;
        };
        i = next;
        let value = value.trim().to_string();
        if value.is_empty() {
            continue;
        }
        let field = format!("/{name}");
        match kind {
            Slot::Author => meta.authors.push((field, value)),
            Slot::Text => meta.text.push((field, value)),
            Slot::Location => meta.location.push((field, value)),
        }
    }
}

enum Slot {
    Author,
    Text,
    Location,
}

fn is_place(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("gps")
        || ["latitude", "longitude", "location", "geo"]
            .iter()
            .any(|w| lower.contains(w))
}

/// `Au#74hor` → `Author`.
fn decode_name(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' {
            if let Some(v) = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The literal `( … )` or hex `< … >` string starting after whitespace at `i`, decoded, and
/// where it ends.
fn string_at(b: &[u8], mut i: usize) -> Option<(String, usize)> {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    match b.get(i)? {
        b'(' => {
            let mut out = Vec::new();
            let mut depth = 1;
            i += 1;
            while i < b.len() && out.len() < 1 << 20 {
                let c = b[i];
                i += 1;
                match c {
                    b'\\' => {
                        let Some(&e) = b.get(i) else { break };
                        i += 1;
                        match e {
                            b'n' => out.push(b'\n'),
                            b'r' => out.push(b'\r'),
                            b't' => out.push(b'\t'),
                            b'b' => out.push(8),
                            b'f' => out.push(12),
                            b'\r' | b'\n' => {}
                            b'0'..=b'7' => {
                                let mut v = u32::from(e - b'0');
                                for _ in 0..2 {
                                    match b.get(i) {
                                        Some(d @ b'0'..=b'7') => {
                                            v = v * 8 + u32::from(d - b'0');
                                            i += 1;
                                        }
                                        _ => break,
                                    }
                                }
                                out.push(v as u8);
                            }
                            other => out.push(other),
                        }
                    }
                    b'(' => {
                        depth += 1;
                        out.push(c);
                    }
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                        out.push(c);
                    }
                    _ => out.push(c),
                }
            }
            Some((text_string(&out), i))
        }
        b'<' if b.get(i + 1) != Some(&b'<') => {
            let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e);
            let digits: Vec<u8> = b[i + 1..end]
                .iter()
                .copied()
                .filter(u8::is_ascii_hexdigit)
                .collect();
            let bytes: Vec<u8> = digits
                .chunks(2)
                .map(|p| {
                    let hi = (p[0] as char).to_digit(16).unwrap_or(0);
                    let lo = p
                        .get(1)
                        .and_then(|c| (*c as char).to_digit(16))
                        .unwrap_or(0);
                    (hi * 16 + lo) as u8
                })
                .collect();
            Some((text_string(&bytes), end + 1))
        }
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one, or PDFDocEncoding
/// (read as Latin-1, which it matches for letters).
fn text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units = rest
            .chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]));
        return char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{fffd}'))
            .collect();
    }
    if let Some(rest) = b.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    b.iter().map(|&c| c as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_found_however_spelled() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Au#74hor (Zorblax \\(Q\\) Quimby) /Title <FEFF0041> /GPSLatitude (51.5) >>\nendobj\n";
        let meta = read(pdf);
        assert_eq!(
            meta.authors,
            [("/Author".to_string(), "Zorblax (Q) Quimby".to_string())]
        );
        assert_eq!(meta.text, [("/Title".to_string(), "A".to_string())]);
        assert_eq!(meta.location.len(), 1);
        let clean = read(b"%PDF-1.7\n1 0 obj << /Producer (Typst) /Author () >> endobj");
        assert!(clean.authors.is_empty() && clean.location.is_empty());
    }

    #[test]
    fn compressed_object_streams_are_read() {
        let inner = b"<< /Author (Zorblax Quimby) >>";
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(inner, 6);
        let mut pdf =
            b"%PDF-1.5\n3 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length 9 >>\nstream\n"
                .to_vec();
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert_eq!(read(&pdf).authors.len(), 1);
    }
}
