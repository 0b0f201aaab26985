//! Consent (GDPR): recording it with its text version, language and form, the signed scan, and
//! withdrawal. Without an active consent only the minimum data of a person may be processed.
//! Every stored scan (of a consent or a signed plan) is sealed here.

use ankommen_store::Db;
use ankommen_store::entities::{consent, document, person};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
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
    let id = consent::Entity::insert(consent::ActiveModel {
        id: NotSet,
        person_id: Set(person_id),
        text_version: Set(input.text_version),
        language: Set(input.language),
        given_on: Set(input.given_on),
        form: Set(input.form.as_str().into()),
        document_id: Set(document_id),
        withdrawn_on: Set(None),
        withdrawal_note: Set(None),
        external_id: Set(None),
        created_at: Set(ctx.now()),
        created_by: Set(ctx.actor.staff_id),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
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

/// Withdraws a consent. From that day the intake data is hidden and no longer processed.
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
        Action::WriteClient,
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
        let Some(d) = document::Entity::find_by_id(document_id).one(tx).await? else {
            return Err(Error::NotFound);
        };
        let ev = Event::on("document_downloaded", "person", d.person_id).section("consent");
        let (_, _) =
            access::person_for(tx, ctx, d.person_id, Action::ReadClient, ev.clone()).await?;
        audit::record(tx, ctx, ev).await?;
        let ext = match d.content_type.as_str() {
            "application/pdf" => "pdf",
            "image/jpeg" => "jpg",
            _ => "png",
        };
        let file_name = format!("einwilligung-{}.{ext}", d.id);
        download(sealer, d, file_name)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

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
