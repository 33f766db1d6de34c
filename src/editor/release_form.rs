//! The Release panel's form: a release to commit to a pipeline as typed (text until it is
//! checked), the version name it proposes (the next `vN` after the highest seen), and the check that
//! turns the draft into an [`engine::release::Release`] or says, with a typed error, what is wrong.
//! The engine's own check (`validate::release_problems`) has the last word, so the form refuses
//! exactly what the pipeline would.

use std::fmt;

use engine::params::RequestType;
use engine::release::{Defect, INITIAL_VERSION, Release};

use super::number::{NumberProblem, read_number};
use crate::observe::format::plain_number;
use crate::observe::releases::version_number;

/// The bugs a release can carry, as the form offers them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DefectChoice {
    #[default]
    None,
    /// Requests of one type fail at a rate.
    ErrorRate,
    /// Every request is slower by a factor.
    Latency,
    /// A memory leak crashes each instance some seconds after it starts.
    Crash,
    /// The health check never passes: new instances never become ready.
    FailingHealthCheck,
}

impl DefectChoice {
    pub const ALL: [DefectChoice; 5] = [
        DefectChoice::None,
        DefectChoice::ErrorRate,
        DefectChoice::Latency,
        DefectChoice::Crash,
        DefectChoice::FailingHealthCheck,
    ];

    /// The `<option>` value.
    pub fn code(self) -> &'static str {
        match self {
            DefectChoice::None => "none",
            DefectChoice::ErrorRate => "error_rate",
            DefectChoice::Latency => "latency",
            DefectChoice::Crash => "crash",
            DefectChoice::FailingHealthCheck => "failing_health_check",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DefectChoice::None => "none (a good release)",
            DefectChoice::ErrorRate => "errors on a request type",
            DefectChoice::Latency => "slower (× factor)",
            DefectChoice::Crash => "memory leak (crashes after s)",
            DefectChoice::FailingHealthCheck => "failing health check",
        }
    }

    pub fn parse(code: &str) -> Option<DefectChoice> {
        DefectChoice::ALL
            .into_iter()
            .find(|choice| choice.code() == code)
    }
}

/// The `<option>` value of a request type.
pub fn request_type_code(request_type: RequestType) -> &'static str {
    match request_type {
        RequestType::StaticAsset => "static_asset",
        RequestType::Read => "read",
        RequestType::Write => "write",
        RequestType::Payment => "payment",
    }
}

/// The request type of an `<option>` value.
pub fn parse_request_type(code: &str) -> Option<RequestType> {
    RequestType::ALL
        .into_iter()
        .find(|request_type| request_type_code(*request_type) == code)
}

/// A release as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseDraft {
    pub version: String,
    pub defect: DefectChoice,
    /// The failing request type, for [`DefectChoice::ErrorRate`].
    pub request_type: RequestType,
    /// The failing share, in percent, for [`DefectChoice::ErrorRate`].
    pub rate_percent: String,
    /// How many times slower, for [`DefectChoice::Latency`].
    pub factor: String,
    /// Seconds from an instance's start to its crash, for [`DefectChoice::Crash`].
    pub after_s: String,
    /// A hot fix: skips the approval and the canary analysis.
    pub expedited: bool,
}

impl ReleaseDraft {
    /// A good release named `version`, with the numbers a bug would start from filled in.
    pub fn new(version: String) -> ReleaseDraft {
        ReleaseDraft {
            version,
            defect: DefectChoice::None,
            request_type: RequestType::Payment,
            rate_percent: "50".to_owned(),
            factor: "3".to_owned(),
            after_s: "60".to_owned(),
            expedited: false,
        }
    }

    /// The release to commit, or the first thing wrong with the draft.
    pub fn check(&self) -> Result<Release, ReleaseFormError> {
        let version = self.version.trim();
        if version.is_empty() {
            return Err(ReleaseFormError::NoVersion);
        }
        let length = version.chars().count();
        if length > MAX_VERSION_CHARS {
            return Err(ReleaseFormError::VersionTooLong { length });
        }
        let defect = match self.defect {
            DefectChoice::None => None,
            DefectChoice::ErrorRate => {
                let percent = number(ReleaseField::Rate, &self.rate_percent, 0.0, 100.0)?;
                Some(Defect::ErrorRate {
                    request_type: self.request_type,
                    rate: percent / 100.0,
                })
            }
            DefectChoice::Latency => Some(Defect::Latency {
                factor: number(ReleaseField::Factor, &self.factor, 1.0, 1000.0)?,
            }),
            DefectChoice::Crash => Some(Defect::Crash {
                after_s: number(ReleaseField::AfterSeconds, &self.after_s, 1.0, 86_400.0)?,
            }),
            DefectChoice::FailingHealthCheck => Some(Defect::FailingHealthCheck),
        };
        let release = Release {
            version: version.to_owned(),
            defect,
            expedited: self.expedited,
        };
        match engine::validate::release_problems(&release)
            .into_iter()
            .next()
        {
            Some(problem) => Err(ReleaseFormError::Refused {
                message: problem.to_string(),
            }),
            None => Ok(release),
        }
    }
}

/// The longest version name the engine takes.
const MAX_VERSION_CHARS: usize = 40;

/// A number field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseField {
    Rate,
    Factor,
    AfterSeconds,
}

impl ReleaseField {
    pub fn label(self) -> &'static str {
        match self {
            ReleaseField::Rate => "Failing share",
            ReleaseField::Factor => "Slower by",
            ReleaseField::AfterSeconds => "Crashes after",
        }
    }

    /// The unit typed or shown after the number.
    pub fn unit(self) -> &'static str {
        match self {
            ReleaseField::Rate => "%",
            ReleaseField::Factor => "×",
            ReleaseField::AfterSeconds => "s",
        }
    }
}

/// What is wrong with a draft.
#[derive(Clone, Debug, PartialEq)]
pub enum ReleaseFormError {
    /// The version has no name.
    NoVersion,
    /// The version's name is longer than the engine takes.
    VersionTooLong { length: usize },
    /// A number field is empty or not a number.
    NotANumber { field: ReleaseField, text: String },
    /// A number outside the field's range.
    OutOfRange {
        field: ReleaseField,
        min: f64,
        max: f64,
    },
    /// The engine refused the release (its message).
    Refused { message: String },
}

impl fmt::Display for ReleaseFormError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseFormError::NoVersion => write!(formatter, "give the version a name, like v2"),
            ReleaseFormError::VersionTooLong { length } => write!(
                formatter,
                "a version name has at most {MAX_VERSION_CHARS} characters (this one has {length})"
            ),
            ReleaseFormError::NotANumber { field, text } if text.is_empty() => {
                write!(formatter, "{}: enter a number", field.label())
            }
            ReleaseFormError::NotANumber { field, text } => {
                write!(formatter, "{}: “{text}” is not a number", field.label())
            }
            ReleaseFormError::OutOfRange { field, min, max } => write!(
                formatter,
                "{}: from {} to {} {}",
                field.label(),
                plain_number(*min),
                plain_number(*max),
                field.unit()
            ),
            ReleaseFormError::Refused { message } => write!(formatter, "{message}"),
        }
    }
}

fn number(field: ReleaseField, text: &str, min: f64, max: f64) -> Result<f64, ReleaseFormError> {
    let value = read_number(text, Some(field.unit())).map_err(|problem| match problem {
        NumberProblem::Empty => ReleaseFormError::NotANumber {
            field,
            text: String::new(),
        },
        NumberProblem::NotANumber { text } => ReleaseFormError::NotANumber { field, text },
    })?;
    if value < min || value > max {
        return Err(ReleaseFormError::OutOfRange { field, min, max });
    }
    Ok(value)
}

/// The version the form proposes: `v(N + 1)` after the highest `vN` among `seen` (the releases of
/// the run and the versions running anywhere), `v2` when only the design's own `v1` is known.
pub fn next_version<'a>(seen: impl IntoIterator<Item = &'a str>) -> String {
    let highest = std::iter::once(INITIAL_VERSION)
        .chain(seen)
        .filter_map(version_number)
        .max()
        .unwrap_or(1);
    format!("v{}", highest.saturating_add(1))
}
