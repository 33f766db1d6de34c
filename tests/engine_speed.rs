//! Browser benchmark, not a test: the engine's speed inside headless Chromium's WebAssembly, timed with
//! `performance.now()`, printed one line per workload for `cargo xtask bench-wasm` to compare with
//! `arch-sim speed` natively. It asserts nothing about speed.
//!
//! Built only with the `engine-speed` feature, so the ordinary test run skips it; on a release build:
//! `cargo test --release --features engine-speed --target wasm32-unknown-unknown --test engine_speed -- --nocapture`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn engine_speed_in_the_browser() {
    let performance = web_sys::window()
        .and_then(|window| window.performance())
        .expect("the test runs in a browser window, which has `performance`");
    let clock = move || performance.now();
    let figures = engine::speed::measure(&clock).expect("the speed workloads are valid designs");
    for figure in figures {
        console_log!("{figure}");
    }
}
