//! Authors that repeat from frame to frame decode once.
//!
//! Every `Message` event carries its author's whole `user` object, and the same author sends
//! many messages, so a session sees the same few hundred bytes over and over. While an
//! [`Authors`] table is installed (see [`Authors::install`]), that field of a JSON message is
//! read as raw text first: text seen before yields the object decoded then,
//! shared (`Arc`), with no allocation and no decoding; new text is decoded and remembered.
//! Identical text always decodes to an identical object, so the result is the same as
//! decoding every time. Without a table installed, or on a deserializer that cannot hand out
//! raw text (msgpack, a buffered object), the field decodes as usual.
//!
//! Members (`Message::member`) are not interned: on the benchmark's frame mix, whose authors
//! write in any of ten servers, their text repeats too rarely to pay for the extra pass.
//!
//! The table is a bounded two-way set-associative cache keyed by a hash of the text and
//! checked against the text itself, so a hash collision only costs a miss.

use std::cell::RefCell;
use std::fmt;
use std::hash::Hasher;
use std::sync::Arc;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::tagged::Str;
use super::User;
use crate::cache::hash::IdHasher;

/// serde_json hands a value out as raw text when asked for a newtype struct of this name
/// (its `raw_value` feature): through `visit_map`, with this key and the text as its value.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

const HASHED_HEAD: usize = 48;
const HASHED_TAIL: usize = 24;

/// Recently seen author objects of one gateway session, by their JSON text.
#[derive(Default)]
pub(crate) struct Authors {
    users: Table<User>,
}

/// The size and fill, not thousands of remembered users (a `Session`'s `Debug` shows this).
impl fmt::Debug for Authors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let remembered = self.users.entries.iter().flatten().flatten().count();
        f.debug_struct("Authors")
            .field("capacity", &(self.users.sets * 2))
            .field("remembered", &remembered)
            .finish()
    }
}

thread_local! {
    /// The table of the decode running on this thread, if it interns.
    static INSTALLED: RefCell<Option<Authors>> = const { RefCell::new(None) };
}

/// Puts the table back where it came from when the decode ends (or unwinds).
struct Installed<'a>(&'a mut Authors);

impl Drop for Installed<'_> {
    fn drop(&mut self) {
        if let Some(authors) = INSTALLED.with(|slot| slot.borrow_mut().take()) {
            *self.0 = authors;
        }
    }
}

impl Authors {
    /// A table remembering up to `capacity` users (rounded up to a power of two; 0 remembers
    /// nothing). Its slots are allocated with the first message.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            users: Table::new(capacity),
        }
    }

    /// Runs `decode` with this table installed for the fields that intern.
    pub(crate) fn install<R>(&mut self, decode: impl FnOnce() -> R) -> R {
        if self.users.sets == 0 {
            return decode();
        }
        let table = std::mem::take(self);
        INSTALLED.with(|slot| *slot.borrow_mut() = Some(table));
        let _restore = Installed(self);
        decode()
    }
}

struct Entry<T> {
    text: Box<str>,
    value: Arc<T>,
}

/// Two entries per set; the first is the more recently used.
struct Table<T> {
    sets: usize,
    entries: Vec<[Option<Entry<T>>; 2]>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            sets: 0,
            entries: Vec::new(),
        }
    }
}

impl<T: DeserializeOwned> Table<T> {
    fn new(capacity: usize) -> Self {
        Self {
            sets: capacity.div_ceil(2).next_power_of_two() * usize::from(capacity > 0),
            entries: Vec::new(),
        }
    }

    fn get_or_decode(&mut self, text: &str) -> Result<Arc<T>, serde_json::Error> {
        if self.entries.is_empty() {
            self.entries.resize_with(self.sets, || [None, None]);
        }
        // The text is compared in full below, so the hash need not read all of it: the
        // start (an author's id comes first) and the end, with the length.
        let bytes = text.as_bytes();
        let mut hasher = IdHasher::default();
        hasher.write_usize(bytes.len());
        hasher.write(&bytes[..bytes.len().min(HASHED_HEAD)]);
        hasher.write(&bytes[bytes.len().saturating_sub(HASHED_TAIL)..]);
        let set = &mut self.entries[hasher.finish() as usize & (self.sets - 1)];
        for way in 0..2 {
            if set[way].as_ref().is_some_and(|e| &*e.text == text) {
                set.swap(0, way);
                return Ok(Arc::clone(&set[0].as_ref().expect("just matched").value));
            }
        }
        let value = Arc::new(serde_json::from_str::<T>(text)?);
        set.swap(0, 1);
        set[0] = Some(Entry {
            text: text.into(),
            value: Arc::clone(&value),
        });
        Ok(value)
    }
}

/// `deserialize_with` for `Message::user`.
pub(crate) fn optional_user<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Arc<User>>, D::Error> {
    if INSTALLED.with(|slot| slot.borrow().is_none()) {
        return Option::<Arc<User>>::deserialize(d);
    }
    d.deserialize_option(OptionVisitor)
}

struct OptionVisitor;

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<Arc<User>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawVisitor)
            .map(Some)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Arc<User>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    /// serde_json's raw text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Arc<User>, A::Error> {
        match map.next_key::<Str<'de>>()? {
            Some(Str(key)) if key == RAW_VALUE_TOKEN => {}
            _ => return Err(de::Error::custom("expected raw JSON text")),
        }
        let Str(text) = map.next_value::<Str<'de>>()?;
        let decoded = INSTALLED.with(|slot| match slot.borrow_mut().as_mut() {
            Some(authors) => authors.users.get_or_decode(&text),
            None => serde_json::from_str::<User>(&text).map(Arc::new),
        });
        decoded.map_err(|error| de::Error::custom(without_position(&error)))
    }

    /// Any other deserializer: decode as usual.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Arc<User>, D::Error> {
        User::deserialize(d).map(Arc::new)
    }
}

/// serde_json's message without its position, which counts from the start of the author's
/// text (the outer deserializer adds the position in the frame).
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Message;

    const AUTHOR: &str = r#"{"_id":"01M7YSZ8V6D4QNP163AMRA3ARS","username":"ann","discriminator":"0001","online":true}"#;
    const MEMBER: &str = r#"{"_id":{"server":"01M7YSZ8V81AWBPFRM30NYSV34","user":"01M7YSZ8V6D4QNP163AMRA3ARS"},"joined_at":"2026-04-15T10:21:00.440Z"}"#;

    fn message(n: u32, user: &str) -> String {
        format!(
            r#"{{"_id":"01M7YT8F8NBH98W6P40280000{n}","channel":"01M7YSZ8V81AWBPFRM30NYSV34","author":"01M7YSZ8V6D4QNP163AMRA3ARS","user":{user},"member":{MEMBER},"content":"hi"}}"#
        )
    }

    fn decode(authors: &mut Authors, text: &str) -> Message {
        authors.install(|| serde_json::from_str(text)).unwrap()
    }

    #[test]
    fn repeated_authors_are_shared_and_decode_as_without_a_table() {
        let mut authors = Authors::new(16);
        let first = decode(&mut authors, &message(1, AUTHOR));
        let second = decode(&mut authors, &message(2, AUTHOR));
        let plain: Message = serde_json::from_str(&message(2, AUTHOR)).unwrap();
        assert_eq!(second, plain);
        assert!(Arc::ptr_eq(
            first.user.as_ref().unwrap(),
            second.user.as_ref().unwrap()
        ));
        // Members are decoded each time.
        assert!(!Arc::ptr_eq(
            first.member.as_ref().unwrap(),
            second.member.as_ref().unwrap()
        ));
        // Without a table nothing is shared.
        let again: Message = serde_json::from_str(&message(2, AUTHOR)).unwrap();
        assert!(!Arc::ptr_eq(
            again.user.as_ref().unwrap(),
            plain.user.as_ref().unwrap()
        ));
    }

    #[test]
    fn changed_text_decodes_afresh() {
        let mut authors = Authors::new(16);
        let before = decode(&mut authors, &message(1, AUTHOR));
        let renamed = AUTHOR.replace("ann", "anne");
        let after = decode(&mut authors, &message(2, &renamed));
        assert_eq!(after.user.as_ref().unwrap().username, "anne");
        assert_eq!(before.user.as_ref().unwrap().username, "ann");
        // Both versions are remembered (in two sets, or in the two ways of one) and shared.
        let back = decode(&mut authors, &message(3, AUTHOR));
        assert!(Arc::ptr_eq(
            before.user.as_ref().unwrap(),
            back.user.as_ref().unwrap()
        ));
    }

    #[test]
    fn null_and_missing_authors_and_bad_ones() {
        let mut authors = Authors::new(16);
        let null = decode(&mut authors, &message(1, "null"));
        assert!(null.user.is_none());
        let err = authors
            .install(|| serde_json::from_str::<Message>(&message(2, r#"{"_id":"x"}"#)))
            .unwrap_err();
        assert!(err.to_string().contains("user id"), "{err}");
        // The table survives a failed decode and is back in place afterwards.
        assert!(INSTALLED.with(|slot| slot.borrow().is_none()));
        assert_eq!(authors.users.sets, 8);
        decode(&mut authors, &message(3, AUTHOR));
    }

    #[test]
    fn debug_output_shows_the_size_not_the_users() {
        let mut authors = Authors::new(16);
        decode(&mut authors, &message(1, AUTHOR));
        assert_eq!(
            format!("{authors:?}"),
            "Authors { capacity: 16, remembered: 1 }"
        );
    }

    #[test]
    fn a_table_of_nothing_interns_nothing() {
        let mut authors = Authors::new(0);
        let first = decode(&mut authors, &message(1, AUTHOR));
        let second = decode(&mut authors, &message(2, AUTHOR));
        assert!(!Arc::ptr_eq(
            first.user.as_ref().unwrap(),
            second.user.as_ref().unwrap()
        ));
    }

    #[test]
    fn the_table_is_restored_when_a_decode_panics() {
        let mut authors = Authors::new(16);
        decode(&mut authors, &message(1, AUTHOR));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            authors.install(|| panic!("handler bug"))
        }));
        assert!(outcome.is_err());
        assert!(INSTALLED.with(|slot| slot.borrow().is_none()));
        assert_eq!(authors.users.entries.len(), 8);
    }
}
