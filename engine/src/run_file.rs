//! A run as a file (`*.run.json`): the design at t = 0, the seed, and a timeline of everything the
//! user did, in integer nanoseconds. Anything that claims what happened in a run — a replay, a
//! grade, a comparison — re-simulates this file; a digest stored in it is a claim that is checked,
//! never trusted.
//!
//! Reading a file is all or nothing: a damaged, truncated, oversized or newer file is refused whole
//! with a typed [`RunError`] located by a JSON path, and nothing is applied.
//!
//! Re-simulating a file to any instant is `replay.rs`'s [`Replayer`].

use serde::{Deserialize, Serialize};

use crate::design::Fault;
use crate::validate::{DesignError, Problem};
use crate::{Design, LiveCommand, NodeKind, NodeParams, Simulation};

pub use crate::replay::{Replayer, Seek};

/// The `format` field of every run file.
pub const RUN_FORMAT: &str = "arch-explorer-run";
/// The newest version this build reads and the one it writes.
pub const RUN_VERSION: u64 = 1;
/// The largest run file read, bytes.
pub const MAX_RUN_BYTES: usize = 8 * 1024 * 1024;
/// The most timeline entries a run keeps; the app stops recording there and says so.
pub const MAX_TIMELINE: usize = 5_000;
/// The longest run, simulated nanoseconds (24 hours).
pub const MAX_RUN_NS: u64 = 24 * 3_600 * 1_000_000_000;
/// Simulated time between two keyframes of a [`Replayer`], at first.
pub const KEYFRAME_EVERY_NS: u64 = 30 * 1_000_000_000;
/// Keyframes kept at most: past this, every second one goes and the spacing doubles (a 6-minute run
/// keeps 30 s spacing, a 12-minute one 60 s). Each keyframe is a whole simulation (a few MB for a
/// dozen nodes: ten minutes of per-second series, histograms, the log), so this bounds the memory
/// time travel takes for a run of any length.
pub const MAX_KEYFRAMES: usize = 12;

/// Something the user did at an instant of the run.
#[derive(Clone, Debug, PartialEq)]
pub enum RunAction {
    /// A chaos or scaling command on the running model.
    Live(LiveCommand),
    /// The document as edited while running (what `Simulation::reconfigure` was given).
    Edit(Design),
    /// An incident acknowledged by the responder (numbered as the app numbers them, from 1).
    Acknowledge { incident: u32 },
    /// An incident resolved by the responder.
    Resolve { incident: u32 },
    /// A bookmark with a note.
    Marker { note: String },
    /// A step of an incident drill's workflow (annotates the run: a staging copy is apart from
    /// it, and what a step changes in production is recorded as live commands beside it).
    Incident(crate::incident::IncidentStep),
}

impl RunAction {
    /// Whether the action changes the simulated model (the others only annotate the run).
    pub fn changes_model(&self) -> bool {
        matches!(self, RunAction::Live(_) | RunAction::Edit(_))
    }
}

/// One timestamped action.
#[derive(Clone, Debug, PartialEq)]
pub struct RunEntry {
    pub at_ns: u64,
    pub action: RunAction,
}

/// A run: enough to re-simulate it exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFile {
    pub seed: u64,
    /// The design at t = 0.
    pub design: Design,
    /// Ordered by time; entries at one instant keep their order.
    pub timeline: Vec<RunEntry>,
    /// Where the run stopped.
    pub end_ns: u64,
    /// The digest the writer claims the run ends with (checked by [`RunFile::replay`]).
    pub digest: Option<u64>,
    /// The responder's words for the incident's post-mortem (the rest of it is drafted from the
    /// re-simulated run: [`crate::postmortem`]).
    pub postmortem: Option<crate::postmortem::Authored>,
}

/// What is wrong with a run file, located by a JSON path such as `timeline[3].live.node`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunError {
    pub path: String,
    pub problem: RunProblem,
}

/// The kinds of problem a run file can have.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunProblem {
    TooLarge {
        bytes: usize,
        limit: usize,
    },
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    /// The `format` field is missing or not a run's (a design file opened as a run, say).
    NotARun,
    UnsupportedVersion {
        found: u64,
        newest: u64,
    },
    Schema {
        message: String,
    },
    /// The design at t = 0 or an edited design is not valid.
    Design {
        problem: Problem,
    },
    TooManyEntries {
        count: usize,
        limit: usize,
    },
    OutOfOrder {
        at_ns: u64,
        previous_ns: u64,
    },
    AfterEnd {
        at_ns: u64,
        end_ns: u64,
    },
    TooLong {
        end_ns: u64,
        limit_ns: u64,
    },
    /// The run refused a recorded command: the file does not describe a run that happened.
    Refused {
        message: String,
    },
    /// The replayed digest differs from the one the file claims.
    DigestMismatch {
        claimed: String,
        replayed: String,
    },
}

impl std::fmt::Display for RunProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunProblem::TooLarge { bytes, limit } => write!(
                f,
                "the run file is {} KB, more than the {} KB a run may take",
                bytes / 1024,
                limit / 1024
            ),
            RunProblem::Malformed {
                line,
                column,
                message,
            } => write!(
                f,
                "not valid JSON at line {line}, column {column}: {message}"
            ),
            RunProblem::NotARun => write!(
                f,
                "this is not a run file (its \"format\" is not \"{RUN_FORMAT}\"); open a design with Open instead"
            ),
            RunProblem::UnsupportedVersion { found, newest } => write!(
                f,
                "run file version {found} is newer than this app reads (up to {newest}); update the app"
            ),
            RunProblem::Schema { message } => write!(f, "{message}"),
            RunProblem::Design { problem } => write!(f, "{problem}"),
            RunProblem::TooManyEntries { count, limit } => {
                write!(
                    f,
                    "{count} timeline entries, more than the {limit} a run keeps"
                )
            }
            RunProblem::OutOfOrder { at_ns, previous_ns } => write!(
                f,
                "an entry at {} s comes after one at {} s: the timeline must be in time order",
                *at_ns as f64 / 1e9,
                *previous_ns as f64 / 1e9
            ),
            RunProblem::AfterEnd { at_ns, end_ns } => write!(
                f,
                "an entry at {} s is after the run's end at {} s",
                *at_ns as f64 / 1e9,
                *end_ns as f64 / 1e9
            ),
            RunProblem::TooLong { end_ns, limit_ns } => write!(
                f,
                "the run lasts {} s, longer than the {} s a run may last",
                *end_ns as f64 / 1e9,
                *limit_ns as f64 / 1e9
            ),
            RunProblem::Refused { message } => {
                write!(f, "the run refused this recorded command: {message}")
            }
            RunProblem::DigestMismatch { claimed, replayed } => write!(
                f,
                "the run replays to digest {replayed}, not the {claimed} the file claims"
            ),
        }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for RunError {}

pub(crate) fn error(path: impl Into<String>, problem: RunProblem) -> RunError {
    RunError {
        path: path.into(),
        problem,
    }
}

/// A design error inside the run file, its path prefixed with where the design sits.
pub(crate) fn design_error(prefix: &str, design: DesignError) -> RunError {
    let path = if design.path.is_empty() {
        prefix.to_owned()
    } else if design.path.starts_with('[') {
        format!("{prefix}{}", design.path)
    } else {
        format!("{prefix}.{}", design.path)
    };
    error(
        path,
        RunProblem::Design {
            problem: design.problem,
        },
    )
}

/// Formats a digest as the CLI and the golden file do: 16 lowercase hex digits.
pub fn format_digest(digest: u64) -> String {
    format!("{digest:016x}")
}

/// Parses 16 hex digits.
pub fn parse_digest(text: &str) -> Option<u64> {
    if text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        u64::from_str_radix(text, 16).ok()
    } else {
        None
    }
}

/// A live command as written in a run file: `set_params` names the node's kind, because parameters
/// are read by kind.
#[derive(Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
enum RawLive {
    SetParams {
        node: String,
        kind: NodeKind,
        params: serde_json::Value,
    },
    Kill {
        node: String,
    },
    Restart {
        node: String,
    },
    AddServer {
        node: String,
    },
    Inject {
        fault: Fault,
        #[serde(default)]
        duration_s: Option<f64>,
    },
    ScaleUp {
        node: String,
    },
    Explain {
        node: String,
        on: bool,
    },
    CommitRelease {
        pipeline: String,
        release: crate::release::Release,
    },
    Approve {
        pipeline: String,
    },
    RollBack {
        pipeline: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncident {
    incident: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarker {
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    at_ns: u64,
    #[serde(default)]
    live: Option<serde_json::Value>,
    #[serde(default)]
    edit: Option<serde_json::Value>,
    #[serde(default)]
    acknowledge: Option<RawIncident>,
    #[serde(default)]
    resolve: Option<RawIncident>,
    #[serde(default)]
    marker: Option<RawMarker>,
    #[serde(default)]
    incident: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRun {
    format: String,
    version: u64,
    seed: u64,
    end_ns: u64,
    design: serde_json::Value,
    #[serde(default)]
    timeline: Vec<serde_json::Value>,
    #[serde(default)]
    digest: Option<String>,
    #[serde(default)]
    postmortem: Option<serde_json::Value>,
}

/// A JSON syntax error's line, column and message (without serde's own "at line … column …").
pub(crate) fn syntax_error(failure: &serde_json::Error) -> (usize, usize, String) {
    let message = failure.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    };
    (failure.line(), failure.column(), message)
}

/// Deserialises `value`; a problem comes back as its JSON path under `prefix` and its message.
pub(crate) fn deserialize_at<T: serde::de::DeserializeOwned>(
    prefix: &str,
    value: serde_json::Value,
) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|failure| {
        let inner = failure.path().to_string();
        let path = match (prefix.is_empty(), inner == ".") {
            (_, true) => prefix.to_owned(),
            (true, false) => inner,
            (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
            (false, false) => format!("{prefix}.{inner}"),
        };
        (path, failure.into_inner().to_string())
    })
}

/// Deserialises `value`, reporting the path of a problem under `prefix`.
fn typed<T: serde::de::DeserializeOwned>(
    prefix: &str,
    value: serde_json::Value,
) -> Result<T, RunError> {
    deserialize_at(prefix, value)
        .map_err(|(path, message)| error(path, RunProblem::Schema { message }))
}

fn live_command(path: &str, value: serde_json::Value) -> Result<LiveCommand, RunError> {
    Ok(match typed::<RawLive>(path, value)? {
        RawLive::SetParams { node, kind, params } => {
            let params = NodeParams::from_value(kind, params).map_err(|(inner, message)| {
                let path = if inner.is_empty() {
                    format!("{path}.params")
                } else {
                    format!("{path}.params.{inner}")
                };
                error(path, RunProblem::Schema { message })
            })?;
            LiveCommand::SetParams { node, params }
        }
        RawLive::Kill { node } => LiveCommand::Kill { node },
        RawLive::Restart { node } => LiveCommand::Restart { node },
        RawLive::AddServer { node } => LiveCommand::AddServer { node },
        RawLive::Inject { fault, duration_s } => LiveCommand::Inject { fault, duration_s },
        RawLive::ScaleUp { node } => LiveCommand::ScaleUp { node },
        RawLive::Explain { node, on } => LiveCommand::Explain { node, on },
        RawLive::CommitRelease { pipeline, release } => {
            LiveCommand::CommitRelease { pipeline, release }
        }
        RawLive::Approve { pipeline } => LiveCommand::Approve { pipeline },
        RawLive::RollBack { pipeline } => LiveCommand::RollBack { pipeline },
    })
}

fn read_design(path: &str, value: serde_json::Value) -> Result<Design, RunError> {
    let design = Design::from_value(value).map_err(|e| design_error(path, e))?;
    design.validate().map_err(|e| design_error(path, e))?;
    Ok(design)
}

fn entry(index: usize, value: serde_json::Value) -> Result<RunEntry, RunError> {
    let path = format!("timeline[{index}]");
    let raw: RawEntry = typed(&path, value)?;
    let given = usize::from(raw.live.is_some())
        + usize::from(raw.edit.is_some())
        + usize::from(raw.acknowledge.is_some())
        + usize::from(raw.resolve.is_some())
        + usize::from(raw.marker.is_some())
        + usize::from(raw.incident.is_some());
    if given != 1 {
        return Err(error(
            path,
            RunProblem::Schema {
                message: format!(
                    "an entry holds exactly one of live, edit, acknowledge, resolve, marker, incident (this one holds {given})"
                ),
            },
        ));
    }
    let action = if let Some(live) = raw.live {
        RunAction::Live(live_command(&format!("{path}.live"), live)?)
    } else if let Some(edit) = raw.edit {
        RunAction::Edit(read_design(&format!("{path}.edit"), edit)?)
    } else if let Some(RawIncident { incident }) = raw.acknowledge {
        RunAction::Acknowledge { incident }
    } else if let Some(RawIncident { incident }) = raw.resolve {
        RunAction::Resolve { incident }
    } else if let Some(RawMarker { note }) = raw.marker {
        RunAction::Marker { note }
    } else if let Some(step) = raw.incident {
        RunAction::Incident(typed(&format!("{path}.incident"), step)?)
    } else {
        unreachable!("exactly one action was counted")
    };
    Ok(RunEntry {
        at_ns: raw.at_ns,
        action,
    })
}

impl RunFile {
    /// A run of `design` with `seed` and nothing done yet.
    pub fn new(design: Design, seed: u64) -> RunFile {
        RunFile {
            seed,
            design,
            timeline: Vec::new(),
            end_ns: 0,
            digest: None,
            postmortem: None,
        }
    }

    /// Reads a run file: all of it or nothing. It does not re-simulate (see [`RunFile::replay`]).
    pub fn from_json(text: &str) -> Result<RunFile, RunError> {
        if text.len() > MAX_RUN_BYTES {
            return Err(error(
                "",
                RunProblem::TooLarge {
                    bytes: text.len(),
                    limit: MAX_RUN_BYTES,
                },
            ));
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|failure| {
            let (line, column, message) = syntax_error(&failure);
            error(
                "",
                RunProblem::Malformed {
                    line,
                    column,
                    message,
                },
            )
        })?;
        if value.get("format").and_then(serde_json::Value::as_str) != Some(RUN_FORMAT) {
            return Err(error("format", RunProblem::NotARun));
        }
        if let Some(found) = value.get("version").and_then(serde_json::Value::as_u64)
            && found > RUN_VERSION
        {
            return Err(error(
                "version",
                RunProblem::UnsupportedVersion {
                    found,
                    newest: RUN_VERSION,
                },
            ));
        }
        let raw: RawRun = typed("", value)?;
        if raw.version == 0 {
            return Err(error(
                "version",
                RunProblem::UnsupportedVersion {
                    found: 0,
                    newest: RUN_VERSION,
                },
            ));
        }
        debug_assert_eq!(raw.format, RUN_FORMAT);
        if raw.end_ns > MAX_RUN_NS {
            return Err(error(
                "end_ns",
                RunProblem::TooLong {
                    end_ns: raw.end_ns,
                    limit_ns: MAX_RUN_NS,
                },
            ));
        }
        if raw.timeline.len() > MAX_TIMELINE {
            return Err(error(
                "timeline",
                RunProblem::TooManyEntries {
                    count: raw.timeline.len(),
                    limit: MAX_TIMELINE,
                },
            ));
        }
        let digest = match raw.digest {
            None => None,
            Some(text) => Some(parse_digest(&text).ok_or_else(|| {
                error(
                    "digest",
                    RunProblem::Schema {
                        message: format!("\"{text}\" is not a digest (16 hex digits)"),
                    },
                )
            })?),
        };
        let design = read_design("design", raw.design)?;
        let mut timeline = Vec::with_capacity(raw.timeline.len());
        let mut previous_ns = 0;
        for (index, value) in raw.timeline.into_iter().enumerate() {
            let entry = entry(index, value)?;
            let path = format!("timeline[{index}].at_ns");
            if entry.at_ns < previous_ns {
                return Err(error(
                    path,
                    RunProblem::OutOfOrder {
                        at_ns: entry.at_ns,
                        previous_ns,
                    },
                ));
            }
            if entry.at_ns > raw.end_ns {
                return Err(error(
                    path,
                    RunProblem::AfterEnd {
                        at_ns: entry.at_ns,
                        end_ns: raw.end_ns,
                    },
                ));
            }
            previous_ns = entry.at_ns;
            timeline.push(entry);
        }
        let postmortem = match raw.postmortem {
            None => None,
            Some(value) => Some(typed("postmortem", value)?),
        };
        Ok(RunFile {
            seed: raw.seed,
            design,
            timeline,
            end_ns: raw.end_ns,
            digest,
            postmortem,
        })
    }

    /// Writes the run as pretty JSON (the current version).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }

    /// Writes the run as compact JSON (for links).
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(&self.to_value()).unwrap_or_default()
    }

    fn to_value(&self) -> serde_json::Value {
        let timeline: Vec<serde_json::Value> = self
            .timeline
            .iter()
            .map(|entry| {
                let (key, value) = match &entry.action {
                    RunAction::Live(command) => {
                        let mut value = serde_json::to_value(command).unwrap_or_default();
                        if let (LiveCommand::SetParams { params, .. }, Some(object)) =
                            (command, value.as_object_mut())
                        {
                            object.insert(
                                "kind".to_owned(),
                                serde_json::to_value(params.kind()).unwrap_or_default(),
                            );
                        }
                        ("live", value)
                    }
                    RunAction::Edit(design) => {
                        ("edit", serde_json::to_value(design).unwrap_or_default())
                    }
                    RunAction::Acknowledge { incident } => {
                        ("acknowledge", serde_json::json!({ "incident": incident }))
                    }
                    RunAction::Resolve { incident } => {
                        ("resolve", serde_json::json!({ "incident": incident }))
                    }
                    RunAction::Marker { note } => ("marker", serde_json::json!({ "note": note })),
                    RunAction::Incident(step) => {
                        ("incident", serde_json::to_value(step).unwrap_or_default())
                    }
                };
                let mut object = serde_json::Map::new();
                object.insert("at_ns".to_owned(), entry.at_ns.into());
                object.insert(key.to_owned(), value);
                serde_json::Value::Object(object)
            })
            .collect();
        let mut object = serde_json::Map::new();
        object.insert("format".to_owned(), RUN_FORMAT.into());
        object.insert("version".to_owned(), RUN_VERSION.into());
        object.insert("seed".to_owned(), self.seed.into());
        object.insert("end_ns".to_owned(), self.end_ns.into());
        if let Some(digest) = self.digest {
            object.insert("digest".to_owned(), format_digest(digest).into());
        }
        object.insert(
            "design".to_owned(),
            serde_json::to_value(&self.design).unwrap_or_default(),
        );
        object.insert("timeline".to_owned(), timeline.into());
        if let Some(postmortem) = &self.postmortem {
            object.insert(
                "postmortem".to_owned(),
                serde_json::to_value(postmortem).unwrap_or_default(),
            );
        }
        serde_json::Value::Object(object)
    }

    /// Re-simulates the whole run; refuses it when a recorded command is refused or the digest the
    /// file claims differs from the replayed one.
    pub fn replay(&self) -> Result<Simulation, RunError> {
        let mut replayer = Replayer::new(self.clone())?;
        let simulation = replayer.seek(self.end_ns)?;
        if let Some(claimed) = self.digest
            && claimed != simulation.digest()
        {
            return Err(error(
                "digest",
                RunProblem::DigestMismatch {
                    claimed: format_digest(claimed),
                    replayed: format_digest(simulation.digest()),
                },
            ));
        }
        Ok(simulation)
    }

    /// The entries up to and including `at_ns` (a fork keeps these).
    pub fn truncated(&self, at_ns: u64) -> RunFile {
        RunFile {
            seed: self.seed,
            design: self.design.clone(),
            timeline: self
                .timeline
                .iter()
                .filter(|entry| entry.at_ns <= at_ns)
                .cloned()
                .collect(),
            end_ns: at_ns.min(self.end_ns),
            digest: None,
            postmortem: self.postmortem.clone(),
        }
    }
}
