//! Determinism: the same design and seed give the same event digest, here and in the browser.

use engine::determinism::{REFERENCE_SEED, format_digest, reference_run, release_run};
use engine::{Simulation, presets};

#[test]
fn reference_digest_matches_the_golden_file() {
    let golden = include_str!("../data/determinism_digest.txt").trim();
    assert_eq!(format_digest(reference_run()), golden);
}

#[test]
fn release_digest_matches_the_golden_file() {
    let golden = include_str!("../data/release_digest.txt").trim();
    assert_eq!(format_digest(release_run()), golden);
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

#[test]
fn stepping_one_event_at_a_time_is_the_same_run_and_says_what_happened() {
    let design = presets::distributed();
    let mut stepped = Simulation::new(&design, 9).expect("valid");
    let mut said = Vec::new();
    for _ in 0..5_000 {
        let event = stepped
            .step_event()
            .expect("the model always has a next event");
        said.push(event.what);
    }
    let mut budgeted = Simulation::new(&design, 9).expect("valid");
    assert!(!budgeted.advance_with_budget(u64::MAX, 5_000));
    assert_eq!(stepped.digest(), budgeted.digest());
    assert_eq!(stepped.now_ns(), budgeted.now_ns());
    assert!(
        said.iter()
            .any(|what| what.starts_with("users sends a new request"))
    );
    assert!(
        said.iter()
            .any(|what| what.contains("finishes its work on request #"))
    );
    assert!(said.iter().any(|what| what.contains("reply to request #")));
    assert!(said.iter().all(|what| !what.is_empty()));
}

/// The switching reference run switches both ways (per request, aggregated under the spike, per
/// request again), conserves requests, and its digest is the golden file (which the browser test
/// checks inside Chromium too).
#[test]
fn switching_digest_matches_the_golden_file_and_switches_both_ways() {
    use engine::determinism::{SWITCHING_SECONDS, switching_design, switching_run};
    use engine::{Resolution, Simulation};
    let golden = include_str!("../data/switching_digest.txt").trim();
    assert_eq!(format_digest(switching_run()), golden);
    let mut simulation = Simulation::new(&switching_design(), REFERENCE_SEED).expect("valid");
    let mut seen = Vec::new();
    while simulation.now_s() < SWITCHING_SECONDS {
        simulation.advance(0.5);
        let resolution = simulation.resolution();
        if seen.last() != Some(&resolution) {
            seen.push(resolution);
        }
        let totals = simulation.totals();
        assert_eq!(
            totals.requests,
            totals.completed + totals.failed + simulation.requests_in_flight(),
            "requests not conserved at {} s",
            simulation.now_s()
        );
    }
    assert_eq!(
        seen,
        [
            Resolution::PerRequest,
            Resolution::Aggregated { weight: 2 },
            Resolution::PerRequest
        ]
    );
    assert_eq!(simulation.digest(), switching_run());
}
