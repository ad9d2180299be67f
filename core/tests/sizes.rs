//! Memory footprint of the main cached types.
//!
//! Run `cargo test -p stoat-core --test sizes -- --nocapture` to print the table. The
//! bounds keep accidental growth (an unboxed file, a `String` id) from going unnoticed;
//! the same table is in the `stoat_core::model` docs.

use std::mem::size_of;

use stoat_core::gateway::Event;
use stoat_core::id::{ChannelId, FileId, UserId};
use stoat_core::model::*;

#[test]
fn main_types_stay_compact() {
    let table: &[(&str, usize, usize)] = &[
        ("UserId", size_of::<UserId>(), 16),
        ("ChannelId", size_of::<ChannelId>(), 16),
        ("FileId", size_of::<FileId>(), 48),
        ("Timestamp", size_of::<Timestamp>(), 8),
        ("Permissions", size_of::<Permissions>(), 8),
        ("File", size_of::<File>(), 192),
        ("User", size_of::<User>(), 248),
        ("Member", size_of::<Member>(), 144),
        ("Server", size_of::<Server>(), 224),
        ("Role", size_of::<Role>(), 120),
        ("Channel", size_of::<Channel>(), 216),
        ("Message", size_of::<Message>(), 496),
        ("Emoji", size_of::<Emoji>(), 112),
        ("Webhook", size_of::<Webhook>(), 112),
        ("UserVoiceState", size_of::<UserVoiceState>(), 32),
        ("Event", size_of::<Event>(), 96),
    ];
    println!("| type | bytes |\n|---|---|");
    for (name, size, _) in table {
        println!("| {name} | {size} |");
    }
    for (name, size, max) in table {
        assert!(size <= max, "{name} is {size} bytes, more than {max}");
    }
}
