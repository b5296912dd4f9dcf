//! The checks on rendered pages: the last gate over every published page and file, and the HTML checks.

use super::*;

impl Checker<'_> {
    /// The last gate: pupils' full names anywhere in what is published (a page's text,
    /// attribute values and comments, or a generated file), whatever made it. Findings carry
    /// the name found as their snippet (redacted before output like every finding), so that
    /// the pipeline's last step (`finish_findings`) can drop those already reported at their source.
    pub fn check_published(&self, page: &str, text: &str, diags: &mut Vec<Diagnostic>) {
        let Some(roster) = self.active_roster() else {
            return;
        };
        for range in roster.find(text) {
            let name = &text[range];
            if self.is_staff(name) {
                continue;
            }
            let mut d = RuleId::PupilFullName.error(
                page,
                format!("{PUBLISHED_NAME} ({})", redact(name)),
            )
            .with_hint("look for the name split across table cells or HTML tags, in a template, the site's or a school's settings, or a title, heading or address the page is made from (it is in the page as published, though not in one place of its source), and use the forename only");
            d.snippet = Some(name.to_string());
            diags.push(d);
        }
    }

    /// Checks on a rendered page: one `h1`, a document language, and (on a school's home
    /// page) the CEOP link. `template` is the template the page was made with, named where
    /// a finding may lie in it.
    pub fn check_html(
        &self,
        page: &str,
        template: &str,
        html: &str,
        home: bool,
        diags: &mut Vec<Diagnostic>,
    ) {
        let h1 = html.matches("<h1").count();
        if h1 != 1 {
            diags.push(
                RuleId::HeadingOrder.error(page, format!("this page has {h1} top-level headings (h1), from its text or its template `{template}`; it needs exactly one"))
                    .with_hint(if h1 > 1 {
                        format!("start the text's headings at `##`, as the page's title is its top-level heading (a line starting `# ` makes another one); if the text has none, remove the extra <h1> from the template `{template}`")
                    } else {
                        format!("make the page's title the <h1> of the template `{template}` (see docs/templates.md)")
                    }),
            );
        }
        let lang = html
            .split_once("<html")
            .and_then(|(_, rest)| rest.split_once('>'))
            .and_then(|(attrs, _)| attrs.split_once("lang="))
            .map(|(_, v)| {
                v.trim_start_matches(['"', '\''])
                    .split(['"', '\'', ' ', '>'])
                    .next()
                    .unwrap_or("")
                    .to_string()
            });
        match lang {
            Some(l) if crate::ruleset::document_language::valid_language(&l) => {}
            Some(l) => diags.push(
                RuleId::DocumentLanguage.error(
                    page,
                    format!(
                        "this page declares the language `{l}`, which is not a valid language tag"
                    ),
                )
                .with_hint("set `language = \"en-GB\"` (or another BCP 47 tag) in site.toml"),
            ),
            None => diags.push(
                RuleId::DocumentLanguage.error(
                    page,
                    format!("this page does not declare its language: the <html> tag of its template `{template}` has no `lang`"),
                )
                .with_hint(format!("add lang=\"{{{{ lang }}}}\" to the <html> tag of the template `{template}`")),
            ),
        }
        self.check_published(page, &crate::html_text::published_text(html), diags);
        if home && !links_to_ceop(html) {
            diags.push(
                RuleId::CeopLinkMissing.error(page, "this home page has no CEOP \"report a concern\" link, in its text or its template (the address written as text is not a link)")
                    .with_hint("link to https://www.ceop.police.uk/ceop-reporting/ on the page, or keep the CEOP box the default home and landing templates show"),
            );
        }
    }
}

/// Whether `html` has a link (`href`) to the CEOP site, `ceop.police.uk` or a page under it:
/// the address written as text, or inside another site's address, is not one.
fn links_to_ceop(html: &str) -> bool {
    html.match_indices("href=").any(|(at, _)| {
        let value = &html[at + 5..];
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split([' ', '>', '\t', '\n']).next().unwrap_or(""),
        };
        // Templates escape an address's `/` as `&#x2F;`.
        let value = crate::roster::decode_references(value);
        let value = value.trim();
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .unwrap_or("");
        let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
        let host = host.to_ascii_lowercase();
        host == "ceop.police.uk" || host.ends_with(".ceop.police.uk")
    })
}

#[cfg(test)]
mod ceop_tests {
    use super::links_to_ceop;

    #[test]
    fn only_a_link_to_the_ceop_site_counts() {
        assert!(links_to_ceop(
            r#"<a href="https://www.ceop.police.uk/ceop-reporting/">Report</a>"#
        ));
        assert!(links_to_ceop(
            "<a href=https://www.ceop.police.uk/>Report</a>"
        ));
        assert!(links_to_ceop("<a href='https://CEOP.police.uk'>Report</a>"));
        assert!(links_to_ceop(
            r#"<a href="https:&#x2F;&#x2F;www.ceop.police.uk&#x2F;ceop-reporting&#x2F;">Report</a>"#
        ));
        assert!(!links_to_ceop("<p>Go to www.ceop.police.uk to report.</p>"));
        assert!(!links_to_ceop(
            r#"<a href="https://ceop.police.uk.example/">x</a>"#
        ));
        assert!(!links_to_ceop(
            r#"<a href="https://example.org/?to=ceop.police.uk">x</a>"#
        ));
        assert!(!links_to_ceop(
            r#"<a href="https://notceop.police.uk/">x</a>"#
        ));
    }
}
