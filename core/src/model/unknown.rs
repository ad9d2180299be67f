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
            pub fields: Box<::serde_json::Map<String, ::serde_json::Value>>,
        }
    };
}

/// Implements `Serialize`/`Deserialize` for a tagged enum derived with
/// `#[serde(remote = "Self")]` whose last variant is `#[serde(untagged)] Unknown(..)`.
///
/// Decoding is one pass: serde reads the object once and tries the tagged variants, then
/// `Unknown`. An object whose tag is *known* but whose fields do not fit that variant would
/// land in `Unknown` too; that is turned into an error naming the type and tag, so a broken
/// known object is never mistaken for a new kind. `Unknown` is written back exactly as it came.
macro_rules! checked_tagged_enum {
    ($name:ident, $tag:literal, $unknown:ident, [$($known:literal),* $(,)?]) => {
        impl $name {
            /// The tags this library decodes into typed variants.
            pub const KNOWN_TAGS: &'static [&'static str] = &[$($known),*];
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $name::Unknown(unknown) => ::serde::Serialize::serialize(unknown, s),
                    known => $name::serialize(known, s),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use ::serde::de::Error;
                match $name::deserialize(d)? {
                    $name::Unknown(unknown) if Self::KNOWN_TAGS.contains(&unknown.kind.as_str()) => {
                        Err(D::Error::custom(format!(
                            concat!("malformed ", stringify!($name), " `{}`: its fields do not match"),
                            unknown.kind
                        )))
                    }
                    decoded => Ok(decoded),
                }
            }
        }
    };
}

unknown_object!(
    /// An object tagged by `type` whose value this library does not know, kept verbatim.
    UnknownVariant, "type"
);
