//! Typed run events: every system and error line carries one, and real runs produce each with the
//! data a timeline needs. Nothing here reads a log line's wording.

use engine::design::{Fault, ScheduledFault};
use engine::metrics::{CauseKind, LogKind, LogLine};
use engine::params::{NodeParams, RatePattern};
use engine::run_event::{CrashCause, RunEvent};
use engine::{Design, LiveCommand, Simulation, presets};

fn at(at_s: f64, duration_s: Option<f64>, fault: Fault) -> ScheduledFault {
    ScheduledFault {
        at_s,
        duration_s,
        fault,
    }
}

/// Every line of `lines` is tagged consistently: access lines carry no event, error lines a failed
/// request, system lines any other event.
fn check_tags(lines: &[LogLine]) {
    for line in lines {
        let consistent = match (line.kind, &line.event) {
            (LogKind::Access, None) => true,
            (LogKind::Error, Some(event)) => matches!(event, RunEvent::RequestFailed { .. }),
            (LogKind::System, Some(event)) => !matches!(event, RunEvent::RequestFailed { .. }),
            _ => false,
        };
        assert!(consistent, "a line tagged inconsistently: {line:?}");
    }
}

/// Runs `design` for `seconds` and returns its system events (from the run report) and every log
/// line the snapshots streamed.
fn run(design: &Design, seed: u64, seconds: f64) -> (Simulation, Vec<LogLine>) {
    let mut simulation = Simulation::new(design, seed).expect("a valid design");
    let mut lines = Vec::new();
    let mut elapsed = 0.0;
    while elapsed < seconds {
        simulation.advance(1.0);
        elapsed += 1.0;
        lines.extend(simulation.snapshot().logs);
    }
    (simulation, lines)
}

/// The (node, event) pairs of the lines, in order.
fn events(lines: &[LogLine]) -> Vec<(String, RunEvent)> {
    lines
        .iter()
        .filter_map(|line| Some((line.node.clone(), line.event.clone()?)))
        .collect()
}

fn position(events: &[(String, RunEvent)], wanted: impl Fn(&str, &RunEvent) -> bool) -> usize {
    events
        .iter()
        .position(|(node, event)| wanted(node, event))
        .unwrap_or_else(|| panic!("not found among {events:#?}"))
}

#[test]
fn a_killed_backend_is_crashed_detected_healed_restarted_and_back_in_rotation() {
    let mut design = presets::horizontal_scaling();
    let kill = Fault::Kill {
        node: "server-1".to_owned(),
    };
    design.faults = vec![at(5.0, Some(10.0), kill.clone())];
    let (mut simulation, lines) = run(&design, 3, 30.0);
    check_tags(&lines);
    let events = events(&lines);
    let injected = position(&events, |node, event| {
        node.is_empty()
            && *event
                == RunEvent::FaultInjected {
                    fault: kill.clone(),
                }
    });
    let crashed = position(&events, |node, event| {
        node == "server-1"
            && *event
                == RunEvent::Crashed {
                    cause: CrashCause::Killed,
                }
    });
    let first_error = position(&events, |_, event| {
        matches!(event, RunEvent::RequestFailed { failure, .. }
            if failure.cause == CauseKind::BackendDown && failure.node == "server-1")
    });
    let probe_failed = position(&events, |node, event| {
        node == "lb"
            && matches!(event, RunEvent::HealthCheckFailed { backend, failed: 1, threshold: 3 }
                if backend == "server-1")
    });
    let unhealthy = position(&events, |node, event| {
        node == "lb"
            && matches!(event, RunEvent::MarkedUnhealthy { backend, failed: 3, threshold: 3 }
                if backend == "server-1")
    });
    let healed = position(&events, |node, event| {
        node.is_empty()
            && *event
                == RunEvent::FaultHealed {
                    fault: kill.clone(),
                }
    });
    let restarting = position(&events, |node, event| {
        node == "server-1" && matches!(event, RunEvent::Restarting { .. })
    });
    let started = position(&events, |node, event| {
        node == "server-1" && *event == RunEvent::Started
    });
    let healthy = position(&events, |node, event| {
        node == "lb"
            && matches!(event, RunEvent::MarkedHealthy { backend, .. } if backend == "server-1")
    });
    assert!(injected < crashed && crashed < first_error && first_error < unhealthy);
    assert!(probe_failed < unhealthy && unhealthy < healed);
    assert!(healed < restarting && restarting < started && started < healthy);
    // The report carries the same system events, without the sampled error lines.
    let report_events: Vec<RunEvent> = simulation
        .report()
        .events
        .into_iter()
        .filter_map(|line| line.event)
        .collect();
    let streamed: Vec<RunEvent> = lines
        .iter()
        .filter(|line| line.kind == LogKind::System)
        .filter_map(|line| line.event.clone())
        .collect();
    assert_eq!(report_events, streamed);
}

#[test]
fn out_of_memory_is_a_crash_with_its_cause() {
    let mut design = presets::single_server();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.rate_per_second = 200.0;
    }
    if let NodeParams::Server(server) = &mut design.nodes[1].params {
        server.memory_per_request_mb = 100.0;
        server.auto_restart_s = Some(5.0);
    }
    let (_, lines) = run(&design, 6, 20.0);
    check_tags(&lines);
    let events = events(&lines);
    let crashed = position(&events, |node, event| {
        node == "server"
            && *event
                == RunEvent::Crashed {
                    cause: CrashCause::OutOfMemory,
                }
    });
    let started = position(&events, |node, event| {
        node == "server" && *event == RunEvent::Started
    });
    assert!(crashed < started);
}

#[test]
fn a_primary_crash_promotes_a_replica_and_a_flush_empties_the_cache() {
    let mut design = presets::distributed();
    design.faults = vec![
        at(
            5.0,
            None,
            Fault::DatabasePrimaryCrash {
                node: "database".to_owned(),
            },
        ),
        at(
            8.0,
            None,
            Fault::CacheFlush {
                node: "cache".to_owned(),
            },
        ),
    ];
    let (_, lines) = run(&design, 7, 30.0);
    check_tags(&lines);
    let events = events(&lines);
    let crashed = position(&events, |node, event| {
        node == "database" && *event == RunEvent::PrimaryCrashed
    });
    let promoted = position(&events, |node, event| {
        node == "database" && *event == RunEvent::ReplicaPromoted { replica: 1 }
    });
    assert!(crashed < promoted);
    position(&events, |node, event| {
        node == "cache" && *event == RunEvent::CacheFlushed
    });
}

#[test]
fn a_primary_crash_without_replicas_says_no_replica_can_be_promoted() {
    let mut design = presets::single_server();
    design.faults = vec![at(
        2.0,
        None,
        Fault::DatabasePrimaryCrash {
            node: "database".to_owned(),
        },
    )];
    // The promotion delay is 15 s by default.
    let (_, lines) = run(&design, 1, 20.0);
    check_tags(&lines);
    position(&events(&lines), |node, event| {
        node == "database" && *event == RunEvent::NoReplicaToPromote
    });
}

#[test]
fn the_standby_load_balancer_takes_over() {
    let mut design = presets::distributed();
    design.faults = vec![at(
        5.0,
        None,
        Fault::Kill {
            node: "lb".to_owned(),
        },
    )];
    let (_, lines) = run(&design, 2, 12.0);
    check_tags(&lines);
    let events = events(&lines);
    let died = position(&events, |node, event| {
        node == "lb"
            && *event
                == RunEvent::ActiveLoadBalancerDied {
                    takeover_ms: 3_000.0,
                }
    });
    let took_over = position(&events, |node, event| {
        node == "lb" && *event == RunEvent::StandbyTookOver
    });
    assert!(died < took_over);
}

#[test]
fn a_group_scales_out_then_in() {
    let mut design = presets::distributed();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.pattern = RatePattern::Step {
            at_s: 10.0,
            rate_per_second_after: 900.0,
        };
    }
    let mut simulation = Simulation::new(&design, 8).expect("valid");
    let mut lines = Vec::new();
    for _ in 0..90 {
        simulation.advance(1.0);
        lines.extend(simulation.snapshot().logs);
    }
    // The traffic falls to a trickle: the group drains instances down to its minimum.
    let NodeParams::Users(mut users) = design.nodes[0].params.clone() else {
        panic!("users first");
    };
    users.pattern = RatePattern::Constant;
    users.rate_per_second = 20.0;
    simulation
        .apply(LiveCommand::SetParams {
            node: "users".to_owned(),
            params: NodeParams::Users(users),
        })
        .expect("new rate");
    for _ in 0..120 {
        simulation.advance(1.0);
        lines.extend(simulation.snapshot().logs);
    }
    check_tags(&lines);
    let events = events(&lines);
    let scaled_out = position(&events, |node, event| {
        node == "web"
            && matches!(event, RunEvent::ScaledOut { instance: 5, metric, threshold }
                if *metric > *threshold && *threshold == 0.8)
    });
    let scaled_in = position(&events, |node, event| {
        node == "web"
            && matches!(event, RunEvent::ScaledIn { metric, threshold, .. }
                if *metric < *threshold && *threshold == 0.3)
    });
    let terminated = position(&events, |node, event| {
        node == "web" && matches!(event, RunEvent::InstanceTerminated { .. })
    });
    assert!(scaled_out < scaled_in && scaled_in < terminated);
}

#[test]
fn an_alert_fires_while_two_of_three_servers_are_down_and_resolves_after() {
    let mut design = presets::horizontal_scaling();
    let kill = |node: &str| {
        at(
            5.0,
            Some(20.0),
            Fault::Kill {
                node: node.to_owned(),
            },
        )
    };
    design.faults = vec![kill("server-1"), kill("server-2")];
    let (_, lines) = run(&design, 9, 60.0);
    check_tags(&lines);
    let events = events(&lines);
    let fired = position(&events, |_, event| {
        matches!(event, RunEvent::AlertFired { .. })
    });
    let RunEvent::AlertFired { rule, .. } = &events[fired].1 else {
        unreachable!("found as fired");
    };
    let resolved = position(
        &events,
        |_, event| matches!(event, RunEvent::AlertResolved { rule: resolved, .. } if resolved == rule),
    );
    assert!(fired < resolved);
}

#[test]
fn live_commands_and_edits_are_events_too() {
    let design = presets::horizontal_scaling();
    let mut simulation = Simulation::new(&design, 4).expect("valid");
    simulation.advance(2.0);
    simulation
        .apply(LiveCommand::AddServer {
            node: "lb".to_owned(),
        })
        .expect("added");
    simulation.advance(1.0);
    let added = simulation
        .snapshot()
        .logs
        .into_iter()
        .find_map(|line| match line.event {
            Some(RunEvent::BackendAdded { backend }) if line.node == "lb" => Some(backend),
            _ => None,
        })
        .expect("the new backend is an event");
    assert!(simulation.design().node(&added).is_some());

    let mut edited = simulation.design().clone();
    edited.nodes.retain(|node| node.id != "server-3");
    edited
        .links
        .retain(|link| link.from != "server-3" && link.to != "server-3");
    edited.faults = vec![at(
        1.0,
        None,
        Fault::Kill {
            node: "server-1".to_owned(),
        },
    )];
    simulation.reconfigure(&edited).expect("edited");
    let lines = simulation.snapshot().logs;
    check_tags(&lines);
    let events = events(&lines);
    position(&events, |node, event| {
        node.is_empty()
            && matches!(event, RunEvent::FaultSkipped { at_s, fault: Fault::Kill { node } }
                if *at_s == 1.0 && node == "server-1")
    });
    position(&events, |node, event| {
        node.is_empty()
            && *event
                == RunEvent::DesignEdited {
                    nodes_added: Vec::new(),
                    nodes_removed: vec!["server-3".to_owned()],
                    links_added: 0,
                    links_removed: 2,
                    changed: vec!["fault schedule".to_owned()],
                }
    });
}

#[test]
fn rewording_is_free_the_report_serialises_the_event() {
    let mut design = presets::horizontal_scaling();
    design.faults = vec![at(
        1.0,
        None,
        Fault::Kill {
            node: "server-2".to_owned(),
        },
    )];
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(3.0);
    let json = serde_json::to_value(simulation.report()).expect("serialisable");
    let events = json["events"].as_array().expect("an events list");
    assert!(events.iter().any(|line| {
        line["event"]["event"] == "crashed"
            && line["event"]["cause"] == "killed"
            && line["node"] == "server-2"
    }));
    assert!(events.iter().any(|line| {
        line["event"]["event"] == "fault_injected" && line["event"]["fault"]["type"] == "kill"
    }));
}

/// `design` with the parameters of node `id` changed by `change`.
fn changed(design: &Design, id: &str, change: impl Fn(&mut NodeParams)) -> Design {
    let mut edited = design.clone();
    for node in &mut edited.nodes {
        if node.id == id {
            change(&mut node.params);
        }
    }
    edited
}

#[test]
fn live_edits_of_group_limits_and_of_a_standby_are_events() {
    let design = presets::distributed();
    let mut simulation = Simulation::new(&design, 4).expect("valid");
    simulation.advance(10.0);
    let limits = |min: u32, max: u32| {
        changed(&design, "web", move |params| {
            if let NodeParams::AutoscalingGroup(group) = params {
                group.min_instances = min;
                group.max_instances = max;
                group.initial_instances = group.initial_instances.clamp(min, max);
            }
        })
    };
    let mut lines = Vec::new();
    simulation.reconfigure(&limits(6, 8)).expect("raised");
    simulation.advance(30.0);
    lines.extend(simulation.snapshot().logs);
    simulation.reconfigure(&limits(1, 3)).expect("lowered");
    simulation.advance(1.0);
    lines.extend(simulation.snapshot().logs);
    check_tags(&lines);
    let group_events = events(&lines);
    let raised = position(&group_events, |node, event| {
        node == "web" && matches!(event, RunEvent::MinimumRaised { minimum: 6, .. })
    });
    let lowered = position(&group_events, |node, event| {
        node == "web" && matches!(event, RunEvent::MaximumLowered { maximum: 3, .. })
    });
    assert!(raised < lowered);

    // A standby added while the load balancer is down takes over after its takeover time.
    let design = presets::horizontal_scaling();
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance(2.0);
    simulation
        .apply(LiveCommand::Kill {
            node: "lb".to_owned(),
        })
        .expect("killed");
    simulation
        .reconfigure(&changed(&design, "lb", |params| {
            if let NodeParams::LoadBalancer(lb) = params {
                lb.standby = true;
                lb.takeover_ms = 1_000.0;
            }
        }))
        .expect("standby added");
    simulation.advance(2.0);
    let lines = simulation.snapshot().logs;
    check_tags(&lines);
    let events = events(&lines);
    let added = position(&events, |node, event| {
        node == "lb"
            && *event
                == RunEvent::StandbyAdded {
                    takeover_ms: 1_000.0,
                }
    });
    let took_over = position(&events, |node, event| {
        node == "lb" && *event == RunEvent::StandbyTookOver
    });
    assert!(added < took_over);
}

/// Kills `node` after `warm_s` seconds and returns the lines of the instant of the kill.
fn lines_of_a_kill(design: &Design, node: &str, warm_s: f64) -> Vec<LogLine> {
    let mut simulation = Simulation::new(design, 8).expect("valid");
    simulation.advance(warm_s);
    let _ = simulation.snapshot();
    simulation
        .apply(LiveCommand::Kill {
            node: node.to_owned(),
        })
        .expect("killed");
    let lines = simulation.snapshot().logs;
    check_tags(&lines);
    lines
}

/// The index of the first line about a failure at `node`, if any.
fn first_failure_at(lines: &[LogLine], node: &str) -> Option<usize> {
    lines.iter().position(|line| {
        matches!(&line.event, Some(RunEvent::RequestFailed { failure, .. }) if failure.node == node)
    })
}

#[test]
fn a_crash_is_told_before_the_failures_it_causes() {
    // A saturated server has a queue: the requests waiting in it fail at the instant of the kill,
    // and the log tells the crash first (a timeline sorted by time keeps that order).
    let mut design = presets::single_server();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.rate_per_second = 400.0;
    }
    let lines = lines_of_a_kill(&design, "server", 5.0);
    let crashed = lines
        .iter()
        .position(|line| {
            line.node == "server" && matches!(line.event, Some(RunEvent::Crashed { .. }))
        })
        .expect("the crash is told");
    let failed = first_failure_at(&lines, "server").expect("waiting requests fail at the kill");
    assert!(crashed < failed, "{lines:#?}");
    assert_eq!(lines[crashed].time_s, lines[failed].time_s);

    // The same for a cache and a database (all their instances die at once).
    let mut design = presets::distributed();
    if let NodeParams::Users(users) = &mut design.nodes[0].params {
        users.rate_per_second *= 3.0;
    }
    for node in ["cache", "database"] {
        let lines = lines_of_a_kill(&design, node, 5.0);
        let crashed = lines
            .iter()
            .position(|line| {
                line.node == node && matches!(line.event, Some(RunEvent::Crashed { .. }))
            })
            .expect("the crash is told");
        if let Some(failed) = first_failure_at(&lines, node) {
            assert!(crashed < failed, "{node}: {lines:#?}");
        }
    }
}

/// The error reports of a run's error lines, as (node that logged it, exception, frame).
fn error_reports(lines: &[LogLine]) -> Vec<(String, String, String)> {
    lines
        .iter()
        .filter_map(|line| match &line.event {
            Some(RunEvent::RequestFailed { report, .. }) => Some((
                line.node.clone(),
                report.exception.clone(),
                report.frame.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn an_error_line_carries_the_exception_its_node_would_report() {
    // server-1 is killed: requests already sent to it are refused there until the health checks
    // take it out, and a client whose request failed sees a bad gateway from the edge.
    let mut design = presets::horizontal_scaling();
    design.faults = vec![at(
        5.0,
        None,
        Fault::Kill {
            node: "server-1".to_owned(),
        },
    )];
    let (_, lines) = run(&design, 3, 12.0);
    let reports = error_reports(&lines);
    assert!(
        reports
            .iter()
            .any(|(node, exception, frame)| node == "server-1"
                && exception == "ConnectionRefusedError"
                && frame == "server.socket.accept"),
        "{reports:#?}"
    );
    // The same failure is the same exception at the same frame every time it is logged there.
    for (node, exception, frame) in &reports {
        if node == "server-1" {
            assert_eq!(
                (exception.as_str(), frame.as_str()),
                ("ConnectionRefusedError", "server.socket.accept")
            );
        }
    }

    // The primary crashes with no replica: the writes fail in the database's session code.
    let mut design = presets::single_server();
    design.faults = vec![at(
        3.0,
        Some(5.0),
        Fault::DatabasePrimaryCrash {
            node: "database".to_owned(),
        },
    )];
    let (_, lines) = run(&design, 3, 6.0);
    let reports = error_reports(&lines);
    assert!(
        reports
            .iter()
            .any(|(node, exception, frame)| node == "database"
                && exception == "OperationalError"
                && frame.starts_with("db.session.")),
        "{reports:#?}"
    );
}
