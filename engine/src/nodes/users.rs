//! Users: a population of clients sending requests.
//!
//! Models: a non-homogeneous Poisson arrival process (the rate follows the pattern: constant, ramp,
//! step, spike or diurnal sine, times any live traffic-spike factor), drawn by thinning; each request
//! has a type drawn from the mix and a user id (for sticky routing); static assets go to a linked CDN,
//! everything else to the first other link. The client gives up on an attempt after its timeout and
//! retries failed or timed-out attempts with exponential backoff and optional full jitter, so retry
//! storms happen when the system slows down. Business figures: a successful write is a signup, a
//! successful payment earns `payment_value`, a finally failed payment loses it.
//!
//! Leaves out: think times and sessions (users are an open population), browser connection limits.
//! Units: rate in requests per second, times in milliseconds in parameters, nanoseconds inside.

use crate::NodeKind;
use crate::core::{CallId, Core, Event, LinkIndex, NodeIndex, Timer};
use crate::metrics::FailureCause;
use crate::nodes::Gauges;
use crate::params::{RatePattern, RequestType, UsersParams};
use crate::random::to_ns;

#[derive(Clone)]
pub(crate) struct Users {
    pub(crate) index: NodeIndex,
    pub(crate) params: UsersParams,
    /// Live traffic-spike factor.
    pub(crate) spike: f64,
    pub(crate) up: bool,
    /// Bumped when the rate changes, so the pending arrival is redrawn.
    generation: u32,
    cdn: Option<LinkIndex>,
    entry: Option<LinkIndex>,
    in_flight: u32,
    /// Requests per arrival event: 1, or more in the aggregated resolution.
    pub(crate) weight: u64,
    /// Client deadlines of attempts, oldest first: (deadline, root call, attempt).
    deadlines: std::collections::VecDeque<(u64, CallId, u32)>,
    /// The deadline the pending timer event is for.
    armed_for: Option<u64>,
    /// Peak rate per arrival event, per second; every change of rate goes through `rearm`.
    max_rate: f64,
}

impl Users {
    pub(crate) fn new(core: &mut Core, index: NodeIndex, params: &UsersParams) -> Users {
        let mut users = Users {
            index,
            params: params.clone(),
            spike: 1.0,
            up: true,
            generation: 0,
            cdn: None,
            entry: None,
            in_flight: 0,
            weight: 1,
            deadlines: std::collections::VecDeque::new(),
            armed_for: None,
            max_rate: 0.0,
        };
        users.find_links(core);
        users.rearm(core);
        users
    }

    pub(crate) fn find_links(&mut self, core: &Core) {
        self.cdn = None;
        self.entry = None;
        for &link in &core.outgoing[self.index.get()] {
            let kind = core.kinds[core.links[link.get()].to.get()];
            if kind == NodeKind::Cdn {
                self.cdn.get_or_insert(link);
            } else {
                self.entry.get_or_insert(link);
            }
        }
    }

    /// The rate at simulated time `t`, requests per second (before the spike factor).
    pub(crate) fn rate_at(params: &UsersParams, t: f64) -> f64 {
        let base = params.rate_per_second;
        let rate = match &params.pattern {
            RatePattern::Constant => base,
            RatePattern::Ramp {
                start_rate_per_second,
                duration_s,
            } => {
                if t >= *duration_s || *duration_s <= 0.0 {
                    base
                } else {
                    start_rate_per_second + (base - start_rate_per_second) * t / duration_s
                }
            }
            RatePattern::Step {
                at_s,
                rate_per_second_after,
            } => {
                if t >= *at_s {
                    *rate_per_second_after
                } else {
                    base
                }
            }
            RatePattern::Spike {
                at_s,
                duration_s,
                factor,
            } => {
                if t >= *at_s && t < at_s + duration_s {
                    base * factor
                } else {
                    base
                }
            }
            RatePattern::Diurnal {
                period_s,
                amplitude,
            } => base * (1.0 + amplitude * libm::sin(std::f64::consts::TAU * t / period_s)),
        };
        rate.max(0.0)
    }

    /// The highest rate the pattern can reach, for thinning (cached by `rearm`).
    fn max_rate(&self) -> f64 {
        self.max_rate
    }

    /// The highest rate a traffic profile reaches, requests per second.
    pub(crate) fn peak_rate(params: &UsersParams) -> f64 {
        let base = params.rate_per_second;
        match &params.pattern {
            RatePattern::Constant => base,
            RatePattern::Ramp {
                start_rate_per_second,
                ..
            } => base.max(*start_rate_per_second),
            RatePattern::Step {
                rate_per_second_after,
                ..
            } => base.max(*rate_per_second_after),
            RatePattern::Spike { factor, .. } => base.max(base * factor),
            RatePattern::Diurnal { amplitude, .. } => base * (1.0 + amplitude),
        }
    }

    /// Throws away the pending arrival and draws a new one (the process is memoryless).
    pub(crate) fn rearm(&mut self, core: &mut Core) {
        self.generation = self.generation.wrapping_add(1);
        self.max_rate = Users::peak_rate(&self.params) * self.spike / self.weight as f64;
        let max_rate = self.max_rate();
        if self.up && max_rate > 0.0 && max_rate.is_finite() {
            let gap = to_ns(
                core.streams[self.index.get()]
                    .arrivals
                    .exponential(1e9 / max_rate),
            );
            core.schedule(
                gap,
                Event::Arrival {
                    node: self.index,
                    generation: self.generation,
                },
            );
        }
    }

    pub(crate) fn arrival(&mut self, core: &mut Core, generation: u32) {
        if generation != self.generation || !self.up {
            return;
        }
        let max_rate = self.max_rate();
        let rate =
            Users::rate_at(&self.params, core.now as f64 / 1e9) * self.spike / self.weight as f64;
        let accepted = rate >= max_rate
            || core.streams[self.index.get()]
                .arrivals
                .chance(rate / max_rate);
        let gap = to_ns(
            core.streams[self.index.get()]
                .arrivals
                .exponential(1e9 / max_rate),
        );
        core.schedule(
            gap,
            Event::Arrival {
                node: self.index,
                generation: self.generation,
            },
        );
        if !accepted {
            return;
        }
        let request_type = self.draw_type(core);
        let user = core.streams[self.index.get()]
            .keys
            .below(self.params.distinct_users.max(1) as usize) as u32;
        let work = core.streams[self.index.get()].work.next_u64();
        let root = core.new_root(self.index, request_type, user, self.weight, work);
        core.totals.requests += self.weight;
        core.metrics[self.index.get()].arrive(core.now, self.weight);
        self.in_flight += 1;
        self.attempt(core, root);
    }

    fn draw_type(&self, core: &mut Core) -> RequestType {
        let weights = self.params.mix.weights();
        let total: f64 = weights.iter().sum();
        let mut pick = core.streams[self.index.get()].request_types.uniform() * total;
        for (index, weight) in weights.iter().enumerate() {
            if pick < *weight {
                return RequestType::ALL[index];
            }
            pick -= weight;
        }
        RequestType::Read
    }

    fn attempt(&mut self, core: &mut Core, root: CallId) {
        let Some(call) = core.calls.get_mut(root) else {
            return;
        };
        call.attempt += 1;
        call.arrived = core.now;
        call.pending = 0;
        call.failure = None;
        let attempt = call.attempt;
        let link = if call.request_type == RequestType::StaticAsset {
            self.cdn.or(self.entry)
        } else {
            self.entry.or(self.cdn)
        };
        core.totals.attempts += 1;
        let Some(link) = link else {
            self.outcome(
                core,
                root,
                Some(FailureCause::NoRoute { node: self.index.0 }),
            );
            return;
        };
        let child = core.forward(root, link, 0);
        if let Some(call) = core.calls.get_mut(root) {
            call.child = child;
        }
        let deadline = core.now.saturating_add(to_ns(self.params.timeout_ms * 1e6));
        self.deadlines.push_back((deadline, root, attempt));
        self.arm(core);
    }

    /// Keeps one timer event pending for the earliest live deadline. Deadlines are kept in a FIFO
    /// (the timeout is the same for every attempt), and answered attempts are dropped from its
    /// front, so neither the event list nor the FIFO grows with a long timeout.
    fn arm(&mut self, core: &mut Core) {
        while let Some(&(_, call, attempt)) = self.deadlines.front() {
            let waiting = core
                .calls
                .get(call)
                .is_some_and(|c| c.attempt == attempt && c.child.is_some());
            if waiting {
                break;
            }
            self.deadlines.pop_front();
        }
        if let Some(&(deadline, _, _)) = self.deadlines.front()
            && self.armed_for.is_none_or(|armed| armed > deadline)
        {
            self.armed_for = Some(deadline);
            core.timer(
                deadline.saturating_sub(core.now),
                self.index,
                Timer::ClientTimeout,
            );
        }
    }

    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        root: CallId,
        failure: Option<FailureCause>,
    ) {
        if let Some(call) = core.calls.get_mut(root) {
            call.child = None;
        }
        self.outcome(core, root, failure);
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        match timer {
            Timer::ClientTimeout => {
                if self.armed_for.is_some_and(|armed| armed <= core.now) {
                    self.armed_for = None;
                }
                while let Some(&(deadline, call, attempt)) = self.deadlines.front() {
                    if deadline > core.now {
                        break;
                    }
                    self.deadlines.pop_front();
                    self.expire(core, call, attempt);
                }
                self.arm(core);
            }
            Timer::Retry { call } => self.attempt(core, call),
            _ => {}
        }
    }

    /// The client stops waiting for an attempt; the request goes on below and its reply is dropped.
    fn expire(&mut self, core: &mut Core, call: CallId, attempt: u32) {
        let Some(state) = core.calls.get(call) else {
            return;
        };
        if state.attempt != attempt {
            return;
        }
        let Some(child) = state.child else {
            return;
        };
        if let Some(orphan) = core.calls.get_mut(child) {
            orphan.caller = None;
        }
        if let Some(state) = core.calls.get_mut(call) {
            state.child = None;
        }
        self.outcome(
            core,
            call,
            Some(FailureCause::ClientTimeout { node: self.index.0 }),
        );
    }

    /// An attempt ended: finish the request, or schedule a retry.
    fn outcome(&mut self, core: &mut Core, root: CallId, failure: Option<FailureCause>) {
        let Some(call) = core.calls.get(root) else {
            return;
        };
        let (attempt, request_type, started, weight) =
            (call.attempt, call.request_type, call.started, call.weight);
        let now = core.now;
        match failure {
            None => {
                core.metrics[self.index.get()].succeed(now, now - started, weight, request_type);
                core.totals.completed += weight;
                match request_type {
                    RequestType::Write => core.totals.signups += weight,
                    RequestType::Payment => {
                        core.totals.revenue += self.params.payment_value * weight as f64;
                    }
                    _ => {}
                }
                if core.logs.access_budget > 0 {
                    core.logs.access_budget -= 1;
                    core.log_access(self.index, request_type, now - started);
                }
            }
            Some(_) if attempt <= self.params.retry.max_retries => {
                let retry = &self.params.retry;
                let mut backoff =
                    retry.backoff_ms * libm::pow(retry.multiplier, f64::from(attempt - 1));
                if retry.jitter {
                    backoff *= core.streams[self.index.get()].retries.uniform();
                }
                core.totals.retries += weight;
                core.timer(
                    to_ns(backoff * 1e6),
                    self.index,
                    Timer::Retry { call: root },
                );
                return;
            }
            Some(cause) => {
                core.metrics[self.index.get()].fail(now, cause, weight, request_type);
                core.totals.failed += weight;
                *core.totals.failures.entry(cause).or_insert(0) += weight;
                if request_type == RequestType::Payment {
                    core.totals.revenue_lost += self.params.payment_value * weight as f64;
                }
                core.log_failure(self.index, cause, request_type, None);
            }
        }
        self.in_flight = self.in_flight.saturating_sub(1);
        core.calls.remove(root);
        self.arm(core);
    }

    pub(crate) fn gauges(&self) -> Gauges {
        Gauges {
            connections: f64::from(self.in_flight),
            instances: u32::from(self.up),
            ..Gauges::default()
        }
    }
}
