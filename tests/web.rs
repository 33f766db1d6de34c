//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts and renders its shell.
#![cfg(target_arch = "wasm32")]

use arch_explorer::App;
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

#[wasm_bindgen_test]
async fn the_theme_toggle_cycles_and_sets_the_document_attribute() {
    let container = mount_app();
    leptos::task::tick().await;
    let root = leptos::prelude::document().document_element().unwrap();
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("system"));
    let button: web_sys::HtmlElement = container
        .query_selector(".toolbar .button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    leptos::task::tick().await;
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("light"));
    button.click();
    leptos::task::tick().await;
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("dark"));
}
