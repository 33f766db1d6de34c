//! Faults and failover: alerts that fire and resolve, primary promotion, retry storms, out-of-memory
//! crashes, cache stampedes, autoscaling, partitions and zone outages.

use engine::design::{Fault, ScheduledFault};
use engine::params::RatePattern;
use engine::run_event::{CrashCause, RunEvent};
use engine::{AlertState, Health, LiveCommand, NodeParams, Simulation, presets};

fn fault(at_s: f64, duration_s: Option<f64>, fault: Fault) -> ScheduledFault {
    ScheduledFault {
        at_s,
        duration_s,
        fault,
    }
}

#[test]
fn error_rate_alert_fires_and_resolves() {
    let mut design = presets::distributed();
    design.faults = vec![fault(
        20.0,
        Some(30.0),
        Fault::Kill {
            node: "web".to_owned(),
        },
    )];
    let mut simulation = Simulation::new(&design, 3).expect("valid");
    let mut notifications = Vec::new();
    for _ in 0..90 {
        simulation.advance(1.0);
        notifications.extend(simulation.snapshot().notifications);
    }
    let snapshot = simulation.snapshot();
    let alert = snapshot
        .alerts
        .iter()
        .find(|a| a.rule == "High error rate")
        .expect("default rule");
    assert_eq!(alert.history.len(), 1, "{alert:?}");
    let (fired, resolved) = alert.history[0];
    // Condition true from the first scrape after 20 s, held for 10 s; resolved once the group is
    // back and the load balancer has seen two good probes.
    assert!((30.0..=40.0).contains(&fired), "fired at {fired}");
    let resolved = resolved.expect("resolved");
    assert!((50.0..=70.0).contains(&resolved), "resolved at {resolved}");
    assert_eq!(alert.state, AlertState::Resolved);
    let states: Vec<_> = notifications
        .iter()
        .filter(|n| n.rule == "High error rate")
        .map(|n| n.state)
        .collect();
    assert_eq!(states, [AlertState::Firing, AlertState::Resolved]);
}

#[test]
fn primary_crash_fails_writes_until_a_replica_is_promoted() {
    let mut design = presets::distributed();
    design.faults = vec![fault(
        10.0,
        None,
        Fault::DatabasePrimaryCrash {
            node: "database".to_owned(),
        },
    )];
    let mut simulation = Simulation::new(&design, 4).expect("valid");
    simulation.advance(40.0);
    let totals = simulation.totals();
    let down = totals
        .failures
        .iter()
        .find(|(cause, _)| cause == "backend down at database")
        .map_or(0, |(_, count)| *count);
    // Writes and payments (20 % of 600 req/s) fail for the 15 s promotion delay.
    assert!(
        (1_200..2_400).contains(&down),
        "{down} writes failed: {totals:?}"
    );
    let recent: Vec<_> = simulation
        .series("users")
        .into_iter()
        .rev()
        .take(10)
        .collect();
    assert!(
        recent.iter().all(|p| p.error_rate == 0.0),
        "writes work again after promotion"
    );
    let database = simulation
        .snapshot()
        .nodes
        .into_iter()
        .find(|n| n.id == "database")
        .expect("database");
    assert_eq!(database.health, Health::Degraded, "one instance is down");
    assert_eq!(database.instances, 2);
}

#[test]
fn timeouts_and_retries_make_a_retry_storm() {
    let mut design = presets::single_server();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.rate_per_second = 150.0;
        users.timeout_ms = 1_000.0;
        users.retry.max_retries = 3;
        users.retry.jitter = false;
    }
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(60.0);
    let totals = simulation.totals();
    assert!(
        totals.attempts as f64 > 1.5 * totals.requests as f64,
        "retries multiply the load: {totals:?}"
    );
    assert!(
        totals
            .failures
            .iter()
            .any(|(cause, _)| cause.starts_with("client timeout"))
    );
    assert_eq!(
        totals.requests,
        totals.completed + totals.failed + totals.in_flight
    );
}

#[test]
fn memory_exhaustion_crashes_the_server_and_it_restarts() {
    let mut design = presets::single_server();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.rate_per_second = 200.0;
        users.retry.max_retries = 0;
    }
    if let NodeParams::Server(server) = &mut design.nodes[1].params {
        server.memory_per_request_mb = 100.0;
        server.auto_restart_s = Some(5.0);
        server.cold_start_ms = 1_000.0;
    }
    let mut simulation = Simulation::new(&design, 6).expect("valid");
    simulation.advance(30.0);
    let snapshot = simulation.snapshot();
    assert!(snapshot.logs.iter().any(|l| l.event
        == Some(RunEvent::Crashed {
            cause: CrashCause::OutOfMemory
        })));
    assert!(
        snapshot
            .logs
            .iter()
            .any(|l| l.event == Some(RunEvent::Started))
    );
    let totals = simulation.totals();
    assert!(
        totals
            .failures
            .iter()
            .any(|(cause, _)| cause == "out of memory at server")
    );
}

#[test]
fn cache_flush_causes_a_stampede_on_the_database() {
    let mut design = presets::distributed();
    design.faults = vec![fault(
        40.0,
        None,
        Fault::CacheFlush {
            node: "cache".to_owned(),
        },
    )];
    let mut simulation = Simulation::new(&design, 7).expect("valid");
    simulation.advance(42.0);
    let cache = simulation.series("cache");
    let database = simulation.series("database");
    let at = |series: &[engine::metrics::SeriesPoint], t: f64| {
        series
            .iter()
            .find(|p| (p.time_s - t).abs() < 0.5)
            .copied()
            .expect("point")
    };
    let (before, after) = (at(&cache, 40.0), at(&cache, 41.0));
    assert!(
        after.hit_ratio < before.hit_ratio - 0.2,
        "hit ratio {} → {}",
        before.hit_ratio,
        after.hit_ratio
    );
    assert!(at(&database, 41.0).throughput > 1.3 * at(&database, 40.0).throughput);
}

#[test]
fn autoscaling_group_scales_out_under_a_step_in_traffic() {
    let mut design = presets::distributed();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.pattern = RatePattern::Step {
            at_s: 10.0,
            rate_per_second_after: 900.0,
        };
    }
    let mut simulation = Simulation::new(&design, 8).expect("valid");
    simulation.advance(90.0);
    let snapshot = simulation.snapshot();
    let web = snapshot.nodes.iter().find(|n| n.id == "web").expect("web");
    assert!(web.instances > 4, "{} instances", web.instances);
    assert!(
        snapshot
            .logs
            .iter()
            .any(|l| matches!(l.event, Some(RunEvent::ScaledOut { .. })))
    );
}

#[test]
fn partitions_and_zone_outages_fail_with_their_cause() {
    let mut design = presets::horizontal_scaling();
    design.faults = vec![
        fault(
            5.0,
            Some(5.0),
            Fault::Partition {
                a: "lb".to_owned(),
                b: "server-1".to_owned(),
            },
        ),
        fault(
            20.0,
            None,
            Fault::ZoneOutage {
                zone: "zone-b".to_owned(),
            },
        ),
    ];
    let mut simulation = Simulation::new(&design, 9).expect("valid");
    simulation.advance(30.0);
    let totals = simulation.totals();
    assert!(
        totals
            .failures
            .iter()
            .any(|(cause, _)| cause == "network partition between lb and server-1"),
        "{totals:?}"
    );
    assert!(
        totals
            .failures
            .iter()
            .any(|(cause, _)| cause == "backend down at server-2")
    );
    let snapshot = simulation.snapshot();
    let server_2 = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "server-2")
        .expect("server-2");
    assert_eq!(server_2.health, Health::Down);
}

#[test]
fn anomaly_rule_fires_on_a_traffic_spike() {
    use engine::design::{AlertMetric, AlertRule, RuleKind};
    let mut design = presets::distributed();
    design.alert_rules = vec![AlertRule {
        name: "Traffic anomaly".to_owned(),
        metric: AlertMetric::Throughput,
        node: Some("users".to_owned()),
        kind: RuleKind::Anomaly,
        threshold: 4.0,
        for_s: 0.0,
        ..AlertRule::default()
    }];
    design.faults = vec![fault(
        80.0,
        Some(20.0),
        Fault::TrafficSpike {
            node: None,
            factor: 3.0,
        },
    )];
    let mut simulation = Simulation::new(&design, 10).expect("valid");
    simulation.advance(75.0);
    assert_eq!(
        simulation.snapshot().alerts[0].state,
        AlertState::Inactive,
        "steady traffic is normal"
    );
    simulation.advance(15.0);
    let alert = simulation.snapshot().alerts[0].clone();
    assert_eq!(alert.state, AlertState::Firing, "{alert:?}");
    assert!(alert.history[0].0 > 80.0);
}

#[test]
fn a_slow_database_fills_thread_per_request_servers() {
    // With workers held during database calls, a database slowed ×5 blocks every worker and the
    // server's own queue overflows; with asynchronous workers the server does not notice.
    let run = |hold: bool| {
        let mut design = presets::single_server();
        if let NodeParams::Server(server) = &mut design.nodes[1].params {
            server.hold_worker_during_calls = hold;
        }
        design.faults = vec![fault(
            10.0,
            None,
            Fault::SlowDown {
                node: "database".to_owned(),
                factor: 5.0,
            },
        )];
        let mut simulation = Simulation::new(&design, 11).expect("valid");
        simulation.advance(40.0);
        let server = simulation.node_stats("server").expect("server");
        let queue_full = server
            .errors_by_cause
            .iter()
            .find(|(kind, _)| *kind == engine::metrics::CauseKind::QueueFull)
            .map_or(0, |(_, count)| *count);
        (
            queue_full,
            server.utilisation.expect("a server has workers"),
        )
    };
    let (held_failures, held_cpu) = run(true);
    let (async_failures, async_cpu) = run(false);
    assert!(
        held_failures > 100,
        "held workers: {held_failures} queue-full failures"
    );
    assert_eq!(async_failures, 0);
    // CPU counts computing only: blocked workers are not busy computing.
    assert!(held_cpu < 0.9, "cpu {held_cpu}");
    assert!((0.55..0.8).contains(&async_cpu), "cpu {async_cpu}");
}

#[test]
fn log_lines_are_tagged_access_error_or_system() {
    use engine::metrics::LogKind;
    let mut simulation = Simulation::new(&presets::horizontal_scaling(), 21).expect("valid");
    simulation.advance(5.0);
    simulation
        .apply(engine::LiveCommand::Kill {
            node: "server-1".to_owned(),
        })
        .expect("killed");
    simulation.advance(10.0);
    let logs = simulation.snapshot().logs;
    let of = |kind: LogKind| logs.iter().filter(move |line| line.kind == kind);
    assert!(of(LogKind::Access).count() > 0);
    assert!(of(LogKind::Access).all(|line| line.event.is_none()));
    // Access lines are written out when read: the type, the latency with one decimal, the users node.
    for line in of(LogKind::Access) {
        let (kind, latency) = line.message.split_once(" ok in ").expect("an access line");
        assert!(
            ["StaticAsset", "Read", "Write", "Payment"].contains(&kind),
            "{line:?}"
        );
        let ms = latency.strip_suffix(" ms").expect("milliseconds");
        assert!(ms.parse::<f64>().is_ok_and(|ms| ms > 0.0), "{line:?}");
        assert_eq!(
            ms.split_once('.').map(|(_, decimals)| decimals.len()),
            Some(1)
        );
        assert_eq!(line.node, "users");
    }
    assert!(
        logs.windows(2)
            .all(|pair| pair[0].sequence < pair[1].sequence),
        "lines in the order they were written"
    );
    assert!(of(LogKind::Error).count() > 0);
    assert!(of(LogKind::Error).all(|line| matches!(
        line.event,
        Some(RunEvent::RequestFailed { .. })
    ) && line.level == engine::metrics::LogLevel::Error));
    assert!(
        of(LogKind::System)
            .any(|line| matches!(line.event, Some(RunEvent::MarkedUnhealthy { .. }))),
        "the health-check verdict is a system event"
    );
}

#[test]
fn while_a_replica_is_promoted_reads_keep_succeeding_and_only_writes_fail() {
    use engine::params::RequestType;
    // The distributed preset: its database has two read replicas.
    let design = presets::distributed();
    let mut simulation = Simulation::new(&design, 6).expect("valid");
    simulation.advance(20.0);
    simulation
        .apply(LiveCommand::Inject {
            fault: Fault::DatabasePrimaryCrash {
                node: "database".to_owned(),
            },
            duration_s: None,
        })
        .expect("crash");
    simulation.advance(3.0);
    let snapshot = simulation.snapshot();
    let database = snapshot
        .nodes
        .iter()
        .find(|node| node.id == "database")
        .expect("database");
    let figures = |wanted| {
        database
            .by_request_type
            .iter()
            .find(|figures| figures.request_type == wanted)
            .copied()
            .unwrap_or_else(|| panic!("{wanted:?} in {:?}", database.by_request_type))
    };
    assert!(
        database.error_rate > 0.1,
        "the whole node looks bad: {}",
        database.error_rate
    );
    assert!(
        figures(RequestType::Read).error_rate < 0.01,
        "{:?}",
        figures(RequestType::Read)
    );
    assert!(figures(RequestType::Read).throughput > 10.0);
    assert!(
        figures(RequestType::Write).error_rate > 0.9,
        "{:?}",
        figures(RequestType::Write)
    );
    // Over the run, the report splits the same way.
    let stats = simulation.node_stats("database").expect("database");
    let reads = stats
        .by_request_type
        .iter()
        .find(|figures| figures.request_type == RequestType::Read)
        .expect("reads");
    assert!(reads.error_rate < 0.01, "{reads:?}");
}

#[test]
fn every_node_kind_logs_the_requests_it_fails_even_a_down_cdn() {
    // One path fails a request (`Core::fail`): an error line at the node, then the error answers.
    // A down CDN used to answer without a line, so the logs never showed where static assets failed.
    use engine::run_event::RunEvent;
    let mut simulation = Simulation::new(&presets::distributed(), 2).expect("valid");
    simulation.advance(5.0);
    simulation
        .apply(LiveCommand::Kill {
            node: "cdn".to_owned(),
        })
        .expect("kill");
    simulation.advance(3.0);
    let snapshot = simulation.snapshot();
    let at_cdn = snapshot
        .logs
        .iter()
        .filter(|line| {
            line.node == "cdn"
                && matches!(&line.event, Some(RunEvent::RequestFailed { failure, .. }) if failure.node == "cdn")
        })
        .count();
    assert!(at_cdn > 0, "no failure logged at the CDN");
    let cdn = snapshot
        .nodes
        .iter()
        .find(|node| node.id == "cdn")
        .expect("cdn");
    assert!(cdn.error_rate > 0.9, "{cdn:?}");
}
