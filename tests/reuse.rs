//! Pages carried over from the last build (`pipeline::Reuse`, `.policypress/page-records`),
//! and PDFs taken from the cache by their inputs (`.policypress/pdf-cache/inputs.memo`):
//! after any edit, a build that reuses what it can publishes exactly what a build from
//! nothing publishes, and says how many pages it carried over; a record or page that is
//! not what this machine wrote is never taken.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const TODAY: &str = "2026-11-23";

/// The demo site (the repository's own), copied.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["site.toml", "content", "themes", "static"] {
        let from = root.join(part);
        if from.is_dir() {
            common::copy_dir(&from, &dir.path().join(part));
        } else {
            std::fs::copy(&from, dir.path().join(part)).unwrap();
        }
    }
    dir
}

/// A test's folders: a machine's cache folder, a copy of the demo and the output folder.
struct Work {
    tmp: tempfile::TempDir,
    machine: Machine,
    site: tempfile::TempDir,
    out: PathBuf,
}

impl Work {
    fn new() -> Work {
        let tmp = tempfile::tempdir().unwrap();
        Work {
            machine: Machine {
                cache: tmp.path().join("cache"),
            },
            out: tmp.path().join("public"),
            site: demo(),
            tmp,
        }
    }
}

struct Machine {
    /// The cache folder this "machine" keeps its seal in.
    cache: PathBuf,
}

impl Machine {
    fn build(&self, site: &Path, out: &Path, today: &str) -> Output {
        common::policypress()
            .env("XDG_CACHE_HOME", &self.cache)
            .args(["build", "--today", today, "--root"])
            .arg(site)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// How many pages the build said it carried over (0 when it said nothing).
fn carried(o: &Output) -> usize {
    let t = text(o);
    t.split(" carried over)")
        .next()
        .filter(|_| t.contains(" carried over)"))
        .and_then(|before| before.rsplit('(').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// How many pages the build published.
fn pages(o: &Output) -> usize {
    let t = text(o);
    let after = t.split("Built ").nth(1).unwrap_or_else(|| panic!("{t}"));
    after.split(' ').next().unwrap().parse().unwrap()
}

/// Every file of a folder: path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Builds the site twice after an edit: reusing what the last build recorded, into `out`,
/// and from nothing (the records removed), into another folder; both must succeed with
/// the same warnings and publish the same bytes. Returns the first build's output.
fn same_as_from_nothing(m: &Machine, site: &Path, out: &Path, today: &str, what: &str) -> Output {
    let reused = m.build(site, out, today);
    assert!(reused.status.success(), "{what}: {}", text(&reused));
    // The pages' records and the PDFs' memo go; the PDFs themselves stay in the cache, so
    // the build from nothing writes each PDF's markup and finds it there by that.
    std::fs::remove_file(site.join(".policypress/page-records")).unwrap();
    std::fs::remove_file(site.join(".policypress/pdf-cache/inputs.memo")).unwrap();
    let fresh_out = out.with_file_name(format!(
        "{}-fresh",
        out.file_name().unwrap().to_string_lossy()
    ));
    let fresh = m.build(site, &fresh_out, today);
    assert!(fresh.status.success(), "{what}: {}", text(&fresh));
    assert_eq!(carried(&fresh), 0, "{what}: {}", text(&fresh));
    let warnings = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        warnings(&reused),
        warnings(&fresh),
        "{what}: the warnings differ"
    );
    let (a, b) = (files(out), files(&fresh_out));
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "{what}: a build reusing the last one's pages published other files than a build from nothing: {differ:?}"
    );
    std::fs::remove_dir_all(&fresh_out).unwrap();
    // The records are the fresh build's now; the next build reuses them against `out`,
    // which holds the same bytes.
    reused
}

fn edit(site: &Path, file: &str, from: &str, to: &str) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn after_each_edit_a_build_that_reuses_pages_publishes_what_a_build_from_nothing_does() {
    let w = Work::new();
    let (m, site, out) = (&w.machine, w.site.path(), &w.out);

    let first = m.build(site, &out, TODAY);
    assert!(first.status.success(), "{}", text(&first));
    assert_eq!(carried(&first), 0);
    assert!(site.join(".policypress/page-records").is_file());
    let all = pages(&first);

    // Nothing changed: every page made from a document is carried over, and the output is
    // the same.
    let before = files(&out);
    let modified = |p: &str| std::fs::metadata(site.join(p)).unwrap().modified().unwrap();
    let records_written = modified(".policypress/page-records");
    let memo_written = modified(".policypress/pdf-cache/inputs.memo");
    let again = m.build(site, &out, TODAY);
    assert!(again.status.success(), "{}", text(&again));
    let documents_pages = carried(&again);
    assert!(
        documents_pages > all / 2,
        "only {documents_pages} of {all} pages carried over: {}",
        text(&again)
    );
    assert_eq!(
        files(&out),
        before,
        "an unchanged rebuild changed the output"
    );
    assert_eq!(modified(".policypress/page-records"), records_written);
    assert_eq!(modified(".policypress/pdf-cache/inputs.memo"), memo_written);

    // A guide's text: its pages are made again, the rest carried over.
    edit(
        site,
        "content/guides/gaming.md",
        "Set up these controls",
        "First, set up these controls",
    );
    let o = same_as_from_nothing(&m, site, &out, TODAY, "a guide's text");
    let made = all - carried(&o);
    assert!(
        made > 0 && carried(&o) >= documents_pages - 4,
        "a one-guide edit made {made} pages again: {}",
        text(&o)
    );
    assert!(
        std::fs::read_to_string(out.join("riverbend/guides/gaming/index.html"))
            .unwrap()
            .contains("First, set up these controls")
    );

    // A guide's title (front matter): lists and navigation show it, so every page is made
    // again.
    edit(
        site,
        "content/guides/gaming.md",
        "title = \"",
        "title = \"Games: ",
    );
    same_as_from_nothing(&m, site, &out, TODAY, "a guide's title");
    // A page in every page's navigation, then its title: every page shows it.
    edit(
        site,
        "content/contacts.md",
        "title = \"Contacts and useful links\"",
        "nav = true\ntitle = \"Contacts and useful links\"",
    );
    same_as_from_nothing(&m, site, &out, TODAY, "a page put in the navigation");
    edit(
        site,
        "content/contacts.md",
        "title = \"Contacts and useful links\"",
        "title = \"Useful contacts\"",
    );
    same_as_from_nothing(
        &m,
        site,
        &out,
        TODAY,
        "the title of a page in the navigation",
    );

    // A school's details, a contact, a template of the site's own, another day.
    let school = std::fs::read_dir(site.join("content/schools"))
        .unwrap()
        .map(|e| e.unwrap().path().join("school.toml"))
        .find(|p| p.is_file())
        .unwrap();
    let school_text = std::fs::read_to_string(&school).unwrap();
    let name_line = school_text
        .lines()
        .find(|l| l.starts_with("name = \""))
        .unwrap()
        .to_string();
    std::fs::write(
        &school,
        school_text.replacen(
            &name_line,
            &name_line.replacen("name = \"", "name = \"The ", 1),
            1,
        ),
    )
    .unwrap();
    same_as_from_nothing(&m, site, &out, TODAY, "a school's name");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><p>Template edited.</p>{% endblock %}",
    )
    .unwrap();
    same_as_from_nothing(&m, site, &out, TODAY, "a template");
    same_as_from_nothing(&m, site, &out, "2027-03-01", "another day");
}

#[test]
fn a_link_to_a_heading_that_went_is_found_though_the_linking_page_is_unchanged() {
    let w = Work::new();
    let (m, site, out) = (&w.machine, w.site.path(), &w.out);
    // A page that is not printed (so no PDF of it finds the broken link instead) links to
    // a guide's heading.
    edit(
        site,
        "content/report-a-concern.md",
        "explains how to respond at home.",
        "explains how to respond at home, and [when to tell the school](@/guides/upsetting-content.md#when-to-tell-the-school-and-when-to-report).",
    );
    let o = m.build(site, &out, TODAY);
    assert!(o.status.success(), "{}", text(&o));
    // Only the guide changes: its heading.
    edit(
        site,
        "content/guides/upsetting-content.md",
        "## When to tell the school, and when to report",
        "## Telling the school, and reporting",
    );
    let o = m.build(site, &out, TODAY);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("content/report-a-concern.md")
            && text(&o).contains(
                "has no heading with the id `when-to-tell-the-school-and-when-to-report`"
            ),
        "{}",
        text(&o)
    );
}

#[test]
fn an_image_that_went_is_found_though_the_page_showing_it_is_unchanged() {
    let w = Work::new();
    let (m, site, out) = (&w.machine, w.site.path(), &w.out);
    std::fs::create_dir_all(site.join("static/files")).unwrap();
    let poster = site.join("static/files/poster.png");
    std::fs::copy(common::fixtures().join("images/png/clean.png"), &poster).unwrap();
    edit(
        site,
        "content/contacts.md",
        "explains which one to use and when.",
        "explains which one to use and when.\n\n![A poster of the term dates](/files/poster.png)\n",
    );
    let o = m.build(site, &out, TODAY);
    assert!(o.status.success(), "{}", text(&o));
    assert!(carried(&m.build(site, &out, TODAY)) > 0);
    // Only the static file changes: it goes.
    std::fs::remove_file(&poster).unwrap();
    let o = m.build(site, &out, TODAY);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("content/contacts.md")
            && text(&o).contains("the image `/files/poster.png` is not in static/"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_pupils_name_in_an_unchanged_page_is_found_once_the_roster_has_it() {
    let w = Work::new();
    let (m, site, out) = (&w.machine, w.site.path(), &w.out);
    edit(
        site,
        "content/guides/gaming.md",
        "Set up these controls",
        "Zorblax Quimby set up these controls",
    );
    let o = m.build(site, &out, TODAY);
    assert!(o.status.success(), "{}", text(&o));
    assert!(carried(&m.build(site, &out, TODAY)) > 0);
    // The page has not changed; the roster has.
    let csv = w.tmp.path().join("pupils.csv");
    std::fs::write(&csv, "Forename,Surname\nZorblax,Quimby\n").unwrap();
    let imported = common::policypress()
        .env("XDG_CACHE_HOME", &m.cache)
        .args(["roster", "import"])
        .arg(&csv)
        .arg("--root")
        .arg(site)
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", text(&imported));
    let o = m.build(site, &out, TODAY);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("pupil-full-name"), "{}", text(&o));
    assert!(
        !text(&o).contains("Zorblax Quimby"),
        "the name is printed: {}",
        text(&o)
    );
}

#[test]
fn records_or_pages_this_machine_did_not_write_are_not_taken() {
    let w = Work::new();
    let (m, site, out) = (&w.machine, w.site.path(), &w.out);
    assert!(m.build(site, &out, TODAY).status.success());
    let full = files(&out);

    // A page of the output edited by hand (or by someone with access to the server's
    // folder): made again, the edit gone.
    let page = out.join("riverbend/guides/gaming/index.html");
    let original = std::fs::read(&page).unwrap();
    let mut planted = original.clone();
    planted.extend_from_slice(b"<!-- Zorblax Quimby -->");
    std::fs::write(&page, &planted).unwrap();
    let o = m.build(site, &out, TODAY);
    assert!(o.status.success(), "{}", text(&o));
    assert!(carried(&o) > 0);
    assert_eq!(std::fs::read(&page).unwrap(), original);
    assert_eq!(files(&out), full);

    // The records as another machine sealed them (or as a pull request could bring them):
    // nothing is carried over.
    let other = Machine {
        cache: w.tmp.path().join("other-cache"),
    };
    let o = other.build(site, &out, TODAY);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(carried(&o), 0, "{}", text(&o));

    // Records edited to claim another page: the seal no longer matches.
    let records = site.join(".policypress/page-records");
    let text_of = std::fs::read_to_string(&records).unwrap();
    assert!(
        !text_of.contains("Zorblax"),
        "a record holds page text it must not"
    );
    std::fs::write(
        &records,
        text_of.replacen("\"search\":\"", "\"search\":\"x", 1),
    )
    .unwrap();
    let o = other.build(site, &out, TODAY);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(carried(&o), 0, "{}", text(&o));
    assert_eq!(files(&out), full);
}
