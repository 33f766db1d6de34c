//! The logs tab: a streaming viewer of the run's access, error and system-event lines, with level,
//! kind and node filters, a text search for error signatures, and pause/follow.
//!
//! The runner keeps the last 2 000 lines; the viewer renders only the newest [`SHOWN_LINES`] that pass
//! the filters, keyed by their sequence number, so the DOM stays small and rows are reused as lines
//! stream in. Every name and message is a text node, never markup.

use std::collections::VecDeque;

use engine::metrics::{LogLevel, LogLine};
use leptos::prelude::*;

use super::clock;
use crate::state::AppState;

/// The most lines on screen at once.
const SHOWN_LINES: usize = 300;

/// The lowest level shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LevelFilter {
    All,
    WarningsAndErrors,
    Errors,
}

impl LevelFilter {
    fn passes(self, level: LogLevel) -> bool {
        match self {
            LevelFilter::All => true,
            LevelFilter::WarningsAndErrors => level != LogLevel::Info,
            LevelFilter::Errors => level == LogLevel::Error,
        }
    }

    fn parse(value: &str) -> LevelFilter {
        match value {
            "warn" => LevelFilter::WarningsAndErrors,
            "error" => LevelFilter::Errors,
            _ => LevelFilter::All,
        }
    }
}

/// What a line is about, as the engine tags it: a served request, a failed one, or a system event
/// (health checks, crashes, alerts, scaling, faults, live edits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LogKind {
    Access,
    Error,
    System,
}

impl LogKind {
    fn of(line: &LogLine) -> LogKind {
        match line.kind {
            engine::metrics::LogKind::Access => LogKind::Access,
            engine::metrics::LogKind::Error => LogKind::Error,
            engine::metrics::LogKind::System => LogKind::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            LogKind::Access => "access",
            LogKind::Error => "error",
            LogKind::System => "event",
        }
    }

    fn parse(value: &str) -> Option<LogKind> {
        match value {
            "access" => Some(LogKind::Access),
            "error" => Some(LogKind::Error),
            "system" => Some(LogKind::System),
            _ => None,
        }
    }
}

/// Everything the filters ask of a line.
#[derive(Clone, Debug, PartialEq)]
struct LogFilter {
    level: LevelFilter,
    kind: Option<LogKind>,
    /// A node id; `None` shows every node.
    node: Option<String>,
    /// Lower-case text to find in the message or node id; empty finds everything.
    search: String,
    /// While paused, lines after this sequence number wait off screen.
    until: Option<u64>,
}

impl LogFilter {
    fn matches(&self, line: &LogLine) -> bool {
        self.until.is_none_or(|until| line.sequence <= until)
            && self.level.passes(line.level)
            && self.kind.is_none_or(|kind| LogKind::of(line) == kind)
            && self.node.as_ref().is_none_or(|node| &line.node == node)
            && (self.search.is_empty()
                || contains_ignoring_case(&line.message, &self.search)
                || contains_ignoring_case(&line.node, &self.search))
    }
}

/// Whether `text` contains `needle` (already lower-case). The filter runs over every kept line each
/// time a line arrives, so the common ASCII case compares bytes without allocating.
fn contains_ignoring_case(text: &str, needle: &str) -> bool {
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
fn matching_lines(
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

fn level_label(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Info => "INFO",
        LogLevel::Warn => "WARN",
        LogLevel::Error => "ERROR",
    }
}

fn level_class(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Info => "logs__line logs__line--info",
        LogLevel::Warn => "logs__line logs__line--warn",
        LogLevel::Error => "logs__line logs__line--error",
    }
}

/// The logs tab's content.
#[component]
pub(super) fn LogsPanel(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let logs = state.runner.logs;
    let level = RwSignal::new(LevelFilter::All);
    let kind = RwSignal::new(None::<LogKind>);
    let node = RwSignal::new(None::<String>);
    let search = RwSignal::new(String::new());
    // `None` while following; the last sequence number on screen when paused.
    let paused_at = RwSignal::new(None::<u64>);
    let list = NodeRef::<leptos::html::Ol>::new();

    let nodes = Memo::new(move |_| {
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .map(|node| (node.id.clone(), node.display_name().to_owned()))
                .collect::<Vec<_>>()
        })
    });
    let filter = Memo::new(move |_| LogFilter {
        level: level.get(),
        kind: kind.get(),
        node: node.get(),
        search: search.with(|text| text.trim().to_lowercase()),
        until: paused_at.get(),
    });
    // Hidden, the viewer does no work: the lines are picked again when the tab opens.
    let shown = Memo::new(move |_| {
        if !visible.get() {
            return (Vec::new(), 0);
        }
        logs.with(|lines| filter.with(|filter| matching_lines(lines, filter, SHOWN_LINES)))
    });
    let total = move || logs.with(VecDeque::len);
    let waiting = move || {
        paused_at.get().map_or(0, |until| {
            logs.with(|lines| {
                lines
                    .iter()
                    .rev()
                    .take_while(|line| line.sequence > until)
                    .count()
            })
        })
    };

    // Following keeps the newest line in view; the list is outside the reactive graph, so scrolling
    // it is an effect. It runs after the rows for the new lines are in the DOM.
    Effect::new(move |_| {
        shown.with(|_| ());
        if paused_at.get().is_none()
            && let Some(list) = list.get()
        {
            list.set_scroll_top(list.scroll_height());
        }
    });

    let toggle_follow = move |_| {
        if paused_at.get_untracked().is_some() {
            paused_at.set(None);
        } else {
            let last = logs.with_untracked(|lines| lines.back().map_or(0, |line| line.sequence));
            paused_at.set(Some(last));
        }
    };

    view! {
        <div class="logs">
            <div class="logs__controls" role="group" aria-label="Log filters">
                <label class="logs__control">
                    <span>"Level"</span>
                    <select
                        class="input"
                        on:change=move |event| level.set(LevelFilter::parse(&event_target_value(&event)))
                    >
                        <option value="all">"All levels"</option>
                        <option value="warn">"Warnings and errors"</option>
                        <option value="error">"Errors only"</option>
                    </select>
                </label>
                <label class="logs__control">
                    <span>"Kind"</span>
                    <select
                        class="input"
                        on:change=move |event| kind.set(LogKind::parse(&event_target_value(&event)))
                    >
                        <option value="">"All kinds"</option>
                        <option value="access">"Access"</option>
                        <option value="error">"Errors"</option>
                        <option value="system">"System events"</option>
                    </select>
                </label>
                <label class="logs__control">
                    <span>"Node"</span>
                    <select
                        class="input"
                        prop:value=move || node.get().unwrap_or_default()
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            node.set((!value.is_empty()).then_some(value));
                        }
                    >
                        <option value="">"All nodes"</option>
                        <For
                            each=move || nodes.get()
                            key=|(id, name)| (id.clone(), name.clone())
                            children=move |(id, name)| {
                                let label = if name == id { id.clone() } else { format!("{name} ({id})") };
                                view! { <option value=id>{label}</option> }
                            }
                        />
                    </select>
                </label>
                <label class="logs__control logs__control--search">
                    <span>"Search"</span>
                    <input
                        class="input"
                        type="search"
                        placeholder="e.g. health check"
                        prop:value=move || search.get()
                        on:input=move |event| search.set(event_target_value(&event))
                    />
                </label>
                <button
                    class="button"
                    type="button"
                    aria-pressed=move || paused_at.get().is_none().to_string()
                    on:click=toggle_follow
                >
                    {move || if paused_at.get().is_none() { "Following — pause" } else { "Paused — follow" }}
                </button>
                <span class="logs__count" aria-live="off">
                    {move || {
                        let (lines, matching) = shown.get();
                        let mut text = format!("{} shown of {} matching, {} kept", lines.len(), matching, total());
                        let waiting = waiting();
                        if waiting > 0 {
                            text.push_str(&format!(" · {waiting} new while paused"));
                        }
                        text
                    }}
                </span>
            </div>
            <ol class="logs__list" node_ref=list aria-label="Log lines">
                <For
                    each=move || shown.get().0
                    key=|line| line.sequence
                    children=|line| {
                        let kind = LogKind::of(&line);
                        view! {
                            <li class=level_class(line.level)>
                                <span class="logs__time">{clock(line.time_s, true)}</span>
                                <span class="logs__level">{level_label(line.level)}</span>
                                <span class="logs__kind">{kind.label()}</span>
                                <span class="logs__node">{line.node}</span>
                                <span class="logs__message">{line.message}</span>
                            </li>
                        }
                    }
                />
            </ol>
            <Show when=move || shown.with(|(lines, _)| lines.is_empty())>
                <p class="panel__hint">
                    {move || {
                        if total() == 0 {
                            "No logs yet: access, error and system-event lines stream here while the model runs."
                        } else {
                            "No line matches these filters."
                        }
                    }}
                </p>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sequence: u64, level: LogLevel, node: &str, message: &str) -> LogLine {
        crate::components::dock::test_log_line(sequence, sequence as f64, level, node, message)
    }

    fn lines() -> VecDeque<LogLine> {
        [
            line(0, LogLevel::Info, "users", "Read ok in 12.3 ms"),
            line(1, LogLevel::Warn, "lb", "server-2 failed health check 1/3"),
            line(
                2,
                LogLevel::Error,
                "server-2",
                "request failed: queue full at server-2",
            ),
            line(
                3,
                LogLevel::Warn,
                "lb",
                "server-2 failed health check 3/3 — marked unhealthy",
            ),
            line(4, LogLevel::Info, "users", "Write ok in 80.0 ms"),
        ]
        .into()
    }

    fn all() -> LogFilter {
        LogFilter {
            level: LevelFilter::All,
            kind: None,
            node: None,
            search: String::new(),
            until: None,
        }
    }

    fn check(filter: &LogFilter, limit: usize, expected: &[u64], expected_matching: usize) {
        let (shown, matching) = matching_lines(&lines(), filter, limit);
        let sequences: Vec<u64> = shown.iter().map(|line| line.sequence).collect();
        assert_eq!(
            (sequences.as_slice(), matching),
            (expected, expected_matching),
            "{filter:?}"
        );
    }

    #[test]
    fn filters_narrow_the_lines_and_the_newest_are_kept() {
        check(&all(), 10, &[0, 1, 2, 3, 4], 5);
        check(&all(), 2, &[3, 4], 5);
        check(
            &LogFilter {
                search: "health check".to_owned(),
                ..all()
            },
            10,
            &[1, 3],
            2,
        );
        check(
            &LogFilter {
                search: "server-2".to_owned(),
                ..all()
            },
            10,
            &[1, 2, 3],
            3,
        );
        check(
            &LogFilter {
                level: LevelFilter::WarningsAndErrors,
                ..all()
            },
            10,
            &[1, 2, 3],
            3,
        );
        check(
            &LogFilter {
                level: LevelFilter::Errors,
                ..all()
            },
            10,
            &[2],
            1,
        );
        check(
            &LogFilter {
                node: Some("users".to_owned()),
                ..all()
            },
            10,
            &[0, 4],
            2,
        );
        check(
            &LogFilter {
                kind: Some(LogKind::Access),
                ..all()
            },
            10,
            &[0, 4],
            2,
        );
        check(
            &LogFilter {
                kind: Some(LogKind::System),
                ..all()
            },
            10,
            &[1, 3],
            2,
        );
        check(
            &LogFilter {
                until: Some(2),
                ..all()
            },
            10,
            &[0, 1, 2],
            3,
        );
    }

    #[test]
    fn search_ignores_case_in_any_script() {
        assert!(contains_ignoring_case(
            "Server-2 FAILED health check",
            "failed health"
        ));
        assert!(contains_ignoring_case(
            "Zahlung fehlgeschlagen — Ärger",
            "ärger"
        ));
        assert!(!contains_ignoring_case("ok", "okay"));
        assert!(contains_ignoring_case("anything", ""));
    }

    #[test]
    fn simulated_time_reads_as_a_clock() {
        assert_eq!(clock(83.46, true), "01:23.4");
        assert_eq!(clock(83.46, false), "01:23");
        assert_eq!(clock(3723.0, false), "1:02:03");
        assert_eq!(clock(-1.0, false), "00:00");
    }
}
