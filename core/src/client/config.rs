//! [`ClientConfig`]: everything a client needs to connect, on any runtime.

use std::fmt;
use std::sync::Arc;

use crate::auth::Token;
use crate::cache::{Cache, CacheConfig};
use crate::endpoints::Endpoints;
use crate::gateway::SessionConfig;
use crate::http::routes::FetchInstance;
use crate::http::{ResponseLimits, Rest, RetryPolicy};
use crate::model::InstanceInfo;

/// Where to find the instance's services.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Discovery {
    /// Use these URLs as they are.
    Fixed(Endpoints),
    /// Fetch `GET /` from this API URL and use the gateway and file-server URLs it names.
    FromApi(String),
}

/// Everything needed to connect a client on any runtime.
///
/// ```
/// use stoat_core::client::ClientConfig;
/// use stoat_core::Token;
/// let config = ClientConfig::new(Token::bot("secret"));
/// assert!(format!("{config:?}").contains("<redacted>"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The credential.
    pub token: Token,
    /// Service URLs (stoat.chat by default).
    pub discovery: Discovery,
    /// Cache settings.
    pub cache: CacheConfig,
    /// REST retry policy.
    pub retry: RetryPolicy,
    /// How much of a response body is read before the call fails with
    /// [`Error::BodyTooLarge`](crate::http::Error::BodyTooLarge) (32 MiB by default).
    pub response_limits: ResponseLimits,
    /// `User-Agent` for REST requests.
    pub user_agent: Option<String>,
    /// Adjusts the gateway session configuration (heartbeat, backoff, format, ...).
    pub session: SessionAdjust,
}

/// A function that adjusts the gateway [`SessionConfig`]; see [`ClientConfig::session`].
///
/// Any closure works, capturing ones included; it is shared, so cloning a [`ClientConfig`]
/// is cheap.
#[derive(Clone)]
pub struct SessionAdjust(Arc<dyn Fn(SessionConfig) -> SessionConfig + Send + Sync>);

impl SessionAdjust {
    /// Wraps `adjust`.
    pub fn new(adjust: impl Fn(SessionConfig) -> SessionConfig + Send + Sync + 'static) -> Self {
        Self(Arc::new(adjust))
    }

    /// Applies the adjustment.
    pub fn apply(&self, config: SessionConfig) -> SessionConfig {
        (self.0)(config)
    }
}

impl Default for SessionAdjust {
    /// Leaves the configuration as it is.
    fn default() -> Self {
        Self::new(|config| config)
    }
}

impl fmt::Debug for SessionAdjust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionAdjust(..)")
    }
}

impl ClientConfig {
    /// Connects to stoat.chat with `token`.
    pub fn new(token: Token) -> Self {
        Self {
            token,
            discovery: Discovery::Fixed(Endpoints::stoat_chat()),
            cache: CacheConfig::default(),
            retry: RetryPolicy::default(),
            response_limits: ResponseLimits::default(),
            user_agent: None,
            session: SessionAdjust::default(),
        }
    }

    /// Uses these URLs.
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.discovery = Discovery::Fixed(endpoints);
        self
    }

    /// Discovers the gateway and file-server URLs from `GET /` of `api_url`.
    pub fn discover(mut self, api_url: impl Into<String>) -> Self {
        self.discovery = Discovery::FromApi(api_url.into());
        self
    }

    /// Sets the cache configuration.
    pub fn cache(mut self, cache: CacheConfig) -> Self {
        self.cache = cache;
        self
    }

    /// Sets the REST retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the response body limits.
    pub fn response_limits(mut self, limits: ResponseLimits) -> Self {
        self.response_limits = limits;
        self
    }

    /// Adjusts the gateway session configuration (heartbeat, backoff, wire format, ...).
    ///
    /// Any closure works, including one that captures its environment:
    ///
    /// ```
    /// use std::time::Duration;
    /// use stoat_core::client::ClientConfig;
    /// use stoat_core::Token;
    ///
    /// let heartbeat = Duration::from_secs(5);
    /// let config = ClientConfig::new(Token::bot("secret"))
    ///     .session(move |session| session.heartbeat(heartbeat, heartbeat * 2));
    /// let session = config.session_config("wss://events.stoat.chat");
    /// assert_eq!(session.heartbeat_interval, heartbeat);
    /// ```
    pub fn session(
        mut self,
        adjust: impl Fn(SessionConfig) -> SessionConfig + Send + Sync + 'static,
    ) -> Self {
        self.session = SessionAdjust::new(adjust);
        self
    }

    /// The API base URL to use before discovery (or for good, with fixed endpoints).
    pub fn api_url(&self) -> &str {
        match &self.discovery {
            Discovery::Fixed(endpoints) => &endpoints.api,
            Discovery::FromApi(api) => api,
        }
    }

    /// The `GET /` request to make before connecting, when the endpoints must be discovered.
    pub fn discovery_request(&self) -> Option<FetchInstance> {
        match self.discovery {
            Discovery::Fixed(_) => None,
            Discovery::FromApi(_) => Some(FetchInstance),
        }
    }

    /// The endpoints to connect to. `instance` is the answer to
    /// [`discovery_request`](Self::discovery_request); `None` is returned only when discovery
    /// is needed and no answer was given.
    pub fn resolved_endpoints(&self, instance: Option<&InstanceInfo>) -> Option<Endpoints> {
        match &self.discovery {
            Discovery::Fixed(endpoints) => Some(endpoints.clone()),
            Discovery::FromApi(api) => {
                instance.map(|info| Endpoints::from_instance(api.clone(), info))
            }
        }
    }

    /// The REST pipeline for `api_url` (without a file server; see [`rest_for`](Self::rest_for)).
    pub fn rest(&self, api_url: &str) -> Rest {
        let rest = Rest::new(api_url, Some(self.token.clone()))
            .with_retry_policy(self.retry)
            .with_response_limits(self.response_limits);
        match &self.user_agent {
            Some(agent) => rest.with_user_agent(agent.clone()),
            None => rest,
        }
    }

    /// The REST pipeline for resolved endpoints (API and file server).
    pub fn rest_for(&self, endpoints: &Endpoints) -> Rest {
        self.rest(&endpoints.api)
            .with_autumn_base(endpoints.autumn.clone())
    }

    /// The gateway session configuration for the given gateway URL.
    pub fn session_config(&self, ws_url: &str) -> SessionConfig {
        self.session
            .apply(SessionConfig::new(ws_url, self.token.clone()))
    }

    /// A cache built with [`cache`](Self::cache).
    pub fn new_cache(&self) -> Cache {
        Cache::new(self.cache)
    }
}
