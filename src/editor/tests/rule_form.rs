//! The alert rule form's draft and its check.

use engine::design::{AlertMetric, AlertRule, RuleKind};
use engine::{NodeKind, presets};

use crate::editor::rule_form::{RuleDraft, add_monitoring_node, watched_node_choices};
use crate::editor::{Command, Point};

#[test]
fn a_rule_survives_the_form_unchanged() {
    for rule in AlertRule::defaults() {
        assert_eq!(RuleDraft::of(&rule).check(), Ok(rule));
    }
    let new = RuleDraft::new_rule()
        .check()
        .expect("the new rule is valid");
    assert_eq!(
        (new.name.as_str(), new.message.as_str()),
        ("New rule", "Payment failed")
    );
}

fn check_threshold(metric: AlertMetric, kind: RuleKind, typed: &str, expected: Result<f64, &str>) {
    let mut draft = RuleDraft::of(&AlertRule {
        metric,
        kind,
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
    use AlertMetric::{Cpu, ErrorRate, ResponseTimeP95, Throughput};
    use RuleKind::{Anomaly, Threshold};
    let cases = [
        (ErrorRate, Threshold, "20", Ok(0.2)),
        (ErrorRate, Threshold, "20 %", Ok(0.2)),
        (Cpu, Threshold, "80,5", Ok(0.805)),
        (ResponseTimeP95, Threshold, "5", Ok(5_000.0)),
        (ResponseTimeP95, Threshold, "5 s", Ok(5_000.0)),
        (Throughput, Threshold, "1_000", Ok(1_000.0)),
        (Throughput, Anomaly, "3", Ok(3.0)),
        (
            Throughput,
            Anomaly,
            "101",
            Err("At most 100 standard deviations."),
        ),
        (Cpu, Threshold, "150", Err("A percentage is at most 100.")),
        (Cpu, Threshold, "-1", Err("Must be 0 or more.")),
        (Cpu, Threshold, "lots", Err("\"lots\" is not a number.")),
        (Cpu, Threshold, " ", Err("Enter a number.")),
        (Cpu, Threshold, "NaN", Err("\"NaN\" is not a number.")),
    ];
    for (metric, kind, typed, expected) in cases {
        check_threshold(metric, kind, typed, expected);
    }
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
fn a_rule_watches_any_node_but_monitoring_and_monitoring_goes_below_the_design() {
    let design = presets::distributed();
    let choices = watched_node_choices(&design);
    assert!(
        choices.iter().all(|(id, _)| id != "monitoring"),
        "{choices:?}"
    );
    assert!(choices.contains(&("web".to_owned(), "Web servers (group)".to_owned())));
    assert_eq!(choices.len(), design.nodes.len() - 1);

    let lowest = design
        .nodes
        .iter()
        .map(|node| node.position.y)
        .fold(f64::MIN, f64::max);
    let leftmost = design
        .nodes
        .iter()
        .map(|node| node.position.x)
        .fold(f64::MAX, f64::min);
    assert_eq!(
        add_monitoring_node(&design),
        Command::AddNode {
            kind: NodeKind::Monitoring,
            at: Point::new(leftmost, lowest + 160.0),
            id: None,
        }
    );
    let mut empty = design;
    empty.nodes.clear();
    assert_eq!(
        add_monitoring_node(&empty),
        Command::AddNode {
            kind: NodeKind::Monitoring,
            at: Point::new(200.0, 200.0),
            id: None,
        }
    );
}
