//! Cache flavours: Redis's default noeviction refuses new keys once full (and not before); its
//! allkeys-lru, sampling 5 keys, hits at most as often as an exact LRU and close to Che's
//! approximation; Memcached's slab classes starve a value size that arrives after the pages were
//! handed out, for good without the automover and for a while with it.

use engine::flavours::{NodeFlavour, reset};
use engine::params::{CacheFlavour, CacheParams, Eviction, NodeParams};
use engine::run_event::RunEvent;
use engine::snapshot::CacheFigures;
use engine::{Design, LiveCommand, Simulation};

use crate::support::{batch_means, che_hit_ratio, design};

const SECOND: u64 = 1_000_000_000;

/// The Che validation design (1000 keys of 10 000, Zipf 0.8, 2000 reads/s) with its cache changed.
fn cache_design(mut change: impl FnMut(&mut CacheParams)) -> Design {
    let mut design = design("cache_che.json");
    for node in &mut design.nodes {
        if let NodeParams::Cache(cache) = &mut node.params {
            change(cache);
        }
    }
    design
}

fn figures(simulation: &mut Simulation) -> CacheFigures {
    cache_of(&simulation.snapshot())
}

fn cache_of(snapshot: &engine::Snapshot) -> CacheFigures {
    let node = snapshot
        .nodes
        .iter()
        .find(|n| n.id == "cache")
        .expect("cache");
    node.cache.clone().expect("a cache with an LRU has figures")
}

/// The hit ratio over the last ten seconds (the mean of the per-second figures).
fn recent_hit_ratio(simulation: &mut Simulation) -> f64 {
    let now = simulation.now_ns();
    let mut sum = 0.0;
    for second in 1..=10 {
        simulation.advance_until(now + second * SECOND);
        let snapshot = simulation.snapshot();
        let node = snapshot
            .nodes
            .iter()
            .find(|n| n.id == "cache")
            .expect("cache");
        sum += node.hit_ratio;
    }
    sum / 10.0
}

fn hit_ratio(simulation: &mut Simulation) -> f64 {
    simulation
        .node_stats("cache")
        .expect("cache")
        .hit_ratio
        .unwrap_or(0.0)
}

#[test]
fn redis_noeviction_refuses_new_keys_once_full_and_not_before() {
    let design = cache_design(|cache| *cache = CacheFlavour::Redis.apply(cache));
    let mut simulation = Simulation::new(&design, 3).expect("valid");
    let mut refused_when_full = None;
    let mut lines = Vec::new();
    for tenth in 1..=300 {
        simulation.advance_until(tenth * SECOND / 10);
        let snapshot = simulation.snapshot();
        let figures = cache_of(&snapshot);
        lines.extend(snapshot.logs);
        assert!(
            figures.keys <= 1000,
            "never more keys than maxmemory allows"
        );
        if figures.keys < 1000 {
            assert_eq!(figures.refused, 0, "a store is refused only when full");
        } else if refused_when_full.is_none() {
            refused_when_full = Some(tenth);
        }
    }
    assert!(refused_when_full.is_some(), "the cache filled up");
    let figures = figures(&mut simulation);
    assert_eq!(figures.keys, 1000);
    assert_eq!(figures.evictions, 0, "noeviction evicts nothing");
    assert!(
        figures.refused > 1000,
        "misses keep asking to store keys: {}",
        figures.refused
    );
    let logged: u64 = lines
        .iter()
        .filter(|line| line.node == "cache")
        .filter_map(|line| match line.event {
            Some(RunEvent::CacheStoreRefused { count }) => Some(count),
            _ => None,
        })
        .sum();
    assert!(logged > 0 && logged <= figures.refused);
    assert!(
        lines
            .iter()
            .any(|line| line.message.contains("OOM command not allowed")),
        "the log says what Redis answers"
    );
}

#[test]
fn sampled_lru_hits_at_most_as_often_as_exact_lru_and_near_che() {
    let run = |eviction| {
        let design = cache_design(|cache| cache.eviction = eviction);
        let mut simulation = Simulation::new(&design, 15).expect("valid");
        let che = che_hit_ratio(&simulation.cache_popularity("cache"), 1000.0);
        let [hit] = batch_means(&mut simulation, 5.0, 10, 3.0, |s| [hit_ratio(s)]);
        let evictions = figures(&mut simulation).evictions;
        (hit, che, evictions)
    };
    let (exact, che, _) = run(Eviction::Lru);
    let (sampled, _, evictions) = run(Eviction::SampledLru);
    println!(
        "Che {che:.4}; exact LRU {:.4} ± {:.4}; sampled (5) {:.4} ± {:.4}",
        exact.mean, exact.half_width, sampled.mean, sampled.half_width
    );
    assert!(evictions > 10_000, "it evicted: {evictions}");
    assert!(
        sampled.mean <= exact.mean + exact.half_width + sampled.half_width,
        "sampling never beats the exact order"
    );
    // Sampling 5 keys keeps within 3 points of Che's approximation (Redis's own comparison shows
    // 5 samples close to a true LRU).
    assert!(
        (sampled.mean - che).abs() <= 0.03 + sampled.half_width,
        "sampled {:.4} vs Che {che:.4}",
        sampled.mean
    );
}

/// 4 MB of Memcached with a 20 s TTL, values of 1000 bytes for a minute, then half the keys grow to
/// 20 kB.
fn starving(automove: bool, seed: u64) -> (Simulation, f64) {
    let design = cache_design(|cache| {
        *cache = CacheFlavour::Memcached.apply(cache);
        cache.memory_mb = 4;
        cache.slab_automove = automove;
        // Values are stored again when they expire, at their new size.
        cache.ttl_s = 20.0;
    });
    let mut simulation = Simulation::new(&design, seed).expect("valid");
    simulation.advance_until(50 * SECOND);
    let before = recent_hit_ratio(&mut simulation);
    let Some(NodeParams::Cache(mut cache)) = design.node("cache").map(|n| n.params.clone()) else {
        panic!("a cache");
    };
    cache.large_share = 0.5;
    cache.large_value_bytes = 20_000;
    simulation
        .apply(LiveCommand::SetParams {
            node: "cache".to_owned(),
            params: NodeParams::Cache(cache),
        })
        .expect("live edit");
    (simulation, before)
}

#[test]
fn memcached_pages_go_to_the_first_sizes_and_a_late_size_starves() {
    let (mut simulation, before) = starving(false, 5);
    let at_start = figures(&mut simulation);
    assert_eq!(at_start.free_pages, 0, "a minute of misses took every page");
    assert_eq!(at_start.slab_classes.len(), 1, "all to one class");
    assert_eq!(at_start.slab_classes[0].pages, 4);
    simulation.advance_until(170 * SECOND);
    let starved = recent_hit_ratio(&mut simulation);
    let after = figures(&mut simulation);
    let large = after
        .slab_classes
        .iter()
        .find(|class| class.chunk_bytes > 20_000)
        .expect("the large class asked for room");
    assert_eq!(large.pages, 0, "no page ever moves without the automover");
    assert!(
        large.refused > 1000,
        "its stores are refused: {}",
        large.refused
    );
    // Only the small half of the keys (about half the requests) can hit any more.
    assert!(
        starved < 0.6 && starved < before,
        "the large keys never hit: {starved:.3} after {before:.3}"
    );
}

#[test]
fn memcached_automover_gives_the_starving_size_pages_slowly() {
    let (mut simulation, _) = starving(true, 5);
    simulation.advance_until(95 * SECOND);
    let early = figures(&mut simulation);
    let pages = |figures: &CacheFigures| {
        figures
            .slab_classes
            .iter()
            .find(|class| class.chunk_bytes > 20_000)
            .map_or(0, |class| class.pages)
    };
    assert!(
        pages(&early) <= 2,
        "a page per 30 s at most: {}",
        pages(&early)
    );
    simulation.advance_until(400 * SECOND);
    let late = figures(&mut simulation);
    assert!(pages(&late) >= 1, "the automover moved pages to it");
    let total: u32 = late.slab_classes.iter().map(|class| class.pages).sum();
    assert_eq!(total, 4, "pages move, memory does not grow");
}

#[test]
fn choosing_a_cache_flavour_sets_its_defaults_and_edits_read_custom() {
    let redis = CacheFlavour::Redis.apply(&CacheParams::default());
    assert_eq!(redis.eviction, Eviction::NoEviction);
    assert_eq!(redis.eviction_samples, 5);
    let params = NodeParams::Cache(CacheParams {
        eviction: Eviction::SampledLru,
        ..redis.clone()
    });
    let flavour = NodeFlavour::of(&params).expect("caches have flavours");
    assert_eq!(flavour.label, "Redis");
    assert!(flavour.named);
    assert_eq!(flavour.custom, vec!["eviction"]);
    assert!(
        flavour
            .defaults
            .iter()
            .all(|d| d.source.starts_with("https://"))
    );
    assert_eq!(reset(&params), NodeParams::Cache(redis));
    let memcached = CacheFlavour::Memcached.apply(&CacheParams::default());
    assert!(memcached.slabs && memcached.memory_mb == 64 && memcached.growth_factor == 1.25);
    let generic = CacheFlavour::Generic.apply(&memcached);
    assert_eq!(generic, CacheParams::default());
}

#[test]
fn a_cache_sized_for_no_key_stores_nothing_and_reports_no_error() {
    let design = cache_design(|cache| cache.capacity_keys = 0);
    let mut simulation = Simulation::new(&design, 3).expect("valid");
    simulation.advance_until(5 * SECOND);
    let snapshot = simulation.snapshot();
    let figures = cache_of(&snapshot);
    assert_eq!((figures.keys, figures.refused), (0, 0));
    assert!(
        !snapshot
            .logs
            .iter()
            .any(|line| matches!(line.event, Some(RunEvent::CacheStoreRefused { .. })))
    );
}
