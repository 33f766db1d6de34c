//! What the Compare tab shows: each metric of an A/B comparison as a table row — A, B, the paired
//! difference B − A with its 95 % interval, and a verdict in words that never claims more than the
//! interval allows — and the choices of what B is.

use engine::compare::{Comparison, Difference, Metric};

/// One row of the comparison table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub metric: Metric,
    pub label: &'static str,
    pub a: String,
    pub b: String,
    /// "−12.3 ms ± 1.1" (or without ± for a single seed).
    pub difference: String,
    pub verdict: Verdict,
}

/// What the interval says about B against A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Better,
    Worse,
    /// The interval includes no change (or there is one seed: nothing can be said).
    NoClearDifference,
    Same,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Better => "B better",
            Verdict::Worse => "B worse",
            Verdict::NoClearDifference => "no clear difference",
            Verdict::Same => "same",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::NoClearDifference | Verdict::Same => "even",
        }
    }
}

/// A metric's value in its unit.
pub fn value(metric: Metric, value: f64) -> String {
    match metric {
        Metric::Availability => format!("{:.3} %", value * 100.0),
        Metric::P50 | Metric::P95 | Metric::P99 | Metric::Mean => format!("{value:.1} ms"),
        Metric::Throughput => format!("{value:.1} req/s"),
        Metric::Failed | Metric::AlertsFired => format!("{value:.1}"),
        Metric::CostPerHour => format!("${value:.3}/h"),
        Metric::RevenueLost => format!("${value:.2}"),
    }
}

/// A signed difference in the metric's unit ("+0.120 %", "−12.3 ms").
fn signed(metric: Metric, difference: f64) -> String {
    let sign = if difference > 0.0 {
        "+"
    } else if difference < 0.0 {
        "−"
    } else {
        "±"
    };
    format!("{sign}{}", value(metric, difference.abs()))
}

/// The verdict on one metric.
pub fn verdict(difference: &Difference) -> Verdict {
    if difference.mean_difference == 0.0 && difference.half_width_95.is_none_or(|half| half == 0.0)
    {
        return Verdict::Same;
    }
    if !difference.significant() {
        return Verdict::NoClearDifference;
    }
    let larger = difference.mean_difference > 0.0;
    if larger == difference.metric.higher_is_better() {
        Verdict::Better
    } else {
        Verdict::Worse
    }
}

/// The table's rows, in the engine's metric order.
pub fn rows(comparison: &Comparison) -> Vec<Row> {
    comparison
        .differences
        .iter()
        .map(|difference| {
            let metric = difference.metric;
            let mut text = signed(metric, difference.mean_difference);
            if let Some(half) = difference.half_width_95 {
                text.push_str(&format!(" ± {}", value(metric, half)));
            }
            Row {
                metric,
                label: metric.label(),
                a: value(metric, difference.mean_a),
                b: value(metric, difference.mean_b),
                difference: text,
                verdict: verdict(difference),
            }
        })
        .collect()
}

/// The line above the table: what ran, and how much to trust it.
pub fn summary(comparison: &Comparison) -> String {
    let seeds = comparison.seeds.len();
    let trust = if seeds > 1 {
        format!(
            "{seeds} seeds, paired: B − A with 95 % intervals (a verdict only where the interval excludes no change)"
        )
    } else {
        "one seed: differences without intervals (run more seeds to tell noise from effect)"
            .to_owned()
    };
    format!(
        "Each design ran {} of simulated time on the same traffic and fault script; {trust}.",
        super::duration(comparison.seconds)
    )
}

/// The busiest node of each side's first run, in words.
pub fn bottlenecks(comparison: &Comparison) -> (String, String) {
    let words = |figures: Option<&engine::compare::RunFigures>| {
        figures
            .and_then(|figures| figures.busiest.as_ref())
            .map_or_else(
                || "—".to_owned(),
                |(node, utilisation)| format!("{node} ({:.0} % busy)", utilisation * 100.0),
            )
    };
    (words(comparison.a.first()), words(comparison.b.first()))
}

/// The shortest and longest comparison run offered, simulated seconds.
pub const SECONDS_RANGE: (f64, f64) = (10.0, 3_600.0);

/// Checks the length typed for each run.
pub fn check_seconds(seconds: f64) -> Result<f64, String> {
    let (low, high) = SECONDS_RANGE;
    if (low..=high).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!(
            "Run length must be between {low:.0} and {high:.0} simulated seconds"
        ))
    }
}

/// Reads the run length typed in the form (the one number reader, then the range check).
pub fn read_seconds(text: &str) -> Result<f64, String> {
    match crate::editor::number::read_number(text, Some("s")) {
        Ok(value) => check_seconds(value),
        Err(crate::editor::number::NumberProblem::Empty) => {
            Err("Run length: type a number of simulated seconds".to_owned())
        }
        Err(crate::editor::number::NumberProblem::NotANumber { text }) => {
            Err(format!("Run length: “{text}” is not a number"))
        }
    }
}

/// A chart of one figure over time with A's and B's first runs overlaid: SVG polyline points in a
/// `width` × `height` box, and the scale they share.
#[derive(Clone, Debug, PartialEq)]
pub struct Overlay {
    pub title: &'static str,
    pub a: String,
    pub b: String,
    /// The top of the value axis, in the figure's unit, and its words ("250 ms").
    pub top: f64,
    pub top_label: String,
    /// The end of the time axis, simulated seconds.
    pub end_s: f64,
}

/// A figure an overlaid chart draws: its title, how to read it from a second, its unit.
pub type Overlaid = (
    &'static str,
    fn(&engine::metrics::SeriesPoint) -> f64,
    &'static str,
);

/// The figures the overlaid charts draw.
pub const OVERLAID: [Overlaid; 3] = [
    ("Latency p95 (ms)", |point| point.p95_ms, "ms"),
    ("Error rate (%)", |point| point.error_rate * 100.0, "%"),
    ("Throughput (req/s)", |point| point.throughput, "req/s"),
];

/// The overlaid charts of a comparison (none when its first runs kept no series).
pub fn overlays(comparison: &Comparison, width: f64, height: f64) -> Vec<Overlay> {
    let (Some(a), Some(b)) = (comparison.a.first(), comparison.b.first()) else {
        return Vec::new();
    };
    if a.seconds.is_empty() && b.seconds.is_empty() {
        return Vec::new();
    }
    let end_s = a
        .seconds
        .iter()
        .chain(&b.seconds)
        .map(|point| point.time_s)
        .fold(0.0, f64::max)
        .max(1.0);
    OVERLAID
        .iter()
        .map(|(title, pick, unit)| {
            let highest = a
                .seconds
                .iter()
                .chain(&b.seconds)
                .map(pick)
                .fold(0.0, f64::max);
            let top = nice_top(highest);
            let points = |series: &[engine::metrics::SeriesPoint]| {
                series
                    .iter()
                    .map(|point| {
                        let x = point.time_s / end_s * width;
                        let y = height - (pick(point) / top).clamp(0.0, 1.0) * height;
                        format!("{x:.1},{y:.1}")
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            Overlay {
                title,
                a: points(&a.seconds),
                b: points(&b.seconds),
                top,
                top_label: format!("{} {unit}", super::format::plain_number(top)),
                end_s,
            }
        })
        .collect()
}

/// A round value at or above `value` for the top of an axis: 1, 2 or 5 times a power of ten.
pub fn nice_top(value: f64) -> f64 {
    if !(value.is_finite() && value > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|top| *top >= value)
        .unwrap_or(10.0 * power)
}
