//! Database: a primary that takes writes, read replicas that take reads, and a connection pool.
//!
//! Models: each instance is an M/M/c station (workers = cores of the tier) with separate read and
//! write service times; reads are spread round robin over running replicas (the primary when there
//! are none); writes and payments go to the primary. The pool holds `max_connections`: a request
//! needs one for as long as it is inside the database; others wait (up to `max_waiting`, for at most
//! `acquire_timeout_ms`) and otherwise fail with "pool exhausted". When the primary dies, writes fail
//! until a replica is promoted after `promotion_s`. Replication lag is reported, not simulated.
//!
//! Leaves out: locks and contention, query plans, storage I/O, read-your-writes anomalies caused by
//! the lag, multi-primary setups.

use std::collections::VecDeque;

use crate::core::{CallId, Core, NodeIndex, Timer};
use crate::metrics::{FailureCause, LogLevel};
use crate::nodes::Gauges;
use crate::params::{DatabaseParams, RequestType};
use crate::random::to_ns;
use crate::run_event::{CrashCause, RunEvent};
use crate::station::{Admission, FluidAdmission, Station};

/// `Call::member` of a request waiting for a pool connection.
const WAITING_FOR_CONNECTION: u32 = u32::MAX;

#[derive(Clone)]
pub(crate) struct DatabaseInstance {
    pub(crate) station: Station,
    pub(crate) up: bool,
    pub(crate) epoch: u32,
    /// Taken out by a live edit that lowered `replicas`: it gets no new queries and is never promoted,
    /// but the queries it holds finish (it drains). It serves again if `replicas` goes back up.
    pub(crate) retired: bool,
    /// Requests inside it (queued, in service or drawn), each holding a pool connection.
    held: u64,
}

impl DatabaseInstance {
    fn new(params: &DatabaseParams) -> DatabaseInstance {
        DatabaseInstance {
            station: Station::new(params.worker_count(), usize::MAX),
            up: true,
            epoch: 0,
            retired: false,
            held: 0,
        }
    }
}

#[derive(Clone)]
pub(crate) struct Database {
    pub(crate) index: NodeIndex,
    pub(crate) params: DatabaseParams,
    pub(crate) instances: Vec<DatabaseInstance>,
    pub(crate) primary: usize,
    /// Pool connections in use, in requests (a call holds as many as it stands for).
    pub(crate) in_use: u64,
    waiting: VecDeque<CallId>,
    cursor: usize,
    promotion_pending: bool,
    pub(crate) slow_factor: f64,
    /// Requests each call stands for (the aggregated resolution's weight).
    pub(crate) weight: u64,
}

impl Database {
    pub(crate) fn new(index: NodeIndex, params: &DatabaseParams) -> Database {
        let instances = (0..=params.replicas)
            .map(|_| DatabaseInstance::new(params))
            .collect();
        Database {
            index,
            params: params.clone(),
            instances,
            primary: 0,
            in_use: 0,
            waiting: VecDeque::new(),
            cursor: 0,
            promotion_pending: false,
            slow_factor: 1.0,
            weight: 1,
        }
    }

    /// New parameters while running: the pool and workers change at once; a higher `replicas` brings
    /// back retired replicas first, then adds new ones (up at once, as a managed read replica that was
    /// already provisioned); a lower one retires replicas (never the primary), which drain.
    pub(crate) fn set_params(&mut self, params: DatabaseParams) {
        let wanted = params.replicas as usize + 1;
        for instance in &mut self.instances {
            instance.station.workers = params.worker_count().max(1);
        }
        let mut serving = self.serving();
        for instance in self.instances.iter_mut().filter(|i| i.retired) {
            if serving >= wanted {
                break;
            }
            instance.retired = false;
            instance.up = true;
            serving += 1;
        }
        while serving < wanted {
            self.instances.push(DatabaseInstance::new(&params));
            serving += 1;
        }
        for slot in (0..self.instances.len()).rev() {
            if serving <= wanted {
                break;
            }
            if slot != self.primary && !self.instances[slot].retired {
                self.instances[slot].retired = true;
                self.instances[slot].up = false;
                serving -= 1;
            }
        }
        self.params = params;
    }

    /// Instances provisioned (primary and replicas, up or down), not counting retired ones.
    pub(crate) fn serving(&self) -> usize {
        self.instances.iter().filter(|i| !i.retired).count()
    }

    /// Whether the pool has connections for a call of `weight` requests.
    fn has_room(&self, weight: u64) -> bool {
        self.in_use + weight <= u64::from(self.params.max_connections)
    }

    pub(crate) fn arrive(&mut self, core: &mut Core, call: CallId) {
        core.arrived(call);
        let weight = core.calls.get(call).map_or(1, |c| c.weight);
        if self.has_room(weight) {
            self.in_use += weight;
            self.dispatch(core, call, weight);
        } else if (self.waiting.len() as u64)
            < u64::from(self.params.max_waiting) / self.weight.max(1)
        {
            if let Some(state) = core.calls.get_mut(call) {
                state.member = WAITING_FOR_CONNECTION;
            }
            self.waiting.push_back(call);
            let timeout = to_ns(self.params.acquire_timeout_ms * 1e6);
            core.timer(timeout, self.index, Timer::PoolTimeout { call });
        } else {
            core.fail(call, FailureCause::PoolExhausted { node: self.index.0 });
        }
    }

    /// With a connection in hand, send the query to an instance.
    fn dispatch(&mut self, core: &mut Core, call: CallId, weight: u64) {
        // On failure the connections are returned without handing them out: the caller's loop does.
        let Some(request_type) = core.calls.get(call).map(|c| c.request_type) else {
            self.in_use = self.in_use.saturating_sub(weight);
            return;
        };
        let target = if request_type.is_write() || self.serving() == 1 {
            Some(self.primary).filter(|&p| self.instances[p].up)
        } else {
            let count = self.instances.len();
            let replica = (0..count)
                .map(|offset| (self.cursor + offset) % count)
                .find(|&i| i != self.primary && self.instances[i].up);
            if let Some(replica) = replica {
                self.cursor = replica + 1;
            }
            replica.or(Some(self.primary).filter(|&p| self.instances[p].up))
        };
        let Some(target) = target else {
            self.in_use = self.in_use.saturating_sub(weight);
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            return;
        };
        let instance = &mut self.instances[target];
        instance.held += weight;
        if let Some(state) = core.calls.get_mut(call) {
            state.member = target as u32;
            state.epoch = instance.epoch;
        }
        if instance.station.is_fluid() {
            let time = if request_type.is_write() {
                &self.params.write
            } else {
                &self.params.read
            };
            let service = core.streams[self.index.get()]
                .service
                .service_ns(time, self.slow_factor);
            if let FluidAdmission::Admitted { delay_ns } = instance.station.fluid_admit(
                core.now,
                &mut core.streams[self.index.get()].service,
                service,
                time.scv(),
                weight,
                u64::MAX,
            ) {
                if let Some(state) = core.calls.get_mut(call) {
                    state.drawn = true;
                }
                core.schedule(delay_ns, crate::core::Event::ServiceDone { call });
            }
            return;
        }
        if let Admission::Start = instance.station.admit(core.now, call) {
            self.start(core, call, request_type);
        }
    }

    fn start(&self, core: &mut Core, call: CallId, request_type: RequestType) {
        let time = if request_type.is_write() {
            &self.params.write
        } else {
            &self.params.read
        };
        let service = core.service_ns(call, self.index, time, self.slow_factor);
        core.schedule(service, crate::core::Event::ServiceDone { call });
    }

    pub(crate) fn service_done(&mut self, core: &mut Core, call: CallId) {
        let Some(state) = core.calls.get_mut(call) else {
            return;
        };
        let (slot, epoch, weight) = (state.member as usize, state.epoch, state.weight);
        let drawn = std::mem::take(&mut state.drawn);
        let Some(instance) = self.instances.get_mut(slot) else {
            return;
        };
        // A drawn query held no worker; it may free workers held for drawn queries since a switch
        // back to per request.
        let freed = if drawn {
            instance.station.drawn_done(core.now, weight)
        } else {
            1
        };
        if instance.epoch != epoch {
            // Its instance crashed while it was running; the crash already gave its connection back.
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            return;
        }
        instance.held = instance.held.saturating_sub(weight);
        for _ in 0..freed {
            if let Some((next, _)) = self.instances[slot].station.next(core.now)
                && let Some(request_type) = core.calls.get(next).map(|c| c.request_type)
            {
                self.start(core, next, request_type);
            }
        }
        core.respond(call, Ok(()));
        self.release(core, weight);
    }

    /// A call's connections go back to the pool.
    fn release(&mut self, core: &mut Core, weight: u64) {
        self.in_use = self.in_use.saturating_sub(weight);
        self.hand_out(core);
    }

    /// Free connections go to live waiters, oldest first.
    fn hand_out(&mut self, core: &mut Core) {
        while self.has_room(self.weight) {
            let Some(next) = self.waiting.pop_front() else {
                break;
            };
            let waiting_weight = core
                .calls
                .get(next)
                .filter(|c| c.member == WAITING_FOR_CONNECTION)
                .map(|c| c.weight);
            if let Some(weight) = waiting_weight {
                self.in_use += weight;
                self.dispatch(core, next, weight);
            }
        }
    }

    pub(crate) fn timer(&mut self, core: &mut Core, timer: Timer) {
        match timer {
            Timer::PoolTimeout { call } => {
                let waiting = core
                    .calls
                    .get(call)
                    .is_some_and(|c| c.member == WAITING_FOR_CONNECTION);
                if waiting {
                    if let Some(state) = core.calls.get_mut(call) {
                        state.member = 0;
                    }
                    core.fail(call, FailureCause::PoolExhausted { node: self.index.0 });
                }
            }
            Timer::Promotion => self.promote(core),
            _ => {}
        }
    }

    fn promote(&mut self, core: &mut Core) {
        self.promotion_pending = false;
        if self.instances[self.primary].up {
            return;
        }
        let candidate =
            (0..self.instances.len()).find(|&i| i != self.primary && self.instances[i].up);
        match candidate {
            Some(replica) => {
                self.primary = replica;
                core.log(
                    LogLevel::Warn,
                    self.index,
                    RunEvent::ReplicaPromoted {
                        replica: replica as u32,
                    },
                    format!("replica {replica} promoted to primary"),
                );
            }
            None => core.log(
                LogLevel::Error,
                self.index,
                RunEvent::NoReplicaToPromote,
                "no replica to promote; writes keep failing".to_owned(),
            ),
        }
    }

    fn crash_instance(&mut self, core: &mut Core, slot: usize) {
        let Some(instance) = self.instances.get_mut(slot) else {
            return;
        };
        if !instance.up {
            return;
        }
        instance.up = false;
        instance.epoch += 1;
        let waiting = instance.station.clear(core.now);
        // Every query inside the instance held a connection: give them all back.
        self.in_use = self
            .in_use
            .saturating_sub(std::mem::take(&mut instance.held));
        for (call, _) in waiting {
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
        }
        self.hand_out(core);
    }

    /// The primary dies; a replica is promoted after the promotion delay.
    pub(crate) fn crash_primary(&mut self, core: &mut Core) {
        let primary = self.primary;
        if !self.instances[primary].up {
            return;
        }
        core.log(
            LogLevel::Error,
            self.index,
            RunEvent::PrimaryCrashed,
            "primary crashed; writes fail until a replica is promoted".to_owned(),
        );
        self.crash_instance(core, primary);
        if !self.promotion_pending {
            self.promotion_pending = true;
            core.timer(
                to_ns(self.params.promotion_s * 1e9),
                self.index,
                Timer::Promotion,
            );
        }
    }

    pub(crate) fn kill(&mut self, core: &mut Core) {
        if !self.is_up() {
            return;
        }
        let event = RunEvent::Crashed {
            cause: CrashCause::Killed,
        };
        core.log(LogLevel::Error, self.index, event, "died".to_owned());
        for slot in 0..self.instances.len() {
            self.crash_instance(core, slot);
        }
    }

    pub(crate) fn restart(&mut self, core: &mut Core) {
        for instance in self.instances.iter_mut().filter(|i| !i.retired) {
            instance.up = true;
        }
        let event = RunEvent::Restarted;
        core.log(LogLevel::Info, self.index, event, "restarted".to_owned());
    }

    pub(crate) fn is_up(&self) -> bool {
        self.instances.iter().any(|i| i.up)
    }

    pub(crate) fn gauges(&mut self, now: u64) -> Gauges {
        let mut gauges = Gauges::default();
        let mut up = 0.0;
        for instance in &mut self.instances {
            let utilisation = instance.station.window_utilisation(now);
            gauges.waits.add(instance.station.last_window_waits);
            if instance.up {
                up += 1.0;
                gauges.cpu += utilisation;
                gauges.queue += instance.station.queue_len() as f64;
            }
        }
        if up > 0.0 {
            gauges.cpu /= up;
        }
        gauges.queue += self.waiting.len() as f64;
        gauges.connections = self.in_use as f64;
        gauges.memory_mb = up * 1024.0;
        gauges.instances = up as u32;
        gauges
    }

    pub(crate) fn cost_per_hour(&self) -> f64 {
        self.serving() as f64 * self.params.tier.cost_per_hour()
    }
}
