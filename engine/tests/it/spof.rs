//! Single points of failure: what the analysis reports for each preset, and a simulation that kills
//! every node in turn and agrees with it.

use engine::design::Fault;
use engine::params::NodeParams;
use engine::spof::{redundant, single_points, spofs};
use engine::{Design, LiveCommand, NodeKind, Simulation, presets};

fn names(design: &Design) -> Vec<(String, f64, bool)> {
    single_points(design)
        .into_iter()
        .map(|point| {
            (
                point.node.clone(),
                (point.share_lost * 100.0).round(),
                point.is_spof(),
            )
        })
        .collect()
}

#[test]
fn each_preset_reports_its_single_points() {
    for (title, design) in presets::all() {
        println!("{title}: {:?}", names(&design));
        for point in single_points(&design) {
            println!("  {}: {}", point.node, point.reason);
        }
    }
    let ids =
        |design: &Design| -> Vec<String> { spofs(design).into_iter().map(|p| p.node).collect() };
    // One server: it serves everything; the database everything but static assets.
    assert_eq!(ids(&presets::single_server()), ["server", "database"]);
    assert_eq!(ids(&presets::vertical_scaling()), ["server", "database"]);
    // Behind a load balancer the servers fail over; the balancer itself has no standby.
    assert_eq!(ids(&presets::horizontal_scaling()), ["lb", "database"]);
    // Distributed: the standby, the group and the replicas cover their nodes. The lone auth service
    // is called for every dynamic request; the cache (reads) and the CDN (static) are partial.
    let distributed = presets::distributed();
    assert_eq!(ids(&distributed), ["auth"]);
    assert_eq!(
        names(&distributed),
        [
            ("auth".to_owned(), 70.0, true),
            ("cache".to_owned(), 50.0, false),
            ("cdn".to_owned(), 30.0, false),
        ]
    );
    let auth = &spofs(&distributed)[0];
    assert_eq!(
        auth.reason,
        "one instance: while it is down 70 % of requests cannot succeed (reads, writes, payments fail)"
    );
    // Adding a standby to the horizontal preset's balancer leaves only the database.
    let mut standby = presets::horizontal_scaling();
    if let Some(NodeParams::LoadBalancer(lb)) = standby
        .nodes
        .iter_mut()
        .find(|n| n.id == "lb")
        .map(|n| &mut n.params)
    {
        lb.standby = true;
    }
    assert_eq!(ids(&standby), ["database"]);
}

/// Availability (successful share of the answered requests at the users) over `window`, with `node`
/// failed at 30 s the way the model fails it.
fn availability_after_losing(design: &Design, node: &str, seed: u64) -> f64 {
    let mut simulation = Simulation::new(design, seed).expect("valid");
    simulation.advance(30.0);
    let failure = match &design.node(node).expect("node").params {
        NodeParams::Database(database) if database.replicas >= 1 => LiveCommand::Inject {
            fault: Fault::DatabasePrimaryCrash {
                node: node.to_owned(),
            },
            duration_s: None,
        },
        _ => LiveCommand::Kill {
            node: node.to_owned(),
        },
    };
    simulation.apply(failure).expect("failed");
    // Detection and failover take up to a few tens of seconds; measure after.
    simulation.advance(40.0);
    simulation.reset_statistics();
    simulation.advance(60.0);
    let totals = simulation.snapshot().totals;
    let answered = totals.completed + totals.failed;
    totals.completed as f64 / answered.max(1) as f64
}

#[test]
fn killing_each_node_agrees_with_the_analysis() {
    for (title, mut design) in presets::all() {
        // Half the traffic: the loss of a node tests the structure, not the spare capacity.
        for node in &mut design.nodes {
            if let NodeParams::Users(users) = &mut node.params {
                users.rate_per_second *= 0.5;
            }
        }
        let points = single_points(&design);
        for node in &design.nodes {
            // A group's redundancy covers one instance dying, and the model has no command for
            // that (a kill takes the whole group), so a redundant group is not killed here.
            if matches!(node.kind(), NodeKind::Users | NodeKind::Monitoring)
                || (node.kind() == NodeKind::AutoscalingGroup && redundant(&node.params))
            {
                continue;
            }
            let availability = availability_after_losing(&design, &node.id, 11);
            let point = points.iter().find(|point| point.node == node.id);
            println!(
                "{title}: lose {} → availability {:.4} (analysis: {:?}, redundant {})",
                node.id,
                availability,
                point.map(|p| p.share_lost),
                redundant(&node.params)
            );
            match point {
                Some(point) if point.is_spof() => assert!(
                    availability < 0.5,
                    "{title}: {} is a SPOF but availability stays {availability}",
                    node.id
                ),
                Some(point) => assert!(
                    (availability - (1.0 - point.share_lost)).abs() < 0.1,
                    "{title}: losing {} should stop about {:.0} % of requests, availability {availability}",
                    node.id,
                    point.share_lost * 100.0
                ),
                None => assert!(
                    availability >= 0.995,
                    "{title}: losing {} should stop nothing, availability {availability}",
                    node.id
                ),
            }
        }
    }
}
