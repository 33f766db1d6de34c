//! The Compare tab's rows from real comparisons: A against A is "same" everywhere, a fourth server
//! is better on latency with an interval, one seed never claims a verdict.

use engine::compare::{Metric, compare};
use engine::presets;

use crate::observe::compare::{Verdict, bottlenecks, rows, summary, value};

#[test]
fn a_against_a_is_the_same_on_every_row() {
    let a = presets::horizontal_scaling();
    let comparison = compare(&a, &a, &[1, 2], 10.0).expect("runs");
    let rows = rows(&comparison);
    assert_eq!(rows.len(), Metric::ALL.len());
    for row in &rows {
        assert_eq!(row.verdict, Verdict::Same, "{row:?}");
        assert_eq!(row.a, row.b);
        assert!(row.difference.starts_with('±'), "{}", row.difference);
    }
    assert!(summary(&comparison).contains("2 seeds"));
}

#[test]
fn more_capacity_is_better_on_latency_and_one_seed_claims_nothing() {
    let a = presets::single_server();
    let mut b = a.clone();
    if let engine::NodeParams::Server(server) = &mut b.nodes[1].params {
        server.tier = engine::params::Tier::Large;
    }
    let comparison = compare(&a, &b, &[1, 2, 3, 4, 5], 30.0).expect("runs");
    let table = rows(&comparison);
    let p95 = table
        .iter()
        .find(|row| row.metric == Metric::P95)
        .expect("p95");
    assert_eq!(p95.verdict, Verdict::Better, "{p95:?}");
    assert!(
        p95.difference.starts_with('−') && p95.difference.contains(" ± "),
        "{}",
        p95.difference
    );
    let cost = table
        .iter()
        .find(|row| row.metric == Metric::CostPerHour)
        .expect("cost");
    assert_eq!(
        cost.verdict,
        Verdict::Worse,
        "a larger tier costs more: {cost:?}"
    );
    let (busiest_a, _) = bottlenecks(&comparison);
    assert!(busiest_a.contains("server"), "{busiest_a}");

    let single = compare(&a, &b, &[1], 30.0).expect("runs");
    for row in rows(&single) {
        assert_ne!(row.verdict, Verdict::Better);
        assert_ne!(row.verdict, Verdict::Worse);
        assert!(!row.difference.contains(" ± "));
    }
    assert!(summary(&single).contains("one seed"));
}

#[test]
fn values_carry_their_units() {
    assert_eq!(value(Metric::Availability, 0.99512), "99.512 %");
    assert_eq!(value(Metric::P95, 123.456), "123.5 ms");
    assert_eq!(value(Metric::CostPerHour, 0.17), "$0.170/h");
    assert_eq!(value(Metric::Throughput, 50.0), "50.0 req/s");
}

#[test]
fn the_run_length_is_checked() {
    use crate::observe::compare::check_seconds;
    assert_eq!(check_seconds(120.0), Ok(120.0));
    assert!(
        check_seconds(5.0)
            .unwrap_err()
            .contains("between 10 and 3600")
    );
    assert!(check_seconds(f64::NAN).is_err());
    use crate::observe::compare::read_seconds;
    assert_eq!(read_seconds(" 90 s"), Ok(90.0));
    assert!(read_seconds("").unwrap_err().contains("type a number"));
    assert!(
        read_seconds("soon")
            .unwrap_err()
            .contains("“soon” is not a number")
    );
    assert!(read_seconds("2").unwrap_err().contains("between"));
}

#[test]
fn overlaid_charts_share_one_scale_and_span_the_run() {
    use crate::observe::compare::{nice_top, overlays};
    let a = presets::horizontal_scaling();
    let b = presets::single_server();
    let comparison = compare(&a, &b, &[1, 2], 20.0).expect("runs");
    let charts = overlays(&comparison, 300.0, 100.0);
    assert_eq!(charts.len(), 3);
    let p95 = &charts[0];
    assert_eq!(p95.title, "Latency p95 (ms)");
    assert_eq!(p95.end_s, 20.0);
    // One point per second for each side, inside the box.
    for line in [&p95.a, &p95.b] {
        let points: Vec<(f64, f64)> = line
            .split(' ')
            .map(|pair| {
                let (x, y) = pair.split_once(',').expect("x,y");
                (x.parse().expect("x"), y.parse().expect("y"))
            })
            .collect();
        assert_eq!(points.len(), 20);
        assert!(
            points
                .iter()
                .all(|(x, y)| (0.0..=300.0).contains(x) && (0.0..=100.0).contains(y))
        );
    }
    // The shared scale is tight (1, 2 or 5 times a power of ten): the highest point of either line
    // is at least 40 % of the way up.
    let lowest_y = [&p95.a, &p95.b]
        .iter()
        .flat_map(|line| line.split(' '))
        .filter_map(|pair| pair.split(',').nth(1)?.parse::<f64>().ok())
        .fold(f64::INFINITY, f64::min);
    assert!(lowest_y <= 60.0, "{lowest_y}");
    assert_eq!(nice_top(0.0), 1.0);
    assert_eq!(nice_top(7.0), 10.0);
    assert_eq!(nice_top(130.0), 200.0);
    assert_eq!(nice_top(2000.0), 2000.0);
    // Only the first seed keeps its series.
    assert!(comparison.a[1].seconds.is_empty());
}
