//! The design as a standalone SVG file: the "Export SVG" action, and the picture the PNG export
//! draws onto a canvas element.
//!
//! The file carries its own styles (no stylesheet travels with a download). Every name from the
//! document is escaped, so a node called `<script>` is text in the picture, never markup. Kinds are
//! told apart by an Okabe–Ito colour (safe for colour-blind readers) *and* by their name under the
//! node's name.

use std::fmt::Write as _;

use engine::{Design, NodeKind};

use super::geometry::{Point, Rect, Vector};
use super::viewport::{NODE_SIZE, document_bounds, input_port, link_path, node_rect, output_port};

/// Space around the design in the exported picture, pixels.
const MARGIN: f64 = 24.0;
/// Longest name shown inside a node box before it is cut with "…" (the full name is in the
/// node's `<title>`).
const MAX_SHOWN_NAME_CHARS: usize = 18;

/// The whole design as SVG text.
pub fn export_svg(document: &Design) -> String {
    let bounds =
        document_bounds(document).unwrap_or(Rect::centred(Point::new(0.0, 0.0), NODE_SIZE));
    let origin = bounds.min.plus(Vector::new(-MARGIN, -MARGIN));
    let width = bounds.width() + 2.0 * MARGIN;
    let height = bounds.height() + 2.0 * MARGIN;
    let mut svg = String::new();
    // Writing into a String cannot fail.
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {width} {height}" width="{width}" height="{height}" role="img">"#,
        origin.x, origin.y
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title(document)));
    svg.push_str(STYLE);
    let _ = writeln!(
        svg,
        r#"<rect class="background" x="{}" y="{}" width="{width}" height="{height}"/>"#,
        origin.x, origin.y
    );
    let position = |id: &str| {
        document
            .node_index(id)
            .map(|index| Point::from(document.nodes[index].position))
    };
    for link in &document.links {
        if let (Some(from), Some(to)) = (position(&link.from), position(&link.to)) {
            let _ = writeln!(
                svg,
                r#"<path class="link" d="{}" marker-end="url(#arrow)"><title>{} → {}</title></path>"#,
                link_path(output_port(from), input_port(to)),
                escape(&link.from),
                escape(&link.to)
            );
        }
    }
    for node in &document.nodes {
        let rect = node_rect(node.position.into());
        let centre = rect.centre();
        let kind = node.kind();
        let _ = writeln!(
            svg,
            r#"<g class="node node--{}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="8" style="stroke:{}"/><text class="node__name" x="{}" y="{}">{}</text><text class="node__kind" x="{}" y="{}">{}</text></g>"#,
            kind.as_str(),
            escape(node.display_name()),
            rect.min.x,
            rect.min.y,
            rect.width(),
            rect.height(),
            colour(kind),
            centre.x,
            centre.y - 4.0,
            escape(&shortened(node.display_name())),
            centre.x,
            centre.y + 16.0,
            escape(kind.label()),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

const STYLE: &str = r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>
<style>
.background { fill: #ffffff; }
.link { fill: none; stroke: #555555; stroke-width: 2; }
.node rect { fill: #ffffff; stroke-width: 3; }
.node text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; text-anchor: middle; fill: #1a1a1a; }
.node__name { font-size: 14px; font-weight: 600; }
.node__kind { font-size: 11px; fill: #555555; }
</style>
"##;

/// Okabe–Ito colours, distinguishable with every common colour-vision deficiency.
fn colour(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Users => "#E69F00",
        NodeKind::LoadBalancer => "#56B4E9",
        NodeKind::Server => "#0072B2",
        NodeKind::AutoscalingGroup => "#009E73",
        NodeKind::Cache => "#D55E00",
        NodeKind::Cdn => "#CC79A7",
        NodeKind::Database => "#000000",
        NodeKind::Service => "#F0E442",
        NodeKind::Monitoring => "#999999",
    }
}

fn title(document: &Design) -> &str {
    if document.name.is_empty() {
        "Architecture"
    } else {
        &document.name
    }
}

fn shortened(name: &str) -> String {
    if name.chars().count() <= MAX_SHOWN_NAME_CHARS {
        name.to_owned()
    } else {
        let kept: String = name.chars().take(MAX_SHOWN_NAME_CHARS - 1).collect();
        format!("{kept}…")
    }
}

/// Text as XML character data or attribute value.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            control if control.is_control() && !matches!(control, '\t' | '\n' | '\r') => {}
            other => escaped.push(other),
        }
    }
    escaped
}
