//! The logs tab: a streaming viewer of the run's access, error and system-event lines, with level,
//! kind and node filters, a text search for error signatures, and pause/follow; and beside it the
//! Issues view (`issues.rs`), the error lines grouped Sentry's way, whose rows show their lines here.
//!
//! The runner keeps the last 2 000 lines; the viewer renders only the newest [`SHOWN_LINES`] that pass
//! the filters (chosen by `observe::logs`), keyed by their sequence number, so the DOM stays small
//! and rows are reused as lines stream in. Every name and message is a text node, never markup.

use std::collections::VecDeque;

use engine::metrics::LogLevel;
use leptos::prelude::*;

use super::issues::IssuesView;
use crate::observe::clock_with_tenths;
use crate::observe::error_groups::{GroupingKey, IssueBoard};
use crate::observe::logs::{
    LevelFilter, LogFilter, SHOWN_LINES, count_text, level_label, log_shipper, matching_lines,
    node_choices, parse_kind, raised_text, waiting_while_paused,
};
use crate::state::AppState;

fn level_class(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Info => "logs__line logs__line--info",
        LogLevel::Warn => "logs__line logs__line--warn",
        LogLevel::Error => "logs__line logs__line--error",
    }
}

/// What the logs tab reads besides the lines — the log shipper's delay, the log store's outages, the
/// clock — and the issues, which follow the stream whichever tab is open: they count every error
/// line the log shipper has flushed, so they outlive the bounded log (and the tab's own code, which
/// downloads only when the tab is first opened). Made once by the dock.
#[derive(Clone, Copy)]
pub(super) struct LogFeed {
    board: RwSignal<IssueBoard>,
    shipper: Memo<engine::params::LogShipper>,
    outages: Memo<Vec<engine::log_shipping::LogOutage>>,
    now_s: Signal<f64>,
}

impl LogFeed {
    /// The shipper and the clock when the shipper holds lines back; `None` when lines go straight in.
    fn shipped(self) -> Option<(engine::params::LogShipper, f64)> {
        match self.shipper.get() {
            engine::params::LogShipper::Direct => None,
            shipper => Some((shipper, self.now_s.get())),
        }
    }
}

/// Starts following the log stream (see [`LogFeed`]); call once, from the dock.
pub(super) fn follow_logs() -> LogFeed {
    let state = AppState::get();
    // The monitoring node's log shipper holds the newest lines until it flushes them.
    let shipper = Memo::new(move |_| state.editor.with(|editor| log_shipper(editor.document())));
    // Read by the filter, the issues and the shipper note: cloned once per snapshot, not per reader.
    let outages = Memo::new(move |_| {
        state.runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map(|s| s.log_outages.clone())
                .unwrap_or_default()
        })
    });
    let now_s = Signal::derive(move || {
        state
            .runner
            .snapshot
            .with(|snapshot| snapshot.as_ref().map_or(0.0, |s| s.time_s))
    });
    let feed = LogFeed {
        board: RwSignal::new(IssueBoard::default()),
        shipper,
        outages,
        now_s,
    };
    // Following a stream is what an effect is for.
    Effect::new(move |_| {
        let shipped = feed.shipped();
        outages.with(|outages| {
            state.runner.logs.with(|logs| {
                let changed = feed
                    .board
                    .try_update_untracked(|board| board.read_new(logs, shipped, outages))
                    .unwrap_or(false);
                if changed {
                    feed.board.notify();
                }
            });
        });
    });
    feed
}

/// The logs tab's content.
#[component]
pub(super) fn LogsPanel(visible: Signal<bool>, feed: LogFeed) -> impl IntoView {
    let state = AppState::get();
    let logs = state.runner.logs;
    let level = RwSignal::new(LevelFilter::All);
    let kind = RwSignal::new(None::<engine::metrics::LogKind>);
    let node = RwSignal::new(None::<String>);
    let search = RwSignal::new(String::new());
    // `None` while following; the last sequence number on screen when paused.
    let paused_at = RwSignal::new(None::<u64>);
    let list = NodeRef::<leptos::html::Ol>::new();
    // The Issues view instead of the lines, and the issue whose lines the lines view shows.
    let issues_shown = RwSignal::new(false);
    let issue = RwSignal::new(None::<GroupingKey>);
    let LogFeed {
        board,
        shipper,
        outages: outages_memo,
        now_s,
    } = feed;
    let outages = move || outages_memo.get();
    let shipped = move || feed.shipped();
    let nodes = Memo::new(move |_| state.editor.with(|editor| node_choices(editor.document())));
    let filter = Memo::new(move |_| LogFilter {
        level: level.get(),
        kind: kind.get(),
        node: node.get(),
        search: search.with(|text| text.trim().to_lowercase()),
        until: paused_at.get(),
        shipped: shipped(),
        outages: outages(),
        issue: issue.get(),
    });
    let lines_shown = Signal::derive(move || visible.get() && !issues_shown.get());
    let issues_visible = Signal::derive(move || visible.get() && issues_shown.get());
    let open_issue = Callback::new(move |key: GroupingKey| {
        issue.set(Some(key));
        paused_at.set(None);
        issues_shown.set(false);
    });
    let issue_title = move || {
        issue.with(|key| {
            key.as_ref().map(|key| {
                board.with(|board| {
                    board
                        .issue(key)
                        .map_or_else(|| key.grouped_by().to_owned(), |issue| issue.title())
                })
            })
        })
    };
    let buffered = move || {
        let shipper = shipper.get();
        (shipper != engine::params::LogShipper::Direct).then(|| {
            let outages = outages();
            let held = logs.with(|lines| {
                crate::observe::logs::unshipped(lines, shipper, now_s.get(), &outages)
            });
            let mut text = format!("{} · {held} line(s) not flushed yet", shipper.words());
            if let Some(outage) = crate::observe::logs::outage_text(&outages) {
                text.push_str(" · ");
                text.push_str(&outage);
            }
            text
        })
    };
    // Hidden, the viewer does no work: the lines are picked again when the tab opens.
    let shown = Memo::new(move |_| {
        if !lines_shown.get() {
            return (Vec::new(), 0);
        }
        logs.with(|lines| filter.with(|filter| matching_lines(lines, filter, SHOWN_LINES)))
    });
    let total = move || logs.with(VecDeque::len);
    let waiting = move || {
        paused_at.get().map_or(0, |until| {
            logs.with(|lines| waiting_while_paused(lines, until))
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

    // Lines or Issues: two pressed-or-not buttons, at the head of either view's controls.
    let view_switch = move || {
        view! {
            <span class="logs__views" role="group" aria-label="Show">
                <button
                    class="button logs__view"
                    type="button"
                    aria-pressed=move || (!issues_shown.get()).to_string()
                    on:click=move |_| issues_shown.set(false)
                >
                    "Lines"
                </button>
                <button
                    class="button logs__view"
                    type="button"
                    aria-pressed=move || issues_shown.get().to_string()
                    on:click=move |_| issues_shown.set(true)
                >
                    "Issues"
                </button>
            </span>
        }
    };

    view! {
        <div class="logs">
            {move || buffered().map(|text| view! { <p class="logs__shipper" role="note">{text}</p> })}
            <div class="logs__pane" hidden=move || issues_shown.get()>
            <div class="logs__controls" role="group" aria-label="Log filters">
                {view_switch()}
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
                        on:change=move |event| kind.set(parse_kind(&event_target_value(&event)))
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
                            key=|(id, label)| (id.clone(), label.clone())
                            children=move |(id, label)| view! { <option value=id>{label}</option> }
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
                        count_text(lines.len(), matching, total(), waiting())
                    }}
                </span>
            </div>
            {move || {
                issue_title().map(|title| {
                    view! {
                        <p class="logs__issue" role="status">
                            <span class="logs__issue-text">"Lines of the issue " <strong>{title}</strong></span>
                            <button class="button" type="button" on:click=move |_| issue.set(None)>
                                "Show every line"
                            </button>
                        </p>
                    }
                })
            }}
            <ol class="logs__list" node_ref=list aria-label="Log lines">
                <For
                    each=move || shown.get().0
                    key=|line| line.sequence
                    children=|line| {
                        let raised = raised_text(&line)
                            .map(|text| view! { <span class="logs__raised">" · "{text}</span> });
                        view! {
                            <li class=level_class(line.level)>
                                <span class="logs__time">{clock_with_tenths(line.time_s)}</span>
                                <span class="logs__level">{level_label(line.level)}</span>
                                <span class="logs__kind">{line.kind.label()}</span>
                                <span class="logs__node">{line.node}</span>
                                <span class="logs__message">{line.message}{raised}</span>
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
            <div class="logs__pane" hidden=move || !issues_shown.get()>
                <IssuesView board=board shown=issues_visible now_s=now_s on_open=open_issue>
                    {view_switch()}
                </IssuesView>
            </div>
        </div>
    }
}
