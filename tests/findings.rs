//! The gate's findings, in process: every fixture case (the fixture sites, and every broken
//! and rules case laid over `single`, with the test roster imported) checked with
//! `policypress::check`, and every finding (severity, rule, place, message, hint)
//! snapshotted, so a change to any rule's verdict or wording shows as a diff. No binary is
//! started: `tests/rules.rs` holds what each case must and must not report through the CLI.

mod common;
use common::*;

use std::fmt::Write as _;

use policypress::roster::{Columns, Roster, key::RosterKey};

/// The findings of `check` on a case, one per line.
fn findings(case: &FixtureCase) -> String {
    let dir = case.site();
    let key = RosterKey::from_hex(TEST_ROSTER_KEY).unwrap();
    let columns = Columns {
        forename: "Forename".into(),
        surname: "Surname".into(),
        preferred: Some("Preferred forename".into()),
    };
    let roster = Roster::import_csv(&fixtures().join("roster/pupils.csv"), &columns, &key).unwrap();
    std::fs::write(dir.path().join("roster.toml"), roster.to_file_text()).unwrap();
    let opts = policypress::site::BuildOptions {
        today: policypress::dates::parse_school_date(&case.today())
            .ok()
            .map(|d| d.start),
        ..Default::default()
    };
    let found = policypress::check(dir.path(), &opts)
        .unwrap_or_else(|e| panic!("{}: check failed: {e}", case.name));
    let mut out = String::new();
    for f in &found {
        let severity = match (&f.allowed, f.severity) {
            (Some(_), _) => "allowed".to_string(),
            (None, s) => format!("{s:?}").to_lowercase(),
        };
        let _ = writeln!(
            out,
            "{severity} {} {}:{}:{}: {}",
            f.rule, f.file, f.line, f.column, f.message
        );
        if let Some(hint) = &f.hint {
            let _ = writeln!(out, "    hint: {hint}");
        }
    }
    out
}

#[test]
fn the_findings_of_every_fixture_case() {
    // The roster key comes from the environment, as in CI; set before any thread starts.
    // SAFETY: this is the only test of this binary, and no other thread runs yet.
    unsafe { std::env::set_var(ROSTER_KEY_ENV, TEST_ROSTER_KEY) };
    let cases = fixture_cases();
    assert!(cases.len() > 40, "the fixture cases were not found");
    let mut total = 0;
    for case in &cases {
        let text = findings(case);
        total += text.lines().filter(|l| !l.starts_with(' ')).count();
        insta::assert_snapshot!(case.name.replace('/', "__"), text);
    }
    assert!(total > 60, "only {total} findings on all the cases");
}
