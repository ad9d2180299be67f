//! Writes the benchmark frames to a directory, so other implementations (stoat.py) can be
//! measured on exactly the same bytes: `cargo run -p stoat-core --example bench_frames -- DIR`.
//!
//! `message.json` is one message frame, `ready.json` the large Ready (50k users, 20k
//! channels, 1k servers) and `mix.jsonl` the realistic frame mix, one frame a line
//! (`STOAT_BENCH_FRAMES` frames, 50,000 by default).

#[path = "../benches/support/frames.rs"]
mod frames;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-frames".into());
    let count = std::env::var("STOAT_BENCH_FRAMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(format!("{dir}/message.json"), frames::MESSAGE)?;
    std::fs::write(format!("{dir}/ready.json"), frames::large_ready())?;
    let mut mix = frames::frame_mix(count).join("\n");
    mix.push('\n');
    std::fs::write(format!("{dir}/mix.jsonl"), mix)?;
    println!("wrote {dir}/message.json, {dir}/ready.json and {dir}/mix.jsonl ({count} frames)");
    Ok(())
}
