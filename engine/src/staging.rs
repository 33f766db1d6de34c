//! A staging copy: production's design as it stands, run apart at a fraction of its traffic, with
//! the versions production runs, to reproduce an incident and try fixes without touching
//! production ("never debug directly in production").
//!
//! Models: the design as edited live (not as saved), every users node's rate times `fraction` with
//! the same request mix, every autoscaling group sized down by the same fraction (at least one
//! instance: each instance sees the load it sees in production), single servers as they are; the
//! releases committed in production, each server and group running the newest version production
//! has on it (the suspect); no fault of production's schedule (staging starts healthy), its own
//! seed derived from production's. Staging is a separate [`Simulation`]: nothing done to it
//! reaches production.
//!
//! Leaves out: data (caches start empty, as a fresh staging environment does), production's
//! alerts' state.

use crate::Simulation;
use crate::core::NodeIndex;
use crate::nodes::NodeState;
use crate::params::NodeParams;
use crate::random::mix;
use crate::snapshot::Resolution;

/// The share of production traffic a staging copy gets unless told otherwise.
pub const DEFAULT_FRACTION: f64 = 0.1;

/// The seed of production's staging copy: a function of production's seed only, so the same run
/// gives the same staging.
pub fn staging_seed(production_seed: u64) -> u64 {
    // "STAGING!" as bytes: a fixed salt.
    mix(production_seed ^ 0x5354_4147_494e_4721)
}

impl Simulation {
    /// A staging copy of this run at this instant (see the module notes); `fraction` of production
    /// traffic, 0 < fraction ≤ 1.
    pub fn staging(&self, fraction: f64) -> Simulation {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.001, 1.0)
        } else {
            DEFAULT_FRACTION
        };
        let mut design = self.design().clone();
        design.name = format!("{} (staging)", design.name);
        design.faults.clear();
        design.releases.clear();
        for node in &mut design.nodes {
            match &mut node.params {
                NodeParams::Users(users) => users.rate_per_second *= fraction,
                NodeParams::AutoscalingGroup(group) => {
                    let scaled = |n: u32| ((f64::from(n) * fraction).ceil() as u32).max(1);
                    group.initial_instances = scaled(group.initial_instances);
                    group.min_instances = scaled(group.min_instances);
                    group.max_instances = scaled(group.max_instances).max(group.min_instances);
                }
                _ => {}
            }
        }
        let seed = staging_seed(self.core.seed);
        let resolution = match self.resolution() {
            Resolution::Aggregated { weight } => {
                let weight = (weight as f64 * fraction).ceil() as u64;
                if weight > 1 {
                    Resolution::Aggregated { weight }
                } else {
                    Resolution::PerRequest
                }
            }
            Resolution::PerRequest => Resolution::PerRequest,
        };
        let mut staging = Simulation::build(&design, seed, resolution);
        // Production's releases, and on each server and group the newest version production has.
        staging.core.releases = self.core.releases.clone();
        for record in &mut staging.core.releases {
            record.completed = 0;
            record.failed = 0;
        }
        for (index, node) in self.nodes.iter().enumerate() {
            if self.core.removed[index] {
                continue;
            }
            if let (NodeState::Pipeline(pipeline), Some(target)) =
                (node, staging.core.find(&self.core.ids[index]))
                && let NodeState::Pipeline(copy) = &mut staging.nodes[target]
            {
                copy.adopt_history(pipeline);
                continue;
            }
            // How long each production instance has been up, for a leak to go on from there.
            let now = self.core.now;
            let up = |instance: &crate::nodes::server::Instance| {
                if instance.state == crate::nodes::server::InstanceState::Running {
                    now.saturating_sub(instance.ready_at)
                } else {
                    0
                }
            };
            let (newest, ups): (u32, Vec<u64>) = match node {
                NodeState::Server(server) => (server.instance.version, vec![up(&server.instance)]),
                NodeState::AutoscalingGroup(group) => (
                    group
                        .members
                        .iter()
                        .filter(|m| m.state != crate::nodes::server::InstanceState::Down)
                        .map(|m| m.version)
                        .max()
                        .unwrap_or(group.version),
                    group
                        .members
                        .iter()
                        .filter(|m| m.state != crate::nodes::server::InstanceState::Down)
                        .map(up)
                        .collect(),
                ),
                _ => continue,
            };
            if newest == 0 {
                continue;
            }
            let Some(target) = staging.core.find(&self.core.ids[index]) else {
                continue;
            };
            let node = NodeIndex(target as u32);
            let core = &mut staging.core;
            match &mut staging.nodes[target] {
                NodeState::Server(server) => {
                    let up_ns = ups.first().copied().unwrap_or(0);
                    server.instance.install(core, node, 0, newest, up_ns);
                }
                NodeState::AutoscalingGroup(group) => {
                    group.version = newest;
                    for (slot, member) in group.members.iter_mut().enumerate() {
                        let up_ns = ups.get(slot).copied().unwrap_or(0);
                        member.install(core, node, slot as u32, newest, up_ns);
                    }
                }
                _ => {}
            }
        }
        staging
    }
}
