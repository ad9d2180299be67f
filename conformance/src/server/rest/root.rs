//! `GET /` (the node configuration, reference §6) and `GET /ratelimit`.

use http::Method;
use serde_json::{json, Value};

use super::{Auth, Ctx, HandlerResult, Reply, Route};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/", Auth::None, query_node),
        Route::new(Method::GET, "/ratelimit", Auth::None, ratelimit),
    ]
}

fn upload_limits() -> Value {
    json!({
        "attachments": 20_000_000,
        "avatars": 4_000_000,
        "backgrounds": 6_000_000,
        "icons": 2_500_000,
        "banners": 6_000_000,
        "emojis": 500_000
    })
}

/// The `RevoltConfig` document with `ws` and `features.autumn.url` pointing at the fake.
pub(crate) fn node_info(api: &str, ws: &str, autumn: &str) -> Value {
    let failed = "<failed to generate>";
    json!({
        "revolt": "0.15.1",
        "features": {
            "captcha": {"enabled": false, "key": ""},
            "email": false,
            "invite_only": false,
            "autumn": {"enabled": true, "url": autumn},
            "january": {"enabled": false, "url": ""},
            "livekit": {"enabled": false, "nodes": []},
            "limits": {
                "global": {
                    "group_size": 100, "message_embeds": 5, "message_replies": 5,
                    "message_reactions": 20, "server_emoji": 100, "server_roles": 200,
                    "server_channels": 200, "body_limit_size": 20_000_000,
                    "restrict_server_creation": [], "new_user_hours": 72
                },
                "new_user": {
                    "outgoing_friend_requests": 5, "bots": 2, "message_length": 2000,
                    "message_attachments": 5, "servers": 50, "voice_quality": 16000,
                    "video": true, "video_resolution": [1080, 720],
                    "video_aspect_ratio": [f64::from(0.3_f32), 2.5],
                    "file_upload_size_limits": upload_limits()
                },
                "default": {
                    "outgoing_friend_requests": 10, "bots": 5, "message_length": 2000,
                    "message_attachments": 5, "servers": 100, "voice_quality": 16000,
                    "video": true, "video_resolution": [1280, 720],
                    "video_aspect_ratio": [f64::from(0.3_f32), 2.5],
                    "file_upload_size_limits": upload_limits()
                }
            },
            "legal_links": {"terms_of_service": "", "privacy_policy": "", "guidelines": ""}
        },
        "ws": ws,
        "app": api,
        "vapid": "BGcvgR-i2z4IQ5Mw841vJvkLjt8wY-FjmWrw83jOLCY52qcGZS0OF7nfLzuYbjsQISwVO2HXrmf18gLWVX3Kwfw=",
        "build": {
            "commit_sha": failed, "commit_timestamp": failed, "semver": failed,
            "origin_url": failed, "timestamp": failed
        }
    })
}

fn query_node(ctx: &mut Ctx<'_>) -> HandlerResult {
    Ok(Reply::Json(node_info(
        &ctx.urls.api,
        &ctx.urls.ws,
        &ctx.urls.autumn,
    )))
}

/// A direct (not rate-limited) `GET /ratelimit`: this request's own bucket.
fn ratelimit(ctx: &mut Ctx<'_>) -> HandlerResult {
    Ok(Reply::Json(json!({
        "key": ctx.verdict.key,
        "limit": ctx.verdict.limit,
        "remaining": ctx.verdict.remaining,
        "reset": ctx.verdict.reset_after_ms
    })))
}
