//! serde helpers for [`Secret`](crate::auth::Secret) fields (tokens inside wire objects),
//! which stay redacted in `Debug`.

use serde::{Deserialize, Deserializer, Serializer};

use crate::auth::Secret;

/// Serialises a secret as its plain string.
pub(crate) fn serialize<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose())
}

/// Reads a plain string into a secret.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    String::deserialize(d).map(Secret::new)
}

/// The same for `Option<Secret>` (`null` when absent).
pub(crate) mod option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        secret: &Option<Secret>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => s.serialize_some(secret.expose()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Secret::new))
    }
}
