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

/// `a`, `a and b`, `a, b and c`.
pub(super) fn words_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The templates of the generated pages of each school.
pub(super) const SCHOOL_TEMPLATES: [&str; 6] = [
    "home.html",
    "section.html",
    "charter_index.html",
    "band.html",
    "status.html",
    "az.html",
];

/// Makes the generated pages that `want(school, template)` asks for (`school` is `None` for
/// the landing and 404 pages).
pub(super) fn generated_pages(
    site: &Site,
    checker: &Checker<'_>,
    units: &[UnitState],
    pages: Pages,
    want: &(dyn Fn(Option<usize>, &str) -> bool + Sync),
) -> Vec<Generated> {
    let config = &site.config;
    let per_school = site::school_documents(site);
    let outline = outline(site, units);
    let site_ctx = site_context(config);
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
            context(config, &site_ctx, None, page, Vec::new()),
        ));
    }
    for (s, (school, docs)) in per_school.iter().enumerate() {
        if !SCHOOL_TEMPLATES.iter().any(|t| want(Some(s), t)) {
            continue;
        }
        let sc = school_context(config, &site.content, school, docs);
        let base = config.school_base(school);
        let home = LinkCtx {
            title: "Home".into(),
            url: base.clone(),
        };
        if !docs.contains_key("index.md") && want(Some(s), "home.html") {
            let page = PageCtx::new("home", school.name.clone(), base.clone());
            generated.push((
                "home.html",
                context(config, &site_ctx, Some(&sc), page, Vec::new()),
            ));
        }
        for (section, kind, title) in sections() {
            if !want(Some(s), "section.html") {
                break;
            }
            let items: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind() == kind))
                .into_iter()
                .map(|d| ItemCtx {
                    title: d.meta.title.clone(),
                    url: format!("{base}{}", d.slug_path()),
                    description: d.meta.description.clone(),
                    meta: item_meta(config, d),
                })
                .collect();
            if items.is_empty() || docs.contains_key(format!("{section}/index.md").as_str()) {
                continue;
            }
            let mut page = PageCtx::new("section", title.to_string(), format!("{base}{section}/"));
            page.items = items;
            generated.push((
                "section.html",
                context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
            ));
        }
        for doc in docs
            .values()
            .filter(|d| d.kind() == Kind::Charter && want(Some(s), "charter_index.html"))
        {
            let url = format!("{base}{}", doc.slug_path());
            let mut page = PageCtx::new("charter-index", doc.meta.title.clone(), url.clone());
            page.description = doc.meta.description.clone();
            page.bands = charter_bands(config, school, doc, &url);
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
                context(config, &site_ctx, Some(&sc), page, crumbs),
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
            page.band = Some(band_ctx(band, page.url.clone()));
            page.groups = band_groups(config, s, school, docs, band, &outline);
            generated.push((
                "band.html",
                context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
            ));
        }
        if want(Some(s), "status.html") {
            let mut page = PageCtx::new(
                "status",
                "Policy review status".into(),
                format!("{base}status/"),
            );
            page.policies = sorted(docs.values().copied().filter(|d| d.kind() == Kind::Policy))
                .into_iter()
                .filter_map(|d| {
                    d.policy().map(|p| StatusCtx {
                        title: d.meta.title.clone(),
                        url: format!("{base}{}", d.slug_path()),
                        policy: policy_ctx(config, school, p, site.today),
                    })
                })
                .collect();
            generated.push((
                "status.html",
                context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
            ));
        }
        if want(Some(s), "az.html") {
            let mut page = PageCtx::new("a-z", "A to Z".into(), format!("{base}a-z/"));
            page.groups = a_to_z(s, docs, &base, school, &outline);
            generated.push((
                "az.html",
                context(config, &site_ctx, Some(&sc), page, vec![home.clone()]),
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
            context(config, &site_ctx, None, page, Vec::new()),
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
