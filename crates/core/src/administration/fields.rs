//! The administrator's catalog of fields of action (Handlungsfelder): what goals and contact
//! topics are filed under. Each entry maps onto one exchange-format field, so figures and exports
//! stay comparable whatever the local names are.

use ankommen_store::Db;
use ankommen_store::entities::{field_of_action, setting};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::administration::settings::WorkRules;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::ExchangeField;
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::Name;
use crate::{Ctx, Error, FieldErrors, Result};

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
        in_language(lang, &self.label_de, &self.label_en)
    }
}

/// Of a name an administrator gave in German and English, the one in the UI language (`de` or
/// `en`; German for any other).
pub(crate) fn in_language<'a>(lang: &str, de: &'a str, en: &'a str) -> &'a str {
    if lang == "en" { en } else { de }
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

// --- the administrator's editing --------------------------------------------------------------
//
// The catalog and the working rules hold for the whole deployment, so they are managed by the
// county office's administrators (the same policy question as managing organisations).

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

/// Whether the actor may manage the catalog and the working rules (for links and navigation).
pub fn may_manage(ctx: &Ctx) -> bool {
    ctx.allows(Action::ManageOrganisations, &Resource::Deployment)
}

/// The whole catalog with ids and versions, for the administrator.
pub async fn list_managed(db: &Db, ctx: &Ctx) -> Result<Vec<field_of_action::Model>> {
    authorize(db, ctx, Event::new("fields_listed")).await?;
    Ok(field_of_action::Entity::find()
        .order_by_asc(field_of_action::Column::Position)
        .order_by_asc(field_of_action::Column::Id)
        .all(db.reader())
        .await?)
}

/// One field, for the administrator.
pub async fn get_managed(db: &Db, ctx: &Ctx, id: i64) -> Result<field_of_action::Model> {
    authorize(db, ctx, Event::on("field_viewed", "field_of_action", id)).await?;
    field_of_action::Entity::find_by_id(id)
        .one(db.reader())
        .await?
        .ok_or(Error::NotFound)
}

/// What the administrator may change of a field: its names and its place in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldInput {
    pub label_de: Name,
    pub label_en: Name,
    pub position: i32,
}

/// The largest position number accepted.
pub const MAX_POSITION: i32 = 9999;

impl FieldInput {
    pub fn parse(
        label_de: &str,
        label_en: &str,
        position: &str,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let de = e.take("label_de", Name::parse(label_de));
        let en = e.take("label_en", Name::parse(label_en));
        let position = e.take("position", parse_position(position));
        match (de, en, position) {
            (Some(label_de), Some(label_en), Some(position)) if e.is_empty() => Ok(Self {
                label_de,
                label_en,
                position,
            }),
            _ => Err(e),
        }
    }
}

fn parse_position(s: &str) -> std::result::Result<i32, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("error-required");
    }
    match s.parse::<i32>() {
        Ok(v) if (0..=MAX_POSITION).contains(&v) => Ok(v),
        _ => Err("error-out-of-range"),
    }
}

/// A new field: its names, place, and the exchange field it is reported under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewField {
    pub input: FieldInput,
    pub exchange_field: ExchangeField,
}

impl NewField {
    pub fn parse(
        label_de: &str,
        label_en: &str,
        position: &str,
        exchange_field: &str,
    ) -> std::result::Result<Self, FieldErrors> {
        let input = FieldInput::parse(label_de, label_en, position);
        let ex = ExchangeField::parse(exchange_field);
        match (input, ex) {
            (Ok(input), Ok(exchange_field)) => Ok(Self {
                input,
                exchange_field,
            }),
            (input, ex) => {
                let mut e = input.err().unwrap_or_default();
                if let Err(k) = ex {
                    e.add("exchange_field", k);
                }
                Err(e)
            }
        }
    }
}

/// A key from a name: lower-case ASCII letters, digits and `_` (umlauts transcribed), at most
/// 40 characters; "field" when nothing is left.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        let piece: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' => "e",
            'á' | 'à' | 'â' => "a",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "_",
        };
        out.push_str(piece);
    }
    let mut key = String::new();
    for part in out.split('_').filter(|p| !p.is_empty()) {
        if !key.is_empty() {
            key.push('_');
        }
        key.push_str(part);
    }
    let key: String = key.chars().take(40).collect();
    let key = key.trim_end_matches('_').to_string();
    if key.is_empty() { "field".into() } else { key }
}

/// Adds a field at the end of its position; the key is generated from the German name and made
/// unique. Returns the new field's id.
pub async fn create(db: &Db, ctx: &Ctx, f: NewField) -> Result<i64> {
    authorize(db, ctx, Event::new("field_created")).await?;
    let tx = db.begin().await?;
    let base = slug(f.input.label_de.as_str());
    let taken: Vec<String> = field_of_action::Entity::find()
        .select_only()
        .column(field_of_action::Column::Key)
        .filter(field_of_action::Column::Key.starts_with(base.as_str()))
        .into_tuple()
        .all(&tx)
        .await?;
    let mut key = base.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    let id = field_of_action::Entity::insert(field_of_action::ActiveModel {
        id: NotSet,
        key: Set(key),
        exchange_field: Set(f.exchange_field.as_str().to_string()),
        label_de: Set(f.input.label_de.into_string()),
        label_en: Set(f.input.label_en.into_string()),
        position: Set(f.input.position),
        active: Set(true),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(&tx, ctx, Event::on("field_created", "field_of_action", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames, moves, deactivates or reactivates a field. The key and the exchange field stay (goals
/// and contacts keep pointing at it, figures keep counting it where they did).
pub async fn update(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    input: FieldInput,
    active: bool,
    version: i32,
) -> Result<()> {
    let ev = Event::on("field_changed", "field_of_action", id);
    authorize(db, ctx, ev.clone()).await?;
    let tx = db.begin().await?;
    let r = field_of_action::Entity::update_many()
        .col_expr(
            field_of_action::Column::LabelDe,
            Expr::value(input.label_de.into_string()),
        )
        .col_expr(
            field_of_action::Column::LabelEn,
            Expr::value(input.label_en.into_string()),
        )
        .col_expr(
            field_of_action::Column::Position,
            Expr::value(input.position),
        )
        .col_expr(field_of_action::Column::Active, Expr::value(active))
        .col_expr(field_of_action::Column::Version, Expr::value(version + 1))
        .filter(field_of_action::Column::Id.eq(id))
        .filter(field_of_action::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    crate::administration::organisations::expect_updated(
        &tx,
        r.rows_affected,
        field_of_action::Entity::find_by_id(id),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The working rules as stored, for the administrator, with a fingerprint of the stored values
/// (the settings have no version column: the fingerprint is the version check).
pub async fn rules_managed(db: &Db, ctx: &Ctx) -> Result<(WorkRules, String)> {
    authorize(db, ctx, Event::new("rules_viewed")).await?;
    let conn = db.reader();
    Ok((WorkRules::load(conn).await?, fingerprint(conn).await?))
}

/// The stored values of the rules, as one string (missing ones empty).
async fn fingerprint<C: ConnectionTrait>(conn: &C) -> Result<String> {
    let keys: Vec<&str> = WorkRules::LIMITS.iter().map(|(k, _, _)| *k).collect();
    let stored: Vec<(String, String)> = setting::Entity::find()
        .select_only()
        .column(setting::Column::Key)
        .column(setting::Column::Value)
        .filter(setting::Column::Key.is_in(keys.clone()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(keys
        .iter()
        .map(|k| {
            let v = stored
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join(";"))
}

/// Stores the working rules if nobody changed them since the administrator loaded the form
/// (`seen` is the fingerprint the form carried).
pub async fn save_rules(db: &Db, ctx: &Ctx, rules: WorkRules, seen: &str) -> Result<()> {
    let ev = Event::new("rules_changed");
    authorize(db, ctx, ev.clone()).await?;
    let tx = db.begin().await?;
    if fingerprint(&tx).await? != seen {
        return Err(Error::Conflict("error-stale"));
    }
    rules.store(&tx).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_keys() {
        assert_eq!(slug("Schulden & Finanzen"), "schulden_finanzen");
        assert_eq!(slug("  Übergänge/Mobilität "), "uebergaenge_mobilitaet");
        assert_eq!(slug("Straße 2"), "strasse_2");
        assert_eq!(slug("!!!"), "field");
        assert!(slug(&"a".repeat(100)).len() <= 40);
    }

    #[test]
    fn a_new_field_needs_names_a_place_and_an_exchange_field() {
        let e = NewField::parse("", "Debts", "x", "").unwrap_err();
        assert_eq!(e.get("label_de"), Some("error-required"));
        assert_eq!(e.get("label_en"), None);
        assert_eq!(e.get("position"), Some("error-out-of-range"));
        assert_eq!(e.get("exchange_field"), Some("error-required"));
        let ok = NewField::parse("Schulden", "Debts", "125", "finances").unwrap();
        assert_eq!(ok.exchange_field, ExchangeField::Finances);
        assert_eq!(ok.input.position, 125);
        assert_eq!(
            NewField::parse("Schulden", "Debts", "1", "nonsense")
                .unwrap_err()
                .get("exchange_field"),
            Some("error-choice")
        );
    }
}
