//! Hostile files the case format (tests/hostile/) can't express: a running `serve` whose
//! static file is swapped for a link, a named pipe in static/, and published images checked
//! with exiftool.

mod common;
use common::server::Server;
use common::*;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("policypress"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(unix)]
#[test]
fn serve_never_follows_a_static_file_swapped_for_a_link_out_of_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    copy_dir(&fixtures().join("single"), &site);
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("static/leaflet.txt"), "A leaflet for parents.\n").unwrap();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "planted-secret-serve-swap\n").unwrap();
    let server = Server::start(&site);

    let (status, body) = server.bytes("/leaflet.txt");
    assert_eq!(status, 200);
    assert!(contains(&body, b"A leaflet for parents."));

    // Swap the known static file for a link to a file outside the site, and add a new one.
    std::fs::remove_file(site.join("static/leaflet.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, site.join("static/leaflet.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, site.join("static/new.txt")).unwrap();
    std::os::unix::fs::symlink("/etc", site.join("static/etc")).unwrap();

    // Whenever the reload happens, neither is ever served.
    let deadline = Instant::now() + Duration::from_secs(6);
    while Instant::now() < deadline {
        for path in ["/leaflet.txt", "/new.txt", "/etc/passwd", "/etc/hostname"] {
            let (status, body) = server.bytes(path);
            assert!(
                !contains(&body, b"planted-secret-serve-swap") && !contains(&body, b"root:"),
                "{path} served a file from outside the site (status {status})"
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_static_is_refused_without_waiting_on_it() {
    let dir = fixture_site("single");
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    let pipe = dir.path().join("static/pipe.txt");
    let made = Command::new("mkfifo").arg(&pipe).status().unwrap();
    assert!(made.success());
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let result = bin()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(60));
    let text = String::from_utf8_lossy(&result.stdout).into_owned()
        + &String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(
        text.contains("static/pipe.txt") && text.contains("named pipe"),
        "{text}"
    );
}

fn exiftool(path: &Path) -> Option<String> {
    let out = Command::new("exiftool")
        .args(["-a", "-G1"])
        .arg(path)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn photos_of_any_name_are_published_without_location_or_unknown_segments() {
    let dir = fixture_site("single");
    let photos = dir.path().join("static/photos");
    std::fs::create_dir_all(&photos).unwrap();
    let gps = std::fs::read(fixtures().join("images/jpeg/gps.jpg")).unwrap();
    std::fs::write(photos.join("trip.jpe"), &gps).unwrap();
    std::fs::write(photos.join("upload.bin"), &gps).unwrap();
    // APP5, APP15 and a reserved JPG5 segment carrying text, in a JPEG with GPS.
    let mut odd = gps[..2].to_vec();
    for (marker, text) in [
        (0xE5u8, &b"planted-app5"[..]),
        (0xEF, b"planted-app15"),
        (0xF5, b"planted-jpg5"),
    ] {
        odd.extend_from_slice(&[0xFF, marker]);
        odd.extend_from_slice(&((text.len() + 2) as u16).to_be_bytes());
        odd.extend_from_slice(text);
    }
    odd.extend_from_slice(&gps[2..]);
    std::fs::write(photos.join("odd.jpg"), &odd).unwrap();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let result = bin()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&public)
        .output()
        .unwrap();
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stdout)
    );
    for name in ["trip.jpe", "upload.bin", "odd.jpg"] {
        let bytes = std::fs::read(public.join("photos").join(name)).unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "{name} is still a JPEG");
        assert!(
            !contains(&bytes, b"planted-"),
            "{name} kept a segment it should drop"
        );
        let original = std::fs::read(photos.join(name)).unwrap();
        assert!(bytes.len() < original.len(), "{name} was stripped");
        if let Some(report) = exiftool(&public.join("photos").join(name)) {
            assert!(!report.contains("GPS"), "{name}: {report}");
            assert!(
                !report.contains("APP5") && !report.contains("APP15"),
                "{name}: {report}"
            );
        }
    }
}
