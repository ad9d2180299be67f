//! Events per second through bridge → Redis → workers, for 1, 2 and 4 workers whose handler
//! costs a fixed CPU time, and the bridge's overhead per event against a single-process
//! client.
//!
//! `cargo bench -p stoat-bridge --bench fanout` (needs a Redis: `STOAT_REDIS_URL`, or
//! `redis-server` on PATH). Prints medians of several runs and the scaling ratio against
//! one worker.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use stoat_bridge::testing::{unique_bot, TestRedis};
use stoat_bridge::{Bridge, BridgeOptions};
use stoat_conformance::{FakeConfig, FakeServer};
use stoat_core::client::ClientConfig;
use stoat_core::gateway::Event;
use stoat_core::{Endpoints, Token};
use stoat_worker::WorkerOptions;

const EVENTS: usize = 2000;
const RUNS: usize = 5;
const HANDLER_COST: Duration = Duration::from_micros(250);

fn config(server: &FakeServer) -> ClientConfig {
    ClientConfig::new(Token::bot(server.bot_token())).endpoints(Endpoints::new(
        server.api_url(),
        server.ws_url(),
        server.autumn_url(),
    ))
}

fn typing(server: &FakeServer, i: usize) -> serde_json::Value {
    json!({"type": "ChannelStartTyping", "id": server.channel_id(), "user": server.owner_id(), "n": i})
}

/// Burns `cost` of CPU time on this thread (a handler doing real work, not sleeping).
fn spin(cost: Duration) {
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < cost {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
    }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn is_typing(event: &Event) -> bool {
    matches!(event, Event::ChannelStartTyping { .. })
}

/// One run: `workers` blocking workers, `EVENTS` events pushed; events/s from the first
/// push to the last handler's return.
fn fanout_run(
    rt: &tokio::runtime::Runtime,
    redis: &TestRedis,
    workers: usize,
    cost: Duration,
) -> f64 {
    let server = FakeServer::start(FakeConfig::for_tests());
    let bot = unique_bot("bench");
    let bridge = rt.block_on(async {
        Bridge::connect(config(&server), BridgeOptions::new(redis.url()).bot(&bot))
            .await
            .unwrap()
    });
    let handle = bridge.handle();
    rt.spawn(async move { bridge.run().await.ok() });
    while handle.with_cache(|c| c.current_user().is_none()) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300)); // the snapshot after Ready
    let handled = Arc::new(AtomicUsize::new(0));
    let mut threads = Vec::new();
    let mut ready = Vec::new();
    for w in 0..workers {
        let options = WorkerOptions::new(redis.url(), "bench", format!("w{w}")).bot(&bot);
        let worker = stoat_blocking::Worker::connect_with(config(&server), options).unwrap();
        ready.push(worker.handle());
        let handled = handled.clone();
        threads.push(std::thread::spawn(move || {
            let mut worker = worker;
            while let Some(Ok(update)) = worker.next_event() {
                if is_typing(&update.event) {
                    spin(cost);
                    if handled.fetch_add(1, Ordering::Relaxed) + 1 == EVENTS {
                        return;
                    }
                } else if handled.load(Ordering::Relaxed) >= EVENTS {
                    return;
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    for i in 0..EVENTS {
        server.push_event(typing(&server, i));
    }
    while handled.load(Ordering::Relaxed) < EVENTS {
        std::thread::sleep(Duration::from_micros(200));
    }
    let elapsed = start.elapsed();
    // The other workers are parked in next_event: push events until each has seen one.
    let mut extra = EVENTS;
    while !threads.iter().all(|t| t.is_finished()) {
        server.push_event(typing(&server, extra));
        extra += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    for thread in threads {
        let _ = thread.join();
    }
    rt.block_on(handle.shutdown());
    EVENTS as f64 / elapsed.as_secs_f64()
}

/// One run of a single-process tokio client: events/s from the first push to the last
/// event read.
fn direct_run(rt: &tokio::runtime::Runtime) -> f64 {
    let server = FakeServer::start(FakeConfig::for_tests());
    rt.block_on(async {
        let mut client = stoat_tokio::Client::connect(config(&server)).await.unwrap();
        while client.with_cache(|c| c.current_user().is_none()) {
            client.next_event().await;
        }
        let start = Instant::now();
        for i in 0..EVENTS {
            server.push_event(typing(&server, i));
        }
        let mut seen = 0;
        while seen < EVENTS {
            if is_typing(&client.next_event().await.unwrap().unwrap().event) {
                seen += 1;
            }
        }
        let rate = EVENTS as f64 / start.elapsed().as_secs_f64();
        client.shutdown().await;
        rate
    })
}

fn main() {
    let Some(redis) = TestRedis::get() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "fan-out: {EVENTS} events, handler cost {HANDLER_COST:?} of CPU, {} cores, median of {RUNS} runs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut one = 0.0;
    for workers in [1, 2, 4] {
        let rates: Vec<f64> = (0..RUNS)
            .map(|_| fanout_run(&rt, &redis, workers, HANDLER_COST))
            .collect();
        let rate = median(rates);
        if workers == 1 {
            one = rate;
        }
        println!(
            "  {workers} worker(s): {rate:>8.0} events/s  (x{:.2} vs 1 worker; ideal x{workers} needs {workers} free cores)",
            rate / one
        );
    }
    let direct = median((0..RUNS).map(|_| direct_run(&rt)).collect());
    let bridged = median(
        (0..RUNS)
            .map(|_| fanout_run(&rt, &redis, 1, Duration::ZERO))
            .collect(),
    );
    let overhead = 1e6 / bridged - 1e6 / direct;
    println!("no-op handler: single-process client {direct:>8.0} events/s, bridge → Redis → 1 worker {bridged:>8.0} events/s");
    println!(
        "  the fan-out adds {overhead:.1} µs per event ({:.2}x the single-process time per event)",
        (1e6 / bridged) / (1e6 / direct)
    );
}
