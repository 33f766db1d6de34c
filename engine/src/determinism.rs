//! The reference run whose event digest must be identical on every platform (native and wasm32).
//!
//! A test on each side compares [`reference_run`] with the golden value in
//! `engine/tests/data/determinism_digest.txt` (16 lowercase hex digits). If a deliberate model change
//! alters the digest, regenerate the file with `cargo run -p engine --bin arch-sim -- digest`.

use crate::Simulation;
use crate::presets;

/// Seed of the reference run.
pub const REFERENCE_SEED: u64 = 42;
/// Simulated seconds of the reference run.
pub const REFERENCE_SECONDS: f64 = 20.0;

/// Runs the distributed preset (every node kind but a bare server) for 20 simulated seconds with
/// seed 42, with a primary crash and a cache flush on the way, and returns the event digest.
pub fn reference_run() -> u64 {
    let mut design = presets::distributed();
    design.faults = vec![
        crate::design::ScheduledFault {
            at_s: 5.0,
            duration_s: Some(5.0),
            fault: crate::design::Fault::DatabasePrimaryCrash {
                node: "database".to_owned(),
            },
        },
        crate::design::ScheduledFault {
            at_s: 8.0,
            duration_s: None,
            fault: crate::design::Fault::CacheFlush {
                node: "cache".to_owned(),
            },
        },
    ];
    match Simulation::new(&design, REFERENCE_SEED) {
        Ok(mut simulation) => {
            simulation.advance(REFERENCE_SECONDS);
            simulation.digest()
        }
        // The preset is valid (a test says so); a digest of 0 would fail every comparison loudly.
        Err(_) => 0,
    }
}

/// Simulated seconds of the release reference run.
pub const RELEASE_SECONDS: f64 = 200.0;

/// The release reference run: the Release day preset (a pipeline's stages, a canary's weighted
/// split, a defect's failures, three analysis checks and the rollback) for 200 simulated seconds
/// with seed 42; its digest is the golden file `engine/tests/data/release_digest.txt`
/// (`arch-sim digest release` prints it).
pub fn release_run() -> u64 {
    match Simulation::new(&presets::release_day(), REFERENCE_SEED) {
        Ok(mut simulation) => {
            simulation.advance(RELEASE_SECONDS);
            simulation.digest()
        }
        Err(_) => 0,
    }
}

/// Simulated seconds of the switching reference run.
pub const SWITCHING_SECONDS: f64 = 8.0;

/// The switching reference run: the distributed preset at 30 000 req/s with a threefold traffic
/// spike from 2 s to 5 s, so the resolution switches live from per request to aggregated (weight
/// 2) and back, for 8 simulated seconds with seed 42; its digest is the golden file
/// `engine/tests/data/switching_digest.txt` (`arch-sim digest switching` prints it).
pub fn switching_run() -> u64 {
    match Simulation::new(&switching_design(), REFERENCE_SEED) {
        Ok(mut simulation) => {
            simulation.advance(SWITCHING_SECONDS);
            simulation.digest()
        }
        Err(_) => 0,
    }
}

/// The design of [`switching_run`].
pub fn switching_design() -> crate::Design {
    let mut design = presets::distributed();
    for node in &mut design.nodes {
        if let crate::NodeParams::Users(users) = &mut node.params {
            users.rate_per_second = 30_000.0;
        }
    }
    design.faults = vec![crate::design::ScheduledFault {
        at_s: 2.0,
        duration_s: Some(3.0),
        fault: crate::design::Fault::TrafficSpike {
            node: None,
            factor: 3.0,
        },
    }];
    design
}

/// The digest as stored in the golden file.
pub fn format_digest(digest: u64) -> String {
    format!("{digest:016x}")
}
