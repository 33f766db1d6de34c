//! Deploys: how an autoscaling group replaces the version its instances run (recreate, rolling,
//! blue-green, canary), and how a single server does it in place.
//!
//! Models, for a group of `N` instances (those counted when the deploy starts):
//! - **Recreate**: every old instance drains (takes no new request, finishes its own), then `N` new
//!   ones start; users see the downtime (cold start + readiness).
//! - **Rolling** (a Kubernetes Deployment): at most `N + maxSurge` instances counted (booting or
//!   running; draining ones are terminating and not counted) and at least `N − maxUnavailable`
//!   ready at every moment; an instance is ready at the first readiness probe after its cold start.
//! - **Blue-green**: a full green fleet out of rotation (the cost doubles), one switch when all of
//!   it is ready, the blue fleet kept running `blue_green_keep_s` for an instant switch back; a
//!   post-promotion check at the end of that window (the canary criteria) switches back on failure.
//! - **Canary** (Flagger's analysis): `ceil(N × max_weight)` canary instances; once one is ready a
//!   `step` of the traffic goes to them, more after each passed check, promotion at `max_weight`
//!   (the primary fleet is then rolled to the new version, and the canary scaled to zero);
//!   `threshold` failed checks send all traffic back to the primary and scale the canary to zero.
//!   A check with no request to judge is neither passed nor failed (Flagger halts).
//! - Every rollout has a progress deadline: no new instance ready for `progress_deadline_s` and it
//!   is reported failed ("stalled"), and left as it is: nothing rolls back by itself.
//!
//! The autoscaler pauses while a rollout runs (a stalled one too, until Roll back ends it). Single servers (no spare machine) deploy in place:
//! stop, then start the new version; a pipeline deploys its targets one after another when rolling.
//!
//! Leaves out: pods per node, surge capacity limits, Flagger's webhooks and mirroring, session
//! affinity during the switch.

use crate::core::{Core, NodeIndex, Timer};
use crate::metrics::LogLevel;
use crate::nodes::autoscaling_group::AutoscalingGroup;
use crate::nodes::server::{Instance, InstanceState, Server, Tally, readiness_delay_ns};
use crate::params::{DeployStrategy, PipelineParams};
use crate::random::to_ns;
use crate::release::{ReleaseOutcome, TrafficStep};
use crate::run_event::RunEvent;
use crate::snapshot::VersionFigures;

/// How a target's deploy ended, as told to its pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Report {
    Done = 0,
    Stalled = 1,
    RolledBack = 2,
}

impl Report {
    pub(crate) fn from_code(code: u8) -> Report {
        match code {
            0 => Report::Done,
            1 => Report::Stalled,
            _ => Report::RolledBack,
        }
    }
}

/// Tells the pipeline of `release` how `target`'s deploy ended.
pub(crate) fn report(core: &mut Core, target: NodeIndex, release: u32, outcome: Report) {
    let Some(pipeline) = core
        .release(release)
        .and_then(|record| core.find(&record.pipeline))
    else {
        return;
    };
    if outcome == Report::Stalled
        && let Some(record) = core.release_mut(release)
    {
        record.outcome = ReleaseOutcome::Stalled;
        record.failed_change = true;
        let deadline_s = record.plan.progress_deadline_s;
        let version = record.version.clone();
        core.log(
            LogLevel::Error,
            target,
            RunEvent::RolloutStalled {
                version: version.clone(),
                deadline_s,
            },
            format!(
                "rollout of {version} failed: no progress within its deadline ({deadline_s} s); \
                     it is reported, not rolled back"
            ),
        );
    }
    core.timer(
        0,
        NodeIndex(pipeline as u32),
        Timer::DeployReport {
            release,
            target: target.0,
            outcome: outcome as u8,
        },
    );
}

/// Records a change of `release`'s share of traffic (and logs it).
pub(crate) fn shift(core: &mut Core, node: NodeIndex, release: u32, share: f64) {
    let now_s = core.now as f64 / 1e9;
    let Some(record) = core.release_mut(release) else {
        return;
    };
    if record
        .traffic
        .last()
        .is_some_and(|step| (step.share - share).abs() < 1e-12)
    {
        return;
    }
    record.traffic.push(TrafficStep {
        time_s: now_s,
        share,
    });
    if share > 0.0 && record.first_traffic_s.is_none() {
        record.first_traffic_s = Some(now_s);
        // A defect that reaches users is a failed change, whether or not anyone notices.
        if record.defect.is_some() {
            record.failed_change = true;
        }
    }
    let version = record.version.clone();
    core.log(
        LogLevel::Info,
        node,
        RunEvent::TrafficShifted {
            version: version.clone(),
            share,
        },
        format!("{version} now takes {:.0} % of the traffic", share * 100.0),
    );
}

/// The name of version `id`.
pub(crate) fn version_name(core: &Core, id: u32) -> String {
    core.release(id).map_or_else(
        || crate::release::INITIAL_VERSION.to_owned(),
        |record| record.version.clone(),
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Recreate: the old fleet drains.
    Stopping,
    /// Rolling (also recreate's start, and a canary's promotion): new instances replace old ones.
    Rolling,
    /// Blue-green: the green fleet boots out of rotation.
    Green,
    /// Blue-green: traffic switched; the blue fleet is kept until the window ends.
    Switched,
    /// Canary: checks every interval.
    Analysis,
}

/// A deploy in progress at an autoscaling group.
#[derive(Clone, Debug)]
pub(crate) struct Rollout {
    pub(crate) release: u32,
    /// The version it replaces.
    pub(crate) from: u32,
    pub(crate) strategy: DeployStrategy,
    pub(crate) plan: PipelineParams,
    /// Instances wanted (counted when it started).
    pub(crate) fleet: u32,
    pub(crate) phase: Phase,
    /// Canary: the share of requests sent to the new version (0 when not splitting).
    pub(crate) weight: f64,
    failed_checks: u32,
    /// Canary instances (slots), scaled to zero at the end.
    canary: Vec<usize>,
    /// Ready new instances when progress was last seen, and the deadline's generation.
    ready_seen: u32,
    generation: u32,
    stalled: bool,
    /// Whether it is a rollback (its outcome is not re-judged by analysis).
    rollback: bool,
}

impl AutoscalingGroup {
    /// A deploy of `release` reaches this group.
    pub(crate) fn deploy(&mut self, core: &mut Core, release: u32) {
        let Some(record) = core.release(release) else {
            return;
        };
        let plan = record.plan.clone();
        let expedited = record.expedited;
        let rollback = record.rollback_to.is_some();
        let restores = record.rollback_to;
        let mut strategy = record.strategy;
        // A rollback inside a blue-green window, or of a canary still in analysis, is instant:
        // the old version still runs and only the traffic moves back.
        if restores.is_some()
            && self.rollout.as_ref().is_some_and(|current| {
                matches!(
                    current.phase,
                    Phase::Switched | Phase::Green | Phase::Analysis
                )
            })
        {
            self.abort(core, "rolled back by hand");
            self.rolled_back_at_once(core, release);
            return;
        }
        if (expedited || rollback) && strategy == DeployStrategy::Canary {
            strategy = DeployStrategy::Rolling;
        }
        let from = self.version;
        let fleet = self.counted_of(|_| true).max(1) as u32;
        let version = version_name(core, release);
        core.log(
            LogLevel::Info,
            self.index,
            RunEvent::DeployStarted {
                version: version.clone(),
                strategy,
                instances: fleet,
            },
            format!(
                "deploying {version} to {fleet} instance(s): {}{}",
                strategy.label(),
                if expedited && record_is_canary(core, release) {
                    " (hot fix: canary analysis skipped)"
                } else {
                    ""
                }
            ),
        );
        if let Some(previous) = self.rollout.take()
            && previous.release != release
        {
            // A rollback supersedes a rollout still going: its instances stay as they are and the
            // new rollout replaces every instance that is not of the restored version.
            if let Some(record) = core.release_mut(previous.release) {
                record.outcome = ReleaseOutcome::RolledBack;
                record.failed_change = true;
            }
            if !previous.stalled {
                report(core, self.index, previous.release, Report::RolledBack);
            }
        }
        let mut rollout = Rollout {
            release,
            from,
            strategy,
            plan,
            fleet,
            phase: Phase::Rolling,
            weight: 0.0,
            failed_checks: 0,
            canary: Vec::new(),
            ready_seen: 0,
            generation: 0,
            stalled: false,
            rollback,
        };
        match strategy {
            DeployStrategy::Recreate => {
                rollout.phase = Phase::Stopping;
                self.version = release;
                for member in &mut self.members {
                    if matches!(
                        member.state,
                        InstanceState::Running | InstanceState::Booting
                    ) {
                        if member.state == InstanceState::Booting {
                            member.epoch += 1;
                            member.state = InstanceState::Down;
                        } else {
                            member.state = InstanceState::Draining;
                        }
                    }
                }
            }
            DeployStrategy::Rolling => self.version = release,
            DeployStrategy::BlueGreen => {
                rollout.phase = Phase::Green;
                for _ in 0..fleet {
                    self.launch_version(core, release, false, &rollout.plan);
                }
            }
            DeployStrategy::Canary => {
                rollout.phase = Phase::Analysis;
                let count = (f64::from(fleet) * rollout.plan.canary_max_weight - 1e-9)
                    .ceil()
                    .max(1.0) as u32;
                for _ in 0..count {
                    let slot = self.launch_version(core, release, true, &rollout.plan);
                    rollout.canary.push(slot);
                }
            }
        }
        self.rollout = Some(rollout);
        self.arm_deadline(core);
        self.retire_drained(core);
        self.reconcile(core);
    }

    /// A rollback that only moved traffic back: its record is done at once.
    fn rolled_back_at_once(&mut self, core: &mut Core, release: u32) {
        shift(core, self.index, release, 1.0);
        report(core, self.index, release, Report::Done);
    }

    /// Instances counted (booting or running) that satisfy `keep`.
    pub(crate) fn counted_of(&self, keep: impl Fn(&Instance) -> bool) -> usize {
        self.members
            .iter()
            .filter(|m| {
                matches!(m.state, InstanceState::Running | InstanceState::Booting) && keep(m)
            })
            .count()
    }

    fn ready_of(&self, keep: impl Fn(&Instance) -> bool) -> usize {
        self.members
            .iter()
            .filter(|m| m.state == InstanceState::Running && keep(m))
            .count()
    }

    /// Starts one instance of `version` (in a free slot or a new one): it is ready at the first
    /// readiness probe after its cold start.
    fn launch_version(
        &mut self,
        core: &mut Core,
        version: u32,
        in_rotation: bool,
        plan: &PipelineParams,
    ) -> usize {
        let slot = self.free_slot();
        let weight = self.aggregated;
        let member = &mut self.members[slot];
        member.slow_factor = self.slow_factor;
        member.version = version;
        member.in_rotation = in_rotation;
        member.tally = Tally::default();
        if let Some(weight) = weight {
            member.set_weight(weight, core.now);
        }
        let delay = readiness_delay_ns(self.params.server.cold_start_ms, plan.readiness_period_s);
        member.boot(core, self.index, slot as u32, delay);
        slot
    }

    fn arm_deadline(&mut self, core: &mut Core) {
        let Some(rollout) = &mut self.rollout else {
            return;
        };
        rollout.generation += 1;
        let (release, generation) = (rollout.release, rollout.generation);
        core.timer(
            to_ns(rollout.plan.progress_deadline_s * 1e9),
            self.index,
            Timer::ProgressDeadline {
                release,
                generation,
            },
        );
    }

    /// Moves the rollout on after anything changed (an instance ready or terminated, a start).
    pub(crate) fn reconcile(&mut self, core: &mut Core) {
        let Some(rollout) = &self.rollout else {
            return;
        };
        let release = rollout.release;
        let new = |m: &Instance| m.version == release;
        let ready_new = self.ready_of(new) as u32;
        if ready_new > rollout.ready_seen {
            if let Some(rollout) = &mut self.rollout {
                rollout.ready_seen = ready_new;
            }
            self.arm_deadline(core);
        }
        let Some(rollout) = self.rollout.clone() else {
            return;
        };
        if rollout.phase == Phase::Rolling && rollout.weight == 0.0 {
            // Without a split, traffic follows the instances: the new ones' share of those serving.
            let serving = self.ready_of(|m| m.in_rotation);
            if serving > 0 {
                let share = self.ready_of(|m| m.in_rotation && m.version == release) as f64
                    / serving as f64;
                shift(core, self.index, release, share);
            }
        }
        let fleet = rollout.fleet as usize;
        match rollout.phase {
            Phase::Stopping => {
                let old_left = self
                    .members
                    .iter()
                    .any(|m| m.version != release && m.state != InstanceState::Down);
                if !old_left {
                    for _ in 0..fleet {
                        self.launch_version(core, release, true, &rollout.plan);
                    }
                    self.batch(core, &rollout, fleet as u32, 0);
                    if let Some(rollout) = &mut self.rollout {
                        rollout.phase = Phase::Rolling;
                    }
                }
            }
            Phase::Rolling => self.roll(core, &rollout),
            Phase::Green => {
                if ready_new as usize >= fleet {
                    for member in &mut self.members {
                        if member.state == InstanceState::Running {
                            member.in_rotation = member.version == release;
                        }
                    }
                    self.version = release;
                    shift(core, self.index, release, 1.0);
                    let keep = to_ns(rollout.plan.blue_green_keep_s * 1e9);
                    core.timer(keep, self.index, Timer::SwitchWindow { release });
                    for member in &mut self.members {
                        member.tally.restart_window();
                    }
                    if let Some(rollout) = &mut self.rollout {
                        rollout.phase = Phase::Switched;
                    }
                }
            }
            Phase::Switched => {}
            Phase::Analysis => {
                if rollout.weight == 0.0 && ready_new > 0 && rollout.failed_checks == 0 {
                    let step = rollout.plan.canary_step.min(rollout.plan.canary_max_weight);
                    self.set_weight(core, step);
                    let interval = to_ns(rollout.plan.canary_interval_s * 1e9);
                    core.timer(interval, self.index, Timer::CanaryCheck { release });
                    for &slot in &rollout.canary {
                        self.members[slot].tally.restart_window();
                    }
                }
            }
        }
    }

    fn set_weight(&mut self, core: &mut Core, weight: f64) {
        if let Some(rollout) = &mut self.rollout {
            rollout.weight = weight;
            let release = rollout.release;
            shift(core, self.index, release, weight);
        }
    }

    /// One rolling step: start new instances within the surge, drain old ones within the
    /// unavailability, finish when the fleet is all new and ready.
    fn roll(&mut self, core: &mut Core, rollout: &Rollout) {
        let release = rollout.release;
        let fleet = rollout.fleet as usize;
        let canary = &rollout.canary;
        let primary = |slot: usize| !canary.contains(&slot);
        let (surge, unavailable) = rollout.plan.rolling_limits(rollout.fleet);
        let (surge, unavailable) = (surge as usize, unavailable as usize);
        let count = |group: &AutoscalingGroup, want_new: bool, ready_only: bool| {
            group
                .members
                .iter()
                .enumerate()
                .filter(|(slot, m)| {
                    primary(*slot)
                        && (m.version == release) == want_new
                        && if ready_only {
                            m.state == InstanceState::Running
                        } else {
                            matches!(m.state, InstanceState::Running | InstanceState::Booting)
                        }
                })
                .count()
        };
        let mut started = 0;
        while count(self, true, false) < fleet
            && count(self, false, false) + count(self, true, false) < fleet + surge
        {
            self.launch_version(core, release, true, &rollout.plan);
            started += 1;
        }
        let mut draining = 0;
        loop {
            let old_ready = count(self, false, true);
            let old_counted = count(self, false, false);
            let new_ready = count(self, true, true);
            let new_counted = count(self, true, false);
            if old_counted == 0 || old_counted + new_counted <= fleet {
                break;
            }
            // An old instance still booting goes first: it serves nobody.
            if let Some(slot) = self.members.iter().enumerate().position(|(slot, m)| {
                primary(slot) && m.version != release && m.state == InstanceState::Booting
            }) {
                let member = &mut self.members[slot];
                member.epoch += 1;
                member.state = InstanceState::Down;
                draining += 1;
                continue;
            }
            if old_ready + new_ready < fleet.saturating_sub(unavailable) + 1 {
                break;
            }
            let Some(slot) = self.members.iter().enumerate().rposition(|(slot, m)| {
                primary(slot) && m.version != release && m.state == InstanceState::Running
            }) else {
                break;
            };
            self.members[slot].state = InstanceState::Draining;
            draining += 1;
        }
        if started > 0 || draining > 0 {
            self.batch(core, rollout, started, draining);
        }
        let done = count(self, true, true) >= fleet && count(self, false, false) == 0;
        if done {
            self.finish_rollout(core);
        }
        // An old instance with nothing inside is gone at once: that is a change the next step
        // (a Deployment's next sync) acts on.
        if self.retire_drained(core) && self.rollout.is_some() {
            self.reconcile(core);
        }
    }

    fn batch(&self, core: &mut Core, rollout: &Rollout, started: u32, draining: u32) {
        let release = rollout.release;
        let ready = self.ready_of(|m| m.version == release) as u32;
        let version = version_name(core, release);
        core.log(
            LogLevel::Info,
            self.index,
            RunEvent::RolloutBatch {
                version: version.clone(),
                started,
                draining,
                ready,
                wanted: rollout.fleet,
            },
            format!(
                "rollout of {version}: {started} new instance(s) starting, {draining} old draining; \
                 {ready}/{} of {version} ready",
                rollout.fleet
            ),
        );
    }

    /// The new version serves everything: canary instances go, the release is promoted.
    fn finish_rollout(&mut self, core: &mut Core) {
        let Some(rollout) = self.rollout.take() else {
            return;
        };
        for &slot in &rollout.canary {
            if let Some(member) = self.members.get_mut(slot)
                && member.state == InstanceState::Running
            {
                member.state = InstanceState::Draining;
            }
        }
        self.version = rollout.release;
        shift(core, self.index, rollout.release, 1.0);
        let version = version_name(core, rollout.release);
        core.log(
            LogLevel::Info,
            self.index,
            RunEvent::Promoted {
                version: version.clone(),
            },
            format!("{version} serves all of the traffic"),
        );
        report(core, self.index, rollout.release, Report::Done);
        self.retire_drained(core);
    }

    /// Traffic back to the version the rollout replaced; the new instances go.
    fn abort(&mut self, core: &mut Core, reason: &str) {
        let Some(rollout) = self.rollout.take() else {
            return;
        };
        let release = rollout.release;
        for member in &mut self.members {
            if member.version == release {
                match member.state {
                    InstanceState::Running => member.state = InstanceState::Draining,
                    InstanceState::Booting => {
                        member.epoch += 1;
                        member.state = InstanceState::Down;
                    }
                    _ => {}
                }
            } else if member.state == InstanceState::Running {
                member.in_rotation = true;
            }
        }
        self.version = rollout.from;
        shift(core, self.index, release, 0.0);
        let (version, to) = (
            version_name(core, release),
            version_name(core, rollout.from),
        );
        core.log(
            LogLevel::Warn,
            self.index,
            RunEvent::RolledBack {
                version: version.clone(),
                to: to.clone(),
                reason: reason.to_owned(),
            },
            format!("rolled back {version} to {to}: {reason}"),
        );
        let now_s = core.now as f64 / 1e9;
        if let Some(record) = core.release_mut(release) {
            record.outcome = ReleaseOutcome::RolledBack;
            record.failed_change = true;
            record.restored_s = Some(now_s);
        }
        report(core, self.index, release, Report::RolledBack);
        self.retire_drained(core);
    }

    /// A canary check or the end of a blue-green window: judge the new version's answers since the
    /// last look.
    fn judge(&mut self) -> Option<(bool, f64, f64, u64)> {
        let rollout = self.rollout.as_ref()?;
        let release = rollout.release;
        let mut tally = Tally::default();
        for member in &mut self.members {
            if member.version == release {
                tally.add(&member.tally);
                member.tally.restart_window();
            }
        }
        let requests = tally.completed + tally.failed;
        if requests == 0 {
            return None;
        }
        let success = tally.completed as f64 / requests as f64;
        let p99_ms = tally.latency.quantile(0.99) / 1e6;
        let passed =
            success >= rollout.plan.canary_success_rate && p99_ms <= rollout.plan.canary_p99_ms;
        Some((passed, success, p99_ms, requests))
    }

    /// The deploy-related timers.
    pub(crate) fn rollout_timer(&mut self, core: &mut Core, timer: Timer) {
        let Some(rollout) = self.rollout.clone() else {
            return;
        };
        match timer {
            Timer::ProgressDeadline {
                release,
                generation,
            } if release == rollout.release && generation == rollout.generation => {
                if let Some(rollout) = &mut self.rollout {
                    rollout.stalled = true;
                }
                report(core, self.index, release, Report::Stalled);
            }
            Timer::SwitchWindow { release }
                if release == rollout.release && rollout.phase == Phase::Switched =>
            {
                match self.judge() {
                    Some((false, success, p99_ms, _)) if !rollout.rollback => {
                        let reason = format!(
                            "post-switch check failed (success {:.1} %, p99 {p99_ms:.0} ms)",
                            success * 100.0
                        );
                        self.abort(core, &reason);
                    }
                    _ => {
                        for member in &mut self.members {
                            if member.version != release && member.state == InstanceState::Running {
                                member.state = InstanceState::Draining;
                                member.in_rotation = true;
                            }
                        }
                        self.finish_rollout(core);
                    }
                }
            }
            Timer::CanaryCheck { release }
                if release == rollout.release && rollout.phase == Phase::Analysis =>
            {
                let interval = to_ns(rollout.plan.canary_interval_s * 1e9);
                let version = version_name(core, release);
                let Some((passed, success, p99_ms, requests)) = self.judge() else {
                    core.timer(interval, self.index, Timer::CanaryCheck { release });
                    return;
                };
                let failed_checks = rollout.failed_checks + u32::from(!passed);
                core.log(
                    if passed {
                        LogLevel::Info
                    } else {
                        LogLevel::Warn
                    },
                    self.index,
                    RunEvent::CanaryCheck {
                        version: version.clone(),
                        passed,
                        success_rate: success,
                        p99_ms,
                        requests,
                        failed_checks,
                    },
                    format!(
                        "canary check {}: {version} success {:.2} % (≥ {} %), p99 {p99_ms:.0} ms \
                         (≤ {} ms) over {requests} requests; failed checks {failed_checks}/{}",
                        if passed { "passed" } else { "failed" },
                        success * 100.0,
                        rollout.plan.canary_success_rate * 100.0,
                        rollout.plan.canary_p99_ms,
                        rollout.plan.canary_threshold
                    ),
                );
                if let Some(current) = &mut self.rollout {
                    current.failed_checks = failed_checks;
                }
                if !passed {
                    if failed_checks >= rollout.plan.canary_threshold {
                        let reason =
                            format!("{failed_checks} failed canary checks (threshold reached)");
                        self.abort(core, &reason);
                    } else {
                        core.timer(interval, self.index, Timer::CanaryCheck { release });
                    }
                    return;
                }
                if rollout.weight >= rollout.plan.canary_max_weight - 1e-9 {
                    self.promote(core);
                } else {
                    let weight = (rollout.weight + rollout.plan.canary_step)
                        .min(rollout.plan.canary_max_weight);
                    self.set_weight(core, weight);
                    core.timer(interval, self.index, Timer::CanaryCheck { release });
                }
            }
            _ => {}
        }
    }

    /// The canary passed: the primary fleet rolls to the new version, the canary keeps its weight
    /// until it has.
    fn promote(&mut self, core: &mut Core) {
        let Some(rollout) = &mut self.rollout else {
            return;
        };
        rollout.phase = Phase::Rolling;
        let release = rollout.release;
        self.version = release;
        let version = version_name(core, release);
        core.log(
            LogLevel::Info,
            self.index,
            RunEvent::Promoted {
                version: version.clone(),
            },
            format!("canary analysis passed: promoting {version} (rolling the primary fleet)"),
        );
        self.reconcile(core);
    }

    /// The members that serve a new request, as the rollout splits traffic: `Some(true)` for the
    /// new version only, `Some(false)` for the old one only, `None` for any.
    pub(crate) fn split(&self, core: &mut Core) -> Option<bool> {
        let rollout = self.rollout.as_ref()?;
        if rollout.weight <= 0.0 || rollout.weight >= 1.0 {
            return None;
        }
        Some(core.streams[self.index.get()].releases.uniform() < rollout.weight)
    }

    pub(crate) fn rollout_release(&self) -> Option<u32> {
        self.rollout.as_ref().map(|r| r.release)
    }

    /// The canary split in force: (release, weight).
    pub(crate) fn canary_split(&self) -> Option<(u32, f64)> {
        self.rollout
            .as_ref()
            .filter(|r| r.strategy == DeployStrategy::Canary && r.weight > 0.0)
            .map(|r| (r.release, r.weight))
    }
}

fn record_is_canary(core: &Core, release: u32) -> bool {
    core.release(release)
        .is_some_and(|record| record.strategy == DeployStrategy::Canary)
}

impl Server {
    /// A single server deploys in place: it stops (what is inside fails) and starts the new
    /// version, ready at the first readiness probe after its cold start.
    pub(crate) fn deploy(&mut self, core: &mut Core, release: u32) {
        let Some(record) = core.release(release) else {
            return;
        };
        let plan = record.plan.clone();
        let version = record.version.clone();
        core.log(
            LogLevel::Info,
            self.index,
            RunEvent::DeployStarted {
                version: version.clone(),
                strategy: record.strategy,
                instances: 1,
            },
            format!("deploying {version} in place: stopping, then starting the new version"),
        );
        self.instance.version = release;
        let delay = readiness_delay_ns(self.params.cold_start_ms, plan.readiness_period_s);
        self.instance.boot(core, self.index, 0, delay);
        self.deploying = Some((release, 0));
        core.timer(
            to_ns(plan.progress_deadline_s * 1e9),
            self.index,
            Timer::ProgressDeadline {
                release,
                generation: 0,
            },
        );
    }

    /// After an instance became ready: a deploy in place is done.
    pub(crate) fn deployed(&mut self, core: &mut Core) {
        if let Some((release, _)) = self.deploying
            && self.instance.state == InstanceState::Running
            && self.instance.version == release
        {
            self.deploying = None;
            shift(core, self.index, release, 1.0);
            report(core, self.index, release, Report::Done);
        }
    }
}

/// The versions `members` run, the design's own first, each with its instances by state and its
/// share of new requests (`weight`: a canary's split, if one runs for `release`).
pub(crate) fn version_figures(
    core: &Core,
    members: &[Instance],
    split: Option<(u32, f64)>,
) -> Vec<VersionFigures> {
    if core.releases.is_empty() {
        return Vec::new();
    }
    let mut figures: Vec<VersionFigures> = Vec::new();
    for member in members {
        if member.state == InstanceState::Down {
            continue;
        }
        let position = match figures.iter().position(|f| f.id == member.version) {
            Some(position) => position,
            None => {
                figures.push(VersionFigures {
                    id: member.version,
                    version: version_name(core, member.version),
                    serving: 0,
                    starting: 0,
                    draining: 0,
                    idle: 0,
                    share: 0.0,
                    throughput: 0.0,
                    error_rate: 0.0,
                });
                figures.len() - 1
            }
        };
        let entry = &mut figures[position];
        let (completed, failed) = member.tally.last_second;
        let answered = entry.throughput + (completed + failed) as f64;
        if answered > 0.0 {
            entry.error_rate = (entry.error_rate * entry.throughput + failed as f64) / answered;
        }
        entry.throughput = answered;
        match member.state {
            InstanceState::Running if member.in_rotation => entry.serving += 1,
            InstanceState::Running => entry.idle += 1,
            InstanceState::Booting => entry.starting += 1,
            InstanceState::Draining => entry.draining += 1,
            InstanceState::Down => {}
        }
    }
    figures.sort_by_key(|f| f.id);
    let serving: u32 = figures.iter().map(|f| f.serving).sum();
    let split_serving = split.filter(|(release, _)| {
        figures.iter().any(|f| f.id == *release && f.serving > 0)
            && figures.iter().any(|f| f.id != *release && f.serving > 0)
    });
    let others_serving: u32 = split_serving.map_or(0, |(release, _)| {
        figures
            .iter()
            .filter(|f| f.id != release)
            .map(|f| f.serving)
            .sum()
    });
    for entry in &mut figures {
        entry.share = match split_serving {
            Some((release, weight)) if entry.id == release => weight,
            Some(_) => {
                (1.0 - weight_of(split_serving)) * f64::from(entry.serving)
                    / f64::from(others_serving.max(1))
            }
            None if serving > 0 => f64::from(entry.serving) / f64::from(serving),
            None => 0.0,
        };
    }
    figures
}

fn weight_of(split: Option<(u32, f64)>) -> f64 {
    split.map_or(0.0, |(_, weight)| weight)
}
