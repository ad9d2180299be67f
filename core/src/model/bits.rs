//! A macro for wire bit flags that serialise as plain integers.

/// Declares a `bitflags` type that is an integer on the wire (JSON number, msgpack int),
/// keeps unknown bits on a round trip (`from_bits_retain`), and accepts a negative signed
/// integer by reinterpreting its bits (some fields are `i32`/`i64` on the server).
macro_rules! wire_bitflags {
    (
        $(#[$($meta:tt)*])*
        pub struct $name:ident: $repr:ty, $signed:ty {
            $( $(#[$($fmeta:tt)*])* const $flag:ident = $value:expr; )*
        }
    ) => {
        ::bitflags::bitflags! {
            $(#[$($meta)*])*
            #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
            pub struct $name: $repr {
                $( $(#[$($fmeta)*])* const $flag = $value; )*
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, concat!(stringify!($name), "({:#x}"), self.bits())?;
                let mut first = true;
                for (name, _) in self.iter_names() {
                    f.write_str(if first { ": " } else { " | " })?;
                    f.write_str(name)?;
                    first = false;
                }
                let unknown = self.bits() & !Self::all().bits();
                if unknown != 0 {
                    write!(f, "{}{:#x}", if first { ": " } else { " | " }, unknown)?;
                }
                f.write_str(")")
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.bits(), s)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an integer (", stringify!($name), " bits)"))
                    }
                    fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        <$repr>::try_from(v)
                            .map($name::from_bits_retain)
                            .map_err(|_| E::custom(concat!(stringify!($name), " out of range")))
                    }
                    fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        if v >= 0 {
                            return self.visit_u64(v as u64);
                        }
                        <$signed>::try_from(v)
                            .map(|s| $name::from_bits_retain(s as $repr))
                            .map_err(|_| E::custom(concat!(stringify!($name), " out of range")))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}
