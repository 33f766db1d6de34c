//! An incident drill, as the Incident tab shows it: where the incident stands, the next step of the
//! workflow (detect → acknowledge → identify → replicate → fix → deploy → resolve → post-mortem),
//! production's issues with the release each was first seen in, staging's reproduction, the fixes
//! on offer with what was tried and verified, and the measures read off the run.

use engine::design::Fault;
use engine::incident::{
    IncidentTimeline, IncidentWatch, Measures, Pinned, REPRODUCED_AFTER, Role, SETTLE_SECONDS,
    VERIFY_SECONDS,
};

use engine::{Design, LiveCommand, NodeKind};

use super::format::{clock, duration};

/// Where the incident stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Production is healthy so far: the fault has not hit (or has, and nothing has paged yet).
    Quiet,
    /// The alert fires.
    Firing,
    /// The alert stopped firing; the incident resolves once it stays quiet.
    Settling,
    Resolved,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Quiet => "No page yet",
            Status::Firing => "Firing",
            Status::Settling => "Alert quiet, settling",
            Status::Resolved => "Resolved",
        }
    }
}

/// One of production's issues (grouped by exception and frame).
#[derive(Clone, Debug, PartialEq)]
pub struct IssueRow {
    pub issue: Pinned,
    pub count: u64,
    /// "first seen in v2".
    pub first_seen_in: Option<String>,
    pub pinned: bool,
}

/// One of the fixes the scenario offers.
#[derive(Clone, Debug, PartialEq)]
pub struct FixRow {
    pub id: String,
    pub label: String,
    /// "tried in staging at 02:10, holding 34 s of 60", "verified in staging at 03:10"…
    pub state: Option<String>,
    pub verified: bool,
    pub deployed: bool,
    /// An expedited release (it may also go through the full pipeline).
    pub hot_fix: bool,
}

/// Everything the Incident tab shows of a drill.
#[derive(Clone, Debug, PartialEq)]
pub struct DrillView {
    /// The scenario's id.
    pub id: String,
    pub title: String,
    pub story: String,
    pub alert: String,
    pub status: Status,
    pub timeline: IncidentTimeline,
    pub measures: Measures,
    /// The next step, in words.
    pub next: String,
    pub issues: Vec<IssueRow>,
    pub staging_open: bool,
    pub staging_fraction: f64,
    /// Whether the trigger must be replayed in staging to show there.
    pub replay_offered: bool,
    pub reproductions: u32,
    pub fixes: Vec<FixRow>,
    pub roles: Vec<(Role, String)>,
}

/// The drill `watch` follows, as the Incident tab shows it.
pub fn drill_view(watch: &IncidentWatch) -> DrillView {
    let t = &watch.timeline;
    let status = if watch.resolved() {
        Status::Resolved
    } else if watch.firing() {
        Status::Firing
    } else if t.resolved_s.is_some() {
        Status::Settling
    } else {
        Status::Quiet
    };
    let pinned = watch.pinned();
    let issues = watch
        .issues_seen()
        .into_iter()
        .map(|(issue, count, first_seen_in)| IssueRow {
            pinned: pinned == Some(&issue),
            issue,
            count,
            first_seen_in,
        })
        .collect();
    let scenario = &watch.scenario;
    let fixes = scenario
        .fixes
        .iter()
        .map(|fix| {
            let tried = watch.tried() == Some(fix.id);
            let verified = tried && t.verified_s.is_some();
            let state = match (tried, t.tried_s, t.verified_s) {
                (true, _, Some(at)) => Some(format!("verified in staging at {}", clock(at))),
                (true, Some(at), None) => {
                    let held = (watch.now_s() - at).clamp(0.0, VERIFY_SECONDS as f64);
                    Some(format!(
                        "tried in staging at {}: not verified yet ({} of {} s)",
                        clock(at),
                        held.floor(),
                        VERIFY_SECONDS
                    ))
                }
                _ => None,
            };
            FixRow {
                id: fix.id.to_owned(),
                label: fix.label.to_owned(),
                state,
                verified,
                deployed: watch.deployed() == Some(fix.id),
                hot_fix: fix.commands.iter().any(|command| {
                    matches!(command, LiveCommand::CommitRelease { release, .. } if release.expedited)
                }),
            }
        })
        .collect();
    DrillView {
        id: scenario.id.to_owned(),
        title: scenario.title.to_owned(),
        story: scenario.story.to_owned(),
        alert: scenario.alert.to_owned(),
        status,
        timeline: t.clone(),
        measures: watch.measures(),
        next: next_step(watch, status),
        issues,
        staging_open: watch.staging.is_some(),
        staging_fraction: scenario.staging_fraction,
        replay_offered: !scenario.replay.is_empty(),
        reproductions: watch.reproductions(),
        fixes,
        roles: watch.roles().to_vec(),
    }
}

/// The next step of the workflow, in words.
fn next_step(watch: &IncidentWatch, status: Status) -> String {
    let t = &watch.timeline;
    let alert = watch.scenario.alert;
    if status == Status::Resolved {
        return "Resolved. Write the post-mortem: root cause and lessons are yours; the rest is \
                drafted from the run."
            .to_owned();
    }
    if t.detected_s.is_none() {
        return format!(
            "Watch production: the page comes when \u{201c}{alert}\u{201d} fires. Meanwhile, \
             assign the roles."
        );
    }
    if t.acknowledged_s.is_none() {
        return "Acknowledge the page: the time to acknowledge (MTTA) runs until you do."
            .to_owned();
    }
    if watch.pinned().is_none() {
        return "Identify: find the issue behind the errors below (or in the Logs tab) and pin it."
            .to_owned();
    }
    if watch.staging.is_none() {
        return "Replicate: open a staging copy to reproduce the issue there. Never debug \
                directly in production."
            .to_owned();
    }
    if t.reproduced_s.is_none() {
        let replay = if watch.scenario.replay.is_empty() {
            ""
        } else {
            " Replay the trigger there: staging starts healthy."
        };
        return format!(
            "Wait for the pinned issue in staging: reproduced once seen {REPRODUCED_AFTER} times \
             ({} so far).{replay}",
            watch.reproductions()
        );
    }
    if t.verified_s.is_none() {
        return format!(
            "Fix: try a fix in staging. It is verified when the pinned issue stops there and \
             the error rate holds under {:.0} % for {VERIFY_SECONDS} s.",
            watch.scenario.objective * 100.0
        );
    }
    if t.deployed_s.is_none() {
        return "Deploy the verified fix to production.".to_owned();
    }
    match status {
        Status::Settling => format!(
            "Deployed. The incident resolves once \u{201c}{alert}\u{201d} stays quiet for {}.",
            duration(SETTLE_SECONDS)
        ),
        _ => format!(
            "Deployed. Wait for \u{201c}{alert}\u{201d} to resolve; if it keeps firing, the fix \
             did not work."
        ),
    }
}

/// What a game master can do to production during a drill: a fault with how long it lasts.
#[derive(Clone, Debug, PartialEq)]
pub struct Misfortune {
    pub label: String,
    pub fault: Fault,
    pub duration_s: Option<f64>,
}

/// The misfortunes a game master can inject into `design` (the drill's production): a traffic
/// spike, a slow database, a flushed cache, a restart of the web servers, each where the design
/// has the node for it.
pub fn misfortunes(design: &Design) -> Vec<Misfortune> {
    let first = |kind: NodeKind| {
        design
            .nodes
            .iter()
            .find(|node| node.kind() == kind)
            .map(|node| node.id.clone())
    };
    let mut out = vec![Misfortune {
        label: "Traffic spike: three times the users for 60 s".to_owned(),
        fault: Fault::TrafficSpike {
            node: None,
            factor: 3.0,
        },
        duration_s: Some(60.0),
    }];
    if let Some(node) = first(NodeKind::Database) {
        out.push(Misfortune {
            label: "Slow database: queries five times slower for 60 s".to_owned(),
            fault: Fault::SlowDown { node, factor: 5.0 },
            duration_s: Some(60.0),
        });
    }
    if let Some(node) = first(NodeKind::Cache) {
        out.push(Misfortune {
            label: "Flush the cache".to_owned(),
            fault: Fault::CacheFlush { node },
            duration_s: None,
        });
    }
    if let Some(node) = first(NodeKind::AutoscalingGroup).or_else(|| first(NodeKind::Server)) {
        out.push(Misfortune {
            label: "Restart the web servers".to_owned(),
            fault: Fault::Restart { node },
            duration_s: None,
        });
    }
    out
}
