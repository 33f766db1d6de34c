//! A log shipper's buffer while the log store (the monitoring node) is down: Fluentd keeps what it
//! cannot deliver in its buffer up to `total_limit_size` and then, with its default
//! `overflow_action throw_exception`, refuses new lines (they are lost, counted here); Logstash's
//! in-memory queue pushes back instead, so its lines wait and none is lost; a direct log does not
//! depend on the store. Once the store is back, what was buffered is delivered (at Fluentd's next
//! flush). See <https://docs.fluentd.org/configuration/buffer-section>.
//!
//! The volume is every response of every node (one access line each, about [`LOG_LINE_BYTES`]),
//! not only the sampled lines the app shows, so a buffer fills as fast as a real one would.

use serde::Serialize;

use crate::params::LogShipper;

/// The size of one access line, bytes (a typical combined-format line with a request id).
pub const LOG_LINE_BYTES: f64 = 200.0;

/// One stretch of time the log store was down.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogOutage {
    pub from_s: f64,
    /// When the store came back (`None` while it is still down).
    pub to_s: Option<f64>,
    /// When the buffer filled up; lines logged from then until `to_s` are lost.
    pub overflow_s: Option<f64>,
    /// Lines held in the buffer, delivered when the store is back.
    pub buffered_lines: u64,
    /// Lines refused by the full buffer.
    pub lost_lines: u64,
}

/// When a line logged at some time becomes searchable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Delivery {
    /// At this time (it may be past).
    At(f64),
    /// Not yet known: it waits in a buffer for the store to come back.
    Waiting,
    /// Never: a full buffer refused it.
    Lost,
}

impl LogShipper {
    /// When a line logged at `time_s` becomes searchable, given the store's outages so far.
    pub fn delivery(self, time_s: f64, outages: &[LogOutage]) -> Delivery {
        if self == LogShipper::Direct {
            return Delivery::At(time_s);
        }
        let during = outages
            .iter()
            .find(|o| o.from_s <= time_s && o.to_s.is_none_or(|to| time_s < to));
        match during {
            None => Delivery::At(self.searchable_at(time_s)),
            Some(outage) if outage.overflow_s.is_some_and(|at| time_s >= at) => Delivery::Lost,
            Some(LogOutage { to_s: None, .. }) => Delivery::Waiting,
            Some(LogOutage { to_s: Some(to), .. }) => Delivery::At(self.searchable_at(*to)),
        }
    }
}

/// The buffer of the monitoring node's shipper, and the outages it went through.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogBuffer {
    pub(crate) outages: Vec<LogOutage>,
}

impl LogBuffer {
    /// The store went down at `now_s`.
    pub(crate) fn down(&mut self, now_s: f64) {
        if self.outages.last().is_none_or(|o| o.to_s.is_some()) {
            self.outages.push(LogOutage {
                from_s: now_s,
                to_s: None,
                overflow_s: None,
                buffered_lines: 0,
                lost_lines: 0,
            });
        }
    }

    /// The store is back at `now_s`: the buffer is delivered.
    pub(crate) fn up(&mut self, now_s: f64) {
        if let Some(outage) = self.outages.last_mut().filter(|o| o.to_s.is_none()) {
            outage.to_s = Some(now_s);
        }
    }

    /// A second of logging, `lines` lines, ended at `now_s`. Returns true when the buffer filled up
    /// in it (the moment to say so in the log).
    pub(crate) fn second(
        &mut self,
        now_s: f64,
        lines: u64,
        shipper: LogShipper,
        limit_mb: f64,
    ) -> bool {
        let Some(outage) = self.outages.last_mut().filter(|o| o.to_s.is_none()) else {
            return false;
        };
        // The part of this second the store was down.
        let share = (now_s - outage.from_s).clamp(0.0, 1.0);
        let lines = libm::round(lines as f64 * share) as u64;
        match shipper {
            LogShipper::Direct => false,
            LogShipper::Logstash => {
                outage.buffered_lines += lines;
                false
            }
            LogShipper::Fluentd => {
                // Fluentd's sizes are binary: 512MB is 512 MiB.
                let capacity = (limit_mb.max(0.0) * 1_048_576.0 / LOG_LINE_BYTES) as u64;
                let room = capacity.saturating_sub(outage.buffered_lines);
                let kept = lines.min(room);
                outage.buffered_lines += kept;
                outage.lost_lines += lines - kept;
                if lines > kept && outage.overflow_s.is_none() {
                    // Lines arrive evenly over the second: it filled after the kept ones.
                    outage.overflow_s = Some(now_s - share + share * kept as f64 / lines as f64);
                    return true;
                }
                false
            }
        }
    }
}
