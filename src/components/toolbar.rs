//! The top toolbar: the app's name and the colour-scheme toggle (run controls join it with the live view).
//! The colour scheme the user picks is kept in localStorage and comes back on the next visit.

use engine::design::Fault;
use engine::{LiveCommand, NodeKind, Resolution};
use leptos::prelude::*;

use super::ChallengesButton;
use super::NodeIcon;
use super::file_menu::FileMenu;
use crate::editor::number::read_whole_number;
use crate::editor::storage::COLOR_SCHEME_KEY;
use crate::observe::clock_with_tenths;
use crate::runner::SPEEDS;
use crate::state::AppState;

/// The toolbar's traffic spike: how much more traffic, for how long (simulated seconds).
const SPIKE_FACTOR: f64 = 3.0;
const SPIKE_SECONDS: f64 = 30.0;

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

    /// A glyph for the compact toggle (the label is its accessible name).
    fn icon(self) -> &'static str {
        match self {
            ColourScheme::System => "◐",
            ColourScheme::Light => "☀",
            ColourScheme::Dark => "☾",
        }
    }

    /// The value of `data-theme` on `<html>`; the style sheet switches its colour variables on it.
    /// It is also what is saved under [`COLOR_SCHEME_KEY`].
    fn attribute(self) -> &'static str {
        match self {
            ColourScheme::System => "system",
            ColourScheme::Light => "light",
            ColourScheme::Dark => "dark",
        }
    }

    /// The scheme saved by [`ColourScheme::attribute`]; anything else (nothing saved, a damaged
    /// value) follows the system.
    fn from_saved(saved: Option<&str>) -> ColourScheme {
        match saved {
            Some("light") => ColourScheme::Light,
            Some("dark") => ColourScheme::Dark,
            _ => ColourScheme::System,
        }
    }

    /// The scheme picked on an earlier visit.
    fn load() -> ColourScheme {
        let saved = window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|storage| storage.get_item(COLOR_SCHEME_KEY).ok().flatten());
        ColourScheme::from_saved(saved.as_deref())
    }

    /// Remembers the scheme for the next visit; following the system is the default, so it is
    /// stored by forgetting the override.
    fn save(self) {
        // Storage can be off (private mode) or full; the choice then lasts for this visit only.
        let Some(storage) = window().local_storage().ok().flatten() else {
            return;
        };
        let _ = match self {
            ColourScheme::System => storage.remove_item(COLOR_SCHEME_KEY),
            ColourScheme::Light | ColourScheme::Dark => {
                storage.set_item(COLOR_SCHEME_KEY, self.attribute())
            }
        };
    }
}

/// The bar across the top of the app: run controls, clock, cost, and the theme toggle.
#[component]
pub fn Toolbar() -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let scheme = RwSignal::new(ColourScheme::load());
    // Syncing with the outside world (the <html> element, storage) is what effects are for.
    Effect::new(move |previous: Option<ColourScheme>| {
        let current = scheme.get();
        if let Some(root) = document().document_element() {
            // Setting an attribute on <html> cannot fail in a browser; nothing to recover if it did.
            let _ = root.set_attribute("data-theme", current.attribute());
        }
        // Only a change is saved: the first run shows what was loaded.
        if previous.is_some_and(|previous| previous != current) {
            current.save();
        }
        current
    });
    let seed_error = RwSignal::new(None::<String>);
    let reset = move || {
        let document = state
            .editor
            .with_untracked(|editor| editor.document().clone());
        runner.reset(&document);
    };
    let on_seed = move |event: web_sys::Event| {
        let text = event_target_value(&event);
        match read_whole_number(&text) {
            Ok(seed) => {
                seed_error.set(None);
                runner.seed.set(seed);
                reset();
                state
                    .announcement
                    .set(format!("Seed {seed}: the run restarted"));
            }
            Err(_) => seed_error.set(Some(
                "The seed must be a whole number from 0 to 18446744073709551615".to_string(),
            )),
        }
    };
    let on_speed = move |event: web_sys::Event| {
        if let Ok(speed) = event_target_value(&event).parse::<f64>() {
            runner.speed.set(speed);
        }
    };
    let clock = move || {
        runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map(|snapshot| clock_with_tenths(snapshot.time_s))
                .unwrap_or_else(|| "--:--.-".to_string())
        })
    };
    let cost = move || {
        runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map(|snapshot| format!("${:.2}/h", snapshot.cost_per_hour))
                .unwrap_or_default()
        })
    };
    // The badge of an aggregated run, and why (the status line's words).
    let mode = move || {
        let resolution = runner.snapshot.with(|s| s.as_ref().map(|s| s.resolution));
        match resolution {
            Some(Resolution::Aggregated { weight }) => Some((
                format!("aggregated ×{weight}"),
                runner.resolution.with(|status| status.why.clone()),
            )),
            _ => None,
        }
    };
    // A replay's design as a share link, for "Open in the editor" (a new tab: an embed stays put).
    let editor_link = move || {
        state.editor.with(|editor| {
            crate::editor::share_link::encode(editor.document())
                .map(|fragment| super::file_menu::page_url_with(&fragment))
                .unwrap_or_default()
        })
    };
    let palette_open = state.view.palette_open;
    let more_open = RwSignal::new(false);
    view! {
        <header class="toolbar" role="toolbar" aria-label="Main toolbar">
            // Small screens: the palette is a drawer and the less used controls sit behind "More".
            <button
                class="button button--icon toolbar__compact-only"
                type="button"
                aria-label="Components"
                title="Show the components to add"
                aria-expanded=move || palette_open.get().to_string()
                on:click=move |_| palette_open.update(|open| *open = !*open)
            >
                "☰"
            </button>
            <h1 class="toolbar__title">
                <span class="toolbar__logo">
                    <NodeIcon kind=NodeKind::LoadBalancer />
                </span>
                <span class="toolbar__name">"Architecture Explorer"</span>
            </h1>
            <div class="toolbar__group" role="group" aria-label="Run controls">
                <button
                    class="button button--primary"
                    type="button"
                    aria-label=move || play_label(runner.playing.get(), runner.viewing.get().is_some() && !runner.read_only.get())
                    title=move || if runner.viewing.get().is_some() { "Fork the run at the instant in view and play from there" } else { "Play or pause the run" }
                    on:click=move |_| {
                        if runner.viewing.get_untracked().is_some() {
                            runner.resume_here();
                        } else {
                            runner.playing.update(|playing| *playing = !*playing);
                        }
                    }
                >
                    {move || {
                        let label = play_label(runner.playing.get(), runner.viewing.get().is_some() && !runner.read_only.get());
                        if runner.playing.get() { format!("❚❚ {label}") } else { format!("▶ {label}") }
                    }}
                </button>
                <Show when=move || !runner.read_only.get()>
                    <button class="button" type="button" aria-label="Step" title="Advance 0.1 simulated seconds" on:click=move |_| runner.step()>
                        "Step"
                    </button>
                    <button class="button" type="button" aria-label="Reset" title="Start the run again from time zero" on:click=move |_| reset()>
                        "Reset"
                    </button>
                </Show>
            </div>
            <div class="toolbar__readout" aria-label="Simulated clock" title="Simulated time">
                {clock}
            </div>
            <div class="toolbar__readout" aria-label="Cost per hour" title="What this design costs per hour">
                {cost}
            </div>
            {move || mode().map(|(mode, why)| view! { <span class="badge" title=why>{mode}</span> })}
            {move || runner.behind.get().then(|| view! { <span class="badge badge--warn" title="The model needs more time per frame than its 8 ms budget: it runs slower than real time">"slower than real time"</span> })}
            <Show when=move || runner.read_only.get()>
                <span class="badge" title="Nothing here changes the run: it is re-simulated from its link">"Replay · read-only"</span>
                <a class="button" href=editor_link target="_blank" rel="noopener" title="Opens this run's design in the editor in a new tab, on top of your own work (one Undo away)">"Open in the editor"</a>
            </Show>
            <div class="toolbar__spacer"></div>
            <button
                class="button button--icon toolbar__compact-only"
                type="button"
                aria-label="More controls"
                aria-expanded=move || more_open.get().to_string()
                on:click=move |_| more_open.update(|open| *open = !*open)
            >
                "⋯"
            </button>
            <div class="toolbar__more" class:toolbar__more--open=move || more_open.get()>
            <div class="toolbar__group" role="group" aria-label="Run settings">
                <button
                    class="button button--danger toolbar__editing"
                    type="button"
                    aria-label="Traffic spike"
                    title="Every users node sends three times its traffic for 30 simulated seconds"
                    on:click=move |_| {
                        let spike = LiveCommand::Inject {
                            fault: Fault::TrafficSpike { node: None, factor: SPIKE_FACTOR },
                            duration_s: Some(SPIKE_SECONDS),
                        };
                        match runner.command(spike) {
                            Ok(()) => state.announcement.set("Traffic spike: three times the users for 30 seconds".to_string()),
                            Err(message) => state.announcement.set(message),
                        }
                    }
                >
                    "Spike ×3"
                </button>
                <label class="toolbar__field">
                    <span class="toolbar__field-name">"Speed"</span>
                    <select class="input" aria-label="Speed" on:change=on_speed>
                        {SPEEDS
                            .into_iter()
                            .map(|speed| view! { <option value=speed.to_string() selected=speed == 1.0>{format!("{speed}×")}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="toolbar__field toolbar__editing">
                    <span class="toolbar__field-name">"Seed"</span>
                    <input
                        class="input input--seed"
                        class:input--invalid=move || seed_error.get().is_some()
                        aria-label="Seed"
                        aria-invalid=move || seed_error.get().is_some().to_string()
                        inputmode="numeric"
                        prop:value=move || runner.seed.get().to_string()
                        on:change=on_seed
                    />
                </label>
                {move || seed_error.get().map(|message| view! { <span class="field-error" role="alert">{message}</span> })}
            </div>
            <Show when=move || !runner.read_only.get()>
                <FileMenu />
                <ChallengesButton />
            </Show>
            <button
                class="button button--icon"
                type="button"
                aria-label=move || format!("{} (click to change)", scheme.get().label())
                title=move || scheme.get().label()
                on:click=move |_| scheme.update(|current| *current = current.next())
            >
                {move || scheme.get().icon()}
            </button>
            </div>
        </header>
    }
}

/// The play button's words: from a past instant, playing resumes the run there.
fn play_label(playing: bool, viewing_past: bool) -> &'static str {
    match (playing, viewing_past) {
        (true, _) => "Pause",
        (false, true) => "Resume from here",
        (false, false) => "Play",
    }
}
