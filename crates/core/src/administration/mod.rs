//! Administration: organisations, teams, staff, logins and sessions, settings and the catalog of
//! fields of action. It imports only the kernel.

pub mod auth;
pub mod duties;
pub mod fields;
pub mod intake_catalog;
pub mod meetings;
pub mod municipalities;
pub mod office_hours;
pub mod organisations;
pub mod overview;
pub mod rooms;
pub mod second_factor;
pub mod service_areas;
pub mod services;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod staff;
pub mod teams;
