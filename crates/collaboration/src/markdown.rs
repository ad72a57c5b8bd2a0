//! Markdown as safe HTML: the shared renderer of `platform::web::text` (pulldown-cmark, then
//! ammonia), so raw HTML written in an article is shown harmless, never run.

pub use platform::web::text::markdown_html as to_safe_html;
