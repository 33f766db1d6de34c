//! The traffic pattern form and its preview.

use engine::params::{RatePattern, UsersParams};
use serde_json::json;

use crate::editor::pattern::{
    SHAPES, default_pattern, pattern_fields, preview_seconds, shape_of, span_text, sparkline,
    with_field,
};
use crate::editor::{Command, ParamValue, apply};

#[test]
fn every_shape_has_a_default_the_engine_accepts_and_a_form() {
    for shape in SHAPES {
        let pattern = default_pattern(shape, 100.0).expect(shape);
        assert_eq!(shape_of(&pattern), shape);
        let mut design = engine::presets::single_server();
        let command = Command::SetParam {
            node: "users".to_owned(),
            field: "pattern".to_owned(),
            value: ParamValue::Json(serde_json::to_value(&pattern).unwrap()),
        };
        apply(&mut design, &command).unwrap_or_else(|error| panic!("{shape}: {error}"));
        // Every number the form shows edits back into the same pattern.
        for field in pattern_fields(&pattern) {
            let json = with_field(&pattern, field.key, &field.text).expect(field.key);
            let back: RatePattern = serde_json::from_value(json).expect("reads back");
            assert_eq!(back, pattern, "{shape}.{}", field.key);
        }
    }
    assert_eq!(default_pattern("zigzag", 1.0), None);
    assert!(pattern_fields(&RatePattern::Constant).is_empty());
}

#[test]
fn a_typed_number_lands_in_its_field_and_a_word_is_refused() {
    let spike = default_pattern("spike", 100.0).unwrap();
    assert_eq!(
        with_field(&spike, "factor", " 5 ").unwrap(),
        json!({"shape": "spike", "at_s": 60.0, "duration_s": 30.0, "factor": 5.0})
    );
    assert_eq!(
        with_field(&spike, "factor", "lots").unwrap_err(),
        "must be a number, got \"lots\""
    );
    assert!(with_field(&spike, "factor", "inf").is_err());
    assert!(
        with_field(&spike, "period_s", "3").is_err(),
        "a spike has no period"
    );
    // Out of range numbers reach the design's validation, which refuses them with a message.
    let mut design = engine::presets::single_server();
    let negative = with_field(&spike, "duration_s", "-5").unwrap();
    let refused = apply(
        &mut design,
        &Command::SetParam {
            node: "users".to_owned(),
            field: "pattern".to_owned(),
            value: ParamValue::Json(negative),
        },
    );
    assert!(refused.is_err());
}

#[test]
fn the_sparkline_draws_the_rate_the_model_sends() {
    let params = UsersParams {
        rate_per_second: 100.0,
        pattern: RatePattern::Spike {
            at_s: 60.0,
            duration_s: 30.0,
            factor: 3.0,
        },
        ..UsersParams::default()
    };
    assert_eq!(preview_seconds(&params.pattern), 135.0);
    let (points, peak) = sparkline(&params, 120.0, 30.0);
    assert!((peak - 300.0).abs() < 1e-9, "{peak}");
    let ys: Vec<f64> = points
        .split(' ')
        .map(|point| point.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(ys.len(), 121);
    // Before the spike at a third of the peak (y = 20 of 30), during it at the top (y = 0).
    assert!((ys[0] - 20.0).abs() < 0.1, "{}", ys[0]);
    let during = (75.0 / 135.0 * 120.0) as usize;
    assert!(ys[during].abs() < 0.1, "{}", ys[during]);
    // A ramp from zero starts at the bottom.
    let ramp = UsersParams {
        pattern: default_pattern("ramp", 100.0).unwrap(),
        ..params
    };
    let (points, _) = sparkline(&ramp, 120.0, 30.0);
    assert!(points.starts_with("0.0,30.0"), "{points}");
    assert_eq!(span_text(45.0), "45 s");
    assert_eq!(span_text(1200.0), "20 min");
    assert_eq!(span_text(7200.0), "2 h");
}
