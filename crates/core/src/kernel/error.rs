//! The one error type of the core. The web layer renders it as JSON or as an HTML page/form errors.

use sea_orm::{DbErr, SqlErr};

/// An error on one input field. `key` is a message id of the UI's translation files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
    /// A number the message states (the Fluent variable `$count`), e.g. how many cases stand in
    /// the way.
    pub count: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push(FieldError {
            field,
            key,
            count: None,
        });
    }
    /// An error whose message states a number (`$count`).
    pub fn add_count(&mut self, field: &'static str, key: &'static str, count: i64) {
        self.0.push(FieldError {
            field,
            key,
            count: Some(count),
        });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.key)
    }
    /// Records the error of a parse, returning the parsed value if there was none.
    pub fn take<T>(
        &mut self,
        field: &'static str,
        r: std::result::Result<T, &'static str>,
    ) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(key) => {
                self.add(field, key);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self))
        }
    }
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The request conflicts with the stored state; the message key explains how.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn field(field: &'static str, key: &'static str) -> Self {
        let mut e = FieldErrors::new();
        e.add(field, key);
        Self::Invalid(e)
    }
}

impl From<DbErr> for Error {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Error::Conflict("error-duplicate"),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Error::Conflict("error-reference"),
            _ => Error::Internal(e.to_string()),
        }
    }
}

/// A database error where a unique-constraint violation means "this value is taken" on one field
/// (`Conflict` would otherwise be shown for the whole form).
pub fn taken(field: &'static str, key: &'static str) -> impl Fn(DbErr) -> Error {
    move |e| match Error::from(e) {
        Error::Conflict("error-duplicate") => Error::field(field, key),
        other => other,
    }
}

impl From<FieldErrors> for Error {
    fn from(e: FieldErrors) -> Self {
        Error::Invalid(e)
    }
}
