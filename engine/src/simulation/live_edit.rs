//! Live edits: the running model follows a changed design at the current time instead of starting again.
//!
//! Nodes are matched by id and links by their two ends. A new node starts fresh now; a deleted node
//! drains (it keeps its index, no link leads to it, its own sources stop, the calls it holds finish);
//! a node whose parameters changed takes them as with `LiveCommand::SetParams`; a node whose links
//! changed routes over the new ones (a load balancer drains a deleted backend and probes a new one);
//! unchanged alert rules keep their state; scheduled faults not yet due are added or cancelled, and
//! a running fault taken out of the schedule heals now. A node that changed kind cannot be followed.

use std::collections::{BTreeMap, BTreeSet};

use super::{FaultPhase, Simulation, worker_count};
use crate::core::{Event, LinkIndex};
use crate::design::{Design, ScheduledFault};
use crate::metrics::LogLevel;
use crate::nodes::NodeState;
use crate::random::to_ns;
use crate::run_event::RunEvent;
use crate::simulation::CommandError;

impl Simulation {
    /// Makes the running model follow `edited` from now on, keeping time, queues, calls in flight,
    /// metrics, logs and alert states. Refused (model unchanged) when `edited` is invalid or a node
    /// changed kind ([`CommandError::NeedsRestart`]). A change the model does not see (positions,
    /// names) is only recorded, without validation: a drag sends one per pointer move.
    /// Like a live command, it takes effect after every event due at the current instant.
    pub fn reconfigure(&mut self, edited: &Design) -> Result<(), CommandError> {
        self.advance_until(self.core.now);
        if same_model(&self.design, edited) {
            // A move, a rename, a new design name: nothing the model sees (a drag sends many).
            self.design.clone_from(edited);
            return Ok(());
        }
        edited.validate().map_err(CommandError::Invalid)?;
        let live: BTreeMap<String, usize> = (0..self.core.ids.len())
            .filter(|&index| !self.core.removed[index])
            .map(|index| (self.core.ids[index].clone(), index))
            .collect();
        for node in &edited.nodes {
            if let Some(&index) = live.get(&node.id)
                && self.core.kinds[index] != node.kind()
            {
                return Err(CommandError::NeedsRestart(format!(
                    "\"{}\" changed from a {} to a {}: the run starts again",
                    node.id,
                    self.core.kinds[index].label(),
                    node.kind().label()
                )));
            }
        }
        let previous = std::mem::replace(&mut self.design, edited.clone());
        let mut summary = Vec::new();

        // Nodes that left the design drain.
        let kept: BTreeSet<&str> = edited.nodes.iter().map(|node| node.id.as_str()).collect();
        let mut removed = Vec::new();
        for index in 0..self.nodes.len() {
            if !self.core.removed[index] && !kept.contains(self.core.ids[index].as_str()) {
                self.core.removed[index] = true;
                removed.push(self.core.ids[index].clone());
            }
        }
        // New nodes get their identity now and their state once the links are in place.
        let mut added = Vec::new();
        for node in &edited.nodes {
            match live
                .get(&node.id)
                .filter(|&&index| !self.core.removed[index])
            {
                Some(&index) => self.core.zones[index].clone_from(&node.zone),
                None => added.push((self.core.add_node(&node.id, &node.zone, node.kind()), node)),
            }
        }

        // Links: keep those still there (taking new latency and loss), drop the others, add the new.
        let before = self.core.outgoing.clone();
        let wanted: BTreeSet<(&str, &str)> = edited
            .links
            .iter()
            .map(|link| (link.from.as_str(), link.to.as_str()))
            .collect();
        let mut links_removed = 0;
        for index in 0..self.core.links.len() {
            let link = &self.core.links[index];
            if link.removed {
                continue;
            }
            let (from, to) = (link.from.get(), link.to.get());
            let kept = !self.core.removed[from]
                && !self.core.removed[to]
                && wanted.contains(&(self.core.ids[from].as_str(), self.core.ids[to].as_str()));
            if !kept {
                self.core.links[index].removed = true;
                links_removed += 1;
            }
        }
        let mut links_added = 0;
        let mut order = Vec::with_capacity(edited.links.len());
        let current: BTreeMap<(usize, usize), usize> = self
            .core
            .links
            .iter()
            .enumerate()
            .filter(|(_, state)| !state.removed)
            .map(|(index, state)| ((state.from.get(), state.to.get()), index))
            .collect();
        let index_of: BTreeMap<&str, usize> = (0..self.core.ids.len())
            .filter(|&index| !self.core.removed[index])
            .map(|index| (self.core.ids[index].as_str(), index))
            .collect();
        let ends: Vec<Option<(usize, usize)>> = edited
            .links
            .iter()
            .map(|link| {
                Some((
                    *index_of.get(link.from.as_str())?,
                    *index_of.get(link.to.as_str())?,
                ))
            })
            .collect();
        for (link, ends) in edited.links.iter().zip(ends) {
            let Some((from, to)) = ends else {
                continue;
            };
            let existing = current.get(&(from, to)).copied();
            let index = match existing {
                Some(index) => {
                    let state = &mut self.core.links[index];
                    state.latency_ns = to_ns(link.latency_ms * 1e6);
                    state.loss = link.loss;
                    LinkIndex(index as u32)
                }
                None => {
                    links_added += 1;
                    match Simulation::push_link(&mut self.core, link) {
                        Some(index) => index,
                        None => continue,
                    }
                }
            };
            order.push((from, index));
        }
        for outgoing in &mut self.core.outgoing {
            outgoing.clear();
        }
        for (from, index) in order {
            self.core.outgoing[from].push(index);
        }

        let worker_counts: Vec<u32> = self
            .core
            .ids
            .iter()
            .map(|id| edited.node(id).map_or(1, |node| worker_count(&node.params)))
            .collect();
        for (index, node) in &added {
            let mut state = NodeState::build(&mut self.core, *index, node, edited, &worker_counts);
            if let crate::Resolution::Aggregated { weight } = self.resolution {
                state.set_weight(&mut self.core, weight.max(1));
            }
            self.nodes.push(state);
            self.notification_cursors.push(0);
        }
        for (index, links_before) in before.iter().enumerate() {
            if !self.core.removed[index] && self.core.outgoing[index] != *links_before {
                self.nodes[index].follow_links(&mut self.core, &worker_counts);
            }
        }

        // Parameters, as live commands; the design already holds them, so they validate.
        for node in &edited.nodes {
            let changed = previous
                .node(&node.id)
                .is_some_and(|old| old.params != node.params);
            if changed {
                self.set_params(&node.id, node.params.clone())?;
            }
        }
        if previous.alert_rules != edited.alert_rules {
            for (index, state) in self.nodes.iter_mut().enumerate() {
                if let NodeState::Monitoring(monitoring) = state
                    && !self.core.removed[index]
                {
                    monitoring.alerts.set_rules(&edited.alert_rules);
                }
            }
            summary.push("alert rules".to_owned());
        }
        if previous.faults != edited.faults {
            self.follow_fault_schedule(&edited.faults);
            summary.push("fault schedule".to_owned());
        }

        let count = |n: usize, noun: &str, verb: &str| match n {
            0 => None,
            1 => Some(format!("1 {noun} {verb}")),
            n => Some(format!("{n} {noun}s {verb}")),
        };
        let mut changes: Vec<String> = [
            count(added.len(), "node", "added"),
            count(removed.len(), "node", "removed"),
            count(links_added, "link", "added"),
            count(links_removed, "link", "removed"),
        ]
        .into_iter()
        .flatten()
        .collect();
        changes.extend(summary.iter().map(|what| format!("{what} changed")));
        if !changes.is_empty() {
            let message = format!("design edited while running: {}", changes.join(", "));
            let event = RunEvent::DesignEdited {
                nodes_added: added.iter().map(|(_, node)| node.id.clone()).collect(),
                nodes_removed: removed,
                links_added: links_added as u32,
                links_removed: links_removed as u32,
                changed: summary,
            };
            self.log_event(LogLevel::Info, event, message);
        }
        self.follow_load();
        Ok(())
    }

    /// The design's fault schedule changed: a fault still in it keeps its course; one taken out is
    /// cancelled if it has not started, healed now if it is running; a new one is scheduled, unless
    /// its time has already passed (it then waits for the next run, and the log says so).
    fn follow_fault_schedule(&mut self, schedule: &[ScheduledFault]) {
        let now = self.core.now;
        let mut old: Vec<Option<usize>> = self.scheduled_faults.iter().copied().map(Some).collect();
        let mut scheduled = Vec::with_capacity(schedule.len());
        for fault in schedule {
            let kept = old
                .iter_mut()
                .find(|entry| entry.is_some_and(|index| self.faults[index] == *fault))
                .and_then(Option::take);
            if let Some(index) = kept {
                scheduled.push(index);
                continue;
            }
            let index = self.faults.len();
            self.faults.push(fault.clone());
            scheduled.push(index);
            let at = to_ns(fault.at_s * 1e9);
            if at >= now {
                self.fault_phases.push(FaultPhase::Waiting);
                self.core.schedule(
                    at - now,
                    Event::FaultStart {
                        index: index as u32,
                    },
                );
            } else {
                self.fault_phases.push(FaultPhase::Cancelled);
                let message = format!(
                    "fault scheduled at {} s is already past: it runs from the next reset ({})",
                    fault.at_s, fault.fault
                );
                let event = RunEvent::FaultSkipped {
                    at_s: fault.at_s,
                    fault: fault.fault.clone(),
                };
                self.log_event(LogLevel::Info, event, message);
            }
        }
        for index in old.into_iter().flatten() {
            match self.fault_phases[index] {
                FaultPhase::Waiting => self.fault_phases[index] = FaultPhase::Cancelled,
                FaultPhase::Active => {
                    self.end_fault(index);
                    self.fault_phases[index] = FaultPhase::Cancelled;
                }
                FaultPhase::Over | FaultPhase::Cancelled => {}
            }
        }
        self.scheduled_faults = scheduled;
    }
}

/// Whether two designs differ only in what the model does not see (positions, names, the design's name
/// and seed).
pub fn same_model(a: &Design, b: &Design) -> bool {
    a.nodes.len() == b.nodes.len()
        && a.nodes.iter().zip(&b.nodes).all(|(x, y)| {
            x.id == y.id && x.kind() == y.kind() && x.zone == y.zone && x.params == y.params
        })
        && a.links == b.links
        && a.alert_rules == b.alert_rules
        && a.faults == b.faults
}
