//! HTML pages of subscriptions: subscribing (with the choice of internal announcements for a
//! signed-in civil servant), confirming an address, and unsubscribing.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, field_errors},
        page,
    },
};

use super::TokenInput;
use crate::{
    error::AnnouncementError,
    model::Category,
    subscriptions::{self, Subscribed, SubscriptionInput},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/announcements/subscribe",
            get(subscribe_form).post(subscribe),
        )
        .route(
            "/announcements/unsubscribe",
            get(unsubscribe_form).post(unsubscribe),
        )
        .route("/announcements/confirm", get(confirm_form).post(confirm))
}

#[derive(Template)]
#[template(path = "subscribe.html")]
struct SubscribePage {
    shell: Shell,
    errors: Vec<FieldError>,
    channel: String,
    address: String,
    chosen: Vec<String>,
    categories: Vec<(&'static str, String)>,
    internal: bool,
    /// A signed-in civil servant may also ask for internal announcements.
    offer_internal: bool,
    done: Option<Subscribed>,
}

impl SubscribePage {
    fn has_error(&self, name: &str) -> bool {
        self.errors.iter().any(|e| e.field == name)
    }
}

fn subscribe_page(
    shell: Shell,
    user: Option<&CurrentUser>,
    errors: Vec<FieldError>,
    input: SubscriptionInput,
    done: Option<Subscribed>,
) -> SubscribePage {
    let categories = Category::ALL
        .into_iter()
        .map(|c| (c.as_str(), shell.t(c.label_key()).to_string()))
        .collect();
    SubscribePage {
        errors,
        channel: input.channel,
        address: input.address,
        chosen: input.categories,
        categories,
        internal: input.internal,
        offer_internal: user.is_some_and(|u| !u.is_citizen()),
        done,
        shell,
    }
}

async fn subscribe_form(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
) -> Result<Response, WebError> {
    let mut input = SubscriptionInput {
        channel: "email".into(),
        categories: Category::ALL
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        ..SubscriptionInput::default()
    };
    if let Some(user) = &user
        && let Some(contact) = accounts::contact(&app, &user.id).await?
    {
        match (contact.email, contact.phone) {
            (Some(email), _) => input.address = email,
            (None, Some(phone)) => {
                input.channel = "sms".into();
                input.address = phone;
            }
            (None, None) => {}
        }
    }
    page(
        &subscribe_page(shell, user.as_ref(), Vec::new(), input, None),
        StatusCode::OK,
    )
}

/// The form's fields; `categories` repeats, which serde_urlencoded cannot read into a Vec.
fn subscription_from_pairs(pairs: Vec<(String, String)>) -> SubscriptionInput {
    let mut input = SubscriptionInput::default();
    for (name, value) in pairs {
        match name.as_str() {
            "channel" => input.channel = value,
            "address" => input.address = value,
            "categories" => input.categories.push(value),
            "internal" => input.internal = matches!(value.as_str(), "1" | "on" | "true"),
            _ => {}
        }
    }
    input
}

async fn subscribe(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let input = subscription_from_pairs(pairs);
    let problems = match input.check() {
        Err(problems) => problems,
        Ok(subscription) => {
            match subscriptions::subscribe(&app, user.as_ref(), &subscription, shell.tr.lang).await
            {
                Ok(done) => {
                    return page(
                        &subscribe_page(shell, user.as_ref(), Vec::new(), input, Some(done)),
                        StatusCode::OK,
                    );
                }
                Err(AnnouncementError::Invalid(problems)) => problems,
                Err(e) => return Err(e.into()),
            }
        }
    };
    let errors = field_errors(&shell.tr, &problems);
    page(
        &subscribe_page(shell, user.as_ref(), errors, input, None),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    shell: Shell,
    token: String,
    /// `None`: ask; `Some(true)`: confirmed; `Some(false)`: the link is not valid (any more).
    outcome: Option<bool>,
}

/// Opening the link only shows a button: mail scanners that follow links confirm nothing.
async fn confirm_form(shell: Shell, Query(query): Query<TokenInput>) -> Result<Response, WebError> {
    page(
        &ConfirmPage {
            shell,
            token: query.token,
            outcome: None,
        },
        StatusCode::OK,
    )
}

async fn confirm(
    State(app): State<AppState>,
    shell: Shell,
    CsrfForm(input): CsrfForm<TokenInput>,
) -> Result<Response, WebError> {
    let done = subscriptions::confirm(&app, &input.token).await?;
    let status = if done {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    page(
        &ConfirmPage {
            shell,
            token: String::new(),
            outcome: Some(done),
        },
        status,
    )
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    shell: Shell,
    token: String,
    /// `None`: ask; `Some(true)`: done; `Some(false)`: the link is not valid (any more).
    outcome: Option<bool>,
}

async fn unsubscribe_form(
    shell: Shell,
    Query(query): Query<TokenInput>,
) -> Result<Response, WebError> {
    page(
        &UnsubscribePage {
            shell,
            token: query.token,
            outcome: None,
        },
        StatusCode::OK,
    )
}

async fn unsubscribe(
    State(app): State<AppState>,
    shell: Shell,
    CsrfForm(input): CsrfForm<TokenInput>,
) -> Result<Response, WebError> {
    let done = subscriptions::unsubscribe(&app, &input.token).await?;
    let status = if done {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    page(
        &UnsubscribePage {
            shell,
            token: input.token,
            outcome: Some(done),
        },
        status,
    )
}
