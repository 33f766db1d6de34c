//! The Compare tab: the current design (A) against another (B: this run's starting design, a preset
//! or a design file), run on the same traffic and fault script under common random numbers, over one
//! or more seeds, in frame-sized event budgets with a progress bar; then a table of A, B and B − A
//! with 95 % intervals. A view only: the runs are `engine::compare`'s, the table `observe::compare`'s.

use engine::compare::{Comparer, Comparison};
use engine::{Design, presets};
use leptos::prelude::*;
use leptos_use_raf_fn::use_raf_fn;

use crate::components::field::{FieldProblem, FieldWidth, FormLook, LabelledField};
use crate::components::file_menu::take_chosen_file;
use crate::editor::storage;
use crate::observe::clock;
use crate::observe::compare::{bottlenecks, overlays, read_seconds, rows, summary};
use crate::state::AppState;

/// The engine's time per frame for a comparison, milliseconds (the live run keeps its own budget).
const FRAME_BUDGET_MS: f64 = 6.0;
/// Events between two looks at the clock.
const CHUNK: u64 = 5_000;
/// The overlaid charts' plot area, SVG units.
const CHART_WIDTH: f64 = 300.0;
const CHART_HEIGHT: f64 = 90.0;
/// The seed counts offered.
const SEED_COUNTS: [u64; 4] = [1, 3, 10, 20];

/// The Compare tab's content.
#[component]
pub(super) fn ComparePanel(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    // What B is: "start" (this run's design at t = 0), "preset:NAME" or "file".
    let choice = RwSignal::new("start".to_owned());
    let file_design = RwSignal::new(None::<(String, Design)>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let seconds_text = RwSignal::new("120".to_owned());
    let seeds = RwSignal::new(10u64);
    let problem = RwSignal::new(None::<String>);
    let seconds_problem =
        Signal::derive(move || seconds_text.with(|text| read_seconds(text).err()));
    let comparer = StoredValue::new_local(None::<Comparer>);
    let progress = RwSignal::new(None::<f64>);
    let result = RwSignal::new(None::<Comparison>);

    // The runs go on a budget of events per frame, so the page stays responsive.
    use_raf_fn(move |_| {
        if progress.get_untracked().is_none() {
            return;
        }
        let started = window().performance().map_or(0.0, |p| p.now());
        let mut finished = None;
        comparer.update_value(|running| {
            if let Some(running) = running {
                loop {
                    if let Some(done) = running.step(CHUNK) {
                        finished = Some(done);
                        break;
                    }
                    let now = window().performance().map_or(0.0, |p| p.now());
                    if now - started >= FRAME_BUDGET_MS {
                        break;
                    }
                }
            }
        });
        if let Some(done) = finished {
            comparer.set_value(None);
            progress.set(None);
            result.set(Some(done));
            state.announcement.set("The comparison is ready".to_owned());
        } else {
            let fraction =
                comparer.with_value(|running| running.as_ref().map_or(0.0, Comparer::progress));
            progress.set(Some(fraction));
        }
    });

    let design_b = move || -> Result<Design, String> {
        let chosen = choice.get_untracked();
        if chosen == "start" {
            return state
                .runner
                .run_file()
                .map(|file| file.design)
                .ok_or_else(|| "there is no run to take its starting design from".to_owned());
        }
        if chosen == "file" {
            return file_design
                .get_untracked()
                .map(|(_, design)| design)
                .ok_or_else(|| "choose a design file for B first".to_owned());
        }
        let name = chosen.trim_start_matches("preset:");
        presets::all()
            .into_iter()
            .find(|(preset, _)| *preset == name)
            .map(|(_, design)| design)
            .ok_or_else(|| format!("there is no preset “{name}”"))
    };
    let start = move |_| {
        if let Some(message) = seconds_problem.get_untracked() {
            problem.set(Some(message));
            return;
        }
        let seconds = seconds_text
            .with_untracked(|text| read_seconds(text))
            .unwrap_or(120.0);
        let a = state
            .editor
            .with_untracked(|editor| editor.document().clone());
        let outcome = design_b().and_then(|b| {
            let seed_list: Vec<u64> = (1..=seeds.get_untracked()).collect();
            Comparer::new(&a, &b, &seed_list, seconds).map_err(|error| error.to_string())
        });
        match outcome {
            Ok(running) => {
                problem.set(None);
                result.set(None);
                comparer.set_value(Some(running));
                progress.set(Some(0.0));
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    let cancel = move |_| {
        comparer.set_value(None);
        progress.set(None);
    };
    let on_file = move |event: web_sys::Event| {
        let Some((name, text)) = take_chosen_file(&event) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = text.await;
            match text.map(|text| storage::parse_import(&text).map_err(|error| error.to_string())) {
                Some(Ok(design)) => {
                    file_design.set(Some((name, design)));
                    choice.set("file".to_owned());
                    problem.set(None);
                }
                Some(Err(message)) => problem.set(Some(format!("“{name}” cannot be B: {message}"))),
                None => problem.set(Some(format!("“{name}” could not be read as text"))),
            }
        });
    };
    let on_choice = move |event: web_sys::Event| {
        let value = event_target_value(&event);
        if value == "file" {
            if let Some(input) = file_input.get_untracked() {
                input.click();
            }
            if file_design.with_untracked(Option::is_none) {
                return;
            }
        }
        choice.set(value);
    };
    let seconds_field = FieldProblem {
        problem: seconds_problem,
        id: "compare-seconds-problem".to_owned(),
    };
    let table = move || {
        result.get().map(|comparison| {
            let (busiest_a, busiest_b) = bottlenecks(&comparison);
            let skipped = (!comparison.skipped_faults.is_empty()).then(|| {
                view! {
                    <p class="compare__note" role="note">
                        {format!("B could not take these faults of A's script (it lacks their node): {}.", comparison.skipped_faults.join(", "))}
                    </p>
                }
            });
            // The first seed's runs, second by second, on one clock.
            let charts = overlays(&comparison, CHART_WIDTH, CHART_HEIGHT)
                .into_iter()
                .map(|chart| {
                    view! {
                        <figure class="compare__chart">
                            <figcaption>{chart.title}</figcaption>
                            <svg
                                viewBox=format!("-56 -6 {} {}", CHART_WIDTH + 62.0, CHART_HEIGHT + 22.0)
                                role="img"
                                aria-label=format!("{}: A and B over {} (first seed)", chart.title, clock(chart.end_s))
                            >
                                <line class="compare__axis" x1="0" y1=CHART_HEIGHT x2=CHART_WIDTH y2=CHART_HEIGHT></line>
                                <line class="compare__axis" x1="0" y1="0" x2="0" y2=CHART_HEIGHT></line>
                                <text class="compare__tick" x="-4" y="4" text-anchor="end">{chart.top_label.clone()}</text>
                                <text class="compare__tick" x="-4" y=CHART_HEIGHT text-anchor="end">"0"</text>
                                <text class="compare__tick" x=CHART_WIDTH y=CHART_HEIGHT + 13.0 text-anchor="end">{clock(chart.end_s)}</text>
                                <polyline class="compare__line compare__line--a" points=chart.a></polyline>
                                <polyline class="compare__line compare__line--b" points=chart.b></polyline>
                            </svg>
                        </figure>
                    }
                })
                .collect_view();
            let charts = view! {
                <div class="compare__charts">
                    <p class="compare__legend">
                        <span class="compare__key compare__key--a">"— A"</span>
                        " "
                        <span class="compare__key compare__key--b">"- - B"</span>
                        " · the first seed's runs, second by second"
                    </p>
                    {charts}
                </div>
            };
            let body = rows(&comparison)
                .into_iter()
                .map(|row| {
                    view! {
                        <tr class=format!("compare__row compare__row--{}", row.verdict.class())>
                            <th scope="row">{row.label}</th>
                            <td>{row.a}</td>
                            <td>{row.b}</td>
                            <td>{row.difference}</td>
                            <td>{row.verdict.label()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="compare__summary">{summary(&comparison)}</p>
                {skipped}
                <table class="compare__table" aria-label="A/B comparison">
                    <thead>
                        <tr>
                            <th scope="col">"Metric"</th>
                            <th scope="col">"A (this design)"</th>
                            <th scope="col">"B"</th>
                            <th scope="col">"B − A"</th>
                            <th scope="col">"Verdict"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
                <p class="compare__note">{format!("Busiest node — A: {busiest_a} · B: {busiest_b}")}</p>
                {charts}
            }
        })
    };
    view! {
        <div class="compare" class:compare--hidden=move || !visible.get()>
            <p class="panel__hint">
                "Run this design (A) and another (B) on the same traffic and the same faults, seed by seed, and see what the change does — beyond the noise."
            </p>
            <form class="compare__form" aria-label="Compare designs" on:submit=move |event: web_sys::SubmitEvent| { event.prevent_default(); start(()); }>
                <LabelledField look=FormLook::Report label="B".to_owned()>
                    <select aria-label="Design B" on:change=on_choice prop:value=move || choice.get()>
                        <option value="start">"This run's design at its start"</option>
                        {presets::all().into_iter().map(|(name, _)| view! { <option value=format!("preset:{name}")>{format!("Preset: {name}")}</option> }).collect_view()}
                        <option value="file">{move || file_design.with(|file| file.as_ref().map_or_else(|| "A design file…".to_owned(), |(name, _)| format!("File: {name}")))}</option>
                    </select>
                </LabelledField>
                <input class="visually-hidden" type="file" accept=".json,application/json" node_ref=file_input tabindex="-1" aria-hidden="true" data-input="compare-file" on:change=on_file />
                <LabelledField look=FormLook::Report label="Run length (s)".to_owned() problem=seconds_field>
                    <input inputmode="decimal" aria-label="Run length" aria-describedby="compare-seconds-problem" prop:value=move || seconds_text.get() on:input=move |event| seconds_text.set(event_target_value(&event)) />
                </LabelledField>
                <LabelledField look=FormLook::Report width=FieldWidth::Narrow label="Seeds".to_owned()>
                    <select aria-label="Seeds" on:change=move |event| seeds.set(event_target_value(&event).parse().unwrap_or(10))>
                        {SEED_COUNTS.into_iter().map(|count| view! { <option value=count.to_string() selected=count == 10>{count.to_string()}</option> }).collect_view()}
                    </select>
                </LabelledField>
                <button class="button button--primary" type="submit" disabled=move || progress.get().is_some()>"Compare"</button>
                <Show when=move || progress.get().is_some()>
                    <button class="button" type="button" on:click=cancel>"Cancel"</button>
                </Show>
            </form>
            {move || problem.get().map(|message| view! { <p class="report__problem" role="alert">{message}</p> })}
            {move || progress.get().map(|fraction| view! {
                <p class="compare__progress" role="status">
                    <progress max="1" prop:value=fraction aria-label="Comparison progress"></progress>
                    {format!(" Running… {:.0} %", fraction * 100.0)}
                </p>
            })}
            {table}
        </div>
    }
}
