//! A/B comparison under common random numbers: A against A differs by exactly nothing, pairing
//! shrinks the variance of a difference, B takes A's fault script, and the comparer can be advanced
//! in budgets.

use engine::compare::{Comparer, Metric, compare, variance};
use engine::design::{Fault, ScheduledFault};
use engine::params::NodeParams;
use engine::{Design, Link, Node, NodeKind, presets};

#[test]
fn a_against_a_differs_by_exactly_nothing() {
    let a = presets::horizontal_scaling();
    let comparison = compare(&a, &a, &[1, 2, 3], 30.0).expect("runs");
    assert_eq!(comparison.a, comparison.b);
    for difference in &comparison.differences {
        assert_eq!(difference.mean_difference, 0.0, "{:?}", difference.metric);
        assert_eq!(
            difference.half_width_95,
            Some(0.0),
            "{:?}",
            difference.metric
        );
        assert!(!difference.significant());
    }
    assert!(comparison.a[0].availability > 0.99);
    assert!(comparison.a[0].p95_ms > 0.0);
}

/// The horizontal preset with its users at `rate` and `servers` servers behind the load balancer.
fn servers(count: usize, rate: f64) -> Design {
    let mut design = presets::horizontal_scaling();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.rate_per_second = rate;
    }
    for index in 4..=count {
        let id = format!("server-{index}");
        let template = design.node("server-1").expect("server-1").clone();
        let mut node = Node::new(&id, NodeKind::Server, 700.0, 150.0 * index as f64);
        node.params = template.params;
        design.nodes.push(node);
        design.links.push(Link::new("lb", &id, 1.0));
        design.links.push(Link::new(&id, "database", 1.0));
    }
    design
}

#[test]
fn pairing_the_runs_halves_the_variance_of_a_difference() {
    // Three servers (workers of one M/M/c station, as queueing theory counts them) at ρ 0.8 against
    // four (ρ 0.6), the same users: the paired differences of the mean response time vary far less
    // than differences between independent runs, because both see the same arrivals and the same
    // work.
    let mut four = crate::support::design("mmc.json");
    if let NodeParams::Users(users) = &mut four.nodes[0].params {
        users.rate_per_second = 240.0;
    }
    let mut three = four.clone();
    if let NodeParams::Server(server) = &mut three.nodes[1].params {
        server.workers = Some(3);
    }
    let seeds: Vec<u64> = (1..=16).collect();
    let comparison = compare(&three, &four, &seeds, 40.0).expect("runs");
    let variances = |metric: Metric| {
        let a: Vec<f64> = comparison.a.iter().map(|f| metric.of(f)).collect();
        let b: Vec<f64> = comparison.b.iter().map(|f| metric.of(f)).collect();
        let paired: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y - x).collect();
        // Unpaired: B's run of one seed against A's run of the next (independent traffic).
        let unpaired: Vec<f64> = (0..a.len()).map(|i| b[i] - a[(i + 1) % a.len()]).collect();
        (variance(&paired), variance(&unpaired))
    };
    // Throughput: both designs answer the same arrivals, so pairing removes nearly all variance.
    let (paired, unpaired) = variances(Metric::Throughput);
    assert!(
        paired < 0.5 * unpaired,
        "throughput: paired {paired} vs unpaired {unpaired}"
    );
    assert!(
        paired < 0.01 * unpaired,
        "throughput: paired {paired} vs unpaired {unpaired}"
    );
    // The mean response time: positively correlated, so pairing still helps. (It cannot halve it
    // here: at ρ 0.6 the four-server mean varies about 25 times less than at ρ 0.8, and
    // Var(B − A) ≥ (√Var A − √Var B)², over half of Var A + Var B.)
    let (paired, unpaired) = variances(Metric::Mean);
    assert!(
        paired < 0.8 * unpaired,
        "mean: paired {paired} vs unpaired {unpaired}"
    );
    // A fourth server makes responses faster, significantly so.
    let mean = comparison
        .differences
        .iter()
        .find(|d| d.metric == Metric::Mean)
        .expect("mean");
    assert!(mean.mean_difference < 0.0 && mean.significant(), "{mean:?}");
    let p95 = comparison
        .differences
        .iter()
        .find(|d| d.metric == Metric::P95)
        .expect("p95");
    assert!(p95.mean_difference < 0.0 && p95.significant(), "{p95:?}");
}

#[test]
fn b_takes_as_fault_script_and_skips_what_it_cannot_take() {
    let mut a = presets::horizontal_scaling();
    a.faults = vec![
        ScheduledFault {
            at_s: 5.0,
            duration_s: None,
            fault: Fault::Kill {
                node: "server-1".to_owned(),
            },
        },
        ScheduledFault {
            at_s: 6.0,
            duration_s: None,
            fault: Fault::Kill {
                node: "server-3".to_owned(),
            },
        },
    ];
    // B has no server-3.
    let mut b = presets::horizontal_scaling();
    b.nodes.retain(|node| node.id != "server-3");
    b.links
        .retain(|link| link.from != "server-3" && link.to != "server-3");
    let comparison = compare(&a, &b, &[4], 20.0).expect("runs");
    assert_eq!(comparison.skipped_faults.len(), 1);
    assert!(
        comparison.skipped_faults[0].contains("server-3"),
        "{:?}",
        comparison.skipped_faults
    );
    // Both lost server-1 at 5 s: both failed some requests.
    assert!(comparison.a[0].failed > 0 && comparison.b[0].failed > 0);
    assert!(
        comparison
            .differences
            .iter()
            .all(|d| d.half_width_95.is_none())
    );
}

#[test]
fn a_budgeted_comparison_reports_progress_and_ends_with_the_same_result() {
    let a = presets::horizontal_scaling();
    let b = servers(4, 50.0);
    let whole = compare(&a, &b, &[1, 2], 15.0).expect("runs");
    let mut comparer = Comparer::new(&a, &b, &[1, 2], 15.0).expect("starts");
    let mut last = 0.0;
    let mut steps = 0;
    let result = loop {
        if let Some(result) = comparer.step(3_000) {
            break result;
        }
        let progress = comparer.progress();
        assert!(progress >= last && progress <= 1.0);
        last = progress;
        steps += 1;
    };
    assert!(steps > 4);
    assert_eq!(result, whole);
}

#[test]
fn a_comparison_that_cannot_start_says_why() {
    let a = presets::horizontal_scaling();
    let mut broken = a.clone();
    broken.nodes.clear();
    broken.links.clear();
    assert!(compare(&a, &a, &[], 10.0).is_err());
    assert!(compare(&a, &a, &[1], 0.0).is_err());
    let error = compare(&a, &broken, &[1], 10.0).expect_err("B cannot run");
    assert!(
        error.to_string().starts_with("design B cannot run"),
        "{error}"
    );
}

#[test]
fn b_runs_on_as_traffic() {
    // The single-server preset's users send less than the horizontal preset's: compared, B gets A's.
    let a = presets::horizontal_scaling();
    let b = presets::single_server();
    let comparison = compare(&a, &b, &[2], 20.0).expect("runs");
    let (a_rate, b_rate) = (comparison.a[0].throughput, comparison.b[0].throughput);
    assert!(
        (a_rate - b_rate).abs() / a_rate < 0.05,
        "A {a_rate} req/s, B {b_rate} req/s"
    );
}
