//! Single points of failure, read from the design with the model's own routing rules: for each node
//! without redundancy (one instance, no standby, no replica), the share of the users' requests that
//! can no longer succeed while it is down. A node whose loss stops more than half of them is a
//! **single point of failure**; one whose loss stops some request types only (a lone cache: reads;
//! a CDN: static assets) is a **partial** one.
//!
//! The routing rules are the nodes' (`engine/src/nodes/`): users send static assets to their CDN if
//! they have one and the rest to their entry link; a CDN answers hits at the edge and sends the rest
//! to its origin; a load balancer fails over to any live backend; a server serves static assets
//! itself and, for the others, calls its cache (reads) or database (writes, payments) *and* every
//! other dependency; a service calls every dependency for every request; a cache answers hits and
//! sends misses on. Redundancy is what the model fails over: a load balancer's standby, an
//! autoscaling group of two or more, a database's replicas (a primary crash promotes one).
//!
//! Capacity is left out: a structure can survive a loss its remaining servers cannot carry.

use serde::Serialize;

use crate::params::{NodeParams, RequestType};
use crate::{Design, NodeKind};

/// A node whose loss, with nothing to fail over to, stops some of the users' requests.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SinglePoint {
    pub node: String,
    /// Share of the users' requests (by rate and mix) that cannot succeed while it is down, 0..=1.
    pub share_lost: f64,
    /// The request types none of which can succeed while it is down.
    pub types_lost: Vec<RequestType>,
    /// Why, in words.
    pub reason: String,
}

impl SinglePoint {
    /// More than half of the requests stop: a single point of failure.
    pub fn is_spof(&self) -> bool {
        self.share_lost > 0.5 + 1e-9
    }
}

/// Whether the model fails `node` over to a spare when it dies.
pub fn redundant(params: &NodeParams) -> bool {
    match params {
        NodeParams::LoadBalancer(lb) => lb.standby,
        NodeParams::AutoscalingGroup(group) => group.min_instances >= 2,
        NodeParams::Database(database) => database.replicas >= 1,
        _ => false,
    }
}

/// The share of a cache's reads that hit: the fixed ratio, or for a Zipf workload the popularity of
/// the `capacity` hottest keys (the steady state an LRU cache approaches from below).
fn hit_ratio(params: &crate::params::CacheParams) -> f64 {
    if let Some(fixed) = params.fixed_hit_ratio {
        return fixed.clamp(0.0, 1.0);
    }
    let keys = params.keyspace.clamp(1, 1_000_000);
    let held = params.capacity_keys.min(keys);
    let mut hot = 0.0;
    let mut all = 0.0;
    for rank in 1..=keys {
        let weight = 1.0 / libm::pow(f64::from(rank), params.zipf_s);
        all += weight;
        if rank <= held {
            hot += weight;
        }
    }
    if all > 0.0 { hot / all } else { 0.0 }
}

/// The structure the analysis walks: outgoing targets by node index.
struct Graph<'a> {
    design: &'a Design,
    outgoing: Vec<Vec<usize>>,
    /// Each cache's hit ratio (worked out once: a Zipf sum over the keyspace).
    hits: Vec<f64>,
}

impl<'a> Graph<'a> {
    fn new(design: &'a Design) -> Graph<'a> {
        let outgoing = design
            .nodes
            .iter()
            .map(|node| {
                design
                    .links
                    .iter()
                    .filter(|link| link.from == node.id)
                    .filter_map(|link| design.node_index(&link.to))
                    .collect()
            })
            .collect();
        let hits = design
            .nodes
            .iter()
            .map(|node| match &node.params {
                NodeParams::Cache(cache) => hit_ratio(cache),
                _ => 0.0,
            })
            .collect();
        Graph {
            design,
            outgoing,
            hits,
        }
    }

    fn kind(&self, node: usize) -> NodeKind {
        self.design.nodes[node].kind()
    }

    /// The share of type-`request` requests arriving at `node` that succeed with `dead` down.
    fn success(&self, node: usize, request: RequestType, dead: Option<usize>, depth: u32) -> f64 {
        if Some(node) == dead || depth > 32 {
            return 0.0;
        }
        let targets = &self.outgoing[node];
        let first_of = |kind: NodeKind| targets.iter().copied().find(|&t| self.kind(t) == kind);
        let next = |target: usize| self.success(target, request, dead, depth + 1);
        match &self.design.nodes[node].params {
            NodeParams::LoadBalancer(_) => targets.iter().map(|&t| next(t)).fold(0.0, f64::max),
            NodeParams::Cdn(cdn) => {
                let edge = if request == RequestType::StaticAsset {
                    cdn.edge_hit_ratio.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let origin = targets.first().map_or(0.0, |&t| next(t));
                edge + (1.0 - edge) * origin
            }
            NodeParams::Cache(_) => {
                let onward = targets.first().map_or(1.0, |&t| next(t));
                if request.is_write() {
                    onward
                } else {
                    let hit = self.hits[node];
                    hit + (1.0 - hit) * onward
                }
            }
            NodeParams::Service(_) => targets.iter().map(|&t| next(t)).product(),
            NodeParams::Server(_) | NodeParams::AutoscalingGroup(_) => {
                if request == RequestType::StaticAsset {
                    return 1.0;
                }
                let (cache, database) = (first_of(NodeKind::Cache), first_of(NodeKind::Database));
                let first = if request.is_write() {
                    database.or(cache)
                } else {
                    cache.or(database)
                };
                let others: f64 = targets
                    .iter()
                    .copied()
                    .filter(|&t| !matches!(self.kind(t), NodeKind::Cache | NodeKind::Database))
                    .map(next)
                    .product();
                first.map_or(1.0, next) * others
            }
            NodeParams::Database(_) => 1.0,
            NodeParams::Users(_) | NodeParams::Monitoring(_) | NodeParams::Pipeline(_) => 0.0,
        }
    }

    /// For each users node: its rate, and for each request type its mix weight and the share that
    /// succeeds with `dead` down.
    fn served(&self, dead: Option<usize>) -> Vec<(f64, [(f64, f64); 4])> {
        self.design
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(index, node)| match &node.params {
                NodeParams::Users(users) => Some((index, users)),
                _ => None,
            })
            .map(|(index, users)| {
                let targets = &self.outgoing[index];
                let cdn = targets
                    .iter()
                    .copied()
                    .find(|&t| self.kind(t) == NodeKind::Cdn);
                let entry = targets
                    .iter()
                    .copied()
                    .find(|&t| self.kind(t) != NodeKind::Cdn);
                let weights = users.mix.weights();
                let total: f64 = weights.iter().sum();
                let by_type = std::array::from_fn(|i| {
                    let request = RequestType::ALL[i];
                    let link = if request == RequestType::StaticAsset {
                        cdn.or(entry)
                    } else {
                        entry.or(cdn)
                    };
                    let share = if total > 0.0 { weights[i] / total } else { 0.0 };
                    let ok = link.map_or(0.0, |t| self.success(t, request, dead, 0));
                    (share, ok)
                });
                (
                    crate::nodes::users::Users::peak_rate(users).max(1e-9),
                    by_type,
                )
            })
            .collect()
    }
}

/// Every node whose loss stops some of the users' requests with nothing to fail over to, the worst
/// first.
pub fn single_points(design: &Design) -> Vec<SinglePoint> {
    let graph = Graph::new(design);
    let healthy = graph.served(None);
    let total_rate: f64 = healthy.iter().map(|(rate, _)| rate).sum();
    let mut points = Vec::new();
    for (index, node) in design.nodes.iter().enumerate() {
        if matches!(node.kind(), NodeKind::Users | NodeKind::Monitoring) || redundant(&node.params)
        {
            continue;
        }
        let without = graph.served(Some(index));
        let mut lost = 0.0;
        let mut types_lost = Vec::new();
        for (type_index, request) in RequestType::ALL.iter().enumerate() {
            let mut sent = 0.0;
            let mut still = 0.0;
            let mut before = 0.0;
            for ((rate, now), (_, then)) in without.iter().zip(&healthy) {
                let (share, ok) = now[type_index];
                sent += rate * share;
                still += rate * share * ok;
                before += rate * share * then[type_index].1;
            }
            if total_rate > 0.0 {
                lost += (before - still) / total_rate;
            }
            if sent > 0.0 && before > 0.0 && still <= 1e-12 {
                types_lost.push(*request);
            }
        }
        if lost > 1e-9 {
            let share_lost = lost.clamp(0.0, 1.0);
            let reason = reason(node.kind(), share_lost, &types_lost);
            points.push(SinglePoint {
                node: node.id.clone(),
                share_lost,
                types_lost,
                reason,
            });
        }
    }
    points.sort_by(|a, b| {
        b.share_lost
            .total_cmp(&a.share_lost)
            .then(a.node.cmp(&b.node))
    });
    points
}

/// The single points of failure proper: those whose loss stops more than half of the requests.
pub fn spofs(design: &Design) -> Vec<SinglePoint> {
    single_points(design)
        .into_iter()
        .filter(SinglePoint::is_spof)
        .collect()
}

fn reason(kind: NodeKind, share_lost: f64, types_lost: &[RequestType]) -> String {
    let spare = match kind {
        NodeKind::LoadBalancer => "no standby",
        NodeKind::Database => "no replica",
        NodeKind::AutoscalingGroup => "fewer than two instances",
        _ => "one instance",
    };
    let lost: Vec<&str> = types_lost.iter().map(|t| t.label()).collect();
    let which = if lost.is_empty() {
        String::new()
    } else {
        format!(" ({} fail)", lost.join(", "))
    };
    format!(
        "{spare}: while it is down {:.0} % of requests cannot succeed{which}",
        share_lost * 100.0
    )
}
