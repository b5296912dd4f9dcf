//! Nothing published looks like template syntax (`{{`, `}}`, `{%`) outside code: on the demo
//! site and every fixture site that builds, and on every example the docs give (each
//! Markdown block and each variable of docs/content.md, written into a page of the demo site).
//! In process: the pages are rendered as a build renders them, nothing is written.

use std::path::{Path, PathBuf};

mod common;

use policypress::pipeline::Build;
use policypress::site::BuildOptions;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The text of `html` with `<pre>…</pre>` and `<code>…</code>` taken out.
fn outside_code(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["<pre", "<code"]
            .iter()
            .filter_map(|t| rest.find(t).map(|i| (i, *t)))
            .min();
        let Some((at, tag)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let close = format!("</{}>", &tag[1..]);
        rest = match rest[at..].find(&close) {
            Some(end) => &rest[at + end + close.len()..],
            None => "",
        };
    }
}

/// Every published page and file of the site at `root` with template syntax outside code,
/// and every finding about template syntax or variables.
fn leftovers(root: &Path) -> Vec<String> {
    let opts = BuildOptions {
        today: policypress::dates::parse_school_date("2026-11-23")
            .ok()
            .map(|d| d.start),
        ..BuildOptions::default()
    };
    let site = common::load_site(root, &opts);
    let rendered = Build::new(site).rendered();
    let mut found: Vec<String> = rendered
        .findings
        .iter()
        .filter(|d| ["template-syntax", "unknown-variable", "missing-value"].contains(&d.rule))
        .map(|d| format!("{}: {} {}", d.file, d.rule, d.message))
        .collect();
    for (path, bytes) in &rendered.pages {
        let text = outside_code(&String::from_utf8_lossy(bytes));
        for syntax in ["{{", "}}", "{%"] {
            if let Some(at) = text.find(syntax) {
                let from = text[..at]
                    .char_indices()
                    .rev()
                    .nth(40)
                    .map_or(0, |(i, _)| i);
                let to = (at + 40).min(text.len());
                let to = (to..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                found.push(format!("{path}: `{syntax}` in …{}…", &text[from..to]));
            }
        }
    }
    found
}

#[test]
fn the_demo_site_and_the_fixture_sites_publish_no_template_syntax() {
    let mut sites = vec![repo()];
    for fixture in ["single", "federation", "print"] {
        sites.push(repo().join("tests/fixtures").join(fixture));
    }
    for root in sites {
        let found = leftovers(&root);
        assert!(
            found.is_empty(),
            "{}:\n{}",
            root.display(),
            found.join("\n")
        );
    }
}

/// The Markdown blocks and the `{{ … }}` variables of the docs.
fn doc_examples() -> (Vec<String>, Vec<String>) {
    let mut blocks = Vec::new();
    let mut variables = Vec::new();
    for doc in [
        "README.md",
        "docs/content.md",
        "docs/templates.md",
        "docs/print.md",
    ] {
        let text = std::fs::read_to_string(repo().join(doc)).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("```markdown\n") {
            let body = &rest[at + 12..];
            let end = body.find("\n```").unwrap_or(body.len());
            blocks.push(body[..end].to_string());
            rest = &body[end..];
        }
        if doc == "docs/content.md" {
            // The variables a document may use: each inline `{{ … }}` of the table.
            for code in text.split('`').skip(1).step_by(2) {
                if code.starts_with("{{") && code.ends_with("}}") {
                    variables.push(code.to_string());
                }
            }
        }
    }
    (blocks, variables)
}

#[test]
fn the_docs_examples_publish_no_template_syntax() {
    let (blocks, variables) = doc_examples();
    assert!(
        !blocks.is_empty(),
        "no ```markdown example was found in the docs"
    );
    assert!(
        variables.len() >= 10,
        "the variables of docs/content.md were not found: {variables:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    for folder in ["content", "static"] {
        common::copy_dir(&repo().join(folder), &dir.path().join(folder));
    }
    let mut page = String::from("+++\ntitle = \"The docs' examples\"\n+++\n\n## Variables\n\n");
    for v in &variables {
        page.push_str(&format!("- {v}\n"));
    }
    std::fs::write(dir.path().join("content/docs-examples.md"), page).unwrap();
    for (i, block) in blocks.iter().enumerate() {
        // A block that is only front matter shows no body; one with band tags is a charter.
        let body = block
            .strip_prefix("+++\n")
            .and_then(|b| b.split_once("\n+++").map(|(_, r)| r))
            .unwrap_or(block);
        let (folder, title) = if body.contains("- [") {
            ("charters", "Example charter")
        } else {
            ("", "Example")
        };
        let path = dir
            .path()
            .join("content")
            .join(folder)
            .join(format!("docs-example-{i}.md"));
        std::fs::write(
            path,
            format!("+++\ntitle = \"{title} {i}\"\n+++\n\n{body}\n"),
        )
        .unwrap();
    }
    let found = leftovers(dir.path());
    assert!(
        found.is_empty(),
        "the docs' examples publish template syntax:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_template_syntax_outside_code_only() {
    assert_eq!(
        outside_code("a <code>{{ x }}</code> b <pre>{% y %}</pre> c"),
        "a  b  c"
    );
    assert!(outside_code("<p>{{ school.name }}</p>").contains("{{"));
}
