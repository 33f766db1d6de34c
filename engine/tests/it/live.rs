//! Live commands: changes while the simulation runs, without restarting it.

use engine::design::Fault;
use engine::params::{Algorithm, Tier};
use engine::{CommandError, LiveCommand, NodeParams, RouteExplanation, Simulation, presets};

#[test]
fn adding_a_server_behind_the_load_balancer_takes_traffic() {
    let mut simulation = Simulation::new(&presets::horizontal_scaling(), 1).expect("valid");
    simulation.advance(5.0);
    simulation
        .apply(LiveCommand::AddServer {
            node: "lb".to_owned(),
        })
        .expect("added");
    simulation.advance(10.0);
    let snapshot = simulation.snapshot();
    let lb = snapshot.nodes.iter().find(|n| n.id == "lb").expect("lb");
    assert_eq!(lb.healthy_backends, Some((4, 4)));
    let added = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "server-1-2")
        .expect("new server");
    assert!(added.throughput > 20.0, "{added:?}");
    assert!(
        simulation
            .design()
            .links
            .iter()
            .any(|l| l.from == "server-1-2" && l.to == "database")
    );
}

#[test]
fn parameters_change_live_and_are_validated() {
    let mut simulation = Simulation::new(&presets::single_server(), 2).expect("valid");
    simulation.advance(10.0);
    let mut params = simulation.design().nodes[1].params.clone();
    if let NodeParams::Server(server) = &mut params {
        server.workers = Some(0);
    }
    let error = simulation
        .apply(LiveCommand::SetParams {
            node: "server".to_owned(),
            params: params.clone(),
        })
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "nodes[1].params.workers: must be at least 1, got 0"
    );
    if let NodeParams::Server(server) = &mut params {
        server.workers = None;
        server.tier = Tier::Large;
    }
    let before = simulation.series("server").last().expect("point").cpu;
    simulation
        .apply(LiveCommand::SetParams {
            node: "server".to_owned(),
            params,
        })
        .expect("valid change");
    simulation.advance(10.0);
    let after = simulation.series("server").last().expect("point").cpu;
    assert!(
        after < before / 2.0,
        "8 cores instead of 2: cpu {before} → {after}"
    );
    assert!(matches!(
        simulation.apply(LiveCommand::Kill {
            node: "nope".to_owned()
        }),
        Err(CommandError::UnknownNode(_))
    ));
}

#[test]
fn kill_restart_and_explanations() {
    let mut design = presets::horizontal_scaling();
    if let NodeParams::LoadBalancer(lb) = &mut design.nodes[1].params {
        lb.algorithm = Algorithm::PowerOfTwo;
    }
    let mut simulation = Simulation::new(&design, 3).expect("valid");
    simulation
        .apply(LiveCommand::Explain {
            node: "lb".to_owned(),
            on: true,
        })
        .expect("load balancer");
    simulation.advance(2.0);
    let snapshot = simulation.snapshot();
    let lb = snapshot.nodes.iter().find(|n| n.id == "lb").expect("lb");
    assert!(matches!(
        lb.explanation,
        Some(RouteExplanation::PowerOfTwo { .. })
    ));
    simulation
        .apply(LiveCommand::Kill {
            node: "server-2".to_owned(),
        })
        .expect("kill");
    simulation.advance(1.0);
    assert!(simulation.totals().failed > 0);
    simulation
        .apply(LiveCommand::Restart {
            node: "server-2".to_owned(),
        })
        .expect("restart");
    simulation
        .apply(LiveCommand::Inject {
            fault: Fault::TrafficSpike {
                node: None,
                factor: 2.0,
            },
            duration_s: Some(5.0),
        })
        .expect("spike");
    simulation.advance(3.0);
    let users = simulation.series("users");
    let last = users.last().expect("point");
    assert!(last.throughput > 350.0, "spiked traffic: {last:?}");
}

#[test]
fn scaling_up_stops_at_the_top_tier() {
    let mut simulation = Simulation::new(&presets::single_server(), 4).expect("valid");
    let cost = simulation.snapshot().cost_per_hour;
    for _ in 0..3 {
        simulation
            .apply(LiveCommand::ScaleUp {
                node: "server".to_owned(),
            })
            .expect("a bigger tier exists");
    }
    assert!(simulation.snapshot().cost_per_hour > cost);
    let refused = simulation.apply(LiveCommand::ScaleUp {
        node: "server".to_owned(),
    });
    assert!(
        matches!(refused, Err(CommandError::AtLimit(_))),
        "{refused:?}"
    );
}

#[test]
fn simulation_and_snapshot_can_live_in_shared_state() {
    // The app keeps the simulation in a store that needs Send + Sync; nothing in it may be Rc.
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Simulation>();
    shareable::<engine::Snapshot>();
    shareable::<engine::Design>();
}

#[test]
fn switching_health_checks_on_live_starts_probing() {
    let mut design = presets::horizontal_scaling();
    if let NodeParams::LoadBalancer(lb) = &mut design.nodes[1].params {
        lb.health_check.enabled = false;
    }
    let mut simulation = Simulation::new(&design, 8).expect("valid");
    simulation
        .apply(LiveCommand::Kill {
            node: "server-1".to_owned(),
        })
        .expect("kill");
    simulation.advance(10.0);
    let lb = |s: &mut Simulation| {
        s.snapshot()
            .nodes
            .into_iter()
            .find(|n| n.id == "lb")
            .and_then(|n| n.healthy_backends)
    };
    assert_eq!(lb(&mut simulation), Some((3, 3)), "nobody checks");
    let mut params = simulation.design().nodes[1].params.clone();
    if let NodeParams::LoadBalancer(p) = &mut params {
        p.health_check.enabled = true;
    }
    simulation
        .apply(LiveCommand::SetParams {
            node: "lb".to_owned(),
            params,
        })
        .expect("valid");
    simulation.advance(10.0);
    assert_eq!(
        lb(&mut simulation),
        Some((2, 3)),
        "the dead server is found"
    );
}
