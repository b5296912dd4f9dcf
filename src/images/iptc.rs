//! IPTC-IIM records and the Photoshop image resources that carry them.

use super::*;

pub(super) fn iptc_kind(dataset: u8) -> Option<(bool, &'static str)> {
    // (is location, name)
    Some(match dataset {
        5 => (false, "IPTC 2:05 Object name"),
        25 => (false, "IPTC 2:25 Keywords"),
        26 => (true, "IPTC 2:26 Content location code"),
        27 => (true, "IPTC 2:27 Content location name"),
        80 => (false, "IPTC 2:80 By-line"),
        85 => (false, "IPTC 2:85 By-line title"),
        90 => (true, "IPTC 2:90 City"),
        92 => (true, "IPTC 2:92 Sub-location"),
        95 => (true, "IPTC 2:95 Province/State"),
        100 => (true, "IPTC 2:100 Country code"),
        101 => (true, "IPTC 2:101 Country name"),
        105 => (false, "IPTC 2:105 Headline"),
        120 => (false, "IPTC 2:120 Caption"),
        122 => (false, "IPTC 2:122 Writer/Editor"),
        _ => return None,
    })
}

/// Reads IPTC-IIM records (0x1C, record, dataset, length, data).
pub(super) fn read_iptc(data: &[u8], found: &mut Found) {
    found.block("IPTC");
    let mut i = 0;
    while i + 5 <= data.len() {
        if data[i] != 0x1C {
            // Padding after the last record.
            break;
        }
        let (record, dataset) = (data[i + 1], data[i + 2]);
        let Some(mut len) = be16(data, i + 3).map(usize::from) else {
            break;
        };
        i += 5;
        if len & 0x8000 != 0 {
            // Extended length: the low bits give how many bytes hold the length.
            let n = len & 0x7FFF;
            let Some(bytes) = data.get(i..i + n).filter(|_| n <= 4) else {
                break;
            };
            len = bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            i += n;
        }
        let Some(value) = data.get(i..i.saturating_add(len)) else {
            found.location(
                "IPTC",
                "(unreadable)",
                "an IPTC record is cut short; it may hold a location",
            );
            break;
        };
        i += len;
        if record == 2 {
            if let Some((is_location, name)) = iptc_kind(dataset) {
                let value = decode_text(value);
                if is_location {
                    found.location("IPTC", name, value);
                } else {
                    found.text("IPTC", name, value);
                }
            }
        }
    }
}

/// Reads Photoshop image resource blocks ("8BIM", id, Pascal name, size, data): IPTC (0x0404),
/// XMP (0x0424) and EXIF (0x0422, 0x0423) inside them.
pub(super) fn read_irb(data: &[u8], found: &mut Found) {
    found.block("Photoshop");
    let data = data.strip_prefix(b"Photoshop 3.0\0").unwrap_or(data);
    let mut i = 0;
    while i + 12 <= data.len() {
        let signature = &data[i..i + 4];
        if !matches!(signature, b"8BIM" | b"PHUT" | b"AgHg" | b"DCSR" | b"MeSa") {
            break;
        }
        let Some(id) = be16(data, i + 4) else { break };
        let name_len = usize::from(data[i + 6]);
        // The Pascal name, with its length byte, is padded to an even size.
        let mut at = i + 6 + ((1 + name_len + 1) & !1);
        let Some(size) = be32(data, at).map(|s| s as usize) else {
            break;
        };
        at += 4;
        let Some(body) = data.get(at..at.saturating_add(size)) else {
            found.location(
                "IPTC",
                "(unreadable)",
                "a Photoshop resource block is cut short; it may hold a location",
            );
            break;
        };
        match id {
            0x0404 => read_iptc(body, found),
            0x0424 => read_xmp(body, found),
            0x0422 | 0x0423 => read_exif(body, found, ExifRole::Embedded),
            _ => {}
        }
        i = at + size + (size & 1);
    }
}
