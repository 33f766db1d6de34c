//! The alert rule form's draft: a rule as typed (text until it is checked), the units its threshold
//! is typed in, the codes of its choices, and the check that turns it into an [`AlertRule`] or names
//! what is wrong with each field.

use engine::design::{AlertMetric, AlertRule, Channel, Comparison, RuleKind, Severity};
use engine::{Design, NodeKind};

use super::command::Command;
use super::geometry::Point;
use super::number::{NumberProblem, read_number};
use crate::observe::format::plain_number;

/// The nodes a rule can watch, as (id, label) for the form's `<select>`: every node but the
/// monitoring ones and the pipelines (neither takes requests), a group marked as such.
pub fn watched_node_choices(design: &Design) -> Vec<(String, String)> {
    design
        .nodes
        .iter()
        .filter(|node| !matches!(node.kind(), NodeKind::Monitoring | NodeKind::Pipeline))
        .map(|node| {
            let group = if node.kind() == NodeKind::AutoscalingGroup {
                " (group)"
            } else {
                ""
            };
            (node.id.clone(), format!("{}{group}", node.display_name()))
        })
        .collect()
}

/// The command behind "Add a monitoring node" (rules need one to be evaluated): a monitoring node
/// below the design's lowest node, level with its leftmost.
pub fn add_monitoring_node(design: &Design) -> Command {
    let left = design
        .nodes
        .iter()
        .map(|node| node.position.x)
        .fold(f64::INFINITY, f64::min);
    let bottom = design
        .nodes
        .iter()
        .map(|node| node.position.y)
        .fold(f64::NEG_INFINITY, f64::max);
    let at = if design.nodes.is_empty() {
        Point::new(200.0, 200.0)
    } else {
        Point::new(left, bottom + 160.0)
    };
    Command::AddNode {
        kind: NodeKind::Monitoring,
        at,
        id: None,
    }
}

/// How a threshold is typed and shown: the unit, and the factor from the engine's unit to it.
pub fn threshold_unit(metric: AlertMetric, kind: RuleKind) -> (&'static str, f64) {
    if kind == RuleKind::Anomaly {
        return ("σ", 1.0);
    }
    match metric {
        AlertMetric::ErrorRate
        | AlertMetric::Cpu
        | AlertMetric::HitRatio
        | AlertMetric::PaymentErrorRate => ("%", 100.0),
        AlertMetric::ResponseTimeP95 | AlertMetric::ResponseTimeMean => ("s", 0.001),
        AlertMetric::QueueLength => ("requests", 1.0),
        AlertMetric::Throughput => ("req/s", 1.0),
    }
}

/// The rule being edited, as typed: text until it is checked.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDraft {
    pub name: String,
    pub metric: AlertMetric,
    /// A node id, or empty for every node.
    pub node: String,
    pub kind: RuleKind,
    pub comparison: Comparison,
    pub threshold: String,
    pub for_s: String,
    pub severity: Severity,
    pub channel: Channel,
    pub message: String,
}

/// A field's problem, shown beside it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleProblems {
    pub name: Option<String>,
    pub threshold: Option<String>,
    pub for_s: Option<String>,
    pub message: Option<String>,
}

impl RuleDraft {
    /// A draft of an existing rule, its threshold in the unit people type.
    pub fn of(rule: &AlertRule) -> RuleDraft {
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

    /// The draft the "Add rule" button opens.
    pub fn new_rule() -> RuleDraft {
        RuleDraft::of(&AlertRule {
            name: "New rule".to_owned(),
            message: "Payment failed".to_owned(),
            ..AlertRule::default()
        })
    }

    /// The threshold's unit for the chosen metric and kind.
    pub fn unit(&self) -> &'static str {
        threshold_unit(self.metric, self.kind).0
    }

    /// The rule, or what is wrong with each field.
    pub fn check(&self) -> Result<AlertRule, RuleProblems> {
        let mut problems = RuleProblems::default();
        if self.name.trim().is_empty() {
            problems.name = Some("Give the rule a name.".to_owned());
        }
        if self.message.trim().is_empty() {
            problems.message =
                Some("Say what the notification should tell the on-call person.".to_owned());
        }
        let (unit, factor) = threshold_unit(self.metric, self.kind);
        let threshold = match read_number(&self.threshold, Some(unit)) {
            Err(problem) => {
                problems.threshold = Some(number_problem(&problem));
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
        let for_s = match read_number(&self.for_s, Some("s")) {
            Err(problem) => {
                problems.for_s = Some(number_problem(&problem));
                0.0
            }
            Ok(value) if !(0.0..=86_400.0).contains(&value) => {
                problems.for_s = Some("Between 0 and 86 400 seconds (a day).".to_owned());
                0.0
            }
            Ok(value) => value,
        };
        if problems != RuleProblems::default() {
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

fn number_problem(problem: &NumberProblem) -> String {
    match problem {
        NumberProblem::Empty => "Enter a number.".to_owned(),
        NumberProblem::NotANumber { text } => format!("\"{text}\" is not a number."),
    }
}
