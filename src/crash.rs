//! The crash overlay: a Rust panic stops autosave (so a crash can never overwrite good work) and shows an
//! overlay, built with plain DOM calls because the app itself may be broken, offering to download or copy
//! the current design and to reload.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::persistence;

/// Sends panics to the console and shows the overlay; call once before mounting.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        persistence::stop_autosave();
        // Nothing more can be done if even the overlay cannot be built.
        let _ = show_overlay(&info.to_string());
    }));
}

fn show_overlay(what: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    if document.get_element_by_id("crash-overlay").is_some() {
        return Some(());
    }
    let overlay = document.create_element("div").ok()?;
    overlay.set_id("crash-overlay");
    overlay.set_class_name("crash");
    let _ = overlay.set_attribute("role", "alertdialog");
    let _ = overlay.set_attribute("aria-label", "Architecture Explorer stopped");
    let design = persistence::latest_document_json();
    let download_href = blob_url(&design, "application/json").unwrap_or_default();
    // Text is set with set_text_content, never as markup.
    let panel = element(&document, "div", "crash__panel", "")?;
    let title = element(
        &document,
        "h2",
        "crash__title",
        "Something went wrong and the app stopped.",
    )?;
    let explanation = element(
        &document,
        "p",
        "",
        "Autosave is off, so your last saved design is safe. Download or copy the current design, then reload.",
    )?;
    let detail = element(&document, "pre", "crash__detail", what)?;
    let download = element(&document, "a", "button", "Download design")?;
    let _ = download.set_attribute("href", &download_href);
    let _ = download.set_attribute("download", "architecture-explorer-recovered.json");
    let copy = element(&document, "button", "button", "Copy design")?;
    let reload = element(&document, "button", "button button--primary", "Reload")?;
    let on_copy = Closure::<dyn Fn()>::new(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&design);
        }
    });
    let _ = copy.add_event_listener_with_callback("click", on_copy.as_ref().unchecked_ref());
    on_copy.forget();
    let on_reload = Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    let _ = reload.add_event_listener_with_callback("click", on_reload.as_ref().unchecked_ref());
    on_reload.forget();
    for child in [&title, &explanation, &detail, &download, &copy, &reload] {
        let _ = panel.append_child(child);
    }
    let _ = overlay.append_child(&panel);
    body.append_child(&overlay).ok()?;
    Some(())
}

fn element(
    document: &web_sys::Document,
    tag: &str,
    class: &str,
    text: &str,
) -> Option<web_sys::Element> {
    let element = document.create_element(tag).ok()?;
    element.set_class_name(class);
    element.set_text_content(Some(text));
    Some(element)
}

/// An object URL for `text` as a file of type `mime`.
pub fn blob_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys_array_of(text);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

fn js_sys_array_of(text: &str) -> wasm_bindgen::JsValue {
    let array = web_sys::js_sys::Array::new();
    array.push(&wasm_bindgen::JsValue::from_str(text));
    array.into()
}
