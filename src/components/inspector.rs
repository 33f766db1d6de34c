//! The inspector: the parameters of whatever is selected on the canvas.

use leptos::prelude::*;

/// The panel on the right.
#[component]
pub fn Inspector() -> impl IntoView {
    view! {
        <aside class="inspector" aria-label="Inspector">
            <h2 class="panel__title">"Inspector"</h2>
            <p class="panel__hint">"Select a component on the canvas to see and change its parameters."</p>
        </aside>
    }
}
