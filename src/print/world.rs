//! The Typst world of one PDF: the only files Typst can read.
//!
//! A world holds the generated main file, the print templates (`/print/*.typ`), the fonts and
//! the images the document uses (`/images/…`), all in memory. Any other path, `/etc/passwd`
//! or `/print/../../secret` alike, is refused: Typst never touches the disk.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

/// The body font: Atkinson Hyperlegible (SIL Open Font License, `themes/default/fonts/OFL.txt`).
pub const FONTS: [(&str, &[u8]); 4] = [
    (
        "AtkinsonHyperlegible-Regular.ttf",
        include_bytes!("../../themes/default/fonts/AtkinsonHyperlegible-Regular.ttf"),
    ),
    (
        "AtkinsonHyperlegible-Bold.ttf",
        include_bytes!("../../themes/default/fonts/AtkinsonHyperlegible-Bold.ttf"),
    ),
    (
        "AtkinsonHyperlegible-Italic.ttf",
        include_bytes!("../../themes/default/fonts/AtkinsonHyperlegible-Italic.ttf"),
    ),
    (
        "AtkinsonHyperlegible-BoldItalic.ttf",
        include_bytes!("../../themes/default/fonts/AtkinsonHyperlegible-BoldItalic.ttf"),
    ),
];

/// What every world shares: the standard library and the fonts, loaded once per process.
pub struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
    /// A hash of every font's bytes, part of each PDF's cache key.
    pub fonts_hash: String,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let mut fonts = FontStore::new();
    let mut hasher = blake3::Hasher::new();
    for (name, bytes) in FONTS {
        hasher.update(name.as_bytes());
        hasher.update(bytes);
        for font in Font::iter(Bytes::new(bytes)) {
            let info = font.info().clone();
            fonts.push((font, info));
        }
    }
    // Typst's own fonts: DejaVu Sans Mono for code, and fallbacks for rare characters.
    hasher.update(typst::utils::version().raw().as_bytes());
    fonts.extend(typst_kit::fonts::embedded());
    Shared {
        library: LazyHash::new(Library::default()),
        fonts,
        fonts_hash: hasher.finalize().to_hex().to_string(),
    }
});

/// Whether some print font has a glyph for `c` (Typst falls back from the body font to
/// any font that has one; a character none has prints as an empty box).
pub fn can_draw(c: char) -> bool {
    static INFOS: LazyLock<Vec<typst::text::FontInfo>> = LazyLock::new(|| {
        let book = SHARED.fonts.book();
        (0..).map_while(|i| book.info(i).cloned()).collect()
    });
    INFOS
        .iter()
        .any(|info| info.coverage.contains(u32::from(c)))
}

/// The library and fonts every world shares, loaded on first use (see `warm_up`).
pub fn shared() -> &'static Shared {
    &SHARED
}

/// The id of a file at an absolute virtual path such as `/print/policy.typ`.
pub fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// The print templates of a build, by file id, parsed once and shared by every PDF.
#[derive(Default)]
pub struct Templates {
    /// Each template's parsed text, under the id of its path in the world (`/print/…`).
    pub sources: HashMap<FileId, Source>,
    /// Where each template came from, for messages: `themes/default/print/policy.typ`.
    pub origins: HashMap<FileId, String>,
}

impl Templates {
    /// Adds (or replaces) the template `name` (`policy.typ`).
    pub fn insert(&mut self, name: &str, text: String, origin: String) {
        if let Some(id) = file_id(&format!("/print/{name}")) {
            self.sources.insert(id, Source::new(id, text));
            self.origins.insert(id, origin);
        }
    }
}

/// The world of one PDF.
pub struct PrintWorld<'a> {
    shared: &'static Shared,
    main: Source,
    templates: &'a Templates,
    files: HashMap<FileId, Bytes>,
}

impl<'a> PrintWorld<'a> {
    /// A world whose main file is `main`, which may read the templates and `files`
    /// (`(virtual path, bytes)`, e.g. the document's images).
    pub fn new(
        main: String,
        templates: &'a Templates,
        files: Vec<(String, Vec<u8>)>,
    ) -> PrintWorld<'a> {
        let id = file_id("/main.typ").expect("a valid virtual path");
        PrintWorld {
            shared: shared(),
            main: Source::new(id, main),
            templates,
            files: files
                .into_iter()
                .filter_map(|(path, bytes)| Some((file_id(&path)?, Bytes::new(bytes))))
                .collect(),
        }
    }

    /// The generated main file, so that errors Typst places in it can be traced back to the
    /// Markdown.
    pub fn main_source(&self) -> &Source {
        &self.main
    }
}

impl World for PrintWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        if let Some(s) = self.templates.sources.get(&id) {
            return Ok(s.clone());
        }
        if self.files.contains_key(&id) {
            return Err(FileError::NotSource);
        }
        Err(FileError::AccessDenied)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id) {
            return Ok(b.clone());
        }
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        if let Some(s) = self.templates.sources.get(&id) {
            return Ok(Bytes::from_string(s.text().to_string()));
        }
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    /// Print templates cannot read the date: a PDF changes only when its inputs change.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(main: &str) -> (Templates, String) {
        let mut t = Templates::default();
        t.insert(
            "common.typ",
            "#let x = 1".into(),
            "themes/default/print/common.typ".into(),
        );
        (t, main.to_string())
    }

    #[test]
    fn refuses_every_file_it_was_not_given() {
        let (templates, main) = world("Hello");
        let w = PrintWorld::new(
            main,
            &templates,
            vec![("/images/0.png".into(), vec![1, 2, 3])],
        );
        for path in [
            "/etc/passwd",
            "/print/../../etc/passwd",
            "/images/1.png",
            "/Cargo.toml",
            "/print/missing.typ",
        ] {
            let id = file_id(path).unwrap_or_else(|| file_id("/x").unwrap());
            assert!(
                matches!(w.file(id), Err(FileError::AccessDenied)),
                "{path} was readable"
            );
            assert!(w.source(id).is_err(), "{path} was readable as source");
        }
        assert!(w.file(file_id("/images/0.png").unwrap()).is_ok());
        assert!(w.source(file_id("/print/common.typ").unwrap()).is_ok());
        assert!(w.today(None).is_none());
    }

    #[test]
    fn a_document_cannot_read_the_disk() {
        let (templates, _) = world("");
        for code in [
            "#read(\"/etc/passwd\")",
            "#read(\"../../../../etc/passwd\")",
            "#include \"/etc/passwd\"",
            "#image(\"/etc/passwd\")",
        ] {
            let w = PrintWorld::new(code.to_string(), &templates, Vec::new());
            let result = typst::compile::<typst_layout::PagedDocument>(&w).output;
            let errors = result.err().unwrap_or_else(|| panic!("{code} compiled"));
            assert!(
                errors.iter().any(|e| e.message.contains("denied")
                    || e.message.contains("access")
                    || e.message.contains("escape")),
                "{code}: {errors:?}"
            );
        }
    }
}
