//! Cooldowns and concurrency limits on a virtual clock.

use std::time::{Duration, Instant};

use stoat_core::commands::{
    BucketKey, BucketType, ConcurrencyLimiter, Cooldown, CooldownMap, MaxConcurrency,
};
use stoat_core::id::{ServerId, UserId};

use crate::support::*;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn a_window_starts_at_the_first_use() {
    let t0 = Instant::now();
    let mut map = CooldownMap::new(Cooldown::new(3, secs(60), BucketType::User));
    let key = BucketKey::User(ALICE.parse().unwrap());
    for i in 0..3 {
        assert_eq!(map.hit(key, t0 + secs(i)), Ok(()));
    }
    assert_eq!(map.hit(key, t0 + secs(10)), Err(secs(50)));
    assert_eq!(map.retry_after(key, t0 + secs(30)), Some(secs(30)));
    assert_eq!(map.hit(key, t0 + secs(59)), Err(secs(1)));
    assert_eq!(map.hit(key, t0 + secs(60)), Ok(()), "a new window");
    assert_eq!(map.retry_after(key, t0 + secs(61)), None);
}

#[test]
fn buckets_are_separate() {
    let t0 = Instant::now();
    let mut map = CooldownMap::new(Cooldown::new(1, secs(5), BucketType::User));
    let alice = BucketKey::User(ALICE.parse().unwrap());
    let bob = BucketKey::User(BOB.parse().unwrap());
    assert!(map.hit(alice, t0).is_ok());
    assert!(map.hit(bob, t0).is_ok());
    assert!(map.hit(alice, t0).is_err());
    map.reset(alice);
    assert!(map.hit(alice, t0).is_ok());
}

#[test]
fn a_refund_gives_back_one_use_of_the_current_window() {
    let t0 = Instant::now();
    let mut map = CooldownMap::new(Cooldown::new(1, secs(5), BucketType::Global));
    assert!(map.hit(BucketKey::Global, t0).is_ok());
    map.refund(BucketKey::Global, t0 + secs(1));
    assert!(map.hit(BucketKey::Global, t0 + secs(1)).is_ok());
    map.refund(BucketKey::Global, t0 + secs(1));
    map.refund(BucketKey::Global, t0 + secs(1));
    assert!(map.hit(BucketKey::Global, t0 + secs(2)).is_ok());
    assert!(
        map.hit(BucketKey::Global, t0 + secs(2)).is_err(),
        "refunds never exceed the rate"
    );
}

#[test]
fn time_going_backwards_does_not_reopen_a_window() {
    let t0 = Instant::now() + secs(100);
    let mut map = CooldownMap::new(Cooldown::new(1, secs(5), BucketType::Global));
    assert!(map.hit(BucketKey::Global, t0).is_ok());
    assert_eq!(map.hit(BucketKey::Global, t0 - secs(50)), Err(secs(5)));
}

#[test]
fn ended_windows_are_dropped_as_the_map_grows() {
    let t0 = Instant::now();
    let mut map = CooldownMap::new(Cooldown::new(1, secs(1), BucketType::Channel));
    for i in 0..10_000u64 {
        let key = BucketKey::Server(ServerId::from_ulid(ulid::Ulid::from_parts(i, 1)));
        let _ = map.hit(key, t0 + Duration::from_millis(i * 10));
    }
    assert!(map.len() < 1000, "{} windows kept", map.len());
}

#[test]
fn zero_rate_means_one() {
    assert_eq!(Cooldown::new(0, secs(1), BucketType::User).rate, 1);
    assert_eq!(MaxConcurrency::new(0, BucketType::User).limit, 1);
}

#[test]
fn bucket_keys_per_type() {
    let in_server = message(GENERAL, ALICE, "");
    let in_dm = message(DM, ALICE, "");
    let server: ServerId = SERVER.parse().unwrap();
    let alice: UserId = ALICE.parse().unwrap();
    assert_eq!(
        BucketType::Global.key(&in_server, Some(server)),
        BucketKey::Global
    );
    assert_eq!(
        BucketType::User.key(&in_server, Some(server)),
        BucketKey::User(alice)
    );
    assert_eq!(
        BucketType::Member.key(&in_server, Some(server)),
        BucketKey::Member(server, alice)
    );
    assert_eq!(BucketType::Member.key(&in_dm, None), BucketKey::User(alice));
    assert_eq!(
        BucketType::Server.key(&in_server, Some(server)),
        BucketKey::Server(server)
    );
    assert_eq!(BucketType::Server.key(&in_dm, None), BucketKey::User(alice));
    assert_eq!(
        BucketType::Channel.key(&in_dm, None),
        BucketKey::Channel(DM.parse().unwrap())
    );
}

#[test]
fn concurrency_slots_are_released_on_drop() {
    let limiter = ConcurrencyLimiter::new();
    let key = BucketKey::Global;
    let first = limiter.acquire(1, key, 2).unwrap();
    let second = limiter.acquire(1, key, 2).unwrap();
    assert!(limiter.acquire(1, key, 2).is_none());
    assert!(limiter.acquire(2, key, 2).is_some(), "per command");
    assert_eq!(limiter.running(1, key), 2);
    drop(first);
    assert!(limiter.acquire(1, key, 2).is_some());
    drop(second);
    assert_eq!(limiter.running(1, key), 0);
}
