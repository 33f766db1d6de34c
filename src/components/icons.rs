//! One small inline SVG icon per node kind, drawn with `currentColor` so it follows the theme. The
//! shapes come from `editor::icons`, which exported pictures use too.

use engine::NodeKind;
use leptos::prelude::*;

use crate::editor::icons::icon_shapes;

/// The icon of a node kind; decorative, so hidden from assistive technology (the label names the kind).
#[component]
pub fn NodeIcon(kind: NodeKind) -> impl IntoView {
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
            // Constant markup of our own (never document text).
            inner_html=icon_shapes(kind)
        ></svg>
    }
}
