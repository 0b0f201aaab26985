//! Storage: the entities, the one migration set shared by SQLite and PostgreSQL, and connecting to either.
//!
//! Everything here is mechanics. Rules (who may see what, what is valid) live in `ankommen-core`.

#[macro_use]
mod macros;
pub mod backup;
mod calendar_entities;
mod client_entities;
pub mod connect;
pub mod entities;
pub mod metrics;
pub mod migrations;
mod opened;
mod plan_entities;
pub mod schema;
pub mod tx;

pub use connect::{Backend, Db, DbConfig, connect};
pub use migrations::Migrator;
pub use opened::Opened;
pub use sea_orm;
pub use tx::Tx;
