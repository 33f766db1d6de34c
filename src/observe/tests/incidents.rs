//! Incidents from notifications, the responder's actions and the mean times.

use std::collections::{HashMap, VecDeque};

use engine::design::Channel;
use engine::{AlertState, Notification};

use super::alerts::notification;
use crate::observe::incidents::{
    IncidentStatus, acknowledge, escalate, escalation_words, incident_summary, incidents,
    mean_times, resolve, this_run_start,
};

#[test]
fn a_pagerduty_alert_opens_an_incident_that_its_resolution_closes() {
    let notifications: VecDeque<_> = [
        notification(
            10.0,
            "High error rate",
            AlertState::Firing,
            Channel::Pagerduty,
        ),
        notification(11.0, "High CPU", AlertState::Firing, Channel::Slack),
        notification(
            25.0,
            "High error rate",
            AlertState::Resolved,
            Channel::Pagerduty,
        ),
        notification(
            40.0,
            "High error rate",
            AlertState::Firing,
            Channel::Pagerduty,
        ),
    ]
    .into();
    let mut responses = HashMap::new();
    acknowledge(&mut responses, ("High error rate".to_owned(), 10_000), 12.0);
    // A second press changes nothing.
    acknowledge(&mut responses, ("High error rate".to_owned(), 10_000), 20.0);
    // Resolving also acknowledges.
    resolve(&mut responses, ("High error rate".to_owned(), 40_000), 46.0);
    resolve(&mut responses, ("High error rate".to_owned(), 40_000), 50.0);
    let incidents = incidents(&notifications, &responses);
    let summary: Vec<_> = incidents
        .iter()
        .map(|incident| {
            (
                incident.number,
                incident.opened_s,
                incident.acknowledged_s,
                incident.resolved_s,
                incident.resolved_by_alert,
                incident.status(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                1,
                10.0,
                Some(12.0),
                Some(25.0),
                true,
                IncidentStatus::Resolved
            ),
            (
                2,
                40.0,
                Some(46.0),
                Some(46.0),
                false,
                IncidentStatus::Resolved
            ),
        ]
    );
    assert_eq!(mean_times(&incidents), (Some(4.0), Some(10.5)));
    assert_eq!(
        incident_summary(&incidents),
        "0 open of 2 · MTTA 4.0 s · MTTR 10.5 s"
    );
    assert_eq!(
        incidents[0].times(),
        "opened 00:10 · acknowledged after 2.0 s · resolved after 15.0 s (alert cleared)"
    );
}

#[test]
fn an_open_incident_can_be_acknowledged_then_resolved() {
    let notifications: VecDeque<_> = [notification(
        70.0,
        "Errors",
        AlertState::Firing,
        Channel::Pagerduty,
    )]
    .into();
    let mut responses = HashMap::new();
    let open = incidents(&notifications, &responses);
    assert_eq!(open[0].status(), IncidentStatus::Triggered);
    assert!(open[0].can_acknowledge() && open[0].can_resolve());
    assert_eq!(incident_summary(&open), "1 open of 1 · MTTA — · MTTR —");

    acknowledge(&mut responses, open[0].key.clone(), 75.0);
    let acknowledged = incidents(&notifications, &responses);
    assert_eq!(acknowledged[0].status(), IncidentStatus::Acknowledged);
    assert!(!acknowledged[0].can_acknowledge() && acknowledged[0].can_resolve());
    assert_eq!(
        acknowledged[0].times(),
        "opened 01:10 · acknowledged after 5.0 s"
    );
}

#[test]
fn the_latest_run_begins_where_time_goes_backwards() {
    let at = |time_s| notification(time_s, "Errors", AlertState::Firing, Channel::Slack);
    let check = |times: &[f64], expected: usize| {
        let notifications: VecDeque<_> = times.iter().map(|time| at(*time)).collect();
        assert_eq!(this_run_start(&notifications), expected, "{times:?}");
    };
    check(&[], 0);
    check(&[5.0, 9.0, 12.0], 0);
    check(&[5.0, 9.0, 1.0, 3.0], 2);
    check(&[5.0, 2.0, 8.0, 1.0], 3);
}

#[test]
fn an_incident_not_acknowledged_within_the_timeout_escalates_level_by_level() {
    let notifications: VecDeque<_> = [
        notification(100.0, "Site down", AlertState::Firing, Channel::Pagerduty),
        notification(200.0, "Disk full", AlertState::Firing, Channel::Pagerduty),
        notification(300.0, "Queue long", AlertState::Firing, Channel::Pagerduty),
        notification(400.0, "Cache cold", AlertState::Firing, Channel::Pagerduty),
    ]
    .into();
    let mut responses = HashMap::new();
    // Acknowledged before the timeout: never escalates.
    acknowledge(
        &mut responses,
        ("Site down".to_owned(), 100_000),
        100.0 + 1799.0,
    );
    // Acknowledged at the very instant of the timeout: in time.
    acknowledge(
        &mut responses,
        ("Disk full".to_owned(), 200_000),
        200.0 + 1800.0,
    );
    // Acknowledged after the timeout: level 2 was paged first.
    acknowledge(
        &mut responses,
        ("Queue long".to_owned(), 300_000),
        300.0 + 2000.0,
    );
    // Never acknowledged: level 2 after 30 min, level 3 after 60 min.
    let mut listed = incidents(&notifications, &responses);
    escalate(&mut listed, 1800.0, 400.0 + 3700.0);
    let escalations: Vec<(String, Vec<f64>, usize)> = listed
        .iter()
        .map(|incident| {
            (
                incident.rule.clone(),
                incident.escalations.clone(),
                incident.level(),
            )
        })
        .collect();
    assert_eq!(
        escalations,
        [
            ("Site down".to_owned(), vec![], 1),
            ("Disk full".to_owned(), vec![], 1),
            ("Queue long".to_owned(), vec![2100.0], 2),
            ("Cache cold".to_owned(), vec![2200.0, 4000.0], 3),
        ]
    );
    assert_eq!(
        escalation_words(&listed[3]).as_deref(),
        Some("not acknowledged: escalated to level 2 at 36:40 · level 3 at 1:06:40")
    );
    assert_eq!(escalation_words(&listed[0]), None);
    // Before the first timeout has passed, nothing has escalated yet.
    escalate(&mut listed, 1800.0, 100.0 + 1799.0);
    assert!(
        listed
            .iter()
            .all(|incident| incident.escalations.is_empty())
    );
    // An incident resolved by its alert stops escalating too.
    let resolved: VecDeque<_> = [
        notification(0.0, "Site down", AlertState::Firing, Channel::Pagerduty),
        notification(600.0, "Site down", AlertState::Resolved, Channel::Pagerduty),
    ]
    .into();
    let mut listed = incidents(&resolved, &HashMap::new());
    escalate(&mut listed, 300.0, 5000.0);
    assert_eq!(listed[0].escalations, [300.0]);
}

#[test]
fn a_re_sent_alert_joins_its_open_incident_but_reopens_one_resolved_by_hand() {
    let repeat = |time_s: f64| Notification {
        repeat: true,
        ..notification(time_s, "Site down", AlertState::Firing, Channel::Pagerduty)
    };
    let notifications: VecDeque<_> = [
        notification(10.0, "Site down", AlertState::Firing, Channel::Pagerduty),
        repeat(100.0),
        repeat(200.0),
    ]
    .into();
    let mut responses = HashMap::new();
    assert_eq!(incidents(&notifications, &responses).len(), 1);
    // Resolved by hand while the alert still fires: the next re-send opens a new incident.
    resolve(&mut responses, ("Site down".to_owned(), 10_000), 150.0);
    let listed = incidents(&notifications, &responses);
    assert_eq!(
        listed.iter().map(|i| i.opened_s).collect::<Vec<_>>(),
        [10.0, 200.0]
    );
}
