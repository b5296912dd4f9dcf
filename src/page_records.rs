//! The records of the last build's pages on disk (`.policypress/page-records`): read,
//! their pages checked against the output folder, written after a build that published.
//! What a record holds and when a unit may use it is `pipeline::Reuse`'s.

use std::path::{Path, PathBuf};

use crate::pipeline::Reuse;
use crate::source_files::{Limit, SiteFiles};

/// Where the records are for the site at `root`.
pub fn path(root: &Path) -> PathBuf {
    root.join(".policypress").join("page-records")
}

/// The largest file of records read (about 400,000 pages).
const MAX_BYTES: u64 = 256 << 20;

/// What the run adds to the site's key: the program (its version, commit and the file it
/// runs from, so a rebuilt program reuses nothing) and the options that change pages.
pub fn run_key(school: Option<&str>) -> Vec<u8> {
    let mut k = format!(
        "{} {}",
        env!("CARGO_PKG_VERSION"),
        policypress_build_info::COMMIT
    );
    if let Ok(exe) = std::env::current_exe()
        && let Ok(meta) = std::fs::metadata(&exe)
    {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        k.push_str(&format!(" {} {} {modified}", exe.display(), meta.len()));
    }
    k.push_str(&format!(" school={school:?}"));
    k.into_bytes()
}

/// The records the last build left for the site at `root`, when this machine sealed them;
/// with `out` (a folder this build holds: see `output::take`), only those whose page is
/// still in `out` as that build wrote it (read and hashed, never trusted). None without
/// this machine's seal.
pub fn load(root: &Path, out: Option<&Path>, run_key: Vec<u8>) -> Reuse {
    let Some(seal) = crate::seal::Seal::of_machine() else {
        return Reuse::none(run_key);
    };
    let files = SiteFiles::new(root);
    let Ok(bytes) = files.read(&path(root), Limit(MAX_BYTES)) else {
        return Reuse::none(run_key);
    };
    let mut reuse = Reuse::from_bytes(&bytes, seal, run_key);
    if let Some(out) = out {
        // Checked as the writer checks a file it carries over.
        reuse.retain_pages(|rel, len, hash| crate::output::holds(&out.join(rel), len, hash));
    }
    reuse
}

/// Writes the records of a build that published, sealed, inside the site only (never
/// through a link out of it). Failures cost only speed next time, so they are ignored.
pub fn save(root: &Path, records: &Reuse) {
    let Some(seal) = crate::seal::Seal::of_machine() else {
        return;
    };
    let target = path(root);
    let files = SiteFiles::new(root);
    if let Some(dir) = target.parent()
        && std::fs::create_dir_all(dir).is_err()
    {
        return;
    }
    if !files.writable(&target) {
        return;
    }
    let bytes = records.to_bytes(seal);
    // An unchanged rebuild leaves the file (and its modification time) as it was.
    if std::fs::symlink_metadata(&target)
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(&target).is_ok_and(|old| old == bytes)
    {
        return;
    }
    let tmp = target.with_file_name(format!(".page-records.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .and_then(|()| std::fs::rename(&tmp, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
