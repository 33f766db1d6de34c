//! The bottom dock: tabs for the live charts, the alerts and the logs of a run.
//!
//! All three panels stay mounted and the hidden ones are only hidden, so state that must not be lost
//! when the user switches tabs (the logs' pause point, the business-metric
//! history the charts draw) lives on. Each panel gets a `visible` signal and skips its work while hidden.
//! The fourth tab, the report, reads what the others show: logs, notifications and the incidents.
//! The fifth, Compare, runs this design against another on the same traffic (A/B). The sixth,
//! Interview, is interview mode: the clock in phases, the sheets and the failure drill. The
//! seventh, Incident, is incident response as a workflow (a drill of a built-in scenario).
//!
//! Every panel is a view: what it shows is decided by `crate::observe` (and, for the forms, by
//! `crate::editor`), tested natively there.

mod alerts;
mod charts;
mod compare;
mod incident;
mod interview;
mod issues;
mod logs;
mod releases;
mod report;

use std::collections::HashMap;

use leptos::prelude::*;

use alerts::{AlertsPanel, announce_alerts};
use charts::ChartsPanel;
use compare::ComparePanel;
use incident::IncidentPanel;
pub use incident::StagingBadge;
use interview::InterviewPanel;
use logs::{LogFeed, LogsPanel, follow_logs};
use report::{ReportPanel, follow_moments};

use super::{LazyPlace, lazy_once, lazy_view};
use crate::observe::incidents::{IncidentKey, Response};
use crate::observe::run_marks::responses;
use crate::observe::timeline::LogMoments;

/// What the responder did to each incident (Acknowledge, Resolve) up to the instant in view, read
/// from the run's recorded timeline (the run file is the one copy: a seek, a fork or an opened run
/// shows exactly the actions made before the instant in view). Shared through context so the alerts
/// tab and the report's timeline read one copy.
#[derive(Clone, Copy)]
struct IncidentResponses(Memo<HashMap<IncidentKey, Response>>);

/// The tab in view, shared so a panel can send the user to another (a drill's page to its
/// Incident tab).
#[derive(Clone, Copy)]
struct DockSelection(RwSignal<DockTab>);

/// Opens the Incident tab (from a PagerDuty incident of the drill's alert).
fn open_incident_tab() {
    if let Some(selection) = use_context::<DockSelection>() {
        selection.0.set(DockTab::Incident);
    }
}

/// The dock's tabs, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DockTab {
    Charts,
    Alerts,
    Logs,
    Report,
    Compare,
    Interview,
    Incident,
}

impl DockTab {
    const ALL: [DockTab; 7] = [
        DockTab::Charts,
        DockTab::Alerts,
        DockTab::Logs,
        DockTab::Report,
        DockTab::Compare,
        DockTab::Interview,
        DockTab::Incident,
    ];

    fn label(self) -> &'static str {
        match self {
            DockTab::Charts => "Charts",
            DockTab::Alerts => "Alerts",
            DockTab::Logs => "Logs",
            DockTab::Report => "Report",
            DockTab::Compare => "Compare",
            DockTab::Interview => "Interview",
            DockTab::Incident => "Incident",
        }
    }

    fn id(self) -> &'static str {
        match self {
            DockTab::Charts => "dock-charts",
            DockTab::Alerts => "dock-alerts",
            DockTab::Logs => "dock-logs",
            DockTab::Report => "dock-report",
            DockTab::Compare => "dock-compare",
            DockTab::Interview => "dock-interview",
            DockTab::Incident => "dock-incident",
        }
    }

    fn next(self, step: isize) -> DockTab {
        let index = DockTab::ALL
            .iter()
            .position(|tab| *tab == self)
            .unwrap_or(0) as isize;
        let count = DockTab::ALL.len() as isize;
        DockTab::ALL[(index + step).rem_euclid(count) as usize]
    }
}

/// The whole simulated second while `visible` (−1 when hidden or before a run): a panel that works
/// its figures out once a second reads this, so it neither recomputes per frame nor while hidden.
fn visible_second(visible: Signal<bool>) -> Memo<i64> {
    let state = crate::state::AppState::get();
    Memo::new(move |_| {
        if !visible.get() {
            return -1;
        }
        state.runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map_or(-1, |snapshot| snapshot.time_s as i64)
        })
    })
}

/// The panel along the bottom.
#[component]
pub fn Dock() -> impl IntoView {
    let state = crate::state::AppState::get();
    // An interviewer's link opens on the Interview tab.
    let selected = RwSignal::new(if state.challenges.drill.get_untracked().is_some() {
        DockTab::Interview
    } else {
        DockTab::Charts
    });
    provide_context(DockSelection(selected));
    let runner = state.runner;
    provide_context(IncidentResponses(Memo::new(move |_| {
        let until_s = runner.viewing.get().unwrap_or(f64::INFINITY);
        runner.notifications.with(|notifications| {
            runner
                .timeline
                .with(|timeline| responses(notifications, timeline, until_s))
        })
    })));
    // Alerts are announced, and the log read for the issues and the report's timeline, whichever
    // tab is open.
    announce_alerts();
    let log_feed = follow_logs();
    let moments = follow_moments();
    let tabs = DockTab::ALL
        .into_iter()
        .map(|tab| {
            view! {
                <button
                    class="dock__tab"
                    type="button"
                    role="tab"
                    id=format!("{}-tab", tab.id())
                    aria-controls=tab.id()
                    aria-selected=move || (selected.get() == tab).to_string()
                    tabindex=move || if selected.get() == tab { "0" } else { "-1" }
                    on:click=move |_| selected.set(tab)
                >
                    {tab.label()}
                </button>
            }
        })
        .collect_view();
    // Arrow keys move between tabs, as the WAI-ARIA tabs pattern has it.
    let on_keydown = move |event: web_sys::KeyboardEvent| {
        let step = match event.key().as_str() {
            "ArrowRight" => 1,
            "ArrowLeft" => -1,
            _ => return,
        };
        event.prevent_default();
        let tab = selected.get_untracked().next(step);
        selected.set(tab);
        if let Some(button) = document()
            .get_element_by_id(&format!("{}-tab", tab.id()))
            .and_then(|element| {
                wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element).ok()
            })
        {
            let _ = button.focus();
        }
    };
    let panel = move |tab: DockTab| {
        let visible = Signal::derive(move || selected.get() == tab);
        let opened = move || visible.get();
        let content = match tab {
            DockTab::Charts => view! { <ChartsPanel visible=visible /> }.into_any(),
            DockTab::Alerts => {
                lazy_once(LazyPlace::Inline, opened, move || alerts_view(visible)).into_any()
            }
            DockTab::Logs => lazy_once(LazyPlace::Inline, opened, move || {
                logs_view(visible, log_feed)
            })
            .into_any(),
            DockTab::Report => lazy_once(LazyPlace::Inline, opened, move || {
                report_view(visible, moments)
            })
            .into_any(),
            DockTab::Compare => {
                lazy_once(LazyPlace::Inline, opened, move || compare_view(visible)).into_any()
            }
            DockTab::Interview => {
                lazy_once(LazyPlace::Inline, opened, move || interview_view(visible)).into_any()
            }
            DockTab::Incident => {
                lazy_once(LazyPlace::Inline, opened, move || incident_view(visible)).into_any()
            }
        };
        view! {
            <div
                class="dock__panel"
                role="tabpanel"
                id=tab.id()
                aria-labelledby=format!("{}-tab", tab.id())
                hidden=move || !visible.get()
            >
                {content}
            </div>
        }
    };
    view! {
        <section class="dock" aria-label="Observability dock">
            <div class="dock__tabs" role="tablist" aria-label="Run views" on:keydown=on_keydown>
                {tabs}
            </div>
            {DockTab::ALL.into_iter().map(panel).collect_view()}
        </section>
    }
}

// The rarely opened views, each downloaded the first time its tab is opened (see `components/lazy.rs`).

lazy_view! {
    fn alerts_view(visible: Signal<bool>) {
        view! { <AlertsPanel visible=visible /> }.into_any()
    }
}

lazy_view! {
    fn logs_view(visible: Signal<bool>, feed: LogFeed) {
        view! { <LogsPanel visible=visible feed=feed /> }.into_any()
    }
}

lazy_view! {
    fn report_view(visible: Signal<bool>, moments: RwSignal<LogMoments>) {
        view! { <ReportPanel visible=visible moments=moments /> }.into_any()
    }
}

lazy_view! {
    fn compare_view(visible: Signal<bool>) {
        view! { <ComparePanel visible=visible /> }.into_any()
    }
}

lazy_view! {
    fn interview_view(visible: Signal<bool>) {
        view! { <InterviewPanel visible=visible /> }.into_any()
    }
}

lazy_view! {
    fn incident_view(visible: Signal<bool>) {
        view! { <IncidentPanel visible=visible /> }.into_any()
    }
}
