//! The simulation's random number streams and the distributions drawn from them.
//!
//! **Architecture Invariant:** every random draw of a run goes through a `Random` of a node's
//! [`Streams`], each seeded from (run seed, node id, purpose), with a named algorithm (PCG 64 MCG) and
//! only IEEE-exact arithmetic or `libm` functions, so a seed gives bit-identical runs on every platform,
//! wasm32 included. Streams by purpose give **common random numbers**: a users node's arrivals draw
//! from their own stream, so adding a server, a cache or a fault leaves every arrival where it was,
//! and two designs compared under one seed see the same traffic.

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::params::{Distribution, ServiceTime};

#[derive(Clone)]
pub(crate) struct Random {
    generator: Pcg64Mcg,
}

/// What a stream of random numbers is for. Each node has one stream per purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A users node's arrival gaps and rate thinning.
    Arrivals = 1,
    /// A users node's choice of request type.
    RequestTypes = 2,
    /// A users node's retry backoff jitter.
    Retries = 3,
    /// Service times (every instance of the node).
    Service = 4,
    /// A load balancer's choice of backend.
    Routing = 5,
    /// A load balancer's health-check phases.
    Probes = 6,
    /// Cache and CDN hit draws.
    Hits = 7,
    /// Cache keys.
    Keys = 8,
    /// Loss on the node's outgoing links.
    Loss = 9,
    /// A users node's requests' work: each request carries a seed its service times are drawn from.
    Work = 10,
    /// A release's defect at the node's instances, and a pipeline's test stage.
    Releases = 11,
}

/// The random streams of one node, one per [`Purpose`].
#[derive(Clone)]
pub(crate) struct Streams {
    pub(crate) arrivals: Random,
    pub(crate) request_types: Random,
    pub(crate) retries: Random,
    pub(crate) service: Random,
    pub(crate) routing: Random,
    pub(crate) probes: Random,
    pub(crate) hits: Random,
    pub(crate) keys: Random,
    pub(crate) loss: Random,
    pub(crate) work: Random,
    pub(crate) releases: Random,
}

impl Streams {
    /// The streams of the node with id `owner` in a run seeded with `seed`.
    pub(crate) fn new(seed: u64, owner: &str) -> Streams {
        let stream = |purpose| Random::new(stream_seed(seed, owner, purpose));
        Streams {
            arrivals: stream(Purpose::Arrivals),
            request_types: stream(Purpose::RequestTypes),
            retries: stream(Purpose::Retries),
            service: stream(Purpose::Service),
            routing: stream(Purpose::Routing),
            probes: stream(Purpose::Probes),
            hits: stream(Purpose::Hits),
            keys: stream(Purpose::Keys),
            loss: stream(Purpose::Loss),
            work: stream(Purpose::Work),
            releases: stream(Purpose::Releases),
        }
    }
}

/// SplitMix64's finaliser: spreads every input bit over the output.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of one stream: a function of the run seed, the owner's id (its bytes, FNV-1a) and the
/// purpose only, so it never depends on the order or number of other nodes.
pub(crate) fn stream_seed(seed: u64, owner: &str, purpose: Purpose) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in owner.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(mix(seed) ^ mix(hash ^ (purpose as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)))
}

/// 2^-53: turns the top 53 bits of a `u64` into a uniform `f64`.
const UNIT: f64 = 1.0 / 9_007_199_254_740_992.0;

/// A fixed value in [0, 1) for `value`, spread by [`mix`] (the same input always gives the same
/// output, with no stream drawn from).
pub(crate) fn hashed_unit(value: u64) -> f64 {
    (mix(value) >> 11) as f64 * UNIT
}

impl Random {
    pub(crate) fn new(seed: u64) -> Random {
        Random {
            generator: Pcg64Mcg::seed_from_u64(seed),
        }
    }

    /// A generator for a few draws from one well-mixed seed (a request's service time at a node),
    /// without the cost of [`Random::new`]'s seed expansion.
    pub(crate) fn for_draw(seed: u64) -> Random {
        let state = (u128::from(mix(seed)) << 64) | u128::from(mix(seed ^ 0x6a09_e667_f3bc_c909));
        Random {
            generator: Pcg64Mcg::new(state),
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.generator.next_u64()
    }

    /// Uniform in [0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * UNIT
    }

    /// Uniform in (0, 1): safe to take the logarithm of.
    fn open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * UNIT
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p >= 1.0 || (p > 0.0 && self.uniform() < p)
    }

    /// Uniform integer in 0..n (n > 0); Lemire's multiply-shift, bias below n / 2^64.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Exponential with the given mean (any unit).
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(self.open_unit())
    }

    /// Standard normal (Box–Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let radius = libm::sqrt(-2.0 * libm::log(self.open_unit()));
        radius * libm::cos(std::f64::consts::TAU * self.uniform())
    }

    /// A service time in nanoseconds.
    pub(crate) fn service_ns(&mut self, time: &ServiceTime, slow_factor: f64) -> u64 {
        let mean_ns = time.mean_ms * 1e6 * slow_factor;
        let value = match time.distribution {
            Distribution::Deterministic => mean_ns,
            Distribution::Exponential => self.exponential(mean_ns),
            Distribution::LogNormal => {
                // Choose mu so the mean, not the median, is the one asked for.
                let sigma = time.sigma;
                let mu = libm::log(mean_ns.max(1.0)) - sigma * sigma / 2.0;
                libm::exp(mu + sigma * self.normal())
            }
        };
        to_ns(value)
    }
}

/// A float number of nanoseconds to integer time, saturating and never negative.
pub(crate) fn to_ns(value: f64) -> u64 {
    if value.is_nan() || value <= 0.0 {
        0
    } else if value < 9.2e18 {
        // Below 2^63 the signed conversion truncates to the same integer in one instruction,
        // where the unsigned one needs a few more (this runs for every time drawn).
        value as i64 as u64
    } else if value >= 1.8e19 {
        u64::MAX / 4
    } else {
        value as u64
    }
}

/// Zipf(s) over keys 0..n by inversion of a precomputed cumulative table: exact and portable.
#[derive(Clone)]
pub(crate) struct ZipfTable {
    cumulative: Vec<f64>,
}

impl ZipfTable {
    pub(crate) fn new(keys: u32, exponent: f64) -> ZipfTable {
        let mut cumulative = Vec::with_capacity(keys as usize);
        let mut sum = 0.0;
        for rank in 1..=keys.max(1) {
            sum += 1.0 / libm::pow(f64::from(rank), exponent);
            cumulative.push(sum);
        }
        for value in &mut cumulative {
            *value /= sum;
        }
        ZipfTable { cumulative }
    }

    /// Popularity of key `i` (for the Che approximation in tests).
    pub(crate) fn probability(&self, key: usize) -> f64 {
        let below = if key == 0 {
            0.0
        } else {
            self.cumulative[key - 1]
        };
        self.cumulative[key] - below
    }

    pub(crate) fn len(&self) -> usize {
        self.cumulative.len()
    }

    pub(crate) fn sample(&self, random: &mut Random) -> u32 {
        let u = random.uniform();
        let index = self.cumulative.partition_point(|value| *value <= u);
        index.min(self.cumulative.len() - 1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::Random;

    #[test]
    fn poisson_counts_have_poisson_variance() {
        let mut z = Vec::new();
        for seed in 0..200 {
            let mut random = Random::new(seed);
            let (mut t, mut n) = (0.0, 0u64);
            loop {
                t += random.exponential(1.0 / 320.0);
                if t > 50.0 {
                    break;
                }
                n += 1;
            }
            z.push((n as f64 - 16_000.0) / 16_000f64.sqrt());
        }
        let variance = z.iter().map(|x| x * x).sum::<f64>() / z.len() as f64;
        assert!(
            (0.75..1.25).contains(&variance),
            "variance of standardised counts {variance}"
        );
    }
}

#[cfg(test)]
mod conversion_tests {
    use super::to_ns;

    #[test]
    fn to_ns_truncates_like_an_unsigned_conversion() {
        for value in [
            0.4,
            1.0,
            1.9,
            123_456.789,
            4.5e15,
            9.007_199_254_740_993e15,
            9.19e18,
            9.2e18,
            9.3e18,
            1.79e19,
        ] {
            assert_eq!(to_ns(value), value as u64, "{value}");
        }
        assert_eq!(to_ns(f64::NAN), 0);
        assert_eq!(to_ns(-3.0), 0);
        assert_eq!(to_ns(1.8e19), u64::MAX / 4);
    }
}

#[cfg(test)]
mod draw_tests {
    use super::Random;

    #[test]
    fn draws_from_consecutive_work_seeds_are_exponential() {
        let mut work = Random::new(7);
        let n = 400_000;
        let mut sum = 0.0;
        let mut sum_sq = 0.0;
        for _ in 0..n {
            let seed = work.next_u64() ^ (3 << 48) ^ (2 << 56);
            let x = Random::for_draw(seed).exponential(1.0);
            sum += x;
            sum_sq += x * x;
        }
        let mean = sum / n as f64;
        let second = sum_sq / n as f64;
        println!("mean {mean}, second moment {second}");
        assert!((mean - 1.0).abs() < 0.01, "{mean}");
        assert!((second - 2.0).abs() < 0.04, "{second}");
    }
}
