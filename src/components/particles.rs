//! The particle layer: requests in flight drawn on a `<canvas>` over the viewport, one dot per sampled
//! request, shaped and coloured by what is happening to it (going out, coming back, answered by a cache
//! or CDN edge, part of a retry, failed), with a legend. When the user prefers reduced motion, nothing
//! moves and the links' rate labels carry the flow.

use engine::snapshot::InFlight;
use engine::{Design, Snapshot};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::editor::viewport::{input_port, output_port};
use crate::editor::{Point, Viewport};

/// What a particle shows; each has its own shape as well as its own colour (Okabe–Ito, colour-blind
/// safe), so no one needs to tell colours apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A request on its way: a blue dot.
    Outgoing,
    /// A successful reply on its way back: a green dot.
    Reply,
    /// A reply from a cache or CDN edge that had the answer: a sky-blue diamond.
    Hit,
    /// Part of a client's retry: a purple triangle.
    Retry,
    /// Failed: a vermilion square.
    Failed,
}

impl Mark {
    pub const ALL: [Mark; 5] = [
        Mark::Outgoing,
        Mark::Reply,
        Mark::Hit,
        Mark::Retry,
        Mark::Failed,
    ];

    /// A failure shows as a failure even in a retry; a hit is a reply.
    pub fn of(request: &InFlight) -> Mark {
        if request.failed {
            Mark::Failed
        } else if request.retry {
            Mark::Retry
        } else if request.hit {
            Mark::Hit
        } else if request.returning {
            Mark::Reply
        } else {
            Mark::Outgoing
        }
    }

    pub fn colour(self) -> &'static str {
        match self {
            Mark::Outgoing => "#0072b2",
            Mark::Reply => "#009e73",
            Mark::Hit => "#56b4e9",
            Mark::Retry => "#cc79a7",
            Mark::Failed => "#d55e00",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mark::Outgoing => "request",
            Mark::Reply => "reply",
            Mark::Hit => "cache hit",
            Mark::Retry => "retry",
            Mark::Failed => "failed",
        }
    }

    /// The shape's outline around (0, 0) for a radius, as polygon corners; `None` is a circle.
    fn corners(self, radius: f64) -> Option<Vec<(f64, f64)>> {
        let r = radius;
        match self {
            Mark::Outgoing | Mark::Reply => None,
            Mark::Hit => Some(vec![
                (0.0, -1.4 * r),
                (1.4 * r, 0.0),
                (0.0, 1.4 * r),
                (-1.4 * r, 0.0),
            ]),
            Mark::Retry => Some(vec![(0.0, -1.4 * r), (1.3 * r, r), (-1.3 * r, r)]),
            Mark::Failed => Some(vec![(-r, -r), (r, -r), (r, r), (-r, r)]),
        }
    }

    /// The same shape as SVG points for the legend (radius 4 around 6,6).
    fn svg_points(self) -> Option<String> {
        self.corners(4.0).map(|corners| {
            corners
                .iter()
                .map(|(x, y)| format!("{},{}", x + 6.0, y + 6.0))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

/// The key to the particles, in a corner of the canvas.
#[component]
pub fn ParticleLegend() -> impl IntoView {
    view! {
        <ul class="canvas__legend" aria-label="Particles">
            {Mark::ALL
                .into_iter()
                .map(|mark| {
                    let shape = match mark.svg_points() {
                        Some(points) => view! { <polygon points=points fill=mark.colour()></polygon> }.into_any(),
                        None => view! { <circle cx="6" cy="6" r="4" fill=mark.colour()></circle> }.into_any(),
                    };
                    view! {
                        <li>
                            <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">{shape}</svg>
                            {mark.label()}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

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
    draw_particles(&context, snapshot, document, viewport);
}

/// Draws the requests in flight of `snapshot` onto `context` (in screen pixels through `viewport`):
/// the particle layer, and each frame of an exported clip.
pub fn draw_particles(
    context: &CanvasRenderingContext2d,
    snapshot: &Snapshot,
    document: &Design,
    viewport: &Viewport,
) {
    let radius = (3.0 * viewport.zoom.sqrt()).clamp(1.5, 5.0);
    let position = |id: &str| {
        document
            .node(id)
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
        let mark = Mark::of(request);
        context.set_fill_style_str(mark.colour());
        context.begin_path();
        match mark.corners(radius) {
            None => {
                let _ = context.arc(at.x, at.y, radius, 0.0, std::f64::consts::TAU);
            }
            Some(corners) => {
                for (index, (x, y)) in corners.into_iter().enumerate() {
                    if index == 0 {
                        context.move_to(at.x + x, at.y + y);
                    } else {
                        context.line_to(at.x + x, at.y + y);
                    }
                }
                context.close_path();
            }
        }
        context.fill();
    }
}

pub fn prefers_reduced_motion() -> bool {
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

#[cfg(test)]
mod tests {
    use engine::params::RequestType;
    use engine::snapshot::InFlight;

    use super::Mark;

    fn particle(returning: bool, failed: bool, hit: bool, retry: bool) -> InFlight {
        InFlight {
            request: 1,
            link: 0,
            progress: 0.5,
            returning,
            request_type: RequestType::Read,
            failed,
            hit,
            retry,
        }
    }

    #[test]
    fn every_outcome_has_its_own_mark_and_failure_wins() {
        assert_eq!(
            Mark::of(&particle(false, false, false, false)),
            Mark::Outgoing
        );
        assert_eq!(Mark::of(&particle(true, false, false, false)), Mark::Reply);
        assert_eq!(Mark::of(&particle(true, false, true, false)), Mark::Hit);
        assert_eq!(Mark::of(&particle(false, false, false, true)), Mark::Retry);
        assert_eq!(Mark::of(&particle(true, true, true, true)), Mark::Failed);
        let colours: std::collections::BTreeSet<_> = Mark::ALL.iter().map(|m| m.colour()).collect();
        assert_eq!(colours.len(), Mark::ALL.len());
        let shapes: std::collections::BTreeSet<_> =
            Mark::ALL.iter().map(|m| m.svg_points()).collect();
        // Circle, diamond, triangle, square: a request and a reply share the circle, told apart by
        // direction of travel as well as colour.
        assert_eq!(shapes.len(), 4);
    }
}
