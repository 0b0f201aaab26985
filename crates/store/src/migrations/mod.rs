//! The one migration set. Migrations are additive (SQLite cannot alter columns); where the backends
//! really differ (triggers, privileges) the difference stays inside the migration that needs it.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_clients;
mod m0003_plans;

pub use m0003_plans::DEFAULT_FIELDS;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_clients::Migration),
            Box::new(m0003_plans::Migration),
        ]
    }
}
