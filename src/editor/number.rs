//! The one reader for numbers people type into forms: the inspector's parameters, the traffic
//! pattern form, the alert rule form, the fault form and the seed all read text through here, so
//! they accept the same input.
//!
//! Accepted: spaces around the number, `_` between digits (`10_000`), a decimal comma (`80,5`), and
//! the field's own unit after the number (`12.5 s` in a seconds field). Refused: empty text, words,
//! and `inf` or `NaN`, which no design can hold. Whether the number fits the field (not negative,
//! at most 100 %) is the form's check, not the reader's.

/// Why typed text is not a number; each form words it in its own sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberProblem {
    /// Nothing typed (or only the unit).
    Empty,
    /// Not a number; `text` is what was typed, trimmed.
    NotANumber { text: String },
}

/// A finite number from `text`, with `unit` (`"s"`, say) allowed after it.
pub fn read_number(text: &str, unit: Option<&str>) -> Result<f64, NumberProblem> {
    let number = normalised(text, unit)?;
    match number.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(not_a_number(text)),
    }
}

/// A whole number from 0 to `u64::MAX` from `text`, read exactly (no detour through `f64`).
pub fn read_whole_number(text: &str) -> Result<u64, NumberProblem> {
    normalised(text, None)?
        .parse::<u64>()
        .map_err(|_| not_a_number(text))
}

/// The text as Rust reads numbers: trimmed, the unit and digit separators dropped, a decimal comma
/// made a point.
fn normalised(text: &str, unit: Option<&str>) -> Result<String, NumberProblem> {
    let mut number = text.trim();
    if let Some(unit) = unit.filter(|unit| !unit.is_empty()) {
        number = number.strip_suffix(unit).unwrap_or(number).trim_end();
    }
    if number.is_empty() {
        return Err(NumberProblem::Empty);
    }
    Ok(number.replace('_', "").replace(',', "."))
}

fn not_a_number(text: &str) -> NumberProblem {
    NumberProblem::NotANumber {
        text: text.trim().to_owned(),
    }
}
