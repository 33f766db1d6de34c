//! Server: an application server running business logic.
//!
//! Models: `workers` identical workers (one per core of the instance tier by default) in front of a
//! bounded FIFO waiting room; a service time per request type (exponential, deterministic or
//! log-normal); requests that waited longer than the timeout are dropped when a worker reaches them;
//! memory grows with the requests inside and crashes the server beyond the tier's memory; after a
//! crash or restart a cold start during which it refuses requests. After its CPU work a request calls
//! the server's dependencies in parallel (reads: the cache, else the database; writes and payments:
//! the database, else the cache; every service link) and the server answers when they all have.
//!
//! By default the worker is released while the request waits on its dependencies (an asynchronous
//! server, so its queue is a plain M/M/c); with `hold_worker_during_calls` the worker waits with it
//! (thread-per-request), so a slow dependency fills this server's queue too. CPU counts computing
//! time only, never a worker blocked on a dependency.
//!
//! A crash from memory restarts on its own after `auto_restart_s`, or under PM2 (`pm2`) after an
//! exponential back-off, until 16 unstable restarts in a row leave it errored; a killed one stays
//! down until restarted.
//!
//! Leaves out: garbage collection pauses, CPU contention between workers, per-request network or
//! disk time (the network figure is derived from throughput and response size).
//! Units: times in nanoseconds inside, milliseconds in parameters; memory in mebibytes.

use crate::NodeKind;
use crate::core::{CallId, Core, LinkIndex, NodeIndex, Timer};
use crate::metrics::{FailureCause, LogLevel};
use crate::nodes::Gauges;
use crate::params::{RequestType, ServerParams};
use crate::random::to_ns;
use crate::release::Defect;
use crate::run_event::{CrashCause, RunEvent};
use crate::station::{Admission, FluidAdmission, Station};

/// A server-like node's downstream calls: where to, and a reusable buffer for one request's targets.
#[derive(Clone, Debug, Default)]
pub(crate) struct Routing {
    pub(crate) dependencies: Dependencies,
    pub(crate) targets: Vec<LinkIndex>,
    /// Service nodes call every outgoing link for every request.
    pub(crate) fan_out_all: bool,
}

/// Where a server-like node sends a request after its own work.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dependencies {
    pub(crate) cache: Option<LinkIndex>,
    pub(crate) database: Option<LinkIndex>,
    /// Services and load balancers: called for every non-static request.
    pub(crate) others: Vec<LinkIndex>,
    pub(crate) all: Vec<LinkIndex>,
}

impl Dependencies {
    pub(crate) fn of(core: &Core, node: NodeIndex) -> Dependencies {
        let mut dependencies = Dependencies::default();
        for &link in &core.outgoing[node.get()] {
            let target = core.links[link.get()].to;
            dependencies.all.push(link);
            match core.kinds[target.get()] {
                NodeKind::Cache if dependencies.cache.is_none() => dependencies.cache = Some(link),
                NodeKind::Database if dependencies.database.is_none() => {
                    dependencies.database = Some(link);
                }
                NodeKind::Cache | NodeKind::Database => {}
                _ => dependencies.others.push(link),
            }
        }
        dependencies
    }

    /// The calls a server makes for a request of this type (into `out`, to avoid allocating).
    pub(crate) fn for_request(&self, request_type: RequestType, out: &mut Vec<LinkIndex>) {
        out.clear();
        let first = match request_type {
            RequestType::StaticAsset => return,
            RequestType::Read => self.cache.or(self.database),
            RequestType::Write | RequestType::Payment => self.database.or(self.cache),
        };
        out.extend(first);
        out.extend(self.others.iter().copied());
    }
}

/// Why an instance goes down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Crash {
    OutOfMemory,
    /// Killed by a fault or by hand.
    Killed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InstanceState {
    Running,
    /// Starting (cold start or provisioning): refuses requests.
    Booting,
    Down,
    /// Taken out of a group: finishes its requests, takes no new ones.
    Draining,
}

/// One running copy of a server: a station plus its life cycle.
#[derive(Clone)]
pub(crate) struct Instance {
    pub(crate) station: Station,
    pub(crate) state: InstanceState,
    /// Incremented on every crash, so replies for the previous life are recognised.
    pub(crate) epoch: u32,
    /// Requests admitted and not yet answered (each holds memory).
    pub(crate) inside: u32,
    pub(crate) slow_factor: f64,
    pub(crate) requests: u64,
    /// Requests each call stands for (the aggregated resolution's weight).
    pub(crate) weight: u64,
    /// PM2: when the process last started (nanoseconds), its unstable restarts in a row, and the
    /// last back-off (ms, 0 = none yet).
    started_at: u64,
    unstable_restarts: u32,
    backoff_ms: f64,
    /// PM2 gave up on it and it has not been started since (counted in the node's
    /// `errored_processes`, which the crash-loop alert reads).
    errored: bool,
    /// The release it runs (a version id, 0 for the design's own version; see `crate::release`).
    pub(crate) version: u32,
    /// Whether its group sends it requests (a blue-green fleet waiting for, or kept after, the
    /// switch is running but out of rotation).
    pub(crate) in_rotation: bool,
    /// Its answers since a canary analysis last looked (kept only while releases exist).
    pub(crate) tally: Tally,
    /// When it last became ready, nanoseconds (a leak counts from there).
    pub(crate) ready_at: u64,
}

/// Answers of one instance over an analysis window: a canary check reads its success rate and
/// 99th percentile.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tally {
    pub(crate) completed: u64,
    pub(crate) failed: u64,
    pub(crate) latency: crate::histogram::Histogram,
    /// Answers in the open second, and in the last closed one: (completed, failed).
    pub(crate) second: (u64, u64),
    pub(crate) last_second: (u64, u64),
}

impl Tally {
    pub(crate) fn add(&mut self, other: &Tally) {
        self.completed += other.completed;
        self.failed += other.failed;
        self.latency.merge(&other.latency);
    }

    /// An analysis looked: its window starts again (the per-second counts go on).
    pub(crate) fn restart_window(&mut self) {
        self.completed = 0;
        self.failed = 0;
        self.latency.clear();
    }

    /// A second ends.
    pub(crate) fn close_second(&mut self) {
        self.last_second = std::mem::take(&mut self.second);
    }
}

/// When a new instance becomes ready: at the first readiness probe (every `period_s`, the first at
/// its start, Kubernetes' `initialDelaySeconds` 0) that finds its cold start over.
pub(crate) fn readiness_delay_ns(cold_start_ms: f64, period_s: f64) -> u64 {
    let cold = to_ns(cold_start_ms * 1e6);
    let period = to_ns(period_s * 1e9);
    if period == 0 {
        cold
    } else {
        cold.div_ceil(period) * period
    }
}

/// PM2's documented defaults: `exp_backoff_restart_delay` starts at 100 ms and grows ×1.5 to 15 s,
/// resetting after 30 s of uptime; `min_uptime` 1 s and `max_restarts` 16 decide "errored"
/// (<https://pm2.keymetrics.io/docs/usage/restart-strategies/>).
pub(crate) const PM2_FIRST_BACKOFF_MS: f64 = 100.0;
pub(crate) const PM2_BACKOFF_FACTOR: f64 = 1.5;
pub(crate) const PM2_MAX_BACKOFF_MS: f64 = 15_000.0;
pub(crate) const PM2_STABLE_MS: f64 = 30_000.0;
pub(crate) const PM2_MIN_UPTIME_MS: f64 = 1_000.0;
pub(crate) const PM2_MAX_RESTARTS: u32 = 16;

impl Instance {
    pub(crate) fn new(params: &ServerParams, state: InstanceState) -> Instance {
        Instance {
            station: Station::new(params.worker_count(), params.queue_capacity as usize),
            state,
            epoch: 0,
            inside: 0,
            slow_factor: 1.0,
            requests: 0,
            weight: 1,
            started_at: 0,
            unstable_restarts: 0,
            backoff_ms: 0.0,
            errored: false,
            version: 0,
            in_rotation: true,
            tally: Tally::default(),
            ready_at: 0,
        }
    }

    /// Follows the resolution: each call stands for `weight` requests (1: per request).
    pub(crate) fn set_weight(&mut self, weight: u64, now: u64) {
        self.weight = weight;
        self.station.follow_weight(weight, now);
    }

    pub(crate) fn memory_mb(&self, params: &ServerParams) -> f64 {
        params.base_memory_mb
            + f64::from(self.inside) * self.weight as f64 * params.memory_per_request_mb
    }

    /// A request reaches this instance.
    pub(crate) fn arrive(
        &mut self,
        core: &mut Core,
        node: NodeIndex,
        member: u32,
        params: &ServerParams,
        call: CallId,
    ) {
        core.arrived(call);
        if self.state != InstanceState::Running {
            core.fail(call, FailureCause::BackendDown { node: node.0 });
            return;
        }
        let weight = core.calls.get(call).map_or(1, |c| c.weight) as f64;
        if params.memory_per_request_mb > 0.0
            && params.base_memory_mb
                + (f64::from(self.inside) + 1.0) * weight * params.memory_per_request_mb
                > params.tier.memory_mb()
        {
            self.crash(core, node, member, params, Crash::OutOfMemory);
            core.fail(call, FailureCause::OutOfMemory { node: node.0 });
            return;
        }
        let Some(state) = core.calls.get_mut(call) else {
            return;
        };
        state.member = member;
        state.epoch = self.epoch;
        let (request_type, weight) = (state.request_type, state.weight);
        if self.station.is_fluid() {
            let time = params.service.get(request_type);
            let service = core.streams[node.get()]
                .service
                .service_ns(time, self.slow_factor);
            let timeout = to_ns(params.timeout_ms * 1e6);
            match self.station.fluid_admit(
                core.now,
                &mut core.streams[node.get()].service,
                service,
                time.scv(),
                weight,
                timeout,
            ) {
                FluidAdmission::Admitted { delay_ns } => {
                    self.inside += 1;
                    if let Some(state) = core.calls.get_mut(call) {
                        state.drawn = true;
                    }
                    core.schedule(delay_ns, crate::core::Event::ServiceDone { call });
                }
                FluidAdmission::Blocked => {
                    core.fail(call, FailureCause::QueueFull { node: node.0 });
                }
                FluidAdmission::TimedOut => {
                    core.fail(call, FailureCause::Timeout { node: node.0 });
                }
            }
            return;
        }
        match self.station.admit(core.now, call) {
            Admission::Start => {
                self.inside += 1;
                self.start(core, node, params, call, request_type);
            }
            Admission::Wait => self.inside += 1,
            Admission::Full => core.fail(call, FailureCause::QueueFull { node: node.0 }),
        }
    }

    fn start(
        &mut self,
        core: &mut Core,
        node: NodeIndex,
        params: &ServerParams,
        call: CallId,
        request_type: RequestType,
    ) {
        let slow = match core.defect(self.version) {
            Some(Defect::Latency { factor }) => self.slow_factor * factor,
            _ => self.slow_factor,
        };
        let service = core.service_ns(call, node, params.service.get(request_type), slow);
        core.schedule(service, crate::core::Event::ServiceDone { call });
    }

    /// A worker finished `call`'s CPU work: start the next waiting call, then call the dependencies.
    /// A call that was in service when the instance crashed fails here, as the process died with it.
    pub(crate) fn service_done(
        &mut self,
        core: &mut Core,
        node: NodeIndex,
        params: &ServerParams,
        call: CallId,
        routing: &mut Routing,
    ) {
        let Some(state) = core.calls.get_mut(call) else {
            return;
        };
        // A drawn call held no worker; it may free workers held for drawn calls since a switch
        // back to per request.
        let freed = std::mem::take(&mut state.drawn)
            .then(|| self.station.drawn_done(core.now, state.weight));
        let (epoch, request_type) = (state.epoch, state.request_type);
        if epoch != self.epoch {
            // The instance crashed while this call was in service: it dies with the process.
            core.fail(call, FailureCause::BackendDown { node: node.0 });
            return;
        }
        self.requests += 1;
        if let Some(Defect::ErrorRate {
            request_type: broken,
            rate,
        }) = core.defect(self.version)
            && broken == request_type
            && core.streams[node.get()].releases.uniform() < rate
        {
            self.free_worker(core, node, params, freed);
            let cause = FailureCause::Defect {
                node: node.0,
                release: self.version,
            };
            self.finish(core, call, Err(cause));
            return;
        }
        let targets = &mut routing.targets;
        if routing.fan_out_all {
            targets.clear();
            targets.extend(routing.dependencies.all.iter().copied());
        } else {
            routing.dependencies.for_request(request_type, targets);
        }
        let hold = params.hold_worker_during_calls && !targets.is_empty() && freed.is_none();
        if hold {
            // Thread-per-request: the worker waits with the request for its dependencies.
            self.station.block(core.now);
            if let Some(state) = core.calls.get_mut(call) {
                state.holding = true;
            }
        } else {
            self.free_worker(core, node, params, freed);
        }
        if targets.is_empty() {
            self.finish(core, call, Ok(()));
            return;
        }
        for &link in targets.iter() {
            core.forward(call, link, 0);
        }
    }

    /// A call's CPU work is done: the worker it held takes the next waiting call. A drawn call
    /// held none, but frees `freed` workers held for drawn calls (`Station::drawn_done`).
    fn free_worker(
        &mut self,
        core: &mut Core,
        node: NodeIndex,
        params: &ServerParams,
        freed: Option<u32>,
    ) {
        for _ in 0..freed.unwrap_or(1) {
            self.start_next(core, node, params);
        }
    }

    fn start_next(&mut self, core: &mut Core, node: NodeIndex, params: &ServerParams) {
        let timeout = to_ns(params.timeout_ms * 1e6);
        while let Some((next, enqueued)) = self.station.next(core.now) {
            if core.now - enqueued > timeout {
                self.finish(core, next, Err(FailureCause::Timeout { node: node.0 }));
                continue;
            }
            let Some(request_type) = core.calls.get(next).map(|c| c.request_type) else {
                // The slab never frees a waiting call, but stay safe: hand the worker on.
                continue;
            };
            self.start(core, node, params, next, request_type);
            break;
        }
    }

    /// A dependency answered `parent`.
    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        node: NodeIndex,
        params: &ServerParams,
        parent: CallId,
        failure: Option<crate::metrics::FailureCause>,
    ) {
        let Some(state) = core.calls.get_mut(parent) else {
            return;
        };
        state.pending = state.pending.saturating_sub(1);
        if state.failure.is_none() {
            state.failure = failure;
        }
        if state.pending > 0 {
            return;
        }
        if state.holding && state.epoch == self.epoch {
            // The held worker is free again: it takes the next waiting request.
            state.holding = false;
            self.station.unblock(core.now);
            self.start_next(core, node, params);
        }
        let Some(state) = core.calls.get(parent) else {
            return;
        };
        let outcome = match state.failure {
            Some(cause) => Err(cause),
            None if state.epoch != self.epoch => Err(FailureCause::BackendDown { node: node.0 }),
            None => Ok(()),
        };
        self.finish(core, parent, outcome);
    }

    /// Answers `call` and releases the memory it held.
    pub(crate) fn finish(
        &mut self,
        core: &mut Core,
        call: CallId,
        outcome: Result<(), FailureCause>,
    ) {
        if let Some(state) = core.calls.get(call)
            && state.epoch == self.epoch
        {
            self.inside = self.inside.saturating_sub(1);
            // Answers per second by instance (for figures by version), from the start.
            if outcome.is_ok() {
                self.tally.second.0 += 1;
            } else {
                self.tally.second.1 += 1;
            }
            if !core.releases.is_empty() {
                let latency = core.now.saturating_sub(state.arrived);
                if outcome.is_ok() {
                    self.tally.completed += 1;
                } else {
                    self.tally.failed += 1;
                }
                self.tally.latency.record(latency);
                core.count_version(self.version, outcome.is_err());
            }
        }
        if let Err(cause) = outcome {
            core.log_instance_failure(call, cause, self.version);
        }
        core.respond(call, outcome);
    }

    /// The process dies: waiting requests fail now, those in service when their service would end.
    pub(crate) fn crash(
        &mut self,
        core: &mut Core,
        node: NodeIndex,
        member: u32,
        params: &ServerParams,
        crash: Crash,
    ) {
        if self.state == InstanceState::Down {
            return;
        }
        self.state = InstanceState::Down;
        self.epoch += 1;
        self.inside = 0;
        let cause = match crash {
            Crash::OutOfMemory => FailureCause::OutOfMemory { node: node.0 },
            Crash::Killed => FailureCause::BackendDown { node: node.0 },
        };
        // The crash is told before the failures it causes, so a log reads cause then effect.
        let (crash_cause, reason) = match crash {
            Crash::OutOfMemory => (CrashCause::OutOfMemory, "crashed: out of memory"),
            Crash::Killed => (CrashCause::Killed, "crashed: killed"),
        };
        let event = RunEvent::Crashed { cause: crash_cause };
        core.log(LogLevel::Error, node, event, reason.to_owned());
        for (call, _) in self.station.clear(core.now) {
            core.fail(call, cause);
        }
        // A killed instance stays down until restarted; a crashed one restarts on its own.
        let restart_after_ms = match crash {
            Crash::Killed => None,
            Crash::OutOfMemory if params.pm2 => self.pm2_backoff(core, node),
            Crash::OutOfMemory => params.auto_restart_s.map(|s| s * 1000.0),
        };
        if let Some(after_ms) = restart_after_ms {
            core.timer(
                to_ns(after_ms * 1e6),
                node,
                Timer::Restart {
                    member,
                    epoch: self.epoch,
                },
            );
        }
    }

    /// PM2 after a crash: the next back-off, or `None` once it has given up ("errored").
    fn pm2_backoff(&mut self, core: &mut Core, node: NodeIndex) -> Option<f64> {
        let uptime_ms = core.now.saturating_sub(self.started_at) as f64 / 1e6;
        if uptime_ms >= PM2_STABLE_MS {
            self.backoff_ms = 0.0;
        }
        if uptime_ms < PM2_MIN_UPTIME_MS {
            self.unstable_restarts += 1;
        } else {
            self.unstable_restarts = 0;
        }
        if self.unstable_restarts >= PM2_MAX_RESTARTS {
            if !self.errored {
                self.errored = true;
                core.metrics[node.get()].errored_processes += 1;
            }
            core.log(
                LogLevel::Error,
                node,
                RunEvent::Errored {
                    restarts: self.unstable_restarts,
                },
                format!(
                    "crash loop: PM2 stopped restarting after {} unstable restarts (errored)",
                    self.unstable_restarts
                ),
            );
            return None;
        }
        self.backoff_ms = if self.backoff_ms == 0.0 {
            PM2_FIRST_BACKOFF_MS
        } else {
            (self.backoff_ms * PM2_BACKOFF_FACTOR).min(PM2_MAX_BACKOFF_MS)
        };
        Some(self.backoff_ms)
    }

    /// Starts (again): booting for the cold start, then running.
    pub(crate) fn boot(&mut self, core: &mut Core, node: NodeIndex, member: u32, delay_ns: u64) {
        if self.state != InstanceState::Down {
            self.epoch += 1;
            for (call, _) in self.station.clear(core.now) {
                core.fail(call, FailureCause::BackendDown { node: node.0 });
            }
            self.inside = 0;
        }
        if self.errored {
            self.errored = false;
            let metrics = &mut core.metrics[node.get()];
            metrics.errored_processes = metrics.errored_processes.saturating_sub(1);
        }
        self.state = InstanceState::Booting;
        self.started_at = core.now;
        core.timer(
            delay_ns,
            node,
            Timer::Ready {
                member,
                epoch: self.epoch,
            },
        );
    }

    /// Runs `version` from now on, as if it had been ready for `up_ns` already (a staging copy of
    /// a production instance): a leak has that much less to go, a health check that never passes
    /// takes it out.
    pub(crate) fn install(
        &mut self,
        core: &mut Core,
        node: NodeIndex,
        member: u32,
        version: u32,
        up_ns: u64,
    ) {
        self.version = version;
        if self.state != InstanceState::Running {
            return;
        }
        match core.defect(version) {
            Some(Defect::Crash { after_s }) => {
                let epoch = self.epoch;
                let left = to_ns(after_s * 1e9).saturating_sub(up_ns);
                core.timer(left, node, Timer::Leak { member, epoch });
            }
            Some(Defect::FailingHealthCheck) => self.state = InstanceState::Booting,
            _ => {}
        }
    }

    /// Its cold start is over: it runs, unless its release's health check never passes (it then
    /// stays not ready). A leaking release runs out of memory a set time later.
    pub(crate) fn ready(&mut self, core: &mut Core, node: NodeIndex, member: u32, epoch: u32) {
        if self.state == InstanceState::Booting && epoch == self.epoch {
            match core.defect(self.version) {
                Some(Defect::FailingHealthCheck) => {
                    let version = core.release(self.version).map_or("", |r| &r.version);
                    let text =
                        format!("readiness probe failed: {version} never answers its health check");
                    core.log(LogLevel::Warn, node, RunEvent::NotReady, text);
                    return;
                }
                Some(Defect::Crash { after_s }) => {
                    core.timer(to_ns(after_s * 1e9), node, Timer::Leak { member, epoch });
                }
                _ => {}
            }
            self.ready_at = core.now;
            self.state = InstanceState::Running;
            core.log(
                LogLevel::Info,
                node,
                RunEvent::Started,
                "started and accepting requests".to_owned(),
            );
        }
    }
}

/// A single server node.
#[derive(Clone)]
pub(crate) struct Server {
    pub(crate) index: NodeIndex,
    pub(crate) params: ServerParams,
    pub(crate) instance: Instance,
    routing: Routing,
    /// A deploy in place waiting for the new version to be ready: (release, deadline generation).
    pub(crate) deploying: Option<(u32, u32)>,
}

impl Server {
    pub(crate) fn new(
        core: &Core,
        index: NodeIndex,
        params: &ServerParams,
        fan_out_all: bool,
    ) -> Server {
        Server {
            index,
            params: params.clone(),
            deploying: None,
            instance: Instance::new(params, InstanceState::Running),
            routing: Routing {
                dependencies: Dependencies::of(core, index),
                targets: Vec::new(),
                fan_out_all,
            },
        }
    }

    /// Its outgoing links changed while running.
    pub(crate) fn follow_links(&mut self, core: &Core) {
        self.routing.dependencies = Dependencies::of(core, self.index);
    }

    pub(crate) fn arrive(&mut self, core: &mut Core, call: CallId) {
        self.instance
            .arrive(core, self.index, 0, &self.params, call);
    }

    pub(crate) fn service_done(&mut self, core: &mut Core, call: CallId) {
        self.instance
            .service_done(core, self.index, &self.params, call, &mut self.routing);
    }

    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        parent: CallId,
        failure: Option<FailureCause>,
    ) {
        self.instance
            .response(core, self.index, &self.params, parent, failure);
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        match timer {
            Timer::Ready { epoch, .. } => {
                self.instance.ready(core, self.index, 0, epoch);
                self.deployed(core);
            }
            Timer::Leak { epoch, .. } if epoch == self.instance.epoch => {
                self.instance
                    .crash(core, self.index, 0, &self.params, Crash::OutOfMemory);
            }
            Timer::Deploy { release } => self.deploy(core, release),
            Timer::ProgressDeadline {
                release,
                generation,
            } if self.deploying == Some((release, generation)) => {
                self.deploying = None;
                crate::nodes::rollout::report(
                    core,
                    self.index,
                    release,
                    crate::nodes::rollout::Report::Stalled,
                );
            }
            Timer::Restart { epoch, .. } if epoch == self.instance.epoch => self.restart(core),
            _ => {}
        }
    }

    pub(crate) fn is_up(&self) -> bool {
        self.instance.state == InstanceState::Running
    }

    pub(crate) fn kill(&mut self, core: &mut Core) {
        self.instance
            .crash(core, self.index, 0, &self.params, Crash::Killed);
    }

    pub(crate) fn restart(&mut self, core: &mut Core) {
        core.log(
            LogLevel::Info,
            self.index,
            RunEvent::Restarting {
                cold_start_ms: self.params.cold_start_ms,
            },
            "restarting (cold start)".to_owned(),
        );
        let delay = to_ns(self.params.cold_start_ms * 1e6);
        self.instance.boot(core, self.index, 0, delay);
    }

    /// Applies new parameters live: the waiting room and workers change, the queue is kept.
    pub(crate) fn set_params(&mut self, params: &ServerParams) {
        self.params = params.clone();
        self.instance.station.workers = params.worker_count().max(1);
        self.instance.station.queue_capacity = params.queue_capacity as usize;
    }

    pub(crate) fn gauges(&mut self, now: u64) -> Gauges {
        self.instance.tally.close_second();
        Gauges {
            cpu: self.instance.station.window_utilisation(now),
            queue: self.instance.station.queue_len() as f64,
            memory_mb: if self.instance.state == InstanceState::Down {
                0.0
            } else {
                self.instance.memory_mb(&self.params)
            },
            connections: f64::from(self.instance.inside) * self.instance.weight as f64,
            instances: u32::from(self.is_up()),
            waits: self.instance.station.last_window_waits,
        }
    }

    pub(crate) fn cost_per_hour(&self) -> f64 {
        self.params.tier.cost_per_hour()
    }
}
