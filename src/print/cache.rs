//! The PDF cache in `.policypress/pdf-cache/`: PDFs reused when their inputs are unchanged
//! and their bytes match the hash recorded beside them; `Printed` holds a run's PDFs until
//! the build publishes them and fills the cache.

use super::*;

/// Trim Typst's memo cache after this many compilations, of results unused for
/// `EVICT_AGE` trims.
pub(super) const EVICT_EVERY: usize = 32;
pub(super) const EVICT_AGE: usize = 2;

/// Changes whenever the way PDFs are made changes, so old cache entries are not reused.
pub(super) const CACHE_VERSION: &str = "policypress-pdf-1";

/// The PDFs of a site, in memory, until they become an [`Exported`].
#[derive(Default)]
pub(super) struct Printed {
    /// Output path (inside the output folder) and contents of every PDF.
    pub(super) files: Vec<(String, crate::published::Source)>,
    /// For each web page (its URL path), the PDFs to link: its own first, then class copies.
    pub(super) links: HashMap<String, Vec<Download>>,
    /// Problems: PDF/UA refusals, overflowing charters, template mistakes.
    pub(super) findings: Vec<Diagnostic>,
    /// PDFs compiled in this run, and PDFs taken from the cache.
    pub(super) compiled: usize,
    pub(super) reused: usize,
    pub(super) cache_dir: Option<PathBuf>,
    /// Newly compiled PDFs to store: cache key, bytes, page count.
    pub(super) new_entries: Vec<(String, Vec<u8>, usize)>,
    /// Every cache key this run used.
    pub(super) used: HashSet<String>,
    /// The memo of this run: each job's inputs' hash, and its PDF's cache key.
    pub(super) memo: Vec<(String, String)>,
}

impl Printed {
    pub(super) fn into_exported(self) -> Exported {
        let cache = self.cache_dir.map(|dir| {
            Box::new(PdfCache {
                dir,
                new_entries: self.new_entries,
                used: self.used,
                memo: self.memo,
            }) as Box<dyn crate::export::Cache>
        });
        Exported {
            format: "PDF",
            files: self.files,
            links: self.links,
            findings: self.findings,
            made: self.compiled,
            reused: self.reused,
            cache,
        }
    }
}

/// What a run adds to and keeps of `.policypress/pdf-cache/`.
struct PdfCache {
    dir: PathBuf,
    /// Newly compiled PDFs to store: cache key, bytes, page count.
    new_entries: Vec<(String, Vec<u8>, usize)>,
    /// Every cache key this run used.
    used: HashSet<String>,
    /// Each job's inputs' hash and its PDF's cache key.
    memo: Vec<(String, String)>,
}

impl crate::export::Cache for PdfCache {
    /// Stores the PDFs compiled in this run in the cache. With `prune`, also removes entries
    /// this run did not use (leave it off for a build of one school). Failures only cost
    /// speed next time, so they are ignored.
    fn save(&self, prune: bool) {
        let dir = &self.dir;
        if self.new_entries.is_empty() && !prune {
            return;
        }
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // Only sealed records are ever taken: without this machine's seal nothing is stored.
        if let Some(seal) = crate::seal::Seal::of_machine() {
            for (key, bytes, pages) in &self.new_entries {
                // The PDF first, then its record (page count, content hash and the seal's
                // tag) naming it: an entry is only ever taken when its record is sealed and
                // matches the PDF's bytes.
                let ok = write_through_tmp(&dir.join(format!("{key}.pdf")), bytes)
                    && write_through_tmp(
                        &dir.join(format!("{key}.pages")),
                        record(seal, key, *pages, &blake3::hash(bytes).to_hex()).as_bytes(),
                    );
                if !ok {
                    let _ = std::fs::remove_file(dir.join(format!("{key}.pages")));
                }
            }
        }
        if let Some(seal) = crate::seal::Seal::of_machine() {
            // A build of one school keeps the other schools' entries. Written only when it
            // changed: an unchanged rebuild leaves the cache folder as it was.
            let old: std::collections::BTreeMap<String, String> =
                read_memo(dir).into_iter().collect();
            let mut memo = if prune {
                Default::default()
            } else {
                old.clone()
            };
            memo.extend(self.memo.iter().cloned());
            if memo != old {
                let body: String = memo.iter().map(|(i, k)| format!("{i} {k}\n")).collect();
                let tag = seal.tag(&[b"pdf-memo", body.as_bytes()]);
                write_through_tmp(
                    &dir.join(MEMO_FILE),
                    format!("{MEMO_HEADER} {tag}\n{body}").as_bytes(),
                );
            }
        }
        if prune && let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                let key = name.split('.').next().unwrap_or("");
                let ours = name.ends_with(".pdf") || name.ends_with(".pages");
                if ours && !key.is_empty() && !self.used.contains(key) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// Writes a cache file through a temporary file and a rename (never following a symbolic
/// link planted under its name).
pub(super) fn write_through_tmp(path: &Path, bytes: &[u8]) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let ok = std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_ok();
    if !ok {
        let _ = std::fs::remove_file(&tmp);
    }
    ok
}

/// The memo in the cache folder: for each PDF made, the hash of its unit's inputs and its
/// cache key, so that a job whose inputs are unchanged is taken from the cache without
/// being written as Typst markup (which its cache key is made from).
const MEMO_FILE: &str = "inputs.memo";
const MEMO_HEADER: &str = "policypress-pdf-memo 1";

/// The memo (inputs' hash → cache key), when this machine sealed it; empty otherwise.
pub(super) fn read_memo(dir: &Path) -> HashMap<String, String> {
    let read = || -> Option<HashMap<String, String>> {
        let seal = crate::seal::Seal::of_machine()?;
        let path = dir.join(MEMO_FILE);
        if !std::fs::symlink_metadata(&path).ok()?.is_file() {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let (first, body) = text.split_once('\n')?;
        let tag = first.strip_prefix(MEMO_HEADER)?.strip_prefix(' ')?;
        if !seal.verifies(&[b"pdf-memo", body.as_bytes()], tag) {
            return None;
        }
        Some(
            body.lines()
                .filter_map(|l| l.split_once(' '))
                .map(|(i, k)| (i.to_string(), k.to_string()))
                .collect(),
        )
    };
    read().unwrap_or_default()
}

/// A cache entry's record: the PDF's page count and BLAKE3 hash, and the seal's tag over
/// them and the entry's key.
fn record(seal: &crate::seal::Seal, key: &str, pages: usize, hash: &str) -> String {
    let pages = pages.to_string();
    let tag = seal.tag(&[
        b"pdf-cache",
        key.as_bytes(),
        pages.as_bytes(),
        hash.as_bytes(),
    ]);
    format!("{pages} {hash} {tag}")
}

/// The cache entry for `key`: the PDF (as a file to copy, never read into memory), its size
/// and page count, when its record (`<key>.pages`: page count, the PDF's BLAKE3 hash and
/// this machine's seal on them) is sealed and matches the bytes of `<key>.pdf`. A PDF
/// replaced or edited after it was stored, a record this machine did not write (one
/// planted in the site's folder, or of an older format), a symbolic link or anything
/// unreadable is not taken: the PDF is compiled again.
pub(super) fn read_cache(
    dir: &Path,
    key: &str,
    site_files: &crate::source_files::SiteFiles,
) -> Option<(crate::published::Source, u64, usize)> {
    let seal = crate::seal::Seal::of_machine()?;
    let pdf = dir.join(format!("{key}.pdf"));
    let record = dir.join(format!("{key}.pages"));
    // Only regular files inside the site, never a link planted to another file.
    let plain = |p: &Path| {
        std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()) && site_files.check(p).is_ok()
    };
    if !plain(&pdf) || !plain(&record) {
        return None;
    }
    let record = std::fs::read_to_string(record).ok()?;
    let mut parts = record.trim().splitn(3, ' ');
    let (pages, hash, tag) = (parts.next()?, parts.next()?, parts.next()?);
    if !seal.verifies(
        &[
            b"pdf-cache",
            key.as_bytes(),
            pages.as_bytes(),
            hash.as_bytes(),
        ],
        tag,
    ) {
        return None;
    }
    let pages: usize = pages.parse().ok()?;
    let (actual, len) = crate::published::hash_reader(std::fs::File::open(&pdf).ok()?).ok()?;
    (actual == hash).then(|| {
        let source = crate::published::Source::Verified {
            path: pdf,
            len,
            hash: actual,
        };
        (source, len, pages)
    })
}

/// Where `.policypress/pdf-cache/` is for the site at `root`.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".policypress").join("pdf-cache")
}
