//! What a file of `static/` is and what it says about people and places, told by its bytes
//! (never by its name), before it is published.
//!
//! Pure: bytes in, the bytes to publish (or none: refused), findings and text to check for
//! pupils' names out. `site::load` reads the files (through `source_files`) and calls
//! [`check`] on each.
//!
//! - Images of any name (a `.jpe`, a `.bin` that is a JPEG) go through `images`: their
//!   declared size is checked first ([`crate::images::dimensions`]: no decompression bombs),
//!   then location metadata is removed losslessly or refused, and the copy read again.
//! - PDF ([`pdf`]), MP4/MOV ([`bmff`]) and Office files ([`office`]) are read for their
//!   author, location and descriptive metadata: author or location refuses the file (they
//!   can't be removed without rewriting it), descriptive text is checked for names.
//! - SVG ([`svg`]) with active content (scripts, event handlers, `javascript:` links,
//!   embedded HTML) is refused; its whole text is checked for names.
//! - Text files (HTML, JSON, CSV, TSV, plain text, …) are checked for names in their whole
//!   text ([`text`]).

mod bmff;
mod office;
mod pdf;
mod svg;
mod text;
pub(crate) mod zip;

use crate::diagnostics::Diagnostic;
use crate::images::{self, Field, Format};
use crate::ruleset::ImagePolicy;
use crate::ruleset::RuleId;

pub use text::{FileText, TextPlace};

/// What a file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An image (SVG included), in this format: checked and stripped by `images`.
    Image(Format),
    /// A PDF, read for its author, location and descriptive metadata.
    Pdf,
    /// ISO base media (MP4, MOV, M4A, 3GP) that is not a HEIF image.
    Media,
    /// A ZIP archive (Office Open XML, OpenDocument, EPUB, or a plain ZIP).
    Zip,
    /// An OLE2 compound file: old Office formats, and encrypted Office files.
    Ole,
    /// A compressed SVG (`.svgz`), which can't be checked.
    Compressed,
    /// UTF-8 (or UTF-16 with a byte-order mark) text.
    Text,
    /// A format that carries camera, location or author metadata PolicyPress cannot read
    /// (Photoshop, JPEG XL, JPEG 2000, camera raw files, tagged audio, Ogg, Matroska,
    /// AVI): refused. Named for the message.
    Unchecked(&'static str),
    /// Any other binary file: published as it is, with nothing to check.
    Other,
}

/// The formats of [`Kind::Unchecked`], by their first bytes: (signature, offset, name).
const UNCHECKED: [(&[u8], usize, &str); 18] = [
    (b"8BPS\0", 0, "Photoshop (PSD)"),
    (&[0xFF, 0x0A], 0, "JPEG XL"),
    (b"\0\0\0\x0CJXL \r\n\x87\n", 0, "JPEG XL"),
    (b"\0\0\0\x0CjP  \r\n\x87\n", 0, "JPEG 2000"),
    (&[0xFF, 0x4F, 0xFF, 0x51], 0, "JPEG 2000"),
    (b"IIRO", 0, "Olympus raw"),
    (b"IIRS", 0, "Olympus raw"),
    (b"MMOR", 0, "Olympus raw"),
    (b"IIU\0", 0, "Panasonic raw"),
    (b"FUJIFILMCCD-RAW", 0, "Fujifilm raw"),
    (b"ftypcrx ", 4, "Canon raw (CR3)"),
    (b"ID3\x02", 0, "MP3 with tags (ID3)"),
    (b"ID3\x03", 0, "MP3 with tags (ID3)"),
    (b"ID3\x04", 0, "MP3 with tags (ID3)"),
    (b"OggS\0", 0, "Ogg audio or video"),
    (b"fLaC", 0, "FLAC audio"),
    (&[0x1A, 0x45, 0xDF, 0xA3], 0, "Matroska or WebM video"),
    (b"AVI ", 8, "AVI video"),
];

/// The name of a format whose metadata can't be checked, if `b` is one: [`UNCHECKED`], a WAV
/// file with tags (`LIST` or `id3 ` chunks) and an MP3 with ID3v1 tags at its end.
fn unchecked(b: &[u8]) -> Option<&'static str> {
    if let Some((_, _, name)) = UNCHECKED
        .iter()
        .find(|(sig, at, _)| b.get(*at..at + sig.len()) == Some(*sig))
    {
        return Some(name);
    }
    if b.starts_with(b"RIFF") && b.get(8..12) == Some(&b"WAVE"[..]) {
        let tagged = b
            .windows(4)
            .any(|w| w == b"LIST" || w == b"id3 " || w == b"ID3 ");
        return tagged.then_some("WAV audio with tags");
    }
    let mpeg_frame = b.len() > 128 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0;
    if mpeg_frame && &b[b.len() - 128..b.len() - 125] == b"TAG" {
        return Some("MP3 with tags (ID3v1)");
    }
    None
}

/// Tells a file's kind by its bytes; the name is only used for an image whose bytes don't say
/// (a damaged `.jpg` is still read, and refused, as a JPEG).
pub fn sniff(rel: &str, b: &[u8]) -> Kind {
    let image = images::format_of(std::path::Path::new(rel), b);
    if image != Format::Other && image != Format::Svg {
        return Kind::Image(image);
    }
    let lower = rel.to_ascii_lowercase();
    let svg_name = lower.ends_with(".svg") || lower.ends_with(".svgz");
    // A file named .svg is served as SVG, which runs scripts whatever its first element.
    if svg::is_svg(b) || (svg_name && text::decode(b).is_some()) {
        return Kind::Image(Format::Svg);
    }
    if b[..b.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Kind::Pdf;
    }
    if let Some(name) = unchecked(b) {
        return Kind::Unchecked(name);
    }
    if bmff::is_media(b) {
        return Kind::Media;
    }
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") {
        return Kind::Zip;
    }
    if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Kind::Ole;
    }
    if b.starts_with(&[0x1F, 0x8B]) && svg_name {
        return Kind::Compressed;
    }
    if text::decode(b).is_some() {
        return Kind::Text;
    }
    Kind::Other
}

/// The outcome of checking one file.
#[derive(Debug, Default)]
pub struct Checked {
    /// The bytes to publish (stripped, for images), or `None` when the file is refused.
    pub publish: Option<Vec<u8>>,
    /// Findings about the file, such as why it was refused.
    pub findings: Vec<Diagnostic>,
    /// Text fields of an image's metadata, for the name check.
    pub image_text: Vec<Field>,
    /// Other text of the file (its body, a document's title or keywords), for the name check.
    pub text: Vec<FileText>,
}

impl Checked {
    fn refuse(mut self, d: Diagnostic) -> Checked {
        self.findings.push(d);
        self.publish = None;
        self
    }
}

/// What a document format said about itself: for [`refuse_personal`].
#[derive(Debug, Default)]
pub(crate) struct DocumentMeta {
    /// Fields naming who wrote or edited the file (`Author`, `dc:creator`, `lastModifiedBy`,
    /// a comment's author), as (field, value).
    pub authors: Vec<(String, String)>,
    /// Fields telling a place (GPS, ISO 6709, XMP location), as (field, value).
    pub location: Vec<(String, String)>,
    /// Descriptive text (title, subject, keywords, comments), checked for names.
    pub text: Vec<(String, String)>,
    /// Why the file can't be checked at all (encrypted, macros, damaged), if it can't.
    pub unreadable: Option<String>,
}

/// Checks one file of `static/` (`name` is `static/<rel>`, as findings show it).
pub fn check(name: &str, rel: &str, bytes: Vec<u8>, policy: ImagePolicy) -> Checked {
    match sniff(rel, &bytes) {
        Kind::Image(format) => image(name, format, bytes, policy),
        Kind::Pdf => document(name, "PDF", pdf::read(&bytes), bytes, PDF_HINT),
        Kind::Media => document(name, "video", bmff::read(&bytes), bytes, MEDIA_HINT),
        Kind::Zip => {
            let meta = office::read(&bytes);
            document(name, "Office", meta, bytes, OFFICE_HINT)
        }
        Kind::Ole => Checked::default().refuse(
            Diagnostic::error("file-metadata", name, "this is an old-format or password-protected Office file, whose author and hidden content can't be checked")
                .with_hint("save it as PDF (or .docx/.xlsx/.pptx without a password) and remove the author in File > Info > Check for issues > Inspect document"),
        ),
        Kind::Compressed => Checked::default().refuse(
            Diagnostic::error("file-metadata", name, "this is a compressed SVG, which can't be checked for scripts")
                .with_hint("publish it uncompressed, as .svg"),
        ),
        Kind::Unchecked(what) => Checked::default().refuse(
            Diagnostic::error("file-metadata", name, format!("this is a {what} file, whose camera, location or author details PolicyPress can't check"))
                .with_hint("export it as JPEG, PNG or WebP (a picture), MP4 (a video), M4A or untagged MP3 (audio) or PDF, which are checked before they are published"),
        ),
        Kind::Text => {
            let text = text::of(name, rel, &bytes);
            Checked {
                publish: Some(bytes),
                text,
                ..Checked::default()
            }
        }
        Kind::Other => Checked {
            publish: Some(bytes),
            ..Checked::default()
        },
    }
}

const PDF_HINT: &str = "export the PDF again without author details (in Word: File > Info > Check for issues > Inspect document > Document properties and personal information > Remove all; or untick \"Document properties\" in the PDF options)";
const MEDIA_HINT: &str = "export the video again without metadata (for example `ffmpeg -i IN -map_metadata -1 -c copy OUT.mp4`), or switch off location on the camera";
const OFFICE_HINT: &str = "remove the author and comments (in Word, Excel or PowerPoint: File > Info > Check for issues > Inspect document > Remove all), save without macros, or publish a PDF instead";

/// A PDF, video or Office file: refused if it names its author or a place or can't be read;
/// its descriptive text goes to the name check.
fn document(name: &str, what: &str, meta: DocumentMeta, bytes: Vec<u8>, hint: &str) -> Checked {
    let mut out = Checked {
        publish: Some(bytes),
        ..Checked::default()
    };
    out.text = meta
        .text
        .iter()
        .chain(&meta.authors)
        .map(|(field, value)| FileText {
            file: name.to_string(),
            place: TextPlace::Metadata(format!("{what} {field}")),
            text: value.clone(),
        })
        .collect();
    let fields = |list: &[(String, String)]| {
        let mut names: Vec<&str> = list.iter().map(|(f, _)| f.as_str()).collect();
        names.dedup();
        names.join(", ")
    };
    if let Some(why) = &meta.unreadable {
        return out.refuse(
            Diagnostic::error(
                "file-metadata",
                name,
                format!("this {what} file can't be checked for personal metadata: {why}"),
            )
            .with_hint(hint),
        );
    }
    if !meta.location.is_empty() {
        return out.refuse(
            Diagnostic::error(
                "file-metadata",
                name,
                format!(
                    "this {what} file records a place ({})",
                    fields(&meta.location)
                ),
            )
            .with_hint(hint),
        );
    }
    if !meta.authors.is_empty() {
        return out.refuse(
            Diagnostic::error(
                "file-metadata",
                name,
                format!(
                    "this {what} file names who wrote or edited it ({})",
                    fields(&meta.authors)
                ),
            )
            .with_hint(hint),
        );
    }
    out
}

/// An image: its declared size first, then its metadata (removed or refused, and the copy
/// read again).
fn image(name: &str, format: Format, bytes: Vec<u8>, policy: ImagePolicy) -> Checked {
    let mut out = Checked::default();
    if let Some(d) = images::dimensions(format, &bytes).filter(|d| d.too_large()) {
        return out.refuse(
            Diagnostic::error("image-too-large", name, format!(
                "this image says it is {} × {} pixels, too large to publish or print safely (the limit is {} megapixels, and {} pixels a side)",
                d.width, d.height, images::MAX_PIXELS / 1_000_000, images::MAX_SIDE
            ))
            .with_hint("resize the image (a web page needs no more than about 2000 pixels across) and export it again"),
        );
    }
    if format == Format::Svg {
        if let Some(why) = svg::active_content(&bytes) {
            return out.refuse(
                Diagnostic::error("file-metadata", name, format!("this SVG has active content ({why}), which would run on the site's pages"))
                    .with_hint("export the drawing again as plain SVG (in Inkscape: Save as > Optimized SVG or Plain SVG) or as PNG"),
            );
        }
        out.text = text::of(name, "", &bytes);
    }
    let refuse =
        |message: String, hint: &str| RuleId::ImageGeodata.error(name, message).with_hint(hint);
    let meta = match images::read_metadata(format, &bytes) {
        Ok(m) => m,
        Err(e) => {
            return out.refuse(refuse(
                format!(
                    "this image's metadata can't be read ({e}), so it can't be checked for location"
                ),
                "open the photo in an image editor and export it again as JPEG, PNG or WebP",
            ));
        }
    };
    out.image_text = meta.text.clone();
    let fields = |list: &[Field]| {
        list.iter()
            .map(|f| format!("{} {}", f.container, f.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !meta.location.is_empty() && policy == ImagePolicy::Fail {
        return out.refuse(refuse(
            format!("this photo records where it was taken ({})", fields(&meta.location)),
            "remove the location from the photo (most phones and editors can), or set [rules.image-geodata] policy = \"strip\" to publish copies without it",
        ));
    }
    if !meta.has_metadata {
        out.publish = Some(bytes);
        return out;
    }
    if !format.can_strip() || format == Format::Other {
        return out.refuse(refuse(
            format!("this {format} image has metadata{} that can't be removed from this format", if meta.location.is_empty() { String::new() } else { format!(", including its location ({})", fields(&meta.location)) }),
            "export the image as JPEG, PNG or WebP without metadata; web browsers show those anyway",
        ));
    }
    match images::strip(format, &bytes)
        .and_then(|clean| images::read_metadata(format, &clean).map(|m| (clean, m)))
    {
        Ok((clean, after)) if after.location.is_empty() && !after.has_metadata => {
            out.publish = Some(clean);
            out
        }
        Ok((_, after)) => out.refuse(refuse(
            format!(
                "metadata was left after removing it ({})",
                fields(&after.location)
            ),
            "export the image again without metadata",
        )),
        Err(e) => out.refuse(refuse(
            format!("the metadata could not be removed: {e}"),
            "export the image again as JPEG, PNG or WebP",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_that_cannot_be_checked_are_told_by_their_bytes_and_lookalikes_are_not() {
        for (bytes, what) in [
            (&b"8BPS\0\x01rest"[..], "Photoshop (PSD)"),
            (b"\xFF\x0A\x00", "JPEG XL"),
            (b"ID3\x04\0\0\0\0\0\0", "MP3 with tags (ID3)"),
            (b"OggS\0\x02", "Ogg audio or video"),
            (b"RIFF\0\0\0\0WAVEfmt LIST", "WAV audio with tags"),
            (b"\0\0\0\x18ftypcrx \0\0\0\x01", "Canon raw (CR3)"),
        ] {
            assert_eq!(sniff("x.bin", bytes), Kind::Unchecked(what), "{what}");
        }
        // Text that starts like a signature, an untagged WAV and a plain MP3 frame are not.
        assert_eq!(sniff("notes.txt", b"ID3 and OggS are formats"), Kind::Text);
        assert_eq!(
            sniff("a.wav", b"RIFF\0\0\0\0WAVEfmt \0\0\0\0data"),
            Kind::Other
        );
        assert_eq!(
            sniff("a.mp3", &[0xFF, 0xFB, 0x90, 0x00, 0x80, 0x81]),
            Kind::Other
        );
    }
}
