//! Deployment-wide settings, stored as key/value pairs.

use ankommen_store::Db;
use ankommen_store::entities::setting;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::Result;

/// The name of the county or city this deployment serves ("Landkreis Neckartal").
pub const DEPLOYMENT_NAME: &str = "deployment_name";

pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    Ok(setting::Entity::find_by_id(key.to_string())
        .one(db.reader())
        .await?
        .map(|s| s.value))
}

pub async fn set<C: ConnectionTrait>(conn: &C, key: &str, value: &str) -> Result<()> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
