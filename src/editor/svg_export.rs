//! The design as a standalone SVG file: the "Export SVG" action, and the picture the PNG export
//! draws onto a canvas element, ready for a teacher's slides: the design's title, each node with its
//! icon, name and kind, and optionally the live figures of the run at that instant.
//!
//! The file carries its own styles (no stylesheet travels with a download). Every name from the
//! document is escaped, so a node called `<script>` is text in the picture, never markup. Kinds are
//! told apart by an Okabe–Ito colour (safe for colour-blind readers), by their icon *and* by their
//! name under the node's name.

use std::fmt::Write as _;

use std::collections::BTreeMap;

use engine::{Design, NodeKind, Snapshot};

use super::geometry::{Point, Rect, Vector};
use super::icons::{ICON_STROKE, icon_shapes};
use super::viewport::{NODE_SIZE, document_bounds, input_port, link_path, node_rect, output_port};
use crate::observe::clock;
use crate::observe::figures::picture_lines;

/// Space around the design in the exported picture, pixels.
const MARGIN: f64 = 24.0;
/// Room above the design for its title (and the figures' caption), pixels.
const HEADER: f64 = 44.0;
/// Longest name shown inside a node box before it is cut with "…" (the full name is in the
/// node's `<title>`).
const MAX_SHOWN_NAME_CHARS: usize = 13;
/// The icon's size in a node box, pixels.
const ICON: f64 = 24.0;

/// The run's figures to print on a picture: when they were measured and one short line per node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportFigures {
    /// Simulated time of the snapshot, seconds.
    pub time_s: f64,
    /// Node id → "120/s · CPU 45% · err 2.0%".
    pub lines: BTreeMap<String, String>,
}

impl ExportFigures {
    /// The figures of `snapshot`, as the picture prints them (worded by `observe::figures`, like the
    /// canvas's own lines).
    pub fn from_snapshot(snapshot: &Snapshot) -> ExportFigures {
        ExportFigures {
            time_s: snapshot.time_s,
            lines: picture_lines(snapshot),
        }
    }
}

/// The whole design as SVG text, with the run's figures on each node when `figures` is given.
pub fn export_svg(document: &Design, figures: Option<&ExportFigures>) -> String {
    let (origin, width, height) = picture_frame(document);
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
    let _ = writeln!(
        svg,
        r#"<text class="heading" x="{}" y="{}">{}</text>"#,
        origin.x + MARGIN,
        origin.y + MARGIN + 4.0,
        escape(title(document))
    );
    if let Some(figures) = figures {
        let _ = writeln!(
            svg,
            r#"<text class="caption" x="{}" y="{}">Live figures at {} of simulated time</text>"#,
            origin.x + MARGIN,
            origin.y + MARGIN + 22.0,
            clock(figures.time_s)
        );
    }
    let position = |id: &str| {
        document
            .node_index(id)
            .map(|index| Point::from(document.nodes[index].position))
    };
    for link in &document.links {
        if let (Some(from), Some(to)) = (position(&link.from), position(&link.to)) {
            // A pipeline's deploy link is dashed, as on the canvas: nothing flows on it.
            let deploy = document
                .node(&link.from)
                .is_some_and(|node| node.kind() == NodeKind::Pipeline);
            let dashes = if deploy {
                r#" stroke-dasharray="6 5""#
            } else {
                ""
            };
            let _ = writeln!(
                svg,
                r#"<path class="link"{dashes} d="{}" marker-end="url(#arrow)"><title>{} → {}</title></path>"#,
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
        let text_x = rect.min.x + 14.0 + ICON;
        let line = figures.and_then(|figures| figures.lines.get(&node.id));
        // With a figures line the name and kind move up to make room for it.
        let top = if line.is_some() { -12.0 } else { -4.0 };
        let _ = write!(
            svg,
            r#"<g class="node node--{}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="8" style="stroke:{}"/><g class="icon" transform="translate({} {})" style="color:{}" {ICON_STROKE}>{}</g><text class="node__name" x="{text_x}" y="{}">{}</text><text class="node__kind" x="{text_x}" y="{}">{}</text>"#,
            kind.as_str(),
            escape(node.display_name()),
            rect.min.x,
            rect.min.y,
            rect.width(),
            rect.height(),
            colour(kind),
            rect.min.x + 8.0,
            centre.y - ICON / 2.0,
            colour(kind),
            icon_shapes(kind),
            centre.y + top,
            escape(&shortened(node.display_name())),
            centre.y + top + 15.0,
            escape(kind.label()),
        );
        if let Some(line) = line {
            let _ = write!(
                svg,
                r#"<text class="node__figures" x="{text_x}" y="{}">{}</text>"#,
                centre.y + top + 29.0,
                escape(line)
            );
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}

const STYLE: &str = r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>
<style>
.background { fill: #ffffff; }
.link { fill: none; stroke: #555555; stroke-width: 2; }
.node rect { fill: #ffffff; stroke-width: 3; }
text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; fill: #1a1a1a; }
.heading { font-size: 18px; font-weight: 650; }
.caption { font-size: 12px; fill: #555555; }
.node__name { font-size: 13px; font-weight: 600; }
.node__kind { font-size: 11px; fill: #555555; }
.node__figures { font-size: 10.5px; fill: #1a1a1a; font-variant-numeric: tabular-nums; }
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
        NodeKind::Pipeline => "#882255",
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
/// The picture's frame in canvas coordinates: its top-left corner, width and height (the SVG's
/// `viewBox`), so a drawing over the picture (a clip's particles) can line up with it.
pub fn picture_frame(document: &Design) -> (Point, f64, f64) {
    let bounds =
        document_bounds(document).unwrap_or(Rect::centred(Point::new(0.0, 0.0), NODE_SIZE));
    let origin = bounds.min.plus(Vector::new(-MARGIN, -MARGIN - HEADER));
    let width = (bounds.width() + 2.0 * MARGIN).max(360.0);
    let height = bounds.height() + 2.0 * MARGIN + HEADER;
    (origin, width, height)
}

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
