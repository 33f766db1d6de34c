//! Re-simulating a run file to any instant. A [`Replayer`] keeps **keyframes** (clones of the
//! simulation) on the way, so a seek never re-runs more than the keyframe spacing
//! ([`KEYFRAME_EVERY_NS`], doubling past [`MAX_KEYFRAMES`]) once the run has been played through; a
//! [`Seek`] is advanced in event budgets so a frame never stalls.

use crate::Simulation;
use crate::run_file::{
    KEYFRAME_EVERY_NS, MAX_KEYFRAMES, MAX_TIMELINE, RunAction, RunEntry, RunError, RunFile,
    RunProblem, design_error, error,
};

/// Applies one entry to a simulation at its instant.
fn apply(simulation: &mut Simulation, index: usize, entry: &RunEntry) -> Result<(), RunError> {
    let refused = |message: String| {
        error(
            format!("timeline[{index}]"),
            RunProblem::Refused { message },
        )
    };
    match &entry.action {
        RunAction::Live(command) => simulation
            .apply(command.clone())
            .map_err(|e| refused(e.to_string())),
        RunAction::Edit(design) => simulation
            .reconfigure(design)
            .map_err(|e| refused(e.to_string())),
        RunAction::Acknowledge { .. }
        | RunAction::Resolve { .. }
        | RunAction::Marker { .. }
        | RunAction::Incident(_) => Ok(()),
    }
}

/// A simulation of the run at an instant, with the index of the next entry to apply.
#[derive(Clone)]
struct Keyframe {
    at_ns: u64,
    next_entry: usize,
    simulation: Simulation,
}

/// Re-simulates a run file to any instant, from keyframes.
pub struct Replayer {
    file: RunFile,
    /// Ordered by time; the first is t = 0.
    keyframes: Vec<Keyframe>,
    /// Simulated time between keyframes now.
    every_ns: u64,
}

/// A seek in progress: advanced in event budgets by [`Replayer::step`].
pub struct Seek {
    simulation: Simulation,
    next_entry: usize,
    target_ns: u64,
    from_ns: u64,
}

impl Seek {
    /// The fraction done, 0..=1.
    pub fn progress(&self) -> f64 {
        let span = self.target_ns.saturating_sub(self.from_ns);
        if span == 0 {
            1.0
        } else {
            (self.simulation.now_ns().saturating_sub(self.from_ns)) as f64 / span as f64
        }
    }

    pub fn target_ns(&self) -> u64 {
        self.target_ns
    }

    /// Where the seek started (the keyframe it cloned).
    pub fn from_ns(&self) -> u64 {
        self.from_ns
    }

    /// Moves the target later (a clip plays a range frame by frame); the progress restarts here.
    pub fn retarget(&mut self, target_ns: u64) {
        self.from_ns = self.simulation.now_ns();
        self.target_ns = target_ns.max(self.from_ns);
    }

    /// The simulation on its way (a clip takes each frame's snapshot from it).
    pub fn simulation_mut(&mut self) -> &mut Simulation {
        &mut self.simulation
    }

    /// The simulation at the target (once [`Replayer::step`] said it got there).
    pub fn into_simulation(self) -> Simulation {
        self.simulation
    }
}

impl Replayer {
    /// A replayer of `file`; refuses a design the engine refuses.
    pub fn new(file: RunFile) -> Result<Replayer, RunError> {
        let simulation =
            Simulation::new(&file.design, file.seed).map_err(|e| design_error("design", e))?;
        Ok(Replayer {
            file,
            keyframes: vec![Keyframe {
                at_ns: 0,
                next_entry: 0,
                simulation,
            }],
            every_ns: KEYFRAME_EVERY_NS,
        })
    }

    pub fn file(&self) -> &RunFile {
        &self.file
    }

    /// How many keyframes are kept.
    pub fn keyframes(&self) -> usize {
        self.keyframes.len()
    }

    /// Offers a keyframe of a live run that follows this file (kept when the spacing has passed
    /// since the last one); `next_entry` is the number of entries already applied to it.
    pub fn keep(&mut self, simulation: &Simulation, next_entry: usize) {
        let at_ns = simulation.now_ns();
        let last = self.keyframes.last().map_or(0, |k| k.at_ns);
        if at_ns >= last + self.every_ns {
            self.keyframes.push(Keyframe {
                at_ns,
                next_entry,
                simulation: simulation.clone(),
            });
            if self.keyframes.len() > MAX_KEYFRAMES {
                let mut index = 0;
                self.keyframes.retain(|_| {
                    index += 1;
                    index % 2 == 1
                });
                self.every_ns *= 2;
            }
        }
    }

    /// Records an action of the live run (at or after the last one and the run's end, which it
    /// moves); refused, changing nothing, once the timeline holds [`MAX_TIMELINE`] entries.
    pub fn push(&mut self, entry: RunEntry) -> bool {
        if self.file.timeline.len() >= MAX_TIMELINE {
            return false;
        }
        self.file.end_ns = self.file.end_ns.max(entry.at_ns);
        self.file.timeline.push(entry);
        true
    }

    /// The live run has reached `end_ns`.
    pub fn set_end(&mut self, end_ns: u64) {
        self.file.end_ns = self.file.end_ns.max(end_ns);
    }

    /// A new run that shares this one's past up to `at_ns` (its entries and keyframes) and goes its
    /// own way from there.
    pub fn fork(&self, at_ns: u64) -> Replayer {
        Replayer {
            file: self.file.truncated(at_ns),
            keyframes: self
                .keyframes
                .iter()
                .filter(|k| k.at_ns <= at_ns)
                .cloned()
                .collect(),
            every_ns: self.every_ns,
        }
    }

    /// A copy of the whole run that keeps only the keyframe nearest before `from_ns` (a clip of a
    /// range needs no more, and copies no more memory than that).
    pub fn from_instant(&self, from_ns: u64) -> Replayer {
        let keyframe = self
            .keyframes
            .iter()
            .rev()
            .find(|k| k.at_ns <= from_ns)
            .unwrap_or(&self.keyframes[0])
            .clone();
        Replayer {
            file: self.file.clone(),
            keyframes: vec![keyframe],
            every_ns: self.every_ns,
        }
    }

    /// Starts a seek to `at_ns` (clamped to the run's end) from the nearest keyframe at or before it.
    pub fn begin(&self, at_ns: u64) -> Seek {
        let target_ns = at_ns.min(self.file.end_ns);
        let keyframe = self
            .keyframes
            .iter()
            .rev()
            .find(|k| k.at_ns <= target_ns)
            .unwrap_or(&self.keyframes[0]);
        Seek {
            simulation: keyframe.simulation.clone(),
            next_entry: keyframe.next_entry,
            target_ns,
            from_ns: keyframe.at_ns,
        }
    }

    /// Advances a seek by at most `max_events` events; keyframes are kept on the way. Returns
    /// whether the seek reached its target.
    pub fn step(&mut self, seek: &mut Seek, max_events: u64) -> Result<bool, RunError> {
        let mut budget = max_events;
        loop {
            let next_at = self
                .file
                .timeline
                .get(seek.next_entry)
                .map(|entry| entry.at_ns)
                .filter(|at| *at <= seek.target_ns);
            let next_keyframe = self.keyframes.last().map_or(0, |k| k.at_ns) + self.every_ns;
            let stop = next_at
                .unwrap_or(seek.target_ns)
                .min(seek.target_ns)
                .min(next_keyframe.max(seek.simulation.now_ns()));
            let before = seek.simulation.events_processed();
            let arrived = seek.simulation.advance_with_budget(stop, budget);
            budget = budget.saturating_sub(seek.simulation.events_processed() - before);
            if !arrived {
                return Ok(false);
            }
            let now = seek.simulation.now_ns();
            if now >= next_keyframe && now <= self.file.end_ns {
                self.keep(&seek.simulation, seek.next_entry);
            }
            if next_at == Some(now) {
                let index = seek.next_entry;
                apply(&mut seek.simulation, index, &self.file.timeline[index])?;
                seek.next_entry += 1;
                continue;
            }
            if now >= seek.target_ns {
                return Ok(true);
            }
            if budget == 0 {
                return Ok(false);
            }
        }
    }

    /// The simulation at `at_ns`, re-simulated from the nearest keyframe.
    pub fn seek(&mut self, at_ns: u64) -> Result<Simulation, RunError> {
        let mut seek = self.begin(at_ns);
        while !self.step(&mut seek, u64::MAX)? {}
        Ok(seek.into_simulation())
    }
}
