//! Writing the site to disk. The only module that touches the output directory.
//!
//! A build writes into a fresh temporary directory beside the output and swaps it in with two
//! renames only when every file is written, so a failed build never leaves a half-written or
//! emptied site. The previous tree is removed after the swap, off the critical path.
//!
//! A build only ever replaces a folder that is new, empty, or written by an earlier build:
//! the manifest beside it (`.public.manifest` for `public/`) lists every file that build
//! wrote, and a folder holding anything the manifest does not list is refused ([`guard`]).
//! Builds into one folder take turns (a lock file beside it, `.public.lock`); a file is
//! carried over from the previous tree only when its bytes are the new bytes; temporary
//! trees left by killed builds are removed by the next one; a folder that cannot be renamed
//! (a mount point) has its contents replaced instead. A build whose files are exactly those
//! the folder holds (its manifest lists them, and each is checked, as a carried-over file
//! is) writes nothing at all.

mod guard;
mod lock;
mod manifest;
mod stale;
#[cfg(test)]
mod tests;
mod tree;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::published::Source;

pub use guard::{check_replaceable, guard};
pub use stale::remove_tree;

use guard::{absolute, stray_in};
use lock::lock;
use manifest::{
    MANIFEST_HEADER, manifest_path, manifest_site, next_manifest_path, ours, out_name,
    read_manifest_at, write_beside,
};
use stale::{remove_in_background, take_stale_trees};
use tree::{cannot_rename, checked_paths, replace_contents, unchanged, write_tree};

/// Why an output directory was refused.
#[derive(Debug, thiserror::Error)]
#[error("refusing to write the site to {out}: {reason}")]
pub struct GuardError {
    /// The refused output folder, as shown in the error message.
    pub out: String,
    /// Why the folder may not be replaced, in words: for example, it holds files no build wrote.
    pub reason: String,
}

/// Why a write failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output is not a folder a build may replace (checked again under the lock).
    #[error(transparent)]
    Refused(#[from] GuardError),
    /// Creating, writing, renaming or removing files or folders failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What a write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    /// How many files the new tree holds, reused ones included.
    pub files: usize,
    /// The total size of those files in bytes.
    pub bytes: u64,
    /// Files whose bytes were unchanged since the last build, carried over by a hard link
    /// instead of being written again (they keep their modification time).
    pub reused: usize,
    /// Another build was writing to the same folder, and this one waited for it.
    pub waited_for_lock: bool,
    /// The output could not be swapped whole (it is a mount point, such as a Docker volume):
    /// its contents were replaced instead, which is not atomic.
    pub replaced_in_place: bool,
    /// Temporary trees left beside the output by builds that no longer run, removed.
    pub stale_removed: usize,
}

/// An output folder taken for one build: the lock beside it (`.public.lock`) is held from
/// [`take`] until the write is done (or this is dropped), so a build reads what the folder
/// holds (the pages it carries over) and replaces it with no other build in between.
#[derive(Debug)]
pub struct Taken {
    out: PathBuf,
    _lock: std::fs::File,
    waited_for_lock: bool,
}

/// Takes the output folder `out` (already checked by [`guard`]) for a build: creates the
/// folder that holds it and takes the lock, waiting while another build holds it.
pub fn take(out: &Path) -> Result<Taken, WriteError> {
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let (lock, waited_for_lock) = lock(out)?;
    Ok(Taken {
        out: out.to_path_buf(),
        _lock: lock,
        waited_for_lock,
    })
}

/// Whether the file at `path` is one the writer would carry over as `len` bytes hashing to
/// `hash`: a plain file (read through an open handle, never a link) with no other hard
/// link, holding exactly those bytes.
pub fn holds(path: &Path, len: u64, hash: &str) -> bool {
    tree::holds(path, len, hash).is_some()
}

/// Writes `files` as the new content of `out` (already checked by [`guard`], and checked
/// again here under the lock). `site` is the site's folder, recorded in the manifest.
pub fn write(
    out: &Path,
    site: &Path,
    files: Vec<(String, Source)>,
) -> Result<WriteStats, WriteError> {
    take(out)?.write(site, files)
}

impl Taken {
    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Writes `files` as the new content of the folder (checked again here, under the
    /// lock). `site` is the site's folder, recorded in the manifest.
    ///
    /// In two steps (the folder is taken already): write the new tree beside it, swap it in.
    pub fn write(
        self,
        site: &Path,
        files: Vec<(String, Source)>,
    ) -> Result<WriteStats, WriteError> {
        write_taken(&self.out, self.waited_for_lock, site, files)
    }
}

fn write_taken(
    out: &Path,
    waited_for_lock: bool,
    site: &Path,
    files: Vec<(String, Source)>,
) -> Result<WriteStats, WriteError> {
    let files = checked_paths(files)?;
    let parent = out.parent().unwrap_or(Path::new("."));
    check_replaceable(out).map_err(|reason| GuardError {
        out: out.display().to_string(),
        reason,
    })?;
    let stale = take_stale_trees(parent, &out_name(out));
    // What the earlier builds wrote, read before this one's manifest is written beside it:
    // only these files may be replaced, and the folder is checked against them again once
    // the new tree is ready (someone may have saved a file into it meanwhile).
    let (known, previous) = if out.is_dir() {
        let previous = read_manifest_at(&manifest_path(out)).unwrap_or_default();
        (ours(out), previous)
    } else {
        (HashMap::new(), HashMap::new())
    };
    let site_line = absolute(site).display().to_string().replace('\n', " ");
    // Nothing differs from the last build of this site (and no build was stopped while
    // swapping its tree in, which would leave files its manifest-to-be lists): the folder
    // stays as it is.
    if manifest_site(&manifest_path(out)).as_deref() == Some(site_line.as_str())
        && std::fs::symlink_metadata(next_manifest_path(out)).is_err()
        && let Some(mut stats) = unchanged(out, &previous, &files)
    {
        stats.waited_for_lock = waited_for_lock;
        stats.stale_removed = stale.len();
        if !stale.is_empty() {
            remove_in_background(&stale);
        }
        return Ok(stats);
    }
    let trees = Trees::beside(out)?;
    let (mut stats, lines) = match write_tree(&trees.tmp, out, &previous, files) {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&trees.tmp);
            return Err(e.into());
        }
    };
    stats.waited_for_lock = waited_for_lock;
    let manifest = format!("{MANIFEST_HEADER}\nsite {site_line}\n{lines}");
    let swap = trees.swap_in(out, &manifest, &known)?;
    stats.replaced_in_place = swap == Swapped::ContentsReplaced;
    let mut to_remove = stale;
    stats.stale_removed = to_remove.len();
    if swap == Swapped::Renamed {
        to_remove.push(trees.old);
    }
    if !to_remove.is_empty() {
        remove_in_background(&to_remove);
    }
    Ok(stats)
}

/// This build's two trees beside the output: the new one being written (`.public.tmp-PID`)
/// and the old one once swapped out (`.public.old-PID`).
struct Trees {
    tmp: PathBuf,
    old: PathBuf,
}

/// How the new tree took the output's place.
#[derive(Debug, PartialEq, Eq)]
enum Swapped {
    /// There was no output before.
    New,
    /// The old tree was renamed away and the new one renamed in.
    Renamed,
    /// The output could not be renamed (a mount point): its contents were replaced.
    ContentsReplaced,
}

impl Trees {
    /// Names the trees, removes what an earlier process of the same id left under those
    /// names, and creates the new tree's folder.
    fn beside(out: &Path) -> io::Result<Trees> {
        let parent = out.parent().unwrap_or(Path::new("."));
        let name = out_name(out);
        let pid = std::process::id();
        let trees = Trees {
            tmp: parent.join(format!(".{name}.tmp-{pid}")),
            old: parent.join(format!(".{name}.old-{pid}")),
        };
        for leftover in [&trees.tmp, &trees.old] {
            if std::fs::symlink_metadata(leftover).is_ok() {
                let _ =
                    std::fs::remove_dir_all(leftover).or_else(|_| std::fs::remove_file(leftover));
            }
        }
        std::fs::create_dir(&trees.tmp)?;
        Ok(trees)
    }

    /// Puts the new tree in the output's place, its manifest first (so whatever happens
    /// next, the folder's files are listed). Refuses, leaving the output as it was, when
    /// something not in `known` was saved into the output meanwhile; on any failure the new
    /// tree is removed.
    fn swap_in(
        &self,
        out: &Path,
        manifest: &str,
        known: &HashMap<String, (u64, String)>,
    ) -> Result<Swapped, WriteError> {
        let give_up = |e: WriteError| {
            let _ = std::fs::remove_dir_all(&self.tmp);
            let _ = std::fs::remove_file(next_manifest_path(out));
            Err(e)
        };
        let added_meanwhile = |stray: String| -> WriteError {
            GuardError {
                out: out.display().to_string(),
                reason: format!("`{stray}` was saved into it while this build ran, and a build replaces everything in it; nothing was replaced: move it away and build again"),
            }
            .into()
        };
        if let Err(e) = write_beside(&next_manifest_path(out), manifest) {
            return give_up(e.into());
        }
        let swapped = if !out.exists() {
            Swapped::New
        } else {
            match std::fs::rename(out, &self.old) {
                Ok(()) => {
                    if let Some(stray) = stray_in(&self.old, known) {
                        let _ = std::fs::rename(&self.old, out);
                        return give_up(added_meanwhile(stray));
                    }
                    Swapped::Renamed
                }
                Err(e) if cannot_rename(&e) => {
                    if let Some(stray) = stray_in(out, known) {
                        return give_up(added_meanwhile(stray));
                    }
                    if let Err(e) = replace_contents(&self.tmp, out, known) {
                        let _ = std::fs::remove_dir_all(&self.tmp);
                        return Err(io::Error::new(e.kind(), format!("{e} (the output folder is a mount point, so its files were being replaced one by one: it may be half-written until a build succeeds)")).into());
                    }
                    Swapped::ContentsReplaced
                }
                Err(e) => return give_up(e.into()),
            }
        };
        if swapped != Swapped::ContentsReplaced
            && let Err(e) = std::fs::rename(&self.tmp, out)
        {
            if swapped == Swapped::Renamed {
                let _ = std::fs::rename(&self.old, out);
            }
            return give_up(e.into());
        }
        // The new site is in place: if the manifest cannot be renamed, `-next` still lists it
        // (read by the next build as ours).
        let _ = std::fs::rename(next_manifest_path(out), manifest_path(out));
        Ok(swapped)
    }
}
