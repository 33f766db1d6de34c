//! The traffic pattern as a form: a shape to choose and a few numbers per shape, instead of JSON text,
//! and the sparkline that previews the rate it gives over time (drawn from the engine's own
//! [`engine::params::UsersParams::rate_at`], so the preview is what the model will send).

use engine::params::{RatePattern, UsersParams};
use serde_json::Value;

use super::number::read_number;

/// The shapes a pattern can take, in the order the form offers them.
pub const SHAPES: [&str; 5] = ["constant", "ramp", "step", "spike", "diurnal"];

/// One number of a pattern's form.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternField {
    /// The key inside the pattern's JSON (`duration_s`).
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub help: &'static str,
    /// The current value as the input shows it.
    pub text: String,
}

/// A shape's name for people.
pub fn shape_label(shape: &str) -> &'static str {
    match shape {
        "constant" => "Constant",
        "ramp" => "Ramp up",
        "step" => "Step",
        "spike" => "Spike",
        "diurnal" => "Day and night (sine)",
        _ => "Unknown",
    }
}

/// The shape of `pattern` (its JSON tag).
pub fn shape_of(pattern: &RatePattern) -> &'static str {
    match pattern {
        RatePattern::Constant => "constant",
        RatePattern::Ramp { .. } => "ramp",
        RatePattern::Step { .. } => "step",
        RatePattern::Spike { .. } => "spike",
        RatePattern::Diurnal { .. } => "diurnal",
    }
}

/// A pattern of `shape` that starts from sensible numbers for a base rate of `base` requests per
/// second (what choosing a shape in the form gives). `None` for an unknown shape.
pub fn default_pattern(shape: &str, base: f64) -> Option<RatePattern> {
    Some(match shape {
        "constant" => RatePattern::Constant,
        "ramp" => RatePattern::Ramp {
            start_rate_per_second: 0.0,
            duration_s: 60.0,
        },
        "step" => RatePattern::Step {
            at_s: 60.0,
            rate_per_second_after: (base * 2.0).round(),
        },
        "spike" => RatePattern::Spike {
            at_s: 60.0,
            duration_s: 30.0,
            factor: 3.0,
        },
        "diurnal" => RatePattern::Diurnal {
            period_s: 600.0,
            amplitude: 0.5,
        },
        _ => return None,
    })
}

/// The numbers of `pattern`'s form, in the order they read best.
pub fn pattern_fields(pattern: &RatePattern) -> Vec<PatternField> {
    let field = |key, label, unit, help, value: f64| PatternField {
        key,
        label,
        unit,
        help,
        text: number_text(value),
    };
    match pattern {
        RatePattern::Constant => Vec::new(),
        RatePattern::Ramp {
            start_rate_per_second,
            duration_s,
        } => vec![
            field(
                "start_rate_per_second",
                "Start rate",
                "/s",
                "The rate at the start; it grows in a straight line to the base rate.",
                *start_rate_per_second,
            ),
            field(
                "duration_s",
                "Over",
                "s",
                "How long the ramp takes.",
                *duration_s,
            ),
        ],
        RatePattern::Step {
            at_s,
            rate_per_second_after,
        } => vec![
            field("at_s", "At", "s", "When the rate changes.", *at_s),
            field(
                "rate_per_second_after",
                "Rate after",
                "/s",
                "The rate from then on.",
                *rate_per_second_after,
            ),
        ],
        RatePattern::Spike {
            at_s,
            duration_s,
            factor,
        } => vec![
            field("at_s", "At", "s", "When the spike starts.", *at_s),
            field("duration_s", "For", "s", "How long it lasts.", *duration_s),
            field(
                "factor",
                "Factor",
                "×",
                "How many times the base rate the users send during the spike.",
                *factor,
            ),
        ],
        RatePattern::Diurnal {
            period_s,
            amplitude,
        } => vec![
            field(
                "period_s",
                "Period",
                "s",
                "Length of one day (one full cycle of the sine).",
                *period_s,
            ),
            field(
                "amplitude",
                "Swing",
                "0–1",
                "How far the rate swings around the base: 0.5 means from half to one and a half times.",
                *amplitude,
            ),
        ],
    }
}

/// `pattern` with the number under `key` set to what was typed, as the JSON the engine reads (the
/// design's validation then checks its range). A text that is not a number is refused with a
/// sentence for beside the field.
pub fn with_field(pattern: &RatePattern, key: &str, text: &str) -> Result<Value, String> {
    let number = read_number(text, None)
        .map_err(|_| format!("must be a number, got \"{}\"", text.trim()))?;
    let mut json = serde_json::to_value(pattern).map_err(|error| error.to_string())?;
    match json.get_mut(key) {
        Some(slot) => *slot = Value::from(number),
        None => return Err(format!("a {} pattern has no {key}", shape_of(pattern))),
    }
    Ok(json)
}

/// How many seconds the preview spans: enough to show the whole shape and what follows it.
pub fn preview_seconds(pattern: &RatePattern) -> f64 {
    let seconds = match pattern {
        RatePattern::Constant => 60.0,
        RatePattern::Ramp { duration_s, .. } => duration_s * 1.5,
        RatePattern::Step { at_s, .. } => at_s * 2.0,
        RatePattern::Spike {
            at_s, duration_s, ..
        } => (at_s + duration_s) * 1.5,
        RatePattern::Diurnal { period_s, .. } => period_s * 2.0,
    };
    if seconds.is_finite() {
        seconds.clamp(10.0, 7.0 * 24.0 * 3600.0)
    } else {
        60.0
    }
}

/// The preview: SVG polyline points of the rate over [`preview_seconds`] in a `width` × `height`
/// box (time to the right, rate up, zero at the bottom), and the peak rate the top stands for.
pub fn sparkline(params: &UsersParams, width: f64, height: f64) -> (String, f64) {
    const SAMPLES: usize = 120;
    let span = preview_seconds(&params.pattern);
    let rates: Vec<f64> = (0..=SAMPLES)
        .map(|index| params.rate_at(span * index as f64 / SAMPLES as f64))
        .collect();
    let peak = rates.iter().copied().fold(0.0, f64::max).max(1e-9);
    let points = rates
        .iter()
        .enumerate()
        .map(|(index, rate)| {
            let x = width * index as f64 / SAMPLES as f64;
            let y = height - height * (rate / peak).clamp(0.0, 1.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    (points, peak)
}

/// Seconds as the preview's axis says them: `90 s`, `10 min`, `2 h`.
pub fn span_text(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{} s", number_text(seconds.round()))
    } else if seconds < 7200.0 {
        format!("{} min", number_text((seconds / 60.0).round()))
    } else {
        format!("{} h", number_text((seconds / 3600.0).round()))
    }
}

fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}
