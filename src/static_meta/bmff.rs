//! MP4, MOV, M4A and 3GP (ISO base media): the boxes that carry metadata. `©xyz` (where a
//! phone took the video), 3GPP `loci`, QuickTime `keys`/`ilst` entries such as
//! `com.apple.quicktime.location.ISO6709` and `…author`, `©aut`/`©ART`/`auth`/`perf`
//! (authors), titles, descriptions and comments, and XMP (`uuid` and `XMP_` boxes). The media
//! data itself (`mdat`) is never read.

use super::DocumentMeta;

const XMP_UUID: [u8; 16] = [
    0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
];
const MAX_BOXES: usize = 100_000;
const MAX_DEPTH: u8 = 12;

/// Whether the file is ISO base media: its first box is one a movie starts with.
pub(super) fn is_media(b: &[u8]) -> bool {
    let Some(kind) = b.get(4..8) else {
        return false;
    };
    let size = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (size == 1 || size == 0 || size >= 8)
        && [
            &b"ftyp"[..],
            b"moov",
            b"mdat",
            b"free",
            b"skip",
            b"wide",
            b"pnot",
        ]
        .contains(&kind)
}

struct Walker {
    boxes: usize,
    /// `keys` entries of the current `meta`, by 1-based index.
    keys: Vec<String>,
    meta: DocumentMeta,
}

pub(super) fn read(b: &[u8]) -> DocumentMeta {
    let mut w = Walker {
        boxes: 0,
        keys: Vec::new(),
        meta: DocumentMeta::default(),
    };
    w.walk(b, 0, "");
    if w.boxes >= MAX_BOXES {
        w.meta.unreadable = Some("it has too many parts to check".into());
    }
    w.meta
}

/// Each box of `b`: (type, payload).
fn boxes(b: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        let size = u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?) as u64;
        let kind: [u8; 4] = b.get(i + 4..i + 8)?.try_into().ok()?;
        let (header, size) = match size {
            0 => (8, (b.len() - i) as u64),
            1 => (
                16,
                u64::from_be_bytes(b.get(i + 8..i + 16)?.try_into().ok()?),
            ),
            n => (8, n),
        };
        let end = i.checked_add(usize::try_from(size).ok()?)?.min(b.len());
        if size < header as u64 || i + header > end {
            return None;
        }
        let payload = &b[i + header..end];
        i = end;
        Some((kind, payload))
    })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .trim()
        .to_string()
}

fn is_author(kind: &str) -> bool {
    matches!(
        kind,
        "©aut" | "©ART" | "©wrt" | "©dir" | "©prd" | "©swr" | "auth" | "perf" | "aART"
    ) || ["author", "artist", "creator", "displayname", "owner"]
        .iter()
        .any(|w| kind.to_ascii_lowercase().ends_with(w))
}

fn is_place(kind: &str) -> bool {
    kind == "©xyz" || kind == "loci" || kind.to_ascii_lowercase().contains("location")
}

fn name_of(kind: [u8; 4]) -> String {
    if kind[0] == 0xA9 {
        format!("©{}", String::from_utf8_lossy(&kind[1..]))
    } else {
        String::from_utf8_lossy(&kind).into_owned()
    }
}

impl Walker {
    fn record(&mut self, field: String, value: String) {
        if value.is_empty() && !is_place(&field) {
            return;
        }
        if is_place(&field) {
            self.meta.location.push((field, value));
        } else if is_author(&field) {
            self.meta.authors.push((field, value));
        } else {
            self.meta.text.push((field, value));
        }
    }

    fn xmp(&mut self, b: &[u8]) {
        let xmp = crate::images::xmp_in(b);
        for f in xmp.location {
            self.meta
                .location
                .push((format!("XMP {}", f.name), f.value));
        }
        for f in xmp.text {
            let list = if f.name.starts_with("dc:creator") {
                &mut self.meta.authors
            } else {
                &mut self.meta.text
            };
            list.push((format!("XMP {}", f.name), f.value));
        }
    }

    fn walk(&mut self, b: &[u8], depth: u8, parent: &str) {
        if depth > MAX_DEPTH {
            return;
        }
        for (kind, p) in boxes(b) {
            self.boxes += 1;
            if self.boxes >= MAX_BOXES {
                return;
            }
            let name = name_of(kind);
            match &kind {
                b"moov" | b"trak" | b"mdia" | b"minf" | b"udta" | b"moof" | b"traf" | b"edts" => {
                    self.walk(p, depth + 1, &name)
                }
                b"meta" => {
                    // ISO `meta` is a full box (4 bytes of version and flags); QuickTime's isn't.
                    let body = if p.get(4..8) == Some(&b"hdlr"[..]) {
                        p
                    } else {
                        p.get(4..).unwrap_or(&[])
                    };
                    let saved = std::mem::take(&mut self.keys);
                    self.walk(body, depth + 1, "meta");
                    self.keys = saved;
                }
                b"keys" => {
                    self.keys = boxes(p.get(8..).unwrap_or(&[]))
                        .take(10_000)
                        .map(|(ns, key)| format!("{}:{}", String::from_utf8_lossy(&ns), text(key)))
                        .collect();
                }
                b"ilst" => {
                    for (item, ip) in boxes(p) {
                        self.boxes += 1;
                        let index = u32::from_be_bytes(item) as usize;
                        let field = match self.keys.get(index.wrapping_sub(1)) {
                            Some(key) => key.clone(),
                            None => name_of(item),
                        };
                        let mut value = String::new();
                        for (dk, dp) in boxes(ip) {
                            if &dk == b"data" {
                                value.push_str(&text(dp.get(8..).unwrap_or(&[])));
                            }
                        }
                        self.record(field, value);
                    }
                }
                b"uuid" if p.get(..16) == Some(&XMP_UUID[..]) => self.xmp(&p[16..]),
                b"XMP_" => self.xmp(p),
                b"loci" => self.record("loci".into(), text(p.get(6..).unwrap_or(&[]))),
                b"titl" | b"dscp" | b"cprt" | b"perf" | b"auth" | b"gnre" | b"albm" | b"kywd"
                | b"clsf" => {
                    // 3GPP strings: version and flags, a language, then the text.
                    self.record(name, text(p.get(6..).unwrap_or(&[])))
                }
                [0xA9, ..] if parent == "udta" => {
                    // QuickTime user data text: a 2-byte length, a language, then the text.
                    self.record(name, text(p.get(4..).unwrap_or(&[])))
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mp4_box(kind: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn location_and_author_boxes_are_found() {
        let mut xyz = vec![0, 18, 0x15, 0xC7];
        xyz.extend_from_slice(b"+51.5074-000.1278/");
        let mut aut = vec![0, 14, 0x15, 0xC7];
        aut.extend_from_slice(b"Zorblax Quimby");
        let udta = [mp4_box(b"\xA9xyz", &xyz), mp4_box(b"\xA9aut", &aut)].concat();
        let file = [
            mp4_box(b"ftyp", b"isom\0\0\0\0isom"),
            mp4_box(b"moov", &mp4_box(b"udta", &udta)),
        ]
        .concat();
        assert!(is_media(&file));
        let meta = read(&file);
        assert_eq!(meta.location.len(), 1, "{meta:?}");
        assert_eq!(
            meta.authors,
            [("©aut".to_string(), "Zorblax Quimby".to_string())]
        );
    }
}
