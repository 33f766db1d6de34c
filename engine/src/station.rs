//! A multi-server queue: `workers` identical workers and a bounded FIFO waiting room. Servers,
//! service instances, cache threads and database instances are all built on it.
//!
//! In the aggregated resolution a station does not queue requests one by one: it keeps an estimate
//! of its arrival rate (weighted requests over the last second) and draws each request's wait from
//! the M/M/c/K steady state at that rate (the Jackson networks of the validation tests), with the
//! Allen–Cunneen factor (1 + cs²)/2 for other service distributions, and a fluid backlog growing
//! at λ − cμ while overloaded. Waits are convex in the load, so drawing at a noisy estimate would
//! lengthen them on average: the load drawn at is debiased to second order (`debiased_load`).
//! A station switches resolution while running (`follow_weight`) without moving a call: queued
//! calls finish on the workers they hold, drawn calls keep their drawn times and hold workers
//! until they finish (`drawn_done`).

use std::collections::VecDeque;

use crate::core::CallId;
use crate::random::Random;

/// The aggregated resolution's view of a station.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fluid {
    /// Estimated arrival rate, requests per nanosecond.
    rate: f64,
    /// Estimated mean service time, nanoseconds.
    mean_service: f64,
    window_arrivals: f64,
    /// Calls (not weighted) in the window: how much the window's rate can be trusted.
    window_calls: f64,
    window_service: f64,
    window_wait: f64,
    window_started_at: u64,
    /// Calls the current estimates rest on (up to [`TRUSTED_CALLS`]).
    estimate_calls: f64,
    /// Calls of the last closed window: what the next window's weight is set from.
    last_window_calls: f64,
    /// Requests waiting while overloaded (fluid), and the waiting count to report.
    backlog: f64,
    waiting: f64,
    /// Erlang B of the current (c, a), cached per window.
    erlang_b: f64,
    /// The window's calls' squared coefficients of variation of service, added up.
    window_scv: f64,
    /// The relative variance of the load estimate (rate × mean service).
    rel_var: f64,
    /// The per-worker load waits are drawn at: the estimate, debiased (`debiased_load`).
    draw_load: f64,
    /// In the first window (of a run, or after a switch to this resolution): the window's calls
    /// at which the estimates are next taken from the window so far (100, then doubling), so they
    /// settle within a fraction of a second instead of a whole window.
    next_estimate: f64,
}

impl Fluid {
    /// The load waits are drawn at, and its Erlang B, from the current estimates.
    fn set_draw_load(&mut self, workers: u32, capacity: f64) {
        let load = self.rate * self.mean_service / f64::from(workers);
        self.draw_load = debiased_load(workers, capacity, load, self.rel_var);
        self.erlang_b = erlang_b(workers, self.draw_load * f64::from(workers));
    }
}

/// Calls a rate estimate should rest on (relative noise about 1 %).
const TRUSTED_CALLS: f64 = 10_000.0;

/// Calls of a first window before its first estimate.
const FIRST_ESTIMATE_CALLS: f64 = 100.0;

/// What the aggregated resolution decides for one (weighted) request.
pub(crate) enum FluidAdmission {
    /// Served after waiting and being served: the delay until service ends, nanoseconds.
    Admitted { delay_ns: u64 },
    /// The waiting room is full.
    Blocked,
    /// It would wait longer than the timeout.
    TimedOut,
}

/// How long requests waited for a worker (queueing delay, service time apart). Counts are in
/// requests (a weighted call counts `weight` times).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct WaitTally {
    /// Requests a worker took.
    pub(crate) started: f64,
    /// Of those, requests that found every worker busy and waited.
    pub(crate) waited: f64,
    /// Their waits added up, nanoseconds.
    pub(crate) wait_ns: f64,
}

impl WaitTally {
    fn record(&mut self, wait_ns: f64, weight: f64) {
        self.started += weight;
        if wait_ns > 0.0 {
            self.waited += weight;
            self.wait_ns += wait_ns * weight;
        }
    }

    pub(crate) fn add(&mut self, other: WaitTally) {
        self.started += other.started;
        self.waited += other.waited;
        self.wait_ns += other.wait_ns;
    }

    /// Mean wait of the requests a worker took, milliseconds (0 when none).
    pub(crate) fn mean_ms(self) -> f64 {
        if self.started > 0.0 {
            self.wait_ns / self.started / 1e6
        } else {
            0.0
        }
    }

    /// The share of requests that had to wait, 0..=1 (Erlang C's P(wait) for an M/M/c station).
    pub(crate) fn probability(self) -> f64 {
        if self.started > 0.0 {
            self.waited / self.started
        } else {
            0.0
        }
    }
}

pub(crate) enum Admission {
    /// A worker was free: service starts now.
    Start,
    /// All workers busy: the call waits.
    Wait,
    /// All workers busy and the waiting room full.
    Full,
}

#[derive(Clone)]
pub(crate) struct Station {
    pub(crate) workers: u32,
    pub(crate) busy: u32,
    /// Busy workers that wait on dependencies (thread-per-request servers) rather than compute.
    pub(crate) blocked: u32,
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
    pub(crate) fluid: Option<Fluid>,
    /// Waits since the start (or the last reset), in the current one-second window, and in the
    /// last closed one.
    pub(crate) waits: WaitTally,
    window_waits: WaitTally,
    pub(crate) last_window_waits: WaitTally,
    /// The last closed window: CPU worker·nanoseconds used and its span (what a switch to the
    /// aggregated resolution starts its estimates from).
    last_window_used: f64,
    last_window_span: f64,
    /// Requests whose wait and service were drawn here and have not finished.
    pub(crate) drawn: u64,
    /// After a switch back to per request: workers held for the drawn requests still in flight,
    /// freed as the last of them finish (counted busy but not computing: their work was counted
    /// when they were drawn).
    phantom: u32,
}

impl Station {
    pub(crate) fn new(workers: u32, queue_capacity: usize) -> Station {
        Station {
            workers: workers.max(1),
            busy: 0,
            blocked: 0,
            waiting: VecDeque::new(),
            queue_capacity,
            busy_integral: 0.0,
            changed_at: 0,
            window_start: 0.0,
            window_started_at: 0,
            since: 0,
            integral_at_reset: 0.0,
            fluid: None,
            waits: WaitTally::default(),
            window_waits: WaitTally::default(),
            last_window_waits: WaitTally::default(),
            last_window_used: 0.0,
            last_window_span: 0.0,
            drawn: 0,
            phantom: 0,
        }
    }

    /// Integrates CPU-busy workers: busy ones not blocked on a dependency.
    fn accrue(&mut self, now: u64) {
        let working = self.busy.saturating_sub(self.blocked);
        self.busy_integral += f64::from(working) * now.saturating_sub(self.changed_at) as f64;
        self.changed_at = now;
    }

    pub(crate) fn admit(&mut self, now: u64, call: CallId) -> Admission {
        if self.busy < self.workers {
            self.accrue(now);
            self.busy += 1;
            self.record_wait(0.0, 1.0);
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
            Some(next) => {
                self.record_wait(now.saturating_sub(next.1) as f64, 1.0);
                Some(next)
            }
            None => {
                self.accrue(now);
                self.busy = self.busy.saturating_sub(1);
                None
            }
        }
    }

    fn record_wait(&mut self, wait_ns: f64, weight: f64) {
        self.waits.record(wait_ns, weight);
        self.window_waits.record(wait_ns, weight);
    }

    /// A worker keeps its request while it waits on dependencies: busy, but not computing.
    pub(crate) fn block(&mut self, now: u64) {
        self.accrue(now);
        self.blocked += 1;
    }

    /// The dependencies answered: the worker is free for `next`.
    pub(crate) fn unblock(&mut self, now: u64) {
        self.accrue(now);
        self.blocked = self.blocked.saturating_sub(1);
    }

    /// Calls in the waiting room (the estimate, in the aggregated resolution).
    pub(crate) fn queue_len(&self) -> usize {
        match &self.fluid {
            // Calls queued before a switch to the aggregated resolution drain one by one.
            Some(fluid) => fluid.waiting.round() as usize + self.waiting.len(),
            None => self.waiting.len(),
        }
    }

    /// Follows the resolution: aggregated when each call stands for more than one request (a
    /// `weight` above 1), per request otherwise. Switching keeps every call where it is: calls
    /// queued or in service per request finish per request on the workers they hold, and drawn
    /// calls in flight keep their drawn times.
    pub(crate) fn follow_weight(&mut self, weight: u64, now: u64) {
        match (weight > 1, self.fluid.is_some()) {
            (true, false) => self.become_fluid(now),
            (false, true) => self.become_discrete(now),
            _ => {}
        }
    }

    /// Switches to the aggregated resolution. The estimates start from the last closed window
    /// (requests that took a worker, and the CPU they used), so waits go on from the measured load
    /// rather than from an empty station.
    fn become_fluid(&mut self, now: u64) {
        let mut fluid = Fluid {
            window_started_at: now,
            next_estimate: FIRST_ESTIMATE_CALLS,
            ..Fluid::default()
        };
        let started = self.last_window_waits.started;
        if started > 0.0 && self.last_window_span > 0.0 && self.last_window_used > 0.0 {
            // A start only: a switch usually comes with a new rate, which the first window's
            // estimates soon measure (`next_estimate`), and its close replaces this one.
            fluid.rate = started / self.last_window_span;
            fluid.mean_service = self.last_window_used / started;
            // A Poisson count and exponential service: relative variance (1 + 1) / n.
            fluid.rel_var = 2.0 / started;
            fluid.set_draw_load(self.workers, self.queue_capacity as f64);
        }
        self.fluid = Some(fluid);
    }

    /// Switches to the per-request resolution: workers are held for the drawn requests still in
    /// flight (up to every worker), and freed as the last of them finish (`drawn_done`).
    fn become_discrete(&mut self, now: u64) {
        self.fluid = None;
        self.accrue(now);
        let free = self.workers.saturating_sub(self.busy);
        let held = self.drawn.min(u64::from(free)) as u32;
        self.phantom += held;
        self.busy += held;
        self.blocked += held;
    }

    /// A drawn call of `weight` requests finished here: returns how many workers that frees (held
    /// since a switch back to per request); each freed worker takes the next waiting call
    /// (`next`), as when a queued call finishes.
    pub(crate) fn drawn_done(&mut self, now: u64, weight: u64) -> u32 {
        self.drawn = self.drawn.saturating_sub(weight);
        let held = self.drawn.min(u64::from(self.phantom)) as u32;
        let freed = self.phantom - held;
        if freed > 0 {
            self.accrue(now);
            self.phantom = held;
            self.blocked = self.blocked.saturating_sub(freed);
        }
        freed
    }

    pub(crate) fn is_fluid(&self) -> bool {
        self.fluid.is_some()
    }

    /// Aggregated resolution: decides one request of `weight` requests with service `service_ns`
    /// and squared coefficient of variation `scv` of its service distribution.
    pub(crate) fn fluid_admit(
        &mut self,
        now: u64,
        random: &mut Random,
        service_ns: u64,
        scv: f64,
        weight: u64,
        timeout_ns: u64,
    ) -> FluidAdmission {
        let workers = f64::from(self.workers);
        let capacity = self.queue_capacity as f64;
        let Some(fluid) = self.fluid.as_mut() else {
            return FluidAdmission::Admitted {
                delay_ns: service_ns,
            };
        };
        let weight_f = weight as f64;
        fluid.window_arrivals += weight_f;
        fluid.window_calls += 1.0;
        fluid.window_service += weight_f * service_ns as f64;
        fluid.window_scv += scv;
        if fluid.window_calls >= fluid.next_estimate && now > fluid.window_started_at {
            // The first window: estimate from what arrived so far (until the first estimate, no
            // waiting, or the estimate a switch started from), again each time its calls double.
            // n Poisson arrivals over the time to the n-th: (n − 1) / T is the unbiased rate.
            let elapsed = (now - fluid.window_started_at) as f64;
            let calls = fluid.window_calls;
            fluid.rate = fluid.window_arrivals * (calls - 1.0) / calls / elapsed;
            fluid.mean_service = fluid.window_service / fluid.window_arrivals;
            fluid.rel_var = (1.0 + fluid.window_scv / calls) / calls;
            fluid.set_draw_load(self.workers, capacity);
            fluid.next_estimate *= 2.0;
        }
        let mean_service = if fluid.mean_service > 0.0 {
            fluid.mean_service
        } else {
            service_ns as f64
        };
        let served_per_ns = if mean_service > 0.0 {
            workers / mean_service
        } else {
            f64::INFINITY
        };
        let load = if fluid.draw_load > 0.0 {
            fluid.draw_load
        } else {
            fluid.rate * mean_service / workers
        };
        let correction = (1.0 + scv) / 2.0;
        // The steady state exists for a finite waiting room whatever the load, but it is only
        // reached once the room has filled: with λ ≥ cμ and a room that takes longer than a second
        // to fill (K / (λ − cμ) by drift, at most K² / cμ by diffusion near λ = cμ), the queue just
        // grows, which the fluid backlog follows.
        let served_per_s = served_per_ns * 1e9;
        let fill_s = if load > 1.0 {
            (capacity / ((load - 1.0) * served_per_s)).min(capacity * capacity / served_per_s)
        } else {
            capacity * capacity / served_per_s
        };
        let overloaded = load >= 1.0 && (capacity * libm::log(load) > 600.0 || fill_s > 1.0);
        let wait = if overloaded {
            // Overloaded: the backlog decides (it grows by λ − cμ per second at each window).
            if fluid.backlog >= capacity && random.chance(1.0 - 1.0 / load) {
                return FluidAdmission::Blocked;
            }
            fluid.backlog.min(capacity) / served_per_ns
        } else {
            let b = fluid.erlang_b;
            let busy_weight = if b >= 1.0 {
                f64::INFINITY
            } else {
                b / (1.0 - b)
            };
            let huge = capacity > 1e6 && load < 1.0;
            let geometric = if huge {
                1.0 / (1.0 - load)
            } else if (load - 1.0).abs() < 1e-9 {
                capacity + 1.0
            } else {
                (1.0 - libm::pow(load, capacity + 1.0)) / (1.0 - load)
            };
            let total = 1.0 + busy_weight * geometric;
            let blocked = if huge {
                0.0
            } else {
                busy_weight * libm::pow(load, capacity) / total
            };
            let u = random.uniform();
            if !total.is_finite() || u < 1.0 / total {
                0.0
            } else if u < 1.0 / total + blocked {
                return FluidAdmission::Blocked;
            } else {
                // Requests ahead in the queue: truncated geometric over 0..capacity by inversion.
                let v = random.uniform();
                let tail = if huge { 0.0 } else { libm::pow(load, capacity) };
                let ahead = if load <= 0.0 {
                    0.0
                } else if (load - 1.0).abs() < 1e-9 {
                    libm::floor(v * capacity)
                } else {
                    libm::floor(libm::log(1.0 - v * (1.0 - tail)) / libm::log(load))
                }
                .min((capacity - 1.0).max(0.0));
                let stages = ahead.max(0.0) + 1.0;
                let stage_mean = 1.0 / served_per_ns;
                let erlang = if stages <= 20.0 {
                    (0..stages as u32)
                        .map(|_| random.exponential(stage_mean))
                        .sum::<f64>()
                } else {
                    // Many stages: the Erlang is close to normal.
                    let deviation = libm::sqrt(-2.0 * libm::log(random.uniform().max(1e-300)))
                        * libm::cos(std::f64::consts::TAU * random.uniform());
                    (stages * stage_mean + libm::sqrt(stages) * stage_mean * deviation).max(0.0)
                };
                erlang * correction
            }
        };
        if wait > timeout_ns as f64 {
            return FluidAdmission::TimedOut;
        }
        fluid.window_wait += weight_f * wait;
        self.busy_integral += weight_f * service_ns as f64;
        self.drawn += weight;
        self.record_wait(wait, weight_f);
        FluidAdmission::Admitted {
            delay_ns: crate::random::to_ns(wait) + service_ns,
        }
    }

    /// Closes the aggregated resolution's one-second window: new rate, service and backlog estimates.
    fn close_fluid_window(&mut self, now: u64) {
        let workers = f64::from(self.workers);
        let capacity = self.queue_capacity as f64;
        let Some(fluid) = self.fluid.as_mut() else {
            return;
        };
        let elapsed = now.saturating_sub(fluid.window_started_at) as f64;
        if elapsed <= 0.0 {
            return;
        }
        // An exponentially weighted estimate that always rests on about TRUSTED_CALLS calls (but
        // looks back at most 30 windows): waits are convex in the rate, so a noisy rate would bias
        // them upwards. Until the estimate rests on that many, it is the plain mean of every window
        // so far, so a first estimate from a few calls does not linger. The weight is set from the
        // calls of the window before, never this one's: a weight growing with this window's count
        // favours busy windows and biased the rate up by 1/n (+0.06 % at 1 700 calls a window,
        // +0.5 % in the wait at ρ 0.85).
        let weight = if fluid.estimate_calls == 0.0 {
            1.0
        } else {
            let calls = fluid.last_window_calls;
            let trusted = (calls / TRUSTED_CALLS).clamp(1.0 / 30.0, 1.0);
            trusted.max(calls / (fluid.estimate_calls + calls).max(1.0))
        };
        fluid.estimate_calls = (fluid.estimate_calls + fluid.window_calls).min(TRUSTED_CALLS);
        fluid.last_window_calls = fluid.window_calls;
        let window_rate = fluid.window_arrivals / elapsed;
        // The window's own relative variance: a Poisson count of calls (1/n) and the mean of their
        // service times (cs²/n); an empty window tells nothing new.
        let window_var = if fluid.window_calls > 0.0 {
            (1.0 + fluid.window_scv / fluid.window_calls) / fluid.window_calls
        } else {
            f64::INFINITY
        };
        if fluid.rate == 0.0 {
            fluid.rel_var = window_var;
        } else if window_var.is_finite() {
            fluid.rel_var =
                weight * weight * window_var + (1.0 - weight) * (1.0 - weight) * fluid.rel_var;
        }
        fluid.rate = if fluid.rate == 0.0 {
            window_rate
        } else {
            weight * window_rate + (1.0 - weight) * fluid.rate
        };
        if fluid.window_arrivals > 0.0 {
            let window_service = fluid.window_service / fluid.window_arrivals;
            fluid.mean_service = if fluid.mean_service == 0.0 {
                window_service
            } else {
                weight * window_service + (1.0 - weight) * fluid.mean_service
            };
        }
        let served = if fluid.mean_service > 0.0 {
            workers / fluid.mean_service * elapsed
        } else {
            f64::INFINITY
        };
        fluid.backlog = (fluid.backlog + fluid.window_arrivals - served).clamp(0.0, capacity);
        fluid.waiting = fluid.window_wait / elapsed;
        fluid.set_draw_load(self.workers, capacity);
        fluid.window_arrivals = 0.0;
        fluid.window_scv = 0.0;
        fluid.window_calls = 0.0;
        fluid.window_service = 0.0;
        fluid.window_wait = 0.0;
        fluid.window_started_at = now;
        fluid.next_estimate = f64::INFINITY;
    }

    /// A crash: every waiting call is returned to be failed, all workers are freed.
    pub(crate) fn clear(&mut self, now: u64) -> Vec<(CallId, u64)> {
        self.accrue(now);
        self.busy = 0;
        self.blocked = 0;
        self.phantom = 0;
        self.waiting.drain(..).collect()
    }

    /// Mean utilisation since the last call, 0..=1; starts a new window (once a second), keeping
    /// the waits of the closed one in `last_window_waits`.
    pub(crate) fn window_utilisation(&mut self, now: u64) -> f64 {
        self.close_fluid_window(now);
        self.last_window_waits = std::mem::take(&mut self.window_waits);
        self.accrue(now);
        let elapsed = now.saturating_sub(self.window_started_at) as f64;
        let span = elapsed * f64::from(self.workers);
        let used = self.busy_integral - self.window_start;
        self.last_window_used = used;
        self.last_window_span = elapsed;
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
        self.waits = WaitTally::default();
    }
}

/// Erlang B blocking probability for `servers` servers and offered load `load` (erlangs), by the
/// stable recursion B(n) = a·B(n−1) / (n + a·B(n−1)).
pub(crate) fn erlang_b(servers: u32, load: f64) -> f64 {
    if load.is_nan() || load <= 0.0 {
        return 0.0;
    }
    let mut b = 1.0;
    for n in 1..=servers {
        b = load * b / (f64::from(n) + load * b);
    }
    b
}

/// The mean wait (in units of a worker-pool service slot, 1/(cμ)) of an admitted request in the
/// aggregated draw at per-worker `load`: the same M/M/c/K steady state `fluid_admit` draws from.
fn model_mean_wait(workers: u32, capacity: f64, load: f64) -> f64 {
    let b = erlang_b(workers, load * f64::from(workers));
    if b >= 1.0 || load <= 0.0 {
        return 0.0;
    }
    let busy_weight = b / (1.0 - b);
    let huge = capacity > 1e6 && load < 1.0;
    let (geometric, tail) = if huge {
        (1.0 / (1.0 - load), 0.0)
    } else {
        let tail = libm::pow(load, capacity);
        ((1.0 - tail * load) / (1.0 - load), tail)
    };
    let total = 1.0 + busy_weight * geometric;
    let blocked = busy_weight * tail / total;
    let waits = (1.0 - 1.0 / total - blocked).max(0.0);
    // Requests ahead: a geometric in `load` truncated to 0..capacity.
    let ahead = load / (1.0 - load)
        - if huge {
            0.0
        } else {
            capacity * tail / (1.0 - tail)
        };
    waits * (ahead.max(0.0) + 1.0) / (1.0 - blocked).max(1e-12)
}

/// The load to draw at when the estimate `load` has relative variance `rel_var`: the waits are
/// convex in the load, so drawing at a noisy estimate would make them too long on average by about
/// ½ f''(ρ) Var(ρ̂); drawing at ρ̂ − ½ f''/f' · Var(ρ̂) removes that to second order.
fn debiased_load(workers: u32, capacity: f64, load: f64, rel_var: f64) -> f64 {
    if load.is_nan() || load <= 0.0 || load >= 1.0 || rel_var <= 0.0 || !rel_var.is_finite() {
        return load;
    }
    let h = 0.02 * load.min(1.0 - load);
    let f = |rho: f64| model_mean_wait(workers, capacity, rho);
    let (low, mid, high) = (f(load - h), f(load), f(load + h));
    let slope = (high - low) / (2.0 * h);
    let curvature = (high - 2.0 * mid + low) / (h * h);
    if slope.is_nan() || slope <= 0.0 || !curvature.is_finite() {
        return load;
    }
    let shift = 0.5 * curvature / slope * load * load * rel_var;
    // A correction is a small nudge; a large one means the estimate cannot be trusted anyway.
    (load - shift).clamp(0.9 * load, load + 0.1 * (1.0 - load))
}

#[cfg(test)]
mod tests {
    use super::{debiased_load, erlang_b, model_mean_wait};

    #[test]
    fn erlang_b_matches_known_values() {
        // Two servers, two erlangs: B = (a²/2) / (1 + a + a²/2) = 2/5.
        assert!((erlang_b(2, 2.0) - 0.4).abs() < 1e-12);
        assert_eq!(erlang_b(3, 0.0), 0.0);
    }

    /// The drawn model's mean wait is Erlang C's for a huge room: M/M/4 at ρ 0.85 waits
    /// C(4, 3.4) / (4μ − λ), here in units of 1/(4μ): C / (1 − ρ).
    #[test]
    fn the_model_mean_wait_is_erlang_c_for_a_huge_room() {
        let a: f64 = 3.4;
        let top = a.powi(4) / 24.0 / (1.0 - a / 4.0);
        let c = top / (1.0 + a + a * a / 2.0 + a.powi(3) / 6.0 + top);
        let wait = model_mean_wait(4, 1e9, 0.85);
        assert!(
            (wait - c / 0.15).abs() < 1e-9 * wait,
            "{wait} vs {}",
            c / 0.15
        );
    }

    /// Drawing at the debiased load from a noisy estimate gives the true mean wait to second
    /// order: the expectation over a normal estimate (by a fine sum) of the wait at the debiased
    /// load is within a tenth of the bias the raw estimate has.
    #[test]
    fn the_debiased_load_removes_the_bias_of_a_noisy_estimate() {
        for (workers, capacity, load) in
            [(4, 1e9, 0.85), (1, 1e9, 0.7), (16, 1e9, 0.9), (2, 5.0, 0.8)]
        {
            let rel_var: f64 = 1e-4;
            let sd = load * rel_var.sqrt();
            let truth = model_mean_wait(workers, capacity, load);
            // A fine Riemann sum over ±6 sd.
            let (mut raw, mut debiased, mut mass) = (0.0, 0.0, 0.0);
            for i in -600..=600 {
                let z = f64::from(i) / 100.0;
                let density = (-z * z / 2.0).exp();
                let estimate = load + sd * z;
                raw += density * model_mean_wait(workers, capacity, estimate);
                debiased += density
                    * model_mean_wait(
                        workers,
                        capacity,
                        debiased_load(workers, capacity, estimate, rel_var),
                    );
                mass += density;
            }
            let (raw, debiased) = (raw / mass / truth - 1.0, debiased / mass / truth - 1.0);
            assert!(raw > 0.0, "convex: the raw estimate waits too long ({raw})");
            // (A small room is nearly linear in the load: both are at the sum's precision.)
            assert!(
                debiased.abs() < (0.1 * raw).max(1e-6),
                "c {workers}, K {capacity}, ρ {load}: raw bias {raw:.2e}, debiased {debiased:.2e}"
            );
        }
    }
}
