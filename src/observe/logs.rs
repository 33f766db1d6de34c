//! The logs tab's filter: which of the kept lines pass the level, kind, node and text filters, and
//! which of them are shown (the newest), so the viewer only renders them.

use std::collections::VecDeque;

use engine::design::Design;
use engine::log_shipping::{Delivery, LogOutage};
use engine::metrics::{LogKind, LogLevel, LogLine};
use engine::params::LogShipper;
use engine::run_event::RunEvent;

use super::error_groups::GroupingKey;

/// The log shipper between the nodes and the log store: the first monitoring node's (lines go
/// straight in when there is none).
pub fn log_shipper(design: &Design) -> LogShipper {
    design
        .nodes
        .iter()
        .find_map(|node| match &node.params {
            engine::NodeParams::Monitoring(monitoring) => Some(monitoring.log_shipper),
            _ => None,
        })
        .unwrap_or_default()
}

/// The node filter's choices for `design`, in design order: each node's id and its label ("name
/// (id)", or the id alone when the node has no name of its own).
pub fn node_choices(design: &Design) -> Vec<(String, String)> {
    design
        .nodes
        .iter()
        .map(|node| {
            let name = node.display_name();
            let label = if name == node.id {
                node.id.clone()
            } else {
                format!("{name} ({})", node.id)
            };
            (node.id.clone(), label)
        })
        .collect()
}

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
    /// Only the error lines of this issue (chosen in the Issues view).
    pub issue: Option<GroupingKey>,
}

impl LogFilter {
    pub fn matches(&self, line: &LogLine) -> bool {
        self.until.is_none_or(|until| line.sequence <= until)
            && is_shipped(line, self.shipped, &self.outages)
            && self.level.passes(line.level)
            && self.kind.is_none_or(|kind| line.kind == kind)
            && self.node.as_ref().is_none_or(|node| &line.node == node)
            && self.issue.as_ref().is_none_or(|issue| issue.matches(line))
            && (self.search.is_empty()
                || contains_ignoring_case(&line.message, &self.search)
                || contains_ignoring_case(&line.node, &self.search))
    }
}

/// Where a line stands for the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Searchable now.
    Now,
    /// Not yet: in the shipper's buffer, waiting for a flush or for the log store to come back.
    Later,
    /// Never: a full buffer refused it while the log store was down.
    Never,
}

/// Where `line` stands: no shipper stands between the log and the search (`None`), or the shipper
/// (`Some((shipper, now_s))`) has delivered it by the instant in view, given the log store's
/// `outages`.
pub fn shown(line: &LogLine, shipped: Option<(LogShipper, f64)>, outages: &[LogOutage]) -> Shown {
    let Some((shipper, now_s)) = shipped else {
        return Shown::Now;
    };
    match shipper.delivery(line.time_s, outages) {
        Delivery::At(at) if at <= now_s + 1e-9 => Shown::Now,
        Delivery::At(_) | Delivery::Waiting => Shown::Later,
        Delivery::Lost => Shown::Never,
    }
}

/// Whether `line` is searchable now (see [`shown`]).
pub fn is_shipped(
    line: &LogLine,
    shipped: Option<(LogShipper, f64)>,
    outages: &[LogOutage],
) -> bool {
    shown(line, shipped, outages) == Shown::Now
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

/// What an error line's report says was raised, and where: "ConnectionRefusedError in
/// server.socket.accept"; `None` for a line without a report.
pub fn raised_text(line: &LogLine) -> Option<String> {
    match &line.event {
        Some(RunEvent::RequestFailed { report, .. }) => {
            Some(format!("{} in {}", report.exception, report.frame))
        }
        _ => None,
    }
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
        .filter(|line| shown(line, Some((shipper, now_s)), outages) == Shown::Later)
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
        parts.push(format!("log store down: {waiting} line(s) buffered"));
    }
    if lost > 0 {
        parts.push(format!("{lost} line(s) lost to a full buffer"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A reader's place in the streamed log, so a reader that keeps what it read (the report's
/// moments, the issues) reads each new line once, however long the run, and starts again with a new
/// run. Lines are numbered in order within a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LogCursor {
    /// The last line read, as its sequence number and the bits of its time.
    last_read: Option<(u64, u64)>,
}

impl LogCursor {
    /// Where the lines not read yet begin in `logs`: after the last line read while the log still
    /// holds it, else at the start (the log moved past it, or another run's log replaced it).
    pub fn unread_from(&self, logs: &VecDeque<LogLine>) -> usize {
        self.last_read.map_or(0, |(sequence, time_bits)| {
            logs.iter()
                .rposition(|line| line.sequence == sequence && line.time_s.to_bits() == time_bits)
                .map_or(0, |index| index + 1)
        })
    }

    /// Marks `line` read; whether it starts a new run: a line numbered no higher than the last one
    /// read comes from a reset, an edit that restarted the model or a jump back in time, and the
    /// reader starts again from it.
    pub fn read(&mut self, line: &LogLine) -> bool {
        let restarted = self
            .last_read
            .is_some_and(|(sequence, _)| line.sequence <= sequence);
        self.last_read = Some((line.sequence, line.time_s.to_bits()));
        restarted
    }

    /// Whether any line was read.
    pub fn has_read(&self) -> bool {
        self.last_read.is_some()
    }
}
