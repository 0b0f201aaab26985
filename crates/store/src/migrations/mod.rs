//! The one migration set. Migrations are additive (SQLite cannot alter columns); where the backends
//! really differ (triggers, privileges) the difference stays inside the migration that needs it.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_clients;
mod m0003_plans;
mod m0004_service_areas;
mod m0005_access_record;
mod m0006_sealed_texts;
mod m0007_finalised_figures;
mod m0008_exchange;
mod m0009_duplicates;
mod m0011_spreadsheet_mappings;
mod m0012_match_keys;
mod m0013_audit_chain;
mod m0014_documents;
mod m0016_retention;
mod m0017_erasure_requests;
mod m0019_contact_tallies;
mod m0020_network;
mod m0021_restriction_and_withdrawal;
mod m0022_intake_details;
mod m0023_volunteers;
mod m0024_courses_meetings;
mod m0025_appointments;
mod m0026_second_factor;

pub use m0003_plans::DEFAULT_FIELDS;
pub use m0006_sealed_texts::CONVERSION_PENDING;

/// Helpers shared by the migrations.
pub(crate) mod util {
    use sea_orm_migration::prelude::*;
    use sea_orm_migration::schema::timestamp_with_time_zone;

    /// A timestamp column (with time zone on PostgreSQL).
    pub fn ts(col: &'static str) -> ColumnDef {
        timestamp_with_time_zone(col)
    }

    /// A foreign key from `from.col` to `to.to_col`.
    pub fn fk(
        from: &'static str,
        col: &'static str,
        to: &'static str,
        to_col: &'static str,
    ) -> ForeignKeyCreateStatement {
        ForeignKey::create()
            .from(from, col)
            .to(to, to_col)
            .to_owned()
    }

    /// A (non-unique) index over `cols`.
    pub async fn index(
        m: &SchemaManager<'_>,
        name: &str,
        table: &'static str,
        cols: &[&'static str],
    ) -> Result<(), DbErr> {
        create_index(m, name, table, cols, false).await
    }

    /// A unique index over `cols`.
    pub async fn unique_index(
        m: &SchemaManager<'_>,
        name: &str,
        table: &'static str,
        cols: &[&'static str],
    ) -> Result<(), DbErr> {
        create_index(m, name, table, cols, true).await
    }

    async fn create_index(
        m: &SchemaManager<'_>,
        name: &str,
        table: &'static str,
        cols: &[&'static str],
        unique: bool,
    ) -> Result<(), DbErr> {
        let mut idx = Index::create();
        idx.name(name).table(table);
        if unique {
            idx.unique();
        }
        for c in cols {
            idx.col(*c);
        }
        m.create_index(idx.to_owned()).await
    }
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_clients::Migration),
            Box::new(m0003_plans::Migration),
            Box::new(m0004_service_areas::Migration),
            Box::new(m0005_access_record::Migration),
            Box::new(m0006_sealed_texts::Migration),
            Box::new(m0007_finalised_figures::Migration),
            Box::new(m0008_exchange::Migration),
            Box::new(m0009_duplicates::Migration),
            Box::new(m0011_spreadsheet_mappings::Migration),
            Box::new(m0012_match_keys::Migration),
            Box::new(m0013_audit_chain::Migration),
            Box::new(m0014_documents::Migration),
            Box::new(m0016_retention::Migration),
            Box::new(m0017_erasure_requests::Migration),
            Box::new(m0019_contact_tallies::Migration),
            Box::new(m0020_network::Migration),
            Box::new(m0021_restriction_and_withdrawal::Migration),
            Box::new(m0022_intake_details::Migration),
            Box::new(m0023_volunteers::Migration),
            Box::new(m0024_courses_meetings::Migration),
            Box::new(m0025_appointments::Migration),
            Box::new(m0026_second_factor::Migration),
        ]
    }
}
