//! The drill as the Incident tab shows it: the next step follows the workflow, issues carry the
//! release they were first seen in, a fix is tried, verified and deployed, and the status settles
//! into Resolved.

use engine::incident::{IncidentRun, IncidentStep, REPRODUCED_AFTER, scenario};

use crate::observe::drill::{Status, drill_view};

fn until(run: &mut IncidentRun, limit: f64, done: impl Fn(&IncidentRun) -> bool) {
    let end = run.now_s() + limit;
    while !done(run) && run.now_s() < end {
        run.advance(1.0);
    }
}

#[test]
fn the_next_step_follows_the_workflow_to_the_post_mortem() {
    let scenario = scenario("bad-payment-release").expect("built in");
    let fix = scenario.fix("hotfix").cloned().expect("hot fix");
    let mut run = IncidentRun::start(scenario, 2).expect("valid");
    let view = drill_view(&run.watch);
    assert_eq!(view.status, Status::Quiet);
    assert!(view.next.contains("Payments failing"), "{}", view.next);
    assert!(view.issues.is_empty());
    assert_eq!(view.fixes.len(), 3);
    // Only the hot fix is an expedited release (it may also go through the full pipeline).
    let hot: Vec<&str> = view
        .fixes
        .iter()
        .filter(|f| f.hot_fix)
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(hot, ["hotfix"]);

    until(&mut run, 300.0, |r| r.timeline.detected_s.is_some());
    let view = drill_view(&run.watch);
    assert_eq!(view.status, Status::Firing);
    assert!(view.next.starts_with("Acknowledge"), "{}", view.next);
    run.acknowledge();
    let view = drill_view(&run.watch);
    assert!(view.next.starts_with("Identify"), "{}", view.next);
    // The payment bug's issue, first seen in the release that brought it.
    let top = view.issues.first().expect("an issue").clone();
    assert_eq!(top.first_seen_in.as_deref(), Some("v2"));
    assert!(top.count > 0 && !top.pinned);

    run.pin(top.issue);
    let view = drill_view(&run.watch);
    assert!(view.issues[0].pinned);
    assert!(view.next.starts_with("Replicate"), "{}", view.next);
    run.open_staging(0.1);
    let view = drill_view(&run.watch);
    assert!(view.staging_open);
    assert!(
        view.next.contains(&format!("{REPRODUCED_AFTER} times")),
        "{}",
        view.next
    );

    until(&mut run, 120.0, |r| r.timeline.reproduced_s.is_some());
    let view = drill_view(&run.watch);
    assert!(view.next.starts_with("Fix"), "{}", view.next);
    run.try_in_staging(&fix).expect("tries");
    let view = drill_view(&run.watch);
    let row = view.fixes.iter().find(|f| f.id == "hotfix").expect("row");
    assert!(
        row.state
            .as_deref()
            .is_some_and(|s| s.contains("not verified yet"))
    );
    assert!(!row.verified);

    until(&mut run, 200.0, |r| r.timeline.verified_s.is_some());
    let view = drill_view(&run.watch);
    let row = view.fixes.iter().find(|f| f.id == "hotfix").expect("row");
    assert!(row.verified, "{row:?}");
    assert!(view.next.starts_with("Deploy"), "{}", view.next);

    run.deploy(&fix).expect("deploys");
    let view = drill_view(&run.watch);
    assert!(view.fixes.iter().any(|f| f.id == "hotfix" && f.deployed));
    until(&mut run, 400.0, IncidentRun::resolved);
    let view = drill_view(&run.watch);
    assert_eq!(view.status, Status::Resolved);
    assert!(view.next.contains("post-mortem"), "{}", view.next);
    assert!(view.measures.mttr_s.is_some());
}

#[test]
fn roles_are_kept_one_person_each_and_cleared_by_an_empty_name() {
    let scenario = scenario("memory-leak").expect("built in");
    let mut run = IncidentRun::start(scenario, 1).expect("valid");
    let now = run.production.now_ns();
    let assign = |role, person: &str| IncidentStep::Assign {
        role,
        person: person.to_owned(),
    };
    use engine::incident::Role;
    for step in [
        assign(Role::Commander, "Ada"),
        assign(Role::Operations, "Lin"),
        assign(Role::Commander, "Grace"),
        assign(Role::Operations, "  "),
    ] {
        run.watch
            .step(&step, &run.production, now)
            .expect("assigns");
    }
    let view = drill_view(&run.watch);
    assert_eq!(view.roles, vec![(Role::Commander, "Grace".to_owned())]);
}

#[test]
fn a_game_master_gets_the_misfortunes_the_design_has_nodes_for() {
    use engine::design::Fault;
    let stampede = scenario("cache-stampede").expect("built in").design;
    let labels: Vec<String> = crate::observe::drill::misfortunes(&stampede)
        .into_iter()
        .map(|m| m.label)
        .collect();
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert!(labels.iter().any(|l| l.contains("cache")));
    let leak = scenario("memory-leak").expect("built in").design;
    let all = crate::observe::drill::misfortunes(&leak);
    assert!(
        all.iter()
            .all(|m| !matches!(m.fault, Fault::CacheFlush { .. }))
    );
    // Every one of them is a fault production accepts.
    let mut production = engine::Simulation::new(&leak, 1).expect("valid");
    for misfortune in all {
        production
            .apply(engine::LiveCommand::Inject {
                fault: misfortune.fault,
                duration_s: misfortune.duration_s,
            })
            .expect("accepted");
    }
}
