//! The one transform between the canvas (design coordinates) and the screen, and the geometry of
//! nodes on the canvas: hit tests, bounds, grid snapping, link paths.
//!
//! `screen = canvas × zoom + pan`. The canvas component applies [`Viewport::css_transform`] to one
//! container (with `transform-origin: 0 0`) holding the SVG links and the HTML nodes; every pointer
//! position goes through [`Viewport::screen_to_canvas`] first.
//!
//! **Architecture Invariant:** a node's `position` is the centre of its box, which is [`NODE_SIZE`]
//! on the canvas. Links leave from the middle of the right edge and enter at the middle of the left.

use engine::Design;

use super::geometry::{Point, Rect, Size, Vector};

/// The canvas size of every node box, pixels.
pub const NODE_SIZE: Size = Size::new(144.0, 64.0);
/// The smallest and largest zoom.
pub const MIN_ZOOM: f64 = 0.2;
pub const MAX_ZOOM: f64 = 4.0;
/// Zoom to fit never magnifies beyond this, so a lone node is not blown up to fill the screen.
pub const MAX_FIT_ZOOM: f64 = 1.0;
/// The smallest zoom the first view of a design opens at: node names at about 11 px or more.
pub const READABLE_ZOOM: f64 = 0.9;
/// Space kept around the design by zoom to fit, screen pixels.
pub const FIT_PADDING: f64 = 48.0;
/// One press of a zoom button or key multiplies or divides the zoom by this.
pub const ZOOM_STEP: f64 = 1.2;
/// Grid cell, canvas pixels.
pub const GRID_SIZE: f64 = 20.0;
/// Space kept around the world in the minimap, minimap pixels.
const MINIMAP_PADDING: f64 = 4.0;
/// Zoom change per pixel of wheel movement (a mouse notch is about 100 px: × 0.82 or × 1.22).
const WHEEL_ZOOM_PER_PIXEL: f64 = 0.002;

/// Pan and zoom: view state, never saved in the document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Where the canvas origin appears on the screen, screen pixels.
    pub pan: Vector,
    /// Screen pixels per canvas pixel, within [`MIN_ZOOM`]..=[`MAX_ZOOM`].
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            pan: Vector::ZERO,
            zoom: 1.0,
        }
    }
}

impl Viewport {
    pub fn canvas_to_screen(&self, canvas: Point) -> Point {
        Point::new(
            canvas.x * self.zoom + self.pan.x,
            canvas.y * self.zoom + self.pan.y,
        )
    }

    pub fn screen_to_canvas(&self, screen: Point) -> Point {
        Point::new(
            (screen.x - self.pan.x) / self.zoom,
            (screen.y - self.pan.y) / self.zoom,
        )
    }

    /// A pointer movement on the screen as a movement on the canvas.
    pub fn screen_delta_to_canvas(&self, delta: Vector) -> Vector {
        delta.scaled(1.0 / self.zoom)
    }

    /// Pans by a screen displacement (dragging the background).
    pub fn pan_by(&mut self, delta: Vector) {
        if delta.is_finite() {
            self.pan = Vector::new(self.pan.x + delta.x, self.pan.y + delta.y);
        }
    }

    /// Sets the zoom (clamped) keeping the canvas point under `screen_point` where it is.
    pub fn set_zoom_at(&mut self, screen_point: Point, zoom: f64) {
        if !zoom.is_finite() || !screen_point.is_finite() {
            return;
        }
        let fixed = self.screen_to_canvas(screen_point);
        self.zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
        self.pan = Vector::new(
            screen_point.x - fixed.x * self.zoom,
            screen_point.y - fixed.y * self.zoom,
        );
    }

    /// Multiplies the zoom by `factor` around `screen_point` (the cursor, or the view's centre for
    /// buttons and keys).
    pub fn zoom_at(&mut self, screen_point: Point, factor: f64) {
        self.set_zoom_at(screen_point, self.zoom * factor);
    }

    /// A two-finger pinch moved from the `previous` pair of touch points to the `current` pair:
    /// zooms by the change in their distance and pans with their midpoint.
    pub fn pinch(&mut self, previous: (Point, Point), current: (Point, Point)) {
        let distance = |(a, b): (Point, Point)| b.minus(a).x.hypot(b.minus(a).y);
        let midpoint = |(a, b): (Point, Point)| Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
        let (before, after) = (distance(previous), distance(current));
        if before <= f64::EPSILON || !after.is_finite() {
            return;
        }
        let fixed = self.screen_to_canvas(midpoint(previous));
        let to = midpoint(current);
        let zoom = (self.zoom * after / before).clamp(MIN_ZOOM, MAX_ZOOM);
        if !zoom.is_finite() || !to.is_finite() {
            return;
        }
        self.zoom = zoom;
        self.pan = Vector::new(to.x - fixed.x * zoom, to.y - fixed.y * zoom);
    }

    /// The viewport that shows all of `bounds` centred in a screen area of `screen`, with `padding`
    /// screen pixels around it, zoom clamped to [`MIN_ZOOM`]..=[`MAX_FIT_ZOOM`].
    pub fn fit(bounds: Rect, screen: Size, padding: f64) -> Viewport {
        fit_within(bounds, screen, padding, MIN_ZOOM..=MAX_FIT_ZOOM)
    }

    /// Zoom to fit the whole document (the default view for an empty one).
    pub fn fit_document(document: &Design, screen: Size) -> Viewport {
        match document_bounds(document) {
            Some(bounds) => Viewport::fit(bounds, screen, FIT_PADDING),
            None => Viewport::default(),
        }
    }

    /// Zoom to fit the whole document into the part of the screen that `overlays` (screen
    /// rectangles such as the minimap and the legend, drawn over the canvas) leave free, so no node
    /// opens hidden under one. Each overlay is kept clear by giving up the strip of screen beside it
    /// (above, below, left or right) that costs the least zoom.
    pub fn fit_document_clear(document: &Design, screen: Size, overlays: &[Rect]) -> Viewport {
        Viewport::fit_document_clear_within(document, screen, overlays, MIN_ZOOM..=MAX_FIT_ZOOM)
    }

    /// The first view of a design: like [`Viewport::fit_document_clear`], but never below
    /// [`READABLE_ZOOM`] (node names stay legible). A design too wide for that opens on its start
    /// (its left edge, where the users are), and the minimap shows the rest.
    pub fn first_view(document: &Design, screen: Size, overlays: &[Rect]) -> Viewport {
        Viewport::fit_document_clear_within(
            document,
            screen,
            overlays,
            READABLE_ZOOM.min(MAX_FIT_ZOOM)..=MAX_FIT_ZOOM,
        )
    }

    fn fit_document_clear_within(
        document: &Design,
        screen: Size,
        overlays: &[Rect],
        zoom_range: std::ops::RangeInclusive<f64>,
    ) -> Viewport {
        let Some(bounds) = document_bounds(document) else {
            return Viewport::default();
        };
        let whole = Rect::from_corners(
            Point::new(0.0, 0.0),
            Point::new(screen.width, screen.height),
        );
        // Every way of keeping each overlay clear (4 sides each; overlays are few).
        let overlays: Vec<&Rect> = overlays
            .iter()
            .filter(|overlay| overlay.intersects(&whole))
            .take(4)
            .collect();
        let combinations = 4_usize.pow(overlays.len() as u32);
        let mut best: Option<(f64, Rect)> = None;
        for combination in 0..combinations {
            let mut free = whole;
            let mut choice = combination;
            for overlay in &overlays {
                free = keep_clear(free, overlay, choice % 4);
                choice /= 4;
            }
            if free.width() < screen.width / 3.0 || free.height() < screen.height / 3.0 {
                continue;
            }
            let zoom = fit_within(bounds, free.size(), FIT_PADDING, zoom_range.clone()).zoom;
            if best.is_none_or(|(best_zoom, best_free)| {
                zoom > best_zoom + 1e-9
                    || (zoom > best_zoom - 1e-9 && free.area() > best_free.area())
            }) {
                best = Some((zoom, free));
            }
        }
        let free = best.map_or(whole, |(_, free)| free);
        let mut view = fit_within(bounds, free.size(), FIT_PADDING, zoom_range);
        // Too wide to fit at this zoom: show its start (left edge), not its middle.
        if bounds.width() * view.zoom > free.width() - 2.0 * FIT_PADDING {
            view.pan.x = FIT_PADDING - bounds.min.x * view.zoom;
        }
        view.pan = Vector::new(view.pan.x + free.min.x, view.pan.y + free.min.y);
        view
    }

    /// Pans so the canvas point `canvas` is in the middle of the screen, keeping the zoom (a click
    /// on the minimap, or "show this node").
    pub fn centre_on(&mut self, canvas: Point, screen: Size) {
        if canvas.is_finite() {
            self.pan = Vector::new(
                screen.width / 2.0 - canvas.x * self.zoom,
                screen.height / 2.0 - canvas.y * self.zoom,
            );
        }
    }

    /// Pans by the least that brings the canvas rectangle `area` on screen with `margin` pixels to
    /// spare, keeping the zoom (a node added off screen, say); a rectangle already on screen, or one
    /// larger than the screen along an axis (its start is shown), moves nothing more than needed.
    pub fn reveal(&mut self, area: Rect, screen: Size, margin: f64) {
        let min = self.canvas_to_screen(area.min);
        let max = self.canvas_to_screen(area.max);
        let shift = |low: f64, high: f64, extent: f64| {
            if low < margin {
                margin - low
            } else if high > extent - margin {
                (extent - margin - high).max(margin - low)
            } else {
                0.0
            }
        };
        let dx = shift(min.x, max.x, screen.width);
        let dy = shift(min.y, max.y, screen.height);
        if dx.is_finite() && dy.is_finite() {
            self.pan = Vector::new(self.pan.x + dx, self.pan.y + dy);
        }
    }

    /// The minimap's own transform: canvas → minimap pixels, fitting the document and the part of
    /// it on screen into `minimap` (`canvas_to_screen` gives minimap coordinates, `screen_to_canvas`
    /// turns a click on the minimap into the canvas point to [`Viewport::centre_on`]).
    pub fn minimap(&self, document: &Design, screen: Size, minimap: Size) -> Viewport {
        let visible = self.visible_canvas_rect(screen);
        let world = document_bounds(document).map_or(visible, |bounds| bounds.union(&visible));
        fit_within(world, minimap, MINIMAP_PADDING, f64::MIN_POSITIVE..=1.0)
    }

    /// The part of the canvas on screen, for the minimap's view rectangle.
    pub fn visible_canvas_rect(&self, screen: Size) -> Rect {
        Rect::from_corners(
            self.screen_to_canvas(Point::new(0.0, 0.0)),
            self.screen_to_canvas(Point::new(screen.width, screen.height)),
        )
    }

    /// The CSS `transform` of the viewport container (with `transform-origin: 0 0`).
    pub fn css_transform(&self) -> String {
        format!(
            "translate({}px, {}px) scale({})",
            self.pan.x, self.pan.y, self.zoom
        )
    }

    /// The zoom as a whole percentage, for the zoom buttons' label.
    pub fn zoom_percent(&self) -> u32 {
        // The zoom is clamped to 0.2..=4, so the percentage fits comfortably.
        (self.zoom * 100.0).round() as u32
    }
}

/// The transform that shows `bounds` centred in `screen` with `padding` around it, its zoom within
/// `zoom_range`.
fn fit_within(
    bounds: Rect,
    screen: Size,
    padding: f64,
    zoom_range: std::ops::RangeInclusive<f64>,
) -> Viewport {
    let available_width = (screen.width - 2.0 * padding).max(1.0);
    let available_height = (screen.height - 2.0 * padding).max(1.0);
    let zoom = (available_width / bounds.width().max(1.0))
        .min(available_height / bounds.height().max(1.0))
        .clamp(*zoom_range.start(), *zoom_range.end());
    let centre = bounds.centre();
    let viewport = Viewport {
        pan: Vector::new(
            screen.width / 2.0 - centre.x * zoom,
            screen.height / 2.0 - centre.y * zoom,
        ),
        zoom,
    };
    if viewport.pan.is_finite() && zoom.is_finite() {
        viewport
    } else {
        Viewport::default()
    }
}

/// `free` without the strip beside `overlay` on one side: 0 above it, 1 below it, 2 left of it,
/// 3 right of it (the part of `free` on the other side of the overlay's edge stays).
fn keep_clear(free: Rect, overlay: &Rect, side: usize) -> Rect {
    if !free.intersects(overlay) {
        return free;
    }
    let (mut min, mut max) = (free.min, free.max);
    match side {
        0 => max.y = max.y.min(overlay.min.y),
        1 => min.y = min.y.max(overlay.max.y),
        2 => max.x = max.x.min(overlay.min.x),
        _ => min.x = min.x.max(overlay.max.x),
    }
    Rect::from_corners(min, Point::new(max.x.max(min.x), max.y.max(min.y)))
}

/// The zoom factor for one wheel event, `delta_y` in pixels (scrolling down zooms out).
pub fn wheel_zoom_factor(delta_y: f64) -> f64 {
    if delta_y.is_finite() {
        (-delta_y.clamp(-500.0, 500.0) * WHEEL_ZOOM_PER_PIXEL).exp()
    } else {
        1.0
    }
}

/// The nearest grid line to `value`.
pub fn snap(value: f64, grid: f64) -> f64 {
    if grid > 0.0 {
        (value / grid).round() * grid
    } else {
        value
    }
}

pub fn snap_point(point: Point, grid: f64) -> Point {
    Point::new(snap(point.x, grid), snap(point.y, grid))
}

/// The box of a node centred at `position`.
pub fn node_rect(position: Point) -> Rect {
    Rect::centred(position, NODE_SIZE)
}

/// Names longer than this (in characters) may be cut with "…" in a node's box on the canvas, which
/// is [`NODE_SIZE`] wide.
const LONG_NAME_CHARS: usize = 12;

/// Whether a node's box on the canvas may cut `name` short, so the box offers it whole (on hover and
/// focus).
pub fn name_may_be_cut(name: &str) -> bool {
    name.chars().count() > LONG_NAME_CHARS
}

/// Where links leave a node centred at `position` (middle of the right edge).
pub fn output_port(position: Point) -> Point {
    Point::new(position.x + NODE_SIZE.width / 2.0, position.y)
}

/// Where links enter a node centred at `position` (middle of the left edge).
pub fn input_port(position: Point) -> Point {
    Point::new(position.x - NODE_SIZE.width / 2.0, position.y)
}

/// Where a link's rate label sits: over the middle of the link, clear of the line.
pub fn link_label_point(from: Point, to: Point) -> Point {
    Point::new((from.x + to.x) / 2.0, (from.y + to.y) / 2.0 - 8.0)
}

/// An SVG path `d` for a link from an output port to an input port: a horizontal S-curve.
pub fn link_path(from: Point, to: Point) -> String {
    let pull = ((to.x - from.x).abs() / 2.0).max(40.0);
    format!(
        "M {} {} C {} {}, {} {}, {} {}",
        from.x,
        from.y,
        from.x + pull,
        from.y,
        to.x - pull,
        to.y,
        to.x,
        to.y
    )
}

/// The smallest rectangle holding every node box, or `None` for an empty document.
pub fn document_bounds(document: &Design) -> Option<Rect> {
    document
        .nodes
        .iter()
        .map(|node| node_rect(node.position.into()))
        .reduce(|all, one| all.union(&one))
}

/// The ids of the nodes whose boxes lie wholly inside `area` (a box select on the canvas).
pub fn nodes_in_rect(document: &Design, area: &Rect) -> Vec<String> {
    document
        .nodes
        .iter()
        .filter(|node| area.contains_rect(&node_rect(node.position.into())))
        .map(|node| node.id.clone())
        .collect()
}

/// The topmost node (the last drawn) under a canvas point.
pub fn node_at(document: &Design, point: Point) -> Option<&str> {
    document
        .nodes
        .iter()
        .rev()
        .find(|node| node_rect(node.position.into()).contains_point(point))
        .map(|node| node.id.as_str())
}

/// The nodes in reading order for the flow of a design: left to right, then top to bottom. The
/// canvas renders nodes in this order so Tab moves through them the way the eye does.
pub fn reading_order(document: &Design) -> Vec<&str> {
    let mut nodes: Vec<&engine::Node> = document.nodes.iter().collect();
    nodes.sort_by(|a, b| {
        a.position
            .x
            .total_cmp(&b.position.x)
            .then(a.position.y.total_cmp(&b.position.y))
    });
    nodes.into_iter().map(|node| node.id.as_str()).collect()
}

/// Where to put a new node near `wanted` without covering another: `wanted` itself when it is free,
/// otherwise the nearest free place straight below, one row at a time (adding from the palette with
/// a click or Enter drops every node at the view's centre).
pub fn free_position(document: &Design, wanted: Point) -> Point {
    let row = NODE_SIZE.height + GRID_SIZE;
    let occupied = |place: Point| {
        let rect = node_rect(place).inflated(GRID_SIZE / 2.0);
        document
            .nodes
            .iter()
            .any(|node| rect.intersects(&node_rect(node.position.into())))
    };
    (0..=document.nodes.len())
        .map(|rows| wanted.plus(Vector::new(0.0, row * rows as f64)))
        .find(|place| !occupied(*place))
        .unwrap_or(wanted)
}

/// Where a node added by a click or Enter in the palette goes: one step to the right of `after` (the
/// selected node, else the newest one), so a design built one node at a time reads left to right
/// along the flow and its links run forward; on an empty canvas, at `view_centre`. An occupied spot
/// moves down to the nearest free one ([`free_position`]).
pub fn next_node_position(document: &Design, after: Option<&str>, view_centre: Point) -> Point {
    /// From one node's centre to the next: a node's width and a link's length, on the grid.
    const STEP: f64 = NODE_SIZE.width + 4.0 * GRID_SIZE;
    let anchor = after
        .and_then(|id| document.node(id))
        .or_else(|| document.nodes.last());
    let wanted = match anchor {
        Some(node) => Point::new(node.position.x + STEP, node.position.y),
        None => view_centre,
    };
    free_position(document, wanted)
}

/// A corner of the canvas the minimap can sit in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    BottomRight,
    TopRight,
    BottomLeft,
    TopLeft,
}

/// Space between the minimap and the canvas's edge, pixels.
pub const MINIMAP_MARGIN: f64 = 10.0;
/// How far above the bottom edge the minimap sits on the right (the zoom controls are below it) and on
/// the left (the status line), and below the top edge on the left (the legend), pixels.
pub const MINIMAP_CLEAR_CONTROLS: f64 = 58.0;
pub const MINIMAP_CLEAR_STATUS: f64 = 48.0;
pub const MINIMAP_CLEAR_LEGEND: f64 = 48.0;

impl Corner {
    /// In the order the minimap tries them.
    pub const ALL: [Corner; 4] = [
        Corner::BottomRight,
        Corner::TopRight,
        Corner::BottomLeft,
        Corner::TopLeft,
    ];

    /// The minimap's offsets from the canvas's edges in this corner: (top or bottom, left or right),
    /// as CSS would place it.
    pub fn offsets(self) -> (f64, f64) {
        match self {
            Corner::BottomRight => (MINIMAP_CLEAR_CONTROLS, MINIMAP_MARGIN),
            Corner::TopRight => (MINIMAP_MARGIN, MINIMAP_MARGIN),
            Corner::BottomLeft => (MINIMAP_CLEAR_STATUS, MINIMAP_MARGIN),
            Corner::TopLeft => (MINIMAP_CLEAR_LEGEND, MINIMAP_MARGIN),
        }
    }

    pub fn is_top(self) -> bool {
        matches!(self, Corner::TopRight | Corner::TopLeft)
    }

    pub fn is_left(self) -> bool {
        matches!(self, Corner::BottomLeft | Corner::TopLeft)
    }

    /// The minimap's rectangle on a canvas of size `screen`.
    pub fn rect(self, screen: Size, minimap: Size) -> Rect {
        let (vertical, horizontal) = self.offsets();
        let x = if self.is_left() {
            horizontal
        } else {
            screen.width - horizontal - minimap.width
        };
        let y = if self.is_top() {
            vertical
        } else {
            screen.height - vertical - minimap.height
        };
        Rect::from_corners(
            Point::new(x, y),
            Point::new(x + minimap.width, y + minimap.height),
        )
    }
}

/// Where the minimap goes: the first corner where it covers no node and no link on screen, so it
/// never hides part of the design it maps; else the corner that covers the fewest nodes (a zoomed-in
/// design fills the screen), the bottom right on a tie.
pub fn minimap_corner(view: &Viewport, document: &Design, screen: Size, minimap: Size) -> Corner {
    let on_screen: Vec<Rect> = document
        .nodes
        .iter()
        .map(|node| {
            let rect = node_rect(node.position.into());
            Rect::from_corners(
                view.canvas_to_screen(rect.min),
                view.canvas_to_screen(rect.max),
            )
        })
        .collect();
    // Links as straight lines between their ports, sampled every few pixels on screen.
    let link_points: Vec<Point> = document
        .links
        .iter()
        .filter_map(|link| {
            let from = output_port(document.node(&link.from)?.position.into());
            let to = input_port(document.node(&link.to)?.position.into());
            Some((view.canvas_to_screen(from), view.canvas_to_screen(to)))
        })
        .flat_map(|(from, to)| {
            let length = (to.x - from.x).hypot(to.y - from.y);
            let steps = (length / 8.0).ceil().clamp(1.0, 500.0) as usize;
            (0..=steps).map(move |step| {
                let t = step as f64 / steps as f64;
                Point::new(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t)
            })
        })
        .collect();
    let covered = |corner: Corner| {
        let place = corner.rect(screen, minimap).inflated(4.0);
        let nodes = on_screen
            .iter()
            .filter(|node| node.intersects(&place))
            .count();
        let links = link_points.iter().any(|point| place.contains_point(*point));
        (nodes, links)
    };
    Corner::ALL
        .into_iter()
        .find(|corner| covered(*corner) == (0, false))
        .or_else(|| {
            Corner::ALL
                .into_iter()
                .min_by_key(|corner| covered(*corner).0)
        })
        .unwrap_or(Corner::BottomRight)
}
