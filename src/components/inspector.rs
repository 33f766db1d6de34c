//! The inspector: the selected node's name and parameters (with units; a bad value is refused with the
//! message beside the field and never reaches the document), its live numbers, and the chaos controls
//! that break it on purpose; or the selected link's latency and loss; or, with nothing selected, the design.

use engine::design::Fault;
use engine::{LiveCommand, NodeKind};
use leptos::prelude::*;

use super::backends::Backends;
use super::field::{FieldProblem, FieldWidth, FormLook, LabelledField};
use super::release_panel::ReleasePanel;
use super::{LazyPlace, lazy_once, lazy_view};
use crate::editor::command::LinkId;
use crate::editor::fields::{
    FieldInput, ParamField, Section, flavour_note, option_label, param_fields,
};
use crate::editor::{Command, ParamValue, Point, pattern};
use crate::state::AppState;

/// The panel on the right.
#[component]
pub fn Inspector() -> impl IntoView {
    let state = AppState::get();
    // Memos, so the panel is rebuilt only when what is selected really changes (not on every selection
    // update, which would throw away a field being edited).
    let selected_node = Memo::new(move |_| {
        state
            .view
            .selection
            .with(|selection| selection.single_node().map(str::to_string))
    });
    let selected_link = Memo::new(move |_| {
        state.view.selection.with(|selection| {
            (selection.nodes.is_empty() && selection.links.len() == 1)
                .then(|| selection.links.iter().next().cloned())
                .flatten()
        })
    });
    let selected_count = Memo::new(move |_| {
        state
            .view
            .selection
            .with(|selection| selection.nodes.len() + selection.links.len())
    });
    let open = move || selected_count.get() != 0;
    view! {
        <aside class="inspector" class:inspector--open=open aria-label="Inspector">
            // On small screens the inspector is a sheet over the canvas while something is selected.
            <button
                class="button inspector__done toolbar__compact-only"
                type="button"
                on:click=move |_| state.view.selection.set(crate::editor::Selection::default())
            >
                "Done"
            </button>
            {move || {
                if let Some(id) = selected_node.get() {
                    view! { <NodeInspector id=id /> }.into_any()
                } else if let Some(link) = selected_link.get() {
                    view! { <LinkInspector link=link /> }.into_any()
                } else if selected_count.get() > 1 {
                    let count = selected_count.get();
                    view! {
                        <h2 class="panel__title">"Inspector"</h2>
                        <p class="panel__hint">{format!("{count} items selected. Delete removes them; Ctrl+D duplicates the nodes.")}</p>
                    }
                        .into_any()
                } else {
                    view! { <DesignInspector /> }.into_any()
                }
            }}
        </aside>
    }
}

/// With nothing selected: the design's name and a short how-to.
#[component]
fn DesignInspector() -> impl IntoView {
    let state = AppState::get();
    let name = move || state.editor.with(|editor| editor.document().name.clone());
    let counts = move || {
        state
            .editor
            .with(|editor| (editor.document().nodes.len(), editor.document().links.len()))
    };
    view! {
        <h2 class="panel__title">"Design"</h2>
        <LabelledField look=FormLook::Inspector label="Name">
            <input
                class="input"
                aria-label="Design name"
                prop:value=name
                on:change=move |event| {
                    let _ = state.execute(&Command::SetDesignName(event_target_value(&event)));
                }
            />
        </LabelledField>
        <p class="panel__hint">{move || { let (nodes, links) = counts(); format!("{nodes} nodes, {links} links.") }}</p>
        <p class="panel__hint">
            "Select a component to see and change its parameters. Drag from a node's right-hand port to another node to connect them. Press ? for every shortcut."
        </p>
    }
}

/// One node's name, zone, parameters, live numbers and chaos controls.
#[component]
fn NodeInspector(id: String) -> impl IntoView {
    let state = AppState::get();
    let id = StoredValue::new(id);
    let node = move || {
        id.with_value(|id| {
            state
                .editor
                .with(|editor| editor.document().node(id).cloned())
        })
    };
    let Some(initial) = node() else {
        return view! { <p class="panel__hint">"This node no longer exists."</p> }.into_any();
    };
    let kind = initial.kind();
    let fields = Memo::new(move |_| {
        node()
            .map(|node| param_fields(&node.params))
            .unwrap_or_default()
    });
    let rename_error = RwSignal::new(None::<String>);
    let rename_problem = problem_of(rename_error, "name");
    let rename_problem_id = rename_problem.id.clone();
    view! {
        <h2 class="panel__title">{kind.label()}</h2>
        <LabelledField look=FormLook::Inspector label="Name" problem=rename_problem>
            <input
                class="input"
                aria-label="Node name"
                aria-describedby=rename_problem_id
                prop:value=move || node().map(|node| node.name).unwrap_or_default()
                placeholder=move || id.get_value()
                on:change=move |event| {
                    let command = Command::Rename { node: id.get_value(), name: event_target_value(&event) };
                    rename_error.set(state.execute(&command).err().map(|error| error.to_string()));
                }
            />
        </LabelledField>
        <p class="inspector__id">"id " <code>{move || id.get_value()}</code></p>
        // A pipeline serves no requests: its Release panel says where it stands instead.
        {(kind != NodeKind::Pipeline).then(|| view! { <LiveNumbers id=id /> })}
        {(kind == NodeKind::LoadBalancer).then(|| view! { <Backends id=id /> })}
        <FlavourLine id=id />
        {(kind == NodeKind::Pipeline)
            .then(|| lazy_once(LazyPlace::Inline, || true, move || release_panel_view(id)))}
        <ChaosControls id=id kind=kind />
        {Section::ALL
            .into_iter()
            .map(|section| {
                let in_section = move || {
                    fields.with(|fields| {
                        fields.iter().filter(|field| field.section == section).cloned().collect::<Vec<_>>()
                    })
                };
                let shown = move || fields.with(|fields| fields.iter().any(|field| field.section == section));
                view! {
                    <Show when=shown>
                        <h3 class="inspector__section">{section.label()}</h3>
                    </Show>
                    <For each=in_section key=|field| format!("{}={}", field.path, field.text) let:field>
                        <ParamInput node=id field=field />
                    </For>
                }
            })
            .collect_view()}
    }
    .into_any()
}

/// One parameter: a labelled input whose value is checked by the editor before it reaches the document.
#[component]
fn ParamInput(node: StoredValue<String>, field: ParamField) -> impl IntoView {
    let state = AppState::get();
    let error = RwSignal::new(None::<String>);
    let path = StoredValue::new(field.path.clone());
    // A field's row can be replaced while its change event is still being handled (the value it set
    // re-renders the list), so every handle is read with `try_`.
    let commit = move |text: String| {
        let (Some(node), Some(field)) = (node.try_get_value(), path.try_get_value()) else {
            return;
        };
        let command = Command::SetParam {
            node,
            field,
            value: ParamValue::Text(text),
        };
        error.try_set(state.execute(&command).err().map(|error| error.to_string()));
        // A committed value is one undo step: the next commit of this field starts another.
        state.seal();
    };
    let label = if field.group.is_empty() {
        field.label.clone()
    } else {
        format!("{} · {}", field.group, field.label)
    };
    let unit = field.unit.unwrap_or("");
    let problem = problem_of(error, &field.path);
    let problem_id = problem.id.clone();
    let input = match &field.input {
        FieldInput::Switch => view! {
            <input
                type="checkbox"
                aria-label=label.clone()
                aria-describedby=problem_id
                prop:checked=field.text == "true"
                on:change=move |event| commit(event_target_checked(&event).to_string())
            />
        }
        .into_any(),
        FieldInput::Choice { options } => {
            let current = field.text.clone();
            let path = field.path.clone();
            view! {
                <select
                    class="input"
                    aria-label=label.clone()
                    aria-describedby=problem_id
                    on:change=move |event| commit(event_target_value(&event))
                >
                    {options
                        .iter()
                        .map(|option| view! { <option value=option.clone() selected=*option == current>{option_label(&path, option)}</option> })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        FieldInput::Json if field.path == "pattern" => {
            return view! { <PatternEditor node=node /> }.into_any();
        }
        FieldInput::Json => view! {
            <textarea
                class="input input--json"
                aria-label=label.clone()
                aria-describedby=problem_id
                rows="3"
                prop:value=field.text.clone()
                on:change=move |event| commit(event_target_value(&event))
            ></textarea>
        }
        .into_any(),
        FieldInput::Number { optional, .. } => view! {
            <input
                class="input input--number"
                class:input--invalid=move || error.get().is_some()
                aria-label=label.clone()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=problem_id
                inputmode="decimal"
                placeholder=if *optional { "auto" } else { "" }
                prop:value=field.text.clone()
                on:change=move |event| commit(event_target_value(&event))
                on:keydown=move |event| {
                    if event.key() == "Enter" {
                        commit(event_target_value(&event));
                    }
                }
            />
        }
        .into_any(),
    };
    // A node that follows a flavour says, beside each setting the flavour fixes, whether it is the
    // flavour's default (with its source) or custom.
    let note = move || {
        let (Some(node), Some(path)) = (node.try_get_value(), path.try_get_value()) else {
            return None;
        };
        state.editor.with(|editor| {
            editor
                .document()
                .node(&node)
                .and_then(|n| flavour_note(&n.params, &path))
        })
    };
    view! {
        <LabelledField look=FormLook::Inspector label=label problem=problem unit=unit help=field.help>
            {input}
        </LabelledField>
        {move || note().map(|note| view! {
            <p class="field__flavour" class:field__flavour--custom=note.custom>
                {note.text}" · "
                <a href=note.source target="_blank" rel="noopener">"source"</a>
            </p>
        })}
    }
    .into_any()
}

/// A refused value's message, shown beside its field in the element `inspector-problem-{name}`.
fn problem_of(error: RwSignal<Option<String>>, name: &str) -> FieldProblem {
    FieldProblem {
        problem: error.into(),
        id: format!("inspector-problem-{name}"),
    }
}

/// A users node's traffic pattern as a form: the shape, its numbers, and a sparkline of the rate it
/// gives over time (the engine's own rate function), instead of JSON text.
#[component]
fn PatternEditor(node: StoredValue<String>) -> impl IntoView {
    let state = AppState::get();
    let error = RwSignal::new(None::<String>);
    let params = move || {
        let id = node.try_get_value()?;
        state
            .editor
            .with(|editor| match &editor.document().node(&id)?.params {
                engine::NodeParams::Users(params) => Some(params.clone()),
                _ => None,
            })
    };
    let Some(initial) = params() else {
        return ().into_any();
    };
    let send = move |json: serde_json::Value| {
        let Some(node) = node.try_get_value() else {
            return;
        };
        let command = Command::SetParam {
            node,
            field: "pattern".to_string(),
            value: ParamValue::Json(json),
        };
        error.try_set(state.execute(&command).err().map(|error| error.to_string()));
        // A committed value is one undo step: the next commit of this field starts another.
        state.seal();
    };
    let current_shape = pattern::shape_of(&initial.pattern);
    let choose_shape = move |event: web_sys::Event| {
        let Some(params) = params() else { return };
        if let Some(pattern) =
            pattern::default_pattern(&event_target_value(&event), params.rate_per_second)
            && let Ok(json) = serde_json::to_value(pattern)
        {
            send(json);
        }
    };
    let numbers = pattern::pattern_fields(&initial.pattern)
        .into_iter()
        .map(|field| {
            let key = field.key;
            let commit = move |text: String| {
                let Some(params) = params() else { return };
                match pattern::with_field(&params.pattern, key, &text) {
                    Ok(json) => send(json),
                    Err(message) => {
                        error.try_set(Some(format!("{}: {message}", field.label)));
                    }
                }
            };
            view! {
                <LabelledField look=FormLook::Inspector width=FieldWidth::Narrow label=field.label unit=field.unit>
                    <input
                        class="input input--number"
                        aria-label=format!("Pattern · {}", field.label)
                        inputmode="decimal"
                        title=field.help
                        prop:value=field.text.clone()
                        on:change=move |event| commit(event_target_value(&event))
                        on:keydown=move |event| {
                            if event.key() == "Enter" {
                                commit(event_target_value(&event));
                            }
                        }
                    />
                </LabelledField>
            }
        })
        .collect_view();
    const WIDTH: f64 = 220.0;
    const HEIGHT: f64 = 44.0;
    let (points, peak) = pattern::sparkline(&initial, WIDTH, HEIGHT);
    let span = pattern::span_text(pattern::preview_seconds(&initial.pattern));
    let summary = format!(
        "Rate over the first {span}: from {:.0} to a peak of {peak:.0} requests per second",
        initial.rate_at(0.0)
    );
    view! {
        <div class="field pattern" role="group" aria-label="Traffic pattern">
            <span class="field__label">"Pattern"</span>
            <span class="field__control">
                <select class="input" aria-label="Pattern" on:change=choose_shape>
                    {pattern::SHAPES
                        .into_iter()
                        .map(|shape| view! { <option value=shape selected=shape == current_shape>{pattern::shape_label(shape)}</option> })
                        .collect_view()}
                </select>
            </span>
            <div class="pattern__numbers">{numbers}</div>
            <figure class="pattern__preview">
                <svg class="pattern__sparkline" viewBox=format!("0 0 {WIDTH} {HEIGHT}") width=WIDTH height=HEIGHT role="img" aria-label=summary>
                    <polyline points=points />
                </svg>
                <figcaption class="field__help">{format!("{peak:.0}/s at the top · first {span}")}</figcaption>
            </figure>
            {move || error.get().map(|message| view! { <span class="field-error" role="alert">{message}</span> })}
        </div>
    }
    .into_any()
}

/// The node's numbers from the latest snapshot.
#[component]
fn LiveNumbers(id: StoredValue<String>) -> impl IntoView {
    let state = AppState::get();
    let rows = move || {
        state.runner.snapshot.with(|snapshot| {
            let live = id.with_value(|id| snapshot.as_ref()?.node(id).cloned())?;
            let mut rows = vec![
                ("Throughput", format!("{:.1} req/s", live.throughput)),
                ("Error rate", format!("{:.1} %", live.error_rate * 100.0)),
                (
                    "Latency p50 / p95 / p99",
                    format!(
                        "{:.0} / {:.0} / {:.0} ms",
                        live.p50_ms, live.p95_ms, live.p99_ms
                    ),
                ),
            ];
            // Users and monitoring have no servers of their own: no CPU, queue or instances to show.
            let serves = !matches!(
                live.kind,
                NodeKind::Users | NodeKind::Monitoring | NodeKind::Pipeline
            );
            if serves {
                rows.push(("CPU", format!("{:.0} %", live.cpu * 100.0)));
                rows.push(("Queue", format!("{:.0}", live.queue)));
            }
            // Time in queue apart from service time, to compare with Erlang C.
            if let (Some(wait), Some(probability)) = (live.mean_wait_ms, live.wait_probability) {
                rows.push(("Mean wait", format!("{wait:.1} ms")));
                rows.push(("P(wait)", format!("{:.0} %", probability * 100.0)));
            }
            // By request type where it tells something: a database (reads on replicas, writes on
            // the primary) or any node where some types fail and others do not.
            let spread = live
                .by_request_type
                .iter()
                .filter(|figures| figures.throughput > 0.0)
                .map(|figures| figures.error_rate)
                .fold((1.0_f64, 0.0_f64), |(low, high), rate| {
                    (low.min(rate), high.max(rate))
                });
            if live.by_request_type.len() > 1
                && (live.kind == NodeKind::Database || spread.1 - spread.0 > 0.05)
            {
                for figures in &live.by_request_type {
                    let name = match figures.request_type {
                        engine::params::RequestType::StaticAsset => "Static assets",
                        engine::params::RequestType::Read => "Reads",
                        engine::params::RequestType::Write => "Writes",
                        engine::params::RequestType::Payment => "Payments",
                    };
                    rows.push((
                        name,
                        format!(
                            "{:.1} req/s · {:.1} % errors",
                            figures.throughput,
                            figures.error_rate * 100.0
                        ),
                    ));
                }
            }
            if live.hit_ratio > 0.0 {
                rows.push(("Hit ratio", format!("{:.1} %", live.hit_ratio * 100.0)));
            }
            if let Some(cache) = &live.cache {
                rows.extend(crate::observe::figures::cache_rows(cache));
            }
            if live.connections > 0.0 {
                rows.push(("Connections", format!("{:.0}", live.connections)));
            }
            if let Some((healthy, total)) = live.healthy_backends {
                rows.push(("Healthy backends", format!("{healthy} of {total}")));
            }
            // The versions its instances run, once a release exists.
            for version in &live.versions {
                rows.push(("Version", crate::observe::releases::version_detail(version)));
            }
            if serves {
                rows.push(("Instances", live.instances.to_string()));
                rows.push(("Cost", format!("${:.3}/h", live.cost_per_hour)));
            }
            Some(rows)
        })
    };
    view! {
        <h3 class="inspector__section">"Live"</h3>
        {move || match rows() {
            Some(rows) => view! {
                <dl class="inspector__live">
                    {rows.into_iter().map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
            }
            .into_any(),
            None => view! { <p class="panel__hint">"Not running."</p> }.into_any(),
        }}
    }
}

/// Break it on purpose: kill, restart, slow down, flush, add capacity.
#[component]
fn ChaosControls(id: StoredValue<String>, kind: NodeKind) -> impl IntoView {
    let state = AppState::get();
    let outcome = RwSignal::new(None::<String>);
    let run = move |command: LiveCommand, done: &'static str| match state.runner.command(command) {
        Ok(()) => {
            state
                .announcement
                .set(format!("{} {}", id.get_value(), done));
            outcome.set(None);
        }
        Err(message) => outcome.set(Some(message)),
    };
    // Behind a load balancer, one more server is an edit of the design (on the canvas, undoable) that
    // the running model follows; an autoscaling group boots one more instance of its own.
    let add_backend = move || {
        let command = Command::AddBackend {
            load_balancer: id.get_value(),
        };
        // The new server becomes the selection, so this panel may be gone by now: `try_set`.
        let _ = match state.execute(&command) {
            Ok(applied) => {
                // The new server may land below the view: bring it on screen.
                let position = applied.created.first().and_then(|created| {
                    state.editor.with_untracked(|editor| {
                        editor
                            .document()
                            .node(created)
                            .map(|node| Point::new(node.position.x, node.position.y))
                    })
                });
                if let Some(position) = position {
                    let screen = crate::state::canvas_screen_size();
                    state.view.viewport.update(|view| {
                        view.reveal(crate::editor::viewport::node_rect(position), screen, 24.0);
                    });
                }
                outcome.try_set(None)
            }
            Err(error) => outcome.try_set(Some(error.to_string())),
        };
    };
    let inject = move |fault: Fault, done: &'static str| {
        run(
            LiveCommand::Inject {
                fault,
                duration_s: None,
            },
            done,
        );
    };
    view! {
        <h3 class="inspector__section">"Chaos"</h3>
        <div class="inspector__chaos" role="group" aria-label="Chaos controls">
            // Killing monitoring stops its scrapes and takes the log store down (shippers buffer).
            {(kind != NodeKind::Users).then(|| view! {
                <button class="button button--danger" type="button" on:click=move |_| run(LiveCommand::Kill { node: id.get_value() }, "killed")>"Kill"</button>
                <button class="button" type="button" on:click=move |_| run(LiveCommand::Restart { node: id.get_value() }, "restarting")>"Restart"</button>
            })}
            {(kind != NodeKind::Users && kind != NodeKind::Monitoring).then(|| view! {
                <button class="button" type="button" on:click=move |_| inject(Fault::SlowDown { node: id.get_value(), factor: 3.0 }, "slowed down ×3")>"Slow down ×3"</button>
            })}
            {(kind == NodeKind::LoadBalancer).then(|| view! {
                <button class="button" type="button" on:click=move |_| add_backend()>"Add server"</button>
            })}
            {(kind == NodeKind::AutoscalingGroup).then(|| view! {
                <button class="button" type="button" on:click=move |_| run(LiveCommand::AddServer { node: id.get_value() }, "got one more server")>"Add server"</button>
            })}
            {(kind == NodeKind::Cache).then(|| view! {
                <button class="button" type="button" on:click=move |_| inject(Fault::CacheFlush { node: id.get_value() }, "flushed")>"Flush cache"</button>
            })}
            {(kind == NodeKind::Database).then(|| view! {
                <button class="button button--danger" type="button" on:click=move |_| inject(Fault::DatabasePrimaryCrash { node: id.get_value() }, "lost its primary")>"Crash primary"</button>
            })}
            {(kind == NodeKind::Users).then(|| view! {
                <button class="button" type="button" on:click=move |_| inject(Fault::TrafficSpike { node: Some(id.get_value()), factor: 3.0 }, "sends three times the traffic")>"Traffic spike ×3"</button>
            })}
        </div>
        {move || outcome.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
    }
}

/// Break a link on purpose, for 30 simulated seconds: cut it (a network partition between its two ends)
/// or make it slow and lossy. Unlike the fields above, these are faults in the running model, not edits.
#[component]
fn LinkChaos(link: StoredValue<LinkId>) -> impl IntoView {
    let state = AppState::get();
    let outcome = RwSignal::new(None::<String>);
    let inject =
        move |fault: Fault, done: &'static str| match state.runner.command(LiveCommand::Inject {
            fault,
            duration_s: Some(LINK_FAULT_SECONDS),
        }) {
            Ok(()) => {
                let name = link
                    .try_with_value(|link| link.to_string())
                    .unwrap_or_default();
                state.announcement.set(format!("{name}: {done} for 30 s"));
                outcome.try_set(None);
            }
            Err(message) => {
                outcome.try_set(Some(message));
            }
        };
    let partition = move |_| {
        let Some(LinkId { from, to }) = link.try_get_value() else {
            return;
        };
        inject(Fault::Partition { a: from, b: to }, "partitioned");
    };
    let degrade = move |_| {
        let Some(LinkId { from, to }) = link.try_get_value() else {
            return;
        };
        inject(
            Fault::LinkDegradation {
                from,
                to,
                added_latency_ms: 200.0,
                loss: 0.05,
            },
            "slowed by 200 ms with 5 % loss",
        );
    };
    view! {
        <h3 class="inspector__section">"Chaos"</h3>
        <div class="inspector__chaos" role="group" aria-label="Link chaos controls">
            <button class="button button--danger" type="button" title="Requests between the two ends fail for 30 simulated seconds" on:click=partition>
                "Partition"
            </button>
            <button class="button" type="button" title="+200 ms and 5 % loss for 30 simulated seconds" on:click=degrade>
                "Add latency + loss"
            </button>
        </div>
        {move || outcome.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
    }
}

/// How long the link chaos buttons break a link, simulated seconds.
const LINK_FAULT_SECONDS: f64 = 30.0;

/// The selected link's latency and loss.
#[component]
fn LinkInspector(link: LinkId) -> impl IntoView {
    let state = AppState::get();
    let link = StoredValue::new(link);
    let current = move || {
        link.with_value(|id| {
            state.editor.with(|editor| {
                editor
                    .document()
                    .links
                    .iter()
                    .find(|candidate| id.matches(candidate))
                    .cloned()
            })
        })
    };
    let field = move |name: &'static str, label: &'static str, unit: &'static str| {
        let error = RwSignal::new(None::<String>);
        let problem = problem_of(error, name);
        let problem_id = problem.id.clone();
        let value = move || {
            current()
                .and_then(|link| serde_json::to_value(link).ok())
                .and_then(|json| json.get(name).map(|value| value.to_string()))
                .unwrap_or_default()
        };
        view! {
            <LabelledField look=FormLook::Inspector label=label problem=problem unit=unit>
                <input
                    class="input input--number"
                    class:input--invalid=move || error.get().is_some()
                    aria-label=label
                    aria-describedby=problem_id
                    prop:value=value
                    on:change=move |event| {
                        let command = Command::SetLinkParam { link: link.get_value(), field: name.to_string(), value: ParamValue::Text(event_target_value(&event)) };
                        error.set(state.execute(&command).err().map(|error| error.to_string()));
                        state.seal();
                    }
                />
            </LabelledField>
        }
    };
    view! {
        <h2 class="panel__title">"Link"</h2>
        <p class="inspector__id">{move || link.with_value(|link| format!("{} → {}", link.from, link.to))}</p>
        {field("latency_ms", "Latency", "ms")}
        {field("loss", "Loss", "0–1")}
        <LinkChaos link=link />
        <button
            class="button button--danger"
            type="button"
            on:click=move |_| {
                let _ = state.execute(&Command::Delete { nodes: Vec::new(), links: vec![link.get_value()] });
            }
        >
            "Delete link"
        </button>
    }
}

/// Under a node with a flavour: for a load balancer its detection window in words, for a named
/// flavour of another kind what the real one does differently, and "Reset to <flavour> defaults"
/// when a setting the flavour fixes was edited.
#[component]
fn FlavourLine(id: StoredValue<String>) -> impl IntoView {
    let state = AppState::get();
    let params = move || {
        state.editor.with(|editor| {
            editor
                .document()
                .node(&id.get_value())
                .map(|n| n.params.clone())
        })
    };
    let reset = move |_| {
        // Choosing the flavour it already follows puts its defaults back.
        let code = params()
            .and_then(|params| serde_json::to_value(params).ok())
            .and_then(|json| json.get("flavour")?.as_str().map(str::to_owned));
        let Some(code) = code else {
            return;
        };
        let command = Command::SetParam {
            node: id.get_value(),
            field: "flavour".to_owned(),
            value: ParamValue::Text(code),
        };
        let _ = state.execute(&command);
        state.seal();
    };
    move || {
        let params = params()?;
        let flavour = engine::flavours::NodeFlavour::of(&params)?;
        let custom = flavour.named && !flavour.custom.is_empty();
        let words = match &params {
            engine::NodeParams::LoadBalancer(lb) => {
                let mut words = vec![engine::flavours::DetectionWindow::of(lb).words()];
                words.extend(engine::flavours::standby_words(lb));
                words
            }
            _ if flavour.named => vec![flavour.behaviour.to_owned()],
            _ => Vec::new(),
        };
        Some(view! {
            {words.into_iter().map(|words| view! { <p class="inspector__detection">{words}</p> }).collect_view()}
            {custom.then(|| view! {
                <button class="button" type="button" on:click=reset>{format!("Reset to {} defaults", flavour.label)}</button>
            })}
        })
    }
}

lazy_view! {
    /// The Release panel of a pipeline node, downloaded the first time a pipeline is selected.
    fn release_panel_view(id: StoredValue<String>) {
        view! { <ReleasePanel id=id /> }.into_any()
    }
}
