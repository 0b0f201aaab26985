//! The data subject's rights (issue 25, decision 0023): a client's request to erase their data
//! before the schedule (Art. 17 GDPR), recorded on the case and decided by a second person, with
//! the legal exception (Art. 17(3)) that keeps the data, if one applies.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0017_erasure_requests"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("erasure_requests")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                // The day the client asked (it can be before the day it is recorded).
                .col(date("received_on"))
                .col(big_integer("recorded_by"))
                .col(ts("recorded_at"))
                // The legal exception that keeps the data (a key of the fixed list), with its
                // justification; both empty while the request waits for its decision. A request
                // decided without an exception leaves with the case it erased.
                .col(string_null("exception"))
                .col(text_null("justification"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk("erasure_requests", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_erasure_requests_case",
            "erasure_requests",
            &["case_id"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the erasure-request migration cannot be reverted".into(),
        ))
    }
}
