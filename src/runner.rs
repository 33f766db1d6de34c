//! The runner: the one place that advances the engine — once per animation frame, by the frame's duration
//! times the speed, within a time budget — and publishes the snapshot the components read.
//!
//! Edits made while it runs reach the running model, which goes on from where it is
//! ([`Simulation::reconfigure`]): new nodes and links join, deleted ones drain, parameters, rules and
//! the fault schedule change. A new document (an import, a preset, a share link), a node that changed
//! kind, or a design that could not run before starts the run again from time zero.

use std::collections::VecDeque;

use engine::metrics::LogLine;
use engine::{CommandError, Design, LiveCommand, Notification, Simulation, Snapshot};
use leptos::prelude::*;
use leptos_use_raf_fn::{UseRafFnCallbackArgs, use_raf_fn};

use crate::editor::Editor;

/// The engine's time budget per animation frame, milliseconds: it runs events in chunks of
/// [`EVENT_CHUNK`] until the frame's target time or this budget, whichever comes first. Beyond it the
/// model runs slower than real time and the toolbar says so; the rest of the frame is for drawing.
pub const FRAME_TIME_BUDGET_MS: f64 = 8.0;
/// Events between two looks at the clock.
const EVENT_CHUNK: u64 = 10_000;
/// A frame longer than this (a hidden tab, a debugger pause) advances the model by this much only.
const LONGEST_FRAME_MS: f64 = 100.0;
/// What Step advances, simulated seconds.
pub const STEP_SECONDS: f64 = 0.1;
/// Log lines and notifications kept for the dock.
const KEPT_LOG_LINES: usize = 2_000;
const KEPT_NOTIFICATIONS: usize = 500;
/// The speeds the toolbar offers.
pub const SPEEDS: [f64; 8] = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0];

/// Handles to the run; `Copy`, shared through [`crate::state::AppState`].
#[derive(Clone, Copy)]
pub struct Runner {
    simulation: StoredValue<Option<Simulation>, LocalStorage>,
    /// The latest snapshot, or `None` when the design cannot run.
    pub snapshot: RwSignal<Option<Snapshot>>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<f64>,
    pub seed: RwSignal<u64>,
    /// Why the design cannot run (it has no users, say), shown instead of the numbers.
    pub problem: RwSignal<Option<String>>,
    /// The last frame ran out of time budget: the model runs slower than real time.
    pub behind: RwSignal<bool>,
    /// Log lines and alert notifications of this run, oldest first, bounded.
    pub logs: RwSignal<VecDeque<LogLine>>,
    pub notifications: RwSignal<VecDeque<Notification>>,
    /// A run is kept, waiting, while `problem` says why the edited design cannot run.
    pub waiting: RwSignal<bool>,
    /// The next document change is a whole new document: start a new run instead of following it.
    new_document: StoredValue<bool>,
    /// What the engine costs per frame: a moving average of the milliseconds spent advancing it, and
    /// of the events it processed per simulated second. Shown in the status line and read by the
    /// browser frame-time benchmark.
    pub engine_ms_per_frame: RwSignal<f64>,
    pub events_per_second: RwSignal<f64>,
}

impl Runner {
    /// A runner on the editor's document, already playing (the first screen is a running example).
    pub fn new(editor: RwSignal<Editor>) -> Runner {
        let seed = editor.with_untracked(|editor| editor.document().seed);
        let runner = Runner {
            simulation: StoredValue::new_local(None),
            snapshot: RwSignal::new(None),
            playing: RwSignal::new(true),
            speed: RwSignal::new(1.0),
            seed: RwSignal::new(seed),
            problem: RwSignal::new(None),
            behind: RwSignal::new(false),
            logs: RwSignal::new(VecDeque::new()),
            notifications: RwSignal::new(VecDeque::new()),
            new_document: StoredValue::new(false),
            waiting: RwSignal::new(false),
            engine_ms_per_frame: RwSignal::new(0.0),
            events_per_second: RwSignal::new(0.0),
        };
        // Keep the running model in step with the document: watching the editor is syncing with the
        // outside world (the engine), which is what an effect is for.
        Effect::new(move |_| {
            let document = editor.with(|editor| editor.document().clone());
            runner.follow_document(&document);
        });
        use_raf_fn(move |frame: UseRafFnCallbackArgs| {
            if runner.playing.get_untracked() {
                let seconds =
                    frame.delta.min(LONGEST_FRAME_MS) / 1000.0 * runner.speed.get_untracked();
                runner.advance(seconds);
            }
        });
        runner
    }

    /// Advances the model by `seconds` of simulated time (within the frame's time budget) and publishes.
    pub fn advance(&self, seconds: f64) {
        if self.problem.with_untracked(Option::is_some) {
            // The design cannot run; a run kept from before the edit waits.
            return;
        }
        let mut reached = true;
        let started = now_ms();
        let mut events = 0;
        self.simulation.update_value(|simulation| {
            if let Some(simulation) = simulation {
                let before = simulation.events_processed();
                let target = simulation
                    .now_ns()
                    .saturating_add((seconds.max(0.0) * 1e9) as u64);
                let deadline = started + FRAME_TIME_BUDGET_MS;
                loop {
                    reached = simulation.advance_with_budget(target, EVENT_CHUNK);
                    if reached || now_ms() >= deadline {
                        break;
                    }
                }
                events = simulation.events_processed() - before;
            }
        });
        if seconds > 0.0 {
            let rate = events as f64 / seconds;
            self.events_per_second
                .set(moving_average(self.events_per_second.get_untracked(), rate));
        }
        if self.behind.get_untracked() == reached {
            self.behind.set(!reached);
        }
        self.publish();
        // The engine's share of the frame: advancing plus taking the snapshot (not the rendering).
        let spent = now_ms() - started;
        self.engine_ms_per_frame.set(moving_average(
            self.engine_ms_per_frame.get_untracked(),
            spent,
        ));
    }

    /// One short step, for looking closely while paused.
    pub fn step(&self) {
        self.playing.set(false);
        self.advance(STEP_SECONDS);
    }

    /// Starts the run again from time zero on `document` with the current seed.
    pub fn reset(&self, document: &Design) {
        self.rebuild(document);
    }

    /// Runs `read` on the live simulation, if there is one.
    pub fn with_simulation<T>(&self, read: impl FnOnce(&Simulation) -> T) -> Option<T> {
        self.simulation
            .with_value(|simulation| simulation.as_ref().map(read))
    }

    /// Applies a live command (kill a node, inject a fault…) to the running model.
    pub fn command(&self, command: LiveCommand) -> Result<(), String> {
        if let Some(problem) = self.problem.get_untracked() {
            return Err(format!("the design cannot run: {problem}"));
        }
        let mut outcome = Err("the design cannot run yet".to_string());
        self.simulation.update_value(|simulation| {
            if let Some(simulation) = simulation {
                outcome = simulation.apply(command).map_err(|error| error.to_string());
            }
        });
        self.publish();
        outcome
    }

    /// The document about to change is a whole new one (an import, a preset): its run starts at zero.
    pub fn expect_new_document(&self) {
        self.new_document.set_value(true);
    }

    /// The announced new document did not come (the import was refused or changed nothing).
    pub fn forget_new_document(&self) {
        self.new_document.set_value(false);
    }

    fn follow_document(&self, document: &Design) {
        let new_document = std::mem::take(&mut *self.new_document.write_value());
        let mut outcome = None;
        if !new_document {
            self.simulation.update_value(|simulation| {
                if let Some(simulation) = simulation {
                    outcome = Some(simulation.reconfigure(document));
                }
            });
        }
        match outcome {
            Some(Ok(())) => {
                self.problem.set(None);
                self.waiting.set(false);
                self.publish();
            }
            // An edit the design cannot run with (the users node deleted, say): the run waits where it
            // is, the problem shown instead of the numbers, and goes on once an edit (or Undo) makes
            // the design runnable again.
            Some(Err(CommandError::Invalid(error))) => {
                self.problem.set(Some(error.to_string()));
                self.waiting.set(true);
                self.snapshot.set(None);
            }
            // A new document, a design that could not run until now, a node that changed kind.
            _ => self.rebuild(document),
        }
    }

    /// A new run from time zero: the feeds start empty too, so they never mix two runs.
    fn rebuild(&self, document: &Design) {
        self.waiting.set(false);
        self.logs.set(VecDeque::new());
        self.notifications.set(VecDeque::new());
        match Simulation::new(document, self.seed.get_untracked()) {
            Ok(simulation) => {
                self.simulation.set_value(Some(simulation));
                self.problem.set(None);
                self.publish();
            }
            Err(error) => {
                self.simulation.set_value(None);
                self.problem.set(Some(error.to_string()));
                self.snapshot.set(None);
            }
        }
    }

    fn publish(&self) {
        if self.problem.with_untracked(Option::is_some) {
            // Nothing to show while the design cannot run.
            return;
        }
        let Some(snapshot) = self
            .simulation
            .try_update_value(|simulation| simulation.as_mut().map(Simulation::snapshot))
            .flatten()
        else {
            return;
        };
        if !snapshot.logs.is_empty() {
            self.logs
                .update(|logs| keep_last(logs, snapshot.logs.iter().cloned(), KEPT_LOG_LINES));
        }
        if !snapshot.notifications.is_empty() {
            self.notifications.update(|notifications| {
                keep_last(
                    notifications,
                    snapshot.notifications.iter().cloned(),
                    KEPT_NOTIFICATIONS,
                );
            });
        }
        self.snapshot.set(Some(snapshot));
    }
}

/// An exponential moving average over roughly the last thirty frames.
fn moving_average(previous: f64, sample: f64) -> f64 {
    if previous == 0.0 {
        sample
    } else {
        previous + (sample - previous) / 30.0
    }
}

/// Milliseconds from the page's clock (the engine itself never reads a clock).
fn now_ms() -> f64 {
    window()
        .performance()
        .map(|performance| performance.now())
        .unwrap_or(0.0)
}

fn keep_last<T>(kept: &mut VecDeque<T>, new: impl Iterator<Item = T>, capacity: usize) {
    kept.extend(new);
    while kept.len() > capacity {
        kept.pop_front();
    }
}
