//! A node's figures in a line: on its canvas box, on a picture, and which request types fail.

use engine::params::RequestType;
use engine::{Health, NodeKind, RequestTypeFigures};

use super::node_snapshot as node;
use crate::observe::figures::{
    CPU_HOT, box_line, cpu_is_hot, failing_types, has_cpu, health_icon, health_word, picture_line,
    rate,
};

fn figures(request_type: RequestType, throughput: f64, error_rate: f64) -> RequestTypeFigures {
    RequestTypeFigures {
        request_type,
        throughput,
        error_rate,
        completed: 0,
        failed: 0,
    }
}

#[test]
fn rates_and_cpu_read_at_a_glance() {
    assert_eq!(rate(72.4), "72/s");
    assert_eq!(rate(1_250.0), "1.2k/s");
    assert_eq!(rate(2_500_000.0), "2.5M/s");
    assert!(has_cpu(NodeKind::Database) && !has_cpu(NodeKind::LoadBalancer));
    let mut server = node("server-1", NodeKind::Server);
    server.throughput = 120.0;
    server.cpu = 0.45;
    server.queue = 3.0;
    assert_eq!(box_line(&server), "120/s · CPU 45% · q 3");
    server.error_rate = 0.02;
    assert_eq!(box_line(&server), "120/s · CPU 45% · q 3 · err 2.0%");
    assert_eq!(picture_line(&server), "120/s · CPU 45% · err 2.0%");
}

#[test]
fn a_database_promoting_a_replica_says_writes_fail_not_everything() {
    use RequestType::{Payment, Read, StaticAsset, Write};
    let promoting = [
        figures(Read, 150.0, 0.0),
        figures(Write, 120.0, 1.0),
        figures(Payment, 40.0, 1.0),
    ];
    assert_eq!(failing_types(&promoting).as_deref(), Some("writes"));
    let mut database = node("database", NodeKind::Database);
    database.throughput = 310.0;
    database.cpu = 0.1;
    database.error_rate = 0.52;
    database.by_request_type = promoting.to_vec();
    assert_eq!(
        box_line(&database),
        "310/s · CPU 10% · writes fail, rest ok"
    );
    // Reads alone failing are named as such; errors everywhere, or a type with no traffic this
    // second, tell no split.
    assert_eq!(
        failing_types(&[figures(Read, 10.0, 0.9), figures(Write, 10.0, 0.0)]).as_deref(),
        Some("reads")
    );
    assert_eq!(
        failing_types(&[figures(Read, 10.0, 0.9), figures(Write, 10.0, 0.8)]),
        None
    );
    assert_eq!(
        failing_types(&[figures(Write, 10.0, 1.0), figures(StaticAsset, 0.0, 0.0)]),
        None
    );
}

#[test]
fn a_cache_says_what_it_holds_refuses_and_how_its_pages_are_shared() {
    use crate::observe::figures::cache_rows;
    use engine::snapshot::{CacheFigures, SlabFigures};
    let redis = CacheFigures {
        keys: 1000,
        capacity_keys: Some(1000),
        evictions: 0,
        refused: 42,
        slab_classes: Vec::new(),
        free_pages: 0,
    };
    assert_eq!(
        cache_rows(&redis),
        vec![
            ("Keys held", "1000 of 1000".to_owned()),
            ("Refused stores", "42 (out of memory)".to_owned()),
        ]
    );
    let class = |chunk_bytes, pages, items, refused| SlabFigures {
        chunk_bytes,
        pages,
        items,
        evictions: 0,
        refused,
    };
    let memcached = CacheFigures {
        keys: 3540,
        capacity_keys: None,
        evictions: 7,
        refused: 900,
        slab_classes: vec![class(1184, 4, 3540, 0), class(24_576, 0, 0, 900)],
        free_pages: 0,
    };
    let rows = cache_rows(&memcached);
    assert_eq!(rows[0], ("Keys held", "3540 in 4 pages".to_owned()));
    assert_eq!(rows[1], ("Evictions", "7".to_owned()));
    assert_eq!(
        rows[3],
        (
            "Slab classes",
            "1.2 kB: 4 pages, 3540 items · 24.6 kB: 0 pages, 0 items, 900 refused".to_owned()
        )
    );
    assert_eq!(rows[4], ("Free pages", "0".to_owned()));
}

#[test]
fn the_gauge_turns_hot_where_the_default_cpu_alert_fires() {
    let cpu_rule = engine::design::AlertRule::defaults()
        .into_iter()
        .find(|rule| rule.metric == engine::design::AlertMetric::Cpu)
        .expect("a default CPU rule");
    assert_eq!(CPU_HOT, cpu_rule.threshold);
    assert!(!cpu_is_hot(0.79));
    assert!(cpu_is_hot(0.8));
}

#[test]
fn every_health_has_a_word_and_an_icon_of_its_own() {
    use engine::Health;
    let all = [Health::Up, Health::Degraded, Health::Starting, Health::Down];
    let words: Vec<_> = all.iter().map(|health| health_word(*health)).collect();
    assert_eq!(words, ["healthy", "degraded", "starting", "down"]);
    let icons: std::collections::BTreeSet<_> =
        all.iter().map(|health| health_icon(*health)).collect();
    assert_eq!(icons.len(), all.len());
}

#[test]
fn a_node_label_says_kind_name_health_release_single_point_and_lock_in_that_order() {
    use crate::observe::figures::{NodeLabel, node_label};
    assert_eq!(
        node_label(NodeKind::Server, "Web server", &NodeLabel::default()),
        "Server Web server"
    );
    let label = NodeLabel {
        health: Some(Health::Degraded),
        release: Some("running v1 80 %, v2 20 %".to_owned()),
        single_point: Some((false, "one of two zones".to_owned())),
        locked: true,
    };
    assert_eq!(
        node_label(NodeKind::Database, "Orders", &label),
        "Database Orders, degraded, running v1 80 %, v2 20 %, partial single point of failure: \
         one of two zones, locked by the challenge"
    );
    let full = NodeLabel {
        single_point: Some((true, "every request goes through it".to_owned())),
        ..NodeLabel::default()
    };
    assert!(
        node_label(NodeKind::LoadBalancer, "LB", &full)
            .ends_with(", single point of failure: every request goes through it")
    );
}

#[test]
fn a_link_label_names_its_ends_and_says_when_it_deploys() {
    use crate::observe::figures::link_label;
    assert_eq!(link_label("Users", "Web", false), "Link from Users to Web");
    assert_eq!(
        link_label("Pipeline", "Web", true),
        "Deploy link from Pipeline to Web"
    );
}
