//! The HTTP test suite: the production router on a fresh database per test. Runs on SQLite, or on
//! PostgreSQL when `ANKOMMEN_TEST_DATABASE_URL` names an admin connection (a database per test is
//! created from a migrated template).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixtures;
mod support;

mod admin;
mod appointments;
mod audit;
mod audit_chain;
mod auth;
mod backup;
mod calendar;
mod cases;
mod clients;
pub(crate) mod consent;
mod contacts;
mod courses;
mod coverage;
mod day;
mod documents;
mod dpo;
mod duplicates;
mod duties;
mod edges;
mod employment;
mod export;
mod figures;
mod german;
mod headers;
pub(crate) mod import;
mod intake;
mod metrics;
mod network;
mod office_hours;
mod paths;
mod plans;
mod privacy_matrix;
mod process;
mod retention;
mod rights;
mod sealed;
mod search;
mod second_factor;
mod spreadsheets;
mod storage;
mod volunteers;
mod workspace;
