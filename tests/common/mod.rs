//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod image_tags;
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

/// A fixture site loaded in process, as a build on 2026-11-23 loads it.
pub fn load_fixture(name: &str) -> policypress::site::Site {
    let opts = policypress::site::BuildOptions {
        today: policypress::dates::parse_school_date("2026-11-23")
            .ok()
            .map(|d| d.start),
        ..Default::default()
    };
    load_site(&fixtures().join(name), &opts)
}

/// The site at `root` loaded in process.
pub fn load_site(root: &Path, opts: &policypress::site::BuildOptions) -> policypress::site::Site {
    policypress::site::load(root, opts)
        .unwrap_or_else(|e| panic!("{} does not load: {e}", root.display()))
}

/// The binary, with the tests' roster key.
pub fn policypress() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("policypress").unwrap();
    c.env(ROSTER_KEY_ENV, TEST_ROSTER_KEY);
    c
}

/// One site the whole-suite checks run on: a fixture site, or a broken or rules case laid
/// over `single`.
pub struct FixtureCase {
    /// `single`, `broken/<case>`, `rules/<case>`.
    pub name: String,
    /// The base fixture.
    pub base: &'static str,
    /// The case's folder laid over the base, if any.
    pub overlay: Option<PathBuf>,
}

impl FixtureCase {
    /// A fresh copy of the case's site (its `expect.toml` and `expected/` left out).
    pub fn site(&self) -> tempfile::TempDir {
        let dir = fixture_site(self.base);
        if let Some(overlay) = &self.overlay {
            copy_dir_except(overlay, dir.path(), &["expect.toml", "expected"]);
        }
        dir
    }

    /// The date the case is checked on: its `expect.toml`'s `today`, or 2026-11-23.
    pub fn today(&self) -> String {
        self.overlay
            .as_ref()
            .and_then(|o| std::fs::read_to_string(o.join("expect.toml")).ok())
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|t| t.get("today").and_then(|v| v.as_str()).map(String::from))
            .unwrap_or_else(|| "2026-11-23".into())
    }
}

/// Every fixture site: the sites themselves, and every broken and rules case over `single`.
pub fn fixture_cases() -> Vec<FixtureCase> {
    let mut out: Vec<FixtureCase> = ["single", "federation", "print", "setting"]
        .iter()
        .map(|b| FixtureCase {
            name: b.to_string(),
            base: b,
            overlay: None,
        })
        .collect();
    for group in ["broken", "rules"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dirs.sort();
        for dir in dirs {
            out.push(FixtureCase {
                name: format!("{group}/{}", dir.file_name().unwrap().to_string_lossy()),
                base: "single",
                overlay: Some(dir),
            });
        }
    }
    out
}

/// Whether the independent checker `tool` is installed (`install` says how, such as
/// `apt-get install webp`). In CI (`.ci/run` sets `CI` and installs every one) a missing
/// checker fails the test; on a developer's machine the test says what to run and is skipped.
pub fn checker_present(tool: &str, install: &str) -> bool {
    let version = match tool {
        "exiftool" => "-ver",
        "pdfinfo" | "pdftotext" | "pdfimages" | "pdffonts" => "-v",
        "pdfua" | "check-jsonschema" => "--version",
        _ => "-version",
    };
    let found = std::process::Command::new(tool)
        .arg(version)
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install `{tool}` ({install}); .ci/run does"
        );
        eprintln!("skipped: this check needs `{tool}` ({install})");
    }
    found
}
