//! Formats whose metadata is read but never stripped: TIFF, HEIF/AVIF, GIF and SVG.

use super::*;

pub(super) fn read_tiff(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
    let exif = match exif::Reader::new()
        .continue_on_error(true)
        .read_raw(b.to_vec())
    {
        Ok(exif) => exif,
        Err(exif::Error::PartialResult(partial)) => {
            let (exif, errors) = partial.into_inner();
            if let Some(error) = errors.first() {
                found.location(
                    "EXIF",
                    "(unreadable part)",
                    format!("part of the TIFF can't be read ({error}); it may hold a location"),
                );
            }
            exif
        }
        Err(error) => return Err(malformed(Format::Tiff, error.to_string())),
    };
    read_exif_fields(&exif, found, ExifRole::TiffFile);
    Ok(())
}

/// Checks that a HEIF file's top-level boxes fit the file exactly.
pub(super) fn check_boxes(b: &[u8]) -> Result<(), ImageError> {
    const F: Format = Format::Heif;
    let mut i = 0usize;
    let mut boxes = 0;
    while i < b.len() {
        let size = be32(b, i).ok_or(ImageError::Truncated { format: F })? as usize;
        let size = match size {
            0 => b.len() - i,
            1 => {
                let high = u64::from(be32(b, i + 8).ok_or(ImageError::Truncated { format: F })?);
                let low = u64::from(be32(b, i + 12).ok_or(ImageError::Truncated { format: F })?);
                usize::try_from((high << 32) | low)
                    .map_err(|_| malformed(F, "a box is too large"))?
            }
            n => n,
        };
        if size < 8 {
            return Err(malformed(F, "a box has an impossible size"));
        }
        i = i
            .checked_add(size)
            .ok_or_else(|| malformed(F, "a box is too large"))?;
        boxes += 1;
    }
    if i > b.len() {
        return Err(ImageError::Truncated { format: F });
    }
    if boxes < 2 {
        return Err(ImageError::Truncated { format: F });
    }
    Ok(())
}

pub(super) fn read_heif(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
    const F: Format = Format::Heif;
    if !is_heif(b) {
        return Err(malformed(F, "it doesn't start with a HEIF file-type box"));
    }
    check_boxes(b)?;
    let mut cursor = std::io::Cursor::new(b);
    match exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut cursor)
    {
        Ok(exif) => read_exif_fields(&exif, found, ExifRole::Embedded),
        Err(exif::Error::PartialResult(partial)) => {
            let (exif, errors) = partial.into_inner();
            if let Some(error) = errors.first() {
                found.block("EXIF");
                found.location(
                    "EXIF",
                    "(unreadable part)",
                    format!(
                        "part of the EXIF block can't be read ({error}); it may hold a location"
                    ),
                );
            }
            read_exif_fields(&exif, found, ExifRole::Embedded);
        }
        Err(exif::Error::NotFound(_)) => {}
        Err(error) => return Err(malformed(F, error.to_string())),
    }
    scan_for_xmp(b, found);
    Ok(())
}

/// GIF: comment extensions and application extensions (XMP is stored in one).
pub(super) fn read_gif(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
    const F: Format = Format::Gif;
    let truncated = ImageError::Truncated { format: F };
    if !(b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")) {
        return Err(malformed(F, "it doesn't start with a GIF signature"));
    }
    let flags = *b.get(10).ok_or(truncated.clone())?;
    let mut i = 13;
    if flags & 0x80 != 0 {
        i += 3 << ((flags & 7) + 1);
    }
    // Sub-blocks: length byte, data, ..., 0.
    let sub_blocks = |mut i: usize| -> Result<(Vec<u8>, usize), ImageError> {
        let mut data = Vec::new();
        loop {
            let len = usize::from(*b.get(i).ok_or(ImageError::Truncated { format: F })?);
            i += 1;
            if len == 0 {
                return Ok((data, i));
            }
            data.extend_from_slice(
                b.get(i..i + len)
                    .ok_or(ImageError::Truncated { format: F })?,
            );
            i += len;
        }
    };
    loop {
        match b.get(i).copied().ok_or(truncated.clone())? {
            0x3B => break,
            0x21 => {
                let label = *b.get(i + 1).ok_or(truncated.clone())?;
                let (data, next) = sub_blocks(i + 2)?;
                match label {
                    0xFE => {
                        found.block("GIF comment");
                        found.text("GIF comment", "Comment", decode_text(&data));
                    }
                    0xFF => {
                        if data.starts_with(b"XMP DataXMP") {
                            found.block("XMP");
                        } else if !(data.starts_with(b"NETSCAPE2.0")
                            || data.starts_with(b"ANIMEXTS1.0"))
                        {
                            found.block("GIF application data");
                        }
                    }
                    _ => {}
                }
                i = next;
            }
            0x2C => {
                let local = *b.get(i + 9).ok_or(truncated.clone())?;
                i += 10;
                if local & 0x80 != 0 {
                    i += 3 << ((local & 7) + 1);
                }
                // LZW minimum code size, then the image data sub-blocks.
                let (_, next) = sub_blocks(i + 1)?;
                i = next;
            }
            other => return Err(malformed(F, format!("unexpected block 0x{other:02X}"))),
        }
    }
    // XMP sub-blocks are raw packet bytes split by length bytes; scanning the file finds them.
    scan_for_xmp(b, found);
    Ok(())
}

pub(super) fn read_svg(b: &[u8], found: &mut Found) {
    // Metadata in SVG is RDF inside <metadata>; the RDF reader skips everything outside rdf:RDF.
    if find(b, b"<rdf:RDF").is_some() || find(b, b"22-rdf-syntax-ns#").is_some() {
        read_xmp(b, found);
    }
}
