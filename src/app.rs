//! The application shell: toolbar on top, palette on the left, canvas in the middle, inspector on the right
//! and the observability dock at the bottom.

use leptos::prelude::*;

use crate::components::{Canvas, Dock, Inspector, Palette, Toolbar};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <div class="app">
            <Toolbar />
            <Palette />
            <Canvas />
            <Inspector />
            <Dock />
        </div>
    }
}
