//! The application shell: toolbar on top, palette on the left, canvas in the middle, inspector on the right
//! and the observability dock at the bottom; it creates the shared state and the runner.

use leptos::prelude::*;

use crate::components::{
    Canvas, Dock, DockResizer, Inspector, KeyboardShortcuts, LazyChallenges, Palette, Scrubber,
    StatusLine, Toolbar,
};
use crate::editor::{Command, Editor, Selection, Viewport};
use crate::persistence::{
    Banner, autosave, clear_replay_fragment, follow_pasted_links, initial_design,
    open_interview_link, open_pack_link, replay_link,
};
use crate::runner::Runner;
use crate::state::{AppState, ChallengeSession, ViewState};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    // A replay link opens its run read-only, and leaves the local work alone (no autosave).
    let (replay, replay_problem) = match replay_link() {
        Some(Ok(run)) => (Some(run), None),
        Some(Err(message)) => {
            clear_replay_fragment();
            (None, Some(message))
        }
        None => (None, None),
    };
    let (editor, banner) = match &replay {
        Some(run) => (
            RwSignal::new(Editor::new(run.design.clone())),
            RwSignal::new(Some(Banner {
                message: "A replay of a saved run, read-only: drag the timeline under the canvas to travel in it.".to_string(),
                is_error: false,
            })),
        ),
        None => {
            let (document, shared, mut banner) = initial_design();
            let mut opened = Editor::new(document);
            // A shared design opens on top of the local work, one Undo away from it.
            let save_first = shared.is_some_and(|shared| {
                opened
                    .execute(&Command::ReplaceDocument(Box::new(shared)))
                    .is_ok()
            });
            if let Some(message) = replay_problem {
                banner = Some(Banner {
                    message: format!("The replay link could not be opened: {message}. Your own design is open instead."),
                    is_error: true,
                });
            }
            let editor = RwSignal::new(opened);
            let banner = RwSignal::new(banner);
            autosave(editor, banner, save_first);
            (editor, banner)
        }
    };
    let state = AppState {
        editor,
        view: ViewState {
            viewport: RwSignal::new(Viewport::default()),
            selection: RwSignal::new(Selection::default()),
            hovered: RwSignal::new(None),
            connecting_from: RwSignal::new(None),
            help_open: RwSignal::new(false),
            palette_open: RwSignal::new(false),
        },
        runner: Runner::new(editor),
        announcement: RwSignal::new(String::new()),
        banner,
        challenges: ChallengeSession::new(),
    };
    provide_context(state);
    if let Some(run) = replay {
        state.runner.read_only.set(true);
        state.runner.open_run(run);
    } else {
        follow_pasted_links(state);
        open_pack_link(state);
        open_interview_link(state);
    }
    let read_only = state.runner.read_only;
    view! {
        <div class="app" class:app--replay=move || read_only.get()>
            <div class="skip-links">
                <button class="skip-link" type="button" on:click=move |_| { focus_first(".palette button, .palette [tabindex='0']"); }>"Skip to the palette"</button>
                <button class="skip-link" type="button" on:click=move |_| { focus_first("main.canvas [data-node-id], main.canvas"); }>"Skip to the canvas"</button>
            </div>
            <Toolbar />
            <Palette />
            <Canvas />
            <Inspector />
            <Scrubber />
            <DockResizer />
            <Dock />
            <LazyChallenges />
            <KeyboardShortcuts />
            <StatusLine />
            <div class="visually-hidden" role="status" aria-live="polite">
                {move || state.announcement.get()}
            </div>
        </div>
    }
}

/// Moves the keyboard focus to the first element matching `selectors` (the skip links).
/// Whether an element matched.
pub(crate) fn focus_first(selectors: &str) -> bool {
    use wasm_bindgen::JsCast;
    if let Some(element) = document()
        .query_selector(selectors)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
        true
    } else {
        false
    }
}
