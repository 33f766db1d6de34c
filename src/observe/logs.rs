//! The logs tab's filter: which of the kept lines pass the level, kind, node and text filters, and
//! which of them are shown (the newest), so the viewer only renders them.

use std::collections::VecDeque;

use engine::log_shipping::{Delivery, LogOutage};
use engine::metrics::{LogKind, LogLevel, LogLine};
use engine::params::LogShipper;

/// The most lines on screen at once.
pub const SHOWN_LINES: usize = 300;

/// The lowest level shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelFilter {
    All,
    WarningsAndErrors,
    Errors,
}

impl LevelFilter {
    pub fn passes(self, level: LogLevel) -> bool {
        match self {
            LevelFilter::All => true,
            LevelFilter::WarningsAndErrors => level != LogLevel::Info,
            LevelFilter::Errors => level == LogLevel::Error,
        }
    }

    pub fn parse(value: &str) -> LevelFilter {
        match value {
            "warn" => LevelFilter::WarningsAndErrors,
            "error" => LevelFilter::Errors,
            _ => LevelFilter::All,
        }
    }
}

/// The kind filter's `<option>` value as a kind; anything else shows every kind.
pub fn parse_kind(value: &str) -> Option<LogKind> {
    LogKind::ALL.into_iter().find(|kind| kind.as_str() == value)
}

/// Everything the filters ask of a line.
#[derive(Clone, Debug, PartialEq)]
pub struct LogFilter {
    pub level: LevelFilter,
    pub kind: Option<LogKind>,
    /// A node id; `None` shows every node.
    pub node: Option<String>,
    /// Lower-case text to find in the message or node id; empty finds everything.
    pub search: String,
    /// While paused, lines after this sequence number wait off screen.
    pub until: Option<u64>,
    /// The log shipper and the instant in view (simulated seconds): a line it has not flushed yet
    /// is not searchable.
    pub shipped: Option<(LogShipper, f64)>,
    /// When the log store was down: lines logged then wait for it to come back, and the ones a full
    /// buffer refused never arrive.
    pub outages: Vec<LogOutage>,
}

impl LogFilter {
    pub fn matches(&self, line: &LogLine) -> bool {
        self.until.is_none_or(|until| line.sequence <= until)
            && self
                .shipped
                .is_none_or(|(shipper, now)| searchable(shipper, line, now, &self.outages))
            && self.level.passes(line.level)
            && self.kind.is_none_or(|kind| line.kind == kind)
            && self.node.as_ref().is_none_or(|node| &line.node == node)
            && (self.search.is_empty()
                || contains_ignoring_case(&line.message, &self.search)
                || contains_ignoring_case(&line.node, &self.search))
    }
}

/// Whether `text` contains `needle` (already lower-case). The filter runs over every kept line each
/// time a line arrives, so the common ASCII case compares bytes without allocating.
pub fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    if needle.is_empty() {
        true
    } else if text.is_ascii() && needle.is_ascii() {
        text.as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        text.to_lowercase().contains(needle)
    }
}

/// The newest `limit` lines that pass, oldest first, and how many passed in all.
pub fn matching_lines(
    lines: &VecDeque<LogLine>,
    filter: &LogFilter,
    limit: usize,
) -> (Vec<LogLine>, usize) {
    let mut matching = 0;
    let mut newest = Vec::new();
    for line in lines.iter().rev() {
        if filter.matches(line) {
            matching += 1;
            if newest.len() < limit {
                newest.push(line.clone());
            }
        }
    }
    newest.reverse();
    (newest, matching)
}

/// A level as the viewer prints it.
pub fn level_label(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Info => "INFO",
        LogLevel::Warn => "WARN",
        LogLevel::Error => "ERROR",
    }
}

/// How many lines arrived after `until` (the last one on screen when the viewer was paused).
pub fn waiting_while_paused(lines: &VecDeque<LogLine>, until: u64) -> usize {
    lines
        .iter()
        .rev()
        .take_while(|line| line.sequence > until)
        .count()
}

/// "300 shown of 1 204 matching, 2000 kept · 12 new while paused", the viewer's count.
pub fn count_text(shown: usize, matching: usize, kept: usize, waiting: usize) -> String {
    let mut text = format!("{shown} shown of {matching} matching, {kept} kept");
    if waiting > 0 {
        text.push_str(&format!(" · {waiting} new while paused"));
    }
    text
}

/// Whether `shipper` has delivered `line` by `now_s`.
fn searchable(shipper: LogShipper, line: &LogLine, now_s: f64, outages: &[LogOutage]) -> bool {
    matches!(shipper.delivery(line.time_s, outages), Delivery::At(at) if at <= now_s + 1e-9)
}

/// Lines logged but not yet delivered by `shipper` at `now_s` (in its buffer, waiting for a flush
/// or for the log store to come back); lines a full buffer refused are not counted.
pub fn unshipped(
    lines: &VecDeque<LogLine>,
    shipper: LogShipper,
    now_s: f64,
    outages: &[LogOutage],
) -> usize {
    lines
        .iter()
        .filter(|line| match shipper.delivery(line.time_s, outages) {
            Delivery::At(at) => at > now_s + 1e-9,
            Delivery::Waiting => true,
            Delivery::Lost => false,
        })
        .count()
}

/// What the shipper note says about the log store's outages: lines waiting for it and lines lost
/// to a full buffer (in the whole volume, not only the sampled lines shown).
pub fn outage_text(outages: &[LogOutage]) -> Option<String> {
    let waiting: u64 = outages
        .iter()
        .filter(|o| o.to_s.is_none())
        .map(|o| o.buffered_lines)
        .sum();
    let lost: u64 = outages.iter().map(|o| o.lost_lines).sum();
    let mut parts = Vec::new();
    if outages.iter().any(|o| o.to_s.is_none()) {
        parts.push(format!("log store down: {} line(s) buffered", waiting));
    }
    if lost > 0 {
        parts.push(format!("{} line(s) lost to a full buffer", lost));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}
