//! Personal data (NIK, phone, email, names) travels wrapped so that it can never reach a log by
//! accident: `Debug` prints `***`. Read the value only where it is shown to its owner or stored.

use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Personal<T>(T);

impl<T> Personal<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    /// The real value: for storage and for showing to the person it belongs to.
    pub fn expose(&self) -> &T {
        &self.0
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::fmt::Debug for Personal<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Rows of a person's own data as JSON objects, for their data export: each named column is read
/// as optional text or an optional whole number (ids, codes, statuses, instants in ms).
pub fn json_rows(
    rows: &[sqlx::any::AnyRow],
    text: &[&str],
    numbers: &[&str],
) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    use sqlx::Row as _;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut object = serde_json::Map::new();
        for column in text {
            let value: Option<String> = row.try_get(*column)?;
            object.insert((*column).to_string(), serde_json::json!(value));
        }
        for column in numbers {
            let value: Option<i64> = row.try_get(*column)?;
            object.insert((*column).to_string(), serde_json::json!(value));
        }
        out.push(serde_json::Value::Object(object));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_value() {
        let nik = Personal::new("5371014107900001".to_string());
        assert_eq!(format!("{nik:?}"), "***");
    }
}
