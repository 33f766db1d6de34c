//! The bottom dock: tabs for the live charts, the alerts and the logs of a run.

use leptos::prelude::*;

/// The dock's tabs, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DockTab {
    Charts,
    Alerts,
    Logs,
}

impl DockTab {
    const ALL: [DockTab; 3] = [DockTab::Charts, DockTab::Alerts, DockTab::Logs];

    fn label(self) -> &'static str {
        match self {
            DockTab::Charts => "Charts",
            DockTab::Alerts => "Alerts",
            DockTab::Logs => "Logs",
        }
    }

    fn id(self) -> &'static str {
        match self {
            DockTab::Charts => "dock-charts",
            DockTab::Alerts => "dock-alerts",
            DockTab::Logs => "dock-logs",
        }
    }

    fn empty_message(self) -> &'static str {
        match self {
            DockTab::Charts => {
                "No run yet: throughput, latency and error charts appear here while the model runs."
            }
            DockTab::Alerts => {
                "No alerts: alert rules and the simulated #alerts channel appear here."
            }
            DockTab::Logs => {
                "No logs yet: access, error and system-event logs stream here during a run."
            }
        }
    }
}

/// The panel along the bottom.
#[component]
pub fn Dock() -> impl IntoView {
    let selected = RwSignal::new(DockTab::Charts);
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
                    on:click=move |_| selected.set(tab)
                >
                    {tab.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="dock" aria-label="Observability dock">
            <div class="dock__tabs" role="tablist" aria-label="Run views">
                {tabs}
            </div>
            <div
                class="dock__panel"
                role="tabpanel"
                id=move || selected.get().id()
                aria-labelledby=move || format!("{}-tab", selected.get().id())
            >
                <p class="panel__hint">{move || selected.get().empty_message()}</p>
            </div>
        </section>
    }
}
