//! Design validation: typed errors that carry the JSON path of the offending value, and the rules for
//! which kinds may be linked in which direction.

use std::fmt;

use serde::Serialize;

use crate::NodeKind;
use crate::design::{Design, Fault, RuleKind};
use crate::params::{
    AutoscalingGroupParams, CacheParams, CdnParams, DatabaseParams, LoadBalancerParams,
    MonitoringParams, NodeParams, PipelineParams, RatePattern, ServerParams, ServiceTime,
    UsersParams,
};
use crate::release::{Defect, Release};

/// A problem with a design, located by a JSON path such as `nodes[2].params.workers`
/// (empty for problems with the whole document).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DesignError {
    pub path: String,
    pub problem: Problem,
}

/// The problems of a release about to be committed (its version name and defect's numbers), with
/// paths inside the release.
pub fn release_problems(release: &Release) -> Vec<DesignError> {
    let mut checker = Checker { errors: Vec::new() };
    checker.release("release", release);
    checker.errors
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Problem {
    /// The text is not JSON.
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    /// Unknown kind or field, missing field, wrong type.
    Schema {
        message: String,
    },
    /// Written by a newer engine.
    UnsupportedVersion {
        found: u64,
        newest: u64,
    },
    DuplicateNodeId {
        id: String,
    },
    /// A link or rule names a node that does not exist.
    UnknownNode {
        id: String,
    },
    DuplicateLink {
        from: String,
        to: String,
    },
    SelfLink {
        id: String,
    },
    LinkNotAllowed(LinkRefusal),
    /// A number outside its allowed range; the message says which range.
    OutOfRange {
        message: String,
    },
    /// No users node: nothing would ever happen.
    NoTrafficSource,
    /// Requests could go round this loop forever.
    RoutingCycle {
        cycle: Vec<String>,
    },
    /// A health-check probe's timeout is not shorter than the interval between probes.
    ProbeTimeoutNotBelowInterval {
        timeout_ms: f64,
        interval_ms: f64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Malformed {
                line,
                column,
                message,
            } => write!(
                f,
                "not valid JSON at line {line}, column {column}: {message}"
            ),
            Problem::Schema { message } => write!(f, "{message}"),
            Problem::UnsupportedVersion { found, newest } => write!(
                f,
                "this design is version {found}, but this program reads versions 1 to {newest}; \
                 update the program"
            ),
            Problem::DuplicateNodeId { id } => write!(f, "the id \"{id}\" is used twice"),
            Problem::UnknownNode { id } => write!(f, "there is no node with id \"{id}\""),
            Problem::DuplicateLink { from, to } => {
                write!(f, "\"{from}\" is already linked to \"{to}\"")
            }
            Problem::SelfLink { id } => write!(f, "\"{id}\" cannot be linked to itself"),
            Problem::LinkNotAllowed(refusal) => write!(f, "{refusal}"),
            Problem::OutOfRange { message } => write!(f, "{message}"),
            Problem::NoTrafficSource => {
                write!(
                    f,
                    "the design has no users node, so no requests would ever arrive"
                )
            }
            Problem::ProbeTimeoutNotBelowInterval {
                timeout_ms,
                interval_ms,
            } => write!(
                f,
                "must be shorter than the interval between probes ({interval_ms} ms), got \
                 {timeout_ms} ms: a probe should have failed before the next one is sent \
                 (an AWS load balancer refuses a timeout that is not smaller than the interval too)"
            ),
            Problem::RoutingCycle { cycle } => write!(
                f,
                "requests could loop forever: {} → {}",
                cycle.join(" → "),
                cycle.first().map_or("", String::as_str)
            ),
        }
    }
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for DesignError {}

/// Why a link between two kinds is refused, in words a student understands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkRefusal {
    pub from: NodeKind,
    pub to: NodeKind,
    pub reason: &'static str,
}

impl fmt::Display for LinkRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "a users node", "an Autoscaling group", "a CDN".
        let name = |kind: NodeKind| match kind {
            NodeKind::Users => "a users node".to_owned(),
            NodeKind::AutoscalingGroup => format!("an {}", kind.label()),
            _ => format!("a {}", kind.label()),
        };
        write!(
            f,
            "{} cannot send requests to {}: {}",
            name(self.from),
            name(self.to),
            self.reason
        )
    }
}

/// Whether requests may flow from a node of kind `from` to one of kind `to`. The editor calls this
/// while a link is being dragged.
pub fn link_allowed(from: NodeKind, to: NodeKind) -> Result<(), LinkRefusal> {
    use NodeKind::*;
    let refuse = |reason| Err(LinkRefusal { from, to, reason });
    match (from, to) {
        (Monitoring, _) | (_, Monitoring) => {
            refuse("monitoring watches every node by itself and takes no requests; no link needed")
        }
        (Pipeline, Server | AutoscalingGroup) => Ok(()),
        (Pipeline, _) => refuse(
            "a pipeline deploys releases to servers and autoscaling groups (its links carry no traffic)",
        ),
        (_, Pipeline) => refuse("a pipeline takes no requests; draw its deploy links from it"),
        (_, Users) => refuse("users only send requests, they never receive them"),
        (Database, _) => refuse("a database answers queries and calls nothing further"),
        (Users, Cache | Database) => refuse(
            "users reach the system through a load balancer, a CDN or a server; \
             they never talk to caches or databases directly",
        ),
        (Users, _) => Ok(()),
        (Cdn, LoadBalancer | Server | AutoscalingGroup | Service) => Ok(()),
        (Cdn, _) => refuse("a CDN fetches misses from an origin: a load balancer or a server"),
        (LoadBalancer, LoadBalancer | Server | AutoscalingGroup | Service) => Ok(()),
        (LoadBalancer, Cdn) => refuse("a CDN sits in front of the load balancer, not behind it"),
        (LoadBalancer, _) => refuse(
            "a load balancer spreads requests over servers; caches and databases are called by them",
        ),
        (Server | AutoscalingGroup | Service, Cache | Database | Service | LoadBalancer) => Ok(()),
        (Server | AutoscalingGroup | Service, _) => {
            refuse("servers call caches, databases and services, not other entry points")
        }
        (Cache, Database | Service) => Ok(()),
        (Cache, _) => refuse("a cache sends its misses to a database or a service behind it"),
    }
}

struct Checker {
    errors: Vec<DesignError>,
}

impl Checker {
    fn push(&mut self, path: String, problem: Problem) {
        self.errors.push(DesignError { path, problem });
    }

    fn range(&mut self, path: &str, value: f64, min: f64, max: f64) {
        let message = if !value.is_finite() {
            Some(format!("must be a finite number, got {value}"))
        } else if value < min {
            Some(format!("must be at least {min}, got {value}"))
        } else if value > max {
            Some(format!("must be at most {max}, got {value}"))
        } else {
            None
        };
        if let Some(message) = message {
            self.push(path.to_owned(), Problem::OutOfRange { message });
        }
    }

    fn count(&mut self, path: &str, value: u32, min: u32, max: u32) {
        self.range(path, f64::from(value), f64::from(min), f64::from(max));
    }

    fn service_time(&mut self, path: &str, time: &ServiceTime) {
        self.range(&format!("{path}.mean_ms"), time.mean_ms, 0.0, 3_600_000.0);
        self.range(&format!("{path}.sigma"), time.sigma, 0.0, 5.0);
    }

    fn server(&mut self, path: &str, server: &ServerParams) {
        if let Some(workers) = server.workers {
            self.count(&format!("{path}.workers"), workers, 1, 4096);
        }
        self.count(
            &format!("{path}.queue_capacity"),
            server.queue_capacity,
            0,
            1_000_000,
        );
        self.range(
            &format!("{path}.timeout_ms"),
            server.timeout_ms,
            0.0,
            DAY_MS,
        );
        let service = &server.service;
        self.service_time(
            &format!("{path}.service.static_asset"),
            &service.static_asset,
        );
        self.service_time(&format!("{path}.service.read"), &service.read);
        self.service_time(&format!("{path}.service.write"), &service.write);
        self.service_time(&format!("{path}.service.payment"), &service.payment);
        self.range(
            &format!("{path}.base_memory_mb"),
            server.base_memory_mb,
            0.0,
            1e7,
        );
        self.range(
            &format!("{path}.memory_per_request_mb"),
            server.memory_per_request_mb,
            0.0,
            1e6,
        );
        self.range(
            &format!("{path}.cold_start_ms"),
            server.cold_start_ms,
            0.0,
            DAY_MS,
        );
        if let Some(restart) = server.auto_restart_s {
            self.range(&format!("{path}.auto_restart_s"), restart, 0.0, DAY_S);
        }
        self.range(
            &format!("{path}.response_bytes"),
            server.response_bytes,
            0.0,
            1e10,
        );
    }

    fn users(&mut self, path: &str, users: &UsersParams) {
        self.range(
            &format!("{path}.rate_per_second"),
            users.rate_per_second,
            0.0,
            MAX_RATE,
        );
        let pattern = format!("{path}.pattern");
        match &users.pattern {
            RatePattern::Constant => {}
            RatePattern::Ramp {
                start_rate_per_second,
                duration_s,
            } => {
                self.range(
                    &format!("{pattern}.start_rate_per_second"),
                    *start_rate_per_second,
                    0.0,
                    MAX_RATE,
                );
                self.range(&format!("{pattern}.duration_s"), *duration_s, 0.0, DAY_S);
            }
            RatePattern::Step {
                at_s,
                rate_per_second_after,
            } => {
                self.range(&format!("{pattern}.at_s"), *at_s, 0.0, DAY_S);
                self.range(
                    &format!("{pattern}.rate_per_second_after"),
                    *rate_per_second_after,
                    0.0,
                    MAX_RATE,
                );
            }
            RatePattern::Spike {
                at_s,
                duration_s,
                factor,
            } => {
                self.range(&format!("{pattern}.at_s"), *at_s, 0.0, DAY_S);
                self.range(&format!("{pattern}.duration_s"), *duration_s, 0.0, DAY_S);
                self.range(&format!("{pattern}.factor"), *factor, 0.0, 1000.0);
                self.range(
                    &format!("{path}.rate_per_second × factor"),
                    users.rate_per_second * factor,
                    0.0,
                    MAX_RATE,
                );
            }
            RatePattern::Diurnal {
                period_s,
                amplitude,
            } => {
                self.range(&format!("{pattern}.period_s"), *period_s, 1.0, 30.0 * DAY_S);
                self.range(&format!("{pattern}.amplitude"), *amplitude, 0.0, 1.0);
            }
        }
        let weights = users.mix.weights();
        for (name, weight) in ["static_asset", "read", "write", "payment"]
            .iter()
            .zip(weights)
        {
            self.range(&format!("{path}.mix.{name}"), weight, 0.0, 1e6);
        }
        if weights.iter().all(|weight| *weight <= 0.0) {
            self.push(
                format!("{path}.mix"),
                Problem::OutOfRange {
                    message: "at least one request type needs a weight above 0".to_owned(),
                },
            );
        }
        self.range(
            &format!("{path}.payment_value"),
            users.payment_value,
            0.0,
            1e9,
        );
        self.range(&format!("{path}.timeout_ms"), users.timeout_ms, 1.0, DAY_MS);
        self.count(
            &format!("{path}.retry.max_retries"),
            users.retry.max_retries,
            0,
            20,
        );
        self.range(
            &format!("{path}.retry.backoff_ms"),
            users.retry.backoff_ms,
            0.0,
            DAY_MS,
        );
        self.range(
            &format!("{path}.retry.multiplier"),
            users.retry.multiplier,
            1.0,
            100.0,
        );
        self.count(
            &format!("{path}.distinct_users"),
            users.distinct_users,
            1,
            u32::MAX,
        );
    }

    fn load_balancer(&mut self, path: &str, lb: &LoadBalancerParams) {
        if let Some(delay) = lb.deregistration_delay_ms {
            // ALB allows 0–3600 s.
            self.range(
                &format!("{path}.deregistration_delay_ms"),
                delay,
                0.0,
                3_600_000.0,
            );
        }
        let check = &lb.health_check;
        self.range(
            &format!("{path}.health_check.interval_ms"),
            check.interval_ms,
            10.0,
            DAY_MS,
        );
        self.range(
            &format!("{path}.health_check.timeout_ms"),
            check.timeout_ms,
            1.0,
            DAY_MS,
        );
        if check.timeout_ms >= check.interval_ms {
            self.push(
                format!("{path}.health_check.timeout_ms"),
                Problem::ProbeTimeoutNotBelowInterval {
                    timeout_ms: check.timeout_ms,
                    interval_ms: check.interval_ms,
                },
            );
        }
        self.count(
            &format!("{path}.health_check.unhealthy_threshold"),
            check.unhealthy_threshold,
            1,
            100,
        );
        self.count(
            &format!("{path}.health_check.healthy_threshold"),
            check.healthy_threshold,
            1,
            100,
        );
        self.range(
            &format!("{path}.processing_ms"),
            lb.processing_ms,
            0.0,
            60_000.0,
        );
        self.range(&format!("{path}.takeover_ms"), lb.takeover_ms, 0.0, DAY_MS);
        self.count(
            &format!("{path}.passive_max_fails"),
            lb.passive_max_fails,
            0,
            100,
        );
        self.range(
            &format!("{path}.passive_fail_timeout_ms"),
            lb.passive_fail_timeout_ms,
            1.0,
            DAY_MS,
        );
        self.range(
            &format!("{path}.advert_interval_ms"),
            lb.advert_interval_ms,
            10.0,
            255_000.0,
        );
        self.count(
            &format!("{path}.backup_priority"),
            lb.backup_priority,
            1,
            254,
        );
        self.range(&format!("{path}.cost_per_hour"), lb.cost_per_hour, 0.0, 1e6);
    }

    fn group(&mut self, path: &str, group: &AutoscalingGroupParams) {
        self.server(&format!("{path}.server"), &group.server);
        self.count(
            &format!("{path}.min_instances"),
            group.min_instances,
            0,
            1000,
        );
        self.count(
            &format!("{path}.max_instances"),
            group.max_instances,
            group.min_instances.max(1),
            1000,
        );
        self.count(
            &format!("{path}.initial_instances"),
            group.initial_instances,
            group.min_instances,
            group.max_instances.max(group.min_instances),
        );
        self.range(
            &format!("{path}.scale_out_above"),
            group.scale_out_above,
            0.0,
            1e9,
        );
        self.range(
            &format!("{path}.scale_in_below"),
            group.scale_in_below,
            0.0,
            group.scale_out_above.max(0.0),
        );
        self.range(&format!("{path}.cooldown_s"), group.cooldown_s, 0.0, DAY_S);
        self.range(
            &format!("{path}.provisioning_s"),
            group.provisioning_s,
            0.0,
            DAY_S,
        );
        self.range(
            &format!("{path}.evaluation_s"),
            group.evaluation_s,
            0.1,
            DAY_S,
        );
    }

    fn cache(&mut self, path: &str, cache: &CacheParams) {
        self.count(
            &format!("{path}.capacity_keys"),
            cache.capacity_keys,
            0,
            10_000_000,
        );
        self.count(&format!("{path}.keyspace"), cache.keyspace, 1, 1_000_000);
        self.range(&format!("{path}.zipf_s"), cache.zipf_s, 0.0, 5.0);
        self.range(&format!("{path}.ttl_s"), cache.ttl_s, 0.0, 30.0 * DAY_S);
        if let Some(ratio) = cache.fixed_hit_ratio {
            self.range(&format!("{path}.fixed_hit_ratio"), ratio, 0.0, 1.0);
        }
        self.count(&format!("{path}.workers"), cache.workers, 1, 4096);
        self.service_time(&format!("{path}.service"), &cache.service);
        self.count(
            &format!("{path}.eviction_samples"),
            cache.eviction_samples,
            1,
            64,
        );
        self.count(&format!("{path}.memory_mb"), cache.memory_mb, 1, 65_536);
        self.range(
            &format!("{path}.growth_factor"),
            cache.growth_factor,
            1.01,
            4.0,
        );
        // An item (value, key and header) must fit in a 1 MB page.
        let most = 1_000_000 - crate::nodes::cache::ITEM_OVERHEAD_BYTES;
        self.count(&format!("{path}.value_bytes"), cache.value_bytes, 1, most);
        self.range(&format!("{path}.large_share"), cache.large_share, 0.0, 1.0);
        self.count(
            &format!("{path}.large_value_bytes"),
            cache.large_value_bytes,
            1,
            most,
        );
        self.range(
            &format!("{path}.cost_per_hour"),
            cache.cost_per_hour,
            0.0,
            1e6,
        );
    }

    fn cdn(&mut self, path: &str, cdn: &CdnParams) {
        self.range(
            &format!("{path}.edge_hit_ratio"),
            cdn.edge_hit_ratio,
            0.0,
            1.0,
        );
        self.range(
            &format!("{path}.edge_latency_ms"),
            cdn.edge_latency_ms,
            0.0,
            60_000.0,
        );
        self.range(
            &format!("{path}.cost_per_hour"),
            cdn.cost_per_hour,
            0.0,
            1e6,
        );
    }

    fn database(&mut self, path: &str, database: &DatabaseParams) {
        if let Some(workers) = database.workers {
            self.count(&format!("{path}.workers"), workers, 1, 4096);
        }
        self.count(&format!("{path}.replicas"), database.replicas, 0, 64);
        self.range(
            &format!("{path}.replication_lag_ms"),
            database.replication_lag_ms,
            0.0,
            DAY_MS,
        );
        self.count(
            &format!("{path}.max_connections"),
            database.max_connections,
            0,
            1_000_000,
        );
        self.count(
            &format!("{path}.max_waiting"),
            database.max_waiting,
            0,
            10_000_000,
        );
        self.range(
            &format!("{path}.acquire_timeout_ms"),
            database.acquire_timeout_ms,
            0.0,
            DAY_MS,
        );
        self.service_time(&format!("{path}.read"), &database.read);
        self.service_time(&format!("{path}.write"), &database.write);
        self.range(
            &format!("{path}.promotion_s"),
            database.promotion_s,
            0.0,
            DAY_S,
        );
    }

    fn release(&mut self, path: &str, release: &Release) {
        let length = release.version.chars().count();
        if release.version.trim().is_empty() || length > 40 {
            self.push(
                format!("{path}.version"),
                Problem::OutOfRange {
                    message: format!("a version needs a name of 1 to 40 characters, got {length}"),
                },
            );
        }
        let path = format!("{path}.defect");
        match release.defect {
            Some(Defect::ErrorRate { rate, .. }) => {
                self.range(&format!("{path}.rate"), rate, 0.0, 1.0);
            }
            Some(Defect::Latency { factor }) => {
                self.range(&format!("{path}.factor"), factor, 1.0, 1000.0);
            }
            Some(Defect::Crash { after_s }) => {
                self.range(&format!("{path}.after_s"), after_s, 1.0, DAY_S);
            }
            Some(Defect::FailingHealthCheck) | None => {}
        }
    }

    fn pipeline(&mut self, path: &str, pipeline: &PipelineParams) {
        for (field, value) in [
            ("checks_s", pipeline.checks_s),
            ("build_s", pipeline.build_s),
            ("test_s", pipeline.test_s),
            ("approval_wait_s", pipeline.approval_wait_s),
            ("blue_green_keep_s", pipeline.blue_green_keep_s),
        ] {
            self.range(&format!("{path}.{field}"), value, 0.0, DAY_S);
        }
        for (field, value) in [
            ("catches", pipeline.catches),
            ("max_surge", pipeline.max_surge),
            ("max_unavailable", pipeline.max_unavailable),
            ("canary_success_rate", pipeline.canary_success_rate),
        ] {
            self.range(&format!("{path}.{field}"), value, 0.0, 1.0);
        }
        self.range(
            &format!("{path}.canary_step"),
            pipeline.canary_step,
            0.01,
            1.0,
        );
        self.range(
            &format!("{path}.canary_max_weight"),
            pipeline.canary_max_weight,
            0.01,
            0.99,
        );
        self.range(
            &format!("{path}.readiness_period_s"),
            pipeline.readiness_period_s,
            0.0,
            3600.0,
        );
        self.range(
            &format!("{path}.progress_deadline_s"),
            pipeline.progress_deadline_s,
            1.0,
            DAY_S,
        );
        self.range(
            &format!("{path}.canary_interval_s"),
            pipeline.canary_interval_s,
            1.0,
            3600.0,
        );
        self.count(
            &format!("{path}.canary_threshold"),
            pipeline.canary_threshold,
            1,
            100,
        );
        self.range(
            &format!("{path}.canary_p99_ms"),
            pipeline.canary_p99_ms,
            1.0,
            3_600_000.0,
        );
        self.range(
            &format!("{path}.cost_per_hour"),
            pipeline.cost_per_hour,
            0.0,
            1e6,
        );
    }

    fn monitoring(&mut self, path: &str, monitoring: &MonitoringParams) {
        self.range(
            &format!("{path}.scrape_interval_s"),
            monitoring.scrape_interval_s,
            1.0,
            3600.0,
        );
        for (field, value) in [
            ("evaluation_interval_s", monitoring.evaluation_interval_s),
            ("group_wait_s", monitoring.group_wait_s),
            ("group_interval_s", monitoring.group_interval_s),
        ] {
            self.range(&format!("{path}.{field}"), value, 0.0, 3600.0);
        }
        self.range(
            &format!("{path}.repeat_interval_s"),
            monitoring.repeat_interval_s,
            0.0,
            DAY_S,
        );
        self.range(
            &format!("{path}.escalation_timeout_s"),
            monitoring.escalation_timeout_s,
            60.0,
            DAY_S,
        );
        self.range(
            &format!("{path}.cost_per_hour"),
            monitoring.cost_per_hour,
            0.0,
            1e6,
        );
        self.range(
            &format!("{path}.buffer_limit_mb"),
            monitoring.buffer_limit_mb,
            0.0,
            1e6,
        );
    }
}

const DAY_S: f64 = 86_400.0;
const DAY_MS: f64 = DAY_S * 1000.0;
/// The highest rate a users node may ask for, requests per second.
pub const MAX_RATE: f64 = 10_000_000.0;

impl Design {
    /// The first problem found, if any. See [`Design::problems`] for all of them.
    pub fn validate(&self) -> Result<(), DesignError> {
        match self.problems().into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Every problem, in document order (nodes, links, cycles, rules, faults).
    pub fn problems(&self) -> Vec<DesignError> {
        let mut checker = Checker { errors: Vec::new() };
        let mut seen = std::collections::BTreeMap::new();
        for (index, node) in self.nodes.iter().enumerate() {
            if seen.insert(node.id.as_str(), index).is_some() {
                checker.push(
                    format!("nodes[{index}].id"),
                    Problem::DuplicateNodeId {
                        id: node.id.clone(),
                    },
                );
            }
            let path = format!("nodes[{index}].params");
            match &node.params {
                NodeParams::Users(users) => checker.users(&path, users),
                NodeParams::LoadBalancer(lb) => checker.load_balancer(&path, lb),
                NodeParams::Server(server) | NodeParams::Service(server) => {
                    checker.server(&path, server);
                }
                NodeParams::AutoscalingGroup(group) => checker.group(&path, group),
                NodeParams::Cache(cache) => checker.cache(&path, cache),
                NodeParams::Cdn(cdn) => checker.cdn(&path, cdn),
                NodeParams::Database(database) => checker.database(&path, database),
                NodeParams::Monitoring(monitoring) => checker.monitoring(&path, monitoring),
                NodeParams::Pipeline(pipeline) => checker.pipeline(&path, pipeline),
            }
        }
        if !self.nodes.iter().any(|node| node.kind() == NodeKind::Users) {
            checker.push("nodes".to_owned(), Problem::NoTrafficSource);
        }
        let kind_of = |id: &str| seen.get(id).map(|index| self.nodes[*index].kind());
        let mut pairs = std::collections::BTreeSet::new();
        let mut adjacency = vec![Vec::new(); self.nodes.len()];
        for (index, link) in self.links.iter().enumerate() {
            let path = format!("links[{index}]");
            let from = kind_of(&link.from);
            let to = kind_of(&link.to);
            if from.is_none() {
                checker.push(
                    format!("{path}.from"),
                    Problem::UnknownNode {
                        id: link.from.clone(),
                    },
                );
            }
            if to.is_none() {
                checker.push(
                    format!("{path}.to"),
                    Problem::UnknownNode {
                        id: link.to.clone(),
                    },
                );
            }
            checker.range(
                &format!("{path}.latency_ms"),
                link.latency_ms,
                0.0,
                600_000.0,
            );
            checker.range(&format!("{path}.loss"), link.loss, 0.0, 1.0);
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if link.from == link.to {
                checker.push(
                    path,
                    Problem::SelfLink {
                        id: link.from.clone(),
                    },
                );
                continue;
            }
            if !pairs.insert((link.from.as_str(), link.to.as_str())) {
                checker.push(
                    path,
                    Problem::DuplicateLink {
                        from: link.from.clone(),
                        to: link.to.clone(),
                    },
                );
                continue;
            }
            if let Err(refusal) = link_allowed(from, to) {
                checker.push(path, Problem::LinkNotAllowed(refusal));
                continue;
            }
            adjacency[seen[link.from.as_str()]].push(seen[link.to.as_str()]);
        }
        if let Some(cycle) = find_cycle(&adjacency) {
            checker.push(
                "links".to_owned(),
                Problem::RoutingCycle {
                    cycle: cycle
                        .into_iter()
                        .map(|index| self.nodes[index].id.clone())
                        .collect(),
                },
            );
        }
        for (index, rule) in self.alert_rules.iter().enumerate() {
            let path = format!("alert_rules[{index}]");
            if let Some(node) = &rule.node
                && !seen.contains_key(node.as_str())
            {
                checker.push(
                    format!("{path}.node"),
                    Problem::UnknownNode { id: node.clone() },
                );
            }
            let max = if rule.kind == RuleKind::Anomaly {
                100.0
            } else {
                1e12
            };
            checker.range(&format!("{path}.threshold"), rule.threshold, 0.0, max);
            checker.range(&format!("{path}.for_s"), rule.for_s, 0.0, DAY_S);
        }
        for (index, scheduled) in self.releases.iter().enumerate() {
            let path = format!("releases[{index}]");
            checker.range(&format!("{path}.at_s"), scheduled.at_s, 0.0, 365.0 * DAY_S);
            match seen.get(scheduled.pipeline.as_str()) {
                None => checker.push(
                    format!("{path}.pipeline"),
                    Problem::UnknownNode {
                        id: scheduled.pipeline.clone(),
                    },
                ),
                Some(&node) if self.nodes[node].kind() != NodeKind::Pipeline => checker.push(
                    format!("{path}.pipeline"),
                    Problem::OutOfRange {
                        message: format!("\"{}\" is not a pipeline", scheduled.pipeline),
                    },
                ),
                Some(_) => {}
            }
            checker.release(&format!("{path}.release"), &scheduled.release);
        }
        // Blue-green and canary launch a second fleet: only an autoscaling group can.
        for (index, link) in self.links.iter().enumerate() {
            let (Some(from), Some(to)) = (self.node(&link.from), self.node(&link.to)) else {
                continue;
            };
            if let NodeParams::Pipeline(pipeline) = &from.params
                && pipeline.strategy.needs_group()
                && to.kind() == NodeKind::Server
            {
                checker.push(
                    format!("links[{index}].to"),
                    Problem::OutOfRange {
                        message: format!(
                            "a {} deploy starts a second fleet, which a single server cannot: \
                             link the pipeline to an autoscaling group, or deploy rolling or recreate",
                            pipeline.strategy.label()
                        ),
                    },
                );
            }
        }
        for (index, fault) in self.faults.iter().enumerate() {
            let path = format!("faults[{index}]");
            checker.range(&format!("{path}.at_s"), fault.at_s, 0.0, 365.0 * DAY_S);
            if let Some(duration) = fault.duration_s {
                checker.range(&format!("{path}.duration_s"), duration, 0.0, 365.0 * DAY_S);
            }
            let mut node_ref = |field: &str, id: &str| {
                if !seen.contains_key(id) {
                    checker.push(
                        format!("{path}.fault.{field}"),
                        Problem::UnknownNode { id: id.to_owned() },
                    );
                }
            };
            match &fault.fault {
                Fault::Kill { node }
                | Fault::Restart { node }
                | Fault::DatabasePrimaryCrash { node }
                | Fault::CacheFlush { node } => node_ref("node", node),
                Fault::SlowDown { node, .. } => node_ref("node", node),
                Fault::Partition { a, b } => {
                    node_ref("a", a);
                    node_ref("b", b);
                }
                Fault::LinkDegradation { from, to, .. } => {
                    node_ref("from", from);
                    node_ref("to", to);
                }
                Fault::ZoneOutage { .. } => {}
                Fault::TrafficSpike { node, .. } => {
                    if let Some(node) = node {
                        node_ref("node", node);
                    }
                }
            }
            match &fault.fault {
                Fault::SlowDown { factor, .. } => {
                    checker.range(&format!("{path}.fault.factor"), *factor, 0.01, 1000.0);
                }
                Fault::TrafficSpike { factor, .. } => {
                    checker.range(&format!("{path}.fault.factor"), *factor, 0.0, 1000.0);
                }
                Fault::LinkDegradation {
                    added_latency_ms,
                    loss,
                    ..
                } => {
                    checker.range(
                        &format!("{path}.fault.added_latency_ms"),
                        *added_latency_ms,
                        0.0,
                        600_000.0,
                    );
                    checker.range(&format!("{path}.fault.loss"), *loss, 0.0, 1.0);
                }
                _ => {}
            }
        }
        checker.errors
    }
}

/// A directed cycle in the routing graph, as node indices, if there is one (iterative DFS so a
/// 10 000-node chain cannot overflow the stack).
fn find_cycle(adjacency: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut marks = vec![Mark::New; adjacency.len()];
    for start in 0..adjacency.len() {
        if marks[start] != Mark::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnStack;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = adjacency[node].get(*next) {
                *next += 1;
                match marks[child] {
                    Mark::New => {
                        marks[child] = Mark::OnStack;
                        stack.push((child, 0));
                    }
                    Mark::OnStack => {
                        let from = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        return Some(stack[from..].iter().map(|(n, _)| *n).collect());
                    }
                    Mark::Done => {}
                }
            } else {
                marks[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    None
}
