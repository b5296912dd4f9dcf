//! PNG: its chunks (through img-parts), text chunks and embedded profiles read, and stripped.

use super::*;

/// Ancillary PNG chunks [`strip`] keeps: colour, transparency, physical size, animation.
pub(super) const PNG_KEPT_ANCILLARY: &[&[u8; 4]] = &[
    b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"mDCv", b"cLLI",
    b"cLLi", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
];

pub(super) fn png_keeps(kind: [u8; 4]) -> bool {
    // Critical chunks (upper-case first letter) are image data; never touch them.
    kind[0].is_ascii_uppercase() || PNG_KEPT_ANCILLARY.iter().any(|k| **k == kind)
}

pub(super) fn img_parts_error(format: Format, e: img_parts::Error) -> ImageError {
    match e {
        img_parts::Error::Truncated => ImageError::Truncated { format },
        other => malformed(format, other.to_string()),
    }
}

pub(super) fn parse_png(b: &[u8]) -> Result<Png, ImageError> {
    const F: Format = Format::Png;
    let png = Png::from_bytes(Bytes::copy_from_slice(b)).map_err(|e| img_parts_error(F, e))?;
    if png.chunks().first().map(PngChunk::kind) != Some(*b"IHDR") {
        return Err(malformed(F, "the first chunk isn't IHDR"));
    }
    if png.chunks().last().map(PngChunk::kind) != Some(*b"IEND") {
        return Err(ImageError::Truncated { format: F });
    }
    Ok(png)
}

pub(super) const ZLIB_LIMIT: usize = 16 << 20;

pub(super) fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, ZLIB_LIMIT).ok()
}

pub(super) fn split_nul(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = b.iter().position(|&c| c == 0)?;
    Some((&b[..nul], &b[nul + 1..]))
}

/// The text of a PNG tEXt, zTXt or iTXt chunk as (keyword, text); None if it can't be read.
pub(super) fn png_text(kind: [u8; 4], data: &[u8]) -> Option<(String, Vec<u8>)> {
    let (keyword, rest) = split_nul(data)?;
    let keyword = decode_text(keyword);
    let text = match &kind {
        b"tEXt" => rest.to_vec(),
        b"zTXt" => inflate(rest.get(1..)?)?,
        _ => {
            let (&compressed, rest) = rest.split_first()?;
            let rest = rest.get(1..)?; // compression method
            let (_language, rest) = split_nul(rest)?;
            let (_translated, text) = split_nul(rest)?;
            if compressed == 1 {
                inflate(text)?
            } else {
                text.to_vec()
            }
        }
    };
    Some((keyword, text))
}

/// Decodes ImageMagick's "Raw profile type ..." text: "\n<type>\n<length>\n<hex digits>".
pub(super) fn decode_raw_profile(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let mut lines = text.trim_start().splitn(3, '\n');
    let _kind = lines.next()?;
    let len: usize = lines.next()?.trim().parse().ok()?;
    let digits: Vec<u8> = lines
        .next()?
        .bytes()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes: Option<Vec<u8>> = digits
        .chunks(2)
        .take(len)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    bytes.filter(|b| b.len() == len)
}

/// Reads a block of unknown kind found in a text chunk: EXIF, XMP or Photoshop/IPTC.
pub(super) fn read_embedded_block(data: &[u8], found: &mut Found) -> bool {
    let body = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
    if body.starts_with(b"II*\0") || body.starts_with(b"MM\0*") {
        read_exif(body, found, ExifRole::Embedded);
    } else if find(data, b"<x:xmpmeta").is_some() || find(data, b"<rdf:RDF").is_some() {
        read_xmp(data, found);
    } else if data.starts_with(b"Photoshop 3.0\0") || data.starts_with(b"8BIM") {
        read_irb(data, found);
    } else if data.first() == Some(&0x1C) {
        read_iptc(data, found);
    } else {
        return false;
    }
    true
}

pub(super) const LOCATION_WORDS: &[&str] = &[
    "gps",
    "latitude",
    "longitude",
    "location",
    "city",
    "country",
    "geo",
    "address",
    "postcode",
];
pub(super) const TEXT_WORDS: &[&str] = &[
    "title",
    "author",
    "description",
    "comment",
    "caption",
    "artist",
    "subject",
    "keyword",
    "creator",
    "person",
    "name",
    "headline",
    "label",
];

pub(super) fn read_png_text(
    container: &'static str,
    keyword: &str,
    text: &[u8],
    found: &mut Found,
) {
    if keyword == "XML:com.adobe.xmp" {
        read_xmp(text, found);
        return;
    }
    found.block(container);
    let lower = keyword.to_ascii_lowercase();
    if let Some(kind) = lower.strip_prefix("raw profile type ") {
        let decoded = decode_raw_profile(text);
        let read = decoded
            .as_deref()
            .is_some_and(|d| read_embedded_block(d, found));
        if !read && matches!(kind, "exif" | "app1" | "xmp" | "iptc" | "8bim") {
            found.location(
                container,
                keyword,
                "this profile can't be read; it may hold a location",
            );
        }
    } else if LOCATION_WORDS.iter().any(|w| lower.contains(w)) {
        found.location(container, keyword, decode_text(text));
    } else if TEXT_WORDS.iter().any(|w| lower.contains(w)) {
        found.text(container, keyword, decode_text(text));
    }
}

pub(super) fn read_png(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
    let png = parse_png(b)?;
    for chunk in png.chunks() {
        let kind = chunk.kind();
        let data = chunk.contents();
        match &kind {
            b"eXIf" => read_exif(data, found, ExifRole::Embedded),
            b"tEXt" | b"zTXt" | b"iTXt" => {
                let container = match &kind {
                    b"tEXt" => "PNG tEXt",
                    b"zTXt" => "PNG zTXt",
                    _ => "PNG iTXt",
                };
                match png_text(kind, data) {
                    Some((keyword, text)) => read_png_text(container, &keyword, &text, found),
                    None => {
                        found.block(container);
                        found.location(
                            container,
                            "(unreadable)",
                            "a text chunk can't be read; it may hold a location",
                        );
                    }
                }
            }
            b"tIME" => found.block("PNG tIME"),
            _ if !png_keeps(kind) => found.block("PNG private chunk"),
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn strip_png(b: &[u8]) -> Result<Vec<u8>, ImageError> {
    let orientation = kept_orientation(&read_metadata(Format::Png, b)?);
    let mut png = parse_png(b)?;
    png.chunks_mut().retain(|c| png_keeps(c.kind()));
    if let Some(o) = orientation {
        // eXIf must come before the image data; right after IHDR is always allowed.
        png.chunks_mut()
            .insert(1, PngChunk::new(*b"eXIf", Bytes::from(orientation_exif(o))));
    }
    Ok(png.encoder().bytes().to_vec())
}
