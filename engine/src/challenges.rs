//! The built-in challenges (the first one; the catalogue of the scaling story follows).
use crate::challenge::{Challenge, DEFAULT_SEEDS};
use crate::objective::{Bound, Measure, Objective};
use crate::{NodeKind, presets};

pub fn all() -> Vec<Challenge> {
    let o = |measure, bound, target, points, bonus| Objective {
        measure,
        bound,
        target,
        from_s: 30.0,
        to_s: 120.0,
        points,
        bonus,
    };
    vec![Challenge {
        id: "rush-hour".into(),
        title: "Rush hour".into(),
        story: "A single server that falls over at rush hour.".into(),
        learn: vec!["Capacity".into(), "Queueing".into()],
        objectives: vec![
            o(Measure::Availability, Bound::AtLeast, 0.995, 40, false),
            o(Measure::P95Ms, Bound::AtMost, 300.0, 40, false),
            o(Measure::Spofs, Bound::AtMost, 0.0, 20, true),
        ],
        budget_per_hour: Some(1.5),
        allowed: NodeKind::ALL.to_vec(),
        locked: vec!["users".into()],
        start: presets::single_server(),
        seconds: 120.0,
        seeds: DEFAULT_SEEDS.to_vec(),
    }]
}
