//! CSRF protection for HTML forms (double-submit token): every visitor carries a random token in
//! an HttpOnly, SameSite=Lax cookie, every form repeats it in a hidden field, and a POST whose
//! field does not match is refused. A refused form is not lost: the visitor gets a page that
//! offers to send the same values again with a fresh token (see `web::forms::CsrfForm`).
//! The JSON API needs none of this: it accepts only bearer tokens, never cookies.

use subtle::ConstantTimeEq as _;

/// Name of the cookie and of the hidden form field.
pub const COOKIE: &str = "sigap_csrf";
pub const FIELD: &str = "csrf_token";

/// True when the submitted token equals the cookie's (constant time).
pub fn tokens_match(cookie: &str, submitted: &str) -> bool {
    !cookie.is_empty()
        && cookie.len() == submitted.len()
        && bool::from(cookie.as_bytes().ct_eq(submitted.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_different_tokens_never_match() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("", ""));
        assert!(!tokens_match("abc", "abcd"));
    }
}
