//! Load balancer: spreads requests over its backends (its outgoing links).
//!
//! Models: six algorithms (round robin, smooth weighted round robin by worker count, least
//! connections, random, power of two choices, consistent hashing of user ids on a ring with virtual
//! nodes); its own connection limit and processing delay; active health checks where each probe is
//! an event that reaches the backend (or not: down, partitioned) and a reply or a timeout is counted,
//! so a dead backend keeps receiving requests until `unhealthy_threshold` consecutive probes failed —
//! the detection window emerges. Marking a backend unhealthy stops new requests to it while the ones
//! it holds finish (connection draining). An optional passive twin takes over after `takeover_ms`.
//! Each decision can be explained (cursor, compared connection counts, hash bucket).
//!
//! Leaves out: TLS, HTTP keep-alive, slow start for recovered backends, passive (in-band) health checks.

use serde::Serialize;

use crate::core::{CallId, Core, LinkIndex, NodeIndex, Timer};
use crate::metrics::{FailureCause, LogLevel};
use crate::nodes::Gauges;
use crate::params::{Algorithm, LoadBalancerParams};
use crate::random::to_ns;
use crate::run_event::{CrashCause, RunEvent};

/// Why a backend was chosen, for the "why this backend?" view. Backends are node ids.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "algorithm", rename_all = "snake_case")]
pub enum RouteExplanation {
    RoundRobin {
        cursor: usize,
        chosen: String,
    },
    WeightedRoundRobin {
        /// (backend, weight, current weight before the pick)
        weights: Vec<(String, i64, i64)>,
        chosen: String,
    },
    LeastConnections {
        connections: Vec<(String, u32)>,
        chosen: String,
    },
    Random {
        healthy: usize,
        chosen: String,
    },
    PowerOfTwo {
        first: (String, u32),
        second: (String, u32),
        chosen: String,
    },
    ConsistentHash {
        user: u32,
        hash: u32,
        ring_point: u32,
        chosen: String,
    },
    NoHealthyBackend,
}

#[derive(Clone)]
pub(crate) struct Backend {
    pub(crate) link: LinkIndex,
    pub(crate) node: NodeIndex,
    pub(crate) healthy: bool,
    consecutive_ok: u32,
    consecutive_failed: u32,
    /// Sequence number of the latest probe.
    probe_sequence: u32,
    /// Probes sent and neither answered nor timed out yet, oldest first. Each one counts once, when
    /// it settles; with a timeout longer than the interval (validation refuses it, the model copes)
    /// several are out at once.
    unsettled: Vec<u32>,
    /// Probes sent to it so far, and how the latest settled one went (for the probe animation).
    pub(crate) probes_sent: u32,
    pub(crate) last_probe_ok: Option<bool>,
    pub(crate) connections: u32,
    weight: i64,
    current_weight: i64,
    /// Its link was deleted while running: it gets no new requests and is no longer probed, while
    /// the requests it holds finish (its slot stays, probes and replies refer to slots).
    pub(crate) removed: bool,
    /// Passive checks: failed requests counted since `passive_since` (nanoseconds), and until when
    /// the backend is skipped after too many of them.
    passive_fails: u32,
    passive_since: u64,
    pub(crate) skipped_until: u64,
}

impl Backend {
    /// Whether new requests may go to it at `now`; `open`: every backend is unhealthy and the load
    /// balancer fails open, so any backend still linked will do.
    fn usable(&self, now: u64, open: bool) -> bool {
        if open {
            !self.removed
        } else {
            self.healthy && !self.removed && now >= self.skipped_until
        }
    }
}

const VIRTUAL_NODES: u32 = 64;

/// How long the standby needs to take over from an active load balancer dead at `now`: the fixed
/// `takeover_ms`, or for a keepalived backup the Master_Down_Interval counted from the last
/// advertisement it heard (they leave every `advert_interval_ms` from t = 0), milliseconds.
fn takeover_ms(params: &LoadBalancerParams, now: u64) -> f64 {
    if !params.keepalived {
        return params.takeover_ms;
    }
    let interval = to_ns(params.advert_interval_ms * 1e6).max(1);
    let since_last = (now % interval) as f64 / 1e6;
    params.master_down_ms() - since_last
}

#[derive(Clone)]
pub(crate) struct LoadBalancer {
    pub(crate) index: NodeIndex,
    pub(crate) params: LoadBalancerParams,
    pub(crate) backends: Vec<Backend>,
    cursor: usize,
    pub(crate) up: bool,
    standby_ready: bool,
    /// Open connections, in requests (a call holds as many as it stands for).
    pub(crate) connections: u64,
    ring: Vec<(u32, u32)>,
    pub(crate) explain: bool,
    pub(crate) last_explanation: Option<RouteExplanation>,
    scratch: Vec<usize>,
    /// Probe timers of an older chain (before health checks were switched off and on) are ignored.
    probe_chain: u32,
}

/// A ring position: SplitMix64's finaliser (a fixed, portable mixing function), low 32 bits.
fn hash32(value: u64) -> u32 {
    crate::random::mix(value) as u32
}

impl LoadBalancer {
    pub(crate) fn new(
        core: &mut Core,
        index: NodeIndex,
        params: &LoadBalancerParams,
        worker_counts: &[u32],
    ) -> LoadBalancer {
        let mut balancer = LoadBalancer {
            index,
            params: params.clone(),
            backends: Vec::new(),
            cursor: 0,
            up: true,
            standby_ready: params.standby,
            connections: 0,
            ring: Vec::new(),
            explain: false,
            last_explanation: None,
            scratch: Vec::new(),
            probe_chain: 0,
        };
        let links = core.outgoing[index.get()].clone();
        for link in links {
            let node = core.links[link.get()].to;
            let weight = i64::from(worker_counts.get(node.get()).copied().unwrap_or(1).max(1));
            balancer.add_backend(core, link, node, weight);
        }
        balancer
    }

    /// Adds a backend (at start, or a server added live) and starts probing it at a random phase.
    pub(crate) fn add_backend(
        &mut self,
        core: &mut Core,
        link: LinkIndex,
        node: NodeIndex,
        weight: i64,
    ) {
        let slot = self.backends.len() as u32;
        self.backends.push(Backend {
            link,
            node,
            healthy: true,
            consecutive_ok: 0,
            consecutive_failed: 0,
            probe_sequence: 0,
            unsettled: Vec::new(),
            probes_sent: 0,
            last_probe_ok: None,
            passive_fails: 0,
            passive_since: 0,
            skipped_until: 0,
            connections: 0,
            weight,
            current_weight: 0,
            removed: false,
        });
        for replica in 0..VIRTUAL_NODES {
            let point = hash32((u64::from(node.0) << 32) | u64::from(replica));
            self.ring.push((point, slot));
        }
        self.ring.sort_unstable();
        if self.params.health_check.enabled {
            let interval = to_ns(self.params.health_check.interval_ms * 1e6);
            let phase = (core.streams[self.index.get()].probes.uniform() * interval as f64) as u64;
            core.timer(
                phase,
                self.index,
                Timer::ProbeSend {
                    slot,
                    chain: self.probe_chain,
                },
            );
        }
    }

    /// Follows the node's outgoing links after a live edit of the design: a deleted link's backend
    /// leaves the rotation (draining what it holds), a new link becomes a backend, probed at once.
    pub(crate) fn sync_backends(&mut self, core: &mut Core, worker_counts: &[u32]) {
        let links = core.outgoing[self.index.get()].clone();
        for (slot, backend) in self.backends.iter_mut().enumerate() {
            if !backend.removed && !links.contains(&backend.link) {
                backend.removed = true;
                if let Some(delay_ms) = self.params.deregistration_delay_ms
                    && backend.connections > 0
                {
                    let slot = slot as u32;
                    core.timer(
                        to_ns(delay_ms * 1e6),
                        self.index,
                        Timer::Deregistered { slot },
                    );
                }
            }
        }
        // Consistent hashing: the removed backends' ring points go, so their users move elsewhere.
        let removed: Vec<u32> = (0..self.backends.len() as u32)
            .filter(|&slot| self.backends[slot as usize].removed)
            .collect();
        self.ring.retain(|(_, slot)| !removed.contains(slot));
        for link in links {
            if self.backends.iter().any(|b| b.link == link && !b.removed) {
                continue;
            }
            let node = core.links[link.get()].to;
            let weight = i64::from(worker_counts.get(node.get()).copied().unwrap_or(1).max(1));
            self.add_backend(core, link, node, weight);
        }
    }

    /// The backends still in the design (not removed by a live edit).
    pub(crate) fn current_backends(&self) -> impl Iterator<Item = &Backend> {
        self.backends.iter().filter(|b| !b.removed)
    }

    /// New parameters, live. Switching health checks on starts probing every backend.
    pub(crate) fn set_params(&mut self, core: &mut Core, params: LoadBalancerParams) {
        let start_probing = params.health_check.enabled && !self.params.health_check.enabled;
        if params.standby != self.params.standby {
            if self.up {
                // A standby added while the active one runs is ready to take over; one removed is gone.
                self.standby_ready = params.standby;
            } else if params.standby {
                // Added while the active one is dead: the standby notices the missing active and takes
                // over after its takeover time, as it would have at the crash.
                let takeover_ms = takeover_ms(&params, core.now);
                core.log(
                    LogLevel::Warn,
                    self.index,
                    RunEvent::StandbyAdded { takeover_ms },
                    format!(
                        "standby added while the load balancer is down; it takes over in {takeover_ms:.0} ms"
                    ),
                );
                core.timer(to_ns(takeover_ms * 1e6), self.index, Timer::Takeover);
            }
        }
        if !params.health_check.enabled {
            // Without health checks every backend counts as healthy, and probes still out count
            // for nothing.
            for backend in &mut self.backends {
                backend.healthy = true;
                backend.unsettled.clear();
            }
        }
        self.params = params;
        if start_probing {
            self.probe_chain = self.probe_chain.wrapping_add(1);
            let interval = to_ns(self.params.health_check.interval_ms * 1e6);
            for slot in 0..self.backends.len() as u32 {
                let phase =
                    (core.streams[self.index.get()].probes.uniform() * interval as f64) as u64;
                let chain = self.probe_chain;
                core.timer(phase, self.index, Timer::ProbeSend { slot, chain });
            }
        }
    }

    fn name(core: &Core, backend: &Backend) -> String {
        core.ids[backend.node.get()].clone()
    }

    pub(crate) fn arrive(&mut self, core: &mut Core, call: CallId) {
        core.arrived(call);
        if !self.up {
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            return;
        }
        if self.connections >= u64::from(self.params.max_connections) {
            core.fail(call, FailureCause::Overloaded { node: self.index.0 });
            return;
        }
        let (user, weight) = core.calls.get(call).map_or((0, 1), |c| (c.user, c.weight));
        let Some(slot) = self.choose(core, user) else {
            core.fail(call, FailureCause::NoHealthyBackend { node: self.index.0 });
            return;
        };
        let backend = &mut self.backends[slot];
        backend.connections += 1;
        self.connections += weight;
        let link = backend.link;
        if let Some(state) = core.calls.get_mut(call) {
            state.member = slot as u32;
        }
        let delay = to_ns(self.params.processing_ms * 1e6);
        core.forward(call, link, delay);
    }

    fn choose(&mut self, core: &mut Core, user: u32) -> Option<usize> {
        let now = core.now;
        self.scratch.clear();
        self.scratch.extend(
            (0..self.backends.len()).filter(|&slot| self.backends[slot].usable(now, false)),
        );
        // AWS ALB: with every target unhealthy, route to all of them (fail open).
        let open = self.scratch.is_empty() && self.params.fail_open;
        if open {
            self.scratch.extend(
                (0..self.backends.len()).filter(|&slot| self.backends[slot].usable(now, true)),
            );
        }
        let count = self.backends.len();
        if self.scratch.is_empty() {
            if self.explain {
                self.last_explanation = Some(RouteExplanation::NoHealthyBackend);
            }
            return None;
        }
        let chosen = match self.params.algorithm {
            Algorithm::RoundRobin => {
                let mut slot = self.cursor % count;
                while !self.backends[slot].usable(now, open) {
                    slot = (slot + 1) % count;
                }
                if self.explain {
                    self.last_explanation = Some(RouteExplanation::RoundRobin {
                        cursor: self.cursor % count,
                        chosen: LoadBalancer::name(core, &self.backends[slot]),
                    });
                }
                self.cursor = slot + 1;
                slot
            }
            Algorithm::WeightedRoundRobin => {
                let total: i64 = self.scratch.iter().map(|&s| self.backends[s].weight).sum();
                let before: Vec<(String, i64, i64)> = if self.explain {
                    self.scratch
                        .iter()
                        .map(|&s| {
                            let b = &self.backends[s];
                            (LoadBalancer::name(core, b), b.weight, b.current_weight)
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let mut best = self.scratch[0];
                for &slot in &self.scratch {
                    let backend = &mut self.backends[slot];
                    backend.current_weight += backend.weight;
                    if backend.current_weight > self.backends[best].current_weight {
                        best = slot;
                    }
                }
                self.backends[best].current_weight -= total;
                if self.explain {
                    self.last_explanation = Some(RouteExplanation::WeightedRoundRobin {
                        weights: before,
                        chosen: LoadBalancer::name(core, &self.backends[best]),
                    });
                }
                best
            }
            Algorithm::LeastConnections => {
                // Ties go to the first candidate after the cursor, so equal backends share the load.
                let start = self.cursor % self.scratch.len();
                let mut best = self.scratch[start];
                for offset in 1..self.scratch.len() {
                    let slot = self.scratch[(start + offset) % self.scratch.len()];
                    if self.backends[slot].connections < self.backends[best].connections {
                        best = slot;
                    }
                }
                self.cursor += 1;
                if self.explain {
                    self.last_explanation = Some(RouteExplanation::LeastConnections {
                        connections: self
                            .scratch
                            .iter()
                            .map(|&s| {
                                (
                                    LoadBalancer::name(core, &self.backends[s]),
                                    self.backends[s].connections,
                                )
                            })
                            .collect(),
                        chosen: LoadBalancer::name(core, &self.backends[best]),
                    });
                }
                best
            }
            Algorithm::Random => {
                let slot = self.scratch[core.streams[self.index.get()]
                    .routing
                    .below(self.scratch.len())];
                if self.explain {
                    self.last_explanation = Some(RouteExplanation::Random {
                        healthy: self.scratch.len(),
                        chosen: LoadBalancer::name(core, &self.backends[slot]),
                    });
                }
                slot
            }
            Algorithm::PowerOfTwo => {
                let n = self.scratch.len();
                let first = core.streams[self.index.get()].routing.below(n);
                let second = if n > 1 {
                    (first + 1 + core.streams[self.index.get()].routing.below(n - 1)) % n
                } else {
                    first
                };
                let (a, b) = (self.scratch[first], self.scratch[second]);
                let chosen = if self.backends[b].connections < self.backends[a].connections {
                    b
                } else {
                    a
                };
                if self.explain {
                    self.last_explanation = Some(RouteExplanation::PowerOfTwo {
                        first: (
                            LoadBalancer::name(core, &self.backends[a]),
                            self.backends[a].connections,
                        ),
                        second: (
                            LoadBalancer::name(core, &self.backends[b]),
                            self.backends[b].connections,
                        ),
                        chosen: LoadBalancer::name(core, &self.backends[chosen]),
                    });
                }
                chosen
            }
            Algorithm::ConsistentHash => {
                let hash = hash32(u64::from(user) | (1 << 40));
                let start = self.ring.partition_point(|&(point, _)| point < hash);
                let mut chosen = None;
                for offset in 0..self.ring.len() {
                    let (point, slot) = self.ring[(start + offset) % self.ring.len()];
                    if self.backends[slot as usize].usable(now, open) {
                        chosen = Some((point, slot as usize));
                        break;
                    }
                }
                let (point, slot) = chosen?;
                if self.explain {
                    self.last_explanation = Some(RouteExplanation::ConsistentHash {
                        user,
                        hash,
                        ring_point: point,
                        chosen: LoadBalancer::name(core, &self.backends[slot]),
                    });
                }
                slot
            }
        };
        Some(chosen)
    }

    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        parent: CallId,
        failure: Option<FailureCause>,
    ) {
        let (slot, weight) = core
            .calls
            .get(parent)
            .map_or((usize::MAX, 1), |c| (c.member as usize, c.weight));
        if let Some(backend) = self.backends.get_mut(slot) {
            backend.connections = backend.connections.saturating_sub(1);
        }
        self.connections = self.connections.saturating_sub(weight);
        if let Some(cause) = failure {
            self.passive_check(core, slot, cause);
        }
        core.respond(parent, failure.map_or(Ok(()), Err));
    }

    /// The deregistration delay of a removed backend is over: the requests it still holds fail now
    /// (their replies, if they ever come, go nowhere).
    fn cut_off(&mut self, core: &mut Core, slot: u32) {
        let me = self.index;
        let held: Vec<(CallId, CallId, u64)> = core
            .calls
            .iter()
            .filter_map(|(child, call)| {
                let parent = call.caller?;
                let at = core.calls.get(parent)?;
                (at.node == me && at.member == slot).then_some((child, parent, at.weight))
            })
            .collect();
        if held.is_empty() {
            return;
        }
        let Some(backend) = self.backends.get(slot as usize) else {
            return;
        };
        let node = backend.node;
        core.log(
            LogLevel::Warn,
            me,
            RunEvent::DeregistrationCutOff {
                backend: core.ids[node.get()].clone(),
                requests: held.len() as u32,
            },
            format!(
                "deregistration delay over: {} request(s) still at {} cut off",
                held.len(),
                core.ids[node.get()]
            ),
        );
        for (child, parent, weight) in held {
            if let Some(orphan) = core.calls.get_mut(child) {
                orphan.caller = None;
            }
            if let Some(backend) = self.backends.get_mut(slot as usize) {
                backend.connections = backend.connections.saturating_sub(1);
            }
            self.connections = self.connections.saturating_sub(weight);
            core.fail(parent, FailureCause::BackendDown { node: node.0 });
        }
    }

    /// Passive checks (open-source Nginx): a request that failed because the backend could not be
    /// reached or died with it (not one it refused as too busy) counts against it; `max_fails`
    /// within the window take it out for the window, after which live requests try it again. A
    /// load balancer with one backend never takes it out.
    fn passive_check(&mut self, core: &mut Core, slot: usize, cause: FailureCause) {
        let max_fails = self.params.passive_max_fails;
        if max_fails == 0 || self.backends.iter().filter(|b| !b.removed).count() < 2 {
            return;
        }
        let Some(backend) = self.backends.get_mut(slot) else {
            return;
        };
        let node = backend.node.0;
        let counts = match cause {
            FailureCause::BackendDown { node: at } | FailureCause::OutOfMemory { node: at } => {
                at == node
            }
            FailureCause::Partition { from, to } | FailureCause::LinkLoss { from, to } => {
                from == self.index.0 && to == node
            }
            _ => false,
        };
        if !counts {
            return;
        }
        let now = core.now;
        let window = to_ns(self.params.passive_fail_timeout_ms * 1e6);
        if now.saturating_sub(backend.passive_since) > window || backend.passive_fails == 0 {
            backend.passive_since = now;
            backend.passive_fails = 0;
        }
        backend.passive_fails += 1;
        if backend.passive_fails >= max_fails && now >= backend.skipped_until {
            backend.skipped_until = now + window;
            backend.passive_fails = 0;
            let name = LoadBalancer::name(core, backend);
            let seconds = window as f64 / 1e9;
            core.log(
                LogLevel::Warn,
                self.index,
                RunEvent::PassivelySkipped {
                    backend: name.clone(),
                    failed: max_fails,
                    skipped_s: seconds,
                },
                format!(
                    "{name} failed {max_fails} request(s): skipped for {seconds:.0} s, then tried again with a live request"
                ),
            );
        }
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        let check = self.params.health_check.clone();
        match timer {
            Timer::ProbeSend { slot, chain } => {
                let Some(backend) = self.backends.get_mut(slot as usize) else {
                    return;
                };
                if !check.enabled || chain != self.probe_chain || backend.removed {
                    return;
                }
                core.timer(
                    to_ns(check.interval_ms * 1e6),
                    self.index,
                    Timer::ProbeSend { slot, chain },
                );
                if !self.up {
                    return;
                }
                backend.probe_sequence += 1;
                backend.probes_sent += 1;
                let sequence = backend.probe_sequence;
                backend.unsettled.push(sequence);
                let target = backend.node;
                let link = &core.links[backend.link.get()];
                let delay = link.delay();
                if !core.partitioned(self.index, target) {
                    core.schedule(
                        delay,
                        crate::core::Event::ProbeArrive {
                            node: target,
                            load_balancer: self.index,
                            slot,
                            sequence,
                        },
                    );
                }
                core.timer(
                    to_ns(check.timeout_ms * 1e6),
                    self.index,
                    Timer::ProbeTimeout { slot, sequence },
                );
            }
            Timer::ProbeReply { slot, sequence } => self.probe_result(core, slot, sequence, true),
            Timer::ProbeTimeout { slot, sequence } => {
                self.probe_result(core, slot, sequence, false);
            }
            // A standby removed before its takeover time never takes over.
            Timer::Deregistered { slot } => self.cut_off(core, slot),
            Timer::Takeover if !self.up && self.params.standby => {
                self.up = true;
                core.log(
                    LogLevel::Warn,
                    self.index,
                    RunEvent::StandbyTookOver,
                    "standby load balancer took over".to_owned(),
                );
            }
            _ => {}
        }
    }

    fn probe_result(&mut self, core: &mut Core, slot: u32, sequence: u32, ok: bool) {
        let check = &self.params.health_check;
        let Some(backend) = self.backends.get_mut(slot as usize) else {
            return;
        };
        // A reply after the timeout, or a timeout after the reply, finds the probe settled.
        let Some(position) = backend.unsettled.iter().position(|&s| s == sequence) else {
            return;
        };
        backend.unsettled.remove(position);
        backend.last_probe_ok = Some(ok);
        let name = core.ids[backend.node.get()].clone();
        if ok {
            backend.consecutive_failed = 0;
            backend.consecutive_ok += 1;
            if !backend.healthy && backend.consecutive_ok >= check.healthy_threshold {
                backend.healthy = true;
                let event = RunEvent::MarkedHealthy {
                    backend: name.clone(),
                    passed: backend.consecutive_ok,
                    threshold: check.healthy_threshold,
                };
                core.log(
                    LogLevel::Info,
                    self.index,
                    event,
                    format!(
                        "{name} passed health check {}/{} — marked healthy",
                        backend.consecutive_ok, check.healthy_threshold
                    ),
                );
            }
        } else {
            backend.consecutive_ok = 0;
            backend.consecutive_failed += 1;
            if backend.healthy {
                let level = if backend.consecutive_failed >= check.unhealthy_threshold {
                    backend.healthy = false;
                    LogLevel::Error
                } else {
                    LogLevel::Warn
                };
                let verdict = if backend.healthy {
                    ""
                } else {
                    " — marked unhealthy"
                };
                let (backend_id, failed, threshold) = (
                    name.clone(),
                    backend.consecutive_failed,
                    check.unhealthy_threshold,
                );
                let event = if backend.healthy {
                    RunEvent::HealthCheckFailed {
                        backend: backend_id,
                        failed,
                        threshold,
                    }
                } else {
                    RunEvent::MarkedUnhealthy {
                        backend: backend_id,
                        failed,
                        threshold,
                    }
                };
                core.log(
                    level,
                    self.index,
                    event,
                    format!(
                        "{name} failed health check {}/{}{verdict}",
                        backend.consecutive_failed, check.unhealthy_threshold
                    ),
                );
            }
        }
    }

    pub(crate) fn kill(&mut self, core: &mut Core) {
        if !self.up {
            return;
        }
        self.up = false;
        if self.standby_ready {
            self.standby_ready = false;
            let takeover_ms = takeover_ms(&self.params, core.now);
            core.log(
                LogLevel::Error,
                self.index,
                RunEvent::ActiveLoadBalancerDied { takeover_ms },
                format!("active load balancer died; standby takes over in {takeover_ms:.0} ms"),
            );
            core.timer(to_ns(takeover_ms * 1e6), self.index, Timer::Takeover);
        } else {
            let event = RunEvent::Crashed {
                cause: CrashCause::Killed,
            };
            core.log(LogLevel::Error, self.index, event, "died".to_owned());
        }
    }

    pub(crate) fn restart(&mut self, core: &mut Core) {
        self.up = true;
        self.standby_ready = self.params.standby;
        let event = RunEvent::Restarted;
        core.log(LogLevel::Info, self.index, event, "restarted".to_owned());
    }

    pub(crate) fn healthy_count(&self) -> usize {
        self.current_backends().filter(|b| b.healthy).count()
    }

    pub(crate) fn gauges(&self) -> Gauges {
        Gauges {
            connections: self.connections as f64,
            instances: u32::from(self.up),
            ..Gauges::default()
        }
    }

    pub(crate) fn cost_per_hour(&self) -> f64 {
        self.params.cost_per_hour * if self.params.standby { 2.0 } else { 1.0 }
    }
}

#[cfg(test)]
mod tests {
    use crate::design::Design;
    use crate::params::NodeParams;
    use crate::run_event::RunEvent;
    use crate::{Resolution, Simulation};

    /// The validation tests' health-check design (four servers behind round robin at 100 req/s
    /// each; server-1 dies at 10 s; probes every 2 s, 3 failures in a row mark it down) with the
    /// probe timeout set to `timeout_ms`, built without validation.
    fn health_check(timeout_ms: f64, seed: u64) -> Simulation {
        let text = include_str!("../../tests/designs/health_check.json");
        let mut design = Design::from_json(text).expect("a valid design file");
        for node in &mut design.nodes {
            if let NodeParams::LoadBalancer(lb) = &mut node.params {
                lb.health_check.timeout_ms = timeout_ms;
            }
        }
        Simulation::build(&design, seed, Resolution::PerRequest)
    }

    #[test]
    fn probes_that_time_out_after_the_next_one_left_still_find_a_dead_backend() {
        // A 3 s timeout with a 2 s interval: every probe is still out when the next one leaves.
        let mut losses = Vec::new();
        for seed in 0..20 {
            let mut simulation = health_check(3_000.0, 100 + seed);
            simulation.advance(25.0);
            let snapshot = simulation.snapshot();
            let lb = snapshot.nodes.iter().find(|n| n.id == "lb").expect("lb");
            assert_eq!(
                lb.healthy_backends,
                Some((3, 4)),
                "seed {seed}: the dead backend must leave the rotation"
            );
            let report = simulation.report();
            assert!(report.events.iter().any(|line| matches!(
                &line.event,
                Some(RunEvent::MarkedUnhealthy { backend, failed: 3, .. }) if backend == "server-1"
            )));
            losses.push(simulation.node_stats("users").expect("users").failed as f64);
        }
        // Detection takes I/2 + (n − 1)·I + T on average, whether T is shorter than I or not:
        // requests lost = 100/s × (1 + 2 × 2 + 3) s. 99 % Student-t interval over 20 runs.
        let n = losses.len() as f64;
        let mean = losses.iter().sum::<f64>() / n;
        let variance = losses.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let half_width = 2.861 * (variance / n).sqrt();
        println!("requests lost with T > I: {mean:.0} ± {half_width:.0}, expected 800");
        assert!((mean - 800.0).abs() <= half_width, "{mean} ± {half_width}");
        assert!(
            half_width <= 80.0,
            "the interval ±{half_width} says nothing"
        );
    }
}
