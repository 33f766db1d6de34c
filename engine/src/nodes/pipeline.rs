//! CI/CD pipeline: takes committed releases one at a time through checks → build → test →
//! approval → deploy, and deploys them to the servers and groups its deploy links point at.
//!
//! Models: each stage lasts its set time; the test stage catches a release's defect with the
//! probability `catches` (a caught release stops there, nothing reaches production, and a
//! notification goes to Slack as an alert's would); approval is none, a person (the Approve
//! command) or a wait timer; a hot fix (expedited) skips the approval (and, at a target, the canary
//! analysis). Deploy sends the release to every target at once, or one target after another when
//! rolling. Roll back redeploys the version that served before, with the same strategy, at once
//! (no build, no tests): its record says which version it restores.
//!
//! Leaves out: parallel jobs and runners, caches, artefact storage, flaky tests. Deploy links carry
//! no traffic.

use std::collections::VecDeque;

use crate::alerts::{AlertState, Notification};
use crate::core::{Core, NodeIndex, Timer};
use crate::design::{AlertMetric, Channel, Comparison, Design, RuleKind, Severity};
use crate::metrics::{LogLevel, RingBuffer};
use crate::nodes::rollout::Report;
use crate::params::{Approval, DeployStrategy, PipelineParams};
use crate::random::to_ns;
use crate::release::{
    Release, ReleaseOutcome, ReleaseRecord, ScheduledRelease, Stage, StageOutcome, StageRecord,
};
use crate::run_event::RunEvent;
use crate::snapshot::PipelineFigures;

/// A deploy waiting for its targets' reports.
#[derive(Clone, Debug)]
struct Deploying {
    release: u32,
    /// Targets that have not reported yet.
    waiting: Vec<NodeIndex>,
    /// Targets still to start, one after another (rolling over several targets).
    next: VecDeque<NodeIndex>,
}

#[derive(Clone)]
pub(crate) struct Pipeline {
    pub(crate) index: NodeIndex,
    pub(crate) params: PipelineParams,
    pub(crate) up: bool,
    /// Releases waiting for the stages, oldest first.
    queue: VecDeque<u32>,
    /// The release in the stages before deploy, and its stage.
    pub(crate) current: Option<(u32, Stage)>,
    deploys: Vec<Deploying>,
    /// The versions that served production, oldest first (0, the design's own, at the start).
    live: Vec<u32>,
    /// A release whose rollout stalled: partly in production until something replaces it.
    stuck: Option<u32>,
    /// The releases the design file schedules for this pipeline.
    scheduled: Vec<ScheduledRelease>,
    /// Notifications of failed stages (numbered from 0).
    pub(crate) notifications: RingBuffer<(u64, Notification)>,
    next_notification: u64,
}

impl Pipeline {
    pub(crate) fn new(
        core: &mut Core,
        index: NodeIndex,
        params: &PipelineParams,
        design: &Design,
    ) -> Pipeline {
        let id = &core.ids[index.get()];
        let scheduled: Vec<ScheduledRelease> = design
            .releases
            .iter()
            .filter(|scheduled| scheduled.pipeline == *id)
            .cloned()
            .collect();
        for (position, release) in scheduled.iter().enumerate() {
            core.timer(
                to_ns(release.at_s * 1e9),
                index,
                Timer::Commit {
                    index: position as u32,
                },
            );
        }
        Pipeline {
            scheduled,
            index,
            params: params.clone(),
            up: true,
            queue: VecDeque::new(),
            current: None,
            deploys: Vec::new(),
            live: vec![0],
            stuck: None,
            notifications: RingBuffer::new(200),
            next_notification: 0,
        }
    }

    /// Takes `production`'s deploy history (a staging copy's pipeline: Roll back there goes back
    /// to what production ran before).
    pub(crate) fn adopt_history(&mut self, production: &Pipeline) {
        self.live.clone_from(&production.live);
        self.stuck = production.stuck;
    }

    /// The version serving production now.
    pub(crate) fn live(&self) -> u32 {
        self.live.last().copied().unwrap_or(0)
    }

    /// The release being deployed, if one is.
    pub(crate) fn deploying(&self) -> Option<u32> {
        self.deploys.last().map(|d| d.release)
    }

    /// Whether a release waits for someone to press Approve.
    pub(crate) fn awaiting_approval(&self) -> Option<u32> {
        match self.current {
            Some((release, Stage::Approval)) if self.params.approval == Approval::Manual => {
                Some(release)
            }
            _ => None,
        }
    }

    /// A release is committed: it joins the queue.
    pub(crate) fn commit(&mut self, core: &mut Core, release: Release) -> u32 {
        let id = core.releases.len() as u32 + 1;
        let now_s = core.now as f64 / 1e9;
        core.log(
            LogLevel::Info,
            self.index,
            RunEvent::ReleaseCommitted {
                version: release.version.clone(),
                expedited: release.expedited,
            },
            format!(
                "{} committed{}",
                release.version,
                if release.expedited {
                    " as a hot fix (expedited: no approval, no canary analysis)"
                } else {
                    ""
                }
            ),
        );
        let mut record = self.record(core, id, release, now_s);
        record.outcome = ReleaseOutcome::InPipeline;
        core.releases.push(record);
        self.queue.push_back(id);
        if self.current.is_none() && self.deploys.is_empty() {
            self.start_next(core);
        }
        id
    }

    /// A new record of `release`, committed now to this pipeline with its current settings.
    fn record(&self, core: &Core, id: u32, release: Release, now_s: f64) -> ReleaseRecord {
        ReleaseRecord {
            id,
            version: release.version,
            defect: release.defect,
            expedited: release.expedited,
            rollback_to: None,
            pipeline: core.ids[self.index.get()].clone(),
            strategy: self.params.strategy,
            committed_s: now_s,
            stages: Vec::new(),
            traffic: Vec::new(),
            outcome: ReleaseOutcome::InPipeline,
            first_traffic_s: None,
            live_s: None,
            restored_s: None,
            failed_change: false,
            completed: 0,
            failed: 0,
            plan: self.params.clone(),
        }
    }

    fn start_next(&mut self, core: &mut Core) {
        if self.current.is_some() || !self.deploys.is_empty() {
            return;
        }
        if let Some(release) = self.queue.pop_front() {
            self.begin(core, release, Stage::Checks);
        }
    }

    fn duration_s(&self, core: &Core, release: u32, stage: Stage) -> Option<f64> {
        let plan = core.release(release).map_or(&self.params, |r| &r.plan);
        match stage {
            Stage::Checks => Some(plan.checks_s),
            Stage::Build => Some(plan.build_s),
            Stage::Test => Some(plan.test_s),
            Stage::Approval => match plan.approval {
                Approval::Wait => Some(plan.approval_wait_s),
                Approval::None | Approval::Manual => None,
            },
            Stage::Deploy => None,
        }
    }

    fn stage_event(&self, core: &mut Core, release: u32, stage: Stage, outcome: StageOutcome) {
        let now_s = core.now as f64 / 1e9;
        let Some(record) = core.release_mut(release) else {
            return;
        };
        match outcome {
            StageOutcome::Running => record.stages.push(StageRecord {
                stage,
                started_s: now_s,
                ended_s: None,
                outcome,
            }),
            _ => match record
                .stages
                .iter_mut()
                .rev()
                .find(|s| s.stage == stage && s.outcome == StageOutcome::Running)
            {
                Some(open) => {
                    open.ended_s = Some(now_s);
                    open.outcome = outcome;
                }
                None => record.stages.push(StageRecord {
                    stage,
                    started_s: now_s,
                    ended_s: Some(now_s),
                    outcome,
                }),
            },
        }
        let version = record.version.clone();
        let level = if outcome == StageOutcome::Failed {
            LogLevel::Error
        } else {
            LogLevel::Info
        };
        let word = match outcome {
            StageOutcome::Running => "started",
            StageOutcome::Passed => "passed",
            StageOutcome::Failed => "failed",
            StageOutcome::Skipped => "skipped",
        };
        core.log(
            level,
            self.index,
            RunEvent::StageChanged {
                version: version.clone(),
                stage,
                outcome,
            },
            format!("{version}: {} {word}", stage.label()),
        );
    }

    /// Starts `stage` for `release` (skipping what does not apply).
    fn begin(&mut self, core: &mut Core, release: u32, stage: Stage) {
        let expedited = core.release(release).is_some_and(|r| r.expedited);
        if stage == Stage::Approval {
            let approval = core
                .release(release)
                .map_or(self.params.approval, |r| r.plan.approval);
            if approval == Approval::None {
                return self.begin(core, release, Stage::Deploy);
            }
            if expedited {
                self.stage_event(core, release, stage, StageOutcome::Skipped);
                return self.begin(core, release, Stage::Deploy);
            }
        }
        if stage == Stage::Deploy {
            self.current = None;
            self.stage_event(core, release, stage, StageOutcome::Running);
            self.deploy(core, release);
            return;
        }
        self.current = Some((release, stage));
        self.stage_event(core, release, stage, StageOutcome::Running);
        match self.duration_s(core, release, stage) {
            Some(seconds) => core.timer(
                to_ns(seconds * 1e9),
                self.index,
                Timer::Stage {
                    release,
                    stage: stage.code(),
                },
            ),
            None => {
                let version = core
                    .release(release)
                    .map_or(String::new(), |r| r.version.clone());
                core.log(
                    LogLevel::Info,
                    self.index,
                    RunEvent::AwaitingApproval {
                        version: version.clone(),
                    },
                    format!("{version} waits for approval (press Approve)"),
                );
            }
        }
    }

    /// A stage's time is up.
    fn stage_done(&mut self, core: &mut Core, release: u32, stage: Stage) {
        if self.current != Some((release, stage)) || !self.up {
            return;
        }
        if stage == Stage::Test
            && let Some(defect) = core.defect(release)
            && core.streams[self.index.get()].releases.uniform()
                < self.params_of(core, release).catches
        {
            self.stage_event(core, release, stage, StageOutcome::Failed);
            let version = core
                .release(release)
                .map_or(String::new(), |r| r.version.clone());
            if let Some(record) = core.release_mut(release) {
                record.outcome = ReleaseOutcome::Caught;
            }
            self.notify(
                core,
                format!(
                    "CI: tests failed for {version} ({}): not deployed",
                    defect.describe()
                ),
            );
            self.current = None;
            self.start_next(core);
            return;
        }
        self.stage_event(core, release, stage, StageOutcome::Passed);
        let next = match stage {
            Stage::Checks => Stage::Build,
            Stage::Build => Stage::Test,
            Stage::Test => Stage::Approval,
            Stage::Approval | Stage::Deploy => Stage::Deploy,
        };
        self.begin(core, release, next);
    }

    fn params_of<'a>(&'a self, core: &'a Core, release: u32) -> &'a PipelineParams {
        core.release(release).map_or(&self.params, |r| &r.plan)
    }

    /// Someone pressed Approve: whether a release was waiting.
    pub(crate) fn approve(&mut self, core: &mut Core) -> bool {
        let Some(release) = self.awaiting_approval() else {
            return false;
        };
        self.stage_event(core, release, Stage::Approval, StageOutcome::Passed);
        self.begin(core, release, Stage::Deploy);
        true
    }

    fn targets(&self, core: &Core) -> Vec<NodeIndex> {
        core.outgoing[self.index.get()]
            .iter()
            .map(|&link| core.links[link.get()].to)
            .filter(|to| !core.removed[to.get()])
            .collect()
    }

    fn deploy(&mut self, core: &mut Core, release: u32) {
        if let Some(record) = core.release_mut(release) {
            record.outcome = ReleaseOutcome::Deploying;
        }
        let targets = self.targets(core);
        let strategy = core
            .release(release)
            .map_or(self.params.strategy, |r| r.strategy);
        let mut deploying = Deploying {
            release,
            waiting: Vec::new(),
            next: VecDeque::new(),
        };
        if targets.is_empty() {
            self.notify(
                core,
                "CI: deploy has no target (draw a deploy link to a server or a group)".to_owned(),
            );
        }
        for (position, target) in targets.into_iter().enumerate() {
            if strategy == DeployStrategy::Rolling && position > 0 {
                deploying.next.push_back(target);
            } else {
                deploying.waiting.push(target);
                core.timer(0, target, Timer::Deploy { release });
            }
        }
        let empty = deploying.waiting.is_empty();
        self.deploys.push(deploying);
        if empty {
            self.finish_deploy(core, release, Report::Done);
        }
    }

    /// A target reported how its deploy ended.
    fn reported(&mut self, core: &mut Core, release: u32, target: NodeIndex, outcome: Report) {
        let Some(position) = self.deploys.iter().position(|d| d.release == release) else {
            return;
        };
        let deploying = &mut self.deploys[position];
        deploying.waiting.retain(|&t| t != target);
        if outcome == Report::Done
            && deploying.waiting.is_empty()
            && let Some(next) = deploying.next.pop_front()
        {
            deploying.waiting.push(next);
            core.timer(0, next, Timer::Deploy { release });
            return;
        }
        if outcome != Report::Done {
            // One target failed or rolled back: the deploy ends with it.
            deploying.next.clear();
        }
        if deploying.waiting.is_empty() || outcome != Report::Done {
            self.finish_deploy(core, release, outcome);
        }
    }

    fn finish_deploy(&mut self, core: &mut Core, release: u32, outcome: Report) {
        self.deploys.retain(|d| d.release != release);
        let now_s = core.now as f64 / 1e9;
        match outcome {
            Report::Done => {
                self.stage_event(core, release, Stage::Deploy, StageOutcome::Passed);
                let previous = self.live();
                let restores = core.release(release).and_then(|r| r.rollback_to);
                if let Some(record) = core.release_mut(release) {
                    record.outcome = ReleaseOutcome::Live;
                    record.live_s = Some(now_s);
                    if record.traffic.last().is_none_or(|s| s.share < 1.0) {
                        record.traffic.push(crate::release::TrafficStep {
                            time_s: now_s,
                            share: 1.0,
                        });
                    }
                }
                if previous != release
                    && let Some(old) = core.release_mut(previous)
                {
                    if old.outcome == ReleaseOutcome::Live {
                        old.outcome = if restores.is_some() {
                            ReleaseOutcome::RolledBack
                        } else {
                            ReleaseOutcome::Replaced
                        };
                    }
                    if restores.is_some() {
                        old.failed_change = true;
                    }
                    if old.failed_change && old.restored_s.is_none() {
                        old.restored_s = Some(now_s);
                    }
                    old.traffic.push(crate::release::TrafficStep {
                        time_s: now_s,
                        share: 0.0,
                    });
                }
                // A rollback also restores from releases that failed before reaching all traffic.
                if restores.is_some() {
                    for record in &mut core.releases {
                        if record.failed_change
                            && record.restored_s.is_none()
                            && record.id != release
                        {
                            record.restored_s = Some(now_s);
                        }
                    }
                }
                self.live.push(release);
                self.stuck = None;
            }
            Report::RolledBack | Report::Stalled => {
                self.stage_event(core, release, Stage::Deploy, StageOutcome::Failed);
                if outcome == Report::Stalled {
                    self.stuck = Some(release);
                }
                let version = core
                    .release(release)
                    .map_or(String::new(), |r| r.version.clone());
                let what = if outcome == Report::Stalled {
                    "rollout stalled (progress deadline exceeded); it is not rolled back"
                } else {
                    "rolled back"
                };
                self.notify(core, format!("CD: deploy of {version} failed: {what}"));
            }
        }
        self.start_next(core);
    }

    /// Roll back: redeploy the version before the one deploying (or live), with the same strategy
    /// and no stages. `None` when there is nothing to go back to.
    pub(crate) fn roll_back(&mut self, core: &mut Core) -> Option<u32> {
        let bad = self
            .deploying()
            .or(self.stuck)
            .or_else(|| (self.live() != 0).then(|| self.live()))?;
        let to = if Some(bad) == self.deploying() || Some(bad) == self.stuck {
            self.live()
        } else {
            self.live.iter().rev().nth(1).copied().unwrap_or(0)
        };
        // The deploy in progress ends here (its targets take the rollback instead).
        if let Some(position) = self.deploys.iter().position(|d| d.release == bad) {
            self.deploys.remove(position);
            self.stage_event(core, bad, Stage::Deploy, StageOutcome::Failed);
        }
        if let Some(record) = core.release_mut(bad) {
            record.failed_change = true;
            if record.outcome != ReleaseOutcome::Live {
                record.outcome = ReleaseOutcome::RolledBack;
            }
        }
        let now_s = core.now as f64 / 1e9;
        let id = core.releases.len() as u32 + 1;
        let (version, defect) = match core.release(to) {
            Some(record) => (record.version.clone(), record.defect),
            None => (crate::release::INITIAL_VERSION.to_owned(), None),
        };
        let bad_name = core
            .release(bad)
            .map_or(String::new(), |r| r.version.clone());
        let restore = Release {
            version: version.clone(),
            defect,
            expedited: true,
        };
        let mut record = self.record(core, id, restore, now_s);
        record.rollback_to = Some(to);
        record.outcome = ReleaseOutcome::Deploying;
        core.releases.push(record);
        core.log(
            LogLevel::Warn,
            self.index,
            RunEvent::RolledBack {
                version: bad_name.clone(),
                to: version.clone(),
                reason: "Roll back pressed".to_owned(),
            },
            format!("rolling back {bad_name} to {version} (same strategy, no build or tests)"),
        );
        self.stage_event(core, id, Stage::Deploy, StageOutcome::Running);
        let targets = self.targets(core);
        for &target in &targets {
            core.timer(0, target, Timer::Deploy { release: id });
        }
        let empty = targets.is_empty();
        self.deploys.push(Deploying {
            release: id,
            waiting: targets,
            next: VecDeque::new(),
        });
        if empty {
            self.finish_deploy(core, id, Report::Done);
        }
        Some(id)
    }

    /// A failed stage goes to Slack as an alert would.
    fn notify(&mut self, core: &mut Core, message: String) {
        let id = self.next_notification;
        self.next_notification += 1;
        let node = core.ids[self.index.get()].clone();
        core.log(
            LogLevel::Error,
            self.index,
            RunEvent::PipelineFailed {
                message: message.clone(),
            },
            message.clone(),
        );
        self.notifications.push((
            id,
            Notification {
                id,
                time_s: core.now as f64 / 1e9,
                rule: "Pipeline failed".to_owned(),
                state: AlertState::Firing,
                severity: Severity::Warning,
                channel: Channel::Slack,
                node,
                message,
                metric: AlertMetric::ErrorRate,
                kind: RuleKind::Threshold,
                comparison: Comparison::Above,
                threshold: 0.0,
                value: 1.0,
                repeat: false,
            },
        ));
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        match timer {
            Timer::Commit { index } => {
                if let Some(scheduled) = self.scheduled.get(index as usize) {
                    let release = scheduled.release.clone();
                    self.commit(core, release);
                }
            }
            Timer::Stage { release, stage } => {
                self.stage_done(core, release, Stage::from_code(stage));
            }
            Timer::DeployReport {
                release,
                target,
                outcome,
            } => self.reported(core, release, NodeIndex(target), Report::from_code(outcome)),
            _ => {}
        }
    }

    /// Where its releases stand, for the snapshot.
    pub(crate) fn figures(&self, core: &Core) -> PipelineFigures {
        let name = |id: u32| crate::nodes::rollout::version_name(core, id);
        let current = self.current.map(|(release, stage)| {
            let started = core
                .release(release)
                .and_then(|r| r.stage(stage))
                .map_or(0.0, |s| s.started_s);
            (
                name(release),
                stage,
                started,
                self.duration_s(core, release, stage),
            )
        });
        PipelineFigures {
            current,
            awaiting_approval: self.awaiting_approval().map(name),
            deploying: self.deploying().map(name),
            live: name(self.live()),
            queued: self.queue.len() as u32,
            can_roll_back: self.deploying().is_some() || self.stuck.is_some() || self.live() != 0,
        }
    }

    pub(crate) fn set_params(&mut self, params: PipelineParams) {
        self.params = params;
    }

    /// Back up after a kill: the stage it was in starts again.
    pub(crate) fn restart(&mut self, core: &mut Core) {
        self.up = true;
        if let Some((release, stage)) = self.current.take() {
            self.begin(core, release, stage);
        }
    }
}
