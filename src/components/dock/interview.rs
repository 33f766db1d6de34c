//! The Interview tab: a 45-minute clock in six phases, the candidate's sheets (requirements,
//! estimates with the arithmetic checked, API, data model), the failure drill on the candidate's own
//! design (15 s warm-up, a fault the candidate does not choose, 20 s to recover), the report, and the
//! interviewer's private drill link. What it decides lives in `editor::interview` and
//! `engine::objective::drill_report`; the drill's figures come from re-simulating the run's file.

use engine::LiveCommand;
use engine::challenge::Playthrough;
use engine::objective::{DrillReport, drill_report};
use leptos::prelude::*;

use crate::components::file_menu::{download, page_url_with, take_chosen_file};
use crate::editor::Command;
use crate::editor::interview::{
    Clock, DRILL_HOLD_S, DRILL_SLO, DRILL_WARM_UP_S, DRILL_WINDOW_S, DrillScript, Estimates,
    InterviewFile, Phase, Sheets, Verdict, check, resolve_drill,
};
use crate::observe::{clock as sim_clock, duration};
use crate::state::AppState;

fn now_s() -> f64 {
    window().performance().map_or(0.0, |p| p.now()) / 1000.0
}

/// mm:ss of a wall-clock duration, with a minus sign when over time.
fn mm_ss(seconds: f64) -> String {
    let sign = if seconds < 0.0 { "−" } else { "" };
    let whole = seconds.abs().floor() as u64;
    format!("{sign}{:02}:{:02}", whole / 60, whole % 60)
}

/// Where the failure drill is.
#[derive(Clone, Debug, PartialEq)]
enum Drill {
    Idle,
    /// The run restarted; the fault comes at [`DRILL_WARM_UP_S`].
    WarmingUp,
    /// The fault is in; the window closes [`DRILL_WINDOW_S`] after it.
    Running {
        fault_at_s: f64,
        what: String,
    },
    Done(DrillReport, String),
    /// Nothing to break (no server-like node), or the design cannot run.
    Refused(String),
}

/// The Interview tab's content.
#[component]
pub(super) fn InterviewPanel(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let clock = RwSignal::new(None::<Clock>);
    let started_at = StoredValue::new(0.0f64);
    let now = RwSignal::new(0.0f64);
    let sheets = RwSignal::new(Sheets::default());
    let drill = RwSignal::new(Drill::Idle);
    let problem = RwSignal::new(None::<String>);
    let elapsed = move || now.get() - started_at.get_value();

    // The interview clock is wall time: a tick a second while one runs.
    let tick = set_interval_with_handle(
        move || {
            if clock.with_untracked(Option::is_some) {
                now.set(now_s());
            }
        },
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });

    // The drill follows the live run: the fault at the end of the warm-up, the report when the
    // window closes (re-simulated from the run's file, so it is the run's own figures).
    Effect::new(move |_| {
        let head_s = runner.head_s.get();
        match drill.get_untracked() {
            Drill::WarmingUp if head_s >= DRILL_WARM_UP_S => {
                let script = state.challenges.drill.get_untracked().unwrap_or_default();
                let cpu: Vec<(String, f64)> = runner.snapshot.with_untracked(|snapshot| {
                    snapshot.as_ref().map_or(Vec::new(), |snapshot| {
                        snapshot
                            .nodes
                            .iter()
                            .map(|node| (node.id.clone(), node.cpu))
                            .collect()
                    })
                });
                let design = state
                    .editor
                    .with_untracked(|editor| editor.document().clone());
                let Some(fault) = resolve_drill(&script, &design, &cpu) else {
                    drill.set(Drill::Refused(
                        "the design has no server to fail: build one first".to_owned(),
                    ));
                    return;
                };
                let what = fault.to_string();
                match runner.command(LiveCommand::Inject {
                    fault,
                    duration_s: None,
                }) {
                    Ok(()) => drill.set(Drill::Running {
                        fault_at_s: runner.head_s.get_untracked(),
                        what,
                    }),
                    Err(message) => drill.set(Drill::Refused(message)),
                }
            }
            Drill::Running { fault_at_s, what } if head_s >= fault_at_s + DRILL_WINDOW_S + 1.0 => {
                runner.playing.set(false);
                let Some(file) = runner.run_file() else {
                    drill.set(Drill::Refused("the run cannot be read back".to_owned()));
                    return;
                };
                let report = Playthrough::of_run(&file.design, file.seed).map(|mut playthrough| {
                    playthrough.step(&file.timeline, file.end_ns, u64::MAX);
                    let trace = playthrough.trace();
                    // The fault as the run logged it (the command's instant, to the event).
                    let at = trace
                        .happenings
                        .iter()
                        .find(|(at, h)| {
                            *at >= fault_at_s - 1.0
                                && matches!(h, engine::objective::Happening::Fault { .. })
                        })
                        .map_or(fault_at_s, |(at, _)| *at);
                    drill_report(trace, at, DRILL_WINDOW_S, DRILL_HOLD_S, DRILL_SLO)
                });
                match report {
                    Ok(report) => drill.set(Drill::Done(report, what)),
                    Err(error) => drill.set(Drill::Refused(error.to_string())),
                }
            }
            _ => {}
        }
    });

    let start = move |_| {
        clock.set(Some(Clock::started()));
        started_at.set_value(now_s());
        now.set(now_s());
        drill.set(Drill::Idle);
        state
            .announcement
            .set("Interview started: 45 minutes, requirements first".to_owned());
    };
    let next_phase = move |_| {
        let at = elapsed();
        clock.update(|clock| {
            if let Some(clock) = clock {
                clock.next(at);
            }
        });
        if let Some(phase) = clock.with_untracked(|c| c.as_ref().map(Clock::phase)) {
            state
                .announcement
                .set(format!("Next phase: {}", phase.label()));
        }
    };
    let start_drill = move |_| {
        let document = state
            .editor
            .with_untracked(|editor| editor.document().clone());
        runner.reset(&document);
        runner.speed.set(1.0);
        runner.playing.set(true);
        drill.set(Drill::WarmingUp);
        state.announcement.set(format!(
            "Failure drill: something will fail in {DRILL_WARM_UP_S:.0} seconds"
        ));
    };
    let finish = move |_| {
        let at = elapsed();
        clock.update(|clock| {
            if let Some(clock) = clock {
                clock.end(at);
            }
        });
    };
    let save = move |_| {
        let design = state
            .editor
            .with_untracked(|editor| editor.document().clone());
        let file = InterviewFile::new(
            design,
            sheets.get_untracked(),
            clock.get_untracked().unwrap_or_default(),
            None,
        );
        download(&file.to_json(), "interview.json", "application/json");
    };
    let open = move |event: web_sys::Event| {
        let Some((name, text)) = take_chosen_file(&event) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let outcome = match text.await {
                Some(text) => InterviewFile::from_json(&text),
                None => Err("the file could not be read as text".to_owned()),
            };
            match outcome {
                Ok(file) => {
                    if state
                        .execute(&Command::ReplaceDocument(Box::new(file.design)))
                        .is_ok()
                    {
                        sheets.set(file.sheets);
                        problem.set(None);
                    }
                }
                Err(message) => problem.set(Some(format!(
                    "“{name}” was not opened: {message}. Your interview is unchanged."
                ))),
            }
        });
    };

    let phase_strip = move || {
        clock.with(|clock| {
            let Some(clock) = clock else {
                return Vec::new();
            };
            let current = clock.phase();
            let spent = clock.spent(elapsed());
            Phase::ALL
                .iter()
                .map(|phase| {
                    let done = phase.index() < current.index();
                    let used = spent
                        .iter()
                        .find(|(p, _)| p == phase)
                        .map(|(_, s)| mm_ss(*s));
                    let text = match used {
                        Some(used) if done || *phase == current => {
                            format!("{used} / {:.0} min", phase.minutes())
                        }
                        _ => format!("{:.0} min", phase.minutes()),
                    };
                    view! {
                        <li
                            class="interview__phase"
                            class:interview__phase--current=*phase == current
                            class:interview__phase--done=done
                            aria-current=(*phase == current).then_some("step")
                        >
                            <span class="interview__phase-name">{phase.label()}</span>
                            <span class="interview__phase-time">{text}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let remaining = move || {
        clock.with(|c| {
            c.as_ref().map(|c| {
                let (phase, total) = c.remaining(elapsed());
                format!(
                    "{} left in this phase · {} in all",
                    mm_ss(phase),
                    mm_ss(total)
                )
            })
        })
    };
    let text_sheet =
        move |label: &'static str, get: fn(&Sheets) -> String, set: fn(&mut Sheets, String)| {
            view! {
                <label class="interview__sheet">
                    <span>{label}</span>
                    <textarea
                        class="input"
                        rows="6"
                        aria-label=label
                        prop:value=move || sheets.with(get)
                        on:input=move |event| {
                            let value = event_target_value(&event);
                            sheets.update(|sheets| set(sheets, value));
                        }
                    ></textarea>
                </label>
            }
        };
    let estimate_field = move |label: &'static str,
                               get: fn(&Estimates) -> String,
                               set: fn(&mut Estimates, String)| {
        view! {
            <label class="interview__estimate">
                <span>{label}</span>
                <input
                    class="input"
                    aria-label=label
                    prop:value=move || sheets.with(|s| get(&s.estimates))
                    on:input=move |event| {
                        let value = event_target_value(&event);
                        sheets.update(|sheets| set(&mut sheets.estimates, value));
                    }
                />
            </label>
        }
    };
    let checks = move || {
        sheets.with(|sheets| {
            check(&sheets.estimates)
                .into_iter()
                .map(|c| {
                    let (mark, class) = match c.verdict {
                        Verdict::Right => ("✓", "interview__check--right"),
                        Verdict::Off => ("✗", "interview__check--off"),
                        Verdict::Incomplete => ("…", "interview__check--incomplete"),
                    };
                    let expected = c
                        .expected
                        .map(|e| format!("{e:.1}"))
                        .unwrap_or_else(|| "—".to_owned());
                    let claimed = c
                        .claimed
                        .map(|v| format!("{v:.1}"))
                        .unwrap_or_else(|| "—".to_owned());
                    view! {
                        <li class=class title=c.formula>
                            {format!("{mark} {}: yours {claimed}, your inputs give {expected}", c.label)}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let current_sheet = move || {
        let phase = clock.with(|c| c.as_ref().map(Clock::phase))?;
        Some(match phase {
            Phase::Requirements => text_sheet(
                "Requirements (functional and non-functional)",
                |s| s.requirements.clone(),
                |s, v| s.requirements = v,
            )
            .into_any(),
            Phase::Estimation => view! {
                <div class="interview__estimates">
                    {estimate_field("Daily active users", |e| e.daily_users.clone(), |e, v| e.daily_users = v)}
                    {estimate_field("Requests per user per day", |e| e.requests_per_user.clone(), |e, v| e.requests_per_user = v)}
                    {estimate_field("Peak factor", |e| e.peak_factor.clone(), |e, v| e.peak_factor = v)}
                    {estimate_field("Writes per user per day", |e| e.writes_per_user.clone(), |e, v| e.writes_per_user = v)}
                    {estimate_field("Bytes per write", |e| e.bytes_per_write.clone(), |e, v| e.bytes_per_write = v)}
                    {estimate_field("Retention (days)", |e| e.retention_days.clone(), |e, v| e.retention_days = v)}
                    {estimate_field("Response size (KB)", |e| e.response_kb.clone(), |e, v| e.response_kb = v)}
                    {estimate_field("Your peak requests/s", |e| e.peak_qps.clone(), |e, v| e.peak_qps = v)}
                    {estimate_field("Your storage (GB)", |e| e.storage_gb.clone(), |e, v| e.storage_gb = v)}
                    {estimate_field("Your bandwidth (Mbit/s)", |e| e.bandwidth_mbps.clone(), |e, v| e.bandwidth_mbps = v)}
                </div>
                <ul class="interview__checks" aria-label="Arithmetic checks">{checks}</ul>
            }
            .into_any(),
            Phase::Api => text_sheet("API (one endpoint per line)", |s| s.api.clone(), |s, v| s.api = v).into_any(),
            Phase::DataModel => text_sheet("Data model", |s| s.data_model.clone(), |s, v| s.data_model = v).into_any(),
            Phase::HighLevelDesign => view! {
                <p class="compare__note">"Build your design on the canvas and run it. The numbers you estimated are what it must carry: set the users' rate to your peak requests per second."</p>
            }
            .into_any(),
            Phase::DeepDive => view! {
                <div class="interview__drill">
                    <p class="compare__note">{format!("The drill restarts your run: {DRILL_WARM_UP_S:.0} s of warm-up, then something fails (you are not told what), and you have {DRILL_WINDOW_S:.0} s to recover. Recovered = errors under 1 % for {DRILL_HOLD_S} s.")}</p>
                    <button class="button button--primary" type="button" disabled=move || matches!(drill.get(), Drill::WarmingUp | Drill::Running { .. }) on:click=start_drill>"Start the failure drill"</button>
                    <p role="status">{move || match drill.get() {
                        Drill::Idle => String::new(),
                        Drill::WarmingUp => format!("Warming up… {}", sim_clock(runner.head_s.get())),
                        Drill::Running { fault_at_s, .. } => format!("Something failed at {}. {} left to recover.", sim_clock(fault_at_s), duration((fault_at_s + DRILL_WINDOW_S - runner.head_s.get()).max(0.0))),
                        Drill::Done(..) => "The drill is over: the report is below.".to_owned(),
                        Drill::Refused(message) => format!("The drill could not start: {message}"),
                    }}</p>
                </div>
            }
            .into_any(),
        })
    };
    let report = move || {
        let clock = clock.get()?;
        let spent = clock.spent(elapsed());
        let design = state.editor.with(|editor| editor.document().clone());
        let spofs = engine::spof::spofs(&design).len();
        let cost = runner
            .snapshot
            .with(|s| s.as_ref().map(|s| s.cost_per_hour))
            .unwrap_or(0.0);
        let drill_rows = match drill.get() {
            Drill::Done(report, what) => {
                let after = |value: Option<f64>| {
                    value.map_or("not within the window".to_owned(), |s| format!("{s:.1} s"))
                };
                vec![
                    ("The fault".to_owned(), what),
                    (
                        "Time to detect (first alert)".to_owned(),
                        after(report.detected_after_s),
                    ),
                    (
                        "Time to first act".to_owned(),
                        after(report.first_act_after_s),
                    ),
                    (
                        "Time to recover".to_owned(),
                        after(report.recovered_after_s),
                    ),
                    (
                        "Error budget burned".to_owned(),
                        format!(
                            "{:.0} % of a {:.1} % budget ({} of {} requests failed)",
                            report.budget_burned * 100.0,
                            (1.0 - DRILL_SLO) * 100.0,
                            report.failed,
                            report.answered
                        ),
                    ),
                ]
            }
            _ => vec![("Failure drill".to_owned(), "not run yet".to_owned())],
        };
        let rows = spent
            .into_iter()
            .map(|(phase, seconds)| {
                (
                    format!("{} (plan {:.0} min)", phase.label(), phase.minutes()),
                    mm_ss(seconds),
                )
            })
            .chain(drill_rows)
            .chain([
                ("Single points of failure".to_owned(), spofs.to_string()),
                ("Cost".to_owned(), format!("${cost:.2}/h")),
            ])
            .map(|(name, value)| view! { <tr><th scope="row">{name}</th><td>{value}</td></tr> })
            .collect_view();
        Some(view! {
            <table class="compare__table interview__report" aria-label="Interview report">
                <tbody>{rows}</tbody>
            </table>
        })
    };

    // The interviewer's form: the drill to hide in the candidate's link.
    let script_choice = RwSignal::new("busiest".to_owned());
    let link = RwSignal::new(None::<String>);
    let script_options = move || {
        state.editor.with(|editor| {
            let design = editor.document();
            let mut options = vec![("busiest".to_owned(), "Kill an instance of the busiest tier".to_owned())];
            for node in &design.nodes {
                match node.kind() {
                    engine::NodeKind::Users | engine::NodeKind::Monitoring | engine::NodeKind::Pipeline => {}
                    engine::NodeKind::Database => {
                        options.push((format!("crash:{}", node.id), format!("Crash the primary of {}", node.display_name())));
                    }
                    _ => options.push((format!("kill:{}", node.id), format!("Kill {}", node.display_name()))),
                }
            }
            let mut zones: Vec<&str> = design.nodes.iter().map(|n| n.zone.as_str()).collect();
            zones.sort_unstable();
            zones.dedup();
            for zone in zones {
                options.push((format!("zone:{zone}"), format!("Zone outage of {zone}")));
            }
            options
                .into_iter()
                .map(|(value, label)| view! { <option value=value.clone() selected=move || script_choice.get() == value>{label}</option> })
                .collect_view()
        })
    };
    let make_link = move |_| {
        let choice = script_choice.get_untracked();
        let script = match choice.split_once(':') {
            Some(("kill", node)) => DrillScript::Fault {
                fault: engine::design::Fault::Kill {
                    node: node.to_owned(),
                },
            },
            Some(("crash", node)) => DrillScript::Fault {
                fault: engine::design::Fault::DatabasePrimaryCrash {
                    node: node.to_owned(),
                },
            },
            Some(("zone", zone)) => DrillScript::Fault {
                fault: engine::design::Fault::ZoneOutage {
                    zone: zone.to_owned(),
                },
            },
            _ => DrillScript::KillBusiest,
        };
        let design = state
            .editor
            .with_untracked(|editor| editor.document().clone());
        match InterviewFile::new(design, Sheets::default(), Clock::default(), Some(script))
            .encode_link()
        {
            Ok(fragment) => {
                let url = page_url_with(&fragment);
                let _ = window().navigator().clipboard().write_text(&url);
                link.set(Some(url));
                problem.set(None);
            }
            Err(message) => problem.set(Some(message)),
        }
    };

    view! {
        <div class="interview" class:interview--hidden=move || !visible.get()>
            <Show
                when=move || clock.with(Option::is_some)
                fallback=move || view! {
                    <p class="compare__note">"A 45-minute system-design interview in six phases: requirements, estimation, API, data model, high-level design, and a deep dive that ends with a failure drill on your own design. The sheets are saved with the interview file."</p>
                    {move || state.challenges.drill.with(Option::is_some).then(|| view! {
                        <p class="compare__note"><strong>"Your interviewer has set a failure drill for the last phase."</strong></p>
                    })}
                    <div class="compare__form">
                        <button class="button button--primary" type="button" on:click=start>"Start the interview"</button>
                        <label class="button">"Open interview file…"<input class="visually-hidden" type="file" accept=".json,application/json" data-input="interview-file" on:change=open /></label>
                    </div>
                }
            >
                <ol class="interview__phases" aria-label="Phases">{phase_strip}</ol>
                <p class="interview__remaining" role="timer">{remaining}</p>
                <p class="compare__note">{move || clock.with(|c| c.as_ref().map(|c| c.phase().prompt()))}</p>
                {current_sheet}
                <div class="compare__form">
                    <button class="button" type="button" disabled=move || clock.with(|c| c.as_ref().is_none_or(|c| c.phase() == Phase::DeepDive || c.ended_s.is_some())) on:click=next_phase>"Next phase"</button>
                    <button class="button" type="button" on:click=finish>"End the interview"</button>
                    <button class="button" type="button" on:click=save>"Save interview file"</button>
                </div>
                <h3 class="interview__title">"Report"</h3>
                {report}
            </Show>
            {move || problem.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <details class="interview__interviewer">
                <summary>"Interviewer: hide a failure drill in a link"</summary>
                <div class="compare__form">
                    <select class="input" aria-label="Drill" on:change=move |event| script_choice.set(event_target_value(&event))>
                        {script_options}
                    </select>
                    <button class="button" type="button" on:click=make_link>"Copy interviewer link"</button>
                </div>
                {move || link.get().map(|url| view! { <input class="input interview__link" aria-label="Interviewer link" readonly prop:value=url /> })}
            </details>
        </div>
    }
}
