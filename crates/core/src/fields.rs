//! The administrator's catalog of fields of action (Handlungsfelder): what goals and contact
//! topics are filed under. Each entry maps onto one exchange-format field, so figures and exports
//! stay comparable whatever the local names are.

use ankommen_store::entities::field_of_action;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::Result;

/// A field of action as the UI offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub exchange_field: String,
    pub label_de: String,
    pub label_en: String,
    pub active: bool,
}

impl Field {
    /// The name in the UI language (`de` or `en`).
    pub fn label(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.label_en
        } else {
            &self.label_de
        }
    }
}

impl From<field_of_action::Model> for Field {
    fn from(m: field_of_action::Model) -> Self {
        Self {
            key: m.key,
            exchange_field: m.exchange_field,
            label_de: m.label_de,
            label_en: m.label_en,
            active: m.active,
        }
    }
}

/// The whole catalog in its order, inactive fields included (old goals keep their names).
pub async fn all<C: ConnectionTrait>(conn: &C) -> Result<Vec<Field>> {
    Ok(field_of_action::Entity::find()
        .order_by_asc(field_of_action::Column::Position)
        .order_by_asc(field_of_action::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Field::from)
        .collect())
}

/// The fields offered for new goals and contacts.
pub async fn active<C: ConnectionTrait>(conn: &C) -> Result<Vec<Field>> {
    Ok(field_of_action::Entity::find()
        .filter(field_of_action::Column::Active.eq(true))
        .order_by_asc(field_of_action::Column::Position)
        .order_by_asc(field_of_action::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Field::from)
        .collect())
}

/// Checks a key offered by a form: it must name an active field.
pub fn parse_key(fields: &[Field], s: &str) -> std::result::Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("error-required");
    }
    fields
        .iter()
        .find(|f| f.key == s && f.active)
        .map(|f| f.key.clone())
        .ok_or("error-choice")
}

/// The name of a key in the UI language; an unknown key shows as itself.
pub fn label<'a>(fields: &'a [Field], key: &'a str, lang: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.key == key)
        .map(|f| f.label(lang))
        .unwrap_or(key)
}
