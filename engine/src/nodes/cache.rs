//! Cache (Redis/Memcached) in front of a database or service.
//!
//! Models: lookups served by `workers` threads with a service time (an M/M/c station); each read asks
//! for a key drawn from Zipf(s) over the keyspace; an LRU of `capacity_keys` keys with a TTL decides
//! hit or miss, so the hit ratio *emerges* (and matches Che's approximation); a miss goes to the
//! first outgoing link and the key is stored when the answer comes back; a write invalidates its key
//! and goes through. With `fixed_hit_ratio` every read hits with that probability instead (for
//! teaching and validation). A flush empties the cache: the misses that follow are the stampede, and
//! the hit ratio climbs back as it warms up.
//!
//! Leaves out: memory per value, request coalescing for concurrent misses, replication of the cache.

use crate::core::{CallId, Core, LinkIndex, NodeIndex};
use crate::metrics::{FailureCause, LogLevel};
use crate::nodes::Gauges;
use crate::params::CacheParams;
use crate::random::{ZipfTable, to_ns};
use crate::run_event::{CrashCause, RunEvent};
use crate::station::{Admission, FluidAdmission, Station};

const NONE: u32 = u32::MAX;

/// A least-recently-used set of keys with insertion times, in flat arrays (no allocation per hit).
#[derive(Clone)]
pub(crate) struct Lru {
    capacity: usize,
    /// For each key of the keyspace, its slot or NONE.
    slot_of: Vec<u32>,
    keys: Vec<u32>,
    stored_at: Vec<u64>,
    previous: Vec<u32>,
    next: Vec<u32>,
    head: u32,
    tail: u32,
}

impl Lru {
    pub(crate) fn new(capacity: usize, keyspace: usize) -> Lru {
        Lru {
            capacity,
            slot_of: vec![NONE; keyspace],
            keys: Vec::new(),
            stored_at: Vec::new(),
            previous: Vec::new(),
            next: Vec::new(),
            head: NONE,
            tail: NONE,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    fn unlink(&mut self, slot: u32) {
        let (previous, next) = (self.previous[slot as usize], self.next[slot as usize]);
        if previous == NONE {
            self.head = next;
        } else {
            self.next[previous as usize] = next;
        }
        if next == NONE {
            self.tail = previous;
        } else {
            self.previous[next as usize] = previous;
        }
    }

    fn push_front(&mut self, slot: u32) {
        self.previous[slot as usize] = NONE;
        self.next[slot as usize] = self.head;
        if self.head != NONE {
            self.previous[self.head as usize] = slot;
        }
        self.head = slot;
        if self.tail == NONE {
            self.tail = slot;
        }
    }

    /// A hit refreshes recency; an expired key counts as a miss.
    pub(crate) fn lookup(&mut self, key: u32, now: u64, ttl_ns: u64) -> bool {
        let slot = self.slot_of[key as usize];
        if slot == NONE {
            return false;
        }
        if ttl_ns > 0 && now.saturating_sub(self.stored_at[slot as usize]) >= ttl_ns {
            return false;
        }
        self.unlink(slot);
        self.push_front(slot);
        true
    }

    pub(crate) fn insert(&mut self, key: u32, now: u64) {
        if self.capacity == 0 {
            return;
        }
        let slot = self.slot_of[key as usize];
        if slot != NONE {
            self.stored_at[slot as usize] = now;
            self.unlink(slot);
            self.push_front(slot);
            return;
        }
        let slot = if self.keys.len() < self.capacity {
            self.keys.push(key);
            self.stored_at.push(now);
            self.previous.push(NONE);
            self.next.push(NONE);
            (self.keys.len() - 1) as u32
        } else {
            // Evict the least recently used key and reuse its slot.
            let victim = self.tail;
            self.unlink(victim);
            let old = self.keys[victim as usize];
            if old != NONE {
                self.slot_of[old as usize] = NONE;
            }
            self.keys[victim as usize] = key;
            self.stored_at[victim as usize] = now;
            victim
        };
        self.slot_of[key as usize] = slot;
        self.push_front(slot);
    }

    pub(crate) fn invalidate(&mut self, key: u32) {
        let slot = self.slot_of[key as usize];
        if slot != NONE {
            // Mark it expired rather than unlinking, so slots stay dense; it will be evicted first.
            self.stored_at[slot as usize] = 0;
            self.slot_of[key as usize] = NONE;
            self.unlink(slot);
            self.previous[slot as usize] = NONE;
            self.next[slot as usize] = NONE;
            // Put the freed slot at the tail so it is reused next.
            if self.tail == NONE {
                self.head = slot;
                self.tail = slot;
            } else {
                self.next[self.tail as usize] = slot;
                self.previous[slot as usize] = self.tail;
                self.tail = slot;
            }
            self.keys[slot as usize] = NONE;
        }
    }

    pub(crate) fn clear(&mut self) {
        self.slot_of.iter_mut().for_each(|slot| *slot = NONE);
        self.keys.clear();
        self.stored_at.clear();
        self.previous.clear();
        self.next.clear();
        self.head = NONE;
        self.tail = NONE;
    }
}

#[derive(Clone)]
pub(crate) struct Cache {
    pub(crate) index: NodeIndex,
    pub(crate) params: CacheParams,
    pub(crate) station: Station,
    pub(crate) lru: Lru,
    zipf: ZipfTable,
    downstream: Option<LinkIndex>,
    pub(crate) up: bool,
    pub(crate) slow_factor: f64,
    epoch: u32,
}

impl Cache {
    pub(crate) fn new(core: &Core, index: NodeIndex, params: &CacheParams) -> Cache {
        let keyspace = params.keyspace.clamp(1, 1_000_000);
        Cache {
            index,
            params: params.clone(),
            station: Station::new(params.workers, usize::MAX),
            lru: Lru::new(
                params.capacity_keys.min(keyspace) as usize,
                keyspace as usize,
            ),
            zipf: ZipfTable::new(
                if params.fixed_hit_ratio.is_some() {
                    1
                } else {
                    keyspace
                },
                params.zipf_s,
            ),
            downstream: core.outgoing[index.get()].first().copied(),
            up: true,
            slow_factor: 1.0,
            epoch: 0,
        }
    }

    /// New parameters while running. A new capacity, keyspace or popularity starts the cache cold (its
    /// contents no longer fit the new key model), but the lookups it holds finish: the worker pool,
    /// with its calls, is kept, and only its size changes.
    pub(crate) fn set_params(&mut self, core: &Core, params: CacheParams) {
        let cold = params.capacity_keys != self.params.capacity_keys
            || params.keyspace != self.params.keyspace
            || params.zipf_s != self.params.zipf_s
            || params.fixed_hit_ratio.is_some() != self.params.fixed_hit_ratio.is_some();
        if cold {
            let mut fresh = Cache::new(core, self.index, &params);
            std::mem::swap(&mut fresh.station, &mut self.station);
            fresh.up = self.up;
            fresh.slow_factor = self.slow_factor;
            fresh.epoch = self.epoch;
            *self = fresh;
        }
        self.station.workers = params.workers.max(1);
        self.params = params;
    }

    /// Its outgoing links changed while running: misses go to the first one.
    pub(crate) fn follow_links(&mut self, core: &Core) {
        self.downstream = core.outgoing[self.index.get()].first().copied();
    }

    pub(crate) fn arrive(&mut self, core: &mut Core, call: CallId) {
        core.arrived(call);
        if !self.up {
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            return;
        }
        let Some(state) = core.calls.get_mut(call) else {
            return;
        };
        state.epoch = self.epoch;
        let weight = state.weight;
        if self.station.is_fluid() {
            let service = core.streams[self.index.get()]
                .service
                .service_ns(&self.params.service, self.slow_factor);
            let scv = self.params.service.scv();
            if let FluidAdmission::Admitted { delay_ns } = self.station.fluid_admit(
                core.now,
                &mut core.streams[self.index.get()].service,
                service,
                scv,
                weight,
                u64::MAX,
            ) {
                core.schedule(delay_ns, crate::core::Event::ServiceDone { call });
            }
            return;
        }
        if let Admission::Start = self.station.admit(core.now, call) {
            self.start(core, call);
        }
    }

    fn start(&mut self, core: &mut Core, call: CallId) {
        let service = core.service_ns(call, self.index, &self.params.service, self.slow_factor);
        core.schedule(service, crate::core::Event::ServiceDone { call });
    }

    pub(crate) fn service_done(&mut self, core: &mut Core, call: CallId) {
        let Some(state) = core.calls.get(call) else {
            return;
        };
        if state.epoch != self.epoch {
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            return;
        }
        let is_write = state.request_type.is_write();
        if let Some((next, _)) = self.station.next(core.now) {
            self.start(core, next);
        }
        let now = core.now;
        let hit = if let Some(ratio) = self.params.fixed_hit_ratio {
            !is_write && core.streams[self.index.get()].hits.chance(ratio)
        } else {
            let key = self.zipf.sample(&mut core.streams[self.index.get()].keys);
            if let Some(state) = core.calls.get_mut(call) {
                state.key = key;
            }
            if is_write {
                self.lru.invalidate(key);
                false
            } else {
                self.lru.lookup(key, now, to_ns(self.params.ttl_s * 1e9))
            }
        };
        if !is_write {
            let metrics = &mut core.metrics[self.index.get()];
            if hit {
                metrics.hits += 1;
                metrics.window_hits += 1;
            } else {
                metrics.misses += 1;
                metrics.window_misses += 1;
            }
        }
        if hit && let Some(state) = core.calls.get_mut(call) {
            state.hit = true;
        }
        match (hit, self.downstream) {
            (true, _) | (false, None) => core.respond(call, Ok(())),
            (false, Some(link)) => {
                core.forward(call, link, 0);
            }
        }
    }

    pub(crate) fn response(
        &mut self,
        core: &mut Core,
        parent: CallId,
        failure: Option<FailureCause>,
    ) {
        if failure.is_none()
            && self.params.fixed_hit_ratio.is_none()
            && let Some(state) = core.calls.get(parent)
            && !state.request_type.is_write()
        {
            let key = state.key;
            self.lru.insert(key, core.now);
        }
        core.respond(parent, failure.map_or(Ok(()), Err));
    }

    pub(crate) fn flush(&mut self, core: &mut Core) {
        self.lru.clear();
        core.log(
            LogLevel::Warn,
            self.index,
            RunEvent::CacheFlushed,
            "cache flushed: every key is gone".to_owned(),
        );
    }

    pub(crate) fn kill(&mut self, core: &mut Core) {
        if !self.up {
            return;
        }
        self.up = false;
        self.epoch += 1;
        self.lru.clear();
        core.log(
            LogLevel::Error,
            self.index,
            RunEvent::Crashed {
                cause: CrashCause::Killed,
            },
            "died (and lost its keys)".to_owned(),
        );
        for (call, _) in self.station.clear(core.now) {
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
        }
    }

    pub(crate) fn restart(&mut self, core: &mut Core) {
        self.up = true;
        let event = RunEvent::Restarted;
        core.log(
            LogLevel::Info,
            self.index,
            event,
            "restarted empty".to_owned(),
        );
    }

    /// Popularity of key i under the configured Zipf law (for checks against Che's approximation).
    pub(crate) fn popularity(&self) -> Vec<f64> {
        (0..self.zipf.len())
            .map(|key| self.zipf.probability(key))
            .collect()
    }

    pub(crate) fn gauges(&mut self, now: u64) -> Gauges {
        Gauges {
            cpu: self.station.window_utilisation(now),
            queue: self.station.queue_len() as f64,
            memory_mb: self.lru.len() as f64 * 0.001,
            connections: f64::from(self.station.busy) + self.station.queue_len() as f64,
            instances: u32::from(self.up),
            waits: self.station.last_window_waits,
        }
    }
}
