//! Machine-readable files about the site: `sitemap.xml` and an Atom feed of policy versions.
//! Pure: returns text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::config::{School, SiteConfig};
use crate::content::{Document, Kind};
use crate::dates::Date;

/// `s` as XML 1.0 text or attribute value: markup characters escaped, line breaks and tabs
/// written as character references (so attributes keep them), and the characters XML 1.0
/// forbids (most control characters, U+FFFE, U+FFFF) and the C1 controls dropped.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

/// A full address as a sitemap or feed gives it: characters that may not stand in a URL
/// (spaces, non-ASCII letters, quotes) percent-encoded, control characters dropped, then
/// escaped for XML.
fn xml_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_control() {
            continue;
        }
        if c.is_ascii_graphic()
            && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
        {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    xml_escape(&out)
}

/// A sitemap listing `urls` (full addresses).
pub fn sitemap(urls: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        let _ = writeln!(out, "  <url><loc>{}</loc></url>", xml_url(u));
    }
    out.push_str("</urlset>\n");
    out
}

/// An Atom feed with one entry per version of each school's policies: the current version
/// (dated by its approval) and every earlier one listed under `[[changes]]`.
pub fn atom(
    config: &SiteConfig,
    schools: &[(&School, BTreeMap<&str, &Document>)],
    today: Date,
) -> String {
    let origin = config.base_url.trim_end_matches('/').to_string();
    let origin = origin
        .strip_suffix(config.base_path.trim_end_matches('/'))
        .unwrap_or(&origin)
        .to_string();
    let host = origin
        .split("://")
        .nth(1)
        .unwrap_or("example.org")
        .to_string();
    let mut entries: Vec<(Date, String)> = Vec::new();
    for (school, docs) in schools {
        let base = config.school_base(school);
        for d in docs.values().filter(|d| d.kind() == Kind::Policy) {
            let Some(p) = d.policy() else { continue };
            let url = format!("{origin}{base}{}", d.slug_path());
            let mut versions: Vec<(String, Date, String)> = Vec::new();
            if let Some(a) = &p.approved {
                versions.push((
                    p.version.clone(),
                    a.start,
                    format!("Approved by {} ({}).", p.approved_by, a.display),
                ));
            }
            for c in &p.changes {
                versions.push((c.version.clone(), c.date.start, c.summary.clone()));
            }
            for (version, date, summary) in versions {
                let title = format!(
                    "{}: {} version {}",
                    school.short_name, d.meta.title, version
                );
                let id = format!("tag:{host},{date}:{}{}v{}", base, d.slug_path(), version);
                let mut e = String::new();
                let _ = writeln!(e, "  <entry>");
                let _ = writeln!(e, "    <title>{}</title>", xml_escape(&title));
                let _ = writeln!(e, "    <id>{}</id>", xml_url(&id));
                let _ = writeln!(
                    e,
                    "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                    xml_url(&url)
                );
                let _ = writeln!(e, "    <updated>{date}T00:00:00Z</updated>");
                let _ = writeln!(e, "    <summary>{}</summary>", xml_escape(&summary));
                let _ = writeln!(e, "  </entry>");
                entries.push((date, e));
            }
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0));
    let updated = entries.first().map_or(today, |e| e.0);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    let _ = writeln!(
        out,
        "  <title>{}: policy changes</title>",
        xml_escape(&config.title)
    );
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(&config.base_url));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" href=\"{}feed.xml\"/>",
        xml_escape(&format!("{origin}{}", config.base_path))
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" href=\"{}\"/>",
        xml_escape(&config.base_url)
    );
    let _ = writeln!(out, "  <updated>{updated}T00:00:00Z</updated>");
    let _ = writeln!(
        out,
        "  <author><name>{}</name></author>",
        xml_escape(&config.title)
    );
    for (_, e) in entries {
        out.push_str(&e);
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_keeps_to_what_xml_allows() {
        assert_eq!(
            xml_escape("a\u{1b}[31m<b>&\"\n\u{0}\u{85}\u{fffe}é"),
            "a[31m&lt;b&gt;&amp;&quot;&#10;é"
        );
        assert_eq!(
            xml_url("https://a.example/guides/café menu/\n?x=\"1\""),
            "https://a.example/guides/caf%C3%A9%20menu/?x=%221%22"
        );
    }

    #[test]
    fn sitemap_is_well_formed_whatever_the_addresses() {
        let map = sitemap(&["https://a.example/a\u{1b}b/".into()]);
        assert!(map.contains("<loc>https://a.example/ab/</loc>"), "{map}");
        assert!(!map.chars().any(|c| c.is_control() && c != '\n'));
    }
}
