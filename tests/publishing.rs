//! Publishing where schools can: the GitHub Actions workflow `policypress new` writes and the
//! GitLab CI file docs/publishing.md gives, each validated against its JSON schema by
//! check-jsonschema (PyPI; SchemaStore's schemas, vendored in it), and read for what
//! docs/publishing.md promises of it.

mod common;

use std::path::Path;
use std::process::Command;

const INSTALL: &str = "python3 -m pip install check-jsonschema==0.39.0";

/// Runs check-jsonschema with a built-in schema on a file: `Ok` when valid, else its report.
fn validate(schema: &str, file: &Path) -> Result<(), String> {
    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", schema])
        .arg(file)
        .output()
        .expect("check-jsonschema runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn new_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::policypress()
        .arg("new")
        .arg(&root)
        .assert()
        .success();
    (dir, root)
}

#[test]
fn the_github_workflow_is_valid_and_does_what_the_docs_say() {
    let (_dir, root) = new_site();
    let file = root.join(".github/workflows/policypress.yml");
    let text = std::fs::read_to_string(&file).expect("`new` writes the workflow");
    // The version of the PolicyPress that wrote it, and no template leftovers.
    assert!(
        text.contains(&format!(
            "POLICYPRESS_VERSION: \"{}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(!text.contains("{{version}}"));
    for step in [
        // Findings on the pull request: SARIF to code scanning, and annotations.
        "policypress check --format sarif > policypress.sarif",
        "github/codeql-action/upload-sarif@",
        "security-events: write",
        "policypress check --format github",
        // The roster key from a secret, never from a file.
        "POLICYPRESS_ROSTER_KEY: ${{ secrets.POLICYPRESS_ROSTER_KEY }}",
        // Built after the check, published from the default branch only.
        "needs: check",
        "policypress build --out public",
        "actions/upload-pages-artifact@",
        "github.event.repository.default_branch",
        "actions/deploy-pages@",
        "pages: write",
        "pull_request:",
    ] {
        assert!(text.contains(step), "the workflow lacks {step:?}");
    }
    if !common::checker_present("check-jsonschema", INSTALL) {
        return;
    }
    validate("vendor.github-workflows", &file).unwrap_or_else(|e| panic!("{e}"));
    // The checker can fail: the same workflow with a job that says where to run nowhere.
    let broken = root.join("broken.yml");
    std::fs::write(
        &broken,
        text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"),
    )
    .unwrap();
    assert!(validate("vendor.github-workflows", &broken).is_err());
}

#[test]
fn the_gitlab_file_in_the_docs_is_valid() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/publishing.md"))
            .unwrap();
    let section = docs
        .split("## With GitLab")
        .nth(1)
        .expect("docs/publishing.md has a GitLab section");
    let yaml = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("the GitLab section has a YAML block");
    assert!(yaml.contains(&format!(
        "POLICYPRESS_VERSION: \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(yaml.contains("policypress check") && yaml.contains("$CI_DEFAULT_BRANCH"));
    if !common::checker_present("check-jsonschema", INSTALL) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".gitlab-ci.yml");
    std::fs::write(&file, yaml).unwrap();
    validate("vendor.gitlab-ci", &file).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    std::fs::write(
        &file,
        yaml.replacen(
            "  script:\n    - policypress check",
            "  scrip:\n    - policypress check",
            1,
        ),
    )
    .unwrap();
    assert!(validate("vendor.gitlab-ci", &file).is_err());
}
