//! Which tags exiftool may still find in a published image: the file's own structure.

/// Whether `Group:Tag` (exiftool's `-G1` name) describes the file's structure or what
/// exiftool itself is, not anything written about the picture: its name, size and type
/// (System, File), the exiftool version, values exiftool works out from those (Composite),
/// the JPEG's JFIF header, and PNG and WebP image structure.
pub fn is_structure(key: &str) -> bool {
    let (group, tag) = key.split_once(':').unwrap_or(("", key));
    match group {
        "ExifTool" => tag == "ExifToolVersion",
        "System" => SYSTEM.contains(&tag),
        "File" => FILE.contains(&tag),
        "Composite" => matches!(tag, "ImageSize" | "Megapixels"),
        "JFIF" => JFIF.contains(&tag),
        "RIFF" => RIFF.contains(&tag),
        g if g.starts_with("PNG") => PNG_STRUCTURE.contains(&tag),
        _ => false,
    }
}

const SYSTEM: &[&str] = &[
    "FileName",
    "Directory",
    "FileSize",
    "FileModifyDate",
    "FileAccessDate",
    "FileInodeChangeDate",
    "FilePermissions",
];

const FILE: &[&str] = &[
    "FileType",
    "FileTypeExtension",
    "MIMEType",
    "ImageWidth",
    "ImageHeight",
    "EncodingProcess",
    "BitsPerSample",
    "ColorComponents",
    "YCbCrSubSampling",
    // Kept with the one EXIF tag that may stay (rotated.jpg's orientation).
    "ExifByteOrder",
];

const JFIF: &[&str] = &[
    "JFIFVersion",
    "ResolutionUnit",
    "XResolution",
    "YResolution",
];

const RIFF: &[&str] = &[
    "VP8Version",
    "ImageWidth",
    "ImageHeight",
    "HorizontalScale",
    "VerticalScale",
    "AlphaPreprocessing",
    "AlphaFiltering",
    "AlphaCompression",
    "WebP_Flags",
    "ImageFeatures",
];

const PNG_STRUCTURE: &[&str] = &[
    "ImageWidth",
    "ImageHeight",
    "BitDepth",
    "ColorType",
    "Compression",
    "Filter",
    "Interlace",
    "Palette",
    "Gamma",
    "WhitePointX",
    "WhitePointY",
    "RedX",
    "RedY",
    "GreenX",
    "GreenY",
    "BlueX",
    "BlueY",
    "BackgroundColor",
    "PixelUnits",
    "PixelsPerUnitX",
    "PixelsPerUnitY",
    "SRGBRendering",
    "Transparency",
];
