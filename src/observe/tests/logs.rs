//! The log viewer's filter.

use std::collections::VecDeque;

use engine::metrics::{LogKind, LogLevel, LogLine};

use crate::observe::logs::{
    LevelFilter, LogFilter, contains_ignoring_case, count_text, log_shipper, matching_lines,
    node_choices, parse_kind, unshipped, waiting_while_paused,
};

fn line(sequence: u64, level: LogLevel, kind: LogKind, node: &str, message: &str) -> LogLine {
    LogLine {
        sequence,
        time_s: sequence as f64,
        level,
        kind,
        node: node.to_owned(),
        message: message.to_owned(),
        event: None,
    }
}

fn lines() -> VecDeque<LogLine> {
    use LogKind::{Access, Error, System};
    use LogLevel::{Info, Warn};
    [
        line(0, Info, Access, "users", "Read ok in 12.3 ms"),
        line(1, Warn, System, "lb", "server-2 failed health check 1/3"),
        line(
            2,
            LogLevel::Error,
            Error,
            "server-2",
            "request failed: queue full at server-2",
        ),
        line(
            3,
            Warn,
            System,
            "lb",
            "server-2 failed health check 3/3 — marked unhealthy",
        ),
        line(4, Info, Access, "users", "Write ok in 80.0 ms"),
    ]
    .into()
}

/// A filter that lets every line through.
pub(super) fn all() -> LogFilter {
    LogFilter {
        level: LevelFilter::All,
        kind: None,
        node: None,
        search: String::new(),
        until: None,
        shipped: None,
        outages: Vec::new(),
        issue: None,
    }
}

fn check(filter: &LogFilter, limit: usize, expected: &[u64], expected_matching: usize) {
    let (shown, matching) = matching_lines(&lines(), filter, limit);
    let sequences: Vec<u64> = shown.iter().map(|line| line.sequence).collect();
    assert_eq!(
        (sequences.as_slice(), matching),
        (expected, expected_matching),
        "{filter:?}"
    );
}

#[test]
fn filters_narrow_the_lines_and_the_newest_are_kept() {
    check(&all(), 10, &[0, 1, 2, 3, 4], 5);
    check(&all(), 2, &[3, 4], 5);
    let search = |text: &str| LogFilter {
        search: text.to_owned(),
        ..all()
    };
    check(&search("health check"), 10, &[1, 3], 2);
    check(&search("server-2"), 10, &[1, 2, 3], 3);
    let level = |level| LogFilter { level, ..all() };
    check(&level(LevelFilter::WarningsAndErrors), 10, &[1, 2, 3], 3);
    check(&level(LevelFilter::Errors), 10, &[2], 1);
    let node = LogFilter {
        node: Some("users".to_owned()),
        ..all()
    };
    check(&node, 10, &[0, 4], 2);
    let kind = |value: &str| LogFilter {
        kind: parse_kind(value),
        ..all()
    };
    check(&kind("access"), 10, &[0, 4], 2);
    check(&kind("system"), 10, &[1, 3], 2);
    check(&kind("error"), 10, &[2], 1);
    check(&kind(""), 10, &[0, 1, 2, 3, 4], 5);
    let paused = LogFilter {
        until: Some(2),
        ..all()
    };
    check(&paused, 10, &[0, 1, 2], 3);
}

#[test]
fn the_level_filter_reads_its_option_values() {
    assert_eq!(LevelFilter::parse("warn"), LevelFilter::WarningsAndErrors);
    assert_eq!(LevelFilter::parse("error"), LevelFilter::Errors);
    assert_eq!(LevelFilter::parse("all"), LevelFilter::All);
}

#[test]
fn search_ignores_case_in_any_script() {
    assert!(contains_ignoring_case(
        "Server-2 FAILED health check",
        "failed health"
    ));
    assert!(contains_ignoring_case(
        "Zahlung fehlgeschlagen — Ärger",
        "ärger"
    ));
    assert!(!contains_ignoring_case("ok", "okay"));
    assert!(contains_ignoring_case("anything", ""));
}

#[test]
fn the_count_says_how_many_wait_while_paused() {
    assert_eq!(waiting_while_paused(&lines(), 2), 2);
    assert_eq!(waiting_while_paused(&lines(), 4), 0);
    assert_eq!(
        count_text(3, 5, 2000, 0),
        "3 shown of 5 matching, 2000 kept"
    );
    assert_eq!(
        count_text(3, 5, 2000, 2),
        "3 shown of 5 matching, 2000 kept · 2 new while paused"
    );
}

#[test]
fn a_shipper_holds_the_newest_lines_until_its_flush() {
    use engine::params::LogShipper;
    // Lines at 0..4 s. Fluentd flushes every 60 s: at 59 s nothing is searchable, at 60 s all is.
    let fluentd = |now| LogFilter {
        shipped: Some((LogShipper::Fluentd, now)),
        ..all()
    };
    check(&fluentd(59.0), 10, &[], 0);
    check(&fluentd(60.0), 10, &[0, 1, 2, 3, 4], 5);
    assert_eq!(unshipped(&lines(), LogShipper::Fluentd, 59.0, &[]), 5);
    assert_eq!(unshipped(&lines(), LogShipper::Fluentd, 60.0, &[]), 0);
    // Logstash trails by up to 50 ms; shipped directly, every line is searchable at once.
    let logstash = LogFilter {
        shipped: Some((LogShipper::Logstash, 4.0)),
        ..all()
    };
    check(&logstash, 10, &[0, 1, 2, 3], 4);
    assert_eq!(unshipped(&lines(), LogShipper::Direct, 4.0, &[]), 0);
    assert_eq!(LogShipper::Fluentd.searchable_at(61.5), 120.0);
}

#[test]
fn lines_logged_while_the_store_is_down_wait_for_it_and_a_full_buffer_loses_the_rest() {
    use crate::observe::logs::outage_text;
    use engine::log_shipping::LogOutage;
    use engine::params::LogShipper;
    // Lines at 0..4 s; the store was down from 1 s to 3.5 s and the buffer filled at 2.5 s.
    let outage = LogOutage {
        from_s: 1.0,
        to_s: Some(3.5),
        overflow_s: Some(2.5),
        buffered_lines: 1000,
        lost_lines: 250,
    };
    let logstash = |now| LogFilter {
        shipped: Some((LogShipper::Logstash, now)),
        outages: vec![outage.clone()],
        ..all()
    };
    // The lines at 1 and 2 s wait for the store (back at 3.5 s, so they show from its first batch
    // at 3.55 s); the one at 3 s came after the buffer filled and never shows.
    check(&logstash(3.2), 10, &[0], 1);
    check(&logstash(4.1), 10, &[0, 1, 2, 4], 4);
    assert_eq!(
        unshipped(
            &lines(),
            LogShipper::Logstash,
            3.2,
            std::slice::from_ref(&outage)
        ),
        3,
        "1 s and 2 s wait for the store, 4 s is still in its batch"
    );
    assert_eq!(
        outage_text(std::slice::from_ref(&outage)).as_deref(),
        Some("250 line(s) lost to a full buffer")
    );
    let open = LogOutage {
        to_s: None,
        overflow_s: None,
        lost_lines: 0,
        ..outage
    };
    assert_eq!(
        outage_text(&[open]).as_deref(),
        Some("log store down: 1000 line(s) buffered")
    );
}

#[test]
fn the_node_filter_offers_every_node_by_name_and_id_in_design_order() {
    let mut design = engine::presets::horizontal_scaling();
    // A node without a name of its own is offered by its id alone.
    design.nodes.push(engine::design::Node::new(
        "cache-2",
        engine::NodeKind::Cache,
        0.0,
        0.0,
    ));
    let choices = node_choices(&design);
    assert_eq!(choices.len(), design.nodes.len());
    for (choice, node) in choices.iter().zip(&design.nodes) {
        assert_eq!(choice.0, node.id);
    }
    assert!(choices.contains(&("server-2".to_owned(), "Server 2 (server-2)".to_owned())));
    assert!(choices.contains(&("lb".to_owned(), "Load balancer (lb)".to_owned())));
    assert_eq!(
        choices.last(),
        Some(&("cache-2".to_owned(), "cache-2".to_owned()))
    );
}

#[test]
fn lines_reach_the_store_through_the_first_monitoring_nodes_shipper() {
    use engine::NodeParams;
    use engine::params::LogShipper;
    let mut design = engine::presets::distributed();
    assert_eq!(log_shipper(&design), LogShipper::Direct);
    let shippers: Vec<&mut LogShipper> = design
        .nodes
        .iter_mut()
        .filter_map(|node| match &mut node.params {
            NodeParams::Monitoring(params) => Some(&mut params.log_shipper),
            _ => None,
        })
        .collect();
    assert!(!shippers.is_empty(), "the distributed preset is monitored");
    for shipper in shippers {
        *shipper = LogShipper::Fluentd;
    }
    assert_eq!(log_shipper(&design), LogShipper::Fluentd);
    // Without a monitoring node, lines go straight in.
    design
        .nodes
        .retain(|node| !matches!(node.params, NodeParams::Monitoring(_)));
    assert_eq!(log_shipper(&design), LogShipper::Direct);
}
