//! Rendering core errors: the one mapping from the core error to a status ([`status_of`]) and a
//! page in the user's language (filled in by the session layer, which knows the language). Forms
//! that show an error next to what the user typed answer with the same status
//! (`routes::saved_or_reshown`). Internal errors are logged inside the request's span, so the log
//! line carries the request id that the page shows as its reference ("internal error (ref …)").

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

/// The status every HTML answer to a core error carries, whether it is an error page or a form
/// shown again with its errors. An invalid submission is 422 (the request was understood, its
/// content was not acceptable), a conflict with stored data 409.
pub fn status_of(e: &Error) -> StatusCode {
    match e {
        // A refused read answers like a missing record.
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Forbidden => StatusCode::FORBIDDEN,
        Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The message of the error page for a core error.
fn message_key(e: &Error) -> &'static str {
    match e {
        Error::NotFound => "error-page-not-found",
        Error::Forbidden => "error-page-forbidden",
        Error::Invalid(_) => "error-page-invalid",
        // A conflict says what conflicts (e.g. "no consent"), not only that something does.
        Error::Conflict(key) => key,
        Error::Internal(_) => "error-page-internal",
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        if let Error::Internal(msg) = &self.0 {
            // Called inside the request's span (`layers::request_id_layer`): the line carries the
            // request id, which the error page shows as its reference.
            tracing::error!(error = %msg, "internal error");
        }
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorPage {
            status,
            message_key: message_key(&self.0),
        });
        r
    }
}

pub type AppResult<T> = Result<T, AppError>;
