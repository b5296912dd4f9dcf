//! Which folders a build may replace: never the site's sources, never a folder holding
//! anything an earlier build did not write.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};

use super::GuardError;
use super::manifest::{file_name, manifest_path, ours};

pub(super) fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Resolve `.` and `..` by their text, then canonicalise the longest existing ancestor
    // (following symbolic links) and add the rest back.
    let mut lexical = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.into_iter().rev());
    out
}

/// The folders of a site that hold its sources (an output may not be in one).
pub(super) const SOURCE_DIRS: [&str; 6] = [
    "content",
    "themes",
    "static",
    "templates",
    "print",
    ".policypress",
];

/// Refuses an output directory that is, contains or lies inside the site's sources, that is
/// not a folder, or that holds anything an earlier build did not write (see
/// [`check_replaceable`]). Returns the output's absolute path.
pub fn guard(root: &Path, out: &Path) -> Result<PathBuf, GuardError> {
    let root = absolute(root);
    let out_abs = absolute(out);
    let refuse = |reason: String| GuardError {
        out: out.display().to_string(),
        reason,
    };
    if out_abs.parent().is_none() || out_abs.file_name().is_none() {
        return Err(refuse("it is the root of the file system".into()));
    }
    if root.starts_with(&out_abs) {
        return Err(refuse(
            "it is, or contains, the site's own folder, whose files would be replaced".into(),
        ));
    }
    for source in SOURCE_DIRS {
        // Resolved like the output, so a source folder that is a link is seen where it leads.
        let dir = absolute(&root.join(source));
        if out_abs.starts_with(&dir) {
            return Err(refuse(format!(
                "it is inside the site's {source}/ folder; choose a folder outside {source}/, such as the default `public`"
            )));
        }
    }
    check_replaceable(&out_abs).map_err(refuse)?;
    Ok(out_abs)
}

/// Whether a build may replace `out` (an absolute path): it does not exist, or it is a
/// folder (not a file, not a symbolic link) that is empty or holds only what the manifest
/// of an earlier build lists. The reason, in words, when not.
pub fn check_replaceable(out: &Path) -> Result<(), String> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        // Nothing there to lose: a missing folder, or one whose parent is a file (writing then
        // fails as an I/O error, exit 3, in plain words).
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(());
        }
        Err(e) => return Err(format!("it cannot be read ({e})")),
    };
    let hint = "move it away, or choose another --out (a new or empty folder)";
    if meta.file_type().is_symlink() {
        return Err(format!(
            "it is a symbolic link to something that does not exist; {hint}"
        ));
    }
    if !meta.is_dir() {
        return Err(format!(
            "it is a file, not a folder: a build replaces the whole folder it is given; {hint}"
        ));
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| format!("it cannot be read ({e})"))?;
    let Some(first) = entries.next() else {
        return Ok(());
    };
    let manifests = ours(out);
    if manifests.is_empty() {
        let name = first
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .unwrap_or_default();
        return Err(format!(
            "it is not empty (it holds `{name}`, among others) and no PolicyPress build wrote it (there is no {} beside it); a build replaces everything in it: {hint}",
            file_name(&manifest_path(out))
        ));
    }
    if let Some(stray) = stray_in(out, &manifests) {
        return Err(format!(
            "it holds `{stray}`, which no PolicyPress build wrote (it is not in {}), and a build replaces everything in it: {hint}",
            file_name(&manifest_path(out))
        ));
    }
    Ok(())
}

/// The first entry under `dir` that is not one of `files` or a folder one of them is in.
pub(super) fn stray_in(dir: &Path, files: &HashMap<String, (u64, String)>) -> Option<String> {
    let mut dirs: HashSet<&str> = HashSet::new();
    for path in files.keys() {
        let mut rest = path.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    find_stray(dir, files, &dirs)
}

/// The first entry under `out` that is not a file the manifest lists or a folder one of them
/// is in (symbolic links never are). Stops at the first, so it reads no more than the
/// output's own files.
pub(super) fn find_stray(
    out: &Path,
    files: &HashMap<String, (u64, String)>,
    dirs: &HashSet<&str>,
) -> Option<String> {
    let mut stack = vec![String::new()];
    while let Some(dir) = stack.pop() {
        let path = if dir.is_empty() {
            out.to_path_buf()
        } else {
            out.join(&dir)
        };
        let Ok(entries) = std::fs::read_dir(&path) else {
            return Some(if dir.is_empty() { ".".into() } else { dir });
        };
        for entry in entries {
            let Ok(entry) = entry else {
                return Some(dir);
            };
            let name = entry.file_name();
            let shown = name.to_string_lossy();
            let rel = if dir.is_empty() {
                shown.to_string()
            } else {
                format!("{dir}/{shown}")
            };
            let Some(name) = name.to_str() else {
                return Some(rel);
            };
            let Ok(kind) = entry.file_type() else {
                return Some(rel);
            };
            let listed = if kind.is_dir() {
                dirs.contains(rel.as_str())
            } else {
                kind.is_file() && files.contains_key(&rel)
            };
            if !listed || name.contains('\n') {
                return Some(rel);
            }
            if kind.is_dir() {
                stack.push(rel);
            }
        }
    }
    None
}
