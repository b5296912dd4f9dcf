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
pub use dimensions::{Dimensions, MAX_PIXELS, MAX_SIDE, dimensions};

use exif::{Context, In, Tag, Value};
use img_parts::png::{Png, PngChunk};
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};

/// An image file format, as far as metadata handling goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Tiff,
    /// HEIF family: HEIC and AVIF.
    Heif,
    Gif,
    Svg,
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("this {format} file is cut short")]
    Truncated { format: Format },
    #[error("this {format} file is damaged: {detail}")]
    Malformed { format: Format, detail: String },
    #[error(
        "PolicyPress can't remove metadata from {format} files without re-encoding them; \
         export the image as JPEG, PNG or WebP"
    )]
    CannotStrip { format: Format },
    #[error("PolicyPress can't read metadata in this kind of file")]
    Unsupported { format: Format },
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

// --- EXIF ---------------------------------------------------------------------------------

/// What an EXIF block is part of, which decides what counts as metadata in it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExifRole {
    /// A metadata block inside another format: everything in it but Orientation is metadata.
    Embedded,
    /// A TIFF file's own IFDs: only descriptive tags and sub-IFDs are metadata.
    TiffFile,
}

const TAG_ORIENTATION: u16 = 0x0112;
const TAG_XMP: u16 = 700;
const TAG_IPTC: u16 = 33723;
const TAG_PHOTOSHOP: u16 = 34377;

/// IFD0 tags of a TIFF file that are descriptive metadata rather than image structure.
const TIFF_DESCRIPTIVE: &[u16] = &[
    0x010D,
    0x010E,
    0x010F,
    0x0110,
    0x011D,
    0x0131,
    0x0132,
    0x013B,
    0x013C,
    0x8298,
    TAG_XMP,
    TAG_IPTC,
    TAG_PHOTOSHOP,
    0x9C9B,
    0x9C9C,
    0x9C9D,
    0x9C9E,
    0x9C9F,
];

fn exif_text_name(tag: Tag) -> Option<&'static str> {
    Some(match (tag.context(), tag.number()) {
        (Context::Tiff, 0x010E) => "ImageDescription",
        (Context::Tiff, 0x013B) => "Artist",
        (Context::Tiff, 0x9C9B) => "XPTitle",
        (Context::Tiff, 0x9C9C) => "XPComment",
        (Context::Tiff, 0x9C9D) => "XPAuthor",
        (Context::Tiff, 0x9C9E) => "XPKeywords",
        (Context::Tiff, 0x9C9F) => "XPSubject",
        (Context::Exif, 0x9286) => "UserComment",
        (Context::Exif, 0xA430) => "CameraOwnerName",
        _ => return None,
    })
}

/// The raw bytes of a BYTE, UNDEFINED, ASCII or LONG value, in file order.
fn value_bytes(value: &Value, little_endian: bool) -> Option<Vec<u8>> {
    match value {
        Value::Byte(v) | Value::Undefined(v, _) => Some(v.clone()),
        Value::Ascii(parts) => Some(parts.concat()),
        Value::Long(v) => Some(
            v.iter()
                .flat_map(|n| {
                    if little_endian {
                        n.to_le_bytes()
                    } else {
                        n.to_be_bytes()
                    }
                })
                .collect(),
        ),
        _ => None,
    }
}

fn exif_text_value(tag: Tag, value: &Value, little_endian: bool) -> String {
    match (tag.context(), tag.number(), value) {
        (Context::Tiff, 0x9C9B..=0x9C9F, _) => value_bytes(value, true)
            .map(|b| decode_utf16(&b, true))
            .unwrap_or_default(),
        (Context::Exif, 0x9286, Value::Undefined(b, _)) => {
            let (code, body) = b.split_at(b.len().min(8));
            if code == b"UNICODE\0" {
                decode_utf16(body, little_endian)
            } else if b.len() >= 8 {
                decode_text(body)
            } else {
                decode_text(b)
            }
        }
        (_, _, Value::Ascii(parts)) => parts
            .iter()
            .map(|p| decode_text(p))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        _ => value_bytes(value, little_endian)
            .map(|b| decode_text(&b))
            .unwrap_or_default(),
    }
}

/// Reads an EXIF block: a TIFF structure, optionally after an "Exif\0\0" header.
fn read_exif(data: &[u8], found: &mut Found, role: ExifRole) {
    let data = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
    let exif = match exif::Reader::new()
        .continue_on_error(true)
        .read_raw(data.to_vec())
    {
        Ok(exif) => exif,
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
            exif
        }
        Err(error) => {
            found.block("EXIF");
            found.location(
                "EXIF",
                "(unreadable)",
                format!("the EXIF block can't be read ({error}); it may hold a location"),
            );
            return;
        }
    };
    read_exif_fields(&exif, found, role);
}

fn read_exif_fields(exif: &exif::Exif, found: &mut Found, role: ExifRole) {
    let le = exif.little_endian();
    for field in exif.fields() {
        let (context, number) = (field.tag.context(), field.tag.number());
        let is_metadata = match role {
            ExifRole::Embedded => !(context == Context::Tiff && number == TAG_ORIENTATION),
            ExifRole::TiffFile => context != Context::Tiff || TIFF_DESCRIPTIVE.contains(&number),
        };
        if is_metadata {
            found.block("EXIF");
        }
        if context == Context::Gps {
            let value = field.display_value().with_unit(exif).to_string();
            found.location("EXIF", field.tag.to_string(), value);
        } else if let Some(name) = exif_text_name(field.tag) {
            found.text("EXIF", name, exif_text_value(field.tag, &field.value, le));
        } else if context == Context::Tiff {
            match number {
                TAG_ORIENTATION
                    if field.ifd_num == In::PRIMARY
                        && !found.secondary
                        && found.exif_orientation.is_none() =>
                {
                    found.exif_orientation =
                        field.value.get_uint(0).and_then(|n| u16::try_from(n).ok());
                }
                TAG_XMP => {
                    if let Some(b) = value_bytes(&field.value, le) {
                        read_xmp(&b, found);
                    }
                }
                TAG_IPTC => {
                    if let Some(b) = value_bytes(&field.value, le) {
                        read_iptc(&b, found);
                    }
                }
                TAG_PHOTOSHOP => {
                    if let Some(b) = value_bytes(&field.value, le) {
                        read_irb(&b, found);
                    }
                }
                _ => {}
            }
        }
    }
}

// --- IPTC-IIM and Photoshop image resources -------------------------------------------------

fn iptc_kind(dataset: u8) -> Option<(bool, &'static str)> {
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
fn read_iptc(data: &[u8], found: &mut Found) {
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
fn read_irb(data: &[u8], found: &mut Found) {
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

// --- XMP ----------------------------------------------------------------------------------

/// Namespace URIs and the prefixes field names are reported with, whatever prefix a file uses.
const XMP_NAMESPACES: &[(&str, &str)] = &[
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"),
    ("adobe:ns:meta/", "x"),
    ("http://www.w3.org/XML/1998/namespace", "xml"),
    ("http://ns.adobe.com/exif/1.0/", "exif"),
    ("http://cipa.jp/exif/1.0/", "exifEX"),
    ("http://ns.adobe.com/tiff/1.0/", "tiff"),
    ("http://ns.adobe.com/photoshop/1.0/", "photoshop"),
    (
        "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
        "Iptc4xmpCore",
    ),
    ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "Iptc4xmpExt"),
    ("http://purl.org/dc/elements/1.1/", "dc"),
    ("http://ns.adobe.com/xap/1.0/", "xmp"),
    ("http://ns.adobe.com/lightroom/1.0/", "lr"),
    (
        "http://www.metadataworkinggroup.com/schemas/regions/",
        "mwg-rs",
    ),
    ("http://ns.microsoft.com/photo/1.2/", "MP"),
    ("http://ns.microsoft.com/photo/1.2/t/RegionInfo#", "MPRI"),
    ("http://ns.microsoft.com/photo/1.2/t/Region#", "MPReg"),
];

const XMP_LOCATION_PROPERTIES: &[&str] = &[
    "Iptc4xmpCore:Location",
    "Iptc4xmpCore:CountryCode",
    "Iptc4xmpCore:CreatorContactInfo",
    "photoshop:City",
    "photoshop:State",
    "photoshop:Country",
    "Iptc4xmpExt:LocationShown",
    "Iptc4xmpExt:LocationCreated",
];

/// Last parts of names that mean a place in any namespace.
const XMP_LOCATION_LOCAL_NAMES: &[&str] = &[
    "City",
    "CountryName",
    "CountryCode",
    "ProvinceState",
    "Sublocation",
    "WorldRegion",
    "Location",
    "LocationName",
    "LocationShown",
    "LocationCreated",
];

const XMP_TEXT_PROPERTIES: &[&str] = &[
    "dc:description",
    "dc:subject",
    "dc:title",
    "dc:creator",
    "Iptc4xmpExt:PersonInImage",
    "Iptc4xmpExt:PersonInImageWDetails",
    "photoshop:Headline",
    "photoshop:CaptionWriter",
    "tiff:ImageDescription",
    "tiff:Artist",
    "exif:UserComment",
    "lr:hierarchicalSubject",
];

/// Names of people tagged in face regions.
const XMP_TEXT_LEAVES: &[&str] = &["mwg-rs:Name", "MPReg:PersonDisplayName"];

enum XmpKind {
    Location,
    Text,
    Orientation,
}

fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn classify_xmp(path: &[String]) -> Option<XmpKind> {
    let first = path.first()?.as_str();
    let leaf = path.last()?.as_str();
    if XMP_LOCATION_PROPERTIES.contains(&first)
        || path.iter().any(|p| local_name(p).starts_with("GPS"))
        || XMP_LOCATION_LOCAL_NAMES.contains(&local_name(leaf))
    {
        Some(XmpKind::Location)
    } else if XMP_TEXT_PROPERTIES.contains(&first) || XMP_TEXT_LEAVES.contains(&leaf) {
        Some(XmpKind::Text)
    } else if path.len() == 1 && first == "tiff:Orientation" {
        Some(XmpKind::Orientation)
    } else {
        None
    }
}

/// Reads an XMP packet (or any RDF/XML) and reports its location and text properties.
fn read_xmp(data: &[u8], found: &mut Found) {
    found.block("XMP");
    let text = String::from_utf8_lossy(data);
    let text = text.trim_start_matches('\u{feff}');
    for (path, value) in xmp_properties(text) {
        let name = path.join("/");
        match classify_xmp(&path) {
            Some(XmpKind::Location) => found.location("XMP", name, value),
            Some(XmpKind::Text) => found.text("XMP", name, value),
            Some(XmpKind::Orientation) if !found.secondary && found.xmp_orientation.is_none() => {
                found.xmp_orientation = value.trim().parse().ok();
            }
            Some(XmpKind::Orientation) | None => {}
        }
    }
}

/// The location and text properties of the XMP packets found anywhere in `bytes` (a PDF, a
/// video), read like an image's.
pub fn xmp_in(bytes: &[u8]) -> Metadata {
    let mut found = Found::default();
    scan_for_xmp(bytes, &mut found);
    found.finish()
}

/// Finds XMP packets in bytes of a container this module doesn't walk (HEIF, TIFF, GIF).
fn scan_for_xmp(bytes: &[u8], found: &mut Found) {
    let mut rest = bytes;
    for _ in 0..16 {
        let Some(start) = find(rest, b"<x:xmpmeta").or_else(|| find(rest, b"<x:xapmeta")) else {
            return;
        };
        let tail = &rest[start..];
        let end = find(tail, b"</x:xmpmeta>")
            .or_else(|| find(tail, b"</x:xapmeta>"))
            .map_or(tail.len(), |e| e + b"</x:xmpmeta>".len());
        read_xmp(&tail[..end], found);
        rest = &tail[end..];
    }
}

/// How an element takes part in RDF/XML.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Outside `rdf:RDF` (e.g. `x:xmpmeta`, SVG elements).
    Outside,
    /// A resource: `rdf:Description`, `rdf:Bag`/`Seq`/`Alt`, or a typed node.
    Node,
    /// A property of a resource (or `rdf:li` in a container).
    Property,
}

struct Element {
    role: Role,
    /// The property name this element adds to the path, if any.
    name: Option<String>,
    /// Children of this element are properties (rdf:parseType="Resource").
    resource: bool,
    /// This is `rdf:RDF`: its children are nodes.
    rdf_root: bool,
    namespaces: Vec<(String, String)>,
    text: String,
    has_children: bool,
}

/// The properties in an RDF/XML document, each as (path of property names, text value).
/// Lenient: stops at the first thing it can't parse and returns what it found so far.
fn xmp_properties(xml: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |e| &r[e + 3..]);
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap_or(r.len());
            if let Some(top) = stack.last_mut() {
                top.text.push_str(&r[..end]);
            }
            rest = r.get(end + 3..).unwrap_or("");
        } else if rest.starts_with("<?") {
            rest = rest.find("?>").map_or("", |e| &rest[e + 2..]);
        } else if rest.starts_with("<!") {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
        } else if let Some(r) = rest.strip_prefix("</") {
            rest = r.find('>').map_or("", |e| &r[e + 1..]);
            if let Some(element) = stack.pop() {
                end_element(element, &stack, &mut out);
            }
        } else {
            let Some((tag, after)) = parse_start_tag(&rest[1..]) else {
                break;
            };
            rest = after;
            start_element(tag, &mut stack, &mut out);
        }
    }
    // Unclosed elements at the end of a cut-off packet still count.
    while let Some(element) = stack.pop() {
        end_element(element, &stack, &mut out);
    }
    out
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        if top.role == Role::Property && !text.is_empty() {
            top.text.push_str(&decode_entities(text));
        }
    }
}

struct StartTag<'a> {
    name: &'a str,
    attributes: Vec<(&'a str, String)>,
    empty: bool,
}

/// Parses `name attr="value" ... >` or `... />` (after the `<`).
fn parse_start_tag(s: &str) -> Option<(StartTag<'_>, &str)> {
    let name_end = s.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    let name = &s[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = &s[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("/>") {
            return Some((
                StartTag {
                    name,
                    attributes,
                    empty: true,
                },
                r,
            ));
        }
        if let Some(r) = rest.strip_prefix('>') {
            return Some((
                StartTag {
                    name,
                    attributes,
                    empty: false,
                },
                r,
            ));
        }
        let eq = rest.find('=')?;
        let attr = rest[..eq].trim();
        if attr.is_empty() || attr.contains(|c: char| c.is_whitespace() || c == '<' || c == '>') {
            return None;
        }
        rest = rest[eq + 1..].trim_start();
        let quote = rest.chars().next().filter(|&q| q == '"' || q == '\'')?;
        let body = &rest[1..];
        let close = body.find(quote)?;
        attributes.push((attr, decode_entities(&body[..close])));
        rest = &body[close + 1..];
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &rest[1..semi];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn resolve(qname: &str, stack: &[Element], own: &[(String, String)]) -> String {
    let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
    let uri = own
        .iter()
        .rev()
        .chain(stack.iter().rev().flat_map(|e| e.namespaces.iter().rev()))
        .find(|(p, _)| p == prefix)
        .map(|(_, uri)| uri.as_str());
    let canonical = uri
        .and_then(|uri| XMP_NAMESPACES.iter().find(|(u, _)| *u == uri))
        .map(|(_, p)| *p);
    match (canonical, prefix) {
        (Some(p), _) => format!("{p}:{local}"),
        (None, "") => local.to_string(),
        (None, p) => format!("{p}:{local}"),
    }
}

/// The property path above a new child of the stack's top.
fn property_path(stack: &[Element]) -> Vec<String> {
    stack.iter().filter_map(|e| e.name.clone()).collect()
}

fn start_element(
    tag: StartTag<'_>,
    stack: &mut Vec<Element>,
    out: &mut Vec<(Vec<String>, String)>,
) {
    let namespaces: Vec<(String, String)> = tag
        .attributes
        .iter()
        .filter_map(|(a, v)| {
            if *a == "xmlns" {
                Some((String::new(), v.clone()))
            } else {
                a.strip_prefix("xmlns:").map(|p| (p.to_string(), v.clone()))
            }
        })
        .collect();
    let name = resolve(tag.name, stack, &namespaces);
    let rdf_root = name == "rdf:RDF";
    let role = match stack.last() {
        _ if rdf_root => Role::Outside,
        None => Role::Outside,
        Some(parent) if parent.rdf_root => Role::Node,
        Some(parent) => match parent.role {
            Role::Outside => Role::Outside,
            Role::Node => Role::Property,
            Role::Property if parent.resource => Role::Property,
            Role::Property => Role::Node,
        },
    };
    let resource = tag
        .attributes
        .iter()
        .any(|(a, v)| resolve(a, stack, &namespaces) == "rdf:parseType" && v == "Resource");
    // Attributes of nodes and properties (other than RDF's, XML's and namespace declarations)
    // are properties too.
    if role != Role::Outside {
        let mut base = property_path(stack);
        if role == Role::Property && !is_rdf_item(&name) {
            base.push(name.clone());
        }
        for (attr, value) in &tag.attributes {
            if *attr == "xmlns" || attr.starts_with("xmlns:") {
                continue;
            }
            let attr_name = resolve(attr, stack, &namespaces);
            if attr_name.starts_with("rdf:")
                || attr_name.starts_with("xml:")
                || attr_name.starts_with("x:")
            {
                continue;
            }
            let mut path = base.clone();
            path.push(attr_name);
            out.push((path, value.clone()));
        }
    }
    let path_name = (role == Role::Property && !is_rdf_item(&name)).then_some(name);
    if let Some(parent) = stack.last_mut() {
        parent.has_children = true;
    }
    stack.push(Element {
        role,
        name: path_name,
        resource,
        rdf_root,
        namespaces,
        text: String::new(),
        has_children: false,
    });
    if tag.empty {
        if let Some(element) = stack.pop() {
            end_element(element, stack, out);
        }
    }
}

/// `rdf:li` and `rdf:_1`, `rdf:_2`...: items of a container, not named properties.
fn is_rdf_item(name: &str) -> bool {
    name == "rdf:li" || name.starts_with("rdf:_")
}

fn end_element(element: Element, stack: &[Element], out: &mut Vec<(Vec<String>, String)>) {
    if element.role != Role::Property || element.has_children {
        return;
    }
    let value = element.text.trim();
    if value.is_empty() {
        return;
    }
    let mut path = property_path(stack);
    if let Some(name) = element.name {
        path.push(name);
    }
    if !path.is_empty() {
        out.push((path, value.to_string()));
    }
}

// --- JPEG ---------------------------------------------------------------------------------

const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;
const COM: u8 = 0xFE;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP13: u8 = 0xED;
const APP14: u8 = 0xEE;

const XMP_SIGNATURE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION_SIGNATURE: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const ICC_SIGNATURE: &[u8] = b"ICC_PROFILE\0";

struct JpegSegment {
    marker: u8,
    /// The segment's data after the length field (empty for markers without one).
    payload: Range<usize>,
    /// The whole segment from its 0xFF, including the entropy-coded data after an SOS header.
    whole: Range<usize>,
}

struct JpegFile {
    segments: Vec<JpegSegment>,
    /// Just after the EOI marker.
    end: usize,
}

/// Walks a JPEG's segments from SOI to EOI, stepping over the entropy-coded data of each scan.
fn parse_jpeg(b: &[u8]) -> Result<JpegFile, ImageError> {
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

const APP_NAMES: [&str; 16] = [
    "APP0", "APP1", "APP2", "APP3", "APP4", "APP5", "APP6", "APP7", "APP8", "APP9", "APP10",
    "APP11", "APP12", "APP13", "APP14", "APP15",
];

/// Whether a JPEG segment is kept by [`strip`]: only what decoding needs (frame headers
/// SOF0–SOF15, Huffman and quantisation tables, arithmetic-coding conditioning, scans,
/// restart intervals and markers, DNL, hierarchical DHP/EXP) and JFIF, the ICC profile and
/// Adobe colour. Everything else (other APPn, comments, the reserved JPGn and 0x02–0xBF
/// markers, which decoders skip and could carry anything) is dropped.
fn jpeg_keeps(marker: u8, payload: &[u8]) -> bool {
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
const UNKNOWN_TEXT_LIMIT: usize = 64 << 10;

fn read_jpeg(b: &[u8], found: &mut Found, depth: u8) -> Result<(), ImageError> {
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

// --- PNG ----------------------------------------------------------------------------------

/// Ancillary PNG chunks [`strip`] keeps: colour, transparency, physical size, animation.
const PNG_KEPT_ANCILLARY: &[&[u8; 4]] = &[
    b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"mDCv", b"cLLI",
    b"cLLi", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
];

fn png_keeps(kind: [u8; 4]) -> bool {
    // Critical chunks (upper-case first letter) are image data; never touch them.
    kind[0].is_ascii_uppercase() || PNG_KEPT_ANCILLARY.iter().any(|k| **k == kind)
}

fn img_parts_error(format: Format, e: img_parts::Error) -> ImageError {
    match e {
        img_parts::Error::Truncated => ImageError::Truncated { format },
        other => malformed(format, other.to_string()),
    }
}

fn parse_png(b: &[u8]) -> Result<Png, ImageError> {
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

const ZLIB_LIMIT: usize = 16 << 20;

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, ZLIB_LIMIT).ok()
}

fn split_nul(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = b.iter().position(|&c| c == 0)?;
    Some((&b[..nul], &b[nul + 1..]))
}

/// The text of a PNG tEXt, zTXt or iTXt chunk as (keyword, text); None if it can't be read.
fn png_text(kind: [u8; 4], data: &[u8]) -> Option<(String, Vec<u8>)> {
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
fn decode_raw_profile(text: &[u8]) -> Option<Vec<u8>> {
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
fn read_embedded_block(data: &[u8], found: &mut Found) -> bool {
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

const LOCATION_WORDS: &[&str] = &[
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
const TEXT_WORDS: &[&str] = &[
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

fn read_png_text(container: &'static str, keyword: &str, text: &[u8], found: &mut Found) {
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

fn read_png(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
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

// --- WebP ---------------------------------------------------------------------------------

const WEBP_KEPT: &[&[u8; 4]] = &[
    b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];
const VP8X_EXIF: u8 = 0x08;
const VP8X_XMP: u8 = 0x04;

fn parse_webp(b: &[u8]) -> Result<WebP, ImageError> {
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

fn read_webp(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
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

// --- TIFF, HEIF, GIF, SVG -------------------------------------------------------------------

fn read_tiff(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
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
fn check_boxes(b: &[u8]) -> Result<(), ImageError> {
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

fn read_heif(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
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
fn read_gif(b: &[u8], found: &mut Found) -> Result<(), ImageError> {
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

fn read_svg(b: &[u8], found: &mut Found) {
    // Metadata in SVG is RDF inside <metadata>; the RDF reader skips everything outside rdf:RDF.
    if find(b, b"<rdf:RDF").is_some() || find(b, b"22-rdf-syntax-ns#").is_some() {
        read_xmp(b, found);
    }
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

fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, ImageError> {
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

fn strip_png(b: &[u8]) -> Result<Vec<u8>, ImageError> {
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

fn strip_webp(b: &[u8]) -> Result<Vec<u8>, ImageError> {
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

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixtures_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images")
    }

    fn load(rel: &str) -> Vec<u8> {
        std::fs::read(fixtures_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Every fixture as (relative path, format, bytes).
    fn fixtures() -> Vec<(String, Format, Vec<u8>)> {
        let mut out = Vec::new();
        for dir in ["jpeg", "png", "webp", "tiff", "heic", "avif"] {
            let mut names: Vec<_> = std::fs::read_dir(fixtures_dir().join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            for name in names {
                let rel = format!("{dir}/{name}");
                let bytes = load(&rel);
                let format = format_of(Path::new(&rel), &bytes);
                out.push((rel, format, bytes));
            }
        }
        assert!(
            out.len() >= 30,
            "fixtures missing: run tests/fixtures/images/make.sh"
        );
        out
    }

    fn stem(rel: &str) -> &str {
        let name = rel.rsplit('/').next().unwrap();
        name.split('.').next().unwrap()
    }

    const GPS: &[&str] = &[
        "GPSLatitude",
        "GPSLatitudeRef",
        "GPSLongitude",
        "GPSLongitudeRef",
        "GPSAltitude",
    ];
    const XMP_LOCATION: &[&str] = &[
        "Iptc4xmpCore:Location",
        "photoshop:City",
        "photoshop:State",
        "photoshop:Country",
        "Iptc4xmpExt:LocationShown/Iptc4xmpExt:City",
        "Iptc4xmpExt:LocationShown/Iptc4xmpExt:Sublocation",
        "exif:GPSLatitude",
        "exif:GPSLongitude",
    ];
    const IPTC_LOCATION: &[&str] = &[
        "IPTC 2:90 City",
        "IPTC 2:92 Sub-location",
        "IPTC 2:95 Province/State",
        "IPTC 2:100 Country code",
        "IPTC 2:101 Country name",
    ];
    const TEXT: &[&str] = &[
        "ImageDescription",
        "Artist",
        "XPComment",
        "UserComment",
        "dc:description",
        "Iptc4xmpExt:PersonInImage",
    ];
    const IPTC_TEXT: &[&str] = &[
        "IPTC 2:120 Caption",
        "IPTC 2:25 Keywords",
        "IPTC 2:80 By-line",
    ];

    struct Expected {
        location_containers: Vec<&'static str>,
        location: Vec<&'static str>,
        text_containers: Vec<&'static str>,
        text: Vec<&'static str>,
        /// Every text value contains this.
        text_says: &'static str,
        orientation: Option<u16>,
    }

    fn expected(rel: &str) -> Expected {
        let has_iptc = rel.starts_with("jpeg/") || rel.starts_with("tiff/");
        let mut e = Expected {
            location_containers: vec![],
            location: vec![],
            text_containers: vec![],
            text: vec![],
            text_says: "",
            orientation: rel.starts_with("tiff/").then_some(1),
        };
        match stem(rel) {
            "clean" => {}
            "gps" | "raw-profile" => {
                e.location_containers = vec!["EXIF"];
                e.location = GPS.to_vec();
            }
            "im-exif" => {
                e.location_containers = vec!["EXIF", "PNG tEXt"];
                e.location = [GPS, &["exif:GPSLatitude", "exif:GPSLongitude"]].concat();
            }
            "xmp" => {
                e.location_containers = vec!["XMP"];
                e.location = XMP_LOCATION.to_vec();
            }
            "iptc" => {
                e.location_containers = vec!["IPTC"];
                e.location = IPTC_LOCATION.to_vec();
            }
            "text" => {
                e.text_containers = if has_iptc {
                    vec!["EXIF", "IPTC", "XMP"]
                } else {
                    vec!["EXIF", "XMP"]
                };
                e.text = if has_iptc {
                    [TEXT, IPTC_TEXT].concat()
                } else {
                    TEXT.to_vec()
                };
                e.text_says = "Zorblax Quimby";
            }
            "garden" => {
                e.text_containers = vec!["EXIF", "XMP"];
                e.text = vec!["ImageDescription", "dc:description"];
                e.text_says = "Our school garden";
            }
            "rotated" => {
                e.location_containers = vec!["EXIF"];
                e.location = GPS.to_vec();
                e.text_containers = vec!["EXIF"];
                e.text = vec!["Artist"];
                e.text_says = "Zorblax Quimby";
                e.orientation = Some(6);
            }
            other => panic!("no expectations for fixture {other}"),
        }
        e
    }

    fn containers(fields: &[Field]) -> Vec<&'static str> {
        let mut c: Vec<_> = fields.iter().map(|f| f.container).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    #[test]
    fn format_by_magic_bytes_then_extension() {
        for (rel, format, _) in fixtures() {
            let want = match rel.split('/').next().unwrap() {
                "jpeg" => Format::Jpeg,
                "png" => Format::Png,
                "webp" => Format::WebP,
                "tiff" => Format::Tiff,
                _ => Format::Heif,
            };
            assert_eq!(format, want, "{rel}");
            // The bytes win over a wrong extension.
            assert_eq!(
                format_of(Path::new("photo.gif"), &load(&rel)),
                want,
                "{rel}"
            );
        }
        assert_eq!(format_of(Path::new("a.JPG"), b"not really"), Format::Jpeg);
        assert_eq!(format_of(Path::new("a.avif"), b""), Format::Heif);
        assert_eq!(format_of(Path::new("a.txt"), b"GIF89a...."), Format::Gif);
        assert_eq!(
            format_of(
                Path::new("a"),
                b"\xEF\xBB\xBF <?xml version='1.0'?>\n<svg xmlns='x'/>"
            ),
            Format::Svg
        );
        let mp4 = b"\0\0\0\x18ftypisom\0\0\0\0isommp41";
        assert_eq!(format_of(Path::new("clip.mp4"), mp4), Format::Other);
        assert_eq!(format_of(Path::new("README"), b"hello"), Format::Other);
    }

    #[test]
    fn fixtures_report_exactly_the_expected_fields() {
        for (rel, format, bytes) in fixtures() {
            let meta = read_metadata(format, &bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let want = expected(&rel);
            let ctx = format!("{rel}: {meta:#?}");
            assert_eq!(
                containers(&meta.location),
                want.location_containers,
                "location containers in {ctx}"
            );
            assert_eq!(
                containers(&meta.text),
                want.text_containers,
                "text containers in {ctx}"
            );
            for name in &want.location {
                assert!(
                    meta.location.iter().any(|f| f.name == *name),
                    "{name} missing in {ctx}"
                );
            }
            for name in &want.text {
                assert!(
                    meta.text.iter().any(|f| f.name == *name),
                    "{name} missing in {ctx}"
                );
            }
            for field in &meta.text {
                assert!(
                    field.value.contains(want.text_says),
                    "unexpected text {field:?} in {ctx}"
                );
            }
            assert_eq!(meta.orientation, want.orientation, "orientation in {ctx}");
            assert_eq!(
                meta.has_metadata,
                stem(&rel) != "clean",
                "has_metadata in {ctx}"
            );
        }
    }

    #[test]
    fn gps_values_are_readable() {
        let meta = read_metadata(Format::Jpeg, &load("jpeg/gps.jpg")).unwrap();
        let lat = meta
            .location
            .iter()
            .find(|f| f.name == "GPSLatitude")
            .unwrap();
        assert!(lat.value.contains("51"), "{lat:?}");
        let meta = read_metadata(Format::Jpeg, &load("jpeg/iptc.jpg")).unwrap();
        let city = meta
            .location
            .iter()
            .find(|f| f.name == "IPTC 2:90 City")
            .unwrap();
        assert_eq!(city.value, "Exampleton");
        let meta = read_metadata(Format::Png, &load("png/xmp.png")).unwrap();
        let city = meta
            .location
            .iter()
            .find(|f| f.name == "photoshop:City")
            .unwrap();
        assert_eq!((city.container, city.value.as_str()), ("XMP", "Exampleton"));
    }

    // --- independent walkers for the image data, to compare before and after stripping ---

    /// JPEG: everything from the first SOS marker to EOI (scan headers and entropy-coded data).
    fn jpeg_scan(b: &[u8]) -> Vec<u8> {
        let mut i = 2;
        while b[i + 1] != 0xDA {
            assert_eq!(b[i], 0xFF);
            i += 2 + usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        }
        let eoi = i + b[i..].windows(2).position(|w| w == [0xFF, 0xD9]).unwrap();
        b[i..eoi + 2].to_vec()
    }

    fn png_chunks(b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let mut out = Vec::new();
        let mut i = 8;
        while i < b.len() {
            let n = u32::from_be_bytes(b[i..i + 4].try_into().unwrap()) as usize;
            out.push((
                b[i + 4..i + 8].try_into().unwrap(),
                b[i + 8..i + 8 + n].to_vec(),
            ));
            i += 12 + n;
        }
        out
    }

    fn png_idat(b: &[u8]) -> Vec<u8> {
        png_chunks(b)
            .into_iter()
            .filter(|(k, _)| k == b"IDAT")
            .flat_map(|(_, d)| d)
            .collect()
    }

    fn webp_chunks(b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        assert_eq!(
            u32::from_le_bytes(b[4..8].try_into().unwrap()) as usize,
            b.len() - 8,
            "RIFF size"
        );
        let mut out = Vec::new();
        let mut i = 12;
        while i < b.len() {
            let n = u32::from_le_bytes(b[i + 4..i + 8].try_into().unwrap()) as usize;
            out.push((
                b[i..i + 4].try_into().unwrap(),
                b[i + 8..i + 8 + n].to_vec(),
            ));
            i += 8 + n + (n & 1);
        }
        out
    }

    fn webp_image(b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        webp_chunks(b)
            .into_iter()
            .filter(|(k, _)| matches!(k, b"VP8 " | b"VP8L" | b"ALPH" | b"ANMF"))
            .collect()
    }

    fn assert_same_pixels(format: Format, before: &[u8], after: &[u8], ctx: &str) {
        match format {
            Format::Jpeg => assert!(
                jpeg_scan(before) == jpeg_scan(after),
                "JPEG scan data changed: {ctx}"
            ),
            Format::Png => assert!(
                png_idat(before) == png_idat(after),
                "PNG IDAT changed: {ctx}"
            ),
            Format::WebP => assert!(
                webp_image(before) == webp_image(after),
                "WebP image chunks changed: {ctx}"
            ),
            _ => unreachable!(),
        }
    }

    #[test]
    fn strip_removes_all_metadata_and_keeps_pixels_and_orientation() {
        for (rel, format, bytes) in fixtures() {
            let before = read_metadata(format, &bytes).unwrap();
            if !format.can_strip() {
                assert_eq!(
                    strip(format, &bytes),
                    Err(ImageError::CannotStrip { format }),
                    "{rel}"
                );
                continue;
            }
            let stripped = strip(format, &bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let after =
                read_metadata(format, &stripped).unwrap_or_else(|e| panic!("{rel} stripped: {e}"));
            let ctx = format!("{rel}: {after:#?}");
            assert!(after.location.is_empty(), "location left in {ctx}");
            assert!(after.text.is_empty(), "text left in {ctx}");
            assert!(!after.has_metadata, "metadata left in {ctx}");
            assert_eq!(
                after.orientation,
                before.orientation.filter(|&o| o != 1),
                "orientation in {ctx}"
            );
            assert_same_pixels(format, &bytes, &stripped, &rel);
            assert_eq!(
                strip(format, &stripped).unwrap(),
                stripped,
                "strip is not idempotent on {rel}"
            );
            if stem(&rel) == "clean" {
                assert!(stripped == bytes, "a clean file changed: {rel}");
            }
            if format == Format::WebP {
                if let Some((_, vp8x)) = webp_chunks(&stripped)
                    .into_iter()
                    .find(|(k, _)| k == b"VP8X")
                {
                    assert_eq!(
                        vp8x[0] & (VP8X_EXIF | VP8X_XMP),
                        0,
                        "VP8X flags still claim metadata: {rel}"
                    );
                }
                assert!(
                    webp_chunks(&stripped)
                        .iter()
                        .all(|(k, _)| k != b"EXIF" && k != b"XMP "),
                    "{rel}"
                );
            }
        }
    }

    #[test]
    fn rotated_jpeg_keeps_only_orientation() {
        let bytes = load("jpeg/rotated.jpg");
        let stripped = strip(Format::Jpeg, &bytes).unwrap();
        let file = parse_jpeg(&stripped).unwrap();
        let app1: Vec<_> = file.segments.iter().filter(|s| s.marker == APP1).collect();
        assert_eq!(app1.len(), 1);
        let mut expected_payload = b"Exif\0\0".to_vec();
        expected_payload.extend(orientation_exif(6));
        assert_eq!(&stripped[app1[0].payload.clone()], &expected_payload[..]);
        // JFIF stays first, the orientation block right after it.
        assert_eq!(file.segments[0].marker, APP0);
        assert_eq!(file.segments[1].marker, APP1);
        let exif = exif::Reader::new().read_raw(orientation_exif(6)).unwrap();
        let o = exif.get_field(Tag::Orientation, In::PRIMARY).unwrap();
        assert_eq!(o.value.get_uint(0), Some(6));
        assert_eq!(exif.fields().count(), 1);
    }

    fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend(((payload.len() + 2) as u16).to_be_bytes());
        s.extend(payload);
        s
    }

    fn irb_with_iptc(records: &[u8]) -> Vec<u8> {
        let mut p = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
        p.extend((records.len() as u32).to_be_bytes());
        p.extend(records);
        if records.len() % 2 == 1 {
            p.push(0);
        }
        p
    }

    #[test]
    fn jpeg_icc_kept_comments_photoshop_and_trailers_removed() {
        let clean = load("jpeg/clean.jpg");
        let icc = jpeg_segment(APP2, b"ICC_PROFILE\0\x01\x01not a real profile");
        let adobe = jpeg_segment(APP14, b"Adobe\0\x64\0\0\0\0\x01");
        let com = jpeg_segment(COM, b"Zorblax Quimby at the fete");
        let iptc = jpeg_segment(APP13, &irb_with_iptc(b"\x1c\x02\x5a\x00\x0aExampleton"));
        let jfif_end = 4 + usize::from(u16::from_be_bytes([clean[4], clean[5]]));
        let mut b = clean[..jfif_end].to_vec();
        for s in [&icc, &com, &iptc, &adobe] {
            b.extend_from_slice(s);
        }
        b.extend_from_slice(&clean[jfif_end..]);
        // A multi-picture-style trailer: a second JPEG with GPS after the end of the first.
        b.extend_from_slice(&load("jpeg/gps.jpg"));

        let meta = read_metadata(Format::Jpeg, &b).unwrap();
        assert!(
            meta.location
                .iter()
                .any(|f| f.name == "IPTC 2:90 City" && f.value == "Exampleton"),
            "{meta:#?}"
        );
        assert!(
            meta.location.iter().any(|f| f.name == "GPSLatitude"),
            "trailer GPS missed: {meta:#?}"
        );
        assert!(
            meta.text.iter().any(|f| f.container == "JPEG COM"),
            "{meta:#?}"
        );
        assert!(meta.blocks.contains(&"trailing data"));
        assert_eq!(meta.orientation, None);

        let stripped = strip(Format::Jpeg, &b).unwrap();
        let mut want = clean[..jfif_end].to_vec();
        want.extend_from_slice(&icc);
        want.extend_from_slice(&adobe);
        want.extend_from_slice(&clean[jfif_end..]);
        assert!(
            stripped == want,
            "only the ICC and Adobe segments should be added to the clean file"
        );
        assert!(!read_metadata(Format::Jpeg, &stripped).unwrap().has_metadata);
    }

    #[test]
    fn jpeg_extended_xmp_and_unreadable_exif() {
        let clean = load("jpeg/clean.jpg");
        let xmp = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Exampleton"/></rdf:RDF></x:xmpmeta>"#;
        let (first, second) = xmp.split_at(60);
        let part = |offset: usize, data: &[u8]| {
            let mut p = XMP_EXTENSION_SIGNATURE.to_vec();
            p.extend([b'A'; 32]);
            p.extend((xmp.len() as u32).to_be_bytes());
            p.extend((offset as u32).to_be_bytes());
            p.extend(data);
            jpeg_segment(APP1, &p)
        };
        let mut b = clean[..2].to_vec();
        // Parts out of order, as they may be; and an EXIF block that isn't TIFF at all.
        b.extend(part(60, second));
        b.extend(part(0, first));
        b.extend(jpeg_segment(APP1, b"Exif\0\0this is not TIFF"));
        b.extend_from_slice(&clean[2..]);
        let meta = read_metadata(Format::Jpeg, &b).unwrap();
        assert!(
            meta.location
                .iter()
                .any(|f| f.name == "photoshop:City" && f.value == "Exampleton"),
            "{meta:#?}"
        );
        assert!(
            meta.location
                .iter()
                .any(|f| f.container == "EXIF" && f.name == "(unreadable)"),
            "{meta:#?}"
        );
        assert!(strip(Format::Jpeg, &b).unwrap() == clean);
    }

    #[test]
    fn jfif_thumbnail_is_dropped() {
        let clean = load("jpeg/clean.jpg");
        let jfif_end = 4 + usize::from(u16::from_be_bytes([clean[4], clean[5]]));
        let mut payload = clean[6..jfif_end].to_vec();
        payload[12] = 1;
        payload[13] = 1;
        payload.extend([255, 0, 0]);
        let mut b = clean[..2].to_vec();
        b.extend(jpeg_segment(APP0, &payload));
        b.extend_from_slice(&clean[jfif_end..]);
        assert!(
            read_metadata(Format::Jpeg, &b)
                .unwrap()
                .blocks
                .contains(&"JFIF thumbnail")
        );
        assert!(strip(Format::Jpeg, &b).unwrap() == clean);
    }

    fn png_with(rel: &str, extra: Vec<PngChunk>) -> Vec<u8> {
        let mut png = parse_png(&load(rel)).unwrap();
        for (i, chunk) in extra.into_iter().enumerate() {
            png.chunks_mut().insert(1 + i, chunk);
        }
        png.encoder().bytes().to_vec()
    }

    fn jpeg_exif(rel: &str) -> Vec<u8> {
        let b = load(rel);
        let file = parse_jpeg(&b).unwrap();
        let s = file
            .segments
            .iter()
            .find(|s| s.marker == APP1 && b[s.payload.clone()].starts_with(b"Exif"))
            .unwrap();
        b[s.payload.start + 6..s.payload.end].to_vec()
    }

    #[test]
    fn png_text_chunks_and_orientation() {
        let zlib = |d: &[u8]| miniz_oxide::deflate::compress_to_vec_zlib(d, 6);
        let mut iccp = b"sRGB-ish\0\0".to_vec();
        iccp.extend(zlib(b"not a real profile"));
        let mut ztxt = b"Description\0\0".to_vec();
        ztxt.extend(zlib(b"Zorblax Quimby"));
        let b = png_with(
            "png/clean.png",
            vec![
                PngChunk::new(*b"iCCP", Bytes::from(iccp.clone())),
                PngChunk::new(*b"eXIf", Bytes::from(jpeg_exif("jpeg/rotated.jpg"))),
                PngChunk::new(*b"tEXt", Bytes::from_static(b"Author\0Zorblax Quimby")),
                PngChunk::new(*b"zTXt", Bytes::from(ztxt)),
                PngChunk::new(
                    *b"iTXt",
                    Bytes::from_static(b"Location\0\0\0en\0\0Quimby Lane"),
                ),
                PngChunk::new(*b"tEXt", Bytes::from_static(b"Software\0ImageMagick")),
                PngChunk::new(*b"tIME", Bytes::from_static(&[7, 232, 1, 1, 0, 0, 0])),
                PngChunk::new(*b"vpAg", Bytes::from_static(&[0; 9])),
            ],
        );
        let meta = read_metadata(Format::Png, &b).unwrap();
        assert_eq!(meta.orientation, Some(6));
        assert!(
            meta.text
                .iter()
                .any(|f| f.container == "PNG tEXt" && f.name == "Author"),
            "{meta:#?}"
        );
        assert!(
            meta.text
                .iter()
                .any(|f| f.container == "PNG zTXt" && f.value == "Zorblax Quimby"),
            "{meta:#?}"
        );
        assert!(
            meta.location
                .iter()
                .any(|f| f.container == "PNG iTXt" && f.value == "Quimby Lane"),
            "{meta:#?}"
        );
        assert!(
            meta.location.iter().any(|f| f.name == "GPSLatitude"),
            "{meta:#?}"
        );
        assert!(!meta.text.iter().any(|f| f.name == "Software"));

        let stripped = strip(Format::Png, &b).unwrap();
        let kinds: Vec<[u8; 4]> = png_chunks(&stripped).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, [*b"IHDR", *b"eXIf", *b"iCCP", *b"IDAT", *b"IEND"]);
        assert_eq!(png_chunks(&stripped)[1].1, orientation_exif(6));
        assert_eq!(png_chunks(&stripped)[2].1, iccp);
        let after = read_metadata(Format::Png, &stripped).unwrap();
        assert_eq!(
            (after.orientation, after.has_metadata),
            (Some(6), false),
            "{after:#?}"
        );
    }

    fn webp_from(chunks: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
        let subchunks = chunks
            .into_iter()
            .map(|(id, d)| RiffChunk::new(id, RiffContent::Data(Bytes::from(d))))
            .collect();
        let riff = RiffChunk::new(
            *b"RIFF",
            RiffContent::List {
                kind: Some(*b"WEBP"),
                subchunks,
            },
        );
        WebP::new(riff).unwrap().encoder().bytes().to_vec()
    }

    #[test]
    fn webp_icc_kept_flags_cleared_orientation_written_back() {
        let mut chunks = webp_chunks(&load("webp/text.webp"));
        assert_eq!(&chunks[0].0, b"VP8X");
        chunks[0].1[0] |= 0x20; // ICC
        chunks.insert(1, (*b"ICCP", b"not a real profile".to_vec()));
        for (id, data) in chunks.iter_mut() {
            if id == b"EXIF" {
                *data = jpeg_exif("jpeg/rotated.jpg");
            }
        }
        let b = webp_from(chunks);
        let meta = read_metadata(Format::WebP, &b).unwrap();
        assert_eq!(meta.orientation, Some(6));
        assert!(!meta.location.is_empty() && !meta.text.is_empty());

        let stripped = strip(Format::WebP, &b).unwrap();
        let after = webp_chunks(&stripped);
        let ids: Vec<[u8; 4]> = after.iter().map(|(k, _)| *k).collect();
        assert_eq!(ids, [*b"VP8X", *b"ICCP", *b"VP8 ", *b"EXIF"]);
        assert_eq!(after[0].1[0], 0x20 | VP8X_EXIF);
        assert_eq!(after[3].1, orientation_exif(6));
        assert_same_pixels(Format::WebP, &b, &stripped, "text.webp + ICC");
        let meta = read_metadata(Format::WebP, &stripped).unwrap();
        assert_eq!((meta.orientation, meta.has_metadata), (Some(6), false));

        // A simple-format (no VP8X) file carrying an EXIF chunk anyway.
        let mut chunks = webp_chunks(&load("webp/clean.webp"));
        chunks.push((*b"EXIF", jpeg_exif("jpeg/rotated.jpg")));
        let b = webp_from(chunks);
        let stripped = strip(Format::WebP, &b).unwrap();
        let ids: Vec<[u8; 4]> = webp_chunks(&stripped).iter().map(|(k, _)| *k).collect();
        assert_eq!(ids, [*b"VP8X", *b"VP8 ", *b"EXIF"]);
        let meta = read_metadata(Format::WebP, &stripped).unwrap();
        assert_eq!((meta.orientation, meta.has_metadata), (Some(6), false));
    }

    #[test]
    fn xmp_attributes_custom_prefixes_and_structures() {
        let xmp = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Test">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:ps="http://ns.adobe.com/photoshop/1.0/"
    xmlns:ext="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:t="http://ns.adobe.com/tiff/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
    xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
    ps:City="Exampleton &amp; District" t:Orientation="8" xmp:CreatorTool="Camera &#x41;pp">
   <ext:LocationCreated><rdf:Bag><rdf:li><rdf:Description ext:Sublocation="Quimby Lane"/></rdf:li></rdf:Bag></ext:LocationCreated>
   <dc:creator><rdf:Seq><rdf:li>Zorblax Quimby</rdf:li></rdf:Seq></dc:creator>
   <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
     <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Zorblax Quimby</mwg-rs:Name><mwg-rs:Area stArea:x="0.5"/></rdf:li>
   </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default"><![CDATA[Sports <day>]]></rdf:li></rdf:Alt></dc:title>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>"#;
        let mut found = Found::default();
        read_xmp(xmp.as_bytes(), &mut found);
        let meta = found.finish();
        let loc: Vec<_> = meta
            .location
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            loc,
            [
                ("photoshop:City", "Exampleton & District"),
                (
                    "Iptc4xmpExt:LocationCreated/Iptc4xmpExt:Sublocation",
                    "Quimby Lane"
                )
            ]
        );
        let text: Vec<_> = meta
            .text
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            text,
            [
                ("dc:creator", "Zorblax Quimby"),
                (
                    "mwg-rs:Regions/mwg-rs:RegionList/mwg-rs:Name",
                    "Zorblax Quimby"
                ),
                ("dc:title", "Sports <day>")
            ]
        );
        assert_eq!(meta.orientation, Some(8));
        assert_eq!(meta.blocks, ["XMP"]);
    }

    #[test]
    fn svg_and_gif_metadata() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:cc="http://creativecommons.org/ns#"><metadata><rdf:RDF><cc:Work rdf:about="">
 <dc:title>Zorblax Quimby</dc:title></cc:Work></rdf:RDF></metadata><rect width="1" height="1"/></svg>"#;
        assert_eq!(format_of(Path::new("x"), svg), Format::Svg);
        let meta = read_metadata(Format::Svg, svg).unwrap();
        assert_eq!(meta.text.len(), 1, "{meta:#?}");
        assert_eq!(
            strip(Format::Svg, svg),
            Err(ImageError::CannotStrip {
                format: Format::Svg
            })
        );

        // 1x1 GIF with a comment extension.
        let mut gif = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff".to_vec();
        gif.extend(b"\x21\xfe\x0eZorblax Quimby\0");
        gif.extend(b"\x2c\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0\x3b");
        let meta = read_metadata(Format::Gif, &gif).unwrap();
        assert_eq!(
            meta.text.first().map(|f| f.value.as_str()),
            Some("Zorblax Quimby"),
            "{meta:#?}"
        );
        assert!(read_metadata(Format::Gif, &gif[..gif.len() - 1]).is_err());
    }

    /// xorshift: deterministic pseudo-random bytes without a dependency.
    fn rng(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed.max(1);
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    #[test]
    fn truncated_corrupt_and_random_input_errors_without_panicking() {
        for (rel, format, bytes) in fixtures() {
            for len in 0..bytes.len() {
                let cut = &bytes[..len];
                let read = read_metadata(format, cut);
                let stripped = strip(format, cut);
                if matches!(format, Format::Jpeg | Format::Png | Format::WebP) {
                    assert!(read.is_err(), "{rel} cut to {len} bytes was read: {read:?}");
                    assert!(stripped.is_err(), "{rel} cut to {len} bytes was stripped");
                }
            }
            // Flip a few bytes at a time.
            let mut next = rng(bytes.len() as u64);
            for _ in 0..300 {
                let mut b = bytes.clone();
                for _ in 0..1 + next() % 4 {
                    let at = (next() % b.len() as u64) as usize;
                    b[at] = next() as u8;
                }
                let _ = read_metadata(format, &b);
                if let Ok(out) = strip(format, &b) {
                    let _ = read_metadata(format, &out);
                }
            }
        }
        let mut next = rng(42);
        let formats = [
            Format::Jpeg,
            Format::Png,
            Format::WebP,
            Format::Tiff,
            Format::Heif,
            Format::Gif,
            Format::Svg,
            Format::Other,
        ];
        let magics: [&[u8]; 8] = [
            b"",
            b"\xff\xd8\xff",
            b"\x89PNG\r\n\x1a\n",
            b"RIFF\x40\0\0\0WEBPVP8X",
            b"II*\0\x08\0\0\0",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
            b"GIF89a",
            b"<svg><rdf:RDF><rdf:Description>",
        ];
        for round in 0..2000 {
            let magic = magics[round % magics.len()];
            let len = (next() % 300) as usize;
            let mut b = magic.to_vec();
            b.extend((0..len).map(|_| next() as u8));
            for format in formats {
                let _ = read_metadata(format, &b);
                let _ = strip(format, &b);
            }
            assert!(read_metadata(Format::Other, &b).is_err());
        }
    }
}
