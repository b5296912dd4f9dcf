//! `policypress import`: each file converted, written into the site, and its report.

use std::path::PathBuf;
use std::process::ExitCode;

use super::IO_FAILED;

/// `policypress import`: each file converted and written, with its report; exit 1 when any
/// file could not be imported (or was kept because it differs), 3 on a write error.
pub(super) fn import(
    files: &[PathBuf],
    root: &std::path::Path,
    kind: Option<crate::import::ImportKind>,
    school: Option<&str>,
    force: bool,
    dry_run: bool,
) -> ExitCode {
    if !root.join("site.toml").is_file() {
        eprintln!("error: {} has no site.toml", root.display());
        eprintln!(
            "hint: give the site's folder with --root, or make a site first with `policypress new`"
        );
        return ExitCode::from(1);
    }
    // The school's own words are written back as variables; a site whose settings can't be
    // read still imports, with its words kept as written.
    let site = match crate::site::load_config(root) {
        Ok(config) => match school {
            None => crate::import::ImportSite::of(&config),
            Some(slug) => match crate::import::ImportSite::of_school(&config, slug) {
                Some(site) => site,
                None => {
                    let slugs: Vec<&str> = config.schools.iter().map(|s| s.slug.as_str()).collect();
                    eprintln!(
                        "error: there is no school `{slug}`; the schools are: {}",
                        slugs.join(", ")
                    );
                    return ExitCode::from(1);
                }
            },
        },
        Err(_) if school.is_some() => {
            eprintln!(
                "error: the site's settings have mistakes, so the school `{}` can't be found",
                school.unwrap_or_default()
            );
            eprintln!("hint: run `policypress check`, correct what it lists, and import again");
            return ExitCode::from(1);
        }
        Err(_) => {
            eprintln!(
                "warning: the site's settings have mistakes (`policypress check` lists them), so school names and people are kept as written, and an agreement's phases are matched to the default bands"
            );
            crate::import::ImportSite::default()
        }
    };
    let mut failed = false;
    let mut io_failed = false;
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for file in files {
        let mut doc = match crate::import::convert(file, kind, &site) {
            Ok(doc) => doc,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                failed = true;
                continue;
            }
        };
        // Two files of one run with the same title: the second is named after its file.
        if !taken.insert(doc.path.clone()) {
            doc.rename_after_file();
            taken.insert(doc.path.clone());
        }
        if let Some(slug) = school {
            doc.in_school(slug);
        }
        let also = std::mem::take(&mut doc.also);
        for doc in std::iter::once(doc).chain(also) {
            let (f, io) = write_one(root, file, &doc, force, dry_run);
            failed |= f;
            io_failed |= io;
        }
    }
    if io_failed {
        ExitCode::from(IO_FAILED)
    } else if failed {
        ExitCode::from(1)
    } else {
        if !dry_run {
            println!("Next: run `policypress check` and deal with what it reports.");
        }
        ExitCode::SUCCESS
    }
}

/// Writes one converted document and prints its report: (kept because it differs, a
/// write failed).
fn write_one(
    root: &std::path::Path,
    file: &std::path::Path,
    doc: &crate::import::Imported,
    force: bool,
    dry_run: bool,
) -> (bool, bool) {
    use crate::import::Written;
    let written = match crate::import::write(root, doc, force, dry_run) {
        Ok(w) => w,
        Err(e) => {
            eprintln!(
                "error: could not write {}: {}",
                doc.path,
                crate::site::explain_io(&e)
            );
            return (false, true);
        }
    };
    let verb = match written {
        Written::Made => "Made",
        Written::Unchanged => "Unchanged (imported before):",
        Written::Replaced => "Replaced",
        Written::DryRun => "Would write",
        Written::Kept => {
            "Kept (it differs from this import, and may hold edits; --force replaces it):"
        }
    };
    println!("{}: {verb} {}", file.display(), doc.path);
    print_import_report(doc);
    (written == Written::Kept, false)
}

/// What one import converted, wrote back as variables and left for a person, each place as
/// `file:line`.
fn print_import_report(doc: &crate::import::Imported) {
    let c = doc.counts;
    let mut converted = Vec::new();
    for (n, one, many) in [
        (c.headings, "heading", "headings"),
        (c.list_items, "list item", "list items"),
        (c.tables, "table", "tables"),
        (c.links, "link", "links"),
        (c.footnotes, "footnote", "footnotes"),
    ] {
        if n > 0 {
            converted.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    if !converted.is_empty() {
        println!("  converted: {}", converted.join(", "));
    }
    if !doc.replaced.is_empty() {
        let list: Vec<String> = doc
            .replaced
            .iter()
            .map(|(text, var, n)| {
                format!(
                    "{text} → {var}{}",
                    if *n > 1 {
                        format!(" ({n} times)")
                    } else {
                        String::new()
                    }
                )
            })
            .collect();
        println!(
            "  written as variables, so the text follows school.toml: {}",
            list.join(", ")
        );
    }
    if doc.looks_like_agreement && doc.kind != crate::import::ImportKind::Charter {
        println!(
            "  note: this reads like a pupils' agreement (\"I will …\"); import it with --kind charter to make it a charter, its phases mapped to the site's bands"
        );
    }
    for r in &doc.remarks {
        println!("  note: {r}");
    }
    if !doc.pictures.is_empty() {
        let paths: Vec<&str> = doc.pictures.iter().map(|(p, _)| p.as_str()).collect();
        println!("  pictures: {}", paths.join(", "));
    }
    for p in &doc.problems {
        println!("  not imported: {p}");
    }
    if !doc.notes.is_empty() {
        println!("  to look at ({}):", doc.notes.len());
        for (line, what) in &doc.notes {
            println!("    {}:{line}: {what}", doc.path);
        }
    }
}
