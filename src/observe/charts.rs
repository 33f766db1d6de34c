//! The charts' data: what each chart of the charts tab draws (lines, alert thresholds, the intervals
//! an alert was firing, the latest values as text, a note when there is nothing to draw), decided
//! here from the run so the component only draws it. Also which node the charts follow and the
//! run-wide business samples the charts keep.

use engine::design::{AlertMetric, AlertRule, Design, RuleKind};
use engine::metrics::SeriesPoint;
use engine::{AlertStatus, NodeKind, Snapshot};

use super::alerts::status_of;
use super::format::{metric_value, short_number};

/// Seconds of history on the time axis.
pub const WINDOW_SECONDS: f64 = 120.0;
/// Business totals kept, one per simulated second.
pub const KEPT_BUSINESS_SECONDS: usize = 3_600;
/// How many line colours the charts have; a chart draws at most this many lines of one kind.
pub const LINE_COLOUR_COUNT: usize = 4;
/// Version lines take the version's own colour (as on its badge): line colour
/// `VERSION_LINE_COLOUR + version_colour(name)`.
pub const VERSION_LINE_COLOUR: usize = LINE_COLOUR_COUNT;
/// A neutral grey for a node's total when its versions have lines of their own.
pub const TOTAL_LINE_COLOUR: usize = VERSION_LINE_COLOUR + 6;

/// A node as the charts know it: id, name as people read it, kind.
pub type ChartNode = (String, String, NodeKind);

/// The nodes of `design` as the charts know them, in design order.
pub fn chart_nodes(design: &Design) -> Vec<ChartNode> {
    design
        .nodes
        .iter()
        .map(|node| (node.id.clone(), node.display_name().to_owned(), node.kind()))
        .collect()
}

/// The charts, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
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
    pub const ALL: [ChartKind; 8] = [
        ChartKind::Throughput,
        ChartKind::Latency,
        ChartKind::ErrorRate,
        ChartKind::Cpu,
        ChartKind::HitRatio,
        ChartKind::Connections,
        ChartKind::Revenue,
        ChartKind::Signups,
    ];

    pub fn title(self) -> &'static str {
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
    pub fn percent(self) -> bool {
        matches!(
            self,
            ChartKind::ErrorRate | ChartKind::Cpu | ChartKind::HitRatio
        )
    }

    /// The alert metrics drawn on this chart, and the factor from the metric's unit to the chart's.
    pub fn alert_metrics(self) -> &'static [(AlertMetric, f64)] {
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
pub struct Line {
    pub label: String,
    pub colour: usize,
    pub points: Vec<(f64, f64)>,
}

/// Everything one chart draws: a pure function of the run, so drawing is separate from deciding.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub kind: ChartKind,
    /// The node the chart shows, as a person reads it; empty for run-wide charts.
    pub subject: String,
    /// The latest value(s), as text beside the title (also the canvas's accessible name).
    pub latest: String,
    pub lines: Vec<Line>,
    /// Alert thresholds in the chart's unit.
    pub thresholds: Vec<f64>,
    /// (from, to) simulated seconds when an alert on this chart was firing.
    pub firing: Vec<(f64, f64)>,
    pub x_range: (f64, f64),
    /// Why there is nothing to draw (no cache in the design, no workers), if so.
    pub note: Option<String>,
}

/// A run-wide business sample, taken once per simulated second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BusinessSample {
    pub time_s: f64,
    pub signups: f64,
    pub revenue: f64,
    pub revenue_lost: f64,
}

/// One version's answers at one server or group over one simulated second (the engine reports the
/// last second's; one sample per second is kept here, like the business totals).
#[derive(Clone, Debug, PartialEq)]
pub struct VersionSample {
    pub time_s: f64,
    pub node: String,
    pub version: String,
    pub throughput: f64,
    pub error_rate: f64,
}

/// What the chart data is built from at one redraw.
pub struct ChartInputs<'a> {
    pub snapshot: &'a Snapshot,
    pub rules: &'a [AlertRule],
    pub nodes: &'a [ChartNode],
    /// The followed node.
    pub subject: &'a str,
    pub series: &'a dyn Fn(&str) -> Vec<SeriesPoint>,
    pub business: &'a [BusinessSample],
    /// Per-version samples of every server and group running releases.
    pub versions: &'a [VersionSample],
}

/// A node's name as people read it, or its id when the design does not have it.
pub fn label_of(nodes: &[ChartNode], id: &str) -> String {
    find_node(nodes, id).map_or_else(|| id.to_owned(), |(_, name, _)| name.clone())
}

/// The node with this id.
fn find_node<'a>(nodes: &'a [ChartNode], id: &str) -> Option<&'a ChartNode> {
    nodes.iter().find(|(node, _, _)| node == id)
}

/// The node a chart shows: the followed node if it is of a kind the chart is about, otherwise the
/// first such node in the design.
fn chart_node<'a>(inputs: &'a ChartInputs<'_>, wanted: &[NodeKind]) -> Option<&'a str> {
    let kind_of = |id: &str| find_node(inputs.nodes, id).map(|(_, _, kind)| *kind);
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
fn alert_overlay(
    inputs: &ChartInputs<'_>,
    kind: ChartKind,
    node: &str,
) -> (Vec<f64>, Vec<(f64, f64)>) {
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
pub fn build_charts(inputs: &ChartInputs<'_>) -> Vec<ChartData> {
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
    let subject_kind = find_node(inputs.nodes, inputs.subject).map(|(_, _, kind)| *kind);
    // A line per version the followed node ran in the window (throughput and errors by version).
    let mut version_names: Vec<&str> = Vec::new();
    for sample in inputs.versions {
        if sample.node == inputs.subject
            && sample.time_s >= from
            && !version_names.contains(&sample.version.as_str())
        {
            version_names.push(&sample.version);
        }
    }
    let version_lines = |value: fn(&VersionSample) -> f64| -> Vec<Line> {
        version_names
            .iter()
            .map(|name| Line {
                label: (*name).to_owned(),
                colour: VERSION_LINE_COLOUR + crate::observe::releases::version_colour(name),
                points: inputs
                    .versions
                    .iter()
                    .filter(|s| s.node == inputs.subject && s.version == *name && s.time_s >= from)
                    .map(|s| (s.time_s, value(s)))
                    .collect(),
            })
            .collect()
    };

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
                    let by_version = version_lines(|s| s.throughput);
                    if !by_version.is_empty()
                        && let Some(total) = chart.lines.first_mut()
                    {
                        "all".clone_into(&mut total.label);
                        total.colour = TOTAL_LINE_COLOUR;
                    }
                    chart.lines.extend(by_version);
                    chart.latest = metric_value(AlertMetric::Throughput, last.throughput);
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
                        metric_value(AlertMetric::ResponseTimeP95, last.p50_ms),
                        metric_value(AlertMetric::ResponseTimeP95, last.p95_ms),
                        metric_value(AlertMetric::ResponseTimeP95, last.p99_ms)
                    );
                }
                ChartKind::ErrorRate => {
                    chart
                        .lines
                        .push(series_line(&subject_points, "errors", 2, |point| {
                            point.error_rate * 100.0
                        }));
                    let by_version = version_lines(|s| s.error_rate * 100.0);
                    if !by_version.is_empty()
                        && let Some(total) = chart.lines.first_mut()
                    {
                        "all".clone_into(&mut total.label);
                        total.colour = TOTAL_LINE_COLOUR;
                    }
                    chart.lines.extend(by_version);
                    chart.latest = metric_value(AlertMetric::ErrorRate, last.error_rate);
                    let causes = inputs
                        .snapshot
                        .node(inputs.subject)
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
                        chart.latest = metric_value(AlertMetric::Cpu, last.cpu);
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
    inputs: &ChartInputs<'_>,
    chart: &mut ChartData,
    recent: &dyn Fn(&str) -> Vec<SeriesPoint>,
) {
    let servers: Vec<&ChartNode> = inputs
        .nodes
        .iter()
        .filter(|(_, _, kind)| kind.has_workers())
        .take(LINE_COLOUR_COUNT)
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
    chart.latest = format!("max {}", metric_value(AlertMetric::Cpu, highest));
}

/// Fills a chart about another node than the followed one (the cache, the database), or says why not.
fn chart_of_other_node(
    inputs: &ChartInputs<'_>,
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
pub fn y_top(chart: &ChartData) -> f64 {
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

/// Redraws per real second the throttle aims at.
const REDRAWS_PER_SECOND: f64 = 4.0;

/// The throttle's step in whole simulated seconds at `speed`: one second at 1×, more at higher
/// speeds, so the charts redraw at most about [`REDRAWS_PER_SECOND`] times per real second.
pub fn redraw_step(speed: f64) -> f64 {
    (speed / REDRAWS_PER_SECOND).ceil().max(1.0)
}

/// The node the charts follow: the selected node unless it is a monitoring node or a pipeline
/// (which have no traffic), else the users (entry) node, else the first node.
pub fn followed_node(selected: Option<&str>, nodes: &[ChartNode]) -> Option<String> {
    selected
        .filter(|id| {
            nodes.iter().any(|(node, _, kind)| {
                node == id && !matches!(kind, NodeKind::Monitoring | NodeKind::Pipeline)
            })
        })
        .map(str::to_owned)
        .or_else(|| {
            nodes
                .iter()
                .find(|(_, _, kind)| *kind == NodeKind::Users)
                .map(|(id, _, _)| id.clone())
        })
        .or_else(|| nodes.first().map(|(id, _, _)| id.clone()))
}

/// "Following Server 1 (selected)", the line above the charts.
pub fn following_heading(name: &str, selected: bool) -> String {
    if selected {
        format!("Following {name} (selected)")
    } else {
        format!("Following {name} — select a node on the canvas to chart it")
    }
}

/// Keeps one sample per simulated second of every version at every server or group that runs
/// releases: a time going backwards starts a new run; the last [`KEPT_BUSINESS_SECONDS`] seconds
/// are kept.
pub fn record_versions(samples: &mut Vec<VersionSample>, snapshot: &Snapshot) {
    if samples
        .last()
        .is_some_and(|last| last.time_s > snapshot.time_s)
    {
        samples.clear();
    }
    for node in &snapshot.nodes {
        for version in &node.versions {
            samples.push(VersionSample {
                time_s: snapshot.time_s,
                node: node.id.clone(),
                version: version.version.clone(),
                throughput: version.throughput,
                error_rate: version.error_rate,
            });
        }
    }
    let oldest = snapshot.time_s - KEPT_BUSINESS_SECONDS as f64;
    if samples.first().is_some_and(|first| first.time_s < oldest) {
        samples.retain(|sample| sample.time_s >= oldest);
    }
}

/// Keeps one business sample per simulated second (the engine has no series of the run's totals):
/// a time going backwards starts a new run, and at most [`KEPT_BUSINESS_SECONDS`] are kept.
pub fn record_business(samples: &mut Vec<BusinessSample>, snapshot: &Snapshot) {
    if samples
        .last()
        .is_some_and(|last| last.time_s > snapshot.time_s)
    {
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
}
