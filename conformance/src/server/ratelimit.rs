//! The server's rate limiter (`crates/core/ratelimits`): a fixed window per key that
//! starts with the first request, keyed by a SipHash of identifier + bucket + resource.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::Hasher;
use std::time::Duration;

use http::Method;

/// Which bucket a request falls into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// Bucket name (`messaging`, `users`, `any`, …).
    pub(crate) name: &'static str,
    /// Per-resource part of the key (a channel id, a server id, an upload tag…).
    pub(crate) resource: Option<String>,
    /// Requests allowed per window.
    pub(crate) limit: u32,
}

/// The rate-limit headers of one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// `true` if the request must be answered with 429.
    pub(crate) rejected: bool,
    /// `X-RateLimit-Limit`.
    pub(crate) limit: u32,
    /// `X-RateLimit-Bucket` (the u64 key).
    pub(crate) key: u64,
    /// `X-RateLimit-Remaining`.
    pub(crate) remaining: u32,
    /// `X-RateLimit-Reset-After`, in milliseconds.
    pub(crate) reset_after_ms: u64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    used: u32,
    reset_ms: u64,
}

/// One limiter per service instance (delta and autumn each have their own).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    window_ms: u64,
    enabled: bool,
    entries: HashMap<u64, Entry>,
}

impl RateLimiter {
    /// A limiter with the given window (the real one is 10 s).
    pub(crate) fn new(window: Duration, enabled: bool) -> Self {
        Self {
            window_ms: u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1),
            enabled,
            entries: HashMap::new(),
        }
    }

    /// Counts one request at `now_ms` (any monotonic millisecond clock).
    pub(crate) fn hit(&mut self, identifier: &str, bucket: &Bucket, now_ms: u64) -> Verdict {
        let key = bucket_key(identifier, bucket);
        let window = self.window_ms;
        let entry = self.entries.get(&key).copied().unwrap_or(Entry {
            used: 0,
            reset_ms: now_ms.saturating_add(window),
        });
        let remaining = if now_ms > entry.reset_ms {
            bucket.limit
        } else {
            bucket.limit.saturating_sub(entry.used)
        };
        if remaining == 0 && self.enabled {
            return Verdict {
                rejected: true,
                limit: bucket.limit,
                key,
                remaining: 0,
                reset_after_ms: entry.reset_ms.saturating_sub(now_ms),
            };
        }
        let entry = if now_ms > entry.reset_ms {
            Entry {
                used: 1,
                reset_ms: now_ms.saturating_add(window),
            }
        } else {
            Entry {
                used: entry.used.saturating_add(1),
                reset_ms: entry.reset_ms,
            }
        };
        self.entries.insert(key, entry);
        Verdict {
            rejected: false,
            limit: bucket.limit,
            key,
            remaining: remaining.saturating_sub(1),
            reset_after_ms: entry.reset_ms.saturating_sub(now_ms),
        }
    }

    /// The headers a request would get, without counting it (for scripted failures).
    pub(crate) fn peek(&self, identifier: &str, bucket: &Bucket, now_ms: u64) -> Verdict {
        let key = bucket_key(identifier, bucket);
        let (remaining, reset_after_ms) = match self.entries.get(&key) {
            Some(entry) if now_ms <= entry.reset_ms => (
                bucket.limit.saturating_sub(entry.used),
                entry.reset_ms - now_ms,
            ),
            _ => (bucket.limit, self.window_ms),
        };
        Verdict {
            rejected: false,
            limit: bucket.limit,
            key,
            remaining,
            reset_after_ms,
        }
    }
}

/// `X-RateLimit-Bucket`: `DefaultHasher` (SipHash-1-3, zero keys) fed the identifier,
/// bucket and resource bytes. Matches the captures for identifier `127.0.0.1`.
pub(crate) fn bucket_key(identifier: &str, bucket: &Bucket) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(identifier.as_bytes());
    hasher.write(bucket.name.as_bytes());
    if let Some(resource) = &bucket.resource {
        hasher.write(resource.as_bytes());
    }
    hasher.finish()
}

fn bucket(name: &'static str, resource: Option<&str>, limit: u32) -> Bucket {
    Bucket {
        name,
        resource: resource.map(str::to_owned),
        limit,
    }
}

/// delta's `resolve_bucket` (reference §3.2), on the raw (not percent-decoded) path.
pub(crate) fn delta_bucket(method: &Method, path: &str) -> Bucket {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    if segments.peek() == Some(&"0.8") {
        segments.next();
    }
    let segment = segments.next();
    let resource = segments.next();
    let extra = segments.next();
    match (segment, resource, extra) {
        (Some("users"), Some(target), _) if method == Method::PATCH => {
            bucket("user_edit", Some(target), 2)
        }
        (Some("users"), Some(_), Some("default_avatar")) => bucket("default_avatar", None, 255),
        (Some("users"), _, _) => bucket("users", None, 20),
        (Some("bots"), _, _) => bucket("bots", None, 10),
        (Some("channels"), Some(id), Some("messages")) if method == Method::POST => {
            bucket("messaging", Some(id), 10)
        }
        (Some("channels"), Some(id), _) => bucket("channels", Some(id), 15),
        (Some("servers"), Some(id), _) => bucket("servers", Some(id), 5),
        (Some("auth"), _, _) if method == Method::DELETE => bucket("auth_delete", None, 255),
        (Some("auth"), _, _) => bucket("auth", None, 15),
        (Some("swagger"), _, _) => bucket("swagger", None, 100),
        (Some("safety"), Some("report"), _) => bucket("safety_report", Some("report"), 3),
        (Some("safety"), _, _) => bucket("safety", None, 15),
        _ => bucket("any", None, 20),
    }
}

/// autumn's buckets (reference §3.3): `POST /{tag}` → `upload` per tag, 10; else `any`.
pub(crate) fn autumn_bucket(method: &Method, path: &str) -> Bucket {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [tag] if method == Method::POST => bucket("upload", Some(tag), 10),
        _ => bucket("any", None, u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";

    #[test]
    fn keys_match_the_captures() {
        let any = delta_bucket(&Method::GET, "/");
        assert_eq!(bucket_key("127.0.0.1", &any), 9_059_726_956_801_555_979);
        let users = delta_bucket(&Method::GET, "/users/@me");
        assert_eq!(bucket_key("127.0.0.1", &users), 4_657_568_539_494_282_486);
        let messaging = delta_bucket(&Method::POST, &format!("/channels/{CHANNEL}/messages"));
        assert_eq!(messaging.limit, 10);
        assert_eq!(
            bucket_key("127.0.0.1", &messaging),
            12_577_735_837_396_576_931
        );
        let channels = delta_bucket(
            &Method::PUT,
            &format!("/channels/{CHANNEL}/messages/X/reactions/%F0%9F%91%8D"),
        );
        assert_eq!(
            bucket_key("127.0.0.1", &channels),
            3_531_076_282_784_530_080
        );
    }

    #[test]
    fn bucket_table() {
        let pin = delta_bucket(
            &Method::POST,
            &format!("/channels/{CHANNEL}/messages/M/pin"),
        );
        assert_eq!(pin.name, "messaging");
        let unpin = delta_bucket(
            &Method::DELETE,
            &format!("/channels/{CHANNEL}/messages/M/pin"),
        );
        assert_eq!((unpin.name, unpin.limit), ("channels", 15));
        assert_eq!(delta_bucket(&Method::PATCH, "/users/@me").limit, 2);
        assert_eq!(delta_bucket(&Method::PATCH, "/servers/S").limit, 5);
        assert_eq!(delta_bucket(&Method::GET, "/0.8/users/@me").name, "users");
        assert_eq!(delta_bucket(&Method::GET, "/invites/abc").name, "any");
        assert_eq!(
            delta_bucket(&Method::DELETE, "/auth/session/all").limit,
            255
        );
        assert_eq!(delta_bucket(&Method::POST, "/safety/report").limit, 3);
        for (method, path, name, limit) in [
            (Method::GET, "/invites/abcdefgh", "any", 20),
            (Method::PUT, "/custom/emoji/E", "any", 20),
            (Method::POST, "/webhooks/W/T", "any", 20),
            (Method::GET, "/bots/@me", "bots", 10),
            (
                Method::GET,
                "/users/U/default_avatar",
                "default_avatar",
                255,
            ),
            (Method::GET, "/users/dms", "users", 20),
            (Method::POST, "/channels/C/invites", "channels", 15),
            (Method::POST, "/channels/C/webhooks", "channels", 15),
            (Method::PUT, "/servers/S/bans/U", "servers", 5),
        ] {
            let bucket = delta_bucket(&method, path);
            assert_eq!((bucket.name, bucket.limit), (name, limit), "{path}");
        }
        assert_eq!(autumn_bucket(&Method::POST, "/attachments").limit, 10);
        assert_eq!(autumn_bucket(&Method::GET, "/attachments/x").name, "any");
    }

    #[test]
    fn fixed_window_and_rejections_do_not_extend_it() {
        let mut limiter = RateLimiter::new(Duration::from_secs(10), true);
        let b = delta_bucket(&Method::POST, &format!("/channels/{CHANNEL}/messages"));
        for i in 0..10 {
            let v = limiter.hit("127.0.0.1", &b, 1000 + i);
            assert!(!v.rejected);
            assert_eq!(v.remaining, 9 - u32::try_from(i).unwrap());
            assert_eq!(v.reset_after_ms, 10_000 - i);
        }
        let v = limiter.hit("127.0.0.1", &b, 1026);
        assert!(v.rejected);
        assert_eq!((v.remaining, v.reset_after_ms), (0, 9974));
        let v = limiter.hit("127.0.0.1", &b, 11_000);
        assert!(v.rejected);
        assert_eq!(v.reset_after_ms, 0);
        let v = limiter.hit("127.0.0.1", &b, 11_001);
        assert!(!v.rejected);
        assert_eq!((v.remaining, v.reset_after_ms), (9, 10_000));
    }
}
