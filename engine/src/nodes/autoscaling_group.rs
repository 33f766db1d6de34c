//! Autoscaling group: a pool of identical servers that grows and shrinks with load.
//!
//! Models: members built from a server template (each a full server instance: workers, queue,
//! memory, crashes); requests spread round robin over running members; every `evaluation_s` the
//! target metric (mean CPU, mean response time or queue per member, averaged over the last
//! evaluation period of the 1-second series) is compared with the thresholds; outside the cooldown
//! one instance is added (it boots for `provisioning_s` before taking requests) or removed (it drains:
//! no new requests, the ones inside finish).
//!
//! Leaves out: step and target-tracking policies, several instances per action, spot interruptions,
//! zone balancing of members. Units: thresholds in the metric's unit (CPU 0..=1, latency
//! milliseconds, queue requests), times in seconds.

use crate::core::{CallId, Core, NodeIndex, Timer};
use crate::metrics::{FailureCause, LogLevel};
use crate::nodes::Gauges;
use crate::nodes::rollout::Rollout;
use crate::nodes::server::{Crash, Dependencies, Instance, InstanceState, Routing};
use crate::params::{AutoscalingGroupParams, ScalingMetric};
use crate::random::to_ns;
use crate::run_event::RunEvent;

#[derive(Clone)]
pub(crate) struct AutoscalingGroup {
    pub(crate) index: NodeIndex,
    pub(crate) params: AutoscalingGroupParams,
    pub(crate) members: Vec<Instance>,
    routing: Routing,
    cursor: usize,
    last_action_ns: Option<u64>,
    pub(crate) slow_factor: f64,
    /// The aggregated resolution's weight, for members created later.
    pub(crate) aggregated: Option<u64>,
    /// The version new instances run (a release's version id; see `crate::release`).
    pub(crate) version: u32,
    /// A deploy in progress (see `crate::nodes::rollout`).
    pub(crate) rollout: Option<Rollout>,
}

impl AutoscalingGroup {
    pub(crate) fn new(
        core: &mut Core,
        index: NodeIndex,
        params: &AutoscalingGroupParams,
    ) -> AutoscalingGroup {
        let members = (0..params.initial_instances)
            .map(|_| Instance::new(&params.server, InstanceState::Running))
            .collect();
        core.timer(to_ns(params.evaluation_s * 1e9), index, Timer::Evaluate);
        AutoscalingGroup {
            index,
            params: params.clone(),
            members,
            routing: Routing {
                dependencies: Dependencies::of(core, index),
                targets: Vec::new(),
                fan_out_all: false,
            },
            cursor: 0,
            last_action_ns: None,
            slow_factor: 1.0,
            aggregated: None,
            version: 0,
            rollout: None,
        }
    }

    /// Its outgoing links changed while running.
    pub(crate) fn follow_links(&mut self, core: &Core) {
        self.routing.dependencies = Dependencies::of(core, self.index);
    }

    pub(crate) fn running(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.state == InstanceState::Running)
            .count()
    }

    fn counted(&self) -> usize {
        self.members
            .iter()
            .filter(|m| matches!(m.state, InstanceState::Running | InstanceState::Booting))
            .count()
    }

    pub(crate) fn arrive(&mut self, core: &mut Core, call: CallId) {
        let count = self.members.len();
        let serves = |m: &Instance| m.state == InstanceState::Running && m.in_rotation;
        let pick = |members: &[Instance], keep: &dyn Fn(&Instance) -> bool| {
            (0..count)
                .map(|offset| (self.cursor + offset) % count.max(1))
                .find(|&slot| serves(&members[slot]) && keep(&members[slot]))
        };
        // A canary splits traffic by weight between the new version and the rest.
        let chosen = match (self.split(core), self.rollout_release()) {
            (Some(new), Some(release)) => pick(&self.members, &|m| (m.version == release) == new)
                .or_else(|| pick(&self.members, &|_| true)),
            _ => pick(&self.members, &|_| true),
        };
        match chosen {
            Some(slot) => {
                self.cursor = slot + 1;
                self.members[slot].arrive(core, self.index, slot as u32, &self.params.server, call);
            }
            None => {
                core.arrived(call);
                core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            }
        }
    }

    fn member_of(core: &Core, call: CallId) -> usize {
        core.calls
            .get(call)
            .map_or(usize::MAX, |c| c.member as usize)
    }

    pub(crate) fn service_done(&mut self, core: &mut Core, call: CallId) {
        let slot = AutoscalingGroup::member_of(core, call);
        if let Some(member) = self.members.get_mut(slot) {
            member.service_done(
                core,
                self.index,
                &self.params.server,
                call,
                &mut self.routing,
            );
        }
        self.after_retire(core);
    }

    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        parent: CallId,
        failure: Option<FailureCause>,
    ) {
        let slot = AutoscalingGroup::member_of(core, parent);
        if let Some(member) = self.members.get_mut(slot) {
            member.response(core, self.index, &self.params.server, parent, failure);
        }
        self.after_retire(core);
    }

    /// Terminates the draining members with nothing left inside; whether any went.
    pub(crate) fn retire_drained(&mut self, core: &mut Core) -> bool {
        let mut retired = false;
        for (slot, member) in self.members.iter_mut().enumerate() {
            if member.state == InstanceState::Draining && member.inside == 0 {
                retired = true;
                member.state = InstanceState::Down;
                member.epoch += 1;
                core.log(
                    LogLevel::Info,
                    self.index,
                    RunEvent::InstanceTerminated {
                        instance: slot as u32 + 1,
                    },
                    format!("instance {} drained and terminated", slot + 1),
                );
            }
        }
        retired
    }

    /// After a member terminated: a rollout may move on.
    fn after_retire(&mut self, core: &mut Core) {
        if self.retire_drained(core) && self.rollout.is_some() {
            self.reconcile(core);
        }
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        match timer {
            Timer::Evaluate => {
                core.timer(
                    to_ns(self.params.evaluation_s * 1e9),
                    self.index,
                    Timer::Evaluate,
                );
                self.evaluate(core);
            }
            Timer::Ready { member, epoch } => {
                if let Some(instance) = self.members.get_mut(member as usize) {
                    instance.ready(core, self.index, member, epoch);
                }
                if self.rollout.is_some() {
                    self.reconcile(core);
                }
            }
            Timer::Leak { member, epoch } => {
                if let Some(instance) = self.members.get_mut(member as usize)
                    && instance.epoch == epoch
                {
                    instance.crash(
                        core,
                        self.index,
                        member,
                        &self.params.server,
                        Crash::OutOfMemory,
                    );
                }
            }
            Timer::Deploy { release } => self.deploy(core, release),
            Timer::ProgressDeadline { .. }
            | Timer::SwitchWindow { .. }
            | Timer::CanaryCheck { .. } => {
                self.rollout_timer(core, timer);
            }
            Timer::Restart { member, epoch } => {
                if let Some(instance) = self.members.get_mut(member as usize)
                    && instance.epoch == epoch
                {
                    let delay = to_ns(self.params.server.cold_start_ms * 1e6);
                    instance.boot(core, self.index, member, delay);
                }
            }
            _ => {}
        }
    }

    /// The target metric over the last evaluation period.
    fn metric(&self, core: &Core) -> f64 {
        let points = (self.params.evaluation_s.ceil() as usize).max(1);
        let series = &core.metrics[self.index.get()].series;
        let recent: Vec<_> = series.iter().rev().take(points).collect();
        if recent.is_empty() {
            return 0.0;
        }
        let n = recent.len() as f64;
        match self.params.metric {
            ScalingMetric::Cpu => recent.iter().map(|p| p.cpu).sum::<f64>() / n,
            ScalingMetric::Latency => recent.iter().map(|p| p.mean_ms).sum::<f64>() / n,
            ScalingMetric::QueueLength => {
                recent.iter().map(|p| p.queue).sum::<f64>() / n / (self.running().max(1) as f64)
            }
        }
    }

    fn evaluate(&mut self, core: &mut Core) {
        if self.rollout.is_some() {
            // The autoscaler pauses while a deploy replaces the instances.
            return;
        }
        let now = core.now;
        let cooldown = to_ns(self.params.cooldown_s * 1e9);
        if self
            .last_action_ns
            .is_some_and(|last| now < last + cooldown)
        {
            return;
        }
        let value = self.metric(core);
        let counted = self.counted();
        if value > self.params.scale_out_above && counted < self.params.max_instances as usize {
            self.scale_out(core, value);
        } else if value < self.params.scale_in_below
            && counted > self.params.min_instances as usize
            && let Some(slot) = self
                .members
                .iter()
                .rposition(|m| m.state == InstanceState::Running)
        {
            self.members[slot].state = InstanceState::Draining;
            self.last_action_ns = Some(now);
            let event = RunEvent::ScaledIn {
                instance: slot as u32 + 1,
                metric: value,
                threshold: self.params.scale_in_below,
            };
            core.log(
                LogLevel::Info,
                self.index,
                event,
                format!(
                    "scaling in: metric {value:.2} below {}, draining instance {}",
                    self.params.scale_in_below,
                    slot + 1
                ),
            );
            self.retire_drained(core);
        }
    }

    /// New parameters while running, as a cloud autoscaling group takes new limits: every member
    /// takes the new workers and waiting room at once; a minimum raised above the instances counted
    /// boots more at once, a maximum lowered below them drains the newest running ones.
    pub(crate) fn set_params(&mut self, core: &mut Core, params: AutoscalingGroupParams) {
        for member in &mut self.members {
            member.station.workers = params.server.worker_count().max(1);
            member.station.queue_capacity = params.server.queue_capacity as usize;
        }
        self.params = params;
        while self.counted() < self.params.min_instances as usize {
            let slot = self.launch(core);
            let event = RunEvent::MinimumRaised {
                minimum: self.params.min_instances,
                instance: slot as u32 + 1,
            };
            core.log(
                LogLevel::Info,
                self.index,
                event,
                format!(
                    "minimum raised to {}: booting instance {}",
                    self.params.min_instances,
                    slot + 1
                ),
            );
        }
        while self.counted() > self.params.max_instances as usize {
            let Some(slot) = self
                .members
                .iter()
                .rposition(|m| m.state == InstanceState::Running)
            else {
                break;
            };
            self.members[slot].state = InstanceState::Draining;
            let event = RunEvent::MaximumLowered {
                maximum: self.params.max_instances,
                instance: slot as u32 + 1,
            };
            core.log(
                LogLevel::Info,
                self.index,
                event,
                format!(
                    "maximum lowered to {}: draining instance {}",
                    self.params.max_instances,
                    slot + 1
                ),
            );
            self.retire_drained(core);
        }
    }

    fn scale_out(&mut self, core: &mut Core, value: f64) {
        let slot = self.launch(core);
        let event = RunEvent::ScaledOut {
            instance: slot as u32 + 1,
            metric: value,
            threshold: self.params.scale_out_above,
        };
        core.log(
            LogLevel::Info,
            self.index,
            event,
            format!(
                "scaling out: metric {value:.2} above {}, booting instance {}",
                self.params.scale_out_above,
                slot + 1
            ),
        );
    }

    /// A member slot to start an instance in: a down one, or a new one.
    pub(crate) fn free_slot(&mut self) -> usize {
        match self
            .members
            .iter()
            .position(|m| m.state == InstanceState::Down)
        {
            Some(slot) => slot,
            None => {
                self.members
                    .push(Instance::new(&self.params.server, InstanceState::Down));
                self.members.len() - 1
            }
        }
    }

    /// Boots one more instance (in a free slot or a new one) after the provisioning time.
    fn launch(&mut self, core: &mut Core) -> usize {
        let slot = self.free_slot();
        self.members[slot].slow_factor = self.slow_factor;
        self.members[slot].version = self.version;
        self.members[slot].in_rotation = true;
        self.last_action_ns = Some(core.now);
        let delay = to_ns(self.params.provisioning_s * 1e9);
        self.members[slot].boot(core, self.index, slot as u32, delay);
        slot
    }

    /// Adds one instance by hand (a live command), within the maximum.
    pub(crate) fn add_instance(&mut self, core: &mut Core) -> bool {
        if self.counted() >= self.params.max_instances as usize {
            return false;
        }
        self.scale_out(core, f64::NAN);
        true
    }

    pub(crate) fn is_up(&self) -> bool {
        self.running() > 0
    }

    pub(crate) fn kill(&mut self, core: &mut Core) {
        for (slot, member) in self.members.iter_mut().enumerate() {
            member.crash(
                core,
                self.index,
                slot as u32,
                &self.params.server,
                Crash::Killed,
            );
        }
    }

    pub(crate) fn restart(&mut self, core: &mut Core) {
        let delay = to_ns(self.params.server.cold_start_ms * 1e6);
        let wanted = self.params.initial_instances as usize;
        for slot in 0..self.members.len().max(wanted) {
            if slot >= self.members.len() {
                self.members
                    .push(Instance::new(&self.params.server, InstanceState::Down));
            }
            if slot < wanted || self.members[slot].state != InstanceState::Down {
                self.members[slot].boot(core, self.index, slot as u32, delay);
            }
        }
    }

    pub(crate) fn set_slow(&mut self, factor: f64) {
        self.slow_factor = factor;
        for member in &mut self.members {
            member.slow_factor = factor;
        }
    }

    pub(crate) fn gauges(&mut self, now: u64) -> Gauges {
        let mut gauges = Gauges::default();
        let mut running = 0.0;
        for member in &mut self.members {
            member.tally.close_second();
            let utilisation = member.station.window_utilisation(now);
            gauges.waits.add(member.station.last_window_waits);
            if member.state == InstanceState::Down {
                continue;
            }
            if member.state == InstanceState::Running {
                running += 1.0;
                gauges.cpu += utilisation;
            }
            gauges.queue += member.station.queue_len() as f64;
            gauges.memory_mb += member.memory_mb(&self.params.server);
            gauges.connections += f64::from(member.inside) * member.weight as f64;
        }
        if running > 0.0 {
            gauges.cpu /= running;
        }
        gauges.instances = running as u32;
        gauges
    }

    pub(crate) fn cost_per_hour(&self) -> f64 {
        self.counted() as f64 * self.params.server.tier.cost_per_hour()
    }
}
