//! The core: domain types, the access policy, and the services that apply the rules.
//!
//! Every service takes a [`Ctx`] (the acting user, the clock, the request id) and asks the
//! [`policy`](kernel::policy) before touching data. A change writes its audit event in the same
//! transaction; a read of a person's data runs in [`audit::read`](kernel::audit), which hands out
//! nothing before its audit events are durable (decision 0009).
//!
//! Four layers, each importing only those before it: [`kernel`], [`administration`], [`records`],
//! [`casework`]; and [`demo`], the demo county, on top.

pub mod administration;
pub mod casework;
pub mod demo;
pub mod kernel;
pub mod records;

pub use kernel::clock::{Clock, ManualClock, SystemClock};
pub use kernel::ctx::Ctx;
pub use kernel::error::{Error, FieldError, FieldErrors, Result};
pub use kernel::policy::{Action, Actor, Resource};
