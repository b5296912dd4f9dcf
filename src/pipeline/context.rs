//! The template contexts of the pages, made from the model: the site, a school, a
//! document's page. Templates see only these (`render::*Ctx`), never the model itself.

use super::*;
use crate::config::{self, role_title};
use crate::content::{self, Content};
use crate::dates::Date;

/// The sections of a school's site that list documents: (web path, kind, title), from the
/// kinds that have one, in the registry's order.
pub(super) fn sections() -> impl Iterator<Item = (&'static str, Kind, &'static str)> {
    Kind::ALL.iter().filter_map(|&kind| {
        let def = kind.def();
        match (def.path, def.section) {
            (content::kinds::KindPath::Folder(folder), Some(title)) => Some((folder, kind, title)),
            _ => None,
        }
    })
}

pub(super) fn item_meta(config: &SiteConfig, doc: &Document) -> String {
    match (doc.policy(), doc.bands()) {
        (Some(p), _) => {
            let mut parts = Vec::new();
            if !p.version.is_empty() {
                parts.push(format!("Version {}", p.version));
            }
            if let Some(r) = &p.next_review {
                parts.push(format!("next review {}", r.display));
            }
            parts.join(", ")
        }
        (None, Some(bands)) if doc.kind() == Kind::Guide => {
            let names: Vec<&str> = bands
                .iter()
                .filter_map(|b| config.band(b).map(|b| b.name.as_str()))
                .collect();
            format!("For: {}", names.join("; "))
        }
        _ => String::new(),
    }
}

pub(super) fn site_context(config: &SiteConfig) -> SiteCtx {
    SiteCtx {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        multi_school: config.multi_school(),
        home_url: config.base_path.clone(),
        css_url: format!("{}style.css", config.base_path),
        favicon_url: format!("{}favicon.svg", config.base_path),
        feed_url: format!("{}feed.xml", config.base_path),
        search_js_url: format!("{}search.js", config.base_path),
        schools: config
            .schools
            .iter()
            .map(|s| SchoolLinkCtx {
                slug: s.slug.clone(),
                name: s.name.clone(),
                short_name: s.short_name.clone(),
                url: config.school_base(s),
            })
            .collect(),
    }
}

pub(super) fn person(school: &School, id: &str) -> PersonCtx {
    let people = school.roles.get(id);
    let p = people.first();
    PersonCtx {
        id: id.to_string(),
        title: role_title(id).unwrap_or(id).to_string(),
        name: people
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        email: p.map(|p| p.email.clone()).unwrap_or_default(),
        phone: p.map(|p| p.phone.clone()).unwrap_or_default(),
    }
}

pub(super) fn charter_bands(
    config: &SiteConfig,
    school: &School,
    doc: &Document,
    url: &str,
) -> Vec<BandCtx> {
    config
        .bands
        .iter()
        .filter(|b| school.bands.contains(&b.slug))
        .filter(|b| doc.bands().is_none_or(|list| list.contains(&b.slug)))
        .map(|b| band_ctx(b, format!("{url}{}/", b.slug)))
        .collect()
}

pub(super) fn band_ctx(b: &config::Band, url: String) -> BandCtx {
    BandCtx {
        slug: b.slug.clone(),
        name: b.name.clone(),
        young: b.young,
        parent_signs: b.parent_signs,
        url,
    }
}

pub(super) fn school_context(
    config: &SiteConfig,
    content: &Content,
    school: &School,
    docs: &BTreeMap<&str, &Document>,
) -> SchoolCtx {
    let base = config.school_base(school);
    let mut nav = vec![NavCtx {
        title: "Home".into(),
        url: base.clone(),
        current: false,
    }];
    for (section, kind, title) in sections() {
        if docs.values().any(|d| d.kind() == kind) {
            nav.push(NavCtx {
                title: title.split(' ').next().map_or(title, |_| title).to_string(),
                url: format!("{base}{section}/"),
                current: false,
            });
        }
    }
    for doc in sorted(
        docs.values()
            .copied()
            .filter(|d| d.kind() == Kind::Page && d.meta.nav),
    ) {
        nav.push(NavCtx {
            title: doc.meta.title.clone(),
            url: format!("{base}{}", doc.slug_path()),
            current: false,
        });
    }
    let roles: Vec<PersonCtx> = config::ROLE_TITLES
        .iter()
        .filter(|(id, _)| !school.roles.get(id).is_empty())
        .map(|(id, _)| person(school, id))
        .collect();
    SchoolCtx {
        slug: school.slug.clone(),
        name: school.name.clone(),
        short_name: school.short_name.clone(),
        url: base.clone(),
        address: school.contact.address.clone(),
        phone: school.contact.phone.clone(),
        email: school.contact.email.clone(),
        website: school.contact.website.clone(),
        dsl: school.roles.dsl.as_ref().map(|_| person(school, "dsl")),
        roles,
        bands: config
            .bands
            .iter()
            .filter(|b| school.bands.contains(&b.slug))
            .map(|b| band_ctx(b, format!("{base}bands/{}/", b.slug)))
            .collect(),
        phone_href: tel_href(&school.contact.phone),
        status_url: format!("{base}status/"),
        az_url: format!("{base}a-z/"),
        search_index_url: format!("{base}search-index.json"),
        ceop: Some({
            let c = content.ceop();
            ContactCtx {
                name: c.name,
                url: c.url,
                description: c.description,
            }
        }),
        nav,
    }
}

/// "01632 960000" → "+441632960000"; empty when there is no number.
pub(super) fn tel_href(phone: &str) -> String {
    let national = crate::phone::national_digits(phone);
    match national.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => format!("+44{rest}"),
        _ => national,
    }
}

pub(super) fn context(
    config: &SiteConfig,
    site: &SiteCtx,
    school: Option<&SchoolCtx>,
    page: PageCtx,
    crumbs: Vec<LinkCtx>,
) -> PageContext {
    let school = school.map(|s| {
        let mut s = s.clone();
        for item in &mut s.nav {
            item.current = item.url == page.url;
        }
        s
    });
    let mut page = page;
    page.canonical_url = config.absolute_url(&page.url);
    PageContext {
        lang: config.language.clone(),
        site: site.clone(),
        school,
        page,
        crumbs,
    }
}

/// A policy's metadata as templates (and the status page) see it.
pub(super) fn policy_ctx(
    config: &SiteConfig,
    school: &School,
    p: &content::PolicyMeta,
    today: Date,
) -> PolicyCtx {
    let status = p.review_status(today, config.rules.settings.review_due_soon.days);
    PolicyCtx {
        version: p.version.clone(),
        approved_by: p.approved_by.clone(),
        approved: p
            .approved
            .as_ref()
            .map(|d| d.display.clone())
            .unwrap_or_default(),
        minute_ref: p.minute_ref.clone(),
        review_period: p.review_period.map(|r| r.to_string()).unwrap_or_default(),
        next_review: p
            .next_review
            .as_ref()
            .map(|d| d.display.clone())
            .unwrap_or_default(),
        owner: if p.owner.is_empty() {
            PersonCtx {
                id: String::new(),
                title: String::new(),
                name: String::new(),
                email: String::new(),
                phone: String::new(),
            }
        } else {
            person(school, &p.owner)
        },
        approved_iso: p
            .approved
            .as_ref()
            .map(|d| d.start.to_string())
            .unwrap_or_default(),
        next_review_iso: p
            .next_review
            .as_ref()
            .map(|d| d.end.to_string())
            .unwrap_or_default(),
        status: status.id().to_string(),
        status_text: status.words().to_string(),
        overdue_notice: status == content::ReviewStatus::Overdue
            && config.rules.settings.review_overdue.notice,
        changes: p
            .changes
            .iter()
            .map(|c| ChangeCtx {
                version: c.version.clone(),
                date: c.date.display.clone(),
                summary: c.summary.clone(),
            })
            .collect(),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn doc_context(
    config: &SiteConfig,
    site: &SiteCtx,
    school: &SchoolCtx,
    doc: &Document,
    u: &UnitSpec,
    headings: &[markdown::Heading],
    html: String,
    today: Date,
) -> PageContext {
    let base = &school.url;
    let title = if doc.meta.title.is_empty() && doc.kind() == Kind::Home {
        school.name.clone()
    } else {
        doc.meta.title.clone()
    };
    let kind = doc.kind().def().id;
    let mut page = PageCtx::new(kind, title, u.url.clone());
    page.description = doc.meta.description.clone();
    page.content = html;
    page.toc = headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| TocCtx {
            id: h.id.clone(),
            number: h.number.clone(),
            title: h.title.clone(),
            level: h.level,
        })
        .collect();
    let school_data = config.school(&school.slug);
    if let (Some(p), Some(s)) = (doc.policy(), school_data) {
        page.policy = Some(policy_ctx(config, s, p, today));
    }
    let home = LinkCtx {
        title: "Home".into(),
        url: base.clone(),
    };
    let mut crumbs = Vec::new();
    if doc.kind() != Kind::Home {
        crumbs.push(home);
    }
    if let Some((section, _, title)) = sections().find(|(_, k, _)| *k == doc.kind()) {
        crumbs.push(LinkCtx {
            title: title.to_string(),
            url: format!("{base}{section}/"),
        });
    }
    match u.band {
        Some(i) => {
            let charter_url = format!("{base}{}", doc.slug_path());
            let band = &config.bands[i];
            page.band = Some(band_ctx(band, u.url.clone()));
            if let Some(s) = school_data {
                page.bands = charter_bands(config, s, doc, &charter_url);
            }
            crumbs.push(LinkCtx {
                title: doc.meta.title.clone(),
                url: charter_url,
            });
        }
        None => {
            if let Some(bands) = &doc.bands() {
                page.bands = bands
                    .iter()
                    .filter_map(|b| config.band(b))
                    .map(|b| band_ctx(b, String::new()))
                    .collect();
            } else if doc.kind() == Kind::Guide {
                page.bands = config
                    .bands
                    .iter()
                    .map(|b| band_ctx(b, String::new()))
                    .collect();
            }
        }
    }
    if let Some(s) = school_data {
        page.risks = doc
            .risks()
            .iter()
            .map(|r| RiskCtx {
                activity: r.activity.clone(),
                risk: r.risk.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                score: r.score(),
                level: r.level().to_string(),
                owner: match role_title(&r.owner) {
                    Some(title) => {
                        let p = person(s, &r.owner);
                        if p.name.is_empty() {
                            title.to_string()
                        } else {
                            format!("{title} ({})", p.name)
                        }
                    }
                    None => r.owner.clone(),
                },
                controls: r.controls.clone(),
            })
            .collect();
    }
    context(config, site, Some(school), page, crumbs)
}
