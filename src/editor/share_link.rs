//! Share links: the whole design packed into the URL fragment, so sharing needs no server. The
//! envelope (`encode_payload`, `decode_payload`) also carries replay links (`replay_link.rs`).
//!
//! `#d=` followed by URL-safe base64 (no padding) of:
//!
//! ```text
//! byte 0      format version (1)
//! bytes 1..5  CRC-32 (IEEE) of the compressed bytes, big-endian
//! bytes 5..   the design's compact JSON, raw DEFLATE (miniz_oxide)
//! ```
//!
//! The checksum covers the compressed bytes, so a link cut short or mistyped is caught before any
//! decompression. Decompression is bounded ([`MAX_DESIGN_BYTES`]) so a crafted link cannot exhaust
//! memory, and the fragment itself is bounded ([`MAX_FRAGMENT_BYTES`]). No input makes `decode` panic.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use engine::{Design, DesignError};
use miniz_oxide::inflate::TINFLStatus;

/// The fragment prefix that marks a share link.
pub const FRAGMENT_PREFIX: &str = "#d=";
/// The format written, the first byte of the payload.
pub const FORMAT_VERSION: u8 = 1;
/// The longest fragment made or read, bytes. Browsers take far longer URLs, but chat apps and
/// mail clients cut them.
pub const MAX_FRAGMENT_BYTES: usize = 64 * 1024;
/// The most JSON a link may unpack to, bytes.
pub const MAX_DESIGN_BYTES: usize = 1024 * 1024;
/// miniz_oxide's best compression level.
const COMPRESSION_LEVEL: u8 = 9;
/// Version byte and checksum.
const HEADER_BYTES: usize = 5;

/// Why a share link could not be made or opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ShareLinkError {
    /// The fragment does not start with `#d=`.
    NotOurLink,
    /// The fragment has characters that are not URL-safe base64.
    BadEncoding,
    /// The checksum does not match, the data is cut short or does not decompress.
    Damaged,
    /// Made by a newer version of the app.
    UnsupportedVersion { found: u8 },
    /// The fragment is longer than [`MAX_FRAGMENT_BYTES`] (when making one: the design is too big
    /// to share as a link).
    TooLong { bytes: usize },
    /// The data unpacks to more than [`MAX_DESIGN_BYTES`].
    TooLargeUnpacked,
    /// The link is intact but the design in it cannot be opened.
    InvalidDesign(DesignError),
}

impl fmt::Display for ShareLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareLinkError::NotOurLink => write!(f, "this link does not hold a design"),
            ShareLinkError::BadEncoding => write!(
                f,
                "the link is damaged: it has characters a design link never has (was it changed \
                 when copied?)"
            ),
            ShareLinkError::Damaged => write!(
                f,
                "the link is damaged: its checksum does not match (was it cut short when copied?)"
            ),
            ShareLinkError::UnsupportedVersion { found } => write!(
                f,
                "this link was made by a newer version of Architecture Explorer (link format \
                 {found}); reload the page to update"
            ),
            ShareLinkError::TooLong { bytes } => write!(
                f,
                "the link is too long ({} KB; at most {} KB): export the design as a file instead",
                bytes.div_ceil(1024),
                MAX_FRAGMENT_BYTES / 1024
            ),
            ShareLinkError::TooLargeUnpacked => write!(
                f,
                "the link unpacks to more than {} KB, more than any design holds",
                MAX_DESIGN_BYTES / 1024
            ),
            ShareLinkError::InvalidDesign(error) => {
                write!(f, "the link holds a design that cannot be opened: {error}")
            }
        }
    }
}

impl std::error::Error for ShareLinkError {}

/// What can be wrong with a link's envelope, whatever it carries (a design, a run).
#[derive(Clone, Debug, PartialEq)]
pub enum PayloadError {
    NotOurLink,
    BadEncoding,
    Damaged,
    UnsupportedVersion { found: u8 },
    TooLong { bytes: usize },
    TooLargeUnpacked,
}

impl From<PayloadError> for ShareLinkError {
    fn from(error: PayloadError) -> ShareLinkError {
        match error {
            PayloadError::NotOurLink => ShareLinkError::NotOurLink,
            PayloadError::BadEncoding => ShareLinkError::BadEncoding,
            PayloadError::Damaged => ShareLinkError::Damaged,
            PayloadError::UnsupportedVersion { found } => {
                ShareLinkError::UnsupportedVersion { found }
            }
            PayloadError::TooLong { bytes } => ShareLinkError::TooLong { bytes },
            PayloadError::TooLargeUnpacked => ShareLinkError::TooLargeUnpacked,
        }
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The envelope's words are the share link's.
        write!(f, "{}", ShareLinkError::from(self.clone()))
    }
}

/// The URL fragment (`#d=…`) holding `design`.
pub fn encode(design: &Design) -> Result<String, ShareLinkError> {
    // Compact JSON: the fragment's size is what matters here, not readability.
    let json = serde_json::to_string(design).unwrap_or_default();
    encode_payload(FRAGMENT_PREFIX, &json).map_err(ShareLinkError::from)
}

/// Packs `json` behind `prefix` (`#d=`, `#r=`): version, checksum, DEFLATE, URL-safe base64.
pub fn encode_payload(prefix: &str, json: &str) -> Result<String, PayloadError> {
    let compressed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), COMPRESSION_LEVEL);
    let mut payload = Vec::with_capacity(HEADER_BYTES + compressed.len());
    payload.push(FORMAT_VERSION);
    payload.extend_from_slice(&crc32(&compressed).to_be_bytes());
    payload.extend_from_slice(&compressed);
    let fragment = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(payload));
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err(PayloadError::TooLong {
            bytes: fragment.len(),
        });
    }
    Ok(fragment)
}

/// Reads a design from a URL fragment (`#d=…`, also accepted without the `#` or as a whole URL).
pub fn decode(fragment: &str) -> Result<Design, ShareLinkError> {
    let json = decode_payload(FRAGMENT_PREFIX, fragment)?;
    Design::from_json(&json).map_err(ShareLinkError::InvalidDesign)
}

/// Unpacks the JSON behind `prefix` from a fragment (also accepted without the `#` or as a whole URL).
pub fn decode_payload(prefix: &str, fragment: &str) -> Result<String, PayloadError> {
    let fragment = fragment.trim();
    let fragment = match fragment.split_once('#') {
        Some((_, after_hash)) => after_hash,
        None => fragment,
    };
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err(PayloadError::TooLong {
            bytes: fragment.len(),
        });
    }
    let encoded = fragment
        .strip_prefix(prefix.trim_start_matches('#'))
        .ok_or(PayloadError::NotOurLink)?;
    let payload = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|_| PayloadError::BadEncoding)?;
    let (&version, rest) = payload.split_first().ok_or(PayloadError::Damaged)?;
    if version > FORMAT_VERSION {
        return Err(PayloadError::UnsupportedVersion { found: version });
    }
    if version == 0 || rest.len() < HEADER_BYTES - 1 {
        return Err(PayloadError::Damaged);
    }
    let (checksum, compressed) = rest.split_at(HEADER_BYTES - 1);
    let expected = u32::from_be_bytes([checksum[0], checksum[1], checksum[2], checksum[3]]);
    if crc32(compressed) != expected {
        return Err(PayloadError::Damaged);
    }
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(compressed, MAX_DESIGN_BYTES)
        .map_err(|error| match error.status {
            TINFLStatus::HasMoreOutput => PayloadError::TooLargeUnpacked,
            _ => PayloadError::Damaged,
        })?;
    String::from_utf8(json).map_err(|_| PayloadError::Damaged)
}

/// CRC-32 (IEEE 802.3, reflected, as in zip and PNG). Bitwise: links are at most 64 KB, so a table
/// would buy nothing worth its size in the bundle.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}
