//! Per-kind node parameters as they appear in a design file, with the defaults a fresh node gets.
//!
//! Units are in the field names: `_ms` milliseconds, `_s` seconds, `_mb` mebibytes, `_per_second`
//! rates, ratios are 0..=1. Every struct is `#[serde(default)]`, so `{"kind": "server"}` is a complete
//! node, and `deny_unknown_fields`, so a typo is an error with its JSON path rather than silently ignored.

use serde::{Deserialize, Serialize};

use crate::NodeKind;

/// The parameters of one node, one variant per [`NodeKind`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum NodeParams {
    Users(UsersParams),
    LoadBalancer(LoadBalancerParams),
    Server(ServerParams),
    AutoscalingGroup(AutoscalingGroupParams),
    Cache(CacheParams),
    Cdn(CdnParams),
    Database(DatabaseParams),
    Service(ServerParams),
    Monitoring(MonitoringParams),
    Pipeline(PipelineParams),
}

impl NodeParams {
    /// The kind these parameters belong to.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeParams::Users(_) => NodeKind::Users,
            NodeParams::LoadBalancer(_) => NodeKind::LoadBalancer,
            NodeParams::Server(_) => NodeKind::Server,
            NodeParams::AutoscalingGroup(_) => NodeKind::AutoscalingGroup,
            NodeParams::Cache(_) => NodeKind::Cache,
            NodeParams::Cdn(_) => NodeKind::Cdn,
            NodeParams::Database(_) => NodeKind::Database,
            NodeParams::Service(_) => NodeKind::Service,
            NodeParams::Monitoring(_) => NodeKind::Monitoring,
            NodeParams::Pipeline(_) => NodeKind::Pipeline,
        }
    }

    /// The defaults a node of `kind` gets when the user drops it on the canvas.
    pub fn default_for(kind: NodeKind) -> NodeParams {
        match kind {
            NodeKind::Users => NodeParams::Users(UsersParams::default()),
            NodeKind::LoadBalancer => NodeParams::LoadBalancer(LoadBalancerParams::default()),
            NodeKind::Server => NodeParams::Server(ServerParams::default()),
            NodeKind::AutoscalingGroup => {
                NodeParams::AutoscalingGroup(AutoscalingGroupParams::default())
            }
            NodeKind::Cache => NodeParams::Cache(CacheParams::default()),
            NodeKind::Cdn => NodeParams::Cdn(CdnParams::default()),
            NodeKind::Database => NodeParams::Database(DatabaseParams::default()),
            NodeKind::Service => NodeParams::Service(ServerParams::service_default()),
            NodeKind::Monitoring => NodeParams::Monitoring(MonitoringParams::default()),
            NodeKind::Pipeline => NodeParams::Pipeline(PipelineParams::default()),
        }
    }

    /// Parses the `params` object of a node of `kind`; the error carries the path inside `params`.
    pub(crate) fn from_value(
        kind: NodeKind,
        value: serde_json::Value,
    ) -> Result<NodeParams, (String, String)> {
        fn parse<T: serde::de::DeserializeOwned>(
            value: serde_json::Value,
        ) -> Result<T, (String, String)> {
            serde_path_to_error::deserialize(value).map_err(|error| {
                let path = error.path().to_string();
                let path = if path == "." { String::new() } else { path };
                (path, error.into_inner().to_string())
            })
        }
        let value = if value.is_null() {
            serde_json::Value::Object(serde_json::Map::new())
        } else {
            value
        };
        Ok(match kind {
            NodeKind::Users => NodeParams::Users(parse(value)?),
            NodeKind::LoadBalancer => NodeParams::LoadBalancer(parse(value)?),
            NodeKind::Server => NodeParams::Server(parse(value)?),
            NodeKind::AutoscalingGroup => NodeParams::AutoscalingGroup(parse(value)?),
            NodeKind::Cache => NodeParams::Cache(parse(value)?),
            NodeKind::Cdn => NodeParams::Cdn(parse(value)?),
            NodeKind::Database => NodeParams::Database(parse(value)?),
            NodeKind::Service => NodeParams::Service(parse(value)?),
            NodeKind::Monitoring => NodeParams::Monitoring(parse(value)?),
            NodeKind::Pipeline => NodeParams::Pipeline(parse(value)?),
        })
    }
}

/// The four kinds of request users send; each has its own service time at servers and databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    /// An image, script or stylesheet: a CDN can serve it at the edge.
    StaticAsset,
    /// A page or API read: a cache can answer it.
    Read,
    /// A write (a signup, a post): always goes to the primary database.
    Write,
    /// A payment: a write that carries revenue.
    Payment,
}

impl RequestType {
    /// All request types, in a fixed order used for indexing.
    pub const ALL: [RequestType; 4] = [
        RequestType::StaticAsset,
        RequestType::Read,
        RequestType::Write,
        RequestType::Payment,
    ];

    /// Index into per-type arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name for people, plural ("reads"), as figures by request type are labelled.
    pub fn label(self) -> &'static str {
        match self {
            RequestType::StaticAsset => "static assets",
            RequestType::Read => "reads",
            RequestType::Write => "writes",
            RequestType::Payment => "payments",
        }
    }

    /// Whether a database must take it on its primary.
    pub fn is_write(self) -> bool {
        matches!(self, RequestType::Write | RequestType::Payment)
    }
}

/// Users: the traffic profile of one population of clients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UsersParams {
    /// Base request rate, requests per second.
    pub rate_per_second: f64,
    /// How the rate changes over time.
    pub pattern: RatePattern,
    /// Share of each request type (weights, normalised).
    pub mix: RequestMix,
    /// Revenue of one successful payment, dollars.
    pub payment_value: f64,
    /// The client gives up on an attempt after this long, milliseconds.
    pub timeout_ms: f64,
    /// How failed attempts are retried.
    pub retry: RetryPolicy,
    /// Distinct users, for sticky (consistent-hash) routing.
    pub distinct_users: u32,
}

impl Default for UsersParams {
    fn default() -> Self {
        UsersParams {
            rate_per_second: 50.0,
            pattern: RatePattern::Constant,
            mix: RequestMix::default(),
            payment_value: 25.0,
            timeout_ms: 10_000.0,
            retry: RetryPolicy::default(),
            distinct_users: 10_000,
        }
    }
}

impl UsersParams {
    /// The rate the users send at simulated time `t` (seconds), requests per second: the same
    /// function the model draws arrivals from (the inspector's sparkline plots it).
    pub fn rate_at(&self, t: f64) -> f64 {
        crate::nodes::users::Users::rate_at(self, t)
    }

    /// The highest rate the pattern reaches, requests per second.
    pub fn peak_rate(&self) -> f64 {
        crate::nodes::users::Users::peak_rate(self)
    }
}

/// How a users node's rate varies with simulated time `t` (seconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
pub enum RatePattern {
    /// Always the base rate.
    Constant,
    /// Linear from `start_rate_per_second` at t = 0 to the base rate at `duration_s`, then flat.
    Ramp {
        start_rate_per_second: f64,
        duration_s: f64,
    },
    /// The base rate until `at_s`, then `rate_per_second_after`.
    Step {
        at_s: f64,
        rate_per_second_after: f64,
    },
    /// The base rate × `factor` between `at_s` and `at_s + duration_s`.
    Spike {
        at_s: f64,
        duration_s: f64,
        factor: f64,
    },
    /// base × (1 + amplitude · sin(2π t / period_s)); amplitude in 0..=1.
    Diurnal { period_s: f64, amplitude: f64 },
}

/// Weights of the request types users send.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestMix {
    pub static_asset: f64,
    pub read: f64,
    pub write: f64,
    pub payment: f64,
}

impl Default for RequestMix {
    fn default() -> Self {
        RequestMix {
            static_asset: 0.3,
            read: 0.5,
            write: 0.15,
            payment: 0.05,
        }
    }
}

impl RequestMix {
    /// Only reads: what the queueing validation designs use.
    pub fn reads_only() -> RequestMix {
        RequestMix {
            static_asset: 0.0,
            read: 1.0,
            write: 0.0,
            payment: 0.0,
        }
    }

    pub(crate) fn weights(&self) -> [f64; 4] {
        [self.static_asset, self.read, self.write, self.payment]
    }
}

/// Client retries: exponential backoff with optional full jitter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Wait before the first retry, milliseconds.
    pub backoff_ms: f64,
    /// Each further retry waits this many times longer.
    pub multiplier: f64,
    /// Full jitter: wait a uniform fraction of the backoff, which breaks up retry storms.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 1,
            backoff_ms: 200.0,
            multiplier: 2.0,
            jitter: true,
        }
    }
}

/// How a load balancer picks a backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    RoundRobin,
    /// Smooth weighted round robin; a backend's weight is its worker count.
    WeightedRoundRobin,
    LeastConnections,
    Random,
    /// Two random healthy backends, the one with fewer connections wins.
    PowerOfTwo,
    /// A hash ring of user ids: the same user goes to the same backend (sticky sessions).
    ConsistentHash,
}

/// Load balancer: spreads requests over its backends (its outgoing links).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoadBalancerParams {
    pub algorithm: Algorithm,
    pub health_check: HealthCheck,
    /// Concurrent connections the load balancer itself can hold; beyond, requests are refused.
    pub max_connections: u32,
    /// Time the load balancer adds to each request, milliseconds.
    pub processing_ms: f64,
    /// A passive twin that takes over after `takeover_ms` when the active one dies.
    pub standby: bool,
    /// Takeover delay of the passive twin, milliseconds.
    pub takeover_ms: f64,
    /// Price, dollars per hour (doubled with a standby).
    pub cost_per_hour: f64,
    /// Which real load balancer these settings follow (a label: the values are the fields here;
    /// see `crate::flavours`).
    pub flavour: LbFlavour,
    /// Passive (in-band) checks, as open-source Nginx does them: this many failed requests to a
    /// backend within `passive_fail_timeout_ms` take it out for `passive_fail_timeout_ms`, after
    /// which a live request tries it again. 0 = off. A one-backend group is never taken out.
    pub passive_max_fails: u32,
    pub passive_fail_timeout_ms: f64,
    /// When every backend is unhealthy, route to all of them anyway (AWS ALB's fail-open) instead
    /// of refusing the requests.
    pub fail_open: bool,
    /// The standby is a keepalived (VRRP) backup: it takes over once it has missed three of the
    /// active one's advertisements plus a skew of (256 − priority)/256 s, so `takeover_ms` is not
    /// used and the delay depends on when in the advertisement cycle the active one died.
    pub keepalived: bool,
    /// keepalived's `advert_int`, milliseconds.
    pub advert_interval_ms: f64,
    /// The backup's VRRP priority, 1..=254.
    pub backup_priority: u32,
    /// A backend taken out of the design (its link deleted) finishes the requests it holds for at
    /// most this long; the ones still there then fail (AWS ALB's deregistration delay). None: it
    /// finishes them all, however long.
    pub deregistration_delay_ms: Option<f64>,
}

impl LoadBalancerParams {
    /// How long a keepalived backup waits after the last advertisement it heard before it takes
    /// over (VRRPv2's Master_Down_Interval: 3 × advert_int + (256 − priority)/256 s), ms.
    pub fn master_down_ms(&self) -> f64 {
        3.0 * self.advert_interval_ms
            + f64::from(256 - self.backup_priority.min(255)) / 256.0 * 1000.0
    }
}

impl Default for LoadBalancerParams {
    fn default() -> Self {
        LoadBalancerParams {
            algorithm: Algorithm::RoundRobin,
            health_check: HealthCheck::default(),
            max_connections: 10_000,
            processing_ms: 0.5,
            standby: false,
            takeover_ms: 3_000.0,
            cost_per_hour: 0.025,
            flavour: LbFlavour::Generic,
            passive_max_fails: 0,
            passive_fail_timeout_ms: 10_000.0,
            fail_open: false,
            keepalived: false,
            advert_interval_ms: 1_000.0,
            backup_priority: 100,
            deregistration_delay_ms: None,
        }
    }
}

/// The real load balancer a node's settings follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LbFlavour {
    /// Our own defaults (HAProxy's check numbers with a 1 s probe timeout).
    #[default]
    Generic,
    NginxOpenSource,
    NginxPlus,
    Haproxy,
    AwsAlb,
}

/// Active health checks: a probe per backend every interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthCheck {
    pub enabled: bool,
    /// Milliseconds between probes of one backend.
    pub interval_ms: f64,
    /// A probe without an answer after this long fails, milliseconds.
    pub timeout_ms: f64,
    /// Consecutive failed probes before a backend is marked unhealthy.
    pub unhealthy_threshold: u32,
    /// Consecutive good probes before an unhealthy backend is used again.
    pub healthy_threshold: u32,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            enabled: true,
            interval_ms: 2_000.0,
            timeout_ms: 1_000.0,
            unhealthy_threshold: 3,
            healthy_threshold: 2,
        }
    }
}

/// Instance sizes for vertical scaling. The list is finite: `Xlarge` is the top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Small,
    Medium,
    Large,
    Xlarge,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Small, Tier::Medium, Tier::Large, Tier::Xlarge];

    /// Cores (the default worker count).
    pub fn cores(self) -> u32 {
        match self {
            Tier::Small => 2,
            Tier::Medium => 4,
            Tier::Large => 8,
            Tier::Xlarge => 16,
        }
    }

    /// Memory, mebibytes.
    pub fn memory_mb(self) -> f64 {
        match self {
            Tier::Small => 4_096.0,
            Tier::Medium => 16_384.0,
            Tier::Large => 32_768.0,
            Tier::Xlarge => 65_536.0,
        }
    }

    /// Price, dollars per hour.
    pub fn cost_per_hour(self) -> f64 {
        match self {
            Tier::Small => 0.085,
            Tier::Medium => 0.17,
            Tier::Large => 0.34,
            Tier::Xlarge => 0.68,
        }
    }

    /// The next size up, or `None` at the top tier.
    pub fn bigger(self) -> Option<Tier> {
        match self {
            Tier::Small => Some(Tier::Medium),
            Tier::Medium => Some(Tier::Large),
            Tier::Large => Some(Tier::Xlarge),
            Tier::Xlarge => None,
        }
    }
}

/// The shape of a service-time distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    Exponential,
    Deterministic,
    /// Log-normal with the given mean and `sigma` (the shape, in log space).
    LogNormal,
}

/// One service-time distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceTime {
    pub distribution: Distribution,
    /// Mean service time, milliseconds.
    pub mean_ms: f64,
    /// Log-normal shape; ignored by the other distributions.
    pub sigma: f64,
}

impl Default for ServiceTime {
    fn default() -> Self {
        ServiceTime::exponential(20.0)
    }
}

impl ServiceTime {
    /// Squared coefficient of variation (variance / mean²) of the distribution.
    pub fn scv(&self) -> f64 {
        match self.distribution {
            Distribution::Exponential => 1.0,
            Distribution::Deterministic => 0.0,
            Distribution::LogNormal => libm::exp(self.sigma * self.sigma) - 1.0,
        }
    }

    pub fn exponential(mean_ms: f64) -> ServiceTime {
        ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms,
            sigma: 0.5,
        }
    }
}

/// Service time per request type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceTimes {
    pub static_asset: ServiceTime,
    pub read: ServiceTime,
    pub write: ServiceTime,
    pub payment: ServiceTime,
}

impl Default for ServiceTimes {
    fn default() -> Self {
        ServiceTimes {
            static_asset: ServiceTime::exponential(2.0),
            read: ServiceTime::exponential(20.0),
            write: ServiceTime::exponential(30.0),
            payment: ServiceTime::exponential(50.0),
        }
    }
}

impl ServiceTimes {
    /// The same distribution for every type.
    pub fn uniform(time: ServiceTime) -> ServiceTimes {
        ServiceTimes {
            static_asset: time.clone(),
            read: time.clone(),
            write: time.clone(),
            payment: time,
        }
    }

    pub fn get(&self, request_type: RequestType) -> &ServiceTime {
        match request_type {
            RequestType::StaticAsset => &self.static_asset,
            RequestType::Read => &self.read,
            RequestType::Write => &self.write,
            RequestType::Payment => &self.payment,
        }
    }
}

/// Server (also used by Service nodes and autoscaling-group members).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerParams {
    pub tier: Tier,
    /// Worker threads; `None` means one per core of the tier.
    pub workers: Option<u32>,
    /// Requests that may wait for a worker; beyond, "queue full".
    pub queue_capacity: u32,
    /// A request that waited longer than this for a worker is dropped, milliseconds.
    pub timeout_ms: f64,
    pub service: ServiceTimes,
    /// Memory of the process at rest, mebibytes.
    pub base_memory_mb: f64,
    /// Memory held by each request in the server, mebibytes; above the tier's memory → crash.
    pub memory_per_request_mb: f64,
    /// After a (re)start the server takes this long before it accepts requests, milliseconds.
    pub cold_start_ms: f64,
    /// After a crash the server restarts on its own after this many seconds; `None`: stays down.
    pub auto_restart_s: Option<f64>,
    /// Bytes sent per response, for the network figure.
    pub response_bytes: f64,
    /// Thread-per-request: a worker keeps its request while the dependencies answer, so a slow
    /// database fills this server's queue too. `false`: the worker is freed after its CPU work
    /// (an asynchronous server, a plain M/M/c queue). CPU figures count computing time only.
    pub hold_worker_during_calls: bool,
    /// The process runs under PM2: a crashed process restarts after an exponential back-off (100 ms,
    /// then ×1.5 up to 15 s, back to 100 ms after 30 s up) instead of `auto_restart_s`, and after
    /// 16 unstable restarts in a row (up less than 1 s) it is "errored" and stays down.
    pub pm2: bool,
}

impl Default for ServerParams {
    fn default() -> Self {
        ServerParams {
            tier: Tier::Small,
            workers: None,
            queue_capacity: 200,
            timeout_ms: 10_000.0,
            service: ServiceTimes::default(),
            base_memory_mb: 512.0,
            memory_per_request_mb: 4.0,
            cold_start_ms: 5_000.0,
            auto_restart_s: Some(20.0),
            response_bytes: 20_000.0,
            hold_worker_during_calls: false,
            pm2: false,
        }
    }
}

impl ServerParams {
    fn service_default() -> ServerParams {
        ServerParams {
            service: ServiceTimes::uniform(ServiceTime::exponential(10.0)),
            ..ServerParams::default()
        }
    }

    /// Workers actually used.
    pub fn worker_count(&self) -> u32 {
        self.workers.unwrap_or_else(|| self.tier.cores())
    }
}

/// What an autoscaling group watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalingMetric {
    /// Mean CPU utilisation of running members, 0..=1.
    Cpu,
    /// Mean response time of the group, milliseconds.
    Latency,
    /// Mean queue length per running member.
    QueueLength,
}

/// Autoscaling group: a pool of identical servers that grows and shrinks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AutoscalingGroupParams {
    /// The template every member is made from.
    pub server: ServerParams,
    pub min_instances: u32,
    pub max_instances: u32,
    pub initial_instances: u32,
    pub metric: ScalingMetric,
    /// Add an instance when the metric is above this.
    pub scale_out_above: f64,
    /// Remove an instance when the metric is below this.
    pub scale_in_below: f64,
    /// No scaling action within this many seconds of the last one.
    pub cooldown_s: f64,
    /// A new instance takes this long to boot, seconds.
    pub provisioning_s: f64,
    /// The metric is evaluated every this many seconds.
    pub evaluation_s: f64,
}

impl Default for AutoscalingGroupParams {
    fn default() -> Self {
        AutoscalingGroupParams {
            server: ServerParams {
                cold_start_ms: 0.0,
                ..ServerParams::default()
            },
            min_instances: 2,
            max_instances: 8,
            initial_instances: 2,
            metric: ScalingMetric::Cpu,
            scale_out_above: 0.7,
            scale_in_below: 0.3,
            cooldown_s: 30.0,
            provisioning_s: 20.0,
            evaluation_s: 5.0,
        }
    }
}

/// Cache (Redis/Memcached).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheParams {
    /// Keys the cache can hold.
    pub capacity_keys: u32,
    /// Distinct keys requests ask for (at most 1 000 000).
    pub keyspace: u32,
    /// Zipf exponent of key popularity (0 = uniform).
    pub zipf_s: f64,
    /// A key expires this long after it was stored, seconds; 0 = never.
    pub ttl_s: f64,
    /// When set, every lookup hits with this probability instead of simulating LRU.
    pub fixed_hit_ratio: Option<f64>,
    /// Threads serving lookups.
    pub workers: u32,
    /// Lookup time.
    pub service: ServiceTime,
    pub cost_per_hour: f64,
    /// The real cache these settings follow (a label; see `crate::flavours`).
    pub flavour: CacheFlavour,
    /// What happens when the cache is full and a key must be stored (Redis's `maxmemory-policy`).
    pub eviction: Eviction,
    /// Keys sampled to pick a victim under `Eviction::SampledLru` (Redis's `maxmemory-samples`).
    pub eviction_samples: u32,
    /// Memcached's slab allocator: memory in 1 MB pages given to size classes as items arrive, an
    /// LRU per class (`capacity_keys` is then unused: `memory_mb` and the value sizes decide).
    pub slabs: bool,
    /// Memory for items with `slabs`, megabytes (Memcached's `-m`).
    pub memory_mb: u32,
    /// Chunk size growth from one slab class to the next (Memcached's `-f`).
    pub growth_factor: f64,
    /// Memcached's slab automover: a page moves now and then from the class with the oldest items to
    /// one that is evicting (on by default since Memcached 1.5).
    pub slab_automove: bool,
    /// Size of most values, bytes (for slab classes).
    pub value_bytes: u32,
    /// Starts warm, as a cache that has run for a while: holding the most popular keys it has room
    /// for (keys-counted caches; Memcached's slabs start empty).
    pub prewarmed: bool,
    /// Share of keys whose values are `large_value_bytes` instead, 0..=1.
    pub large_share: f64,
    pub large_value_bytes: u32,
}

impl Default for CacheParams {
    fn default() -> Self {
        CacheParams {
            capacity_keys: 10_000,
            keyspace: 100_000,
            zipf_s: 1.0,
            ttl_s: 300.0,
            fixed_hit_ratio: None,
            workers: 1,
            service: ServiceTime::exponential(0.2),
            cost_per_hour: 0.068,
            flavour: CacheFlavour::Generic,
            eviction: Eviction::Lru,
            eviction_samples: 5,
            slabs: false,
            memory_mb: 64,
            growth_factor: 1.25,
            slab_automove: true,
            value_bytes: 1_000,
            large_share: 0.0,
            large_value_bytes: 20_000,
            prewarmed: false,
        }
    }
}

/// The real cache a node's settings follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheFlavour {
    /// An exact LRU over `capacity_keys` keys.
    #[default]
    Generic,
    Redis,
    Memcached,
}

/// What a full cache does when a new key must be stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eviction {
    /// Evict the least recently used key, exactly.
    #[default]
    Lru,
    /// Evict nothing: the store is refused with an out-of-memory error (Redis's default).
    NoEviction,
    /// Evict the least recently used of a few sampled keys (Redis's `allkeys-lru`).
    SampledLru,
}

/// CDN: edge caches for static assets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CdnParams {
    /// Share of static assets served at the edge.
    pub edge_hit_ratio: f64,
    /// Time to answer from the edge, milliseconds.
    pub edge_latency_ms: f64,
    pub cost_per_hour: f64,
}

impl Default for CdnParams {
    fn default() -> Self {
        CdnParams {
            edge_hit_ratio: 0.95,
            edge_latency_ms: 15.0,
            cost_per_hour: 0.12,
        }
    }
}

/// Database: a primary, optional read replicas and a connection pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseParams {
    pub tier: Tier,
    /// Worker processes per instance; `None` means one per core.
    pub workers: Option<u32>,
    /// Read replicas besides the primary.
    pub replicas: u32,
    /// How far replicas trail the primary, milliseconds.
    pub replication_lag_ms: f64,
    /// Connections the pool holds open; requests beyond wait for one.
    pub max_connections: u32,
    /// Requests that may wait for a connection; beyond, "pool exhausted".
    pub max_waiting: u32,
    /// A request waiting longer than this for a connection fails, milliseconds.
    pub acquire_timeout_ms: f64,
    pub read: ServiceTime,
    pub write: ServiceTime,
    /// After the primary dies a replica is promoted after this long, seconds.
    pub promotion_s: f64,
}

impl Default for DatabaseParams {
    fn default() -> Self {
        DatabaseParams {
            tier: Tier::Medium,
            workers: None,
            replicas: 0,
            replication_lag_ms: 50.0,
            max_connections: 100,
            max_waiting: 500,
            acquire_timeout_ms: 2_000.0,
            read: ServiceTime::exponential(5.0),
            write: ServiceTime::exponential(10.0),
            promotion_s: 15.0,
        }
    }
}

impl DatabaseParams {
    /// Workers actually used per instance.
    pub fn worker_count(&self) -> u32 {
        self.workers.unwrap_or_else(|| self.tier.cores())
    }
}

/// Monitoring: scrapes metrics, evaluates the design's alert rules and sends their notifications.
///
/// With every notification timer at 0 (the Generic flavour) a rule's change of state is sent at
/// once; otherwise the notifications go through an Alertmanager-like pipeline
/// (`crate::alertmanager`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitoringParams {
    /// The real system these settings follow (a label; the values below are what runs, see
    /// `crate::flavours`).
    pub flavour: MonitoringFlavour,
    /// Seconds between scrapes.
    pub scrape_interval_s: f64,
    /// Seconds between rule evaluations, each on the data of the last scrape; 0 evaluates at each
    /// scrape.
    pub evaluation_interval_s: f64,
    /// Seconds a new group of alerts waits before its first notification (Alertmanager `group_wait`).
    pub group_wait_s: f64,
    /// Seconds between notifications of changes to a group already notified (`group_interval`);
    /// 0 sends a change at once.
    pub group_interval_s: f64,
    /// Seconds before an unchanged, still-firing group is sent again (`repeat_interval`); 0 never.
    pub repeat_interval_s: f64,
    /// Seconds a PagerDuty incident waits for an acknowledgement before it escalates to the next
    /// level of the escalation policy.
    pub escalation_timeout_s: f64,
    pub cost_per_hour: f64,
    /// How log lines reach the place they are searched (see `crate::flavours::LogShipper`).
    pub log_shipper: LogShipper,
    /// What the shipper may hold while the log store (this node) is down, megabytes: Fluentd's
    /// `total_limit_size` (512 MiB for its memory buffer); beyond it new lines are lost.
    pub buffer_limit_mb: f64,
}

/// The monitoring stack whose timing the monitoring node follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitoringFlavour {
    /// This app's own: a scrape every 5 s that also evaluates, notifications sent at once.
    #[default]
    Generic,
    /// Prometheus and Alertmanager at their documented defaults: scrape and evaluation every
    /// minute, notifications grouped (30 s wait, 5 min interval, 4 h repeat).
    PrometheusAlertmanager,
}

impl MonitoringParams {
    /// Whether notifications go through the grouping pipeline rather than out at once.
    pub fn groups_notifications(&self) -> bool {
        self.group_wait_s > 0.0 || self.group_interval_s > 0.0 || self.repeat_interval_s > 0.0
    }
}

/// What ships the logs to where they are searched: each buffers, so the newest lines are not
/// searchable yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogShipper {
    /// Every line is searchable at once (the app's own log).
    #[default]
    Direct,
    /// Fluentd's buffered output: flushed every 60 s (`flush_interval`).
    Fluentd,
    /// Logstash's pipeline: batches of 125 lines or 50 ms (`pipeline.batch.size`, `.delay`).
    Logstash,
}

impl Default for MonitoringParams {
    fn default() -> Self {
        MonitoringParams {
            flavour: MonitoringFlavour::Generic,
            scrape_interval_s: 5.0,
            evaluation_interval_s: 0.0,
            group_wait_s: 0.0,
            group_interval_s: 0.0,
            repeat_interval_s: 0.0,
            escalation_timeout_s: 1800.0,
            cost_per_hour: 0.05,
            log_shipper: LogShipper::Direct,
            buffer_limit_mb: 512.0,
        }
    }
}

/// A CI/CD pipeline ("Build & Deploy"): the stages a release goes through and how it reaches the
/// servers its deploy links point at (see `crate::nodes::pipeline` and `crate::rollout`).
///
/// Defaults and their sources: the rolling numbers are a Kubernetes Deployment's (`maxSurge` and
/// `maxUnavailable` 25 %, `progressDeadlineSeconds` 600, readiness probe `periodSeconds` 10); the
/// canary analysis follows Flagger (request success rate ≥ 99 %, request duration p99 ≤ 500 ms, as
/// in its documented analysis), with classroom timings (check every 30 s, step 10 %, up to 50 %,
/// 3 failed checks roll back); blue-green keeps the old fleet 30 s after the switch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineParams {
    /// The CI system these settings follow (a label; see `crate::flavours`).
    pub flavour: PipelineFlavour,
    /// Lint and static checks, seconds.
    pub checks_s: f64,
    /// Compile and package, seconds.
    pub build_s: f64,
    /// The test suite, seconds.
    pub test_s: f64,
    /// Chance that the test stage catches a release's defect, 0..=1 (a caught defect stops the run).
    pub catches: f64,
    /// Who lets a tested release go to production.
    pub approval: Approval,
    /// A wait-timer approval's wait, seconds.
    pub approval_wait_s: f64,
    pub strategy: DeployStrategy,
    /// Rolling: extra instances allowed during the rollout, share of the fleet (rounded up).
    pub max_surge: f64,
    /// Rolling: instances that may be unavailable, share of the fleet (rounded down).
    pub max_unavailable: f64,
    /// Readiness probe period, seconds: a new instance serves from the first probe after its cold
    /// start.
    pub readiness_period_s: f64,
    /// A rollout that makes no progress this long is reported failed (and left as it is).
    pub progress_deadline_s: f64,
    /// Blue-green: the old fleet is kept this long after the switch, for an instant switch back.
    pub blue_green_keep_s: f64,
    /// Canary: seconds between analysis checks.
    pub canary_interval_s: f64,
    /// Canary: weight added after each passed check, 0..=1.
    pub canary_step: f64,
    /// Canary: the weight at which a passed check promotes, 0..=1.
    pub canary_max_weight: f64,
    /// Canary: failed checks that roll back.
    pub canary_threshold: u32,
    /// Canary: a check passes with at least this success rate, 0..=1 ...
    pub canary_success_rate: f64,
    /// ... and a 99th-percentile response time at most this, milliseconds.
    pub canary_p99_ms: f64,
    pub cost_per_hour: f64,
}

/// The CI system a pipeline follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PipelineFlavour {
    #[default]
    Generic,
    /// GitHub Actions: approval by an environment's required reviewers or its wait timer.
    GithubActions,
    /// Jenkins: approval by a Pipeline `input` step.
    Jenkins,
}

/// Who lets a tested release go to production.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Straight on.
    #[default]
    None,
    /// Someone presses Approve.
    Manual,
    /// A wait timer (`approval_wait_s`).
    Wait,
}

/// How a release replaces the running version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeployStrategy {
    /// Every instance stops, then the new version starts: downtime.
    Recreate,
    /// New instances replace old ones a few at a time (a Kubernetes Deployment).
    #[default]
    Rolling,
    /// A whole new fleet, then one switch of all traffic.
    BlueGreen,
    /// A little traffic to the new version, more after each passed check.
    Canary,
}

impl DeployStrategy {
    pub const ALL: [DeployStrategy; 4] = [
        DeployStrategy::Recreate,
        DeployStrategy::Rolling,
        DeployStrategy::BlueGreen,
        DeployStrategy::Canary,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DeployStrategy::Recreate => "recreate",
            DeployStrategy::Rolling => "rolling",
            DeployStrategy::BlueGreen => "blue-green",
            DeployStrategy::Canary => "canary",
        }
    }

    /// Whether it needs a fleet it can grow (an autoscaling group), not single servers.
    pub fn needs_group(self) -> bool {
        matches!(self, DeployStrategy::BlueGreen | DeployStrategy::Canary)
    }
}

impl Default for PipelineParams {
    fn default() -> Self {
        PipelineParams {
            flavour: PipelineFlavour::Generic,
            checks_s: 30.0,
            build_s: 90.0,
            test_s: 120.0,
            catches: 0.6,
            approval: Approval::None,
            approval_wait_s: 0.0,
            strategy: DeployStrategy::Rolling,
            max_surge: 0.25,
            max_unavailable: 0.25,
            readiness_period_s: 10.0,
            progress_deadline_s: 600.0,
            blue_green_keep_s: 30.0,
            canary_interval_s: 30.0,
            canary_step: 0.1,
            canary_max_weight: 0.5,
            canary_threshold: 3,
            canary_success_rate: 0.99,
            canary_p99_ms: 500.0,
            cost_per_hour: 0.0,
        }
    }
}

impl PipelineParams {
    /// Kubernetes' rounding: (max surge rounded up, max unavailable rounded down) for a fleet of
    /// `n`; both zero is not allowed, so one may be unavailable then.
    pub fn rolling_limits(&self, n: u32) -> (u32, u32) {
        let surge = (self.max_surge * f64::from(n) - 1e-9).ceil().max(0.0) as u32;
        let unavailable = (self.max_unavailable * f64::from(n) + 1e-9)
            .floor()
            .max(0.0) as u32;
        if surge == 0 && unavailable == 0 {
            (0, 1)
        } else {
            (surge, unavailable)
        }
    }
}
