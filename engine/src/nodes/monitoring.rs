//! Monitoring: scrapes every node's metrics at an interval, evaluates the design's alert rules and
//! sends their notifications.
//!
//! Models: a scrape every `scrape_interval_s` seconds that takes the 1-second series covering the
//! interval, so an alert can only see what a scrape saw (as with Prometheus). Rules are evaluated at
//! each scrape, or, with an `evaluation_interval_s`, on their own clock (whose phase against the
//! scrapes is drawn from the node's random stream, as a real Prometheus's offsets are unrelated) on
//! the data of the last scrape. A rule's change of state goes to its channel at once, or, when the
//! node groups notifications (`group_wait_s`, `group_interval_s`, `repeat_interval_s`), through the
//! Alertmanager pipeline of `crate::alertmanager`. The log itself is kept by the simulation.
//!
//! Leaves out: scrape failures and timeouts, retention, recording rules, silences and inhibition.

use crate::alerts::AlertEngine;
use crate::core::{Core, NodeIndex, Timer};
use crate::design::AlertRule;
use crate::log_shipping::LogBuffer;
use crate::params::MonitoringParams;
use crate::random::to_ns;

#[derive(Clone)]
pub(crate) struct Monitoring {
    pub(crate) index: NodeIndex,
    params: MonitoringParams,
    pub(crate) alerts: AlertEngine,
    pub(crate) up: bool,
    /// The log shipper's buffer while this node (the log store) is down.
    pub(crate) log_buffer: LogBuffer,
    /// When the last scrape happened, nanoseconds.
    scraped_at: u64,
    /// Whether an `EvaluateRules` timer is on its way.
    evaluating: bool,
    /// When the `Notify` timer on its way is due, nanoseconds.
    notify_at: Option<u64>,
}

impl Monitoring {
    pub(crate) fn new(
        core: &mut Core,
        index: NodeIndex,
        params: &MonitoringParams,
        rules: &[AlertRule],
    ) -> Monitoring {
        core.timer(to_ns(params.scrape_interval_s * 1e9), index, Timer::Scrape);
        let mut monitoring = Monitoring {
            index,
            params: params.clone(),
            alerts: AlertEngine::new(rules),
            up: true,
            log_buffer: LogBuffer::default(),
            scraped_at: 0,
            evaluating: false,
            notify_at: None,
        };
        monitoring.start_evaluating(core);
        monitoring
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

    pub(crate) fn params(&self) -> &MonitoringParams {
        &self.params
    }

    /// The parameters were edited while running: a new evaluation interval starts its clock now.
    pub(crate) fn set_params(&mut self, core: &mut Core, params: MonitoringParams) {
        self.params = params;
        self.start_evaluating(core);
        self.schedule_notify(core);
    }

    fn start_evaluating(&mut self, core: &mut Core) {
        let interval = self.params.evaluation_interval_s;
        if interval > 0.0 && !self.evaluating {
            self.evaluating = true;
            let phase = core.streams[self.index.get()].probes.uniform();
            core.timer(
                to_ns((1.0 - phase) * interval * 1e9),
                self.index,
                Timer::EvaluateRules,
            );
        }
    }

    fn window_s(&self) -> usize {
        self.params.scrape_interval_s.round().max(1.0) as usize
    }

    fn evaluate(&mut self, core: &mut Core) {
        if self.up {
            let window = self.window_s();
            self.alerts
                .evaluate(core, &self.params, window, self.scraped_at);
            self.schedule_notify(core);
        }
    }

    /// Makes sure a `Notify` timer comes when the pipeline next has something due.
    fn schedule_notify(&mut self, core: &mut Core) {
        let Some(due) = self.alerts.next_due() else {
            return;
        };
        if due == u64::MAX || self.notify_at.is_some_and(|at| at <= due) {
            return;
        }
        self.notify_at = Some(due);
        core.timer(due.saturating_sub(core.now), self.index, Timer::Notify);
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        match timer {
            Timer::Scrape => {
                core.timer(
                    to_ns(self.params.scrape_interval_s * 1e9),
                    self.index,
                    Timer::Scrape,
                );
                if self.up {
                    self.scraped_at = core.now;
                }
                if self.params.evaluation_interval_s <= 0.0 {
                    self.evaluate(core);
                }
            }
            Timer::EvaluateRules => {
                if self.params.evaluation_interval_s > 0.0 {
                    core.timer(
                        to_ns(self.params.evaluation_interval_s * 1e9),
                        self.index,
                        Timer::EvaluateRules,
                    );
                    self.evaluate(core);
                } else {
                    self.evaluating = false;
                }
            }
            Timer::Notify => {
                if self.notify_at == Some(core.now) {
                    self.notify_at = None;
                }
                // A monitoring node that is down sends nothing; its next evaluation after it is
                // back picks the pipeline up again.
                if self.up {
                    self.alerts.flush(&self.params, core.now);
                    self.schedule_notify(core);
                }
            }
            _ => {}
        }
    }
}
