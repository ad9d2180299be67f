#![no_main]
//! `frame_msgpack`: see `stoat_core::fuzz::frame_msgpack`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stoat_core::fuzz::frame_msgpack(data));
