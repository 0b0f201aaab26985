//! The demo clients: registered, given consents and intake data, one family with a household and
//! a release, all through the same services as real work, as their IMs.

use std::collections::HashMap;
use std::sync::Arc;

use ankommen_store::Db;
use ankommen_store::entities::{case, case_event};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::bad;
use super::casework::{Seeded, seed_casework};
use crate::casework::clients::{
    self, Intake, IntakeForm, MemberCase, MinimumForm, MinimumInput, RegisterInput, Registered,
};
use crate::kernel::catalog::HouseholdRelation;
use crate::kernel::sealing::Sealer;
use crate::records::consent::{self, ConsentInput};
use crate::records::releases::{self, ReleaseForm, ReleaseInput};
use crate::{Clock, Ctx, Result};

/// A demo client: (IM, given, family, original spelling, birth, clock start, target group,
/// consent language or none).
type DemoClient = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    crate::kernel::catalog::TargetGroup,
    Option<&'static str>,
);

const CLIENTS: &[DemoClient] = {
    use crate::kernel::catalog::TargetGroup::*;
    &[
        (
            "awo.im1",
            "Mohammad",
            "Haddad",
            Some("محمد حداد"),
            "1988",
            "2025-04-01",
            FollowUpHousing,
            Some("ar"),
        ),
        (
            "awo.im1",
            "Zahra",
            "Ahmadi",
            Some("زهرا احمدی"),
            "1993",
            "2024-03-15",
            FollowUpHousing,
            Some("fa"),
        ),
        (
            "awo.im1",
            "Dawit",
            "Tesfay",
            Some("ዳዊት ተስፋይ"),
            "1996",
            "2026-10-20",
            FollowUpHousing,
            None,
        ),
        (
            "awo.im1",
            "Iryna",
            "Shevchenko",
            Some("Ірина Шевченко"),
            "12.05.1979",
            "2023-09-01",
            Ukraine,
            Some("uk"),
        ),
        (
            "awo.im2",
            "Hamid",
            "Rahimi",
            Some("حمید رحیمی"),
            "1990",
            "2025-11-01",
            FollowUpHousing,
            Some("prs"),
        ),
        (
            "awo.im2",
            "Amina",
            "Yusuf",
            None,
            "2001",
            "2026-02-01",
            FollowUpHousing,
            Some("so"),
        ),
        (
            "caritas.im",
            "Yonas",
            "Gebremedhin",
            Some("ዮናስ ገብረመድህን"),
            "1994",
            "2025-06-01",
            FollowUpHousing,
            Some("ti"),
        ),
        (
            "talheim.im",
            "Mehmet",
            "Yılmaz",
            None,
            "1985",
            "2024-12-01",
            FollowUpHousing,
            Some("tr"),
        ),
        (
            "talheim.im",
            "Oksana",
            "Melnyk",
            Some("Оксана Мельник"),
            "1990",
            "2025-03-10",
            Ukraine,
            Some("uk"),
        ),
        (
            "kreis.im",
            "Fatima",
            "Noori",
            Some("فاطمه نوری"),
            "1999",
            "2025-08-01",
            FollowUpHousing,
            Some("fa"),
        ),
    ]
};

/// Adds demo clients, households, consents and a release (for `serve --demo`; the tests start
/// without clients). Everything goes through the same services as real work, as the IMs.
pub async fn seed_clients(
    db: &Db,
    clock: Arc<dyn Clock>,
    sealer: &Sealer,
    ids: &HashMap<&'static str, i64>,
) -> Result<()> {
    let mut seeded: Vec<Seeded> = Vec::new();
    for client in CLIENTS {
        let (im, _, family, _, _, start, _, lang) = client;
        let staff_id = *ids.get(im).ok_or_else(|| bad(im))?;
        let actor = crate::administration::sessions::load_actor(db.writer(), staff_id)
            .await?
            .ok_or_else(|| bad(im))?;
        let ctx = Ctx {
            actor,
            clock: clock.clone(),
            request_id: None,
        };
        let today = ctx.today();
        let form = minimum_form(client, &ctx);
        let (person_id, case_id) = register(db, &ctx, sealer, &form).await?;
        // The case began with the move-in, not today.
        let opened = crate::kernel::types::parse_date(start).map_err(bad)?;
        backdate(db, case_id, opened).await?;
        seeded.push(Seeded {
            family,
            person_id,
            case_id,
            staff_id,
        });
        let Some(lang) = lang else { continue };
        let given_on = opened.max(today - chrono::Duration::days(400)).to_string();
        consent_and_intake(db, &ctx, sealer, person_id, lang, &given_on).await?;
        if *family == "Haddad" {
            seed_household(db, &ctx, person_id, case_id, &form, &given_on).await?;
        }
    }
    super::network::seed_services(db, clock.clone(), ids).await?;
    super::network::seed_office_hours(db, clock.clone(), ids).await?;
    let today = clock
        .now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive();
    seed_casework(db, sealer, clock.now(), today, &seeded).await
}

/// A demo client's minimum data as an IM would type it, in the IM's first municipality.
fn minimum_form(client: &DemoClient, ctx: &Ctx) -> MinimumForm {
    let (_, given, family, original, birth, start, group, _) = client;
    MinimumForm {
        given_name: (*given).into(),
        family_name: (*family).into(),
        name_original: original.unwrap_or("").into(),
        birth: (*birth).into(),
        municipality: ctx
            .actor
            .municipalities
            .first()
            .cloned()
            .unwrap_or_default(),
        au_move_in: (*start).into(),
        target_group: group.as_str().into(),
    }
}

/// Registers a demo client. Returns the person's and the case's ids.
async fn register(db: &Db, ctx: &Ctx, sealer: &Sealer, form: &MinimumForm) -> Result<(i64, i64)> {
    let minimum = MinimumInput::parse(form, ctx.today()).map_err(bad)?;
    let Registered::Created { person_id, case_id } = clients::register(
        db,
        ctx,
        sealer,
        RegisterInput {
            minimum,
            clock_start: None,
            eligibility_note: None,
            duplicates_checked: true,
        },
    )
    .await?
    else {
        return Err(bad("duplicate demo client"));
    };
    Ok((person_id, case_id))
}

/// Dates a case's opening, and the timeline's entry of it, back to `opened`.
async fn backdate(db: &Db, case_id: i64, opened: NaiveDate) -> Result<()> {
    case::Entity::update_many()
        .col_expr(case::Column::OpenedOn, Expr::value(opened))
        .filter(case::Column::Id.eq(case_id))
        .exec(db.writer())
        .await?;
    case_event::Entity::update_many()
        .col_expr(case_event::Column::OnDate, Expr::value(opened))
        .filter(case_event::Column::CaseId.eq(case_id))
        .filter(case_event::Column::Kind.eq("opened"))
        .exec(db.writer())
        .await?;
    Ok(())
}

/// A consent given on paper in the client's language, and the intake data it allows.
async fn consent_and_intake(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
    lang: &str,
    given_on: &str,
) -> Result<()> {
    let input =
        ConsentInput::parse("2026-1", lang, given_on, "paper", None, ctx.today()).map_err(bad)?;
    consent::record(db, ctx, sealer, person_id, input).await?;
    let intake = Intake::parse(&IntakeForm {
        languages: vec![(lang.into(), "native".into())],
        german_level: "A2".into(),
        housing: "follow_up_housing".into(),
        ..IntakeForm::default()
    })
    .map_err(bad)?;
    clients::update_intake(db, ctx, sealer, person_id, 1, intake).await?;
    Ok(())
}

/// The Haddad family: a partner and a child joining the client's case, and a release to the
/// Jobcenter.
async fn seed_household(
    db: &Db,
    ctx: &Ctx,
    person_id: i64,
    case_id: i64,
    form: &MinimumForm,
    given_on: &str,
) -> Result<()> {
    let today = ctx.today();
    for (g, o, b, rel) in [
        ("Rania", "رانيا حداد", "1991", HouseholdRelation::Partner),
        ("Lina", "لينا حداد", "2018", HouseholdRelation::Child),
    ] {
        let member = MinimumForm {
            given_name: g.into(),
            family_name: "Haddad".into(),
            name_original: o.into(),
            birth: b.into(),
            ..form.clone()
        };
        let m = MinimumInput::parse(&member, today).map_err(bad)?;
        clients::add_member(db, ctx, person_id, m, rel, MemberCase::Join(case_id)).await?;
    }
    let release = ReleaseInput::parse(&ReleaseForm {
        recipient: "other".into(),
        recipient_name: "Jobcenter Neckartal".into(),
        recipient_category: "jobcenter".into(),
        categories: vec![
            "identity".into(),
            "language_education".into(),
            "work".into(),
        ],
        purpose: "Vermittlung in einen Sprachkurs und in Arbeit".into(),
        valid_from: given_on.into(),
        valid_until: (today + chrono::Duration::days(300)).to_string(),
        mutual: "yes".into(),
    })
    .map_err(bad)?;
    releases::create(db, ctx, person_id, release).await?;
    Ok(())
}
