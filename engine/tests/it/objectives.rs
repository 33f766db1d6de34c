//! The objective evaluator on synthetic one-second traces: window edges, an empty window, not
//! enough traffic, an unfinished window, alerts after a fault, recovery, edits during an incident;
//! then a Tracer on a real run agrees with the run's own totals.

use engine::histogram::Histogram;
use engine::objective::{
    Bound, Happening, MIN_ANSWERED, Measure, Objective, Outcome, Second, Status, Trace, Tracer,
    drill_report, evaluate,
};
use engine::{NodeKind, Simulation, presets};

/// A second with `completed` successes at `latency_ms` and `failed` failures.
fn second(completed: u64, failed: u64, latency_ms: u64) -> Second {
    let mut histogram = Histogram::new();
    histogram.record_n(latency_ms * 1_000_000, completed);
    Second {
        completed,
        failed,
        revenue_lost: failed as f64,
        cost_per_hour: 1.0,
        cpu: vec![0.5],
        latency: histogram.buckets_since(&Histogram::new()),
    }
}

fn objective(measure: Measure, bound: Bound, target: f64, from_s: f64, to_s: f64) -> Objective {
    Objective {
        measure,
        bound,
        target,
        from_s,
        to_s,
        points: 10,
        bonus: false,
    }
}

fn check(objective: &Objective, trace: &Trace, value: Option<f64>, status: Status) {
    let Outcome {
        value: got,
        status: got_status,
    } = evaluate(objective, trace);
    assert_eq!(got_status, status, "{}", objective.describe());
    match (got, value) {
        (Some(got), Some(want)) => assert!(
            (got - want).abs() <= 1e-6 * want.abs().max(1.0),
            "{}: {got} ≠ {want}",
            objective.describe()
        ),
        (got, want) => assert_eq!(got, want, "{}", objective.describe()),
    }
}

/// Ten healthy seconds (100 answers at 50 ms), then ten with half failing at 400 ms.
fn ten_good_ten_bad() -> Trace {
    let mut seconds: Vec<Second> = (0..10).map(|_| second(100, 0, 50)).collect();
    seconds.extend((0..10).map(|_| second(50, 50, 400)));
    Trace {
        seconds,
        ..Trace::default()
    }
}

#[test]
fn availability_and_latency_count_only_the_seconds_inside_the_window() {
    let trace = ten_good_ten_bad();
    let availability = |from, to| objective(Measure::Availability, Bound::AtLeast, 0.99, from, to);
    // [0, 10): every request succeeds.
    check(&availability(0.0, 10.0), &trace, Some(1.0), Status::Passed);
    // [5, 15): 500 + 250 successes of 1 000.
    check(&availability(5.0, 15.0), &trace, Some(0.75), Status::Failed);
    // [10, 20): half of the requests fail.
    check(&availability(10.0, 20.0), &trace, Some(0.5), Status::Failed);
    // p95 over [0, 10) is 50 ms (within a histogram bucket); over [0, 20) the slow tail shows.
    let p95 = |to| objective(Measure::P95Ms, Bound::AtMost, 300.0, 0.0, to);
    let outcome = evaluate(&p95(10.0), &trace);
    assert_eq!(outcome.status, Status::Passed);
    assert!((outcome.value.expect("measured") - 50.0).abs() < 0.5);
    let outcome = evaluate(&p95(20.0), &trace);
    assert_eq!(outcome.status, Status::Failed);
    assert!((outcome.value.expect("measured") - 400.0).abs() < 4.0);
    // Throughput and money over the window.
    check(
        &objective(Measure::Throughput, Bound::AtLeast, 100.0, 0.0, 20.0),
        &trace,
        Some(100.0),
        Status::Passed,
    );
    check(
        &objective(Measure::RevenueLost, Bound::AtMost, 100.0, 12.0, 20.0),
        &trace,
        Some(400.0),
        Status::Failed,
    );
    check(
        &objective(Measure::ErrorRate, Bound::AtMost, 0.2, 10.0, 20.0),
        &trace,
        Some(0.5),
        Status::Failed,
    );
}

#[test]
fn a_window_without_enough_traffic_never_passes() {
    // 99 successes a second for 10 s is 990 < MIN_ANSWERED: perfect, and still not enough.
    let trace = Trace {
        seconds: (0..10).map(|_| second(99, 0, 10)).collect(),
        ..Trace::default()
    };
    const { assert!(99 * 10 < MIN_ANSWERED) };
    let availability = objective(Measure::Availability, Bound::AtLeast, 0.99, 0.0, 10.0);
    check(&availability, &trace, Some(1.0), Status::NotEnoughTraffic);
    // An empty board: no answers at all.
    let empty = Trace {
        seconds: vec![Second::default(); 10],
        ..Trace::default()
    };
    check(&availability, &empty, None, Status::NotEnoughTraffic);
    let p95 = objective(Measure::P95Ms, Bound::AtMost, 300.0, 0.0, 10.0);
    check(&p95, &empty, None, Status::NotEnoughTraffic);
    // An empty window (from = to) has no answers either.
    let trace = ten_good_ten_bad();
    check(
        &objective(Measure::Availability, Bound::AtLeast, 0.99, 5.0, 5.0),
        &trace,
        None,
        Status::NotEnoughTraffic,
    );
}

#[test]
fn a_window_the_run_has_not_finished_is_measured_so_far() {
    let trace = ten_good_ten_bad();
    let availability = objective(Measure::Availability, Bound::AtLeast, 0.9, 0.0, 30.0);
    check(&availability, &trace, Some(0.75), Status::Unfinished);
    // The design's own figures need no window.
    let trace = Trace {
        spofs: 2,
        nodes: vec![(NodeKind::Server, 3)],
        ..ten_good_ten_bad()
    };
    check(
        &objective(Measure::Spofs, Bound::AtMost, 0.0, 0.0, 30.0),
        &trace,
        Some(2.0),
        Status::Failed,
    );
    check(
        &objective(
            Measure::Nodes {
                kind: NodeKind::Server,
            },
            Bound::AtLeast,
            3.0,
            0.0,
            30.0,
        ),
        &trace,
        Some(3.0),
        Status::Passed,
    );
}

fn fault() -> Happening {
    Happening::Fault {
        what: "kill server-1".to_owned(),
    }
}

fn fired(message: &str) -> Happening {
    Happening::AlertFired {
        rule: message.to_owned(),
        message: message.to_owned(),
    }
}

#[test]
fn an_alert_counts_from_the_first_fault_in_the_window() {
    let mut trace = ten_good_ten_bad();
    trace.happenings = vec![
        (2.0, fired("Noise")),
        (10.0, fault()),
        (12.0, fired("Something went wrong")),
        (14.5, fired("Payment failed")),
    ];
    let payment = |to| {
        objective(
            Measure::AlertAfterFault {
                message: "payment failed".to_owned(),
            },
            Bound::AtMost,
            5.0,
            0.0,
            to,
        )
    };
    check(&payment(20.0), &trace, Some(4.5), Status::Passed);
    // The alert fired after the window closed: never, in this window.
    check(&payment(14.0), &trace, None, Status::Never);
    // Without a fault there is nothing to alert on.
    trace.happenings.retain(|(_, h)| *h != fault());
    check(&payment(20.0), &trace, None, Status::Never);
    // Alerts fired in a window: the noise before 5 s only.
    let quiet = |from, to| objective(Measure::AlertsFired, Bound::AtMost, 0.0, from, to);
    check(&quiet(0.0, 5.0), &trace, Some(1.0), Status::Failed);
    check(&quiet(3.0, 10.0), &trace, Some(0.0), Status::Passed);
}

#[test]
fn recovery_is_the_start_of_ten_good_seconds_after_the_fault() {
    // Good until 5, bad 5..12, good again from 12 to 30.
    let seconds: Vec<Second> = (0..30)
        .map(|i| {
            if (5..12).contains(&i) {
                second(50, 50, 50)
            } else {
                second(100, 0, 50)
            }
        })
        .collect();
    let mut trace = Trace {
        seconds,
        happenings: vec![(5.5, fault())],
        ..Trace::default()
    };
    let mttr = |to| objective(Measure::RecoverySeconds, Bound::AtMost, 10.0, 0.0, to);
    check(&mttr(30.0), &trace, Some(6.5), Status::Passed);
    // The window closes before ten good seconds have passed.
    check(&mttr(20.0), &trace, None, Status::Never);
    // Nine good seconds before the window closes are not enough.
    trace.happenings = vec![(21.2, fault())];
    check(&mttr(30.0), &trace, None, Status::Never);
    // A fault nobody noticed recovers at once (no earlier than the fault).
    trace.happenings = vec![(15.0, fault())];
    check(&mttr(30.0), &trace, Some(0.0), Status::Passed);
}

#[test]
fn edits_count_while_an_alert_fires() {
    let mut trace = ten_good_ten_bad();
    trace.happenings = vec![
        (1.0, Happening::Edit),
        (3.0, fired("High error rate")),
        (4.0, Happening::Edit),
        (
            6.0,
            Happening::AlertResolved {
                rule: "High error rate".to_owned(),
            },
        ),
        (8.0, Happening::Edit),
    ];
    let edits = objective(Measure::EditsDuringIncident, Bound::AtMost, 0.0, 0.0, 20.0);
    check(&edits, &trace, Some(1.0), Status::Failed);
}

#[test]
fn a_tracer_on_a_real_run_adds_up_to_the_runs_totals() {
    let design = presets::single_server();
    let mut simulation = Simulation::new(&design, 7).expect("valid preset");
    let mut tracer = Tracer::new();
    for _ in 0..60 {
        simulation.advance_until(tracer.next_sample_ns());
        tracer.sample(&simulation);
    }
    let totals = simulation.totals();
    let trace = tracer.trace();
    assert_eq!(trace.seconds.len(), 60);
    let completed: u64 = trace.seconds.iter().map(|s| s.completed).sum();
    let failed: u64 = trace.seconds.iter().map(|s| s.failed).sum();
    assert_eq!((completed, failed), (totals.completed, totals.failed));
    // The whole run's p95 read off the one-second buckets agrees with the users node's own.
    let whole = objective(Measure::P95Ms, Bound::AtMost, 1e9, 0.0, 60.0);
    let p95 = evaluate(&whole, trace).value.expect("traffic");
    let users = simulation.node_stats("users").expect("users node");
    assert!(
        (p95 - users.p95_ms).abs() <= 0.02 * users.p95_ms,
        "{p95} vs {}",
        users.p95_ms
    );
    // The single server and the database are single points of failure; cost is the preset's.
    assert_eq!(trace.spofs, 2);
    let cost = objective(Measure::CostPerHour, Bound::AtMost, 1.0, 0.0, 60.0);
    let snapshot = simulation.snapshot();
    assert_eq!(evaluate(&cost, trace).value, Some(snapshot.cost_per_hour));
}

#[test]
fn a_drill_reads_detection_first_act_recovery_and_budget() {
    // Good until 20, half failing 20..24, good again; the fault at 20.0 is the drill's own command.
    let seconds: Vec<Second> = (0..40)
        .map(|i| {
            if (20..24).contains(&i) {
                second(50, 50, 50)
            } else {
                second(100, 0, 50)
            }
        })
        .collect();
    let trace = Trace {
        seconds,
        happenings: vec![
            (20.0, fault()),
            (20.0, Happening::Edit),
            (26.0, fired("Something went wrong")),
            (29.5, Happening::Edit),
        ],
        ..Trace::default()
    };
    let report = drill_report(&trace, 20.0, 20.0, 3, 0.999);
    assert_eq!(report.detected_after_s, Some(6.0));
    assert_eq!(report.first_act_after_s, Some(9.5));
    assert_eq!(report.recovered_after_s, Some(4.0));
    assert_eq!((report.answered, report.failed), (2_000, 200));
    // 200 failed against a budget of 0.1 % of 2 000 = 2 requests: a hundred times over.
    assert!((report.budget_burned - 100.0).abs() < 1e-9);
    // A window too short to hold three good seconds never recovers.
    assert_eq!(
        drill_report(&trace, 20.0, 5.0, 3, 0.999).recovered_after_s,
        None
    );
}
