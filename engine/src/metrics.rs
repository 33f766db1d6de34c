//! Counters, windows and bounded series: what each node and link measured.
//!
//! Cumulative counters cover the whole run; a one-second window is closed on every simulated second
//! into a [`SeriesPoint`] kept in a bounded ring buffer.

use std::collections::VecDeque;

use serde::Serialize;

use crate::histogram::Histogram;
use crate::params::RequestType;
use crate::run_event::{Failure, RunEvent};
use crate::snapshot::RequestTypeFigures;

/// Why a request failed. Each names the node where it went wrong (by index into the design's nodes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureCause {
    /// The client gave up waiting (client timeout) at a users node.
    ClientTimeout { node: u32 },
    /// Waited longer than the node's timeout for a worker.
    Timeout { node: u32 },
    /// The node's waiting room was full.
    QueueFull { node: u32 },
    /// The node was down (crashed, killed, booting, or a dead primary).
    BackendDown { node: u32 },
    /// A load balancer found no healthy backend.
    NoHealthyBackend { node: u32 },
    /// A load balancer hit its own connection limit.
    Overloaded { node: u32 },
    /// No database connection became free in time, or too many were waiting.
    PoolExhausted { node: u32 },
    /// The node ran out of memory and crashed.
    OutOfMemory { node: u32 },
    /// A network partition separates the two nodes.
    Partition { from: u32, to: u32 },
    /// The request was lost on the link.
    LinkLoss { from: u32, to: u32 },
    /// The node has nowhere to send the request.
    NoRoute { node: u32 },
    /// A bug in the release (version id `release`) the instance runs.
    Defect { node: u32, release: u32 },
}

/// The cause without its node, for per-node counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    ClientTimeout,
    Timeout,
    QueueFull,
    BackendDown,
    NoHealthyBackend,
    Overloaded,
    PoolExhausted,
    OutOfMemory,
    Partition,
    LinkLoss,
    NoRoute,
    Defect,
}

impl CauseKind {
    pub const COUNT: usize = 12;
    pub const ALL: [CauseKind; CauseKind::COUNT] = [
        CauseKind::ClientTimeout,
        CauseKind::Timeout,
        CauseKind::QueueFull,
        CauseKind::BackendDown,
        CauseKind::NoHealthyBackend,
        CauseKind::Overloaded,
        CauseKind::PoolExhausted,
        CauseKind::OutOfMemory,
        CauseKind::Partition,
        CauseKind::LinkLoss,
        CauseKind::NoRoute,
        CauseKind::Defect,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            CauseKind::ClientTimeout => "client timeout",
            CauseKind::Timeout => "timeout",
            CauseKind::QueueFull => "queue full",
            CauseKind::BackendDown => "backend down",
            CauseKind::NoHealthyBackend => "no healthy backend",
            CauseKind::Overloaded => "load balancer overloaded",
            CauseKind::PoolExhausted => "connection pool exhausted",
            CauseKind::OutOfMemory => "out of memory",
            CauseKind::Partition => "network partition",
            CauseKind::LinkLoss => "lost on link",
            CauseKind::NoRoute => "nowhere to send it",
            CauseKind::Defect => "bug in the release",
        }
    }
}

impl FailureCause {
    pub fn kind(self) -> CauseKind {
        match self {
            FailureCause::ClientTimeout { .. } => CauseKind::ClientTimeout,
            FailureCause::Timeout { .. } => CauseKind::Timeout,
            FailureCause::QueueFull { .. } => CauseKind::QueueFull,
            FailureCause::BackendDown { .. } => CauseKind::BackendDown,
            FailureCause::NoHealthyBackend { .. } => CauseKind::NoHealthyBackend,
            FailureCause::Overloaded { .. } => CauseKind::Overloaded,
            FailureCause::PoolExhausted { .. } => CauseKind::PoolExhausted,
            FailureCause::OutOfMemory { .. } => CauseKind::OutOfMemory,
            FailureCause::Partition { .. } => CauseKind::Partition,
            FailureCause::LinkLoss { .. } => CauseKind::LinkLoss,
            FailureCause::NoRoute { .. } => CauseKind::NoRoute,
            FailureCause::Defect { .. } => CauseKind::Defect,
        }
    }

    /// The node where it went wrong (the receiving end for link problems).
    pub fn node(self) -> u32 {
        match self {
            FailureCause::ClientTimeout { node }
            | FailureCause::Timeout { node }
            | FailureCause::QueueFull { node }
            | FailureCause::BackendDown { node }
            | FailureCause::NoHealthyBackend { node }
            | FailureCause::Overloaded { node }
            | FailureCause::PoolExhausted { node }
            | FailureCause::OutOfMemory { node }
            | FailureCause::NoRoute { node }
            | FailureCause::Defect { node, .. } => node,
            FailureCause::Partition { to, .. } | FailureCause::LinkLoss { to, .. } => to,
        }
    }

    /// The failure with its nodes named by their ids.
    pub fn named(self, ids: &[String]) -> Failure {
        let name = |index: u32| {
            ids.get(index as usize)
                .map_or_else(|| "?".to_owned(), String::clone)
        };
        let from = match self {
            FailureCause::Partition { from, .. } | FailureCause::LinkLoss { from, .. } => {
                Some(name(from))
            }
            _ => None,
        };
        Failure {
            cause: self.kind(),
            node: name(self.node()),
            from,
        }
    }

    /// "queue full at server-2", given the node ids.
    pub fn describe(self, ids: &[String]) -> String {
        self.named(ids).describe()
    }
}

/// A bounded FIFO: pushing beyond capacity drops the oldest entry.
#[derive(Clone, Debug)]
pub(crate) struct RingBuffer<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> RingBuffer<T> {
    pub fn new(capacity: usize) -> RingBuffer<T> {
        RingBuffer {
            items: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn push(&mut self, item: T) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }
}

/// One second of one node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SeriesPoint {
    /// End of the second, seconds of simulated time.
    pub time_s: f64,
    /// Responses per second.
    pub throughput: f64,
    /// Failed / all responses in the second, 0..=1.
    pub error_rate: f64,
    /// Response time percentiles and mean, milliseconds.
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    /// Busy workers / workers over the second, 0..=1.
    pub cpu: f64,
    /// Requests waiting at the end of the second.
    pub queue: f64,
    /// Mean wait for a worker (queueing delay, service apart) of the requests a worker took in the
    /// second, milliseconds; and the share of them that had to wait, 0..=1.
    pub wait_ms: f64,
    pub wait_probability: f64,
    /// Memory in use, mebibytes.
    pub memory_mb: f64,
    /// Open connections (load balancers, databases) or requests inside the node.
    pub connections: f64,
    /// Cache hit ratio over the second, 0..=1 (NaN-free: 0 when no lookups).
    pub hit_ratio: f64,
    /// Payment responses in the second, and the failed share of them, 0..=1 (0 when none).
    pub payments: f64,
    pub payment_error_rate: f64,
}

/// Seconds of history kept per node.
pub const SERIES_SECONDS: usize = 600;

/// Responses of one request type at one node: whole run, the open second and the last closed one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct TypeCounts {
    pub completed: u64,
    pub failed: u64,
    pub window_completed: u64,
    pub window_failed: u64,
    pub last_completed: u64,
    pub last_failed: u64,
}

/// Everything measured at one node.
#[derive(Clone, Debug)]
pub(crate) struct NodeMetrics {
    /// Responses by request type ([`RequestType::index`] order): a database whose primary is down
    /// still serves reads from its replicas while its writes fail, and the figures must say so.
    pub by_type: [TypeCounts; 4],
    pub arrivals: u64,
    pub completed: u64,
    pub failed: u64,
    pub failures_by_cause: [u64; CauseKind::COUNT],
    /// Response times of successful responses, whole run.
    pub latency: Histogram,
    pub window_latency: Histogram,
    pub window_completed: u64,
    pub window_failed: u64,
    pub hits: u64,
    pub misses: u64,
    pub window_hits: u64,
    pub window_misses: u64,
    pub series: RingBuffer<SeriesPoint>,
    /// Time-integral of requests inside the node, request·nanoseconds (for Little's law).
    /// An exact integer: no float conversion per arrival or answer, no rounding in long runs.
    pub occupancy_integral: u128,
    pub inside: u64,
    pub inside_changed_at: u64,
    /// When the cumulative figures started (0, or the last statistics reset), nanoseconds.
    pub since: u64,
    /// Processes PM2 gave up on ("errored") that are still down: a gauge, kept by the server.
    pub errored_processes: u32,
}

impl Default for NodeMetrics {
    fn default() -> Self {
        NodeMetrics::new()
    }
}

impl NodeMetrics {
    pub fn new() -> NodeMetrics {
        NodeMetrics {
            by_type: [TypeCounts::default(); 4],
            arrivals: 0,
            completed: 0,
            failed: 0,
            failures_by_cause: [0; CauseKind::COUNT],
            latency: Histogram::new(),
            window_latency: Histogram::new(),
            window_completed: 0,
            window_failed: 0,
            hits: 0,
            misses: 0,
            window_hits: 0,
            window_misses: 0,
            series: RingBuffer::new(SERIES_SECONDS),
            occupancy_integral: 0,
            inside: 0,
            inside_changed_at: 0,
            since: 0,
            errored_processes: 0,
        }
    }

    /// Forgets the cumulative figures (after a warm-up); requests inside stay inside.
    pub(crate) fn reset(&mut self, now: u64) {
        self.accrue(now);
        self.arrivals = 0;
        self.completed = 0;
        self.failed = 0;
        self.failures_by_cause = [0; CauseKind::COUNT];
        for counts in &mut self.by_type {
            counts.completed = 0;
            counts.failed = 0;
        }
        self.latency.clear();
        self.hits = 0;
        self.misses = 0;
        self.occupancy_integral = 0;
        self.since = now;
    }

    fn accrue(&mut self, now: u64) {
        self.occupancy_integral +=
            u128::from(self.inside) * u128::from(now.saturating_sub(self.inside_changed_at));
        self.inside_changed_at = now;
    }

    pub(crate) fn arrive(&mut self, now: u64, weight: u64) {
        self.accrue(now);
        self.inside += weight;
        self.arrivals += weight;
    }

    pub(crate) fn succeed(
        &mut self,
        now: u64,
        latency_ns: u64,
        weight: u64,
        request_type: RequestType,
    ) {
        let counts = &mut self.by_type[request_type.index()];
        counts.completed += weight;
        counts.window_completed += weight;
        self.accrue(now);
        self.inside = self.inside.saturating_sub(weight);
        self.completed += weight;
        self.window_completed += weight;
        self.latency.record_n(latency_ns, weight);
        self.window_latency.record_n(latency_ns, weight);
    }

    pub(crate) fn fail(
        &mut self,
        now: u64,
        cause: FailureCause,
        weight: u64,
        request_type: RequestType,
    ) {
        let counts = &mut self.by_type[request_type.index()];
        counts.failed += weight;
        counts.window_failed += weight;
        self.accrue(now);
        self.inside = self.inside.saturating_sub(weight);
        self.failed += weight;
        self.window_failed += weight;
        self.failures_by_cause[cause.kind() as usize] += weight;
    }

    /// Failures by cause since the start, causes that never happened left out.
    pub(crate) fn errors_by_cause(&self) -> Vec<(CauseKind, u64)> {
        CauseKind::ALL
            .iter()
            .filter_map(|kind| {
                let count = self.failures_by_cause[*kind as usize];
                (count > 0).then_some((*kind, count))
            })
            .collect()
    }

    /// Responses by request type, types never seen left out. `over_run_s: None` gives the last
    /// closed second's rate and error rate (the live view); `Some(seconds)` the whole run's.
    pub(crate) fn by_request_type(&self, over_run_s: Option<f64>) -> Vec<RequestTypeFigures> {
        RequestType::ALL
            .iter()
            .filter_map(|&request_type| {
                let counts = &self.by_type[request_type.index()];
                let run = counts.completed + counts.failed;
                let (responses, failed, throughput) = match over_run_s {
                    None => {
                        let last = counts.last_completed + counts.last_failed;
                        (last, counts.last_failed, last as f64)
                    }
                    Some(seconds) => (
                        run,
                        counts.failed,
                        if seconds > 0.0 {
                            run as f64 / seconds
                        } else {
                            0.0
                        },
                    ),
                };
                (run > 0 || responses > 0).then(|| RequestTypeFigures {
                    request_type,
                    throughput,
                    error_rate: if responses > 0 {
                        failed as f64 / responses as f64
                    } else {
                        0.0
                    },
                    completed: counts.completed,
                    failed: counts.failed,
                })
            })
            .collect()
    }

    /// Mean number of requests inside the node since the start, for Little's law.
    pub fn mean_inside(&mut self, now: u64) -> f64 {
        self.accrue(now);
        if now <= self.since {
            0.0
        } else {
            self.occupancy_integral as f64 / (now - self.since) as f64
        }
    }

    pub fn error_rate(&self) -> f64 {
        let all = self.completed + self.failed;
        if all == 0 {
            0.0
        } else {
            self.failed as f64 / all as f64
        }
    }

    pub fn hit_ratio(&self) -> f64 {
        let all = self.hits + self.misses;
        if all == 0 {
            0.0
        } else {
            self.hits as f64 / all as f64
        }
    }
}

/// Per-link counters.
#[derive(Clone, Debug, Default)]
pub(crate) struct LinkMetrics {
    pub sent: u64,
    pub failed: u64,
    pub window_sent: u64,
    pub last_second_sent: u64,
}

/// How serious a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Info,
    Warn,
    Error,
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogLine {
    /// Increasing number, so a reader can ask for lines after the last one it saw.
    pub sequence: u64,
    /// Simulated time, seconds.
    pub time_s: f64,
    pub level: LogLevel,
    pub kind: LogKind,
    /// Node id, or empty for the whole system.
    pub node: String,
    /// For people; may be reworded. Match on `event` instead.
    pub message: String,
    /// What happened, as a type: every system and error line has one, access lines none.
    pub event: Option<RunEvent>,
}

/// What a log line is about, as a log pipeline would tag it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    /// A request served ("Read ok in 12.3 ms"), sampled: at most a few lines per second.
    Access,
    /// A request failed, with its cause, sampled as well.
    Error,
    /// Something happened to the system: health checks, crashes, restarts, scaling, alerts, faults,
    /// live edits.
    System,
}

impl LogKind {
    pub const ALL: [LogKind; 3] = [LogKind::Access, LogKind::Error, LogKind::System];

    /// The tag shown on a line.
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Access => "access",
            LogKind::Error => "error",
            LogKind::System => "event",
        }
    }

    /// The identifier used in serialised logs.
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Access => "access",
            LogKind::Error => "error",
            LogKind::System => "system",
        }
    }
}

/// A line as the log keeps it: written out when it happened, or — for a sampled access line, the
/// only kind a healthy run writes every second — kept as figures and written out only when someone
/// reads it (formatting a float costs more than the rest of a request's bookkeeping at a users node).
#[derive(Clone)]
pub(crate) enum Entry {
    Written(LogLine),
    Access {
        sequence: u64,
        now: u64,
        node: String,
        request_type: RequestType,
        latency_ns: u64,
    },
}

impl Entry {
    pub(crate) fn sequence(&self) -> u64 {
        match self {
            Entry::Written(line) => line.sequence,
            Entry::Access { sequence, .. } => *sequence,
        }
    }

    /// The line as readers see it.
    pub(crate) fn line(&self) -> LogLine {
        match self {
            Entry::Written(line) => line.clone(),
            Entry::Access {
                sequence,
                now,
                node,
                request_type,
                latency_ns,
            } => LogLine {
                sequence: *sequence,
                time_s: *now as f64 / 1e9,
                level: LogLevel::Info,
                kind: LogKind::Access,
                node: node.clone(),
                message: format!("{request_type:?} ok in {:.1} ms", *latency_ns as f64 / 1e6),
                event: None,
            },
        }
    }
}

/// The bounded log with per-second budgets for access and error lines, so a storm cannot flood it.
#[derive(Clone)]
pub(crate) struct Logs {
    pub(crate) lines: RingBuffer<Entry>,
    /// The system lines alone, kept longer than the busy log keeps them (for the run report).
    pub(crate) system_lines: RingBuffer<LogLine>,
    next_sequence: u64,
    pub(crate) access_budget: u32,
    pub(crate) error_budget: u32,
}

pub(crate) const LOG_CAPACITY: usize = 2_000;
pub(crate) const SYSTEM_LOG_CAPACITY: usize = 1_000;
pub(crate) const ACCESS_LINES_PER_SECOND: u32 = 5;
pub(crate) const ERROR_LINES_PER_SECOND: u32 = 10;

impl Logs {
    pub(crate) fn new() -> Logs {
        Logs {
            lines: RingBuffer::new(LOG_CAPACITY),
            system_lines: RingBuffer::new(SYSTEM_LOG_CAPACITY),
            next_sequence: 0,
            access_budget: ACCESS_LINES_PER_SECOND,
            error_budget: ERROR_LINES_PER_SECOND,
        }
    }

    pub(crate) fn push(
        &mut self,
        now: u64,
        level: LogLevel,
        kind: LogKind,
        node: &str,
        message: String,
        event: Option<RunEvent>,
    ) {
        let line = LogLine {
            sequence: self.next_sequence,
            time_s: now as f64 / 1e9,
            level,
            kind,
            node: node.to_owned(),
            message,
            event,
        };
        if kind == LogKind::System {
            self.system_lines.push(line.clone());
        }
        self.lines.push(Entry::Written(line));
        self.next_sequence += 1;
    }

    /// A sampled access line: a request of `request_type` served at `node` in `latency_ns`.
    pub(crate) fn push_access(
        &mut self,
        now: u64,
        node: &str,
        request_type: RequestType,
        latency_ns: u64,
    ) {
        self.lines.push(Entry::Access {
            sequence: self.next_sequence,
            now,
            node: node.to_owned(),
            request_type,
            latency_ns,
        });
        self.next_sequence += 1;
    }

    pub(crate) fn new_second(&mut self) {
        self.access_budget = ACCESS_LINES_PER_SECOND;
        self.error_budget = ERROR_LINES_PER_SECOND;
    }

    pub(crate) fn next_sequence(&self) -> u64 {
        self.next_sequence
    }
}
