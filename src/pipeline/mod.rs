//! Rendering a loaded site, page by page, keeping what each page was made from so that a
//! change (in `serve`) re-renders only the pages it affects.
//!
//! A *unit* is one page made from a document for one school (and, for a charter, one band).
//! Each unit goes through: fill variables and cut to its band (`prepare_unit`), read its headings
//! (`outline`), then — once every unit's headings are known, so links can be checked —
//! Markdown to HTML with the publishing checks (`markdown`), and the template (`page`).
//! Pure: no file I/O. Only `Build::new` and the `update_*` methods change state.

mod clashes;
mod context;
mod findings;
mod generated;
mod generated_files;
mod incremental;
mod page;
mod resolver;
mod reuse;

use context::*;
use findings::*;
pub use findings::{allows, finish_findings, redact};
use generated::*;
use generated_files::*;
pub use page::Pages;
use page::*;
use resolver::*;
pub use reuse::{Reuse, Reused};

use crate::ruleset::RuleId;
use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::config::{School, SiteConfig};
use crate::content::{Document, Kind, sorted};
use crate::diagnostics::{Diagnostic, normalise};
use crate::downloads::Download;
use crate::export::{Exported, Exporter};
use crate::markdown::{self, Heading, LinkResolver, RenderOptions};
use crate::render::*;
use crate::rules::Checker;
use crate::site::{self, Rendered, Site};
use crate::vars::{Prepared, Variables};
use crate::{charter, feeds};

/// Which page a unit is.
#[derive(Debug, Clone)]
pub struct UnitSpec {
    /// Index into `site.config.schools`.
    pub school: usize,
    /// Index into `site.content.documents`.
    pub doc: usize,
    /// Index into `site.config.bands`, for a charter's band page.
    pub band: Option<usize>,
    /// The page's web path: the school's base, the document's slug and, for a band page,
    /// the band's slug.
    pub url: String,
}

/// A unit with everything it was made from and made into.
#[derive(Debug)]
pub struct UnitState {
    /// Which page this is: its school, document, band and web path.
    pub spec: UnitSpec,
    /// Shared with the exporters (not copied): a unit's text is read, never changed, once
    /// prepared.
    pub prepared: std::sync::Arc<Prepared>,
    /// The headings of the prepared text, for the page's contents, the A to Z and search.
    pub headings: Vec<Heading>,
    /// The ids a link may point to with `#…` on this page: its headings' and footnotes'.
    pub ids: HashSet<String>,
    /// The documents (by path) this page links to, within its school.
    pub links_to: Vec<String>,
    /// The Markdown rendered to HTML, before it goes through the page's template.
    pub md_html: String,
    /// Up to 600 characters of the page's text, shown with it in the search index.
    pub excerpt: String,
    /// This unit's entries in its school's search index: JSON objects joined by commas.
    pub search: String,
    /// A hash of what lists show of the document beyond its headings: its front matter.
    pub meta_key: u64,
    /// Each link to another website, with the finding to report if `--external` finds it
    /// broken.
    pub external: Vec<(String, Diagnostic)>,
    /// Findings of filling in variables and cutting the charter to its band.
    pub prepare_findings: Vec<Diagnostic>,
    /// Findings of rendering the Markdown and checking it.
    pub findings: Vec<Diagnostic>,
    /// The finished page, and findings about it (template errors, checks on the HTML).
    pub page: Option<Vec<u8>>,
    /// Findings of putting the page through its template and checking the HTML.
    pub page_findings: Vec<Diagnostic>,
    /// The hash of the unit's own inputs and the site's ([`reuse::input_key`]), as
    /// `Build::make` prepared it (what its record is kept by; serve's updates do not use
    /// records, and leave it as it was).
    pub input_key: String,
    /// Taken from the last build's record (its inputs hash as they did then): neither
    /// rendered nor checked again.
    pub reused: Option<Reused>,
}

/// Where a document is for a school, and the ids its headings have there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The document's web path for the school, which links to it resolve to.
    pub url: String,
    /// The ids a link's `#…` may name on it (pooled from all its band pages for a charter).
    pub ids: HashSet<String>,
}

/// A generated page (landing, section, band page, status, A to Z, 404).
#[derive(Debug)]
pub struct Generated {
    /// Its web path.
    pub url: String,
    /// The template that makes it (`status.html`, …).
    pub template: &'static str,
    /// The minified page (`None` in check mode, or when its template failed).
    pub page: Option<Vec<u8>>,
    /// Findings of its template, or of the checks on its HTML, placed in the template.
    pub findings: Vec<Diagnostic>,
}

/// What changed since the output was last taken with [`Build::take_changes`].
#[derive(Debug, Default)]
struct Pending {
    all: bool,
    units: HashSet<usize>,
    generated: HashSet<String>,
    extra: HashSet<String>,
}

/// Which generated pages and files to make again after documents changed.
#[derive(Debug, Default)]
struct Regen {
    /// Schools (indexes) whose lists show a changed document.
    schools: HashSet<usize>,
    /// A document's front matter changed: every list of those schools, and the feed.
    lists: bool,
    /// A document's headings changed: the A to Z and band pages.
    outline: bool,
    /// A document's search entries changed.
    search: bool,
}

/// A rendered site with the state to update it.
pub struct Build {
    /// The loaded site the pages are rendered from.
    pub site: Site,
    /// Every page made from a document, one per school (and band), in planning order.
    pub units: Vec<UnitState>,
    /// (school index, document path) → where it is.
    pub targets: HashMap<(usize, String), Target>,
    /// Findings about the site as a whole (schools, images, static files), beyond those of
    /// loading it (`site.findings`).
    pub global_findings: Vec<Diagnostic>,
    /// Findings about each document's front matter, by document index.
    pub doc_findings: Vec<Vec<Diagnostic>>,
    /// Generated pages, in the order they are made.
    pub generated: Vec<Generated>,
    /// Other files: search indexes, sitemap, robots.txt, feed (output path → bytes).
    pub extra: Vec<(String, Vec<u8>)>,
    site_ctx: SiteCtx,
    schools: Vec<SchoolCtx>,
    pending: Pending,
    /// The run's key, that records of its pages are stamped with.
    run_key: Vec<u8>,
}

fn plan(site: &Site) -> Vec<UnitSpec> {
    let config = &site.config;
    let mut units = Vec::new();
    for (s, docs) in site::school_docs(site).into_iter().enumerate() {
        let school = &config.schools[s];
        let base = config.school_base(school);
        for (_, d) in docs {
            let doc = &site.content.documents[d];
            let url = format!("{base}{}", doc.slug_path());
            if doc.kind().def().per_band {
                for (b, band) in config.bands.iter().enumerate() {
                    let served = school.bands.contains(&band.slug);
                    let allowed = doc
                        .bands()
                        .as_ref()
                        .is_none_or(|list| list.contains(&band.slug));
                    if served && allowed {
                        units.push(UnitSpec {
                            school: s,
                            doc: d,
                            band: Some(b),
                            url: format!("{url}{}/", band.slug),
                        });
                    }
                }
            } else {
                units.push(UnitSpec {
                    school: s,
                    doc: d,
                    band: None,
                    url,
                });
            }
        }
    }
    units
}

/// Fills in the school's variables and cuts a charter to its band.
fn prepare_unit(site: &Site, vars: &Variables, spec: &UnitSpec) -> (Prepared, Vec<Diagnostic>) {
    let doc = &site.content.documents[spec.doc];
    let mut d = Vec::new();
    let filled = vars.substitute(doc, &site.content.contacts, &mut d);
    let text = match spec.band {
        None => filled,
        Some(band) => {
            charter::check(doc, &filled, &site.config.bands, &mut d);
            let band = &site.config.bands[band];
            let cut = charter::for_band(&filled, &band.slug);
            if charter::statement_count(&cut.text) == 0 {
                d.push(
                    Diagnostic::error(
                        "charter-empty-band",
                        &doc.source.name,
                        format!(
                            "this charter has no statements for {} (`{}`): its page and PDF would ask pupils to agree to nothing",
                            band.name, band.slug
                        ),
                    )
                    .with_hint(format!(
                        "add statements for this band (untagged, or tagged [{}]), or leave `{}` out of the charter's `bands`",
                        band.slug, band.slug
                    )),
                );
            }
            cut
        }
    };
    (text, d)
}

/// Whether a unit is printed: its kind is, and, for a kind printed per band, it is a band's.
fn is_printed(doc: &Document, spec: &UnitSpec) -> bool {
    let def = doc.kind().def();
    def.print.is_some() && (!def.per_band || spec.band.is_some())
}

fn new_unit(site: &Site, vars: &Variables, spec: UnitSpec) -> UnitState {
    let (mut prepared, mut prepare_findings) = prepare_unit(site, vars, &spec);
    let doc = &site.content.documents[spec.doc];
    let markdown::Outlined { headings, ids, .. } =
        within_nesting_limit(doc, &mut prepared, &mut prepare_findings);
    let printed = is_printed(doc, &spec);
    if printed && prepared.text.len() > crate::limits::MAX_PDF_SOURCE_BYTES {
        prepare_findings.push(crate::limits::pdf_too_large(
            &doc.source.name,
            prepared.text.len(),
        ));
    }
    UnitState {
        spec,
        prepared: std::sync::Arc::new(prepared),
        headings,
        ids,
        links_to: Vec::new(),
        md_html: String::new(),
        excerpt: String::new(),
        search: String::new(),
        meta_key: meta_key(doc),
        external: Vec::new(),
        prepare_findings,
        findings: Vec::new(),
        page: None,
        page_findings: Vec::new(),
        input_key: String::new(),
        reused: None,
    }
}

/// The outline of a unit's text; when the text nests deeper than the limit, the error at
/// the line where it does, and the text cut before that line, so the deep part is never
/// rendered (nor minified, nor printed: `print` cuts the same way).
fn within_nesting_limit(
    doc: &Document,
    prepared: &mut Prepared,
    findings: &mut Vec<Diagnostic>,
) -> markdown::Outlined {
    let numbered = doc.kind().def().numbered;
    let mut outlined = markdown::headings(&prepared.text, numbered);
    if let Some(at) = outlined.too_deep {
        let f = markdown::too_deep_finding(at);
        let mut d = prepared.locate(doc, f.diagnostic, f.offset, &f.needle);
        d.file = doc.source.name.clone();
        findings.push(d);
        prepared.text = markdown::within_nesting_limit(&prepared.text).to_string();
        outlined = markdown::headings(&prepared.text, numbered);
    }
    outlined
}

/// A hash of a document's front matter: what lists, status pages and the feed show of it.
fn meta_key(doc: &Document) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{:?}{:?}{:?}", doc.meta, doc.policy(), doc.bands()).hash(&mut h);
    h.finish()
}

/// Headings as lists show them (without their place in the source).
fn outline_of(headings: &[Heading]) -> impl Iterator<Item = (u8, &str, &str, &str)> {
    headings
        .iter()
        .map(|h| (h.level, h.id.as_str(), h.number.as_str(), h.title.as_str()))
}

/// Where each document of each school is, with its heading ids (a charter's band pages
/// share the charter's address and pool their ids).
fn targets(site: &Site, units: &[UnitState]) -> HashMap<(usize, String), Target> {
    let mut targets: HashMap<(usize, String), Target> = HashMap::new();
    for (spec, ids) in units.iter().map(|u| (&u.spec, &u.ids)) {
        let doc = &site.content.documents[spec.doc];
        let school = &site.config.schools[spec.school];
        let url = format!("{}{}", site.config.school_base(school), doc.slug_path());
        let t = targets
            .entry((spec.school, doc.rel.clone()))
            .or_insert_with(|| Target {
                url,
                ids: HashSet::new(),
            });
        t.ids.extend(ids.iter().cloned());
    }
    for (s, docs) in site::school_docs(site).into_iter().enumerate() {
        for (rel, d) in docs {
            let doc = &site.content.documents[d];
            if doc.kind().def().per_band {
                let url = format!(
                    "{}{}",
                    site.config.school_base(&site.config.schools[s]),
                    doc.slug_path()
                );
                targets.entry((s, rel)).or_insert_with(|| Target {
                    url,
                    ids: HashSet::new(),
                });
            }
        }
    }
    targets
}

fn school_contexts(site: &Site) -> Vec<SchoolCtx> {
    let per_school = site::school_documents(site);
    per_school
        .iter()
        .map(|(s, docs)| school_context(&site.config, &site.content, s, docs))
        .collect()
}

/// Each school's variables, by school index.
fn variables(site: &Site) -> Vec<Variables> {
    let documents = &site.content.documents;
    site.config
        .schools
        .iter()
        .map(|s| {
            let v = Variables::new(&site.config, s, &site.content.contacts);
            let docs = crate::content::for_school(documents, &s.slug);
            match crate::content::kinds::review::latest(docs.values().map(|&i| &documents[i])) {
                Some((d, r)) => v.with_review(
                    &d.meta.title,
                    &d.rel,
                    &r.reviewed
                        .as_ref()
                        .map(|x| x.display.clone())
                        .unwrap_or_default(),
                ),
                None => v,
            }
        })
        .collect()
}

/// The exporters, each making one output format from the prepared units (one line each).
pub const EXPORTERS: &[&dyn Exporter] = &[&crate::print::Pdf];

/// The units of a site to export, prepared as the pages are: those whose kind is printed
/// (for a kind printed per band, the bands' pages). With `resolved` (where every document
/// is), the units' links have been resolved, and each unit carries the hash of its inputs
/// ([`reuse::export_key`]).
fn export_units(
    site: &Site,
    units: &[UnitState],
    resolved: Option<&HashMap<(usize, String), Target>>,
) -> Vec<crate::export::Unit> {
    units
        .par_iter()
        .filter(|u| is_printed(&site.content.documents[u.spec.doc], &u.spec))
        .map(|u| crate::export::Unit {
            school: u.spec.school,
            doc: u.spec.doc,
            band: u.spec.band,
            page_url: u.spec.url.clone(),
            text: std::sync::Arc::clone(&u.prepared),
            inputs: resolved.map(|targets| reuse::export_key(u, targets)),
        })
        .collect()
}

/// Runs every exporter on the prepared units, one after the other, their findings finished
/// as the pages' are.
fn export_all(
    site: &Site,
    units: Vec<crate::export::Unit>,
    links: &crate::export::Links<'_>,
    opts: &crate::export::Options<'_>,
) -> Vec<Exported> {
    let model = crate::export::Model::of(site);
    EXPORTERS
        .iter()
        .map(|exporter| {
            let mut exported = exporter.export(&model, units.clone(), links, opts);
            finish_findings(site, &mut exported.findings);
            exported
        })
        .collect()
}

/// Every unit of a site planned and prepared (variables filled in, a charter cut to its
/// band, headings and ids read), none rendered: what the pages and the exporters start from.
pub fn prepared_units(site: &Site) -> Vec<UnitState> {
    let variables = variables(site);
    plan(site)
        .into_par_iter()
        .map(|spec| new_unit(site, &variables[spec.school], spec))
        .collect()
}

/// Whether the findings known before any export (loading, preparing, the text's checks, the
/// documents' and the site's), with the site's severities and allows applied, hold an error.
fn errors_before_export(
    site: &Site,
    units: &[UnitState],
    global: &[Diagnostic],
    doc_findings: &[Vec<Diagnostic>],
) -> bool {
    let mut diags: Vec<Diagnostic> = site.findings.clone();
    diags.extend(global.iter().cloned());
    diags.extend(doc_findings.iter().flatten().cloned());
    for u in units {
        diags.extend(u.prepare_findings.iter().cloned());
        diags.extend(u.findings.iter().cloned());
    }
    site.config
        .rules
        .apply(&mut diags, &findings::allows(&site.content.documents));
    diags.iter().any(Diagnostic::is_error)
}

/// The site's exports alone (serve's background worker): its units prepared as a build
/// prepares them, then exported; no page is rendered.
pub fn exports(site: &Site, opts: &crate::export::Options<'_>) -> Vec<Exported> {
    let units = prepared_units(site);
    let targets = targets(site, &units);
    let links = |school: usize| -> Box<dyn LinkResolver + '_> {
        Box::new(Resolver::new(site, school, &targets))
    };
    // Nothing was rendered, so where the units' links go is not known: no inputs' hashes.
    export_all(site, export_units(site, &units, None), &links, opts)
}

/// Every page's downloads, of every export: its own, then copies.
pub fn downloads_of(exports: &[Exported]) -> HashMap<String, Vec<Download>> {
    let mut all: HashMap<String, Vec<Download>> = HashMap::new();
    for e in exports {
        for (page, list) in &e.links {
            all.entry(page.clone())
                .or_default()
                .extend(list.iter().cloned());
        }
    }
    all
}

impl Build {
    /// Renders every page of a loaded site.
    pub fn new(site: Site) -> Build {
        Build::make(site, Pages::Minified, None, &Reuse::none(Vec::new())).0
    }

    /// Renders every page while the exporters make their files (the print PDFs) on a thread
    /// beside the Markdown (the pages' templates wait for them: they show each download's
    /// size and page count).
    ///
    /// Units whose inputs hash as in `reuse`'s records are taken from them (see
    /// [`Reuse`]): neither rendered nor checked, their pages carried over.
    pub fn with_exports(
        site: Site,
        pages: Pages,
        opts: &crate::export::Options<'_>,
        reuse: &Reuse,
    ) -> (Build, Vec<Exported>) {
        Build::make(site, pages, Some(opts), reuse)
    }

    /// Renders the site, running the exporters (with `exports`' options, when given) beside
    /// the Markdown and the pages that do not link their files; the downloads are put on the
    /// site before the pages that do (the kinds that are printed) go through their templates.
    fn make(
        mut site: Site,
        pages: Pages,
        exports: Option<&crate::export::Options<'_>>,
        reuse: &Reuse,
    ) -> (Build, Vec<Exported>) {
        let specs = plan(&site);
        let variables = variables(&site);
        let site_ctx = site_context(&site.config, &site.content);
        let schools = school_contexts(&site);
        let mut units: Vec<UnitState> = specs
            .into_par_iter()
            .map(|spec| new_unit(&site, &variables[spec.school], spec))
            .collect();
        let targets = targets(&site, &units);
        let site_key = reuse::site_key(&site, reuse.run_key());
        // Errors first: the text's checks, the documents' and the site's come before any
        // export, and a site with errors among them makes no PDF (a coordinator learns of a
        // wrong slug in seconds, not after every PDF is compiled; the PDFs' own findings
        // follow once these are fixed).
        let (global, doc_findings) = {
            let checker = checker(&site);
            units.par_iter_mut().for_each(|u| {
                u.input_key = reuse::input_key(&site, &site_key, u);
                let taken = !reuse.is_empty() && reuse::take(reuse, u, &targets);
                if !taken {
                    render_markdown(&site, &checker, &targets, u);
                }
            });
            let global = global_findings(&site, &checker);
            let doc_findings: Vec<Vec<Diagnostic>> = site
                .content
                .documents
                .par_iter()
                .map(|d| document_findings(&checker, d))
                .collect();
            (global, doc_findings)
        };
        let exports =
            exports.filter(|_| !errors_before_export(&site, &units, &global, &doc_findings));
        let (generated, extra, made) = std::thread::scope(|scope| {
            let site = &site;
            let targets = &targets;
            let side = exports.map(|opts| {
                let to_export = export_units(site, &units, Some(targets));
                scope.spawn(move || {
                    let links = |school: usize| -> Box<dyn LinkResolver + '_> {
                        Box::new(Resolver::new(site, school, targets))
                    };
                    export_all(site, to_export, &links, opts)
                })
            });
            let checker = checker(site);
            // While the side work runs: the pages that show nothing of it, and the
            // generated pages and files, which do not either.
            let early = |u: &UnitState| !shows_downloads(site, u);
            unreuse_changed(site, &checker, targets, &mut units, early);
            render_pages_of(
                site,
                &checker,
                (&site_ctx, &schools),
                &mut units,
                early,
                pages,
            );
            let (generated, extra) = generate_all(site, &checker, &units, pages);
            let made = side.map(|s| s.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            (generated, extra, made)
        });
        let made = made.unwrap_or_default();
        site.downloads = downloads_of(&made);
        let checker = checker(&site);
        let late = |u: &UnitState| shows_downloads(&site, u);
        unreuse_changed(&site, &checker, &targets, &mut units, late);
        render_pages_of(
            &site,
            &checker,
            (&site_ctx, &schools),
            &mut units,
            late,
            pages,
        );
        drop(checker);
        let build = Build {
            site,
            units,
            targets,
            global_findings: global,
            doc_findings,
            generated,
            extra,
            site_ctx,
            schools,
            pending: Pending {
                all: true,
                ..Pending::default()
            },
            run_key: reuse.run_key().to_vec(),
        };
        (build, made)
    }

    /// Re-makes the generated pages and files (lists, band pages, status, A to Z, search
    /// indexes, sitemap, feed) from the units as they are.
    pub fn regenerate(&mut self) {
        let checker = checker(&self.site);
        (self.generated, self.extra) =
            generate_all(&self.site, &checker, &self.units, Pages::Minified);
        self.pending.all = true;
    }

    /// Re-makes only the generated pages and files that show what changed.
    fn regenerate_some(&mut self, regen: &Regen) {
        let site = &self.site;
        if regen.lists || regen.outline {
            let checker = checker(site);
            let want = |s: Option<usize>, template: &str| {
                s.is_some_and(|s| regen.schools.contains(&s))
                    && (regen.lists || matches!(template, "az.html" | "band.html"))
            };
            let made = generated_pages(site, &checker, &self.units, Pages::Minified, &want);
            let index: HashMap<String, usize> = self
                .generated
                .iter()
                .enumerate()
                .map(|(i, g)| (g.url.clone(), i))
                .collect();
            for g in made {
                self.pending.generated.insert(g.url.clone());
                match index.get(&g.url) {
                    Some(&i) => self.generated[i] = g,
                    None => self.generated.push(g),
                }
            }
        }
        let what = Extras {
            search: Some(&regen.schools),
            sitemap: false,
            feed: regen.lists,
        };
        if !(regen.search || regen.lists || regen.outline) {
            return;
        }
        for (path, bytes) in extra_files(site, &self.units, &self.generated, &what) {
            self.pending.extra.insert(path.clone());
            match self.extra.iter_mut().find(|(p, _)| *p == path) {
                Some(slot) => slot.1 = bytes,
                None => self.extra.push((path, bytes)),
            }
        }
    }

    /// Every finding, with severities and `allow` entries applied and pupils' names redacted.
    pub fn findings(&self) -> Vec<Diagnostic> {
        let mut diags = self.site.findings.clone();
        diags.extend(self.global_findings.iter().cloned());
        for d in &self.doc_findings {
            diags.extend(d.iter().cloned());
        }
        for u in &self.units {
            diags.extend(u.prepare_findings.iter().cloned());
            diags.extend(u.findings.iter().cloned());
            diags.extend(u.page_findings.iter().cloned());
        }
        for g in &self.generated {
            diags.extend(g.findings.iter().cloned());
        }
        // The last gate over the generated files (search indexes, sitemap, feed).
        let checker = checker(&self.site);
        for (path, bytes) in &self.extra {
            checker.check_published(path, &String::from_utf8_lossy(bytes), &mut diags);
        }
        drop(checker);
        diags.extend(self.output_clashes());
        finish_findings(&self.site, &mut diags);
        diags
    }

    /// The site's files (output path → bytes), and every finding.
    pub fn rendered(&self) -> Rendered {
        let pages = self
            .units
            .iter()
            .filter_map(|u| u.page.clone().map(|p| (u.spec.url.clone(), p)));
        let generated = self
            .generated
            .iter()
            .filter_map(|g| g.page.clone().map(|p| (g.url.clone(), p)));
        Rendered {
            pages: self.files(pages.chain(generated), self.extra.iter().cloned()),
            carried: self.carried(),
            findings: self.findings(),
            external_links: self
                .units
                .iter()
                .flat_map(|u| u.external.iter().cloned())
                .collect(),
        }
    }

    /// Like [`Build::rendered`], without copying the pages: for a build that ends here.
    pub fn into_rendered(mut self) -> (Site, Rendered) {
        let findings = self.findings();
        let external_links = self
            .units
            .iter()
            .flat_map(|u| u.external.iter().cloned())
            .collect();
        let carried = self.carried();
        let units = std::mem::take(&mut self.units);
        let generated = std::mem::take(&mut self.generated);
        let extra = std::mem::take(&mut self.extra);
        let pages = units
            .into_iter()
            .filter_map(|u| u.page.map(|p| (u.spec.url, p)));
        let generated = generated
            .into_iter()
            .filter_map(|g| g.page.map(|p| (g.url, p)));
        let files = self.files(pages.chain(generated), extra.into_iter());
        (
            self.site,
            Rendered {
                pages: files,
                carried,
                findings,
                external_links,
            },
        )
    }

    /// The pages carried over from the last build: output path, length, hash.
    fn carried(&self) -> Vec<(String, u64, String)> {
        self.units
            .iter()
            .filter_map(|u| u.reused.as_ref().filter(|r| r.carried))
            .map(|r| r.page.clone())
            .collect()
    }

    /// The output path of a page, by its web path.
    fn output_path(&self, url: &str) -> String {
        let base = self.site.config.base_path.as_str();
        let path = if url.ends_with(".html") {
            url.strip_prefix(base).unwrap_or(url).to_string()
        } else {
            crate::published::page_path(base, url)
        };
        // `content/..md` is at `./`: the home page's path (see `output_clashes`).
        crate::published::normal_path(&path).unwrap_or(path)
    }

    /// Output paths for pages (by web path) and other files, first one of a path winning.
    fn files(
        &self,
        pages: impl Iterator<Item = (String, Vec<u8>)>,
        extra: impl Iterator<Item = (String, Vec<u8>)>,
    ) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::with_capacity(self.units.len() + self.generated.len() + 8);
        let mut seen = HashSet::new();
        for (url, bytes) in pages {
            let path = self.output_path(&url);
            if seen.insert(path.clone()) {
                files.push((path, bytes));
            }
        }
        files.extend(extra);
        files
    }
}
