//! Rendering a loaded site, page by page, keeping what each page was made from so that a
//! change (in `serve`) re-renders only the pages it affects.
//!
//! A *unit* is one page made from a document for one school (and, for a charter, one band).
//! Each unit goes through: fill variables and cut to its band (`prepare`), read its headings
//! (`outline`), then — once every unit's headings are known, so links can be checked —
//! Markdown to HTML with the publishing checks (`markdown`), and the template (`page`).
//! Pure: no file I/O. Only `Build::new` and the `update_*` methods change state.

use crate::rules::RuleId;
use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::config::{School, SiteConfig};
use crate::content::{Document, Kind};
use crate::diagnostics::{Diagnostic, normalise};
use crate::markdown::{self, Heading, LinkResolver, RenderOptions};
use crate::render::*;
use crate::rules::Checker;
use crate::site::{self, Rendered, SECTIONS, Site, sorted};
use crate::vars::{Prepared, Variables};
use crate::{charter, feeds, output};

/// Which page a unit is.
#[derive(Debug, Clone)]
pub struct UnitSpec {
    /// Index into `site.config.schools`.
    pub school: usize,
    /// Index into `site.content.documents`.
    pub doc: usize,
    /// Index into `site.config.bands`, for a charter's band page.
    pub band: Option<usize>,
    pub url: String,
}

/// A unit with everything it was made from and made into.
#[derive(Debug)]
pub struct UnitState {
    pub spec: UnitSpec,
    pub prepared: Prepared,
    pub headings: Vec<Heading>,
    pub ids: HashSet<String>,
    /// The documents (by path) this page links to, within its school.
    pub links_to: Vec<String>,
    pub md_html: String,
    pub excerpt: String,
    /// This unit's entries in its school's search index: JSON objects joined by commas.
    pub search: String,
    /// A hash of what lists show of the document beyond its headings: its front matter.
    pub meta_key: u64,
    pub external: Vec<(String, Diagnostic)>,
    /// Findings of filling in variables and cutting the charter to its band.
    pub prepare_findings: Vec<Diagnostic>,
    /// Findings of rendering the Markdown and checking it.
    pub findings: Vec<Diagnostic>,
    /// The finished page, and findings about it (template errors, checks on the HTML).
    pub page: Option<Vec<u8>>,
    pub page_findings: Vec<Diagnostic>,
}

/// Where a document is for a school, and the ids its headings have there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: String,
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
    pub site: Site,
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
}

/// The documents of each school, by path, as indexes into `content.documents`: the shared
/// ones it is covered by, with its own files replacing shared ones of the same path.
pub(crate) fn school_docs(site: &Site) -> Vec<BTreeMap<String, usize>> {
    site.config
        .schools
        .iter()
        .map(|school| {
            let mut docs = BTreeMap::new();
            let docs_list = &site.content.documents;
            let shared = (0..docs_list.len()).filter(|&i| docs_list[i].school.is_none());
            let own = (0..docs_list.len())
                .filter(|&i| docs_list[i].school.as_deref() == Some(school.slug.as_str()));
            for i in shared.chain(own) {
                if docs_list[i].published_for(&school.slug) {
                    docs.insert(docs_list[i].rel.clone(), i);
                }
            }
            docs
        })
        .collect()
}

fn plan(site: &Site) -> Vec<UnitSpec> {
    let config = &site.config;
    let mut units = Vec::new();
    for (s, docs) in school_docs(site).into_iter().enumerate() {
        let school = &config.schools[s];
        let base = config.school_base(school);
        for (_, d) in docs {
            let doc = &site.content.documents[d];
            let url = format!("{base}{}", doc.slug_path());
            if doc.kind == Kind::Charter {
                for (b, band) in config.bands.iter().enumerate() {
                    let served = school.bands.contains(&band.slug);
                    let allowed = doc
                        .bands
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

/// The checker with everything the rules need from the site.
pub fn checker(site: &Site) -> Checker<'_> {
    let config = &site.config;
    let mut official_domains: Vec<String> = config
        .schools
        .iter()
        .flat_map(|s| {
            s.email_domains
                .iter()
                .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
        })
        .collect();
    official_domains.extend(
        config
            .rules
            .settings
            .personal_email
            .allowed_domains
            .iter()
            .cloned(),
    );
    Checker {
        config: &config.rules,
        roster: site.roster.as_ref(),
        official_domains,
        today: site.today,
        staff_pairs: crate::rules::staff_pairs(&config.schools),
        static_files: site
            .static_files
            .iter()
            .map(|(rel, _)| rel)
            .chain(&site.refused_static)
            .cloned()
            .collect(),
        images: site
            .content
            .images
            .iter()
            .map(|i| (i.file.clone(), i.clone()))
            .collect(),
        base_path: config.base_path.clone(),
    }
}

/// The findings about one document's front matter and file name (none for a draft).
fn document_findings(checker: &Checker<'_>, doc: &Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !doc.meta.draft {
        checker.check_document(doc, &mut out);
    }
    out
}

/// Findings about the site as a whole (images, schools, static files), checked once
/// whatever the number of schools.
fn global_findings(site: &Site, checker: &Checker<'_>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    checker.check_images(
        &site.content.images,
        site.content.images_source.as_ref(),
        &mut diags,
    );
    for school in &site.config.schools {
        let source = site
            .school_sources
            .iter()
            .find(|(slug, _)| *slug == school.slug)
            .map(|(_, s)| s);
        checker.check_school(school, source, &mut diags);
    }
    for rel in site
        .static_files
        .iter()
        .map(|(rel, _)| rel)
        .chain(&site.refused_static)
    {
        checker.check_file_name(&format!("static/{rel}"), &mut diags);
    }
    checker.check_site(&site.config, Some(&site.site_source), &mut diags);
    checker.check_contacts(
        &site.content.contacts,
        site.contacts_source.as_ref(),
        &mut diags,
    );
    for source in &site.template_sources {
        checker.check_template(source, &mut diags);
    }
    for (file, field) in &site.image_text {
        checker.check_image_text(file, field, &mut diags);
    }
    for texts in site.file_text.chunk_by(|a, b| a.file == b.file) {
        checker.check_file_texts(texts, &mut diags);
    }
    diags
}

/// Fills in the school's variables and cuts a charter to its band.
fn prepare(site: &Site, vars: &Variables, spec: &UnitSpec) -> (Prepared, Vec<Diagnostic>) {
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

fn new_unit(site: &Site, vars: &Variables, spec: UnitSpec) -> UnitState {
    let (mut prepared, mut prepare_findings) = prepare(site, vars, &spec);
    let doc = &site.content.documents[spec.doc];
    let markdown::Outlined { headings, ids, .. } =
        within_nesting_limit(doc, &mut prepared, &mut prepare_findings);
    let printed = matches!(doc.kind, Kind::Policy | Kind::Guide)
        || (doc.kind == Kind::Charter && spec.band.is_some());
    if printed && prepared.text.len() > crate::limits::MAX_PDF_SOURCE_BYTES {
        prepare_findings.push(crate::limits::pdf_too_large(
            &doc.source.name,
            prepared.text.len(),
        ));
    }
    UnitState {
        spec,
        prepared,
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
    let numbered = doc.kind == Kind::Policy;
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
    format!("{:?}{:?}{:?}", doc.meta, doc.policy, doc.bands).hash(&mut h);
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
    for (s, docs) in school_docs(site).into_iter().enumerate() {
        for (rel, d) in docs {
            let doc = &site.content.documents[d];
            if doc.kind == Kind::Charter {
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

struct Resolver<'a> {
    site: &'a Site,
    school: usize,
    targets: &'a HashMap<(usize, String), Target>,
    used: std::cell::RefCell<Vec<String>>,
    /// "Did you mean" hints given so far: each looks at every document or heading, so only
    /// the first few broken links of a page get one (see `markdown::SUGGESTIONS_PER_PAGE`).
    suggested: std::cell::Cell<usize>,
}

impl Resolver<'_> {
    /// Whether this broken link still gets a "did you mean" hint.
    fn may_suggest(&self) -> bool {
        let n = self.suggested.get();
        self.suggested.set(n + 1);
        n < markdown::SUGGESTIONS_PER_PAGE
    }
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Result<String, (String, String)> {
        let path = path.trim_start_matches('/');
        self.used.borrow_mut().push(path.to_string());
        let school = &self.site.config.schools[self.school];
        let documents = &self.site.content.documents;
        let Some(target) = self.targets.get(&(self.school, path.to_string())) else {
            let exists = documents.iter().any(|d| d.rel == path);
            let similar = if self.may_suggest() {
                crate::diagnostics::did_you_mean(path, documents.iter().map(|d| d.rel.as_str()))
            } else {
                None
            };
            let hint = match (exists, similar) {
                (true, _) => format!(
                    "content/{path} is not published for {} (it is a draft, or limited to other schools)",
                    school.name
                ),
                (false, Some(best)) => format!("did you mean `@/{best}`?"),
                (false, None) => "link to a document by its path inside content/, e.g. `@/policies/online-safety.md`".into(),
            };
            return Err((
                format!(
                    "the link goes to `@/{path}`, which is not a page of {}",
                    school.name
                ),
                hint,
            ));
        };
        match anchor {
            None | Some("") => Ok(target.url.clone()),
            Some(a) if target.ids.contains(a) => Ok(format!("{}#{a}", target.url)),
            Some(a) => {
                let similar = if self.may_suggest() {
                    crate::diagnostics::did_you_mean(a, target.ids.iter().map(String::as_str))
                } else {
                    None
                };
                let hint = match similar {
                    Some(best) => format!("did you mean `#{best}`?"),
                    None => "check the heading's id: `## Filtering and monitoring` has the id `filtering-and-monitoring`, or give one with `{#id}`".into(),
                };
                Err((format!("`@/{path}` has no heading with the id `{a}`"), hint))
            }
        }
    }
}

/// Markdown to HTML with the publishing checks, for a unit whose headings are known.
fn render_markdown(
    site: &Site,
    checker: &Checker<'_>,
    targets: &HashMap<(usize, String), Target>,
    u: &mut UnitState,
) {
    let doc = &site.content.documents[u.spec.doc];
    let parsed = markdown::parse(&u.prepared.text, doc.kind == Kind::Policy);
    let out = render_parsed(site, checker, targets, u, &parsed);
    drop(parsed);
    out.apply(site, u);
}

/// What rendering a unit's Markdown made.
struct MarkdownOut {
    html: String,
    excerpt: String,
    external: Vec<(String, Diagnostic)>,
    findings: Vec<Diagnostic>,
    links_to: Vec<String>,
}

impl MarkdownOut {
    /// Puts the results on the unit, and its search-index entries.
    fn apply(self, site: &Site, u: &mut UnitState) {
        u.md_html = self.html;
        u.excerpt = self.excerpt;
        u.external = self.external;
        u.findings = self.findings;
        u.links_to = self.links_to;
        u.search = search_entries(site, u);
    }
}

/// [`render_markdown`] on a unit's text parsed already.
fn render_parsed(
    site: &Site,
    checker: &Checker<'_>,
    targets: &HashMap<(usize, String), Target>,
    u: &UnitState,
    parsed: &markdown::Parsed<'_>,
) -> MarkdownOut {
    let doc = &site.content.documents[u.spec.doc];
    let resolver = Resolver {
        site,
        school: u.spec.school,
        targets,
        used: Default::default(),
        suggested: Default::default(),
    };
    let opts = RenderOptions {
        number_headings: doc.kind == Kind::Policy,
        charter: doc.kind == Kind::Charter,
        allow_raw_html: site.config.allow_raw_html,
    };
    let mut findings = Vec::new();
    let html = markdown::render(parsed, &resolver, opts, &mut findings);
    let surfaces = markdown::surfaces(parsed);
    checker.check_surfaces(&surfaces, &mut findings);
    let locator = u.prepared.locator();
    let external = surfaces
        .links
        .iter()
        .filter(|l| l.dest.starts_with("http://") || l.dest.starts_with("https://"))
        .map(|l| {
            let mut d = locator.locate(
                doc,
                RuleId::BrokenExternalLink.error("", ""),
                l.offset,
                &l.dest,
            );
            d.file = doc.source.name.clone();
            (l.dest.clone(), d)
        })
        .collect();
    let findings = findings
        .into_iter()
        .map(|f| {
            let mut diag = locator.locate(doc, f.diagnostic, f.offset, &f.needle);
            diag.file = doc.source.name.clone();
            diag
        })
        .collect();
    MarkdownOut {
        html,
        excerpt: search_excerpt(&surfaces),
        external,
        findings,
        links_to: resolver.used.into_inner(),
    }
}

/// The template a document's pages are made with.
fn template_of(doc: &Document) -> &'static str {
    match doc.kind {
        Kind::Home => "home.html",
        Kind::Page => "page.html",
        Kind::Policy => "policy.html",
        Kind::Charter => "charter.html",
        Kind::Guide => "guide.html",
        Kind::RiskLog => "risk_log.html",
    }
}

/// Whether a unit's page links its PDFs (policies, guides and charters), and so goes
/// through its template only once the PDFs are made.
fn shows_pdfs(site: &Site, u: &UnitState) -> bool {
    matches!(
        site.content.documents[u.spec.doc].kind,
        Kind::Policy | Kind::Guide | Kind::Charter
    )
}

/// Puts the units `which` picks (by index) through their templates, in parallel.
fn render_pages_of(
    site: &Site,
    checker: &Checker<'_>,
    (site_ctx, schools): (&SiteCtx, &[SchoolCtx]),
    units: &mut [UnitState],
    which: impl Fn(&UnitState) -> bool + Sync,
    pages: Pages,
) {
    units
        .par_iter_mut()
        .filter(|u| which(u))
        .for_each(|u| render_page(site, checker, site_ctx, &schools[u.spec.school], u, pages));
}

/// The generated pages and files of a published site: lists, band pages, status, A to Z, 404,
/// search indexes, sitemap, robots.txt and feed.
fn generate_all(
    site: &Site,
    checker: &Checker<'_>,
    units: &[UnitState],
    pages: Pages,
) -> (Vec<Generated>, Vec<(String, Vec<u8>)>) {
    let generated = generated_pages(site, checker, units, pages, &|_, _| true);
    let extra = extra_files(site, units, &generated, &Extras::ALL);
    (generated, extra)
}

/// What is kept of each finished page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// The minified page, for writing.
    Minified,
    /// Only its address: a check writes nothing, and minifying is a good part of a build's
    /// work. Every check on the page's HTML is made all the same.
    Addresses,
}

impl Pages {
    fn keep(self, html: &str) -> Vec<u8> {
        match self {
            Pages::Minified => minify(html),
            Pages::Addresses => Vec::new(),
        }
    }
}

/// The finished page of a unit: its template, the checks on the HTML, minified.
fn render_page(
    site: &Site,
    checker: &Checker<'_>,
    site_ctx: &SiteCtx,
    school_ctx: &SchoolCtx,
    u: &mut UnitState,
    pages: Pages,
) {
    let doc = &site.content.documents[u.spec.doc];
    let mut ctx = site::doc_context(
        &site.config,
        site_ctx,
        school_ctx,
        doc,
        &u.spec,
        &u.headings,
        u.md_html.clone(),
        site.today,
    );
    ctx.page.attach_pdfs(site.pdfs.get(&u.spec.url));
    let template = template_of(doc);
    u.page_findings.clear();
    match site.templates.render(template, &ctx) {
        Ok(html) => {
            let mut found = Vec::new();
            checker.check_html(&u.spec.url, &html, doc.kind == Kind::Home, &mut found);
            for mut f in found {
                f.message = format!("{} (page {})", f.message, u.spec.url);
                f.file = doc.source.name.clone();
                u.page_findings.push(f);
            }
            u.page = Some(pages.keep(&html));
        }
        Err(e) => {
            u.page_findings.push(e);
            u.page = None;
        }
    }
}

fn school_contexts(site: &Site) -> Vec<SchoolCtx> {
    let per_school = site::school_documents(site);
    per_school
        .iter()
        .map(|(s, docs)| site::school_context(&site.config, &site.content, s, docs))
        .collect()
}

/// Each school's variables, by school index.
fn variables(site: &Site) -> Vec<Variables> {
    site.config
        .schools
        .iter()
        .map(|s| Variables::new(&site.config, s, &site.content.contacts))
        .collect()
}

impl Build {
    /// Renders every page of a loaded site.
    pub fn new(site: Site) -> Build {
        Build::make(site, Pages::Minified, |_| (), |_, _| {}).0
    }

    /// Renders every page while `pdfs` makes the print PDFs on a thread beside the Markdown
    /// (the pages' templates wait for it: they show each PDF's size and page count).
    pub fn with_pdfs(
        site: Site,
        pages: Pages,
        pdfs: impl FnOnce(&Site) -> crate::print::Printed + Send,
    ) -> (Build, crate::print::Printed) {
        Build::make(site, pages, pdfs, |printed, site| {
            site.pdfs = std::mem::take(&mut printed.links);
        })
    }

    /// Renders the site, running `side` (the PDFs) beside the Markdown and the pages that do
    /// not show its results; `attach` puts what it made on the site before the pages that
    /// do (policies, guides and charters, which link their PDFs) go through their templates.
    fn make<T: Send>(
        mut site: Site,
        pages: Pages,
        side: impl FnOnce(&Site) -> T + Send,
        attach: impl FnOnce(&mut T, &mut Site),
    ) -> (Build, T) {
        let specs = plan(&site);
        let variables = variables(&site);
        let site_ctx = site::site_context(&site.config);
        let schools = school_contexts(&site);
        let (mut units, targets, generated, extra, mut made) = std::thread::scope(|scope| {
            let site = &site;
            let side = scope.spawn(move || side(site));
            let checker = checker(site);
            let mut units: Vec<UnitState> = specs
                .into_par_iter()
                .map(|spec| new_unit(site, &variables[spec.school], spec))
                .collect();
            let targets = targets(site, &units);
            units
                .par_iter_mut()
                .for_each(|u| render_markdown(site, &checker, &targets, u));
            // While the side work runs: the pages that show nothing of it, and the
            // generated pages and files, which do not either.
            let early = |u: &UnitState| !shows_pdfs(site, u);
            render_pages_of(
                site,
                &checker,
                (&site_ctx, &schools),
                &mut units,
                early,
                pages,
            );
            let (generated, extra) = generate_all(site, &checker, &units, pages);
            let made = side.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            (units, targets, generated, extra, made)
        });
        attach(&mut made, &mut site);
        let checker = checker(&site);
        let global = global_findings(&site, &checker);
        let doc_findings: Vec<Vec<Diagnostic>> = site
            .content
            .documents
            .par_iter()
            .map(|d| document_findings(&checker, d))
            .collect();
        let late = |u: &UnitState| shows_pdfs(&site, u);
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

    /// Pages and files with one output path from two sources (a content file named like a
    /// page PolicyPress makes, such as `content/status.md`, or two content files with one
    /// address, such as `a.md` and `a/index.md`), and pages whose address would leave the
    /// output folder (`content/...md`). Silently keeping one of the two would publish a page
    /// nobody checked in its place: both sources are named instead. (A check knows only the
    /// generated pages it makes: home, landing and 404 pages.)
    fn output_clashes(&self) -> Vec<Diagnostic> {
        let documents = &self.site.content.documents;
        let mut by_path: BTreeMap<String, Vec<(Option<&str>, String)>> = BTreeMap::new();
        let mut found = Vec::new();
        for u in &self.units {
            let doc = &documents[u.spec.doc];
            let path = self.output_path(&u.spec.url);
            let Some(path) = output::normal_path(&path) else {
                found.push(
                    Diagnostic::error(
                        "output-clash",
                        &doc.source.name,
                        format!(
                            "this file's address ({}) would be written outside the output folder",
                            u.spec.url
                        ),
                    )
                    .with_hint("rename the file: its name, without `.md`, becomes its address"),
                );
                continue;
            };
            let entry = by_path.entry(path).or_default();
            let name = doc.source.name.as_str();
            if !entry.iter().any(|(file, _)| *file == Some(name)) {
                entry.push((Some(name), name.to_string()));
            }
        }
        for g in &self.generated {
            let path = self.output_path(&g.url);
            let what = format!("the {} page PolicyPress makes (from {})", g.url, g.template);
            if let Some(path) = output::normal_path(&path) {
                by_path.entry(path).or_default().push((None, what));
            }
        }
        for (path, _) in &self.extra {
            let what = format!("the file {path} PolicyPress makes");
            by_path.entry(path.clone()).or_default().push((None, what));
        }
        // A page whose folder is another file's path (`content/feed.xml.md` → `feed.xml/`).
        let mut folder_clashes = Vec::new();
        for (path, sources) in &by_path {
            let mut rest = path.as_str();
            while let Some((dir, _)) = rest.rsplit_once('/') {
                if let Some(other) = by_path.get(dir) {
                    let (file, what) = &sources[0];
                    let file = file.or(other[0].0).unwrap_or("site.toml");
                    folder_clashes.push(
                        Diagnostic::error(
                            "output-clash",
                            file,
                            format!(
                                "{what} would be published as {path}, inside {dir}, which is where {} is published",
                                other[0].1
                            ),
                        )
                        .with_hint(
                            "rename or move the content file, so that each page has an address of its own",
                        ),
                    );
                }
                rest = dir;
            }
        }
        found.extend(folder_clashes);
        for (path, sources) in &by_path {
            if sources.len() < 2 {
                continue;
            }
            let names: Vec<&str> = sources.iter().map(|(_, what)| what.as_str()).collect();
            let file = sources
                .iter()
                .find_map(|(file, _)| *file)
                .unwrap_or("site.toml");
            found.push(
                Diagnostic::error(
                    "output-clash",
                    file,
                    format!(
                        "{} would all be published as {path}: one would silently replace the other",
                        words_and(&names)
                    ),
                )
                .with_hint(
                    "rename or move the content file, so that each page has an address of its own",
                ),
            );
        }
        found
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
                findings,
                external_links,
            },
        )
    }

    /// The output path of a page, by its web path.
    fn output_path(&self, url: &str) -> String {
        let base = self.site.config.base_path.as_str();
        let path = if url.ends_with(".html") {
            url.strip_prefix(base).unwrap_or(url).to_string()
        } else {
            output::page_path(base, url)
        };
        // `content/..md` is at `./`: the home page's path (see `output_clashes`).
        output::normal_path(&path).unwrap_or(path)
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

    /// The files made again since the last call (output path → bytes; `None` for a page
    /// that now fails), or `None` when everything may have changed: take
    /// [`Build::rendered`] then.
    pub fn take_changes(&mut self) -> Option<Vec<(String, Option<Vec<u8>>)>> {
        let pending = std::mem::take(&mut self.pending);
        if pending.all {
            return None;
        }
        let mut out = Vec::new();
        for &i in &pending.units {
            let u = &self.units[i];
            out.push((self.output_path(&u.spec.url), u.page.clone()));
        }
        for g in self
            .generated
            .iter()
            .filter(|g| pending.generated.contains(&g.url))
        {
            out.push((self.output_path(&g.url), g.page.clone()));
        }
        for (path, bytes) in self.extra.iter().filter(|(p, _)| pending.extra.contains(p)) {
            out.push((path.clone(), Some(bytes.clone())));
        }
        Some(out)
    }

    /// After the text of the documents at `changed` (indexes) was edited: re-renders their
    /// pages, and the pages that link to them when their headings changed, and the generated
    /// pages and files that show what changed of them (their front matter, headings or
    /// search text). Returns the number of pages rendered again.
    pub fn update_documents(&mut self, changed: &[usize]) -> usize {
        let site = &self.site;
        let variables = variables(site);
        let checker = checker(site);
        let changed: HashSet<usize> = changed.iter().copied().collect();
        let mut regen = Regen::default();
        let mut touched: Vec<usize> = Vec::new();
        let old_search: Vec<String> = self
            .units
            .iter()
            .filter(|u| changed.contains(&u.spec.doc))
            .map(|u| u.search.clone())
            .collect();
        for (i, u) in self.units.iter_mut().enumerate() {
            if changed.contains(&u.spec.doc) {
                let new = new_unit(site, &variables[u.spec.school], u.spec.clone());
                regen.lists |= new.meta_key != u.meta_key;
                regen.outline |= !outline_of(&new.headings).eq(outline_of(&u.headings));
                regen.schools.insert(u.spec.school);
                *u = new;
                touched.push(i);
            }
        }
        for &d in &changed {
            if let Some(slot) = self.doc_findings.get_mut(d) {
                *slot = document_findings(&checker, &site.content.documents[d]);
            }
        }
        // Where the changed documents are now, and which pages link to them.
        let mut moved: Vec<(usize, String)> = Vec::new();
        let mut fresh: HashMap<(usize, String), Target> = HashMap::new();
        for &i in &touched {
            let u = &self.units[i];
            let doc = &site.content.documents[u.spec.doc];
            let key = (u.spec.school, doc.rel.clone());
            let url = format!(
                "{}{}",
                site.config.school_base(&site.config.schools[u.spec.school]),
                doc.slug_path()
            );
            fresh
                .entry(key)
                .or_insert_with(|| Target {
                    url,
                    ids: HashSet::new(),
                })
                .ids
                .extend(u.ids.iter().cloned());
        }
        for (key, target) in fresh {
            if self.targets.get(&key) != Some(&target) {
                moved.push(key.clone());
                self.targets.insert(key, target);
            }
        }
        for (i, u) in self.units.iter().enumerate() {
            if !changed.contains(&u.spec.doc)
                && moved
                    .iter()
                    .any(|(s, rel)| *s == u.spec.school && u.links_to.iter().any(|l| l == rel))
            {
                touched.push(i);
            }
        }
        let targets = &self.targets;
        let site_ctx = &self.site_ctx;
        let schools = &self.schools;
        let mut selected: Vec<&mut UnitState> = {
            let wanted: HashSet<usize> = touched.iter().copied().collect();
            self.units
                .iter_mut()
                .enumerate()
                .filter(|(i, _)| wanted.contains(i))
                .map(|(_, u)| u)
                .collect()
        };
        selected.par_iter_mut().for_each(|u| {
            render_markdown(site, &checker, targets, u);
            render_page(
                site,
                &checker,
                site_ctx,
                &schools[u.spec.school],
                u,
                Pages::Minified,
            );
        });
        drop(checker);
        let new_search = self
            .units
            .iter()
            .filter(|u| changed.contains(&u.spec.doc))
            .map(|u| &u.search);
        regen.search = !new_search.eq(old_search.iter());
        self.pending.units.extend(touched.iter().copied());
        self.regenerate_some(&regen);
        touched.len()
    }

    /// The print PDFs' links changed (serve makes the PDFs after the pages): re-renders the
    /// pages whose links are different. Returns the number of pages rendered again.
    pub fn update_pdfs(&mut self, links: HashMap<String, Vec<PdfCtx>>) -> usize {
        let old = std::mem::replace(&mut self.site.pdfs, links);
        self.render_pages(|site, u| old.get(&u.spec.url) != site.pdfs.get(&u.spec.url))
    }

    /// Puts the units that `want` picks through their templates again (their Markdown as it
    /// is). Returns how many.
    fn render_pages(&mut self, want: impl Fn(&Site, &UnitState) -> bool) -> usize {
        let site = &self.site;
        let checker = checker(site);
        let (site_ctx, schools) = (&self.site_ctx, &self.schools);
        let mut selected: Vec<(usize, &mut UnitState)> = self
            .units
            .iter_mut()
            .enumerate()
            .filter(|(_, u)| want(site, u))
            .collect();
        selected.par_iter_mut().for_each(|(_, u)| {
            render_page(
                site,
                &checker,
                site_ctx,
                &schools[u.spec.school],
                u,
                Pages::Minified,
            )
        });
        let indexes: Vec<usize> = selected.iter().map(|(i, _)| *i).collect();
        drop(checker);
        let n = indexes.len();
        self.pending.units.extend(indexes);
        n
    }

    /// After a template changed: every page goes through its template again (the Markdown
    /// is not rendered again).
    ///
    /// `changed` names the templates that changed (`page.html`); when it lists only page
    /// templates (not `base.html` or a file other templates may include), only the pages
    /// made with them go through a template again. Returns the number of pages rendered.
    pub fn update_templates(&mut self, templates: Templates, changed: &[String]) -> usize {
        self.site.templates = templates;
        const DOCUMENT_TEMPLATES: [&str; 6] = [
            "home.html",
            "page.html",
            "policy.html",
            "charter.html",
            "guide.html",
            "risk_log.html",
        ];
        let only_leaves = !changed.is_empty()
            && changed
                .iter()
                .all(|t| DOCUMENT_TEMPLATES.contains(&t.as_str()));
        let n = self.render_pages(|site, u| {
            !only_leaves
                || changed
                    .iter()
                    .any(|t| t == template_of(&site.content.documents[u.spec.doc]))
        });
        if !only_leaves || changed.iter().any(|t| t == "home.html") {
            self.regenerate();
        }
        n
    }
}

/// Applies severities and `allow` entries, redacts pupils' names, sorts.
pub fn finish_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    let allows: HashMap<String, Vec<(String, String)>> = site
        .content
        .documents
        .iter()
        .filter(|d| !d.meta.allow.is_empty())
        .map(|d| (d.source.name.clone(), d.meta.allow.clone()))
        .collect();
    site.config.rules.apply(diags, &allows);
    if let Some(roster) = &site.roster {
        // Names the last gate found in published pages that are already reported where
        // they are written: one finding per cause.
        let key = |name: &str| {
            let name = crate::rules::roster::decode_references(name);
            let w: Vec<String> = crate::rules::roster::words(&name)
                .map(|(_, w)| crate::rules::roster::normalise_word(w))
                .filter(|w| !w.is_empty())
                .collect();
            match (w.first(), w.last()) {
                (Some(a), Some(b)) => format!("{a} {b}"),
                _ => String::new(),
            }
        };
        let gate = |d: &Diagnostic| {
            d.rule == RuleId::PupilFullName.as_str()
                && d.message.starts_with(crate::rules::PUBLISHED_NAME)
        };
        let mut known = HashSet::new();
        for d in diags
            .iter()
            .filter(|d| d.rule == RuleId::PupilFullName.as_str() && !gate(d))
        {
            if let Some(snippet) = &d.snippet {
                for r in roster.find(snippet) {
                    known.insert(key(&snippet[r]));
                }
            }
        }
        // And one finding per name: the first output it is found in (pages come before the
        // search indexes and feeds made from them).
        let mut seen = HashSet::new();
        diags.retain(|d| {
            !gate(d)
                || d.snippet.as_deref().is_none_or(|name| {
                    let k = key(name);
                    !known.contains(&k) && seen.insert(k)
                })
        });
        // The snippet only carried the name this far.
        for d in diags.iter_mut().filter(|d| gate(d)) {
            d.snippet = None;
        }
    }
    // Any finding's line or message could show a pupil's name: print initials only, so
    // logs (CI's included) never hold a name.
    if let Some(roster) = &site.roster {
        for d in diags.iter_mut() {
            if let Some(snippet) = &mut d.snippet {
                *snippet = crate::rules::roster::redact_in(roster, snippet);
            }
            d.message = crate::rules::roster::redact_in(roster, &d.message);
            // A folder or file named after a pupil shows in every finding about the file.
            d.file = crate::rules::roster::redact_in(roster, &d.file);
        }
    }
    normalise(diags);
}

/// The page minified; as it is when it nests elements deeper than the minifier can take
/// (raw HTML or a template nesting hundreds of elements): see [`crate::limits::MAX_MINIFY_DEPTH`].
pub(crate) fn minify(html: &str) -> Vec<u8> {
    if crate::limits::html_depth(html) > crate::limits::MAX_MINIFY_DEPTH {
        return html.as_bytes().to_vec();
    }
    let cfg = minify_html::Cfg {
        keep_html_and_head_opening_tags: true,
        keep_closing_tags: true,
        minify_css: true,
        minify_js: false,
        minify_doctype: false,
        keep_comments: false,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html.as_bytes(), &cfg)
}

/// Up to 600 characters of a page's text, for the search index.
fn search_excerpt(s: &markdown::Surfaces) -> String {
    let mut out = String::new();
    for t in s.texts.iter().filter(|t| {
        matches!(
            t.kind,
            markdown::SurfaceKind::Text | markdown::SurfaceKind::Heading
        )
    }) {
        if out.len() > 600 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t.text.trim());
    }
    let mut end = out.len().min(600);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

/// The first unit of each (school, document): its headings and excerpt.
type Outline<'a> = HashMap<(usize, &'a str), &'a UnitState>;

fn outline<'a>(site: &'a Site, units: &'a [UnitState]) -> Outline<'a> {
    let mut map: Outline<'a> = HashMap::new();
    for u in units {
        map.entry((
            u.spec.school,
            site.content.documents[u.spec.doc].rel.as_str(),
        ))
        .or_insert(u);
    }
    map
}

/// `a`, `a and b`, `a, b and c`.
fn words_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The templates of the generated pages of each school.
const SCHOOL_TEMPLATES: [&str; 6] = [
    "home.html",
    "section.html",
    "charter_index.html",
    "band.html",
    "status.html",
    "az.html",
];

/// Makes the generated pages that `want(school, template)` asks for (`school` is `None` for
/// the landing and 404 pages).
fn generated_pages(
    site: &Site,
    checker: &Checker<'_>,
    units: &[UnitState],
    pages: Pages,
    want: &(dyn Fn(Option<usize>, &str) -> bool + Sync),
) -> Vec<Generated> {
    let config = &site.config;
    let per_school = site::school_documents(site);
    let outline = outline(site, units);
    let site_ctx = site::site_context(config);
    let mut generated: Vec<(&'static str, PageContext)> = Vec::new();
    if config.multi_school() && want(None, "landing.html") {
        let mut page = PageCtx::new("landing", config.title.clone(), config.base_path.clone());
        page.description = config.description.clone();
        page.items = config
            .schools
            .iter()
            .map(|s| ItemCtx {
                title: s.name.clone(),
                url: config.school_base(s),
                description: s.contact.address.clone(),
                meta: String::new(),
            })
            .collect();
        generated.push((
            "landing.html",
            site::context(config, &site_ctx, None, page, Vec::new()),
        ));
    }
    for (s, (school, docs)) in per_school.iter().enumerate() {
        if !SCHOOL_TEMPLATES.iter().any(|t| want(Some(s), t)) {
            continue;
        }
        let sc = site::school_context(config, &site.content, school, docs);
        let base = config.school_base(school);
        let home = LinkCtx {
            title: "Home".into(),
            url: base.clone(),
        };
        if !docs.contains_key("index.md") && want(Some(s), "home.html") {
            let page = PageCtx::new("home", school.name.clone(), base.clone());
            generated.push((
                "home.html",
                site::context(config, &site_ctx, Some(&sc), page, Vec::new()),
            ));
        }
        for (section, kind, title) in SECTIONS {
            if !want(Some(s), "section.html") {
                break;
            }
            let items: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind == kind))
                .into_iter()
                .map(|d| ItemCtx {
                    title: d.meta.title.clone(),
                    url: format!("{base}{}", d.slug_path()),
                    description: d.meta.description.clone(),
                    meta: site::item_meta(config, d),
                })
                .collect();
            if items.is_empty() || docs.contains_key(format!("{section}/index.md").as_str()) {
                continue;
            }
            let mut page = PageCtx::new("section", title.to_string(), format!("{base}{section}/"));
            page.items = items;
            generated.push((
                "section.html",
                site::context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
            ));
        }
        for doc in docs
            .values()
            .filter(|d| d.kind == Kind::Charter && want(Some(s), "charter_index.html"))
        {
            let url = format!("{base}{}", doc.slug_path());
            let mut page = PageCtx::new("charter-index", doc.meta.title.clone(), url.clone());
            page.description = doc.meta.description.clone();
            page.bands = site::charter_bands(config, school, doc, &url);
            page.items = page
                .bands
                .iter()
                .map(|b| ItemCtx {
                    title: b.name.clone(),
                    url: b.url.clone(),
                    description: String::new(),
                    meta: String::new(),
                })
                .collect();
            let crumbs = vec![
                home.clone(),
                LinkCtx {
                    title: "Pupil charters".into(),
                    url: format!("{base}charters/"),
                },
            ];
            generated.push((
                "charter_index.html",
                site::context(config, &site_ctx, Some(&sc), page, crumbs),
            ));
        }
        for band_slug in school.bands.iter().filter(|_| want(Some(s), "band.html")) {
            let Some(band) = config.band(band_slug) else {
                continue;
            };
            let mut page = PageCtx::new(
                "band",
                format!("My child is in {}", band.name),
                format!("{base}bands/{}/", band.slug),
            );
            page.band = Some(site::band_ctx(band, page.url.clone()));
            page.groups = band_groups(config, s, school, docs, band, &outline);
            generated.push((
                "band.html",
                site::context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
            ));
        }
        if want(Some(s), "status.html") {
            let mut page = PageCtx::new(
                "status",
                "Policy review status".into(),
                format!("{base}status/"),
            );
            page.policies = sorted(docs.values().copied().filter(|d| d.kind == Kind::Policy))
                .into_iter()
                .filter_map(|d| {
                    d.policy.as_ref().map(|p| StatusCtx {
                        title: d.meta.title.clone(),
                        url: format!("{base}{}", d.slug_path()),
                        policy: site::policy_ctx(config, school, p, site.today),
                    })
                })
                .collect();
            generated.push((
                "status.html",
                site::context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
            ));
        }
        if want(Some(s), "az.html") {
            let mut page = PageCtx::new("a-z", "A to Z".into(), format!("{base}a-z/"));
            page.groups = a_to_z(s, docs, &base, school, &outline);
            generated.push((
                "az.html",
                site::context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
            ));
        }
    }
    if want(None, "404.html") {
        let page = PageCtx::new(
            "not-found",
            "Page not found".into(),
            format!("{}404.html", config.base_path),
        );
        generated.push((
            "404.html",
            site::context(config, &site_ctx, None, page, Vec::new()),
        ));
    }
    generated
        .par_iter()
        .map(
            |(template, ctx)| match site.templates.render(template, ctx) {
                Ok(html) => {
                    let mut findings = Vec::new();
                    checker.check_html(
                        &ctx.page.url,
                        &html,
                        ctx.page.kind == "home",
                        &mut findings,
                    );
                    for f in &mut findings {
                        f.message = format!("{} (page {})", f.message, ctx.page.url);
                        f.file = format!("templates/{template}");
                    }
                    Generated {
                        url: ctx.page.url.clone(),
                        template,
                        page: Some(pages.keep(&html)),
                        findings,
                    }
                }
                Err(d) => Generated {
                    url: ctx.page.url.clone(),
                    template,
                    page: None,
                    findings: vec![d],
                },
            },
        )
        .collect()
}

/// Which of the other files to make.
struct Extras<'a> {
    /// The search indexes of these schools (`None`: all).
    search: Option<&'a HashSet<usize>>,
    /// The sitemap and robots.txt.
    sitemap: bool,
    feed: bool,
}

impl Extras<'_> {
    const ALL: Extras<'static> = Extras {
        search: None,
        sitemap: true,
        feed: true,
    };
}

/// Search indexes, sitemap, robots.txt and the feed, as `what` asks.
fn extra_files(
    site: &Site,
    units: &[UnitState],
    generated: &[Generated],
    what: &Extras<'_>,
) -> Vec<(String, Vec<u8>)> {
    let config = &site.config;
    let per_school = site::school_documents(site);
    let outline = outline(site, units);
    let mut files = Vec::new();
    for (s, (school, docs)) in per_school.iter().enumerate() {
        if what.search.is_some_and(|only| !only.contains(&s)) {
            continue;
        }
        let base = config.school_base(school);
        let rel = base
            .strip_prefix(config.base_path.as_str())
            .unwrap_or(&base)
            .to_string();
        files.push((
            format!("{rel}search-index.json"),
            search_index(s, docs, &outline),
        ));
    }
    if what.feed {
        files.push((
            "feed.xml".into(),
            feeds::atom(config, &per_school, site.today).into_bytes(),
        ));
    }
    if !what.sitemap {
        return files;
    }
    let mut urls: Vec<String> = units
        .iter()
        .map(|u| u.spec.url.as_str())
        .chain(generated.iter().map(|g| g.url.as_str()))
        .filter(|u| !u.ends_with(".html"))
        .map(|u| site::absolute_url(config, u))
        .collect();
    urls.sort();
    urls.dedup();
    files.push(("sitemap.xml".into(), feeds::sitemap(&urls).into_bytes()));
    let sitemap = site::absolute_url(config, &format!("{}sitemap.xml", config.base_path));
    files.push((
        "robots.txt".into(),
        format!("User-agent: *\nAllow: /\nSitemap: {sitemap}\n").into_bytes(),
    ));
    files
}

/// What a band page gathers: the band's charter, its guides, and the policy sections about it.
fn band_groups(
    config: &SiteConfig,
    s: usize,
    school: &School,
    docs: &BTreeMap<&str, &Document>,
    band: &crate::config::Band,
    outline: &Outline<'_>,
) -> Vec<GroupCtx> {
    let base = config.school_base(school);
    let for_band = |d: &&Document| d.bands.as_ref().is_none_or(|b| b.contains(&band.slug));
    let charters: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind == Kind::Charter))
        .into_iter()
        .filter(for_band)
        .map(|d| ItemCtx {
            title: format!("{}: {}", d.meta.title, band.name),
            url: format!("{base}{}{}/", d.slug_path(), band.slug),
            description: d.meta.description.clone(),
            meta: "Read it together, then sign and return it to school.".into(),
        })
        .collect();
    let guides: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind == Kind::Guide))
        .into_iter()
        .filter(for_band)
        .map(|d| ItemCtx {
            title: d.meta.title.clone(),
            url: format!("{base}{}", d.slug_path()),
            description: d.meta.description.clone(),
            meta: String::new(),
        })
        .collect();
    let name = band.name.to_lowercase();
    let short = name.split(" (").next().unwrap_or(&name).to_string();
    let slug_words = band.slug.replace('-', " ");
    let mut sections = Vec::new();
    for d in sorted(docs.values().copied().filter(|d| d.kind == Kind::Policy)) {
        let Some(u) = outline.get(&(s, d.rel.as_str())) else {
            continue;
        };
        for h in &u.headings {
            let t = h.title.to_lowercase();
            if t.contains(&short) || t.contains(&slug_words) {
                sections.push(ItemCtx {
                    title: format!("{} {}", h.number, h.title).trim().to_string(),
                    url: format!("{base}{}#{}", d.slug_path(), h.id),
                    description: String::new(),
                    meta: d.meta.title.clone(),
                });
            }
        }
    }
    vec![
        GroupCtx {
            id: "charter".into(),
            title: "Our pupils' charter".into(),
            items: charters,
        },
        GroupCtx {
            id: "guides".into(),
            title: "Guides for parents and carers".into(),
            items: guides,
        },
        GroupCtx {
            id: "policy-sections".into(),
            title: "What our policies say about this age group".into(),
            items: sections,
        },
    ]
}

/// Every document and top-level section of a school, grouped by first letter.
fn a_to_z(
    s: usize,
    docs: &BTreeMap<&str, &Document>,
    base: &str,
    school: &School,
    outline: &Outline<'_>,
) -> Vec<GroupCtx> {
    let mut entries: Vec<ItemCtx> = Vec::new();
    for d in docs.values() {
        let url = format!("{base}{}", d.slug_path());
        let title = if d.meta.title.is_empty() {
            school.name.clone()
        } else {
            d.meta.title.clone()
        };
        entries.push(ItemCtx {
            title: title.clone(),
            url: url.clone(),
            description: String::new(),
            meta: String::new(),
        });
        if d.kind == Kind::Charter {
            continue;
        }
        if let Some(u) = outline.get(&(s, d.rel.as_str())) {
            for h in u.headings.iter().filter(|h| h.level == 2) {
                entries.push(ItemCtx {
                    title: h.title.clone(),
                    url: format!("{url}#{}", h.id),
                    description: String::new(),
                    meta: title.clone(),
                });
            }
        }
    }
    entries.sort_by_key(|e| e.title.to_lowercase());
    let mut groups: Vec<GroupCtx> = Vec::new();
    for e in entries {
        let first = e
            .title
            .chars()
            .find(|c| c.is_alphanumeric())
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default();
        let letter = if !first.is_empty() && first.chars().all(|c| c.is_ascii_alphabetic()) {
            first
        } else {
            "0–9".into()
        };
        match groups.last_mut() {
            Some(g) if g.title == letter => g.items.push(e),
            _ => groups.push(GroupCtx {
                id: format!(
                    "letter-{}",
                    if letter == "0–9" {
                        "0-9".to_string()
                    } else {
                        letter.to_lowercase()
                    }
                ),
                title: letter,
                items: vec![e],
            }),
        }
    }
    groups
}

/// A unit's entries in its school's search index: one for the page and one per section, as
/// JSON objects joined by commas.
fn search_entries(site: &Site, u: &UnitState) -> String {
    let doc = &site.content.documents[u.spec.doc];
    let school = &site.config.schools[u.spec.school];
    let url = match u.spec.band {
        None => u.spec.url.clone(),
        Some(_) => format!("{}{}", site.config.school_base(school), doc.slug_path()),
    };
    let title = if doc.meta.title.is_empty() {
        school.name.as_str()
    } else {
        doc.meta.title.as_str()
    };
    let mut entries = vec![serde_json::json!({ "t": title, "s": "", "u": url, "x": u.excerpt })];
    for h in u.headings.iter().filter(|h| (2..=3).contains(&h.level)) {
        entries.push(
            serde_json::json!({ "t": title, "s": h.title, "u": format!("{url}#{}", h.id), "x": "" }),
        );
    }
    entries
        .iter()
        .filter_map(|e| serde_json::to_string(e).ok())
        .collect::<Vec<_>>()
        .join(",")
}

/// The search index of a school: its documents' entries (those of a charter's first band
/// page), as one compact JSON array.
fn search_index(s: usize, docs: &BTreeMap<&str, &Document>, outline: &Outline<'_>) -> Vec<u8> {
    let parts: Vec<&str> = docs
        .values()
        .filter_map(|d| outline.get(&(s, d.rel.as_str())))
        .map(|u| u.search.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(p.as_bytes());
    }
    out.push(b']');
    out
}
