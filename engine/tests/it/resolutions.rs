//! Two resolutions, one model: the aggregated resolution gives the same figures as the per-request
//! one where both are feasible, and takes over by itself for a million requests per second.

use engine::{Resolution, Simulation, presets};

use crate::support::{Interval, batch_means, design};

fn jackson(resolution: Resolution) -> [Interval; 3] {
    let mut simulation =
        Simulation::with_resolution(&design("jackson_fast.json"), 41, resolution).expect("valid");
    assert_eq!(simulation.resolution(), resolution);
    batch_means(&mut simulation, 5.0, 15, 4.0, |s| {
        [
            s.node_stats("users").expect("users").mean_ms,
            s.node_stats("database").expect("db").mean_ms,
            s.node_stats("server-1")
                .expect("server")
                .utilisation
                .unwrap_or(0.0),
        ]
    })
}

/// The aggregated resolution estimates each station's rate from the calls it sees, so it needs
/// enough of them: this network runs at 2000 requests per second.
#[test]
fn aggregated_and_per_request_agree_on_a_jackson_network() {
    let exact = jackson(Resolution::PerRequest);
    let aggregated = jackson(Resolution::Aggregated { weight: 4 });
    // Ten times the rates of the per-request Jackson test: λ 2000/s, servers μ 2000/s each, cache
    // μ 10 000/s, database μ 2000/s with (1 − 0.7)·2000 = 600/s.
    let analytic = [
        1000.0 * (1.0 / 1000.0 + 1.0 / 8000.0 + 0.3 / 1400.0),
        1000.0 / 1400.0,
        0.5,
    ];
    for ((exact, aggregated), (what, analytic)) in exact.iter().zip(&aggregated).zip(
        [
            "end-to-end mean (ms)",
            "database mean (ms)",
            "server utilisation",
        ]
        .iter()
        .zip(analytic),
    ) {
        exact.check_agrees(what, ["per request", "aggregated"], aggregated);
        aggregated.check(&format!("aggregated {what}"), analytic, 0.08);
    }
}

#[test]
fn aggregated_blocking_matches_mmck() {
    let mut simulation = Simulation::with_resolution(
        &design("mmck.json"),
        42,
        Resolution::Aggregated { weight: 2 },
    )
    .expect("valid");
    let [blocking] = batch_means(&mut simulation, 10.0, 20, 30.0, |s| {
        let stats = s.node_stats("server").expect("server");
        [stats.failed as f64 / stats.arrivals as f64]
    });
    // The same M/M/2/5 as the per-request test: p_K = (a^5 / (2!·2³)) / Σ p_n with a = 2.
    let weights = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0];
    blocking.check(
        "aggregated M/M/2/5 blocking",
        weights[5] / weights.iter().sum::<f64>(),
        0.1,
    );
}

#[test]
fn a_million_requests_per_second_runs_aggregated() {
    let design = presets::million_requests_per_second();
    design.validate().expect("valid");
    let mut simulation = Simulation::new(&design, 1).expect("valid");
    assert_eq!(
        simulation.resolution(),
        Resolution::Aggregated { weight: 20 }
    );
    simulation.advance(3.0);
    let snapshot = simulation.snapshot();
    assert!(matches!(snapshot.resolution, Resolution::Aggregated { .. }));
    let web = snapshot.nodes.iter().find(|n| n.id == "web").expect("web");
    // 1 000 000 req/s × 10 ms over 10 × 1 400 workers: ρ ≈ 0.71.
    assert!((0.66..0.76).contains(&web.cpu), "cpu {}", web.cpu);
    let users = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "users")
        .expect("users");
    assert_eq!(users.error_rate, 0.0);
    assert!(
        (900_000.0..1_100_000.0).contains(&web.throughput),
        "{}",
        web.throughput
    );
    // Events per simulated second stay near 50 000 requests' worth, not a million.
    assert!(
        snapshot.events_processed < 3 * 600_000,
        "{}",
        snapshot.events_processed
    );
}

/// The M/M/4 of `mmc.json` (ρ 0.8) aggregated with weight 2, measured for `seconds` after a 30 s
/// warm-up (Little's law checked).
fn aggregated_mmc(seed: u64, seconds: f64) -> Simulation {
    let mut simulation = Simulation::with_resolution(
        &design("mmc.json"),
        seed,
        Resolution::Aggregated { weight: 2 },
    )
    .expect("valid");
    simulation.advance(30.0);
    simulation.reset_statistics();
    simulation.advance(seconds);
    crate::support::check_little(&mut simulation);
    simulation
}

/// Erlang C for the M/M/4 of `mmc.json`: a = 3.2, P(wait) = (a⁴/4! · 5) / (Σ_{k<4} a^k/k! + a⁴/4! · 5),
/// and Wq = P(wait) / (4μ − λ) in milliseconds.
fn mmc_erlang_c() -> (f64, f64) {
    let a: f64 = 3.2;
    let top = a.powi(4) / 24.0 * 5.0;
    let p = top / (1.0 + a + a * a / 2.0 + a.powi(3) / 6.0 + top);
    (p, 1000.0 * p / 80.0)
}

/// Independent replications (one value per seed), not batches of one run: the aggregated
/// station's load estimate remembers about 30 s, so consecutive batches are correlated and their
/// interval would be too narrow.
#[test]
fn aggregated_waits_match_erlang_c() {
    let runs: Vec<[f64; 2]> = (43..59)
        .map(|seed| {
            let stats = aggregated_mmc(seed, 300.0)
                .node_stats("server")
                .expect("server");
            [
                stats.mean_wait_ms.expect("a server has workers"),
                stats.wait_probability.expect("a server has workers"),
            ]
        })
        .collect();
    let wait = Interval::of(&runs.iter().map(|r| r[0]).collect::<Vec<_>>());
    let p_wait = Interval::of(&runs.iter().map(|r| r[1]).collect::<Vec<_>>());
    let (p, analytic_wait_ms) = mmc_erlang_c();
    wait.check("aggregated M/M/4 mean wait (ms)", analytic_wait_ms, 0.1);
    p_wait.check("aggregated M/M/4 probability of waiting", p, 0.03);
}

/// A station's first rate estimate rests on 100 calls; it must not linger. It used to get the
/// exponential weight of a trusted estimate, so on some seeds a first estimate above cμ sent the
/// M/M/4 into the steady state of a nearly full million-place room: a few hundred requests waited
/// for hours of simulated time (Little's law at the users: L = 309 against λW = 7).
#[test]
fn a_noisy_first_estimate_does_not_linger() {
    let (_, analytic_wait_ms) = mmc_erlang_c();
    for seed in 40..50 {
        let wait = aggregated_mmc(seed, 40.0)
            .node_stats("server")
            .and_then(|stats| stats.mean_wait_ms)
            .expect("a server has workers");
        assert!(
            (wait - analytic_wait_ms).abs() < 0.5 * analytic_wait_ms,
            "seed {seed}: mean wait {wait:.2} ms, analytic {analytic_wait_ms:.2} ms"
        );
    }
}

/// The aggregated resolution's mean wait against Erlang C at ρ 0.85, over independent seeds: the
/// measurement behind the README's bias figure. The M/M/4 runs at 34 000 req/s (μ 10 000/s per
/// worker) with weight 20, so its load estimate rests on about 10 000 calls as at any high rate.
/// Long (48 × 1 000 simulated seconds, about 80 M calls), so ignored; run it with
/// `cargo test --release -p engine --test it -- --ignored mean_wait_bias --nocapture`.
#[test]
#[ignore = "a measurement: 48 × 1 000 simulated seconds"]
fn aggregated_mean_wait_bias_at_rho_085() {
    mean_wait_at_rho_085(
        "aggregated",
        34_000.0,
        1_000.0,
        Resolution::Aggregated { weight: 20 },
    );
}

/// The same measurement per request, on the same queue slowed down a hundredfold (λ 340/s, μ 100/s
/// per worker) and run for as many calls per seed: whatever bias this one shows is the measurement's
/// (warm-up, the per-seed mean of a correlated series), not the aggregated draw's.
#[test]
#[ignore = "a measurement: 48 × 5 000 simulated seconds"]
fn per_request_mean_wait_bias_at_rho_085() {
    mean_wait_at_rho_085("per-request", 340.0, 5_000.0, Resolution::PerRequest);
}

/// M/M/4 at ρ 0.85 (λ = `rate`, μ = rate / 3.4 per worker) over 48 seeds of `seconds` after a
/// warm-up: prints the mean wait's relative bias against Erlang C and checks it within a 99 % interval.
fn mean_wait_at_rho_085(label: &str, rate: f64, seconds: f64, resolution: Resolution) {
    let mu = rate / 3.4;
    let design = mmc_with(rate, 1000.0 / mu);
    // M/M/4 with a = λ/μ = 3.4.
    let a: f64 = 3.4;
    let top = a.powi(4) / 24.0 / (1.0 - a / 4.0);
    let p = top / (1.0 + a + a * a / 2.0 + a.powi(3) / 6.0 + top);
    let analytic_ms = 1000.0 * p / (4.0 * mu - rate);
    let warm_up = 30.0 * 34_000.0 / rate;
    let waits: Vec<f64> = (0..48)
        .map(|seed| {
            let mut simulation =
                Simulation::with_resolution(&design, 1_000 + seed, resolution).expect("valid");
            simulation.advance(warm_up);
            simulation.reset_statistics();
            simulation.advance(seconds);
            simulation
                .node_stats("server")
                .and_then(|stats| stats.mean_wait_ms)
                .expect("a server has workers")
        })
        .collect();
    let interval = Interval::of(&waits);
    let bias = interval.mean / analytic_ms - 1.0;
    println!(
        "{label} M/M/4 at ρ 0.85: mean wait {:.5} ± {:.5} ms (99 % CI), Erlang C {analytic_ms:.5} ms, \
         relative bias {:+.3} % ± {:.3} %",
        interval.mean,
        interval.half_width,
        bias * 100.0,
        interval.half_width / analytic_ms * 100.0
    );
    interval.check(
        &format!("{label} M/M/4 mean wait at ρ 0.85 (ms)"),
        analytic_ms,
        0.005,
    );
}

/// The M/M/4 of `mmc.json` with service fast enough for `rate_at_70` requests per second to load
/// it to ρ 0.7, starting at `rate` requests per second.
fn fast_mmc(rate: f64, rate_at_70: f64) -> engine::Design {
    mmc_with(rate, 1000.0 * 4.0 * 0.7 / rate_at_70)
}

/// The M/M/4 of `mmc.json` with users at `rate` requests per second and a mean service of
/// `mean_ms` for every request type.
fn mmc_with(rate: f64, mean_ms: f64) -> engine::Design {
    let mut design = design("mmc.json");
    if let engine::NodeParams::Users(users) = &mut design.nodes[0].params {
        users.rate_per_second = rate;
    }
    if let engine::NodeParams::Server(server) = &mut design.nodes[1].params {
        for service in [
            &mut server.service.static_asset,
            &mut server.service.read,
            &mut server.service.write,
            &mut server.service.payment,
        ] {
            service.mean_ms = mean_ms;
        }
    }
    design
}

/// Sets the users' rate live, as the inspector does.
fn set_rate(simulation: &mut Simulation, rate: f64) {
    let mut params = simulation
        .design()
        .node("users")
        .expect("users")
        .params
        .clone();
    if let engine::NodeParams::Users(users) = &mut params {
        users.rate_per_second = rate;
    }
    simulation
        .apply(engine::LiveCommand::SetParams {
            node: "users".to_owned(),
            params,
        })
        .expect("a valid rate");
}

/// Requests are conserved: every request the users sent is answered, failed or still in flight
/// (counted from the request slab, apart from the totals).
fn check_conserved(simulation: &Simulation, when: &str) {
    let totals = simulation.totals();
    assert_eq!(
        totals.requests,
        totals.completed + totals.failed + simulation.requests_in_flight(),
        "{when}: requests not conserved ({totals:?})"
    );
}

/// One phase of a switching run: its figures over `seconds` from now (end-to-end mean latency,
/// the server's utilisation, mean wait and throughput).
fn phase(simulation: &mut Simulation, seconds: f64) -> [f64; 4] {
    simulation.reset_statistics();
    simulation.advance(seconds);
    crate::support::check_little(simulation);
    let users = simulation.node_stats("users").expect("users");
    let server = simulation.node_stats("server").expect("server");
    [
        users.mean_ms,
        server.utilisation.unwrap_or(0.0),
        server.mean_wait_ms.unwrap_or(0.0),
        server.throughput,
    ]
}

/// A run whose rate is edited across the per-request limit and back: `adaptive` follows it (per
/// request, aggregated with weight 2, per request again), the other stays per request. Returns the
/// three phases' figures (each measured from the instant of the switch).
fn switching_run(seed: u64, adaptive: bool) -> [[f64; 4]; 3] {
    let design = fast_mmc(35_000.0, 60_000.0);
    let mut simulation = if adaptive {
        Simulation::new(&design, seed).expect("valid")
    } else {
        Simulation::with_resolution(&design, seed, Resolution::PerRequest).expect("valid")
    };
    assert_eq!(simulation.resolution(), Resolution::PerRequest);
    let before = phase(&mut simulation, 4.0);
    check_conserved(&simulation, "before the switch");
    set_rate(&mut simulation, 60_000.0);
    if adaptive {
        assert_eq!(
            simulation.resolution(),
            Resolution::Aggregated { weight: 2 },
            "a rate edited above the limit switches at once"
        );
    }
    let during = phase(&mut simulation, 4.0);
    check_conserved(&simulation, "while aggregated");
    set_rate(&mut simulation, 35_000.0);
    assert_eq!(simulation.resolution(), Resolution::PerRequest);
    let after = phase(&mut simulation, 4.0);
    check_conserved(&simulation, "after switching back");
    [before, during, after]
}

#[test]
fn the_resolution_follows_a_rate_across_the_limit_and_back() {
    let seeds = 8;
    let runs: Vec<[[[f64; 4]; 3]; 2]> = (0..seeds)
        .map(|seed| {
            [
                switching_run(500 + seed, true),
                switching_run(500 + seed, false),
            ]
        })
        .collect();
    let names = [
        "end-to-end mean (ms)",
        "server utilisation",
        "server mean wait (ms)",
        "server throughput (req/s)",
    ];
    for (p, phase_name) in ["per request", "aggregated", "per request again"]
        .iter()
        .enumerate()
    {
        for (f, name) in names.iter().enumerate() {
            let adaptive = Interval::of(&runs.iter().map(|r| r[0][p][f]).collect::<Vec<_>>());
            let exact = Interval::of(&runs.iter().map(|r| r[1][p][f]).collect::<Vec<_>>());
            adaptive.check_agrees(
                &format!("{phase_name}, {name}"),
                ["following the load", "per request throughout"],
                &exact,
            );
        }
    }
}

/// The rule the resolution follows: up as soon as the rate needs it, to the smallest weight that
/// keeps calls under the limit; down only at 80 % of what a smaller weight allows.
#[test]
fn the_resolution_rule_steps_up_at_the_limit_and_down_with_a_gap() {
    use engine::simulation::resolution_at;
    let per_request = Resolution::PerRequest;
    let weight = |weight| Resolution::Aggregated { weight };
    assert_eq!(resolution_at(50_000.0, per_request), per_request);
    assert_eq!(resolution_at(50_001.0, per_request), weight(2));
    assert_eq!(resolution_at(1_000_000.0, per_request), weight(20));
    assert_eq!(resolution_at(1_000_001.0, weight(20)), weight(21));
    // A rate hovering between 40 000 and 50 000 keeps what it has, either way.
    for rate in [40_001.0, 45_000.0, 50_000.0] {
        assert_eq!(resolution_at(rate, weight(2)), weight(2), "{rate}");
        assert_eq!(resolution_at(rate, per_request), per_request, "{rate}");
    }
    assert_eq!(resolution_at(40_000.0, weight(2)), per_request);
    // From weight 20 (up to 1 000 000 req/s), a smaller weight only below 80 % of 19 × 50 000.
    assert_eq!(resolution_at(760_001.0, weight(20)), weight(20));
    assert_eq!(resolution_at(760_000.0, weight(20)), weight(19));
    // A fall goes down several steps at once, to the weight whose gap it clears.
    assert_eq!(resolution_at(100_000.0, weight(20)), weight(3));
    assert_eq!(resolution_at(0.0, weight(20)), per_request);
}

/// A ramp crosses the limit with no command: the run switches at the simulated second before the
/// rate gets there (it looks a second ahead), and keeps conserving requests.
#[test]
fn a_ramp_across_the_limit_switches_a_second_ahead() {
    let mut design = fast_mmc(70_000.0, 90_000.0);
    if let engine::NodeParams::Users(users) = &mut design.nodes[0].params {
        // 30 000 req/s rising to 70 000 over 8 s: 50 000 at 4 s.
        users.pattern = engine::params::RatePattern::Ramp {
            start_rate_per_second: 30_000.0,
            duration_s: 8.0,
        };
    }
    let mut simulation = Simulation::new(&design, 7).expect("valid");
    assert_eq!(simulation.resolution(), Resolution::PerRequest);
    simulation.advance(2.5);
    assert_eq!(simulation.resolution(), Resolution::PerRequest);
    // At the tick of 3 s the rate a second ahead is 50 000: not above. At 4 s, 55 000 is.
    simulation.advance(1.0);
    assert_eq!(simulation.resolution(), Resolution::PerRequest);
    simulation.advance(1.0);
    assert_eq!(
        simulation.resolution(),
        Resolution::Aggregated { weight: 2 }
    );
    simulation.advance(5.0);
    check_conserved(&simulation, "after the ramp");
    let server = simulation.node_stats("server").expect("server");
    assert_eq!(server.failed, 0, "the M/M/4 at ρ 0.54 loses nothing");
}
