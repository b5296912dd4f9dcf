//! What a run publishes, before anything is written: where each file's bytes come from
//! ([`Source`]) and the path of a page inside the output folder. `output` writes it; every
//! stage before may make it.

use std::path::PathBuf;

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Made in memory (a page, a stripped photo, a PDF).
    Bytes(Vec<u8>),
    /// Copied from a file whose bytes were checked already (a PDF from the cache, its
    /// content hash verified): never held in memory, and written only while the file still
    /// has `len` bytes that hash to `hash` (BLAKE3, hex).
    Verified {
        /// The file to copy.
        path: PathBuf,
        /// Its length in bytes when it was checked.
        len: u64,
        /// Its BLAKE3 hash when it was checked, in lower-case hex.
        hash: String,
    },
}

impl Source {
    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Source::Bytes(b) => b.len() as u64,
            Source::Verified { len, .. } => *len,
        }
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The BLAKE3 hash (hex) and length of what `reader` gives, read through a small buffer
/// (never the whole file in memory).
pub fn hash_reader(mut reader: impl std::io::Read) -> std::io::Result<(String, u64)> {
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hasher.finalize().to_hex().to_string(), len))
}

/// The output path (inside the output directory) of a page's web path.
pub fn page_path(base_path: &str, url: &str) -> String {
    let rel = url
        .strip_prefix(base_path)
        .unwrap_or(url)
        .trim_start_matches('/');
    format!("{rel}index.html")
}

/// An output path with `.` segments and empty segments dropped, or `None` when it would
/// leave the output folder (a `..` segment) or is empty.
pub fn normal_path(rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}
