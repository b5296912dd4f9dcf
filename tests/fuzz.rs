//! Property tests ("fuzzing" for a bounded time): front matter, the Markdown walk and the
//! image-metadata readers never panic, whatever their input.
//!
//! Deterministic by default: a fixed number of cases per property (256, or `PROPTEST_CASES`),
//! generated from a fixed seed, no failure files written. Set `PROPTEST_RNG_SEED` to another
//! number (and `PROPTEST_CASES` higher) for a longer, different run.

use std::path::Path;

use policypress::diagnostics::SourceText;
use policypress::images::{self, Format};
use policypress::markdown::{self, LinkResolver, RenderOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, TestRng, TestRunner};

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    let seed: u64 = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0x5eed_c0de);
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

fn site_config() -> policypress::config::SiteConfig {
    let site = SourceText::new(
        "site.toml",
        "title = \"Fuzz\"\nbase_url = \"https://fuzz.example/\"\n".to_string(),
    );
    let school = SourceText::new(
        "content/schools/oak/school.toml",
        "name = \"Oak Lane Primary\"\n".to_string(),
    );
    policypress::config::load(&site, &[("oak".to_string(), school)])
        .or_else(|_| policypress::config::load(&site, &[]))
        .expect("the fuzz site's settings")
}

/// Pieces of front matter, good and bad, to be put together in any order.
fn toml_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title = \"Online safety\"\n".to_string()),
        Just("title = \n".to_string()),
        Just("title = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n".to_string()),
        Just("approved = \"2026-02-30\"\n".to_string()),
        Just("approved = 2026-01-15\n".to_string()),
        Just("review = \"Spring 2 2026\"\n".to_string()),
        Just("review_every = \"18 months\"\n".to_string()),
        Just("version = \"1.0\"\n".to_string()),
        Just("bands = [\"years-3-4\", \"nope\"]\n".to_string()),
        Just("schools = [\"oak\", \"elm\"]\n".to_string()),
        Just("draft = true\n".to_string()),
        Just("[[risk]]\nactivity = \"x\"\nlikelihood = 9\nimpact = 0\n".to_string()),
        Just("[[allow]]\nrule = \"personal-phone\"\nreason = \"\"\n".to_string()),
        Just("[owner]\nrole = \"dsl\"\n".to_string()),
        Just("a = { b = { c = { d = { e = 1 } } } }\n".to_string()),
        Just("\"\\u0000\" = \"\\uD800\"\n".to_string()),
        Just("+++\n".to_string()),
        Just("\u{feff}\r\n".to_string()),
        "[a-z_]{1,8} = \"[^\"\\\\\n]{0,20}\"\n",
        "\\PC{0,40}\n",
    ]
}

#[test]
fn front_matter_never_panics() {
    let config = site_config();
    let strategy = (
        prop::sample::select(vec![
            "policies/p.md",
            "guides/g.md",
            "charters/c.md",
            "risk-logs/r.md",
            "index.md",
            "about.md",
            "schools/oak/about.md",
            "schools/nowhere/x.md",
        ]),
        prop::collection::vec(toml_piece(), 0..8),
        prop::sample::select(vec!["+++\n", "+++", "", "+++ \n", "---\n"]),
        "\\PC{0,60}",
    );
    runner()
        .run(&strategy, |(rel, pieces, close, body)| {
            let text = format!("+++\n{}{close}{body}\n", pieces.concat());
            let source = SourceText::new(format!("content/{rel}"), text);
            let (doc, diags) =
                policypress::content::parse_document(rel.to_string(), source, &config);
            prop_assert!(doc.is_some() || !diags.is_empty());
            Ok(())
        })
        .unwrap();
    // Any text at all, not only front matter.
    runner()
        .run(&"\\PC{0,200}", |text| {
            let source = SourceText::new("content/about.md", text);
            let (doc, diags) =
                policypress::content::parse_document("about.md".into(), source, &config);
            prop_assert!(doc.is_some() || !diags.is_empty());
            Ok(())
        })
        .unwrap();
}

struct Links;
impl LinkResolver for Links {
    fn resolve(&self, path: &str, _: Option<&str>) -> Result<String, (String, String)> {
        if path.len() % 2 == 0 {
            Ok(format!("/{path}/"))
        } else {
            Err(("missing".into(), "hint".into()))
        }
    }
}

/// Nasty fragments of Markdown, repeated and put together in any order.
fn markdown_piece() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("  ".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("**".to_string()),
        Just("~~".to_string()),
        Just("[".to_string()),
        Just("](#x)".to_string()),
        Just("](@/policies/p.md#a)".to_string()),
        Just("![alt](/x.jpg)".to_string()),
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<!-- c -->".to_string()),
        Just("`".to_string()),
        Just("```rust\nfn x() {}\n```\n".to_string()),
        Just("| a | b |\n|---|---|\n| c | d |\n".to_string()),
        Just("|\n|-\n".to_string()),
        Just("## Same\n".to_string()),
        Just("## Same {#same-2}\n".to_string()),
        Just("# Top\n".to_string()),
        Just("###### Six\n".to_string()),
        Just("[^n]".to_string()),
        Just("[^n]: note\n".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\\".to_string()),
        Just("&amp;&#0;&#x110000;".to_string()),
        Just("Zoë Ångström 🙂 \u{202e}".to_string()),
        Just("{{ school.name }}".to_string()),
        "\\PC{0,12}",
    ];
    (fragment, 1..40usize).prop_map(|(f, n)| f.repeat(n))
}

#[test]
fn markdown_walk_never_panics() {
    let strategy = prop::collection::vec(markdown_piece(), 0..30).prop_map(|p| p.concat());
    runner()
        .run(&strategy, |text| {
            for numbered in [false, true] {
                let outline = markdown::headings(&text, numbered);
                let parsed = markdown::parse(&text, numbered);
                prop_assert_eq!(outline.too_deep, parsed.too_deep);
                // Heading ids are unique.
                let mut seen = std::collections::HashSet::new();
                for h in &parsed.headings {
                    prop_assert!(seen.insert(h.id.clone()), "id {} twice", h.id);
                }
                let kept = markdown::within_nesting_limit(&text);
                prop_assert!(markdown::headings(kept, numbered).too_deep.is_none());
                let parsed = markdown::parse(kept, numbered);
                for opts in [
                    RenderOptions::default(),
                    RenderOptions {
                        number_headings: numbered,
                        charter: true,
                        allow_raw_html: true,
                    },
                ] {
                    let mut findings = Vec::new();
                    let _ = markdown::render(&parsed, &Links, opts, &mut findings);
                }
                let s = markdown::surfaces(&parsed);
                for t in &s.texts {
                    let _ = t.offset_of(t.text.len());
                }
            }
            Ok(())
        })
        .unwrap();
}

fn fixture_images() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let p = entry.path();
        if entry.file_type().is_file() && p.extension().is_some_and(|e| e != "sh") {
            if let Ok(bytes) = std::fs::read(p) {
                out.push((p.file_name().unwrap().to_string_lossy().to_string(), bytes));
            }
        }
    }
    assert!(out.len() >= 20, "fixture images missing");
    out
}

/// Reads and strips `bytes` as the file `name`: never a panic, and a stripped copy has no
/// location left.
fn read_and_strip(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let format = images::format_of(Path::new(name), bytes);
    let _ = images::read_metadata(format, bytes);
    for f in [
        Format::Jpeg,
        Format::Png,
        Format::WebP,
        Format::Tiff,
        Format::Heif,
        Format::Gif,
    ] {
        let _ = images::read_metadata(f, bytes);
    }
    if let Ok(stripped) = images::strip(format, bytes) {
        let again = images::format_of(Path::new(name), &stripped);
        if let Ok(meta) = images::read_metadata(again, &stripped) {
            prop_assert!(
                meta.location.is_empty(),
                "{name}: location left after strip: {:?}",
                meta.location
            );
        }
    }
    Ok(())
}

#[test]
fn image_readers_never_panic() {
    let fixtures = fixture_images();
    // Mutated real images: bytes flipped, runs cut out, copied, or the file cut short.
    let mutation = (
        0..fixtures.len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..4u8), 1..12),
        any::<prop::sample::Index>(),
    );
    runner()
        .run(&mutation, |(i, edits, cut)| {
            let (name, original) = &fixtures[i];
            let mut bytes = original.clone();
            for (at, value, how) in edits {
                if bytes.is_empty() {
                    break;
                }
                let at = at.index(bytes.len());
                match how {
                    0 => bytes[at] = value,
                    1 => bytes[at] ^= 0xff,
                    2 => {
                        let end = (at + usize::from(value)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                    _ => {
                        let end = (at + usize::from(value)).min(bytes.len());
                        let run = bytes[at..end].to_vec();
                        bytes.splice(at..at, run);
                    }
                }
            }
            if !bytes.is_empty() && cut.index(4) == 0 {
                let keep = cut.index(bytes.len());
                bytes.truncate(keep);
            }
            read_and_strip(name, &bytes)
        })
        .unwrap();
    // Arbitrary bytes behind each format's magic number.
    let magic = prop::sample::select(vec![
        ("a.jpg", &b"\xff\xd8\xff\xe1"[..]),
        ("a.png", &b"\x89PNG\r\n\x1a\n"[..]),
        ("a.webp", &b"RIFF\0\0\0\0WEBPVP8X"[..]),
        ("a.tif", &b"II*\0\x08\0\0\0"[..]),
        ("a.heic", &b"\0\0\0\x18ftypheic"[..]),
        ("a.gif", &b"GIF89a"[..]),
        ("a.svg", &b"<svg xmlns=\"http://www.w3.org/2000/svg\">"[..]),
        ("a.bin", &b""[..]),
    ]);
    runner()
        .run(
            &(magic, prop::collection::vec(any::<u8>(), 0..600)),
            |((name, head), tail)| {
                let mut bytes = head.to_vec();
                bytes.extend(tail);
                read_and_strip(name, &bytes)
            },
        )
        .unwrap();
}
