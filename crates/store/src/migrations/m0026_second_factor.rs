//! The second factor of a login (issue 28, decision 0038): each staff member's TOTP secret
//! (sealed), their one-time recovery codes (hashed), the pending second step of a login (a
//! challenge after the password), and the organisations that require a second factor.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts, unique_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0026_second_factor"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("second_factor_required")
                .col(big_integer("organisation_id").primary_key())
                .col(ts("since"))
                .foreign_key(&mut fk(
                    "second_factor_required",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("second_factors")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                // The TOTP secret (base32), sealed for this row.
                .col(blob("secret_sealed"))
                // None while it is being set up (the first code not yet entered).
                .col(timestamp_with_time_zone_null("confirmed_at"))
                // The last time step whose code was accepted: a code is good once.
                .col(big_integer_null("last_step"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("second_factors", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_second_factors_staff",
            "second_factors",
            &["staff_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(string("code_hash"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk("recovery_codes", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_recovery_codes_staff",
            "recovery_codes",
            &["staff_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("login_challenges")
                .col(string("token_hash").primary_key())
                .col(big_integer("staff_id"))
                // `verify` (enter a code) | `enrol` (set the factor up: the organisation requires it)
                .col(string("purpose"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(integer("attempts"))
                .foreign_key(&mut fk("login_challenges", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_login_challenges_staff",
            "login_challenges",
            &["staff_id"],
        )
        .await?;
        Ok(())
    }
}
