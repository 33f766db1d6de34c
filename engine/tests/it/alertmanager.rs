//! Prometheus + Alertmanager: the page for a killed server arrives inside the window its timing
//! gives (scrape phase + evaluation phase + `for` + `group_wait`) over many seeds and kill times; a
//! second alert joining a group already paged waits for the next `group_interval` tick; a group
//! still firing is sent again after `repeat_interval`; Generic still pages at once; a server that
//! PM2 gave up on raises the built-in crash-loop page.

use engine::design::{AlertMetric, AlertRule, Channel, Comparison, RuleKind, Severity};
use engine::flavours::PageDelay;
use engine::params::{MonitoringFlavour, MonitoringParams, NodeParams};
use engine::run_event::RunEvent;
use engine::{AlertState, Design, LiveCommand, Notification, Simulation, presets};

use super::support::crash_loop_design;

/// An error-rate rule over every node, paged to PagerDuty.
fn rule(name: &str, threshold: f64, for_s: f64) -> AlertRule {
    AlertRule {
        name: name.to_owned(),
        metric: AlertMetric::ErrorRate,
        node: None,
        kind: RuleKind::Threshold,
        comparison: Comparison::Above,
        threshold,
        for_s,
        severity: Severity::Critical,
        channel: Channel::Pagerduty,
        message: format!("{name} on the site"),
    }
}

/// The single-server preset at a light load, its monitoring node following `flavour`, with
/// `rules`.
fn design(flavour: MonitoringFlavour, rules: Vec<AlertRule>) -> Design {
    let mut design = presets::single_server();
    for node in &mut design.nodes {
        match &mut node.params {
            NodeParams::Users(users) => users.rate_per_second = 20.0,
            NodeParams::Monitoring(monitoring) => *monitoring = flavour.apply(monitoring),
            _ => {}
        }
    }
    design.alert_rules = rules;
    design
}

fn monitoring(design: &Design) -> MonitoringParams {
    match design.node("monitoring").map(|n| &n.params) {
        Some(NodeParams::Monitoring(monitoring)) => monitoring.clone(),
        _ => panic!("the preset has a monitoring node"),
    }
}

/// Runs `design` until `until_s`, killing `server` at `kill_s`, and returns every notification sent.
fn notifications(design: &Design, seed: u64, kill_s: f64, until_s: f64) -> Vec<Notification> {
    let mut simulation = Simulation::new(design, seed).expect("valid");
    let mut sent = Vec::new();
    simulation.advance_until((kill_s * 1e9) as u64);
    sent.extend(simulation.snapshot().notifications);
    simulation
        .apply(LiveCommand::Kill {
            node: "server".to_owned(),
        })
        .expect("kill");
    simulation.advance_until((until_s * 1e9) as u64);
    sent.extend(simulation.snapshot().notifications);
    sent
}

fn first_page(sent: &[Notification], rule: &str) -> Option<f64> {
    sent.iter()
        .find(|n| n.rule == rule && n.state == AlertState::Firing)
        .map(|n| n.time_s)
}

#[test]
fn the_page_for_a_killed_server_arrives_inside_the_prometheus_alertmanager_window() {
    let rules = vec![rule("Site down", 0.01, 60.0)];
    let design = design(MonitoringFlavour::PrometheusAlertmanager, rules);
    let params = monitoring(&design);
    let window = PageDelay::of(&params, 60.0);
    assert_eq!((window.from_s, window.to_s), (90.0, 210.0));
    let mut delays = Vec::new();
    for seed in 1..=40u64 {
        // Kill times spread over two scrape intervals, so the kill falls at every scrape phase.
        let kill_s = 130.0 + (seed as f64 * 2.9) % 120.0;
        let sent = notifications(&design, seed, kill_s, kill_s + window.to_s + 10.0);
        let page = first_page(&sent, "Site down")
            .unwrap_or_else(|| panic!("seed {seed}: no page within {} s", window.to_s + 10.0));
        let delay = page - kill_s;
        // The error rate of the scraped minute crosses 1 % within a second of the kill.
        assert!(
            delay >= window.from_s - 1e-6 && delay <= window.to_s + 1.0,
            "seed {seed}: paged {delay:.1} s after the kill, window {}–{} s",
            window.from_s,
            window.to_s
        );
        delays.push(delay);
    }
    // Phases vary: the delays spread over most of the two-minute window, around ~2.5 min.
    let min = delays.iter().copied().fold(f64::INFINITY, f64::min);
    let max = delays.iter().copied().fold(0.0, f64::max);
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!(max - min > 60.0, "delays {min:.1}–{max:.1} s");
    assert!((120.0..=180.0).contains(&mean), "mean delay {mean:.1} s");
}

#[test]
fn generic_monitoring_pages_at_the_first_scrape_after_for() {
    let rules = vec![rule("Site down", 0.01, 60.0)];
    let design = design(MonitoringFlavour::Generic, rules);
    let window = PageDelay::of(&monitoring(&design), 60.0);
    assert_eq!((window.from_s, window.to_s), (60.0, 65.0));
    for seed in 1..=10u64 {
        let kill_s = 30.0 + seed as f64 * 0.7;
        let sent = notifications(&design, seed, kill_s, kill_s + 80.0);
        let delay = first_page(&sent, "Site down").expect("paged") - kill_s;
        assert!(
            delay >= window.from_s && delay <= window.to_s + 1.0,
            "seed {seed}: {delay}"
        );
    }
}

#[test]
fn a_second_alert_joining_a_paged_group_waits_for_the_group_interval() {
    // Both rules see the same outage; the second holds for two more minutes before it fires, so it
    // joins the PagerDuty group after the group's first page.
    let rules = vec![
        rule("Site down", 0.01, 0.0),
        rule("Still down", 0.01, 120.0),
    ];
    let design = design(MonitoringFlavour::PrometheusAlertmanager, rules);
    for seed in [3u64, 11, 27] {
        let mut simulation = Simulation::new(&design, seed).expect("valid");
        simulation.advance_until(100_000_000_000);
        simulation
            .apply(LiveCommand::Kill {
                node: "server".to_owned(),
            })
            .expect("kill");
        simulation.advance_until(800_000_000_000);
        let sent = simulation.snapshot().notifications;
        let first = first_page(&sent, "Site down").expect("first page");
        let second = first_page(&sent, "Still down").expect("second page");
        let fired = simulation
            .report()
            .events
            .iter()
            .find(|line| {
                matches!(&line.event, Some(RunEvent::AlertFired { rule, .. }) if rule == "Still down")
            })
            .map(|line| line.time_s)
            .expect("the rule fired");
        // It fired between two ticks of the group and was sent at the next one, 5 min after the
        // first page (the tick grid starts at the group's first notification).
        assert!(fired > first && fired < first + 300.0, "fired at {fired}");
        assert!(
            (second - (first + 300.0)).abs() < 1e-6,
            "seed {seed}: first page {first}, second {second}"
        );
        // The first page waited group_wait after its rule fired.
        let site_fired = simulation
            .report()
            .events
            .iter()
            .find(|line| {
                matches!(&line.event, Some(RunEvent::AlertFired { rule, .. }) if rule == "Site down")
            })
            .map(|line| line.time_s)
            .expect("fired");
        assert!((first - site_fired - 30.0).abs() < 1e-6);
    }
}

#[test]
fn a_group_still_firing_is_sent_again_after_the_repeat_interval_and_resolves_at_a_tick() {
    let rules = vec![rule("Site down", 0.01, 0.0)];
    let mut design = design(MonitoringFlavour::PrometheusAlertmanager, rules);
    for node in &mut design.nodes {
        if let NodeParams::Monitoring(monitoring) = &mut node.params {
            monitoring.repeat_interval_s = 900.0;
        }
    }
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    simulation.advance_until(60_000_000_000);
    simulation
        .apply(LiveCommand::Kill {
            node: "server".to_owned(),
        })
        .expect("kill");
    simulation.advance_until(2_100_000_000_000);
    simulation
        .apply(LiveCommand::Restart {
            node: "server".to_owned(),
        })
        .expect("restart");
    simulation.advance_until(2_800_000_000_000);
    let sent: Vec<Notification> = simulation
        .snapshot()
        .notifications
        .into_iter()
        .filter(|n| n.rule == "Site down")
        .collect();
    let times: Vec<(f64, AlertState, bool)> =
        sent.iter().map(|n| (n.time_s, n.state, n.repeat)).collect();
    assert_eq!(sent.len(), 4, "{times:?}");
    let first = sent[0].time_s;
    assert!(!sent[0].repeat);
    // Re-sent at the first group_interval tick after 15 min, twice while it still fired.
    assert!(sent[1].repeat && (sent[1].time_s - (first + 900.0)).abs() < 1e-6);
    assert!(sent[2].repeat && (sent[2].time_s - (first + 1800.0)).abs() < 1e-6);
    // Resolved after the restart, told at a tick of the group's 5-minute grid.
    assert_eq!(sent[3].state, AlertState::Resolved);
    let ticks = (sent[3].time_s - first) / 300.0;
    assert!((ticks - ticks.round()).abs() < 1e-6, "{times:?}");
}

#[test]
fn a_server_pm2_gave_up_on_raises_the_built_in_crash_loop_page() {
    let mut design = crash_loop_design(true);
    let mut simulation = Simulation::new(&design, 4).expect("valid");
    simulation.advance_until(120_000_000_000);
    // (The snapshot first: it hands out the notifications since the last one, as a report does.)
    let sent = simulation.snapshot().notifications;
    let errored_s = simulation
        .report()
        .events
        .iter()
        .find(|line| matches!(line.event, Some(RunEvent::Errored { .. })))
        .map(|line| line.time_s)
        .expect("PM2 gave up");
    let page = sent
        .iter()
        .find(|n| n.rule == engine::CRASH_LOOP_RULE)
        .unwrap_or_else(|| panic!("no crash-loop page in {sent:#?}"));
    assert_eq!(page.state, AlertState::Firing);
    assert_eq!(page.severity, Severity::Critical);
    assert_eq!(page.channel, Channel::Pagerduty);
    assert_eq!(page.node, "server");
    assert_eq!(page.message, "Crash loop: server errored after 16 restarts");
    // At the first scrape (every 5 s) after PM2 gave up.
    assert!(page.time_s >= errored_s && page.time_s <= errored_s + 5.0 + 1e-6);
    // The flood stops and the process is restarted by hand: it is no longer errored and the alert
    // resolves.
    for node in &mut design.nodes {
        if let NodeParams::Users(users) = &mut node.params {
            users.rate_per_second = 1.0;
        }
    }
    simulation.reconfigure(&design).expect("edit");
    simulation
        .apply(LiveCommand::Restart {
            node: "server".to_owned(),
        })
        .expect("restart");
    simulation.advance_until(126_000_000_000);
    let resolved = simulation
        .snapshot()
        .notifications
        .into_iter()
        .find(|n| n.rule == engine::CRASH_LOOP_RULE)
        .expect("resolved");
    assert_eq!(resolved.state, AlertState::Resolved);
    // The built-in rule is not one of the design's: the rules' statuses stay in the design's order.
    let statuses = simulation.snapshot().alerts;
    assert_eq!(statuses.len(), design.alert_rules.len());
}

#[test]
fn choosing_the_flavour_mid_run_pages_by_its_timing() {
    let generic = presets::single_server();
    let prometheus = design(
        MonitoringFlavour::PrometheusAlertmanager,
        generic.alert_rules.clone(),
    );
    let mut simulation = Simulation::new(&generic, 9).expect("valid");
    simulation.advance_until(5_000_000_000);
    simulation.reconfigure(&prometheus).expect("edit");
    simulation.advance_until(130_000_000_000);
    let _ = simulation.snapshot();
    simulation
        .apply(LiveCommand::Kill {
            node: "server".to_owned(),
        })
        .expect("kill");
    simulation.advance_until(400_000_000_000);
    let sent = simulation.snapshot().notifications;
    let page = first_page(&sent, "High error rate").unwrap_or_else(|| panic!("{sent:#?}"));
    let window = PageDelay::of(&monitoring(&prometheus), 10.0);
    assert!(
        page - 130.0 >= window.from_s && page - 130.0 <= window.to_s + 1.0,
        "{page}"
    );
}
