//! The palette: every node kind the model knows, with its icon and name, in the engine's order. Drag one
//! onto the canvas (mouse, touch or pen), or click / press Enter to add it at the centre of the view.

use engine::NodeKind;
use leptos::prelude::*;

use super::NodeIcon;
use crate::editor::{Command, Point, Size};
use crate::state::AppState;

/// A palette item being dragged: its kind and where the pointer is (client coordinates).
#[derive(Clone, Copy, PartialEq)]
struct PaletteDrag {
    kind: NodeKind,
    client: Point,
    moved: bool,
}

/// The list of components a user can place on the canvas.
#[component]
pub fn Palette() -> impl IntoView {
    let state = AppState::get();
    let drag = RwSignal::new(None::<PaletteDrag>);

    // The canvas element, its client rectangle and size, looked up when needed (it is another component).
    let canvas_bounds = || -> Option<(Point, Size)> {
        let element = document().query_selector("main.canvas").ok().flatten()?;
        let bounds = element.get_bounding_client_rect();
        Some((
            Point::new(bounds.left(), bounds.top()),
            Size::new(bounds.width(), bounds.height()),
        ))
    };
    let add_at_screen = move |kind: NodeKind, screen: Point| {
        let at = state
            .view
            .viewport
            .with_untracked(|view| view.screen_to_canvas(screen));
        // A refused add is announced by `execute`.
        if state
            .execute(&Command::AddNode { kind, at, id: None })
            .is_ok()
        {
            state.view.palette_open.set(false);
        }
    };
    // Clicking or pressing Enter adds the node one step to the right of the selected (or newest) one,
    // so a design built from the keyboard reads left to right; the view follows it if it lands outside.
    let add_at_centre = move |kind: NodeKind| {
        let size = canvas_bounds()
            .map(|(_, size)| size)
            .unwrap_or(Size::new(800.0, 600.0));
        let centre = state.view.viewport.with_untracked(|view| {
            view.screen_to_canvas(Point::new(size.width / 2.0, size.height / 2.0))
        });
        let after = state
            .view
            .selection
            .with_untracked(|selection| selection.single_node().map(str::to_owned));
        let at = state.editor.with_untracked(|editor| {
            crate::editor::viewport::next_node_position(editor.document(), after.as_deref(), centre)
        });
        // A refused add is announced by `execute`.
        if state
            .execute(&Command::AddNode { kind, at, id: None })
            .is_ok()
        {
            // On a small screen the palette is a drawer over the canvas: show what was added.
            state.view.palette_open.set(false);
            let on_screen = state.view.viewport.with_untracked(|view| {
                let rect = crate::editor::viewport::node_rect(at);
                let top_left = view.canvas_to_screen(rect.min);
                let bottom_right = view.canvas_to_screen(rect.max);
                top_left.x >= 0.0
                    && top_left.y >= 0.0
                    && bottom_right.x <= size.width
                    && bottom_right.y <= size.height
            });
            if !on_screen {
                state.view.viewport.update(|view| view.centre_on(at, size));
            }
        }
    };

    let items = NodeKind::ALL
        .into_iter()
        .map(|kind| {
            let on_down = move |event: web_sys::PointerEvent| {
                if event.button() != 0 {
                    return;
                }
                if let Some(target) = event_target::<web_sys::Element>(&event).into() {
                    // Capture keeps the drag's moves coming to this item even over the canvas.
                    let _ = target.set_pointer_capture(event.pointer_id());
                }
                drag.set(Some(PaletteDrag {
                    kind,
                    client: Point::new(f64::from(event.client_x()), f64::from(event.client_y())),
                    moved: false,
                }));
            };
            let on_move = move |event: web_sys::PointerEvent| {
                drag.update(|drag| {
                    if let Some(drag) = drag {
                        let client =
                            Point::new(f64::from(event.client_x()), f64::from(event.client_y()));
                        drag.moved |= (client.x - drag.client.x).abs()
                            + (client.y - drag.client.y).abs()
                            > 4.0;
                        drag.client = client;
                    }
                });
            };
            let on_up = move |_event: web_sys::PointerEvent| {
                let Some(finished) = drag.get_untracked() else {
                    return;
                };
                drag.set(None);
                if !finished.moved {
                    add_at_centre(finished.kind);
                    return;
                }
                if let Some((origin, size)) = canvas_bounds() {
                    let screen =
                        Point::new(finished.client.x - origin.x, finished.client.y - origin.y);
                    if screen.x >= 0.0
                        && screen.y >= 0.0
                        && screen.x <= size.width
                        && screen.y <= size.height
                    {
                        add_at_screen(finished.kind, screen);
                    }
                }
            };
            let on_key = move |event: web_sys::KeyboardEvent| {
                if event.key() == "Enter" || event.key() == " " {
                    event.prevent_default();
                    add_at_centre(kind);
                }
            };
            // A challenge offers only the kinds it allows.
            let allowed = move || {
                state
                    .challenges
                    .active
                    .with(|challenge| challenge.as_ref().is_none_or(|c| c.allowed.contains(&kind)))
            };
            view! {
                <li class="palette__entry" hidden=move || !allowed()>
                <div
                    class=format!("palette__item palette__item--{}", kind.as_str())
                    role="button"
                    tabindex="0"
                    aria-label=kind.label()
                    title=format!("Drag onto the canvas, or press Enter to add a {}", kind.label())
                    on:pointerdown=on_down
                    on:pointermove=on_move
                    on:pointerup=on_up
                    on:pointercancel=move |_| drag.set(None)
                    on:keydown=on_key
                >
                    <NodeIcon kind=kind />
                    <span class="palette__name">{kind.label()}</span>
                </div>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="palette" class:palette--open=move || state.view.palette_open.get() aria-label="Palette">
            <h2 class="panel__title">"Components"</h2>
            {move || state.challenges.active.with(|challenge| challenge.as_ref().map(|challenge| view! {
                <p class="palette__note">{format!("“{}” allows these", challenge.title)}</p>
            }))}
            <ul class="palette__list" role="list">
                {items}
            </ul>
            {move || {
                drag.get()
                    .filter(|drag| drag.moved)
                    .map(|drag| {
                        view! {
                            <div
                                class="palette__ghost"
                                aria-hidden="true"
                                style:left=format!("{}px", drag.client.x)
                                style:top=format!("{}px", drag.client.y)
                            >
                                <NodeIcon kind=drag.kind />
                                {drag.kind.label()}
                            </div>
                        }
                    })
            }}
        </nav>
    }
}
