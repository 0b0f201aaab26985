//! Form input (`application/x-www-form-urlencoded`, repeated keys allowed) and the view of a form
//! being re-shown with its errors and what the user typed.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use ankommen_core::FieldErrors;

use crate::i18n::Tr;

/// The largest form body accepted.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Parsed form fields in their order.
#[derive(Clone, Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
            .ok()
            .map(Self)
    }
    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    pub fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
    /// The common tail of every edit form: the parsed fields, the "active" check box and the version
    /// of the record the user saw (missing version: the form is broken, not the user's input).
    pub fn edit<T>(
        &self,
        parsed: Result<T, ankommen_core::Error>,
    ) -> Result<(T, bool, i32), ankommen_core::Error> {
        let input = parsed?;
        Ok((input, self.checked("active"), self.version()?))
    }

    /// The version of the record the user saw. Missing: the form is broken, not the user's input.
    pub fn version(&self) -> Result<i32, ankommen_core::Error> {
        self.version_in("version")
    }

    /// A version carried in another field (e.g. `plan_version`), with the same rule.
    pub fn version_in(&self, name: &str) -> Result<i32, ankommen_core::Error> {
        self.int(name)
            .ok_or_else(|| ankommen_core::Error::field("form", "error-form"))
    }

    /// An integer field (e.g. the version of an edited record); None when missing or not a number.
    pub fn int(&self, name: &str) -> Option<i32> {
        self.get(name).trim().parse().ok()
    }
}

pub struct BadForm;

impl IntoResponse for BadForm {
    fn into_response(self) -> Response {
        crate::error::AppError(ankommen_core::Error::field("form", "error-form")).into_response()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        FormData::parse(&bytes).ok_or_else(|| BadForm.into_response())
    }
}

/// What a form template needs: the values to show and the (translated) errors per field.
#[derive(Clone, Debug, Default)]
pub struct FormView {
    values: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// An error about the whole form (e.g. someone else saved meanwhile).
    pub general: Option<String>,
}

fn keep(name: &str) -> bool {
    // Secrets are never sent back to the browser.
    !name.contains("password") && name != "_csrf"
}

impl FormView {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Self::default()
        }
    }
    pub fn from_data(d: &FormData) -> Self {
        Self {
            values: d.0.iter().filter(|(k, _)| keep(k)).cloned().collect(),
            ..Self::default()
        }
    }
    pub fn with_errors(mut self, e: &FieldErrors, tr: &Tr) -> Self {
        self.errors
            .extend(e.0.iter().map(|fe| (fe.field.to_string(), tr.t(fe.key))));
        self
    }
    pub fn with_general(mut self, msg: String) -> Self {
        self.general = Some(msg);
        self
    }
    pub fn v(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// All values of a repeated field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    /// Sets (replaces) a value.
    pub fn set(&mut self, name: &str, value: &str) {
        self.values.retain(|(k, _)| k != name);
        self.values.push((name.to_string(), value.to_string()));
    }
    /// For check boxes and multiple choices.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.values.iter().any(|(k, v)| k == name && v == value)
    }
    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }
    /// All error messages, for the summary at the top of a form.
    pub fn error_list(&self) -> Vec<(String, String)> {
        self.errors.clone()
    }
}
