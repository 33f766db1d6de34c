//! Objectives measured over a **window of a finished run**, never as instantaneous checks.
//!
//! A run is first reduced to a [`Trace`]: one [`Second`] per simulated second (answers, failures,
//! money, cost, the busiest CPU, and the users' response times as the latency buckets gained in that
//! second) and the [`Happening`]s the objectives read (faults, alerts, edits), plus what the design
//! at the end says about itself (single points of failure, nodes by kind). A [`Tracer`] builds the
//! trace from a simulation it is shown once per second; [`evaluate`] reads an objective off it,
//! so the evaluator is tested on synthetic traces and the engine only has to produce them.
//!
//! A window needs [`MIN_ANSWERED`] answered requests before its availability or response times
//! count: an empty board never wins.

use serde::{Deserialize, Serialize};

use crate::histogram::Histogram;
use crate::run_event::RunEvent;
use crate::{NodeKind, Simulation};

/// Answered requests a window needs before availability, error rate and response times count.
pub const MIN_ANSWERED: u64 = 1_000;
/// A second whose error rate is at most this counts as recovered, 0..=1.
pub const RECOVERED_ERROR_RATE: f64 = 0.01;
/// Recovery is the start of this many recovered seconds in a row.
pub const RECOVERY_HOLD_S: usize = 10;

/// What an objective reads off a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// Successful share of the users' answered requests, 0..=1.
    Availability,
    /// Failed share of the users' answered requests, 0..=1.
    ErrorRate,
    /// Users' end-to-end response time of successful requests, milliseconds.
    P95Ms,
    P99Ms,
    MeanMs,
    /// Answered requests per second.
    Throughput,
    /// The highest cost per hour of the infrastructure in the window, dollars.
    CostPerHour,
    /// The busiest node's mean CPU over the window, 0..=1.
    MaxCpu,
    /// Revenue of the payments that failed, dollars.
    RevenueLost,
    /// Single points of failure of the design at the end (see `spof`).
    Spofs,
    /// Nodes of one kind in the design at the end.
    Nodes {
        kind: NodeKind,
    },
    /// Seconds from the first fault in the window until an alert with this message fires.
    AlertAfterFault {
        message: String,
    },
    /// Seconds from the first fault in the window until the users' error rate stays at most
    /// [`RECOVERED_ERROR_RATE`] for [`RECOVERY_HOLD_S`] seconds (time to recovery).
    RecoverySeconds,
    /// Alerts that fired in the window.
    AlertsFired,
    /// Changes to the running model (live commands, edits) while an alert was firing.
    EditsDuringIncident,
}

impl Measure {
    /// Its name for people.
    pub fn label(&self) -> String {
        match self {
            Measure::Availability => "Availability".to_owned(),
            Measure::ErrorRate => "Error rate".to_owned(),
            Measure::P95Ms => "Response time p95".to_owned(),
            Measure::P99Ms => "Response time p99".to_owned(),
            Measure::MeanMs => "Mean response time".to_owned(),
            Measure::Throughput => "Throughput".to_owned(),
            Measure::CostPerHour => "Cost".to_owned(),
            Measure::MaxCpu => "Busiest node's CPU".to_owned(),
            Measure::RevenueLost => "Revenue lost".to_owned(),
            Measure::Spofs => "Single points of failure".to_owned(),
            Measure::Nodes { kind } => format!("{} nodes", kind.label()),
            Measure::AlertAfterFault { message } => format!("Alert \u{201c}{message}\u{201d}"),
            Measure::RecoverySeconds => "Time to recovery".to_owned(),
            Measure::AlertsFired => "Alerts fired".to_owned(),
            Measure::EditsDuringIncident => "Production edits during an incident".to_owned(),
        }
    }

    /// A value of this measure in words ("99.62 %", "240 ms", "$1.20/h").
    pub fn format(&self, value: f64) -> String {
        match self {
            Measure::Availability | Measure::ErrorRate | Measure::MaxCpu => {
                format!("{:.2} %", value * 100.0)
            }
            Measure::P95Ms | Measure::P99Ms | Measure::MeanMs => format!("{value:.0} ms"),
            Measure::Throughput => format!("{value:.1} req/s"),
            Measure::CostPerHour => format!("${value:.2}/h"),
            Measure::RevenueLost => format!("${value:.2}"),
            Measure::AlertAfterFault { .. } | Measure::RecoverySeconds => format!("{value:.0} s"),
            Measure::Spofs
            | Measure::Nodes { .. }
            | Measure::AlertsFired
            | Measure::EditsDuringIncident => format!("{value:.0}"),
        }
    }

    /// The idea a student needs when this objective fails (the debrief's tip).
    pub fn concept(&self) -> &'static str {
        match self {
            Measure::Availability | Measure::ErrorRate | Measure::RevenueLost => {
                "Redundancy: a request fails when the one thing it needs is down or full; a second \
                 copy behind a health-checked load balancer carries it instead"
            }
            Measure::P95Ms | Measure::P99Ms | Measure::MeanMs => {
                "Queueing: response time explodes as utilisation nears 100 %; add capacity or take \
                 work away (a cache, a CDN) until the busiest node runs at 60–70 %"
            }
            Measure::Throughput => {
                "Capacity: a node serves at most workers ÷ service time requests per second; more \
                 arrive than that and the rest queue, time out or are refused"
            }
            Measure::CostPerHour => {
                "Cost: every instance is paid per hour; size the fleet for the load (autoscaling) \
                 instead of for the peak all day"
            }
            Measure::MaxCpu => "Headroom: keep the busiest node well under 80 % so a spike fits",
            Measure::Spofs => {
                "Single points of failure: a node every request passes through needs a standby, \
                 a replica or a second instance"
            }
            Measure::Nodes { .. } => "The challenge limits how many nodes of this kind you use",
            Measure::AlertAfterFault { .. } => {
                "Alerting: a rule must watch the node whose failure hurts users, with a threshold \
                 and a `for` short enough to page within the deadline"
            }
            Measure::RecoverySeconds => {
                "Failover: detection time (health-check interval × failures to mark down) plus \
                 takeover time is how long users see errors"
            }
            Measure::AlertsFired => {
                "Alert fatigue: a rule that fires on a short, harmless blip trains people to ignore \
                 pages; raise the threshold or the `for` duration"
            }
            Measure::EditsDuringIncident => {
                "Never debug in production: reproduce in staging, then ship the fix"
            }
        }
    }

    /// Whether the measure counts requests and needs [`MIN_ANSWERED`] of them in its window.
    fn needs_traffic(&self) -> bool {
        matches!(
            self,
            Measure::Availability
                | Measure::ErrorRate
                | Measure::P95Ms
                | Measure::P99Ms
                | Measure::MeanMs
        )
    }
}

/// Which side of the target passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    AtMost,
    AtLeast,
}

impl Bound {
    pub fn symbol(self) -> &'static str {
        match self {
            Bound::AtMost => "≤",
            Bound::AtLeast => "≥",
        }
    }
}

/// One goal: a measure, a bound and a target, over a window of simulated time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// `"availability"`, or `{"nodes": {"kind": "server"}}` for a measure with data.
    pub measure: Measure,
    pub bound: Bound,
    pub target: f64,
    /// The window, seconds of simulated time: [from_s, to_s).
    pub from_s: f64,
    pub to_s: f64,
    /// Points it is worth when passed.
    pub points: u32,
    /// A bonus objective: stars, not the pass.
    #[serde(default)]
    pub bonus: bool,
}

impl Objective {
    /// "Availability ≥ 99.50 % over 60–300 s".
    pub fn describe(&self) -> String {
        let over = match self.measure {
            Measure::Spofs | Measure::Nodes { .. } => "in the design".to_owned(),
            _ => format!("over {:.0}–{:.0} s", self.from_s, self.to_s),
        };
        format!(
            "{} {} {} {over}",
            self.measure.label(),
            self.bound.symbol(),
            self.measure.format(self.target)
        )
    }

    fn passes(&self, value: f64) -> bool {
        match self.bound {
            Bound::AtMost => value <= self.target + 1e-9,
            Bound::AtLeast => value >= self.target - 1e-9,
        }
    }
}

/// One simulated second: [i, i + 1) for the i-th of a trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Second {
    /// The users' requests that succeeded / failed for good in this second.
    pub completed: u64,
    pub failed: u64,
    pub revenue_lost: f64,
    /// Dollars per hour at the end of the second.
    pub cost_per_hour: f64,
    /// Each node's CPU over the second, 0..=1, by node index (nodes without workers: 0).
    pub cpu: Vec<f64>,
    /// The users' successful response times of this second, as histogram buckets.
    pub latency: Vec<(u32, u64)>,
}

/// Something an objective reads, at a simulated time.
#[derive(Clone, Debug, PartialEq)]
pub enum Happening {
    /// A fault started ("kill server-1").
    Fault {
        what: String,
    },
    AlertFired {
        rule: String,
        message: String,
    },
    AlertResolved {
        rule: String,
    },
    /// A live command or an edit of the running design.
    Edit,
}

impl Happening {
    /// In words, for a debrief's timeline.
    pub fn describe(&self) -> String {
        match self {
            Happening::Fault { what } => format!("Fault: {what}"),
            Happening::AlertFired { rule, message } if message.is_empty() => {
                format!("Alert fired: {rule}")
            }
            Happening::AlertFired { rule, message } => format!("Alert fired: {rule} ({message})"),
            Happening::AlertResolved { rule } => format!("Alert resolved: {rule}"),
            Happening::Edit => "The running design was changed".to_owned(),
        }
    }
}

/// A run reduced to what objectives read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    pub seconds: Vec<Second>,
    /// Ordered by time (seconds).
    pub happenings: Vec<(f64, Happening)>,
    /// Of the design at the end.
    pub spofs: u32,
    pub nodes: Vec<(NodeKind, u32)>,
}

/// How an objective came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    /// Fewer than [`MIN_ANSWERED`] answered requests in the window.
    NotEnoughTraffic,
    /// What it waits for never happened in the window (no fault, the alert never fired, never
    /// recovered).
    Never,
    /// The run has not reached the window's end (a live tracker's "so far").
    Unfinished,
}

/// An objective's measured value and status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub value: Option<f64>,
    pub status: Status,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.status == Status::Passed
    }
}

/// Reads one objective off a trace. A window the run has not finished is measured over what
/// there is ("so far") and reported [`Status::Unfinished`] with that value.
pub fn evaluate(objective: &Objective, trace: &Trace) -> Outcome {
    let from = objective.from_s.max(0.0).floor() as usize;
    let to = objective.to_s.max(0.0).ceil() as usize;
    let finished = trace.seconds.len() >= to;
    let seconds = trace
        .seconds
        .get(from.min(trace.seconds.len())..to.min(trace.seconds.len()))
        .unwrap_or(&[]);
    let happenings = trace
        .happenings
        .iter()
        .filter(|(at, _)| *at >= objective.from_s && *at < objective.to_s);
    let completed: u64 = seconds.iter().map(|s| s.completed).sum();
    let failed: u64 = seconds.iter().map(|s| s.failed).sum();
    let answered = completed + failed;
    let latency = || {
        let mut histogram = Histogram::new();
        for second in seconds {
            histogram.add_buckets(&second.latency);
        }
        histogram
    };
    let value = match &objective.measure {
        Measure::Availability => (answered > 0).then(|| completed as f64 / answered as f64),
        Measure::ErrorRate => (answered > 0).then(|| failed as f64 / answered as f64),
        Measure::P95Ms => (completed > 0).then(|| latency().quantile(0.95) / 1e6),
        Measure::P99Ms => (completed > 0).then(|| latency().quantile(0.99) / 1e6),
        Measure::MeanMs => (completed > 0).then(|| latency().mean() / 1e6),
        Measure::Throughput => {
            (!seconds.is_empty()).then(|| answered as f64 / seconds.len() as f64)
        }
        Measure::CostPerHour => seconds.iter().map(|s| s.cost_per_hour).reduce(f64::max),
        Measure::MaxCpu => {
            let nodes = seconds.iter().map(|s| s.cpu.len()).max().unwrap_or(0);
            (0..nodes)
                .map(|node| {
                    let total: f64 = seconds.iter().filter_map(|s| s.cpu.get(node)).sum();
                    total / seconds.len() as f64
                })
                .reduce(f64::max)
        }
        Measure::RevenueLost => Some(seconds.iter().map(|s| s.revenue_lost).sum()),
        Measure::Spofs => Some(f64::from(trace.spofs)),
        Measure::Nodes { kind } => Some(
            trace
                .nodes
                .iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, n)| f64::from(*n))
                .sum(),
        ),
        Measure::AlertAfterFault { message } => {
            let mut fault_at = None;
            let mut fired = None;
            for (at, happening) in happenings.clone() {
                match happening {
                    Happening::Fault { .. } if fault_at.is_none() => fault_at = Some(*at),
                    Happening::AlertFired { message: m, .. }
                        if fault_at.is_some() && m.eq_ignore_ascii_case(message) =>
                    {
                        fired = fired.or(fault_at.map(|fault| at - fault));
                    }
                    _ => {}
                }
            }
            fired
        }
        Measure::RecoverySeconds => happenings
            .clone()
            .find(|(_, h)| matches!(h, Happening::Fault { .. }))
            .and_then(|(fault_at, _)| recovery(trace, *fault_at, to, RECOVERY_HOLD_S)),
        Measure::AlertsFired => Some(
            happenings
                .clone()
                .filter(|(_, h)| matches!(h, Happening::AlertFired { .. }))
                .count() as f64,
        ),
        Measure::EditsDuringIncident => {
            let mut firing: Vec<&str> = Vec::new();
            let mut edits = 0u32;
            for (at, happening) in &trace.happenings {
                match happening {
                    Happening::AlertFired { rule, .. } => firing.push(rule),
                    Happening::AlertResolved { rule } => firing.retain(|r| r != rule),
                    Happening::Edit
                        if !firing.is_empty()
                            && *at >= objective.from_s
                            && *at < objective.to_s =>
                    {
                        edits += 1;
                    }
                    _ => {}
                }
            }
            Some(f64::from(edits))
        }
    };
    let static_measure = matches!(objective.measure, Measure::Spofs | Measure::Nodes { .. });
    let status = match value {
        _ if !finished && !static_measure => Status::Unfinished,
        _ if objective.measure.needs_traffic() && answered < MIN_ANSWERED => {
            Status::NotEnoughTraffic
        }
        None => Status::Never,
        Some(value) if objective.passes(value) => Status::Passed,
        Some(_) => Status::Failed,
    };
    Outcome { value, status }
}

/// Seconds from `fault_at` to the start of the first `hold` recovered seconds in a row (a second
/// without answers counts as not recovered), looking no further than second `to`.
pub fn recovery(trace: &Trace, fault_at: f64, to: usize, hold: usize) -> Option<f64> {
    let first = fault_at.floor() as usize;
    let end = to.min(trace.seconds.len());
    let mut run = 0;
    for index in first..end {
        let second = &trace.seconds[index];
        let answered = second.completed + second.failed;
        let recovered =
            answered > 0 && second.failed as f64 <= RECOVERED_ERROR_RATE * answered as f64;
        run = if recovered { run + 1 } else { 0 };
        if run == hold.max(1) {
            let start = (index + 1 - hold.max(1)) as f64;
            return Some((start - fault_at).max(0.0));
        }
    }
    None
}

/// A failure drill read off a trace: how long until an alert said so, until the responder first
/// changed the running design, and until users stopped seeing errors; and how much of the error
/// budget the drill's window burned.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DrillReport {
    pub fault_at_s: f64,
    /// Seconds from the fault to the first alert fired after it.
    pub detected_after_s: Option<f64>,
    /// Seconds from the fault to the responder's first change of the running design after it.
    pub first_act_after_s: Option<f64>,
    /// Seconds from the fault to recovery: the error rate at most [`RECOVERED_ERROR_RATE`] for the
    /// hold, within the window.
    pub recovered_after_s: Option<f64>,
    /// Users' requests answered and failed from the fault to the window's end.
    pub answered: u64,
    pub failed: u64,
    /// Failed requests over the window's error budget at the objective: 1.0 burns all of it.
    pub budget_burned: f64,
}

/// The drill of a fault at `fault_at_s`, over `window_s` seconds after it; recovered once the error
/// rate held for `hold_s` seconds; the error budget is `1 − slo` of the answered requests.
pub fn drill_report(
    trace: &Trace,
    fault_at_s: f64,
    window_s: f64,
    hold_s: usize,
    slo: f64,
) -> DrillReport {
    let end_s = fault_at_s + window_s;
    let after = |at: f64| at > fault_at_s + 1e-9 && at < end_s;
    let detected_after_s = trace
        .happenings
        .iter()
        .find(|(at, h)| after(*at) && matches!(h, Happening::AlertFired { .. }))
        .map(|(at, _)| at - fault_at_s);
    let first_act_after_s = trace
        .happenings
        .iter()
        .find(|(at, h)| after(*at) && *h == Happening::Edit)
        .map(|(at, _)| at - fault_at_s);
    let end = end_s.ceil() as usize;
    let recovered_after_s = recovery(trace, fault_at_s, end, hold_s);
    let seconds = trace
        .seconds
        .get((fault_at_s.floor() as usize).min(trace.seconds.len())..end.min(trace.seconds.len()))
        .unwrap_or(&[]);
    let failed: u64 = seconds.iter().map(|s| s.failed).sum();
    let answered: u64 = seconds.iter().map(|s| s.completed + s.failed).sum::<u64>();
    let budget = (1.0 - slo).max(1e-9) * answered as f64;
    DrillReport {
        fault_at_s,
        detected_after_s,
        first_act_after_s,
        recovered_after_s,
        answered,
        failed,
        budget_burned: if answered > 0 {
            failed as f64 / budget
        } else {
            0.0
        },
    }
}

/// Builds a [`Trace`] from a simulation shown to it at each whole simulated second.
#[derive(Clone, Debug, Default)]
pub struct Tracer {
    trace: Trace,
    latency: Histogram,
    completed: u64,
    failed: u64,
    revenue_lost: f64,
    log_sequence: Option<u64>,
}

impl Tracer {
    pub fn new() -> Tracer {
        Tracer::default()
    }

    /// The simulated time the next sample is due at, nanoseconds.
    pub fn next_sample_ns(&self) -> u64 {
        (self.trace.seconds.len() as u64 + 1) * crate::simulation::SECOND_NS
    }

    /// Records the second that just ended (call with the simulation at [`Tracer::next_sample_ns`]).
    pub fn sample(&mut self, simulation: &Simulation) {
        let probe = simulation.probe();
        let second = Second {
            completed: probe.completed.saturating_sub(self.completed),
            failed: probe.failed.saturating_sub(self.failed),
            revenue_lost: (probe.revenue_lost - self.revenue_lost).max(0.0),
            cost_per_hour: probe.cost_per_hour,
            cpu: probe.cpu,
            latency: probe.latency.buckets_since(&self.latency),
        };
        self.completed = probe.completed;
        self.failed = probe.failed;
        self.revenue_lost = probe.revenue_lost;
        self.latency = probe.latency;
        self.trace.seconds.push(second);
        for line in simulation.system_lines() {
            if self.log_sequence.is_some_and(|seen| line.sequence <= seen) {
                continue;
            }
            self.log_sequence = Some(line.sequence);
            let happening = match &line.event {
                Some(RunEvent::FaultInjected { fault }) => Happening::Fault {
                    what: fault.to_string(),
                },
                Some(RunEvent::AlertFired { rule, .. }) => Happening::AlertFired {
                    rule: rule.clone(),
                    message: simulation
                        .design()
                        .alert_rules
                        .iter()
                        .find(|r| &r.name == rule)
                        .map_or_else(String::new, |r| r.message.clone()),
                },
                Some(RunEvent::AlertResolved { rule, .. }) => {
                    Happening::AlertResolved { rule: rule.clone() }
                }
                _ => continue,
            };
            self.trace.happenings.push((line.time_s, happening));
        }
        let design = simulation.design();
        self.trace.spofs = crate::spof::spofs(design).len() as u32;
        self.trace.nodes = NodeKind::ALL
            .iter()
            .map(|&kind| {
                let n = design.nodes.iter().filter(|n| n.kind() == kind).count();
                (kind, n as u32)
            })
            .filter(|(_, n)| *n > 0)
            .collect();
    }

    /// Records a live command or edit applied at `at_s`.
    pub fn note_edit(&mut self, at_s: f64) {
        self.trace.happenings.push((at_s, Happening::Edit));
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn into_trace(self) -> Trace {
        self.trace
    }
}
