//! The canvas's pointer gestures as a state machine: plain-data pointer events in, plain-data
//! [`GestureEffect`]s out (history steps, commands, a new viewport or selection, previews, pointer capture).
//!
//! Usage, in the canvas component:
//! ```text
//! pointerdown on the background, a node, its output port or a link:
//!              effects = machine.down(&Pointer { target: Hit::Node(id), .. }, &scene)
//! pointermove: effects = machine.moved(&pointer, &scene)
//! pointerup:   effects = machine.up(&pointer, &scene)     pointercancel: machine.cancel(…)
//! then, in order: StopPropagation → event.stop_propagation(), Capture → set_pointer_capture,
//!              Execute(command) → state.execute(&command), Viewport(view) → viewport.set(view), …
//! ```
//! `scene` is what the machine reads and never changes: the document, the viewport and the selection
//! as they are when the event arrives.
//!
//! One pressed pointer pans (on the background, or anywhere while Space is held), moves nodes (the
//! selected ones, as one undo step, snapped to the grid unless Alt is held), draws a link from an
//! output port, or box selects (Shift, Ctrl or Cmd on the background, adding to the selection). A
//! second pointer turns whatever was under way into a pinch: a node move is rolled back, a link or
//! box is dropped, and the two pointers zoom with their distance and pan with their midpoint; when
//! one of them lifts, the other carries on panning, as on a map. A third pointer is ignored.
//!
//! Leaves out: pointer kinds (mouse, touch and pen behave alike), tap or long-press timing and
//! double-click (the component renames on the browser's `dblclick`), and the wheel (one
//! [`Viewport::zoom_at`] call).

use engine::Design;

use super::command::{Command, LinkId};
use super::drag::{NodeDrag, PendingLink};
use super::geometry::{Point, Rect, Vector};
use super::selection::Selection;
use super::viewport::{self, GRID_SIZE, Viewport};

/// What a pointer went down on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hit {
    /// The empty canvas (or anything on it that does not take pointers itself).
    Background,
    /// A node's box.
    Node(String),
    /// A node's output port: dragging from it draws a link.
    OutputPort(String),
    /// A link's path.
    Link(LinkId),
}

/// The keys held during a pointer event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    pub shift: bool,
    /// Ctrl, or Cmd on a Mac.
    pub control: bool,
    /// Alt places moved nodes freely, off the grid.
    pub alt: bool,
    /// Space held down makes any press a pan, as in drawing tools.
    pub space: bool,
}

impl Modifiers {
    /// Shift, Ctrl or Cmd add to the selection instead of replacing it.
    pub fn additive(self) -> bool {
        self.shift || self.control
    }
}

/// One pointer event on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Pointer {
    /// The browser's pointer id: each finger or pen has its own, the mouse one.
    pub id: i32,
    /// The first finger down, the mouse, or the pen.
    pub primary: bool,
    /// 0 for the main button (a finger, a pen tip, the left mouse button).
    pub button: i16,
    /// Screen pixels, relative to the canvas element's top-left corner.
    pub at: Point,
    pub modifiers: Modifiers,
    /// What the pointer is over; only read on `down`.
    pub target: Hit,
}

/// What the machine reads when a pointer event arrives, never changes.
#[derive(Clone, Copy, Debug)]
pub struct Scene<'a> {
    pub document: &'a Design,
    pub viewport: Viewport,
    pub selection: &'a Selection,
}

/// A link being dragged out of an output port: where it ends and, if the model refuses it, why.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkPreview {
    /// The output port, canvas pixels.
    pub from: Point,
    /// The pointer, canvas pixels.
    pub to: Point,
    pub refusal: Option<String>,
}

/// What the canvas component does for the machine, in the order given.
#[derive(Clone, Debug, PartialEq)]
pub enum GestureEffect {
    /// The event is the canvas's: no element further out sees it.
    StopPropagation,
    /// Capture the event's pointer on the canvas, so its moves and release arrive however far it goes.
    Capture,
    /// Every change until [`GestureEffect::EndGesture`] is one undo step.
    BeginGesture,
    EndGesture,
    /// Put the document back as it was at [`GestureEffect::BeginGesture`].
    CancelGesture,
    /// Run the command through the editor; a refusal is announced there and changes nothing.
    Execute(Command),
    Viewport(Viewport),
    Select(Selection),
    LinkPreview(Option<LinkPreview>),
    /// The box select's rectangle, canvas pixels.
    BoxPreview(Option<Rect>),
}

/// The pointers pressed on the canvas and the gesture they make.
#[derive(Clone, Debug, Default)]
pub struct GestureMachine {
    /// Every pointer pressed on the canvas, in the order they went down, and where it is now
    /// (screen pixels): two of them pinch.
    pressed: Vec<(i32, Point)>,
    gesture: Gesture,
}

/// What the pointer is doing between pointer down and pointer up.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Gesture {
    #[default]
    Idle,
    /// `last` is the pointer at the previous move, screen pixels.
    Panning {
        last: Point,
    },
    MovingNodes {
        drag: NodeDrag,
    },
    /// `from_port` is where the link leaves, canvas pixels.
    Connecting {
        link: PendingLink,
        from_port: Point,
    },
    /// `start` is the corner where the pointer went down, canvas pixels.
    BoxSelecting {
        start: Point,
        additive: bool,
    },
    /// Two pointers down: where they were at the last move, screen pixels.
    Pinching {
        previous: (Point, Point),
    },
}

impl GestureMachine {
    pub fn gesture(&self) -> &Gesture {
        &self.gesture
    }

    /// How many pointers are pressed on the canvas.
    pub fn pressed(&self) -> usize {
        self.pressed.len()
    }

    /// A pointer went down on `pointer.target`.
    pub fn down(&mut self, pointer: &Pointer, scene: &Scene) -> Vec<GestureEffect> {
        // A link is selected by any button and is not part of a gesture.
        if let Hit::Link(link) = &pointer.target {
            let mut selection = scene.selection.clone();
            selection.click_link(link, pointer.modifiers.additive());
            return vec![
                GestureEffect::StopPropagation,
                GestureEffect::Select(selection),
            ];
        }
        if pointer.button != 0 {
            return Vec::new();
        }
        if let Some(effects) = self.press(pointer) {
            return effects;
        }
        let at = scene.viewport.screen_to_canvas(pointer.at);
        let additive = pointer.modifiers.additive();
        match &pointer.target {
            Hit::Background if additive => {
                self.gesture = Gesture::BoxSelecting {
                    start: at,
                    additive: true,
                };
                vec![
                    GestureEffect::Capture,
                    GestureEffect::BoxPreview(Some(Rect::from_corners(at, at))),
                ]
            }
            Hit::Background => {
                self.gesture = Gesture::Panning { last: pointer.at };
                vec![
                    GestureEffect::Capture,
                    GestureEffect::Select(Selection::default()),
                ]
            }
            Hit::Node(id) => {
                // Pressing a selected node keeps the selection, so all of it moves together.
                let mut selection = scene.selection.clone();
                if additive || !selection.contains_node(id) {
                    selection.click_node(id, additive);
                }
                let ids = selection.node_ids();
                let mut effects = vec![
                    GestureEffect::StopPropagation,
                    GestureEffect::Capture,
                    GestureEffect::Select(selection),
                ];
                if let Some(node) = scene.document.node(id) {
                    let anchor = Point::from(node.position);
                    self.gesture = Gesture::MovingNodes {
                        drag: NodeDrag::new(ids, anchor, at),
                    };
                    effects.push(GestureEffect::BeginGesture);
                }
                effects
            }
            Hit::OutputPort(id) => {
                let mut effects = vec![GestureEffect::StopPropagation, GestureEffect::Capture];
                if let Some(node) = scene.document.node(id) {
                    let from_port = viewport::output_port(Point::from(node.position));
                    self.gesture = Gesture::Connecting {
                        link: PendingLink::new(id),
                        from_port,
                    };
                    effects.push(GestureEffect::LinkPreview(Some(LinkPreview {
                        from: from_port,
                        to: from_port,
                        refusal: None,
                    })));
                }
                effects
            }
            // Selected above, before any press is recorded.
            Hit::Link(_) => Vec::new(),
        }
    }

    /// A pointer moved. As before the machine existed, the gesture under way follows whichever
    /// pointer moved; only a pinch tells its two pointers apart.
    pub fn moved(&mut self, pointer: &Pointer, scene: &Scene) -> Vec<GestureEffect> {
        if let Some(pressed) = self.pressed.iter_mut().find(|(id, _)| *id == pointer.id) {
            pressed.1 = pointer.at;
        }
        let at = scene.viewport.screen_to_canvas(pointer.at);
        let current_pair = self.pinch_pair();
        match &mut self.gesture {
            Gesture::Idle => Vec::new(),
            Gesture::Pinching { previous } => {
                let Some(current) = current_pair else {
                    return Vec::new();
                };
                let mut view = scene.viewport;
                view.pinch(*previous, current);
                *previous = current;
                vec![GestureEffect::Viewport(view)]
            }
            Gesture::Panning { last } => {
                let delta = Vector::new(pointer.at.x - last.x, pointer.at.y - last.y);
                *last = pointer.at;
                let mut view = scene.viewport;
                view.pan_by(delta);
                vec![GestureEffect::Viewport(view)]
            }
            Gesture::MovingNodes { drag } => {
                let grid = (!pointer.modifiers.alt).then_some(GRID_SIZE);
                drag.update(at, grid)
                    .map(GestureEffect::Execute)
                    .into_iter()
                    .collect()
            }
            Gesture::Connecting { link, from_port } => {
                // Over a node other than the source, say why the model would refuse the link.
                let refusal = viewport::node_at(scene.document, at)
                    .filter(|target| *target != link.from)
                    .and_then(|target| link.check(scene.document, target).err())
                    .map(|error| error.to_string());
                vec![GestureEffect::LinkPreview(Some(LinkPreview {
                    from: *from_port,
                    to: at,
                    refusal,
                }))]
            }
            Gesture::BoxSelecting { start, .. } => {
                vec![GestureEffect::BoxPreview(Some(Rect::from_corners(
                    *start, at,
                )))]
            }
        }
    }

    /// A pointer was released: the gesture under way ends at `pointer.at`, whichever pointer it
    /// was, except a pinch, which the pointers still down carry on.
    pub fn up(&mut self, pointer: &Pointer, scene: &Scene) -> Vec<GestureEffect> {
        self.pressed.retain(|(id, _)| *id != pointer.id);
        let at = scene.viewport.screen_to_canvas(pointer.at);
        match std::mem::take(&mut self.gesture) {
            Gesture::Idle | Gesture::Panning { .. } => Vec::new(),
            Gesture::Pinching { .. } => {
                if let Some(previous) = self.pinch_pair() {
                    // A third finger lifted: the two others carry on pinching.
                    self.gesture = Gesture::Pinching { previous };
                } else if let Some(&(_, last)) = self.pressed.first() {
                    // One finger lifted: the other carries on panning.
                    self.gesture = Gesture::Panning { last };
                }
                Vec::new()
            }
            Gesture::MovingNodes { .. } => vec![GestureEffect::EndGesture],
            Gesture::Connecting { link, .. } => {
                let mut effects = vec![GestureEffect::LinkPreview(None)];
                if let Some(to) =
                    viewport::node_at(scene.document, at).filter(|to| *to != link.from)
                {
                    effects.push(GestureEffect::Execute(link.finish(to)));
                }
                effects
            }
            Gesture::BoxSelecting { start, additive } => {
                let area = Rect::from_corners(start, at);
                let mut selection = scene.selection.clone();
                selection.box_select(viewport::nodes_in_rect(scene.document, &area), additive);
                vec![
                    GestureEffect::BoxPreview(None),
                    GestureEffect::Select(selection),
                ]
            }
        }
    }

    /// The browser took the pointer away (`pointercancel`). The gesture ends as on release, where
    /// the event says the pointer is: moved nodes stay moved, a link is made if the pointer is over
    /// a node that takes it, a box selects what it holds.
    pub fn cancel(&mut self, pointer: &Pointer, scene: &Scene) -> Vec<GestureEffect> {
        self.up(pointer, scene)
    }

    /// Records a pointer going down. Returns the effects when the press is taken over here (the
    /// second pointer starts a pinch, a third is ignored, Space makes it a pan).
    fn press(&mut self, pointer: &Pointer) -> Option<Vec<GestureEffect>> {
        // A primary pointer going down means no other pointer of its kind is still pressed: any
        // left over lost its pointerup (released outside the window).
        if pointer.primary {
            self.pressed.clear();
        }
        self.pressed.retain(|(id, _)| *id != pointer.id);
        self.pressed.push((pointer.id, pointer.at));
        match self.pressed.len() {
            1 if pointer.modifiers.space => {
                self.gesture = Gesture::Panning { last: pointer.at };
                Some(vec![GestureEffect::StopPropagation, GestureEffect::Capture])
            }
            1 => None,
            2 => {
                let mut effects = vec![GestureEffect::StopPropagation, GestureEffect::Capture];
                effects.extend(self.abandon());
                if let Some(previous) = self.pinch_pair() {
                    self.gesture = Gesture::Pinching { previous };
                }
                Some(effects)
            }
            _ => Some(vec![GestureEffect::StopPropagation]),
        }
    }

    /// Puts back whatever the gesture under way had changed: a second finger turns it into a pinch.
    fn abandon(&mut self) -> Vec<GestureEffect> {
        match std::mem::take(&mut self.gesture) {
            Gesture::MovingNodes { .. } => vec![GestureEffect::CancelGesture],
            Gesture::Connecting { .. } => vec![GestureEffect::LinkPreview(None)],
            Gesture::BoxSelecting { .. } => vec![GestureEffect::BoxPreview(None)],
            Gesture::Idle | Gesture::Panning { .. } | Gesture::Pinching { .. } => Vec::new(),
        }
    }

    /// Where the two pressed pointers are, when exactly two are.
    fn pinch_pair(&self) -> Option<(Point, Point)> {
        match self.pressed.as_slice() {
            [(_, first), (_, second)] => Some((*first, *second)),
            _ => None,
        }
    }
}
