//! A fast hasher for the cache's maps, whose keys are ULID-based ids.
//!
//! The ids are 16 random-ish bytes chosen by the server (a millisecond timestamp and 80
//! random bits), so they need no keyed, DoS-resistant hash: each 8-byte word is folded in
//! with a rotate, xor and multiply (the FxHash step), which costs a few instructions per
//! key instead of SipHash's rounds.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Folds words with `(h.rotl(5) ^ word) * K`. Words are read big-endian, so the last bytes
/// of an id (the ones that differ between ids made in the same millisecond) reach every
/// bit of the product.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdHasher(u64);

const K: u64 = 0xf135_7aea_2e62_a9c5;

impl IdHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_be_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_be_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the best-mixed bits high; hashbrown takes the bucket from
        // the low bits (and a tag from the top 7), so rotate the high bits down.
        self.0.rotate_left(26)
    }
}

/// A map keyed by ids, hashed with [`IdHasher`].
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn distinct_ids_hash_apart() {
        let build = BuildHasherDefault::<IdHasher>::default();
        let mut seen = std::collections::HashSet::new();
        for n in 0..10_000u32 {
            let id: crate::id::UserId = format!("01M7YSZ8V6D4QNP161{n:08}").parse().unwrap();
            // The low 16 bits pick the bucket in a map of this size: they must spread.
            seen.insert(build.hash_one(id) & 0xffff);
        }
        assert!(seen.len() > 9_000, "{}", seen.len());
    }
}
