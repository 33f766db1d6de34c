//! Releases in words: the pipeline's line, the versions' badge and pips, stages, the Release
//! panel's list, the DORA keys and the report's table, read off real runs of the Release day
//! preset (a canary of v2 with a payment bug, rolled back after three failed checks).

use engine::release::{Dora, ReleaseOutcome, Stage, StageOutcome, StageRecord};
use engine::snapshot::{PipelineFigures, VersionFigures};
use engine::{NodeKind, Simulation, Snapshot, presets};

use crate::observe::releases::{
    MAX_PIPS, PipState, behind_load_balancer, dora_keys, instance_pips, node_versions,
    pipeline_state, release_rows, release_table, share_text, stage_line, version_colour,
    version_detail, version_shares, versions_words,
};

/// The Release day preset after `seconds` (v2 is committed at 5 s, takes 10 % at 85 s and is
/// rolled back at 175 s).
fn release_day(seconds: f64) -> Snapshot {
    let mut simulation = Simulation::new(&presets::release_day(), 1).expect("a valid preset");
    simulation.advance(seconds);
    simulation.snapshot()
}

fn figures(snapshot: &Snapshot, id: &str) -> PipelineFigures {
    snapshot
        .node(id)
        .and_then(|node| node.pipeline.clone())
        .expect("a pipeline")
}

#[test]
fn a_pipeline_says_its_stage_and_how_far_it_is() {
    let snapshot = release_day(25.0);
    let state = pipeline_state(&figures(&snapshot, "ci"), &snapshot.releases, 25.0);
    // Build runs 15–35 s: half done at 25 s.
    assert_eq!(state.line, "v2 build 50\u{a0}%");
    assert_eq!(state.progress, Some(0.5));
    assert!(!state.waiting);
}

#[test]
fn a_pipeline_says_what_it_deploys_with_its_share_then_what_is_live() {
    let snapshot = release_day(100.0);
    let state = pipeline_state(&figures(&snapshot, "ci"), &snapshot.releases, 100.0);
    assert_eq!(state.line, "deploying v2 10\u{a0}%");
    assert_eq!(state.progress, None);
    let snapshot = release_day(200.0);
    let state = pipeline_state(&figures(&snapshot, "ci"), &snapshot.releases, 200.0);
    assert_eq!(state.line, "live v1", "rolled back");
}

#[test]
fn a_pipeline_waiting_for_approval_and_with_a_queue_says_so() {
    let figures = PipelineFigures {
        current: Some(("v3".to_owned(), Stage::Approval, 40.0, None)),
        awaiting_approval: Some("v3".to_owned()),
        deploying: None,
        live: "v2".to_owned(),
        queued: 2,
        can_roll_back: true,
    };
    let state = pipeline_state(&figures, &[], 50.0);
    assert_eq!(state.line, "v3 awaiting approval · 2 queued");
    assert!(state.waiting);
    assert_eq!(state.progress, None);
}

fn version(name: &str, serving: u32, starting: u32, share: f64) -> VersionFigures {
    VersionFigures {
        id: 0,
        version: name.to_owned(),
        serving,
        starting,
        draining: 0,
        idle: 0,
        share,
        throughput: 0.0,
        error_rate: 0.0,
    }
}

#[test]
fn a_group_in_a_canary_shows_both_versions_with_their_shares() {
    let snapshot = release_day(100.0);
    let web = snapshot.node("web").expect("the web group");
    let shares = version_shares(&web.versions);
    assert_eq!(versions_words(&shares), "v1 90\u{a0}%, v2 10\u{a0}%");
    assert_ne!(shares[0].colour, shares[1].colour);
    let (pips, more) = instance_pips(&web.versions);
    assert_eq!(more, 0);
    assert!(pips.iter().any(|pip| pip.version == "v2"), "{pips:?}");
    assert!(pips.iter().all(|pip| pip.state == PipState::Serving));
}

#[test]
fn one_version_is_named_without_a_share_and_nothing_shows_before_any_release() {
    let alone = version_shares(&[version("v1", 4, 0, 1.0), version("v2", 0, 2, 0.0)]);
    assert_eq!(versions_words(&alone), "v1");
    assert!(version_shares(&[]).is_empty());
    let (pips, _) = instance_pips(&[version("v1", 4, 0, 1.0), version("v2", 0, 2, 0.0)]);
    let states: Vec<(&str, PipState)> = pips
        .iter()
        .map(|pip| (pip.version.as_str(), pip.state))
        .collect();
    assert_eq!(states[3], ("v1", PipState::Serving));
    assert_eq!(states[4], ("v2", PipState::Starting));
    let (pips, more) = instance_pips(&[version("v1", 20, 0, 1.0)]);
    assert_eq!((pips.len(), more), (MAX_PIPS, 20 - MAX_PIPS));
}

#[test]
fn versions_keep_their_colour_and_neighbours_differ() {
    assert_eq!(version_colour("v2"), version_colour("v2"));
    assert_eq!(version_colour("v1"), 0);
    assert_eq!(version_colour("v7"), 0, "six colours, then round again");
    for number in 1..6 {
        assert_ne!(
            version_colour(&format!("v{number}")),
            version_colour(&format!("v{}", number + 1))
        );
    }
    assert_eq!(version_colour("green"), version_colour("green"));
    assert_eq!(share_text(0.1), "10\u{a0}%");
    assert_eq!(share_text(0.004), "0.4\u{a0}%");
    let mut canary = version("v2", 2, 1, 0.1);
    assert_eq!(
        version_detail(&canary),
        "v2: 10\u{a0}% of new requests · 2 serving, 1 starting"
    );
    canary.serving = 0;
    canary.starting = 0;
    assert_eq!(
        version_detail(&canary),
        "v2: 10\u{a0}% of new requests · no instances"
    );
}

#[test]
fn a_stage_reads_as_a_sentence() {
    let stage = |stage, ended_s, outcome| StageRecord {
        stage,
        started_s: 10.0,
        ended_s,
        outcome,
    };
    assert_eq!(
        stage_line(
            &stage(Stage::Checks, Some(20.0), StageOutcome::Passed),
            30.0,
            None
        ),
        "checks passed in 10.0 s"
    );
    assert_eq!(
        stage_line(
            &stage(Stage::Build, None, StageOutcome::Running),
            22.0,
            Some(20.0)
        ),
        "build 12.0 s of 20.0 s"
    );
    assert_eq!(
        stage_line(
            &stage(Stage::Approval, None, StageOutcome::Running),
            22.0,
            None
        ),
        "approval waiting for Approve"
    );
    assert_eq!(
        stage_line(
            &stage(Stage::Deploy, Some(120.0), StageOutcome::Failed),
            130.0,
            None
        ),
        "deploy failed after 1 min 50 s"
    );
    assert_eq!(
        stage_line(
            &stage(Stage::Approval, Some(10.0), StageOutcome::Skipped),
            30.0,
            None
        ),
        "approval skipped"
    );
    assert_eq!(
        stage_line(
            &stage(Stage::Deploy, None, StageOutcome::Running),
            40.0,
            None
        ),
        "deploy running for 30.0 s"
    );
}

#[test]
fn the_release_panel_lists_a_pipelines_releases_with_stages_and_traffic() {
    let snapshot = release_day(100.0);
    let rows = release_rows(
        &snapshot.releases,
        "ci",
        snapshot.node("ci").and_then(|node| node.pipeline.as_ref()),
        100.0,
    );
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.version, "v2");
    assert_eq!(row.outcome, "deploying");
    assert_eq!(row.tone, "active");
    assert_eq!(row.defect.as_deref(), Some("50 % of payments fail"));
    assert_eq!(
        row.stages,
        [
            "checks passed in 10.0 s",
            "build passed in 20.0 s",
            "test passed in 30.0 s",
            "deploy running for 35.0 s"
        ]
    );
    assert_eq!(row.traffic, "10\u{a0}% of the traffic");
    assert!(release_rows(&snapshot.releases, "other", None, 100.0).is_empty());

    let snapshot = release_day(200.0);
    let rows = release_rows(&snapshot.releases, "ci", None, 200.0);
    assert_eq!(rows[0].outcome, "rolled back");
    assert_eq!(rows[0].tone, "failed");
    assert_eq!(rows[0].traffic, "");
    assert_eq!(rows[0].stages[3], "deploy failed after 1 min 50 s");
}

#[test]
fn the_report_tells_the_dora_keys_and_dashes_what_it_cannot_measure() {
    let keys = dora_keys(&Dora::default());
    let values: Vec<&str> = keys.iter().map(|key| key.value.as_str()).collect();
    assert_eq!(values, ["—", "—", "—", "—"]);
    assert_eq!(keys[0].label, "Deployment frequency");
    assert_eq!(keys[0].note, "no release has reached all of production yet");

    let snapshot = release_day(200.0);
    let keys = dora_keys(&snapshot.dora);
    let values: Vec<&str> = keys.iter().map(|key| key.value.as_str()).collect();
    // Nothing reached all of production; the one change in production failed, restored by the
    // rollback 1 min 30 s after its first traffic.
    assert_eq!(values, ["—", "—", "100 %", "1 min 30 s"]);

    let measured = Dora {
        deployments: 3,
        per_day: 1440.0,
        lead_time_s: Some(95.0),
        change_failure_rate: Some(1.0 / 3.0),
        time_to_restore_s: None,
        unrestored: 1,
    };
    let keys = dora_keys(&measured);
    assert_eq!(keys[0].value, "1440 per day");
    assert_eq!(keys[0].note, "3 releases reached all of production");
    assert_eq!(keys[1].value, "1 min 35 s");
    assert_eq!(keys[2].value, "33 %");
    assert_eq!(keys[3].value, "—");
    assert_eq!(
        keys[3].note,
        "nothing restored yet; 1 failed change not restored yet"
    );
}

#[test]
fn the_report_tables_every_release() {
    let snapshot = release_day(200.0);
    let rows = release_table(&snapshot.releases);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (
            row.version.as_str(),
            row.pipeline.as_str(),
            row.committed.as_str(),
            row.outcome.as_str(),
            row.first_traffic.as_str(),
            row.ended.as_str()
        ),
        (
            "v2",
            "ci",
            "00:05",
            "rolled back",
            "01:25",
            "rolled back at 02:55"
        )
    );
    let record = &snapshot.releases[0];
    assert_eq!(
        row.failed,
        format!("{} of {}", record.failed, record.completed + record.failed)
    );
    assert!(record.failed > 0);
    assert_eq!(record.outcome, ReleaseOutcome::RolledBack);
}

#[test]
fn a_load_balancer_in_front_of_a_canary_shows_its_split() {
    let snapshot = release_day(100.0);
    let behind = behind_load_balancer(&snapshot, "lb");
    let shares = version_shares(&behind);
    assert_eq!(versions_words(&shares), "v1 90\u{a0}%, v2 10\u{a0}%");
    // Before any release, nothing to show.
    let before = release_day(2.0);
    assert!(behind_load_balancer(&before, "lb").is_empty());
    assert!(behind_load_balancer(&snapshot, "nobody").is_empty());
    // What each box shows: the balancer its split without pips, the group pips too, others nothing.
    let (lb, (pips, _)) = node_versions(&snapshot, "lb", NodeKind::LoadBalancer).expect("a split");
    assert_eq!(versions_words(&lb), "v1 90\u{a0}%, v2 10\u{a0}%");
    assert!(pips.is_empty());
    let (_, (pips, _)) =
        node_versions(&snapshot, "web", NodeKind::AutoscalingGroup).expect("versions");
    assert_eq!(pips.len(), 6);
    assert!(node_versions(&snapshot, "database", NodeKind::Database).is_none());
    assert!(node_versions(&before, "web", NodeKind::AutoscalingGroup).is_none());
}
