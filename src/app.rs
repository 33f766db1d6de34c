//! The application shell: toolbar on top, palette on the left, canvas in the middle, inspector on the right
//! and the observability dock at the bottom; it creates the shared state and the runner.

use leptos::prelude::*;

use crate::components::{Canvas, Dock, Inspector, Palette, Toolbar};
use crate::editor::storage::first_visit_design;
use crate::editor::{Editor, Selection, Viewport};
use crate::runner::Runner;
use crate::state::{AppState, ViewState};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let editor = RwSignal::new(Editor::new(first_visit_design()));
    let state = AppState {
        editor,
        view: ViewState {
            viewport: RwSignal::new(Viewport::default()),
            selection: RwSignal::new(Selection::default()),
            hovered: RwSignal::new(None),
        },
        runner: Runner::new(editor),
        announcement: RwSignal::new(String::new()),
    };
    provide_context(state);
    view! {
        <div class="app">
            <Toolbar />
            <Palette />
            <Canvas />
            <Inspector />
            <Dock />
            <div class="visually-hidden" role="status" aria-live="polite">
                {move || state.announcement.get()}
            </div>
        </div>
    }
}
