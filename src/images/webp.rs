//! WebP: its RIFF chunks (through img-parts), read and stripped.

use super::*;

pub(super) const WEBP_KEPT: &[&[u8; 4]] = &[
    b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];
pub(super) const VP8X_EXIF: u8 = 0x08;
pub(super) const VP8X_XMP: u8 = 0x04;

pub(super) fn parse_webp(b: &[u8]) -> Result<WebP, ImageError> {
    const F: Format = Format::WebP;
    let webp = WebP::from_bytes(Bytes::copy_from_slice(b)).map_err(|e| img_parts_error(F, e))?;
    if !webp
        .chunks()
        .iter()
        .any(|c| matches!(&c.id(), b"VP8 " | b"VP8L" | b"ANMF"))
    {
        return Err(malformed(F, "it has no image data"));
    }
    Ok(webp)
}

pub(super) fn read_webp(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
    let webp = parse_webp(b)?;
    for chunk in webp.chunks() {
        let id = chunk.id();
        let data = chunk.content().data().map(|d| &d[..]).unwrap_or(&[]);
        match &id {
            b"EXIF" => read_exif(data, found, ExifRole::Embedded),
            b"XMP " => read_xmp(data, found),
            _ if !WEBP_KEPT.contains(&&id) => found.block("WebP chunk"),
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn strip_webp(b: &[u8]) -> Result<Vec<u8>, ImageError> {
    let orientation = kept_orientation(&read_metadata(Format::WebP, b)?);
    let mut webp = parse_webp(b)?;
    webp.chunks_mut().retain(|c| WEBP_KEPT.contains(&&c.id()));
    let has_vp8x = webp.chunks().iter().any(|c| c.id() == *b"VP8X");
    if has_vp8x {
        let set = if orientation.is_some() { VP8X_EXIF } else { 0 };
        for chunk in webp.chunks_mut() {
            if chunk.id() != *b"VP8X" {
                continue;
            }
            if let RiffContent::Data(data) = chunk.content_mut() {
                let mut header = data.to_vec();
                if let Some(flags) = header.first_mut() {
                    *flags = (*flags & !(VP8X_EXIF | VP8X_XMP)) | set;
                }
                *data = Bytes::from(header);
            }
        }
        if let Some(o) = orientation {
            webp.chunks_mut().push(RiffChunk::new(
                *b"EXIF",
                RiffContent::Data(Bytes::from(orientation_exif(o))),
            ));
        }
    } else if let Some(o) = orientation {
        // A simple-format file with an EXIF chunk (not allowed, but seen): img-parts adds the VP8X
        // header the EXIF chunk needs.
        webp.set_exif(Some(Bytes::from(orientation_exif(o))));
    }
    Ok(webp.encoder().bytes().to_vec())
}
