//! Consent (GDPR): recording it with its text version, language and form, the signed scan, and
//! withdrawal; and [`Coverage`], the one rule of what a missing or withdrawn consent hides. Without
//! an active consent only the minimum data of a person may be processed (decision 0012). Every
//! stored scan (of a consent or a signed plan) is sealed here.

use std::collections::BTreeMap;

use ankommen_store::Db;
use ankommen_store::entities::{case_person, consent, document, person};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};

use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::ConsentForm;
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, DOCUMENT_CONTENT, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{parse_date, parse_text};
use crate::{Ctx, Error, FieldErrors, Result};

/// The largest scan accepted (a few pages scanned at 300 dpi).
pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsentState {
    /// No consent was ever recorded.
    None,
    Active(consent::Model),
    /// The last consent was withdrawn and none is active.
    Withdrawn(consent::Model),
}

impl ConsentState {
    pub fn is_active(&self) -> bool {
        matches!(self, ConsentState::Active(_))
    }
}

/// The kinds of a person's data, as far as consent decides whether they may be processed (shown,
/// copied, printed, changed, passed on). Every place that reads a person's data names the kind it
/// reads and asks [`Coverage::covers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Data {
    /// The minimum data: names, birth, municipality, the move into follow-up housing, the target
    /// group, the household and the relation in it; and the case's own administration (number,
    /// status, IM, the 3-year clock, pauses, closure reason), its contacts and follow-ups.
    Minimum,
    /// The consents and releases themselves: proof of what the person agreed to and when.
    Proof,
    /// The voluntary intake data: sex, nationality, languages and their levels, German level and
    /// certificate, school, vocational training, work experience, profession, interests, residence
    /// status, its expiry and a permit's legal basis, the date of entry into Germany, housing,
    /// benefits, health insurance and insurer (not health data: how care is paid for), phone,
    /// e-mail, address, interpreter language.
    Intake,
    /// The health needs (a special category, Art. 9 GDPR).
    Health,
    /// Outcomes (German level reached, work, rental contract, ...).
    Outcomes,
    /// The integration plan: goals, steps, reviews, frozen versions, the print and the signed scans.
    Plan,
    /// Passing data on under a release, reminders of a release's expiry, and recording a release.
    Sharing,
    /// The documents a client brings (letters, decisions, certificates), their titles and notes.
    Documents,
}

impl Data {
    pub const ALL: [Data; 8] = [
        Data::Minimum,
        Data::Proof,
        Data::Intake,
        Data::Health,
        Data::Outcomes,
        Data::Plan,
        Data::Sharing,
        Data::Documents,
    ];
}

/// What a person's consent situation on a day allows: computed once per person, asked for every
/// kind of data read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coverage {
    active: bool,
}

impl Coverage {
    pub fn of(state: &ConsentState) -> Self {
        Self {
            active: state.is_active(),
        }
    }

    /// No consent (or a withdrawn one): only the minimum and the proof.
    pub const NONE: Coverage = Coverage { active: false };

    /// The rule: the minimum data and the records of consents and releases are always processed;
    /// everything else only while a consent is active. A withdrawn consent hides from the day of
    /// the withdrawal on; the data stays stored until the retention run deletes it.
    pub fn covers(self, data: Data) -> bool {
        match data {
            Data::Minimum | Data::Proof => true,
            Data::Intake
            | Data::Health
            | Data::Outcomes
            | Data::Plan
            | Data::Sharing
            | Data::Documents => self.active,
        }
    }

    /// The refusal of a change or a disclosure that the consent does not cover.
    pub fn require(self, data: Data) -> Result<()> {
        if self.covers(data) {
            Ok(())
        } else if data == Data::Plan {
            Err(Error::Conflict("error-plan-no-consent"))
        } else {
            Err(Error::Conflict("error-no-consent"))
        }
    }
}

/// Does a person's consent situation cover processing `data`? See [`Coverage::covers`].
pub fn covers(state: &ConsentState, data: Data) -> bool {
    Coverage::of(state).covers(data)
}

/// A person's coverage on a day.
pub async fn coverage<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    on: NaiveDate,
) -> Result<Coverage> {
    Ok(Coverage::of(&state(conn, person_id, on).await?))
}

/// Refuses unless the person's consent covers `data` on `on` (`Conflict("error-no-consent")`).
pub async fn require<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    data: Data,
    on: NaiveDate,
) -> Result<()> {
    coverage(conn, person_id, on).await?.require(data)
}

/// The coverage of several persons on a day, in one query. Persons without any consent are
/// included (with [`Coverage::NONE`]).
pub async fn coverages<C: ConnectionTrait>(
    conn: &C,
    person_ids: impl IntoIterator<Item = i64>,
    on: NaiveDate,
) -> Result<BTreeMap<i64, Coverage>> {
    let ids: Vec<i64> = person_ids.into_iter().collect();
    let mut by_person: BTreeMap<i64, Vec<consent::Model>> =
        ids.iter().map(|id| (*id, Vec::new())).collect();
    if !ids.is_empty() {
        let backend = conn.get_database_backend();
        for c in consent::Entity::find()
            .filter(crate::kernel::query::one_of(
                backend,
                consent::Column::PersonId,
                ids.iter().copied(),
            ))
            .all(conn)
            .await?
        {
            by_person.entry(c.person_id).or_default().push(c);
        }
    }
    Ok(by_person
        .into_iter()
        .map(|(id, all)| (id, Coverage::of(&state_of(all, on))))
        .collect())
}

/// The client of a case: its first person, who signs the integration plan. None for a case
/// without persons.
pub async fn client_of_case<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<Option<i64>> {
    Ok(case_person::Entity::find()
        .select_only()
        .column(case_person::Column::PersonId)
        .filter(case_person::Column::CaseId.eq(case_id))
        .order_by_asc(case_person::Column::PersonId)
        .into_tuple()
        .one(conn)
        .await?)
}

/// The coverage of a case's plan: the consent of the case's client (the first person, who signs
/// it). A case without persons covers nothing.
pub async fn plan_coverage<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    on: NaiveDate,
) -> Result<Coverage> {
    match client_of_case(conn, case_id).await? {
        Some(p) => coverage(conn, p, on).await,
        None => Ok(Coverage::NONE),
    }
}

pub(crate) async fn list<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
) -> Result<Vec<consent::Model>> {
    Ok(consent::Entity::find()
        .filter(consent::Column::PersonId.eq(person_id))
        .order_by_desc(consent::Column::GivenOn)
        .order_by_desc(consent::Column::Id)
        .all(conn)
        .await?)
}

/// The consent situation of a person on a day.
pub async fn state<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    on: NaiveDate,
) -> Result<ConsentState> {
    Ok(state_of(list(conn, person_id).await?, on))
}

/// The consent situation on a day from a person's consents (any order; others' are ignored by
/// the caller).
pub fn state_of(mut all: Vec<consent::Model>, on: NaiveDate) -> ConsentState {
    // Newest first, as `list` returns them.
    all.sort_by_key(|c| std::cmp::Reverse((c.given_on, c.id)));
    if let Some(c) = all
        .iter()
        .find(|c| c.given_on <= on && c.withdrawn_on.is_none_or(|w| w > on))
    {
        return ConsentState::Active(c.clone());
    }
    match all.into_iter().find(|c| c.withdrawn_on.is_some()) {
        Some(c) => ConsentState::Withdrawn(c),
        None => ConsentState::None,
    }
}

/// An uploaded file as received.
#[derive(Clone, Debug)]
pub struct Upload {
    pub bytes: Vec<u8>,
}

/// The type of a scan, judged by its content (never by its name or the browser's claim).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

pub(crate) fn check_scan(u: &Upload) -> std::result::Result<&'static str, &'static str> {
    if u.bytes.is_empty() {
        return Err("error-required");
    }
    if u.bytes.len() > MAX_SCAN_BYTES {
        return Err("error-scan-too-large");
    }
    sniff(&u.bytes).ok_or("error-scan-type")
}

#[derive(Clone, Debug)]
pub struct ConsentInput {
    pub text_version: String,
    pub language: String,
    pub given_on: NaiveDate,
    pub form: ConsentForm,
    pub scan: Option<Upload>,
}

impl ConsentInput {
    pub fn parse(
        text_version: &str,
        language: &str,
        given_on: &str,
        form: &str,
        scan: Option<Upload>,
        today: NaiveDate,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let text_version = e.take(
            "text_version",
            parse_text(text_version, 40).and_then(|v| v.ok_or("error-required")),
        );
        let language = language.trim();
        if !crate::kernel::catalog::is_language(language) {
            e.add(
                "language",
                if language.is_empty() {
                    "error-required"
                } else {
                    "error-choice"
                },
            );
        }
        let given_on = e.take("given_on", parse_date(given_on));
        if let Some(d) = given_on
            && d > today
        {
            e.add("given_on", "error-date-future");
        }
        let form = e.take("form", ConsentForm::parse(form));
        if let Some(s) = &scan
            && let Err(k) = check_scan(s)
        {
            e.add("scan", k);
        }
        match (text_version, given_on, form) {
            (Some(text_version), Some(given_on), Some(form)) if e.is_empty() => Ok(Self {
                text_version,
                language: language.to_string(),
                given_on,
                form,
                scan,
            }),
            _ => Err(e),
        }
    }
}

/// Stores a scan of a person's (a consent, a signed plan: `kind`), sealed. Returns its id.
pub(crate) async fn store_scan<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sealing: &Sealing<'_>,
    person_id: i64,
    kind: &str,
    u: &Upload,
) -> Result<i64> {
    let content_type = check_scan(u).map_err(|k| Error::field("scan", k))?;
    let row = document::ActiveModel {
        id: NotSet,
        person_id: Set(person_id),
        kind: Set(kind.into()),
        content_type: Set(content_type.into()),
        size: Set(i64::try_from(u.bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(hex::encode(Sha256::digest(&u.bytes))),
        // Sealed for the row, so written once the row has its id.
        content_sealed: NotSet,
        created_at: Set(ctx.now()),
        created_by: Set(ctx.actor.staff_id),
    };
    let id = document::Entity::insert(row)
        .exec(conn)
        .await?
        .last_insert_id;
    document::Entity::update_many()
        .col_expr(
            document::Column::ContentSealed,
            Expr::value(sealing.seal_bytes(DOCUMENT_CONTENT.at(id), &u.bytes)?),
        )
        .filter(document::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(id)
}

/// The file name extension of a stored file's type (one of [`sniff`]'s).
pub(crate) fn extension(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    }
}

/// A stored scan for download. One that does not open is refused (a conflict), never sent.
pub(crate) fn download(sealer: &Sealer, d: document::Model, file_name: String) -> Result<Download> {
    Ok(Download {
        bytes: sealed::open_bytes(sealer, DOCUMENT_CONTENT.at(d.id), &d.content_sealed)?,
        content_type: d.content_type,
        file_name,
    })
}

/// Records a consent (with its scan, if any).
pub async fn record(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
    input: ConsentInput,
) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("consent_recorded", "person", person_id).section("consent");
    let (tx, _, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    let document_id = match &input.scan {
        Some(u) => {
            let sealing = Sealing::begin(&tx, sealer).await?;
            Some(store_scan(&tx, ctx, &sealing, person_id, "consent_scan", u).await?)
        }
        None => None,
    };
    let id = insert(&tx, ctx, person_id, &input, document_id).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes a consent row (the caller checked access and audits). Returns its id.
pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    person_id: i64,
    input: &ConsentInput,
    document_id: Option<i64>,
) -> Result<i64> {
    Ok(consent::Entity::insert(consent::ActiveModel {
        id: NotSet,
        person_id: Set(person_id),
        text_version: Set(input.text_version.clone()),
        language: Set(input.language.clone()),
        given_on: Set(input.given_on),
        form: Set(input.form.as_str().into()),
        document_id: Set(document_id),
        withdrawn_on: Set(None),
        withdrawal_note: Set(None),
        voluntary_erased_on: Set(None),
        external_id: Set(None),
        created_at: Set(ctx.now()),
        created_by: Set(ctx.actor.staff_id),
        version: Set(1),
    })
    .exec(conn)
    .await?
    .last_insert_id)
}

/// Loads a consent at the start of a transaction, with the person's access rules (a refusal is
/// audited and committed, see [`access::person_in`]).
async fn consent_for(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    consent_id: i64,
    action: Action,
    ev: &'static str,
) -> Result<(ankommen_store::Tx, consent::Model)> {
    let Some(c) = consent::Entity::find_by_id(consent_id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let e = Event::on(ev, "person", c.person_id).section("consent");
    let (tx, _, _) = access::person_in(tx, ctx, c.person_id, action, e).await?;
    Ok((tx, c))
}

/// Adds the signed scan to a consent recorded without one.
pub async fn attach_scan(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    consent_id: i64,
    u: Upload,
) -> Result<i64> {
    let tx = db.begin().await?;
    let (tx, c) = consent_for(
        tx,
        ctx,
        consent_id,
        Action::WriteClient,
        "consent_scan_added",
    )
    .await?;
    let sealing = Sealing::begin(&tx, sealer).await?;
    let doc = store_scan(&tx, ctx, &sealing, c.person_id, "consent_scan", &u).await?;
    consent::Entity::update_many()
        .col_expr(consent::Column::DocumentId, Expr::value(doc))
        .col_expr(consent::Column::Version, Expr::value(c.version + 1))
        .filter(consent::Column::Id.eq(consent_id))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        ctx,
        Event::on("consent_scan_added", "person", c.person_id).section("consent"),
    )
    .await?;
    tx.commit().await?;
    Ok(c.person_id)
}

/// Withdraws a consent. From that day the voluntary data is hidden and no longer processed; the
/// retention run erases it some time after (`casework::retention`, decision 0027). Possible under
/// a restriction of processing too (the right to withdraw holds at any time).
pub async fn withdraw(
    db: &Db,
    ctx: &Ctx,
    consent_id: i64,
    version: i32,
    on: &str,
    note: &str,
) -> Result<i64> {
    let today = ctx.today();
    let mut e = FieldErrors::new();
    let on = e.take("withdrawn_on", parse_date(on));
    let note = e.take("withdrawal_note", parse_text(note, 2000)).flatten();
    let tx = db.begin().await?;
    let (tx, c) = consent_for(
        tx,
        ctx,
        consent_id,
        Action::WithdrawConsent,
        "consent_withdrawn",
    )
    .await?;
    if let Some(d) = on {
        if d > today {
            e.add("withdrawn_on", "error-date-future");
        } else if d < c.given_on {
            e.add("withdrawn_on", "error-before-consent");
        }
    }
    if c.withdrawn_on.is_some() {
        return Err(Error::Conflict("error-already-withdrawn"));
    }
    e.into_result()?;
    let res = consent::Entity::update_many()
        .col_expr(consent::Column::WithdrawnOn, Expr::value(on))
        .col_expr(consent::Column::WithdrawalNote, Expr::value(note))
        .col_expr(consent::Column::Version, Expr::value(version + 1))
        .filter(consent::Column::Id.eq(consent_id))
        .filter(consent::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        consent::Entity::find_by_id(consent_id),
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        Event::on("consent_withdrawn", "person", c.person_id).section("consent"),
    )
    .await?;
    tx.commit().await?;
    Ok(c.person_id)
}

/// A consent and the person it belongs to, for the pages that show or withdraw it.
#[derive(Clone, Debug)]
pub struct ConsentDetail {
    pub consent: consent::Model,
    pub person: person::Model,
}

/// Loads a consent for display. A read of the person's record, audited.
pub async fn get(db: &Db, ctx: &Ctx, consent_id: i64) -> Result<ConsentDetail> {
    audit::read(db, async |tx| {
        let Some(c) = consent::Entity::find_by_id(consent_id).one(tx).await? else {
            return Err(Error::NotFound);
        };
        let ev = Event::on("client_viewed", "person", c.person_id).section("consent");
        let (person, _) =
            access::person_for(tx, ctx, c.person_id, Action::ReadClient, ev.clone()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(ConsentDetail { consent: c, person })
    })
    .await
}

/// A stored document, for download.
#[derive(Clone, Debug)]
pub struct Download {
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// A file name without personal data.
    pub file_name: String,
}

pub async fn document(db: &Db, ctx: &Ctx, sealer: &Sealer, document_id: i64) -> Result<Download> {
    audit::read(db, async |tx| {
        // Consent scans only: a client's document or a signed plan has its own route, which
        // checks access through its case.
        let Some(d) = document::Entity::find_by_id(document_id)
            .filter(document::Column::Kind.eq("consent_scan"))
            .one(tx)
            .await?
        else {
            return Err(Error::NotFound);
        };
        let ev = Event::on("document_downloaded", "person", d.person_id).section("consent");
        let (_, _) =
            access::person_for(tx, ctx, d.person_id, Action::ReadClient, ev.clone()).await?;
        audit::record(tx, ctx, ev).await?;
        let file_name = format!("einwilligung-{}.{}", d.id, extension(&d.content_type));
        download(sealer, d, file_name)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    fn given(id: i64, on: &str, withdrawn: Option<&str>) -> consent::Model {
        consent::Model {
            id,
            person_id: 1,
            text_version: "2026-1".into(),
            language: "ar".into(),
            given_on: d(on),
            form: "paper".into(),
            document_id: None,
            withdrawn_on: withdrawn.map(d),
            withdrawal_note: None,
            voluntary_erased_on: None,
            external_id: None,
            created_at: chrono::DateTime::default(),
            created_by: 1,
            version: 1,
        }
    }

    #[test]
    fn without_an_active_consent_only_the_minimum_and_the_proof_are_covered() {
        let none = state_of(vec![], d("2026-11-21"));
        let active = state_of(vec![given(1, "2026-11-01", None)], d("2026-11-21"));
        let withdrawn = state_of(
            vec![given(1, "2026-11-01", Some("2026-11-20"))],
            d("2026-11-21"),
        );
        // The day before the withdrawal the consent still covers everything.
        let before = state_of(
            vec![given(1, "2026-11-01", Some("2026-11-20"))],
            d("2026-11-19"),
        );
        for data in Data::ALL {
            let always = matches!(data, Data::Minimum | Data::Proof);
            assert_eq!(covers(&none, data), always, "{data:?}");
            assert_eq!(covers(&withdrawn, data), always, "{data:?}");
            assert!(covers(&active, data), "{data:?}");
            assert!(covers(&before, data), "{data:?}");
        }
        assert!(matches!(
            Coverage::of(&withdrawn).require(Data::Plan),
            Err(Error::Conflict("error-plan-no-consent"))
        ));
        assert!(matches!(
            Coverage::of(&none).require(Data::Intake),
            Err(Error::Conflict("error-no-consent"))
        ));
        assert!(Coverage::of(&none).require(Data::Minimum).is_ok());
    }

    #[test]
    fn a_new_consent_after_a_withdrawal_covers_again() {
        let s = state_of(
            vec![
                given(1, "2026-01-01", Some("2026-03-01")),
                given(2, "2026-06-01", None),
            ],
            d("2026-11-21"),
        );
        assert!(covers(&s, Data::Intake));
    }

    #[test]
    fn scans_are_judged_by_content() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        let big = Upload {
            bytes: [b"%PDF-".as_slice(), &vec![0u8; MAX_SCAN_BYTES]].concat(),
        };
        assert_eq!(check_scan(&big), Err("error-scan-too-large"));
    }
}
