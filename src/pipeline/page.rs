//! One unit's Markdown to HTML (with the publishing checks) and through its template.

use super::*;

/// Markdown to HTML with the publishing checks, for a unit whose headings are known.
pub(super) fn render_markdown(
    site: &Site,
    checker: &Checker<'_>,
    targets: &HashMap<(usize, String), Target>,
    u: &mut UnitState,
) {
    let doc = &site.content.documents[u.spec.doc];
    let parsed = markdown::parse(&u.prepared.text, doc.kind().def().numbered);
    let out = render_parsed(site, checker, targets, u, &parsed);
    drop(parsed);
    out.apply(site, u);
}

/// What rendering a unit's Markdown made.
pub(super) struct MarkdownOut {
    pub(super) html: String,
    pub(super) excerpt: String,
    pub(super) external: Vec<(String, Diagnostic)>,
    pub(super) findings: Vec<Diagnostic>,
    pub(super) links_to: Vec<String>,
}

impl MarkdownOut {
    /// Puts the results on the unit, and its search-index entries.
    pub(super) fn apply(self, site: &Site, u: &mut UnitState) {
        u.md_html = self.html;
        u.excerpt = self.excerpt;
        u.external = self.external;
        // The statement's own links (the advice and enforcement services every statement
        // names) are PolicyPress's words, not the school's to correct: not checked.
        if site.content.documents[u.spec.doc].kind() == crate::content::Kind::Statement {
            u.external
                .retain(|(url, _)| !crate::accessibility::OWN_LINKS.contains(&url.as_str()));
        }
        u.findings = self.findings;
        u.links_to = self.links_to;
        u.search = search_entries(site, u);
    }
}

/// [`render_markdown`] on a unit's text parsed already.
pub(super) fn render_parsed(
    site: &Site,
    checker: &Checker<'_>,
    targets: &HashMap<(usize, String), Target>,
    u: &UnitState,
    parsed: &markdown::Parsed<'_>,
) -> MarkdownOut {
    let doc = &site.content.documents[u.spec.doc];
    let resolver = Resolver::new(site, u.spec.school, targets);
    let opts = RenderOptions {
        number_headings: doc.kind().def().numbered,
        charter: doc.kind().def().per_band,
        allow_raw_html: site.config.allow_raw_html,
    };
    let mut findings = Vec::new();
    let html = markdown::render(parsed, &resolver, opts, &mut findings);
    let surfaces = markdown::surfaces(parsed);
    checker.check_surfaces(&surfaces, &mut findings);
    if doc.kind() == crate::content::Kind::Policy {
        checker.check_risk_areas(&parsed.headings, &surfaces, &mut findings);
    }
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
        links_to: resolver.into_used(),
    }
}

/// The template a document's pages are made with.
pub(super) fn template_of(doc: &Document) -> &'static str {
    doc.kind().def().template
}

/// Whether a unit's page links downloads (its kind is printed), and so goes through its
/// template only once the exporters have made them.
pub(super) fn shows_downloads(site: &Site, u: &UnitState) -> bool {
    site.content.documents[u.spec.doc]
        .kind()
        .def()
        .print
        .is_some()
}

/// Units `which` picks that were taken from their records but show other downloads than
/// they did then: their Markdown is rendered (and checked) now, so the page can be made.
pub(super) fn unreuse_changed(
    site: &Site,
    checker: &Checker<'_>,
    targets: &HashMap<(usize, String), Target>,
    units: &mut [UnitState],
    which: impl Fn(&UnitState) -> bool + Sync,
) {
    units
        .par_iter_mut()
        .filter(|u| which(u))
        .filter(|u| {
            u.reused
                .as_ref()
                .is_some_and(|r| !r.same_downloads(site.downloads.get(&u.spec.url)))
        })
        .for_each(|u| {
            u.reused = None;
            render_markdown(site, checker, targets, u);
        });
}

/// Puts the units `which` picks (by index) through their templates, in parallel.
pub(super) fn render_pages_of(
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
pub(super) fn generate_all(
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
    /// What is kept of the finished page published at `url`: with `relative_urls`, its
    /// links to the site's own files made relative first (but the 404 page's, which a
    /// server shows at any address).
    pub(super) fn keep(self, html: &str, url: &str, config: &crate::config::SiteConfig) -> Vec<u8> {
        match self {
            Pages::Minified if config.relative_urls && !url.ends_with("/404.html") => {
                crate::minify::html(&crate::relative_urls::relativise(
                    html,
                    url,
                    &config.base_path,
                ))
            }
            Pages::Minified => crate::minify::html(html),
            Pages::Addresses => Vec::new(),
        }
    }
}

/// The finished page of a unit: its template, the checks on the HTML, minified.
pub(super) fn render_page(
    site: &Site,
    checker: &Checker<'_>,
    site_ctx: &SiteCtx,
    school_ctx: &SchoolCtx,
    u: &mut UnitState,
    pages: Pages,
) {
    if let Some(r) = &mut u.reused {
        // Taken from its record with the downloads it showed then (`unreuse_changed` made
        // the others again): the page written then is the page (carried over from the
        // output, never read into memory).
        r.carried = true;
        u.page = None;
        u.page_findings.clear();
        return;
    }
    let doc = &site.content.documents[u.spec.doc];
    let mut ctx = doc_context(
        &site.config,
        site_ctx,
        school_ctx,
        doc,
        &u.spec,
        &u.headings,
        u.md_html.clone(),
        site.today,
    );
    ctx.page.attach_downloads(site.downloads.get(&u.spec.url));
    let template = template_of(doc);
    u.page_findings.clear();
    match site.templates.render(template, &ctx) {
        Ok(html) => {
            let mut found = Vec::new();
            checker.check_html(
                &u.spec.url,
                template,
                &html,
                doc.kind().def().school_home,
                &mut found,
            );
            for mut f in found {
                f.message = format!("{} (page {})", f.message, u.spec.url);
                f.file = doc.source.name.clone();
                u.page_findings.push(f);
            }
            u.page = Some(pages.keep(&html, &u.spec.url, &site.config));
        }
        Err(e) => {
            u.page_findings.push(e);
            u.page = None;
        }
    }
}
