//! Photos in a built site: location metadata is removed from every published copy (checked
//! with exiftool, a reader that is not ours), sources are never touched, `policy = "fail"`
//! refuses instead, and pupils' names in metadata are found.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The single-school site with photos of every strippable format in `static/photos/`.
fn site_with_photos(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("single"), dir.path());
    let photos = dir.path().join("static/photos");
    std::fs::create_dir_all(&photos).unwrap();
    for name in names {
        let (format, file) = name.split_once('/').unwrap();
        std::fs::copy(
            fixtures().join("images").join(format).join(file),
            photos.join(format!("{format}-{file}")),
        )
        .unwrap();
    }
    dir
}

fn build(root: &Path) -> std::process::Output {
    assert_cmd::Command::cargo_bin("policypress")
        .unwrap()
        .env(ROSTER_KEY_ENV, TEST_ROSTER_KEY)
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(root)
        .output()
        .unwrap()
}

fn exiftool_available() -> bool {
    common::checker_present("exiftool", "apt-get install libimage-exiftool-perl")
}

const WITH_LOCATION: [&str; 9] = [
    "jpeg/gps.jpg",
    "jpeg/xmp.jpg",
    "jpeg/iptc.jpg",
    "jpeg/rotated.jpg",
    "png/gps.png",
    "png/xmp.png",
    "png/im-exif.png",
    "webp/gps.webp",
    "webp/xmp.webp",
];

#[test]
fn published_photos_carry_no_location_and_sources_are_untouched() {
    if !exiftool_available() {
        return;
    }
    let mut names: Vec<&str> = WITH_LOCATION.to_vec();
    // Location and names in PNG text chunks and a raw profile, beside the clean ones.
    names.extend([
        "png/text.png",
        "png/raw-profile.png",
        "jpeg/clean.jpg",
        "png/garden.png",
        "webp/clean.webp",
    ]);
    let dir = site_with_photos(&names);
    let sources: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir.path().join("static/photos"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    // The sources do have location metadata, as exiftool sees it.
    let source_gps = Command::new("exiftool")
        .args(["-s", "-gps:all", "-xmp:all", "-iptc:all"])
        .arg(dir.path().join("static/photos/jpeg-gps.jpg"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&source_gps.stdout).contains("GPSLatitude"));

    let out = build(dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (path, bytes) in &sources {
        assert_eq!(
            &std::fs::read(path).unwrap(),
            bytes,
            "{path:?} was modified"
        );
    }
    let published = dir.path().join("public/photos");
    let report = Command::new("exiftool")
        // Every tag in every group (PNG text chunks, RIFF, Photoshop … as well as EXIF).
        .args(["-j", "-G1", "-a", "-s"])
        .arg(&published)
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let files = list.as_array().unwrap();
    assert_eq!(files.len(), names.len());
    for file in files {
        let name = file["SourceFile"].as_str().unwrap();
        for (key, _) in file.as_object().unwrap() {
            let allowed = key == "SourceFile"
                || common::image_tags::is_structure(key)
                || key == "IFD0:Orientation";
            assert!(allowed, "{name} still has {key}");
        }
    }
    // The rotated photo keeps its orientation.
    let o = Command::new("exiftool")
        .args(["-s3", "-n", "-Orientation"])
        .arg(published.join("jpeg-rotated.jpg"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "6");
}

#[test]
fn policy_fail_refuses_photos_with_location_and_not_lookalikes() {
    let dir = site_with_photos(&[
        "jpeg/gps.jpg",
        "png/xmp.png",
        "webp/gps.webp",
        "jpeg/garden.jpg",
        "png/clean.png",
    ]);
    let site_toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        format!("{site_toml}\n[rules.image-geodata]\npolicy = \"fail\"\n"),
    )
    .unwrap();
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for bad in [
        "static/photos/jpeg-gps.jpg",
        "static/photos/png-xmp.png",
        "static/photos/webp-gps.webp",
    ] {
        assert!(stderr.contains(bad), "{bad} not reported:\n{stderr}");
    }
    for fine in ["jpeg-garden.jpg", "png-clean.png"] {
        assert!(!stderr.contains(fine), "{fine} reported:\n{stderr}");
    }
    assert!(stderr.contains("image-geodata") && stderr.contains("GPS"));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn formats_that_cannot_be_stripped_are_refused_when_they_carry_metadata() {
    let dir = site_with_photos(&[
        "tiff/gps.tif",
        "heic/xmp.heic",
        "avif/gps.avif",
        "tiff/clean.tif",
    ]);
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for bad in ["tiff-gps.tif", "heic-xmp.heic", "avif-gps.avif"] {
        assert!(stderr.contains(bad), "{bad} not reported:\n{stderr}");
    }
    assert!(!stderr.contains("tiff-clean.tif"), "{stderr}");
}

#[test]
fn pupils_names_in_photo_metadata_are_found() {
    let dir = site_with_photos(&[
        "jpeg/text.jpg",
        "png/text.png",
        "webp/text.webp",
        "jpeg/garden.jpg",
    ]);
    assert_cmd::Command::cargo_bin("policypress")
        .unwrap()
        .env(ROSTER_KEY_ENV, TEST_ROSTER_KEY)
        .args(["roster", "import"])
        .arg(fixtures().join("roster/pupils.csv"))
        .arg("--root")
        .arg(dir.path())
        .assert()
        .success();
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for bad in [
        "static/photos/jpeg-text.jpg",
        "static/photos/png-text.png",
        "static/photos/webp-text.webp",
    ] {
        assert!(stderr.contains(bad), "{bad} not reported:\n{stderr}");
    }
    assert!(!stderr.contains("jpeg-garden.jpg"));
    assert!(
        !stderr.contains("Zorblax Quimby") && stderr.contains("Z… Q…"),
        "{stderr}"
    );
}
