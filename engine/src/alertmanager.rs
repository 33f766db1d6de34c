//! Alertmanager's notification pipeline: when a rule's change of state reaches its channel.
//!
//! Models: alerts are grouped **by channel** (one route per receiver with no `group_by`, which is
//! Alertmanager's default of grouping everything on a route together). The first notification of a
//! new group waits `group_wait`; after it the group is looked at every `group_interval` (a tick
//! grid from that first notification), and a change since the last notification (an alert that
//! started firing, one that resolved) is sent at the next tick; a group with no change whose alerts
//! still fire is sent again once `repeat_interval` has passed since it was last sent (marked
//! `repeat`). An alert that fires and resolves again before its group is sent is never sent; a
//! group whose alerts have all resolved and been told is forgotten, so the next alert starts a new
//! group with its `group_wait`. Defaults and their meaning:
//! <https://prometheus.io/docs/alerting/latest/configuration/#route>.
//!
//! Leaves out: routing trees and `group_by` labels, inhibition, silences, `resolve_timeout`,
//! failed deliveries and their retries, and Alertmanager clusters (deduplication between peers).

use crate::alerts::{AlertState, Notification};
use crate::design::Channel;
use crate::params::MonitoringParams;
use crate::random::to_ns;

/// The groups waiting to be told, one per channel.
#[derive(Clone, Debug, Default)]
pub(crate) struct Alertmanager {
    groups: Vec<Group>,
}

#[derive(Clone, Debug)]
struct Group {
    channel: Channel,
    alerts: Vec<GroupAlert>,
    /// When the group is next looked at, nanoseconds.
    next_flush_ns: u64,
    /// When a notification of the group was last sent (`None` before the first).
    last_sent_ns: Option<u64>,
}

#[derive(Clone, Debug)]
struct GroupAlert {
    /// The latest change of the alert's rule, as it would be sent.
    latest: Notification,
    /// Whether the receiver was last told it fires.
    told_firing: bool,
}

impl GroupAlert {
    fn firing(&self) -> bool {
        self.latest.state == AlertState::Firing
    }
}

/// The pipeline's timers, nanoseconds.
struct Timing {
    group_wait: u64,
    group_interval: u64,
    repeat_interval: u64,
}

impl Timing {
    fn of(params: &MonitoringParams) -> Timing {
        Timing {
            group_wait: to_ns(params.group_wait_s * 1e9),
            group_interval: to_ns(params.group_interval_s * 1e9),
            repeat_interval: to_ns(params.repeat_interval_s * 1e9),
        }
    }
}

impl Alertmanager {
    /// A rule changed state at `now`: its alert joins (or updates) its channel's group.
    pub(crate) fn receive(&mut self, params: &MonitoringParams, now: u64, change: Notification) {
        let timing = Timing::of(params);
        let group = match self
            .groups
            .iter_mut()
            .position(|group| group.channel == change.channel)
        {
            Some(index) => &mut self.groups[index],
            None => {
                if change.state != AlertState::Firing {
                    return;
                }
                self.groups.push(Group {
                    channel: change.channel,
                    alerts: Vec::new(),
                    next_flush_ns: now + timing.group_wait,
                    last_sent_ns: None,
                });
                self.groups.last_mut().expect("just pushed")
            }
        };
        // Without a group interval a change to a group already told is sent at once.
        if group.last_sent_ns.is_some() && timing.group_interval == 0 {
            group.next_flush_ns = group.next_flush_ns.min(now);
        }
        match group
            .alerts
            .iter_mut()
            .find(|alert| alert.latest.rule == change.rule)
        {
            Some(alert) => alert.latest = change,
            None => group.alerts.push(GroupAlert {
                latest: change,
                told_firing: false,
            }),
        }
    }

    /// When the pipeline next has something to look at, nanoseconds.
    pub(crate) fn next_due(&self) -> Option<u64> {
        self.groups.iter().map(|group| group.next_flush_ns).min()
    }

    /// Sends what is due at `now`, in group order; each notification carries the time it is sent.
    pub(crate) fn flush(&mut self, params: &MonitoringParams, now: u64) -> Vec<Notification> {
        let timing = Timing::of(params);
        let time_s = now as f64 / 1e9;
        let mut sent = Vec::new();
        for group in &mut self.groups {
            if group.next_flush_ns > now {
                continue;
            }
            let changed: Vec<usize> = (0..group.alerts.len())
                .filter(|&index| {
                    let alert = &group.alerts[index];
                    alert.firing() != alert.told_firing
                })
                .collect();
            let repeat_due = group.last_sent_ns.is_some_and(|last| {
                timing.repeat_interval > 0 && now >= last + timing.repeat_interval
            });
            let mut any = false;
            if !changed.is_empty() {
                for index in changed {
                    let alert = &mut group.alerts[index];
                    alert.told_firing = alert.firing();
                    sent.push(Notification {
                        time_s,
                        repeat: false,
                        ..alert.latest.clone()
                    });
                    any = true;
                }
            } else if repeat_due {
                for alert in group.alerts.iter().filter(|alert| alert.firing()) {
                    sent.push(Notification {
                        time_s,
                        state: AlertState::Firing,
                        repeat: true,
                        ..alert.latest.clone()
                    });
                    any = true;
                }
            }
            if any {
                group.last_sent_ns = Some(now);
            }
            // Resolved alerts that were told (or never were) leave the group.
            group
                .alerts
                .retain(|alert| alert.firing() || alert.told_firing);
            group.next_flush_ns = if timing.group_interval > 0 {
                let mut next = group.next_flush_ns + timing.group_interval;
                while next <= now {
                    next += timing.group_interval;
                }
                next
            } else {
                match group.last_sent_ns {
                    Some(last) if timing.repeat_interval > 0 => last + timing.repeat_interval,
                    _ => u64::MAX,
                }
            };
        }
        self.groups.retain(|group| !group.alerts.is_empty());
        sent
    }
}
