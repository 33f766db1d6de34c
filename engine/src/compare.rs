//! A/B comparison under **common random numbers**: two designs run with the same seeds, the same
//! traffic (B's users nodes send what A's of the same id send, and each users node draws its
//! arrivals from its own streams, so a different topology does not move them) and the same fault
//! script (A's scheduled faults, applied to both; a fault naming a
//! node B lacks is skipped and said so). Each figure is compared seed by seed: the paired
//! differences B − A, their mean and a 95 % confidence interval (Student's t), which pairing makes
//! far narrower than comparing two independent runs.
//!
//! A [`Comparer`] advances the runs in event budgets, so the app never stalls a frame; the CLI's
//! `arch-sim compare` drives the same code to the end.

use serde::Serialize;

use crate::design::ScheduledFault;
use crate::metrics::SeriesPoint;
use crate::run_event::RunEvent;
use crate::{Design, DesignError, NodeKind, Simulation};

/// The figures of one run that a comparison reads.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunFigures {
    pub seed: u64,
    /// Successful share of the requests the users sent and got an answer to, 0..=1.
    pub availability: f64,
    /// End-to-end response times seen by the busiest users node, milliseconds.
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    /// Answers per second over the run.
    pub throughput: f64,
    pub failed: u64,
    pub cost_per_hour: f64,
    pub revenue_lost: f64,
    pub alerts_fired: u64,
    /// The node with the highest utilisation and its value, 0..=1 (the likeliest bottleneck).
    pub busiest: Option<(String, f64)>,
    /// Second by second at the busiest users node (the first seed's run only, for the overlaid
    /// charts; not written out).
    #[serde(skip)]
    pub seconds: Vec<SeriesPoint>,
}

/// The metrics compared, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Availability,
    P50,
    P95,
    P99,
    Mean,
    Throughput,
    Failed,
    CostPerHour,
    RevenueLost,
    AlertsFired,
}

impl Metric {
    pub const ALL: [Metric; 10] = [
        Metric::Availability,
        Metric::P50,
        Metric::P95,
        Metric::P99,
        Metric::Mean,
        Metric::Throughput,
        Metric::Failed,
        Metric::CostPerHour,
        Metric::RevenueLost,
        Metric::AlertsFired,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Metric::Availability => "Availability",
            Metric::P50 => "Latency p50",
            Metric::P95 => "Latency p95",
            Metric::P99 => "Latency p99",
            Metric::Mean => "Latency mean",
            Metric::Throughput => "Throughput",
            Metric::Failed => "Failed requests",
            Metric::CostPerHour => "Cost",
            Metric::RevenueLost => "Revenue lost",
            Metric::AlertsFired => "Alerts fired",
        }
    }

    /// Whether a larger value is better (for saying which design wins).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::Availability | Metric::Throughput)
    }

    pub fn of(self, figures: &RunFigures) -> f64 {
        match self {
            Metric::Availability => figures.availability,
            Metric::P50 => figures.p50_ms,
            Metric::P95 => figures.p95_ms,
            Metric::P99 => figures.p99_ms,
            Metric::Mean => figures.mean_ms,
            Metric::Throughput => figures.throughput,
            Metric::Failed => figures.failed as f64,
            Metric::CostPerHour => figures.cost_per_hour,
            Metric::RevenueLost => figures.revenue_lost,
            Metric::AlertsFired => figures.alerts_fired as f64,
        }
    }
}

/// One metric over every seed: the means of A and B, the mean paired difference B − A and the
/// half-width of its 95 % confidence interval (`None` with a single seed).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub metric: Metric,
    pub mean_a: f64,
    pub mean_b: f64,
    pub mean_difference: f64,
    pub half_width_95: Option<f64>,
}

impl Difference {
    /// Whether B differs from A beyond the interval (always false with one seed).
    pub fn significant(&self) -> bool {
        self.half_width_95
            .is_some_and(|half| self.mean_difference.abs() > half)
    }
}

/// A finished comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub seconds: f64,
    pub seeds: Vec<u64>,
    pub a: Vec<RunFigures>,
    pub b: Vec<RunFigures>,
    pub differences: Vec<Difference>,
    /// A's faults that B could not take (they name a node B lacks).
    pub skipped_faults: Vec<String>,
}

/// Why a comparison cannot start.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum CompareError {
    /// A design does not run.
    A(DesignError),
    B(DesignError),
    NoSeeds,
    /// The comparison must run for some time.
    NoTime,
}

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompareError::A(error) => write!(f, "design A cannot run: {error}"),
            CompareError::B(error) => write!(f, "design B cannot run: {error}"),
            CompareError::NoSeeds => write!(f, "a comparison needs at least one seed"),
            CompareError::NoTime => write!(f, "a comparison must run for more than 0 s"),
        }
    }
}

impl std::error::Error for CompareError {}

/// Student's t quantile for a two-sided 95 % interval with `df` degrees of freedom.
pub fn t_95(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        31..=60 => 2.000,
        61..=120 => 1.980,
        _ => 1.960,
    }
}

/// Mean and 95 % half-width of `values` (`None` for fewer than two).
pub fn mean_and_half_width(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len();
    if n == 0 {
        return (0.0, None);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, None);
    }
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
    (mean, Some(t_95(n - 1) * libm::sqrt(variance / n as f64)))
}

/// Sample variance (n − 1).
pub fn variance(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64
}

/// Reads a finished run's figures (with its second-by-second series when `keep_series`).
pub fn figures(simulation: &mut Simulation, seed: u64, keep_series: bool) -> RunFigures {
    let report = simulation.report();
    let users = report
        .nodes
        .iter()
        .filter(|node| node.kind == NodeKind::Users)
        .max_by_key(|node| node.arrivals);
    let answered = report.totals.completed + report.totals.failed;
    let busiest = report
        .nodes
        .iter()
        .filter_map(|node| node.utilisation.map(|u| (node.id.clone(), u)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    RunFigures {
        seed,
        availability: if answered > 0 {
            report.totals.completed as f64 / answered as f64
        } else {
            0.0
        },
        p50_ms: users.map_or(0.0, |u| u.p50_ms),
        p95_ms: users.map_or(0.0, |u| u.p95_ms),
        p99_ms: users.map_or(0.0, |u| u.p99_ms),
        mean_ms: users.map_or(0.0, |u| u.mean_ms),
        throughput: if report.seconds > 0.0 {
            answered as f64 / report.seconds
        } else {
            0.0
        },
        failed: report.totals.failed,
        cost_per_hour: report.cost_per_hour,
        revenue_lost: report.totals.revenue_lost,
        alerts_fired: report
            .events
            .iter()
            .filter(|line| matches!(line.event, Some(RunEvent::AlertFired { .. })))
            .count() as u64,
        seconds: match (keep_series, users) {
            (true, Some(users)) => simulation.series(&users.id),
            _ => Vec::new(),
        },
        busiest,
    }
}

/// B with A's traffic (each users node of B that A also has sends what A's sends) and A's fault
/// script: the faults B can take, and the words for those it cannot.
pub fn with_script(a: &Design, b: &Design) -> (Design, Vec<String>) {
    let mut scripted = b.clone();
    for node in &mut scripted.nodes {
        if let Some(theirs) = a.node(&node.id)
            && node.kind() == NodeKind::Users
            && theirs.kind() == NodeKind::Users
        {
            node.params = theirs.params.clone();
        }
    }
    let mut skipped = Vec::new();
    let mut faults: Vec<ScheduledFault> = Vec::new();
    for fault in &a.faults {
        let mut check = b.clone();
        check.faults = vec![fault.clone()];
        let fits = check
            .problems()
            .iter()
            .all(|problem| !problem.path.starts_with("faults"));
        if fits {
            faults.push(fault.clone());
        } else {
            skipped.push(format!("{} at {} s", fault.fault, fault.at_s));
        }
    }
    scripted.faults = faults;
    (scripted, skipped)
}

/// The differences of a finished comparison.
fn differences(a: &[RunFigures], b: &[RunFigures]) -> Vec<Difference> {
    Metric::ALL
        .iter()
        .map(|&metric| {
            let of_a: Vec<f64> = a.iter().map(|f| metric.of(f)).collect();
            let of_b: Vec<f64> = b.iter().map(|f| metric.of(f)).collect();
            let paired: Vec<f64> = of_a.iter().zip(&of_b).map(|(x, y)| y - x).collect();
            let (mean_difference, half_width_95) = mean_and_half_width(&paired);
            Difference {
                metric,
                mean_a: mean_and_half_width(&of_a).0,
                mean_b: mean_and_half_width(&of_b).0,
                mean_difference,
                half_width_95,
            }
        })
        .collect()
}

/// A comparison in progress: the runs, advanced in event budgets.
pub struct Comparer {
    seconds: f64,
    seeds: Vec<u64>,
    a: Design,
    b: Design,
    skipped_faults: Vec<String>,
    /// The run being advanced: (seed index, side B?, simulation).
    current: Option<(usize, bool, Simulation)>,
    done_a: Vec<RunFigures>,
    done_b: Vec<RunFigures>,
}

impl Comparer {
    /// Prepares a comparison of `a` and `b` over `seeds`, each run lasting `seconds`.
    pub fn new(
        a: &Design,
        b: &Design,
        seeds: &[u64],
        seconds: f64,
    ) -> Result<Comparer, CompareError> {
        if seeds.is_empty() {
            return Err(CompareError::NoSeeds);
        }
        if !(seconds > 0.0 && seconds.is_finite()) {
            return Err(CompareError::NoTime);
        }
        a.validate().map_err(CompareError::A)?;
        let (b_scripted, skipped_faults) = with_script(a, b);
        b_scripted.validate().map_err(CompareError::B)?;
        Ok(Comparer {
            seconds,
            seeds: seeds.to_vec(),
            a: a.clone(),
            b: b_scripted,
            skipped_faults,
            current: None,
            done_a: Vec::new(),
            done_b: Vec::new(),
        })
    }

    /// The fraction of the runs done, 0..=1.
    pub fn progress(&self) -> f64 {
        let total = (self.seeds.len() * 2) as f64;
        let finished = (self.done_a.len() + self.done_b.len()) as f64;
        let partial = self
            .current
            .as_ref()
            .map_or(0.0, |(_, _, simulation)| simulation.now_s() / self.seconds);
        ((finished + partial) / total).clamp(0.0, 1.0)
    }

    /// Advances by at most `max_events` events; the comparison once every run is done.
    pub fn step(&mut self, max_events: u64) -> Option<Comparison> {
        let end_ns = (self.seconds * 1e9) as u64;
        let mut budget = max_events;
        loop {
            if self.current.is_none() {
                let index = self.done_b.len();
                let side_b = self.done_a.len() > self.done_b.len();
                let Some(&seed) = self.seeds.get(index) else {
                    return Some(Comparison {
                        seconds: self.seconds,
                        seeds: self.seeds.clone(),
                        differences: differences(&self.done_a, &self.done_b),
                        a: std::mem::take(&mut self.done_a),
                        b: std::mem::take(&mut self.done_b),
                        skipped_faults: self.skipped_faults.clone(),
                    });
                };
                let design = if side_b { &self.b } else { &self.a };
                // Both designs were validated in `new`.
                let simulation = Simulation::new(design, seed).ok()?;
                self.current = Some((index, side_b, simulation));
            }
            let (index, side_b, simulation) = self.current.as_mut()?;
            let before = simulation.events_processed();
            let arrived = simulation.advance_with_budget(end_ns, budget);
            budget = budget.saturating_sub(simulation.events_processed() - before);
            if !arrived {
                return None;
            }
            let seed = self.seeds[*index];
            let figures = figures(simulation, seed, *index == 0);
            if *side_b {
                self.done_b.push(figures);
            } else {
                self.done_a.push(figures);
            }
            self.current = None;
            if budget == 0 {
                return None;
            }
        }
    }

    /// Runs the whole comparison.
    pub fn finish(mut self) -> Comparison {
        loop {
            if let Some(comparison) = self.step(u64::MAX) {
                return comparison;
            }
        }
    }
}

/// Compares `a` and `b` over `seeds`, each run lasting `seconds` (all at once: the CLI and tests).
pub fn compare(
    a: &Design,
    b: &Design,
    seeds: &[u64],
    seconds: f64,
) -> Result<Comparison, CompareError> {
    Ok(Comparer::new(a, b, seeds, seconds)?.finish())
}
