//! Decoding cost against frame size: how much CPU one gateway frame can cost, up to the
//! default `SessionConfig::max_message_size` (16 MiB). The figures quoted in that field's
//! documentation come from this benchmark.
//!
//! Run with `cargo bench -p stoat-core --bench frame_size`. Three shapes per size:
//! * `bulk_json` / `bulk_msgpack`: a `Bulk` of ordinary `Message` events (the costliest
//!   realistic shape: many small typed objects);
//! * `unknown_json`: an event type this library does not know, whose payload is kept as a
//!   generic JSON document (the slow path a future server event takes).

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use stoat_core::gateway::{decode, Format, WsMessage};

#[path = "support/frames.rs"]
mod frames;

const MIB: usize = 1 << 20;
const SIZES: [usize; 4] = [MIB / 4, MIB, 4 * MIB, 16 * MIB - 4096];

/// A `Bulk` of distinct messages, just under `size` bytes of JSON.
fn bulk_json(size: usize) -> String {
    let one = frames::MESSAGE.len() + 1;
    let count = (size - 32) / one;
    let mut out = String::with_capacity(size);
    out.push_str(r#"{"type":"Bulk","v":["#);
    for n in 0..count {
        if n > 0 {
            out.push(',');
        }
        // Distinct ids, same length: the frame is as large as it says.
        out.push_str(&frames::MESSAGE.replace(
            "01M7YT8F8NBH98W6P4028C2GH8",
            &format!("01M7YT8F8NBH98W6P40{n:07}"),
        ));
    }
    out.push_str("]}");
    out
}

/// An unknown event whose payload is an array of objects, just under `size` bytes.
fn unknown_json(size: usize) -> String {
    let item = r#"{"id":"01M7YT8F8NBH98W6P4028C2GH8","n":12345,"flag":true,"tags":["a","b"]},"#;
    let count = (size - 48) / item.len();
    let mut out = String::with_capacity(size);
    out.push_str(r#"{"type":"FutureEvent","items":["#);
    for _ in 0..count {
        out.push_str(item);
    }
    out.pop();
    out.push_str("]}");
    out
}

fn frame_size(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_size");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    for size in SIZES {
        let json = bulk_json(size);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let packed = rmp_serde::to_vec_named(&value).unwrap();
        let unknown = unknown_json(size);
        let label = format!("{}KiB", size.div_ceil(1024));

        let frame = WsMessage::Text(json.clone());
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_with_input(BenchmarkId::new("bulk_json", &label), &frame, |b, f| {
            b.iter(|| decode(Format::Json, black_box(f)).unwrap())
        });
        let frame = WsMessage::Binary(packed.clone().into());
        group.throughput(Throughput::Bytes(packed.len() as u64));
        group.bench_with_input(BenchmarkId::new("bulk_msgpack", &label), &frame, |b, f| {
            b.iter(|| decode(Format::Msgpack, black_box(f)).unwrap())
        });
        let frame = WsMessage::Text(unknown.clone());
        group.throughput(Throughput::Bytes(unknown.len() as u64));
        group.bench_with_input(BenchmarkId::new("unknown_json", &label), &frame, |b, f| {
            b.iter(|| decode(Format::Json, black_box(f)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, frame_size);
criterion_main!(benches);
