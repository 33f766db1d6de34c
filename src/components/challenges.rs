//! Challenges: the menu (a list with the stars earned, then a briefing), the live tracker card
//! while one is played, and the debrief once the run is graded. The tracker plays the user's run
//! file alongside the live run with the grading's own code (`engine::challenge::Playthrough`); the
//! grade re-simulates the run file on every grading seed (`engine::challenge::Grader`), a few
//! milliseconds per frame. What the rows say is decided in `observe::challenge`.

use engine::challenge::{Challenge, Grade, Grader, Playthrough};
use engine::run_file::{RunEntry, RunFile};
use leptos::prelude::*;
use leptos_use_raf_fn::use_raf_fn;

use super::classroom::{GradeView, PackBuilder, SubmitForm};
use super::{LazyPlace, lazy_once, lazy_view};
use crate::app::focus_first;
use crate::editor::Command;
use crate::editor::storage::CHALLENGE_STARS_KEY;
use crate::observe::challenge::{
    Debrief, ObjectiveRow, debrief, keep_best, read_stars, record_stars, star_text, tracker_rows,
    write_stars,
};
use crate::observe::clock;
use crate::state::AppState;

/// Milliseconds of a frame the tracker and the grader may spend.
const FRAME_BUDGET_MS: f64 = 6.0;
/// Events per slice between looks at the clock.
const EVENT_SLICE: u64 = 5_000;

/// The menu's two views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Challenges,
    Teacher,
}

/// Where a challenge being played is.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Playing,
    Grading(f64),
    Debrief(Box<Debrief>),
}

/// The tracker's playthrough and the timeline it has applied (to notice a fork or a reset).
struct Tracking {
    seed: u64,
    design: engine::Design,
    timeline: Vec<RunEntry>,
    playthrough: Playthrough,
}

fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

fn load_stars() -> std::collections::BTreeMap<String, u8> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(CHALLENGE_STARS_KEY).ok().flatten())
        .map(|text| read_stars(&text))
        .unwrap_or_default()
}

/// Saves the stars; a full or missing storage is said, never silently dropped.
fn save_stars(stars: &std::collections::BTreeMap<String, u8>) -> Result<(), String> {
    let storage = window()
        .local_storage()
        .ok()
        .flatten()
        .ok_or("this browser keeps no local storage: your stars are not remembered")?;
    storage
        .set_item(CHALLENGE_STARS_KEY, &write_stars(stars))
        .map_err(|_| "the browser's storage is full: your stars could not be saved".to_owned())
}

/// The toolbar's button that opens the challenges.
#[component]
pub fn ChallengesButton() -> impl IntoView {
    let state = AppState::get();
    view! {
        <button
            class="button"
            type="button"
            aria-haspopup="dialog"
            title="Exercises with objectives, graded by re-simulation"
            on:click=move |_| state.challenges.menu_open.set(true)
        >
            "Challenges"
        </button>
    }
}

lazy_view! {
    fn challenges_view() {
        view! { <Challenges /> }.into_any()
    }
}

/// The challenges (and the classroom: packs, submissions, grades), mounted — and in the release
/// build downloaded — the first time the menu opens or a challenge or a class pack is there (an
/// interview link, a pack link or a resumed challenge opens it at start).
#[component]
pub fn LazyChallenges() -> impl IntoView {
    let state = AppState::get();
    lazy_once(
        LazyPlace::Floating {
            open: state.challenges.menu_open,
        },
        move || {
            state.challenges.menu_open.get()
                || state.challenges.active.with(Option::is_some)
                || state.challenges.pack.with(Option::is_some)
        },
        challenges_view,
    )
}

/// The challenge menu (list, then briefing) and the card of the challenge being played.
#[component]
pub fn Challenges() -> impl IntoView {
    let state = AppState::get();
    // A class pack's challenges (graded on its seeds) replace the built-in ones while it is open.
    let catalogue = Memo::new(move |_| {
        state.challenges.pack.with(|pack| match pack {
            Some(pack) => pack
                .challenges
                .iter()
                .filter_map(|c| pack.challenge(&c.id))
                .collect(),
            None => engine::challenges::all(),
        })
    });
    let tab = RwSignal::new(Tab::Challenges);
    let graded_file = StoredValue::new_local(None::<RunFile>);
    let stars = RwSignal::new(load_stars());
    let briefing = RwSignal::new(None::<usize>);
    let phase = RwSignal::new(Phase::Playing);
    let rows = RwSignal::new(Vec::<ObjectiveRow>::new());
    let tracking = StoredValue::new_local(None::<Tracking>);
    let grader = StoredValue::new_local(None::<Grader>);
    let message = RwSignal::new(None::<String>);

    let close_menu = move || {
        state.challenges.menu_open.set(false);
        briefing.set(None);
        let _ = focus_first(".toolbar [aria-haspopup='dialog']");
    };
    // The menu is a modal dialog: opening it, or moving between the list and a briefing, puts the
    // keyboard on its first choice.
    Effect::new(move |_| {
        let open = state.challenges.menu_open.get();
        let _ = briefing.get();
        if open {
            request_animation_frame(|| {
                let _ = [
                    ".challenge-dialog .challenge-briefing .button--primary",
                    ".challenge-dialog .challenge-list__item",
                    ".challenge-dialog .challenge-tabs__tab",
                ]
                .into_iter()
                .any(focus_first);
            });
        }
    });
    let start = move |index: usize| {
        let Some(challenge) = catalogue.with_untracked(|all| all.get(index).cloned()) else {
            return;
        };
        let runner = state.runner;
        runner
            .seed
            .set(challenge.seeds.first().copied().unwrap_or(1));
        if state
            .execute(&Command::ReplaceDocument(Box::new(challenge.start.clone())))
            .is_err()
        {
            return;
        }
        tracking.set_value(None);
        grader.set_value(None);
        rows.set(Vec::new());
        phase.set(Phase::Playing);
        message.set(None);
        runner.playing.set(true);
        state
            .announcement
            .set(format!("Challenge “{}” started", challenge.title));
        state.challenges.active.set(Some(challenge));
        close_menu();
        request_animation_frame(move || {
            let fitted = state
                .editor
                .with_untracked(|editor| crate::state::fitted_view(editor.document(), false));
            state.view.viewport.set(fitted);
            // The board is what comes next: the keyboard goes to the canvas.
            let _ = focus_first("main.canvas");
        });
    };
    let begin_grading = move || {
        let Some(challenge) = state.challenges.active.get_untracked() else {
            return;
        };
        let Some(file) = state.runner.run_file() else {
            message.set(Some(
                "The design cannot run, so there is nothing to grade yet".to_owned(),
            ));
            return;
        };
        state.runner.playing.set(false);
        grader.set_value(Some(Grader::new(&challenge, &file)));
        graded_file.set_value(Some(file));
        phase.set(Phase::Grading(0.0));
        state
            .announcement
            .set("Grading: re-simulating your run on every grading seed".to_owned());
    };
    let leave = move || {
        state.challenges.active.set(None);
        tracking.set_value(None);
        grader.set_value(None);
        phase.set(Phase::Playing);
        state.announcement.set("Left the challenge".to_owned());
    };
    let play_again = move || {
        let document = state
            .editor
            .with_untracked(|editor| editor.document().clone());
        tracking.set_value(None);
        rows.set(Vec::new());
        phase.set(Phase::Playing);
        state.runner.reset(&document);
        state.runner.playing.set(true);
    };

    // Each frame: the tracker follows the live run, or the grader re-simulates.
    use_raf_fn(move |_| {
        let Some(challenge) = state.challenges.active.get_untracked() else {
            return;
        };
        let deadline = now_ms() + FRAME_BUDGET_MS;
        match phase.get_untracked() {
            Phase::Grading(_) => {
                let mut done: Option<Grade> = None;
                let mut progress = 0.0;
                grader.update_value(|grader| {
                    if let Some(grader) = grader {
                        while now_ms() < deadline {
                            if let Some(grade) = grader.step(EVENT_SLICE) {
                                done = Some(grade);
                                break;
                            }
                        }
                        progress = grader.progress();
                    }
                });
                match done {
                    Some(grade) => {
                        grader.set_value(None);
                        let mut best = stars.get_untracked();
                        if record_stars(&mut best, &challenge.id, grade.stars) {
                            if let Err(problem) = save_stars(&best) {
                                message.set(Some(problem));
                            }
                            stars.set(best);
                        }
                        state.announcement.set(format!(
                            "Graded: {} points, {} of 3 stars",
                            grade.score, grade.stars
                        ));
                        // A run of the open pack's challenge is kept for Submit (the best one).
                        let in_pack = state.challenges.pack.with_untracked(|pack| {
                            pack.as_ref()
                                .is_some_and(|p| p.challenges.iter().any(|c| c.id == challenge.id))
                        });
                        if let (true, Some(run)) = (in_pack, graded_file.get_value()) {
                            state.challenges.results.update(|results| {
                                keep_best(results, &challenge.id, run, grade.score, grade.stars);
                            });
                        }
                        phase.set(Phase::Debrief(Box::new(debrief(&grade))));
                    }
                    None => phase.set(Phase::Grading(progress)),
                }
            }
            Phase::Playing => {
                let runner = state.runner;
                if runner.viewing.get_untracked().is_some() {
                    return;
                }
                let head_s = runner.head_s.get_untracked();
                if head_s >= challenge.seconds {
                    begin_grading();
                    return;
                }
                // The tracker's figures change once per simulated second: the run's file is read
                // again only when the live run has reached a new second, or went back (a reset, a
                // fork), not on every frame.
                let due = tracking.with_value(|tracking| {
                    tracking.as_ref().is_none_or(|t| {
                        let at_s = t.playthrough.now_ns() as f64 / 1e9;
                        head_s < at_s || head_s >= at_s.floor() + 1.0
                    })
                });
                if !due {
                    return;
                }
                follow(&challenge, runner.run_file(), tracking, deadline);
                tracking.with_value(|tracking| {
                    if let Some(tracking) = tracking {
                        let now_s = tracking.playthrough.now_ns() as f64 / 1e9;
                        let fresh = tracker_rows(&challenge, tracking.playthrough.trace(), now_s);
                        if rows.with_untracked(|rows| *rows != fresh) {
                            rows.set(fresh);
                        }
                    }
                });
            }
            Phase::Debrief(_) => {}
        }
    });

    let menu_list = move || {
        catalogue.with(|all| {
            all.iter()
                .enumerate()
                .map(|(index, challenge)| {
                    let earned = stars.with(|stars| stars.get(&challenge.id).copied().unwrap_or(0));
                    let title = challenge.title.clone();
                    view! {
                        <li>
                            <button class="challenge-list__item" type="button" on:click=move |_| briefing.set(Some(index))>
                                <span class="challenge-list__number">{index + 1}</span>
                                <span class="challenge-list__title">{title}</span>
                                <span class="challenge-list__stars" aria-label=format!("{earned} of 3 stars")>{star_text(earned)}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let briefing_view = move |index: usize| {
        let Some(challenge) = catalogue.with_untracked(|all| all.get(index).cloned()) else {
            return view! { <p>"This challenge is no longer in the list."</p> }.into_any();
        };
        let objectives = challenge
            .objectives
            .iter()
            .map(|objective| {
                let kind = if objective.bonus { "Bonus" } else { "Goal" };
                view! {
                    <li class:challenge-objective--bonus=objective.bonus>
                        <span class="challenge-objective__kind">{kind}</span>
                        {objective.describe()}
                        <span class="challenge-objective__points">{format!("{} pts", objective.points)}</span>
                    </li>
                }
            })
            .collect_view();
        let allowed = challenge
            .allowed
            .iter()
            .map(|kind| kind.label())
            .collect::<Vec<_>>()
            .join(", ");
        let locked = challenge
            .locked
            .iter()
            .map(|id| {
                challenge
                    .start
                    .node(id)
                    .map_or(id.clone(), |node| node.display_name().to_owned())
            })
            .collect::<Vec<_>>()
            .join(", ");
        let learn = challenge
            .learn
            .iter()
            .map(|line| view! { <li>{line.clone()}</li> })
            .collect_view();
        let budget = challenge.budget();
        let seeds = challenge
            .seeds
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <div class="challenge-briefing">
                <h2 class="sheet__title" id="challenge-dialog-title">{challenge.title.clone()}</h2>
                <p class="challenge-briefing__story">{challenge.story.clone()}</p>
                <h3>"What you will learn"</h3>
                <ul>{learn}</ul>
                <h3>"Objectives"</h3>
                <ul class="challenge-objectives">{objectives}</ul>
                <dl class="challenge-briefing__rules">
                    {budget.map(|budget| view! { <dt>"Budget"</dt><dd>{budget}</dd> })}
                    <dt>"You may add"</dt><dd>{allowed}</dd>
                    <dt>"Locked"</dt><dd>{if locked.is_empty() { "nothing".to_owned() } else { locked }}</dd>
                    <dt>"Run"</dt><dd>{format!("{} simulated, graded on seeds {seeds}", clock(challenge.seconds))}</dd>
                </dl>
                <p class="challenge-briefing__note">"Starting replaces the design on the canvas (one Undo brings yours back). The grade re-simulates your run on every grading seed: a design passes only if it passes on each."</p>
                <div class="challenge-briefing__actions">
                    <button class="button" type="button" on:click=move |_| briefing.set(None)>"Back to the list"</button>
                    <button class="button button--primary" type="button" on:click=move |_| start(index)>"Start the challenge"</button>
                </div>
            </div>
        }
        .into_any()
    };

    let card = move || {
        let challenge = state.challenges.active.get()?;
        let title = challenge.title.clone();
        let seconds = challenge.seconds;
        let body = move || {
            match phase.get() {
            Phase::Playing => view! {
                <p class="challenge-card__clock">
                    {move || format!("{} of {}", clock(state.runner.head_s.get().min(seconds)), clock(seconds))}
                </p>
                <ul class="challenge-rows" aria-label="Objectives so far">
                    {move || rows.get().into_iter().map(|row| row_view(row, None)).collect_view()}
                </ul>
                <div class="challenge-card__actions">
                    <button class="button button--primary" type="button" title="Re-simulate your run to its end on every grading seed" on:click=move |_| begin_grading()>"Grade now"</button>
                    <button class="button" type="button" on:click=move |_| leave()>"Leave"</button>
                </div>
            }
            .into_any(),
            Phase::Grading(progress) => view! {
                <p role="status">{format!("Grading… {:.0} %", progress * 100.0)}</p>
                <progress max="1" value=progress.to_string()></progress>
            }
            .into_any(),
            Phase::Debrief(debrief) => debrief_view(*debrief, play_again, leave).into_any(),
        }
        };
        Some(view! {
            <aside class="challenge-card" aria-label="Challenge">
                <h2 class="challenge-card__title">{title}</h2>
                {body}
                {move || message.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            </aside>
        })
    };

    let tabs = move || {
        view! {
            <div class="challenge-tabs" role="tablist" aria-label="Challenge views">
                <button class="challenge-tabs__tab" type="button" role="tab" aria-selected=move || (tab.get() == Tab::Challenges).to_string() on:click=move |_| tab.set(Tab::Challenges)>"Play"</button>
                <button class="challenge-tabs__tab" type="button" role="tab" aria-selected=move || (tab.get() == Tab::Teacher).to_string() on:click=move |_| tab.set(Tab::Teacher)>"Teach: packs and grading"</button>
            </div>
        }
    };
    view! {
        <Show when=move || state.challenges.menu_open.get()>
            <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="challenge-dialog-title" on:click=move |_| close_menu() on:keydown=move |event: web_sys::KeyboardEvent| if event.key() == "Escape" { close_menu() }>
                <div class="sheet__body challenge-dialog" on:click=|event| event.stop_propagation()>
                    <button class="button button--icon challenge-dialog__close" type="button" aria-label="Close" on:click=move |_| close_menu()>"×"</button>
                    {move || match (briefing.get(), tab.get()) {
                        (Some(index), _) => briefing_view(index),
                        (None, Tab::Teacher) => view! {
                            <h2 class="sheet__title" id="challenge-dialog-title">"Challenges"</h2>
                            {tabs}
                            <PackBuilder />
                            <GradeView />
                        }.into_any(),
                        (None, Tab::Challenges) => view! {
                            <h2 class="sheet__title" id="challenge-dialog-title">"Challenges"</h2>
                            {tabs}
                            {move || match state.challenges.pack.get() {
                                Some(pack) => view! {
                                    <p class="challenge-dialog__intro">
                                        <strong>{format!("Class pack: {}", pack.title)}</strong>
                                        {pack.time_limit_min.map(|m| format!(" · {m} minutes"))}
                                        " · graded on the pack's seeds. "
                                        <button class="button" type="button" on:click=move |_| { state.challenges.pack.set(None); state.challenges.results.set(Vec::new()); }>"Back to the built-in challenges"</button>
                                    </p>
                                }.into_any(),
                                None => view! {
                                    <p class="challenge-dialog__intro">"From one server to a distributed system: each challenge gives you a board, a story and objectives measured over the run. Your stars are kept in this browser."</p>
                                }.into_any(),
                            }}
                            <ol class="challenge-list">{menu_list}</ol>
                            <Show when=move || state.challenges.pack.with(Option::is_some)>
                                <SubmitForm />
                            </Show>
                        }.into_any(),
                    }}
                </div>
            </div>
        </Show>
        {card}
    }
}

/// Keeps the tracker's playthrough in step with the live run's file: a new run, a fork or another
/// seed starts it again; otherwise it plays on to the live instant within the frame's budget.
fn follow(
    challenge: &Challenge,
    file: Option<RunFile>,
    tracking: StoredValue<Option<Tracking>, LocalStorage>,
    deadline: f64,
) {
    let Some(mut file) = file else {
        tracking.set_value(None);
        return;
    };
    tracking.update_value(|tracking| {
        let same_run = tracking.as_ref().is_some_and(|t| {
            t.seed == file.seed
                && t.design == file.design
                && file.timeline.len() >= t.playthrough.applied()
                && file.timeline[..t.playthrough.applied()] == t.timeline[..t.playthrough.applied()]
                && t.playthrough.now_ns() <= file.end_ns
        });
        if !same_run {
            *tracking = Playthrough::new(challenge, &file.design, file.seed)
                .ok()
                .map(|playthrough| Tracking {
                    seed: file.seed,
                    design: file.design.clone(),
                    timeline: Vec::new(),
                    playthrough,
                });
        }
        if let Some(tracking) = tracking {
            while now_ms() < deadline {
                if tracking
                    .playthrough
                    .step(&file.timeline, file.end_ns, EVENT_SLICE)
                {
                    break;
                }
            }
            tracking.timeline = std::mem::take(&mut file.timeline);
        }
    });
}

/// One objective; `detail` is a line under it (the debrief's value on each seed).
fn row_view(row: ObjectiveRow, detail: Option<String>) -> impl IntoView {
    let class = format!(
        "challenge-row challenge-row--{}",
        row.standing.word().replace(' ', "-")
    );
    view! {
        <li class=class>
            <span class="challenge-row__mark" aria-label=row.standing.word()>{row.standing.mark()}</span>
            <span class="challenge-row__label">
                {row.bonus.then_some(view! { <span class="challenge-row__bonus">"Bonus"</span>" " })}
                {row.label}
            </span>
            <span class="challenge-row__value">{row.value}</span>
            {detail.map(|detail| view! { <span class="challenge-row__detail">{detail}</span> })}
        </li>
    }
}

fn debrief_view(
    debrief: Debrief,
    play_again: impl Fn() + Copy + 'static,
    leave: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let per_seed = debrief.per_seed.clone();
    let rows = debrief
        .rows
        .into_iter()
        .zip(per_seed)
        .map(|(row, seeds)| row_view(row, Some(seeds)))
        .collect_view();
    let timeline = debrief
        .timeline
        .into_iter()
        .map(|(at, words)| view! { <li><span class="challenge-debrief__at">{at}</span>" "{words}</li> })
        .collect_view();
    let violations = debrief
        .violations
        .into_iter()
        .chain(debrief.errors)
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    view! {
        <div class="challenge-debrief" role="status">
            <p class="challenge-debrief__headline">{debrief.headline}</p>
            <p class="challenge-debrief__score">
                <span class="challenge-debrief__stars" aria-label=format!("{} of 3 stars", debrief.stars)>{star_text(debrief.stars)}</span>
                {format!(" {} / 100 points", debrief.score)}
            </p>
            <ul class="challenge-debrief__violations">{violations}</ul>
            <ul class="challenge-rows">{rows}</ul>
            {debrief.tip.map(|tip| view! { <p class="challenge-debrief__tip"><strong>"Tip: "</strong>{tip}</p> })}
            <details class="challenge-debrief__timeline">
                <summary>"What happened (first grading seed)"</summary>
                <ul>{timeline}</ul>
            </details>
            <div class="challenge-card__actions">
                <button class="button button--primary" type="button" on:click=move |_| play_again()>"Try again"</button>
                <button class="button" type="button" on:click=move |_| leave()>"Leave"</button>
            </div>
        </div>
    }
}
