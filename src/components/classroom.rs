//! Classroom packs without a server: a teacher makes a pack (a link or a file) from the built-in
//! challenges, a student opens it and submits their graded runs (a file, or a link), and the
//! teacher's Grade view re-simulates every submission dropped or pasted in (claims shown, never
//! trusted), a few milliseconds per frame, with a CSV export.

use engine::challenge::Grader;
use engine::pack::{
    ENGINE_VERSION, GradedRun, Pack, Rubric, Submission, SubmittedRun, csv, graded_run, plan,
};
use leptos::prelude::*;
use leptos_use_raf_fn::use_raf_fn;

use super::file_menu::{download, page_url_with, take_chosen_files};
use crate::editor::class_link::{encode_pack, encode_submission, read_submission};
use crate::observe::challenge::star_text;
use crate::state::AppState;

/// Milliseconds of a frame grading may spend.
const FRAME_BUDGET_MS: f64 = 6.0;
const EVENT_SLICE: u64 = 5_000;

fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// A file name made of a title's letters and digits ("Week 3: scaling" → "week-3-scaling").
fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "class".to_owned()
    } else {
        stem
    }
}

/// Reads "11, 22, 33" as grading seeds (empty text: each challenge's own).
fn read_seeds(text: &str) -> Result<Vec<u64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let seeds: Result<Vec<u64>, _> = text
        .split([',', ' '])
        .filter(|part| !part.is_empty())
        .map(str::parse::<u64>)
        .collect();
    match seeds {
        Ok(seeds) if seeds.len() <= 20 => Ok(seeds),
        Ok(_) => Err("at most 20 grading seeds".to_owned()),
        Err(_) => Err("seeds are whole numbers separated by commas".to_owned()),
    }
}

/// The teacher's form: a pack of built-in challenges, handed out as a link or a file.
#[component]
pub fn PackBuilder() -> impl IntoView {
    let state = AppState::get();
    let all = StoredValue::new(engine::challenges::all());
    let title = RwSignal::new("My class".to_owned());
    let chosen = RwSignal::new(Vec::<String>::new());
    let seeds_text = RwSignal::new(String::new());
    let minutes_text = RwSignal::new(String::new());
    let link = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let seeds_error = move || read_seeds(&seeds_text.get()).err();
    let minutes_error = move || {
        let text = minutes_text.get();
        let text = text.trim();
        (!text.is_empty() && !matches!(text.parse::<u32>(), Ok(1..=600)))
            .then(|| "minutes from 1 to 600, or empty for no limit".to_owned())
    };
    let build = move || -> Result<Pack, String> {
        let ids = chosen.get_untracked();
        if ids.is_empty() {
            return Err("choose at least one challenge".to_owned());
        }
        let seeds = read_seeds(&seeds_text.get_untracked())?;
        let minutes = minutes_text.get_untracked();
        let time_limit_min = match minutes.trim() {
            "" => None,
            text => Some(
                text.parse::<u32>()
                    .ok()
                    .filter(|m| (1..=600).contains(m))
                    .ok_or("the time limit is minutes from 1 to 600")?,
            ),
        };
        let challenges = all.with_value(|all| {
            all.iter()
                .filter(|c| ids.contains(&c.id))
                .cloned()
                .collect()
        });
        Ok(Pack {
            title: title.get_untracked().trim().to_owned(),
            challenges,
            seeds,
            time_limit_min,
        })
    };
    let make_link = move |_| {
        let fragment = build().and_then(|pack| encode_pack(&pack).map_err(|e| e.to_string()));
        if copy_link(fragment, link, problem) {
            state
                .announcement
                .set("Pack link copied to the clipboard".to_owned());
        }
    };
    let download_pack = move |_| match build() {
        Ok(pack) => {
            problem.set(None);
            download(
                &pack.to_json(),
                &format!("{}.pack.json", file_stem(&pack.title)),
                "application/json",
            );
        }
        Err(message) => problem.set(Some(message)),
    };
    let use_here = move |_| match build() {
        Ok(pack) => {
            problem.set(None);
            state.challenges.results.set(Vec::new());
            state.challenges.pack.set(Some(pack));
        }
        Err(message) => problem.set(Some(message)),
    };
    let boxes = all.with_value(|all| {
        all.iter()
            .map(|challenge| {
                let id = challenge.id.clone();
                let checked_id = id.clone();
                view! {
                    <li>
                        <label>
                            <input
                                type="checkbox"
                                prop:checked=move || chosen.with(|c| c.contains(&checked_id))
                                on:change=move |event| {
                                    let on = event_target_checked(&event);
                                    chosen.update(|chosen| {
                                        chosen.retain(|c| *c != id);
                                        if on {
                                            chosen.push(id.clone());
                                        }
                                    });
                                }
                            />
                            " "{challenge.title.clone()}
                        </label>
                    </li>
                }
            })
            .collect_view()
    });
    view! {
        <section class="classroom" aria-label="Make a class pack">
            <h3>"Make a class pack"</h3>
            <label class="classroom__field">
                <span>"Title"</span>
                <input class="input" aria-label="Pack title" prop:value=move || title.get() on:input=move |event| title.set(event_target_value(&event)) />
            </label>
            <fieldset class="classroom__challenges">
                <legend>"Challenges"</legend>
                <ul>{boxes}</ul>
            </fieldset>
            <label class="classroom__field">
                <span>"Grading seeds"</span>
                <input class="input" aria-label="Grading seeds" placeholder="each challenge's own (11, 22, 33)" aria-invalid=move || seeds_error().is_some().to_string() prop:value=move || seeds_text.get() on:input=move |event| seeds_text.set(event_target_value(&event)) />
            </label>
            {move || seeds_error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <label class="classroom__field">
                <span>"Time limit (minutes)"</span>
                <input class="input" aria-label="Time limit in minutes" inputmode="numeric" aria-invalid=move || minutes_error().is_some().to_string() prop:value=move || minutes_text.get() on:input=move |event| minutes_text.set(event_target_value(&event)) />
            </label>
            {move || minutes_error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <div class="challenge-briefing__actions">
                <button class="button" type="button" on:click=use_here>"Open it here"</button>
                <button class="button" type="button" on:click=download_pack>"Download pack file"</button>
                <button class="button button--primary" type="button" on:click=make_link>"Copy pack link"</button>
            </div>
            {problem_and_link(problem, link, "Pack link")}
        </section>
    }
}

/// A student's Submit: their name and the best graded run of each of the pack's challenges.
#[component]
pub fn SubmitForm() -> impl IntoView {
    let state = AppState::get();
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let link = RwSignal::new(None::<String>);
    let build = move || -> Result<Submission, String> {
        let student = name.get_untracked().trim().to_owned();
        if student.is_empty() {
            return Err("write your name first".to_owned());
        }
        let pack = state
            .challenges
            .pack
            .get_untracked()
            .ok_or("no class pack is open")?;
        let runs = state.challenges.results.get_untracked();
        if runs.is_empty() {
            return Err("play a challenge of the pack to its grade first".to_owned());
        }
        Ok(Submission {
            pack_hash: pack.hash(),
            student,
            engine_version: ENGINE_VERSION.to_owned(),
            runs,
        })
    };
    let submit_file = move |_| match build() {
        Ok(submission) => {
            problem.set(None);
            download(
                &submission.to_json(),
                &format!("{}.submission.json", file_stem(&submission.student)),
                "application/json",
            );
            state
                .announcement
                .set("Submission saved as a file: hand it to your teacher".to_owned());
        }
        Err(message) => problem.set(Some(message)),
    };
    let submit_link = move |_| {
        let fragment = build()
            .and_then(|submission| encode_submission(&submission).map_err(|e| e.to_string()));
        copy_link(fragment, link, problem);
    };
    let results = move || {
        state.challenges.results.with(|results| {
            results
                .iter()
                .map(|run| {
                    view! {
                        <li>
                            {run.challenge.clone()}": "
                            <span class="challenge-list__stars">{star_text(run.claimed_stars)}</span>
                            {format!(" {} / 100", run.claimed_score)}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="classroom" aria-label="Submit">
            <h3>"Submit"</h3>
            <p class="challenge-briefing__note">"Your best graded run of each challenge goes in. Your teacher re-simulates it: the score is theirs to compute, not ours to claim."</p>
            <ul class="classroom__results">{results}</ul>
            <label class="classroom__field">
                <span>"Your name"</span>
                <input class="input" aria-label="Your name" prop:value=move || name.get() on:input=move |event| name.set(event_target_value(&event)) />
            </label>
            <div class="challenge-briefing__actions">
                <button class="button" type="button" on:click=submit_link>"Copy submission link"</button>
                <button class="button button--primary" type="button" on:click=submit_file>"Download submission"</button>
            </div>
            {problem_and_link(problem, link, "Submission link")}
        </section>
    }
}

/// One submitted run waiting to be graded.
struct Job {
    student: String,
    run: SubmittedRun,
    challenge: Result<engine::challenge::Challenge, String>,
    flags: Vec<engine::pack::Flag>,
}

/// The teacher's Grade view: a pack (the open one or a file), an optional rubric, submissions
/// dropped as files or pasted as links; each re-simulated, one row per run.
#[component]
pub fn GradeView() -> impl IntoView {
    let state = AppState::get();
    let rubric = RwSignal::new(None::<(String, Rubric)>);
    let rows = RwSignal::new(Vec::<GradedRun>::new());
    let pending = StoredValue::new_local(std::collections::VecDeque::<Job>::new());
    let current = StoredValue::new_local(None::<(Job, Grader)>);
    let queued = RwSignal::new(0usize);
    let pasted = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);

    // Adds a submission's runs to the queue (or a row saying why it cannot be graded).
    let enqueue = move |source: String, text: Result<String, String>| {
        let Some(pack) = state.challenges.pack.get_untracked() else {
            problem.set(Some(
                "open or make a pack first: grading needs the pack".to_owned(),
            ));
            return;
        };
        match text.and_then(|text| read_submission(&text)) {
            Ok(submission) => {
                let hardened = rubric.with_untracked(|r| r.as_ref().map(|(_, r)| r.clone()));
                for (run, challenge, flags) in plan(&pack, hardened.as_ref(), &submission) {
                    pending.update_value(|pending| {
                        pending.push_back(Job {
                            student: submission.student.clone(),
                            run,
                            challenge,
                            flags,
                        });
                    });
                    queued.update(|n| *n += 1);
                }
            }
            Err(message) => rows.update(|rows| {
                rows.push(GradedRun {
                    student: source,
                    challenge: String::new(),
                    grade: None,
                    claimed_score: 0,
                    flags: Vec::new(),
                    problem: Some(message),
                });
            }),
        }
    };
    let on_files = move |event: web_sys::Event| {
        for (name, text) in take_chosen_files(&event) {
            leptos::task::spawn_local(async move {
                let text = text
                    .await
                    .ok_or_else(|| "the file could not be read as text".to_owned());
                enqueue(name, text);
            });
        }
    };
    let on_pack_file = move |event: web_sys::Event| {
        for (name, text) in take_chosen_files(&event) {
            leptos::task::spawn_local(async move {
                match text.await.map(|text| Pack::from_json(&text)) {
                    Some(Ok(pack)) => {
                        problem.set(None);
                        state.challenges.pack.set(Some(pack));
                    }
                    Some(Err(error)) => problem.set(Some(format!(
                        "“{name}” is not a pack: {error}. The open pack is unchanged."
                    ))),
                    None => problem.set(Some(format!("“{name}” could not be read as text"))),
                }
            });
        }
    };
    let on_rubric_file = move |event: web_sys::Event| {
        for (name, text) in take_chosen_files(&event) {
            leptos::task::spawn_local(async move {
                match text.await.map(|text| Rubric::from_json(&text)) {
                    Some(Ok(read)) => {
                        problem.set(None);
                        rubric.set(Some((name, read)));
                    }
                    Some(Err(error)) => problem.set(Some(format!(
                        "“{name}” is not a rubric: {error}. Grading goes on without it."
                    ))),
                    None => problem.set(Some(format!("“{name}” could not be read as text"))),
                }
            });
        }
    };
    let grade_pasted = move |_| {
        let text = pasted.get_untracked();
        for (index, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            enqueue(format!("link {}", index + 1), Ok(line.to_owned()));
        }
        pasted.set(String::new());
    };
    use_raf_fn(move |_| {
        if queued.get_untracked() == 0 {
            return;
        }
        let deadline = now_ms() + FRAME_BUDGET_MS;
        while now_ms() < deadline {
            if current.with_value(Option::is_none) {
                let Some(job) = pending.write_value().pop_front() else {
                    return;
                };
                match &job.challenge {
                    Ok(challenge) => {
                        let grader = Grader::new(challenge, &job.run.run);
                        current.set_value(Some((job, grader)));
                    }
                    Err(message) => {
                        let row =
                            graded_run(&job.student, &job.run, Err(message.clone()), job.flags);
                        rows.update(|rows| rows.push(row));
                        queued.update(|n| *n = n.saturating_sub(1));
                    }
                }
                continue;
            }
            let mut finished = None;
            current.update_value(|current| {
                if let Some((_, grader)) = current
                    && let Some(grade) = grader.step(EVENT_SLICE)
                {
                    finished = Some(grade);
                }
            });
            if let Some(grade) = finished
                && let Some((job, _)) = current.write_value().take()
            {
                let row = graded_run(&job.student, &job.run, Ok(grade), job.flags);
                rows.update(|rows| rows.push(row));
                queued.update(|n| *n = n.saturating_sub(1));
            }
        }
    });
    let export = move |_| {
        let title = state
            .challenges
            .pack
            .with_untracked(|pack| pack.as_ref().map(|p| p.title.clone()))
            .unwrap_or_default();
        rows.with_untracked(|rows| {
            download(
                &csv(rows),
                &format!("{}-grades.csv", file_stem(&title)),
                "text/csv",
            );
        });
    };
    let table = move || {
        rows.with(|rows| {
            rows.iter()
                .map(|row| {
                    let marks = row.grade.as_ref().map_or(String::new(), |grade| {
                        grade
                            .objectives
                            .iter()
                            .map(|o| if o.passed { "✓" } else { "✗" })
                            .collect::<Vec<_>>()
                            .join(" ")
                    });
                    let titles = row.grade.as_ref().map_or(String::new(), |grade| {
                        grade
                            .objectives
                            .iter()
                            .map(|o| {
                                format!(
                                    "{} {}",
                                    if o.passed { "✓" } else { "✗" },
                                    o.objective.describe()
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    });
                    let score = row
                        .grade
                        .as_ref()
                        .map_or("—".to_owned(), |grade| grade.score.to_string());
                    let stars = row
                        .grade
                        .as_ref()
                        .map_or(String::new(), |grade| star_text(grade.stars));
                    let notes = row
                        .flags
                        .iter()
                        .map(|flag| flag.words().to_owned())
                        .chain(row.problem.clone())
                        .collect::<Vec<_>>()
                        .join("; ");
                    view! {
                        <tr class:grade-table__row--passed=row.passed()>
                            <td>{row.student.clone()}</td>
                            <td>{row.challenge.clone()}</td>
                            <td title=titles>{marks}</td>
                            <td class="grade-table__number">{score}</td>
                            <td class="challenge-list__stars">{stars}</td>
                            <td>{format!("{} claimed", row.claimed_score)}</td>
                            <td class="grade-table__notes">{notes}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="classroom" aria-label="Grade submissions">
            <h3>"Grade submissions"</h3>
            <p class="challenge-briefing__note">
                {move || match state.challenges.pack.get() {
                    Some(pack) => format!("Pack “{}” ({} challenge(s), hash {}).", pack.title, pack.challenges.len(), pack.hash()),
                    None => "No pack open: make one above, or open a pack file.".to_owned(),
                }}
                " Every run is re-simulated on the pack's seeds; what a submission claims is shown, never trusted."
            </p>
            <div class="classroom__inputs">
                <label class="button">"Open pack file…"<input class="visually-hidden" type="file" accept=".json,application/json" data-input="pack-file" on:change=on_pack_file /></label>
                <label class="button">"Rubric…"<input class="visually-hidden" type="file" accept=".json,application/json" data-input="rubric-file" on:change=on_rubric_file /></label>
                <label class="button button--primary">"Add submission files…"<input class="visually-hidden" type="file" multiple accept=".json,application/json" data-input="submission-files" on:change=on_files /></label>
            </div>
            {move || rubric.get().map(|(name, _)| view! { <p class="challenge-briefing__note">{format!("Rubric “{name}”: hidden seeds and faults are graded too.")}</p> })}
            <label class="classroom__field">
                <span>"Or paste submission links, one per line"</span>
                <textarea class="input" aria-label="Submission links" rows="2" prop:value=move || pasted.get() on:input=move |event| pasted.set(event_target_value(&event))></textarea>
            </label>
            <div class="challenge-briefing__actions">
                <button class="button" type="button" on:click=grade_pasted>"Grade the links"</button>
            </div>
            {move || problem.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <p role="status">{move || match queued.get() {
                0 => format!("{} run(s) graded", rows.with(Vec::len)),
                n => format!("Re-simulating… {n} run(s) to go"),
            }}</p>
            <table class="grade-table" aria-label="Grades">
                <thead><tr><th>"Student"</th><th>"Challenge"</th><th>"Objectives"</th><th>"Score"</th><th>"Stars"</th><th>"Claim"</th><th>"Notes"</th></tr></thead>
                <tbody>{table}</tbody>
            </table>
            <div class="challenge-briefing__actions">
                <button class="button" type="button" on:click=move |_| rows.set(Vec::new())>"Clear"</button>
                <button class="button" type="button" disabled=move || rows.with(Vec::is_empty) on:click=export>"Export CSV"</button>
            </div>
        </section>
    }
}

/// A form's refusal, and the link it made (shown so it can be copied by hand too).
fn problem_and_link(
    problem: RwSignal<Option<String>>,
    link: RwSignal<Option<String>>,
    label: &'static str,
) -> impl IntoView {
    view! {
        {move || problem.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        {move || link.get().map(|url| view! {
            <label class="classroom__field">
                <span>{label}</span>
                <input class="input" aria-label=label readonly prop:value=url />
            </label>
        })}
    }
}

/// A link to this page with `fragment`, copied to the clipboard and shown; or the refusal. Whether
/// a link was made.
fn copy_link(
    fragment: Result<String, String>,
    link: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
) -> bool {
    match fragment {
        Ok(fragment) => {
            let url = page_url_with(&fragment);
            let _ = window().navigator().clipboard().write_text(&url);
            problem.set(None);
            link.set(Some(url));
            true
        }
        Err(message) => {
            problem.set(Some(message));
            false
        }
    }
}
