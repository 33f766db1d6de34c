//! Keeping work safe in the browser: which design to open (a share link in the URL fragment, else the
//! autosave, else the first preset), the debounced autosave to localStorage, the recovery copy of an
//! unreadable save, and the stop switch a crash throws so it can never overwrite good work.

use std::cell::{Cell, RefCell};

use engine::Design;
use leptos::prelude::*;

use crate::editor::Editor;
use crate::editor::share_link::FRAGMENT_PREFIX;
use crate::editor::storage::{self, AUTOSAVE_DEBOUNCE_MS, AUTOSAVE_KEY, RestoreOutcome};

thread_local! {
    /// Set by the panic hook: from then on nothing is written to storage.
    static CRASHED: Cell<bool> = const { Cell::new(false) };
    /// The document as JSON after the latest change, for the crash overlay's "download my design".
    static LATEST_DOCUMENT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A message shown across the top of the canvas until dismissed.
#[derive(Clone, Debug, PartialEq)]
pub struct Banner {
    pub message: String,
    /// Errors are shown in the error colour and announced assertively.
    pub is_error: bool,
}

/// What to open at start-up: the base document (the autosave, else the first preset), a shared design
/// from the URL fragment to open on top of it as one undoable step, and a banner explaining anything
/// worth knowing. A share link is cleared from the address bar once read, so a reload opens the
/// working document (the autosave) and never silently replaces later edits with the link.
pub fn initial_design() -> (Design, Option<Design>, Option<Banner>) {
    let hash = window().location().hash().unwrap_or_default();
    let saved = local_storage().and_then(|storage| storage.get_item(AUTOSAVE_KEY).ok().flatten());
    let start = storage::startup(saved.as_deref(), &hash);
    if start.clear_fragment {
        clear_share_fragment();
    }
    let mut banner = start
        .link_message
        .map(|(message, is_error)| Banner { message, is_error });
    let design = match start.base {
        RestoreOutcome::Unreadable {
            design,
            saved_text,
            recovery_key,
            explanation,
            ..
        } => {
            // Keep the unreadable text before anything can overwrite the autosave.
            let kept = local_storage()
                .is_some_and(|storage| storage.set_item(&recovery_key, &saved_text).is_ok());
            let message = if kept {
                explanation
            } else {
                "Your last design could not be read and could not be copied aside (storage is full); \
                 autosave is paused so it is not overwritten."
                    .to_string()
            };
            if !kept {
                stop_autosave();
            }
            let message = match banner {
                Some(link) => format!("{message} {}", link.message),
                None => message,
            };
            banner = Some(Banner {
                message,
                is_error: true,
            });
            design
        }
        outcome => outcome.into_design(),
    };
    (design, start.shared, banner)
}

/// The run of a replay link (`#r=…`) in the address bar, if there is one: opened read-only, it
/// never touches the local work (nothing is autosaved while it shows). A damaged link gives the
/// reason, and the app opens as usual.
pub fn replay_link() -> Option<Result<engine::RunFile, String>> {
    let hash = window().location().hash().unwrap_or_default();
    if !crate::editor::replay_link::is_replay_link(&hash) {
        return None;
    }
    Some(crate::editor::replay_link::decode(&hash).map_err(|error| error.to_string()))
}

/// A class pack link (`#p=…`) opens the pack in the challenge menu, on top of the local work (the
/// design is untouched until a challenge starts). The link stays in the address bar, so a reload
/// keeps the pack; a damaged one is removed and its reason shown.
pub fn open_pack_link(state: crate::state::AppState) {
    let hash = window().location().hash().unwrap_or_default();
    if !crate::editor::class_link::is_pack_link(&hash) {
        return;
    }
    match crate::editor::class_link::decode_pack(&hash) {
        Ok(pack) => {
            state.challenges.pack.set(Some(pack));
            state.challenges.menu_open.set(true);
        }
        Err(error) => {
            remove_fragment();
            state.banner.set(Some(Banner {
                message: format!(
                    "The class pack link could not be opened: {error}. Ask your teacher for the link again."
                ),
                is_error: true,
            }));
        }
    }
}

/// An interviewer's link (`#i=…`) opens the candidate's design on top of the local work (one Undo
/// away) with the interviewer's failure drill kept out of sight for the Interview tab; the link
/// leaves the address bar once read. A damaged one is refused with its reason.
pub fn open_interview_link(state: crate::state::AppState) {
    let hash = window().location().hash().unwrap_or_default();
    if !hash.starts_with(crate::editor::interview::INTERVIEW_PREFIX) {
        return;
    }
    remove_fragment();
    match crate::editor::interview::InterviewFile::decode_link(&hash) {
        Ok(file) => {
            if state
                .execute(&crate::editor::Command::ReplaceDocument(Box::new(
                    file.design,
                )))
                .is_ok()
            {
                state.challenges.drill.set(file.drill);
                state.banner.set(Some(Banner {
                    message: "An interview is ready: open the Interview tab in the dock and press Start. Undo brings back your own design.".to_owned(),
                    is_error: false,
                }));
            }
        }
        Err(error) => state.banner.set(Some(Banner {
            message: format!(
                "The interview link could not be opened: {error}. Your design is unchanged."
            ),
            is_error: true,
        })),
    }
}

/// Removes a damaged replay link from the address bar (so a reload opens the app as usual).
pub fn clear_replay_fragment() {
    remove_fragment();
}

/// A share link pasted into the address bar of a tab where the app already runs changes only the
/// fragment (no reload): open it the same way, on top of the current design, one Undo away.
pub fn follow_pasted_links(state: crate::state::AppState) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = window().location().hash().unwrap_or_default();
        if !hash.starts_with(FRAGMENT_PREFIX) {
            return;
        }
        let opened = state
            .editor
            .with_untracked(|editor| storage::open_link(editor.document(), &hash, true));
        clear_share_fragment();
        if let Some(design) = opened.design
            && state
                .execute(&crate::editor::Command::ReplaceDocument(Box::new(design)))
                .is_ok()
        {
            state
                .view
                .selection
                .set(crate::editor::Selection::default());
            let fitted = state
                .editor
                .with_untracked(|editor| crate::state::fitted_view(editor.document(), true));
            state.view.viewport.set(fitted);
        }
        state.banner.set(Some(Banner {
            message: opened.message,
            is_error: opened.is_error,
        }));
    });
    on_cleanup(move || handle.remove());
}

/// Removes a share link (`#d=…`) from the address bar without a navigation or a history entry: once
/// a shared design is open it is the working document, and the autosave, not the link, holds it.
pub fn clear_share_fragment() {
    let location = window().location();
    if !location
        .hash()
        .unwrap_or_default()
        .starts_with(FRAGMENT_PREFIX)
    {
        return;
    }
    remove_fragment();
}

/// Replaces the address with itself without its fragment: no navigation, no history entry.
fn remove_fragment() {
    let location = window().location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = window().history().and_then(|history| {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    });
}

/// Saves the document a moment after each change (debounced); a full quota shows a banner and editing
/// goes on. With `save_first`, the document as opened is saved too (a shared design opened on top of
/// the autosave becomes the working document at once). A change also clears a share link left in the
/// address bar by Share, so a reload never reopens the link over later edits.
pub fn autosave(editor: RwSignal<Editor>, banner: RwSignal<Option<Banner>>, save_first: bool) {
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |previous: Option<u64>| {
        let revision = editor.with(Editor::revision);
        let text = editor.with_untracked(|editor| storage::autosave_text(editor.document()));
        LATEST_DOCUMENT.with(|latest| latest.replace(text));
        if previous.is_none() && !save_first {
            return revision;
        }
        if previous.is_some() {
            clear_share_fragment();
        }
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if CRASHED.get() {
                    return;
                }
                let text = LATEST_DOCUMENT.with(|latest| latest.borrow().clone());
                let saved = local_storage().map(|storage| storage.set_item(AUTOSAVE_KEY, &text).is_ok());
                match saved {
                    Some(true) => {
                        if banner.get_untracked().is_some_and(|banner| banner.message.starts_with("Storage")) {
                            banner.set(None);
                        }
                    }
                    Some(false) => banner.set(Some(Banner {
                        message: "Storage is full: your latest changes are not saved in this browser. Export the design to keep it."
                            .to_string(),
                        is_error: true,
                    })),
                    None => banner.set(Some(Banner {
                        message: "Storage is unavailable in this browser: changes are not saved. Export the design to keep it."
                            .to_string(),
                        is_error: true,
                    })),
                }
            },
            std::time::Duration::from_millis(u64::from(AUTOSAVE_DEBOUNCE_MS)),
        )
        .ok();
        pending.set_value(handle);
        revision
    });
}

/// Stops every further write to storage (after a crash, or when a save could not be rescued).
pub fn stop_autosave() {
    CRASHED.set(true);
}

/// The document as JSON after its latest change.
pub fn latest_document_json() -> String {
    LATEST_DOCUMENT.with(|latest| latest.borrow().clone())
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}
