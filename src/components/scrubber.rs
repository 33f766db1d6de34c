//! Time travel: the run's timeline under the canvas. A slider from 0 to where the live run has got,
//! with marks for faults, alerts fired and resolved, the responder's actions, edits, commands and
//! bookmarks; dragging it (or ←/→, Shift for ten seconds, Home/End) shows that instant everywhere —
//! the canvas, the charts, the logs, the alerts — re-simulated from the run's file. From a past
//! instant, "Resume from here" forks the run; "Back to the branch you left" returns to the future
//! that was. While paused in per-request mode, "Next event" (or `.`) processes the model's next
//! event and says what it was. The decisions are `observe::run_marks`'; the re-simulation is the runner's.

use engine::RunAction;
use leptos::prelude::*;

use crate::observe::clock;
use crate::observe::run_marks::{Mark, ScrubKey, marks, position_percent, reading, scrub_target};
use crate::state::AppState;

/// Marks of one kind closer than this (seconds) merge into one.
const MERGE_S: f64 = 1.0;

/// The scrubber bar.
#[component]
pub fn Scrubber() -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    // The live run's marks: kept as they were while a past instant is in view (the feeds then only
    // reach that instant), so the whole run stays visible on the bar.
    let all_marks = Memo::new(move |previous: Option<&Vec<Mark>>| {
        if runner.viewing.get().is_some() {
            return previous.cloned().unwrap_or_default();
        }
        runner.timeline.with(|timeline| {
            runner.notifications.with(|notifications| {
                runner
                    .logs
                    .with(|logs| marks(timeline, notifications, logs, MERGE_S))
            })
        })
    });
    let end_s = move || runner.head_s.get();
    let at_s = move || runner.viewing.get().unwrap_or_else(end_s);
    let go = move |target: f64| runner.view_at(target);
    // The last event stepped through, in words (cleared when the run moves on).
    let stepped = RwSignal::new(None::<String>);
    let next_event = move || {
        if let Some((time_s, what)) = runner.step_event() {
            let told = format!("{} — {what}", clock_with_precision(time_s));
            state.announcement.set(told.clone());
            stepped.set(Some(told));
        }
    };
    Effect::new(move |_| {
        if runner.playing.get() {
            stepped.set(None);
        }
    });
    let per_request = move || {
        runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .is_some_and(|snapshot| snapshot.resolution == engine::Resolution::PerRequest)
        })
    };
    let on_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "." {
            event.prevent_default();
            next_event();
            return;
        }
        let key = match event.key().as_str() {
            "ArrowLeft" | "ArrowDown" => ScrubKey::Left,
            "ArrowRight" | "ArrowUp" => ScrubKey::Right,
            "Home" => ScrubKey::Home,
            "End" => ScrubKey::End,
            _ => return,
        };
        event.prevent_default();
        if let Some(target) = scrub_target(
            key,
            event.shift_key(),
            at_s_untracked(runner),
            runner.head_s.get_untracked(),
        ) {
            go(target);
        }
    };
    let on_input = move |event: web_sys::Event| {
        if let Ok(target) = event_target_value(&event).parse::<f64>() {
            go(target);
        }
    };
    let bookmark = move |_| {
        let note = window()
            .prompt_with_message("A note for this bookmark (optional):")
            .ok()
            .flatten();
        if let Some(note) = note {
            runner.note(RunAction::Marker {
                note: note.trim().to_owned(),
            });
            state.announcement.set(format!(
                "Bookmark added at {}",
                clock(at_s_untracked(runner))
            ));
        }
    };
    let live = move || runner.viewing.get().is_none();
    let status = move || {
        if let Some(progress) = runner.seeking.get() {
            format!("Re-simulating… {:.0} %", progress * 100.0)
        } else if live() {
            match runner.verified.get() {
                Some(digest) => format!("Live · {} · replayed to digest {digest}", clock(end_s())),
                None => format!("Live · {}", clock(end_s())),
            }
        } else {
            format!("Viewing {}", reading(at_s(), end_s()))
        }
    };
    view! {
        <section class="scrubber" class:scrubber--past=move || !live() aria-label="Run timeline">
            <span class="scrubber__status" role="status" aria-live="polite">{status}</span>
            <div class="scrubber__track">
                <input
                    class="scrubber__range"
                    type="range"
                    min="0"
                    step="0.1"
                    aria-label="Instant in view"
                    prop:max=move || format!("{:.1}", end_s())
                    prop:value=move || format!("{:.1}", at_s())
                    aria-valuetext=move || reading(at_s(), end_s())
                    on:input=on_input
                    on:keydown=on_key
                />
                <div class="scrubber__marks" role="list" aria-label="Moments of the run">
                    <For
                        each=move || all_marks.get()
                        key=|mark| (mark.time_s.to_bits(), mark.kind.class(), mark.label.clone())
                        let:mark
                    >
                        {
                            let time_s = mark.time_s;
                            let label = format!("{} — {}", clock(time_s), mark.label);
                            view! {
                                <button
                                    class=format!("scrubber__mark scrubber__mark--{}", mark.kind.class())
                                    type="button"
                                    role="listitem"
                                    style=move || format!("left: {:.3}%", position_percent(time_s, end_s()))
                                    title=label.clone()
                                    aria-label=label
                                    on:click=move |_| go(time_s)
                                ></button>
                            }
                        }
                    </For>
                </div>
                {move || runner.seeking.get().map(|progress| view! {
                    <progress class="scrubber__progress" max="1" prop:value=progress aria-label="Re-simulation progress"></progress>
                })}
            </div>
            <div class="scrubber__actions">
                <Show when=move || !live() && !runner.read_only.get()>
                    <button class="button" type="button" title="Fork the run here: what if you had done something else at this instant?" on:click=move |_| runner.resume_here()>"Resume from here"</button>
                </Show>
                <Show when=move || !live()>
                    <button class="button" type="button" title="Back to where the run had got (End)" on:click=move |_| runner.back_to_live()>"Back to live"</button>
                </Show>
                <Show when=move || runner.has_branch.get() && live()>
                    <button class="button" type="button" title="Return to the run as it was before you resumed from a past instant" on:click=move |_| runner.back_to_branch()>"Back to the branch you left"</button>
                </Show>
                <Show when=move || !runner.playing.get() && per_request()>
                    <button class="button" type="button" title="Process the model's next event and say what it was (. on the timeline)" on:click=move |_| next_event()>"Next event"</button>
                </Show>
                <Show when=move || !runner.read_only.get()>
                    <button class="button" type="button" title="Mark this instant with a note" on:click=bookmark>"Bookmark"</button>
                </Show>
                <super::clip::ClipMenu />
            </div>
            {move || stepped.get().map(|told| view! { <p class="scrubber__event" aria-label="Last event">{told}</p> })}
            {move || runner.recording_full_at.get().map(|at| view! {
                <p class="scrubber__full" role="note">
                    {format!("The run's timeline is full: actions after {} are not recorded (Save run keeps the run up to there).", clock(at))}
                </p>
            })}
        </section>
    }
}

/// The instant in view, without tracking.
fn at_s_untracked(runner: crate::runner::Runner) -> f64 {
    runner
        .viewing
        .get_untracked()
        .unwrap_or_else(|| runner.head_s.get_untracked())
}

/// A simulated instant to the microsecond, for events closer together than a tenth of a second.
fn clock_with_precision(seconds: f64) -> String {
    let whole = seconds.floor();
    let micros = ((seconds - whole) * 1e6).floor() as u64;
    format!("{}.{micros:06}", clock(whole))
}
