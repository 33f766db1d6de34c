//! The design canvas: where the architecture is drawn and, when running, animated.

use leptos::prelude::*;

/// The drawing area in the middle of the app.
#[component]
pub fn Canvas() -> impl IntoView {
    view! {
        <main class="canvas" aria-label="Design canvas">
            <p class="canvas__empty">"The canvas is empty. Components from the palette go here."</p>
        </main>
    }
}
