//! The design file: parsing, typed errors with JSON paths, migration, link rules and presets.

use engine::design::CURRENT_VERSION;
use engine::{Design, NodeKind, NodeParams, Problem, link_allowed, presets};

fn error_of(text: &str) -> String {
    match Design::from_json(text) {
        Ok(_) => panic!("expected an error for {text}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn minimal_design_gets_defaults() {
    let design = Design::from_json(
        r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}, {"id": "s", "kind": "server"}],
            "links": [{"from": "u", "to": "s"}]}"#,
    )
    .expect("valid");
    assert_eq!(design.nodes[1].kind(), NodeKind::Server);
    assert_eq!(design.alert_rules.len(), 3, "the three default rules");
}

#[test]
fn errors_carry_json_paths() {
    let cases = [
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}, {"id": "s", "kind": "server", "params": {"workers": 0}}]}"#,
            "nodes[1].params.workers: must be at least 1, got 0",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "userz"}]}"#,
            "nodes[0].kind: unknown variant `userz`",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users", "params": {"rate": 5}}]}"#,
            "nodes[0].params.rate: unknown field `rate`",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}], "links": [{"from": "u", "to": "x"}]}"#,
            "links[0].to: there is no node with id \"x\"",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}, {"id": "d", "kind": "database"}], "links": [{"from": "u", "to": "d"}]}"#,
            "links[0]: a users node cannot send requests to a Database",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}, {"id": "s", "kind": "server"}], "links": [{"from": "u", "to": "s"}, {"from": "u", "to": "s"}]}"#,
            "links[1]: \"u\" is already linked to \"s\"",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "s", "kind": "server"}]}"#,
            "nodes: the design has no users node",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users", "params": {"rate_per_second": -1}}]}"#,
            "nodes[0].params.rate_per_second: must be at least 0, got -1",
        ),
        (
            r#"{"version": 9, "nodes": []}"#,
            "version: this design is version 9",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}, {"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}],
                "links": [{"from": "u", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "a"}]}"#,
            "links: requests could loop forever: a → b → a",
        ),
        (
            r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}, {"id": "lb", "kind": "load_balancer",
                "params": {"health_check": {"interval_ms": 1000, "timeout_ms": 1500}}}]}"#,
            "nodes[1].params.health_check.timeout_ms: must be shorter than the interval between \
             probes (1000 ms), got 1500 ms: a probe should have failed before the next one is sent \
             (an AWS load balancer refuses a timeout that is not smaller than the interval too)",
        ),
    ];
    for (text, expected) in cases {
        let message = error_of(text);
        assert!(
            message.starts_with(expected),
            "for {text}\n  got      {message}\n  expected {expected}…"
        );
    }
}

#[test]
fn malformed_json_reports_line_and_column() {
    let error = Design::from_json("{\n  \"version\": 2,\n  \"nodes\": [,]\n}").unwrap_err();
    match error.problem {
        Problem::Malformed { line, column, .. } => assert_eq!((line, column), (3, 13)),
        other => panic!("expected malformed, got {other:?}"),
    }
}

#[test]
fn version_1_migrates_forward() {
    let design = Design::from_json(
        r#"{"version": 1, "nodes": [{"id": "u", "kind": "users"}, {"id": "s", "kind": "server"}],
            "links": [{"source": "u", "target": "s", "latency_s": 0.25}]}"#,
    )
    .expect("v1 migrates");
    assert_eq!(design.version, CURRENT_VERSION);
    assert_eq!(design.links[0].from, "u");
    assert_eq!(design.links[0].to, "s");
    assert!((design.links[0].latency_ms - 250.0).abs() < 1e-9);
}

#[test]
fn link_rules_explain_refusals() {
    assert!(link_allowed(NodeKind::Users, NodeKind::LoadBalancer).is_ok());
    assert!(link_allowed(NodeKind::Server, NodeKind::Database).is_ok());
    let refusal = link_allowed(NodeKind::Database, NodeKind::Server).unwrap_err();
    assert!(refusal.to_string().contains("calls nothing further"));
    for from in NodeKind::ALL {
        for to in NodeKind::ALL {
            if let Err(refusal) = link_allowed(from, to) {
                assert!(!refusal.reason.is_empty());
            }
        }
    }
}

#[test]
fn a_probe_timeout_must_be_shorter_than_the_interval() {
    let design = |timeout_ms: f64| {
        let mut design = presets::horizontal_scaling();
        if let Some(NodeParams::LoadBalancer(lb)) = design
            .nodes
            .iter_mut()
            .map(|node| &mut node.params)
            .find(|params| matches!(params, NodeParams::LoadBalancer(_)))
        {
            lb.health_check.interval_ms = 2_000.0;
            lb.health_check.timeout_ms = timeout_ms;
        }
        design
    };
    assert!(design(1_999.0).validate().is_ok());
    for timeout_ms in [2_000.0, 5_000.0] {
        let problems = design(timeout_ms).problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].problem,
            Problem::ProbeTimeoutNotBelowInterval {
                timeout_ms,
                interval_ms: 2_000.0
            }
        );
        assert!(
            problems[0]
                .path
                .ends_with(".params.health_check.timeout_ms")
        );
    }
    // The defaults a new load balancer gets, and every preset, are accepted.
    let NodeParams::LoadBalancer(default) = NodeParams::default_for(NodeKind::LoadBalancer) else {
        panic!("a load balancer's parameters");
    };
    assert!(default.health_check.timeout_ms < default.health_check.interval_ms);
    presets::million_requests_per_second()
        .validate()
        .expect("the aggregated preset is valid");
}

#[test]
fn presets_are_valid_and_round_trip() {
    for (title, design) in presets::all() {
        design
            .validate()
            .unwrap_or_else(|error| panic!("{title}: {error}"));
        let again = Design::from_json(&design.to_json()).expect("round trip");
        assert_eq!(again, design, "{title} survives a save and load");
        for node in &design.nodes {
            assert!(
                (0.0..=1200.0).contains(&node.position.x),
                "{title}: {}",
                node.id
            );
            assert!(
                (0.0..=600.0).contains(&node.position.y),
                "{title}: {}",
                node.id
            );
        }
    }
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "null",
        "[]",
        "{}",
        "{\"version\": \"2\"}",
        "{\"version\": -1}",
        "\u{0}",
    ] {
        assert!(Design::from_json(text).is_err());
    }
}

#[test]
fn fresh_users_and_a_fresh_server_start_healthy() {
    // What a student gets by dropping a users node and a server and linking them: a calm system
    // (about 44 % CPU by the default request mix's mean service time of 17.6 ms on 2 workers), with
    // room to double the rate before it saturates, and no alert firing.
    let mut design = engine::Design {
        name: "fresh".to_owned(),
        ..engine::presets::single_server()
    };
    design.nodes = vec![
        engine::Node::new("users", engine::NodeKind::Users, 0.0, 0.0),
        engine::Node::new("server", engine::NodeKind::Server, 200.0, 0.0),
        engine::Node::new("monitoring", engine::NodeKind::Monitoring, 200.0, 200.0),
    ];
    design.links = vec![engine::Link::new("users", "server", 1.0)];
    design.faults.clear();
    design.alert_rules = engine::design::AlertRule::defaults();
    let mut simulation = engine::Simulation::new(&design, 3).expect("valid");
    simulation.advance(120.0);
    let stats = simulation.node_stats("server").expect("server");
    let utilisation = stats.utilisation.expect("a server has a utilisation");
    assert!((0.38..0.50).contains(&utilisation), "{stats:?}");
    assert_eq!(stats.failed, 0, "{stats:?}");
    let snapshot = simulation.snapshot();
    assert!(
        snapshot
            .alerts
            .iter()
            .all(|alert| alert.state == engine::AlertState::Inactive),
        "{:?}",
        snapshot.alerts
    );
}
