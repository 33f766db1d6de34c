//! Queueing-theory validation: M/M/1, M/M/c (Erlang C), M/M/c/K, a Jackson network and an LRU cache
//! against Che's approximation. Every model is an ordinary design file in `tests/designs/`.

use engine::Simulation;

use crate::support::{batch_means, che_hit_ratio, design};

fn factorial(n: u32) -> f64 {
    (1..=n).map(f64::from).product()
}

/// Erlang C for an M/M/c station: the probability of waiting and the mean wait, seconds.
fn erlang_c(lambda: f64, mu: f64, c: u32) -> (f64, f64) {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let top = a.powi(c as i32) / factorial(c) / (1.0 - rho);
    let bottom: f64 = (0..c).map(|k| a.powi(k as i32) / factorial(k)).sum::<f64>() + top;
    let p_wait = top / bottom;
    (p_wait, p_wait / (f64::from(c) * mu - lambda))
}

/// Erlang C mean response time, seconds.
fn erlang_c_response(lambda: f64, mu: f64, c: u32) -> f64 {
    erlang_c(lambda, mu, c).1 + 1.0 / mu
}

#[test]
fn mm1_at_rho_0_8() {
    let mut simulation = Simulation::new(&design("mm1.json"), 11).expect("valid");
    let [mean, p95] = batch_means(&mut simulation, 50.0, 20, 200.0, |s| {
        let stats = s.node_stats("server").expect("server");
        [stats.mean_ms, stats.p95_ms]
    });
    let (lambda, mu): (f64, f64) = (80.0, 100.0);
    // ρ = 0.8 has long correlations: 80 000 customers give about ±5 %.
    mean.check("M/M/1 mean response (ms)", 1000.0 / (mu - lambda), 0.08);
    p95.check(
        "M/M/1 p95 response (ms)",
        1000.0 * -(0.05f64.ln()) / (mu - lambda),
        0.08,
    );
}

#[test]
fn mmc_erlang_c() {
    let mut simulation = Simulation::new(&design("mmc.json"), 21).expect("valid");
    let [mean, utilisation, wait, p_wait] = batch_means(&mut simulation, 20.0, 20, 40.0, |s| {
        let stats = s.node_stats("server").expect("server");
        [
            stats.mean_ms,
            stats.utilisation.unwrap_or(0.0),
            stats.mean_wait_ms.expect("a server has workers"),
            stats.wait_probability.expect("a server has workers"),
        ]
    });
    mean.check(
        "M/M/4 mean response (ms)",
        1000.0 * erlang_c_response(320.0, 100.0, 4),
        0.05,
    );
    utilisation.check("M/M/4 utilisation", 0.8, 0.02);
    // The time in the queue alone, and how many wait at all: P(wait) = 0.596, Wq = 7.46 ms.
    let (analytic_p_wait, analytic_wait_s) = erlang_c(320.0, 100.0, 4);
    wait.check("M/M/4 mean wait (ms)", 1000.0 * analytic_wait_s, 0.1);
    p_wait.check("M/M/4 probability of waiting", analytic_p_wait, 0.03);
}

#[test]
fn the_live_numbers_carry_the_wait_of_the_last_second() {
    let mut simulation = Simulation::new(&design("mmc.json"), 22).expect("valid");
    simulation.advance(5.0);
    simulation.reset_statistics();
    let (mut waits, mut shares) = (Vec::new(), Vec::new());
    for _ in 0..60 {
        simulation.advance(1.0);
        let snapshot = simulation.snapshot();
        let users = snapshot
            .nodes
            .iter()
            .find(|n| n.id == "users")
            .expect("users");
        assert_eq!((users.mean_wait_ms, users.wait_probability), (None, None));
        let server = snapshot
            .nodes
            .iter()
            .find(|n| n.id == "server")
            .expect("server");
        waits.push(server.mean_wait_ms.expect("a server has workers"));
        shares.push(server.wait_probability.expect("a server has workers"));
    }
    // About 320 requests a second: the seconds' figures average to the whole minute's.
    let stats = simulation.node_stats("server").expect("server");
    let average = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
    let (whole_wait, whole_share) = (
        stats.mean_wait_ms.expect("a server has workers"),
        stats.wait_probability.expect("a server has workers"),
    );
    assert!(whole_wait > 1.0 && whole_share > 0.3, "{stats:?}");
    assert!(
        (average(&waits) - whole_wait).abs() < 0.05 * whole_wait,
        "{} vs {whole_wait}",
        average(&waits)
    );
    assert!(
        (average(&shares) - whole_share).abs() < 0.02,
        "{} vs {whole_share}",
        average(&shares)
    );
}

#[test]
fn mmck_blocking() {
    let mut simulation = Simulation::new(&design("mmck.json"), 13).expect("valid");
    let [blocking] = batch_means(&mut simulation, 10.0, 20, 30.0, |s| {
        let stats = s.node_stats("server").expect("server");
        [stats.failed as f64 / stats.arrivals as f64]
    });
    // p_n ∝ a^n / n! for n ≤ c, a^n / (c! c^(n−c)) beyond; K = 2 in service + 3 waiting.
    let (a, c, k) = (2.0f64, 2u32, 5u32);
    let weight = |n: u32| {
        if n <= c {
            a.powi(n as i32) / factorial(n)
        } else {
            a.powi(n as i32) / (factorial(c) * f64::from(c).powi((n - c) as i32))
        }
    };
    let total: f64 = (0..=k).map(weight).sum();
    blocking.check("M/M/2/5 blocking probability", weight(k) / total, 0.08);
}

#[test]
fn jackson_network_servers_cache_database() {
    let mut simulation = Simulation::new(&design("jackson.json"), 14).expect("valid");
    let [end_to_end, database, hit] = batch_means(&mut simulation, 10.0, 20, 30.0, |s| {
        let users = s.node_stats("users").expect("users");
        let database = s.node_stats("database").expect("database");
        let cache = s.node_stats("cache").expect("cache");
        [
            users.mean_ms,
            database.mean_ms,
            cache.hit_ratio.unwrap_or(0.0),
        ]
    });
    // Random routing splits the Poisson stream: each server is M/M/1 with λ 100, μ 200; the cache
    // sees λ 200 with μ 1000; the database λ = (1 − 0.7) · 200 = 60 with μ 200.
    let server = 1.0 / (200.0 - 100.0);
    let cache = 1.0 / (1000.0 - 200.0);
    let db = 1.0 / (200.0 - 60.0);
    end_to_end.check(
        "Jackson end-to-end mean (ms)",
        1000.0 * (server + cache + 0.3 * db),
        0.04,
    );
    database.check("Jackson database mean (ms)", 1000.0 * db, 0.05);
    hit.check("fixed hit ratio", 0.7, 0.02);
}

#[test]
fn lru_hit_ratio_matches_che_approximation() {
    let mut simulation = Simulation::new(&design("cache_che.json"), 15).expect("valid");
    let che = che_hit_ratio(&simulation.cache_popularity("cache"), 1000.0);
    let [hit] = batch_means(&mut simulation, 5.0, 10, 3.0, |s| {
        [s.node_stats("cache")
            .expect("cache")
            .hit_ratio
            .unwrap_or(0.0)]
    });
    println!(
        "Che's approximation {che:.4}, simulated {:.4} ± {:.4}",
        hit.mean, hit.half_width
    );
    // Che's approximation is itself accurate to about a percent for Zipf popularity.
    assert!(
        (hit.mean - che).abs() <= hit.half_width + 0.01,
        "hit ratio {:.4} ± {:.4} vs Che {che:.4}",
        hit.mean,
        hit.half_width
    );
}

/// Pollaczek–Khinchine: W = E[S] + ρ·E[S]·(1 + cs²) / (2(1 − ρ)).
fn pollaczek_khinchine(lambda: f64, mean_s: f64, scv: f64) -> f64 {
    let rho = lambda * mean_s;
    mean_s + rho * mean_s * (1.0 + scv) / (2.0 * (1.0 - rho))
}

#[test]
fn md1_deterministic_service() {
    let mut simulation = Simulation::new(&design("md1.json"), 16).expect("valid");
    let [mean] = batch_means(&mut simulation, 20.0, 20, 60.0, |s| {
        [s.node_stats("server").expect("server").mean_ms]
    });
    mean.check(
        "M/D/1 mean response (ms)",
        1000.0 * pollaczek_khinchine(80.0, 0.01, 0.0),
        0.06,
    );
}

#[test]
fn mg1_log_normal_service() {
    let mut simulation = Simulation::new(&design("mg1_lognormal.json"), 17).expect("valid");
    let [mean] = batch_means(&mut simulation, 20.0, 20, 200.0, |s| {
        [s.node_stats("server").expect("server").mean_ms]
    });
    let scv = 1f64.exp() - 1.0;
    mean.check(
        "M/G/1 (log-normal σ 1) mean response (ms)",
        1000.0 * pollaczek_khinchine(50.0, 0.01, scv),
        0.06,
    );
}
