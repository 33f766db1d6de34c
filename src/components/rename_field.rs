//! Renaming a node in place on the canvas: the name field laid over its box (double-click or F2),
//! and the keyboard focus put back on the box afterwards.

use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::editor::Command;
use crate::editor::viewport::{self, NODE_SIZE};
use crate::state::AppState;

/// The name field laid over a node while it is renamed in place. Enter or leaving the field renames
/// (a refused name keeps the field open with the reason below it); Escape keeps the old name.
///
/// It sits beside the node box rather than inside it: a text field inside a `role="button"` would be
/// a control nested in a control for assistive technology.
#[component]
pub(super) fn RenameField(id: String, renaming: RwSignal<Option<String>>) -> impl IntoView {
    let state = AppState::get();
    let input_ref = NodeRef::<Input>::new();
    let error = RwSignal::new(None::<String>);
    let (name, corner) = state
        .editor
        .with_untracked(|editor| {
            let document = editor.document();
            document.node_index(&id).map(|index| {
                let node = &document.nodes[index];
                (
                    node.name.clone(),
                    viewport::node_rect(node.position.into()).min,
                )
            })
        })
        .unwrap_or_default();
    // Focus the field and select its text once it is in the page, as renaming in a file manager does.
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
            input.select();
        }
    });
    let node_id = StoredValue::new(id);
    // Renaming ends (`renaming` is cleared) inside these handlers, which disposes this component: from
    // there on only `try_` reads are safe, and a late blur must find nothing left to do.
    let finish = move |commit: bool, refocus: bool| {
        let Some(id) = node_id.try_get_value() else {
            return;
        };
        if renaming.try_get_untracked().flatten().as_ref() != Some(&id) {
            return;
        }
        if commit {
            let Some(text) = input_ref.get_untracked().map(|input| input.value()) else {
                return;
            };
            if let Err(refusal) = state.execute(&Command::Rename {
                node: id.clone(),
                name: text,
            }) {
                error.try_set(Some(refusal.to_string()));
                return;
            }
        }
        renaming.try_set(None);
        if refocus {
            focus_node(&id);
        }
    };
    let on_key = move |event: web_sys::KeyboardEvent| {
        // Keys typed here belong to the field, not to the canvas shortcuts.
        event.stop_propagation();
        match event.key().as_str() {
            "Enter" => {
                event.prevent_default();
                finish(true, true);
            }
            "Escape" => {
                event.prevent_default();
                finish(false, true);
            }
            _ => {}
        }
    };
    view! {
        <div
            class="node-rename"
            style:left=format!("{}px", corner.x)
            style:top=format!("{}px", corner.y)
            style:width=format!("{}px", NODE_SIZE.width)
            style:height=format!("{}px", NODE_SIZE.height)
            on:pointerdown=|event| event.stop_propagation()
        >
            <input
                class="input node-rename__input"
                class:input--invalid=move || error.get().is_some()
                aria-label="Rename node"
                aria-invalid=move || error.get().is_some().to_string()
                value=name
                node_ref=input_ref
                on:keydown=on_key
                on:blur=move |_| finish(true, false)
            />
            {move || error.get().map(|message| view! { <span class="node-rename__error field-error" role="alert">{message}</span> })}
        </div>
    }
}

/// Puts the keyboard focus back on a node box (after renaming it from the keyboard).
fn focus_node(id: &str) {
    let Ok(boxes) = document().query_selector_all("[data-node-id]") else {
        return;
    };
    // Compared attribute by attribute: an id need not be a valid CSS selector.
    let found = (0..boxes.length())
        .filter_map(|index| boxes.item(index))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|element| element.get_attribute("data-node-id").as_deref() == Some(id));
    if let Some(element) = found {
        let _ = element.focus();
    }
}
