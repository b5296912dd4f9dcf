//! EXIF (through kamadak-exif): GPS and the text fields that may name people.

use super::*;

/// What an EXIF block is part of, which decides what counts as metadata in it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ExifRole {
    /// A metadata block inside another format: everything in it but Orientation is metadata.
    Embedded,
    /// A TIFF file's own IFDs: only descriptive tags and sub-IFDs are metadata.
    TiffFile,
}

pub(super) const TAG_ORIENTATION: u16 = 0x0112;
pub(super) const TAG_XMP: u16 = 700;
pub(super) const TAG_IPTC: u16 = 33723;
pub(super) const TAG_PHOTOSHOP: u16 = 34377;

/// IFD0 tags of a TIFF file that are descriptive metadata rather than image structure.
pub(super) const TIFF_DESCRIPTIVE: &[u16] = &[
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

pub(super) fn exif_text_name(tag: Tag) -> Option<&'static str> {
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
pub(super) fn value_bytes(value: &Value, little_endian: bool) -> Option<Vec<u8>> {
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

pub(super) fn exif_text_value(tag: Tag, value: &Value, little_endian: bool) -> String {
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
pub(super) fn read_exif(data: &[u8], found: &mut Found, role: ExifRole) {
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

pub(super) fn read_exif_fields(exif: &exif::Exif, found: &mut Found, role: ExifRole) {
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
