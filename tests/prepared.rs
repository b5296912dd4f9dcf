//! The prepared unit, in process: for each fixture site, every unit the pipeline plans (one
//! page per school × document × band) as preparation leaves it (variables filled in, a
//! charter cut to its band, headings and their ids), snapshotted. No binary is started.

mod common;

use std::fmt::Write;

fn summary(fixture: &str) -> String {
    let site = common::load_fixture(fixture);
    let mut out = String::new();
    for u in policypress::pipeline::prepared_units(&site) {
        let school = &site.config.schools[u.spec.school].slug;
        let doc = &site.content.documents[u.spec.doc];
        let band = u.spec.band.map(|b| site.config.bands[b].slug.as_str());
        let _ = writeln!(
            out,
            "== {school} {} ({}){} -> {}",
            doc.rel,
            doc.kind().def().id,
            band.map(|b| format!(" [{b}]")).unwrap_or_default(),
            u.spec.url
        );
        for h in &u.headings {
            let _ = writeln!(out, "  h{} {} #{} {}", h.level, h.number, h.id, h.title);
        }
        // The text as filled in and cut: its first lines, each with the source line it is.
        let lines = u.prepared.text.lines().zip(&u.prepared.line_map);
        for (line, source) in lines.filter(|(l, _)| !l.trim().is_empty()).take(4) {
            let _ = writeln!(out, "  {source:>3} | {line}");
        }
        for d in &u.prepare_findings {
            let _ = writeln!(out, "  ! {} {}", d.rule, d.message);
        }
    }
    out
}

#[test]
fn federation_units_as_prepared() {
    insta::assert_snapshot!(summary("federation"));
}

#[test]
fn single_school_units_as_prepared() {
    insta::assert_snapshot!(summary("single"));
}
