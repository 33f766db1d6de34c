//! Releases: the versions a pipeline builds, tests and deploys, the defects they may carry, what
//! happened to each one in a run ([`ReleaseRecord`]), and the four DORA keys measured from that.
//!
//! Every deployment is a record, a rollback too (it redeploys an earlier version under a record of
//! its own), and instances carry the id of the record they run: 0 is the version the design starts
//! with ([`INITIAL_VERSION`]), record `k` is id `k`.

use serde::{Deserialize, Serialize};

use crate::params::{DeployStrategy, PipelineParams, RequestType};

/// The name of the version every design starts with.
pub const INITIAL_VERSION: &str = "v1";

/// A version to ship, as committed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// Its name ("v2").
    pub version: String,
    /// What is wrong with it, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defect: Option<Defect>,
    /// A hot fix: skips the approval and the canary analysis.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expedited: bool,
}

/// A release committed to a pipeline at a simulated time, from the design file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledRelease {
    /// When it is committed, seconds of simulated time.
    pub at_s: f64,
    /// The pipeline node's id.
    pub pipeline: String,
    pub release: Release,
}

/// A bug a release carries into production.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Defect {
    /// Requests of one type fail with this probability at instances running it.
    ErrorRate {
        request_type: RequestType,
        rate: f64,
    },
    /// Every service time is multiplied by `factor`.
    Latency { factor: f64 },
    /// Memory leaks: an instance running it runs out of memory `after_s` after it starts.
    Crash { after_s: f64 },
    /// Its health check never passes: an instance running it never becomes ready.
    FailingHealthCheck,
}

impl Defect {
    /// What it does, in a few words ("2 % of payments fail").
    pub fn describe(&self) -> String {
        match self {
            Defect::ErrorRate { request_type, rate } => {
                format!("{} % of {} fail", trim(rate * 100.0), request_type.label())
            }
            Defect::Latency { factor } => format!("every request ×{} slower", trim(*factor)),
            Defect::Crash { after_s } => {
                format!(
                    "leaks memory: out of memory {} s after start",
                    trim(*after_s)
                )
            }
            Defect::FailingHealthCheck => "its health check never passes".to_owned(),
        }
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A pipeline's stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Checks,
    Build,
    Test,
    Approval,
    Deploy,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Checks,
        Stage::Build,
        Stage::Test,
        Stage::Approval,
        Stage::Deploy,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Checks => "checks",
            Stage::Build => "build",
            Stage::Test => "test",
            Stage::Approval => "approval",
            Stage::Deploy => "deploy",
        }
    }

    pub(crate) fn code(self) -> u8 {
        self as u8
    }

    pub(crate) fn from_code(code: u8) -> Stage {
        Stage::ALL[usize::from(code).min(Stage::ALL.len() - 1)]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Running,
    Passed,
    Failed,
    /// Expedited past (a hot fix's approval) or not needed (a rollback's build and test).
    Skipped,
}

/// One stage of one release's run through the pipeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageRecord {
    pub stage: Stage,
    pub started_s: f64,
    pub ended_s: Option<f64>,
    pub outcome: StageOutcome,
}

/// Where a release stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseOutcome {
    /// Waiting for its turn or going through the stages.
    InPipeline,
    /// The test stage caught its defect: nothing reached production.
    Caught,
    /// Reaching production.
    Deploying,
    /// Serves all of production's traffic.
    Live,
    /// Taken back out of production.
    RolledBack,
    /// The rollout made no progress within the deadline: reported failed, left as it is.
    Stalled,
    /// A later deployment replaced it.
    Replaced,
}

impl ReleaseOutcome {
    pub fn label(self) -> &'static str {
        match self {
            ReleaseOutcome::InPipeline => "in the pipeline",
            ReleaseOutcome::Caught => "caught by the tests",
            ReleaseOutcome::Deploying => "deploying",
            ReleaseOutcome::Live => "live",
            ReleaseOutcome::RolledBack => "rolled back",
            ReleaseOutcome::Stalled => "stalled (progress deadline exceeded)",
            ReleaseOutcome::Replaced => "replaced",
        }
    }
}

/// A share of the deployed fleet's traffic moving to a release.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TrafficStep {
    pub time_s: f64,
    /// 0..=1.
    pub share: f64,
}

/// What happened to one release in a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReleaseRecord {
    /// Its version id (1 for the first record; 0 is the initial version).
    pub id: u32,
    pub version: String,
    pub defect: Option<Defect>,
    pub expedited: bool,
    /// A rollback: the record whose version it redeploys.
    pub rollback_to: Option<u32>,
    /// The pipeline node's id.
    pub pipeline: String,
    pub strategy: DeployStrategy,
    pub committed_s: f64,
    pub stages: Vec<StageRecord>,
    /// When its share of traffic changed (deploy stage only).
    pub traffic: Vec<TrafficStep>,
    pub outcome: ReleaseOutcome,
    /// When production traffic first went to it (its first share of a target's traffic).
    pub first_traffic_s: Option<f64>,
    /// When it reached all of production (100 %).
    pub live_s: Option<f64>,
    /// When production was restored after it failed (rolled back, or replaced by a good one).
    pub restored_s: Option<f64>,
    /// Whether it failed in production (rolled back, stalled, or carried a defect to users).
    pub failed_change: bool,
    /// Requests answered by instances running it: completed and failed.
    pub completed: u64,
    pub failed: u64,
    /// The pipeline's settings when it was committed (its deploy follows them).
    #[serde(skip)]
    pub(crate) plan: PipelineParams,
}

impl ReleaseRecord {
    pub fn stage(&self, stage: Stage) -> Option<&StageRecord> {
        self.stages
            .iter()
            .rev()
            .find(|record| record.stage == stage)
    }

    /// Its current share of traffic, 0..=1.
    pub fn share(&self) -> f64 {
        self.traffic.last().map_or(0.0, |step| step.share)
    }
}

/// The four DORA keys, measured from a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Dora {
    /// Releases that reached all of production (rollbacks apart).
    pub deployments: u32,
    /// Deployments per day of simulated time.
    pub per_day: f64,
    /// Median time from commit to 100 % of production, seconds.
    pub lead_time_s: Option<f64>,
    /// Deployments to production that failed there (rolled back, stalled, or carrying a defect to
    /// users) over all deployments to production, 0..=1.
    pub change_failure_rate: Option<f64>,
    /// Median time from a failed change first taking traffic to production restored, seconds.
    pub time_to_restore_s: Option<f64>,
    /// Failed changes production is not restored from yet.
    pub unrestored: u32,
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    })
}

impl Dora {
    /// The keys over `records` in a run of `run_s` seconds.
    pub fn measure(records: &[ReleaseRecord], run_s: f64) -> Dora {
        let changes: Vec<&ReleaseRecord> = records
            .iter()
            .filter(|record| record.rollback_to.is_none())
            .collect();
        let live: Vec<&&ReleaseRecord> = changes.iter().filter(|r| r.live_s.is_some()).collect();
        let deployments = live.len() as u32;
        let in_production: Vec<&&ReleaseRecord> = changes
            .iter()
            .filter(|r| r.first_traffic_s.is_some() || r.outcome == ReleaseOutcome::Stalled)
            .collect();
        let failed: Vec<&&ReleaseRecord> = in_production
            .iter()
            .copied()
            .filter(|r| r.failed_change)
            .collect();
        Dora {
            deployments,
            per_day: if run_s > 0.0 {
                f64::from(deployments) * 86_400.0 / run_s
            } else {
                0.0
            },
            lead_time_s: median(
                live.iter()
                    .filter_map(|r| r.live_s.map(|at| at - r.committed_s))
                    .collect(),
            ),
            change_failure_rate: (!in_production.is_empty())
                .then(|| failed.len() as f64 / in_production.len() as f64),
            time_to_restore_s: median(
                failed
                    .iter()
                    .filter_map(|r| {
                        let start = r.first_traffic_s?;
                        r.restored_s.map(|end| end - start)
                    })
                    .collect(),
            ),
            unrestored: failed.iter().filter(|r| r.restored_s.is_none()).count() as u32,
        }
    }
}
