//! The Markdown walk, in process: every file of `tests/fixtures/markdown/` parsed and
//! rendered as a policy (numbered), a page and a charter, with a resolver that knows two
//! documents, and the HTML and findings snapshotted; and what the rules read of each
//! (`markdown::surfaces`) snapshotted. No binary is started.

use std::path::Path;

use policypress::markdown::{self, LinkResolver, RenderOptions};

/// Knows `policies/online-safety.md` (headings `who-to-talk-to`, `reporting`) and
/// `guides/gaming.md`.
struct Two;

impl LinkResolver for Two {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Result<String, (String, String)> {
        let (url, ids): (&str, &[&str]) = match path {
            "policies/online-safety.md" => {
                ("/policies/online-safety/", &["who-to-talk-to", "reporting"])
            }
            "guides/gaming.md" => ("/guides/gaming/", &[]),
            _ => return Err((format!("no page `@/{path}`"), "a hint".into())),
        };
        match anchor {
            None | Some("") => Ok(url.to_string()),
            Some(a) if ids.contains(&a) => Ok(format!("{url}#{a}")),
            Some(a) => Err((format!("no heading `{a}`"), "a hint".into())),
        }
    }
}

fn rendered(text: &str, opts: RenderOptions) -> String {
    let parsed = markdown::parse(text, opts.number_headings);
    let mut findings = Vec::new();
    let html = markdown::render(&parsed, &Two, opts, &mut findings);
    let mut out = String::new();
    for h in &parsed.headings {
        out.push_str(&format!(
            "heading h{} {} #{} {}\n",
            h.level, h.number, h.id, h.title
        ));
    }
    out.push_str(&html);
    for f in &findings {
        out.push_str(&format!(
            "finding at {}: {} {}\n",
            f.offset, f.diagnostic.rule, f.diagnostic.message
        ));
    }
    out
}

/// Every file of `tests/fixtures/markdown/`, sorted.
fn fixture_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "the Markdown fixtures were not found in {}",
        dir.display()
    );
    files
}

#[test]
fn the_markdown_walk_on_every_fixture() {
    let files = fixture_files();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let as_policy = RenderOptions {
            number_headings: true,
            charter: false,
            allow_raw_html: false,
        };
        let as_charter = RenderOptions {
            number_headings: false,
            charter: true,
            allow_raw_html: false,
        };
        let as_page_with_html = RenderOptions {
            number_headings: false,
            charter: false,
            allow_raw_html: true,
        };
        insta::assert_snapshot!(format!("{name}-policy"), rendered(&text, as_policy));
        insta::assert_snapshot!(format!("{name}-charter"), rendered(&text, as_charter));
        insta::assert_snapshot!(
            format!("{name}-page-raw-html"),
            rendered(&text, as_page_with_html)
        );
    }
}

#[test]
fn what_the_rules_read_of_every_fixture() {
    let files = fixture_files();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let parsed = markdown::parse(&text, false);
        let surfaces = markdown::surfaces(&parsed);
        insta::assert_debug_snapshot!(format!("{name}-surfaces"), surfaces);
    }
}
