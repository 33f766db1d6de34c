//! How the dock, the report and the toolbar write numbers: the one simulated clock, durations,
//! percents and the values of alert metrics, each in the unit people read it in.

use engine::design::AlertMetric;

/// Simulated time as a clock: `01:23`, and past an hour `1:02:03`. The toolbar, the dock and the
/// report all read time through this one function (or [`clock_with_tenths`]).
pub fn clock(seconds: f64) -> String {
    let (text, _) = clock_parts(seconds);
    text
}

/// Simulated time as a clock with tenths of a second: `01:23.4`, `1:02:03.5`.
pub fn clock_with_tenths(seconds: f64) -> String {
    let (mut text, tenth) = clock_parts(seconds);
    text.push_str(&format!(".{tenth}"));
    text
}

/// The clock without tenths, and the tenth of a second (rounded down, so a clock never shows a
/// moment that has not come yet).
fn clock_parts(seconds: f64) -> (String, u64) {
    let tenths = (seconds.max(0.0) * 10.0).floor() as u64;
    let whole = tenths / 10;
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60);
    let text = if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes:02}:{secs:02}")
    };
    (text, tenths % 10)
}

/// A duration in simulated time: `12.5 s`, `3 min 05 s`.
pub fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = seconds.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// A number without trailing zeros, to at most three decimals: `20`, `0.25`, `1.5`.
pub fn plain_number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A labelled fraction as a whole percent: `CPU 98 %`.
pub fn percent(label: &str, fraction: f64) -> String {
    format!("{label} {:.0} %", fraction * 100.0)
}

/// A value of `metric` in the engine's unit, as people read it: `20 %`, `5 s`, `180 ms`, `72 req/s`.
pub fn metric_value(metric: AlertMetric, value: f64) -> String {
    match metric {
        AlertMetric::ErrorRate
        | AlertMetric::Cpu
        | AlertMetric::HitRatio
        | AlertMetric::PaymentErrorRate => {
            format!("{} %", plain_number((value * 100.0 * 10.0).round() / 10.0))
        }
        AlertMetric::ResponseTimeP95 | AlertMetric::ResponseTimeMean => {
            if value >= 1000.0 {
                format!("{} s", plain_number((value / 100.0).round() / 10.0))
            } else {
                format!("{} ms", plain_number(value.round()))
            }
        }
        AlertMetric::QueueLength => plain_number(value.round()),
        AlertMetric::Throughput => format!("{} req/s", plain_number(value.round())),
    }
}

/// A number for a chart's axis: `12`, `2.5`, `45k`, `1.2M`.
pub fn short_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.0}k", value / 1e3)
    } else if magnitude >= 100.0 || value == value.round() {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The text with its first letter in upper case: `memory` → `Memory`.
pub fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default()
}
