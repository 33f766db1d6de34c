//! Runs as files: a recorded run replays to the live run's digest, a seek gives the state of a
//! straight run stopped there, a fork keeps its prefix, bad files are refused whole with a typed
//! error, and random streams by purpose give common random numbers.

use engine::design::Fault;
use engine::params::NodeParams;
use engine::run_file::{KEYFRAME_EVERY_NS, format_digest};
use engine::{
    Design, LiveCommand, Replayer, RunAction, RunEntry, RunFile, RunProblem, Simulation, presets,
};
use proptest::prelude::*;

const SECOND: u64 = 1_000_000_000;

/// Plays `design` as the app does — frames of 1/60 s under a small event budget, so a frame often
/// stops between two events of one instant — applying `script` (nanoseconds, action) when its time has
/// come, and records the run file as the app's recorder does.
fn play(
    design: &Design,
    seed: u64,
    seconds: f64,
    script: &[(u64, RunAction)],
) -> (Simulation, RunFile) {
    let mut simulation = Simulation::new(design, seed).expect("valid");
    let mut file = RunFile::new(design.clone(), seed);
    let mut next = 0;
    let mut target: u64 = 0;
    let end = (seconds * 1e9) as u64;
    while simulation.now_ns() < end {
        target = (target + SECOND / 60).min(end);
        while !simulation.advance_with_budget(target, 700) {
            // The budget ran out mid-frame: a user's click lands between two events here.
            if let Some((at, action)) = script.get(next)
                && simulation.now_ns() >= *at
            {
                record(&mut simulation, &mut file, action.clone());
                next += 1;
            }
        }
        while let Some((at, action)) = script.get(next)
            && simulation.now_ns() >= *at
        {
            record(&mut simulation, &mut file, action.clone());
            next += 1;
        }
    }
    file.end_ns = simulation.now_ns();
    file.digest = Some(simulation.digest());
    (simulation, file)
}

fn record(simulation: &mut Simulation, file: &mut RunFile, action: RunAction) {
    match &action {
        RunAction::Live(command) => simulation.apply(command.clone()).expect("accepted"),
        RunAction::Edit(design) => simulation.reconfigure(design).expect("accepted"),
        _ => {}
    }
    file.timeline.push(RunEntry {
        at_ns: simulation.now_ns(),
        action,
    });
}

/// A run with every kind of action: kill and restart, new parameters, an injected fault, a server
/// added, an edit that removes a server, an acknowledgement, a resolution and a marker.
fn scripted() -> (Design, Vec<(u64, RunAction)>) {
    let design = presets::horizontal_scaling();
    let mut slower = design.node("server-2").expect("server-2").params.clone();
    if let NodeParams::Server(server) = &mut slower {
        server.workers = Some(server.worker_count() + 2);
    }
    let mut edited = design.clone();
    edited.nodes.retain(|node| node.id != "server-3");
    edited
        .links
        .retain(|link| link.from != "server-3" && link.to != "server-3");
    let script = vec![
        (
            2.0,
            RunAction::Live(LiveCommand::Kill {
                node: "server-1".to_owned(),
            }),
        ),
        (3.5, RunAction::Acknowledge { incident: 1 }),
        (
            4.0,
            RunAction::Live(LiveCommand::SetParams {
                node: "server-2".to_owned(),
                params: slower,
            }),
        ),
        (
            5.0,
            RunAction::Live(LiveCommand::Inject {
                fault: Fault::SlowDown {
                    node: "server-2".to_owned(),
                    factor: 3.0,
                },
                duration_s: Some(4.0),
            }),
        ),
        (
            6.0,
            RunAction::Live(LiveCommand::AddServer {
                node: "lb".to_owned(),
            }),
        ),
        (
            8.0,
            RunAction::Marker {
                note: "what if I had restarted here?".to_owned(),
            },
        ),
        (
            9.0,
            RunAction::Live(LiveCommand::Restart {
                node: "server-1".to_owned(),
            }),
        ),
        (11.0, RunAction::Edit(edited)),
        (12.0, RunAction::Resolve { incident: 1 }),
    ];
    let script = script
        .into_iter()
        .map(|(at_s, action)| ((at_s * 1e9) as u64, action))
        .collect();
    (design, script)
}

#[test]
fn a_recorded_run_replays_to_its_digest_through_its_file() {
    let (design, script) = scripted();
    let (live, file) = play(&design, 9, 40.0, &script);
    assert_eq!(file.timeline.len(), script.len());
    let text = file.to_json();
    let read = RunFile::from_json(&text).expect("a run file reads back");
    assert_eq!(read, file);
    let replayed = read.replay().expect("replays");
    assert_eq!(replayed.digest(), live.digest());
    assert_eq!(replayed.events_processed(), live.events_processed());
    assert_eq!(replayed.now_ns(), live.now_ns());
}

/// Everything a seek must reproduce: digest, totals, every node's figures (the log lines a snapshot
/// streams depend on when the last snapshot was taken, so they are compared through the report).
fn state(simulation: &mut Simulation) -> String {
    let mut snapshot = simulation.snapshot();
    snapshot.logs.clear();
    snapshot.notifications.clear();
    let report = simulation.report();
    format!(
        "{} {} {:?} {:?} {}",
        format_digest(simulation.digest()),
        simulation.events_processed(),
        snapshot.totals,
        snapshot.nodes,
        serde_json::to_string(&report.events).expect("events"),
    )
}

#[test]
fn a_seek_gives_the_state_of_a_straight_run_stopped_there() {
    let (design, script) = scripted();
    let (_, file) = play(&design, 4, 100.0, &script);
    let mut replayer = Replayer::new(file.clone()).expect("replayer");
    // Forward past several keyframes, then back, then between keyframes.
    for at_s in [95.0, 3.0, 61.5, 5.0, 31.0, 11.0, 99.9] {
        let at_ns = (at_s * 1e9) as u64;
        let mut sought = replayer.seek(at_ns).expect("seeks");
        // The straight run does what the recorded run did, at the instants it did it.
        let cut: Vec<(u64, RunAction)> = file
            .timeline
            .iter()
            .filter(|entry| entry.at_ns <= at_ns)
            .map(|entry| (entry.at_ns, entry.action.clone()))
            .collect();
        let (mut straight, _) = play(&design, 4, at_s, &cut);
        assert_eq!(sought.now_ns(), straight.now_ns());
        assert_eq!(state(&mut sought), state(&mut straight), "at {at_s} s");
    }
    // Keyframes were kept on the way: no seek re-runs more than one keyframe interval.
    assert!(
        replayer.keyframes() >= 3,
        "{} keyframes",
        replayer.keyframes()
    );
    let seek = replayer.begin(95 * SECOND);
    assert_eq!(seek.progress(), 0.0);
    assert!(95 * SECOND - seek.from_ns() <= KEYFRAME_EVERY_NS);
}

#[test]
fn a_budgeted_seek_reports_progress_and_arrives_at_the_same_state() {
    let (design, script) = scripted();
    let (_, file) = play(&design, 4, 70.0, &script);
    let mut whole = Replayer::new(file.clone()).expect("replayer");
    let mut straight = whole.seek(65 * SECOND).expect("seeks");
    let mut budgeted = Replayer::new(file).expect("replayer");
    let mut seek = budgeted.begin(65 * SECOND);
    let mut last = 0.0;
    let mut steps = 0;
    while !budgeted.step(&mut seek, 5_000).expect("steps") {
        let progress = seek.progress();
        assert!(progress >= last && progress <= 1.0);
        last = progress;
        steps += 1;
    }
    assert!(steps > 10, "{steps} steps");
    let mut arrived = seek.into_simulation();
    assert_eq!(state(&mut arrived), state(&mut straight));
}

#[test]
fn a_fork_keeps_the_digest_of_its_prefix() {
    let (design, script) = scripted();
    let (_, file) = play(&design, 6, 30.0, &script);
    let at = 7 * SECOND;
    let fork = file.truncated(at);
    assert!(fork.timeline.iter().all(|entry| entry.at_ns <= at));
    let mut replayer = Replayer::new(file).expect("replayer");
    let prefix = replayer.seek(at).expect("seeks");
    let forked = fork.replay().expect("replays");
    assert_eq!(forked.digest(), prefix.digest());
    // The fork then goes its own way.
    let mut forked = forked;
    forked
        .apply(LiveCommand::Restart {
            node: "server-1".to_owned(),
        })
        .expect("restarts");
    forked.advance(5.0);
    let mut original = replayer.seek(12 * SECOND).expect("seeks");
    assert_ne!(forked.digest(), original.digest());
    let _ = original.snapshot();
}

fn refused(text: &str) -> engine::RunError {
    RunFile::from_json(text).expect_err("refused")
}

#[test]
fn bad_run_files_are_refused_whole_with_a_typed_error() {
    let (design, script) = scripted();
    let (_, file) = play(&design, 2, 15.0, &script);
    let good = file.to_json();
    let mut value: serde_json::Value = serde_json::from_str(&good).expect("json");

    assert!(matches!(refused("{").problem, RunProblem::Malformed { .. }));
    assert!(matches!(
        refused(&good[..good.len() / 2]).problem,
        RunProblem::Malformed { .. }
    ));
    assert_eq!(refused(&design.to_json()).problem, RunProblem::NotARun);
    let oversized = " ".repeat(engine::run_file::MAX_RUN_BYTES + 1);
    assert!(matches!(
        refused(&oversized).problem,
        RunProblem::TooLarge { .. }
    ));

    let mutate = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut copy = value.clone();
        change(&mut copy);
        refused(&copy.to_string())
    };
    let newer = mutate(&|v| v["version"] = 2.into());
    assert_eq!(newer.path, "version");
    assert!(matches!(
        newer.problem,
        RunProblem::UnsupportedVersion { found: 2, .. }
    ));
    let unknown = mutate(&|v| v["timeline"][0]["live"]["command"] = "explode".into());
    assert_eq!(unknown.path, "timeline[0].live.command");
    let no_node = mutate(&|v| v["timeline"][0]["live"]["node"] = 7.into());
    // Inside a tagged command the path stops at the command; the message names what is wrong.
    assert_eq!(no_node.path, "timeline[0].live");
    assert!(no_node.to_string().contains("string"), "{no_node}");
    let order = mutate(&|v| v["timeline"][1]["at_ns"] = 1.into());
    assert_eq!(order.path, "timeline[1].at_ns");
    assert!(matches!(order.problem, RunProblem::OutOfOrder { .. }));
    let late = mutate(&|v| v["end_ns"] = 1_000.into());
    assert!(matches!(late.problem, RunProblem::AfterEnd { .. }));
    let bad_design = mutate(&|v| v["design"]["nodes"][1]["params"]["workers"] = 0.into());
    assert!(
        bad_design.path.starts_with("design.nodes[1].params"),
        "{}",
        bad_design.path
    );
    assert!(matches!(bad_design.problem, RunProblem::Design { .. }));
    let two = mutate(&|v| v["timeline"][0]["marker"] = serde_json::json!({"note": "x"}));
    assert_eq!(two.path, "timeline[0]");
    let bad_digest = mutate(&|v| v["digest"] = "xyz".into());
    assert_eq!(bad_digest.path, "digest");

    // Readable but not a run that happened: refused when replayed.
    value["timeline"][0]["live"]["node"] = "no-such-server".into();
    let ghost = RunFile::from_json(&value.to_string()).expect("reads");
    let Err(error) = ghost.replay() else {
        panic!("refused on replay")
    };
    assert_eq!(error.path, "timeline[0]");
    assert!(matches!(error.problem, RunProblem::Refused { .. }));
    let mut claimed = file;
    claimed.digest = Some(claimed.digest.expect("digest") ^ 1);
    let Err(mismatch) = claimed.replay() else {
        panic!("a digest that differs is refused")
    };
    assert!(matches!(
        mismatch.problem,
        RunProblem::DigestMismatch { .. }
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Damaged files: never a panic, and a file either reads whole or is refused with a path.
    #[test]
    fn damaged_run_files_never_panic(cut in 0usize..4000, flip in 0usize..4000, byte in 0u8..128) {
        let design = presets::single_server();
        let (_, file) = play(&design, 1, 3.0, &[(
            SECOND,
            RunAction::Live(LiveCommand::Kill { node: "server".to_owned() }),
        )]);
        let mut text = file.to_json().into_bytes();
        if flip < text.len() {
            text[flip] = byte;
        }
        text.truncate(cut.max(1).min(text.len()));
        if let Ok(text) = String::from_utf8(text)
            && let Ok(read) = RunFile::from_json(&text)
        {
            // Whatever reads must replay or be refused, never panic.
            let _ = read.replay();
        }
    }
}

#[test]
fn a_users_node_sees_the_same_traffic_under_another_topology() {
    // Common random numbers: the users node draws from its own streams, so a fourth server, a
    // cache in front of the database or a fault downstream leave its arrivals untouched — the
    // users node's arrival count, second by second for 200 s (10 000 arrivals), is the same in both runs.
    let three = presets::horizontal_scaling();
    let mut four = three.clone();
    four.nodes.push(engine::Node::new(
        "server-4",
        engine::NodeKind::Server,
        700.0,
        500.0,
    ));
    four.links.push(engine::Link::new("lb", "server-4", 1.0));
    let arrivals = |design: &Design| {
        let mut simulation = Simulation::new(design, 3).expect("valid");
        let mut counts = Vec::new();
        for _ in 0..200 {
            simulation.advance(1.0);
            counts.push(simulation.node_stats("users").expect("users").arrivals);
        }
        counts
    };
    assert_eq!(arrivals(&three), arrivals(&four));
}

#[test]
fn keyframes_stay_bounded_on_a_long_run() {
    let design = presets::single_server();
    let mut file = RunFile::new(design, 1);
    file.end_ns = 40 * 60 * SECOND;
    let mut replayer = Replayer::new(file).expect("replayer");
    let _ = replayer.seek(40 * 60 * SECOND).expect("seeks");
    assert!(replayer.keyframes() <= engine::run_file::MAX_KEYFRAMES);
    assert!(replayer.keyframes() >= engine::run_file::MAX_KEYFRAMES / 2);
    // Every seek still starts within one spacing of its target: the keyframes cover the run
    // evenly, at most a run's length over half the cap apart.
    let spacing = 40 * 60 * SECOND / (engine::run_file::MAX_KEYFRAMES as u64 / 2);
    for minute in [3, 17, 29, 39] {
        let seek = replayer.begin(minute * 60 * SECOND);
        assert!(
            minute * 60 * SECOND - seek.from_ns() <= spacing,
            "at {minute} min"
        );
    }
    // A clip's copy keeps one keyframe, the one it starts from.
    let window = replayer.from_instant(17 * 60 * SECOND);
    assert_eq!(window.keyframes(), 1);
    assert_eq!(
        window.begin(17 * 60 * SECOND).from_ns(),
        replayer.begin(17 * 60 * SECOND).from_ns()
    );
    assert!(KEYFRAME_EVERY_NS <= spacing);
}

#[test]
fn a_release_run_replays_through_its_file() {
    use engine::params::{Approval, PipelineParams};
    use engine::release::{Defect, Release};
    let mut design = presets::release_day();
    design.releases.clear();
    for node in &mut design.nodes {
        if let NodeParams::Pipeline(params) = &mut node.params {
            *params = PipelineParams {
                approval: Approval::Manual,
                ..params.clone()
            };
        }
    }
    let release = |version: &str, defect| Release {
        version: version.to_owned(),
        defect,
        expedited: false,
    };
    let script = vec![
        (
            2 * SECOND,
            RunAction::Live(LiveCommand::CommitRelease {
                pipeline: "ci".to_owned(),
                release: release("v2", Some(Defect::Latency { factor: 3.0 })),
            }),
        ),
        (
            70 * SECOND,
            RunAction::Live(LiveCommand::Approve {
                pipeline: "ci".to_owned(),
            }),
        ),
        (
            100 * SECOND,
            RunAction::Live(LiveCommand::RollBack {
                pipeline: "ci".to_owned(),
            }),
        ),
    ];
    let (mut live, file) = play(&design, 4, 130.0, &script);
    let read = RunFile::from_json(&file.to_json()).expect("a run file reads back");
    assert_eq!(read, file);
    let mut replayed = read.replay().expect("replays");
    assert_eq!(replayed.digest(), live.digest());
    let (a, b) = (live.snapshot(), replayed.snapshot());
    assert_eq!(a.releases, b.releases);
    assert_eq!(a.releases.len(), 2, "v2 and its rollback");
}
