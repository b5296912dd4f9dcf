//! The generated pages and files, in process: for each fixture site, every page and file a
//! build makes (generated ones and documents' alike) with its title and main heading, and
//! every finding, snapshotted. No binary is started.

mod common;

use std::fmt::Write;

use policypress::pipeline::Build;

/// The text between `open` and the next `<` after it, in `html`.
fn between<'a>(html: &'a str, open: &str) -> &'a str {
    html.find(open)
        .map(|i| &html[i + open.len()..])
        .and_then(|rest| rest.find('>').map(|j| &rest[j + 1..]))
        .map(|rest| rest.split('<').next().unwrap_or(""))
        .unwrap_or("")
}

fn summary(fixture: &str) -> String {
    let site = common::load_fixture(fixture);
    let rendered = Build::new(site).rendered();
    let mut pages = rendered.pages.clone();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    for (path, bytes) in &pages {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") {
            let _ = writeln!(
                out,
                "{path}: {} | h1: {}",
                between(&text, "<title"),
                between(&text, "<h1")
            );
        } else {
            let _ = writeln!(out, "{path}: {} bytes", bytes.len());
        }
    }
    for d in &rendered.findings {
        let _ = writeln!(out, "finding: {} {} {}", d.rule, d.file, d.message);
    }
    out
}

#[test]
fn federation_pages_and_files() {
    insta::assert_snapshot!(summary("federation"));
}

#[test]
fn single_school_pages_and_files() {
    insta::assert_snapshot!(summary("single"));
}
