//! The secret key the roster's hashes are made with.
//!
//! A roster file holds keyed hashes of pupils' name pairs. The key is never stored beside
//! them: without it the file is worthless (its hashes cannot be recomputed from lists of
//! common forenames and surnames). It comes from, in order:
//!
//! 1. the environment variable `POLICYPRESS_ROSTER_KEY` (64 hexadecimal characters, 32
//!    bytes: how CI gets it, from a secret);
//! 2. a key file: `--key-file` on `roster import`, the environment variable
//!    `POLICYPRESS_ROSTER_KEY_FILE`, `key_file` under `[rules.pupil-full-name]`, or else
//!    `$XDG_CONFIG_HOME/policypress/roster.key` (`~/.config/policypress/roster.key`).
//!
//! `roster import` creates the key file (mode 0600) when there is no key. A key file inside
//! the site is refused: it would be committed, or published, with the roster.

use std::path::{Path, PathBuf};

/// The environment variable holding the key itself.
pub const KEY_ENV: &str = "POLICYPRESS_ROSTER_KEY";
/// The environment variable naming the key file.
pub const KEY_FILE_ENV: &str = "POLICYPRESS_ROSTER_KEY_FILE";

/// Problems finding, reading or making the roster key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// `POLICYPRESS_ROSTER_KEY` is set, but not to a key written as 64 hex characters.
    #[error("{KEY_ENV} is set but is not 64 hexadecimal characters")]
    BadEnv,
    /// A key file was read but does not hold a key written as 64 hex characters.
    #[error("the roster key file {path} does not hold a key (64 hexadecimal characters)")]
    BadFile {
        /// The key file's path, as shown to the user.
        path: String,
    },
    /// The key file, or its folder, could not be read, written or made.
    #[error("could not read or write the roster key file {path}: {source}")]
    Io {
        /// The key file's path, as shown to the user.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The key file would be inside the site, so it could be committed or published.
    #[error(
        "the roster key file {path} is inside the site, where it would be committed or published with the roster"
    )]
    InsideSite {
        /// The refused key file's path, as shown to the user.
        path: String,
    },
    /// The operating system could not supply random bytes for a new key.
    #[error("the operating system gave no randomness to make a roster key")]
    NoRandomness,
    /// No key file was given and there is no home or config folder for the default one.
    #[error("there is no home folder to keep the roster key in")]
    NoPlace,
}

/// A 32-byte secret key.
#[derive(Clone, PartialEq, Eq)]
pub struct RosterKey([u8; 32]);

impl std::fmt::Debug for RosterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key itself.
        write!(f, "RosterKey({})", self.check())
    }
}

impl RosterKey {
    /// A key made of these 32 bytes as they are (tests use fixed keys this way).
    pub fn from_bytes(bytes: [u8; 32]) -> RosterKey {
        RosterKey(bytes)
    }

    /// A key written as 64 hexadecimal characters (surrounding white space ignored).
    pub fn from_hex(text: &str) -> Option<RosterKey> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(RosterKey(bytes))
    }

    /// The key written as 64 lower-case hexadecimal characters, as a key file holds it.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A fresh random key from the operating system (never a weaker fallback).
    pub fn generate() -> Result<RosterKey, KeyError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| KeyError::NoRandomness)?;
        Ok(RosterKey(bytes))
    }

    /// What the roster file stores to tell a wrong key from the right one: 8 bytes of a keyed
    /// hash of a fixed text (it says nothing about the key or the names).
    pub fn check(&self) -> String {
        let h = blake3::keyed_hash(&self.0, b"policypress roster key check");
        h.as_bytes()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The 128-bit SipHash-2-4 key the name pairs are hashed with, derived from the secret
    /// (a keyed BLAKE3 hash of a fixed text): SipHash is a keyed PRF fast enough to hash
    /// every word pair of every page; BLAKE3 is several times slower on such short inputs.
    pub fn sip_keys(&self) -> (u64, u64) {
        let h = blake3::keyed_hash(&self.0, b"policypress roster siphash key v2");
        let b = h.as_bytes();
        let mut k0 = [0u8; 8];
        let mut k1 = [0u8; 8];
        k0.copy_from_slice(&b[..8]);
        k1.copy_from_slice(&b[8..16]);
        (u64::from_le_bytes(k0), u64::from_le_bytes(k1))
    }
}

/// Where a key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The environment variable `POLICYPRESS_ROSTER_KEY`.
    Env,
    /// The key file at this path.
    File(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env => write!(f, "the environment variable {KEY_ENV}"),
            KeySource::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// The default key file: `$XDG_CONFIG_HOME/policypress/roster.key`, or
/// `~/.config/policypress/roster.key`.
pub fn default_key_file() -> Option<PathBuf> {
    let base = crate::source_files::user_folder("XDG_CONFIG_HOME", ".config")?;
    Some(base.join("policypress").join("roster.key"))
}

/// The key file to use: `explicit` (`--key-file`), else `POLICYPRESS_ROSTER_KEY_FILE`,
/// else `configured` (site.toml, relative to the site root), else the default.
pub fn key_file_path(
    site_root: &Path,
    configured: Option<&str>,
    explicit: Option<&Path>,
) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(KEY_FILE_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = configured.filter(|p| !p.trim().is_empty()) {
        let p = expand_home(p.trim());
        return Some(if p.is_absolute() {
            p
        } else {
            site_root.join(p)
        });
    }
    default_key_file()
}

fn expand_home(p: &str) -> PathBuf {
    match p.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| PathBuf::from(p)),
        None => PathBuf::from(p),
    }
}

/// `path` made absolute with symbolic links resolved as far as it exists.
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// Whether `path` is the site root or inside it.
pub fn inside_site(site_root: &Path, path: &Path) -> bool {
    resolved(path).starts_with(resolved(site_root))
}

/// Reads a key file, refusing one inside the site.
pub fn read_key_file(site_root: &Path, path: &Path) -> Result<RosterKey, KeyError> {
    let shown = path.display().to_string();
    if inside_site(site_root, path) {
        return Err(KeyError::InsideSite { path: shown });
    }
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: shown.clone(),
        source,
    })?;
    RosterKey::from_hex(&text).ok_or(KeyError::BadFile { path: shown })
}

/// The key for checking and building: `POLICYPRESS_ROSTER_KEY`, else the key file if there
/// is one. `Ok(None)`: there is no key anywhere (the error message then names `looked`).
pub fn find_key(
    site_root: &Path,
    configured: Option<&str>,
    explicit: Option<&Path>,
) -> Result<Option<(RosterKey, KeySource)>, KeyError> {
    if explicit.is_none()
        && let Some(v) = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty())
    {
        let key = v
            .to_str()
            .and_then(RosterKey::from_hex)
            .ok_or(KeyError::BadEnv)?;
        return Ok(Some((key, KeySource::Env)));
    }
    let Some(path) = key_file_path(site_root, configured, explicit) else {
        return Ok(None);
    };
    if !path.exists() {
        if inside_site(site_root, &path) {
            return Err(KeyError::InsideSite {
                path: path.display().to_string(),
            });
        }
        return Ok(None);
    }
    let key = read_key_file(site_root, &path)?;
    Ok(Some((key, KeySource::File(path))))
}

/// The key for `roster import`: the one [`find_key`] finds, or a new one written to the key
/// file (mode 0600, its folder made if needed). The flag says whether it was made now.
pub fn find_or_create_key(
    site_root: &Path,
    configured: Option<&str>,
    explicit: Option<&Path>,
) -> Result<(RosterKey, KeySource, bool), KeyError> {
    if let Some((key, source)) = find_key(site_root, configured, explicit)? {
        return Ok((key, source, false));
    }
    let path = key_file_path(site_root, configured, explicit).ok_or(KeyError::NoPlace)?;
    let key = create_key_file(site_root, &path)?;
    Ok((key, KeySource::File(path), true))
}

/// Writes a new random key to `path`, readable by its owner only. Never overwrites a file.
pub fn create_key_file(site_root: &Path, path: &Path) -> Result<RosterKey, KeyError> {
    let shown = path.display().to_string();
    if inside_site(site_root, path) {
        return Err(KeyError::InsideSite { path: shown });
    }
    let io = |source| KeyError::Io {
        path: shown.clone(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(parent).map_err(io)?;
    }
    let key = RosterKey::generate()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    use std::io::Write;
    file.write_all(format!("{}\n", key.to_hex()).as_bytes())
        .map_err(io)?;
    #[cfg(unix)]
    {
        // Whatever the umask: owner read and write only.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_bad_keys() {
        let k = RosterKey::from_bytes([7; 32]);
        assert_eq!(RosterKey::from_hex(&k.to_hex()), Some(k.clone()));
        assert_eq!(RosterKey::from_hex(&format!(" {}\n", k.to_hex())), Some(k));
        assert!(RosterKey::from_hex("abc").is_none());
        assert!(RosterKey::from_hex(&"g".repeat(64)).is_none());
        assert!(RosterKey::from_hex(&"é".repeat(32)).is_none());
    }

    #[test]
    fn the_check_and_the_hash_key_differ_with_the_key_and_hide_it() {
        let a = RosterKey::from_bytes([1; 32]);
        let b = RosterKey::from_bytes([2; 32]);
        assert_ne!(a.check(), b.check());
        assert_ne!(a.sip_keys(), b.sip_keys());
        assert!(!format!("{a:?}").contains(&a.to_hex()));
    }

    #[test]
    fn a_key_file_is_made_private_and_never_inside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let inside = site.join("keys/roster.key");
        assert!(matches!(
            create_key_file(&site, &inside),
            Err(KeyError::InsideSite { .. })
        ));
        assert!(!inside.exists());
        let outside = dir.path().join("config/policypress/roster.key");
        let key = create_key_file(&site, &outside).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&outside).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(read_key_file(&site, &outside).unwrap(), key);
        // Never overwritten.
        assert!(create_key_file(&site, &outside).is_err());
    }
}
