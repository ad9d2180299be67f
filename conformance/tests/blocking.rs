//! The scenario suite against `stoat-blocking`: its client is blocking already.

use std::time::Duration;

use stoat_blocking::{Client, TimedOut};
use stoat_conformance::scenarios::{Harness, Next};
use stoat_core::client::ClientConfig;
use stoat_core::gateway::Command;
use stoat_core::http::{Error, Request};

struct Blocking {
    client: Client,
}

impl Harness for Blocking {
    const RUNTIME: &'static str = "blocking";

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let client = Client::connect(config).map_err(|error| error.to_string())?;
        Ok(Self { client })
    }

    fn next(&mut self, timeout: Duration) -> Next {
        match self.client.next_event_timeout(timeout) {
            Err(TimedOut) => Next::TimedOut,
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
        self.client.execute(&request)
    }

    fn command(&self, command: Command) {
        if let Err(error) = self.client.send_command(command) {
            panic!("[blocking] command refused: {error}");
        }
    }

    fn shutdown(self) {
        self.client.shutdown();
    }
}

stoat_conformance::scenario_suite!(Blocking);
