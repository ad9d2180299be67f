//! The gateway session state machine.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::close::{clip_reason, CloseCode, DisconnectCause, Disconnection};
use super::codec::{encode, DecodeError, Decoder, WsMessage};
use super::command::{ClientMessage, Command};
use super::config::SessionConfig;
use super::event::{Event, GatewayError, PingData};
use crate::id::ServerId;

/// Something the driver must do, or an event for the user.
// Outputs are moved out once, right away; boxing the event would cost an allocation per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
#[non_exhaustive]
pub enum Output {
    /// Open a WebSocket connection to `url`, then call [`Session::handle_connected`] or
    /// [`Session::handle_connect_failed`].
    Connect {
        /// Full URL including the query.
        url: String,
    },
    /// Send this message on the open connection.
    Send(WsMessage),
    /// Close the current connection (or abandon the connection attempt in progress).
    /// The session has already moved on; no `handle_disconnected` call is needed.
    Disconnect,
    /// A server event for the user (`Bulk` already flattened).
    Event(Event),
    /// A frame could not be decoded; it was skipped.
    InvalidFrame(DecodeError),
    /// The session has ended for good; nothing more will be asked of the driver.
    Closed(CloseReason),
}

/// Why a session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// [`Session::close`] was called.
    Requested,
    /// The server logged this session out.
    LoggedOut,
    /// The server rejected the token (e.g. `InvalidSession`). Retrying would not help.
    AuthenticationFailed(GatewayError),
    /// [`SessionConfig::max_reconnect_attempts`] consecutive attempts failed.
    ReconnectAttemptsExhausted,
}

impl CloseReason {
    /// Whether the session ended without the user asking for it: the end a client reports
    /// to its user as an error rather than as a quiet end of the event stream.
    pub fn is_unexpected(&self) -> bool {
        !matches!(self, Self::Requested)
    }
}

/// Where the session is, as a user might want to display it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionState {
    /// [`Session::start`] has not been called.
    Idle,
    /// Waiting for the connection to open.
    Connecting,
    /// Connected, waiting for `Authenticated` / `Ready`.
    Handshaking,
    /// Ready: events flow and commands are sent immediately.
    Ready,
    /// Waiting before the next reconnect attempt.
    WaitingToReconnect,
    /// Finished.
    Closed,
}

#[derive(Debug)]
enum State {
    Idle,
    Connecting {
        deadline: Instant,
    },
    Open {
        /// `Some` until `Ready` arrives.
        handshake_deadline: Option<Instant>,
        /// `None` until `Authenticated` (the server ignores pings before it).
        next_ping: Option<Instant>,
        pending_ping: Option<(u64, Instant)>,
    },
    Backoff {
        until: Instant,
    },
    Closed,
}

/// A gateway session: one logical connection that survives reconnects.
///
/// Drive it like this (see the crate examples for a full loop):
/// 1. call [`start`](Self::start), then drain [`poll_output`](Self::poll_output) after every input;
/// 2. on [`Output::Connect`] open the socket and report the outcome;
/// 3. feed every received frame to [`handle_message`](Self::handle_message), a close frame
///    to [`handle_closed`](Self::handle_closed) (with its code and reason), a message over
///    [`SessionConfig::max_message_size`] to
///    [`handle_message_too_large`](Self::handle_message_too_large), and any other lost
///    connection to [`handle_disconnected`](Self::handle_disconnected);
/// 4. call [`handle_timeout`](Self::handle_timeout) when [`poll_timeout`](Self::poll_timeout)
///    passes. A timeout call that is early or spurious does nothing.
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    decoder: Decoder,
    state: State,
    outputs: VecDeque<Output>,
    queued_commands: VecDeque<Command>,
    rng: fastrand::Rng,
    next_nonce: u64,
    failed_attempts: u32,
    /// When the current connection opened and when it became ready.
    opened_at: Option<Instant>,
    ready_at: Option<Instant>,
    latency: Option<Duration>,
    connections: u64,
    /// Frames that could not be decoded, over the session's life.
    invalid_frames: u64,
    /// The latest instant any input carried: the session's idea of "now" for `send`.
    last_input: Option<Instant>,
    /// Servers subscribed on the current connection, and when.
    subscriptions: Vec<(ServerId, Instant)>,
}

/// The server keeps at most this many subscriptions per connection (an LRU)...
const MAX_SUBSCRIPTIONS: usize = 5;
/// ...each for 15 minutes; the docs ask clients to renew at most every 10 minutes.
const SUBSCRIPTION_RENEWAL: Duration = Duration::from_secs(10 * 60);

impl Session {
    /// Creates an idle session.
    pub fn new(config: SessionConfig) -> Self {
        let rng = fastrand::Rng::with_seed(config.seed);
        Self {
            decoder: Decoder::new(config.format, config.remembered_authors),
            config,
            state: State::Idle,
            outputs: VecDeque::new(),
            queued_commands: VecDeque::new(),
            rng,
            next_nonce: 1,
            failed_attempts: 0,
            opened_at: None,
            ready_at: None,
            latency: None,
            connections: 0,
            invalid_frames: 0,
            last_input: None,
            subscriptions: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Starts connecting. Does nothing unless the session is idle.
    pub fn start(&mut self, now: Instant) {
        self.last_input = Some(now);
        if matches!(self.state, State::Idle) {
            self.begin_connect(now);
        }
    }

    /// The next thing to do, if any. Call until it returns `None` after every input.
    /// Its answer changes only after a `handle_*`, `send`, `start` or `close` call.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called, if ever.
    /// Its answer changes only after a `handle_*`, `start` or `close` call.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            State::Connecting { deadline } => Some(*deadline),
            State::Open {
                handshake_deadline,
                next_ping,
                pending_ping,
            } => {
                let pong_deadline =
                    pending_ping.map(|(_, sent)| sent + self.config.heartbeat_timeout);
                // While a ping is outstanding the next one waits for its answer.
                let ping = if pending_ping.is_some() {
                    None
                } else {
                    *next_ping
                };
                [*handshake_deadline, ping, pong_deadline]
                    .into_iter()
                    .flatten()
                    .min()
            }
            State::Backoff { until } => Some(*until),
            State::Idle | State::Closed => None,
        }
    }

    /// The connection opened.
    pub fn handle_connected(&mut self, now: Instant) {
        self.last_input = Some(now);
        if !matches!(self.state, State::Connecting { .. }) {
            return;
        }
        self.connections += 1;
        self.opened_at = Some(now);
        self.ready_at = None;
        // A new connection starts with no subscriptions on the server side.
        self.subscriptions.clear();
        tracing::debug!(connection = self.connections, "gateway connected");
        self.state = State::Open {
            handshake_deadline: Some(now + self.config.handshake_timeout),
            next_ping: None,
            pending_ping: None,
        };
        if !self.config.token_in_url {
            let auth = ClientMessage::Authenticate {
                token: self.config.token.clone(),
            };
            self.outputs
                .push_back(Output::Send(encode(self.config.format, &auth)));
        }
    }

    /// The connection attempt failed.
    pub fn handle_connect_failed(&mut self, now: Instant) {
        self.last_input = Some(now);
        if matches!(self.state, State::Connecting { .. }) {
            tracing::debug!("gateway connection attempt failed");
            self.end_connection(now, DisconnectCause::ConnectFailed, false);
        }
    }

    /// The open connection was lost without a close frame (a reset, the end of the stream,
    /// a read or write error). The official server ends connections this way.
    pub fn handle_disconnected(&mut self, now: Instant) {
        self.last_input = Some(now);
        if matches!(self.state, State::Open { .. } | State::Connecting { .. }) {
            tracing::debug!("gateway connection lost");
            self.end_connection(now, DisconnectCause::Lost, false);
        }
    }

    /// The server (or a proxy) closed the connection with a close frame carrying `code`
    /// (`None` if the frame had none) and `reason`. The driver has nothing more to do with the
    /// socket than finish the closing handshake.
    ///
    /// What follows depends on the code (the table is on [`CloseCode`]): the session always
    /// reports an [`Event::Disconnected`] and reconnects with backoff; a fault code, or any
    /// close soon after `Ready`, makes that backoff grow instead of starting over.
    pub fn handle_closed(&mut self, now: Instant, code: Option<CloseCode>, reason: &str) {
        self.last_input = Some(now);
        if matches!(self.state, State::Open { .. } | State::Connecting { .. }) {
            let cause = DisconnectCause::Closed {
                code,
                reason: clip_reason(reason),
            };
            self.end_connection(now, cause, false);
        }
    }

    /// The driver refused an incoming message of (at least) `size` bytes, more than
    /// [`SessionConfig::max_message_size`] allows, without assembling it. The connection is
    /// given up ([`Output::Disconnect`]) and the session reconnects; a server that does it
    /// again meets a growing backoff.
    pub fn handle_message_too_large(&mut self, now: Instant, size: usize) {
        self.last_input = Some(now);
        if matches!(self.state, State::Open { .. }) {
            let cause = DisconnectCause::MessageTooLarge {
                size,
                max: self.config.max_message_size,
            };
            self.end_connection(now, cause, true);
        }
    }

    /// A whole message arrived on the open connection.
    pub fn handle_message(&mut self, now: Instant, message: WsMessage) {
        self.last_input = Some(now);
        if !matches!(self.state, State::Open { .. }) {
            return;
        }
        match self.decoder.decode(&message) {
            Ok(event) => self.handle_event(now, event),
            Err(error) => {
                self.invalid_frames += 1;
                tracing::warn!(%error, "skipping undecodable gateway frame");
                if self.config.invalid_frame_events {
                    self.outputs
                        .push_back(Output::Event(Event::InvalidFrame(Box::new(error.clone()))));
                }
                self.outputs.push_back(Output::InvalidFrame(error));
            }
        }
    }

    /// A deadline from [`poll_timeout`](Self::poll_timeout) may have passed.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.last_input = Some(now);
        match self.state {
            State::Connecting { deadline } if now >= deadline => {
                tracing::debug!("gateway connection attempt timed out");
                self.end_connection(now, DisconnectCause::HandshakeTimedOut, true);
            }
            State::Backoff { until } if now >= until => self.begin_connect(now),
            State::Open {
                handshake_deadline,
                next_ping,
                pending_ping,
            } => {
                let pong_overdue = pending_ping
                    .is_some_and(|(_, sent)| now >= sent + self.config.heartbeat_timeout);
                if handshake_deadline.is_some_and(|d| now >= d) {
                    tracing::debug!("gateway handshake timed out");
                    self.end_connection(now, DisconnectCause::HandshakeTimedOut, true);
                } else if pong_overdue {
                    tracing::warn!("no pong within the heartbeat timeout; reconnecting");
                    self.end_connection(now, DisconnectCause::HeartbeatTimedOut, true);
                } else if pending_ping.is_none() && next_ping.is_some_and(|t| now >= t) {
                    self.send_ping(now);
                }
            }
            _ => {}
        }
    }

    /// Sends a command now if the session is ready, otherwise keeps it until it is.
    pub fn send(&mut self, command: Command) {
        if let Command::Subscribe { server_id } = command {
            if !self.should_subscribe(server_id) {
                return;
            }
        }
        if self.state() == SessionState::Ready {
            let frame = encode(self.config.format, &ClientMessage::Command(command));
            self.outputs.push_back(Output::Send(frame));
        } else if !matches!(self.state, State::Closed) {
            if self.queued_commands.len() >= self.config.max_queued_commands {
                tracing::warn!("command queue full; dropping the oldest command");
                self.queued_commands.pop_front();
            }
            self.queued_commands.push_back(command);
        }
    }

    /// `Subscribe` does nothing for bots (they receive every member update already) and
    /// needs renewing only every 10 minutes per server; the server remembers 5 at most.
    fn should_subscribe(&mut self, server: ServerId) -> bool {
        if self.config.token.is_bot() {
            tracing::debug!(%server, "Subscribe has no effect for bots; not sent");
            return false;
        }
        let Some(now) = self.last_input else {
            return true;
        };
        if let Some(at) = self.subscriptions.iter().position(|(s, _)| *s == server) {
            let (_, sent) = self.subscriptions[at];
            if now.saturating_duration_since(sent) < SUBSCRIPTION_RENEWAL {
                return false;
            }
            self.subscriptions.remove(at);
        }
        if self.subscriptions.len() >= MAX_SUBSCRIPTIONS {
            // The server evicts its least recently used entry; so do we.
            self.subscriptions.remove(0);
        }
        self.subscriptions.push((server, now));
        true
    }

    /// Ends the session: the connection is closed and no reconnect follows.
    pub fn close(&mut self) {
        self.finish(CloseReason::Requested);
    }

    /// Round-trip time of the last answered heartbeat.
    pub fn latency(&self) -> Option<Duration> {
        self.latency
    }

    /// How many connections have opened so far.
    pub fn connections(&self) -> u64 {
        self.connections
    }

    /// How many frames could not be decoded so far (each was also reported as an
    /// [`Output::InvalidFrame`] and skipped). A count that keeps growing means the server
    /// speaks something this version of the library does not understand.
    pub fn invalid_frames(&self) -> u64 {
        self.invalid_frames
    }

    /// The current state.
    pub fn state(&self) -> SessionState {
        match self.state {
            State::Idle => SessionState::Idle,
            State::Connecting { .. } => SessionState::Connecting,
            State::Open {
                handshake_deadline: Some(_),
                ..
            } => SessionState::Handshaking,
            State::Open { .. } => SessionState::Ready,
            State::Backoff { .. } => SessionState::WaitingToReconnect,
            State::Closed => SessionState::Closed,
        }
    }

    fn begin_connect(&mut self, now: Instant) {
        self.state = State::Connecting {
            deadline: now + self.config.handshake_timeout,
        };
        self.outputs.push_back(Output::Connect {
            url: self.config.connect_url(),
        });
    }

    fn handle_event(&mut self, now: Instant, event: Event) {
        match event {
            Event::Bulk { v } => {
                for inner in v {
                    self.handle_event(now, inner);
                    if matches!(self.state, State::Closed) {
                        break;
                    }
                }
                return;
            }
            Event::Authenticated => {
                if let State::Open { next_ping, .. } = &mut self.state {
                    next_ping.get_or_insert(now + self.config.heartbeat_interval);
                }
            }
            Event::Ready(_) => {
                if let State::Open {
                    handshake_deadline,
                    next_ping,
                    ..
                } = &mut self.state
                {
                    *handshake_deadline = None;
                    next_ping.get_or_insert(now + self.config.heartbeat_interval);
                }
                // The backoff is reset only once this connection has proved stable (see
                // `end_connection`), not here: a server that closes right after `Ready`
                // must meet a growing delay.
                self.ready_at.get_or_insert(now);
                self.outputs.push_back(Output::Event(event));
                self.flush_commands();
                return;
            }
            Event::Pong {
                data: PingData::Number(nonce),
            } => {
                if let State::Open { pending_ping, .. } = &mut self.state {
                    if let Some((expected, sent)) = *pending_ping {
                        if nonce == expected {
                            *pending_ping = None;
                            self.latency = Some(now.saturating_duration_since(sent));
                        }
                    }
                }
            }
            Event::Error { ref data } => {
                let error = data.clone();
                tracing::error!(kind = %error.kind, "gateway rejected the session");
                self.outputs.push_back(Output::Event(event));
                self.finish(CloseReason::AuthenticationFailed(error));
                return;
            }
            Event::Logout => {
                self.outputs.push_back(Output::Event(event));
                self.finish(CloseReason::LoggedOut);
                return;
            }
            _ => {}
        }
        self.outputs.push_back(Output::Event(event));
    }

    fn send_ping(&mut self, now: Instant) {
        let nonce = self.next_nonce;
        self.next_nonce += 1;
        if let State::Open {
            next_ping,
            pending_ping,
            ..
        } = &mut self.state
        {
            *pending_ping = Some((nonce, now));
            *next_ping = Some(now + self.config.heartbeat_interval);
        }
        let ping = ClientMessage::Ping {
            data: PingData::Number(nonce),
        };
        self.outputs
            .push_back(Output::Send(encode(self.config.format, &ping)));
    }

    fn flush_commands(&mut self) {
        while let Some(command) = self.queued_commands.pop_front() {
            let frame = encode(self.config.format, &ClientMessage::Command(command));
            self.outputs.push_back(Output::Send(frame));
        }
    }

    /// Ends the current connection (or attempt) for `cause`: tells the driver to drop it if
    /// `hang_up`, reports the end to the user, and schedules the next attempt.
    ///
    /// The consecutive-failure count (which the backoff grows with) is reset only when the
    /// connection that ended had been ready for [`SessionConfig::stable_connection`] and the
    /// end is not a fault; every other end counts as one more failure.
    fn end_connection(&mut self, now: Instant, cause: DisconnectCause, hang_up: bool) {
        let uptime = self.opened_at.map_or(Duration::ZERO, |opened| {
            now.saturating_duration_since(opened)
        });
        let after_ready = self.ready_at.is_some();
        let stable = self.ready_at.is_some_and(|ready| {
            now.saturating_duration_since(ready) >= self.config.stable_connection
        });
        self.opened_at = None;
        self.ready_at = None;
        if stable && !cause.is_fault() {
            self.failed_attempts = 0;
        }
        if hang_up {
            self.outputs.push_back(Output::Disconnect);
        }
        self.failed_attempts = self.failed_attempts.saturating_add(1);
        let exhausted = self
            .config
            .max_reconnect_attempts
            .is_some_and(|max| self.failed_attempts > max);
        let delay = (!exhausted).then(|| {
            self.config
                .backoff
                .delay(self.failed_attempts, &mut self.rng)
        });
        let disconnection = Disconnection {
            cause,
            after_ready,
            uptime,
            failures: self.failed_attempts,
            reconnect_in: delay,
        };
        if disconnection.is_fault() {
            tracing::warn!(%disconnection, "gateway fault");
        } else {
            tracing::info!(%disconnection, "gateway disconnected");
        }
        self.outputs
            .push_back(Output::Event(Event::Disconnected(Box::new(disconnection))));
        match delay {
            Some(delay) => self.state = State::Backoff { until: now + delay },
            None => {
                self.state = State::Closed;
                self.queued_commands.clear();
                self.outputs
                    .push_back(Output::Closed(CloseReason::ReconnectAttemptsExhausted));
            }
        }
    }

    fn finish(&mut self, reason: CloseReason) {
        match self.state {
            State::Closed => return,
            State::Connecting { .. } | State::Open { .. } => {
                self.outputs.push_back(Output::Disconnect)
            }
            State::Idle | State::Backoff { .. } => {}
        }
        self.state = State::Closed;
        self.queued_commands.clear();
        self.outputs.push_back(Output::Closed(reason));
    }
}
