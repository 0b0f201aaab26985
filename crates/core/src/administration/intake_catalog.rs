//! The administrator's additions to the intake's value lists (issue 26, decision 0030): residence
//! statuses, benefits and kinds of health insurance. The fixed values of each list live in
//! `kernel::catalog` and are the exchange format's values; an administrator adds local values with
//! a German and an English name, each reported under one fixed value, as the catalog of fields of
//! action does for goals and contacts (`administration::fields`, whose input checks, key making
//! and permission this module shares).

use ankommen_store::Db;
use ankommen_store::entities::intake_catalog_entry as entry;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::administration::fields::{FieldInput, slug};
use crate::kernel::audit::{self, Event};
pub use crate::kernel::catalog::IntakeList;
use crate::kernel::catalog::{Benefit, HealthInsurance, ResidenceStatus};
use crate::kernel::policy::{Action, Resource};
use crate::{Ctx, Error, FieldErrors};

use crate::Result;

impl IntakeList {
    /// The fixed values (the exchange format's).
    pub fn fixed(self) -> Vec<&'static str> {
        match self {
            Self::ResidenceStatus => ResidenceStatus::ALL.iter().map(|v| v.as_str()).collect(),
            Self::Benefit => Benefit::ALL.iter().map(|v| v.as_str()).collect(),
            Self::HealthInsurance => HealthInsurance::ALL.iter().map(|v| v.as_str()).collect(),
        }
    }

    /// The prefix of the fixed values' labels in the UI (`<prefix>-<value>`).
    pub fn label_prefix(self) -> &'static str {
        match self {
            Self::ResidenceStatus => "residence-status",
            Self::Benefit => "benefit",
            Self::HealthInsurance => "health-insurance",
        }
    }
}

/// A local value as the forms offer it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub list: String,
    pub key: String,
    pub exchange_value: String,
    pub label_de: String,
    pub label_en: String,
    pub active: bool,
}

impl Entry {
    /// The name in the UI language (`de` or `en`).
    pub fn label(&self, lang: &str) -> &str {
        super::fields::in_language(lang, &self.label_de, &self.label_en)
    }
}

/// The local values of all three lists.
#[derive(Clone, Debug, Default)]
pub struct IntakeCatalog {
    pub entries: Vec<Entry>,
}

impl IntakeCatalog {
    /// Loads the local values (not person data: an unaudited read, like the fields of action).
    pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Self> {
        let entries = entry::Entity::find()
            .order_by_asc(entry::Column::Position)
            .order_by_asc(entry::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(|m| Entry {
                list: m.list,
                key: m.key,
                exchange_value: m.exchange_value,
                label_de: m.label_de,
                label_en: m.label_en,
                active: m.active,
            })
            .collect();
        Ok(Self { entries })
    }

    fn find(&self, list: IntakeList, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.list == list.as_str() && e.key == key)
    }

    /// The local values a form offers after the fixed ones.
    pub fn offered(&self, list: IntakeList) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |e| e.list == list.as_str() && e.active)
    }

    /// Whether a form may store `key`: a fixed value or an active local one.
    pub fn accepts(&self, list: IntakeList, key: &str) -> bool {
        list.fixed().contains(&key) || self.find(list, key).is_some_and(|e| e.active)
    }

    /// The exchange value a stored key is reported under (a fixed value is its own; an unknown
    /// key stays as it is).
    pub fn exchange_value<'a>(&'a self, list: IntakeList, key: &'a str) -> &'a str {
        self.find(list, key)
            .map(|e| e.exchange_value.as_str())
            .unwrap_or(key)
    }

    /// The name of a local value in the UI language; `None` for a fixed value (the UI's label
    /// files name those).
    pub fn local_label(&self, list: IntakeList, key: &str, lang: &str) -> Option<&str> {
        self.find(list, key).map(|e| e.label(lang))
    }
}

// --- the administrator's editing --------------------------------------------------------------

async fn authorize(db: &Db, ctx: &Ctx, ev: Event) -> Result<()> {
    ctx.authorize(
        db.writer(),
        Action::ManageOrganisations,
        &Resource::Deployment,
        ev,
        Error::Forbidden,
    )
    .await
}

/// All local values with ids, for the administrator.
pub async fn list_managed(db: &Db, ctx: &Ctx) -> Result<Vec<entry::Model>> {
    authorize(db, ctx, Event::new("intake_catalog_listed")).await?;
    Ok(entry::Entity::find()
        .order_by_asc(entry::Column::List)
        .order_by_asc(entry::Column::Position)
        .order_by_asc(entry::Column::Id)
        .all(db.reader())
        .await?)
}

/// A new local value: its list, names, place and the fixed value it is reported under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub list: IntakeList,
    pub input: FieldInput,
    pub exchange_value: String,
}

impl NewEntry {
    /// `exchange` is the list and the fixed value in one choice: `residence_status/toleration`.
    pub fn parse(
        exchange: &str,
        label_de: &str,
        label_en: &str,
        position: &str,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut e = match FieldInput::parse(label_de, label_en, position) {
            Ok(_) => FieldErrors::new(),
            Err(e) => e,
        };
        let exchange = exchange.trim();
        let (list, exchange_value) = exchange.split_once('/').unwrap_or((exchange, ""));
        let list = if exchange.is_empty() {
            e.add("exchange", "error-required");
            None
        } else {
            match IntakeList::parse(list) {
                Ok(l) if l.fixed().contains(&exchange_value) => Some(l),
                _ => {
                    e.add("exchange", "error-choice");
                    None
                }
            }
        };
        match (list, FieldInput::parse(label_de, label_en, position)) {
            (Some(list), Ok(input)) if e.is_empty() => Ok(Self {
                list,
                input,
                exchange_value: exchange_value.to_string(),
            }),
            _ => Err(e),
        }
    }
}

/// Adds a local value at its place; the key is made from the German name, unique within the list
/// and never one of the fixed values. Returns the new entry's id.
pub async fn create(db: &Db, ctx: &Ctx, n: NewEntry) -> Result<i64> {
    authorize(db, ctx, Event::new("intake_catalog_entry_created")).await?;
    let tx = db.begin().await?;
    let base = slug(n.input.label_de.as_str());
    let mut taken: Vec<String> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Key)
        .filter(entry::Column::List.eq(n.list.as_str()))
        .into_tuple()
        .all(&tx)
        .await?;
    taken.extend(n.list.fixed().into_iter().map(str::to_string));
    let mut key = base.clone();
    let mut i = 2;
    while taken.contains(&key) {
        key = format!("{base}_{i}");
        i += 1;
    }
    let id = entry::Entity::insert(entry::ActiveModel {
        id: NotSet,
        list: Set(n.list.as_str().to_string()),
        key: Set(key),
        exchange_value: Set(n.exchange_value),
        label_de: Set(n.input.label_de.into_string()),
        label_en: Set(n.input.label_en.into_string()),
        position: Set(n.input.position),
        active: Set(true),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(
        &tx,
        ctx,
        Event::on("intake_catalog_entry_created", "intake_catalog_entry", id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_entry_needs_a_list_names_and_a_fixed_value_of_that_list() {
        let e = NewEntry::parse("nonsense/toleration", "", "X", "1").unwrap_err();
        assert_eq!(e.get("exchange"), Some("error-choice"));
        assert_eq!(e.get("label_de"), Some("error-required"));
        let e = NewEntry::parse("", "Duldung light", "X", "1").unwrap_err();
        assert_eq!(e.get("exchange"), Some("error-required"));
        let e = NewEntry::parse("benefit/toleration", "Duldung light", "X", "1").unwrap_err();
        assert_eq!(e.get("exchange"), Some("error-choice"));
        let ok = NewEntry::parse(
            "residence_status/toleration",
            "Duldung für Ausbildung",
            "Training toleration",
            "10",
        )
        .unwrap();
        assert_eq!(ok.list, IntakeList::ResidenceStatus);
        assert_eq!(ok.exchange_value, "toleration");
    }

    #[test]
    fn local_values_map_onto_their_fixed_value() {
        let c = IntakeCatalog {
            entries: vec![Entry {
                list: "residence_status".into(),
                key: "ausbildungsduldung".into(),
                exchange_value: "toleration".into(),
                label_de: "Ausbildungsduldung".into(),
                label_en: "Training toleration".into(),
                active: true,
            }],
        };
        let l = IntakeList::ResidenceStatus;
        assert!(c.accepts(l, "ausbildungsduldung"));
        assert!(c.accepts(l, "toleration"));
        assert!(!c.accepts(l, "nonsense"));
        assert!(!c.accepts(IntakeList::Benefit, "ausbildungsduldung"));
        assert_eq!(c.exchange_value(l, "ausbildungsduldung"), "toleration");
        assert_eq!(
            c.exchange_value(l, "settlement_permit"),
            "settlement_permit"
        );
        assert_eq!(
            c.local_label(l, "ausbildungsduldung", "en"),
            Some("Training toleration")
        );
    }
}
