//! The charts tab: live charts of the followed node — requests per second, latency percentiles, error
//! rate, CPU, cache hit ratio, database connections — and the run's business numbers, drawn with
//! `plotters` into `<canvas>` elements.
//!
//! The charts follow the node selected on the canvas, or the users (entry) node when nothing is
//! selected. Alert rules on the node and metric are drawn as dashed threshold lines; the intervals a
//! rule was firing are shaded.
//!
//! **Redraws are throttled:** the chart data is rebuilt only when the simulated clock crosses a step of
//! whole seconds (one second at 1×, more at higher speeds, so the charts redraw at most about four times
//! per real second), or when the followed node, the rules or the tab change — never on every frame.

use engine::design::{AlertMetric, AlertRule, RuleKind};
use engine::metrics::SeriesPoint;
use engine::{AlertStatus, NodeKind, Snapshot};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use super::alerts::{format_metric, status_of};
use crate::state::AppState;

/// Seconds of history on the time axis.
const WINDOW_SECONDS: f64 = 120.0;
/// Business totals kept, one per simulated second.
const KEPT_BUSINESS_SECONDS: usize = 3_600;
/// Redraws per real second the throttle aims at.
const REDRAWS_PER_SECOND: f64 = 4.0;

/// Line colours from the Okabe–Ito palette the app uses: readable on light and dark panels and for
/// colour-blind readers.
const LINE_COLOURS: [RGBColor; 4] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
];
const THRESHOLD_COLOUR: RGBColor = RGBColor(0xd5, 0x5e, 0x00);

/// The charts, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChartKind {
    Throughput,
    Latency,
    ErrorRate,
    Cpu,
    HitRatio,
    Connections,
    Revenue,
    Signups,
}

impl ChartKind {
    const ALL: [ChartKind; 8] = [
        ChartKind::Throughput,
        ChartKind::Latency,
        ChartKind::ErrorRate,
        ChartKind::Cpu,
        ChartKind::HitRatio,
        ChartKind::Connections,
        ChartKind::Revenue,
        ChartKind::Signups,
    ];

    fn title(self) -> &'static str {
        match self {
            ChartKind::Throughput => "Requests / second",
            ChartKind::Latency => "Latency (ms)",
            ChartKind::ErrorRate => "Error rate (%)",
            ChartKind::Cpu => "CPU (%)",
            ChartKind::HitRatio => "Cache hit ratio (%)",
            ChartKind::Connections => "DB connections",
            ChartKind::Revenue => "Revenue and revenue lost ($, run)",
            ChartKind::Signups => "Signups (run)",
        }
    }

    /// Percent charts have a fixed 0–100 axis.
    fn percent(self) -> bool {
        matches!(
            self,
            ChartKind::ErrorRate | ChartKind::Cpu | ChartKind::HitRatio
        )
    }

    /// The alert metrics drawn on this chart, and the factor from the metric's unit to the chart's.
    fn alert_metrics(self) -> &'static [(AlertMetric, f64)] {
        match self {
            ChartKind::Throughput => &[(AlertMetric::Throughput, 1.0)],
            ChartKind::Latency => &[
                (AlertMetric::ResponseTimeP95, 1.0),
                (AlertMetric::ResponseTimeMean, 1.0),
            ],
            ChartKind::ErrorRate => &[(AlertMetric::ErrorRate, 100.0)],
            ChartKind::Cpu => &[(AlertMetric::Cpu, 100.0)],
            ChartKind::HitRatio => &[(AlertMetric::HitRatio, 100.0)],
            ChartKind::Connections | ChartKind::Revenue | ChartKind::Signups => &[],
        }
    }
}

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    label: String,
    colour: usize,
    points: Vec<(f64, f64)>,
}

/// Everything one chart draws: a pure function of the run, so drawing is separate from deciding.
#[derive(Clone, Debug, PartialEq)]
struct ChartData {
    kind: ChartKind,
    /// The node the chart shows, as a person reads it; empty for run-wide charts.
    subject: String,
    /// The latest value(s), as text beside the title (also the canvas's accessible name).
    latest: String,
    lines: Vec<Line>,
    /// Alert thresholds in the chart's unit.
    thresholds: Vec<f64>,
    /// (from, to) simulated seconds when an alert on this chart was firing.
    firing: Vec<(f64, f64)>,
    x_range: (f64, f64),
    /// Why there is nothing to draw (no cache in the design, no workers), if so.
    note: Option<String>,
}

/// A run-wide business sample, taken once per simulated second.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BusinessSample {
    time_s: f64,
    signups: f64,
    revenue: f64,
    revenue_lost: f64,
}

/// What the chart data is built from at one redraw.
struct Inputs<'a> {
    snapshot: &'a Snapshot,
    rules: &'a [AlertRule],
    nodes: &'a [(String, String, NodeKind)],
    /// The followed node.
    subject: &'a str,
    series: &'a dyn Fn(&str) -> Vec<SeriesPoint>,
    business: &'a [BusinessSample],
}

fn label_of(nodes: &[(String, String, NodeKind)], id: &str) -> String {
    nodes
        .iter()
        .find(|(node, _, _)| node == id)
        .map_or_else(|| id.to_owned(), |(_, name, _)| name.clone())
}

/// The node a chart shows: the followed node if it is of a kind the chart is about, otherwise the
/// first such node in the design.
fn chart_node<'a>(inputs: &'a Inputs<'_>, wanted: &[NodeKind]) -> Option<&'a str> {
    let kind_of = |id: &str| {
        inputs
            .nodes
            .iter()
            .find(|(node, _, _)| node == id)
            .map(|(_, _, kind)| *kind)
    };
    if kind_of(inputs.subject).is_some_and(|kind| wanted.contains(&kind)) {
        return Some(inputs.subject);
    }
    inputs
        .nodes
        .iter()
        .find(|(_, _, kind)| wanted.contains(kind))
        .map(|(id, _, _)| id.as_str())
}

/// The thresholds and firing intervals of the rules drawn on `kind`'s chart of `node`.
fn alert_overlay(inputs: &Inputs<'_>, kind: ChartKind, node: &str) -> (Vec<f64>, Vec<(f64, f64)>) {
    let mut thresholds = Vec::new();
    let mut firing = Vec::new();
    for (index, rule) in inputs.rules.iter().enumerate() {
        let Some((_, factor)) = kind
            .alert_metrics()
            .iter()
            .find(|(metric, _)| *metric == rule.metric)
        else {
            continue;
        };
        if rule.node.as_deref().is_some_and(|watched| watched != node) {
            continue;
        }
        if rule.kind == RuleKind::Threshold {
            thresholds.push(rule.threshold * factor);
        }
        // A rule on every node fires for its worst node; its intervals are shaded on the node it
        // last named (the engine keeps no per-node history of a rule).
        if let Some(status) = status_of(&inputs.snapshot.alerts, index, rule)
            && (rule.node.is_some() || status.node == node)
        {
            firing.extend(firing_intervals(status, inputs.snapshot.time_s));
        }
    }
    (thresholds, firing)
}

fn firing_intervals(status: &AlertStatus, now: f64) -> impl Iterator<Item = (f64, f64)> + '_ {
    status
        .history
        .iter()
        .map(move |(fired, resolved)| (*fired, resolved.unwrap_or(now)))
}

fn series_line(
    points: &[SeriesPoint],
    label: &str,
    colour: usize,
    value: fn(&SeriesPoint) -> f64,
) -> Line {
    Line {
        label: label.to_owned(),
        colour,
        points: points
            .iter()
            .map(|point| (point.time_s, value(point)))
            .collect(),
    }
}

/// Every chart's data at one redraw.
fn build_charts(inputs: &Inputs<'_>) -> Vec<ChartData> {
    let now = inputs.snapshot.time_s;
    let x_range = ((now - WINDOW_SECONDS).max(0.0), now.max(10.0));
    let from = x_range.0;
    let recent = |node: &str| -> Vec<SeriesPoint> {
        (inputs.series)(node)
            .into_iter()
            .filter(|point| point.time_s >= from)
            .collect()
    };
    let subject_points = recent(inputs.subject);
    let subject_label = label_of(inputs.nodes, inputs.subject);
    let last = subject_points.last().copied().unwrap_or_default();
    let subject_kind = inputs
        .nodes
        .iter()
        .find(|(id, _, _)| id == inputs.subject)
        .map(|(_, _, kind)| *kind);

    ChartKind::ALL
        .into_iter()
        .map(|kind| {
            let mut chart = ChartData {
                kind,
                subject: subject_label.clone(),
                latest: String::new(),
                lines: Vec::new(),
                thresholds: Vec::new(),
                firing: Vec::new(),
                x_range,
                note: None,
            };
            let mut overlay_node = Some(inputs.subject.to_owned());
            match kind {
                ChartKind::Throughput => {
                    chart
                        .lines
                        .push(series_line(&subject_points, "req/s", 0, |point| {
                            point.throughput
                        }));
                    chart.latest = format_metric(AlertMetric::Throughput, last.throughput);
                }
                ChartKind::Latency => {
                    chart
                        .lines
                        .push(series_line(&subject_points, "p50", 0, |point| point.p50_ms));
                    chart
                        .lines
                        .push(series_line(&subject_points, "p95", 1, |point| point.p95_ms));
                    chart
                        .lines
                        .push(series_line(&subject_points, "p99", 2, |point| point.p99_ms));
                    chart.latest = format!(
                        "p50 {} · p95 {} · p99 {}",
                        format_metric(AlertMetric::ResponseTimeP95, last.p50_ms),
                        format_metric(AlertMetric::ResponseTimeP95, last.p95_ms),
                        format_metric(AlertMetric::ResponseTimeP95, last.p99_ms)
                    );
                }
                ChartKind::ErrorRate => {
                    chart
                        .lines
                        .push(series_line(&subject_points, "errors", 2, |point| {
                            point.error_rate * 100.0
                        }));
                    chart.latest = format_metric(AlertMetric::ErrorRate, last.error_rate);
                    let causes = inputs
                        .snapshot
                        .nodes
                        .iter()
                        .find(|node| node.id == inputs.subject)
                        .map(|node| {
                            node.errors_by_cause
                                .iter()
                                .filter(|(_, count)| *count > 0)
                                .map(|(cause, count)| format!("{} {count}", cause.describe()))
                                .collect::<Vec<_>>()
                                .join(" · ")
                        })
                        .unwrap_or_default();
                    if !causes.is_empty() {
                        chart.note = Some(format!("By cause (run): {causes}"));
                    }
                }
                ChartKind::Cpu => {
                    if subject_kind.is_some_and(NodeKind::has_workers) {
                        chart
                            .lines
                            .push(series_line(&subject_points, "CPU", 0, |point| {
                                point.cpu * 100.0
                            }));
                        chart.latest = format_metric(AlertMetric::Cpu, last.cpu);
                    } else {
                        // The followed node has no workers (users, a load balancer): show the CPU
                        // of the nodes that do, which is where a bottleneck usually is.
                        overlay_node = None;
                        cpu_of_every_server(inputs, &mut chart, &recent);
                    }
                }
                ChartKind::HitRatio => {
                    overlay_node =
                        chart_node(inputs, &[NodeKind::Cache, NodeKind::Cdn]).map(str::to_owned);
                    chart_of_other_node(
                        inputs,
                        &mut chart,
                        overlay_node.as_deref(),
                        &recent,
                        "No cache or CDN in this design.",
                        |point| point.hit_ratio * 100.0,
                        |value| format!("{value:.0} %"),
                    );
                }
                ChartKind::Connections => {
                    overlay_node = chart_node(inputs, &[NodeKind::Database]).map(str::to_owned);
                    chart_of_other_node(
                        inputs,
                        &mut chart,
                        overlay_node.as_deref(),
                        &recent,
                        "No database in this design.",
                        |point| point.connections,
                        |value| format!("{value:.0}"),
                    );
                }
                ChartKind::Revenue => {
                    overlay_node = None;
                    chart.subject = String::new();
                    let samples = inputs
                        .business
                        .iter()
                        .filter(|sample| sample.time_s >= from);
                    chart.lines.push(Line {
                        label: "revenue".to_owned(),
                        colour: 3,
                        points: samples
                            .clone()
                            .map(|sample| (sample.time_s, sample.revenue))
                            .collect(),
                    });
                    chart.lines.push(Line {
                        label: "lost".to_owned(),
                        colour: 2,
                        points: samples
                            .map(|sample| (sample.time_s, sample.revenue_lost))
                            .collect(),
                    });
                    let totals = &inputs.snapshot.totals;
                    chart.latest =
                        format!("${:.0} · lost ${:.0}", totals.revenue, totals.revenue_lost);
                }
                ChartKind::Signups => {
                    overlay_node = None;
                    chart.subject = String::new();
                    chart.lines.push(Line {
                        label: "signups".to_owned(),
                        colour: 0,
                        points: inputs
                            .business
                            .iter()
                            .filter(|sample| sample.time_s >= from)
                            .map(|sample| (sample.time_s, sample.signups))
                            .collect(),
                    });
                    chart.latest = inputs.snapshot.totals.signups.to_string();
                }
            }
            if let Some(node) = overlay_node {
                (chart.thresholds, chart.firing) = alert_overlay(inputs, kind, &node);
                let top = y_top(&chart);
                let above: Vec<String> = chart
                    .thresholds
                    .iter()
                    .filter(|threshold| **threshold > top)
                    .map(|threshold| short_number(*threshold))
                    .collect();
                if !above.is_empty() {
                    let text = format!("Alert threshold {} is above this range.", above.join(", "));
                    chart.note = Some(match chart.note.take() {
                        Some(note) => format!("{note} · {text}"),
                        None => text,
                    });
                }
            }
            chart
        })
        .collect()
}

/// The CPU of every node with workers (as many as there are line colours), with their rules.
fn cpu_of_every_server(
    inputs: &Inputs<'_>,
    chart: &mut ChartData,
    recent: &dyn Fn(&str) -> Vec<SeriesPoint>,
) {
    let servers: Vec<&(String, String, NodeKind)> = inputs
        .nodes
        .iter()
        .filter(|(_, _, kind)| kind.has_workers())
        .take(LINE_COLOURS.len())
        .collect();
    if servers.is_empty() {
        chart.note = Some("No node with CPU in this design.".to_owned());
        return;
    }
    chart.subject = if servers.len() == 1 {
        servers[0].1.clone()
    } else {
        "every server".to_owned()
    };
    let mut highest = 0.0_f64;
    for (colour, (id, name, _)) in servers.into_iter().enumerate() {
        let points = recent(id);
        highest = highest.max(points.last().map_or(0.0, |point| point.cpu));
        chart
            .lines
            .push(series_line(&points, name, colour, |point| {
                point.cpu * 100.0
            }));
        let (thresholds, firing) = alert_overlay(inputs, ChartKind::Cpu, id);
        for threshold in thresholds {
            if !chart.thresholds.contains(&threshold) {
                chart.thresholds.push(threshold);
            }
        }
        chart.firing.extend(firing);
    }
    chart.latest = format!("max {}", format_metric(AlertMetric::Cpu, highest));
}

/// Fills a chart about another node than the followed one (the cache, the database), or says why not.
fn chart_of_other_node(
    inputs: &Inputs<'_>,
    chart: &mut ChartData,
    node: Option<&str>,
    recent: &dyn Fn(&str) -> Vec<SeriesPoint>,
    missing: &str,
    value: fn(&SeriesPoint) -> f64,
    latest: fn(f64) -> String,
) {
    let Some(node) = node else {
        chart.note = Some(missing.to_owned());
        return;
    };
    let points = recent(node);
    chart.subject = label_of(inputs.nodes, node);
    chart.latest = points
        .last()
        .map(|point| latest(value(point)))
        .unwrap_or_default();
    chart
        .lines
        .push(series_line(&points, chart.kind.title(), 0, value));
}

/// The top of the value axis: a little above the highest value. A threshold far above the values
/// would flatten them against the axis, so it does not stretch the axis; the note names it instead.
fn y_top(chart: &ChartData) -> f64 {
    if chart.kind.percent() {
        return 100.0;
    }
    let highest = chart
        .lines
        .iter()
        .flat_map(|line| line.points.iter().map(|(_, value)| *value))
        .fold(0.0_f64, f64::max);
    (highest * 1.15).max(1.0)
}

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

fn short_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.0}k", value / 1e3)
    } else if magnitude >= 100.0 || value == value.round() {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
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
    let x_format = |seconds: &f64| super::clock(*seconds, false);
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
            business.update_value(|samples| {
                if samples
                    .last()
                    .is_some_and(|last| last.time_s > snapshot.time_s)
                {
                    // The run started again.
                    samples.clear();
                }
                samples.push(BusinessSample {
                    time_s: snapshot.time_s,
                    signups: snapshot.totals.signups as f64,
                    revenue: snapshot.totals.revenue,
                    revenue_lost: snapshot.totals.revenue_lost,
                });
                if samples.len() > KEPT_BUSINESS_SECONDS {
                    samples.drain(..samples.len() - KEPT_BUSINESS_SECONDS);
                }
            });
        });
    });

    // The throttle: a step of whole simulated seconds that passes about four times per real second.
    let tick = Memo::new(move |_| {
        let step = (runner.speed.get() / REDRAWS_PER_SECOND).ceil().max(1.0);
        runner.snapshot.with(|snapshot| {
            snapshot
                .as_ref()
                .map(|snapshot| (snapshot.time_s / step).floor() as i64)
        })
    });
    let nodes = Memo::new(move |_| {
        state.editor.with(|editor| {
            editor
                .document()
                .nodes
                .iter()
                .map(|node| (node.id.clone(), node.display_name().to_owned(), node.kind()))
                .collect::<Vec<_>>()
        })
    });
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
        nodes.with(|nodes| {
            selected
                .filter(|id| {
                    nodes
                        .iter()
                        .any(|(node, _, kind)| node == id && *kind != NodeKind::Monitoring)
                })
                .or_else(|| {
                    nodes
                        .iter()
                        .find(|(_, _, kind)| *kind == NodeKind::Users)
                        .map(|(id, _, _)| id.clone())
                })
                .or_else(|| nodes.first().map(|(id, _, _)| id.clone()))
        })
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
                        let series = |node: &str| {
                            runner
                                .with_simulation(|simulation| simulation.series(node))
                                .unwrap_or_default()
                        };
                        build_charts(&Inputs {
                            snapshot,
                            rules,
                            nodes,
                            subject: &subject,
                            series: &series,
                            business,
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
                if followed {
                    format!("Following {name} (selected)")
                } else {
                    format!("Following {name} — select a node on the canvas to chart it")
                }
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
