//! Decoding internally tagged objects in one pass, without buffering.
//!
//! serde's derive for `#[serde(tag = "...")]` enums reads the whole object into a buffer
//! before it looks at the tag, then replays the buffer into the variant. The server writes
//! the tag first, so here the first key is read: when it is the tag and the tag is known,
//! the rest of the object streams straight into the variant (through a derived,
//! externally tagged twin of the enum, see `tagged_enum!`); an unknown tag collects the
//! other fields into the `Unknown` variant; only an object whose tag is not first takes the
//! buffered path, which decodes exactly as before.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};

/// A string key or value, borrowed from the input when it can be.
pub(crate) struct Str<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// An internally tagged wire type decoded by [`deserialize_tagged`].
pub(crate) trait Tagged: Sized {
    /// The tag key, e.g. `type`.
    const TAG: &'static str;
    /// What the decoder expects, for error messages.
    const EXPECTING: &'static str;
    /// Whether `tag` names a typed variant.
    fn is_known(tag: &str) -> bool;
    /// Decodes the variant `tag` (known) from the rest of the object.
    fn known<'de, A: MapAccess<'de>>(tag: &str, rest: A) -> Result<Self, A::Error>;
    /// The `Unknown` variant: the tag and every other field.
    fn unknown(tag: String, fields: Map<String, Value>) -> Self;
    /// The whole object, buffered (the tag was not first).
    fn buffered(object: Map<String, Value>) -> Result<Self, serde_json::Error>;
}

/// Decodes a [`Tagged`] type from any self-describing format.
pub(crate) fn deserialize_tagged<'de, T: Tagged, D: Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    d.deserialize_map(TaggedVisitor::<T>(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let first = map.next_key::<Str<'de>>()?;
        match first {
            Some(Str(key)) if key == T::TAG => {
                let Str(tag) = map.next_value::<Str<'de>>()?;
                if T::is_known(&tag) {
                    T::known(&tag, map)
                } else {
                    let mut fields = Map::new();
                    while let Some((key, value)) = map.next_entry::<String, Value>()? {
                        fields.insert(key, value);
                    }
                    Ok(T::unknown(tag.into_owned(), fields))
                }
            }
            first => {
                let mut fields = Map::new();
                if let Some(Str(key)) = first {
                    let value = map.next_value::<Value>()?;
                    fields.insert(key.into_owned(), value);
                }
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    fields.insert(key, value);
                }
                T::buffered(fields).map_err(de::Error::custom)
            }
        }
    }
}

/// The rest of an object whose tag was read, presented to a derived externally tagged
/// enum as `{tag: rest}`: the tag picks the variant, the remaining entries are its fields.
pub(crate) struct TaggedRest<'a, A> {
    tag: &'a str,
    map: A,
}

impl<'a, A> TaggedRest<'a, A> {
    pub(crate) fn new(tag: &'a str, map: A) -> Self {
        Self { tag, map }
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for TaggedRest<'_, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> de::EnumAccess<'de> for TaggedRest<'_, A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), A::Error> {
        let variant = seed.deserialize(de::value::StrDeserializer::<A::Error>::new(self.tag))?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> de::VariantAccess<'de> for TaggedRest<'_, A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        // Like serde's internally tagged unit variants: other fields are ignored.
        while self.map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(de::value::MapAccessDeserializer::new(self.map))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("tuple variants are not tagged objects"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.map)
    }
}
