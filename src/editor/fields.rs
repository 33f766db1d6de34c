//! The inspector's view of a node's parameters: every editable field with its current value as
//! text, the input it needs and its unit.
//!
//! The list is derived from the parameters' own JSON and checked against the engine's reader, so it
//! never falls out of step with the engine: a new parameter appears in the inspector by itself. It is
//! ordered by importance in four sections (traffic, capacity, resilience, cost), so what a student
//! changes first (rate, tier, workers) comes first.
//! Units come from the field names (`_ms`, `_s`, `_mb`, `_per_second`, …), the engine's naming rule.
//! Help text and allowed ranges are not described by the engine yet (only enforced by its
//! validation), so fields carry none; when the engine grows a table of them, this is where they join.

use engine::{NodeKind, NodeParams};
use serde_json::Value;

use super::command::parse_params;

/// The inspector's sections, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// What arrives and how it is routed: rate, pattern, mix, algorithm, request cost.
    Traffic,
    /// What serves it: tier, workers, queues, instances, pools, cache size.
    Capacity,
    /// A pipeline's way to production: its stages, how often tests catch a bug, the approval.
    Stages,
    /// How a pipeline's release replaces the running version: the strategy and its limits.
    Deploy,
    /// What happens when things break: health checks, standby, retries, timeouts, restarts.
    Resilience,
    /// What it costs.
    Cost,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Traffic,
        Section::Capacity,
        Section::Stages,
        Section::Deploy,
        Section::Resilience,
        Section::Cost,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Traffic => "Traffic",
            Section::Capacity => "Capacity",
            Section::Stages => "Stages",
            Section::Deploy => "Deploy",
            Section::Resilience => "Resilience",
            Section::Cost => "Cost",
        }
    }
}

/// Where a parameter goes, by the name that decides it, most important first within its section.
/// A name not listed goes last in Capacity (a new parameter still shows; this table orders it).
const ORDER: &[(&str, Section)] = &[
    ("rate_per_second", Section::Traffic),
    ("pattern", Section::Traffic),
    ("mix", Section::Traffic),
    ("distinct_users", Section::Traffic),
    ("payment_value", Section::Traffic),
    ("algorithm", Section::Traffic),
    ("edge_hit_ratio", Section::Traffic),
    ("edge_latency_ms", Section::Traffic),
    ("processing_ms", Section::Traffic),
    ("tier", Section::Capacity),
    ("workers", Section::Capacity),
    ("queue_capacity", Section::Capacity),
    ("min_instances", Section::Capacity),
    ("initial_instances", Section::Capacity),
    ("max_instances", Section::Capacity),
    ("metric", Section::Capacity),
    ("scale_out_above", Section::Capacity),
    ("scale_in_below", Section::Capacity),
    ("cooldown_s", Section::Capacity),
    ("provisioning_s", Section::Capacity),
    ("evaluation_s", Section::Capacity),
    ("replicas", Section::Capacity),
    ("max_connections", Section::Capacity),
    ("max_waiting", Section::Capacity),
    ("capacity_keys", Section::Capacity),
    ("eviction", Section::Capacity),
    ("eviction_samples", Section::Capacity),
    ("slabs", Section::Capacity),
    ("memory_mb", Section::Capacity),
    ("value_bytes", Section::Capacity),
    ("large_share", Section::Capacity),
    ("large_value_bytes", Section::Capacity),
    ("growth_factor", Section::Capacity),
    ("slab_automove", Section::Capacity),
    ("prewarmed", Section::Capacity),
    ("keyspace", Section::Capacity),
    ("zipf_s", Section::Capacity),
    ("ttl_s", Section::Capacity),
    ("fixed_hit_ratio", Section::Capacity),
    ("service", Section::Capacity),
    ("read", Section::Capacity),
    ("write", Section::Capacity),
    ("hold_worker_during_calls", Section::Capacity),
    ("base_memory_mb", Section::Capacity),
    ("memory_per_request_mb", Section::Capacity),
    ("response_bytes", Section::Capacity),
    ("scrape_interval_s", Section::Capacity),
    ("evaluation_interval_s", Section::Capacity),
    ("group_wait_s", Section::Capacity),
    ("group_interval_s", Section::Capacity),
    ("repeat_interval_s", Section::Capacity),
    ("escalation_timeout_s", Section::Capacity),
    ("log_shipper", Section::Capacity),
    ("buffer_limit_mb", Section::Capacity),
    ("checks_s", Section::Stages),
    ("build_s", Section::Stages),
    ("test_s", Section::Stages),
    ("catches", Section::Stages),
    ("approval", Section::Stages),
    ("approval_wait_s", Section::Stages),
    ("strategy", Section::Deploy),
    ("max_surge", Section::Deploy),
    ("max_unavailable", Section::Deploy),
    ("readiness_period_s", Section::Deploy),
    ("progress_deadline_s", Section::Deploy),
    ("blue_green_keep_s", Section::Deploy),
    ("canary_interval_s", Section::Deploy),
    ("canary_step", Section::Deploy),
    ("canary_max_weight", Section::Deploy),
    ("canary_threshold", Section::Deploy),
    ("canary_success_rate", Section::Deploy),
    ("canary_p99_ms", Section::Deploy),
    ("flavour", Section::Resilience),
    ("health_check", Section::Resilience),
    ("passive_max_fails", Section::Resilience),
    ("passive_fail_timeout_ms", Section::Resilience),
    ("fail_open", Section::Resilience),
    ("deregistration_delay_ms", Section::Resilience),
    ("standby", Section::Resilience),
    ("takeover_ms", Section::Resilience),
    ("keepalived", Section::Resilience),
    ("advert_interval_ms", Section::Resilience),
    ("backup_priority", Section::Resilience),
    ("timeout_ms", Section::Resilience),
    ("retry", Section::Resilience),
    ("acquire_timeout_ms", Section::Resilience),
    ("auto_restart_s", Section::Resilience),
    ("pm2", Section::Resilience),
    ("cold_start_ms", Section::Resilience),
    ("replication_lag_ms", Section::Resilience),
    ("promotion_s", Section::Resilience),
    ("cost_per_hour", Section::Cost),
];

/// Inside a group of fields (service times, a health check, a retry policy), the order of its parts.
const PART_ORDER: &[&str] = &[
    "static_asset",
    "read",
    "write",
    "payment",
    "mean_ms",
    "distribution",
    "sigma",
    "enabled",
    "interval_ms",
    "timeout_ms",
    "unhealthy_threshold",
    "healthy_threshold",
    "max_retries",
    "backoff_ms",
    "multiplier",
    "jitter",
];

/// The section of a field and its rank there, from the first segment of its path that the table
/// knows (an autoscaling group's `server.workers` sorts as `workers`). A load balancer's flavour
/// decides its health checks (resilience); a cache's decides its memory and a monitoring node's its
/// timing, so they head Capacity; a pipeline's decides its approval, so it heads Stages.
fn placement(kind: NodeKind, path: &str) -> (Section, usize) {
    if path == "flavour" && kind == NodeKind::Pipeline {
        return (Section::Stages, 0);
    }
    if path == "flavour" && kind != NodeKind::LoadBalancer {
        return (Section::Capacity, 0);
    }
    path.split('.')
        .find_map(|segment| {
            ORDER
                .iter()
                .position(|(name, _)| *name == segment)
                .map(|rank| (ORDER[rank].1, rank))
        })
        .unwrap_or((Section::Capacity, ORDER.len()))
}

/// The order of a field among those of the same group: its parts' ranks in [`PART_ORDER`].
fn part_ranks(path: &str) -> Vec<usize> {
    path.split('.')
        .skip(1)
        .map(|segment| {
            PART_ORDER
                .iter()
                .position(|part| *part == segment)
                .unwrap_or(PART_ORDER.len())
        })
        .collect()
}

/// One editable parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamField {
    /// The dotted path inside `params`, as `Command::SetParam` takes it (`health_check.interval_ms`).
    pub path: String,
    /// The inspector section it is shown in.
    pub section: Section,
    /// The sections it sits in (`Health check`), empty for top-level fields.
    pub group: String,
    /// The field's name for people, without its unit (`Interval`).
    pub label: String,
    /// The unit to show after the input (`ms`), if any.
    pub unit: Option<&'static str>,
    /// One sentence saying what the parameter does, for the inspector.
    pub help: Option<&'static str>,
    pub input: FieldInput,
    /// The current value as the input shows it; sending it back unchanged is accepted and changes
    /// nothing.
    pub text: String,
}

/// The kind of input a field needs.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldInput {
    /// A number; `whole` for counts; `optional` when empty means "none" (workers: one per core).
    Number { whole: bool, optional: bool },
    /// true / false.
    Switch,
    /// One of a few names (a select).
    Choice { options: Vec<String> },
    /// A structured value edited as JSON (a traffic pattern, whose fields depend on its shape).
    Json,
}

/// Every editable field of `params`, by section, most important first (then by path, so the order
/// is stable).
pub fn param_fields(params: &NodeParams) -> Vec<ParamField> {
    let kind = params.kind();
    let json = serde_json::to_value(params).unwrap_or(Value::Null);
    let mut fields = Vec::new();
    collect(kind, &json, &json, &mut Vec::new(), &mut fields);
    fields.sort_by_cached_key(|field| {
        let (section, rank) = placement(kind, &field.path);
        (section, rank, part_ranks(&field.path), field.path.clone())
    });
    fields
}

/// A field's name for people from its dotted path: `health_check.interval_ms` → `Health check ›
/// Interval`, `rate_per_second` → `Rate`. Error messages use it instead of the path.
pub fn field_label(path: &str) -> String {
    let mut segments: Vec<&str> = path.split('.').collect();
    let last = segments.pop().unwrap_or_default();
    segments
        .iter()
        .map(|segment| humanise(segment))
        .chain(std::iter::once(humanise(split_unit(last).0)))
        .collect::<Vec<_>>()
        .join(" › ")
}

/// What an option of a choice says beside its name: a tier's cores, memory and price; a flavour
/// its real name ("Prometheus + Alertmanager"); a deploy strategy its usual spelling ("blue-green").
pub fn option_label(path: &str, option: &str) -> String {
    use engine::params::{
        CacheFlavour, DeployStrategy, LbFlavour, MonitoringFlavour, PipelineFlavour,
    };
    match (path, option) {
        ("approval", "none") => return "none: straight on".to_owned(),
        ("approval", "manual") => return "manual: someone presses Approve".to_owned(),
        ("approval", "wait") => return "wait timer".to_owned(),
        _ => {}
    }
    if path == "strategy"
        && let Some(strategy) = DeployStrategy::ALL.iter().find(|strategy| {
            serde_json::to_value(strategy)
                .ok()
                .as_ref()
                .and_then(Value::as_str)
                == Some(option)
        })
    {
        return strategy.label().to_owned();
    }
    if path == "flavour" {
        let named = LbFlavour::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .chain(CacheFlavour::ALL.iter().map(|f| (f.as_str(), f.label())))
            .chain(
                MonitoringFlavour::ALL
                    .iter()
                    .map(|f| (f.as_str(), f.label())),
            )
            .chain(PipelineFlavour::ALL.iter().map(|f| (f.as_str(), f.label())))
            .find(|(code, _)| *code == option);
        if let Some((_, label)) = named {
            return label.to_owned();
        }
    }
    let name = option.replace('_', " ");
    let is_tier = path.rsplit('.').next() == Some("tier");
    let tier = serde_json::from_value::<engine::params::Tier>(Value::from(option));
    match tier {
        Ok(tier) if is_tier => format!(
            "{name} · {} cores, {} GiB, ${:.3}/h",
            tier.cores(),
            tier.memory_mb() / 1024.0,
            tier.cost_per_hour()
        ),
        _ => name,
    }
}

fn collect(
    kind: NodeKind,
    root: &Value,
    value: &Value,
    path: &mut Vec<String>,
    fields: &mut Vec<ParamField>,
) {
    match value {
        // A tagged enum (`{"shape": "ramp", …}`) changes its fields with its tag: edit it whole.
        Value::Object(map) if path.is_empty() || !map.contains_key("shape") => {
            for (key, child) in map {
                path.push(key.clone());
                collect(kind, root, child, path, fields);
                path.pop();
            }
        }
        leaf => fields.push(field(kind, root, leaf, path)),
    }
}

fn field(kind: NodeKind, root: &Value, value: &Value, path: &[String]) -> ParamField {
    let joined = path.join(".");
    let name = path.last().map_or("", String::as_str);
    let (stem, unit) = split_unit(name);
    let accepts = |probe: Value| {
        let mut candidate = root.clone();
        if let Some(slot) = path
            .iter()
            .try_fold(&mut candidate, |node, key| node.get_mut(key.as_str()))
        {
            *slot = probe;
        }
        parse_params(kind, candidate)
    };
    let input = match value {
        Value::Bool(_) => FieldInput::Switch,
        Value::Number(number) => FieldInput::Number {
            whole: number.is_u64() || number.is_i64(),
            optional: accepts(Value::Null).is_ok(),
        },
        Value::Null => FieldInput::Number {
            whole: accepts(Value::from(0.5)).is_err(),
            optional: true,
        },
        Value::String(_) => {
            // The engine's reader lists the names it takes when given one it does not know.
            let message = accepts(Value::from("\u{1}"))
                .err()
                .map(|error| error.problem.to_string())
                .unwrap_or_default();
            FieldInput::Choice {
                options: expected_names(&message),
            }
        }
        Value::Array(_) | Value::Object(_) => FieldInput::Json,
    };
    ParamField {
        section: placement(kind, &joined).0,
        group: path[..path.len().saturating_sub(1)]
            .iter()
            .map(|segment| humanise(segment))
            .collect::<Vec<_>>()
            .join(" › "),
        label: humanise(stem),
        unit,
        help: help_for(name),
        input,
        text: value_text(value),
        path: joined,
    }
}

/// What a parameter does, by its name (the last segment of its path). Names mean the same thing in
/// every node kind, which keeps this one table.
pub fn help_for(name: &str) -> Option<&'static str> {
    Some(match name {
        "rate_per_second" => "Requests the users send per second, before the pattern shapes it.",
        "pattern" => {
            "How the rate changes over time: constant, ramp, step, spike or a diurnal sine."
        }
        "mix" => "Share of each request type; static assets go to a linked CDN.",
        "static_asset" | "read" | "write" | "payment" => "This request type's share or cost.",
        "timeout_ms" => "A request taking longer than this fails with a timeout.",
        "retry" => "How a failed request is tried again.",
        "max_retries" => {
            "Retries per request; too many with too little backoff makes a retry storm."
        }
        "backoff_ms" => "Wait before the first retry; it grows by the multiplier each time.",
        "multiplier" => "How much the backoff grows with each retry.",
        "jitter" => "Random spread of the backoff (0–1), so retries do not arrive in lockstep.",
        "distinct_users" => {
            "How many different users send requests (consistent hashing keeps each on one backend)."
        }
        "payment_value" => "Revenue a successful payment brings; a failed one is revenue lost.",
        "algorithm" => "How the load balancer picks a backend for each request.",
        "health_check" => "Probes that find dead backends; until they do, requests still go there.",
        "enabled" => "Whether this is switched on.",
        "interval_ms" => "Time between two probes of one backend.",
        "unhealthy_threshold" => {
            "Failed probes in a row before a backend is taken out of rotation."
        }
        "healthy_threshold" => "Good probes in a row before it is put back.",
        "standby" => "A passive second load balancer that takes over if this one dies.",
        "takeover_ms" => "How long the standby needs to take over.",
        "log_shipper" => {
            "What ships the logs to where they are searched: Fluentd flushes every 60 s, so the newest minute is not searchable yet; Logstash trails by up to 50 ms."
        }
        "buffer_limit_mb" => {
            "What the log shipper may hold while the log store (this node) is down: Fluentd's total_limit_size, 512 MiB for its memory buffer; beyond it new lines are lost. Logstash pushes back instead and loses none."
        }
        "pm2" => {
            "Run the process under PM2: a crash restarts after 100 ms, then ×1.5 each time up to 15 s; 16 crashes within 1 s of starting and it gives up (errored)."
        }
        "keepalived" => {
            "The standby is a keepalived (VRRP) backup: it takes over after 3 missed advertisements plus a skew, not after a fixed time."
        }
        "advert_interval_ms" => {
            "keepalived's advert_int: how often the active one says it is alive."
        }
        "backup_priority" => {
            "The backup's VRRP priority (1–254): the lower it is, the longer its skew."
        }
        "flavour" => {
            "The real system these settings follow: choosing one sets its documented defaults (one Undo brings yours back)."
        }
        "eviction" => {
            "What a full cache does with a new key: evict the least recently used (exactly, or the oldest of a few sampled as Redis's allkeys-lru does), or refuse it with an out-of-memory error (Redis's default, noeviction)."
        }
        "eviction_samples" => {
            "Keys sampled to choose a victim under sampled LRU (Redis's maxmemory-samples)."
        }
        "slabs" => {
            "Memcached's slab allocator: memory in 1 MB pages given to size classes as items arrive, an LRU per class; a value size that arrives late may find no page."
        }
        "memory_mb" => "Memory for items with the slab allocator (Memcached's -m).",
        "growth_factor" => "Chunk size growth from one slab class to the next (Memcached's -f).",
        "slab_automove" => {
            "Let Memcached move a page now and then (here one per 30 s) from the class with the oldest items to one that is evicting."
        }
        "value_bytes" => "Size of most cached values.",
        "prewarmed" => {
            "Start warm, as a cache that has run for a while: holding the most popular keys it has room for (a flush then empties it). Memcached's slabs start empty."
        }
        "large_share" => {
            "Share of keys whose values are large instead (0–1): change it while running to see a new size starve for pages."
        }
        "large_value_bytes" => "Size of the large values.",
        "passive_max_fails" => {
            "Passive checks (Nginx's max_fails): this many failed requests take a backend out; 0 turns them off."
        }
        "passive_fail_timeout_ms" => {
            "Nginx's fail_timeout: the window the failures are counted in, and how long the backend is then skipped."
        }
        "deregistration_delay_ms" => {
            "A backend taken out of the design keeps its requests at most this long, then they fail (AWS ALB's deregistration delay); empty: they all finish."
        }
        "fail_open" => {
            "With every backend unhealthy, route to all of them anyway (as AWS ALB does) instead of refusing."
        }
        "processing_ms" => "Time the load balancer spends on each request.",
        "tier" => "Instance size: cores, memory and price per hour (vertical scaling).",
        "workers" => "Requests served at once; empty means one per core of the tier.",
        "queue_capacity" => "Requests that can wait; beyond it they fail with \"queue full\".",
        "service" => "Service time per request type.",
        "distribution" => "Shape of the service time: exponential, deterministic or log-normal.",
        "mean_ms" => "Average service time.",
        "sigma" => "Spread of a log-normal service time.",
        "memory_per_request_mb" => {
            "Memory each request in the server holds; running out crashes it."
        }
        "base_memory_mb" => "Memory the server uses when idle.",
        "cold_start_ms" => "Time a (re)started instance needs before it serves.",
        "auto_restart_s" => "A crashed server restarts by itself after this long (empty: never).",
        "response_bytes" => "Size of each response, for the network figure.",
        "hold_worker_during_calls" => {
            "Keep the worker busy while waiting for downstream calls (thread per request)."
        }
        "server" => "The servers the group starts.",
        "metric" => "What the group scales on: CPU, latency or queue length.",
        "scale_out_above" => "Add an instance when the metric stays above this.",
        "scale_in_below" => "Remove one when it stays below this.",
        "min_instances" => "Never fewer instances than this.",
        "max_instances" => "Never more instances than this.",
        "initial_instances" => {
            "Instances running when the run starts (a change applies at the next Reset)."
        }
        "cooldown_s" => "Quiet time after a scaling action before the next.",
        "provisioning_s" => "Time a new instance takes to boot.",
        "evaluation_s" => "How often the group looks at its metric.",
        "capacity_keys" => "Keys the cache holds; the least recently used goes first.",
        "keyspace" => "Different keys requests ask for.",
        "zipf_s" => "How skewed key popularity is (Zipf exponent): higher means a few hot keys.",
        "ttl_s" => "Seconds before a cached key expires.",
        "fixed_hit_ratio" => {
            "Set a hit ratio instead of letting it emerge from size, keys and TTL."
        }
        "edge_hit_ratio" => "Share of static assets the CDN serves from the edge.",
        "edge_latency_ms" => "Time to serve from the edge.",
        "replicas" => "Read replicas: they take reads; the primary takes writes.",
        "replication_lag_ms" => "How far replicas trail the primary.",
        "max_connections" => {
            "Connection pool size; requests beyond it wait or fail with \"pool exhausted\"."
        }
        "max_waiting" => "Requests that may wait for a connection.",
        "acquire_timeout_ms" => "How long a request waits for a connection before failing.",
        "promotion_s" => "Time to promote a replica after the primary dies.",
        "scrape_interval_s" => {
            "How often monitoring collects metrics (and evaluates the alert rules, without an evaluation interval). Prometheus: scrape_interval, 1 min by default."
        }
        "evaluation_interval_s" => {
            "How often the alert rules are evaluated, on the last scrape's data; 0 evaluates at each scrape. Prometheus: evaluation_interval, 1 min by default."
        }
        "group_wait_s" => {
            "Alertmanager's group_wait: a new group of alerts (one per channel) waits this long before its first notification, to gather alerts that start together; 30 s by default."
        }
        "group_interval_s" => {
            "Alertmanager's group_interval: a change to a group already notified (a new alert, one resolved) waits for the next tick of this interval; 5 min by default; 0 sends it at once."
        }
        "repeat_interval_s" => {
            "Alertmanager's repeat_interval: a group still firing with nothing new is sent again after this long; 4 h by default; 0 never."
        }
        "escalation_timeout_s" => {
            "PagerDuty's escalation timeout: an incident not acknowledged this long after it opened escalates to the next level (30 min in PagerDuty's escalation policy)."
        }
        "checks_s" => "Lint and static checks, the pipeline's first stage.",
        "build_s" => "Compiling and packaging the release.",
        "test_s" => {
            "The test suite; a release whose bug the tests catch stops here and never reaches production."
        }
        "catches" => {
            "Chance (0–1) that the tests catch a release's bug; the rest go on to production with it."
        }
        "approval" => {
            "Who lets a tested release go to production: nobody (straight on), someone pressing Approve (GitHub Actions' required reviewers, a Jenkins input step), or a wait timer. A hot fix skips it."
        }
        "approval_wait_s" => {
            "A wait-timer approval's wait (GitHub Actions environments have a wait timer)."
        }
        "strategy" => {
            "How a release replaces the running version: recreate (all stop, then start: downtime), rolling (a few instances at a time, as a Kubernetes Deployment), blue-green (a whole new fleet, then one switch) or canary (a little traffic first, more after each passed check). Blue-green and canary need an autoscaling group."
        }
        "max_surge" => {
            "Rolling: extra instances allowed during the rollout, as a share of the fleet (rounded up). Kubernetes Deployment's maxSurge, 25 % by default (kubernetes.io/docs/concepts/workloads/controllers/deployment)."
        }
        "max_unavailable" => {
            "Rolling: instances that may be out of service during the rollout, as a share of the fleet (rounded down). Kubernetes Deployment's maxUnavailable, 25 % by default (kubernetes.io/docs/concepts/workloads/controllers/deployment)."
        }
        "readiness_period_s" => {
            "How often a new instance's readiness probe runs: it serves from the first probe after its cold start. Kubernetes probes' periodSeconds, 10 s by default (kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes)."
        }
        "progress_deadline_s" => {
            "A rollout that makes no progress this long is reported failed and left as it is (not rolled back). Kubernetes Deployment's progressDeadlineSeconds, 600 s by default (kubernetes.io/docs/concepts/workloads/controllers/deployment)."
        }
        "blue_green_keep_s" => {
            "Blue-green: how long the old fleet is kept after the switch, so switching back is instant."
        }
        "canary_interval_s" => {
            "Canary: time between two analysis checks (Flagger's analysis interval; docs.flagger.app)."
        }
        "canary_step" => {
            "Canary: traffic weight (0–1) added after each passed check (Flagger's stepWeight)."
        }
        "canary_max_weight" => {
            "Canary: the weight (0–1) at which a passed check promotes the release to all of the traffic (Flagger's maxWeight)."
        }
        "canary_threshold" => {
            "Canary: failed checks that roll the release back (Flagger's threshold)."
        }
        "canary_success_rate" => {
            "Canary: a check passes only if at least this share (0–1) of the new version's requests succeed. Flagger's request-success-rate check, 99 % in its documented analysis (docs.flagger.app/usage/metrics)."
        }
        "canary_p99_ms" => {
            "Canary: … and the new version's 99th-percentile response time is at most this. Flagger's request-duration check, 500 ms in its documented analysis (docs.flagger.app/usage/metrics)."
        }
        "cost_per_hour" => "What this costs per hour.",
        _ => return None,
    })
}

/// The value as an input shows it: numbers without a trailing `.0`, nothing for "none".
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Number(number) => match number.as_u64() {
            Some(whole) => whole.to_string(),
            None => number.as_f64().map(|n| n.to_string()).unwrap_or_default(),
        },
        other => other.to_string(),
    }
}

/// `interval_ms` → (`interval`, `ms`); `rate_per_second` → (`rate`, `/s`).
fn split_unit(name: &str) -> (&str, Option<&'static str>) {
    // The one name where `_s` is not seconds: the Zipf exponent `s`.
    if name == "zipf_s" {
        return ("Zipf exponent", None);
    }
    const SUFFIXES: [(&str, &str); 8] = [
        ("_per_second", "/s"),
        ("_per_hour", "$/h"),
        ("_per_request_mb", "MiB per request"),
        ("_ms", "ms"),
        ("_s", "s"),
        ("_mb", "MiB"),
        ("_bytes", "bytes"),
        ("_keys", "keys"),
    ];
    SUFFIXES
        .iter()
        .find_map(|(suffix, unit)| {
            name.strip_suffix(suffix)
                .filter(|stem| !stem.is_empty())
                .map(|stem| (stem, Some(*unit)))
        })
        .unwrap_or((name, None))
}

/// `max_connections` → `Max connections`.
fn humanise(name: &str) -> String {
    // Product names keep their spelling.
    if name == "pm2" {
        return "PM2".to_owned();
    }
    let words = name.replace('_', " ");
    let mut characters = words.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The backticked names after "expected" in a serde message ("expected one of `a`, `b`").
fn expected_names(message: &str) -> Vec<String> {
    let Some((_, expected)) = message.split_once("expected ") else {
        return Vec::new();
    };
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// What a field says about its node's flavour: the flavour's default with its source, or "custom"
/// with what the flavour would have.
#[derive(Clone, Debug, PartialEq)]
pub struct FlavourNote {
    pub text: String,
    pub source: &'static str,
    pub custom: bool,
}

/// What a node's box on the canvas says about the real system it follows: the flavour's badge (a
/// named flavour only) and, for a load balancer, its detection window in words. `None` for a node
/// kind without flavours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlavourMarks {
    pub badge: Option<&'static str>,
    pub window: Option<String>,
}

pub fn flavour_marks(params: &NodeParams) -> Option<FlavourMarks> {
    let flavour = engine::flavours::NodeFlavour::of(params)?;
    let window = match params {
        NodeParams::LoadBalancer(lb) => Some(engine::flavours::DetectionWindow::of(lb).words()),
        _ => None,
    };
    Some(FlavourMarks {
        badge: flavour.named.then_some(flavour.badge),
        window,
    })
}

/// The flavour note of the field at `path`, for a node that follows a named flavour (a load
/// balancer, a cache, a server under PM2).
pub fn flavour_note(params: &NodeParams, path: &str) -> Option<FlavourNote> {
    let flavour = engine::flavours::NodeFlavour::of(params).filter(|f| f.named)?;
    let default = flavour.defaults.iter().find(|d| d.path == path)?;
    let custom = flavour.custom.contains(&path);
    Some(FlavourNote {
        text: if custom {
            format!("custom · {} default: {}", flavour.label, default.value)
        } else {
            format!("{} default ({})", flavour.label, default.label)
        },
        source: default.source,
        custom,
    })
}
