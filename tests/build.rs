//! Integration tests: run the real `policypress` binary on the fixture sites.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn policypress() -> Command {
    Command::cargo_bin("policypress").unwrap()
}

/// The day the tests pretend it is, so review dates do not expire under them.
const TODAY: &str = "2026-11-23";

fn build(root: &Path) -> assert_cmd::assert::Assert {
    policypress()
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(["--today", TODAY])
        .assert()
}

/// Every file of a tree with its bytes.
fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn read(root: &Path, page: &str) -> String {
    std::fs::read_to_string(root.join("public").join(page))
        .unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The `<main>` element of a page, with a line break after each block, for snapshots.
fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("page has a <main>");
    let end = html.find("</main>").expect("page closes <main>") + "</main>".len();
    let mut out = html[start..end].to_string();
    for tag in [
        "</h1>",
        "</h2>",
        "</h3>",
        "</p>",
        "</li>",
        "</tr>",
        "</dl>",
        "</div>",
        "</ul>",
        "</ol>",
        "</pre>",
        "</table>",
        "</section>",
    ] {
        out = out.replace(tag, &format!("{tag}\n"));
    }
    out
}

#[test]
fn demo_site_builds() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("site");
    policypress()
        .args([
            "build",
            "--today",
            TODAY,
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    for page in [
        "index.html",
        "riverbend/index.html",
        "hillside/index.html",
        "riverbend/policies/online-safety/index.html",
        "riverbend/charters/online-behaviour/years-5-6/index.html",
        "hillside/charters/online-behaviour/eyfs/index.html",
        "riverbend/risk-logs/online-safety-risks/index.html",
        "style.css",
    ] {
        assert!(out.join(page).is_file(), "{page} is missing");
    }
    // Hillside serves EYFS and Years 1-2 only.
    assert!(
        !out.join("hillside/charters/online-behaviour/years-5-6")
            .exists()
    );
    // Every school's home page links to CEOP.
    for home in ["riverbend/index.html", "hillside/index.html"] {
        let html = std::fs::read_to_string(out.join(home)).unwrap();
        assert!(html.contains("ceop.police.uk"), "{home} has no CEOP link");
    }
}

#[test]
fn single_school_site_has_no_school_segment() {
    let dir = fixture_site("single");
    build(dir.path()).success();
    let public = dir.path().join("public");
    assert!(public.join("index.html").is_file());
    assert!(public.join("policies/online-safety/index.html").is_file());
    assert!(
        public
            .join("charters/online-behaviour/eyfs/index.html")
            .is_file()
    );
    assert!(!public.join("oak").exists());
    let home = read(dir.path(), "index.html");
    assert!(home.contains("Mr Dev Fixtureson"));
    assert!(home.contains("ceop.police.uk"));
}

#[test]
fn shared_policy_renders_each_schools_own_dsl() {
    let dir = fixture_site("federation");
    build(dir.path()).success();
    let north = read(dir.path(), "north/policies/online-safety/index.html");
    let south = read(dir.path(), "south/policies/online-safety/index.html");
    assert!(north.contains("Talk to Ms Nora Northfake at North Fictional Primary School"));
    assert!(!north.contains("Southfake"));
    assert!(south.contains("Talk to Mr Sol Southfake at South Fictional Infant School"));
    assert!(!south.contains("Northfake"));
    // A federation has a landing page listing its schools.
    let landing = read(dir.path(), "index.html");
    assert!(landing.contains("/north/") && landing.contains("/south/"));
}

/// A federation's landing page belongs to no school, and still gives a parent the route to
/// report a concern: the CEOP box and the header's link, from the site's CEOP contact.
#[test]
fn the_federation_landing_page_has_the_report_a_concern_box() {
    let dir = fixture_site("federation");
    std::fs::write(
        dir.path().join("content/contacts.toml"),
        "[[contact]]\nid = \"ceop\"\nname = \"CEOP\"\nurl = \"https://www.ceop.police.uk/ceop-reporting/?from=fixture\"\ndescription = \"Report a worry about online abuse.\"\n",
    )
    .unwrap();
    build(dir.path()).success();
    for page in ["index.html", "404.html"] {
        let html = read(dir.path(), page);
        assert!(
            html.matches("https://www.ceop.police.uk/ceop-reporting/?from=fixture")
                .count()
                >= 2,
            "{page}: {html}"
        );
    }
    let landing = read(dir.path(), "index.html");
    assert!(landing.contains("class=report-box"), "{landing}");
    assert!(landing.contains("Report a worry about online abuse."));
    assert!(landing.contains("If a child is in immediate danger, call 999."));
}

#[test]
fn school_override_replaces_the_shared_document_for_that_school_only() {
    let dir = fixture_site("federation");
    build(dir.path()).success();
    let north = read(dir.path(), "north/guides/screens/index.html");
    let south = read(dir.path(), "south/guides/screens/index.html");
    assert!(north.contains("This is the shared guide for every school."));
    assert!(!north.contains("South's own guide"));
    assert!(
        south.contains("This is South’s own guide.")
            || south.contains("This is South's own guide.")
    );
    assert!(!south.contains("shared guide for every school"));
}

#[test]
fn charter_pages_contain_exactly_their_bands_statements() {
    let dir = fixture_site("single");
    build(dir.path()).success();
    let page = |band: &str| {
        read(
            dir.path(),
            &format!("charters/online-behaviour/{band}/index.html"),
        )
    };
    let eyfs = page("eyfs");
    assert!(eyfs.contains("I will tell a trusted adult"));
    assert!(eyfs.contains("I only use apps a grown-up says are OK."));
    assert!(!eyfs.contains("I will only use the apps an adult"));
    assert!(!eyfs.contains("passwords private"));
    assert!(!eyfs.contains("stay online for ever"));
    assert!(
        !eyfs.contains("Older pupils"),
        "an emptied section keeps its heading"
    );
    let y34 = page("years-3-4");
    assert!(y34.contains("passwords private"));
    assert!(y34.contains("I will only use the apps an adult"));
    assert!(!y34.contains("grown-up says are OK"));
    assert!(!y34.contains("stay online for ever"));
    let y56 = page("years-5-6");
    assert!(y56.contains("passwords private"));
    assert!(y56.contains("stay online for ever"));
    assert!(y56.contains("Older pupils"));
}

#[test]
fn risk_scores_and_bands_are_computed() {
    let dir = fixture_site("single");
    build(dir.path()).success();
    let html = read(dir.path(), "risk-logs/risks/index.html");
    let rows: Vec<&str> = html.split("<tr").skip(2).collect();
    assert_eq!(rows.len(), 3, "{html}");
    let expect = [("3", "Low"), ("6", "Medium"), ("9", "High")];
    for (row, (score, level)) in rows.iter().zip(expect) {
        assert!(
            row.contains(&format!(">{score}<")),
            "score {score} missing in {row}"
        );
        assert!(row.contains(level), "level {level} missing in {row}");
    }
    assert!(html.contains("Designated Safeguarding Lead (Mr Dev Fixtureson)"));
}

#[test]
fn internal_links_resolve_per_school() {
    // One shared policy links to the guide: each school's copy links to its own school's
    // guide (South's is its own override), never to the other school's.
    let dir = fixture_site("federation");
    let policy = dir.path().join("content/policies/online-safety.md");
    let text = std::fs::read_to_string(&policy).unwrap()
        + "\nSee [the screens guide](@/guides/screens.md).\n";
    std::fs::write(&policy, text).unwrap();
    build(dir.path()).success();
    for (school, other) in [("north", "south"), ("south", "north")] {
        let html = read(
            dir.path(),
            &format!("{school}/policies/online-safety/index.html"),
        );
        let hrefs: Vec<&str> = html
            .split("href=")
            .skip(1)
            .map(|h| {
                h.trim_start_matches('"')
                    .split(['"', ' ', '>'])
                    .next()
                    .unwrap_or("")
            })
            .collect();
        assert!(
            hrefs.contains(&format!("/{school}/guides/screens/").as_str()),
            "{school}: {hrefs:?}"
        );
        assert!(
            !hrefs.iter().any(|h| h.starts_with(&format!("/{other}/"))),
            "{school}'s policy links into {other}: {hrefs:?}"
        );
    }
}

#[test]
fn internal_links_resolve_with_their_anchors() {
    let dir = fixture_site("single");
    build(dir.path()).success();
    let policy = read(dir.path(), "policies/online-safety/index.html");
    assert!(
        policy.contains("href=/charters/online-behaviour/")
            || policy.contains("href=\"/charters/online-behaviour/\"")
    );
    assert!(policy.contains("/guides/gaming/#chat"));
}

#[test]
fn every_broken_fixture_fails_with_file_and_line_and_keeps_the_last_output() {
    let cases = fixtures().join("broken");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let case = cases.join(&name);
        let dir = fixture_site("single");
        build(dir.path()).success();
        let before = snapshot_tree(&dir.path().join("public"));
        assert!(!before.is_empty());
        // Lay the case's files over the good site.
        for entry in walkdir::WalkDir::new(&case).into_iter().map(Result::unwrap) {
            let rel = entry.path().strip_prefix(&case).unwrap();
            if entry.file_type().is_file() && rel != Path::new("expected") {
                std::fs::copy(entry.path(), dir.path().join(rel)).unwrap();
            }
        }
        let assert = build(dir.path()).code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(!stderr.contains("panicked"), "{name:?} panicked:\n{stderr}");
        for want in std::fs::read_to_string(case.join("expected"))
            .unwrap()
            .lines()
        {
            assert!(
                stderr.contains(want),
                "{name:?}: expected `{want}` in:\n{stderr}"
            );
        }
        assert!(
            stderr.contains("hint:"),
            "{name:?} gives no hint:\n{stderr}"
        );
        let after = snapshot_tree(&dir.path().join("public"));
        assert!(before == after, "{name:?} changed the previous output");
        insta::assert_snapshot!(format!("broken_{}", name.to_string_lossy()), stderr);
    }
}

#[test]
fn output_directory_guard() {
    let dir = fixture_site("single");
    for bad in [".", "content", "static/site", "themes", ".."] {
        let out = dir.path().join(bad);
        let assert = policypress()
            .arg("build")
            .arg("--root")
            .arg(dir.path())
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(
            stderr.contains("refusing to write the site"),
            "{bad}: {stderr}"
        );
    }
    assert!(
        dir.path().join("content/index.md").is_file(),
        "sources were touched"
    );
    assert!(!dir.path().join("public").exists());
}

#[test]
fn rebuilding_replaces_the_output_and_leaves_no_temporary_folders() {
    let dir = fixture_site("single");
    build(dir.path()).success();
    std::fs::remove_file(dir.path().join("content/about.md")).unwrap();
    build(dir.path()).success();
    assert!(
        !dir.path().join("public/about").exists(),
        "a removed page stays published"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn usage_errors_exit_2() {
    policypress()
        .arg("build")
        .arg("--no-such-flag")
        .assert()
        .code(2);
    let dir = tempfile::tempdir().unwrap();
    policypress()
        .arg("build")
        .arg("--root")
        .arg(dir.path())
        .assert()
        .code(2);
    let fixture = fixture_site("federation");
    policypress()
        .arg("build")
        .arg("--root")
        .arg(fixture.path())
        .args(["--school", "west"])
        .assert()
        .code(2);
}

#[test]
fn one_school_can_be_published_alone() {
    let dir = fixture_site("federation");
    policypress()
        .arg("build")
        .arg("--root")
        .arg(dir.path())
        .args(["--school", "south", "--today", TODAY])
        .assert()
        .success();
    let home = read(dir.path(), "index.html");
    assert!(home.contains("South Fictional Infant School"));
    assert!(!dir.path().join("public/north").exists());
    assert!(
        dir.path()
            .join("public/policies/online-safety/index.html")
            .is_file()
    );
}

#[test]
fn new_site_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("my-school");
    policypress().arg("new").arg(&root).assert().success();
    // The starter's example details are findings until replaced, where they are written.
    let check = policypress()
        .args(["check", "--today", "2026-11-23", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let found = String::from_utf8_lossy(&check.stdout);
    for place in [
        "content/schools/our-school/school.toml:1:",
        "content/schools/our-school/school.toml:6:",
        "content/schools/our-school/school.toml:11:",
        "site.toml:1:",
    ] {
        assert!(found.contains(place), "{place} not in:\n{found}");
    }
    assert!(found.contains("placeholder-text") && found.contains("starter site's example"));
    // Replaced with a school's own details, the site builds.
    let school = root.join("content/schools/our-school/school.toml");
    let own = std::fs::read_to_string(&school)
        .unwrap()
        .replace("Our Primary School", "Brackenfold Primary School")
        .replace("Our School", "Brackenfold")
        .replace("our-school.sch.example", "brackenfold.sch.uk")
        .replace(
            "1 School Lane, Anytown, AN1 1AA",
            "2 Fern Row, Brackenfold, BF1 2FR",
        )
        .replace("01632 960100", "01632 960555")
        .replace("Mrs Ada Placeholder", "Mrs Iris Quillfeather")
        .replace("Mr Ben Sample", "Mr Otto Fenwright")
        .replace("Ms Cara Example", "Ms Juno Marrowby");
    std::fs::write(&school, own).unwrap();
    let config = root.join("site.toml");
    let own = std::fs::read_to_string(&config)
        .unwrap()
        .replace("Our School", "Brackenfold")
        .replace("our-school.example", "brackenfold.sch.uk")
        .replace(
            "Our online-safety policy, pupil charters and guides",
            "Brackenfold's online-safety policy, pupil charters and guides",
        );
    std::fs::write(&config, own).unwrap();
    build(&root).success();
    assert!(
        root.join("public/charters/online-behaviour/eyfs/index.html")
            .is_file()
    );
    assert!(root.join("public/style.css").is_file());
    // A second `new` into the same folder is refused.
    policypress().arg("new").arg(&root).assert().code(2);
}

#[test]
fn every_command_has_help() {
    /// The commands a `--help` lists (but `help` itself).
    fn commands(help: &str) -> Vec<String> {
        help.split("Commands:")
            .nth(1)
            .map(|list| {
                list.lines()
                    .skip(1)
                    .take_while(|l| l.starts_with("  "))
                    .filter_map(|l| l.split_whitespace().next())
                    .filter(|c| *c != "help")
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }
    let help = |args: &[String]| {
        let out = policypress().args(args).arg("--help").output().unwrap();
        assert!(out.status.success(), "{args:?} --help failed");
        String::from_utf8(out.stdout).unwrap()
    };
    let top = commands(&help(&[]));
    assert!(top.len() >= 7, "too few commands listed: {top:?}");
    let mut seen = 0;
    let mut todo: Vec<Vec<String>> = top.into_iter().map(|c| vec![c]).collect();
    while let Some(path) = todo.pop() {
        let text = help(&path);
        let usage = format!("Usage: policypress {}", path.join(" "));
        assert!(text.contains(&usage), "{path:?}: {text}");
        // A line that says what the command does, and the options it takes.
        assert!(
            text.lines().next().is_some_and(|l| l.len() > 10),
            "{path:?} has no description: {text}"
        );
        assert!(text.contains("Options:"), "{path:?}: {text}");
        for sub in commands(&text) {
            let mut deeper = path.clone();
            deeper.push(sub);
            todo.push(deeper);
        }
        seen += 1;
    }
    assert!(seen >= 9, "only {seen} commands have help");
}

#[test]
fn snapshots_of_rendered_pages() {
    let dir = fixture_site("single");
    build(dir.path()).success();
    insta::assert_snapshot!(
        "policy",
        main_of(&read(dir.path(), "policies/online-safety/index.html"))
    );
    insta::assert_snapshot!(
        "charter_years_3_4",
        main_of(&read(
            dir.path(),
            "charters/online-behaviour/years-3-4/index.html"
        ))
    );
    insta::assert_snapshot!(
        "guide",
        main_of(&read(dir.path(), "guides/gaming/index.html"))
    );
}

#[test]
fn no_panic_on_hostile_input() {
    let cases: &[(&str, &[u8])] = &[
        ("content/empty.md", b""),
        ("content/only-fence.md", b"+++"),
        ("content/only-fences.md", b"+++\n+++\n"),
        ("content/not-utf8.md", b"+++\ntitle = \"x\"\n+++\n\xff\xfe\xfd"),
        ("content/braces.md", b"+++\ntitle = \"x\"\n+++\n{{ {{ }} }} {{\n\\{{ \n{{}}"),
        ("content/deep.md", "+++\ntitle = \"x\"\n+++\n".bytes().chain((0..400).flat_map(|i| format!("{}- item\n", "  ".repeat(i)).into_bytes())).collect::<Vec<u8>>().leak()),
        ("content/headings.md", b"+++\ntitle = \"x\"\n+++\n####### not a heading\n## \n###### deep\n# top\n"),
        ("content/links.md", "+++\ntitle = \"x\"\n+++\n[a](@/) [b](@/#) [c](@/%%%.md#\u{e9}) [d](#) [e]() <@/x> [^] [^x]\n\n[^x]: y\n".as_bytes()),
        ("content/charters/weird.md", "+++\ntitle = \"x\"\n+++\n- [] a\n- [ ] b\n- [eyfs\n  - [eyfs] \u{1F600}\n* [years-1-2,,] c\n1) [eyfs] d\n   - [years-5-6] e\n```\n- [nope] in code\n".as_bytes()),
        ("content/risk-logs/r.md", b"+++\ntitle = \"r\"\n[[risk]]\nactivity = 1\n+++\n"),
        ("content/policies/p.md", b"+++\ntitle = \"p\"\napproved = \"Spring 9 99999\"\nreview_period = \"-1 years\"\nnext_review = \"2026-13-45\"\nowner = \"\"\n+++\n"),
        ("content/guides/g.md", "+++\ntitle = \"\u{0}\"\nbands = [1, 2]\n+++\n<script>\n".as_bytes()),
        ("content/schools/ghost/page.md", b"+++\ntitle = \"ghost\"\n+++\n"),
    ];
    let dir = fixture_site("single");
    for (path, bytes) in cases {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let assert = build(dir.path()).code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    for file in [
        "content/not-utf8.md",
        "content/risk-logs/r.md",
        "content/guides/g.md",
        "content/schools/ghost/page.md",
        "content/policies/p.md",
    ] {
        assert!(stderr.contains(file), "no finding for {file}:\n{stderr}");
    }
}

#[test]
fn site_templates_override_the_theme() {
    let dir = fixture_site("single");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><p>Our own page template</p>{% endblock %}",
    )
    .unwrap();
    build(dir.path()).success();
    assert!(read(dir.path(), "about/index.html").contains("Our own page template"));
    assert!(
        !read(dir.path(), "policies/online-safety/index.html").contains("Our own page template")
    );
}

#[test]
fn raw_html_is_an_error_unless_allowed_and_then_sanitized() {
    let dir = fixture_site("single");
    std::fs::write(
        dir.path().join("content/about.md"),
        "+++\ntitle = \"About\"\n+++\n\n## Us\n\nHello <b onclick=\"x()\">there</b><script>alert(1)</script>\n",
    )
    .unwrap();
    let out = policypress()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        stderr.contains("error[raw-html]") && stderr.contains("content/about.md:7:"),
        "{stderr}"
    );
    assert!(!dir.path().join("public").exists());
    let site_toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        format!("allow_raw_html = true\n{site_toml}"),
    )
    .unwrap();
    build(dir.path()).success();
    let html = read(dir.path(), "about/index.html");
    assert!(html.contains("<b>there</b>"), "{html}");
    assert!(
        !html.contains("onclick") && !html.contains("alert(1)"),
        "{html}"
    );
}

#[test]
fn unchanged_files_are_not_rewritten() {
    use std::os::unix::fs::MetadataExt;
    let dir = fixture_site("single");
    build(dir.path()).success();
    let public = dir.path().join("public");
    let inode = |p: &str| std::fs::metadata(public.join(p)).unwrap().ino();
    let about = inode("about/index.html");
    let policy = inode("policies/online-safety/index.html");
    std::fs::write(
        dir.path().join("content/about.md"),
        "+++\ntitle = \"About this site\"\n+++\n\n## Who we are\n\nChanged text.\n",
    )
    .unwrap();
    let assert = build(dir.path()).success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert_eq!(
        inode("policies/online-safety/index.html"),
        policy,
        "an unchanged page was rewritten"
    );
    assert_ne!(
        inode("about/index.html"),
        about,
        "a changed page was not rewritten"
    );
    assert!(read(dir.path(), "about/index.html").contains("Changed text."));
    assert!(!stdout.contains(" 0 unchanged"), "{stdout}");
}

#[test]
fn an_early_years_setting_speaks_of_children_and_its_manager() {
    // The `setting` fixture: a pre-school with its own bands, section name, signing words,
    // roles with their titles as variables, staff, classes given their bands and a logo.
    let dir = fixture_site("setting");
    let out = build(dir.path()).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(!stderr.contains("error["), "{stderr}");
    assert!(!stderr.contains("class-band"), "{stderr}");
    let home = read(dir.path(), "index.html");
    assert!(home.contains("or phone the setting on"), "{home}");
    assert!(home.contains("Our online rules for children"), "{home}");
    assert!(
        home.contains(">Our online rules<"),
        "the site's section name: {home}"
    );
    assert!(
        home.contains("<img alt=\"Little Acorns Fictional Montessori\" class=school-logo src=/images/acorns-logo.svg>"),
        "{home}"
    );
    let policy = read(dir.path(), "policies/online-safety/index.html");
    assert!(
        policy.contains("Mrs Fern Fakemanager (Manager)"),
        "{policy}"
    );
    assert!(policy.contains("Ms Hazel Sample (SENCo)"), "{policy}");
    assert!(
        policy.contains("Sept 2024") && policy.contains("Summer Term 2027"),
        "{policy}"
    );
    let toddlers = read(dir.path(), "charters/online-rules/toddlers/index.html");
    assert!(toddlers.contains("My grown-up and I have talked about these rules."));
    assert!(!toddlers.contains("circle time"), "{toddlers}");
    let pre = read(dir.path(), "charters/online-rules/pre-school/index.html");
    assert!(pre.contains("We have read these rules together and talked about what they mean."));
    assert!(pre.contains("Hedgehogs"), "the class copy is linked: {pre}");
    assert!(
        dir.path()
            .join("public/charters/online-rules/pre-school/our-online-rules-hedgehogs.pdf")
            .is_file()
    );
}

/// The addresses in the tags of a page (href, src, action, srcset candidates), as written.
fn tag_addresses(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=", "src=", "action=", "srcset=", "data-search-index="] {
        for (at, _) in html.match_indices(attr) {
            if !html[..at].ends_with([' ', '\n', '\t']) {
                continue;
            }
            let v = &html[at + attr.len()..];
            let v = match v.chars().next() {
                Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
                _ => v.split([' ', '>']).next().unwrap_or(""),
            };
            let v = v.replace("&amp;", "&");
            if attr == "srcset=" {
                out.extend(
                    v.split(',')
                        .filter_map(|c| c.split_whitespace().next().map(String::from)),
                );
            } else {
                out.push(v);
            }
        }
    }
    out
}

/// `relative_urls = true`, on a site published under a path: no page but the 404 links a
/// path from the root, and every address a page's tags give leads, relative to the page's
/// own file, to a file of the output (a folder's with its index.html), as from the disk.
#[test]
fn relative_urls_lead_to_files_from_any_folder() {
    let site = fixture_site("federation");
    let settings = site.path().join("site.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        format!(
            "relative_urls = true\n{}",
            text.replace("https://fed.example/", "https://fed.example/online-safety/")
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    policypress()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let mut pages = 0;
    let mut followed = 0;
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(out.path()) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = path.strip_prefix(out.path()).unwrap().display().to_string();
        let html = std::fs::read_to_string(path).unwrap();
        if rel == "404.html" {
            assert!(
                html.contains("href=\"/online-safety/") || html.contains("href=/online-safety/"),
                "{html}"
            );
            continue;
        }
        pages += 1;
        for a in tag_addresses(&html) {
            if a.starts_with('#')
                || a.contains("://")
                || a.starts_with("mailto:")
                || a.starts_with("tel:")
            {
                continue;
            }
            if a.starts_with('/') {
                problems.push(format!("{rel}: {a} is a path from the root"));
                continue;
            }
            let file = a.split(['#', '?']).next().unwrap();
            let target = path.parent().unwrap().join(file);
            followed += 1;
            match target.canonicalize() {
                Ok(t) if t.starts_with(out.path().canonicalize().unwrap()) && t.is_file() => {}
                _ => problems.push(format!("{rel}: {a} leads to no file of the site")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        pages > 10 && followed > pages * 10,
        "{pages} pages, {followed} links"
    );
}
