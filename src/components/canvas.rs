//! The design canvas: nodes as HTML boxes and links as SVG paths inside one transformed viewport, live
//! numbers from the snapshot on every node, requests drawn as particles on a `<canvas>` layer, and the
//! pointer gestures (pan, zoom at the cursor, move nodes, connect ports, box select, drop from the palette).
//!
//! Mouse, touch and pen all arrive as pointer events. The component only translates them for the
//! gesture machine in `editor/gesture.rs` (which decides: one pointer pans, moves or connects, a second
//! one pinches, Space makes any press a pan) and carries out the effects it returns. Double-click or F2
//! on a node renames it in place.

use engine::NodeKind;
use leptos::ev;
use leptos::html::{Canvas as CanvasElement, Main};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::NodeIcon;
use super::minimap::Minimap;
use super::particles::{self, ParticleLegend};
use super::rename_field::RenameField;
use crate::editor::command::LinkId;
use crate::editor::fields::{FlavourMarks, flavour_marks};
use crate::editor::gesture::{
    GestureEffect, GestureMachine, Hit, LinkPreview, Modifiers, Pointer, Scene,
};
use crate::editor::viewport::{self, NODE_SIZE, wheel_zoom_factor};
use crate::editor::{Point, Rect};
use crate::observe::{figures, releases};
use crate::state::AppState;

/// One of the gesture machine's steps: [`GestureMachine::down`], `moved`, `up` or `cancel`.
type GestureStep = fn(&mut GestureMachine, &Pointer, &Scene<'_>) -> Vec<GestureEffect>;

/// The drawing area in the middle of the app.
/// The design's single points of failure, for the node boxes.
#[derive(Clone, Copy)]
struct SinglePoints(Memo<Vec<engine::spof::SinglePoint>>);

#[component]
pub fn Canvas() -> impl IntoView {
    let state = AppState::get();
    // The design's single points of failure, marked on their boxes (worked out from the document).
    provide_context(SinglePoints(Memo::new(move |_| {
        state
            .editor
            .with(|editor| engine::spof::single_points(editor.document()))
    })));
    let viewport = state.view.viewport;
    let canvas_ref = NodeRef::<Main>::new();
    let particles_ref = NodeRef::<CanvasElement>::new();
    // The particles' key, while they move (not with reduced motion, where rate labels carry the flow).
    let show_legend = Memo::new(move |_| {
        state.runner.snapshot.with(Option::is_some) && !particles::prefers_reduced_motion()
    });
    let machine = StoredValue::new_local(GestureMachine::default());
    let link_preview = RwSignal::new(None::<LinkPreview>);
    let box_preview = RwSignal::new(None::<Rect>);
    let space_held = RwSignal::new(false);
    // The node being renamed in place, if any.
    let renaming = RwSignal::new(None::<String>);

    // Screen point of a pointer event, relative to the canvas element.
    let screen_point = move |event: &web_sys::MouseEvent| -> Point {
        match canvas_ref.get_untracked() {
            Some(element) => {
                let bounds = element.get_bounding_client_rect();
                Point::new(
                    f64::from(event.client_x()) - bounds.left(),
                    f64::from(event.client_y()) - bounds.top(),
                )
            }
            None => Point::new(f64::from(event.client_x()), f64::from(event.client_y())),
        }
    };
    let canvas_point = move |event: &web_sys::MouseEvent| {
        viewport.with_untracked(|view| view.screen_to_canvas(screen_point(event)))
    };

    // Carries out what the machine decided, in its order.
    let carry_out = move |event: &web_sys::PointerEvent, effects: Vec<GestureEffect>| {
        for effect in effects {
            match effect {
                GestureEffect::StopPropagation => event.stop_propagation(),
                GestureEffect::Capture => {
                    if let Some(element) = canvas_ref.get_untracked() {
                        // Capturing can fail for a pointer that is already gone; the gesture then
                        // simply ends early.
                        let _ = element.set_pointer_capture(event.pointer_id());
                    }
                }
                GestureEffect::BeginGesture => state.editor.update(|editor| editor.begin_gesture()),
                GestureEffect::EndGesture => state.editor.update(|editor| editor.end_gesture()),
                GestureEffect::CancelGesture => state.editor.update(|editor| {
                    editor.cancel_gesture();
                }),
                GestureEffect::Execute(command) => {
                    // A refused move or link is announced by `execute`; the document stays as it was.
                    let _ = state.execute(&command);
                }
                GestureEffect::Viewport(view) => viewport.set(view),
                GestureEffect::Select(selection) => state.view.selection.set(selection),
                GestureEffect::LinkPreview(preview) => link_preview.set(preview),
                GestureEffect::BoxPreview(area) => box_preview.set(area),
            }
        }
    };

    // Hands a DOM pointer event to the machine, with what it hit and the scene as it is now.
    let pointer = move |event: &web_sys::PointerEvent, target: Hit, step: GestureStep| {
        let input = Pointer {
            id: event.pointer_id(),
            primary: event.is_primary(),
            button: event.button(),
            at: screen_point(event),
            modifiers: Modifiers {
                shift: event.shift_key(),
                control: event.ctrl_key() || event.meta_key(),
                alt: event.alt_key(),
                space: space_held.get_untracked(),
            },
            target,
        };
        let effects = state.editor.with_untracked(|editor| {
            state.view.selection.with_untracked(|selection| {
                let scene = Scene {
                    document: editor.document(),
                    viewport: viewport.get_untracked(),
                    selection,
                };
                machine.try_update_value(|machine| step(machine, &input, &scene))
            })
        });
        carry_out(event, effects.unwrap_or_default());
    };
    let on_node_down = move |event: web_sys::PointerEvent, id: String| {
        pointer(&event, Hit::Node(id), GestureMachine::down);
    };
    let on_port_down = move |event: web_sys::PointerEvent, id: String| {
        pointer(&event, Hit::OutputPort(id), GestureMachine::down);
    };
    let on_link_down = move |event: web_sys::PointerEvent, link: LinkId| {
        pointer(&event, Hit::Link(link), GestureMachine::down);
    };

    let on_wheel = move |event: web_sys::WheelEvent| {
        event.prevent_default();
        let at = screen_point(&event);
        viewport.update(|view| view.zoom_at(at, wheel_zoom_factor(event.delta_y())));
    };

    // Space held down turns any press into a pan (as in drawing tools), except while typing.
    let space_down = window_event_listener(ev::keydown, move |event: web_sys::KeyboardEvent| {
        if event.key() == " " && !typing_in(event.target()) {
            space_held.try_set(true);
        }
    });
    let space_up = window_event_listener(ev::keyup, move |event: web_sys::KeyboardEvent| {
        if event.key() == " " {
            space_held.try_set(false);
        }
    });
    // A key released in another window never reaches this one.
    let window_blur = window_event_listener(ev::blur, move |_| {
        space_held.try_set(false);
    });
    on_cleanup(move || {
        space_down.remove();
        space_up.remove();
        window_blur.remove();
    });

    // Pointer capture sends the click to the canvas itself, so the node is found by hit test.
    let on_double_click = move |event: web_sys::MouseEvent| {
        let on_overlay = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| {
                element
                    .closest(".canvas__controls, .canvas__minimap, .canvas__banner, .canvas__staging, .node-rename")
                    .ok()
                    .flatten()
            })
            .is_some();
        if on_overlay {
            return;
        }
        let point = canvas_point(&event);
        let hit = state.editor.with_untracked(|editor| {
            viewport::node_at(editor.document(), point).map(str::to_string)
        });
        if let Some(id) = hit {
            renaming.set(Some(id));
        }
    };

    // Particles are drawn once per published snapshot, in screen space, over the viewport.
    Effect::new(move |_| {
        let Some(element) = particles_ref.get() else {
            return;
        };
        let view = viewport.get();
        state.runner.snapshot.with(|snapshot| {
            state.editor.with_untracked(|editor| {
                particles::draw(&element, snapshot.as_ref(), editor.document(), &view);
            });
        });
    });

    let node_ids = move || {
        state.editor.with(|editor| {
            // Reading order (left to right, top to bottom), so Tab moves through nodes as the eye does.
            viewport::reading_order(editor.document())
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
    };
    let link_ids = move || {
        state.editor.with(|editor| {
            editor
                .document()
                .links
                .iter()
                .map(LinkId::of)
                .collect::<Vec<_>>()
        })
    };

    view! {
        <main
            class="canvas"
            class:canvas--space-pan=move || space_held.get()
            aria-label="Design canvas"
            tabindex="-1"
            node_ref=canvas_ref
            on:dblclick=on_double_click
            on:pointerdown=move |event| pointer(&event, Hit::Background, GestureMachine::down)
            on:pointermove=move |event| pointer(&event, Hit::Background, GestureMachine::moved)
            on:pointerup=move |event| pointer(&event, Hit::Background, GestureMachine::up)
            on:pointercancel=move |event| pointer(&event, Hit::Background, GestureMachine::cancel)
            on:wheel=on_wheel
        >
            <div class="canvas__viewport" style:transform=move || viewport.with(|view| view.css_transform())>
                <svg class="canvas__links" aria-label="Links" role="group">
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="link__arrow" />
                        </marker>
                    </defs>
                    <For each=link_ids key=|link| link.clone() let:link>
                        <LinkView link=link on_link_down=on_link_down />
                    </For>
                    {move || {
                        link_preview
                            .get()
                            .map(|preview| {
                                let class = if preview.refusal.is_some() { "link link--preview link--refused" } else { "link link--preview" };
                                view! { <path class=class d=viewport::link_path(preview.from, preview.to) /> }
                            })
                    }}
                </svg>
                <For each=node_ids key=|id| id.clone() let:id>
                    <NodeView id=id renaming=renaming on_node_down=on_node_down on_port_down=on_port_down />
                </For>
                {move || renaming.get().map(|id| view! { <RenameField id=id renaming=renaming /> })}
                {move || {
                    box_preview
                        .get()
                        .map(|area| {
                            view! {
                                <div
                                    class="canvas__box-select"
                                    style:left=format!("{}px", area.min.x)
                                    style:top=format!("{}px", area.min.y)
                                    style:width=format!("{}px", area.width())
                                    style:height=format!("{}px", area.height())
                                ></div>
                            }
                        })
                }}
            </div>
            <canvas class="canvas__particles" node_ref=particles_ref aria-hidden="true"></canvas>
            {move || show_legend.get().then(|| view! { <ParticleLegend /> })}
            {move || {
                link_preview
                    .get()
                    .and_then(|preview| preview.refusal)
                    .map(|reason| view! { <p class="canvas__refusal" role="status">{reason}</p> })
            }}
            {move || {
                state
                    .runner
                    .problem
                    .get()
                    .map(|problem| {
                        let waiting = state.runner.waiting.get().then_some(
                            " — the run waits where it was: undo, or fix the design, and it goes on.",
                        );
                        view! { <p class="canvas__problem" role="status">"Cannot run: " {problem} {waiting}</p> }
                    })
            }}
            {move || {
                state
                    .banner
                    .get()
                    .map(|banner| {
                        view! {
                            <div
                                class="canvas__banner"
                                class:canvas__banner--error=banner.is_error
                                role=if banner.is_error { "alert" } else { "status" }
                                on:pointerdown=|event| event.stop_propagation()
                            >
                                <span>{banner.message}</span>
                                <button class="button" type="button" aria-label="Dismiss" on:click=move |_| state.banner.set(None)>"×"</button>
                            </div>
                        }
                    })
            }}
            <crate::components::dock::StagingBadge />
            <Minimap canvas_ref=canvas_ref />
            <ZoomControls canvas_ref=canvas_ref />
        </main>
    }
}

/// Zoom out, the zoom level, zoom in and fit, in the canvas's corner.
#[component]
fn ZoomControls(canvas_ref: NodeRef<Main>) -> impl IntoView {
    let state = AppState::get();
    let viewport = state.view.viewport;
    let screen_size = move || {
        canvas_ref
            .get_untracked()
            .map(|element| {
                crate::editor::Size::new(
                    f64::from(element.client_width()),
                    f64::from(element.client_height()),
                )
            })
            .unwrap_or(crate::editor::Size::new(800.0, 600.0))
    };
    let zoom_centre = move |factor: f64| {
        let size = screen_size();
        viewport
            .update(|view| view.zoom_at(Point::new(size.width / 2.0, size.height / 2.0), factor));
    };
    let fit = move || {
        let fitted = state
            .editor
            .with_untracked(|editor| crate::state::fitted_view(editor.document(), false));
        viewport.set(fitted);
    };
    // Open on the design at a readable zoom, clear of the minimap and legend (measured once they
    // have been laid out, a frame later).
    Effect::new(move |_| {
        if canvas_ref.get().is_some() {
            request_animation_frame(move || {
                let first = state
                    .editor
                    .with_untracked(|editor| crate::state::fitted_view(editor.document(), true));
                viewport.try_set(first);
            });
        }
    });
    view! {
        <div class="canvas__controls" role="group" aria-label="Zoom" on:pointerdown=|event| event.stop_propagation()>
            <button class="button button--icon" type="button" aria-label="Zoom out" on:click=move |_| zoom_centre(1.0 / viewport::ZOOM_STEP)>
                "−"
            </button>
            <span class="canvas__zoom" aria-live="off">{move || format!("{}%", viewport.with(|view| view.zoom_percent()))}</span>
            <button class="button button--icon" type="button" aria-label="Zoom in" on:click=move |_| zoom_centre(viewport::ZOOM_STEP)>
                "+"
            </button>
            <button class="button" type="button" aria-label="Zoom to fit" on:click=move |_| fit()>
                "Fit"
            </button>
        </div>
    }
}

/// One link: a path from the source's output port to the target's input port, with its live rate.
#[component]
fn LinkView(
    link: LinkId,
    on_link_down: impl Fn(web_sys::PointerEvent, LinkId) + Copy + 'static,
) -> impl IntoView {
    let state = AppState::get();
    let ends = {
        let link = link.clone();
        move || {
            state.editor.with(|editor| {
                let document = editor.document();
                let position = |id: &str| {
                    document
                        .node(id)
                        .map(|node| Point::new(node.position.x, node.position.y))
                };
                Some((
                    viewport::output_port(position(&link.from)?),
                    viewport::input_port(position(&link.to)?),
                ))
            })
        }
    };
    let path = {
        let ends = ends.clone();
        move || {
            ends()
                .map(|(from, to)| viewport::link_path(from, to))
                .unwrap_or_default()
        }
    };
    let selected = {
        let link = link.clone();
        move || {
            state
                .view
                .selection
                .with(|selection| selection.contains_link(&link))
        }
    };
    let rate = {
        let link = link.clone();
        move || {
            state.runner.snapshot.with(|snapshot| {
                snapshot.as_ref().and_then(|snapshot| {
                    snapshot
                        .links
                        .iter()
                        .find(|live| live.from == link.from && live.to == link.to)
                        .map(|live| live.throughput)
                })
            })
        }
    };
    // Health-check probes: when the load balancer at this link's source sends another probe to its
    // target, a pulse runs along the link, coloured by how the latest settled probe went. A memo, so
    // the pulse element is re-created (and its animation restarted) only when a probe was sent.
    let probe = {
        let link = link.clone();
        Memo::new(move |_| {
            state.runner.snapshot.with(|snapshot| {
                let balancer = snapshot.as_ref()?.node(&link.from)?;
                let backend = balancer
                    .backends
                    .iter()
                    .find(|backend| backend.node == link.to)?;
                (backend.probes_sent > 0).then_some((backend.probes_sent, backend.last_probe_ok))
            })
        })
    };
    let label_at = move || ends().map(|(from, to)| viewport::link_label_point(from, to));
    // Tracked, so the name follows a rename of either end.
    let names = {
        let link = link.clone();
        move || {
            state.editor.with(|editor| {
                let name = |id: &str| {
                    editor
                        .document()
                        .node(id)
                        .map(|node| node.display_name().to_string())
                        .unwrap_or_default()
                };
                (name(&link.from), name(&link.to))
            })
        }
    };
    // A pipeline's links deploy releases: drawn dashed, and nothing flows on them.
    let deploy = {
        let from = link.from.clone();
        move || {
            state.editor.with(|editor| {
                editor
                    .document()
                    .node(&from)
                    .is_some_and(|node| node.kind() == NodeKind::Pipeline)
            })
        }
    };
    let rate = {
        let deploy = deploy.clone();
        move || if deploy() { None } else { rate() }
    };
    let names = {
        let deploy = deploy.clone();
        move || {
            let (from, to) = names();
            figures::link_label(&from, &to, deploy())
        }
    };
    let select = move |event| on_link_down(event, link.clone());
    view! {
        <g class="link" class:link--selected=selected class:link--deploy=deploy role="button" aria-label=names tabindex="0">
            <path class="link__hit" d=path.clone() on:pointerdown=select />
            <path class="link__line" d=path.clone() marker-end="url(#arrow)" />
            {move || {
                probe
                    .get()
                    .map(|(sent, last_ok)| {
                        let class = match last_ok {
                            Some(false) => "link__probe link__probe--failed",
                            _ => "link__probe",
                        };
                        view! { <path class=class d=path() pathLength="100" data-probes=sent /> }
                    })
            }}
            {move || {
                let rate = rate()?;
                let at = label_at()?;
                Some(view! { <text class="link__rate" x=at.x y=at.y text-anchor="middle">{figures::rate(rate)}</text> })
            }}
        </g>
    }
}

/// One node: icon, name, live numbers, health, and its ports.
#[component]
fn NodeView(
    id: String,
    renaming: RwSignal<Option<String>>,
    on_node_down: impl Fn(web_sys::PointerEvent, String) + Copy + 'static,
    on_port_down: impl Fn(web_sys::PointerEvent, String) + Copy + 'static,
) -> impl IntoView {
    let state = AppState::get();
    let node = {
        let id = id.clone();
        move || {
            state.editor.with(|editor| {
                editor
                    .document()
                    .node(&id)
                    .map(|node| (node.kind(), node.display_name().to_string(), node.position))
            })
        }
    };
    let kind = node().map(|(kind, _, _)| kind).unwrap_or(NodeKind::Server);
    let live = {
        let id = id.clone();
        move || {
            state.runner.snapshot.with(|snapshot| {
                snapshot.as_ref().and_then(|snapshot| {
                    snapshot
                        .node(&id)
                        .map(|live| (live.health, live.cpu, figures::box_line(live)))
                })
            })
        }
    };
    let health = {
        let live = live.clone();
        move || live().map(|(health, ..)| health)
    };
    // A pipeline says where its releases stand instead of a request rate.
    let pipeline_state = (kind == NodeKind::Pipeline).then(|| {
        let id = id.clone();
        Memo::new(move |_| {
            state.runner.snapshot.with(|snapshot| {
                let snapshot = snapshot.as_ref()?;
                let figures = snapshot.node(&id)?.pipeline.as_ref()?;
                Some(releases::pipeline_state(
                    figures,
                    &snapshot.releases,
                    snapshot.time_s,
                ))
            })
        })
    });
    // Servers and groups show the versions they run once a release exists; a load balancer how it
    // splits between the versions behind it (no instances of its own).
    let versions = matches!(
        kind,
        NodeKind::Server | NodeKind::AutoscalingGroup | NodeKind::LoadBalancer
    )
    .then(|| {
        let id = id.clone();
        Memo::new(move |_| {
            state
                .runner
                .snapshot
                .with(|snapshot| releases::node_versions(snapshot.as_ref()?, &id, kind))
        })
    });
    let selected = {
        let id = id.clone();
        move || {
            state
                .view
                .selection
                .with(|selection| selection.contains_node(&id))
        }
    };
    let name = {
        let node = node.clone();
        move || node().map(|(_, name, _)| name).unwrap_or_default()
    };
    let title = name.clone();

    // The box's top-left corner, where the editor core puts a node's box.
    let corner = move || node().map(|(_, _, position)| viewport::node_rect(position.into()).min);
    let left = {
        let corner = corner.clone();
        move || {
            corner()
                .map(|corner| format!("{}px", corner.x))
                .unwrap_or_default()
        }
    };
    let top = move || {
        corner()
            .map(|corner| format!("{}px", corner.y))
            .unwrap_or_default()
    };
    let node_id = id.clone();
    let port_id = id.clone();
    let rename_id = id.clone();
    let health_class = {
        let health = health.clone();
        move || {
            format!(
                "node node--{} node--{}",
                kind.as_str(),
                health().map(figures::health_word).unwrap_or("idle")
            )
        }
    };
    // A single point of failure (or a partial one) is marked on its box, with the reason.
    let single_point = {
        let id = id.clone();
        let points = expect_context::<SinglePoints>().0;
        move || {
            points.with(|points| {
                points
                    .iter()
                    .find(|point| point.node == id)
                    .map(|point| (point.is_spof(), point.reason.clone()))
            })
        }
    };
    // A node that follows a real system wears its name; a load balancer also states its
    // detection window.
    let flavour = {
        let id = id.clone();
        let editor = expect_context::<crate::state::AppState>().editor;
        move || editor.with(|editor| flavour_marks(&editor.document().node(&id)?.params))
    };
    // A node the challenge being played locks (the users, a given database) says so.
    let locked = {
        let id = id.clone();
        let active = expect_context::<crate::state::AppState>().challenges.active;
        move || active.with(|c| c.as_ref().is_some_and(|c| c.locked.contains(&id)))
    };
    let label = {
        let name = name.clone();
        let health = health.clone();
        let single_point = single_point.clone();
        let locked = locked.clone();
        move || {
            let release = pipeline_state
                .and_then(|state| state.get())
                .map(|state| state.line)
                .or_else(|| {
                    versions
                        .and_then(|versions| versions.get())
                        .map(|(shares, _)| format!("running {}", releases::versions_words(&shares)))
                });
            let label = figures::NodeLabel {
                health: health(),
                release,
                single_point: single_point(),
                locked: locked(),
            };
            figures::node_label(kind, &name(), &label)
        }
    };
    view! {
        <div
            class=health_class
            class:node--selected=selected.clone()
            role="button"
            tabindex="0"
            aria-label=label
            data-node-id=id.clone()
            // Long names are cut in the box; the style sheet shows them whole on hover and focus.
            data-full-name=move || {
                let name = title();
                viewport::name_may_be_cut(&name).then_some(name)
            }
            aria-pressed=move || selected().to_string()
            style:left=left
            style:top=top
            style:width=format!("{}px", NODE_SIZE.width)
            style:height=format!("{}px", NODE_SIZE.height)
            on:pointerdown=move |event| on_node_down(event, node_id.clone())
            on:keydown=move |event: web_sys::KeyboardEvent| {
                // F2 on the focused node renames it here; the window's F2 goes to the inspector.
                if event.key() == "F2" {
                    event.prevent_default();
                    event.stop_propagation();
                    renaming.set(Some(rename_id.clone()));
                }
            }
        >
            <span class="node__icon"><NodeIcon kind=kind /></span>
            <span class="node__text">
                <span class="node__name">{name}</span>
                <span
                    class="node__stats"
                    class:node__stats--waiting=move || {
                        pipeline_state.is_some_and(|state| state.with(|state| state.as_ref().is_some_and(|state| state.waiting)))
                    }
                >
                    {
                        let live = live.clone();
                        move || match pipeline_state {
                            Some(state) => state.get().map(|state| state.line),
                            None => live().map(|(_, _, line)| line),
                        }
                    }
                </span>
            </span>
            {figures::has_cpu(kind)
                .then(|| {
                    // A CPU gauge along the bottom edge; its colour band is also in the text (CPU %).
                    let cpu = Memo::new(move |_| live().map_or(0.0, |(_, cpu, _)| cpu.clamp(0.0, 1.0)));
                    view! {
                        <span class="node__gauge" aria-hidden="true">
                            <span
                                class=move || if figures::cpu_is_hot(cpu.get()) { "node__gauge-fill node__gauge-fill--hot" } else { "node__gauge-fill" }
                                style:width=move || format!("{:.0}%", cpu.get() * 100.0)
                            ></span>
                        </span>
                    }
                })}
            {pipeline_state
                .map(|state| {
                    // The current stage's progress along the bottom edge (its words are in the line).
                    let progress = Memo::new(move |_| state.get().and_then(|state| state.progress));
                    move || {
                        progress
                            .get()
                            .map(|done| {
                                view! {
                                    <span class="node__gauge" aria-hidden="true">
                                        <span
                                            class="node__gauge-fill node__gauge-fill--stage"
                                            style:width=format!("{:.0}%", done * 100.0)
                                        ></span>
                                    </span>
                                }
                            })
                    }
                })}
            {versions.map(|versions| move || versions.get().map(|(shares, (pips, more))| view! { <VersionBadge shares=shares pips=pips more=more /> }))}
            <span class="node__health" aria-hidden="true">{move || health().map(figures::health_icon)}</span>
            {move || flavour().map(|FlavourMarks { badge, window }| {
                // Under a version badge (a load balancer in front of a canary), the note moves down.
                let detection = if versions.is_some_and(|versions| versions.get().is_some()) {
                    "node__detection node__detection--low"
                } else {
                    "node__detection"
                };
                view! {
                    {badge.map(|badge| view! { <span class="node__flavour" aria-hidden="true">{badge}</span> })}
                    {window.map(|window| view! { <span class=detection aria-hidden="true">{window}</span> })}
                }
            })}
            {move || locked().then(|| view! {
                <span class="node__locked" title="Locked by the challenge: changing it breaks the rules" aria-hidden="true">"locked"</span>
            })}
            {move || single_point().map(|(full, reason)| view! {
                <span class="node__spof" class:node__spof--partial=!full title=reason aria-hidden="true">
                    {if full { "SPOF" } else { "partial" }}
                </span>
            })}
            // Users send and a pipeline deploys: neither takes requests.
            {(!matches!(kind, NodeKind::Users | NodeKind::Pipeline)).then(|| view! { <span class="port port--in" aria-hidden="true"></span> })}
            {(kind != NodeKind::Monitoring)
                .then(|| {
                    view! {
                        <span
                            class="port port--out"
                            role="button"
                            aria-label=format!("Output of {}: drag to a node to connect", id)
                            on:pointerdown=move |event| on_port_down(event, port_id.clone())
                        ></span>
                    }
                })}
        </div>
    }
}

/// Under a server or group: the versions it serves with their shares ("v1 90 % · v2 10 %") and
/// one pip per instance coloured by its version (hollow while starting, faded while draining).
#[component]
fn VersionBadge(
    shares: Vec<releases::VersionShare>,
    pips: Vec<releases::Pip>,
    more: usize,
) -> impl IntoView {
    let count = shares.len();
    view! {
        <span class="node__versions" aria-hidden="true">
            <span class="node__version-badge">
                {shares
                    .into_iter()
                    .enumerate()
                    .map(|(index, share)| {
                        let text = if share.share.is_empty() {
                            share.version
                        } else {
                            format!("{} {}", share.version, share.share)
                        };
                        view! {
                            <span class=format!("node__version version--{}", share.colour)>{text}</span>
                            {(index + 1 < count).then_some(" · ")}
                        }
                    })
                    .collect_view()}
            </span>
            <span class="node__pips">
                {pips
                    .into_iter()
                    .map(|pip| {
                        view! {
                            <span
                                class=format!("node__pip node__pip--{} version--{}", pip.state.class(), pip.colour)
                                title=format!("{} ({})", pip.version, pip.state.class())
                            ></span>
                        }
                    })
                    .collect_view()}
                {(more > 0).then(|| view! { <span class="node__pips-more">{format!("+{more}")}</span> })}
            </span>
        </span>
    }
}

/// Whether a key event comes from a field where keys type text (Space there is a space).
fn typing_in(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|element| {
            matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || element
                    .closest("[contenteditable]")
                    .ok()
                    .flatten()
                    .is_some()
        })
}
