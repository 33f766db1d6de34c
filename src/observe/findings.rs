//! The report's findings: failures by cause, the bottleneck finder (the node and resource limiting
//! throughput, with the evidence), how fast queues grow, and the one-paragraph summary on top.

use engine::design::{Design, Fault};
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

/// One request type's whole-run figures at a node where only some types fail.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeShare {
    /// "reads", "writes"…
    pub label: &'static str,
    pub failed: u64,
    pub responses: u64,
}

/// Responses a request type needs at a node before its error rate counts.
const ENOUGH_RESPONSES: u64 = 20;

/// The nodes where some request types failed (5 % or more over the run) while others kept
/// succeeding (under 1 %): a database promoting a replica fails writes, not reads, and a total error
/// rate alone would read as an outage. Each with its types in the engine's order.
pub fn split_failures(snapshot: &Snapshot) -> Vec<(String, Vec<TypeShare>)> {
    snapshot
        .nodes
        .iter()
        .filter_map(|node| {
            let shares: Vec<TypeShare> = node
                .by_request_type
                .iter()
                .map(|figures| TypeShare {
                    label: figures.request_type.label(),
                    failed: figures.failed,
                    responses: figures.completed + figures.failed,
                })
                .filter(|share| share.responses >= ENOUGH_RESPONSES)
                .collect();
            let rate = |share: &TypeShare| share.failed as f64 / share.responses as f64;
            let failing = shares.iter().any(|share| rate(share) >= 0.05);
            let fine = shares.iter().any(|share| rate(share) < 0.01);
            (failing && fine).then(|| (node.id.clone(), shares))
        })
        .collect()
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
            NodeParams::Users(_)
            | NodeParams::Cdn(_)
            | NodeParams::Monitoring(_)
            | NodeParams::Pipeline(_) => {}
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

/// Whether the moment `fault` (a fault injected, or a node crashing on its own) could have made a
/// request fail at `node`: the failure's cause names the node where it went wrong, and a fault names
/// the nodes it breaks (a zone outage every node of its zone; a traffic spike overloads anything).
pub fn fault_touches(fault: &TimelineEntry, node: &str, design: &Design) -> bool {
    match &fault.fault {
        None => fault.about == node,
        Some(
            Fault::Kill { node: target }
            | Fault::Restart { node: target }
            | Fault::SlowDown { node: target, .. }
            | Fault::DatabasePrimaryCrash { node: target }
            | Fault::CacheFlush { node: target },
        ) => target == node,
        Some(Fault::Partition { a, b }) => a == node || b == node,
        Some(Fault::LinkDegradation { from, to, .. }) => from == node || to == node,
        Some(Fault::ZoneOutage { zone }) => design.node(node).is_some_and(|n| &n.zone == zone),
        Some(Fault::TrafficSpike { .. }) => true,
    }
}

/// The paragraph at the top of the report, in plain language. Each fault (at most three) is told
/// with the failures it caused (a deploy too, when failures followed it where it went) — a failure belongs to the latest fault before it that touches the
/// node where it failed, never merely to the first fault of the run — and failures no fault explains
/// are told on their own.
pub fn summary(
    entries: &[TimelineEntry],
    totals: &Totals,
    bottleneck: Option<&Bottleneck>,
    now_s: f64,
    design: &Design,
) -> String {
    let mut sentences: Vec<String> = Vec::new();
    let injected: Vec<&TimelineEntry> = entries
        .iter()
        .filter(|entry| entry.mark == Mark::Fault && entry.fault.is_some())
        .collect();
    // A scheduled kill logs both "fault injected" and the node's crash: tell it once.
    let faults: Vec<&TimelineEntry> = entries
        .iter()
        .filter(|entry| entry.mark == Mark::Fault)
        .filter(|entry| {
            entry.fault.is_some()
                || !injected.iter().any(|fault| {
                    (fault.time_s - entry.time_s).abs() < 1e-6
                        && fault_touches(fault, &entry.about, design)
                })
        })
        .collect();
    let errors: Vec<&TimelineEntry> = entries
        .iter()
        .filter(|entry| entry.mark == Mark::Error)
        .collect();
    // A release reaching a node can break it too (a bug in the release): a deploy is told like a
    // fault, but only when failures followed it there.
    let latest_cause = |causes: &[&TimelineEntry], error: &TimelineEntry| {
        causes.iter().rposition(|cause| {
            cause.time_s <= error.time_s && fault_touches(cause, &error.about, design)
        })
    };
    let mut candidates: Vec<&TimelineEntry> = faults.clone();
    candidates.extend(entries.iter().filter(|entry| entry.mark == Mark::Deploy));
    candidates.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    let blamed: Vec<usize> = errors
        .iter()
        .filter_map(|error| latest_cause(&candidates, error))
        .collect();
    let faults: Vec<&TimelineEntry> = candidates
        .iter()
        .enumerate()
        .filter(|(index, cause)| cause.mark == Mark::Fault || blamed.contains(index))
        .map(|(_, cause)| *cause)
        .collect();
    let cause_of = |error: &TimelineEntry| latest_cause(&faults, error);
    for (index, fault) in faults.iter().enumerate().take(3) {
        let mut sentence = format!("At {} {}", clock(fault.time_s), fault.text);
        let caused = errors.iter().find(|error| cause_of(error) == Some(index));
        // A bad release ends when it is rolled back; a dead node when health checks find it.
        let (ends, how) = if fault.mark == Mark::Deploy {
            (Mark::Rollback, "it was rolled back")
        } else {
            (Mark::Detection, "health checks took it out of rotation")
        };
        let detection = caused.and_then(|error| {
            entries.iter().find(|entry| {
                entry.mark == ends && entry.time_s >= error.time_s && entry.about == error.about
            })
        });
        match (caused, detection) {
            (Some(errors), Some(detection)) => sentence.push_str(&format!(
                "; requests failed ({}) for {} until {how}",
                errors
                    .text
                    .trim_start_matches("First errors: ")
                    .trim_start_matches("Then errors: "),
                duration(detection.time_s - fault.time_s)
            )),
            (Some(errors), None) => sentence.push_str(&format!(
                "; requests then failed ({})",
                errors
                    .text
                    .trim_start_matches("First errors: ")
                    .trim_start_matches("Then errors: ")
            )),
            (None, _) => sentence.push_str("; no request failed because of it"),
        }
        sentence.push('.');
        sentences.push(sentence);
    }
    if let Some(unexplained) = errors.iter().find(|error| cause_of(error).is_none()) {
        sentences.push(format!(
            "At {} requests began to fail ({}).",
            clock(unexplained.time_s),
            unexplained
                .text
                .trim_start_matches("First errors: ")
                .trim_start_matches("Then errors: ")
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
