//! Writes the benchmark frames to a directory, so other implementations (stoat.py) can be
//! measured on exactly the same bytes: `cargo run -p stoat-core --example bench_frames -- DIR`.

#[path = "../benches/support/frames.rs"]
mod frames;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-frames".into());
    std::fs::create_dir_all(&dir)?;
    std::fs::write(format!("{dir}/message.json"), frames::MESSAGE)?;
    std::fs::write(format!("{dir}/ready.json"), frames::large_ready())?;
    println!("wrote {dir}/message.json and {dir}/ready.json");
    Ok(())
}
