//! Fuzzes `parallax_extract::extract` with arbitrary bytes: it must never
//! panic or hang, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = parallax_extract::Options {
        max_bytes: 1 << 20,
        ..Default::default()
    };
    if let Ok(e) = parallax_extract::extract(data, &opts) {
        let _ = e.text();
    }
});
