//! The memory the cache holds after the large Ready (50k users, 20k channels, 1k servers),
//! measured by a counting global allocator: the bytes of live allocations after the event
//! was applied and dropped, minus those before. Target: at most 32 MB.
//!
//! It then feeds the realistic frame mix (`support/frames.rs`) through a bot's session and
//! that cache, and reports what the cache and session hold afterwards (messages included),
//! with the session remembering authors (the default) and without.
//!
//! Run with `cargo bench -p stoat-core --bench memory` (`cargo bench -p stoat-core` runs it
//! after the timings, which live in another binary so the counting does not skew them).

#![allow(missing_docs)]

use std::alloc::System;
use std::time::Instant;

use cap::Cap;
use stoat_core::auth::Token;
use stoat_core::cache::Cache;
use stoat_core::gateway::{decode, Format, Output, Session, SessionConfig, WsMessage};

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
    drop(cache);

    let mix = frames::frame_mix(50_000);
    for remembered in [
        SessionConfig::new("", Token::bot("t")).remembered_authors,
        0,
    ] {
        let before = ALLOCATOR.allocated();
        let mut cache = Cache::default();
        cache.apply(&decode(Format::Json, &frame).unwrap());
        let mut session = ready_session(remembered);
        let now = Instant::now();
        for frame in &mix {
            session.handle_message(now, WsMessage::Text(frame.clone()));
            while let Some(output) = session.poll_output() {
                if let Output::Event(event) = output {
                    cache.apply(&event);
                }
            }
        }
        println!(
            "CACHE + session bytes after the large Ready and {} frames = {:.1} MB  ({} messages cached; session remembering {remembered} authors)",
            mix.len(),
            mb(ALLOCATOR.allocated() - before),
            cache.messages().count(),
        );
        std::hint::black_box((&cache, &session));
    }
}

/// A session past its handshake, ready for events.
fn ready_session(remembered_authors: usize) -> Session {
    let now = Instant::now();
    let config =
        SessionConfig::new("ws://bench", Token::bot("t")).remembered_authors(remembered_authors);
    let mut session = Session::new(config);
    session.start(now);
    session.handle_connected(now);
    session.handle_message(now, WsMessage::Text(r#"{"type":"Ready"}"#.into()));
    while session.poll_output().is_some() {}
    session
}
