//! Each school's accessibility statement: built from `[accessibility]`, the rules and the
//! pages' allows; its legally fixed sentences checked word for word against this file's own
//! copy of the government's model wording; linked from every page.

mod common;
use common::*;

use std::path::Path;

/// The sentences of the model accessibility statement that the regulations fix, as GOV.UK's
/// "Sample accessibility statement" gives them, `[…]` where a site fills in its own words. Kept
/// here, apart from the code's copy, so a change to the code's wording fails this test.
const MODEL: &[&str] = &[
    "This accessibility statement applies to […].",
    "[…] is committed to making its website accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.",
    "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the ‘accessibility regulations’). If you’re not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).",
    "This statement was prepared on […]. It was last reviewed on […].",
    "This website was last tested on […]. The test was carried out by […].",
];
const FULLY: &str = "This website is fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard.";
const PARTIALLY: &str = "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to […] listed below.";

/// A built site: the `single` fixture with `overlay` laid over it, built on 2026-11-23.
fn built(overlay: Option<&str>) -> tempfile::TempDir {
    let dir = fixture_site("single");
    if let Some(o) = overlay {
        copy_dir(&fixtures().join(o), dir.path());
    }
    let out = policypress()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// A page's `<main>` as text: tags dropped, entities decoded, white space as single spaces.
fn main_text(html: &str) -> String {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let words: Vec<&str> = text.split_whitespace().collect();
    // Punctuation after an inline element's end is its own word only by the tags dropped.
    words
        .join(" ")
        .replace(" .", ".")
        .replace(" ,", ",")
        .replace(" )", ")")
        .replace("( ", "(")
}

/// Whether `text` holds `sentence`, each `[…]` in it standing for some words of the same
/// sentence (no full stop and space inside).
fn holds(text: &str, sentence: &str) -> bool {
    let parts: Vec<&str> = sentence.split("[…]").collect();
    (0..text.len())
        .filter(|&i| text.is_char_boundary(i))
        .any(|start| {
            let mut at = start;
            for (i, part) in parts.iter().enumerate() {
                if i == 0 {
                    if !text[at..].starts_with(part) {
                        return false;
                    }
                    at += part.len();
                    continue;
                }
                let Some(gap) = text[at..].find(part) else {
                    return false;
                };
                let filled = &text[at..at + gap];
                if filled.trim().is_empty() || filled.contains(". ") {
                    return false;
                }
                at += gap + part.len();
            }
            true
        })
}

fn statement(root: &Path) -> String {
    let html = std::fs::read_to_string(root.join("public/accessibility/index.html"))
        .expect("the statement is published at /accessibility/");
    main_text(&html)
}

/// The statement as its snapshot keeps it: a sentence a line, the PDF's size left out (it
/// changes with the fonts, not with what the statement says).
fn for_snapshot(text: &str) -> String {
    let mut text = text.to_string();
    if let Some(at) = text.find("Download PDF (")
        && let Some(end) = text[at..].find(')')
    {
        text.replace_range(at..at + end + 1, "Download PDF (…)");
    }
    text.replace(". ", ".\n")
}

#[test]
fn a_statement_with_nothing_to_declare_is_fully_compliant_in_the_model_s_words() {
    let dir = built(None);
    let text = statement(dir.path());
    for sentence in MODEL {
        assert!(
            holds(&text, sentence),
            "the statement lacks «{sentence}»:\n{text}"
        );
    }
    assert!(text.contains(FULLY), "{text}");
    assert!(!holds(&text, PARTIALLY), "{text}");
    assert!(!text.contains("Non-accessible content"), "{text}");
    insta::assert_snapshot!("statement_fully_compliant", for_snapshot(&text));
}

#[test]
fn allowed_findings_warning_rules_and_a_school_s_own_issues_are_listed_as_known_issues() {
    let dir = built(Some("accessibility/known-issues"));
    let text = statement(dir.path());
    for sentence in MODEL {
        assert!(
            holds(&text, sentence),
            "the statement lacks «{sentence}»:\n{text}"
        );
    }
    assert!(
        text.contains("partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to the non-compliances and exemptions listed below."),
        "{text}"
    );
    assert!(!text.contains(FULLY), "{text}");
    // The page's allow, with its reason and the criteria its rule checks.
    assert!(
        text.contains("On About this site, its headings skip a level"),
        "{text}"
    );
    assert!(
        text.contains("1.3.1 (Info and Relationships) and 2.4.6 (Headings and Labels)"),
        "{text}"
    );
    assert!(
        text.contains(
            "The timetable below copies the layout of the printed leaflet parents asked for."
        ),
        "{text}"
    );
    // A rule turned to a warning no longer holds pages to its criterion.
    assert!(text.contains("2.4.4 (Link Purpose (In Context)) are reported to us but do not stop a page being published"), "{text}");
    // The school's own issues, under the model's headings.
    assert!(text.contains("The videos on our e-safety day page have no captions. This fails WCAG 2.2 success criterion 1.2.2 (Captions (Prerecorded)). We plan to fix this by July 2027."), "{text}");
    assert!(text.contains("Content that’s not within the scope of the accessibility regulations Newsletters published before September 2018"), "{text}");
    // The school's own contact and response time.
    assert!(text.contains("email access@oaklane.sch.example"), "{text}");
    assert!(text.contains("get back to you in 5 days."), "{text}");
    assert!(
        text.contains("We are adding captions to our videos this school year."),
        "{text}"
    );
    insta::assert_snapshot!("statement_with_known_issues", for_snapshot(&text));
}

#[test]
fn every_page_of_the_demo_federation_links_its_school_s_statement() {
    let dir = fixture_site("federation");
    let out = policypress()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = dir.path().join("public");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let school = rel.split('/').next().filter(|s| !s.ends_with(".html"));
        let links = match school {
            // A school's page links that school's statement.
            Some(s) => vec![format!("/{s}/accessibility/")],
            // The landing and 404 pages link every school's.
            None => vec![
                "/north/accessibility/".into(),
                "/south/accessibility/".into(),
            ],
        };
        for link in links {
            assert!(
                html.contains(&format!("href={link}>"))
                    || html.contains(&format!("href=\"{link}\"")),
                "{rel} does not link {link}"
            );
        }
        pages += 1;
    }
    assert!(pages > 10, "only {pages} pages");
    for school in ["north", "south"] {
        let html =
            std::fs::read_to_string(public.join(school).join("accessibility/index.html")).unwrap();
        let text = main_text(&html);
        assert!(holds(&text, MODEL[0]), "{text}");
        assert!(text.contains("in particular to"), "{school}: {text}");
    }
}

#[test]
fn a_page_of_the_site_s_own_at_the_statement_s_address_is_an_error() {
    let dir = fixture_site("single");
    std::fs::write(
        dir.path().join("content/accessibility.md"),
        "+++\ntitle = \"Accessibility\"\n+++\n\nOur own words.\n",
    )
    .unwrap();
    let out = policypress()
        .args(["check", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        format!("{stdout}{stderr}")
            .contains("where PolicyPress publishes Oak Lane's accessibility statement"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_wrong_wcag_criterion_or_reason_is_an_error_at_its_line() {
    let dir = fixture_site("single");
    let site = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        format!("{site}\n[[accessibility.issues]]\nwhat = \"Videos have no captions.\"\ncriteria = [\"1.2.9\"]\nreason = \"too hard\"\n"),
    )
    .unwrap();
    let out = policypress()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-11-23",
            "--root",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{json}");
    assert!(
        json.contains("\\\"1.2.9\\\" is not a WCAG 2.2 A or AA success criterion"),
        "{json}"
    );
    assert!(
        json.contains("is not one of the model statement's reasons"),
        "{json}"
    );
}
