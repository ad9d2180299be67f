//! No bot, user or webhook token in any log line (`log` and `tracing`, at trace level) or
//! error string, and nothing sent to another origin, while a client authenticates, calls a
//! webhook route and is redirected (see `stoat_conformance::leak`); under async-std and smol.

use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use futures_lite::future;
use stoat_async_std::{Client, ClientConfig, Driver, Event};
use stoat_conformance::leak::{assert_no_token_leaks, LeakClient};
use stoat_core::http::{Error, Request};

trait Executor: 'static {
    const NAME: &'static str;
    fn block_on<F: Future>(future: F) -> F::Output;
    fn spawn(driver: Driver);
}

struct AsyncStd;

impl Executor for AsyncStd {
    const NAME: &'static str = "async-std";
    fn block_on<F: Future>(future: F) -> F::Output {
        async_std::task::block_on(Box::pin(future))
    }
    fn spawn(driver: Driver) {
        async_std::task::spawn(driver);
    }
}

struct Smol;

impl Executor for Smol {
    const NAME: &'static str = "smol";
    fn block_on<F: Future>(future: F) -> F::Output {
        smol::block_on(future)
    }
    fn spawn(driver: Driver) {
        smol::spawn(driver).detach();
    }
}

struct FuturesIo<E> {
    client: Client,
    executor: PhantomData<E>,
}

impl<E: Executor> LeakClient for FuturesIo<E> {
    const RUNTIME: &'static str = E::NAME;

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let client = E::block_on(Client::builder(config).spawn_with(E::spawn).connect())
            .map_err(|error| format!("{error} / {error:?}"))?;
        Ok(Self {
            client,
            executor: PhantomData,
        })
    }

    fn wait_ready(&mut self, timeout: Duration) -> bool {
        let client = &mut self.client;
        E::block_on(future::or(
            async {
                while let Some(Ok(update)) = client.next_event().await {
                    if matches!(update.event, Event::Ready(_)) {
                        return true;
                    }
                }
                false
            },
            async {
                async_io::Timer::after(timeout).await;
                false
            },
        ))
    }

    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static,
    {
        E::block_on(self.client.execute(&request))
    }

    fn shutdown(self) {
        E::block_on(self.client.shutdown());
    }
}

// With `safe-logs` off, the log capture is not required to be clean (see the crate docs).
// Both run in one process, so they share the log capture: a leak on either fails both.
#[test]
fn no_token_reaches_a_log_an_error_or_another_origin_under_async_std() {
    assert_no_token_leaks::<FuturesIo<AsyncStd>>(cfg!(feature = "safe-logs"));
}

#[test]
fn no_token_reaches_a_log_an_error_or_another_origin_under_smol() {
    assert_no_token_leaks::<FuturesIo<Smol>>(cfg!(feature = "safe-logs"));
}
