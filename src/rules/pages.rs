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
    /// page) the CEOP link.
    pub fn check_html(&self, page: &str, html: &str, home: bool, diags: &mut Vec<Diagnostic>) {
        let h1 = html.matches("<h1").count();
        if h1 != 1 {
            diags.push(
                RuleId::HeadingOrder.error(page, format!("this page has {h1} top-level headings (h1); it needs exactly one"))
                    .with_hint(if h1 > 1 {
                        "the page's title is its top-level heading: start the text's headings at `##` (a line starting `# ` makes another one); if the text has none, a template adds it"
                    } else {
                        "the page's template must show the title as its <h1> (see docs/templates.md)"
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
                    "this page does not declare its language",
                )
                .with_hint("add lang=\"{{ lang }}\" to the template's <html> tag"),
            ),
        }
        self.check_published(page, &crate::html_text::published_text(html), diags);
        if home && !html.contains("ceop.police.uk") {
            diags.push(
                RuleId::CeopLinkMissing.error(page, "this school's home page has no CEOP \"report a concern\" link, in its text or its template")
                    .with_hint("link to https://www.ceop.police.uk/ceop-reporting/ on the page, or keep the CEOP box the default home template shows"),
            );
        }
    }
}
