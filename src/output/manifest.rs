//! The manifest beside the output that lists what a build wrote, and the files beside the
//! output (read and written without following symbolic links).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

pub(super) fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The output's name, as used in the names of the files beside it.
pub(super) fn out_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// The manifest of the last build beside the output: `.public.manifest` for `public/`.
/// A header (`policypress-manifest 2`, then `site <folder>`), then one line per file: hash,
/// length, path (with `\` and line breaks escaped).
pub(super) fn manifest_path(out: &Path) -> PathBuf {
    out.with_file_name(format!(".{}.manifest", out_name(out)))
}

/// The manifest of a build being swapped in: written before the swap, renamed over the
/// manifest after it, so a build killed between the two still leaves the folder known.
pub(super) fn next_manifest_path(out: &Path) -> PathBuf {
    out.with_file_name(format!(".{}.manifest-next", out_name(out)))
}

pub(super) const MANIFEST_HEADER: &str = "policypress-manifest 2";

pub(super) fn escape_path(p: &str) -> String {
    p.replace('\\', "\\\\").replace('\n', "\\n")
}

pub(super) fn unescape_path(p: &str) -> String {
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
pub(super) fn read_manifest_at(path: &Path) -> Option<HashMap<String, (u64, String)>> {
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

/// The site a manifest names (its `site` line), when it is a plain file of this format.
pub(super) fn manifest_site(path: &Path) -> Option<String> {
    let file = open_plain_file(path)?;
    let mut head = String::new();
    io::Read::read_to_string(&mut io::Read::take(file, 64 << 10), &mut head).ok()?;
    let mut lines = head.lines();
    (lines.next() == Some(MANIFEST_HEADER)).then_some(())?;
    lines.next()?.strip_prefix("site ").map(str::to_string)
}

/// The largest manifest read (about 600,000 files).
pub(super) const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Opens `path` for reading if it is a plain file, never through a symbolic link (checked on
/// the open file, so nothing can be swapped in between).
pub(super) fn open_plain_file(path: &Path) -> Option<std::fs::File> {
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
pub(super) fn ours(out: &Path) -> HashMap<String, (u64, String)> {
    let mut all = read_manifest_at(&next_manifest_path(out)).unwrap_or_default();
    all.extend(read_manifest_at(&manifest_path(out)).unwrap_or_default());
    all
}

/// Writes a file beside the output through a temporary file and a rename, so a symbolic
/// link planted under its name is replaced, never followed.
pub(super) fn write_beside(path: &Path, text: &str) -> io::Result<()> {
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
