//! The frames the benchmarks (and the stoat.py comparison) decode.
//!
//! Everything here is deterministic (a fixed-seed generator), so every run and every
//! implementation measures the same bytes. Shapes follow the captured server traffic and
//! the reference (`File` with `Image` metadata and a thumbhash, members with roles, embeds
//! with `Special`, `Bulk` frames, ...).

#![allow(dead_code)] // each user of this module takes what it needs

use std::fmt::Write;

/// A user's message as the gateway delivers it (shaped like the captured traffic).
pub const MESSAGE: &str = r#"{"type":"Message","_id":"01M7YT8F8NBH98W6P4028C2GH8","nonce":"01M7YT8F8MDQDS8E1Y77TPXV3N","channel":"01M7YSZ8V81AWBPFRM30NYSV34","author":"01M7YSZ8H1XVFKYWFT7NKJHCGM","user":{"_id":"01M7YSZ8H1XVFKYWFT7NKJHCGM","username":"capowner","discriminator":"4012","relationship":"None","online":true},"member":{"_id":{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8H1XVFKYWFT7NKJHCGM"},"joined_at":"2026-11-21T10:21:00.440Z"},"content":"hello <@01M7YSZ8V6D4QNP163AMRA3ARS>, how are you today?","mentions":["01M7YSZ8V6D4QNP163AMRA3ARS"]}"#;

/// Users in the large Ready.
pub const READY_USERS: u32 = 50_000;
/// Servers in the large Ready.
pub const READY_SERVERS: u32 = 1_000;
/// Channels per server in the large Ready (20,000 in all).
pub const CHANNELS_PER_SERVER: u32 = 20;
/// Users who talk in the frame mix (activity is concentrated, as on a real instance).
pub const ACTIVE_USERS: u32 = 2_000;
/// Servers the frame mix happens in (their channels are the active ones).
pub const ACTIVE_SERVERS: u32 = 10;

const USER: u32 = 1;
const SERVER: u32 = 2;
const CHANNEL: u32 = 3;
const MESSAGE_ID: u32 = 4;
const ROLE: u32 = 5;
const EMOJI: u32 = 6;
const NONCE: u32 = 7;

/// A valid ULID for object number `n` of a kind.
pub fn id(kind: u32, n: u32) -> String {
    format!("01M7YSZ8V6D4QNP16{kind:01}{n:08}")
}

/// A 42-character autumn file id.
fn file_id(n: u32) -> String {
    format!("f{n:09}-avatarAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")[..42].to_owned()
}

/// A small deterministic generator (xorshift64*), so no run depends on a seed source.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

fn thumbhash(out: &mut String, rng: &mut Rng) {
    out.push('[');
    for i in 0..(20 + rng.below(9)) {
        if i > 0 {
            out.push(',');
        }
        write!(out, "{}", rng.below(256)).unwrap();
    }
    out.push(']');
}

/// A `File` object: an avatar, icon or attachment, with metadata.
fn file(out: &mut String, rng: &mut Rng, n: u32, tag: &str) {
    let kind = if tag == "attachments" {
        rng.below(4)
    } else {
        0
    };
    let (metadata, content_type, filename) = match kind {
        0 | 1 => {
            let mut m = String::new();
            write!(
                m,
                r#"{{"type":"Image","width":{},"height":{},"thumbhash":"#,
                64 + rng.below(2000),
                64 + rng.below(2000)
            )
            .unwrap();
            thumbhash(&mut m, rng);
            write!(m, r#","animated":{}}}"#, rng.chance(5)).unwrap();
            (m, "image/png", "image.png")
        }
        2 => (
            format!(
                r#"{{"type":"Video","width":{},"height":{}}}"#,
                640 + rng.below(1280),
                360 + rng.below(720)
            ),
            "video/mp4",
            "clip.mp4",
        ),
        _ => (
            r#"{"type":"File"}"#.to_owned(),
            "application/pdf",
            "notes.pdf",
        ),
    };
    write!(
        out,
        r#"{{"_id":"{}","tag":"{tag}","filename":"{filename}","metadata":{metadata},"content_type":"{content_type}","size":{}}}"#,
        file_id(n),
        1000 + rng.below(4_000_000)
    )
    .unwrap();
}

/// A `User` object as the server sends it to a bot.
fn user(out: &mut String, n: u32, online: bool) {
    write!(
        out,
        r#"{{"_id":"{}","username":"user{n}","discriminator":"{:04}""#,
        id(USER, n),
        n % 9999
    )
    .unwrap();
    if n % 3 == 0 {
        write!(out, r#","display_name":"User Number {n}""#).unwrap();
    }
    // Most users who talk have an avatar, the same one every time.
    if n % 10 < 7 {
        out.push_str(r#","avatar":"#);
        file(out, &mut Rng::new(u64::from(n) + 1), n, "avatars");
    }
    if n % 5 == 0 {
        out.push_str(r#","status":{"text":"working on something","presence":"Online"}"#);
    }
    if n % 50 == 0 {
        write!(
            out,
            r#","badges":256,"bot":{{"owner":"{}"}}"#,
            id(USER, n + 1)
        )
        .unwrap();
    }
    write!(out, r#","relationship":"None","online":{online}}}"#).unwrap();
}

/// A `Member` object (the same for the same server and user).
fn member(out: &mut String, server: u32, user: u32) {
    let rng = &mut Rng::new((u64::from(server) << 32) + u64::from(user) + 1);
    write!(
        out,
        r#"{{"_id":{{"server":"{}","user":"{}"}},"joined_at":"2026-0{}-1{}T10:21:00.440Z""#,
        id(SERVER, server),
        id(USER, user),
        1 + rng.below(9),
        rng.below(10)
    )
    .unwrap();
    if user % 4 == 0 {
        write!(out, r#","nickname":"nick{user}""#).unwrap();
    }
    if user % 20 == 0 {
        out.push_str(r#","avatar":"#);
        file(out, rng, user + 1_000_000, "avatars");
    }
    let roles = rng.below(3);
    if roles > 0 {
        out.push_str(r#","roles":["#);
        for r in 0..roles {
            if r > 0 {
                out.push(',');
            }
            write!(out, r#""{}""#, id(ROLE, server * 10 + r)).unwrap();
        }
        out.push(']');
    }
    out.push('}');
}

fn embed(out: &mut String, rng: &mut Rng) {
    match rng.below(3) {
        0 => write!(
            out,
            r##"{{"type":"Website","url":"https://www.youtube.com/watch?v=v{0}","original_url":"https://youtu.be/v{0}","special":{{"type":"YouTube","id":"v{0}","creator_name":"Some Channel","creator_url":"https://www.youtube.com/@some"}},"title":"A video about things","description":"Longer text that describes the video in a sentence or two, as sites do.","image":{{"url":"https://i.ytimg.com/vi/v{0}/hq.jpg","width":480,"height":360,"size":"Large"}},"site_name":"YouTube","icon_url":"https://www.youtube.com/favicon.ico","colour":"#FF0000"}}"##,
            rng.below(1_000_000)
        ),
        1 => write!(
            out,
            r#"{{"type":"Website","url":"https://example.com/post/{0}","special":{{"type":"None"}},"title":"A blog post","description":"What the page says about itself.","site_name":"Example"}}"#,
            rng.below(1_000_000)
        ),
        _ => write!(
            out,
            r#"{{"type":"Image","url":"https://media.example.com/{}.gif","width":498,"height":280,"size":"Large"}}"#,
            rng.below(1_000_000)
        ),
    }
    .unwrap();
}

const WORDS: &[&str] = &[
    "hello", "there", "anyone", "seen", "the", "new", "release", "it", "works", "for", "me", "now",
    "thanks", "lol", "what", "about", "tomorrow", "meeting", "sure", "ok",
];

struct Mix {
    rng: Rng,
    messages: u32,
    sent: Vec<(u32, u32)>, // (message number, channel) of recent messages
}

impl Mix {
    fn channel(&mut self) -> u32 {
        let server = self.rng.below(ACTIVE_SERVERS);
        server * CHANNELS_PER_SERVER + self.rng.below(CHANNELS_PER_SERVER)
    }

    fn recent(&mut self) -> Option<(u32, u32)> {
        if self.sent.is_empty() {
            return None;
        }
        let i = self.rng.below(self.sent.len() as u32) as usize;
        Some(self.sent[i])
    }

    fn message(&mut self, out: &mut String) {
        let n = self.messages;
        self.messages += 1;
        let channel = self.channel();
        let server = channel / CHANNELS_PER_SERVER;
        let author = self.rng.below(ACTIVE_USERS);
        self.sent.push((n, channel));
        if self.sent.len() > 500 {
            self.sent.remove(0);
        }
        write!(
            out,
            r#"{{"type":"Message","_id":"{}","nonce":"{}","channel":"{}","author":"{}","user":"#,
            id(MESSAGE_ID, n),
            id(NONCE, n),
            id(CHANNEL, channel),
            id(USER, author)
        )
        .unwrap();
        user(out, author, true);
        out.push_str(r#","member":"#);
        member(out, server, author);
        out.push_str(r#","content":""#);
        let words = 3 + self.rng.below(25);
        for w in 0..words {
            if w > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[self.rng.below(WORDS.len() as u32) as usize]);
        }
        out.push('"');
        if self.rng.chance(15) {
            out.push_str(r#","attachments":["#);
            for a in 0..(1 + self.rng.below(2)) {
                if a > 0 {
                    out.push(',');
                }
                file(out, &mut self.rng, n * 4 + a, "attachments");
            }
            out.push(']');
        }
        if self.rng.chance(12) {
            out.push_str(r#","embeds":["#);
            embed(out, &mut self.rng);
            out.push(']');
        }
        if self.rng.chance(20) {
            let m = self.rng.below(ACTIVE_USERS);
            write!(out, r#","mentions":["{}"]"#, id(USER, m)).unwrap();
        }
        if let Some((replied, _)) = self.recent().filter(|_| self.rng.chance(15)) {
            write!(out, r#","replies":["{}"]"#, id(MESSAGE_ID, replied)).unwrap();
        }
        out.push('}');
    }

    /// One event frame (never `Bulk`).
    fn event(&mut self, out: &mut String) {
        let roll = self.rng.below(100);
        match roll {
            0..=44 => self.message(out),
            45..=64 => {
                let kind = if roll < 60 { "ChannelStartTyping" } else { "ChannelStopTyping" };
                let channel = self.channel();
                let user = self.rng.below(ACTIVE_USERS);
                write!(
                    out,
                    r#"{{"type":"{kind}","id":"{}","user":"{}"}}"#,
                    id(CHANNEL, channel),
                    id(USER, user)
                )
                .unwrap();
            }
            65..=72 => match self.recent() {
                Some((message, channel)) => write!(
                    out,
                    r#"{{"type":"MessageUpdate","id":"{}","channel":"{}","data":{{"content":"edited: {} {}","edited":"2026-11-21T10:2{}:00.000Z"}},"clear":[]}}"#,
                    id(MESSAGE_ID, message),
                    id(CHANNEL, channel),
                    WORDS[self.rng.below(20) as usize],
                    WORDS[self.rng.below(20) as usize],
                    self.rng.below(10)
                )
                .unwrap(),
                None => self.message(out),
            },
            73..=76 => match self.recent() {
                Some((message, channel)) => {
                    write!(
                        out,
                        r#"{{"type":"MessageAppend","id":"{}","channel":"{}","append":{{"embeds":["#,
                        id(MESSAGE_ID, message),
                        id(CHANNEL, channel)
                    )
                    .unwrap();
                    embed(out, &mut self.rng);
                    out.push_str("]}}");
                }
                None => self.message(out),
            },
            77..=81 => match self.recent() {
                Some((message, channel)) => {
                    let kind = if roll < 81 { "MessageReact" } else { "MessageUnreact" };
                    write!(
                        out,
                        r#"{{"type":"{kind}","id":"{}","channel_id":"{}","user_id":"{}","emoji_id":"{}"}}"#,
                        id(MESSAGE_ID, message),
                        id(CHANNEL, channel),
                        id(USER, self.rng.below(ACTIVE_USERS)),
                        ["👍", "😂", "🎉"][self.rng.below(3) as usize]
                    )
                    .unwrap();
                }
                None => self.message(out),
            },
            82..=83 => match self.recent() {
                Some((message, channel)) => write!(
                    out,
                    r#"{{"type":"MessageDelete","id":"{}","channel":"{}"}}"#,
                    id(MESSAGE_ID, message),
                    id(CHANNEL, channel)
                )
                .unwrap(),
                None => self.message(out),
            },
            84..=91 => {
                let user = self.rng.below(ACTIVE_USERS);
                let data = match self.rng.below(3) {
                    0 => r#"{"online":false}"#.to_owned(),
                    1 => r#"{"status":{"text":"away for a bit","presence":"Idle"}}"#.to_owned(),
                    _ => {
                        let mut d = String::from(r#"{"avatar":"#);
                        file(&mut d, &mut self.rng, user + 2_000_000, "avatars");
                        d.push('}');
                        d
                    }
                };
                write!(
                    out,
                    r#"{{"type":"UserUpdate","id":"{}","data":{data},"clear":[],"event_id":null}}"#,
                    id(USER, user)
                )
                .unwrap();
            }
            92..=96 => {
                let server = self.rng.below(ACTIVE_SERVERS);
                let user = self.rng.below(ACTIVE_USERS);
                write!(
                    out,
                    r#"{{"type":"ServerMemberUpdate","id":{{"server":"{}","user":"{}"}},"data":{{"roles":["{}"]}},"clear":[]}}"#,
                    id(SERVER, server),
                    id(USER, user),
                    id(ROLE, server * 10 + self.rng.below(3))
                )
                .unwrap();
            }
            _ => {
                let server = self.rng.below(ACTIVE_SERVERS);
                let user = self.rng.below(ACTIVE_USERS);
                write!(
                    out,
                    r#"{{"type":"ServerMemberJoin","id":"{}","user":"{}","member":"#,
                    id(SERVER, server),
                    id(USER, user)
                )
                .unwrap();
                member(out, server, user);
                out.push('}');
            }
        }
    }
}

/// `count` gateway frames in a realistic mix: messages (authors with avatars and file
/// metadata, members with roles, attachments, embeds, mentions, replies), edits, appended
/// embeds, reactions, deletes, typing, user and member updates, joins, and `Bulk` frames
/// of several events (about 1 in 25 frames).
pub fn frame_mix(count: usize) -> Vec<String> {
    let mut mix = Mix {
        rng: Rng::new(0x0057_01A7),
        messages: 0,
        sent: Vec::new(),
    };
    let mut frames = Vec::with_capacity(count);
    for _ in 0..count {
        let mut out = String::with_capacity(1024);
        if mix.rng.chance(4) {
            out.push_str(r#"{"type":"Bulk","v":["#);
            for i in 0..(2 + mix.rng.below(4)) {
                if i > 0 {
                    out.push(',');
                }
                mix.event(&mut out);
            }
            out.push_str("]}");
        } else {
            mix.event(&mut out);
        }
        frames.push(out);
    }
    frames
}

/// The `Ready` of a large bot: 50,000 users (yourself last), 1,000 servers with roles and
/// categories, 20,000 channels, your 1,000 memberships and 2,000 emojis.
pub fn large_ready() -> String {
    let mut rng = Rng::new(0x2EAD1);
    let mut out = String::with_capacity(40 << 20);
    out.push_str(r#"{"type":"Ready","users":["#);
    for n in 0..READY_USERS {
        if n > 0 {
            out.push(',');
        }
        if n == READY_USERS - 1 {
            // The server puts your own user last.
            write!(
                out,
                r#"{{"_id":"{}","username":"bigbot","discriminator":"0001","bot":{{"owner":"{}"}},"relationship":"User","online":true}}"#,
                id(USER, n),
                id(USER, 0)
            )
            .unwrap();
        } else {
            user(&mut out, n, n % 3 == 0);
        }
    }
    out.push_str(r#"],"servers":["#);
    for s in 0..READY_SERVERS {
        if s > 0 {
            out.push(',');
        }
        let channels: Vec<String> = (0..CHANNELS_PER_SERVER)
            .map(|c| format!(r#""{}""#, id(CHANNEL, s * CHANNELS_PER_SERVER + c)))
            .collect();
        write!(
            out,
            r#"{{"_id":"{}","owner":"{}","name":"Server {s}","description":"A community about topic {s}","channels":[{}],"categories":[{{"id":"cat{s}a","title":"Text","channels":[{}]}},{{"id":"cat{s}b","title":"More","channels":[{}]}}],"system_messages":{{"user_joined":{},"user_left":{}}},"roles":{{"#,
            id(SERVER, s),
            id(USER, s),
            channels.join(","),
            channels[..10].join(","),
            channels[10..].join(","),
            channels[0],
            channels[0],
        )
        .unwrap();
        for r in 0..3 {
            if r > 0 {
                out.push(',');
            }
            write!(
                out,
                r##""{0}":{{"_id":"{0}","name":"Role {r}","permissions":{{"a":{1},"d":0}},"colour":"#a0{r}0ff","hoist":{2},"rank":{r}}}"##,
                id(ROLE, s * 10 + r),
                1u64 << (r + 20),
                r == 0
            )
            .unwrap();
        }
        out.push_str(r#"},"default_permissions":77014766592"#);
        if s % 2 == 0 {
            out.push_str(r#","icon":"#);
            file(&mut out, &mut rng, 3_000_000 + s, "icons");
        }
        write!(
            out,
            r#","flags":0,"approximate_member_count":{}}}"#,
            10 + rng.below(5000)
        )
        .unwrap();
    }
    out.push_str(r#"],"channels":["#);
    for c in 0..READY_SERVERS * CHANNELS_PER_SERVER {
        if c > 0 {
            out.push(',');
        }
        let s = c / CHANNELS_PER_SERVER;
        write!(
            out,
            r#"{{"channel_type":"TextChannel","_id":"{}","server":"{}","name":"channel-{}","description":"Talk about topic {c}","last_message_id":"{}""#,
            id(CHANNEL, c),
            id(SERVER, s),
            c % CHANNELS_PER_SERVER,
            id(MESSAGE_ID, 90_000_000 + c)
        )
        .unwrap();
        if c % 4 == 0 {
            write!(
                out,
                r#","role_permissions":{{"{}":{{"a":0,"d":2048}}}},"default_permissions":{{"a":0,"d":1048576}}"#,
                id(ROLE, s * 10 + 1)
            )
            .unwrap();
        }
        if c % 10 == 9 {
            out.push_str(r#","voice":{"max_users":25}"#);
        }
        out.push('}');
    }
    out.push_str(r#"],"members":["#);
    for s in 0..READY_SERVERS {
        if s > 0 {
            out.push(',');
        }
        member(&mut out, s, READY_USERS - 1);
    }
    out.push_str(r#"],"emojis":["#);
    for e in 0..READY_SERVERS * 2 {
        if e > 0 {
            out.push(',');
        }
        write!(
            out,
            r#"{{"_id":"{}","parent":{{"type":"Server","id":"{}"}},"creator_id":"{}","name":"emoji_{e}","animated":{}}}"#,
            id(EMOJI, e),
            id(SERVER, e / 2),
            id(USER, e),
            e % 7 == 0
        )
        .unwrap();
    }
    out.push_str(r#"],"voice_states":[]}"#);
    out
}
