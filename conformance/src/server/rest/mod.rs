//! The REST API (delta): a route table with one module per area, Rocket-style guards,
//! the rate limiter in front of everything, and scripted failures for tests.
//!
//! Adding a route: write a handler `fn(&mut Ctx) -> HandlerResult` in the area's module
//! and list it in that module's `routes()`.

mod bots;
mod channels;
mod emojis;
mod invites;
mod lookup;
mod messages;
mod root;
mod servers;
mod sync;
mod users;
mod webhooks;

use std::sync::OnceLock;

use http::Method;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::{catcher_body, prefers_json, ApiError};
use super::http::{record, IncomingRequest, WireResponse};
use super::observe::{Failure, Service};
use super::ratelimit::{delta_bucket, Bucket, Verdict};
use super::state::{Identity, Shared, State, Urls};

pub(crate) use messages::{send_message, MessageDraft};
pub(crate) use root::node_info;
pub(crate) use servers::{create_member, remove_member, server_emojis};

/// Largest request body delta accepts (bigger bodies get the 413 catcher).
pub(crate) const BODY_LIMIT: usize = 5 * 1024 * 1024;

/// The request guard a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// No authentication.
    None,
    /// `User`: `X-Bot-Token` (checked alone if present), else `X-Session-Token`.
    User,
}

/// A successful handler result.
#[derive(Debug)]
pub(crate) enum Reply {
    /// 200 with a JSON body.
    Json(Value),
    /// 200 with pre-serialised JSON (for shapes serde_json cannot build, e.g. duplicate keys).
    RawJson(Vec<u8>),
    /// 204 with an empty body.
    NoContent,
    /// 200 with bytes of another type and extra headers (after `content-type`).
    Bytes {
        /// The `content-type`.
        content_type: &'static str,
        /// Extra headers.
        headers: Vec<(&'static str, String)>,
        /// The body.
        body: Vec<u8>,
    },
}

/// A failed handler result.
#[derive(Debug)]
pub(crate) enum Reject {
    /// A JSON error body with its status.
    Api(ApiError),
    /// Rocket's default catcher for this status (guard and parse failures).
    Catcher(u16),
}

impl From<ApiError> for Reject {
    fn from(error: ApiError) -> Self {
        Reject::Api(error)
    }
}

/// What every handler returns.
pub(crate) type HandlerResult = Result<Reply, Reject>;

/// One mounted route. `{}` in `path` is a path parameter (percent-decoded).
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) auth: Auth,
    pub(crate) handler: fn(&mut Ctx<'_>) -> HandlerResult,
}

impl Route {
    pub(crate) fn new(
        method: Method,
        path: &'static str,
        auth: Auth,
        handler: fn(&mut Ctx<'_>) -> HandlerResult,
    ) -> Self {
        Self {
            method,
            path,
            auth,
            handler,
        }
    }
}

fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let mut all = Vec::new();
        all.extend(root::routes());
        all.extend(users::routes());
        all.extend(channels::routes());
        all.extend(messages::routes());
        all.extend(servers::routes());
        all.extend(sync::routes());
        all.extend(invites::routes());
        all.extend(emojis::routes());
        all.extend(bots::routes());
        all.extend(webhooks::routes());
        all
    })
}

/// Everything a handler can see.
pub(crate) struct Ctx<'a> {
    pub(crate) state: &'a mut State,
    pub(crate) urls: &'a Urls,
    pub(crate) request: &'a IncomingRequest,
    pub(crate) params: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) identity: Option<Identity>,
    pub(crate) verdict: Verdict,
}

impl Ctx<'_> {
    /// The authenticated user's id (routes with `Auth::User`/`Auth::Session`).
    pub(crate) fn me(&self) -> Result<String, Reject> {
        self.identity
            .as_ref()
            .map(|i| i.user_id.clone())
            .ok_or(Reject::Catcher(401))
    }

    /// Whether the authenticated user is a bot.
    pub(crate) fn is_bot(&self) -> bool {
        self.identity.as_ref().is_some_and(|i| i.is_bot)
    }

    /// The `Idempotency-Key` guard: over 64 characters → 400, a key already seen → 409
    /// (both default-catcher responses). The key becomes the message nonce.
    pub(crate) fn idempotency_key(&mut self) -> Result<Option<String>, Reject> {
        match self.request.header("idempotency-key") {
            Some(key) if key.len() > 64 => Err(Reject::Catcher(400)),
            Some(key) => {
                let key = key.to_owned();
                if self.state.remember_idempotency_key(&key) {
                    Ok(Some(key))
                } else {
                    Err(Reject::Catcher(409))
                }
            }
            None => Ok(None),
        }
    }

    /// The `X-Audit-Log-Reason` guard: over 512 bytes → 400 (default catcher).
    pub(crate) fn audit_reason(&self) -> Result<(), Reject> {
        match self.request.header("x-audit-log-reason") {
            Some(reason) if reason.len() > 512 => Err(Reject::Catcher(400)),
            _ => Ok(()),
        }
    }

    /// The `index`th path parameter.
    pub(crate) fn param(&self, index: usize) -> String {
        self.params.get(index).cloned().unwrap_or_default()
    }

    /// The first value of a query key (form-decoded).
    pub(crate) fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean query value; anything but `true`/`false` is a form error (422).
    pub(crate) fn query_bool(&self, key: &str) -> Result<bool, Reject> {
        match self.query(key) {
            None => Ok(false),
            Some("true" | "on" | "yes" | "1") => Ok(true),
            Some("false" | "off" | "no" | "0") => Ok(false),
            Some(_) => Err(Reject::Catcher(422)),
        }
    }

    /// The body as JSON of type `T`, like Rocket's `Json<T>`: malformed JSON → 400,
    /// JSON of the wrong shape → 422 (both default-catcher responses).
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Reject> {
        serde_json::from_slice(&self.request.body).map_err(|error| {
            if error.is_data() {
                Reject::Catcher(422)
            } else {
                Reject::Catcher(400)
            }
        })
    }
}

/// `application/x-www-form-urlencoded` decoding of a query string.
fn parse_form(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let text = text.replace('+', " ");
        percent_decode_str(&text).decode_utf8_lossy().into_owned()
    };
    query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// Finds the best route for a method and raw path: literal segments must match exactly;
/// among several matches the one with the most literal segments wins (Rocket's ranking).
fn find_route(method: &Method, path: &str) -> Option<(&'static Route, Vec<String>)> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(usize, &'static Route, Vec<String>)> = None;
    'routes: for route in routes() {
        if route.method != *method {
            continue;
        }
        let pattern: Vec<&str> = route.path.split('/').filter(|s| !s.is_empty()).collect();
        if pattern.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        for (expected, actual) in pattern.iter().zip(&segments) {
            if *expected == "{}" {
                match percent_decode_str(actual).decode_utf8() {
                    Ok(decoded) => params.push(decoded.into_owned()),
                    Err(_) => continue 'routes,
                }
            } else if expected == actual {
                literals += 1;
            } else {
                continue 'routes;
            }
        }
        if best.as_ref().is_none_or(|(score, _, _)| literals > *score) {
            best = Some((literals, route, params));
        }
    }
    best.map(|(_, route, params)| (route, params))
}

fn user_guard(state: &State, request: &IncomingRequest) -> Option<Identity> {
    if let Some(token) = request.header("x-bot-token") {
        return state.bot_token(token);
    }
    request
        .header("x-session-token")
        .and_then(|token| state.session_token(token))
}

fn catcher(status: u16, wants_json: bool, verdict: Option<&Verdict>) -> WireResponse {
    let (content_type, body) = catcher_body(status, wants_json);
    WireResponse::rocket(status, Some(content_type), body, verdict)
}

fn json_response(status: u16, value: &Value, verdict: &Verdict) -> WireResponse {
    let body = serde_json::to_vec(value).unwrap_or_default();
    WireResponse::rocket(status, Some("application/json"), body, Some(verdict))
}

/// Answers one REST request.
pub(crate) fn handle(shared: &Shared, request: &IncomingRequest, now_ms: u64) -> WireResponse {
    let mut state = shared.lock();
    let wants_json = prefers_json(request.header("accept"));
    let bucket = delta_bucket(&request.method, &request.path);
    let identifier = request
        .header("x-session-token")
        .and_then(|token| state.session_token(token))
        .and_then(|identity| identity.session_id)
        .unwrap_or_else(|| request.peer_ip.clone());

    let response = if let Some(failure) = state.failures.pop_front() {
        scripted(&state, failure, &identifier, &bucket, now_ms, wants_json)
    } else {
        let verdict = state.delta_limiter.hit(&identifier, &bucket, now_ms);
        if verdict.rejected {
            let body = serde_json::json!({"retry_after": verdict.reset_after_ms});
            json_response(429, &body, &verdict)
        } else if request.too_large {
            catcher(413, wants_json, Some(&verdict))
        } else {
            dispatch(&mut state, &shared.urls, request, verdict, wants_json)
        }
    };
    record(&mut state, Service::Api, request, response.status);
    response
}

/// Answers a request made by the test kit on a user's behalf ([`crate::Actor`]): the real
/// route, permission checks and events, but not rate limited, not recorded and not subject
/// to scripted failures (those are for the client under test).
pub(crate) fn handle_for_kit(shared: &Shared, request: &IncomingRequest) -> WireResponse {
    let mut state = shared.lock();
    let verdict = Verdict {
        rejected: false,
        limit: 0,
        key: 0,
        remaining: 0,
        reset_after_ms: 0,
    };
    dispatch(&mut state, &shared.urls, request, verdict, true)
}

fn dispatch(
    state: &mut State,
    urls: &Urls,
    request: &IncomingRequest,
    verdict: Verdict,
    wants_json: bool,
) -> WireResponse {
    let Some((route, params)) = find_route(&request.method, &request.path) else {
        return catcher(404, wants_json, Some(&verdict));
    };
    let identity = match route.auth {
        Auth::None => user_guard(state, request),
        Auth::User => match user_guard(state, request) {
            Some(identity) => Some(identity),
            None => return catcher(401, wants_json, Some(&verdict)),
        },
    };
    let mut ctx = Ctx {
        state,
        urls,
        request,
        params,
        query: parse_form(request.query.as_deref()),
        identity,
        verdict,
    };
    match (route.handler)(&mut ctx) {
        Ok(Reply::Json(value)) => json_response(200, &value, &verdict),
        Ok(Reply::RawJson(body)) => {
            WireResponse::rocket(200, Some("application/json"), body, Some(&verdict))
        }
        Ok(Reply::NoContent) => WireResponse::rocket(204, None, Vec::new(), Some(&verdict)),
        Ok(Reply::Bytes {
            content_type,
            headers,
            body,
        }) => {
            let mut response = WireResponse::rocket(200, Some(content_type), body, Some(&verdict));
            for (offset, (name, value)) in headers.into_iter().enumerate() {
                response.headers.insert(1 + offset, (name, value));
            }
            response
        }
        Err(Reject::Api(error)) => json_response(error.status, &error.body, &verdict),
        Err(Reject::Catcher(status)) => catcher(status, wants_json, Some(&verdict)),
    }
}

const PROXY_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const PROXY_504: &str = "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn scripted(
    state: &State,
    failure: Failure,
    identifier: &str,
    bucket: &Bucket,
    now_ms: u64,
    wants_json: bool,
) -> WireResponse {
    let custom = failure.body.clone();
    match failure.status {
        429 => {
            let mut verdict = state.delta_limiter.peek(identifier, bucket, now_ms);
            let retry_after = failure.retry_after.unwrap_or(state.ratelimit_window);
            verdict.remaining = 0;
            verdict.reset_after_ms = u64::try_from(retry_after.as_millis()).unwrap_or(u64::MAX);
            match custom {
                Some((content_type, body)) => {
                    WireResponse::rocket(429, Some(&content_type), body, Some(&verdict))
                }
                None => json_response(
                    429,
                    &serde_json::json!({"retry_after": verdict.reset_after_ms}),
                    &verdict,
                ),
            }
        }
        status @ (502..=504) => match custom {
            Some((content_type, body)) => WireResponse::bare(status, Some(&content_type), body),
            None => match status {
                502 => WireResponse::bare(status, Some("text/html"), PROXY_502),
                504 => WireResponse::bare(status, Some("text/html"), PROXY_504),
                _ => WireResponse::bare(status, None, Vec::new()),
            },
        },
        status => {
            let verdict = state.delta_limiter.peek(identifier, bucket, now_ms);
            match custom {
                Some((content_type, body)) => {
                    WireResponse::rocket(status, Some(&content_type), body, Some(&verdict))
                }
                None => catcher(status, wants_json, Some(&verdict)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_segments_win() {
        let (route, params) = find_route(&Method::GET, "/users/@me").unwrap();
        assert_eq!(route.path, "/users/@me");
        assert!(params.is_empty());
        let (route, params) = find_route(&Method::GET, "/users/01ABC").unwrap();
        assert_eq!(route.path, "/users/{}");
        assert_eq!(params, ["01ABC"]);
        let (route, _) = find_route(&Method::DELETE, "/channels/C/messages/bulk").unwrap();
        assert_eq!(route.path, "/channels/{}/messages/bulk");
        let (_, params) = find_route(
            &Method::PUT,
            "/channels/C/messages/M/reactions/%F0%9F%91%8D",
        )
        .unwrap();
        assert_eq!(params[2], "👍");
        for (method, path, pattern) in [
            (Method::GET, "/users/dms", "/users/dms"),
            (Method::GET, "/bots/@me", "/bots/@me"),
            (
                Method::PATCH,
                "/servers/S/roles/ranks",
                "/servers/{}/roles/ranks",
            ),
            (Method::PATCH, "/servers/S/roles/R", "/servers/{}/roles/{}"),
            (
                Method::PUT,
                "/channels/C/permissions/default",
                "/channels/{}/permissions/default",
            ),
            (
                Method::PUT,
                "/channels/C/permissions/R",
                "/channels/{}/permissions/{}",
            ),
            (
                Method::PUT,
                "/servers/S/permissions/default",
                "/servers/{}/permissions/default",
            ),
            (Method::POST, "/webhooks/W/T", "/webhooks/{}/{}"),
            (Method::DELETE, "/webhooks/W/T/M", "/webhooks/{}/{}/{}"),
        ] {
            assert_eq!(find_route(&method, path).unwrap().0.path, pattern, "{path}");
        }
        assert!(find_route(&Method::POST, "/webhooks/W/T/github").is_none());
        assert!(find_route(&Method::GET, "/this/route/does/not/exist").is_none());
        assert!(find_route(&Method::GET, "/channels/%FF").is_none());
    }

    #[test]
    fn form_decoding() {
        assert_eq!(
            parse_form(Some("a=1&b=x+y&c=%C3%A9&d")),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "é".into()),
                ("d".into(), String::new())
            ]
        );
    }
}
