//! The future event list: a min-heap ordered by (time, sequence number).
//!
//! **Architecture Invariant:** events at the same time come out in the order they were scheduled
//! (FIFO), because the sequence number breaks ties; this makes runs reproducible.
//!
//! Events scheduled for the current instant (zero delay: a reply over a zero-latency link) skip the
//! heap and wait in a FIFO of their own, without a time or sequence number: they are all at the
//! current instant, in the order they were scheduled, and any heap event at that instant was
//! scheduled before the clock reached it, so before all of them. `pop_due` therefore takes the heap's
//! front while it is not later than the current instant, then the FIFO, and the order is exactly
//! that of a single heap by (time, sequence) (a property test checks it against such a reference).
//!
//! The heap holds only compact keys (time, sequence, slot); the events themselves wait in a slab (a
//! `Vec` with a free list) at `slot`, so a sift moves 24-byte keys and writes each once (a hole moves,
//! not the entries). Its arity is a constant: 4 (half as deep, the children side by side) took fewer
//! instructions on M/M/1 and the tandem but more on the distributed preset and the load balancer
//! than 2, which is kept (valgrind instruction counts, 2026-12-03: see the engine README, "Speed").

use std::collections::VecDeque;

/// An event taken out of the queue.
#[derive(Clone)]
pub(crate) struct Scheduled<E> {
    /// Simulated time, nanoseconds.
    pub(crate) time: u64,
    pub(crate) event: E,
}

/// A heap entry: the order (time, sequence) and where the event waits.
#[derive(Clone, Copy)]
struct Key {
    time: u64,
    sequence: u64,
    slot: u32,
}

impl Key {
    /// Whether `self` comes out before `other`. Sequence numbers are unique, so this is a total order.
    fn before(&self, other: &Key) -> bool {
        (self.time, self.sequence) < (other.time, other.sequence)
    }
}

/// Children per heap node.
const ARITY: usize = 2;

#[derive(Clone)]
pub(crate) struct EventQueue<E> {
    heap: Vec<Key>,
    /// The events of the heap's keys, by slot; `free` lists the slots not in use.
    slots: Vec<Option<E>>,
    free: Vec<u32>,
    /// Events for `current`, in sequence order.
    immediate: VecDeque<E>,
    /// Time of the last event taken out, nanoseconds.
    current: u64,
    next_sequence: u64,
}

impl<E> EventQueue<E> {
    pub(crate) fn new() -> Self {
        EventQueue {
            heap: Vec::new(),
            slots: Vec::new(),
            free: Vec::new(),
            immediate: VecDeque::new(),
            current: 0,
            next_sequence: 0,
        }
    }

    pub(crate) fn push(&mut self, time: u64, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        if time == self.current {
            self.immediate.push_back(event);
            return;
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                slot
            }
            None => {
                self.slots.push(Some(event));
                (self.slots.len() - 1) as u32
            }
        };
        self.sift_up(Key {
            time,
            sequence,
            slot,
        });
    }

    /// Puts `key` in a new place at the bottom and moves it up to where it belongs.
    fn sift_up(&mut self, key: Key) {
        let mut hole = self.heap.len();
        self.heap.push(key);
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            if !key.before(&self.heap[parent]) {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = key;
    }

    /// Takes the root key out and refills its place from the bottom.
    fn pop_root(&mut self) -> Option<Key> {
        let last = self.heap.pop()?;
        let Some(&root) = self.heap.first() else {
            return Some(last);
        };
        let len = self.heap.len();
        let mut hole = 0;
        loop {
            let first_child = hole * ARITY + 1;
            if first_child >= len {
                break;
            }
            let end = (first_child + ARITY).min(len);
            let mut best = first_child;
            for child in first_child + 1..end {
                if self.heap[child].before(&self.heap[best]) {
                    best = child;
                }
            }
            if !self.heap[best].before(&last) {
                break;
            }
            self.heap[hole] = self.heap[best];
            hole = best;
        }
        self.heap[hole] = last;
        Some(root)
    }

    /// The earliest event if it is due by `limit`, taken out; `None` leaves the queue as it is.
    pub(crate) fn pop_due(&mut self, limit: u64) -> Option<Scheduled<E>> {
        let from_heap = self
            .heap
            .first()
            .is_some_and(|front| front.time <= self.current || self.immediate.is_empty());
        if from_heap {
            if self.heap.first()?.time > limit {
                return None;
            }
            let key = self.pop_root()?;
            let event = self.slots[key.slot as usize].take()?;
            self.free.push(key.slot);
            self.current = key.time;
            Some(Scheduled {
                time: key.time,
                event,
            })
        } else {
            if self.current > limit {
                return None;
            }
            let event = self.immediate.pop_front()?;
            Some(Scheduled {
                time: self.current,
                event,
            })
        }
    }

    /// The earliest event, taken out.
    #[cfg(test)]
    pub(crate) fn pop(&mut self) -> Option<Scheduled<E>> {
        self.pop_due(u64::MAX)
    }

    pub(crate) fn len(&self) -> usize {
        self.heap.len() + self.immediate.len()
    }
}

#[cfg(test)]
mod tests {
    use super::EventQueue;

    #[test]
    fn equal_times_keep_fifo_order() {
        let mut queue = EventQueue::new();
        queue.push(5, 'b');
        queue.push(1, 'a');
        queue.push(5, 'c');
        queue.push(5, 'd');
        let order: String = std::iter::from_fn(|| queue.pop().map(|s| s.event)).collect();
        assert_eq!(order, "abcd");
    }

    #[test]
    fn immediate_events_interleave_like_a_single_heap() {
        let mut queue = EventQueue::new();
        queue.push(3, 'a');
        queue.push(3, 'b');
        assert_eq!(queue.pop().map(|s| s.event), Some('a'));
        // Now at time 3: a zero-delay event goes after the earlier-scheduled 'b'.
        queue.push(3, 'c');
        queue.push(4, 'd');
        let order: String = std::iter::from_fn(|| queue.pop().map(|s| s.event)).collect();
        assert_eq!(order, "bcd");
    }

    #[test]
    fn pop_due_stops_at_the_limit_and_keeps_the_rest() {
        let mut queue = EventQueue::new();
        queue.push(5, 'c');
        queue.push(2, 'a');
        queue.push(2, 'b');
        let due: String = std::iter::from_fn(|| queue.pop_due(4).map(|s| s.event)).collect();
        assert_eq!(due, "ab");
        assert_eq!(queue.len(), 1);
        // Now at time 2: an immediate event comes before the one at 5, which stays beyond 4.
        queue.push(2, 'd');
        assert_eq!(queue.pop_due(4).map(|s| s.event), Some('d'));
        assert!(queue.pop_due(4).is_none());
        assert_eq!(queue.pop_due(5).map(|s| s.event), Some('c'));
        assert!(queue.pop_due(u64::MAX).is_none());
    }
}

#[cfg(test)]
mod order_tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::EventQueue;

    /// One step of a run against the queue: schedule after a delay (often zero, often a delay
    /// already used, so equal times are common), or take out what is due by a limit.
    #[derive(Clone, Debug)]
    enum Step {
        Push {
            delay: u64,
        },
        /// `to_limit`: the clock then moves on to the limit, as `advance_until` does.
        PopDue {
            ahead: u64,
            to_limit: bool,
        },
        /// Take out one event due by the limit, if any (the model pushes more at its instant).
        PopOne {
            ahead: u64,
        },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => prop_oneof![Just(0u64), 0..4u64, 0..1_000u64].prop_map(|delay| Step::Push { delay }),
            2 => (prop_oneof![Just(0u64), 0..4u64, 0..1_000u64, Just(u64::MAX / 2)], any::<bool>())
                .prop_map(|(ahead, to_limit)| Step::PopDue { ahead, to_limit }),
            3 => prop_oneof![Just(0u64), 0..4u64, Just(u64::MAX / 2)]
                .prop_map(|ahead| Step::PopOne { ahead }),
        ]
    }

    /// Pops the next event due by `limit` and checks it is the reference's first (by time, then
    /// sequence); removes it from the reference and returns its time, or `None` when none is due.
    fn pop_due_matches(
        queue: &mut EventQueue<u64>,
        reference: &mut BTreeMap<(u64, u64), u64>,
        limit: u64,
    ) -> Result<Option<u64>, TestCaseError> {
        let expected = reference
            .first_key_value()
            .filter(|((time, _), _)| *time <= limit)
            .map(|(&key, &event)| (key, event));
        let got = queue.pop_due(limit).map(|s| (s.time, s.event));
        prop_assert_eq!(got, expected.map(|((time, _), event)| (time, event)));
        Ok(expected.map(|(key, _)| {
            reference.remove(&key);
            key.0
        }))
    }

    proptest! {
        /// The queue gives exactly the order of a reference ordered by (time, sequence): earliest
        /// time first, and among equal times the one scheduled first, whether it waited in the heap
        /// or in the immediate FIFO.
        #[test]
        fn matches_a_reference_ordered_by_time_then_sequence(steps in prop::collection::vec(step(), 1..400)) {
            let mut queue = EventQueue::new();
            let mut reference: BTreeMap<(u64, u64), u64> = BTreeMap::new();
            let mut now = 0u64;
            let mut sequence = 0u64;
            for step in steps {
                match step {
                    Step::Push { delay } => {
                        // The event's identity is its sequence number.
                        queue.push(now + delay, sequence);
                        reference.insert((now + delay, sequence), sequence);
                        sequence += 1;
                    }
                    Step::PopDue { ahead, to_limit } => {
                        let limit = now.saturating_add(ahead);
                        while let Some(time) = pop_due_matches(&mut queue, &mut reference, limit)? {
                            now = time;
                        }
                        if to_limit && ahead < u64::MAX / 2 {
                            now = limit;
                        }
                    }
                    Step::PopOne { ahead } => {
                        let limit = now.saturating_add(ahead);
                        if let Some(time) = pop_due_matches(&mut queue, &mut reference, limit)? {
                            now = time;
                        }
                    }
                }
                prop_assert_eq!(queue.len(), reference.len());
            }
            // Drain what is left: still in reference order.
            for ((time, _), event) in reference {
                prop_assert_eq!(queue.pop().map(|s| (s.time, s.event)), Some((time, event)));
            }
            prop_assert!(queue.pop().is_none());
        }
    }
}
