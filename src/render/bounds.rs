//! Keeps every template's rendering bounded: Tera recurses on a template's nesting (when
//! parsing it and when rendering it) and has no limit on macros that call themselves or
//! templates that include themselves, which would run until the stack overflows. Templates
//! come from the site (`templates/`, `themes/`), so a pull request can change them: they are
//! checked before they are used.
//!
//! - [`scan`] looks at a template's text before Tera parses it: how deeply its tags nest
//!   (`{% if %}` in `{% for %}` …), how deeply brackets nest inside a tag, and how long a tag
//!   is (a long chain of `+` is as deep as it is long once parsed).
//! - [`recursion`] looks at the parsed templates: a macro that calls itself, directly or
//!   through other macros or includes, or a template that includes itself, is refused.
//!   (Tera itself refuses a template that extends itself.)

use std::collections::HashMap;

use tera::Tera;
use tera::ast::{Expr, ExprVal, FunctionCall, Node};

use crate::diagnostics::{Diagnostic, SourceText};

/// How deeply block tags (`if`, `for`, `block`, `macro`, `filter`) may nest.
pub const MAX_TAG_NESTING: usize = 64;
/// How deeply brackets may nest inside one tag.
pub const MAX_BRACKET_NESTING: usize = 32;
/// The longest tag (`{{ … }}` or `{% … %}`), in bytes.
pub const MAX_TAG_BYTES: usize = 8 * 1024;

/// The first place where `text` (a template, `file` its path from the site's folder) goes
/// past one of the limits above, as an error at its line.
pub fn scan(file: &str, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0usize;
    let too = |offset: usize, what: String| {
        let source = SourceText::new(file, text.to_string());
        let (line, column) = source.line_col(offset);
        Some(
            Diagnostic::error("template-too-deep", file, what)
                .at_line(&source, line, column)
                .with_hint("write it with fewer levels (a macro, or a variable set before), so every page can be made"),
        )
    };
    while let Some(found) = memchr::memchr(b'{', &bytes[at..]) {
        let open = at + found;
        let Some(&kind) = bytes.get(open + 1) else {
            break;
        };
        let close: &[u8] = match kind {
            b'{' => b"}}",
            b'%' => b"%}",
            b'#' => b"#}",
            _ => {
                at = open + 1;
                continue;
            }
        };
        let body_start = open + 2;
        let Some(len) = find(&bytes[body_start..], close) else {
            break;
        };
        let body = &text[body_start..body_start + len];
        at = body_start + len + 2;
        if kind == b'#' {
            continue;
        }
        if len > MAX_TAG_BYTES {
            return too(
                open,
                format!(
                    "this template tag is longer than {} KB",
                    MAX_TAG_BYTES / 1024
                ),
            );
        }
        let (mut brackets, mut quote) = (0usize, None::<u8>);
        for &b in body.as_bytes() {
            match (quote, b) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'' | b'`') => quote = Some(b),
                (None, b'(' | b'[' | b'{') => {
                    brackets += 1;
                    if brackets > MAX_BRACKET_NESTING {
                        return too(
                            open,
                            format!(
                                "this template tag nests brackets more than {MAX_BRACKET_NESTING} deep"
                            ),
                        );
                    }
                }
                (None, b')' | b']' | b'}') => brackets = brackets.saturating_sub(1),
                _ => {}
            }
        }
        if kind != b'%' {
            continue;
        }
        let word = body
            .trim_start_matches(['-', '+'])
            .split_whitespace()
            .next()
            .unwrap_or("");
        match word {
            "raw" => {
                // Nothing up to `{% endraw %}` is parsed.
                match find(&bytes[at..], b"endraw") {
                    Some(end) => at += end + 6,
                    None => break,
                }
            }
            "if" | "for" | "block" | "macro" | "filter" => {
                depth += 1;
                if depth > MAX_TAG_NESTING {
                    return too(
                        open,
                        format!(
                            "this template nests `{{% {word} %}}` and other blocks more than {MAX_TAG_NESTING} deep"
                        ),
                    );
                }
            }
            w if w.starts_with("end") => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Something that can be rendered: a template, or a macro of a template.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Unit {
    Template(String),
    Macro(String, String),
}

/// Errors for the templates of `tera` that would recurse without end: a cycle of macro calls
/// and includes. `files` maps a template's name to its path and text, for the message.
pub fn recursion(tera: &Tera, files: &HashMap<&str, (&str, &str)>) -> Vec<Diagnostic> {
    // The graph: what rendering each unit may render in turn.
    let mut edges: HashMap<Unit, Vec<Unit>> = HashMap::new();
    for (name, t) in &tera.templates {
        let mut out = Vec::new();
        if let Some(parent) = &t.parent {
            out.push(Unit::Template(parent.clone()));
        }
        walk(tera, name, &t.ast, &mut out);
        edges.insert(Unit::Template(name.clone()), out);
        for (m, def) in &t.macros {
            let mut out = Vec::new();
            walk(tera, name, &def.body, &mut out);
            edges.insert(Unit::Macro(name.clone(), m.clone()), out);
        }
    }
    // Depth-first search without recursion; a unit met again while it is on the path is a
    // cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut units: Vec<&Unit> = edges.keys().collect();
    units.sort_by_key(|u| format!("{u:?}"));
    let mut mark: HashMap<&Unit, Mark> = units.iter().map(|u| (*u, Mark::New)).collect();
    let mut diags = Vec::new();
    let mut reported: std::collections::HashSet<Unit> = Default::default();
    for &start in &units {
        if mark[start] != Mark::New {
            continue;
        }
        let mut path: Vec<(&Unit, usize)> = vec![(start, 0)];
        mark.insert(start, Mark::OnPath);
        while let Some((unit, next)) = path.last().copied() {
            let targets = &edges[unit];
            if next >= targets.len() {
                mark.insert(unit, Mark::Done);
                path.pop();
                continue;
            }
            if let Some(last) = path.last_mut() {
                last.1 += 1;
            }
            let Some((target, _)) = edges.get_key_value(&targets[next]) else {
                continue;
            };
            match mark[target] {
                Mark::New => {
                    mark.insert(target, Mark::OnPath);
                    path.push((target, 0));
                }
                Mark::OnPath => {
                    let from = path.iter().position(|(u, _)| *u == target).unwrap_or(0);
                    let cycle: Vec<&Unit> = path[from..].iter().map(|(u, _)| *u).collect();
                    if reported.insert(target.clone()) {
                        diags.push(cycle_error(target, &cycle, files));
                    }
                }
                Mark::Done => {}
            }
        }
    }
    diags
}

fn describe(u: &Unit) -> String {
    match u {
        Unit::Template(t) => format!("`{t}`"),
        Unit::Macro(_, m) => format!("the macro `{m}`"),
    }
}

fn cycle_error(first: &Unit, cycle: &[&Unit], files: &HashMap<&str, (&str, &str)>) -> Diagnostic {
    let template = match first {
        Unit::Template(t) | Unit::Macro(t, _) => t.as_str(),
    };
    let (file, text) = files.get(template).copied().unwrap_or((template, ""));
    let chain: Vec<String> = cycle
        .iter()
        .copied()
        .chain(std::iter::once(first))
        .map(describe)
        .collect();
    let what = match first {
        Unit::Macro(_, m) if cycle.len() == 1 => format!("the macro `{m}` calls itself"),
        Unit::Macro(..) => format!(
            "these macros call each other without end: {}",
            chain.join(" → ")
        ),
        Unit::Template(t) if cycle.len() == 1 => format!("the template `{t}` includes itself"),
        Unit::Template(_) => format!(
            "these templates include each other without end: {}",
            chain.join(" → ")
        ),
    };
    let mut d = Diagnostic::error(
        "template-recursion",
        file,
        format!("{what}, so a page made with it would never finish"),
    )
    .with_hint("PolicyPress does not allow a macro or template to call or include itself, even with a condition: write it with a `for` loop over the data instead");
    // At the line where the macro is defined (or the template's first line).
    let needle = match first {
        Unit::Macro(_, m) => Some(m.as_str()),
        Unit::Template(_) => None,
    };
    if !text.is_empty() {
        let source = SourceText::new(file, text.to_string());
        let offset = needle
            .and_then(|m| {
                text.match_indices("macro")
                    .find(|(i, _)| text[i + 5..].trim_start().starts_with(m))
                    .map(|(i, _)| i)
            })
            .unwrap_or(0);
        let (line, column) = source.line_col(offset);
        d = d.at_line(&source, line, column);
    }
    d
}

/// What rendering `nodes` (of the template `file`) may render: macros called, templates
/// included. Macro definitions are not rendered where they stand.
fn walk(tera: &Tera, file: &str, nodes: &[Node], out: &mut Vec<Unit>) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, e) => expr(tera, file, e, out),
            Node::Include(_, names, _) => {
                out.extend(names.iter().map(|n| Unit::Template(n.clone())));
            }
            Node::Set(_, set) => expr(tera, file, &set.value, out),
            Node::FilterSection(_, f, _) => {
                call(tera, file, &f.filter, out);
                walk(tera, file, &f.body, out);
            }
            Node::Block(_, b, _) => walk(tera, file, &b.body, out),
            Node::Forloop(_, f, _) => {
                expr(tera, file, &f.container, out);
                walk(tera, file, &f.body, out);
                if let Some(body) = &f.empty_body {
                    walk(tera, file, body, out);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    expr(tera, file, cond, out);
                    walk(tera, file, body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    walk(tera, file, body, out);
                }
            }
            _ => {}
        }
    }
}

fn call(tera: &Tera, file: &str, f: &FunctionCall, out: &mut Vec<Unit>) {
    for e in f.args.values() {
        expr(tera, file, e, out);
    }
}

fn expr(tera: &Tera, file: &str, e: &Expr, out: &mut Vec<Unit>) {
    value(tera, file, &e.val, out);
    for f in &e.filters {
        call(tera, file, f, out);
    }
}

fn value(tera: &Tera, file: &str, v: &ExprVal, out: &mut Vec<Unit>) {
    match v {
        ExprVal::Math(m) => {
            expr(tera, file, &m.lhs, out);
            expr(tera, file, &m.rhs, out);
        }
        ExprVal::Logic(l) => {
            expr(tera, file, &l.lhs, out);
            expr(tera, file, &l.rhs, out);
        }
        ExprVal::In(i) => {
            expr(tera, file, &i.lhs, out);
            expr(tera, file, &i.rhs, out);
        }
        ExprVal::Test(t) => {
            for e in &t.args {
                expr(tera, file, e, out);
            }
        }
        ExprVal::FunctionCall(f) => call(tera, file, f, out),
        ExprVal::Array(items) => {
            for e in items {
                expr(tera, file, e, out);
            }
        }
        ExprVal::StringConcat(c) => {
            for v in &c.values {
                value(tera, file, v, out);
            }
        }
        ExprVal::MacroCall(m) => {
            if let Some(target) = macro_file(tera, file, &m.namespace) {
                out.push(Unit::Macro(target, m.name.clone()));
            }
            for e in m.args.values() {
                expr(tera, file, e, out);
            }
        }
        _ => {}
    }
}

/// The template whose macros `namespace` names in the template `file`: `self`, or one it
/// (or a template it extends) imports.
fn macro_file(tera: &Tera, file: &str, namespace: &str) -> Option<String> {
    if namespace == "self" {
        return Some(file.to_string());
    }
    let mut current = tera.templates.get(file);
    // (Tera refuses circular extends; the bound only keeps this loop finite regardless.)
    for _ in 0..=tera.templates.len() {
        let t = current?;
        if let Some((f, _)) = t
            .imported_macro_files
            .iter()
            .find(|(_, ns)| ns == namespace)
        {
            return Some(f.clone());
        }
        current = t.parent.as_ref().and_then(|p| tera.templates.get(p));
    }
    None
}
