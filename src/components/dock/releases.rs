//! The report's Releases section: the four DORA keys measured from the run (deployment frequency,
//! lead time for changes, change failure rate, time to restore service; "—" while one cannot be
//! measured) and a table of every release (version, committed, outcome, first traffic, when it went
//! live or was rolled back, failed requests). A view only: `observe::releases` words it all. Shown
//! when the design has a pipeline or the run has releases.

use engine::NodeKind;
use leptos::prelude::*;

use crate::observe::releases::{dora_keys, release_table};
use crate::state::AppState;

/// The Releases section, worked out once a simulated second while the report is shown.
#[component]
pub(super) fn ReleasesReport(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let has_pipeline = Memo::new(move |_| {
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .any(|node| node.kind() == NodeKind::Pipeline)
        })
    });
    let second = super::visible_second(visible);
    let figures = Memo::new(move |_| {
        if second.get() < 0 {
            return None;
        }
        state.runner.snapshot.with_untracked(|snapshot| {
            let snapshot = snapshot.as_ref()?;
            Some((dora_keys(&snapshot.dora), release_table(&snapshot.releases)))
        })
    });
    let shown = move || {
        has_pipeline.get()
            || figures.with(|figures| figures.as_ref().is_some_and(|(_, rows)| !rows.is_empty()))
    };
    move || {
        if !shown() {
            return None;
        }
        let (keys, rows) = figures.get()?;
        let keys = keys
            .into_iter()
            .map(|key| {
                let title = key.note.clone();
                view! {
                    <div class="releases-report__key" title=title>
                        <dt>{key.label}</dt>
                        <dd>
                            <span class="releases-report__value">{key.value}</span>
                            <span class="releases-report__note">{key.note}</span>
                        </dd>
                    </div>
                }
            })
            .collect_view();
        let table = if rows.is_empty() {
            view! { <p class="panel__hint">"No release committed yet: select the pipeline and commit one."</p> }.into_any()
        } else {
            let body = rows
                .into_iter()
                .map(|row| {
                    view! {
                        <tr>
                            <th scope="row">{row.version}</th>
                            <td>{row.pipeline}</td>
                            <td class="releases-report__number">{row.committed}</td>
                            <td><span class=format!("release-list__outcome release-list__outcome--{}", row.tone)>{row.outcome}</span></td>
                            <td class="releases-report__number">{row.first_traffic}</td>
                            <td>{row.ended}</td>
                            <td class="releases-report__number">{row.failed}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="releases-report__table-wrap">
                    <table class="releases-report__table" aria-label="Releases of this run">
                        <thead>
                            <tr>
                                <th scope="col">"Version"</th>
                                <th scope="col">"Pipeline"</th>
                                <th scope="col">"Committed"</th>
                                <th scope="col">"Outcome"</th>
                                <th scope="col">"First traffic"</th>
                                <th scope="col">"Live / rolled back"</th>
                                <th scope="col">"Failed at its instances"</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            }
            .into_any()
        };
        Some(view! {
            <section class="releases-report" aria-label="Releases">
                <h3 class="report__heading">"Releases"</h3>
                <dl class="releases-report__keys" aria-label="DORA keys">{keys}</dl>
                {table}
            </section>
        })
    }
}
