//! Turning a stored announcement into what a page shows: the shared safe Markdown and line diff
//! of `platform::web::text`, and one version's text as a document for diffing.

pub use platform::web::text::{DiffLine, line_diff as diff, markdown_html};

/// A version's text as one document for diffing.
pub fn as_document(title: &str, body: &str, instruction: &str) -> String {
    let mut doc = format!("# {title}\n\n{body}\n");
    if !instruction.is_empty() {
        doc.push_str(&format!("\n{instruction}\n"));
    }
    doc
}
