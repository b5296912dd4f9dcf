//! Accessibility statements: one per school at `accessibility/`, never read from a file but
//! written by the `accessibility` module from the school's `[accessibility]` settings and what
//! the build verifies, then published (page and PDF) like any other document.

use super::*;

/// The declaration of accessibility statements: made by PolicyPress, printed.
pub const KIND: KindDef = KindDef {
    kind: Kind::Statement,
    id: "accessibility-statement",
    path: KindPath::Generated,
    section: None,
    template: "statement.html",
    print: Some(Print {
        template: "statement",
        words: "Accessibility statement",
    }),
    per_band: false,
    numbered: false,
    school_home: false,
    read: |_, _, _, _| Ok(()),
    texts: no_texts,
    page: no_page_data,
    list_line: no_list_line,
    print_bands: no_print_bands,
};

/// A statement holds nothing beyond its text.
pub type Data = ();

/// Where each school's statement is, inside its folder: its address is the school's
/// `accessibility/`.
pub const REL: &str = "accessibility.md";
