#![no_main]
//! `rest_response`: see `stoat_core::fuzz::rest_response`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stoat_core::fuzz::rest_response(data));
