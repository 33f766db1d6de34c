//! The future event list: a binary min-heap ordered by (time, sequence number).
//!
//! **Architecture Invariant:** events at the same time come out in the order they were scheduled
//! (FIFO), because the sequence number breaks ties; this makes runs reproducible.
//!
//! Events scheduled for the current instant (zero delay: a reply over a zero-latency link) skip the
//! heap and wait in a FIFO; `pop_due` takes whichever of the two fronts is first by (time, sequence), so
//! the order is exactly that of a single heap.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

#[derive(Clone)]
pub(crate) struct Scheduled<E> {
    /// Simulated time, nanoseconds.
    pub(crate) time: u64,
    sequence: u64,
    pub(crate) event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.sequence) == (other.time, other.sequence)
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Scheduled<E> {
    /// Reversed, so the standard max-heap pops the earliest event.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.sequence).cmp(&(self.time, self.sequence))
    }
}

#[derive(Clone)]
pub(crate) struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    /// Events for `current`, in sequence order.
    immediate: VecDeque<Scheduled<E>>,
    /// Time of the last event taken out, nanoseconds.
    current: u64,
    next_sequence: u64,
}

impl<E> EventQueue<E> {
    pub(crate) fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            immediate: VecDeque::new(),
            current: 0,
            next_sequence: 0,
        }
    }

    pub(crate) fn push(&mut self, time: u64, event: E) {
        let scheduled = Scheduled {
            time,
            sequence: self.next_sequence,
            event,
        };
        self.next_sequence += 1;
        if time == self.current {
            self.immediate.push_back(scheduled);
        } else {
            self.heap.push(scheduled);
        }
    }

    /// The earliest event if it is due by `limit`, taken out; `None` leaves the queue as it is.
    pub(crate) fn pop_due(&mut self, limit: u64) -> Option<Scheduled<E>> {
        let from_heap = match (self.immediate.front(), self.heap.peek()) {
            (Some(a), Some(b)) => (b.time, b.sequence) < (a.time, a.sequence),
            (None, Some(_)) => true,
            (_, None) => false,
        };
        let next = if from_heap {
            if self.heap.peek()?.time > limit {
                return None;
            }
            self.heap.pop()
        } else {
            if self.immediate.front()?.time > limit {
                return None;
            }
            self.immediate.pop_front()
        };
        if let Some(scheduled) = &next {
            self.current = scheduled.time;
        }
        next
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
