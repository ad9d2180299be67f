//! The fan-out against a real Redis and the fake Stoat server: one bridge, workers on every
//! runtime, exactly-once shares, full caches, dead workers, bridge restarts, a shared rate
//! limit.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stoat_bridge::testing::{unique_bot, TestRedis};
use stoat_bridge::{Bridge, BridgeOptions};
use stoat_conformance::{FakeConfig, FakeServer};
use stoat_core::client::ClientConfig;
use stoat_core::fanout::{ClaimPolicy, Snapshot};
use stoat_core::gateway::Event;
use stoat_core::{Cache, Endpoints, Token};
use stoat_worker::WorkerOptions;

const WAIT: Duration = Duration::from_secs(30);

fn client_config(server: &FakeServer) -> ClientConfig {
    ClientConfig::new(Token::bot(server.bot_token())).endpoints(Endpoints::new(
        server.api_url(),
        server.ws_url(),
        server.autumn_url(),
    ))
}

/// Who saw which message content, across every worker of the group.
type Seen = Arc<Mutex<BTreeMap<String, Vec<String>>>>;

fn record(seen: &Seen, worker: &str, event: &Event) {
    if let Event::Message(message) = event {
        if let Some(content) = &message.content {
            seen.lock()
                .unwrap()
                .entry(content.to_string())
                .or_default()
                .push(worker.to_owned());
        }
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn view(cache: &Cache) -> Snapshot {
    Snapshot::capture(cache, 0, None)
}

struct Setup {
    _redis: TestRedis,
    url: String,
    server: FakeServer,
    bot: String,
}

fn setup(name: &str) -> Option<Setup> {
    let redis = TestRedis::get()?;
    Some(Setup {
        url: redis.url().to_owned(),
        _redis: redis,
        server: FakeServer::start(FakeConfig::for_tests()),
        bot: unique_bot(name),
    })
}

async fn start_bridge(setup: &Setup) -> (stoat_tokio::Handle, tokio::task::JoinHandle<()>) {
    let options = BridgeOptions::new(&setup.url)
        .bot(&setup.bot)
        .snapshot(100, Duration::from_millis(200));
    let bridge = Bridge::connect(client_config(&setup.server), options)
        .await
        .unwrap();
    let handle = bridge.handle();
    let task = tokio::spawn(async move {
        bridge.run().await.unwrap();
    });
    (handle, task)
}

fn options(setup: &Setup, group: &str, consumer: &str) -> WorkerOptions {
    WorkerOptions::new(&setup.url, group, consumer).bot(&setup.bot)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_on_three_runtimes_share_every_event_once_and_keep_full_caches() {
    let Some(setup) = setup("share") else { return };
    let (bridge, _task) = start_bridge(&setup).await;
    // The bridge's Ready is in the stream (and the snapshot) before the workers start.
    let me = bridge.clone();
    wait_until("the bridge's Ready", move || {
        me.with_cache(|c| c.current_user().is_some())
    });

    let seen: Seen = Arc::default();
    // Each worker's cache, read from the test through the worker's handle.
    let (caches_tx, caches_rx) = std::sync::mpsc::channel::<Box<dyn Fn() -> Snapshot + Send>>();

    let mut tokio_worker = stoat_tokio::Worker::connect_with(
        client_config(&setup.server),
        options(&setup, "bots", "tokio"),
    )
    .await
    .unwrap();
    let handle = tokio_worker.handle();
    caches_tx
        .send(Box::new(move || handle.with_cache(view)))
        .unwrap();
    let tokio_seen = seen.clone();
    tokio::spawn(async move {
        while let Some(Ok(update)) = tokio_worker.next_event().await {
            record(&tokio_seen, "tokio", &update.event);
        }
    });

    let config = client_config(&setup.server);
    let worker_options = options(&setup, "bots", "async-std");
    let (async_seen, tx) = (seen.clone(), caches_tx.clone());
    std::thread::spawn(move || {
        async_std::task::block_on(async move {
            let mut worker = stoat_async_std::Worker::connect_with(config, worker_options)
                .await
                .unwrap();
            let handle = worker.handle();
            tx.send(Box::new(move || handle.with_cache(view))).unwrap();
            while let Some(Ok(update)) = worker.next_event().await {
                record(&async_seen, "async-std", &update.event);
            }
        })
    });

    let config = client_config(&setup.server);
    let worker_options = options(&setup, "bots", "blocking");
    let (blocking_seen, tx) = (seen.clone(), caches_tx.clone());
    std::thread::spawn(move || {
        let mut worker = stoat_blocking::Worker::connect_with(config, worker_options).unwrap();
        let handle = worker.handle();
        tx.send(Box::new(move || handle.with_cache(view))).unwrap();
        while let Some(Ok(update)) = worker.next_event() {
            record(&blocking_seen, "blocking", &update.event);
        }
    });
    let caches: Vec<_> = (0..3)
        .map(|_| caches_rx.recv_timeout(WAIT).unwrap())
        .collect();

    // Let every worker join the group before the events flow.
    tokio::time::sleep(Duration::from_millis(300)).await;
    const N: usize = 90;
    let channel = setup.server.channel_id();
    for i in 0..N {
        setup
            .server
            .inject_user_message(channel, &format!("m{i:03}"));
    }
    let counted = seen.clone();
    tokio::task::spawn_blocking(move || {
        wait_until("every message handled", || {
            counted
                .lock()
                .unwrap()
                .values()
                .map(Vec::len)
                .sum::<usize>()
                >= N
        })
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), N, "every message reached the group");
    for (content, workers) in &seen {
        assert_eq!(workers.len(), 1, "{content} handled by {workers:?}");
    }
    let mut per_worker: BTreeMap<&str, usize> = BTreeMap::new();
    for workers in seen.values() {
        *per_worker.entry(workers[0].as_str()).or_default() += 1;
    }
    assert_eq!(per_worker.len(), 3, "the work was split: {per_worker:?}");

    // Each worker's cache holds every message (not only its share) and equals the bridge's.
    let expected = bridge.with_cache(view);
    assert_eq!(expected.messages.len(), N);
    tokio::task::spawn_blocking(move || {
        wait_until("three caches equal to the bridge's", || {
            caches.iter().all(|cache| cache() == expected)
        })
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_workers_pending_entries_are_claimed_and_handled() {
    let Some(setup) = setup("claim") else { return };
    let (bridge, _task) = start_bridge(&setup).await;
    let me = bridge.clone();
    wait_until("the bridge's Ready", move || {
        me.with_cache(|c| c.current_user().is_some())
    });
    let claim = ClaimPolicy::default()
        .min_idle(Duration::from_millis(300))
        .every(Duration::from_millis(100));
    // The doomed worker reads up to 8 entries and handles none of them.
    let doomed = stoat_tokio::Worker::connect_with(
        client_config(&setup.server),
        options(&setup, "bots", "doomed")
            .max_in_flight(8)
            .claim(claim),
    )
    .await
    .unwrap();
    let channel = setup.server.channel_id();
    for i in 0..8 {
        setup.server.inject_user_message(channel, &format!("d{i}"));
    }
    // Give the doomed worker time to read its share, then kill it without acknowledging.
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(doomed);

    let mut survivor = stoat_tokio::Worker::connect_with(
        client_config(&setup.server),
        options(&setup, "bots", "survivor").claim(claim),
    )
    .await
    .unwrap();
    for i in 8..12 {
        setup.server.inject_user_message(channel, &format!("d{i}"));
    }
    let mut handled = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while handled.len() < 12 {
        let update = tokio::time::timeout_at(deadline, survivor.next_event())
            .await
            .expect("every entry handled in time")
            .unwrap()
            .unwrap();
        if let Event::Message(message) = &update.event {
            handled.push(message.content.clone().unwrap());
        }
    }
    handled.sort();
    let mut expected: Vec<String> = (0..12).map(|i| format!("d{i}")).collect();
    expected.sort();
    assert_eq!(handled, expected, "nothing was lost with the dead worker");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_bridge_resumes_appending() {
    let Some(setup) = setup("restart") else {
        return;
    };
    let (bridge, task) = start_bridge(&setup).await;
    let me = bridge.clone();
    wait_until("the bridge's Ready", move || {
        me.with_cache(|c| c.current_user().is_some())
    });
    let mut worker = stoat_tokio::Worker::connect_with(
        client_config(&setup.server),
        options(&setup, "bots", "w"),
    )
    .await
    .unwrap();
    let channel = setup.server.channel_id();
    setup.server.inject_user_message(channel, "before");
    let mut contents = Vec::new();
    while contents.is_empty() {
        let update = tokio::time::timeout(WAIT, worker.next_event())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Event::Message(m) = &update.event {
            contents.push(m.content.clone().unwrap());
        }
    }
    bridge.shutdown().await;
    task.await.unwrap();

    let (bridge, _task) = start_bridge(&setup).await;
    let me = bridge.clone();
    wait_until("the new bridge's Ready", move || {
        me.with_cache(|c| c.current_user().is_some())
    });
    setup.server.inject_user_message(channel, "after");
    let mut readies = 0;
    while contents.len() < 2 {
        let update = tokio::time::timeout(WAIT, worker.next_event())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        match &update.event {
            Event::Message(m) => contents.push(m.content.clone().unwrap()),
            Event::Ready(_) => readies += 1,
            _ => {}
        }
    }
    assert_eq!(contents, ["before", "after"]);
    assert_eq!(readies, 1, "the new session's Ready reached the worker");
    // The numbering went on: the stream's sequence numbers have no gap and no repeat.
    let mut conn = redis::Client::open(setup.url.as_str())
        .unwrap()
        .get_connection()
        .unwrap();
    let entries: redis::streams::StreamRangeReply = redis::Commands::xrange_all(
        &mut conn,
        stoat_core::fanout::Keys::new(&setup.bot).events(),
    )
    .unwrap();
    let seqs: Vec<u64> = entries
        .ids
        .iter()
        .map(|e| {
            let bytes: Vec<u8> = redis::from_redis_value(&e.map["e"]).unwrap();
            stoat_core::fanout::Envelope::decode(&bytes).unwrap().seq
        })
        .collect();
    assert!(seqs.len() >= 6, "{seqs:?}");
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
}

async fn burst_from(handles: Vec<stoat_tokio::core::client::BoxFuture<'static, usize>>) -> usize {
    let mut sent = 0;
    for handle in handles {
        sent += handle.await;
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_300_sends_from_4_workers_gets_no_429() {
    use stoat_core::client::Routes;
    use stoat_core::id::ChannelId;

    let Some(setup) = setup("burst") else { return };
    let (bridge, _task) = start_bridge(&setup).await;
    let me = bridge.clone();
    wait_until("the bridge's Ready", move || {
        me.with_cache(|c| c.current_user().is_some())
    });
    let channel: ChannelId = setup.server.channel_id().parse().unwrap();
    const PER_WORKER: usize = 75;

    let mut tasks: Vec<stoat_tokio::core::client::BoxFuture<'static, usize>> = Vec::new();
    // Two tokio workers, each sending all of its messages at once.
    for name in ["tokio-1", "tokio-2"] {
        let worker = stoat_tokio::Worker::connect_with(
            client_config(&setup.server),
            options(&setup, "bots", name),
        )
        .await
        .unwrap();
        let handle = worker.handle();
        let task = tokio::spawn(async move {
            let _worker = worker;
            let sends = (0..PER_WORKER).map(|i| {
                let handle = handle.clone();
                tokio::spawn(
                    async move { handle.send_message(channel, format!("{name} {i}")).await },
                )
            });
            let mut ok = 0;
            for send in sends.collect::<Vec<_>>() {
                send.await.unwrap().unwrap();
                ok += 1;
            }
            ok
        });
        tasks.push(Box::pin(async move { task.await.unwrap() }));
    }
    // An async-std worker, sending from 5 tasks.
    let (config, worker_options) = (
        client_config(&setup.server),
        options(&setup, "bots", "async-std"),
    );
    let task = std::thread::spawn(move || {
        async_std::task::block_on(async move {
            let worker = stoat_async_std::Worker::connect_with(config, worker_options)
                .await
                .unwrap();
            let tasks: Vec<_> = (0..5)
                .map(|t| {
                    let handle = worker.handle();
                    async_std::task::spawn(async move {
                        for i in 0..PER_WORKER / 5 {
                            handle
                                .send_message(channel, format!("async-std {t} {i}"))
                                .await
                                .unwrap();
                        }
                        PER_WORKER / 5
                    })
                })
                .collect();
            let mut ok = 0;
            for task in tasks {
                ok += task.await;
            }
            ok
        })
    });
    tasks.push(Box::pin(async move {
        tokio::task::spawn_blocking(move || task.join().unwrap())
            .await
            .unwrap()
    }));
    // A blocking worker, sending from 3 threads.
    let (config, worker_options) = (
        client_config(&setup.server),
        options(&setup, "bots", "blocking"),
    );
    let task = std::thread::spawn(move || {
        let worker = stoat_blocking::Worker::connect_with(config, worker_options).unwrap();
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let handle = worker.handle();
                std::thread::spawn(move || {
                    for i in 0..PER_WORKER / 3 {
                        handle
                            .send_message(channel, format!("blocking {t} {i}"))
                            .call()
                            .unwrap();
                    }
                    PER_WORKER / 3
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .sum::<usize>()
    });
    tasks.push(Box::pin(async move {
        tokio::task::spawn_blocking(move || task.join().unwrap())
            .await
            .unwrap()
    }));

    let sent = tokio::time::timeout(Duration::from_secs(120), burst_from(tasks))
        .await
        .expect("the burst finished");
    assert_eq!(sent, 4 * PER_WORKER);
    assert_eq!(
        setup
            .server
            .channel_messages(setup.server.channel_id())
            .len(),
        4 * PER_WORKER
    );
    assert_eq!(
        setup.server.rate_limited_count(),
        0,
        "the server answered 429"
    );
}

/// The control: four ordinary clients, each with only its own limiter, do get 429s from
/// the same burst (so the test above can fail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_plain_clients_without_the_shared_limit_do_get_429s() {
    use stoat_core::client::Routes;
    use stoat_core::id::ChannelId;

    let server = FakeServer::start(FakeConfig::for_tests());
    let channel: ChannelId = server.channel_id().parse().unwrap();
    let mut sends = Vec::new();
    let mut clients = Vec::new();
    for c in 0..4 {
        let client = stoat_tokio::Client::connect(client_config(&server))
            .await
            .unwrap();
        for i in 0..20 {
            let handle = client.handle();
            sends.push(tokio::spawn(async move {
                handle
                    .send_message(channel, format!("{c} {i}"))
                    .await
                    .is_ok()
            }));
        }
        clients.push(client);
    }
    for send in sends {
        send.await.unwrap();
    }
    assert!(
        server.rate_limited_count() > 0,
        "four separate limiters overran the bucket"
    );
}
