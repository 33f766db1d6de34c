//! What the challenge views show: the live tracker's rows ("so far", from the same evaluator the
//! grade uses), the debrief's rows, stars and tip, and the stars a user earned, as kept in storage.

use std::collections::BTreeMap;

use engine::challenge::{Challenge, Grade};
use engine::objective::{Objective, Outcome, Status, Trace, evaluate};
use engine::pack::SubmittedRun;
use engine::run_file::RunFile;

/// How an objective stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Its window is still open and it holds so far.
    OnTrack,
    /// Its window is still open and it does not hold so far.
    OffTrack,
    /// Its window has not started, or it has too little traffic yet.
    Waiting,
    Passed,
    Failed,
}

impl Standing {
    /// A word for the row's class and its accessible text.
    pub fn word(self) -> &'static str {
        match self {
            Standing::OnTrack => "on track",
            Standing::OffTrack => "off track",
            Standing::Waiting => "waiting",
            Standing::Passed => "passed",
            Standing::Failed => "failed",
        }
    }

    /// A mark to show before the row.
    pub fn mark(self) -> &'static str {
        match self {
            Standing::OnTrack | Standing::Passed => "✓",
            Standing::OffTrack | Standing::Failed => "✗",
            Standing::Waiting => "…",
        }
    }
}

/// One objective in the tracker or the debrief.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectiveRow {
    /// "Availability ≥ 99.50 % over 30–180 s".
    pub label: String,
    pub bonus: bool,
    pub points: u32,
    pub standing: Standing,
    /// The measured value in words ("so far 99.91 %", "99.62 %", "not enough traffic").
    pub value: String,
}

/// The words for an outcome's value.
fn value_words(objective: &Objective, outcome: &Outcome) -> String {
    let value = outcome
        .value
        .map(|value| objective.measure.format(value))
        .unwrap_or_else(|| "—".to_owned());
    match outcome.status {
        Status::Passed | Status::Failed => value,
        Status::NotEnoughTraffic => format!("not enough traffic ({value})"),
        Status::Never => "never happened".to_owned(),
        Status::Unfinished => format!("so far {value}"),
    }
}

/// The tracker's rows for the live run's trace at `now_s` simulated seconds.
pub fn tracker_rows(challenge: &Challenge, trace: &Trace, now_s: f64) -> Vec<ObjectiveRow> {
    challenge
        .objectives
        .iter()
        .map(|objective| {
            let outcome = evaluate(objective, trace);
            let standing = match outcome.status {
                Status::Passed => Standing::Passed,
                Status::Failed | Status::Never | Status::NotEnoughTraffic
                    if now_s >= objective.to_s =>
                {
                    Standing::Failed
                }
                Status::Failed => Standing::Failed,
                _ if now_s < objective.from_s => Standing::Waiting,
                Status::Unfinished => {
                    let holds = outcome.value.is_some_and(|value| match objective.bound {
                        engine::objective::Bound::AtMost => value <= objective.target + 1e-9,
                        engine::objective::Bound::AtLeast => value >= objective.target - 1e-9,
                    });
                    match objective.measure {
                        // An alert or a recovery that has not happened yet is still to come.
                        engine::objective::Measure::AlertAfterFault { .. }
                        | engine::objective::Measure::RecoverySeconds
                            if outcome.value.is_none() =>
                        {
                            Standing::Waiting
                        }
                        _ if holds => Standing::OnTrack,
                        _ => Standing::OffTrack,
                    }
                }
                Status::Never | Status::NotEnoughTraffic => Standing::Waiting,
            };
            let value = if now_s < objective.from_s {
                format!("from {:.0} s", objective.from_s)
            } else {
                value_words(objective, &outcome)
            };
            ObjectiveRow {
                label: objective.describe(),
                bonus: objective.bonus,
                points: objective.points,
                standing,
                value,
            }
        })
        .collect()
}

/// The debrief of a grade.
#[derive(Clone, Debug, PartialEq)]
pub struct Debrief {
    /// "Passed on every grading seed" / "Not passed yet".
    pub headline: String,
    pub score: u32,
    pub stars: u8,
    pub rows: Vec<ObjectiveRow>,
    /// Per objective, the value on each seed ("seed 11: 99.91 %").
    pub per_seed: Vec<String>,
    pub tip: Option<String>,
    pub violations: Vec<String>,
    pub errors: Vec<String>,
    /// (clock, words) of the first seed's faults, alerts and edits.
    pub timeline: Vec<(String, String)>,
}

/// What the debrief shows for `grade`.
pub fn debrief(grade: &Grade) -> Debrief {
    let rows = grade
        .objectives
        .iter()
        .map(|graded| ObjectiveRow {
            label: graded.objective.describe(),
            bonus: graded.objective.bonus,
            points: graded.objective.points,
            standing: if graded.passed {
                Standing::Passed
            } else {
                Standing::Failed
            },
            value: value_words(&graded.objective, &graded.shown),
        })
        .collect();
    let per_seed = grade
        .objectives
        .iter()
        .map(|graded| {
            grade
                .seeds
                .iter()
                .zip(&graded.outcomes)
                .map(|(seed, outcome)| {
                    format!("seed {seed}: {}", value_words(&graded.objective, outcome))
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect();
    let headline = if !grade.violations.is_empty() {
        "Not graded: the design breaks the challenge's rules".to_owned()
    } else if grade.passed {
        format!("Passed on all {} grading seeds", grade.seeds.len())
    } else {
        "Not passed yet".to_owned()
    };
    Debrief {
        headline,
        score: grade.score,
        stars: grade.stars,
        rows,
        per_seed,
        tip: grade.tip.clone(),
        violations: grade.violations.clone(),
        errors: grade.errors.clone(),
        timeline: grade
            .timeline
            .iter()
            .map(|(at, words)| (super::clock(*at), words.clone()))
            .collect(),
    }
}

/// Stars as text: "★★☆".
pub fn star_text(stars: u8) -> String {
    (0..3).map(|i| if i < stars { '★' } else { '☆' }).collect()
}

/// The best stars per challenge id, read from storage text (`id=stars` lines). Unreadable lines
/// are skipped: progress is a convenience, never a reason to refuse to start.
pub fn read_stars(text: &str) -> BTreeMap<String, u8> {
    text.lines()
        .filter_map(|line| {
            let (id, stars) = line.split_once('=')?;
            let stars: u8 = stars.trim().parse().ok()?;
            (!id.trim().is_empty() && stars <= 3).then(|| (id.trim().to_owned(), stars))
        })
        .collect()
}

/// The storage text for `stars`.
pub fn write_stars(stars: &BTreeMap<String, u8>) -> String {
    stars
        .iter()
        .map(|(id, stars)| format!("{id}={stars}\n"))
        .collect()
}

/// Keeps the better of the earned and the stored stars; whether it improved.
pub fn record_stars(stars: &mut BTreeMap<String, u8>, id: &str, earned: u8) -> bool {
    let best = stars.entry(id.to_owned()).or_insert(0);
    if earned > *best {
        *best = earned;
        true
    } else {
        false
    }
}

/// Keeps the better graded run of a challenge for a submission (the latest of equal ones);
/// whether `run` was kept.
pub fn keep_best(
    results: &mut Vec<SubmittedRun>,
    id: &str,
    run: RunFile,
    score: u32,
    stars: u8,
) -> bool {
    let better = results
        .iter()
        .find(|r| r.challenge == id)
        .is_none_or(|r| (score, stars) >= (r.claimed_score, r.claimed_stars));
    if better {
        results.retain(|r| r.challenge != id);
        results.push(SubmittedRun {
            challenge: id.to_owned(),
            run,
            claimed_score: score,
            claimed_stars: stars,
        });
    }
    better
}
