//! Load balancer flavours: a backend killed at random phases over 100 seeds is marked unhealthy inside
//! each active flavour's detection window, with a mean inside the 99 % interval of its midpoint;
//! open-source Nginx skips a dead backend after one failed request and never takes the only one
//! out; an ALB with every target unhealthy still routes (fail-open); the README's table is the
//! generated one.

use engine::flavours::{DetectionWindow, markdown_table};
use engine::log_shipping::{Delivery, LogOutage};
use engine::params::{LbFlavour, LoadBalancerParams, LogShipper, NodeParams};
use engine::run_event::RunEvent;
use engine::{Design, LiveCommand, Simulation, presets};

use super::support::crash_loop_design;

/// The horizontal preset at a light load (fast to run), its load balancer following `flavour`.
fn design(flavour: LbFlavour) -> Design {
    let mut design = presets::horizontal_scaling();
    for node in &mut design.nodes {
        match &mut node.params {
            NodeParams::Users(users) => users.rate_per_second = 40.0,
            NodeParams::LoadBalancer(lb) => *lb = flavour.apply(lb),
            _ => {}
        }
    }
    design
}

fn lb(design: &Design) -> LoadBalancerParams {
    match design.node("lb").map(|n| &n.params) {
        Some(NodeParams::LoadBalancer(lb)) => lb.clone(),
        _ => panic!("the preset has a load balancer"),
    }
}

/// Kills `server-1` at 10 s and returns the seconds until the load balancer marked it unhealthy.
fn detection_after_kill(flavour: LbFlavour, seed: u64, give_up_s: f64) -> Option<f64> {
    let mut simulation = Simulation::new(&design(flavour), seed).expect("valid");
    simulation.advance_until(10_000_000_000);
    simulation
        .apply(LiveCommand::Kill {
            node: "server-1".to_owned(),
        })
        .expect("kill");
    simulation.advance_until(((10.0 + give_up_s) * 1e9) as u64);
    simulation
        .report()
        .events
        .iter()
        .find(|line| {
            matches!(&line.event, Some(RunEvent::MarkedUnhealthy { backend, .. }) if backend == "server-1")
        })
        .map(|line| line.time_s - 10.0)
}

#[test]
fn each_active_flavour_marks_a_dead_backend_inside_its_window() {
    for flavour in [
        LbFlavour::Generic,
        LbFlavour::NginxPlus,
        LbFlavour::Haproxy,
        LbFlavour::AwsAlb,
    ] {
        let params = lb(&design(flavour));
        let DetectionWindow::Active { from_s, to_s } = DetectionWindow::of(&params) else {
            panic!("{flavour:?} has active checks");
        };
        let times: Vec<f64> = (1..=100)
            .map(|seed| {
                detection_after_kill(flavour, seed, to_s + 2.0)
                    .unwrap_or_else(|| panic!("{flavour:?} seed {seed}: never marked unhealthy"))
            })
            .collect();
        // A probe sent a link's latency before the kill already finds the backend dead.
        for (seed, time) in times.iter().enumerate() {
            assert!(
                *time >= from_s - 0.01 && *time <= to_s + 0.01,
                "{flavour:?} seed {}: marked after {time} s, window {from_s}–{to_s} s",
                seed + 1
            );
        }
        // The phase is uniform over the interval: the mean sits at the window's midpoint.
        let n = times.len() as f64;
        let mean = times.iter().sum::<f64>() / n;
        let half_width = 2.576 * (to_s - from_s) / 12f64.sqrt() / n.sqrt();
        let midpoint = (from_s + to_s) / 2.0;
        println!("{flavour:?}: window {from_s}–{to_s} s, mean {mean:.2} s ± {half_width:.2}");
        assert!(
            (mean - midpoint).abs() <= half_width,
            "{flavour:?}: mean {mean} outside {midpoint} ± {half_width}"
        );
    }
}

#[test]
fn the_windows_read_as_the_vendors_document_them() {
    let words = |flavour: LbFlavour| DetectionWindow::of(&lb(&design(flavour))).words();
    assert_eq!(
        words(LbFlavour::AwsAlb),
        "a dead backend keeps getting traffic for 35–65 s"
    );
    assert_eq!(
        words(LbFlavour::Haproxy),
        "a dead backend keeps getting traffic for 5–7 s"
    );
    assert_eq!(
        words(LbFlavour::NginxPlus),
        "a dead backend keeps getting traffic for 1–6 s"
    );
    assert_eq!(
        words(LbFlavour::NginxOpenSource),
        "a dead backend is skipped after 1 failed request, for 10 s at a time"
    );
    // Edited settings read "custom"; applying the flavour again resets them.
    let mut alb = lb(&design(LbFlavour::AwsAlb));
    assert!(LbFlavour::AwsAlb.custom(&alb).is_empty());
    alb.health_check.interval_ms = 10_000.0;
    alb.algorithm = engine::params::Algorithm::Random;
    assert_eq!(LbFlavour::AwsAlb.custom(&alb), ["health_check.interval_ms"]);
    let reset = LbFlavour::AwsAlb.apply(&alb);
    assert!(LbFlavour::AwsAlb.custom(&reset).is_empty());
    assert_eq!(reset.algorithm, engine::params::Algorithm::Random);
    for flavour in LbFlavour::ALL {
        assert_eq!(LbFlavour::parse(flavour.as_str()), Some(flavour));
        let applied = flavour.apply(&LoadBalancerParams::default());
        let mut design = design(flavour);
        if let Some(NodeParams::LoadBalancer(lb)) = design
            .nodes
            .iter_mut()
            .find(|n| n.id == "lb")
            .map(|n| &mut n.params)
        {
            *lb = applied;
        }
        assert_eq!(design.validate(), Ok(()), "{flavour:?}");
    }
}

fn skipped(simulation: &mut Simulation) -> Vec<f64> {
    simulation
        .report()
        .events
        .iter()
        .filter(|line| matches!(line.event, Some(RunEvent::PassivelySkipped { .. })))
        .map(|line| line.time_s)
        .collect()
}

#[test]
fn open_source_nginx_skips_a_dead_backend_after_one_failed_request_and_tries_it_again() {
    let mut simulation = Simulation::new(&design(LbFlavour::NginxOpenSource), 3).expect("valid");
    simulation.advance_until(10_000_000_000);
    simulation
        .apply(LiveCommand::Kill {
            node: "server-1".to_owned(),
        })
        .expect("kill");
    simulation.advance_until(45_000_000_000);
    let times = skipped(&mut simulation);
    println!("skipped at {times:?}");
    // The first request routed to it fails and takes it out at once (a third of 40 req/s reach
    // it: well within a second); then every 10 s a live request tries it, fails, and it is out
    // again for 10 s.
    assert!(times[0] > 10.0 && times[0] < 11.0, "{times:?}");
    assert!(times.len() >= 3, "{times:?}");
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!((10.0..11.0).contains(&gap), "{times:?}");
    }
    // No active probes: the backend is never *marked* unhealthy.
    assert!(
        !simulation
            .report()
            .events
            .iter()
            .any(|line| matches!(line.event, Some(RunEvent::MarkedUnhealthy { .. })))
    );
    // Few requests fail: one per skip (plus what was inside the server when it died).
    let totals = simulation.totals();
    assert!(totals.failed < 40, "{totals:?}");
}

#[test]
fn a_one_server_nginx_group_is_never_taken_out() {
    let mut design = design(LbFlavour::NginxOpenSource);
    design
        .links
        .retain(|link| !(link.from == "lb" && link.to != "server-1"));
    design
        .nodes
        .retain(|node| node.id != "server-2" && node.id != "server-3");
    design.links.retain(|link| {
        design.nodes.iter().any(|n| n.id == link.from)
            && design.nodes.iter().any(|n| n.id == link.to)
    });
    let mut simulation = Simulation::new(&design, 3).expect("valid");
    simulation.advance_until(5_000_000_000);
    simulation
        .apply(LiveCommand::Kill {
            node: "server-1".to_owned(),
        })
        .expect("kill");
    simulation.advance_until(30_000_000_000);
    assert!(skipped(&mut simulation).is_empty());
    // Every request after the kill goes to the dead server and fails there, not at the balancer.
    let report = simulation.report();
    let failures: Vec<&(String, u64)> = report.totals.failures.iter().collect();
    assert!(
        failures.iter().all(|(cause, _)| cause.contains("server-1")),
        "{failures:?}"
    );
}

#[test]
fn an_alb_with_every_target_unhealthy_fails_open() {
    let kill_all = |flavour: LbFlavour| {
        let mut simulation = Simulation::new(&design(flavour), 5).expect("valid");
        simulation.advance_until(5_000_000_000);
        for node in ["server-1", "server-2", "server-3"] {
            simulation
                .apply(LiveCommand::Kill {
                    node: node.to_owned(),
                })
                .expect("kill");
        }
        simulation.advance_until(90_000_000_000);
        let report = simulation.report();
        report.totals.failures
    };
    // The generic balancer refuses once all are marked down; the ALB keeps routing to them.
    let generic = kill_all(LbFlavour::Generic);
    assert!(
        generic
            .iter()
            .any(|(cause, _)| cause.contains("no healthy backend")),
        "{generic:?}"
    );
    let alb = kill_all(LbFlavour::AwsAlb);
    assert!(
        !alb.iter()
            .any(|(cause, _)| cause.contains("no healthy backend")),
        "{alb:?}"
    );
}

#[test]
fn the_readme_table_is_the_generated_one() {
    let readme = include_str!("../../../README.md");
    let table = markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's flavours table is out of date; `arch-sim flavours --markdown` prints it:\n{table}"
    );
}

#[test]
fn a_keepalived_backup_takes_over_three_missed_advertisements_and_a_skew_after_the_last() {
    let mut design = design(LbFlavour::Haproxy);
    if let Some(NodeParams::LoadBalancer(lb)) = design
        .nodes
        .iter_mut()
        .find(|n| n.id == "lb")
        .map(|n| &mut n.params)
    {
        lb.standby = true;
        lb.keepalived = true;
        // RFC 3768: Master_Down_Interval = 3 × 1 s + (256 − 100)/256 s = 3.609375 s.
        assert_eq!(lb.master_down_ms(), 3_609.375);
        assert_eq!(
            engine::flavours::standby_words(lb).as_deref(),
            Some(
                "the keepalived backup takes over 2.61–3.61 s after the active one dies (3 missed advertisements and a 0.61 s skew)"
            )
        );
    }
    for step in 0..10u64 {
        // The active one dies at a different phase of the advertisement cycle each time.
        let died_ns = 10_000_000_000 + step * 137_000_000;
        let mut simulation = Simulation::new(&design, 9).expect("valid");
        simulation.advance_until(died_ns);
        simulation
            .apply(LiveCommand::Kill {
                node: "lb".to_owned(),
            })
            .expect("kill");
        simulation.advance_until(died_ns + 5_000_000_000);
        let took_over = simulation
            .report()
            .events
            .iter()
            .find(|line| matches!(line.event, Some(RunEvent::StandbyTookOver)))
            .map(|line| line.time_s)
            .expect("the backup took over");
        let died = died_ns as f64 / 1e9;
        let last_advert = died.floor();
        assert!(
            (took_over - last_advert - 3.609375).abs() < 1e-6,
            "died at {died}, took over at {took_over}"
        );
        assert!(took_over - died > 2.609 && took_over - died <= 3.609_376);
    }
}

/// The crash-looping single server of [`crash_loop_design`] after two minutes.
fn crash_loop(pm2: bool) -> Simulation {
    let mut simulation = Simulation::new(&crash_loop_design(pm2), 4).expect("valid");
    simulation.advance_until(120_000_000_000);
    simulation
}

#[test]
fn pm2_restarts_with_exponential_back_off_and_gives_up_after_sixteen_unstable_restarts() {
    let mut simulation = crash_loop(true);
    let events: Vec<(f64, RunEvent)> = simulation
        .report()
        .events
        .into_iter()
        .filter_map(|line| line.event.map(|event| (line.time_s, event)))
        .collect();
    let crashes: Vec<f64> = events
        .iter()
        .filter(|(_, e)| matches!(e, RunEvent::Crashed { .. }))
        .map(|(t, _)| *t)
        .collect();
    let restarts: Vec<f64> = events
        .iter()
        .filter(|(_, e)| matches!(e, RunEvent::Restarting { .. }))
        .map(|(t, _)| *t)
        .collect();
    println!("crashes {crashes:?}\nrestarts {restarts:?}");
    // 16 crashes, 15 restarts in between, then "errored" and down for good.
    assert_eq!(crashes.len(), 16, "{crashes:?}");
    assert_eq!(restarts.len(), 15, "{restarts:?}");
    let mut backoff: f64 = 100.0;
    for (crash, restart) in crashes.iter().zip(&restarts) {
        assert!(
            (restart - crash - backoff / 1000.0).abs() < 1e-6,
            "restart {restart} after crash {crash}: expected {backoff} ms"
        );
        backoff = (backoff * 1.5).min(15_000.0);
    }
    let errored = events
        .iter()
        .find(|(_, e)| matches!(e, RunEvent::Errored { restarts: 16 }))
        .expect("errored");
    assert_eq!(errored.0, *crashes.last().expect("crashed"));
    // Without PM2 the server restarts every 20 s (its auto_restart_s), forever.
    let mut plain = crash_loop(false);
    let plain_restarts = plain
        .report()
        .events
        .iter()
        .filter(|line| matches!(line.event, Some(RunEvent::Restarting { .. })))
        .count();
    assert!(plain_restarts >= 5, "{plain_restarts}");
    assert!(
        !plain
            .report()
            .events
            .iter()
            .any(|line| matches!(line.event, Some(RunEvent::Errored { .. })))
    );
}

/// Deletes the link to `server-2` at 10 s under load and returns the requests its deregistration
/// cut off and the requests the load balancer answered with an error, over a few seeds (the users
/// retry them elsewhere).
fn removal(delay_ms: Option<f64>) -> (u32, u64) {
    let (mut cut, mut failed) = (0, 0);
    for seed in 1..=5 {
        let mut design = design(LbFlavour::AwsAlb);
        for node in &mut design.nodes {
            match &mut node.params {
                NodeParams::Users(users) => users.rate_per_second = 200.0,
                NodeParams::LoadBalancer(lb) => lb.deregistration_delay_ms = delay_ms,
                _ => {}
            }
        }
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance_until(10_000_000_000);
        let before = simulation.node_stats("lb").expect("lb").failed;
        let mut edited = design.clone();
        edited
            .links
            .retain(|link| !(link.from == "lb" && link.to == "server-2"));
        simulation.reconfigure(&edited).expect("a live edit");
        simulation.advance_until(12_000_000_000);
        cut += simulation
            .snapshot()
            .logs
            .iter()
            .filter_map(|line| match &line.event {
                Some(RunEvent::DeregistrationCutOff { backend, requests }) => {
                    assert_eq!(backend, "server-2");
                    Some(*requests)
                }
                _ => None,
            })
            .sum::<u32>();
        failed += simulation.node_stats("lb").expect("lb").failed - before;
    }
    (cut, failed)
}

#[test]
fn a_removed_alb_target_keeps_its_requests_only_for_the_deregistration_delay() {
    assert_eq!(
        lb(&design(LbFlavour::AwsAlb)).deregistration_delay_ms,
        Some(300_000.0)
    );
    assert_eq!(
        lb(&design(LbFlavour::Haproxy)).deregistration_delay_ms,
        None
    );
    // A 1 ms delay cuts off what server-2 still holds: those requests fail at the load balancer.
    let (cut, failed) = removal(Some(1.0));
    assert!(cut > 0, "requests were cut off");
    assert!(
        failed >= u64::from(cut),
        "{failed} failures for {cut} cut off"
    );
    // The default 300 s (or no limit) lets them finish.
    assert_eq!(removal(Some(300_000.0)), (0, 0));
    assert_eq!(removal(None), (0, 0));
}

/// The horizontal preset at 40 req/s with its monitoring node shipping by `shipper` into a 0.2 MiB
/// buffer (1048 lines); the log store dies at 10 s and is back at 40 s.
fn log_store_outage(shipper: LogShipper) -> (Vec<LogOutage>, Vec<engine::metrics::LogLine>) {
    let mut design = design(LbFlavour::Generic);
    for node in &mut design.nodes {
        if let NodeParams::Monitoring(monitoring) = &mut node.params {
            monitoring.log_shipper = shipper;
            monitoring.buffer_limit_mb = 0.2;
        }
    }
    let mut simulation = Simulation::new(&design, 4).expect("valid");
    let mut lines = Vec::new();
    simulation.advance_until(10_000_000_000);
    let kill = LiveCommand::Kill {
        node: "monitoring".to_owned(),
    };
    simulation.apply(kill).expect("kill");
    simulation.advance_until(40_000_000_000);
    lines.extend(simulation.snapshot().logs);
    let restart = LiveCommand::Restart {
        node: "monitoring".to_owned(),
    };
    simulation.apply(restart).expect("restart");
    simulation.advance_until(50_000_000_000);
    let snapshot = simulation.snapshot();
    lines.extend(snapshot.logs);
    (snapshot.log_outages, lines)
}

#[test]
fn a_full_fluentd_buffer_loses_lines_and_the_rest_arrive_after_the_store_is_back() {
    let (outages, lines) = log_store_outage(LogShipper::Fluentd);
    let [outage] = outages.as_slice() else {
        panic!("one outage: {outages:?}");
    };
    assert_eq!((outage.from_s, outage.to_s), (10.0, Some(40.0)));
    assert_eq!(outage.buffered_lines, 1048, "0.2 MiB of 200-byte lines");
    assert!(outage.lost_lines > 1000, "lost {}", outage.lost_lines);
    let overflow = outage.overflow_s.expect("it filled up");
    assert!(overflow > 10.0 && overflow < 40.0, "full at {overflow}");
    let full: Vec<_> = lines
        .iter()
        .filter(|line| matches!(line.event, Some(RunEvent::LogBufferFull { .. })))
        .collect();
    assert_eq!(full.len(), 1, "said once");
    assert!((full[0].time_s - overflow).abs() <= 1.0);
    // What was buffered arrives at Fluentd's first flush after the store is back; what came after
    // the overflow never does.
    let fluentd = LogShipper::Fluentd;
    assert_eq!(fluentd.delivery(5.0, &outages), Delivery::At(60.0));
    assert_eq!(fluentd.delivery(10.5, &outages), Delivery::At(60.0));
    assert_eq!(fluentd.delivery(overflow + 0.1, &outages), Delivery::Lost);
    assert_eq!(fluentd.delivery(39.9, &outages), Delivery::Lost);
    assert_eq!(fluentd.delivery(41.0, &outages), Delivery::At(60.0));
    let open = [LogOutage {
        to_s: None,
        overflow_s: None,
        ..outage.clone()
    }];
    assert_eq!(fluentd.delivery(20.0, &open), Delivery::Waiting);
}

#[test]
fn logstash_pushes_back_instead_and_a_direct_log_does_not_need_the_store() {
    let (outages, _) = log_store_outage(LogShipper::Logstash);
    let [outage] = outages.as_slice() else {
        panic!("one outage: {outages:?}");
    };
    assert_eq!(outage.lost_lines, 0);
    assert_eq!(outage.overflow_s, None);
    assert!(outage.buffered_lines > 1000, "it holds them all");
    let Delivery::At(at) = LogShipper::Logstash.delivery(39.0, &outages) else {
        panic!("delivered once the store is back");
    };
    assert!(
        (at - 40.05).abs() < 1e-9,
        "the first batch after 40 s: {at}"
    );
    let (outages, _) = log_store_outage(LogShipper::Direct);
    assert_eq!(outages[0].buffered_lines + outages[0].lost_lines, 0);
    assert_eq!(
        LogShipper::Direct.delivery(20.0, &outages),
        Delivery::At(20.0)
    );
}
