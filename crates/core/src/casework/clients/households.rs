//! Households: the members an actor may see, and adding a member (with or without a case).

use ankommen_store::Db;
use ankommen_store::entities::{case, case_person, household, person};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::record::{Member, is_minor};
use super::registration::{MinimumInput, insert_person};
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::HouseholdRelation;
use crate::kernel::policy::Action;
use crate::kernel::types::{Ags, Role};
use crate::{Ctx, Error, Result};

/// The members of a household the actor may read, how many others there are, and the cases
/// through which the shown members may be read.
pub(super) async fn household_members<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    household_id: i64,
    except: Option<i64>,
) -> Result<(Vec<Member>, usize, Vec<case::Model>)> {
    let today = ctx.today();
    let all = person::Entity::find()
        .filter(person::Column::HouseholdId.eq(household_id))
        .all(conn)
        .await?;
    let others: Vec<person::Model> = all.into_iter().filter(|p| Some(p.id) != except).collect();
    let ids: Vec<i64> = others.iter().map(|p| p.id).collect();
    let links = access::allowed_cases(conn, ctx, &ids, Action::ReadClient).await?;
    let mut cases: Vec<case::Model> = Vec::new();
    for l in &links {
        if !cases.iter().any(|x| x.id == l.case.id) {
            cases.push(l.case.clone());
        }
    }
    access::open_first_newest(&mut cases);
    let mut shown = Vec::new();
    let mut hidden = 0;
    for p in others {
        if links.iter().any(|l| l.person_id == p.id) {
            shown.push(Member {
                minor: is_minor(&p, today),
                person: p,
            });
        } else {
            hidden += 1;
        }
    }
    shown.sort_by_key(|m| (m.minor, m.person.birth_year, m.person.id));
    Ok((shown, hidden, cases))
}

/// A household with everyone the actor may see, and their cases.
#[derive(Clone, Debug)]
pub struct HouseholdView {
    pub id: i64,
    pub members: Vec<Member>,
    pub hidden: usize,
    pub cases: Vec<case::Model>,
}

pub async fn household(db: &Db, ctx: &Ctx, household_id: i64) -> Result<HouseholdView> {
    audit::read(db, async |tx| {
        let ev = Event::on("household_viewed", "household", household_id);
        let Some(_) = household::Entity::find_by_id(household_id).one(tx).await? else {
            return Err(Error::NotFound);
        };
        let (members, hidden, cases) = household_members(tx, ctx, household_id, None).await?;
        if members.is_empty() {
            return ctx.refuse(tx, ev, Error::NotFound).await;
        }
        let seen = members.iter().map(|m| audit::Seen {
            person_id: m.person.id,
            case_id: None,
        });
        let shown = Event::new("client_viewed").section("household");
        audit::record_seen(tx, ctx, shown, seen).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(HouseholdView {
            id: household_id,
            members,
            hidden,
            cases,
        })
    })
    .await
}

/// Where a new household member's counselling runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberCase {
    /// Join this case of the household (one case for the family).
    Join(i64),
    /// Open a separate case, assigned to the acting IM.
    Own,
    /// Only a member of the household (e.g. a small child), in the client's case.
    None,
}

/// Adds a person to a client's household. Creates the household (with the client as its head) if
/// the client has none yet.
pub async fn add_member(
    db: &Db,
    ctx: &Ctx,
    client_id: i64,
    m: MinimumInput,
    relation: HouseholdRelation,
    mode: MemberCase,
) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("household_member_added", "person", client_id).section("household");
    let (tx, client, cases) =
        access::person_in(tx, ctx, client_id, Action::WriteClient, ev.clone()).await?;
    // A household lives in one municipality: the member's is the client's.
    let mut m = m;
    m.municipality =
        Ags::parse(&client.municipality_ags).map_err(|k| Error::field("municipality", k))?;
    let household_id = household_of(&tx, ctx, &client, &cases).await?;
    let member_id = insert_person(&tx, ctx, &m, Some(household_id), Some(relation)).await?;
    place_member(&tx, ctx, mode, &cases, member_id, household_id, &m).await?;
    audit::record(&tx, ctx, ev).await?;
    audit::record(
        &tx,
        ctx,
        Event::on("client_registered", "person", member_id).section("household"),
    )
    .await?;
    tx.commit().await?;
    Ok(member_id)
}

/// The client's household, created (with the client as its head, and on the client's cases)
/// when the client has none yet.
async fn household_of<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    client: &person::Model,
    cases: &[case::Model],
) -> Result<i64> {
    if let Some(h) = client.household_id {
        return Ok(h);
    }
    let h = household::Entity::insert(household::ActiveModel {
        id: NotSet,
        municipality_ags: Set(client.municipality_ags.clone()),
        external_id: Set(None),
        created_at: Set(ctx.now()),
        created_by: Set(ctx.actor.staff_id),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    person::Entity::update_many()
        .col_expr(person::Column::HouseholdId, Expr::value(h))
        .col_expr(
            person::Column::Relation,
            Expr::value(client.relation.clone().unwrap_or_else(|| "head".into())),
        )
        .filter(person::Column::Id.eq(client.id))
        .exec(conn)
        .await?;
    for c in cases {
        case::Entity::update_many()
            .col_expr(case::Column::HouseholdId, Expr::value(h))
            .filter(case::Column::Id.eq(c.id))
            .filter(case::Column::HouseholdId.is_null())
            .exec(conn)
            .await?;
    }
    Ok(h)
}

/// Puts a new member's counselling where `mode` says: on an existing case of the client's, or on
/// a case of their own (only an IM may open one).
async fn place_member<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    mode: MemberCase,
    cases: &[case::Model],
    member_id: i64,
    household_id: i64,
    m: &MinimumInput,
) -> Result<()> {
    match mode {
        MemberCase::Join(_) | MemberCase::None => {
            let target = if let MemberCase::Join(id) = mode {
                cases.iter().find(|c| c.id == id)
            } else {
                cases.iter().find(|c| c.status != "closed")
            };
            let Some(target) = target else {
                return Err(Error::field("case", "error-choice"));
            };
            case_person::Entity::insert(case_person::ActiveModel {
                case_id: Set(target.id),
                person_id: Set(member_id),
            })
            .exec_without_returning(conn)
            .await?;
        }
        MemberCase::Own => {
            if !ctx.actor.has(Role::Im) {
                return Err(Error::Forbidden);
            }
            crate::casework::cases::require_served(conn, ctx, m.municipality.as_str(), "case_mode")
                .await?;
            crate::casework::cases::open_case(
                conn,
                ctx,
                crate::casework::cases::NewCase {
                    municipality: m.municipality.as_str().to_string(),
                    household_id: Some(household_id),
                    opened_on: ctx.today(),
                    clock_start: m.au_move_in.unwrap_or(ctx.today()),
                    persons: vec![member_id],
                },
            )
            .await?;
        }
    }
    Ok(())
}
