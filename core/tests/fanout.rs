//! The fan-out decisions that need an `Instant` (core's own code never reads the clock, so
//! these live outside `src/`): the shared bucket against the in-process limiter, re-polls,
//! the bridge's snapshot schedule.

use std::time::{Duration, Instant};

use http::Method;
use stoat_core::cache::Cache;
use stoat_core::fanout::ratelimit::{SharedAcquire, SharedBucket, UNREFINED_POLL};
use stoat_core::fanout::{BridgeState, EntryId};
use stoat_core::gateway::Event;
use stoat_core::model::Timestamp;
use stoat_core::ratelimit::{Acquire, BucketKey, RateLimitHeaders, RateLimiter};

/// A worker sleeps exactly what its `Call` names: the in-process limiter itself asks for an
/// early re-poll while a window's end is assumed, and names a refined end exactly.
#[test]
fn far_waits_are_rechecked_soon() {
    let now = Instant::now();
    let mut limiter = RateLimiter::new();
    let edit = BucketKey::resolve(&Method::PATCH, "/users/@me"); // 2 per window
    let tickets: Vec<_> = (0..3).map(|_| limiter.enqueue(edit.clone())).collect();
    assert_eq!(limiter.acquire(&tickets[0], now), Acquire::Ready);
    assert_eq!(limiter.acquire(&tickets[1], now), Acquire::Ready);
    // The assumed end is 10 s away: ask again soon.
    assert_eq!(
        limiter.acquire(&tickets[2], now),
        Acquire::Wait(now + UNREFINED_POLL)
    );
    let near = now + Duration::from_millis(30);
    let headers = RateLimitHeaders {
        limit: 2,
        remaining: 0,
        reset_after: Duration::from_millis(30),
    };
    limiter.on_response(&edit, headers, now);
    assert_eq!(limiter.acquire(&tickets[2], now), Acquire::Wait(near));
}
#[test]
fn snapshots_follow_ready_count_and_time() {
    let start = Instant::now();
    let mut bridge = BridgeState::new()
        .snapshot_every(3)
        .snapshot_interval(Duration::from_secs(5));
    assert!(!bridge.snapshot_due(start), "nothing appended yet");
    let e = bridge.envelope(Event::Authenticated, Timestamp::from_millis(0));
    bridge.appended("1-0".parse().unwrap(), &e.event, start);
    assert!(
        bridge.snapshot_due(start),
        "the first snapshot is due at once"
    );
    bridge.snapshot_written(start);
    for n in 2..=3 {
        let e = bridge.envelope(Event::Authenticated, Timestamp::from_millis(0));
        bridge.appended(EntryId { millis: n, seq: 0 }, &e.event, start);
        assert!(!bridge.snapshot_due(start));
    }
    assert_eq!(bridge.poll_timeout(), Some(start + Duration::from_secs(5)));
    assert!(bridge.snapshot_due(start + Duration::from_secs(5)));
    let e = bridge.envelope(Event::Authenticated, Timestamp::from_millis(0));
    bridge.appended("4-0".parse().unwrap(), &e.event, start);
    assert!(bridge.snapshot_due(start), "three since the last");
    bridge.snapshot_written(start);
    let e = bridge.envelope(Event::Ready(Box::default()), Timestamp::from_millis(0));
    bridge.appended("5-0".parse().unwrap(), &e.event, start);
    assert!(bridge.snapshot_due(start), "after a Ready at once");
    let snapshot = bridge.snapshot(&Cache::default());
    assert_eq!(snapshot.seq, 5);
    assert_eq!(snapshot.stream_id, Some("5-0".parse().unwrap()));
}

/// One request at a time through both: the shared model decides exactly as the
/// in-process limiter does, on the same bucket table and the same headers.
#[test]
fn the_model_matches_the_limiter() {
    let routes = [
        (Method::POST, "/channels/01A/messages"),
        (Method::PATCH, "/users/@me"),
        (Method::GET, "/servers/01S"),
        (Method::GET, "/users/01U"),
        (Method::POST, "/safety/report/content"),
    ];
    let start = Instant::now();
    let mut rng = fastrand::Rng::with_seed(7);
    for (method, path) in routes {
        let key = BucketKey::resolve(&method, path);
        let mut limiter = RateLimiter::new();
        let mut shared: Option<SharedBucket> = None;
        let mut now = 0u64;
        for step in 0..2000 {
            now += rng.u64(0..700);
            let at = start + Duration::from_millis(now);
            match rng.u8(0..10) {
                0..=6 => {
                    let ticket = limiter.enqueue(key.clone());
                    let local = limiter.acquire(&ticket, at);
                    limiter.cancel(&ticket);
                    let bucket = shared.get_or_insert_with(|| SharedBucket::new(&key));
                    let model = bucket.acquire(now);
                    match (local, model) {
                        (Acquire::Ready, SharedAcquire::Ready) => {}
                        // The same window end; before the server named it, the shared
                        // bucket asks again sooner instead.
                        (Acquire::Wait(until), SharedAcquire::Wait(wait)) if bucket.refined => {
                            assert_eq!(until, at + wait, "{path} step {step}")
                        }
                        (Acquire::Wait(until), SharedAcquire::Wait(wait)) => {
                            assert!(wait <= UNREFINED_POLL, "{path} step {step}");
                            assert!(at + wait <= until, "{path} step {step}");
                        }
                        other => panic!("{path} step {step}: {other:?}"),
                    }
                }
                7..=8 => {
                    let headers = RateLimitHeaders {
                        limit: key.bucket.limit(),
                        remaining: rng.u32(0..=key.bucket.limit()),
                        reset_after: Duration::from_millis(rng.u64(0..10_000)),
                    };
                    limiter.on_response(&key, headers, at);
                    shared = Some(SharedBucket::on_response(shared, headers, now));
                }
                _ => {
                    let retry = Duration::from_millis(rng.u64(0..5_000));
                    limiter.on_rate_limited(&key, retry, at);
                    let bucket = shared.unwrap_or_else(|| SharedBucket::new(&key));
                    shared = Some(bucket.on_rate_limited(retry, now));
                }
            }
            let model = shared.map_or(key.bucket.limit(), |s| s.remaining(now));
            assert_eq!(limiter.remaining(&key, at), model, "{path} step {step}");
        }
    }
}

#[test]
fn claim_passes_walk_the_pending_list_then_rest() {
    use stoat_core::fanout::{ClaimPolicy, ClaimSchedule};
    let start = Instant::now();
    let mut schedule = ClaimSchedule::new(ClaimPolicy::default().every(Duration::from_secs(5)));
    assert!(schedule.due(start));
    schedule.claimed(start, "5-0".parse().unwrap()); // more to walk
    assert!(schedule.due(start));
    assert_eq!(schedule.start(), "5-0".parse().unwrap());
    schedule.claimed(start, EntryId::ZERO); // pass complete
    assert_eq!(
        schedule.poll_timeout(),
        Some(start + Duration::from_secs(5))
    );
    assert!(!schedule.due(start + Duration::from_secs(4)));
    assert!(schedule.due(start + Duration::from_secs(5)));
}
