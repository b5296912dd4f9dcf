//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod server;

/// `tests/fixtures/`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies a folder's files into `to` (laying them over what is there), skipping the file
/// names in `skip` (such as a case's `expect.toml`).
/// Copies `from` into `to`, leaving out the paths in `skip` and any `.policypress/` (a run's
/// caches are never part of a fixture: a check run by hand in a fixture must not give the
/// tests its PDFs).
pub fn copy_dir_except(from: &Path, to: &Path, skip: &[&str]) {
    let walk = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".policypress");
    for entry in walk {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if skip.iter().any(|s| rel == Path::new(s)) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    copy_dir_except(from, to, &[]);
}

/// A fresh copy of a fixture site in a temporary folder.
pub fn fixture_site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join(name), dir.path());
    dir
}

/// The roster key every test uses (`POLICYPRESS_ROSTER_KEY`): set it on `roster import` and
/// on every later command of the same site.
pub const TEST_ROSTER_KEY: &str =
    "7e57a5e5c0ffee0000112233445566778899aabbccddeeff0011223344556677";

/// The environment variable the roster key is read from.
pub const ROSTER_KEY_ENV: &str = "POLICYPRESS_ROSTER_KEY";
