//! The edge between the canvas and the observability dock: drag it (mouse, touch or pen) or focus it
//! and press ↑/↓ (Home/End for the extremes) to give the dock more or less room. The height is view
//! state, remembered in this browser, never saved in the design.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::editor::storage::{
    DOCK_CANVAS_RESERVE, DOCK_HEIGHT_KEY, DOCK_MIN_HEIGHT, DOCK_STEP, dock_height,
};

/// The separator above the dock; it sets `--dock-height` on the app's grid.
#[component]
pub fn DockResizer() -> impl IntoView {
    let window_height = || {
        window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0)
    };
    let saved = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(DOCK_HEIGHT_KEY).ok().flatten());
    let height = RwSignal::new(dock_height(saved.as_deref(), window_height()));
    let dragging = RwSignal::new(None::<(f64, f64)>);
    // Apply to the grid, and keep it within the window when the window is resized.
    Effect::new(move |_| apply(height.get()));
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        height.set(dock_height(
            Some(&height.get_untracked().to_string()),
            window_height(),
        ));
    });
    on_cleanup(move || on_resize.remove());
    let set = move |wanted: f64| {
        let clamped = dock_height(Some(&wanted.to_string()), window_height());
        height.set(clamped);
        if let Some(storage) = window().local_storage().ok().flatten() {
            // A full quota only loses the remembered height; the dock still resizes.
            let _ = storage.set_item(DOCK_HEIGHT_KEY, &clamped.to_string());
        }
    };
    let on_down = move |event: web_sys::PointerEvent| {
        event.prevent_default();
        if let Some(target) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = target.set_pointer_capture(event.pointer_id());
        }
        dragging.set(Some((f64::from(event.client_y()), height.get_untracked())));
    };
    let on_move = move |event: web_sys::PointerEvent| {
        if let Some((start_y, start_height)) = dragging.get_untracked() {
            set(start_height + start_y - f64::from(event.client_y()));
        }
    };
    let on_up = move |_| dragging.set(None);
    let on_key = move |event: web_sys::KeyboardEvent| {
        let current = height.get_untracked();
        let wanted = match event.key().as_str() {
            "ArrowUp" => current + DOCK_STEP,
            "ArrowDown" => current - DOCK_STEP,
            "PageUp" => current + 4.0 * DOCK_STEP,
            "PageDown" => current - 4.0 * DOCK_STEP,
            "Home" => f64::INFINITY,
            "End" => DOCK_MIN_HEIGHT,
            _ => return,
        };
        event.prevent_default();
        set(if wanted.is_finite() {
            wanted
        } else {
            window_height() - DOCK_CANVAS_RESERVE
        });
    };
    view! {
        <div
            class="dock-resizer"
            class:dock-resizer--dragging=move || dragging.get().is_some()
            role="separator"
            aria-orientation="horizontal"
            aria-label="Dock height: drag, or press the up and down arrow keys"
            aria-valuemin=DOCK_MIN_HEIGHT
            aria-valuemax=move || { let _ = height.get(); (window_height() - DOCK_CANVAS_RESERVE).max(DOCK_MIN_HEIGHT) }
            aria-valuenow=move || height.get()
            tabindex="0"
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:keydown=on_key
        ></div>
    }
}

fn apply(height: f64) {
    if let Some(app) = document()
        .query_selector(".app")
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = app
            .style()
            .set_property("--dock-height", &format!("{height}px"));
    }
}
