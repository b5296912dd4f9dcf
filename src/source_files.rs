//! Reading the site's own files, and only those: the one way every module reads or walks what
//! is under the site's folder.
//!
//! A site's folder is not trusted. A link (symlink) may point anywhere (`static/etc -> /etc`,
//! `site.toml -> /proc/self/environ`), a "file" may be a device, a named pipe or a socket, and
//! a `/proc` file reports a size of 0 and never ends. So:
//!
//! - a link is followed only when it resolves inside the site's folder; one that leaves it is
//!   refused ([`FileError::OutsideSite`], an error naming the link), never read;
//! - only regular files are read: devices, pipes, sockets and files of kernel file systems
//!   (`/proc`, `/sys`) are refused, checked on the opened file itself;
//! - every read is capped ([`Limit`]), whatever size the file claims;
//! - walks follow links that stay inside (loops are detected) and report the others.
//!
//! Files are checked when they are read, not only when a folder is walked, so a link swapped
//! in after a walk is refused too.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, display_path};

/// The most bytes a read returns; a longer file is refused, not cut.
#[derive(Debug, Clone, Copy)]
pub struct Limit(pub u64);

impl Limit {
    /// `site.toml`, `school.toml`, `contacts.toml`, `images.toml`, the roster file.
    pub const SETTINGS: Limit = Limit(4 << 20);
    /// A Markdown document or a template ([`crate::limits::MAX_SOURCE_BYTES`]).
    pub const TEXT: Limit = Limit(crate::limits::MAX_SOURCE_BYTES);
    /// A file of `static/` (photos, PDFs, videos), published as it is or stripped.
    pub const STATIC: Limit = Limit(256 << 20);
}

/// Why a file of the site was not read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The path is a link (or goes through one) that resolves outside the site's folder.
    #[error("this is a link to {target}, which is outside the site's folder")]
    OutsideSite {
        /// Where the link really leads, with every link resolved.
        target: String,
    },
    /// The path is not a regular file: a folder, a device, a named pipe or a socket.
    #[error("this is {kind}, not a regular file")]
    NotRegular {
        /// What it is instead, in words: "a named pipe".
        kind: &'static str,
    },
    /// The file is on one of the kernel's file systems, such as `/proc` or `/sys`.
    #[error("this is a file of the operating system ({kind}), not part of the site")]
    System {
        /// Which file system, such as "/proc" or "cgroup".
        kind: &'static str,
    },
    /// The file holds more bytes than the [`Limit`] for its kind of file.
    #[error("this file is larger than {} MB", .limit / (1 << 20))]
    TooLarge {
        /// The limit it went over, in bytes.
        limit: u64,
    },
    /// Reading the file failed, or it does not exist ([`FileError::is_not_found`]).
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl FileError {
    /// Whether the file simply does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }

    /// The hint for a finding about this refusal.
    pub fn hint(&self) -> &'static str {
        match self {
            FileError::OutsideSite { .. } => {
                "copy the file into the site's folder instead of linking to it, or remove the link"
            }
            FileError::NotRegular { .. } | FileError::System { .. } => {
                "remove it: only ordinary files can be part of a site"
            }
            FileError::TooLarge { .. } => {
                "make the file smaller: split a long document into several, or publish a large file somewhere else and link to it"
            }
            FileError::Io(_) => "check that the file exists and that you can read it",
        }
    }
}

/// The site's folder, for reading and walking what is inside it.
#[derive(Debug, Clone)]
pub struct SiteFiles {
    /// The folder as given (for messages: paths are shown relative to it).
    root: PathBuf,
    /// The folder with every link resolved.
    real: PathBuf,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files (or links to regular files inside the site), in file-name order, by
    /// their path under the walked folder (links not resolved).
    pub files: Vec<PathBuf>,
    /// Entries that were refused or could not be read, each with why.
    pub refused: Vec<(PathBuf, FileError)>,
    /// Hidden entries (a name starting with `.`) skipped, when asked to skip them.
    pub hidden: Vec<PathBuf>,
}

impl SiteFiles {
    /// The site whose folder is `root`, its links resolved once to tell what is inside it.
    pub fn new(root: &Path) -> SiteFiles {
        let real = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        SiteFiles {
            root: root.to_path_buf(),
            real,
        }
    }

    /// The site's folder as it was given, which messages show paths relative to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` relative to the site's folder, with `/` separators, for messages.
    pub fn display(&self, path: &Path) -> String {
        display_path(&self.root, path)
    }

    /// An error finding about a refused file, at the path given (the link, not its target).
    pub fn diagnostic(&self, path: &Path, error: &FileError) -> Diagnostic {
        let rule = match error {
            FileError::Io(_) => "io",
            FileError::TooLarge { .. } => "file-too-large",
            _ => "unsafe-file",
        };
        let message = match error {
            FileError::Io(e) => format!("could not read this file: {e}"),
            other => other.to_string(),
        };
        Diagnostic::error(rule, self.display(path), message).with_hint(error.hint())
    }

    /// Where `path` really is, when that is inside the site's folder.
    fn resolve_inside(&self, path: &Path) -> Result<PathBuf, FileError> {
        let real = std::fs::canonicalize(path)?;
        if real.starts_with(&self.real) {
            Ok(real)
        } else {
            Err(FileError::OutsideSite {
                target: real.display().to_string(),
            })
        }
    }

    /// Reads a file of the site: refused if it (or a folder on its way) is a link leading
    /// out of the site's folder, if it is not a regular file, or if it is longer than `limit`.
    pub fn read(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, FileError> {
        let real = self.resolve_inside(path)?;
        let file = open_regular(&real)?;
        read_capped(file, limit)
    }

    /// Like [`read`](Self::read), then UTF-8 text without a byte-order mark. `Ok(Err(bytes))`
    /// when the file is not UTF-8.
    pub fn read_text(
        &self,
        path: &Path,
        limit: Limit,
    ) -> Result<Result<String, Vec<u8>>, FileError> {
        let bytes = self.read(path, limit)?;
        Ok(match String::from_utf8(bytes) {
            Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            }),
            Err(e) => Err(e.into_bytes()),
        })
    }

    /// Where a regular file of the site really is, without reading it: refused like
    /// [`read`](Self::read) would refuse it.
    pub fn check(&self, path: &Path) -> Result<PathBuf, FileError> {
        let real = self.resolve_inside(path)?;
        let meta = std::fs::metadata(&real)?;
        if !meta.is_file() {
            return Err(FileError::NotRegular {
                kind: kind_of(&meta.file_type()),
            });
        }
        Ok(real)
    }

    /// Whether a file PolicyPress keeps in the site (its caches in `.policypress/`) may be
    /// written or removed at `path`: the nearest folder on its way that exists resolves inside
    /// the site's folder, and the file itself, if it exists, is a regular file (not a link,
    /// which a write would follow out of the site).
    pub fn writable(&self, path: &Path) -> bool {
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.is_file() && !m.is_dir() => return false,
            Ok(m) if m.is_dir() => return self.resolve_inside(path).is_ok(),
            _ => {}
        }
        let mut dir = path.parent();
        while let Some(d) = dir {
            if std::fs::symlink_metadata(d).is_ok() {
                return self.resolve_inside(d).is_ok();
            }
            dir = d.parent();
        }
        false
    }

    /// Whether `path` is a regular file inside the site (links resolved), without reading it.
    pub fn is_file(&self, path: &Path) -> bool {
        self.resolve_inside(path)
            .is_ok_and(|real| std::fs::metadata(real).is_ok_and(|m| m.is_file()))
    }

    /// Whether `path` is a folder inside the site (links resolved).
    pub fn is_dir(&self, path: &Path) -> bool {
        self.resolve_inside(path)
            .is_ok_and(|real| std::fs::metadata(real).is_ok_and(|m| m.is_dir()))
    }

    /// Every regular file under `dir`, following links only while they stay inside the site's
    /// folder. With `skip_hidden`, entries whose name starts with `.` are not entered or
    /// listed, but counted in [`Walk::hidden`] (except `.well-known/`, which is meant to be
    /// published; hidden entries inside it are still skipped).
    pub fn walk(&self, dir: &Path, skip_hidden: bool) -> Walk {
        let mut walk = Walk::default();
        if !self.is_dir(dir) {
            if let Err(e) = self.resolve_inside(dir) {
                if !e.is_not_found() {
                    walk.refused.push((dir.to_path_buf(), e));
                }
            }
            return walk;
        }
        let mut refused = Vec::new();
        let mut hidden = Vec::new();
        let entries = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                if skip_hidden {
                    let name = e.file_name().to_string_lossy();
                    let well_known = e.depth() == 1 && name == ".well-known";
                    if name.starts_with('.') && !well_known {
                        hidden.push(e.path().to_path_buf());
                        return false;
                    }
                }
                if e.path_is_symlink() {
                    if let Err(err) = self.resolve_inside(e.path()) {
                        refused.push((e.path().to_path_buf(), err));
                        return false;
                    }
                }
                true
            });
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => {
                    let t = e.file_type();
                    if t.is_file() {
                        files.push(e.into_path());
                    } else if !t.is_dir() {
                        errors.push((e.into_path(), FileError::NotRegular { kind: kind_of(&t) }));
                    }
                }
                Err(e) => {
                    let path = e
                        .path()
                        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                    // A link to nothing (an editor's lock file `.#page.md`) has nothing to
                    // read: leave it, as before links were followed.
                    let dangling = std::fs::symlink_metadata(&path)
                        .is_ok_and(|m| m.file_type().is_symlink())
                        && std::fs::metadata(&path).is_err()
                        && e.loop_ancestor().is_none();
                    if dangling {
                        continue;
                    }
                    let err = match e.into_io_error() {
                        Some(io) => FileError::Io(io),
                        None => FileError::Io(io::Error::other(
                            "a link here leads back to a folder it is in (a loop)",
                        )),
                    };
                    errors.push((path, err));
                }
            }
        }
        walk.files = files;
        refused.extend(errors);
        walk.refused = refused;
        walk.hidden = hidden;
        walk
    }
}

/// What kind of non-regular file this is, in words.
fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        return "a folder";
    }
    if t.is_symlink() {
        return "a link";
    }
    "not a regular file"
}

/// Opens a path that must be a regular file, without following a link at its end and without
/// blocking on a named pipe; checks the opened file itself.
fn open_regular(path: &Path) -> Result<std::fs::File, FileError> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            kind: kind_of(&meta.file_type()),
        });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            kind: kind_of(&meta.file_type()),
        });
    }
    if let Some(kind) = system_file_system(&file) {
        return Err(FileError::System { kind });
    }
    Ok(file)
}

/// The kernel file system an open file is on, when it is one whose files are not data
/// (`/proc`, `/sys` and friends report sizes that are not their length).
#[cfg(target_os = "linux")]
fn system_file_system(file: &std::fs::File) -> Option<&'static str> {
    use std::os::fd::AsRawFd;
    let mut stat = std::mem::MaybeUninit::<libc::statfs>::zeroed();
    // SAFETY: the descriptor is open for the duration of the call; `stat` is large enough.
    let rc = unsafe { libc::fstatfs(file.as_raw_fd(), stat.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: fstatfs succeeded, so it filled the struct.
    let kind = unsafe { stat.assume_init() }.f_type as i64;
    match kind {
        0x9fa0 => Some("/proc"),
        0x6265_6572 => Some("/sys"),
        0x6462_6720 => Some("debugfs"),
        0x7472_6163 => Some("tracefs"),
        0x1cd1 => Some("devpts"),
        0x6367_7270 | 0x0027_e0eb => Some("cgroup"),
        0x7363_6673 => Some("securityfs"),
        0xcafe_4a11 => Some("bpf"),
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
fn system_file_system(_file: &std::fs::File) -> Option<&'static str> {
    None
}

fn read_capped(file: std::fs::File, limit: Limit) -> Result<Vec<u8>, FileError> {
    let hint = file.metadata().map(|m| m.len()).unwrap_or(0).min(limit.0);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(limit.0 + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit.0 {
        return Err(FileError::TooLarge { limit: limit.0 });
    }
    Ok(bytes)
}

/// A folder of the user's, outside any site (XDG base directories): `$xdg_var` when it is
/// an absolute path, else `$HOME/under_home` (`XDG_CONFIG_HOME` or `~/.config`,
/// `XDG_CACHE_HOME` or `~/.cache`). `None` without either.
pub fn user_folder(xdg_var: &str, under_home: &str) -> Option<PathBuf> {
    std::env::var_os(xdg_var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(under_home))
                .filter(|p| p.is_absolute())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, SiteFiles) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site/static/sub")).unwrap();
        std::fs::write(dir.path().join("site/static/a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("site/static/sub/b.txt"), "b").unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret").unwrap();
        let files = SiteFiles::new(&dir.path().join("site"));
        (dir, files)
    }

    #[cfg(unix)]
    #[test]
    fn links_leaving_the_site_are_refused_and_inside_ones_followed() {
        use std::os::unix::fs::symlink;
        let (dir, files) = site();
        let s = dir.path().join("site/static");
        symlink(dir.path().join("outside.txt"), s.join("out.txt")).unwrap();
        symlink("/etc", s.join("etc")).unwrap();
        symlink(s.join("sub"), s.join("inside")).unwrap();
        symlink(s.join("a.txt"), s.join("alias.txt")).unwrap();
        symlink(&s, s.join("sub/loop")).unwrap();
        let walk = files.walk(&s, true);
        let names: Vec<String> = walk.files.iter().map(|p| display_path(&s, p)).collect();
        assert_eq!(names, ["a.txt", "alias.txt", "inside/b.txt", "sub/b.txt"]);
        let refused: Vec<String> = walk
            .refused
            .iter()
            .map(|(p, _)| display_path(&s, p))
            .collect();
        assert!(refused.contains(&"etc".to_string()), "{refused:?}");
        assert!(refused.contains(&"out.txt".to_string()), "{refused:?}");
        assert!(matches!(
            files.read(&s.join("out.txt"), Limit::TEXT),
            Err(FileError::OutsideSite { .. })
        ));
        assert_eq!(files.read(&s.join("alias.txt"), Limit::TEXT).unwrap(), b"a");
        assert!(matches!(
            files.read(&s.join("etc/passwd"), Limit::TEXT),
            Err(FileError::OutsideSite { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn proc_files_pipes_and_big_files_are_refused() {
        let (dir, files) = site();
        let s = dir.path().join("site/static");
        // Reading a /proc file directly (as if the site were there) is refused by its file
        // system; a link to it by leaving the site.
        let proc_site = SiteFiles::new(Path::new("/proc/self"));
        assert!(matches!(
            proc_site.read(Path::new("/proc/self/environ"), Limit::TEXT),
            Err(FileError::System { .. })
        ));
        let fifo = s.join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            files.read(&fifo, Limit::TEXT),
            Err(FileError::NotRegular {
                kind: "a named pipe"
            })
        ));
        let walk = files.walk(&s, true);
        assert!(walk.refused.iter().any(|(p, _)| p == &fifo));
        assert!(matches!(
            files.read(&s.join("a.txt"), Limit(0)),
            Err(FileError::TooLarge { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn caches_are_written_only_inside_the_site() {
        use std::os::unix::fs::symlink;
        let (dir, files) = site();
        let root = dir.path().join("site");
        assert!(files.writable(&root.join(".policypress/pdf-cache/x.pdf")));
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        symlink(dir.path().join("elsewhere"), root.join(".policypress")).unwrap();
        assert!(!files.writable(&root.join(".policypress/pdf-cache")));
        assert!(!files.writable(&root.join(".policypress/links.json")));
        std::fs::remove_file(root.join(".policypress")).unwrap();
        std::fs::create_dir_all(root.join(".policypress")).unwrap();
        symlink(
            dir.path().join("outside.txt"),
            root.join(".policypress/links.json"),
        )
        .unwrap();
        assert!(!files.writable(&root.join(".policypress/links.json")));
        assert!(files.writable(&root.join(".policypress/other.json")));
    }

    #[test]
    fn hidden_entries_are_skipped_and_counted() {
        let (dir, files) = site();
        let s = dir.path().join("site/static");
        std::fs::create_dir_all(s.join(".git/objects")).unwrap();
        std::fs::write(s.join(".git/objects/x"), "x").unwrap();
        std::fs::write(s.join(".env"), "SECRET=1").unwrap();
        std::fs::create_dir_all(s.join(".well-known")).unwrap();
        std::fs::write(s.join(".well-known/security.txt"), "Contact: x").unwrap();
        std::fs::write(s.join(".well-known/.htaccess"), "x").unwrap();
        let walk = files.walk(&s, true);
        let names: Vec<String> = walk.files.iter().map(|p| display_path(&s, p)).collect();
        assert_eq!(names, [".well-known/security.txt", "a.txt", "sub/b.txt"]);
        assert_eq!(walk.hidden.len(), 3);
    }
}
