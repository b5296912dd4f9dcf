//! A school's home page: `content/index.md` (or a school's own `index.md`). Its title may be
//! left out (the school's name is shown).

use super::*;

/// The declaration of the home page: its file, its template, and that it is the school's own
/// address.
pub const KIND: KindDef = KindDef {
    kind: Kind::Home,
    id: "home",
    path: KindPath::File("index.md"),
    section: None,
    template: "home.html",
    print: None,
    per_band: false,
    numbered: false,
    school_home: true,
    read: page::read,
    texts: no_texts,
    page: no_page_data,
    list_line: no_list_line,
    print_bands: no_print_bands,
};

/// A home page holds nothing beyond what every document has.
pub type Data = ();
