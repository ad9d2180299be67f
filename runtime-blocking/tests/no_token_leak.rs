//! No bot, user or webhook token in any log line (`log` and `tracing`, at trace level) or
//! error string, and nothing sent to another origin, while a client authenticates, calls a
//! webhook route and is redirected (see `stoat_conformance::leak`).

use std::time::{Duration, Instant};

use stoat_blocking::{Client, ClientConfig, Event};
use stoat_conformance::leak::{assert_no_token_leaks, LeakClient};
use stoat_core::http::{Error, Request};

struct Blocking(Client);

impl LeakClient for Blocking {
    const RUNTIME: &'static str = "blocking";

    fn connect(config: ClientConfig) -> Result<Self, String> {
        Client::connect(config)
            .map(Blocking)
            .map_err(|error| format!("{error} / {error:?}"))
    }

    fn wait_ready(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.0.next_event_timeout(left) {
                Ok(Some(Ok(update))) if matches!(update.event, Event::Ready(_)) => return true,
                Ok(Some(Ok(_))) => {}
                _ => return false,
            }
        }
    }

    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static,
    {
        self.0.execute(&request)
    }

    fn shutdown(self) {
        self.0.shutdown();
    }
}

// With `safe-logs` off, the log capture is not required to be clean (see the crate docs).
#[test]
fn no_token_reaches_a_log_an_error_or_another_origin() {
    assert_no_token_leaks::<Blocking>(cfg!(feature = "safe-logs"));
}
