//! Property tests over random designs: whatever the input, no panic, no NaN, requests conserved,
//! memory bounded.

use engine::{Design, NodeKind, Simulation, link_allowed};
use proptest::prelude::*;
use serde_json::{Value, json};

/// SplitMix64: a tiny generator to draw a design from one proptest seed.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

const KINDS: [&str; 9] = [
    "users",
    "load_balancer",
    "server",
    "autoscaling_group",
    "cache",
    "cdn",
    "database",
    "service",
    "monitoring",
];

fn params(draw: &mut Draw, kind: &str) -> Value {
    match kind {
        "users" => json!({
            "rate_per_second": draw.pick(&[0.0, 1.0, 50.0, 300.0, 1500.0]),
            "timeout_ms": draw.pick(&[1.0, 200.0, 2000.0]),
            "retry": {"max_retries": draw.below(4), "jitter": draw.below(2) == 0},
            "pattern": draw.pick(&[
                json!({"shape": "constant"}),
                json!({"shape": "spike", "at_s": 1.0, "duration_s": 1.0, "factor": 5.0}),
                json!({"shape": "diurnal", "period_s": 3.0, "amplitude": 1.0}),
                json!({"shape": "ramp", "start_rate_per_second": 0.0, "duration_s": 2.0}),
            ]),
        }),
        "server" | "service" => json!({
            "workers": draw.pick(&[1, 2, 8]),
            "queue_capacity": draw.pick(&[0, 1, 10, 1000]),
            "timeout_ms": draw.pick(&[0.0, 5.0, 1000.0]),
            "memory_per_request_mb": draw.pick(&[0.0, 4.0, 500.0]),
            "cold_start_ms": draw.pick(&[0.0, 100.0]),
            "service": {"read": {"distribution": draw.pick(&["exponential", "deterministic", "log_normal"]), "mean_ms": draw.pick(&[0.0, 1.0, 50.0])}},
        }),
        "autoscaling_group" => json!({
            "min_instances": 0, "max_instances": draw.pick(&[1, 3]), "initial_instances": draw.below(2),
            "provisioning_s": 0.5, "evaluation_s": 0.5, "cooldown_s": 0.0,
            "metric": draw.pick(&["cpu", "latency", "queue_length"]),
        }),
        "load_balancer" => json!({
            "algorithm": draw.pick(&["round_robin", "weighted_round_robin", "least_connections", "random", "power_of_two", "consistent_hash"]),
            "max_connections": draw.pick(&[0, 5, 10000]),
            "standby": draw.below(2) == 0,
            // A probe times out before the next one leaves, as validation requires.
            "health_check": draw.pick(&[
                json!({"interval_ms": 10.0, "timeout_ms": 5.0}),
                json!({"interval_ms": 500.0, "timeout_ms": 100.0}),
            ]),
        }),
        "cache" => json!({
            "capacity_keys": draw.pick(&[0, 1, 100]),
            "keyspace": draw.pick(&[1, 1000]),
            "ttl_s": draw.pick(&[0.0, 0.5]),
            "fixed_hit_ratio": draw.pick(&[Value::Null, json!(0.0), json!(1.0)]),
        }),
        "database" => json!({
            "replicas": draw.below(3),
            "max_connections": draw.pick(&[0, 1, 50]),
            "max_waiting": draw.pick(&[0, 5]),
            "acquire_timeout_ms": draw.pick(&[0.0, 50.0]),
        }),
        "cdn" => json!({"edge_hit_ratio": draw.pick(&[0.0, 0.5, 1.0])}),
        _ => json!({}),
    }
}

/// A random design as JSON. With `strict`, links respect the kinds' rules, point forward and are
/// unique, so the design is valid and runs; otherwise one link in ten may point anywhere (cycles,
/// self-links, duplicates, forbidden directions) for the validator to catch.
fn random_design(seed: u64, node_count: usize, link_count: usize, strict: bool) -> String {
    let mut draw = Draw(seed);
    let mut nodes = Vec::new();
    let mut kinds = Vec::new();
    for index in 0..node_count {
        let kind = if index == 0 {
            "users"
        } else {
            draw.pick(&KINDS)
        };
        kinds.push(NodeKind::ALL[KINDS.iter().position(|k| *k == kind).unwrap_or(0)]);
        nodes.push(json!({
            "id": format!("n{index}"),
            "kind": kind,
            "zone": draw.pick(&["a", "b"]),
            "params": params(&mut draw, kind),
        }));
    }
    let mut links = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    for _ in 0..link_count {
        let from = draw.below(node_count as u64);
        let wild = !strict && draw.below(10) == 0;
        let to = if wild {
            draw.below(node_count as u64)
        } else {
            (from + 1 + draw.below((node_count as u64 - from).max(1))).min(node_count as u64 - 1)
        };
        let allowed = from < to && link_allowed(kinds[from as usize], kinds[to as usize]).is_ok();
        if !wild && (!allowed || !pairs.insert((from, to))) {
            continue;
        }
        links.push(json!({
            "from": format!("n{from}"),
            "to": format!("n{to}"),
            "latency_ms": draw.pick(&[0.0, 1.0, 20.0]),
            "loss": draw.pick(&[0.0, 0.0, 0.1, 1.0]),
        }));
    }
    let faults: Vec<Value> = (0..draw.below(3))
        .map(|_| {
            let node = format!("n{}", draw.below(node_count as u64));
            let fault = draw.pick(&[
                json!({"type": "kill", "node": node}),
                json!({"type": "restart", "node": node}),
                json!({"type": "slow_down", "node": node, "factor": 4.0}),
                json!({"type": "database_primary_crash", "node": node}),
                json!({"type": "cache_flush", "node": node}),
                json!({"type": "zone_outage", "zone": "a"}),
                json!({"type": "traffic_spike", "node": null, "factor": 3.0}),
                json!({"type": "partition", "a": "n0", "b": node}),
            ]);
            json!({"at_s": draw.below(3) as f64, "duration_s": draw.pick(&[Value::Null, json!(1.0)]), "fault": fault})
        })
        .collect();
    json!({"version": 2, "nodes": nodes, "links": links, "faults": faults}).to_string()
}

fn check_run(design: &Design, seed: u64, seconds: f64) {
    let Ok(mut simulation) = Simulation::new(design, seed) else {
        return;
    };
    check_seconds(&mut simulation, seconds);
}

/// Runs whole seconds, checking every snapshot: finite non-negative figures, conservation, bounds.
fn check_seconds(simulation: &mut Simulation, seconds: f64) {
    for _ in 0..(seconds as usize) {
        simulation.advance(1.0);
        let snapshot = simulation.snapshot();
        for node in &snapshot.nodes {
            for value in [
                node.throughput,
                node.error_rate,
                node.p50_ms,
                node.p95_ms,
                node.p99_ms,
                node.mean_ms,
                node.cpu,
                node.memory_mb,
                node.queue,
                node.connections,
                node.hit_ratio,
                node.cost_per_hour,
                node.network_mbps,
            ] {
                assert!(
                    value.is_finite() && value >= 0.0,
                    "{}: {value} in {node:?}",
                    node.id
                );
            }
            assert!((0.0..=1.0).contains(&node.cpu));
            assert!((0.0..=1.0).contains(&node.error_rate));
        }
        for request in &snapshot.in_flight {
            assert!((0.0..=1.0).contains(&request.progress));
        }
        assert!(snapshot.in_flight.len() <= engine::snapshot::IN_FLIGHT_SAMPLE);
        let totals = snapshot.totals;
        assert_eq!(
            totals.requests,
            totals.completed + totals.failed + simulation.requests_in_flight(),
            "conservation: arrived = completed + failed + in flight"
        );
        assert!(totals.revenue.is_finite() && totals.revenue_lost.is_finite());
        assert!(simulation.series("n0").len() <= engine::metrics::SERIES_SECONDS);
    }
}

/// `edited` with every node whose id `running` uses for another kind renamed, so that a live edit
/// from one to the other keeps, drops and adds nodes (a kind change is refused by design).
fn align_kinds(running: &str, edited: &str) -> String {
    let running: Value = serde_json::from_str(running).expect("json");
    let mut edited: Value = serde_json::from_str(edited).expect("json");
    let kind_of = |id: &str| {
        running["nodes"]
            .as_array()
            .and_then(|nodes| nodes.iter().find(|n| n["id"] == id))
            .map(|n| n["kind"].clone())
    };
    let mut renamed = std::collections::BTreeMap::new();
    if let Some(nodes) = edited["nodes"].as_array_mut() {
        for node in nodes {
            let id = node["id"].as_str().unwrap_or_default().to_owned();
            if kind_of(&id).is_some_and(|kind| kind != node["kind"]) {
                let fresh = format!("edited-{id}");
                node["id"] = json!(fresh);
                renamed.insert(id, fresh);
            }
        }
    }
    let rename = |value: &mut Value| {
        if let Some(new) = value.as_str().and_then(|id| renamed.get(id)) {
            *value = json!(new);
        }
    };
    if let Some(links) = edited["links"].as_array_mut() {
        for link in links {
            rename(&mut link["from"]);
            rename(&mut link["to"]);
        }
    }
    if let Some(faults) = edited["faults"].as_array_mut() {
        for fault in faults {
            for key in ["node", "a", "b"] {
                if let Some(value) = fault["fault"].get_mut(key) {
                    rename(value);
                }
            }
        }
    }
    edited.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn live_edits_between_random_designs_never_panic_and_conserve_requests(
        seed in any::<u64>(),
        nodes in 2usize..14,
        edited_nodes in 2usize..14,
        links in 1usize..40,
    ) {
        let first = random_design(seed, nodes, links, true);
        let second = align_kinds(&first, &random_design(seed ^ 0x5EED, edited_nodes, links, true));
        let (first, second) = match (Design::from_json(&first), Design::from_json(&second)) {
            (Ok(first), Ok(second)) => (first, second),
            (first, second) => {
                return Err(TestCaseError::fail(format!("{:?} {:?}", first.err(), second.err())));
            }
        };
        let Ok(mut simulation) = Simulation::new(&first, seed) else {
            return Ok(());
        };
        check_seconds(&mut simulation, 2.0);
        prop_assert!(simulation.reconfigure(&second).is_ok());
        prop_assert_eq!(simulation.design(), &second);
        check_seconds(&mut simulation, 2.0);
        // And back again: the first design's ids come back as fresh nodes.
        prop_assert!(simulation.reconfigure(&first).is_ok());
        check_seconds(&mut simulation, 2.0);
    }

    #[test]
    fn random_designs_never_panic_and_conserve_requests(seed in any::<u64>(), nodes in 1usize..16, links in 0usize..30) {
        let text = random_design(seed, nodes, links, false);
        match Design::from_json(&text) {
            Ok(design) => check_run(&design, seed, 4.0),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn random_valid_designs_run_without_nan_and_conserve_requests(seed in any::<u64>(), nodes in 2usize..20, links in 1usize..60) {
        let text = random_design(seed, nodes, links, true);
        let design = Design::from_json(&text);
        prop_assert!(design.is_ok(), "{:?}", design.err());
        if let Ok(design) = design {
            check_run(&design, seed, 4.0);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = Design::from_json(&text);
    }

    #[test]
    fn arbitrary_json_values_never_panic(version in 0u64..4, kind in "[a-z_]{1,20}", field in "[a-z_]{1,12}", number in any::<f64>()) {
        let number = serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number);
        let text = json!({"version": version, "nodes": [{"id": "u", "kind": "users"}, {"id": "x", "kind": kind, "params": {field: number}}], "links": [{"from": "u", "to": "x"}]}).to_string();
        if let Ok(design) = Design::from_json(&text) {
            check_run(&design, 1, 2.0);
        }
    }
}

#[test]
fn a_thousand_nodes_run() {
    let text = random_design(2024, 1_000, 3_000, true);
    let design = Design::from_json(&text).expect("a strict random design is valid");
    assert_eq!(design.nodes.len(), 1_000);
    check_run(&design, 3, 3.0);
    let wild = random_design(2025, 1_000, 3_000, false);
    if let Err(error) = Design::from_json(&wild) {
        assert!(!error.path.is_empty(), "{error}");
    }
}

#[test]
fn memory_stays_bounded_in_a_steady_state() {
    let mut simulation = Simulation::new(&engine::presets::distributed(), 1).expect("valid");
    simulation.advance(60.0);
    let (_, capacity_early, events_early) = simulation.memory_footprint();
    simulation.advance(120.0);
    let (live, capacity_late, events_late) = simulation.memory_footprint();
    assert!(
        capacity_late <= capacity_early * 3 / 2 + 100,
        "slab {capacity_early} → {capacity_late}"
    );
    assert!(
        events_late <= events_early * 3 / 2 + 100,
        "events {events_early} → {events_late}"
    );
    assert!(live <= capacity_late);
}
