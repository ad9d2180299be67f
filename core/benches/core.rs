//! Core hot paths: gateway ingest (decode + session + cache), a large Ready, request
//! building, and the rate limiter.
//!
//! Run with `cargo bench -p stoat-core`. The frames are shaped like the captured server
//! traffic; `large_ready` is synthetic but uses the same object shapes.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use http::Method;
use stoat_core::auth::Token;
use stoat_core::cache::Cache;
use stoat_core::gateway::{decode, Format, Output, Session, SessionConfig, WsMessage};
use stoat_core::http::routes::SendMessage;
use stoat_core::http::Rest;
use stoat_core::ratelimit::{Acquire, BucketKey, RateLimiter};

#[path = "support/frames.rs"]
mod frames;

use frames::{large_ready, MESSAGE};

fn ready_session(now: Instant) -> Session {
    let mut session = Session::new(SessionConfig::new("ws://bench", Token::bot("t")));
    session.start(now);
    session.handle_connected(now);
    session.handle_message(now, WsMessage::Text(r#"{"type":"Ready"}"#.into()));
    while session.poll_output().is_some() {}
    session
}

fn gateway_ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("gateway_ingest");
    group.throughput(Throughput::Elements(1));
    let now = Instant::now();
    let json = WsMessage::Text(MESSAGE.to_owned());
    let value: serde_json::Value = serde_json::from_str(MESSAGE).unwrap();
    let msgpack = WsMessage::Binary(rmp_serde::to_vec_named(&value).unwrap().into());

    group.bench_function("decode_message_json", |b| {
        b.iter(|| decode(Format::Json, black_box(&json)).unwrap())
    });
    group.bench_function("decode_message_msgpack", |b| {
        b.iter(|| decode(Format::Msgpack, black_box(&msgpack)).unwrap())
    });
    group.bench_function("session_and_cache_message_json", |b| {
        let mut session = ready_session(now);
        let mut cache = Cache::default();
        b.iter(|| {
            session.handle_message(now, json.clone());
            while let Some(output) = session.poll_output() {
                if let Output::Event(event) = output {
                    black_box(cache.apply(&event));
                }
            }
        })
    });
    group.finish();
}

fn ready(c: &mut Criterion) {
    let text = large_ready();
    let frame = WsMessage::Text(text.clone());
    let mut group = c.benchmark_group("large_ready");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("decode", |b| {
        b.iter(|| decode(Format::Json, black_box(&frame)).unwrap())
    });
    group.bench_function("decode_and_fill_cache", |b| {
        b.iter_batched(
            Cache::default,
            |mut cache| {
                let event = decode(Format::Json, &frame).unwrap();
                black_box(cache.apply(&event));
                cache
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn request_building(c: &mut Criterion) {
    let rest = Rest::new("https://api.stoat.chat", Some(Token::bot("bot-token")));
    let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
    let reply = "01M7YT8F8NBH98W6P4028C2GH8".parse().unwrap();
    c.bench_function("request_building/send_message", |b| {
        b.iter(|| {
            let request = SendMessage::new(channel, "pong").reply_to(reply, true);
            black_box(rest.prepare(black_box(&request)).unwrap().to_http())
        })
    });
}

fn rate_limiter(c: &mut Criterion) {
    let key = BucketKey::resolve(
        &Method::POST,
        "/channels/01M7YSZ8V81AWBPFRM30NYSV34/messages",
    );
    c.bench_function("rate_limiter/resolve_bucket", |b| {
        b.iter(|| {
            BucketKey::resolve(
                black_box(&Method::POST),
                black_box("/channels/01M7YSZ8V81AWBPFRM30NYSV34/messages"),
            )
        })
    });
    c.bench_function("rate_limiter/enqueue_acquire", |b| {
        let mut limiter = RateLimiter::new();
        let mut now = Instant::now();
        b.iter(|| {
            let ticket = limiter.enqueue(key.clone());
            loop {
                match limiter.acquire(&ticket, now) {
                    Acquire::Ready => break,
                    Acquire::Wait(until) => now = until + Duration::from_millis(1),
                }
            }
        })
    });
}

criterion_group!(
    benches,
    gateway_ingest,
    ready,
    request_building,
    rate_limiter
);
criterion_main!(benches);
