//! Trees left beside the output by builds that ended (killed, or replaced by a newer one),
//! and their removal off the critical path.

use std::io;
use std::path::{Path, PathBuf};

/// Whether a process with this id is running (on Unix; elsewhere every process is assumed
/// to be, so nothing is removed).
pub(super) fn alive(pid: u32) -> bool {
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
pub(super) fn tree_pid(name: &str, out_name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_prefix(out_name)?;
    tree_suffix_pid(rest)
}

/// The build id in `.tmp-PID`, `.old-PID` or `.old-PID-N`, the end of a tree's name.
pub(super) fn tree_suffix_pid(rest: &str) -> Option<u32> {
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
pub(super) fn take_stale_trees(parent: &Path, out_name: &str) -> Vec<PathBuf> {
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

/// Deletes replaced output trees without making the build wait for them: a detached copy of
/// this program does the deleting (`policypress __remove-tree DIR…`). If that cannot start,
/// the trees are deleted here.
pub(super) fn remove_in_background(dirs: &[PathBuf]) {
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
