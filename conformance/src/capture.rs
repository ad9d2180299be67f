//! [`LogCapture`]: records everything a process logs, through the `log` crate and through
//! `tracing`, at every level, so a test can assert that no secret is ever written.
//!
//! ```
//! let capture = stoat_conformance::LogCapture::install();
//! log::info!("hello from log");
//! tracing::info!(answer = 42, "hello from tracing");
//! let text = capture.text();
//! assert!(text.contains("hello from log"));
//! assert!(text.contains("answer=42"));
//! ```

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Everything logged in this process since [`install`](Self::install), one entry per `log`
/// record, `tracing` event, span creation or span record (with every field).
///
/// It is the process-wide `log` logger (with the max level set to `Trace`) and the global
/// `tracing` subscriber (enabled for everything), so it sees what every crate in the
/// process, the client's dependencies included, would write to a real logger at its most
/// verbose. Only what the `log` crate's static level (`STATIC_MAX_LEVEL`, set by its
/// `max_level_*` features) compiles out never arrives.
#[derive(Debug)]
pub struct LogCapture {
    lines: Mutex<Vec<String>>,
    log_records: AtomicU64,
    tracing_records: AtomicU64,
}

static CAPTURE: OnceLock<LogCapture> = OnceLock::new();

impl LogCapture {
    /// Installs the capture (once per process; later calls return the same one).
    ///
    /// # Panics
    ///
    /// If another `log` logger or global `tracing` subscriber was installed first: its
    /// output would not be seen, and the test would prove nothing.
    pub fn install() -> &'static LogCapture {
        let mut installed_now = false;
        let capture = CAPTURE.get_or_init(|| {
            installed_now = true;
            LogCapture {
                lines: Mutex::default(),
                log_records: AtomicU64::new(0),
                tracing_records: AtomicU64::new(0),
            }
        });
        if installed_now {
            log::set_logger(&LogSink).expect("no other log logger is installed");
            log::set_max_level(log::LevelFilter::Trace);
            tracing::subscriber::set_global_default(TracingSink {
                next_span: AtomicU64::new(1),
            })
            .expect("no other tracing subscriber is installed");
        }
        capture
    }

    fn push(&self, line: String) {
        self.lock().push(line);
    }

    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        self.lines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every entry so far, oldest first.
    pub fn lines(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// Every entry so far, one per line.
    pub fn text(&self) -> String {
        self.lock().join("\n")
    }

    /// How many `log` records arrived.
    pub fn log_records(&self) -> u64 {
        self.log_records.load(Ordering::Relaxed)
    }

    /// How many `tracing` events and span records arrived.
    pub fn tracing_records(&self) -> u64 {
        self.tracing_records.load(Ordering::Relaxed)
    }

    /// The entries that contain any of `secrets` (empty secrets are ignored).
    pub fn lines_containing(&self, secrets: &[&str]) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|line| secrets.iter().any(|s| !s.is_empty() && line.contains(s)))
            .cloned()
            .collect()
    }
}

fn capture() -> Option<&'static LogCapture> {
    CAPTURE.get()
}

struct LogSink;

impl log::Log for LogSink {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        if let Some(capture) = capture() {
            capture.log_records.fetch_add(1, Ordering::Relaxed);
            capture.push(format!(
                "log {} {}: {}",
                record.level(),
                record.target(),
                record.args()
            ));
        }
    }

    fn flush(&self) {}
}

struct TracingSink {
    next_span: AtomicU64,
}

/// Writes every field as ` name=value`.
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

fn record_tracing(kind: &str, metadata: &Metadata<'_>, fields: Fields) {
    if let Some(capture) = capture() {
        capture.tracing_records.fetch_add(1, Ordering::Relaxed);
        capture.push(format!(
            "tracing {kind} {} {} {}:{}",
            metadata.level(),
            metadata.target(),
            metadata.name(),
            fields.0
        ));
    }
}

impl Subscriber for TracingSink {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        record_tracing("span", span.metadata(), fields);
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed).max(1))
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        if let Some(capture) = capture() {
            capture.tracing_records.fetch_add(1, Ordering::Relaxed);
            capture.push(format!("tracing span record:{}", fields.0));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        record_tracing("event", event.metadata(), fields);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
