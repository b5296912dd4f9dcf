//! Invariants of ARCHITECTURE.md that the compiler cannot check: the rules' documentation
//! matches their registry, rule ids are typed wherever a finding is made, and only the
//! modules that talk to the user print.

use std::path::PathBuf;

use policypress::ruleset as defs;
use policypress::ruleset::Level;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `src/`, as (path from the repository, text).
fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("src")).sort_by_file_name() {
        let entry = entry.unwrap();
        // A module's tests in a file of their own (`src/x/tests.rs`) are tests, not code.
        if entry.path().extension().is_some_and(|e| e == "rs") && entry.file_name() != "tests.rs" {
            let rel = entry.path().strip_prefix(repo()).unwrap();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            out.push((rel.to_string_lossy().replace('\\', "/"), text));
        }
    }
    out
}

/// The text of a file without its `#[cfg(test)] mod tests { … }` (tests may print and use
/// literals): up to the first `}` at the start of a line after it.
fn without_tests(text: &str) -> String {
    let Some(at) = text.find("#[cfg(test)]\nmod tests {") else {
        return text.to_string();
    };
    let end = text[at..].find("\n}").map_or(text.len(), |e| at + e + 2);
    format!("{}{}", &text[..at], &text[end..])
}

/// The first use of each of `patterns` in the code (tests left out) of every source file
/// `skip` does not name, as `file:line: pattern`.
fn uses_outside(skip: impl Fn(&str) -> bool, patterns: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in sources() {
        if skip(&file) {
            continue;
        }
        let code = without_tests(&text);
        for pattern in patterns {
            if let Some(at) = code.find(pattern) {
                let line = code[..at].lines().count();
                found.push(format!("{file}:{line}: {pattern}"));
            }
        }
    }
    found
}

/// The rules table docs/rules.md must hold, made from the registry.
fn rules_table() -> String {
    let mut table = String::from("| id | default | fires when |\n| --- | --- | --- |\n");
    for rule in defs::all() {
        let default = match rule.default {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Off => "off",
        };
        table.push_str(&format!(
            "| `{}` | {default} | {} |\n",
            rule.id, rule.fires_when
        ));
    }
    table
}

/// Checks that the table starting with `header` in `doc` (under the repository) is `want`;
/// with `UPDATE_DOCS` set, writes it there instead. `what` names the table and its source.
fn docs_table_is(doc: &str, header: &str, want: &str, what: &str) {
    let path = repo().join(doc);
    let docs = std::fs::read_to_string(&path).unwrap();
    let start = docs
        .find(header)
        .unwrap_or_else(|| panic!("{doc} has no table starting `{header}`"));
    let end = docs[start..]
        .find("\n\n")
        .map_or(docs.len(), |e| start + e + 1);
    if docs[start..end] != *want {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{want}{}", &docs[..start], &docs[end..]);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        panic!(
            "{doc}'s {what}; run `UPDATE_DOCS=1 cargo test --test tidy` to rewrite it, or put \
             this in its place:\n\n{want}"
        );
    }
}

#[test]
fn docs_rules_table_is_the_registry() {
    docs_table_is(
        "docs/rules.md",
        "| id | default | fires when |",
        &rules_table(),
        "rules table is not the registry's (src/ruleset/)",
    );
}

/// The items table docs/content.md must hold, made from `data/statutory.toml`.
fn statutory_table() -> String {
    let data = policypress::ruleset::statutory_missing::statutory();
    let mut table = String::from("| key | what | for |\n| --- | --- | --- |\n");
    for item in &data.item {
        let types: Vec<&str> = item
            .types
            .iter()
            .filter_map(|t| data.types.get(t).map(|t| t.name.as_str()))
            .collect();
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            item.id,
            item.title,
            types.join(", ")
        ));
    }
    table
}

#[test]
fn docs_publishing_table_is_the_data_file() {
    let want = statutory_table();
    assert!(
        want.lines().count() > 10,
        "data/statutory.toml was not read"
    );
    docs_table_is(
        "docs/content.md",
        "| key | what | for |",
        &want,
        "table of what schools must publish is not data/statutory.toml's",
    );
}

#[test]
fn every_rule_setting_is_documented() {
    let docs = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    let settings = &docs[docs
        .find("## Settings in `site.toml`")
        .expect("docs/rules.md has a settings section")..];
    let mut seen = 0;
    for &rule in policypress::ruleset::RuleId::ALL {
        let section = format!("[rules.{rule}]");
        for name in rule.setting_names() {
            seen += 1;
            let in_section = settings.find(&section).is_some_and(|s| {
                let rest = &settings[s + section.len()..];
                let end = rest.find("\n[").unwrap_or(rest.len());
                rest[..end].contains(&format!("{name} ="))
            });
            assert!(
                in_section,
                "docs/rules.md (\"Settings in site.toml\") does not show `{name} = …` under {section}"
            );
        }
    }
    // The registry reads the settings' names from their types: a change that lost them fails.
    assert!(seen >= 11, "only {seen} settings found in the registry");
}

#[test]
fn findings_of_rules_use_typed_ids() {
    let ids: Vec<&str> = defs::all().map(|r| r.id).collect();
    let mut wrong = Vec::new();
    for (file, text) in sources() {
        let code = &without_tests(&text);
        for call in ["Diagnostic::error(", "Diagnostic::warning("] {
            for (at, _) in code.match_indices(call) {
                let rest = code[at + call.len()..].trim_start();
                let Some(literal) = rest.strip_prefix('"') else {
                    continue;
                };
                let id = literal.split('"').next().unwrap_or("");
                if ids.contains(&id) {
                    let line = code[..at].lines().count();
                    wrong.push(format!("{file}:{line}: {call}\"{id}\" (write RuleId::…)"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "findings of publishing rules are made with their typed id (`RuleId::PupilFullName.error(…)`), so that a misspelt id cannot compile:\n{}",
        wrong.join("\n")
    );
}

/// The modules that may print. `serve` and `progress` print today; they are to hand their
/// messages to `cli` (the redesign issue), and then leave this list.
const PRINTERS: [&str; 5] = [
    "src/cli/mod.rs",
    "src/cli/import.rs",
    "src/cli/progress.rs",
    "src/limits.rs",
    "src/watch.rs",
];

#[test]
fn only_the_modules_that_talk_to_the_user_print() {
    let found = uses_outside(
        |file| PRINTERS.contains(&file),
        &["println!", "eprintln!", "print!(", "eprint!(", "dbg!("],
    );
    assert!(
        found.is_empty(),
        "only {PRINTERS:?} print; return messages to `cli` instead:\n{}",
        found.join("\n")
    );
}

/// The modules that write, remove or rename files, and what they write (a path ending in `/`
/// is a folder of modules). Everything else is pure or only reads (through `source_files`).
const WRITERS: [(&str, &str); 12] = [
    (
        "src/import/write.rs",
        "an imported document in content/, on `import`",
    ),
    (
        "src/output/",
        "the output folder, its manifest and lock (every file of the folder)",
    ),
    ("src/print/cache.rs", "the PDF cache in .policypress/"),
    ("src/links.rs", "the external-link cache in .policypress/"),
    (
        "src/page_records.rs",
        "the records of the last build's pages in .policypress/",
    ),
    ("src/seal.rs", "the cache seal's key file, outside the site"),
    ("src/roster/mod.rs", "roster.toml, on `roster import`"),
    ("src/roster/key.rs", "the roster key file, outside the site"),
    ("src/cli/mod.rs", "roster.toml, on `roster import`"),
    ("src/scaffold.rs", "the starter site of `policypress new`"),
    ("src/lib.rs", "removes the scratch file of a check"),
    (
        "src/source_files.rs",
        "opens files to read them (OpenOptions), never to write",
    ),
];

#[test]
fn only_the_listed_modules_write_files_and_only_output_writes_the_output() {
    let found = uses_outside(
        |file| {
            WRITERS
                .iter()
                .any(|(w, _)| *w == file || (w.ends_with('/') && file.starts_with(w)))
        },
        &[
            "fs::write(",
            "File::create(",
            "remove_dir_all(",
            "fs::rename(",
            "create_dir_all(",
            "remove_file(",
            "OpenOptions::new()",
        ],
    );
    assert!(
        found.is_empty(),
        "only these modules write files: {WRITERS:?}; found writes in:\n{}",
        found.join("\n")
    );
    // The output folder is only ever given to `output`: guarded, then written, by the build.
    let found = uses_outside(
        |file| file == "src/lib.rs",
        &["output::write(", "output::guard(", "output::take("],
    );
    assert!(
        found.is_empty(),
        "only the build (src/lib.rs) hands the output folder to `output`:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_help_lists_every_rule() {
    let out = assert_cmd::Command::cargo_bin("policypress")
        .unwrap()
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for rule in defs::all() {
        assert!(
            help.contains(rule.id),
            "`check --help` lacks {}:\n{help}",
            rule.id
        );
    }
}

/// The layers of ARCHITECTURE.md ("Layers"): each a name, whether its modules may use each
/// other, and its modules, lowest first.
fn layers() -> Vec<(String, bool, Vec<String>)> {
    let text = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let start = text
        .find("<!-- tidy:layers -->")
        .expect("ARCHITECTURE.md has a layers list between <!-- tidy:layers --> markers");
    let end = text[start..].find("<!-- /tidy:layers -->").unwrap() + start;
    let mut out = Vec::new();
    for line in text[start..end].lines() {
        // "1. **core** (may use each other): `a`, `b`: what it is."
        let Some(rest) = line.trim().split_once(". **").map(|(_, r)| r) else {
            continue;
        };
        let (name, rest) = rest.split_once("**").unwrap();
        let peers = rest.trim_start().starts_with("(may use each other)");
        let modules = rest
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        out.push((name.to_string(), peers, modules));
    }
    out
}

/// The top-level modules each module of `src/` uses (`crate::x`, `crate::{x, y::z}`, and in
/// `main.rs` `policypress::x`), tests and comments left out.
fn module_uses() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut out: std::collections::BTreeMap<_, std::collections::BTreeSet<String>> =
        Default::default();
    for (file, text) in sources() {
        let rel = file.strip_prefix("src/").unwrap().trim_end_matches(".rs");
        let module = rel.split('/').next().unwrap().to_string();
        let code: String = without_tests(&text)
            .lines()
            .map(|l| l.split("//").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        let uses = out.entry(module.clone()).or_default();
        for prefix in ["crate::", "policypress::"] {
            for (at, _) in code.match_indices(prefix) {
                let rest = &code[at + prefix.len()..];
                if let Some(group) = rest.strip_prefix('{') {
                    // Top-level names of the group: those at depth 0 before `::`, `,` or `}`.
                    let mut depth = 0;
                    let mut word = String::new();
                    let mut at_start = true;
                    for c in group.chars() {
                        match c {
                            '{' => depth += 1,
                            '}' if depth == 0 => break,
                            '}' => depth -= 1,
                            ',' if depth == 0 => at_start = true,
                            c if c.is_alphanumeric() || c == '_' => {
                                if at_start && depth == 0 {
                                    word.push(c);
                                }
                            }
                            _ => {
                                if !word.is_empty() {
                                    uses.insert(std::mem::take(&mut word));
                                }
                                if !c.is_whitespace() {
                                    at_start = false;
                                }
                            }
                        }
                    }
                    if !word.is_empty() {
                        uses.insert(word);
                    }
                } else {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        uses.insert(name);
                    }
                }
            }
        }
        uses.remove(&module);
    }
    out
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let layers = layers();
    assert!(
        layers.len() >= 5,
        "ARCHITECTURE.md's layers list was not read: {layers:?}"
    );
    let layer_of = |m: &str| {
        layers
            .iter()
            .position(|(_, _, ms)| ms.iter().any(|x| x == m))
    };
    let uses = module_uses();
    let mut wrong = Vec::new();
    for (module, deps) in &uses {
        let Some(l) = layer_of(module) else {
            wrong.push(format!(
                "`{module}` is in no layer: add it to the list in ARCHITECTURE.md (\"Layers\")"
            ));
            continue;
        };
        for dep in deps {
            let Some(d) = layer_of(dep) else {
                continue; // not a module of ours (a macro, `crate::` in a string)
            };
            let (name, peers, _) = &layers[l];
            if d > l || (d == l && !peers) {
                wrong.push(format!(
                    "`{module}` ({name}) uses `{dep}` ({}): a module may use only the layers below its own{}",
                    layers[d].0,
                    if d == l { " (its own layer's modules do not use each other)" } else { "" }
                ));
            }
        }
    }
    for (_, _, modules) in &layers {
        for m in modules {
            if !uses.contains_key(m) {
                wrong.push(format!(
                    "ARCHITECTURE.md's layers name `{m}`, which is not a module of src/"
                ));
            }
        }
    }
    // Within the layers whose modules use each other, no cycle either.
    fn visit<'a>(
        m: &'a str,
        uses: &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|p| *p == m) {
            cycles.push(format!("{} -> {m}", path[at..].join(" -> ")));
            return;
        }
        if !done.insert(m) {
            return;
        }
        path.push(m);
        for dep in uses.get(m).into_iter().flatten() {
            visit(dep, uses, path, done, cycles);
        }
        path.pop();
    }
    let mut cycles = Vec::new();
    let mut done = std::collections::BTreeSet::new();
    for m in uses.keys() {
        visit(m, &uses, &mut Vec::new(), &mut done, &mut cycles);
    }
    for c in cycles {
        wrong.push(format!("modules use each other in a cycle: {c}"));
    }
    assert!(
        wrong.is_empty(),
        "the layering of ARCHITECTURE.md is broken:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn exporters_read_the_model_and_the_units_not_the_loaded_site() {
    // An exporter sees the site through `export::Model` and the prepared units: one that
    // read `site` could re-do preparation (its own variables, links or images).
    let layers = layers();
    let uses = module_uses();
    let (_, _, exporters) = layers
        .iter()
        .find(|(name, _, _)| name == "exporters")
        .expect("ARCHITECTURE.md's layers name the exporters");
    assert!(!exporters.is_empty());
    for m in exporters {
        let deps = uses.get(m).cloned().unwrap_or_default();
        assert!(
            !deps.contains("site") && !deps.contains("pipeline"),
            "the exporter `{m}` uses the loaded site or the pipeline ({deps:?}): read `export::Model` and the units instead"
        );
    }
}

#[test]
fn the_layering_check_sees_uses() {
    // The reader of uses finds the forms the code writes; a layering test that saw no uses
    // would pass whatever the code did.
    let uses = module_uses();
    for (module, dep) in [
        ("pipeline", "print"),
        ("pipeline", "site"),
        ("cli", "serve"),
        ("print", "markdown"),
        ("rules", "markdown"),
    ] {
        assert!(
            uses.get(module).is_some_and(|d| d.contains(dep)),
            "`{module}` uses `{dep}`, but the layering check did not see it: {:?}",
            uses.get(module)
        );
    }
}

/// The most lines of code (its tests left out) a source file may have: past this, split it
/// by role (ARCHITECTURE.md names each file's).
const MAX_FILE_LINES: usize = 850;

#[test]
fn no_source_file_is_over_about_800_lines_of_code() {
    let mut long = Vec::new();
    for (file, text) in sources() {
        let code = without_tests(&text);
        let lines = code.lines().count();
        if lines > MAX_FILE_LINES {
            long.push(format!("{file}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "these files are over {MAX_FILE_LINES} lines of code: split each by role, one concern per file:\n{}",
        long.join("\n")
    );
}

/// The most lines a function may have: past this it is doing several things in a row (or is
/// steered by flags), and each should be a function of its own with a name that says what
/// it does.
const MAX_FUNCTION_LINES: usize = 110;

/// Each function of `code` as (name, first line, number of lines): from its `fn` line to the
/// `}` at the same indentation. Functions written on one line, and declarations without a
/// body, are not counted.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let mut rest = trimmed;
        for prefix in [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "const ",
            "async ",
            "unsafe ",
        ] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        let Some(after) = rest.strip_prefix("fn ") else {
            continue;
        };
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if line.trim_end().ends_with(';') || line.trim_end().ends_with('}') {
            continue;
        }
        let close = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|l| *l == close) {
            out.push((name, i + 1, end + 2));
        }
    }
    out
}

#[test]
fn no_function_is_over_about_100_lines() {
    let sample = "fn short() {\n    1\n}\n\nimpl A {\n    pub fn long() {\n        a();\n        b();\n    }\n}\n";
    assert_eq!(
        functions(sample),
        vec![("short".to_string(), 1, 3), ("long".to_string(), 6, 4)],
        "the function finder no longer sees functions"
    );
    let mut long = Vec::new();
    let mut seen = 0;
    for (file, text) in sources() {
        for (name, line, count) in functions(&without_tests(&text)) {
            seen += 1;
            if count > MAX_FUNCTION_LINES {
                long.push(format!("{file}:{line}: fn {name} is {count} lines"));
            }
        }
    }
    assert!(seen > 500, "only {seen} functions were found in src/");
    assert!(
        long.is_empty(),
        "these functions are over {MAX_FUNCTION_LINES} lines: split each into steps that are functions of their own, named for what they do:\n{}",
        long.join("\n")
    );
}
