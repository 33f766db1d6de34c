//! The report's fault schedule on a time axis: how long the axis is, where each scheduled fault's
//! bar sits on it, and how a scheduled fault is told in the list.

use engine::design::ScheduledFault;

use super::format::{clock, duration};

/// The shortest axis, seconds.
const SHORTEST_AXIS_S: f64 = 60.0;
/// How long a fault without a duration is drawn, seconds.
const INSTANT_FAULT_S: f64 = 10.0;

/// The axis's length in seconds: the current time and every fault's end, with a tenth more room,
/// and at least a minute.
pub fn axis_span(faults: &[ScheduledFault], now_s: f64) -> f64 {
    let last = faults
        .iter()
        .map(|fault| fault.at_s + fault.duration_s.unwrap_or(INSTANT_FAULT_S))
        .fold(0.0, f64::max);
    (last.max(now_s) * 1.1).max(SHORTEST_AXIS_S)
}

/// Where a fault's bar starts and how wide it is, in percent of an axis of `span_s` seconds; at
/// least 1 % wide, so an instant fault stays visible.
pub fn bar(fault: &ScheduledFault, span_s: f64) -> (f64, f64) {
    let left = fault.at_s / span_s * 100.0;
    let width = fault
        .duration_s
        .map_or(1.0, |seconds| (seconds / span_s * 100.0).max(1.0));
    (left, width)
}

/// "at 00:30 for 20.0 s", or "at 00:30" for a fault without an end.
pub fn when(fault: &ScheduledFault) -> String {
    match fault.duration_s {
        Some(seconds) => format!("at {} for {}", clock(fault.at_s), duration(seconds)),
        None => format!("at {}", clock(fault.at_s)),
    }
}
