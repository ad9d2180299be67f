//! The scenario suite against `stoat-async-std` under the async-std executor (discontinued,
//! RUSTSEC-2025-0052, but still in use), with the gateway driver spawned on it.

mod futures_io;

use std::future::Future;
use std::time::Duration;

use futures_io::{Executor, FuturesIo};
use stoat_async_std::Driver;

struct AsyncStd;

impl Executor for AsyncStd {
    const NAME: &'static str = "async-std";

    fn block_on<F: Future>(future: F) -> F::Output {
        async_std::task::block_on(future)
    }

    fn spawn(driver: Driver) {
        async_std::task::spawn(driver);
    }

    async fn timeout<F: Future>(timeout: Duration, future: F) -> Option<F::Output> {
        async_std::future::timeout(timeout, future).await.ok()
    }
}

stoat_conformance::scenario_suite!(FuturesIo<AsyncStd>);
