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

const MESSAGE: &str = r#"{"type":"Message","_id":"01M7YT8F8NBH98W6P4028C2GH8","nonce":"01M7YT8F8MDQDS8E1Y77TPXV3N","channel":"01M7YSZ8V81AWBPFRM30NYSV34","author":"01M7YSZ8H1XVFKYWFT7NKJHCGM","user":{"_id":"01M7YSZ8H1XVFKYWFT7NKJHCGM","username":"capowner","discriminator":"4012","relationship":"None","online":true},"member":{"_id":{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8H1XVFKYWFT7NKJHCGM"},"joined_at":"2026-11-21T10:21:00.440Z"},"content":"hello <@01M7YSZ8V6D4QNP163AMRA3ARS>, how are you today?","mentions":["01M7YSZ8V6D4QNP163AMRA3ARS"]}"#;

/// A Ready the size of a busy bot: 2000 users, 100 servers with 20 channels each.
pub fn large_ready() -> String {
    let id = |kind: u32, n: u32| format!("01M7YSZ8V6D4QNP16{kind:01}{n:08}");
    let users: Vec<String> = (0..2000)
        .map(|n| {
            format!(
                r#"{{"_id":"{}","username":"user{n}","discriminator":"{:04}","relationship":"None","online":{}}}"#,
                id(1, n),
                n % 9999,
                n % 2 == 0
            )
        })
        .collect();
    let mut servers = Vec::new();
    let mut channels = Vec::new();
    let mut members = Vec::new();
    for s in 0..100 {
        let channel_ids: Vec<String> = (0..20).map(|c| id(3, s * 100 + c)).collect();
        servers.push(format!(
            r#"{{"_id":"{}","owner":"{}","name":"Server {s}","channels":[{}],"default_permissions":77014766592,"approximate_member_count":150}}"#,
            id(2, s),
            id(1, s),
            channel_ids.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(",")
        ));
        for (c, channel) in channel_ids.iter().enumerate() {
            channels.push(format!(
                r#"{{"channel_type":"TextChannel","_id":"{channel}","server":"{}","name":"channel-{c}","description":"Talk about topic {c}"}}"#,
                id(2, s)
            ));
        }
        members.push(format!(
            r#"{{"_id":{{"server":"{}","user":"{}"}},"joined_at":"2026-11-21T10:21:00.440Z"}}"#,
            id(2, s),
            id(1, 1999)
        ));
    }
    format!(
        r#"{{"type":"Ready","users":[{}],"servers":[{}],"channels":[{}],"members":[{}],"emojis":[],"voice_states":[]}}"#,
        users.join(","),
        servers.join(","),
        channels.join(","),
        members.join(",")
    )
}

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
