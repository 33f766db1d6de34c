//! The status line's resolution, in words: which one runs, and why (the users' peak rate against
//! the per-request limit), and when the design has changed under it since the run started.

use engine::Resolution;
use engine::simulation::PER_REQUEST_RATE_LIMIT;

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

/// The words for `running` (none when stopped), given the peak rate the users of the document now
/// send, all together (`engine::simulation::users_peak_rate`), and the resolution that peak would
/// start at (`engine::simulation::resolution_for`).
pub fn resolution_status(
    running: Option<Resolution>,
    peak_now: f64,
    would_start_at: Resolution,
) -> ResolutionStatus {
    let limit = rate(PER_REQUEST_RATE_LIMIT);
    let (label, mut why) = match running {
        None => (
            "stopped".to_owned(),
            "No run: press Play to start one.".to_owned(),
        ),
        Some(Resolution::PerRequest) => (
            "per request".to_owned(),
            format!(
                "Every request is simulated one by one (exact). A run starts per request when its \
                 users send at most {limit} together."
            ),
        ),
        Some(Resolution::Aggregated { weight }) => (
            format!("aggregated: 1 simulated request stands for {weight}"),
            format!(
                "Above {limit} a run starts aggregated: each simulated request stands for {weight} \
                 identical ones on scaled-down copies of each station, and waits are drawn from \
                 queueing theory at the measured load (within about 1 % of it at steady state)."
            ),
        ),
    };
    if let Some(running) = running {
        why.push_str(&format!(" The users now peak at {}.", rate(peak_now)));
        if running != would_start_at {
            let needed = match would_start_at {
                Resolution::PerRequest => "per request".to_owned(),
                Resolution::Aggregated { weight } => format!("aggregated with weight {weight}"),
            };
            why.push_str(&format!(
                " The resolution is chosen when a run starts: Reset to run {needed}."
            ));
        }
    }
    ResolutionStatus { label, why }
}
