//! The incident timeline, told from real engine runs: a design and a seed run with
//! `engine::Simulation`, its log streamed into the timeline as the runner streams it. No test here
//! writes a log line by hand, so rewording an engine log message changes no outcome.

use std::collections::{HashMap, VecDeque};

use engine::design::{Fault, ScheduledFault};
use engine::metrics::LogLine;
use engine::{Design, LiveCommand, Notification, Simulation, presets};

use crate::observe::clock_with_tenths;
use crate::observe::incidents::{Response, incidents, resolve};
use crate::observe::timeline::{LogMoments, Mark, TimelineEntry, timeline};

/// Log lines the stream keeps, as the runner keeps a bounded log: few, so the moments must outlive it.
const KEPT_LINES: usize = 40;

/// What a run published: the timeline's moments read from its streamed log, and its notifications.
struct Run {
    moments: LogMoments,
    notifications: VecDeque<Notification>,
    /// The streamed log as the runner would hold it at the end (the newest lines).
    log: VecDeque<LogLine>,
}

/// Runs `design` with `seed` for `seconds`, a snapshot every simulated second, applying each live
/// command at its second.
fn run(design: &Design, seed: u64, seconds: u32, live: &[(u32, LiveCommand)]) -> Run {
    run_reworded(design, seed, seconds, live, |_| {})
}

/// [`run`], with each log line's message changed by `reword` before the timeline reads it.
fn run_reworded(
    design: &Design,
    seed: u64,
    seconds: u32,
    live: &[(u32, LiveCommand)],
    reword: fn(&mut LogLine),
) -> Run {
    let mut simulation = Simulation::new(design, seed).expect("a valid design");
    let mut run = Run {
        moments: LogMoments::default(),
        notifications: VecDeque::new(),
        log: VecDeque::new(),
    };
    for second in 0..seconds {
        for (at, command) in live {
            if *at == second {
                simulation.apply(command.clone()).expect("a live command");
            }
        }
        simulation.advance(1.0);
        let snapshot = simulation.snapshot();
        run.log.extend(snapshot.logs.into_iter().map(|mut line| {
            reword(&mut line);
            line
        }));
        while run.log.len() > KEPT_LINES {
            run.log.pop_front();
        }
        run.moments.read_new(&run.log);
        run.notifications.extend(snapshot.notifications);
    }
    run
}

/// The entries as "mark node" (the node each is about, from the typed event).
fn told(entries: &[TimelineEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| format!("{:?} {}", entry.mark, entry.about))
        .collect()
}

fn marks(entries: &[TimelineEntry]) -> Vec<Mark> {
    entries.iter().map(|entry| entry.mark).collect()
}

fn first(entries: &[TimelineEntry], mark: Mark) -> &TimelineEntry {
    entries
        .iter()
        .find(|entry| entry.mark == mark)
        .unwrap_or_else(|| panic!("no {mark:?} in {entries:#?}"))
}

#[test]
fn a_killed_server_is_told_as_fault_then_first_errors_then_detection_then_restart() {
    let kill = LiveCommand::Kill {
        node: "server-1".to_owned(),
    };
    let restart = LiveCommand::Restart {
        node: "server-1".to_owned(),
    };
    let run = run(
        &presets::horizontal_scaling(),
        7,
        90,
        &[(20, kill), (60, restart)],
    );
    let entries = timeline(&run.moments, &VecDeque::new(), &[]);
    // The kill at 00:20 is still told although the streamed log kept only its last lines.
    assert!(run.log.front().is_some_and(|line| line.time_s > 60.0));
    let fault = first(&entries, Mark::Fault);
    let errors = first(&entries, Mark::Error);
    let detection = first(&entries, Mark::Detection);
    let mitigation = first(&entries, Mark::Mitigation);
    assert_eq!(clock_with_tenths(fault.time_s), "00:20.0");
    assert_eq!(
        (fault.about.as_str(), detection.about.as_str()),
        ("server-1", "server-1")
    );
    assert!(
        fault.time_s <= errors.time_s && errors.time_s <= detection.time_s,
        "{entries:#?}"
    );
    assert!(mitigation.time_s >= 60.0, "{mitigation:?}");
    assert_eq!(
        told(&entries),
        [
            "Fault server-1",
            "Error server-1",
            "Detection server-1",
            // Restarting, started, and healthy again in the load balancer's eyes.
            "Mitigation server-1",
            "Mitigation server-1",
            "Mitigation server-1",
        ],
        "{entries:#?}"
    );
}

#[test]
fn a_scheduled_fault_is_told_when_injected_and_when_healed() {
    let mut design = presets::horizontal_scaling();
    design.faults = vec![ScheduledFault {
        at_s: 10.0,
        duration_s: Some(20.0),
        fault: Fault::SlowDown {
            node: "server-2".to_owned(),
            factor: 3.0,
        },
    }];
    let run = run(&design, 3, 40, &[]);
    let entries = timeline(&run.moments, &VecDeque::new(), &[]);
    let injected = first(&entries, Mark::Fault);
    let healed = first(&entries, Mark::Mitigation);
    assert_eq!(
        (
            clock_with_tenths(injected.time_s),
            clock_with_tenths(healed.time_s)
        ),
        ("00:10.0".to_owned(), "00:30.0".to_owned()),
        "{entries:#?}"
    );
    assert!(injected.text.contains("server-2"), "{injected:?}");
    assert!(healed.text.contains("server-2"), "{healed:?}");
}

#[test]
fn alerts_and_the_responders_actions_join_the_log_moments_in_time_order() {
    let mut design = presets::distributed();
    design.faults = vec![ScheduledFault {
        at_s: 20.0,
        duration_s: Some(30.0),
        fault: Fault::Kill {
            node: "web".to_owned(),
        },
    }];
    let run = run(&design, 3, 90, &[]);
    let mut responses: HashMap<_, Response> = HashMap::new();
    let opened = incidents(&run.notifications, &responses);
    let incident = opened.first().expect("the error-rate alert pages someone");
    resolve(
        &mut responses,
        incident.key.clone(),
        incident.opened_s + 4.0,
    );
    let incidents = incidents(&run.notifications, &responses);
    let entries = timeline(&run.moments, &run.notifications, &incidents);
    let times: Vec<f64> = entries.iter().map(|entry| entry.time_s).collect();
    assert!(times.is_sorted(), "{entries:#?}");
    let fault = first(&entries, Mark::Fault);
    let alert = first(&entries, Mark::Alert);
    let response = first(&entries, Mark::Incident);
    assert!(fault.time_s < alert.time_s, "{entries:#?}");
    assert_eq!(response.time_s, incident.opened_s + 4.0);
    assert_eq!(response.text, "Incident #1 acknowledged after 4.0 s");
    assert!(
        marks(&entries).contains(&Mark::Mitigation),
        "the fault heals: {entries:#?}"
    );
}

#[test]
fn a_new_run_starts_the_story_again_and_nothing_new_changes_nothing() {
    let kill = LiveCommand::Kill {
        node: "server-1".to_owned(),
    };
    let first_run = run(&presets::horizontal_scaling(), 7, 30, &[(10, kill)]);
    let mut moments = first_run.moments;
    assert!(!moments.entries.is_empty());
    // Nothing arrived since: nothing changes.
    assert!(!moments.read_new(&first_run.log));

    // A reset: the runner's log starts again with the new run's lines.
    let second_run = run(&presets::horizontal_scaling(), 7, 5, &[]);
    assert!(moments.read_new(&second_run.log));
    assert_eq!(moments, second_run.moments);
    // An empty log (the run reset, nothing published yet) forgets everything.
    let had_moments = !moments.entries.is_empty();
    assert_eq!(moments.read_new(&VecDeque::new()), had_moments);
    assert_eq!(moments, LogMoments::default());
}

#[test]
fn rewording_every_log_message_tells_the_same_moments() {
    let live = [
        (
            20,
            LiveCommand::Kill {
                node: "server-1".to_owned(),
            },
        ),
        (
            60,
            LiveCommand::Restart {
                node: "server-1".to_owned(),
            },
        ),
    ];
    let mut design = presets::horizontal_scaling();
    design.faults = vec![ScheduledFault {
        at_s: 30.0,
        duration_s: Some(10.0),
        fault: Fault::SlowDown {
            node: "server-2".to_owned(),
            factor: 4.0,
        },
    }];
    let moments = |run: &Run| -> Vec<(u64, Mark, String)> {
        run.moments
            .entries
            .iter()
            .map(|entry| (entry.time_s.to_bits(), entry.mark, entry.about.clone()))
            .collect()
    };
    let as_written = run(&design, 11, 90, &live);
    let reworded = run_reworded(&design, 11, 90, &live, |line| {
        line.message = format!("something happened ({} characters)", line.message.len());
    });
    assert!(
        as_written.moments.entries.len() >= 6,
        "{:#?}",
        as_written.moments
    );
    assert_eq!(moments(&reworded), moments(&as_written));
}

#[test]
fn the_summary_blames_each_failure_on_the_fault_that_caused_it() {
    // A cache flush at 0:43, then the database's primary crash at 0:48 (the report once said the
    // requests failed "after the flush").
    let mut design = presets::distributed();
    design.faults = vec![
        ScheduledFault {
            at_s: 43.0,
            duration_s: None,
            fault: Fault::CacheFlush {
                node: "cache".to_owned(),
            },
        },
        ScheduledFault {
            at_s: 48.0,
            duration_s: None,
            fault: Fault::DatabasePrimaryCrash {
                node: "database".to_owned(),
            },
        },
    ];
    let run = run(&design, 4, 70, &[]);
    let entries = timeline(&run.moments, &run.notifications, &[]);
    let totals = engine::snapshot::Totals {
        requests: 1000,
        failed: 10,
        ..engine::snapshot::Totals::default()
    };
    let summary = crate::observe::findings::summary(&entries, &totals, None, 70.0, &design);
    let flush = summary
        .split(". ")
        .find(|sentence| sentence.contains("Flush cache"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(!flush.contains("backend down at database"), "{summary}");
    let crash = summary
        .split(". ")
        .find(|sentence| sentence.contains("Crash the primary") || sentence.contains("primary"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(crash.contains("at database"), "{summary}");
    assert!(crash.starts_with("At 00:48"), "{summary}");
}

#[test]
fn an_alert_resolves_on_the_node_it_fired_on() {
    // A rule on every node reports its worst node: server-2 when it fired, server-3 when the last
    // evaluation cleared it. The timeline names server-2 both times.
    let notification = |time_s: f64, state: engine::AlertState, node: &str| Notification {
        id: 0,
        time_s,
        rule: "High CPU".to_owned(),
        state,
        severity: engine::design::Severity::Warning,
        channel: engine::design::Channel::Slack,
        node: node.to_owned(),
        message: "CPU above 80 %".to_owned(),
        metric: engine::design::AlertMetric::Cpu,
        kind: engine::design::RuleKind::Threshold,
        comparison: engine::design::Comparison::Above,
        threshold: 0.8,
        value: 0.9,
        repeat: false,
    };
    let notifications = VecDeque::from([
        notification(10.0, engine::AlertState::Firing, "server-2"),
        notification(30.0, engine::AlertState::Resolved, "server-3"),
    ]);
    let entries = timeline(&LogMoments::default(), &notifications, &[]);
    assert_eq!(entries.len(), 2);
    for entry in &entries {
        assert_eq!(entry.about, "server-2", "{entry:?}");
        assert!(entry.text.contains("on server-2"), "{}", entry.text);
        assert!(!entry.text.contains("server-3"), "{}", entry.text);
    }
}

#[test]
fn a_primary_crash_is_told_as_writes_failing_while_reads_succeed() {
    // A real run: the database's primary crashes at 0:20, a replica is promoted later.
    let mut design = presets::distributed();
    design.faults = vec![ScheduledFault {
        at_s: 20.0,
        duration_s: None,
        fault: Fault::DatabasePrimaryCrash {
            node: "database".to_owned(),
        },
    }];
    let mut simulation = Simulation::new(&design, 9).expect("valid");
    simulation.advance(40.0);
    let split = crate::observe::findings::split_failures(&simulation.snapshot());
    let (node, shares) = split
        .iter()
        .find(|(node, _)| node == "database")
        .unwrap_or_else(|| panic!("{split:?}"));
    assert_eq!(node, "database");
    let share = |label: &str| {
        shares
            .iter()
            .find(|share| share.label == label)
            .expect(label)
    };
    assert_eq!(share("reads").failed, 0, "{shares:?}");
    assert!(share("writes").failed > 0, "{shares:?}");
    // A run without the crash splits nothing.
    design.faults.clear();
    let mut calm = Simulation::new(&design, 9).expect("valid");
    calm.advance(40.0);
    assert!(crate::observe::findings::split_failures(&calm.snapshot()).is_empty());
}

#[test]
fn a_bad_release_is_told_as_deploy_then_errors_then_failed_checks_then_rollback() {
    let run = run(&presets::release_day(), 1, 200, &[]);
    let entries = timeline(&run.moments, &VecDeque::new(), &[]);
    let at = |mark: Mark| {
        entries
            .iter()
            .find(|entry| entry.about == "web" && entry.mark == mark)
            .map(|entry| clock_with_tenths(entry.time_s))
            .unwrap_or_else(|| panic!("no {mark:?} about web in {entries:#?}"))
    };
    // The deploy starts at 01:05, v2 takes 10 % at 01:25, its payments fail at once, and the
    // first failed canary check comes 30 s later.
    assert_eq!(at(Mark::Deploy), "01:05.0");
    let shifted = entries
        .iter()
        .filter(|entry| entry.mark == Mark::Deploy)
        .nth(1)
        .expect("v2 takes traffic");
    assert_eq!(clock_with_tenths(shifted.time_s), "01:25.0");
    assert!(at(Mark::Error).starts_with("01:25"), "{entries:#?}");
    assert_eq!(at(Mark::Detection), "01:55.0");
    let rollback = first(&entries, Mark::Rollback);
    assert_eq!(
        (
            clock_with_tenths(rollback.time_s).as_str(),
            rollback.about.as_str()
        ),
        ("02:55.0", "web")
    );
    assert!(
        rollback.text.contains("rolled back v2 to v1"),
        "{rollback:?}"
    );
    // The pipeline's stages are routine, and its failure is told by its Slack message.
    assert!(
        !entries.iter().any(|entry| entry.about == "ci"),
        "{entries:#?}"
    );
    let with_slack = timeline(&run.moments, &run.notifications, &[]);
    assert!(
        with_slack
            .iter()
            .any(|entry| entry.about == "ci" && entry.text.contains("deploy of v2 failed")),
        "{with_slack:#?}"
    );

    // The summary blames the failures on the release that reached the group, until the rollback.
    let totals = engine::snapshot::Totals::default();
    let summary =
        crate::observe::findings::summary(&entries, &totals, None, 200.0, &presets::release_day());
    assert!(
        summary.starts_with(
            "At 01:25 web: v2 now takes 10 % of the traffic; requests failed (bug in the release at web) for 1 min 30 s until it was rolled back."
        ),
        "{summary}"
    );
}
