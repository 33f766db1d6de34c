//! What each chart draws, as table tests: a run (nodes, series, rules, alert statuses, business
//! samples) in, one readable line per chart out.

use engine::design::{AlertMetric, AlertRule, Channel, RuleKind, Severity};
use engine::metrics::{CauseKind, SeriesPoint};
use engine::snapshot::{NodeSnapshot, Totals};
use engine::{AlertState, AlertStatus, NodeKind, Snapshot};

use super::node_snapshot;
use crate::observe::charts::{
    BusinessSample, ChartData, ChartInputs, ChartKind, ChartNode, KEPT_BUSINESS_SECONDS,
    build_charts, chart_nodes, followed_node, following_heading, record_business, redraw_step,
    y_top,
};

/// A run to chart.
struct Run {
    now_s: f64,
    nodes: Vec<ChartNode>,
    rules: Vec<AlertRule>,
    alerts: Vec<AlertStatus>,
    errors_by_cause: Vec<(CauseKind, u64)>,
    business: Vec<BusinessSample>,
    totals: Totals,
}

fn nodes(list: &[(&str, &str, NodeKind)]) -> Vec<ChartNode> {
    list.iter()
        .map(|(id, name, kind)| ((*id).to_owned(), (*name).to_owned(), *kind))
        .collect()
}

/// Users → load balancer → two servers → database: the shape most charts are about.
fn web_shop() -> Run {
    Run {
        now_s: 200.0,
        nodes: nodes(&[
            ("users", "Users", NodeKind::Users),
            ("lb", "Load balancer", NodeKind::LoadBalancer),
            ("server-1", "Server 1", NodeKind::Server),
            ("server-2", "Server 2", NodeKind::Server),
            ("db", "Database", NodeKind::Database),
        ]),
        rules: Vec::new(),
        alerts: Vec::new(),
        errors_by_cause: Vec::new(),
        business: Vec::new(),
        totals: Totals::default(),
    }
}

/// Every node's series: one point per second up to `now_s`; each number is the node's position in
/// the list plus one, scaled to the metric (server-1 runs at 30 % CPU, server-2 at 40 %).
fn series_of(run: &Run, id: &str) -> Vec<SeriesPoint> {
    let Some(position) = run.nodes.iter().position(|(node, _, _)| node == id) else {
        return Vec::new();
    };
    let level = (position + 1) as f64;
    (1..=run.now_s as u32)
        .map(|second| SeriesPoint {
            time_s: f64::from(second),
            throughput: level * 100.0,
            error_rate: level / 100.0,
            p50_ms: level * 10.0,
            p95_ms: level * 20.0,
            p99_ms: level * 40.0,
            mean_ms: level * 12.0,
            cpu: level / 10.0,
            queue: 0.0,
            wait_ms: 0.0,
            wait_probability: 0.0,
            memory_mb: 100.0,
            connections: level * 5.0,
            hit_ratio: level / 10.0,
            payments: 0.0,
            payment_error_rate: 0.0,
        })
        .collect()
}

/// One line per chart: kind, subject, latest value, lines (label, colour, points), thresholds,
/// firing intervals and the note.
fn summarise(chart: &ChartData) -> String {
    let mut text = format!("{:?}", chart.kind);
    if !chart.subject.is_empty() {
        text.push_str(&format!(" [{}]", chart.subject));
    }
    if !chart.latest.is_empty() {
        text.push_str(&format!(" = {}", chart.latest));
    }
    for line in &chart.lines {
        text.push_str(&format!(
            " | {} c{} ×{}",
            line.label,
            line.colour,
            line.points.len()
        ));
    }
    if !chart.thresholds.is_empty() {
        text.push_str(&format!(" | thresholds {:?}", chart.thresholds));
    }
    if !chart.firing.is_empty() {
        text.push_str(&format!(" | firing {:?}", chart.firing));
    }
    if let Some(note) = &chart.note {
        text.push_str(&format!(" | note: {note}"));
    }
    text
}

fn check(run: &Run, subject: &str, expected: &[&str]) {
    let snapshot = Snapshot {
        time_s: run.now_s,
        alerts: run.alerts.clone(),
        nodes: run
            .nodes
            .iter()
            .map(|(id, _, kind)| NodeSnapshot {
                errors_by_cause: if id == subject {
                    run.errors_by_cause.clone()
                } else {
                    Vec::new()
                },
                ..node_snapshot(id, *kind)
            })
            .collect(),
        totals: run.totals.clone(),
        ..Snapshot::default()
    };
    let series = |id: &str| series_of(run, id);
    let charts = build_charts(&ChartInputs {
        snapshot: &snapshot,
        rules: &run.rules,
        nodes: &run.nodes,
        subject,
        series: &series,
        business: &run.business,
        versions: &[],
    });
    let kinds: Vec<ChartKind> = charts.iter().map(|chart| chart.kind).collect();
    assert_eq!(kinds, ChartKind::ALL, "one chart of each kind, in order");
    let actual: Vec<String> = charts.iter().map(summarise).collect();
    assert_eq!(actual, expected, "\n{}", actual.join("\n"));
}

fn rule(name: &str, metric: AlertMetric, threshold: f64, node: Option<&str>) -> AlertRule {
    AlertRule {
        name: name.to_owned(),
        metric,
        threshold,
        node: node.map(str::to_owned),
        ..AlertRule::default()
    }
}

fn status(rule: &str, node: &str, history: Vec<(f64, Option<f64>)>) -> AlertStatus {
    AlertStatus {
        rule: rule.to_owned(),
        state: AlertState::Firing,
        value: 0.0,
        node: node.to_owned(),
        severity: Severity::Critical,
        channel: Channel::Slack,
        message: String::new(),
        since_s: 0.0,
        history,
    }
}

#[test]
fn following_the_users_node_charts_its_traffic_and_the_servers_cpu() {
    let mut run = web_shop();
    run.errors_by_cause = vec![(CauseKind::Timeout, 3), (CauseKind::QueueFull, 0)];
    run.totals = Totals {
        revenue: 1234.4,
        revenue_lost: 56.0,
        signups: 7,
        ..Totals::default()
    };
    run.business = (0..=200)
        .step_by(50)
        .map(|second| BusinessSample {
            time_s: f64::from(second),
            signups: 1.0,
            revenue: 2.0,
            revenue_lost: 0.0,
        })
        .collect();
    // The window is the last 120 s: points from 01:20 on. The database has workers, so its CPU is
    // charted with the servers'. A chart about a kind of node the design lacks keeps the followed
    // node's name and says why it is empty.
    check(
        &run,
        "users",
        &[
            "Throughput [Users] = 100 req/s | req/s c0 ×121",
            "Latency [Users] = p50 10 ms · p95 20 ms · p99 40 ms | p50 c0 ×121 | p95 c1 ×121 | p99 c2 ×121",
            "ErrorRate [Users] = 1 % | errors c2 ×121 | note: By cause (run): timeout 3",
            "Cpu [every server] = max 50 % | Server 1 c0 ×121 | Server 2 c1 ×121 | Database c2 ×121",
            "HitRatio [Users] | note: No cache or CDN in this design.",
            "Connections [Database] = 25 | DB connections c0 ×121",
            "Revenue = $1234 · lost $56 | revenue c3 ×3 | lost c2 ×3",
            "Signups = 7 | signups c0 ×3",
        ],
    );
}

#[test]
fn following_a_server_charts_its_own_cpu_and_its_alert_rules() {
    let mut run = web_shop();
    run.rules = vec![
        rule("Busy", AlertMetric::Cpu, 0.8, Some("server-2")),
        rule("Busy elsewhere", AlertMetric::Cpu, 0.5, Some("server-1")),
        rule("Slow", AlertMetric::ResponseTimeP95, 5_000.0, None),
        AlertRule {
            kind: RuleKind::Anomaly,
            ..rule("Odd traffic", AlertMetric::Throughput, 3.0, None)
        },
    ];
    run.alerts = vec![
        status(
            "Busy",
            "server-2",
            vec![(150.0, Some(170.0)), (190.0, None)],
        ),
        status("Busy elsewhere", "server-1", vec![(100.0, None)]),
        // A rule on every node shades only the node it last named.
        status("Slow", "server-1", vec![(120.0, None)]),
        status("Odd traffic", "server-2", vec![(180.0, Some(185.0))]),
    ];
    check(
        &run,
        "server-2",
        &[
            "Throughput [Server 2] = 400 req/s | req/s c0 ×121 | firing [(180.0, 185.0)]",
            "Latency [Server 2] = p50 40 ms · p95 80 ms · p99 160 ms | p50 c0 ×121 | p95 c1 ×121 | p99 c2 ×121 | thresholds [5000.0] | note: Alert threshold 5000 is above this range.",
            "ErrorRate [Server 2] = 4 % | errors c2 ×121",
            "Cpu [Server 2] = 40 % | CPU c0 ×121 | thresholds [80.0] | firing [(150.0, 170.0), (190.0, 200.0)]",
            "HitRatio [Server 2] | note: No cache or CDN in this design.",
            "Connections [Database] = 25 | DB connections c0 ×121",
            "Revenue = $0 · lost $0 | revenue c3 ×0 | lost c2 ×0",
            "Signups = 0 | signups c0 ×0",
        ],
    );
}

#[test]
fn a_design_without_servers_says_so_and_a_young_run_shows_ten_seconds() {
    let run = Run {
        now_s: 4.0,
        nodes: nodes(&[
            ("users", "Users", NodeKind::Users),
            ("cdn", "CDN", NodeKind::Cdn),
        ]),
        ..web_shop()
    };
    let snapshot = Snapshot {
        time_s: run.now_s,
        ..Snapshot::default()
    };
    let series = |id: &str| series_of(&run, id);
    let charts = build_charts(&ChartInputs {
        snapshot: &snapshot,
        rules: &[],
        nodes: &run.nodes,
        subject: "users",
        series: &series,
        business: &[],
        versions: &[],
    });
    assert!(charts.iter().all(|chart| chart.x_range == (0.0, 10.0)));
    check(
        &run,
        "cdn",
        &[
            "Throughput [CDN] = 200 req/s | req/s c0 ×4",
            "Latency [CDN] = p50 20 ms · p95 40 ms · p99 80 ms | p50 c0 ×4 | p95 c1 ×4 | p99 c2 ×4",
            "ErrorRate [CDN] = 2 % | errors c2 ×4",
            "Cpu [CDN] | note: No node with CPU in this design.",
            "HitRatio [CDN] = 20 % | Cache hit ratio (%) c0 ×4",
            "Connections [CDN] | note: No database in this design.",
            "Revenue = $0 · lost $0 | revenue c3 ×0 | lost c2 ×0",
            "Signups = 0 | signups c0 ×0",
        ],
    );
}

#[test]
fn the_value_axis_fits_the_values_not_a_far_threshold() {
    let chart = |kind: ChartKind, values: &[f64]| ChartData {
        kind,
        subject: String::new(),
        latest: String::new(),
        lines: vec![crate::observe::charts::Line {
            label: String::new(),
            colour: 0,
            points: values.iter().map(|value| (0.0, *value)).collect(),
        }],
        thresholds: vec![10_000.0],
        firing: Vec::new(),
        x_range: (0.0, 10.0),
        note: None,
    };
    let cases = [
        (ChartKind::Cpu, vec![12.0], 100.0),
        (ChartKind::Throughput, vec![100.0, 200.0], 230.0),
        (ChartKind::Throughput, vec![0.0], 1.0),
        (ChartKind::Connections, vec![], 1.0),
    ];
    for (kind, values, top) in cases {
        let found = y_top(&chart(kind, &values));
        assert!((found - top).abs() < 1e-9, "{kind:?} {values:?}: {found}");
    }
}

#[test]
fn the_charts_follow_the_selected_node_else_the_users_node() {
    let nodes = web_shop().nodes;
    let with_monitoring = {
        let mut nodes = nodes.clone();
        nodes.push((
            "monitoring".to_owned(),
            "Monitoring".to_owned(),
            NodeKind::Monitoring,
        ));
        nodes
    };
    let cases: [(Option<&str>, &[ChartNode], Option<&str>); 5] = [
        (Some("server-2"), &nodes, Some("server-2")),
        (None, &nodes, Some("users")),
        (Some("monitoring"), &with_monitoring, Some("users")),
        (Some("gone"), &nodes[1..], Some("lb")),
        (None, &[], None),
    ];
    for (selected, nodes, expected) in cases {
        assert_eq!(
            followed_node(selected, nodes).as_deref(),
            expected,
            "{selected:?}"
        );
    }
    assert_eq!(
        following_heading("Server 2", true),
        "Following Server 2 (selected)"
    );
    assert_eq!(
        following_heading("Users", false),
        "Following Users — select a node on the canvas to chart it"
    );
}

#[test]
fn redraws_are_throttled_to_about_four_a_second() {
    let cases = [
        (0.25, 1.0),
        (1.0, 1.0),
        (4.0, 1.0),
        (5.0, 2.0),
        (100.0, 25.0),
    ];
    for (speed, step) in cases {
        assert_eq!(redraw_step(speed), step, "{speed}×");
    }
}

#[test]
fn business_samples_are_bounded_and_start_again_with_a_new_run() {
    let at = |time_s: f64, signups: u64| Snapshot {
        time_s,
        totals: Totals {
            signups,
            ..Totals::default()
        },
        ..Snapshot::default()
    };
    let mut samples = Vec::new();
    for second in 0..KEPT_BUSINESS_SECONDS + 10 {
        record_business(&mut samples, &at(second as f64, second as u64));
    }
    assert_eq!(samples.len(), KEPT_BUSINESS_SECONDS);
    assert_eq!(samples[0].time_s, 10.0);
    record_business(&mut samples, &at(1.0, 0));
    assert_eq!(
        samples,
        [BusinessSample {
            time_s: 1.0,
            signups: 0.0,
            revenue: 0.0,
            revenue_lost: 0.0
        }]
    );
}

#[test]
fn a_node_running_releases_charts_throughput_and_errors_by_version() {
    use crate::observe::charts::{VersionSample, record_versions};
    use engine::snapshot::VersionFigures;
    let figures = |v2_share: f64| {
        vec![
            VersionFigures {
                id: 0,
                version: "v1".to_owned(),
                serving: 4,
                starting: 0,
                draining: 0,
                idle: 0,
                share: 1.0 - v2_share,
                throughput: 90.0,
                error_rate: 0.0,
            },
            VersionFigures {
                id: 1,
                version: "v2".to_owned(),
                serving: 1,
                starting: 0,
                draining: 0,
                idle: 0,
                share: v2_share,
                throughput: 10.0,
                error_rate: 0.25,
            },
        ]
    };
    let mut samples: Vec<VersionSample> = Vec::new();
    for second in 1..=3 {
        let snapshot = Snapshot {
            time_s: f64::from(second),
            nodes: vec![NodeSnapshot {
                versions: figures(0.1),
                ..node_snapshot("web", NodeKind::AutoscalingGroup)
            }],
            ..Snapshot::default()
        };
        record_versions(&mut samples, &snapshot);
    }
    assert_eq!(samples.len(), 6);
    let nodes = vec![(
        "web".to_owned(),
        "Web".to_owned(),
        NodeKind::AutoscalingGroup,
    )];
    let snapshot = Snapshot {
        time_s: 3.0,
        nodes: vec![node_snapshot("web", NodeKind::AutoscalingGroup)],
        ..Snapshot::default()
    };
    let series = |_: &str| Vec::new();
    let charts = build_charts(&ChartInputs {
        snapshot: &snapshot,
        rules: &[],
        nodes: &nodes,
        subject: "web",
        series: &series,
        business: &[],
        versions: &samples,
    });
    let chart = |kind| {
        charts
            .iter()
            .find(|chart| chart.kind == kind)
            .expect("the chart")
    };
    let throughput = chart(ChartKind::Throughput);
    let labels: Vec<&str> = throughput.lines.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["all", "v1", "v2"]);
    assert_eq!(
        throughput.lines[2].points,
        [(1.0, 10.0), (2.0, 10.0), (3.0, 10.0)]
    );
    let errors = chart(ChartKind::ErrorRate);
    assert_eq!(errors.lines[2].label, "v2");
    assert_eq!(errors.lines[2].points.last(), Some(&(3.0, 25.0)));
    // Each version in its badge colour, the total in grey.
    use crate::observe::charts::{TOTAL_LINE_COLOUR, VERSION_LINE_COLOUR};
    use crate::observe::releases::version_colour;
    assert_eq!(throughput.lines[0].colour, TOTAL_LINE_COLOUR);
    assert_eq!(
        throughput.lines[1].colour,
        VERSION_LINE_COLOUR + version_colour("v1")
    );
    assert_eq!(
        throughput.lines[2].colour,
        VERSION_LINE_COLOUR + version_colour("v2")
    );
    assert_ne!(throughput.lines[1].colour, throughput.lines[2].colour);
    // A new run (time going back) starts the samples again.
    record_versions(
        &mut samples,
        &Snapshot {
            time_s: 0.5,
            ..Snapshot::default()
        },
    );
    assert!(samples.is_empty());
}

#[test]
fn the_charts_know_every_node_by_id_name_and_kind_in_design_order() {
    let mut design = engine::presets::horizontal_scaling();
    design.nodes.push(engine::design::Node::new(
        "cache-2",
        NodeKind::Cache,
        0.0,
        0.0,
    ));
    let known = chart_nodes(&design);
    let expected: Vec<ChartNode> = design
        .nodes
        .iter()
        .map(|node| (node.id.clone(), node.display_name().to_owned(), node.kind()))
        .collect();
    assert_eq!(known, expected);
    assert!(known.contains(&(
        "server-1".to_owned(),
        "Server 1".to_owned(),
        NodeKind::Server
    )));
    // A node without a name of its own goes by its id.
    assert_eq!(
        known.last(),
        Some(&("cache-2".to_owned(), "cache-2".to_owned(), NodeKind::Cache))
    );
}
