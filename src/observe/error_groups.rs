//! The logs tab's issues: the run's error lines grouped into issues the way Sentry groups error
//! events, each with its count, first and last seen, the nodes it happened on and its events per
//! second over the last minute; and the issue the student pinned as the suspect.
//!
//! Sentry's documented order (<https://docs.sentry.io/concepts/data-management/event-grouping/>):
//! "All versions consider the fingerprint first, the stack trace next, then the exception, and then
//! finally the message." Here an error line's [`ErrorReport`] gives the fingerprint (when the
//! reporting code set one), the top in-app stack frame with the exception's type (stack-trace
//! grouping looks at the exception's type and the in-app frames), and the exception's type and value;
//! an error line without a report is grouped by its message.
//!
//! The board reads the streamed log incrementally, each new line once (a [`LogCursor`]), so an
//! issue outlives the runner's bounded log and nothing is regrouped per frame. A line the log shipper
//! has not flushed yet is not searchable, so it is not counted either: the board stops before it and
//! reads it once it is flushed.

use std::collections::{BTreeSet, VecDeque};

use engine::error_report::ErrorReport;
use engine::log_shipping::LogOutage;
use engine::metrics::{LogKind, LogLine};
use engine::params::LogShipper;
use engine::run_event::RunEvent;

use super::format::clock;
use super::logs::{LogCursor, Shown, shown};

/// Seconds of history an issue's sparkline shows, ending at the instant in view.
pub const SPARKLINE_SECONDS: usize = 60;

/// What an issue groups its events by, Sentry's way; two events are one issue when their keys are
/// equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupingKey {
    /// A fingerprint set by the reporting code overrides everything else.
    Fingerprint(Vec<String>),
    /// The top in-app stack frame and the exception's type.
    StackFrame { frame: String, exception: String },
    /// No stack trace: the exception's type and value.
    Exception { exception: String, message: String },
    /// No exception either: the message.
    Message(String),
}

impl GroupingKey {
    /// The key of an error line; `None` for a line that is not an error.
    pub fn of(line: &LogLine) -> Option<GroupingKey> {
        ErrorEvent::of(line).map(|event| event.basis().to_key())
    }

    /// Whether `line` belongs to the issue with this key (without building the line's key).
    pub fn matches(&self, line: &LogLine) -> bool {
        ErrorEvent::of(line).is_some_and(|event| event.basis().is(self))
    }

    /// What grouped the issue, as Sentry's "Event Grouping Information" names it.
    pub fn grouped_by(&self) -> &'static str {
        match self {
            GroupingKey::Fingerprint(_) => "fingerprint",
            GroupingKey::StackFrame { .. } => "stack trace",
            GroupingKey::Exception { .. } => "exception",
            GroupingKey::Message(_) => "message",
        }
    }
}

/// How the issues are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueOrder {
    /// The most recently seen first.
    LastSeen,
    /// The most events first.
    Count,
}

impl IssueOrder {
    pub const ALL: [IssueOrder; 2] = [IssueOrder::LastSeen, IssueOrder::Count];

    pub fn label(self) -> &'static str {
        match self {
            IssueOrder::LastSeen => "Last seen",
            IssueOrder::Count => "Events",
        }
    }

    /// The `<option>` value.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueOrder::LastSeen => "last_seen",
            IssueOrder::Count => "count",
        }
    }

    /// An `<option>` value as an order; anything else lists by last seen.
    pub fn parse(value: &str) -> IssueOrder {
        IssueOrder::ALL
            .into_iter()
            .find(|order| order.as_str() == value)
            .unwrap_or(IssueOrder::LastSeen)
    }
}

/// One issue: the events of one grouping key.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub key: GroupingKey,
    /// The exception's type of its latest event, if it had one.
    pub exception: Option<String>,
    /// Its latest event's exception value (or message).
    pub message: String,
    /// Where it was raised (the top in-app frame), if the events had a stack trace.
    pub culprit: Option<String>,
    /// The nodes that logged it, in order of their ids.
    pub nodes: BTreeSet<String>,
    pub count: u64,
    /// Simulated seconds.
    pub first_seen_s: f64,
    pub last_seen_s: f64,
    /// The release the issue first appeared in. The model has no releases yet, so this is `None`.
    pub first_release: Option<String>,
    /// Events per whole simulated second over the last [`SPARKLINE_SECONDS`] it was seen, oldest
    /// first.
    per_second: VecDeque<(u64, u32)>,
}

impl Issue {
    /// "ReadTimeout: Read timed out. (…)", or the message alone for an event without exception.
    pub fn title(&self) -> String {
        match &self.exception {
            Some(exception) => format!("{exception}: {}", self.message),
            None => self.message.clone(),
        }
    }

    /// Events in each of the [`SPARKLINE_SECONDS`] seconds up to the instant `now_s`, oldest first.
    pub fn per_second(&self, now_s: f64) -> [u32; SPARKLINE_SECONDS] {
        let mut counts = [0; SPARKLINE_SECONDS];
        let newest = now_s.max(0.0).floor() as u64;
        let oldest = (newest + 1).saturating_sub(SPARKLINE_SECONDS as u64);
        for &(second, count) in &self.per_second {
            if (oldest..=newest).contains(&second) {
                counts[(second + SPARKLINE_SECONDS as u64 - 1 - newest) as usize] = count;
            }
        }
        counts
    }

    fn record(&mut self, event: &ErrorEvent, line: &LogLine) {
        self.exception = event.exception.map(str::to_owned);
        self.message = event.message.to_owned();
        self.culprit = event.frame.map(str::to_owned);
        if !self.nodes.contains(&line.node) {
            self.nodes.insert(line.node.clone());
        }
        self.count += 1;
        self.last_seen_s = line.time_s;
        let second = line.time_s.max(0.0).floor() as u64;
        match self.per_second.back_mut() {
            Some((last, count)) if *last == second => *count += 1,
            _ => self.per_second.push_back((second, 1)),
        }
        while self
            .per_second
            .front()
            .is_some_and(|&(oldest, _)| oldest + (SPARKLINE_SECONDS as u64) <= second)
        {
            self.per_second.pop_front();
        }
    }
}

/// The issues of the run so far, read from its streamed log, and the pinned suspect.
#[derive(Clone, Debug, Default)]
pub struct IssueBoard {
    /// In order of first appearance; few, so an event finds its issue by a scan.
    issues: Vec<Issue>,
    cursor: LogCursor,
    /// Kept across runs: the same failure in the next run is the same suspect.
    pinned: Option<GroupingKey>,
}

impl IssueBoard {
    /// Reads the lines of `logs` that arrived since the last call and the shipper (`shipped` and
    /// the log store's `outages`, as [`shown`] takes them) has delivered; lines a full buffer lost
    /// are passed over, never counted. Whether the issues changed. An empty log, or a line
    /// numbered no higher than the last one read, starts a new run and the issues start again.
    pub fn read_new(
        &mut self,
        logs: &VecDeque<LogLine>,
        shipped: Option<(LogShipper, f64)>,
        outages: &[LogOutage],
    ) -> bool {
        if logs.is_empty() {
            let had = self.cursor.has_read();
            self.restart();
            return had;
        }
        let mut changed = false;
        for line in logs.range(self.cursor.unread_from(logs)..) {
            let state = shown(line, shipped, outages);
            if state == Shown::Later {
                break;
            }
            if self.cursor.read(line) {
                self.restart_from(line);
                changed = true;
            }
            if state == Shown::Now {
                changed |= self.record(line);
            }
        }
        changed
    }

    /// The issues in `order`, the pinned one first.
    pub fn issues(&self, order: IssueOrder) -> Vec<&Issue> {
        let mut issues: Vec<&Issue> = self.issues.iter().collect();
        issues.sort_by(|a, b| {
            let pinned = |issue: &Issue| self.pinned.as_ref() == Some(&issue.key);
            pinned(b).cmp(&pinned(a)).then_with(|| match order {
                IssueOrder::LastSeen => b.last_seen_s.total_cmp(&a.last_seen_s),
                IssueOrder::Count => b.count.cmp(&a.count),
            })
        });
        issues
    }

    pub fn issue(&self, key: &GroupingKey) -> Option<&Issue> {
        self.issues.iter().find(|issue| &issue.key == key)
    }

    /// Pins `key` as the suspected issue (one at a time), or unpins it when it is the pinned one.
    pub fn toggle_pin(&mut self, key: &GroupingKey) {
        if self.pinned.as_ref() == Some(key) {
            self.pinned = None;
        } else {
            self.pinned = Some(key.clone());
        }
    }

    pub fn pinned(&self) -> Option<&GroupingKey> {
        self.pinned.as_ref()
    }

    /// Error events read in all.
    pub fn events(&self) -> u64 {
        self.issues.iter().map(|issue| issue.count).sum()
    }

    fn restart(&mut self) {
        self.issues.clear();
        self.cursor = LogCursor::default();
    }

    /// A new run begins with `line`, already read.
    fn restart_from(&mut self, line: &LogLine) {
        self.restart();
        self.cursor.read(line);
    }

    /// Counts `line` in its issue if it is an error; whether it was.
    fn record(&mut self, line: &LogLine) -> bool {
        let Some(event) = ErrorEvent::of(line) else {
            return false;
        };
        let basis = event.basis();
        let index = match self.issues.iter().position(|issue| basis.is(&issue.key)) {
            Some(index) => index,
            None => {
                self.issues.push(Issue {
                    key: basis.to_key(),
                    exception: None,
                    message: String::new(),
                    culprit: None,
                    nodes: BTreeSet::new(),
                    count: 0,
                    first_seen_s: line.time_s,
                    last_seen_s: line.time_s,
                    first_release: None,
                    per_second: VecDeque::new(),
                });
                self.issues.len() - 1
            }
        };
        self.issues[index].record(&event, line);
        true
    }
}

/// One issue as the Issues view lists it, every text decided here.
#[derive(Clone, Debug, PartialEq)]
pub struct IssueRow {
    pub key: GroupingKey,
    /// The exception's type, or "Message" for an event without one.
    pub exception: String,
    pub message: String,
    /// The top frame, or "—".
    pub culprit: String,
    pub nodes: String,
    pub count: u64,
    pub first_seen: String,
    pub last_seen: String,
    /// The release it first appeared in, or what stands in for it while there are none.
    pub release: String,
    pub grouped_by: &'static str,
    pub pinned: bool,
    /// The sparkline's bars in a `width` × `height` box: (x, y, height), each `bar_width` wide.
    pub bars: Vec<(f64, f64, f64)>,
    pub bar_width: f64,
    /// The busiest second of the sparkline, in events.
    pub peak: u32,
}

/// The issues as rows, in `order` (the pinned one first), their sparklines ending at `now_s` in a
/// `width` × `height` box.
pub fn issue_rows(
    board: &IssueBoard,
    order: IssueOrder,
    now_s: f64,
    width: f64,
    height: f64,
) -> Vec<IssueRow> {
    board
        .issues(order)
        .into_iter()
        .map(|issue| {
            let counts = issue.per_second(now_s);
            let peak = counts.iter().copied().max().unwrap_or(0);
            let bar_width = width / SPARKLINE_SECONDS as f64;
            let bars = counts
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(index, &count)| {
                    // A second with one event still shows: at least a pixel high.
                    let bar = (height * f64::from(count) / f64::from(peak.max(1))).max(1.0);
                    (index as f64 * bar_width, height - bar, bar)
                })
                .collect();
            IssueRow {
                key: issue.key.clone(),
                exception: issue
                    .exception
                    .clone()
                    .unwrap_or_else(|| "Message".to_owned()),
                message: issue.message.clone(),
                culprit: issue.culprit.clone().unwrap_or_else(|| "—".to_owned()),
                nodes: issue.nodes.iter().cloned().collect::<Vec<_>>().join(", "),
                count: issue.count,
                first_seen: clock(issue.first_seen_s),
                last_seen: clock(issue.last_seen_s),
                release: issue
                    .first_release
                    .clone()
                    .unwrap_or_else(|| "none".to_owned()),
                grouped_by: issue.key.grouped_by(),
                pinned: board.pinned() == Some(&issue.key),
                bars,
                bar_width,
                peak,
            }
        })
        .collect()
}

/// "3 issues · 120 events", the Issues view's count.
pub fn issues_count_text(board: &IssueBoard) -> String {
    let issues = board.issues.len();
    let events = board.events();
    let plural = |n: u64, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{} · {}",
        plural(issues as u64, "issue"),
        plural(events, "event")
    )
}

/// An error line as an error tracker sees it, borrowed from the line.
struct ErrorEvent<'a> {
    fingerprint: &'a [String],
    frame: Option<&'a str>,
    exception: Option<&'a str>,
    message: &'a str,
}

impl<'a> ErrorEvent<'a> {
    fn of(line: &'a LogLine) -> Option<ErrorEvent<'a>> {
        if line.kind != LogKind::Error {
            return None;
        }
        Some(match &line.event {
            Some(RunEvent::RequestFailed { report, .. }) => ErrorEvent::reported(report),
            _ => ErrorEvent {
                fingerprint: &[],
                frame: None,
                exception: None,
                message: &line.message,
            },
        })
    }

    fn reported(report: &'a ErrorReport) -> ErrorEvent<'a> {
        let present = |text: &'a str| (!text.is_empty()).then_some(text);
        ErrorEvent {
            fingerprint: &report.fingerprint,
            frame: present(&report.frame),
            exception: present(&report.exception),
            message: &report.message,
        }
    }

    /// Sentry's order: fingerprint, stack trace, exception, message.
    fn basis(&self) -> Basis<'a> {
        match (self.fingerprint, self.frame, self.exception) {
            ([_, ..], _, _) => Basis::Fingerprint(self.fingerprint),
            ([], Some(frame), exception) => Basis::StackFrame {
                frame,
                exception: exception.unwrap_or(""),
            },
            ([], None, Some(exception)) => Basis::Exception {
                exception,
                message: self.message,
            },
            ([], None, None) => Basis::Message(self.message),
        }
    }
}

/// A grouping key borrowed from a line, so matching lines against an issue allocates nothing.
#[derive(Clone, Copy)]
enum Basis<'a> {
    Fingerprint(&'a [String]),
    StackFrame {
        frame: &'a str,
        exception: &'a str,
    },
    Exception {
        exception: &'a str,
        message: &'a str,
    },
    Message(&'a str),
}

impl Basis<'_> {
    fn to_key(self) -> GroupingKey {
        match self {
            Basis::Fingerprint(parts) => GroupingKey::Fingerprint(parts.to_vec()),
            Basis::StackFrame { frame, exception } => GroupingKey::StackFrame {
                frame: frame.to_owned(),
                exception: exception.to_owned(),
            },
            Basis::Exception { exception, message } => GroupingKey::Exception {
                exception: exception.to_owned(),
                message: message.to_owned(),
            },
            Basis::Message(message) => GroupingKey::Message(message.to_owned()),
        }
    }

    fn is(self, key: &GroupingKey) -> bool {
        match (self, key) {
            (Basis::Fingerprint(parts), GroupingKey::Fingerprint(key)) => parts == key.as_slice(),
            (
                Basis::StackFrame { frame, exception },
                GroupingKey::StackFrame {
                    frame: key_frame,
                    exception: key_exception,
                },
            ) => frame == key_frame && exception == key_exception,
            (
                Basis::Exception { exception, message },
                GroupingKey::Exception {
                    exception: key_exception,
                    message: key_message,
                },
            ) => exception == key_exception && message == key_message,
            (Basis::Message(message), GroupingKey::Message(key)) => message == key,
            _ => false,
        }
    }
}
