//! Time travel's marks, keys and the responder's actions read from the run's timeline.

use std::collections::VecDeque;

use engine::design::{Channel, Fault, ScheduledFault};
use engine::{AlertState, LiveCommand, RunAction, RunEntry, Simulation, presets};

use super::alerts::notification;
use crate::observe::incidents::{IncidentStatus, incidents};
use crate::observe::run_marks::{
    MarkKind, ScrubKey, action_label, marks, position_percent, reading, responses, scrub_target,
};

fn at(seconds: f64, action: RunAction) -> RunEntry {
    RunEntry {
        at_ns: (seconds * 1e9) as u64,
        action,
    }
}

#[test]
fn marks_gather_recorded_actions_alerts_and_scheduled_faults_in_time_order() {
    // A real run: a kill scheduled in the design at 5 s reaches the log as a fault and a crash.
    let mut design = presets::horizontal_scaling();
    design.faults = vec![ScheduledFault {
        at_s: 5.0,
        duration_s: None,
        fault: Fault::Kill {
            node: "server-2".to_owned(),
        },
    }];
    let mut simulation = Simulation::new(&design, 3).expect("valid");
    let mut logs = VecDeque::new();
    for _ in 0..12 {
        simulation.advance(1.0);
        logs.extend(simulation.snapshot().logs);
    }
    let timeline = vec![
        at(
            2.0,
            RunAction::Live(LiveCommand::Kill {
                node: "server-1".to_owned(),
            }),
        ),
        at(
            3.0,
            RunAction::Live(LiveCommand::Explain {
                node: "lb".to_owned(),
                on: true,
            }),
        ),
        at(8.0, RunAction::Acknowledge { incident: 1 }),
        at(
            9.0,
            RunAction::Marker {
                note: "roll back here?".to_owned(),
            },
        ),
        at(10.0, RunAction::Edit(design)),
    ];
    let notifications: VecDeque<_> = [
        notification(
            6.0,
            "High error rate",
            AlertState::Firing,
            Channel::Pagerduty,
        ),
        notification(
            11.0,
            "High error rate",
            AlertState::Resolved,
            Channel::Pagerduty,
        ),
    ]
    .into();
    let marks = marks(&timeline, &notifications, &logs, 0.5);
    let told: Vec<(f64, MarkKind, &str)> = marks
        .iter()
        .map(|mark| (mark.time_s, mark.kind, mark.label.as_str()))
        .collect();
    // The live kill is one mark (its crash line is not told twice); Explain is not a mark; the
    // scheduled kill at 5 s is one fault mark (its crash line is the same moment).
    assert_eq!(told[0], (2.0, MarkKind::Fault, "Killed server-1"));
    assert_eq!(told[1].1, MarkKind::Fault);
    assert!((told[1].0 - 5.0).abs() < 1e-6);
    assert_eq!(told[1].2, "Fault: Kill server-2");
    assert_eq!(
        told[2..],
        [
            (
                6.0,
                MarkKind::AlertFired,
                "Alert “High error rate” fired on server"
            ),
            (8.0, MarkKind::Response, "Incident #1 acknowledged"),
            (9.0, MarkKind::Bookmark, "Bookmark: roll back here?"),
            (10.0, MarkKind::Edit, "Design edited while running"),
            (
                11.0,
                MarkKind::AlertResolved,
                "Alert “High error rate” resolved on server"
            ),
        ]
    );
    assert!(
        marks
            .windows(2)
            .all(|pair| pair[0].time_s <= pair[1].time_s)
    );
}

#[test]
fn scrubber_keys_step_by_a_second_or_ten_and_jump_to_the_ends() {
    assert_eq!(scrub_target(ScrubKey::Left, false, 30.0, 100.0), Some(29.0));
    assert_eq!(scrub_target(ScrubKey::Left, true, 30.0, 100.0), Some(20.0));
    assert_eq!(scrub_target(ScrubKey::Left, true, 4.0, 100.0), Some(0.0));
    assert_eq!(scrub_target(ScrubKey::Left, false, 0.0, 100.0), None);
    assert_eq!(
        scrub_target(ScrubKey::Right, false, 99.5, 100.0),
        Some(100.0)
    );
    assert_eq!(scrub_target(ScrubKey::Right, false, 100.0, 100.0), None);
    assert_eq!(scrub_target(ScrubKey::Home, false, 42.0, 100.0), Some(0.0));
    assert_eq!(scrub_target(ScrubKey::End, false, 42.0, 100.0), Some(100.0));
    assert_eq!(position_percent(25.0, 100.0), 25.0);
    assert_eq!(position_percent(150.0, 100.0), 100.0);
    assert_eq!(position_percent(3.0, 0.0), 0.0);
    assert_eq!(reading(75.0, 200.0), "01:15 of 03:20");
}

#[test]
fn the_responders_actions_are_read_from_the_timeline_up_to_the_instant_in_view() {
    let notifications: VecDeque<_> = [
        notification(
            10.0,
            "High error rate",
            AlertState::Firing,
            Channel::Pagerduty,
        ),
        notification(
            30.0,
            "High error rate",
            AlertState::Resolved,
            Channel::Pagerduty,
        ),
        notification(40.0, "High CPU", AlertState::Firing, Channel::Pagerduty),
    ]
    .into();
    let timeline = vec![
        at(12.0, RunAction::Acknowledge { incident: 1 }),
        at(45.0, RunAction::Resolve { incident: 2 }),
        // An incident the run never opened is ignored, never a panic.
        at(46.0, RunAction::Acknowledge { incident: 9 }),
        at(46.5, RunAction::Acknowledge { incident: 0 }),
    ];
    let now = responses(&notifications, &timeline, 50.0);
    let listed = incidents(&notifications, &now);
    assert_eq!(listed[0].acknowledged_s, Some(12.0));
    assert_eq!(listed[1].status(), IncidentStatus::Resolved);
    assert_eq!(listed[1].acknowledged_s, Some(45.0));
    // Back at 44 s: the second incident is open and unacknowledged again.
    let earlier = responses(&notifications, &timeline, 44.0);
    let listed = incidents(&notifications, &earlier);
    assert_eq!(listed[1].status(), IncidentStatus::Triggered);
    assert_eq!(listed[0].acknowledged_s, Some(12.0));
    assert_eq!(
        action_label(&RunAction::Resolve { incident: 2 }),
        "Incident #2 resolved"
    );
}
