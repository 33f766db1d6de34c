//! Live edits of the design (`Simulation::reconfigure`): the run goes on with the change.

use engine::design::{AlertMetric, AlertRule, Comparison, Fault, Link, Node, ScheduledFault};
use engine::run_event::RunEvent;
use engine::{CommandError, Design, NodeKind, Simulation, presets};

fn horizontal() -> Design {
    presets::horizontal_scaling()
}

fn without_node(design: &Design, id: &str) -> Design {
    let mut edited = design.clone();
    edited.nodes.retain(|node| node.id != id);
    edited.links.retain(|link| link.from != id && link.to != id);
    edited
}

fn conserved(simulation: &Simulation) {
    let totals = simulation.totals();
    assert_eq!(
        totals.requests,
        totals.completed + totals.failed + totals.in_flight,
        "{totals:?}"
    );
}

#[test]
fn reconfiguring_with_the_same_design_changes_nothing() {
    let design = horizontal();
    let mut plain = Simulation::new(&design, 3).expect("valid");
    let mut edited = Simulation::new(&design, 3).expect("valid");
    plain.advance(20.0);
    edited.advance(20.0);
    edited.reconfigure(&design).expect("same design");
    plain.advance(20.0);
    edited.advance(20.0);
    assert_eq!(plain.digest(), edited.digest());
}

#[test]
fn deleting_a_server_keeps_the_run_going_and_drains_it() {
    let design = horizontal();
    let mut simulation = Simulation::new(&design, 1).expect("valid");
    simulation.advance(30.0);
    let requests_before = simulation.totals().requests;
    simulation
        .reconfigure(&without_node(&design, "server-3"))
        .expect("follows");
    assert!((simulation.now_s() - 30.0).abs() < 1e-9, "time goes on");
    simulation.advance(30.0);
    conserved(&simulation);
    let totals = simulation.totals();
    assert!(totals.requests > requests_before * 3 / 2, "{totals:?}");
    let snapshot = simulation.snapshot();
    assert!(snapshot.nodes.iter().all(|node| node.id != "server-3"));
    assert!(
        snapshot
            .links
            .iter()
            .all(|link| link.from != "server-3" && link.to != "server-3")
    );
    let lb = snapshot.nodes.iter().find(|n| n.id == "lb").expect("lb");
    assert_eq!(lb.healthy_backends, Some((2, 2)));
    assert_eq!(lb.backends.len(), 2);
    // The two servers left carry all the traffic; draining lost nothing.
    let served: f64 = snapshot
        .nodes
        .iter()
        .filter(|n| n.id.starts_with("server-"))
        .map(|n| n.throughput)
        .sum();
    let users = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "users")
        .expect("users");
    assert!((served - users.throughput).abs() <= 0.2 * users.throughput + 5.0);
    assert_eq!(totals.failed, 0, "{totals:?}");
    for particle in &snapshot.in_flight {
        assert!(particle.link < snapshot.links.len());
    }
    assert!(
        snapshot.logs.iter().any(|l| l.event
            == Some(RunEvent::DesignEdited {
                nodes_added: Vec::new(),
                nodes_removed: vec!["server-3".to_owned()],
                links_added: 0,
                links_removed: 2,
                changed: Vec::new(),
            })),
        "{:?}",
        snapshot.logs.iter().rev().take(5).collect::<Vec<_>>()
    );
}

#[test]
fn a_server_added_by_an_edit_joins_the_rotation_and_an_undo_removes_it() {
    let design = horizontal();
    let mut simulation = Simulation::new(&design, 2).expect("valid");
    simulation.advance(20.0);
    let mut edited = design.clone();
    let mut extra = design.node("server-1").expect("server").clone();
    extra.id = "server-4".to_owned();
    edited.nodes.push(extra);
    edited.links.push(Link::new("lb", "server-4", 1.0));
    edited.links.push(Link::new("server-4", "database", 1.0));
    simulation.reconfigure(&edited).expect("follows");
    simulation.advance(20.0);
    let snapshot = simulation.snapshot();
    let lb = snapshot.nodes.iter().find(|n| n.id == "lb").expect("lb");
    assert_eq!(lb.healthy_backends, Some((4, 4)));
    let added = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "server-4")
        .expect("added");
    let users = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "users")
        .expect("users");
    assert!(added.throughput > users.throughput / 8.0, "{added:?}");
    assert!(added.completed > 0);
    // Undo: back to the original design, and again forward (the same id comes back fresh).
    simulation.reconfigure(&design).expect("undo");
    simulation.advance(5.0);
    simulation.reconfigure(&edited).expect("redo");
    simulation.advance(10.0);
    let snapshot = simulation.snapshot();
    let again: Vec<_> = snapshot
        .nodes
        .iter()
        .filter(|n| n.id == "server-4")
        .collect();
    assert_eq!(again.len(), 1);
    assert!(again[0].throughput > 0.0);
    conserved(&simulation);
}

#[test]
fn a_new_node_and_link_put_a_cache_in_front_of_the_database() {
    let design = presets::single_server();
    let mut simulation = Simulation::new(&design, 4).expect("valid");
    simulation.advance(10.0);
    let mut edited = design;
    let server = edited
        .nodes
        .iter()
        .find(|n| n.kind() == NodeKind::Server)
        .expect("server")
        .id
        .clone();
    edited
        .nodes
        .push(Node::new("cache", NodeKind::Cache, 600.0, 500.0));
    edited.links.push(Link::new(&server, "cache", 0.5));
    edited.links.push(Link::new("cache", "database", 0.5));
    simulation.reconfigure(&edited).expect("follows");
    simulation.advance(30.0);
    let snapshot = simulation.snapshot();
    let cache = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "cache")
        .expect("cache");
    assert!(cache.throughput > 0.0, "{cache:?}");
    assert!(cache.hit_ratio > 0.0, "{cache:?}");
    conserved(&simulation);
}

#[test]
fn edits_that_cannot_be_followed_leave_the_model_untouched() {
    let design = horizontal();
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(5.0);
    let mut changed_kind = design.clone();
    let position = changed_kind
        .nodes
        .iter()
        .position(|n| n.id == "server-2")
        .expect("server");
    let mut group = Node::new("server-2", NodeKind::AutoscalingGroup, 0.0, 0.0);
    group.name = "now a group".to_owned();
    changed_kind.nodes[position] = group;
    let error = simulation.reconfigure(&changed_kind).expect_err("kind");
    assert!(matches!(error, CommandError::NeedsRestart(_)), "{error:?}");
    let mut dangling = design.clone();
    dangling.links.push(Link::new("lb", "nowhere", 1.0));
    let error = simulation.reconfigure(&dangling).expect_err("invalid");
    assert!(matches!(error, CommandError::Invalid(_)), "{error:?}");
    assert_eq!(simulation.design(), &design);
    simulation.advance(5.0);
    conserved(&simulation);
}

#[test]
fn alert_rules_keep_their_state_and_new_rules_start_inactive() {
    let design = horizontal();
    let mut simulation = Simulation::new(&design, 6).expect("valid");
    let mut firing = design.clone();
    firing.alert_rules = vec![AlertRule {
        name: "Any traffic".to_owned(),
        metric: AlertMetric::Throughput,
        comparison: Comparison::Above,
        threshold: 1.0,
        for_s: 0.0,
        ..AlertRule::default()
    }];
    simulation.reconfigure(&firing).expect("rule");
    simulation.advance(40.0);
    let state = |simulation: &mut Simulation, name: &str| {
        simulation
            .snapshot()
            .alerts
            .iter()
            .find(|a| a.rule == name)
            .map(|a| format!("{:?}", a.state))
    };
    assert_eq!(
        state(&mut simulation, "Any traffic").as_deref(),
        Some("Firing")
    );
    let mut more = firing.clone();
    more.alert_rules.push(AlertRule {
        name: "Never".to_owned(),
        metric: AlertMetric::Throughput,
        comparison: Comparison::Above,
        threshold: 1e12,
        ..AlertRule::default()
    });
    simulation.reconfigure(&more).expect("rule added");
    assert_eq!(
        state(&mut simulation, "Any traffic").as_deref(),
        Some("Firing")
    );
    assert_eq!(state(&mut simulation, "Never").as_deref(), Some("Inactive"));
    simulation.reconfigure(&design).expect("rules back");
    assert_eq!(state(&mut simulation, "Any traffic"), None);
}

#[test]
fn the_fault_schedule_follows_edits() {
    let design = horizontal();
    let mut simulation = Simulation::new(&design, 7).expect("valid");
    simulation.advance(10.0);
    let kill = |at_s: f64, duration_s: Option<f64>| ScheduledFault {
        at_s,
        duration_s,
        fault: Fault::Kill {
            node: "server-1".to_owned(),
        },
    };
    let mut edited = design.clone();
    edited.faults = vec![kill(20.0, None), kill(5.0, Some(1.0))];
    simulation.reconfigure(&edited).expect("faults");
    let logs = simulation.snapshot().logs;
    assert!(
        logs.iter()
            .any(|l| matches!(l.event, Some(RunEvent::FaultSkipped { at_s, .. }) if at_s == 5.0)),
        "{logs:?}"
    );
    simulation.advance(15.0);
    let down = |simulation: &mut Simulation| {
        simulation
            .snapshot()
            .nodes
            .iter()
            .find(|n| n.id == "server-1")
            .map(|n| n.health)
    };
    assert_eq!(down(&mut simulation), Some(engine::Health::Down));
    // Taking the running kill out of the schedule heals it now.
    simulation.reconfigure(&design).expect("healed");
    let logs = simulation.snapshot().logs;
    assert!(
        logs.iter()
            .any(|l| matches!(l.event, Some(RunEvent::FaultHealed { .. })))
    );
    assert_ne!(down(&mut simulation), Some(engine::Health::Down));
    // A future fault taken out before its time never happens.
    let mut later = design.clone();
    later.faults = vec![kill(40.0, None)];
    simulation.reconfigure(&later).expect("scheduled");
    simulation.reconfigure(&design).expect("cancelled");
    simulation.advance(20.0);
    assert_ne!(down(&mut simulation), Some(engine::Health::Down));
    conserved(&simulation);
}

/// The design with one node's parameters changed by `edit`.
fn with_params(design: &Design, id: &str, edit: impl FnOnce(&mut engine::NodeParams)) -> Design {
    let mut edited = design.clone();
    let node = edited.nodes.iter_mut().find(|n| n.id == id).expect("node");
    edit(&mut node.params);
    edited
}

fn node<'a>(snapshot: &'a engine::Snapshot, id: &str) -> &'a engine::snapshot::NodeSnapshot {
    snapshot.nodes.iter().find(|n| n.id == id).expect("node")
}

#[test]
fn a_standby_ticked_while_running_takes_over_when_the_load_balancer_dies() {
    let design = horizontal();
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(10.0);
    let with_standby = with_params(&design, "lb", |params| {
        if let engine::NodeParams::LoadBalancer(p) = params {
            p.standby = true;
        }
    });
    simulation.reconfigure(&with_standby).expect("follows");
    simulation
        .apply(engine::LiveCommand::Kill { node: "lb".into() })
        .expect("kill");
    simulation.advance(10.0);
    let snapshot = simulation.snapshot();
    assert_eq!(node(&snapshot, "lb").health, engine::snapshot::Health::Up);
    assert!(
        snapshot
            .logs
            .iter()
            .any(|l| l.event == Some(RunEvent::StandbyTookOver)),
        "the standby took over"
    );
    assert!(
        node(&snapshot, "lb").error_rate < 0.05,
        "{:?}",
        node(&snapshot, "lb")
    );
}

#[test]
fn a_standby_added_after_the_load_balancer_died_takes_over_and_one_removed_never_does() {
    let design = horizontal();
    // Added while it is down: it takes over after its takeover time.
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(5.0);
    simulation
        .apply(engine::LiveCommand::Kill { node: "lb".into() })
        .expect("kill");
    simulation.advance(2.0);
    let with_standby = with_params(&design, "lb", |params| {
        if let engine::NodeParams::LoadBalancer(p) = params {
            p.standby = true;
        }
    });
    simulation.reconfigure(&with_standby).expect("follows");
    simulation.advance(10.0);
    assert_eq!(
        node(&simulation.snapshot(), "lb").health,
        engine::snapshot::Health::Up
    );

    // Removed before it could take over: the load balancer stays down.
    let mut with = Simulation::new(&with_standby, 5).expect("valid");
    with.advance(5.0);
    with.apply(engine::LiveCommand::Kill { node: "lb".into() })
        .expect("kill");
    with.reconfigure(&design).expect("follows");
    with.advance(10.0);
    let snapshot = with.snapshot();
    assert_eq!(node(&snapshot, "lb").health, engine::snapshot::Health::Down);
    assert!(
        !snapshot
            .logs
            .iter()
            .any(|l| l.event == Some(RunEvent::StandbyTookOver))
    );
}

#[test]
fn fewer_replicas_while_running_retire_replicas_and_cost_less_and_more_bring_them_back() {
    let design = presets::distributed();
    let replicas = |design: &Design, count: u32| {
        with_params(design, "database", |params| {
            if let engine::NodeParams::Database(p) = params {
                p.replicas = count;
            }
        })
    };
    let mut simulation = Simulation::new(&design, 2).expect("valid");
    simulation.advance(20.0);
    let before = node(&simulation.snapshot(), "database").clone();
    assert_eq!(before.instances, 3);
    simulation
        .reconfigure(&replicas(&design, 0))
        .expect("follows");
    simulation.advance(20.0);
    conserved(&simulation);
    let after = node(&simulation.snapshot(), "database").clone();
    assert_eq!(after.instances, 1, "only the primary serves");
    assert_eq!(
        after.health,
        engine::snapshot::Health::Up,
        "retired replicas are not missing ones"
    );
    assert!(
        after.cost_per_hour < before.cost_per_hour / 2.0,
        "{} {}",
        after.cost_per_hour,
        before.cost_per_hour
    );
    assert_eq!(
        after.replication_lag_ms, None,
        "no replica, no replication lag"
    );
    simulation
        .reconfigure(&replicas(&design, 3))
        .expect("follows");
    simulation.advance(5.0);
    let again = node(&simulation.snapshot(), "database").clone();
    assert_eq!(again.instances, 4);
    assert!(again.cost_per_hour > before.cost_per_hour);
    conserved(&simulation);
}

#[test]
fn autoscaling_limits_changed_while_running_are_enforced_at_once() {
    let design = presets::distributed();
    let limits = |min: u32, max: u32| {
        with_params(&design, "web", |params| {
            if let engine::NodeParams::AutoscalingGroup(p) = params {
                p.min_instances = min;
                p.max_instances = max;
                p.initial_instances = p.initial_instances.clamp(min, max);
            }
        })
    };
    let mut simulation = Simulation::new(&design, 4).expect("valid");
    simulation.advance(30.0);
    let running = node(&simulation.snapshot(), "web").instances;
    assert!((2..=8).contains(&running), "{running}");
    // A minimum above the running count boots instances at once (they run after provisioning).
    simulation.reconfigure(&limits(7, 8)).expect("follows");
    simulation.advance(120.0);
    assert!(node(&simulation.snapshot(), "web").instances >= 7);
    // A maximum below it drains the newest ones.
    simulation.reconfigure(&limits(1, 3)).expect("follows");
    simulation.advance(30.0);
    assert!(node(&simulation.snapshot(), "web").instances <= 3);
    conserved(&simulation);
}

#[test]
fn more_cache_workers_while_running_serve_more() {
    // A cache with one slow worker is saturated; eighty workers, set live, serve the same load.
    let mut design = presets::distributed();
    let slow = |workers: u32| {
        move |params: &mut engine::NodeParams| {
            if let engine::NodeParams::Cache(p) = params {
                p.workers = workers;
                p.service.mean_ms = 40.0;
            }
        }
    };
    design = with_params(&design, "cache", slow(1));
    let mut simulation = Simulation::new(&design, 8).expect("valid");
    simulation.advance(20.0);
    let saturated = node(&simulation.snapshot(), "cache").cpu;
    assert!(saturated > 0.95, "{saturated}");
    simulation
        .reconfigure(&with_params(&design, "cache", slow(80)))
        .expect("follows");
    // Waiting lookups give up at the users' timeout; then the eighty workers keep up.
    simulation.advance(60.0);
    let relieved = node(&simulation.snapshot(), "cache").cpu;
    assert!(relieved < 0.75, "{relieved}");
    conserved(&simulation);
}
