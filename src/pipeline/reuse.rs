//! Pages carried over from the last build: a unit whose inputs hash as they did when the
//! last build made its page, without a single finding, is neither rendered nor checked
//! again, and its page is the file that build wrote (its bytes checked against the hash
//! recorded).
//!
//! A unit's inputs are the site's (every setting, school, contact, image entry, template,
//! static file and the roster, the documents' front matter and paths: `site_key`), its own
//! (its document's file, its text with variables filled in and cut to its band, its school,
//! address and band: `input_key`), where its links went (the addresses and heading ids of
//! the documents it links to: `links_key`) and the downloads it shows (`downloads_key`).
//! A unit with any finding is always made again (its findings are reported by every build,
//! and no finding, so no pupil's name, is ever stored). The records are sealed by this
//! machine's [`crate::seal`]: a file of records planted in the site is not taken.

use super::*;
use serde::{Deserialize, Serialize};

/// What the last build recorded of a page it made without any finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// The hash of the unit's inputs, but its links and downloads.
    key: String,
    /// The documents (by path) its links went to.
    links: Vec<String>,
    /// Where they were: the hash of their addresses and heading ids.
    links_key: String,
    /// The hash of the downloads the page showed.
    downloads_key: String,
    /// The unit's search excerpt and entries.
    excerpt: String,
    search: String,
    /// The page as written: its path in the output folder, its length and BLAKE3 hash.
    page: (String, u64, String),
}

/// The records of the last build, by page address.
#[derive(Debug, Default)]
pub struct Reuse {
    records: HashMap<String, Record>,
    /// What the run adds to the site's key (the program and its options).
    run_key: Vec<u8>,
}

/// The first line of a file of records: its format, then the seal's tag over the rest.
const HEADER: &str = "policypress-pages 1";

impl Reuse {
    /// No records: every unit is made (the first build, or a build that must not reuse).
    /// `run_key` names the program and the options of the run; the records made are
    /// stamped with it.
    pub fn none(run_key: Vec<u8>) -> Reuse {
        Reuse {
            run_key,
            ..Reuse::default()
        }
    }

    /// The records in `bytes` (a file [`Reuse::to_bytes`] wrote), when sealed by `seal`;
    /// none otherwise.
    pub fn from_bytes(bytes: &[u8], seal: &crate::seal::Seal, run_key: Vec<u8>) -> Reuse {
        let parse = || -> Option<HashMap<String, Record>> {
            let text = std::str::from_utf8(bytes).ok()?;
            let (first, body) = text.split_once('\n')?;
            let tag = first.strip_prefix(HEADER)?.strip_prefix(' ')?;
            if !seal.verifies(&[b"pages", &run_key, body.as_bytes()], tag) {
                return None;
            }
            serde_json::from_str(body).ok()
        };
        Reuse {
            records: parse().unwrap_or_default(),
            run_key,
        }
    }

    /// The records as a file, sealed by `seal`.
    pub fn to_bytes(&self, seal: &crate::seal::Seal) -> Vec<u8> {
        // In address order, so the same records make the same file.
        let sorted: std::collections::BTreeMap<&String, &Record> = self.records.iter().collect();
        let body = serde_json::to_string(&sorted).unwrap_or_default();
        let tag = seal.tag(&[b"pages", &self.run_key, body.as_bytes()]);
        format!("{HEADER} {tag}\n{body}").into_bytes()
    }

    /// Whether no page is recorded.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Keeps only the records whose page `keep` accepts (given its output path, length
    /// and hash): the caller checks the file is still what the last build wrote, and holds
    /// the folder (no other build can replace it before this one writes).
    pub fn retain_pages(&mut self, keep: impl Fn(&str, u64, &str) -> bool + Sync) {
        let drop: Vec<String> = self
            .records
            .par_iter()
            .filter(|(_, r)| {
                let (path, len, hash) = &r.page;
                !keep(path, *len, hash)
            })
            .map(|(url, _)| url.clone())
            .collect();
        for url in drop {
            self.records.remove(&url);
        }
    }

    /// The run's key: what the records of this run are stamped with.
    pub fn run_key(&self) -> &[u8] {
        &self.run_key
    }
}

/// A hasher whose parts are length-prefixed, so no two lists of parts hash alike.
struct Key(blake3::Hasher);

impl Key {
    fn new(what: &str) -> Key {
        let mut k = Key(blake3::Hasher::new());
        k.part(what.as_bytes());
        k
    }

    fn part(&mut self, bytes: &[u8]) -> &mut Key {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    fn hex(&self) -> String {
        self.0.finalize().to_hex()[..32].to_string()
    }
}

/// The hash of everything of the site a unit's page and checks may depend on, beyond its
/// own document, its links and its downloads.
pub(super) fn site_key(site: &Site, run_key: &[u8]) -> String {
    let mut k = Key::new("policypress site");
    k.part(env!("CARGO_PKG_VERSION").as_bytes()).part(run_key);
    k.part(site.site_source.text.as_bytes());
    // Every list in a steady order: files are read in parallel.
    let mut schools: Vec<&(String, crate::diagnostics::SourceText)> =
        site.school_sources.iter().collect();
    schools.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, source) in schools {
        k.part(name.as_bytes()).part(source.text.as_bytes());
    }
    for source in [&site.contacts_source, &site.content.images_source]
        .into_iter()
        .flatten()
    {
        k.part(source.name.as_bytes()).part(source.text.as_bytes());
    }
    let mut templates: Vec<&crate::diagnostics::SourceText> =
        site.template_sources.iter().collect();
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    for t in templates {
        k.part(t.name.as_bytes()).part(t.text.as_bytes());
    }
    match &site.roster {
        Some(r) => k.part(&r.fingerprint()),
        None => k.part(b"no roster"),
    };
    let mut statics: Vec<&(String, crate::published::Source)> = site.static_files.iter().collect();
    statics.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, source) in statics {
        k.part(path.as_bytes());
        match source {
            crate::published::Source::Bytes(b) => k.part(blake3::hash(b).as_bytes()),
            crate::published::Source::Verified { hash, .. } => k.part(hash.as_bytes()),
        };
    }
    let mut refused: Vec<&String> = site.refused_static.iter().collect();
    refused.sort();
    for path in refused {
        k.part(path.as_bytes());
    }
    k.part(format!("{:?}", site.today).as_bytes());
    // What the run made of the settings: the schools published (`--school`), their
    // addresses.
    for s in &site.config.schools {
        k.part(s.slug.as_bytes())
            .part(site.config.school_base(s).as_bytes());
    }
    k.part(site.config.base_path.as_bytes());
    // Every document's place and front matter (lists, navigation and links show them).
    let mut documents: Vec<&crate::content::Document> = site.content.documents.iter().collect();
    documents.sort_by(|a, b| {
        (&a.school, &a.rel, &a.source.name).cmp(&(&b.school, &b.rel, &b.source.name))
    });
    for d in documents {
        k.part(d.school.as_deref().unwrap_or("").as_bytes())
            .part(d.rel.as_bytes())
            .part(d.source.name.as_bytes())
            .part(
                d.source
                    .text
                    .get(..d.body_start)
                    .unwrap_or(&d.source.text)
                    .as_bytes(),
            );
    }
    k.hex()
}

/// The hash of a unit's own inputs: its document's file, its text as prepared, its school,
/// address and band.
pub(super) fn input_key(site: &Site, site_key: &str, u: &UnitState) -> String {
    let doc = &site.content.documents[u.spec.doc];
    let mut k = Key::new("policypress unit");
    k.part(site_key.as_bytes())
        .part(site.config.schools[u.spec.school].slug.as_bytes())
        .part(u.spec.url.as_bytes())
        .part(
            u.spec
                .band
                .map(|b| site.config.bands[b].slug.as_str())
                .unwrap_or("")
                .as_bytes(),
        )
        .part(doc.source.name.as_bytes())
        .part(doc.source.text.as_bytes())
        .part(u.prepared.text.as_bytes());
    k.hex()
}

/// The hash of every input of a unit its exports may read, once its links are resolved
/// (`u.links_to`): the site's, the unit's own, and where its links go. What the print PDFs
/// read of the site (`export::Model`: settings, schools, contacts, documents' front matter,
/// the date; the print templates and the images of `static/`) is all in `site_key`.
pub(super) fn export_key(u: &UnitState, targets: &HashMap<(usize, String), Target>) -> String {
    let mut k = Key::new("policypress export");
    k.part(u.input_key.as_bytes())
        .part(links_key(u.spec.school, &u.links_to, targets).as_bytes());
    k.hex()
}

/// The hash of where the documents at `links` are for the unit's school: their addresses
/// and heading ids (or that there is no such page).
pub(super) fn links_key(
    school: usize,
    links: &[String],
    targets: &HashMap<(usize, String), Target>,
) -> String {
    let mut k = Key::new("policypress links");
    for path in links {
        k.part(path.as_bytes());
        match targets.get(&(school, path.clone())) {
            Some(t) => {
                k.part(t.url.as_bytes());
                let mut ids: Vec<&String> = t.ids.iter().collect();
                ids.sort();
                for id in ids {
                    k.part(id.as_bytes());
                }
                k.part(b"end");
            }
            None => {
                k.part(b"no page");
            }
        }
    }
    k.hex()
}

/// The hash of the downloads a page shows.
pub(super) fn downloads_key(downloads: Option<&Vec<Download>>) -> String {
    let mut k = Key::new("policypress downloads");
    k.part(
        serde_json::to_string(&downloads)
            .unwrap_or_default()
            .as_bytes(),
    );
    k.hex()
}

/// What a unit takes from its record, when its inputs and links are as recorded.
pub(super) fn take(
    reuse: &Reuse,
    u: &mut UnitState,
    targets: &HashMap<(usize, String), Target>,
) -> bool {
    let Some(r) = reuse.records.get(&u.spec.url) else {
        return false;
    };
    if r.key != u.input_key
        || !u.prepare_findings.is_empty()
        || links_key(u.spec.school, &r.links, targets) != r.links_key
    {
        return false;
    }
    u.links_to = r.links.clone();
    u.excerpt = r.excerpt.clone();
    u.search = r.search.clone();
    u.reused = Some(Reused {
        downloads_key: r.downloads_key.clone(),
        page: r.page.clone(),
        carried: false,
    });
    true
}

/// A unit taken from its record.
#[derive(Debug, Clone)]
pub struct Reused {
    downloads_key: String,
    /// The page's output path, length and hash.
    pub page: (String, u64, String),
    /// Whether the page itself is carried over (its downloads were as recorded too).
    pub carried: bool,
}

impl Reused {
    /// Whether the page shows the downloads it showed when it was recorded.
    pub(super) fn same_downloads(&self, downloads: Option<&Vec<Download>>) -> bool {
        downloads_key(downloads) == self.downloads_key
    }
}

/// The record of a unit made (or carried over) without any finding, to reuse next time.
pub(super) fn record(
    site: &Site,
    u: &UnitState,
    targets: &HashMap<(usize, String), Target>,
    output_path: &str,
) -> Option<Record> {
    let clean =
        u.prepare_findings.is_empty() && u.findings.is_empty() && u.page_findings.is_empty();
    if !clean {
        return None;
    }
    let page = match (&u.page, &u.reused) {
        (_, Some(r)) if r.carried => r.page.clone(),
        (Some(bytes), _) => (
            output_path.to_string(),
            bytes.len() as u64,
            blake3::hash(bytes).to_hex().to_string(),
        ),
        _ => return None,
    };
    Some(Record {
        key: u.input_key.clone(),
        links: u.links_to.clone(),
        links_key: links_key(u.spec.school, &u.links_to, targets),
        downloads_key: downloads_key(site.downloads.get(&u.spec.url)),
        excerpt: u.excerpt.clone(),
        search: u.search.clone(),
        page,
    })
}

impl Build {
    /// The records of this build's pages made without a finding, for the next build to
    /// reuse.
    pub fn records(&self) -> Reuse {
        let records = self
            .units
            .par_iter()
            .filter_map(|u| {
                let path = self.output_path(&u.spec.url);
                let r = record(&self.site, u, &self.targets, &path)?;
                Some((u.spec.url.clone(), r))
            })
            .collect();
        Reuse {
            records,
            run_key: self.run_key.clone(),
        }
    }
}
