//! The limits that keep every run bounded in memory, time and stack, whatever its input:
//! the size of a source file, the nesting depth of a page's Markdown, the size of a document
//! made into a PDF, and the stack of every thread that renders (Markdown, Tera, the HTML
//! minifier and Typst all recurse on nesting). See docs/rules.md ("Limits").
//!
//! The limits are not publishing rules: they cannot be turned off or allowed.

/// The largest source file (Markdown, TOML, a template) read: 10 MB. A bigger one is an
/// error (`file-too-large`), never read whole.
pub const MAX_SOURCE_BYTES: u64 = 10 * 1024 * 1024;

/// How deeply a page may nest Markdown structure, in levels: every open element (a list, a
/// list item, emphasis, a link, a paragraph …) is one level and a block quote is
/// [`QUOTE_LEVELS`] (`nesting-too-deep`). So at most about 9 quotes inside each other, or 29
/// list levels, or a mix. Far beyond any real document (a list five levels deep with a bold
/// link in it is 13 levels), and within what the HTML minifier and Typst handle: Typst stops
/// at a depth of 64 show rules, and a printed quote takes 6 of them, a list level 2.
pub const MAX_NESTING: usize = 60;

/// How many levels of [`MAX_NESTING`] a block quote takes (in print, it is a show rule of the
/// templates on top of Typst's own).
pub const QUOTE_LEVELS: usize = 6;

/// The largest document (its Markdown, after variables are filled in) made into a print PDF:
/// 512 KB, about 80,000 words or 250 printed pages. Typst lays a document out in memory
/// whole, at about 500 to 650 bytes per byte of Markdown (a 5 MB guide needed 3.3 GB, a
/// 480 KB one 250 MB in all); a bigger
/// document is an error (`pdf-too-large`) that says to split it.
pub const MAX_PDF_SOURCE_BYTES: usize = 512 * 1024;

/// How deeply rendered HTML may nest elements and still be minified (the minifier recurses
/// per element). Deeper HTML (only possible through raw HTML or a template) is published as
/// it is, unminified.
pub const MAX_MINIFY_DEPTH: usize = 512;

/// The stack of every thread that renders: the main work thread, rayon's pool, serve's
/// rebuild thread and the PDF threads. Only address space until used.
pub const STACK_SIZE: usize = 64 << 20;

/// Runs `f` on a thread with a [`STACK_SIZE`] stack, with rayon's global pool set up with
/// the same, and returns its result. A panic in `f` is passed on.
pub fn run_with_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    init_thread_pool();
    match std::thread::Builder::new()
        .name("policypress".into())
        .stack_size(STACK_SIZE)
        .spawn(f)
    {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p)),
        // No thread could be started: run here (the main thread's stack).
        Err(_) => {
            // `f` was moved into the failed spawn's closure; nothing to do but fail loudly.
            eprintln!("error: could not start a thread to work on");
            std::process::exit(3)
        }
    }
}

/// Sets up rayon's global pool with threads of [`STACK_SIZE`] (once; later calls do nothing).
pub fn init_thread_pool() {
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("policypress-{i}"))
        .build_global();
}

/// Spawns a thread with a [`STACK_SIZE`] stack.
pub fn spawn<F, T>(name: &str, f: F) -> std::io::Result<std::thread::JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(STACK_SIZE)
        .spawn(f)
}

/// The error for a document too large to print (`bytes` of Markdown for one PDF).
pub fn pdf_too_large(file: &str, bytes: usize) -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::error(
        "pdf-too-large",
        file,
        format!(
            "this document is too long to print: {} KB of text, and a PDF is made of at most {} KB",
            bytes / 1024,
            MAX_PDF_SOURCE_BYTES / 1024
        ),
    )
    .with_hint("split it into several documents (each gets its own page and PDF), or move long appendices to pages of their own")
}

/// An upper bound of how deeply `html` nests elements: every opening tag that is not a void
/// element counts one deeper, every closing tag one less (so an element whose end tag may be
/// left out, like `<p>` or `<li>`, is counted as still open). One pass, no allocation.
pub fn html_depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for (_, step) in html_tags(html) {
        match step {
            TagStep::Open => {
                depth += 1;
                max = max.max(depth);
            }
            TagStep::Close => depth = depth.saturating_sub(1),
        }
    }
    max
}

/// How deeply raw HTML typed into a page may nest elements ([`html_depth_past`]): 100, far
/// beyond any real table or layout, and within what the sanitizer, the text extractor and
/// the minifier handle in linear time. Deeper is `nesting-too-deep`.
pub const MAX_RAW_HTML_DEPTH: usize = 100;

/// Walks the tags of one piece of raw HTML from `depth` open elements (updated), and gives
/// the byte offset of the first tag that opens more than `limit`. Elements whose end tag may
/// be left out (`p`, `li`, table cells and rows …) are not counted, so that HTML written
/// without them does not add up.
pub fn html_depth_past(html: &str, depth: &mut usize, limit: usize) -> Option<usize> {
    const OPTIONAL_END: [&[u8]; 13] = [
        b"p",
        b"li",
        b"dt",
        b"dd",
        b"tr",
        b"td",
        b"th",
        b"thead",
        b"tbody",
        b"tfoot",
        b"option",
        b"optgroup",
        b"colgroup",
    ];
    let bytes = html.as_bytes();
    for (at, step) in html_tags(html) {
        let name = tag_name(&bytes[at..]);
        if OPTIONAL_END.iter().any(|t| t.eq_ignore_ascii_case(name)) {
            continue;
        }
        match step {
            TagStep::Open => {
                *depth += 1;
                if *depth > limit {
                    return Some(at);
                }
            }
            TagStep::Close => *depth = depth.saturating_sub(1),
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TagStep {
    Open,
    Close,
}

/// The name of the tag at the start of `tag` (which starts with `<` or `</`).
fn tag_name(tag: &[u8]) -> &[u8] {
    let rest = tag
        .strip_prefix(b"</")
        .or_else(|| tag.strip_prefix(b"<"))
        .unwrap_or(tag);
    let len = rest
        .iter()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    &rest[..len]
}

/// The opening (non-void) and closing tags of `html`, by byte offset.
fn html_tags(html: &str) -> impl Iterator<Item = (usize, TagStep)> + '_ {
    const VOID: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr", b"param",
    ];
    let bytes = html.as_bytes();
    memchr::memchr_iter(b'<', bytes).filter_map(move |at| match bytes.get(at + 1) {
        Some(b'/') => Some((at, TagStep::Close)),
        Some(c) if c.is_ascii_alphabetic() => {
            let name = tag_name(&bytes[at..]);
            (!VOID.iter().any(|v| v.eq_ignore_ascii_case(name))).then_some((at, TagStep::Open))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_depth_counts_open_elements() {
        assert_eq!(html_depth("<p>a<br>b</p><p>c</p>"), 1);
        assert_eq!(
            html_depth("<div><ul><li><a href=x>y</a></li></ul></div>"),
            4
        );
        assert_eq!(html_depth("a < b and <!-- c -->"), 0);
        assert_eq!(html_depth(&"<blockquote>".repeat(2000)), 2000);
    }

    #[test]
    fn raw_html_depth_is_found_past_the_limit_and_skips_optional_end_tags() {
        let mut depth = 0;
        assert_eq!(html_depth_past(&"<div>".repeat(3), &mut depth, 3), None);
        assert_eq!(html_depth_past("<span>x", &mut depth, 3), Some(0));
        let mut depth = 0;
        assert_eq!(
            html_depth_past(&"<p>a<li>b<td>".repeat(500), &mut depth, 3),
            None
        );
        assert_eq!(depth, 0);
        let mut depth = 2;
        assert_eq!(
            html_depth_past("</div></div><div><br><img src=x>", &mut depth, 1),
            None
        );
        assert_eq!(depth, 1);
    }

    #[test]
    fn runs_on_a_big_stack() {
        fn deep(n: usize) -> usize {
            let pad = std::hint::black_box([0u8; 1024]);
            if n == 0 {
                pad[0] as usize
            } else {
                deep(n - 1) + pad[1] as usize
            }
        }
        // 20,000 frames of over 1 KB: more than a default 2 MB or 8 MB stack holds.
        assert_eq!(run_with_stack(|| deep(20_000)), 0);
    }
}
