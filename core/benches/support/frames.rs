//! The frames the benchmarks (and the stoat.py comparison) decode.

/// A user's message as the gateway delivers it (shaped like the captured traffic).
pub const MESSAGE: &str = r#"{"type":"Message","_id":"01M7YT8F8NBH98W6P4028C2GH8","nonce":"01M7YT8F8MDQDS8E1Y77TPXV3N","channel":"01M7YSZ8V81AWBPFRM30NYSV34","author":"01M7YSZ8H1XVFKYWFT7NKJHCGM","user":{"_id":"01M7YSZ8H1XVFKYWFT7NKJHCGM","username":"capowner","discriminator":"4012","relationship":"None","online":true},"member":{"_id":{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8H1XVFKYWFT7NKJHCGM"},"joined_at":"2026-11-21T10:21:00.440Z"},"content":"hello <@01M7YSZ8V6D4QNP163AMRA3ARS>, how are you today?","mentions":["01M7YSZ8V6D4QNP163AMRA3ARS"]}"#;

/// A Ready the size of a busy bot: 2000 users, 100 servers with 20 channels each.
pub fn large_ready() -> String {
    let id = |kind: u32, n: u32| format!("01M7YSZ8V6D4QNP16{kind:01}{n:08}");
    let users: Vec<String> = (0..2000)
        .map(|n| {
            format!(
                r#"{{"_id":"{}","username":"user{n}","discriminator":"{:04}","relationship":"{}","online":{}}}"#,
                id(1, n),
                n % 9999,
                // The server puts your own user last.
                if n == 1999 { "User" } else { "None" },
                n % 2 == 0
            )
        })
        .collect();
    let mut servers = Vec::new();
    let mut channels = Vec::new();
    let mut members = Vec::new();
    for s in 0..100 {
        let channel_ids: Vec<String> = (0..20).map(|c| id(3, s * 100 + c)).collect();
        servers.push(format!(
            r#"{{"_id":"{}","owner":"{}","name":"Server {s}","channels":[{}],"default_permissions":77014766592,"approximate_member_count":150}}"#,
            id(2, s),
            id(1, s),
            channel_ids.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(",")
        ));
        for (c, channel) in channel_ids.iter().enumerate() {
            channels.push(format!(
                r#"{{"channel_type":"TextChannel","_id":"{channel}","server":"{}","name":"channel-{c}","description":"Talk about topic {c}"}}"#,
                id(2, s)
            ));
        }
        members.push(format!(
            r#"{{"_id":{{"server":"{}","user":"{}"}},"joined_at":"2026-11-21T10:21:00.440Z"}}"#,
            id(2, s),
            id(1, 1999)
        ));
    }
    format!(
        r#"{{"type":"Ready","users":[{}],"servers":[{}],"channels":[{}],"members":[{}],"emojis":[],"voice_states":[]}}"#,
        users.join(","),
        servers.join(","),
        channels.join(","),
        members.join(",")
    )
}
