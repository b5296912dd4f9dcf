//! Property tests of the readers: Word and OpenDocument bodies made of their own elements,
//! nested at random with random attributes, read and written out as Markdown with no panic.
//! Deterministic (a fixed seed; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` change the run).

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, TestRng, TestRunner};

use super::{ImportKind, ImportSite, docx, odt};
use crate::static_meta::zip;

/// An element of a generated body, or text.
#[derive(Debug, Clone)]
enum X {
    Text(&'static str),
    El(&'static str, Vec<(&'static str, &'static str)>, Vec<X>),
}

fn render(x: &X, out: &mut String) {
    match x {
        X::Text(t) => out.push_str(t),
        X::El(name, attrs, kids) => {
            out.push('<');
            out.push_str(name);
            for (k, v) in attrs {
                out.push_str(&format!(" {k}=\"{v}\""));
            }
            out.push('>');
            for k in kids {
                render(k, out);
            }
            out.push_str(&format!("</{name}>"));
        }
    }
}

const TEXTS: &[&str] = &[
    "I will ask first.",
    "Approved by:",
    "14th March 2022",
    "[Insert school name]",
    "School / Academy",
    "Oak Lane Primary School",
    "1. Aims",
    "Appendix 1: Links",
    "Signed: ____ Date: ____",
    "Key Stage 2",
    " ",
    "&amp; &lt;b&gt;",
    "",
];

const VALUES: &[&str] = &[
    "P1",
    "T1",
    "L1",
    "Heading_20_1",
    "Heading1",
    "Title",
    "Contents_20_1",
    "TOC1",
    "0",
    "1",
    "9",
    "99",
    "-1",
    "4000000000",
    "abc",
    "#anchor",
    "",
    "http://example.invalid/a.png",
    "Pictures/a.png",
    "../up.png",
    "https://example.org/",
    "begin",
    "separate",
    "end",
    " TOC \\o ",
    "PAGE",
    "rId1",
    "rId9",
    "green",
    "00FF00",
    "none",
    "footnote",
    "endnote",
];

fn body(
    names: &'static [&'static str],
    attrs: &'static [&'static str],
) -> impl Strategy<Value = X> {
    let leaf = prop::sample::select(TEXTS).prop_map(X::Text);
    leaf.prop_recursive(6, 120, 5, move |inner| {
        (
            prop::sample::select(names),
            prop::collection::vec(
                (prop::sample::select(attrs), prop::sample::select(VALUES)),
                0..3,
            ),
            prop::collection::vec(inner, 0..5),
        )
            .prop_map(|(n, a, k)| X::El(n, a, k))
    })
}

const ODT_NAMES: &[&str] = &[
    "text:p",
    "text:h",
    "text:list",
    "text:list-item",
    "text:list-header",
    "text:span",
    "text:a",
    "text:note",
    "text:note-body",
    "office:annotation",
    "draw:frame",
    "draw:image",
    "draw:text-box",
    "svg:desc",
    "text:s",
    "text:tab",
    "text:line-break",
    "text:section",
    "text:table-of-content",
    "text:index-body",
    "table:table",
    "table:table-header-rows",
    "table:table-row",
    "table:table-cell",
    "table:covered-table-cell",
    "text:tracked-changes",
];
const ODT_ATTRS: &[&str] = &[
    "text:style-name",
    "text:outline-level",
    "text:c",
    "xlink:href",
    "table:number-columns-repeated",
    "text:note-class",
];

const DOCX_NAMES: &[&str] = &[
    "w:p",
    "w:r",
    "w:t",
    "w:pPr",
    "w:pStyle",
    "w:numPr",
    "w:ilvl",
    "w:numId",
    "w:outlineLvl",
    "w:rPr",
    "w:rStyle",
    "w:b",
    "w:i",
    "w:highlight",
    "w:shd",
    "w:tbl",
    "w:tr",
    "w:trPr",
    "w:tblHeader",
    "w:tc",
    "w:hyperlink",
    "w:fldChar",
    "w:instrText",
    "w:fldSimple",
    "w:sdt",
    "w:sdtContent",
    "w:drawing",
    "wp:docPr",
    "a:blip",
    "w:footnoteReference",
    "w:endnoteReference",
    "w:commentReference",
    "w:br",
    "w:tab",
    "w:ins",
];
const DOCX_ATTRS: &[&str] = &[
    "w:val",
    "w:fldCharType",
    "r:id",
    "r:embed",
    "w:instr",
    "w:id",
    "descr",
    "w:fill",
];

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    let seed: u64 = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0x0d7_f022);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    )
}

/// Reads a package and writes its Markdown as every kind: what must never panic. Returns
/// how many lines of body it wrote.
fn convert(bytes: &[u8]) -> usize {
    let Ok(entries) = zip::entries(bytes, docx::MAX_ENTRIES) else {
        panic!("the test's own package can't be read");
    };
    let mut lines = 0;
    let doc = if odt::is_odf(&entries) {
        odt::read(bytes, &entries)
    } else {
        docx::read(bytes, &entries)
    };
    if let Ok(doc) = doc {
        for kind in [ImportKind::Policy, ImportKind::Charter] {
            let out = super::from_blocks(
                std::path::Path::new("fuzz"),
                doc.clone(),
                Some(kind),
                "fuzz",
                &ImportSite::default(),
            );
            assert!(out.text.starts_with("+++\n"), "{}", out.text);
            lines += out.text.lines().count();
        }
    }
    lines
}

const ODT_STYLES: &str = r##"<office:automatic-styles><style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading_20_1"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="Heading_20_1" style:family="paragraph" style:default-outline-level="1"/><style:style style:name="T1" style:family="text" style:parent-style-name="T1"><style:text-properties fo:background-color="#00ff00"/></style:style><text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-format="1"/></text:list-style></office:automatic-styles>"##;

#[test]
fn odt_bodies_never_panic() {
    let read = std::cell::Cell::new(0);
    runner()
        .run(&prop::collection::vec(body(ODT_NAMES, ODT_ATTRS), 1..6), |blocks| {
            let mut xml = String::from(
                r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="b" xmlns:draw="d" xmlns:svg="s" xmlns:xlink="x" xmlns:style="y" xmlns:fo="f">"#,
            );
            xml.push_str(ODT_STYLES);
            xml.push_str("<office:body><office:text>");
            // Each piece both where it was made and inside a paragraph, a list and a table.
            for b in &blocks {
                render(b, &mut xml);
                for (open, close) in [
                    ("<text:p>Some text ", "</text:p>"),
                    (
                        "<text:list text:style-name=\"L1\"><text:list-item><text:p>An item ",
                        "</text:p></text:list-item></text:list>",
                    ),
                    (
                        "<table:table><table:table-row><table:table-cell><text:p>A cell ",
                        "</text:p></table:table-cell></table:table-row></table:table>",
                    ),
                ] {
                    xml.push_str(open);
                    render(b, &mut xml);
                    xml.push_str(close);
                }
            }
            xml.push_str("</office:text></office:body></office:document-content>");
            let package = zip::stored(&[
                ("mimetype", b"application/vnd.oasis.opendocument.text"),
                ("content.xml", xml.as_bytes()),
                ("Pictures/a.png", b"\x89PNG\r\n\x1a\nnot really"),
            ]);
            read.set(read.get() + usize::from(convert(&package) > 8));
            Ok(())
        })
        .unwrap();
    // The generated bodies are read, not refused: most give Markdown beyond front matter.
    assert!(read.get() > 64, "only {} bodies were read", read.get());
}

#[test]
fn docx_bodies_never_panic() {
    let read = std::cell::Cell::new(0);
    runner()
        .run(&prop::collection::vec(body(DOCX_NAMES, DOCX_ATTRS), 1..6), |blocks| {
            let mut xml = String::from(
                r#"<w:document xmlns:w="w" xmlns:r="r" xmlns:wp="p" xmlns:a="a"><w:body>"#,
            );
            for b in &blocks {
                render(b, &mut xml);
                for (open, close) in [
                    ("<w:p><w:r><w:t>Some text </w:t></w:r>", "</w:p>"),
                    ("<w:p><w:r><w:t>Some text </w:t>", "</w:r></w:p>"),
                    (
                        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A cell</w:t></w:r></w:p>",
                        "</w:tc></w:tr></w:tbl>",
                    ),
                ] {
                    xml.push_str(open);
                    render(b, &mut xml);
                    xml.push_str(close);
                }
            }
            xml.push_str("</w:body></w:document>");
            let rels = br#"<Relationships><Relationship Id="rId1" Target="media/a.png"/><Relationship Id="rId9" Target="http://example.invalid/" TargetMode="External"/></Relationships>"#;
            let styles = br#"<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Heading1"/></w:style><w:style w:type="character" w:styleId="T1"><w:name w:val="Strong"/><w:basedOn w:val="T1"/><w:rPr><w:b/></w:rPr></w:style></w:styles>"#;
            let package = zip::stored(&[
                ("word/document.xml", xml.as_bytes()),
                ("word/_rels/document.xml.rels", rels),
                ("word/styles.xml", styles),
                ("word/media/a.png", b"\x89PNG\r\n\x1a\nnot really"),
            ]);
            read.set(read.get() + usize::from(convert(&package) > 8));
            Ok(())
        })
        .unwrap();
    // The generated bodies are read, not refused: most give Markdown beyond front matter.
    assert!(read.get() > 64, "only {} bodies were read", read.get());
}
