//! Class links: a classroom pack (`#p=`) or a student's submission (`#s=`) packed into the URL
//! fragment with the share link's envelope (format byte, CRC-32, raw DEFLATE, bounded), so a teacher
//! hands out a pack as a link and a student can hand in a link instead of a file. A damaged link is
//! refused whole with a typed error; no input makes [`decode_pack`] or [`decode_submission`] panic.

use std::fmt;

use engine::pack::{Pack, PackError, Submission};

use super::share_link::{self, PayloadError};

/// The fragment prefix of a pack link.
pub const PACK_PREFIX: &str = "#p=";
/// The fragment prefix of a submission link.
pub const SUBMISSION_PREFIX: &str = "#s=";

/// Why a class link could not be made or opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ClassLinkError {
    /// The link's envelope: not ours, damaged, too long, newer.
    Link(PayloadError),
    /// The link is intact but what it holds cannot be read.
    Invalid(PackError),
}

impl fmt::Display for ClassLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassLinkError::Link(error) => write!(f, "{error}"),
            ClassLinkError::Invalid(error) => {
                write!(f, "the link holds something that cannot be read: {error}")
            }
        }
    }
}

impl std::error::Error for ClassLinkError {}

/// The URL fragment (`#p=…`) holding `pack`.
pub fn encode_pack(pack: &Pack) -> Result<String, ClassLinkError> {
    share_link::encode_payload(PACK_PREFIX, &pack.to_compact_json()).map_err(ClassLinkError::Link)
}

/// Reads a pack from a fragment (`#p=…`, also without the `#` or as a whole URL).
pub fn decode_pack(fragment: &str) -> Result<Pack, ClassLinkError> {
    let json = share_link::decode_payload(PACK_PREFIX, fragment).map_err(ClassLinkError::Link)?;
    Pack::from_json(&json).map_err(ClassLinkError::Invalid)
}

/// The URL fragment (`#s=…`) holding `submission`.
pub fn encode_submission(submission: &Submission) -> Result<String, ClassLinkError> {
    share_link::encode_payload(SUBMISSION_PREFIX, &submission.to_compact_json())
        .map_err(ClassLinkError::Link)
}

/// Reads a submission from a fragment or a whole link (`…#s=…`).
pub fn decode_submission(fragment: &str) -> Result<Submission, ClassLinkError> {
    let json =
        share_link::decode_payload(SUBMISSION_PREFIX, fragment).map_err(ClassLinkError::Link)?;
    Submission::from_json(&json).map_err(ClassLinkError::Invalid)
}

/// Reads a submission from what a teacher dropped or pasted: a submission file's text or a link.
pub fn read_submission(text: &str) -> Result<Submission, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        Submission::from_json(trimmed).map_err(|error| error.to_string())
    } else {
        decode_submission(trimmed).map_err(|error| error.to_string())
    }
}

/// Whether a fragment is a pack link.
pub fn is_pack_link(fragment: &str) -> bool {
    fragment.starts_with(PACK_PREFIX)
}
