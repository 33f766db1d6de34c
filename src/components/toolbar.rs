//! The top toolbar: the app's name and the colour-scheme toggle (run controls join it with the live view).

use engine::NodeKind;
use leptos::prelude::*;

use super::NodeIcon;

/// The colour scheme the user picked; `System` follows `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColourScheme {
    System,
    Light,
    Dark,
}

impl ColourScheme {
    fn next(self) -> ColourScheme {
        match self {
            ColourScheme::System => ColourScheme::Light,
            ColourScheme::Light => ColourScheme::Dark,
            ColourScheme::Dark => ColourScheme::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            ColourScheme::System => "Theme: system",
            ColourScheme::Light => "Theme: light",
            ColourScheme::Dark => "Theme: dark",
        }
    }

    /// The value of `data-theme` on `<html>`; the style sheet switches its colour variables on it.
    fn attribute(self) -> &'static str {
        match self {
            ColourScheme::System => "system",
            ColourScheme::Light => "light",
            ColourScheme::Dark => "dark",
        }
    }
}

/// The bar across the top of the app.
#[component]
pub fn Toolbar() -> impl IntoView {
    let scheme = RwSignal::new(ColourScheme::System);
    // Syncing with the outside world (the <html> element) is what effects are for.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            // Setting an attribute on <html> cannot fail in a browser; nothing to recover if it did.
            let _ = root.set_attribute("data-theme", scheme.get().attribute());
        }
    });
    view! {
        <header class="toolbar" role="toolbar" aria-label="Main toolbar">
            <h1 class="toolbar__title">
                <span class="toolbar__logo">
                    <NodeIcon kind=NodeKind::LoadBalancer />
                </span>
                "Architecture Explorer"
            </h1>
            <div class="toolbar__spacer"></div>
            <button
                class="button"
                type="button"
                aria-label=move || format!("{} (click to change)", scheme.get().label())
                on:click=move |_| scheme.update(|current| *current = current.next())
            >
                {move || scheme.get().label()}
            </button>
        </header>
    }
}
