//! The inspector's view of a node's parameters: every editable field with its current value as
//! text, the input it needs and its unit.
//!
//! The list is derived from the parameters' own JSON and checked against the engine's reader, so it
//! never falls out of step with the engine: a new parameter appears in the inspector by itself.
//! Units come from the field names (`_ms`, `_s`, `_mb`, `_per_second`, …), the engine's naming rule.
//! Help text and allowed ranges are not described by the engine yet (only enforced by its
//! validation), so fields carry none; when the engine grows a table of them, this is where they join.

use engine::{NodeKind, NodeParams};
use serde_json::Value;

use super::command::parse_params;

/// One editable parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamField {
    /// The dotted path inside `params`, as `Command::SetParam` takes it (`health_check.interval_ms`).
    pub path: String,
    /// The sections it sits in (`Health check`), empty for top-level fields.
    pub group: String,
    /// The field's name for people, without its unit (`Interval`).
    pub label: String,
    /// The unit to show after the input (`ms`), if any.
    pub unit: Option<&'static str>,
    pub input: FieldInput,
    /// The current value as the input shows it; sending it back unchanged is accepted and changes
    /// nothing.
    pub text: String,
}

/// The kind of input a field needs.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldInput {
    /// A number; `whole` for counts; `optional` when empty means "none" (workers: one per core).
    Number { whole: bool, optional: bool },
    /// true / false.
    Switch,
    /// One of a few names (a select).
    Choice { options: Vec<String> },
    /// A structured value edited as JSON (a traffic pattern, whose fields depend on its shape).
    Json,
}

/// Every editable field of `params`, in the order of the parameters' definition.
pub fn param_fields(params: &NodeParams) -> Vec<ParamField> {
    let kind = params.kind();
    let json = serde_json::to_value(params).unwrap_or(Value::Null);
    let mut fields = Vec::new();
    collect(kind, &json, &json, &mut Vec::new(), &mut fields);
    fields
}

fn collect(
    kind: NodeKind,
    root: &Value,
    value: &Value,
    path: &mut Vec<String>,
    fields: &mut Vec<ParamField>,
) {
    match value {
        // A tagged enum (`{"shape": "ramp", …}`) changes its fields with its tag: edit it whole.
        Value::Object(map) if path.is_empty() || !map.contains_key("shape") => {
            for (key, child) in map {
                path.push(key.clone());
                collect(kind, root, child, path, fields);
                path.pop();
            }
        }
        leaf => fields.push(field(kind, root, leaf, path)),
    }
}

fn field(kind: NodeKind, root: &Value, value: &Value, path: &[String]) -> ParamField {
    let joined = path.join(".");
    let name = path.last().map_or("", String::as_str);
    let (stem, unit) = split_unit(name);
    let accepts = |probe: Value| {
        let mut candidate = root.clone();
        if let Some(slot) = path
            .iter()
            .try_fold(&mut candidate, |node, key| node.get_mut(key.as_str()))
        {
            *slot = probe;
        }
        parse_params(kind, candidate)
    };
    let input = match value {
        Value::Bool(_) => FieldInput::Switch,
        Value::Number(number) => FieldInput::Number {
            whole: number.is_u64() || number.is_i64(),
            optional: accepts(Value::Null).is_ok(),
        },
        Value::Null => FieldInput::Number {
            whole: accepts(Value::from(0.5)).is_err(),
            optional: true,
        },
        Value::String(_) => {
            // The engine's reader lists the names it takes when given one it does not know.
            let message = accepts(Value::from("\u{1}"))
                .err()
                .map(|error| error.problem.to_string())
                .unwrap_or_default();
            FieldInput::Choice {
                options: expected_names(&message),
            }
        }
        Value::Array(_) | Value::Object(_) => FieldInput::Json,
    };
    ParamField {
        group: path[..path.len().saturating_sub(1)]
            .iter()
            .map(|segment| humanise(segment))
            .collect::<Vec<_>>()
            .join(" › "),
        label: humanise(stem),
        unit,
        input,
        text: value_text(value),
        path: joined,
    }
}

/// The value as an input shows it: numbers without a trailing `.0`, nothing for "none".
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Number(number) => match number.as_u64() {
            Some(whole) => whole.to_string(),
            None => number.as_f64().map(|n| n.to_string()).unwrap_or_default(),
        },
        other => other.to_string(),
    }
}

/// `interval_ms` → (`interval`, `ms`); `rate_per_second` → (`rate`, `/s`).
fn split_unit(name: &str) -> (&str, Option<&'static str>) {
    // The one name where `_s` is not seconds: the Zipf exponent `s`.
    if name == "zipf_s" {
        return ("Zipf exponent", None);
    }
    const SUFFIXES: [(&str, &str); 8] = [
        ("_per_second", "/s"),
        ("_per_hour", "$/h"),
        ("_per_request_mb", "MiB per request"),
        ("_ms", "ms"),
        ("_s", "s"),
        ("_mb", "MiB"),
        ("_bytes", "bytes"),
        ("_keys", "keys"),
    ];
    SUFFIXES
        .iter()
        .find_map(|(suffix, unit)| {
            name.strip_suffix(suffix)
                .filter(|stem| !stem.is_empty())
                .map(|stem| (stem, Some(*unit)))
        })
        .unwrap_or((name, None))
}

/// `max_connections` → `Max connections`.
fn humanise(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut characters = words.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The backticked names after "expected" in a serde message ("expected one of `a`, `b`").
fn expected_names(message: &str) -> Vec<String> {
    let Some((_, expected)) = message.split_once("expected ") else {
        return Vec::new();
    };
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}
