//! The engine's enums speak for themselves (`ALL`, `label`, `as_str`), so the app keeps no mirror
//! copies; and which fault fits which node kind is what the model really does.

use std::fmt::Debug;

use engine::design::{AlertMetric, Channel, Comparison, Fault, FaultKind, RuleKind, Severity};
use engine::metrics::LogKind;
use engine::run_event::RunEvent;
use engine::{Health, LiveCommand, NodeKind, Simulation, presets};
use serde::Serialize;

/// Every listed value once, its identifier the one design files use, its label distinct.
fn check_vocabulary<T: Copy + PartialEq + Debug + Serialize>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) {
    for (index, value) in all.iter().enumerate() {
        assert!(!all[..index].contains(value), "{value:?} listed twice");
        assert_eq!(
            serde_json::to_value(value).expect("serialisable"),
            serde_json::Value::String(as_str(*value).to_owned()),
            "{value:?}"
        );
        assert!(!label(*value).is_empty());
        assert!(
            all[..index]
                .iter()
                .all(|other| label(*other) != label(*value)),
            "{value:?} shares its label"
        );
    }
}

#[test]
fn alert_and_log_enums_list_and_name_themselves() {
    check_vocabulary(&AlertMetric::ALL, AlertMetric::as_str, AlertMetric::label);
    check_vocabulary(&Comparison::ALL, Comparison::as_str, Comparison::label);
    check_vocabulary(&Severity::ALL, Severity::as_str, Severity::label);
    check_vocabulary(&Channel::ALL, Channel::as_str, Channel::label);
    check_vocabulary(&RuleKind::ALL, RuleKind::as_str, RuleKind::label);
    check_vocabulary(&LogKind::ALL, LogKind::as_str, LogKind::label);
    check_vocabulary(&FaultKind::ALL, FaultKind::as_str, FaultKind::as_str);
    assert_eq!(AlertMetric::ALL.len(), 8);
    assert_eq!(Severity::ALL[0], Severity::Critical, "most severe first");
    for kind in FaultKind::ALL {
        assert_eq!(FaultKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(FaultKind::parse("explode"), None);
}

/// The node kinds a fault fits, as "kind kind …" in palette order.
fn check_fits(fault: FaultKind, expected: &str) {
    let fitting: Vec<&str> = NodeKind::ALL
        .into_iter()
        .filter(|kind| fault.fits(*kind))
        .map(NodeKind::as_str)
        .collect();
    assert_eq!(fitting.join(" "), expected, "{fault:?}");
}

#[test]
fn which_fault_fits_which_node_kind() {
    let every =
        "users load_balancer server autoscaling_group cache cdn database service monitoring";
    let with_pipeline = format!("{every} pipeline");
    check_fits(FaultKind::Kill, &with_pipeline);
    check_fits(FaultKind::Restart, &with_pipeline);
    check_fits(FaultKind::Partition, every);
    check_fits(FaultKind::LinkDegradation, every);
    check_fits(
        FaultKind::SlowDown,
        "server autoscaling_group cache database service",
    );
    check_fits(FaultKind::ZoneOutage, "");
    check_fits(FaultKind::DatabasePrimaryCrash, "database");
    check_fits(FaultKind::CacheFlush, "cache");
    check_fits(FaultKind::TrafficSpike, "users");
    let kill = Fault::Kill {
        node: "a".to_owned(),
    };
    assert_eq!(kill.kind(), FaultKind::Kill);
}

/// Injects `fault` into the distributed preset at 5 s and runs to 8 s.
fn injected(fault: Fault) -> Simulation {
    let mut simulation = Simulation::new(&presets::distributed(), 4).expect("valid");
    simulation.advance(5.0);
    simulation
        .apply(LiveCommand::Inject {
            fault,
            duration_s: None,
        })
        .expect("injected");
    simulation.advance(3.0);
    simulation
}

#[test]
fn a_fault_does_something_exactly_to_the_nodes_it_fits() {
    let design = presets::distributed();
    for node in &design.nodes {
        let id = node.id.clone();
        // A kill takes any node down.
        let mut killed = injected(Fault::Kill { node: id.clone() });
        let health = killed
            .snapshot()
            .nodes
            .into_iter()
            .find(|n| n.id == id)
            .map(|n| n.health);
        assert!(FaultKind::Kill.fits(node.kind()));
        assert!(
            // A load balancer with a standby is back after the takeover.
            matches!(health, Some(Health::Down)) || node.kind() == NodeKind::LoadBalancer,
            "{id}: {health:?}"
        );
        // A flush or a primary crash tells of itself only where it fits.
        for (fault, told) in [
            (
                Fault::CacheFlush { node: id.clone() },
                (|event: &RunEvent| *event == RunEvent::CacheFlushed) as fn(&RunEvent) -> bool,
            ),
            (
                Fault::DatabasePrimaryCrash { node: id.clone() },
                |event: &RunEvent| *event == RunEvent::PrimaryCrashed,
            ),
        ] {
            let kind = fault.kind();
            let mut simulation = injected(fault);
            let happened = simulation
                .report()
                .events
                .iter()
                .filter(|line| line.node == id)
                .filter_map(|line| line.event.as_ref())
                .any(told);
            assert_eq!(happened, kind.fits(node.kind()), "{kind:?} on {id}");
        }
    }
}
