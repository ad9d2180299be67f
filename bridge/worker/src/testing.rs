//! A Redis for tests: the one `STOAT_REDIS_URL` names, or a `redis-server` started on a free
//! loopback port, or none (the test is skipped with a notice, unless `STOAT_REQUIRE_REDIS=1`,
//! which makes a missing Redis a failure: CI sets it).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// A Redis to test against. A server this started is stopped when it is dropped.
#[derive(Debug)]
pub struct TestRedis {
    url: String,
    child: Option<Child>,
}

impl TestRedis {
    /// Finds or starts a Redis; `None` (after printing why) if there is none and
    /// `STOAT_REQUIRE_REDIS` is not `1`.
    ///
    /// # Panics
    ///
    /// When `STOAT_REQUIRE_REDIS=1` and no Redis can be had.
    pub fn get() -> Option<TestRedis> {
        let required = std::env::var("STOAT_REQUIRE_REDIS").is_ok_and(|v| v == "1");
        if let Ok(url) = std::env::var("STOAT_REDIS_URL") {
            if !url.is_empty() {
                return Some(TestRedis { url, child: None });
            }
        }
        match Self::spawn() {
            Ok(redis) => Some(redis),
            Err(why) if required => panic!("STOAT_REQUIRE_REDIS=1 but no redis: {why}"),
            Err(why) => {
                eprintln!(
                    "notice: skipping a Redis test: {why} (set STOAT_REDIS_URL or put \
                     redis-server on PATH; STOAT_REQUIRE_REDIS=1 makes this a failure)"
                );
                None
            }
        }
    }

    fn spawn() -> Result<TestRedis, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                &std::env::temp_dir().display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run redis-server: {e}"))?;
        let url = format!("redis://127.0.0.1:{port}/");
        let deadline = Instant::now() + Duration::from_secs(10);
        let client = redis::Client::open(url.as_str()).map_err(|e| e.to_string())?;
        loop {
            if let Ok(mut conn) = client.get_connection() {
                if redis::cmd("PING").query::<String>(&mut conn).is_ok() {
                    return Ok(TestRedis {
                        url,
                        child: Some(child),
                    });
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("redis-server exited: {status}"));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("redis-server did not answer within 10 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A bot name no other test (or earlier run against the same Redis) uses.
pub fn unique_bot(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
