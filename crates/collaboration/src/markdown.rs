//! Markdown as safe HTML: rendered with pulldown-cmark, then cleaned by ammonia, which keeps
//! only harmless tags and attributes (no script, no event handlers, no `javascript:` links).
//! Raw HTML written in an article is therefore shown harmless, never run.

use pulldown_cmark::{Options, Parser, html};

/// The HTML of `markdown`, safe to put into a page as is.
pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered() {
        let html = to_safe_html("# Judul\n\n**tebal** dan [tautan](https://kupangkota.go.id)");
        assert!(html.contains("<h1>Judul</h1>"));
        assert!(html.contains("<strong>tebal</strong>"));
        assert!(html.contains("href=\"https://kupangkota.go.id\""));
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[klik](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\">x</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
