//! The one interface of the exporters: what every output made from the prepared documents
//! besides the web pages (today the print PDFs) takes and gives. An exporter reads the units
//! the pipeline prepared and resolves links through the pipeline's resolver; it gives its
//! files, the downloads each page links, and its findings. A new output format is an
//! exporter (a type implementing [`Exporter`]) and one line in `pipeline::EXPORTERS`.

use std::collections::HashMap;

use crate::config::{School, SiteConfig};
use crate::content::{ContactLink, Document, ImageInfo};
use crate::dates::Date;
use crate::diagnostics::Diagnostic;
use crate::downloads::Download;
use crate::published::Source;
use crate::site::Site;
use crate::vars::Prepared;

/// What an exporter reads of the site besides the prepared units: the settings, the
/// documents' metadata (never their text: that is each unit's), the contacts, the images'
/// descriptions and published bytes, the date the review rules use, and the site's folder
/// (its theme's print templates and its cache). Exporters never see the loaded [`Site`] itself.
pub struct Model<'a> {
    /// The site's folder (the one holding `site.toml`), where an exporter finds the theme's
    /// print templates and its cache in `.policypress/`.
    pub root: &'a std::path::Path,
    /// The site's settings: `site.toml`, with its bands and schools.
    pub config: &'a SiteConfig,
    /// Every document of the site (policies, charters, guides, …) with its metadata; a
    /// [`Unit`]'s `doc` is an index into this.
    pub documents: &'a [Document],
    /// The useful contacts of `content/contacts.toml` (Childline, NSPCC, …), which printed
    /// pages can list.
    pub contacts: &'a [ContactLink],
    /// What `content/images.toml` says of the images (alt text, decorative, consent).
    pub images: &'a [ImageInfo],
    /// The files the site publishes from `static/`, as published (images stripped of their
    /// metadata): an export embeds exactly these bytes.
    pub static_files: &'a [(String, Source)],
    /// The CEOP contact (the site's, or the default one).
    pub ceop: ContactLink,
    /// The date the review rules check against (today, unless the build was given another).
    pub today: Date,
    /// Each school with the documents it publishes, by path.
    pub school_documents: Vec<(
        &'a School,
        std::collections::BTreeMap<&'a str, &'a Document>,
    )>,
}

impl<'a> Model<'a> {
    /// The exporters' view of `site`.
    pub fn of(site: &'a Site) -> Model<'a> {
        Model {
            root: &site.root,
            config: &site.config,
            documents: &site.content.documents,
            contacts: &site.content.contacts,
            images: &site.content.images,
            static_files: &site.static_files,
            ceop: site.content.ceop(),
            today: site.today,
            school_documents: crate::site::school_documents(site),
        }
    }
}

/// One page the pipeline prepared (variables filled in, a charter cut to its band), for the
/// exporters.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index into `site.config.schools`.
    pub school: usize,
    /// Index into `site.content.documents`.
    pub doc: usize,
    /// Index into `site.config.bands`, for a page per band.
    pub band: Option<usize>,
    /// The web page the output belongs to (URL path, with the base path).
    pub page_url: String,
    /// Shared with the page's unit.
    pub text: std::sync::Arc<Prepared>,
    /// A hash of every input of the unit an exporter may read (the site's settings,
    /// schools, contacts, templates, static files and documents' front matter; the unit's
    /// own document, text and place; where its links go): equal hashes make equal files.
    /// `None` when the pipeline does not know where the unit's links go (they were not
    /// resolved), and the exporter must make its key from what it makes.
    pub inputs: Option<String>,
}

/// The pipeline's link resolver for a school's pages (by index into `site.config.schools`):
/// `@/path.md#anchor` links in an export go where they go on the page.
pub type Links<'a> = dyn Fn(usize) -> Box<dyn crate::markdown::LinkResolver + 'a> + Sync + 'a;

/// Reports the progress of the files being made (the CLI shows a bar on a terminal).
pub trait Progress: Sync {
    /// `total` files are about to be made (ones taken from a cache are not counted).
    fn start(&self, _total: usize) {}
    /// One more is done.
    fn advance(&self) {}
    /// All the files are made (the CLI then clears its bar).
    fn finish(&self) {}
}

/// Reports nothing.
pub struct Quiet;
impl Progress for Quiet {}

/// Settings of an export.
pub struct Options<'a> {
    /// Reuse and (with [`Exported::save_cache`]) fill the exporter's cache in `.policypress/`.
    pub cache: bool,
    /// Where the export reports its progress ([`Quiet`] for nowhere).
    pub progress: &'a dyn Progress,
}

/// What an exporter keeps between runs (made files, by their inputs' hash), written only
/// when the build or check has no errors.
pub trait Cache: Send + Sync {
    /// Stores what this run made; with `prune`, removes what it did not use (leave it off
    /// for a build of one school). Failures only cost speed next time.
    fn save(&self, prune: bool);
}

/// What one exporter made of a site.
pub struct Exported {
    /// The format's name, as the CLI counts its files: "PDF".
    pub format: &'static str,
    /// Output path (inside the output folder) and contents of every file.
    pub files: Vec<(String, Source)>,
    /// For each web page (its URL path), the downloads to link: its own, then copies.
    pub links: HashMap<String, Vec<Download>>,
    /// The problems the exporter found, errors and warnings (a PDF that would not compile,
    /// a charter too long for its page).
    pub findings: Vec<Diagnostic>,
    /// How many files were made in this run.
    pub made: usize,
    /// How many files were taken from the cache instead of being made again.
    pub reused: usize,
    /// What to store in the exporter's cache once the run is known to have no errors (see
    /// [`Exported::save_cache`]); `None` when the export ran without a cache.
    pub cache: Option<Box<dyn Cache>>,
}

impl Exported {
    /// Whether any of the exporter's findings is an error (a run with errors stores nothing
    /// in the cache).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }

    /// Stores what this run made in the exporter's cache (see [`Cache::save`]).
    pub fn save_cache(&self, prune: bool) {
        if let Some(cache) = &self.cache {
            cache.save(prune);
        }
    }
}

/// An output format made from the prepared units.
pub trait Exporter: Sync {
    /// The format's name: "PDF".
    fn format(&self) -> &'static str;

    /// Makes the site's files of this format from the prepared units; writes nothing but
    /// what [`Exported::save_cache`] is later asked to.
    fn export(
        &self,
        site: &Model<'_>,
        units: Vec<Unit>,
        links: &Links<'_>,
        opts: &Options<'_>,
    ) -> Exported;
}
