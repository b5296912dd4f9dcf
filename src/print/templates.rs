//! The print templates: built in, then the theme's `print/`, then the site's.

use super::*;

/// The default theme's print templates, built into the binary.
pub mod builtin {
    pub const TEMPLATES: [(&str, &str); 6] = [
        (
            "common.typ",
            include_str!("../../themes/default/print/common.typ"),
        ),
        (
            "policy.typ",
            include_str!("../../themes/default/print/policy.typ"),
        ),
        (
            "charter.typ",
            include_str!("../../themes/default/print/charter.typ"),
        ),
        (
            "guide.typ",
            include_str!("../../themes/default/print/guide.typ"),
        ),
        (
            "statement.typ",
            include_str!("../../themes/default/print/statement.typ"),
        ),
        (
            "review.typ",
            include_str!("../../themes/default/print/review.typ"),
        ),
    ];
}

/// Reads the print templates: built in, then `themes/<theme>/print/`, then the site's
/// `print/`, each replacing the one before by name.
pub(super) fn load_templates(
    root: &Path,
    theme: &str,
    diags: &mut Vec<Diagnostic>,
) -> world::Templates {
    let mut t = world::Templates::default();
    for (name, text) in builtin::TEMPLATES {
        t.insert(
            name,
            text.to_string(),
            format!("(built-in) themes/default/print/{name}"),
        );
    }
    for dir in [
        root.join("themes").join(theme).join("print"),
        root.join("print"),
    ] {
        let files = crate::source_files::SiteFiles::new(root);
        let walk = files.walk(&dir, false);
        diags.extend(walk.refused.iter().map(|(p, e)| files.diagnostic(p, e)));
        let paths: Vec<PathBuf> = walk
            .files
            .into_iter()
            .filter(|p| {
                p.parent() == Some(dir.as_path()) && p.extension().is_some_and(|e| e == "typ")
            })
            .collect();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            match files.read_text(&path, crate::source_files::Limit::TEXT) {
                Ok(Ok(text)) => t.insert(&name, text, display_path(root, &path)),
                Ok(Err(_)) => diags.push(Diagnostic::error(
                    "io",
                    display_path(root, &path),
                    "this print template is not UTF-8 text",
                )),
                Err(e) => diags.push(files.diagnostic(&path, &e)),
            }
        }
    }
    t
}
