//! Every publishing rule, on fixture cases in `tests/fixtures/rules/<case>/`: files laid over
//! the `single` fixture site, and an `expect.toml` saying which rules must fire (as errors,
//! warnings or allowed findings, at `file[:line]`), which must not be found there (`absent`),
//! which must stay quiet, and what the built pages say (`published`, `unpublished`).

mod common;
use common::*;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn policypress() -> Command {
    let mut c = Command::cargo_bin("policypress").unwrap();
    c.env(ROSTER_KEY_ENV, TEST_ROSTER_KEY);
    c
}

/// A copy of the `single` site with the test roster imported and `case` laid over it.
fn case_site(case: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("single"), dir.path());
    policypress()
        .args(["roster", "import"])
        .arg(fixtures().join("roster/pupils.csv"))
        .arg("--root")
        .arg(dir.path())
        .assert()
        .success();
    if let Some(case) = case {
        copy_dir_except(case, dir.path(), &["expect.toml"]);
    }
    dir
}

fn check(root: &Path, today: &str, format: &str) -> (i32, String) {
    let out = policypress()
        .args(["check", "--format", format, "--today", today, "--root"])
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn strings(expect: &toml::Table, key: &str) -> Vec<String> {
    expect
        .get(key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `findings` has one matching "rule file[:line]" with the given severity.
fn has(findings: &[Value], spec: &str, severity: &str) -> bool {
    let (rule, place) = spec.split_once(' ').unwrap();
    let (file, line) = match place.rsplit_once(':') {
        Some((f, l)) => (f, l.parse::<u64>().ok()),
        None => (place, None),
    };
    findings.iter().any(|f| {
        let allowed = !f["allowed"].is_null();
        let kind_is = match severity {
            // An allowed finding keeps its severity; its `allowed` holds the reason.
            "allowed" => allowed,
            s => f["severity"] == s && !allowed,
        };
        f["rule"] == rule && f["file"] == file && kind_is && line.is_none_or(|l| f["line"] == l)
    })
}

#[test]
fn every_rule_fires_and_stays_quiet_on_lookalikes() {
    let cases = fixtures().join("rules");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 15);
    for case in names {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expect: toml::Table =
            toml::from_str(&std::fs::read_to_string(case.join("expect.toml")).unwrap()).unwrap();
        let today = expect
            .get("today")
            .and_then(|t| t.as_str())
            .unwrap_or("2026-11-23");
        let dir = case_site(Some(&case));
        let (code, json) = check(dir.path(), today, "json");
        let findings: Vec<Value> =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        for spec in strings(&expect, "fires") {
            assert!(
                has(&findings, &spec, "error"),
                "{name}: expected error `{spec}` in {json}"
            );
        }
        for spec in strings(&expect, "warns") {
            assert!(
                has(&findings, &spec, "warning"),
                "{name}: expected warning `{spec}` in {json}"
            );
        }
        for spec in strings(&expect, "allowed") {
            assert!(
                has(&findings, &spec, "allowed"),
                "{name}: expected allowed `{spec}` in {json}"
            );
        }
        for spec in strings(&expect, "absent") {
            assert!(
                !["error", "warning", "allowed"]
                    .iter()
                    .any(|s| has(&findings, &spec, s)),
                "{name}: expected no `{spec}` in {json}"
            );
        }
        for rule in strings(&expect, "quiet") {
            assert!(
                !findings.iter().any(|f| f["rule"] == rule.as_str()),
                "{name}: `{rule}` fired: {json}"
            );
        }
        let errors = findings
            .iter()
            .any(|f| f["severity"] == "error" && f["allowed"].is_null());
        assert_eq!(
            code,
            i32::from(errors),
            "{name}: exit code {code} with findings {json}"
        );
        // What the built pages say: [file under the output, text] pairs.
        let pairs = |key: &str| -> Vec<(String, String)> {
            expect
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_array())
                        .map(|p| {
                            let s = |i: usize| p[i].as_str().unwrap_or_default().to_string();
                            (s(0), s(1))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (published, unpublished) = (pairs("published"), pairs("unpublished"));
        if !published.is_empty() || !unpublished.is_empty() {
            let out = dir.path().join("public");
            let built = policypress()
                .args(["build", "--today", today, "--root"])
                .arg(dir.path())
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap();
            assert!(
                built.status.success(),
                "{name}: build failed: {}",
                String::from_utf8_lossy(&built.stderr)
            );
            let page = |file: &str| {
                std::fs::read_to_string(out.join(file))
                    .unwrap_or_else(|e| panic!("{name}: {file}: {e}"))
            };
            for (file, text) in &published {
                assert!(
                    page(file).contains(text.as_str()),
                    "{name}: {file} lacks {text:?}:\n{}",
                    page(file)
                );
            }
            for (file, text) in &unpublished {
                assert!(
                    !page(file).contains(text.as_str()),
                    "{name}: {file} has {text:?}:\n{}",
                    page(file)
                );
            }
        }
        let (_, human) = check(dir.path(), today, "human");
        for secret in strings(&expect, "never_printed") {
            assert!(
                !json.contains(&secret) && !human.contains(&secret),
                "{name}: printed `{secret}`"
            );
        }
    }
}

#[test]
fn the_roster_file_holds_no_names_and_is_never_published() {
    let dir = case_site(None);
    let roster = std::fs::read_to_string(dir.path().join("roster.toml")).unwrap();
    for name in [
        "Zorblax",
        "Quimby",
        "Elodie",
        "Élodie",
        "Elle",
        "Testwick",
        "Fakename",
        "Fixtureson",
    ] {
        assert!(
            !roster.to_lowercase().contains(&name.to_lowercase()),
            "{name} is in the roster file"
        );
    }
    policypress()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .assert()
        .success();
    // The file holds no key, only a check value of it.
    assert!(!roster.contains("salt"), "{roster}");
    assert!(!roster.contains(TEST_ROSTER_KEY));
    let salt = roster
        .lines()
        .find(|l| l.starts_with("key_check"))
        .unwrap()
        .split('"')
        .nth(1)
        .unwrap()
        .to_string();
    for entry in walkdir::WalkDir::new(dir.path().join("public"))
        .into_iter()
        .map(Result::unwrap)
    {
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(&salt) && !text.contains(TEST_ROSTER_KEY),
                "{:?} contains the roster or its key",
                entry.path()
            );
            assert!(!entry.path().ends_with("roster.toml"));
        }
    }
}

#[test]
fn a_pupil_name_blocks_the_build_and_is_not_printed() {
    let dir = case_site(Some(&fixtures().join("rules/pupil-name-fires")));
    let out = policypress()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !dir.path().join("public").exists(),
        "something was published"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pupil-full-name") && stderr.contains("Z… Q…"),
        "{stderr}"
    );
    assert!(!stderr.contains("Zorblax Quimby"));
}

#[test]
fn a_roster_csv_in_a_published_folder_stops_the_build() {
    for folder in ["content", "static"] {
        let dir = case_site(None);
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        std::fs::copy(
            fixtures().join("roster/pupils.csv"),
            dir.path().join(folder).join("pupils.csv"),
        )
        .unwrap();
        let out = policypress()
            .args(["build", "--today", "2026-11-23", "--root"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{folder}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("roster-exposed"));
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = case_site(Some(&fixtures().join("rules/contacts-fire")));
    let (_, json) = check(dir.path(), "2026-11-23", "json");
    let findings: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert!(!findings.is_empty());
    for f in &findings {
        for (key, kind) in [
            ("rule", "string"),
            ("severity", "string"),
            ("file", "string"),
            ("line", "number"),
            ("column", "number"),
            ("message", "string"),
        ] {
            let ok = match kind {
                "string" => f[key].is_string(),
                _ => f[key].is_u64(),
            };
            assert!(ok, "`{key}` is not a {kind} in {f}");
        }
        assert!(f["hint"].is_string() || f["hint"].is_null());
        assert!(["error", "warning"].contains(&f["severity"].as_str().unwrap()));
    }
}

#[test]
fn github_output_is_annotation_lines() {
    let dir = case_site(Some(&fixtures().join("rules/contacts-fire")));
    let (code, out) = check(dir.path(), "2026-11-23", "github");
    assert_eq!(code, 1);
    assert!(!out.is_empty());
    for line in out.lines() {
        assert!(
            line.starts_with("::error file=content/")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        assert!(line.contains(",line=") && line.contains("::"), "{line}");
    }
}

#[test]
fn sarif_output_follows_the_sarif_schema() {
    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/validate-sarif.js");
    let modules = validator.with_file_name("node_modules");
    if !modules.is_dir() {
        // In CI the checker is required; on a developer's machine the test says what it needs.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run `npm ci --prefix tests/tools` first"
        );
        eprintln!("skipped: SARIF schema check needs `npm ci --prefix tests/tools`");
        return;
    }
    for case in [
        "contacts-fire",
        "allowed-phone",
        "review-due-soon",
        "pupil-name-quiet",
    ] {
        let dir = case_site(Some(&fixtures().join("rules").join(case)));
        let today = if case == "review-due-soon" {
            "2027-02-01"
        } else {
            "2026-11-23"
        };
        let (_, sarif) = check(dir.path(), today, "sarif");
        let log: Value = serde_json::from_str(&sarif).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let file = dir.path().join("out.sarif");
        std::fs::write(&file, &sarif).unwrap();
        let out = std::process::Command::new("node")
            .arg(&validator)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{case}: {}\n{sarif}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A web server on 127.0.0.1 for link tests: `/ok` answers 200, `/gone` 404, `/slow` never
/// in time. Returns its address and a counter of requests to `/ok`.
fn local_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let ok_hits = std::sync::Arc::new(AtomicUsize::new(0));
    let hits = ok_hits.clone();
    std::thread::spawn(move || {
        // Bounded: the test makes a handful of requests.
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let hits = hits.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 2048];
                let n = stream.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]);
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let status = match path.as_str() {
                    "/ok" => {
                        hits.fetch_add(1, Ordering::SeqCst);
                        "200 OK"
                    }
                    "/slow" => {
                        std::thread::sleep(std::time::Duration::from_secs(4));
                        "200 OK"
                    }
                    _ => "404 Not Found",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    (addr, ok_hits)
}

#[test]
fn external_links_are_checked_only_on_request_and_cached() {
    use std::sync::atomic::Ordering;
    let (addr, ok_hits) = local_server();
    let dir = case_site(None);
    std::fs::write(
        dir.path().join("content/about.md"),
        format!("+++\ntitle = \"About this site\"\n+++\n\n## Links\n\nSee [the working page]({addr}/ok), [the gone page]({addr}/gone)\nand [the slow page]({addr}/slow).\n"),
    )
    .unwrap();
    let site_toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        format!("{site_toml}\n[rules.broken-external-link]\ntimeout = 1\n"),
    )
    .unwrap();
    // Without --external nothing is fetched.
    let (code, _) = check(dir.path(), "2026-11-23", "json");
    assert_eq!(code, 0);
    assert_eq!(ok_hits.load(Ordering::SeqCst), 0);
    let run = || {
        let out = policypress()
            .args([
                "check",
                "--external",
                "--format",
                "json",
                "--today",
                "2026-11-23",
                "--root",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), findings)
    };
    let (code, findings) = run();
    assert_eq!(code, Some(1));
    let broken: Vec<(&str, u64)> = findings
        .iter()
        .filter(|f| f["rule"] == "broken-external-link")
        .map(|f| (f["message"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(broken.len(), 2, "{findings:?}");
    assert!(
        broken
            .iter()
            .any(|(m, l)| m.contains("/gone") && m.contains("404") && *l == 7)
    );
    assert!(
        broken
            .iter()
            .any(|(m, l)| m.contains("/slow") && m.contains("in time") && *l == 8)
    );
    assert_eq!(ok_hits.load(Ordering::SeqCst), 1);
    // The working link is cached: a second check does not fetch it again.
    let (_, again) = run();
    assert_eq!(
        again
            .iter()
            .filter(|f| f["rule"] == "broken-external-link")
            .count(),
        2
    );
    assert_eq!(ok_hits.load(Ordering::SeqCst), 1);
    assert!(dir.path().join(".policypress/links.json").is_file());
}

/// Offline (no site answers at all), the links are not called broken: one warning says
/// they could not be checked, and the check passes.
#[test]
fn offline_external_links_are_one_warning_not_broken_links() {
    // A port nothing listens on: every connection is refused, as on a machine offline.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = case_site(None);
    std::fs::write(
        dir.path().join("content/about.md"),
        format!("+++\ntitle = \"About this site\"\n+++\n\n## Links\n\nSee [the reporting page]({addr}/report) and [the help page]({addr}/help).\n"),
    )
    .unwrap();
    let out = policypress()
        .args([
            "check",
            "--external",
            "--format",
            "json",
            "--today",
            "2026-11-23",
            "--root",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{findings:?}");
    assert!(
        !findings.iter().any(|f| f["rule"] == "broken-external-link"),
        "{findings:?}"
    );
    let unchecked: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "links-unchecked")
        .collect();
    assert_eq!(unchecked.len(), 1, "{findings:?}");
    assert_eq!(unchecked[0]["severity"], "warning");
    assert!(
        unchecked[0]["message"]
            .as_str()
            .unwrap()
            .contains("2 links")
    );
}
