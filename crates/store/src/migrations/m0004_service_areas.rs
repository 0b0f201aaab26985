//! Service areas (Versorgungsgebiete): which organisation serves which municipality, from a day on
//! and, when it ends, until a day.
//!
//! Until now "who serves a municipality" was read off the staff (an organisation whose IMs served
//! it). An existing installation keeps working: every organisation is given, from the day of the
//! migration on, the municipalities its active staff serve and its open cases are in.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_service_areas"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("service_areas")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                .col(string("municipality_ags"))
                .col(date("valid_from"))
                // The last day served (inclusive); NULL while it lasts.
                .col(date_null("valid_until"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "service_areas",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "service_areas",
                    "municipality_ags",
                    "municipalities",
                    "ags",
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_service_areas_organisation",
            "service_areas",
            &["organisation_id", "municipality_ags"],
        )
        .await?;
        index(
            m,
            "ix_service_areas_municipality",
            "service_areas",
            &["municipality_ags"],
        )
        .await?;
        // What exists: each organisation serves the municipalities its active staff serve and its
        // open cases are in, from today. CURRENT_DATE and CURRENT_TIMESTAMP are the same SQL on
        // both backends (SQLite stores them as the ISO text its date columns hold).
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO service_areas \
                   (organisation_id, municipality_ags, valid_from, valid_until, created_at, updated_at) \
                 SELECT organisation_id, ags, CURRENT_DATE, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP \
                 FROM ( \
                   SELECT staff.organisation_id AS organisation_id, staff_municipalities.ags AS ags \
                   FROM staff_municipalities JOIN staff ON staff.id = staff_municipalities.staff_id \
                   WHERE staff.active = TRUE \
                   UNION \
                   SELECT organisation_id, municipality_ags FROM cases WHERE status <> 'closed' \
                 ) AS served",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("service_areas").to_owned())
            .await
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Utc};
    use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder};
    use sea_orm_migration::MigratorTrait;

    use crate::entities::{
        case, municipality, organisation, service_area, staff, staff_municipality,
    };

    /// An installation from before service areas: each organisation serves, from the day of the
    /// migration, where its active staff serve and its open cases are; not where only a deactivated
    /// person or a closed case was.
    #[tokio::test]
    async fn the_migration_fills_service_areas_from_staff_and_open_cases() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = crate::connect(&crate::DbConfig {
            url: crate::connect::sqlite_url_for(dir.path(), "m.sqlite"),
            max_connections: 1,
        })
        .await
        .expect("open");
        let conn = db.writer();
        crate::Migrator::up(conn, Some(3))
            .await
            .expect("m0001-m0003");
        let now = Utc::now();
        for ags in ["08990001", "08990002", "08990003", "08990004"] {
            municipality::Entity::insert(municipality::ActiveModel {
                ags: Set(ags.into()),
                name: Set(format!("Gemeinde {ags}")),
                active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            })
            .exec_without_returning(conn)
            .await
            .expect("municipality");
        }
        let org = organisation::Entity::insert(organisation::ActiveModel {
            name: Set("Träger".into()),
            kind: Set("provider".into()),
            municipality_ags: Set(None),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        })
        .exec(conn)
        .await
        .expect("organisation")
        .last_insert_id;
        let mut people = Vec::new();
        for (name, active, ags) in [("aktiv", true, "08990001"), ("weg", false, "08990004")] {
            let id = staff::Entity::insert(staff::ActiveModel {
                organisation_id: Set(org),
                team_id: Set(None),
                username: Set(name.into()),
                display_name: Set(name.into()),
                email: Set(None),
                locale: Set("de".into()),
                password_hash: Set(None),
                fte: Set(None),
                active: Set(active),
                created_at: Set(now),
                updated_at: Set(now),
                deactivated_at: Set(None),
                version: Set(1),
                ..Default::default()
            })
            .exec(conn)
            .await
            .expect("staff")
            .last_insert_id;
            staff_municipality::Entity::insert(staff_municipality::ActiveModel {
                staff_id: Set(id),
                ags: Set(ags.into()),
            })
            .exec_without_returning(conn)
            .await
            .expect("staff municipality");
            people.push(id);
        }
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        for (n, status, ags) in [(1, "active", "08990002"), (2, "closed", "08990003")] {
            case::Entity::insert(case::ActiveModel {
                case_number: Set(format!("2026-0000{n}")),
                organisation_id: Set(org),
                municipality_ags: Set(ags.into()),
                assigned_to: Set(people[0]),
                household_id: Set(None),
                opened_on: Set(day),
                clock_start: Set(day),
                status: Set(status.into()),
                extended_until: Set(None),
                closed_on: Set(None),
                closure_reason: Set(None),
                closure_snapshot: Set(None),
                handover_from: Set(None),
                handover_at: Set(None),
                handover_seen: Set(true),
                external_id: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            })
            .exec_without_returning(conn)
            .await
            .expect("case");
        }
        let before = Utc::now().date_naive();
        crate::Migrator::up(conn, None).await.expect("m0004");
        let after = Utc::now().date_naive();
        let areas = service_area::Entity::find()
            .order_by_asc(service_area::Column::MunicipalityAgs)
            .all(conn)
            .await
            .expect("read back");
        let served: Vec<(i64, &str)> = areas
            .iter()
            .map(|a| (a.organisation_id, a.municipality_ags.as_str()))
            .collect();
        assert_eq!(served, vec![(org, "08990001"), (org, "08990002")]);
        for a in &areas {
            assert!(a.valid_from >= before && a.valid_from <= after, "{a:?}");
            assert_eq!(a.valid_until, None);
        }
        db.close().await;
    }
}
