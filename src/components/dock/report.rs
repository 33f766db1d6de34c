//! The report tab: what happened when (an incident timeline in simulated time), failures by cause,
//! a bottleneck finder that names the node and resource limiting throughput, a one-paragraph summary
//! on top, and the design's scheduled faults on a time axis with a form to schedule more.
//!
//! Everything the report says is read from what the run already publishes — the bounded logs and
//! notifications, the latest snapshot, the incidents of the alerts tab — by plain functions with no
//! Leptos in them, so they are tested natively. Scheduled faults are part of the document: adding or
//! removing one goes through [`Command`]s, and the run restarts with the new schedule.

use std::collections::VecDeque;

use engine::design::{Design, Fault, ScheduledFault};
use engine::metrics::{LogLevel, LogLine};
use engine::params::{NodeParams, ServerParams};
use engine::snapshot::Totals;
use engine::{AlertState, Health, NodeKind, Notification, Snapshot};
use leptos::prelude::*;

use super::alerts::{Incident, duration, incidents};
use super::{IncidentResponses, clock};
use crate::editor::Command;
use crate::runner::Runner;
use crate::state::AppState;

/// The most entries the timeline shows (the newest).
const TIMELINE_LIMIT: usize = 60;
/// The most moments kept from the log over a run (the newest).
const KEPT_MOMENTS: usize = 200;
/// Request failures after this long without any count as a new "first error".
const QUIET_S: f64 = 5.0;
/// A resource this full (0..=1) limits throughput.
const SATURATED: f64 = 0.85;
/// A queue growing at least this fast (requests per second) is called growing.
const GROWING: f64 = 1.0;
/// Seconds of history over which queue growth is measured.
const GROWTH_WINDOW: usize = 5;

// ---- The timeline

/// What kind of moment a timeline entry marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mark {
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
}

impl Mark {
    fn icon(self) -> &'static str {
        match self {
            Mark::Fault => "✖",
            Mark::Error => "⚠",
            Mark::Detection => "◎",
            Mark::Alert => "▲",
            Mark::Incident => "⚑",
            Mark::Mitigation => "↻",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Mark::Fault => "report__entry report__entry--fault",
            Mark::Error => "report__entry report__entry--error",
            Mark::Detection => "report__entry report__entry--detection",
            Mark::Alert => "report__entry report__entry--alert",
            Mark::Incident => "report__entry report__entry--incident",
            Mark::Mitigation => "report__entry report__entry--mitigation",
        }
    }
}

/// One moment of the run.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct TimelineEntry {
    /// Simulated time, seconds.
    pub(super) time_s: f64,
    pub(super) mark: Mark,
    pub(super) text: String,
}

/// The timeline's moments read from the log, gathered line by line as the log streams in, so they
/// outlive the runner's bounded log: a kill at 00:10 is still told at 10:00.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct LogMoments {
    /// Oldest first, at most [`KEPT_MOMENTS`] (the newest).
    pub(super) entries: VecDeque<TimelineEntry>,
    /// The last line read, as its sequence number and the bits of its time, to find the new lines.
    last_read: Option<(u64, u64)>,
    last_failure_s: Option<f64>,
    /// The causes already told in the current burst of failures.
    burst_causes: Vec<String>,
}

impl LogMoments {
    /// Reads the lines of `logs` that arrived since the last call; whether a moment was added.
    ///
    /// A line numbered no higher than the last one read starts a new run (a reset, or an edit that
    /// restarted the model), and the moments start again with it.
    pub(super) fn read_new(&mut self, logs: &VecDeque<LogLine>) -> bool {
        if logs.is_empty() {
            let had = !self.entries.is_empty();
            *self = LogMoments::default();
            return had;
        }
        let start = self.last_read.map_or(0, |(sequence, time_bits)| {
            logs.iter()
                .rposition(|line| line.sequence == sequence && line.time_s.to_bits() == time_bits)
                .map_or(0, |index| index + 1)
        });
        let before = self.entries.len();
        let mut restarted = false;
        for line in logs.iter().skip(start) {
            restarted |= self.read(line);
        }
        restarted || self.entries.len() != before
    }

    /// Reads one line; whether it started a new run.
    fn read(&mut self, line: &LogLine) -> bool {
        let restarted = self
            .last_read
            .is_some_and(|(sequence, _)| line.sequence <= sequence);
        if restarted {
            *self = LogMoments::default();
        }
        self.last_read = Some((line.sequence, line.time_s.to_bits()));
        let at = |mark: Mark, text: String| TimelineEntry {
            time_s: line.time_s,
            mark,
            text,
        };
        let on_node = |text: &str| {
            if line.node.is_empty() {
                text.to_owned()
            } else {
                format!("{}: {text}", line.node)
            }
        };
        let message = line.message.as_str();
        if let Some(cause) = message.strip_prefix("request failed: ") {
            // The first failure after a quiet spell, and the first of each new cause within a burst.
            if self
                .last_failure_s
                .is_none_or(|last| line.time_s - last >= QUIET_S)
            {
                self.burst_causes.clear();
            }
            self.last_failure_s = Some(line.time_s);
            if !self.burst_causes.iter().any(|seen| seen == cause) {
                let first = if self.burst_causes.is_empty() {
                    "First errors"
                } else {
                    "Then errors"
                };
                self.burst_causes.push(cause.to_owned());
                self.entries
                    .push_back(at(Mark::Error, format!("{first}: {cause}")));
            }
        } else if let Some(fault) = message.strip_prefix("fault injected: ") {
            self.entries
                .push_back(at(Mark::Fault, format!("Fault injected: {fault}")));
        } else if let Some(fault) = message.strip_prefix("fault healed: ") {
            self.entries
                .push_back(at(Mark::Mitigation, format!("Fault healed: {fault}")));
        } else if message.starts_with("crashed") || message.contains("died") {
            self.entries.push_back(at(Mark::Fault, on_node(message)));
        } else if message.contains("marked unhealthy") {
            self.entries.push_back(at(
                Mark::Detection,
                on_node(&format!("{message}, out of rotation")),
            ));
        } else if message.contains("marked healthy")
            || message.starts_with("restart")
            || message.starts_with("started and accepting")
            || message.starts_with("added backend")
            || message.contains("took over")
            || message.starts_with("scaling out")
            || message.contains("promoted")
        {
            self.entries
                .push_back(at(Mark::Mitigation, on_node(message)));
        } else if line.level == LogLevel::Error && !message.starts_with("alert ") {
            // Other errors the engine thought worth a line of their own (replica lag, say).
            self.entries.push_back(at(Mark::Fault, on_node(message)));
        }
        while self.entries.len() > KEPT_MOMENTS {
            self.entries.pop_front();
        }
        restarted
    }
}

/// The moments of a run, oldest first, at most [`TIMELINE_LIMIT`] (the newest): the log's moments
/// with the alert notifications and the responder's actions on incidents.
pub(super) fn timeline(
    moments: &LogMoments,
    notifications: &VecDeque<Notification>,
    incidents: &[Incident],
) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = moments.entries.iter().cloned().collect();
    for notification in notifications {
        let state = match notification.state {
            AlertState::Pending => "pending",
            AlertState::Firing => "firing",
            AlertState::Resolved => "resolved",
            AlertState::Inactive => continue,
        };
        entries.push(TimelineEntry {
            time_s: notification.time_s,
            mark: Mark::Alert,
            text: format!(
                "Alert “{}” {state} on {} — {}",
                notification.rule, notification.node, notification.message
            ),
        });
    }
    for incident in incidents {
        if let Some(at) = incident.acknowledged_s {
            entries.push(TimelineEntry {
                time_s: at,
                mark: Mark::Incident,
                text: format!(
                    "Incident #{} acknowledged after {}",
                    incident.number,
                    duration(at - incident.opened_s)
                ),
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
                text: format!("Incident #{} resolved{by}", incident.number),
            });
        }
    }
    // Stable: equal times keep the order the sources gave them.
    entries.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    let excess = entries.len().saturating_sub(TIMELINE_LIMIT);
    entries.drain(..excess);
    entries
}

/// Where the latest run's notifications begin in the runner's list, which spans restarts (an edit to
/// the design's shape restarts the model but keeps the list): after the last time going backwards.
pub(super) fn this_run_start(notifications: &VecDeque<Notification>) -> usize {
    (1..notifications.len())
        .rev()
        .find(|&index| notifications[index].time_s < notifications[index - 1].time_s)
        .unwrap_or(0)
}

// ---- Failures by cause

/// One row of failures by cause.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct CauseShare {
    pub(super) cause: String,
    pub(super) count: u64,
    /// Of all requests, 0..=1.
    pub(super) share: f64,
}

/// The run's final failures by cause, most frequent first.
pub(super) fn failures_by_cause(totals: &Totals) -> Vec<CauseShare> {
    let mut rows: Vec<CauseShare> = totals
        .failures
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(cause, count)| CauseShare {
            cause: cause.clone(),
            count: *count,
            share: *count as f64 / totals.requests.max(1) as f64,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cause.cmp(&b.cause)));
    rows
}

// ---- The bottleneck finder

/// A resource that can limit a node's throughput.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Resource {
    /// Busy workers / workers.
    Cpu,
    /// Memory in use / the tier's memory.
    Memory,
    /// Open connections / the connection limit (database pool, load balancer).
    Connections,
    /// Requests waiting / the waiting room (queue capacity, or the pool's waiting limit).
    Queue,
}

impl Resource {
    pub(super) fn label(self) -> &'static str {
        match self {
            Resource::Cpu => "CPU",
            Resource::Memory => "memory",
            Resource::Connections => "connections",
            Resource::Queue => "queue",
        }
    }
}

/// The node and resource limiting throughput, with the evidence.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Bottleneck {
    pub(super) node: String,
    pub(super) resource: Resource,
    /// How full the resource is, 0..=1 (and beyond for a queue over its limit).
    pub(super) pressure: f64,
    /// Responses per second the node manages at this limit.
    pub(super) throughput: f64,
    /// "CPU 98 %, queue 140 of 200 and growing (+12/s); it limits throughput at ~130 req/s".
    pub(super) evidence: String,
}

/// The most saturated resource of any running node, if one is at least [`SATURATED`] full.
///
/// Capacities come from the design (workers, the tier's memory, the database's `max_connections`…);
/// usage from the snapshot's last full second. Nodes that are down or starting are left out: they
/// limit nothing, they fail. Network traffic is shown as evidence but never named: the model gives
/// links latency and loss, not bandwidth, so it cannot limit throughput.
///
/// `queue_growth` holds, for the nodes the caller looked at, how fast the queue grew over the last
/// seconds (requests per second); a growing queue is named as evidence.
pub(super) fn find_bottleneck(
    snapshot: &Snapshot,
    design: &Design,
    queue_growth: &[(String, f64)],
) -> Option<Bottleneck> {
    let mut best: Option<Bottleneck> = None;
    for node in &snapshot.nodes {
        if matches!(node.health, Health::Down | Health::Starting) {
            continue;
        }
        let Some(params) = design
            .nodes
            .iter()
            .find(|candidate| candidate.id == node.id)
            .map(|candidate| &candidate.params)
        else {
            continue;
        };
        let instances = f64::from(node.instances.max(1));
        let growth = queue_growth
            .iter()
            .find(|(id, _)| *id == node.id)
            .map_or(0.0, |(_, growth)| *growth);
        let growing = if growth >= GROWING {
            format!(" and growing (+{growth:.0}/s)")
        } else {
            String::new()
        };
        let mut pressures: Vec<(Resource, f64, String)> = Vec::new();
        let server = |server: &ServerParams, pressures: &mut Vec<(Resource, f64, String)>| {
            let memory = server.tier.memory_mb() * instances;
            let queue = f64::from(server.queue_capacity) * instances;
            pressures.push((Resource::Cpu, node.cpu, percent("CPU", node.cpu)));
            pressures.push((
                Resource::Memory,
                node.memory_mb / memory,
                format!("memory {:.0} of {:.0} MB", node.memory_mb, memory),
            ));
            pressures.push((
                Resource::Queue,
                node.queue / queue.max(1.0),
                format!("queue {:.0} of {:.0}{growing}", node.queue, queue),
            ));
        };
        match params {
            NodeParams::Server(params) | NodeParams::Service(params) => {
                server(params, &mut pressures);
            }
            NodeParams::AutoscalingGroup(group) => server(&group.server, &mut pressures),
            NodeParams::Database(database) => {
                let limit = f64::from(database.max_connections);
                pressures.push((Resource::Cpu, node.cpu, percent("CPU", node.cpu)));
                pressures.push((
                    Resource::Connections,
                    node.connections / limit.max(1.0),
                    format!("connections {:.0} of {:.0}", node.connections, limit),
                ));
                let waiting = f64::from(database.max_waiting);
                pressures.push((
                    Resource::Queue,
                    node.queue / waiting.max(1.0),
                    format!(
                        "{:.0} waiting for a connection of {:.0}{growing}",
                        node.queue, waiting
                    ),
                ));
            }
            NodeParams::Cache(_) => {
                pressures.push((Resource::Cpu, node.cpu, percent("CPU", node.cpu)));
            }
            NodeParams::LoadBalancer(balancer) => {
                let limit = f64::from(balancer.max_connections);
                pressures.push((
                    Resource::Connections,
                    node.connections / limit.max(1.0),
                    format!("connections {:.0} of {:.0}", node.connections, limit),
                ));
            }
            NodeParams::Users(_) | NodeParams::Cdn(_) | NodeParams::Monitoring(_) => {}
        }
        // The fullest resource names the bottleneck; a tie goes to the earlier (CPU before queue:
        // a full queue behind a busy CPU is the CPU's doing).
        let Some(index) = (0..pressures.len()).reduce(|best_index, index| {
            if pressures[index].1 > pressures[best_index].1 {
                index
            } else {
                best_index
            }
        }) else {
            continue;
        };
        let (resource, pressure, _) = pressures[index].clone();
        if !pressure.is_finite() || pressure < SATURATED {
            continue;
        }
        if best.as_ref().is_some_and(|best| best.pressure >= pressure) {
            continue;
        }
        let mut evidence: Vec<String> = vec![pressures[index].2.clone()];
        evidence.extend(
            pressures
                .iter()
                .enumerate()
                .filter(|(other, (resource, value, _))| {
                    *other != index
                        && (*value >= 0.5 || (*resource == Resource::Queue && growth >= GROWING))
                })
                .map(|(_, (_, _, text))| text.clone()),
        );
        if node.network_mbps > 0.0 {
            evidence.push(format!("network {:.0} Mbit/s", node.network_mbps));
        }
        best = Some(Bottleneck {
            node: node.id.clone(),
            resource,
            pressure,
            throughput: node.throughput,
            evidence: format!(
                "{}; it limits throughput at ~{:.0} req/s",
                evidence.join(", "),
                node.throughput
            ),
        });
    }
    best
}

fn percent(label: &str, fraction: f64) -> String {
    format!("{label} {:.0} %", fraction * 100.0)
}

// ---- The summary

/// The paragraph at the top of the report, in plain language.
pub(super) fn summary(
    entries: &[TimelineEntry],
    totals: &Totals,
    bottleneck: Option<&Bottleneck>,
    now_s: f64,
) -> String {
    let mut sentences: Vec<String> = Vec::new();
    let first_fault = entries.iter().position(|entry| entry.mark == Mark::Fault);
    if let Some(index) = first_fault {
        let fault = &entries[index];
        let mut sentence = format!("At {} {}", clock(fault.time_s, false), fault.text);
        let later = &entries[index..];
        let errors = later.iter().find(|entry| entry.mark == Mark::Error);
        let detection = later.iter().find(|entry| entry.mark == Mark::Detection);
        match (errors, detection) {
            (Some(errors), Some(detection)) if detection.time_s >= errors.time_s => {
                sentence.push_str(&format!(
                    "; requests failed ({}) for {} until health checks took it out of rotation",
                    errors.text.trim_start_matches("First errors: "),
                    duration(detection.time_s - fault.time_s)
                ));
            }
            (Some(errors), _) => {
                sentence.push_str(&format!(
                    "; requests then failed ({})",
                    errors.text.trim_start_matches("First errors: ")
                ));
            }
            (None, _) => {}
        }
        sentence.push('.');
        sentences.push(sentence);
    } else if let Some(errors) = entries.iter().find(|entry| entry.mark == Mark::Error) {
        sentences.push(format!(
            "At {} requests began to fail ({}).",
            clock(errors.time_s, false),
            errors.text.trim_start_matches("First errors: ")
        ));
    }
    if let Some(bottleneck) = bottleneck {
        sentences.push(format!(
            "{} on {} is now the bottleneck: {}.",
            capitalised(bottleneck.resource.label()),
            bottleneck.node,
            bottleneck.evidence
        ));
    }
    if totals.requests > 0 {
        sentences.push(format!(
            "In {}, {} of {} requests failed ({:.1} %).",
            duration(now_s),
            totals.failed,
            totals.requests,
            totals.failed as f64 / totals.requests as f64 * 100.0
        ));
    }
    if sentences.is_empty() {
        "Nothing has happened yet: no faults, no failed requests.".to_owned()
    } else {
        sentences.join(" ")
    }
}

fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default()
}

// ---- The fault form's draft

/// The kinds of fault the form offers, with their codes for the `<select>`.
const FAULT_KINDS: [(&str, &str); 8] = [
    ("kill", "Kill a node"),
    ("restart", "Restart a node"),
    ("slow_down", "Slow a node down"),
    ("traffic_spike", "Traffic spike"),
    ("partition", "Partition two nodes"),
    ("cache_flush", "Flush a cache"),
    ("database_primary_crash", "Crash a database primary"),
    ("zone_outage", "Zone outage"),
];

/// The fault being scheduled, as typed: text until it is checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct FaultDraft {
    pub(super) kind: String,
    /// A node id, a zone (zone outage) or empty (every users node, for a traffic spike).
    pub(super) target: String,
    /// The second node of a partition.
    pub(super) other: String,
    pub(super) at: String,
    pub(super) duration: String,
    pub(super) factor: String,
}

/// Why a draft was refused, per field.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct FaultProblems {
    pub(super) target: Option<String>,
    pub(super) other: Option<String>,
    pub(super) at: Option<String>,
    pub(super) duration: Option<String>,
    pub(super) factor: Option<String>,
}

impl FaultDraft {
    fn new() -> FaultDraft {
        FaultDraft {
            kind: "kill".to_owned(),
            at: "30".to_owned(),
            factor: "3".to_owned(),
            ..FaultDraft::default()
        }
    }

    fn needs_factor(&self) -> bool {
        matches!(self.kind.as_str(), "slow_down" | "traffic_spike")
    }

    /// The scheduled fault, or what is wrong with each field. The engine's own validation has the
    /// last word, so the form refuses exactly what a saved design would.
    pub(super) fn check(&self, design: &Design) -> Result<ScheduledFault, FaultProblems> {
        let mut problems = FaultProblems::default();
        let at_s = match seconds(&self.at) {
            Ok(Some(at)) => at,
            Ok(None) => {
                problems.at = Some("enter a time in seconds".to_owned());
                0.0
            }
            Err(message) => {
                problems.at = Some(message);
                0.0
            }
        };
        let duration_s = match seconds(&self.duration) {
            Ok(Some(value)) if value <= 0.0 => {
                problems.duration = Some("must be more than 0 s, or empty".to_owned());
                None
            }
            Ok(value) => value,
            Err(message) => {
                problems.duration = Some(message);
                None
            }
        };
        let factor = if self.needs_factor() {
            match self.factor.trim().parse::<f64>() {
                Ok(value) if value.is_finite() && value > 0.0 => value,
                _ => {
                    problems.factor = Some("enter a factor above 0, like 3".to_owned());
                    1.0
                }
            }
        } else {
            1.0
        };
        let kind_of = |id: &str| {
            design
                .nodes
                .iter()
                .find(|node| node.id == id)
                .map(|node| node.kind())
        };
        let node = |field: &mut Option<String>, id: &str, fits: &[NodeKind]| -> String {
            match kind_of(id) {
                None if id.is_empty() => *field = Some("choose a node".to_owned()),
                None => *field = Some(format!("there is no node “{id}”")),
                Some(kind) if !fits.is_empty() && !fits.contains(&kind) => {
                    *field = Some(format!("{id} is not a {}", kind_names(fits)));
                }
                Some(_) => {}
            }
            id.to_owned()
        };
        let target = self.target.trim();
        let fault = match self.kind.as_str() {
            "kill" => Fault::Kill {
                node: node(&mut problems.target, target, &[]),
            },
            "restart" => Fault::Restart {
                node: node(&mut problems.target, target, &[]),
            },
            "slow_down" => Fault::SlowDown {
                node: node(&mut problems.target, target, &[]),
                factor,
            },
            "traffic_spike" => Fault::TrafficSpike {
                node: (!target.is_empty())
                    .then(|| node(&mut problems.target, target, &[NodeKind::Users])),
                factor,
            },
            "partition" => {
                let a = node(&mut problems.target, target, &[]);
                let b = node(&mut problems.other, self.other.trim(), &[]);
                if problems.other.is_none() && a == b {
                    problems.other = Some("choose a different node".to_owned());
                }
                Fault::Partition { a, b }
            }
            "cache_flush" => Fault::CacheFlush {
                node: node(
                    &mut problems.target,
                    target,
                    &[NodeKind::Cache, NodeKind::Cdn],
                ),
            },
            "database_primary_crash" => Fault::DatabasePrimaryCrash {
                node: node(&mut problems.target, target, &[NodeKind::Database]),
            },
            _ => {
                if !design.nodes.iter().any(|node| node.zone == target) {
                    problems.target = Some(format!("no node is in zone “{target}”"));
                }
                Fault::ZoneOutage {
                    zone: target.to_owned(),
                }
            }
        };
        let scheduled = ScheduledFault {
            at_s,
            duration_s,
            fault,
        };
        if problems == FaultProblems::default() {
            let mut check = design.clone();
            check.faults = vec![scheduled.clone()];
            for problem in check.problems() {
                let Some(field) = problem.path.strip_prefix("faults[0].") else {
                    continue;
                };
                let slot = match field {
                    "at_s" => &mut problems.at,
                    "duration_s" => &mut problems.duration,
                    "fault.factor" => &mut problems.factor,
                    "fault.b" => &mut problems.other,
                    _ => &mut problems.target,
                };
                slot.get_or_insert_with(|| problem.problem.to_string());
            }
        }
        if problems == FaultProblems::default() {
            Ok(scheduled)
        } else {
            Err(problems)
        }
    }
}

/// Seconds as typed: empty is `None`; negative or not a number is refused.
fn seconds(text: &str) -> Result<Option<f64>, String> {
    let text = text.trim().trim_end_matches('s').trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(Some(value)),
        Ok(_) => Err("must be 0 s or more".to_owned()),
        Err(_) => Err(format!("“{text}” is not a number of seconds")),
    }
}

fn kind_names(kinds: &[NodeKind]) -> String {
    kinds
        .iter()
        .map(|kind| format!("{kind:?}").to_lowercase())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// "Kill server-1", "Slow down server-2 ×3"…: a fault in a few words (the engine's own wording, the
/// same its log lines use).
pub(super) fn describe_fault(fault: &Fault) -> String {
    fault.to_string()
}

// ---- Components

/// The report tab's content.
#[component]
pub(super) fn ReportPanel(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let responses = expect_context::<IncidentResponses>().0;
    let moments = RwSignal::new(LogMoments::default());
    // The runner keeps a bounded log; reading each new line as it arrives, whichever tab is open,
    // keeps the moments of a long run. Following a stream is what an effect is for.
    Effect::new(move |_| {
        state.runner.logs.with(|logs| {
            let changed = moments
                .try_update_untracked(|moments| moments.read_new(logs))
                .unwrap_or(false);
            if changed {
                moments.notify();
            }
        });
    });
    // The rest of the report is worked out only while it is shown.
    let entries = Memo::new(move |_| {
        if !visible.get() {
            return Vec::new();
        }
        // Only this run's incidents: the notification list spans restarts.
        let this_run: VecDeque<Notification> = state.runner.notifications.with(|notifications| {
            notifications
                .iter()
                .skip(this_run_start(notifications))
                .cloned()
                .collect()
        });
        let incidents = responses.with(|responses| incidents(&this_run, responses));
        moments.with(|moments| timeline(moments, &this_run, &incidents))
    });
    // Once a second of simulated time is plenty for the numbers (and keeps the text readable).
    let second = Memo::new(move |_| {
        if !visible.get() {
            return -1;
        }
        state.runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map_or(-1, |snapshot| snapshot.time_s as i64)
        })
    });
    let findings = Memo::new(move |_| {
        if second.get() < 0 {
            return None;
        }
        let snapshot = state.runner.snapshot.with_untracked(Clone::clone)?;
        let growth = queue_growth(&snapshot, state.runner);
        let bottleneck = state
            .editor
            .with_untracked(|editor| find_bottleneck(&snapshot, editor.document(), &growth));
        Some((
            snapshot.time_s,
            snapshot.totals.clone(),
            failures_by_cause(&snapshot.totals),
            bottleneck,
        ))
    });
    let summary_text = move || {
        findings.with(|findings| match findings {
            None => "The design cannot run yet, so there is nothing to report.".to_owned(),
            Some((now, totals, _, bottleneck)) => {
                entries.with(|entries| summary(entries, totals, bottleneck.as_ref(), *now))
            }
        })
    };
    let timeline_view = move || {
        entries.with(|entries| {
            if entries.is_empty() {
                return view! { <p class="panel__hint">"Nothing has happened yet. Kill a node or schedule a fault to see the timeline."</p> }.into_any();
            }
            let items = entries
                .iter()
                .map(|entry| {
                    view! {
                        <li class=entry.mark.class()>
                            <time class="report__time">{clock(entry.time_s, true)}</time>
                            <span class="report__icon" aria-hidden="true">{entry.mark.icon()}</span>
                            <span class="report__text">{entry.text.clone()}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="report__timeline" aria-label="Incident timeline">{items}</ol> }.into_any()
        })
    };
    let causes_view = move || {
        findings.with(|findings| {
            let rows = findings.as_ref().map(|(_, _, rows, _)| rows.clone()).unwrap_or_default();
            if rows.is_empty() {
                return view! { <p class="panel__hint">"No request has failed."</p> }.into_any();
            }
            let items = rows
                .into_iter()
                .map(|row| {
                    view! {
                        <li class="report__cause">
                            <span class="report__cause-name">{row.cause}</span>
                            <span class="report__cause-count">{row.count.to_string()}</span>
                            <span class="report__cause-share">{format!("{:.1} % of requests", row.share * 100.0)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="report__causes" aria-label="Failures by cause">{items}</ul> }.into_any()
        })
    };
    let bottleneck_view = move || {
        findings.with(|findings| match findings.as_ref().and_then(|(_, _, _, b)| b.clone()) {
            Some(bottleneck) => view! {
                <p class="report__bottleneck">
                    <strong>{format!("{} on {}", capitalised(bottleneck.resource.label()), bottleneck.node)}</strong>
                    " — "
                    <span>{bottleneck.evidence}</span>
                </p>
            }
            .into_any(),
            None => view! {
                <p class="panel__hint">{format!("No resource is above {:.0} % of its limit: nothing limits throughput now.", SATURATED * 100.0)}</p>
            }
            .into_any(),
        })
    };
    view! {
        <div class="report">
            <p class="report__summary" aria-label="Run summary">{summary_text}</p>
            <div class="report__columns">
                <section class="report__column" aria-label="Timeline">
                    <h3 class="report__heading">"Incident timeline"</h3>
                    {timeline_view}
                </section>
                <section class="report__column" aria-label="Findings">
                    <h3 class="report__heading">"Bottleneck"</h3>
                    <div aria-label="Bottleneck finder" role="group">{bottleneck_view}</div>
                    <h3 class="report__heading">"Failures by cause"</h3>
                    {causes_view}
                </section>
                <section class="report__column" aria-label="Scheduled faults">
                    <h3 class="report__heading">"Scheduled faults"</h3>
                    <FaultSchedule visible=visible />
                </section>
            </div>
        </div>
    }
}

/// How fast the queues of the busier nodes grew over the last [`GROWTH_WINDOW`] seconds, from the
/// engine's per-second series (read only for nodes with a queue or busy workers, to copy little).
fn queue_growth(snapshot: &Snapshot, runner: Runner) -> Vec<(String, f64)> {
    runner
        .with_simulation(|simulation| {
            snapshot
                .nodes
                .iter()
                .filter(|node| node.queue > 0.0 || node.cpu >= 0.5)
                .filter_map(|node| {
                    let series = simulation.series(&node.id);
                    let recent = &series[series.len().saturating_sub(GROWTH_WINDOW + 1)..];
                    let (first, last) = (recent.first()?, recent.last()?);
                    let seconds = last.time_s - first.time_s;
                    (seconds > 0.0).then(|| (node.id.clone(), (last.queue - first.queue) / seconds))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The design's scheduled faults on a time axis with the current time, and the form to add one.
#[component]
fn FaultSchedule(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let faults = Memo::new(move |_| state.editor.with(|editor| editor.document().faults.clone()));
    let now = Memo::new(move |_| {
        if !visible.get() {
            return 0.0;
        }
        state.runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map_or(0.0, |snapshot| snapshot.time_s.floor())
        })
    });
    // The axis spans the current time and every fault's end, with a little room, at least a minute.
    let span = move || {
        let last = faults.with(|faults| {
            faults
                .iter()
                .map(|fault| fault.at_s + fault.duration_s.unwrap_or(10.0))
                .fold(0.0, f64::max)
        });
        (last.max(now.get()) * 1.1).max(60.0)
    };
    let axis = move || {
        let span = span();
        let bars = faults.with(|faults| {
            faults
                .iter()
                .map(|fault| {
                    let left = fault.at_s / span * 100.0;
                    let width = fault
                        .duration_s
                        .map_or(1.0, |d| (d / span * 100.0).max(1.0));
                    let label = describe_fault(&fault.fault);
                    let title = format!("{label} at {}", clock(fault.at_s, false));
                    view! {
                        <div
                            class="report__fault-bar"
                            style=format!("left:{left:.2}%;width:{width:.2}%")
                            title=title
                        >
                            <span class="report__fault-label">{label}</span>
                        </div>
                    }
                })
                .collect_view()
        });
        let marker = now.get() / span * 100.0;
        view! {
            <div class="report__axis" role="img" aria-label=format!("Fault schedule over {}; now at {}", clock(span, false), clock(now.get(), false))>
                {bars}
                <div class="report__now" style=format!("left:{marker:.2}%")></div>
            </div>
            <div class="report__axis-ticks" aria-hidden="true">
                <span>"00:00"</span>
                <span>{clock(span / 2.0, false)}</span>
                <span>{clock(span, false)}</span>
            </div>
        }
    };
    let list = move || {
        faults.with(|faults| {
            if faults.is_empty() {
                return view! { <p class="panel__hint">"No faults scheduled."</p> }.into_any();
            }
            let items = faults
                .iter()
                .enumerate()
                .map(|(index, fault)| {
                    let label = describe_fault(&fault.fault);
                    let when = match fault.duration_s {
                        Some(d) => format!("at {} for {}", clock(fault.at_s, false), duration(d)),
                        None => format!("at {}", clock(fault.at_s, false)),
                    };
                    let remove = move |_| {
                        // The list re-renders on this very edit, so a disposed signal must not panic.
                        if state.editor.try_get_untracked().is_some() {
                            let _ = state.execute(&Command::RemoveFault { index });
                        }
                    };
                    view! {
                        <li class="report__fault">
                            <span>{format!("{label} {when}")}</span>
                            <button
                                class="button button--small"
                                type="button"
                                aria-label=format!("Remove fault: {label} {when}")
                                on:click=remove
                            >
                                "Remove"
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="report__faults" aria-label="Scheduled fault list">{items}</ol> }
                .into_any()
        })
    };
    view! {
        <div class="report__schedule">
            {axis}
            {list}
            <FaultForm />
        </div>
    }
}

/// The form that schedules a fault.
#[component]
fn FaultForm() -> impl IntoView {
    let state = AppState::get();
    let draft = RwSignal::new(FaultDraft::new());
    let problems = RwSignal::new(FaultProblems::default());
    let targets = Memo::new(move |_| {
        let kind = draft.with(|draft| draft.kind.clone());
        state.editor.with(|editor| {
            let design = editor.document();
            if kind == "zone_outage" {
                let mut zones: Vec<String> =
                    design.nodes.iter().map(|node| node.zone.clone()).collect();
                zones.sort();
                zones.dedup();
                return zones
                    .into_iter()
                    .map(|zone| (zone.clone(), zone))
                    .collect::<Vec<_>>();
            }
            let fits = |node_kind: NodeKind| match kind.as_str() {
                "traffic_spike" => node_kind == NodeKind::Users,
                "cache_flush" => matches!(node_kind, NodeKind::Cache | NodeKind::Cdn),
                "database_primary_crash" => node_kind == NodeKind::Database,
                _ => true,
            };
            let mut options: Vec<(String, String)> = Vec::new();
            if kind == "traffic_spike" {
                options.push((String::new(), "every users node".to_owned()));
            }
            options.extend(
                design
                    .nodes
                    .iter()
                    .filter(|node| fits(node.kind()))
                    .map(|node| (node.id.clone(), node.id.clone())),
            );
            options
        })
    });
    // Keep the chosen target one the list offers.
    Effect::new(move |_| {
        targets.with(|targets| {
            let target = draft.with_untracked(|draft| draft.target.clone());
            if !targets.iter().any(|(value, _)| *value == target) {
                let first = targets
                    .first()
                    .map(|(value, _)| value.clone())
                    .unwrap_or_default();
                draft.update(|draft| draft.target = first);
            }
        });
    });
    let set = move |field: fn(&mut FaultDraft, String)| {
        move |event: web_sys::Event| {
            let value = event_target_value(&event);
            draft.try_update(|draft| field(draft, value));
        }
    };
    // The running model follows the schedule at once; a time it has already passed waits for Reset.
    let passed = Memo::new(move |_| {
        let at = draft.with(|draft| seconds(&draft.at).ok().flatten())?;
        let now = state
            .runner
            .snapshot
            .with(|snapshot| snapshot.as_ref().map_or(0.0, |snapshot| snapshot.time_s));
        (at < now).then_some(at)
    });
    let hint = move || {
        match passed.get() {
        Some(at) => format!(
            "The run is past {}: a fault scheduled then happens from the next Reset. For a fault now, use the chaos controls of the node or link.",
            clock(at, false)
        ),
        None => "Scheduled faults are part of the design; the running model picks up the schedule at once.".to_owned(),
    }
    };
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(current) = draft.try_get_untracked() else {
            return;
        };
        let Some(checked) = state
            .editor
            .try_with_untracked(|editor| current.check(editor.document()))
        else {
            return;
        };
        match checked {
            Ok(fault) => {
                if state.execute(&Command::AddFault(fault)).is_ok() {
                    problems.try_set(FaultProblems::default());
                }
            }
            Err(found) => {
                problems.try_set(found);
            }
        }
    };
    let problem = move |read: fn(&FaultProblems) -> Option<String>, id: &'static str| {
        move || {
            problems.with(read).map(|message| {
                view! { <span class="report__problem" id=id role="alert">{message}</span> }
            })
        }
    };
    let invalid = move |read: fn(&FaultProblems) -> Option<String>| {
        move || problems.with(read).is_some().to_string()
    };
    let kinds = FAULT_KINDS
        .iter()
        .map(|(code, label)| view! { <option value=*code>{*label}</option> })
        .collect_view();
    let target_options = move || {
        let chosen = draft.with(|draft| draft.target.clone());
        targets.with(|targets| {
            targets
                .iter()
                .map(|(value, label)| {
                    view! { <option value=value.clone() selected=*value == chosen>{label.clone()}</option> }
                })
                .collect_view()
        })
    };
    let other_options = move || {
        let chosen = draft.with(|draft| draft.other.clone());
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .map(|node| {
                    let id = node.id.clone();
                    view! { <option value=id.clone() selected=id == chosen>{id.clone()}</option> }
                })
                .collect_view()
        })
    };
    let is_partition = move || draft.with(|draft| draft.kind == "partition");
    let needs_factor = move || draft.with(FaultDraft::needs_factor);
    view! {
        <form class="report__form" aria-label="Schedule a fault" on:submit=submit novalidate=true>
            <label class="report__field">
                <span>"Fault"</span>
                <select
                    on:change=set(|draft, value| draft.kind = value)
                    prop:value=move || draft.with(|draft| draft.kind.clone())
                >
                    {kinds}
                </select>
            </label>
            <label class="report__field">
                <span>{move || if draft.with(|d| d.kind == "zone_outage") { "Zone" } else { "Node" }}</span>
                <select
                    on:change=set(|draft, value| draft.target = value)
                    aria-invalid=invalid(|p| p.target.clone())
                    aria-describedby="fault-target-problem"
                >
                    {target_options}
                </select>
                {problem(|p| p.target.clone(), "fault-target-problem")}
            </label>
            <Show when=is_partition>
                <label class="report__field">
                    <span>"and node"</span>
                    <select
                        on:change=set(|draft, value| draft.other = value)
                        aria-invalid=invalid(|p| p.other.clone())
                        aria-describedby="fault-other-problem"
                    >
                        <option value="">"choose…"</option>
                        {other_options}
                    </select>
                    {problem(|p| p.other.clone(), "fault-other-problem")}
                </label>
            </Show>
            <label class="report__field report__field--narrow">
                <span>"At (s)"</span>
                <input
                    type="text"
                    inputmode="decimal"
                    prop:value=move || draft.with(|draft| draft.at.clone())
                    on:input=set(|draft, value| draft.at = value)
                    aria-invalid=invalid(|p| p.at.clone())
                    aria-describedby="fault-at-problem"
                />
                {problem(|p| p.at.clone(), "fault-at-problem")}
            </label>
            <label class="report__field report__field--narrow">
                <span>"For (s, optional)"</span>
                <input
                    type="text"
                    inputmode="decimal"
                    prop:value=move || draft.with(|draft| draft.duration.clone())
                    on:input=set(|draft, value| draft.duration = value)
                    aria-invalid=invalid(|p| p.duration.clone())
                    aria-describedby="fault-duration-problem"
                />
                {problem(|p| p.duration.clone(), "fault-duration-problem")}
            </label>
            <Show when=needs_factor>
                <label class="report__field report__field--narrow">
                    <span>"Factor (×)"</span>
                    <input
                        type="text"
                        inputmode="decimal"
                        prop:value=move || draft.with(|draft| draft.factor.clone())
                        on:input=set(|draft, value| draft.factor = value)
                        aria-invalid=invalid(|p| p.factor.clone())
                        aria-describedby="fault-factor-problem"
                    />
                    {problem(|p| p.factor.clone(), "fault-factor-problem")}
                </label>
            </Show>
            <button class="button" type="submit">"Schedule fault"</button>
            <p class="report__hint">{hint}</p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use engine::Node;
    use engine::snapshot::NodeSnapshot;

    use super::*;

    /// A log line; sequence numbers follow the time, as in one run.
    fn line(time_s: f64, level: LogLevel, node: &str, message: &str) -> LogLine {
        let sequence = (time_s * 1000.0) as u64;
        crate::components::dock::test_log_line(sequence, time_s, level, node, message)
    }

    fn design() -> Design {
        Design {
            version: engine::design::CURRENT_VERSION,
            name: String::new(),
            seed: 1,
            nodes: vec![
                Node::new("users", NodeKind::Users, 0.0, 0.0),
                Node::new("lb", NodeKind::LoadBalancer, 0.0, 0.0),
                Node::new("server-1", NodeKind::Server, 0.0, 0.0),
                Node::new("server-2", NodeKind::Server, 0.0, 0.0),
                Node::new("db", NodeKind::Database, 0.0, 0.0),
            ],
            links: Vec::new(),
            alert_rules: Vec::new(),
            faults: Vec::new(),
        }
    }

    fn node(id: &str, kind: NodeKind) -> NodeSnapshot {
        NodeSnapshot {
            id: id.to_owned(),
            kind,
            health: Health::Up,
            instances: 1,
            throughput: 0.0,
            error_rate: 0.0,
            p50_ms: 0.0,
            p95_ms: 0.0,
            p99_ms: 0.0,
            mean_ms: 0.0,
            cpu: 0.0,
            memory_mb: 0.0,
            queue: 0.0,
            connections: 0.0,
            hit_ratio: 0.0,
            arrivals: 0,
            completed: 0,
            failed: 0,
            errors_by_cause: Vec::new(),
            by_request_type: Vec::new(),
            cost_per_hour: 0.0,
            network_mbps: 0.0,
            replication_lag_ms: None,
            healthy_backends: None,
            backends: Vec::new(),
            explanation: None,
        }
    }

    fn snapshot(nodes: Vec<NodeSnapshot>) -> Snapshot {
        Snapshot {
            nodes,
            ..Snapshot::default()
        }
    }

    /// The bottleneck as "node resource", or "none".
    fn check_bottleneck(nodes: Vec<NodeSnapshot>, expected: &str) {
        let found = find_bottleneck(&snapshot(nodes), &design(), &[]);
        let actual = found.map_or("none".to_owned(), |found| {
            format!("{} {}", found.node, found.resource.label())
        });
        assert_eq!(actual, expected);
    }

    #[test]
    fn a_busy_server_is_named_by_its_cpu_with_the_evidence() {
        let mut busy = node("server-2", NodeKind::Server);
        busy.cpu = 0.98;
        busy.queue = 140.0;
        busy.throughput = 130.0;
        let mut calm = node("server-1", NodeKind::Server);
        calm.cpu = 0.4;
        let growth = [("server-2".to_owned(), 12.0)];
        let found =
            find_bottleneck(&snapshot(vec![calm, busy]), &design(), &growth).expect("a bottleneck");
        assert_eq!(found.resource, Resource::Cpu);
        assert_eq!(
            format!("{}: {}", found.node, found.evidence),
            "server-2: CPU 98 %, queue 140 of 200 and growing (+12/s); it limits throughput at ~130 req/s"
        );
    }

    #[test]
    fn the_fullest_resource_wins_and_calm_or_dead_nodes_limit_nothing() {
        check_bottleneck(vec![node("server-1", NodeKind::Server)], "none");
        let mut dead = node("server-1", NodeKind::Server);
        dead.cpu = 1.0;
        dead.health = Health::Down;
        check_bottleneck(vec![dead], "none");

        let mut pool = node("db", NodeKind::Database);
        pool.connections = 100.0;
        pool.cpu = 0.6;
        let mut server = node("server-1", NodeKind::Server);
        server.cpu = 0.9;
        check_bottleneck(vec![server.clone(), pool], "db connections");

        let mut memory = node("server-2", NodeKind::Server);
        memory.memory_mb = 4_000.0;
        check_bottleneck(vec![server, memory], "server-2 memory");

        let mut balancer = node("lb", NodeKind::LoadBalancer);
        balancer.connections = 10_000.0;
        check_bottleneck(vec![balancer], "lb connections");
    }

    #[test]
    fn the_timeline_tells_a_kill_its_first_errors_and_the_failover() {
        let logs: VecDeque<LogLine> = [
            line(1.0, LogLevel::Info, "users", "Read ok in 12.0 ms"),
            line(42.0, LogLevel::Error, "server-1", "crashed: killed"),
            line(
                42.1,
                LogLevel::Error,
                "lb",
                "request failed: backend down at server-1",
            ),
            line(
                42.2,
                LogLevel::Error,
                "lb",
                "request failed: backend down at server-1",
            ),
            line(
                44.0,
                LogLevel::Warn,
                "lb",
                "server-1 failed health check 1/3",
            ),
            line(
                48.1,
                LogLevel::Error,
                "lb",
                "server-1 failed health check 3/3 — marked unhealthy",
            ),
            line(
                60.0,
                LogLevel::Error,
                "users",
                "request failed: timeout at server-2",
            ),
            line(
                70.0,
                LogLevel::Warn,
                "",
                "fault injected: Slow down server-2 ×3",
            ),
        ]
        .into_iter()
        .collect();
        // The log streams in a few lines at a time and the runner drops its oldest lines; the
        // moments read on the way survive both.
        let mut moments = LogMoments::default();
        let mut stream: VecDeque<LogLine> = VecDeque::new();
        for line in logs {
            stream.push_back(line);
            if stream.len() > 2 {
                stream.pop_front();
            }
            moments.read_new(&stream);
        }
        let entries = timeline(&moments, &VecDeque::new(), &[]);
        // A restarted run (sequence numbers start again) tells only its own story.
        stream.push_back(LogLine {
            sequence: 0,
            ..line(1.0, LogLevel::Error, "server-3", "crashed: killed")
        });
        assert!(moments.read_new(&stream));
        let told_again: Vec<String> = timeline(&moments, &VecDeque::new(), &[])
            .iter()
            .map(|entry| entry.text.clone())
            .collect();
        assert_eq!(told_again, ["server-3: crashed: killed"]);
        // Nothing new, nothing changes.
        assert!(!moments.read_new(&stream));
        let told: Vec<String> = entries
            .iter()
            .map(|entry| {
                format!(
                    "{} {:?} {}",
                    clock(entry.time_s, true),
                    entry.mark,
                    entry.text
                )
            })
            .collect();
        assert_eq!(
            told,
            [
                "00:42.0 Fault server-1: crashed: killed",
                "00:42.1 Error First errors: backend down at server-1",
                "00:48.1 Detection lb: server-1 failed health check 3/3 — marked unhealthy, out of rotation",
                "01:00.0 Error First errors: timeout at server-2",
                "01:10.0 Fault Fault injected: Slow down server-2 ×3",
            ]
        );
        let totals = Totals {
            requests: 1000,
            failed: 50,
            ..Totals::default()
        };
        assert_eq!(
            summary(&entries, &totals, None, 80.0),
            "At 00:42 server-1: crashed: killed; requests failed (backend down at server-1) for 6.1 s \
             until health checks took it out of rotation. In 1 min 20 s, 50 of 1000 requests failed (5.0 %)."
        );
    }

    #[test]
    fn failures_by_cause_are_shares_of_all_requests_most_frequent_first() {
        let totals = Totals {
            requests: 1000,
            failures: vec![
                ("timeout at server-2".to_owned(), 90),
                ("backend down at server-1".to_owned(), 412),
            ],
            ..Totals::default()
        };
        let rows: Vec<String> = failures_by_cause(&totals)
            .iter()
            .map(|row| format!("{} {} {:.3}", row.cause, row.count, row.share))
            .collect();
        assert_eq!(
            rows,
            [
                "backend down at server-1 412 0.412",
                "timeout at server-2 90 0.090"
            ]
        );
    }

    fn check_draft(draft: &FaultDraft, expected: Result<&str, FaultProblems>) {
        let checked = draft.check(&design());
        match expected {
            Ok(text) => {
                let fault = checked.expect("accepted");
                let when = format!("{} {:?}", fault.at_s, fault.duration_s);
                assert_eq!(format!("{} {when}", describe_fault(&fault.fault)), text);
            }
            Err(problems) => assert_eq!(checked.expect_err("refused"), problems),
        }
    }

    #[test]
    fn the_fault_form_schedules_good_faults_and_names_each_bad_field() {
        let draft = |kind: &str, target: &str, at: &str, duration: &str, factor: &str| FaultDraft {
            kind: kind.to_owned(),
            target: target.to_owned(),
            other: String::new(),
            at: at.to_owned(),
            duration: duration.to_owned(),
            factor: factor.to_owned(),
        };
        check_draft(
            &draft("kill", "server-1", "30", "", ""),
            Ok("Kill server-1 30 None"),
        );
        check_draft(
            &draft("slow_down", "server-2", "12.5 s", "20", "3"),
            Ok("Slow down server-2 ×3 12.5 Some(20.0)"),
        );
        check_draft(
            &draft("traffic_spike", "", "0", "", "5"),
            Ok("Traffic ×5 from every users node 0 None"),
        );
        check_draft(
            &draft("kill", "", "-1", "0", ""),
            Err(FaultProblems {
                target: Some("choose a node".to_owned()),
                at: Some("must be 0 s or more".to_owned()),
                duration: Some("must be more than 0 s, or empty".to_owned()),
                ..FaultProblems::default()
            }),
        );
        check_draft(
            &draft("slow_down", "server-1", "soon", "", "zero"),
            Err(FaultProblems {
                at: Some("“soon” is not a number of seconds".to_owned()),
                factor: Some("enter a factor above 0, like 3".to_owned()),
                ..FaultProblems::default()
            }),
        );
        check_draft(
            &draft("cache_flush", "db", "5", "", ""),
            Err(FaultProblems {
                target: Some("db is not a cache or cdn".to_owned()),
                ..FaultProblems::default()
            }),
        );
        // The engine's range check has the last word: a slow-down factor above 1000 is refused.
        let refused = draft("slow_down", "server-1", "5", "", "5000").check(&design());
        assert!(refused.expect_err("refused").factor.is_some());
    }
}
