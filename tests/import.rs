//! `policypress import`: every Word fixture of `tests/fixtures/import/` converted in process
//! (the Markdown, what it converted and the places to look at, snapshotted); the same
//! documents as LibreOffice saves them (.odt, and .docx of its own) giving the same Markdown; every hostile
//! file refused with words that say what to do, quickly and without a panic; and the CLI
//! contract on a copy of the `single` site: made, unchanged when imported again, kept when
//! edited (replaced with `--force`), nothing written on `--dry-run`, and `check` failing at
//! every place the import marked.

mod common;
use common::*;

use std::fmt::Write as _;
use std::path::Path;

use policypress::import::{self, ImportError};

fn fixture(name: &str) -> std::path::PathBuf {
    fixtures().join("import").join(name)
}

/// What the importer knows of a fixture site: each school's words to write back as
/// variables, and its bands.
fn names(site: &str) -> import::ImportSite {
    let config = policypress::site::load_config(&fixtures().join(site))
        .unwrap_or_else(|e| panic!("{site}: {e}"));
    import::ImportSite::of(&config)
}

fn summary(doc: &import::Imported) -> String {
    let mut out = format!(
        "path: {}\nkind: {:?}\ncounts: {:?}\n",
        doc.path, doc.kind, doc.counts
    );
    let _ = writeln!(out, "agreement: {}", doc.looks_like_agreement);
    for p in &doc.problems {
        let _ = writeln!(out, "not imported: {p}");
    }
    for r in &doc.remarks {
        let _ = writeln!(out, "note: {r}");
    }
    for (p, bytes) in &doc.pictures {
        let _ = writeln!(out, "picture: {p} ({} bytes)", bytes.len());
    }
    for (text, var, n) in &doc.replaced {
        let _ = writeln!(out, "written back: {text} -> {var} x{n}");
    }
    for (line, what) in &doc.notes {
        let _ = writeln!(out, "look at {line}: {what}");
    }
    out.push_str("----\n");
    out.push_str(&doc.text);
    for part in &doc.also {
        out.push_str("==== and, made from part of it:\n");
        out.push_str(&summary(part));
    }
    out
}

#[test]
fn every_word_fixture_and_web_page_converts() {
    for name in [
        "website-policy.html",
        "kent-style-aup.docx",
        "lgfl-style-policy.docx",
        "swgfl-style-policy.docx",
        "federation-policy.docx",
        "broken-relationships.docx",
        "external-image.docx",
        "odt-pictures-and-links.odt",
        "appendices-policy.docx",
        "libreoffice/key-style-policy.odt",
        "libreoffice/parents-guide.docx",
    ] {
        let site = if name.starts_with("federation") {
            "federation"
        } else {
            "single"
        };
        let doc = import::convert(&fixture(name), None, &names(site))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Each place to look at is on a line of the document.
        let lines = doc.text.lines().count();
        for (line, what) in &doc.notes {
            assert!(
                *line >= 1 && *line <= lines,
                "{name}: note at {line} of {lines}: {what}"
            );
        }
        insta::assert_snapshot!(name.replace(['.', '/'], "_"), summary(&doc));
    }
}

#[test]
fn the_facts_of_the_approval_table_and_lines_go_to_front_matter() {
    let single = names("single");
    let lgfl = import::convert(&fixture("lgfl-style-policy.docx"), None, &single).unwrap();
    for line in [
        "approved = \"14th March 2022\"",
        "approved_by = \"Governing Board\"",
        "next_review = \"March 2023\"",
        "minute_ref = \"GB/22/07\"",
        "version = \"2.1\"",
        "owner = \"dsl\"",
    ] {
        assert!(
            lgfl.text.contains(line),
            "lgfl lacks {line}:\n{}",
            lgfl.text
        );
    }
    let swgfl = import::convert(&fixture("swgfl-style-policy.docx"), None, &single).unwrap();
    for line in [
        "approved_by = \"Governing Body\"",
        "approved = \"31/08/2024\"",
        "next_review = \"Summer Term 2025\"",
        "owner = \"headteacher\"",
    ] {
        assert!(
            swgfl.text.contains(line),
            "swgfl lacks {line}:\n{}",
            swgfl.text
        );
    }
    assert!(!swgfl.text.contains("version ="), "a version was invented");
    let body = |t: &str| t.splitn(3, "+++").nth(2).unwrap_or_default().to_string();
    assert!(
        !body(&swgfl.text).contains("Date approved"),
        "the approval lines stayed in the body"
    );
    // The contents list is not body text, the typed numbers are gone, and there is no HTML.
    let lgfl_body = body(&lgfl.text);
    assert!(!lgfl_body.contains("PAGEREF") && !lgfl_body.contains("TOC \\o"));
    assert!(lgfl_body.contains("\n## "), "no ## headings:\n{lgfl_body}");
    assert!(
        !lgfl_body
            .lines()
            .any(|l| l.starts_with("## 1") || l.starts_with("### 2."))
    );
    assert!(!lgfl_body.contains("<table") && !lgfl_body.contains("<colgroup"));
    assert!(lgfl_body.contains("| --- |"), "no Markdown table");
    assert!(lgfl_body.contains("(https://www.ceop.police.uk/ceop-reporting/)"));
    assert!(lgfl_body.contains("[^1]:"), "no footnote");
    // The school's name and people follow school.toml: written back as variables.
    for var in [
        "{{ school.name }}",
        "{{ dsl }}",
        "{{ dsl.email }}",
        "{{ headteacher }}",
    ] {
        assert!(lgfl_body.contains(var), "lgfl lacks {var}:\n{lgfl_body}");
    }
    for name in [
        "Oak Lane Primary School",
        "Mr Dev Fixtureson",
        "dsl@oaklane.sch.example",
    ] {
        assert!(!lgfl_body.contains(name), "lgfl still says {name}");
    }
    // A policy naming both schools of a federation: each school's copy of a sentence
    // becomes one in variables, and the report says so.
    let fed = import::convert(
        &fixture("federation-policy.docx"),
        None,
        &names("federation"),
    )
    .unwrap();
    assert!(
        fed.remarks.iter().any(|p| p.contains(
            "names 2 of the site's schools: 1 sentence each school had its own copy of became one"
        )),
        "{:?}",
        fed.remarks
    );
    assert!(
        fed.text
            .contains("At {{ school.name }} the Designated Safeguarding Lead is {{ dsl }}.")
    );
    assert!(!fed.text.contains("Mr Sol Southfake"), "{}", fed.text);
}

#[test]
fn hostile_and_foreign_files_are_refused_in_words() {
    let cases: [(&str, fn(&ImportError) -> bool, &str); 11] = [
        (
            "entity-expansion.odt",
            |e| matches!(e, ImportError::Damaged(_)),
            "entities",
        ),
        (
            "deep-lists.odt",
            |e| matches!(e, ImportError::Damaged(_)),
            "nested",
        ),
        (
            "spreadsheet.ods",
            |e| matches!(e, ImportError::NotWord),
            "or as .odt in LibreOffice",
        ),
        (
            "encrypted.odt",
            |e| matches!(e, ImportError::Encrypted),
            "remove the password",
        ),
        (
            "zip-bomb.docx",
            |e| matches!(e, ImportError::TooLarge),
            "larger than any policy",
        ),
        (
            "entity-expansion.docx",
            |e| matches!(e, ImportError::Damaged(_)),
            "entities",
        ),
        (
            "deep-tables.docx",
            |e| matches!(e, ImportError::Damaged(_)),
            "nested",
        ),
        (
            "not-a-docx.docx",
            |e| matches!(e, ImportError::NotWord),
            "save the policy as .docx",
        ),
        (
            "truncated.docx",
            |e| matches!(e, ImportError::Damaged(_)),
            "save it again",
        ),
        (
            "word97.doc",
            |e| matches!(e, ImportError::Word97),
            "save it as .docx",
        ),
        (
            "policy.pdf",
            |e| matches!(e, ImportError::Pdf),
            "Word file it was made from",
        ),
    ];
    for (name, is, words) in cases {
        let started = std::time::Instant::now();
        let e = import::convert(&fixture(name), None, &import::ImportSite::default())
            .err()
            .unwrap_or_else(|| panic!("{name} was imported"));
        assert!(is(&e), "{name}: {e:?}");
        assert!(e.to_string().contains(words), "{name}: {e}");
        // Bounded time: a backstop far above a real run (milliseconds), not a benchmark.
        assert!(
            started.elapsed().as_secs() < 30,
            "{name} took {:?}",
            started.elapsed()
        );
    }
}

fn import_cmd(site: &Path, args: &[&str]) -> (i32, String, String) {
    let out = policypress()
        .arg("import")
        .args(args)
        .arg("--root")
        .arg(site)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_import_command_contract() {
    let site = fixture_site("single");
    let file = fixture("lgfl-style-policy.docx");
    let file = file.to_str().unwrap().to_string();
    let file = file.as_str();
    let made = site.path().join("content/policies/online-safety-policy.md");
    let (code, out, err) = import_cmd(site.path(), &[file, "--dry-run"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Would write content/policies/online-safety-policy.md"),
        "{out}"
    );
    assert!(!made.exists(), "--dry-run wrote the file");
    let (code, out, err) = import_cmd(site.path(), &[file]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Made content/policies/online-safety-policy.md"),
        "{out}"
    );
    assert!(
        out.contains("content/policies/online-safety-policy.md:"),
        "no places to look at: {out}"
    );
    let first = std::fs::read_to_string(&made).unwrap();
    // The pictures are in static/, linked from the page, without the GPS the Word file's
    // photo carried (read by exiftool, not by our code).
    let photo = site
        .path()
        .join("static/images/imported/lgfl-style-policy-1.jpg");
    assert!(photo.is_file(), "the picture was not written:\n{out}");
    assert!(
        first.contains("](/images/imported/lgfl-style-policy-1.jpg)"),
        "{first}"
    );
    assert!(out.contains("location metadata"), "{out}");
    if common::checker_present("exiftool", "apt-get install libimage-exiftool-perl") {
        let o = std::process::Command::new("exiftool")
            .args(["-gps:all", "-s"])
            .arg(&photo)
            .output()
            .unwrap();
        assert!(o.status.success(), "exiftool cannot read the picture");
        assert!(
            String::from_utf8_lossy(&o.stdout).trim().is_empty(),
            "GPS left in the picture: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
    let (code, out, _) = import_cmd(site.path(), &[file]);
    assert_eq!(code, 0);
    assert!(out.contains("Unchanged"), "{out}");
    assert_eq!(
        std::fs::read_to_string(&made).unwrap(),
        first,
        "not idempotent"
    );
    std::fs::write(&made, format!("{first}\nAn edit by the coordinator.\n")).unwrap();
    let (code, out, _) = import_cmd(site.path(), &[file]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Kept") && out.contains("--force"), "{out}");
    assert!(
        std::fs::read_to_string(&made)
            .unwrap()
            .contains("An edit by the coordinator.")
    );
    let (code, out, _) = import_cmd(site.path(), &[file, "--force"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(std::fs::read_to_string(&made).unwrap(), first);
    // Every line the import marked for a person is a finding of `check`.
    let marked: Vec<usize> = first
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.contains("[To amend]") || l.contains("[Comment:") || l.contains("[To fill in]")
        })
        .map(|(i, _)| i + 1)
        .collect();
    assert!(!marked.is_empty(), "nothing was marked:\n{first}");
    let check = policypress()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-11-23",
            "--root",
        ])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let json = String::from_utf8_lossy(&check.stdout);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    for line in marked {
        assert!(
            findings.iter().any(|f| f["rule"] == "placeholder-text"
                && f["file"] == "content/policies/online-safety-policy.md"
                && f["line"] == line),
            "line {line} is marked but check does not report it: {json}"
        );
    }
    // Two files with the same title in one run: the second is named after its file, and
    // running the same import again changes nothing.
    let both = [
        file.to_string(),
        fixture("swgfl-style-policy.docx")
            .to_str()
            .unwrap()
            .to_string(),
    ];
    let fresh = fixture_site("single");
    for round in 0..2 {
        let (code, out, err) = import_cmd(fresh.path(), &[both[0].as_str(), both[1].as_str()]);
        assert_eq!(code, 0, "round {round}: {out}{err}");
        assert!(
            out.contains("content/policies/swgfl-style-policy.md"),
            "{out}"
        );
        assert_eq!(
            out.matches("Unchanged").count(),
            if round == 0 { 0 } else { 2 },
            "{out}"
        );
    }
    // Foreign files: an error that says what to do, exit 1, nothing written.
    let (code, _, err) = import_cmd(site.path(), &[fixture("word97.doc").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("save it as .docx"), "{err}");
}

/// The errors of `check` on a site, as (rule, file, line).
fn check_errors(site: &Path) -> Vec<(String, String, u64)> {
    check_errors_on(site, "2026-11-23")
}

/// The errors of `check` on a site on day `today`, as (rule, file, line).
fn check_errors_on(site: &Path, today: &str) -> Vec<(String, String, u64)> {
    let check = policypress()
        .args(["check", "--format", "json", "--today", today, "--root"])
        .arg(site)
        .output()
        .unwrap();
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&check.stdout).expect("check --format json");
    findings
        .iter()
        .filter(|f| f["severity"] == "error" && f["allowed"].is_null())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn an_imported_agreement_is_a_charter_that_builds_once_its_placeholders_are_resolved() {
    let site = fixture_site("single");
    let file = fixture("kent-style-aup.docx");
    let (code, out, err) = import_cmd(site.path(), &[file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let rel = "content/charters/pupil-acceptable-use-agreement.md";
    assert!(out.contains(&format!("Made {rel}")), "{out}");
    assert!(
        out.contains("is for [years-3-4 years-5-6]"),
        "the report says how phases were mapped: {out}"
    );
    let path = site.path().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    // `check` reports exactly the places the import marked, and nothing else.
    let marked: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.contains("[To amend]") || l.contains("[Comment:") || l.contains("\\[Insert")
        })
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let errors = check_errors(site.path());
    assert!(!errors.is_empty());
    for (rule, file, line) in &errors {
        assert!(
            rule == "placeholder-text" && file == rel && marked.contains(line),
            "an error the import did not mark: {rule} {file}:{line} in {errors:?}\n{text}"
        );
    }
    for line in &marked {
        assert!(
            errors.iter().any(|(_, _, l)| l == line),
            "line {line} is marked but not reported: {errors:?}"
        );
    }
    // A person decides each marked place (3 edits); then the site builds.
    let resolved: String = text
        .replace("\\[Insert school name\\]", "{{ school.name }}")
        .replace("[To amend] ", "")
        .lines()
        .filter(|l| !l.starts_with("[Comment:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, resolved).unwrap();
    build_ok(site.path(), "2026-11-23");
    let public = site
        .path()
        .join("public/charters/pupil-acceptable-use-agreement");
    let page = |band: &str| std::fs::read_to_string(public.join(band).join("index.html")).unwrap();
    let eyfs = page("eyfs");
    assert!(eyfs.contains("I will ask a grown-up before I use a tablet or a computer."));
    assert!(
        !eyfs.contains("passwords private") && !eyfs.contains("Key Stage"),
        "{eyfs}"
    );
    assert!(
        !eyfs.contains("&lt;") && !eyfs.contains("[eyfs]"),
        "no raw HTML or tags: {eyfs}"
    );
    let older = page("years-5-6");
    assert!(older.contains("I will keep my passwords private"));
    assert!(older.contains("Key Stage 2 (7–11)") && !older.contains("tap on the games"));
    assert!(older.contains("I have read and talked about these rules with my parents/carers."));
    let pdf = public.join("years-5-6/pupil-acceptable-use-agreement-years-5-6.pdf");
    if let Some(text) = pdf_words(&pdf) {
        assert!(text.contains("Key Stage 2 (7–11)"), "{text}");
        assert!(
            text.contains("I have read and talked about these rules with my parents/carers."),
            "{text}"
        );
        assert!(!text.contains("Early Years Foundation Stage"), "{text}");
    }
}

/// Builds the site on day `today`; the build must succeed.
fn build_ok(site: &Path, today: &str) {
    let build = policypress()
        .args(["build", "--today", today, "--root"])
        .arg(site)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

/// A PDF's text with runs of white space as one space, by `pdftotext` (required in CI;
/// elsewhere `None` when poppler-utils is not installed).
fn pdf_words(pdf: &Path) -> Option<String> {
    if !common::checker_present("pdftotext", "apt-get install poppler-utils") {
        return None;
    }
    let o = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "pdftotext cannot read {}",
        pdf.display()
    );
    Some(
        String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A Word policy imported as a new user would: into a copy of the fixture site its school
/// is in, on a day its dates are current.
struct Imported<'a> {
    docx: &'a str,
    site: &'a str,
    today: &'a str,
    /// Where the policy goes.
    rel: &'a str,
    /// Exactly the errors `check` then reports, as (rule, line of the new file).
    errors: &'a [(&'a str, u64)],
    /// A person's decisions, each one hand edit: (text as imported, what they write).
    edits: &'a [(&'a str, &'a str)],
    /// Text its page has once built.
    page: &'a [&'a str],
    /// Text its page must not have (the old website's menus, sidebar, footer).
    not_on_page: &'a [&'a str],
    /// Text its PDF has (its sections and its tables' cells).
    pdf: &'a [&'a str],
}

/// Imports, checks that `check` reports exactly the expected errors, makes the edits, and
/// builds: the build succeeds, the page has no raw HTML, the PDF has what it must.
fn import_resolve_build(case: &Imported<'_>) {
    let site = fixture_site(case.site);
    let file = fixture(case.docx);
    let (code, out, err) = import_cmd(site.path(), &[file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("Made {}", case.rel)), "{out}");
    let path = site.path().join(case.rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut errors: Vec<(String, u64)> = check_errors_on(site.path(), case.today)
        .into_iter()
        .map(|(rule, file, line)| {
            assert_eq!(file, case.rel, "{rule}:{line} in another file\n{text}");
            (rule, line)
        })
        .collect();
    errors.sort();
    let mut want: Vec<(String, u64)> = case
        .errors
        .iter()
        .map(|(r, l)| (r.to_string(), *l))
        .collect();
    want.sort();
    assert_eq!(errors, want, "{}:\n{text}", case.docx);
    let mut edited = text.clone();
    for (from, to) in case.edits {
        assert!(
            edited.contains(from),
            "{}: no {from:?} in\n{edited}",
            case.docx
        );
        edited = edited.replacen(from, to, 1);
    }
    std::fs::write(&path, &edited).unwrap();
    let left = check_errors_on(site.path(), case.today);
    assert!(
        left.is_empty(),
        "{}: after the edits: {left:?}\n{edited}",
        case.docx
    );
    build_ok(site.path(), case.today);
    let slug = case
        .rel
        .trim_start_matches("content/")
        .trim_end_matches(".md");
    // A site of several schools publishes the policy in each school's folder: the first's.
    let first_school = std::fs::read_dir(site.path().join("content/schools"))
        .ok()
        .and_then(|d| d.flatten().map(|e| e.file_name()).min())
        .filter(|_| case.site == "federation");
    let public = site.path().join("public");
    let page_dir = match &first_school {
        Some(school) => public.join(school).join(slug),
        None => public.join(slug),
    };
    if first_school.is_some() {
        // Neither school's page names the other's people.
        for (school, own, other) in [
            ("north", "Ms Nora Northfake", "Mr Sol Southfake"),
            ("south", "Mr Sol Southfake", "Ms Nora Northfake"),
        ] {
            let page =
                std::fs::read_to_string(public.join(school).join(slug).join("index.html")).unwrap();
            assert!(
                page.contains(own) && !page.contains(other),
                "{school}: {page}"
            );
        }
    }
    let page = std::fs::read_to_string(page_dir.join("index.html")).unwrap();
    assert!(
        !page.contains("&lt;") && !page.contains("<table><colgroup"),
        "{}: raw HTML on the page: {page}",
        case.docx
    );
    for want in case.page {
        assert!(
            page.contains(want),
            "{}: the page lacks {want:?}: {page}",
            case.docx
        );
    }
    for unwanted in case.not_on_page {
        assert!(
            !page.contains(unwanted),
            "{}: the page has {unwanted:?}: {page}",
            case.docx
        );
    }
    let pdf = std::fs::read_dir(&page_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .expect("the policy's PDF");
    if let Some(words) = pdf_words(&pdf) {
        for want in case.pdf {
            assert!(
                words.contains(want),
                "{}: the PDF lacks {want:?}: {words}",
                case.docx
            );
        }
    }
}

#[test]
fn an_lgfl_style_policy_builds_after_the_edits_its_template_asks_for() {
    import_resolve_build(&Imported {
        docx: "lgfl-style-policy.docx",
        site: "single",
        today: "2023-01-10",
        rel: "content/policies/online-safety-policy.md",
        errors: &[
            ("table-header", 15),
            ("placeholder-text", 20),
            ("image-alt-missing", 99),
        ],
        edits: &[
            ("|  |  |", "| Role | Name |"),
            ("[To fill in]", "Ms Ivy Fixturelead"),
            ("![](", "![A class using tablets in the library]("),
        ],
        page: &[
            "<h2 id=filtering-and-monitoring>",
            "<th>Check</th><th>Who</th><th>How often</th>",
            "Keeping Children Safe in Education",
        ],
        not_on_page: &[],
        pdf: &[
            "Introduction",
            "Who this policy applies to",
            "Filtering and monitoring",
            "Monitoring alerts are read and acted on",
            "Ms Ivy Fixturelead",
            "Mr Dev Fixtureson",
            "Version 2.1",
        ],
    });
}

#[test]
fn an_swgfl_style_policy_builds_once_its_choices_and_notes_are_decided() {
    import_resolve_build(&Imported {
        docx: "swgfl-style-policy.docx",
        site: "single",
        today: "2024-11-23",
        rel: "content/policies/online-safety-policy.md",
        errors: &[
            ("policy-metadata-missing", 1),
            ("placeholder-text", 13),
            ("placeholder-text", 15),
            ("placeholder-text", 15),
            ("placeholder-text", 19),
            ("placeholder-text", 19),
            ("placeholder-text", 21),
            ("placeholder-text", 23),
            ("placeholder-text", 27),
            ("placeholder-text", 27),
            ("placeholder-text", 29),
            ("placeholder-text", 31),
            ("placeholder-text", 35),
        ],
        edits: &[
            (
                "title = \"Online Safety Policy\"",
                "title = \"Online Safety Policy\"\nversion = \"1.0\"",
            ),
            ("the School / Academy community (", "the school community ("),
            ("School / Academy digital", "school digital"),
            ("out of the School / Academy.", "out of school."),
            ("The School / Academy will deal", "The school will deal"),
            (
                " *(The school will need to decide how it monitors the impact of this policy and who reports on it to governors.)*",
                "",
            ),
            ("The Headteacher / Principal", "The Headteacher"),
            (
                "of the School / Academy community",
                "of the school community",
            ),
            (
                " Schools should consider naming a governor with a specific interest in online safety.",
                "",
            ),
            (
                "\\[insert name of responsible member of staff\\]",
                "Ms Ivy Fixturelead",
            ),
            (
                "The School / Academy filtering is provided by \\[name of filtering provider\\]",
                "Our filtering is provided by Fixture Filtering Ltd",
            ),
            (
                "*Schools should consider whether their filtering allows different levels of access for staff and for pupils of different ages.*",
                "Staff and pupils have different levels of access.",
            ),
            (
                "*(Schools may wish to add a list of the monitoring tools they use here.)*",
                "We use Fixture Monitor on every school device.",
            ),
            ("The School / Academy will record", "The school will record"),
        ],
        page: &["<h2 id=scope-of-the-policy>", "Oak Lane Primary School"],
        not_on_page: &["School / Academy"],
        pdf: &[
            "Scope of the policy",
            "Roles and responsibilities",
            "Reporting and responding",
            "Fixture Filtering Ltd",
            "Mrs Hana Testperson",
        ],
    });
}

#[test]
fn a_federation_policy_names_each_school_s_own_people_on_its_page() {
    import_resolve_build(&Imported {
        docx: "federation-policy.docx",
        site: "federation",
        today: "2024-11-23",
        rel: "content/policies/federation-online-safety-policy.md",
        errors: &[("placeholder-text", 21), ("placeholder-text", 25)],
        edits: &[
            (
                "\\[To decide: one school only\\] South Fictional Infant School only",
                "At South Fictional Infant School",
            ),
            (
                "\\[To decide: one school only\\] North Fictional Primary School only",
                "At North Fictional Primary School",
            ),
        ],
        page: &[
            "At North Fictional Primary School the Designated Safeguarding Lead is Ms Nora Northfake.",
        ],
        not_on_page: &["Mr Sol Southfake"],
        pdf: &[
            "Who to talk to",
            "Ms Nora Northfake",
            "At South Fictional Infant School",
        ],
    });
}

#[test]
fn a_policy_page_saved_from_the_school_website_comes_in_without_its_chrome() {
    import_resolve_build(&Imported {
        docx: "website-policy.html",
        site: "single",
        today: "2024-11-23",
        rel: "content/policies/online-safety-policy.md",
        errors: &[("policy-metadata-missing", 1)],
        edits: &[("version = \"4.0\"", "version = \"4.0\"\nowner = \"dsl\"")],
        page: &[
            "<h2 id=teaching>",
            "<th>Check</th><th>Who</th><th>How often</th>",
            "Mr Dev Fixtureson",
            "<em>safely</em>",
        ],
        not_on_page: &[
            "Sports day",
            "We use cookies",
            "About us",
            "analytics.example",
            "ict-suite.jpg",
            "2 Fictional Road, Testville</p>",
        ],
        pdf: &[
            "Aims",
            "When something goes wrong",
            "Monitoring alerts",
            "Version 4.0",
            "Governing Board",
        ],
    });
}

#[test]
fn school_imports_into_that_school_s_folder_in_its_words() {
    let site = fixture_site("federation");
    let file = fixture("federation-policy.docx");
    let file = file.to_str().unwrap();
    let (code, out, err) = import_cmd(site.path(), &[file, "--school", "south"]);
    assert_eq!(code, 0, "{out}{err}");
    let rel = "content/schools/south/policies/federation-online-safety-policy.md";
    assert!(out.contains(&format!("Made {rel}")), "{out}");
    let text = std::fs::read_to_string(site.path().join(rel)).unwrap();
    assert!(
        text.contains("At {{ school.name }} the Designated Safeguarding Lead is {{ dsl }}."),
        "South's own words are variables: {text}"
    );
    assert!(
        !site
            .path()
            .join("content/policies/federation-online-safety-policy.md")
            .exists()
    );
    let (code, _, err) = import_cmd(site.path(), &[file, "--school", "east"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("there is no school `east`; the schools are: north, south"),
        "{err}"
    );
}

/// What a conversion says, without where the file was or what its pictures were called
/// inside it: what must not depend on the program that saved the document.
fn said(doc: &import::Imported) -> String {
    let mut out = summary(doc);
    for r in &doc.remarks {
        if r.starts_with("the picture ") && r.contains(" said where it was taken") {
            out = out.replace(r.as_str(), "a picture said where it was taken");
        }
    }
    out
}

#[test]
fn libreoffice_s_odt_and_docx_give_the_same_markdown_as_word_s() {
    for (original, site, kind) in [
        ("kent-style-aup.docx", "single", None),
        ("lgfl-style-policy.docx", "single", None),
        ("swgfl-style-policy.docx", "single", None),
        ("federation-policy.docx", "federation", None),
        ("appendices-policy.docx", "single", None),
        ("libreoffice/key-style-policy.odt", "single", None),
        (
            "libreoffice/sources/parents-guide.html",
            "single",
            Some(import::ImportKind::Guide),
        ),
    ] {
        let stem = Path::new(original).file_stem().unwrap().to_str().unwrap();
        let want = import::convert(&fixture(original), kind, &names(site)).unwrap();
        let mut copies = vec![format!("libreoffice/{stem}.docx")];
        if !original.starts_with("libreoffice/") {
            copies.push(format!("libreoffice/{stem}.odt"));
        }
        for copy in copies {
            let got = import::convert(&fixture(&copy), kind, &names(site))
                .unwrap_or_else(|e| panic!("{copy}: {e}"));
            assert_eq!(said(&got), said(&want), "{copy} differs from {original}");
            assert_eq!(got.pictures.len(), want.pictures.len(), "{copy}");
        }
    }
}

#[test]
fn a_policy_written_in_libreoffice_builds_once_its_template_leftovers_are_decided() {
    import_resolve_build(&Imported {
        docx: "libreoffice/key-style-policy.odt",
        site: "single",
        today: "2025-11-01",
        rel: "content/policies/online-safety-policy.md",
        errors: &[
            ("policy-metadata-missing", 1),
            ("placeholder-text", 26),
            ("placeholder-text", 32),
        ],
        edits: &[
            (
                "next_review = \"October 2026\"",
                "next_review = \"October 2026\"\nversion = \"1.0\"\nowner = \"dsl\"",
            ),
            (
                "[Comment: Check how often the link governor meets the DSL.]\n",
                "",
            ),
            ("\\[name of ICT provider\\]", "Fictional Filtering Ltd"),
        ],
        page: &[
            "<h2 id=aims>",
            "<th>Who</th><th>What happens</th>",
            "<strong>designated safeguarding lead</strong>",
            "alt=\"Chart of incidents by term\"",
            "Fictional Filtering Ltd",
        ],
        not_on_page: &[
            // The tracked deletion, the contents list's cached entries, the page header.
            "bring their own tablets",
            "Roles and responsibilities\t",
            "Online safety policy</p>",
        ],
        pdf: &[
            "Aims",
            "Roles and responsibilities",
            "The governing board",
            "Monitoring arrangements",
            "As the staff code of conduct sets out.",
            "Version 1.0",
        ],
    });
}

#[test]
fn a_policy_s_pupil_agreement_appendices_become_one_charter_it_links_to() {
    let site = fixture_site("single");
    let file = fixture("appendices-policy.docx");
    let (code, out, err) = import_cmd(site.path(), &[file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let policy = "content/policies/online-safety-policy.md";
    let charter = "content/charters/pupils-acceptable-use-agreement.md";
    assert!(out.contains(&format!("Made {policy}")), "{out}");
    assert!(out.contains(&format!("Made {charter}")), "{out}");
    let policy_text = std::fs::read_to_string(site.path().join(policy)).unwrap();
    let charter_text = std::fs::read_to_string(site.path().join(charter)).unwrap();
    // The staff agreement and the loan form stay in the policy; the pupils' go.
    assert!(policy_text.contains("- I will not take photos of pupils on my own phone."));
    assert!(policy_text.contains("I have borrowed a school laptop"));
    assert!(
        !policy_text.contains("I will ask a grown-up"),
        "{policy_text}"
    );
    assert!(
        charter_text.contains("## [eyfs years-1-2] EYFS and KS1 acceptable use agreement")
            && charter_text.contains("## [years-3-4 years-5-6] KS2 acceptable use agreement")
            && charter_text.contains("- I Promise – to keep my password private."),
        "{charter_text}"
    );
    assert!(!charter_text.contains("Signed (pupil)"), "{charter_text}");
    // Importing again changes nothing, in either file.
    let (code, again, _) = import_cmd(site.path(), &[file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(again.matches("Unchanged").count(), 2, "{again}");
    assert_eq!(check_errors_on(site.path(), "2026-03-01"), []);
    build_ok(site.path(), "2026-03-01");
    let public = site.path().join("public");
    let page =
        std::fs::read_to_string(public.join("policies/online-safety-policy/index.html")).unwrap();
    assert!(
        page.contains("<a href=/charters/pupils-acceptable-use-agreement/>"),
        "the policy links to the charter: {page}"
    );
    let charter_dir = public.join("charters/pupils-acceptable-use-agreement");
    let eyfs = std::fs::read_to_string(charter_dir.join("eyfs/index.html")).unwrap();
    assert!(eyfs.contains("I will tell a grown-up if something on the screen upsets me."));
    let ks2_pdf = std::fs::read_dir(charter_dir.join("years-5-6"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.to_string_lossy().contains("years-5-6") && p.extension().is_some_and(|x| x == "pdf")
        })
        .expect("the Years 5 and 6 copy");
    if let Some(words) = pdf_words(&ks2_pdf) {
        assert!(words.contains("keep my password private"), "{words}");
        assert!(
            !words.contains("ask a grown-up before I use a tablet"),
            "{words}"
        );
    }
}
