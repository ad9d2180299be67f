//! The scenario suite against `stoat-tokio`, on a multi-threaded tokio runtime the harness owns.

use std::time::Duration;

use stoat_conformance::scenarios::{Harness, Next};
use stoat_core::client::ClientConfig;
use stoat_core::gateway::Command;
use stoat_core::http::{Error, Request};
use stoat_tokio::Client;

struct Tokio {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl Harness for Tokio {
    const RUNTIME: &'static str = "tokio";

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?;
        let client = runtime
            .block_on(Client::connect(config))
            .map_err(|error| error.to_string())?;
        Ok(Self { runtime, client })
    }

    fn next(&mut self, timeout: Duration) -> Next {
        // The timer must be made inside the runtime.
        let next = async { tokio::time::timeout(timeout, self.client.next_event()).await };
        match self.runtime.block_on(next) {
            Err(_elapsed) => Next::TimedOut,
            Ok(Some(Ok(update))) => Next::Update(Box::new(update)),
            Ok(Some(Err(ended))) => Next::Closed(Some(ended.reason)),
            Ok(None) => Next::Closed(None),
        }
    }

    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static,
    {
        self.runtime.block_on(self.client.execute(&request))
    }

    fn command(&self, command: Command) {
        if let Err(error) = self.client.send_command(command) {
            panic!("[tokio] command refused: {error}");
        }
    }

    fn shutdown(self) {
        self.runtime.block_on(self.client.shutdown());
        drop(self.client);
        self.runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

stoat_conformance::scenario_suite!(Tokio);
