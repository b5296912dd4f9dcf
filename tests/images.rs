//! Checks `images::strip` with independent tools: exiftool must find no location, XMP, IPTC or
//! text left in the stripped fixtures, and the stripped files must still decode (dwebp,
//! ImageMagick's identify) to the same pixels.
//!
//! The three are required in CI, which installs them (Debian `libimage-exiftool-perl`, `webp`,
//! `imagemagick`); elsewhere each check is skipped with a message saying what to install.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::checker_present;
use common::image_tags::is_structure;

use policypress::images::{Format, format_of, read_metadata, strip};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images")
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
    // Asked first, so that a missing one fails in CI before any work.
    let exiftool = checker_present("exiftool", "apt-get install libimage-exiftool-perl");
    let dwebp = checker_present("dwebp", "apt-get install webp");
    let identify = checker_present("identify", "apt-get install imagemagick");
    if !exiftool {
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

    // Nothing else that could name anyone either: every tag exiftool finds, in every group,
    // is the file's own structure (a short list) or the orientation of rotated.jpg.
    for object in exiftool_json(&["-j", "-a", "-G1", "-s"], &stripped) {
        let file = object["SourceFile"].as_str().unwrap().to_string();
        let left: Vec<_> = object
            .keys()
            .filter(|k| *k != "SourceFile" && !is_structure(k))
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

    if dwebp {
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
    }

    if identify {
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
    }
}
