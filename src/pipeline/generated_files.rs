//! The files made from the documents: search indexes, sitemap, robots.txt and the feed.

use super::*;

/// Which of the other files to make.
pub(super) struct Extras<'a> {
    /// The search indexes of these schools (`None`: all).
    pub(super) search: Option<&'a HashSet<usize>>,
    /// The sitemap and robots.txt.
    pub(super) sitemap: bool,
    pub(super) feed: bool,
}

impl Extras<'_> {
    pub(super) const ALL: Extras<'static> = Extras {
        search: None,
        sitemap: true,
        feed: true,
    };
}

/// Search indexes, sitemap, robots.txt and the feed, as `what` asks.
pub(super) fn extra_files(
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
        .map(|u| config.absolute_url(u))
        .collect();
    urls.sort();
    urls.dedup();
    files.push(("sitemap.xml".into(), feeds::sitemap(&urls).into_bytes()));
    let sitemap = config.absolute_url(&format!("{}sitemap.xml", config.base_path));
    files.push((
        "robots.txt".into(),
        format!("User-agent: *\nAllow: /\nSitemap: {sitemap}\n").into_bytes(),
    ));
    files
}

/// A unit's entries in its school's search index: one for the page and one per section, as
/// JSON objects joined by commas.
pub(super) fn search_entries(site: &Site, u: &UnitState) -> String {
    let doc = &site.content.documents[u.spec.doc];
    // A review record is the governors' (the status page links it): parents searching the
    // site find the summary written for them instead.
    if doc.kind() == Kind::Review {
        return String::new();
    }
    let school = &site.config.schools[u.spec.school];
    let base = site.config.school_base(school);
    let url = match u.spec.band {
        None => u.spec.url.clone(),
        Some(_) => format!("{base}{}", doc.slug_path()),
    };
    // With relative addresses, relative to the index (in the school's folder): search.js
    // resolves each against the index's own address.
    let url = if site.config.relative_urls {
        crate::relative_urls::relative(&base, &url, true)
    } else {
        url
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
pub(super) fn search_index(
    s: usize,
    docs: &BTreeMap<&str, &Document>,
    outline: &Outline<'_>,
) -> Vec<u8> {
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
