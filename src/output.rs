//! Writing the site to disk. The only module that touches the output directory.
//!
//! A build writes into a fresh temporary directory beside the output and swaps it in with two
//! renames only when every file is written, so a failed build never leaves a half-written or
//! emptied site. The previous tree is removed after the swap, off the critical path.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
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

/// Why an output directory was refused.
#[derive(Debug, thiserror::Error)]
#[error("refusing to write the site to {out}: {reason}")]
pub struct GuardError {
    pub out: String,
    pub reason: String,
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
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            std::path::Component::CurDir => {}
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

/// Refuses an output directory that is, contains or lies inside the site's sources.
pub fn guard(root: &Path, out: &Path) -> Result<PathBuf, GuardError> {
    let root = absolute(root);
    let out_abs = absolute(out);
    let refuse = |reason: String| GuardError {
        out: out.display().to_string(),
        reason,
    };
    if out_abs.parent().is_none() {
        return Err(refuse("it is the root of the file system".into()));
    }
    if root.starts_with(&out_abs) {
        return Err(refuse(
            "it is, or contains, the site's own folder, whose files would be replaced".into(),
        ));
    }
    for source in ["content", "themes", "static", "templates"] {
        let dir = root.join(source);
        if out_abs.starts_with(&dir) {
            return Err(refuse(format!(
                "it is inside the site's {source}/ folder; choose a folder outside {source}/, such as the default `public`"
            )));
        }
    }
    Ok(out_abs)
}

/// What a write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub files: usize,
    pub bytes: u64,
    /// Files whose bytes were unchanged since the last build, carried over by a hard link
    /// instead of being written again (they keep their modification time).
    pub reused: usize,
}

/// The manifest of the last build beside the output: `.public.manifest` for `public/`.
/// One line per file: hash, length, path.
fn manifest_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.manifest"))
}

fn read_manifest(out: &Path) -> HashMap<String, (u64, String)> {
    let Ok(text) = std::fs::read_to_string(manifest_path(out)) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ' ');
            let hash = parts.next()?.to_string();
            let len = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_string(), (len, hash)))
        })
        .collect()
}

/// Writes `files` as the new content of `out` (already checked by [`guard`]).
pub fn write(out: &Path, files: Vec<(String, Source)>) -> io::Result<WriteStats> {
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir(&tmp)?;
    let previous = if out.is_dir() {
        read_manifest(out)
    } else {
        HashMap::new()
    };
    let (stats, manifest) = match write_tree(&tmp, out, &previous, files) {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, &old)?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        if had_old {
            let _ = std::fs::rename(&old, out);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // The manifest only speeds up the next build: failing to write it loses nothing.
    let _ = std::fs::write(manifest_path(out), manifest);
    if had_old {
        remove_in_background(&old);
    }
    Ok(stats)
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
            let unchanged = previous
                .get(&rel)
                .is_some_and(|(l, h)| *l == len && *h == hash);
            if unchanged && std::fs::hard_link(previous_dir.join(&rel), &path).is_ok() {
                return Ok((rel, len, hash, true));
            }
            std::fs::write(&path, &bytes)?;
            Ok((rel, len, hash, false))
        })
        .collect::<io::Result<_>>()?;
    let mut manifest = String::with_capacity(written.len() * 100);
    let mut stats = WriteStats::default();
    for (rel, len, hash, reused) in &written {
        manifest.push_str(&format!("{hash} {len} {rel}\n"));
        stats.files += 1;
        stats.bytes += len;
        stats.reused += usize::from(*reused);
    }
    Ok((stats, manifest))
}

/// Deletes a replaced output tree without making the build wait for it: a detached copy of
/// this program does the deleting (`policypress __remove-tree DIR`). If that cannot start,
/// the tree is deleted here.
fn remove_in_background(dir: &Path) {
    let spawned = std::env::current_exe().ok().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("__remove-tree")
            .arg(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    if spawned.is_none() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Removes a tree left by an earlier build; only trees named like ours are accepted.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    let ours = dir.file_name().is_some_and(|n| {
        n.to_string_lossy().starts_with('.') && n.to_string_lossy().contains(".old-")
    });
    if !ours {
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

    #[test]
    fn page_paths() {
        assert_eq!(page_path("/", "/"), "index.html");
        assert_eq!(page_path("/", "/a/b/"), "a/b/index.html");
        assert_eq!(page_path("/sub/", "/sub/a/"), "a/index.html");
    }

    #[test]
    fn guard_refuses_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(guard(root, root).is_err());
        assert!(guard(root, root.parent().unwrap()).is_err());
        assert!(guard(root, &root.join("content")).is_err());
        assert!(guard(root, &root.join("static/x")).is_err());
        assert!(guard(root, &root.join("public")).is_ok());
        assert!(guard(root, &root.join("content/../public")).is_ok());
    }
}

/// A smaller copy of a stylesheet: comments dropped, runs of white space folded, and the
/// space around `{`, `}` and `;` removed. Text inside quotes is kept exactly.
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for n in chars.by_ref() {
                if last == '*' && n == '/' {
                    break;
                }
                last = n;
            }
            pending_space = true;
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            let prev = out.chars().last();
            let tight = |x: char| matches!(x, '{' | '}' | ';');
            if !out.is_empty() && !prev.is_some_and(tight) && !tight(c) {
                out.push(' ');
            }
            pending_space = false;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod css_tests {
    use super::minify_css;

    #[test]
    fn folds_space_and_comments_but_keeps_strings_and_selectors() {
        let css = "/* head */\na :focus ,\n.b:hover {\n  content: \" (  /* x */ \" ;\n  color : red;\n}\n@media print { .c { display: none } }\n";
        assert_eq!(
            minify_css(css),
            "a :focus , .b:hover{content: \" (  /* x */ \";color : red;}@media print{.c{display: none}}"
        );
    }
}
