//! Errors first: a site whose text, documents or settings have errors makes no PDF (the
//! heavy work), so a coordinator hears of the mistake in seconds; an error made a warning, or
//! allowed, does not stop the PDFs. In process, counting the PDFs the exporters compile.

mod common;
use common::*;

use std::sync::atomic::{AtomicUsize, Ordering};

use policypress::export::{Options, Progress};
use policypress::pipeline::{Build, Pages, Reuse};

/// Counts the files the exporters set out to compile.
struct Count(AtomicUsize);

impl Progress for Count {
    fn start(&self, total: usize) {
        self.0.fetch_add(total, Ordering::SeqCst);
    }
}

/// The `print` fixture (16 PDFs) with `edit` applied: the PDFs compiled, the files exported,
/// and whether the build has errors.
fn build_with(edit: impl FnOnce(&std::path::Path)) -> (usize, usize, bool) {
    let dir = fixture_site("print");
    edit(dir.path());
    let opts = policypress::site::BuildOptions {
        today: policypress::dates::parse_school_date("2026-11-23")
            .ok()
            .map(|d| d.start),
        ..Default::default()
    };
    let site = load_site(dir.path(), &opts);
    let count = Count(AtomicUsize::new(0));
    let options = Options {
        cache: false,
        progress: &count,
    };
    let (build, exported) =
        Build::with_exports(site, Pages::Addresses, &options, &Reuse::none(Vec::new()));
    let errors = build.findings().iter().any(|d| d.is_error());
    let files = exported.iter().map(|e| e.files.len()).sum();
    (count.0.load(Ordering::SeqCst), files, errors)
}

fn append(root: &std::path::Path, file: &str, text: &str) {
    let path = root.join(file);
    let old = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, old + text).unwrap();
}

const POLICY: &str = "content/policies/online-safety.md";

#[test]
fn a_site_without_errors_makes_its_pdfs() {
    let (compiled, files, errors) = build_with(|_| {});
    assert!(!errors);
    assert!(compiled >= 16, "{compiled}");
    assert!(files >= 16, "{files}");
}

/// One error of each stage before the export: the text's checks, a document's metadata, the
/// links between documents and a school's data.
#[test]
fn an_error_in_the_text_the_metadata_or_a_school_s_data_makes_no_pdf() {
    let cases: [(&str, Box<dyn FnOnce(&std::path::Path)>); 5] = [
        (
            "a placeholder in the text",
            Box::new(|root| append(root, POLICY, "\nThe filtering provider is TBC.\n")),
        ),
        (
            "an image without alt text",
            Box::new(|root| {
                std::fs::create_dir_all(root.join("static")).unwrap();
                std::fs::write(
                    root.join("static/plan.svg"),
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                )
                .unwrap();
                append(root, POLICY, "\n![](/plan.svg)\n");
            }),
        ),
        (
            "a policy without its approval",
            Box::new(|root| {
                let path = root.join(POLICY);
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(
                    &path,
                    text.replace("approved_by = \"Full Governing Board\"\n", ""),
                )
                .unwrap();
            }),
        ),
        (
            "a broken link between documents",
            Box::new(|root| {
                append(
                    root,
                    POLICY,
                    "\nSee [the old guide](@/guides/nowhere.md).\n",
                )
            }),
        ),
        (
            "a personal address in a school's data",
            Box::new(|root| {
                let path = root.join("content/schools/north/school.toml");
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(
                    &path,
                    text.replace("dsl@brookfield.sch.example", "quentin.guardfake@gmail.com"),
                )
                .unwrap();
            }),
        ),
    ];
    for (what, edit) in cases {
        let (compiled, files, errors) = build_with(edit);
        assert!(errors, "{what}: no error");
        assert_eq!((compiled, files), (0, 0), "{what}: PDFs were made");
    }
}

#[test]
fn an_error_made_a_warning_does_not_stop_the_pdfs() {
    let (compiled, _, errors) = build_with(|root| {
        append(root, POLICY, "\nThe filtering provider is TBC.\n");
        append(
            root,
            "site.toml",
            "\n[rules.placeholder-text]\nseverity = \"warning\"\n",
        );
    });
    assert!(!errors);
    assert!(compiled >= 16, "{compiled}");
}
