//! The particle layer: requests in flight drawn on a `<canvas>` over the viewport, one dot per sampled
//! request, shaped and coloured by what is happening to it (going out, coming back, failed). When the
//! user prefers reduced motion, nothing moves and the links' rate labels carry the flow.

use engine::{Design, Snapshot};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::editor::viewport::{input_port, output_port};
use crate::editor::{Point, Viewport};

/// Colours (Okabe–Ito, colour-blind safe) for outgoing requests, replies and failures.
const OUTGOING: &str = "#0072b2";
const REPLY: &str = "#009e73";
const FAILED: &str = "#d55e00";

/// Redraws every particle of `snapshot`; clears the layer when there is none.
pub fn draw(
    element: &HtmlCanvasElement,
    snapshot: Option<&Snapshot>,
    document: &Design,
    viewport: &Viewport,
) {
    let Some(context) = context_2d(element) else {
        return;
    };
    let ratio = web_sys::window()
        .map(|window| window.device_pixel_ratio())
        .unwrap_or(1.0);
    let width = (f64::from(element.client_width()) * ratio).round() as u32;
    let height = (f64::from(element.client_height()) * ratio).round() as u32;
    if element.width() != width || element.height() != height {
        element.set_width(width);
        element.set_height(height);
    }
    // Drawing calls cannot fail on a 2D context that exists; their Results carry nothing to act on.
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, f64::from(width), f64::from(height));
    let Some(snapshot) = snapshot else { return };
    // With reduced motion the layer stays still; the links' rate labels show the flow instead.
    if prefers_reduced_motion() {
        return;
    }
    let radius = (3.0 * viewport.zoom.sqrt()).clamp(1.5, 5.0);
    let position = |id: &str| {
        document
            .nodes
            .iter()
            .find(|node| node.id == id)
            .map(|node| Point::new(node.position.x, node.position.y))
    };
    for request in &snapshot.in_flight {
        let Some(link) = snapshot.links.get(request.link) else {
            continue;
        };
        let (Some(from), Some(to)) = (position(&link.from), position(&link.to)) else {
            continue;
        };
        let (start, end) = (output_port(from), input_port(to));
        // The engine gives the position from the link's `from` end for requests and replies alike
        // (a reply starts at 1 and travels back to 0).
        let along = request.progress.clamp(0.0, 1.0);
        let at = viewport.canvas_to_screen(Point::new(
            start.x + (end.x - start.x) * along,
            start.y + (end.y - start.y) * along,
        ));
        if request.failed {
            // Failures are squares as well as a different colour.
            context.set_fill_style_str(FAILED);
            context.fill_rect(at.x - radius, at.y - radius, radius * 2.0, radius * 2.0);
        } else {
            context.set_fill_style_str(if request.returning { REPLY } else { OUTGOING });
            context.begin_path();
            let _ = context.arc(at.x, at.y, radius, 0.0, std::f64::consts::TAU);
            context.fill();
        }
    }
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|window| {
            window
                .match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

fn context_2d(element: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    element
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()
}
