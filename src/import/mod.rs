//! `policypress import`: a school's existing Word policy (.docx) or OpenDocument one (.odt,
//! from LibreOffice or Google Docs), or a policy page saved from its website (.html), into
//! the site, as Markdown
//! in its content model: headings, lists, tables, links and footnotes converted; the
//! approval table or lines into front matter; Word's contents list and signature lines left
//! out; and every place a person must decide (highlighted text to amend, comments,
//! empty `[ ]` cells, facts the document does not state) marked so `check` fails on it, and
//! listed in the report with its line.
//!
//! Steps, one file each: `docx` reads a Word file (through the one ZIP reader, capped),
//! `odt` an OpenDocument one (the same ZIP and XML readers), or `html` a web page, into
//! `model`'s blocks; `facts` reads the policy's facts; `federation`
//! merges a shared policy's per-school sentences; `markdown` writes the Markdown;
//! `write` puts it into `content/` (never over an edited file without `--force`).

mod appendix;
mod docx;
mod facts;
mod federation;
#[cfg(test)]
mod fuzz;
mod html;
mod markdown;
mod model;
mod names;
mod odt;
mod write;
mod xml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use facts::Facts;
pub use markdown::Counts;
pub use names::Names;
pub use write::{Written, write};

use model::{Block, Para};

/// The most bytes an imported file may have.
pub const MAX_FILE: u64 = 64 << 20;

/// Why a file can't be imported, in words that say what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("can't read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A Word 97–2003 file.
    #[error(
        "this is an old Word file (.doc, Word 97–2003); open it in Word or LibreOffice, save it as .docx (Word 2007 or later) and import that"
    )]
    Word97,
    /// A PDF.
    #[error(
        "this is a PDF, whose headings, lists and tables can't be read back reliably; import the Word file it was made from (.docx), or ask whoever wrote it for that"
    )]
    Pdf,
    /// A ZIP without a Word or OpenDocument text document, or no ZIP at all.
    #[error(
        "this is not a Word or OpenDocument text file (.docx or .odt); save the policy as .docx in Word, or as .odt in LibreOffice, and import that"
    )]
    NotWord,
    /// Damaged, incomplete or not well-formed.
    #[error(
        "the document is damaged or incomplete: {0}; open it in Word or LibreOffice, save it again (.docx or .odt) and import the new file"
    )]
    Damaged(String),
    /// A part inflates past the limit.
    #[error(
        "a part of the document is far larger than any policy (over 32 MB once unpacked), so it is not read; save it again from Word or LibreOffice, without embedded videos or huge pictures"
    )]
    TooLarge,
    /// The file is over [`MAX_FILE`].
    #[error(
        "the file is {0} MB, larger than any policy (at most 64 MB); save it again from Word or LibreOffice without embedded videos or huge pictures"
    )]
    FileTooLarge(u64),
    /// Password-protected.
    #[error(
        "the document is password-protected; remove the password (in Word: File > Info > Protect Document; in LibreOffice: File > Save As with \"Save with password\" unticked) and import it again"
    )]
    Encrypted,
}

/// What kind of document to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    /// A policy (`content/policies/`), with its approval facts in front matter.
    Policy,
    /// A pupils' agreement (`content/charters/`): its phases mapped to the site's bands,
    /// its sign-off sentence kept as the words it is signed under.
    Charter,
    /// A guide for parents (`content/guides/`).
    Guide,
    /// An ordinary page (`content/`).
    Page,
}

impl ImportKind {
    fn folder(self) -> &'static str {
        match self {
            ImportKind::Policy => "policies/",
            ImportKind::Charter => "charters/",
            ImportKind::Guide => "guides/",
            ImportKind::Page => "",
        }
    }
}

/// A file converted: where it goes and what it says, with the report's facts.
#[derive(Debug)]
pub struct Imported {
    /// The file it came from.
    pub source: PathBuf,
    /// Where it goes, from the site's root (`content/policies/online-safety-policy.md`).
    pub path: String,
    /// The document's kind.
    pub kind: ImportKind,
    /// The Markdown file, front matter included.
    pub text: String,
    /// What was converted.
    pub counts: Counts,
    /// The places a person must look at: (line of `text`, what).
    pub notes: Vec<(usize, String)>,
    /// What did not come through at all (no line to point at).
    pub problems: Vec<String>,
    /// Whether it reads like a pupils' agreement ("I will …"), which becomes a charter.
    pub looks_like_agreement: bool,
    /// The school's words written back as variables: (text, variable, how many times).
    pub replaced: Vec<(String, String, usize)>,
    /// What was done that a person should know of (a picture's location removed).
    pub remarks: Vec<String>,
    /// The pictures to write with it: (path from the site's root, bytes with their metadata
    /// removed by `images::strip`, the one stripper every published image goes through).
    pub pictures: Vec<(String, Vec<u8>)>,
    /// The documents made from parts of it: the charter its pupils' agreement appendices
    /// became.
    pub also: Vec<Imported>,
}

impl Imported {
    /// Puts the document (and those made from it) in school `slug`'s own folder
    /// (`content/schools/<slug>/…`).
    pub fn in_school(&mut self, slug: &str) {
        if let Some(rest) = self.path.strip_prefix("content/") {
            self.path = format!("content/schools/{slug}/{rest}");
        }
        for doc in &mut self.also {
            doc.in_school(slug);
        }
    }

    /// Names the document after the file it came from instead of its title (when two
    /// files of one import have the same title).
    pub fn rename_after_file(&mut self) {
        let stem = self
            .source
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.path = format!("content/{}{}.md", self.kind.folder(), slug(&stem));
    }
}

/// What the importer knows of the site it imports into.
#[derive(Debug, Clone)]
pub struct ImportSite {
    /// Each school's words to write back as variables ([`Names::of_site`]).
    pub names: Vec<Names>,
    /// The age bands an agreement's phases are mapped to.
    pub bands: Vec<crate::config::Band>,
}

impl ImportSite {
    /// What a site's settings say.
    pub fn of(config: &crate::config::SiteConfig) -> ImportSite {
        ImportSite {
            names: Names::of_site(config),
            bands: config.bands.clone(),
        }
    }
}

impl ImportSite {
    /// What a site's settings say, for documents of one school (`--school`): that school's
    /// words only. `None` when the site has no such school.
    pub fn of_school(config: &crate::config::SiteConfig, slug: &str) -> Option<ImportSite> {
        let at = config.schools.iter().position(|s| s.slug == slug)?;
        let mut site = ImportSite::of(config);
        site.names = vec![site.names.swap_remove(at)];
        Some(site)
    }
}

impl Default for ImportSite {
    /// A site whose settings can't be read: no names, the default bands.
    fn default() -> Self {
        ImportSite {
            names: Vec::new(),
            bands: crate::config::default_bands(),
        }
    }
}

/// Reads and converts one file into the site `site` describes.
pub fn convert(
    path: &Path,
    kind: Option<ImportKind>,
    site: &ImportSite,
) -> Result<Imported, ImportError> {
    let io = |source| ImportError::Io {
        path: path.display().to_string(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE {
        return Err(ImportError::FileTooLarge(size >> 20));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(ImportError::Word97);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ImportError::Pdf);
    }
    let doc = if is_html(path, &bytes) {
        html::read(&String::from_utf8_lossy(&bytes))
    } else if bytes.starts_with(b"PK") {
        let entries =
            crate::static_meta::zip::entries(&bytes, docx::MAX_ENTRIES).map_err(docx::zip_error)?;
        if odt::is_odf(&entries) {
            odt::read(&bytes, &entries)?
        } else {
            docx::read(&bytes, &entries)?
        }
    } else {
        return Err(ImportError::NotWord);
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
        .unwrap_or_else(|| "Imported document".into());
    Ok(from_blocks(path, doc, kind, &stem, site))
}

/// Whether a file is a web page: named `.html` or `.htm`, or starting (after white space)
/// with `<` and declaring HTML in its first kilobyte.
fn is_html(path: &Path, bytes: &[u8]) -> bool {
    let named = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    named || (head.starts_with('<') && (head.contains("<html") || head.contains("<!doctype html")))
}

/// The document's title: its Title-styled paragraph, else the first paragraph when it is a
/// heading or bold line, else the file's title property, else the file's name. The
/// paragraph it came from is taken out of the body.
fn take_title(blocks: &mut Vec<Block>, core: Option<String>, stem: &str) -> String {
    let first_text = blocks.iter().position(|b| match b {
        Block::Para(p) => !p.text().trim().is_empty(),
        Block::Table(_) => true,
    });
    let titled = blocks
        .iter()
        .position(|b| matches!(b, Block::Para(p) if p.title && !p.text().trim().is_empty()));
    let first_heading = first_text.filter(|&i| {
        matches!(&blocks[i], Block::Para(p) if (p.heading.is_some() || p.all_bold()) && p.list.is_none() && p.text().len() < 120)
    });
    match titled.or(first_heading) {
        Some(i) => match blocks.remove(i) {
            Block::Para(p) => p.text().split_whitespace().collect::<Vec<_>>().join(" "),
            Block::Table(_) => stem.to_string(),
        },
        None => core.unwrap_or_else(|| stem.to_string()),
    }
}

/// Takes the policy's facts out of the body: tables' rows whose cells are all facts (a label
/// and its value side by side, "Approved by: | Governors | Date: | 12/10/2025", or "Label:
/// value" in one cell) and "Label: value" lines that name one. What names a fact but can't
/// be used is noted.
fn take_facts(blocks: &mut Vec<Block>, facts: &mut Facts, problems: &mut Vec<String>) {
    blocks.retain_mut(|b| match b {
        Block::Table(t) => {
            t.rows.retain(|row| {
                let texts: Vec<String> = row
                    .iter()
                    .map(|cell| model::blocks_text(cell))
                    .filter(|t| !t.trim().is_empty())
                    .collect();
                let mut taken = facts.clone();
                let mut why = Vec::new();
                let mut i = 0;
                while i < texts.len() {
                    // "Label: value" in one cell.
                    if let Some((label, value)) = texts[i].split_once(':')
                        && !value.trim().is_empty()
                    {
                        match facts::take(&mut taken, label, value) {
                            Ok(false) => {}
                            Ok(true) => {
                                i += 1;
                                continue;
                            }
                            Err(e) => {
                                why.push(e);
                                i += 1;
                                continue;
                            }
                        }
                    }
                    let Some(value) = texts.get(i + 1) else {
                        return true;
                    };
                    match facts::take(&mut taken, &texts[i], value) {
                        Ok(true) => {}
                        Ok(false) => return true,
                        Err(e) => why.push(e),
                    }
                    i += 2;
                }
                problems.extend(why.iter().cloned());
                if texts.is_empty() || !why.is_empty() {
                    return true;
                }
                *facts = taken;
                false
            });
            !t.rows.is_empty()
        }
        Block::Para(p) => {
            let text = p.text();
            let Some((label, value)) = text.split_once(':') else {
                return true;
            };
            if p.heading.is_some() || p.list.is_some() || label.len() > 60 {
                return true;
            }
            match facts::take(facts, label, value) {
                Ok(took) => !took,
                Err(why) => {
                    problems.push(why);
                    true
                }
            }
        }
    });
}

/// Whether most list items start as a pupil's promise ("I will", "I know").
fn reads_like_agreement(blocks: &[Block]) -> bool {
    let items: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p @ Para { list: Some(_), .. }) => Some(p.text().trim().to_lowercase()),
            _ => None,
        })
        .collect();
    let promises = items.iter().filter(|t| is_promise(t)).count();
    promises >= 5 && promises * 2 >= items.len()
}

/// Whether a line starts as a pupil's promise ("I will", "I Promise – to …").
pub(crate) fn is_promise(text: &str) -> bool {
    let t = text.trim_start().to_lowercase();
    PROMISES.iter().any(|p| {
        t.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '–', '-', ':', ',']))
    })
}

/// How a pupil's promise starts.
const PROMISES: [&str; 10] = [
    "i will",
    "i won't",
    "i promise",
    "i understand",
    "i know",
    "i can",
    "i must",
    "i always",
    "i never",
    "i tell",
];

fn from_blocks(
    path: &Path,
    mut doc: docx::Docx,
    kind: Option<ImportKind>,
    stem: &str,
    site: &ImportSite,
) -> Imported {
    let title = take_title(&mut doc.blocks, doc.core_title.take(), stem);
    let agreements = match kind {
        None | Some(ImportKind::Policy) => appendix::take(&mut doc.blocks),
        Some(_) => None,
    };
    let Some(agreements) = agreements else {
        return document(path, doc, kind, &title, stem, site);
    };
    // The pupils' agreement appendices become a charter of their own, with the footnotes and
    // pictures they use; the policy points at it where each appendix was.
    let charter_path = format!("charters/{}.md", slug(&agreements.title));
    let (notes, pictures) = used_by(&agreements.blocks);
    let (charter_notes, notes_left) = std::mem::take(&mut doc.footnotes)
        .into_iter()
        .partition(|(id, _)| notes.contains(id));
    doc.footnotes = notes_left;
    let (charter_pictures, pictures_left) = std::mem::take(&mut doc.pictures)
        .into_iter()
        .partition(|(rel, _)| pictures.contains(rel));
    doc.pictures = pictures_left;
    for (at, heading) in agreements.places.iter().rev() {
        let pointer = model::Para {
            inlines: vec![
                model::Inline::Text(model::Run {
                    text: "This agreement is published as the pupils' charter: ".into(),
                    ..model::Run::default()
                }),
                model::Inline::Link {
                    url: format!("@/{charter_path}"),
                    runs: vec![model::Run {
                        text: agreements.title.clone(),
                        ..model::Run::default()
                    }],
                },
                model::Inline::Text(model::Run {
                    text: ".".into(),
                    ..model::Run::default()
                }),
            ],
            ..model::Para::default()
        };
        doc.blocks
            .splice(at..at, [Block::Para(heading.clone()), Block::Para(pointer)]);
    }
    let charter = docx::Docx {
        blocks: agreements.blocks,
        footnotes: charter_notes,
        pictures: charter_pictures,
        ..docx::Docx::default()
    };
    let mut policy = document(path, doc, kind, &title, stem, site);
    let charter = document(
        path,
        charter,
        Some(ImportKind::Charter),
        &agreements.title,
        &format!("{stem} agreement"),
        site,
    );
    policy.remarks.push(
        "the pupils' agreement in its appendices became a charter of its own (the next file), with its phases as the site's bands; the policy links to it where each appendix was".into(),
    );
    policy.also.push(charter);
    policy
}

/// The footnotes and pictures some blocks use, by id.
fn used_by(blocks: &[Block]) -> (HashSet<String>, HashSet<String>) {
    let (mut notes, mut pictures) = (HashSet::new(), HashSet::new());
    for b in blocks {
        match b {
            Block::Para(p) => {
                for i in &p.inlines {
                    match i {
                        model::Inline::Footnote(id) => {
                            notes.insert(id.clone());
                        }
                        model::Inline::Image { rel, .. } => {
                            pictures.insert(rel.clone());
                        }
                        _ => {}
                    }
                }
            }
            Block::Table(t) => {
                for cell in t.rows.iter().flatten() {
                    let (n, p) = used_by(cell);
                    notes.extend(n);
                    pictures.extend(p);
                }
            }
        }
    }
    (notes, pictures)
}

/// One document written from its blocks: its facts into front matter, its kind decided
/// (unless given), its Markdown and report.
fn document(
    path: &Path,
    doc: docx::Docx,
    kind: Option<ImportKind>,
    title: &str,
    stem: &str,
    site: &ImportSite,
) -> Imported {
    let docx::Docx {
        mut blocks,
        footnotes,
        core_title: _,
        mut problems,
        pictures,
        headers,
    } = doc;
    let title = title.to_string();
    let agreement = reads_like_agreement(&blocks);
    let mut facts = Facts::default();
    let before = blocks.len();
    take_facts(&mut blocks, &mut facts, &mut problems);
    let stated = facts != Facts::default() || blocks.len() != before;
    let kind = kind.unwrap_or(if agreement {
        ImportKind::Charter
    } else if stated || title.to_lowercase().contains("policy") {
        ImportKind::Policy
    } else {
        ImportKind::Page
    });
    let min_heading = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => markdown::heading_level(p),
            Block::Table(_) => None,
        })
        .min()
        .unwrap_or(2);
    let (names, schools_named) = Names::for_text(&site.names, &model::blocks_text(&blocks));
    let mut remarks = Vec::new();
    let mut w = markdown::Writer::new(min_heading, names);
    if schools_named > 1 {
        share(&mut blocks, site, schools_named, &mut w, &mut remarks);
    }
    if kind == ImportKind::Charter {
        w.charter_bands = Some(site.bands.clone());
    }
    for header in headers {
        remarks.push(format!(
            "the page header says \"{}\": it was left out, since PolicyPress prints the school's name (and its `logo`, when school.toml gives one) at the top of every page and PDF",
            markdown::shorten(&header, 80)
        ));
    }
    let file_slug = slug(stem);
    let files = clean_pictures(
        &file_slug,
        pictures,
        &mut problems,
        &mut remarks,
        &mut w.pictures,
    );
    w.blocks(&blocks, &footnotes);
    w.footnotes(&footnotes);
    let mut front = front_matter(&title, kind, &facts);
    if kind == ImportKind::Charter {
        charter_remarks(&w, &mut remarks);
        front = format!(
            "{}{}+++\n",
            front.trim_end_matches("+++\n"),
            signing_front(&w.signing, &site.bands)
        );
    }
    let front_lines = front.matches('\n').count();
    let mut notes: Vec<(usize, String)> = w
        .notes
        .into_iter()
        .map(|(line, what)| (line + front_lines + 1, what))
        .collect();
    if kind == ImportKind::Policy
        && let Some(what) = missing_facts(&facts)
    {
        notes.insert(0, (2, what));
    }
    let mut text = front;
    text.push('\n');
    text.push_str(w.out.trim_start_matches('\n'));
    if !text.ends_with('\n') {
        text.push('\n');
    }
    // A note about something left out at the very end points at the last line.
    let last = text.lines().count().max(1);
    for (line, _) in &mut notes {
        *line = (*line).min(last);
    }
    Imported {
        source: path.to_path_buf(),
        path: format!("content/{}{}.md", kind.folder(), slug(&title)),
        kind,
        text,
        counts: w.counts,
        notes,
        problems,
        looks_like_agreement: agreement,
        replaced: w.replaced,
        pictures: files,
        remarks,
        also: Vec::new(),
    }
}

/// A policy naming several of the site's schools: each school's copy of a sentence made one
/// (in that school's variables), sections for one school marked; what was done said.
fn share(
    blocks: &mut Vec<Block>,
    site: &ImportSite,
    named: usize,
    w: &mut markdown::Writer,
    remarks: &mut Vec<String>,
) {
    let shared = federation::share(blocks, &site.names);
    remarks.push(format!(
        "it names {named} of the site's schools: {} sentence{} each school had its own copy of became one, in variables ({{{{ school.name }}}}, {{{{ dsl }}}}) that each school's page fills in; other mentions of a school are kept as written",
        shared.merged,
        if shared.merged == 1 { "" } else { "s" }
    ));
    w.block_names = shared.names;
    w.block_notes = shared.notes;
}

/// A file name for `text` (a title or a file's name): its slug, or "imported".
fn slug(text: &str) -> String {
    let slug = crate::markdown::slugify(text);
    if slug.is_empty() {
        "imported".into()
    } else {
        slug
    }
}

/// What a person should know of a charter's phases and sign-off words.
fn charter_remarks(w: &markdown::Writer, remarks: &mut Vec<String>) {
    for (heading, bands) in &w.phases {
        if !bands.is_empty() {
            remarks.push(format!(
                "the phase \"{heading}\" is for [{}]: its section shows only to those bands (change the list at its heading if that is wrong)",
                bands.join(" ")
            ));
        }
    }
    for (_, text) in &w.signing {
        remarks.push(format!(
            "the sign-off sentence \"{text}\" is kept as the words the charter is signed under (`signing` in its front matter); the signature lines are printed on every copy"
        ));
    }
}

/// The charter's `signing` front matter: one sentence for every band, or a `[signing]`
/// table with each band's (a phase's sentence for its bands, one outside any phase for the
/// rest). Empty when the agreement had none.
fn signing_front(found: &[(Vec<String>, String)], bands: &[crate::config::Band]) -> String {
    let mut distinct: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    match distinct[..] {
        [] => String::new(),
        [one] => format!("signing = {}\n", toml_string(one)),
        _ => {
            let all = found.iter().find(|(b, _)| b.is_empty()).map(|(_, t)| t);
            let mut out = String::from("\n[signing]\n");
            for band in bands {
                let own = found
                    .iter()
                    .find(|(b, _)| b.contains(&band.slug))
                    .map(|(_, t)| t);
                if let Some(text) = own.or(all) {
                    out.push_str(&format!("{} = {}\n", band.slug, toml_string(text)));
                }
            }
            out
        }
    }
}

/// A TOML string literal.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn front_matter(title: &str, kind: ImportKind, facts: &Facts) -> String {
    let mut out = String::from("+++\n");
    out.push_str(&format!("title = {}\n", toml_string(title)));
    if kind == ImportKind::Policy {
        let fields = [
            ("version", &facts.version),
            ("approved_by", &facts.approved_by),
            ("approved", &facts.approved),
            ("minute_ref", &facts.minute_ref),
            ("review_period", &facts.review_period),
            ("next_review", &facts.next_review),
            ("owner", &facts.owner),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                out.push_str(&format!("{key} = {}\n", toml_string(v)));
            }
        }
    }
    out.push_str("+++\n");
    out
}

/// The embedded pictures, in the order they appear, with their metadata removed:
/// (`static/images/imported/<file>-<n>.<ext>`, bytes) to write, and the address of each
/// by relationship id. A picture in a format that can't be cleaned is left out and said.
fn clean_pictures(
    file_slug: &str,
    pictures: Vec<(String, (String, Vec<u8>))>,
    problems: &mut Vec<String>,
    remarks: &mut Vec<String>,
    urls: &mut std::collections::HashMap<String, String>,
) -> Vec<(String, Vec<u8>)> {
    use crate::images;
    let mut files = Vec::new();
    for (n, (rel, (name, bytes))) in pictures.into_iter().enumerate() {
        let format = images::format_of(Path::new(&name), &bytes);
        let cleaned = images::strip(format, &bytes);
        let Ok(cleaned) = cleaned else {
            problems.push(format!(
                "the picture {name} ({format}) can't have its metadata removed, so it was left out: export it from an image editor as JPEG or PNG, put it in static/ and link it"
            ));
            continue;
        };
        if images::read_metadata(format, &bytes).is_ok_and(|m| !m.location.is_empty()) {
            remarks.push(format!(
                "the picture {name} said where it was taken (location metadata): that was removed from the copy in static/"
            ));
        }
        let path = format!(
            "static/images/imported/{file_slug}-{}.{}",
            n + 1,
            format.extension()
        );
        urls.insert(rel, format!("/{}", path.trim_start_matches("static/")));
        files.push((path, cleaned));
    }
    files
}

/// What a policy's front matter lacks that the document did not say, as a note.
fn missing_facts(facts: &Facts) -> Option<String> {
    let missing: Vec<&str> = [
        (
            facts.approved_by.is_none(),
            "who approved it (`approved_by`)",
        ),
        (facts.approved.is_none(), "when (`approved`)"),
        (facts.version.is_none(), "its version (`version`)"),
        (
            facts.next_review.is_none() && facts.review_period.is_none(),
            "when it is next reviewed (`next_review` or `review_period`)",
        ),
        (facts.owner.is_none(), "who owns it (`owner`)"),
    ]
    .into_iter()
    .filter_map(|(missing, what)| missing.then_some(what))
    .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "the document does not say {}: fill it in in the front matter",
            missing.join(", ")
        )
    })
}
