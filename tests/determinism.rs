//! Browser test: the engine's reference run gives, inside Chromium's WebAssembly, the same event digest
//! as natively (the golden files the engine's native tests also check): the reference run, the release
//! run and a run whose resolution switches live.
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

#[wasm_bindgen_test]
fn a_run_that_switches_resolution_has_the_native_digest_in_the_browser() {
    let golden = include_str!("../engine/tests/data/switching_digest.txt").trim();
    let digest = engine::determinism::format_digest(engine::determinism::switching_run());
    assert_eq!(digest, golden);
}
