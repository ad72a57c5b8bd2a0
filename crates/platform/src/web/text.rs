//! Text that staff write and the public reads: Markdown rendered as HTML with everything unsafe
//! removed, and the line diff between two versions of a text. Announcements and the knowledge
//! base both publish this way, so a page never runs what someone typed. Also the one CSV cell
//! rule of every export.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// Markdown (or plain text) as HTML that is safe to put into a page unescaped: rendered with
/// pulldown-cmark (tables and strikethrough on), then cleaned by ammonia, which keeps a small
/// allow-list of tags and attributes (no script, no event handlers, no `javascript:` links), so
/// raw HTML in the text is shown harmless, never run.
pub fn markdown_html(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(
        markdown,
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
    );
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

/// One line of a diff, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DiffLine {
    /// `same`, `added` or `removed`.
    pub change: &'static str,
    pub text: String,
}

/// One CSV cell: quoted when needed, and a leading `=`, `+`, `-` or `@` neutralised with an
/// apostrophe so a spreadsheet never runs a typed value as a formula (CSV injection).
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// What changed from `old` to `new`, line by line.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            change: match change.tag() {
                ChangeTag::Equal => "same",
                ChangeTag::Insert => "added",
                ChangeTag::Delete => "removed",
            },
            text: change.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_cell("Seksi Umum"), "Seksi Umum");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn markdown_is_rendered() {
        let html =
            markdown_html("# Judul\n\n**Wajib** masker dan [tautan](https://kupangkota.go.id)");
        assert!(html.contains("<h1>Judul</h1>"), "{html}");
        assert!(html.contains("<strong>Wajib</strong>"), "{html}");
        assert!(html.contains("href=\"https://kupangkota.go.id\""), "{html}");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = markdown_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[klik](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\">x</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn a_changed_line_shows_as_removed_and_added() {
        let lines = line_diff("a\nb\n", "a\nc\n");
        let changes: Vec<_> = lines.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            changes,
            vec![("same", "a"), ("removed", "b"), ("added", "c")]
        );
    }
}
