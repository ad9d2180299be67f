//! The memory the cache holds after the large Ready (50k users, 20k channels, 1k servers),
//! measured by a counting global allocator: the bytes of live allocations after the event
//! was applied and dropped, minus those before. Target: at most 32 MB.
//!
//! Run with `cargo bench -p stoat-core --bench memory` (`cargo bench -p stoat-core` runs it
//! after the timings, which live in another binary so the counting does not skew them).

#![allow(missing_docs)]

use std::alloc::System;

use cap::Cap;
use stoat_core::cache::Cache;
use stoat_core::gateway::{decode, Format, WsMessage};

#[path = "support/frames.rs"]
mod frames;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

fn main() {
    // `cargo test --benches` runs bench binaries without `--bench`: nothing to measure then.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let frame = WsMessage::Text(frames::large_ready());
    let base = ALLOCATOR.allocated();
    let mut cache = Cache::default();
    let event = decode(Format::Json, &frame).unwrap();
    let event_bytes = ALLOCATOR.allocated() - base;
    cache.apply(&event);
    drop(event);
    let cache_bytes = ALLOCATOR.allocated() - base;
    let mb = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!(
        "CACHE bytes after large Ready = {:.1} MB  (target <= 32 MB; the decoded event held {:.1} MB; {} users, {} channels, {} servers cached)",
        mb(cache_bytes),
        mb(event_bytes),
        cache.users().count(),
        cache.channels().count(),
        cache.servers().count(),
    );
    std::hint::black_box(&cache);
}
