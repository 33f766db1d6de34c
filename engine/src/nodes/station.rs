//! A multi-server queue: `workers` identical workers and a bounded FIFO waiting room. Servers,
//! service instances, cache threads and database instances are all built on it.

use std::collections::VecDeque;

use crate::core::CallId;

pub(crate) enum Admission {
    /// A worker was free: service starts now.
    Start,
    /// All workers busy: the call waits.
    Wait,
    /// All workers busy and the waiting room full.
    Full,
}

pub(crate) struct Station {
    pub(crate) workers: u32,
    pub(crate) busy: u32,
    waiting: VecDeque<(CallId, u64)>,
    /// Places in the waiting room.
    pub(crate) queue_capacity: usize,
    /// Integral of busy workers over time, worker·nanoseconds.
    busy_integral: f64,
    changed_at: u64,
    window_start: f64,
    window_started_at: u64,
    since: u64,
    integral_at_reset: f64,
}

impl Station {
    pub(crate) fn new(workers: u32, queue_capacity: usize) -> Station {
        Station {
            workers: workers.max(1),
            busy: 0,
            waiting: VecDeque::new(),
            queue_capacity,
            busy_integral: 0.0,
            changed_at: 0,
            window_start: 0.0,
            window_started_at: 0,
            since: 0,
            integral_at_reset: 0.0,
        }
    }

    fn accrue(&mut self, now: u64) {
        self.busy_integral += f64::from(self.busy) * now.saturating_sub(self.changed_at) as f64;
        self.changed_at = now;
    }

    pub(crate) fn admit(&mut self, now: u64, call: CallId) -> Admission {
        if self.busy < self.workers {
            self.accrue(now);
            self.busy += 1;
            Admission::Start
        } else if self.waiting.len() < self.queue_capacity {
            self.waiting.push_back((call, now));
            Admission::Wait
        } else {
            Admission::Full
        }
    }

    /// A worker finished: hands it the next waiting call (with its enqueue time) or frees it.
    pub(crate) fn next(&mut self, now: u64) -> Option<(CallId, u64)> {
        match self.waiting.pop_front() {
            Some(next) => Some(next),
            None => {
                self.accrue(now);
                self.busy = self.busy.saturating_sub(1);
                None
            }
        }
    }

    /// Calls in the waiting room.
    pub(crate) fn queue_len(&self) -> usize {
        self.waiting.len()
    }

    /// A crash: every waiting call is returned to be failed, all workers are freed.
    pub(crate) fn clear(&mut self, now: u64) -> Vec<(CallId, u64)> {
        self.accrue(now);
        self.busy = 0;
        self.waiting.drain(..).collect()
    }

    /// Mean utilisation since the last call, 0..=1; starts a new window.
    pub(crate) fn window_utilisation(&mut self, now: u64) -> f64 {
        self.accrue(now);
        let span = now.saturating_sub(self.window_started_at) as f64 * f64::from(self.workers);
        let used = self.busy_integral - self.window_start;
        self.window_start = self.busy_integral;
        self.window_started_at = now;
        if span > 0.0 {
            (used / span).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Mean utilisation since the start (or the last reset), 0..=1.
    pub(crate) fn utilisation(&mut self, now: u64) -> f64 {
        self.accrue(now);
        let span = now.saturating_sub(self.since) as f64 * f64::from(self.workers);
        if span > 0.0 {
            ((self.busy_integral - self.integral_at_reset) / span).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Starts the whole-run utilisation afresh (after a warm-up).
    pub(crate) fn reset(&mut self, now: u64) {
        self.accrue(now);
        self.since = now;
        self.integral_at_reset = self.busy_integral;
    }
}
