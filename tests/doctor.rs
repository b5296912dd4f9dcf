//! `policypress doctor` and `--version`: what a coordinator is told is set up and missing.
//!
//! Each case is the `single` fixture with a few edits, the lines `doctor` must print for it
//! and its exit code (1 when anything is missing).

mod common;

use std::path::Path;

/// A case: the edits laid over `single` (file, text to replace, replacement; an empty
/// `from` appends), the lines that must appear, the lines that must not, and the exit code.
struct Case {
    name: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    shows: &'static [&'static str],
    never: &'static [&'static str],
    code: i32,
}

const SITE: &str = "site.toml";
const SCHOOL: &str = "content/schools/oak/school.toml";
const ABOUT: &str = "content/about.md";
const READY_URL: (&str, &str, &str) = (
    SITE,
    "https://oak-lane.example/",
    "https://online-safety.oak-lane-fictional.org.uk/",
);

const CASES: &[Case] = &[
    Case {
        name: "the fixture as it is: an example address",
        edits: &[],
        shows: &[
            "✗ base URL: https://oak-lane.example/ is an example address",
            "hint: set `base_url` in site.toml",
            "✓ CEOP contact:",
            "✓ safeguarding lead: Mr Dev Fixtureson",
            "! roster: there is no pupil roster",
            "hint: import the school's pupil export once with `policypress roster import FILE.csv`",
            "✓ print fonts: every character of the documents",
            "Fix the lines marked ✗ before publishing",
        ],
        never: &[],
        code: 1,
    },
    Case {
        name: "a real address: nothing missing",
        edits: &[READY_URL],
        shows: &[
            "✓ base URL: https://online-safety.oak-lane-fictional.org.uk/",
            "! logo: no logo",
            "! contact details: no website under [contact]",
            "0 missing (✗)",
            "Next: `policypress check`",
        ],
        never: &["  ✗ "],
        code: 0,
    },
    Case {
        name: "an http address is worth a look, not missing",
        edits: &[(
            SITE,
            "https://oak-lane.example/",
            "http://online-safety.oak-lane-fictional.org.uk/",
        )],
        shows: &[
            "! base URL: http://online-safety.oak-lane-fictional.org.uk/ is not an https:// address",
        ],
        never: &["  ✗ "],
        code: 0,
    },
    Case {
        name: "a localhost address is not where a site is published",
        edits: &[(SITE, "https://oak-lane.example/", "http://localhost:8080/")],
        shows: &["✗ base URL: http://localhost:8080/ is an example address"],
        never: &[],
        code: 1,
    },
    Case {
        name: "no safeguarding lead and no way to reach the school",
        edits: &[
            READY_URL,
            (
                SCHOOL,
                "[roles.dsl]\nname = \"Mr Dev Fixtureson\"\nemail = \"dsl@oaklane.sch.example\"\n",
                "",
            ),
            (
                SCHOOL,
                "phone = \"01632 960200\"\nemail = \"office@oaklane.sch.example\"\n",
                "",
            ),
        ],
        shows: &[
            "✗ safeguarding lead: no designated safeguarding lead is named",
            "hint: add [roles.dsl] with `name = \"…\"` to content/schools/oak/school.toml",
            "✗ contact details: no phone or e-mail",
        ],
        never: &["✓ safeguarding lead"],
        code: 1,
    },
    Case {
        name: "a character the print fonts cannot draw, named with its document",
        edits: &[READY_URL, (ABOUT, "", "\nWell done 🙂 and 你好.\n")],
        shows: &[
            "✗ print fonts: 3 character(s) have no glyph in the print fonts",
            "🙂 (U+1F642, in content/about.md)",
            "你 (U+4F60, in content/about.md)",
            "hint: replace them with words or characters the fonts have",
        ],
        never: &["✓ print fonts"],
        code: 1,
    },
    Case {
        name: "accented Latin letters print (Welsh, Polish, French)",
        edits: &[
            READY_URL,
            (
                ABOUT,
                "",
                "\nCroeso i'r ŵyl. Zażółć gęślą jaźń. Élève, café.\n",
            ),
        ],
        shows: &["✓ print fonts: every character of the documents"],
        never: &["  ✗ "],
        code: 0,
    },
];

/// `policypress doctor` on the site at `root`, with the tests' roster key.
fn doctor(root: &Path) -> std::process::Output {
    common::policypress()
        .args(["doctor", "--root"])
        .arg(root)
        .output()
        .unwrap()
}

fn apply(root: &Path, edits: &[(&str, &str, &str)]) {
    for (file, from, to) in edits {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let new = if from.is_empty() {
            format!("{text}{to}")
        } else {
            assert!(text.contains(from), "{file} does not contain {from:?}");
            text.replacen(from, to, 1)
        };
        std::fs::write(&path, new).unwrap();
    }
}

#[test]
fn doctor_says_what_is_set_up_and_what_is_missing() {
    let mut failures = Vec::new();
    for case in CASES {
        let site = common::fixture_site("single");
        apply(site.path(), case.edits);
        let out = doctor(site.path());
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        if out.status.code() != Some(case.code) {
            problems.push(format!(
                "exit code {:?}, expected {}",
                out.status.code(),
                case.code
            ));
        }
        for line in case.shows {
            if !stdout.contains(line) {
                problems.push(format!("does not say {line:?}"));
            }
        }
        for line in case.never {
            if stdout.contains(line) {
                problems.push(format!("says {line:?}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}:\n  {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
                case.name,
                problems.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn doctor_on_a_logo_and_a_roster() {
    let site = common::fixture_site("single");
    apply(site.path(), &[READY_URL]);
    // A logo among the static files.
    let images = site.path().join("static/images");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(
        images.join("oak-logo.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>"#,
    )
    .unwrap();
    let school = site.path().join(SCHOOL);
    let text = std::fs::read_to_string(&school).unwrap();
    std::fs::write(
        &school,
        text.replacen(
            "[contact]",
            "logo = \"/images/oak-logo.svg\"\n\n[contact]",
            1,
        ),
    )
    .unwrap();
    // A roster, imported with the tests' key.
    let csv = site.path().join("../pupils.csv");
    std::fs::write(
        &csv,
        "Forename,Surname\nZara,Quillfeather\nTobias,Wrenfield\n",
    )
    .unwrap();
    common::policypress()
        .args(["roster", "import"])
        .arg(&csv)
        .arg("--root")
        .arg(site.path())
        .assert()
        .success();
    let out = doctor(site.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("✓ logo: static/images/oak-logo.svg"),
        "{stdout}"
    );
    assert!(
        stdout.contains("✓ roster: 2 pupils as keyed hashes, key from the environment variable POLICYPRESS_ROSTER_KEY"),
        "{stdout}"
    );
    // Without the key the roster cannot be used: that is missing, with what to do.
    let out = common::policypress()
        .env_remove(common::ROSTER_KEY_ENV)
        .env("XDG_CONFIG_HOME", site.path().join("../no-config"))
        .args(["doctor", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("✗ roster: the roster cannot be used: there is no roster key"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "hint: set the roster key in the environment variable POLICYPRESS_ROSTER_KEY"
        ),
        "{stdout}"
    );
}

#[test]
fn doctor_on_settings_that_do_not_read() {
    let site = common::fixture_site("single");
    apply(site.path(), &[(SITE, "title = ", "title = = ")]);
    let out = doctor(site.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("site.toml:1:"), "{stderr}");
    assert!(
        stderr.contains("hint: fix the errors above, then run `policypress doctor` again"),
        "{stderr}"
    );
}

/// `--version` names the version and, built from a git checkout, the commit it was built
/// from (the one checked out now: cargo rebuilds when HEAD moves).
#[test]
fn version_names_the_commit() {
    let out = common::policypress().arg("--version").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    let version = env!("CARGO_PKG_VERSION");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(head) => assert_eq!(
            stdout.trim(),
            format!("policypress {version} (commit {head})")
        ),
        None => assert_eq!(stdout.trim(), format!("policypress {version}")),
    }
    let doctor = common::policypress()
        .args(["doctor", "--root", "/nonexistent-policypress-site"])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        first
            .lines()
            .next()
            .is_some_and(|l| l.starts_with(&format!("PolicyPress {version}"))),
        "{first}"
    );
}
