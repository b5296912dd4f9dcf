//! `policypress new DIR`: a small working site a coordinator can start from.

use std::path::Path;

/// The starter site's files: path inside the new folder → contents.
const FILES: [(&str, &str); 10] = [
    (".gitignore", include_str!("scaffold/gitignore")),
    (WORKFLOW, include_str!("scaffold/github-workflow.yml")),
    ("site.toml", include_str!("scaffold/site.toml")),
    (
        "content/schools/our-school/school.toml",
        include_str!("scaffold/school.toml"),
    ),
    ("content/index.md", include_str!("scaffold/index.md")),
    (
        "content/policies/online-safety.md",
        include_str!("scaffold/policy.md"),
    ),
    (
        "content/charters/online-behaviour.md",
        include_str!("scaffold/charter.md"),
    ),
    (
        "content/guides/getting-started.md",
        include_str!("scaffold/guide.md"),
    ),
    (
        "content/contacts.toml",
        include_str!("scaffold/contacts.toml"),
    ),
    ("static/.gitkeep", ""),
];

/// The GitHub Actions workflow: check on every pull request, publish from the default branch
/// (docs/publishing.md). Its `{{version}}` becomes the version of the PolicyPress that wrote it.
pub const WORKFLOW: &str = ".github/workflows/policypress.yml";

/// Why `policypress new` could not create the starter site.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The folder named (shown as given) already holds something, which the starter would mix
    /// with or overwrite.
    #[error("{0} already exists and is not empty: choose a new folder")]
    NotEmpty(String),
    /// Creating a folder or writing one of the starter's files failed.
    #[error("could not create {path}: {source}")]
    Io {
        /// The folder or file that could not be created.
        path: String,
        /// The error the system gave.
        #[source]
        source: std::io::Error,
    },
}

/// Creates the starter site in `dir`, which must not exist or be empty.
pub fn create(dir: &Path) -> Result<(), NewError> {
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(NewError::NotEmpty(dir.display().to_string()));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        let io = |source| NewError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let text = if rel == WORKFLOW {
            text.replace("{{version}}", env!("CARGO_PKG_VERSION"))
        } else {
            text.to_string()
        };
        std::fs::write(&path, text).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_value_is_in_the_starter() {
        for sample in crate::ruleset::placeholder_text::SAMPLE_VALUES {
            assert!(
                FILES.iter().any(|(_, text)| text.contains(sample)),
                "{sample} is in no starter file"
            );
        }
    }
}
