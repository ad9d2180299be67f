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
///
/// With `by_tag = Twin` (an externally tagged twin declared by [`tagged_enum!`]), an object
/// whose tag comes first is decoded without buffering (see `model::tagged`); the buffered
/// path above is kept for objects whose tag is not first.
macro_rules! checked_tagged_enum {
    ($name:ident, $tag:literal, $unknown:ident, [$($known:literal),* $(,)?]) => {
        checked_tagged_enum!(@common $name, $tag, $unknown, [$($known),*]);

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Self::deserialize_checked(d)
            }
        }
    };
    ($name:ident, $tag:literal, $unknown:ident, [$($known:literal),* $(,)?], by_tag = $twin:ident) => {
        checked_tagged_enum!(@common $name, $tag, $unknown, [$($known),*]);

        impl $crate::model::tagged::Tagged for $name {
            const TAG: &'static str = $tag;
            const EXPECTING: &'static str = concat!("a ", stringify!($name), " object");
            fn is_known(tag: &str) -> bool {
                Self::KNOWN_TAGS.contains(&tag)
            }
            fn known<'de, A: ::serde::de::MapAccess<'de>>(tag: &str, rest: A) -> Result<Self, A::Error> {
                $twin::deserialize($crate::model::tagged::TaggedRest::new(tag, rest))
            }
            fn unknown(tag: String, fields: ::serde_json::Map<String, ::serde_json::Value>) -> Self {
                $name::Unknown($unknown { kind: tag, fields: Box::new(fields) })
            }
            fn buffered(
                object: ::serde_json::Map<String, ::serde_json::Value>,
            ) -> Result<Self, ::serde_json::Error> {
                Self::deserialize_checked(::serde_json::Value::Object(object))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::model::tagged::deserialize_tagged(d)
            }
        }
    };
    (@common $name:ident, $tag:literal, $unknown:ident, [$($known:literal),* $(,)?]) => {
        impl $name {
            /// The tags this library decodes into typed variants.
            pub const KNOWN_TAGS: &'static [&'static str] = &[$($known),*];

            /// The buffered decoder: tagged variants first, then `Unknown`, checked.
            #[allow(dead_code)]
            fn deserialize_checked<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
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

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $name::Unknown(unknown) => ::serde::Serialize::serialize(unknown, s),
                    known => $name::serialize(known, s),
                }
            }
        }
    };
}

/// Declares an internally tagged wire enum (tag `$tag`, last variant `Unknown`) and its
/// externally tagged twin `$twin`, which decodes a known variant from the rest of an object
/// whose tag was already read (see `model::tagged`). The twin shares the variant list, so
/// the two cannot drift apart.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident (tag = $tag:literal, twin = $twin:ident, remote = $remote:literal $(, $extra:meta)*) {
            $($body:tt)*
        }
        $(#[$umeta:meta])*
        Unknown($unknown:ident);
        known = [$($known:literal),* $(,)?];
    ) => {
        $(#[$meta])*
        #[derive(::serde::Serialize, ::serde::Deserialize)]
        #[serde(tag = $tag, remote = "Self" $(, $extra)*)]
        pub enum $name {
            $($body)*
            $(#[$umeta])*
            #[serde(untagged)]
            Unknown($unknown),
        }

        /// The externally tagged twin used by the unbuffered decoder.
        #[derive(::serde::Deserialize)]
        #[serde(remote = $remote $(, $extra)*)]
        #[allow(dead_code, clippy::large_enum_variant)]
        enum $twin {
            $($body)*
        }

        checked_tagged_enum!($name, $tag, $unknown, [$($known),*], by_tag = $twin);
    };
}

unknown_object!(
    /// An object tagged by `type` whose value this library does not know, kept verbatim.
    UnknownVariant, "type"
);
