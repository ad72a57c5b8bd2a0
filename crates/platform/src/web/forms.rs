//! HTML forms: the CSRF-checked form extractor and the pieces of the accessible form pattern
//! (field views with label, hint, error and the typed value; the error summary at the top).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    response::{IntoResponse as _, Response},
};
use serde::de::DeserializeOwned;

use super::{context::RequestContext, error::FieldError, error::WebError, i18n::Tr};
use crate::{AppState, auth::csrf};

/// A url-encoded form whose CSRF token was checked. Give every field of `T` a serde default so
/// that a missing field becomes a validation message rather than a rejected request.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> Result<Self, Self::Rejection> {
        let expected = request
            .extensions()
            .get::<RequestContext>()
            .map(|c| c.csrf_token.clone())
            .unwrap_or_default();
        let action = request.uri().to_string();
        let bytes = Bytes::from_request(request, app)
            .await
            .map_err(|rejection| rejection.into_response())?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let submitted = pairs
            .iter()
            .find(|(name, _)| name == csrf::FIELD)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default();
        if !csrf::tokens_match(&expected, submitted) {
            // Offer the typed values back (never secrets) so nothing is lost.
            let fields = pairs
                .into_iter()
                .filter(|(name, _)| {
                    name != csrf::FIELD && !name.contains("password") && !name.contains("code")
                })
                .collect();
            return Err(WebError::CsrfRejected { action, fields }.into_response());
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|_| WebError::BadRequest("error.bad_form").into_response())
    }
}

/// Field problems found by a domain check: (field name, message key).
pub type Problems = Vec<(&'static str, &'static str)>;

/// Translates domain problems into field errors in the page's language.
pub fn field_errors<F: AsRef<str>>(tr: &Tr, problems: &[(F, &'static str)]) -> Vec<FieldError> {
    problems
        .iter()
        .map(|(field, key)| FieldError {
            field: field.as_ref().to_string(),
            code: (*key).to_string(),
            message: tr.t(key).to_string(),
        })
        .collect()
}

/// Everything the form-field partial draws for one input.
#[derive(Clone, Debug)]
pub struct FieldView {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
    pub required: bool,
    /// For `select`: (value, label); an empty first entry invites a choice.
    pub options: Vec<(String, String)>,
}

impl FieldView {
    /// A text input labelled by `<prefix>.<name>` (and hinted by `<prefix>.<name>_hint` if given).
    pub fn text(
        tr: &Tr,
        name: &str,
        label_key: &str,
        value: &str,
        errors: &[FieldError],
    ) -> FieldView {
        FieldView::labelled(name, tr.t(label_key), value, errors)
    }
    /// A text input with a label given as text (a form defined as data brings its own).
    pub fn labelled(name: &str, label: &str, value: &str, errors: &[FieldError]) -> FieldView {
        FieldView {
            name: name.to_string(),
            label: label.to_string(),
            hint: String::new(),
            value: value.to_string(),
            error: errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
            input_type: "text",
            autocomplete: "off",
            inputmode: "text",
            required: true,
            options: Vec::new(),
        }
    }
    /// A drop-down of `options` (value, label), led by an empty "choose" entry.
    pub fn select(mut self, tr: &Tr, options: Vec<(String, String)>) -> Self {
        self.input_type = "select";
        self.options = std::iter::once((String::new(), tr.t("form.choose").to_string()))
            .chain(options)
            .collect();
        self
    }
    /// A hint given as text.
    pub fn hint_text(mut self, hint: String) -> Self {
        self.hint = hint;
        self
    }
    pub fn hint(mut self, tr: &Tr, key: &str) -> Self {
        self.hint = tr.t(key).to_string();
        self
    }
    pub fn kind(mut self, input_type: &'static str) -> Self {
        self.input_type = input_type;
        if input_type == "email" {
            self.inputmode = "email";
        } else if input_type == "tel" {
            self.inputmode = "tel";
        }
        self
    }
    pub fn autocomplete(mut self, value: &'static str) -> Self {
        self.autocomplete = value;
        self
    }
    pub fn numeric(mut self) -> Self {
        self.inputmode = "numeric";
        self
    }
    /// Not required: the label says so.
    pub fn optional(mut self, tr: &Tr) -> Self {
        self.required = false;
        self.label = format!("{} ({})", self.label, tr.t("form.optional"));
        self
    }
}

/// One uploaded file from a multipart form.
#[derive(Debug)]
pub struct UploadedFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Why no file came through; the page says so next to the upload field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadProblem {
    /// No file was chosen.
    Missing,
    /// Larger than the route's limit.
    TooLarge,
}

/// A multipart form with a `csrf_token` field (before the file) and a `file` field, plus the
/// text fields sent before the file (kept even when the file is missing, so a re-shown form
/// keeps what was typed). A missing or wrong token is refused like any form; a missing or
/// oversized file is handed to the handler, which shows the problem on its own page.
pub struct CsrfUpload(
    pub Result<UploadedFile, UploadProblem>,
    pub Vec<(String, String)>,
);

/// Text fields beside a file: few and short.
const MAX_TEXT_FIELDS: usize = 20;
const MAX_TEXT_CHARS: usize = 2000;

impl FromRequest<AppState> for CsrfUpload {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> Result<Self, Self::Rejection> {
        use axum::extract::Multipart;
        let expected = request
            .extensions()
            .get::<RequestContext>()
            .map(|c| c.csrf_token.clone())
            .unwrap_or_default();
        let action = request.uri().to_string();
        #[expect(
            clippy::result_large_err,
            reason = "axum's rejection type is a full Response"
        )]
        let too_large = |e: axum::extract::multipart::MultipartError| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Ok(CsrfUpload(Err(UploadProblem::TooLarge), Vec::new()))
            } else {
                Err(WebError::BadRequest("error.bad_form").into_response())
            }
        };
        let mut multipart = Multipart::from_request(request, app)
            .await
            .map_err(|rejection| rejection.into_response())?;
        let mut token = String::new();
        let mut fields: Vec<(String, String)> = Vec::new();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => return too_large(e),
            };
            match field.name() {
                Some(csrf::FIELD) => token = field.text().await.unwrap_or_default(),
                Some("file") => {
                    if !csrf::tokens_match(&expected, &token) {
                        return Err(WebError::CsrfRejected {
                            action,
                            fields: Vec::new(),
                        }
                        .into_response());
                    }
                    let file_name = field
                        .file_name()
                        .unwrap_or_default()
                        .chars()
                        .take(200)
                        .collect::<String>();
                    let bytes = match field.bytes().await {
                        Ok(bytes) => bytes,
                        Err(e) => return too_large(e),
                    };
                    if file_name.is_empty() && bytes.is_empty() {
                        return Ok(CsrfUpload(Err(UploadProblem::Missing), fields));
                    }
                    return Ok(CsrfUpload(
                        Ok(UploadedFile {
                            file_name,
                            bytes: bytes.to_vec(),
                        }),
                        fields,
                    ));
                }
                Some(name) if fields.len() < MAX_TEXT_FIELDS => {
                    let name = name.to_string();
                    let value = field.text().await.unwrap_or_default();
                    fields.push((name, value.chars().take(MAX_TEXT_CHARS).collect()));
                }
                _ => {}
            }
        }
        if !csrf::tokens_match(&expected, &token) {
            return Err(WebError::CsrfRejected {
                action,
                fields: Vec::new(),
            }
            .into_response());
        }
        Ok(CsrfUpload(Err(UploadProblem::Missing), fields))
    }
}
