//! Flavours: the real systems a node's settings can follow, with their documented defaults and the
//! page each default comes from. Choosing a flavour rewrites those settings (the saved design keeps
//! the explicit values, so a file always says what ran); the flavour itself is a label, and each
//! setting that differs from it reads "custom".
//!
//! Load balancers so far: open-source Nginx (passive checks only), Nginx Plus (active checks),
//! HAProxy, AWS Application Load Balancer (fail-open when every target is unhealthy), and a
//! keepalived (VRRP) pair for the standby, ALB's deregistration delay (a removed backend's requests
//! are cut off after 300 s); PM2 is a server's `pm2` switch (`nodes/server.rs`); log
//! shippers (Fluentd, Logstash) decide when a line becomes searchable. Caches: Redis (noeviction by
//! default, allkeys-lru by sampling) and Memcached (slab classes; `nodes/cache.rs`). The monitoring
//! node can follow Prometheus + Alertmanager (scrape and evaluation every minute, notifications
//! grouped: `alertmanager.rs`), and a PagerDuty incident escalates after its escalation timeout
//! (decided by the app from the acknowledgements in the run file).
//!
//! [`NodeFlavour::of`] is the one way the app asks about any node's flavour (badge, notes beside
//! the fields, "custom", reset), and [`reset`] what choosing one does.

use crate::params::{
    CacheFlavour, CacheParams, Eviction, LbFlavour, LoadBalancerParams, LogShipper,
    MonitoringFlavour, MonitoringParams, NodeParams, PipelineFlavour,
};

/// A node's flavour, whatever its kind: its name, the settings it fixes (with their sources) and
/// which of those were edited since.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeFlavour {
    pub label: &'static str,
    /// The short name the node wears on the canvas ("Alertmanager" for Prometheus + Alertmanager).
    pub badge: &'static str,
    /// False for Generic (our own defaults): no badge, no notes.
    pub named: bool,
    pub behaviour: &'static str,
    pub defaults: Vec<FlavourDefault>,
    /// Paths of the fixed settings that differ from the flavour's values.
    pub custom: Vec<&'static str>,
}

impl NodeFlavour {
    /// `None` for kinds without flavours.
    pub fn of(params: &NodeParams) -> Option<NodeFlavour> {
        match params {
            NodeParams::LoadBalancer(lb) => Some(NodeFlavour {
                label: lb.flavour.label(),
                badge: lb.flavour.label(),
                named: lb.flavour != LbFlavour::Generic,
                behaviour: lb.flavour.behaviour(),
                defaults: lb.flavour.defaults(),
                custom: lb.flavour.custom(lb),
            }),
            NodeParams::Cache(cache) => Some(NodeFlavour {
                label: cache.flavour.label(),
                badge: cache.flavour.label(),
                named: cache.flavour != CacheFlavour::Generic,
                behaviour: cache.flavour.behaviour(),
                defaults: cache.flavour.defaults(),
                custom: cache.flavour.custom(cache),
            }),
            NodeParams::Monitoring(monitoring) => Some(NodeFlavour {
                label: monitoring.flavour.label(),
                // The whole name wraps over the node's title.
                badge: match monitoring.flavour {
                    MonitoringFlavour::PrometheusAlertmanager => "Alertmanager",
                    other => other.label(),
                },
                named: monitoring.flavour != MonitoringFlavour::Generic,
                behaviour: monitoring.flavour.behaviour(),
                defaults: monitoring.flavour.defaults(),
                custom: monitoring.flavour.custom(monitoring),
            }),
            NodeParams::Pipeline(pipeline) => Some(NodeFlavour {
                label: pipeline.flavour.label(),
                badge: pipeline.flavour.label(),
                named: pipeline.flavour != PipelineFlavour::Generic,
                behaviour: pipeline.flavour.behaviour(),
                // The CI systems fix no setting of ours: the deploy follows Kubernetes and Flagger
                // (see `deploy_defaults`) whichever system drives it.
                defaults: Vec::new(),
                custom: Vec::new(),
            }),
            NodeParams::Server(server) | NodeParams::Service(server) if server.pm2 => {
                Some(NodeFlavour {
                    label: "PM2",
                    badge: "PM2",
                    named: true,
                    behaviour: "A crashed process restarts after 100 ms, then ×1.5 each time up to 15 s (reset after 30 s up); 16 unstable restarts in a row and it is errored and stays down.",
                    defaults: vec![fixed(
                        "pm2",
                        "exp-backoff-restart-delay",
                        "100 ms ×1.5 up to 15 s, max 16 unstable restarts",
                        PM2_DOCS,
                    )],
                    custom: Vec::new(),
                })
            }
            _ => None,
        }
    }
}

/// `params` following its flavour again: the settings the flavour fixes rewritten to its values,
/// the rest kept. What choosing a flavour (or "Reset to … defaults") does, in one step.
pub fn reset(params: &NodeParams) -> NodeParams {
    match params {
        NodeParams::LoadBalancer(lb) => NodeParams::LoadBalancer(lb.flavour.apply(lb)),
        NodeParams::Cache(cache) => NodeParams::Cache(cache.flavour.apply(cache)),
        NodeParams::Monitoring(monitoring) => {
            NodeParams::Monitoring(monitoring.flavour.apply(monitoring))
        }
        other => other.clone(),
    }
}

const PM2_DOCS: &str = "https://pm2.keymetrics.io/docs/usage/restart-strategies/";
const REDIS_EVICTION: &str = "https://redis.io/docs/latest/develop/reference/eviction/";
const REDIS_CONF: &str =
    "https://redis.io/docs/latest/operate/oss_and_stack/management/config-file/";
const MEMCACHED_INTERNALS: &str = "https://github.com/memcached/memcached/wiki/UserInternals";
const MEMCACHED_CONFIG: &str = "https://github.com/memcached/memcached/wiki/ConfiguringServer";
const MEMCACHED_150: &str = "https://github.com/memcached/memcached/wiki/ReleaseNotes150";

impl CacheFlavour {
    pub const ALL: [CacheFlavour; 3] = [
        CacheFlavour::Generic,
        CacheFlavour::Redis,
        CacheFlavour::Memcached,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CacheFlavour::Generic => "Generic",
            CacheFlavour::Redis => "Redis",
            CacheFlavour::Memcached => "Memcached",
        }
    }

    /// The identifier in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheFlavour::Generic => "generic",
            CacheFlavour::Redis => "redis",
            CacheFlavour::Memcached => "memcached",
        }
    }

    pub fn behaviour(self) -> &'static str {
        match self {
            CacheFlavour::Generic => {
                "An exact LRU over a number of keys: the least recently used key makes room."
            }
            CacheFlavour::Redis => {
                "maxmemory-policy is noeviction by default: once full, every new key is refused with an OOM error and the hit ratio stops following the traffic; allkeys-lru evicts the oldest of 5 sampled keys."
            }
            CacheFlavour::Memcached => {
                "Memory in 1 MB pages handed to slab classes by item size as items arrive, an LRU per class: a value size that grows popular late can find every page taken; the automover moves a page now and then."
            }
        }
    }

    pub fn defaults(self) -> Vec<FlavourDefault> {
        let d = fixed;
        match self {
            CacheFlavour::Generic => Vec::new(),
            CacheFlavour::Redis => vec![
                d("eviction", "maxmemory-policy", "noeviction", REDIS_EVICTION),
                d("eviction_samples", "maxmemory-samples", "5", REDIS_CONF),
                d("slabs", "Slab classes", "no", REDIS_EVICTION),
            ],
            CacheFlavour::Memcached => vec![
                d(
                    "slabs",
                    "Slab allocator",
                    "yes, 1 MB pages",
                    MEMCACHED_INTERNALS,
                ),
                d("memory_mb", "-m", "64 MB", MEMCACHED_CONFIG),
                d("growth_factor", "-f", "1.25", MEMCACHED_CONFIG),
                d(
                    "slab_automove",
                    "slab_automove",
                    "on (default since 1.5.0)",
                    MEMCACHED_150,
                ),
                d(
                    "eviction",
                    "Eviction",
                    "LRU per slab class",
                    MEMCACHED_INTERNALS,
                ),
            ],
        }
    }

    /// `params` following this flavour: its memory model rewritten, the workload, workers, TTL and
    /// cost kept.
    pub fn apply(self, params: &CacheParams) -> CacheParams {
        let mut next = params.clone();
        let base = CacheParams::default();
        next.flavour = self;
        next.eviction = base.eviction;
        next.eviction_samples = base.eviction_samples;
        next.slabs = base.slabs;
        next.memory_mb = base.memory_mb;
        next.growth_factor = base.growth_factor;
        next.slab_automove = base.slab_automove;
        match self {
            CacheFlavour::Generic => {}
            CacheFlavour::Redis => next.eviction = Eviction::NoEviction,
            CacheFlavour::Memcached => next.slabs = true,
        }
        next
    }

    pub fn custom(self, params: &CacheParams) -> Vec<&'static str> {
        let flavour = self.apply(params);
        let fixed = self.defaults();
        let same = |path: &str| match path {
            "eviction" => params.eviction == flavour.eviction,
            "eviction_samples" => params.eviction_samples == flavour.eviction_samples,
            "slabs" => params.slabs == flavour.slabs,
            "memory_mb" => params.memory_mb == flavour.memory_mb,
            "growth_factor" => params.growth_factor == flavour.growth_factor,
            "slab_automove" => params.slab_automove == flavour.slab_automove,
            _ => true,
        };
        fixed
            .iter()
            .map(|d| d.path)
            .filter(|path| !same(path))
            .collect()
    }
}

impl LogShipper {
    pub const ALL: [LogShipper; 3] = [
        LogShipper::Direct,
        LogShipper::Fluentd,
        LogShipper::Logstash,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LogShipper::Direct => "Direct",
            LogShipper::Fluentd => "Fluentd",
            LogShipper::Logstash => "Logstash",
        }
    }

    /// Where its buffering defaults are documented.
    pub fn source(self) -> Option<&'static str> {
        match self {
            LogShipper::Direct => None,
            LogShipper::Fluentd => Some("https://docs.fluentd.org/configuration/buffer-section"),
            LogShipper::Logstash => {
                Some("https://www.elastic.co/guide/en/logstash/current/logstash-settings-file.html")
            }
        }
    }

    /// How long it holds a line before it can be searched, at most, seconds.
    pub fn flush_every_s(self) -> f64 {
        match self {
            LogShipper::Direct => 0.0,
            LogShipper::Fluentd => 60.0,
            LogShipper::Logstash => 0.05,
        }
    }

    /// When a line logged at `time_s` becomes searchable: at once, or at the next flush (the
    /// flushes fall on whole multiples of the interval from the start of the run).
    pub fn searchable_at(self, time_s: f64) -> f64 {
        let every = self.flush_every_s();
        if every <= 0.0 {
            time_s
        } else {
            (libm::floor(time_s / every) + 1.0) * every
        }
    }

    /// What it does, for the logs view.
    pub fn words(self) -> String {
        match self {
            LogShipper::Direct => "every line is searchable at once".to_owned(),
            LogShipper::Fluentd => {
                "shipped by Fluentd: a line becomes searchable at the next flush, every 60 s"
                    .to_owned()
            }
            LogShipper::Logstash => {
                "shipped by Logstash: batches of 125 lines or 50 ms, so lines trail by up to 50 ms"
                    .to_owned()
            }
        }
    }
}

/// A [`FlavourDefault`], written the short way in the flavours' lists.
fn fixed(
    path: &'static str,
    label: &'static str,
    value: &str,
    source: &'static str,
) -> FlavourDefault {
    FlavourDefault {
        path,
        label,
        value: value.to_owned(),
        source,
    }
}

/// One setting a flavour fixes: its path under the node's parameters, its value in words, and where
/// the value comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct FlavourDefault {
    pub path: &'static str,
    pub label: &'static str,
    pub value: String,
    pub source: &'static str,
}

const NGINX_DOCS: &str =
    "https://docs.nginx.com/nginx/admin-guide/load-balancer/http-health-check/";
const NGINX_HC_MODULE: &str =
    "https://nginx.org/en/docs/http/ngx_http_upstream_hc_module.html#health_check";
const HAPROXY_DOCS: &str = "https://docs.haproxy.org/2.8/configuration.html#5.2-inter";
const ALB_DOCS: &str = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html";
const ALB_DEREGISTRATION: &str = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay";

impl LbFlavour {
    pub const ALL: [LbFlavour; 5] = [
        LbFlavour::Generic,
        LbFlavour::NginxOpenSource,
        LbFlavour::NginxPlus,
        LbFlavour::Haproxy,
        LbFlavour::AwsAlb,
    ];

    /// Its name for people, and for the badge on the node.
    pub fn label(self) -> &'static str {
        match self {
            LbFlavour::Generic => "Generic",
            LbFlavour::NginxOpenSource => "Nginx",
            LbFlavour::NginxPlus => "Nginx Plus",
            LbFlavour::Haproxy => "HAProxy",
            LbFlavour::AwsAlb => "AWS ALB",
        }
    }

    /// The identifier in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            LbFlavour::Generic => "generic",
            LbFlavour::NginxOpenSource => "nginx_open_source",
            LbFlavour::NginxPlus => "nginx_plus",
            LbFlavour::Haproxy => "haproxy",
            LbFlavour::AwsAlb => "aws_alb",
        }
    }

    pub fn parse(code: &str) -> Option<LbFlavour> {
        LbFlavour::ALL.into_iter().find(|f| f.as_str() == code)
    }

    /// What makes the real one different, in a sentence.
    pub fn behaviour(self) -> &'static str {
        match self {
            LbFlavour::Generic => "Active health checks with this app's own defaults.",
            LbFlavour::NginxOpenSource => {
                "No active checks: a request that fails takes its backend out for fail_timeout, then a live request tries it again; a one-server group is never taken out."
            }
            LbFlavour::NginxPlus => {
                "Active checks every 5 s; one failure takes a backend out, one pass brings it back."
            }
            LbFlavour::Haproxy => {
                "Active checks every 2 s; down after 3 failures in a row, up after 2 successes."
            }
            LbFlavour::AwsAlb => {
                "Active checks every 30 s with a 5 s timeout; 2 failures to mark a target unhealthy, 5 successes to bring it back; with every target unhealthy it fails open and routes to all; a deregistered target keeps its requests for at most 300 s."
            }
        }
    }

    /// The settings this flavour fixes, with their sources (empty for Generic: its values are
    /// `LoadBalancerParams::default()`).
    pub fn defaults(self) -> Vec<FlavourDefault> {
        let d = fixed;
        match self {
            LbFlavour::Generic => Vec::new(),
            LbFlavour::NginxOpenSource => vec![
                d(
                    "health_check.enabled",
                    "Active checks",
                    "off (open source has none)",
                    NGINX_DOCS,
                ),
                d("passive_max_fails", "max_fails", "1", NGINX_DOCS),
                d(
                    "passive_fail_timeout_ms",
                    "fail_timeout",
                    "10 s",
                    NGINX_DOCS,
                ),
                d("fail_open", "Fail open", "no", NGINX_DOCS),
            ],
            LbFlavour::NginxPlus => vec![
                d(
                    "health_check.enabled",
                    "Active checks",
                    "on",
                    NGINX_HC_MODULE,
                ),
                d(
                    "health_check.interval_ms",
                    "interval",
                    "5 s",
                    NGINX_HC_MODULE,
                ),
                d(
                    "health_check.timeout_ms",
                    "Probe timeout",
                    "1 s (a refused connection fails at once)",
                    NGINX_HC_MODULE,
                ),
                d(
                    "health_check.unhealthy_threshold",
                    "fails",
                    "1",
                    NGINX_HC_MODULE,
                ),
                d(
                    "health_check.healthy_threshold",
                    "passes",
                    "1",
                    NGINX_HC_MODULE,
                ),
                d(
                    "passive_max_fails",
                    "max_fails",
                    "off here (the active checks decide)",
                    NGINX_DOCS,
                ),
                d("fail_open", "Fail open", "no", NGINX_HC_MODULE),
            ],
            LbFlavour::Haproxy => vec![
                d("health_check.enabled", "check", "on", HAPROXY_DOCS),
                d("health_check.interval_ms", "inter", "2 s", HAPROXY_DOCS),
                d(
                    "health_check.timeout_ms",
                    "timeout check",
                    "1 s (unset, HAProxy waits up to inter)",
                    HAPROXY_DOCS,
                ),
                d(
                    "health_check.unhealthy_threshold",
                    "fall",
                    "3",
                    HAPROXY_DOCS,
                ),
                d("health_check.healthy_threshold", "rise", "2", HAPROXY_DOCS),
                d("passive_max_fails", "observe", "off", HAPROXY_DOCS),
                d("fail_open", "Fail open", "no", HAPROXY_DOCS),
            ],
            LbFlavour::AwsAlb => vec![
                d("health_check.enabled", "Health checks", "on", ALB_DOCS),
                d(
                    "health_check.interval_ms",
                    "HealthCheckIntervalSeconds",
                    "30 s",
                    ALB_DOCS,
                ),
                d(
                    "health_check.timeout_ms",
                    "HealthCheckTimeoutSeconds",
                    "5 s",
                    ALB_DOCS,
                ),
                d(
                    "health_check.unhealthy_threshold",
                    "UnhealthyThresholdCount",
                    "2",
                    ALB_DOCS,
                ),
                d(
                    "health_check.healthy_threshold",
                    "HealthyThresholdCount",
                    "5",
                    ALB_DOCS,
                ),
                d("passive_max_fails", "Passive checks", "none", ALB_DOCS),
                d(
                    "fail_open",
                    "Fail open",
                    "yes: all targets unhealthy → route to all",
                    ALB_DOCS,
                ),
                d(
                    "deregistration_delay_ms",
                    "deregistration_delay.timeout_seconds",
                    "300 s",
                    ALB_DEREGISTRATION,
                ),
            ],
        }
    }

    /// `params` following this flavour: its checks rewritten, everything else (algorithm, limits,
    /// standby, cost) kept.
    pub fn apply(self, params: &LoadBalancerParams) -> LoadBalancerParams {
        let mut next = params.clone();
        let base = LoadBalancerParams::default();
        next.flavour = self;
        next.health_check = base.health_check.clone();
        next.passive_max_fails = base.passive_max_fails;
        next.passive_fail_timeout_ms = base.passive_fail_timeout_ms;
        next.fail_open = base.fail_open;
        next.deregistration_delay_ms = base.deregistration_delay_ms;
        // (interval, timeout, failures to mark down, passes to bring back), milliseconds.
        let active = |next: &mut LoadBalancerParams, interval, timeout, down, up| {
            let check = &mut next.health_check;
            check.enabled = true;
            check.interval_ms = interval;
            check.timeout_ms = timeout;
            check.unhealthy_threshold = down;
            check.healthy_threshold = up;
        };
        match self {
            LbFlavour::Generic => {}
            LbFlavour::NginxOpenSource => {
                next.health_check.enabled = false;
                next.passive_max_fails = 1;
                next.passive_fail_timeout_ms = 10_000.0;
            }
            LbFlavour::NginxPlus => active(&mut next, 5_000.0, 1_000.0, 1, 1),
            LbFlavour::Haproxy => active(&mut next, 2_000.0, 1_000.0, 3, 2),
            LbFlavour::AwsAlb => {
                active(&mut next, 30_000.0, 5_000.0, 2, 5);
                next.fail_open = true;
                next.deregistration_delay_ms = Some(300_000.0);
            }
        }
        next
    }

    /// The settings of `params` that differ from this flavour's (paths as in [`FlavourDefault`]):
    /// "custom" in the inspector.
    pub fn custom(self, params: &LoadBalancerParams) -> Vec<&'static str> {
        let flavour = self.apply(params);
        let (a, b) = (&params.health_check, &flavour.health_check);
        let mut differ = Vec::new();
        let mut check = |same: bool, path| {
            if !same {
                differ.push(path);
            }
        };
        check(a.enabled == b.enabled, "health_check.enabled");
        check(a.interval_ms == b.interval_ms, "health_check.interval_ms");
        check(a.timeout_ms == b.timeout_ms, "health_check.timeout_ms");
        check(
            a.unhealthy_threshold == b.unhealthy_threshold,
            "health_check.unhealthy_threshold",
        );
        check(
            a.healthy_threshold == b.healthy_threshold,
            "health_check.healthy_threshold",
        );
        check(
            params.passive_max_fails == flavour.passive_max_fails,
            "passive_max_fails",
        );
        check(
            params.passive_fail_timeout_ms == flavour.passive_fail_timeout_ms,
            "passive_fail_timeout_ms",
        );
        check(params.fail_open == flavour.fail_open, "fail_open");
        check(
            params.deregistration_delay_ms == flavour.deregistration_delay_ms,
            "deregistration_delay_ms",
        );
        differ
    }
}

/// How long a dead backend keeps getting requests, by these settings.
#[derive(Clone, Debug, PartialEq)]
pub enum DetectionWindow {
    /// Active checks: the backend dies at a random phase of the probe interval, so it is marked
    /// down between `from_s` and `to_s` after it died.
    Active { from_s: f64, to_s: f64 },
    /// Passive checks: `max_fails` failed requests take it out for `for_s`, then one live request
    /// tries it again (and fails while it is still dead).
    Passive { max_fails: u32, for_s: f64 },
    /// Nothing takes a dead backend out of rotation.
    Never,
}

impl DetectionWindow {
    pub fn of(params: &LoadBalancerParams) -> DetectionWindow {
        let check = &params.health_check;
        if check.enabled {
            let interval = check.interval_ms / 1000.0;
            let timeout = check.timeout_ms / 1000.0;
            let threshold = f64::from(check.unhealthy_threshold.max(1));
            DetectionWindow::Active {
                from_s: (threshold - 1.0) * interval + timeout,
                to_s: threshold * interval + timeout,
            }
        } else if params.passive_max_fails > 0 {
            DetectionWindow::Passive {
                max_fails: params.passive_max_fails,
                for_s: params.passive_fail_timeout_ms / 1000.0,
            }
        } else {
            DetectionWindow::Never
        }
    }

    /// The sentence under a load balancer.
    pub fn words(&self) -> String {
        let s = |v: f64| {
            if (v - v.round()).abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        };
        match self {
            DetectionWindow::Active { from_s, to_s } => format!(
                "a dead backend keeps getting traffic for {}–{} s",
                s(*from_s),
                s(*to_s)
            ),
            DetectionWindow::Passive { max_fails, for_s } => format!(
                "a dead backend is skipped after {max_fails} failed request{}, for {} s at a time",
                if *max_fails == 1 { "" } else { "s" },
                s(*for_s)
            ),
            DetectionWindow::Never => {
                "a dead backend keeps getting traffic until it is back".to_owned()
            }
        }
    }
}

/// How long traffic stops when the active load balancer dies, in words (`None` without a standby).
/// A keepalived backup waits for the Master_Down_Interval from the last advertisement it heard,
/// so the gap depends on the phase of the death in the advertisement cycle
/// ([RFC 3768](https://www.rfc-editor.org/rfc/rfc3768#section-6.1)).
pub fn standby_words(params: &LoadBalancerParams) -> Option<String> {
    if !params.standby {
        return None;
    }
    if params.keepalived {
        let down = params.master_down_ms() / 1000.0;
        let interval = params.advert_interval_ms / 1000.0;
        Some(format!(
            "the keepalived backup takes over {:.2}–{:.2} s after the active one dies (3 missed advertisements and a {:.2} s skew)",
            (down - interval).max(0.0),
            down,
            down - 3.0 * interval
        ))
    } else {
        Some(format!(
            "the standby takes over {:.1} s after the active one dies",
            params.takeover_ms / 1000.0
        ))
    }
}

const PROMETHEUS_DOCS: &str =
    "https://prometheus.io/docs/prometheus/latest/configuration/configuration/";
const ALERTMANAGER_DOCS: &str = "https://prometheus.io/docs/alerting/latest/configuration/#route";
/// Where PagerDuty's escalation timeout is documented (30 minutes in its example and its form).
pub const PAGERDUTY_ESCALATION_DOCS: &str =
    "https://support.pagerduty.com/docs/escalation-policies";
/// PagerDuty's escalation timeout, seconds.
pub const PAGERDUTY_ESCALATION_S: f64 = 1800.0;

impl MonitoringFlavour {
    pub const ALL: [MonitoringFlavour; 2] = [
        MonitoringFlavour::Generic,
        MonitoringFlavour::PrometheusAlertmanager,
    ];

    /// Its name for people, and for the badge on the node.
    pub fn label(self) -> &'static str {
        match self {
            MonitoringFlavour::Generic => "Generic",
            MonitoringFlavour::PrometheusAlertmanager => "Prometheus + Alertmanager",
        }
    }

    /// The identifier in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            MonitoringFlavour::Generic => "generic",
            MonitoringFlavour::PrometheusAlertmanager => "prometheus_alertmanager",
        }
    }

    pub fn parse(code: &str) -> Option<MonitoringFlavour> {
        MonitoringFlavour::ALL
            .into_iter()
            .find(|f| f.as_str() == code)
    }

    /// What makes the real one different, in a sentence.
    pub fn behaviour(self) -> &'static str {
        match self {
            MonitoringFlavour::Generic => {
                "A scrape every 5 s evaluates the rules; a change of state is sent at once."
            }
            MonitoringFlavour::PrometheusAlertmanager => {
                "Scrape and rule evaluation every minute, on their own phases; alerts grouped by channel: a new group waits group_wait, changes to a group wait for the next group_interval, a group still firing is sent again every repeat_interval."
            }
        }
    }

    /// The settings this flavour fixes, with their sources (empty for Generic: its values are
    /// `MonitoringParams::default()`).
    pub fn defaults(self) -> Vec<FlavourDefault> {
        let d = fixed;
        match self {
            MonitoringFlavour::Generic => Vec::new(),
            MonitoringFlavour::PrometheusAlertmanager => vec![
                d(
                    "scrape_interval_s",
                    "scrape_interval",
                    "1 min",
                    PROMETHEUS_DOCS,
                ),
                d(
                    "evaluation_interval_s",
                    "evaluation_interval",
                    "1 min",
                    PROMETHEUS_DOCS,
                ),
                d("group_wait_s", "group_wait", "30 s", ALERTMANAGER_DOCS),
                d(
                    "group_interval_s",
                    "group_interval",
                    "5 min",
                    ALERTMANAGER_DOCS,
                ),
                d(
                    "repeat_interval_s",
                    "repeat_interval",
                    "4 h",
                    ALERTMANAGER_DOCS,
                ),
            ],
        }
    }

    /// `params` following this flavour: its timing rewritten, everything else (cost, log shipper,
    /// escalation timeout) kept.
    pub fn apply(self, params: &MonitoringParams) -> MonitoringParams {
        let base = MonitoringParams::default();
        let mut next = MonitoringParams {
            flavour: self,
            scrape_interval_s: base.scrape_interval_s,
            evaluation_interval_s: base.evaluation_interval_s,
            group_wait_s: base.group_wait_s,
            group_interval_s: base.group_interval_s,
            repeat_interval_s: base.repeat_interval_s,
            ..params.clone()
        };
        if self == MonitoringFlavour::PrometheusAlertmanager {
            next.scrape_interval_s = 60.0;
            next.evaluation_interval_s = 60.0;
            next.group_wait_s = 30.0;
            next.group_interval_s = 300.0;
            next.repeat_interval_s = 4.0 * 3600.0;
        }
        next
    }

    /// The settings of `params` that differ from this flavour's (paths as in [`FlavourDefault`]):
    /// "custom" in the inspector.
    pub fn custom(self, params: &MonitoringParams) -> Vec<&'static str> {
        let flavour = self.apply(params);
        [
            (
                "scrape_interval_s",
                params.scrape_interval_s == flavour.scrape_interval_s,
            ),
            (
                "evaluation_interval_s",
                params.evaluation_interval_s == flavour.evaluation_interval_s,
            ),
            ("group_wait_s", params.group_wait_s == flavour.group_wait_s),
            (
                "group_interval_s",
                params.group_interval_s == flavour.group_interval_s,
            ),
            (
                "repeat_interval_s",
                params.repeat_interval_s == flavour.repeat_interval_s,
            ),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(path, _)| path)
        .collect()
    }
}

/// When the page of a new alert arrives after its condition starts to hold, by these settings, for
/// a rule with `for_s`: from `for` (rounded up to whole evaluation intervals, as it is checked at
/// evaluations) plus `group_wait` when a scrape and an evaluation come right after the fault, to a
/// whole scrape interval and evaluation interval later.
#[derive(Clone, Debug, PartialEq)]
pub struct PageDelay {
    pub from_s: f64,
    pub to_s: f64,
}

impl PageDelay {
    pub fn of(params: &MonitoringParams, for_s: f64) -> PageDelay {
        // `for` is checked at evaluations: it lasts a whole number of evaluation intervals.
        let every = if params.evaluation_interval_s > 0.0 {
            params.evaluation_interval_s
        } else {
            params.scrape_interval_s
        };
        let for_s = libm::ceil(for_s / every - 1e-9) * every;
        let from_s = for_s + params.group_wait_s;
        PageDelay {
            from_s,
            to_s: from_s + params.scrape_interval_s + params.evaluation_interval_s.max(0.0),
        }
    }

    /// "a page (rule `for` 1 min) comes 90–210 s after the fault".
    pub fn words(&self, for_s: f64) -> String {
        format!(
            "a page (rule `for` {}) comes {}–{} s after the fault",
            span(for_s),
            number(self.from_s),
            number(self.to_s)
        )
    }
}

/// "45 s", "1.5 min", "4 h".
fn span(seconds: f64) -> String {
    if seconds >= 3600.0 {
        format!("{} h", number(seconds / 3600.0))
    } else if seconds >= 60.0 {
        format!("{} min", number(seconds / 60.0))
    } else {
        format!("{} s", number(seconds))
    }
}

/// "5", "2.5": a whole number without decimals, else one.
fn number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The flavours table of the README (generated: `arch-sim flavours --markdown`).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| flavour | what it models | defaults (source) | detection window |\n|---|---|---|---|\n",
    );
    for flavour in LbFlavour::ALL {
        let params = flavour.apply(&LoadBalancerParams::default());
        let defaults = flavour.defaults();
        let cells = if defaults.is_empty() {
            "interval 2 s, timeout 1 s, 3 failures down, 2 passes up".to_owned()
        } else {
            let source = defaults[0].source;
            let values = defaults
                .iter()
                .map(|d| format!("{} {}", d.label, d.value))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{values} ([source]({source}))")
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            flavour.label(),
            flavour.behaviour(),
            cells,
            DetectionWindow::of(&params).words()
        ));
    }
    out.push_str("\n| cache flavour | what it models | defaults (sources) |\n|---|---|---|\n");
    for flavour in CacheFlavour::ALL {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            flavour.label(),
            flavour.behaviour(),
            defaults_cell(&flavour.defaults(), "exact LRU over 10 000 keys")
        ));
    }
    out.push_str(
        "\n| monitoring flavour | what it models | defaults (sources) | a page after a fault |\n|---|---|---|---|\n",
    );
    let for_s = 60.0;
    for flavour in MonitoringFlavour::ALL {
        let params = flavour.apply(&MonitoringParams::default());
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            flavour.label(),
            flavour.behaviour(),
            defaults_cell(
                &flavour.defaults(),
                "scrape and evaluation every 5 s, notifications at once"
            ),
            PageDelay::of(&params, for_s).words(for_s)
        ));
    }
    out.push_str(&format!(
        "| PagerDuty | An incident not acknowledged within the escalation timeout escalates to the next level of the escalation policy (level 2, then 3 …). | escalation timeout {} ([1]({PAGERDUTY_ESCALATION_DOCS})) | without an acknowledgement, level 2 is paged {} after the page |\n",
        span(PAGERDUTY_ESCALATION_S),
        span(PAGERDUTY_ESCALATION_S)
    ));
    out.push_str("\n| pipeline flavour | what it models |\n|---|---|\n");
    for flavour in PipelineFlavour::ALL {
        let what = match flavour.source() {
            Some(source) => format!("{} ([docs]({source}))", flavour.behaviour()),
            None => flavour.behaviour().to_owned(),
        };
        out.push_str(&format!("| {} | {} |\n", flavour.label(), what));
    }
    out.push_str(&format!(
        "\nEvery pipeline deploys with {}.\n",
        defaults_cell(&deploy_defaults(), "")
    ));
    out
}

const K8S_DEPLOYMENT: &str =
    "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/";
const K8S_PROBES: &str = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/";
const FLAGGER_DOCS: &str = "https://docs.flagger.app/usage/how-it-works";
const GITHUB_ENVIRONMENTS: &str = "https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment";
const JENKINS_INPUT: &str = "https://www.jenkins.io/doc/pipeline/steps/pipeline-input-step/";

impl PipelineFlavour {
    pub const ALL: [PipelineFlavour; 3] = [
        PipelineFlavour::Generic,
        PipelineFlavour::GithubActions,
        PipelineFlavour::Jenkins,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PipelineFlavour::Generic => "Generic",
            PipelineFlavour::GithubActions => "GitHub Actions",
            PipelineFlavour::Jenkins => "Jenkins",
        }
    }

    /// The identifier in design files.
    pub fn as_str(self) -> &'static str {
        match self {
            PipelineFlavour::Generic => "generic",
            PipelineFlavour::GithubActions => "github_actions",
            PipelineFlavour::Jenkins => "jenkins",
        }
    }

    /// What makes the real one different, in a sentence.
    pub fn behaviour(self) -> &'static str {
        match self {
            PipelineFlavour::Generic => {
                "Stages one after another; approval by a person or a wait timer."
            }
            PipelineFlavour::GithubActions => {
                "Jobs gated by a deployment environment: approval is its required reviewers (Manual) or its wait timer (Wait, up to 30 days)."
            }
            PipelineFlavour::Jenkins => {
                "A declarative Pipeline: approval is an input step, which waits for a person with no time limit unless wrapped in a timeout."
            }
        }
    }

    /// Where its approval is documented.
    pub fn source(self) -> Option<&'static str> {
        match self {
            PipelineFlavour::Generic => None,
            PipelineFlavour::GithubActions => Some(GITHUB_ENVIRONMENTS),
            PipelineFlavour::Jenkins => Some(JENKINS_INPUT),
        }
    }
}

/// The deploy settings every pipeline starts from, with the pages they come from: a Kubernetes
/// Deployment's rolling update and readiness probe, and Flagger's canary analysis criteria.
pub fn deploy_defaults() -> Vec<FlavourDefault> {
    let d = fixed;
    vec![
        d("max_surge", "maxSurge", "25 %", K8S_DEPLOYMENT),
        d("max_unavailable", "maxUnavailable", "25 %", K8S_DEPLOYMENT),
        d(
            "progress_deadline_s",
            "progressDeadlineSeconds",
            "600 s",
            K8S_DEPLOYMENT,
        ),
        d("readiness_period_s", "periodSeconds", "10 s", K8S_PROBES),
        d(
            "canary_success_rate",
            "request-success-rate min",
            "99 %",
            FLAGGER_DOCS,
        ),
        d(
            "canary_p99_ms",
            "request-duration max",
            "500 ms",
            FLAGGER_DOCS,
        ),
    ]
}

/// "label value, label value ([1](…) [2](…))": a flavour's defaults in one table cell with each
/// page they come from, numbered; `generic` for a flavour without any (our own defaults).
fn defaults_cell(defaults: &[FlavourDefault], generic: &str) -> String {
    if defaults.is_empty() {
        return generic.to_owned();
    }
    let values = defaults
        .iter()
        .map(|d| format!("{} {}", d.label, d.value))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sources: Vec<&str> = Vec::new();
    for d in defaults {
        if !sources.contains(&d.source) {
            sources.push(d.source);
        }
    }
    let links = sources
        .iter()
        .enumerate()
        .map(|(i, source)| format!("[{}]({source})", i + 1))
        .collect::<Vec<_>>()
        .join(" ");
    format!("{values} ({links})")
}
