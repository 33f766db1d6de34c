//! The simulation: builds node models from a design and runs the event loop. Its other concerns live
//! beside it, one file each: `faults.rs` (the fault schedule as the run meets it), `commands.rs`
//! (live commands), `live_edit.rs` (following an edited design) and `readout.rs` (snapshots, series,
//! cumulative figures and the CLI's report).
//!
//! **Architecture Invariant:** the event loop is the only place simulated time moves, events are
//! processed in (time, sequence) order, and each processed event is folded into the digest.

use serde::Serialize;

use crate::NodeKind;
use crate::core::{CallId, Core, Event, LinkIndex, LinkState, NodeIndex, Timer};
use crate::design::{Design, Fault, Link, ScheduledFault};
use crate::metrics::{CauseKind, LinkMetrics, LogKind, LogLevel, LogLine, SeriesPoint};
use crate::nodes::{NodeState, server, worker_count};
use crate::params::{NodeParams, RequestType};
use crate::random::to_ns;
use crate::run_event::RunEvent;
use crate::snapshot::{
    BackendView, Health, IN_FLIGHT_SAMPLE, InFlight, LinkSnapshot, NodeSnapshot,
    RequestTypeFigures, Resolution, Snapshot, Totals,
};
use crate::validate::DesignError;

/// Above this total users rate (requests per second) a design runs in the aggregated resolution:
/// the largest rate at which a 60-node design keeps real time per request in Chromium (README,
/// Performance).
pub const PER_REQUEST_RATE_LIMIT: f64 = 50_000.0;

/// A run goes back to a smaller weight (or per request) once the users' rate is this share of
/// the limit that weight stands for: the gap keeps a rate hovering at the limit from switching
/// back and forth.
pub const RETURN_SHARE: f64 = 0.8;

/// The users nodes' rates together at the start of a run (requests per second).
pub fn users_start_rate(design: &Design) -> f64 {
    design
        .nodes
        .iter()
        .filter_map(|node| match &node.params {
            NodeParams::Users(users) => Some(crate::nodes::users::Users::rate_at(users, 0.0)),
            _ => None,
        })
        .sum()
}

/// The resolution [`Simulation::new`] starts `design` at: per request up to
/// [`PER_REQUEST_RATE_LIMIT`] at the start, else aggregated with the smallest weight that brings
/// it under. It then follows the load ([`resolution_at`]).
pub fn resolution_for(design: &Design) -> Resolution {
    resolution_at(users_start_rate(design), Resolution::PerRequest)
}

/// The resolution for users sending `rate` requests per second, coming from `current`: up as soon
/// as the rate is above what the current weight keeps under [`PER_REQUEST_RATE_LIMIT`] (to the
/// smallest weight that does), down once it is under [`RETURN_SHARE`] of what a smaller weight
/// keeps under it.
pub fn resolution_at(rate: f64, current: Resolution) -> Resolution {
    let weight = match current {
        Resolution::PerRequest => 1,
        Resolution::Aggregated { weight } => weight.max(1),
    };
    let needed = libm::ceil(rate / PER_REQUEST_RATE_LIMIT).max(1.0) as u64;
    let weight = if needed > weight {
        needed
    } else if weight > 1 && rate <= RETURN_SHARE * (weight - 1) as f64 * PER_REQUEST_RATE_LIMIT {
        (libm::ceil(rate / (RETURN_SHARE * PER_REQUEST_RATE_LIMIT)).max(1.0) as u64).min(weight)
    } else {
        weight
    };
    if weight > 1 {
        Resolution::Aggregated { weight }
    } else {
        Resolution::PerRequest
    }
}

/// One simulated second, nanoseconds.
pub const SECOND_NS: u64 = 1_000_000_000;

/// A change made while the simulation runs, without restarting it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum LiveCommand {
    /// Replace a node's parameters (validated like a design).
    SetParams {
        node: String,
        params: NodeParams,
    },
    Kill {
        node: String,
    },
    Restart {
        node: String,
    },
    /// A load balancer gets one more server (a copy of its first server backend);
    /// an autoscaling group boots one more instance.
    AddServer {
        node: String,
    },
    /// A fault now, healed after `duration_s` if given.
    Inject {
        fault: Fault,
        duration_s: Option<f64>,
    },
    /// Vertical scaling: the next instance tier for a server, service, group or database; refused
    /// at the top tier.
    ScaleUp {
        node: String,
    },
    /// Switch "why this backend?" explanations on or off for a load balancer.
    Explain {
        node: String,
        on: bool,
    },
    /// Commit a release to a pipeline (it goes through the stages, then deploys).
    CommitRelease {
        pipeline: String,
        release: crate::release::Release,
    },
    /// Approve the release waiting at a pipeline's manual approval.
    Approve {
        pipeline: String,
    },
    /// Redeploy the version before the one a pipeline is deploying (or deployed last).
    RollBack {
        pipeline: String,
    },
}

/// One event of the model, processed by [`Simulation::step_event`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepEvent {
    pub time_ns: u64,
    /// What happened, in words ("server-2 finishes its work on request #812").
    pub what: String,
}

/// Why a live command was refused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum CommandError {
    UnknownNode(String),
    /// The command does not apply to this kind of node.
    WrongKind {
        node: String,
        kind: NodeKind,
    },
    Invalid(DesignError),
    /// E.g. an autoscaling group already at its maximum.
    AtLimit(String),
    /// A live edit the running model cannot follow (a node changed kind): start the run again.
    NeedsRestart(String),
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::UnknownNode(id) => write!(f, "there is no node with id \"{id}\""),
            CommandError::WrongKind { node, kind } => {
                write!(
                    f,
                    "\"{node}\" is a {}, which does not take this command",
                    kind.label()
                )
            }
            CommandError::Invalid(error) => write!(f, "{error}"),
            CommandError::AtLimit(message) | CommandError::NeedsRestart(message) => {
                write!(f, "{message}")
            }
        }
    }
}

/// Where a fault of the run is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FaultPhase {
    Waiting,
    Active,
    Over,
    /// Taken out of the schedule by a live edit before it started (or healed early).
    Cancelled,
}

mod commands;
mod faults;
mod live_edit;
mod readout;

pub use live_edit::same_model;
pub use readout::{NodeStats, Report};

#[derive(Clone)]
pub struct Simulation {
    pub(crate) core: Core,
    pub(crate) nodes: Vec<NodeState>,
    design: Design,
    /// Every fault of the run: the design's, then those injected live; `fault_phases` in step.
    faults: Vec<ScheduledFault>,
    fault_phases: Vec<FaultPhase>,
    /// Which entries of `faults` the design's schedule is, in its order (live edits change it).
    scheduled_faults: Vec<usize>,
    digest: u64,
    events_processed: u64,
    log_cursor: u64,
    notification_cursors: Vec<usize>,
    resolution: Resolution,
    /// Whether the resolution follows the load (built by [`Simulation::new`]) or stays as chosen.
    adaptive: bool,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over 64-bit words (rather than bytes: four multiplications per event instead of 32).
fn fnv(hash: u64, value: u64) -> u64 {
    (hash ^ value).wrapping_mul(FNV_PRIME)
}

impl Simulation {
    /// Builds a simulation of a valid design; `seed` drives every random draw. The resolution
    /// follows the load: per request while the users send up to [`PER_REQUEST_RATE_LIMIT`],
    /// aggregated above with the smallest weight that brings it under, switching at each simulated
    /// second and after every live command or fault ([`resolution_at`]; calls in flight keep
    /// theirs, see `Station::follow_weight`).
    pub fn new(design: &Design, seed: u64) -> Result<Simulation, DesignError> {
        let mut simulation = Simulation::with_resolution(design, seed, resolution_for(design))?;
        simulation.adaptive = true;
        Ok(simulation)
    }

    /// Builds a simulation that keeps a chosen resolution (tests compare both on the same design).
    ///
    /// The aggregated resolution draws each wait from the M/M/c/K steady state at the measured
    /// rate, debiased for the estimate's noise to second order (+0.07 % ± 0.39 % from Erlang C at
    /// ρ 0.85 for Poisson arrivals and exponential service: see the engine README), approximate
    /// otherwise (Allen–Cunneen for other service distributions, a fluid backlog under overload,
    /// waits that follow rate changes with a lag of about one averaging window, least-connections
    /// counts in weighted calls, LRU caches that see one lookup in `weight`).
    pub fn with_resolution(
        design: &Design,
        seed: u64,
        resolution: Resolution,
    ) -> Result<Simulation, DesignError> {
        design.validate()?;
        Ok(Simulation::build(design, seed, resolution))
    }

    /// Builds the model of `design` without validating it. The model must stay correct on settings
    /// validation refuses (it never relies on validation for correctness), and tests check it here.
    pub(crate) fn build(design: &Design, seed: u64, resolution: Resolution) -> Simulation {
        let mut core = Core::new(seed);
        for node in &design.nodes {
            core.add_node(&node.id, &node.zone, node.kind());
        }
        for link in &design.links {
            Simulation::push_link(&mut core, link);
        }
        let worker_counts: Vec<u32> = design
            .nodes
            .iter()
            .map(|node| worker_count(&node.params))
            .collect();
        let mut nodes = Vec::with_capacity(design.nodes.len());
        for (index, node) in design.nodes.iter().enumerate() {
            let index = NodeIndex(index as u32);
            nodes.push(NodeState::build(
                &mut core,
                index,
                node,
                design,
                &worker_counts,
            ));
        }
        core.schedule(SECOND_NS, Event::Tick);
        let faults = design.faults.clone();
        for (index, fault) in faults.iter().enumerate() {
            core.schedule(
                to_ns(fault.at_s * 1e9),
                Event::FaultStart {
                    index: index as u32,
                },
            );
        }
        if let Resolution::Aggregated { weight } = resolution {
            for node in &mut nodes {
                node.set_weight(&mut core, weight.max(1));
            }
        }
        let monitoring_count = nodes.len();
        Simulation {
            core,
            nodes,
            design: design.clone(),
            fault_phases: vec![FaultPhase::Waiting; faults.len()],
            scheduled_faults: (0..faults.len()).collect(),
            faults,
            digest: FNV_OFFSET,
            events_processed: 0,
            log_cursor: 0,
            notification_cursors: vec![0; monitoring_count],
            resolution,
            adaptive: false,
        }
    }

    /// The users nodes' rate over the coming second (the higher of now and a second from now, so
    /// a step or a ramp is met before it arrives), live spike factors included, requests per second.
    pub fn users_rate(&self) -> f64 {
        let now_s = self.core.now as f64 / 1e9;
        self.nodes
            .iter()
            .filter_map(|node| match node {
                NodeState::Users(users) if users.up => {
                    let rate_at = |t| crate::nodes::users::Users::rate_at(&users.params, t);
                    Some(rate_at(now_s).max(rate_at(now_s + 1.0)) * users.spike)
                }
                _ => None,
            })
            .sum()
    }

    /// Switches the resolution if the users' rate calls for another one ([`resolution_at`]); a
    /// simulation built with a chosen resolution keeps it.
    fn follow_load(&mut self) {
        if !self.adaptive {
            return;
        }
        let rate = self.users_rate();
        let target = resolution_at(rate, self.resolution);
        if target == self.resolution {
            return;
        }
        let weight = match target {
            Resolution::PerRequest => 1,
            Resolution::Aggregated { weight } => weight,
        };
        for node in &mut self.nodes {
            node.set_weight(&mut self.core, weight);
        }
        self.resolution = target;
        let users = self
            .nodes
            .iter()
            .position(|node| matches!(node, NodeState::Users(_)))
            .unwrap_or(0);
        let message = match target {
            Resolution::PerRequest => format!(
                "resolution: per request again (users send {rate:.0} req/s, at most {:.0} % of the {:.0} req/s limit)",
                RETURN_SHARE * 100.0,
                PER_REQUEST_RATE_LIMIT
            ),
            Resolution::Aggregated { weight } => format!(
                "resolution: aggregated, 1 simulated request stands for {weight} (users send {rate:.0} req/s, over the {:.0} req/s a run keeps per request)",
                PER_REQUEST_RATE_LIMIT
            ),
        };
        self.core.log_line(
            LogLevel::Info,
            LogKind::System,
            NodeIndex(users as u32),
            message,
            None,
        );
    }

    /// Adds a link between two nodes of the model (looked up by id, never a removed node).
    fn push_link(core: &mut Core, link: &Link) -> Option<LinkIndex> {
        let (Some(from), Some(to)) = (core.find(&link.from), core.find(&link.to)) else {
            return None;
        };
        let index = LinkIndex(core.links.len() as u32);
        core.links.push(LinkState {
            from: NodeIndex(from as u32),
            to: NodeIndex(to as u32),
            latency_ns: to_ns(link.latency_ms * 1e6),
            added_latency_ns: 0,
            loss: link.loss,
            added_loss: 0.0,
            removed: false,
        });
        core.link_metrics.push(LinkMetrics::default());
        core.outgoing[from].push(index);
        Some(index)
    }

    /// Simulated time, nanoseconds.
    pub fn now_ns(&self) -> u64 {
        self.core.now
    }

    /// Simulated time, seconds.
    pub fn now_s(&self) -> f64 {
        self.core.now as f64 / 1e9
    }

    /// Runs `dt_s` simulated seconds.
    pub fn advance(&mut self, dt_s: f64) {
        let target = self.core.now.saturating_add(to_ns(dt_s * 1e9));
        self.advance_until(target);
    }

    /// Runs until simulated time `time_ns` (nanoseconds), processing every event up to it.
    pub fn advance_until(&mut self, time_ns: u64) {
        while let Some(scheduled) = self.core.queue.pop_due(time_ns) {
            self.core.now = scheduled.time;
            self.process(scheduled.event);
        }
        self.core.now = self.core.now.max(time_ns);
    }

    /// Runs at most `max_events` events and never past `time_ns`; returns whether it got there.
    /// The app uses this to keep a frame within budget.
    pub fn advance_with_budget(&mut self, time_ns: u64, max_events: u64) -> bool {
        for _ in 0..max_events {
            let Some(scheduled) = self.core.queue.pop_due(time_ns) else {
                self.core.now = self.core.now.max(time_ns);
                return true;
            };
            self.core.now = scheduled.time;
            self.process(scheduled.event);
        }
        false
    }

    /// Processes exactly one event — the next one scheduled, whenever it is — and says what it was
    /// (the "next event" control, for looking at the model one step at a time); `None` when nothing
    /// is scheduled.
    pub fn step_event(&mut self) -> Option<StepEvent> {
        let scheduled = self.core.queue.pop_due(u64::MAX)?;
        self.core.now = scheduled.time;
        let what = self.describe(&scheduled.event);
        self.process(scheduled.event);
        Some(StepEvent {
            time_ns: self.core.now,
            what,
        })
    }

    /// An event in words.
    fn describe(&self, event: &Event) -> String {
        let name = |node: NodeIndex| self.core.ids[node.get()].clone();
        let at_call = |call: CallId| {
            self.core
                .calls
                .get(call)
                .map(|c| (c.node, c.request, c.caller))
        };
        match *event {
            Event::Arrival { node, .. } => format!("{} sends a new request", name(node)),
            Event::CallArrive { call } => match at_call(call) {
                Some((node, request, _)) => format!("request #{request} reaches {}", name(node)),
                None => "a request arrives".to_owned(),
            },
            Event::ServiceDone { call } => match at_call(call) {
                Some((node, request, _)) => {
                    format!("{} finishes its work on request #{request}", name(node))
                }
                None => "a worker finishes".to_owned(),
            },
            Event::Response { call } => match at_call(call) {
                Some((node, request, Some(caller))) => {
                    let back_to = self
                        .core
                        .calls
                        .get(caller)
                        .map_or_else(String::new, |c| name(c.node));
                    format!(
                        "{}'s reply to request #{request} reaches {back_to}",
                        name(node)
                    )
                }
                Some((node, request, None)) => {
                    format!("request #{request} is answered at {}", name(node))
                }
                None => "a reply arrives".to_owned(),
            },
            Event::Timer { node, timer } => {
                let what = match timer {
                    Timer::ClientTimeout => "a client timeout is due",
                    Timer::Retry { .. } => "a client retries",
                    Timer::Delay { .. } => "a fixed delay ends",
                    Timer::ProbeSend { .. } => "sends a health probe",
                    Timer::ProbeReply { .. } => "hears a health probe's reply",
                    Timer::ProbeTimeout { .. } => "gives up waiting for a probe's reply",
                    Timer::PoolTimeout { .. } => "a wait for a connection times out",
                    Timer::Ready { .. } => "an instance becomes ready",
                    Timer::Restart { .. } => "an instance restarts",
                    Timer::Takeover => "the standby takes over",
                    Timer::Promotion => "a replica is promoted",
                    Timer::Evaluate => "checks its scaling rule",
                    Timer::Scrape => {
                        "scrapes metrics (and evaluates alert rules, without an evaluation interval)"
                    }
                    Timer::EvaluateRules => "evaluates alert rules",
                    Timer::Notify => "sends the alert notifications due",
                    Timer::Deregistered { .. } => "a removed backend's deregistration delay ends",
                    Timer::Stage { .. } => "a pipeline stage ends",
                    Timer::Deploy { .. } => "a deploy reaches its target",
                    Timer::DeployReport { .. } => "a target reports how its deploy ended",
                    Timer::CanaryCheck { .. } => "a canary analysis check is due",
                    Timer::SwitchWindow { .. } => "the blue fleet's keep window ends",
                    Timer::ProgressDeadline { .. } => "a rollout's progress deadline is due",
                    Timer::Leak { .. } => "a leaking instance runs out of memory",
                    Timer::Commit { .. } => "a scheduled release is committed",
                };
                format!("{}: {what}", name(node))
            }
            Event::ProbeArrive {
                node,
                load_balancer,
                ..
            } => {
                format!(
                    "a health probe from {} reaches {}",
                    name(load_balancer),
                    name(node)
                )
            }
            Event::Tick => "the one-second metrics window closes".to_owned(),
            Event::FaultStart { .. } => "a scheduled fault starts".to_owned(),
            Event::FaultEnd { .. } => "a fault is healed".to_owned(),
        }
    }

    /// A fixed hash of every event processed so far: (time, kind, node, request id), FNV-1a.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    fn call_node(&self, call: CallId) -> (u64, u64) {
        self.core
            .calls
            .get(call)
            .map_or((u64::MAX, u64::MAX), |c| (u64::from(c.node.0), c.request))
    }

    /// A removed node's own sources (user arrivals, health probes, autoscaling checks, scrapes) stop;
    /// everything else it holds runs on, so its calls drain.
    fn stopped_source(&self, event: &Event) -> bool {
        let owner = match event {
            Event::Arrival { node, .. }
            | Event::Timer {
                node,
                timer:
                    Timer::ProbeSend { .. }
                    | Timer::Evaluate
                    | Timer::Scrape
                    | Timer::EvaluateRules
                    | Timer::Notify,
            } => *node,
            _ => return false,
        };
        self.core.removed.get(owner.get()).copied().unwrap_or(false)
    }

    fn process(&mut self, event: Event) {
        let (node, request) = match event {
            Event::Arrival { node, .. } => (u64::from(node.0), u64::MAX),
            Event::CallArrive { call } | Event::ServiceDone { call } | Event::Response { call } => {
                self.call_node(call)
            }
            Event::Timer { node, .. } | Event::ProbeArrive { node, .. } => {
                (u64::from(node.0), u64::MAX)
            }
            Event::Tick => (u64::MAX, u64::MAX),
            Event::FaultStart { index } | Event::FaultEnd { index } => (u64::from(index), u64::MAX),
        };
        let mut digest = fnv(self.digest, self.core.now);
        digest = fnv(digest, event.code());
        digest = fnv(digest, node);
        self.digest = fnv(digest, request);
        self.events_processed += 1;
        if self.stopped_source(&event) {
            return;
        }
        let core = &mut self.core;
        match event {
            Event::Arrival { node, generation } => {
                if let Some(NodeState::Users(users)) = self.nodes.get_mut(node.get()) {
                    users.arrival(core, generation);
                }
            }
            Event::CallArrive { call } => {
                if let Some(target) = core.calls.get(call).map(|c| c.node) {
                    self.nodes[target.get()].arrive(core, call);
                }
            }
            Event::ServiceDone { call } => {
                if let Some(target) = core.calls.get(call).map(|c| c.node) {
                    self.nodes[target.get()].service_done(core, call);
                }
            }
            Event::Response { call } => {
                let Some((caller, failure)) = core.calls.get(call).map(|c| (c.caller, c.failure))
                else {
                    return;
                };
                core.calls.remove(call);
                if let Some(parent) = caller
                    && let Some(target) = core.calls.get(parent).map(|c| c.node)
                {
                    self.nodes[target.get()].response(core, parent, failure);
                }
            }
            Event::Timer { node, timer } => {
                if let Some(state) = self.nodes.get_mut(node.get()) {
                    state.timer(core, timer);
                }
            }
            Event::ProbeArrive {
                node,
                load_balancer,
                slot,
                sequence,
            } => {
                let up = self.nodes[node.get()].is_up();
                if up && !core.partitioned(node, load_balancer) {
                    let delay = match &self.nodes[load_balancer.get()] {
                        NodeState::LoadBalancer(lb) => lb
                            .backends
                            .get(slot as usize)
                            .map_or(0, |b| core.links[b.link.get()].delay()),
                        _ => 0,
                    };
                    core.timer(delay, load_balancer, Timer::ProbeReply { slot, sequence });
                }
            }
            Event::Tick => {
                self.tick();
                self.follow_load();
            }
            Event::FaultStart { index } => {
                self.start_fault(index as usize);
                self.follow_load();
            }
            Event::FaultEnd { index } => {
                self.end_fault(index as usize);
                self.follow_load();
            }
        }
    }

    /// Closes the one-second windows into the series.
    fn tick(&mut self) {
        let now = self.core.now;
        // One access line per response of every node that serves (users and monitoring log none).
        let mut log_lines = 0;
        for (index, node) in self.nodes.iter_mut().enumerate() {
            let gauges = node.gauges(now);
            let metrics = &mut self.core.metrics[index];
            let window = &metrics.window_latency;
            let [p50, p95, p99] = window.quantiles([0.5, 0.95, 0.99]);
            let responses = metrics.window_completed + metrics.window_failed;
            if !matches!(node, NodeState::Users(_) | NodeState::Monitoring(_)) {
                log_lines += responses;
            }
            let lookups = metrics.window_hits + metrics.window_misses;
            let payment = &metrics.by_type[RequestType::Payment.index()];
            let payments = payment.window_completed + payment.window_failed;
            let point = SeriesPoint {
                payments: payments as f64,
                payment_error_rate: if payments > 0 {
                    payment.window_failed as f64 / payments as f64
                } else {
                    0.0
                },
                time_s: now as f64 / 1e9,
                throughput: responses as f64,
                error_rate: if responses > 0 {
                    metrics.window_failed as f64 / responses as f64
                } else {
                    0.0
                },
                p50_ms: p50 / 1e6,
                p95_ms: p95 / 1e6,
                p99_ms: p99 / 1e6,
                mean_ms: window.mean() / 1e6,
                cpu: gauges.cpu,
                queue: gauges.queue,
                wait_ms: gauges.waits.mean_ms(),
                wait_probability: gauges.waits.probability(),
                memory_mb: gauges.memory_mb,
                connections: gauges.connections,
                hit_ratio: if lookups > 0 {
                    metrics.window_hits as f64 / lookups as f64
                } else {
                    0.0
                },
            };
            metrics.series.push(point);
            metrics.window_latency.clear();
            metrics.window_completed = 0;
            metrics.window_failed = 0;
            for counts in &mut metrics.by_type {
                counts.last_completed = std::mem::take(&mut counts.window_completed);
                counts.last_failed = std::mem::take(&mut counts.window_failed);
            }
            metrics.window_hits = 0;
            metrics.window_misses = 0;
        }
        for link in &mut self.core.link_metrics {
            link.last_second_sent = link.window_sent;
            link.window_sent = 0;
        }
        self.ship_logs(log_lines);
        self.core.logs.new_second();
        self.core.schedule(SECOND_NS, Event::Tick);
    }

    /// A second of log lines reaches the monitoring node's shipper, which buffers them while the
    /// log store is down (see `log_shipping`).
    fn ship_logs(&mut self, lines: u64) {
        let now_s = self.core.now as f64 / 1e9;
        for (index, node) in self.nodes.iter_mut().enumerate() {
            if let NodeState::Monitoring(monitoring) = node {
                let (shipper, limit_mb) = (
                    monitoring.params().log_shipper,
                    monitoring.params().buffer_limit_mb,
                );
                if monitoring
                    .log_buffer
                    .second(now_s, lines, shipper, limit_mb)
                {
                    self.core.log(
                        LogLevel::Error,
                        NodeIndex(index as u32),
                        RunEvent::LogBufferFull { limit_mb },
                        format!(
                            "{} buffer full ({limit_mb} MB) while the log store is down: new lines are lost (BufferOverflowError)",
                            shipper.label()
                        ),
                    );
                }
            }
        }
    }

    /// The log store's outages so far (the first monitoring node's), for the logs view.
    pub fn log_outages(&self) -> Vec<crate::log_shipping::LogOutage> {
        self.nodes
            .iter()
            .find_map(|node| match node {
                NodeState::Monitoring(monitoring) => Some(monitoring.log_buffer.outages.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    fn index_of(&self, id: &str) -> Option<NodeIndex> {
        self.core.find(id).map(|i| NodeIndex(i as u32))
    }
}
