//! JPEG: its segments walked (data between scans and after the image included), read and stripped.

use super::*;

pub(super) const SOS: u8 = 0xDA;
pub(super) const EOI: u8 = 0xD9;
pub(super) const COM: u8 = 0xFE;
pub(super) const APP0: u8 = 0xE0;
pub(super) const APP1: u8 = 0xE1;
pub(super) const APP2: u8 = 0xE2;
pub(super) const APP13: u8 = 0xED;
pub(super) const APP14: u8 = 0xEE;

pub(super) const XMP_SIGNATURE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
pub(super) const XMP_EXTENSION_SIGNATURE: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
pub(super) const ICC_SIGNATURE: &[u8] = b"ICC_PROFILE\0";

pub(super) struct JpegSegment {
    pub(super) marker: u8,
    /// The segment's data after the length field (empty for markers without one).
    pub(super) payload: Range<usize>,
    /// The whole segment from its 0xFF, including the entropy-coded data after an SOS header.
    pub(super) whole: Range<usize>,
}

pub(super) struct JpegFile {
    pub(super) segments: Vec<JpegSegment>,
    /// Just after the EOI marker.
    pub(super) end: usize,
}

/// Walks a JPEG's segments from SOI to EOI, stepping over the entropy-coded data of each scan.
pub(super) fn parse_jpeg(b: &[u8]) -> Result<JpegFile, ImageError> {
    const F: Format = Format::Jpeg;
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(malformed(
            F,
            "it doesn't start with a JPEG start-of-image marker",
        ));
    }
    let n = b.len();
    let mut segments = Vec::new();
    let mut i = 2;
    loop {
        // Stray bytes between segments are skipped, as decoders do.
        while i < n && b[i] != 0xFF {
            i += 1;
        }
        while i < n && b[i] == 0xFF {
            i += 1;
        }
        if i >= n {
            return Err(ImageError::Truncated { format: F });
        }
        let marker = b[i];
        let start = i - 1;
        i += 1;
        match marker {
            EOI => return Ok(JpegFile { segments, end: i }),
            0xD8 => return Err(malformed(F, "a second start-of-image marker")),
            0x00 => continue,
            0x01 | 0xD0..=0xD7 => {
                segments.push(JpegSegment {
                    marker,
                    payload: i..i,
                    whole: start..i,
                });
                continue;
            }
            _ => {}
        }
        let len = usize::from(be16(b, i).ok_or(ImageError::Truncated { format: F })?);
        if len < 2 {
            return Err(malformed(
                F,
                format!("a segment (marker 0x{marker:02X}) has an impossible length"),
            ));
        }
        let payload = i + 2..i + len;
        if payload.end > n {
            return Err(ImageError::Truncated { format: F });
        }
        i = payload.end;
        if marker == SOS {
            // Entropy-coded data runs to the next marker that isn't a stuffed 0xFF00 or a restart.
            loop {
                let ff = b[i..]
                    .iter()
                    .position(|&c| c == 0xFF)
                    .map(|p| i + p)
                    .ok_or(ImageError::Truncated { format: F })?;
                match b.get(ff + 1) {
                    None => return Err(ImageError::Truncated { format: F }),
                    Some(0x00 | 0xD0..=0xD7) => i = ff + 2,
                    Some(0xFF) => i = ff + 1,
                    Some(_) => {
                        i = ff;
                        break;
                    }
                }
            }
        }
        segments.push(JpegSegment {
            marker,
            payload,
            whole: start..i,
        });
    }
}

pub(super) const APP_NAMES: [&str; 16] = [
    "APP0", "APP1", "APP2", "APP3", "APP4", "APP5", "APP6", "APP7", "APP8", "APP9", "APP10",
    "APP11", "APP12", "APP13", "APP14", "APP15",
];

/// Whether a JPEG segment is kept by [`strip`]: only what decoding needs (frame headers
/// SOF0–SOF15, Huffman and quantisation tables, arithmetic-coding conditioning, scans,
/// restart intervals and markers, DNL, hierarchical DHP/EXP) and JFIF, the ICC profile and
/// Adobe colour. Everything else (other APPn, comments, the reserved JPGn and 0x02–0xBF
/// markers, which decoders skip and could carry anything) is dropped.
pub(super) fn jpeg_keeps(marker: u8, payload: &[u8]) -> bool {
    match marker {
        APP0 => payload.starts_with(b"JFIF\0"),
        APP2 => payload.starts_with(ICC_SIGNATURE),
        APP14 => payload.starts_with(b"Adobe"),
        0xC8 => false,
        0xC0..=0xCF | 0xD0..=0xD7 | 0xDA..=0xDF => true,
        _ => false,
    }
}

/// The most text read from one segment PolicyPress does not know, for the name check.
pub(super) const UNKNOWN_TEXT_LIMIT: usize = 64 << 10;

pub(super) fn read_jpeg(b: &[u8], found: &mut Found, depth: u8) -> Result<(), ImageError> {
    let file = parse_jpeg(b)?;
    // Extended XMP parts by GUID, each part as (offset, data).
    type Parts<'a> = Vec<(u32, &'a [u8])>;
    let mut extended_xmp: Vec<([u8; 32], Parts<'_>)> = Vec::new();
    for segment in &file.segments {
        let p = &b[segment.payload.clone()];
        match segment.marker {
            APP1 if p.starts_with(b"Exif\0") => {
                read_exif(&p[6.min(p.len())..], found, ExifRole::Embedded)
            }
            APP1 if p.starts_with(XMP_SIGNATURE) => read_xmp(&p[XMP_SIGNATURE.len()..], found),
            APP1 if p.starts_with(XMP_EXTENSION_SIGNATURE) => {
                found.block("XMP");
                let p = &p[XMP_EXTENSION_SIGNATURE.len()..];
                if let (Some(guid), Some(offset), Some(data)) = (
                    p.get(..32).and_then(|g| <[u8; 32]>::try_from(g).ok()),
                    be32(p, 36),
                    p.get(40..),
                ) {
                    match extended_xmp.iter_mut().find(|(g, _)| *g == guid) {
                        Some((_, parts)) => parts.push((offset, data)),
                        None => extended_xmp.push((guid, vec![(offset, data)])),
                    }
                }
            }
            APP13 if p.starts_with(b"Photoshop 3.0\0") => read_irb(p, found),
            COM => {
                found.block("JPEG COM");
                found.text("JPEG COM", "Comment", decode_text(p));
            }
            APP0 if p.starts_with(b"JFIF\0") && p.get(12..14).is_some_and(|t| t != [0, 0]) => {
                found.block("JFIF thumbnail");
            }
            APP2 if p.starts_with(b"MPF\0") => found.block("MPF"),
            marker @ 0xE0..=0xEF if !jpeg_keeps(marker, p) => {
                let name = APP_NAMES[usize::from(marker - 0xE0)];
                found.block(name);
                // A segment this module doesn't read may still hold text (a caption, a name).
                found.text(
                    "JPEG",
                    name,
                    decode_text(&p[..p.len().min(UNKNOWN_TEXT_LIMIT)]),
                );
            }
            marker if !jpeg_keeps(marker, p) => {
                found.block("reserved JPEG segment");
                found.text(
                    "JPEG",
                    format!("segment 0x{marker:02X}"),
                    decode_text(&p[..p.len().min(UNKNOWN_TEXT_LIMIT)]),
                );
            }
            _ => {}
        }
    }
    for (_, mut parts) in extended_xmp {
        parts.sort_by_key(|(offset, _)| *offset);
        let joined: Vec<u8> = parts
            .into_iter()
            .flat_map(|(_, d)| d.iter().copied())
            .collect();
        read_xmp(&joined, found);
    }
    // Data after the end of the image: multi-picture (MPF) secondary images, maker trailers.
    let trailer = &b[file.end..];
    if trailer.iter().any(|&c| c != 0) {
        found.block("trailing data");
        if depth < 2 {
            let was_secondary = std::mem::replace(&mut found.secondary, true);
            let mut at = 0;
            for _ in 0..16 {
                let Some(start) = find(&trailer[at..], &[0xFF, 0xD8, 0xFF]).map(|s| at + s) else {
                    break;
                };
                let _ = read_jpeg(&trailer[start..], found, depth + 1);
                at = start + 3;
            }
            found.secondary = was_secondary;
        }
    }
    Ok(())
}

pub(super) fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, ImageError> {
    let orientation = kept_orientation(&read_metadata(Format::Jpeg, b)?);
    let file = parse_jpeg(b)?;
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut pending = orientation.map(|o| {
        let exif = orientation_exif(o);
        let mut segment = vec![0xFF, APP1];
        segment.extend_from_slice(&((2 + 6 + exif.len()) as u16).to_be_bytes());
        segment.extend_from_slice(b"Exif\0\0");
        segment.extend_from_slice(&exif);
        segment
    });
    for segment in &file.segments {
        let payload = &b[segment.payload.clone()];
        let is_jfif = segment.marker == APP0 && payload.starts_with(b"JFIF\0");
        // The orientation block goes after a JFIF header, before everything else.
        if !is_jfif {
            if let Some(exif) = pending.take() {
                out.extend_from_slice(&exif);
            }
        }
        if !jpeg_keeps(segment.marker, payload) {
            continue;
        }
        if is_jfif && payload.len() >= 14 && payload[12..14] != [0, 0] {
            // Drop the JFIF thumbnail: a small copy of the picture that could show more of it.
            let mut header = payload[..14].to_vec();
            header[12] = 0;
            header[13] = 0;
            out.extend_from_slice(&[0xFF, APP0]);
            out.extend_from_slice(&(16u16).to_be_bytes());
            out.extend_from_slice(&header);
        } else {
            out.extend_from_slice(&b[segment.whole.clone()]);
        }
    }
    if let Some(exif) = pending {
        out.extend_from_slice(&exif);
    }
    out.extend_from_slice(&[0xFF, EOI]);
    Ok(out)
}
