//! One small inline SVG icon per node kind, drawn with `currentColor` so it follows the theme.

use engine::NodeKind;
use leptos::prelude::*;

/// The icon of a node kind; decorative, so hidden from assistive technology (the label names the kind).
#[component]
pub fn NodeIcon(kind: NodeKind) -> impl IntoView {
    let shapes = match kind {
        NodeKind::Users => view! {
            <circle cx="8" cy="8" r="3" />
            <path d="M3 19c0-3 2-5 5-5s5 2 5 5" />
            <circle cx="16" cy="7" r="2.5" />
            <path d="M14 13c3-1 7 1 7 5" />
        }
        .into_any(),
        NodeKind::LoadBalancer => view! {
            <circle cx="5" cy="12" r="2.5" />
            <path d="M7.5 12h4M11.5 12L19 5M11.5 12H19M11.5 12L19 19" />
            <circle cx="19.5" cy="5" r="1.5" />
            <circle cx="19.5" cy="12" r="1.5" />
            <circle cx="19.5" cy="19" r="1.5" />
        }
        .into_any(),
        NodeKind::Server => view! {
            <rect x="4" y="3" width="16" height="7" rx="1.5" />
            <rect x="4" y="14" width="16" height="7" rx="1.5" />
            <path d="M7 6.5h1M7 17.5h1" />
        }
        .into_any(),
        NodeKind::AutoscalingGroup => view! {
            <rect x="2.5" y="8" width="8" height="8" rx="1.5" />
            <rect x="13.5" y="8" width="8" height="8" rx="1.5" stroke-dasharray="2 2" />
            <path d="M12 2v3M10.5 3.5L12 2l1.5 1.5M12 22v-3M10.5 20.5L12 22l1.5-1.5" />
        }
        .into_any(),
        NodeKind::Cache => view! {
            <path d="M13 2L5 13h6l-1 9 8-11h-6z" />
        }
        .into_any(),
        NodeKind::Cdn => view! {
            <circle cx="12" cy="12" r="9" />
            <path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18" />
        }
        .into_any(),
        NodeKind::Database => view! {
            <ellipse cx="12" cy="5.5" rx="7" ry="2.5" />
            <path d="M5 5.5v13c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5v-13M5 12c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5" />
        }
        .into_any(),
        NodeKind::Service => view! {
            <rect x="8" y="3" width="8" height="6" rx="1.5" />
            <rect x="2" y="15" width="7" height="6" rx="1.5" />
            <rect x="15" y="15" width="7" height="6" rx="1.5" />
            <path d="M12 9v3M5.5 15v-3h13v3" />
        }
        .into_any(),
        NodeKind::Monitoring => view! {
            <rect x="3" y="4" width="18" height="13" rx="1.5" />
            <path d="M6 13l3-4 3 3 3-5 3 4M9 21h6M12 17v4" />
        }
        .into_any(),
    };
    view! {
        <svg
            class="node-icon"
            viewBox="0 0 24 24"
            width="24"
            height="24"
            fill="none"
            stroke="currentColor"
            stroke-width="1.6"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            {shapes}
        </svg>
    }
}
