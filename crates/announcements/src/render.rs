//! Turning stored text into what a page shows: Markdown to HTML with everything unsafe removed
//! (ammonia keeps a small allow-list of tags and no scripts, event handlers or `javascript:`
//! links), and the line diff between two versions.

use similar::{ChangeTag, TextDiff};

/// Markdown (or plain text) as HTML that is safe to put in a page unescaped.
pub fn markdown_html(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new(markdown);
    let mut raw = String::new();
    pulldown_cmark::html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

/// One line of a diff, ready to show (`kind`: `same`, `added`, `removed`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: &'static str,
    pub text: String,
}

/// What changed from `old` to `new`, line by line (title first, then the text).
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Equal => "same",
                ChangeTag::Insert => "added",
                ChangeTag::Delete => "removed",
            },
            text: change.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

/// A version's text as one document for diffing.
pub fn as_document(title: &str, body: &str, instruction: &str) -> String {
    let mut doc = format!("# {title}\n\n{body}\n");
    if !instruction.is_empty() {
        doc.push_str(&format!("\n{instruction}\n"));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = markdown_html(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn markdown_is_rendered() {
        assert!(markdown_html("**Wajib** masker").contains("<strong>Wajib</strong>"));
    }

    #[test]
    fn a_changed_line_shows_as_removed_and_added() {
        let lines = diff("a\nb\n", "a\nc\n");
        let kinds: Vec<_> = lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(kinds, vec![("same", "a"), ("removed", "b"), ("added", "c")]);
    }
}
