//! Identity of the person behind a request: roles scoped to agencies, database-backed sessions
//! (web cookies and API bearer tokens), CSRF tokens, password hashing.
//! Capability code asks [`CurrentUser`] what the person may do; it never reads cookies itself.

pub mod csrf;
pub mod password;
pub mod roles;
pub mod session;

pub use roles::{Role, RoleGrant};
pub use session::{CurrentUser, MaybeUser, UserKind};
