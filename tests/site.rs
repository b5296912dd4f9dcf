//! The parents' and governors' pages: band pages, the status page and `policypress status`,
//! the A to Z and search index, feeds and metadata.

mod common;
use common::*;

use std::path::Path;

use assert_cmd::Command;

fn built_demo() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("policypress")
        .unwrap()
        .args([
            "build",
            "--today",
            "2026-11-23",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    out
}

fn read(dir: &Path, page: &str) -> String {
    std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

#[test]
fn band_pages_gather_the_bands_charter_guides_and_policy_sections() {
    let out = built_demo();
    let home = read(out.path(), "riverbend/index.html");
    for band in ["eyfs", "years-1-2", "years-3-4", "years-5-6"] {
        assert!(
            home.contains(&format!("/riverbend/bands/{band}/")),
            "home does not link {band}"
        );
    }
    let y56 = read(out.path(), "riverbend/bands/years-5-6/index.html");
    assert!(y56.contains("My child is in Years 5 and 6"));
    assert!(y56.contains("/riverbend/charters/online-behaviour/years-5-6/"));
    assert!(
        y56.contains("/riverbend/guides/first-phones/"),
        "the Years 5-6 guide is missing"
    );
    assert!(
        !y56.contains("/riverbend/guides/screen-time-and-sleep/"),
        "a guide for younger children is listed"
    );
    assert!(
        y56.contains("/riverbend/policies/online-safety/#"),
        "no policy section is linked"
    );
    // Hillside serves EYFS and Years 1-2 only.
    assert!(out.path().join("hillside/bands/eyfs/index.html").is_file());
    assert!(!out.path().join("hillside/bands/years-5-6").exists());
}

#[test]
fn status_page_and_command_show_review_status_in_words() {
    let out = built_demo();
    let status = read(out.path(), "riverbend/status/index.html");
    // The policy's own row says it is current (not some other word of the page).
    let row = status
        .split("<tr")
        .find(|r| r.contains("Online Safety Policy"))
        .unwrap_or_else(|| panic!("no row for the policy: {status}"));
    assert!(row.contains("Current"), "{row}");
    assert!(status.contains("datetime=2027-09-01") || status.contains("datetime=\"2027-09-01\""));
    let run = |today: &str| {
        let out = Command::cargo_bin("policypress")
            .unwrap()
            .args(["status", "--today", today, "--root"])
            .arg(fixtures().join("single"))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    // The policy's line ends with its status.
    let status_of = |today: &str| {
        let out = run(today);
        out.lines()
            .find(|l| l.starts_with("Online Safety Policy"))
            .unwrap_or_else(|| panic!("no line for the policy: {out}"))
            .to_string()
    };
    assert!(status_of("2026-11-23").ends_with("  Current"));
    assert!(status_of("2027-02-01").ends_with("  Review due soon"));
    assert!(status_of("2027-03-01").ends_with("  Review overdue"));
}

#[test]
fn a_to_z_and_search_index_cover_every_document_and_section() {
    let out = built_demo();
    let az = read(out.path(), "riverbend/a-z/index.html");
    assert!(az.contains("Filtering and monitoring"));
    assert!(az.contains("/riverbend/policies/online-safety/#filtering"));
    assert!(az.contains("Gaming"));
    let index: serde_json::Value =
        serde_json::from_str(&read(out.path(), "riverbend/search-index.json")).unwrap();
    let entries = index.as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["u"] == "/riverbend/policies/online-safety/#filtering")
    );
    assert!(
        entries
            .iter()
            .all(|e| e["t"].is_string() && e["u"].is_string())
    );
    // Without JavaScript the search form goes to the A to Z.
    let home = read(out.path(), "riverbend/index.html");
    assert!(
        home.contains("role=search") && home.contains("action=/riverbend/a-z/"),
        "{home}"
    );
    // Every script is deferred (or a module), never render-blocking.
    let scripts: Vec<&str> = home
        .split("<script")
        .skip(1)
        .map(|s| s.split('>').next().unwrap_or(""))
        .collect();
    assert!(!scripts.is_empty(), "the search script is missing: {home}");
    for attrs in &scripts {
        let words: Vec<&str> = attrs.split_whitespace().collect();
        assert!(
            words
                .iter()
                .any(|w| *w == "defer" || *w == "async" || *w == "type=module"),
            "a render-blocking script: <script{attrs}>"
        );
        assert!(
            words.iter().any(|w| w.starts_with("src=")),
            "an inline script: <script{attrs}>"
        );
    }
}

#[test]
fn feeds_sitemap_robots_404_and_page_metadata() {
    let out = built_demo();
    let sitemap = read(out.path(), "sitemap.xml");
    assert!(sitemap.contains("<loc>https://online-safety.riverbend-hillside.example/riverbend/policies/online-safety/</loc>"));
    assert!(!sitemap.contains("404"));
    assert!(
        read(out.path(), "robots.txt")
            .contains("Sitemap: https://online-safety.riverbend-hillside.example/sitemap.xml")
    );
    let feed = read(out.path(), "feed.xml");
    assert!(
        feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    assert!(
        feed.contains("Online Safety Policy version 3.0")
            && feed.contains("Online Safety Policy version 2.1")
    );
    assert_eq!(
        feed.matches("<entry>").count(),
        feed.matches("</entry>").count()
    );
    let not_found = read(out.path(), "404.html");
    assert!(not_found.contains("Page not found"));
    let policy = read(out.path(), "riverbend/policies/online-safety/index.html");
    assert!(policy.contains("<link href=https://online-safety.riverbend-hillside.example/riverbend/policies/online-safety/ rel=canonical>"), "no canonical link");
    assert!(policy.contains("<meta content=\"Online Safety Policy\" property=og:title>"));
    assert!(policy.contains("rel=icon"));
    assert!(out.path().join("favicon.svg").is_file());
    let title = policy
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    assert!(
        title.contains("Online Safety Policy") && title.contains("Riverbend"),
        "{title}"
    );
}
