//! Casework: registration, cases and the caseload, integration plans, contacts, follow-ups,
//! outcomes, the timeline and the working day. It imports every layer below it.

pub mod appointments;
pub mod calendar;
pub mod caseload;
pub mod cases;
pub mod clients;
pub mod contacts;
pub mod courses;
pub mod documents;
pub mod dpo;
pub mod duplicates;
pub mod erasure_requests;
pub mod exchange;
pub mod figures;
pub mod followups;
pub mod notes;
pub mod outcomes;
pub mod plans;
pub mod referrals;
pub mod restrictions;
pub mod retention;
pub mod schedule;
pub mod spreadsheets;
pub mod subject_access;
pub mod timeline;
pub mod today;
pub mod volunteers;
pub mod workspace;
