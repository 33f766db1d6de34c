//! The palette: every node kind the model knows, with its icon and name, in the engine's order.

use engine::NodeKind;
use leptos::prelude::*;

use super::NodeIcon;

/// The list of components a user can place on the canvas.
#[component]
pub fn Palette() -> impl IntoView {
    let items = NodeKind::ALL
        .into_iter()
        .map(|kind| {
            view! {
                <li class=format!("palette__item palette__item--{}", kind.as_str()) aria-label=kind.label()>
                    <NodeIcon kind=kind />
                    <span class="palette__name">{kind.label()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="palette" aria-label="Palette">
            <h2 class="panel__title">"Components"</h2>
            <ul class="palette__list" role="list">
                {items}
            </ul>
        </nav>
    }
}
