//! Smaller copies of what is published: pages (through minify-html) and stylesheets.

/// The page minified; as it is when it nests elements deeper than the minifier can take
/// (raw HTML or a template nesting hundreds of elements): see [`crate::limits::MAX_MINIFY_DEPTH`].
pub fn html(html: &str) -> Vec<u8> {
    if crate::limits::html_depth(html) > crate::limits::MAX_MINIFY_DEPTH {
        return html.as_bytes().to_vec();
    }
    let cfg = minify_html::Cfg {
        keep_html_and_head_opening_tags: true,
        keep_closing_tags: true,
        minify_css: true,
        minify_js: false,
        minify_doctype: false,
        keep_comments: false,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html.as_bytes(), &cfg)
}

/// A smaller copy of a stylesheet, through lightningcss (the CSS minifier minify-html uses for
/// inline styles: shorter colours and values, merged rules); when it cannot read the sheet,
/// or makes it no smaller, [`css_light`]'s copy.
pub fn css(css: &str) -> String {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let light = css_light(css);
    let Ok(mut sheet) = StyleSheet::parse(css, ParserOptions::default()) else {
        return light;
    };
    if sheet.minify(MinifyOptions::default()).is_err() {
        return light;
    }
    let printed = sheet.to_css(PrinterOptions {
        minify: true,
        ..PrinterOptions::default()
    });
    match printed {
        Ok(out) if out.code.len() < light.len() => out.code,
        _ => light,
    }
}

/// A smaller copy of a stylesheet: comments dropped, runs of white space folded, and the
/// space around `{`, `}` and `;` removed. Text inside quotes is kept exactly.
pub fn css_light(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for n in chars.by_ref() {
                if last == '*' && n == '/' {
                    break;
                }
                last = n;
            }
            pending_space = true;
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            let prev = out.chars().last();
            let tight = |x: char| matches!(x, '{' | '}' | ';');
            if !out.is_empty() && !prev.is_some_and(tight) && !tight(c) {
                out.push(' ');
            }
            pending_space = false;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::css_light as minify_css;

    #[test]
    fn lightningcss_makes_it_smaller_and_keeps_what_it_says() {
        let css = "/* head */\na :focus ,\n.b:hover {\n  color : #ff0000;\n}\n@supports selector(::details-content) {\n  @media (min-width: 40em) { .m::details-content { content-visibility: visible; } }\n}\n";
        let out = super::css(css);
        assert!(out.len() < minify_css(css).len(), "{out}");
        assert!(out.contains("a :focus,.b:hover{color:red}"), "{out}");
        assert!(
            out.contains("::details-content{content-visibility:visible}"),
            "{out}"
        );
        // Never longer than the light copy, whatever the sheet.
        for odd in [
            "a { color: red; } }}} @media {",
            "\"",
            "@import url(",
            "a{b:c",
        ] {
            assert!(super::css(odd).len() <= minify_css(odd).len(), "{odd}");
        }
    }

    #[test]
    fn folds_space_and_comments_but_keeps_strings_and_selectors() {
        let css = "/* head */\na :focus ,\n.b:hover {\n  content: \" (  /* x */ \" ;\n  color : red;\n}\n@media print { .c { display: none } }\n";
        assert_eq!(
            minify_css(css),
            "a :focus , .b:hover{content: \" (  /* x */ \";color : red;}@media print{.c{display: none}}"
        );
    }
}
