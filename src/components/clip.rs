//! Export a clip: a time range of the run as a WebM video (MediaRecorder on a canvas), for slides.
//! The range is re-simulated from the run's file — nothing recorded on screen is trusted — and each
//! frame draws the design picture with its live figures (the SVG export) and the requests in flight
//! (the particle drawing), with the simulated clock, at 30 frames per second, with a progress bar.
//! The plan (speed, frames) is `observe::clip`'s. A browser without WebM recording is told so.

use std::cell::RefCell;
use std::rc::Rc;

use engine::Design;
use engine::run_file::Seek;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::file_menu::download_url;
use super::particles::draw_particles;
use crate::crash::blob_url;
use crate::editor::svg_export::{ExportFigures, export_svg, picture_frame};
use crate::editor::{Vector, Viewport, storage};
use crate::observe::clip::{CLIP_FPS, ClipPlan, file_name, plan, read_instant};
use crate::observe::{clock, clock_with_tenths};
use crate::state::AppState;

/// The video's size, pixels.
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
/// Space kept for the clock along the top, pixels.
const CLOCK_BAND: f64 = 36.0;

/// The Clip menu on the run's timeline.
#[component]
pub fn ClipMenu() -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let menu = NodeRef::<leptos::html::Details>::new();
    let from_text = RwSignal::new(String::new());
    let to_text = RwSignal::new(String::new());
    let progress = RwSignal::new(None::<f64>);
    let problem = RwSignal::new(None::<String>);
    // Opening the menu proposes the last 30 seconds of the run. Decided on the summary's click (which
    // comes before the menu opens, and also answers Enter and Space), not on `toggle`: that event is
    // queued, so text typed right after opening would be overwritten by the proposal.
    let on_open = move |_| {
        let closed = menu.get_untracked().is_some_and(|menu| !menu.open());
        if closed && progress.get_untracked().is_none() {
            let end = runner.head_s.get_untracked();
            from_text.set(clock((end - 30.0).max(0.0)));
            to_text.set(clock(end));
            problem.set(None);
        }
    };
    let export = move |_| {
        let planned = read_instant(&from_text.get_untracked())
            .map_err(|error| format!("From: {error}"))
            .and_then(|from| {
                read_instant(&to_text.get_untracked())
                    .map_err(|error| format!("To: {error}"))
                    .map(|to| (from, to))
            })
            .and_then(|(from, to)| plan(from, to, runner.head_s.get_untracked()));
        let clip = match planned {
            Ok(clip) => clip,
            Err(message) => {
                problem.set(Some(message));
                return;
            }
        };
        let mime = [
            "video/webm;codecs=vp9",
            "video/webm;codecs=vp8",
            "video/webm",
        ]
        .into_iter()
        .find(|mime| web_sys::MediaRecorder::is_type_supported(mime));
        let Some(mime) = mime else {
            problem.set(Some(
                "this browser cannot record WebM video: export the clip in Chrome, Edge or Firefox"
                    .to_owned(),
            ));
            return;
        };
        let Some((replayer, seek)) = runner.clip_source((clip.from_s * 1e9) as u64) else {
            problem.set(Some("there is no run to make a clip of".to_owned()));
            return;
        };
        let name = state.editor.with_untracked(|editor| {
            file_name(&storage::export_file_name(editor.document()), &clip)
        });
        problem.set(None);
        progress.set(Some(0.0));
        leptos::task::spawn_local(async move {
            match record(replayer, seek, clip, mime, progress).await {
                Ok(blob) => {
                    if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
                        download_url(url, &name);
                    }
                    let _ = state.announcement.try_set(format!(
                        "Clip exported: {} of video",
                        crate::observe::duration(clip.video_s)
                    ));
                }
                Err(message) => {
                    let _ = problem.try_set(Some(format!("the clip could not be made: {message}")));
                }
            }
            let _ = progress.try_set(None);
        });
    };
    view! {
        <details class="menu scrubber__clip" node_ref=menu>
            <summary class="button" aria-label="Export a clip" on:click=on_open>"Clip"</summary>
            <div class="menu__panel menu__panel--up" role="group" aria-label="Export a clip of the run">
                <label class="report__field report__field--narrow">
                    "From"
                    <input aria-label="Clip from" prop:value=move || from_text.get() on:input=move |event| from_text.set(event_target_value(&event)) />
                </label>
                <label class="report__field report__field--narrow">
                    "To"
                    <input aria-label="Clip to" prop:value=move || to_text.get() on:input=move |event| to_text.set(event_target_value(&event)) />
                </label>
                <button class="button button--primary" type="button" disabled=move || progress.get().is_some() on:click=export>"Export WebM"</button>
                {move || progress.get().map(|fraction| view! {
                    <p class="scrubber__clip-progress" role="status">
                        <progress max="1" prop:value=fraction aria-label="Clip progress"></progress>
                        {format!(" Recording… {:.0} %", fraction * 100.0)}
                    </p>
                })}
                {move || problem.get().map(|message| view! { <p class="report__problem" role="alert">{message}</p> })}
            </div>
        </details>
    }
}

/// Waits `ms` milliseconds of wall time.
async fn sleep_ms(ms: f64) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            ms.max(0.0).round() as i32,
        );
    });
    let _ = JsFuture::from(promise).await;
}

/// Re-simulates the range frame by frame, draws each frame and records the canvas.
async fn record(
    mut replayer: engine::Replayer,
    mut seek: Seek,
    clip: ClipPlan,
    mime: &'static str,
    progress: RwSignal<Option<f64>>,
) -> Result<web_sys::Blob, String> {
    let canvas = document()
        .create_element("canvas")
        .ok()
        .and_then(|element| element.dyn_into::<HtmlCanvasElement>().ok())
        .ok_or("no canvas element")?;
    canvas.set_width(WIDTH);
    canvas.set_height(HEIGHT);
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|context| context.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or("no 2D drawing context")?;
    let stream = canvas
        .capture_stream_with_frame_request_rate(CLIP_FPS)
        .map_err(|_| "the canvas cannot be recorded")?;
    let options = web_sys::MediaRecorderOptions::new();
    options.set_mime_type(mime);
    let recorder =
        web_sys::MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &options)
            .map_err(|_| "the browser refused to record")?;
    let chunks: Rc<RefCell<Vec<web_sys::Blob>>> = Rc::new(RefCell::new(Vec::new()));
    let kept = chunks.clone();
    let on_data =
        Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |event: web_sys::BlobEvent| {
            if let Some(data) = event.data() {
                kept.borrow_mut().push(data);
            }
        });
    recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
    let stopped = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        recorder.set_onstop(Some(&resolve));
    });
    recorder
        .start()
        .map_err(|_| "the recording could not start")?;
    let started = window().performance().map_or(0.0, |p| p.now());
    let frame_ms = 1000.0 / CLIP_FPS;
    for index in 0..clip.frames {
        let at_ns = (clip.frame_time_s(index) * 1e9) as u64;
        seek.retarget(at_ns);
        while !replayer
            .step(&mut seek, u64::MAX)
            .map_err(|error| error.to_string())?
        {}
        let simulation = seek.simulation_mut();
        let snapshot = simulation.snapshot();
        let design = simulation.design().clone();
        draw_frame(&context, &design, &snapshot).await?;
        let _ = progress.try_set(Some(f64::from(index + 1) / f64::from(clip.frames)));
        // Pace the frames: MediaRecorder stamps them with wall time.
        let due = started + f64::from(index + 1) * frame_ms;
        let now = window().performance().map_or(due, |p| p.now());
        sleep_ms(due - now).await;
    }
    recorder
        .stop()
        .map_err(|_| "the recording could not stop")?;
    let _ = JsFuture::from(stopped).await;
    drop(on_data);
    let parts = web_sys::js_sys::Array::new();
    for chunk in chunks.borrow().iter() {
        parts.push(chunk);
    }
    let properties = web_sys::BlobPropertyBag::new();
    properties.set_type("video/webm");
    web_sys::Blob::new_with_blob_sequence_and_options(&parts, &properties)
        .map_err(|_| "the video could not be assembled".to_owned())
}

/// One frame: the design picture with its figures, the requests in flight and the clock.
async fn draw_frame(
    context: &CanvasRenderingContext2d,
    design: &Design,
    snapshot: &engine::Snapshot,
) -> Result<(), String> {
    let svg = export_svg(design, Some(&ExportFigures::from_snapshot(snapshot)));
    let source = blob_url(&svg, "image/svg+xml").ok_or("the picture could not be prepared")?;
    let image = web_sys::HtmlImageElement::new().map_err(|_| "no image element")?;
    image.set_src(&source);
    let decoded = JsFuture::from(image.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&source);
    decoded.map_err(|_| "the browser could not read the picture")?;
    // The picture letterboxed under the clock band; the particles drawn in the same frame.
    let (origin, width, height) = picture_frame(design);
    let room = (f64::from(WIDTH), f64::from(HEIGHT) - CLOCK_BAND);
    let scale = (room.0 / width).min(room.1 / height);
    let offset = (
        (room.0 - width * scale) / 2.0,
        CLOCK_BAND + (room.1 - height * scale) / 2.0,
    );
    let _ = context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, f64::from(WIDTH), f64::from(HEIGHT));
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            &image,
            offset.0,
            offset.1,
            width * scale,
            height * scale,
        )
        .map_err(|_| "the picture could not be drawn")?;
    let viewport = Viewport {
        pan: Vector::new(offset.0 - origin.x * scale, offset.1 - origin.y * scale),
        zoom: scale,
    };
    draw_particles(context, snapshot, design, &viewport);
    context.set_fill_style_str("#1d232b");
    context.set_font("600 20px system-ui, sans-serif");
    let _ = context.fill_text(&clock_with_tenths(snapshot.time_s), 16.0, 26.0);
    Ok(())
}
