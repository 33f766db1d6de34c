//! What the canvas, the inspector's Release panel and the report say about releases: a pipeline's
//! state in a line (its stage and progress, "awaiting approval", "live v2"), the versions a server
//! or group runs (a badge such as "v1 90 % · v2 10 %", and one pip per instance coloured by its
//! version), a release's stages in words, and the four DORA keys with the table of releases.
//!
//! Everything here reads the engine's snapshot types ([`PipelineFigures`], [`VersionFigures`],
//! [`ReleaseRecord`], [`Dora`]); nothing is decided in the components.

use engine::release::{Dora, ReleaseOutcome, ReleaseRecord, Stage, StageOutcome, StageRecord};
use engine::snapshot::{PipelineFigures, VersionFigures};

use super::format::{clock, duration};

/// How many version colours the style sheet has (`.version--0` … `.version--5`).
pub const VERSION_COLOURS: usize = 6;

/// The colour slot of a version, the same for a name wherever and whenever it shows: `vN` takes
/// slot `(N − 1) mod 6`, so consecutive versions never share a colour; any other name a slot from
/// a hash of its letters.
pub fn version_colour(name: &str) -> usize {
    match version_number(name) {
        Some(number) => (number.saturating_sub(1) % VERSION_COLOURS as u64) as usize,
        None => {
            // FNV-1a: fixed, so a name keeps its colour from run to run.
            let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
            (hash % VERSION_COLOURS as u64) as usize
        }
    }
}

/// The number of a version named `vN` (`v12` → 12; `v3-hotfix`, `v2.1` → their leading number).
pub fn version_number(name: &str) -> Option<u64> {
    let rest = name.trim().strip_prefix(['v', 'V'])?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A pipeline's state on its canvas box: one line, the current stage's progress (0..=1) for the
/// gauge, and whether it waits for someone.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineState {
    pub line: String,
    pub progress: Option<f64>,
    pub waiting: bool,
}

/// The state of a pipeline at `now_s`: the release in the stages and how far its stage is
/// ("v3 build 45 %"), or that it awaits approval; the release being deployed with its share of the
/// traffic ("deploying v2 10 %"); else the version live in production ("live v2"). Releases queued
/// behind are counted.
pub fn pipeline_state(
    figures: &PipelineFigures,
    releases: &[ReleaseRecord],
    now_s: f64,
) -> PipelineState {
    let mut parts: Vec<String> = Vec::new();
    let mut progress = None;
    let mut waiting = false;
    if let Some(version) = &figures.awaiting_approval {
        parts.push(format!("{version} awaiting approval"));
        waiting = true;
    } else if let Some((version, stage, started_s, duration_s)) = &figures.current {
        match duration_s {
            Some(length) if *length > 0.0 => {
                let done = ((now_s - started_s) / length).clamp(0.0, 1.0);
                progress = Some(done);
                parts.push(format!(
                    "{version} {} {:.0}{NO_BREAK}%",
                    stage.label(),
                    (done * 100.0).floor()
                ));
            }
            _ => parts.push(format!("{version} {}", stage.label())),
        }
    }
    if let Some(version) = &figures.deploying {
        let share = releases
            .iter()
            .rev()
            .find(|record| {
                record.version == *version && record.outcome == ReleaseOutcome::Deploying
            })
            .map(ReleaseRecord::share)
            .filter(|share| *share > 0.0);
        parts.push(match share {
            Some(share) => format!("deploying {version} {}", share_text(share)),
            None => format!("deploying {version}"),
        });
    }
    if parts.is_empty() {
        parts.push(format!("live {}", figures.live));
    }
    if figures.queued > 0 {
        parts.push(format!("{} queued", figures.queued));
    }
    PipelineState {
        line: parts.join(" · "),
        progress,
        waiting,
    }
}

/// One version's part of a server's or group's badge: its name, colour and share of new requests.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionShare {
    pub version: String,
    pub colour: usize,
    /// "90 %"; empty when it is the only version serving.
    pub share: String,
}

/// The versions a server or group serves, for its badge ("v1 90 % · v2 10 %"): those with a share
/// of new requests, the design's own first; a single one is named without a share. Empty when no
/// release exists yet, or nothing serves (the box says it is down).
pub fn version_shares(versions: &[VersionFigures]) -> Vec<VersionShare> {
    let serving: Vec<&VersionFigures> = versions
        .iter()
        .filter(|version| version.share > 0.0)
        .collect();
    let alone = serving.len() == 1;
    serving
        .into_iter()
        .map(|version| VersionShare {
            version: version.version.clone(),
            colour: version_colour(&version.version),
            share: if alone {
                String::new()
            } else {
                share_text(version.share)
            },
        })
        .collect()
}

/// What a load balancer sends to each version: its backends' versions, each backend weighted by
/// the share of the balancer's traffic it answered in the last second (a canary behind it reads
/// "v1 90 % · v2 10 %" on the balancer too). Empty when no backend runs a release.
pub fn behind_load_balancer(snapshot: &engine::Snapshot, id: &str) -> Vec<VersionFigures> {
    let Some(node) = snapshot.node(id) else {
        return Vec::new();
    };
    let backends: Vec<&engine::snapshot::NodeSnapshot> = node
        .backends
        .iter()
        .filter_map(|backend| snapshot.node(&backend.node))
        .filter(|backend| !backend.versions.is_empty())
        .collect();
    let total: f64 = backends.iter().map(|backend| backend.throughput).sum();
    let mut combined: Vec<VersionFigures> = Vec::new();
    for backend in &backends {
        let weight = if total > 0.0 {
            backend.throughput / total
        } else {
            1.0 / backends.len() as f64
        };
        for version in &backend.versions {
            match combined.iter_mut().find(|v| v.version == version.version) {
                Some(entry) => {
                    entry.share += version.share * weight;
                    entry.serving += version.serving;
                    entry.throughput += version.throughput;
                }
                None => combined.push(VersionFigures {
                    share: version.share * weight,
                    ..version.clone()
                }),
            }
        }
    }
    combined
}

/// A box's version badge: the shares, and its pips with how many more there are.
pub type NodeVersions = (Vec<VersionShare>, (Vec<Pip>, usize));

/// What a node's box shows of versions: a server or group its shares and one pip per instance
/// (pips and how many more), a load balancer the split behind it (no pips); `None` for other kinds
/// and before any release.
pub fn node_versions(
    snapshot: &engine::Snapshot,
    id: &str,
    kind: engine::NodeKind,
) -> Option<NodeVersions> {
    let (shares, pips) = match kind {
        engine::NodeKind::LoadBalancer => (
            version_shares(&behind_load_balancer(snapshot, id)),
            (Vec::new(), 0),
        ),
        engine::NodeKind::Server | engine::NodeKind::AutoscalingGroup => {
            let versions = &snapshot.node(id)?.versions;
            (version_shares(versions), instance_pips(versions))
        }
        _ => return None,
    };
    (!shares.is_empty()).then_some((shares, pips))
}

/// The badge in words, for a screen reader and a tooltip: "v1 90 %, v2 10 %".
pub fn versions_words(shares: &[VersionShare]) -> String {
    shares
        .iter()
        .map(|share| {
            if share.share.is_empty() {
                share.version.clone()
            } else {
                format!("{} {}", share.version, share.share)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an instance is doing, for its pip's look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PipState {
    Serving,
    Starting,
    Draining,
    /// Running out of rotation (a blue-green fleet before or after its switch).
    Idle,
}

impl PipState {
    pub fn class(self) -> &'static str {
        match self {
            PipState::Serving => "serving",
            PipState::Starting => "starting",
            PipState::Draining => "draining",
            PipState::Idle => "idle",
        }
    }
}

/// One instance on a box: its version's colour and what it does.
#[derive(Clone, Debug, PartialEq)]
pub struct Pip {
    pub version: String,
    pub colour: usize,
    pub state: PipState,
}

/// The most pips a box shows; the rest are counted ("+3").
pub const MAX_PIPS: usize = 12;

/// The instances of a server or group as pips, version by version (the design's own first), each
/// version's serving ones first; at most [`MAX_PIPS`], with how many more there are.
pub fn instance_pips(versions: &[VersionFigures]) -> (Vec<Pip>, usize) {
    let mut pips = Vec::new();
    for version in versions {
        for (state, count) in [
            (PipState::Serving, version.serving),
            (PipState::Starting, version.starting),
            (PipState::Draining, version.draining),
            (PipState::Idle, version.idle),
        ] {
            for _ in 0..count {
                pips.push(Pip {
                    version: version.version.clone(),
                    colour: version_colour(&version.version),
                    state,
                });
            }
        }
    }
    let more = pips.len().saturating_sub(MAX_PIPS);
    pips.truncate(MAX_PIPS);
    (pips, more)
}

/// One version at a server or group, for the inspector: "v2: 10 % of new requests · 2 serving,
/// 1 starting".
pub fn version_detail(version: &VersionFigures) -> String {
    let mut instances: Vec<String> = Vec::new();
    for (count, what) in [
        (version.serving, "serving"),
        (version.starting, "starting"),
        (version.draining, "draining"),
        (version.idle, "idle"),
    ] {
        if count > 0 {
            instances.push(format!("{count} {what}"));
        }
    }
    if instances.is_empty() {
        instances.push("no instances".to_owned());
    }
    format!(
        "{}: {} of new requests · {}",
        version.version,
        share_text(version.share),
        instances.join(", ")
    )
}

/// A share of traffic as people read it: "10 %", "0.5 %", "100 %", with a no-break space before
/// the sign so a narrow box never wraps it onto a line of its own.
pub fn share_text(share: f64) -> String {
    let percent = share * 100.0;
    if percent > 0.0 && percent < 1.0 {
        format!("{percent:.1}{NO_BREAK}%")
    } else {
        format!("{percent:.0}{NO_BREAK}%")
    }
}

/// A no-break space.
const NO_BREAK: char = '\u{a0}';

/// A stage of a release in words, at `now_s`: "checks passed in 10.0 s", "build 12.0 s of
/// 20.0 s", "approval waiting for Approve", "deploy failed after 1 min 50 s", "approval skipped".
/// `planned_s` is how long the stage lasts, when the pipeline says (its current stage).
pub fn stage_line(stage: &StageRecord, now_s: f64, planned_s: Option<f64>) -> String {
    let name = stage.stage.label();
    let took = stage.ended_s.unwrap_or(now_s) - stage.started_s;
    match stage.outcome {
        StageOutcome::Passed => format!("{name} passed in {}", duration(took)),
        StageOutcome::Failed => format!("{name} failed after {}", duration(took)),
        StageOutcome::Skipped => format!("{name} skipped"),
        StageOutcome::Running => match (stage.stage, planned_s) {
            (Stage::Approval, None) => format!("{name} waiting for Approve"),
            (_, Some(planned)) => format!(
                "{name} {} of {}",
                duration(took.min(planned)),
                duration(planned)
            ),
            (_, None) => format!("{name} running for {}", duration(took)),
        },
    }
}

/// One release in the Release panel's list.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseRow {
    /// The record's id, a stable key for the list.
    pub id: u32,
    /// "v2", "v2 (hot fix)", "v1 (rollback)".
    pub version: String,
    pub outcome: String,
    /// The outcome's CSS modifier: `live`, `failed`, `active` or `done`.
    pub tone: &'static str,
    pub defect: Option<String>,
    pub stages: Vec<String>,
    /// "10 % of the traffic" while it has a share, else empty.
    pub traffic: String,
}

/// The releases of `pipeline`, newest first, as the Release panel lists them at `now_s`; the
/// current stage's planned length comes from the pipeline's figures.
pub fn release_rows(
    releases: &[ReleaseRecord],
    pipeline: &str,
    figures: Option<&PipelineFigures>,
    now_s: f64,
) -> Vec<ReleaseRow> {
    releases
        .iter()
        .rev()
        .filter(|record| record.pipeline == pipeline)
        .map(|record| {
            let planned = |stage: Stage| {
                figures
                    .and_then(|figures| figures.current.as_ref())
                    .filter(|(version, current, ..)| {
                        *version == record.version && *current == stage
                    })
                    .and_then(|(.., planned)| *planned)
            };
            let share = record.share();
            ReleaseRow {
                id: record.id,
                version: version_title(record),
                outcome: record.outcome.label().to_owned(),
                tone: outcome_tone(record.outcome),
                defect: record.defect.map(|defect| defect.describe()),
                stages: record
                    .stages
                    .iter()
                    .map(|stage| stage_line(stage, now_s, planned(stage.stage)))
                    .collect(),
                traffic: if share > 0.0 && record.outcome != ReleaseOutcome::Replaced {
                    format!("{} of the traffic", share_text(share))
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

fn version_title(record: &ReleaseRecord) -> String {
    if record.rollback_to.is_some() {
        format!("{} (rollback)", record.version)
    } else if record.expedited {
        format!("{} (hot fix)", record.version)
    } else {
        record.version.clone()
    }
}

fn outcome_tone(outcome: ReleaseOutcome) -> &'static str {
    match outcome {
        ReleaseOutcome::Live => "live",
        ReleaseOutcome::Caught | ReleaseOutcome::RolledBack | ReleaseOutcome::Stalled => "failed",
        ReleaseOutcome::InPipeline | ReleaseOutcome::Deploying => "active",
        ReleaseOutcome::Replaced => "done",
    }
}

/// One of the four DORA keys in the report.
#[derive(Clone, Debug, PartialEq)]
pub struct DoraKey {
    pub label: &'static str,
    /// The measured value, or "—" when the run cannot measure it yet.
    pub value: String,
    /// What it is measured from, or why it cannot be.
    pub note: String,
}

/// The four DORA keys as the report shows them: deployment frequency, lead time for changes, change
/// failure rate and time to restore service, each "—" with the reason while not measurable.
pub fn dora_keys(dora: &Dora) -> [DoraKey; 4] {
    let deployments = match dora.deployments {
        1 => "1 release reached all of production".to_owned(),
        count => format!("{count} releases reached all of production"),
    };
    let unrestored = match dora.unrestored {
        0 => String::new(),
        1 => "; 1 failed change not restored yet".to_owned(),
        count => format!("; {count} failed changes not restored yet"),
    };
    [
        DoraKey {
            label: "Deployment frequency",
            value: if dora.deployments == 0 {
                "—".to_owned()
            } else {
                format!("{} per day", per_day(dora.per_day))
            },
            note: if dora.deployments == 0 {
                "no release has reached all of production yet".to_owned()
            } else {
                deployments
            },
        },
        DoraKey {
            label: "Lead time for changes",
            value: dora.lead_time_s.map_or("—".to_owned(), duration),
            note: if dora.lead_time_s.is_some() {
                "median, commit → all of production".to_owned()
            } else {
                "no release has reached all of production yet".to_owned()
            },
        },
        DoraKey {
            label: "Change failure rate",
            value: dora
                .change_failure_rate
                .map_or("—".to_owned(), |rate| format!("{:.0} %", rate * 100.0)),
            note: if dora.change_failure_rate.is_some() {
                "failed in production (rolled back, stalled or with a bug), of those that reached it".to_owned()
            } else {
                "no release has reached production yet".to_owned()
            },
        },
        DoraKey {
            label: "Time to restore service",
            value: dora.time_to_restore_s.map_or("—".to_owned(), duration),
            note: match dora.time_to_restore_s {
                Some(_) => format!("median, first traffic → restored{unrestored}"),
                None if dora.unrestored > 0 => format!("nothing restored yet{unrestored}"),
                None => "no change has failed in production".to_owned(),
            },
        },
    ]
}

/// Deployments per day: whole from ten up, else with one decimal ("1440", "2.5").
fn per_day(value: f64) -> String {
    if value >= 10.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.1}");
        text.strip_suffix(".0").unwrap_or(&text).to_owned()
    }
}

/// One row of the report's table of releases.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseTableRow {
    pub id: u32,
    pub version: String,
    pub pipeline: String,
    /// When it was committed, on the run's clock.
    pub committed: String,
    pub outcome: String,
    pub tone: &'static str,
    /// When production traffic first went to it, or "—".
    pub first_traffic: String,
    /// "live at 02:10", "rolled back at 02:55", "restored at 03:00" or "—".
    pub ended: String,
    /// "55 of 1 853" (failed of answered by instances running it), or "—" before any.
    pub failed: String,
}

/// Every release of the run, oldest first, for the report's table.
pub fn release_table(releases: &[ReleaseRecord]) -> Vec<ReleaseTableRow> {
    releases
        .iter()
        .map(|record| {
            let answered = record.completed + record.failed;
            let ended = match (record.outcome, record.live_s, record.restored_s) {
                (ReleaseOutcome::RolledBack, _, Some(at)) => {
                    format!("rolled back at {}", clock(at))
                }
                (_, Some(at), _) => format!("live at {}", clock(at)),
                (_, None, Some(at)) => format!("restored at {}", clock(at)),
                _ => "—".to_owned(),
            };
            ReleaseTableRow {
                id: record.id,
                version: version_title(record),
                pipeline: record.pipeline.clone(),
                committed: clock(record.committed_s),
                outcome: record.outcome.label().to_owned(),
                tone: outcome_tone(record.outcome),
                first_traffic: record.first_traffic_s.map_or("—".to_owned(), clock),
                ended,
                failed: if answered == 0 {
                    "—".to_owned()
                } else {
                    format!("{} of {}", record.failed, answered)
                },
            }
        })
        .collect()
}
