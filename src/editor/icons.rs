//! The node kinds' icons as SVG shapes on a 24 × 24 grid, drawn with `currentColor`: one source for
//! the palette and canvas (`components/icons.rs`) and for exported pictures (`svg_export.rs`). The
//! markup is ours and constant (no document text ever enters it).

use engine::NodeKind;

/// The shapes of `kind`'s icon, without the enclosing `<svg>`.
pub fn icon_shapes(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Users => {
            r#"<circle cx="8" cy="8" r="3"/><path d="M3 19c0-3 2-5 5-5s5 2 5 5"/><circle cx="16" cy="7" r="2.5"/><path d="M14 13c3-1 7 1 7 5"/>"#
        }
        NodeKind::LoadBalancer => {
            r#"<circle cx="5" cy="12" r="2.5"/><path d="M7.5 12h4M11.5 12L19 5M11.5 12H19M11.5 12L19 19"/><circle cx="19.5" cy="5" r="1.5"/><circle cx="19.5" cy="12" r="1.5"/><circle cx="19.5" cy="19" r="1.5"/>"#
        }
        NodeKind::Server => {
            r#"<rect x="4" y="3" width="16" height="7" rx="1.5"/><rect x="4" y="14" width="16" height="7" rx="1.5"/><path d="M7 6.5h1M7 17.5h1"/>"#
        }
        NodeKind::AutoscalingGroup => {
            r#"<rect x="2.5" y="8" width="8" height="8" rx="1.5"/><rect x="13.5" y="8" width="8" height="8" rx="1.5" stroke-dasharray="2 2"/><path d="M12 2v3M10.5 3.5L12 2l1.5 1.5M12 22v-3M10.5 20.5L12 22l1.5-1.5"/>"#
        }
        NodeKind::Cache => r#"<path d="M13 2L5 13h6l-1 9 8-11h-6z"/>"#,
        NodeKind::Cdn => {
            r#"<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"/>"#
        }
        NodeKind::Database => {
            r#"<ellipse cx="12" cy="5.5" rx="7" ry="2.5"/><path d="M5 5.5v13c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5v-13M5 12c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5"/>"#
        }
        NodeKind::Service => {
            r#"<rect x="8" y="3" width="8" height="6" rx="1.5"/><rect x="2" y="15" width="7" height="6" rx="1.5"/><rect x="15" y="15" width="7" height="6" rx="1.5"/><path d="M12 9v3M5.5 15v-3h13v3"/>"#
        }
        NodeKind::Monitoring => {
            r#"<rect x="3" y="4" width="18" height="13" rx="1.5"/><path d="M6 13l3-4 3 3 3-5 3 4M9 21h6M12 17v4"/>"#
        }
        // Build & deploy: a cog (the build) sending an arrow on (the deploy).
        NodeKind::Pipeline => {
            r#"<circle cx="8" cy="12" r="3.2"/><circle cx="8" cy="12" r="1"/><path d="M8 5.6v1.6M8 16.8v1.6M1.6 12h1.6M12.8 12h1.6M3.5 7.5l1.1 1.1M11.4 15.4l1.1 1.1M3.5 16.5l1.1-1.1M11.4 8.6l1.1-1.1M16 12h6M19 9l3 3-3 3"/>"#
        }
    }
}

/// The stroke attributes every icon is drawn with.
pub const ICON_STROKE: &str = r#"fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round""#;
