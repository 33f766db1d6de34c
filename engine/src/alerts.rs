//! Alert rules with Prometheus semantics: inactive → pending (condition true) → firing (true for
//! `for_s`) → resolved (false again); plus anomaly rules against a moving baseline.
//!
//! Rules are evaluated by a monitoring node (at each scrape, or every evaluation interval on the
//! data of the last scrape) on the 1-second series covering the scrape interval. A rule without a
//! node watches every node and takes the worst value. Besides the design's rules every monitoring
//! node has a built-in crash-loop rule (critical, to PagerDuty) for the processes PM2 gave up on,
//! unless the design has a crash-loop rule of its own. A change of state is sent to its channel at
//! once, or through the Alertmanager pipeline (`crate::alertmanager`) when the node groups
//! notifications.

use serde::Serialize;

use crate::alertmanager::Alertmanager;
use crate::core::Core;
use crate::design::{AlertMetric, AlertRule, Channel, Comparison, RuleKind, Severity};
use crate::metrics::{LogLevel, RingBuffer, SeriesPoint};
use crate::nodes::server::PM2_MAX_RESTARTS;
use crate::params::MonitoringParams;
use crate::run_event::RunEvent;

/// The name of the built-in crash-loop rule.
pub const CRASH_LOOP_RULE: &str = "Crash loop";

/// The built-in rule for processes PM2 gave up on ("errored"): critical, to PagerDuty, at once.
pub fn crash_loop_rule() -> AlertRule {
    AlertRule {
        name: CRASH_LOOP_RULE.to_owned(),
        metric: AlertMetric::ErrorRate,
        node: None,
        kind: RuleKind::CrashLoop,
        comparison: Comparison::Above,
        threshold: 0.0,
        for_s: 0.0,
        severity: Severity::Critical,
        channel: Channel::Pagerduty,
        message: String::new(),
    }
}

/// A crash-loop notification's text when its rule has none of its own.
pub fn crash_loop_message(node: &str) -> String {
    format!("Crash loop: {node} errored after {PM2_MAX_RESTARTS} restarts")
}

/// The design's rules plus the built-in crash-loop rule, unless the design has one of that kind.
fn with_built_in(rules: &[AlertRule]) -> Vec<AlertRule> {
    let mut all = rules.to_vec();
    if !rules.iter().any(|rule| rule.kind == RuleKind::CrashLoop) {
        all.push(crash_loop_rule());
    }
    all
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Inactive,
    Pending,
    Firing,
    Resolved,
}

/// The state of one rule, for the alerts panel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertStatus {
    pub rule: String,
    pub state: AlertState,
    /// The last evaluated value, in the metric's unit.
    pub value: f64,
    /// The node that gave the value (the worst one for rules on every node).
    pub node: String,
    pub severity: Severity,
    pub channel: Channel,
    pub message: String,
    /// When the current state began, seconds.
    pub since_s: f64,
    /// The last 200 (fired, resolved) pairs, seconds; resolved is `None` while firing.
    pub history: Vec<(f64, Option<f64>)>,
}

/// A message sent to a channel when an alert fires or resolves.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notification {
    /// Numbered from 0 by the monitoring node that sent it.
    pub id: u64,
    pub time_s: f64,
    pub rule: String,
    pub state: AlertState,
    pub severity: Severity,
    pub channel: Channel,
    pub node: String,
    pub message: String,
    /// What was measured on `node` at the scrape that changed the state, in the metric's unit, and
    /// the rule it was held against (for an anomaly rule the threshold is in standard deviations).
    pub metric: AlertMetric,
    pub kind: RuleKind,
    pub comparison: Comparison,
    pub threshold: f64,
    pub value: f64,
    /// Sent again by Alertmanager's `repeat_interval` for an alert that still fires (nothing new).
    pub repeat: bool,
}

#[derive(Clone, Default)]
struct Baseline {
    mean: f64,
    variance: f64,
    samples: u32,
}

fn fresh_status(rule: &AlertRule) -> AlertStatus {
    AlertStatus {
        rule: rule.name.clone(),
        state: AlertState::Inactive,
        value: 0.0,
        node: String::new(),
        severity: rule.severity,
        channel: rule.channel,
        message: rule.message.clone(),
        since_s: 0.0,
        history: Vec::new(),
    }
}

#[derive(Clone)]
pub(crate) struct AlertEngine {
    /// The design's rules, then the built-in ones.
    rules: Vec<AlertRule>,
    /// How many of `rules` are the design's.
    design_rules: usize,
    statuses: Vec<AlertStatus>,
    pending_since: Vec<Option<u64>>,
    baselines: Vec<Baseline>,
    /// Recent notifications with their sequence numbers, bounded.
    pub(crate) notifications: RingBuffer<(u64, Notification)>,
    next_notification: u64,
    /// Changes of state waiting to be sent, when the node groups notifications.
    alertmanager: Alertmanager,
}

/// Notifications and (fired, resolved) pairs kept per rule or engine.
const KEPT: usize = 200;

/// Samples before an anomaly rule may fire.
const BASELINE_WARMUP: u32 = 10;
/// Weight of the newest sample in the moving baseline.
const BASELINE_WEIGHT: f64 = 0.1;

pub(crate) fn metric_of(metric: AlertMetric, points: &[&SeriesPoint]) -> Option<f64> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let mean = |f: fn(&SeriesPoint) -> f64| points.iter().map(|p| f(p)).sum::<f64>() / n;
    Some(match metric {
        AlertMetric::ErrorRate => {
            let total: f64 = points.iter().map(|p| p.throughput).sum();
            let failed: f64 = points.iter().map(|p| p.throughput * p.error_rate).sum();
            if total > 0.0 { failed / total } else { 0.0 }
        }
        AlertMetric::Cpu => mean(|p| p.cpu),
        AlertMetric::ResponseTimeP95 => mean(|p| p.p95_ms),
        AlertMetric::ResponseTimeMean => mean(|p| p.mean_ms),
        AlertMetric::QueueLength => mean(|p| p.queue),
        AlertMetric::Throughput => mean(|p| p.throughput),
        AlertMetric::HitRatio => mean(|p| p.hit_ratio),
        AlertMetric::PaymentErrorRate => {
            let total: f64 = points.iter().map(|p| p.payments).sum();
            let failed: f64 = points
                .iter()
                .map(|p| p.payments * p.payment_error_rate)
                .sum();
            if total > 0.0 { failed / total } else { 0.0 }
        }
    })
}

impl AlertEngine {
    pub(crate) fn new(rules: &[AlertRule]) -> AlertEngine {
        let design_rules = rules.len();
        let rules = with_built_in(rules);
        AlertEngine {
            statuses: rules.iter().map(fresh_status).collect(),
            pending_since: vec![None; rules.len()],
            baselines: rules.iter().map(|_| Baseline::default()).collect(),
            rules,
            design_rules,
            notifications: RingBuffer::new(KEPT),
            next_notification: 0,
            alertmanager: Alertmanager::default(),
        }
    }

    /// The states of the design's rules, in the design's order (the built-in ones are told only by
    /// their notifications).
    pub(crate) fn statuses(&self) -> &[AlertStatus] {
        &self.statuses[..self.design_rules]
    }

    /// The rules were edited while running: a rule that is still there unchanged keeps its state
    /// (pending, firing, history, baseline); a new or changed rule starts inactive; a deleted one
    /// goes, without a "resolved" notification (nobody fixed anything).
    pub(crate) fn set_rules(&mut self, rules: &[AlertRule]) {
        self.design_rules = rules.len();
        let rules = &with_built_in(rules);
        type Kept = (AlertRule, AlertStatus, Option<u64>, Baseline);
        let mut old: Vec<Option<Kept>> = self
            .rules
            .drain(..)
            .zip(self.statuses.drain(..))
            .zip(self.pending_since.drain(..))
            .zip(self.baselines.drain(..))
            .map(|(((rule, status), pending), baseline)| Some((rule, status, pending, baseline)))
            .collect();
        for rule in rules {
            let kept = old
                .iter_mut()
                .find(|entry| {
                    entry
                        .as_ref()
                        .is_some_and(|(old_rule, ..)| old_rule == rule)
                })
                .and_then(Option::take);
            let (status, pending, baseline) = match kept {
                Some((_, status, pending, baseline)) => (status, pending, baseline),
                None => (fresh_status(rule), None, Baseline::default()),
            };
            self.rules.push(rule.clone());
            self.statuses.push(status);
            self.pending_since.push(pending);
            self.baselines.push(baseline);
        }
    }

    /// Evaluates every rule on the `window_s` seconds of the series up to `scraped_at` (the last
    /// scrape, nanoseconds), and sends or queues the notifications of the rules that changed state.
    pub(crate) fn evaluate(
        &mut self,
        core: &mut Core,
        params: &MonitoringParams,
        window_s: usize,
        scraped_at: u64,
    ) {
        let now = core.now;
        let scraped_s = scraped_at as f64 / 1e9;
        for index in 0..self.rules.len() {
            let rule = &self.rules[index];
            let applies = |kind: crate::NodeKind| match (rule.kind, rule.metric) {
                (RuleKind::CrashLoop, _) => kind.has_workers(),
                (_, AlertMetric::Cpu | AlertMetric::QueueLength) => kind.has_workers(),
                (_, AlertMetric::HitRatio) => {
                    matches!(kind, crate::NodeKind::Cache | crate::NodeKind::Cdn)
                }
                _ => !matches!(
                    kind,
                    crate::NodeKind::Monitoring | crate::NodeKind::Pipeline
                ),
            };
            let mut worst: Option<(f64, usize)> = None;
            for node in 0..core.metrics.len() {
                if core.removed[node] {
                    continue;
                }
                if let Some(id) = &rule.node {
                    if core.ids[node] != *id {
                        continue;
                    }
                } else if !applies(core.kinds[node]) {
                    continue;
                }
                let value = if rule.kind == RuleKind::CrashLoop {
                    f64::from(core.metrics[node].errored_processes)
                } else {
                    // Seconds that ended after the last scrape are not scraped yet.
                    let points: Vec<&SeriesPoint> = core.metrics[node]
                        .series
                        .iter()
                        .rev()
                        .skip_while(|point| point.time_s > scraped_s + 1e-9)
                        .take(window_s.max(1))
                        .collect();
                    let Some(value) = metric_of(rule.metric, &points) else {
                        continue;
                    };
                    value
                };
                let worse = match (worst, rule.comparison) {
                    (None, _) => true,
                    (Some((best, _)), Comparison::Above) => value > best,
                    (Some((best, _)), Comparison::Below) => value < best,
                };
                if worse {
                    worst = Some((value, node));
                }
            }
            let Some((value, node)) = worst else {
                continue;
            };
            let condition = match rule.kind {
                RuleKind::CrashLoop => value >= 1.0,
                RuleKind::Threshold => match rule.comparison {
                    Comparison::Above => value > rule.threshold,
                    Comparison::Below => value < rule.threshold,
                },
                RuleKind::Anomaly => {
                    let baseline = &mut self.baselines[index];
                    let deviation = value - baseline.mean;
                    let spread = libm::sqrt(baseline.variance).max(1e-9);
                    let anomalous = baseline.samples >= BASELINE_WARMUP
                        && match rule.comparison {
                            Comparison::Above => deviation / spread > rule.threshold,
                            Comparison::Below => -deviation / spread > rule.threshold,
                        };
                    if baseline.samples == 0 {
                        baseline.mean = value;
                    } else {
                        baseline.mean += BASELINE_WEIGHT * deviation;
                        baseline.variance = (1.0 - BASELINE_WEIGHT)
                            * (baseline.variance + BASELINE_WEIGHT * deviation * deviation);
                    }
                    baseline.samples += 1;
                    anomalous
                }
            };
            let status = &mut self.statuses[index];
            status.value = value;
            status.node = core.ids[node].clone();
            let time_s = now as f64 / 1e9;
            let previous = status.state;
            let next = match (condition, previous) {
                (true, AlertState::Inactive | AlertState::Resolved) => {
                    self.pending_since[index] = Some(now);
                    if rule.for_s <= 0.0 {
                        AlertState::Firing
                    } else {
                        AlertState::Pending
                    }
                }
                (true, AlertState::Pending) => {
                    let since = self.pending_since[index].unwrap_or(now);
                    if (now - since) as f64 / 1e9 >= rule.for_s {
                        AlertState::Firing
                    } else {
                        AlertState::Pending
                    }
                }
                (true, AlertState::Firing) => AlertState::Firing,
                (false, AlertState::Firing) => AlertState::Resolved,
                (false, AlertState::Pending) => AlertState::Inactive,
                (false, state) => state,
            };
            if next != previous {
                status.state = next;
                status.since_s = time_s;
                if matches!(next, AlertState::Firing | AlertState::Resolved) {
                    if next == AlertState::Firing {
                        if status.history.len() >= KEPT {
                            status.history.remove(0);
                        }
                        status.history.push((time_s, None));
                    } else if let Some(last) = status.history.last_mut() {
                        last.1 = Some(time_s);
                    }
                    let message = if rule.kind == RuleKind::CrashLoop && rule.message.is_empty() {
                        crash_loop_message(&core.ids[node])
                    } else {
                        rule.message.clone()
                    };
                    let notification = Notification {
                        id: 0,
                        time_s,
                        rule: rule.name.clone(),
                        state: next,
                        severity: rule.severity,
                        channel: rule.channel,
                        node: core.ids[node].clone(),
                        message,
                        metric: rule.metric,
                        kind: rule.kind,
                        comparison: rule.comparison,
                        threshold: rule.threshold,
                        value,
                        repeat: false,
                    };
                    let level = if next == AlertState::Firing {
                        LogLevel::Error
                    } else {
                        LogLevel::Info
                    };
                    let verb = if next == AlertState::Firing {
                        "FIRING"
                    } else {
                        "resolved"
                    };
                    let line = format!(
                        "alert {verb}: {} ({} = {value:.3}) → {:?}",
                        rule.name, core.ids[node], rule.channel
                    );
                    let event = if next == AlertState::Firing {
                        RunEvent::AlertFired {
                            rule: rule.name.clone(),
                            value,
                        }
                    } else {
                        RunEvent::AlertResolved {
                            rule: rule.name.clone(),
                            value,
                        }
                    };
                    core.log(level, crate::core::NodeIndex(node as u32), event, line);
                    if params.groups_notifications() {
                        self.alertmanager.receive(params, now, notification);
                    } else {
                        self.send(notification);
                    }
                }
            }
        }
        if params.groups_notifications() {
            self.flush(params, now);
        }
    }

    /// Sends what the Alertmanager pipeline has due at `now`.
    pub(crate) fn flush(&mut self, params: &MonitoringParams, now: u64) {
        for notification in self.alertmanager.flush(params, now) {
            self.send(notification);
        }
    }

    /// When the Alertmanager pipeline next has something due, nanoseconds.
    pub(crate) fn next_due(&self) -> Option<u64> {
        self.alertmanager.next_due()
    }

    fn send(&mut self, notification: Notification) {
        let id = self.next_notification;
        self.notifications
            .push((id, Notification { id, ..notification }));
        self.next_notification += 1;
    }
}
