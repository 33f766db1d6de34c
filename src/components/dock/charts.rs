//! The charts tab: live charts of the followed node — requests per second, latency percentiles, error
//! rate, CPU, cache hit ratio, database connections — and the run's business numbers, drawn with
//! `plotters` into `<canvas>` elements.
//!
//! The charts follow the node selected on the canvas, or the users (entry) node when nothing is
//! selected. Alert rules on the node and metric are drawn as dashed threshold lines; the intervals a
//! rule was firing are shaded.
//!
//! A view only: what each chart draws is decided by `observe::charts`; this file draws it.
//!
//! **Redraws are throttled:** the chart data is rebuilt only when the simulated clock crosses a step of
//! whole seconds (one second at 1×, more at higher speeds, so the charts redraw at most about four times
//! per real second), or when the followed node, the rules or the tab change — never on every frame.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::observe::charts::{
    BusinessSample, ChartData, ChartInputs, ChartKind, LINE_COLOUR_COUNT, VersionSample,
    build_charts, chart_nodes, followed_node, following_heading, label_of, record_business,
    record_versions, redraw_step, y_top,
};
use crate::observe::clock;
use crate::observe::format::short_number;
use crate::state::AppState;

/// Line colours from the Okabe–Ito palette the app uses: readable on light and dark panels and for
/// colour-blind readers.
/// Then the six version colours, as on the version badges (`.version--0` … `.version--5`).
/// Last, the grey of a total drawn beside its versions.
const LINE_COLOURS: [RGBColor; LINE_COLOUR_COUNT + 7] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x8a, 0x93, 0x9e),
];
const THRESHOLD_COLOUR: RGBColor = RGBColor(0xd5, 0x5e, 0x00);

/// A colour from the page's CSS variables, so the axes follow the light or dark theme.
fn css_colour(name: &str, fallback: RGBColor) -> RGBColor {
    let value = window()
        .get_computed_style(
            &document()
                .document_element()
                .expect("the page has a root element"),
        )
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value(name).ok())
        .unwrap_or_default();
    let hex = value.trim().trim_start_matches('#');
    let channel = |at: usize| u8::from_str_radix(hex.get(at..at + 2)?, 16).ok();
    match (hex.len(), channel(0), channel(2), channel(4)) {
        (6, Some(red), Some(green), Some(blue)) => RGBColor(red, green, blue),
        _ => fallback,
    }
}

/// Draws one chart into its canvas, sized to the canvas's width on screen.
fn draw(canvas: &web_sys::HtmlCanvasElement, chart: &ChartData) -> Result<(), String> {
    let width = canvas.client_width().max(120) as u32;
    let height = canvas.client_height().max(60) as u32;
    // Setting the size also clears the canvas for this drawing.
    canvas.set_width(width);
    canvas.set_height(height);
    let muted = css_colour("--text-muted", RGBColor(0x5a, 0x64, 0x72));
    let grid = css_colour("--grid", RGBColor(0xe3, 0xe6, 0xea));
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    let (x_from, x_to) = chart.x_range;
    let top = y_top(chart);
    let mut plot = ChartBuilder::on(&root)
        .margin(6)
        .x_label_area_size(16)
        .y_label_area_size(38)
        .build_cartesian_2d(x_from..x_to, 0.0..top)
        .map_err(|error| error.to_string())?;
    let label_style = ("sans-serif", 10).into_font().color(&muted);
    let x_format = |seconds: &f64| clock(*seconds);
    let y_format = |value: &f64| short_number(*value);
    plot.configure_mesh()
        .x_labels(4)
        .y_labels(4)
        .max_light_lines(0)
        .bold_line_style(grid)
        .axis_style(muted)
        .label_style(label_style)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .draw()
        .map_err(|error| error.to_string())?;
    let shade = THRESHOLD_COLOUR.mix(0.15).filled();
    plot.draw_series(
        chart.firing.iter().map(|(from, to)| {
            Rectangle::new([(from.max(x_from), 0.0), (to.min(x_to), top)], shade)
        }),
    )
    .map_err(|error| error.to_string())?;
    for threshold in chart
        .thresholds
        .iter()
        .filter(|threshold| **threshold <= top)
    {
        plot.draw_series(DashedLineSeries::new(
            [(x_from, *threshold), (x_to, *threshold)],
            6,
            4,
            THRESHOLD_COLOUR.stroke_width(1),
        ))
        .map_err(|error| error.to_string())?;
    }
    for line in &chart.lines {
        let colour = LINE_COLOURS[line.colour % LINE_COLOURS.len()];
        plot.draw_series(LineSeries::new(
            line.points.iter().copied(),
            colour.stroke_width(2),
        ))
        .map_err(|error| error.to_string())?;
    }
    root.present().map_err(|error| error.to_string())
}

/// The charts tab's content.
#[component]
pub(super) fn ChartsPanel(visible: Signal<bool>) -> impl IntoView {
    let state = AppState::get();
    let runner = state.runner;
    let business = StoredValue::new(Vec::<BusinessSample>::new());
    let versions = StoredValue::new(Vec::<VersionSample>::new());

    // Business totals have no series in the engine, so one sample per simulated second is kept here,
    // whichever tab is open.
    let whole_second = Memo::new(move |_| {
        runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map(|snapshot| snapshot.time_s.floor() as i64)
        })
    });
    Effect::new(move |_| {
        let _second = whole_second.get();
        runner.snapshot.with_untracked(|snapshot| {
            let Some(snapshot) = snapshot else { return };
            business.update_value(|samples| record_business(samples, snapshot));
            versions.update_value(|samples| record_versions(samples, snapshot));
        });
    });

    // The throttle: a step of whole simulated seconds that passes about four times per real second.
    let tick = Memo::new(move |_| {
        let step = redraw_step(runner.speed.get());
        runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map(|snapshot| (snapshot.time_s / step).floor() as i64)
        })
    });
    let nodes = Memo::new(move |_| state.editor.with(|editor| chart_nodes(editor.document())));
    let rules = Memo::new(move |_| {
        state
            .editor
            .with(|editor| editor.document().alert_rules.clone())
    });
    let subject = Memo::new(move |_| {
        let selected = state
            .view
            .selection
            .with(|selection| selection.single_node().map(str::to_owned));
        nodes.with(|nodes| followed_node(selected.as_deref(), nodes))
    });
    let charts = Memo::new(move |_| {
        // Reading (not only tracking) the throttle pulls it up to date.
        let _throttle = tick.get();
        if !visible.get() {
            return Vec::new();
        }
        let Some(subject) = subject.get() else {
            return Vec::new();
        };
        nodes.with(|nodes| {
            rules.with(|rules| {
                runner.snapshot.with_untracked(|snapshot| {
                    let Some(snapshot) = snapshot else {
                        return Vec::new();
                    };
                    business.with_value(|business| {
                        versions.with_value(|versions| {
                            let series = |node: &str| {
                                runner
                                    .with_simulation(|simulation| simulation.series(node))
                                    .unwrap_or_default()
                            };
                            build_charts(&ChartInputs {
                                snapshot,
                                rules,
                                nodes,
                                subject: &subject,
                                series: &series,
                                business,
                                versions,
                            })
                        })
                    })
                })
            })
        })
    });
    let heading = move || {
        subject.get().map_or_else(
            || "Nothing to chart: the design has no nodes.".to_owned(),
            |id| {
                let followed = state
                    .view
                    .selection
                    .with(|selection| selection.single_node() == Some(id.as_str()));
                let name = nodes.with(|nodes| label_of(nodes, &id));
                following_heading(&name, followed)
            },
        )
    };

    view! {
        <div class="charts">
            <p class="charts__header">
                <span class="charts__subject">{heading}</span>
                <span class="alerts__muted">"Dashed lines: alert thresholds · shaded: alert firing"</span>
            </p>
            <Show when=move || runner.problem.with(Option::is_some)>
                <p class="panel__hint">{move || runner.problem.get().map(|problem| format!("The design cannot run: {problem}"))}</p>
            </Show>
            <div class="charts__grid" tabindex="0" role="group" aria-label="Charts">
                {ChartKind::ALL.into_iter().map(|kind| view! { <ChartFigure kind=kind charts=charts /> }).collect_view()}
            </div>
        </div>
    }
}

/// One chart: its title and latest value as text, the canvas, and a legend.
#[component]
fn ChartFigure(kind: ChartKind, charts: Memo<Vec<ChartData>>) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let data = Memo::new(move |_| {
        charts.with(|charts| charts.iter().find(|chart| chart.kind == kind).cloned())
    });
    // Drawing into the canvas is syncing with something outside the reactive graph: an effect.
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        data.with(|chart| {
            let Some(chart) = chart.as_ref().filter(|chart| !chart.lines.is_empty()) else {
                // Nothing to draw (the note says why): setting the size clears the canvas.
                element.set_width(element.width());
                return;
            };
            if let Err(error) = draw(&element, chart) {
                leptos::logging::warn!("chart {:?} not drawn: {error}", chart.kind);
            }
        });
    });
    let subject = move || {
        data.with(|chart| {
            chart
                .as_ref()
                .filter(|chart| !chart.subject.is_empty())
                .map(|chart| format!(" — {}", chart.subject))
                .unwrap_or_default()
        })
    };
    let latest = move || {
        data.with(|chart| {
            chart
                .as_ref()
                .map(|chart| chart.latest.clone())
                .unwrap_or_default()
        })
    };
    let label = move || format!("{}{}: {}", kind.title(), subject(), latest());
    let legend = move || {
        data.with(|chart| {
            chart
                .as_ref()
                .filter(|chart| chart.lines.len() > 1)
                .map(|chart| {
                    chart
                        .lines
                        .iter()
                        .map(|line| {
                            let class = format!("chart__key chart__key--{}", line.colour % LINE_COLOURS.len());
                            view! { <span class=class>"● " <span class="chart__key-label">{line.label.clone()}</span></span> }
                        })
                        .collect_view()
                })
        })
    };
    let note = move || data.with(|chart| chart.as_ref().and_then(|chart| chart.note.clone()));
    view! {
        <figure class="chart" data-chart=format!("{kind:?}").to_lowercase()>
            <figcaption class="chart__title">
                <span>{kind.title()} {subject}</span>
                <span class="chart__value">{latest}</span>
            </figcaption>
            <canvas class="chart__canvas" node_ref=canvas role="img" aria-label=label></canvas>
            <p class="chart__note">{legend} {note}</p>
        </figure>
    }
}
