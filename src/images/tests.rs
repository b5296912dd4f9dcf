//! Tests of reading and stripping metadata, format by format.

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
