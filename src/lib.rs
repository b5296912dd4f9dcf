//! PolicyPress: a static site generator for schools' online-safety policies, age-banded pupil
//! charters and parent guides. See ARCHITECTURE.md for a map of the code.
//!
//! Data flows one way: [`site::load`] (config, content) → checks → [`site::render`] →
//! [`output::write`].

pub mod charter;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod images;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod site;
pub mod vars;

use std::path::{Path, PathBuf};

pub use site::{BuildError, BuildOptions};

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files carried over unchanged from the previous build.
    pub reused: usize,
    pub warnings: Vec<diagnostics::Diagnostic>,
}

/// Builds the site at `root` into `out` (default: the site's `output_dir`).
pub fn build(root: &Path, out: Option<&Path>, opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let site = site::load(root, opts)?;
    let out = out.map_or_else(|| root.join(&site.config.output_dir), Path::to_path_buf);
    let out = output::guard(root, &out).map_err(|e| BuildError::Usage(e.to_string()))?;
    let rendered = site::render(&site)?;
    let pages = rendered.pages.len();
    let mut files: Vec<(String, output::Source)> = site::static_files(&site);
    let mut taken: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let mut clashes = Vec::new();
    for (path, _) in &rendered.pages {
        if !taken.insert(path.as_str()) {
            clashes.push(
                diagnostics::Diagnostic::error("output-clash", format!("static/{path}"), format!("this file has the same address as a page: {path}"))
                    .with_hint("rename or move the file in static/"),
            );
        }
    }
    if !clashes.is_empty() {
        return Err(BuildError::Content(clashes));
    }
    drop(taken);
    files.extend(rendered.pages.into_iter().map(|(p, b)| (p, output::Source::Bytes(b))));
    let stats = output::write(&out, files).map_err(|e| BuildError::Io {
        context: format!("could not write the site to {}", out.display()),
        source: e,
    })?;
    Ok(BuildReport {
        out,
        pages,
        files: stats.files,
        bytes: stats.bytes,
        reused: stats.reused,
        warnings: rendered.warnings,
    })
}
