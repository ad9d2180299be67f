//! Keeping wire objects whose tag this library does not know.

/// Declares a struct that holds a tagged object with an unknown tag, verbatim.
macro_rules! unknown_object {
    ($(#[$meta:meta])* $name:ident, $tag:literal) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            #[doc = concat!("The `", $tag, "` value.")]
            #[serde(rename = $tag)]
            pub kind: String,
            /// Every other field, verbatim.
            #[serde(flatten)]
            pub fields: ::serde_json::Map<String, ::serde_json::Value>,
        }
    };
}

/// Implements `Serialize`/`Deserialize` for a tagged enum derived with
/// `#[serde(remote = "Self")]` whose last variant is `#[serde(untagged)] Unknown(..)`.
///
/// serde falls back to the untagged variant on *any* error, so a known tag with a bad shape
/// would silently become `Unknown`; this rejects that case instead, so `Unknown` only ever
/// holds tags this library does not know.
macro_rules! checked_tagged_enum {
    ($name:ident, [$($known:literal),* $(,)?]) => {
        impl $name {
            /// The tags this library decodes into typed variants.
            pub const KNOWN_TAGS: &'static [&'static str] = &[$($known),*];
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $name::serialize(self, s)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = $name::deserialize(d)?;
                if let $name::Unknown(unknown) = &value {
                    if Self::KNOWN_TAGS.contains(&unknown.kind.as_str()) {
                        return Err(<D::Error as ::serde::de::Error>::custom(format!(
                            concat!("malformed ", stringify!($name), " `{}`: its fields do not match"),
                            unknown.kind
                        )));
                    }
                }
                Ok(value)
            }
        }
    };
}

unknown_object!(
    /// An object tagged by `type` whose value this library does not know, kept verbatim.
    UnknownVariant, "type"
);
