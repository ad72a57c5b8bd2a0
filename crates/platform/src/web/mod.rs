//! The web shell shared by every capability: request context (language, CSRF, signed-in person),
//! errors rendered in the visitor's language, the page layout and navigation, forms,
//! static assets, security headers and the operations routes.

pub mod assets;
pub mod context;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod layers;
pub mod ops;
pub mod shell;

pub use error::WebError;
pub use shell::{NavItem, Shell};
