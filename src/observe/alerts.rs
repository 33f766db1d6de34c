//! The words of alerting: a rule in one sentence, what a notification measured against what, the
//! names of metrics, severities and channels, and the live state of a rule.

use engine::design::{AlertMetric, AlertRule, Comparison, RuleKind};
use engine::{AlertState, AlertStatus, Notification};

use super::format::{metric_value, plain_number};

/// "Error rate > 20 % for 10 s on every node".
pub fn describe_rule(rule: &AlertRule) -> String {
    let comparison = if rule.comparison == Comparison::Above {
        ">"
    } else {
        "<"
    };
    let node = rule
        .node
        .as_deref()
        .map_or_else(|| "every node".to_owned(), str::to_owned);
    let threshold = match rule.kind {
        RuleKind::Threshold => metric_value(rule.metric, rule.threshold),
        RuleKind::Anomaly => format!("{} σ from its baseline", plain_number(rule.threshold)),
        RuleKind::CrashLoop => return format!("A process PM2 gave up on (errored) on {node}"),
    };
    format!(
        "{} {comparison} {threshold} for {} s on {node}",
        rule.metric.label(),
        plain_number(rule.for_s)
    )
}

/// "critical → PagerDuty: “Payment failed”": where a rule's notifications go.
pub fn describe_route(rule: &AlertRule) -> String {
    format!(
        "{} → {}: “{}”",
        rule.severity.label(),
        rule.channel.label(),
        rule.message
    )
}

/// A message that does not say what broke, which the feed and the rule form point out.
pub fn is_generic(message: &str) -> bool {
    let message = message.trim().to_lowercase();
    message.is_empty()
        || message == "something went wrong"
        || message == "alert"
        || message == "error"
}

/// A rule's live state as an icon and a word; `None` when the run does not evaluate it.
pub fn state_words(state: Option<AlertState>) -> (&'static str, &'static str) {
    match state {
        None => ("–", "not evaluated"),
        Some(AlertState::Inactive) => ("○", "inactive"),
        Some(AlertState::Pending) => ("◔", "pending"),
        Some(AlertState::Firing) => ("▲", "firing"),
        Some(AlertState::Resolved) => ("✓", "resolved"),
    }
}

/// The status of rule `index`, if the run evaluates it (the document's rules and the run's statuses
/// are in the same order while the run is on the current document).
pub fn status_of<'a>(
    alerts: &'a [AlertStatus],
    index: usize,
    rule: &AlertRule,
) -> Option<&'a AlertStatus> {
    alerts.get(index).filter(|status| status.rule == rule.name)
}

/// "72 req/s on server-1 · since 00:12": a rule's live value, once it has a node.
pub fn live_value(metric: AlertMetric, status: &AlertStatus) -> Option<String> {
    (!status.node.is_empty()).then(|| {
        format!(
            "{} on {} · since {}",
            metric_value(metric, status.value),
            status.node,
            super::format::clock(status.since_s)
        )
    })
}

/// What the aria-live region says when an alert fires or resolves.
pub fn announcement(notification: &Notification) -> String {
    format!(
        "Alert {}: {} on {} — {}",
        firing_word(notification).to_lowercase(),
        notification.rule,
        notification.node,
        notification.message
    )
}

/// `FIRING` or `RESOLVED`: the tag a notification carries.
pub fn firing_word(notification: &Notification) -> &'static str {
    if notification.state == AlertState::Firing {
        "FIRING"
    } else {
        "RESOLVED"
    }
}

/// "[CRITICAL] FIRING: High error rate on server-1": an email's subject.
pub fn email_subject(notification: &Notification) -> String {
    format!(
        "[{}] {}: {} on {}",
        notification.severity.label().to_uppercase(),
        firing_word(notification),
        notification.rule,
        notification.node
    )
}

/// Who a notification comes from, as its chat message or email says: Alertmanager for alert
/// rules, the CI system for a pipeline's failed stage (its message says what failed; it measured
/// nothing, so it has no [`measured`] line).
pub fn sender(from: Option<engine::NodeKind>) -> &'static str {
    match from {
        Some(engine::NodeKind::Pipeline) => "CI/CD",
        _ => "Alertmanager",
    }
}

/// "CPU 87.3 % > 80 %": the value measured at the scrape that changed the state, against the rule.
pub fn measured(notification: &Notification) -> String {
    let metric = notification.metric.label();
    let value = metric_value(notification.metric, notification.value);
    match notification.kind {
        RuleKind::CrashLoop => {
            if notification.state == AlertState::Resolved {
                "the process runs again".to_owned()
            } else {
                format!(
                    "{} process{} errored: PM2 stopped restarting",
                    plain_number(notification.value),
                    if notification.value == 1.0 { "" } else { "es" }
                )
            }
        }
        RuleKind::Threshold => {
            let sign = match (notification.state, notification.comparison) {
                (AlertState::Resolved, Comparison::Above) => "≤",
                (AlertState::Resolved, Comparison::Below) => "≥",
                (_, Comparison::Above) => ">",
                (_, Comparison::Below) => "<",
            };
            let threshold = metric_value(notification.metric, notification.threshold);
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
