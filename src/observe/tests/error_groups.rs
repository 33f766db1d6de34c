//! The Issues view: error lines grouped Sentry's way, read incrementally. The grouping order is
//! checked on hand-made reports (each rule needs a report the model never makes, such as one with a
//! fingerprint); counts, the incremental read, the shipper and the pin on real engine runs.

use std::collections::VecDeque;

use engine::design::{Fault, ScheduledFault};
use engine::error_report::ErrorReport;
use engine::metrics::{CauseKind, LogKind, LogLevel, LogLine};
use engine::params::LogShipper;
use engine::run_event::{Failure, RunEvent};
use engine::{Simulation, presets};

use super::logs::all;
use crate::observe::error_groups::{
    GroupingKey, IssueBoard, IssueOrder, SPARKLINE_SECONDS, issue_rows, issues_count_text,
};
use crate::observe::logs::{LogFilter, matching_lines, raised_text};

/// An error line at `time_s` on `node` with a report of `exception`, `frame`, `message` and
/// `fingerprint` (`None` for no report at all).
fn error_line(
    sequence: u64,
    time_s: f64,
    node: &str,
    report: Option<(&str, &str, &str, &[&str])>,
) -> LogLine {
    let failure = Failure {
        cause: CauseKind::QueueFull,
        node: node.to_owned(),
        from: None,
    };
    LogLine {
        sequence,
        time_s,
        level: LogLevel::Error,
        kind: LogKind::Error,
        node: node.to_owned(),
        message: format!("request failed: {}", failure.describe()),
        event: report.map(
            |(exception, frame, message, fingerprint)| RunEvent::RequestFailed {
                failure,
                report: ErrorReport {
                    exception: exception.to_owned(),
                    message: message.to_owned(),
                    frame: frame.to_owned(),
                    fingerprint: fingerprint.iter().map(|part| (*part).to_owned()).collect(),
                    release: None,
                },
            },
        ),
    }
}

fn access_line(sequence: u64, time_s: f64) -> LogLine {
    LogLine {
        sequence,
        time_s,
        level: LogLevel::Info,
        kind: LogKind::Access,
        node: "users".to_owned(),
        message: "Read ok in 12.0 ms".to_owned(),
        event: None,
    }
}

/// The issues of `board` as "key | count | nodes | first–last", in `order`.
fn summary(board: &IssueBoard, order: IssueOrder) -> Vec<String> {
    board
        .issues(order)
        .iter()
        .map(|issue| {
            format!(
                "{:?} | {} | {} | {}–{}",
                issue.key,
                issue.count,
                issue.nodes.iter().cloned().collect::<Vec<_>>().join(","),
                issue.first_seen_s,
                issue.last_seen_s
            )
        })
        .collect()
}

#[test]
fn events_group_by_fingerprint_then_stack_frame_then_exception_then_message() {
    let lines: VecDeque<LogLine> = [
        // Same frame and type, different messages and nodes: one issue (stack-trace grouping).
        error_line(
            0,
            1.0,
            "server-1",
            Some(("TimeoutError", "db.pool.acquire", "a", &[])),
        ),
        error_line(
            1,
            2.0,
            "server-2",
            Some(("TimeoutError", "db.pool.acquire", "b", &[])),
        ),
        // Same type at another frame: another issue.
        error_line(
            2,
            2.5,
            "server-1",
            Some(("TimeoutError", "server.queue.wait", "a", &[])),
        ),
        // A fingerprint overrides the frame and the type: these two are one issue.
        error_line(
            3,
            3.0,
            "lb",
            Some(("BadGateway", "lb.upstream.select", "x", &["upstream"])),
        ),
        error_line(
            4,
            3.5,
            "cdn",
            Some(("ConnectionError", "cdn.edge", "y", &["upstream"])),
        ),
        // No frame: the exception's type and value; different values are different issues.
        error_line(5, 4.0, "db", Some(("OperationalError", "", "refused", &[]))),
        error_line(6, 4.5, "db", Some(("OperationalError", "", "refused", &[]))),
        error_line(7, 5.0, "db", Some(("OperationalError", "", "reset", &[]))),
        // No report: the message.
        error_line(8, 6.0, "server-3", None),
        error_line(9, 7.0, "server-3", None),
        access_line(10, 7.5),
    ]
    .into();
    let mut board = IssueBoard::default();
    assert!(board.read_new(&lines, None, &[]));
    assert_eq!(
        summary(&board, IssueOrder::Count),
        [
            r#"StackFrame { frame: "db.pool.acquire", exception: "TimeoutError" } | 2 | server-1,server-2 | 1–2"#,
            r#"Fingerprint(["upstream"]) | 2 | cdn,lb | 3–3.5"#,
            r#"Exception { exception: "OperationalError", message: "refused" } | 2 | db | 4–4.5"#,
            r#"Message("request failed: queue full at server-3") | 2 | server-3 | 6–7"#,
            r#"StackFrame { frame: "server.queue.wait", exception: "TimeoutError" } | 1 | server-1 | 2.5–2.5"#,
            r#"Exception { exception: "OperationalError", message: "reset" } | 1 | db | 5–5"#,
        ]
    );
    let grouped_by: Vec<&str> = board
        .issues(IssueOrder::LastSeen)
        .iter()
        .map(|issue| issue.key.grouped_by())
        .collect();
    assert_eq!(
        grouped_by,
        [
            "message",
            "exception",
            "exception",
            "fingerprint",
            "stack trace",
            "stack trace"
        ]
    );
    assert_eq!(issues_count_text(&board), "6 issues · 10 events");
    // Nothing new: nothing changes.
    assert!(!board.read_new(&lines, None, &[]));
}

#[test]
fn an_issue_shows_its_latest_event_and_has_no_release_yet() {
    let lines: VecDeque<LogLine> = [
        error_line(
            0,
            1.0,
            "db",
            Some(("TimeoutError", "db.pool.acquire", "first", &[])),
        ),
        error_line(
            1,
            2.0,
            "db",
            Some(("TimeoutError", "db.pool.acquire", "latest", &[])),
        ),
    ]
    .into();
    let mut board = IssueBoard::default();
    board.read_new(&lines, None, &[]);
    let rows = issue_rows(&board, IssueOrder::LastSeen, 2.5, 60.0, 20.0);
    let row = &rows[0];
    assert_eq!(
        (
            row.exception.as_str(),
            row.message.as_str(),
            row.culprit.as_str(),
            row.nodes.as_str(),
            row.count,
            row.first_seen.as_str(),
            row.last_seen.as_str(),
            row.release.as_str(),
            row.grouped_by,
            row.pinned,
        ),
        (
            "TimeoutError",
            "latest",
            "db.pool.acquire",
            "db",
            2,
            "00:01",
            "00:02",
            "none",
            "stack trace",
            false
        )
    );
    let issue = board.issue(&row.key).expect("the issue");
    assert_eq!(issue.title(), "TimeoutError: latest");
    assert_eq!(issue.first_release, None);
}

#[test]
fn the_sparkline_counts_events_per_second_over_the_last_minute() {
    let line = |sequence: u64, time_s: f64| {
        error_line(
            sequence,
            time_s,
            "server-1",
            Some(("ServiceUnavailable", "server.queue.admit", "full", &[])),
        )
    };
    // Three events in second 10, one in second 11.
    let mut lines: VecDeque<LogLine> =
        [line(0, 10.1), line(1, 10.5), line(2, 10.9), line(3, 11.2)].into();
    let mut board = IssueBoard::default();
    board.read_new(&lines, None, &[]);
    // At 11.5 s the window is the minute up to second 11: 3 then 1 at its end.
    let counts = board.issues(IssueOrder::Count)[0].per_second(11.5);
    assert_eq!(counts.len(), SPARKLINE_SECONDS);
    assert_eq!(counts[SPARKLINE_SECONDS - 2..], [3, 1]);
    assert_eq!(counts.iter().sum::<u32>(), 4);
    // The rows' bars: the busiest second is the full height, a quieter one a share of it.
    let rows = issue_rows(&board, IssueOrder::Count, 11.5, 60.0, 30.0);
    assert_eq!(rows[0].peak, 3);
    assert_eq!(rows[0].bars, [(58.0, 0.0, 30.0), (59.0, 20.0, 10.0)]);
    // Another event at 100 s: seconds 10 and 11 have left the window.
    lines.push_back(line(4, 100.0));
    board.read_new(&lines, None, &[]);
    let counts = board.issues(IssueOrder::Count)[0].per_second(100.5);
    assert_eq!(counts[SPARKLINE_SECONDS - 1], 1);
    assert_eq!(counts.iter().sum::<u32>(), 1);
    assert_eq!(board.issues(IssueOrder::Count)[0].count, 5);
}

/// A killed server with passive Nginx-like failures, then the database primary crashing: several
/// kinds of error, from several nodes.
fn failing_run() -> Simulation {
    let mut design = presets::horizontal_scaling();
    design.faults = vec![
        ScheduledFault {
            at_s: 3.0,
            duration_s: None,
            fault: Fault::Kill {
                node: "server-1".to_owned(),
            },
        },
        ScheduledFault {
            at_s: 8.0,
            duration_s: Some(4.0),
            fault: Fault::DatabasePrimaryCrash {
                node: "database".to_owned(),
            },
        },
    ];
    Simulation::new(&design, 11).expect("a valid design")
}

/// Runs [`failing_run`] for `seconds` in frames of `frame_s`, keeping at most `kept` lines as the
/// runner does, and reads the log into `board` after every frame (`None`: only once at the end).
fn stream(seconds: f64, frame_s: f64, kept: usize, board: &mut IssueBoard, every_frame: bool) {
    let mut simulation = failing_run();
    let mut log = VecDeque::new();
    let mut elapsed = 0.0;
    while elapsed < seconds {
        simulation.advance(frame_s);
        elapsed += frame_s;
        log.extend(simulation.snapshot().logs);
        while log.len() > kept {
            log.pop_front();
        }
        if every_frame {
            board.read_new(&log, None, &[]);
        }
    }
    if !every_frame {
        board.read_new(&log, None, &[]);
    }
}

#[test]
fn reading_frame_by_frame_equals_reading_the_whole_log_at_once() {
    let mut incremental = IssueBoard::default();
    stream(15.0, 0.25, usize::MAX, &mut incremental, true);
    let mut batch = IssueBoard::default();
    stream(15.0, 0.25, usize::MAX, &mut batch, false);
    let issues = summary(&incremental, IssueOrder::Count);
    assert_eq!(issues, summary(&batch, IssueOrder::Count));
    assert!(issues.len() >= 2, "{issues:#?}");
    let keys: Vec<GroupingKey> = incremental
        .issues(IssueOrder::Count)
        .iter()
        .map(|issue| issue.key.clone())
        .collect();
    // The dead server refuses the requests the load balancer still sends it.
    assert!(
        keys.contains(&GroupingKey::StackFrame {
            frame: "server.socket.accept".to_owned(),
            exception: "ConnectionRefusedError".to_owned(),
        }),
        "{keys:#?}"
    );
    // Every error line the log holds is counted, once.
    let mut log = VecDeque::new();
    let mut simulation = failing_run();
    for _ in 0..60 {
        simulation.advance(0.25);
        log.extend(simulation.snapshot().logs);
    }
    let errors = log
        .iter()
        .filter(|line| line.kind == LogKind::Error)
        .count();
    assert_eq!(incremental.events(), errors as u64);
}

#[test]
fn issues_outlive_the_bounded_log() {
    // The runner keeps few lines here; read every frame, the issues still count every error.
    let mut small = IssueBoard::default();
    stream(15.0, 0.25, 60, &mut small, true);
    let mut whole = IssueBoard::default();
    stream(15.0, 0.25, usize::MAX, &mut whole, true);
    assert_eq!(
        summary(&small, IssueOrder::Count),
        summary(&whole, IssueOrder::Count)
    );
}

#[test]
fn the_pin_survives_new_lines_and_a_new_run() {
    let mut board = IssueBoard::default();
    let mut simulation = failing_run();
    let mut log = VecDeque::new();
    simulation.advance(6.0);
    log.extend(simulation.snapshot().logs);
    board.read_new(&log, None, &[]);
    let suspect = board.issues(IssueOrder::Count)[0].key.clone();
    board.toggle_pin(&suspect);
    simulation.advance(8.0);
    log.extend(simulation.snapshot().logs);
    assert!(board.read_new(&log, None, &[]));
    // Pinned, it is listed first whatever the order, and the rows say so.
    for order in IssueOrder::ALL {
        assert_eq!(board.issues(order)[0].key, suspect);
        let rows = issue_rows(&board, order, 14.0, 60.0, 20.0);
        assert!(rows[0].pinned);
        assert!(rows[1..].iter().all(|row| !row.pinned));
    }
    // A new run (the log starts again) forgets the issues but not the suspect.
    let mut again = failing_run();
    again.advance(6.0);
    let log: VecDeque<LogLine> = again.snapshot().logs.into();
    assert!(board.read_new(&log, None, &[]));
    assert_eq!(board.pinned(), Some(&suspect));
    assert_eq!(board.issues(IssueOrder::Count)[0].key, suspect);
    // Toggling it again unpins it.
    board.toggle_pin(&suspect);
    assert_eq!(board.pinned(), None);
}

#[test]
fn lines_the_shipper_has_not_flushed_are_not_counted() {
    let mut simulation = failing_run();
    simulation.advance(10.0);
    let log: VecDeque<LogLine> = simulation.snapshot().logs.into();
    assert!(log.iter().any(|line| line.kind == LogKind::Error));
    // Fluentd flushes every 60 s: at 10 s nothing is searchable, so there is no issue yet.
    let mut board = IssueBoard::default();
    assert!(!board.read_new(&log, Some((LogShipper::Fluentd, 10.0)), &[]));
    assert_eq!(board.events(), 0);
    // At its flush every line counts, as read directly.
    assert!(board.read_new(&log, Some((LogShipper::Fluentd, 60.0)), &[]));
    let mut direct = IssueBoard::default();
    direct.read_new(&log, None, &[]);
    assert_eq!(
        summary(&board, IssueOrder::Count),
        summary(&direct, IssueOrder::Count)
    );
}

#[test]
fn lines_a_full_buffer_lost_are_passed_over_and_the_rest_still_count() {
    use engine::log_shipping::LogOutage;
    let mut simulation = failing_run();
    simulation.advance(10.0);
    let log: VecDeque<LogLine> = simulation.snapshot().logs.into();
    let errors_in = |from: f64, to: f64| {
        log.iter()
            .filter(|line| line.kind == LogKind::Error && line.time_s >= from && line.time_s < to)
            .count()
    };
    let first = log
        .iter()
        .find(|line| line.kind == LogKind::Error)
        .expect("errors")
        .time_s;
    // The store was down from just before the first error for a second, full at once.
    let outage = LogOutage {
        from_s: first - 0.001,
        to_s: Some(first + 1.0),
        overflow_s: Some(first - 0.001),
        buffered_lines: 0,
        lost_lines: 500,
    };
    let lost = errors_in(first - 0.001, first + 1.0);
    assert!(lost > 0 && lost < errors_in(0.0, 11.0));
    let mut board = IssueBoard::default();
    assert!(board.read_new(&log, Some((LogShipper::Fluentd, 120.0)), &[outage]));
    assert_eq!(board.events() as usize, errors_in(0.0, 11.0) - lost);
}

#[test]
fn choosing_an_issue_filters_the_lines_to_its_events() {
    let mut simulation = failing_run();
    simulation.advance(15.0);
    let log: VecDeque<LogLine> = simulation.snapshot().logs.into();
    let mut board = IssueBoard::default();
    board.read_new(&log, None, &[]);
    for issue in board.issues(IssueOrder::Count) {
        let filter = LogFilter {
            issue: Some(issue.key.clone()),
            ..all()
        };
        let (lines, matching) = matching_lines(&log, &filter, usize::MAX);
        assert_eq!(matching as u64, issue.count, "{:?}", issue.key);
        assert!(lines.iter().all(|line| line.kind == LogKind::Error
            && issue.nodes.contains(&line.node)
            && GroupingKey::of(line).as_ref() == Some(&issue.key)));
    }
}

#[test]
fn the_order_reads_its_option_values() {
    for order in IssueOrder::ALL {
        assert_eq!(IssueOrder::parse(order.as_str()), order);
    }
    assert_eq!(IssueOrder::parse("anything"), IssueOrder::LastSeen);
}

#[test]
fn an_error_line_says_what_was_raised_and_where() {
    let line = error_line(
        0,
        1.0,
        "database",
        Some((
            "TimeoutError",
            "db.pool.acquire",
            "QueuePool limit reached",
            &[],
        )),
    );
    assert_eq!(
        raised_text(&line).as_deref(),
        Some("TimeoutError in db.pool.acquire")
    );
    assert_eq!(raised_text(&error_line(1, 1.0, "database", None)), None);
    assert_eq!(raised_text(&access_line(2, 1.0)), None);
}
