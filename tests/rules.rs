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
    site_with(case, true)
}

/// A copy of the `single` site, with the test roster imported if `roster`, and `case` laid
/// over it.
fn site_with(case: Option<&Path>, roster: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("single"), dir.path());
    if roster {
        import_roster(dir.path());
    }
    if let Some(case) = case {
        copy_dir_except(case, dir.path(), &["expect.toml"]);
    }
    dir
}

fn import_roster(root: &Path) {
    policypress()
        .args(["roster", "import"])
        .arg(fixtures().join("roster/pupils.csv"))
        .arg("--root")
        .arg(root)
        .assert()
        .success();
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

/// What a case in `tests/fixtures/rules/<case>/expect.toml` says. Unknown keys, a bare
/// string where a list belongs, and a case that claims nothing are errors, never an empty
/// case that passes.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Errors, each `rule file:line`: with `warns` and `allowed`, the exact set of findings
    /// the case produces (a finding not listed fails the case; one listed twice is two).
    #[serde(default)]
    fires: Vec<String>,
    /// Warnings, each `rule file:line`.
    #[serde(default)]
    warns: Vec<String>,
    /// Findings the site allows, each `rule file:line`.
    #[serde(default)]
    allowed: Vec<String>,
    /// `rule file[:line]` that must not be found (already implied by the exact set above;
    /// it says what the case is about).
    #[serde(default)]
    absent: Vec<String>,
    /// Rules this case is a lookalike for: none of their findings appear.
    #[serde(default)]
    quiet: Vec<String>,
    /// `[file under the output, text]` that the built site holds.
    #[serde(default)]
    published: Vec<(String, String)>,
    /// `[file under the output, text]` that the built site does not hold.
    #[serde(default)]
    unpublished: Vec<(String, String)>,
    /// Text that no report (human, JSON, GitHub, SARIF, or the build's messages) prints.
    #[serde(default)]
    never_printed: Vec<String>,
    /// The build's date (default 2026-11-23).
    today: Option<String>,
    /// Whether the case runs without the test roster (it is imported by default).
    #[serde(default)]
    without_roster: bool,
}

/// One `rule file[:line]` of a case, with the severity its list gives.
#[derive(Debug, Clone, PartialEq)]
struct Spec {
    rule: String,
    file: String,
    line: Option<u64>,
    kind: &'static str,
}

impl std::fmt::Display for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.kind, self.rule, self.file)?;
        match self.line {
            Some(l) => write!(f, ":{l}"),
            None => Ok(()),
        }
    }
}

impl Expect {
    /// Reads a case's `expect.toml`, or says what is wrong with it.
    fn read(case: &Path) -> Result<Expect, String> {
        let text = std::fs::read_to_string(case.join("expect.toml")).map_err(|e| e.to_string())?;
        let expect: Expect = toml::from_str(&text).map_err(|e| e.to_string())?;
        if expect.fires.is_empty()
            && expect.warns.is_empty()
            && expect.allowed.is_empty()
            && expect.quiet.is_empty()
        {
            return Err(
                "the case claims nothing: give `fires`, `warns`, `allowed` or `quiet`".into(),
            );
        }
        for rule in expect.specs()?.iter().map(|s| &s.rule).chain(&expect.quiet) {
            if policypress::ruleset::RuleId::from_id(rule).is_none() && !is_finding_code(rule) {
                return Err(format!(
                    "`{rule}` is not a rule or a finding PolicyPress makes"
                ));
            }
        }
        Ok(expect)
    }

    /// Every finding the case lists, with its severity.
    fn specs(&self) -> Result<Vec<Spec>, String> {
        let mut out = Vec::new();
        for (kind, list) in [
            ("error", &self.fires),
            ("warning", &self.warns),
            ("allowed", &self.allowed),
        ] {
            for spec in list {
                let (rule, place) = spec
                    .split_once(' ')
                    .ok_or_else(|| format!("`{spec}` is not `rule file:line`"))?;
                let (file, line) = match place.rsplit_once(':') {
                    Some((f, l)) => (
                        f,
                        Some(
                            l.parse::<u64>()
                                .map_err(|_| format!("`{spec}`: `{l}` is not a line"))?,
                        ),
                    ),
                    None => (place, None),
                };
                out.push(Spec {
                    rule: rule.into(),
                    file: file.into(),
                    line,
                    kind,
                });
            }
        }
        Ok(out)
    }

    /// Every rule this case shows firing.
    fn fired(&self) -> Vec<String> {
        self.specs()
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.rule)
            .collect()
    }
}

/// Whether `code` is a finding PolicyPress makes besides the rules (a setting's, a limit's,
/// a template's): a string literal `"code"` in the source.
fn is_finding_code(code: &str) -> bool {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect()
    });
    source.contains(&format!("\"{code}\""))
}

/// The severity a JSON finding is listed under.
fn kind_of(f: &Value) -> &'static str {
    if !f["allowed"].is_null() {
        // An allowed finding keeps its severity; its `allowed` holds the reason.
        "allowed"
    } else if f["severity"] == "error" {
        "error"
    } else {
        "warning"
    }
}

/// Matches each listed finding to one finding of `findings`; says which listed ones were
/// not found and which found ones were not listed.
fn unmatched(specs: &[Spec], findings: &[Value]) -> Vec<String> {
    let mut left: Vec<&Value> = findings.iter().collect();
    let mut problems = Vec::new();
    // Specs with a line first, so a line-less spec cannot take a finding a line names.
    let mut ordered: Vec<&Spec> = specs.iter().collect();
    ordered.sort_by_key(|s| s.line.is_none());
    for spec in ordered {
        let at = left.iter().position(|f| {
            f["rule"] == spec.rule.as_str()
                && f["file"] == spec.file.as_str()
                && kind_of(f) == spec.kind
                && spec.line.is_none_or(|l| f["line"] == l)
        });
        match at {
            Some(i) => {
                left.remove(i);
            }
            None => problems.push(format!("expected {spec}, not found")),
        }
    }
    for f in left {
        problems.push(format!(
            "found {} {} {}:{} not listed in expect.toml: {}",
            kind_of(f),
            f["rule"].as_str().unwrap_or("?"),
            f["file"].as_str().unwrap_or("?"),
            f["line"],
            f["message"].as_str().unwrap_or("")
        ));
    }
    problems
}

/// Every case under `tests/fixtures/rules/`, by name, with what it expects.
fn rule_cases() -> Vec<(String, PathBuf, Expect)> {
    let cases = fixtures().join("rules");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 15);
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for case in paths {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        match Expect::read(&case) {
            Ok(expect) => out.push((name, case, expect)),
            Err(e) => problems.push(format!("{name}/expect.toml: {e}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    out
}

#[test]
fn an_expect_file_that_says_nothing_or_too_much_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for (text, says) in [
        ("", "claims nothing"),
        (
            "fire = [\"placeholder-text content/about.md:7\"]\n",
            "unknown field `fire`",
        ),
        (
            "fires = \"placeholder-text content/about.md:7\"\n",
            "expected a sequence",
        ),
        ("quiet = [\"placeholder-texts\"]\n", "is not a rule"),
        (
            "fires = [\"placeholder-text content/about.md:seven\"]\n",
            "is not a line",
        ),
    ] {
        std::fs::write(dir.path().join("expect.toml"), text).unwrap();
        let err = Expect::read(dir.path()).err().unwrap_or_default();
        assert!(err.contains(says), "{text:?}: {err:?}");
    }
}

#[test]
fn every_rule_fires_and_stays_quiet_on_lookalikes() {
    let mut failures = Vec::new();
    for (name, case, expect) in rule_cases() {
        let today = expect.today.as_deref().unwrap_or("2026-11-23");
        let dir = site_with(Some(&case), !expect.without_roster);
        let (code, json) = check(dir.path(), today, "json");
        let findings: Vec<Value> =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        let mut problems = unmatched(&expect.specs().unwrap(), &findings);
        for spec in &expect.absent {
            let (rule, place) = spec.split_once(' ').unwrap_or((spec, ""));
            let (file, line) = place
                .rsplit_once(':')
                .map_or((place, None), |(f, l)| (f, l.parse::<u64>().ok()));
            if findings.iter().any(|f| {
                f["rule"] == rule && f["file"] == file && line.is_none_or(|l| f["line"] == l)
            }) {
                problems.push(format!("`{spec}` is absent here, but was found"));
            }
        }
        for rule in &expect.quiet {
            if findings.iter().any(|f| f["rule"] == rule.as_str()) {
                problems.push(format!("`{rule}` is quiet here, but fired"));
            }
            if expect.fired().contains(rule) {
                problems.push(format!("`{rule}` is listed both as firing and as quiet"));
            }
        }
        let errors = findings
            .iter()
            .any(|f| f["severity"] == "error" && f["allowed"].is_null());
        if code != i32::from(errors) {
            problems.push(format!("exit code {code}"));
        }
        let mut printed = vec![json.clone()];
        for format in ["human", "github", "sarif"] {
            printed.push(check(dir.path(), today, format).1);
        }
        if !expect.published.is_empty()
            || !expect.unpublished.is_empty()
            || !expect.never_printed.is_empty()
        {
            let out = dir.path().join("public");
            let built = policypress()
                .args(["build", "--today", today, "--root"])
                .arg(dir.path())
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap();
            printed.push(String::from_utf8_lossy(&built.stderr).into_owned());
            printed.push(String::from_utf8_lossy(&built.stdout).into_owned());
            if !expect.published.is_empty() || !expect.unpublished.is_empty() {
                if built.status.success() {
                    let page =
                        |file: &str| std::fs::read_to_string(out.join(file)).unwrap_or_default();
                    for (file, text) in &expect.published {
                        if !page(file).contains(text.as_str()) {
                            problems.push(format!("{file} lacks {text:?}"));
                        }
                    }
                    for (file, text) in &expect.unpublished {
                        if !out.join(file).is_file() {
                            problems.push(format!("{file} was not written"));
                        } else if page(file).contains(text.as_str()) {
                            problems.push(format!("{file} has {text:?}"));
                        }
                    }
                } else {
                    problems.push(format!(
                        "build failed: {}",
                        String::from_utf8_lossy(&built.stderr)
                    ));
                }
            }
        }
        for secret in &expect.never_printed {
            if printed.iter().any(|p| p.contains(secret.as_str())) {
                problems.push(format!("printed `{secret}`"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name}:\n  {}\n  findings: {json}",
                problems.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
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
        format!("{site_toml}\n[rules.broken-external-link]\ntimeout = 1\nconcurrency = 2\n"),
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

/// Settings whose effect a fixture case cannot show (they need `--external`, or a key file
/// outside the site), with the test of this file or another that sets them.
const SETTINGS_TESTED_ELSEWHERE: &[(&str, &str, &str)] = &[
    (
        "broken-external-link",
        "timeout",
        "external_links_are_checked_only_on_request_and_cached",
    ),
    (
        "broken-external-link",
        "concurrency",
        "external_links_are_checked_only_on_request_and_cached",
    ),
    (
        "pupil-full-name",
        "key_file",
        "a_roster_key_file_is_read_from_the_settings",
    ),
];

/// Rules a fixture case cannot show (they need `--external` and a web server), with the
/// test that shows each firing and staying quiet.
const RULES_TESTED_ELSEWHERE: &[(&str, &str)] = &[(
    "broken-external-link",
    "external_links_are_checked_only_on_request_and_cached",
)];

/// Whether a test `fn name()` in tests/ mentions `what`.
fn test_mentions(name: &str, what: &str) -> bool {
    std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .filter_map(|t| {
            let at = t.find(&format!("fn {name}()"))?;
            let end = t[at..].find("\n}\n").map_or(t.len(), |e| at + e);
            Some(t[at..end].to_string())
        })
        .any(|body| body.contains(what))
}

/// Every rule of the registry has a case that fires it and a lookalike case where it stays
/// quiet, and every setting of every rule is set by a case that shows that rule.
#[test]
fn every_rule_and_setting_has_a_case_that_fires_and_one_that_stays_quiet() {
    let cases = rule_cases();
    let mut missing = Vec::new();
    for &rule in policypress::ruleset::RuleId::ALL {
        let id = rule.as_str();
        if let Some((_, test)) = RULES_TESTED_ELSEWHERE.iter().find(|(r, _)| *r == id) {
            if !test_mentions(test, id) {
                missing.push(format!("`{id}`: no test `{test}` shows it"));
            }
        } else if !cases
            .iter()
            .any(|(_, _, e)| e.fired().iter().any(|r| r == id))
        {
            missing.push(format!("`{id}` fires in no case"));
        }
        if !RULES_TESTED_ELSEWHERE.iter().any(|(r, _)| *r == id)
            && !cases
                .iter()
                .any(|(_, _, e)| e.quiet.iter().any(|r| r == id))
        {
            missing.push(format!(
                "`{id}` has no lookalike case listing it under `quiet`"
            ));
        }
        for &name in rule.setting_names() {
            if let Some((_, _, test)) = SETTINGS_TESTED_ELSEWHERE
                .iter()
                .find(|(r, n, _)| *r == id && *n == name)
            {
                if !test_mentions(test, name) {
                    missing.push(format!("`{id}`'s `{name}`: no test `{test}` sets it"));
                }
                continue;
            }
            let shown = cases.iter().any(|(_, case, e)| {
                let set = std::fs::read_to_string(case.join("site.toml"))
                    .ok()
                    .and_then(|t| t.parse::<toml::Table>().ok())
                    .is_some_and(|t| {
                        t.get("rules")
                            .and_then(|r| r.get(id))
                            .and_then(|r| r.get(name))
                            .is_some()
                    });
                set && (e.fired().iter().any(|r| r == id) || e.quiet.iter().any(|r| r == id))
            });
            if !shown {
                missing.push(format!(
                    "`{id}`'s `{name}` is set by no case that fires or quiets `{id}` (site.toml: [rules.{id}] {name} = …)"
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
