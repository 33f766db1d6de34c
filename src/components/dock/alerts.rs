//! The alerts tab: the live state of every rule, the rule editor, and where the notifications land —
//! a simulated Slack `#alerts` channel, an email inbox and a PagerDuty-style incident list with
//! Acknowledge, Resolve, MTTA and MTTR.
//!
//! Rules are part of the document, so the editor changes them only through [`Command`]s. Incidents
//! are derived from the run's notifications (a firing PagerDuty alert opens one, its resolution closes
//! it); what the responder did (acknowledge, resolve) is UI state kept here, timed in simulated seconds.

use std::collections::{HashMap, VecDeque};

use engine::design::{AlertMetric, AlertRule, Channel, Comparison, RuleKind, Severity};
use engine::{AlertState, AlertStatus, NodeKind, Notification};
use leptos::prelude::*;

use super::{IncidentResponses, clock};
use crate::editor::{Command, Point};
use crate::state::AppState;

/// Notifications shown per channel; older ones stay counted but off screen.
const SHOWN_NOTIFICATIONS: usize = 60;

/// Says each firing and resolved alert through the aria-live region, whichever tab is open.
pub(super) fn announce_alerts() {
    let state = AppState::get();
    Effect::new(move |previous: Option<Option<(u64, String, bool)>>| {
        let latest = state.runner.notifications.with(|notifications| {
            notifications.back().map(|notification| {
                (
                    (notification.time_s * 1000.0) as u64,
                    notification.rule.clone(),
                    notification.state == AlertState::Firing,
                )
            })
        });
        if previous.is_some()
            && previous.as_ref() != Some(&latest)
            && let Some(text) = state
                .runner
                .notifications
                .with_untracked(|notifications| notifications.back().map(announcement))
        {
            state.announcement.set(text);
        }
        latest
    });
}

fn announcement(notification: &Notification) -> String {
    let verb = if notification.state == AlertState::Firing {
        "firing"
    } else {
        "resolved"
    };
    format!(
        "Alert {verb}: {} on {} — {}",
        notification.rule, notification.node, notification.message
    )
}

// ---- Words and units

fn metric_label(metric: AlertMetric) -> &'static str {
    match metric {
        AlertMetric::ErrorRate => "Error rate",
        AlertMetric::Cpu => "CPU",
        AlertMetric::ResponseTimeP95 => "Response time (p95)",
        AlertMetric::ResponseTimeMean => "Response time (mean)",
        AlertMetric::QueueLength => "Queue length",
        AlertMetric::Throughput => "Requests / second",
        AlertMetric::HitRatio => "Cache hit ratio",
    }
}

const METRICS: [(AlertMetric, &str); 7] = [
    (AlertMetric::ErrorRate, "error_rate"),
    (AlertMetric::Cpu, "cpu"),
    (AlertMetric::ResponseTimeP95, "response_time_p95"),
    (AlertMetric::ResponseTimeMean, "response_time_mean"),
    (AlertMetric::QueueLength, "queue_length"),
    (AlertMetric::Throughput, "throughput"),
    (AlertMetric::HitRatio, "hit_ratio"),
];

const SEVERITIES: [(Severity, &str); 3] = [
    (Severity::Critical, "critical"),
    (Severity::Warning, "warning"),
    (Severity::Info, "info"),
];

const CHANNELS: [(Channel, &str); 3] = [
    (Channel::Pagerduty, "pagerduty"),
    (Channel::Slack, "slack"),
    (Channel::Email, "email"),
];

const KINDS: [(RuleKind, &str); 2] = [
    (RuleKind::Threshold, "threshold"),
    (RuleKind::Anomaly, "anomaly"),
];

const COMPARISONS: [(Comparison, &str); 2] =
    [(Comparison::Above, "above"), (Comparison::Below, "below")];

fn kind_label(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Threshold => "Threshold",
        RuleKind::Anomaly => "Anomaly (σ from baseline)",
    }
}

fn comparison_label(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::Above => "above (>)",
        Comparison::Below => "below (<)",
    }
}

fn code_of<T: PartialEq + Copy>(table: &[(T, &'static str)], value: T) -> &'static str {
    table
        .iter()
        .find(|(item, _)| *item == value)
        .map_or("", |(_, code)| code)
}

fn from_code<T: Copy>(table: &[(T, &'static str)], code: &str) -> Option<T> {
    table
        .iter()
        .find(|(_, name)| *name == code)
        .map(|(item, _)| *item)
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Slack => "Slack #alerts",
        Channel::Email => "Email",
        Channel::Pagerduty => "PagerDuty",
    }
}

/// How a threshold is typed and shown: the unit, and the factor from the engine's unit to it.
fn threshold_unit(metric: AlertMetric, kind: RuleKind) -> (&'static str, f64) {
    if kind == RuleKind::Anomaly {
        return ("σ", 1.0);
    }
    match metric {
        AlertMetric::ErrorRate | AlertMetric::Cpu | AlertMetric::HitRatio => ("%", 100.0),
        AlertMetric::ResponseTimeP95 | AlertMetric::ResponseTimeMean => ("s", 0.001),
        AlertMetric::QueueLength => ("requests", 1.0),
        AlertMetric::Throughput => ("req/s", 1.0),
    }
}

/// A number without trailing zeros: `20`, `0.25`, `1.5`.
fn plain_number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A value of `metric` in the engine's unit, as people read it: `20 %`, `5 s`, `180 ms`.
pub(super) fn format_metric(metric: AlertMetric, value: f64) -> String {
    match metric {
        AlertMetric::ErrorRate | AlertMetric::Cpu | AlertMetric::HitRatio => {
            format!("{} %", plain_number((value * 100.0 * 10.0).round() / 10.0))
        }
        AlertMetric::ResponseTimeP95 | AlertMetric::ResponseTimeMean => {
            if value >= 1000.0 {
                format!("{} s", plain_number((value / 100.0).round() / 10.0))
            } else {
                format!("{} ms", plain_number(value.round()))
            }
        }
        AlertMetric::QueueLength => plain_number(value.round()),
        AlertMetric::Throughput => format!("{} req/s", plain_number(value.round())),
    }
}

/// "Error rate > 20 % for 10 s on every node".
fn describe_rule(rule: &AlertRule) -> String {
    let comparison = if rule.comparison == Comparison::Above {
        ">"
    } else {
        "<"
    };
    let threshold = match rule.kind {
        RuleKind::Threshold => format_metric(rule.metric, rule.threshold),
        RuleKind::Anomaly => format!("{} σ from its baseline", plain_number(rule.threshold)),
    };
    let node = rule
        .node
        .as_deref()
        .map_or_else(|| "every node".to_owned(), str::to_owned);
    format!(
        "{} {comparison} {threshold} for {} s on {node}",
        metric_label(rule.metric),
        plain_number(rule.for_s)
    )
}

/// A message that does not say what broke, which the feed points out.
fn is_generic(message: &str) -> bool {
    let message = message.trim().to_lowercase();
    message.is_empty()
        || message == "something went wrong"
        || message == "alert"
        || message == "error"
}

fn state_presentation(state: Option<AlertState>) -> (&'static str, &'static str, &'static str) {
    // (icon, text, modifier class)
    match state {
        None => ("–", "not evaluated", "alerts__state alerts__state--off"),
        Some(AlertState::Inactive) => ("○", "inactive", "alerts__state alerts__state--inactive"),
        Some(AlertState::Pending) => ("◔", "pending", "alerts__state alerts__state--pending"),
        Some(AlertState::Firing) => ("▲", "firing", "alerts__state alerts__state--firing"),
        Some(AlertState::Resolved) => ("✓", "resolved", "alerts__state alerts__state--resolved"),
    }
}

/// A duration in simulated time: `12.5 s`, `3 min 05 s`.
pub(super) fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = seconds.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

// ---- The rule editor's draft

/// The rule being edited, as typed: text until it is checked.
#[derive(Clone, Debug, PartialEq)]
struct RuleDraft {
    name: String,
    metric: AlertMetric,
    node: String,
    kind: RuleKind,
    comparison: Comparison,
    threshold: String,
    for_s: String,
    severity: Severity,
    channel: Channel,
    message: String,
}

/// A field's problem, shown beside it.
#[derive(Clone, Debug, Default, PartialEq)]
struct DraftProblems {
    name: Option<String>,
    threshold: Option<String>,
    for_s: Option<String>,
    message: Option<String>,
}

impl RuleDraft {
    fn of(rule: &AlertRule) -> RuleDraft {
        let (_, factor) = threshold_unit(rule.metric, rule.kind);
        RuleDraft {
            name: rule.name.clone(),
            metric: rule.metric,
            node: rule.node.clone().unwrap_or_default(),
            kind: rule.kind,
            comparison: rule.comparison,
            threshold: plain_number(rule.threshold * factor),
            for_s: plain_number(rule.for_s),
            severity: rule.severity,
            channel: rule.channel,
            message: rule.message.clone(),
        }
    }

    /// The rule, or what is wrong with each field.
    fn check(&self) -> Result<AlertRule, DraftProblems> {
        let mut problems = DraftProblems::default();
        if self.name.trim().is_empty() {
            problems.name = Some("Give the rule a name.".to_owned());
        }
        if self.message.trim().is_empty() {
            problems.message =
                Some("Say what the notification should tell the on-call person.".to_owned());
        }
        let (unit, factor) = threshold_unit(self.metric, self.kind);
        let threshold = match parse_number(&self.threshold) {
            Err(problem) => {
                problems.threshold = Some(problem);
                0.0
            }
            Ok(value) if value < 0.0 => {
                problems.threshold = Some("Must be 0 or more.".to_owned());
                0.0
            }
            Ok(value) if unit == "%" && value > 100.0 => {
                problems.threshold = Some("A percentage is at most 100.".to_owned());
                0.0
            }
            Ok(value) if unit == "σ" && value > 100.0 => {
                problems.threshold = Some("At most 100 standard deviations.".to_owned());
                0.0
            }
            Ok(value) => value / factor,
        };
        let for_s = match parse_number(&self.for_s) {
            Err(problem) => {
                problems.for_s = Some(problem);
                0.0
            }
            Ok(value) if !(0.0..=86_400.0).contains(&value) => {
                problems.for_s = Some("Between 0 and 86 400 seconds (a day).".to_owned());
                0.0
            }
            Ok(value) => value,
        };
        if problems != DraftProblems::default() {
            return Err(problems);
        }
        Ok(AlertRule {
            name: self.name.trim().to_owned(),
            metric: self.metric,
            node: (!self.node.is_empty()).then(|| self.node.clone()),
            kind: self.kind,
            comparison: self.comparison,
            threshold,
            for_s,
            severity: self.severity,
            channel: self.channel,
            message: self.message.trim().to_owned(),
        })
    }
}

fn parse_number(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter a number.".to_owned());
    }
    match text.replace(',', ".").parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(format!("\"{text}\" is not a number.")),
    }
}

// ---- Incidents

/// Who opened an incident: the rule and when it fired, in milliseconds of simulated time.
pub(super) type IncidentKey = (String, u64);

/// What the responder did to an incident, in simulated seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Response {
    pub(super) acknowledged_s: Option<f64>,
    pub(super) resolved_s: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Incident {
    pub(super) key: IncidentKey,
    pub(super) number: usize,
    pub(super) rule: String,
    pub(super) node: String,
    pub(super) message: String,
    pub(super) severity: Severity,
    pub(super) opened_s: f64,
    pub(super) acknowledged_s: Option<f64>,
    pub(super) resolved_s: Option<f64>,
    /// Resolved because the alert stopped firing, not by hand.
    pub(super) resolved_by_alert: bool,
}

/// The incidents a run's notifications opened, oldest first, with the responder's actions.
pub(super) fn incidents(
    notifications: &VecDeque<Notification>,
    responses: &HashMap<IncidentKey, Response>,
) -> Vec<Incident> {
    let mut incidents: Vec<Incident> = Vec::new();
    for notification in notifications
        .iter()
        .filter(|n| n.channel == Channel::Pagerduty)
    {
        match notification.state {
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

/// Mean time to acknowledge and to resolve, over the incidents that got there.
fn mean_times(incidents: &[Incident]) -> (Option<f64>, Option<f64>) {
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

// ---- Components

/// The alerts tab's content.
#[component]
pub(super) fn AlertsPanel(visible: Signal<bool>) -> impl IntoView {
    view! {
        <div class="alerts">
            <section class="alerts__column alerts__column--rules" aria-label="Alert rules">
                <RuleList visible=visible />
            </section>
            <section class="alerts__column" aria-label="Slack #alerts channel">
                <h3 class="alerts__heading">"Slack " <span class="alerts__channel-name">"#alerts"</span></h3>
                <ChannelFeed channel=Channel::Slack />
            </section>
            <section class="alerts__column" aria-label="Email inbox">
                <h3 class="alerts__heading">"Email"</h3>
                <ChannelFeed channel=Channel::Email />
            </section>
            <section class="alerts__column" aria-label="PagerDuty incidents">
                <h3 class="alerts__heading">"PagerDuty incidents"</h3>
                <IncidentList />
            </section>
        </div>
    }
}

/// Which rule the editor is open on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Editing {
    Rule(usize),
    New,
}

/// Every rule with its live state, and the editor when one is open.
#[component]
fn RuleList(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let editing = RwSignal::new(None::<Editing>);
    let rules = Memo::new(move |_| {
        state
            .editor
            .with(|editor| editor.document().alert_rules.clone())
    });
    let has_monitoring = Memo::new(move |_| {
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .any(|node| node.kind() == NodeKind::Monitoring)
        })
    });
    // The live statuses, read only while the tab is open: the snapshot changes every frame.
    let statuses = Memo::new(move |_| {
        if !visible.get() {
            return Vec::new();
        }
        rules.with(|rules| {
            state.runner.snapshot.with(|snapshot| {
                rules
                    .iter()
                    .enumerate()
                    .map(|(index, rule)| {
                        snapshot
                            .as_ref()
                            .and_then(|snapshot| status_of(&snapshot.alerts, index, rule))
                            .map(|status| {
                                (
                                    status.state,
                                    status.value,
                                    status.node.clone(),
                                    status.since_s,
                                )
                            })
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let add_defaults = move |_| {
        for rule in AlertRule::defaults() {
            if state.execute(&Command::AddAlertRule(rule)).is_err() {
                break;
            }
        }
    };
    let add_monitoring = move |_| {
        let at = state.editor.with_untracked(|editor| {
            let nodes = &editor.document().nodes;
            let left = nodes
                .iter()
                .map(|node| node.position.x)
                .fold(f64::INFINITY, f64::min);
            let bottom = nodes
                .iter()
                .map(|node| node.position.y)
                .fold(f64::NEG_INFINITY, f64::max);
            if nodes.is_empty() {
                Point::new(200.0, 200.0)
            } else {
                Point::new(left, bottom + 160.0)
            }
        });
        let _ = state.execute(&Command::AddNode {
            kind: NodeKind::Monitoring,
            at,
            id: None,
        });
    };

    let row = move |(index, rule): (usize, AlertRule)| {
        let status = move || statuses.with(|statuses| statuses.get(index).cloned().flatten());
        let metric = rule.metric;
        let live = {
            move || {
                let (icon, text, class) = state_presentation(status().map(|status| status.0));
                view! {
                    <span class=class>
                        <span class="alerts__state-icon" aria-hidden="true">{icon}</span>
                        {text}
                    </span>
                }
            }
        };
        let value = move || {
            status()
                .filter(|status| !status.2.is_empty())
                .map(|(_, value, node, since)| {
                    format!(
                        "{} on {node} · since {}",
                        format_metric(metric, value),
                        clock(since, false)
                    )
                })
                .unwrap_or_default()
        };
        let remove_name = rule.name.clone();
        view! {
            <li class="alerts__rule">
                {live}
                <span class="alerts__rule-text">
                    <strong class="alerts__rule-name">{rule.name.clone()}</strong>
                    <span class="alerts__rule-condition">{describe_rule(&rule)}</span>
                    <span class="alerts__rule-route">
                        {format!("{} → {}: “{}”", severity_label(rule.severity), channel_label(rule.channel), rule.message)}
                    </span>
                    <span class="alerts__rule-value">{value}</span>
                </span>
                <span class="alerts__rule-actions">
                    <button
                        class="button"
                        type="button"
                        aria-label=format!("Edit rule {}", rule.name)
                        on:click=move |_| editing.set(Some(Editing::Rule(index)))
                    >
                        "Edit"
                    </button>
                    <button
                        class="button"
                        type="button"
                        aria-label=format!("Remove rule {remove_name}")
                        on:click=move |_| {
                            if state.execute(&Command::RemoveAlertRule { index }).is_ok() {
                                editing.set(None);
                            }
                        }
                    >
                        "Remove"
                    </button>
                </span>
            </li>
        }
    };

    view! {
        <div class="alerts__rules-header">
            <h3 class="alerts__heading">"Rules"</h3>
            <button class="button" type="button" on:click=move |_| editing.set(Some(Editing::New))>
                "Add rule"
            </button>
            <Show when=move || rules.with(Vec::is_empty)>
                <button class="button" type="button" on:click=add_defaults>
                    "Add the default rules"
                </button>
            </Show>
        </div>
        <Show when=move || !has_monitoring.get() && !rules.with(Vec::is_empty)>
            <p class="alerts__notice" role="note">
                "No monitoring node: nothing evaluates these rules. "
                <button class="button" type="button" on:click=add_monitoring>
                    "Add a monitoring node"
                </button>
            </p>
        </Show>
        {move || {
            editing.get().map(|target| view! { <RuleEditor target=target editing=editing /> })
        }}
        <Show
            when=move || !rules.with(Vec::is_empty)
            fallback=|| {
                view! {
                    <p class="panel__hint">
                        "No rules yet. The defaults watch every node: error rate > 20 % for 10 s (PagerDuty), CPU > 80 % for 30 s (Slack), p95 response time > 5 s for 15 s (email)."
                    </p>
                }
            }
        >
            <ul class="alerts__rules" aria-label="Alert rules and their states">
                {move || rules.get().into_iter().enumerate().map(row).collect_view()}
            </ul>
        </Show>
    }
}

/// The form for one rule: every field of an [`AlertRule`], checked as it is typed.
#[component]
fn RuleEditor(target: Editing, editing: RwSignal<Option<Editing>>) -> impl IntoView {
    let state = AppState::get();
    let initial = state.editor.with_untracked(|editor| match target {
        Editing::Rule(index) => editor.document().alert_rules.get(index).cloned(),
        Editing::New => Some(AlertRule {
            name: "New rule".to_owned(),
            message: "Payment failed".to_owned(),
            ..AlertRule::default()
        }),
    });
    let Some(initial) = initial else {
        return view! { <p class="panel__hint">"This rule no longer exists."</p> }.into_any();
    };
    let draft = RwSignal::new(RuleDraft::of(&initial));
    let problems = Memo::new(move |_| draft.with(|draft| draft.check().err().unwrap_or_default()));
    let refusal = RwSignal::new(None::<String>);
    let nodes = Memo::new(move |_| {
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .filter(|node| node.kind() != NodeKind::Monitoring)
                .map(|node| {
                    let group = if node.kind() == NodeKind::AutoscalingGroup {
                        " (group)"
                    } else {
                        ""
                    };
                    (node.id.clone(), format!("{}{group}", node.display_name()))
                })
                .collect::<Vec<_>>()
        })
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(rule) = draft.with_untracked(RuleDraft::check) else {
            refusal.set(Some("Fix the fields marked in red first.".to_owned()));
            return;
        };
        let command = match target {
            Editing::Rule(index) => Command::SetAlertRule { index, rule },
            Editing::New => Command::AddAlertRule(rule),
        };
        match state.execute(&command) {
            Ok(_) => {
                refusal.set(None);
                editing.set(None);
            }
            Err(error) => refusal.set(Some(error.to_string())),
        }
    };
    let unit = move || draft.with(|draft| threshold_unit(draft.metric, draft.kind).0);
    let title = match target {
        Editing::Rule(_) => format!("Edit rule “{}”", initial.name),
        Editing::New => "New rule".to_owned(),
    };
    let form_label = title.clone();

    view! {
        <form class="alerts__editor" aria-label=form_label on:submit=save novalidate>
            <h4 class="alerts__editor-title">{title}</h4>
            <div class="alerts__fields">
                <TextField
                    label="Name"
                    value=Signal::derive(move || draft.with(|draft| draft.name.clone()))
                    problem=Signal::derive(move || problems.with(|problems| problems.name.clone()))
                    on_input=Callback::new(move |value| draft.update(|draft| draft.name = value))
                />
                <ChoiceField
                    label="Metric"
                    choices=&METRICS
                    text=metric_label
                    value=Signal::derive(move || draft.with(|draft| draft.metric))
                    on_change=Callback::new(move |metric| draft.update(|draft| draft.metric = metric))
                />
                <label class="alerts__field">
                    <span class="alerts__label">"Node or group"</span>
                    <select
                        class="input"
                        prop:value=move || draft.with(|draft| draft.node.clone())
                        on:change=move |event| {
                            let node = event_target_value(&event);
                            draft.update(|draft| draft.node = node);
                        }
                    >
                        <option value="">"Every node (worst value)"</option>
                        {move || {
                            nodes
                                .get()
                                .into_iter()
                                .map(|(id, label)| view! { <option value=id>{label}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <ChoiceField
                    label="Kind"
                    choices=&KINDS
                    text=kind_label
                    value=Signal::derive(move || draft.with(|draft| draft.kind))
                    on_change=Callback::new(move |kind| draft.update(|draft| draft.kind = kind))
                />
                <ChoiceField
                    label="Comparison"
                    narrow=true
                    choices=&COMPARISONS
                    text=comparison_label
                    value=Signal::derive(move || draft.with(|draft| draft.comparison))
                    on_change=Callback::new(move |comparison| draft.update(|draft| draft.comparison = comparison))
                />
                <NumberField
                    label="Threshold"
                    unit=Signal::derive(unit)
                    value=Signal::derive(move || draft.with(|draft| draft.threshold.clone()))
                    problem=Signal::derive(move || problems.with(|problems| problems.threshold.clone()))
                    on_input=Callback::new(move |value| draft.update(|draft| draft.threshold = value))
                />
                <NumberField
                    label="For"
                    unit=Signal::derive(|| "s")
                    value=Signal::derive(move || draft.with(|draft| draft.for_s.clone()))
                    problem=Signal::derive(move || problems.with(|problems| problems.for_s.clone()))
                    on_input=Callback::new(move |value| draft.update(|draft| draft.for_s = value))
                />
                <ChoiceField
                    label="Severity"
                    narrow=true
                    choices=&SEVERITIES
                    text=severity_label
                    value=Signal::derive(move || draft.with(|draft| draft.severity))
                    on_change=Callback::new(move |severity| draft.update(|draft| draft.severity = severity))
                />
                <ChoiceField
                    label="Channel"
                    choices=&CHANNELS
                    text=channel_label
                    value=Signal::derive(move || draft.with(|draft| draft.channel))
                    on_change=Callback::new(move |channel| draft.update(|draft| draft.channel = channel))
                />
                <TextField
                    label="Message"
                    value=Signal::derive(move || draft.with(|draft| draft.message.clone()))
                    problem=Signal::derive(move || problems.with(|problems| problems.message.clone()))
                    on_input=Callback::new(move |value| draft.update(|draft| draft.message = value))
                />
            </div>
            <Show when=move || draft.with(|draft| is_generic(&draft.message))>
                <p class="alerts__hint">
                    "A generic message makes the on-call person dig; say what broke, like “Payment failed”."
                </p>
            </Show>
            <div class="alerts__editor-actions">
                <button class="button button--primary" type="submit">"Save rule"</button>
                <button class="button" type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                <span class="field-error" role="alert">{move || refusal.get()}</span>
            </div>
        </form>
    }
    .into_any()
}

/// A text input with its label and the problem beside it.
#[component]
fn TextField(
    label: &'static str,
    value: Signal<String>,
    problem: Signal<Option<String>>,
    on_input: Callback<String>,
) -> impl IntoView {
    let error_id = format!("alert-rule-{}-error", label.to_lowercase());
    view! {
        <label class="alerts__field alerts__field--wide">
            <span class="alerts__label">{label}</span>
            <input
                class=move || if problem.with(Option::is_some) { "input input--invalid" } else { "input" }
                type="text"
                prop:value=move || value.get()
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby=error_id.clone()
                on:input=move |event| on_input.run(event_target_value(&event))
            />
            <span class="field-error" id=error_id>{move || problem.get()}</span>
        </label>
    }
}

/// A choice from a fixed table: each value has a stable code (the `<option>` value) and words.
#[component]
fn ChoiceField<T>(
    label: &'static str,
    #[prop(optional)] narrow: bool,
    choices: &'static [(T, &'static str)],
    text: fn(T) -> &'static str,
    value: Signal<T>,
    on_change: Callback<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let class = if narrow {
        "alerts__field alerts__field--narrow"
    } else {
        "alerts__field"
    };
    view! {
        <label class=class>
            <span class="alerts__label">{label}</span>
            <select
                class="input"
                prop:value=move || code_of(choices, value.get())
                on:change=move |event| {
                    if let Some(choice) = from_code(choices, &event_target_value(&event)) {
                        on_change.run(choice);
                    }
                }
            >
                {choices.iter().map(|&(choice, code)| view! { <option value=code>{text(choice)}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// A number typed as text (so a half-typed value can be shown as wrong rather than silently lost).
#[component]
fn NumberField(
    label: &'static str,
    unit: Signal<&'static str>,
    value: Signal<String>,
    problem: Signal<Option<String>>,
    on_input: Callback<String>,
) -> impl IntoView {
    let error_id = format!("alert-rule-{}-error", label.to_lowercase());
    view! {
        <label class="alerts__field alerts__field--narrow">
            <span class="alerts__label">{label} " (" {move || unit.get()} ")"</span>
            <input
                class=move || if problem.with(Option::is_some) { "input input--invalid" } else { "input" }
                type="text"
                inputmode="decimal"
                prop:value=move || value.get()
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby=error_id.clone()
                on:input=move |event| on_input.run(event_target_value(&event))
            />
            <span class="field-error" id=error_id>{move || problem.get()}</span>
        </label>
    }
}

/// The notifications one channel received: Slack messages or emails.
#[component]
fn ChannelFeed(channel: Channel) -> impl IntoView {
    let state = AppState::get();
    let messages = Memo::new(move |_| {
        state.runner.notifications.with(|notifications| {
            let mut mine: Vec<(usize, Notification)> = notifications
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, notification)| notification.channel == channel)
                .take(SHOWN_NOTIFICATIONS)
                .map(|(index, notification)| (index, notification.clone()))
                .collect();
            mine.reverse();
            mine
        })
    });
    let empty_text = match channel {
        Channel::Slack => "No messages in #alerts yet.",
        Channel::Email => "No email yet.",
        Channel::Pagerduty => "",
    };
    let list_class = match channel {
        Channel::Slack => "alerts__feed alerts__feed--slack",
        _ => "alerts__feed alerts__feed--email",
    };
    view! {
        <Show when=move || !messages.with(Vec::is_empty) fallback=move || view! { <p class="panel__hint">{empty_text}</p> }>
            <ol class=list_class>
                {move || {
                    messages
                        .get()
                        .into_iter()
                        .rev()
                        .map(|(_, notification)| {
                            if channel == Channel::Email {
                                view! { <EmailItem notification=notification /> }.into_any()
                            } else {
                                view! { <SlackMessage notification=notification /> }.into_any()
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </Show>
    }
}

/// "CPU 87.3 % > 80 %": the value measured at the scrape that changed the state, against the rule.
fn measured(notification: &Notification) -> String {
    let metric = metric_label(notification.metric);
    let value = format_metric(notification.metric, notification.value);
    match notification.kind {
        RuleKind::Threshold => {
            let sign = if notification.comparison == Comparison::Above {
                ">"
            } else {
                "<"
            };
            let threshold = format_metric(notification.metric, notification.threshold);
            let sign = match notification.state {
                AlertState::Resolved if notification.comparison == Comparison::Above => "≤",
                AlertState::Resolved => "≥",
                _ => sign,
            };
            format!("{metric} {value} {sign} {threshold}")
        }
        RuleKind::Anomaly => {
            let side = if notification.comparison == Comparison::Above {
                "above"
            } else {
                "below"
            };
            let threshold = plain_number(notification.threshold);
            if notification.state == AlertState::Resolved {
                format!("{metric} {value}, back within {threshold} σ of its baseline")
            } else {
                format!("{metric} {value}, over {threshold} σ {side} its baseline")
            }
        }
    }
}

fn firing_tag(notification: &Notification) -> (&'static str, &'static str) {
    if notification.state == AlertState::Firing {
        ("FIRING", "alerts__tag alerts__tag--firing")
    } else {
        ("RESOLVED", "alerts__tag alerts__tag--resolved")
    }
}

#[component]
fn SlackMessage(notification: Notification) -> impl IntoView {
    let (tag, tag_class) = firing_tag(&notification);
    let generic = notification.state == AlertState::Firing && is_generic(&notification.message);
    view! {
        <li class="alerts__message">
            <span class="alerts__avatar" aria-hidden="true">"A"</span>
            <div class="alerts__message-body">
                <div class="alerts__message-meta">
                    <strong>"Alertmanager"</strong>
                    <span class="alerts__app-badge">"APP"</span>
                    <time class="alerts__time">{clock(notification.time_s, false)}</time>
                </div>
                <div>
                    <span class=tag_class>{tag}</span>
                    " "
                    <strong>{notification.rule.clone()}</strong>
                    <span class="alerts__muted">{format!(" · {} · {}", notification.node, severity_label(notification.severity))}</span>
                </div>
                <div class="alerts__message-text">{notification.message.clone()}</div>
                <div class="alerts__muted">{measured(&notification)}</div>
                {generic.then(|| view! { <div class="alerts__hint">"Generic message: it does not say what broke."</div> })}
            </div>
        </li>
    }
}

#[component]
fn EmailItem(notification: Notification) -> impl IntoView {
    let (tag, tag_class) = firing_tag(&notification);
    let subject = format!(
        "[{}] {}: {} on {}",
        severity_label(notification.severity).to_uppercase(),
        tag,
        notification.rule,
        notification.node
    );
    view! {
        <li class="alerts__email">
            <div class="alerts__message-meta">
                <span class=tag_class>{tag}</span>
                <span class="alerts__muted">"alerts@monitoring"</span>
                <time class="alerts__time">{clock(notification.time_s, false)}</time>
            </div>
            <div class="alerts__email-subject">{subject}</div>
            <div class="alerts__muted">{notification.message.clone()}</div>
            <div class="alerts__muted">{measured(&notification)}</div>
        </li>
    }
}

/// PagerDuty-style incidents with Acknowledge and Resolve, and the mean times to each.
#[component]
fn IncidentList() -> impl IntoView {
    let state = AppState::get();
    // The report's timeline reads the same responses, so they live in the dock's context.
    let responses = expect_context::<IncidentResponses>().0;
    // A reset starts a new run with an empty notification list; forget the old run's responses, so
    // a replay with the same seed does not find its incidents already acknowledged.
    Effect::new(move |_| {
        if state.runner.notifications.with(VecDeque::is_empty) {
            responses.update(HashMap::clear);
        }
    });
    let all = Memo::new(move |_| {
        state
            .runner
            .notifications
            .with(|notifications| responses.with(|responses| incidents(notifications, responses)))
    });
    let now = move || {
        state
            .runner
            .snapshot
            .with_untracked(|snapshot| snapshot.as_ref().map_or(0.0, |snapshot| snapshot.time_s))
    };
    let acknowledge = move |key: IncidentKey| {
        let at = now();
        responses.update(|responses| {
            let response = responses.entry(key).or_default();
            response.acknowledged_s.get_or_insert(at);
        });
    };
    let resolve = move |key: IncidentKey| {
        let at = now();
        responses.update(|responses| {
            let response = responses.entry(key).or_default();
            // Resolving also acknowledges: the responder has clearly seen it.
            response.acknowledged_s.get_or_insert(at);
            response.resolved_s.get_or_insert(at);
        });
    };
    let summary = move || {
        all.with(|incidents| {
            let open = incidents
                .iter()
                .filter(|incident| incident.resolved_s.is_none())
                .count();
            let (mtta, mttr) = mean_times(incidents);
            format!(
                "{open} open of {} · MTTA {} · MTTR {}",
                incidents.len(),
                mtta.map_or_else(|| "—".to_owned(), duration),
                mttr.map_or_else(|| "—".to_owned(), duration)
            )
        })
    };
    view! {
        <p class="alerts__summary">{summary}</p>
        <Show
            when=move || !all.with(Vec::is_empty)
            fallback=|| view! { <p class="panel__hint">"No incidents. A firing alert routed to PagerDuty opens one."</p> }
        >
            <ol class="alerts__incidents">
                {move || {
                    all.get()
                        .into_iter()
                        .rev()
                        .take(SHOWN_NOTIFICATIONS)
                        .map(|incident| {
                            let (status, class) = match (incident.acknowledged_s, incident.resolved_s) {
                                (_, Some(_)) => ("Resolved", "alerts__incident alerts__incident--resolved"),
                                (Some(_), None) => ("Acknowledged", "alerts__incident alerts__incident--acknowledged"),
                                (None, None) => ("Triggered", "alerts__incident alerts__incident--triggered"),
                            };
                            let mut times = format!("opened {}", clock(incident.opened_s, false));
                            if let Some(at) = incident.acknowledged_s {
                                times.push_str(&format!(" · acknowledged after {}", duration(at - incident.opened_s)));
                            }
                            if let Some(at) = incident.resolved_s {
                                let by = if incident.resolved_by_alert { " (alert cleared)" } else { "" };
                                times.push_str(&format!(" · resolved after {}{by}", duration(at - incident.opened_s)));
                            }
                            let (ack_key, resolve_key) = (incident.key.clone(), incident.key.clone());
                            let can_acknowledge = incident.acknowledged_s.is_none() && incident.resolved_s.is_none();
                            let can_resolve = incident.resolved_s.is_none();
                            view! {
                                <li class=class>
                                    <div class="alerts__message-meta">
                                        <strong>{format!("#{} {}", incident.number, status)}</strong>
                                        <span class="alerts__muted">{format!("{} · {}", severity_label(incident.severity), incident.node)}</span>
                                    </div>
                                    <div><strong>{incident.rule.clone()}</strong> " — " {incident.message.clone()}</div>
                                    <div class="alerts__muted">{times}</div>
                                    <div class="alerts__incident-actions">
                                        <button
                                            class="button"
                                            type="button"
                                            disabled=!can_acknowledge
                                            aria-label=format!("Acknowledge incident {}", incident.number)
                                            on:click=move |_| acknowledge(ack_key.clone())
                                        >
                                            "Acknowledge"
                                        </button>
                                        <button
                                            class="button"
                                            type="button"
                                            disabled=!can_resolve
                                            aria-label=format!("Resolve incident {}", incident.number)
                                            on:click=move |_| resolve(resolve_key.clone())
                                        >
                                            "Resolve"
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </Show>
    }
}

/// The status of rule `index`, if the run evaluates it (the document's rules and the run's statuses
/// are in the same order while the run is on the current document).
pub(super) fn status_of<'a>(
    alerts: &'a [AlertStatus],
    index: usize,
    rule: &AlertRule,
) -> Option<&'a AlertStatus> {
    alerts.get(index).filter(|status| status.rule == rule.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(time_s: f64, rule: &str, state: AlertState, channel: Channel) -> Notification {
        Notification {
            time_s,
            rule: rule.to_owned(),
            state,
            severity: Severity::Critical,
            channel,
            node: "server".to_owned(),
            message: "Payment failed".to_owned(),
            id: 0,
            metric: AlertMetric::ErrorRate,
            kind: RuleKind::Threshold,
            comparison: Comparison::Above,
            threshold: 0.2,
            value: 0.35,
        }
    }

    #[test]
    fn a_notification_says_what_was_measured_against_what() {
        let firing = notification(12.0, "Payments", AlertState::Firing, Channel::Slack);
        assert_eq!(measured(&firing), "Error rate 35 % > 20 %");
        let anomaly = Notification {
            kind: RuleKind::Anomaly,
            metric: AlertMetric::Throughput,
            threshold: 3.0,
            value: 950.0,
            ..firing
        };
        assert_eq!(
            measured(&anomaly),
            "Requests / second 950 req/s, over 3 σ above its baseline"
        );
    }

    #[test]
    fn the_default_rules_read_as_the_issue_states_them() {
        let described: Vec<String> = AlertRule::defaults().iter().map(describe_rule).collect();
        assert_eq!(
            described,
            [
                "Error rate > 20 % for 10 s on every node",
                "CPU > 80 % for 30 s on every node",
                "Response time (p95) > 5 s for 15 s on every node",
            ]
        );
    }

    #[test]
    fn a_rule_survives_the_form_unchanged() {
        for rule in AlertRule::defaults() {
            assert_eq!(RuleDraft::of(&rule).check(), Ok(rule));
        }
    }

    fn check_threshold(metric: AlertMetric, typed: &str, expected: Result<f64, &str>) {
        let mut draft = RuleDraft::of(&AlertRule {
            metric,
            ..AlertRule::default()
        });
        draft.threshold = typed.to_owned();
        let outcome = draft
            .check()
            .map(|rule| rule.threshold)
            .map_err(|problems| problems.threshold.unwrap_or_default());
        assert_eq!(
            outcome,
            expected.map_err(str::to_owned),
            "{metric:?} {typed:?}"
        );
    }

    #[test]
    fn thresholds_are_typed_in_the_units_people_use() {
        check_threshold(AlertMetric::ErrorRate, "20", Ok(0.2));
        check_threshold(AlertMetric::Cpu, "80,5", Ok(0.805));
        check_threshold(AlertMetric::ResponseTimeP95, "5", Ok(5_000.0));
        check_threshold(AlertMetric::Throughput, "1000", Ok(1_000.0));
        check_threshold(AlertMetric::Cpu, "150", Err("A percentage is at most 100."));
        check_threshold(AlertMetric::Cpu, "-1", Err("Must be 0 or more."));
        check_threshold(AlertMetric::Cpu, "lots", Err("\"lots\" is not a number."));
        check_threshold(AlertMetric::Cpu, " ", Err("Enter a number."));
        check_threshold(AlertMetric::Cpu, "NaN", Err("\"NaN\" is not a number."));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut draft = RuleDraft::of(&AlertRule::default());
        draft.name = " ".to_owned();
        draft.for_s = "90000".to_owned();
        draft.message = String::new();
        let problems = draft.check().unwrap_err();
        assert!(problems.name.is_some());
        assert!(problems.message.is_some());
        assert_eq!(
            problems.for_s.as_deref(),
            Some("Between 0 and 86 400 seconds (a day).")
        );
        assert_eq!(problems.threshold, None);
    }

    #[test]
    fn a_pagerduty_alert_opens_an_incident_that_its_resolution_closes() {
        let notifications: VecDeque<Notification> = [
            notification(
                10.0,
                "High error rate",
                AlertState::Firing,
                Channel::Pagerduty,
            ),
            notification(11.0, "High CPU", AlertState::Firing, Channel::Slack),
            notification(
                25.0,
                "High error rate",
                AlertState::Resolved,
                Channel::Pagerduty,
            ),
            notification(
                40.0,
                "High error rate",
                AlertState::Firing,
                Channel::Pagerduty,
            ),
        ]
        .into();
        let mut responses = HashMap::new();
        responses.insert(
            ("High error rate".to_owned(), 10_000),
            Response {
                acknowledged_s: Some(12.0),
                resolved_s: None,
            },
        );
        responses.insert(
            ("High error rate".to_owned(), 40_000),
            Response {
                acknowledged_s: Some(46.0),
                resolved_s: Some(50.0),
            },
        );
        let incidents = incidents(&notifications, &responses);
        let summary: Vec<_> = incidents
            .iter()
            .map(|incident| {
                (
                    incident.number,
                    incident.opened_s,
                    incident.acknowledged_s,
                    incident.resolved_s,
                    incident.resolved_by_alert,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (1, 10.0, Some(12.0), Some(25.0), true),
                (2, 40.0, Some(46.0), Some(50.0), false)
            ]
        );
        assert_eq!(mean_times(&incidents), (Some(4.0), Some(12.5)));
    }

    #[test]
    fn values_read_in_their_units() {
        assert_eq!(format_metric(AlertMetric::ErrorRate, 0.2), "20 %");
        assert_eq!(format_metric(AlertMetric::Cpu, 0.8056), "80.6 %");
        assert_eq!(format_metric(AlertMetric::ResponseTimeP95, 5_000.0), "5 s");
        assert_eq!(format_metric(AlertMetric::ResponseTimeP95, 180.4), "180 ms");
        assert_eq!(format_metric(AlertMetric::Throughput, 72.4), "72 req/s");
        assert_eq!(duration(12.54), "12.5 s");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert!(is_generic("Something went wrong"));
        assert!(!is_generic("Payment failed"));
    }
}
