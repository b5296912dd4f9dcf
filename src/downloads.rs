//! The downloads an exporter makes from a page, as the page's template links them. Shared
//! by the exporters that make them (`print`) and the ones that link them (the HTML pages).

use serde::Serialize;

/// A file made from a page for people to download (today its print PDF, or a class copy
/// of a charter's), as the page links it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Download {
    /// The format's name, as the link shows it ("PDF").
    pub format: &'static str,
    /// The file's media type, for `type` on the link ("application/pdf").
    pub media_type: &'static str,
    /// A copy of the page's own download for a group (a class), not the page's own.
    pub copy: bool,
    /// The file's URL path, with the base path
    /// (`/riverbend/policies/online-safety/online-safety-policy.pdf`).
    pub url: String,
    /// What it is: the document's title, the band's name, or the class ("Year 3 Oak").
    pub name: String,
    /// How many pages the file has (a PDF's page count).
    pub pages: usize,
    /// The file's size in kilobytes, rounded up (140).
    pub size_kb: u64,
    /// Link text: "Download PDF (A4, 3 pages, 140 KB)" (a class copy: "Year 3 Oak (PDF, …)").
    pub label: String,
}
