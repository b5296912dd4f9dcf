//! This machine's seal on the records of PolicyPress's caches (the PDF cache, the pages'
//! cache), so a record is only ever taken when this machine wrote it.
//!
//! The caches live in the site's `.policypress/` folder, and anything in the site's folder
//! can come from a pull request (a file added with `git add -f` is checked out like any
//! other). A record that says "this PDF, with this content hash, is what these inputs make"
//! could be planted beside a PDF with a pupil's name in it, its hash correct. So every
//! record carries a keyed BLAKE3 tag made with a secret that is never in the site: the key
//! file `$XDG_CACHE_HOME/policypress/cache-seal.key` (`~/.cache/policypress/…`), made with
//! random bytes from the operating system, readable by its owner only, on first use. A
//! record without a tag this key makes is not taken: the PDF is compiled, the page made
//! again. Losing the key costs one slow build, nothing else.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A 256-bit secret that tags cache records.
pub struct Seal([u8; 32]);

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seal(…)")
    }
}

/// The length of a tag, in hexadecimal characters (128 bits).
const TAG_HEX: usize = 32;

impl Seal {
    /// A seal with the given key (tests).
    pub fn from_bytes(bytes: [u8; 32]) -> Seal {
        Seal(bytes)
    }

    /// This machine's seal, read (or made) once per process; `None` when there is no home
    /// or cache folder, or the key file can't be read or made there: caches are then not
    /// used (every PDF compiled, every page made), which is slow but never wrong.
    pub fn of_machine() -> Option<&'static Seal> {
        static SEAL: OnceLock<Option<Seal>> = OnceLock::new();
        SEAL.get_or_init(|| key_file().and_then(|path| read_or_make(&path)))
            .as_ref()
    }

    /// The tag of a record made of `parts` (each length-prefixed, so no two lists of parts
    /// tag alike), in hexadecimal.
    pub fn tag(&self, parts: &[&[u8]]) -> String {
        let mut h = blake3::Hasher::new_keyed(&self.0);
        for p in parts {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p);
        }
        h.finalize().to_hex()[..TAG_HEX].to_string()
    }

    /// Whether `tag` is the tag of `parts` (compared in constant time).
    pub fn verifies(&self, parts: &[&[u8]], tag: &str) -> bool {
        let want = self.tag(parts);
        want.len() == tag.len()
            && want
                .bytes()
                .zip(tag.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// The seal's key file: `$XDG_CACHE_HOME/policypress/cache-seal.key`, or
/// `~/.cache/policypress/cache-seal.key`.
pub fn key_file() -> Option<PathBuf> {
    let base = crate::source_files::user_folder("XDG_CACHE_HOME", ".cache")?;
    Some(base.join("policypress").join("cache-seal.key"))
}

/// Reads the key file, or makes it (through a temporary file and a hard link, so two
/// processes starting at once end with the same key).
fn read_or_make(path: &Path) -> Option<Seal> {
    if let Some(seal) = read_key(path) {
        return Some(seal);
    }
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!(".cache-seal.key.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, hex.as_bytes()));
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Some(Seal(bytes)),
        // Another process made it first: use theirs.
        Err(_) => read_key(path),
    }
}

/// The key in a key file: a plain file (never through a symbolic link) of 64 hexadecimal
/// characters.
fn read_key(path: &Path) -> Option<Seal> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 256 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let text = text.trim();
    if text.len() != 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(Seal(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_depends_on_the_key_and_every_part() {
        let a = Seal::from_bytes([1; 32]);
        let b = Seal::from_bytes([2; 32]);
        let t = a.tag(&[b"pdf", b"key", b"1 abc"]);
        assert_eq!(t.len(), TAG_HEX);
        assert!(a.verifies(&[b"pdf", b"key", b"1 abc"], &t));
        assert!(!b.verifies(&[b"pdf", b"key", b"1 abc"], &t));
        assert!(!a.verifies(&[b"pdf", b"key", b"2 abc"], &t));
        // Length prefixes: moving a byte from one part to the next changes the tag.
        assert!(!a.verifies(&[b"pd", b"fkey", b"1 abc"], &t));
        assert!(!a.verifies(&[b"pdf", b"key", b"1 abc"], &t[1..]));
    }

    #[test]
    fn the_key_file_is_made_once_private_and_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policypress/cache-seal.key");
        let first = read_or_make(&path).unwrap();
        let again = read_or_make(&path).unwrap();
        assert_eq!(first.0, again.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }
        // A planted link is not read as the key.
        let link = dir.path().join("link.key");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&path, &link).unwrap();
        #[cfg(unix)]
        assert!(read_key(&link).is_none());
        std::fs::write(&path, "not a key").unwrap();
        assert!(read_key(&path).is_none());
    }
}
