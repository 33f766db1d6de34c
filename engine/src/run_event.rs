//! What happened during a run, as a type: each system or error log line carries one, so a reader
//! (the app's incident timeline, the CLI report) matches on meaning, never on the line's wording.
//!
//! The text of a log line is for people and may be reworded at will; the [`RunEvent`] beside it is
//! the contract. Node ids are the design's ids; instance numbers count from 1 as the log tells them.

use serde::Serialize;

use crate::params::DeployStrategy;
use crate::release::{Stage, StageOutcome};

use crate::design::Fault;
use crate::error_report::ErrorReport;
use crate::metrics::CauseKind;

/// Something that happened to the system (or to a request, for error lines).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    /// A request failed here (error lines, sampled within a per-second budget like them), with the
    /// exception and stack frame an error tracker would receive from the node that logged it.
    RequestFailed {
        failure: Failure,
        report: ErrorReport,
    },

    /// The node (or one of its instances) died: every request inside it fails.
    Crashed { cause: CrashCause },
    /// The active load balancer died and a standby is ready: traffic stops until it takes over.
    ActiveLoadBalancerDied { takeover_ms: f64 },
    /// The standby load balancer took over from the dead active one.
    StandbyTookOver,
    /// A standby was added by a live edit while the load balancer was down: it takes over after
    /// `takeover_ms`.
    StandbyAdded { takeover_ms: f64 },
    /// The node is back at once (load balancers, databases; a cache comes back empty).
    Restarted,
    /// A server (or group instance) is restarting and boots through its cold start.
    Restarting { cold_start_ms: f64 },
    /// A server or group instance finished booting and accepts requests.
    Started,
    /// PM2 gave up on a crash loop: `restarts` unstable restarts in a row, and the process stays
    /// down ("errored").
    Errored { restarts: u32 },

    /// A load balancer's probe to `backend` failed; the backend stays in rotation for now.
    HealthCheckFailed {
        backend: String,
        /// Consecutive failed probes, and how many take it out of rotation.
        failed: u32,
        threshold: u32,
    },
    /// Enough probes failed in a row: the load balancer took `backend` out of rotation.
    MarkedUnhealthy {
        backend: String,
        failed: u32,
        threshold: u32,
    },
    /// Enough probes passed in a row: the load balancer put `backend` back in rotation.
    MarkedHealthy {
        backend: String,
        passed: u32,
        threshold: u32,
    },
    /// Passive checks took `backend` out for `skipped_s` seconds after `failed` failed requests;
    /// a live request tries it again afterwards.
    PassivelySkipped {
        backend: String,
        failed: u32,
        skipped_s: f64,
    },
    /// A new backend joined the load balancer's rotation (the live "add server" command).
    BackendAdded { backend: String },
    /// A removed backend still held `requests` when its deregistration delay ran out: they failed.
    DeregistrationCutOff { backend: String, requests: u32 },

    /// The database's primary died; writes fail until a replica is promoted.
    PrimaryCrashed,
    /// A replica (database instance number, the first primary being 0) became the primary.
    ReplicaPromoted { replica: u32 },
    /// The primary is down and no replica is up to take its place.
    NoReplicaToPromote,

    /// A cache forgot every key.
    CacheFlushed,
    /// The log shipper's buffer filled up while the log store was down: new lines are lost.
    LogBufferFull { limit_mb: f64 },
    /// A full cache refused to store keys (Redis's noeviction OOM error, or a Memcached slab class
    /// without a page): `count` refusals since the last such line.
    CacheStoreRefused { count: u64 },

    /// An autoscaling group started booting `instance` because `metric` rose above `threshold`.
    ScaledOut {
        instance: u32,
        metric: f64,
        threshold: f64,
    },
    /// An autoscaling group started draining `instance` because `metric` fell below `threshold`.
    ScaledIn {
        instance: u32,
        metric: f64,
        threshold: f64,
    },
    /// A drained group instance finished its last request and was terminated.
    InstanceTerminated { instance: u32 },
    /// A live edit raised the group's minimum above the instances it counts: `instance` boots.
    MinimumRaised { minimum: u32, instance: u32 },
    /// A live edit lowered the group's maximum below the instances it counts: `instance` drains.
    MaximumLowered { maximum: u32, instance: u32 },

    /// A release was committed to a pipeline (`expedited`: a hot fix).
    ReleaseCommitted { version: String, expedited: bool },
    /// A pipeline stage started, passed, failed or was skipped for a release.
    StageChanged {
        version: String,
        stage: Stage,
        outcome: StageOutcome,
    },
    /// A release waits for someone to press Approve.
    AwaitingApproval { version: String },
    /// A target started deploying a release with a strategy.
    DeployStarted {
        version: String,
        strategy: DeployStrategy,
        instances: u32,
    },
    /// A rollout batch: `started` new instances booting, `draining` old ones taken out.
    RolloutBatch {
        version: String,
        started: u32,
        draining: u32,
        ready: u32,
        wanted: u32,
    },
    /// A new instance's readiness probe keeps failing: it never serves.
    NotReady,
    /// The share of a target's traffic the release gets changed.
    TrafficShifted { version: String, share: f64 },
    /// A canary analysis check: passed or failed, with what it measured.
    CanaryCheck {
        version: String,
        passed: bool,
        success_rate: f64,
        p99_ms: f64,
        requests: u64,
        failed_checks: u32,
    },
    /// A release reached all of a target's traffic.
    Promoted { version: String },
    /// Traffic went back to `to` (automatically or by the Roll back button).
    RolledBack {
        version: String,
        to: String,
        reason: String,
    },
    /// A rollout made no progress within its deadline: reported failed, left as it is.
    RolloutStalled { version: String, deadline_s: f64 },
    /// A pipeline stage failed (tests caught a defect, a deploy failed): said in Slack.
    PipelineFailed { message: String },

    /// An alert rule started firing (logged on the node that gave the value).
    AlertFired { rule: String, value: f64 },
    /// A firing alert rule resolved.
    AlertResolved { rule: String, value: f64 },

    /// A scheduled or live fault started (a run-wide line, no node).
    FaultInjected { fault: Fault },
    /// A fault's duration ended, or it was taken out of the schedule while running.
    FaultHealed { fault: Fault },
    /// A fault added to the schedule while running, at a time already past: it waits for a new run.
    FaultSkipped { at_s: f64, fault: Fault },
    /// The design was edited while running and the model followed it.
    DesignEdited {
        /// Ids of the nodes that joined the run, and of those that left it (they drain).
        nodes_added: Vec<String>,
        nodes_removed: Vec<String>,
        links_added: u32,
        links_removed: u32,
        /// Other parts of the design that changed ("alert rules", "fault schedule").
        changed: Vec<String>,
    },
}

/// Why a node or instance died.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrashCause {
    /// Killed by a fault or a live command.
    Killed,
    /// Ran out of memory under load.
    OutOfMemory,
}

/// A request failure with its nodes named: "queue full at server-2".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub cause: CauseKind,
    /// Where it went wrong (the receiving end for link problems).
    pub node: String,
    /// The sending end, for link problems (partition, loss).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

impl Failure {
    /// The failure in a few words, as error lines and the report's failures by cause tell it.
    pub fn describe(&self) -> String {
        match (self.cause, &self.from) {
            (CauseKind::Partition, Some(from)) => {
                format!("network partition between {from} and {}", self.node)
            }
            (CauseKind::LinkLoss, Some(from)) => format!("lost on link {from} → {}", self.node),
            (cause, _) => format!("{} at {}", cause.describe(), self.node),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_serialises_with_its_name_and_data() {
        let event = RunEvent::MarkedUnhealthy {
            backend: "server-1".to_owned(),
            failed: 3,
            threshold: 3,
        };
        assert_eq!(
            serde_json::to_string(&event).expect("serialisable"),
            r#"{"event":"marked_unhealthy","backend":"server-1","failed":3,"threshold":3}"#
        );
        let fault = RunEvent::FaultInjected {
            fault: Fault::Kill {
                node: "a".to_owned(),
            },
        };
        assert_eq!(
            serde_json::to_string(&fault).expect("serialisable"),
            r#"{"event":"fault_injected","fault":{"type":"kill","node":"a"}}"#
        );
    }

    #[test]
    fn a_failure_describes_itself_as_the_error_lines_do() {
        let at = |cause, node: &str, from: Option<&str>| Failure {
            cause,
            node: node.to_owned(),
            from: from.map(str::to_owned),
        };
        assert_eq!(
            at(CauseKind::QueueFull, "server-2", None).describe(),
            "queue full at server-2"
        );
        assert_eq!(
            at(CauseKind::Partition, "db", Some("server-1")).describe(),
            "network partition between server-1 and db"
        );
        assert_eq!(
            at(CauseKind::LinkLoss, "db", Some("server-1")).describe(),
            "lost on link server-1 → db"
        );
    }
}
