//! Guides for parents and carers: `content/guides/`, each for the age bands it concerns,
//! with a PDF.

use super::*;

pub const KIND: KindDef = KindDef {
    kind: Kind::Guide,
    id: "guide",
    path: KindPath::Folder("guides"),
    section: Some("Guides for parents and carers"),
    template: "guide.html",
    print: Some(Print {
        template: "guide",
        words: "Guide for parents and carers",
    }),
    per_band: false,
    numbered: false,
    read: |doc, front, config, diags| {
        let bands = read_banded(doc, front, config, diags)?;
        doc.data = KindData::Guide { bands };
        Ok(())
    },
};
