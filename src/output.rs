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
//! (a mount point) has its contents replaced instead.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::published::{Source, normal_path};

/// Why an output directory was refused.
#[derive(Debug, thiserror::Error)]
#[error("refusing to write the site to {out}: {reason}")]
pub struct GuardError {
    pub out: String,
    pub reason: String,
}

/// Why a write failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output is not a folder a build may replace (checked again under the lock).
    #[error(transparent)]
    Refused(#[from] GuardError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

fn absolute(p: &Path) -> PathBuf {
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
const SOURCE_DIRS: [&str; 6] = [
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
fn stray_in(dir: &Path, files: &HashMap<String, (u64, String)>) -> Option<String> {
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
fn find_stray(
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

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What a write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub files: usize,
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

/// The output's name, as used in the names of the files beside it.
fn out_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// The manifest of the last build beside the output: `.public.manifest` for `public/`.
/// A header (`policypress-manifest 2`, then `site <folder>`), then one line per file: hash,
/// length, path (with `\` and line breaks escaped).
fn manifest_path(out: &Path) -> PathBuf {
    out.with_file_name(format!(".{}.manifest", out_name(out)))
}

/// The manifest of a build being swapped in: written before the swap, renamed over the
/// manifest after it, so a build killed between the two still leaves the folder known.
fn next_manifest_path(out: &Path) -> PathBuf {
    out.with_file_name(format!(".{}.manifest-next", out_name(out)))
}

const MANIFEST_HEADER: &str = "policypress-manifest 2";

fn escape_path(p: &str) -> String {
    p.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads a manifest file; a missing one, or one that is not a plain file (a symbolic link
/// planted beside the output), reads as `None`.
fn read_manifest_at(path: &Path) -> Option<HashMap<String, (u64, String)>> {
    let file = open_plain_file(path)?;
    let mut text = String::new();
    io::Read::read_to_string(&mut io::Read::take(file, MAX_MANIFEST_BYTES), &mut text).ok()?;
    if text.lines().next() != Some(MANIFEST_HEADER) {
        return None;
    }
    Some(
        text.lines()
            .filter(|l| *l != MANIFEST_HEADER && !l.starts_with("site "))
            .filter_map(|l| {
                let mut parts = l.splitn(3, ' ');
                let hash = parts.next()?.to_string();
                let len = parts.next()?.parse().ok()?;
                let path = unescape_path(parts.next()?);
                Some((path, (len, hash)))
            })
            .collect(),
    )
}

/// The largest manifest read (about 600,000 files).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Opens `path` for reading if it is a plain file, never through a symbolic link (checked on
/// the open file, so nothing can be swapped in between).
fn open_plain_file(path: &Path) -> Option<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    file.metadata().ok()?.is_file().then_some(file)
}

/// The files the earlier builds into `out` wrote: its manifest, and that of a build killed
/// while swapping its tree in. Empty when there is neither.
fn ours(out: &Path) -> HashMap<String, (u64, String)> {
    let mut all = read_manifest_at(&next_manifest_path(out)).unwrap_or_default();
    all.extend(read_manifest_at(&manifest_path(out)).unwrap_or_default());
    all
}

/// Writes a file beside the output through a temporary file and a rename, so a symbolic
/// link planted under its name is replaced, never followed.
fn write_beside(path: &Path, text: &str) -> io::Result<()> {
    let tmp = path.with_file_name(format!("{}.tmp-{}", file_name(path), std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| io::Write::write_all(&mut f, text.as_bytes()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// How long a build waits for another one writing to the same folder before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// Takes the lock file beside the output (`.public.lock`), waiting while another build
/// holds it. The lock is released when the returned file is dropped, or the process ends.
fn lock(out: &Path) -> io::Result<(std::fs::File, bool)> {
    let path = out.with_file_name(format!(".{}.lock", out_name(out)));
    // A symbolic link planted under the lock's name is removed, never followed.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(&path)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(&path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("could not open the lock file {} (a build needs to write in the folder that holds the output): {e}", path.display()),
        )
    })?;
    let started = Instant::now();
    let mut waited = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok((file, waited)),
            Err(std::fs::TryLockError::WouldBlock) => {
                waited = true;
                if started.elapsed() > LOCK_WAIT {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "another build has been writing to {} for over {} minutes (it holds {}); wait for it to finish, or stop it",
                            out.display(),
                            LOCK_WAIT.as_secs() / 60,
                            path.display()
                        ),
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Whether a process with this id is running (on Unix; elsewhere every process is assumed
/// to be, so nothing is removed).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // An id no process can have: kept (only trees of ended builds are removed).
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// The id of the build that made a tree beside the output named like ours
/// (`.public.tmp-PID`, `.public.old-PID`, or `.public.old-PID-N` for one being removed).
/// Nothing else counts: `.public.old-2024-06-01` (someone's own backup) is not ours.
fn tree_pid(name: &str, out_name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_prefix(out_name)?;
    tree_suffix_pid(rest)
}

/// The build id in `.tmp-PID`, `.old-PID` or `.old-PID-N`, the end of a tree's name.
fn tree_suffix_pid(rest: &str) -> Option<u32> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit());
    let (pid, n) = if let Some(r) = rest.strip_prefix(".tmp-") {
        (r, None)
    } else {
        let r = rest.strip_prefix(".old-")?;
        match r.split_once('-') {
            Some((pid, n)) => (pid, Some(n)),
            None => (r, None),
        }
    };
    if !digits(pid) || n.is_some_and(|n| !digits(n)) {
        return None;
    }
    pid.parse().ok()
}

/// Renames the trees beside the output left by builds that no longer run (and are named
/// like ours) to `.NAME.old-PID-N` names of this build, for [`remove_in_background`].
fn take_stale_trees(parent: &Path, out_name: &str) -> Vec<PathBuf> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut taken = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = tree_pid(&name, out_name) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if pid == me || !is_dir || alive(pid) {
            continue;
        }
        let to = parent.join(format!(".{out_name}.old-{me}-{}", taken.len() + 1));
        if std::fs::rename(entry.path(), &to).is_ok() {
            taken.push(to);
        }
    }
    taken
}

/// Writes `files` as the new content of `out` (already checked by [`guard`], and checked
/// again here under the lock). `site` is the site's folder, recorded in the manifest.
pub fn write(
    out: &Path,
    site: &Path,
    files: Vec<(String, Source)>,
) -> Result<WriteStats, WriteError> {
    let files = checked_paths(files)?;
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let (_lock, waited_for_lock) = lock(out)?;
    check_replaceable(out).map_err(|reason| GuardError {
        out: out.display().to_string(),
        reason,
    })?;
    let name = out_name(out);
    let stale = take_stale_trees(parent, &name);
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    for leftover in [&tmp, &old] {
        if std::fs::symlink_metadata(leftover).is_ok() {
            let _ = std::fs::remove_dir_all(leftover).or_else(|_| std::fs::remove_file(leftover));
        }
    }
    std::fs::create_dir(&tmp)?;
    // What the earlier builds wrote, read before this one's manifest is written beside it:
    // only these files may be replaced, and the folder is checked against them again once
    // the new tree is ready (someone may have saved a file into it meanwhile).
    let known = if out.is_dir() {
        ours(out)
    } else {
        HashMap::new()
    };
    let previous = if out.is_dir() {
        read_manifest_at(&manifest_path(out)).unwrap_or_default()
    } else {
        HashMap::new()
    };
    let (mut stats, lines) = match write_tree(&tmp, out, &previous, files) {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e.into());
        }
    };
    stats.waited_for_lock = waited_for_lock;
    let site_line = absolute(site).display().to_string().replace('\n', " ");
    let manifest = format!("{MANIFEST_HEADER}\nsite {site_line}\n{lines}");
    let give_up = |e: WriteError| {
        let _ = std::fs::remove_dir_all(&tmp);
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
    // The new tree's manifest first: whatever happens next, the folder's files are listed.
    if let Err(e) = write_beside(&next_manifest_path(out), &manifest) {
        return give_up(e.into());
    }
    let had_old = out.exists();
    let mut swapped_old = false;
    if had_old {
        match std::fs::rename(out, &old) {
            Ok(()) => {
                swapped_old = true;
                if let Some(stray) = stray_in(&old, &known) {
                    let _ = std::fs::rename(&old, out);
                    return give_up(added_meanwhile(stray));
                }
            }
            Err(e) if cannot_rename(&e) => {
                if let Some(stray) = stray_in(out, &known) {
                    return give_up(added_meanwhile(stray));
                }
                if let Err(e) = replace_contents(&tmp, out, &known) {
                    let _ = std::fs::remove_dir_all(&tmp);
                    return Err(io::Error::new(e.kind(), format!("{e} (the output folder is a mount point, so its files were being replaced one by one: it may be half-written until a build succeeds)")).into());
                }
                stats.replaced_in_place = true;
            }
            Err(e) => return give_up(e.into()),
        }
    }
    if !stats.replaced_in_place
        && let Err(e) = std::fs::rename(&tmp, out)
    {
        if swapped_old {
            let _ = std::fs::rename(&old, out);
        }
        return give_up(e.into());
    }
    // The new site is in place: if the manifest cannot be renamed, `-next` still lists it
    // (read by the next build as ours).
    let _ = std::fs::rename(next_manifest_path(out), manifest_path(out));
    let mut to_remove = stale;
    stats.stale_removed = to_remove.len();
    if swapped_old {
        to_remove.push(old);
    }
    if !to_remove.is_empty() {
        remove_in_background(&to_remove);
    }
    Ok(stats)
}

/// A rename that fails because the folder is a mount point (or on another file system).
fn cannot_rename(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::ResourceBusy || e.kind() == io::ErrorKind::CrossesDevices
}

/// Replaces the contents of `out` with those of `tmp` (which is then removed), for an output
/// that cannot be renamed: only the files an earlier build wrote (`known`) are removed, and
/// the folders they leave empty; anything else stays.
fn replace_contents(
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
fn move_into(from: &Path, to: &Path) -> io::Result<()> {
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

/// Copies a tree of folders and plain files (what [`write_tree`] makes).
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
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
fn checked_paths(files: Vec<(String, Source)>) -> io::Result<Vec<(String, Source)>> {
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

fn write_tree(
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
            let bytes = match source {
                Source::Bytes(b) => b,
                Source::File(from) => std::fs::read(&from)?,
            };
            let len = bytes.len() as u64;
            let hash = blake3::hash(&bytes).to_hex().to_string();
            let listed = previous
                .get(&rel)
                .is_some_and(|(l, h)| *l == len && *h == hash);
            if listed && carry_over(&previous_dir.join(&rel), &path, &bytes) {
                return Ok((rel, len, hash, true));
            }
            std::fs::write(&path, &bytes)?;
            Ok((rel, len, hash, false))
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
/// `bytes`: the manifest says what a build wrote, not what is there now (a hand-edited
/// file, or another build's, is written again). The file is read through an open handle
/// (never a symbolic link), must have no other hard link (one to a file outside the output
/// would publish whatever that file later says), and the link made must be that same file.
fn carry_over(old: &Path, new: &Path, bytes: &[u8]) -> bool {
    let Some(mut file) = open_plain_file(old) else {
        return false;
    };
    let Ok(meta) = file.metadata() else {
        return false;
    };
    if meta.len() != bytes.len() as u64 || !single_link(&meta) {
        return false;
    }
    let mut now = Vec::with_capacity(bytes.len());
    if io::Read::read_to_end(&mut file, &mut now).is_err() || now != bytes {
        return false;
    }
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
fn single_link(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

// Elsewhere, files are always written again.
#[cfg(not(unix))]
fn single_link(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Deletes replaced output trees without making the build wait for them: a detached copy of
/// this program does the deleting (`policypress __remove-tree DIR…`). If that cannot start,
/// the trees are deleted here.
fn remove_in_background(dirs: &[PathBuf]) {
    let spawned = std::env::current_exe().ok().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("__remove-tree")
            .args(dirs)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    if spawned.is_none() {
        for dir in dirs {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Removes a tree left by an earlier build; only trees named like ours are accepted.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    let ours = dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        let at = n.rfind(".old-").max(n.rfind(".tmp-"));
        n.starts_with('.') && at.is_some_and(|at| at > 0 && tree_suffix_pid(&n[at..]).is_some())
    });
    let is_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    if !ours || !is_dir {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a PolicyPress output tree",
        ));
    }
    std::fs::remove_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::published::page_path;

    #[test]
    fn page_paths() {
        assert_eq!(page_path("/", "/"), "index.html");
        assert_eq!(page_path("/", "/a/b/"), "a/b/index.html");
        assert_eq!(page_path("/sub/", "/sub/a/"), "a/index.html");
    }

    #[test]
    fn normal_paths() {
        assert_eq!(normal_path("./index.html").as_deref(), Some("index.html"));
        assert_eq!(normal_path("a//./b").as_deref(), Some("a/b"));
        assert_eq!(normal_path("../index.html"), None);
        assert_eq!(normal_path("a/../index.html"), None);
        assert_eq!(normal_path("./"), None);
    }

    #[test]
    fn guard_refuses_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(guard(root, root).is_err());
        assert!(guard(root, root.parent().unwrap()).is_err());
        assert!(guard(root, &root.join("content")).is_err());
        assert!(guard(root, &root.join("static/x")).is_err());
        assert!(guard(root, &root.join("print")).is_err());
        assert!(guard(root, &root.join(".policypress/x")).is_err());
        assert!(guard(root, &root.join("public")).is_ok());
        assert!(guard(root, &root.join("content/../public")).is_ok());
        assert!(guard(root, Path::new("/")).is_err());
    }

    fn bytes(rel: &str, text: &str) -> (String, Source) {
        (rel.to_string(), Source::Bytes(text.as_bytes().to_vec()))
    }

    #[test]
    fn refuses_folders_a_build_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        // A folder with one unrelated file.
        let victim = dir.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("keep.txt"), "keep me").unwrap();
        let e = guard(&site, &victim).unwrap_err().to_string();
        assert!(e.contains("keep.txt") && e.contains("--out"), "{e}");
        // A file.
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "mine").unwrap();
        assert!(
            guard(&site, &file)
                .unwrap_err()
                .to_string()
                .contains("a file")
        );
        // A dangling symbolic link, and one to the victim.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("dangling"))
                .unwrap();
            assert!(guard(&site, &dir.path().join("dangling")).is_err());
            std::os::unix::fs::symlink(&victim, dir.path().join("link")).unwrap();
            assert!(guard(&site, &dir.path().join("link")).is_err());
        }
        // Empty and new folders are fine.
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        assert!(guard(&site, &dir.path().join("empty")).is_ok());
        assert!(guard(&site, &dir.path().join("new/public")).is_ok());
        // Under the lock too.
        assert!(matches!(
            write(&victim, &site, vec![bytes("index.html", "x")]),
            Err(WriteError::Refused(_))
        ));
        assert_eq!(
            std::fs::read_to_string(victim.join("keep.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn replaces_its_own_output_but_not_a_stray_file_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = dir.path().join("public");
        write(
            &out,
            &site,
            vec![bytes("index.html", "a"), bytes("x/y.css", "b")],
        )
        .unwrap();
        assert!(guard(&site, &out).is_ok());
        let stats = write(
            &out,
            &site,
            vec![bytes("index.html", "a"), bytes("z.txt", "c")],
        )
        .unwrap();
        assert_eq!((stats.files, stats.reused), (2, 1));
        assert!(!out.join("x").exists());
        // A folder left by a file deleted by hand is fine; a stray file is not.
        std::fs::remove_file(out.join("z.txt")).unwrap();
        assert!(guard(&site, &out).is_ok());
        std::fs::write(out.join("mine.txt"), "mine").unwrap();
        let e = guard(&site, &out).unwrap_err().to_string();
        assert!(e.contains("mine.txt"), "{e}");
        std::fs::remove_file(out.join("mine.txt")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", out.join("robots.txt")).unwrap();
            assert!(guard(&site, &out).is_err());
        }
    }

    #[test]
    fn a_hand_edited_file_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = dir.path().join("public");
        write(&out, &site, vec![bytes("robots.txt", "User-agent: *\n")]).unwrap();
        std::fs::write(out.join("robots.txt"), "Disallow: /x\n").unwrap();
        let stats = write(&out, &site, vec![bytes("robots.txt", "User-agent: *\n")]).unwrap();
        assert_eq!(stats.reused, 0);
        assert_eq!(
            std::fs::read_to_string(out.join("robots.txt")).unwrap(),
            "User-agent: *\n"
        );
    }

    #[test]
    fn refuses_paths_outside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for rel in ["../index.html", "/etc/x", "./index.html", "", "a/../../b"] {
            assert!(
                write(&out, dir.path(), vec![bytes(rel, "x")]).is_err(),
                "{rel}"
            );
        }
        assert!(write(&out, dir.path(), vec![bytes("a", "x"), bytes("a/b", "y")]).is_err());
        assert!(write(&out, dir.path(), vec![bytes("a", "x"), bytes("a", "y")]).is_err());
        assert!(!dir.path().join("index.html").exists());
    }

    #[test]
    fn replacing_in_place_removes_only_what_a_build_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let (out, tmp) = (dir.path().join("public"), dir.path().join("new"));
        for (rel, text) in [
            ("index.html", "old"),
            ("a/b.html", "old"),
            ("gone/x.html", "old"),
        ] {
            std::fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
            std::fs::write(out.join(rel), text).unwrap();
        }
        // Saved by someone else after the check: kept.
        std::fs::write(out.join("a/minutes.docx"), "mine").unwrap();
        for (rel, text) in [("index.html", "new"), ("a/b.html", "new"), ("c.css", "new")] {
            std::fs::create_dir_all(tmp.join(rel).parent().unwrap()).unwrap();
            std::fs::write(tmp.join(rel), text).unwrap();
        }
        let known: HashMap<String, (u64, String)> = ["index.html", "a/b.html", "gone/x.html"]
            .iter()
            .map(|r| (r.to_string(), (3, String::new())))
            .collect();
        assert_eq!(stray_in(&out, &known).as_deref(), Some("a/minutes.docx"));
        replace_contents(&tmp, &out, &known).unwrap();
        let read = |rel: &str| std::fs::read_to_string(out.join(rel)).ok();
        assert_eq!(read("index.html").as_deref(), Some("new"));
        assert_eq!(read("a/b.html").as_deref(), Some("new"));
        assert_eq!(read("c.css").as_deref(), Some("new"));
        assert_eq!(read("a/minutes.docx").as_deref(), Some("mine"));
        assert!(!out.join("gone").exists());
        assert!(!tmp.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_from_outside_is_written_again_not_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old.txt"), dir.path().join("new.txt"));
        std::fs::write(&old, "same").unwrap();
        std::fs::hard_link(&old, dir.path().join("outside.txt")).unwrap();
        assert!(!carry_over(&old, &new, b"same"));
        std::fs::remove_file(dir.path().join("outside.txt")).unwrap();
        assert!(carry_over(&old, &new, b"same"));
        assert!(!carry_over(
            &dir.path().join("none"),
            &dir.path().join("n2"),
            b"same"
        ));
        std::os::unix::fs::symlink(&old, dir.path().join("link")).unwrap();
        assert!(!carry_over(
            &dir.path().join("link"),
            &dir.path().join("n3"),
            b"same"
        ));
    }

    #[test]
    fn stale_trees_of_dead_builds_only() {
        assert_eq!(tree_pid(".public.tmp-12", "public"), Some(12));
        assert_eq!(tree_pid(".public.old-12-3", "public"), Some(12));
        assert_eq!(tree_pid(".other.tmp-12", "public"), None);
        assert_eq!(tree_pid(".public.tmp-", "public"), None);
        assert_eq!(tree_pid("public.tmp-12", "public"), None);
        // Someone's own backups and names only like ours are never trees of a build.
        assert_eq!(tree_pid(".public.old-2024-06-01", "public"), None);
        assert_eq!(tree_pid(".public.tmp-12-3", "public"), None);
        assert_eq!(tree_pid(".public.old-12x", "public"), None);
        assert!(remove_tree(Path::new("/nonexistent/.public.old-2024-06-01")).is_err());
        // An id no process can have counts as running (kept).
        assert!(alive(3_000_000_000));
        assert!(alive(std::process::id()));
        assert!(!alive(99_999_999));
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".public.tmp-99999999");
        let live = dir
            .path()
            .join(format!(".public.tmp-{}", std::process::id()));
        let other = dir.path().join(".other.tmp-99999999");
        for d in [&dead, &live, &other] {
            std::fs::create_dir(d).unwrap();
        }
        let taken = take_stale_trees(dir.path(), "public");
        assert_eq!(taken.len(), 1);
        assert!(!dead.exists() && live.exists() && other.exists());
    }

    #[test]
    fn replacing_contents_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let tmp = dir.path().join(".public.tmp-1");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/a.html"), "old").unwrap();
        std::fs::create_dir_all(tmp.join("new")).unwrap();
        std::fs::write(tmp.join("new/b.html"), "new").unwrap();
        let known = HashMap::from([("old/a.html".to_string(), (3, String::new()))]);
        replace_contents(&tmp, &out, &known).unwrap();
        assert!(!out.join("old").exists() && !tmp.exists());
        assert_eq!(
            std::fs::read_to_string(out.join("new/b.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn manifest_paths_round_trip() {
        for p in ["a b/c.html", "odd\nname", "back\\slash"] {
            assert_eq!(unescape_path(&escape_path(p)), p);
        }
    }
}
