//! SVG: an image that is also a program. A browser opening `static/logo.svg` runs its
//! `<script>`, its `onload=` handlers and its `javascript:` links on the site's own address,
//! so an SVG with any active content is refused.

/// Whether the file is an SVG document: its first element (after the XML declaration,
/// comments and a doctype) is `<svg`. An HTML page with an inline `<svg>` is not one.
pub fn is_svg(b: &[u8]) -> bool {
    let head = &b[..b.len().min(64 << 10)];
    let Some(text) = super::text::decode(head).or_else(|| {
        // The cut may have split a character: decode what is valid.
        let valid = match std::str::from_utf8(head) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        std::str::from_utf8(&head[..valid]).ok().map(str::to_owned)
    }) else {
        return false;
    };
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    for _ in 0..64 {
        if rest.starts_with("<?") {
            let Some(end) = rest.find("?>") else {
                return false;
            };
            rest = rest[end + 2..].trim_start();
        } else if rest.starts_with("<!--") {
            let Some(end) = rest.find("-->") else {
                return false;
            };
            rest = rest[end + 3..].trim_start();
        } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case("<!doctype") {
            // A doctype may hold an internal subset in [ … ].
            let end = match (rest.find('['), rest.find('>')) {
                (Some(open), Some(close)) if open < close => {
                    rest[open..].find("]>").map(|e| open + e + 1)
                }
                (_, close) => close,
            };
            let Some(end) = end else { return false };
            rest = rest[end + 1..].trim_start();
        } else {
            break;
        }
    }
    let lower = rest.get(..5).map(str::to_ascii_lowercase);
    matches!(
        lower.as_deref(),
        Some("<svg " | "<svg>" | "<svg\n" | "<svg\t" | "<svg\r" | "<svg/")
    ) || rest.starts_with("<svg:svg")
}

/// What active content an SVG has, if any: scripts, event-handler attributes, `javascript:`
/// (or `data:` HTML) links, embedded HTML or other documents, and entity declarations (which
/// can hide any of these, or expand without end).
pub fn active_content(b: &[u8]) -> Option<&'static str> {
    let raw = String::from_utf8_lossy(b);
    // Character references and whitespace can spell any of these: `&#106;avascript:`,
    // `java\tscript:`.
    let decoded = super::text::decode_references(&raw);
    let squeezed: String = decoded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    let lower = decoded.to_lowercase();
    if lower.contains("<!entity") {
        return Some("an entity declaration");
    }
    if lower.contains("<script") || lower.contains(":script") {
        return Some("a <script> element");
    }
    if lower.contains("<foreignobject") || lower.contains(":foreignobject") {
        return Some("a <foreignObject> element, which can hold HTML");
    }
    for element in [
        "<iframe",
        "<embed",
        "<object",
        "<html",
        "<body",
        "<handler",
        "<listener",
    ] {
        if lower.contains(element) {
            return Some("an embedded document or HTML element");
        }
    }
    if squeezed.contains("javascript:") || squeezed.contains("vbscript:") {
        return Some("a javascript: link");
    }
    if squeezed.contains("data:text/html")
        || squeezed.contains("data:application/")
        || squeezed.contains("data:image/svg")
    {
        return Some("an embedded document in a data: link");
    }
    if has_event_attribute(&lower) {
        return Some("an event-handler attribute such as onload=");
    }
    if lower.contains("<set ") || lower.contains("<animate") {
        // Animation can set an `href` to `javascript:` or add a handler at run time.
        if lower.contains("attributename=\"href\"")
            || lower.contains("attributename='href'")
            || lower.contains("xlink:href\"")
            || squeezed.contains("attributename=\"on")
            || squeezed.contains("attributename='on")
        {
            return Some("an animation that changes a link or a handler");
        }
    }
    None
}

/// An attribute named `on…` inside a tag (`<svg onload=`, `<a onclick =`).
fn has_event_attribute(lower: &str) -> bool {
    let b = lower.as_bytes();
    let mut in_tag = false;
    let mut quote = 0u8;
    for i in 0..b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
            continue;
        }
        match c {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'"' | b'\'' if in_tag => quote = c,
            b'o' if in_tag
                && i > 0
                && (b[i - 1].is_ascii_whitespace()
                    || b[i - 1] == b'/'
                    || b[i - 1] == b':'
                    || b[i - 1] == b'"'
                    || b[i - 1] == b'\'')
                && b.get(i + 1) == Some(&b'n') =>
            {
                let name_end = b[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_'))
                    .map_or(b.len(), |p| i + p);
                let after = b[name_end..].iter().find(|c| !c.is_ascii_whitespace());
                if name_end > i + 2 && after == Some(&b'=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_documents_are_told_from_html() {
        assert!(is_svg(
            b"<?xml version=\"1.0\"?>\n<!-- x -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
        ));
        assert!(is_svg(
            b"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg>"
        ));
        assert!(!is_svg(b"<!DOCTYPE html><html><body><svg></svg>"));
    }

    #[test]
    fn active_content_is_found_however_written() {
        let clean = "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>Logo</title><a href=\"https://example.org/\"><circle r=\"4\" fill=\"red\"/></a></svg>";
        assert_eq!(active_content(clean.as_bytes()), None);
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><SCRIPT xlink:href=\"x.js\"/></svg>",
            "<svg onload=\"alert(1)\"/>",
            "<svg><circle\nONCLICK = 'x()'/></svg>",
            "<svg><a href=\"java&#x09;script:alert(1)\">x</a></svg>",
            "<svg><a xlink:href=\"&#106;avascript:alert(1)\">x</a></svg>",
            "<svg><foreignObject><div/></foreignObject></svg>",
            "<!DOCTYPE svg [<!ENTITY a \"b\">]><svg>&a;</svg>",
            "<svg><set attributeName=\"href\" to=\"javascript:alert(1)\"/></svg>",
            "<svg><image href=\"data:image/svg+xml;base64,AAA\"/></svg>",
        ] {
            assert!(active_content(bad.as_bytes()).is_some(), "{bad}");
        }
    }
}
