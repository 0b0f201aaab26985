//! A tamper-evident audit log (issue 25, decision 0019): every audit event is sealed into one hash
//! chain. `audit_chain` holds one link per event, in chain order (`seq`, contiguous from the last
//! anchor): the event's id, the previous link's hash and this link's hash over the previous hash and
//! the event's content. `audit_anchors` records where old events were cut at the end of their
//! retention (the last removed link and its hash), so the rest stays verifiable.
//! `audit_verifications` keeps each verification's outcome for the data-protection officer.
//!
//! Links and anchors are append-only like the events (triggers refuse changes; on PostgreSQL the
//! privileges are revoked too). Only the retention cut removes old links, inside its transaction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use super::util::{index, ts, unique_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_audit_chain"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_chain")
                .col(big_integer("seq").primary_key())
                .col(big_integer("event_id"))
                // Hex SHA-256: the previous link's (or the anchor's, or 64 zeros) and this one's.
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .col(ts("sealed_at"))
                .to_owned(),
        )
        .await?;
        unique_index(m, "ux_audit_chain_event", "audit_chain", &["event_id"]).await?;

        m.create_table(
            Table::create()
                .table("audit_anchors")
                // The last link removed by a cut, and its hash: the chain goes on from here.
                .col(big_integer("seq").primary_key())
                .col(string_len("hash", 64))
                .col(ts("at"))
                .col(big_integer("events_removed"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("audit_verifications")
                .col(big_pk_auto("id"))
                .col(ts("at"))
                // `command line` | `server`
                .col(string("run_by"))
                .col(boolean("intact"))
                .col(big_integer("links_checked"))
                .col(big_integer("sealed_now"))
                .col(big_integer_null("head_seq"))
                .col(string_len_null("head_hash", 64))
                .col(big_integer_null("broken_seq"))
                .col(big_integer_null("broken_event_id"))
                // A `chain::Problem` code: never content.
                .col(string_null("problem"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_audit_verifications_at",
            "audit_verifications",
            &["at"],
        )
        .await?;

        let conn = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                for table in ["audit_chain", "audit_anchors"] {
                    for (op, verb) in [("UPDATE", "update"), ("DELETE", "delete")] {
                        conn.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_no_{verb} BEFORE {op} ON {table} \
                             BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                        ))
                        .await?;
                    }
                }
            }
            DbBackend::Postgres => {
                for table in ["audit_chain", "audit_anchors"] {
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION ankommen_audit_append_only();"
                    ))
                    .await?;
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION ankommen_audit_append_only();"
                    ))
                    .await?;
                    conn.execute_unprepared(&format!(
                        "REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC, CURRENT_USER;"
                    ))
                    .await?;
                }
            }
            other => {
                return Err(DbErr::Migration(format!("unsupported backend {other:?}")));
            }
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the audit chain migration cannot be reverted".into(),
        ))
    }
}
