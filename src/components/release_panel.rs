//! The inspector's Release panel for a pipeline, while the design runs: where its releases stand,
//! a form to commit one (version, bug, hot fix), Approve and Roll back when they apply, and the
//! pipeline's releases with their stages. It renders what `editor::release_form` and
//! `observe::releases` decide, and acts through live commands, which the run records in its file.

use engine::LiveCommand;
use engine::params::RequestType;
use leptos::prelude::*;

use super::field::{FieldWidth, FormLook, LabelledField};
use crate::editor::release_form::{
    DefectChoice, ReleaseDraft, ReleaseField, next_version, parse_request_type, request_type_code,
};
use crate::observe::releases::{self, ReleaseRow};
use crate::state::AppState;

/// The Release panel of pipeline `id`.
#[component]
pub fn ReleasePanel(id: StoredValue<String>) -> impl IntoView {
    let state = AppState::get();
    let snapshot = state.runner.snapshot;
    // A memo: the form is built once per run, not once per published snapshot.
    let running = Memo::new(move |_| snapshot.with(Option::is_some));
    // The version the form proposes: the next vN after every version the run has seen.
    let proposed = Memo::new(move |_| {
        snapshot.with(|snapshot| {
            let Some(snapshot) = snapshot else {
                return next_version([]);
            };
            let records = snapshot
                .releases
                .iter()
                .map(|record| record.version.as_str());
            let running = snapshot
                .nodes
                .iter()
                .flat_map(|node| node.versions.iter().map(|version| version.version.as_str()));
            next_version(records.chain(running))
        })
    });
    // What was typed; a version typed by hand is kept, else the proposal follows the run.
    let draft = RwSignal::new(ReleaseDraft::new(String::new()));
    let version_typed = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let figures = Memo::new(move |_| {
        snapshot.with(|snapshot| {
            let snapshot = snapshot.as_ref()?;
            id.with_value(|id| snapshot.node(id)?.pipeline.clone())
        })
    });
    let pipeline_state = Memo::new(move |_| {
        snapshot.with(|snapshot| {
            let snapshot = snapshot.as_ref()?;
            let figures = figures.get()?;
            Some(releases::pipeline_state(
                &figures,
                &snapshot.releases,
                snapshot.time_s,
            ))
        })
    });
    let rows = Memo::new(move |_| {
        snapshot.with(|snapshot| {
            let Some(snapshot) = snapshot else {
                return Vec::new();
            };
            id.with_value(|id| {
                releases::release_rows(
                    &snapshot.releases,
                    id,
                    figures.get().as_ref(),
                    snapshot.time_s,
                )
            })
        })
    });
    let version_text = move || {
        if version_typed.get() {
            draft.with(|draft| draft.version.clone())
        } else {
            proposed.get()
        }
    };
    let send = move |command: LiveCommand, done: String| match state.runner.command(command) {
        Ok(()) => {
            state.announcement.set(done);
            error.try_set(None);
            true
        }
        Err(message) => {
            error.try_set(Some(message));
            false
        }
    };
    let commit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mut checked = draft.get_untracked();
        checked.version = version_text();
        let release = match checked.check() {
            Ok(release) => release,
            Err(problem) => {
                error.set(Some(problem.to_string()));
                return;
            }
        };
        let done = format!("{} committed to {}", release.version, id.get_value());
        let command = LiveCommand::CommitRelease {
            pipeline: id.get_value(),
            release,
        };
        // A refused commit keeps the form as typed, with the reason beside it.
        if send(command, done) {
            version_typed.set(false);
            draft.update(|draft| draft.expedited = false);
        }
    };
    let approve = move |_| {
        let done = format!("{}: release approved", id.get_value());
        send(
            LiveCommand::Approve {
                pipeline: id.get_value(),
            },
            done,
        );
    };
    let roll_back = move |_| {
        let done = format!("{}: rolling back", id.get_value());
        send(
            LiveCommand::RollBack {
                pipeline: id.get_value(),
            },
            done,
        );
    };
    let defect = move || draft.with(|draft| draft.defect);
    let number_field = move |field: ReleaseField| {
        let value = move || {
            draft.with(|draft| match field {
                ReleaseField::Rate => draft.rate_percent.clone(),
                ReleaseField::Factor => draft.factor.clone(),
                ReleaseField::AfterSeconds => draft.after_s.clone(),
            })
        };
        view! {
            <LabelledField look=FormLook::Inspector width=FieldWidth::Narrow label=field.label() unit=field.unit()>
                <input
                    class="input input--number"
                    aria-label=field.label()
                    inputmode="decimal"
                    prop:value=value
                    on:input=move |event| {
                        let text = event_target_value(&event);
                        draft.update(|draft| match field {
                            ReleaseField::Rate => draft.rate_percent = text,
                            ReleaseField::Factor => draft.factor = text,
                            ReleaseField::AfterSeconds => draft.after_s = text,
                        });
                    }
                />
            </LabelledField>
        }
    };
    view! {
        <h3 class="inspector__section">"Release"</h3>
        {move || {
            if !running.get() {
                return view! { <p class="panel__hint">"Press Play to commit releases to this pipeline."</p> }.into_any();
            }
            view! {
                <p class="release-panel__state" class:release-panel__state--waiting=move || pipeline_state.get().is_some_and(|state| state.waiting)>
                    {move || pipeline_state.get().map(|state| state.line)}
                </p>
                <form class="release-panel__form" aria-label="Commit a release" on:submit=commit>
                    <LabelledField look=FormLook::Inspector label="Version">
                        <input
                            class="input"
                            aria-label="Version"
                            prop:value=version_text
                            on:input=move |event| {
                                let text = event_target_value(&event);
                                version_typed.set(true);
                                draft.update(|draft| draft.version = text);
                            }
                        />
                    </LabelledField>
                    <LabelledField look=FormLook::Inspector label="Bug it carries">
                        <select
                            class="input"
                            aria-label="Bug it carries"
                            on:change=move |event| {
                                if let Some(choice) = DefectChoice::parse(&event_target_value(&event)) {
                                    draft.update(|draft| draft.defect = choice);
                                }
                            }
                        >
                            {DefectChoice::ALL
                                .into_iter()
                                .map(|choice| view! { <option value=choice.code() selected=move || defect() == choice>{choice.label()}</option> })
                                .collect_view()}
                        </select>
                    </LabelledField>
                    {move || match defect() {
                        DefectChoice::ErrorRate => view! {
                            <LabelledField look=FormLook::Inspector label="Failing request type">
                                <select
                                    class="input"
                                    aria-label="Failing request type"
                                    on:change=move |event| {
                                        if let Some(request_type) = parse_request_type(&event_target_value(&event)) {
                                            draft.update(|draft| draft.request_type = request_type);
                                        }
                                    }
                                >
                                    {RequestType::ALL
                                        .into_iter()
                                        .map(|request_type| {
                                            let selected = move || draft.with(|draft| draft.request_type == request_type);
                                            view! { <option value=request_type_code(request_type) selected=selected>{request_type.label()}</option> }
                                        })
                                        .collect_view()}
                                </select>
                            </LabelledField>
                            {number_field(ReleaseField::Rate)}
                        }
                        .into_any(),
                        DefectChoice::Latency => number_field(ReleaseField::Factor).into_any(),
                        DefectChoice::Crash => number_field(ReleaseField::AfterSeconds).into_any(),
                        DefectChoice::None | DefectChoice::FailingHealthCheck => ().into_any(),
                    }}
                    <label class="release-panel__check">
                        <input
                            type="checkbox"
                            prop:checked=move || draft.with(|draft| draft.expedited)
                            on:change=move |event| {
                                let on = event_target_checked(&event);
                                draft.update(|draft| draft.expedited = on);
                            }
                        />
                        " Hot fix (expedited): skips the approval and the canary analysis"
                    </label>
                    <button class="button button--primary" type="submit">"Commit release"</button>
                </form>
                {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                <div class="inspector__chaos" role="group" aria-label="Release controls">
                    {move || figures.get().and_then(|figures| figures.awaiting_approval).map(|version| view! {
                        <button class="button button--primary" type="button" on:click=approve>{format!("Approve {version}")}</button>
                    })}
                    {move || figures.get().is_some_and(|figures| figures.can_roll_back).then(|| view! {
                        <button class="button button--danger" type="button" on:click=roll_back>"Roll back"</button>
                    })}
                </div>
                <ReleaseList rows=rows />
            }
            .into_any()
        }}
    }
}

/// The pipeline's releases, newest first: version, outcome, bug, stages and share of traffic.
#[component]
fn ReleaseList(rows: Memo<Vec<ReleaseRow>>) -> impl IntoView {
    move || {
        let rows = rows.get();
        if rows.is_empty() {
            return view! { <p class="panel__hint">"No release committed yet."</p> }.into_any();
        }
        view! {
            <ol class="release-list" aria-label="Releases">
                {rows
                    .into_iter()
                    .map(|row| {
                        view! {
                            <li class="release-list__item">
                                <div class="release-list__head">
                                    <span class="release-list__version">{row.version}</span>
                                    <span class=format!("release-list__outcome release-list__outcome--{}", row.tone)>{row.outcome}</span>
                                    {(!row.traffic.is_empty()).then(|| view! { <span class="release-list__traffic">{row.traffic}</span> })}
                                </div>
                                {row.defect.map(|defect| view! { <p class="release-list__defect">"Bug: "{defect}</p> })}
                                <ul class="release-list__stages">
                                    {row.stages.into_iter().map(|stage| view! { <li>{stage}</li> }).collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    }
}
