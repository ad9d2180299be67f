//! What every runtime adapter's client shares: its configuration and the update it hands to
//! users.
//!
//! Adapters resolve the endpoints ([`ClientConfig::discovery_request`],
//! [`ClientConfig::resolved_endpoints`]), then build a [`Session`](crate::gateway::Session)
//! with [`ClientConfig::session_config`], a [`Rest`] with [`ClientConfig::rest_for`], and a
//! [`Cache`] with [`ClientConfig::new_cache`]; every event the session emits goes through
//! [`dispatch`] before the user sees it.

use crate::auth::Token;
use crate::cache::{Cache, CacheConfig, Change};
use crate::endpoints::Endpoints;
use crate::gateway::{Event, SessionConfig};
use crate::http::routes::FetchInstance;
use crate::http::{Rest, RetryPolicy};
use crate::model::InstanceInfo;

/// An event together with what it changed in the cache.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Update {
    /// The event.
    pub event: Event,
    /// The cache change, holding the value from before the event.
    pub change: Change,
}

/// Applies `event` to the cache and pairs it with the change.
pub fn dispatch(cache: &mut Cache, event: Event) -> Update {
    let change = cache.apply(&event);
    Update { event, change }
}

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
    /// `User-Agent` for REST requests.
    pub user_agent: Option<String>,
    /// Adjusts the gateway session configuration (heartbeat, backoff, format, ...).
    pub session: fn(SessionConfig) -> SessionConfig,
}

impl ClientConfig {
    /// Connects to stoat.chat with `token`.
    pub fn new(token: Token) -> Self {
        Self {
            token,
            discovery: Discovery::Fixed(Endpoints::stoat_chat()),
            cache: CacheConfig::default(),
            retry: RetryPolicy::default(),
            user_agent: None,
            session: |config| config,
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

    /// Adjusts the gateway session configuration.
    pub fn session(mut self, adjust: fn(SessionConfig) -> SessionConfig) -> Self {
        self.session = adjust;
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
        let rest = Rest::new(api_url, Some(self.token.clone())).with_retry_policy(self.retry);
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
        (self.session)(SessionConfig::new(ws_url, self.token.clone()))
    }

    /// A cache built with [`cache`](Self::cache).
    pub fn new_cache(&self) -> Cache {
        Cache::new(self.cache)
    }
}
