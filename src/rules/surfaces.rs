//! The checks on a unit's surfaces: its text (joined across markup), links, images and tables.

use super::*;

impl Checker<'_> {
    /// Findings in one page's published text; offsets are those of the parsed text.
    pub fn check_surfaces(&self, s: &Surfaces, out: &mut Vec<Finding>) {
        for surface in &s.texts {
            self.check_text(
                &surface.text,
                Some(surface.kind),
                &|pos| surface.offset_of(pos),
                out,
            );
        }
        for (at, id) in &s.ids {
            self.check_address(id, *at, out);
        }
        for img in &s.images {
            self.check_image(img, out);
        }
        for link in &s.links {
            self.check_link(link, out);
        }
        self.check_blanks(s, out);
    }

    /// An image's alt text and title, its address, whether its file is published, and
    /// whether it has alt text.
    fn check_image(&self, img: &crate::markdown::ImageRef, out: &mut Vec<Finding>) {
        self.check_text(&img.alt, None, &|_| img.offset, out);
        self.check_text(&img.title, None, &|_| img.offset, out);
        self.check_address(&img.src, img.offset, out);
        let src = img.src.trim();
        // A `data:` or `javascript:` address is refused as an unsafe link when rendered.
        let external = src.starts_with("http://")
            || src.starts_with("https://")
            || crate::url_policy::check(src).is_err();
        let file = src
            .strip_prefix(self.base_path.as_str())
            .unwrap_or(src)
            .trim_start_matches('/')
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_string();
        if !external && !self.static_files.contains(&file) {
            out.push(finding(
                RuleId::BrokenInternalLink,
                img.offset,
                src,
                format!("the image `{src}` is not in static/"),
                "put the image in the site's static/ folder and link to it from the site root, e.g. ![A class reading together](/photos/reading.jpg)",
            ));
        }
        let decorative = self.images.get(&file).is_some_and(|i| i.decorative);
        if img.alt.trim().is_empty() && !decorative {
            out.push(finding(
                RuleId::ImageAltMissing,
                img.offset,
                "![",
                format!("the image `{src}` has no alt text"),
                "describe what the image shows between the brackets: ![Pupils using tablets in class](...); if it is only decoration, mark it `decorative = true` in content/images.toml",
            ));
        }
    }

    /// A link's title and address, where it goes (nowhere, a malformed e-mail or telephone
    /// link) and whether its text says where.
    fn check_link(&self, link: &crate::markdown::LinkRef, out: &mut Vec<Finding>) {
        self.check_text(&link.title, None, &|_| link.offset, out);
        if !link.autolink {
            self.check_address(&link.dest, link.offset, out);
        }
        let dest = link.dest.trim();
        self.check_guidance(dest, &|_| link.offset, out);
        if dest.is_empty() || dest == "#" {
            out.push(finding(
                RuleId::PlaceholderLink,
                link.offset,
                "](",
                format!("the link \"{}\" goes nowhere", link.text.trim()),
                "put the address of the page it should open, or remove the link",
            ));
        } else if let Some(addr) = dest.strip_prefix("mailto:") {
            let addr = addr.split('?').next().unwrap_or(addr);
            if text::emails(addr)
                .first()
                .is_none_or(|e| e.malformed.is_some() || e.address != addr)
            {
                out.push(finding(
                    RuleId::MalformedEmail,
                    link.offset,
                    dest,
                    format!("the e-mail link `{dest}` is broken"),
                    "write it as mailto:name@school.sch.uk",
                ));
            }
        } else if let Some(num) = dest.strip_prefix("tel:") {
            let n = crate::phone::national_digits(num);
            if !(10..=11).contains(&n.len())
                && !(n.starts_with("080") && n.len() >= 8)
                && !(3..=6).contains(&n.len())
            {
                out.push(finding(
                    RuleId::MalformedPhone,
                    link.offset,
                    dest,
                    format!("the telephone link `{dest}` is not a valid UK number"),
                    "write it as tel:+441632960000 or tel:01632960000",
                ));
            }
        }
        if text::vague_link_text(&link.text) {
            out.push(finding(
                RuleId::LinkText,
                link.offset,
                &link.text,
                format!(
                    "the link text \"{}\" does not say where the link goes",
                    link.text.trim()
                ),
                "use words that make sense on their own, such as \"our online safety policy\"",
            ));
        } else if link.autolink
            || (text::is_bare_url(&link.text) && !link.dest.starts_with("mailto:"))
        {
            out.push(finding(RuleId::LinkText, link.offset, &link.text, format!("the link text is a bare web address ({})", link.text.trim()), "write what the page is, e.g. [Report to CEOP](https://...), so it reads well aloud"));
        }
    }

    /// What a template left blank or marked for each school: empty header rows, headings,
    /// list items and cells of a table of people, emphasised swappable words, `<placeholder>`s.
    fn check_blanks(&self, s: &Surfaces, out: &mut Vec<Finding>) {
        for &at in &s.headerless_tables {
            out.push(finding(
                RuleId::TableHeader,
                at,
                "|",
                "this table's header row is empty".into(),
                "give each column a heading in the first row, so screen readers can announce it",
            ));
        }
        for &at in &s.empty_headings {
            out.push(finding(
                RuleId::PlaceholderText,
                at,
                "#",
                "this heading is empty".into(),
                "write the heading, or remove the line",
            ));
        }
        for (at, word) in &s.emphasised_words {
            if text::is_swappable_word(word) {
                out.push(finding(
                    RuleId::PlaceholderText,
                    *at,
                    word,
                    format!("`{word}` is emphasised on its own, as templates mark a word each school replaces with its own"),
                    "write the word your school uses (\"academy\", \"students\"…) in plain text, without the `*` or `_` around it",
                ));
            }
        }
        for t in s.tables.iter().filter(|t| text::is_people_table(&t.header)) {
            for &at in &t.empty_cells {
                out.push(finding(
                    RuleId::PlaceholderText,
                    at,
                    "|",
                    "a cell of this table of people and contacts is empty: a blank the template left to fill in".into(),
                    "fill in the name or contact, or write \"none\" (or remove the row) if the school has no one in that role",
                ));
            }
        }
        for &at in &s.empty_items {
            out.push(finding(
                RuleId::PlaceholderText,
                at,
                "-",
                "this list item is empty".into(),
                "write the item, or remove the line",
            ));
        }
        for (at, html) in &s.html {
            if crate::html_text::is_angle_placeholder(html) {
                out.push(finding(
                    RuleId::PlaceholderText,
                    *at,
                    "<",
                    format!(
                        "the placeholder `{}` was left in from a template",
                        html.trim()
                    ),
                    "replace it with the real text, or remove it",
                ));
            }
        }
    }
}
