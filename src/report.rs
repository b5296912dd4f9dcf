//! Findings as text for people and machines: human (grouped by file), JSON, GitHub workflow
//! annotations and SARIF 2.1.0. Pure: returns strings; the CLI prints them.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::diagnostics::{Diagnostic, Severity};
use crate::ruleset::{self as defs, Level};

/// The output formats of `policypress check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    // Built with `concat!` so that clap does not add them to `check --help` (it reads only
    // literal docs): the help stays as it was.
    #[doc = concat!("Findings for people, grouped by file, with carets and hints: see [`human`].")]
    Human,
    #[doc = concat!("A JSON array with one object per finding, for scripts: see [`json()`].")]
    Json,
    #[doc = concat!("GitHub Actions workflow commands (annotations on a run): see [`github`].")]
    Github,
    #[doc = concat!("A SARIF 2.1.0 log, for code-scanning dashboards: see [`sarif`].")]
    Sarif,
}

fn severity_word(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The count line under a list of findings: "2 errors, 1 warning, 3 allowed". Allowed
/// findings count only as allowed (they no longer block publishing).
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let allowed = diags.iter().filter(|d| d.allowed.is_some()).count();
    let warnings = diags.len() - errors - allowed;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if allowed > 0 {
        line.push_str(&format!(", {allowed} allowed"));
    }
    line
}

/// Findings grouped by file, each with its line, caret and hint, then a count.
pub fn human(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for d in diags {
        if current != Some(d.file.as_str()) {
            let _ = writeln!(out, "── {} ──", d.file);
            current = Some(&d.file);
        }
        let _ = writeln!(out, "{d}");
    }
    if !diags.is_empty() {
        out.push_str(&summary(diags));
        out.push('\n');
    }
    out
}

/// A JSON array of `{rule, severity, file, line, column, message, hint, allowed}`: an
/// allowed finding keeps its severity, and `allowed` holds the reason (otherwise null).
pub fn json(diags: &[Diagnostic]) -> String {
    let list: Vec<Value> = diags
        .iter()
        .map(|d| {
            json!({
                "rule": d.rule,
                "severity": severity_word(d),
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
                "allowed": d.allowed,
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into())
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.
pub fn github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match (d.severity, &d.allowed) {
            (_, Some(_)) => "notice",
            (Severity::Error, None) => "error",
            (Severity::Warning, None) => "warning",
        };
        let mut props = format!("file={}", escape_property(&d.file));
        if d.line > 0 {
            let _ = write!(props, ",line={}", d.line);
        }
        if d.column > 0 {
            let _ = write!(props, ",col={}", d.column);
        }
        let _ = write!(
            props,
            ",title={}",
            escape_property(&format!("policypress {}", d.rule))
        );
        let mut message = d.message.clone();
        match (&d.allowed, &d.hint) {
            (Some(reason), _) => message.push_str(&format!("\nallowed: {reason}")),
            (None, Some(hint)) => message.push_str(&format!("\nhint: {hint}")),
            _ => {}
        }
        let _ = writeln!(out, "::{command} {props}::{}", escape_data(&message));
    }
    out
}

/// A SARIF 2.1.0 log with one run, the rules' metadata and one result per finding.
pub fn sarif(diags: &[Diagnostic]) -> String {
    let level = |l: Level| match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Off => "none",
    };
    let mut rules: Vec<Value> = defs::all()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "defaultConfiguration": { "level": level(r.default) },
            })
        })
        .collect();
    for d in diags {
        if !rules.iter().any(|r| r["id"] == d.rule) {
            rules.push(json!({
                "id": d.rule,
                "shortDescription": { "text": "A mistake in the site's files." },
                "defaultConfiguration": { "level": "error" },
            }));
        }
    }
    let index = |id: &str| rules.iter().position(|r| r["id"] == id).unwrap_or(0);
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut location = json!({ "artifactLocation": { "uri": d.file } });
            if d.line > 0 {
                let mut region = json!({ "startLine": d.line });
                if d.column > 0 {
                    region["startColumn"] = json!(d.column);
                }
                if let Some(s) = &d.snippet {
                    region["snippet"] = json!({ "text": s });
                }
                location["region"] = region;
            }
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                text.push_str(&format!(" Hint: {h}"));
            }
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": index(d.rule),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": text },
                "locations": [ { "physicalLocation": location } ],
            });
            if let Some(reason) = &d.allowed {
                result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "PolicyPress",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_findings_count_only_as_allowed_and_keep_their_severity() {
        let mut allowed = Diagnostic::error("personal-phone", "content/a.md", "a mobile");
        allowed.allowed = Some("the minibus phone".into());
        let mut warned = Diagnostic::warning("review-due-soon", "content/p.md", "due");
        let diags = vec![allowed.clone(), allowed.clone(), warned.clone()];
        assert_eq!(summary(&diags), "0 errors, 1 warning, 2 allowed");
        warned.allowed = Some("planned".into());
        assert_eq!(summary(&[warned]), "0 errors, 0 warnings, 1 allowed");
        let listed: Vec<Value> = serde_json::from_str(&json(&[allowed])).unwrap();
        assert_eq!(listed[0]["severity"], "error");
        assert_eq!(listed[0]["allowed"], "the minibus phone");
    }
}
