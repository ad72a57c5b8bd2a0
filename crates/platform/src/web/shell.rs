//! The page shell: what every page's layout needs (language, CSRF token, the signed-in person and
//! their navigation). A page struct holds a `Shell` and extends `base.html`.

use axum::{extract::FromRequestParts, http::request::Parts};

use super::{
    context::RequestContext,
    i18n::{Lang, Tr},
};
use crate::{
    AppState,
    auth::{CurrentUser, Role},
};

/// A link in the navigation, contributed by a capability; shown when `visible` says so.
#[derive(Clone, Copy)]
pub struct NavItem {
    pub label_key: &'static str,
    pub path: &'static str,
    pub visible: fn(Option<&CurrentUser>) -> bool,
}

impl std::fmt::Debug for NavItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.path)
    }
}

/// Visibility rules most navigation items need.
pub mod visible {
    use super::*;

    pub fn always(_: Option<&CurrentUser>) -> bool {
        true
    }
    pub fn signed_in(user: Option<&CurrentUser>) -> bool {
        user.is_some()
    }
    pub fn signed_out(user: Option<&CurrentUser>) -> bool {
        user.is_none()
    }
    pub fn staff(user: Option<&CurrentUser>) -> bool {
        user.is_some_and(|u| !u.is_citizen())
    }
    pub fn superadmin(user: Option<&CurrentUser>) -> bool {
        user.is_some_and(|u| u.has_role(Role::Superadmin))
    }
}

#[derive(Clone, Debug)]
pub struct NavLink {
    pub label: String,
    pub href: &'static str,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct Shell {
    pub tr: Tr,
    pub csrf_token: String,
    pub user_name: Option<String>,
    /// Role names of the signed-in person, ready to show.
    pub role_labels: Vec<String>,
    pub nav: Vec<NavLink>,
    pub path: String,
    /// Banners showing now (label in the page's language, text, link).
    pub banners: Vec<BannerView>,
}

/// A banner ready to show.
#[derive(Clone, Debug)]
pub struct BannerView {
    pub label: String,
    pub text: String,
    pub href: String,
}

impl Shell {
    pub fn new(app: &AppState, context: &RequestContext, path: &str) -> Shell {
        let tr = Tr::new(context.lang, app.catalogue.clone());
        let user = context.user.as_ref();
        let nav = app
            .nav
            .iter()
            .filter(|item| (item.visible)(user))
            .map(|item| NavLink {
                label: tr.t(item.label_key).to_string(),
                href: item.path,
                current: item.path == path || (item.path != "/" && path.starts_with(item.path)),
            })
            .collect();
        let role_labels = user
            .map(|u| {
                u.roles()
                    .into_iter()
                    .map(|r| tr.t(r.label_key()).to_string())
                    .collect()
            })
            .unwrap_or_default();
        let banners = app
            .banners
            .showing(crate::clock::now_ms())
            .into_iter()
            .map(|b| BannerView {
                label: tr.t(b.label_key).to_string(),
                text: b.text,
                href: b.href,
            })
            .collect();
        Shell {
            banners,
            csrf_token: context.csrf_token.clone(),
            user_name: user.map(|u| u.display_name.clone()),
            role_labels,
            nav,
            path: path.to_string(),
            tr,
        }
    }

    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    /// The language the switch offers.
    pub fn other_lang(&self) -> &'static str {
        match self.tr.lang {
            Lang::Id => "en",
            Lang::En => "id",
        }
    }

    pub fn other_lang_label(&self) -> &'static str {
        match self.tr.lang {
            Lang::Id => "English",
            Lang::En => "Bahasa Indonesia",
        }
    }

    pub fn signed_in(&self) -> bool {
        self.user_name.is_some()
    }
}

impl FromRequestParts<AppState> for Shell {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let context = parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .unwrap_or_else(|| RequestContext {
                lang: Lang::Id,
                csrf_token: String::new(),
                user: None,
                session_token: None,
                is_api: false,
            });
        Ok(Shell::new(app, &context, parts.uri.path()))
    }
}
