//! The audit log: who did what to which object, when, allowed or denied. Never content values.
//! Events are written with the same connection (transaction) as the change or read they record.

use ankommen_store::entities::{audit_event, staff};
use ankommen_store::{Db, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::kernel::policy::{Action, Resource};
use crate::{Ctx, Error, Result};

pub mod chain;

/// Every action the audit log records (the labels are in the web crate's `audit.ftl`). An event
/// with another action is a programming error: debug builds (and so the tests) stop on it.
pub const ACTIONS: &[&str] = &[
    "administration_viewed",
    "appointment_booked",
    "appointment_cancelled",
    "appointment_held",
    "appointment_letter_printed",
    "appointment_missed",
    "appointment_moved",
    "appointments_viewed",
    "appointment_ics_downloaded",
    "audit_chain_verified",
    "audit_chain_viewed",
    "audit_log_cut",
    "audit_log_viewed",
    "bench_data_generated",
    "calendar_feed_created",
    "calendar_feed_fetched",
    "calendar_feed_revoked",
    "calendar_viewed",
    "case_closed",
    "case_erased",
    "case_extended",
    "case_moved",
    "case_note_added",
    "case_opened",
    "case_paused",
    "case_reassigned",
    "case_reopened",
    "case_resumed",
    "case_shared",
    "case_takeover_decided",
    "case_takeover_requested",
    "case_unshared",
    "case_viewed",
    "caseload_viewed",
    "client_document_added",
    "client_document_downloaded",
    "client_document_viewed",
    "client_documents_listed",
    "client_registered",
    "client_updated",
    "client_viewed",
    "client_viewed_for_request",
    "consent_recorded",
    "consent_scan_added",
    "consent_withdrawn",
    "contact_recorded",
    "contact_updated",
    "contact_viewed",
    "course_registered",
    "course_status_changed",
    "course_waiting_list_viewed",
    "day_view_viewed",
    "demo_data_loaded",
    "deployment_set_up",
    "document_downloaded",
    "dpo_lookup",
    "duplicate_hints_shown",
    "duplicate_pair_viewed",
    "duplicates_listed",
    "duplicates_not_same",
    "duplicates_scanned",
    "erasure_request_decided",
    "erasure_requested",
    "erasure_requests_viewed",
    "exchange_exported",
    "exchange_imported",
    "field_changed",
    "field_created",
    "field_viewed",
    "fields_listed",
    "figures_computed",
    "figures_exported",
    "figures_finalised",
    "figures_viewed",
    "followup_created",
    "followup_done",
    "followup_moved",
    "form_printed",
    "handover_acknowledged",
    "handover_summary_created",
    "household_member_added",
    "household_viewed",
    "intake_catalog_entry_created",
    "intake_catalog_listed",
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "meeting_form_viewed",
    "meeting_planned",
    "meeting_question_added",
    "meeting_updated",
    "meeting_viewed",
    "meetings_listed",
    "municipalities_listed",
    "municipality_created",
    "municipality_updated",
    "municipality_viewed",
    "office_hours_created",
    "office_hours_day_off_added",
    "office_hours_day_off_removed",
    "office_hours_updated",
    "office_hours_viewed",
    "organisation_created",
    "organisation_updated",
    "organisation_viewed",
    "organisations_listed",
    "outcome_deleted",
    "outcome_recorded",
    "outcome_updated",
    "outcomes_viewed",
    "own_settings_changed",
    "password_changed",
    "recovery_code_used",
    "recovery_codes_renewed",
    "second_factor_enrolled",
    "second_factor_failed",
    "second_factor_removed",
    "second_factor_requirement_changed",
    "second_factor_reset",
    "password_reset_decided",
    "password_reset_requested",
    "password_set",
    "person_erased",
    "persons_merged",
    "plan_compared",
    "plan_goal_added",
    "plan_goal_changed",
    "plan_printed",
    "plan_review_held",
    "plan_scan_added",
    "plan_scan_downloaded",
    "plan_settings_changed",
    "plan_step_added",
    "plan_step_changed",
    "plan_version_frozen",
    "plan_version_viewed",
    "plan_viewed",
    "privacy_desk_viewed",
    "privacy_report_viewed",
    "processing_register_viewed",
    "referral_recorded",
    "referral_result_recorded",
    "referral_letter_printed",
    "referral_viewed",
    "release_recorded",
    "release_revoked",
    "restriction_lifted",
    "restriction_placed",
    "restrictions_viewed",
    "retention_due_listed",
    "retention_hold_lifted",
    "retention_hold_placed",
    "retention_holds_viewed",
    "retention_run",
    "retention_schedule_changed",
    "retention_schedule_viewed",
    "room_created",
    "room_form_viewed",
    "room_updated",
    "room_viewed",
    "rooms_listed",
    "rules_changed",
    "rules_viewed",
    "service_area_added",
    "service_area_ended",
    "service_created",
    "service_deleted",
    "service_updated",
    "service_viewed",
    "services_imported",
    "services_listed",
    "session_ended",
    "sessions_listed",
    "setup_link_issued",
    "spreadsheet_imported",
    "spreadsheet_previewed",
    "spreadsheet_uploaded",
    "staff_changes_viewed",
    "staff_created",
    "staff_deactivated",
    "staff_listed",
    "staff_moved",
    "staff_moved_in",
    "staff_moved_out",
    "staff_reactivated",
    "staff_updated",
    "staff_viewed",
    "subject_access_exported",
    "team_created",
    "team_updated",
    "team_viewed",
    "teams_listed",
    "timeline_viewed",
    "voluntary_data_erased",
    "volunteer_created",
    "volunteer_deleted",
    "volunteer_figures_viewed",
    "volunteer_match_ended",
    "volunteer_matched",
    "volunteer_sheet_printed",
    "volunteer_updated",
    "volunteer_viewed",
    "volunteers_listed",
];

/// Every section of a record an event can name.
pub const SECTIONS: &[&str] = &[
    "appointment",
    "appointment_letter",
    "appointment_new",
    "consent",
    "contact_new",
    "courses",
    "documents",
    "followups",
    "forms",
    "handover",
    "health",
    "household",
    "intake",
    "minimum",
    "notes",
    "plan",
    "record",
    "referrals",
    "referral_letter",
    "releases",
    "request",
    "volunteers",
];

/// Every kind of object an event can name (the audit views label each).
pub const OBJECT_KINDS: &[&str] = &[
    "appointment",
    "audit_anchor",
    "audit_verification",
    "case",
    "contact",
    "course_registration",
    "exchange_file",
    "field_of_action",
    "figures",
    "followup",
    "household",
    "intake_catalog_entry",
    "meeting",
    "municipality",
    "office_hours",
    "organisation",
    "outcome",
    "person",
    "privacy_report",
    "referral",
    "retention_run",
    "room",
    "service",
    "service_area",
    "spreadsheet_import",
    "spreadsheet_upload",
    "staff",
    "team",
    "volunteer",
    "volunteer_match",
];

/// What happened, to what. Object ids are database ids or random ids, never names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub action: &'static str,
    pub object_kind: Option<&'static str>,
    pub object_id: Option<String>,
    pub section: Option<&'static str>,
    pub allowed: bool,
    /// The client the event concerns (an event whose object is a person names it by itself).
    pub person_id: Option<i64>,
    /// The case the event concerns (an event whose object is a case names it by itself).
    pub case_id: Option<i64>,
}

impl Event {
    pub fn new(action: &'static str) -> Self {
        Self {
            action,
            object_kind: None,
            object_id: None,
            section: None,
            allowed: true,
            person_id: None,
            case_id: None,
        }
    }
    /// An event on an object. An object that is a person or a case is also the person or the case
    /// the event concerns.
    pub fn on(action: &'static str, kind: &'static str, id: impl ToString) -> Self {
        let id = id.to_string();
        let numeric = id.parse::<i64>().ok();
        Self {
            object_kind: Some(kind),
            person_id: numeric.filter(|_| kind == "person"),
            case_id: numeric.filter(|_| kind == "case"),
            object_id: Some(id),
            ..Self::new(action)
        }
    }
    /// The client the event concerns.
    pub fn person(mut self, id: i64) -> Self {
        self.person_id = Some(id);
        self
    }
    /// The case the event concerns.
    pub fn case(mut self, id: i64) -> Self {
        self.case_id = Some(id);
        self
    }
    pub fn section(mut self, s: &'static str) -> Self {
        self.section = Some(s);
        self
    }
    pub fn denied(mut self) -> Self {
        self.allowed = false;
        self
    }
}

/// Who acted, when there is no logged-in actor (failed logins, the command line, first setup).
#[derive(Clone, Debug, Default)]
pub struct Who {
    pub staff_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub roles: String,
}

/// Runs an audited read: `read` reads a person's data on the transaction and records what it
/// reads with [`record`] (a refusal with the denied event). What it returns is handed out only
/// after its events are durable; if they cannot be written, the read fails and nothing is handed
/// out. A read that records no event is an internal error, not a silent disclosure. On an error
/// the events recorded so far (a refusal) are committed before the error is returned. This is the
/// only way services begin an audited read (decision 0009).
pub(crate) async fn read<T>(db: &Db, read: impl AsyncFnOnce(&Tx) -> Result<T>) -> Result<T> {
    let tx = db.begin_audited_read().await?;
    match read(&tx).await {
        Ok(_) if tx.audit_events() == 0 => Err(Error::Internal(
            "an audited read recorded no audit event".into(),
        )),
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(e) => {
            tx.commit().await?;
            Err(e)
        }
    }
}

/// Writes an event for the context's actor.
pub async fn record<C: ConnectionTrait>(conn: &C, ctx: &Ctx, ev: Event) -> Result<()> {
    record_as(conn, ctx.now(), &who(ctx), ctx.request_id.as_deref(), ev).await
}

pub(crate) fn who(ctx: &Ctx) -> Who {
    Who {
        staff_id: Some(ctx.actor.staff_id),
        organisation_id: Some(ctx.actor.organisation_id),
        roles: ctx.actor.roles.joined(),
    }
}

/// Writes an event for an explicit `who`.
pub async fn record_as<C: ConnectionTrait>(
    conn: &C,
    at: DateTime<Utc>,
    who: &Who,
    request_id: Option<&str>,
    ev: Event,
) -> Result<()> {
    audit_event::Entity::insert(row(at, who, request_id, ev))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The stored row of an event.
fn row(
    at: DateTime<Utc>,
    who: &Who,
    request_id: Option<&str>,
    ev: Event,
) -> audit_event::ActiveModel {
    debug_assert!(
        ACTIONS.contains(&ev.action),
        "audit action {:?} is not in audit::ACTIONS",
        ev.action
    );
    debug_assert!(
        ev.object_kind.is_none_or(|k| OBJECT_KINDS.contains(&k)),
        "audit object kind {:?} is not in audit::OBJECT_KINDS",
        ev.object_kind
    );
    debug_assert!(
        ev.section.is_none_or(|s| SECTIONS.contains(&s)),
        "audit section {:?} is not in audit::SECTIONS",
        ev.section
    );
    audit_event::ActiveModel {
        id: NotSet,
        at: Set(at),
        actor_staff_id: Set(who.staff_id),
        actor_organisation_id: Set(who.organisation_id),
        actor_roles: Set(who.roles.clone()),
        action: Set(ev.action.to_string()),
        object_kind: Set(ev.object_kind.map(str::to_string)),
        object_id: Set(ev.object_id),
        section: Set(ev.section.map(str::to_string)),
        outcome: Set(if ev.allowed { "allowed" } else { "denied" }.to_string()),
        request_id: Set(request_id.map(str::to_string)),
        person_id: Set(ev.person_id),
        case_id: Set(ev.case_id),
    }
}

/// A client a page showed: the person, and the case through which it was shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seen {
    pub person_id: i64,
    pub case_id: Option<i64>,
}

/// Records that a page (a list, a search result, a household) showed these clients: one event per
/// client, so each appears in the record of who saw them; a page that showed nobody writes one event
/// naming nobody. The events are written in one statement.
pub async fn record_seen<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    ev: Event,
    seen: impl IntoIterator<Item = Seen>,
) -> Result<()> {
    record_seen_as(
        conn,
        ctx.now(),
        &who(ctx),
        ctx.request_id.as_deref(),
        ev,
        seen,
    )
    .await
}

/// [`record_seen`] for an explicit `who` (the operator's export on the command line).
pub async fn record_seen_as<C: ConnectionTrait>(
    conn: &C,
    at: DateTime<Utc>,
    who: &Who,
    rid: Option<&str>,
    ev: Event,
    seen: impl IntoIterator<Item = Seen>,
) -> Result<()> {
    let mut seen: Vec<Seen> = seen.into_iter().collect();
    seen.sort();
    seen.dedup();
    if seen.is_empty() {
        return record_as(conn, at, who, rid, ev).await;
    }
    // In slices: one statement binds at most 32,766 values on SQLite (an export names thousands).
    for slice in seen.chunks(1_000) {
        let rows = slice.iter().map(|s| {
            let mut e = ev.clone().person(s.person_id);
            e.case_id = s.case_id.or(e.case_id);
            row(at, who, rid, e)
        });
        audit_event::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Filters of the audit view. All optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub actor_staff_id: Option<i64>,
    pub action: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub denied_only: bool,
    pub page: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub event: audit_event::Model,
    /// The actor's display name, when the actor is a known staff member.
    pub actor_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<Row>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

pub const PAGE_SIZE: u64 = 50;

/// Browses the audit log within the actor's scope: the whole deployment for the county office's
/// administrators and data-protection officers, the own organisation's events otherwise.
/// The browsing itself is recorded.
pub async fn search(db: &Db, ctx: &Ctx, f: &Filter) -> Result<Page> {
    let all = Resource::AuditLog {
        organisation_id: None,
    };
    let scope = if ctx.allows(Action::ViewAuditLog, &all) {
        None
    } else {
        let own = Resource::AuditLog {
            organisation_id: Some(ctx.actor.organisation_id),
        };
        ctx.authorize(
            db.writer(),
            Action::ViewAuditLog,
            &own,
            Event::new("audit_log_viewed"),
            Error::Forbidden,
        )
        .await?;
        Some(ctx.actor.organisation_id)
    };
    let mut q = audit_event::Entity::find();
    if let Some(org) = scope {
        q = q.filter(audit_event::Column::ActorOrganisationId.eq(org));
    }
    if let Some(d) = f.from {
        q = q.filter(audit_event::Column::At.gte(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        q = q.filter(audit_event::Column::At.lt(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    if let Some(id) = f.actor_staff_id {
        q = q.filter(audit_event::Column::ActorStaffId.eq(id));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_event::Column::Action.eq(a.as_str()));
    }
    if let Some(k) = &f.object_kind {
        q = q.filter(audit_event::Column::ObjectKind.eq(k.as_str()));
    }
    if let Some(id) = &f.object_id {
        q = q.filter(audit_event::Column::ObjectId.eq(id.as_str()));
    }
    if f.denied_only {
        q = q.filter(audit_event::Column::Outcome.eq("denied"));
    }
    let txn = db.writer();
    let total = q.clone().count(txn).await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = f.page.clamp(1, pages);
    let events = q
        .order_by_desc(audit_event::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(txn)
        .await?;
    let ids: Vec<i64> = events.iter().filter_map(|e| e.actor_staff_id).collect();
    let names: std::collections::HashMap<i64, String> = if ids.is_empty() {
        Default::default()
    } else {
        staff::Entity::find()
            .filter(staff::Column::Id.is_in(ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.display_name))
            .collect()
    };
    record(txn, ctx, Event::new("audit_log_viewed")).await?;
    let rows = events
        .into_iter()
        .map(|e| Row {
            actor_name: e.actor_staff_id.and_then(|id| names.get(&id).cloned()),
            event: e,
        })
        .collect();
    Ok(Page {
        rows,
        total,
        page,
        pages,
    })
}

/// The distinct actions recorded so far, for the filter's choice list.
pub async fn known_actions(db: &Db) -> Result<Vec<String>> {
    let mut v: Vec<String> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Action)
        .distinct()
        .into_tuple()
        .all(db.reader())
        .await?;
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ankommen_store::{DbConfig, connect};
    use sea_orm::PaginatorTrait;

    use super::*;
    use crate::kernel::policy::Actor;
    use crate::kernel::types::{Locale, OrgKind, Role, RoleSet};

    async fn setup(dir: &std::path::Path) -> (Db, Ctx) {
        let db = connect(&DbConfig {
            url: ankommen_store::connect::sqlite_url_for(dir, "a.sqlite"),
            max_connections: 2,
        })
        .await
        .expect("open");
        db.migrate().await.expect("migrate");
        let ctx = Ctx {
            actor: Actor {
                staff_id: 7,
                username: "im".into(),
                display_name: "IM".into(),
                organisation_id: 3,
                organisation_kind: OrgKind::Provider,
                team_id: None,
                roles: RoleSet::new([Role::Im]),
                municipalities: vec![],
                locale: Locale::De,
            },
            clock: Arc::new(crate::ManualClock::new(Utc::now())),
            request_id: None,
        };
        (db, ctx)
    }

    async fn events(db: &Db) -> u64 {
        audit_event::Entity::find()
            .count(db.reader())
            .await
            .expect("count")
    }

    /// A read hands out its result only with its event on record; one that recorded no event is
    /// refused; a refusal's event is kept with the error.
    #[tokio::test]
    async fn an_audited_read_hands_out_nothing_without_its_event() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (db, ctx) = setup(dir.path()).await;
        let got = read(&db, async |tx| {
            record(tx, &ctx, Event::on("client_viewed", "person", 1)).await?;
            Ok("data")
        })
        .await
        .expect("read");
        assert_eq!(got, "data");
        assert_eq!(events(&db).await, 1);

        let forgot = read(&db, async |_tx| Ok("data")).await;
        assert!(
            matches!(&forgot, Err(Error::Internal(m)) if m.contains("no audit event")),
            "{forgot:?}"
        );
        assert_eq!(events(&db).await, 1);

        let refused: Result<&str> = read(&db, async |tx| {
            ctx.refuse(tx, Event::on("client_viewed", "person", 2), Error::NotFound)
                .await
        })
        .await;
        assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");
        let denied = audit_event::Entity::find()
            .filter(audit_event::Column::Outcome.eq("denied"))
            .count(db.reader())
            .await
            .expect("count");
        assert_eq!((events(&db).await, denied), (2, 1));
        db.close().await;
    }
}
