//! Four ready-made designs, one per stage of the scaling story, laid out left to right on a
//! 1200 × 600 px canvas. Each is valid and runs at a busy but stable load (about 60–70 % CPU).

use crate::NodeKind;
use crate::design::{
    AlertMetric, AlertRule, CURRENT_VERSION, Channel, Comparison, Design, Link, Node, RuleKind,
    Severity,
};
use crate::params::{Algorithm, NodeParams, RequestMix, ServiceTime, ServiceTimes, Tier};
use crate::params::{DeployStrategy, RequestType};
use crate::release::{Defect, Release, ScheduledRelease};

/// Every preset with a short title, in story order.
pub fn all() -> Vec<(&'static str, Design)> {
    vec![
        ("Single server", single_server()),
        ("Vertical scaling", vertical_scaling()),
        ("Horizontal scaling", horizontal_scaling()),
        ("Distributed", distributed()),
        ("Release day", release_day()),
    ]
}

fn design(name: &str, nodes: Vec<Node>, links: Vec<Link>) -> Design {
    Design {
        version: CURRENT_VERSION,
        name: name.to_owned(),
        seed: 1,
        nodes,
        links,
        alert_rules: Vec::new(),
        faults: Vec::new(),
        releases: Vec::new(),
    }
}

/// Every step of the story is observable: a monitoring node (it scrapes every node and evaluates the
/// rules) and the three default alert rules, so a killed server or a traffic spike raises an alert.
fn observed(mut design: Design, x: f64, y: f64) -> Design {
    design.nodes.push(named(
        Node::new("monitoring", NodeKind::Monitoring, x, y),
        "Monitoring",
    ));
    design.alert_rules = AlertRule::defaults();
    design
}

pub(crate) fn named(mut node: Node, name: &str) -> Node {
    node.name = name.to_owned();
    node
}

fn users(rate_per_second: f64, x: f64, y: f64) -> Node {
    let mut node = named(Node::new("users", NodeKind::Users, x, y), "Users");
    if let NodeParams::Users(users) = &mut node.params {
        users.rate_per_second = rate_per_second;
    }
    node
}

pub(crate) fn server(id: &str, name: &str, tier: Tier, x: f64, y: f64) -> Node {
    let mut node = named(Node::new(id, NodeKind::Server, x, y), name);
    if let NodeParams::Server(server) = &mut node.params {
        server.tier = tier;
    }
    node
}

fn database(replicas: u32, x: f64, y: f64) -> Node {
    let mut node = named(Node::new("database", NodeKind::Database, x, y), "Database");
    if let NodeParams::Database(database) = &mut node.params {
        database.replicas = replicas;
    }
    node
}

/// One small server (2 cores) and a database: 75 requests/s keeps it about 65 % busy.
pub fn single_server() -> Design {
    let plain = design(
        "Single server",
        vec![
            users(75.0, 120.0, 300.0),
            server("server", "Web server", Tier::Small, 550.0, 300.0),
            database(0, 950.0, 300.0),
        ],
        vec![
            Link::new("users", "server", 30.0),
            Link::new("server", "database", 1.0),
        ],
    );
    observed(plain, 550.0, 120.0)
}

/// The same shape on a large (8-core) server, carrying four times the traffic.
pub fn vertical_scaling() -> Design {
    let plain = design(
        "Vertical scaling",
        vec![
            users(300.0, 120.0, 300.0),
            server("server", "Big web server", Tier::Large, 550.0, 300.0),
            database(0, 950.0, 300.0),
        ],
        vec![
            Link::new("users", "server", 30.0),
            Link::new("server", "database", 1.0),
        ],
    );
    observed(plain, 550.0, 120.0)
}

/// Three small servers behind a health-checked load balancer.
pub fn horizontal_scaling() -> Design {
    let mut lb = named(
        Node::new("lb", NodeKind::LoadBalancer, 380.0, 300.0),
        "Load balancer",
    );
    if let NodeParams::LoadBalancer(params) = &mut lb.params {
        params.algorithm = Algorithm::LeastConnections;
    }
    let mut nodes = vec![users(230.0, 100.0, 300.0), lb];
    let mut links = vec![Link::new("users", "lb", 30.0)];
    for (index, y) in [150.0, 300.0, 450.0].into_iter().enumerate() {
        let id = format!("server-{}", index + 1);
        let mut node = server(&id, &format!("Server {}", index + 1), Tier::Small, 680.0, y);
        node.zone = if index % 2 == 0 { "zone-a" } else { "zone-b" }.to_owned();
        nodes.push(node);
        links.push(Link::new("lb", &id, 1.0));
        links.push(Link::new(&id, "database", 1.0));
    }
    nodes.push(database(0, 1000.0, 300.0));
    observed(design("Horizontal scaling", nodes, links), 380.0, 80.0)
}

/// CDN, load balancer, autoscaling group, an auth service, a cache, a database with read replicas
/// and monitoring with the default alert rules.
pub fn distributed() -> Design {
    let mut cdn = named(Node::new("cdn", NodeKind::Cdn, 300.0, 120.0), "CDN");
    cdn.zone = "edge".to_owned();
    let mut lb = named(
        Node::new("lb", NodeKind::LoadBalancer, 380.0, 330.0),
        "Load balancer",
    );
    if let NodeParams::LoadBalancer(params) = &mut lb.params {
        params.algorithm = Algorithm::PowerOfTwo;
        params.standby = true;
    }
    let mut group = named(
        Node::new("web", NodeKind::AutoscalingGroup, 640.0, 330.0),
        "Web servers",
    );
    if let NodeParams::AutoscalingGroup(params) = &mut group.params {
        params.server.tier = Tier::Medium;
        params.min_instances = 2;
        params.initial_instances = 4;
        params.max_instances = 8;
        params.scale_out_above = 0.8;
        params.scale_in_below = 0.3;
    }
    let mut auth = named(
        Node::new("auth", NodeKind::Service, 880.0, 520.0),
        "Auth service",
    );
    if let NodeParams::Service(params) = &mut auth.params {
        params.tier = Tier::Large;
    }
    auth.zone = "zone-b".to_owned();
    let cache = named(Node::new("cache", NodeKind::Cache, 880.0, 150.0), "Cache");
    let mut database = database(2, 1100.0, 330.0);
    database.zone = "zone-b".to_owned();
    let monitoring = named(
        Node::new("monitoring", NodeKind::Monitoring, 640.0, 60.0),
        "Monitoring",
    );
    let mut design = design(
        "Distributed",
        vec![
            users(600.0, 80.0, 330.0),
            cdn,
            lb,
            group,
            auth,
            cache,
            database,
            monitoring,
        ],
        vec![
            Link::new("users", "lb", 30.0),
            Link::new("users", "cdn", 10.0),
            Link::new("cdn", "lb", 20.0),
            Link::new("lb", "web", 1.0),
            Link::new("web", "cache", 1.0),
            Link::new("web", "database", 1.0),
            Link::new("web", "auth", 1.0),
            Link::new("cache", "database", 1.0),
        ],
    );
    design.alert_rules = AlertRule::defaults();
    design
}

/// One million requests per second (reads) through a load balancer to ten 1 400-worker servers,
/// a cache with a 90 % hit ratio and a database with four replicas, at about 70 % CPU. It runs in the
/// aggregated resolution; it is not part of [`all`], which tells the scaling story.
pub fn million_requests_per_second() -> Design {
    let mut nodes = vec![
        Node::new("users", NodeKind::Users, 80.0, 300.0),
        Node::new("lb", NodeKind::LoadBalancer, 300.0, 300.0),
        Node::new("web", NodeKind::AutoscalingGroup, 550.0, 300.0),
        Node::new("cache", NodeKind::Cache, 800.0, 200.0),
        Node::new("database", NodeKind::Database, 1050.0, 300.0),
    ];
    if let NodeParams::Users(users) = &mut nodes[0].params {
        users.rate_per_second = 1_000_000.0;
        users.mix = RequestMix::reads_only();
    }
    if let NodeParams::LoadBalancer(lb) = &mut nodes[1].params {
        lb.algorithm = Algorithm::Random;
        lb.max_connections = 10_000_000;
    }
    if let NodeParams::AutoscalingGroup(group) = &mut nodes[2].params {
        group.server.tier = Tier::Xlarge;
        group.server.workers = Some(1400);
        group.server.memory_per_request_mb = 0.0;
        group.server.service = ServiceTimes::uniform(ServiceTime::exponential(10.0));
        group.min_instances = 10;
        group.initial_instances = 10;
        group.max_instances = 10;
    }
    if let NodeParams::Cache(cache) = &mut nodes[3].params {
        cache.fixed_hit_ratio = Some(0.9);
        cache.workers = 512;
    }
    if let NodeParams::Database(database) = &mut nodes[4].params {
        database.workers = Some(256);
        database.replicas = 4;
        database.max_connections = 1_000_000;
    }
    Design {
        version: CURRENT_VERSION,
        name: "One million requests per second".to_owned(),
        seed: 1,
        nodes,
        links: vec![
            Link::new("users", "lb", 10.0),
            Link::new("lb", "web", 1.0),
            Link::new("web", "cache", 1.0),
            Link::new("cache", "database", 1.0),
        ],
        alert_rules: Vec::new(),
        faults: Vec::new(),
        releases: Vec::new(),
    }
}

/// A "Build & Deploy" pipeline with classroom stage times (checks 10 s, build 20 s, tests 30 s)
/// whose tests miss the bug (`catches` 0), deploying with `strategy`.
pub(crate) fn classroom_pipeline(strategy: DeployStrategy) -> Node {
    let mut pipeline = named(
        Node::new("ci", NodeKind::Pipeline, 680.0, 110.0),
        "Build & Deploy",
    );
    if let NodeParams::Pipeline(params) = &mut pipeline.params {
        params.checks_s = 10.0;
        params.build_s = 20.0;
        params.test_s = 30.0;
        params.catches = 0.0;
        params.strategy = strategy;
    }
    pipeline
}

/// v2, committed to the pipeline "ci" at `at_s`, breaking half of the payments.
pub(crate) fn payment_bug_release(at_s: f64) -> ScheduledRelease {
    ScheduledRelease {
        at_s,
        pipeline: "ci".to_owned(),
        release: Release {
            version: "v2".to_owned(),
            defect: Some(Defect::ErrorRate {
                request_type: RequestType::Payment,
                rate: 0.5,
            }),
            expedited: false,
        },
    }
}

/// Release day: a canary catches a bad payment release. The tests miss the bug (they never pay in
/// euros), the pipeline sends v2 to 10 % of the traffic, half of its payments fail, "Payment
/// failed" pages, and three failed canary checks send the traffic back to v1.
pub fn release_day() -> Design {
    let mut lb = named(
        Node::new("lb", NodeKind::LoadBalancer, 380.0, 320.0),
        "Load balancer",
    );
    if let NodeParams::LoadBalancer(params) = &mut lb.params {
        params.algorithm = Algorithm::LeastConnections;
    }
    let mut web = named(
        Node::new("web", NodeKind::AutoscalingGroup, 680.0, 320.0),
        "Web servers",
    );
    if let NodeParams::AutoscalingGroup(group) = &mut web.params {
        group.min_instances = 4;
        group.initial_instances = 4;
        group.server.cold_start_ms = 20_000.0;
    }
    let pipeline = classroom_pipeline(DeployStrategy::Canary);
    let plain = design(
        "Release day",
        vec![
            users(200.0, 100.0, 320.0),
            lb,
            web,
            pipeline,
            database(1, 1000.0, 320.0),
        ],
        vec![
            Link::new("users", "lb", 30.0),
            Link::new("lb", "web", 1.0),
            Link::new("web", "database", 1.0),
            Link::new("ci", "web", 1.0),
        ],
    );
    let mut design = observed(plain, 1000.0, 110.0);
    design.alert_rules.push(AlertRule {
        name: "Payments failing".to_owned(),
        metric: AlertMetric::PaymentErrorRate,
        node: None,
        kind: RuleKind::Threshold,
        comparison: Comparison::Above,
        threshold: 0.02,
        for_s: 10.0,
        severity: Severity::Critical,
        channel: Channel::Pagerduty,
        message: "Payment failed".to_owned(),
    });
    design.releases.push(payment_bug_release(5.0));
    design
}
