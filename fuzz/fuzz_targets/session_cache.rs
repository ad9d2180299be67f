#![no_main]
//! `session_cache`: see `stoat_core::fuzz::session_cache` (the virtual clock starts at the process start).

use std::sync::OnceLock;
use std::time::Instant;

static ORIGIN: OnceLock<Instant> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let origin = *ORIGIN.get_or_init(Instant::now);
    stoat_core::fuzz::session_cache(origin, data)
});
