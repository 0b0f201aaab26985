//! Foundation schema: municipalities, organisations, teams, staff, sessions, throttling, setup links,
//! settings and the append-only audit log.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::ts;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("municipalities")
                .col(string("ags").primary_key())
                .col(string("name"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("organisations")
                .col(big_pk_auto("id"))
                .col(string_uniq("name"))
                .col(string("kind"))
                .col(string_null("municipality_ags"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("organisations", "municipality_ags")
                        .to("municipalities", "ags"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("teams")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                .col(string("name"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("teams", "organisation_id")
                        .to("organisations", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_teams_organisation_name")
                .table("teams")
                .col("organisation_id")
                .col("name")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("staff")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                .col(big_integer_null("team_id"))
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string_null("email"))
                .col(string("locale"))
                .col(string_null("password_hash"))
                .col(double_null("fte"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(timestamp_with_time_zone_null("deactivated_at"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("staff", "organisation_id")
                        .to("organisations", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("staff", "team_id")
                        .to("teams", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_staff_organisation")
                .table("staff")
                .col("organisation_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("staff_roles")
                .col(big_integer("staff_id"))
                .col(string("role"))
                .primary_key(Index::create().col("staff_id").col("role"))
                .foreign_key(
                    ForeignKey::create()
                        .from("staff_roles", "staff_id")
                        .to("staff", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("staff_municipalities")
                .col(big_integer("staff_id"))
                .col(string("ags"))
                .primary_key(Index::create().col("staff_id").col("ags"))
                .foreign_key(
                    ForeignKey::create()
                        .from("staff_municipalities", "staff_id")
                        .to("staff", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("staff_municipalities", "ags")
                        .to("municipalities", "ags"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("token_hash").primary_key())
                .col(string_uniq("public_id"))
                .col(big_integer("staff_id"))
                .col(string("csrf_token"))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .col(ts("expires_at"))
                .col(string("user_agent"))
                .foreign_key(
                    ForeignKey::create()
                        .from("sessions", "staff_id")
                        .to("staff", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sessions_staff")
                .table("sessions")
                .col("staff_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("login_throttle")
                .col(string("key").primary_key())
                .col(integer("failures"))
                .col(ts("window_start"))
                .col(timestamp_with_time_zone_null("blocked_until"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("setup_tokens")
                .col(string("token_hash").primary_key())
                .col(string("purpose"))
                .col(big_integer_null("staff_id"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("setup_tokens", "staff_id")
                        .to("staff", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("settings")
                .col(string("key").primary_key())
                .col(text("value"))
                .to_owned(),
        )
        .await?;
        // The audit log deliberately has no foreign keys: entries must outlive what they describe.
        m.create_table(
            Table::create()
                .table("audit_events")
                .col(big_pk_auto("id"))
                .col(ts("at"))
                .col(big_integer_null("actor_staff_id"))
                .col(big_integer_null("actor_organisation_id"))
                .col(string("actor_roles"))
                .col(string("action"))
                .col(string_null("object_kind"))
                .col(string_null("object_id"))
                .col(string_null("section"))
                .col(string("outcome"))
                .col(string_null("request_id"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_audit_at", &["at"][..]),
            ("ix_audit_actor", &["actor_staff_id", "at"][..]),
            ("ix_audit_object", &["object_kind", "object_id"][..]),
            ("ix_audit_org", &["actor_organisation_id", "at"][..]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table("audit_events");
            for c in cols {
                idx.col(*c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        protect_audit_log(m).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the foundation migration cannot be reverted".into(),
        ))
    }
}

/// Makes `audit_events` append-only: triggers refuse UPDATE and DELETE on both backends, and on
/// PostgreSQL also TRUNCATE, and the privileges to change rows are revoked.
async fn protect_audit_log(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = m.get_connection();
    match m.get_database_backend() {
        DbBackend::Sqlite => {
            conn.execute_unprepared(
                "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;",
            )
            .await?;
        }
        DbBackend::Postgres => {
            conn.execute_unprepared(
                "CREATE FUNCTION ankommen_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events \
                 FOR EACH ROW EXECUTE FUNCTION ankommen_audit_append_only();",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events \
                 FOR EACH STATEMENT EXECUTE FUNCTION ankommen_audit_append_only();",
            )
            .await?;
            conn.execute_unprepared(
                "REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC, CURRENT_USER;",
            )
            .await?;
        }
        other => {
            return Err(DbErr::Migration(format!("unsupported backend {other:?}")));
        }
    }
    Ok(())
}
