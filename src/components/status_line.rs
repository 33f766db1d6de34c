//! The status line in the canvas's corner: what the engine costs per frame, how many events it runs per
//! simulated second, and which resolution it is in and why (its tooltip, from `observe::resolution`) —
//! so a slow design explains itself. The browser frame-time benchmark reads the same figures from its
//! data attributes.

use leptos::prelude::*;

use crate::state::AppState;

/// Engine milliseconds per frame, events per second, and the resolution.
#[component]
pub fn StatusLine() -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let status = runner.resolution;
    view! {
        <p
            class="status-line"
            aria-label="Engine status"
            title=move || status.with(|status| status.why.clone())
            data-engine-ms=move || format!("{:.3}", runner.engine_ms_per_frame.get())
            data-events-per-second=move || format!("{:.0}", runner.events_per_second.get())
        >
            {move || format!("engine {:.1} ms/frame", runner.engine_ms_per_frame.get())}
            " · "
            {move || format!("{} events/s", compact(runner.events_per_second.get()))}
            " · "
            {move || status.with(|status| status.label.clone())}
        </p>
    }
}

fn compact(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}
