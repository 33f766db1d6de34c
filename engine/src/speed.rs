//! Engine speed on two fixed workloads, timed with a clock the caller supplies, so the same
//! measurement runs natively (`arch-sim speed`) and inside a browser (`tests/engine_speed.rs`).
//!
//! The engine has no wall clock of its own (simulated time is all it knows); the caller passes a
//! function returning milliseconds from any fixed origin: `std::time::Instant` natively,
//! `performance.now()` in a browser. `cargo xtask bench-wasm` runs both sides and prints the
//! wasm/native ratio.
//!
//! Workloads:
//! - `distributed_preset_60s`: [`presets::distributed`] with seed 1 for 60 simulated seconds — every
//!   node kind, the figure to read is events per second;
//! - `mm1_2000s`: the M/M/1 validation design (`tests/designs/mm1.json`, λ 80/s, μ 100/s) with seed 1
//!   for 2000 simulated seconds — the figure to read is customers (completed requests) per second.
//!
//! Each workload runs once to warm up (a browser compiles hot wasm functions a second time, optimised,
//! after they have run for a while), then [`RUNS`] times; the fastest run counts. Only
//! [`Simulation::advance`] is timed, not building the simulation.

use crate::{Design, DesignError, Simulation, presets};

/// Timed runs per workload after the warm-up; the fastest one is reported.
pub const RUNS: usize = 5;

/// Every figure line [`SpeedFigure`]'s `Display` writes starts with this word, so a tool can pick the
/// lines out of a test runner's output.
pub const LINE_PREFIX: &str = "engine-speed";

/// The speed of one workload: plain figures, wall time from the injected clock.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeedFigure {
    /// Names the workload, e.g. `mm1_2000s`.
    pub name: &'static str,
    /// Events processed per wall second in the fastest run.
    pub events_per_second: f64,
    /// Completed requests per wall second in the fastest run.
    pub customers_per_second: f64,
    /// Wall time of the fastest run, milliseconds.
    pub wall_ms: f64,
}

/// One line, `engine-speed NAME events_per_second=… customers_per_second=… wall_ms=…`, the format
/// `cargo xtask bench-wasm` reads from both sides.
impl std::fmt::Display for SpeedFigure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{LINE_PREFIX} {} events_per_second={:.0} customers_per_second={:.0} wall_ms={:.3}",
            self.name, self.events_per_second, self.customers_per_second, self.wall_ms
        )
    }
}

/// Runs every workload (a warm-up, then [`RUNS`] timed runs each) and returns one figure per
/// workload. `clock` returns milliseconds; only differences between its readings are used.
pub fn measure(clock: &dyn Fn() -> f64) -> Result<Vec<SpeedFigure>, DesignError> {
    workloads()?
        .iter()
        .map(|workload| measure_workload(workload, clock))
        .collect()
}

/// A design run from the start for a fixed span of simulated time.
struct Workload {
    name: &'static str,
    design: Design,
    seed: u64,
    simulated_seconds: f64,
}

fn workloads() -> Result<Vec<Workload>, DesignError> {
    Ok(vec![
        Workload {
            name: "distributed_preset_60s",
            design: presets::distributed(),
            seed: 1,
            simulated_seconds: 60.0,
        },
        Workload {
            name: "mm1_2000s",
            design: Design::from_json(include_str!("../tests/designs/mm1.json"))?,
            seed: 1,
            simulated_seconds: 2000.0,
        },
    ])
}

fn measure_workload(
    workload: &Workload,
    clock: &dyn Fn() -> f64,
) -> Result<SpeedFigure, DesignError> {
    let mut fastest: Option<SpeedFigure> = None;
    // Run 0 is the warm-up and is not counted.
    for run in 0..=RUNS {
        let mut simulation = Simulation::new(&workload.design, workload.seed)?;
        let started_ms = clock();
        simulation.advance(workload.simulated_seconds);
        let wall_ms = clock() - started_ms;
        if run == 0 {
            continue;
        }
        // A clock coarser than the run (browsers may round `performance.now()`) must not divide by 0.
        let wall_s = (wall_ms / 1000.0).max(1e-9);
        let figure = SpeedFigure {
            name: workload.name,
            events_per_second: simulation.events_processed() as f64 / wall_s,
            customers_per_second: simulation.totals().completed as f64 / wall_s,
            wall_ms,
        };
        if fastest
            .as_ref()
            .is_none_or(|best| figure.wall_ms < best.wall_ms)
        {
            fastest = Some(figure);
        }
    }
    Ok(fastest.expect("RUNS is at least 1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_builds_a_simulation() {
        for workload in workloads().expect("the workload designs are valid") {
            assert!(
                Simulation::new(&workload.design, workload.seed).is_ok(),
                "{}",
                workload.name
            );
        }
    }

    #[test]
    fn a_figure_prints_as_one_line_with_its_prefix() {
        let figure = SpeedFigure {
            name: "mm1_2000s",
            events_per_second: 1_234_567.4,
            customers_per_second: 98_765.6,
            wall_ms: 12.5,
        };
        assert_eq!(
            figure.to_string(),
            "engine-speed mm1_2000s events_per_second=1234567 customers_per_second=98766 wall_ms=12.500"
        );
    }
}
