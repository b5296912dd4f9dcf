//! The checks on the text of published files: `static/` files' text and metadata, photos' metadata, and `content/images.toml`.

use super::*;

impl Checker<'_> {
    /// Pupils' names in the text of a file of `static/` (its body, the same text as a reader
    /// sees it, or a document's metadata), all texts of one file together: a name in the
    /// body is reported at its line; the decoded forms only when the body has none.
    pub fn check_file_texts(
        &self,
        texts: &[crate::static_meta::FileText],
        diags: &mut Vec<Diagnostic>,
    ) {
        use crate::static_meta::TextPlace;
        let Some(roster) = self.active_roster() else {
            return;
        };
        let mut in_body = false;
        for t in texts {
            if matches!(t.place, TextPlace::Decoded(_)) && in_body {
                continue;
            }
            let mut source: Option<SourceText> = None;
            let mut decoded_reported = false;
            for range in roster.find(&t.text) {
                let pair: Vec<String> = roster::words(&t.text[range.clone()])
                    .map(|(_, w)| roster::normalise_word(w))
                    .collect();
                if self.staff_pairs.contains(&pair.join(" ")) {
                    continue;
                }
                let shown = redact(&t.text[range.clone()]);
                let hint = "remove the pupil's surname from the file (and publish it again), or leave the file out of static/";
                let d = match &t.place {
                    TextPlace::Body => {
                        in_body = true;
                        let source = source
                            .get_or_insert_with(|| SourceText::new(t.file.clone(), t.text.clone()));
                        RuleId::PupilFullName
                            .error(
                                &t.file,
                                format!("this file holds a pupil's full name ({shown})"),
                            )
                            .at(source, range.start)
                    }
                    TextPlace::Decoded(what) => {
                        if decoded_reported {
                            continue;
                        }
                        decoded_reported = true;
                        RuleId::PupilFullName.error(
                            &t.file,
                            format!("this file's {what} holds a pupil's full name ({shown})"),
                        )
                    }
                    TextPlace::Metadata(field) => RuleId::PupilFullName.error(
                        &t.file,
                        format!("the file's {field} metadata holds a pupil's full name ({shown})"),
                    ),
                };
                diags.push(d.with_hint(hint));
            }
        }
    }

    /// Pupils' names in a text field of an image's metadata (a caption, keywords, the people
    /// shown).
    pub fn check_image_text(
        &self,
        file: &str,
        field: &crate::images::Field,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(roster) = self.active_roster() else {
            return;
        };
        for range in roster.find(&field.value) {
            if self.is_staff(&field.value[range.clone()]) {
                continue;
            }
            diags.push(
                RuleId::PupilFullName.error(
                    file,
                    format!("the image's {} {} metadata holds a pupil's full name ({})", field.container, field.name, redact(&field.value[range])),
                )
                .with_hint("remove the name from the original photo too (or export it again without it): published copies lose their metadata, the original keeps it"),
            );
        }
    }

    /// `content/images.toml`: every photo of pupils has a current consent reference, and every
    /// entry names a published file.
    pub fn check_images(
        &self,
        images: &[ImageInfo],
        source: Option<&SourceText>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(source) = source else { return };
        for image in images {
            if !self.static_files.contains(&image.file) {
                diags.push(
                    RuleId::BrokenInternalLink.error(&source.name, format!("there is no static/{}", image.file))
                        .at(source, image.offset)
                        .with_hint("write the image's path inside static/, e.g. file = \"photos/sports-day.jpg\""),
                );
            }
            if !image.pupils {
                continue;
            }
            if image.consent.is_empty() {
                diags.push(
                    RuleId::ImageConsentMissing.error(&source.name, format!("static/{} shows pupils but has no consent reference", image.file))
                        .at(source, image.offset)
                        .with_hint("add `consent = \"...\"` with the reference of the parents' written consent, or remove the photo"),
                );
            } else if let Some(expires) = &image.consent_expires
                && expires.end < self.today
            {
                diags.push(
                    RuleId::ImageConsentMissing.error(&source.name, format!("the consent for static/{} ran out on {}", image.file, expires.display))
                        .at(source, image.offset)
                        .with_hint("renew the consent and update `consent` and `consent_expires`, or remove the photo"),
                );
            }
        }
    }
}
