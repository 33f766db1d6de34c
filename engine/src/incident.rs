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

use serde::Serialize;

use crate::design::{
    AlertMetric, AlertRule, Channel, Comparison, Design, Fault, Link, Node, RuleKind,
    ScheduledFault, Severity,
};
use crate::params::{DeployStrategy, NodeParams, ServiceTime, Tier};
use crate::presets::{classroom_pipeline, named, payment_bug_release};
use crate::release::{Defect, Release, ScheduledRelease};
use crate::run_event::RunEvent;
use crate::simulation::{CommandError, LiveCommand};
use crate::{AlertState, NodeKind, Simulation};

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pinned {
    pub exception: String,
    pub frame: String,
}

/// A scenario played: production, its staging copy once opened, and the incident's timeline.
pub struct IncidentRun {
    pub scenario: Scenario,
    pub production: Simulation,
    pub staging: Option<Simulation>,
    pub timeline: IncidentTimeline,
    pinned: Option<Pinned>,
    /// The pinned issue's error lines seen in staging.
    reproductions: u32,
    /// Staging's seconds since the last fix was tried: (error rate, pinned issue seen).
    since_fix: Vec<(f64, bool)>,
    staging_counts: (u64, u64),
    /// Whether the alert fires now.
    firing: bool,
    /// Production's error lines since the fault, by issue (exception and frame), in first-seen
    /// order.
    issues: Vec<(Pinned, u64)>,
}

impl IncidentRun {
    pub fn start(scenario: Scenario, seed: u64) -> Result<IncidentRun, crate::DesignError> {
        let production = Simulation::new(&scenario.design, seed)?;
        let fault_s = match &scenario.trigger {
            Trigger::Fault { index } => scenario.design.faults.get(*index).map(|f| f.at_s),
            Trigger::Release { .. } => None,
        };
        Ok(IncidentRun {
            scenario,
            production,
            staging: None,
            timeline: IncidentTimeline {
                fault_s,
                ..IncidentTimeline::default()
            },
            pinned: None,
            reproductions: 0,
            since_fix: Vec::new(),
            staging_counts: (0, 0),
            firing: false,
            issues: Vec::new(),
        })
    }

    pub fn now_s(&self) -> f64 {
        self.production.now_s()
    }

    /// Advances production (and staging) by `seconds`, one second at a time, watching the alert,
    /// the trigger and staging's reproduction.
    pub fn advance(&mut self, seconds: f64) {
        let mut left = seconds;
        while left > 1e-9 {
            let step = left.min(1.0);
            left -= step;
            self.production.advance(step);
            self.watch_production();
            if let Some(staging) = &mut self.staging {
                staging.advance(step);
                let snapshot = staging.snapshot();
                let mut pinned_seen = false;
                for line in &snapshot.logs {
                    if let Some(RunEvent::RequestFailed { report, .. }) = &line.event
                        && self.pinned.as_ref().is_some_and(|p| {
                            p.exception == report.exception && p.frame == report.frame
                        })
                    {
                        pinned_seen = true;
                        self.reproductions += 1;
                        if self.reproductions >= REPRODUCED_AFTER
                            && self.timeline.reproduced_s.is_none()
                        {
                            self.timeline.reproduced_s = Some(self.production.now_s());
                        }
                    }
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
                        self.timeline.verified_s = Some(self.production.now_s());
                    }
                }
            }
        }
    }

    fn watch_production(&mut self) {
        let snapshot = self.production.snapshot();
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
        if self.timeline.fault_s.is_some() {
            for line in &snapshot.logs {
                if let Some(RunEvent::RequestFailed { report, .. }) = &line.event {
                    let issue = Pinned {
                        exception: report.exception.clone(),
                        frame: report.frame.clone(),
                    };
                    match self.issues.iter_mut().find(|(known, _)| *known == issue) {
                        Some((_, count)) => *count += 1,
                        None => self.issues.push((issue, 1)),
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

    /// Whether the scenario's alert fires now.
    pub fn firing(&self) -> bool {
        self.firing
    }

    /// Whether the incident is over: detected, and its alert resolved at least
    /// [`SETTLE_SECONDS`] ago without firing since.
    pub fn resolved(&self) -> bool {
        self.timeline
            .resolved_s
            .is_some_and(|at| !self.firing && self.now_s() - at >= SETTLE_SECONDS)
    }

    /// MTTD, MTTA, time to reproduce, and MTTR once [`IncidentRun::resolved`].
    pub fn measures(&self) -> Measures {
        let mut measures = self.timeline.measures();
        if !self.resolved() {
            measures.mttr_s = None;
        }
        measures
    }

    /// Production's issues since the fault, the most frequent first (ties: the first seen).
    pub fn issues(&self) -> Vec<(Pinned, u64)> {
        let mut issues = self.issues.clone();
        issues.sort_by_key(|issue| std::cmp::Reverse(issue.1));
        issues
    }

    /// Replays the scenario's trigger in staging.
    pub fn replay_in_staging(&mut self) -> Result<(), CommandError> {
        let Some(staging) = &mut self.staging else {
            return Err(CommandError::AtLimit(
                "open a staging copy first".to_owned(),
            ));
        };
        for command in &self.scenario.replay {
            staging.apply(command.clone())?;
        }
        Ok(())
    }

    /// The responder acknowledged the page.
    pub fn acknowledge(&mut self) {
        if self.timeline.acknowledged_s.is_none() && self.timeline.detected_s.is_some() {
            self.timeline.acknowledged_s = Some(self.now_s());
        }
    }

    /// The responder pinned the issue they suspect.
    pub fn pin(&mut self, issue: Pinned) {
        self.pinned = Some(issue);
        self.timeline.pinned_s = Some(self.now_s());
    }

    /// Opens a staging copy of production as it is now, at `fraction` of its traffic.
    pub fn open_staging(&mut self, fraction: f64) {
        let mut staging = self.production.staging(fraction);
        // Lines from before now are none: staging starts at its own 0.
        let _ = staging.snapshot();
        self.staging = Some(staging);
        self.staging_counts = (0, 0);
        self.reproductions = 0;
        self.timeline.staging_s = Some(self.now_s());
    }

    /// Tries a fix in staging (production is untouched).
    pub fn try_in_staging(&mut self, fix: &Fix) -> Result<(), CommandError> {
        let Some(staging) = &mut self.staging else {
            return Err(CommandError::AtLimit(
                "open a staging copy first".to_owned(),
            ));
        };
        for command in &fix.commands {
            staging.apply(command.clone())?;
        }
        self.since_fix.clear();
        self.timeline.tried_s = Some(self.now_s());
        self.timeline.verified_s = None;
        Ok(())
    }

    /// Deploys a fix to production (the change the incident ends with, not debugging).
    pub fn deploy(&mut self, fix: &Fix) -> Result<(), CommandError> {
        for command in &fix.commands {
            self.production.apply(command.clone())?;
        }
        self.timeline.deployed_s = Some(self.now_s());
        Ok(())
    }

    /// Any production change: recorded as "debugged in production" while the incident is open,
    /// unless it is a rollback or a deploy through the pipeline.
    pub fn apply_to_production(&mut self, command: LiveCommand) -> Result<(), CommandError> {
        let through_pipeline = matches!(
            command,
            LiveCommand::RollBack { .. }
                | LiveCommand::CommitRelease { .. }
                | LiveCommand::Approve { .. }
        );
        self.production.apply(command)?;
        let now = self.now_s();
        if !through_pipeline && self.timeline.open_at(now) {
            self.timeline.debugged_in_production.push(now);
        }
        Ok(())
    }

    /// The pinned issue's error lines seen in staging so far.
    pub fn reproductions(&self) -> u32 {
        self.reproductions
    }
}
