//! Tri-state edits and the JSON bodies that carry them.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::http::{Body, ValidationError};

/// One field of an edit request: leave it as it is, clear it, or set it.
///
/// The API's edit bodies (`DataEditUser`, `DataEditServer`, `DataEditChannel`, ...) carry
/// new values as fields and cleared fields as names in a `remove` list; [`Edit`] keeps the
/// three cases apart so a request can never both set and clear a field.
///
/// | value | wire |
/// |---|---|
/// | [`Edit::Unchanged`] | the field is absent and not in `remove` |
/// | [`Edit::Clear`] | the field's `Fields*` name is in `remove` |
/// | [`Edit::Set`] | the field is present with the value |
///
/// ```
/// use stoat_core::http::routes::{Edit, EditChannel};
/// use stoat_core::http::Request;
///
/// let channel = "01M7YT8TV2Y5W4F97YBN29R66K".parse().unwrap();
/// let edit = EditChannel::new(channel).name("renamed").clear_description();
/// assert_eq!(edit.description, Edit::Clear);
/// let parts = edit.to_parts().unwrap();
/// # let stoat_core::http::Body::Json(bytes) = parts.body else { panic!() };
/// # let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
/// assert_eq!(body, serde_json::json!({"name": "renamed", "remove": ["Description"]}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Edit<T> {
    /// Leave the field as it is (the default).
    #[default]
    Unchanged,
    /// Remove the field's value.
    Clear,
    /// Replace the field's value.
    Set(T),
}

impl<T> Edit<T> {
    /// Whether the field is left alone.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Self::Unchanged)
    }

    /// Whether the field is cleared.
    pub fn is_clear(&self) -> bool {
        matches!(self, Self::Clear)
    }

    /// The new value, if the field is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            _ => None,
        }
    }
}

/// `Some(value)` sets the field, `None` clears it.
impl<T> From<Option<T>> for Edit<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Self::Set(value),
            None => Self::Clear,
        }
    }
}

/// Builds a JSON object body field by field, with an optional `remove` list of `F` names.
pub(crate) struct JsonBody<F = &'static str> {
    map: Map<String, Value>,
    remove: Vec<F>,
}

impl<F: Serialize> JsonBody<F> {
    pub(crate) fn new() -> Self {
        Self {
            map: Map::new(),
            remove: Vec::new(),
        }
    }

    /// Sets `key` to `value`.
    pub(crate) fn set<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<&mut Self, ValidationError> {
        let value = serde_json::to_value(value).map_err(|e| ValidationError::Invalid {
            field: "body",
            reason: e.to_string(),
        })?;
        self.map.insert(key.to_owned(), value);
        Ok(self)
    }

    /// Sets `key` if `value` is present.
    pub(crate) fn opt<T: Serialize>(
        &mut self,
        key: &str,
        value: &Option<T>,
    ) -> Result<&mut Self, ValidationError> {
        match value {
            Some(value) => self.set(key, value),
            None => Ok(self),
        }
    }

    /// Sets `key`, or lists `field` in `remove`, or neither.
    pub(crate) fn edit<T: Serialize>(
        &mut self,
        key: &str,
        value: &Edit<T>,
        field: F,
    ) -> Result<&mut Self, ValidationError> {
        match value {
            Edit::Unchanged => Ok(self),
            Edit::Clear => {
                self.remove.push(field);
                Ok(self)
            }
            Edit::Set(value) => self.set(key, value),
        }
    }

    /// Lists `field` in `remove` if `clear` is true.
    pub(crate) fn clear_if(&mut self, clear: bool, field: F) -> &mut Self {
        if clear {
            self.remove.push(field);
        }
        self
    }

    /// Adds `inner` as an object under `key` (if it sets anything) and moves its
    /// `remove` names into this body's list.
    pub(crate) fn nest(
        &mut self,
        key: &str,
        mut inner: JsonBody<F>,
    ) -> Result<&mut Self, ValidationError> {
        self.remove.append(&mut inner.remove);
        if !inner.map.is_empty() {
            self.map.insert(key.to_owned(), Value::Object(inner.map));
        }
        Ok(self)
    }

    /// The finished body (`remove` only when something is cleared).
    pub(crate) fn finish(&mut self) -> Result<Body, ValidationError> {
        if !self.remove.is_empty() {
            let remove = std::mem::take(&mut self.remove);
            self.set("remove", &remove)?;
        }
        Body::json(&self.map)
    }
}
