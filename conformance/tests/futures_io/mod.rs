//! The harness for `stoat-async-std`, shared by the async-std and smol test files: the same
//! client, driven by whichever executor [`Executor`] names.

use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use stoat_async_std::{Client, Driver};
use stoat_conformance::scenarios::{Harness, Next};
use stoat_core::client::ClientConfig;
use stoat_core::gateway::Command;
use stoat_core::http::{Error, Request};

/// What differs between executors.
pub trait Executor: 'static {
    /// The executor's name, for messages.
    const NAME: &'static str;

    /// Runs `future` to completion on the calling thread.
    fn block_on<F: Future>(future: F) -> F::Output;

    /// Runs the gateway driver in the background.
    fn spawn(driver: Driver);

    /// `future`'s output, or `None` if `timeout` passes first.
    fn timeout<F: Future>(timeout: Duration, future: F) -> impl Future<Output = Option<F::Output>>;
}

/// A `stoat-async-std` client whose gateway driver runs on `E`.
pub struct FuturesIo<E> {
    client: Client,
    _executor: PhantomData<fn() -> E>,
}

/// Blocks on `future`, boxed: async-std's `block_on` moves the future through many stack
/// frames, which can overflow a test thread's stack in debug builds.
fn block_on<E: Executor, F: Future>(future: F) -> F::Output {
    E::block_on(Box::pin(future))
}

impl<E: Executor> Harness for FuturesIo<E> {
    const RUNTIME: &'static str = E::NAME;

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let connect = Client::builder(config).spawn_with(E::spawn).connect();
        let client = block_on::<E, _>(connect).map_err(|error| error.to_string())?;
        Ok(Self {
            client,
            _executor: PhantomData,
        })
    }

    fn next(&mut self, timeout: Duration) -> Next {
        let next = self.client.next_event();
        match block_on::<E, _>(E::timeout(timeout, next)) {
            None => Next::TimedOut,
            Some(Some(Ok(update))) => Next::Update(Box::new(update)),
            Some(Some(Err(ended))) => Next::Closed(Some(ended.reason)),
            Some(None) => Next::Closed(None),
        }
    }

    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static,
    {
        block_on::<E, _>(self.client.execute(&request))
    }

    fn command(&self, command: Command) {
        if let Err(error) = self.client.send_command(command) {
            panic!("[{}] command refused: {error}", E::NAME);
        }
    }

    fn shutdown(self) {
        block_on::<E, _>(self.client.shutdown());
    }
}
