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
/// `#[serde(remote = "Self")]` whose last variant is `#[serde(skip)] Unknown(..)`.
///
/// Decoding reads the object once into a document and looks at the tag: a known tag is
/// decoded as that variant (a bad shape is an error saying what is wrong), anything else
/// is kept verbatim in `Unknown`. `Unknown` is written back exactly as it came.
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
                let document = <::serde_json::Value as ::serde::Deserialize>::deserialize(d)?;
                let known = match document.get($tag) {
                    Some(::serde_json::Value::String(tag)) => Self::KNOWN_TAGS.contains(&tag.as_str()),
                    Some(_) => return Err(D::Error::custom(concat!("`", $tag, "` is not a string"))),
                    None => return Err(D::Error::missing_field($tag)),
                };
                if known {
                    $name::deserialize(document).map_err(D::Error::custom)
                } else {
                    <$unknown as ::serde::Deserialize>::deserialize(document)
                        .map($name::Unknown)
                        .map_err(D::Error::custom)
                }
            }
        }
    };
}

unknown_object!(
    /// An object tagged by `type` whose value this library does not know, kept verbatim.
    UnknownVariant, "type"
);
