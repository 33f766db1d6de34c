//! The Incident tab: incident response as a workflow. Without a drill it lists the built-in
//! incident scenarios to start one; during a drill it walks the responder through detect →
//! acknowledge → identify (pin an issue) → replicate (a staging copy, shown on the canvas, the
//! charts and the logs at the flip of a switch) → fix (tried in staging) → deploy → resolve, with
//! the roles of a group drill, a game master's panel, the measures (MTTD, MTTA, time to reproduce,
//! MTTR) and the post-mortem, exported as Markdown re-simulated from the run's file.
//!
//! A view only: what it shows is decided by `observe::drill`; every step goes through the runner,
//! which records it in the run's file.

use engine::incident::{IncidentRun, IncidentStep, Role, scenario, scenarios};
use engine::postmortem::{Authored, PostMortem};
use engine::{LiveCommand, RunAction};
use leptos::prelude::*;

use super::IncidentResponses;
use crate::components::file_menu::download;
use crate::editor::Command;
use crate::observe::drill::{DrillView, Status, misfortunes};
use crate::observe::incidents::incidents;
use crate::observe::{clock, duration};
use crate::runner::Environment;
use crate::state::AppState;

/// A measure, or a dash until both of its ends happened.
fn measure(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), duration)
}

/// The Incident tab.
#[component]
pub fn IncidentPanel(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let drill = state.runner.drill;
    let running = move || drill.with(Option::is_some);
    view! {
        <div class="incident" aria-label="Incident response">
            <Show when=move || visible.get() && running() fallback=move || view! { <Show when=move || visible.get()><ScenarioList /></Show> }>
                <DrillPanel />
            </Show>
        </div>
    }
}

/// The built-in scenarios, to start a drill.
#[component]
fn ScenarioList() -> impl IntoView {
    let state = AppState::get();
    let start = move |id: &'static str| {
        let Some(scenario) = scenarios().into_iter().find(|s| s.id == id) else {
            return;
        };
        let runner = state.runner;
        runner.start_drill(id);
        if state
            .execute(&Command::ReplaceDocument(Box::new(scenario.design.clone())))
            .is_err()
        {
            return;
        }
        runner.playing.set(true);
        state
            .announcement
            .set(format!("Incident drill “{}” started", scenario.title));
        request_animation_frame(move || {
            let fitted = state
                .editor
                .with_untracked(|editor| crate::state::fitted_view(editor.document(), false));
            state.view.viewport.set(fitted);
        });
    };
    let rows = scenarios()
        .into_iter()
        .map(|scenario| {
            let id = scenario.id;
            view! {
                <li class="incident__scenario">
                    <div>
                        <strong>{scenario.title}</strong>
                        <p class="panel__hint">{scenario.story}</p>
                    </div>
                    <button
                        class="button button--primary"
                        type="button"
                        aria-label=format!("Start the drill {}", scenario.title)
                        on:click=move |_| start(id)
                    >
                        "Start drill"
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3 class="incident__title">"Incident drills"</h3>
        <p class="panel__hint">
            "Each drill loads a production system that is about to have a bad day. Work the incident the way SRE teams do: acknowledge the page, find the issue in the logs, reproduce it in a staging copy, try a fix there, deploy it, and write the post-mortem. One person can play game master and inject more trouble."
        </p>
        <ul class="incident__scenarios">{rows}</ul>
    }
}

/// The drill in progress.
#[component]
fn DrillPanel() -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let drill = runner.drill;
    let problem = RwSignal::new(None::<String>);
    let read = move |f: fn(&DrillView) -> String| move || drill.with(|d| d.as_ref().map(f));
    let step = move |step: IncidentStep| {
        problem.set(runner.incident_step(step).err());
    };
    // Acknowledging the drill's page acknowledges its PagerDuty incident (the alerts tab shows
    // the same one), recorded in the run's file.
    let responses = expect_context::<IncidentResponses>().0;
    let page = Memo::new(move |_| {
        let alert = drill.with(|d| d.as_ref().map(|d| d.alert.clone()))?;
        runner.notifications.with(|notifications| {
            responses.with(|responses| {
                incidents(notifications, responses)
                    .into_iter()
                    .rev()
                    .find(|incident| incident.rule == alert && incident.can_acknowledge())
                    .map(|incident| incident.number as u32)
            })
        })
    });
    let acknowledged = move || {
        drill.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.timeline.acknowledged_s.is_some())
        })
    };
    let detected =
        move || drill.with(|d| d.as_ref().is_some_and(|d| d.timeline.detected_s.is_some()));
    let on_acknowledge = move |_| {
        let incident = page.get_untracked().unwrap_or(0);
        runner.note(RunAction::Acknowledge { incident });
    };
    let status = move || drill.with(|d| d.as_ref().map_or(Status::Quiet, |d| d.status));
    let status_class = move || match status() {
        Status::Firing => "incident__status incident__status--firing",
        Status::Resolved => "incident__status incident__status--resolved",
        _ => "incident__status",
    };
    let environment = runner.environment;
    let staging_open = move || drill.with(|d| d.as_ref().is_some_and(|d| d.staging_open));
    let show = move |environment: Environment| runner.show_environment(environment);
    let measures = move || {
        drill.with(|d| {
            d.as_ref().map(|d| {
                let m = d.measures;
                view! {
                    <dl class="incident__measures">
                        <div><dt>"MTTD"</dt><dd>{measure(m.mttd_s)}</dd></div>
                        <div><dt>"MTTA"</dt><dd>{measure(m.mtta_s)}</dd></div>
                        <div><dt>"Time to reproduce"</dt><dd>{measure(m.time_to_reproduce_s)}</dd></div>
                        <div><dt>"MTTR"</dt><dd>{measure(m.mttr_s)}</dd></div>
                    </dl>
                }
            })
        })
    };
    let roles = Role::ALL
        .into_iter()
        .map(|role| {
            let value = move || {
                drill.with(|d| {
                    d.as_ref()
                        .and_then(|d| {
                            d.roles
                                .iter()
                                .find(|(r, _)| *r == role)
                                .map(|(_, p)| p.clone())
                        })
                        .unwrap_or_default()
                })
            };
            view! {
                <label class="report__field report__field--narrow">
                    {role.label()}
                    <input
                        class="input"
                        type="text"
                        placeholder="name"
                        aria-label=role.label()
                        prop:value=value
                        on:change=move |event| {
                            step(IncidentStep::Assign { role, person: event_target_value(&event) });
                        }
                    />
                </label>
            }
        })
        .collect_view();
    let issues = move || {
        drill.with(|d| {
            let Some(d) = d else { return Vec::new() };
            d.issues
                .iter()
                .take(8)
                .map(|row| {
                    let issue = row.issue.clone();
                    let label = format!("{} at {}", issue.exception, issue.frame);
                    let pinned = row.pinned;
                    view! {
                        <tr class:incident__pinned=pinned>
                            <td><code>{issue.exception.clone()}</code></td>
                            <td><code>{issue.frame.clone()}</code></td>
                            <td class="number">{row.count}</td>
                            <td>{row.first_seen_in.clone().map_or_else(|| "—".to_owned(), |v| format!("first seen in {v}"))}</td>
                            <td>
                                <button
                                    class="button"
                                    type="button"
                                    disabled=pinned
                                    aria-label=format!("Pin {label}")
                                    on:click=move |_| step(IncidentStep::Pin { exception: issue.exception.clone(), frame: issue.frame.clone() })
                                >
                                    {if pinned { "Pinned" } else { "Pin" }}
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let open_staging = move |_| {
        let fraction = drill.with_untracked(|d| d.as_ref().map_or(0.1, |d| d.staging_fraction));
        step(IncidentStep::OpenStaging { fraction });
        if problem.with_untracked(Option::is_none) {
            show(Environment::Staging);
        }
    };
    let reproduction = move || {
        drill.with(|d| {
            d.as_ref().map(|d| match d.timeline.reproduced_s {
                Some(at) => format!("Reproduced in staging at {}", clock(at)),
                None if d.staging_open => format!(
                    "Pinned issue seen {} of {} times in staging",
                    d.reproductions,
                    engine::incident::REPRODUCED_AFTER
                ),
                None => "No staging copy yet".to_owned(),
            })
        })
    };
    let fixes = move || {
        drill.with(|d| {
            let Some(d) = d else { return Vec::new() };
            let staging = d.staging_open;
            d.fixes
                .iter()
                .map(|fix| {
                    let (id, label) = (fix.id.clone(), fix.label.clone());
                    let deploy_id = id.clone();
                    let normal_id = id.clone();
                    let hot_fix = fix.hot_fix;
                    view! {
                        <li class="incident__fix" class:incident__fix--verified=fix.verified>
                            <div>
                                <strong>{label.clone()}</strong>
                                {fix.state.clone().map(|s| view! { <div class="panel__hint">{s}</div> })}
                                {fix.deployed.then(|| view! { <div class="panel__hint">"deployed to production"</div> })}
                            </div>
                            <button
                                class="button"
                                type="button"
                                disabled=!staging
                                aria-label=format!("Try in staging: {label}")
                                on:click=move |_| step(IncidentStep::TryInStaging { fix: id.clone() })
                            >
                                "Try in staging"
                            </button>
                            <button
                                class="button"
                                type="button"
                                aria-label=format!("Deploy to production: {label}")
                                on:click=move |_| deploy(deploy_id.clone(), false, problem)
                            >
                                "Deploy"
                            </button>
                            {hot_fix.then(|| view! {
                                <button
                                    class="button"
                                    type="button"
                                    title="Through approval and the canary analysis, as a normal release"
                                    aria-label=format!("Deploy through the full pipeline: {label}")
                                    on:click=move |_| deploy(normal_id.clone(), true, problem)
                                >
                                    "Full pipeline"
                                </button>
                            })}
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="incident__head">
            <h3 class="incident__title">{read(|d| d.title.clone())}</h3>
            <span class=status_class role="status">{move || status().label()}</span>
            <div class="incident__environment" role="group" aria-label="Environment in view">
                <button class="button" type="button" aria-pressed=move || (environment.get() == Environment::Production).to_string() on:click=move |_| show(Environment::Production)>"Production"</button>
                <button class="button" type="button" disabled=move || !staging_open() aria-pressed=move || (environment.get() == Environment::Staging).to_string() on:click=move |_| show(Environment::Staging)>"Staging"</button>
            </div>
            <button class="button" type="button" on:click=move |_| runner.end_drill()>"End drill"</button>
        </div>
        {measures}
        <p class="incident__next" aria-live="polite"><strong>"Next: "</strong>{read(|d| d.next.clone())}</p>
        {move || problem.get().map(|p| view! { <p class="field__error" role="alert">{p}</p> })}
        <div class="incident__grid">
            <section class="incident__step" aria-label="Detect">
                <h4>"1 · Detect"</h4>
                <p class="panel__hint">{read(|d| d.story.clone())}</p>
                <p>{read(|d| match d.timeline.detected_s { Some(at) => format!("“{}” paged at {}", d.alert, clock(at)), None => format!("“{}” has not paged", d.alert) })}</p>
                <button class="button button--primary" type="button" disabled=move || !detected() || acknowledged() on:click=on_acknowledge>
                    {move || if acknowledged() { "Acknowledged" } else { "Acknowledge the page" }}
                </button>
                <div class="incident__roles">{roles}</div>
            </section>
            <section class="incident__step incident__step--wide" aria-label="Identify">
                <h4>"2 · Identify"</h4>
                <Show when=move || drill.with(|d| d.as_ref().is_some_and(|d| !d.issues.is_empty())) fallback=|| view! { <p class="panel__hint">"No errors since the fault yet."</p> }>
                    <table class="incident__issues">
                        <thead><tr><th>"Exception"</th><th>"Frame"</th><th>"Events"</th><th>"Release"</th><th></th></tr></thead>
                        <tbody>{issues}</tbody>
                    </table>
                </Show>
            </section>
            <section class="incident__step" aria-label="Replicate">
                <h4>"3 · Replicate"</h4>
                <p class="panel__hint">{read(|d| format!("A staging copy runs production's design as it is now, apart, at {:.0} % of its traffic with the same request mix and its own seed. Nothing done there reaches production.", d.staging_fraction * 100.0))}</p>
                <button class="button" type="button" on:click=open_staging>
                    {move || if staging_open() { "Open a fresh staging copy" } else { "Open a staging copy" }}
                </button>
                <Show when=move || staging_open() && drill.with(|d| d.as_ref().is_some_and(|d| d.replay_offered))>
                    <button class="button" type="button" on:click=move |_| step(IncidentStep::ReplayInStaging)>"Replay the trigger in staging"</button>
                </Show>
                <p>{reproduction}</p>
            </section>
            <section class="incident__step" aria-label="Fix and deploy">
                <h4>"4 · Fix, 5 · Deploy"</h4>
                <ul class="incident__fixes">{fixes}</ul>
                {move || drill.with(|d| {
                    let times = &d.as_ref()?.timeline.debugged_in_production;
                    (!times.is_empty()).then(|| {
                        let times = times.iter().map(|at| clock(*at)).collect::<Vec<_>>().join(", ");
                        view! { <p class="incident__debugged">"Debugged in production at " {times}</p> }
                    })
                })}
            </section>
        </div>
        <GameMaster problem=problem />
        <PostMortemEditor />
    }
}

/// Ships a fix to production: the deploy step, then its commands at the same instant. A hot fix
/// release goes expedited (skipping the approval and the canary analysis) unless `full_pipeline`.
fn deploy(fix: String, full_pipeline: bool, problem: RwSignal<Option<String>>) {
    let state = AppState::get();
    let runner = state.runner;
    let commands = runner
        .drill
        .with_untracked(|d| d.as_ref().map(|d| d.id.clone()))
        .and_then(|id| scenario(&id))
        .and_then(|s| s.fix(&fix).map(|f| f.commands.clone()))
        .unwrap_or_default()
        .into_iter()
        .map(|mut command| {
            if let LiveCommand::CommitRelease { release, .. } = &mut command
                && full_pipeline
            {
                release.expedited = false;
            }
            command
        });
    if let Err(error) = runner.incident_step(IncidentStep::Deploy { fix }) {
        problem.set(Some(error));
        return;
    }
    for command in commands {
        if let Err(error) = runner.command(command) {
            problem.set(Some(error));
            return;
        }
    }
    problem.set(None);
    state
        .announcement
        .set("Fix deployed to production".to_owned());
}

/// The game master's panel: more trouble, injected live into production.
#[component]
fn GameMaster(problem: RwSignal<Option<String>>) -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let choices = Memo::new(move |_| state.editor.with(|editor| misfortunes(editor.document())));
    let inject = move |index: usize| {
        let Some(misfortune) = choices.with_untracked(|all| all.get(index).cloned()) else {
            return;
        };
        if let Err(error) = runner.incident_step(IncidentStep::GameMaster {
            what: misfortune.label.clone(),
        }) {
            problem.set(Some(error));
            return;
        }
        let outcome = runner.command(LiveCommand::Inject {
            fault: misfortune.fault,
            duration_s: misfortune.duration_s,
        });
        problem.set(outcome.err());
    };
    view! {
        <details class="incident__game-master">
            <summary>"Game master"</summary>
            <p class="panel__hint">"For a drill in a group (a “wheel of misfortune”): one person injects trouble into production while another works the incident. Injections are the game master's, not debugging in production."</p>
            <ul class="incident__misfortunes">
                {move || choices.get().into_iter().enumerate().map(|(index, m)| view! {
                    <li><button class="button" type="button" on:click=move |_| inject(index)>{m.label}</button></li>
                }).collect_view()}
            </ul>
        </details>
    }
}

/// The post-mortem: the responder's words, the drafted rest, and the Markdown export.
#[component]
fn PostMortemEditor() -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let authored = runner.postmortem;
    let problem = RwSignal::new(None::<String>);
    // Action items are typed as lines; the text keeps a line being started (an empty last line).
    let items_text = RwSignal::new(authored.with_untracked(|a| a.action_items.join("\n")));
    Effect::new(move |_| {
        let items = authored.with(|a| a.action_items.clone());
        let typed: Vec<String> = items_text.with_untracked(|t| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        });
        if typed != items {
            items_text.set(items.join("\n"));
        }
    });
    let text =
        move |label: &'static str, get: fn(&Authored) -> String, set: fn(&mut Authored, String)| {
            view! {
                <label class="incident__field">
                    <span>{label}</span>
                    <textarea
                        class="input"
                        rows="2"
                        aria-label=label
                        prop:value=move || authored.with(get)
                        on:input=move |event| {
                            let value = event_target_value(&event);
                            authored.update(|a| set(a, value));
                        }
                    ></textarea>
                </label>
            }
        };
    let moments = move || {
        runner.drill.with(|d| {
            d.as_ref()
                .map(|d| engine::postmortem::moments(&d.timeline))
                .unwrap_or_default()
                .into_iter()
                .map(|m| view! { <li><span class="incident__time">{clock(m.time_s)}</span>" "{m.what}</li> })
                .collect_view()
        })
    };
    // The export re-simulates the run's file (a drill's steps included): the post-mortem claims
    // only what the file shows happened.
    let export = move |_| {
        let Some(file) = runner.run_file() else {
            problem.set(Some(
                "the design cannot run, so there is no run to write up".to_owned(),
            ));
            return;
        };
        match IncidentRun::replay(&file) {
            Ok(Some(mut run)) => {
                let date = js_sys::Date::new_0()
                    .to_iso_string()
                    .as_string()
                    .unwrap_or_default()
                    .chars()
                    .take(10)
                    .collect::<String>();
                let draft = PostMortem::draft(&mut run, &date, authored.get_untracked());
                download(&draft.to_markdown(), "postmortem.md", "text/markdown");
                problem.set(None);
                state.announcement.set("Post-mortem exported".to_owned());
            }
            Ok(None) => problem.set(Some("this run is not an incident drill".to_owned())),
            Err(error) => problem.set(Some(format!("the run could not be re-simulated: {error}"))),
        }
    };
    view! {
        <section class="incident__postmortem" aria-label="Post-mortem">
            <h4>"6 · Post-mortem"</h4>
            <p class="panel__hint">"Title, impact, trigger, detection, resolution and the timeline are drafted from the run when you export; the root cause and the lessons are yours. They are saved in the run file."</p>
            <div class="incident__fields">
                {text("Root cause", |a| a.root_cause.clone(), |a, v| a.root_cause = v)}
                {text("What went well", |a| a.went_well.clone(), |a, v| a.went_well = v)}
                {text("What went wrong", |a| a.went_wrong.clone(), |a, v| a.went_wrong = v)}
                {text("Where we got lucky", |a| a.got_lucky.clone(), |a, v| a.got_lucky = v)}
                <label class="incident__field">
                    <span>"Action items (one per line)"</span>
                    <textarea
                        class="input"
                        rows="2"
                        aria-label="Action items"
                        prop:value=move || items_text.get()
                        on:input=move |event| {
                            let value = event_target_value(&event);
                            items_text.set(value.clone());
                            authored.update(|a| {
                                a.action_items = value
                                    .lines()
                                    .map(str::trim)
                                    .filter(|line| !line.is_empty())
                                    .map(str::to_owned)
                                    .collect();
                            });
                        }
                    ></textarea>
                </label>
            </div>
            <h5>"Timeline"</h5>
            <ol class="incident__timeline" aria-label="Incident timeline">{moments}</ol>
            <button class="button button--primary" type="button" on:click=export>"Export post-mortem (Markdown)"</button>
            {move || problem.get().map(|p| view! { <p class="field__error" role="alert">{p}</p> })}
        </section>
    }
}

/// On the canvas while staging is in view: whose numbers these are, and the way back.
#[component]
pub fn StagingBadge() -> impl IntoView {
    let runner = AppState::get().runner;
    move || {
        (runner.environment.get() == Environment::Staging).then(|| {
            view! {
                <div class="canvas__staging" role="status" on:pointerdown=|event| event.stop_propagation()>
                    <strong>"Staging copy"</strong>
                    <span>" — a separate simulation at a fraction of production's traffic. Production is untouched by what you try here."</span>
                    <button class="button" type="button" on:click=move |_| runner.show_environment(Environment::Production)>"Back to production"</button>
                </div>
            }
        })
    }
}
