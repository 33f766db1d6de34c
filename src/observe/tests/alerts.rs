//! The words of alerting: rules, notifications, live states.

use engine::design::{AlertMetric, AlertRule, Channel, Comparison, RuleKind, Severity};
use engine::{AlertState, Notification};

use crate::observe::alerts::{
    announcement, describe_route, describe_rule, email_subject, is_generic, measured,
};

/// A notification of an error-rate rule at 35 % against 20 %.
pub(super) fn notification(
    time_s: f64,
    rule: &str,
    state: AlertState,
    channel: Channel,
) -> Notification {
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
        repeat: false,
    }
}

#[test]
fn a_notification_says_what_was_measured_against_what() {
    let firing = notification(12.0, "Payments", AlertState::Firing, Channel::Slack);
    assert_eq!(measured(&firing), "Error rate 35 % > 20 %");
    let resolved = Notification {
        state: AlertState::Resolved,
        value: 0.1,
        ..firing.clone()
    };
    assert_eq!(measured(&resolved), "Error rate 10 % ≤ 20 %");
    let anomaly = Notification {
        kind: RuleKind::Anomaly,
        metric: AlertMetric::Throughput,
        threshold: 3.0,
        value: 950.0,
        ..firing.clone()
    };
    assert_eq!(
        measured(&anomaly),
        "Requests / second 950 req/s, over 3 σ above its baseline"
    );
    assert_eq!(
        announcement(&firing),
        "Alert firing: Payments on server — Payment failed"
    );
    assert_eq!(
        announcement(&resolved),
        "Alert resolved: Payments on server — Payment failed"
    );
    assert_eq!(
        email_subject(&firing),
        "[CRITICAL] FIRING: Payments on server"
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
    let routes: Vec<String> = AlertRule::defaults().iter().map(describe_route).collect();
    assert_eq!(routes[1], "warning → Slack #alerts: “CPU above 80 %”");
}

#[test]
fn a_generic_message_is_pointed_out() {
    assert!(is_generic("Something went wrong"));
    assert!(is_generic("  "));
    assert!(is_generic("ERROR"));
    assert!(!is_generic("Payment failed"));
}

#[test]
fn a_pipelines_message_comes_from_ci_and_the_rest_from_alertmanager() {
    use crate::observe::alerts::sender;
    use engine::NodeKind;
    assert_eq!(sender(Some(NodeKind::Pipeline)), "CI/CD");
    assert_eq!(sender(Some(NodeKind::Server)), "Alertmanager");
    assert_eq!(sender(None), "Alertmanager");
}
