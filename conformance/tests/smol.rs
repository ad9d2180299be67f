//! The scenario suite against `stoat-async-std` under the smol executor, with the gateway
//! driver spawned on smol's global executor.

mod futures_io;

use std::future::Future;
use std::time::Duration;

use futures_io::{Executor, FuturesIo};
use stoat_async_std::Driver;

struct Smol;

impl Executor for Smol {
    const NAME: &'static str = "smol";

    fn block_on<F: Future>(future: F) -> F::Output {
        smol::block_on(future)
    }

    fn spawn(driver: Driver) {
        smol::spawn(driver).detach();
    }

    async fn timeout<F: Future>(timeout: Duration, future: F) -> Option<F::Output> {
        let expired = async {
            smol::Timer::after(timeout).await;
            None
        };
        smol::future::or(async { Some(future.await) }, expired).await
    }
}

stoat_conformance::scenario_suite!(FuturesIo<Smol>);
