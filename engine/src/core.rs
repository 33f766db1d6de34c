//! The state every node shares: the clock, the event list, the generator, the request slab, the
//! links, the metrics and the log. Nodes get `&mut Core` and talk to each other only through events.

use crate::NodeKind;
use crate::error_report::ErrorReport;
use crate::event_queue::EventQueue;
use crate::metrics::{FailureCause, LinkMetrics, LogKind, LogLevel, Logs, NodeMetrics};
use crate::params::RequestType;
use crate::random::Streams;
use crate::release::{Defect, ReleaseRecord};
use crate::run_event::RunEvent;

/// Index of a node in the simulation (the design's node order, then nodes added live).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIndex(pub u32);

impl NodeIndex {
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// Index of a link in the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkIndex(pub u32);

impl LinkIndex {
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// A handle on a call in the slab; the generation makes stale handles harmless.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallId {
    index: u32,
    generation: u32,
}

/// One hop of a request: the work one node does for its caller. A user request is a tree of calls:
/// the root lives at the users node, each child at the node it was sent to.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    generation: u32,
    alive: bool,
    /// The user request this call serves (for the digest and the animation sample).
    pub(crate) request: u64,
    pub(crate) caller: Option<CallId>,
    pub(crate) node: NodeIndex,
    /// The link it arrived on (None for a root).
    pub(crate) link: Option<LinkIndex>,
    /// Node-specific slot: group member, database instance, load-balancer backend.
    pub(crate) member: u32,
    /// Incarnation of `member` when the call was admitted, to notice crashes.
    pub(crate) epoch: u32,
    pub(crate) request_type: RequestType,
    pub(crate) user: u32,
    pub(crate) key: u32,
    /// When the call arrived at its node (roots: when the attempt started), nanoseconds.
    pub(crate) arrived: u64,
    /// Roots: when the user first asked, nanoseconds.
    pub(crate) started: u64,
    pub(crate) pending: u32,
    pub(crate) failure: Option<FailureCause>,
    pub(crate) attempt: u32,
    /// Roots: the outstanding child of the current attempt.
    pub(crate) child: Option<CallId>,
    /// Travel on its link: departs at `transit.0`, arrives at `transit.1`; `returning` for the reply.
    pub(crate) transit: (u64, u64),
    pub(crate) returning: bool,
    pub(crate) depth: u32,
    /// A thread-per-request worker is held for this call until its dependencies answer.
    pub(crate) holding: bool,
    /// Its wait and service at its current station were drawn (aggregated resolution) rather than
    /// queued: it holds no worker there (see `Station::drawn_done`).
    pub(crate) drawn: bool,
    /// Requests this call stands for (1, or more in the aggregated resolution).
    pub(crate) weight: u64,
    /// Part of a client's retry (attempt 2 or later), for the animation.
    pub(crate) retry: bool,
    /// Answered from a cache or a CDN edge without going further, for the animation.
    pub(crate) hit: bool,
    /// The request's work: the seed its service times are drawn from (common random numbers: the
    /// same request needs the same work wherever it is routed).
    pub(crate) work: u64,
}

/// Requests in a `Vec` with a free list: no allocation per request once warm.
#[derive(Clone)]
pub(crate) struct CallSlab {
    calls: Vec<Call>,
    free: Vec<u32>,
    live: usize,
}

impl CallSlab {
    fn new() -> CallSlab {
        CallSlab {
            calls: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }

    fn insert(&mut self, mut call: Call) -> CallId {
        self.live += 1;
        call.alive = true;
        match self.free.pop() {
            Some(index) => {
                let slot = &mut self.calls[index as usize];
                call.generation = slot.generation.wrapping_add(1);
                let generation = call.generation;
                *slot = call;
                CallId { index, generation }
            }
            None => {
                let index = self.calls.len() as u32;
                call.generation = 0;
                self.calls.push(call);
                CallId {
                    index,
                    generation: 0,
                }
            }
        }
    }

    pub(crate) fn get(&self, id: CallId) -> Option<&Call> {
        self.calls
            .get(id.index as usize)
            .filter(|call| call.alive && call.generation == id.generation)
    }

    pub(crate) fn get_mut(&mut self, id: CallId) -> Option<&mut Call> {
        self.calls
            .get_mut(id.index as usize)
            .filter(|call| call.alive && call.generation == id.generation)
    }

    pub(crate) fn remove(&mut self, id: CallId) {
        if let Some(call) = self.get_mut(id) {
            call.alive = false;
            call.caller = None;
            call.child = None;
            self.free.push(id.index);
            self.live -= 1;
        }
    }

    pub(crate) fn live(&self) -> usize {
        self.live
    }

    /// Live calls with their ids, in slab order (deterministic).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (CallId, &Call)> {
        self.calls.iter().enumerate().filter_map(|(index, call)| {
            call.alive.then_some((
                CallId {
                    index: index as u32,
                    generation: call.generation,
                },
                call,
            ))
        })
    }

    pub(crate) fn capacity(&self) -> usize {
        self.calls.len()
    }
}

/// Everything that happens, as small `Copy` values.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    /// A users node sends its next request (stale if the generation changed).
    Arrival {
        node: NodeIndex,
        generation: u32,
    },
    /// A call reaches its node.
    CallArrive {
        call: CallId,
    },
    /// A worker at the call's node finishes it.
    ServiceDone {
        call: CallId,
    },
    /// A call's reply reaches its caller.
    Response {
        call: CallId,
    },
    /// A node-specific timer.
    Timer {
        node: NodeIndex,
        timer: Timer,
    },
    /// A health probe from `load_balancer` reaches `node`.
    ProbeArrive {
        node: NodeIndex,
        load_balancer: NodeIndex,
        slot: u32,
        sequence: u32,
    },
    /// Once every simulated second: close metric windows.
    Tick,
    FaultStart {
        index: u32,
    },
    FaultEnd {
        index: u32,
    },
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Timer {
    /// The earliest client deadline of a users node is due.
    ClientTimeout,
    Retry {
        call: CallId,
    },
    /// A call finishes a fixed delay at its node (CDN edge).
    Delay {
        call: CallId,
    },
    /// Time to probe a backend; `chain` tells apart probing that was switched off and on again.
    ProbeSend {
        slot: u32,
        chain: u32,
    },
    ProbeReply {
        slot: u32,
        sequence: u32,
    },
    ProbeTimeout {
        slot: u32,
        sequence: u32,
    },
    /// A removed backend's deregistration delay is over: what it still holds is cut off.
    Deregistered {
        slot: u32,
    },
    PoolTimeout {
        call: CallId,
    },
    /// A member (instance) finished booting or restarting.
    Ready {
        member: u32,
        epoch: u32,
    },
    /// Automatic restart after a crash.
    Restart {
        member: u32,
        epoch: u32,
    },
    Takeover,
    Promotion,
    Evaluate,
    Scrape,
    /// A monitoring node evaluates its alert rules (when they have their own interval).
    EvaluateRules,
    /// A monitoring node's Alertmanager pipeline has notifications due.
    Notify,
    /// A pipeline's stage for a release (by [`crate::release::Stage`] code) is over.
    Stage {
        release: u32,
        stage: u8,
    },
    /// A deploy target is told to deploy a release.
    Deploy {
        release: u32,
    },
    /// A target tells its pipeline how the deploy ended (a [`crate::rollout::Report`] code).
    DeployReport {
        release: u32,
        target: u32,
        outcome: u8,
    },
    /// A canary analysis check is due.
    CanaryCheck {
        release: u32,
    },
    /// Blue-green: the old fleet's keep window after the switch is over.
    SwitchWindow {
        release: u32,
    },
    /// A rollout's progress deadline, armed when it last progressed (`generation` tells which).
    ProgressDeadline {
        release: u32,
        generation: u32,
    },
    /// A release scheduled in the design file is committed (its index among the pipeline's).
    Commit {
        index: u32,
    },
    /// A leaking release's instance runs out of memory.
    Leak {
        member: u32,
        epoch: u32,
    },
}

impl Event {
    /// A small code for the digest.
    pub(crate) fn code(&self) -> u64 {
        match self {
            Event::Arrival { .. } => 1,
            Event::CallArrive { .. } => 2,
            Event::ServiceDone { .. } => 3,
            Event::Response { .. } => 4,
            Event::Timer { timer, .. } => {
                16 + match timer {
                    Timer::ClientTimeout => 0,
                    Timer::Retry { .. } => 1,
                    Timer::Delay { .. } => 2,
                    Timer::ProbeSend { .. } => 3,
                    Timer::ProbeReply { .. } => 4,
                    Timer::ProbeTimeout { .. } => 5,
                    Timer::PoolTimeout { .. } => 6,
                    Timer::Ready { .. } => 7,
                    Timer::Restart { .. } => 8,
                    Timer::Takeover => 9,
                    Timer::Promotion => 10,
                    Timer::Evaluate => 11,
                    Timer::Scrape => 12,
                    Timer::EvaluateRules => 13,
                    Timer::Notify => 14,
                    Timer::Deregistered { .. } => 30,
                    Timer::Stage { .. } => 31,
                    Timer::Deploy { .. } => 32,
                    Timer::DeployReport { .. } => 33,
                    Timer::CanaryCheck { .. } => 34,
                    Timer::SwitchWindow { .. } => 35,
                    Timer::ProgressDeadline { .. } => 36,
                    Timer::Leak { .. } => 37,
                    Timer::Commit { .. } => 38,
                }
            }
            Event::ProbeArrive { .. } => 5,
            Event::Tick => 6,
            Event::FaultStart { .. } => 7,
            Event::FaultEnd { .. } => 8,
        }
    }
}

/// A link as the simulation sees it, with live degradation.
#[derive(Clone, Debug)]
pub(crate) struct LinkState {
    pub(crate) from: NodeIndex,
    pub(crate) to: NodeIndex,
    /// One-way latency, nanoseconds.
    pub(crate) latency_ns: u64,
    pub(crate) added_latency_ns: u64,
    pub(crate) loss: f64,
    pub(crate) added_loss: f64,
    /// Taken out of the design while running: no new call uses it, calls already on it finish.
    pub(crate) removed: bool,
}

impl LinkState {
    pub(crate) fn delay(&self) -> u64 {
        self.latency_ns + self.added_latency_ns
    }
}

/// Totals over all users nodes: the business view.
#[derive(Clone, Debug, Default)]
pub(crate) struct Totals {
    pub(crate) requests: u64,
    pub(crate) completed: u64,
    pub(crate) failed: u64,
    pub(crate) attempts: u64,
    pub(crate) retries: u64,
    pub(crate) signups: u64,
    pub(crate) revenue: f64,
    pub(crate) revenue_lost: f64,
    pub(crate) failures: std::collections::BTreeMap<FailureCause, u64>,
}

/// Deepest call chain before a request is refused (designs are acyclic, this only guards size).
pub(crate) const MAX_DEPTH: u32 = 64;

#[derive(Clone)]
pub(crate) struct Core {
    /// Simulated time, nanoseconds since the start.
    pub(crate) now: u64,
    pub(crate) queue: EventQueue<Event>,
    /// The run's seed, from which every node's [`Streams`] are derived.
    pub(crate) seed: u64,
    /// Each node's random streams, by node index.
    pub(crate) streams: Vec<Streams>,
    pub(crate) calls: CallSlab,
    pub(crate) links: Vec<LinkState>,
    /// Outgoing links of each node, in design order.
    pub(crate) outgoing: Vec<Vec<LinkIndex>>,
    pub(crate) metrics: Vec<NodeMetrics>,
    pub(crate) link_metrics: Vec<LinkMetrics>,
    pub(crate) ids: Vec<String>,
    pub(crate) zones: Vec<String>,
    pub(crate) kinds: Vec<crate::NodeKind>,
    /// Nodes taken out of the design while running keep their index (events and calls refer to it)
    /// and drain: no link leads to them, their own sources (arrivals, probes, scrapes) stop.
    pub(crate) removed: Vec<bool>,
    pub(crate) logs: Logs,
    /// Pairs of nodes that cannot reach each other (either direction).
    pub(crate) partitions: Vec<(NodeIndex, NodeIndex)>,
    pub(crate) totals: Totals,
    pub(crate) next_request: u64,
    /// Every release committed so far; version id `k` is `releases[k - 1]`, 0 the initial version.
    pub(crate) releases: Vec<ReleaseRecord>,
    /// Requests answered by instances of the initial version: completed and failed.
    pub(crate) initial_version_counts: (u64, u64),
}

impl Core {
    pub(crate) fn new(seed: u64) -> Core {
        Core {
            now: 0,
            queue: EventQueue::new(),
            seed,
            streams: Vec::new(),
            calls: CallSlab::new(),
            links: Vec::new(),
            outgoing: Vec::new(),
            metrics: Vec::new(),
            link_metrics: Vec::new(),
            ids: Vec::new(),
            zones: Vec::new(),
            kinds: Vec::new(),
            removed: Vec::new(),
            logs: Logs::new(),
            partitions: Vec::new(),
            totals: Totals::default(),
            next_request: 0,
            releases: Vec::new(),
            initial_version_counts: (0, 0),
        }
    }

    /// The release with version id `version` (`None` for the initial version 0).
    pub(crate) fn release(&self, version: u32) -> Option<&ReleaseRecord> {
        version
            .checked_sub(1)
            .and_then(|index| self.releases.get(index as usize))
    }

    pub(crate) fn release_mut(&mut self, version: u32) -> Option<&mut ReleaseRecord> {
        version
            .checked_sub(1)
            .and_then(|index| self.releases.get_mut(index as usize))
    }

    /// The defect an instance running `version` has.
    pub(crate) fn defect(&self, version: u32) -> Option<Defect> {
        self.release(version).and_then(|record| record.defect)
    }

    /// An instance running `version` answered a request.
    pub(crate) fn count_version(&mut self, version: u32, failed: bool) {
        match self.release_mut(version) {
            Some(record) => {
                if failed {
                    record.failed += 1;
                } else {
                    record.completed += 1;
                }
            }
            None if failed => self.initial_version_counts.1 += 1,
            None => self.initial_version_counts.0 += 1,
        }
    }

    /// Registers a node's identity and empty metrics; returns its index.
    pub(crate) fn add_node(&mut self, id: &str, zone: &str, kind: crate::NodeKind) -> NodeIndex {
        let index = NodeIndex(self.ids.len() as u32);
        self.ids.push(id.to_owned());
        self.zones.push(zone.to_owned());
        self.kinds.push(kind);
        self.removed.push(false);
        self.streams.push(Streams::new(self.seed, id));
        self.metrics.push(NodeMetrics::new());
        self.outgoing.push(Vec::new());
        index
    }

    /// The index of the node in the design with this id (never a removed one).
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        self.ids
            .iter()
            .zip(&self.removed)
            .position(|(x, removed)| !removed && x == id)
    }

    pub(crate) fn schedule(&mut self, delay_ns: u64, event: Event) {
        self.queue.push(self.now.saturating_add(delay_ns), event);
    }

    pub(crate) fn timer(&mut self, delay_ns: u64, node: NodeIndex, timer: Timer) {
        self.schedule(delay_ns, Event::Timer { node, timer });
    }

    /// A system event of a node (health check, crash, scaling…): the event, and its line for people.
    pub(crate) fn log(
        &mut self,
        level: LogLevel,
        node: NodeIndex,
        event: RunEvent,
        message: String,
    ) {
        self.log_line(level, LogKind::System, node, message, Some(event));
    }

    pub(crate) fn log_line(
        &mut self,
        level: LogLevel,
        kind: LogKind,
        node: NodeIndex,
        message: String,
        event: Option<RunEvent>,
    ) {
        let id = self.ids.get(node.get()).cloned().unwrap_or_default();
        self.logs.push(self.now, level, kind, &id, message, event);
    }

    /// A sampled access line at `node`: a request of `request_type` served in `latency_ns`.
    pub(crate) fn log_access(
        &mut self,
        node: NodeIndex,
        request_type: RequestType,
        latency_ns: u64,
    ) {
        let id = self.ids.get(node.get()).map_or("", String::as_str);
        self.logs
            .push_access(self.now, id, request_type, latency_ns);
    }

    pub(crate) fn partitioned(&self, a: NodeIndex, b: NodeIndex) -> bool {
        self.partitions
            .iter()
            .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
    }

    /// A new root call for a user request at a users node.
    pub(crate) fn new_root(
        &mut self,
        node: NodeIndex,
        request_type: RequestType,
        user: u32,
        weight: u64,
        work: u64,
    ) -> CallId {
        let request = self.next_request;
        self.next_request += 1;
        self.calls.insert(Call {
            generation: 0,
            alive: true,
            request,
            caller: None,
            node,
            link: None,
            member: 0,
            epoch: 0,
            request_type,
            user,
            key: 0,
            arrived: self.now,
            started: self.now,
            pending: 0,
            failure: None,
            attempt: 0,
            child: None,
            transit: (0, 0),
            returning: false,
            depth: 0,
            holding: false,
            drawn: false,
            retry: false,
            hit: false,
            weight,
            work,
        })
    }

    /// A service time of `call` at `node`: drawn from the request's own work, salted by the kind of
    /// node and the call's depth only, so the same request needs the same work whichever server it
    /// is routed to (common random numbers across designs that route differently).
    pub(crate) fn service_ns(
        &self,
        call: CallId,
        node: NodeIndex,
        time: &crate::params::ServiceTime,
        slow_factor: f64,
    ) -> u64 {
        let (work, depth) = self
            .calls
            .get(call)
            .map_or((0, 0), |call| (call.work, call.depth));
        let kind = self.kinds[node.get()] as u64;
        let seed = work ^ (kind << 48) ^ (u64::from(depth) << 56);
        crate::random::Random::for_draw(seed).service_ns(time, slow_factor)
    }

    /// Sends a child of `parent` along `link` after `extra_delay_ns` at the sender. Partitions and
    /// loss fail the child on the spot (as a refused connection), so the caller hears at once.
    pub(crate) fn forward(
        &mut self,
        parent: CallId,
        link: LinkIndex,
        extra_delay_ns: u64,
    ) -> Option<CallId> {
        let (request, request_type, user, key, depth, weight, retry, work) = {
            let call = self.calls.get_mut(parent)?;
            call.pending += 1;
            (
                call.request,
                call.request_type,
                call.user,
                call.key,
                call.depth,
                call.weight,
                call.retry || call.attempt > 1,
                call.work,
            )
        };
        let state = &self.links[link.get()];
        let (from, to, delay) = (state.from, state.to, state.delay());
        let loss = state.loss + state.added_loss;
        let depart = self.now + extra_delay_ns;
        let child = self.calls.insert(Call {
            generation: 0,
            alive: true,
            request,
            caller: Some(parent),
            node: to,
            link: Some(link),
            member: 0,
            epoch: 0,
            request_type,
            user,
            key,
            arrived: depart + delay,
            started: depart,
            pending: 0,
            failure: None,
            attempt: 0,
            child: None,
            transit: (depart, depart + delay),
            returning: false,
            depth: depth + 1,
            holding: false,
            drawn: false,
            retry,
            hit: false,
            weight,
            work,
        });
        let metrics = &mut self.link_metrics[link.get()];
        metrics.sent += weight;
        metrics.window_sent += weight;
        let refused = if self.partitioned(from, to) {
            Some(FailureCause::Partition {
                from: from.0,
                to: to.0,
            })
        } else if depth + 1 > MAX_DEPTH {
            Some(FailureCause::NoRoute { node: from.0 })
        } else if loss > 0.0 && self.streams[from.get()].loss.chance(loss) {
            Some(FailureCause::LinkLoss {
                from: from.0,
                to: to.0,
            })
        } else {
            None
        };
        match refused {
            Some(cause) => {
                self.link_metrics[link.get()].failed += weight;
                if let Some(call) = self.calls.get_mut(child) {
                    call.failure = Some(cause);
                    call.transit = (0, 0);
                }
                self.schedule(extra_delay_ns, Event::Response { call: child });
            }
            None => self.schedule(extra_delay_ns + delay, Event::CallArrive { call: child }),
        }
        Some(child)
    }

    /// Records that `call` arrived at its node.
    pub(crate) fn arrived(&mut self, call: CallId) {
        if let Some(state) = self.calls.get_mut(call) {
            state.arrived = self.now;
            state.transit = (0, 0);
            let (node, weight) = (state.node, state.weight);
            self.metrics[node.get()].arrive(self.now, weight);
        }
    }

    /// The node of `call` answers its caller with `outcome`; the reply travels back on the link.
    pub(crate) fn respond(&mut self, call: CallId, outcome: Result<(), FailureCause>) {
        let now = self.now;
        let Some(state) = self.calls.get_mut(call) else {
            return;
        };
        let node = state.node;
        let weight = state.weight;
        let latency = now.saturating_sub(state.arrived);
        let request_type = state.request_type;
        match outcome {
            Ok(()) => self.metrics[node.get()].succeed(now, latency, weight, request_type),
            Err(cause) => self.metrics[node.get()].fail(now, cause, weight, request_type),
        }
        let Some(state) = self.calls.get_mut(call) else {
            return;
        };
        state.failure = outcome.err();
        if state.caller.is_none() {
            // Its caller gave up on it: nobody is waiting for the reply.
            self.calls.remove(call);
            return;
        }
        let delay = state.link.map_or(0, |link| self.links[link.get()].delay());
        state.returning = true;
        state.transit = (now, now + delay);
        if let (Err(_), Some(link)) = (outcome, state.link) {
            self.link_metrics[link.get()].failed += weight;
        }
        self.schedule(delay, Event::Response { call });
    }

    /// A request fails at the node that holds it: one error line there (within the per-second
    /// budget), then the error answers its caller. Every node kind fails the requests it cannot serve
    /// through this one path (relaying a failure from downstream is a plain `respond`).
    pub(crate) fn fail(&mut self, call: CallId, cause: FailureCause) {
        self.log_call_failure(call, cause);
        self.respond(call, Err(cause));
    }

    /// Logs an error line for `call`, failed with `cause`, at the node that holds it.
    pub(crate) fn log_call_failure(&mut self, call: CallId, cause: FailureCause) {
        if let Some((node, request_type)) = self.calls.get(call).map(|c| (c.node, c.request_type)) {
            self.log_failure(node, cause, request_type, None);
        }
    }

    /// An instance running `version` failed `call`: its report carries the release, once the run
    /// has releases.
    pub(crate) fn log_instance_failure(&mut self, call: CallId, cause: FailureCause, version: u32) {
        if let Some((node, request_type)) = self.calls.get(call).map(|c| (c.node, c.request_type)) {
            let release = (!self.releases.is_empty()).then(|| {
                self.release(version).map_or_else(
                    || crate::release::INITIAL_VERSION.to_owned(),
                    |record| record.version.clone(),
                )
            });
            self.log_failure(node, cause, request_type, release);
        }
    }

    /// Logs an error line for a failed request of `request_type`, within the per-second budget, with
    /// the exception the node that logs it would report.
    pub(crate) fn log_failure(
        &mut self,
        node: NodeIndex,
        cause: FailureCause,
        request_type: RequestType,
        release: Option<String>,
    ) {
        if self.logs.error_budget > 0 {
            self.logs.error_budget -= 1;
            let failure = cause.named(&self.ids);
            let message = format!("request failed: {}", failure.describe());
            let reporter = self.ids.get(node.get()).map_or("", String::as_str);
            let kind = self
                .kinds
                .get(node.get())
                .copied()
                .unwrap_or(NodeKind::Server);
            let mut report = ErrorReport::new(kind, reporter, request_type, &failure);
            report.release = release;
            let event = RunEvent::RequestFailed { failure, report };
            self.log_line(LogLevel::Error, LogKind::Error, node, message, Some(event));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_stay_small() {
        // Events are copied in and out of the heap: keep them small.
        assert!(
            std::mem::size_of::<super::Event>() <= 24,
            "{}",
            std::mem::size_of::<super::Event>()
        );
    }
}
