//! `check` is the full pre-flight: on every fixture site (the fixture sites themselves, and
//! every broken and rules case laid over `single`), `check` and `build` give the same exit
//! code and the same errors (rule, file and line), and `check` publishes nothing.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn policypress() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("policypress").unwrap();
    c.env(ROSTER_KEY_ENV, TEST_ROSTER_KEY);
    c
}

/// The sites to compare: (name, folder of the base fixture, overlay and the files it skips).
fn cases() -> Vec<(String, &'static str, Option<PathBuf>)> {
    let mut out: Vec<(String, &'static str, Option<PathBuf>)> = ["single", "federation", "print"]
        .iter()
        .map(|b| (b.to_string(), *b, None))
        .collect();
    for group in ["broken", "rules"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = format!("{group}/{}", dir.file_name().unwrap().to_string_lossy());
            out.push((name, "single", Some(dir)));
        }
    }
    out
}

/// The errors of a run, as `rule file:line`, from `check --format json`.
fn check_errors(json: &str) -> BTreeSet<String> {
    let findings: Vec<Value> = serde_json::from_str(json).unwrap_or_default();
    findings
        .iter()
        .filter(|f| f["severity"] == "error" && f["allowed"].is_null())
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["line"]
            )
        })
        .collect()
}

/// The errors of a build, as `rule file:line`, from its messages (`error[rule]: …` then
/// `--> file:line:column`, or no line for a finding about a whole file).
fn build_errors(stderr: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let lines: Vec<&str> = stderr.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("error[") else {
            continue;
        };
        let rule = rest.split(']').next().unwrap_or("");
        let place = lines
            .get(i + 1)
            .and_then(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or("");
        // `file:line:column`, `file:line` (no column) or `file` (the whole file).
        let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let place = match place.rsplit_once(':') {
            Some((head, last)) if number(last) => match head.rsplit_once(':') {
                Some((file, line)) if number(line) => format!("{file}:{line}"),
                _ => format!("{head}:{last}"),
            },
            _ if !place.is_empty() => format!("{place}:0"),
            _ => String::new(),
        };
        out.insert(format!("{rule} {place}"));
    }
    out
}

fn site_for(base: &str, overlay: Option<&Path>) -> tempfile::TempDir {
    let dir = fixture_site(base);
    if let Some(overlay) = overlay {
        copy_dir_except(overlay, dir.path(), &["expect.toml", "expected"]);
    }
    dir
}

#[test]
fn check_and_build_give_the_same_verdict_on_every_fixture() {
    let mut disagree = Vec::new();
    for (name, base, overlay) in cases() {
        let dir = site_for(base, overlay.as_deref());
        let today = overlay
            .as_ref()
            .and_then(|o| std::fs::read_to_string(o.join("expect.toml")).ok())
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|t| t.get("today").and_then(|v| v.as_str()).map(String::from))
            .unwrap_or_else(|| "2026-11-23".into());
        let check = policypress()
            .args(["check", "--format", "json", "--today", &today, "--root"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            !dir.path().join("public").exists(),
            "{name}: check published something"
        );
        let out = dir.path().join("public");
        let build = policypress()
            .args(["build", "--today", &today, "--root"])
            .arg(dir.path())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let (check_code, build_code) = (check.status.code(), build.status.code());
        let check_errors = check_errors(&String::from_utf8_lossy(&check.stdout));
        let stderr = String::from_utf8_lossy(&build.stderr);
        let build_errors = build_errors(&stderr);
        if check_code != build_code || check_errors != build_errors {
            disagree.push(format!(
                "{name}: check exit {check_code:?} {check_errors:?}, build exit {build_code:?} {build_errors:?}"
            ));
        }
    }
    assert!(
        disagree.is_empty(),
        "check and build disagree:\n{}",
        disagree.join("\n")
    );
}
