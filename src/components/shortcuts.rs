//! Keyboard shortcuts: one window key handler driven by the editor's keymap table, and the `?` sheet
//! generated from that same table, so the sheet can never disagree with the keys.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::editor::keymap::{Action, Direction, KEYMAP, NUDGE_STEP, NUDGE_STEP_LARGE, action_for};
use crate::editor::{Clipboard, Command, Point, Selection, Vector, viewport};
use crate::state::{AppState, canvas_screen_size};

/// Installs the key handler and renders the help sheet when it is open.
#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    let state = AppState::get();
    let clipboard = StoredValue::new(None::<Clipboard>);
    let handle = window_event_listener(ev::keydown, move |event: web_sys::KeyboardEvent| {
        let Some(action) = action_for(
            &event.key(),
            event.ctrl_key(),
            event.shift_key(),
            event.alt_key(),
            event.meta_key(),
        ) else {
            return;
        };
        if focus_is_in_text_field() && !action.applies_while_typing() {
            return;
        }
        // The sheet is modal: behind it nothing is deleted, moved or pasted by a stray key.
        if state.view.help_open.get_untracked() && !matches!(action, Action::Help | Action::Cancel)
        {
            return;
        }
        if perform(state, clipboard, action) {
            event.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
    let apple = is_apple();
    // The sheet is a modal dialog: it takes the focus when it opens, keeps Tab inside, and gives the
    // focus back to where it was when it closes.
    let close_button = NodeRef::<leptos::html::Button>::new();
    let focus_before = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |was_open: Option<bool>| {
        let open = state.view.help_open.get();
        if open {
            if was_open != Some(true) {
                focus_before.set_value(
                    document()
                        .active_element()
                        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok()),
                );
            }
            if let Some(button) = close_button.get() {
                let _ = button.focus();
            }
        } else if was_open == Some(true)
            && let Some(element) = focus_before.get_value()
        {
            let _ = element.focus();
        }
        open
    });
    let keep_focus_inside = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Tab" {
            event.prevent_default();
            if let Some(button) = close_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    view! {
        <Show when=move || state.view.help_open.get()>
            <div class="sheet" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" on:keydown=keep_focus_inside on:click=move |_| state.view.help_open.set(false)>
                <div class="sheet__body" on:click=|event| event.stop_propagation()>
                    <h2 class="sheet__title">"Keyboard shortcuts"</h2>
                    <table class="sheet__table">
                        <tbody>
                            {KEYMAP
                                .iter()
                                .map(|binding| {
                                    let keys = binding.combos.iter().map(|combo| combo.label(apple)).collect::<Vec<_>>().join("  or  ");
                                    view! {
                                        <tr>
                                            <td><kbd>{keys}</kbd></td>
                                            <td>{binding.description}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    <button class="button" type="button" node_ref=close_button on:click=move |_| state.view.help_open.set(false)>"Close"</button>
                </div>
            </div>
        </Show>
    }
}

/// Does what the action says; returns whether the key was used (so its default is prevented).
fn perform(state: AppState, clipboard: StoredValue<Option<Clipboard>>, action: Action) -> bool {
    let selection = state.view.selection;
    let selected_nodes = move || selection.with_untracked(Selection::node_ids);
    match action {
        Action::Undo => state.undo(),
        Action::Redo => state.redo(),
        Action::Delete => {
            if selection.with_untracked(Selection::is_empty) {
                return false;
            }
            let command = selection.with_untracked(Selection::delete_command);
            let _ = state.execute(&command);
        }
        Action::Duplicate => {
            if let Ok(applied) = state.execute(&Command::Duplicate {
                ids: selected_nodes(),
            }) {
                selection.set(Selection::only_nodes(applied.created));
            }
        }
        Action::Copy | Action::Cut => {
            let ids = selected_nodes();
            if ids.is_empty() {
                return false;
            }
            match state
                .editor
                .with_untracked(|editor| Clipboard::copy(editor.document(), &ids))
            {
                Ok(copied) => {
                    write_system_clipboard(&copied.to_json());
                    clipboard.set_value(Some(copied));
                    if action == Action::Cut {
                        let _ = state.execute(&Command::Delete {
                            nodes: ids,
                            links: Vec::new(),
                        });
                    } else {
                        state.announcement.set("Copied".to_string());
                    }
                }
                Err(error) => state.announcement.set(error.to_string()),
            }
        }
        Action::Paste => {
            let Some(copied) = clipboard.get_value() else {
                state
                    .announcement
                    .set("Nothing to paste: copy nodes first".to_string());
                return true;
            };
            let command = Command::Paste {
                clipboard: copied,
                offset: crate::editor::command::DUPLICATE_OFFSET,
            };
            if let Ok(applied) = state.execute(&command) {
                selection.set(Selection::only_nodes(applied.created));
            }
        }
        Action::SelectAll => {
            state.editor.with_untracked(|editor| {
                selection.update(|selection| selection.select_all(editor.document()));
            });
        }
        Action::Nudge { direction, large } => {
            let ids = selected_nodes();
            if ids.is_empty() {
                return false;
            }
            let step = if large { NUDGE_STEP_LARGE } else { NUDGE_STEP };
            let by = match direction {
                Direction::Up => Vector::new(0.0, -step),
                Direction::Down => Vector::new(0.0, step),
                Direction::Left => Vector::new(-step, 0.0),
                Direction::Right => Vector::new(step, 0.0),
            };
            // Moving nodes can re-order the canvas (it lists nodes in reading order), and a node box
            // moved in the page loses the focus: give it back to the node that had it.
            let focused = focused_node_id();
            let _ = state.execute(&Command::MoveNodes { ids, by });
            if let Some(focused) = focused {
                request_animation_frame(move || refocus_node(&focused));
            }
        }
        Action::Activate => {
            let Some(focused) = focused_node_id() else {
                return false;
            };
            if let Some(from) = state.view.connecting_from.get_untracked() {
                state.view.connecting_from.set(None);
                if from != focused {
                    let _ = state.execute(&Command::Connect { from, to: focused });
                }
            } else {
                selection.set(Selection::only_nodes([focused]));
            }
        }
        Action::Connect => {
            let Some(from) =
                selection.with_untracked(|selection| selection.single_node().map(str::to_string))
            else {
                state
                    .announcement
                    .set("Select one node first, then press c to connect it".to_string());
                return true;
            };
            state.announcement.set(format!("Connecting from {from}: Tab to the target node and press Enter, or Escape to cancel"));
            state.view.connecting_from.set(Some(from));
        }
        Action::Rename => {
            let input = document()
                .query_selector("input[aria-label='Node name']")
                .ok()
                .flatten();
            if let Some(input) =
                input.and_then(|input| input.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = input.focus();
            }
        }
        Action::ZoomIn | Action::ZoomOut => {
            let size = canvas_screen_size();
            let factor = if action == Action::ZoomIn {
                viewport::ZOOM_STEP
            } else {
                1.0 / viewport::ZOOM_STEP
            };
            state.view.viewport.update(|view| {
                view.zoom_at(Point::new(size.width / 2.0, size.height / 2.0), factor);
            });
        }
        Action::ZoomToFit => {
            let fitted = state
                .editor
                .with_untracked(|editor| crate::state::fitted_view(editor.document(), false));
            state.view.viewport.set(fitted);
        }
        Action::Help => state.view.help_open.update(|open| *open = !*open),
        Action::Cancel => {
            if state.view.help_open.get_untracked() {
                state.view.help_open.set(false);
            } else if state.view.connecting_from.get_untracked().is_some() {
                state.view.connecting_from.set(None);
                state.announcement.set("Link cancelled".to_string());
            } else {
                selection.update(Selection::clear);
            }
        }
    }
    true
}

/// Whether the keyboard focus is in a field where keys type text.
fn focus_is_in_text_field() -> bool {
    let Some(active) = document().active_element() else {
        return false;
    };
    matches!(active.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
}

/// Puts the keyboard focus back on a node's box when it fell to the page (after a re-render).
fn refocus_node(id: &str) {
    let lost = document()
        .active_element()
        .is_none_or(|active| active.tag_name() == "BODY");
    if !lost {
        return;
    }
    let selector = format!(
        "[data-node-id=\"{}\"]",
        id.replace('\\', "\\\\").replace('"', "\\\"")
    );
    if let Some(element) = document()
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The node whose box has the keyboard focus.
fn focused_node_id() -> Option<String> {
    document().active_element()?.get_attribute("data-node-id")
}

fn is_apple() -> bool {
    window()
        .navigator()
        .platform()
        .map(|platform| platform.contains("Mac") || platform.contains("iP"))
        .unwrap_or(false)
}

/// Puts the copied nodes on the system clipboard as JSON too, so they can be pasted into another tab.
fn write_system_clipboard(text: &str) {
    // The clipboard may be unavailable (no permission, insecure context); the in-app copy still works.
    let _ = window().navigator().clipboard().write_text(text);
}
