//! Rendering core errors: a status code and a page in the user's language (filled in by the session
//! layer, which knows the language), or JSON for API clients. Internal errors are logged with the
//! request id and shown only as "internal error (ref …)".

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use ankommen_core::Error;

/// A core error leaving a handler.
#[derive(Debug)]
pub struct AppError(pub Error);

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

/// Marker put into an error response; the session layer renders the page for it.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message_key: &'static str,
}

pub fn status_of(e: &Error) -> (StatusCode, &'static str) {
    match e {
        // A refused read answers like a missing record.
        Error::NotFound => (StatusCode::NOT_FOUND, "error-page-not-found"),
        Error::Forbidden => (StatusCode::FORBIDDEN, "error-page-forbidden"),
        Error::Invalid(_) => (StatusCode::BAD_REQUEST, "error-page-invalid"),
        // A conflict says what conflicts (e.g. "no consent"), not only that something does.
        Error::Conflict(key) => (StatusCode::CONFLICT, key),
        Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error-page-internal"),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message_key) = status_of(&self.0);
        if let Error::Internal(msg) = &self.0 {
            tracing::error!(error = %msg, "internal error");
        }
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorPage {
            status,
            message_key,
        });
        r
    }
}

pub type AppResult<T> = Result<T, AppError>;
