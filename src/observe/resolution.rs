//! The status line's resolution, in words: which one runs, and why (the users' rate against the
//! per-request limit, which the run follows by itself).

use engine::Resolution;
use engine::simulation::{PER_REQUEST_RATE_LIMIT, RETURN_SHARE};

/// What the status line shows: a short label, and the reason (its tooltip).
#[derive(Clone, Debug, PartialEq)]
pub struct ResolutionStatus {
    pub label: String,
    pub why: String,
}

/// A rate in requests per second, grouped: `50 000 req/s`, `1 200 000 req/s`, `2.5 req/s` (a
/// fraction only below 1 000).
fn rate(value: f64) -> String {
    if value.fract() != 0.0 && value < 1000.0 {
        return format!("{} req/s", super::format::plain_number(value));
    }
    let digits = format!("{:.0}", value.round());
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    format!("{grouped} req/s")
}

/// The words for `running` (none when stopped): the resolution the run is in and the users' rate
/// it follows (`Snapshot::users_rate`).
pub fn resolution_status(running: Option<(Resolution, f64)>) -> ResolutionStatus {
    let limit = rate(PER_REQUEST_RATE_LIMIT);
    let Some((resolution, users_rate)) = running else {
        return ResolutionStatus {
            label: "stopped".to_owned(),
            why: "No run: press Play to start one.".to_owned(),
        };
    };
    let now = rate(users_rate);
    match resolution {
        Resolution::PerRequest => ResolutionStatus {
            label: "per request".to_owned(),
            why: format!(
                "Every request is simulated one by one (exact). The users send {now} now; above \
                 {limit} together the run switches to aggregated by itself, and back when they \
                 slow down."
            ),
        },
        Resolution::Aggregated { weight } => {
            let back = rate(RETURN_SHARE * (weight - 1) as f64 * PER_REQUEST_RATE_LIMIT);
            let next = if weight > 2 {
                "a smaller weight".to_owned()
            } else {
                "per request".to_owned()
            };
            ResolutionStatus {
                label: format!("aggregated: 1 simulated request stands for {weight}"),
                why: format!(
                    "The users send {now} now, above the {limit} a run keeps per request: each \
                     simulated request stands for {weight} identical ones on scaled-down copies \
                     of each station, and waits are drawn from queueing theory at the measured \
                     load (within half a percent of it at steady state). The run goes back to {next} \
                     by itself once the users send at most {back}."
                ),
            }
        }
    }
}
