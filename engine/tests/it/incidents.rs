//! Incident response: every built-in scenario is proven both ways (doing nothing leaves the incident
//! open; identify → staging → fix → deploy resolves it); a scripted incident's measures are the
//! differences of its own moments; staging never touches production and reproduces the same way for
//! the same production seed; a production edit during an open incident is "debugged in
//! production", after it is not; a drill saved as a run file re-simulates to the same incident.

use engine::incident::{
    IncidentRun, IncidentStep, REPRODUCED_AFTER, Scenario, scenario, scenarios,
};
use engine::postmortem::{Authored, PostMortem};
use engine::{LiveCommand, Replayer, RunAction, RunEntry, RunFile};

/// Advances until `done` or `limit` more seconds.
fn until(run: &mut IncidentRun, limit: f64, done: impl Fn(&IncidentRun) -> bool) -> bool {
    let end = run.now_s() + limit;
    while !done(run) && run.now_s() < end {
        run.advance(1.0);
    }
    done(run)
}

/// The intended path: detect, acknowledge, pin the top issue, open staging, replay the trigger,
/// reproduce, try the working fix in staging, verify it, deploy it, watch it resolve.
fn intended(scenario: Scenario, seed: u64) -> IncidentRun {
    let id = scenario.id;
    let seconds = scenario.seconds;
    let fraction = scenario.staging_fraction;
    let fix = scenario
        .fixes
        .iter()
        .find(|fix| fix.works)
        .cloned()
        .expect("a fix that works");
    let mut run = IncidentRun::start(scenario, seed).expect("valid");
    assert!(
        until(&mut run, seconds, |r| r.timeline.detected_s.is_some()),
        "{id}: never detected"
    );
    run.advance(10.0);
    run.acknowledge();
    let (issue, count) = run.issues().first().cloned().expect("an issue in the logs");
    assert!(count > 0);
    run.pin(issue.clone());
    run.open_staging(fraction);
    run.replay_in_staging().expect("replays");
    assert!(
        until(&mut run, 120.0, |r| r.timeline.reproduced_s.is_some()),
        "{id}: {issue:?} not reproduced in staging ({} seen)",
        run.reproductions()
    );
    run.try_in_staging(&fix)
        .expect("the fix applies in staging");
    assert!(
        until(&mut run, 240.0, |r| r.timeline.verified_s.is_some()),
        "{id}: the fix did not hold in staging"
    );
    run.deploy(&fix).expect("the fix deploys");
    let left = (seconds - run.now_s()).max(200.0);
    until(&mut run, left, IncidentRun::resolved);
    run
}

#[test]
fn every_scenario_stays_open_without_a_fix_and_resolves_with_the_intended_one() {
    for scenario in scenarios() {
        let id = scenario.id;
        let seconds = scenario.seconds;
        let mut idle = IncidentRun::start(scenario.clone(), 1).expect("valid");
        idle.advance(seconds);
        assert!(idle.timeline.detected_s.is_some(), "{id}: detected");
        assert!(!idle.resolved(), "{id}: resolved by doing nothing");
        assert_eq!(idle.measures().mttr_s, None);

        let run = intended(scenario, 1);
        assert!(run.resolved(), "{id}: not resolved: {:?}", run.timeline);
        let t = &run.timeline;
        let order = [
            t.fault_s,
            t.detected_s,
            t.acknowledged_s,
            t.pinned_s,
            t.staging_s,
            t.reproduced_s,
            t.tried_s,
            t.verified_s,
            t.deployed_s,
            t.resolved_s,
        ];
        let times: Vec<f64> = order.iter().map(|m| m.expect("every moment")).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{id}: out of order {times:?}"
        );
        assert!(t.debugged_in_production.is_empty(), "{id}");
        let measures = run.measures();
        assert!(measures.mttr_s.is_some_and(|m| m > 0.0), "{id}");
    }
}

#[test]
fn a_wrong_fix_does_not_resolve() {
    for scenario in scenarios() {
        let id = scenario.id;
        let seconds = scenario.seconds;
        let wrong = scenario
            .fixes
            .iter()
            .find(|fix| !fix.works)
            .cloned()
            .expect("a tempting wrong fix");
        let mut run = IncidentRun::start(scenario, 1).expect("valid");
        until(&mut run, seconds, |r| r.timeline.detected_s.is_some());
        // A wrong fix may be refused (nothing to roll back); either way nothing gets better.
        let _ = run.deploy(&wrong);
        let left = seconds - run.now_s();
        run.advance(left.max(0.0));
        assert!(!run.resolved(), "{id}: {} resolved it", wrong.id);
    }
}

#[test]
fn a_scripted_incident_measures_exactly_its_own_moments() {
    let scenario = scenario("bad-payment-release").expect("built in");
    let fix = scenario.fix("rollback").cloned().expect("rollback");
    let mut run = IncidentRun::start(scenario, 3).expect("valid");
    let script = |run: &mut IncidentRun, at: f64| {
        while run.now_s() < at - 1e-9 {
            run.advance(1.0);
        }
    };
    // Ack 40 s after the page, staging at 60 s, deploy the rollback at 120 s.
    until(&mut run, 300.0, |r| r.timeline.detected_s.is_some());
    let detected = run.timeline.detected_s.expect("detected");
    script(&mut run, detected + 40.0);
    run.acknowledge();
    script(&mut run, detected + 60.0);
    run.open_staging(0.1);
    script(&mut run, detected + 120.0);
    run.deploy(&fix).expect("rolls back");
    until(&mut run, 300.0, IncidentRun::resolved);
    assert!(run.resolved());
    let t = run.timeline.clone();
    let fault = t.fault_s.expect("fault");
    let m = run.measures();
    assert_eq!(m.mttd_s, Some(detected - fault));
    assert_eq!(m.mtta_s, Some(40.0));
    assert_eq!(m.mttr_s, Some(t.resolved_s.expect("resolved") - fault));
    // The fault is v2's first traffic and detection the first "Payments failing" page: read them
    // back from the run itself.
    let snapshot = run.production.snapshot();
    let v2 = snapshot
        .releases
        .iter()
        .find(|r| r.version == "v2")
        .expect("v2");
    assert_eq!(v2.first_traffic_s, Some(fault));
    let report = run.production.report();
    let fired_at: Vec<f64> = report
        .alerts
        .iter()
        .filter(|a| a.rule == "Payments failing")
        .flat_map(|a| a.history.iter().map(|(fired, _)| *fired))
        .collect();
    assert_eq!(fired_at.first().copied(), Some(detected));
    let resolved_at = report
        .alerts
        .iter()
        .filter(|a| a.rule == "Payments failing")
        .flat_map(|a| a.history.iter().filter_map(|(_, resolved)| *resolved))
        .next_back();
    assert_eq!(resolved_at, t.resolved_s);
}

#[test]
fn staging_never_touches_production_and_reproduces_the_same_way() {
    let play = |with_staging: bool, seed: u64| {
        let scenario = scenario("memory-leak").expect("built in");
        let fix = scenario.fix("rollback").cloned().expect("rollback");
        let mut run = IncidentRun::start(scenario, seed).expect("valid");
        run.advance(150.0);
        if with_staging {
            let (issue, _) = run.issues().first().cloned().expect("an issue");
            run.pin(issue);
            run.open_staging(1.0);
            run.advance(60.0);
            run.try_in_staging(&fix).expect("rolls back in staging");
            run.advance(40.0);
        } else {
            run.advance(100.0);
        }
        let staging = run.staging.as_ref().map(engine::Simulation::digest);
        (run.production.digest(), staging, run.reproductions())
    };
    let (plain, none, _) = play(false, 5);
    let (with, staging, seen) = play(true, 5);
    assert_eq!(none, None);
    assert_eq!(
        plain, with,
        "production's digest changed with staging actions"
    );
    assert!(seen >= REPRODUCED_AFTER, "reproduced in staging: {seen}");
    let (_, again, seen_again) = play(true, 5);
    assert_eq!(
        staging, again,
        "staging is deterministic for a production seed"
    );
    assert_eq!(seen, seen_again);
    let (_, other, _) = play(true, 6);
    assert_ne!(staging, other);
}

#[test]
fn editing_production_during_an_open_incident_is_debugging_in_production() {
    let scenario = scenario("bad-payment-release").expect("built in");
    let fix = scenario.fix("rollback").cloned().expect("rollback");
    let mut run = IncidentRun::start(scenario, 1).expect("valid");
    until(&mut run, 300.0, |r| r.timeline.detected_s.is_some());
    run.advance(5.0);
    let during = run.now_s();
    run.apply_to_production(LiveCommand::ScaleUp {
        node: "web".to_owned(),
    })
    .expect("scales up");
    // A rollback is no debugging.
    run.deploy(&fix).expect("rolls back");
    until(&mut run, 300.0, IncidentRun::resolved);
    assert!(run.resolved());
    run.apply_to_production(LiveCommand::ScaleUp {
        node: "database".to_owned(),
    })
    .expect("scales up");
    assert_eq!(run.timeline.debugged_in_production, vec![during]);
}

#[test]
fn a_post_mortem_is_drafted_from_the_run() {
    use engine::postmortem::{Authored, OBJECTIVE, PostMortem};
    let scenario = scenario("pool-exhaustion").expect("built in");
    let fix = scenario.fix("bigger-pool").cloned().expect("bigger pool");
    let mut run = IncidentRun::start(scenario, 2).expect("valid");
    until(&mut run, 300.0, |r| r.timeline.detected_s.is_some());
    run.advance(20.0);
    run.acknowledge();
    run.apply_to_production(LiveCommand::ScaleUp {
        node: "web".to_owned(),
    })
    .expect("scales up");
    run.deploy(&fix).expect("deploys");
    until(&mut run, 300.0, IncidentRun::resolved);
    assert!(run.resolved());
    let authored = Authored {
        root_cause: "The pool held 4 connections for a doubled load.".to_owned(),
        action_items: vec!["Alert on pool wait time".to_owned()],
        went_well: "Paged within 15 s.".to_owned(),
        went_wrong: "Scaled the web tier first.".to_owned(),
        got_lucky: String::new(),
    };
    let draft = PostMortem::draft(&mut run, "2026-12-02", authored);
    let totals = run.production.snapshot().totals;
    assert_eq!(draft.status, "resolved");
    assert_eq!(draft.impact.requests, totals.requests);
    assert_eq!(draft.impact.failed_requests, totals.failed);
    assert_eq!(draft.impact.revenue_lost, totals.revenue_lost);
    let allowed = (1.0 - OBJECTIVE) * totals.requests as f64;
    assert!((draft.impact.error_budget_burned - totals.failed as f64 / allowed).abs() < 1e-9);
    assert!(
        draft
            .timeline
            .windows(2)
            .all(|w| w[0].time_s <= w[1].time_s)
    );
    assert_eq!(draft.debugged_in_production.len(), 1, "the scale-up");
    let markdown = draft.to_markdown();
    for heading in [
        "# Post-mortem: ",
        "- **Date:** 2026-12-02",
        "- **Status:** resolved",
        "## Summary",
        "## Impact",
        "## Root cause",
        "The pool held 4 connections",
        "## Trigger",
        "## Resolution",
        "## Detection",
        "## Action items",
        "- [ ] Alert on pool wait time",
        "### What went well",
        "### What went wrong",
        "### Where we got lucky",
        "## Timeline",
        "debugged in production",
        "alert resolved",
    ] {
        assert!(
            markdown.contains(heading),
            "{heading} missing from:\n{markdown}"
        );
    }
}

/// The intended path as a run file records it in the app: a drill step at t = 0, then the
/// responder's steps and the deploy's commands at the instants they happened.
fn drill_file(id: &str, seed: u64) -> (RunFile, IncidentRun) {
    let scenario = scenario(id).expect("built in");
    let run = intended(scenario.clone(), seed);
    let t = &run.timeline;
    let fix = scenario.fixes.iter().find(|f| f.works).expect("works");
    let issue = run.issues().first().cloned().expect("an issue").0;
    let at = |s: Option<f64>| (s.expect("happened") * 1e9).round() as u64;
    let mut file = RunFile::new(scenario.design.clone(), seed);
    let mut push = |at_ns: u64, action: RunAction| file.timeline.push(RunEntry { at_ns, action });
    push(
        0,
        RunAction::Incident(IncidentStep::Drill {
            scenario: id.to_owned(),
        }),
    );
    push(at(t.acknowledged_s), RunAction::Acknowledge { incident: 1 });
    push(
        at(t.pinned_s),
        RunAction::Incident(IncidentStep::Pin {
            exception: issue.exception,
            frame: issue.frame,
        }),
    );
    push(
        at(t.staging_s),
        RunAction::Incident(IncidentStep::OpenStaging {
            fraction: scenario.staging_fraction,
        }),
    );
    push(
        at(t.staging_s),
        RunAction::Incident(IncidentStep::ReplayInStaging),
    );
    push(
        at(t.tried_s),
        RunAction::Incident(IncidentStep::TryInStaging {
            fix: fix.id.to_owned(),
        }),
    );
    push(
        at(t.deployed_s),
        RunAction::Incident(IncidentStep::Deploy {
            fix: fix.id.to_owned(),
        }),
    );
    for command in &fix.commands {
        push(at(t.deployed_s), RunAction::Live(command.clone()));
    }
    file.end_ns = run.production.now_ns();
    file.digest = Some(run.production.digest());
    (file, run)
}

#[test]
fn a_drill_run_file_re_simulates_to_the_same_incident() {
    for id in ["bad-payment-release", "pool-exhaustion"] {
        let (file, played) = drill_file(id, 5);
        // Through JSON and back, as a saved run is.
        let read = RunFile::from_json(&file.to_json()).expect("reads back");
        assert_eq!(read, file);
        let replayed = IncidentRun::replay(&read)
            .expect("re-simulates")
            .expect("a drill");
        assert_eq!(replayed.timeline, played.timeline, "{id}");
        assert_eq!(replayed.measures(), played.measures(), "{id}");
        assert!(replayed.resolved(), "{id}");
        assert_eq!(replayed.production.digest(), played.production.digest());
        // Production's digest does not see the drill's steps: the plain replay ends the same.
        let plain = Replayer::new(read.clone())
            .expect("valid")
            .seek(read.end_ns)
            .expect("replays");
        assert_eq!(plain.digest(), played.production.digest(), "{id}");
        // A post-mortem drafted from the re-simulated file equals the one of the live run.
        let mut replayed = replayed;
        let mut played = played;
        let from_file = PostMortem::draft(&mut replayed, "2026-12-03", Authored::default());
        let live = PostMortem::draft(&mut played, "2026-12-03", Authored::default());
        assert_eq!(from_file, live, "{id}");
    }
}

#[test]
fn a_run_that_is_not_a_drill_has_no_incident_and_a_bad_step_is_refused_with_its_path() {
    let scenario = scenario("memory-leak").expect("built in");
    let mut file = RunFile::new(scenario.design, 1);
    assert!(IncidentRun::replay(&file).expect("runs").is_none());
    file.timeline.push(RunEntry {
        at_ns: 0,
        action: RunAction::Incident(IncidentStep::Drill {
            scenario: "memory-leak".to_owned(),
        }),
    });
    file.timeline.push(RunEntry {
        at_ns: 2_000_000_000,
        action: RunAction::Incident(IncidentStep::TryInStaging {
            fix: "restart".to_owned(),
        }),
    });
    file.end_ns = 3_000_000_000;
    let refused = IncidentRun::replay(&file)
        .err()
        .expect("no staging to try it in");
    assert_eq!(refused.path, "timeline[1]");
    assert!(refused.to_string().contains("staging"), "{refused}");
    // A step the format does not know is refused whole with its JSON path.
    let json = file
        .to_json()
        .replace("\"try_in_staging\"", "\"reboot_everything\"");
    let error = RunFile::from_json(&json).expect_err("refused");
    assert_eq!(error.path, "timeline[1].incident.type");
}
