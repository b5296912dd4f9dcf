//! The demo site in a real browser: builds it, then runs `tests/tools/browser.js` on it
//! (axe-core on every page in light and dark at 320px and 1280px, the Nu HTML Checker,
//! keyboard use, sideways scrolling and the first screen at 320px (the h1 in its top half, the
//! CEOP route on it), print styles, page weight and screenshots).
//!
//! The federation fixture runs too: its one-line titles and built-in theme catch what the
//! demo's long names hide.
//!
//! Needs `npm ci --prefix tests/tools`, Debian's `chromium` and `java`. Without them the test
//! says so and passes on a developer's machine; in CI (`CI` set) it fails.
//! Set `POLICYPRESS_SCREENSHOTS=DIR` to keep the screenshots.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

fn runs(program: &str, arg: &str) -> bool {
    Process::new(program)
        .arg(arg)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// What the browser checks need and this machine lacks.
fn missing_tools(tools: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !tools.join("node_modules/playwright-core").is_dir()
        || !tools.join("node_modules/vnu-jar").is_dir()
    {
        missing.push("tests/tools/node_modules (run `npm ci --prefix tests/tools`)".to_string());
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    if !chromium.is_file() {
        missing.push(format!(
            "{} (Debian: `apt-get install chromium`)",
            chromium.display()
        ));
    }
    if !runs("java", "-version") {
        missing.push("java (Debian: `apt-get install default-jre-headless`)".to_string());
    }
    if !runs("node", "--version") {
        missing.push("node".to_string());
    }
    missing
}

/// Whether the tools `what` needs are here: in CI they are required; on a developer's machine
/// the test says what it needs and is skipped.
fn tools_present(tools: &Path, what: &str) -> bool {
    let missing = missing_tools(tools);
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{what} need {}; .ci/run installs them",
            missing.join(", ")
        );
        eprintln!("skipped: {what} need {}", missing.join(", "));
        return false;
    }
    true
}

/// Builds the site at `root` into `out`, as of the fixtures' day.
fn build(root: &Path, out: &Path) {
    Command::cargo_bin("policypress")
        .unwrap()
        .current_dir(root)
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Builds the site at `root` and runs the browser checks on it; `None` when skipped.
fn check_site(root: &Path, screenshots: Option<PathBuf>) -> Option<String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = repo.join("tests/tools");
    if !tools_present(&tools, "the browser checks") {
        return None;
    }

    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build(root, &site);

    let shots_dir = tempfile::tempdir().unwrap();
    let shots = screenshots.unwrap_or_else(|| shots_dir.path().to_path_buf());
    let out = Process::new("node")
        .arg(tools.join("browser.js"))
        .arg(&site)
        .arg("--screenshots")
        .arg(&shots)
        .current_dir(repo)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser checks failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains(" 0 failed"),
        "no summary line from browser.js:\n{stdout}"
    );
    Some(stdout)
}

#[test]
fn demo_site_passes_the_browser_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(out) = check_site(
        root,
        std::env::var_os("POLICYPRESS_SCREENSHOTS").map(PathBuf::from),
    ) else {
        return;
    };
    // The demo has every kind of page the checks single out.
    assert!(
        out.contains("keyboard checked on /hillside/, /riverbend/"),
        "{out}"
    );
    assert!(!out.contains("note: no "), "{out}");
}

/// Short titles that fit on one line at 320px, and the theme built into the binary.
#[test]
fn federation_fixture_passes_the_browser_checks() {
    check_site(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/federation"),
        None,
    );
}

/// `relative_urls = true`: the federation fixture's built folder, served under a sub-path of
/// another website and opened from the disk, loads every page with its stylesheet, and every
/// link, form and image leads to a file of the site (`tests/tools/links.js`).
#[test]
fn a_relative_site_works_under_any_path_and_from_the_disk() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = repo.join("tests/tools");
    if !tools_present(&tools, "the link checks") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fixture = common::fixture_site("federation");
    let root = fixture.path();
    let settings = root.join("site.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("relative_urls = true\n{text}")).unwrap();
    let site = dir.path().join("a folder with spaces/site");
    build(root, &site);
    let out = Process::new("node")
        .arg(tools.join("links.js"))
        .arg(&site)
        .args(["--under", "/school/online-safety/"])
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}
