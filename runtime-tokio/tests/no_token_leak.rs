//! No bot, user or webhook token in any log line (`log` and `tracing`, at trace level) or
//! error string, and nothing sent to another origin, while a client authenticates, calls a
//! webhook route and is redirected (see `stoat_conformance::leak`).

use std::time::Duration;

use stoat_conformance::leak::{assert_no_token_leaks, LeakClient};
use stoat_core::http::{Error, Request};
use stoat_tokio::{Client, ClientConfig, Event};

struct Tokio {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl LeakClient for Tokio {
    const RUNTIME: &'static str = "tokio";

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?;
        let client = runtime
            .block_on(Client::connect(config))
            .map_err(|error| format!("{error} / {error:?}"))?;
        Ok(Self { runtime, client })
    }

    fn wait_ready(&mut self, timeout: Duration) -> bool {
        let client = &mut self.client;
        self.runtime.block_on(async {
            tokio::time::timeout(timeout, async {
                while let Some(Ok(update)) = client.next_event().await {
                    if matches!(update.event, Event::Ready(_)) {
                        return true;
                    }
                }
                false
            })
            .await
            .unwrap_or(false)
        })
    }

    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static,
    {
        self.runtime.block_on(self.client.execute(&request))
    }

    fn shutdown(self) {
        self.runtime.block_on(self.client.shutdown());
    }
}

// With `safe-logs` off, the log capture is not required to be clean (see the crate docs).
#[test]
fn no_token_reaches_a_log_an_error_or_another_origin() {
    assert_no_token_leaks::<Tokio>(cfg!(feature = "safe-logs"));
}
