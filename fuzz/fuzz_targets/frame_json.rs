#![no_main]
//! `frame_json`: see `stoat_core::fuzz::frame_json`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stoat_core::fuzz::frame_json(data));
