//! The in-flight sample the app animates: cache and CDN hits and retries are told apart.

use engine::{LiveCommand, Simulation, Snapshot, presets};

/// Snapshots every 20 ms for `seconds`.
fn sample(simulation: &mut Simulation, seconds: f64) -> Vec<Snapshot> {
    (0..(seconds / 0.02) as usize)
        .map(|_| {
            simulation.advance(0.02);
            simulation.snapshot()
        })
        .collect()
}

#[test]
fn replies_answered_by_a_cache_or_cdn_edge_are_marked_as_hits() {
    let mut simulation = Simulation::new(&presets::distributed(), 11).expect("valid");
    simulation.advance(20.0);
    let mut hit_ends = std::collections::BTreeSet::new();
    let mut hits = 0;
    for snapshot in sample(&mut simulation, 2.0) {
        for particle in snapshot.in_flight.iter().filter(|p| p.hit) {
            hits += 1;
            assert!(particle.returning, "a hit is a reply: {particle:?}");
            assert!(!particle.failed);
            hit_ends.insert(snapshot.links[particle.link].to.clone());
        }
    }
    assert!(hits > 10, "{hits} hit particles");
    assert_eq!(
        hit_ends.into_iter().collect::<Vec<_>>(),
        ["cache", "cdn"],
        "hits come back from the cache and the CDN only"
    );
}

#[test]
fn calls_of_a_retried_attempt_are_marked_as_retries() {
    let mut simulation = Simulation::new(&presets::horizontal_scaling(), 12).expect("valid");
    simulation.advance(10.0);
    let quiet = sample(&mut simulation, 1.0);
    assert!(
        quiet.iter().all(|s| s.in_flight.iter().all(|p| !p.retry)),
        "nothing fails, nothing is retried"
    );
    simulation
        .apply(LiveCommand::Kill {
            node: "server-1".to_owned(),
        })
        .expect("killed");
    let retries = sample(&mut simulation, 5.0)
        .iter()
        .flat_map(|s| {
            s.in_flight
                .iter()
                .filter(|p| p.retry)
                .cloned()
                .collect::<Vec<_>>()
        })
        .count();
    assert!(
        retries > 0,
        "requests that failed at the dead server are retried"
    );
    assert!(simulation.totals().retries > 0);
}
