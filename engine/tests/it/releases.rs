//! Releases: rolling keeps Kubernetes' limits and batches; a canary promotes a good release and
//! rolls back a bad one inside the windows its timings give, and splits requests by its weight;
//! blue-green switches without a failed request, doubles the cost only during the overlap and
//! switches back at once inside its window; recreate's downtime costs rate × (cold start +
//! readiness) requests; the test stage catches a defect as often as `catches` says; the DORA keys
//! of a scripted run are exact; the Release day preset pages "Payment failed" and rolls back.

use engine::design::{Design, Link, Node};
use engine::params::{DeployStrategy, NodeParams, PipelineParams, RetryPolicy};
use engine::release::{Defect, Release, ReleaseOutcome, ReleaseRecord, StageOutcome};
use engine::run_event::RunEvent;
use engine::snapshot::VersionFigures;
use engine::{AlertState, LiveCommand, NodeKind, Simulation, Snapshot, presets};

const COLD_START_MS: f64 = 20_000.0;

fn release(version: &str, defect: Option<Defect>) -> Release {
    Release {
        version: version.to_owned(),
        defect,
        expedited: false,
    }
}

/// Users → load balancer → a group of `instances` (20 s cold start) → database, and a pipeline
/// with instant stages deploying to the group with `strategy`.
fn fleet(instances: u32, strategy: DeployStrategy, rate: f64) -> Design {
    let mut users = Node::new("users", NodeKind::Users, 0.0, 0.0);
    if let NodeParams::Users(params) = &mut users.params {
        params.rate_per_second = rate;
        params.retry = RetryPolicy {
            max_retries: 0,
            ..params.retry
        };
    }
    let mut web = Node::new("web", NodeKind::AutoscalingGroup, 0.0, 0.0);
    if let NodeParams::AutoscalingGroup(group) = &mut web.params {
        group.initial_instances = instances;
        group.min_instances = instances;
        group.max_instances = instances * 3;
        group.server.cold_start_ms = COLD_START_MS;
    }
    let mut ci = Node::new("ci", NodeKind::Pipeline, 0.0, 0.0);
    ci.params = NodeParams::Pipeline(PipelineParams {
        checks_s: 0.0,
        build_s: 0.0,
        test_s: 0.0,
        strategy,
        ..PipelineParams::default()
    });
    Design {
        version: engine::design::CURRENT_VERSION,
        name: "fleet".to_owned(),
        seed: 1,
        nodes: vec![
            users,
            Node::new("lb", NodeKind::LoadBalancer, 0.0, 0.0),
            web,
            Node::new("database", NodeKind::Database, 0.0, 0.0),
            ci,
        ],
        links: vec![
            Link::new("users", "lb", 10.0),
            Link::new("lb", "web", 1.0),
            Link::new("web", "database", 1.0),
            Link::new("ci", "web", 1.0),
        ],
        alert_rules: Vec::new(),
        faults: Vec::new(),
        releases: Vec::new(),
    }
}

fn commit(simulation: &mut Simulation, release: Release) {
    simulation
        .apply(LiveCommand::CommitRelease {
            pipeline: "ci".to_owned(),
            release,
        })
        .expect("a valid release");
}

fn versions<'a>(snapshot: &'a Snapshot, node: &str) -> &'a [VersionFigures] {
    &snapshot.node(node).expect("the node").versions
}

fn record<'a>(snapshot: &'a Snapshot, version: &str) -> &'a ReleaseRecord {
    snapshot
        .releases
        .iter()
        .find(|r| r.version == version && r.rollback_to.is_none())
        .expect("the release")
}

/// Runs `seconds` in 100 ms steps, calling `check` on every snapshot and keeping every log event.
fn watch(
    simulation: &mut Simulation,
    seconds: f64,
    mut check: impl FnMut(&Snapshot),
) -> Vec<(f64, String, RunEvent)> {
    let mut events = Vec::new();
    let steps = (seconds * 10.0).round() as usize;
    for _ in 0..steps {
        simulation.advance(0.1);
        let snapshot = simulation.snapshot();
        for line in &snapshot.logs {
            if let Some(event) = &line.event {
                events.push((line.time_s, line.node.clone(), event.clone()));
            }
        }
        check(&snapshot);
    }
    events
}

fn rolling_keeps_its_limits(instances: u32, batch: (u32, u32)) {
    let plan = PipelineParams::default();
    let (surge, unavailable) = plan.rolling_limits(instances);
    assert_eq!(
        (surge, unavailable),
        batch,
        "Kubernetes' rounding for {instances}"
    );
    let design = fleet(instances, DeployStrategy::Rolling, 20.0);
    let mut simulation = Simulation::new(&design, 3).expect("valid");
    simulation.advance(5.0);
    commit(&mut simulation, release("v2", None));
    let mut seen_deploying = false;
    let events = watch(&mut simulation, 200.0, |snapshot| {
        let figures = versions(snapshot, "web");
        let ready: u32 = figures.iter().map(|f| f.serving).sum();
        let counted: u32 = figures
            .iter()
            .map(|f| f.serving + f.starting + f.idle)
            .sum();
        if figures.iter().any(|f| f.version == "v2") {
            seen_deploying = true;
        }
        assert!(
            ready >= instances - unavailable,
            "{instances} instances at {:.1} s: only {ready} ready ({figures:?})",
            snapshot.time_s
        );
        assert!(
            counted <= instances + surge,
            "{instances} instances at {:.1} s: {counted} counted ({figures:?})",
            snapshot.time_s
        );
        // No new instance serves before it is ready: v2 answers nothing before its first is.
        let v2 = record(snapshot, "v2");
        if figures.iter().all(|f| f.version != "v2" || f.serving == 0) {
            assert_eq!(v2.completed + v2.failed, 0, "v2 served while not ready");
        }
    });
    assert!(seen_deploying);
    let batches: Vec<(u32, u32)> = events
        .iter()
        .filter_map(|(_, _, event)| match event {
            RunEvent::RolloutBatch {
                started, draining, ..
            } => Some((*started, *draining)),
            _ => None,
        })
        .collect();
    assert_eq!(
        batches.first(),
        Some(&batch),
        "the first batch: {batches:?}"
    );
    let snapshot = simulation.snapshot();
    let v2 = record(&snapshot, "v2");
    assert_eq!(v2.outcome, ReleaseOutcome::Live);
    let figures = versions(&snapshot, "web");
    assert_eq!(figures.len(), 1, "{figures:?}");
    assert_eq!(figures[0].serving, instances);
    // Ready at the first readiness probe (every 10 s) after the 20 s cold start.
    let first = v2.first_traffic_s.expect("took traffic");
    assert!(
        (first - 25.0).abs() < 1e-6,
        "first v2 instance ready at {first}"
    );
}

#[test]
fn rolling_four_instances_goes_one_up_one_down() {
    rolling_keeps_its_limits(4, (1, 1));
}

#[test]
fn rolling_ten_instances_goes_three_up_two_down() {
    rolling_keeps_its_limits(10, (3, 2));
}

fn canary_plan() -> PipelineParams {
    PipelineParams {
        checks_s: 0.0,
        build_s: 0.0,
        test_s: 0.0,
        catches: 0.0,
        strategy: DeployStrategy::Canary,
        ..PipelineParams::default()
    }
}

fn with_plan(mut design: Design, plan: &PipelineParams) -> Design {
    for node in &mut design.nodes {
        if let NodeParams::Pipeline(params) = &mut node.params {
            *params = plan.clone();
        }
    }
    design
}

#[test]
fn a_good_canary_is_promoted_after_max_over_step_intervals() {
    let plan = canary_plan();
    let earliest = plan.canary_interval_s * plan.canary_max_weight / plan.canary_step;
    for seed in 1..=4 {
        let design = with_plan(fleet(4, DeployStrategy::Canary, 60.0), &plan);
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance(1.0);
        commit(&mut simulation, release("v2", None));
        let events = watch(&mut simulation, 400.0, |_| {});
        let first = record(&simulation.snapshot(), "v2")
            .first_traffic_s
            .expect("took traffic");
        let promoted = events
            .iter()
            .find(|(_, node, event)| node == "web" && matches!(event, RunEvent::Promoted { .. }))
            .map(|(time, ..)| *time)
            .expect("promoted");
        let after = promoted - first;
        assert!(
            after >= earliest - 1e-6 && after <= earliest + plan.canary_interval_s + 1e-6,
            "seed {seed}: promoted {after} s after first traffic"
        );
        let snapshot = simulation.snapshot();
        let v2 = record(&snapshot, "v2");
        assert_eq!(v2.outcome, ReleaseOutcome::Live, "seed {seed}");
        assert!(!v2.failed_change);
        let figures = versions(&snapshot, "web");
        assert_eq!(figures.len(), 1, "the canary scaled to zero: {figures:?}");
        assert_eq!(figures[0].serving, 4);
    }
}

#[test]
fn a_bad_canary_is_rolled_back_within_threshold_intervals() {
    let plan = canary_plan();
    let latest = plan.canary_interval_s * f64::from(plan.canary_threshold);
    for seed in 1..=4 {
        let design = with_plan(fleet(4, DeployStrategy::Canary, 60.0), &plan);
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance(1.0);
        let broken = Defect::ErrorRate {
            request_type: engine::params::RequestType::Read,
            rate: 0.5,
        };
        commit(&mut simulation, release("v2", Some(broken)));
        watch(&mut simulation, 200.0, |_| {});
        let snapshot = simulation.snapshot();
        let v2 = record(&snapshot, "v2");
        assert_eq!(v2.outcome, ReleaseOutcome::RolledBack, "seed {seed}");
        let first = v2.first_traffic_s.expect("took traffic");
        let back = v2.restored_s.expect("restored");
        assert!(
            back - first <= latest + 1e-6,
            "seed {seed}: rolled back {} s after first traffic",
            back - first
        );
        assert_eq!(v2.share(), 0.0);
        assert!(v2.failed_change);
        let figures = versions(&snapshot, "web");
        assert!(
            figures.iter().all(|f| f.version == "v1" || f.serving == 0),
            "{figures:?}"
        );
    }
}

#[test]
fn a_canary_takes_its_weight_of_the_requests() {
    // One step to 30 %, then checks so far apart that the weight holds.
    let plan = PipelineParams {
        canary_step: 0.3,
        canary_max_weight: 0.3,
        canary_interval_s: 3_000.0,
        ..canary_plan()
    };
    let design = with_plan(fleet(4, DeployStrategy::Canary, 100.0), &plan);
    let (mut canary, mut all) = (0.0, 0.0);
    for seed in 12..16 {
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance(1.0);
        commit(&mut simulation, release("v2", None));
        simulation.advance(40.0);
        let before = simulation.snapshot();
        assert!(
            versions(&before, "web")
                .iter()
                .any(|f| f.version == "v2" && (f.share - 0.3).abs() < 1e-9),
            "{:?}",
            versions(&before, "web")
        );
        let web_before = before.node("web").expect("web").completed;
        let v2_before = record(&before, "v2").completed;
        simulation.advance(300.0);
        let after = simulation.snapshot();
        all += (after.node("web").expect("web").completed - web_before) as f64;
        canary += (record(&after, "v2").completed - v2_before) as f64;
    }
    // Each request draws its version on its own: the canary's count is binomial(n, 0.3).
    let share = canary / all;
    let half_width = 2.576 * (0.3 * 0.7 / all).sqrt();
    assert!(
        (share - 0.3).abs() <= half_width,
        "canary share {share:.4} over {all} requests, 99 % interval ±{half_width:.4}"
    );
}

#[test]
fn blue_green_switches_without_a_failure_and_pays_double_only_during_the_overlap() {
    let design = fleet(4, DeployStrategy::BlueGreen, 40.0);
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(5.0);
    let single = simulation
        .snapshot()
        .node("web")
        .expect("web")
        .cost_per_hour;
    commit(&mut simulation, release("v2", None));
    let mut costs = Vec::new();
    watch(&mut simulation, 120.0, |snapshot| {
        let figures = versions(snapshot, "web");
        let instances: u32 = figures
            .iter()
            .map(|f| f.serving + f.starting + f.idle)
            .sum();
        costs.push((
            snapshot.time_s,
            instances,
            snapshot.node("web").expect("web").cost_per_hour,
        ));
    });
    for (time, instances, cost) in &costs {
        let expected = single * f64::from(*instances) / 4.0;
        assert!(
            (cost - expected).abs() < 1e-9,
            "at {time}: {instances} instances cost {cost}"
        );
    }
    // Green boots at 5 s, switches at the first probe after its cold start (25 s), blue is kept
    // 30 s: double cost from 5 s to 55 s exactly, single before and after.
    for (time, instances, _) in &costs {
        if (time - 55.0).abs() < 1e-6 {
            continue; // the instant the blue fleet goes
        }
        let overlap = *time > 5.0 + 1e-9 && *time < 55.0;
        assert_eq!(*instances, if overlap { 8 } else { 4 }, "at {time:.1} s");
    }
    let snapshot = simulation.snapshot();
    assert_eq!(snapshot.totals.failed, 0, "no failed request at the switch");
    assert_eq!(record(&snapshot, "v2").outcome, ReleaseOutcome::Live);
}

#[test]
fn blue_green_rolls_back_at_once_inside_its_window() {
    let design = fleet(4, DeployStrategy::BlueGreen, 40.0);
    let mut simulation = Simulation::new(&design, 6).expect("valid");
    simulation.advance(5.0);
    commit(&mut simulation, release("v2", None));
    simulation.advance(30.0); // switched at 25 s
    let switched = simulation.snapshot();
    assert!(
        versions(&switched, "web")
            .iter()
            .any(|f| f.version == "v2" && f.serving == 4),
        "{:?}",
        versions(&switched, "web")
    );
    simulation
        .apply(LiveCommand::RollBack {
            pipeline: "ci".to_owned(),
        })
        .expect("something to roll back");
    simulation.advance(0.001);
    let back = simulation.snapshot();
    let v1 = versions(&back, "web")
        .iter()
        .find(|f| f.version == "v1")
        .expect("v1");
    assert_eq!((v1.serving, v1.starting), (4, 0), "no cold start");
    assert_eq!(record(&back, "v2").outcome, ReleaseOutcome::RolledBack);
    simulation.advance(30.0);
    assert_eq!(simulation.snapshot().totals.failed, 0);
}

#[test]
fn recreate_loses_rate_times_cold_start_and_readiness() {
    let rate = 50.0;
    let mut design = fleet(4, DeployStrategy::Recreate, rate);
    // Users straight to the group: no load balancer to fail over or retry.
    design.nodes.retain(|node| node.id != "lb");
    design
        .links
        .retain(|link| link.from != "lb" && link.to != "lb");
    design.links.push(Link::new("users", "web", 10.0));
    let mut failed = Vec::new();
    for seed in 1..=3 {
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance(5.0);
        let before = simulation.snapshot().totals.failed;
        commit(&mut simulation, release("v2", None));
        simulation.advance(60.0);
        let snapshot = simulation.snapshot();
        assert_eq!(record(&snapshot, "v2").outcome, ReleaseOutcome::Live);
        failed.push((snapshot.totals.failed - before) as f64);
    }
    // Down from the stop (5 s) to the first probe after the cold start (25 s): 20 s.
    let expected = rate * 20.0;
    for lost in failed {
        let half_width = 2.576 * expected.sqrt();
        assert!(
            (lost - expected).abs() <= half_width,
            "{lost} requests failed, expected {expected} ± {half_width:.0}"
        );
    }
}

#[test]
fn the_test_stage_catches_a_defect_as_often_as_catches_says() {
    let plan = PipelineParams {
        checks_s: 0.0,
        build_s: 0.0,
        test_s: 1.0,
        catches: 0.6,
        ..PipelineParams::default()
    };
    let design = with_plan(fleet(2, DeployStrategy::Rolling, 1.0), &plan);
    let runs = 1_000;
    let mut caught = 0;
    for seed in 0..runs {
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        commit(
            &mut simulation,
            release("v2", Some(Defect::Latency { factor: 2.0 })),
        );
        simulation.advance(1.5);
        let snapshot = simulation.snapshot();
        let v2 = record(&snapshot, "v2");
        if v2.outcome == ReleaseOutcome::Caught {
            caught += 1;
            let test = v2.stage(engine::release::Stage::Test).expect("tested");
            assert_eq!(test.outcome, StageOutcome::Failed);
            assert!(
                snapshot
                    .notifications
                    .iter()
                    .any(|n| n.rule == "Pipeline failed"),
                "a caught defect is said in Slack"
            );
        }
    }
    let n = f64::from(runs as u32);
    let share = f64::from(caught) / n;
    let half_width = 2.576 * (0.6 * 0.4 / n).sqrt();
    assert!(
        (share - 0.6).abs() <= half_width,
        "caught {caught} of {runs}: {share} outside 0.6 ± {half_width:.3}"
    );
}

#[test]
fn dora_keys_of_a_scripted_run_are_exact() {
    // Users → one server (5 s cold start) ← pipeline with 10 s stages, rolling in place.
    let mut design = fleet(2, DeployStrategy::Rolling, 5.0);
    design
        .nodes
        .retain(|node| !matches!(node.id.as_str(), "lb" | "web"));
    let mut server = Node::new("server", NodeKind::Server, 0.0, 0.0);
    if let NodeParams::Server(params) = &mut server.params {
        params.cold_start_ms = 5_000.0;
    }
    design.nodes.push(server);
    design.links = vec![
        Link::new("users", "server", 10.0),
        Link::new("server", "database", 1.0),
        Link::new("ci", "server", 1.0),
    ];
    let design = with_plan(
        design,
        &PipelineParams {
            checks_s: 10.0,
            build_s: 10.0,
            test_s: 10.0,
            catches: 0.0,
            ..PipelineParams::default()
        },
    );
    let mut simulation = Simulation::new(&design, 9).expect("valid");
    // v2 at 0 s: stages to 30 s, in place, ready at the 10 s probe after the 5 s cold start: 40 s.
    commit(&mut simulation, release("v2", None));
    simulation.advance(50.0);
    // v3 (a bug) at 50 s: deploy at 80 s, live at 90 s; rolled back at 100 s, back at 110 s.
    let bug = Defect::ErrorRate {
        request_type: engine::params::RequestType::Read,
        rate: 0.5,
    };
    commit(&mut simulation, release("v3", Some(bug)));
    simulation.advance(50.0);
    simulation
        .apply(LiveCommand::RollBack {
            pipeline: "ci".to_owned(),
        })
        .expect("v3 is live");
    simulation.advance(44.0);
    let snapshot = simulation.snapshot();
    let (v2, v3) = (record(&snapshot, "v2"), record(&snapshot, "v3"));
    assert_eq!(v2.live_s, Some(40.0));
    assert_eq!(v3.live_s, Some(90.0));
    assert_eq!(v3.first_traffic_s, Some(90.0));
    assert_eq!(v3.restored_s, Some(110.0));
    assert_eq!(v3.outcome, ReleaseOutcome::RolledBack);
    let dora = snapshot.dora;
    assert_eq!(dora.deployments, 2);
    assert!((dora.per_day - 2.0 * 86_400.0 / 144.0).abs() < 1e-6);
    assert_eq!(dora.lead_time_s, Some(40.0));
    assert_eq!(dora.change_failure_rate, Some(0.5));
    assert_eq!(dora.time_to_restore_s, Some(20.0));
    assert_eq!(dora.unrestored, 0);
    // The rollback redeploys v2's version under a record of its own.
    let rollback = snapshot
        .releases
        .iter()
        .find(|r| r.rollback_to.is_some())
        .expect("a rollback record");
    assert_eq!(rollback.version, "v2");
    assert_eq!(rollback.outcome, ReleaseOutcome::Live);
}

#[test]
fn release_day_pages_payment_failed_and_rolls_back() {
    let design = presets::release_day();
    design.validate().expect("valid preset");
    let mut simulation = Simulation::new(&design, design.seed).expect("valid");
    let mut paged = None;
    for _ in 0..2_000 {
        simulation.advance(0.1);
        let snapshot = simulation.snapshot();
        if paged.is_none()
            && let Some(notification) = snapshot
                .notifications
                .iter()
                .find(|n| n.message == "Payment failed" && n.state == AlertState::Firing)
        {
            paged = Some(notification.time_s);
        }
    }
    let snapshot = simulation.snapshot();
    let v2 = record(&snapshot, "v2");
    assert_eq!(v2.outcome, ReleaseOutcome::RolledBack);
    let first = v2.first_traffic_s.expect("the canary took traffic");
    let paged = paged.expect("Payment failed paged");
    assert!(paged > first && paged < v2.restored_s.expect("restored"));
    assert!(v2.failed > 0);
}

#[test]
fn a_release_run_is_deterministic() {
    let design = presets::release_day();
    let digest = |seed| {
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance(200.0);
        simulation.digest()
    };
    assert_eq!(digest(3), digest(3));
    assert_ne!(digest(3), digest(4));
}

#[test]
fn refusals_say_why() {
    let design = fleet(2, DeployStrategy::Rolling, 1.0);
    let mut simulation = Simulation::new(&design, 1).expect("valid");
    let nothing = simulation.apply(LiveCommand::RollBack {
        pipeline: "ci".to_owned(),
    });
    assert!(nothing.is_err(), "no rollback before anything was deployed");
    assert!(
        simulation
            .apply(LiveCommand::Approve {
                pipeline: "ci".to_owned()
            })
            .is_err()
    );
    let nameless = simulation.apply(LiveCommand::CommitRelease {
        pipeline: "ci".to_owned(),
        release: release(" ", None),
    });
    assert!(nameless.is_err());
    let wrong = simulation.apply(LiveCommand::CommitRelease {
        pipeline: "web".to_owned(),
        release: release("v2", None),
    });
    assert!(wrong.is_err(), "only a pipeline takes releases");
    // Canary to a single server is refused by validation.
    let mut single = design;
    single
        .nodes
        .push(Node::new("solo", NodeKind::Server, 0.0, 0.0));
    single.links.push(Link::new("ci", "solo", 1.0));
    let single = with_plan(single, &canary_plan());
    let problems = single.problems();
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("single server")),
        "{problems:?}"
    );
}

#[test]
fn a_release_that_never_gets_ready_stalls_and_is_reported_not_rolled_back() {
    let design = fleet(4, DeployStrategy::Rolling, 20.0);
    let mut simulation = Simulation::new(&design, 2).expect("valid");
    simulation.advance(5.0);
    commit(
        &mut simulation,
        release("v2", Some(Defect::FailingHealthCheck)),
    );
    let events = watch(&mut simulation, 700.0, |snapshot| {
        let ready: u32 = versions(snapshot, "web").iter().map(|f| f.serving).sum();
        assert!(ready >= 3, "maxUnavailable still holds while stuck");
    });
    let stalled = events
        .iter()
        .find(|(_, _, event)| matches!(event, RunEvent::RolloutStalled { .. }))
        .map(|(time, ..)| *time)
        .expect("reported at the progress deadline");
    assert!((stalled - 605.0).abs() < 1e-6, "stalled at {stalled}");
    assert!(
        !events
            .iter()
            .any(|(_, _, event)| matches!(event, RunEvent::RolledBack { .. })),
        "nothing rolls back by itself"
    );
    let snapshot = simulation.snapshot();
    let v2 = record(&snapshot, "v2");
    assert_eq!(v2.outcome, ReleaseOutcome::Stalled);
    assert!(v2.failed_change);
    // Left as it is: three old instances serve (4 − maxUnavailable), and two new ones (the surge
    // fills 3 + 2 = 4 + maxSurge) never get ready.
    let figures = versions(&snapshot, "web");
    let v1 = figures.iter().find(|f| f.version == "v1").expect("v1");
    let new = figures.iter().find(|f| f.version == "v2").expect("v2");
    assert_eq!((v1.serving, new.serving, new.starting), (3, 0, 2));
    assert!(
        events.iter().any(|(_, _, event)| matches!(
            event,
            RunEvent::PipelineFailed { message } if message.contains("stalled")
        )),
        "the pipeline says it in Slack"
    );
    // Roll back is the way out.
    simulation
        .apply(LiveCommand::RollBack {
            pipeline: "ci".to_owned(),
        })
        .expect("v2 is stuck in production");
    simulation.advance(120.0);
    let after = simulation.snapshot();
    let figures = versions(&after, "web");
    assert!(figures.iter().all(|f| f.version == "v1"), "{figures:?}");
    assert_eq!(figures.iter().map(|f| f.serving).sum::<u32>(), 4);
}

#[test]
fn a_leaking_release_crashes_its_instances_after_the_delay() {
    let mut design = fleet(2, DeployStrategy::Recreate, 10.0);
    for node in &mut design.nodes {
        if let NodeParams::AutoscalingGroup(group) = &mut node.params {
            group.server.auto_restart_s = Some(5.0);
        }
    }
    let mut simulation = Simulation::new(&design, 8).expect("valid");
    simulation.advance(1.0);
    commit(
        &mut simulation,
        release("v2", Some(Defect::Crash { after_s: 30.0 })),
    );
    let events = watch(&mut simulation, 100.0, |_| {});
    let crashes: Vec<f64> = events
        .iter()
        .filter(|(_, node, event)| {
            node == "web"
                && matches!(
                    event,
                    RunEvent::Crashed {
                        cause: engine::run_event::CrashCause::OutOfMemory
                    }
                )
        })
        .map(|(time, ..)| *time)
        .collect();
    // Ready at 21 s, out of memory 30 s later; restarted 5 s after, ready again at the next
    // probe, and so on.
    assert!(crashes.len() >= 2, "{crashes:?}");
    assert!((crashes[0] - 51.0).abs() < 0.05, "{crashes:?}");
}
