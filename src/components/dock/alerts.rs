//! The alerts tab: the live state of every rule, the rule editor, and where the notifications land —
//! a simulated Slack `#alerts` channel, an email inbox and a PagerDuty-style incident list with
//! Acknowledge, Resolve, MTTA and MTTR.
//!
//! A view only: the words come from `observe::alerts`, the incidents and their mean times from
//! `observe::incidents`, the rule form's draft and check from `editor::rule_form`. Rules are part of
//! the document, so the editor changes them only through [`Command`]s; what the responder did
//! (acknowledge, resolve) is recorded in the run's file and read back through the dock's context.

use engine::design::{AlertMetric, AlertRule, Channel, Comparison, RuleKind, Severity};
use engine::{AlertState, NodeKind, Notification, RunAction};
use leptos::prelude::*;

use super::IncidentResponses;
use crate::components::field::{FieldWidth, FormDraft, FormLook, LabelledField, TextField};
use crate::editor::Command;
use crate::editor::rule_form::{
    RuleDraft, RuleProblems, add_monitoring_node, watched_node_choices,
};
use crate::observe::alerts::{
    announcement, describe_route, describe_rule, email_subject, firing_word, is_generic,
    live_value, measured, sender, state_words, status_of,
};
use crate::observe::clock;
use crate::observe::incidents::{
    IncidentStatus, escalate, escalation_timeout_s, escalation_words, incident_summary, incidents,
};
use crate::state::AppState;

/// Notifications shown per channel; older ones stay counted but off screen.
const SHOWN_NOTIFICATIONS: usize = 60;

/// Says each firing and resolved alert through the aria-live region, whichever tab is open.
pub(super) fn announce_alerts() {
    let state = AppState::get();
    Effect::new(move |previous: Option<Option<(u64, String, bool)>>| {
        let latest = state.runner.notifications.with(|notifications| {
            notifications.back().map(|notification| {
                (
                    (notification.time_s * 1000.0) as u64,
                    notification.rule.clone(),
                    notification.state == AlertState::Firing,
                )
            })
        });
        if previous.is_some()
            && previous.as_ref() != Some(&latest)
            && let Some(text) = state
                .runner
                .notifications
                .with_untracked(|notifications| notifications.back().map(announcement))
        {
            state.announcement.set(text);
        }
        latest
    });
}

/// The class of a rule's live state.
fn state_class(state: Option<AlertState>) -> &'static str {
    match state {
        None => "alerts__state alerts__state--off",
        Some(AlertState::Inactive) => "alerts__state alerts__state--inactive",
        Some(AlertState::Pending) => "alerts__state alerts__state--pending",
        Some(AlertState::Firing) => "alerts__state alerts__state--firing",
        Some(AlertState::Resolved) => "alerts__state alerts__state--resolved",
    }
}

/// The alerts tab's content.
#[component]
pub(super) fn AlertsPanel(visible: Signal<bool>) -> impl IntoView {
    view! {
        <div class="alerts">
            <section class="alerts__column alerts__column--rules" aria-label="Alert rules">
                <RuleList visible=visible />
            </section>
            <section class="alerts__column" aria-label="Slack #alerts channel">
                <h3 class="alerts__heading">"Slack " <span class="alerts__channel-name">"#alerts"</span></h3>
                <ChannelFeed channel=Channel::Slack />
            </section>
            <section class="alerts__column" aria-label="Email inbox">
                <h3 class="alerts__heading">"Email"</h3>
                <ChannelFeed channel=Channel::Email />
            </section>
            <section class="alerts__column" aria-label="PagerDuty incidents">
                <h3 class="alerts__heading">"PagerDuty incidents"</h3>
                <IncidentList />
            </section>
        </div>
    }
}

/// Which rule the editor is open on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Editing {
    Rule(usize),
    New,
}

/// Every rule with its live state, and the editor when one is open.
#[component]
fn RuleList(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let editing = RwSignal::new(None::<Editing>);
    let rules = Memo::new(move |_| {
        state
            .editor
            .with(|editor| editor.document().alert_rules.clone())
    });
    let has_monitoring = Memo::new(move |_| {
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .any(|node| node.kind() == NodeKind::Monitoring)
        })
    });
    // The live statuses, read only while the tab is open: the snapshot changes every frame.
    let statuses = Memo::new(move |_| {
        if !visible.get() {
            return Vec::new();
        }
        rules.with(|rules| {
            state.runner.snapshot.with(|snapshot| {
                rules
                    .iter()
                    .enumerate()
                    .map(|(index, rule)| {
                        snapshot
                            .as_ref()
                            .and_then(|snapshot| status_of(&snapshot.alerts, index, rule))
                            .cloned()
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let add_defaults = move |_| {
        for rule in AlertRule::defaults() {
            if state.execute(&Command::AddAlertRule(rule)).is_err() {
                break;
            }
        }
    };
    let add_monitoring = move |_| {
        let command = state
            .editor
            .with_untracked(|editor| add_monitoring_node(editor.document()));
        let _ = state.execute(&command);
    };

    let row = move |(index, rule): (usize, AlertRule)| {
        let status = move || statuses.with(|statuses| statuses.get(index).cloned().flatten());
        let metric = rule.metric;
        let live = {
            move || {
                let state = status().map(|status| status.state);
                let (icon, text) = state_words(state);
                let class = state_class(state);
                view! {
                    <span class=class>
                        <span class="alerts__state-icon" aria-hidden="true">{icon}</span>
                        {text}
                    </span>
                }
            }
        };
        let value = move || {
            status()
                .and_then(|status| live_value(metric, &status))
                .unwrap_or_default()
        };
        let remove_name = rule.name.clone();
        view! {
            <li class="alerts__rule">
                {live}
                <span class="alerts__rule-text">
                    <strong class="alerts__rule-name">{rule.name.clone()}</strong>
                    <span class="alerts__rule-condition">{describe_rule(&rule)}</span>
                    <span class="alerts__rule-route">
                        {describe_route(&rule)}
                    </span>
                    <span class="alerts__rule-value">{value}</span>
                </span>
                <span class="alerts__rule-actions">
                    <button
                        class="button"
                        type="button"
                        aria-label=format!("Edit rule {}", rule.name)
                        on:click=move |_| editing.set(Some(Editing::Rule(index)))
                    >
                        "Edit"
                    </button>
                    <button
                        class="button"
                        type="button"
                        aria-label=format!("Remove rule {remove_name}")
                        on:click=move |_| {
                            if state.execute(&Command::RemoveAlertRule { index }).is_ok() {
                                editing.set(None);
                            }
                        }
                    >
                        "Remove"
                    </button>
                </span>
            </li>
        }
    };

    view! {
        <div class="alerts__rules-header">
            <h3 class="alerts__heading">"Rules"</h3>
            <button class="button" type="button" on:click=move |_| editing.set(Some(Editing::New))>
                "Add rule"
            </button>
            <Show when=move || rules.with(Vec::is_empty)>
                <button class="button" type="button" on:click=add_defaults>
                    "Add the default rules"
                </button>
            </Show>
        </div>
        <Show when=move || !has_monitoring.get() && !rules.with(Vec::is_empty)>
            <p class="alerts__notice" role="note">
                "No monitoring node: nothing evaluates these rules. "
                <button class="button" type="button" on:click=add_monitoring>
                    "Add a monitoring node"
                </button>
            </p>
        </Show>
        {move || {
            editing.get().map(|target| view! { <RuleEditor target=target editing=editing /> })
        }}
        <Show
            when=move || !rules.with(Vec::is_empty)
            fallback=|| {
                view! {
                    <p class="panel__hint">
                        "No rules yet. The defaults watch every node: error rate > 20 % for 10 s (PagerDuty), CPU > 80 % for 30 s (Slack), p95 response time > 5 s for 15 s (email)."
                    </p>
                }
            }
        >
            <ul class="alerts__rules" aria-label="Alert rules and their states">
                {move || rules.get().into_iter().enumerate().map(row).collect_view()}
            </ul>
        </Show>
    }
}

/// The form for one rule: every field of an [`AlertRule`], checked as it is typed.
#[component]
fn RuleEditor(target: Editing, editing: RwSignal<Option<Editing>>) -> impl IntoView {
    let state = AppState::get();
    let initial = state.editor.with_untracked(|editor| match target {
        Editing::Rule(index) => editor.document().alert_rules.get(index).map(RuleDraft::of),
        Editing::New => Some(RuleDraft::new_rule()),
    });
    let Some(initial) = initial else {
        return view! { <p class="panel__hint">"This rule no longer exists."</p> }.into_any();
    };
    let title = match target {
        Editing::Rule(_) => format!("Edit rule “{}”", initial.name),
        Editing::New => "New rule".to_owned(),
    };
    let draft = RwSignal::new(initial);
    let problems = Memo::new(move |_| draft.with(|draft| draft.check().err().unwrap_or_default()));
    let refusal = RwSignal::new(None::<String>);
    let nodes = Memo::new(move |_| {
        state
            .editor
            .with(|editor| watched_node_choices(editor.document()))
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(rule) = draft.with_untracked(RuleDraft::check) else {
            refusal.set(Some("Fix the fields marked in red first.".to_owned()));
            return;
        };
        let command = match target {
            Editing::Rule(index) => Command::SetAlertRule { index, rule },
            Editing::New => Command::AddAlertRule(rule),
        };
        match state.execute(&command) {
            Ok(_) => {
                refusal.set(None);
                editing.set(None);
            }
            Err(error) => refusal.set(Some(error.to_string())),
        }
    };
    let form_label = title.clone();
    let form: FormDraft<RuleDraft, RuleProblems> = FormDraft {
        draft,
        problems: problems.into(),
    };

    view! {
        <form class="alerts__editor" aria-label=form_label on:submit=save novalidate>
            <h4 class="alerts__editor-title">{title}</h4>
            <div class="alerts__fields">
                <TextField
                    look=FormLook::Alerts
                    width=FieldWidth::Wide
                    label="Name"
                    value=form.text(|draft| draft.name.clone())
                    problem=form.problem(|problems| problems.name.clone(), "alert-rule-name-error")
                    on_input=form.writer(|draft, value| draft.name = value)
                />
                <ChoiceField
                    label="Metric"
                    choices=&AlertMetric::ALL
                    code=AlertMetric::as_str
                    text=AlertMetric::label
                    value=Signal::derive(move || draft.with(|draft| draft.metric))
                    on_change=Callback::new(move |metric| draft.update(|draft| draft.metric = metric))
                />
                <LabelledField look=FormLook::Alerts label="Node or group">
                    <select
                        class="input"
                        prop:value=move || draft.with(|draft| draft.node.clone())
                        on:change=move |event| {
                            let node = event_target_value(&event);
                            draft.update(|draft| draft.node = node);
                        }
                    >
                        <option value="">"Every node (worst value)"</option>
                        {move || {
                            nodes
                                .get()
                                .into_iter()
                                .map(|(id, label)| view! { <option value=id>{label}</option> })
                                .collect_view()
                        }}
                    </select>
                </LabelledField>
                <ChoiceField
                    label="Kind"
                    choices=&RuleKind::ALL
                    code=RuleKind::as_str
                    text=RuleKind::label
                    value=Signal::derive(move || draft.with(|draft| draft.kind))
                    on_change=Callback::new(move |kind| draft.update(|draft| draft.kind = kind))
                />
                <ChoiceField
                    label="Comparison"
                    narrow=true
                    choices=&Comparison::ALL
                    code=Comparison::as_str
                    text=Comparison::label
                    value=Signal::derive(move || draft.with(|draft| draft.comparison))
                    on_change=Callback::new(move |comparison| draft.update(|draft| draft.comparison = comparison))
                />
                <TextField
                    look=FormLook::Alerts
                    width=FieldWidth::Narrow
                    label=Signal::derive(move || format!("Threshold ({})", draft.with(RuleDraft::unit)))
                    decimal=true
                    value=form.text(|draft| draft.threshold.clone())
                    problem=form.problem(|problems| problems.threshold.clone(), "alert-rule-threshold-error")
                    on_input=form.writer(|draft, value| draft.threshold = value)
                />
                <TextField
                    look=FormLook::Alerts
                    width=FieldWidth::Narrow
                    label="For (s)"
                    decimal=true
                    value=form.text(|draft| draft.for_s.clone())
                    problem=form.problem(|problems| problems.for_s.clone(), "alert-rule-for-error")
                    on_input=form.writer(|draft, value| draft.for_s = value)
                />
                <ChoiceField
                    label="Severity"
                    narrow=true
                    choices=&Severity::ALL
                    code=Severity::as_str
                    text=Severity::label
                    value=Signal::derive(move || draft.with(|draft| draft.severity))
                    on_change=Callback::new(move |severity| draft.update(|draft| draft.severity = severity))
                />
                <ChoiceField
                    label="Channel"
                    choices=&Channel::ALL
                    code=Channel::as_str
                    text=Channel::label
                    value=Signal::derive(move || draft.with(|draft| draft.channel))
                    on_change=Callback::new(move |channel| draft.update(|draft| draft.channel = channel))
                />
                <TextField
                    look=FormLook::Alerts
                    width=FieldWidth::Wide
                    label="Message"
                    value=form.text(|draft| draft.message.clone())
                    problem=form.problem(|problems| problems.message.clone(), "alert-rule-message-error")
                    on_input=form.writer(|draft, value| draft.message = value)
                />
            </div>
            <Show when=move || draft.with(|draft| is_generic(&draft.message))>
                <p class="alerts__hint">
                    "A generic message makes the on-call person dig; say what broke, like “Payment failed”."
                </p>
            </Show>
            <div class="alerts__editor-actions">
                <button class="button button--primary" type="submit">"Save rule"</button>
                <button class="button" type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                <span class="field-error" role="alert">{move || refusal.get()}</span>
            </div>
        </form>
    }
    .into_any()
}

/// A choice from a fixed table: each value has a stable code (the `<option>` value) and words.
#[component]
fn ChoiceField<T>(
    label: &'static str,
    #[prop(optional)] narrow: bool,
    choices: &'static [T],
    code: fn(T) -> &'static str,
    text: fn(T) -> &'static str,
    value: Signal<T>,
    on_change: Callback<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let width = if narrow {
        FieldWidth::Narrow
    } else {
        FieldWidth::Normal
    };
    view! {
        <LabelledField look=FormLook::Alerts width=width label=label>
            <select
                class="input"
                prop:value=move || code(value.get())
                on:change=move |event| {
                    let chosen = event_target_value(&event);
                    if let Some(&choice) = choices.iter().find(|&&choice| code(choice) == chosen) {
                        on_change.run(choice);
                    }
                }
            >
                {choices.iter().map(|&choice| view! { <option value=code(choice)>{text(choice)}</option> }).collect_view()}
            </select>
        </LabelledField>
    }
}

/// The notifications one channel received: Slack messages or emails.
#[component]
fn ChannelFeed(channel: Channel) -> impl IntoView {
    let state = AppState::get();
    let messages = Memo::new(move |_| {
        state.runner.notifications.with(|notifications| {
            let mut mine: Vec<(usize, Notification)> = notifications
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, notification)| notification.channel == channel)
                .take(SHOWN_NOTIFICATIONS)
                .map(|(index, notification)| (index, notification.clone()))
                .collect();
            mine.reverse();
            mine
        })
    });
    let empty_text = match channel {
        Channel::Slack => "No messages in #alerts yet.",
        Channel::Email => "No email yet.",
        Channel::Pagerduty => "",
    };
    let list_class = match channel {
        Channel::Slack => "alerts__feed alerts__feed--slack",
        _ => "alerts__feed alerts__feed--email",
    };
    view! {
        <Show when=move || !messages.with(Vec::is_empty) fallback=move || view! { <p class="panel__hint">{empty_text}</p> }>
            <ol class=list_class>
                {move || {
                    messages
                        .get()
                        .into_iter()
                        .rev()
                        .map(|(_, notification)| {
                            if channel == Channel::Email {
                                view! { <EmailItem notification=notification /> }.into_any()
                            } else {
                                view! { <SlackMessage notification=notification /> }.into_any()
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </Show>
    }
}

fn tag_class(notification: &Notification) -> &'static str {
    if notification.state == AlertState::Firing {
        "alerts__tag alerts__tag--firing"
    } else {
        "alerts__tag alerts__tag--resolved"
    }
}

/// The kind of node a notification came from, if it is still in the design.
fn sender_kind(notification: &Notification) -> Option<NodeKind> {
    let state = AppState::get();
    state.editor.with_untracked(|editor| {
        editor
            .document()
            .node(&notification.node)
            .map(engine::Node::kind)
    })
}

#[component]
fn SlackMessage(notification: Notification) -> impl IntoView {
    let from = sender_kind(&notification);
    let from_pipeline = from == Some(NodeKind::Pipeline);
    // A pipeline's message reports a failed stage, not an alert rule's state.
    let tag = if from_pipeline {
        "FAILED"
    } else {
        firing_word(&notification)
    };
    let tag_class = tag_class(&notification);
    let sender = sender(from);
    let avatar = sender.chars().next().map(String::from).unwrap_or_default();
    let generic = notification.state == AlertState::Firing
        && !from_pipeline
        && is_generic(&notification.message);
    view! {
        <li class="alerts__message">
            <span class="alerts__avatar" aria-hidden="true">{avatar}</span>
            <div class="alerts__message-body">
                <div class="alerts__message-meta">
                    <strong>{sender}</strong>
                    <span class="alerts__app-badge">"APP"</span>
                    <time class="alerts__time">{clock(notification.time_s)}</time>
                </div>
                <div>
                    <span class=tag_class>{tag}</span>
                    " "
                    <strong>{notification.rule.clone()}</strong>
                    <span class="alerts__muted">{format!(" · {} · {}", notification.node, notification.severity.label())}</span>
                </div>
                <div class="alerts__message-text">{notification.message.clone()}</div>
                {(!from_pipeline).then(|| view! { <div class="alerts__muted">{measured(&notification)}</div> })}
                {notification.repeat.then(|| view! { <div class="alerts__muted">"Sent again: still firing after repeat_interval"</div> })}
                {generic.then(|| view! { <div class="alerts__hint">"Generic message: it does not say what broke."</div> })}
            </div>
        </li>
    }
}

#[component]
fn EmailItem(notification: Notification) -> impl IntoView {
    let (tag, tag_class) = (firing_word(&notification), tag_class(&notification));
    let subject = email_subject(&notification);
    view! {
        <li class="alerts__email">
            <div class="alerts__message-meta">
                <span class=tag_class>{tag}</span>
                <span class="alerts__muted">"alerts@monitoring"</span>
                <time class="alerts__time">{clock(notification.time_s)}</time>
            </div>
            <div class="alerts__email-subject">{subject}</div>
            <div class="alerts__muted">{notification.message.clone()}</div>
            <div class="alerts__muted">{measured(&notification)}</div>
        </li>
    }
}

/// PagerDuty-style incidents with Acknowledge and Resolve, and the mean times to each.
#[component]
fn IncidentList() -> impl IntoView {
    let state = AppState::get();
    // The report's timeline reads the same responses, so they live in the dock's context.
    let responses = expect_context::<IncidentResponses>().0;
    // Escalations move with the clock; whole seconds are plenty.
    let now_s = Memo::new(move |_| {
        state.runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map_or(0.0, |snapshot| snapshot.time_s.floor())
        })
    });
    let timeout_s = Memo::new(move |_| {
        state
            .editor
            .with(|editor| escalation_timeout_s(editor.document()))
    });
    let all = Memo::new(move |_| {
        let mut all = state
            .runner
            .notifications
            .with(|notifications| responses.with(|responses| incidents(notifications, responses)));
        escalate(&mut all, timeout_s.get(), now_s.get());
        all
    });
    // The responder's actions are recorded in the run's file, at the live instant (from a past
    // instant, the run forks there first).
    let on_acknowledge = move |incident: u32| {
        state.runner.note(RunAction::Acknowledge { incident });
    };
    let on_resolve = move |incident: u32| {
        state.runner.note(RunAction::Resolve { incident });
    };
    let summary = move || all.with(|incidents| incident_summary(incidents));
    view! {
        <p class="alerts__summary">{summary}</p>
        <Show
            when=move || !all.with(Vec::is_empty)
            fallback=|| view! { <p class="panel__hint">"No incidents. A firing alert routed to PagerDuty opens one."</p> }
        >
            <ol class="alerts__incidents">
                {move || {
                    all.get()
                        .into_iter()
                        .rev()
                        .take(SHOWN_NOTIFICATIONS)
                        .map(|incident| {
                            let status = incident.status();
                            let class = match status {
                                IncidentStatus::Resolved => "alerts__incident alerts__incident--resolved",
                                IncidentStatus::Acknowledged => "alerts__incident alerts__incident--acknowledged",
                                IncidentStatus::Triggered => "alerts__incident alerts__incident--triggered",
                            };
                            let times = incident.times();
                            let number = incident.number as u32;
                            let can_acknowledge = incident.can_acknowledge();
                            let can_resolve = incident.can_resolve();
                            let drill_page = state
                                .runner
                                .drill
                                .with(|d| d.as_ref().is_some_and(|d| d.alert == incident.rule));
                            view! {
                                <li class=class>
                                    <div class="alerts__message-meta">
                                        <strong>{format!("#{} {}", incident.number, status.label())}</strong>
                                        <span class="alerts__muted">{format!("{} · {} · level {}", incident.severity.label(), incident.node, incident.level())}</span>
                                    </div>
                                    <div><strong>{incident.rule.clone()}</strong> " — " {incident.message.clone()}</div>
                                    <div class="alerts__muted">{times}</div>
                                    {escalation_words(&incident).map(|words| view! { <div class="alerts__escalation">{words}</div> })}
                                    <div class="alerts__incident-actions">
                                        <button
                                            class="button"
                                            type="button"
                                            disabled=!can_acknowledge
                                            aria-label=format!("Acknowledge incident {}", incident.number)
                                            on:click=move |_| on_acknowledge(number)
                                        >
                                            "Acknowledge"
                                        </button>
                                        <button
                                            class="button"
                                            type="button"
                                            disabled=!can_resolve
                                            aria-label=format!("Resolve incident {}", incident.number)
                                            on:click=move |_| on_resolve(number)
                                        >
                                            "Resolve"
                                        </button>
                                        {drill_page.then(|| view! {
                                            <button
                                                class="button button--primary"
                                                type="button"
                                                aria-label=format!("Open the incident page of incident {}", incident.number)
                                                on:click=move |_| super::open_incident_tab()
                                            >
                                                "Open incident page"
                                            </button>
                                        })}
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </Show>
    }
}
