//! Class 12 of docs/security.md: the roster file alone gives no names back. Its hashes are
//! keyed with a secret kept outside the site; without the key, a brute force over forename
//! × surname lists recovers nothing, and the check refuses to run half-blind. The key file
//! is made readable by its owner only, and never inside the site.

mod common;
use common::*;

use std::collections::HashSet;
use std::path::Path;

use assert_cmd::Command;
use policypress::roster::Roster;
use policypress::roster::key::RosterKey;

/// `policypress` with no roster key anywhere but what the test gives it.
fn policypress(home: &Path) -> Command {
    let mut c = Command::cargo_bin("policypress").unwrap();
    c.env_remove(ROSTER_KEY_ENV)
        .env_remove("POLICYPRESS_ROSTER_KEY_FILE")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"));
    c
}

fn site(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("site");
    std::fs::create_dir_all(&root).unwrap();
    copy_dir(&fixtures().join("single"), &root);
    root
}

/// The hashes of a roster file (pairs and forenames).
fn file_hashes(text: &str) -> HashSet<String> {
    let table: toml::Table = toml::from_str(text).unwrap();
    let mut out = HashSet::new();
    for key in ["hashes", "forenames"] {
        for h in table
            .get(key)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            out.insert(h.as_str().unwrap().to_string());
        }
    }
    out
}

/// Every forename × surname of the test export (and a few common names), both ways round.
fn guesses() -> Vec<(String, String)> {
    let csv = std::fs::read_to_string(fixtures().join("roster/pupils.csv")).unwrap();
    let mut forenames = vec!["Amy".to_string(), "Oliver".to_string()];
    let mut surnames = vec!["Smith".to_string(), "Jones".to_string()];
    for line in csv.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        forenames.push(cols[1].to_string());
        if !cols[2].is_empty() {
            forenames.push(cols[2].to_string());
        }
        surnames.push(cols[3].to_string());
    }
    let mut out = Vec::new();
    for f in &forenames {
        for s in &surnames {
            out.push((f.clone(), s.clone()));
        }
    }
    out
}

/// `roster import` of the fixture's pupils into the site at `root`, with the test key.
fn import_test_roster(home: &Path, root: &Path) {
    policypress(home)
        .env(ROSTER_KEY_ENV, TEST_ROSTER_KEY)
        .args(["roster", "import"])
        .arg(fixtures().join("roster/pupils.csv"))
        .arg("--root")
        .arg(root)
        .assert()
        .success();
}

#[test]
fn the_roster_file_alone_does_not_give_the_names_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path());
    import_test_roster(dir.path(), &root);
    let text = std::fs::read_to_string(root.join("roster.toml")).unwrap();
    assert!(!text.contains(TEST_ROSTER_KEY), "the key is in the file");
    assert!(!text.contains("salt"), "{text}");
    let published = file_hashes(&text);
    assert!(published.len() > 10);
    // What an attacker with only the file can try: every key the file could give (none
    // is in it; try the check value, zeros, and a wrong key), over every name pair.
    let check: String = text
        .lines()
        .find(|l| l.starts_with("key_check"))
        .unwrap()
        .split('"')
        .nth(1)
        .unwrap()
        .to_string();
    let mut check_key = [0u8; 32];
    check_key[..check.len() / 2].copy_from_slice(
        &(0..check.len() / 2)
            .map(|i| u8::from_str_radix(&check[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<_>>(),
    );
    let wrong_keys = [
        RosterKey::from_bytes([0; 32]),
        RosterKey::from_bytes(check_key),
        RosterKey::from_bytes([0xff; 32]),
        RosterKey::from_hex(&TEST_ROSTER_KEY.replace('7', "8")).unwrap(),
    ];
    let names = guesses();
    for key in &wrong_keys {
        let mut r = Roster::new(key);
        for (f, s) in &names {
            r.add_pupil(f, s, None);
        }
        let guessed = file_hashes(&r.to_file_text());
        let recovered: Vec<&String> = guessed.intersection(&published).collect();
        assert!(
            recovered.is_empty(),
            "{} hashes recomputed without the key",
            recovered.len()
        );
    }
    // With the key, the same brute force does match: the test would catch a keyless file.
    let mut r = Roster::new(&RosterKey::from_hex(TEST_ROSTER_KEY).unwrap());
    for (f, s) in &names {
        r.add_pupil(f, s, None);
    }
    assert!(
        file_hashes(&r.to_file_text())
            .intersection(&published)
            .count()
            > 0
    );
}

#[test]
fn without_its_key_the_roster_cannot_be_used_and_the_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path());
    import_test_roster(dir.path(), &root);
    // The roster file copied (with the site) to a machine without the key.
    let out = policypress(dir.path())
        .args(["check", "--today", "2026-11-23", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stderr.contains("roster-unusable"), "{stderr}");
    assert!(stderr.contains("POLICYPRESS_ROSTER_KEY"), "{stderr}");
    // With the key it works.
    policypress(dir.path())
        .env(ROSTER_KEY_ENV, TEST_ROSTER_KEY)
        .args(["check", "--today", "2026-11-23", "--root"])
        .arg(&root)
        .assert()
        .success();
}

#[test]
fn import_makes_a_private_key_file_outside_the_site_and_refuses_one_inside() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path());
    // Inside the site: refused, nothing written.
    let inside = root.join("keys/roster.key");
    let out = policypress(dir.path())
        .args(["roster", "import"])
        .arg(fixtures().join("roster/pupils.csv"))
        .arg("--root")
        .arg(&root)
        .arg("--key-file")
        .arg(&inside)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("inside the site"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!inside.exists());
    assert!(!root.join("roster.toml").exists());
    // Through a symbolic link into the site: refused too.
    #[cfg(unix)]
    {
        let link = dir.path().join("sneaky");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        let out = policypress(dir.path())
            .args(["roster", "import"])
            .arg(fixtures().join("roster/pupils.csv"))
            .arg("--root")
            .arg(&root)
            .arg("--key-file")
            .arg(link.join("roster.key"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(!root.join("roster.key").exists());
    }
    // The default place: made, mode 0600, and used by later checks.
    policypress(dir.path())
        .args(["roster", "import"])
        .arg(fixtures().join("roster/pupils.csv"))
        .arg("--root")
        .arg(&root)
        .assert()
        .success();
    let key_file = dir.path().join(".config/policypress/roster.key");
    assert!(key_file.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert!(RosterKey::from_hex(&key).is_some());
    assert!(
        !std::fs::read_to_string(root.join("roster.toml"))
            .unwrap()
            .contains(key.trim())
    );
    // `roster key --show` prints it, once, to save as a CI secret.
    let shown = policypress(dir.path())
        .args(["roster", "key", "--show", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&shown.stdout).trim(), key.trim());
    // A name is found with the key from the file.
    std::fs::write(
        root.join("content/about.md"),
        "+++\ntitle = \"About\"\n+++\n\n## Who\n\nWell done Zorblax Quimby.\n",
    )
    .unwrap();
    let out = policypress(dir.path())
        .args(["check", "--today", "2026-11-23", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stderr.contains("pupil-full-name"), "{stderr}");
    assert!(!stderr.contains("Zorblax Quimby"), "{stderr}");
}

/// `key_file` under `[rules.pupil-full-name]` is where the check looks for the key: a key
/// there is used, the same setting pointing at a file inside the site is refused.
#[test]
fn a_roster_key_file_is_read_from_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path());
    import_test_roster(dir.path(), &root);
    let keys = dir.path().join("elsewhere");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::write(keys.join("school.key"), TEST_ROSTER_KEY).unwrap();
    let settings = std::fs::read_to_string(root.join("site.toml")).unwrap();
    let with_key = |path: &str| {
        std::fs::write(
            root.join("site.toml"),
            format!("{settings}\n[rules.pupil-full-name]\nkey_file = {path:?}\n"),
        )
        .unwrap();
        policypress(dir.path())
            .args(["check", "--today", "2026-11-23", "--root"])
            .arg(&root)
            .output()
            .unwrap()
    };
    // No key in the environment and none at the default place: the setting's file is used.
    let out = with_key(&keys.join("school.key").display().to_string());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A pupil's name is found with that key.
    std::fs::write(
        root.join("content/about.md"),
        "+++\ntitle = \"About\"\n+++\n\nWell done Zorblax Quimby.\n",
    )
    .unwrap();
    let out = with_key(&keys.join("school.key").display().to_string());
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("pupil-full-name"), "{text}");
    // A key file inside the site is refused, not read.
    std::fs::write(root.join("school.key"), TEST_ROSTER_KEY).unwrap();
    let out = with_key("school.key");
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!text.contains("pupil-full-name content"), "{text}");
    assert!(text.contains("inside"), "{text}");
}

/// The roster, its hashes and its key never reach the published folder, under any name:
/// the site is built with a roster (and a key file beside it, as `roster import` may make)
/// and every output file is searched for the roster's bytes, its hashes and the key.
#[test]
fn the_roster_and_its_key_are_never_published() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path());
    import_test_roster(dir.path(), &root);
    let roster = std::fs::read(root.join("roster.toml")).unwrap();
    let hashes = file_hashes(&String::from_utf8_lossy(&roster));
    let out = dir.path().join("out");
    policypress(dir.path())
        .env(ROSTER_KEY_ENV, TEST_ROSTER_KEY)
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        files += 1;
        let name = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .display()
            .to_string();
        let bytes = std::fs::read(entry.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!name.contains("roster"), "{name} is published");
        assert_ne!(bytes, roster, "{name} is the roster");
        assert!(
            !text.contains(TEST_ROSTER_KEY),
            "{name} holds the roster key"
        );
        let leaked: Vec<&String> = hashes
            .iter()
            .filter(|h| text.contains(h.as_str()))
            .collect();
        assert!(
            leaked.is_empty(),
            "{name} holds {} of the roster's hashes",
            leaked.len()
        );
    }
    assert!(files > 20, "the build published only {files} files");
}
