//! A log-linear latency histogram (HdrHistogram's bucket scheme, our own code).
//!
//! Values are nanoseconds. Below 128 ns each value has its own bucket; above, every power of two is
//! split into 64 equal buckets, so a bucket is at most 1/64 of its values wide and reporting its
//! midpoint is within 1/128 (0.8 %) of any value in it. Values above 2^45 ns (about 9.8 hours) are
//! clamped.

const EXACT: usize = 128;
const SUB_BUCKETS: usize = 64;
const MAX_EXPONENT: u32 = 45;
const BUCKETS: usize = EXACT + (MAX_EXPONENT as usize - 6) * SUB_BUCKETS;

/// Buckets in all, with room for the clamped top.
const ALL_BUCKETS: usize = BUCKETS + SUB_BUCKETS;
/// 64-bit words of the occupancy bitmap.
const WORDS: usize = ALL_BUCKETS.div_ceil(64);

#[derive(Clone, Debug, Default)]
pub struct Histogram {
    /// Allocated on the first record, so idle nodes cost nothing.
    counts: Vec<u64>,
    /// One bit per bucket, set while its count is not zero: quantiles, clears and merges visit
    /// only the buckets in use. A one-second window of a node holds a few dozen values spread
    /// over hundreds of buckets, and is read and cleared every simulated second.
    /// Allocated with `counts`.
    occupied: Vec<u64>,
    total: u64,
    /// Sum of the values, nanoseconds: an exact integer (no float conversion per record, and no
    /// rounding once the sum passes 2^53 ns, about 104 days of latency).
    sum: u128,
    max: u64,
}

fn bucket_of(value: u64) -> usize {
    let value = value.min((1u64 << (MAX_EXPONENT + 1)) - 1);
    if value < EXACT as u64 {
        return value as usize;
    }
    let exponent = 63 - value.leading_zeros();
    let shift = exponent - 6;
    let mantissa = (value >> shift) as usize - SUB_BUCKETS;
    EXACT + (exponent as usize - 7) * SUB_BUCKETS + mantissa
}

/// The midpoint of a bucket, nanoseconds.
fn value_of(bucket: usize) -> f64 {
    if bucket < EXACT {
        return bucket as f64;
    }
    let exponent = (bucket - EXACT) / SUB_BUCKETS + 7;
    let mantissa = (bucket - EXACT) % SUB_BUCKETS + SUB_BUCKETS;
    let shift = exponent - 6;
    let low = (mantissa as u64) << shift;
    low as f64 + ((1u64 << shift) as f64 - 1.0) / 2.0
}

/// The set bits of `words`, lowest first, as bucket numbers.
fn occupied_buckets(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(index, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let bit = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(index * 64 + bit)
        })
    })
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram::default()
    }

    fn allocate(&mut self) {
        self.counts = vec![0; ALL_BUCKETS];
        self.occupied = vec![0; WORDS];
    }

    pub fn record(&mut self, value_ns: u64) {
        self.record_n(value_ns, 1);
    }

    /// Records `count` identical values.
    pub fn record_n(&mut self, value_ns: u64, count: u64) {
        if count == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.allocate();
        }
        let bucket = bucket_of(value_ns).min(ALL_BUCKETS - 1);
        self.occupied[bucket / 64] |= 1 << (bucket % 64);
        self.counts[bucket] += count;
        self.total += count;
        self.sum += u128::from(value_ns) * u128::from(count);
        self.max = self.max.max(value_ns);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// Mean, nanoseconds (exact, not bucketed); 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    /// The `q`-quantile (0..=1), nanoseconds, within 1 % relative error; 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles([q])[0]
    }

    /// Several quantiles in one pass over the buckets; `qs` must be increasing.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        let mut out = [0.0; N];
        if self.total == 0 {
            return out;
        }
        // The rank each quantile needs, computed once (not per bucket).
        let ranks = qs.map(|q| {
            let q = if q.is_nan() { 0.5 } else { q.clamp(0.0, 1.0) };
            ((q * self.total as f64).ceil() as u64).clamp(1, self.total)
        });
        let mut next = 0;
        let mut seen = 0;
        // Word by word rather than through `occupied_buckets`: this runs for every node every
        // simulated second.
        'words: for (index, &word) in self.occupied.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let bucket = index * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                seen += self.counts[bucket];
                while next < N && seen >= ranks[next] {
                    out[next] = value_of(bucket).min(self.max as f64);
                    next += 1;
                }
                if next == N {
                    break 'words;
                }
            }
        }
        for value in out.iter_mut().skip(next) {
            *value = self.max as f64;
        }
        out
    }

    /// Adds another histogram into this one.
    pub fn merge(&mut self, other: &Histogram) {
        if other.total == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.allocate();
        }
        for bucket in occupied_buckets(&other.occupied) {
            self.counts[bucket] += other.counts[bucket];
        }
        for (mine, theirs) in self.occupied.iter_mut().zip(&other.occupied) {
            *mine |= theirs;
        }
        self.total += other.total;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    /// The buckets this histogram gained since `earlier` (an older copy of it), as
    /// (bucket, count) pairs: a compact record of one second of a cumulative histogram.
    pub fn buckets_since(&self, earlier: &Histogram) -> Vec<(u32, u64)> {
        if self.total == earlier.total {
            return Vec::new();
        }
        occupied_buckets(&self.occupied)
            .filter_map(|bucket| {
                let before = earlier.counts.get(bucket).copied().unwrap_or(0);
                let gained = self.counts[bucket].saturating_sub(before);
                (gained > 0).then_some((bucket as u32, gained))
            })
            .collect()
    }

    /// Adds (bucket, count) pairs from [`Histogram::buckets_since`], each at its bucket's
    /// midpoint; the mean is then within a bucket's width, not exact.
    pub fn add_buckets(&mut self, buckets: &[(u32, u64)]) {
        for &(bucket, count) in buckets {
            let bucket = (bucket as usize).min(ALL_BUCKETS - 1);
            self.record_n(value_of(bucket) as u64, count);
        }
    }

    /// Forgets everything but keeps the allocation.
    pub fn clear(&mut self) {
        if self.total > 0 {
            for bucket in occupied_buckets(&self.occupied) {
                self.counts[bucket] = 0;
            }
        }
        self.occupied.iter_mut().for_each(|word| *word = 0);
        self.total = 0;
        self.sum = 0;
        self.max = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_trip_within_one_percent() {
        let mut value = 1u64;
        while value < 1u64 << 44 {
            let reported = value_of(bucket_of(value));
            let error = (reported - value as f64).abs() / value as f64;
            assert!(error <= 0.008, "value {value} reported {reported}");
            value = value + value / 7 + 1;
        }
    }

    #[test]
    fn quantiles_match_sorted_samples() {
        let mut random = crate::random::Random::new(3);
        let mut samples: Vec<u64> = (0..20_000)
            .map(|_| (random.exponential(5e6) + 1.0) as u64)
            .collect();
        let mut histogram = Histogram::new();
        for sample in &samples {
            histogram.record(*sample);
        }
        samples.sort_unstable();
        let together = histogram.quantiles([0.01, 0.5, 0.9, 0.95, 0.99, 0.999]);
        for (i, q) in [0.01, 0.5, 0.9, 0.95, 0.99, 0.999].into_iter().enumerate() {
            assert_eq!(together[i], histogram.quantile(q));
            let rank = ((q * samples.len() as f64).ceil() as usize).max(1);
            let exact = samples[rank - 1] as f64;
            let estimate = histogram.quantile(q);
            assert!(
                (estimate - exact).abs() / exact <= 0.01,
                "q {q}: exact {exact}, estimate {estimate}"
            );
        }
    }
}

#[cfg(test)]
mod bitmap_tests {
    use super::*;

    /// The quantiles a plain scan over every bucket gives (what the histogram did before it
    /// kept an occupancy bitmap).
    fn scanned(histogram: &Histogram, q: f64) -> f64 {
        let rank = ((q * histogram.total as f64).ceil() as u64).clamp(1, histogram.total);
        let mut seen = 0;
        for (bucket, count) in histogram.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return value_of(bucket).min(histogram.max as f64);
            }
        }
        histogram.max as f64
    }

    #[test]
    fn quantiles_merges_and_clears_agree_with_a_full_scan() {
        let mut random = crate::random::Random::new(11);
        let mut window = Histogram::new();
        let mut total = Histogram::new();
        for second in 0..50 {
            for _ in 0..(second * 7 % 40) {
                let value = random.exponential(3e6) as u64 + second;
                window.record_n(value, 1 + value % 3);
            }
            // A value above the clamp lands in the top bucket.
            if second == 17 {
                window.record(u64::MAX);
            }
            total.merge(&window);
            for histogram in [&window, &total] {
                for q in [0.0, 0.25, 0.5, 0.95, 0.99, 1.0] {
                    if histogram.count() > 0 {
                        assert_eq!(histogram.quantile(q), scanned(histogram, q), "q {q}");
                    }
                }
            }
            window.clear();
            assert!(window.counts.iter().all(|&count| count == 0));
            assert_eq!(window.quantiles([0.5]), [0.0]);
        }
    }
}
