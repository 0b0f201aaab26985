//! The kernel: the context of every call, the clock, errors, domain types, the access policy,
//! need-to-know access, the audit log, sealing at rest and name matching. It imports no other layer.

pub(crate) mod access;
pub mod audit;
pub mod catalog;
pub mod clock;
pub mod ctx;
pub mod error;
pub mod names;
pub mod policy;
pub(crate) mod query;
pub mod sealed;
pub mod sealing;
pub mod tokens;
pub mod types;
