//! Monitoring: scrapes every node's metrics at an interval and evaluates the design's alert rules.
//!
//! Models: a scrape every `scrape_interval_s` seconds that looks at the 1-second series covering the
//! interval, so an alert can only change state at a scrape (as with Prometheus); firing and resolving
//! produce notifications on the rule's channel. The log itself is kept by the simulation.
//!
//! Leaves out: scrape failures, retention, recording rules, alert grouping and silences.

use crate::alerts::AlertEngine;
use crate::core::{Core, NodeIndex, Timer};
use crate::design::AlertRule;
use crate::log_shipping::LogBuffer;
use crate::params::MonitoringParams;
use crate::random::to_ns;

#[derive(Clone)]
pub(crate) struct Monitoring {
    pub(crate) index: NodeIndex,
    pub(crate) params: MonitoringParams,
    pub(crate) alerts: AlertEngine,
    pub(crate) up: bool,
    /// The log shipper's buffer while this node (the log store) is down.
    pub(crate) log_buffer: LogBuffer,
}

impl Monitoring {
    pub(crate) fn new(
        core: &mut Core,
        index: NodeIndex,
        params: &MonitoringParams,
        rules: &[AlertRule],
    ) -> Monitoring {
        core.timer(to_ns(params.scrape_interval_s * 1e9), index, Timer::Scrape);
        Monitoring {
            index,
            params: params.clone(),
            alerts: AlertEngine::new(rules),
            up: true,
            log_buffer: LogBuffer::default(),
        }
    }

    /// It dies: no scrapes, and the log store it stands for is unreachable.
    pub(crate) fn kill(&mut self, core: &Core) {
        self.up = false;
        self.log_buffer.down(core.now as f64 / 1e9);
    }

    pub(crate) fn restart(&mut self, core: &Core) {
        self.up = true;
        self.log_buffer.up(core.now as f64 / 1e9);
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        if let Timer::Scrape = timer {
            core.timer(
                to_ns(self.params.scrape_interval_s * 1e9),
                self.index,
                Timer::Scrape,
            );
            if self.up {
                let window = self.params.scrape_interval_s.round().max(1.0) as usize;
                self.alerts.evaluate(core, window);
            }
        }
    }
}
