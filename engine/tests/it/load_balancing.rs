//! Load-balancer behaviour: the ordering of algorithms on four M/M/1 servers at ρ 0.8, and the
//! health-check detection window emerging from probe events.

use engine::metrics::CauseKind;
use engine::params::Algorithm;
use engine::run_event::RunEvent;
use engine::{NodeParams, Simulation};

use crate::support::{Interval, design};

/// The mean response time through the load balancer over independent replications (ten seeds, each
/// 20 s of warm-up then 200 s measured): at ρ 0.8 batches of one long run are too correlated for a
/// trustworthy interval, while replications are independent by construction.
fn mean_response(algorithm: Algorithm) -> Interval {
    let mut design = design("lb_four_servers.json");
    for node in &mut design.nodes {
        if let NodeParams::LoadBalancer(lb) = &mut node.params {
            lb.algorithm = algorithm;
        }
    }
    let replications: Vec<f64> = (31..41)
        .map(|seed| {
            let mut simulation = Simulation::new(&design, seed).expect("valid");
            simulation.advance(20.0);
            simulation.reset_statistics();
            simulation.advance(200.0);
            simulation.node_stats("lb").expect("lb").mean_ms
        })
        .collect();
    let mean = Interval::of(&replications);
    println!(
        "{algorithm:?}: {:.2} ± {:.2} ms",
        mean.mean, mean.half_width
    );
    mean
}

#[test]
fn least_connections_beats_power_of_two_beats_round_robin_beats_random() {
    let least = mean_response(Algorithm::LeastConnections);
    let two = mean_response(Algorithm::PowerOfTwo);
    let round = mean_response(Algorithm::RoundRobin);
    let random = mean_response(Algorithm::Random);
    for (better, worse, what) in [
        (least, two, "least connections < power of two"),
        (two, round, "power of two < round robin"),
        (round, random, "round robin < random"),
    ] {
        assert!(
            better.mean + better.half_width < worse.mean - worse.half_width,
            "{what}: {:.2} ± {:.2} vs {:.2} ± {:.2}",
            better.mean,
            better.half_width,
            worse.mean,
            worse.half_width
        );
    }
    // Random routing splits a Poisson stream: four independent M/M/1 at ρ 0.8, W = 1/(μ − λ).
    random.check("random routing = M/M/1 (ms)", 50.0, 0.1);
    // Round robin gives each server Erlang-4 arrivals (E4/M/1): W = 1/(μ(1 − σ)) where σ solves
    // σ = (4λ / (4λ + μ(1 − σ)))^4.
    let (lambda, mu) = (80.0f64, 100.0f64);
    let mut sigma = 0.5;
    for _ in 0..500 {
        sigma = (4.0 * lambda / (4.0 * lambda + mu * (1.0 - sigma))).powi(4);
    }
    round.check(
        "round robin = E4/M/1 (ms)",
        1000.0 / (mu * (1.0 - sigma)),
        0.1,
    );
}

#[test]
fn requests_lost_to_a_dead_backend_match_rate_times_detection_window() {
    // server-1 dies at 10 s; round robin sends it 1/4 of 400 req/s until the load balancer has seen
    // three failed probes: on average I/2 + (n − 1)·I + T = 1 + 4 + 1 = 6 s.
    let mut losses = Vec::new();
    for seed in 0..20 {
        let mut simulation =
            Simulation::new(&design("health_check.json"), 100 + seed).expect("valid");
        simulation.advance(20.0);
        let users = simulation.node_stats("users").expect("users");
        let lost = users
            .errors_by_cause
            .iter()
            .find(|(kind, _)| *kind == CauseKind::BackendDown)
            .map_or(0, |(_, count)| *count);
        assert_eq!(
            lost, users.failed,
            "every failure is a request sent to the dead backend"
        );
        let snapshot = simulation.snapshot();
        let lb = snapshot.nodes.iter().find(|n| n.id == "lb").expect("lb");
        assert_eq!(
            lb.healthy_backends,
            Some((3, 4)),
            "the dead backend was detected"
        );
        assert!(
            snapshot.logs.iter().any(
                |l| matches!(&l.event, Some(RunEvent::MarkedUnhealthy { backend, failed: 3, .. })
                    if backend == "server-1")
            ),
            "the detection is logged"
        );
        losses.push(lost as f64);
    }
    Interval::of(&losses).check("requests lost to the dead backend", 100.0 * 6.0, 0.1);
}

#[test]
fn weighted_round_robin_follows_worker_counts() {
    let mut design = engine::presets::horizontal_scaling();
    for node in &mut design.nodes {
        match &mut node.params {
            NodeParams::LoadBalancer(lb) => lb.algorithm = Algorithm::WeightedRoundRobin,
            NodeParams::Server(server) if node.id == "server-3" => {
                server.tier = engine::params::Tier::Large;
            }
            _ => {}
        }
    }
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(30.0);
    let share = |s: &mut Simulation, id: &str| s.node_stats(id).expect("server").arrivals as f64;
    let (small, large) = (
        share(&mut simulation, "server-1"),
        share(&mut simulation, "server-3"),
    );
    // Weights are worker counts: 2 and 8, so the large server gets four times the requests.
    assert!((3.8..4.2).contains(&(large / small)), "{small} vs {large}");
}

#[test]
fn a_standby_load_balancer_takes_over_after_its_delay() {
    let run = |standby: bool| {
        let mut design = engine::presets::horizontal_scaling();
        if let NodeParams::LoadBalancer(lb) = &mut design.nodes[1].params {
            lb.standby = standby;
            lb.takeover_ms = 3_000.0;
        }
        if let NodeParams::Users(users) = &mut design.nodes[0].params {
            users.retry.max_retries = 0;
        }
        design.faults = vec![engine::design::ScheduledFault {
            at_s: 10.0,
            duration_s: None,
            fault: engine::design::Fault::Kill {
                node: "lb".to_owned(),
            },
        }];
        let mut simulation = Simulation::new(&design, 6).expect("valid");
        simulation.advance(30.0);
        simulation.totals().failed as f64
    };
    // 230 requests/s fail for the 3 s takeover with a standby, and for the remaining 20 s without.
    let with_standby = run(true);
    assert!((550.0..850.0).contains(&with_standby), "{with_standby}");
    let without = run(false);
    assert!(without > 4_000.0, "{without}");
}

#[test]
fn consistent_hashing_spreads_users_and_explains_the_bucket() {
    let mut design = engine::presets::horizontal_scaling();
    if let NodeParams::LoadBalancer(lb) = &mut design.nodes[1].params {
        lb.algorithm = Algorithm::ConsistentHash;
    }
    let mut simulation = Simulation::new(&design, 7).expect("valid");
    simulation
        .apply(engine::LiveCommand::Explain {
            node: "lb".to_owned(),
            on: true,
        })
        .expect("lb");
    simulation.advance(20.0);
    for id in ["server-1", "server-2", "server-3"] {
        let arrivals = simulation.node_stats(id).expect("server").arrivals;
        assert!(arrivals > 500, "{id} got {arrivals}");
    }
    let snapshot = simulation.snapshot();
    let lb = snapshot.nodes.iter().find(|n| n.id == "lb").expect("lb");
    assert!(matches!(
        lb.explanation,
        Some(engine::RouteExplanation::ConsistentHash { .. })
    ));
}
