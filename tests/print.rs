//! Print PDFs: the real binary on fixture sites, with the PDFs checked by poppler-utils
//! (`pdfinfo`, `pdftotext`). Tests that need poppler are required when `CI` is set and
//! skipped with a message otherwise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as Std;
use std::time::SystemTime;

use assert_cmd::Command;

mod common;
use common::{ROSTER_KEY_ENV, TEST_ROSTER_KEY, copy_dir, fixtures};

/// A fresh copy of the `print` fixture site.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("print"), dir.path());
    dir
}

fn policypress() -> Command {
    let mut c = Command::cargo_bin("policypress").unwrap();
    c.env(ROSTER_KEY_ENV, TEST_ROSTER_KEY);
    c
}

const TODAY: &str = "2026-11-23";

fn build(root: &Path) -> std::process::Output {
    let out = policypress()
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

fn build_ok(root: &Path) -> String {
    let out = build(root);
    assert!(
        out.status.success(),
        "build failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether poppler-utils is here; in CI it must be.
fn poppler() -> bool {
    common::checker_present("pdfinfo", "apt-get install poppler-utils")
}

fn pdfinfo(pdf: &Path, args: &[&str]) -> String {
    let out = Std::new("pdfinfo").args(args).arg(pdf).output().unwrap();
    assert!(
        out.status.success(),
        "pdfinfo {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF's text in reading order, with runs of white space as one space.
fn text(pdf: &Path) -> String {
    let out = Std::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether extracted text has `want`, allowing a line break inside a long web address.
fn contains(text: &str, want: &str) -> bool {
    text.contains(want)
        || (want.contains("://") && text.replace(". ", ".").replace("/ ", "/").contains(want))
}

fn field<'a>(info: &'a str, name: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {name} in\n{info}"))
}

/// Checks what every PolicyPress PDF must be: tagged, A4, PDF/UA-1, with metadata.
fn assert_accessible_a4(pdf: &Path, title: &str, author: &str, pages: usize) {
    let info = pdfinfo(pdf, &[]);
    assert_eq!(field(&info, "Tagged"), "yes", "{}", pdf.display());
    assert!(
        field(&info, "Page size").starts_with("595.276 x 841.89")
            || field(&info, "Page size").starts_with("595.28 x 841.89"),
        "{info}"
    );
    assert!(field(&info, "Page size").contains("A4"), "{info}");
    assert_eq!(
        field(&info, "Pages"),
        pages.to_string(),
        "{}",
        pdf.display()
    );
    assert_eq!(field(&info, "Title"), title, "{}", pdf.display());
    assert_eq!(field(&info, "Author"), author, "{}", pdf.display());
    assert!(!field(&info, "Subject").is_empty(), "{info}");
    let meta = pdfinfo(pdf, &["-meta"]);
    assert!(
        meta.contains("<pdfuaid:part>1</pdfuaid:part>") || meta.contains("pdfuaid:part=\"1\""),
        "{} has no pdfuaid:part 1 in its XMP:\n{meta}",
        pdf.display()
    );
    assert!(
        meta.contains("en-GB"),
        "{} does not declare en-GB:\n{meta}",
        pdf.display()
    );
    pdfua_passes(pdf);
    let fonts = Std::new("pdffonts").arg(pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("AtkinsonHyperlegible"), "{fonts}");
    for line in fonts.lines().skip(2) {
        // name type encoding emb sub uni object ID
        let cols: Vec<&str> = line.split_whitespace().collect();
        let emb = cols.iter().rev().nth(4).copied();
        assert_eq!(emb, Some("yes"), "a font is not embedded: {line}");
    }
}

fn page_count(info_pdf: &Path) -> usize {
    field(&pdfinfo(info_pdf, &[]), "Pages").parse().unwrap()
}

/// An independent PDF/UA-1 check beside Typst's own claim: PyPI `pdfua` (pikepdf-based, the
/// machine-checkable subset of the rules) finds nothing.
fn pdfua_passes(pdf: &Path) {
    if !common::checker_present("pdfua", "pip install pdfua==0.1.3") {
        return;
    }
    let out = Std::new("pdfua").arg("check").arg(pdf).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.contains("result: PASS"),
        "pdfua finds {} not PDF/UA-1:\n{report}",
        pdf.display()
    );
}

/// The alternative text of every figure in the PDF's structure tree, read with pikepdf
/// (tests/tools/pdf_figures.py): `None` when the checker is not installed.
fn figure_alt_texts(pdf: &Path) -> Option<Vec<Option<String>>> {
    if !common::checker_present("pdfua", "pip install pdfua==0.1.3") {
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/pdf_figures.py");
    let out = Std::new("python3").arg(script).arg(pdf).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn every_school_band_and_class_gets_an_accessible_pdf() {
    let dir = site();
    let stdout = build_ok(dir.path());
    assert!(stdout.contains("and 16 PDFs (16 compiled)"), "{stdout}");
    let public = dir.path().join("public");
    let brook = "Brookfield Fictional Primary School";
    let marsh = "Marsh Fictional Junior School";
    for (slug, school, dsl) in [
        ("north", brook, "Mr Quentin Guardfake"),
        ("south", marsh, "Ms Wanda Wardfake"),
    ] {
        let policy = public.join(format!(
            "{slug}/policies/online-safety/online-safety-policy.pdf"
        ));
        let guide = public.join(format!(
            "{slug}/guides/gaming/gaming-a-guide-for-parents.pdf"
        ));
        assert!(policy.is_file(), "{}", policy.display());
        assert!(guide.is_file(), "{}", guide.display());
        if !poppler() {
            continue;
        }
        // Counted by hand from the fixture: the policy's contents and sections fill two pages,
        // the guide one.
        let pages = 2;
        assert_accessible_a4(&policy, "Online Safety Policy", school, pages);
        let t = text(&policy);
        for want in [
            "Online Safety Policy",
            school,
            dsl,
            "Version: 3.4",
            "Next review: Spring 2 2027",
            "Approved by: Full Governing Board",
            "Spring 2 2027",
            "Full Governing Board",
            "Contents",
            "1 Aims",
            "1.1 Scope",
            "2 Filtering and monitoring",
            "Including volunteers and supply staff.",
            "UK Safer Internet Centre (https://saferinternet.org.uk/)",
            "https://www.ceop.police.uk/ceop-reporting/",
            "pupil charter (https://print-fixture.example/",
            "Weekly",
            "Sign-off",
            "Chair of governors",
            &format!("Page 1 of {pages}"),
            &format!("Page {pages} of {pages}"),
        ] {
            assert!(
                contains(&t, want),
                "the {slug} policy PDF lacks {want:?}:\n{t}"
            );
        }
        // The running footer: school, title, version and review date on every page.
        assert_eq!(t.matches("Next review Spring 2 2027").count(), pages, "{t}");
        let g = text(&guide);
        assert_accessible_a4(&guide, "Gaming: a guide for parents", school, 1);
        for want in [
            "Gaming: a guide for parents",
            "Years 3 and 4 and Years 5 and 6",
            "Who to contact",
            dsl,
            "https://www.ceop.police.uk/ceop-reporting/",
        ] {
            assert!(
                contains(&g, want),
                "the {slug} guide PDF lacks {want:?}:\n{g}"
            );
        }
        // The web pages link their PDFs with size and page count.
        let html = std::fs::read_to_string(
            public.join(format!("{slug}/policies/online-safety/index.html")),
        )
        .unwrap();
        let label = format!("Download PDF (A4, {pages} pages, ");
        assert!(
            html.contains(&label) && html.contains("online-safety-policy.pdf"),
            "{html}"
        );
        let html = std::fs::read_to_string(public.join(format!("{slug}/guides/gaming/index.html")))
            .unwrap();
        assert!(
            html.contains("gaming-a-guide-for-parents.pdf") && html.contains("Download PDF (A4, "),
            "{html}"
        );
    }
    if !poppler() {
        return;
    }

    // Charters: one page per band, each with its own statements only; class copies.
    let charter = |school: &str, band: &str, file: &str| {
        public.join(format!(
            "{school}/charters/online-behaviour/{band}/{file}.pdf"
        ))
    };
    let statements: BTreeMap<&str, (&[&str], &[&str])> = BTreeMap::from([
        (
            "eyfs",
            (
                &[
                    "I show a grown-up when the tablet makes me feel sad.",
                    "I am kind on screens too.",
                ][..],
                &[
                    "passwords",
                    "tap on the pictures",
                    "age rating",
                    "be kind to everyone",
                ][..],
            ),
        ),
        (
            "years-1-2",
            (
                &[
                    "I only tap on the pictures my teacher shows me.",
                    "I am kind on screens too.",
                ][..],
                &["grown-up when the tablet", "passwords", "age rating"][..],
            ),
        ),
        (
            "years-3-4",
            (
                &[
                    "I keep my password to myself.",
                    "I will be kind to everyone online.",
                ][..],
                &[
                    "passwords secret",
                    "age rating",
                    "tablet",
                    "kind on screens",
                ][..],
            ),
        ),
        (
            "years-5-6",
            (
                &[
                    "I will keep my passwords secret, even from my friends.",
                    "I will check the age rating before I join a new app.",
                ][..],
                &["password to myself", "tablet", "kind on screens"][..],
            ),
        ),
    ]);
    for (slug, school, bands) in [
        (
            "north",
            brook,
            &["eyfs", "years-1-2", "years-3-4", "years-5-6"][..],
        ),
        ("south", marsh, &["years-3-4", "years-5-6"][..]),
    ] {
        for band in bands {
            let pdf = charter(slug, band, &format!("our-online-promises-{band}"));
            assert!(pdf.is_file(), "{}", pdf.display());
            let band_name = match *band {
                "eyfs" => "EYFS (Nursery and Reception)",
                "years-1-2" => "Years 1 and 2",
                "years-3-4" => "Years 3 and 4",
                _ => "Years 5 and 6",
            };
            assert_accessible_a4(
                &pdf,
                &format!("Our Online Promises: {band_name}"),
                school,
                1,
            );
            let t = text(&pdf);
            let (own, others) = statements[band];
            for s in own
                .iter()
                .chain(["I will tell a trusted adult if something online worries me."].iter())
            {
                assert!(t.contains(s), "{slug} {band} lacks {s:?}:\n{t}");
            }
            for s in others {
                assert!(
                    !t.contains(s),
                    "{slug} {band} has another band's {s:?}:\n{t}"
                );
            }
            for s in ["Parent or carer", "Class", "Date"] {
                assert!(t.contains(s), "{slug} {band} lacks the line {s:?}:\n{t}");
            }
            if *band == "eyfs" {
                assert!(
                    t.contains("signing on the child's behalf")
                        || t.contains("signing on the child’s behalf"),
                    "{t}"
                );
                assert!(
                    !t.contains("Pupil's signature") && !t.contains("Pupil’s signature"),
                    "{t}"
                );
            } else {
                assert!(
                    t.contains("Pupil's signature") || t.contains("Pupil’s signature"),
                    "{t}"
                );
            }
            let html = std::fs::read_to_string(public.join(format!(
                "{slug}/charters/online-behaviour/{band}/index.html"
            )))
            .unwrap();
            assert!(
                html.contains(&format!("our-online-promises-{band}.pdf"))
                    && html.contains("Download PDF (A4, 1 page, "),
                "{html}"
            );
        }
    }
    // Class copies, in the band of their year, with the class filled in.
    for (slug, band, class, file) in [
        ("north", "eyfs", "Reception Robins", "reception-robins"),
        ("north", "years-3-4", "Year 3 Oak", "year-3-oak"),
        ("north", "years-5-6", "Year 6 Cedar", "year-6-cedar"),
        ("south", "years-3-4", "Year 4 Elm", "year-4-elm"),
    ] {
        let pdf = charter(slug, band, &format!("our-online-promises-{file}"));
        assert!(pdf.is_file(), "{}", pdf.display());
        assert_eq!(page_count(&pdf), 1);
        let t = text(&pdf);
        assert!(t.contains(class), "{t}");
        let html = std::fs::read_to_string(public.join(format!(
            "{slug}/charters/online-behaviour/{band}/index.html"
        )))
        .unwrap();
        assert!(
            html.contains(&format!("{class} (PDF, A4, 1 page, ")),
            "{html}"
        );
    }
    // "Pebbles" names no year: no copy, and a warning says so.
    assert!(
        !walk_pdfs(&public)
            .iter()
            .any(|p| p.to_string_lossy().contains("pebbles"))
    );
}

fn walk_pdfs(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| e.into_path())
        .collect()
}

/// The text of pages `first` to `last` of a PDF, with runs of white space as one space.
fn text_of_pages(pdf: &Path, first: usize, last: usize) -> String {
    let out = Std::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_long_policy_starts_its_sections_after_the_contents_and_a_short_one_does_not() {
    if !poppler() {
        return;
    }
    let dir = site();
    // About 900 words in three sections: long enough for a contents page of its own.
    let filler = "Staff check the filtering reports every week and act on what they find. ";
    let section = filler.repeat(25);
    std::fs::write(
        dir.path().join("content/policies/long-policy.md"),
        format!(
            "+++\ntitle = \"Long Fictional Policy\"\nversion = \"1.0\"\napproved_by = \"Full Governing Board\"\napproved = \"2026-03-10\"\nnext_review = \"Spring 2 2027\"\nowner = \"dsl\"\n+++\n\n## First part\n\nThe first part begins here. {section}\n\n## Second part\n\n{section}\n\n## Third part\n\n{section}\n"
        ),
    )
    .unwrap();
    build_ok(dir.path());
    let public = dir.path().join("public/north/policies");

    let long = public.join("long-policy/long-fictional-policy.pdf");
    let first = text_of_pages(&long, 1, 1);
    assert!(first.contains("Contents"), "{first}");
    assert!(first.contains("1 First part"), "{first}");
    assert!(first.contains("3 Third part"), "{first}");
    assert!(!first.contains("The first part begins here."), "{first}");
    let second = text_of_pages(&long, 2, 2);
    assert!(
        second.starts_with("1 First part The first part begins here."),
        "{second}"
    );

    // The short fixture policy goes on from its contents on the same page.
    let short = public.join("online-safety/online-safety-policy.pdf");
    let first = text_of_pages(&short, 1, 1);
    assert!(first.contains("Contents"), "{first}");
    assert!(first.contains("keeps everyone safe online"), "{first}");
}

#[test]
fn text_that_looks_like_typst_prints_as_typed() {
    if !poppler() {
        return;
    }
    let dir = site();
    build_ok(dir.path());
    let t = text(
        &dir.path()
            .join("public/north/policies/online-safety/online-safety-policy.pdf"),
    );
    for want in [
        "#read(",
        "/etc/passwd",
        "#import",
        "evil.typ",
        "$x + y$",
        "5 * 3",
        "snake_case_name",
        "@ref",
        "#set page(width: 1cm)",
        "\\",
        "#strong(",
    ] {
        assert!(t.contains(want), "{want:?} was not printed as typed:\n{t}");
    }
    assert!(!t.contains("root:x:0"), "the PDF read /etc/passwd");
}

#[test]
fn an_unchanged_rebuild_compiles_no_pdf_and_a_change_recompiles_only_that() {
    let dir = site();
    build_ok(dir.path());
    let cache = dir.path().join(".policypress/pdf-cache");
    let times = |dir: &Path| -> BTreeMap<PathBuf, SystemTime> {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| (e.path(), e.metadata().unwrap().modified().unwrap()))
            .collect()
    };
    let before = times(&cache);
    assert_eq!(
        before
            .keys()
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .count(),
        16
    );
    let stdout = build_ok(dir.path());
    assert!(stdout.contains("and 16 PDFs (0 compiled)"), "{stdout}");
    assert_eq!(
        times(&cache),
        before,
        "the cache changed on an unchanged rebuild"
    );
    assert!(
        dir.path()
            .join("public/south/guides/gaming/gaming-a-guide-for-parents.pdf")
            .is_file()
    );

    // A change to the guide recompiles the two schools' guides, and nothing else.
    let guide = dir.path().join("content/guides/gaming.md");
    let text = std::fs::read_to_string(&guide)
        .unwrap()
        .replace("agree which games", "agree together which games");
    std::fs::write(&guide, text).unwrap();
    let stdout = build_ok(dir.path());
    assert!(stdout.contains("and 16 PDFs (2 compiled)"), "{stdout}");
    // A change to one school's data recompiles that school's PDFs only.
    let school = dir.path().join("content/schools/south/school.toml");
    let text = std::fs::read_to_string(&school)
        .unwrap()
        .replace("Ms Wanda Wardfake", "Ms Wanda Newfake");
    std::fs::write(&school, text).unwrap();
    let stdout = build_ok(dir.path());
    assert!(stdout.contains("and 16 PDFs (6 compiled)"), "{stdout}");
    // Entries no longer used are pruned.
    assert_eq!(
        std::fs::read_dir(&cache)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
            .count(),
        16
    );
}

#[test]
fn a_charter_too_long_for_one_page_fails_naming_its_band() {
    let dir = site();
    let path = dir.path().join("content/charters/online-behaviour.md");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n## Many more promises\n\n");
    // Too long even in the smallest type and in two columns.
    for i in 1..=200 {
        text.push_str(&format!("- [years-3-4] I will remember promise number {i} about being careful and thoughtful online.\n"));
    }
    std::fs::write(&path, text).unwrap();
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("charter-one-page"), "{stderr}");
    assert!(
        stderr.contains("`years-3-4` (Years 3 and 4) does not fit on one A4 page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/charters/online-behaviour.md"),
        "{stderr}"
    );
    assert!(!stderr.contains("`years-5-6`"), "{stderr}");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn a_pupil_name_is_caught_before_any_pdf_is_written() {
    let dir = site();
    policypress()
        .args(["roster", "import"])
        .arg(fixtures().join("roster/pupils.csv"))
        .arg("--root")
        .arg(dir.path())
        .assert()
        .success();
    for file in [
        "content/policies/online-safety.md",
        "content/charters/online-behaviour.md",
    ] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap()
            + "\n- Well done to Zorblax Quimby for the poster.\n";
        std::fs::write(&path, text).unwrap();
    }
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pupil-full-name"), "{stderr}");
    assert!(!stderr.contains("Zorblax"), "{stderr}");
    assert!(
        walk_pdfs(dir.path()).is_empty(),
        "a PDF was written: {:?}",
        walk_pdfs(dir.path())
    );
    assert!(!dir.path().join(".policypress/pdf-cache").exists());
}

#[test]
fn a_pdf_accessibility_refusal_points_at_the_markdown_line() {
    let dir = site();
    // With the lint switched off, the PDF/UA export still refuses a skipped heading level,
    // and says so in PolicyPress's words, at the author's line.
    let site_toml = dir.path().join("site.toml");
    let text = std::fs::read_to_string(&site_toml).unwrap()
        + "\n[rules.heading-order]\nseverity = \"off\"\n";
    std::fs::write(&site_toml, text).unwrap();
    let guide = dir.path().join("content/guides/gaming.md");
    let text = std::fs::read_to_string(&guide).unwrap() + "\n#### Too deep\n\nText.\n";
    std::fs::write(&guide, text).unwrap();
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[pdf-accessibility]"), "{stderr}");
    assert!(stderr.contains("this heading skips a level"), "{stderr}");
    assert!(stderr.contains("content/guides/gaming.md:15"), "{stderr}");
    assert!(!stderr.contains("PDF/UA-1 error"), "{stderr}");
    assert!(!stderr.contains("typst"), "{stderr}");
}

#[test]
fn a_site_print_template_overrides_the_theme() {
    if !poppler() {
        return;
    }
    let dir = site();
    std::fs::create_dir_all(dir.path().join("print")).unwrap();
    let theme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/print/guide.typ"),
    )
    .unwrap();
    let custom = theme.replace(
        "title(data.title)",
        "title(data.title)\n  [Printed with our own template.]",
    );
    std::fs::write(dir.path().join("print/guide.typ"), custom).unwrap();
    build_ok(dir.path());
    let t = text(
        &dir.path()
            .join("public/north/guides/gaming/gaming-a-guide-for-parents.pdf"),
    );
    assert!(t.contains("Printed with our own template."), "{t}");

    // A mistake in it is reported in the template, at its line.
    std::fs::write(
        dir.path().join("print/guide.typ"),
        "#let guide(data, body) = {\n  undefined-thing\n}\n",
    )
    .unwrap();
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[print-template]") && stderr.contains("print/guide.typ:2"),
        "{stderr}"
    );
}

#[test]
fn an_image_is_printed_from_static_with_its_alt_text() {
    if !poppler() {
        return;
    }
    let dir = site();
    std::fs::create_dir_all(dir.path().join("static/photos")).unwrap();
    std::fs::write(dir.path().join("static/photos/class.png"), png(40, 20)).unwrap();
    let guide = dir.path().join("content/guides/gaming.md");
    let text = std::fs::read_to_string(&guide).unwrap()
        + "\n## A picture\n\n![Pupils reading together in the library](/photos/class.png)\n";
    std::fs::write(&guide, text).unwrap();
    build_ok(dir.path());
    let pdf = dir
        .path()
        .join("public/north/guides/gaming/gaming-a-guide-for-parents.pdf");
    let list = Std::new("pdfimages")
        .arg("-list")
        .arg(&pdf)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert_eq!(list.lines().skip(2).count(), 1, "{list}");
    let structure = pdfinfo(&pdf, &["-struct-text"]);
    assert!(structure.contains("Figure"), "{structure}");
    // The Markdown's alt text is the figure's /Alt in the tagged PDF.
    if let Some(alts) = figure_alt_texts(&pdf) {
        assert_eq!(
            alts,
            vec![Some("Pupils reading together in the library".to_string())]
        );
    }
}

/// The PDF embeds the photo the site publishes (its location and IPTC removed), not the
/// file in static/: the images `pdfimages` takes out of the PDF are read with exiftool.
#[test]
fn a_printed_photo_carries_no_location_or_names() {
    if !poppler() {
        return;
    }
    if !common::checker_present("exiftool", "apt-get install libimage-exiftool-perl") {
        return;
    }
    let dir = site();
    std::fs::create_dir_all(dir.path().join("static/photos")).unwrap();
    for name in ["gps.jpg", "iptc.jpg", "xmp.jpg"] {
        std::fs::copy(
            fixtures().join("images/jpeg").join(name),
            dir.path().join("static/photos").join(name),
        )
        .unwrap();
    }
    let config = dir.path().join("site.toml");
    let text =
        std::fs::read_to_string(&config).unwrap() + "\n[rules.image-geodata]\npolicy = \"strip\"\n";
    std::fs::write(&config, text).unwrap();
    let guide = dir.path().join("content/guides/gaming.md");
    let text = std::fs::read_to_string(&guide).unwrap()
        + "\n## Pictures\n\n![Pupils reading in the library](/photos/gps.jpg)\n\n![A display of pupils' work](/photos/iptc.jpg)\n\n![The school garden in spring](/photos/xmp.jpg)\n";
    std::fs::write(&guide, text).unwrap();
    build_ok(dir.path());
    let pdf = dir
        .path()
        .join("public/north/guides/gaming/gaming-a-guide-for-parents.pdf");
    let images = tempfile::tempdir().unwrap();
    let status = Std::new("pdfimages")
        .arg("-all")
        .arg(&pdf)
        .arg(images.path().join("img"))
        .status()
        .unwrap();
    assert!(status.success());
    let taken: Vec<PathBuf> = std::fs::read_dir(images.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        taken
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .count()
            >= 3,
        "{taken:?}"
    );
    for image in &taken {
        let meta = Std::new("exiftool")
            .args(["-a", "-G1", "-s"])
            .arg(image)
            .output()
            .unwrap();
        let meta = String::from_utf8_lossy(&meta.stdout);
        for field in ["GPS", "IPTC", "XMP", "Artist", "Creator", "By-line"] {
            assert!(
                !meta.contains(field),
                "{} has {field}:\n{meta}",
                image.display()
            );
        }
    }
}

/// An overdue policy's PDF says so at the top, even when the finding is allowed; the web page
/// says so too (`review-overdue-allowed` in tests/fixtures/rules).
#[test]
fn an_overdue_policy_says_so_in_its_pdf() {
    if !poppler() {
        return;
    }
    let dir = site();
    let policy = dir.path().join("content/policies/online-safety.md");
    let text_md = std::fs::read_to_string(&policy).unwrap().replacen(
        "sign_off = true\n",
        "sign_off = true\n\n[[allow]]\nrule = \"review-overdue\"\nreason = \"The board meets next week.\"\n",
        1,
    );
    std::fs::write(&policy, text_md).unwrap();
    let out = policypress()
        .args(["build", "--today", "2028-01-10", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir
        .path()
        .join("public/north/policies/online-safety/online-safety-policy.pdf");
    let words = text(&pdf);
    assert!(
        words.contains("Review overdue since Spring 2 2027"),
        "{words}"
    );
}

/// A small solid-colour PNG.
fn png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        out.extend(crc32(&out[start..]).to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    // Stored (uncompressed) deflate blocks inside a zlib stream.
    let mut raw = Vec::new();
    for _ in 0..h {
        raw.push(0);
        for _ in 0..w {
            raw.extend([200, 80, 40]);
        }
    }
    let mut z = vec![0x78, 0x01];
    for (i, block) in raw.chunks(65535).enumerate() {
        let last = (i + 1) * 65535 >= raw.len();
        z.push(u8::from(last));
        z.extend((block.len() as u16).to_le_bytes());
        z.extend((!(block.len() as u16)).to_le_bytes());
        z.extend(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for x in &raw {
        a = (a + u32::from(*x)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend(((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn an_agreement_written_per_phase_is_signed_in_its_own_words() {
    // The rules fixture `agreement-per-phase` over the `single` site: bands on headings,
    // paragraphs and a list; the site's own section name; the agreement's own sign-off words.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("single"), dir.path());
    common::copy_dir_except(
        &fixtures().join("rules/agreement-per-phase"),
        dir.path(),
        &["expect.toml"],
    );
    build_ok(dir.path());
    let public = dir.path().join("public");
    let page = |band: &str| {
        std::fs::read_to_string(public.join(format!("charters/online-behaviour/{band}/index.html")))
            .unwrap()
    };
    let eyfs = page("eyfs");
    assert!(eyfs.contains("Early Years and Key Stage 1"), "{eyfs}");
    assert!(
        !eyfs.contains("Key Stage 2") && !eyfs.contains("[eyfs"),
        "{eyfs}"
    );
    assert!(eyfs.contains("Please talk about them at home."));
    assert!(!eyfs.contains("responsible online"));
    assert!(eyfs.contains("My grown-up and I have talked about these rules."));
    assert!(
        eyfs.contains("How to sign this acceptable use agreement"),
        "{eyfs}"
    );
    assert!(
        eyfs.contains(">Acceptable use agreements<"),
        "the menu and crumbs use the site's name: {eyfs}"
    );
    assert!(!eyfs.contains("Pupil charters"), "{eyfs}");
    let older = page("years-5-6");
    assert!(older.contains("Key Stage 2 (7–11)") && !older.contains("Early Years"));
    assert!(older.contains("check the age rating"));
    assert!(
        older.contains("I have read this acceptable use agreement and I will follow it."),
        "a band with no words of its own gets the default, in the site's name: {older}"
    );
    assert!(!page("years-3-4").contains("age rating"));
    if !poppler() {
        return;
    }
    let pdf = |band: &str, file: &str| {
        text(&public.join(format!("charters/online-behaviour/{band}/{file}.pdf")))
    };
    let year12 = pdf("years-1-2", "acceptable-use-agreement-for-pupils-years-1-2");
    assert!(
        year12.contains("I have read and talked about these rules with my parents/carers."),
        "{year12}"
    );
    assert!(year12.contains("I only use the apps my teacher shows me."));
    assert!(
        !year12.contains("Key Stage 2") && !year12.contains("passwords"),
        "{year12}"
    );
}

/// A rules fixture laid over the `single` site, built.
fn single_with(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("single"), dir.path());
    common::copy_dir_except(
        &fixtures().join("rules").join(case),
        dir.path(),
        &["expect.toml"],
    );
    build_ok(dir.path());
    dir
}

#[test]
fn a_long_charter_is_fitted_to_one_page_in_smaller_type_then_two_columns() {
    if !poppler() {
        return;
    }
    // Years 3 and 4 overflow as designed but fit in smaller type; Years 5 and 6 fit only in
    // two columns. Every statement is on the one page, and so is the sign-off.
    let dir = site();
    let path = dir.path().join("content/charters/online-behaviour.md");
    let mut md = std::fs::read_to_string(&path).unwrap();
    md.push_str("\n## More promises\n\n");
    for (band, n) in [("years-3-4", FITS_SMALLER), ("years-5-6", FITS_IN_COLUMNS)] {
        for i in 1..=n {
            md.push_str(&format!("- [{band}] I will remember promise number {i} about being careful and kind online.\n"));
        }
    }
    std::fs::write(&path, md).unwrap();
    build_ok(dir.path());
    let band_dir = dir.path().join("public/north/charters/online-behaviour");
    let pdf = |band: &str| band_dir.join(format!("{band}/our-online-promises-{band}.pdf"));
    for (band, n) in [("years-3-4", FITS_SMALLER), ("years-5-6", FITS_IN_COLUMNS)] {
        assert_eq!(page_count(&pdf(band)), 1, "{band}");
        let words = text(&pdf(band));
        assert!(
            words.contains(&format!("promise number {n} about")),
            "{band}: {words}"
        );
        assert!(
            words.contains("Parent or carer’s signature"),
            "{band}: {words}"
        );
    }
    // As designed, a Years 3 and 4 statement's words are 10.2 pt type, about 12.6 pt tall.
    let small = word_boxes(&pdf("years-3-4"), "promise");
    assert_eq!(small.len(), FITS_SMALLER);
    assert!(
        small.iter().all(|(_, h)| *h < 12.0),
        "not smaller: {small:?}"
    );
    assert!(
        small.iter().all(|(x, _)| *x < HALF_A4),
        "one column: {small:?}"
    );
    let columns = word_boxes(&pdf("years-5-6"), "promise");
    assert!(
        columns.iter().any(|(x, _)| *x > HALF_A4),
        "two columns: {columns:?}"
    );
    assert!(
        columns.iter().any(|(x, _)| *x < HALF_A4),
        "two columns: {columns:?}"
    );
}

/// How many statements the fitting test gives each band: more than fit as designed (the
/// first), more than fit in one column at all (the second).
const FITS_SMALLER: usize = 40;
const FITS_IN_COLUMNS: usize = 54;
/// Half an A4 page's width, in points.
const HALF_A4: f64 = 297.6;

/// Where each `word` is on a PDF's page, by `pdftotext -bbox`: its left edge and its height,
/// in points.
fn word_boxes(pdf: &Path, word: &str) -> Vec<(f64, f64)> {
    let out = Std::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |line: &str, name: &str| -> f64 {
        let at = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_end().ends_with(&format!(">{word}</word>")))
        .map(|l| (attr(l, "xMin"), attr(l, "yMax") - attr(l, "yMin")))
        .collect()
}

#[test]
fn the_school_logo_is_on_every_pdf_with_the_school_name() {
    if !poppler() {
        return;
    }
    let dir = single_with("logo-shown");
    let public = dir.path().join("public");
    for pdf in walk_pdfs(&public) {
        let list = Std::new("pdfimages")
            .arg("-list")
            .arg(&pdf)
            .output()
            .unwrap();
        let list = String::from_utf8_lossy(&list.stdout);
        let images: Vec<&str> = list.lines().skip(2).collect();
        assert_eq!(images.len(), 1, "{}: {list}", pdf.display());
        let cols: Vec<&str> = images[0].split_whitespace().collect();
        assert_eq!(
            (cols[3], cols[4]),
            ("64", "40"),
            "{}: {list}",
            pdf.display()
        );
        let structure = pdfinfo(&pdf, &["-struct-text"]);
        assert!(structure.contains("Figure"), "{structure}");
    }
    assert!(walk_pdfs(&public).len() >= 5);
}

#[test]
fn a_setting_prints_its_own_words() {
    if !poppler() {
        return;
    }
    let dir = single_with("setting-words");
    let pdf = dir.path().join(
        "public/charters/online-behaviour/years-1-2/charter-for-good-online-behaviour-years-1-2.pdf",
    );
    let words = text(&pdf);
    assert!(words.contains("Child’s name"), "{words}");
    assert!(words.contains("Child’s signature"), "{words}");
    assert!(!words.contains("Pupil"), "{words}");
}

#[test]
fn a_mixed_age_class_gets_a_copy_for_each_of_its_bands() {
    let dir = single_with("classes-mixed-age");
    let band = |b: &str| {
        dir.path()
            .join(format!("public/charters/online-behaviour/{b}"))
    };
    let stem = "charter-for-good-online-behaviour";
    for (b, file) in [
        ("eyfs", format!("{stem}-reception-year-1-robins-eyfs.pdf")),
        (
            "years-1-2",
            format!("{stem}-reception-year-1-robins-years-1-2.pdf"),
        ),
        ("years-3-4", format!("{stem}-years-3-and-4-willow.pdf")),
        ("years-5-6", format!("{stem}-owls.pdf")),
    ] {
        assert!(band(b).join(&file).is_file(), "no {b}/{file}");
    }
    let page = std::fs::read_to_string(band("years-1-2").join("index.html")).unwrap();
    assert!(page.contains("Reception/Year 1 Robins"), "{page}");
    let pdfs = walk_pdfs(&dir.path().join("public"));
    assert!(
        !pdfs
            .iter()
            .any(|p| p.to_string_lossy().contains("kingfishers")),
        "{pdfs:?}"
    );
}

#[test]
fn each_school_s_accessibility_statement_is_a_tagged_pdf_too() {
    let dir = site();
    build_ok(dir.path());
    let public = dir.path().join("public");
    for (slug, school) in [
        ("north", "Brookfield Fictional Primary School"),
        ("south", "Marsh Fictional Junior School"),
    ] {
        let folder = public.join(slug).join("accessibility");
        let pdfs: Vec<PathBuf> = walk_pdfs(&folder);
        assert_eq!(pdfs.len(), 1, "{}: {pdfs:?}", folder.display());
        let page = std::fs::read_to_string(folder.join("index.html")).unwrap();
        let name = pdfs[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            page.contains(&name),
            "the statement's page does not link {name}"
        );
        if !poppler() {
            continue;
        }
        // The statement's fixed sections fill two pages.
        assert_accessible_a4(
            &pdfs[0],
            "Accessibility statement for Brookfield and Marsh Federation: Online Safety",
            school,
            2,
        );
        let t = text(&pdfs[0]);
        for want in [
            "Enforcement procedure",
            "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018",
            "Compliance status",
            "This statement was prepared on 1 September 2025.",
        ] {
            assert!(
                contains(&t, want),
                "the {slug} statement PDF lacks {want:?}:\n{t}"
            );
        }
    }
}

#[test]
fn a_filtering_and_monitoring_review_is_a_tagged_pdf_with_its_tables() {
    let dir = site();
    let reviews = dir.path().join("content/reviews");
    std::fs::create_dir_all(&reviews).unwrap();
    std::fs::copy(
        fixtures().join("rules/review-record-quiet/content/reviews/filtering-2026.md"),
        reviews.join("filtering-2026.md"),
    )
    .unwrap();
    build_ok(dir.path());
    let folder = dir.path().join("public/north/reviews/filtering-2026");
    let pdfs = walk_pdfs(&folder);
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    if !poppler() {
        return;
    }
    // The fixture's record fits on one page.
    assert_accessible_a4(
        &pdfs[0],
        "Filtering and monitoring review 2026",
        "Brookfield Fictional Primary School",
        1,
    );
    let t = text(&pdfs[0]);
    for want in [
        "Reviewed: 15 September 2026",
        "Next review due by: 15 September 2027",
        "Who took part",
        "Designated Safeguarding Lead: Mr Quentin Guardfake",
        "What we checked",
        "Blocked categories tested from a pupil laptop",
        "What we block and allow, and why",
        "Online games and chat",
        "Actions",
        "Check the new tablets",
    ] {
        assert!(contains(&t, want), "the review PDF lacks {want:?}:\n{t}");
    }
    // Its table headers are marked as headers in the PDF's structure.
    let tree = pdfinfo(&pdfs[0], &["-struct"]);
    assert!(tree.contains("TH"), "no table header cells in\n{tree}");
}
