//! Rooms for office hours (issue 24, decision 0033): the rooms a municipality provides (name,
//! address, accessibility notes), open to every organisation or only to chosen ones. Kept by the
//! municipality's integration officer or the county's administrator. Rooms hold no client data:
//! reading them is not audited, every change and every refusal is.

use std::collections::BTreeSet;

use ankommen_store::Db;
use ankommen_store::entities::{municipality, organisation, room, room_organisation};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::organisations::expect_updated;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Ags, parse_text, parse_text_req};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest name, street or city.
pub const LINE_MAX: usize = 200;
/// The longest accessibility note.
pub const NOTE_MAX: usize = 1000;

/// The room form as typed.
#[derive(Clone, Debug, Default)]
pub struct RoomForm {
    pub municipality: String,
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub accessibility: String,
    /// "yes": every organisation may book the room.
    pub open_to_all: String,
    /// Organisation ids that may book it (when not open to all).
    pub organisations: Vec<String>,
    /// "yes": the room is in use.
    pub active: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RoomInput {
    ags: String,
    name: String,
    street: String,
    postcode: String,
    city: String,
    accessibility: Option<String>,
    open_to_all: bool,
    organisations: Vec<i64>,
    active: bool,
}

fn yes(e: &mut FieldErrors, field: &'static str, v: &str) -> bool {
    match v.trim() {
        "yes" => true,
        "" | "no" => false,
        _ => {
            e.add(field, "error-choice");
            false
        }
    }
}

fn parse(f: &RoomForm, choices: &Choices) -> Result<RoomInput> {
    let mut e = FieldErrors::new();
    let ags = match Ags::parse(&f.municipality) {
        Ok(a) if choices.municipalities.iter().any(|(m, _)| m == a.as_str()) => {
            Some(a.as_str().to_string())
        }
        Ok(_) => {
            e.add("municipality", "error-choice");
            None
        }
        Err(k) => {
            e.add("municipality", k);
            None
        }
    };
    let name = e.take("name", parse_text_req(&f.name, LINE_MAX));
    let street = e.take("street", parse_text_req(&f.street, LINE_MAX));
    let postcode = match f.postcode.trim() {
        "" => {
            e.add("postcode", "error-required");
            None
        }
        p if p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.to_string()),
        _ => {
            e.add("postcode", "error-postcode");
            None
        }
    };
    let city = e.take("city", parse_text_req(&f.city, LINE_MAX));
    let accessibility = e
        .take("accessibility", parse_text(&f.accessibility, NOTE_MAX))
        .flatten();
    let open_to_all = yes(&mut e, "open_to_all", &f.open_to_all);
    let active = yes(&mut e, "active", &f.active);
    let allowed: BTreeSet<i64> = choices.organisations.iter().map(|(i, _)| *i).collect();
    let mut organisations = Vec::new();
    for v in f
        .organisations
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
    {
        match v.parse::<i64>() {
            Ok(id) if allowed.contains(&id) => {
                if !organisations.contains(&id) {
                    organisations.push(id);
                }
            }
            _ => e.add("organisations", "error-choice"),
        }
    }
    if !open_to_all && organisations.is_empty() && e.get("organisations").is_none() {
        e.add("organisations", "error-room-no-organisations");
    }
    e.into_result()?;
    let (Some(ags), Some(name), Some(street), Some(postcode), Some(city)) =
        (ags, name, street, postcode, city)
    else {
        return Err(Error::field("form", "error-form"));
    };
    Ok(RoomInput {
        ags,
        name,
        street,
        postcode,
        city,
        accessibility,
        open_to_all,
        organisations: if open_to_all {
            Vec::new()
        } else {
            organisations
        },
        active,
    })
}

/// What the room form offers.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    /// The municipalities whose rooms the actor keeps: (AGS, name).
    pub municipalities: Vec<(String, String)>,
    /// Every organisation of the deployment: (id, name).
    pub organisations: Vec<(i64, String)>,
}

async fn choices_in<C: ConnectionTrait>(conn: &C, ctx: &Ctx) -> Result<Choices> {
    let municipalities = municipality::Entity::find()
        .order_by_asc(municipality::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .filter(|m| {
            ctx.allows(
                Action::ManageRooms,
                &Resource::Municipality { ags: m.ags.clone() },
            )
        })
        .map(|m| (m.ags, m.name))
        .collect();
    let organisations = organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(Choices {
        municipalities,
        organisations,
    })
}

/// What the room form offers; refused (and audited) to whoever keeps no rooms.
pub async fn choices(db: &Db, ctx: &Ctx) -> Result<Choices> {
    ctx.authorize(
        db.writer(),
        Action::ManageRooms,
        &Resource::Deployment,
        Event::new("room_form_viewed"),
        Error::Forbidden,
    )
    .await?;
    choices_in(db.reader(), ctx).await
}

async fn write_organisations<C: ConnectionTrait>(conn: &C, id: i64, i: &RoomInput) -> Result<()> {
    room_organisation::Entity::delete_many()
        .filter(room_organisation::Column::RoomId.eq(id))
        .exec(conn)
        .await?;
    for o in &i.organisations {
        room_organisation::Entity::insert(room_organisation::ActiveModel {
            id: NotSet,
            room_id: Set(id),
            organisation_id: Set(*o),
        })
        .exec(conn)
        .await?;
    }
    Ok(())
}

/// Adds a room to a municipality the actor keeps rooms for. Returns its id.
pub async fn create(db: &Db, ctx: &Ctx, f: &RoomForm) -> Result<i64> {
    let tx = db.begin().await?;
    let checked = ctx
        .authorize(
            &tx,
            Action::ManageRooms,
            &Resource::Deployment,
            Event::new("room_created"),
            Error::Forbidden,
        )
        .await;
    let (tx, ()) = crate::kernel::access::in_tx(tx, checked).await?;
    // Only municipalities the actor keeps are choices, so the input is authorised once parsed.
    let i = parse(f, &choices_in(&tx, ctx).await?)?;
    let now = ctx.now();
    let id = room::Entity::insert(room::ActiveModel {
        id: NotSet,
        municipality_ags: Set(i.ags.clone()),
        name: Set(i.name.clone()),
        street: Set(i.street.clone()),
        postcode: Set(i.postcode.clone()),
        city: Set(i.city.clone()),
        accessibility: Set(i.accessibility.clone()),
        open_to_all: Set(i.open_to_all),
        active: Set(i.active),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    write_organisations(&tx, id, &i).await?;
    audit::record(&tx, ctx, Event::on("room_created", "room", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a room, if nobody changed it since `version`. Whoever does not keep the room's
/// municipality finds no room.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, version: i32, f: &RoomForm) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("room_updated", "room", id);
    let checked = async {
        let Some(r) = room::Entity::find_by_id(id).one(&tx).await? else {
            return Err(Error::NotFound);
        };
        ctx.authorize(
            &tx,
            Action::ManageRooms,
            &Resource::Municipality {
                ags: r.municipality_ags.clone(),
            },
            ev.clone(),
            Error::NotFound,
        )
        .await
    }
    .await;
    let (tx, ()) = crate::kernel::access::in_tx(tx, checked).await?;
    let i = parse(f, &choices_in(&tx, ctx).await?)?;
    let res = room::Entity::update_many()
        .col_expr(room::Column::MunicipalityAgs, Expr::value(i.ags.clone()))
        .col_expr(room::Column::Name, Expr::value(i.name.clone()))
        .col_expr(room::Column::Street, Expr::value(i.street.clone()))
        .col_expr(room::Column::Postcode, Expr::value(i.postcode.clone()))
        .col_expr(room::Column::City, Expr::value(i.city.clone()))
        .col_expr(
            room::Column::Accessibility,
            Expr::value(i.accessibility.clone()),
        )
        .col_expr(room::Column::OpenToAll, Expr::value(i.open_to_all))
        .col_expr(room::Column::Active, Expr::value(i.active))
        .col_expr(room::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(room::Column::Version, Expr::value(version + 1))
        .filter(room::Column::Id.eq(id))
        .filter(room::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, room::Entity::find_by_id(id)).await?;
    write_organisations(&tx, id, &i).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The rooms the actor keeps (all for the county's administrator, the own municipalities' for a
/// municipal officer), by municipality and name. Refused to everybody else.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<room::Model>> {
    ctx.authorize(
        db.writer(),
        Action::ManageRooms,
        &Resource::Deployment,
        Event::new("rooms_listed"),
        Error::Forbidden,
    )
    .await?;
    Ok(room::Entity::find()
        .order_by_asc(room::Column::MunicipalityAgs)
        .order_by_asc(room::Column::Name)
        .all(db.reader())
        .await?
        .into_iter()
        .filter(|r| {
            ctx.allows(
                Action::ManageRooms,
                &Resource::Municipality {
                    ags: r.municipality_ags.clone(),
                },
            )
        })
        .collect())
}

/// A room with the organisations that may book it.
#[derive(Clone, Debug)]
pub struct RoomView {
    pub room: room::Model,
    pub organisations: Vec<i64>,
}

/// One room for its keeper; anybody else finds none (and the refusal is audited).
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<RoomView> {
    let Some(r) = room::Entity::find_by_id(id).one(db.reader()).await? else {
        return Err(Error::NotFound);
    };
    ctx.authorize(
        db.writer(),
        Action::ManageRooms,
        &Resource::Municipality {
            ags: r.municipality_ags.clone(),
        },
        Event::on("room_viewed", "room", id),
        Error::NotFound,
    )
    .await?;
    let organisations = room_organisation::Entity::find()
        .filter(room_organisation::Column::RoomId.eq(id))
        .all(db.reader())
        .await?
        .into_iter()
        .map(|o| o.organisation_id)
        .collect();
    Ok(RoomView {
        room: r,
        organisations,
    })
}

/// The room's values as its edit form shows them.
pub fn form_of(v: &RoomView) -> RoomForm {
    let yes = |b: bool| if b { "yes".to_string() } else { String::new() };
    RoomForm {
        municipality: v.room.municipality_ags.clone(),
        name: v.room.name.clone(),
        street: v.room.street.clone(),
        postcode: v.room.postcode.clone(),
        city: v.room.city.clone(),
        accessibility: v.room.accessibility.clone().unwrap_or_default(),
        open_to_all: yes(v.room.open_to_all),
        organisations: v.organisations.iter().map(|o| o.to_string()).collect(),
        active: yes(v.room.active),
    }
}

/// Whether organisation `organisation_id` may book room `r` (active, and open to all or chosen).
pub async fn may_book<C: ConnectionTrait>(
    conn: &C,
    organisation_id: i64,
    r: &room::Model,
) -> Result<bool> {
    if !r.active {
        return Ok(false);
    }
    if r.open_to_all {
        return Ok(true);
    }
    Ok(room_organisation::Entity::find()
        .filter(room_organisation::Column::RoomId.eq(r.id))
        .filter(room_organisation::Column::OrganisationId.eq(organisation_id))
        .one(conn)
        .await?
        .is_some())
}

/// The rooms the actor's organisation may book, for an appointment or office hours: active
/// rooms open to all organisations or to the actor's own, in `municipality` (an AGS) if given,
/// else in every municipality; ordered by municipality and name. Rooms are organisational data:
/// nothing is audited and nobody is refused (an actor whose organisation may book nothing gets
/// an empty list).
pub async fn bookable<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    municipality: Option<&str>,
) -> Result<Vec<room::Model>> {
    let mut q = room::Entity::find().filter(room::Column::Active.eq(true));
    if let Some(ags) = municipality {
        q = q.filter(room::Column::MunicipalityAgs.eq(ags));
    }
    let rooms = q
        .order_by_asc(room::Column::MunicipalityAgs)
        .order_by_asc(room::Column::Name)
        .all(conn)
        .await?;
    let chosen: BTreeSet<i64> = room_organisation::Entity::find()
        .filter(room_organisation::Column::OrganisationId.eq(ctx.actor.organisation_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| o.room_id)
        .collect();
    Ok(rooms
        .into_iter()
        .filter(|r| r.open_to_all || chosen.contains(&r.id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_needs_its_address_and_who_may_book_it() {
        let choices = Choices {
            municipalities: vec![("08990001".into(), "Talheim".into())],
            organisations: vec![(3, "AWO".into())],
        };
        let f = RoomForm {
            municipality: "08990002".into(),
            postcode: "7412".into(),
            organisations: vec!["9".into()],
            ..Default::default()
        };
        let Err(Error::Invalid(e)) = parse(&f, &choices) else {
            panic!("invalid")
        };
        assert_eq!(e.get("municipality"), Some("error-choice"));
        assert_eq!(e.get("name"), Some("error-required"));
        assert_eq!(e.get("postcode"), Some("error-postcode"));
        assert_eq!(e.get("organisations"), Some("error-choice"));
        let f = RoomForm {
            municipality: "08990001".into(),
            name: "Rathaus, Raum 2".into(),
            street: "Marktplatz 1".into(),
            postcode: "74999".into(),
            city: "Talheim".into(),
            open_to_all: "yes".into(),
            organisations: vec!["3".into()],
            active: "yes".into(),
            ..Default::default()
        };
        let i = parse(&f, &choices).unwrap();
        assert!(i.open_to_all && i.active);
        assert!(i.organisations.is_empty());
    }
}
