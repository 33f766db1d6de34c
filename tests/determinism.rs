//! Browser test: the engine's reference run gives, inside Chromium's WebAssembly, the same event digest
//! as natively (the golden file the engine's native test also checks).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_reference_run_has_the_native_digest_in_the_browser() {
    let golden = include_str!("../engine/tests/data/determinism_digest.txt").trim();
    let digest = engine::determinism::format_digest(engine::determinism::reference_run());
    assert_eq!(digest, golden);
}

#[wasm_bindgen_test]
fn a_release_run_has_the_native_digest_in_the_browser() {
    let golden = include_str!("../engine/tests/data/release_digest.txt").trim();
    let digest = engine::determinism::format_digest(engine::determinism::release_run());
    assert_eq!(digest, golden);
}
