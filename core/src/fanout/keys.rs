//! The Redis key names of one bot.

use crate::ratelimit::BucketKey;

/// The Redis keys of one bot's fan-out, all under `stoat:{<bot>}:`.
///
/// The bot name is wrapped in braces, which makes it a Redis Cluster hash tag: every key of
/// one bot lands on the same shard, so the rate-limit script and stream reads never cross
/// shards.
///
/// ```
/// use http::Method;
/// use stoat_core::fanout::Keys;
/// use stoat_core::ratelimit::BucketKey;
/// let keys = Keys::new("mybot");
/// assert_eq!(keys.events(), "stoat:{mybot}:events");
/// assert_eq!(keys.commands(), "stoat:{mybot}:commands");
/// assert_eq!(keys.snapshot(), "stoat:{mybot}:snapshot");
/// let bucket = BucketKey::resolve(&Method::POST, "/channels/01H/messages");
/// assert_eq!(keys.ratelimit(&bucket), "stoat:{mybot}:ratelimit:messaging:01H");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// The keys of the bot called `bot` (any name that is the same in the bridge and its
    /// workers; braces in it are replaced, so it stays one hash tag).
    pub fn new(bot: &str) -> Self {
        let bot: String = bot
            .chars()
            .map(|c| if c == '{' || c == '}' { '_' } else { c })
            .collect();
        Self {
            prefix: format!("stoat:{{{bot}}}:"),
        }
    }

    /// The event stream the bridge appends to.
    pub fn events(&self) -> String {
        format!("{}events", self.prefix)
    }

    /// The stream of gateway commands workers send to the bridge.
    pub fn commands(&self) -> String {
        format!("{}commands", self.prefix)
    }

    /// The cache snapshot (a string holding a [`Snapshot`](super::Snapshot)).
    pub fn snapshot(&self) -> String {
        format!("{}snapshot", self.prefix)
    }

    /// The shared state of one rate-limit bucket (a hash the
    /// [script](super::ratelimit::SCRIPT) keeps).
    pub fn ratelimit(&self, bucket: &BucketKey) -> String {
        match &bucket.resource {
            Some(resource) => format!(
                "{}ratelimit:{}:{resource}",
                self.prefix,
                bucket.bucket.name()
            ),
            None => format!("{}ratelimit:{}", self.prefix, bucket.bucket.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn braces_cannot_split_the_hash_tag() {
        assert_eq!(Keys::new("a}b{c").events(), "stoat:{a_b_c}:events");
    }

    #[test]
    fn buckets_without_a_resource_have_no_trailing_part() {
        let keys = Keys::new("b");
        let key = BucketKey::resolve(&Method::GET, "/users/@me");
        assert_eq!(keys.ratelimit(&key), "stoat:{b}:ratelimit:users");
        let key = BucketKey::resolve(&Method::GET, "/servers/01S/members");
        assert_eq!(keys.ratelimit(&key), "stoat:{b}:ratelimit:servers:01S");
    }
}
