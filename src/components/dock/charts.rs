//! The charts tab.

use leptos::prelude::*;

#[component]
pub(super) fn ChartsPanel(visible: Signal<bool>) -> impl IntoView {
    let _ = visible;
    view! { <p class="panel__hint">"Charts"</p> }
}
