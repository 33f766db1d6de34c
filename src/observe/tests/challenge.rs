//! The challenge views: the tracker's standing of each objective as a run goes, the debrief read
//! off a real grade, and the stars kept in storage.

use engine::challenge::{Challenge, DEFAULT_SEEDS, grade_design, grade_traces};
use engine::histogram::Histogram;
use engine::objective::{Bound, Happening, Measure, Objective, Second, Trace};
use engine::{NodeKind, presets};

use crate::observe::challenge::{
    Standing, debrief, keep_best, read_stars, record_stars, star_text, tracker_rows, write_stars,
};

fn objective(measure: Measure, bound: Bound, target: f64, bonus: bool) -> Objective {
    Objective {
        measure,
        bound,
        target,
        from_s: 10.0,
        to_s: 40.0,
        points: 25,
        bonus,
    }
}

fn challenge() -> Challenge {
    Challenge {
        id: "test".to_owned(),
        title: "Test".to_owned(),
        story: String::new(),
        learn: Vec::new(),
        objectives: vec![
            objective(Measure::Availability, Bound::AtLeast, 0.99, false),
            objective(Measure::P95Ms, Bound::AtMost, 100.0, false),
            objective(
                Measure::AlertAfterFault {
                    message: "Payment failed".to_owned(),
                },
                Bound::AtMost,
                30.0,
                true,
            ),
            objective(Measure::Spofs, Bound::AtMost, 0.0, true),
        ],
        budget_per_hour: None,
        allowed: NodeKind::ALL.to_vec(),
        locked: vec!["users".to_owned()],
        start: presets::single_server(),
        seconds: 40.0,
        seeds: DEFAULT_SEEDS.to_vec(),
    }
}

/// `n` seconds of 100 answers at `latency_ms`, `failed` of them failing.
fn trace(n: usize, failed: u64, latency_ms: u64) -> Trace {
    let mut histogram = Histogram::new();
    histogram.record_n(latency_ms * 1_000_000, 100 - failed);
    let second = Second {
        completed: 100 - failed,
        failed,
        latency: histogram.buckets_since(&Histogram::new()),
        ..Second::default()
    };
    Trace {
        seconds: vec![second; n],
        ..Trace::default()
    }
}

fn standings(rows: &[crate::observe::challenge::ObjectiveRow]) -> Vec<Standing> {
    rows.iter().map(|row| row.standing).collect()
}

#[test]
fn the_tracker_waits_for_a_window_then_says_how_it_goes_so_far() {
    let challenge = challenge();
    // Before the window opens: waiting (the design's own SPOF count is known at once).
    let rows = tracker_rows(&challenge, &trace(5, 0, 50), 5.0);
    assert_eq!(
        standings(&rows),
        [
            Standing::Waiting,
            Standing::Waiting,
            Standing::Waiting,
            Standing::Passed
        ]
    );
    assert_eq!(rows[0].value, "from 10 s");
    // Inside it, with enough traffic: on track and off track.
    let rows = tracker_rows(&challenge, &trace(25, 0, 200), 25.0);
    assert_eq!(rows[0].standing, Standing::OnTrack);
    assert_eq!(rows[0].value, "so far 100.00 %");
    assert_eq!(rows[1].standing, Standing::OffTrack);
    // No fault yet: the alert is still to come.
    assert_eq!(rows[2].standing, Standing::Waiting);
    // The window closed: passed or failed for good.
    let mut done = trace(40, 5, 50);
    done.happenings = vec![(
        20.0,
        Happening::Fault {
            what: "kill server".to_owned(),
        },
    )];
    let rows = tracker_rows(&challenge, &done, 40.0);
    assert_eq!(
        standings(&rows),
        [
            Standing::Failed,
            Standing::Passed,
            Standing::Failed,
            Standing::Passed
        ]
    );
    assert_eq!(rows[0].value, "95.00 %");
    assert_eq!(rows[2].value, "never happened");
}

#[test]
fn the_debrief_reads_a_real_grade() {
    let challenge = challenge();
    // The single server passes availability and p95 over 10–40 s, has two SPOFs and no fault.
    let grade = grade_design(&challenge, &challenge.start);
    let debrief = debrief(&grade);
    assert_eq!(debrief.rows.len(), 4);
    assert_eq!(debrief.per_seed.len(), 4);
    assert!(
        debrief.per_seed[0].starts_with("seed 11: "),
        "{:?}",
        debrief.per_seed
    );
    assert_eq!(debrief.rows[3].standing, Standing::Failed);
    assert_eq!(debrief.rows[3].value, "2");
    assert_eq!(debrief.score, grade.score);
    assert_eq!(debrief.stars, grade.stars);
    if grade.passed {
        assert_eq!(debrief.headline, "Passed on all 3 grading seeds");
        // Primaries passed, no bonus: one star, and the tip names the first failed bonus's idea.
        assert_eq!(debrief.stars, 1);
    }
    assert!(debrief.tip.is_some());
}

#[test]
fn a_broken_rule_is_the_headline() {
    let challenge = challenge();
    let grade = grade_traces(
        &challenge,
        &[1],
        &[trace(40, 0, 50)],
        vec!["Users is locked and was changed".to_owned()],
        Vec::new(),
    );
    let debrief = debrief(&grade);
    assert_eq!(
        debrief.headline,
        "Not graded: the design breaks the challenge's rules"
    );
    assert_eq!((debrief.score, debrief.stars), (0, 0));
    assert_eq!(debrief.violations.len(), 1);
}

#[test]
fn stars_are_kept_at_their_best_and_survive_damaged_storage() {
    let mut stars = read_stars("rush-hour=2\ngarbage\nscale-out=9\n=1\nbudget=3\n");
    assert_eq!(stars.len(), 2);
    assert!(!record_stars(&mut stars, "rush-hour", 1));
    assert!(record_stars(&mut stars, "rush-hour", 3));
    assert!(record_stars(&mut stars, "scale-up", 1));
    assert_eq!(write_stars(&stars), "budget=3\nrush-hour=3\nscale-up=1\n");
    assert_eq!(read_stars(&write_stars(&stars)), stars);
    assert_eq!(star_text(2), "★★☆");
    assert_eq!(star_text(0), "☆☆☆");
}

#[test]
fn a_submission_keeps_the_best_run_of_each_challenge() {
    let run = |seed| engine::RunFile::new(presets::single_server(), seed);
    let mut results = Vec::new();
    assert!(keep_best(&mut results, "a", run(1), 60, 0));
    assert!(keep_best(&mut results, "b", run(2), 100, 3));
    // Worse: kept out. As good: the latest wins. Better: replaces.
    assert!(!keep_best(&mut results, "a", run(3), 40, 0));
    assert!(keep_best(&mut results, "a", run(4), 60, 0));
    assert!(keep_best(&mut results, "a", run(5), 80, 1));
    let kept: Vec<(&str, u64, u32)> = results
        .iter()
        .map(|r| (r.challenge.as_str(), r.run.seed, r.claimed_score))
        .collect();
    assert_eq!(kept, [("b", 2, 100), ("a", 5, 80)]);
}
