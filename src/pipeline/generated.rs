//! The pages made from the documents rather than written: each school's landing page,
//! section lists, band pages, status table, A to Z and 404.

use super::*;

/// Up to 600 characters of a page's text, for the search index.
pub(super) fn search_excerpt(s: &markdown::Surfaces) -> String {
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
pub(super) type Outline<'a> = HashMap<(usize, &'a str), &'a UnitState>;

pub(super) fn outline<'a>(site: &'a Site, units: &'a [UnitState]) -> Outline<'a> {
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

pub(super) use crate::diagnostics::words_and;

/// The templates of the generated pages of each school.
pub(super) const SCHOOL_TEMPLATES: [&str; 7] = [
    "home.html",
    "filtering.html",
    "section.html",
    "charter_index.html",
    "band.html",
    "status.html",
    "az.html",
];

/// Makes the generated pages that `want(school, template)` asks for (`school` is `None` for
/// the landing and 404 pages), each through its template and the checks on its HTML.
pub(super) fn generated_pages(
    site: &Site,
    checker: &Checker<'_>,
    units: &[UnitState],
    pages: Pages,
    want: &(dyn Fn(Option<usize>, &str) -> bool + Sync),
) -> Vec<Generated> {
    let config = &site.config;
    let outline = outline(site, units);
    let site_ctx = site_context(config, &site.content);
    let mut generated: Vec<(&'static str, PageContext)> = Vec::new();
    if config.multi_school() && want(None, "landing.html") {
        generated.push(("landing.html", landing_page(site, &site_ctx)));
    }
    for (s, (school, docs)) in site::school_documents(site).iter().enumerate() {
        if !SCHOOL_TEMPLATES.iter().any(|t| want(Some(s), t)) {
            continue;
        }
        let f = ForSchool::new(site, &site_ctx, s, school, docs, &outline);
        let want = |template: &str| want(Some(s), template);
        if !docs.contains_key("index.md") && want("home.html") {
            generated.push(("home.html", f.default_home()));
        }
        if want("section.html") {
            generated.extend(f.section_pages().map(|p| ("section.html", p)));
        }
        if want("charter_index.html") {
            generated.extend(f.charter_indexes().map(|p| ("charter_index.html", p)));
        }
        if want("band.html") {
            generated.extend(f.band_pages().map(|p| ("band.html", p)));
        }
        if want("status.html") {
            generated.push(("status.html", f.status_page()));
        }
        if want("filtering.html") {
            generated.extend(f.filtering_page().map(|p| ("filtering.html", p)));
        }
        if want("az.html") {
            generated.push(("az.html", f.a_to_z_page()));
        }
    }
    if want(None, "404.html") {
        generated.push(("404.html", not_found_page(site, &site_ctx)));
    }
    generated
        .par_iter()
        .map(|(template, ctx)| render_generated(site, checker, pages, template, ctx))
        .collect()
}

/// A generated page through its template, and the checks on its HTML (findings placed in the
/// template, naming the page).
fn render_generated(
    site: &Site,
    checker: &Checker<'_>,
    pages: Pages,
    template: &'static str,
    ctx: &PageContext,
) -> Generated {
    match site.templates.render(template, ctx) {
        Ok(html) => {
            let mut findings = Vec::new();
            checker.check_html(
                &ctx.page.url,
                template,
                &html,
                matches!(ctx.page.kind, "home" | "landing"),
                &mut findings,
            );
            for f in &mut findings {
                f.message = format!("{} (page {})", f.message, ctx.page.url);
                f.file = format!("templates/{template}");
            }
            Generated {
                url: ctx.page.url.clone(),
                template,
                page: Some(pages.keep(&html, &ctx.page.url, &site.config)),
                findings,
            }
        }
        Err(d) => Generated {
            url: ctx.page.url.clone(),
            template,
            page: None,
            findings: vec![d],
        },
    }
}

/// The federation's landing page: its schools.
fn landing_page(site: &Site, site_ctx: &SiteCtx) -> PageContext {
    let config = &site.config;
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
    context(config, site_ctx, None, page, Vec::new())
}

/// The 404 page.
fn not_found_page(site: &Site, site_ctx: &SiteCtx) -> PageContext {
    let config = &site.config;
    let page = PageCtx::new(
        "not-found",
        "Page not found".into(),
        format!("{}404.html", config.base_path),
    );
    context(config, site_ctx, None, page, Vec::new())
}

/// What one school's generated pages are made from.
struct ForSchool<'a> {
    site: &'a Site,
    site_ctx: &'a SiteCtx,
    s: usize,
    school: &'a School,
    docs: &'a BTreeMap<&'a str, &'a Document>,
    outline: &'a Outline<'a>,
    sc: SchoolCtx,
    base: String,
    home: LinkCtx,
}

impl<'a> ForSchool<'a> {
    fn new(
        site: &'a Site,
        site_ctx: &'a SiteCtx,
        s: usize,
        school: &'a School,
        docs: &'a BTreeMap<&'a str, &'a Document>,
        outline: &'a Outline<'a>,
    ) -> ForSchool<'a> {
        let base = site.config.school_base(school);
        ForSchool {
            site,
            site_ctx,
            s,
            school,
            docs,
            outline,
            sc: school_context(&site.config, &site.content, school, docs),
            home: LinkCtx {
                title: "Home".into(),
                url: base.clone(),
            },
            base,
        }
    }

    /// A page of this school with its breadcrumbs.
    fn page(&self, page: PageCtx, crumbs: Vec<LinkCtx>) -> PageContext {
        context(
            &self.site.config,
            self.site_ctx,
            Some(&self.sc),
            page,
            crumbs,
        )
    }

    /// The home page of a school that has no `index.md`.
    fn default_home(&self) -> PageContext {
        let page = PageCtx::new("home", self.school.name.clone(), self.base.clone());
        self.page(page, Vec::new())
    }

    /// A list page for each section with documents (and no `<section>/index.md` of its own).
    fn section_pages(&self) -> impl Iterator<Item = PageContext> + '_ {
        let config = &self.site.config;
        sections(config).filter_map(move |(section, kind, title)| {
            let items: Vec<ItemCtx> =
                sorted(self.docs.values().copied().filter(|d| d.kind() == kind))
                    .into_iter()
                    .map(|d| ItemCtx {
                        title: d.meta.title.clone(),
                        url: format!("{}{}", self.base, d.slug_path()),
                        description: d.meta.description.clone(),
                        meta: item_meta(config, d),
                    })
                    .collect();
            if items.is_empty()
                || self
                    .docs
                    .contains_key(format!("{section}/index.md").as_str())
            {
                return None;
            }
            let url = format!("{}{section}/", self.base);
            let mut page = PageCtx::new("section", title.to_string(), url);
            page.items = items;
            Some(self.page(page, vec![self.home.clone()]))
        })
    }

    /// Each charter's page listing its bands.
    fn charter_indexes(&self) -> impl Iterator<Item = PageContext> + '_ {
        let config = &self.site.config;
        self.docs
            .values()
            .filter(|d| d.kind() == Kind::Charter)
            .map(move |doc| {
                let url = format!("{}{}", self.base, doc.slug_path());
                let mut page = PageCtx::new("charter-index", doc.meta.title.clone(), url.clone());
                page.description = doc.meta.description.clone();
                page.bands =
                    crate::content::kinds::charter::band_pages(config, self.school, doc, &url);
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
                let (section, _, title) = sections(config)
                    .find(|(_, kind, _)| *kind == Kind::Charter)
                    .unwrap_or(("charters", Kind::Charter, "Pupil charters".into()));
                let crumbs = vec![
                    self.home.clone(),
                    LinkCtx {
                        title: title.to_string(),
                        url: format!("{}{section}/", self.base),
                    },
                ];
                self.page(page, crumbs)
            })
    }

    /// "My child is in …": a page per band the school serves.
    fn band_pages(&self) -> impl Iterator<Item = PageContext> + '_ {
        let config = &self.site.config;
        self.school.bands.iter().filter_map(move |slug| {
            let band = config.band(slug)?;
            let mut page = PageCtx::new(
                "band",
                format!("My child is in {}", band.name),
                format!("{}bands/{}/", self.base, band.slug),
            );
            page.band = Some(crate::content::kinds::band_ctx(band, page.url.clone()));
            page.groups = band_groups(config, self.s, self.school, self.docs, band, self.outline);
            Some(self.page(page, vec![self.home.clone()]))
        })
    }

    /// The policies' review status.
    fn status_page(&self) -> PageContext {
        let config = &self.site.config;
        let mut page = PageCtx::new(
            "status",
            "Policy review status".into(),
            format!("{}status/", self.base),
        );
        page.policies = sorted(
            self.docs
                .values()
                .copied()
                .filter(|d| d.kind() == Kind::Policy),
        )
        .into_iter()
        .filter_map(|d| {
            d.policy().map(|p| StatusCtx {
                title: d.meta.title.clone(),
                url: format!("{}{}", self.base, d.slug_path()),
                policy: crate::content::kinds::policy::context(
                    config,
                    self.school,
                    p,
                    self.site.today,
                ),
            })
        })
        .collect();
        let mut reviews: Vec<(&Document, &crate::content::kinds::review::Review)> = self
            .docs
            .values()
            .filter_map(|d| match &d.data {
                crate::content::kinds::KindData::Review(r) => Some((*d, r)),
                _ => None,
            })
            .collect();
        reviews.sort_by_key(|(_, r)| std::cmp::Reverse(r.reviewed.as_ref().map(|x| x.start)));
        page.reviews = reviews
            .into_iter()
            .map(|(d, r)| ReviewLinkCtx {
                title: d.meta.title.clone(),
                url: format!("{}{}", self.base, d.slug_path()),
                review: crate::content::kinds::review::context(self.school, r, self.site.today),
            })
            .collect();
        page.school_type = self
            .school
            .publishing
            .school_type
            .as_deref()
            .and_then(crate::statutory::type_name)
            .unwrap_or_default()
            .to_string();
        page.statutory = crate::statutory::rows(config, self.school, self.docs, self.site.today)
            .into_iter()
            .map(statutory_ctx)
            .collect();
        self.page(page, vec![self.home.clone()])
    }

    /// The parents' summary of the school's filtering and monitoring, from its latest review.
    fn filtering_page(&self) -> Option<PageContext> {
        let (_, r) = crate::content::kinds::review::latest(self.docs.values().copied())?;
        let mut page = PageCtx::new(
            "filtering",
            "Filtering and monitoring: what parents and carers need to know".into(),
            format!("{}{FILTERING_PATH}", self.base),
        );
        page.description = format!(
            "How {} filters and monitors what pupils see online at school, and how it checks that this works.",
            self.school.name
        );
        page.review = Some(crate::content::kinds::review::context(
            self.school,
            r,
            self.site.today,
        ));
        Some(self.page(page, vec![self.home.clone()]))
    }

    /// The A to Z of the school's documents and their sections.
    fn a_to_z_page(&self) -> PageContext {
        let mut page = PageCtx::new("a-z", "A to Z".into(), format!("{}a-z/", self.base));
        page.groups = a_to_z(self.s, self.docs, &self.base, self.school, self.outline);
        self.page(page, vec![self.home.clone()])
    }
}

/// A row of "What we must publish".
fn statutory_ctx(r: crate::statutory::Row) -> StatutoryCtx {
    use crate::statutory::Standing;
    let (status, status_text, url) = match r.standing {
        Standing::Here(url) => ("present", "Published on this site".to_string(), url),
        Standing::Elsewhere(url) => (
            "elsewhere",
            "Published on the school's website".to_string(),
            url,
        ),
        Standing::Shown => ("shown", "Shown on every page".to_string(), String::new()),
        Standing::OutOfDate(url, since, _) => (
            "out-of-date",
            format!("Out of date: due for review by {since}"),
            url,
        ),
        Standing::Missing(_) => ("missing", "Missing".to_string(), String::new()),
    };
    StatutoryCtx {
        title: r.title,
        status,
        status_text,
        url,
        source: r.source,
    }
}

/// What a band page gathers: the band's charter, its guides, and the policy sections about it.
pub(super) fn band_groups(
    config: &SiteConfig,
    s: usize,
    school: &School,
    docs: &BTreeMap<&str, &Document>,
    band: &crate::config::Band,
    outline: &Outline<'_>,
) -> Vec<GroupCtx> {
    let base = config.school_base(school);
    let for_band = |d: &&Document| d.bands().is_none_or(|b| b.contains(&band.slug));
    let charters: Vec<ItemCtx> =
        sorted(docs.values().copied().filter(|d| d.kind() == Kind::Charter))
            .into_iter()
            .filter(for_band)
            .map(|d| ItemCtx {
                title: format!("{}: {}", d.meta.title, band.name),
                url: format!("{base}{}{}/", d.slug_path(), band.slug),
                description: d.meta.description.clone(),
                meta: "Read it together, then sign and return it to school.".into(),
            })
            .collect();
    let guides: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind() == Kind::Guide))
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
    for d in sorted(docs.values().copied().filter(|d| d.kind() == Kind::Policy)) {
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
            title: format!("Our {}", config.charters.name),
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
pub(super) fn a_to_z(
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
        if d.kind() == Kind::Charter {
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
