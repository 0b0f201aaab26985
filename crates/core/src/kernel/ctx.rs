//! The context of every service call: who acts, what time it is, which request this is.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{self, Action, Actor, Resource};
use crate::{Clock, Error, Result};

#[derive(Clone, Debug)]
pub struct Ctx {
    pub actor: Actor,
    pub clock: Arc<dyn Clock>,
    pub request_id: Option<String>,
}

impl Ctx {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date where the offices are (Europe/Berlin): the day that deadlines are counted in.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now()
            .with_timezone(&chrono_tz::Europe::Berlin)
            .date_naive()
    }

    /// Asks the policy. On refusal, writes a `denied` audit event for `event` and returns `refusal`
    /// (`Forbidden` for actions, `NotFound` for reads of objects the actor must not know about).
    pub async fn authorize<C: ConnectionTrait>(
        &self,
        conn: &C,
        action: Action,
        res: &Resource,
        event: Event,
        refusal: Error,
    ) -> Result<()> {
        if policy::allows(&self.actor, action, res) {
            return Ok(());
        }
        self.refuse(conn, event, refusal).await
    }

    /// A refusal decided without a single resource to ask the policy about (for example: the
    /// person is reachable through none of the actor's cases): writes the `denied` audit event and
    /// returns `refusal`, as [`Ctx::authorize`] does.
    pub async fn refuse<C: ConnectionTrait, T>(
        &self,
        conn: &C,
        event: Event,
        refusal: Error,
    ) -> Result<T> {
        audit::record(conn, self, event.denied()).await?;
        Err(refusal)
    }

    pub fn allows(&self, action: Action, res: &Resource) -> bool {
        policy::allows(&self.actor, action, res)
    }
}
