//! What the app and the CLI read: plain, serialisable data, rebuilt on request.

use serde::Serialize;

use crate::NodeKind;
use crate::alerts::{AlertStatus, Notification};
use crate::metrics::{CauseKind, LogLine};
use crate::nodes::load_balancer::RouteExplanation;
use crate::params::RequestType;

/// How requests are being simulated right now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Resolution {
    /// One event chain per request: exact.
    #[default]
    PerRequest,
    /// Each simulated request stands for `weight` identical ones on scaled-down replicated stations;
    /// see `Simulation::set_event_budget` for what that keeps exact and what it approximates.
    Aggregated { weight: u64 },
}

/// A node's health as a monitoring dashboard would show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Up,
    /// Up, but some part is down (a group member, a replica, a load balancer's backend).
    Degraded,
    /// (Re)starting: booting through its cold start, not serving yet.
    Starting,
    Down,
}

/// How a load balancer sees one backend: whether its health checks keep it in rotation. After a
/// backend dies it stays in rotation (and requests sent to it fail) until enough probes have failed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackendView {
    pub node: String,
    pub in_rotation: bool,
    /// Requests the load balancer has open to it now.
    pub connections: u32,
    /// Health-check probes sent to it so far, and whether the latest settled one was answered in time.
    pub probes_sent: u32,
    pub last_probe_ok: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeSnapshot {
    pub id: String,
    pub kind: NodeKind,
    pub health: Health,
    /// Running instances (group members, database instances; 1 or 0 otherwise).
    pub instances: u32,
    /// Over the last full second: responses per second, error rate 0..=1, latencies in ms.
    pub throughput: f64,
    pub error_rate: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    /// Over the last full second, 0..=1.
    pub cpu: f64,
    pub memory_mb: f64,
    pub queue: f64,
    /// Over the last full second, for nodes with workers: the mean wait for a worker (queueing
    /// delay, apart from service time), milliseconds, and the share of requests that had to wait,
    /// 0..=1 (compare an M/M/c station with Erlang C).
    pub mean_wait_ms: Option<f64>,
    pub wait_probability: Option<f64>,
    pub connections: f64,
    /// Caches and CDNs, 0..=1, over the last second.
    pub hit_ratio: f64,
    /// Whole run.
    pub arrivals: u64,
    pub completed: u64,
    pub failed: u64,
    pub errors_by_cause: Vec<(CauseKind, u64)>,
    /// Responses by request type, over the last second and the whole run (types never seen are left
    /// out): a database whose primary is down fails its writes while its replicas serve reads.
    pub by_request_type: Vec<RequestTypeFigures>,
    pub cost_per_hour: f64,
    /// Outgoing response traffic, megabits per second (servers).
    pub network_mbps: f64,
    /// How far read replicas trail the primary, for databases with replicas (milliseconds).
    pub replication_lag_ms: Option<f64>,
    /// Healthy / all backends, for load balancers.
    pub healthy_backends: Option<(usize, usize)>,
    /// Each backend as the load balancer's health checks see it (empty for other kinds).
    pub backends: Vec<BackendView>,
    /// The last routing decision, for load balancers with explanations switched on.
    pub explanation: Option<RouteExplanation>,
    /// What a cache holds and refuses (caches without a fixed hit ratio).
    pub cache: Option<CacheFigures>,
    /// Servers and groups: the versions their instances run, the design's own first (empty
    /// until a release is committed anywhere).
    pub versions: Vec<VersionFigures>,
    /// Pipelines: where their releases stand.
    pub pipeline: Option<PipelineFigures>,
}

/// The instances of one version at a server or group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VersionFigures {
    /// Its version id (0 for the design's own) and name.
    pub id: u32,
    pub version: String,
    /// Instances serving, starting (booting or not ready), draining, and running out of rotation
    /// (a blue-green fleet before or after the switch).
    pub serving: u32,
    pub starting: u32,
    pub draining: u32,
    pub idle: u32,
    /// The share of new requests it gets, 0..=1.
    pub share: f64,
    /// Its instances' answers over the last full second: per second, and the failed share 0..=1.
    pub throughput: f64,
    pub error_rate: f64,
}

/// A pipeline's state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PipelineFigures {
    /// The release in the stages, its stage, when the stage started and how long it lasts
    /// (`None`: until someone approves).
    pub current: Option<(String, crate::release::Stage, f64, Option<f64>)>,
    /// A release waiting for Approve.
    pub awaiting_approval: Option<String>,
    /// The release being deployed.
    pub deploying: Option<String>,
    /// The version serving production.
    pub live: String,
    /// Releases waiting for their turn.
    pub queued: u32,
    /// Whether Roll back has something to go back to.
    pub can_roll_back: bool,
}

/// A cache's memory: keys held, evictions and refused stores since the start, and, for Memcached's
/// slab allocator, each size class that holds or wants pages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheFigures {
    pub keys: u64,
    /// Keys it can hold (`None` with slabs: it depends on the sizes).
    pub capacity_keys: Option<u64>,
    pub evictions: u64,
    pub refused: u64,
    pub slab_classes: Vec<SlabFigures>,
    /// Pages not given to any class yet.
    pub free_pages: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SlabFigures {
    pub chunk_bytes: u32,
    pub pages: u32,
    pub items: u64,
    pub evictions: u64,
    pub refused: u64,
}

/// One request type's share of a node's responses.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RequestTypeFigures {
    pub request_type: RequestType,
    /// Responses per second.
    pub throughput: f64,
    /// Failed / all responses, 0..=1.
    pub error_rate: f64,
    /// Whole run (since the last statistics reset).
    pub completed: u64,
    pub failed: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkSnapshot {
    pub from: String,
    pub to: String,
    /// Requests per second over the last full second.
    pub throughput: f64,
    pub sent: u64,
    pub failed: u64,
    /// Requests and replies travelling on it now.
    pub in_flight: u32,
}

/// A request on a link, for the animation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InFlight {
    pub request: u64,
    /// Index into `Snapshot::links`.
    pub link: usize,
    /// Position along the link, 0 at its `from` end and 1 at its `to` end; requests move from 0
    /// towards 1, replies (`returning`) from 1 back towards 0.
    pub progress: f64,
    pub returning: bool,
    pub request_type: RequestType,
    pub failed: bool,
    /// A reply from a cache or CDN edge that had the answer (the request went no further).
    pub hit: bool,
    /// Part of a client's retry of an earlier failed or timed-out attempt.
    pub retry: bool,
}

/// The business and conservation view over every users node.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    pub requests: u64,
    pub completed: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub attempts: u64,
    pub retries: u64,
    pub signups: u64,
    /// Dollars.
    pub revenue: f64,
    pub revenue_lost: f64,
    /// "queue full at server-2" → count, final failures only.
    pub failures: Vec<(String, u64)>,
}

/// Everything the app draws for one frame. `Snapshot::default()` is the empty picture before a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// Simulated time, seconds.
    pub time_s: f64,
    pub resolution: Resolution,
    /// What the resolution follows: the users' rate over the coming second, requests per second
    /// (`Simulation::users_rate`).
    pub users_rate: f64,
    pub nodes: Vec<NodeSnapshot>,
    pub links: Vec<LinkSnapshot>,
    /// A bounded, deterministic sample (chosen by request id).
    pub in_flight: Vec<InFlight>,
    pub alerts: Vec<AlertStatus>,
    /// Alerts that fired or resolved since the previous snapshot.
    pub notifications: Vec<Notification>,
    /// Log lines since the previous snapshot.
    pub logs: Vec<LogLine>,
    pub totals: Totals,
    /// Dollars per hour for the running infrastructure.
    pub cost_per_hour: f64,
    pub events_processed: u64,
    /// When the log store was down, and what its shipper buffered and lost meanwhile.
    pub log_outages: Vec<crate::log_shipping::LogOutage>,
    /// Every release committed so far, oldest first, and the DORA keys measured from them.
    pub releases: Vec<crate::release::ReleaseRecord>,
    pub dora: crate::release::Dora,
}

impl Snapshot {
    /// The live figures of the node with this id.
    pub fn node(&self, id: &str) -> Option<&NodeSnapshot> {
        self.nodes.iter().find(|node| node.id == id)
    }
}

/// The most in-flight requests a snapshot carries.
pub const IN_FLIGHT_SAMPLE: usize = 300;
