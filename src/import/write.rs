//! Puts an imported document into the site: a new file, the same file again (nothing to do),
//! or a refusal to replace a file that differs (it may hold a person's edits) unless forced.

use std::path::Path;

use super::Imported;

/// What happened to one imported document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file was made.
    Made,
    /// The file was already there with the same text.
    Unchanged,
    /// The file was there with other text and was replaced (`--force`).
    Replaced,
    /// The file is there with other text and was left alone.
    Kept,
    /// Nothing was written (`--dry-run`).
    DryRun,
}

/// Writes `doc` under `root`, or says why not.
pub fn write(root: &Path, doc: &Imported, force: bool, dry_run: bool) -> std::io::Result<Written> {
    let path = root.join(&doc.path);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let outcome = match &existing {
        Some(text) if *text == doc.text => return Ok(Written::Unchanged),
        Some(_) if !force => return Ok(Written::Kept),
        Some(_) => Written::Replaced,
        None => Written::Made,
    };
    if dry_run {
        return Ok(Written::DryRun);
    }
    write_inside(root, &doc.path, doc.text.as_bytes())?;
    for (rel, bytes) in &doc.pictures {
        if std::fs::read(root.join(rel)).is_ok_and(|b| b == *bytes) {
            continue;
        }
        write_inside(root, rel, bytes)?;
    }
    Ok(outcome)
}

/// Writes `bytes` to `rel` under `root`, making its folders; refused when a folder of the
/// site linked elsewhere (or a link in the file's place) would carry the write out of it.
fn write_inside(root: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
        let inside = parent.canonicalize()?.starts_with(root.canonicalize()?);
        let linked = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if !inside || linked {
            return Err(std::io::Error::other(format!(
                "{rel} leads outside the site through a link; import into a folder that is really in the site"
            )));
        }
    }
    std::fs::write(&path, bytes)
}
