//! General case notes: free text on a case for what belongs to no contact (a call from the
//! landlord's office, what a colleague passed on), sealed, shown in the case's timeline, separate
//! from the contacts' notes. Notes are never changed; a correction is a new note.

use ankommen_store::Db;
use ankommen_store::entities::{case, case_note};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter,
};

use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, CASE_NOTE_TEXT, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::parse_text_req;
use crate::{Ctx, Error, Result};

/// The longest case note.
pub const TEXT_MAX: usize = 4000;

/// The note with its text opened.
pub(crate) fn opened(sealer: &Sealer, mut n: case_note::Model) -> case_note::Model {
    n.text = match &n.text_sealed {
        Some(b) => sealed::open(sealer, CASE_NOTE_TEXT.at(n.id), b),
        None => ankommen_store::Opened::Unreadable,
    };
    n.text_sealed = None;
    n
}

/// The case a new note is written on, for the form's heading. The read is audited.
pub async fn new_form(db: &Db, ctx: &Ctx, case_id: i64) -> Result<case::Model> {
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id).section("notes");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(c)
    })
    .await
}

/// Writes a note on a case. Returns its id.
pub async fn create(db: &Db, ctx: &Ctx, sealer: &Sealer, case_id: i64, text: &str) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("case_note_added", "case", case_id).section("notes");
    let (tx, _, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    let text = parse_text_req(text, TEXT_MAX).map_err(|k| Error::field("note_text", k))?;
    let id = case_note::Entity::insert(case_note::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        // Sealed for the row, so written once the row has its id.
        text_sealed: NotSet,
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    let sealing = Sealing::begin(&tx, sealer).await?;
    case_note::Entity::update_many()
        .col_expr(
            case_note::Column::TextSealed,
            Expr::value(sealing.seal(CASE_NOTE_TEXT.at(id), &text)?),
        )
        .filter(case_note::Column::Id.eq(id))
        .exec(&tx)
        .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}
