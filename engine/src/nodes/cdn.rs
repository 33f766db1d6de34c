//! CDN: edge caches in front of the origin for static assets.
//!
//! Models: a static asset is served at the edge with probability `edge_hit_ratio` after
//! `edge_latency_ms`; a miss, and every non-static request, goes on to the origin (the first outgoing
//! link) after the same edge latency. The edge has no queue: its capacity is taken as unlimited.
//!
//! Leaves out: per-object popularity at the edge, cache fill, regional points of presence, bandwidth.

use crate::core::{CallId, Core, NodeIndex, Timer};
use crate::metrics::FailureCause;
use crate::nodes::Gauges;
use crate::params::{CdnParams, RequestType};
use crate::random::to_ns;

#[derive(Clone)]
pub(crate) struct Cdn {
    pub(crate) index: NodeIndex,
    pub(crate) params: CdnParams,
    pub(crate) up: bool,
    inside: u32,
}

impl Cdn {
    pub(crate) fn new(index: NodeIndex, params: &CdnParams) -> Cdn {
        Cdn {
            index,
            params: params.clone(),
            up: true,
            inside: 0,
        }
    }

    pub(crate) fn arrive(&mut self, core: &mut Core, call: CallId) {
        core.arrived(call);
        if !self.up {
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            return;
        }
        let Some(request_type) = core.calls.get(call).map(|c| c.request_type) else {
            return;
        };
        let delay = to_ns(self.params.edge_latency_ms * 1e6);
        self.inside += 1;
        let hit = request_type == RequestType::StaticAsset
            && core.streams[self.index.get()]
                .hits
                .chance(self.params.edge_hit_ratio);
        let metrics = &mut core.metrics[self.index.get()];
        if request_type == RequestType::StaticAsset {
            if hit {
                metrics.hits += 1;
                metrics.window_hits += 1;
            } else {
                metrics.misses += 1;
                metrics.window_misses += 1;
            }
        }
        if hit {
            if let Some(state) = core.calls.get_mut(call) {
                state.hit = true;
            }
            core.timer(delay, self.index, Timer::Delay { call });
            return;
        }
        match core.outgoing[self.index.get()].first().copied() {
            Some(origin) => {
                core.forward(call, origin, delay);
            }
            None => {
                self.inside -= 1;
                core.fail(call, FailureCause::NoRoute { node: self.index.0 });
            }
        }
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        if let Timer::Delay { call } = timer {
            self.inside = self.inside.saturating_sub(1);
            core.respond(call, Ok(()));
        }
    }

    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        parent: CallId,
        failure: Option<FailureCause>,
    ) {
        self.inside = self.inside.saturating_sub(1);
        core.respond(parent, failure.map_or(Ok(()), Err));
    }

    pub(crate) fn gauges(&self) -> Gauges {
        Gauges {
            connections: f64::from(self.inside),
            instances: u32::from(self.up),
            ..Gauges::default()
        }
    }
}
