//! A load balancer's backends in the inspector: each backend's share of the traffic (from the links'
//! live rates) and health, and "why this backend?" — the engine's explanation of its latest routing
//! decision (the round-robin cursor, the connection counts compared, the hash bucket…).

use engine::{Health, LiveCommand, RouteExplanation};
use leptos::prelude::*;

use crate::state::AppState;

/// The backends of load balancer `id`, with shares and the routing explanation.
#[component]
pub fn Backends(id: StoredValue<String>) -> impl IntoView {
    let state = AppState::get();
    let explaining = RwSignal::new(false);
    // One row per backend: its share of the traffic (from the links' live rates), its own health, and
    // whether the load balancer's health checks still keep it in rotation.
    let rows = move || {
        state.runner.snapshot.with(|snapshot| {
            let snapshot = snapshot.as_ref()?;
            id.with_value(|id| {
                let balancer = snapshot.node(id)?;
                let outgoing: Vec<_> = snapshot
                    .links
                    .iter()
                    .filter(|link| &link.from == id)
                    .collect();
                let total: f64 = outgoing.iter().map(|link| link.throughput).sum();
                Some(
                    outgoing
                        .into_iter()
                        .map(|link| {
                            let health = snapshot.node(&link.to).map(|node| node.health);
                            let in_rotation = balancer
                                .backends
                                .iter()
                                .find(|backend| backend.node == link.to)
                                .is_none_or(|backend| backend.in_rotation);
                            let share = if total > 0.0 {
                                link.throughput / total
                            } else {
                                0.0
                            };
                            BackendRow {
                                name: link.to.clone(),
                                share,
                                rate: link.throughput,
                                health,
                                in_rotation,
                            }
                        })
                        .collect::<Vec<_>>(),
                )
            })
        })
    };
    let explanation = move || {
        state.runner.snapshot.with(|snapshot| {
            let snapshot = snapshot.as_ref()?;
            id.with_value(|id| snapshot.node(id)?.explanation.clone())
        })
    };
    let toggle = move |_| {
        let on = !explaining.get_untracked();
        let Some(node) = id.try_get_value() else {
            return;
        };
        match state.runner.command(LiveCommand::Explain { node, on }) {
            Ok(()) => {
                explaining.try_set(on);
            }
            Err(message) => state.announcement.set(message),
        }
    };
    view! {
        <h3 class="inspector__section">"Backends"</h3>
        {move || match rows() {
            Some(rows) if !rows.is_empty() => view! {
                <ul class="backends" role="list">
                    {rows
                        .into_iter()
                        .map(|row| {
                            let (icon, state_class) = match row.health {
                                Some(Health::Up) => ("✓", "backends__row--up"),
                                Some(Health::Degraded) => ("!", "backends__row--degraded"),
                                Some(Health::Starting) => ("…", "backends__row--degraded"),
                                Some(Health::Down) => ("✕", "backends__row--down"),
                                None => ("?", ""),
                            };
                            // The detection window made visible: dead but still in rotation.
                            let rotation = match (row.in_rotation, row.health) {
                                (true, Some(Health::Down)) => "still in rotation — requests fail",
                                (true, _) => "in rotation",
                                (false, _) => "marked unhealthy — out of rotation",
                            };
                            let label = format!(
                                "{}: {:.0} % of the traffic, {:.0} requests per second, {rotation}",
                                row.name,
                                row.share * 100.0,
                                row.rate
                            );
                            view! {
                                <li class=format!("backends__row {state_class}") class:backends__row--out=!row.in_rotation aria-label=label>
                                    <span class="backends__icon" aria-hidden="true">{icon}</span>
                                    <span class="backends__name">{row.name}</span>
                                    <span class="backends__bar" aria-hidden="true">
                                        <span class="backends__fill" style:width=format!("{:.1}%", row.share * 100.0)></span>
                                    </span>
                                    <span class="backends__share">{format!("{:.0} %", row.share * 100.0)}</span>
                                    <span class="backends__rotation">{rotation}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
            _ => view! { <p class="panel__hint">"No backends connected: drag from this load balancer's output port to a server."</p> }.into_any(),
        }}
        <button class="button" type="button" aria-pressed=move || explaining.get().to_string() on:click=toggle>
            {move || if explaining.get() { "Hide why" } else { "Why this backend?" }}
        </button>
        {move || {
            explaining
                .get()
                .then(|| {
                    view! {
                        <p class="backends__why" role="status">
                            {move || explanation().map(describe).unwrap_or_else(|| "Waiting for the next request…".to_string())}
                        </p>
                    }
                })
        }}
    }
}

/// One backend as the inspector lists it.
struct BackendRow {
    name: String,
    share: f64,
    rate: f64,
    health: Option<Health>,
    in_rotation: bool,
}

/// The explanation as a sentence a student can follow.
pub fn describe(explanation: RouteExplanation) -> String {
    match explanation {
        RouteExplanation::RoundRobin { cursor, chosen } => {
            format!(
                "Round robin: the cursor stood at position {cursor}, so the request went to {chosen}; the cursor moves on by one."
            )
        }
        RouteExplanation::WeightedRoundRobin { weights, chosen } => {
            let listed = weights
                .iter()
                .map(|(backend, weight, current)| {
                    format!("{backend} (weight {weight}, current {current})")
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("Weighted round robin: {listed}. The highest current weight wins: {chosen}.")
        }
        RouteExplanation::LeastConnections {
            connections,
            chosen,
        } => {
            let listed = connections
                .iter()
                .map(|(backend, open)| format!("{backend} has {open}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("Least connections: {listed} open connections; {chosen} has the fewest.")
        }
        RouteExplanation::Random { healthy, chosen } => {
            format!("Random: one of the {healthy} healthy backends picked at random — {chosen}.")
        }
        RouteExplanation::PowerOfTwo {
            first,
            second,
            chosen,
        } => format!(
            "Power of two choices: sampled {} ({} open) and {} ({} open); the less busy one, {chosen}, won.",
            first.0, first.1, second.0, second.1
        ),
        RouteExplanation::ConsistentHash {
            user,
            hash,
            ring_point,
            chosen,
        } => format!(
            "Consistent hashing: user {user} hashes to {hash}; the next point on the ring is {ring_point}, owned by {chosen}, so this user always lands there while it is healthy."
        ),
        RouteExplanation::NoHealthyBackend => {
            "No healthy backend: the request fails with \"backend down\".".to_string()
        }
    }
}
