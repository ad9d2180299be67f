//! The no-token-leak check every runtime runs (`runtime-*/tests/no_token_leak.rs`): a client
//! authenticates with a bot and a user token, calls a webhook route with the webhook token in
//! its path, is redirected to another origin, gets an endless body and a refused connection,
//! while [`LogCapture`] records everything logged at the most verbose level. No token may
//! appear in any log line or error string, and the other origin must hear nothing.

use std::net::TcpListener;
use std::time::Duration;

use stoat_core::auth::Secret;
use stoat_core::client::ClientConfig;
use stoat_core::http::routes::{CreateWebhook, ExecuteWebhook, FetchSelf};
use stoat_core::http::{Error, Request, ResponseLimits, RetryPolicy};
use stoat_core::{Endpoints, Token};

use crate::{FakeConfig, FakeServer, HttpFault, LogCapture, OtherOrigin};

/// A runtime's client, as the leak check drives it.
pub trait LeakClient: Sized {
    /// The runtime's name, for messages.
    const RUNTIME: &'static str;

    /// Connects a client.
    fn connect(config: ClientConfig) -> Result<Self, String>;

    /// Waits up to `timeout` for the session's `Ready`; `false` if it did not come.
    fn wait_ready(&mut self, timeout: Duration) -> bool;

    /// Executes a request.
    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static;

    /// Shuts the client down and waits until it has stopped.
    fn shutdown(self);
}

const PATIENCE: Duration = Duration::from_secs(10);

/// An `http://` URL on which nothing listens.
fn closed_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("a bound address");
    drop(listener);
    format!("http://{addr}")
}

/// Runs the check; panics with the offending lines if a token leaked.
///
/// `clean_logs` says whether the log capture must be clean too: pass whether the adapter's
/// `safe-logs` feature is on (without it, tungstenite, ureq and reqwest write tokens at debug
/// and trace level, and this check shows them). Errors and the other origin are checked
/// either way.
///
/// Call it from a test binary of its own: it installs the process-wide [`LogCapture`].
pub fn assert_no_token_leaks<C: LeakClient>(clean_logs: bool) {
    let capture = LogCapture::install();
    log::info!(target: "stoat_conformance::leak", "log capture works ({})", C::RUNTIME);
    tracing::info!(target: "stoat_conformance::leak", runtime = C::RUNTIME, "tracing capture works");

    let server = FakeServer::start(FakeConfig::for_tests());
    let other = OtherOrigin::start();
    let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());
    let channel = server.channel_id().parse().expect("the fixture channel id");
    let runtime = C::RUNTIME;
    let mut errors: Vec<String> = Vec::new();
    let mut keep = |what: &str, error: &Error| {
        errors.push(format!("{what}: {error}"));
        errors.push(format!("{what}: {error:?}"));
    };

    // Both kinds of token authenticate on the gateway (tungstenite carries the frames).
    let connect = |config: ClientConfig| {
        C::connect(config).unwrap_or_else(|error| panic!("[{runtime}] connect: {error}"))
    };
    let mut bot = connect(
        ClientConfig::new(Token::bot(server.bot_token()))
            .endpoints(endpoints.clone())
            .response_limits(ResponseLimits::default().api(256 * 1024)),
    );
    assert!(bot.wait_ready(PATIENCE), "[{runtime}] the bot got no Ready");
    let mut owner = connect(
        ClientConfig::new(Token::session(server.user_token())).endpoints(endpoints.clone()),
    );
    assert!(
        owner.wait_ready(PATIENCE),
        "[{runtime}] the user got no Ready"
    );

    // A webhook, executed with its token in the path.
    let webhook = owner
        .execute(CreateWebhook::new(channel, "Leak check"))
        .unwrap_or_else(|error| panic!("[{runtime}] create a webhook: {error}"));
    let token: Secret = webhook.token.clone().expect("a new webhook has its token");
    let execute = move |content: &str| ExecuteWebhook::new(webhook.id, token.clone(), content);
    bot.execute(execute("deployed build 42"))
        .unwrap_or_else(|error| panic!("[{runtime}] execute the webhook: {error}"));
    let webhook_token = webhook
        .token
        .clone()
        .expect("the token")
        .expose()
        .to_owned();
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with(&webhook_token)),
        "[{runtime}] the webhook token went out in the path, as it must"
    );

    // Redirected to another origin: the webhook call, and a call with the bot token.
    server.fault_next_http_requests(HttpFault::redirect_to(other.url()), 1);
    match bot.execute(execute("redirect me")) {
        Err(error @ Error::Redirected { .. }) => keep("redirected webhook", &error),
        other => panic!("[{runtime}] expected Redirected, got {other:?}"),
    }
    server.fault_next_http_requests(HttpFault::redirect_to(other.url()), 1);
    match bot.execute(FetchSelf) {
        Err(error @ Error::Redirected { .. }) => keep("redirected fetch", &error),
        other => panic!("[{runtime}] expected Redirected, got {other:?}"),
    }

    // An endless body on the webhook route.
    server.fault_next_http_requests(HttpFault::EndlessBody, 1);
    match bot.execute(execute("endless")) {
        Err(error @ Error::BodyTooLarge { .. }) => keep("endless body", &error),
        other => panic!("[{runtime}] expected BodyTooLarge, got {other:?}"),
    }

    // The server's own error for a bad webhook token.
    let wrong = ExecuteWebhook::new(webhook.id, Secret::new("not-the-token"), "x");
    match bot.execute(wrong) {
        Err(error) => keep("wrong webhook token", &error),
        Ok(message) => panic!("[{runtime}] a wrong webhook token was accepted: {message:?}"),
    }

    // A refused connection, with the token in the URL and in the headers.
    let closed = closed_url();
    let offline = connect(
        ClientConfig::new(Token::bot(server.bot_token()))
            .endpoints(Endpoints::new(closed.clone(), server.ws_url(), closed))
            .retry(RetryPolicy::none()),
    );
    match offline.execute(execute("nobody listens")) {
        Err(error @ Error::Transport(_)) => keep("refused webhook", &error),
        other => panic!("[{runtime}] expected a transport error, got {other:?}"),
    }
    match offline.execute(FetchSelf) {
        Err(error @ Error::Transport(_)) => keep("refused fetch", &error),
        other => panic!("[{runtime}] expected a transport error, got {other:?}"),
    }

    offline.shutdown();
    owner.shutdown();
    bot.shutdown();
    std::thread::sleep(Duration::from_millis(200));

    let secrets = [
        server.bot_token(),
        server.user_token(),
        webhook_token.as_str(),
    ];
    let leaked: Vec<&String> = errors
        .iter()
        .filter(|text| secrets.iter().any(|secret| text.contains(secret)))
        .collect();
    assert!(
        leaked.is_empty(),
        "[{runtime}] tokens in error strings: {leaked:#?}"
    );
    let leaked = capture.lines_containing(&secrets);
    if clean_logs {
        assert!(leaked.is_empty(), "[{runtime}] tokens in logs: {leaked:#?}");
    }
    let text = capture.text();
    assert!(
        text.contains("log capture works") && text.contains("tracing capture works"),
        "[{runtime}] the capture itself does not work"
    );
    assert_eq!(
        other.connections(),
        0,
        "[{runtime}] the other origin was contacted: {:?}",
        String::from_utf8_lossy(&other.received())
    );
}
