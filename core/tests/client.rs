//! The runtime-neutral client layer: the `wait_for` registry and handler dispatch.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use stoat_core::client::handlers::{AsyncHandlers, BlockingHandlers};
use stoat_core::client::standby::{Deliver, Standby};
use stoat_core::client::{dispatch, ClientConfig, Update};
use stoat_core::gateway::{Event, EventKind};
use stoat_core::{Cache, Token};

fn message(content: &str, author: &str) -> Update {
    let event: Event = serde_json::from_value(serde_json::json!({
        "type": "Message",
        "_id": "01M7YT8F8NBH98W6P4028C2GH8",
        "channel": "01M7YSZ8V81AWBPFRM30NYSV34",
        "author": author,
        "content": content,
    }))
    .unwrap();
    dispatch(&mut Cache::default(), event)
}

const ALICE: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const BOB: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";

fn content(update: &Update) -> Option<&str> {
    match &update.event {
        Event::Message(message) => message.content.as_deref(),
        _ => None,
    }
}

fn from(author: &'static str) -> Box<dyn FnMut(&Update) -> bool + Send> {
    Box::new(move |update| match &update.event {
        Event::Message(message) => message.author.to_string() == author,
        _ => false,
    })
}

#[test]
fn every_waiter_registered_before_an_event_sees_it() {
    let mut standby = Standby::new();
    let (first, first_rx) = mpsc::channel();
    let (second, second_rx) = mpsc::channel();
    standby.register(from(ALICE), 1, first).unwrap();
    standby.register(from(ALICE), 1, second).unwrap();

    assert_eq!(standby.process(&message("from bob", BOB)), 0);
    assert_eq!(standby.process(&message("from alice", ALICE)), 2);
    assert_eq!(content(&first_rx.try_recv().unwrap()), Some("from alice"));
    assert_eq!(content(&second_rx.try_recv().unwrap()), Some("from alice"));
    assert!(standby.is_empty(), "both wanted one match");
}

#[test]
fn a_counting_waiter_collects_its_matches_in_order_then_leaves() {
    let mut standby = Standby::new();
    let (tx, rx) = mpsc::channel();
    standby.register(from(ALICE), 3, tx).unwrap();
    for (i, author) in [ALICE, BOB, ALICE, ALICE, ALICE].into_iter().enumerate() {
        standby.process(&message(&i.to_string(), author));
    }
    let got: Vec<String> = rx
        .try_iter()
        .map(|u| content(&u).unwrap().to_owned())
        .collect();
    assert_eq!(got, ["0", "2", "3"]);
    assert!(standby.is_empty());
}

#[test]
fn cancelled_and_abandoned_waiters_are_dropped() {
    let mut standby = Standby::new();
    let (kept, kept_rx) = mpsc::channel();
    let (gone, gone_rx) = mpsc::channel();
    let (cancelled, _cancelled_rx) = mpsc::channel();
    standby.register(from(ALICE), 5, kept).unwrap();
    standby.register(from(ALICE), 5, gone).unwrap();
    let id = standby.register(from(ALICE), 5, cancelled).unwrap();
    assert!(standby.cancel(id));
    assert!(!standby.cancel(id), "cancelling twice finds nothing");
    drop(gone_rx);
    assert_eq!(standby.process(&message("x", ALICE)), 2);
    assert_eq!(
        standby.len(),
        1,
        "the waiter whose receiver is gone was dropped"
    );
    assert!(kept_rx.try_recv().is_ok());
}

/// A sink that reports itself closed: pruned before its predicate ever runs.
struct Closed(Arc<AtomicUsize>);

impl Deliver for Closed {
    fn deliver(&mut self, _update: Update) -> bool {
        self.0.fetch_add(1, Ordering::SeqCst);
        true
    }
    fn is_closed(&self) -> bool {
        true
    }
}

#[test]
fn closed_sinks_are_pruned_without_matching() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut standby = Standby::new();
    standby
        .register(
            Box::new(|_: &Update| panic!("never asked")),
            1,
            Closed(calls.clone()),
        )
        .unwrap();
    assert_eq!(standby.process(&message("x", ALICE)), 0);
    assert!(standby.is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_panicking_predicate_removes_only_its_own_waiter() {
    let mut standby = Standby::new();
    let (tx, rx) = mpsc::channel();
    let (bad, bad_rx) = mpsc::channel::<Update>();
    standby
        .register(Box::new(|_: &Update| panic!("user bug")), 1, bad)
        .unwrap();
    standby.register(from(ALICE), 1, tx).unwrap();
    assert_eq!(standby.process(&message("x", ALICE)), 1);
    assert!(rx.try_recv().is_ok());
    assert!(bad_rx.try_recv().is_err());
    assert!(standby.is_empty());
}

#[test]
fn a_closed_registry_drops_its_waiters_and_refuses_new_ones() {
    let mut standby = Standby::new();
    let (tx, rx) = mpsc::channel();
    standby.register(from(ALICE), 1, tx.clone()).unwrap();
    standby.close();
    assert!(standby.is_closed() && standby.is_empty());
    assert_eq!(
        standby.register(from(ALICE), 1, tx).unwrap_err(),
        stoat_core::client::standby::Closed
    );
    assert_eq!(standby.process(&message("x", ALICE)), 0);
    assert!(rx.try_recv().is_err());
}

#[test]
fn blocking_handlers_run_per_kind_and_report_errors_to_the_hook() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let mut handlers = BlockingHandlers::<&'static str>::new();
    let log = seen.clone();
    handlers.on(EventKind::Message, move |client, update| {
        log.lock()
            .unwrap()
            .push(format!("{client}: {}", content(&update).unwrap()));
        Ok(())
    });
    let log = seen.clone();
    handlers.on_any(move |_, update| {
        log.lock()
            .unwrap()
            .push(format!("any: {:?}", update.event.kind()));
        if matches!(update.event, Event::Authenticated) {
            return Err("not today".into());
        }
        Ok(())
    });
    let sink = failures.clone();
    handlers.on_error(move |_, failure| sink.lock().unwrap().push(failure.to_string()));
    assert_eq!(handlers.len(), 2);

    for job in handlers.dispatch(&"bot", message("hi", ALICE)) {
        job();
    }
    let jobs = handlers.dispatch(
        &"bot",
        dispatch(&mut Cache::default(), Event::Authenticated),
    );
    assert_eq!(
        jobs.len(),
        1,
        "only the catch-all handler takes Authenticated"
    );
    for job in jobs {
        job();
    }
    assert_eq!(
        *seen.lock().unwrap(),
        ["bot: hi", "any: Message", "any: Authenticated"]
    );
    assert_eq!(
        *failures.lock().unwrap(),
        ["the Authenticated handler failed: not today"]
    );
}

#[test]
fn async_handlers_are_futures_the_runtime_runs() {
    let failures = Arc::new(Mutex::new(Vec::new()));
    let mut handlers = AsyncHandlers::<u8>::new();
    handlers.on(EventKind::Message, |client, update| async move {
        if content(&update) == Some("fail") {
            return Err(format!("client {client} failed").into());
        }
        Ok(())
    });
    let sink = failures.clone();
    handlers.on_error(move |_, failure| {
        let sink = sink.clone();
        async move { sink.lock().unwrap().push(failure.error.to_string()) }
    });
    let tasks = handlers.dispatch(&7, message("fail", ALICE));
    assert_eq!(tasks.len(), 1);
    assert!(handlers.dispatch(&7, message("ok", ALICE)).len() == 1);
    assert!(handlers
        .dispatch(&7, dispatch(&mut Cache::default(), Event::Authenticated))
        .is_empty());
    for task in tasks {
        block_on(task);
    }
    assert_eq!(*failures.lock().unwrap(), ["client 7 failed"]);
}

#[test]
fn session_adjustments_may_capture() {
    let format = stoat_core::gateway::Format::Msgpack;
    let config = ClientConfig::new(Token::bot("t")).session(move |s| s.format(format));
    let cloned = config.clone();
    assert_eq!(cloned.session_config("ws://x").format, format);
}

/// Polls a future that never waits (the handlers above finish without pending).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}
