//! The saved design: nodes, links, alert rules and scheduled faults, as a versioned JSON document.
//!
//! Reading goes JSON text → `serde_json::Value` (syntax errors with line and column) → version check
//! and forward migration → typed structs (unknown kinds and fields rejected with their JSON path) →
//! [`Design::validate`] (ranges, links, cycles). No input makes any of these panic.

use serde::{Deserialize, Serialize};

use crate::NodeKind;
use crate::params::NodeParams;
use crate::validate::{DesignError, Problem};

/// The version this engine writes. Older documents are migrated forward on load.
pub const CURRENT_VERSION: u64 = 2;

/// A whole design. Positions are for the canvas only; the engine never reads them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Design {
    pub version: u64,
    pub name: String,
    /// Seed used when the caller does not choose one.
    pub seed: u64,
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
    pub alert_rules: Vec<AlertRule>,
    pub faults: Vec<ScheduledFault>,
    /// Releases committed to a pipeline at a simulated time (see [`crate::release`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<crate::release::ScheduledRelease>,
}

/// One box on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Unique within the design; links and rules refer to it.
    pub id: String,
    pub name: String,
    /// Canvas position in pixels; opaque to the engine.
    pub position: Position,
    /// Availability zone, for zone outages.
    pub zone: String,
    pub params: NodeParams,
}

impl Node {
    /// A node of `kind` with default parameters.
    pub fn new(id: &str, kind: NodeKind, x: f64, y: f64) -> Node {
        Node {
            id: id.to_owned(),
            name: String::new(),
            position: Position { x, y },
            zone: default_zone(),
            params: NodeParams::default_for(kind),
        }
    }

    pub fn kind(&self) -> NodeKind {
        self.params.kind()
    }

    /// The name to show: the given name, or the id.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

/// Canvas coordinates, pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// A directed connection: requests flow `from` → `to`, responses come back along it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub from: String,
    pub to: String,
    /// One-way network latency, milliseconds.
    #[serde(default = "default_link_latency")]
    pub latency_ms: f64,
    /// Probability that a request is lost on this link, 0..=1.
    #[serde(default)]
    pub loss: f64,
}

impl Link {
    pub fn new(from: &str, to: &str, latency_ms: f64) -> Link {
        Link {
            from: from.to_owned(),
            to: to.to_owned(),
            latency_ms,
            loss: 0.0,
        }
    }
}

fn default_link_latency() -> f64 {
    1.0
}

fn default_zone() -> String {
    "zone-a".to_owned()
}

/// What an alert rule measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertMetric {
    /// Failed / all responses, 0..=1.
    ErrorRate,
    /// CPU utilisation, 0..=1.
    Cpu,
    /// 95th-percentile response time, milliseconds.
    ResponseTimeP95,
    /// Mean response time, milliseconds.
    ResponseTimeMean,
    /// Requests waiting, count.
    QueueLength,
    /// Responses per second.
    Throughput,
    /// Cache hit ratio, 0..=1.
    HitRatio,
    /// Failed payments / all payments, 0..=1 (what users paying feel).
    PaymentErrorRate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Above,
    Below,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Slack,
    Email,
    Pagerduty,
}

/// Threshold rules compare the metric with `threshold`; anomaly rules fire when the metric is more
/// than `threshold` standard deviations away from its moving baseline; crash-loop rules fire while
/// a process PM2 gave up on ("errored") stays down (metric, comparison and threshold unused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Threshold,
    Anomaly,
    CrashLoop,
}

impl AlertMetric {
    /// Every metric, in the order a rule form lists them.
    pub const ALL: [AlertMetric; 8] = [
        AlertMetric::ErrorRate,
        AlertMetric::Cpu,
        AlertMetric::ResponseTimeP95,
        AlertMetric::ResponseTimeMean,
        AlertMetric::QueueLength,
        AlertMetric::Throughput,
        AlertMetric::HitRatio,
        AlertMetric::PaymentErrorRate,
    ];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            AlertMetric::ErrorRate => "Error rate",
            AlertMetric::Cpu => "CPU",
            AlertMetric::ResponseTimeP95 => "Response time (p95)",
            AlertMetric::ResponseTimeMean => "Response time (mean)",
            AlertMetric::QueueLength => "Queue length",
            AlertMetric::Throughput => "Requests / second",
            AlertMetric::HitRatio => "Cache hit ratio",
            AlertMetric::PaymentErrorRate => "Payment error rate",
        }
    }

    /// The identifier used in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertMetric::ErrorRate => "error_rate",
            AlertMetric::Cpu => "cpu",
            AlertMetric::ResponseTimeP95 => "response_time_p95",
            AlertMetric::ResponseTimeMean => "response_time_mean",
            AlertMetric::QueueLength => "queue_length",
            AlertMetric::Throughput => "throughput",
            AlertMetric::HitRatio => "hit_ratio",
            AlertMetric::PaymentErrorRate => "payment_error_rate",
        }
    }
}

impl Comparison {
    pub const ALL: [Comparison; 2] = [Comparison::Above, Comparison::Below];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Comparison::Above => "above (>)",
            Comparison::Below => "below (<)",
        }
    }

    /// The identifier used in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::Above => "above",
            Comparison::Below => "below",
        }
    }
}

impl Severity {
    /// Every severity, the most severe first.
    pub const ALL: [Severity; 3] = [Severity::Critical, Severity::Warning, Severity::Info];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        self.as_str()
    }

    /// The identifier used in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl Channel {
    /// Every channel, the one that pages someone first.
    pub const ALL: [Channel; 3] = [Channel::Pagerduty, Channel::Slack, Channel::Email];

    /// The name shown to people (the simulated Slack channel is #alerts).
    pub fn label(self) -> &'static str {
        match self {
            Channel::Slack => "Slack #alerts",
            Channel::Email => "Email",
            Channel::Pagerduty => "PagerDuty",
        }
    }

    /// The identifier used in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Slack => "slack",
            Channel::Email => "email",
            Channel::Pagerduty => "pagerduty",
        }
    }
}

impl RuleKind {
    pub const ALL: [RuleKind; 3] = [RuleKind::Threshold, RuleKind::Anomaly, RuleKind::CrashLoop];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            RuleKind::Threshold => "Threshold",
            RuleKind::Anomaly => "Anomaly (σ from baseline)",
            RuleKind::CrashLoop => "Crash loop (PM2 gave up)",
        }
    }

    /// The identifier used in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Threshold => "threshold",
            RuleKind::Anomaly => "anomaly",
            RuleKind::CrashLoop => "crash_loop",
        }
    }
}

/// A user-defined alert rule, evaluated by the monitoring node at each scrape (Prometheus semantics:
/// inactive → pending while the condition holds → firing once it held for `for_s` → resolved).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertRule {
    pub name: String,
    pub metric: AlertMetric,
    /// The node watched; `None` watches every node and takes the worst value.
    pub node: Option<String>,
    pub kind: RuleKind,
    pub comparison: Comparison,
    pub threshold: f64,
    /// The condition must hold this long before the alert fires, seconds.
    pub for_s: f64,
    pub severity: Severity,
    pub channel: Channel,
    /// The notification text ("Something went wrong", "Payment failed").
    pub message: String,
}

impl Default for AlertRule {
    fn default() -> Self {
        AlertRule {
            name: "High error rate".to_owned(),
            metric: AlertMetric::ErrorRate,
            node: None,
            kind: RuleKind::Threshold,
            comparison: Comparison::Above,
            threshold: 0.2,
            for_s: 10.0,
            severity: Severity::Critical,
            channel: Channel::Pagerduty,
            message: "Something went wrong".to_owned(),
        }
    }
}

impl AlertRule {
    /// The three default rules: error rate > 20 %, CPU > 80 %, p95 response time > 5 s.
    pub fn defaults() -> Vec<AlertRule> {
        vec![
            AlertRule::default(),
            AlertRule {
                name: "High CPU".to_owned(),
                metric: AlertMetric::Cpu,
                threshold: 0.8,
                for_s: 30.0,
                severity: Severity::Warning,
                channel: Channel::Slack,
                message: "CPU above 80 %".to_owned(),
                ..AlertRule::default()
            },
            AlertRule {
                name: "Slow responses".to_owned(),
                metric: AlertMetric::ResponseTimeP95,
                threshold: 5_000.0,
                for_s: 15.0,
                severity: Severity::Critical,
                channel: Channel::Email,
                message: "Responses take longer than 5 s".to_owned(),
                ..AlertRule::default()
            },
        ]
    }
}

/// A fault at a simulated time, optionally healed after `duration_s`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledFault {
    /// When it starts, seconds of simulated time.
    pub at_s: f64,
    /// How long it lasts, seconds; `None` = until changed by hand.
    #[serde(default)]
    pub duration_s: Option<f64>,
    pub fault: Fault,
}

/// Something that goes wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// The node dies (all its requests fail); with a duration it is restarted afterwards.
    Kill { node: String },
    /// The node restarts (cold start included).
    Restart { node: String },
    /// Every service time at the node is multiplied by `factor`.
    SlowDown { node: String, factor: f64 },
    /// Requests between the two nodes (either direction) fail.
    Partition { a: String, b: String },
    /// A link gets extra latency and loss.
    LinkDegradation {
        from: String,
        to: String,
        added_latency_ms: f64,
        loss: f64,
    },
    /// Every node in the zone dies.
    ZoneOutage { zone: String },
    /// The database's primary dies; a replica is promoted after the promotion delay.
    DatabasePrimaryCrash { node: String },
    /// The cache forgets every key.
    CacheFlush { node: String },
    /// The users node's rate (or every users node's) is multiplied by `factor`.
    TrafficSpike { node: Option<String>, factor: f64 },
}

/// What kind of thing goes wrong: a [`Fault`] without its data, for forms and filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    Kill,
    Restart,
    SlowDown,
    Partition,
    LinkDegradation,
    ZoneOutage,
    DatabasePrimaryCrash,
    CacheFlush,
    TrafficSpike,
}

impl FaultKind {
    pub const ALL: [FaultKind; 9] = [
        FaultKind::Kill,
        FaultKind::Restart,
        FaultKind::SlowDown,
        FaultKind::Partition,
        FaultKind::LinkDegradation,
        FaultKind::ZoneOutage,
        FaultKind::DatabasePrimaryCrash,
        FaultKind::CacheFlush,
        FaultKind::TrafficSpike,
    ];

    /// The identifier used in design files (the fault's `type`).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Kill => "kill",
            FaultKind::Restart => "restart",
            FaultKind::SlowDown => "slow_down",
            FaultKind::Partition => "partition",
            FaultKind::LinkDegradation => "link_degradation",
            FaultKind::ZoneOutage => "zone_outage",
            FaultKind::DatabasePrimaryCrash => "database_primary_crash",
            FaultKind::CacheFlush => "cache_flush",
            FaultKind::TrafficSpike => "traffic_spike",
        }
    }

    /// The kind with this identifier.
    pub fn parse(code: &str) -> Option<FaultKind> {
        FaultKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == code)
    }

    /// Whether this fault does something to a node of `kind` it names (both ends of a partition or
    /// a degraded link). A zone outage names a zone, never a node. It says what the model does:
    /// slowing down needs workers to slow, a flush needs a cache (a CDN's edge is not flushed), a
    /// primary crash a database, a traffic spike a users node.
    pub fn fits(self, kind: NodeKind) -> bool {
        match self {
            FaultKind::Kill | FaultKind::Restart => true,
            // A pipeline's deploy links carry no traffic to cut or slow.
            FaultKind::Partition | FaultKind::LinkDegradation => kind != NodeKind::Pipeline,
            FaultKind::SlowDown => kind.has_workers(),
            FaultKind::ZoneOutage => false,
            FaultKind::DatabasePrimaryCrash => kind == NodeKind::Database,
            FaultKind::CacheFlush => kind == NodeKind::Cache,
            FaultKind::TrafficSpike => kind == NodeKind::Users,
        }
    }
}

impl Fault {
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::Kill { .. } => FaultKind::Kill,
            Fault::Restart { .. } => FaultKind::Restart,
            Fault::SlowDown { .. } => FaultKind::SlowDown,
            Fault::Partition { .. } => FaultKind::Partition,
            Fault::LinkDegradation { .. } => FaultKind::LinkDegradation,
            Fault::ZoneOutage { .. } => FaultKind::ZoneOutage,
            Fault::DatabasePrimaryCrash { .. } => FaultKind::DatabasePrimaryCrash,
            Fault::CacheFlush { .. } => FaultKind::CacheFlush,
            Fault::TrafficSpike { .. } => FaultKind::TrafficSpike,
        }
    }
}

/// A fault in a few words, as logs and reports tell it: "Kill server-1", "Slow down server-2 ×3".
impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Kill { node } => write!(f, "Kill {node}"),
            Fault::Restart { node } => write!(f, "Restart {node}"),
            Fault::SlowDown { node, factor } => write!(f, "Slow down {node} ×{factor}"),
            Fault::Partition { a, b } => write!(f, "Partition {a} ↮ {b}"),
            Fault::LinkDegradation {
                from,
                to,
                added_latency_ms,
                loss,
            } => write!(
                f,
                "Degrade {from} → {to} (+{added_latency_ms} ms, {:.0} % loss)",
                loss * 100.0
            ),
            Fault::ZoneOutage { zone } => write!(f, "Outage of {zone}"),
            Fault::DatabasePrimaryCrash { node } => write!(f, "Crash {node}'s primary"),
            Fault::CacheFlush { node } => write!(f, "Flush {node}"),
            Fault::TrafficSpike {
                node: Some(node),
                factor,
            } => write!(f, "Traffic ×{factor} from {node}"),
            Fault::TrafficSpike { node: None, factor } => {
                write!(f, "Traffic ×{factor} from every users node")
            }
        }
    }
}

/// The shape of a design on the wire, before the nodes' parameters are typed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    version: u64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    nodes: Vec<RawNode>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default = "AlertRule::defaults")]
    alert_rules: Vec<AlertRule>,
    #[serde(default)]
    faults: Vec<ScheduledFault>,
    #[serde(default)]
    releases: Vec<crate::release::ScheduledRelease>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: String,
    kind: NodeKind,
    #[serde(default)]
    name: String,
    #[serde(default)]
    position: Position,
    #[serde(default = "default_zone")]
    zone: String,
    #[serde(default)]
    params: serde_json::Value,
}

impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct NodeOut<'a> {
            id: &'a str,
            kind: NodeKind,
            name: &'a str,
            position: Position,
            zone: &'a str,
            params: &'a NodeParams,
        }
        NodeOut {
            id: &self.id,
            kind: self.kind(),
            name: &self.name,
            position: self.position,
            zone: &self.zone,
            params: &self.params,
        }
        .serialize(serializer)
    }
}

impl Design {
    /// Reads a design file: parses, migrates older versions and validates.
    pub fn from_json(text: &str) -> Result<Design, DesignError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| DesignError {
            path: String::new(),
            problem: Problem::Malformed {
                line: error.line(),
                column: error.column(),
                message: strip_position(&error.to_string()),
            },
        })?;
        let design = Design::from_value(value)?;
        design.validate()?;
        Ok(design)
    }

    /// Types a parsed JSON document (with migration), without range validation.
    pub fn from_value(value: serde_json::Value) -> Result<Design, DesignError> {
        let value = migrate(value)?;
        let raw: RawDesign = serde_path_to_error::deserialize(value).map_err(|error| {
            let path = error.path().to_string();
            DesignError {
                path: if path == "." { String::new() } else { path },
                problem: Problem::Schema {
                    message: error.into_inner().to_string(),
                },
            }
        })?;
        let mut nodes = Vec::with_capacity(raw.nodes.len());
        for (index, raw_node) in raw.nodes.into_iter().enumerate() {
            let params = NodeParams::from_value(raw_node.kind, raw_node.params).map_err(
                |(inner, message)| DesignError {
                    path: if inner.is_empty() {
                        format!("nodes[{index}].params")
                    } else {
                        format!("nodes[{index}].params.{inner}")
                    },
                    problem: Problem::Schema { message },
                },
            )?;
            nodes.push(Node {
                id: raw_node.id,
                name: raw_node.name,
                position: raw_node.position,
                zone: raw_node.zone,
                params,
            });
        }
        Ok(Design {
            version: raw.version,
            name: raw.name,
            seed: raw.seed,
            nodes,
            links: raw.links,
            alert_rules: raw.alert_rules,
            faults: raw.faults,
            releases: raw.releases,
        })
    }

    /// Writes the design as pretty JSON (always the current version).
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|node| node.id == id)
    }

    /// The index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|node| node.id == id)
    }
}

impl TryFrom<serde_json::Value> for Design {
    type Error = DesignError;

    fn try_from(value: serde_json::Value) -> Result<Design, DesignError> {
        Design::from_value(value)
    }
}

/// serde_json appends " at line L column C" to its messages; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message.to_owned(),
    }
}

/// Brings an older document up to [`CURRENT_VERSION`], one version at a time.
///
/// Version 1 named link ends `source`/`target` and gave link latency in seconds (`latency_s`).
fn migrate(mut value: serde_json::Value) -> Result<serde_json::Value, DesignError> {
    let version = match value.get("version") {
        None => {
            return Err(DesignError {
                path: "version".to_owned(),
                problem: Problem::Schema {
                    message: "missing field `version`".to_owned(),
                },
            });
        }
        Some(version) => version.as_u64().ok_or_else(|| DesignError {
            path: "version".to_owned(),
            problem: Problem::Schema {
                message: format!("expected a whole number, got {version}"),
            },
        })?,
    };
    if version == 0 || version > CURRENT_VERSION {
        return Err(DesignError {
            path: "version".to_owned(),
            problem: Problem::UnsupportedVersion {
                found: version,
                newest: CURRENT_VERSION,
            },
        });
    }
    if version == 1 {
        value = migrate_v1_to_v2(value);
    }
    Ok(value)
}

fn migrate_v1_to_v2(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(links) = value
        .get_mut("links")
        .and_then(|links| links.as_array_mut())
    {
        for link in links {
            if let Some(link) = link.as_object_mut() {
                if let Some(source) = link.remove("source") {
                    link.insert("from".to_owned(), source);
                }
                if let Some(target) = link.remove("target") {
                    link.insert("to".to_owned(), target);
                }
                if let Some(seconds) = link.remove("latency_s") {
                    let milliseconds = seconds.as_f64().map(|s| s * 1000.0);
                    link.insert(
                        "latency_ms".to_owned(),
                        milliseconds.map_or(seconds, serde_json::Value::from),
                    );
                }
            }
        }
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("version".to_owned(), serde_json::Value::from(2));
    }
    value
}
