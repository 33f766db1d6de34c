//! Determinism: the same design and seed give the same event digest, here and in the browser.

use engine::determinism::{REFERENCE_SEED, format_digest, reference_run};
use engine::{Simulation, presets};

#[test]
fn reference_digest_matches_the_golden_file() {
    let golden = include_str!("../data/determinism_digest.txt").trim();
    assert_eq!(format_digest(reference_run()), golden);
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    let design = presets::horizontal_scaling();
    let run = |seed| {
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance(10.0);
        (simulation.digest(), simulation.events_processed())
    };
    assert_eq!(run(REFERENCE_SEED), run(REFERENCE_SEED));
    assert_ne!(run(REFERENCE_SEED).0, run(REFERENCE_SEED + 1).0);
}

#[test]
fn advancing_in_frames_equals_advancing_at_once() {
    let design = presets::distributed();
    let mut whole = Simulation::new(&design, 5).expect("valid");
    whole.advance(6.0);
    let mut frames = Simulation::new(&design, 5).expect("valid");
    for _ in 0..360 {
        frames.advance(1.0 / 60.0);
        let _ = frames.snapshot();
    }
    frames.advance_until(6_000_000_000);
    assert_eq!(whole.digest(), frames.digest());
}
