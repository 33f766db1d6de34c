//! Undo and redo as capped snapshots of the document (after egui's `util/undoer.rs`).
//!
//! Snapshots rather than inverse commands: a design is small, a clone is cheap, and a snapshot can
//! never undo into a state that differs from the one the user saw.
//!
//! Two ways to make many commands one step:
//! - a **gesture** ([`History::begin_gesture`] … [`History::end_gesture`]): everything recorded in
//!   between is one step, however many commands it took (a drag sends one move per pointer event);
//! - a **coalesce key** ([`super::command::Command::coalesce_key`]): consecutive records with the
//!   same key merge until [`History::seal`] or any other record (a slider's `input` events merge,
//!   its `change` event seals).

use std::collections::VecDeque;

/// Undo steps kept by default; the oldest is dropped beyond it.
pub const DEFAULT_CAPACITY: usize = 200;

/// The undo and redo stacks for a value of type `T` (the document).
#[derive(Clone, Debug)]
pub struct History<T> {
    undo_stack: VecDeque<Step<T>>,
    redo_stack: Vec<Step<T>>,
    capacity: usize,
    gesture: Gesture,
    /// The key of the newest undo step while later records with the same key may still join it.
    open_key: Option<String>,
}

/// A state to go back (or forward) to, and what the change was.
#[derive(Clone, Debug)]
struct Step<T> {
    state: T,
    label: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Gesture {
    Idle,
    /// A gesture is under way; `recorded` once its first change has pushed the step.
    Open {
        recorded: bool,
    },
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History::new(DEFAULT_CAPACITY)
    }
}

impl<T> History<T> {
    /// A history keeping at most `capacity` undo steps (at least one).
    pub fn new(capacity: usize) -> History<T> {
        History {
            undo_stack: VecDeque::new(),
            redo_stack: Vec::new(),
            capacity: capacity.max(1),
            gesture: Gesture::Idle,
            open_key: None,
        }
    }

    /// Notes a change: `before` is the state just before it, `label` says what it was. Clears redo.
    pub fn record(&mut self, before: T, label: &str, coalesce_key: Option<&str>) {
        self.redo_stack.clear();
        let joins_previous = match self.gesture {
            Gesture::Open { recorded } => recorded,
            Gesture::Idle => coalesce_key.is_some() && self.open_key.as_deref() == coalesce_key,
        };
        if joins_previous {
            // The step keeps the state before the first change; only its label moves on.
            if let Some(step) = self.undo_stack.back_mut() {
                label.clone_into(&mut step.label);
            }
            return;
        }
        if self.undo_stack.len() == self.capacity {
            self.undo_stack.pop_front();
        }
        self.undo_stack.push_back(Step {
            state: before,
            label: label.to_owned(),
        });
        if let Gesture::Open { recorded } = &mut self.gesture {
            *recorded = true;
        }
        self.open_key = coalesce_key.map(str::to_owned);
    }

    /// Goes back one step: `current` becomes the previous state. Returns the undone step's label.
    pub fn undo(&mut self, current: &mut T) -> Option<String> {
        self.end_gesture();
        let mut step = self.undo_stack.pop_back()?;
        std::mem::swap(current, &mut step.state);
        let label = step.label.clone();
        self.redo_stack.push(step);
        Some(label)
    }

    /// Goes forward one undone step. Returns its label.
    pub fn redo(&mut self, current: &mut T) -> Option<String> {
        self.end_gesture();
        let mut step = self.redo_stack.pop()?;
        std::mem::swap(current, &mut step.state);
        let label = step.label.clone();
        self.undo_stack.push_back(step);
        Some(label)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo_stack.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo_stack.is_empty()
    }

    /// What undo would take back ("Moved 2 nodes").
    pub fn undo_label(&self) -> Option<&str> {
        self.undo_stack.back().map(|step| step.label.as_str())
    }

    /// What redo would bring back.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo_stack.last().map(|step| step.label.as_str())
    }

    pub fn undo_len(&self) -> usize {
        self.undo_stack.len()
    }

    pub fn redo_len(&self) -> usize {
        self.redo_stack.len()
    }

    /// Starts a gesture (pointer down on a node, on a slider). A gesture already open is ended first.
    pub fn begin_gesture(&mut self) {
        self.open_key = None;
        self.gesture = Gesture::Open { recorded: false };
    }

    /// Ends the gesture (pointer up): the next change is a new step.
    pub fn end_gesture(&mut self) {
        self.gesture = Gesture::Idle;
        self.open_key = None;
    }

    pub fn gesture_open(&self) -> bool {
        matches!(self.gesture, Gesture::Open { .. })
    }

    /// Abandons the gesture (Escape during a drag): `current` goes back to the state before the
    /// gesture and no step remains. Returns whether anything was rolled back.
    pub fn cancel_gesture(&mut self, current: &mut T) -> bool {
        let recorded = self.gesture == Gesture::Open { recorded: true };
        self.end_gesture();
        match self.undo_stack.pop_back() {
            Some(step) if recorded => {
                *current = step.state;
                true
            }
            Some(step) => {
                self.undo_stack.push_back(step);
                false
            }
            None => false,
        }
    }

    /// Stops the newest step from absorbing further records with the same coalesce key.
    pub fn seal(&mut self) {
        self.open_key = None;
    }

    /// Forgets every step (after opening a document that should not be undone into).
    pub fn clear(&mut self) {
        self.undo_stack.clear();
        self.redo_stack.clear();
        self.end_gesture();
    }
}
