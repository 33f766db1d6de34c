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
//! When full, a key to store makes room by the `eviction` policy: the exact LRU; Redis's
//! `noeviction` (the store is refused with an OOM error, counted and logged; an expired key read is
//! deleted, as Redis does lazily); Redis's `allkeys-lru`, the oldest of `eviction_samples` keys drawn
//! at random (from the node's `hits` stream, unused by an LRU). With `slabs` (Memcached) memory is
//! counted in bytes: each key's value size comes from the workload (`value_bytes`, a `large_share`
//! of keys at `large_value_bytes`), items go to the slab class whose chunk fits them, pages of 1 MB
//! are handed to classes as they fill, each class evicts by its own LRU, and the automover moves one
//! page per 30 s from the class with the oldest items to the one under the most pressure.
//!
//! Leaves out: request coalescing for concurrent misses, replication of the cache, Memcached's
//! segmented (hot/warm/cold) LRU and its LRU crawler, Redis's eviction pool (it samples afresh each
//! time) and memory counted in bytes for Redis (its limit is in keys).

use crate::core::{CallId, Core, LinkIndex, NodeIndex};
use crate::metrics::{FailureCause, LogLevel};
use crate::nodes::Gauges;
use crate::params::{CacheParams, Eviction};
use crate::random::{Random, ZipfTable, to_ns};
use crate::run_event::{CrashCause, RunEvent};
use crate::snapshot::{CacheFigures, SlabFigures};
use crate::station::{Admission, FluidAdmission, Station};

const NONE: u32 = u32::MAX;

/// Bytes an item takes beside its value in a slab chunk: Memcached's item header, the key and its
/// flags (about 100 bytes for a short key).
pub(crate) const ITEM_OVERHEAD_BYTES: u32 = 100;
/// Memcached's page (`-I`, the largest item, 1 MB by default): memory is handed to slab classes a
/// page at a time.
const PAGE_BYTES: u32 = 1 << 20;
/// The smallest chunk (the 48-byte item header and `-n 48`).
const SMALLEST_CHUNK_BYTES: u32 = 96;
/// How often the slab automover may move one page (our reading of Memcached's conservative
/// `slab_automove=1`: a page now and then, not on every eviction).
const AUTOMOVE_EVERY_NS: u64 = 30_000_000_000;

/// What storing a key did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Put {
    /// Stored in free room (or refreshed).
    Added,
    /// Stored in place of an evicted key.
    Evicted,
    /// Not stored: full and not allowed to evict (Redis's noeviction answers an OOM error), or a slab
    /// class with no page while every page belongs to other classes.
    Refused,
}

/// How a full [`Lru`] makes room.
pub(crate) enum Policy<'a> {
    Lru,
    NoEviction,
    /// The least recently used of `samples` keys drawn at random.
    Sampled {
        samples: u32,
        random: &'a mut Random,
    },
}

impl<'a> Policy<'a> {
    pub(crate) fn of(params: &CacheParams, random: &'a mut Random) -> Policy<'a> {
        match params.eviction {
            Eviction::Lru => Policy::Lru,
            Eviction::NoEviction => Policy::NoEviction,
            Eviction::SampledLru => Policy::Sampled {
                samples: params.eviction_samples,
                random,
            },
        }
    }
}

/// A least-recently-used set of keys with insertion and last-use times, in flat arrays (no
/// allocation per hit). Freed slots wait at the tail of the recency list to be reused first.
#[derive(Clone)]
pub(crate) struct Lru {
    capacity: usize,
    /// Slots holding a key.
    live: usize,
    /// For each key of the keyspace, its slot or NONE.
    slot_of: Vec<u32>,
    keys: Vec<u32>,
    stored_at: Vec<u64>,
    used_at: Vec<u64>,
    previous: Vec<u32>,
    next: Vec<u32>,
    head: u32,
    tail: u32,
}

impl Lru {
    pub(crate) fn new(capacity: usize, keyspace: usize) -> Lru {
        Lru {
            capacity,
            live: 0,
            slot_of: vec![NONE; keyspace],
            keys: Vec::new(),
            stored_at: Vec::new(),
            used_at: Vec::new(),
            previous: Vec::new(),
            next: Vec::new(),
            head: NONE,
            tail: NONE,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.live
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
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

    fn push_back(&mut self, slot: u32) {
        self.next[slot as usize] = NONE;
        self.previous[slot as usize] = self.tail;
        if self.tail == NONE {
            self.head = slot;
        } else {
            self.next[self.tail as usize] = slot;
        }
        self.tail = slot;
    }

    fn expired(&self, slot: u32, now: u64, ttl_ns: u64) -> bool {
        ttl_ns > 0 && now.saturating_sub(self.stored_at[slot as usize]) >= ttl_ns
    }

    /// A hit refreshes recency; an expired key counts as a miss.
    pub(crate) fn lookup(&mut self, key: u32, now: u64, ttl_ns: u64) -> bool {
        let slot = self.slot_of[key as usize];
        if slot == NONE || self.expired(slot, now, ttl_ns) {
            return false;
        }
        self.used_at[slot as usize] = now;
        self.unlink(slot);
        self.push_front(slot);
        true
    }

    /// Frees `key` if it has expired (Redis deletes an expired key when it is read).
    pub(crate) fn drop_if_expired(&mut self, key: u32, now: u64, ttl_ns: u64) {
        let slot = self.slot_of[key as usize];
        if slot != NONE && self.expired(slot, now, ttl_ns) {
            self.invalidate(key);
        }
    }

    /// The least recently used slot holding a key (freed slots sit behind it).
    fn oldest(&self) -> Option<u32> {
        let mut slot = self.tail;
        while slot != NONE && self.keys[slot as usize] == NONE {
            slot = self.previous[slot as usize];
        }
        (slot != NONE).then_some(slot)
    }

    /// When the least recently used key was last used.
    pub(crate) fn oldest_use(&self) -> Option<u64> {
        self.oldest().map(|slot| self.used_at[slot as usize])
    }

    fn place(&mut self, slot: u32, key: u32, now: u64) {
        self.keys[slot as usize] = key;
        self.stored_at[slot as usize] = now;
        self.used_at[slot as usize] = now;
        self.slot_of[key as usize] = slot;
        self.push_front(slot);
    }

    /// Stores `key`, evicting by `policy` when full.
    pub(crate) fn insert(&mut self, key: u32, now: u64, ttl_ns: u64, policy: Policy<'_>) -> Put {
        let slot = self.slot_of[key as usize];
        if slot != NONE {
            self.stored_at[slot as usize] = now;
            self.used_at[slot as usize] = now;
            self.unlink(slot);
            self.push_front(slot);
            return Put::Added;
        }
        if self.capacity == 0 {
            return Put::Refused;
        }
        if self.live < self.capacity {
            let slot = if self.tail != NONE && self.keys[self.tail as usize] == NONE {
                let free = self.tail;
                self.unlink(free);
                free
            } else {
                self.keys.push(NONE);
                self.stored_at.push(0);
                self.used_at.push(0);
                self.previous.push(NONE);
                self.next.push(NONE);
                (self.keys.len() - 1) as u32
            };
            self.place(slot, key, now);
            self.live += 1;
            return Put::Added;
        }
        let Some(oldest) = self.oldest() else {
            return Put::Refused;
        };
        let victim = match policy {
            Policy::Lru => oldest,
            // Only an expired key may go (Redis's expiry cycle reclaims it); the least recently
            // used one stands for the keys that cycle would find.
            Policy::NoEviction if self.expired(oldest, now, ttl_ns) => oldest,
            Policy::NoEviction => return Put::Refused,
            Policy::Sampled { samples, random } => {
                let mut best = NONE;
                for _ in 0..samples.max(1) {
                    let slot = random.below(self.keys.len()) as u32;
                    if self.keys[slot as usize] != NONE
                        && (best == NONE
                            || self.used_at[slot as usize] < self.used_at[best as usize])
                    {
                        best = slot;
                    }
                }
                if best == NONE { oldest } else { best }
            }
        };
        self.slot_of[self.keys[victim as usize] as usize] = NONE;
        self.unlink(victim);
        self.place(victim, key, now);
        Put::Evicted
    }

    pub(crate) fn invalidate(&mut self, key: u32) {
        let slot = self.slot_of[key as usize];
        if slot != NONE {
            self.slot_of[key as usize] = NONE;
            self.keys[slot as usize] = NONE;
            self.stored_at[slot as usize] = 0;
            self.unlink(slot);
            self.push_back(slot);
            self.live -= 1;
        }
    }

    /// Room for `by` more keys.
    pub(crate) fn grow(&mut self, by: usize) {
        self.capacity += by;
    }

    /// Room for `by` fewer keys: the least recently used ones go. Returns how many went.
    pub(crate) fn shrink(&mut self, by: usize) -> usize {
        self.capacity = self.capacity.saturating_sub(by);
        let mut gone = 0;
        while self.live > self.capacity {
            let Some(slot) = self.oldest() else { break };
            self.invalidate(self.keys[slot as usize]);
            gone += 1;
        }
        gone
    }

    pub(crate) fn clear(&mut self) {
        self.slot_of.iter_mut().for_each(|slot| *slot = NONE);
        self.live = 0;
        self.keys.clear();
        self.stored_at.clear();
        self.used_at.clear();
        self.previous.clear();
        self.next.clear();
        self.head = NONE;
        self.tail = NONE;
    }
}

/// One slab class: chunks of one size, the pages it was given, and its own LRU.
#[derive(Clone)]
pub(crate) struct SlabClass {
    pub(crate) chunk_bytes: u32,
    pub(crate) per_page: u32,
    pub(crate) pages: u32,
    /// Created when the class first stores an item.
    lru: Option<Lru>,
    pub(crate) evictions: u64,
    pub(crate) refused: u64,
    /// Evictions and refusals since the automover last looked.
    pressure: u64,
}

impl SlabClass {
    pub(crate) fn items(&self) -> usize {
        self.lru.as_ref().map_or(0, Lru::len)
    }
}

/// Memcached's memory: 1 MB pages handed to slab classes by item size as items arrive, each class
/// with its own LRU, so a size that arrives late may find every page taken by others.
#[derive(Clone)]
pub(crate) struct Slabs {
    pub(crate) classes: Vec<SlabClass>,
    /// For each key, the class holding it (or u8::MAX).
    class_of: Vec<u8>,
    pub(crate) free_pages: u32,
    keyspace: usize,
    automove: bool,
    next_move_at: u64,
}

impl Slabs {
    pub(crate) fn new(params: &CacheParams, keyspace: usize) -> Slabs {
        let factor = params.growth_factor.max(1.01);
        let mut classes = Vec::new();
        let mut chunk = SMALLEST_CHUNK_BYTES;
        while chunk < PAGE_BYTES / 2 && classes.len() < 250 {
            classes.push(chunk);
            // Grow by the factor, aligned to 8 bytes, by at least 8.
            let grown = libm::ceil(f64::from(chunk) * factor) as u32;
            chunk = grown.div_ceil(8).max(chunk / 8 + 1) * 8;
        }
        classes.push(PAGE_BYTES / 2);
        classes.push(PAGE_BYTES);
        Slabs {
            classes: classes
                .into_iter()
                .map(|chunk_bytes| SlabClass {
                    chunk_bytes,
                    per_page: PAGE_BYTES / chunk_bytes,
                    pages: 0,
                    lru: None,
                    evictions: 0,
                    refused: 0,
                    pressure: 0,
                })
                .collect(),
            class_of: vec![u8::MAX; keyspace],
            free_pages: params.memory_mb,
            keyspace,
            automove: params.slab_automove,
            next_move_at: AUTOMOVE_EVERY_NS,
        }
    }

    /// The class whose chunks fit an item of `bytes`.
    pub(crate) fn class_for(&self, bytes: u32) -> usize {
        self.classes
            .iter()
            .position(|class| class.chunk_bytes >= bytes)
            .unwrap_or(self.classes.len() - 1)
    }

    pub(crate) fn len(&self) -> usize {
        self.classes.iter().map(SlabClass::items).sum()
    }

    pub(crate) fn lookup(&mut self, key: u32, now: u64, ttl_ns: u64) -> bool {
        let class = self.class_of[key as usize];
        if class == u8::MAX {
            return false;
        }
        self.classes[class as usize]
            .lru
            .as_mut()
            .is_some_and(|lru| lru.lookup(key, now, ttl_ns))
    }

    pub(crate) fn insert(&mut self, key: u32, item_bytes: u32, now: u64, ttl_ns: u64) -> Put {
        let class = self.class_for(item_bytes);
        let held = self.class_of[key as usize];
        if held != u8::MAX && usize::from(held) != class {
            // A new value of another size moves the key to that size's class.
            self.invalidate(key);
        }
        if self.automove && now >= self.next_move_at {
            self.next_move_at = now + AUTOMOVE_EVERY_NS;
            self.move_page();
        }
        let keyspace = self.keyspace;
        let free_pages = &mut self.free_pages;
        let slab = &mut self.classes[class];
        let lru = slab.lru.get_or_insert_with(|| Lru::new(0, keyspace));
        if lru.len() >= lru.capacity() && *free_pages > 0 {
            *free_pages -= 1;
            slab.pages += 1;
            lru.grow(slab.per_page as usize);
        }
        let stored = lru.insert(key, now, ttl_ns, Policy::Lru);
        match stored {
            Put::Added => {}
            Put::Evicted => {
                slab.evictions += 1;
                slab.pressure += 1;
            }
            Put::Refused => {
                slab.refused += 1;
                slab.pressure += 1;
            }
        }
        if stored != Put::Refused {
            self.class_of[key as usize] = class as u8;
        }
        stored
    }

    /// One page from the class whose least recently used item is the oldest to the class under the
    /// most pressure, if that one is evicting or refusing and the giver keeps at least one page.
    fn move_page(&mut self) {
        let target = (0..self.classes.len())
            .filter(|&c| self.classes[c].pressure > 0)
            .max_by_key(|&c| (self.classes[c].pressure, std::cmp::Reverse(c)));
        for class in &mut self.classes {
            class.pressure = 0;
        }
        let Some(target) = target else {
            return;
        };
        let source = (0..self.classes.len())
            .filter(|&c| c != target && self.classes[c].pages >= 2)
            .min_by_key(|&c| {
                let oldest = self.classes[c].lru.as_ref().and_then(Lru::oldest_use);
                (oldest.unwrap_or(0), c)
            });
        let Some(source) = source else {
            return;
        };
        let giver = &mut self.classes[source];
        giver.pages -= 1;
        let per_page = giver.per_page as usize;
        if let Some(lru) = giver.lru.as_mut() {
            lru.shrink(per_page);
        }
        let taker = &mut self.classes[target];
        taker.pages += 1;
        let per_page = taker.per_page as usize;
        let keyspace = self.keyspace;
        taker
            .lru
            .get_or_insert_with(|| Lru::new(0, keyspace))
            .grow(per_page);
    }

    pub(crate) fn invalidate(&mut self, key: u32) {
        let class = self.class_of[key as usize];
        if class != u8::MAX {
            if let Some(lru) = self.classes[class as usize].lru.as_mut() {
                lru.invalidate(key);
            }
            self.class_of[key as usize] = u8::MAX;
        }
    }

    /// Every item gone; the pages stay with their classes (as after Memcached's `flush_all`).
    pub(crate) fn clear(&mut self) {
        for class in &mut self.classes {
            if let Some(lru) = class.lru.as_mut() {
                lru.clear();
            }
        }
        self.class_of.iter_mut().for_each(|class| *class = u8::MAX);
    }
}

/// Where a cache keeps its keys.
#[derive(Clone)]
pub(crate) enum Store {
    /// A count of keys, evicted by the cache's policy.
    Keys(Lru),
    /// Memcached's slab classes.
    Slabs(Slabs),
}

impl Store {
    fn new(params: &CacheParams) -> Store {
        let keyspace = params.keyspace.clamp(1, 1_000_000) as usize;
        if params.slabs {
            Store::Slabs(Slabs::new(params, keyspace))
        } else {
            Store::Keys(Lru::new(
                (params.capacity_keys as usize).min(keyspace),
                keyspace,
            ))
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Store::Keys(lru) => lru.len(),
            Store::Slabs(slabs) => slabs.len(),
        }
    }

    fn invalidate(&mut self, key: u32) {
        match self {
            Store::Keys(lru) => lru.invalidate(key),
            Store::Slabs(slabs) => slabs.invalidate(key),
        }
    }

    fn clear(&mut self) {
        match self {
            Store::Keys(lru) => lru.clear(),
            Store::Slabs(slabs) => slabs.clear(),
        }
    }
}

/// The size of `key`'s value: a fixed share of keys, spread over the keyspace by a hash (so size
/// and popularity are independent), hold large values.
pub(crate) fn value_bytes(params: &CacheParams, key: u32) -> u32 {
    if crate::random::hashed_unit(u64::from(key)) < params.large_share {
        params.large_value_bytes
    } else {
        params.value_bytes
    }
}

#[derive(Clone)]
pub(crate) struct Cache {
    pub(crate) index: NodeIndex,
    pub(crate) params: CacheParams,
    pub(crate) station: Station,
    pub(crate) store: Store,
    zipf: ZipfTable,
    downstream: Option<LinkIndex>,
    pub(crate) up: bool,
    pub(crate) slow_factor: f64,
    epoch: u32,
    /// Stores refused since the start (Redis noeviction's OOM errors, slab classes without room).
    pub(crate) refused: u64,
    pub(crate) evictions: u64,
    /// When a refused store was last logged (one line per 10 s says how many).
    refusals_logged_at: Option<u64>,
    refused_unlogged: u64,
}

impl Cache {
    pub(crate) fn new(core: &Core, index: NodeIndex, params: &CacheParams) -> Cache {
        let keyspace = params.keyspace.clamp(1, 1_000_000);
        let mut store = Store::new(params);
        if params.prewarmed
            && params.fixed_hit_ratio.is_none()
            && let Store::Keys(lru) = &mut store
        {
            // The most popular keys (the lowest ranks), the most popular used last.
            let ttl_ns = to_ns(params.ttl_s * 1e9);
            let held = params.capacity_keys.min(keyspace);
            for key in (0..held).rev() {
                lru.insert(key, core.now, ttl_ns, Policy::Lru);
            }
        }
        Cache {
            index,
            params: params.clone(),
            station: Station::new(params.workers, usize::MAX),
            store,
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
            refused: 0,
            evictions: 0,
            refusals_logged_at: None,
            refused_unlogged: 0,
        }
    }

    /// New parameters while running. A new capacity, keyspace or popularity starts the cache cold (its
    /// contents no longer fit the new key model), but the lookups it holds finish: the worker pool,
    /// with its calls, is kept, and only its size changes.
    pub(crate) fn set_params(&mut self, core: &Core, params: CacheParams) {
        // A new eviction policy or value sizes keep what is stored (a slab class keeps its pages:
        // that is how a new value size starves).
        let cold = params.capacity_keys != self.params.capacity_keys
            || params.keyspace != self.params.keyspace
            || params.zipf_s != self.params.zipf_s
            || params.fixed_hit_ratio.is_some() != self.params.fixed_hit_ratio.is_some()
            || params.slabs != self.params.slabs
            || (params.slabs
                && (params.memory_mb != self.params.memory_mb
                    || params.growth_factor != self.params.growth_factor));
        if cold {
            let mut fresh = Cache::new(core, self.index, &params);
            std::mem::swap(&mut fresh.station, &mut self.station);
            fresh.up = self.up;
            fresh.slow_factor = self.slow_factor;
            fresh.epoch = self.epoch;
            fresh.refused = self.refused;
            fresh.evictions = self.evictions;
            *self = fresh;
        } else if let Store::Slabs(slabs) = &mut self.store {
            slabs.automove = params.slab_automove;
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
                if let Some(state) = core.calls.get_mut(call) {
                    state.drawn = true;
                }
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
        let Some(state) = core.calls.get_mut(call) else {
            return;
        };
        // A drawn call held no thread; it may free threads held for drawn calls since a switch
        // back to per request.
        let freed = if std::mem::take(&mut state.drawn) {
            self.station.drawn_done(core.now, state.weight)
        } else {
            1
        };
        if state.epoch != self.epoch {
            core.fail(call, FailureCause::BackendDown { node: self.index.0 });
            return;
        }
        let is_write = state.request_type.is_write();
        for _ in 0..freed {
            if let Some((next, _)) = self.station.next(core.now) {
                self.start(core, next);
            }
        }
        let now = core.now;
        let hit = if let Some(ratio) = self.params.fixed_hit_ratio {
            !is_write && core.streams[self.index.get()].hits.chance(ratio)
        } else {
            let key = self.zipf.sample(&mut core.streams[self.index.get()].keys);
            if let Some(state) = core.calls.get_mut(call) {
                state.key = key;
            }
            let ttl_ns = to_ns(self.params.ttl_s * 1e9);
            match &mut self.store {
                _ if is_write => {
                    self.store.invalidate(key);
                    false
                }
                Store::Keys(lru) => {
                    let hit = lru.lookup(key, now, ttl_ns);
                    if !hit && self.params.eviction == Eviction::NoEviction {
                        lru.drop_if_expired(key, now, ttl_ns);
                    }
                    hit
                }
                Store::Slabs(slabs) => slabs.lookup(key, now, ttl_ns),
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
            self.store_key(core, key);
        }
        core.respond(parent, failure.map_or(Ok(()), Err));
    }

    /// Stores a key fetched after a miss, by the policy; a refused store is counted and logged
    /// (one line per 10 s with the count), and the answer still goes back to the client.
    fn store_key(&mut self, core: &mut Core, key: u32) {
        let now = core.now;
        let ttl_ns = to_ns(self.params.ttl_s * 1e9);
        let stored = match &mut self.store {
            // A cache sized to hold no key stores nothing: not an out-of-memory error.
            Store::Keys(lru) if lru.capacity() == 0 => return,
            Store::Keys(lru) => {
                let random = &mut core.streams[self.index.get()].hits;
                lru.insert(key, now, ttl_ns, Policy::of(&self.params, random))
            }
            Store::Slabs(slabs) => {
                let bytes = value_bytes(&self.params, key).saturating_add(ITEM_OVERHEAD_BYTES);
                slabs.insert(key, bytes, now, ttl_ns)
            }
        };
        match stored {
            Put::Added => {}
            Put::Evicted => self.evictions += 1,
            Put::Refused => {
                self.refused += 1;
                self.refused_unlogged += 1;
                let due = self
                    .refusals_logged_at
                    .is_none_or(|at| now.saturating_sub(at) >= 10_000_000_000);
                if due {
                    let message = match self.store {
                        Store::Keys(_) => format!(
                            "OOM command not allowed when used memory > 'maxmemory' ({} refused store{}, {} in all)",
                            self.refused_unlogged,
                            if self.refused_unlogged == 1 { "" } else { "s" },
                            self.refused
                        ),
                        Store::Slabs(_) => format!(
                            "SERVER_ERROR out of memory storing object: no page for a {} B item ({} refused, {} in all)",
                            value_bytes(&self.params, key),
                            self.refused_unlogged,
                            self.refused
                        ),
                    };
                    core.log(
                        LogLevel::Warn,
                        self.index,
                        RunEvent::CacheStoreRefused {
                            count: self.refused_unlogged,
                        },
                        message,
                    );
                    self.refusals_logged_at = Some(now);
                    self.refused_unlogged = 0;
                }
            }
        }
    }

    pub(crate) fn flush(&mut self, core: &mut Core) {
        self.store.clear();
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
        // A process that dies loses its memory, pages and all.
        self.store = Store::new(&self.params);
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

    /// What it holds and refuses, for the snapshot.
    pub(crate) fn figures(&self) -> CacheFigures {
        let (capacity_keys, slab_classes, free_pages) = match &self.store {
            Store::Keys(lru) => (Some(lru.capacity() as u64), Vec::new(), 0),
            Store::Slabs(slabs) => (
                None,
                slabs
                    .classes
                    .iter()
                    .filter(|class| class.pages > 0 || class.refused > 0)
                    .map(|class| SlabFigures {
                        chunk_bytes: class.chunk_bytes,
                        pages: class.pages,
                        items: class.items() as u64,
                        evictions: class.evictions,
                        refused: class.refused,
                    })
                    .collect(),
                slabs.free_pages,
            ),
        };
        CacheFigures {
            keys: self.store.len() as u64,
            capacity_keys,
            evictions: self.evictions,
            refused: self.refused,
            slab_classes,
            free_pages,
        }
    }

    pub(crate) fn gauges(&mut self, now: u64) -> Gauges {
        Gauges {
            cpu: self.station.window_utilisation(now),
            queue: self.station.queue_len() as f64,
            memory_mb: match &self.store {
                Store::Keys(lru) => lru.len() as f64 * 0.001,
                Store::Slabs(slabs) => slabs
                    .classes
                    .iter()
                    .map(|class| f64::from(class.pages))
                    .sum(),
            },
            connections: f64::from(self.station.busy) + self.station.queue_len() as f64,
            instances: u32::from(self.up),
            waits: self.station.last_window_waits,
        }
    }
}
