//! Classroom packs, submissions and private rubrics, graded **without a server and without trusting
//! anything a submission claims**.
//!
//! - A **pack** (`*.pack.json`, or a `#p=` link) is what a teacher hands out: a title, challenges,
//!   grading seeds (they replace each challenge's own) and a time limit. Its **hash** (FNV-1a over
//!   its compact JSON) names it.
//! - A **submission** (`*.submission.json`) is what a student hands in: the pack's hash, the
//!   student's name, the engine version, and per challenge the run file (design + timeline) with
//!   the score and stars the student's browser computed (claims, shown and never trusted).
//! - A **rubric** (`*.rubric.json`) is the teacher's private addition: hidden grading seeds and
//!   hidden faults per challenge, like an autograder's hidden tests.
//!
//! [`grade_submission`] re-simulates each run on the pack's seeds (plus the rubric's) and flags a
//! claim that differs, a pack that differs and an engine that differs. Every reader is all or
//! nothing, with a typed error located by a JSON path; none panics on any input.

use serde::{Deserialize, Serialize};

use crate::challenge::{Challenge, Grade, Grader};
use crate::design::ScheduledFault;
use crate::run_file::{RunError, RunFile};

pub const PACK_FORMAT: &str = "arch-explorer-pack";
pub const SUBMISSION_FORMAT: &str = "arch-explorer-submission";
pub const RUBRIC_FORMAT: &str = "arch-explorer-rubric";
/// The version of all three formats this engine writes and reads.
pub const VERSION: u64 = 1;
/// The largest pack, submission or rubric read, bytes.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// The engine that graded: a submission made by another version is flagged.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a teacher hands out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub title: String,
    pub challenges: Vec<Challenge>,
    /// Grading seeds of every challenge of the pack (empty: each challenge's own).
    #[serde(default)]
    pub seeds: Vec<u64>,
    /// Minutes the students have, shown to them (not enforced by grading).
    #[serde(default)]
    pub time_limit_min: Option<u32>,
}

/// One challenge's run in a submission, with what the student's browser claimed.
#[derive(Clone, Debug, PartialEq)]
pub struct SubmittedRun {
    pub challenge: String,
    pub run: RunFile,
    pub claimed_score: u32,
    pub claimed_stars: u8,
}

/// What a student hands in.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    pub pack_hash: String,
    pub student: String,
    pub engine_version: String,
    pub runs: Vec<SubmittedRun>,
}

/// The teacher's private additions to a pack.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Seeds graded on top of the pack's, for every challenge.
    #[serde(default)]
    pub hidden_seeds: Vec<u64>,
    /// Faults added to a challenge's script, by challenge id.
    #[serde(default)]
    pub hidden_faults: Vec<HiddenFaults>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HiddenFaults {
    pub challenge: String,
    pub faults: Vec<ScheduledFault>,
}

/// Why a pack, submission or rubric cannot be read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PackProblem {
    TooLarge {
        bytes: usize,
        limit: usize,
    },
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    /// The `format` field is not the one expected (a design opened as a pack, a pack as a
    /// submission…).
    WrongFormat {
        expected: String,
        found: Option<String>,
    },
    UnsupportedVersion {
        found: u64,
        newest: u64,
    },
    Schema {
        message: String,
    },
    /// A run inside a submission cannot be read.
    Run {
        error: RunError,
    },
    /// A pack without challenges, or with two of one id.
    Empty,
    DuplicateChallenge {
        id: String,
    },
}

/// A [`PackProblem`] located by a JSON path (`runs[2].run.timeline[0]`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PackError {
    pub path: String,
    pub problem: PackProblem,
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let problem = match &self.problem {
            PackProblem::TooLarge { bytes, limit } => {
                format!("the file is {bytes} bytes, more than the {limit} bytes read")
            }
            PackProblem::Malformed {
                line,
                column,
                message,
            } => format!("not JSON at line {line}, column {column}: {message}"),
            PackProblem::WrongFormat { expected, found } => match found {
                Some(found) => format!("this is a “{found}” file, not a “{expected}” file"),
                None => format!("this is not a “{expected}” file (no format field)"),
            },
            PackProblem::UnsupportedVersion { found, newest } => format!(
                "version {found} was written by a newer Architecture Explorer (this one reads up to {newest})"
            ),
            PackProblem::Schema { message } => message.clone(),
            PackProblem::Run { error } => format!("its run cannot be read: {error}"),
            PackProblem::Empty => "the pack has no challenges".to_owned(),
            PackProblem::DuplicateChallenge { id } => {
                format!("the challenge “{id}” appears twice")
            }
        };
        if self.path.is_empty() {
            write!(f, "{problem}")
        } else {
            write!(f, "{}: {problem}", self.path)
        }
    }
}

impl std::error::Error for PackError {}

fn error(path: impl Into<String>, problem: PackProblem) -> PackError {
    PackError {
        path: path.into(),
        problem,
    }
}

/// Reads the envelope every format shares: size, JSON, format and version.
fn envelope(text: &str, format: &str) -> Result<serde_json::Value, PackError> {
    if text.len() > MAX_BYTES {
        return Err(error(
            "",
            PackProblem::TooLarge {
                bytes: text.len(),
                limit: MAX_BYTES,
            },
        ));
    }
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|failure| {
        let (line, column, message) = crate::run_file::syntax_error(&failure);
        error(
            "",
            PackProblem::Malformed {
                line,
                column,
                message,
            },
        )
    })?;
    let found = value
        .get("format")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    if found.as_deref() != Some(format) {
        return Err(error(
            "format",
            PackProblem::WrongFormat {
                expected: format.to_owned(),
                found,
            },
        ));
    }
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(found) if found > VERSION => {
            return Err(error(
                "version",
                PackProblem::UnsupportedVersion {
                    found,
                    newest: VERSION,
                },
            ));
        }
        Some(found) if found >= 1 => {}
        _ => {
            return Err(error(
                "version",
                PackProblem::Schema {
                    message: "the version must be a whole number from 1".to_owned(),
                },
            ));
        }
    }
    if let Some(object) = value.as_object_mut() {
        object.remove("format");
        object.remove("version");
    }
    Ok(value)
}

/// Reads typed data from a JSON value, the error located by its path under `prefix`.
fn typed<T: serde::de::DeserializeOwned>(
    prefix: &str,
    value: serde_json::Value,
) -> Result<T, PackError> {
    crate::run_file::deserialize_at(prefix, value)
        .map_err(|(path, message)| error(path, PackProblem::Schema { message }))
}

/// A JSON object with the format and version in front.
fn with_envelope(format: &str, value: serde_json::Value) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    object.insert("format".to_owned(), format.into());
    object.insert("version".to_owned(), VERSION.into());
    if let serde_json::Value::Object(fields) = value {
        object.extend(fields);
    }
    serde_json::Value::Object(object)
}

/// FNV-1a, 64 bits, as 16 hex digits.
fn fnv_hex(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

impl Pack {
    pub fn from_json(text: &str) -> Result<Pack, PackError> {
        let value = envelope(text, PACK_FORMAT)?;
        let pack: Pack = typed("", value)?;
        if pack.challenges.is_empty() {
            return Err(error("challenges", PackProblem::Empty));
        }
        for (index, challenge) in pack.challenges.iter().enumerate() {
            if pack.challenges[..index]
                .iter()
                .any(|other| other.id == challenge.id)
            {
                return Err(error(
                    format!("challenges[{index}].id"),
                    PackProblem::DuplicateChallenge {
                        id: challenge.id.clone(),
                    },
                ));
            }
        }
        Ok(pack)
    }

    fn value(&self) -> serde_json::Value {
        with_envelope(PACK_FORMAT, serde_json::to_value(self).unwrap_or_default())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.value()).unwrap_or_default()
    }

    pub fn to_compact_json(&self) -> String {
        self.value().to_string()
    }

    /// The pack's name in submissions: a hash of its compact JSON.
    pub fn hash(&self) -> String {
        fnv_hex(self.to_compact_json().as_bytes())
    }

    /// A challenge of the pack as it is graded: the pack's seeds in place of its own.
    pub fn challenge(&self, id: &str) -> Option<Challenge> {
        let mut challenge = self.challenges.iter().find(|c| c.id == id)?.clone();
        if !self.seeds.is_empty() {
            challenge.seeds = self.seeds.clone();
        }
        Some(challenge)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubmittedRun {
    challenge: String,
    run: serde_json::Value,
    #[serde(default)]
    claimed_score: u32,
    #[serde(default)]
    claimed_stars: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubmission {
    pack_hash: String,
    student: String,
    engine_version: String,
    runs: Vec<RawSubmittedRun>,
}

impl Submission {
    pub fn from_json(text: &str) -> Result<Submission, PackError> {
        let value = envelope(text, SUBMISSION_FORMAT)?;
        let raw: RawSubmission = typed("", value)?;
        let runs = raw
            .runs
            .into_iter()
            .enumerate()
            .map(|(index, run)| {
                let file = RunFile::from_json(&run.run.to_string()).map_err(|mut failure| {
                    let inner = std::mem::take(&mut failure.path);
                    let path = if inner.is_empty() {
                        format!("runs[{index}].run")
                    } else {
                        format!("runs[{index}].run.{inner}")
                    };
                    error(path, PackProblem::Run { error: failure })
                })?;
                Ok(SubmittedRun {
                    challenge: run.challenge,
                    run: file,
                    claimed_score: run.claimed_score,
                    claimed_stars: run.claimed_stars,
                })
            })
            .collect::<Result<Vec<_>, PackError>>()?;
        Ok(Submission {
            pack_hash: raw.pack_hash,
            student: raw.student,
            engine_version: raw.engine_version,
            runs,
        })
    }

    fn value(&self) -> serde_json::Value {
        let runs: Vec<serde_json::Value> = self
            .runs
            .iter()
            .map(|run| {
                serde_json::json!({
                    "challenge": run.challenge,
                    "run": serde_json::from_str::<serde_json::Value>(&run.run.to_compact_json())
                        .unwrap_or_default(),
                    "claimed_score": run.claimed_score,
                    "claimed_stars": run.claimed_stars,
                })
            })
            .collect();
        with_envelope(
            SUBMISSION_FORMAT,
            serde_json::json!({
                "pack_hash": self.pack_hash,
                "student": self.student,
                "engine_version": self.engine_version,
                "runs": runs,
            }),
        )
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.value()).unwrap_or_default()
    }

    pub fn to_compact_json(&self) -> String {
        self.value().to_string()
    }
}

impl Rubric {
    pub fn from_json(text: &str) -> Result<Rubric, PackError> {
        typed("", envelope(text, RUBRIC_FORMAT)?)
    }

    pub fn to_json(&self) -> String {
        let value = with_envelope(
            RUBRIC_FORMAT,
            serde_json::to_value(self).unwrap_or_default(),
        );
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    /// `challenge` with the rubric's hidden seeds and faults added.
    pub fn harden(&self, mut challenge: Challenge) -> Challenge {
        for seed in &self.hidden_seeds {
            if !challenge.seeds.contains(seed) {
                challenge.seeds.push(*seed);
            }
        }
        for hidden in self
            .hidden_faults
            .iter()
            .filter(|h| h.challenge == challenge.id)
        {
            challenge.start.faults.extend(hidden.faults.iter().cloned());
        }
        challenge
    }
}

/// Something to know about a graded run besides its grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The score or stars the submission claims are not what re-simulation gives.
    ClaimDiffers,
    /// The submission was made for another pack (or an edited one).
    PackDiffers,
    /// The submission was made by another engine version.
    EngineDiffers,
}

impl Flag {
    pub fn words(self) -> &'static str {
        match self {
            Flag::ClaimDiffers => "claim differs",
            Flag::PackDiffers => "pack differs",
            Flag::EngineDiffers => "engine differs",
        }
    }
}

/// One row of the grading table: a student's run of one challenge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradedRun {
    pub student: String,
    pub challenge: String,
    /// `None` when the run could not be graded (an unknown challenge), with the reason in `problem`.
    pub grade: Option<Grade>,
    pub claimed_score: u32,
    pub flags: Vec<Flag>,
    pub problem: Option<String>,
}

impl GradedRun {
    pub fn passed(&self) -> bool {
        self.grade.as_ref().is_some_and(|grade| grade.passed)
    }
}

/// The runs of a submission to grade, each with the challenge it is graded against (or why
/// not), and the submission-wide flags.
pub fn plan(
    pack: &Pack,
    rubric: Option<&Rubric>,
    submission: &Submission,
) -> Vec<(SubmittedRun, Result<Challenge, String>, Vec<Flag>)> {
    let mut flags = Vec::new();
    if submission.pack_hash != pack.hash() {
        flags.push(Flag::PackDiffers);
    }
    if submission.engine_version != ENGINE_VERSION {
        flags.push(Flag::EngineDiffers);
    }
    submission
        .runs
        .iter()
        .map(|run| {
            let challenge = pack
                .challenge(&run.challenge)
                .map(|c| match rubric {
                    Some(rubric) => rubric.harden(c),
                    None => c,
                })
                .ok_or_else(|| format!("the pack has no challenge “{}”", run.challenge));
            (run.clone(), challenge, flags.clone())
        })
        .collect()
}

/// A graded run from its grade (or the reason it has none).
pub fn graded_run(
    student: &str,
    run: &SubmittedRun,
    grade: Result<Grade, String>,
    mut flags: Vec<Flag>,
) -> GradedRun {
    match grade {
        Ok(grade) => {
            if grade.score != run.claimed_score || grade.stars != run.claimed_stars {
                flags.insert(0, Flag::ClaimDiffers);
            }
            GradedRun {
                student: student.to_owned(),
                challenge: run.challenge.clone(),
                grade: Some(grade),
                claimed_score: run.claimed_score,
                flags,
                problem: None,
            }
        }
        Err(problem) => GradedRun {
            student: student.to_owned(),
            challenge: run.challenge.clone(),
            grade: None,
            claimed_score: run.claimed_score,
            flags,
            problem: Some(problem),
        },
    }
}

/// Re-simulates every run of a submission against the pack (and the rubric, if any).
pub fn grade_submission(
    pack: &Pack,
    rubric: Option<&Rubric>,
    submission: &Submission,
) -> Vec<GradedRun> {
    plan(pack, rubric, submission)
        .into_iter()
        .map(|(run, challenge, flags)| {
            let grade = challenge.map(|c| Grader::new(&c, &run.run).finish());
            graded_run(&submission.student, &run, grade, flags)
        })
        .collect()
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The grading table as CSV: student, challenge, score, stars, passed, one column per objective of
/// the widest challenge (✓ or ✗ with the value), flags, problem.
pub fn csv(rows: &[GradedRun]) -> String {
    let objectives = rows
        .iter()
        .filter_map(|row| row.grade.as_ref().map(|g| g.objectives.len()))
        .max()
        .unwrap_or(0);
    let mut out = String::from("student,challenge,score,stars,passed");
    for index in 0..objectives {
        out.push_str(&format!(",objective {}", index + 1));
    }
    out.push_str(",claimed score,flags,problem\n");
    for row in rows {
        let mut fields = vec![csv_field(&row.student), csv_field(&row.challenge)];
        match &row.grade {
            Some(grade) => {
                fields.push(grade.score.to_string());
                fields.push(grade.stars.to_string());
                fields.push(if grade.passed { "yes" } else { "no" }.to_owned());
                for index in 0..objectives {
                    fields.push(grade.objectives.get(index).map_or(String::new(), |o| {
                        let mark = if o.passed { "✓" } else { "✗" };
                        let value = o
                            .shown
                            .value
                            .map(|v| o.objective.measure.format(v))
                            .unwrap_or_else(|| "—".to_owned());
                        csv_field(&format!("{mark} {} = {value}", o.objective.measure.label()))
                    }));
                }
            }
            None => {
                fields.extend(["".to_owned(), "".to_owned(), "no".to_owned()]);
                fields.extend((0..objectives).map(|_| String::new()));
            }
        }
        fields.push(row.claimed_score.to_string());
        fields.push(csv_field(
            &row.flags
                .iter()
                .map(|f| f.words())
                .collect::<Vec<_>>()
                .join("; "),
        ));
        fields.push(csv_field(row.problem.as_deref().unwrap_or("")));
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}
