//! The built-in challenges: each starting board fails, a committed reference solution passes every
//! primary objective and a committed gold solution earns three stars, on every grading seed; the
//! rules hold (bonus, points, ids, windows) and breaking them scores 0.
//!
//! Solutions are built from the starting board the way a student would build them on the canvas:
//! resizing, adding and linking nodes of allowed kinds, editing alert rules; locked nodes and the
//! fault script stay as given.

use engine::challenge::{Challenge, Grade, grade_design};
use engine::challenges;
use engine::design::{AlertMetric, AlertRule, Comparison};
use engine::objective::Measure;
use engine::params::{
    Algorithm, AutoscalingGroupParams, DatabaseParams, LoadBalancerParams, NodeParams,
    ServerParams, Tier,
};
use engine::{Design, Link, Node, NodeKind};

// ---------------------------------------------------------------------------------------------
// Editing a board.

fn node<'a>(design: &'a mut Design, id: &str) -> &'a mut Node {
    design
        .nodes
        .iter_mut()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn server<'a>(design: &'a mut Design, id: &str) -> &'a mut ServerParams {
    match &mut node(design, id).params {
        NodeParams::Server(params) => params,
        _ => panic!("{id} is not a server"),
    }
}

fn lb<'a>(design: &'a mut Design, id: &str) -> &'a mut LoadBalancerParams {
    match &mut node(design, id).params {
        NodeParams::LoadBalancer(params) => params,
        _ => panic!("{id} is not a load balancer"),
    }
}

fn database<'a>(design: &'a mut Design, id: &str) -> &'a mut DatabaseParams {
    match &mut node(design, id).params {
        NodeParams::Database(params) => params,
        _ => panic!("{id} is not a database"),
    }
}

fn link(design: &mut Design, from: &str, to: &str, latency_ms: f64) {
    design.links.push(Link::new(from, to, latency_ms));
}

fn unlink(design: &mut Design, from: &str, to: &str) {
    design.links.retain(|l| !(l.from == from && l.to == to));
}

fn remove(design: &mut Design, id: &str) {
    design.nodes.retain(|n| n.id != id);
    design.links.retain(|l| l.from != id && l.to != id);
}

/// A new server at (x, y) in `zone` behind `lb`, calling the database.
fn add_server(design: &mut Design, id: &str, tier: Tier, zone: &str, (x, y): (f64, f64)) {
    let mut new = Node::new(id, NodeKind::Server, x, y);
    zone.clone_into(&mut new.zone);
    if let NodeParams::Server(params) = &mut new.params {
        params.tier = tier;
    }
    design.nodes.push(new);
    link(design, "lb", id, 1.0);
    link(design, id, "database", 1.0);
}

/// A load balancer in front of the single `server`: users → lb → server.
fn put_behind_lb(design: &mut Design) {
    unlink(design, "users", "server");
    design
        .nodes
        .push(Node::new("lb", NodeKind::LoadBalancer, 360.0, 300.0));
    link(design, "users", "lb", 30.0);
    link(design, "lb", "server", 1.0);
}

fn payment_rule(for_s: f64) -> AlertRule {
    AlertRule {
        name: "Payments failing".to_owned(),
        metric: AlertMetric::ErrorRate,
        node: Some("database".to_owned()),
        comparison: Comparison::Above,
        threshold: 0.05,
        for_s,
        message: "Payment failed".to_owned(),
        ..AlertRule::default()
    }
}

// ---------------------------------------------------------------------------------------------
// The solutions.

fn start(id: &str) -> Design {
    challenges::by_id(id)
        .unwrap_or_else(|| panic!("no challenge {id}"))
        .start
}

/// A design that passes every primary objective (not necessarily the bonuses).
fn reference(id: &str) -> Design {
    let mut design = start(id);
    match id {
        // A large server carries rush hour with room to spare, at a price.
        "rush-hour" => server(&mut design, "server").tier = Tier::Large,
        // The biggest size passes, but costs more than the bonus allows.
        "scale-up" => server(&mut design, "server").tier = Tier::Xlarge,
        // Three medium servers behind a round-robin load balancer.
        "scale-out" => {
            server(&mut design, "server").tier = Tier::Medium;
            put_behind_lb(&mut design);
            add_server(
                &mut design,
                "server-2",
                Tier::Medium,
                "zone-b",
                (640.0, 150.0),
            );
            add_server(
                &mut design,
                "server-3",
                Tier::Medium,
                "zone-a",
                (640.0, 450.0),
            );
        }
        // Health checks on, and a third server so two can carry the load.
        "lose-a-server" => {
            lb(&mut design, "lb").health_check.enabled = true;
            add_server(
                &mut design,
                "server-3",
                Tier::Small,
                "zone-b",
                (640.0, 340.0),
            );
        }
        // A standby twin for the load balancer.
        "redundant-lb" => lb(&mut design, "lb").standby = true,
        // A cache between the servers and the database (default size).
        "read-heavy" => {
            design
                .nodes
                .push(Node::new("cache", NodeKind::Cache, 860.0, 140.0));
            for server in ["server-1", "server-2", "server-3"] {
                link(&mut design, server, "cache", 1.0);
            }
            link(&mut design, "cache", "database", 1.0);
        }
        // A CDN in front of the server for static assets.
        "static-assets" => {
            design
                .nodes
                .push(Node::new("cdn", NodeKind::Cdn, 360.0, 120.0));
            link(&mut design, "users", "cdn", 10.0);
            link(&mut design, "cdn", "server", 20.0);
        }
        // Two read replicas: reads spread over them, one is promoted when the primary dies.
        "read-replicas" => database(&mut design, "database").replicas = 2,
        // The load balancer moves to zone-b; servers in both zones, two in each.
        "zone-outage" => {
            "zone-b".clone_into(&mut node(&mut design, "lb").zone);
            "zone-b".clone_into(&mut node(&mut design, "server-2").zone);
            add_server(
                &mut design,
                "server-3",
                Tier::Small,
                "zone-a",
                (840.0, 230.0),
            );
            add_server(
                &mut design,
                "server-4",
                Tier::Small,
                "zone-b",
                (840.0, 450.0),
            );
        }
        // The two fixed servers become an autoscaling group as it comes from the palette: small
        // servers, two to eight of them, out above 70 % CPU and in below 30 %.
        "diurnal-day" => {
            remove(&mut design, "server-1");
            remove(&mut design, "server-2");
            let mut group = Node::new("web", NodeKind::AutoscalingGroup, 640.0, 300.0);
            group.name = "Web servers".to_owned();
            group.params = NodeParams::AutoscalingGroup(AutoscalingGroupParams::default());
            design.nodes.push(group);
            link(&mut design, "lb", "web", 1.0);
            link(&mut design, "web", "database", 1.0);
        }
        // The CPU rule goes (it pages for harmless load); a payment rule watches the database.
        "payment-alert" => {
            design.alert_rules.retain(|r| r.metric != AlertMetric::Cpu);
            design.alert_rules.push(payment_rule(10.0));
        }
        // No standby, cache or replicas; two medium servers and the medium database.
        "budget" => {
            remove(&mut design, "cache");
            remove(&mut design, "server-3");
            remove(&mut design, "server-4");
            lb(&mut design, "lb").standby = false;
            server(&mut design, "server-1").tier = Tier::Medium;
            server(&mut design, "server-2").tier = Tier::Medium;
            let db = database(&mut design, "database");
            db.tier = Tier::Medium;
            db.replicas = 0;
        }
        other => panic!("no reference solution for {other}"),
    }
    design
}

/// A design that earns three stars.
fn gold(id: &str) -> Design {
    let mut design = reference(id);
    match id {
        // A medium server is enough, and cheaper.
        "rush-hour" => server(&mut design, "server").tier = Tier::Medium,
        "scale-up" => server(&mut design, "server").tier = Tier::Large,
        "scale-out" => lb(&mut design, "lb").algorithm = Algorithm::LeastConnections,
        // Faster detection, and medium servers so the two left stay quick.
        "lose-a-server" => {
            let check = &mut lb(&mut design, "lb").health_check;
            check.interval_ms = 1_000.0;
            check.timeout_ms = 500.0;
            check.unhealthy_threshold = 2;
            for id in ["server-2", "server-3"] {
                server(&mut design, id).tier = Tier::Medium;
            }
        }
        // A replica so the database is no single point of failure either.
        "redundant-lb" => database(&mut design, "database").replicas = 1,
        // A fourth server: CPU headroom everywhere.
        "read-heavy" => {
            add_server(
                &mut design,
                "server-4",
                Tier::Medium,
                "zone-b",
                (640.0, 570.0),
            );
            link(&mut design, "server-4", "cache", 1.0);
        }
        // A medium server too: CPU headroom.
        "static-assets" => server(&mut design, "server").tier = Tier::Medium,
        // Medium instances: one replica left after the promotion still reads fast.
        "read-replicas" => database(&mut design, "database").tier = Tier::Medium,
        // A standby twin as well: the load balancer is no single point of failure.
        "zone-outage" => lb(&mut design, "lb").standby = true,
        // Medium servers, one to three of them: two carry noon, one the evening and the night,
        // and a group of two medium servers needs one step, not two, to shrink.
        "diurnal-day" => {
            if let NodeParams::AutoscalingGroup(group) = &mut node(&mut design, "web").params {
                group.server.tier = Tier::Medium;
                group.min_instances = 1;
                group.initial_instances = 2;
                group.max_instances = 3;
            }
        }
        // Page as soon as the database's error rate jumps.
        "payment-alert" => {
            design.alert_rules.retain(|r| r.message != "Payment failed");
            design.alert_rules.push(payment_rule(0.0));
        }
        // The database is over-sized too.
        "budget" => database(&mut design, "database").tier = Tier::Small,
        other => panic!("no gold solution for {other}"),
    }
    design
}

// ---------------------------------------------------------------------------------------------
// Grading.

fn show(what: &str, grade: &Grade) {
    println!(
        "{} / {what}: score {}, stars {}, passed {}, violations {:?}, errors {:?}",
        grade.challenge, grade.score, grade.stars, grade.passed, grade.violations, grade.errors
    );
    for objective in &grade.objectives {
        let values: Vec<String> = objective
            .outcomes
            .iter()
            .map(|o| {
                let value = o
                    .value
                    .map_or_else(|| "-".to_owned(), |v| objective.objective.measure.format(v));
                format!("{value} ({:?})", o.status)
            })
            .collect();
        println!(
            "  {}{}: {}",
            if objective.objective.bonus {
                "bonus "
            } else {
                ""
            },
            objective.objective.describe(),
            values.join(", ")
        );
    }
}

fn graded(challenge: &Challenge, what: &str, design: &Design) -> Grade {
    let grade = grade_design(challenge, design);
    show(what, &grade);
    grade
}

#[test]
fn there_are_at_least_twelve_well_formed_challenges() {
    let all = challenges::all();
    assert!(all.len() >= 12, "{} challenges", all.len());
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids[..12],
        [
            "rush-hour",
            "scale-up",
            "scale-out",
            "lose-a-server",
            "redundant-lb",
            "read-heavy",
            "static-assets",
            "read-replicas",
            "zone-outage",
            "diurnal-day",
            "payment-alert",
            "budget",
        ]
    );
    for (index, id) in ids.iter().enumerate() {
        assert!(!ids[..index].contains(id), "{id} is used twice");
    }
    for challenge in &all {
        let id = &challenge.id;
        assert!(
            !challenge.title.is_empty() && !challenge.story.is_empty(),
            "{id}"
        );
        assert!((2..=3).contains(&challenge.learn.len()), "{id}: learn");
        assert!(
            (120.0..=300.0).contains(&challenge.seconds),
            "{id}: {} s",
            challenge.seconds
        );
        let points: u32 = challenge.objectives.iter().map(|o| o.points).sum();
        assert_eq!(points, 100, "{id}: points");
        assert!(challenge.objectives.iter().any(|o| o.bonus), "{id}: bonus");
        assert!(
            challenge.objectives.iter().any(|o| !o.bonus),
            "{id}: primary"
        );
        for objective in &challenge.objectives {
            assert!(
                0.0 <= objective.from_s
                    && objective.from_s < objective.to_s
                    && objective.to_s <= challenge.seconds,
                "{id}: {} lies outside the run",
                objective.describe()
            );
        }
        assert!(
            challenge.locked.iter().any(|n| n == "users"),
            "{id}: the users are locked"
        );
        assert_eq!(challenge.seeds, engine::challenge::DEFAULT_SEEDS, "{id}");
        challenge
            .start
            .validate()
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        for locked in &challenge.locked {
            assert!(challenge.start.node(locked).is_some(), "{id}: {locked}");
        }
        assert_eq!(challenge.violations(&challenge.start), Vec::<String>::new());
        let cost = challenge
            .objectives
            .iter()
            .filter(|o| o.measure == Measure::CostPerHour)
            .min_by_key(|o| o.bonus);
        assert_eq!(challenge.budget_per_hour, cost.map(|o| o.target), "{id}");
    }
}

#[test]
fn every_starting_board_fails_a_primary_objective_on_every_seed() {
    for challenge in challenges::all() {
        let grade = graded(&challenge, "start", &challenge.start);
        assert!(grade.violations.is_empty() && grade.errors.is_empty());
        for (seed_index, seed) in challenge.seeds.iter().enumerate() {
            let failed = grade
                .objectives
                .iter()
                .filter(|o| !o.objective.bonus)
                .any(|o| !o.outcomes[seed_index].passed());
            assert!(failed, "{}: the start passes on seed {seed}", challenge.id);
        }
        assert!(!grade.passed, "{}", challenge.id);
    }
}

#[test]
fn every_reference_solution_passes() {
    for challenge in challenges::all() {
        let design = reference(&challenge.id);
        design
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e}", challenge.id));
        let grade = graded(&challenge, "reference", &design);
        assert!(grade.violations.is_empty(), "{}", challenge.id);
        assert!(grade.errors.is_empty(), "{}", challenge.id);
        assert!(grade.passed, "{}: the reference fails", challenge.id);
    }
}

#[test]
fn every_gold_solution_earns_three_stars() {
    for challenge in challenges::all() {
        let design = gold(&challenge.id);
        let grade = graded(&challenge, "gold", &design);
        assert!(grade.violations.is_empty() && grade.errors.is_empty());
        assert_eq!(grade.stars, 3, "{}: gold", challenge.id);
        assert_eq!(grade.score, 100, "{}: gold", challenge.id);
    }
}

#[test]
fn breaking_a_rule_scores_zero() {
    let challenge = challenges::by_id("payment-alert").expect("payment-alert");
    // Less traffic: the locked users node was changed.
    let mut quieter = gold(&challenge.id);
    if let NodeParams::Users(users) = &mut node(&mut quieter, "users").params {
        users.rate_per_second = 10.0;
    }
    // A kind the challenge does not allow.
    let mut cdn = gold(&challenge.id);
    cdn.nodes
        .push(Node::new("cdn", NodeKind::Cdn, 360.0, 120.0));
    link(&mut cdn, "users", "cdn", 10.0);
    link(&mut cdn, "cdn", "server", 20.0);
    // Faster requests: the work a request needs is the challenge's, not a parameter to tune.
    let mut faster = gold(&challenge.id);
    server(&mut faster, "server").service =
        engine::params::ServiceTimes::uniform(engine::params::ServiceTime::exponential(1.0));
    for (what, design) in [
        ("quieter users", quieter),
        ("a CDN", cdn),
        ("faster service times", faster),
    ] {
        let grade = graded(&challenge, what, &design);
        assert!(!grade.violations.is_empty(), "{what}");
        assert_eq!((grade.score, grade.stars, grade.passed), (0, 0, false));
    }
}

/// A design that looks like a fix but misses the challenge's point, and the primary objective it
/// fails on every seed.
fn shortcut(id: &str) -> (&'static str, Design, Measure) {
    let mut design = start(id);
    let (what, fails) = match id {
        "scale-out" => {
            server(&mut design, "server").tier = Tier::Xlarge;
            ("one xlarge server", Measure::CostPerHour)
        }
        "lose-a-server" => {
            lb(&mut design, "lb").health_check.enabled = true;
            ("health checks, no spare server", Measure::Availability)
        }
        "read-heavy" => {
            for (id, y) in [
                ("server-4", 193.0),
                ("server-5", 340.0),
                ("server-6", 487.0),
            ] {
                add_server(&mut design, id, Tier::Medium, "zone-b", (840.0, y));
            }
            ("more servers, no cache", Measure::P95Ms)
        }
        "static-assets" => {
            server(&mut design, "server").tier = Tier::Medium;
            ("a bigger server, no CDN", Measure::MeanMs)
        }
        "read-replicas" => {
            database(&mut design, "database").tier = Tier::Large;
            ("a bigger database, no replica", Measure::RecoverySeconds)
        }
        "zone-outage" => {
            lb(&mut design, "lb").standby = true;
            add_server(
                &mut design,
                "server-3",
                Tier::Small,
                "zone-a",
                (840.0, 230.0),
            );
            add_server(
                &mut design,
                "server-4",
                Tier::Small,
                "zone-a",
                (840.0, 450.0),
            );
            ("four servers, all in zone-a", Measure::Availability)
        }
        "diurnal-day" => {
            add_server(
                &mut design,
                "server-3",
                Tier::Small,
                "zone-a",
                (840.0, 230.0),
            );
            add_server(
                &mut design,
                "server-4",
                Tier::Small,
                "zone-b",
                (840.0, 450.0),
            );
            ("four fixed servers, sized for noon", Measure::CostPerHour)
        }
        "payment-alert" => {
            design.alert_rules.push(payment_rule(0.0));
            (
                "a payment rule beside the noisy CPU rule",
                Measure::AlertsFired,
            )
        }
        other => panic!("no shortcut for {other}"),
    };
    (what, design, fails)
}

#[test]
fn tempting_shortcuts_fail() {
    for id in [
        "scale-out",
        "lose-a-server",
        "read-heavy",
        "static-assets",
        "read-replicas",
        "zone-outage",
        "diurnal-day",
        "payment-alert",
    ] {
        let challenge = challenges::by_id(id).expect("a challenge");
        let (what, design, measure) = shortcut(id);
        let grade = graded(&challenge, what, &design);
        assert!(
            grade.violations.is_empty() && grade.errors.is_empty(),
            "{id}"
        );
        let objective = grade
            .objectives
            .iter()
            .find(|o| !o.objective.bonus && o.objective.measure == measure)
            .unwrap_or_else(|| panic!("{id}: no primary {measure:?}"));
        assert!(
            objective.outcomes.iter().all(|o| !o.passed()),
            "{id}: {what} passes {}",
            objective.objective.describe()
        );
    }
}
