//! Interview mode's core: the 45-minute clock in phases, the candidate's sheets (requirements,
//! capacity estimates whose arithmetic is checked, API, data model), the interviewer's private
//! drill script, and the interview file and link that carry them. No web imports: tested natively.

use engine::design::Fault;
use engine::{Design, NodeKind};
use serde::{Deserialize, Serialize};

/// The phases of a system-design interview, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Requirements,
    Estimation,
    Api,
    DataModel,
    HighLevelDesign,
    DeepDive,
}

impl Phase {
    pub const ALL: [Phase; 6] = [
        Phase::Requirements,
        Phase::Estimation,
        Phase::Api,
        Phase::DataModel,
        Phase::HighLevelDesign,
        Phase::DeepDive,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Phase::Requirements => "Requirements",
            Phase::Estimation => "Estimation",
            Phase::Api => "API",
            Phase::DataModel => "Data model",
            Phase::HighLevelDesign => "High-level design",
            Phase::DeepDive => "Deep dive and failure drill",
        }
    }

    /// The phase's share of the 45 minutes.
    pub fn minutes(self) -> f64 {
        match self {
            Phase::Requirements | Phase::Estimation | Phase::Api | Phase::DataModel => 5.0,
            Phase::HighLevelDesign => 15.0,
            Phase::DeepDive => 10.0,
        }
    }

    /// What the candidate does in it.
    pub fn prompt(self) -> &'static str {
        match self {
            Phase::Requirements => {
                "Ask and write down what the system must do (functional) and how well (scale, latency, availability)."
            }
            Phase::Estimation => {
                "Estimate the load: requests per second at peak, storage, bandwidth. The sheet checks your arithmetic."
            }
            Phase::Api => "List the endpoints: method, path, what goes in and comes out.",
            Phase::DataModel => "The entities, their keys and how they are read and written.",
            Phase::HighLevelDesign => {
                "Build it on the canvas and run it: users, load balancing, servers, caches, data."
            }
            Phase::DeepDive => {
                "Harden it, then start the failure drill: 15 s of warm-up, a fault, 20 s to recover."
            }
        }
    }

    pub fn index(self) -> usize {
        Phase::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// The whole interview, minutes.
pub fn total_minutes() -> f64 {
    Phase::ALL.iter().map(|p| p.minutes()).sum()
}

/// The clock: when each phase was entered (seconds since the interview started), so time per phase
/// is what the candidate spent, not the plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Clock {
    /// Seconds since the start at which each entered phase began, in phase order.
    pub entered_s: Vec<f64>,
    /// When the interview ended (the report was drawn), seconds since the start.
    pub ended_s: Option<f64>,
}

impl Clock {
    /// A clock started now: the first phase entered at 0.
    pub fn started() -> Clock {
        Clock {
            entered_s: vec![0.0],
            ended_s: None,
        }
    }

    /// The phase being worked on.
    pub fn phase(&self) -> Phase {
        Phase::ALL[self.entered_s.len().clamp(1, Phase::ALL.len()) - 1]
    }

    /// Moves to the next phase at `now_s`; the last phase has no next.
    pub fn next(&mut self, now_s: f64) -> bool {
        if self.entered_s.len() >= Phase::ALL.len() || self.ended_s.is_some() {
            return false;
        }
        self.entered_s.push(now_s);
        true
    }

    pub fn end(&mut self, now_s: f64) {
        if self.ended_s.is_none() {
            self.ended_s = Some(now_s);
        }
    }

    /// Seconds spent in each entered phase up to `now_s` (or the end).
    pub fn spent(&self, now_s: f64) -> Vec<(Phase, f64)> {
        let until = self.ended_s.unwrap_or(now_s);
        self.entered_s
            .iter()
            .enumerate()
            .map(|(index, start)| {
                let stop = self.entered_s.get(index + 1).copied().unwrap_or(until);
                (Phase::ALL[index], (stop - start).max(0.0))
            })
            .collect()
    }

    /// Seconds left in the current phase by its plan (negative: over time), and in the whole
    /// interview.
    pub fn remaining(&self, now_s: f64) -> (f64, f64) {
        let phase = self.phase();
        let entered = self.entered_s.last().copied().unwrap_or(0.0);
        let now = self.ended_s.unwrap_or(now_s);
        (
            phase.minutes() * 60.0 - (now - entered),
            total_minutes() * 60.0 - now,
        )
    }
}

/// The capacity estimate sheet as typed: the inputs and the candidate's own results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Estimates {
    pub daily_users: String,
    pub requests_per_user: String,
    pub peak_factor: String,
    pub writes_per_user: String,
    pub bytes_per_write: String,
    pub retention_days: String,
    pub response_kb: String,
    /// The candidate's answers.
    pub peak_qps: String,
    pub storage_gb: String,
    pub bandwidth_mbps: String,
}

/// One result of the sheet, checked against the candidate's own inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub label: &'static str,
    /// What the inputs give, with the formula in words.
    pub expected: Option<f64>,
    pub formula: &'static str,
    pub claimed: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within 10 % of what the inputs give (estimates are rounded, not exact).
    Right,
    Off,
    /// An input or the answer is missing or not a number.
    Incomplete,
}

/// A number as a candidate types it: "10M", "2.5k", "1e6", "1,000,000".
pub fn read_quantity(text: &str) -> Option<f64> {
    let text: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    if text.is_empty() {
        return None;
    }
    let (number, factor) = match text.chars().last() {
        Some('k' | 'K') => (&text[..text.len() - 1], 1e3),
        Some('m' | 'M') => (&text[..text.len() - 1], 1e6),
        Some('b' | 'B' | 'g' | 'G') => (&text[..text.len() - 1], 1e9),
        _ => (text.as_str(), 1.0),
    };
    let value = number.trim().parse::<f64>().ok()? * factor;
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// Checks the sheet's three results against its inputs.
pub fn check(estimates: &Estimates) -> Vec<Check> {
    let n = |text: &str| read_quantity(text);
    let users = n(&estimates.daily_users);
    let per_user = n(&estimates.requests_per_user);
    let peak = n(&estimates.peak_factor);
    let writes = n(&estimates.writes_per_user);
    let bytes = n(&estimates.bytes_per_write);
    let days = n(&estimates.retention_days);
    let response_kb = n(&estimates.response_kb);
    let qps = match (users, per_user, peak) {
        (Some(u), Some(r), Some(p)) => Some(u * r / 86_400.0 * p),
        _ => None,
    };
    let storage = match (users, writes, bytes, days) {
        (Some(u), Some(w), Some(b), Some(d)) => Some(u * w * b * d / 1e9),
        _ => None,
    };
    let bandwidth = match (qps, response_kb) {
        (Some(q), Some(kb)) => Some(q * kb * 8.0 / 1000.0),
        _ => None,
    };
    let verdict = |expected: Option<f64>, claimed: Option<f64>| match (expected, claimed) {
        (Some(e), Some(c)) if (c - e).abs() <= 0.1 * e.abs().max(1e-9) => Verdict::Right,
        (Some(_), Some(_)) => Verdict::Off,
        _ => Verdict::Incomplete,
    };
    let item = |label, formula, expected: Option<f64>, claimed: &str| {
        let claimed = n(claimed);
        Check {
            label,
            expected,
            formula,
            claimed,
            verdict: verdict(expected, claimed),
        }
    };
    vec![
        item(
            "Peak requests per second",
            "daily users × requests per user ÷ 86 400 × peak factor",
            qps,
            &estimates.peak_qps,
        ),
        item(
            "Storage (GB)",
            "daily users × writes per user × bytes per write × retention days ÷ 10⁹",
            storage,
            &estimates.storage_gb,
        ),
        item(
            "Peak bandwidth (Mbit/s)",
            "peak requests per second × response KB × 8 ÷ 1 000",
            bandwidth,
            &estimates.bandwidth_mbps,
        ),
    ]
}

/// What the candidate writes down.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sheets {
    pub requirements: String,
    pub estimates: Estimates,
    pub api: String,
    pub data_model: String,
}

/// The failure the drill injects, chosen by the interviewer and hidden from the candidate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "drill", rename_all = "snake_case", deny_unknown_fields)]
pub enum DrillScript {
    /// Kill an instance of the busiest tier (the server-like node with the highest CPU).
    #[default]
    KillBusiest,
    /// A fault chosen by the interviewer.
    Fault { fault: Fault },
}

/// Warm-up before the drill's fault, seconds of simulated time.
pub const DRILL_WARM_UP_S: f64 = 15.0;
/// The window to recover in after the fault, seconds.
pub const DRILL_WINDOW_S: f64 = 20.0;
/// Recovered = the error rate under the objective held this long, seconds.
pub const DRILL_HOLD_S: usize = 3;
/// The availability objective the error budget is counted against.
pub const DRILL_SLO: f64 = 0.999;

/// The fault a drill script means on `design`, given each node's CPU now (`cpu`: id → 0..=1):
/// `None` when nothing fits (no server to kill).
pub fn resolve_drill(
    script: &DrillScript,
    design: &Design,
    cpu: &[(String, f64)],
) -> Option<Fault> {
    match script {
        DrillScript::Fault { fault } => Some(fault.clone()),
        DrillScript::KillBusiest => {
            let tiers = design.nodes.iter().filter(|n| {
                matches!(
                    n.kind(),
                    NodeKind::Server | NodeKind::AutoscalingGroup | NodeKind::Service
                )
            });
            let busiest = tiers.max_by(|a, b| {
                let of = |id: &str| {
                    cpu.iter()
                        .find(|(node, _)| node == id)
                        .map_or(0.0, |(_, c)| *c)
                };
                of(&a.id).total_cmp(&of(&b.id)).then(b.id.cmp(&a.id))
            })?;
            Some(Fault::Kill {
                node: busiest.id.clone(),
            })
        }
    }
}

/// An interview as a file: the design, the sheets, the clock and (for the interviewer) the drill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewFile {
    pub format: String,
    pub version: u64,
    pub design: Design,
    #[serde(default)]
    pub sheets: Sheets,
    #[serde(default)]
    pub clock: Clock,
    /// Only in an interviewer's link; a candidate's saved file leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<DrillScript>,
}

pub const INTERVIEW_FORMAT: &str = "arch-explorer-interview";
pub const INTERVIEW_VERSION: u64 = 1;
/// The fragment prefix of an interviewer's link.
pub const INTERVIEW_PREFIX: &str = "#i=";

impl InterviewFile {
    pub fn new(design: Design, sheets: Sheets, clock: Clock, drill: Option<DrillScript>) -> Self {
        InterviewFile {
            format: INTERVIEW_FORMAT.to_owned(),
            version: INTERVIEW_VERSION,
            design,
            sheets,
            clock,
            drill,
        }
    }

    /// Reads an interview file, refusing another format or a newer version with the reason.
    pub fn from_json(text: &str) -> Result<InterviewFile, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
        match value.get("format").and_then(serde_json::Value::as_str) {
            Some(INTERVIEW_FORMAT) => {}
            Some(other) => return Err(format!("this is a “{other}” file, not an interview")),
            None => return Err("this is not an interview file (no format field)".to_owned()),
        }
        if let Some(version) = value.get("version").and_then(serde_json::Value::as_u64)
            && version > INTERVIEW_VERSION
        {
            return Err(format!(
                "version {version} was written by a newer Architecture Explorer"
            ));
        }
        serde_path_to_error::deserialize(value).map_err(|error| {
            let path = error.path().to_string();
            format!("{path}: {}", error.into_inner())
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The interviewer's link (`#i=…`): the candidate's design with the private drill.
    pub fn encode_link(&self) -> Result<String, String> {
        let json = serde_json::to_string(self).map_err(|error| error.to_string())?;
        super::share_link::encode_payload(INTERVIEW_PREFIX, &json).map_err(|e| e.to_string())
    }

    pub fn decode_link(fragment: &str) -> Result<InterviewFile, String> {
        let json = super::share_link::decode_payload(INTERVIEW_PREFIX, fragment)
            .map_err(|error| error.to_string())?;
        InterviewFile::from_json(&json)
    }
}
