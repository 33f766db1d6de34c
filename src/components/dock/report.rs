//! The report tab: what happened when (an incident timeline in simulated time), failures by cause,
//! a bottleneck finder that names the node and resource limiting throughput, a one-paragraph summary
//! on top, the releases with the DORA keys (`releases.rs`, when the design has a pipeline), and the
//! design's scheduled faults on a time axis with a form to schedule more.
//!
//! A view only: the timeline, findings and summary are decided by `observe::timeline` and
//! `observe::findings` from what the run already publishes (the bounded logs and notifications, the
//! latest snapshot, the incidents of the alerts tab); the fault form's draft and check are
//! `editor::fault_form`. Scheduled faults are part of the document: adding or removing one goes
//! through [`Command`]s, and the running model follows the new schedule.

use std::collections::VecDeque;

use engine::Notification;
use leptos::prelude::*;

use super::releases::ReleasesReport;
use super::{IncidentResponses, visible_second};
use crate::components::field::{FieldWidth, FormDraft, FormLook, LabelledField, TextField};
use crate::editor::Command;
use crate::editor::fault_form::{FAULT_KINDS, FaultDraft, FaultProblems};
use crate::observe::findings::{
    SATURATED, bottleneck_heading, failures_by_cause, find_bottleneck, queue_growth,
    split_failures, summary,
};
use crate::observe::incidents::{escalate, escalation_timeout_s, incidents, this_run_start};
use crate::observe::timeline::{LogMoments, Mark, timeline};
use crate::observe::{clock, clock_with_tenths, schedule};
use crate::state::AppState;

/// The class of a timeline entry, by what kind of moment it marks.
fn mark_class(mark: Mark) -> &'static str {
    match mark {
        Mark::Fault => "report__entry report__entry--fault",
        Mark::Error => "report__entry report__entry--error",
        Mark::Detection => "report__entry report__entry--detection",
        Mark::Alert => "report__entry report__entry--alert",
        Mark::Incident => "report__entry report__entry--incident",
        Mark::Mitigation => "report__entry report__entry--mitigation",
        Mark::Rollback => "report__entry report__entry--rollback",
        Mark::Deploy => "report__entry report__entry--deploy",
    }
}

/// Starts reading the run's log for the report's timeline; call once, from the dock. The runner
/// keeps a bounded log; reading each new line as it arrives, whichever tab is open (and before the
/// report's own code has downloaded), keeps the moments of a long run.
pub(super) fn follow_moments() -> RwSignal<LogMoments> {
    let state = AppState::get();
    let moments = RwSignal::new(LogMoments::default());
    // Following a stream is what an effect is for.
    Effect::new(move |_| {
        state.runner.logs.with(|logs| {
            let changed = moments
                .try_update_untracked(|moments| moments.read_new(logs))
                .unwrap_or(false);
            if changed {
                moments.notify();
            }
        });
    });
    moments
}

/// The report tab's content.
#[component]
pub(super) fn ReportPanel(visible: Signal<bool>, moments: RwSignal<LogMoments>) -> impl IntoView {
    let state = AppState::get();
    let responses = expect_context::<IncidentResponses>().0;
    // Escalations move with the clock; whole seconds are plenty.
    let now_s = Memo::new(move |_| {
        state.runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map_or(0.0, |snapshot| snapshot.time_s.floor())
        })
    });
    // The rest of the report is worked out only while it is shown.
    let entries = Memo::new(move |_| {
        if !visible.get() {
            return Vec::new();
        }
        // Only this run's incidents: the notification list spans restarts.
        let this_run: VecDeque<Notification> = state.runner.notifications.with(|notifications| {
            notifications
                .iter()
                .skip(this_run_start(notifications))
                .cloned()
                .collect()
        });
        let mut incidents = responses.with(|responses| incidents(&this_run, responses));
        let timeout_s = state
            .editor
            .with(|editor| escalation_timeout_s(editor.document()));
        escalate(&mut incidents, timeout_s, now_s.get());
        moments.with(|moments| timeline(moments, &this_run, &incidents))
    });
    // Once a second of simulated time is plenty for the numbers (and keeps the text readable).
    let second = visible_second(visible);
    let findings = Memo::new(move |_| {
        if second.get() < 0 {
            return None;
        }
        let snapshot = state.runner.snapshot.with_untracked(Clone::clone)?;
        let series = |node: &str| {
            state
                .runner
                .with_simulation(|simulation| simulation.series(node))
                .unwrap_or_default()
        };
        let growth = queue_growth(&snapshot, &series);
        let bottleneck = state
            .editor
            .with_untracked(|editor| find_bottleneck(&snapshot, editor.document(), &growth));
        Some((
            snapshot.time_s,
            snapshot.totals.clone(),
            failures_by_cause(&snapshot.totals),
            bottleneck,
        ))
    });
    let summary_text = move || {
        findings.with(|findings| match findings {
            None => "The design cannot run yet, so there is nothing to report.".to_owned(),
            Some((now, totals, _, bottleneck)) => entries.with(|entries| {
                state.editor.with_untracked(|editor| {
                    summary(
                        entries,
                        totals,
                        bottleneck.as_ref(),
                        *now,
                        editor.document(),
                    )
                })
            }),
        })
    };
    let timeline_view = move || {
        entries.with(|entries| {
            if entries.is_empty() {
                return view! { <p class="panel__hint">"Nothing has happened yet. Kill a node or schedule a fault to see the timeline."</p> }.into_any();
            }
            let items = entries
                .iter()
                .map(|entry| {
                    view! {
                        <li class=mark_class(entry.mark)>
                            <time class="report__time">{clock_with_tenths(entry.time_s)}</time>
                            <span class="report__icon" aria-hidden="true">{entry.mark.icon()}</span>
                            <span class="report__text">{entry.text.clone()}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="report__timeline" aria-label="Incident timeline">{items}</ol> }.into_any()
        })
    };
    let causes_view = move || {
        findings.with(|findings| {
            let rows = findings.as_ref().map(|(_, _, rows, _)| rows.clone()).unwrap_or_default();
            if rows.is_empty() {
                return view! { <p class="panel__hint">"No request has failed."</p> }.into_any();
            }
            let items = rows
                .into_iter()
                .map(|row| {
                    view! {
                        <li class="report__cause">
                            <span class="report__cause-name">{row.cause}</span>
                            <span class="report__cause-count">{row.count.to_string()}</span>
                            <span class="report__cause-share">{format!("{:.1} % of requests", row.share * 100.0)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="report__causes" aria-label="Failures by cause">{items}</ul> }.into_any()
        })
    };
    // Where only some request types failed (writes during a promotion), say so per type.
    let split_view = move || {
        let _ = second.get();
        let split = state
            .runner
            .snapshot
            .with_untracked(|snapshot| snapshot.as_ref().map(split_failures))
            .unwrap_or_default();
        (!split.is_empty()).then(|| {
            let items = split
                .into_iter()
                .map(|(node, shares)| {
                    let parts = shares
                        .iter()
                        .map(|share| {
                            format!(
                                "{}: {} of {} failed ({:.1} %)",
                                share.label,
                                share.failed,
                                share.responses,
                                share.failed as f64 / share.responses as f64 * 100.0
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" · ");
                    view! { <li><strong>{node}</strong>" — "{parts}</li> }
                })
                .collect_view();
            view! {
                <h3 class="report__heading">"Only some requests failed"</h3>
                <ul class="report__causes" aria-label="Failures by request type">{items}</ul>
            }
        })
    };
    let bottleneck_view = move || {
        findings.with(|findings| match findings.as_ref().and_then(|(_, _, _, b)| b.clone()) {
            Some(bottleneck) => view! {
                <p class="report__bottleneck">
                    <strong>{bottleneck_heading(&bottleneck)}</strong>
                    " — "
                    <span>{bottleneck.evidence}</span>
                </p>
            }
            .into_any(),
            None => view! {
                <p class="panel__hint">{format!("No resource is above {:.0} % of its limit: nothing limits throughput now.", SATURATED * 100.0)}</p>
            }
            .into_any(),
        })
    };
    view! {
        <div class="report">
            <p class="report__summary" aria-label="Run summary">{summary_text}</p>
            <ReleasesReport visible=visible />
            <div class="report__columns">
                <section class="report__column" aria-label="Timeline">
                    <h3 class="report__heading">"Incident timeline"</h3>
                    {timeline_view}
                </section>
                <section class="report__column" aria-label="Findings">
                    <h3 class="report__heading">"Bottleneck"</h3>
                    <div aria-label="Bottleneck finder" role="group">{bottleneck_view}</div>
                    <h3 class="report__heading">"Failures by cause"</h3>
                    {causes_view}
                    {split_view}
                </section>
                <section class="report__column" aria-label="Scheduled faults">
                    <h3 class="report__heading">"Scheduled faults"</h3>
                    <FaultSchedule visible=visible />
                </section>
            </div>
        </div>
    }
}

/// The design's scheduled faults on a time axis with the current time, and the form to add one.
#[component]
fn FaultSchedule(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let faults = Memo::new(move |_| state.editor.with(|editor| editor.document().faults.clone()));
    let now = Memo::new(move |_| {
        if !visible.get() {
            return 0.0;
        }
        state.runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map_or(0.0, |snapshot| snapshot.time_s.floor())
        })
    });
    let span = move || faults.with(|faults| schedule::axis_span(faults, now.get()));
    let axis = move || {
        let span = span();
        let bars = faults.with(|faults| {
            faults
                .iter()
                .map(|fault| {
                    let (left, width) = schedule::bar(fault, span);
                    let label = fault.fault.to_string();
                    let title = format!("{label} at {}", clock(fault.at_s));
                    view! {
                        <div
                            class="report__fault-bar"
                            style=format!("left:{left:.2}%;width:{width:.2}%")
                            title=title
                        >
                            <span class="report__fault-label">{label}</span>
                        </div>
                    }
                })
                .collect_view()
        });
        let marker = now.get() / span * 100.0;
        view! {
            <div class="report__axis" role="img" aria-label=format!("Fault schedule over {}; now at {}", clock(span), clock(now.get()))>
                {bars}
                <div class="report__now" style=format!("left:{marker:.2}%")></div>
            </div>
            <div class="report__axis-ticks" aria-hidden="true">
                <span>"00:00"</span>
                <span>{clock(span / 2.0)}</span>
                <span>{clock(span)}</span>
            </div>
        }
    };
    let list = move || {
        faults.with(|faults| {
            if faults.is_empty() {
                return view! { <p class="panel__hint">"No faults scheduled."</p> }.into_any();
            }
            let items = faults
                .iter()
                .enumerate()
                .map(|(index, fault)| {
                    let label = fault.fault.to_string();
                    let when = schedule::when(fault);
                    let remove = move |_| {
                        // The list re-renders on this very edit, so a disposed signal must not panic.
                        if state.editor.try_get_untracked().is_some() {
                            let _ = state.execute(&Command::RemoveFault { index });
                        }
                    };
                    view! {
                        <li class="report__fault">
                            <span>{format!("{label} {when}")}</span>
                            <button
                                class="button button--small"
                                type="button"
                                aria-label=format!("Remove fault: {label} {when}")
                                on:click=remove
                            >
                                "Remove"
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="report__faults" aria-label="Scheduled fault list">{items}</ol> }
                .into_any()
        })
    };
    view! {
        <div class="report__schedule">
            {axis}
            {list}
            <FaultForm />
        </div>
    }
}

/// The form that schedules a fault.
#[component]
fn FaultForm() -> impl IntoView {
    let state = AppState::get();
    let draft = RwSignal::new(FaultDraft::new());
    let problems = RwSignal::new(FaultProblems::default());
    let targets = Memo::new(move |_| {
        draft.with(|draft| state.editor.with(|editor| draft.targets(editor.document())))
    });
    // Keep the chosen target one the list offers.
    Effect::new(move |_| {
        targets.with(|targets| {
            let target = draft.with_untracked(|draft| draft.target.clone());
            if !targets.iter().any(|(value, _)| *value == target) {
                let first = targets
                    .first()
                    .map(|(value, _)| value.clone())
                    .unwrap_or_default();
                draft.update(|draft| draft.target = first);
            }
        });
    });
    let set = move |field: fn(&mut FaultDraft, String)| {
        move |event: web_sys::Event| {
            let value = event_target_value(&event);
            draft.try_update(|draft| field(draft, value));
        }
    };
    // The running model follows the schedule at once; a time it has already passed waits for Reset.
    let passed = Memo::new(move |_| {
        let at = draft.with(FaultDraft::at_s)?;
        let now = state
            .runner
            .snapshot
            .with(|snapshot| snapshot.as_ref().map_or(0.0, |snapshot| snapshot.time_s));
        (at < now).then_some(at)
    });
    let hint = move || {
        match passed.get() {
        Some(at) => format!(
            "The run is past {}: a fault scheduled then happens from the next Reset. For a fault now, use the chaos controls of the node or link.",
            clock(at)
        ),
        None => "Scheduled faults are part of the design; the running model picks up the schedule at once.".to_owned(),
    }
    };
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(current) = draft.try_get_untracked() else {
            return;
        };
        let Some(checked) = state
            .editor
            .try_with_untracked(|editor| current.check(editor.document()))
        else {
            return;
        };
        match checked {
            Ok(fault) => {
                if state.execute(&Command::AddFault(fault)).is_ok() {
                    problems.try_set(FaultProblems::default());
                }
            }
            Err(found) => {
                problems.try_set(found);
            }
        }
    };
    let form: FormDraft<FaultDraft, FaultProblems> = FormDraft {
        draft,
        problems: problems.into(),
    };
    let invalid = move |read: fn(&FaultProblems) -> Option<String>| {
        move || problems.with(read).is_some().to_string()
    };
    let kinds = FAULT_KINDS
        .iter()
        .map(|(code, label)| view! { <option value=*code>{*label}</option> })
        .collect_view();
    let target_options = move || {
        let chosen = draft.with(|draft| draft.target.clone());
        targets.with(|targets| {
            targets
                .iter()
                .map(|(value, label)| {
                    view! { <option value=value.clone() selected=*value == chosen>{label.clone()}</option> }
                })
                .collect_view()
        })
    };
    let other_options = move || {
        let chosen = draft.with(|draft| draft.other.clone());
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .map(|node| {
                    let id = node.id.clone();
                    view! { <option value=id.clone() selected=id == chosen>{id.clone()}</option> }
                })
                .collect_view()
        })
    };
    let is_partition = move || draft.with(FaultDraft::is_partition);
    let needs_factor = move || draft.with(FaultDraft::needs_factor);
    view! {
        <form class="report__form" aria-label="Schedule a fault" on:submit=submit novalidate=true>
            <LabelledField look=FormLook::Report label="Fault">
                <select
                    on:change=set(|draft, value| draft.kind = value)
                    prop:value=move || draft.with(|draft| draft.kind.clone())
                >
                    {kinds}
                </select>
            </LabelledField>
            <LabelledField
                look=FormLook::Report
                label=Signal::derive(move || if draft.with(FaultDraft::targets_a_zone) { "Zone" } else { "Node" }.to_owned())
                problem=form.problem(|p| p.target.clone(), "fault-target-problem")
            >
                <select
                    on:change=set(|draft, value| draft.target = value)
                    aria-invalid=invalid(|p| p.target.clone())
                    aria-describedby="fault-target-problem"
                >
                    {target_options}
                </select>
            </LabelledField>
            <Show when=is_partition>
                <LabelledField
                    look=FormLook::Report
                    label="and node"
                    problem=form.problem(|p| p.other.clone(), "fault-other-problem")
                >
                    <select
                        on:change=set(|draft, value| draft.other = value)
                        aria-invalid=invalid(|p| p.other.clone())
                        aria-describedby="fault-other-problem"
                    >
                        <option value="">"choose…"</option>
                        {other_options}
                    </select>
                </LabelledField>
            </Show>
            <TextField
                look=FormLook::Report
                width=FieldWidth::Narrow
                label="At (s)"
                decimal=true
                value=form.text(|draft| draft.at.clone())
                problem=form.problem(|p| p.at.clone(), "fault-at-problem")
                on_input=form.writer(|draft, value| draft.at = value)
            />
            <TextField
                look=FormLook::Report
                width=FieldWidth::Narrow
                label="For (s, optional)"
                decimal=true
                value=form.text(|draft| draft.duration.clone())
                problem=form.problem(|p| p.duration.clone(), "fault-duration-problem")
                on_input=form.writer(|draft, value| draft.duration = value)
            />
            <Show when=needs_factor>
                <TextField
                    look=FormLook::Report
                    width=FieldWidth::Narrow
                    label="Factor (×)"
                    decimal=true
                    value=form.text(|draft| draft.factor.clone())
                    problem=form.problem(|p| p.factor.clone(), "fault-factor-problem")
                    on_input=form.writer(|draft, value| draft.factor = value)
                />
            </Show>
            <button class="button" type="submit">"Schedule fault"</button>
            <p class="report__hint">{hint}</p>
        </form>
    }
}
