//! Incidents from notifications, the responder's actions and the mean times.

use std::collections::{HashMap, VecDeque};

use engine::AlertState;
use engine::design::Channel;

use super::alerts::notification;
use crate::observe::incidents::{
    IncidentStatus, acknowledge, incident_summary, incidents, mean_times, resolve, this_run_start,
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
