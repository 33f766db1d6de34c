//! Challenges: a starting board, a story, objectives measured over windows of the run, and the
//! rules of the exercise (node kinds allowed, nodes locked, the fault script). **Grading
//! re-simulates**: a submission is a run file (design + timeline); the [`Grader`] plays it on every
//! grading seed with the challenge's own fault script, traces each run ([`crate::objective`]) and
//! reads the objectives off the traces. Nothing the submission claims is read.
//!
//! An objective passes only if it passes on every grading seed. Score = points of the passed
//! objectives over all points, out of 100. Stars: one for every primary objective, two when a
//! bonus passes as well, three when every bonus does.

use serde::{Deserialize, Serialize};

use crate::objective::{Bound, Objective, Outcome, Status, Tracer, evaluate};
use crate::run_file::{RunAction, RunEntry, RunFile};
use crate::{Design, NodeKind, Simulation};

/// Seeds a challenge is graded on unless it says otherwise.
pub const DEFAULT_SEEDS: [u64; 3] = [11, 22, 33];

/// One exercise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// Stable identifier ("rush-hour"), used in links and packs.
    pub id: String,
    pub title: String,
    /// The briefing's story.
    pub story: String,
    /// What the student learns, one idea per line.
    pub learn: Vec<String>,
    pub objectives: Vec<Objective>,
    /// Dollars per hour the design may cost (shown in the briefing; a cost objective grades it).
    #[serde(default)]
    pub budget_per_hour: Option<f64>,
    /// Node kinds the student may add (the locked nodes are always allowed).
    pub allowed: Vec<NodeKind>,
    /// Nodes that must stay as they are (the users, a fixed database): kind, zone and parameters.
    #[serde(default)]
    pub locked: Vec<String>,
    /// The starting board, with the challenge's fault script.
    pub start: Design,
    /// How long a graded run lasts, seconds of simulated time.
    pub seconds: f64,
    /// Grading seeds; a design passes only if it passes on each.
    pub seeds: Vec<u64>,
}

impl Challenge {
    /// What in `design` breaks the challenge's rules, in words (empty when none).
    pub fn violations(&self, design: &Design) -> Vec<String> {
        let mut found = Vec::new();
        for id in &self.locked {
            let Some(theirs) = self.start.node(id) else {
                continue;
            };
            match design.node(id) {
                None => found.push(format!(
                    "{} is locked and was removed",
                    theirs.display_name()
                )),
                Some(node) if node.params != theirs.params || node.zone != theirs.zone => {
                    found.push(format!(
                        "{} is locked and was changed",
                        theirs.display_name()
                    ));
                }
                Some(_) => {}
            }
        }
        // The work a request needs is part of the exercise, not a parameter to tune: a node's
        // service times must be ones the starting board uses for its kind, or the defaults.
        let workloads = |design: &Design, kind: NodeKind| -> Vec<String> {
            design
                .nodes
                .iter()
                .filter(|n| n.kind() == kind)
                .filter_map(|n| workload(&n.params))
                .collect()
        };
        for node in &design.nodes {
            if let Some(work) = workload(&node.params) {
                let default = workload(&crate::NodeParams::default_for(node.kind()));
                if Some(&work) != default.as_ref()
                    && !workloads(&self.start, node.kind()).contains(&work)
                {
                    found.push(format!(
                        "{}'s service times were changed: the work a request needs is part of the challenge",
                        node.display_name()
                    ));
                }
            }
        }
        for node in &design.nodes {
            let locked = self.locked.contains(&node.id);
            if !locked && !self.allowed.contains(&node.kind()) {
                found.push(format!(
                    "{} is a {}, which this challenge does not allow",
                    node.display_name(),
                    node.kind().label().to_lowercase()
                ));
            }
        }
        found
    }

    /// `design` with the challenge's fault script in place of its own.
    pub fn scripted(&self, design: &Design) -> Design {
        let mut scripted = design.clone();
        scripted.faults = self.start.faults.clone();
        scripted
    }

    /// A budget in words ("$1.50/h"), if any.
    pub fn budget(&self) -> Option<String> {
        self.budget_per_hour.map(|b| format!("${b:.2}/h"))
    }
}

/// The service times of a node with workers, as comparable text (`None` for other kinds).
fn workload(params: &crate::NodeParams) -> Option<String> {
    use crate::NodeParams;
    match params {
        NodeParams::Server(server) | NodeParams::Service(server) => {
            Some(format!("{:?}", server.service))
        }
        NodeParams::AutoscalingGroup(group) => Some(format!("{:?}", group.server.service)),
        NodeParams::Database(database) => Some(format!("{:?} {:?}", database.read, database.write)),
        _ => None,
    }
}

/// One objective over every grading seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveGrade {
    pub objective: Objective,
    /// Passed on every seed.
    pub passed: bool,
    /// The outcome on each seed, in seed order.
    pub outcomes: Vec<Outcome>,
    /// The outcome to show: the first failing seed's, else the worst value's.
    pub shown: Outcome,
}

/// A graded submission.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grade {
    pub challenge: String,
    pub seeds: Vec<u64>,
    pub objectives: Vec<ObjectiveGrade>,
    /// Broken rules; any makes the grade 0 and no stars.
    pub violations: Vec<String>,
    /// 0..=100.
    pub score: u32,
    /// 0..=3.
    pub stars: u8,
    /// Every primary objective passed on every seed, with no broken rule.
    pub passed: bool,
    /// The concept behind the first failed objective (primary first), for the debrief.
    pub tip: Option<String>,
    /// Problems replaying the submission (a refused command), by seed.
    pub errors: Vec<String>,
    /// What happened on the first grading seed (faults, alerts, edits), seconds and words.
    pub timeline: Vec<(f64, String)>,
}

/// Reads the grade off one trace per seed.
pub fn grade_traces(
    challenge: &Challenge,
    seeds: &[u64],
    traces: &[crate::objective::Trace],
    violations: Vec<String>,
    errors: Vec<String>,
) -> Grade {
    let objectives: Vec<ObjectiveGrade> = challenge
        .objectives
        .iter()
        .map(|objective| {
            let outcomes: Vec<Outcome> = traces.iter().map(|t| evaluate(objective, t)).collect();
            let passed = !outcomes.is_empty() && outcomes.iter().all(Outcome::passed);
            let shown = outcomes
                .iter()
                .find(|o| !o.passed())
                .or_else(|| {
                    outcomes.iter().max_by(|a, b| {
                        let (a, b) = (a.value.unwrap_or(0.0), b.value.unwrap_or(0.0));
                        match objective.bound {
                            Bound::AtMost => a.total_cmp(&b),
                            Bound::AtLeast => b.total_cmp(&a),
                        }
                    })
                })
                .cloned()
                .unwrap_or(Outcome {
                    value: None,
                    status: Status::Never,
                });
            ObjectiveGrade {
                objective: objective.clone(),
                passed,
                outcomes,
                shown,
            }
        })
        .collect();
    let clean = violations.is_empty() && errors.is_empty();
    let total: u32 = objectives.iter().map(|o| o.objective.points).sum();
    let earned: u32 = objectives
        .iter()
        .filter(|o| o.passed)
        .map(|o| o.objective.points)
        .sum();
    let score = if clean && total > 0 {
        ((f64::from(earned) * 100.0 / f64::from(total)).round()) as u32
    } else {
        0
    };
    let primaries = objectives.iter().filter(|o| !o.objective.bonus);
    let bonuses: Vec<&ObjectiveGrade> = objectives.iter().filter(|o| o.objective.bonus).collect();
    let passed = clean && primaries.clone().all(|o| o.passed);
    let stars = if !passed {
        0
    } else if !bonuses.is_empty() && bonuses.iter().all(|o| o.passed) {
        3
    } else if bonuses.iter().any(|o| o.passed) {
        2
    } else {
        1
    };
    let tip = objectives
        .iter()
        .filter(|o| !o.passed)
        .min_by_key(|o| o.objective.bonus)
        .map(|o| o.objective.measure.concept().to_owned());
    Grade {
        challenge: challenge.id.clone(),
        seeds: seeds.to_vec(),
        objectives,
        violations,
        score,
        stars,
        passed,
        tip,
        errors,
        timeline: traces
            .first()
            .map(|trace| {
                trace
                    .happenings
                    .iter()
                    .map(|(at, happening)| (*at, happening.describe()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// One run of a submission on one seed, traced second by second: what grading plays on each
/// seed, and what the app's live tracker plays alongside the user's run (so its "so far" is the
/// grading's own measurement, not a second way of counting).
#[derive(Clone)]
pub struct Playthrough {
    simulation: Simulation,
    /// The fault script every design of the run gets (a challenge's), or `None`: the run's own.
    script: Option<Vec<crate::design::ScheduledFault>>,
    tracer: Tracer,
    /// Timeline entries applied so far.
    applied: usize,
    errors: Vec<String>,
}

impl Playthrough {
    /// A playthrough of `design` (with the challenge's fault script) on `seed`.
    pub fn new(
        challenge: &Challenge,
        design: &Design,
        seed: u64,
    ) -> Result<Playthrough, crate::DesignError> {
        Ok(Playthrough {
            simulation: Simulation::new(&challenge.scripted(design), seed)?,
            script: Some(challenge.start.faults.clone()),
            tracer: Tracer::new(),
            applied: 0,
            errors: Vec::new(),
        })
    }

    /// A playthrough of a run as it is (its own faults), for a drill's report.
    pub fn of_run(design: &Design, seed: u64) -> Result<Playthrough, crate::DesignError> {
        Ok(Playthrough {
            simulation: Simulation::new(design, seed)?,
            script: None,
            tracer: Tracer::new(),
            applied: 0,
            errors: Vec::new(),
        })
    }

    /// Timeline entries applied so far.
    pub fn applied(&self) -> usize {
        self.applied
    }

    pub fn now_ns(&self) -> u64 {
        self.simulation.now_ns()
    }

    /// The trace so far (whole seconds).
    pub fn trace(&self) -> &crate::objective::Trace {
        self.tracer.trace()
    }

    /// Refused timeline entries, in words.
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// Plays on towards `until_ns`, applying `timeline` entries at their instants, for about
    /// `max_events` events. Returns whether it got there.
    pub fn step(&mut self, timeline: &[RunEntry], until_ns: u64, max_events: u64) -> bool {
        let mut budget = max_events;
        loop {
            let next_at = timeline
                .get(self.applied)
                .map(|entry| entry.at_ns)
                .filter(|at| *at < until_ns);
            let sample_at = self.tracer.next_sample_ns();
            let stop = next_at
                .map_or(sample_at, |at| at.min(sample_at))
                .min(until_ns);
            let before = self.simulation.events_processed();
            let arrived = self.simulation.advance_with_budget(stop, budget);
            budget = budget.saturating_sub(self.simulation.events_processed() - before);
            if !arrived {
                return false;
            }
            let now = self.simulation.now_ns();
            if next_at.is_some_and(|at| at <= now) {
                let entry = &timeline[self.applied];
                if let Err(message) = apply(self.script.as_deref(), &mut self.simulation, entry) {
                    self.errors
                        .push(format!("timeline[{}]: {message}", self.applied));
                }
                if entry.action.changes_model() {
                    self.tracer.note_edit(now as f64 / 1e9);
                }
                self.applied += 1;
                continue;
            }
            if now == self.tracer.next_sample_ns() {
                self.tracer.sample(&self.simulation);
            }
            if now >= until_ns {
                return true;
            }
            if budget == 0 {
                return false;
            }
        }
    }

    fn into_parts(self) -> (crate::objective::Trace, Vec<String>) {
        (self.tracer.into_trace(), self.errors)
    }
}

/// Grades a submission in event budgets (the app) or all at once ([`grade`]).
pub struct Grader {
    challenge: Challenge,
    run: RunFile,
    violations: Vec<String>,
    /// The seed being played and its playthrough.
    current: Option<(u64, Playthrough)>,
    traces: Vec<crate::objective::Trace>,
    errors: Vec<String>,
}

impl Grader {
    /// Prepares the grading of `run` (its design at t = 0 and its timeline; its seed and any
    /// claimed figures are ignored).
    pub fn new(challenge: &Challenge, run: &RunFile) -> Grader {
        let mut violations = challenge.violations(&run.design);
        for entry in &run.timeline {
            if let RunAction::Edit(design) = &entry.action {
                for violation in challenge.violations(design) {
                    if !violations.contains(&violation) {
                        violations.push(violation);
                    }
                }
            }
        }
        Grader {
            challenge: challenge.clone(),
            run: run.clone(),
            violations,
            current: None,
            traces: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The fraction done, 0..=1.
    pub fn progress(&self) -> f64 {
        let seeds = self.challenge.seeds.len().max(1) as f64;
        let partial = self.current.as_ref().map_or(0.0, |(_, playthrough)| {
            playthrough.now_ns() as f64 / 1e9 / self.challenge.seconds
        });
        ((self.traces.len() as f64 + partial) / seeds).clamp(0.0, 1.0)
    }

    /// Advances by about `max_events` events; the grade once every seed is played.
    pub fn step(&mut self, max_events: u64) -> Option<Grade> {
        let end_ns = (self.challenge.seconds * 1e9) as u64;
        loop {
            let Some((seed, playthrough)) = &mut self.current else {
                let Some(&seed) = self.challenge.seeds.get(self.traces.len()) else {
                    return Some(grade_traces(
                        &self.challenge,
                        &self.challenge.seeds,
                        &self.traces,
                        self.violations.clone(),
                        self.errors.clone(),
                    ));
                };
                match Playthrough::new(&self.challenge, &self.run.design, seed) {
                    Ok(playthrough) => self.current = Some((seed, playthrough)),
                    Err(error) => {
                        self.errors.push(format!("seed {seed}: {error}"));
                        self.traces.push(crate::objective::Trace::default());
                    }
                }
                continue;
            };
            let before = playthrough.simulation.events_processed();
            let arrived = playthrough.step(&self.run.timeline, end_ns, max_events);
            if !arrived {
                return None;
            }
            let seed = *seed;
            let spent = playthrough.simulation.events_processed() - before;
            if let Some((_, playthrough)) = self.current.take() {
                let (trace, errors) = playthrough.into_parts();
                self.errors
                    .extend(errors.into_iter().map(|e| format!("seed {seed}: {e}")));
                self.traces.push(trace);
            }
            if spent >= max_events {
                return None;
            }
        }
    }

    /// Plays every seed to the end.
    pub fn finish(mut self) -> Grade {
        loop {
            if let Some(grade) = self.step(u64::MAX) {
                return grade;
            }
        }
    }
}

/// Applies a timeline entry as grading sees it: edits keep the `script` of faults, if any.
fn apply(
    script: Option<&[crate::design::ScheduledFault]>,
    simulation: &mut Simulation,
    entry: &RunEntry,
) -> Result<(), String> {
    match &entry.action {
        RunAction::Live(command) => simulation.apply(command.clone()).map_err(|e| e.to_string()),
        RunAction::Edit(design) => {
            let mut design = design.clone();
            if let Some(script) = script {
                design.faults = script.to_vec();
            }
            simulation.reconfigure(&design).map_err(|e| e.to_string())
        }
        RunAction::Acknowledge { .. }
        | RunAction::Resolve { .. }
        | RunAction::Marker { .. }
        | RunAction::Incident(_) => Ok(()),
    }
}

/// Grades `run` against `challenge` on every grading seed.
pub fn grade(challenge: &Challenge, run: &RunFile) -> Grade {
    Grader::new(challenge, run).finish()
}

/// Grades a design with no timeline (it runs untouched).
pub fn grade_design(challenge: &Challenge, design: &Design) -> Grade {
    let run = RunFile::new(
        design.clone(),
        challenge.seeds.first().copied().unwrap_or(1),
    );
    grade(challenge, &run)
}
