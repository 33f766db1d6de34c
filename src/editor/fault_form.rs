//! The fault form's draft: a scheduled fault as typed (text until it is checked), which nodes or
//! zones each kind of fault can target, and the check that turns the draft into a
//! [`ScheduledFault`] or names what is wrong with each field. The engine's validation has the last
//! word, so the form refuses exactly what a saved design would.

use engine::NodeKind;
use engine::design::{Design, Fault, FaultKind, ScheduledFault};

use super::number::{NumberProblem, read_number};

/// The kinds of fault the form offers, with their codes for the `<select>`.
pub const FAULT_KINDS: [(&str, &str); 8] = [
    ("kill", "Kill a node"),
    ("restart", "Restart a node"),
    ("slow_down", "Slow a node down"),
    ("traffic_spike", "Traffic spike"),
    ("partition", "Partition two nodes"),
    ("cache_flush", "Flush a cache"),
    ("database_primary_crash", "Crash a database primary"),
    ("zone_outage", "Zone outage"),
];

/// Whether a fault of kind `code` does something to a node of `kind`: the engine says
/// ([`FaultKind::fits`]); an unknown code restricts nothing.
fn fits(code: &str, kind: NodeKind) -> bool {
    FaultKind::parse(code).is_none_or(|fault| fault.fits(kind))
}

/// The fault being scheduled, as typed: text until it is checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultDraft {
    /// A code of [`FAULT_KINDS`].
    pub kind: String,
    /// A node id, a zone (zone outage) or empty (every users node, for a traffic spike).
    pub target: String,
    /// The second node of a partition.
    pub other: String,
    pub at: String,
    pub duration: String,
    pub factor: String,
}

/// Why a draft was refused, per field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultProblems {
    pub target: Option<String>,
    pub other: Option<String>,
    pub at: Option<String>,
    pub duration: Option<String>,
    pub factor: Option<String>,
}

impl FaultDraft {
    /// The draft the form opens with: kill a node at 30 s.
    pub fn new() -> FaultDraft {
        FaultDraft {
            kind: "kill".to_owned(),
            at: "30".to_owned(),
            factor: "3".to_owned(),
            ..FaultDraft::default()
        }
    }

    pub fn needs_factor(&self) -> bool {
        matches!(self.kind.as_str(), "slow_down" | "traffic_spike")
    }

    pub fn is_partition(&self) -> bool {
        self.kind == "partition"
    }

    pub fn targets_a_zone(&self) -> bool {
        self.kind == "zone_outage"
    }

    /// The start time typed, if it reads as seconds.
    pub fn at_s(&self) -> Option<f64> {
        seconds(&self.at).ok().flatten()
    }

    /// What the target `<select>` offers for this kind of fault, as (value, label): the zones of a
    /// zone outage, or the nodes the fault fits (a traffic spike may also hit every users node).
    pub fn targets(&self, design: &Design) -> Vec<(String, String)> {
        if self.targets_a_zone() {
            let mut zones: Vec<String> =
                design.nodes.iter().map(|node| node.zone.clone()).collect();
            zones.sort();
            zones.dedup();
            return zones.into_iter().map(|zone| (zone.clone(), zone)).collect();
        }
        let mut options: Vec<(String, String)> = Vec::new();
        if self.kind == "traffic_spike" {
            options.push((String::new(), "every users node".to_owned()));
        }
        options.extend(
            design
                .nodes
                .iter()
                .filter(|node| fits(&self.kind, node.kind()))
                .map(|node| (node.id.clone(), node.id.clone())),
        );
        options
    }

    /// The scheduled fault, or what is wrong with each field.
    pub fn check(&self, design: &Design) -> Result<ScheduledFault, FaultProblems> {
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
            match read_number(&self.factor, Some("×")) {
                Ok(value) if value > 0.0 => value,
                _ => {
                    problems.factor = Some("enter a factor above 0, like 3".to_owned());
                    1.0
                }
            }
        } else {
            1.0
        };
        let node = |field: &mut Option<String>, id: &str| -> String {
            match design.node(id).map(engine::Node::kind) {
                None if id.is_empty() => *field = Some("choose a node".to_owned()),
                None => *field = Some(format!("there is no node “{id}”")),
                Some(kind) if !fits(&self.kind, kind) => {
                    *field = Some(format!("{id} is not a {}", kind_names(&self.kind)));
                }
                Some(_) => {}
            }
            id.to_owned()
        };
        let target = self.target.trim();
        let fault = match self.kind.as_str() {
            "kill" => Fault::Kill {
                node: node(&mut problems.target, target),
            },
            "restart" => Fault::Restart {
                node: node(&mut problems.target, target),
            },
            "slow_down" => Fault::SlowDown {
                node: node(&mut problems.target, target),
                factor,
            },
            "traffic_spike" => Fault::TrafficSpike {
                node: (!target.is_empty()).then(|| node(&mut problems.target, target)),
                factor,
            },
            "partition" => {
                let a = node(&mut problems.target, target);
                let b = node(&mut problems.other, self.other.trim());
                if problems.other.is_none() && a == b {
                    problems.other = Some("choose a different node".to_owned());
                }
                Fault::Partition { a, b }
            }
            "cache_flush" => Fault::CacheFlush {
                node: node(&mut problems.target, target),
            },
            "database_primary_crash" => Fault::DatabasePrimaryCrash {
                node: node(&mut problems.target, target),
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
    match read_number(text, Some("s")) {
        Err(NumberProblem::Empty) => Ok(None),
        Err(NumberProblem::NotANumber { text }) => {
            let text = text.trim_end_matches('s').trim_end();
            Err(format!("“{text}” is not a number of seconds"))
        }
        Ok(value) if value >= 0.0 => Ok(Some(value)),
        Ok(_) => Err("must be 0 s or more".to_owned()),
    }
}

/// The node kinds a fault of kind `code` fits: "cache", "server or autoscaling group or …".
fn kind_names(code: &str) -> String {
    NodeKind::ALL
        .into_iter()
        .filter(|kind| fits(code, *kind))
        .map(|kind| kind.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" or ")
}
