//! The built-in challenges, in story order: a single server that falls over, vertical scaling and
//! its ceiling, horizontal scaling, redundancy, caching, replicas, zones, autoscaling, alerting and
//! a budget. Each starting board is a valid design laid out left to right on a 1200 × 600 px canvas
//! that fails at least one primary objective; the fault script is part of the board.
//!
//! Figures behind the numbers (default service times, default request mix): a request costs a
//! server 17.6 ms of CPU on average, so a small server (2 cores) carries about 113 requests/s, a
//! medium one 227, a large one 454 and an xlarge one 909; the database spends 4.5 ms per request.

use crate::challenge::{Challenge, DEFAULT_SEEDS};
use crate::design::{AlertRule, CURRENT_VERSION, Fault, ScheduledFault};
use crate::objective::{Bound, Measure, Objective};
use crate::params::{NodeParams, RatePattern, RequestMix, ServiceTime, Tier};
use crate::presets::{named, server};
use crate::{Design, Link, Node, NodeKind};

/// Every built-in challenge, in story order.
pub fn all() -> Vec<Challenge> {
    vec![
        rush_hour(),
        scale_up(),
        scale_out(),
        lose_a_server(),
        redundant_lb(),
        read_heavy(),
        static_assets(),
        read_replicas(),
        zone_outage(),
        diurnal_day(),
        payment_alert(),
        budget(),
    ]
}

/// The built-in challenge with this id.
pub fn by_id(id: &str) -> Option<Challenge> {
    all().into_iter().find(|challenge| challenge.id == id)
}

// ---------------------------------------------------------------------------------------------
// Building blocks.

/// A primary objective: `measure` `bound` `target` over [from_s, to_s).
fn goal(measure: Measure, bound: Bound, target: f64, window: (f64, f64), points: u32) -> Objective {
    Objective {
        measure,
        bound,
        target,
        from_s: window.0,
        to_s: window.1,
        points,
        bonus: false,
    }
}

/// The same objective as a bonus (stars, not the pass).
fn bonus(objective: Objective) -> Objective {
    Objective {
        bonus: true,
        ..objective
    }
}

/// What a briefing says: an id, a title, the story and what the student learns.
struct Brief<'a> {
    id: &'a str,
    title: &'a str,
    story: &'a str,
    learn: &'a [&'a str],
}

/// A challenge graded on [`DEFAULT_SEEDS`]; its budget is its primary cost objective's target,
/// else a bonus one's.
fn challenge(
    brief: &Brief<'_>,
    objectives: Vec<Objective>,
    allowed: &[NodeKind],
    locked: &[&str],
    start: Design,
    seconds: f64,
) -> Challenge {
    let budget_per_hour = objectives
        .iter()
        .filter(|o| o.measure == Measure::CostPerHour && o.bound == Bound::AtMost)
        .min_by_key(|o| o.bonus)
        .map(|o| o.target);
    Challenge {
        id: brief.id.to_owned(),
        title: brief.title.to_owned(),
        story: brief.story.to_owned(),
        learn: brief.learn.iter().map(|line| (*line).to_owned()).collect(),
        objectives,
        budget_per_hour,
        allowed: allowed.to_vec(),
        locked: locked.iter().map(|id| (*id).to_owned()).collect(),
        start,
        seconds,
        seeds: DEFAULT_SEEDS.to_vec(),
    }
}

/// A design with a monitoring node (top middle) and the default alert rules.
fn board(
    name: &str,
    mut nodes: Vec<Node>,
    links: Vec<Link>,
    faults: Vec<ScheduledFault>,
) -> Design {
    nodes.push(named(
        Node::new("monitoring", NodeKind::Monitoring, 640.0, 60.0),
        "Monitoring",
    ));
    Design {
        version: CURRENT_VERSION,
        name: name.to_owned(),
        seed: 1,
        nodes,
        links,
        alert_rules: AlertRule::defaults(),
        faults,
        releases: Vec::new(),
    }
}

fn in_zone(mut node: Node, zone: &str) -> Node {
    zone.clone_into(&mut node.zone);
    node
}

/// Users at the left edge sending `rate` requests/s with `pattern` and `mix`.
fn users(rate: f64, pattern: RatePattern, mix: RequestMix) -> Node {
    let mut node = named(Node::new("users", NodeKind::Users, 100.0, 300.0), "Users");
    if let NodeParams::Users(users) = &mut node.params {
        users.rate_per_second = rate;
        users.pattern = pattern;
        users.mix = mix;
    }
    node
}

/// Servers `server-1`…`server-n` in a column at x = 640, spread over `zones` in turn.
fn servers(count: usize, tier: Tier, zones: &[&str]) -> Vec<Node> {
    let gap = 440.0 / count.max(1) as f64;
    (0..count)
        .map(|index| {
            let y = 120.0 + gap * (index as f64 + 0.5);
            let node = server(
                &format!("server-{}", index + 1),
                &format!("Server {}", index + 1),
                tier,
                640.0,
                y,
            );
            in_zone(node, zones[index % zones.len().max(1)])
        })
        .collect()
}

fn load_balancer(standby: bool) -> Node {
    let mut node = named(
        Node::new("lb", NodeKind::LoadBalancer, 360.0, 300.0),
        "Load balancer",
    );
    if let NodeParams::LoadBalancer(lb) = &mut node.params {
        lb.standby = standby;
    }
    node
}

fn database(tier: Tier, replicas: u32) -> Node {
    let mut node = named(
        Node::new("database", NodeKind::Database, 1080.0, 300.0),
        "Database",
    );
    if let NodeParams::Database(database) = &mut node.params {
        database.tier = tier;
        database.replicas = replicas;
    }
    node
}

/// users → lb → every server → database.
fn behind_lb(servers: &[Node]) -> Vec<Link> {
    let mut links = vec![Link::new("users", "lb", 30.0)];
    for server in servers {
        links.push(Link::new("lb", &server.id, 1.0));
        links.push(Link::new(&server.id, "database", 1.0));
    }
    links
}

fn fault(at_s: f64, duration_s: Option<f64>, fault: Fault) -> ScheduledFault {
    ScheduledFault {
        at_s,
        duration_s,
        fault,
    }
}

fn availability(target: f64, window: (f64, f64), points: u32) -> Objective {
    goal(
        Measure::Availability,
        Bound::AtLeast,
        target,
        window,
        points,
    )
}

fn p95(target_ms: f64, window: (f64, f64), points: u32) -> Objective {
    goal(Measure::P95Ms, Bound::AtMost, target_ms, window, points)
}

fn cost(target: f64, window: (f64, f64), points: u32) -> Objective {
    goal(Measure::CostPerHour, Bound::AtMost, target, window, points)
}

fn no_spofs(seconds: f64, points: u32) -> Objective {
    goal(Measure::Spofs, Bound::AtMost, 0.0, (0.0, seconds), points)
}

fn recovery(max_s: f64, window: (f64, f64), points: u32) -> Objective {
    goal(
        Measure::RecoverySeconds,
        Bound::AtMost,
        max_s,
        window,
        points,
    )
}

// ---------------------------------------------------------------------------------------------
// Single server.

/// 60 requests/s, then 150 from 60 s: one small server carries about 113.
pub fn rush_hour() -> Challenge {
    let seconds = 180.0;
    let window = (30.0, seconds);
    let start = board(
        "Rush hour",
        vec![
            users(
                60.0,
                RatePattern::Step {
                    at_s: 60.0,
                    rate_per_second_after: 150.0,
                },
                RequestMix::default(),
            ),
            server("server", "Web server", Tier::Small, 640.0, 300.0),
            database(Tier::Medium, 0),
        ],
        vec![
            Link::new("users", "server", 30.0),
            Link::new("server", "database", 1.0),
        ],
        Vec::new(),
    );
    challenge(
        &Brief {
            id: "rush-hour",
            title: "Rush hour",
            story: "Your shop runs on one small web server and it copes with the morning's 60 \
                requests a second. At one minute in, rush hour starts and 150 requests a second \
                arrive. Keep the shop up through rush hour.",
            learn: &[
                "A server has a fixed capacity: workers ÷ service time requests per second.",
                "Past that capacity the queue grows until requests time out or are refused.",
                "The quickest fix is a bigger server (vertical scaling).",
            ],
        },
        vec![
            availability(0.99, window, 40),
            p95(400.0, window, 40),
            bonus(cost(0.45, window, 20)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::Monitoring,
        ],
        &["users", "database"],
        start,
        seconds,
    )
}

/// 300 requests/s: a medium server (227) is not enough, large (454) is, xlarge costs double.
pub fn scale_up() -> Challenge {
    let seconds = 150.0;
    let window = (30.0, seconds);
    let start = board(
        "Scale up",
        vec![
            users(300.0, RatePattern::Constant, RequestMix::default()),
            server("server", "Web server", Tier::Small, 640.0, 300.0),
            database(Tier::Medium, 0),
        ],
        vec![
            Link::new("users", "server", 30.0),
            Link::new("server", "database", 1.0),
        ],
        Vec::new(),
    );
    challenge(
        &Brief {
            id: "scale-up",
            title: "Scale up",
            story: "The shop was featured on the news and now gets 300 requests a second all day. \
                You may only resize the one web server: small, medium, large or xlarge. Each size \
                up doubles the cores and doubles the price.",
            learn: &[
                "Vertical scaling: a bigger machine, same design, no code changes.",
                "Every step doubles the price, and the list of sizes ends at xlarge.",
                "Buy the smallest size that keeps the CPU comfortably below 100 %.",
            ],
        },
        vec![
            availability(0.995, window, 40),
            p95(300.0, window, 40),
            bonus(cost(0.60, window, 20)),
        ],
        &[NodeKind::Server, NodeKind::Monitoring],
        &["users", "database"],
        start,
        seconds,
    )
}

// ---------------------------------------------------------------------------------------------
// Horizontal scaling.

/// 450 requests/s: large is too small, xlarge breaks the cost cap; three medium servers fit.
pub fn scale_out() -> Challenge {
    let seconds = 150.0;
    let window = (30.0, seconds);
    let start = board(
        "Scale out",
        vec![
            users(450.0, RatePattern::Constant, RequestMix::default()),
            server("server", "Web server", Tier::Large, 640.0, 300.0),
            database(Tier::Medium, 0),
        ],
        vec![
            Link::new("users", "server", 30.0),
            Link::new("server", "database", 1.0),
        ],
        Vec::new(),
    );
    challenge(
        &Brief {
            id: "scale-out",
            title: "Scale out",
            story: "450 requests a second now, and the large server is drowning. An xlarge one \
                would carry it, but finance caps the bill at $0.80 an hour. Put several smaller \
                servers behind a load balancer instead.",
            learn: &[
                "Horizontal scaling: many servers behind a load balancer share the load.",
                "You buy capacity in small steps, so you pay for what the load needs.",
                "A load balancer with health checks also stops sending to a dead server.",
            ],
        },
        vec![
            availability(0.995, window, 30),
            p95(300.0, window, 30),
            cost(0.80, window, 20),
            bonus(goal(Measure::MaxCpu, Bound::AtMost, 0.75, window, 20)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::Monitoring,
        ],
        &["users", "database"],
        start,
        seconds,
    )
}

/// Two small servers at 150 requests/s without health checks; server-1 dies at 60 s.
pub fn lose_a_server() -> Challenge {
    let seconds = 180.0;
    let window = (30.0, seconds);
    let fleet = servers(2, Tier::Small, &["zone-a"]);
    let mut lb = load_balancer(false);
    if let NodeParams::LoadBalancer(params) = &mut lb.params {
        params.health_check.enabled = false;
    }
    let links = behind_lb(&fleet);
    let mut nodes = vec![
        users(150.0, RatePattern::Constant, RequestMix::default()),
        lb,
    ];
    nodes.extend(fleet);
    nodes.push(database(Tier::Medium, 0));
    let start = board(
        "Lose a server",
        nodes,
        links,
        vec![fault(
            60.0,
            None,
            Fault::Kill {
                node: "server-1".to_owned(),
            },
        )],
    );
    challenge(
        &Brief {
            id: "lose-a-server",
            title: "Lose a server",
            story: "Two servers share 150 requests a second. At one minute in, server 1 dies and \
                stays dead. Your users should not notice: nothing may be sent to the dead server \
                for long, and what is left must carry the whole load.",
            learn: &[
                "Health checks take a dead server out of the rotation within seconds.",
                "N + 1: keep enough servers that losing one still leaves capacity.",
            ],
        },
        vec![
            availability(0.985, window, 40),
            p95(400.0, window, 30),
            bonus(p95(250.0, (90.0, seconds), 15)),
            bonus(recovery(10.0, (50.0, seconds), 15)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::Monitoring,
        ],
        &["users", "server-1", "database"],
        start,
        seconds,
    )
}

/// The horizontal-scaling board; the load balancer dies at 60 s.
pub fn redundant_lb() -> Challenge {
    let seconds = 180.0;
    let window = (30.0, seconds);
    let fleet = servers(3, Tier::Small, &["zone-a", "zone-b"]);
    let links = behind_lb(&fleet);
    let mut nodes = vec![
        users(150.0, RatePattern::Constant, RequestMix::default()),
        load_balancer(false),
    ];
    nodes.extend(fleet);
    nodes.push(database(Tier::Medium, 0));
    let start = board(
        "Redundant load balancer",
        nodes,
        links,
        vec![fault(
            60.0,
            None,
            Fault::Kill {
                node: "lb".to_owned(),
            },
        )],
    );
    challenge(
        &Brief {
            id: "redundant-lb",
            title: "Who balances the balancer?",
            story: "Three servers sit behind one load balancer, so losing a server is no longer \
                scary. But at one minute in the load balancer itself dies, and every request goes \
                through it. Make the site come back on its own within seconds.",
            learn: &[
                "A load balancer stops the servers from being single points of failure, but is \
                 one itself.",
                "A standby twin takes over after a short takeover delay (failover).",
                "A single point of failure is anything every request needs that has no spare.",
            ],
        },
        vec![
            availability(0.96, window, 35),
            recovery(10.0, (50.0, seconds), 35),
            bonus(no_spofs(seconds, 30)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::Database,
            NodeKind::Monitoring,
        ],
        &["users"],
        start,
        seconds,
    )
}

// ---------------------------------------------------------------------------------------------
// Taking work away: caches, CDNs, replicas.

/// 300 requests/s, 90 % reads, heavy read queries (15 ms) on a locked medium database.
pub fn read_heavy() -> Challenge {
    let seconds = 150.0;
    let window = (30.0, seconds);
    let fleet = servers(3, Tier::Medium, &["zone-a", "zone-b"]);
    let links = behind_lb(&fleet);
    let mut db = database(Tier::Medium, 0);
    if let NodeParams::Database(params) = &mut db.params {
        params.read = ServiceTime::exponential(15.0);
    }
    let mut nodes = vec![
        users(
            300.0,
            RatePattern::Constant,
            RequestMix {
                static_asset: 0.0,
                read: 0.9,
                write: 0.1,
                payment: 0.0,
            },
        ),
        load_balancer(false),
    ];
    nodes.extend(fleet);
    nodes.push(db);
    let start = board("Read heavy", nodes, links, Vec::new());
    challenge(
        &Brief {
            id: "read-heavy",
            title: "Read heavy",
            story: "A news site: nine requests in ten only read an article, and each article \
                query takes the database 15 ms. The web servers are fine, but the database is \
                drowning, and it is managed by another team: you cannot change it. Take the reads \
                off it.",
            learn: &[
                "A cache answers repeated reads from memory, so only misses reach the database.",
                "Popular content is read far more often than the rest (a Zipf distribution), so a \
                 small cache catches most reads.",
                "Writes still go to the database.",
            ],
        },
        vec![
            availability(0.995, window, 40),
            p95(300.0, window, 40),
            bonus(goal(Measure::MaxCpu, Bound::AtMost, 0.6, window, 20)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::Cache,
            NodeKind::Monitoring,
        ],
        &["users", "database"],
        start,
        seconds,
    )
}

/// 600 requests/s, 90 % images and scripts, on one small server.
pub fn static_assets() -> Challenge {
    let seconds = 150.0;
    let window = (30.0, seconds);
    let start = board(
        "Static assets",
        vec![
            users(
                600.0,
                RatePattern::Constant,
                RequestMix {
                    static_asset: 0.9,
                    read: 0.1,
                    write: 0.0,
                    payment: 0.0,
                },
            ),
            server("server", "Web server", Tier::Small, 640.0, 300.0),
            database(Tier::Medium, 0),
        ],
        vec![
            Link::new("users", "server", 30.0),
            Link::new("server", "database", 1.0),
        ],
        Vec::new(),
    );
    challenge(
        &Brief {
            id: "static-assets",
            title: "Pictures everywhere",
            story: "A photo gallery: nine requests in ten fetch an image or a script that never \
                changes. All of them travel to your one small server, 30 ms away from the users. \
                Make pages both available and fast.",
            learn: &[
                "A CDN keeps copies of static files at the edge, close to the users.",
                "Edge hits never reach your servers: less load and a shorter trip.",
            ],
        },
        vec![
            availability(0.995, window, 40),
            goal(Measure::MeanMs, Bound::AtMost, 55.0, window, 40),
            bonus(goal(Measure::MaxCpu, Bound::AtMost, 0.7, window, 20)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::Cdn,
            NodeKind::Monitoring,
        ],
        &["users", "database"],
        start,
        seconds,
    )
}

/// 200 requests/s, 70 % reads of 12 ms on a small database; its primary crashes at 90 s.
pub fn read_replicas() -> Challenge {
    let seconds = 240.0;
    let window = (30.0, seconds);
    let mut db = database(Tier::Small, 0);
    if let NodeParams::Database(params) = &mut db.params {
        params.read = ServiceTime::exponential(12.0);
    }
    let fleet = servers(2, Tier::Medium, &["zone-a", "zone-b"]);
    let links = behind_lb(&fleet);
    let mut nodes = vec![
        users(
            200.0,
            RatePattern::Constant,
            RequestMix {
                static_asset: 0.1,
                read: 0.7,
                write: 0.15,
                payment: 0.05,
            },
        ),
        load_balancer(false),
    ];
    nodes.extend(fleet);
    nodes.push(db);
    let start = board(
        "Read replicas",
        nodes,
        links,
        vec![fault(
            90.0,
            None,
            Fault::DatabasePrimaryCrash {
                node: "database".to_owned(),
            },
        )],
    );
    challenge(
        &Brief {
            id: "read-replicas",
            title: "Read replicas",
            story: "A forum: most requests read threads, and those queries take 12 ms each. The \
                one small database cannot keep up, and at 90 s its primary crashes. Spread the \
                reads over read replicas, and have a replica ready to take over as the new \
                primary.",
            learn: &[
                "Read replicas copy the primary and answer reads; writes still go to the primary.",
                "When the primary dies, a replica is promoted: writes fail only until then.",
                "After a promotion there is one replica fewer: keep capacity for that.",
            ],
        },
        vec![
            availability(0.97, window, 35),
            recovery(25.0, (80.0, seconds), 35),
            bonus(p95(300.0, window, 30)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::Database,
            NodeKind::Monitoring,
        ],
        &["users"],
        start,
        seconds,
    )
}

// ---------------------------------------------------------------------------------------------
// Distributed.

/// Everything in zone-a but the database; zone-a goes dark at 60 s.
pub fn zone_outage() -> Challenge {
    let seconds = 180.0;
    let window = (30.0, seconds);
    let fleet = servers(2, Tier::Small, &["zone-a"]);
    let links = behind_lb(&fleet);
    let mut nodes = vec![
        users(150.0, RatePattern::Constant, RequestMix::default()),
        load_balancer(false),
    ];
    nodes.extend(fleet);
    nodes.push(in_zone(database(Tier::Medium, 1), "zone-c"));
    let mut start = board(
        "Zone outage",
        nodes,
        links,
        vec![fault(
            60.0,
            None,
            Fault::ZoneOutage {
                zone: "zone-a".to_owned(),
            },
        )],
    );
    if let Some(monitoring) = start.nodes.iter_mut().find(|n| n.id == "monitoring") {
        "zone-c".clone_into(&mut monitoring.zone);
    }
    challenge(
        &Brief {
            id: "zone-outage",
            title: "Zone outage",
            story: "Your servers all live in one data centre, zone-a. At one minute in, a power \
                cut takes the whole zone down. The database runs in zone-c with a replica and \
                survives. Spread the rest so the site keeps running.",
            learn: &[
                "An availability zone can fail as a whole: power, network, cooling.",
                "Spread servers over zones, with enough in each to carry the load alone.",
                "Every node every request needs must survive the zone too.",
            ],
        },
        vec![
            availability(0.95, window, 35),
            recovery(20.0, (50.0, seconds), 35),
            bonus(no_spofs(seconds, 15)),
            bonus(p95(300.0, (90.0, seconds), 15)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::AutoscalingGroup,
            NodeKind::Monitoring,
        ],
        &["users", "database"],
        start,
        seconds,
    )
}

/// A 240 s day: 150 requests/s ± 70 %, a peak at 60 s and night at 180 s.
pub fn diurnal_day() -> Challenge {
    let seconds = 240.0;
    let window = (30.0, seconds);
    let fleet = servers(2, Tier::Small, &["zone-a", "zone-b"]);
    let links = behind_lb(&fleet);
    let mut nodes = vec![
        users(
            150.0,
            RatePattern::Diurnal {
                period_s: 240.0,
                amplitude: 0.7,
            },
            RequestMix::default(),
        ),
        load_balancer(false),
    ];
    nodes.extend(fleet);
    nodes.push(database(Tier::Medium, 0));
    let start = board("A day of traffic", nodes, links, Vec::new());
    challenge(
        &Brief {
            id: "diurnal-day",
            title: "Day and night",
            story: "Traffic follows the sun: 150 requests a second on average, 255 at the midday \
                peak (1 minute in) and 45 at night (3 minutes in). Two fixed servers choke at \
                noon, and a fleet big enough for noon is paid for all night. Keep the site up, and \
                the bill under $0.45 an hour at night (from 3 minutes in).",
            learn: &[
                "An autoscaling group adds servers when the CPU is high and removes them when it \
                 is low.",
                "New servers take time to boot; scale out before you are full.",
                "You pay for the servers you have, so shrinking at night saves money.",
            ],
        },
        vec![
            availability(0.99, window, 30),
            p95(400.0, window, 30),
            cost(0.45, (180.0, 220.0), 25),
            bonus(cost(0.45, (150.0, 220.0), 15)),
        ],
        &[
            NodeKind::LoadBalancer,
            NodeKind::Server,
            NodeKind::AutoscalingGroup,
            NodeKind::Monitoring,
        ],
        &["users", "database"],
        start,
        seconds,
    )
}

/// A harmless traffic blip at 40 s, then the database's primary crashes at 120 s.
pub fn payment_alert() -> Challenge {
    let seconds = 180.0;
    let mut db = database(Tier::Medium, 1);
    if let NodeParams::Database(params) = &mut db.params {
        params.promotion_s = 20.0;
    }
    let start = board(
        "Payment alert",
        vec![
            users(150.0, RatePattern::Constant, RequestMix::default()),
            server("server", "Web server", Tier::Medium, 640.0, 300.0),
            db,
        ],
        vec![
            Link::new("users", "server", 30.0),
            Link::new("server", "database", 1.0),
        ],
        vec![
            fault(
                40.0,
                Some(50.0),
                Fault::TrafficSpike {
                    node: Some("users".to_owned()),
                    factor: 1.4,
                },
            ),
            fault(
                120.0,
                None,
                Fault::DatabasePrimaryCrash {
                    node: "database".to_owned(),
                },
            ),
        ],
    );
    challenge(
        &Brief {
            id: "payment-alert",
            title: "Page me for payments, not for noise",
            story: "Your on-call engineer was woken three times last week by a busy CPU that \
                harmed nobody, and slept through a database crash that lost real payments. Tune \
                the alert rules: a short busy spell at 40 s must stay quiet, and when payments \
                fail (at 120 s) an alert saying \u{201c}Payment failed\u{201d} must fire within \
                30 seconds.",
            learn: &[
                "Alert on what users feel (failed payments), not on causes like a busy CPU.",
                "A threshold and a `for` duration decide between paging fast and paging for noise.",
                "An alert that cries wolf trains people to ignore it.",
            ],
        },
        vec![
            goal(
                Measure::AlertAfterFault {
                    message: "Payment failed".to_owned(),
                },
                Bound::AtMost,
                30.0,
                (110.0, seconds),
                40,
            ),
            goal(Measure::AlertsFired, Bound::AtMost, 0.0, (30.0, 110.0), 40),
            bonus(goal(
                Measure::AlertAfterFault {
                    message: "Payment failed".to_owned(),
                },
                Bound::AtMost,
                10.0,
                (110.0, seconds),
                20,
            )),
        ],
        &[NodeKind::Monitoring],
        &["users", "server", "database"],
        start,
        seconds,
    )
}

/// 300 requests/s on a board that costs $2.55/h: four large servers, a standby, a cache, replicas.
pub fn budget() -> Challenge {
    let seconds = 150.0;
    let window = (30.0, seconds);
    let fleet = servers(4, Tier::Large, &["zone-a", "zone-b"]);
    let mut links = vec![Link::new("users", "lb", 30.0)];
    for server in &fleet {
        links.push(Link::new("lb", &server.id, 1.0));
        links.push(Link::new(&server.id, "cache", 1.0));
        links.push(Link::new(&server.id, "database", 1.0));
    }
    links.push(Link::new("cache", "database", 1.0));
    let mut nodes = vec![
        users(300.0, RatePattern::Constant, RequestMix::default()),
        load_balancer(true),
    ];
    nodes.extend(fleet);
    nodes.push(named(
        Node::new("cache", NodeKind::Cache, 860.0, 140.0),
        "Cache",
    ));
    nodes.push(database(Tier::Large, 2));
    let start = board("Budget", nodes, links, Vec::new());
    challenge(
        &Brief {
            id: "budget",
            title: "Do more with less",
            story: "The site handles 300 requests a second on hardware bought for several times \
                that, and the bill is over $2.50 an hour. Keep it available and fast for at most \
                $0.65 an hour; the cheapest good designs cost about $0.50.",
            learn: &[
                "Size for the load you have plus headroom, not for the load you fear.",
                "Every node costs money every hour, the database too.",
                "Aim for 60–70 % CPU at the busiest node.",
            ],
        },
        vec![
            availability(0.995, window, 25),
            p95(300.0, window, 25),
            cost(0.65, window, 30),
            bonus(cost(0.52, window, 10)),
            bonus(goal(Measure::MaxCpu, Bound::AtMost, 0.75, window, 10)),
        ],
        &NodeKind::ALL[1..],
        &["users"],
        start,
        seconds,
    )
}
