//! Incident response as a workflow: built-in incident scenarios (a design with a scheduled trigger
//! and the fixes it offers), and [`IncidentRun`], which drives production and its staging copy
//! through detect → acknowledge → identify → replicate → fix → deploy and measures MTTD, MTTA, the
//! time to reproduce and MTTR from what happened.
//!
//! Definitions (all read off the run, never claimed): the **fault** is when the trigger hit
//! production (a scheduled fault's start, or a defective release's first traffic); **detected** is
//! the scenario's alert firing after it; **acknowledged**, **pinned**, **staging opened**, **fix
//! deployed** are when the responder did so; **reproduced** is the pinned issue (exception and
//! frame) seen [`REPRODUCED_AFTER`] times in staging; **verified** is a fix tried in staging holding
//! staging's error rate under the scenario's objective, with no pinned issue, for
//! [`VERIFY_SECONDS`]; **resolved** is the alert's last resolution (it fires no more). MTTD =
//! detected − fault, MTTA = acknowledged − detected, time to reproduce = reproduced − staging
//! opened, MTTR = resolved − fault. A production change other than a rollback or a deploy while the
//! incident is open is recorded as "debugged in production".

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::design::{
    AlertMetric, AlertRule, Channel, Comparison, Design, Fault, Link, Node, RuleKind,
    ScheduledFault, Severity,
};
use crate::metrics::LogLine;
use crate::params::{DeployStrategy, NodeParams, ServiceTime, Tier};
use crate::presets::{classroom_pipeline, named, payment_bug_release};
use crate::release::{Defect, Release, ScheduledRelease};
use crate::run_event::RunEvent;
use crate::run_file::{RunAction, RunError, RunFile, RunProblem, design_error, error as run_error};
use crate::simulation::{CommandError, LiveCommand};
use crate::{AlertState, NodeKind, Simulation, Snapshot};

/// Times the pinned issue must appear in staging to count as reproduced.
pub const REPRODUCED_AFTER: u32 = 5;
/// Seconds a fix must hold in staging to count as verified.
pub const VERIFY_SECONDS: usize = 60;
/// Seconds the alert must stay resolved for the incident to count as resolved (an alert that
/// flaps keeps it open).
pub const SETTLE_SECONDS: f64 = 90.0;

/// What sets a scenario's incident off.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Trigger {
    /// The design's scheduled release of this version, when it first takes traffic.
    Release { version: String },
    /// The design's scheduled fault at this index, when it starts.
    Fault { index: usize },
}

/// A fix a scenario offers: live commands, to try in staging and to deploy in production.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    pub id: &'static str,
    pub label: &'static str,
    /// Whether it is what resolves the incident (the others are tempting and wrong).
    pub works: bool,
    pub commands: Vec<LiveCommand>,
}

/// A built-in incident: a design with its trigger, the alert that pages, the fixes on offer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub id: &'static str,
    pub title: &'static str,
    pub story: &'static str,
    #[serde(skip)]
    pub design: Design,
    pub trigger: Trigger,
    /// The alert rule (by name) whose page opens the incident.
    pub alert: &'static str,
    /// The error rate staging must hold under for a fix to be verified, 0..=1.
    pub objective: f64,
    /// The share of production traffic a staging copy needs to show the problem (a load problem
    /// needs production's load; a bug shows at a tenth of it).
    pub staging_fraction: f64,
    /// What replays the trigger in staging (empty when the copied version carries it).
    pub replay: Vec<LiveCommand>,
    pub fixes: Vec<Fix>,
    /// How long a drill lasts, seconds.
    pub seconds: f64,
}

impl Scenario {
    pub fn fix(&self, id: &str) -> Option<&Fix> {
        self.fixes.iter().find(|fix| fix.id == id)
    }
}

/// Every built-in scenario.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        bad_payment_release(),
        pool_exhaustion(),
        memory_leak(),
        cache_stampede(),
    ]
}

/// The scenario with this id.
pub fn scenario(id: &str) -> Option<Scenario> {
    scenarios().into_iter().find(|s| s.id == id)
}

fn users(rate: f64) -> Node {
    let mut node = named(Node::new("users", NodeKind::Users, 100.0, 320.0), "Users");
    if let NodeParams::Users(users) = &mut node.params {
        users.rate_per_second = rate;
    }
    node
}

fn group(instances: u32) -> Node {
    let mut node = named(
        Node::new("web", NodeKind::AutoscalingGroup, 680.0, 320.0),
        "Web servers",
    );
    if let NodeParams::AutoscalingGroup(group) = &mut node.params {
        group.initial_instances = instances;
        group.min_instances = instances;
        group.max_instances = instances;
        group.server.cold_start_ms = 10_000.0;
        group.server.auto_restart_s = Some(10.0);
    }
    node
}

fn rule(name: &str, metric: AlertMetric, threshold: f64, message: &str) -> AlertRule {
    AlertRule {
        name: name.to_owned(),
        metric,
        node: None,
        kind: RuleKind::Threshold,
        comparison: Comparison::Above,
        threshold,
        for_s: 10.0,
        severity: Severity::Critical,
        channel: Channel::Pagerduty,
        message: message.to_owned(),
    }
}

/// Users → load balancer → group (→ cache) → database, a pipeline to the group, a monitoring node
/// with one rule.
fn shop(
    name: &str,
    rate: f64,
    instances: u32,
    cache: Option<Node>,
    database: Node,
    alert: AlertRule,
) -> Design {
    let lb = named(
        Node::new("lb", NodeKind::LoadBalancer, 380.0, 320.0),
        "Load balancer",
    );
    let mut nodes = vec![
        users(rate),
        lb,
        group(instances),
        classroom_pipeline(DeployStrategy::Rolling),
        database,
    ];
    let mut links = vec![
        Link::new("users", "lb", 30.0),
        Link::new("lb", "web", 1.0),
        Link::new("ci", "web", 1.0),
    ];
    if let Some(cache) = cache {
        links.push(Link::new("web", "cache", 1.0));
        links.push(Link::new("cache", "database", 1.0));
        nodes.push(cache);
    } else {
        links.push(Link::new("web", "database", 1.0));
    }
    nodes.push(named(
        Node::new("monitoring", NodeKind::Monitoring, 1000.0, 110.0),
        "Monitoring",
    ));
    Design {
        version: crate::design::CURRENT_VERSION,
        name: name.to_owned(),
        seed: 1,
        nodes,
        links,
        alert_rules: vec![alert],
        faults: Vec::new(),
        releases: Vec::new(),
    }
}

fn database(tier: Tier) -> Node {
    let mut node = named(
        Node::new("database", NodeKind::Database, 1000.0, 320.0),
        "Database",
    );
    if let NodeParams::Database(database) = &mut node.params {
        database.tier = tier;
    }
    node
}

fn roll_back() -> LiveCommand {
    LiveCommand::RollBack {
        pipeline: "ci".to_owned(),
    }
}

fn hot_fix(version: &str) -> LiveCommand {
    LiveCommand::CommitRelease {
        pipeline: "ci".to_owned(),
        release: Release {
            version: version.to_owned(),
            defect: None,
            expedited: true,
        },
    }
}

fn scale_up(node: &str) -> LiveCommand {
    LiveCommand::ScaleUp {
        node: node.to_owned(),
    }
}

/// The fixes of a bad release: roll back, or ship a hot fix; and a tempting `wrong` one.
fn release_fixes(wrong: Fix) -> Vec<Fix> {
    vec![
        Fix {
            id: "rollback",
            label: "Roll back to v1",
            works: true,
            commands: vec![roll_back()],
        },
        Fix {
            id: "hotfix",
            label: "Ship hot fix v3 (expedited)",
            works: true,
            commands: vec![hot_fix("v3")],
        },
        wrong,
    ]
}

/// v2 breaks payments: half of them fail once it is rolled out.
pub fn bad_payment_release() -> Scenario {
    let mut design = shop(
        "Incident: a bad payment release",
        120.0,
        3,
        None,
        database(Tier::Medium),
        rule(
            "Payments failing",
            AlertMetric::PaymentErrorRate,
            0.05,
            "Payment failed",
        ),
    );
    design.releases.push(payment_bug_release(10.0));
    Scenario {
        id: "bad-payment-release",
        title: "A bad payment release",
        story: "v2 went out at lunch. Minutes later PagerDuty pages: payments are failing.",
        design,
        trigger: Trigger::Release {
            version: "v2".to_owned(),
        },
        alert: "Payments failing",
        objective: 0.01,
        staging_fraction: 0.1,
        replay: Vec::new(),
        fixes: release_fixes(Fix {
            id: "scale-up",
            label: "Bigger web servers",
            works: false,
            commands: vec![scale_up("web")],
        }),
        seconds: 360.0,
    }
}

/// A traffic spike drains the database's connection pool: requests wait, then fail.
pub fn pool_exhaustion() -> Scenario {
    let mut db = database(Tier::Large);
    if let NodeParams::Database(database) = &mut db.params {
        database.max_connections = 4;
        database.max_waiting = 20;
        database.read = ServiceTime::exponential(20.0);
        database.write = ServiceTime::exponential(40.0);
    }
    let mut design = shop(
        "Incident: connection pool exhaustion",
        150.0,
        4,
        None,
        db,
        rule(
            "High error rate",
            AlertMetric::ErrorRate,
            0.05,
            "Requests failing: pool exhausted?",
        ),
    );
    design.faults.push(ScheduledFault {
        at_s: 30.0,
        duration_s: None,
        fault: Fault::TrafficSpike {
            node: Some("users".to_owned()),
            factor: 2.0,
        },
    });
    let mut bigger = design
        .node("database")
        .map(|node| node.params.clone())
        .unwrap_or_else(|| NodeParams::default_for(NodeKind::Database));
    if let NodeParams::Database(database) = &mut bigger {
        database.max_connections = 64;
        database.max_waiting = 200;
    }
    Scenario {
        id: "pool-exhaustion",
        title: "Connection pool exhaustion after a traffic spike",
        story: "A newsletter went out and traffic doubled. The database looks idle, yet requests \
                time out waiting for a connection.",
        design,
        trigger: Trigger::Fault { index: 0 },
        alert: "High error rate",
        objective: 0.01,
        staging_fraction: 1.0,
        replay: vec![LiveCommand::Inject {
            fault: Fault::TrafficSpike {
                node: Some("users".to_owned()),
                factor: 2.0,
            },
            duration_s: None,
        }],
        fixes: vec![
            Fix {
                id: "bigger-pool",
                label: "Raise the connection pool to 64",
                works: true,
                commands: vec![LiveCommand::SetParams {
                    node: "database".to_owned(),
                    params: bigger,
                }],
            },
            Fix {
                id: "rollback",
                label: "Roll back the last release",
                works: false,
                commands: vec![roll_back()],
            },
        ],
        seconds: 300.0,
    }
}

/// v2 leaks memory: every instance runs out of memory 20 s after it starts, one after another.
pub fn memory_leak() -> Scenario {
    let mut design = shop(
        "Incident: a memory leak",
        280.0,
        3,
        None,
        database(Tier::Medium),
        rule(
            "High error rate",
            AlertMetric::ErrorRate,
            0.05,
            "Requests failing: servers crashing",
        ),
    );
    design.releases.push(ScheduledRelease {
        at_s: 10.0,
        pipeline: "ci".to_owned(),
        release: Release {
            version: "v2".to_owned(),
            defect: Some(Defect::Crash { after_s: 30.0 }),
            expedited: false,
        },
    });
    Scenario {
        id: "memory-leak",
        title: "A memory leak crashing servers one by one",
        story: "Since this morning's v2 the web servers die every few seconds, each one a little \
                after the last, and restart into the same fate.",
        design,
        trigger: Trigger::Release {
            version: "v2".to_owned(),
        },
        alert: "High error rate",
        objective: 0.01,
        // The leak kills instances whatever the load; what users feel (full queues on the
        // survivors) needs production's load.
        staging_fraction: 1.0,
        replay: Vec::new(),
        fixes: release_fixes(Fix {
            id: "restart",
            label: "Restart the web servers",
            works: false,
            commands: vec![LiveCommand::Restart {
                node: "web".to_owned(),
            }],
        }),
        seconds: 420.0,
    }
}

/// The cache is flushed: every read goes to a database sized for the misses only.
pub fn cache_stampede() -> Scenario {
    let mut cache = named(Node::new("cache", NodeKind::Cache, 840.0, 320.0), "Cache");
    if let NodeParams::Cache(params) = &mut cache.params {
        params.capacity_keys = 60_000;
        params.keyspace = 60_000;
        params.zipf_s = 0.0;
        params.ttl_s = 3_600.0;
        params.prewarmed = true;
    }
    let mut db = database(Tier::Small);
    if let NodeParams::Database(database) = &mut db.params {
        database.read = ServiceTime::exponential(20.0);
    }
    let mut design = shop(
        "Incident: a cache stampede",
        300.0,
        4,
        Some(cache),
        db,
        rule(
            "High error rate",
            AlertMetric::ErrorRate,
            0.05,
            "Requests failing: database overloaded",
        ),
    );
    design.faults.push(ScheduledFault {
        at_s: 60.0,
        duration_s: None,
        fault: Fault::CacheFlush {
            node: "cache".to_owned(),
        },
    });
    let mut replicas = design
        .node("database")
        .map(|node| node.params.clone())
        .unwrap_or_else(|| NodeParams::default_for(NodeKind::Database));
    if let NodeParams::Database(database) = &mut replicas {
        database.replicas = 3;
    }
    Scenario {
        id: "cache-stampede",
        title: "A cache flush stampedes the database",
        story: "Someone flushed the cache to clear one bad key. Every read now lands on a \
                database sized for the misses only.",
        design,
        trigger: Trigger::Fault { index: 0 },
        alert: "High error rate",
        objective: 0.01,
        staging_fraction: 1.0,
        replay: vec![LiveCommand::Inject {
            fault: Fault::CacheFlush {
                node: "cache".to_owned(),
            },
            duration_s: None,
        }],
        fixes: vec![
            Fix {
                id: "read-replicas",
                label: "Add three read replicas",
                works: true,
                commands: vec![LiveCommand::SetParams {
                    node: "database".to_owned(),
                    params: replicas,
                }],
            },
            Fix {
                id: "rollback",
                label: "Roll back the last release",
                works: false,
                commands: vec![roll_back()],
            },
        ],
        seconds: 300.0,
    }
}

/// The moments of an incident, seconds of production's simulated time.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IncidentTimeline {
    pub fault_s: Option<f64>,
    pub detected_s: Option<f64>,
    pub acknowledged_s: Option<f64>,
    pub pinned_s: Option<f64>,
    pub staging_s: Option<f64>,
    pub reproduced_s: Option<f64>,
    /// A fix tried in staging, and when it was verified there.
    pub tried_s: Option<f64>,
    pub verified_s: Option<f64>,
    pub deployed_s: Option<f64>,
    pub resolved_s: Option<f64>,
    /// Production changes made while the incident was open that were neither a rollback nor a
    /// deploy.
    pub debugged_in_production: Vec<f64>,
}

/// MTTD, MTTA, time to reproduce and MTTR, seconds (`None` until both ends happened).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Measures {
    pub mttd_s: Option<f64>,
    pub mtta_s: Option<f64>,
    pub time_to_reproduce_s: Option<f64>,
    pub mttr_s: Option<f64>,
}

impl IncidentTimeline {
    pub fn measures(&self) -> Measures {
        let between = |a: Option<f64>, b: Option<f64>| Some(b? - a?);
        Measures {
            mttd_s: between(self.fault_s, self.detected_s),
            mtta_s: between(self.detected_s, self.acknowledged_s),
            time_to_reproduce_s: between(self.staging_s, self.reproduced_s),
            mttr_s: between(self.fault_s, self.resolved_s),
        }
    }

    /// Whether the incident is open at `time_s` (detected and not resolved by then).
    pub fn open_at(&self, time_s: f64) -> bool {
        self.detected_s.is_some_and(|d| d <= time_s) && self.resolved_s.is_none_or(|r| r > time_s)
    }
}

/// An issue as pinned: the exception and frame its error lines carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pinned {
    pub exception: String,
    pub frame: String,
}

/// A role in a drill run by a group (the incident command system's three).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Commander,
    Operations,
    Communications,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Commander, Role::Operations, Role::Communications];

    pub fn label(self) -> &'static str {
        match self {
            Role::Commander => "Incident commander",
            Role::Operations => "Operations",
            Role::Communications => "Communications",
        }
    }
}

/// A step of the incident workflow, as a run file records it (`{"incident": {"type": …}}`). The
/// production changes a step makes (a deploy's commands, a game master's fault) are recorded
/// apart, as live commands at the same instant; the step says whose they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum IncidentStep {
    /// The run is a drill of this built-in scenario.
    Drill { scenario: String },
    /// A person takes a role.
    Assign { role: Role, person: String },
    /// The responder pins the issue they suspect.
    Pin { exception: String, frame: String },
    /// A staging copy of production as it is now, at this share of its traffic.
    OpenStaging { fraction: f64 },
    /// The scenario's trigger replayed in staging.
    ReplayInStaging,
    /// One of the scenario's fixes, tried in staging.
    TryInStaging { fix: String },
    /// One of the scenario's fixes shipped to production (its commands follow at this instant).
    Deploy { fix: String },
    /// The game master changes production (the live commands that follow at this instant).
    GameMaster { what: String },
}

/// Watches an incident: production's snapshots (the alert, the trigger, the issues), the
/// responder's steps, and the staging copy it owns and advances in step with production, a whole
/// second at a time from when it was opened (so how production is advanced — per frame in the app,
/// per second in a test — never changes what staging does).
pub struct IncidentWatch {
    pub scenario: Scenario,
    pub timeline: IncidentTimeline,
    pub staging: Option<Simulation>,
    /// Production's nanoseconds when staging was opened.
    staging_opened_ns: u64,
    pinned: Option<Pinned>,
    /// The pinned issue's error lines seen in staging.
    reproductions: u32,
    /// Staging's seconds since the last fix was tried: (error rate, pinned issue seen).
    since_fix: Vec<(f64, bool)>,
    staging_counts: (u64, u64),
    /// Staging's latest snapshot and its recent log lines, for a view of it.
    staging_snapshot: Option<Snapshot>,
    staging_logs: VecDeque<LogLine>,
    /// Whether the alert fires now.
    firing: bool,
    /// Production's error lines since the fault, by issue (exception and frame), in first-seen
    /// order, with the version each was first seen in.
    issues: Vec<(Pinned, u64, Option<String>)>,
    /// Production's time as last observed, seconds.
    now_s: f64,
    /// The instant of the last deploy or game-master step: production changes at it are theirs.
    exempt_ns: Option<u64>,
    roles: Vec<(Role, String)>,
    /// The fix last tried in staging and the fix last deployed, by id.
    tried: Option<String>,
    deployed: Option<String>,
}

/// Staging log lines kept for a view of it.
const STAGING_LOG_LINES: usize = 1_000;

impl IncidentWatch {
    pub fn new(scenario: Scenario) -> IncidentWatch {
        let fault_s = match &scenario.trigger {
            Trigger::Fault { index } => scenario.design.faults.get(*index).map(|f| f.at_s),
            Trigger::Release { .. } => None,
        };
        IncidentWatch {
            scenario,
            timeline: IncidentTimeline {
                fault_s,
                ..IncidentTimeline::default()
            },
            staging: None,
            staging_opened_ns: 0,
            pinned: None,
            reproductions: 0,
            since_fix: Vec::new(),
            staging_counts: (0, 0),
            staging_snapshot: None,
            staging_logs: VecDeque::new(),
            firing: false,
            issues: Vec::new(),
            now_s: 0.0,
            exempt_ns: None,
            roles: Vec::new(),
            tried: None,
            deployed: None,
        }
    }

    /// Reads one of production's snapshots (every one, in order: their log lines and
    /// notifications are what is new since the last).
    pub fn observe(&mut self, snapshot: &Snapshot) {
        self.now_s = snapshot.time_s;
        if self.timeline.fault_s.is_none()
            && let Trigger::Release { version } = &self.scenario.trigger
            && let Some(first) = snapshot
                .releases
                .iter()
                .find(|r| &r.version == version && r.rollback_to.is_none())
                .and_then(|r| r.first_traffic_s)
        {
            self.timeline.fault_s = Some(first);
        }
        if let Some(fault) = self.timeline.fault_s {
            for line in snapshot.logs.iter().filter(|line| line.time_s >= fault) {
                if let Some(RunEvent::RequestFailed { report, .. }) = &line.event {
                    let issue = Pinned {
                        exception: report.exception.clone(),
                        frame: report.frame.clone(),
                    };
                    match self.issues.iter_mut().find(|(known, ..)| *known == issue) {
                        Some((_, count, _)) => *count += 1,
                        None => self.issues.push((issue, 1, report.release.clone())),
                    }
                }
            }
        }
        for notification in &snapshot.notifications {
            if notification.rule != self.scenario.alert {
                continue;
            }
            match notification.state {
                AlertState::Firing => {
                    self.firing = true;
                    if self.timeline.detected_s.is_none()
                        && self
                            .timeline
                            .fault_s
                            .is_some_and(|fault| notification.time_s >= fault)
                    {
                        self.timeline.detected_s = Some(notification.time_s);
                    }
                    // Fired again: it was not resolved after all.
                    self.timeline.resolved_s = None;
                }
                AlertState::Resolved => {
                    self.firing = false;
                    if self.timeline.detected_s.is_some() {
                        self.timeline.resolved_s = Some(notification.time_s);
                    }
                }
                _ => {}
            }
        }
    }

    /// Advances staging (if open) to production's `now_ns`, a whole second at a time from when it
    /// was opened, watching the reproduction and a tried fix.
    pub fn follow(&mut self, now_ns: u64) {
        let Some(staging) = &mut self.staging else {
            return;
        };
        let target_ns = now_ns.saturating_sub(self.staging_opened_ns);
        while staging.now_ns() + 1_000_000_000 <= target_ns {
            let next = staging.now_ns() + 1_000_000_000;
            while !staging.advance_with_budget(next, u64::MAX) {}
            let at_s = (self.staging_opened_ns + next) as f64 / 1e9;
            let snapshot = staging.snapshot();
            let mut pinned_seen = false;
            for line in &snapshot.logs {
                if let Some(RunEvent::RequestFailed { report, .. }) = &line.event
                    && self
                        .pinned
                        .as_ref()
                        .is_some_and(|p| p.exception == report.exception && p.frame == report.frame)
                {
                    pinned_seen = true;
                    self.reproductions += 1;
                    if self.reproductions >= REPRODUCED_AFTER
                        && self.timeline.reproduced_s.is_none()
                    {
                        self.timeline.reproduced_s = Some(at_s);
                    }
                }
            }
            self.staging_logs.extend(snapshot.logs.iter().cloned());
            while self.staging_logs.len() > STAGING_LOG_LINES {
                self.staging_logs.pop_front();
            }
            let totals = &snapshot.totals;
            let (completed, failed) = (
                totals.completed - self.staging_counts.0,
                totals.failed - self.staging_counts.1,
            );
            self.staging_counts = (totals.completed, totals.failed);
            let answered = completed + failed;
            let rate = if answered > 0 {
                failed as f64 / answered as f64
            } else {
                0.0
            };
            if self.timeline.tried_s.is_some() && self.timeline.verified_s.is_none() {
                self.since_fix.push((rate, pinned_seen));
                let held = self.since_fix.len() >= VERIFY_SECONDS
                    && self.since_fix[self.since_fix.len() - VERIFY_SECONDS..]
                        .iter()
                        .all(|(rate, seen)| *rate < self.scenario.objective && !seen);
                if held {
                    self.timeline.verified_s = Some(at_s);
                }
            }
            self.staging_snapshot = Some(snapshot);
        }
    }

    /// Whether the scenario's alert fires now.
    pub fn firing(&self) -> bool {
        self.firing
    }

    /// Whether the incident is over: detected, and its alert resolved at least
    /// [`SETTLE_SECONDS`] ago without firing since.
    pub fn resolved(&self) -> bool {
        self.timeline
            .resolved_s
            .is_some_and(|at| !self.firing && self.now_s - at >= SETTLE_SECONDS)
    }

    /// MTTD, MTTA, time to reproduce, and MTTR once [`IncidentWatch::resolved`].
    pub fn measures(&self) -> Measures {
        let mut measures = self.timeline.measures();
        if !self.resolved() {
            measures.mttr_s = None;
        }
        measures
    }

    /// Production's issues since the fault, the most frequent first (ties: the first seen).
    pub fn issues(&self) -> Vec<(Pinned, u64)> {
        self.issues_seen()
            .into_iter()
            .map(|(issue, count, _)| (issue, count))
            .collect()
    }

    /// [`IncidentWatch::issues`] with the release each was first seen in.
    pub fn issues_seen(&self) -> Vec<(Pinned, u64, Option<String>)> {
        let mut issues = self.issues.clone();
        issues.sort_by_key(|issue| std::cmp::Reverse(issue.1));
        issues
    }

    /// The pinned issue.
    pub fn pinned(&self) -> Option<&Pinned> {
        self.pinned.as_ref()
    }

    /// The pinned issue's error lines seen in staging so far.
    pub fn reproductions(&self) -> u32 {
        self.reproductions
    }

    /// The fix last tried in staging, by id.
    pub fn tried(&self) -> Option<&str> {
        self.tried.as_deref()
    }

    /// The fix last deployed to production, by id.
    pub fn deployed(&self) -> Option<&str> {
        self.deployed.as_deref()
    }

    /// Production's time as last observed, seconds.
    pub fn now_s(&self) -> f64 {
        self.now_s
    }

    /// Who took which role.
    pub fn roles(&self) -> &[(Role, String)] {
        &self.roles
    }

    /// Staging's latest snapshot (a whole second of it), once open.
    pub fn staging_snapshot(&self) -> Option<&Snapshot> {
        self.staging_snapshot.as_ref()
    }

    /// Staging's recent log lines, oldest first.
    pub fn staging_logs(&self) -> &VecDeque<LogLine> {
        &self.staging_logs
    }

    /// The responder acknowledged the page (at production's `now_s`).
    pub fn acknowledge(&mut self, now_s: f64) {
        if self.timeline.acknowledged_s.is_none() && self.timeline.detected_s.is_some() {
            self.timeline.acknowledged_s = Some(now_s);
        }
    }

    /// Takes a step of the workflow at production's instant `now_ns`; `production` is production
    /// at that instant (a staging copy is made of it). A step the scenario does not offer is refused.
    pub fn step(
        &mut self,
        step: &IncidentStep,
        production: &Simulation,
        now_ns: u64,
    ) -> Result<(), CommandError> {
        let now_s = now_ns as f64 / 1e9;
        match step {
            IncidentStep::Drill { .. } => {}
            IncidentStep::Assign { role, person } => {
                self.roles.retain(|(r, _)| r != role);
                if !person.trim().is_empty() {
                    self.roles.push((*role, person.trim().to_owned()));
                }
            }
            IncidentStep::Pin { exception, frame } => {
                self.pinned = Some(Pinned {
                    exception: exception.clone(),
                    frame: frame.clone(),
                });
                self.timeline.pinned_s = Some(now_s);
                // A new suspect: what staging showed of the old one no longer counts.
                self.reproductions = 0;
            }
            IncidentStep::OpenStaging { fraction } => {
                let mut staging = production.staging(*fraction);
                // Lines from before now are none: staging starts at its own 0.
                let _ = staging.snapshot();
                self.staging = Some(staging);
                self.staging_opened_ns = now_ns;
                self.staging_counts = (0, 0);
                self.staging_snapshot = None;
                self.staging_logs.clear();
                self.reproductions = 0;
                self.since_fix.clear();
                self.timeline.staging_s = Some(now_s);
                self.timeline.reproduced_s = None;
                self.timeline.tried_s = None;
                self.timeline.verified_s = None;
            }
            IncidentStep::ReplayInStaging => {
                let staging = self.staging.as_mut().ok_or_else(no_staging)?;
                for command in &self.scenario.replay {
                    staging.apply(command.clone())?;
                }
            }
            IncidentStep::TryInStaging { fix } => {
                let fix = self
                    .scenario
                    .fix(fix)
                    .cloned()
                    .ok_or_else(|| unknown(fix))?;
                let staging = self.staging.as_mut().ok_or_else(no_staging)?;
                for command in &fix.commands {
                    staging.apply(command.clone())?;
                }
                self.since_fix.clear();
                self.timeline.tried_s = Some(now_s);
                self.timeline.verified_s = None;
                self.tried = Some(fix.id.to_owned());
            }
            IncidentStep::Deploy { fix } => {
                if self.scenario.fix(fix).is_none() {
                    return Err(unknown(fix));
                }
                self.timeline.deployed_s = Some(now_s);
                self.deployed = Some(fix.clone());
                self.exempt_ns = Some(now_ns);
            }
            IncidentStep::GameMaster { .. } => self.exempt_ns = Some(now_ns),
        }
        Ok(())
    }

    /// Production changed at `now_ns` (a live command or an edit): recorded as "debugged in
    /// production" while the incident is open, unless it went through the pipeline (`pipeline`:
    /// a release, an approval, a rollback) or belongs to a deploy or a game master's step at the
    /// same instant.
    pub fn production_changed(&mut self, now_ns: u64, pipeline: bool) {
        let now_s = now_ns as f64 / 1e9;
        if !pipeline && self.exempt_ns != Some(now_ns) && self.timeline.open_at(now_s) {
            self.timeline.debugged_in_production.push(now_s);
        }
    }
}

/// Whether a live command goes through the pipeline (not "debugged in production").
pub fn through_pipeline(command: &LiveCommand) -> bool {
    matches!(
        command,
        LiveCommand::RollBack { .. }
            | LiveCommand::CommitRelease { .. }
            | LiveCommand::Approve { .. }
    )
}

fn no_staging() -> CommandError {
    CommandError::AtLimit("open a staging copy first".to_owned())
}

fn unknown(fix: &str) -> CommandError {
    CommandError::AtLimit(format!("this scenario offers no fix called {fix:?}"))
}

/// A scenario played: production and its [`IncidentWatch`] (read through it: `run.timeline`,
/// `run.staging`, `run.issues()`…).
pub struct IncidentRun {
    pub production: Simulation,
    pub watch: IncidentWatch,
}

impl std::ops::Deref for IncidentRun {
    type Target = IncidentWatch;

    fn deref(&self) -> &IncidentWatch {
        &self.watch
    }
}

impl IncidentRun {
    pub fn start(scenario: Scenario, seed: u64) -> Result<IncidentRun, crate::DesignError> {
        let production = Simulation::new(&scenario.design, seed)?;
        Ok(IncidentRun {
            production,
            watch: IncidentWatch::new(scenario),
        })
    }

    /// Re-simulates a drill's run file (one whose timeline holds a [`IncidentStep::Drill`]): its
    /// production with every recorded action, its staging copy and its incident timeline, to the
    /// file's end. `None` for a run that is not a drill.
    pub fn replay(file: &RunFile) -> Result<Option<IncidentRun>, RunError> {
        let Some(id) = file.timeline.iter().find_map(|entry| match &entry.action {
            RunAction::Incident(IncidentStep::Drill { scenario }) => Some(scenario.clone()),
            _ => None,
        }) else {
            return Ok(None);
        };
        let Some(scenario) = scenario(&id) else {
            return Err(run_error(
                "timeline",
                RunProblem::Refused {
                    message: format!("no built-in incident scenario is called {id:?}"),
                },
            ));
        };
        let production =
            Simulation::new(&file.design, file.seed).map_err(|e| design_error("design", e))?;
        let mut run = IncidentRun {
            production,
            watch: IncidentWatch::new(scenario),
        };
        for (index, entry) in file.timeline.iter().enumerate() {
            run.advance_to(entry.at_ns);
            let refused = |message: String| {
                run_error(
                    format!("timeline[{index}]"),
                    RunProblem::Refused { message },
                )
            };
            let now_ns = run.production.now_ns();
            match &entry.action {
                RunAction::Live(command) => {
                    run.production
                        .apply(command.clone())
                        .map_err(|e| refused(e.to_string()))?;
                    run.watch
                        .production_changed(now_ns, through_pipeline(command));
                }
                RunAction::Edit(design) => {
                    run.production
                        .reconfigure(design)
                        .map_err(|e| refused(e.to_string()))?;
                    run.watch.production_changed(now_ns, false);
                }
                RunAction::Acknowledge { .. } => run.watch.acknowledge(now_ns as f64 / 1e9),
                RunAction::Incident(step) => run
                    .watch
                    .step(step, &run.production, now_ns)
                    .map_err(|e| refused(e.to_string()))?,
                RunAction::Resolve { .. } | RunAction::Marker { .. } => {}
            }
        }
        run.advance_to(file.end_ns);
        Ok(Some(run))
    }

    pub fn now_s(&self) -> f64 {
        self.production.now_s()
    }

    /// Whether the incident is over ([`IncidentWatch::resolved`]).
    pub fn resolved(&self) -> bool {
        self.watch.resolved()
    }

    /// Advances production (and staging) by `seconds`, one second at a time.
    pub fn advance(&mut self, seconds: f64) {
        let target = self
            .production
            .now_ns()
            .saturating_add((seconds.max(0.0) * 1e9).round() as u64);
        self.advance_to(target);
    }

    /// Advances production (and staging) to `target_ns`, observing production every second.
    fn advance_to(&mut self, target_ns: u64) {
        while self.production.now_ns() < target_ns {
            let next = (self.production.now_ns() + 1_000_000_000).min(target_ns);
            while !self.production.advance_with_budget(next, u64::MAX) {}
            let snapshot = self.production.snapshot();
            self.watch.observe(&snapshot);
            self.watch.follow(self.production.now_ns());
        }
    }

    fn take(&mut self, step: &IncidentStep) -> Result<(), CommandError> {
        let now_ns = self.production.now_ns();
        self.watch.step(step, &self.production, now_ns)
    }

    /// Replays the scenario's trigger in staging.
    pub fn replay_in_staging(&mut self) -> Result<(), CommandError> {
        self.take(&IncidentStep::ReplayInStaging)
    }

    /// The responder acknowledged the page.
    pub fn acknowledge(&mut self) {
        let now_s = self.now_s();
        self.watch.acknowledge(now_s);
    }

    /// The responder pinned the issue they suspect.
    pub fn pin(&mut self, issue: Pinned) {
        let _ = self.take(&IncidentStep::Pin {
            exception: issue.exception,
            frame: issue.frame,
        });
    }

    /// Opens a staging copy of production as it is now, at `fraction` of its traffic.
    pub fn open_staging(&mut self, fraction: f64) {
        let _ = self.take(&IncidentStep::OpenStaging { fraction });
    }

    /// Tries a fix in staging (production is untouched).
    pub fn try_in_staging(&mut self, fix: &Fix) -> Result<(), CommandError> {
        self.take(&IncidentStep::TryInStaging {
            fix: fix.id.to_owned(),
        })
    }

    /// Deploys a fix to production (the change the incident ends with, not debugging).
    pub fn deploy(&mut self, fix: &Fix) -> Result<(), CommandError> {
        self.take(&IncidentStep::Deploy {
            fix: fix.id.to_owned(),
        })?;
        for command in &fix.commands {
            self.apply_to_production(command.clone())?;
        }
        Ok(())
    }

    /// Any production change: recorded as "debugged in production" while the incident is open,
    /// unless it is a rollback or a deploy through the pipeline.
    pub fn apply_to_production(&mut self, command: LiveCommand) -> Result<(), CommandError> {
        let pipeline = through_pipeline(&command);
        self.production.apply(command)?;
        let now_ns = self.production.now_ns();
        self.watch.production_changed(now_ns, pipeline);
        Ok(())
    }
}
