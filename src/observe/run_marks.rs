//! Time travel's decisions: the marks on the run's scrubber (faults, alerts fired and resolved,
//! acknowledgements, edits, commands, bookmarks), what the scrubber's keys do, and the words for a
//! recorded action. The run's file is the source of truth: the responder's actions are entries of
//! its timeline, so a seek, a fork or an opened run shows exactly the acknowledgements made before
//! the instant in view.

use std::collections::{HashMap, VecDeque};

use engine::incident::IncidentStep;
use engine::metrics::LogLine;
use engine::{AlertState, LiveCommand, Notification, RunAction, RunEntry, RunEvent};

use super::format::clock;
use super::incidents::{IncidentKey, Response, acknowledge, incidents, resolve};

/// What a mark on the scrubber stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// Something broke: a fault injected or scheduled, a crash.
    Fault,
    /// An alert fired.
    AlertFired,
    /// An alert resolved.
    AlertResolved,
    /// The responder acknowledged or resolved an incident.
    Response,
    /// The design was edited while running.
    Edit,
    /// A live command (kill, restart, add a server, scale up, new parameters…).
    Command,
    /// A bookmark with a note.
    Bookmark,
    /// A release deployed, promoted or rolled back (a commit by hand is a [`MarkKind::Command`]).
    Release,
}

impl MarkKind {
    /// The CSS modifier of the mark.
    pub fn class(self) -> &'static str {
        match self {
            MarkKind::Fault => "fault",
            MarkKind::AlertFired => "alert",
            MarkKind::AlertResolved => "resolved",
            MarkKind::Response => "response",
            MarkKind::Edit => "edit",
            MarkKind::Command => "command",
            MarkKind::Bookmark => "bookmark",
            MarkKind::Release => "release",
        }
    }
}

/// One mark: when, what, and its words (the mark's tooltip and accessible name).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub time_s: f64,
    pub kind: MarkKind,
    pub label: String,
}

/// The words for a live command, as a mark and the run's timeline say it.
pub fn command_label(command: &LiveCommand) -> String {
    match command {
        LiveCommand::SetParams { node, .. } => format!("New settings for {node}"),
        LiveCommand::Kill { node } => format!("Killed {node}"),
        LiveCommand::Restart { node } => format!("Restarted {node}"),
        LiveCommand::AddServer { node } => format!("Added a server to {node}"),
        LiveCommand::Inject { fault, duration_s } => match duration_s {
            Some(seconds) => format!("Injected: {fault} for {}", super::duration(*seconds)),
            None => format!("Injected: {fault}"),
        },
        LiveCommand::ScaleUp { node } => format!("Scaled up {node}"),
        LiveCommand::Explain { node, on } => {
            let state = if *on { "on" } else { "off" };
            format!("Explanations {state} for {node}")
        }
        LiveCommand::CommitRelease { pipeline, release } => {
            let hot_fix = if release.expedited { " (hot fix)" } else { "" };
            format!("Committed {}{hot_fix} to {pipeline}", release.version)
        }
        LiveCommand::Approve { pipeline } => format!("Approved the release at {pipeline}"),
        LiveCommand::RollBack { pipeline } => format!("Rolled back at {pipeline}"),
    }
}

/// The words for a recorded action.
pub fn action_label(action: &RunAction) -> String {
    match action {
        RunAction::Live(command) => command_label(command),
        RunAction::Edit(_) => "Design edited while running".to_owned(),
        RunAction::Acknowledge { incident } => format!("Incident #{incident} acknowledged"),
        RunAction::Resolve { incident } => format!("Incident #{incident} resolved"),
        RunAction::Marker { note } if note.is_empty() => "Bookmark".to_owned(),
        RunAction::Marker { note } => format!("Bookmark: {note}"),
        RunAction::Incident(step) => step_label(step),
    }
}

/// The words for a step of an incident drill.
pub fn step_label(step: &IncidentStep) -> String {
    match step {
        IncidentStep::Drill { scenario } => format!("Drill started: {scenario}"),
        IncidentStep::Assign { role, person } if person.trim().is_empty() => {
            format!("{} unassigned", role.label())
        }
        IncidentStep::Assign { role, person } => format!("{person} is {}", role.label()),
        IncidentStep::Pin { exception, frame } => format!("Pinned {exception} at {frame}"),
        IncidentStep::OpenStaging { fraction } => format!(
            "Staging copy opened ({:.0} % of production traffic)",
            fraction * 100.0
        ),
        IncidentStep::ReplayInStaging => "Trigger replayed in staging".to_owned(),
        IncidentStep::TryInStaging { fix } => format!("Tried {fix} in staging"),
        IncidentStep::Deploy { fix } => format!("Deployed the fix {fix} to production"),
        IncidentStep::GameMaster { what } => format!("Game master: {what}"),
    }
}

/// The scrubber's marks, in time order: the recorded actions, the alerts of the run's
/// notifications and the faults and crashes of its log. Marks closer than `merge_s` of the same
/// kind merge into one (their labels joined), so a burst stays one readable mark.
pub fn marks(
    timeline: &[RunEntry],
    notifications: &VecDeque<Notification>,
    logs: &VecDeque<LogLine>,
    merge_s: f64,
) -> Vec<Mark> {
    let mut marks: Vec<Mark> = timeline
        .iter()
        .filter(|entry| !matches!(entry.action, RunAction::Live(LiveCommand::Explain { .. })))
        .map(|entry| Mark {
            time_s: entry.at_ns as f64 / 1e9,
            kind: match &entry.action {
                RunAction::Live(LiveCommand::Kill { .. } | LiveCommand::Inject { .. }) => {
                    MarkKind::Fault
                }
                RunAction::Live(_) => MarkKind::Command,
                RunAction::Edit(_) => MarkKind::Edit,
                RunAction::Acknowledge { .. }
                | RunAction::Resolve { .. }
                | RunAction::Incident(_) => MarkKind::Response,
                RunAction::Marker { .. } => MarkKind::Bookmark,
            },
            label: action_label(&entry.action),
        })
        .collect();
    for notification in notifications {
        let (kind, verb) = match notification.state {
            AlertState::Firing => (MarkKind::AlertFired, "fired"),
            AlertState::Resolved => (MarkKind::AlertResolved, "resolved"),
            AlertState::Pending | AlertState::Inactive => continue,
        };
        marks.push(Mark {
            time_s: notification.time_s,
            kind,
            label: format!(
                "Alert “{}” {verb} on {}",
                notification.rule, notification.node
            ),
        });
    }
    for line in logs {
        let release = match &line.event {
            Some(RunEvent::DeployStarted { version, .. }) => {
                Some(format!("{}: deploying {version}", line.node))
            }
            Some(RunEvent::Promoted { version }) => {
                Some(format!("{}: {version} promoted", line.node))
            }
            Some(RunEvent::RolledBack { version, to, .. }) => {
                Some(format!("{}: {version} rolled back to {to}", line.node))
            }
            _ => None,
        };
        if let Some(label) = release {
            marks.push(Mark {
                time_s: line.time_s,
                kind: MarkKind::Release,
                label,
            });
            continue;
        }
        let label = match &line.event {
            // Scheduled faults (a live one is already a recorded command).
            Some(RunEvent::FaultInjected { fault }) => format!("Fault: {fault}"),
            Some(RunEvent::Crashed { .. }) => format!("{} crashed", line.node),
            Some(RunEvent::PrimaryCrashed) => format!("{}: primary crashed", line.node),
            _ => continue,
        };
        let recorded = marks
            .iter()
            .any(|mark| mark.kind == MarkKind::Fault && (mark.time_s - line.time_s).abs() < 1e-3);
        if !recorded {
            marks.push(Mark {
                time_s: line.time_s,
                kind: MarkKind::Fault,
                label,
            });
        }
    }
    marks.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    let mut merged: Vec<Mark> = Vec::with_capacity(marks.len());
    for mark in marks {
        match merged
            .iter_mut()
            .rev()
            .find(|kept| kept.kind == mark.kind && mark.time_s - kept.time_s < merge_s)
        {
            Some(kept) if !kept.label.contains(&mark.label) => {
                kept.label = format!("{}; {}", kept.label, mark.label);
            }
            Some(_) => {}
            None => merged.push(mark),
        }
    }
    merged
}

/// A mark's place on a scrubber spanning `0..=end_s`, in percent.
pub fn position_percent(time_s: f64, end_s: f64) -> f64 {
    if end_s <= 0.0 {
        0.0
    } else {
        (time_s / end_s * 100.0).clamp(0.0, 100.0)
    }
}

/// The keys the scrubber answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScrubKey {
    Left,
    Right,
    Home,
    End,
}

/// Where a key moves the view, from `at_s` in a run that has reached `end_s`: one second per
/// arrow (ten with Shift), the start, or the live end. `None` when it would not move.
pub fn scrub_target(key: ScrubKey, shift: bool, at_s: f64, end_s: f64) -> Option<f64> {
    let step = if shift { 10.0 } else { 1.0 };
    let target = match key {
        ScrubKey::Left => (at_s - step).max(0.0),
        ScrubKey::Right => (at_s + step).min(end_s),
        ScrubKey::Home => 0.0,
        ScrubKey::End => end_s,
    };
    ((target - at_s).abs() > 1e-9).then_some(target)
}

/// "1:15 of 3:20", the scrubber's reading.
pub fn reading(at_s: f64, end_s: f64) -> String {
    format!("{} of {}", clock(at_s), clock(end_s))
}

/// The responder's actions on the run's incidents, from the recorded timeline up to `until_s`
/// (an acknowledgement names its incident by number, as the incident list shows it).
pub fn responses(
    notifications: &VecDeque<Notification>,
    timeline: &[RunEntry],
    until_s: f64,
) -> HashMap<IncidentKey, Response> {
    let opened = incidents(notifications, &HashMap::new());
    let mut responses = HashMap::new();
    for entry in timeline {
        let at_s = entry.at_ns as f64 / 1e9;
        if at_s > until_s {
            break;
        }
        let (number, resolves) = match &entry.action {
            RunAction::Acknowledge { incident } => (*incident, false),
            RunAction::Resolve { incident } => (*incident, true),
            _ => continue,
        };
        if let Some(incident) = opened.get((number as usize).wrapping_sub(1)) {
            if resolves {
                resolve(&mut responses, incident.key.clone(), at_s);
            } else {
                acknowledge(&mut responses, incident.key.clone(), at_s);
            }
        }
    }
    responses
}
