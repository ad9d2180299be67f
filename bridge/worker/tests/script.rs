//! The shared rate-limit script on a real Redis decides exactly as core's pure model.

use std::time::Duration;

use http::Method;
use stoat_core::fanout::ratelimit::{
    ScriptCall, ScriptReply, SharedAcquire, SharedBucket, SCRIPT, UNREFINED_POLL,
};
use stoat_core::fanout::Keys;
use stoat_core::ratelimit::{BucketKey, RateLimitHeaders};
use stoat_worker::testing::{unique_bot, TestRedis};

fn run(conn: &mut redis::Connection, key: &str, call: &ScriptCall) -> ScriptReply {
    let script = redis::Script::new(SCRIPT);
    let mut invocation = script.key(key);
    for arg in call.args() {
        invocation.arg(arg);
    }
    ScriptReply::parse(&invocation.invoke::<Vec<i64>>(conn).unwrap()).unwrap()
}

#[test]
fn the_script_is_the_model_on_a_real_redis() {
    let Some(redis) = TestRedis::get() else {
        return;
    };
    let mut conn = redis::Client::open(redis.url())
        .unwrap()
        .get_connection()
        .unwrap();
    let keys = Keys::new(&unique_bot("script"));
    let mut rng = fastrand::Rng::with_seed(11);
    // Wall-clock-sized milliseconds, as the script sees them in production.
    let base = 1_760_000_000_000u64;
    for (method, path) in [
        (Method::POST, "/channels/01A/messages"),
        (Method::PATCH, "/users/@me"),
        (Method::GET, "/servers/01S/members"),
    ] {
        let bucket = BucketKey::resolve(&method, path);
        let key = keys.ratelimit(&bucket);
        let mut model: Option<SharedBucket> = None;
        let mut now = base;
        for step in 0..600 {
            now += rng.u64(0..900);
            match rng.u8(0..10) {
                0..=6 => {
                    let reply = run(&mut conn, &key, &ScriptCall::acquire(&bucket).now_ms(now));
                    let state = model.get_or_insert_with(|| SharedBucket::new(&bucket));
                    assert_eq!(reply.decision, state.acquire(now), "{path} step {step}");
                }
                7..=8 => {
                    let headers = RateLimitHeaders {
                        limit: bucket.bucket.limit(),
                        remaining: rng.u32(0..=bucket.bucket.limit()),
                        reset_after: Duration::from_millis(rng.u64(0..10_000)),
                    };
                    run(
                        &mut conn,
                        &key,
                        &ScriptCall::response(&bucket, headers).now_ms(now),
                    );
                    model = Some(SharedBucket::on_response(model, headers, now));
                }
                _ => {
                    let retry = Duration::from_millis(rng.u64(0..5_000));
                    run(
                        &mut conn,
                        &key,
                        &ScriptCall::rate_limited(&bucket, retry).now_ms(now),
                    );
                    let state = model.unwrap_or_else(|| SharedBucket::new(&bucket));
                    model = Some(state.on_rate_limited(retry, now));
                }
            }
            // What the script stored is the model's state, field by field.
            let state = model.unwrap();
            let stored: (u32, u32, i64, u8) = redis::cmd("HMGET")
                .arg(&key)
                .arg("limit")
                .arg("remaining")
                .arg("reset")
                .arg("refined")
                .query(&mut conn)
                .unwrap();
            let reset = state.reset_at.map_or(-1, |r| r as i64);
            let expected = (state.limit, state.remaining, reset, u8::from(state.refined));
            assert_eq!(stored, expected, "{path} step {step}");
        }
    }
}

#[test]
fn the_script_uses_the_redis_clock_by_default() {
    let Some(redis) = TestRedis::get() else {
        return;
    };
    let mut conn = redis::Client::open(redis.url())
        .unwrap()
        .get_connection()
        .unwrap();
    let keys = Keys::new(&unique_bot("clock"));
    let bucket = BucketKey::resolve(&Method::PATCH, "/users/@me"); // 2 per window
    let key = keys.ratelimit(&bucket);
    assert_eq!(
        run(&mut conn, &key, &ScriptCall::acquire(&bucket)).decision,
        SharedAcquire::Ready
    );
    assert_eq!(
        run(&mut conn, &key, &ScriptCall::acquire(&bucket)).decision,
        SharedAcquire::Ready
    );
    match run(&mut conn, &key, &ScriptCall::acquire(&bucket)).decision {
        // The window's end is only assumed yet: ask again within the poll interval.
        SharedAcquire::Wait(wait) => assert_eq!(wait, UNREFINED_POLL),
        other => panic!("{other:?}"),
    }
    // Once a response names the window's end, the wait is the real one (by Redis's clock).
    let headers = RateLimitHeaders {
        limit: 2,
        remaining: 0,
        reset_after: Duration::from_secs(5),
    };
    run(&mut conn, &key, &ScriptCall::response(&bucket, headers));
    match run(&mut conn, &key, &ScriptCall::acquire(&bucket)).decision {
        SharedAcquire::Wait(wait) => assert!(
            wait > Duration::from_secs(4) && wait <= Duration::from_secs(5),
            "{wait:?}"
        ),
        other => panic!("{other:?}"),
    }
    let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut conn).unwrap();
    assert!(
        ttl > 10_000 && ttl <= 20_000,
        "the bucket is forgotten a window after it resets: {ttl}"
    );
}
