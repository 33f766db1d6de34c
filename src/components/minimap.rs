//! The minimap in the canvas's corner: every node as a small rectangle, every link as a line, and the
//! part of the design on screen as a frame. Pressing or dragging on it centres the view there.
//!
//! It is a picture for the eye and the pointer only: keyboard users move through nodes with Tab and
//! zoom with keys, so it stays out of the tab order and is announced as one image.

use leptos::html::Main;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::editor::viewport::{self, NODE_SIZE};
use crate::editor::{Point, Size, Viewport};
use crate::state::AppState;

/// A resize observer and the callback it calls, which must live as long as it does.
struct ResizeObserver {
    observer: web_sys::ResizeObserver,
    _measure: Closure<dyn Fn()>,
}

/// The minimap's width on screen as a share of the canvas's, within
/// [`MINIMAP_MIN_WIDTH`]..=[`MINIMAP_MAX_WIDTH`] pixels: on a tablet it must not hide the design.
const MINIMAP_WIDTH_SHARE: f64 = 0.22;
const MINIMAP_MIN_WIDTH: f64 = 120.0;
const MINIMAP_MAX_WIDTH: f64 = 200.0;
/// Height over width.
const MINIMAP_ASPECT: f64 = 0.65;

/// The minimap's size on screen for a canvas of size `screen`, pixels.
fn minimap_size(screen: Size) -> Size {
    let width = (screen.width * MINIMAP_WIDTH_SHARE)
        .clamp(MINIMAP_MIN_WIDTH, MINIMAP_MAX_WIDTH)
        .round();
    Size::new(width, (width * MINIMAP_ASPECT).round())
}

/// A small overview of the whole design; `canvas_ref` is the canvas whose view it shows and moves.
#[component]
pub fn Minimap(canvas_ref: NodeRef<Main>) -> impl IntoView {
    let state = AppState::get();
    let viewport = state.view.viewport;
    let minimap_ref = NodeRef::<leptos::html::Div>::new();
    // The canvas's size, measured again whenever it changes (a window resize, the dock growing).
    let screen = RwSignal::new(Size::new(800.0, 600.0));
    let observer = StoredValue::new_local(None::<ResizeObserver>);
    let stop_observing = move || {
        if let Some(Some(resize)) = observer.try_update_value(Option::take) {
            resize.observer.disconnect();
        }
    };
    Effect::new(move |_| {
        let Some(element) = canvas_ref.get() else {
            return;
        };
        let measured = element.clone();
        let measure = Closure::<dyn Fn()>::new(move || {
            screen.try_set(Size::new(
                f64::from(measured.client_width()),
                f64::from(measured.client_height()),
            ));
        });
        // An observer reports the element's size once as soon as it starts observing.
        if let Ok(resize) = web_sys::ResizeObserver::new(measure.as_ref().unchecked_ref()) {
            stop_observing();
            resize.observe(&element);
            observer.set_value(Some(ResizeObserver {
                observer: resize,
                _measure: measure,
            }));
        }
    });
    on_cleanup(stop_observing);

    let size = Memo::new(move |_| minimap_size(screen.get()));
    // Canvas → minimap pixels. While the pointer is down the transform is held still, or the map
    // would rescale under the pointer as the view (part of what it fits) moves.
    let held = StoredValue::new(None::<Viewport>);
    let live_transform = Memo::new(move |_| {
        let view = viewport.get();
        let screen = screen.get();
        state
            .editor
            .with(|editor| view.minimap(editor.document(), screen, size.get()))
    });
    let dragging = RwSignal::new(false);
    let transform = Memo::new(move |_| {
        let live = live_transform.get();
        if dragging.get() {
            held.get_value().unwrap_or(live)
        } else {
            live
        }
    });

    let centre_at = move |event: &web_sys::PointerEvent| {
        let Some(element) = minimap_ref.get_untracked() else {
            return;
        };
        let bounds = element.get_bounding_client_rect();
        let on_map = Point::new(
            f64::from(event.client_x()) - bounds.left(),
            f64::from(event.client_y()) - bounds.top(),
        );
        let Some(map) = held.try_get_value().flatten() else {
            return;
        };
        let target = map.screen_to_canvas(on_map);
        let screen = screen.get_untracked();
        viewport.try_update(|view| view.centre_on(target, screen));
    };
    let on_down = move |event: web_sys::PointerEvent| {
        // The canvas underneath must not start a pan or box select of its own.
        event.stop_propagation();
        if event.button() != 0 {
            return;
        }
        event.prevent_default();
        if let Some(element) = minimap_ref.get_untracked() {
            // Capturing can fail for a pointer that is already gone; the drag then simply ends early.
            let _ = element.set_pointer_capture(event.pointer_id());
        }
        held.set_value(Some(live_transform.get_untracked()));
        dragging.set(true);
        centre_at(&event);
    };
    let on_move = move |event: web_sys::PointerEvent| {
        event.stop_propagation();
        if dragging.try_get_untracked() == Some(true) {
            centre_at(&event);
        }
    };
    let on_up = move |event: web_sys::PointerEvent| {
        event.stop_propagation();
        dragging.try_set(false);
        held.try_set_value(None);
    };

    // The picture is drawn in canvas coordinates under one transform, so panning and zooming change
    // one attribute and the shapes are rebuilt only when the document changes.
    let picture_transform = move || {
        let map = transform.get();
        format!("translate({} {}) scale({})", map.pan.x, map.pan.y, map.zoom)
    };
    let node_rects = move || {
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .map(|node| {
                    let rect = viewport::node_rect(node.position.into());
                    view! {
                        <rect
                            class=format!("minimap__node minimap__node--{}", node.kind().as_str())
                            x=rect.min.x
                            y=rect.min.y
                            width=NODE_SIZE.width
                            height=NODE_SIZE.height
                        />
                    }
                })
                .collect_view()
        })
    };
    let link_lines = move || {
        state.editor.with(|editor| {
            let document = editor.document();
            let position = |id: &str| {
                document
                    .node_index(id)
                    .map(|index| Point::from(document.nodes[index].position))
            };
            document
                .links
                .iter()
                .filter_map(|link| {
                    let from = viewport::output_port(position(&link.from)?);
                    let to = viewport::input_port(position(&link.to)?);
                    Some(view! { <line class="minimap__link" x1=from.x y1=from.y x2=to.x y2=to.y /> })
                })
                .collect_view()
        })
    };
    let visible = Memo::new(move |_| viewport.get().visible_canvas_rect(screen.get()));
    // With the whole design on screen the map adds nothing and would only cover nodes: it steps
    // aside (after Fit, say) and comes back as soon as part of the design is off screen.
    let everything_visible = Memo::new(move |_| {
        let visible = visible.get();
        state.editor.with(|editor| {
            crate::editor::viewport::document_bounds(editor.document())
                .is_none_or(|bounds| visible.contains_rect(&bounds))
        })
    });
    let label = move || {
        let count = state.editor.with(|editor| editor.document().nodes.len());
        format!(
            "Minimap of {count} node{}; press or drag on it to move the view",
            if count == 1 { "" } else { "s" }
        )
    };

    // The first corner where the map covers no node (see `viewport::minimap_corner`). It stays put
    // while the pointer is on it: a map that jumped away as it moved the view could not be used.
    let pointer_on_map = RwSignal::new(false);
    let corner = Memo::new(move |previous: Option<&viewport::Corner>| {
        if let Some(previous) = previous
            && (pointer_on_map.get() || dragging.get())
        {
            return *previous;
        }
        let view = viewport.get();
        let screen = screen.get();
        let size = size.get();
        state
            .editor
            .with(|editor| viewport::minimap_corner(&view, editor.document(), screen, size))
    });
    let css = move |side: &'static str| {
        let corner = corner.get();
        let (vertical, horizontal) = corner.offsets();
        let shown = match side {
            "top" => corner.is_top().then_some(vertical),
            "bottom" => (!corner.is_top()).then_some(vertical),
            "left" => corner.is_left().then_some(horizontal),
            _ => (!corner.is_left()).then_some(horizontal),
        };
        shown.map_or_else(|| "auto".to_string(), |pixels| format!("{pixels}px"))
    };
    view! {
        <div
            class="canvas__minimap minimap"
            style:top=move || css("top")
            style:bottom=move || css("bottom")
            style:left=move || css("left")
            style:right=move || css("right")
            class:minimap--dragging=move || dragging.get()
            class:minimap--hidden=move || everything_visible.get() && !dragging.get()
            role="img"
            aria-label=label
            node_ref=minimap_ref
            style:width=move || format!("{}px", size.get().width)
            style:height=move || format!("{}px", size.get().height)
            on:pointerenter=move |_| pointer_on_map.set(true)
            on:pointerleave=move |_| pointer_on_map.set(false)
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:dblclick=|event| event.stop_propagation()
        >
            <svg
                class="minimap__picture"
                width=move || size.get().width
                height=move || size.get().height
                aria-hidden="true"
            >
                <g transform=picture_transform>
                    <g class="minimap__links">{link_lines}</g>
                    <g class="minimap__nodes">{node_rects}</g>
                    <rect
                        class="minimap__view"
                        x=move || visible.get().min.x
                        y=move || visible.get().min.y
                        width=move || visible.get().width()
                        height=move || visible.get().height()
                    />
                </g>
            </svg>
        </div>
    }
}
