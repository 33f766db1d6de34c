//! The future event list: a binary min-heap ordered by (time, sequence number).
//!
//! **Architecture Invariant:** events at the same time come out in the order they were scheduled
//! (FIFO), because the sequence number breaks ties; this makes runs reproducible.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

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

pub(crate) struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_sequence: u64,
}

impl<E> EventQueue<E> {
    pub(crate) fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_sequence: 0,
        }
    }

    pub(crate) fn push(&mut self, time: u64, event: E) {
        self.heap.push(Scheduled {
            time,
            sequence: self.next_sequence,
            event,
        });
        self.next_sequence += 1;
    }

    pub(crate) fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|scheduled| scheduled.time)
    }

    pub(crate) fn pop(&mut self) -> Option<Scheduled<E>> {
        self.heap.pop()
    }

    pub(crate) fn len(&self) -> usize {
        self.heap.len()
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
}
