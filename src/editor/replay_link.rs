//! Replay links: a whole run (its design, seed and timeline) packed into the URL fragment, opened
//! read-only and re-simulated — for slides, a teacher's page or an `<iframe>`.
//!
//! `#r=` followed by the same payload as a share link (format byte, CRC-32 of the compressed bytes,
//! the run file's compact JSON, raw DEFLATE), so the same bounds hold: the fragment is at most
//! [`share_link::MAX_FRAGMENT_BYTES`], decompression is bounded, a damaged or oversized link is
//! refused whole with a typed error, and no input makes [`decode`] panic.

use std::fmt;

use engine::{RunError, RunFile};

use super::share_link::{self, PayloadError};

/// The fragment prefix that marks a replay link.
pub const FRAGMENT_PREFIX: &str = "#r=";

/// Why a replay link could not be made or opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayLinkError {
    /// The link's envelope: not ours, damaged, too long, newer.
    Link(PayloadError),
    /// The link is intact but the run in it cannot be read.
    InvalidRun(RunError),
}

impl fmt::Display for ReplayLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayLinkError::Link(PayloadError::NotOurLink) => {
                write!(f, "this link does not hold a run")
            }
            ReplayLinkError::Link(PayloadError::TooLong { bytes }) => write!(
                f,
                "the replay link would be too long ({} KB; at most {} KB): save the run as a file instead",
                bytes.div_ceil(1024),
                share_link::MAX_FRAGMENT_BYTES / 1024
            ),
            ReplayLinkError::Link(error) => write!(f, "{error}"),
            ReplayLinkError::InvalidRun(error) => {
                write!(f, "the link holds a run that cannot be opened: {error}")
            }
        }
    }
}

impl std::error::Error for ReplayLinkError {}

/// The URL fragment (`#r=…`) holding `run`.
pub fn encode(run: &RunFile) -> Result<String, ReplayLinkError> {
    share_link::encode_payload(FRAGMENT_PREFIX, &run.to_compact_json())
        .map_err(ReplayLinkError::Link)
}

/// Reads a run from a URL fragment (`#r=…`, also accepted without the `#` or as a whole URL).
pub fn decode(fragment: &str) -> Result<RunFile, ReplayLinkError> {
    let json =
        share_link::decode_payload(FRAGMENT_PREFIX, fragment).map_err(ReplayLinkError::Link)?;
    RunFile::from_json(&json).map_err(ReplayLinkError::InvalidRun)
}

/// Whether a fragment is a replay link (to be opened read-only).
pub fn is_replay_link(fragment: &str) -> bool {
    fragment.starts_with(FRAGMENT_PREFIX)
}
