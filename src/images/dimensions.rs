//! An image's declared size, read from its headers before anything decodes it.
//!
//! A 535-byte JPEG can declare 65500 × 65500 pixels; a decoder (Typst's, a browser's) then
//! allocates 12 GB for it. [`dimensions`] reads the size every format states up front (JPEG
//! frame headers, PNG IHDR, WebP VP8/VP8L/VP8X, GIF screen and frames, TIFF IFDs, HEIF `ispe`),
//! taking the largest where a file states several, so callers can refuse anything over
//! [`MAX_PIXELS`] or [`MAX_SIDE`].

use super::{Format, be16, be32, find, parse_jpeg};

/// The most pixels an image may have: 50 megapixels (a 8660 × 5773 photo, more than any
/// phone takes).
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side an image may have, in pixels.
pub const MAX_SIDE: u64 = 30_000;

/// Width and height in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    /// How many pixels wide the image says it is.
    pub width: u64,
    /// How many pixels high the image says it is.
    pub height: u64,
}

impl Dimensions {
    /// Whether an image this size is too big to decode safely.
    pub fn too_large(self) -> bool {
        self.width.saturating_mul(self.height) > MAX_PIXELS
            || self.width > MAX_SIDE
            || self.height > MAX_SIDE
    }

    fn max(self, other: Dimensions) -> Dimensions {
        if other.width.saturating_mul(other.height) > self.width.saturating_mul(self.height)
            || other.width > self.width
            || other.height > self.height
        {
            Dimensions {
                width: self.width.max(other.width),
                height: self.height.max(other.height),
            }
        } else {
            self
        }
    }
}

fn dims(width: u64, height: u64) -> Dimensions {
    Dimensions { width, height }
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let p = b.get(at..at + 3)?;
    Some(u32::from(p[0]) | (u32::from(p[1]) << 8) | (u32::from(p[2]) << 16))
}

/// The size an image declares (the largest of its frames), without decoding it; `None` when
/// the headers don't say (SVG, or a file too damaged to tell).
pub fn dimensions(format: Format, b: &[u8]) -> Option<Dimensions> {
    match format {
        Format::Jpeg => jpeg(b),
        Format::Png => (b.get(12..16) == Some(&b"IHDR"[..]))
            .then(|| Some(dims(be32(b, 16)?.into(), be32(b, 20)?.into())))
            .flatten(),
        Format::WebP => webp(b),
        Format::Gif => gif(b),
        Format::Tiff => tiff(b),
        Format::Heif => heif(b),
        Format::Svg | Format::Other => None,
    }
}

fn jpeg(b: &[u8]) -> Option<Dimensions> {
    let mut best: Option<Dimensions> = None;
    let mut scan = |b: &[u8]| {
        if let Ok(file) = parse_jpeg(b) {
            for s in &file.segments {
                let is_frame =
                    matches!(s.marker, 0xC0..=0xCF) && !matches!(s.marker, 0xC4 | 0xC8 | 0xCC);
                if !is_frame {
                    continue;
                }
                let p = &b[s.payload.clone()];
                if let (Some(h), Some(w)) = (be16(p, 1), be16(p, 3)) {
                    let d = dims(w.into(), h.into());
                    best = Some(best.map_or(d, |x| x.max(d)));
                }
            }
            return;
        }
        // A file the segment walk can't finish: still find the frame headers it has.
        let mut i = 0;
        while let Some(at) = b
            .get(i..)
            .and_then(|r| r.iter().position(|&c| c == 0xFF))
            .map(|p| i + p)
        {
            let marker = b.get(at + 1).copied().unwrap_or(0);
            if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                if let (Some(h), Some(w)) = (be16(b, at + 5), be16(b, at + 7)) {
                    let d = dims(w.into(), h.into());
                    best = Some(best.map_or(d, |x| x.max(d)));
                }
            }
            i = at + 1;
        }
    };
    scan(b);
    best
}

fn webp(b: &[u8]) -> Option<Dimensions> {
    let mut best: Option<Dimensions> = None;
    let mut i = 12usize;
    let mut chunks = 0;
    while i + 8 <= b.len() && chunks < 10_000 {
        chunks += 1;
        let id = &b[i..i + 4];
        let size = le32(b, i + 4)? as usize;
        let data = b.get(i + 8..(i + 8).saturating_add(size).min(b.len()))?;
        let d = match id {
            b"VP8X" => Some(dims(
                u64::from(le24(data, 4)?) + 1,
                u64::from(le24(data, 7)?) + 1,
            )),
            b"VP8 " if data.get(3..6) == Some(&[0x9d, 0x01, 0x2a][..]) => Some(dims(
                u64::from(le16(data, 6)? & 0x3fff),
                u64::from(le16(data, 8)? & 0x3fff),
            )),
            b"VP8L" if data.first() == Some(&0x2f) => {
                let bits = le32(data, 1)?;
                Some(dims(
                    u64::from(bits & 0x3fff) + 1,
                    u64::from((bits >> 14) & 0x3fff) + 1,
                ))
            }
            // An animation frame: its own size (offsets don't matter for memory).
            b"ANMF" => Some(dims(
                u64::from(le24(data, 6)?) + 1,
                u64::from(le24(data, 9)?) + 1,
            )),
            _ => None,
        };
        if let Some(d) = d {
            best = Some(best.map_or(d, |x| x.max(d)));
        }
        i = i.checked_add(8 + size + (size & 1))?;
    }
    best
}

fn gif(b: &[u8]) -> Option<Dimensions> {
    let mut best = dims(le16(b, 6)?.into(), le16(b, 8)?.into());
    // Each frame declares its own size, which may exceed the screen's.
    let mut i = 13usize;
    if b.get(10).is_some_and(|f| f & 0x80 != 0) {
        i += 3 << ((b[10] & 7) + 1);
    }
    let mut frames = 0;
    while i < b.len() && frames < 100_000 {
        match b[i] {
            0x2C => {
                frames += 1;
                let d = dims(le16(b, i + 5)?.into(), le16(b, i + 7)?.into());
                best = best.max(d);
                let flags = *b.get(i + 9)?;
                i += 10;
                if flags & 0x80 != 0 {
                    i += 3 << ((flags & 7) + 1);
                }
                i += 1; // LZW minimum code size
                i = skip_sub_blocks(b, i)?;
            }
            0x21 => i = skip_sub_blocks(b, i + 2)?,
            _ => break,
        }
    }
    Some(best)
}

fn skip_sub_blocks(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let n = usize::from(*b.get(i)?);
        i += 1 + n;
        if n == 0 {
            return Some(i);
        }
    }
}

fn tiff(b: &[u8]) -> Option<Dimensions> {
    let little = b.starts_with(b"II");
    let u16_at = |at: usize| if little { le16(b, at) } else { be16(b, at) };
    let u32_at = |at: usize| if little { le32(b, at) } else { be32(b, at) };
    if u16_at(2)? != 42 {
        // BigTIFF: refuse to guess; its size is checked by what reads it.
        return None;
    }
    let mut best: Option<Dimensions> = None;
    let mut ifd = u32_at(4)? as usize;
    let mut seen = 0;
    while ifd != 0 && seen < 64 {
        seen += 1;
        let count = usize::from(u16_at(ifd)?);
        let (mut w, mut h) = (0u64, 0u64);
        for e in 0..count.min(4096) {
            let at = ifd + 2 + e * 12;
            let tag = u16_at(at)?;
            let kind = u16_at(at + 2)?;
            let value = match kind {
                3 => u64::from(u16_at(at + 8)?),
                4 => u64::from(u32_at(at + 8)?),
                _ => continue,
            };
            match tag {
                256 => w = value,
                257 => h = value,
                _ => {}
            }
        }
        let d = dims(w, h);
        best = Some(best.map_or(d, |x| x.max(d)));
        ifd = u32_at(ifd + 2 + count * 12)? as usize;
    }
    best
}

fn heif(b: &[u8]) -> Option<Dimensions> {
    // `ispe` (image spatial extents) properties: version/flags, then width and height.
    let mut best: Option<Dimensions> = None;
    let mut at = 0;
    for _ in 0..4096 {
        let Some(p) = b.get(at..).and_then(|r| find(r, b"ispe")) else {
            break;
        };
        let start = at + p + 4;
        if let (Some(w), Some(h)) = (be32(b, start + 4), be32(b, start + 8)) {
            let d = dims(w.into(), h.into());
            best = Some(best.map_or(d, |x| x.max(d)));
        }
        at = start;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG of headers only, declaring a size and holding no picture.
    fn jpeg_header(width: u16, height: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8];
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&width.to_be_bytes());
        b.extend_from_slice(&[1, 1, 0x11, 0]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        b
    }

    #[test]
    fn declared_sizes_are_read_and_bombs_told() {
        let d = dimensions(Format::Jpeg, &jpeg_header(65500, 65500)).unwrap();
        assert_eq!(d, dims(65500, 65500));
        assert!(d.too_large());
        assert!(
            !dimensions(Format::Jpeg, &jpeg_header(4000, 3000))
                .unwrap()
                .too_large()
        );
        assert!(dims(40_000, 10).too_large());
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&1000u32.to_be_bytes());
        assert_eq!(dimensions(Format::Png, &png), Some(dims(100_000, 1000)));
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[10, 0, 10, 0, 0, 0, 0]);
        gif.extend_from_slice(&[0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 2, 0, 0x3B]);
        assert_eq!(dimensions(Format::Gif, &gif), Some(dims(65535, 65535)));
    }
}
