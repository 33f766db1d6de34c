//! The logs tab's Issues view: the run's error lines grouped into issues the way Sentry groups
//! events, one row each with its exception, culprit frame, nodes, event count, first and last seen,
//! the release it first appeared in, a sparkline of its last minute and a Pin button for the
//! suspected issue. Choosing a row shows its lines.
//!
//! A view only: the grouping, the order, the texts and the sparkline's bars are decided by
//! `observe::error_groups`. Rows are keyed by their grouping key and read their figures reactively,
//! so a focused Pin button stays where it is while the counts stream in.

use leptos::prelude::*;

use crate::observe::error_groups::{
    GroupingKey, IssueBoard, IssueOrder, IssueRow, issue_rows, issues_count_text,
};

/// The sparkline's box, CSS pixels.
const SPARK_WIDTH: f64 = 90.0;
const SPARK_HEIGHT: f64 = 22.0;

/// The Issues view. `shown`: whether it is on screen (hidden, it works out nothing); `now_s`: the
/// instant in view, where the sparklines end; `on_open` shows the lines of an issue.
#[component]
pub(super) fn IssuesView(
    board: RwSignal<IssueBoard>,
    shown: Signal<bool>,
    now_s: Signal<f64>,
    on_open: Callback<GroupingKey>,
    /// Controls shown first in the view's row (the Lines/Issues switch).
    children: Children,
) -> impl IntoView {
    let order = RwSignal::new(IssueOrder::LastSeen);
    let rows = Memo::new(move |_| {
        if !shown.get() {
            return Vec::new();
        }
        board.with(|board| issue_rows(board, order.get(), now_s.get(), SPARK_WIDTH, SPARK_HEIGHT))
    });
    let keys = move || rows.with(|rows| rows.iter().map(|row| row.key.clone()).collect::<Vec<_>>());
    let options = IssueOrder::ALL
        .into_iter()
        .map(|option| view! { <option value=option.as_str()>{option.label()}</option> })
        .collect_view();

    view! {
        <div class="issues">
            <div class="logs__controls" role="group" aria-label="Issue list">
                {children()}
                <label class="logs__control">
                    <span>"Sort by"</span>
                    <select
                        class="input"
                        prop:value=move || order.get().as_str()
                        on:change=move |event| order.set(IssueOrder::parse(&event_target_value(&event)))
                    >
                        {options}
                    </select>
                </label>
                <span class="issues__count" aria-live="off">
                    {move || board.with(issues_count_text)}
                </span>
            </div>
            <ol class="issues__list" aria-label="Issues">
                <For
                    each=keys
                    key=|key| key.clone()
                    children=move |key| {
                        let row = Memo::new({
                            let key = key.clone();
                            move |_| rows.with(|rows| rows.iter().find(|row| row.key == key).cloned())
                        });
                        view! { <IssueItem row=row board=board key=key on_open=on_open /> }
                    }
                />
            </ol>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="panel__hint">
                    "No issues yet: failed requests are grouped here (by fingerprint, then stack frame, then exception, then message) once their lines are searchable."
                </p>
            </Show>
        </div>
    }
}

/// One issue's row.
#[component]
fn IssueItem(
    row: Memo<Option<IssueRow>>,
    board: RwSignal<IssueBoard>,
    key: GroupingKey,
    on_open: Callback<GroupingKey>,
) -> impl IntoView {
    let field = move |read: fn(&IssueRow) -> String| {
        move || row.with(|row| row.as_ref().map(read).unwrap_or_default())
    };
    let pinned = move || row.with(|row| row.as_ref().is_some_and(|row| row.pinned));
    let open = {
        let key = key.clone();
        move |_| on_open.run(key.clone())
    };
    let toggle_pin = move |_| board.update(|board| board.toggle_pin(&key));
    view! {
        <li class="issue" class:issue--pinned=pinned>
            <button
                class="issue__open"
                type="button"
                on:click=open
                title=field(|row| format!("Grouped by {}. Show this issue's lines.", row.grouped_by))
            >
                <span class="issue__title">
                    <strong class="issue__exception">{field(|row| row.exception.clone())}</strong>
                    <span class="issue__message">{field(|row| row.message.clone())}</span>
                </span>
                <span class="issue__culprit">
                    <span class="visually-hidden">"in "</span>
                    {field(|row| row.culprit.clone())}
                </span>
            </button>
            <span class="issue__nodes" title="Nodes">{field(|row| row.nodes.clone())}</span>
            <svg
                class="issue__spark"
                viewBox=format!("0 0 {SPARK_WIDTH} {SPARK_HEIGHT}")
                width=SPARK_WIDTH
                height=SPARK_HEIGHT
                role="img"
                aria-label=field(|row| format!("Events per second over the last minute, at most {}", row.peak))
            >
                <line class="issue__spark-base" x1="0" x2=SPARK_WIDTH y1=SPARK_HEIGHT y2=SPARK_HEIGHT />
                {move || {
                    row.with(|row| {
                        let Some(row) = row else {
                            return Vec::new();
                        };
                        let width = row.bar_width;
                        row.bars
                            .iter()
                            .map(|&(x, y, height)| view! { <rect x=x y=y width=width height=height /> })
                            .collect::<Vec<_>>()
                    })
                }}
            </svg>
            <span class="issue__count">{field(|row| {
                if row.count == 1 { "1 event".to_owned() } else { format!("{} events", row.count) }
            })}</span>
            <span class="issue__seen">
                <span>{field(|row| format!("first seen {}", row.first_seen))}</span>
                <span>{field(|row| format!("last seen {}", row.last_seen))}</span>
            </span>
            <span class="issue__release" title="The release it first appeared in">
                {field(|row| format!("release: {}", row.release))}
            </span>
            <button
                class="button issue__pin"
                type="button"
                aria-pressed=move || pinned().to_string()
                title="Pin as the suspected issue"
                on:click=toggle_pin
            >
                {move || if pinned() { "★ Pinned" } else { "☆ Pin" }}
            </button>
        </li>
    }
}
