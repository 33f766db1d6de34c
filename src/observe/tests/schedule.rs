//! The fault schedule's axis.

use engine::design::{Fault, ScheduledFault};

use crate::observe::schedule::{axis_span, bar, when};

fn kill(at_s: f64, duration_s: Option<f64>) -> ScheduledFault {
    ScheduledFault {
        at_s,
        duration_s,
        fault: Fault::Kill {
            node: "server-1".to_owned(),
        },
    }
}

#[test]
fn the_axis_spans_now_and_every_fault_with_room_and_at_least_a_minute() {
    let cases = [
        (vec![], 0.0, 60.0),
        (vec![], 100.0, 110.0),
        (vec![kill(100.0, Some(50.0))], 20.0, 165.0),
        (vec![kill(100.0, None), kill(10.0, Some(5.0))], 20.0, 121.0),
    ];
    for (faults, now_s, span) in cases {
        let found = axis_span(&faults, now_s);
        assert!(
            (found - span).abs() < 1e-9,
            "{faults:?} at {now_s}: {found}"
        );
    }
}

#[test]
fn a_bar_sits_at_its_time_and_an_instant_fault_stays_visible() {
    assert_eq!(bar(&kill(30.0, Some(60.0)), 120.0), (25.0, 50.0));
    assert_eq!(bar(&kill(60.0, None), 120.0), (50.0, 1.0));
    assert_eq!(bar(&kill(0.0, Some(0.5)), 120.0), (0.0, 1.0));
    assert_eq!(when(&kill(30.0, Some(20.0))), "at 00:30 for 20.0 s");
    assert_eq!(when(&kill(3_600.0, None)), "at 1:00:00");
}
