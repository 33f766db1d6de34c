//! The runner: the one place that advances the engine — once per animation frame, by the frame's duration
//! times the speed, within a time budget — and publishes the snapshot the components read.
//!
//! Edits made while it runs reach the running model, which goes on from where it is
//! ([`Simulation::reconfigure`]): new nodes and links join, deleted ones drain, parameters, rules and
//! the fault schedule change. A new document (an import, a preset, a share link), a node that changed
//! kind, or a design that could not run before starts the run again from time zero.
//!
//! **A run is a file.** The runner records everything that changes the run — live commands, edits
//! the model sees, the responder's acknowledgements, bookmarks — into the run's [`RunFile`] (through
//! a [`Replayer`], which also keeps keyframes of the live run), so a run can be saved, opened and
//! re-simulated exactly. **Time travel** shows a past instant: the live run (the head) is put aside
//! and the view re-simulates the file up to that instant from the nearest keyframe, a budget of
//! events per frame with a progress reading. Resuming there forks the run: the future that was is
//! kept as the branch left, one step back.

use std::collections::VecDeque;

use engine::incident::{IncidentRun, IncidentStep, IncidentWatch, scenario, through_pipeline};
use engine::metrics::LogLine;
use engine::run_file::{Seek, format_digest};
use engine::simulation::same_model;
use engine::{
    CommandError, Design, LiveCommand, Notification, Replayer, RunAction, RunEntry, RunError,
    RunFile, RunProblem, Simulation, Snapshot,
};
use leptos::prelude::*;
use leptos_use_raf_fn::{UseRafFnCallbackArgs, use_raf_fn};

use crate::editor::Editor;
use crate::observe::drill::{DrillView, drill_view};
use crate::observe::resolution::{ResolutionStatus, resolution_status};
use engine::postmortem::Authored;

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
/// Why a read-only replay refuses a change.
pub const READ_ONLY: &str = "this is a read-only replay: open it in the editor to change it";
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
    /// The run as a file, with keyframes (`None` while the design cannot run).
    record: StoredValue<Option<Replayer>, LocalStorage>,
    /// The recorded actions of this run, for the views (the scrubber's marks, the incidents).
    pub timeline: RwSignal<Vec<RunEntry>>,
    /// The run's timeline is full: nothing after this simulated second is recorded.
    pub recording_full_at: RwSignal<Option<f64>>,
    /// The live run, put aside while the view shows a past instant.
    head: StoredValue<Option<Simulation>, LocalStorage>,
    /// The instant in view, simulated seconds, when it is in the past (`None`: live).
    pub viewing: RwSignal<Option<f64>>,
    /// How far the live run has gone, simulated seconds (the scrubber's end).
    pub head_s: RwSignal<f64>,
    /// A re-simulation in progress and what to do when it arrives.
    seek: StoredValue<Option<(Seek, Arrival)>, LocalStorage>,
    /// Its progress, 0..=1, while one runs.
    pub seeking: RwSignal<Option<f64>>,
    /// The run a fork left (its file and live head): one step back.
    branch: StoredValue<Option<(Replayer, Simulation)>, LocalStorage>,
    pub has_branch: RwSignal<bool>,
    /// A run file being opened: the next new document is its design, and its run is re-simulated.
    opening: StoredValue<Option<RunFile>, LocalStorage>,
    /// A read-only replay (opened from a replay link): nothing changes the run, the past is only viewed.
    pub read_only: RwSignal<bool>,
    /// The digest an opened run was re-simulated to and found equal to its file's claim.
    pub verified: RwSignal<Option<String>>,
    /// What the engine costs per frame: a moving average of the milliseconds spent advancing it, and
    /// of the events it processed per simulated second. Shown in the status line and read by the
    /// browser frame-time benchmark.
    pub engine_ms_per_frame: RwSignal<f64>,
    pub events_per_second: RwSignal<f64>,
    /// Which resolution the run is in and why (`observe::resolution`), for the status line and
    /// the toolbar's badge; it changes only when the words do.
    pub resolution: Memo<ResolutionStatus>,
    /// An incident drill's watch (its staging copy inside), following the live run.
    watch: StoredValue<Option<IncidentWatch>, LocalStorage>,
    /// A drill to start with the next new document (the scenario's id).
    pending_drill: StoredValue<Option<String>>,
    /// What the drill shows, decided by `crate::observe::drill` (`None`: no drill).
    pub drill: RwSignal<Option<DrillView>>,
    /// Which environment the canvas, charts and logs show during a drill.
    pub environment: RwSignal<Environment>,
    /// The feed of the environment not in view (production's lines while staging is shown).
    aside_logs: StoredValue<VecDeque<LogLine>>,
    /// The responder's words for the post-mortem; saved in the run file.
    pub postmortem: RwSignal<Authored>,
}

/// The environment in view during an incident drill.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Environment {
    #[default]
    Production,
    Staging,
}

impl Runner {
    /// A runner on the editor's document, already playing (the first screen is a running example).
    pub fn new(editor: RwSignal<Editor>) -> Runner {
        let seed = editor.with_untracked(|editor| editor.document().seed);
        let snapshot: RwSignal<Option<Snapshot>> = RwSignal::new(None);
        let resolution = Memo::new(move |_| {
            snapshot.with(|snapshot| {
                resolution_status(
                    snapshot
                        .as_ref()
                        .map(|snapshot| (snapshot.resolution, snapshot.users_rate)),
                )
            })
        });
        let runner = Runner {
            simulation: StoredValue::new_local(None),
            snapshot,
            resolution,
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
            record: StoredValue::new_local(None),
            timeline: RwSignal::new(Vec::new()),
            recording_full_at: RwSignal::new(None),
            head: StoredValue::new_local(None),
            viewing: RwSignal::new(None),
            head_s: RwSignal::new(0.0),
            seek: StoredValue::new_local(None),
            seeking: RwSignal::new(None),
            branch: StoredValue::new_local(None),
            has_branch: RwSignal::new(false),
            opening: StoredValue::new_local(None),
            read_only: RwSignal::new(false),
            verified: RwSignal::new(None),
            watch: StoredValue::new_local(None),
            pending_drill: StoredValue::new(None),
            drill: RwSignal::new(None),
            environment: RwSignal::new(Environment::Production),
            aside_logs: StoredValue::new(VecDeque::new()),
            postmortem: RwSignal::new(Authored::default()),
        };
        // Keep the running model in step with the document: watching the editor is syncing with the
        // outside world (the engine), which is what an effect is for.
        Effect::new(move |_| {
            let document = editor.with(|editor| editor.document().clone());
            runner.follow_document(&document);
        });
        use_raf_fn(move |frame: UseRafFnCallbackArgs| {
            if runner.seeking.get_untracked().is_some() {
                runner.continue_seek();
            } else if runner.playing.get_untracked() && runner.viewing.get_untracked().is_none() {
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
                let now_ns = simulation.now_ns();
                self.record.update_value(|record| {
                    if let Some(record) = record {
                        let applied = record.file().timeline.len();
                        record.keep(simulation, applied);
                        record.set_end(now_ns);
                    }
                });
            }
        });
        self.note_head_time();
        if seconds > 0.0 && self.verified.with_untracked(Option::is_some) {
            // The run has moved on from the instant its file was verified at.
            self.verified.set(None);
        }
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

    /// One short step, for looking closely while paused (from a past instant, the run forks there).
    pub fn step(&self) {
        self.playing.set(false);
        self.fork_if_viewing();
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
        if self.read_only.get_untracked() {
            return Err(READ_ONLY.to_owned());
        }
        if let Some(problem) = self.problem.get_untracked() {
            return Err(format!("the design cannot run: {problem}"));
        }
        if self.seeking.get_untracked().is_some() {
            return Err(
                "wait until the run has been re-simulated to the instant in view".to_owned(),
            );
        }
        // A command at a past instant is a new future: the run forks there.
        self.fork_if_viewing();
        let mut outcome = Err("the design cannot run yet".to_string());
        let mut at_ns = 0;
        self.simulation.update_value(|simulation| {
            if let Some(simulation) = simulation {
                outcome = simulation
                    .apply(command.clone())
                    .map_err(|error| error.to_string());
                at_ns = simulation.now_ns();
            }
        });
        if outcome.is_ok() {
            let pipeline = through_pipeline(&command);
            self.watch.update_value(|watch| {
                if let Some(watch) = watch {
                    watch.production_changed(at_ns, pipeline);
                }
            });
            self.record_action(at_ns, RunAction::Live(command));
        }
        self.publish();
        outcome
    }

    /// Starts an incident drill of the built-in scenario `id` with the next new document (the
    /// caller replaces the document with the scenario's design right after).
    pub fn start_drill(&self, id: &str) {
        self.pending_drill.set_value(Some(id.to_owned()));
        self.postmortem.set(Authored::default());
    }

    /// Ends the drill in progress (the run goes on as a plain run).
    pub fn end_drill(&self) {
        self.show_environment(Environment::Production);
        self.watch.set_value(None);
        self.drill.set(None);
    }

    /// Takes a step of the drill's workflow at the live instant, recording it in the run's file.
    pub fn incident_step(&self, step: IncidentStep) -> Result<(), String> {
        if self.read_only.get_untracked() {
            return Err(READ_ONLY.to_owned());
        }
        if self.seeking.get_untracked().is_some() {
            return Err(
                "wait until the run has been re-simulated to the instant in view".to_owned(),
            );
        }
        self.fork_if_viewing();
        let mut outcome = Err("no incident drill is running".to_owned());
        let mut at_ns = 0;
        self.simulation.with_value(|simulation| {
            let Some(simulation) = simulation else {
                return;
            };
            at_ns = simulation.now_ns();
            self.watch.update_value(|watch| {
                if let Some(watch) = watch {
                    outcome = watch
                        .step(&step, simulation, at_ns)
                        .map_err(|error| error.to_string());
                }
            });
        });
        if outcome.is_ok() {
            self.record_action(at_ns, RunAction::Incident(step));
            self.publish_drill();
        }
        outcome
    }

    /// Shows production or the drill's staging copy on the canvas, the charts and the logs.
    pub fn show_environment(&self, environment: Environment) {
        if self.environment.get_untracked() == environment {
            return;
        }
        let staging_open = self
            .watch
            .with_value(|watch| watch.as_ref().is_some_and(|w| w.staging.is_some()));
        if environment == Environment::Staging && !staging_open {
            return;
        }
        // The feed in view goes aside; the other one comes back.
        let shown = self.logs.get_untracked();
        let aside = std::mem::replace(&mut *self.aside_logs.write_value(), shown);
        self.environment.set(environment);
        match environment {
            Environment::Production => self.logs.set(aside),
            Environment::Staging => {
                let (lines, latest) = self.watch.with_value(|watch| {
                    watch.as_ref().map_or((VecDeque::new(), None), |w| {
                        (w.staging_logs().clone(), w.staging_snapshot().cloned())
                    })
                });
                self.logs.set(lines);
                if latest.is_some() {
                    self.snapshot.set(latest);
                }
            }
        }
        self.publish();
    }

    /// The drill's watch rebuilt from the run's file (after a fork, a branch switch or an opened
    /// run): the file is re-simulated with its steps, so what the drill shows is what the file
    /// says happened.
    fn rebuild_watch(&self) {
        let file = self.run_file();
        let drill = file
            .as_ref()
            .and_then(|file| IncidentRun::replay(file).ok().flatten());
        let had = self.watch.with_value(Option::is_some);
        if let Some(file) = &file
            && let Some(authored) = &file.postmortem
        {
            self.postmortem.set(authored.clone());
        }
        match drill {
            Some(run) => self.watch.set_value(Some(run.watch)),
            None if had => self.end_drill(),
            None => {}
        }
        self.publish_drill();
    }

    /// Records the responder's action (acknowledge, resolve) or a bookmark at the live instant.
    pub fn note(&self, action: RunAction) {
        if self.read_only.get_untracked() {
            return;
        }
        self.fork_if_viewing();
        let at_ns = self.with_simulation(Simulation::now_ns).unwrap_or_default();
        if matches!(action, RunAction::Acknowledge { .. }) {
            self.watch.update_value(|watch| {
                if let Some(watch) = watch {
                    watch.acknowledge(at_ns as f64 / 1e9);
                }
            });
            self.publish_drill();
        }
        self.record_action(at_ns, action);
    }

    /// Adds an action to the run's file; past the timeline's cap, recording stops and says when.
    fn record_action(&self, at_ns: u64, action: RunAction) {
        if self.recording_full_at.get_untracked().is_some() {
            return;
        }
        let mut kept = false;
        self.record.update_value(|record| {
            if let Some(record) = record {
                kept = record.push(RunEntry {
                    at_ns,
                    action: action.clone(),
                });
            }
        });
        if kept {
            self.timeline.update(|timeline| {
                timeline.push(RunEntry { at_ns, action });
            });
        } else if self.record.with_value(Option::is_some) {
            self.recording_full_at.set(Some(at_ns as f64 / 1e9));
        }
    }

    /// The run as a file, up to the live instant, with the digest it ends with (`None` while the
    /// design cannot run). A run whose timeline filled up is saved up to where recording stopped.
    pub fn run_file(&self) -> Option<RunFile> {
        let (now_ns, digest) = self
            .head
            .with_value(|head| head.as_ref().map(|h| (h.now_ns(), h.digest())))
            .or_else(|| self.with_simulation(|s| (s.now_ns(), s.digest())))?;
        let mut file = self
            .record
            .with_value(|record| record.as_ref().map(|r| r.file().clone()))?;
        match self.recording_full_at.get_untracked() {
            Some(full_s) => {
                file = file.truncated((full_s * 1e9) as u64);
                file.digest = None;
            }
            None => {
                file.end_ns = now_ns;
                file.digest = Some(digest);
            }
        }
        if self.watch.with_value(Option::is_some) {
            file.postmortem = Some(self.postmortem.get_untracked());
        }
        Some(file)
    }

    /// Opens a run file: its design becomes the document (through the caller's `ReplaceDocument`,
    /// announced by this call) and its run is re-simulated to its end, frame by frame.
    pub fn open_run(&self, file: RunFile) {
        self.seed.set(file.seed);
        self.opening.set_value(Some(file));
        self.expect_new_document();
    }

    /// The opened run's document did not come (refused): forget it.
    pub fn forget_run(&self) {
        self.opening.set_value(None);
        self.forget_new_document();
    }

    /// Shows the run at `at_s` (simulated seconds): the live end, or a past instant re-simulated
    /// from the run's file. The run pauses.
    pub fn view_at(&self, at_s: f64) {
        let opening = self
            .seek
            .with_value(|seek| matches!(seek, Some((_, Arrival::Head))));
        if opening
            || self.record.with_value(Option::is_none)
            || self.problem.with_untracked(Option::is_some)
        {
            return;
        }
        self.playing.set(false);
        let head_s = self.head_s.get_untracked();
        if at_s >= head_s - 1e-9 {
            self.back_to_live();
            return;
        }
        let at_ns = (at_s.max(0.0) * 1e9) as u64;
        if self.viewing.get_untracked().is_none() {
            // Put the live run aside (it is the head of the file).
            let live = self.simulation.write_value().take();
            self.head.set_value(live);
        }
        let seek = self
            .record
            .with_value(|record| record.as_ref().map(|record| record.begin(at_ns)));
        if let Some(seek) = seek {
            self.seek.set_value(Some((seek, Arrival::Past)));
            self.viewing.set(Some(at_ns as f64 / 1e9));
            self.seeking.set(Some(0.0));
            self.continue_seek();
        }
    }

    /// One event of the model, forward from the instant in view (past or live), while paused: what
    /// it was, in words, with its time. A past instant in view stays a view (it moves by one event);
    /// the live run just advances.
    pub fn step_event(&self) -> Option<(f64, String)> {
        if self.seeking.get_untracked().is_some() || self.problem.with_untracked(Option::is_some) {
            return None;
        }
        self.playing.set(false);
        let mut stepped = None;
        self.simulation.update_value(|simulation| {
            if let Some(simulation) = simulation {
                stepped = simulation.step_event();
            }
        });
        let event = stepped?;
        let time_s = event.time_ns as f64 / 1e9;
        if self.viewing.get_untracked().is_some() {
            self.viewing.set(Some(time_s));
        } else {
            self.record.update_value(|record| {
                if let Some(record) = record {
                    record.set_end(event.time_ns);
                }
            });
            self.note_head_time();
        }
        self.publish();
        Some((time_s, event.what))
    }

    /// A copy of the run's file (with its keyframes) and a seek re-simulated to `from_ns`, for a
    /// clip that plays a range without disturbing the view.
    pub fn clip_source(&self, from_ns: u64) -> Option<(Replayer, Seek)> {
        let end_ns = (self.head_s.get_untracked() * 1e9) as u64;
        let mut copy = self.record.with_value(|record| {
            record.as_ref().map(|record| {
                let mut copy = record.from_instant(from_ns);
                copy.set_end(end_ns);
                copy
            })
        })?;
        let mut seek = copy.begin(from_ns);
        while !copy.step(&mut seek, u64::MAX).ok()? {}
        Some((copy, seek))
    }

    /// Back to the live run, where it was.
    pub fn back_to_live(&self) {
        self.seek.set_value(None);
        self.seeking.set(None);
        if self.viewing.get_untracked().is_none() {
            return;
        }
        let head = self.head.write_value().take();
        if head.is_some() {
            self.simulation.set_value(head);
        }
        self.viewing.set(None);
        self.republish();
    }

    /// Resume from the instant in view: the run forks there (its future kept as the branch left).
    pub fn resume_here(&self) {
        if self.read_only.get_untracked() {
            // A replay never forks: it plays on from where the run had got.
            self.back_to_live();
        } else {
            self.fork_if_viewing();
        }
        self.playing.set(true);
    }

    /// Goes back to the run a fork left (and keeps the fork as the branch left, so it toggles).
    pub fn back_to_branch(&self) {
        if self.seeking.get_untracked().is_some() {
            return;
        }
        self.back_to_live();
        let Some((record, head)) = self.branch.write_value().take() else {
            return;
        };
        let current_record = self.record.write_value().take();
        let current_head = self.simulation.write_value().take();
        if let (Some(record), Some(head)) = (current_record, current_head) {
            self.branch.set_value(Some((record, head)));
        }
        self.timeline.set(record.file().timeline.clone());
        self.record.set_value(Some(record));
        self.simulation.set_value(Some(head));
        self.recording_full_at.set(None);
        self.has_branch.set(self.branch.with_value(Option::is_some));
        self.playing.set(false);
        self.rebuild_watch();
        self.republish();
    }

    /// If the view is at a past instant, the run forks there and that instant becomes live.
    fn fork_if_viewing(&self) {
        let Some(at_s) = self.viewing.get_untracked() else {
            return;
        };
        if self.read_only.get_untracked() {
            return;
        }
        if self.seeking.get_untracked().is_some() {
            return;
        }
        let at_ns = self
            .with_simulation(Simulation::now_ns)
            .unwrap_or((at_s * 1e9) as u64);
        let forked = self
            .record
            .with_value(|record| record.as_ref().map(|record| record.fork(at_ns)));
        let (Some(forked), Some(old_head)) = (forked, self.head.write_value().take()) else {
            return;
        };
        if let Some(old_record) = self.record.write_value().take() {
            self.branch.set_value(Some((old_record, old_head)));
            self.has_branch.set(true);
        }
        self.timeline.set(forked.file().timeline.clone());
        self.record.set_value(Some(forked));
        self.recording_full_at.set(None);
        self.viewing.set(None);
        self.note_head_time();
        if self.watch.with_value(Option::is_some) {
            self.rebuild_watch();
        }
    }

    /// Runs the seek in progress for this frame's budget; on arrival, shows its instant.
    fn continue_seek(&self) {
        let Some((mut seek, arrival)) = self.seek.write_value().take() else {
            self.seeking.set(None);
            return;
        };
        let deadline = now_ms() + FRAME_TIME_BUDGET_MS;
        let mut outcome = Ok(false);
        self.record.update_value(|record| {
            if let Some(record) = record {
                loop {
                    outcome = record.step(&mut seek, EVENT_CHUNK);
                    if !matches!(outcome, Ok(false)) || now_ms() >= deadline {
                        break;
                    }
                }
            }
        });
        match outcome {
            Ok(true) => {
                self.seeking.set(None);
                let simulation = seek.into_simulation();
                self.simulation.set_value(Some(simulation));
                if arrival == Arrival::Head {
                    // An opened run, re-simulated to its end: it is the live run now, once it is
                    // shown to end where its file says (a claimed digest is checked, never trusted).
                    let claimed = self
                        .record
                        .with_value(|record| record.as_ref().and_then(|r| r.file().digest));
                    let replayed = self.with_simulation(Simulation::digest);
                    if let (Some(claimed), Some(replayed)) = (claimed, replayed)
                        && claimed != replayed
                    {
                        self.fail_replay(&RunError {
                            path: "digest".to_owned(),
                            problem: RunProblem::DigestMismatch {
                                claimed: format_digest(claimed),
                                replayed: format_digest(replayed),
                            },
                        });
                        return;
                    }
                    self.verified.set(claimed.map(format_digest));
                    self.viewing.set(None);
                    self.note_head_time();
                    self.rebuild_watch();
                }
                self.republish();
            }
            Ok(false) => {
                self.seeking.set(Some(seek.progress()));
                self.seek.set_value(Some((seek, arrival)));
            }
            Err(error) => {
                self.seeking.set(None);
                self.fail_replay(&error);
            }
        }
    }

    /// A recorded run that does not re-simulate (a file that reads but describes no possible run).
    fn fail_replay(&self, error: &RunError) {
        self.problem
            .set(Some(format!("this run cannot be re-simulated: {error}")));
        self.snapshot.set(None);
    }

    /// The live run's time, for the scrubber.
    fn note_head_time(&self) {
        let head_s = self
            .head
            .with_value(|head| head.as_ref().map(Simulation::now_s))
            .or_else(|| {
                if self.viewing.get_untracked().is_none() {
                    self.with_simulation(Simulation::now_s)
                } else {
                    None
                }
            });
        // A tenth of a second is plenty for the scrubber, and spares it a redraw every frame.
        let shown = self.head_s.get_untracked();
        if let Some(head_s) = head_s
            && ((head_s - shown).abs() >= 0.1 || head_s < shown)
        {
            self.head_s.set(head_s);
        }
    }

    /// The view jumped to another simulation: the feeds are rebuilt from it.
    fn republish(&self) {
        self.logs.set(VecDeque::new());
        self.notifications.set(VecDeque::new());
        self.simulation.update_value(|simulation| {
            if let Some(simulation) = simulation {
                simulation.restream();
            }
        });
        self.publish();
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
        let mut seen = None;
        if !new_document {
            let changes_model =
                self.with_simulation(|simulation| !same_model(simulation.design(), document));
            if changes_model == Some(true) {
                // An edit the model sees, made at a past instant, is a new future: fork there.
                self.fork_if_viewing();
            }
            self.simulation.update_value(|simulation| {
                if let Some(simulation) = simulation {
                    outcome = Some(simulation.reconfigure(document));
                    seen = Some(simulation.now_ns());
                }
            });
            if let (Some(Ok(())), Some(true), Some(at_ns)) = (&outcome, changes_model, seen) {
                self.watch.update_value(|watch| {
                    if let Some(watch) = watch {
                        watch.production_changed(at_ns, false);
                    }
                });
                self.record_action(at_ns, RunAction::Edit(document.clone()));
            }
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
        self.seek.set_value(None);
        self.seeking.set(None);
        self.head.set_value(None);
        self.viewing.set(None);
        self.branch.set_value(None);
        self.has_branch.set(false);
        self.recording_full_at.set(None);
        self.verified.set(None);
        self.end_drill();
        let drill = self
            .pending_drill
            .write_value()
            .take()
            .and_then(|id| scenario(&id))
            .filter(|scenario| same_model(&scenario.design, document));
        // An opened run file whose design this is: its run is re-simulated to its end.
        let opened = self
            .opening
            .write_value()
            .take()
            .filter(|file| same_model(&file.design, document));
        let file = opened
            .clone()
            .unwrap_or_else(|| RunFile::new(document.clone(), self.seed.get_untracked()));
        match Replayer::new(file) {
            Ok(record) => {
                self.timeline.set(record.file().timeline.clone());
                let end_ns = record.file().end_ns;
                let seek = opened.map(|_| record.begin(end_ns));
                // The run starts from the file's first keyframe (t = 0), built once.
                let start = record.begin(0).into_simulation();
                self.record.set_value(Some(record));
                self.simulation.set_value(Some(start));
                self.problem.set(None);
                self.head_s.set(0.0);
                if let Some(drill) = drill {
                    let step = IncidentStep::Drill {
                        scenario: drill.id.to_owned(),
                    };
                    self.watch.set_value(Some(IncidentWatch::new(drill)));
                    self.record_action(0, RunAction::Incident(step));
                }
                if let Some(seek) = seek {
                    self.playing.set(false);
                    self.viewing.set(Some(end_ns as f64 / 1e9));
                    self.head_s.set(end_ns as f64 / 1e9);
                    self.seek.set_value(Some((seek, Arrival::Head)));
                    self.seeking.set(Some(0.0));
                }
                self.publish();
            }
            Err(error) => {
                self.record.set_value(None);
                self.timeline.set(Vec::new());
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
        // A drill's watch reads every production snapshot of the live run (not of a past instant
        // in view) and brings staging along.
        let live = self.viewing.get_untracked().is_none();
        let mut staging_moved = false;
        if live {
            self.watch.update_value(|watch| {
                if let Some(watch) = watch {
                    watch.observe(&snapshot);
                    let before = watch.staging_snapshot().map(|s| s.time_s);
                    watch.follow((snapshot.time_s * 1e9).round() as u64);
                    staging_moved = watch.staging_snapshot().map(|s| s.time_s) != before;
                }
            });
        }
        let staging_in_view = self.environment.get_untracked() == Environment::Staging;
        if staging_in_view {
            if !snapshot.logs.is_empty() {
                self.aside_logs.update_value(|aside| {
                    keep_last(aside, snapshot.logs.iter().cloned(), KEPT_LOG_LINES);
                });
            }
        } else if !snapshot.logs.is_empty() {
            self.logs
                .update(|logs| keep_last(logs, snapshot.logs.iter().cloned(), KEPT_LOG_LINES));
        }
        self.publish_drill();
        if !snapshot.notifications.is_empty() {
            self.notifications.update(|notifications| {
                keep_last(
                    notifications,
                    snapshot.notifications.iter().cloned(),
                    KEPT_NOTIFICATIONS,
                );
            });
        }
        if staging_in_view {
            // Staging's view moves a whole second at a time (the pace its watch advances it).
            let first = self.snapshot.with_untracked(Option::is_none);
            if staging_moved || first {
                let (lines, latest) = self.watch.with_value(|watch| {
                    watch.as_ref().map_or((VecDeque::new(), None), |w| {
                        (w.staging_logs().clone(), w.staging_snapshot().cloned())
                    })
                });
                self.logs.set(lines);
                self.snapshot.set(latest);
            }
            return;
        }
        self.snapshot.set(Some(snapshot));
    }
}

impl Runner {
    /// Publishes what the drill shows, when it changed.
    fn publish_drill(&self) {
        let view = self
            .watch
            .with_value(|watch| watch.as_ref().map(drill_view));
        if self.drill.with_untracked(|shown| *shown != view) {
            self.drill.set(view);
        }
    }
}

/// What a finished re-simulation becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arrival {
    /// A past instant in view (the live run waits aside).
    Past,
    /// The end of an opened run: the live run from now on.
    Head,
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
