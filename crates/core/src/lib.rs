//! The core: domain types, the access policy, and the services that apply the rules.
//!
//! Every service takes a [`Ctx`] (the acting user, the clock, the request id), asks the [`policy`]
//! before touching data, and writes its audit event in the same transaction as the change or read.

pub(crate) mod access;
pub mod audit;
pub mod auth;
pub mod caseload;
pub mod cases;
pub mod catalog;
pub mod clients;
pub mod clock;
pub mod consent;
pub mod contacts;
pub mod ctx;
pub mod demo;
pub mod error;
pub mod fields;
pub mod followups;
pub mod municipalities;
pub mod names;
pub mod organisations;
pub mod outcomes;
pub mod overview;
pub mod plans;
pub mod policy;
pub mod printing;
pub mod privacy;
mod query;
pub mod releases;
pub mod schedule;
pub mod sealing;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod staff;
pub mod teams;
pub mod timeline;
pub mod today;
pub mod tokens;
pub mod types;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ctx::Ctx;
pub use error::{Error, FieldError, FieldErrors, Result};
pub use policy::{Action, Actor, Resource};
