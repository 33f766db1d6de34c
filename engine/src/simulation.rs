//! The simulation: builds node models from a design, runs the event loop, applies live commands and
//! faults, and produces snapshots and reports.
//!
//! **Architecture Invariant:** the event loop is the only place simulated time moves, events are
//! processed in (time, sequence) order, and each processed event is folded into the digest.

use serde::Serialize;

use crate::NodeKind;
use crate::core::{CallId, Core, Event, LinkIndex, LinkState, NodeIndex, Timer};
use crate::design::{Design, Fault, Link, Node, ScheduledFault};
use crate::metrics::{CauseKind, LinkMetrics, LogKind, LogLevel, LogLine, SeriesPoint};
use crate::nodes::NodeState;
use crate::nodes::autoscaling_group::AutoscalingGroup;
use crate::nodes::cache::Cache;
use crate::nodes::cdn::Cdn;
use crate::nodes::database::Database;
use crate::nodes::load_balancer::LoadBalancer;
use crate::nodes::monitoring::Monitoring;
use crate::nodes::server::Server;
use crate::nodes::users::Users;
use crate::nodes::{server, service};
use crate::params::{NodeParams, RequestType};
use crate::random::to_ns;
use crate::run_event::RunEvent;
use crate::snapshot::{
    BackendView, Health, IN_FLIGHT_SAMPLE, InFlight, LinkSnapshot, NodeSnapshot,
    RequestTypeFigures, Resolution, Snapshot, Totals,
};
use crate::validate::DesignError;

/// Above this total users rate (requests per second) a design runs in the aggregated resolution.
pub const PER_REQUEST_RATE_LIMIT: f64 = 50_000.0;

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

mod live_edit;

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
}

/// How many workers a node brings (weights of weighted round robin).
fn worker_count(params: &NodeParams) -> u32 {
    match params {
        NodeParams::Server(p) | NodeParams::Service(p) => p.worker_count(),
        NodeParams::AutoscalingGroup(p) => p.server.worker_count() * p.initial_instances.max(1),
        _ => 1,
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over 64-bit words (rather than bytes: four multiplications per event instead of 32).
fn fnv(hash: u64, value: u64) -> u64 {
    (hash ^ value).wrapping_mul(FNV_PRIME)
}

impl Simulation {
    /// Builds a simulation of a valid design; `seed` drives every random draw. The resolution is
    /// per request unless the users' peak rate exceeds [`PER_REQUEST_RATE_LIMIT`], in which case it is
    /// aggregated with the smallest weight that brings it under.
    pub fn new(design: &Design, seed: u64) -> Result<Simulation, DesignError> {
        let peak: f64 = design
            .nodes
            .iter()
            .filter_map(|node| match &node.params {
                NodeParams::Users(users) => Some(crate::nodes::users::Users::peak_rate(users)),
                _ => None,
            })
            .sum();
        let resolution = if peak > PER_REQUEST_RATE_LIMIT {
            Resolution::Aggregated {
                weight: libm::ceil(peak / PER_REQUEST_RATE_LIMIT) as u64,
            }
        } else {
            Resolution::PerRequest
        };
        Simulation::with_resolution(design, seed, resolution)
    }

    /// Builds a simulation with a chosen resolution (tests compare both on the same design).
    ///
    /// The aggregated resolution is exact in distribution for stations with Poisson arrivals and
    /// exponential service (M/M/c/K steady state at the measured rate), approximate otherwise
    /// (Allen–Cunneen for other service distributions, a fluid backlog under overload, waits that
    /// follow rate changes with a one-second lag, load-balancer connection counts in weighted calls,
    /// LRU caches that see one lookup in `weight`).
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
            nodes.push(Simulation::build_node(
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
                node.aggregate(&mut core, weight.max(1));
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
        }
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

    fn build_node(
        core: &mut Core,
        index: NodeIndex,
        node: &Node,
        design: &Design,
        worker_counts: &[u32],
    ) -> NodeState {
        match &node.params {
            NodeParams::Users(p) => NodeState::Users(Users::new(core, index, p)),
            NodeParams::LoadBalancer(p) => {
                NodeState::LoadBalancer(LoadBalancer::new(core, index, p, worker_counts))
            }
            NodeParams::Server(p) => NodeState::Server(Server::new(core, index, p, false)),
            NodeParams::Service(p) => NodeState::Server(service::new(core, index, p)),
            NodeParams::AutoscalingGroup(p) => {
                NodeState::AutoscalingGroup(AutoscalingGroup::new(core, index, p))
            }
            NodeParams::Cache(p) => NodeState::Cache(Cache::new(core, index, p)),
            NodeParams::Cdn(p) => NodeState::Cdn(Cdn::new(index, p)),
            NodeParams::Database(p) => NodeState::Database(Database::new(index, p)),
            NodeParams::Monitoring(p) => {
                NodeState::Monitoring(Monitoring::new(core, index, p, &design.alert_rules))
            }
        }
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
                timer: Timer::ProbeSend { .. } | Timer::Evaluate | Timer::Scrape,
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
            Event::Tick => self.tick(),
            Event::FaultStart { index } => self.start_fault(index as usize),
            Event::FaultEnd { index } => self.end_fault(index as usize),
        }
    }

    /// Closes the one-second windows into the series.
    fn tick(&mut self) {
        let now = self.core.now;
        for (index, node) in self.nodes.iter_mut().enumerate() {
            let gauges = node.gauges(now);
            let metrics = &mut self.core.metrics[index];
            let window = &metrics.window_latency;
            let [p50, p95, p99] = window.quantiles([0.5, 0.95, 0.99]);
            let responses = metrics.window_completed + metrics.window_failed;
            let lookups = metrics.window_hits + metrics.window_misses;
            let point = SeriesPoint {
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
        self.core.logs.new_second();
        self.core.schedule(SECOND_NS, Event::Tick);
    }

    fn index_of(&self, id: &str) -> Option<NodeIndex> {
        self.core.find(id).map(|i| NodeIndex(i as u32))
    }

    fn start_fault(&mut self, index: usize) {
        let Some(scheduled) = self.move_fault(index, FaultPhase::Waiting, FaultPhase::Active)
        else {
            return;
        };
        let message = format!("fault injected: {}", scheduled.fault);
        let event = RunEvent::FaultInjected {
            fault: scheduled.fault.clone(),
        };
        self.log_event(LogLevel::Warn, event, message);
        self.set_fault(&scheduled.fault, true);
        if let Some(duration) = scheduled.duration_s {
            self.core.schedule(
                to_ns(duration * 1e9),
                Event::FaultEnd {
                    index: index as u32,
                },
            );
        }
    }

    fn end_fault(&mut self, index: usize) {
        let Some(scheduled) = self.move_fault(index, FaultPhase::Active, FaultPhase::Over) else {
            return;
        };
        let message = format!("fault healed: {}", scheduled.fault);
        let event = RunEvent::FaultHealed {
            fault: scheduled.fault.clone(),
        };
        self.log_event(LogLevel::Info, event, message);
        self.set_fault(&scheduled.fault, false);
    }

    /// The fault, if it was in phase `from`; it is now in phase `to`.
    fn move_fault(
        &mut self,
        index: usize,
        from: FaultPhase,
        to: FaultPhase,
    ) -> Option<ScheduledFault> {
        let phase = self.fault_phases.get_mut(index)?;
        if *phase != from {
            return None;
        }
        *phase = to;
        self.faults.get(index).cloned()
    }

    /// A system event of the whole run (faults, live edits), not of one node.
    fn log_event(&mut self, level: LogLevel, event: RunEvent, message: String) {
        let now = self.core.now;
        let event = Some(event);
        self.core
            .logs
            .push(now, level, LogKind::System, "", message, event);
    }

    fn set_fault(&mut self, fault: &Fault, on: bool) {
        let core = &mut self.core;
        let find = |core: &Core, id: &str| core.find(id);
        match fault {
            Fault::Kill { node } => {
                if let Some(index) = find(core, node) {
                    if on {
                        self.nodes[index].kill(core);
                    } else {
                        self.nodes[index].restart(core);
                    }
                }
            }
            Fault::Restart { node } => {
                if on && let Some(index) = find(core, node) {
                    self.nodes[index].restart(core);
                }
            }
            Fault::SlowDown { node, factor } => {
                if let Some(index) = find(core, node) {
                    self.nodes[index].set_slow(if on { *factor } else { 1.0 });
                }
            }
            Fault::Partition { a, b } => {
                if let (Some(a), Some(b)) = (find(core, a), find(core, b)) {
                    let pair = (NodeIndex(a as u32), NodeIndex(b as u32));
                    if on {
                        core.partitions.push(pair);
                    } else if let Some(position) = core.partitions.iter().position(|p| *p == pair) {
                        core.partitions.remove(position);
                    }
                }
            }
            Fault::LinkDegradation {
                from,
                to,
                added_latency_ms,
                loss,
            } => {
                if let (Some(from), Some(to)) = (find(core, from), find(core, to)) {
                    for link in &mut core.links {
                        if link.from.get() == from && link.to.get() == to {
                            link.added_latency_ns =
                                if on { to_ns(added_latency_ms * 1e6) } else { 0 };
                            link.added_loss = if on { *loss } else { 0.0 };
                        }
                    }
                }
            }
            Fault::ZoneOutage { zone } => {
                // Users are outside the data centre: a zone outage never takes them down.
                for index in 0..self.nodes.len() {
                    if core.zones[index] == *zone && core.kinds[index] != NodeKind::Users {
                        if on {
                            self.nodes[index].kill(core);
                        } else {
                            self.nodes[index].restart(core);
                        }
                    }
                }
            }
            Fault::DatabasePrimaryCrash { node } => {
                if let Some(index) = find(core, node)
                    && let NodeState::Database(database) = &mut self.nodes[index]
                {
                    if on {
                        database.crash_primary(core);
                    } else {
                        database.restart(core);
                    }
                }
            }
            Fault::CacheFlush { node } => {
                if on
                    && let Some(index) = find(core, node)
                    && let NodeState::Cache(cache) = &mut self.nodes[index]
                {
                    cache.flush(core);
                }
            }
            Fault::TrafficSpike { node, factor } => {
                for index in 0..self.nodes.len() {
                    if node.as_ref().is_some_and(|id| core.ids[index] != *id) {
                        continue;
                    }
                    if let NodeState::Users(users) = &mut self.nodes[index] {
                        users.spike = if on { *factor } else { 1.0 };
                        users.rearm(core);
                    }
                }
            }
        }
    }

    /// Applies a live command.
    pub fn apply(&mut self, command: LiveCommand) -> Result<(), CommandError> {
        match command {
            LiveCommand::Kill { node } => {
                let index = self.require(&node)?;
                self.nodes[index.get()].kill(&mut self.core);
            }
            LiveCommand::Restart { node } => {
                let index = self.require(&node)?;
                self.nodes[index.get()].restart(&mut self.core);
            }
            LiveCommand::Inject { fault, duration_s } => {
                let mut check = self.design.clone();
                check.faults = vec![ScheduledFault {
                    at_s: 0.0,
                    duration_s,
                    fault: fault.clone(),
                }];
                if let Some(error) = check
                    .problems()
                    .into_iter()
                    .find(|e| e.path.starts_with("faults"))
                {
                    return Err(CommandError::Invalid(error));
                }
                self.faults.push(ScheduledFault {
                    at_s: self.now_s(),
                    duration_s,
                    fault,
                });
                self.fault_phases.push(FaultPhase::Waiting);
                let index = (self.faults.len() - 1) as u32;
                self.core.schedule(0, Event::FaultStart { index });
            }
            LiveCommand::Explain { node, on } => {
                let index = self.require(&node)?;
                match &mut self.nodes[index.get()] {
                    NodeState::LoadBalancer(lb) => {
                        lb.explain = on;
                        if !on {
                            lb.last_explanation = None;
                        }
                    }
                    _ => return Err(self.wrong_kind(index)),
                }
            }
            LiveCommand::SetParams { node, params } => self.set_params(&node, params)?,
            LiveCommand::ScaleUp { node } => {
                let index = self.require(&node)?;
                let mut params = self
                    .design
                    .node(&node)
                    .ok_or_else(|| CommandError::UnknownNode(node.clone()))?
                    .params
                    .clone();
                let tier = match &mut params {
                    NodeParams::Server(p) | NodeParams::Service(p) => &mut p.tier,
                    NodeParams::AutoscalingGroup(p) => &mut p.server.tier,
                    NodeParams::Database(p) => &mut p.tier,
                    _ => return Err(self.wrong_kind(index)),
                };
                *tier = tier.bigger().ok_or_else(|| {
                    CommandError::AtLimit(format!("\"{node}\" is already on the largest tier"))
                })?;
                self.set_params(&node, params)?;
            }
            LiveCommand::AddServer { node } => self.add_server(&node)?,
        }
        Ok(())
    }

    fn require(&self, id: &str) -> Result<NodeIndex, CommandError> {
        self.index_of(id)
            .ok_or_else(|| CommandError::UnknownNode(id.to_owned()))
    }

    fn wrong_kind(&self, index: NodeIndex) -> CommandError {
        CommandError::WrongKind {
            node: self.core.ids[index.get()].clone(),
            kind: self.core.kinds[index.get()],
        }
    }

    fn set_params(&mut self, id: &str, params: NodeParams) -> Result<(), CommandError> {
        let index = self.require(id)?;
        if params.kind() != self.core.kinds[index.get()] {
            return Err(self.wrong_kind(index));
        }
        let mut check = self.design.clone();
        let position = check
            .nodes
            .iter()
            .position(|node| node.id == id)
            .ok_or_else(|| CommandError::UnknownNode(id.to_owned()))?;
        check.nodes[position].params = params.clone();
        let prefix = format!("nodes[{position}]");
        if let Some(error) = check
            .problems()
            .into_iter()
            .find(|e| e.path.starts_with(&prefix))
        {
            return Err(CommandError::Invalid(error));
        }
        self.design = check;
        let core = &mut self.core;
        match (&mut self.nodes[index.get()], params) {
            (NodeState::Users(users), NodeParams::Users(p)) => {
                users.params = p;
                users.rearm(core);
            }
            (NodeState::LoadBalancer(lb), NodeParams::LoadBalancer(p)) => lb.set_params(core, p),
            (NodeState::Server(server), NodeParams::Server(p) | NodeParams::Service(p)) => {
                server.set_params(&p);
            }
            (NodeState::AutoscalingGroup(group), NodeParams::AutoscalingGroup(p)) => {
                group.set_params(core, p);
            }
            (NodeState::Cache(cache), NodeParams::Cache(p)) => cache.set_params(core, p),
            (NodeState::Cdn(cdn), NodeParams::Cdn(p)) => cdn.params = p,
            (NodeState::Database(database), NodeParams::Database(p)) => database.set_params(p),
            (NodeState::Monitoring(monitoring), NodeParams::Monitoring(p)) => monitoring.params = p,
            _ => {}
        }
        Ok(())
    }

    fn add_server(&mut self, id: &str) -> Result<(), CommandError> {
        let index = self.require(id)?;
        let core = &mut self.core;
        match &mut self.nodes[index.get()] {
            NodeState::AutoscalingGroup(group) => {
                if group.add_instance(core) {
                    Ok(())
                } else {
                    Err(CommandError::AtLimit(format!(
                        "\"{id}\" is already at its maximum of instances"
                    )))
                }
            }
            NodeState::LoadBalancer(lb) => {
                let template = lb
                    .current_backends()
                    .find(|b| core.kinds[b.node.get()] == NodeKind::Server);
                let Some(template) = template else {
                    return Err(CommandError::AtLimit(format!(
                        "\"{id}\" has no server backend to copy"
                    )));
                };
                let (template_node, template_link) = (template.node, template.link);
                let Some(base) = self.design.node(&core.ids[template_node.get()]).cloned() else {
                    return Err(CommandError::UnknownNode(
                        core.ids[template_node.get()].clone(),
                    ));
                };
                let mut count = 2;
                let new_id = loop {
                    let candidate = format!("{}-{count}", base.id);
                    if !core.ids.contains(&candidate) {
                        break candidate;
                    }
                    count += 1;
                };
                let mut node = base.clone();
                node.id = new_id.clone();
                node.name = format!("{} {count}", base.display_name());
                node.position.y += 40.0;
                let new_index = core.add_node(&new_id, &node.zone, NodeKind::Server);
                let latency_ms = core.links[template_link.get()].latency_ns as f64 / 1e6;
                let mut new_links = vec![Link::new(id, &new_id, latency_ms)];
                for link in &self.design.links {
                    if link.from == base.id {
                        let mut copy = link.clone();
                        copy.from = new_id.clone();
                        new_links.push(copy);
                    }
                }
                self.design.nodes.push(node.clone());
                for link in &new_links {
                    self.design.links.push(link.clone());
                    Simulation::push_link(core, link);
                }
                let NodeParams::Server(params) = &node.params else {
                    return Err(CommandError::AtLimit("template is not a server".to_owned()));
                };
                let server = Server::new(core, new_index, params, false);
                let weight = i64::from(params.worker_count());
                let lb_link = LinkIndex((core.links.len() - new_links.len()) as u32);
                lb.add_backend(core, lb_link, new_index, weight);
                let event = RunEvent::BackendAdded {
                    backend: new_id.clone(),
                };
                core.log(
                    LogLevel::Info,
                    index,
                    event,
                    format!("added backend {new_id}"),
                );
                self.nodes.push(NodeState::Server(server));
                self.notification_cursors.push(0);
                Ok(())
            }
            _ => Err(self.wrong_kind(index)),
        }
    }

    /// The design as it is now, live changes included.
    pub fn design(&self) -> &Design {
        &self.design
    }

    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// The 1-second series of a node (oldest first), up to ten minutes.
    pub fn series(&self, node: &str) -> Vec<SeriesPoint> {
        self.index_of(node)
            .map(|index| {
                self.core.metrics[index.get()]
                    .series
                    .iter()
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }

    fn health(&self, index: usize) -> Health {
        match &self.nodes[index] {
            NodeState::AutoscalingGroup(group) => {
                let running = group.running();
                if running == 0 {
                    Health::Down
                } else if running < group.params.min_instances as usize {
                    Health::Degraded
                } else {
                    Health::Up
                }
            }
            NodeState::Database(database) => {
                let up = database.instances.iter().filter(|i| i.up).count();
                if up == 0 {
                    Health::Down
                } else if up < database.serving() || !database.instances[database.primary].up {
                    Health::Degraded
                } else {
                    Health::Up
                }
            }
            NodeState::LoadBalancer(lb)
                if lb.up && lb.healthy_count() < lb.current_backends().count() =>
            {
                Health::Degraded
            }
            NodeState::Server(server)
                if server.instance.state == server::InstanceState::Booting =>
            {
                Health::Starting
            }
            state if state.is_up() => Health::Up,
            _ => Health::Down,
        }
    }

    /// Everything the app shows, as plain data. Logs and notifications are those since the last call.
    pub fn snapshot(&mut self) -> Snapshot {
        let now = self.core.now;
        let mut nodes = Vec::with_capacity(self.nodes.len());
        let mut cost_per_hour = 0.0;
        for index in 0..self.nodes.len() {
            if self.core.removed[index] {
                continue;
            }
            let health = self.health(index);
            let state = &self.nodes[index];
            let cost = state.cost_per_hour();
            cost_per_hour += cost;
            let metrics = &self.core.metrics[index];
            let last = metrics.series.last().copied().unwrap_or_default();
            let (healthy_backends, explanation, backends) = match state {
                NodeState::LoadBalancer(lb) => (
                    Some((lb.healthy_count(), lb.current_backends().count())),
                    lb.last_explanation.clone(),
                    lb.current_backends()
                        .map(|backend| BackendView {
                            node: self.core.ids[backend.node.get()].clone(),
                            in_rotation: backend.healthy,
                            connections: backend.connections,
                            probes_sent: backend.probes_sent,
                            last_probe_ok: backend.last_probe_ok,
                        })
                        .collect(),
                ),
                _ => (None, None, Vec::new()),
            };
            let instances = match state {
                NodeState::AutoscalingGroup(group) => group.running() as u32,
                NodeState::Database(database) => {
                    database.instances.iter().filter(|i| i.up).count() as u32
                }
                other => u32::from(other.is_up()),
            };
            let network_mbps = match state {
                NodeState::Server(server) => {
                    last.throughput * server.params.response_bytes * 8.0 / 1e6
                }
                NodeState::AutoscalingGroup(group) => {
                    last.throughput * group.params.server.response_bytes * 8.0 / 1e6
                }
                _ => 0.0,
            };
            nodes.push(NodeSnapshot {
                id: self.core.ids[index].clone(),
                kind: self.core.kinds[index],
                health,
                instances,
                throughput: last.throughput,
                error_rate: last.error_rate,
                p50_ms: last.p50_ms,
                p95_ms: last.p95_ms,
                p99_ms: last.p99_ms,
                mean_ms: last.mean_ms,
                cpu: last.cpu,
                memory_mb: last.memory_mb,
                queue: last.queue,
                mean_wait_ms: self.core.kinds[index].has_workers().then_some(last.wait_ms),
                wait_probability: self.core.kinds[index]
                    .has_workers()
                    .then_some(last.wait_probability),
                connections: last.connections,
                hit_ratio: last.hit_ratio,
                arrivals: metrics.arrivals,
                completed: metrics.completed,
                failed: metrics.failed,
                errors_by_cause: CauseKind::ALL
                    .iter()
                    .filter_map(|kind| {
                        let count = metrics.failures_by_cause[*kind as usize];
                        (count > 0).then_some((*kind, count))
                    })
                    .collect(),
                by_request_type: RequestType::ALL
                    .iter()
                    .filter_map(|&request_type| {
                        let counts = &metrics.by_type[request_type.index()];
                        let responses = counts.last_completed + counts.last_failed;
                        (responses > 0 || counts.completed + counts.failed > 0).then(|| {
                            RequestTypeFigures {
                                request_type,
                                throughput: responses as f64,
                                error_rate: if responses > 0 {
                                    counts.last_failed as f64 / responses as f64
                                } else {
                                    0.0
                                },
                                completed: counts.completed,
                                failed: counts.failed,
                            }
                        })
                    })
                    .collect(),
                cost_per_hour: cost,
                network_mbps,
                replication_lag_ms: match state {
                    NodeState::Database(database) if database.serving() > 1 => {
                        Some(database.params.replication_lag_ms)
                    }
                    _ => None,
                },
                healthy_backends,
                backends,
                explanation,
            });
        }
        // Links deleted while running are left out; `InFlight::link` indexes the links shown.
        let mut shown = vec![usize::MAX; self.core.links.len()];
        let mut count = 0;
        for (index, link) in self.core.links.iter().enumerate() {
            if !link.removed {
                shown[index] = count;
                count += 1;
            }
        }
        let mut in_transit = vec![0u32; self.core.links.len()];
        let live = self.core.calls.live();
        let stride = (live / IN_FLIGHT_SAMPLE).max(1) as u64;
        let mut in_flight = Vec::new();
        for (_, call) in self.core.calls.iter() {
            let (depart, arrive) = call.transit;
            let Some(link) = call.link else {
                continue;
            };
            if arrive <= now || depart > now || shown[link.get()] == usize::MAX {
                continue;
            }
            in_transit[link.get()] += 1;
            let sampled = call.request.wrapping_mul(0x9E37_79B9_7F4A_7C15) % stride == 0;
            if sampled && in_flight.len() < IN_FLIGHT_SAMPLE {
                let progress = (now - depart) as f64 / (arrive - depart).max(1) as f64;
                in_flight.push(InFlight {
                    request: call.request,
                    link: shown[link.get()],
                    progress: if call.returning {
                        1.0 - progress
                    } else {
                        progress
                    },
                    returning: call.returning,
                    request_type: call.request_type,
                    failed: call.failure.is_some(),
                    hit: call.returning && call.hit,
                    retry: call.retry,
                });
            }
        }
        let links = self
            .core
            .links
            .iter()
            .zip(&self.core.link_metrics)
            .enumerate()
            .filter(|(_, (link, _))| !link.removed)
            .map(|(index, (link, metrics))| LinkSnapshot {
                from: self.core.ids[link.from.get()].clone(),
                to: self.core.ids[link.to.get()].clone(),
                throughput: metrics.last_second_sent as f64,
                sent: metrics.sent,
                failed: metrics.failed,
                in_flight: in_transit[index],
            })
            .collect();
        let mut alerts = Vec::new();
        let mut notifications = Vec::new();
        for (index, node) in self.nodes.iter().enumerate() {
            if self.core.removed[index] {
                continue;
            }
            if let NodeState::Monitoring(monitoring) = node {
                alerts.extend(monitoring.alerts.statuses.iter().cloned());
                let cursor = &mut self.notification_cursors[index];
                for (sequence, notification) in monitoring.alerts.notifications.iter() {
                    if *sequence >= *cursor as u64 {
                        notifications.push(notification.clone());
                        *cursor = *sequence as usize + 1;
                    }
                }
            }
        }
        let logs: Vec<_> = self
            .core
            .logs
            .lines
            .iter()
            .filter(|line| line.sequence >= self.log_cursor)
            .cloned()
            .collect();
        self.log_cursor = self.core.logs.next_sequence();
        Snapshot {
            time_s: now as f64 / 1e9,
            resolution: self.resolution,
            nodes,
            links,
            in_flight,
            alerts,
            notifications,
            logs,
            totals: self.totals(),
            cost_per_hour,
            events_processed: self.events_processed,
        }
    }

    /// Requests, outcomes and money over every users node.
    pub fn totals(&self) -> Totals {
        let totals = &self.core.totals;
        Totals {
            requests: totals.requests,
            completed: totals.completed,
            failed: totals.failed,
            in_flight: totals.requests - totals.completed - totals.failed,
            attempts: totals.attempts,
            retries: totals.retries,
            signups: totals.signups,
            revenue: totals.revenue,
            revenue_lost: totals.revenue_lost,
            failures: totals
                .failures
                .iter()
                .map(|(cause, count)| (cause.describe(&self.core.ids), *count))
                .collect(),
        }
    }

    /// Cumulative figures of one node since the start (for tests and the CLI report).
    pub fn node_stats(&mut self, id: &str) -> Option<NodeStats> {
        let index = self.index_of(id)?.get();
        let now = self.core.now;
        let utilisation = match &mut self.nodes[index] {
            NodeState::Server(server) => Some(server.instance.station.utilisation(now)),
            NodeState::Cache(cache) => Some(cache.station.utilisation(now)),
            NodeState::Database(database) => {
                let n = database.instances.len() as f64;
                Some(
                    database
                        .instances
                        .iter_mut()
                        .map(|i| i.station.utilisation(now))
                        .sum::<f64>()
                        / n,
                )
            }
            NodeState::AutoscalingGroup(group) => {
                let n = group.members.len().max(1) as f64;
                Some(
                    group
                        .members
                        .iter_mut()
                        .map(|m| m.station.utilisation(now))
                        .sum::<f64>()
                        / n,
                )
            }
            _ => None,
        };
        let waits = self.nodes[index].waits();
        let metrics = &mut self.core.metrics[index];
        let mean_in_system = metrics.mean_inside(now);
        let seconds = now.saturating_sub(metrics.since) as f64 / 1e9;
        let quantiles = metrics.latency.quantiles([0.5, 0.95, 0.99]);
        Some(NodeStats {
            id: id.to_owned(),
            kind: self.core.kinds[index],
            arrivals: metrics.arrivals,
            completed: metrics.completed,
            failed: metrics.failed,
            throughput: if seconds > 0.0 {
                (metrics.completed + metrics.failed) as f64 / seconds
            } else {
                0.0
            },
            mean_ms: metrics.latency.mean() / 1e6,
            p50_ms: quantiles[0] / 1e6,
            p95_ms: quantiles[1] / 1e6,
            p99_ms: quantiles[2] / 1e6,
            max_ms: metrics.latency.max() as f64 / 1e6,
            error_rate: metrics.error_rate(),
            errors_by_cause: CauseKind::ALL
                .iter()
                .filter_map(|kind| {
                    let count = metrics.failures_by_cause[*kind as usize];
                    (count > 0).then_some((*kind, count))
                })
                .collect(),
            by_request_type: RequestType::ALL
                .iter()
                .filter_map(|&request_type| {
                    let counts = &metrics.by_type[request_type.index()];
                    let responses = counts.completed + counts.failed;
                    (responses > 0).then(|| RequestTypeFigures {
                        request_type,
                        throughput: if seconds > 0.0 {
                            responses as f64 / seconds
                        } else {
                            0.0
                        },
                        error_rate: counts.failed as f64 / responses as f64,
                        completed: counts.completed,
                        failed: counts.failed,
                    })
                })
                .collect(),
            mean_in_system,
            mean_wait_ms: waits.map(|waits| waits.mean_ms()),
            wait_probability: waits.map(|waits| waits.probability()),
            utilisation,
            hit_ratio: (metrics.hits + metrics.misses > 0).then(|| metrics.hit_ratio()),
        })
    }

    /// Forgets every cumulative statistic (not the state: queues, caches and requests stay), so that
    /// measurements can start after a warm-up. Series, logs and alerts are kept.
    pub fn reset_statistics(&mut self) {
        let now = self.core.now;
        for metrics in &mut self.core.metrics {
            metrics.reset(now);
        }
        for node in &mut self.nodes {
            node.reset_statistics(now);
        }
        let totals = &mut self.core.totals;
        let in_flight = totals.requests - totals.completed - totals.failed;
        *totals = crate::core::Totals {
            requests: in_flight,
            ..crate::core::Totals::default()
        };
    }

    /// Popularity of each key at a cache (empty for other nodes or a fixed hit ratio).
    pub fn cache_popularity(&self, id: &str) -> Vec<f64> {
        match self.index_of(id).map(|index| &self.nodes[index.get()]) {
            Some(NodeState::Cache(cache)) if cache.params.fixed_hit_ratio.is_none() => {
                cache.popularity()
            }
            _ => Vec::new(),
        }
    }

    /// User requests not yet finished, counted from the request slab (the roots of live request
    /// trees), independently of the totals.
    pub fn requests_in_flight(&self) -> u64 {
        self.core
            .calls
            .iter()
            .filter(|(_, call)| call.link.is_none())
            .map(|(_, call)| call.weight)
            .sum()
    }

    /// Live requests in the slab and events waiting: both must stay bounded.
    pub fn memory_footprint(&self) -> (usize, usize, usize) {
        (
            self.core.calls.live(),
            self.core.calls.capacity(),
            self.core.queue.len(),
        )
    }
}

/// Cumulative statistics of one node.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeStats {
    pub id: String,
    pub kind: NodeKind,
    pub arrivals: u64,
    pub completed: u64,
    pub failed: u64,
    /// Responses per second over the run.
    pub throughput: f64,
    /// Response time of successful responses, milliseconds.
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub error_rate: f64,
    pub errors_by_cause: Vec<(CauseKind, u64)>,
    /// Responses per second and error rate by request type over the run.
    pub by_request_type: Vec<RequestTypeFigures>,
    /// Time-average of requests inside the node (Little's L).
    pub mean_in_system: f64,
    /// For nodes with workers: the mean wait for a worker (queueing delay, apart from service time)
    /// of the requests that reached the front of a queue or found a worker free, milliseconds, and
    /// the share of them that had to wait, 0..=1 (Erlang C's P(wait) for an M/M/c station). A
    /// database's wait for a pool connection is not included.
    pub mean_wait_ms: Option<f64>,
    pub wait_probability: Option<f64>,
    /// Busy workers / workers over the run, for nodes with workers.
    pub utilisation: Option<f64>,
    pub hit_ratio: Option<f64>,
}

/// The CLI's report: everything cumulative, plus alert history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub design: String,
    pub seconds: f64,
    /// The event digest of the run, 16 hex digits (same design and seed → same digest).
    pub digest: String,
    pub events_processed: u64,
    pub resolution: Resolution,
    pub totals: Totals,
    pub nodes: Vec<NodeStats>,
    pub alerts: Vec<crate::alerts::AlertStatus>,
    pub cost_per_hour: f64,
    /// The run's system events, oldest first (the last 1 000): crashes, health-check verdicts,
    /// failovers, scaling, faults, alerts, live edits, each with its typed [`RunEvent`].
    pub events: Vec<LogLine>,
}

impl Simulation {
    /// A whole-run summary (used by the CLI).
    pub fn report(&mut self) -> Report {
        let ids: Vec<String> = self
            .core
            .ids
            .iter()
            .zip(&self.core.removed)
            .filter(|(_, removed)| !**removed)
            .map(|(id, _)| id.clone())
            .collect();
        let nodes = ids.iter().filter_map(|id| self.node_stats(id)).collect();
        let snapshot = self.snapshot();
        Report {
            design: self.design.name.clone(),
            seconds: self.now_s(),
            digest: format!("{:016x}", self.digest),
            events_processed: self.events_processed,
            resolution: self.resolution,
            totals: snapshot.totals,
            nodes,
            alerts: snapshot.alerts,
            cost_per_hour: snapshot.cost_per_hour,
            events: self.core.logs.system_lines.iter().cloned().collect(),
        }
    }
}
