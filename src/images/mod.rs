//! Image metadata: what a photo says about where it was taken and who is in it, and removing
//! all of it without touching the pixels.
//!
//! Pure: bytes in, findings or bytes out. The caller reads and writes the files.
//!
//! - [`format_of`] tells the format by magic bytes, falling back to the file extension.
//! - [`read_metadata`] lists every location field (EXIF GPS, XMP and IPTC places, PNG text
//!   chunks carrying them) and every text field that may name a person, without decoding
//!   pixels. A metadata block that can't be read at all is reported as a possible location,
//!   because it may hold one.
//! - [`strip`] removes all metadata from JPEG, PNG and WebP losslessly (the compressed image
//!   data is copied byte for byte), keeping ICC colour profiles and the EXIF orientation. TIFF,
//!   HEIF/AVIF, GIF and SVG can't be stripped: [`ImageError::CannotStrip`].
//!
//! EXIF is parsed with `kamadak-exif`; XMP (a small RDF/XML reader below), Photoshop/IPTC-IIM
//! and the containers' own text chunks are read here. PNG and WebP chunks are handled with
//! `img-parts`; JPEG segments are walked here so that data between scans and after the end of
//! the image (multi-picture trailers, which carry their own EXIF) is seen and dropped too.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::Path;

mod dimensions;
mod exif_block;
mod iptc;
mod jpeg;
mod png;
#[cfg(test)]
mod tests;
mod unstripped;
mod webp;
mod xmp;
pub use dimensions::{Dimensions, MAX_PIXELS, MAX_SIDE, dimensions};
use exif_block::*;
use iptc::*;
use jpeg::*;
use png::*;
use unstripped::*;
use webp::*;
pub use xmp::xmp_in;
use xmp::*;

use exif::{Context, In, Tag, Value};
use img_parts::png::{Png, PngChunk};
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};

/// An image file format, as far as metadata handling goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (`.jpg`, `.jpeg`): most photos, which [`strip`] can clean.
    Jpeg,
    /// PNG (`.png`), which [`strip`] can clean.
    Png,
    /// WebP (`.webp`), which [`strip`] can clean.
    WebP,
    /// TIFF (`.tif`, `.tiff`): its metadata is read but cannot be stripped.
    Tiff,
    /// HEIF family: HEIC and AVIF.
    Heif,
    /// GIF (`.gif`): its metadata is read but cannot be stripped.
    Gif,
    /// SVG (`.svg`): a drawing in XML, whose metadata is read but cannot be stripped.
    Svg,
    /// A file that is none of these, by its first bytes or its extension.
    Other,
}

impl Format {
    /// The usual file extension of the format (`jpg`, `png`, …).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Tiff => "tif",
            Format::Heif => "heic",
            Format::Gif => "gif",
            Format::Svg => "svg",
            Format::Other => "bin",
        }
    }

    /// The format's name as messages show it (`JPEG`, `HEIF/AVIF`, …).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Tiff => "TIFF",
            Format::Heif => "HEIF/AVIF",
            Format::Gif => "GIF",
            Format::Svg => "SVG",
            Format::Other => "unknown",
        }
    }

    /// Whether [`strip`] can remove this format's metadata losslessly.
    pub fn can_strip(self) -> bool {
        matches!(self, Format::Jpeg | Format::Png | Format::WebP)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One metadata field found in an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// Where it was found: "EXIF", "XMP", "IPTC", "JPEG COM", "PNG tEXt", "PNG zTXt", "PNG iTXt".
    pub container: &'static str,
    /// e.g. "GPSLatitude", "Iptc4xmpCore:Location", "Iptc4xmpExt:LocationShown/Iptc4xmpExt:City",
    /// "IPTC 2:90 City", or a PNG text chunk's keyword.
    pub name: String,
    /// What the field holds, as text ("51.5072", "Year 3 sports day, Poppy and Sam").
    pub value: String,
}

/// What [`read_metadata`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Every field that tells or may tell where the photo was taken or what place it shows.
    pub location: Vec<Field>,
    /// Text fields that may name people (descriptions, captions, keywords, authors, comments).
    pub text: Vec<Field>,
    /// EXIF orientation of the primary image (1–8), or XMP `tiff:Orientation` if there is no
    /// EXIF one.
    pub orientation: Option<u16>,
    /// Whether the file holds any metadata that [`strip`] would remove: any EXIF beyond a lone
    /// Orientation tag, XMP, IPTC/Photoshop, comments, text chunks, unknown blocks or data after
    /// the end of the image. False for a file `strip` returned.
    pub has_metadata: bool,
    /// The kinds of metadata block found, in order, each once (e.g. "EXIF", "XMP", "IPTC",
    /// "JPEG COM", "PNG tEXt", "MPF", "trailing data"), for messages.
    pub blocks: Vec<&'static str>,
}

/// Why an image's metadata could not be read or removed; its message is shown to the
/// person who added the image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// The file ends before its headers or data do (a partly copied download).
    #[error("this {format} file is cut short")]
    Truncated {
        /// The format the file is in.
        format: Format,
    },
    /// The file's structure is broken (a marker or chunk where none can be), so it cannot be
    /// read.
    #[error("this {format} file is damaged: {detail}")]
    Malformed {
        /// The format the file is in.
        format: Format,
        /// What is wrong, for the message ("a second start-of-image marker").
        detail: String,
    },
    /// The format's metadata cannot be removed without re-encoding the image (TIFF, HEIF/AVIF,
    /// GIF, SVG).
    #[error(
        "PolicyPress can't remove metadata from {format} files without re-encoding them; \
         export the image as JPEG, PNG or WebP"
    )]
    CannotStrip {
        /// The format the file is in.
        format: Format,
    },
    /// The file is not an image format PolicyPress knows ([`Format::Other`]).
    #[error("PolicyPress can't read metadata in this kind of file")]
    Unsupported {
        /// The format the file is in.
        format: Format,
    },
}

fn malformed(format: Format, detail: impl Into<String>) -> ImageError {
    ImageError::Malformed {
        format,
        detail: detail.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Format detection

/// Tells an image's format by its first bytes, or by the file extension if they don't say.
pub fn format_of(path: &Path, bytes: &[u8]) -> Format {
    sniff(bytes).unwrap_or_else(|| by_extension(path))
}

fn sniff(b: &[u8]) -> Option<Format> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Format::Jpeg);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Format::Png);
    }
    if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Some(Format::WebP);
    }
    if b.starts_with(b"II*\0")
        || b.starts_with(b"MM\0*")
        || b.starts_with(b"II+\0")
        || b.starts_with(b"MM\0+")
    {
        return Some(Format::Tiff);
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Some(Format::Gif);
    }
    if is_heif(b) {
        return Some(Format::Heif);
    }
    if looks_like_svg(b) {
        return Some(Format::Svg);
    }
    None
}

const HEIF_BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"mif2",
    b"msf1", b"avif", b"avis", b"avio",
];

fn is_heif(b: &[u8]) -> bool {
    if b.len() < 12 || &b[4..8] != b"ftyp" {
        return false;
    }
    let size = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let end = size.clamp(12, b.len());
    let major = &b[8..12];
    // Compatible brands start after the 4-byte minor version.
    let compatible = b.get(16..end).unwrap_or(&[]).chunks_exact(4);
    std::iter::once(major)
        .chain(compatible)
        .any(|brand| HEIF_BRANDS.iter().any(|h| &h[..] == brand))
}

fn looks_like_svg(b: &[u8]) -> bool {
    let head = &b[..b.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    (head.starts_with(b"<?xml") || head.starts_with(b"<svg") || head.starts_with(b"<!"))
        && find(head, b"<svg").is_some()
}

/// When an image's file name says one format and its first bytes another: `(named, actual)`
/// (a PNG saved as `photo.jpg`). Browsers cope; the PDFs and people opening the file do not.
pub fn misnamed(path: &Path, bytes: &[u8]) -> Option<(Format, Format)> {
    let actual = sniff(bytes)?;
    let named = by_extension(path);
    (named != Format::Other && named != actual).then_some((named, actual))
}

fn by_extension(path: &Path) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jpg" | "jpeg" | "jpe" | "jfif") => Format::Jpeg,
        Some("png" | "apng") => Format::Png,
        Some("webp") => Format::WebP,
        Some("tif" | "tiff") => Format::Tiff,
        Some("heic" | "heif" | "hif" | "avif") => Format::Heif,
        Some("gif") => Format::Gif,
        Some("svg" | "svgz") => Format::Svg,
        _ => Format::Other,
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Finds the location and text metadata in an image of the given format. Never decodes pixels.
pub fn read_metadata(format: Format, bytes: &[u8]) -> Result<Metadata, ImageError> {
    let mut found = Found::default();
    match format {
        Format::Jpeg => read_jpeg(bytes, &mut found, 0)?,
        Format::Png => read_png(bytes, &mut found)?,
        Format::WebP => read_webp(bytes, &mut found)?,
        Format::Tiff => read_tiff(bytes, &mut found)?,
        Format::Heif => read_heif(bytes, &mut found)?,
        Format::Gif => read_gif(bytes, &mut found)?,
        Format::Svg => read_svg(bytes, &mut found),
        Format::Other => return Err(ImageError::Unsupported { format }),
    }
    Ok(found.finish())
}

/// Findings collected while walking a file.
#[derive(Default)]
struct Found {
    location: Vec<Field>,
    text: Vec<Field>,
    exif_orientation: Option<u16>,
    xmp_orientation: Option<u16>,
    blocks: Vec<&'static str>,
    /// Set while reading embedded secondary images: their orientation doesn't count.
    secondary: bool,
}

impl Found {
    fn block(&mut self, kind: &'static str) {
        if !self.blocks.contains(&kind) {
            self.blocks.push(kind);
        }
    }

    fn location(
        &mut self,
        container: &'static str,
        name: impl Into<String>,
        value: impl Into<String>,
    ) {
        self.location.push(Field {
            container,
            name: name.into(),
            value: value.into(),
        });
    }

    fn text(&mut self, container: &'static str, name: impl Into<String>, value: impl Into<String>) {
        let value = value.into();
        if !value.trim().is_empty() {
            self.text.push(Field {
                container,
                name: name.into(),
                value,
            });
        }
    }

    fn finish(self) -> Metadata {
        fn dedup(fields: Vec<Field>) -> Vec<Field> {
            let mut seen = HashSet::new();
            fields
                .into_iter()
                .filter(|f| seen.insert(f.clone()))
                .collect()
        }
        Metadata {
            has_metadata: !self.blocks.is_empty(),
            location: dedup(self.location),
            text: dedup(self.text),
            orientation: self.exif_orientation.or(self.xmp_orientation),
            blocks: self.blocks,
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// UTF-8 if it is, Latin-1 otherwise; trailing NULs and surrounding whitespace dropped.
fn decode_text(b: &[u8]) -> String {
    let b = match b.iter().rposition(|&c| c != 0) {
        Some(end) => &b[..=end],
        None => &[],
    };
    match std::str::from_utf8(b) {
        Ok(s) => s.trim().to_string(),
        Err(_) => b
            .iter()
            .map(|&c| c as char)
            .collect::<String>()
            .trim()
            .to_string(),
    }
}

fn decode_utf16(b: &[u8], little_endian: bool) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|p| {
            if little_endian {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        })
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units).trim().to_string()
}

// ---------------------------------------------------------------------------------------------
// Stripping

/// The smallest EXIF (big-endian TIFF) holding only an Orientation tag.
fn orientation_exif(orientation: u16) -> Vec<u8> {
    let [hi, lo] = orientation.to_be_bytes();
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A\0\0\0\x08"); // header, IFD0 at offset 8
    tiff.extend_from_slice(&[0, 1]); // one entry
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, hi, lo, 0, 0]); // Orientation, SHORT, 1
    tiff.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    tiff
}

/// The orientation to write back: only a real rotation or flip.
fn kept_orientation(meta: &Metadata) -> Option<u16> {
    meta.orientation.filter(|o| (2..=8).contains(o))
}

/// Removes all metadata from a JPEG, PNG or WebP without re-encoding it (the compressed image
/// data is copied byte for byte). ICC profiles are kept, and so is the EXIF orientation: if it
/// was a rotation or flip, a minimal EXIF block with only the Orientation tag is written back.
pub fn strip(format: Format, bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    match format {
        Format::Jpeg => strip_jpeg(bytes),
        Format::Png => strip_png(bytes),
        Format::WebP => strip_webp(bytes),
        Format::Tiff | Format::Heif | Format::Gif | Format::Svg => {
            Err(ImageError::CannotStrip { format })
        }
        Format::Other => Err(ImageError::Unsupported { format }),
    }
}
