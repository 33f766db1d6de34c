//! The report's findings: failures by cause, the bottleneck finder (the node and resource limiting
//! throughput, with the evidence), how fast queues grow, and the one-paragraph summary on top.

use engine::design::Design;
use engine::metrics::SeriesPoint;
use engine::params::{NodeParams, ServerParams};
use engine::snapshot::Totals;
use engine::{Health, Snapshot};

use super::format::{capitalised, clock, duration, percent};
use super::timeline::{Mark, TimelineEntry};

/// A resource this full (0..=1) limits throughput.
pub const SATURATED: f64 = 0.85;
/// A queue growing at least this fast (requests per second) is called growing.
const GROWING: f64 = 1.0;
/// Seconds of history over which queue growth is measured.
pub const GROWTH_WINDOW: usize = 5;

/// One row of failures by cause.
#[derive(Clone, Debug, PartialEq)]
pub struct CauseShare {
    pub cause: String,
    pub count: u64,
    /// Of all requests, 0..=1.
    pub share: f64,
}

/// The run's final failures by cause, most frequent first.
pub fn failures_by_cause(totals: &Totals) -> Vec<CauseShare> {
    let mut rows: Vec<CauseShare> = totals
        .failures
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(cause, count)| CauseShare {
            cause: cause.clone(),
            count: *count,
            share: *count as f64 / totals.requests.max(1) as f64,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cause.cmp(&b.cause)));
    rows
}

// ---- The bottleneck finder

/// A resource that can limit a node's throughput.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// Busy workers / workers.
    Cpu,
    /// Memory in use / the tier's memory.
    Memory,
    /// Open connections / the connection limit (database pool, load balancer).
    Connections,
    /// Requests waiting / the waiting room (queue capacity, or the pool's waiting limit).
    Queue,
}

impl Resource {
    pub fn label(self) -> &'static str {
        match self {
            Resource::Cpu => "CPU",
            Resource::Memory => "memory",
            Resource::Connections => "connections",
            Resource::Queue => "queue",
        }
    }
}

/// The node and resource limiting throughput, with the evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Bottleneck {
    pub node: String,
    pub resource: Resource,
    /// How full the resource is, 0..=1 (and beyond for a queue over its limit).
    pub pressure: f64,
    /// Responses per second the node manages at this limit.
    pub throughput: f64,
    /// "CPU 98 %, queue 140 of 200 and growing (+12/s); it limits throughput at ~130 req/s".
    pub evidence: String,
}

/// The most saturated resource of any running node, if one is at least [`SATURATED`] full.
///
/// Capacities come from the design (workers, the tier's memory, the database's `max_connections`…);
/// usage from the snapshot's last full second. Nodes that are down or starting are left out: they
/// limit nothing, they fail. Network traffic is shown as evidence but never named: the model gives
/// links latency and loss, not bandwidth, so it cannot limit throughput.
///
/// `queue_growth` holds, for the nodes the caller looked at, how fast the queue grew over the last
/// seconds (requests per second); a growing queue is named as evidence.
pub fn find_bottleneck(
    snapshot: &Snapshot,
    design: &Design,
    queue_growth: &[(String, f64)],
) -> Option<Bottleneck> {
    let mut best: Option<Bottleneck> = None;
    for node in &snapshot.nodes {
        if matches!(node.health, Health::Down | Health::Starting) {
            continue;
        }
        let Some(params) = design.node(&node.id).map(|candidate| &candidate.params) else {
            continue;
        };
        let instances = f64::from(node.instances.max(1));
        let growth = queue_growth
            .iter()
            .find(|(id, _)| *id == node.id)
            .map_or(0.0, |(_, growth)| *growth);
        let growing = if growth >= GROWING {
            format!(" and growing (+{growth:.0}/s)")
        } else {
            String::new()
        };
        let mut pressures: Vec<(Resource, f64, String)> = Vec::new();
        let server = |server: &ServerParams, pressures: &mut Vec<(Resource, f64, String)>| {
            let memory = server.tier.memory_mb() * instances;
            let queue = f64::from(server.queue_capacity) * instances;
            pressures.push((Resource::Cpu, node.cpu, percent("CPU", node.cpu)));
            pressures.push((
                Resource::Memory,
                node.memory_mb / memory,
                format!("memory {:.0} of {:.0} MB", node.memory_mb, memory),
            ));
            pressures.push((
                Resource::Queue,
                node.queue / queue.max(1.0),
                format!("queue {:.0} of {:.0}{growing}", node.queue, queue),
            ));
        };
        match params {
            NodeParams::Server(params) | NodeParams::Service(params) => {
                server(params, &mut pressures);
            }
            NodeParams::AutoscalingGroup(group) => server(&group.server, &mut pressures),
            NodeParams::Database(database) => {
                let limit = f64::from(database.max_connections);
                pressures.push((Resource::Cpu, node.cpu, percent("CPU", node.cpu)));
                pressures.push((
                    Resource::Connections,
                    node.connections / limit.max(1.0),
                    format!("connections {:.0} of {:.0}", node.connections, limit),
                ));
                let waiting = f64::from(database.max_waiting);
                pressures.push((
                    Resource::Queue,
                    node.queue / waiting.max(1.0),
                    format!(
                        "{:.0} waiting for a connection of {:.0}{growing}",
                        node.queue, waiting
                    ),
                ));
            }
            NodeParams::Cache(_) => {
                pressures.push((Resource::Cpu, node.cpu, percent("CPU", node.cpu)));
            }
            NodeParams::LoadBalancer(balancer) => {
                let limit = f64::from(balancer.max_connections);
                pressures.push((
                    Resource::Connections,
                    node.connections / limit.max(1.0),
                    format!("connections {:.0} of {:.0}", node.connections, limit),
                ));
            }
            NodeParams::Users(_) | NodeParams::Cdn(_) | NodeParams::Monitoring(_) => {}
        }
        // The fullest resource names the bottleneck; a tie goes to the earlier (CPU before queue:
        // a full queue behind a busy CPU is the CPU's doing).
        let Some(index) = (0..pressures.len()).reduce(|best_index, index| {
            if pressures[index].1 > pressures[best_index].1 {
                index
            } else {
                best_index
            }
        }) else {
            continue;
        };
        let (resource, pressure, _) = pressures[index].clone();
        if !pressure.is_finite() || pressure < SATURATED {
            continue;
        }
        if best.as_ref().is_some_and(|best| best.pressure >= pressure) {
            continue;
        }
        let mut evidence: Vec<String> = vec![pressures[index].2.clone()];
        evidence.extend(
            pressures
                .iter()
                .enumerate()
                .filter(|(other, (resource, value, _))| {
                    *other != index
                        && (*value >= 0.5 || (*resource == Resource::Queue && growth >= GROWING))
                })
                .map(|(_, (_, _, text))| text.clone()),
        );
        if node.network_mbps > 0.0 {
            evidence.push(format!("network {:.0} Mbit/s", node.network_mbps));
        }
        best = Some(Bottleneck {
            node: node.id.clone(),
            resource,
            pressure,
            throughput: node.throughput,
            evidence: format!(
                "{}; it limits throughput at ~{:.0} req/s",
                evidence.join(", "),
                node.throughput
            ),
        });
    }
    best
}

// ---- The summary

/// The paragraph at the top of the report, in plain language.
pub fn summary(
    entries: &[TimelineEntry],
    totals: &Totals,
    bottleneck: Option<&Bottleneck>,
    now_s: f64,
) -> String {
    let mut sentences: Vec<String> = Vec::new();
    let first_fault = entries.iter().position(|entry| entry.mark == Mark::Fault);
    if let Some(index) = first_fault {
        let fault = &entries[index];
        let mut sentence = format!("At {} {}", clock(fault.time_s), fault.text);
        let later = &entries[index..];
        let errors = later.iter().find(|entry| entry.mark == Mark::Error);
        let detection = later.iter().find(|entry| entry.mark == Mark::Detection);
        match (errors, detection) {
            (Some(errors), Some(detection)) if detection.time_s >= errors.time_s => {
                sentence.push_str(&format!(
                    "; requests failed ({}) for {} until health checks took it out of rotation",
                    errors.text.trim_start_matches("First errors: "),
                    duration(detection.time_s - fault.time_s)
                ));
            }
            (Some(errors), _) => {
                sentence.push_str(&format!(
                    "; requests then failed ({})",
                    errors.text.trim_start_matches("First errors: ")
                ));
            }
            (None, _) => {}
        }
        sentence.push('.');
        sentences.push(sentence);
    } else if let Some(errors) = entries.iter().find(|entry| entry.mark == Mark::Error) {
        sentences.push(format!(
            "At {} requests began to fail ({}).",
            clock(errors.time_s),
            errors.text.trim_start_matches("First errors: ")
        ));
    }
    if let Some(bottleneck) = bottleneck {
        sentences.push(format!(
            "{} is now the bottleneck: {}.",
            bottleneck_heading(bottleneck),
            bottleneck.evidence
        ));
    }
    if totals.requests > 0 {
        sentences.push(format!(
            "In {}, {} of {} requests failed ({:.1} %).",
            duration(now_s),
            totals.failed,
            totals.requests,
            totals.failed as f64 / totals.requests as f64 * 100.0
        ));
    }
    if sentences.is_empty() {
        "Nothing has happened yet: no faults, no failed requests.".to_owned()
    } else {
        sentences.join(" ")
    }
}

/// How fast the queues of the busier nodes grew over the last [`GROWTH_WINDOW`] seconds, in requests
/// per second, from each node's per-second series. Only nodes with a queue or busy workers are
/// looked at, so the caller copies little.
pub fn queue_growth(
    snapshot: &Snapshot,
    series: &dyn Fn(&str) -> Vec<SeriesPoint>,
) -> Vec<(String, f64)> {
    snapshot
        .nodes
        .iter()
        .filter(|node| node.queue > 0.0 || node.cpu >= 0.5)
        .filter_map(|node| {
            let series = series(&node.id);
            let recent = &series[series.len().saturating_sub(GROWTH_WINDOW + 1)..];
            let (first, last) = (recent.first()?, recent.last()?);
            let seconds = last.time_s - first.time_s;
            (seconds > 0.0).then(|| (node.id.clone(), (last.queue - first.queue) / seconds))
        })
        .collect()
}

/// "Memory on server-2": the bottleneck's heading.
pub fn bottleneck_heading(bottleneck: &Bottleneck) -> String {
    format!(
        "{} on {}",
        capitalised(bottleneck.resource.label()),
        bottleneck.node
    )
}
