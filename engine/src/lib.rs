//! The Architecture Explorer traffic model: a deterministic discrete-event simulation of users, load
//! balancers, servers, caches, CDNs, databases and monitoring, with no web dependencies.
//!
//! # Bird's-eye view
//!
//! A [`Design`] (the JSON file users save) is read with [`Design::from_json`], which migrates older
//! versions and validates everything, reporting a [`DesignError`] with the JSON path of the offending
//! value. [`Simulation::new`] builds one model per node and runs an event loop in integer simulated
//! time; the app calls [`Simulation::advance`] every frame and draws [`Simulation::snapshot`]. Live
//! changes go through [`Simulation::apply`] with a [`LiveCommand`].
//!
//! ```text
//!                       ┌─────┐ static   ┌─────────┐
//!   ┌───────┐  30 ms    │     │────────▶ │   CDN   │──miss──┐
//!   │ Users │─────────▶ │     │          └─────────┘        ▼
//!   └───────┘           └─────┘        ┌───────────────┐   ┌──────────────────────┐
//!    rate, pattern,      (users        │ Load balancer │──▶│ Autoscaling group    │
//!    mix, timeout,        pick a       │ health checks │   │ servers: workers,    │
//!    retries              link)        └───────────────┘   │ queue, tiers         │
//!                                                          └──────────┬───────────┘
//!                                        reads ┌───────┐ miss ┌───────▼──────────┐
//!                                     ┌───────▶│ Cache │─────▶│ Database         │
//!                                     │        └───────┘      │ primary+replicas │
//!            ┌────────────┐           │  writes, payments     │ connection pool  │
//!            │ Monitoring │  scrapes  └──────────────────────▶└──────────────────┘
//!            │ alert rules│  every node      (and the auth Service, called by every request)
//!            └────────────┘
//! ```
//!
//! That is [`presets::distributed`]. A request is a tree of calls: each node answers its caller
//! when its own work and its dependencies are done, and a failure carries its
//! [`metrics::FailureCause`] ("queue full at server-2") up to the user.
//!
//! ```
//! use engine::{LiveCommand, Simulation, presets};
//!
//! let mut simulation = Simulation::new(&presets::horizontal_scaling(), 7).expect("a valid preset");
//! simulation.advance(5.0);
//! simulation
//!     .apply(LiveCommand::Kill { node: "server-2".to_owned() })
//!     .expect("server-2 exists");
//! simulation.advance(1.0 / 60.0);
//! let snapshot = simulation.snapshot();
//! assert_eq!(snapshot.nodes.len(), 7); // users, load balancer, three servers, database, monitoring
//! assert!(snapshot.totals.requests > 1_000);
//! ```
//!
//! # Units
//!
//! - Simulated time is a `u64` count of **nanoseconds** inside the engine; the API speaks seconds
//!   (`advance(dt_s)`, `time_s`) and the design file milliseconds (`_ms`) or seconds (`_s`).
//! - Rates are requests per second; ratios (error rate, CPU, hit ratio, loss) are 0..=1; memory is
//!   in mebibytes; money in dollars (cost per hour, revenue).
//!
//! # Invariants
//!
//! **Architecture Invariant:** same design + same seed → the same run, bit for bit, natively and in
//! wasm32: events are ordered by (time, sequence), one PCG generator draws every random number,
//! transcendental functions come from `libm`, and no hash map is iterated. [`Simulation::digest`]
//! folds every processed event into a hash; [`determinism::reference_run`] is compared with the
//! golden file `engine/tests/data/determinism_digest.txt` by a native and a browser test.
//!
//! **Architecture Invariant:** requests are conserved: arrived = completed + failed + in flight
//! (checked by property tests over random designs).
//!
//! # Two resolutions
//!
//! Up to [`simulation::PER_REQUEST_RATE_LIMIT`] requests per second every request is simulated.
//! Above it the simulation is aggregated: each simulated call stands for `weight` requests and every
//! queue draws waits from its M/M/c/K steady state at its measured rate; see
//! [`Simulation::with_resolution`] for what that keeps exact and what it approximates. A run built by
//! [`Simulation::new`] follows the load, switching both ways while it runs
//! ([`simulation::resolution_at`]). The snapshot says which resolution runs ([`Resolution`]) and the
//! users' rate it follows.
//!
//! # Codemap
//!
//! - `design`, `params`, `validate`, `presets`: the file format and its rules ([`link_allowed`]).
//! - `simulation`: the event loop; beside it `simulation/faults.rs`, `commands.rs` (live commands),
//!   `live_edit.rs` (an edited design followed live) and `readout.rs` (snapshots and reports).
//! - `core`: what every node shares (clock, event list, generator, request slab, links, metrics).
//! - `event_queue`, `station`: building blocks, the (time, sequence) event queue and the multi-server
//!   queue every node with workers is made of (servers, service instances, cache threads, databases).
//! - `nodes/*`: one model per node kind, each opening with what it models and what it leaves out;
//!   `nodes/mod.rs` builds a node from its parameters and hands new parameters to its model.
//! - `metrics`, `histogram`, `alerts`: measurements, log-linear latency histogram, alert rules.
//! - `flavours`: the real systems a node can follow (Nginx, HAProxy, AWS ALB…), their documented
//!   defaults with sources, and a load balancer's detection window in words.
//! - `objective`, `challenge`, `challenges`, `pack`: objectives read off a run's trace, grading by
//!   re-simulation on every grading seed, the built-in challenges in story order, and classroom
//!   packs, submissions and rubrics graded without trusting a claim.
//! - `run_event`: what happened, as a type ([`RunEvent`]) on every system and error log line, so
//!   readers match on meaning, never on a line's wording; `error_report`: the exception and stack
//!   frame an error line carries, as an error tracker would receive it.

mod alertmanager;
mod alerts;
pub mod challenge;
pub mod challenges;
pub mod compare;
mod core;
pub mod design;
pub mod determinism;
pub mod error_report;
mod event_queue;
pub mod flavours;
pub mod histogram;
pub mod incident;
pub mod log_shipping;
pub mod metrics;
mod node_kind;
mod nodes;
pub mod objective;
pub mod pack;
pub mod params;
pub mod postmortem;
pub mod presets;
mod random;
pub mod release;
mod replay;
pub mod run_event;
pub mod run_file;
pub mod simulation;
pub mod snapshot;
pub mod speed;
pub mod spof;
pub mod staging;
mod station;
pub mod validate;

pub use alerts::{
    AlertState, AlertStatus, CRASH_LOOP_RULE, Notification, crash_loop_message, crash_loop_rule,
};
pub use design::{Design, Link, Node, Position};
pub use node_kind::NodeKind;
pub use nodes::load_balancer::RouteExplanation;
pub use params::NodeParams;
pub use run_event::RunEvent;
pub use run_file::{Replayer, RunAction, RunEntry, RunError, RunFile, RunProblem};
pub use simulation::{CommandError, LiveCommand, NodeStats, Report, Simulation};
pub use snapshot::{BackendView, Health, RequestTypeFigures, Resolution, Snapshot};
pub use validate::{DesignError, LinkRefusal, Problem, link_allowed};
