//! The report's incident timeline: what happened when, in simulated time. The log's moments (faults,
//! first errors, detections, mitigations) are gathered line by line as the log streams in, so they
//! outlive the runner's bounded log; the alert notifications and the responder's actions on
//! incidents are merged in when the timeline is shown.
//!
//! A line's meaning is its typed [`RunEvent`], never its wording: the engine may reword a message
//! and the timeline still tells the same story (its text shows the message as written).

use std::collections::VecDeque;

use engine::design::Fault;
use engine::metrics::LogLine;
use engine::run_event::RunEvent;
use engine::{AlertState, Notification};

use super::format::duration;
use super::incidents::Incident;
use super::logs::LogCursor;

/// The most entries the timeline shows (the newest).
pub const TIMELINE_LIMIT: usize = 60;
/// The most moments kept from the log over a run (the newest).
const KEPT_MOMENTS: usize = 200;
/// Request failures after this long without any count as a new "first error".
const QUIET_S: f64 = 5.0;

/// What kind of moment a timeline entry marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A fault injected, a node crashed or died.
    Fault,
    /// The first failed requests after a quiet period.
    Error,
    /// Health checks or an alert noticed something.
    Detection,
    /// An alert went pending, fired or resolved.
    Alert,
    /// A responder acknowledged or resolved an incident.
    Incident,
    /// Something put capacity back: a restart, a new server, a fault healed, a backend healthy again.
    Mitigation,
    /// Traffic went back from a release to the version before it.
    Rollback,
    /// A release reached production: its deploy started, it took a share of the traffic, it was
    /// promoted to all of it. A change is the usual suspect of an incident, so each is told.
    Deploy,
}

impl Mark {
    /// The sign beside the entry.
    pub fn icon(self) -> &'static str {
        match self {
            Mark::Fault => "✖",
            Mark::Error => "⚠",
            Mark::Detection => "◎",
            Mark::Alert => "▲",
            Mark::Incident => "⚑",
            Mark::Mitigation => "↻",
            Mark::Rollback => "↶",
            Mark::Deploy => "⤴",
        }
    }
}

/// One moment of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEntry {
    /// Simulated time, seconds.
    pub time_s: f64,
    pub mark: Mark,
    /// The node the moment is about (a health check's backend, not the load balancer that logged
    /// it), or empty for run-wide moments. Read from the typed event, never from the text.
    pub about: String,
    pub text: String,
    /// The fault, for a "fault injected" moment: which nodes it touches decides which failures it
    /// caused (see `findings::summary`).
    pub fault: Option<Fault>,
}

/// The timeline's moments read from the log, gathered line by line as the log streams in, so they
/// outlive the runner's bounded log: a kill at 00:10 is still told at 10:00.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogMoments {
    /// Oldest first, at most [`KEPT_MOMENTS`] (the newest).
    pub entries: VecDeque<TimelineEntry>,
    /// The last line read, to find the new lines.
    cursor: LogCursor,
    last_failure_s: Option<f64>,
    /// The causes already told in the current burst of failures.
    burst_causes: Vec<String>,
}

impl LogMoments {
    /// Reads the lines of `logs` that arrived since the last call; whether a moment was added.
    ///
    /// A line numbered no higher than the last one read starts a new run (a reset, or an edit that
    /// restarted the model), and the moments start again with it.
    pub fn read_new(&mut self, logs: &VecDeque<LogLine>) -> bool {
        if logs.is_empty() {
            let had = !self.entries.is_empty();
            *self = LogMoments::default();
            return had;
        }
        let start = self.cursor.unread_from(logs);
        let before = self.entries.len();
        let mut restarted = false;
        for line in logs.iter().skip(start) {
            restarted |= self.read(line);
        }
        restarted || self.entries.len() != before
    }

    /// Reads one line; whether it started a new run.
    fn read(&mut self, line: &LogLine) -> bool {
        let restarted = self.cursor.read(line);
        if restarted {
            *self = LogMoments {
                cursor: self.cursor,
                ..LogMoments::default()
            };
        }
        let fault = match &line.event {
            Some(RunEvent::FaultInjected { fault }) => Some(fault.clone()),
            _ => None,
        };
        let at = |mark: Mark, about: &str, text: String| TimelineEntry {
            time_s: line.time_s,
            mark,
            about: about.to_owned(),
            text,
            fault,
        };
        let on_node = |text: &str| {
            if line.node.is_empty() {
                text.to_owned()
            } else {
                format!("{}: {text}", line.node)
            }
        };
        // The engine's typed event says what happened; the message is only shown, never read.
        let Some(event) = &line.event else {
            return restarted;
        };
        let Some(mark) = mark_of(event) else {
            return restarted;
        };
        let message = line.message.as_str();
        let text = match event {
            RunEvent::RequestFailed { failure, .. } => {
                self.failure(line.time_s, failure.describe())
            }
            RunEvent::FaultInjected { fault } => Some(format!("Fault injected: {fault}")),
            RunEvent::FaultHealed { fault } => Some(format!("Fault healed: {fault}")),
            RunEvent::MarkedUnhealthy { .. } => {
                Some(on_node(&format!("{message}, out of rotation")))
            }
            _ => Some(on_node(message)),
        };
        let about = match event {
            RunEvent::RequestFailed { failure, .. } => failure.node.as_str(),
            RunEvent::MarkedUnhealthy { backend, .. }
            | RunEvent::MarkedHealthy { backend, .. }
            | RunEvent::BackendAdded { backend }
            | RunEvent::DeregistrationCutOff { backend, .. } => backend.as_str(),
            _ => line.node.as_str(),
        };
        // A rollout that ends moves all traffic and says it is promoted in the same instant: one
        // moment, in the promotion's words.
        let retold = matches!(event, RunEvent::Promoted { .. })
            && self.entries.back().is_some_and(|last| {
                last.mark == Mark::Deploy && last.about == about && last.time_s == line.time_s
            });
        if retold {
            self.entries.pop_back();
        }
        if let Some(text) = text {
            self.entries.push_back(at(mark, about, text));
        }
        while self.entries.len() > KEPT_MOMENTS {
            self.entries.pop_front();
        }
        restarted
    }
}

impl LogMoments {
    /// A failed request: told for the first failure after a quiet spell, and for the first of each
    /// new cause within a burst ("First errors: …", then "Then errors: …").
    fn failure(&mut self, time_s: f64, cause: String) -> Option<String> {
        if self
            .last_failure_s
            .is_none_or(|last| time_s - last >= QUIET_S)
        {
            self.burst_causes.clear();
        }
        self.last_failure_s = Some(time_s);
        if self.burst_causes.contains(&cause) {
            return None;
        }
        let first = if self.burst_causes.is_empty() {
            "First errors"
        } else {
            "Then errors"
        };
        let text = format!("{first}: {cause}");
        self.burst_causes.push(cause);
        Some(text)
    }
}

/// The mark an event gets on the timeline; `None` for the routine ones, which it leaves out. Every
/// event is named, so a new kind of event must be placed here.
pub fn mark_of(event: &RunEvent) -> Option<Mark> {
    match event {
        RunEvent::Crashed { .. }
        | RunEvent::ActiveLoadBalancerDied { .. }
        | RunEvent::PrimaryCrashed
        | RunEvent::Errored { .. }
        | RunEvent::NoReplicaToPromote
        | RunEvent::LogBufferFull { .. }
        | RunEvent::FaultInjected { .. } => Some(Mark::Fault),
        RunEvent::RequestFailed { .. } | RunEvent::DeregistrationCutOff { .. } => Some(Mark::Error),
        RunEvent::MarkedUnhealthy { .. }
        | RunEvent::PassivelySkipped { .. }
        | RunEvent::NotReady
        | RunEvent::RolloutStalled { .. } => Some(Mark::Detection),
        // A failed canary check is the analysis noticing the bad release; a passed one is routine.
        RunEvent::CanaryCheck { passed, .. } => (!passed).then_some(Mark::Detection),
        RunEvent::DeployStarted { .. } | RunEvent::Promoted { .. } => Some(Mark::Deploy),
        // Traffic moving to a release is a deploy; moving away from it is told by the rollback.
        RunEvent::TrafficShifted { share, .. } => (*share > 0.0).then_some(Mark::Deploy),
        RunEvent::MarkedHealthy { .. }
        | RunEvent::Restarted
        | RunEvent::Restarting { .. }
        | RunEvent::Started
        | RunEvent::BackendAdded { .. }
        | RunEvent::StandbyTookOver
        | RunEvent::ScaledOut { .. }
        | RunEvent::ReplicaPromoted { .. }
        | RunEvent::FaultHealed { .. } => Some(Mark::Mitigation),
        RunEvent::RolledBack { .. } => Some(Mark::Rollback),
        // Alerts reach the timeline through the notifications; the rest is routine.
        RunEvent::HealthCheckFailed { .. }
        | RunEvent::CacheFlushed
        | RunEvent::CacheStoreRefused { .. }
        | RunEvent::ScaledIn { .. }
        | RunEvent::InstanceTerminated { .. }
        | RunEvent::MinimumRaised { .. }
        | RunEvent::MaximumLowered { .. }
        | RunEvent::StandbyAdded { .. }
        | RunEvent::AlertFired { .. }
        | RunEvent::AlertResolved { .. }
        | RunEvent::FaultSkipped { .. }
        | RunEvent::DesignEdited { .. }
        // The pipeline's way to production: told by the deploy it leads to; a failed stage is
        // told by the Slack notification the pipeline sends.
        | RunEvent::PipelineFailed { .. }
        | RunEvent::ReleaseCommitted { .. }
        | RunEvent::StageChanged { .. }
        | RunEvent::AwaitingApproval { .. }
        | RunEvent::RolloutBatch { .. } => None,
    }
}

/// The moments of a run, oldest first, at most [`TIMELINE_LIMIT`] (the newest): the log's moments
/// with the alert notifications and the responder's actions on incidents.
pub fn timeline(
    moments: &LogMoments,
    notifications: &VecDeque<Notification>,
    incidents: &[Incident],
) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = moments.entries.iter().cloned().collect();
    // A rule on every node reports the worst node at each evaluation, which can change while it
    // fires: an alert resolves on the node it fired on, so the timeline never seems to move it.
    let mut fired_on: Vec<(&str, &str)> = Vec::new();
    for notification in notifications {
        let state = match notification.state {
            AlertState::Pending => "pending",
            AlertState::Firing => "firing",
            AlertState::Resolved => "resolved",
            AlertState::Inactive => continue,
        };
        let rule = notification.rule.as_str();
        let node = match notification.state {
            AlertState::Resolved => fired_on
                .iter()
                .rev()
                .find(|(fired, _)| *fired == rule)
                .map_or(notification.node.as_str(), |(_, node)| *node),
            _ => notification.node.as_str(),
        };
        if notification.state == AlertState::Firing {
            fired_on.push((rule, notification.node.as_str()));
        }
        entries.push(TimelineEntry {
            time_s: notification.time_s,
            mark: Mark::Alert,
            about: node.to_owned(),
            text: format!(
                "Alert “{}” {state} on {node} — {}",
                notification.rule, notification.message
            ),
            fault: None,
        });
    }
    for incident in incidents {
        for (index, at) in incident.escalations.iter().enumerate() {
            entries.push(TimelineEntry {
                time_s: *at,
                mark: Mark::Incident,
                about: incident.node.clone(),
                text: format!(
                    "Incident #{} escalated to level {} (not acknowledged after {})",
                    incident.number,
                    index + 2,
                    duration(at - incident.opened_s)
                ),
                fault: None,
            });
        }
        if let Some(at) = incident.acknowledged_s {
            entries.push(TimelineEntry {
                time_s: at,
                mark: Mark::Incident,
                about: incident.node.clone(),
                text: format!(
                    "Incident #{} acknowledged after {}",
                    incident.number,
                    duration(at - incident.opened_s)
                ),
                fault: None,
            });
        }
        if let Some(at) = incident.resolved_s {
            let by = if incident.resolved_by_alert {
                " (the alert cleared)"
            } else {
                " by the responder"
            };
            entries.push(TimelineEntry {
                time_s: at,
                mark: Mark::Incident,
                about: incident.node.clone(),
                text: format!("Incident #{} resolved{by}", incident.number),
                fault: None,
            });
        }
    }
    // Stable: equal times keep the order the sources gave them.
    entries.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    let excess = entries.len().saturating_sub(TIMELINE_LIMIT);
    entries.drain(..excess);
    entries
}
