//! The document controls in the toolbar: undo/redo, the presets of the scaling story, import and export of
//! design files, SVG and PNG export, the share link (the whole design in the URL fragment), and the
//! run as a file (Save run, Open run: the design, the seed and everything done, re-simulated on open).
//! An invalid import, run file or link is refused whole with a typed message; the current design and
//! run stay untouched.

use engine::presets;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::crash::blob_url;
use crate::editor::svg_export::{ExportFigures, export_svg};
use crate::editor::{Command, Selection, share_link, storage};
use crate::persistence::Banner;
use crate::state::AppState;

/// Undo, redo, presets, import, export and share.
#[component]
pub fn FileMenu() -> impl IntoView {
    let state = AppState::get();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let run_input = NodeRef::<leptos::html::Input>::new();
    let run_menu = NodeRef::<leptos::html::Details>::new();
    let close_run_menu = move || {
        if let Some(menu) = run_menu.get_untracked() {
            menu.set_open(false);
        }
    };
    let can_undo = move || state.editor.with(|editor| editor.can_undo());
    let can_redo = move || state.editor.with(|editor| editor.can_redo());
    let undo_title = move || {
        state.editor.with(|editor| {
            editor
                .history()
                .undo_label()
                .map(|label| format!("Undo: {label}"))
                .unwrap_or_else(|| "Nothing to undo".to_string())
        })
    };
    let redo_title = move || {
        state.editor.with(|editor| {
            editor
                .history()
                .redo_label()
                .map(|label| format!("Redo: {label}"))
                .unwrap_or_else(|| "Nothing to redo".to_string())
        })
    };

    let open_preset = move |event: web_sys::Event| {
        let wanted = event_target_value(&event);
        let preset = presets::all().into_iter().find(|(name, _)| *name == wanted);
        if let Some((name, design)) = preset
            && state
                .execute(&Command::ReplaceDocument(Box::new(design)))
                .is_ok()
        {
            state.view.selection.set(Selection::default());
            fit_soon(state);
            state
                .announcement
                .set(format!("Opened the preset “{name}”"));
        }
        // Back to the prompt, so choosing the same preset again works.
        if let Some(select) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            select.set_value("");
        }
    };

    // A blank canvas, one undoable step away from the design it replaces.
    let new_design = move |_| {
        if state
            .execute(&Command::ReplaceDocument(Box::new(storage::new_design())))
            .is_ok()
        {
            state.view.selection.set(Selection::default());
            state.view.viewport.set(crate::editor::Viewport::default());
            state.banner.set(Some(Banner {
                message: "New design: add components from the palette. Undo brings back the previous design.".to_string(),
                is_error: false,
            }));
        }
    };

    let on_file = move |event: web_sys::Event| {
        let Some((name, text)) = take_chosen_file(&event) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = text.await;
            let outcome = match text {
                Some(text) => storage::parse_import(&text).map_err(|error| error.to_string()),
                None => Err("the file could not be read as text".to_string()),
            };
            match outcome {
                Ok(design) => {
                    if state
                        .execute(&Command::ReplaceDocument(Box::new(design)))
                        .is_ok()
                    {
                        state.view.selection.set(Selection::default());
                        fit_soon(state);
                        state.banner.set(Some(Banner {
                            message: format!("Imported “{name}”. Undo takes you back."),
                            is_error: false,
                        }));
                    }
                }
                Err(message) => state.banner.set(Some(Banner {
                    message: format!(
                        "“{name}” was not imported: {message}. Your design is unchanged."
                    ),
                    is_error: true,
                })),
            }
        });
    };

    let save_run = move |_| {
        close_run_menu();
        match state.runner.run_file() {
            Some(file) => {
                let name = state.editor.with_untracked(|editor| {
                    storage::export_file_name(editor.document()).replace(".json", ".run.json")
                });
                download(&file.to_json(), &name, "application/json");
                state.announcement.set(format!(
                    "Saved the run ({} recorded actions, {} of simulated time)",
                    file.timeline.len(),
                    crate::observe::clock(file.end_ns as f64 / 1e9)
                ));
            }
            None => state.banner.set(Some(Banner {
                message: "There is no run to save: the design cannot run yet.".to_string(),
                is_error: true,
            })),
        }
    };
    let replay_link = move |_| {
        close_run_menu();
        let Some(run) = state.runner.run_file() else {
            return;
        };
        match crate::editor::replay_link::encode(&run) {
            Ok(fragment) => {
                let url = page_url_with(&fragment);
                let _ = window().navigator().clipboard().write_text(&url);
                state.banner.set(Some(Banner {
                    message: "Replay link copied to the clipboard: it opens this run read-only (for slides or a page of your own).".to_string(),
                    is_error: false,
                }));
            }
            Err(error) => state.banner.set(Some(Banner {
                message: format!("This run cannot be shared as a link: {error}."),
                is_error: true,
            })),
        }
    };
    let on_run_file = move |event: web_sys::Event| {
        close_run_menu();
        let Some((name, text)) = take_chosen_file(&event) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = text.await;
            let outcome = match text {
                Some(text) => engine::RunFile::from_json(&text).map_err(|error| error.to_string()),
                None => Err("the file could not be read as text".to_string()),
            };
            match outcome {
                Ok(run) => {
                    let design = run.design.clone();
                    let entries = run.timeline.len();
                    state.runner.open_run(run);
                    match state.execute(&Command::ReplaceDocument(Box::new(design.clone()))) {
                        Ok(applied) => {
                            if !applied.changed {
                                // The same design: no new document comes, so start its run here.
                                state.runner.reset(&design);
                            }
                            state.view.selection.set(Selection::default());
                            fit_soon(state);
                            state.banner.set(Some(Banner {
                                message: format!(
                                    "Opened the run “{name}” ({entries} recorded actions): it is re-simulated from its file. Drag the timeline under the canvas to travel in it."
                                ),
                                is_error: false,
                            }));
                        }
                        Err(error) => {
                            state.runner.forget_run();
                            state.banner.set(Some(Banner {
                                message: format!(
                                    "“{name}” was not opened: {error}. Your design is unchanged."
                                ),
                                is_error: true,
                            }));
                        }
                    }
                }
                Err(message) => state.banner.set(Some(Banner {
                    message: format!(
                        "“{name}” was not opened: {message}. Your design and run are unchanged."
                    ),
                    is_error: true,
                })),
            }
        });
    };

    let export = move |_| {
        let (text, file_name) = state.editor.with_untracked(|editor| {
            (
                storage::export_text(editor.document()),
                storage::export_file_name(editor.document()),
            )
        });
        download(&text, &file_name, "application/json");
    };
    // A picture for slides: with the run's figures at this instant when "with live figures" is ticked.
    let with_figures = RwSignal::new(true);
    let picture_menu = NodeRef::<leptos::html::Details>::new();
    let close_picture_menu = move || {
        if let Some(menu) = picture_menu.get_untracked() {
            menu.set_open(false);
        }
    };
    let figures = move || {
        with_figures
            .get_untracked()
            .then(|| {
                state
                    .runner
                    .snapshot
                    .with_untracked(|snapshot| snapshot.as_ref().map(ExportFigures::from_snapshot))
            })
            .flatten()
    };
    let export_image = move |_| {
        close_picture_menu();
        let figures = figures();
        let (svg, file_name) = state.editor.with_untracked(|editor| {
            (
                export_svg(editor.document(), figures.as_ref()),
                storage::export_file_name(editor.document()).replace(".json", ".svg"),
            )
        });
        download(&svg, &file_name, "image/svg+xml");
    };
    let export_png = move |_| {
        close_picture_menu();
        let figures = figures();
        let (svg, file_name) = state.editor.with_untracked(|editor| {
            (
                export_svg(editor.document(), figures.as_ref()),
                storage::export_file_name(editor.document()).replace(".json", ".png"),
            )
        });
        leptos::task::spawn_local(async move {
            match svg_to_png(&svg).await {
                Ok(png) => {
                    if let Ok(url) = web_sys::Url::create_object_url_with_blob(&png) {
                        download_url(url, &file_name);
                    }
                }
                Err(reason) => {
                    state.banner.try_set(Some(Banner {
                        message: format!(
                            "The PNG picture could not be made: {reason}. Try SVG instead."
                        ),
                        is_error: true,
                    }));
                }
            }
        });
    };
    let share = move |_| {
        let encoded = state
            .editor
            .with_untracked(|editor| share_link::encode(editor.document()));
        match encoded {
            Ok(fragment) => {
                let url = page_url_with(&fragment);
                // Replace rather than push: the link is the page's state, not a step to go back through.
                let _ = window().history().and_then(|history| {
                    history.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&fragment),
                    )
                });
                let _ = window().navigator().clipboard().write_text(&url);
                state.banner.set(Some(Banner {
                    message: "Share link copied to the clipboard (it is also in the address bar)."
                        .to_string(),
                    is_error: false,
                }));
            }
            Err(error) => state.banner.set(Some(Banner {
                message: format!(
                    "This design cannot be shared as a link: {error}. Export it as a file instead."
                ),
                is_error: true,
            })),
        }
    };

    view! {
        <div class="toolbar__group" role="group" aria-label="Document">
            <button class="button" type="button" aria-label="Undo" title=undo_title disabled=move || !can_undo() on:click=move |_| state.undo()>"↶"</button>
            <button class="button" type="button" aria-label="Redo" title=redo_title disabled=move || !can_redo() on:click=move |_| state.redo()>"↷"</button>
            <button class="button" type="button" aria-label="New design" title="Start an empty design (Undo brings the current one back)" on:click=new_design>"New"</button>
            <select class="input" aria-label="Open a preset" on:change=open_preset>
                <option value="" selected=true>"Presets…"</option>
                {presets::all().into_iter().map(|(name, _)| view! { <option value=name>{name}</option> }).collect_view()}
            </select>
            <button class="button" type="button" aria-label="Import a design file" on:click=move |_| { if let Some(input) = file_input.get_untracked() { input.click(); } }>"Import"</button>
            <input class="visually-hidden" type="file" accept=".json,application/json" node_ref=file_input tabindex="-1" aria-hidden="true" data-input="design-file" on:change=on_file />
            <button class="button" type="button" aria-label="Export the design as a file" on:click=export>"Export"</button>
            // Pictures for slides behind one "Picture" menu: the toolbar must fit a 1280 px laptop.
            <details class="menu" node_ref=picture_menu>
                <summary class="button" aria-label="Picture export">"Picture"</summary>
                <div class="menu__panel" role="group" aria-label="Export a picture">
                    <button class="button" type="button" aria-label="Export an SVG picture" on:click=export_image>"SVG"</button>
                    <button class="button" type="button" aria-label="Export a PNG picture" on:click=export_png>"PNG"</button>
                    <label class="menu__check" title="Print the run's figures at this instant on the picture">
                        <input type="checkbox" prop:checked=move || with_figures.get() on:change=move |event| with_figures.set(event_target_checked(&event)) />
                        "with live figures"
                    </label>
                </div>
            </details>
            <button class="button" type="button" aria-label="Copy a share link" on:click=share>"Share"</button>
            // The run as a file: everything done in it, re-simulated when opened.
            <details class="menu" node_ref=run_menu>
                <summary class="button" aria-label="Run file">"Run"</summary>
                <div class="menu__panel" role="group" aria-label="Save or open a run">
                    <button class="button" type="button" aria-label="Save the run as a file" title="The design, the seed and everything done in this run" on:click=save_run>"Save run"</button>
                    <button class="button" type="button" aria-label="Open a run file" title="Re-simulates a saved run exactly" on:click=move |_| { if let Some(input) = run_input.get_untracked() { input.click(); } }>"Open run…"</button>
                    <button class="button" type="button" aria-label="Copy a replay link" title="A link that opens this run read-only" on:click=replay_link>"Replay link"</button>
                </div>
            </details>
            <input class="visually-hidden" type="file" accept=".json,application/json" node_ref=run_input tabindex="-1" aria-hidden="true" data-input="run-file" on:change=on_run_file />
        </div>
    }
}

/// Zoom to fit once the new document has rendered. Takes the state because it can be called from an
/// async task, where there is no reactive owner to find the context in.
fn fit_soon(state: AppState) {
    request_animation_frame(move || {
        let fitted = state
            .editor
            .with_untracked(|editor| crate::state::fitted_view(editor.document(), false));
        state.view.viewport.set(fitted);
    });
}

/// This page's address with `fragment` (`#d=…`, `#r=…`) in place of its own: a link to share.
pub(crate) fn page_url_with(fragment: &str) -> String {
    let location = window().location();
    format!(
        "{}{}{fragment}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
    )
}

/// The file chosen in a file input's `change` event: its name, and its text once read (`None` when it
/// cannot be read as text). The input is emptied, so choosing the same file again is a change again.
pub(crate) fn take_chosen_file(
    event: &web_sys::Event,
) -> Option<(
    String,
    impl std::future::Future<Output = Option<String>> + use<>,
)> {
    take_chosen_files(event).into_iter().next()
}

/// Every file chosen in a (`multiple`) file input's `change` event, as [`take_chosen_file`] gives one.
pub(crate) fn take_chosen_files(
    event: &web_sys::Event,
) -> Vec<(
    String,
    impl std::future::Future<Output = Option<String>> + use<>,
)> {
    let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files: Vec<web_sys::File> = input
        .files()
        .map(|files| (0..files.length()).filter_map(|i| files.get(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
        .into_iter()
        .map(|file| {
            let name = file.name();
            let text = async move {
                wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|value| value.as_string())
            };
            (name, text)
        })
        .collect()
}

/// Offers `text` as a file download.
pub(crate) fn download(text: &str, file_name: &str, mime: &str) {
    if let Some(url) = blob_url(text, mime) {
        download_url(url, file_name);
    }
}

/// Offers the blob behind an object URL as a file download, then releases the URL.
pub(crate) fn download_url(url: String, file_name: &str) {
    let Some(anchor) = document()
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Give the browser time to start the download before the URL is released.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
}

/// How much larger than the design's own pixels the PNG is drawn, so it stays sharp on dense screens.
const PNG_SCALE: f64 = 2.0;

/// Draws the SVG picture onto an offscreen canvas at [`PNG_SCALE`] and encodes it as PNG.
async fn svg_to_png(svg: &str) -> Result<web_sys::Blob, String> {
    use wasm_bindgen_futures::JsFuture;

    let source = blob_url(svg, "image/svg+xml").ok_or("the picture could not be prepared")?;
    let image = web_sys::HtmlImageElement::new().map_err(|_| "no image element")?;
    image.set_src(&source);
    let decoded = JsFuture::from(image.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&source);
    decoded.map_err(|_| "the browser could not read the SVG picture")?;
    let width = f64::from(image.natural_width()) * PNG_SCALE;
    let height = f64::from(image.natural_height()) * PNG_SCALE;
    let canvas = document()
        .create_element("canvas")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or("no canvas element")?;
    // The SVG's size is its design's size plus a margin: far below u32::MAX.
    canvas.set_width(width.ceil() as u32);
    canvas.set_height(height.ceil() as u32);
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|context| context.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .ok_or("no 2D drawing context")?;
    context
        .draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, width, height)
        .map_err(|_| "the picture could not be drawn")?;
    // `toBlob` reports through a callback: turn it into a promise to await.
    let encoded = web_sys::js_sys::Promise::new(&mut |resolve, reject| {
        let on_blob =
            wasm_bindgen::closure::Closure::once_into_js(move |blob: wasm_bindgen::JsValue| {
                let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &blob);
            });
        if canvas
            .to_blob_with_type(on_blob.unchecked_ref(), "image/png")
            .is_err()
        {
            let _ = reject.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    JsFuture::from(encoded)
        .await
        .ok()
        .and_then(|blob| blob.dyn_into::<web_sys::Blob>().ok())
        .ok_or_else(|| "the picture is too large to encode".to_string())
}
