//! Turning a stored announcement into what a page shows: the shared safe Markdown and line diff
//! of `platform::web::text`, and one version's text as a document for diffing.

pub use platform::web::text::{DiffLine, line_diff as diff, markdown_html};

use crate::{model::Texts, store::VersionRow};

fn push_texts(doc: &mut String, texts: &Texts) {
    doc.push_str(&format!("# {}\n\n", texts.title));
    if !texts.summary.is_empty() {
        doc.push_str(&format!("{}\n\n", texts.summary));
    }
    doc.push_str(&format!("{}\n", texts.body));
    if !texts.instruction.is_empty() {
        doc.push_str(&format!("\n{}\n", texts.instruction));
    }
}

/// A version's text as one document for diffing: the Indonesian text, then the English one
/// (when written) under a marker line, so a change to either shows.
pub fn as_document(version: &VersionRow) -> String {
    let mut doc = String::new();
    push_texts(
        &mut doc,
        &Texts {
            title: version.title.clone(),
            summary: version.summary.clone(),
            body: version.body.clone(),
            instruction: version.instruction.clone(),
        },
    );
    if !version.english.is_empty() {
        doc.push_str("\n[English]\n\n");
        push_texts(&mut doc, &version.english);
    }
    doc
}
