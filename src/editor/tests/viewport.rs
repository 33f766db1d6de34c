//! Viewport math, hit tests, snapping, dragging and selection.

use engine::presets;

use crate::editor::geometry::{Point, Rect, Size, Vector};
use crate::editor::viewport::{
    self, FIT_PADDING, MAX_FIT_ZOOM, MAX_ZOOM, MIN_ZOOM, NODE_SIZE, Viewport, document_bounds,
    node_at, nodes_in_rect, snap, wheel_zoom_factor,
};
use crate::editor::{Command, LinkId, NodeDrag, Selection};

const EPSILON: f64 = 1e-9;

fn close(a: Point, b: Point) -> bool {
    (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6
}

fn viewports() -> Vec<Viewport> {
    vec![
        Viewport::default(),
        Viewport {
            pan: Vector::new(120.0, -40.0),
            zoom: 1.5,
        },
        Viewport {
            pan: Vector::new(-300.5, 800.25),
            zoom: MIN_ZOOM,
        },
        Viewport {
            pan: Vector::new(7.0, 7.0),
            zoom: MAX_ZOOM,
        },
    ]
}

fn points() -> Vec<Point> {
    vec![
        Point::new(0.0, 0.0),
        Point::new(640.0, 360.0),
        Point::new(-55.5, 1234.0),
        Point::new(1e5, -1e5),
    ]
}

#[test]
fn screen_to_canvas_and_back_is_the_identity() {
    for viewport in viewports() {
        for point in points() {
            let canvas = viewport.screen_to_canvas(point);
            assert!(
                close(viewport.canvas_to_screen(canvas), point),
                "{viewport:?} {point:?}"
            );
            let screen = viewport.canvas_to_screen(point);
            assert!(
                close(viewport.screen_to_canvas(screen), point),
                "{viewport:?} {point:?}"
            );
        }
    }
}

#[test]
fn the_transform_is_translate_then_scale() {
    let viewport = Viewport {
        pan: Vector::new(100.0, 50.0),
        zoom: 2.0,
    };
    assert_eq!(
        viewport.canvas_to_screen(Point::new(10.0, 20.0)),
        Point::new(120.0, 90.0)
    );
    assert_eq!(viewport.css_transform(), "translate(100px, 50px) scale(2)");
    assert_eq!(
        viewport.screen_delta_to_canvas(Vector::new(10.0, -4.0)),
        Vector::new(5.0, -2.0)
    );
    assert_eq!(viewport.zoom_percent(), 200);
}

#[test]
fn zooming_keeps_the_point_under_the_cursor_fixed() {
    for start in viewports() {
        for cursor in points() {
            for factor in [1.2, 1.0 / 1.2, 3.0, 0.01, 100.0] {
                let mut viewport = start;
                let under_cursor = viewport.screen_to_canvas(cursor);
                viewport.zoom_at(cursor, factor);
                assert!(
                    (MIN_ZOOM..=MAX_ZOOM).contains(&viewport.zoom),
                    "zoom {} out of range",
                    viewport.zoom
                );
                assert!(
                    close(viewport.canvas_to_screen(under_cursor), cursor),
                    "{start:?} at {cursor:?} × {factor}"
                );
            }
        }
    }
}

#[test]
fn zoom_is_clamped_and_ignores_nonsense() {
    let check = |factor: f64, expected: f64| {
        let mut viewport = Viewport::default();
        viewport.zoom_at(Point::new(10.0, 10.0), factor);
        assert!((viewport.zoom - expected).abs() < EPSILON, "× {factor}");
    };
    check(100.0, MAX_ZOOM);
    check(0.0001, MIN_ZOOM);
    check(f64::NAN, 1.0);
    check(f64::INFINITY, 1.0);
    check(2.0, 2.0);
}

#[test]
fn wheel_down_zooms_out_and_up_zooms_in() {
    assert!(wheel_zoom_factor(100.0) < 1.0);
    assert!(wheel_zoom_factor(-100.0) > 1.0);
    assert!((wheel_zoom_factor(100.0) * wheel_zoom_factor(-100.0) - 1.0).abs() < EPSILON);
    assert_eq!(wheel_zoom_factor(0.0), 1.0);
    assert_eq!(wheel_zoom_factor(f64::NAN), 1.0);
    assert_eq!(
        wheel_zoom_factor(1e9),
        wheel_zoom_factor(500.0),
        "one wild event is capped"
    );
}

#[test]
fn pinching_zooms_by_the_finger_distance_around_their_midpoint() {
    let mut viewport = Viewport::default();
    let under_midpoint = viewport.screen_to_canvas(Point::new(200.0, 200.0));
    viewport.pinch(
        (Point::new(150.0, 200.0), Point::new(250.0, 200.0)),
        (Point::new(100.0, 200.0), Point::new(300.0, 200.0)),
    );
    assert!((viewport.zoom - 2.0).abs() < EPSILON);
    assert!(close(
        viewport.canvas_to_screen(under_midpoint),
        Point::new(200.0, 200.0)
    ));
    // Both fingers moving together pan without zooming.
    viewport.pinch(
        (Point::new(100.0, 200.0), Point::new(300.0, 200.0)),
        (Point::new(110.0, 220.0), Point::new(310.0, 220.0)),
    );
    assert!((viewport.zoom - 2.0).abs() < EPSILON);
    assert!(close(
        viewport.canvas_to_screen(under_midpoint),
        Point::new(210.0, 220.0)
    ));
    // Fingers on the same spot do nothing.
    let before = viewport;
    let same = Point::new(5.0, 5.0);
    viewport.pinch((same, same), (same, Point::new(50.0, 5.0)));
    assert_eq!(viewport, before);
}

#[test]
fn fit_centres_the_bounds_and_keeps_them_inside_the_padding() {
    let screen = Size::new(1200.0, 700.0);
    let check = |bounds: Rect, expected_zoom: f64| {
        let viewport = Viewport::fit(bounds, screen, 50.0);
        assert!(
            (viewport.zoom - expected_zoom).abs() < EPSILON,
            "{bounds:?}"
        );
        assert!(close(
            viewport.canvas_to_screen(bounds.centre()),
            Point::new(600.0, 350.0)
        ));
        let top_left = viewport.canvas_to_screen(bounds.min);
        let bottom_right = viewport.canvas_to_screen(bounds.max);
        assert!(
            top_left.x >= 50.0 - EPSILON && top_left.y >= 50.0 - EPSILON
                || expected_zoom == MIN_ZOOM
        );
        assert!(
            bottom_right.x <= 1150.0 + EPSILON && bottom_right.y <= 650.0 + EPSILON
                || expected_zoom == MIN_ZOOM
        );
    };
    let rect = |x0, y0, x1, y1| Rect::from_corners(Point::new(x0, y0), Point::new(x1, y1));
    // Wide: the width decides.
    check(rect(0.0, 0.0, 4000.0, 1000.0), 1100.0 / 4000.0);
    // Tall: the height decides.
    check(rect(-500.0, -500.0, 500.0, 1500.0), 600.0 / 2000.0);
    // Small: never magnified beyond MAX_FIT_ZOOM.
    check(rect(10.0, 10.0, 154.0, 74.0), MAX_FIT_ZOOM);
    // Enormous: the zoom stops at its minimum, still centred.
    check(rect(0.0, 0.0, 1e6, 1e6), MIN_ZOOM);
}

#[test]
fn fitting_every_preset_shows_every_node() {
    let screen = Size::new(1280.0, 720.0);
    for (title, design) in presets::all() {
        let viewport = Viewport::fit_document(&design, screen);
        for node in &design.nodes {
            let rect = viewport::node_rect(node.position.into());
            for corner in [rect.min, rect.max] {
                let on_screen = viewport.canvas_to_screen(corner);
                assert!(
                    on_screen.x >= FIT_PADDING - EPSILON
                        && on_screen.x <= screen.width - FIT_PADDING + EPSILON
                        && on_screen.y >= FIT_PADDING - EPSILON
                        && on_screen.y <= screen.height - FIT_PADDING + EPSILON,
                    "{title}: {} is off screen at {on_screen:?}",
                    node.id
                );
            }
        }
    }
    let empty = engine::Design {
        nodes: Vec::new(),
        ..presets::single_server()
    };
    assert_eq!(Viewport::fit_document(&empty, screen), Viewport::default());
}

#[test]
fn visible_canvas_rect_is_the_screen_seen_through_the_viewport() {
    let viewport = Viewport {
        pan: Vector::new(-100.0, 50.0),
        zoom: 2.0,
    };
    let visible = viewport.visible_canvas_rect(Size::new(800.0, 600.0));
    assert_eq!(
        visible,
        Rect::from_corners(Point::new(50.0, -25.0), Point::new(450.0, 275.0))
    );
}

#[test]
fn positions_are_node_centres() {
    let design = presets::single_server();
    let bounds = document_bounds(&design).expect("four nodes");
    // Users at (120, 300) on the left, monitoring at (550, 120) on top.
    assert_eq!(
        bounds.min,
        Point::new(
            120.0 - NODE_SIZE.width / 2.0,
            120.0 - NODE_SIZE.height / 2.0
        )
    );
    assert_eq!(
        bounds.max,
        Point::new(
            950.0 + NODE_SIZE.width / 2.0,
            300.0 + NODE_SIZE.height / 2.0
        )
    );
    let server = Point::new(550.0, 300.0);
    assert_eq!(
        viewport::output_port(server),
        Point::new(550.0 + NODE_SIZE.width / 2.0, 300.0)
    );
    assert_eq!(
        viewport::input_port(server),
        Point::new(550.0 - NODE_SIZE.width / 2.0, 300.0)
    );
    assert_eq!(
        viewport::link_path(Point::new(0.0, 0.0), Point::new(200.0, 50.0)),
        "M 0 0 C 100 0, 100 50, 200 50"
    );
}

#[test]
fn box_select_takes_the_nodes_wholly_inside() {
    let design = presets::horizontal_scaling();
    let check = |a: Point, b: Point, expected: &[&str]| {
        assert_eq!(
            nodes_in_rect(&design, &Rect::from_corners(a, b)),
            expected,
            "{a:?}–{b:?}"
        );
    };
    // The three servers sit in a column at x = 680.
    check(
        Point::new(600.0, 100.0),
        Point::new(760.0, 500.0),
        &["server-1", "server-2", "server-3"],
    );
    // Dragged up and to the left: the same box.
    check(
        Point::new(760.0, 500.0),
        Point::new(600.0, 100.0),
        &["server-1", "server-2", "server-3"],
    );
    // Cutting through a node does not take it.
    check(Point::new(600.0, 100.0), Point::new(700.0, 500.0), &[]);
    check(
        Point::new(-1e4, -1e4),
        Point::new(1e4, 1e4),
        &[
            "users",
            "lb",
            "server-1",
            "server-2",
            "server-3",
            "database",
            "monitoring",
        ],
    );
}

#[test]
fn node_at_hits_the_box_around_the_centre() {
    let design = presets::single_server();
    let check = |point: Point, expected: Option<&str>| {
        assert_eq!(node_at(&design, point), expected, "{point:?}");
    };
    check(Point::new(550.0, 300.0), Some("server"));
    check(
        Point::new(
            550.0 + NODE_SIZE.width / 2.0,
            300.0 + NODE_SIZE.height / 2.0,
        ),
        Some("server"),
    );
    check(Point::new(550.0 + NODE_SIZE.width / 2.0 + 1.0, 300.0), None);
    check(Point::new(120.0, 280.0), Some("users"));
    check(Point::new(0.0, 0.0), None);
}

#[test]
fn snapping_goes_to_the_nearest_grid_line() {
    for (value, grid, expected) in [
        (0.0, 20.0, 0.0),
        (9.9, 20.0, 0.0),
        (10.0, 20.0, 20.0),
        (-9.9, 20.0, 0.0),
        (-31.0, 20.0, -40.0),
        (333.0, 20.0, 340.0),
        (333.0, 0.0, 333.0),
    ] {
        assert_eq!(snap(value, grid), expected, "snap({value}, {grid})");
    }
}

fn moved_by(command: Option<Command>) -> Option<Vector> {
    match command {
        Some(Command::MoveNodes { by, .. }) => Some(by),
        Some(other) => panic!("a drag made {other:?}"),
        None => None,
    }
}

#[test]
fn a_drag_follows_the_pointer_in_increments() {
    let ids = vec!["a".to_owned(), "b".to_owned()];
    let mut drag = NodeDrag::new(
        ids.clone(),
        Point::new(100.0, 100.0),
        Point::new(110.0, 120.0),
    );
    assert_eq!(
        moved_by(drag.update(Point::new(115.0, 120.0), None)),
        Some(Vector::new(5.0, 0.0))
    );
    assert_eq!(
        moved_by(drag.update(Point::new(115.0, 120.0), None)),
        None,
        "no movement, no command"
    );
    assert_eq!(
        moved_by(drag.update(Point::new(100.0, 130.0), None)),
        Some(Vector::new(-15.0, 10.0))
    );
    assert_eq!(drag.moved(), Vector::new(-10.0, 10.0));
    assert_eq!(drag.ids(), ids);
}

#[test]
fn a_snapped_drag_puts_the_grabbed_node_on_the_grid() {
    // The node's centre starts off the grid; the pointer grabbed it 10 px right of the centre.
    let anchor = Point::new(103.0, 97.0);
    let mut drag = NodeDrag::new(vec!["a".to_owned()], anchor, Point::new(113.0, 97.0));
    let mut position = anchor;
    for pointer in [
        Point::new(120.0, 101.0),
        Point::new(139.0, 130.0),
        Point::new(151.0, 69.0),
    ] {
        if let Some(by) = moved_by(drag.update(pointer, Some(20.0))) {
            position = position.plus(by);
        }
        assert_eq!(position.x % 20.0, 0.0, "{position:?}");
        assert_eq!(position.y % 20.0, 0.0, "{position:?}");
    }
    assert_eq!(position, Point::new(140.0, 60.0));
}

#[test]
fn selection_clicks_toggle_and_box_select() {
    let mut selection = Selection::default();
    selection.click_node("a", false);
    selection.click_node("b", true);
    assert_eq!(selection.node_ids(), ["a", "b"]);
    selection.click_node("a", true);
    assert_eq!(selection.node_ids(), ["b"]);
    assert_eq!(selection.single_node(), Some("b"));
    let link = LinkId::new("a", "b");
    selection.click_link(&link, true);
    assert!(selection.contains_link(&link));
    assert_eq!(selection.single_node(), None, "a link is selected too");
    selection.click_link(&link, false);
    assert!(selection.nodes.is_empty() && selection.contains_link(&link));
    selection.box_select(["c".to_owned(), "d".to_owned()], true);
    assert_eq!(selection.node_ids(), ["c", "d"]);
    assert!(
        selection.contains_link(&link),
        "additive box select keeps what was selected"
    );
    selection.box_select(["e".to_owned()], false);
    assert_eq!(selection, Selection::only_nodes(["e".to_owned()]));
    selection.clear();
    assert!(selection.is_empty());
}

#[test]
fn selection_follows_the_document() {
    let design = presets::horizontal_scaling();
    let mut selection = Selection::default();
    selection.select_all(&design);
    assert_eq!(selection.nodes.len(), design.nodes.len());
    selection.click_link(&LinkId::new("lb", "server-1"), true);
    selection.click_link(&LinkId::new("ghost", "lb"), true);
    selection.nodes.insert("ghost".to_owned());
    selection.retain_existing(&design);
    assert!(!selection.contains_node("ghost"));
    assert_eq!(
        selection.links.iter().collect::<Vec<_>>(),
        [&LinkId::new("lb", "server-1")]
    );
    let Command::Delete { nodes, links } = selection.delete_command() else {
        panic!("a delete command");
    };
    assert_eq!(nodes.len(), design.nodes.len());
    assert_eq!(links, [LinkId::new("lb", "server-1")]);
}

#[test]
fn a_pending_link_knows_its_valid_targets() {
    let design = presets::horizontal_scaling();
    let from_lb = crate::editor::PendingLink::new("lb");
    // lb already links to every server; users and the database refuse; lb cannot link to itself.
    assert_eq!(from_lb.valid_targets(&design), Vec::<String>::new());
    let from_server = crate::editor::PendingLink::new("server-1");
    assert_eq!(
        from_server.valid_targets(&design),
        Vec::<String>::new(),
        "server-1 → lb would loop"
    );
    let from_users = crate::editor::PendingLink::new("users");
    assert_eq!(
        from_users.valid_targets(&design),
        ["server-1", "server-2", "server-3"]
    );
    assert_eq!(
        from_users
            .check(&design, "database")
            .unwrap_err()
            .to_string(),
        engine::link_allowed(engine::NodeKind::Users, engine::NodeKind::Database)
            .unwrap_err()
            .to_string()
    );
    assert_eq!(
        from_users.finish("server-2"),
        Command::Connect {
            from: "users".to_owned(),
            to: "server-2".to_owned()
        }
    );
}

#[test]
fn reading_order_goes_left_to_right_then_top_to_bottom() {
    assert_eq!(
        viewport::reading_order(&presets::distributed()),
        [
            "users",
            "cdn",
            "lb",
            "monitoring",
            "web",
            "cache",
            "auth",
            "database"
        ]
    );
}

#[test]
fn the_selection_follows_executed_commands() {
    let mut editor = crate::editor::Editor::new(presets::single_server());
    let mut selection = Selection::only_nodes(["server".to_owned()]);
    let duplicated = editor
        .execute(&Command::Duplicate {
            ids: selection.node_ids(),
        })
        .unwrap();
    selection.follow(&duplicated, editor.document());
    assert_eq!(selection.node_ids(), ["server-1"]);
    let deleted = editor.execute(&selection.delete_command()).unwrap();
    selection.follow(&deleted, editor.document());
    assert!(selection.is_empty());
}

#[test]
fn centre_on_puts_the_point_in_the_middle_and_keeps_the_zoom() {
    let screen = Size::new(1000.0, 600.0);
    for mut viewport in viewports() {
        let zoom = viewport.zoom;
        viewport.centre_on(Point::new(640.0, -80.0), screen);
        assert_eq!(viewport.zoom, zoom);
        assert!(close(
            viewport.canvas_to_screen(Point::new(640.0, -80.0)),
            Point::new(500.0, 300.0)
        ));
    }
}

#[test]
fn the_minimap_holds_the_design_and_the_view_and_clicks_map_back() {
    let design = presets::distributed();
    let screen = Size::new(1280.0, 720.0);
    let minimap_size = Size::new(200.0, 120.0);
    for viewport in viewports() {
        let minimap = viewport.minimap(&design, screen, minimap_size);
        let inside = |point: Point| {
            let on_map = minimap.canvas_to_screen(point);
            (-EPSILON..=minimap_size.width + EPSILON).contains(&on_map.x)
                && (-EPSILON..=minimap_size.height + EPSILON).contains(&on_map.y)
        };
        let bounds = document_bounds(&design).unwrap();
        let visible = viewport.visible_canvas_rect(screen);
        for corner in [bounds.min, bounds.max, visible.min, visible.max] {
            assert!(
                inside(corner),
                "{viewport:?}: {corner:?} is off the minimap"
            );
        }
        // A click on the minimap centres the main view on the canvas point under it.
        let click = Point::new(150.0, 30.0);
        let mut moved = viewport;
        moved.centre_on(minimap.screen_to_canvas(click), screen);
        let centre = moved.screen_to_canvas(Point::new(640.0, 360.0));
        assert!(close(minimap.canvas_to_screen(centre), click));
    }
}

#[test]
fn new_nodes_do_not_land_on_others() {
    let mut design = presets::single_server();
    let server = Point::new(550.0, 300.0);
    let free = Point::new(550.0, 500.0);
    assert_eq!(
        viewport::free_position(&design, free),
        free,
        "a free spot is kept"
    );
    let mut placed = Vec::new();
    for _ in 0..3 {
        let at = viewport::free_position(&design, server);
        assert!(
            design.nodes.iter().all(|node| !viewport::node_rect(at)
                .intersects(&viewport::node_rect(node.position.into()))),
            "{at:?} overlaps"
        );
        placed.push(at);
        design.nodes.push(engine::Node::new(
            &format!("n{}", placed.len()),
            engine::NodeKind::Cache,
            at.x,
            at.y,
        ));
    }
    let row = NODE_SIZE.height + viewport::GRID_SIZE;
    assert_eq!(
        placed,
        [1.0, 2.0, 3.0].map(|rows| Point::new(550.0, 300.0 + rows * row))
    );
}

#[test]
fn rectangles_overlap_only_when_they_share_area() {
    let rect = |x0, y0, x1, y1| Rect::from_corners(Point::new(x0, y0), Point::new(x1, y1));
    let unit = rect(0.0, 0.0, 10.0, 10.0);
    assert!(unit.intersects(&rect(5.0, 5.0, 15.0, 15.0)));
    assert!(unit.intersects(&rect(2.0, 2.0, 3.0, 3.0)));
    assert!(
        !unit.intersects(&rect(10.0, 0.0, 20.0, 10.0)),
        "touching edges"
    );
    assert!(!unit.intersects(&rect(-5.0, 20.0, 5.0, 30.0)));
    assert_eq!(unit.inflated(2.0), rect(-2.0, -2.0, 12.0, 12.0));
}

#[test]
fn nodes_added_one_by_one_run_left_to_right_along_the_flow() {
    let mut design = presets::single_server();
    design.nodes.clear();
    design.links.clear();
    let centre = Point::new(400.0, 300.0);
    let first = viewport::next_node_position(&design, None, centre);
    assert_eq!(first, centre, "an empty canvas starts at the view's centre");
    design.nodes.push(engine::Node::new(
        "users",
        engine::NodeKind::Users,
        first.x,
        first.y,
    ));
    let second = viewport::next_node_position(&design, Some("users"), centre);
    assert!(second.x > first.x + viewport::NODE_SIZE.width, "{second:?}");
    assert_eq!(second.y, first.y, "same row");
    design.nodes.push(engine::Node::new(
        "server",
        engine::NodeKind::Server,
        second.x,
        second.y,
    ));
    // Nothing selected: after the newest node.
    let third = viewport::next_node_position(&design, None, centre);
    assert!(third.x > second.x + viewport::NODE_SIZE.width, "{third:?}");
    // After the first again: its right-hand spot is taken, so the new one goes below it.
    let beside_first = viewport::next_node_position(&design, Some("users"), centre);
    assert_eq!(beside_first.x, second.x);
    assert!(beside_first.y > second.y, "{beside_first:?}");
    assert!(
        !viewport::node_rect(beside_first).intersects(&viewport::node_rect(second)),
        "never on top of another node"
    );
}

#[test]
fn fit_keeps_every_node_out_from_under_the_minimap_and_the_legend() {
    let design = presets::distributed();
    let screen = Size::new(900.0, 450.0);
    let minimap = Rect::from_corners(Point::new(690.0, 260.0), Point::new(890.0, 390.0));
    let legend = Rect::from_corners(Point::new(10.0, 10.0), Point::new(400.0, 34.0));
    let overlays = [minimap, legend];
    let view = Viewport::fit_document_clear(&design, screen, &overlays);
    for node in &design.nodes {
        let rect = viewport::node_rect(node.position.into());
        let on_screen = Rect::from_corners(
            view.canvas_to_screen(rect.min),
            view.canvas_to_screen(rect.max),
        );
        assert!(
            Rect::from_corners(
                Point::new(0.0, 0.0),
                Point::new(screen.width, screen.height)
            )
            .contains_rect(&on_screen),
            "{} is on screen: {on_screen:?}",
            node.id
        );
        for overlay in &overlays {
            assert!(
                !on_screen.intersects(overlay),
                "{} is under {overlay:?}",
                node.id
            );
        }
    }
    // Without overlays the plain fit is at least as close.
    assert!(Viewport::fit_document(&design, screen).zoom >= view.zoom);
}

#[test]
fn the_first_view_is_readable_and_starts_where_the_flow_starts() {
    let design = presets::distributed();
    let small = Size::new(700.0, 400.0);
    let view = Viewport::first_view(&design, small, &[]);
    assert!(view.zoom >= viewport::READABLE_ZOOM - 1e-9, "{view:?}");
    let users = design.node("users").expect("users");
    let at = view.canvas_to_screen(viewport::node_rect(users.position.into()).min);
    assert!(
        at.x >= 0.0 && at.x < 100.0,
        "the users node opens at the left edge: {at:?}"
    );
    // A design that fits keeps the plain fit.
    let single = presets::single_server();
    let big = Size::new(1600.0, 900.0);
    assert_eq!(
        Viewport::first_view(&single, big, &[]),
        Viewport::fit_document_clear(&single, big, &[])
    );
}

#[test]
fn the_minimap_takes_a_corner_where_it_hides_no_node() {
    use crate::editor::viewport::{Corner, minimap_corner};
    let screen = Size::new(800.0, 500.0);
    let minimap = Size::new(176.0, 114.0);
    let view = Viewport::default();
    let bottom_right = Corner::BottomRight.rect(screen, minimap);
    let row = bottom_right.centre().y;
    let mut design = presets::single_server();
    design.nodes = vec![
        engine::Node::new("a", engine::NodeKind::Users, 300.0, row),
        engine::Node::new("b", engine::NodeKind::Server, 1000.0, row),
    ];
    design.links = vec![engine::Link::new("a", "b", 1.0)];
    // No node under the bottom right, but the link to the off-screen node runs beneath it.
    assert_eq!(
        minimap_corner(&view, &design, screen, minimap),
        Corner::TopRight
    );
    // A node under the bottom right moves it too.
    design.links.clear();
    design.nodes[1].position.x = bottom_right.centre().x;
    assert_eq!(
        minimap_corner(&view, &design, screen, minimap),
        Corner::TopRight
    );
    // Nothing under it: it stays.
    design.nodes.truncate(1);
    design.nodes[0].position.y = 100.0;
    assert_eq!(
        minimap_corner(&view, &design, screen, minimap),
        Corner::BottomRight
    );
    // An empty screen keeps the usual corner; a screen full of nodes falls back to it.
    let empty = engine::Design {
        nodes: Vec::new(),
        links: Vec::new(),
        ..presets::single_server()
    };
    assert_eq!(
        minimap_corner(&view, &empty, screen, minimap),
        Corner::BottomRight
    );
    let mut crowded = presets::single_server();
    crowded.nodes.clear();
    for x in 0..8 {
        for y in 0..8 {
            crowded.nodes.push(engine::Node::new(
                &format!("n{x}-{y}"),
                engine::NodeKind::Server,
                f64::from(x) * 110.0,
                f64::from(y) * 70.0,
            ));
        }
    }
    assert_eq!(
        minimap_corner(&Viewport::default(), &crowded, screen, minimap),
        Corner::BottomRight
    );
    // Corner rectangles sit inside the screen.
    for corner in Corner::ALL {
        let rect = corner.rect(screen, minimap);
        assert!(
            Rect::from_corners(
                Point::new(0.0, 0.0),
                Point::new(screen.width, screen.height)
            )
            .contains_rect(&rect)
        );
    }
}

#[test]
fn reveal_pans_by_the_least_that_brings_a_rectangle_on_screen() {
    let screen = Size::new(800.0, 600.0);
    let mut view = Viewport {
        pan: Vector::new(0.0, 0.0),
        zoom: 2.0,
    };
    // Already on screen: nothing moves.
    let on_screen = Rect::from_corners(Point::new(10.0, 10.0), Point::new(50.0, 50.0));
    view.reveal(on_screen, screen, 20.0);
    assert_eq!(view.pan, Vector::new(0.0, 0.0));
    // Below the screen: the view moves up just enough (bottom edge 20 px above the screen's).
    let below = Rect::from_corners(Point::new(100.0, 400.0), Point::new(150.0, 440.0));
    view.reveal(below, screen, 20.0);
    assert_eq!(view.pan, Vector::new(0.0, -(880.0 - 580.0)));
    assert_eq!(view.canvas_to_screen(below.max).y, 580.0);
    assert_eq!(view.zoom, 2.0);
    // Left of the screen: the view moves right until its left edge shows with the margin.
    let left = Rect::from_corners(Point::new(-100.0, 200.0), Point::new(-60.0, 240.0));
    view.reveal(left, screen, 20.0);
    assert_eq!(view.canvas_to_screen(left.min).x, 20.0);
    // Larger than the screen: its start is shown.
    let huge = Rect::from_corners(Point::new(0.0, 0.0), Point::new(1000.0, 100.0));
    view.reveal(huge, screen, 20.0);
    assert_eq!(view.canvas_to_screen(huge.min).x, 20.0);
}

#[test]
fn a_link_label_sits_over_the_middle_of_the_link() {
    let at = viewport::link_label_point(Point::new(100.0, 50.0), Point::new(300.0, 150.0));
    assert!(close(at, Point::new(200.0, 92.0)), "{at:?}");
}

#[test]
fn a_name_longer_than_a_box_holds_is_offered_whole() {
    assert!(!viewport::name_may_be_cut(""));
    assert!(!viewport::name_may_be_cut("Web server 1"));
    assert!(!viewport::name_may_be_cut("Twelve chars"));
    assert!(viewport::name_may_be_cut("Thirteen char"));
    // Characters, not bytes: twelve accented letters still fit.
    assert!(!viewport::name_may_be_cut("éééééééééééé"));
    assert!(viewport::name_may_be_cut("Primary database"));
}
