//! The observability core: everything the dock (charts, alerts, logs) and the report decide, with no
//! Leptos or web imports, so all of it is tested natively. The dock's components only render what
//! these functions return.
//!
//! # Codemap
//!
//! - `format.rs`: the one simulated clock ([`clock`], [`clock_with_tenths`]), durations, plain
//!   numbers, percents and the values of alert metrics in their units.
//! - `alerts.rs`: the words of alerting: a rule in one sentence, what a notification measured, a
//!   rule's live state, the names of metrics, severities and channels.
//! - `incidents.rs`: PagerDuty-style incidents from the run's notifications and the responder's
//!   actions, their status and the mean times to acknowledge and resolve (MTTA, MTTR).
//! - `timeline.rs`: the report's incident timeline, gathered from the streaming log and merged with
//!   the notifications and incidents.
//! - `findings.rs`: failures by cause, the bottleneck finder, queue growth and the report's summary.
//! - `charts.rs`: what each chart draws (`build_charts`), the followed node, the redraw throttle and
//!   the run-wide business samples.
//! - `figures.rs`: a node's live figures in a line (on its canvas box and on an exported picture),
//!   the rate on a link, and which request types fail while others succeed.
//! - `logs.rs`: the log viewer's filter and which lines it shows, what the log shipper has flushed,
//!   and a reader's place in the streamed log (`LogCursor`).
//! - `error_groups.rs`: the Issues view: error lines grouped Sentry's way (fingerprint, stack frame,
//!   exception, message) into issues with counts, first and last seen and a sparkline, read from
//!   the streamed log incrementally, and the pinned suspect.
//! - `schedule.rs`: the report's fault schedule on a time axis.
//! - `clip.rs`: what the clip form reads (instants) and a clip's plan (speed, frames, length).
//! - `compare.rs`: the Compare tab's table (A, B, B − A with its 95 % interval, a verdict that never
//!   claims more than the interval allows) and its summary.
//! - `releases.rs`: releases in words: a pipeline's state on its box, the versions a server or
//!   group runs (badge and pips, a stable colour per version), a release's stages, the Release
//!   panel's list, the four DORA keys and the report's table of releases.
//! - `resolution.rs`: the status line's resolution in words: which one runs and why, and when the
//!   design has changed under it since the run started.
//! - `run_marks.rs`: time travel: the scrubber's marks and keys, the words for a recorded action, and
//!   the responder's actions read from the run's timeline up to the instant in view.
//!
//! The forms that change the document (alert rules, scheduled faults) are editor work: their drafts
//! and checks live in `src/editor/` (`rule_form.rs`, `fault_form.rs`), and read numbers through
//! `editor::number`.
//!
//! **Architecture Invariant:** nothing under `observe/` imports `leptos`, `web_sys`,
//! `wasm_bindgen` or `js_sys`; the components call in, never the reverse.

pub mod alerts;
pub mod challenge;
pub mod charts;
pub mod clip;
pub mod compare;
pub mod drill;
pub mod error_groups;
pub mod figures;
pub mod findings;
pub mod format;
pub mod incidents;
pub mod logs;
pub mod releases;
pub mod resolution;
pub mod run_marks;
pub mod schedule;
pub mod timeline;

#[cfg(test)]
mod tests;

pub use format::{clock, clock_with_tenths, duration, metric_value};
