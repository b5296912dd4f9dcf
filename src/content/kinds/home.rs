//! A school's home page: `content/index.md` (or a school's own `index.md`). Its title may be
//! left out (the school's name is shown).

use super::*;

pub const KIND: KindDef = KindDef {
    kind: Kind::Home,
    id: "home",
    path: KindPath::File("index.md"),
    section: None,
    template: "home.html",
    print: None,
    per_band: false,
    numbered: false,
    read: page::read,
};
