//! The server's bucket table (reference §3.2 and §3.3).

use http::Method;

/// A named rate-limit bucket with its per-window limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Bucket {
    /// `PATCH /users/*` (2).
    UserEdit,
    /// `/users/*/default_avatar` (255).
    DefaultAvatar,
    /// Other `/users/*` routes (20).
    Users,
    /// `/bots/*` (10).
    Bots,
    /// `POST /channels/{id}/messages` and pins (10 per channel).
    Messaging,
    /// Other `/channels/{id}/*` routes (15 per channel).
    Channels,
    /// `/servers/{id}/*` (5 per server).
    Servers,
    /// `DELETE /auth/*` (255).
    AuthDelete,
    /// Other `/auth/*` routes (15).
    Auth,
    /// `/swagger/*` (100).
    Swagger,
    /// `/safety/report*` (3).
    SafetyReport,
    /// Other `/safety/*` routes (15).
    Safety,
    /// Everything else (20).
    Any,
    /// File server uploads, `POST /{tag}` (10 per tag).
    Upload,
    /// Other file server routes (unlimited).
    AutumnAny,
}

impl Bucket {
    /// Requests allowed per 10-second window.
    pub const fn limit(self) -> u32 {
        match self {
            Self::UserEdit => 2,
            Self::DefaultAvatar => 255,
            Self::Users => 20,
            Self::Bots => 10,
            Self::Messaging => 10,
            Self::Channels => 15,
            Self::Servers => 5,
            Self::AuthDelete => 255,
            Self::Auth => 15,
            Self::Swagger => 100,
            Self::SafetyReport => 3,
            Self::Safety => 15,
            Self::Any => 20,
            Self::Upload => 10,
            Self::AutumnAny => u32::MAX,
        }
    }

    /// The server's name for the bucket.
    pub const fn name(self) -> &'static str {
        match self {
            Self::UserEdit => "user_edit",
            Self::DefaultAvatar => "default_avatar",
            Self::Users => "users",
            Self::Bots => "bots",
            Self::Messaging => "messaging",
            Self::Channels => "channels",
            Self::Servers => "servers",
            Self::AuthDelete => "auth_delete",
            Self::Auth => "auth",
            Self::Swagger => "swagger",
            Self::SafetyReport => "safety_report",
            Self::Safety => "safety",
            Self::Any => "any",
            Self::Upload => "upload",
            Self::AutumnAny => "autumn_any",
        }
    }
}

/// A bucket plus the resource it is counted per (a channel id, a server id, ...).
///
/// ```
/// use http::Method;
/// use stoat_core::ratelimit::{Bucket, BucketKey};
/// let key = BucketKey::resolve(&Method::POST, "/channels/01H/messages");
/// assert_eq!(key.bucket, Bucket::Messaging);
/// assert_eq!(key.resource.as_deref(), Some("01H"));
/// assert_eq!(BucketKey::resolve(&Method::GET, "/users/@me").bucket, Bucket::Users);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BucketKey {
    /// The bucket.
    pub bucket: Bucket,
    /// The resource part of the key, if the bucket is per resource.
    pub resource: Option<String>,
}

impl BucketKey {
    fn new(bucket: Bucket, resource: Option<&str>) -> Self {
        Self {
            bucket,
            resource: resource.map(str::to_owned),
        }
    }

    /// Resolves the bucket of an API (delta) request exactly as the server does: from the
    /// raw path segments, skipping a legacy leading `0.8`. The query string is ignored.
    pub fn resolve(method: &Method, path: &str) -> Self {
        let path = path.split('?').next().unwrap_or_default();
        let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
        if segments.peek() == Some(&"0.8") {
            segments.next();
        }
        let first = segments.next();
        let resource = segments.next();
        let extra = segments.next();
        match (first, resource) {
            (Some("users"), Some(target)) => {
                if method == Method::PATCH {
                    Self::new(Bucket::UserEdit, Some(target))
                } else if extra == Some("default_avatar") {
                    Self::new(Bucket::DefaultAvatar, None)
                } else {
                    Self::new(Bucket::Users, None)
                }
            }
            (Some("bots"), Some(_)) => Self::new(Bucket::Bots, None),
            (Some("channels"), Some(id)) => {
                if extra == Some("messages") && method == Method::POST {
                    Self::new(Bucket::Messaging, Some(id))
                } else {
                    Self::new(Bucket::Channels, Some(id))
                }
            }
            (Some("servers"), Some(id)) => Self::new(Bucket::Servers, Some(id)),
            (Some("auth"), Some(_)) => {
                if method == Method::DELETE {
                    Self::new(Bucket::AuthDelete, None)
                } else {
                    Self::new(Bucket::Auth, None)
                }
            }
            (Some("swagger"), Some(_)) => Self::new(Bucket::Swagger, None),
            (Some("safety"), Some(r)) if r.starts_with("report") => {
                Self::new(Bucket::SafetyReport, Some("report"))
            }
            (Some("safety"), Some(_)) => Self::new(Bucket::Safety, None),
            _ => Self::new(Bucket::Any, None),
        }
    }

    /// Resolves the bucket of a file server (autumn) request.
    pub fn resolve_autumn(method: &Method, path: &str) -> Self {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [tag] if method == Method::POST => Self::new(Bucket::Upload, Some(tag)),
            _ => Self::new(Bucket::AutumnAny, None),
        }
    }
}
