//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz targets'
//! bodies (`stoat_core::fuzz`) on the stable toolchain, so every seed, every hostile input
//! of issue 11 and every crash ever found stays fixed. cargo-fuzz itself is optional (see
//! `fuzz/README.md`).

use std::path::PathBuf;
use std::time::Instant;

use stoat_core::fuzz;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 5,
        "{target}: only {} corpus inputs",
        inputs.len()
    );
    inputs
}

/// Runs every input of `target` on a thread with a 2 MiB stack (a tokio worker's), so an
/// unbounded recursion shows up here as it would in a client.
fn replay(target: &'static str, body: fn(&[u8])) {
    let inputs = corpus(target);
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for (name, input) in inputs {
                let result = std::panic::catch_unwind(|| body(&input));
                assert!(result.is_ok(), "{target}/{name} panicked");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn frame_json() {
    replay("frame_json", fuzz::frame_json);
}

#[test]
fn frame_msgpack() {
    replay("frame_msgpack", fuzz::frame_msgpack);
}

#[test]
fn session_cache() {
    replay("session_cache", |data| {
        fuzz::session_cache(Instant::now(), data)
    });
}

#[test]
fn rest_response() {
    replay("rest_response", fuzz::rest_response);
}

#[test]
fn ratelimit_headers() {
    replay("ratelimit_headers", |data| {
        fuzz::ratelimit_headers(Instant::now(), data)
    });
}

#[test]
fn every_target_has_a_fuzz_binary_and_a_corpus() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("[workspace]"),
        "fuzz/ must stay out of the main workspace"
    );
    for target in [
        "frame_json",
        "frame_msgpack",
        "session_cache",
        "rest_response",
        "ratelimit_headers",
    ] {
        assert!(
            root.join(format!("fuzz_targets/{target}.rs")).exists(),
            "{target}"
        );
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "{target}"
        );
        corpus(target);
    }
}
