//! `check` is the full pre-flight: on every fixture site (the fixture sites themselves, and
//! every broken and rules case laid over `single`), `check` and `build` give the same exit
//! code and the same errors (rule, file and line), and `check` publishes nothing.

mod common;
use common::*;

use std::collections::BTreeSet;

use serde_json::Value;

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

#[test]
fn check_and_build_give_the_same_verdict_on_every_fixture() {
    let mut disagree = Vec::new();
    for case in fixture_cases() {
        let (name, dir, today) = (&case.name, case.site(), case.today());
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
