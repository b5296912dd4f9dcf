//! Checks `images::strip` with independent tools: exiftool must find no location, XMP, IPTC or
//! text left in the stripped fixtures, and the stripped files must still decode (dwebp,
//! ImageMagick's identify) to the same pixels.
//!
//! exiftool is required in CI, which installs it (Debian `libimage-exiftool-perl`); elsewhere
//! the test is skipped with a message when it is missing. dwebp (Debian `webp`) and identify
//! (Debian `imagemagick`) are used when present.

use std::path::{Path, PathBuf};
use std::process::Command;

use policypress::images::{Format, format_of, read_metadata, strip};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images")
}

fn on_path(tool: &str) -> bool {
    Command::new(tool)
        .arg(if tool == "exiftool" {
            "-ver"
        } else {
            "-version"
        })
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Strips every JPEG, PNG and WebP fixture into `dir`; returns (original, stripped) paths.
fn strip_fixtures(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for sub in ["jpeg", "png", "webp"] {
        let mut entries: Vec<_> = std::fs::read_dir(fixtures_dir().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for original in entries {
            let bytes = std::fs::read(&original).unwrap();
            let format = format_of(&original, &bytes);
            assert!(
                matches!(format, Format::Jpeg | Format::Png | Format::WebP),
                "{}",
                original.display()
            );
            let stripped =
                strip(format, &bytes).unwrap_or_else(|e| panic!("{}: {e}", original.display()));
            let meta = read_metadata(format, &stripped).unwrap();
            assert!(
                !meta.has_metadata && meta.location.is_empty(),
                "{}: {meta:?}",
                original.display()
            );
            let target = dir.join(format!(
                "{sub}-{}",
                original.file_name().unwrap().to_string_lossy()
            ));
            std::fs::write(&target, stripped).unwrap();
            out.push((original, target));
        }
    }
    assert!(out.len() >= 15, "fixtures missing");
    out
}

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

fn exiftool_json(
    args: &[&str],
    files: &[&Path],
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let output = Command::new("exiftool")
        .args(args)
        .args(files)
        .output()
        .expect("run exiftool");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let parsed: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "exiftool output isn't JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    parsed
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|o| o.as_object().expect("a JSON object").clone())
        .collect()
}

#[test]
fn stripped_fixtures_pass_independent_checks() {
    if !on_path("exiftool") {
        // Required in CI (.ci/run installs it); on a developer's machine, say what is missing.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install exiftool (Debian: apt-get install libimage-exiftool-perl)"
        );
        eprintln!(
            "skipped: the independent image check needs exiftool (apt-get install libimage-exiftool-perl)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pairs = strip_fixtures(dir.path());
    let stripped: Vec<&Path> = pairs.iter().map(|(_, s)| s.as_path()).collect();
    let originals: Vec<&Path> = pairs.iter().map(|(o, _)| o.as_path()).collect();

    // The check the brief names: no GPS, XMP or IPTC tags at all.
    for object in exiftool_json(&["-j", "-gps:all", "-xmp:all", "-iptc:all"], &stripped) {
        let left: Vec<_> = object.keys().filter(|k| *k != "SourceFile").collect();
        assert!(
            left.is_empty(),
            "exiftool still finds {left:?} in {}",
            object["SourceFile"]
        );
    }
    // The originals do have them, so the check above can fail.
    let before = exiftool_json(&["-j", "-gps:all", "-xmp:all", "-iptc:all"], &originals);
    assert!(
        before.iter().filter(|o| o.len() > 1).count() >= 10,
        "exiftool found too little in the fixtures"
    );

    // Nothing else that could name anyone either: only the orientation of rotated.jpg may stay.
    let wide = [
        "-j",
        "-a",
        "-G1",
        "-EXIF:all",
        "-Photoshop:all",
        "-PNG:all",
        "-File:Comment",
        "-Warning",
        "-Error",
    ];
    for object in exiftool_json(&wide, &stripped) {
        let file = object["SourceFile"].as_str().unwrap().to_string();
        let left: Vec<_> = object
            .keys()
            .filter(|k| *k != "SourceFile")
            // PNG image structure (IHDR, PLTE, gAMA, cHRM, bKGD, pHYs, sRGB), not metadata.
            .filter(|k| {
                !(k.starts_with("PNG")
                    && PNG_STRUCTURE.contains(&k.split(':').nth(1).unwrap_or("")))
            })
            .filter(|k| !(file.ends_with("rotated.jpg") && *k == "IFD0:Orientation"))
            .collect();
        assert!(
            left.is_empty(),
            "exiftool finds {left:?} in {file}: {object:?}"
        );
        if file.ends_with("rotated.jpg") {
            assert_eq!(
                object.get("IFD0:Orientation").and_then(|v| v.as_str()),
                Some("Rotate 90 CW"),
                "{object:?}"
            );
        }
    }

    if on_path("dwebp") {
        for path in stripped
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "webp"))
        {
            let out = dir.path().join("decoded.png");
            let status = Command::new("dwebp")
                .arg("-quiet")
                .arg(path)
                .arg("-o")
                .arg(&out)
                .status()
                .unwrap();
            assert!(status.success(), "dwebp can't decode {}", path.display());
        }
    } else {
        eprintln!("dwebp not found; WebP decode check skipped");
    }

    if on_path("identify") {
        // The pixel signature of the decoded image must not change. Only the stripped file must
        // decode without warnings: ImageMagick warns about some originals' XMP.
        let signature = |p: &Path, strict: bool| {
            let mut command = Command::new("identify");
            if strict {
                command.arg("-regard-warnings");
            }
            let o = command.args(["-format", "%#"]).arg(p).output().unwrap();
            assert!(
                o.status.success(),
                "identify can't decode {}: {}",
                p.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            String::from_utf8_lossy(&o.stdout).into_owned()
        };
        for (original, stripped) in &pairs {
            assert_eq!(
                signature(original, false),
                signature(stripped, true),
                "pixels differ after stripping {}",
                original.display()
            );
        }
    } else {
        eprintln!("identify not found; pixel signature check skipped");
    }
}
