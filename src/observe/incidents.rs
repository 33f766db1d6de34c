//! PagerDuty-style incidents: a firing alert routed to PagerDuty opens one, its resolution closes
//! it, and the responder's Acknowledge and Resolve (kept by the UI, in simulated seconds) are folded
//! in; with the mean times to acknowledge and to resolve (MTTA, MTTR). An incident not acknowledged
//! within the monitoring node's escalation timeout escalates to the next level of the escalation
//! policy, again after each further timeout (PagerDuty's escalation rules; a policy without an end
//! here: level 2, 3, …). Alertmanager's re-sends of an alert still firing do not open new
//! incidents (PagerDuty deduplicates them into the open one).

use std::collections::{HashMap, VecDeque};

use engine::design::{Channel, Severity};
use engine::params::NodeParams;
use engine::{AlertState, Design, Notification};

use super::format::{clock, duration};

/// Who opened an incident: the rule and when it fired, in milliseconds of simulated time.
pub type IncidentKey = (String, u64);

/// What the responder did to an incident, in simulated seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Response {
    pub acknowledged_s: Option<f64>,
    pub resolved_s: Option<f64>,
}

/// One incident, as the list and the report's timeline tell it.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub key: IncidentKey,
    /// 1 for the run's first incident.
    pub number: usize,
    pub rule: String,
    pub node: String,
    pub message: String,
    pub severity: Severity,
    pub opened_s: f64,
    pub acknowledged_s: Option<f64>,
    pub resolved_s: Option<f64>,
    /// Resolved because the alert stopped firing, not by hand.
    pub resolved_by_alert: bool,
    /// When it escalated to level 2, 3, … (filled by [`escalate`]), seconds.
    pub escalations: Vec<f64>,
}

/// Where an incident stands, as its list entry says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncidentStatus {
    Triggered,
    Acknowledged,
    Resolved,
}

impl IncidentStatus {
    pub fn label(self) -> &'static str {
        match self {
            IncidentStatus::Triggered => "Triggered",
            IncidentStatus::Acknowledged => "Acknowledged",
            IncidentStatus::Resolved => "Resolved",
        }
    }
}

impl Incident {
    pub fn status(&self) -> IncidentStatus {
        match (self.acknowledged_s, self.resolved_s) {
            (_, Some(_)) => IncidentStatus::Resolved,
            (Some(_), None) => IncidentStatus::Acknowledged,
            (None, None) => IncidentStatus::Triggered,
        }
    }

    pub fn can_acknowledge(&self) -> bool {
        self.status() == IncidentStatus::Triggered
    }

    pub fn can_resolve(&self) -> bool {
        self.resolved_s.is_none()
    }

    /// The level of the escalation policy paged last: 1, then 2 after the first escalation.
    pub fn level(&self) -> usize {
        1 + self.escalations.len()
    }

    /// "opened 00:10 · acknowledged after 2.0 s · resolved after 15.0 s (alert cleared)".
    pub fn times(&self) -> String {
        let mut times = format!("opened {}", clock(self.opened_s));
        if let Some(at) = self.acknowledged_s {
            times.push_str(&format!(
                " · acknowledged after {}",
                duration(at - self.opened_s)
            ));
        }
        if let Some(at) = self.resolved_s {
            let by = if self.resolved_by_alert {
                " (alert cleared)"
            } else {
                ""
            };
            times.push_str(&format!(
                " · resolved after {}{by}",
                duration(at - self.opened_s)
            ));
        }
        times
    }
}

/// The incidents a run's notifications opened, oldest first, with the responder's actions.
pub fn incidents(
    notifications: &VecDeque<Notification>,
    responses: &HashMap<IncidentKey, Response>,
) -> Vec<Incident> {
    let mut incidents: Vec<Incident> = Vec::new();
    for notification in notifications
        .iter()
        .filter(|notification| notification.channel == Channel::Pagerduty)
    {
        match notification.state {
            // A re-send into an incident still open is deduplicated; one resolved by hand opens a
            // new incident, as PagerDuty does.
            AlertState::Firing
                if notification.repeat
                    && incidents.iter().any(|incident| {
                        incident.rule == notification.rule
                            && incident
                                .resolved_s
                                .is_none_or(|resolved| resolved > notification.time_s)
                    }) => {}
            AlertState::Firing => {
                let key = (
                    notification.rule.clone(),
                    (notification.time_s * 1000.0).round() as u64,
                );
                let response = responses.get(&key).copied().unwrap_or_default();
                incidents.push(Incident {
                    number: incidents.len() + 1,
                    rule: notification.rule.clone(),
                    node: notification.node.clone(),
                    message: notification.message.clone(),
                    severity: notification.severity,
                    opened_s: notification.time_s,
                    acknowledged_s: response.acknowledged_s,
                    resolved_s: response.resolved_s,
                    resolved_by_alert: false,
                    escalations: Vec::new(),
                    key,
                });
            }
            AlertState::Resolved => {
                if let Some(open) = incidents.iter_mut().rev().find(|incident| {
                    incident.rule == notification.rule && incident.resolved_s.is_none()
                }) {
                    open.resolved_s = Some(notification.time_s);
                    open.resolved_by_alert = true;
                }
            }
            AlertState::Inactive | AlertState::Pending => {}
        }
    }
    incidents
}

/// Escalates each incident not acknowledged (nor resolved) within `timeout_s` of opening to the next
/// level, and again after each further `timeout_s`, up to `now_s`; an acknowledgement at the very
/// instant of a timeout is in time.
pub fn escalate(incidents: &mut [Incident], timeout_s: f64, now_s: f64) {
    for incident in incidents {
        incident.escalations.clear();
        if timeout_s <= 0.0 {
            continue;
        }
        let stopped = [incident.acknowledged_s, incident.resolved_s]
            .into_iter()
            .flatten()
            .fold(f64::INFINITY, f64::min);
        let mut level = 1.0;
        loop {
            let at = incident.opened_s + level * timeout_s;
            if at > now_s || at >= stopped {
                break;
            }
            incident.escalations.push(at);
            level += 1.0;
        }
    }
}

/// The escalation timeout of the design's PagerDuty channel: the first monitoring node's, or
/// PagerDuty's default without one.
pub fn escalation_timeout_s(design: &Design) -> f64 {
    design
        .nodes
        .iter()
        .find_map(|node| match &node.params {
            NodeParams::Monitoring(monitoring) => Some(monitoring.escalation_timeout_s),
            _ => None,
        })
        .unwrap_or(engine::flavours::PAGERDUTY_ESCALATION_S)
}

/// "escalated to level 2 at 30:05 · level 3 at 1:00:05", or nothing before the first escalation.
pub fn escalation_words(incident: &Incident) -> Option<String> {
    (!incident.escalations.is_empty()).then(|| {
        let levels = incident
            .escalations
            .iter()
            .enumerate()
            .map(|(index, at)| format!("level {} at {}", index + 2, clock(*at)))
            .collect::<Vec<_>>()
            .join(" · ");
        format!("not acknowledged: escalated to {levels}")
    })
}

/// The responder acknowledges at `now_s` (a second press changes nothing).
pub fn acknowledge(responses: &mut HashMap<IncidentKey, Response>, key: IncidentKey, now_s: f64) {
    responses
        .entry(key)
        .or_default()
        .acknowledged_s
        .get_or_insert(now_s);
}

/// The responder resolves at `now_s`; resolving also acknowledges, as the responder has clearly
/// seen it.
pub fn resolve(responses: &mut HashMap<IncidentKey, Response>, key: IncidentKey, now_s: f64) {
    let response = responses.entry(key).or_default();
    response.acknowledged_s.get_or_insert(now_s);
    response.resolved_s.get_or_insert(now_s);
}

/// Mean time to acknowledge and to resolve, over the incidents that got there.
pub fn mean_times(incidents: &[Incident]) -> (Option<f64>, Option<f64>) {
    let mean = |values: Vec<f64>| {
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let to_acknowledge = incidents
        .iter()
        .filter_map(|incident| incident.acknowledged_s.map(|at| at - incident.opened_s))
        .collect();
    let to_resolve = incidents
        .iter()
        .filter_map(|incident| incident.resolved_s.map(|at| at - incident.opened_s))
        .collect();
    (mean(to_acknowledge), mean(to_resolve))
}

/// "1 open of 3 · MTTA 4.0 s · MTTR 12.5 s", the line above the incident list.
pub fn incident_summary(incidents: &[Incident]) -> String {
    let open = incidents
        .iter()
        .filter(|incident| incident.resolved_s.is_none())
        .count();
    let (mtta, mttr) = mean_times(incidents);
    let shown = |mean: Option<f64>| mean.map_or_else(|| "—".to_owned(), duration);
    format!(
        "{open} open of {} · MTTA {} · MTTR {}",
        incidents.len(),
        shown(mtta),
        shown(mttr)
    )
}

/// Where the latest run's notifications begin in the runner's list, which spans restarts (an edit to
/// the design's shape restarts the model but keeps the list): after the last time going backwards.
pub fn this_run_start(notifications: &VecDeque<Notification>) -> usize {
    (1..notifications.len())
        .rev()
        .find(|&index| notifications[index].time_s < notifications[index - 1].time_s)
        .unwrap_or(0)
}
