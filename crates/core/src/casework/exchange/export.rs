//! Exporting one organisation's data in the exchange format: the file an organisation takes with
//! it when it moves to another system (or another ankommen). Its header states the role and the
//! purpose it was made for; special-category content (the texts sealed at rest) is written only
//! for a role entitled to read it and marked in the header, otherwise left out and the header
//! says which fields. Ids are the ids of the file an object was imported from, otherwise stable
//! ids of our own (`ankommen-<kind>-<row id>`). See `docs/decisions/0017-export-and-art-15.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use ankommen_store::Db;
use ankommen_store::Opened;
use ankommen_store::entities::{
    case, case_assignment, case_pause, case_person, consent, contact, contact_person, exchange_id,
    field_of_action, goal, household, municipality, organisation, outcome, person, referral,
    release, review, staff, staff_municipality, staff_role, step, team,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value, json};

use super::Kind;
use crate::administration::intake_catalog::{IntakeCatalog, IntakeList};
use crate::kernel::audit::{self, Event, Seen, Who};
use crate::kernel::policy::{self, Action, Resource};
use crate::kernel::sealed::{
    self, CASE_CLOSURE_NOTE, CASE_EXTENSION_REASON, CONTACT_NOTE, GOAL_STATUS_REASON, GOAL_TEXT,
    REFERRAL_REASON, REVIEW_SUMMARY, STEP_TEXT,
};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{Role, parse_text_req};
use crate::{Ctx, Error, FieldErrors, Result};

/// The fields of the format that hold special-category content (sealed at rest here).
pub const SPECIAL_FIELDS: [&str; 8] = [
    "case.closure_note",
    "case.extension_reason",
    "contact.note",
    "goal.status_reason",
    "goal.text",
    "referral.reason",
    "review.summary",
    "step.text",
];

/// What a required text of the format (a goal's or a step's text) holds when the export leaves
/// special-category content out.
pub const WITHHELD: &str = "[withheld: special category]";

/// What a text holds that cannot be opened (altered, or sealed under a key this instance lacks).
pub const UNREADABLE: &str = "[cannot be opened]";

/// The longest purpose accepted.
pub const MAX_PURPOSE_CHARS: usize = 500;

/// The role and purpose an export is made for, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MadeFor {
    pub role: Role,
    pub purpose: String,
}

impl MadeFor {
    /// Parses the form's (or the command line's) role and purpose.
    pub fn parse(role: &str, purpose: &str) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let role = e.take("role", Role::parse(role.trim()));
        let purpose = e.take("purpose", parse_text_req(purpose, MAX_PURPOSE_CHARS));
        match (role, purpose) {
            (Some(role), Some(purpose)) if e.is_empty() => Ok(Self { role, purpose }),
            _ => Err(e),
        }
    }

    /// Whether the export carries special-category content.
    pub fn special_category(&self) -> bool {
        policy::reads_special_category(self.role)
    }
}

/// An export: the file and what it holds.
#[derive(Clone, Debug)]
pub struct Exported {
    pub bytes: Vec<u8>,
    /// Objects per kind, in the order of the format.
    pub counts: Vec<(Kind, usize)>,
    pub special_category: bool,
    /// The organisation's id in the file.
    pub organisation: String,
}

/// Whether the actor may export this organisation (the download page asks before it shows the
/// organisation); a refusal is audited like a refused export.
pub async fn authorize(db: &Db, ctx: &Ctx, organisation_id: i64) -> Result<()> {
    ctx.authorize(
        db.writer(),
        Action::ExportExchange,
        &Resource::Organisation {
            id: organisation_id,
        },
        Event::on("exchange_exported", "organisation", organisation_id),
        Error::Forbidden,
    )
    .await
}

/// The organisations the actor may export (id, name), for the download page's choice.
pub async fn exportable(db: &Db, ctx: &Ctx) -> Result<Vec<(i64, String)>> {
    let all = organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db.reader())
        .await?;
    Ok(all
        .into_iter()
        .filter(|o| ctx.allows(Action::ExportExchange, &Resource::Organisation { id: o.id }))
        .map(|o| (o.id, o.name))
        .collect())
}

/// An administrator's export (the download page). The reading is an audited read: the file is
/// handed out only once its audit events are durable (decision 0009).
pub async fn export(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    organisation_id: i64,
    role: &str,
    purpose: &str,
) -> Result<Exported> {
    authorize(db, ctx, organisation_id).await?;
    let made_for = MadeFor::parse(role, purpose).map_err(Error::Invalid)?;
    let who = Who {
        staff_id: Some(ctx.actor.staff_id),
        organisation_id: Some(ctx.actor.organisation_id),
        roles: ctx.actor.roles.joined(),
    };
    run(
        db,
        sealer,
        &who,
        ctx.request_id.as_deref(),
        ctx.now(),
        organisation_id,
        &made_for,
    )
    .await
}

/// The operator's export (`ankommen export`), audited as the operator's.
pub async fn export_as_operator(
    db: &Db,
    now: DateTime<Utc>,
    sealer: &Sealer,
    organisation_id: i64,
    made_for: &MadeFor,
) -> Result<Exported> {
    let who = Who {
        staff_id: None,
        organisation_id: None,
        roles: "operator".into(),
    };
    run(db, sealer, &who, None, now, organisation_id, made_for).await
}

async fn run(
    db: &Db,
    sealer: &Sealer,
    who: &Who,
    request_id: Option<&str>,
    now: DateTime<Utc>,
    organisation_id: i64,
    made_for: &MadeFor,
) -> Result<Exported> {
    audit::read(db, async |tx| {
        let data = Data::load(tx, organisation_id).await?;
        let out = data.write(sealer, now, made_for);
        let counts: Vec<String> = out
            .counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{} {n}", k.as_str()))
            .collect();
        // One operation with its counts (no content), and each person whose data left in it, so
        // that the person's access record names the export.
        let summary = format!(
            "organisation {organisation_id}; for {}; special category {}; {}",
            made_for.role.as_str(),
            if out.special_category {
                "included"
            } else {
                "left out"
            },
            counts.join(", ")
        );
        audit::record_as(
            tx,
            now,
            who,
            request_id,
            Event::on("exchange_exported", "exchange_file", summary),
        )
        .await?;
        let seen = data.persons.iter().map(|p| Seen {
            person_id: p.id,
            case_id: None,
        });
        if !data.persons.is_empty() {
            audit::record_seen_as(
                tx,
                now,
                who,
                request_id,
                Event::on("exchange_exported", "organisation", organisation_id),
                seen,
            )
            .await?;
        }
        Ok(out)
    })
    .await
}

/// Every row of one organisation's data.
struct Data {
    org: organisation::Model,
    /// Organisations of staff the cases name who work elsewhere now.
    other_orgs: Vec<organisation::Model>,
    municipalities: Vec<municipality::Model>,
    teams: Vec<team::Model>,
    staff: Vec<staff::Model>,
    roles: HashMap<i64, BTreeSet<String>>,
    places: HashMap<i64, BTreeSet<String>>,
    households: Vec<household::Model>,
    persons: Vec<person::Model>,
    consents: Vec<consent::Model>,
    releases: Vec<release::Model>,
    cases: Vec<case::Model>,
    members: HashMap<i64, Vec<i64>>,
    assignments: HashMap<i64, Vec<case_assignment::Model>>,
    pauses: HashMap<i64, Vec<case_pause::Model>>,
    goals: Vec<goal::Model>,
    steps: Vec<step::Model>,
    reviews: Vec<review::Model>,
    contacts: Vec<contact::Model>,
    present: HashMap<i64, Vec<i64>>,
    outcomes: Vec<outcome::Model>,
    referrals: Vec<referral::Model>,
    /// Field-of-action key → the format's field.
    fields: HashMap<String, String>,
    /// The administrator's intake values, each reported under its fixed value.
    intake: IntakeCatalog,
    /// (kind, our id) → (the file's id, unknown fields kept).
    mapping: HashMap<(Kind, String), (String, Option<String>)>,
    /// The file ids in use per kind (our own ids must not collide with them).
    taken: HashMap<Kind, HashSet<String>>,
}

/// Rows whose `column` is one of `ids`, read in slices (SQLite binds at most 32,766 values).
async fn rows_in<E, C>(conn: &C, column: E::Column, ids: &[i64]) -> Result<Vec<E::Model>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut out = Vec::new();
    for chunk in ids.chunks(10_000) {
        out.extend(
            E::find()
                .filter(column.is_in(chunk.iter().copied()))
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> i64) -> HashMap<i64, Vec<T>> {
    let mut m: HashMap<i64, Vec<T>> = HashMap::new();
    for r in rows {
        m.entry(key(&r)).or_default().push(r);
    }
    m
}

impl Data {
    async fn load<C: ConnectionTrait>(tx: &C, organisation_id: i64) -> Result<Self> {
        let org = organisation::Entity::find_by_id(organisation_id)
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        let mut cases = case::Entity::find()
            .filter(case::Column::OrganisationId.eq(organisation_id))
            .all(tx)
            .await?;
        cases.sort_by_key(|c| c.id);
        let case_ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
        let case_members: Vec<case_person::Model> =
            rows_in::<case_person::Entity, _>(tx, case_person::Column::CaseId, &case_ids).await?;
        let mut assignments =
            rows_in::<case_assignment::Entity, _>(tx, case_assignment::Column::CaseId, &case_ids)
                .await?;
        assignments.sort_by_key(|a| (a.from_date, a.id));
        let mut pauses =
            rows_in::<case_pause::Entity, _>(tx, case_pause::Column::CaseId, &case_ids).await?;
        pauses.sort_by_key(|p| (p.from_date, p.id));
        let mut goals = rows_in::<goal::Entity, _>(tx, goal::Column::CaseId, &case_ids).await?;
        goals.sort_by_key(|g| g.id);
        let mut steps = rows_in::<step::Entity, _>(tx, step::Column::CaseId, &case_ids).await?;
        steps.sort_by_key(|s| s.id);
        let mut reviews =
            rows_in::<review::Entity, _>(tx, review::Column::CaseId, &case_ids).await?;
        reviews.sort_by_key(|r| r.id);
        let mut contacts =
            rows_in::<contact::Entity, _>(tx, contact::Column::CaseId, &case_ids).await?;
        contacts.sort_by_key(|c| c.id);
        let contact_ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
        let present_rows = rows_in::<contact_person::Entity, _>(
            tx,
            contact_person::Column::ContactId,
            &contact_ids,
        )
        .await?;
        let mut referrals =
            rows_in::<referral::Entity, _>(tx, referral::Column::CaseId, &case_ids).await?;
        referrals.sort_by_key(|r| r.id);

        // Everyone the casework names.
        let mut person_ids: BTreeSet<i64> = case_members.iter().map(|m| m.person_id).collect();
        person_ids.extend(present_rows.iter().map(|p| p.person_id));
        person_ids.extend(goals.iter().filter_map(|g| g.person_id));
        person_ids.extend(referrals.iter().filter_map(|r| r.person_id));
        let person_ids: Vec<i64> = person_ids.into_iter().collect();
        let mut persons = rows_in::<person::Entity, _>(tx, person::Column::Id, &person_ids).await?;
        persons.sort_by_key(|p| p.id);
        let household_ids: Vec<i64> = persons
            .iter()
            .filter_map(|p| p.household_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut households =
            rows_in::<household::Entity, _>(tx, household::Column::Id, &household_ids).await?;
        households.sort_by_key(|h| h.id);
        let mut consents =
            rows_in::<consent::Entity, _>(tx, consent::Column::PersonId, &person_ids).await?;
        consents.sort_by_key(|c| c.id);
        let mut releases =
            rows_in::<release::Entity, _>(tx, release::Column::PersonId, &person_ids).await?;
        releases.sort_by_key(|r| r.id);
        let mut outcomes =
            rows_in::<outcome::Entity, _>(tx, outcome::Column::PersonId, &person_ids).await?;
        outcomes.sort_by_key(|o| o.id);

        // The organisation's staff, and whoever else its cases were assigned to.
        let mut staff_ids: BTreeSet<i64> = staff::Entity::find()
            .filter(staff::Column::OrganisationId.eq(organisation_id))
            .all(tx)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        staff_ids.extend(cases.iter().map(|c| c.assigned_to));
        staff_ids.extend(assignments.iter().map(|a| a.staff_id));
        let staff_ids: Vec<i64> = staff_ids.into_iter().collect();
        let mut staff = rows_in::<staff::Entity, _>(tx, staff::Column::Id, &staff_ids).await?;
        staff.sort_by_key(|s| s.id);
        let mut roles: HashMap<i64, BTreeSet<String>> = HashMap::new();
        for r in
            rows_in::<staff_role::Entity, _>(tx, staff_role::Column::StaffId, &staff_ids).await?
        {
            roles.entry(r.staff_id).or_default().insert(r.role);
        }
        let mut places: HashMap<i64, BTreeSet<String>> = HashMap::new();
        for m in rows_in::<staff_municipality::Entity, _>(
            tx,
            staff_municipality::Column::StaffId,
            &staff_ids,
        )
        .await?
        {
            places.entry(m.staff_id).or_default().insert(m.ags);
        }
        let other_org_ids: Vec<i64> = staff
            .iter()
            .map(|s| s.organisation_id)
            .filter(|o| *o != organisation_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut other_orgs =
            rows_in::<organisation::Entity, _>(tx, organisation::Column::Id, &other_org_ids)
                .await?;
        other_orgs.sort_by_key(|o| o.id);
        let mut teams = team::Entity::find()
            .filter(team::Column::OrganisationId.eq(organisation_id))
            .all(tx)
            .await?;
        teams.sort_by_key(|t| t.id);

        // Every municipality named.
        let mut ags: BTreeSet<String> = BTreeSet::new();
        ags.extend(org.municipality_ags.clone());
        ags.extend(other_orgs.iter().filter_map(|o| o.municipality_ags.clone()));
        ags.extend(places.values().flatten().cloned());
        ags.extend(households.iter().map(|h| h.municipality_ags.clone()));
        ags.extend(cases.iter().map(|c| c.municipality_ags.clone()));
        let municipalities = municipality::Entity::find()
            .filter(municipality::Column::Ags.is_in(ags))
            .order_by_asc(municipality::Column::Ags)
            .all(tx)
            .await?;

        let fields = field_of_action::Entity::find()
            .all(tx)
            .await?
            .into_iter()
            .map(|f| (f.key, f.exchange_field))
            .collect();
        let intake = IntakeCatalog::load(tx).await?;
        let mut mapping = HashMap::new();
        let mut taken: HashMap<Kind, HashSet<String>> = HashMap::new();
        for m in exchange_id::Entity::find().all(tx).await? {
            let Some(kind) = Kind::parse(&m.kind) else {
                continue;
            };
            taken.entry(kind).or_default().insert(m.external_id.clone());
            mapping.insert((kind, m.local_id), (m.external_id, m.extra));
        }
        Ok(Self {
            org,
            other_orgs,
            municipalities,
            teams,
            staff,
            roles,
            places,
            households,
            persons,
            consents,
            releases,
            members: group(case_members, |m| m.case_id)
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|m| m.person_id).collect()))
                .collect(),
            assignments: group(assignments, |a| a.case_id),
            pauses: group(pauses, |p| p.case_id),
            cases,
            goals,
            steps,
            reviews,
            contacts,
            present: group(present_rows, |p| p.contact_id)
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|p| p.person_id).collect()))
                .collect(),
            outcomes,
            referrals,
            fields,
            intake,
            mapping,
            taken,
        })
    }

    /// The file's id of our row: the id of the file it came from, else our own.
    fn id(&self, kind: Kind, local: i64) -> String {
        if let Some((ext, _)) = self.mapping.get(&(kind, local.to_string())) {
            return ext.clone();
        }
        let own = format!("ankommen-{}-{local}", kind.as_str());
        if self.taken.get(&kind).is_some_and(|t| t.contains(&own)) {
            format!("{own}-local")
        } else {
            own
        }
    }

    /// The fields the file an object came from held beyond the format (kept, written back).
    fn extra(&self, kind: Kind, local: &str) -> Map<String, Value> {
        self.mapping
            .get(&(kind, local.to_string()))
            .and_then(|(_, e)| e.as_deref())
            .and_then(|e| serde_json::from_str::<Map<String, Value>>(e).ok())
            .unwrap_or_default()
    }

    fn field(&self, key: &str) -> String {
        self.fields
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn write(&self, sealer: &Sealer, now: DateTime<Utc>, made_for: &MadeFor) -> Exported {
        let mut w = Writer {
            lines: Vec::new(),
            counts: BTreeMap::new(),
            special: made_for.special_category(),
            sealer,
            unreadable: 0,
            left_out: BTreeMap::new(),
        };
        self.county(&mut w);
        self.clients(&mut w);
        self.casework(&mut w);
        let mut special = Map::new();
        special.insert("included".into(), json!(w.special));
        special.insert("fields".into(), json!(SPECIAL_FIELDS));
        if !w.special {
            special.insert("placeholder".into(), json!(WITHHELD));
        }
        let mut header = Map::new();
        header.insert("kind".into(), json!("meta"));
        header.insert("format".into(), json!("ankommen-exchange"));
        header.insert("version".into(), json!(1));
        header.insert(
            "exported_at".into(),
            json!(now.to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
        header.insert("source".into(), json!("ankommen"));
        header.insert(
            "organisation".into(),
            json!(self.id(Kind::Organisation, self.org.id)),
        );
        header.insert(
            "made_for".into(),
            json!({"role": made_for.role.as_str(), "purpose": made_for.purpose}),
        );
        header.insert("special_category".into(), Value::Object(special));
        if !w.left_out.is_empty() {
            header.insert("not_in_format".into(), json!(w.left_out));
        }
        if w.unreadable > 0 {
            header.insert("unreadable_texts".into(), json!(w.unreadable));
        }
        let mut bytes = Vec::new();
        for line in std::iter::once(Value::Object(header)).chain(w.lines) {
            bytes.extend(line.to_string().as_bytes());
            bytes.push(b'\n');
        }
        Exported {
            bytes,
            counts: Kind::ALL
                .iter()
                .map(|k| (*k, w.counts.get(k).copied().unwrap_or_default()))
                .collect(),
            special_category: w.special,
            organisation: self.id(Kind::Organisation, self.org.id),
        }
    }

    fn county(&self, w: &mut Writer<'_>) {
        for m in &self.municipalities {
            let mut o = w.object(
                Kind::Municipality,
                m.ags.clone(),
                self.extra(Kind::Municipality, &m.ags),
            );
            o.insert("name".into(), json!(m.name));
            w.push(Kind::Municipality, o);
        }
        for org in std::iter::once(&self.org).chain(&self.other_orgs) {
            let mut o = w.object(
                Kind::Organisation,
                self.id(Kind::Organisation, org.id),
                self.extra(Kind::Organisation, &org.id.to_string()),
            );
            o.insert("name".into(), json!(org.name));
            o.insert("type".into(), json!(org.kind));
            opt(&mut o, "municipality", org.municipality_ags.as_ref());
            w.push(Kind::Organisation, o);
        }
        let own_teams: HashSet<i64> = self.teams.iter().map(|t| t.id).collect();
        for t in &self.teams {
            let mut o = w.object(
                Kind::Team,
                self.id(Kind::Team, t.id),
                self.extra(Kind::Team, &t.id.to_string()),
            );
            o.insert(
                "organisation".into(),
                json!(self.id(Kind::Organisation, t.organisation_id)),
            );
            o.insert("name".into(), json!(t.name));
            w.push(Kind::Team, o);
        }
        for s in &self.staff {
            let mut o = w.object(
                Kind::Staff,
                self.id(Kind::Staff, s.id),
                self.extra(Kind::Staff, &s.id.to_string()),
            );
            o.insert(
                "organisation".into(),
                json!(self.id(Kind::Organisation, s.organisation_id)),
            );
            // A team of another organisation is not in the file.
            if let Some(t) = s.team_id.filter(|t| own_teams.contains(t)) {
                o.insert("team".into(), json!(self.id(Kind::Team, t)));
            }
            o.insert("display_name".into(), json!(s.display_name));
            let roles: Vec<&String> = self.roles.get(&s.id).into_iter().flatten().collect();
            o.insert("roles".into(), json!(roles));
            let places: Vec<&String> = self.places.get(&s.id).into_iter().flatten().collect();
            o.insert("municipalities".into(), json!(places));
            opt(&mut o, "fte", s.fte);
            w.push(Kind::Staff, o);
        }
    }

    fn clients(&self, w: &mut Writer<'_>) {
        for h in &self.households {
            let mut o = w.object(
                Kind::Household,
                self.id(Kind::Household, h.id),
                self.extra(Kind::Household, &h.id.to_string()),
            );
            o.insert("municipality".into(), json!(h.municipality_ags));
            w.push(Kind::Household, o);
        }
        for p in &self.persons {
            // A person's unknown fields are kept with the person (`persons.extra`).
            let extra = p
                .extra
                .as_deref()
                .and_then(|e| serde_json::from_str::<Map<String, Value>>(e).ok())
                .unwrap_or_default();
            let mut o = w.object(Kind::Person, self.id(Kind::Person, p.id), extra);
            if let Some(h) = p.household_id {
                o.insert("household".into(), json!(self.id(Kind::Household, h)));
            }
            opt(&mut o, "relation", p.relation.as_ref());
            o.insert("given_name".into(), json!(p.given_name));
            o.insert("family_name".into(), json!(p.family_name));
            opt(&mut o, "name_original", p.name_original.as_ref());
            match p.birth_date {
                Some(d) => o.insert("birth_date".into(), json!(d)),
                None => o.insert("birth_year".into(), json!(p.birth_year)),
            };
            opt(&mut o, "sex", p.sex.as_ref());
            opt(&mut o, "nationality", p.nationality.as_ref());
            if let Some(l) = p
                .languages
                .as_deref()
                .and_then(|l| serde_json::from_str::<Value>(l).ok())
            {
                o.insert("languages".into(), l);
            }
            opt(&mut o, "german_level", p.german_level.as_ref());
            opt(&mut o, "school", p.school.as_ref());
            opt(&mut o, "vocational", p.vocational.as_ref());
            opt(&mut o, "profession", p.profession.as_ref());
            opt(&mut o, "interests", p.interests.as_ref());
            if let Some(status) = &p.residence_status {
                let mut r = Map::new();
                r.insert(
                    "status".into(),
                    json!(
                        self.intake
                            .exchange_value(IntakeList::ResidenceStatus, status)
                    ),
                );
                opt(&mut r, "valid_until", p.residence_valid_until);
                // An extension of the format (docs/exchange-extensions.md).
                opt(&mut r, "basis", p.residence_basis.as_ref());
                o.insert("residence".into(), Value::Object(r));
            }
            opt(&mut o, "au_move_in", p.au_move_in);
            o.insert("target_group".into(), json!(p.target_group));
            // What the model holds beyond the format travels as fields of the producer (an
            // importer keeps them as extra data); the health needs do not (see the header).
            opt(&mut o, "german_certificate", p.german_certificate.as_ref());
            opt(&mut o, "work_experience", p.work_experience.as_ref());
            opt(&mut o, "housing", p.housing.as_ref());
            let benefits = p.benefits.as_deref().map(|b| {
                b.split(',')
                    .map(|k| self.intake.exchange_value(IntakeList::Benefit, k))
                    .collect::<Vec<_>>()
                    .join(",")
            });
            opt(&mut o, "benefits", benefits.as_ref());
            opt(&mut o, "entry_date", p.entry_date);
            let insurance = p
                .health_insurance
                .as_deref()
                .map(|h| self.intake.exchange_value(IntakeList::HealthInsurance, h));
            opt(&mut o, "health_insurance", insurance.as_ref());
            opt(&mut o, "health_insurer", p.health_insurer.as_ref());
            opt(&mut o, "phone", p.phone.as_ref());
            opt(&mut o, "email", p.email.as_ref());
            opt(&mut o, "address", p.address.as_ref());
            opt(
                &mut o,
                "interpreter_language",
                p.interpreter_language.as_ref(),
            );
            if p.health_sealed.is_some() {
                w.left_out("person.health_needs");
            }
            w.push(Kind::Person, o);
        }
        for c in &self.consents {
            let mut o = w.object(
                Kind::Consent,
                self.id(Kind::Consent, c.id),
                self.extra(Kind::Consent, &c.id.to_string()),
            );
            o.insert("person".into(), json!(self.id(Kind::Person, c.person_id)));
            o.insert("text_version".into(), json!(c.text_version));
            o.insert("language".into(), json!(c.language));
            o.insert("given_on".into(), json!(c.given_on));
            o.insert("form".into(), json!(c.form));
            opt(&mut o, "withdrawn_on", c.withdrawn_on);
            if c.document_id.is_some() {
                w.left_out("consent.scan");
            }
            w.push(Kind::Consent, o);
        }
        for r in &self.releases {
            let mut o = w.object(
                Kind::Release,
                self.id(Kind::Release, r.id),
                self.extra(Kind::Release, &r.id.to_string()),
            );
            o.insert("person".into(), json!(self.id(Kind::Person, r.person_id)));
            let mut recipient = Map::new();
            recipient.insert("name".into(), json!(r.recipient_name));
            opt(&mut recipient, "category", r.recipient_category.as_ref());
            o.insert("recipient".into(), Value::Object(recipient));
            let categories: Vec<&str> = r
                .data_categories
                .split(',')
                .filter(|c| !c.is_empty())
                .collect();
            o.insert("data_categories".into(), json!(categories));
            o.insert("purpose".into(), json!(r.purpose));
            o.insert("valid_from".into(), json!(r.valid_from));
            opt(&mut o, "valid_until", r.valid_until);
            o.insert("mutual".into(), json!(r.mutual));
            opt(&mut o, "revoked_on", r.revoked_on);
            w.push(Kind::Release, o);
        }
    }

    fn casework(&self, w: &mut Writer<'_>) {
        for c in &self.cases {
            let mut o = w.object(
                Kind::Case,
                self.id(Kind::Case, c.id),
                self.extra(Kind::Case, &c.id.to_string()),
            );
            o.insert(
                "organisation".into(),
                json!(self.id(Kind::Organisation, c.organisation_id)),
            );
            o.insert("municipality".into(), json!(c.municipality_ags));
            o.insert(
                "assigned_to".into(),
                json!(self.id(Kind::Staff, c.assigned_to)),
            );
            let mut persons: Vec<String> = self
                .members
                .get(&c.id)
                .into_iter()
                .flatten()
                .map(|p| self.id(Kind::Person, *p))
                .collect();
            persons.sort();
            o.insert("persons".into(), json!(persons));
            let held: Vec<Value> = match self.assignments.get(&c.id) {
                Some(a) if !a.is_empty() => a
                    .iter()
                    .map(
                        |a| json!({"staff": self.id(Kind::Staff, a.staff_id), "from": a.from_date}),
                    )
                    .collect(),
                // No history kept: the IM of today held it from the start (as the format reads
                // an absent list).
                _ => {
                    vec![json!({"staff": self.id(Kind::Staff, c.assigned_to), "from": c.opened_on})]
                }
            };
            o.insert("assignments".into(), Value::Array(held));
            o.insert("opened_on".into(), json!(c.opened_on));
            o.insert("status".into(), json!(c.status));
            if let Some(p) = self.pauses.get(&c.id).filter(|p| !p.is_empty()) {
                let pauses: Vec<Value> = p
                    .iter()
                    .map(|p| {
                        let mut m = Map::new();
                        m.insert("from".into(), json!(p.from_date));
                        opt(&mut m, "until", p.until_date);
                        Value::Object(m)
                    })
                    .collect();
                o.insert("pauses".into(), Value::Array(pauses));
            }
            opt(&mut o, "extended_until", c.extended_until);
            let version = c.version;
            w.special_opt(
                &mut o,
                "extension_reason",
                c.extension_reason_sealed.as_deref().map(|b| {
                    sealed::open(w.sealer, CASE_EXTENSION_REASON.at_version(c.id, version), b)
                }),
            );
            opt(&mut o, "closed_on", c.closed_on);
            opt(&mut o, "closure_reason", c.closure_reason.as_ref());
            w.special_opt(
                &mut o,
                "closure_note",
                c.closure_note_sealed.as_deref().map(|b| {
                    sealed::open(w.sealer, CASE_CLOSURE_NOTE.at_version(c.id, version), b)
                }),
            );
            if c.eligibility_note_sealed.is_some() {
                w.left_out("case.eligibility_note");
            }
            if c.handover_note_sealed.is_some() {
                w.left_out("case.handover_note");
            }
            w.push(Kind::Case, o);
        }
        for g in &self.goals {
            let mut o = w.object(
                Kind::Goal,
                self.id(Kind::Goal, g.id),
                self.extra(Kind::Goal, &g.id.to_string()),
            );
            o.insert("case".into(), json!(self.id(Kind::Case, g.case_id)));
            if let Some(p) = g.person_id {
                o.insert("person".into(), json!(self.id(Kind::Person, p)));
            }
            o.insert("field".into(), json!(self.field(&g.field_key)));
            let text = sealed::open(
                w.sealer,
                GOAL_TEXT.at_version(g.id, g.version),
                &g.text_sealed,
            );
            w.special_req(&mut o, "text", text);
            opt(&mut o, "priority", g.priority);
            opt(&mut o, "target_date", g.target_date);
            o.insert("status".into(), json!(g.status));
            w.special_opt(
                &mut o,
                "status_reason",
                g.status_reason_sealed.as_deref().map(|b| {
                    sealed::open(w.sealer, GOAL_STATUS_REASON.at_version(g.id, g.version), b)
                }),
            );
            o.insert("created_on".into(), json!(g.created_on));
            opt(&mut o, "closed_on", g.closed_on);
            w.push(Kind::Goal, o);
        }
        for s in &self.steps {
            let mut o = w.object(
                Kind::Step,
                self.id(Kind::Step, s.id),
                self.extra(Kind::Step, &s.id.to_string()),
            );
            o.insert("goal".into(), json!(self.id(Kind::Goal, s.goal_id)));
            let text = sealed::open(
                w.sealer,
                STEP_TEXT.at_version(s.id, s.version),
                &s.text_sealed,
            );
            w.special_req(&mut o, "text", text);
            o.insert("owner".into(), json!(s.owner));
            opt(&mut o, "third_party", s.third_party.as_ref());
            opt(&mut o, "due_on", s.due_on);
            opt(&mut o, "done_on", s.done_on);
            w.push(Kind::Step, o);
        }
        for r in &self.reviews {
            let mut o = w.object(
                Kind::Review,
                self.id(Kind::Review, r.id),
                self.extra(Kind::Review, &r.id.to_string()),
            );
            o.insert("case".into(), json!(self.id(Kind::Case, r.case_id)));
            o.insert("held_on".into(), json!(r.held_on));
            opt(&mut o, "participants", r.participants.as_ref());
            w.special_opt(
                &mut o,
                "summary",
                r.summary_sealed
                    .as_deref()
                    .map(|b| sealed::open(w.sealer, REVIEW_SUMMARY.at(r.id), b)),
            );
            if r.changes_sealed.is_some() {
                w.left_out("review.changes");
            }
            w.push(Kind::Review, o);
        }
        for c in &self.contacts {
            let mut o = w.object(
                Kind::Contact,
                self.id(Kind::Contact, c.id),
                self.extra(Kind::Contact, &c.id.to_string()),
            );
            o.insert("case".into(), json!(self.id(Kind::Case, c.case_id)));
            let mut persons: Vec<String> = self
                .present
                .get(&c.id)
                .into_iter()
                .flatten()
                .map(|p| self.id(Kind::Person, *p))
                .collect();
            persons.sort();
            o.insert("persons".into(), json!(persons));
            o.insert("date".into(), json!(c.contact_date));
            opt(&mut o, "minutes", c.minutes);
            o.insert("contact_kind".into(), json!(c.contact_kind));
            let topics: Vec<String> = c
                .topics
                .split(',')
                .filter(|t| !t.is_empty())
                .map(|t| self.field(t))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            o.insert("topics".into(), json!(topics));
            if let (Some(l), Some(t)) = (&c.interpreter_language, &c.interpreter_type) {
                o.insert("interpreter".into(), json!({"language": l, "type": t}));
            }
            w.special_opt(
                &mut o,
                "note",
                c.note_sealed
                    .as_deref()
                    .map(|b| sealed::open(w.sealer, CONTACT_NOTE.at_version(c.id, c.version), b)),
            );
            w.push(Kind::Contact, o);
        }
        for x in &self.outcomes {
            if !exchange_outcome(&x.outcome_type) {
                w.left_out(&format!("outcome.{}", x.outcome_type));
                continue;
            }
            let mut o = w.object(
                Kind::Outcome,
                self.id(Kind::Outcome, x.id),
                self.extra(Kind::Outcome, &x.id.to_string()),
            );
            o.insert("person".into(), json!(self.id(Kind::Person, x.person_id)));
            o.insert("date".into(), json!(x.outcome_date));
            o.insert("type".into(), json!(x.outcome_type));
            match x.outcome_type.as_str() {
                "german_level" => {
                    opt(&mut o, "level", x.level.as_ref());
                    o.insert("certificate".into(), json!(x.certificate.unwrap_or(false)));
                    opt(&mut o, "course", x.course.as_ref());
                }
                "employment" => {
                    opt(&mut o, "employment_type", x.employment_type.as_ref());
                    opt(&mut o, "until", x.until_date);
                }
                "training" | "internship" | "studies" => opt(&mut o, "until", x.until_date),
                "childcare_school" => opt(&mut o, "place", x.place.as_ref()),
                _ => {}
            }
            w.push(Kind::Outcome, o);
        }
        for r in &self.referrals {
            let mut o = w.object(
                Kind::Referral,
                self.id(Kind::Referral, r.id),
                self.extra(Kind::Referral, &r.id.to_string()),
            );
            o.insert("case".into(), json!(self.id(Kind::Case, r.case_id)));
            if let Some(p) = r.person_id {
                o.insert("person".into(), json!(self.id(Kind::Person, p)));
            }
            let mut service = Map::new();
            service.insert("name".into(), json!(r.service_name));
            opt(&mut service, "category", r.service_category.as_ref());
            o.insert("service".into(), Value::Object(service));
            o.insert("date".into(), json!(r.referral_date));
            w.special_opt(
                &mut o,
                "reason",
                r.reason_sealed.as_deref().map(|b| {
                    sealed::open(w.sealer, REFERRAL_REASON.at_version(r.id, r.version), b)
                }),
            );
            opt(&mut o, "result", r.result.as_ref());
            opt(&mut o, "result_on", r.result_on);
            w.push(Kind::Referral, o);
        }
    }
}

/// The outcome types the format knows (course attendance is ours alone).
fn exchange_outcome(t: &str) -> bool {
    matches!(
        t,
        "german_level"
            | "employment"
            | "training"
            | "internship"
            | "studies"
            | "rental_contract"
            | "benefits_independent"
            | "childcare_school"
    )
}

fn opt<T: serde::Serialize>(o: &mut Map<String, Value>, key: &str, v: Option<T>) {
    if let Some(v) = v {
        o.insert(key.into(), json!(v));
    }
}

struct Writer<'a> {
    lines: Vec<Value>,
    counts: BTreeMap<Kind, usize>,
    special: bool,
    sealer: &'a Sealer,
    unreadable: usize,
    /// What the model holds beyond the format, counted (named in the header).
    left_out: BTreeMap<String, usize>,
}

impl Writer<'_> {
    /// A new object: the fields an imported file held beyond the format first, then ours (ours
    /// win; `kind` and `id` are always ours).
    fn object(&self, kind: Kind, id: String, extra: Map<String, Value>) -> Map<String, Value> {
        let mut o = extra;
        o.insert("kind".into(), json!(kind.as_str()));
        o.insert("id".into(), json!(id));
        o
    }

    fn push(&mut self, kind: Kind, o: Map<String, Value>) {
        *self.counts.entry(kind).or_default() += 1;
        self.lines.push(Value::Object(o));
    }

    fn left_out(&mut self, what: &str) {
        *self.left_out.entry(what.to_string()).or_default() += 1;
    }

    /// An optional special-category text: written only when the export is for an entitled role.
    fn special_opt(&mut self, o: &mut Map<String, Value>, key: &str, v: Option<Opened>) {
        if !self.special {
            o.remove(key);
            return;
        }
        match v {
            Some(Opened::Text(t)) => {
                o.insert(key.into(), json!(t));
            }
            Some(Opened::Unreadable) => {
                self.unreadable += 1;
                o.insert(key.into(), json!(UNREADABLE));
            }
            None => {}
        }
    }

    /// A required special-category text: the placeholder when the export leaves it out.
    fn special_req(&mut self, o: &mut Map<String, Value>, key: &str, v: Opened) {
        let text = match v {
            _ if !self.special => WITHHELD.to_string(),
            Opened::Text(t) => t,
            Opened::Unreadable => {
                self.unreadable += 1;
                UNREADABLE.to_string()
            }
        };
        o.insert(key.into(), json!(text));
    }
}

/// The date of an export as a file name part.
pub fn file_name(organisation: &str, day: NaiveDate) -> String {
    format!("ankommen-export-{organisation}-{day}.jsonl")
}
