//! `relative_urls = true`: a page's links to the site's own files written relative to the
//! page, so the built folder works wherever it is put: opened from the disk or a USB stick,
//! or uploaded under any path of a school's existing website.
//!
//! Pages are made with site-root paths (`/riverbend/policies/online-safety/`) like any
//! other; this rewrites the addresses in a finished page's tags (`href`, `src`, `srcset`,
//! `action`, `formaction`, `poster`, `data-search-index`) that start with the site's path.
//! A link to a folder gets its `index.html`, which a web server adds by itself and a file
//! opened from the disk does not. Addresses of other sites, fragments (`#top`) and
//! everything outside tags are left as they are; so is the 404 page, which a server shows
//! at any depth. Pure: no I/O.

use std::ops::Range;

/// The attributes whose value is an address a reader's browser follows or loads.
fn rewrites(name: &str) -> bool {
    matches!(
        name,
        "href" | "src" | "srcset" | "action" | "formaction" | "poster" | "data-search-index"
    )
}

/// `page` (a finished page published at the site path `page_url`) with every address of
/// the site's own (starting with `base_path`) relative to the page.
pub fn relativise(page: &str, page_url: &str, base_path: &str) -> String {
    let dir = match page_url.rfind('/') {
        Some(i) => &page_url[..=i],
        None => "/",
    };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    crate::html_text::attributes(page, |name, value| {
        if !rewrites(name) {
            return;
        }
        let decoded = crate::roster::decode_references(value.text);
        let new = if name == "srcset" {
            srcset(&decoded, dir, base_path)
        } else {
            address(&decoded, dir, base_path, name != "data-search-index")
        };
        if let Some(new) = new {
            edits.push((value.offset..value.offset + value.text.len(), new));
        }
    });
    if edits.is_empty() {
        return page.to_string();
    }
    let b = page.as_bytes();
    let mut out = String::with_capacity(page.len() + edits.len() * 8);
    let mut at = 0;
    for (range, new) in edits {
        let quote = range
            .start
            .checked_sub(1)
            .map(|i| b[i])
            .filter(|q| matches!(q, b'"' | b'\''));
        out.push_str(&page[at..range.start]);
        match quote {
            Some(q) => out.push_str(&escape(&new, q as char)),
            // An unquoted value gets quotes: the new address may hold what ends one.
            None => {
                out.push('"');
                out.push_str(&escape(&new, '"'));
                out.push('"');
            }
        }
        at = range.end;
    }
    out.push_str(&page[at..]);
    out
}

/// One address relative to `dir`, if it is one of the site's own.
fn address(value: &str, dir: &str, base_path: &str, file_links: bool) -> Option<String> {
    let value = value.trim();
    if !value.starts_with(base_path) || value.starts_with("//") {
        return None;
    }
    let split = value.find(['?', '#']).unwrap_or(value.len());
    let (path, rest) = value.split_at(split);
    Some(format!("{}{rest}", relative(dir, path, file_links)))
}

/// A `srcset`'s candidates (`/a.png 1x, /b.png 2x`), each address made relative.
fn srcset(value: &str, dir: &str, base_path: &str) -> Option<String> {
    let mut changed = false;
    let parts: Vec<String> = value
        .split(',')
        .map(|candidate| {
            let c = candidate.trim();
            let (url, descriptor) = c.split_once(char::is_whitespace).unwrap_or((c, ""));
            match address(url, dir, base_path, true) {
                Some(new) => {
                    changed = true;
                    if descriptor.is_empty() {
                        new
                    } else {
                        format!("{new} {}", descriptor.trim())
                    }
                }
                None => c.to_string(),
            }
        })
        .collect();
    changed.then(|| parts.join(", "))
}

/// The path `target` (from the site's root) as seen from the folder `dir`: `../style.css`
/// from `/a/`. With `file_links`, a folder's address ends in its `index.html`.
pub fn relative(dir: &str, target: &str, file_links: bool) -> String {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let (folders, file) = target.rsplit_once('/').unwrap_or(("", target));
    let to: Vec<&str> = folders.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for part in &to[common..] {
        out.push_str(part);
        out.push('/');
    }
    if file.is_empty() {
        if file_links {
            out.push_str("index.html");
        } else if out.is_empty() {
            out.push_str("./");
        }
    } else {
        out.push_str(file);
    }
    out
}

/// The value written back inside `quote`s: `&` and the quote escaped.
fn escape(value: &str, quote: char) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            c if c == quote => out.push_str(if quote == '"' { "&quot;" } else { "&#39;" }),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_a_folder() {
        assert_eq!(relative("/a/b/", "/style.css", true), "../../style.css");
        assert_eq!(relative("/a/b/", "/a/b/", true), "index.html");
        assert_eq!(relative("/a/b/", "/a/b/", false), "./");
        assert_eq!(relative("/a/b/", "/a/c/", true), "../c/index.html");
        assert_eq!(relative("/a/", "/a/b/c.pdf", true), "b/c.pdf");
        assert_eq!(relative("/", "/a/", true), "a/index.html");
        assert_eq!(relative("/", "/", true), "index.html");
        assert_eq!(relative("/ab/", "/a/", true), "../a/index.html");
        assert_eq!(relative("/sub/a/", "/sub/", false), "../");
    }

    #[test]
    fn only_the_sites_own_addresses_in_tags_change() {
        let page = concat!(
            r#"<link rel="stylesheet" href="&#x2F;style.css">"#,
            r#"<a href="/a/b/#part">x</a><a href='/c/'>y</a><a href=/d.pdf>z</a>"#,
            r#"<a href="https://example.org/a/">o</a><a href="//cdn.example/x">p</a>"#,
            r##"<a href="#top">t</a><img src="/i.png" srcset="/i.png 1x, /j.png 2x" alt="/k/">"##,
            r#"<form action="/a/az/" data-search-index="/a/search-index.json"></form>"#,
            "<p>see /a/ and href=\"/a/\"</p><script>var u = '/a/';</script>",
        );
        let out = relativise(page, "/a/b/", "/");
        assert_eq!(
            out,
            concat!(
                r#"<link rel="stylesheet" href="../../style.css">"#,
                r#"<a href="index.html#part">x</a><a href='../../c/index.html'>y</a><a href="../../d.pdf">z</a>"#,
                r#"<a href="https://example.org/a/">o</a><a href="//cdn.example/x">p</a>"#,
                r##"<a href="#top">t</a><img src="../../i.png" srcset="../../i.png 1x, ../../j.png 2x" alt="/k/">"##,
                r#"<form action="../az/index.html" data-search-index="../search-index.json"></form>"#,
                "<p>see /a/ and href=\"/a/\"</p><script>var u = '/a/';</script>",
            )
        );
    }

    #[test]
    fn a_site_under_a_path() {
        let out = relativise(
            r#"<a href="/sub/a/">a</a><a href="/other/">b</a>"#,
            "/sub/a/b/",
            "/sub/",
        );
        assert_eq!(
            out,
            r#"<a href="../index.html">a</a><a href="/other/">b</a>"#
        );
    }

    #[test]
    fn odd_values_stay_well_formed() {
        let out = relativise(r#"<a href="/a&amp;b/?x=1&amp;y='2'">a</a>"#, "/", "/");
        assert_eq!(out, r#"<a href="a&amp;b/index.html?x=1&amp;y='2'">a</a>"#);
        let out = relativise(r#"<a href="&#x2F;a&#47;b&bogus;/">a</a>"#, "/", "/");
        assert_eq!(out, r#"<a href="a/b&amp;bogus;/index.html">a</a>"#);
    }
}
