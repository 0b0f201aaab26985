//! Clients (persons) and their households: registration with the minimum data, duplicate hints,
//! the record view, the consent-gated intake, and the sealed health needs.

mod health;
mod households;
mod record;
pub(crate) mod registration;

pub use self::health::{open_health, update_health};
pub use self::households::{HouseholdView, MemberCase, add_member, household};
pub(crate) use self::record::store_intake;
pub use self::record::{ClientView, Intake, IntakeForm, Member, get, update_intake};
pub use self::registration::{
    DuplicateHint, MinimumForm, MinimumInput, RegisterInput, Registered, possible_duplicates,
    register, update_minimum,
};
