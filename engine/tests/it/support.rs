//! Shared helpers: loading the design files, a crash-looping server, batch means with Student-t
//! confidence intervals, and Little's law.

use engine::params::NodeParams;
use engine::{Design, Simulation, presets};

/// A single server that runs out of memory a moment after every start (big requests, a flood of
/// them, a short cold start), under PM2 or not.
pub fn crash_loop_design(pm2: bool) -> Design {
    let mut design = presets::single_server();
    for node in &mut design.nodes {
        match &mut node.params {
            NodeParams::Users(users) => users.rate_per_second = 400.0,
            NodeParams::Server(server) => {
                server.pm2 = pm2;
                server.cold_start_ms = 200.0;
                server.memory_per_request_mb = 400.0;
            }
            _ => {}
        }
    }
    design
}

pub fn design(name: &str) -> Design {
    let path = format!("{}/tests/designs/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Design::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Two-sided 99 % Student-t quantiles for 1..=30 degrees of freedom.
const T_99: [f64; 30] = [
    63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169, 3.106, 3.055, 3.012,
    2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845, 2.831, 2.819, 2.807, 2.797, 2.787, 2.779,
    2.771, 2.763, 2.756, 2.750,
];

/// Mean and 99 % confidence half-width of independent-ish samples (batch means).
#[derive(Clone, Copy, Debug)]
pub struct Interval {
    pub mean: f64,
    pub half_width: f64,
}

impl Interval {
    pub fn of(samples: &[f64]) -> Interval {
        let n = samples.len();
        assert!(n >= 2, "need at least two batches");
        let mean = samples.iter().sum::<f64>() / n as f64;
        let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let t = T_99[(n - 2).min(T_99.len() - 1)];
        Interval {
            mean,
            half_width: t * (variance / n as f64).sqrt(),
        }
    }

    pub fn contains(&self, value: f64) -> bool {
        (self.mean - value).abs() <= self.half_width
    }

    /// Asserts the analytic value lies in the interval and the interval is informative.
    pub fn check(&self, what: &str, analytic: f64, max_relative_width: f64) {
        println!(
            "{what}: simulated {:.4} ± {:.4} (99 % CI), analytic {analytic:.4}",
            self.mean, self.half_width
        );
        assert!(
            self.contains(analytic),
            "{what}: analytic {analytic} outside {:.5} ± {:.5}",
            self.mean,
            self.half_width
        );
        assert!(
            self.half_width <= max_relative_width * analytic.abs().max(1e-9),
            "{what}: the interval ±{:.5} is too wide to say anything",
            self.half_width
        );
    }

    /// Prints two estimates of one figure and asserts they agree: their means are within the sum
    /// of their half-widths.
    pub fn check_agrees(&self, what: &str, [mine, theirs]: [&str; 2], other: &Interval) {
        println!(
            "{what}: {mine} {:.5} ± {:.5}, {theirs} {:.5} ± {:.5}",
            self.mean, self.half_width, other.mean, other.half_width
        );
        assert!(
            (self.mean - other.mean).abs() <= self.half_width + other.half_width,
            "{what}: {mine} and {theirs} disagree"
        );
    }
}

/// Runs a warm-up, then `batches` batches of `batch_s` seconds; after each batch `measure` reads the
/// simulation (statistics are reset before each batch) and returns one value per metric.
pub fn batch_means<const N: usize>(
    simulation: &mut Simulation,
    warm_up_s: f64,
    batches: usize,
    batch_s: f64,
    mut measure: impl FnMut(&mut Simulation) -> [f64; N],
) -> [Interval; N] {
    simulation.advance(warm_up_s);
    let mut samples: [Vec<f64>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..batches {
        simulation.reset_statistics();
        simulation.advance(batch_s);
        check_little(simulation);
        let values = measure(simulation);
        for (sample, value) in samples.iter_mut().zip(values) {
            sample.push(value);
        }
    }
    std::array::from_fn(|i| Interval::of(&samples[i]))
}

/// Little's law, L = λW, on every node that answered everything it was asked in this window.
/// It is a sample-path identity: the only slack is requests inside at the window's two ends.
pub fn check_little(simulation: &mut Simulation) {
    let ids: Vec<String> = simulation
        .design()
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .collect();
    for id in ids {
        let stats = simulation.node_stats(&id).expect("node");
        if stats.failed > 0 || stats.completed < 2_000 {
            continue;
        }
        let little = stats.throughput * stats.mean_ms / 1000.0;
        let relative = (stats.mean_in_system - little).abs() / stats.mean_in_system.max(1e-9);
        assert!(
            relative < 0.02,
            "Little's law at {id}: L = {:.4} but λW = {little:.4}",
            stats.mean_in_system
        );
    }
}

/// Che's approximation of an LRU cache's hit ratio for keys of the given popularity: find the
/// characteristic time T with Σ (1 − e^(−p_i T)) = capacity, then hit = Σ p_i (1 − e^(−p_i T)).
pub fn che_hit_ratio(popularity: &[f64], capacity: f64) -> f64 {
    let filled = |t: f64| popularity.iter().map(|p| 1.0 - (-p * t).exp()).sum::<f64>();
    let (mut low, mut high) = (0.0, 1e9);
    for _ in 0..200 {
        let middle = (low + high) / 2.0;
        if filled(middle) < capacity {
            low = middle;
        } else {
            high = middle;
        }
    }
    popularity
        .iter()
        .map(|p| p * (1.0 - (-p * low).exp()))
        .sum()
}
