//! What a run publishes, before anything is written: where each file's bytes come from
//! ([`Source`]) and the path of a page inside the output folder. `output` writes it; every
//! stage before may make it.

use std::path::PathBuf;

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Made in memory (a page, a stripped photo, a PDF).
    Bytes(Vec<u8>),
    /// Copied from this file.
    File(PathBuf),
}

/// The output path (inside the output directory) of a page's web path.
pub fn page_path(base_path: &str, url: &str) -> String {
    let rel = url
        .strip_prefix(base_path)
        .unwrap_or(url)
        .trim_start_matches('/');
    format!("{rel}index.html")
}

/// An output path with `.` segments and empty segments dropped, or `None` when it would
/// leave the output folder (a `..` segment) or is empty.
pub fn normal_path(rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}
