//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts and renders its shell, the
//! canvas's minimap and in-place rename, and the colour scheme kept across visits.
#![cfg(target_arch = "wasm32")]

use arch_explorer::App;
use arch_explorer::editor::storage::COLOR_SCHEME_KEY;
use engine::NodeKind;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh element and returns that element.
fn mount_app() -> web_sys::HtmlElement {
    let document = leptos::prelude::document();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), App);
    handle.forget();
    container
}

#[wasm_bindgen_test]
async fn the_palette_lists_every_node_kind_in_order() {
    let container = mount_app();
    leptos::task::tick().await;
    let items = container.query_selector_all(".palette__item").unwrap();
    let labels: Vec<String> = (0..items.length())
        .map(|index| {
            let item: web_sys::Element = items.item(index).unwrap().unchecked_into();
            item.get_attribute("aria-label").unwrap()
        })
        .collect();
    let expected: Vec<String> = NodeKind::ALL
        .iter()
        .map(|kind| kind.label().to_string())
        .collect();
    assert_eq!(labels, expected);
}

fn local_storage() -> web_sys::Storage {
    leptos::prelude::window().local_storage().unwrap().unwrap()
}

/// The toolbar's colour-scheme toggle (its accessible name starts with "Theme").
fn theme_toggle(container: &web_sys::HtmlElement) -> web_sys::HtmlElement {
    container
        .query_selector(".toolbar button[aria-label^='Theme']")
        .unwrap()
        .expect("a theme toggle")
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn the_theme_toggle_cycles_sets_the_document_attribute_and_saves_the_choice() {
    local_storage().remove_item(COLOR_SCHEME_KEY).unwrap();
    let container = mount_app();
    leptos::task::tick().await;
    let root = leptos::prelude::document().document_element().unwrap();
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("system"));
    let button = theme_toggle(&container);
    let mut seen = Vec::new();
    for _ in 0..3 {
        button.click();
        leptos::task::tick().await;
        seen.push((
            root.get_attribute("data-theme").unwrap(),
            local_storage().get_item(COLOR_SCHEME_KEY).unwrap(),
        ));
    }
    let expected = [
        ("light", Some("light")),
        ("dark", Some("dark")),
        // Following the system is the default: the override is forgotten.
        ("system", None),
    ]
    .map(|(theme, saved)| (theme.to_string(), saved.map(str::to_string)));
    assert_eq!(seen, expected);
}

#[wasm_bindgen_test]
async fn a_saved_colour_scheme_is_restored_on_mount() {
    local_storage().set_item(COLOR_SCHEME_KEY, "dark").unwrap();
    let container = mount_app();
    leptos::task::tick().await;
    let root = leptos::prelude::document().document_element().unwrap();
    let theme = root.get_attribute("data-theme");
    let label = theme_toggle(&container).get_attribute("aria-label");
    local_storage().remove_item(COLOR_SCHEME_KEY).unwrap();
    assert_eq!(theme.as_deref(), Some("dark"));
    assert_eq!(label.as_deref(), Some("Theme: dark (click to change)"));
}

#[wasm_bindgen_test]
async fn the_minimap_draws_one_rectangle_per_node_and_one_line_per_link() {
    let container = mount_app();
    leptos::task::tick().await;
    let count = |selector: &str| container.query_selector_all(selector).unwrap().length();
    let nodes = count(".canvas [data-node-id]");
    assert!(nodes > 0, "the app opens on a preset");
    assert_eq!(count(".minimap rect.minimap__node"), nodes);
    assert_eq!(
        count(".minimap line.minimap__link"),
        count(".canvas g.link")
    );
    assert_eq!(count(".minimap rect.minimap__view"), 1);
    let minimap = container.query_selector(".minimap").unwrap().unwrap();
    assert_eq!(minimap.get_attribute("role").as_deref(), Some("img"));
    assert!(
        minimap.get_attribute("tabindex").is_none(),
        "kept out of the tab order"
    );
    assert_eq!(
        minimap.get_attribute("aria-label"),
        Some(format!(
            "Minimap of {nodes} nodes; press or drag on it to move the view"
        ))
    );
}

#[wasm_bindgen_test]
async fn f2_on_a_node_opens_the_rename_field_and_escape_closes_it() {
    let container = mount_app();
    leptos::task::tick().await;
    let node: web_sys::HtmlElement = container
        .query_selector(".canvas [data-node-id]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let press = |target: &web_sys::EventTarget, key: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        let event =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        target.dispatch_event(&event).unwrap();
    };
    press(&node, "F2");
    leptos::task::tick().await;
    let field: web_sys::HtmlInputElement = container
        .query_selector("input[aria-label='Rename node']")
        .unwrap()
        .expect("a rename field over the node")
        .unchecked_into();
    let name = node
        .query_selector(".node__name")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(field.value(), name);
    press(&field, "Escape");
    leptos::task::tick().await;
    assert!(
        container
            .query_selector("input[aria-label='Rename node']")
            .unwrap()
            .is_none()
    );
}
