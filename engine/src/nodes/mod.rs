//! The node models, one file per kind with the same shape, dispatched through one enum.
//!
//! Every model reacts to the same few things — a call arriving, a worker finishing, a reply from a
//! dependency, one of its timers — and reports the same gauges.

pub(crate) mod autoscaling_group;
pub(crate) mod cache;
pub(crate) mod cdn;
pub(crate) mod database;
pub(crate) mod load_balancer;
pub(crate) mod monitoring;
pub(crate) mod pipeline;
pub(crate) mod rollout;
pub(crate) mod server;
pub(crate) mod service;
pub(crate) mod users;

use crate::core::{CallId, Core, NodeIndex, Timer};
use crate::design::{Design, Node};
use crate::metrics::FailureCause;
use crate::params::NodeParams;
use crate::station::WaitTally;

/// Instantaneous or per-second figures of a node, sampled once a second.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Gauges {
    pub(crate) cpu: f64,
    pub(crate) queue: f64,
    pub(crate) memory_mb: f64,
    pub(crate) connections: f64,
    /// Running instances (1 or 0 for single nodes).
    pub(crate) instances: u32,
    /// Waits for a worker over the last second, every station of the node together.
    pub(crate) waits: WaitTally,
}

#[derive(Clone)]
pub(crate) enum NodeState {
    Users(users::Users),
    LoadBalancer(load_balancer::LoadBalancer),
    /// Servers and services (a service fans out to every link).
    Server(server::Server),
    AutoscalingGroup(autoscaling_group::AutoscalingGroup),
    Cache(cache::Cache),
    Cdn(cdn::Cdn),
    Database(database::Database),
    Monitoring(monitoring::Monitoring),
    Pipeline(pipeline::Pipeline),
}

impl NodeState {
    /// The model of `node` at `index`, as the run starts (or as a live edit adds it).
    /// `worker_counts` (per node index) weigh a load balancer's backends; `alert_rules` are what a
    /// monitoring node evaluates.
    pub(crate) fn build(
        core: &mut Core,
        index: NodeIndex,
        node: &Node,
        design: &Design,
        worker_counts: &[u32],
    ) -> NodeState {
        match &node.params {
            NodeParams::Users(p) => NodeState::Users(users::Users::new(core, index, p)),
            NodeParams::LoadBalancer(p) => NodeState::LoadBalancer(
                load_balancer::LoadBalancer::new(core, index, p, worker_counts),
            ),
            NodeParams::Server(p) => NodeState::Server(server::Server::new(core, index, p, false)),
            NodeParams::Service(p) => NodeState::Server(service::new(core, index, p)),
            NodeParams::AutoscalingGroup(p) => NodeState::AutoscalingGroup(
                autoscaling_group::AutoscalingGroup::new(core, index, p),
            ),
            NodeParams::Cache(p) => NodeState::Cache(cache::Cache::new(core, index, p)),
            NodeParams::Cdn(p) => NodeState::Cdn(cdn::Cdn::new(index, p)),
            NodeParams::Database(p) => NodeState::Database(database::Database::new(index, p)),
            NodeParams::Monitoring(p) => NodeState::Monitoring(monitoring::Monitoring::new(
                core,
                index,
                p,
                &design.alert_rules,
            )),
            NodeParams::Pipeline(p) => {
                NodeState::Pipeline(pipeline::Pipeline::new(core, index, p, design))
            }
        }
    }

    /// New parameters while running (already validated, of the node's own kind): each model takes
    /// them its own way (see the node files' `set_params`).
    pub(crate) fn set_params(&mut self, core: &mut Core, params: NodeParams) {
        match (self, params) {
            (NodeState::Users(users), NodeParams::Users(p)) => {
                users.params = p;
                users.rearm(core);
            }
            (NodeState::LoadBalancer(lb), NodeParams::LoadBalancer(p)) => lb.set_params(core, p),
            (NodeState::Server(server), NodeParams::Server(p) | NodeParams::Service(p)) => {
                server.set_params(&p);
            }
            (NodeState::AutoscalingGroup(group), NodeParams::AutoscalingGroup(p)) => {
                group.set_params(core, p);
            }
            (NodeState::Cache(cache), NodeParams::Cache(p)) => cache.set_params(core, p),
            (NodeState::Cdn(cdn), NodeParams::Cdn(p)) => cdn.params = p,
            (NodeState::Database(database), NodeParams::Database(p)) => database.set_params(p),
            (NodeState::Monitoring(monitoring), NodeParams::Monitoring(p)) => {
                monitoring.set_params(core, p);
            }
            (NodeState::Pipeline(pipeline), NodeParams::Pipeline(p)) => pipeline.set_params(p),
            _ => {}
        }
    }
}

/// How many workers a node brings (weights of weighted round robin).
pub(crate) fn worker_count(params: &NodeParams) -> u32 {
    match params {
        NodeParams::Server(p) | NodeParams::Service(p) => p.worker_count(),
        NodeParams::AutoscalingGroup(p) => p.server.worker_count() * p.initial_instances.max(1),
        _ => 1,
    }
}

impl NodeState {
    /// The node's outgoing links changed while running (a live edit): route over the new ones.
    /// `worker_counts` (per node index) weigh new load-balancer backends.
    pub(crate) fn follow_links(&mut self, core: &mut Core, worker_counts: &[u32]) {
        match self {
            NodeState::Users(node) => node.find_links(core),
            NodeState::LoadBalancer(node) => node.sync_backends(core, worker_counts),
            NodeState::Server(node) => node.follow_links(core),
            NodeState::AutoscalingGroup(node) => node.follow_links(core),
            NodeState::Cache(node) => node.follow_links(core),
            // The CDN looks its origin up per request; databases and monitoring call nobody.
            NodeState::Cdn(_)
            | NodeState::Database(_)
            | NodeState::Monitoring(_)
            | NodeState::Pipeline(_) => {}
        }
    }

    pub(crate) fn arrive(&mut self, core: &mut Core, call: CallId) {
        match self {
            NodeState::LoadBalancer(node) => node.arrive(core, call),
            NodeState::Server(node) => node.arrive(core, call),
            NodeState::AutoscalingGroup(node) => node.arrive(core, call),
            NodeState::Cache(node) => node.arrive(core, call),
            NodeState::Cdn(node) => node.arrive(core, call),
            NodeState::Database(node) => node.arrive(core, call),
            NodeState::Users(_) | NodeState::Monitoring(_) | NodeState::Pipeline(_) => {
                // Validation forbids links into these; answer anyway rather than lose the call.
                core.arrived(call);
                let node = core.calls.get(call).map_or(0, |c| c.node.0);
                core.fail(call, FailureCause::NoRoute { node });
            }
        }
    }

    pub(crate) fn service_done(&mut self, core: &mut Core, call: CallId) {
        match self {
            NodeState::Server(node) => node.service_done(core, call),
            NodeState::AutoscalingGroup(node) => node.service_done(core, call),
            NodeState::Cache(node) => node.service_done(core, call),
            NodeState::Database(node) => node.service_done(core, call),
            _ => {}
        }
    }

    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        parent: CallId,
        failure: Option<FailureCause>,
    ) {
        match self {
            NodeState::Users(node) => node.response(core, parent, failure),
            NodeState::LoadBalancer(node) => node.response(core, parent, failure),
            NodeState::Server(node) => node.response(core, parent, failure),
            NodeState::AutoscalingGroup(node) => node.response(core, parent, failure),
            NodeState::Cache(node) => node.response(core, parent, failure),
            NodeState::Cdn(node) => node.response(core, parent, failure),
            NodeState::Database(_) | NodeState::Monitoring(_) | NodeState::Pipeline(_) => {}
        }
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        match self {
            NodeState::Users(node) => node.timer(core, timer),
            NodeState::LoadBalancer(node) => node.timer(core, timer),
            NodeState::Server(node) => node.timer(core, timer),
            NodeState::AutoscalingGroup(node) => node.timer(core, timer),
            NodeState::Cdn(node) => node.timer(core, timer),
            NodeState::Database(node) => node.timer(core, timer),
            NodeState::Monitoring(node) => node.timer(core, timer),
            NodeState::Pipeline(node) => node.timer(core, timer),
            NodeState::Cache(_) => {}
        }
    }

    /// Whether a health probe gets an answer.
    pub(crate) fn is_up(&self) -> bool {
        match self {
            NodeState::Users(node) => node.up,
            NodeState::LoadBalancer(node) => node.up,
            NodeState::Server(node) => node.is_up(),
            NodeState::AutoscalingGroup(node) => node.is_up(),
            NodeState::Cache(node) => node.up,
            NodeState::Cdn(node) => node.up,
            NodeState::Database(node) => node.is_up(),
            NodeState::Monitoring(node) => node.up,
            NodeState::Pipeline(node) => node.up,
        }
    }

    pub(crate) fn kill(&mut self, core: &mut Core) {
        match self {
            NodeState::Users(node) => {
                node.up = false;
                node.rearm(core);
            }
            NodeState::LoadBalancer(node) => node.kill(core),
            NodeState::Server(node) => node.kill(core),
            NodeState::AutoscalingGroup(node) => node.kill(core),
            NodeState::Cache(node) => node.kill(core),
            NodeState::Cdn(node) => node.up = false,
            NodeState::Database(node) => node.kill(core),
            NodeState::Monitoring(node) => node.kill(core),
            NodeState::Pipeline(node) => node.up = false,
        }
    }

    pub(crate) fn restart(&mut self, core: &mut Core) {
        match self {
            NodeState::Users(node) => {
                node.up = true;
                node.rearm(core);
            }
            NodeState::LoadBalancer(node) => node.restart(core),
            NodeState::Server(node) => node.restart(core),
            NodeState::AutoscalingGroup(node) => node.restart(core),
            NodeState::Cache(node) => node.restart(core),
            NodeState::Cdn(node) => node.up = true,
            NodeState::Database(node) => node.restart(core),
            NodeState::Monitoring(node) => node.restart(core),
            NodeState::Pipeline(node) => node.restart(core),
        }
    }

    /// Multiplies every service time at the node (1 = normal).
    pub(crate) fn set_slow(&mut self, factor: f64) {
        match self {
            NodeState::Server(node) => node.instance.slow_factor = factor,
            NodeState::AutoscalingGroup(node) => node.set_slow(factor),
            NodeState::Cache(node) => node.slow_factor = factor,
            NodeState::Database(node) => node.slow_factor = factor,
            _ => {}
        }
    }

    pub(crate) fn gauges(&mut self, now: u64) -> Gauges {
        match self {
            NodeState::Users(node) => node.gauges(),
            NodeState::LoadBalancer(node) => node.gauges(),
            NodeState::Server(node) => node.gauges(now),
            NodeState::AutoscalingGroup(node) => node.gauges(now),
            NodeState::Cache(node) => node.gauges(now),
            NodeState::Cdn(node) => node.gauges(),
            NodeState::Database(node) => node.gauges(now),
            NodeState::Monitoring(node) => Gauges {
                instances: u32::from(node.up),
                ..Gauges::default()
            },
            NodeState::Pipeline(node) => Gauges {
                instances: u32::from(node.up),
                ..Gauges::default()
            },
        }
    }

    /// Follows the resolution: every new call stands for `weight` requests, and stations draw waits
    /// from their steady state instead of queueing calls one by one while `weight` is above 1
    /// (calls already in flight keep their weight; see `Station::follow_weight`).
    pub(crate) fn set_weight(&mut self, core: &mut Core, weight: u64) {
        let now = core.now;
        match self {
            NodeState::Users(node) => {
                node.weight = weight;
                node.rearm(core);
            }
            NodeState::Server(node) => node.instance.set_weight(weight, now),
            NodeState::AutoscalingGroup(node) => {
                node.aggregated = (weight > 1).then_some(weight);
                node.members
                    .iter_mut()
                    .for_each(|m| m.set_weight(weight, now));
            }
            NodeState::Cache(node) => node.station.follow_weight(weight, now),
            NodeState::Database(node) => {
                node.weight = weight;
                node.instances
                    .iter_mut()
                    .for_each(|i| i.station.follow_weight(weight, now));
            }
            NodeState::LoadBalancer(_)
            | NodeState::Cdn(_)
            | NodeState::Monitoring(_)
            | NodeState::Pipeline(_) => {}
        }
    }

    /// Waits for a worker since the start (or the last reset), every station of the node together;
    /// `None` for nodes without workers.
    pub(crate) fn waits(&self) -> Option<WaitTally> {
        let mut total = WaitTally::default();
        match self {
            NodeState::Server(node) => total.add(node.instance.station.waits),
            NodeState::AutoscalingGroup(node) => {
                node.members.iter().for_each(|m| total.add(m.station.waits));
            }
            NodeState::Cache(node) => total.add(node.station.waits),
            NodeState::Database(node) => {
                node.instances
                    .iter()
                    .for_each(|i| total.add(i.station.waits));
            }
            NodeState::Users(_)
            | NodeState::LoadBalancer(_)
            | NodeState::Cdn(_)
            | NodeState::Monitoring(_)
            | NodeState::Pipeline(_) => return None,
        }
        Some(total)
    }

    /// Restarts whole-run utilisation figures (after a warm-up).
    pub(crate) fn reset_statistics(&mut self, now: u64) {
        match self {
            NodeState::Server(node) => node.instance.station.reset(now),
            NodeState::AutoscalingGroup(node) => {
                node.members.iter_mut().for_each(|m| m.station.reset(now));
            }
            NodeState::Cache(node) => node.station.reset(now),
            NodeState::Database(node) => {
                node.instances.iter_mut().for_each(|i| i.station.reset(now));
            }
            _ => {}
        }
    }

    pub(crate) fn cost_per_hour(&self) -> f64 {
        match self {
            NodeState::Users(_) => 0.0,
            NodeState::LoadBalancer(node) => node.cost_per_hour(),
            NodeState::Server(node) => node.cost_per_hour(),
            NodeState::AutoscalingGroup(node) => node.cost_per_hour(),
            NodeState::Cache(node) => node.params.cost_per_hour,
            NodeState::Cdn(node) => node.params.cost_per_hour,
            NodeState::Database(node) => node.cost_per_hour(),
            NodeState::Monitoring(node) => node.params().cost_per_hour,
            NodeState::Pipeline(node) => node.params.cost_per_hour,
        }
    }
}
