//! The report's findings: failures by cause, the bottleneck finder, queue growth and the summary.

use engine::design::Design;
use engine::metrics::SeriesPoint;
use engine::snapshot::{NodeSnapshot, Totals};
use engine::{Health, Node, NodeKind, Snapshot};

use super::node_snapshot as node;
use crate::observe::findings::{
    Resource, bottleneck_heading, failures_by_cause, find_bottleneck, queue_growth, summary,
};
use crate::observe::timeline::{Mark, TimelineEntry};

fn design() -> Design {
    Design {
        version: engine::design::CURRENT_VERSION,
        name: String::new(),
        seed: 1,
        nodes: vec![
            Node::new("users", NodeKind::Users, 0.0, 0.0),
            Node::new("lb", NodeKind::LoadBalancer, 0.0, 0.0),
            Node::new("server-1", NodeKind::Server, 0.0, 0.0),
            Node::new("server-2", NodeKind::Server, 0.0, 0.0),
            Node::new("db", NodeKind::Database, 0.0, 0.0),
        ],
        links: Vec::new(),
        alert_rules: Vec::new(),
        faults: Vec::new(),
        releases: Vec::new(),
    }
}

fn snapshot(nodes: Vec<NodeSnapshot>) -> Snapshot {
    Snapshot {
        nodes,
        ..Snapshot::default()
    }
}

/// The bottleneck as "node resource", or "none".
fn check_bottleneck(nodes: Vec<NodeSnapshot>, expected: &str) {
    let found = find_bottleneck(&snapshot(nodes), &design(), &[]);
    let actual = found.map_or("none".to_owned(), |found| {
        format!("{} {}", found.node, found.resource.label())
    });
    assert_eq!(actual, expected);
}

#[test]
fn a_busy_server_is_named_by_its_cpu_with_the_evidence() {
    let mut busy = node("server-2", NodeKind::Server);
    busy.cpu = 0.98;
    busy.queue = 140.0;
    busy.throughput = 130.0;
    let mut calm = node("server-1", NodeKind::Server);
    calm.cpu = 0.4;
    let growth = [("server-2".to_owned(), 12.0)];
    let found =
        find_bottleneck(&snapshot(vec![calm, busy]), &design(), &growth).expect("a bottleneck");
    assert_eq!(found.resource, Resource::Cpu);
    assert_eq!(bottleneck_heading(&found), "CPU on server-2");
    assert_eq!(
        format!("{}: {}", found.node, found.evidence),
        "server-2: CPU 98 %, queue 140 of 200 and growing (+12/s); it limits throughput at ~130 req/s"
    );
}

#[test]
fn the_fullest_resource_wins_and_calm_or_dead_nodes_limit_nothing() {
    check_bottleneck(vec![node("server-1", NodeKind::Server)], "none");
    let mut dead = node("server-1", NodeKind::Server);
    dead.cpu = 1.0;
    dead.health = Health::Down;
    check_bottleneck(vec![dead], "none");
    // A node the design does not have (the run is behind an edit) is left out.
    let mut unknown = node("server-9", NodeKind::Server);
    unknown.cpu = 1.0;
    check_bottleneck(vec![unknown], "none");

    let mut pool = node("db", NodeKind::Database);
    pool.connections = 100.0;
    pool.cpu = 0.6;
    let mut server = node("server-1", NodeKind::Server);
    server.cpu = 0.9;
    check_bottleneck(vec![server.clone(), pool], "db connections");

    let mut memory = node("server-2", NodeKind::Server);
    memory.memory_mb = 4_000.0;
    check_bottleneck(vec![server, memory], "server-2 memory");

    let mut balancer = node("lb", NodeKind::LoadBalancer);
    balancer.connections = 10_000.0;
    check_bottleneck(vec![balancer], "lb connections");
}

#[test]
fn failures_by_cause_are_shares_of_all_requests_most_frequent_first() {
    let totals = Totals {
        requests: 1000,
        failures: vec![
            ("timeout at server-2".to_owned(), 90),
            ("backend down at server-1".to_owned(), 412),
            ("queue full at server-3".to_owned(), 0),
        ],
        ..Totals::default()
    };
    let rows: Vec<String> = failures_by_cause(&totals)
        .iter()
        .map(|row| format!("{} {} {:.3}", row.cause, row.count, row.share))
        .collect();
    assert_eq!(
        rows,
        [
            "backend down at server-1 412 0.412",
            "timeout at server-2 90 0.090"
        ]
    );
}

fn point(time_s: f64, queue: f64) -> SeriesPoint {
    SeriesPoint {
        time_s,
        queue,
        ..SeriesPoint::default()
    }
}

#[test]
fn queue_growth_is_measured_over_the_last_seconds_of_busy_nodes() {
    let mut growing = node("server-1", NodeKind::Server);
    growing.queue = 60.0;
    let mut busy = node("server-2", NodeKind::Server);
    busy.cpu = 0.7;
    let calm = node("db", NodeKind::Database);
    let series = |id: &str| -> Vec<SeriesPoint> {
        match id {
            // Ten seconds; only the last five count: from 10 to 60 requests.
            "server-1" => (0..10)
                .map(|second| {
                    let queue = if second < 4 {
                        0.0
                    } else {
                        (second - 3) as f64 * 10.0
                    };
                    point(f64::from(second + 1), queue)
                })
                .collect(),
            // One point: no time passed, so no rate.
            "server-2" => vec![point(1.0, 5.0)],
            _ => panic!("the calm database is not looked at"),
        }
    };
    let growth = queue_growth(&snapshot(vec![growing, busy, calm]), &series);
    assert_eq!(growth, [("server-1".to_owned(), 10.0)]);
}

fn entry(time_s: f64, mark: Mark, text: &str) -> TimelineEntry {
    // The node a moment is about, as the typed event gives it: here read from the test's text.
    let about = ["server-1", "server-2", "cache", "database"]
        .into_iter()
        .find(|node| text.contains(node))
        .unwrap_or_default();
    TimelineEntry {
        time_s,
        mark,
        about: about.to_owned(),
        text: text.to_owned(),
        fault: None,
    }
}

#[test]
fn the_summary_tells_the_fault_how_long_requests_failed_and_the_totals() {
    let totals = Totals {
        requests: 1000,
        failed: 50,
        ..Totals::default()
    };
    let entries = [
        entry(42.0, Mark::Fault, "server-1: crashed"),
        entry(42.1, Mark::Error, "First errors: backend down at server-1"),
        entry(48.1, Mark::Detection, "lb: server-1 out of rotation"),
    ];
    assert_eq!(
        summary(&entries, &totals, None, 80.0, &design()),
        "At 00:42 server-1: crashed; requests failed (backend down at server-1) for 6.1 s \
         until health checks took it out of rotation. In 1 min 20 s, 50 of 1000 requests failed (5.0 %)."
    );
    assert_eq!(
        summary(&entries[..2], &totals, None, 80.0, &design()),
        "At 00:42 server-1: crashed; requests then failed (backend down at server-1). \
         In 1 min 20 s, 50 of 1000 requests failed (5.0 %)."
    );
    assert_eq!(
        summary(&entries[1..2], &Totals::default(), None, 80.0, &design()),
        "At 00:42 requests began to fail (backend down at server-1)."
    );
    assert_eq!(
        summary(&[], &Totals::default(), None, 0.0, &design()),
        "Nothing has happened yet: no faults, no failed requests."
    );
    let mut busy = node("server-2", NodeKind::Server);
    busy.cpu = 0.95;
    busy.throughput = 80.0;
    let bottleneck = find_bottleneck(&snapshot(vec![busy]), &design(), &[]);
    assert_eq!(
        summary(
            &[],
            &Totals::default(),
            bottleneck.as_ref(),
            10.0,
            &design()
        ),
        "CPU on server-2 is now the bottleneck: CPU 95 %; it limits throughput at ~80 req/s."
    );
}
