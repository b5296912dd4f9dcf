//! Writing the new tree: checked paths, files written in parallel, unchanged files carried
//! over by hard link, and replacing a folder's contents when it cannot be renamed.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use super::WriteStats;
use super::manifest::{escape_path, open_plain_file};
use crate::published::{Source, normal_path};

/// A rename that fails because the folder is a mount point (or on another file system).
pub(super) fn cannot_rename(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::ResourceBusy || e.kind() == io::ErrorKind::CrossesDevices
}

/// Replaces the contents of `out` with those of `tmp` (which is then removed), for an output
/// that cannot be renamed: only the files an earlier build wrote (`known`) are removed, and
/// the folders they leave empty; anything else stays.
pub(super) fn replace_contents(
    tmp: &Path,
    out: &Path,
    known: &HashMap<String, (u64, String)>,
) -> io::Result<()> {
    let mut dirs: Vec<&str> = Vec::new();
    for rel in known.keys() {
        let path = out.join(rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&path)?;
        }
        let mut rest = rel.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            dirs.push(dir);
            rest = dir;
        }
    }
    // Deepest first; a folder that still holds something is kept.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    dirs.dedup();
    for dir in dirs {
        let _ = std::fs::remove_dir(out.join(dir));
    }
    move_into(tmp, out)?;
    std::fs::remove_dir_all(tmp)
}

/// Moves the entries of the folder `from` into the folder `to`, merging folders that are
/// in both (a rename, or a copy across file systems).
pub(super) fn move_into(from: &Path, to: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        let both_dirs = entry.file_type()?.is_dir()
            && std::fs::symlink_metadata(&dest).is_ok_and(|m| m.is_dir());
        if both_dirs {
            move_into(&entry.path(), &dest)?;
            continue;
        }
        if let Err(e) = std::fs::rename(entry.path(), &dest) {
            if !cannot_rename(&e) {
                return Err(e);
            }
            copy_tree(&entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// The metadata of the file at `path` when it is a plain file (read through an open handle,
/// never a symbolic link) with no other hard link, holding exactly `len` bytes that hash to
/// `hash` (read through a small buffer).
pub(super) fn holds(path: &Path, len: u64, hash: &str) -> Option<std::fs::Metadata> {
    let file = open_plain_file(path)?;
    let meta = file.metadata().ok()?;
    if meta.len() != len || !single_link(&meta) {
        return None;
    }
    crate::published::hash_reader(&file)
        .is_ok_and(|(h, l)| l == len && h == hash)
        .then_some(meta)
}

/// What writing would do when the output already holds exactly `files`: the manifest of the
/// last build lists these paths and no other, with these bytes, and every file there is
/// still what it lists (checked as [`carry_over`] checks). Nothing needs writing then, and
/// nothing is: the folder is left as it is.
pub(super) fn unchanged(
    out: &Path,
    previous: &HashMap<String, (u64, String)>,
    files: &[(String, Source)],
) -> Option<WriteStats> {
    if previous.len() != files.len() {
        return None;
    }
    let same = files.par_iter().all(|(rel, source)| {
        let Some((len, hash)) = previous.get(rel) else {
            return false;
        };
        let listed = match source {
            Source::Bytes(b) => {
                b.len() as u64 == *len && blake3::hash(b).to_hex().as_str() == hash.as_str()
            }
            Source::Verified {
                len: l, hash: h, ..
            } => l == len && h == hash,
        };
        listed && holds(&out.join(rel), *len, hash).is_some()
    });
    same.then(|| WriteStats {
        files: files.len(),
        bytes: files.iter().map(|(_, s)| s.len()).sum(),
        reused: files.len(),
        ..WriteStats::default()
    })
}

/// Copies a checked file into the new tree, hashing what it copies: when the file no longer
/// has the bytes it was checked with (changed since), the copy is removed and the write
/// fails, so nothing unchecked is published.
pub(super) fn copy_verified(from: &Path, to: &Path, len: u64, hash: &str) -> io::Result<()> {
    let Some(file) = open_plain_file(from) else {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{} is gone or is no longer a plain file", from.display()),
        ));
    };
    struct Tee<R, W> {
        from: R,
        to: W,
    }
    impl<R: io::Read, W: io::Write> io::Read for Tee<R, W> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.from.read(buf)?;
            self.to.write_all(&buf[..n])?;
            Ok(n)
        }
    }
    let out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)?;
    let mut tee = Tee {
        from: file,
        to: io::BufWriter::with_capacity(64 * 1024, out),
    };
    let copied = crate::published::hash_reader(&mut tee)
        .and_then(|h| io::Write::flush(&mut tee.to).map(|()| h));
    match copied {
        Ok((h, l)) if l == len && h == hash => Ok(()),
        Ok(_) => {
            let _ = std::fs::remove_file(to);
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} changed after it was checked: build again",
                    from.display()
                ),
            ))
        }
        Err(e) => {
            let _ = std::fs::remove_file(to);
            Err(e)
        }
    }
}

/// Copies a tree of folders and plain files (what [`write_tree`] makes).
pub(super) fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if meta.is_file() {
        std::fs::copy(from, to).map(|_| ())
    } else {
        Ok(())
    }
}

/// Refuses output paths that would leave the output folder, are empty, or appear twice.
pub(super) fn checked_paths(files: Vec<(String, Source)>) -> io::Result<Vec<(String, Source)>> {
    let mut seen = HashSet::new();
    let mut as_dirs = HashSet::new();
    let mut checked = Vec::with_capacity(files.len());
    for (rel, source) in files {
        let bad = |why: &str| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the output path `{}` {why}", rel.escape_debug()),
            )
        };
        let normal = normal_path(&rel).ok_or_else(|| bad("leaves the output folder"))?;
        let plain = Path::new(&normal)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !plain || normal != rel {
            return Err(bad("is not a plain path inside the output folder"));
        }
        if !seen.insert(normal.clone()) {
            return Err(bad("is written twice"));
        }
        let mut rest = normal.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            as_dirs.insert(dir.to_string());
            rest = dir;
        }
        checked.push((rel, source));
    }
    if let Some((rel, _)) = checked.iter().find(|(rel, _)| as_dirs.contains(rel)) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the output path `{rel}` is both a file and a folder"),
        ));
    }
    Ok(checked)
}

pub(super) fn write_tree(
    dir: &Path,
    previous_dir: &Path,
    previous: &HashMap<String, (u64, String)>,
    files: Vec<(String, Source)>,
) -> io::Result<(WriteStats, String)> {
    // Create directories first (sequentially, each once), then write files in parallel.
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|(p, _)| Path::new(p).parent().map(|d| dir.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d)?;
    }
    let written: Vec<(String, u64, String, bool)> = files
        .into_par_iter()
        .map(|(rel, source)| -> io::Result<(String, u64, String, bool)> {
            let path = dir.join(&rel);
            let previous_file = previous_dir.join(&rel);
            match source {
                Source::Bytes(bytes) => {
                    let len = bytes.len() as u64;
                    let hash = blake3::hash(&bytes).to_hex().to_string();
                    let listed = previous
                        .get(&rel)
                        .is_some_and(|(l, h)| *l == len && *h == hash);
                    if listed && carry_over(&previous_file, &path, len, &hash) {
                        return Ok((rel, len, hash, true));
                    }
                    std::fs::write(&path, &bytes)?;
                    Ok((rel, len, hash, false))
                }
                Source::Verified {
                    path: from,
                    len,
                    hash,
                } => {
                    let listed = previous
                        .get(&rel)
                        .is_some_and(|(l, h)| *l == len && *h == hash);
                    if listed && carry_over(&previous_file, &path, len, &hash) {
                        return Ok((rel, len, hash, true));
                    }
                    copy_verified(&from, &path, len, &hash)?;
                    Ok((rel, len, hash, false))
                }
            }
        })
        .collect::<io::Result<_>>()?;
    let mut manifest = String::with_capacity(written.len() * 100);
    let mut stats = WriteStats::default();
    for (rel, len, hash, reused) in &written {
        manifest.push_str(&format!("{hash} {len} {}\n", escape_path(rel)));
        stats.files += 1;
        stats.bytes += len;
        stats.reused += usize::from(*reused);
    }
    Ok((stats, manifest))
}

/// Links the previous build's file into the new tree when it is a plain file holding exactly
/// `len` bytes hashing to `hash` (BLAKE3, read through a small buffer, never the whole file
/// in memory): the manifest says what a build wrote, not what is there now (a hand-edited
/// file, or another build's, is written again). The file is read through an open handle
/// (never a symbolic link), must have no other hard link (one to a file outside the output
/// would publish whatever that file later says), and the link made must be that same file.
pub(super) fn carry_over(old: &Path, new: &Path, len: u64, hash: &str) -> bool {
    let Some(meta) = holds(old, len, hash) else {
        return false;
    };
    if std::fs::hard_link(old, new).is_err() {
        return false;
    }
    let same = std::fs::symlink_metadata(new).is_ok_and(|m| m.is_file() && same_file(&m, &meta));
    if !same {
        let _ = std::fs::remove_file(new);
    }
    same
}

#[cfg(unix)]
pub(super) fn single_link(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

#[cfg(unix)]
pub(super) fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

// Elsewhere, files are always written again.
#[cfg(not(unix))]
pub(super) fn single_link(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(not(unix))]
pub(super) fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}
