//! The canvas's pointer gestures: pointer events through the `GestureMachine`, its effects carried
//! out on an editor, a viewport and a selection as the canvas component does.

use engine::{Design, NodeKind, link_allowed, presets};

use crate::editor::command::{EditError, LinkId};
use crate::editor::geometry::{Point, Rect, Vector};
use crate::editor::gesture::{Gesture, GestureEffect, Hit, LinkPreview, Modifiers, Pointer, Scene};
use crate::editor::viewport::{GRID_SIZE, Viewport};
use crate::editor::{Editor, GestureMachine, Selection};

/// The canvas without the DOM: what the component keeps, and what it did.
struct Canvas {
    machine: GestureMachine,
    editor: Editor,
    viewport: Viewport,
    selection: Selection,
    link_preview: Option<LinkPreview>,
    box_preview: Option<Rect>,
    /// Pointers captured, and events kept from elements further out, in order.
    captured: Vec<i32>,
    stopped: Vec<i32>,
    /// What `state.execute` announced: every refusal's reason.
    announcements: Vec<String>,
}

impl Canvas {
    /// A canvas on `document` at zoom 1 with no pan, so screen and canvas points are the same.
    fn new(document: Design) -> Canvas {
        Canvas {
            machine: GestureMachine::default(),
            editor: Editor::new(document),
            viewport: Viewport::default(),
            selection: Selection::default(),
            link_preview: None,
            box_preview: None,
            captured: Vec::new(),
            stopped: Vec::new(),
            announcements: Vec::new(),
        }
    }

    fn down(&mut self, pointer: &Pointer) -> Vec<GestureEffect> {
        self.step(pointer, GestureMachine::down)
    }

    fn moved(&mut self, pointer: &Pointer) -> Vec<GestureEffect> {
        self.step(pointer, GestureMachine::moved)
    }

    fn up(&mut self, pointer: &Pointer) -> Vec<GestureEffect> {
        self.step(pointer, GestureMachine::up)
    }

    fn cancel(&mut self, pointer: &Pointer) -> Vec<GestureEffect> {
        self.step(pointer, GestureMachine::cancel)
    }

    /// Runs one step of the machine and carries out its effects; returns them too.
    fn step(
        &mut self,
        pointer: &Pointer,
        step: fn(&mut GestureMachine, &Pointer, &Scene<'_>) -> Vec<GestureEffect>,
    ) -> Vec<GestureEffect> {
        let scene = Scene {
            document: self.editor.document(),
            viewport: self.viewport,
            selection: &self.selection,
        };
        let effects = step(&mut self.machine, pointer, &scene);
        for effect in effects.clone() {
            match effect {
                GestureEffect::StopPropagation => self.stopped.push(pointer.id),
                GestureEffect::Capture => self.captured.push(pointer.id),
                GestureEffect::BeginGesture => self.editor.begin_gesture(),
                GestureEffect::EndGesture => self.editor.end_gesture(),
                GestureEffect::CancelGesture => {
                    self.editor.cancel_gesture();
                }
                GestureEffect::Execute(command) => match self.editor.execute(&command) {
                    Ok(applied) => self.selection.follow(&applied, self.editor.document()),
                    Err(error) => self.announcements.push(error.to_string()),
                },
                GestureEffect::Viewport(view) => self.viewport = view,
                GestureEffect::Select(selection) => self.selection = selection,
                GestureEffect::LinkPreview(preview) => self.link_preview = preview,
                GestureEffect::BoxPreview(area) => self.box_preview = area,
            }
        }
        effects
    }

    fn position(&self, id: &str) -> Point {
        Point::from(
            self.editor
                .document()
                .node(id)
                .expect("the node exists")
                .position,
        )
    }

    fn has_link(&self, from: &str, to: &str) -> bool {
        let link = LinkId::new(from, to);
        self.editor
            .document()
            .links
            .iter()
            .any(|existing| link.matches(existing))
    }
}

/// The mouse's main button at `(x, y)` on the screen, over `target`.
fn mouse(x: f64, y: f64, target: Hit) -> Pointer {
    Pointer {
        id: 1,
        primary: true,
        button: 0,
        at: Point::new(x, y),
        modifiers: Modifiers::default(),
        target,
    }
}

/// A finger; the first one down is the primary pointer.
fn finger(id: i32, x: f64, y: f64, target: Hit) -> Pointer {
    Pointer {
        id,
        primary: id == 10,
        ..mouse(x, y, target)
    }
}

fn with(modifiers: Modifiers, pointer: Pointer) -> Pointer {
    Pointer {
        modifiers,
        ..pointer
    }
}

const NO_KEYS: Modifiers = Modifiers {
    shift: false,
    control: false,
    alt: false,
    space: false,
};
const ALT: Modifiers = Modifiers {
    alt: true,
    ..NO_KEYS
};
const SHIFT: Modifiers = Modifiers {
    shift: true,
    ..NO_KEYS
};
const CONTROL: Modifiers = Modifiers {
    control: true,
    ..NO_KEYS
};
const SPACE: Modifiers = Modifiers {
    space: true,
    ..NO_KEYS
};

fn node(id: &str) -> Hit {
    Hit::Node(id.to_owned())
}

fn close(a: Point, b: Point) -> bool {
    (a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9
}

#[test]
fn dragging_the_background_pans_and_clears_the_selection() {
    let mut canvas = Canvas::new(presets::single_server());
    canvas.selection = Selection::only_nodes(["server".to_owned()]);
    let start = canvas.editor.document().clone();

    let effects = canvas.down(&mouse(100.0, 100.0, Hit::Background));
    assert_eq!(
        effects,
        [
            GestureEffect::Capture,
            GestureEffect::Select(Selection::default())
        ]
    );
    assert!(
        canvas.stopped.is_empty(),
        "the background is the outermost element"
    );
    canvas.moved(&mouse(130.0, 90.0, Hit::Background));
    canvas.moved(&mouse(150.0, 95.0, Hit::Background));
    assert_eq!(canvas.viewport.pan, Vector::new(50.0, -5.0));
    assert_eq!(canvas.viewport.zoom, 1.0);
    assert!(canvas.up(&mouse(150.0, 95.0, Hit::Background)).is_empty());
    assert_eq!(canvas.machine.gesture(), &Gesture::Idle);

    canvas.moved(&mouse(400.0, 400.0, Hit::Background));
    assert_eq!(
        canvas.viewport.pan,
        Vector::new(50.0, -5.0),
        "a hovering pointer pans nothing"
    );
    assert_eq!(canvas.editor.document(), &start);
    assert!(
        !canvas.editor.can_undo(),
        "panning is view state, never an undo step"
    );
}

#[test]
fn moving_a_node_follows_the_pointer_on_the_grid_or_freely_with_alt_and_is_one_undo_step() {
    let mut canvas = Canvas::new(presets::single_server());
    let start = canvas.editor.document().clone();
    // Grab the server (centred at 550, 300) 10 px right of and below its centre.
    canvas.down(&mouse(560.0, 310.0, node("server")));
    assert_eq!(
        canvas.selection,
        Selection::only_nodes(["server".to_owned()])
    );
    assert_eq!(canvas.captured, [1]);
    assert_eq!(
        canvas.stopped,
        [1],
        "the node's press never reaches the background"
    );

    canvas.moved(&mouse(573.0, 342.0, node("server")));
    assert_eq!(
        canvas.position("server"),
        Point::new(560.0, 340.0),
        "snapped to the grid"
    );
    assert_eq!(canvas.position("server").x % GRID_SIZE, 0.0);
    canvas.moved(&with(ALT, mouse(573.0, 342.0, node("server"))));
    assert_eq!(
        canvas.position("server"),
        Point::new(563.0, 332.0),
        "Alt: free"
    );
    canvas.moved(&with(ALT, mouse(600.0, 400.0, node("server"))));
    assert_eq!(canvas.position("server"), Point::new(590.0, 390.0));
    assert_eq!(
        canvas.up(&mouse(600.0, 400.0, node("server"))),
        [GestureEffect::EndGesture]
    );

    assert_eq!(
        canvas.position("users"),
        Point::new(120.0, 300.0),
        "only the grabbed node moved"
    );
    assert_eq!(
        canvas.editor.history().undo_len(),
        1,
        "the whole drag is one step"
    );
    assert_eq!(canvas.editor.undo().as_deref(), Some("Moved 1 node"));
    assert_eq!(canvas.editor.document(), &start);
}

#[test]
fn moving_one_of_several_selected_nodes_moves_them_all_as_one_step() {
    let mut canvas = Canvas::new(presets::single_server());
    let start = canvas.editor.document().clone();
    canvas.selection = Selection::only_nodes(["users".to_owned(), "server".to_owned()]);

    canvas.down(&mouse(550.0, 300.0, node("server")));
    assert_eq!(
        canvas.selection.node_ids(),
        ["server", "users"],
        "pressing a selected node keeps the selection"
    );
    for step in 1..=10 {
        canvas.moved(&with(
            ALT,
            mouse(
                550.0 + 4.0 * f64::from(step),
                300.0 - 2.0 * f64::from(step),
                node("server"),
            ),
        ));
    }
    canvas.up(&mouse(590.0, 280.0, node("server")));

    assert_eq!(canvas.position("server"), Point::new(590.0, 280.0));
    assert_eq!(canvas.position("users"), Point::new(160.0, 280.0));
    assert_eq!(canvas.position("database"), Point::new(950.0, 300.0));
    assert_eq!(canvas.editor.history().undo_len(), 1);
    assert_eq!(canvas.editor.undo().as_deref(), Some("Moved 2 nodes"));
    assert_eq!(canvas.editor.document(), &start);
}

#[test]
fn shift_pressing_a_node_adds_it_and_moves_the_whole_selection() {
    let mut canvas = Canvas::new(presets::single_server());
    canvas.selection = Selection::only_nodes(["users".to_owned()]);
    canvas.down(&with(SHIFT, mouse(950.0, 300.0, node("database"))));
    assert_eq!(canvas.selection.node_ids(), ["database", "users"]);
    canvas.moved(&with(ALT, mouse(960.0, 300.0, node("database"))));
    canvas.up(&mouse(960.0, 300.0, node("database")));
    assert_eq!(canvas.position("database"), Point::new(960.0, 300.0));
    assert_eq!(canvas.position("users"), Point::new(130.0, 300.0));
    assert_eq!(canvas.position("server"), Point::new(550.0, 300.0));
}

#[test]
fn a_tap_on_a_node_selects_it_without_moving_anything() {
    let mut canvas = Canvas::new(presets::single_server());
    let start = canvas.editor.document().clone();
    canvas.selection = Selection::only_nodes(["users".to_owned()]);

    let effects = canvas.down(&mouse(540.0, 290.0, node("server")));
    assert!(effects.contains(&GestureEffect::BeginGesture));
    let effects = canvas.up(&mouse(540.0, 290.0, node("server")));
    assert_eq!(
        effects,
        [GestureEffect::EndGesture],
        "no command: nothing moved"
    );
    assert_eq!(
        canvas.selection,
        Selection::only_nodes(["server".to_owned()])
    );
    assert_eq!(canvas.editor.document(), &start);
    assert!(!canvas.editor.can_undo());

    // A tap on a node that is already among several selected keeps them all selected.
    canvas.selection = Selection::only_nodes(["users".to_owned(), "server".to_owned()]);
    canvas.down(&mouse(540.0, 290.0, node("server")));
    canvas.up(&mouse(540.0, 290.0, node("server")));
    assert_eq!(canvas.selection.node_ids(), ["server", "users"]);
    assert!(!canvas.editor.can_undo());
}

#[test]
fn dragging_from_an_output_port_previews_the_link_and_connects_on_a_node_that_takes_it() {
    let mut canvas = Canvas::new(presets::horizontal_scaling());
    // The users node is centred at (100, 300): its output port is the middle of its right edge.
    let port = Point::new(172.0, 300.0);
    canvas.down(&mouse(port.x, port.y, Hit::OutputPort("users".to_owned())));
    assert_eq!(
        canvas.link_preview,
        Some(LinkPreview {
            from: port,
            to: port,
            refusal: None
        })
    );
    assert_eq!(
        canvas.selection,
        Selection::default(),
        "drawing a link selects nothing"
    );

    // Over the empty canvas, and over the source itself: no refusal to show.
    canvas.moved(&mouse(250.0, 200.0, Hit::Background));
    assert_eq!(
        canvas.link_preview.as_ref().map(|preview| preview.to),
        Some(Point::new(250.0, 200.0))
    );
    assert_eq!(
        canvas
            .link_preview
            .as_ref()
            .and_then(|preview| preview.refusal.clone()),
        None
    );
    canvas.moved(&mouse(110.0, 300.0, Hit::Background));
    assert_eq!(
        canvas
            .link_preview
            .as_ref()
            .and_then(|preview| preview.refusal.clone()),
        None
    );

    // Over server 1, which takes the link.
    canvas.moved(&mouse(680.0, 160.0, Hit::Background));
    assert_eq!(
        canvas.link_preview,
        Some(LinkPreview {
            from: port,
            to: Point::new(680.0, 160.0),
            refusal: None
        })
    );
    let effects = canvas.up(&mouse(680.0, 160.0, Hit::Background));
    assert_eq!(canvas.link_preview, None);
    assert!(effects.contains(&GestureEffect::LinkPreview(None)));
    assert!(canvas.has_link("users", "server-1"));
    assert_eq!(
        canvas.editor.undo().as_deref(),
        Some("Connected users to server-1")
    );
    assert!(!canvas.has_link("users", "server-1"));
}

#[test]
fn a_refused_link_shows_its_reason_while_dragged_and_changes_nothing_when_dropped() {
    let mut canvas = Canvas::new(presets::horizontal_scaling());
    let start = canvas.editor.document().clone();
    let reason = link_allowed(NodeKind::Users, NodeKind::Database)
        .unwrap_err()
        .to_string();
    assert!(
        reason.contains("never talk to caches or databases"),
        "{reason}"
    );

    canvas.down(&mouse(172.0, 300.0, Hit::OutputPort("users".to_owned())));
    canvas.moved(&mouse(1000.0, 310.0, Hit::Background));
    assert_eq!(
        canvas
            .link_preview
            .as_ref()
            .and_then(|preview| preview.refusal.clone()),
        Some(reason.clone())
    );
    canvas.up(&mouse(1000.0, 310.0, Hit::Background));
    assert_eq!(canvas.link_preview, None);
    assert_eq!(
        canvas.announcements,
        [reason],
        "the editor refuses it and says why"
    );
    assert_eq!(canvas.editor.document(), &start);

    // A link that would loop is refused with the cycle named.
    canvas.announcements.clear();
    canvas.down(&mouse(752.0, 300.0, Hit::OutputPort("server-2".to_owned())));
    canvas.moved(&mouse(380.0, 300.0, Hit::Background));
    let refusal = canvas
        .link_preview
        .as_ref()
        .and_then(|preview| preview.refusal.clone());
    assert!(
        refusal
            .as_deref()
            .is_some_and(|refusal| refusal.contains("loop forever")),
        "{refusal:?}"
    );
    canvas.up(&mouse(380.0, 300.0, Hit::Background));
    assert_eq!(canvas.announcements.len(), 1);
    assert_eq!(canvas.editor.document(), &start);

    // Dropped on the empty canvas or back on the source: nothing is tried.
    canvas.announcements.clear();
    for (x, y) in [(250.0, 600.0), (100.0, 300.0)] {
        canvas.down(&mouse(172.0, 300.0, Hit::OutputPort("users".to_owned())));
        let effects = canvas.up(&mouse(x, y, Hit::Background));
        assert_eq!(effects, [GestureEffect::LinkPreview(None)]);
    }
    assert!(canvas.announcements.is_empty());
    assert!(!canvas.editor.can_undo());
}

#[test]
fn a_duplicate_link_is_refused_by_the_editor() {
    let mut canvas = Canvas::new(presets::horizontal_scaling());
    canvas.down(&mouse(452.0, 300.0, Hit::OutputPort("lb".to_owned())));
    canvas.moved(&mouse(680.0, 150.0, Hit::Background));
    let expected = EditError::DuplicateLink(LinkId::new("lb", "server-1")).to_string();
    assert_eq!(
        canvas
            .link_preview
            .as_ref()
            .and_then(|preview| preview.refusal.clone()),
        Some(expected.clone())
    );
    canvas.up(&mouse(680.0, 150.0, Hit::Background));
    assert_eq!(canvas.announcements, [expected]);
}

#[test]
fn shift_or_ctrl_on_the_background_box_selects_adding_to_the_selection() {
    let mut canvas = Canvas::new(presets::horizontal_scaling());
    canvas.selection = Selection::only_nodes(["database".to_owned()]);
    canvas
        .selection
        .click_link(&LinkId::new("users", "lb"), true);

    canvas.down(&with(SHIFT, mouse(20.0, 100.0, Hit::Background)));
    assert_eq!(
        canvas.box_preview,
        Some(Rect::from_corners(
            Point::new(20.0, 100.0),
            Point::new(20.0, 100.0)
        ))
    );
    canvas.moved(&mouse(500.0, 400.0, Hit::Background));
    assert_eq!(
        canvas.box_preview,
        Some(Rect::from_corners(
            Point::new(20.0, 100.0),
            Point::new(500.0, 400.0)
        ))
    );
    canvas.up(&mouse(500.0, 400.0, Hit::Background));
    assert_eq!(canvas.box_preview, None);
    // Users (100, 300) and the load balancer (380, 300) lie wholly inside; the monitoring node at
    // (380, 80) sticks out at the top, the servers on the right.
    assert_eq!(canvas.selection.node_ids(), ["database", "lb", "users"]);
    assert!(
        canvas.selection.contains_link(&LinkId::new("users", "lb")),
        "added, not replaced"
    );

    // Ctrl (Cmd on a Mac) does the same, in any direction, on a zoomed and panned view.
    canvas.viewport = Viewport {
        pan: Vector::new(-100.0, 50.0),
        zoom: 0.5,
    };
    canvas.selection = Selection::default();
    // Screen (460, 250) and (200, 100) are canvas (1120, 400) and (600, 100): the database and the
    // two upper servers lie inside, the lowest server (418 to 482 down) does not.
    canvas.down(&with(CONTROL, mouse(460.0, 250.0, Hit::Background)));
    canvas.moved(&mouse(200.0, 100.0, Hit::Background));
    canvas.up(&mouse(200.0, 100.0, Hit::Background));
    assert_eq!(
        canvas.selection.node_ids(),
        ["database", "server-1", "server-2"]
    );
    assert!(!canvas.editor.can_undo(), "selecting is never an undo step");
}

#[test]
fn two_fingers_pinch_zoom_around_their_midpoint_and_the_last_one_pans() {
    let mut canvas = Canvas::new(presets::single_server());
    canvas.down(&finger(10, 100.0, 100.0, Hit::Background));
    let effects = canvas.down(&finger(11, 300.0, 100.0, Hit::Background));
    assert_eq!(
        effects,
        [GestureEffect::StopPropagation, GestureEffect::Capture]
    );
    assert_eq!(
        canvas.machine.gesture(),
        &Gesture::Pinching {
            previous: (Point::new(100.0, 100.0), Point::new(300.0, 100.0))
        }
    );

    // The fingers' distance doubles while their midpoint moves from (200, 100) to (300, 100): the
    // canvas point that was under the midpoint stays under it.
    let under_midpoint = canvas.viewport.screen_to_canvas(Point::new(200.0, 100.0));
    canvas.moved(&finger(11, 500.0, 100.0, Hit::Background));
    assert!(
        (canvas.viewport.zoom - 2.0).abs() < 1e-9,
        "{:?}",
        canvas.viewport
    );
    assert!(close(
        canvas.viewport.canvas_to_screen(under_midpoint),
        Point::new(300.0, 100.0)
    ));

    // Closing them again zooms back out.
    canvas.moved(&finger(10, 300.0, 100.0, Hit::Background));
    assert!(
        (canvas.viewport.zoom - 1.0).abs() < 1e-9,
        "{:?}",
        canvas.viewport
    );

    // One finger lifts: the other carries on panning, from where it is.
    canvas.up(&finger(10, 300.0, 100.0, Hit::Background));
    assert_eq!(
        canvas.machine.gesture(),
        &Gesture::Panning {
            last: Point::new(500.0, 100.0)
        }
    );
    let before = canvas.viewport;
    canvas.moved(&finger(11, 520.0, 110.0, Hit::Background));
    assert_eq!(
        canvas.viewport.pan,
        Vector::new(before.pan.x + 20.0, before.pan.y + 10.0)
    );
    assert_eq!(canvas.viewport.zoom, before.zoom);
    canvas.up(&finger(11, 520.0, 110.0, Hit::Background));
    assert_eq!(canvas.machine.gesture(), &Gesture::Idle);
    assert_eq!(canvas.machine.pressed(), 0);
}

#[test]
fn a_second_pointer_mid_drag_puts_the_nodes_back_and_pinches() {
    let mut canvas = Canvas::new(presets::single_server());
    let start = canvas.editor.document().clone();
    canvas.down(&finger(10, 550.0, 300.0, node("server")));
    canvas.moved(&with(ALT, finger(10, 600.0, 330.0, node("server"))));
    assert_eq!(canvas.position("server"), Point::new(600.0, 330.0));

    let effects = canvas.down(&finger(11, 800.0, 330.0, Hit::Background));
    assert_eq!(
        effects,
        [
            GestureEffect::StopPropagation,
            GestureEffect::Capture,
            GestureEffect::CancelGesture
        ]
    );
    assert_eq!(canvas.editor.document(), &start, "the move is rolled back");
    assert!(!canvas.editor.can_undo(), "and leaves no undo step");
    assert!(matches!(canvas.machine.gesture(), Gesture::Pinching { .. }));
    canvas.moved(&finger(11, 1000.0, 330.0, Hit::Background));
    assert_eq!(canvas.editor.document(), &start, "pinching moves no node");
    assert!((canvas.viewport.zoom - 2.0).abs() < 1e-9);
    assert_eq!(
        canvas.selection,
        Selection::only_nodes(["server".to_owned()]),
        "the press still selected it"
    );

    // A third finger is ignored, and when it lifts the two others carry on pinching.
    let effects = canvas.down(&finger(12, 50.0, 50.0, Hit::Background));
    assert_eq!(effects, [GestureEffect::StopPropagation]);
    assert_eq!(canvas.machine.pressed(), 3);
    canvas.up(&finger(12, 50.0, 50.0, Hit::Background));
    assert!(matches!(canvas.machine.gesture(), Gesture::Pinching { .. }));
}

#[test]
fn a_second_pointer_drops_a_link_or_a_box_under_way() {
    let mut canvas = Canvas::new(presets::horizontal_scaling());
    canvas.down(&finger(
        10,
        172.0,
        300.0,
        Hit::OutputPort("users".to_owned()),
    ));
    canvas.moved(&finger(10, 680.0, 150.0, Hit::Background));
    canvas.down(&finger(11, 900.0, 500.0, Hit::Background));
    assert_eq!(canvas.link_preview, None);
    canvas.up(&finger(10, 680.0, 150.0, Hit::Background));
    canvas.up(&finger(11, 900.0, 500.0, Hit::Background));
    assert!(
        !canvas.has_link("users", "server-1"),
        "a pinch makes no link"
    );

    canvas.down(&with(SHIFT, finger(10, 20.0, 20.0, Hit::Background)));
    canvas.moved(&finger(10, 1200.0, 600.0, Hit::Background));
    assert!(canvas.box_preview.is_some());
    canvas.down(&finger(11, 900.0, 500.0, Hit::Background));
    assert_eq!(canvas.box_preview, None);
    canvas.up(&finger(10, 1200.0, 600.0, Hit::Background));
    assert_eq!(
        canvas.selection,
        Selection::default(),
        "a pinch selects nothing"
    );
}

#[test]
fn a_cancelled_pointer_ends_its_gesture_as_a_release_does() {
    let mut canvas = Canvas::new(presets::single_server());
    canvas.down(&finger(10, 550.0, 300.0, node("server")));
    canvas.moved(&with(ALT, finger(10, 570.0, 300.0, node("server"))));
    assert_eq!(
        canvas.cancel(&finger(10, 570.0, 300.0, node("server"))),
        [GestureEffect::EndGesture]
    );
    assert_eq!(
        canvas.position("server"),
        Point::new(570.0, 300.0),
        "the move stays"
    );
    assert_eq!(canvas.editor.history().undo_len(), 1);
    assert_eq!(canvas.machine.gesture(), &Gesture::Idle);
    assert_eq!(canvas.machine.pressed(), 0);

    // A cancelled finger of a pinch leaves the other one panning.
    canvas.down(&finger(10, 100.0, 100.0, Hit::Background));
    canvas.down(&finger(11, 200.0, 100.0, Hit::Background));
    canvas.cancel(&finger(11, 200.0, 100.0, Hit::Background));
    assert_eq!(
        canvas.machine.gesture(),
        &Gesture::Panning {
            last: Point::new(100.0, 100.0)
        }
    );
    assert_eq!(canvas.machine.pressed(), 1);
}

#[test]
fn space_makes_a_press_on_a_node_pan_and_other_buttons_do_nothing() {
    let mut canvas = Canvas::new(presets::single_server());
    let start = canvas.editor.document().clone();
    let effects = canvas.down(&with(SPACE, mouse(550.0, 300.0, node("server"))));
    assert_eq!(
        effects,
        [GestureEffect::StopPropagation, GestureEffect::Capture]
    );
    canvas.moved(&mouse(500.0, 320.0, node("server")));
    canvas.up(&mouse(500.0, 320.0, node("server")));
    assert_eq!(canvas.viewport.pan, Vector::new(-50.0, 20.0));
    assert_eq!(canvas.editor.document(), &start, "the node stayed");
    assert_eq!(
        canvas.selection,
        Selection::default(),
        "and was not selected"
    );

    // The right button (2) or the middle one (1) starts nothing.
    for button in [1, 2] {
        for target in [
            Hit::Background,
            node("server"),
            Hit::OutputPort("server".to_owned()),
        ] {
            let pointer = Pointer {
                button,
                ..mouse(550.0, 300.0, target)
            };
            assert!(canvas.down(&pointer).is_empty());
            assert_eq!(canvas.machine.gesture(), &Gesture::Idle);
        }
    }
}

#[test]
fn pressing_a_link_selects_it_and_shift_adds_it() {
    let mut canvas = Canvas::new(presets::single_server());
    let first = LinkId::new("users", "server");
    let second = LinkId::new("server", "database");
    canvas.selection = Selection::only_nodes(["users".to_owned()]);

    canvas.down(&mouse(300.0, 300.0, Hit::Link(first.clone())));
    assert!(canvas.selection.contains_link(&first) && canvas.selection.nodes.is_empty());
    canvas.down(&with(SHIFT, mouse(700.0, 300.0, Hit::Link(second.clone()))));
    assert!(canvas.selection.contains_link(&first) && canvas.selection.contains_link(&second));
    assert_eq!(canvas.stopped, [1, 1]);
    assert_eq!(
        canvas.machine.gesture(),
        &Gesture::Idle,
        "a link press starts no gesture"
    );
    assert_eq!(canvas.machine.pressed(), 0);
}

#[test]
fn a_primary_press_forgets_pointers_that_lost_their_release() {
    let mut canvas = Canvas::new(presets::single_server());
    // A finger went down and its release happened outside the window.
    canvas.down(&finger(10, 100.0, 100.0, Hit::Background));
    // The next first finger is primary again: a pan, not a pinch with the lost one.
    canvas.down(&finger(10, 300.0, 300.0, Hit::Background));
    assert_eq!(canvas.machine.pressed(), 1);
    assert_eq!(
        canvas.machine.gesture(),
        &Gesture::Panning {
            last: Point::new(300.0, 300.0)
        }
    );
}
