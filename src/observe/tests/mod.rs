//! Native tests of the observability core, one file per area.

mod alerts;
mod challenge;
mod charts;
mod clip;
mod compare;
mod drill;
mod error_groups;
mod figures;
mod findings;
mod format;
mod incidents;
mod logs;
mod releases;
mod resolution;
mod run_marks;
mod schedule;
mod timeline;

use engine::snapshot::NodeSnapshot;
use engine::{Health, NodeKind};

/// A running node with every figure at zero, for the tests to set the few they are about.
fn node_snapshot(id: &str, kind: NodeKind) -> NodeSnapshot {
    NodeSnapshot {
        id: id.to_owned(),
        kind,
        health: Health::Up,
        instances: 1,
        throughput: 0.0,
        error_rate: 0.0,
        p50_ms: 0.0,
        p95_ms: 0.0,
        p99_ms: 0.0,
        mean_ms: 0.0,
        cpu: 0.0,
        memory_mb: 0.0,
        queue: 0.0,
        mean_wait_ms: None,
        wait_probability: None,
        connections: 0.0,
        hit_ratio: 0.0,
        arrivals: 0,
        completed: 0,
        failed: 0,
        errors_by_cause: Vec::new(),
        by_request_type: Vec::new(),
        cost_per_hour: 0.0,
        network_mbps: 0.0,
        replication_lag_ms: None,
        healthy_backends: None,
        backends: Vec::new(),
        explanation: None,
        cache: None,
        versions: Vec::new(),
        pipeline: None,
    }
}
