//! Pupil charters: `content/charters/`, statements tagged by age band; one page and one
//! printed A4 agreement per band (and per class).

use super::*;

pub const KIND: KindDef = KindDef {
    kind: Kind::Charter,
    id: "charter",
    path: KindPath::Folder("charters"),
    section: Some("Pupil charters"),
    template: "charter.html",
    print: Some(Print {
        template: "charter",
        words: "Pupil charter",
    }),
    per_band: true,
    numbered: false,
    read: |doc, front, config, diags| {
        let bands = read_banded(doc, front, config, diags)?;
        doc.data = KindData::Charter { bands };
        Ok(())
    },
};
