//! The directory of services (issue 23, decision 0026): the regular services and partners IMs refer
//! people to. County-wide entries are kept by the coordinator, an organisation's own entries by its
//! team leads; every IM reads the county-wide entries and those of their organisation. An entry is
//! organisational data, not a client's: reading it is not audited, changing it is. An entry that a
//! referral names is never deleted, only marked inactive.

use ankommen_store::Db;
use ankommen_store::entities::{case, course_registration, municipality, referral, service};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::administration::organisations::expect_updated;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{RecipientCategory, is_language};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Name, parse_text};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest address, opening hours and note.
pub const ADDRESS_MAX: usize = 500;
pub const HOURS_MAX: usize = 1000;
pub const NOTE_MAX: usize = 2000;
/// The longest phone number and e-mail address.
pub const CONTACT_MAX: usize = 200;

/// Whose entry: the county's (kept by the coordinator) or the actor's organisation's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    County,
    Organisation,
}

impl Scope {
    pub const ALL: [Scope; 2] = [Scope::County, Scope::Organisation];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::County => "county",
            Scope::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> std::result::Result<Self, &'static str> {
        match s.trim() {
            "county" => Ok(Scope::County),
            "organisation" => Ok(Scope::Organisation),
            "" => Err("error-required"),
            _ => Err("error-choice"),
        }
    }

    fn organisation_id(self, ctx: &Ctx) -> Option<i64> {
        match self {
            Scope::County => None,
            Scope::Organisation => Some(ctx.actor.organisation_id),
        }
    }

    pub fn of(s: &service::Model) -> Self {
        if s.organisation_id.is_some() {
            Scope::Organisation
        } else {
            Scope::County
        }
    }
}

fn resource(organisation_id: Option<i64>) -> Resource {
    Resource::Service { organisation_id }
}

/// The scopes the actor may keep entries in (for the forms; empty: the directory is read-only).
pub fn managed_scopes(ctx: &Ctx) -> Vec<Scope> {
    Scope::ALL
        .into_iter()
        .filter(|s| ctx.allows(Action::ManageService, &resource(s.organisation_id(ctx))))
        .collect()
}

/// Whether the actor may keep this entry.
pub fn may_manage(ctx: &Ctx, s: &service::Model) -> bool {
    ctx.allows(Action::ManageService, &resource(s.organisation_id))
}

/// The directory's filter (all empty: every active entry).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// A part of the name, any case.
    pub query: String,
    pub category: Option<RecipientCategory>,
    /// An AGS: entries serving that municipality (or the whole county).
    pub municipality: Option<String>,
    /// A language code.
    pub language: Option<String>,
    pub include_inactive: bool,
}

impl Filter {
    /// From the query string; a value outside its list is a field error (and left out).
    pub fn parse(
        query: &str,
        category: &str,
        municipality: &str,
        language: &str,
        inactive: &str,
    ) -> (Self, FieldErrors) {
        let mut e = FieldErrors::new();
        let category = match category.trim() {
            "" => None,
            c => e.take("category", RecipientCategory::parse(c)),
        };
        let language = match language.trim() {
            "" => None,
            l if is_language(l) => Some(l.to_string()),
            _ => {
                e.add("language", "error-choice");
                None
            }
        };
        let municipality = match municipality.trim() {
            "" => None,
            m if m.len() == 8 && m.bytes().all(|b| b.is_ascii_digit()) => Some(m.to_string()),
            _ => {
                e.add("municipality", "error-choice");
                None
            }
        };
        let f = Self {
            query: query.trim().chars().take(Name::MAX).collect(),
            category,
            municipality,
            language,
            include_inactive: inactive.trim() == "yes",
        };
        (f, e)
    }

    fn keeps(&self, s: &service::Model) -> bool {
        let q = self.query.to_lowercase();
        (self.include_inactive || s.active)
            && (q.is_empty() || s.name.to_lowercase().contains(&q))
            && self.category.is_none_or(|c| s.category == c.as_str())
            && self.municipality.as_deref().is_none_or(|m| {
                let served = municipalities_of(s);
                served.is_empty() || served.contains(&m)
            })
            && self
                .language
                .as_deref()
                .is_none_or(|l| languages_of(s).contains(&l))
    }
}

/// The AGS keys an entry serves; empty: the whole county.
pub fn municipalities_of(s: &service::Model) -> Vec<&str> {
    s.municipalities
        .split(',')
        .filter(|m| !m.is_empty())
        .collect()
}

/// The language codes an entry offers.
pub fn languages_of(s: &service::Model) -> Vec<&str> {
    s.languages.split(',').filter(|m| !m.is_empty()).collect()
}

async fn authorize_read<C: ConnectionTrait>(conn: &C, ctx: &Ctx, ev: Event) -> Result<()> {
    ctx.authorize(
        conn,
        Action::ReadDirectory,
        &resource(None),
        ev,
        Error::Forbidden,
    )
    .await
}

/// The entries the actor sees (county-wide and their organisation's), by name.
pub(crate) async fn visible<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
) -> Result<Vec<service::Model>> {
    Ok(service::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(service::Column::OrganisationId.is_null())
                .add(service::Column::OrganisationId.eq(ctx.actor.organisation_id)),
        )
        .order_by_asc(service::Column::Name)
        .order_by_asc(service::Column::Id)
        .all(conn)
        .await?)
}

/// The directory as the filter narrows it.
pub async fn list(db: &Db, ctx: &Ctx, filter: &Filter) -> Result<Vec<service::Model>> {
    authorize_read(db.writer(), ctx, Event::new("services_listed")).await?;
    Ok(visible(db.reader(), ctx)
        .await?
        .into_iter()
        .filter(|s| filter.keeps(s))
        .collect())
}

/// One entry the actor sees (an organisation's own entry answers like a missing one to others).
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<service::Model> {
    let Some(s) = service::Entity::find_by_id(id).one(db.reader()).await? else {
        return Err(Error::NotFound);
    };
    ctx.authorize(
        db.writer(),
        Action::ReadDirectory,
        &resource(s.organisation_id),
        Event::on("service_viewed", "service", id),
        Error::NotFound,
    )
    .await?;
    Ok(s)
}

/// How many referrals name the entry.
pub async fn referral_count<C: ConnectionTrait>(conn: &C, id: i64) -> Result<u64> {
    Ok(referral::Entity::find()
        .filter(referral::Column::ServiceId.eq(id))
        .count(conn)
        .await?)
}

/// Whether a language-course registration names the entry (decision 0032).
async fn registered_with<C: ConnectionTrait>(conn: &C, id: i64) -> Result<bool> {
    Ok(course_registration::Entity::find()
        .filter(course_registration::Column::ServiceId.eq(id))
        .one(conn)
        .await?
        .is_some())
}

/// The entry form as typed.
#[derive(Clone, Debug, Default)]
pub struct ServiceForm {
    pub scope: String,
    pub name: String,
    pub category: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// AGS keys (or, from a spreadsheet, the municipalities' names).
    pub municipalities: Vec<String>,
    pub languages: Vec<String>,
    pub opening_hours: String,
    pub note: String,
    /// `yes` or `no`.
    pub active: String,
}

/// A checked entry.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ServiceInput {
    name: Name,
    category: RecipientCategory,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    municipalities: Vec<String>,
    languages: Vec<String>,
    opening_hours: Option<String>,
    note: Option<String>,
    active: bool,
}

fn parse(
    f: &ServiceForm,
    places: &[municipality::Model],
) -> std::result::Result<ServiceInput, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = e.take("name", Name::parse(&f.name));
    let category = e.take("category", RecipientCategory::parse(&f.category));
    let address = e
        .take("address", parse_text(&f.address, ADDRESS_MAX))
        .flatten();
    let phone = e.take("phone", parse_text(&f.phone, CONTACT_MAX)).flatten();
    let email = e
        .take(
            "email",
            parse_text(&f.email, CONTACT_MAX).and_then(|m| match m {
                Some(m) if !m.contains('@') || m.contains(char::is_whitespace) => {
                    Err("error-email")
                }
                m => Ok(m),
            }),
        )
        .flatten();
    let mut municipalities: Vec<String> = Vec::new();
    for m in f
        .municipalities
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
    {
        let found = places
            .iter()
            .find(|p| p.ags == m || p.name.eq_ignore_ascii_case(m));
        match found {
            Some(p) if !municipalities.contains(&p.ags) => municipalities.push(p.ags.clone()),
            Some(_) => {}
            None => e.add("municipalities", "error-choice"),
        }
    }
    municipalities.sort();
    let mut languages: Vec<String> = Vec::new();
    for l in f
        .languages
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        if !is_language(l) {
            e.add("languages", "error-choice");
        } else if !languages.iter().any(|x| x == l) {
            languages.push(l.to_string());
        }
    }
    let opening_hours = e
        .take("opening_hours", parse_text(&f.opening_hours, HOURS_MAX))
        .flatten();
    let note = e.take("note", parse_text(&f.note, NOTE_MAX)).flatten();
    let active = e.take(
        "active",
        match f.active.trim() {
            "yes" => Ok(true),
            "no" => Ok(false),
            "" => Err("error-required"),
            _ => Err("error-choice"),
        },
    );
    match (name, category, active) {
        (Some(name), Some(category), Some(active)) if e.is_empty() => Ok(ServiceInput {
            name,
            category,
            address,
            phone,
            email,
            municipalities,
            languages,
            opening_hours,
            note,
            active,
        }),
        _ => Err(e),
    }
}

/// The entry's scope from the form: the one asked for, which the actor must keep; a form without
/// one takes the only scope the actor keeps.
fn scope_of(ctx: &Ctx, s: &str) -> std::result::Result<Scope, &'static str> {
    let managed = managed_scopes(ctx);
    if s.trim().is_empty() && managed.len() == 1 {
        return Ok(managed[0]);
    }
    let scope = Scope::parse(s)?;
    if managed.contains(&scope) {
        Ok(scope)
    } else {
        Err("error-choice")
    }
}

fn normalised(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Links every referral that names a directory entry only by its name to it, after an import: an
/// organisation's own entries first (the nearer match), then the county-wide ones.
pub(crate) async fn link_named_referrals<C: ConnectionTrait>(conn: &C) -> Result<()> {
    let mut all = service::Entity::find().all(conn).await?;
    all.sort_by_key(|s| (s.organisation_id.is_none(), s.id));
    for s in &all {
        link_referrals(conn, s).await?;
    }
    Ok(())
}

/// Links the referrals that name the entry only by its name (imported ones) to it: those of cases
/// its scope covers (any case for a county-wide entry, the organisation's cases for its own).
async fn link_referrals<C: ConnectionTrait>(conn: &C, s: &service::Model) -> Result<()> {
    let mut q = referral::Entity::find()
        .select_only()
        .column(referral::Column::Id)
        .column(referral::Column::ServiceName)
        .filter(referral::Column::ServiceId.is_null());
    if let Some(org) = s.organisation_id {
        q = q.filter(
            referral::Column::CaseId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(case::Column::Id)
                    .from(case::Entity)
                    .and_where(case::Column::OrganisationId.eq(org))
                    .to_owned(),
            ),
        );
    }
    let wanted = normalised(&s.name);
    let ids: Vec<i64> = q
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .filter(|(_, n)| normalised(n) == wanted)
        .map(|(id, _)| id)
        .collect();
    if !ids.is_empty() {
        referral::Entity::update_many()
            .col_expr(referral::Column::ServiceId, Expr::value(s.id))
            .filter(referral::Column::Id.is_in(ids))
            .exec(conn)
            .await?;
    }
    Ok(())
}

async fn places<C: ConnectionTrait>(conn: &C) -> Result<Vec<municipality::Model>> {
    Ok(municipality::Entity::find().all(conn).await?)
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    organisation_id: Option<i64>,
    i: ServiceInput,
) -> Result<service::Model> {
    let now = ctx.now();
    let id = service::Entity::insert(service::ActiveModel {
        id: NotSet,
        organisation_id: Set(organisation_id),
        name: Set(i.name.into_string()),
        category: Set(i.category.as_str().into()),
        address: Set(i.address),
        phone: Set(i.phone),
        email: Set(i.email),
        municipalities: Set(i.municipalities.join(",")),
        languages: Set(i.languages.join(",")),
        opening_hours: Set(i.opening_hours),
        note: Set(i.note),
        active: Set(i.active),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    let m = service::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    link_referrals(conn, &m).await?;
    Ok(m)
}

async fn overwrite<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    version: i32,
    i: ServiceInput,
) -> Result<service::Model> {
    let res = service::Entity::update_many()
        .col_expr(service::Column::Name, Expr::value(i.name.into_string()))
        .col_expr(service::Column::Category, Expr::value(i.category.as_str()))
        .col_expr(service::Column::Address, Expr::value(i.address))
        .col_expr(service::Column::Phone, Expr::value(i.phone))
        .col_expr(service::Column::Email, Expr::value(i.email))
        .col_expr(
            service::Column::Municipalities,
            Expr::value(i.municipalities.join(",")),
        )
        .col_expr(
            service::Column::Languages,
            Expr::value(i.languages.join(",")),
        )
        .col_expr(service::Column::OpeningHours, Expr::value(i.opening_hours))
        .col_expr(service::Column::Note, Expr::value(i.note))
        .col_expr(service::Column::Active, Expr::value(i.active))
        .col_expr(service::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(service::Column::Version, Expr::value(version + 1))
        .filter(service::Column::Id.eq(id))
        .filter(service::Column::Version.eq(version))
        .exec(conn)
        .await?;
    expect_updated(conn, res.rows_affected, service::Entity::find_by_id(id)).await?;
    let m = service::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    link_referrals(conn, &m).await?;
    Ok(m)
}

/// Refuses (and records the refusal durably) whoever keeps no entries at all.
async fn refuse_unless_keeper(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    ev: Event,
) -> Result<(ankommen_store::Tx, ())> {
    let checked = if managed_scopes(ctx).is_empty() {
        ctx.refuse(&tx, ev, Error::Forbidden).await
    } else {
        Ok(())
    };
    crate::kernel::access::in_tx(tx, checked).await
}

/// Adds an entry. Returns its id.
pub async fn create(db: &Db, ctx: &Ctx, f: &ServiceForm) -> Result<i64> {
    let tx = db.begin().await?;
    let (tx, ()) = refuse_unless_keeper(tx, ctx, Event::new("service_created")).await?;
    let mut e = FieldErrors::new();
    let scope = e.take("scope", scope_of(ctx, &f.scope));
    let input = parse(f, &places(&tx).await?);
    let (scope, input) = match (scope, input) {
        (Some(s), Ok(i)) if e.is_empty() => (s, i),
        (_, Err(more)) => {
            e.0.extend(more.0);
            return Err(Error::Invalid(e));
        }
        _ => return Err(Error::Invalid(e)),
    };
    let m = insert(&tx, ctx, scope.organisation_id(ctx), input).await?;
    audit::record(&tx, ctx, Event::on("service_created", "service", m.id)).await?;
    tx.commit().await?;
    Ok(m.id)
}

/// Changes an entry (the scope stays).
pub async fn update(db: &Db, ctx: &Ctx, id: i64, version: i32, f: &ServiceForm) -> Result<()> {
    let tx = db.begin().await?;
    let Some(s) = service::Entity::find_by_id(id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let ev = Event::on("service_updated", "service", id);
    // Someone who cannot even read it learns nothing of it.
    let refusal = if ctx.allows(Action::ReadDirectory, &resource(s.organisation_id)) {
        Error::Forbidden
    } else {
        Error::NotFound
    };
    let checked = ctx
        .authorize(
            &tx,
            Action::ManageService,
            &resource(s.organisation_id),
            ev.clone(),
            refusal,
        )
        .await;
    let (tx, ()) = crate::kernel::access::in_tx(tx, checked).await?;
    let input = parse(f, &places(&tx).await?).map_err(Error::Invalid)?;
    overwrite(&tx, ctx, id, version, input).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an entry no referral names (others are marked inactive instead).
pub async fn delete(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    let tx = db.begin().await?;
    let Some(s) = service::Entity::find_by_id(id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let ev = Event::on("service_deleted", "service", id);
    let refusal = if ctx.allows(Action::ReadDirectory, &resource(s.organisation_id)) {
        Error::Forbidden
    } else {
        Error::NotFound
    };
    let checked = ctx
        .authorize(
            &tx,
            Action::ManageService,
            &resource(s.organisation_id),
            ev.clone(),
            refusal,
        )
        .await;
    let (tx, ()) = crate::kernel::access::in_tx(tx, checked).await?;
    if referral_count(&tx, id).await? > 0 || registered_with(&tx, id).await? {
        return Err(Error::Conflict("error-service-referred"));
    }
    service::Entity::delete_by_id(id).exec(&tx).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// One row of a spreadsheet to import, with its number as the spreadsheet shows it.
#[derive(Clone, Debug, Default)]
pub struct ImportRow {
    pub number: u32,
    pub form: ServiceForm,
}

/// What an import did, or the rows it could not read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    /// Row number, field and message key, for each problem (then nothing was imported).
    pub problems: Vec<(u32, &'static str, &'static str)>,
}

/// Imports entries into one scope, all or nothing: an entry of the same name (any case and
/// spacing) in that scope is updated, any other is added.
pub async fn import(db: &Db, ctx: &Ctx, scope: &str, rows: &[ImportRow]) -> Result<ImportReport> {
    let tx = db.begin().await?;
    let ev = Event::new("services_imported");
    let (tx, ()) = refuse_unless_keeper(tx, ctx, ev.clone()).await?;
    let scope = scope_of(ctx, scope).map_err(|k| Error::field("scope", k))?;
    let org = scope.organisation_id(ctx);
    let places = places(&tx).await?;
    let mut report = ImportReport::default();
    let mut inputs = Vec::new();
    for r in rows {
        match parse(&r.form, &places) {
            Ok(i) => inputs.push(i),
            Err(e) => report
                .problems
                .extend(e.0.iter().map(|p| (r.number, p.field, p.key))),
        }
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let existing: Vec<service::Model> = service::Entity::find()
        .filter(match org {
            Some(o) => service::Column::OrganisationId.eq(o),
            None => service::Column::OrganisationId.is_null(),
        })
        .all(&tx)
        .await?;
    for i in inputs {
        let key = normalised(i.name.as_str());
        match existing.iter().find(|s| normalised(&s.name) == key) {
            Some(s) => {
                overwrite(&tx, ctx, s.id, s.version, i).await?;
                report.updated += 1;
            }
            None => {
                insert(&tx, ctx, org, i).await?;
                report.created += 1;
            }
        }
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(report)
}
