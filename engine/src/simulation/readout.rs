//! The run read out: the plain-data `Snapshot` the app draws each frame, the series of a node, and
//! the cumulative figures and `Report` of the CLI.

use super::*;
use crate::histogram::Histogram;
use crate::nodes::rollout::version_figures;

impl Simulation {
    /// The design as it is now, live changes included.
    pub fn design(&self) -> &Design {
        &self.design
    }

    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// The 1-second series of a node (oldest first), up to ten minutes.
    pub fn series(&self, node: &str) -> Vec<SeriesPoint> {
        self.index_of(node)
            .map(|index| {
                self.core.metrics[index.get()]
                    .series
                    .iter()
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn health(&self, index: usize) -> Health {
        match &self.nodes[index] {
            NodeState::AutoscalingGroup(group) => {
                let running = group.running();
                if running == 0 {
                    Health::Down
                } else if running < group.params.min_instances as usize {
                    Health::Degraded
                } else {
                    Health::Up
                }
            }
            NodeState::Database(database) => {
                let up = database.instances.iter().filter(|i| i.up).count();
                if up == 0 {
                    Health::Down
                } else if up < database.serving() || !database.instances[database.primary].up {
                    Health::Degraded
                } else {
                    Health::Up
                }
            }
            NodeState::LoadBalancer(lb)
                if lb.up && lb.healthy_count() < lb.current_backends().count() =>
            {
                Health::Degraded
            }
            NodeState::Server(server)
                if server.instance.state == server::InstanceState::Booting =>
            {
                Health::Starting
            }
            state if state.is_up() => Health::Up,
            _ => Health::Down,
        }
    }

    /// Everything the app shows, as plain data. Logs and notifications are those since the last call.
    /// Makes the next [`Simulation::snapshot`] stream every log line and notification still kept, as
    /// if none had been read: a view that jumps to this simulation (a seek, an opened run) rebuilds
    /// its feeds from it.
    pub fn restream(&mut self) {
        self.log_cursor = 0;
        for cursor in &mut self.notification_cursors {
            *cursor = 0;
        }
    }

    pub fn snapshot(&mut self) -> Snapshot {
        let now = self.core.now;
        let mut nodes = Vec::with_capacity(self.nodes.len());
        let mut cost_per_hour = 0.0;
        for index in 0..self.nodes.len() {
            if self.core.removed[index] {
                continue;
            }
            let health = self.health(index);
            let state = &self.nodes[index];
            let cost = state.cost_per_hour();
            cost_per_hour += cost;
            let metrics = &self.core.metrics[index];
            let last = metrics.series.last().copied().unwrap_or_default();
            let (healthy_backends, explanation, backends) = match state {
                NodeState::LoadBalancer(lb) => (
                    Some((lb.healthy_count(), lb.current_backends().count())),
                    lb.last_explanation.clone(),
                    lb.current_backends()
                        .map(|backend| BackendView {
                            node: self.core.ids[backend.node.get()].clone(),
                            in_rotation: backend.healthy && now >= backend.skipped_until,
                            connections: backend.connections,
                            probes_sent: backend.probes_sent,
                            last_probe_ok: backend.last_probe_ok,
                        })
                        .collect(),
                ),
                _ => (None, None, Vec::new()),
            };
            let instances = match state {
                NodeState::AutoscalingGroup(group) => group.running() as u32,
                NodeState::Database(database) => {
                    database.instances.iter().filter(|i| i.up).count() as u32
                }
                other => u32::from(other.is_up()),
            };
            let network_mbps = match state {
                NodeState::Server(server) => {
                    last.throughput * server.params.response_bytes * 8.0 / 1e6
                }
                NodeState::AutoscalingGroup(group) => {
                    last.throughput * group.params.server.response_bytes * 8.0 / 1e6
                }
                _ => 0.0,
            };
            nodes.push(NodeSnapshot {
                id: self.core.ids[index].clone(),
                kind: self.core.kinds[index],
                health,
                instances,
                throughput: last.throughput,
                error_rate: last.error_rate,
                p50_ms: last.p50_ms,
                p95_ms: last.p95_ms,
                p99_ms: last.p99_ms,
                mean_ms: last.mean_ms,
                cpu: last.cpu,
                memory_mb: last.memory_mb,
                queue: last.queue,
                mean_wait_ms: self.core.kinds[index].has_workers().then_some(last.wait_ms),
                wait_probability: self.core.kinds[index]
                    .has_workers()
                    .then_some(last.wait_probability),
                connections: last.connections,
                hit_ratio: last.hit_ratio,
                arrivals: metrics.arrivals,
                completed: metrics.completed,
                failed: metrics.failed,
                errors_by_cause: metrics.errors_by_cause(),
                by_request_type: metrics.by_request_type(None),
                cost_per_hour: cost,
                network_mbps,
                replication_lag_ms: match state {
                    NodeState::Database(database) if database.serving() > 1 => {
                        Some(database.params.replication_lag_ms)
                    }
                    _ => None,
                },
                healthy_backends,
                backends,
                explanation,
                cache: match state {
                    NodeState::Cache(cache) if cache.params.fixed_hit_ratio.is_none() => {
                        Some(cache.figures())
                    }
                    _ => None,
                },
                versions: match state {
                    NodeState::Server(server) if self.core.kinds[index] == NodeKind::Server => {
                        version_figures(&self.core, std::slice::from_ref(&server.instance), None)
                    }
                    NodeState::AutoscalingGroup(group) => {
                        version_figures(&self.core, &group.members, group.canary_split())
                    }
                    _ => Vec::new(),
                },
                pipeline: match state {
                    NodeState::Pipeline(pipeline) => Some(pipeline.figures(&self.core)),
                    _ => None,
                },
            });
        }
        // Links deleted while running are left out; `InFlight::link` indexes the links shown.
        let mut shown = vec![usize::MAX; self.core.links.len()];
        let mut count = 0;
        for (index, link) in self.core.links.iter().enumerate() {
            if !link.removed {
                shown[index] = count;
                count += 1;
            }
        }
        let mut in_transit = vec![0u32; self.core.links.len()];
        let live = self.core.calls.live();
        let stride = (live / IN_FLIGHT_SAMPLE).max(1) as u64;
        let mut in_flight = Vec::new();
        for (_, call) in self.core.calls.iter() {
            let (depart, arrive) = call.transit;
            let Some(link) = call.link else {
                continue;
            };
            if arrive <= now || depart > now || shown[link.get()] == usize::MAX {
                continue;
            }
            in_transit[link.get()] += 1;
            let sampled = call.request.wrapping_mul(0x9E37_79B9_7F4A_7C15) % stride == 0;
            if sampled && in_flight.len() < IN_FLIGHT_SAMPLE {
                let progress = (now - depart) as f64 / (arrive - depart).max(1) as f64;
                in_flight.push(InFlight {
                    request: call.request,
                    link: shown[link.get()],
                    progress: if call.returning {
                        1.0 - progress
                    } else {
                        progress
                    },
                    returning: call.returning,
                    request_type: call.request_type,
                    failed: call.failure.is_some(),
                    hit: call.returning && call.hit,
                    retry: call.retry,
                });
            }
        }
        let links = self
            .core
            .links
            .iter()
            .zip(&self.core.link_metrics)
            .enumerate()
            .filter(|(_, (link, _))| !link.removed)
            .map(|(index, (link, metrics))| LinkSnapshot {
                from: self.core.ids[link.from.get()].clone(),
                to: self.core.ids[link.to.get()].clone(),
                throughput: metrics.last_second_sent as f64,
                sent: metrics.sent,
                failed: metrics.failed,
                in_flight: in_transit[index],
            })
            .collect();
        let mut alerts = Vec::new();
        let mut notifications = Vec::new();
        for (index, node) in self.nodes.iter().enumerate() {
            if self.core.removed[index] {
                continue;
            }
            if let NodeState::Pipeline(pipeline) = node {
                let cursor = &mut self.notification_cursors[index];
                for (sequence, notification) in pipeline.notifications.iter() {
                    if *sequence >= *cursor as u64 {
                        notifications.push(notification.clone());
                        *cursor = *sequence as usize + 1;
                    }
                }
            }
            if let NodeState::Monitoring(monitoring) = node {
                alerts.extend(monitoring.alerts.statuses().iter().cloned());
                let cursor = &mut self.notification_cursors[index];
                for (sequence, notification) in monitoring.alerts.notifications.iter() {
                    if *sequence >= *cursor as u64 {
                        notifications.push(notification.clone());
                        *cursor = *sequence as usize + 1;
                    }
                }
            }
        }
        let logs: Vec<_> = self
            .core
            .logs
            .lines
            .iter()
            .filter(|entry| entry.sequence() >= self.log_cursor)
            .map(crate::metrics::Entry::line)
            .collect();
        self.log_cursor = self.core.logs.next_sequence();
        Snapshot {
            time_s: now as f64 / 1e9,
            resolution: self.resolution,
            users_rate: self.users_rate(),
            nodes,
            links,
            in_flight,
            alerts,
            notifications,
            logs,
            totals: self.totals(),
            cost_per_hour,
            events_processed: self.events_processed,
            log_outages: self.log_outages(),
            releases: self.core.releases.clone(),
            dora: crate::release::Dora::measure(&self.core.releases, now as f64 / 1e9),
        }
    }

    /// Requests, outcomes and money over every users node.
    pub fn totals(&self) -> Totals {
        let totals = &self.core.totals;
        Totals {
            requests: totals.requests,
            completed: totals.completed,
            failed: totals.failed,
            in_flight: totals.requests - totals.completed - totals.failed,
            attempts: totals.attempts,
            retries: totals.retries,
            signups: totals.signups,
            revenue: totals.revenue,
            revenue_lost: totals.revenue_lost,
            failures: totals
                .failures
                .iter()
                .map(|(cause, count)| (cause.describe(&self.core.ids), *count))
                .collect(),
        }
    }

    /// Cumulative figures of one node since the start (for tests and the CLI report).
    pub fn node_stats(&mut self, id: &str) -> Option<NodeStats> {
        let index = self.index_of(id)?.get();
        let now = self.core.now;
        let utilisation = match &mut self.nodes[index] {
            NodeState::Server(server) => Some(server.instance.station.utilisation(now)),
            NodeState::Cache(cache) => Some(cache.station.utilisation(now)),
            NodeState::Database(database) => {
                let n = database.instances.len() as f64;
                Some(
                    database
                        .instances
                        .iter_mut()
                        .map(|i| i.station.utilisation(now))
                        .sum::<f64>()
                        / n,
                )
            }
            NodeState::AutoscalingGroup(group) => {
                let n = group.members.len().max(1) as f64;
                Some(
                    group
                        .members
                        .iter_mut()
                        .map(|m| m.station.utilisation(now))
                        .sum::<f64>()
                        / n,
                )
            }
            _ => None,
        };
        let waits = self.nodes[index].waits();
        let metrics = &mut self.core.metrics[index];
        let mean_in_system = metrics.mean_inside(now);
        let seconds = now.saturating_sub(metrics.since) as f64 / 1e9;
        let quantiles = metrics.latency.quantiles([0.5, 0.95, 0.99]);
        Some(NodeStats {
            id: id.to_owned(),
            kind: self.core.kinds[index],
            arrivals: metrics.arrivals,
            completed: metrics.completed,
            failed: metrics.failed,
            throughput: if seconds > 0.0 {
                (metrics.completed + metrics.failed) as f64 / seconds
            } else {
                0.0
            },
            mean_ms: metrics.latency.mean() / 1e6,
            p50_ms: quantiles[0] / 1e6,
            p95_ms: quantiles[1] / 1e6,
            p99_ms: quantiles[2] / 1e6,
            max_ms: metrics.latency.max() as f64 / 1e6,
            error_rate: metrics.error_rate(),
            errors_by_cause: metrics.errors_by_cause(),
            by_request_type: metrics.by_request_type(Some(seconds)),
            mean_in_system,
            mean_wait_ms: waits.map(|waits| waits.mean_ms()),
            wait_probability: waits.map(|waits| waits.probability()),
            utilisation,
            hit_ratio: (metrics.hits + metrics.misses > 0).then(|| metrics.hit_ratio()),
        })
    }

    /// Forgets every cumulative statistic (not the state: queues, caches and requests stay), so that
    /// measurements can start after a warm-up. Series, logs and alerts are kept.
    pub fn reset_statistics(&mut self) {
        let now = self.core.now;
        for metrics in &mut self.core.metrics {
            metrics.reset(now);
        }
        for node in &mut self.nodes {
            node.reset_statistics(now);
        }
        let totals = &mut self.core.totals;
        let in_flight = totals.requests - totals.completed - totals.failed;
        *totals = crate::core::Totals {
            requests: in_flight,
            ..crate::core::Totals::default()
        };
    }

    /// The cumulative figures a [`crate::objective::Tracer`] turns into one-second samples.
    pub(crate) fn probe(&self) -> Probe {
        let mut latency = Histogram::new();
        let mut cost_per_hour = 0.0;
        let mut cpu = vec![0.0; self.nodes.len()];
        for (index, state) in self.nodes.iter().enumerate() {
            let metrics = &self.core.metrics[index];
            if self.core.kinds[index] == NodeKind::Users {
                latency.merge(&metrics.latency);
            }
            if self.core.removed[index] {
                continue;
            }
            cost_per_hour += state.cost_per_hour();
            if let Some(last) = metrics.series.last() {
                cpu[index] = last.cpu;
            }
        }
        let totals = &self.core.totals;
        Probe {
            completed: totals.completed,
            failed: totals.failed,
            revenue_lost: totals.revenue_lost,
            cost_per_hour,
            cpu,
            latency,
        }
    }

    /// The system log lines kept (the last thousand), oldest first.
    pub(crate) fn system_lines(&self) -> impl Iterator<Item = &LogLine> {
        self.core.logs.system_lines.iter()
    }

    /// Popularity of each key at a cache (empty for other nodes or a fixed hit ratio).
    pub fn cache_popularity(&self, id: &str) -> Vec<f64> {
        match self.index_of(id).map(|index| &self.nodes[index.get()]) {
            Some(NodeState::Cache(cache)) if cache.params.fixed_hit_ratio.is_none() => {
                cache.popularity()
            }
            _ => Vec::new(),
        }
    }

    /// User requests not yet finished, counted from the request slab (the roots of live request
    /// trees), independently of the totals.
    pub fn requests_in_flight(&self) -> u64 {
        self.core
            .calls
            .iter()
            .filter(|(_, call)| call.link.is_none())
            .map(|(_, call)| call.weight)
            .sum()
    }

    /// Live requests in the slab and events waiting: both must stay bounded.
    pub fn memory_footprint(&self) -> (usize, usize, usize) {
        (
            self.core.calls.live(),
            self.core.calls.capacity(),
            self.core.queue.len(),
        )
    }
}

/// Cumulative figures over every users node, for one-second samples.
pub(crate) struct Probe {
    pub(crate) completed: u64,
    pub(crate) failed: u64,
    pub(crate) revenue_lost: f64,
    pub(crate) cost_per_hour: f64,
    /// Each node's CPU over the last second, by node index.
    pub(crate) cpu: Vec<f64>,
    /// Successful end-to-end response times at the users nodes since the start.
    pub(crate) latency: Histogram,
}

/// Cumulative statistics of one node.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeStats {
    pub id: String,
    pub kind: NodeKind,
    pub arrivals: u64,
    pub completed: u64,
    pub failed: u64,
    /// Responses per second over the run.
    pub throughput: f64,
    /// Response time of successful responses, milliseconds.
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub error_rate: f64,
    pub errors_by_cause: Vec<(CauseKind, u64)>,
    /// Responses per second and error rate by request type over the run.
    pub by_request_type: Vec<RequestTypeFigures>,
    /// Time-average of requests inside the node (Little's L).
    pub mean_in_system: f64,
    /// For nodes with workers: the mean wait for a worker (queueing delay, apart from service time)
    /// of the requests that reached the front of a queue or found a worker free, milliseconds, and
    /// the share of them that had to wait, 0..=1 (Erlang C's P(wait) for an M/M/c station). A
    /// database's wait for a pool connection is not included.
    pub mean_wait_ms: Option<f64>,
    pub wait_probability: Option<f64>,
    /// Busy workers / workers over the run, for nodes with workers.
    pub utilisation: Option<f64>,
    pub hit_ratio: Option<f64>,
}

/// The CLI's report: everything cumulative, plus alert history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub design: String,
    pub seconds: f64,
    /// The event digest of the run, 16 hex digits (same design and seed → same digest).
    pub digest: String,
    pub events_processed: u64,
    pub resolution: Resolution,
    pub totals: Totals,
    pub nodes: Vec<NodeStats>,
    pub alerts: Vec<crate::alerts::AlertStatus>,
    pub cost_per_hour: f64,
    /// The run's system events, oldest first (the last 1 000): crashes, health-check verdicts,
    /// failovers, scaling, faults, alerts, live edits, each with its typed [`RunEvent`].
    pub events: Vec<LogLine>,
    /// Every release: commit time, stages with their outcome, when its share of traffic moved,
    /// promoted or rolled back and when, requests answered and failed by its instances.
    pub releases: Vec<crate::release::ReleaseRecord>,
    /// The four DORA keys measured from the releases.
    pub dora: crate::release::Dora,
}

impl Simulation {
    /// A whole-run summary (used by the CLI).
    pub fn report(&mut self) -> Report {
        let ids: Vec<String> = self
            .core
            .ids
            .iter()
            .zip(&self.core.removed)
            .filter(|(_, removed)| !**removed)
            .map(|(id, _)| id.clone())
            .collect();
        let nodes = ids.iter().filter_map(|id| self.node_stats(id)).collect();
        let snapshot = self.snapshot();
        Report {
            design: self.design.name.clone(),
            seconds: self.now_s(),
            digest: format!("{:016x}", self.digest),
            events_processed: self.events_processed,
            resolution: self.resolution,
            totals: snapshot.totals,
            nodes,
            alerts: snapshot.alerts,
            cost_per_hour: snapshot.cost_per_hour,
            events: self.core.logs.system_lines.iter().cloned().collect(),
            releases: snapshot.releases,
            dora: snapshot.dora,
        }
    }
}
