//! The fault schedule as the run meets it: a fault starts (logged as a typed `FaultInjected`), breaks
//! what it names (a node, a link, a zone, the users' rate) and heals at its end.

use super::*;

impl Simulation {
    pub(super) fn start_fault(&mut self, index: usize) {
        let Some(scheduled) = self.move_fault(index, FaultPhase::Waiting, FaultPhase::Active)
        else {
            return;
        };
        let message = format!("fault injected: {}", scheduled.fault);
        let event = RunEvent::FaultInjected {
            fault: scheduled.fault.clone(),
        };
        self.log_event(LogLevel::Warn, event, message);
        self.set_fault(&scheduled.fault, true);
        if let Some(duration) = scheduled.duration_s {
            self.core.schedule(
                to_ns(duration * 1e9),
                Event::FaultEnd {
                    index: index as u32,
                },
            );
        }
    }

    pub(super) fn end_fault(&mut self, index: usize) {
        let Some(scheduled) = self.move_fault(index, FaultPhase::Active, FaultPhase::Over) else {
            return;
        };
        let message = format!("fault healed: {}", scheduled.fault);
        let event = RunEvent::FaultHealed {
            fault: scheduled.fault.clone(),
        };
        self.log_event(LogLevel::Info, event, message);
        self.set_fault(&scheduled.fault, false);
    }

    /// The fault, if it was in phase `from`; it is now in phase `to`.
    pub(super) fn move_fault(
        &mut self,
        index: usize,
        from: FaultPhase,
        to: FaultPhase,
    ) -> Option<ScheduledFault> {
        let phase = self.fault_phases.get_mut(index)?;
        if *phase != from {
            return None;
        }
        *phase = to;
        self.faults.get(index).cloned()
    }

    /// A system event of the whole run (faults, live edits), not of one node.
    pub(super) fn log_event(&mut self, level: LogLevel, event: RunEvent, message: String) {
        let now = self.core.now;
        let event = Some(event);
        self.core
            .logs
            .push(now, level, LogKind::System, "", message, event);
    }

    pub(super) fn set_fault(&mut self, fault: &Fault, on: bool) {
        let core = &mut self.core;
        let find = |core: &Core, id: &str| core.find(id);
        match fault {
            Fault::Kill { node } => {
                if let Some(index) = find(core, node) {
                    if on {
                        self.nodes[index].kill(core);
                    } else {
                        self.nodes[index].restart(core);
                    }
                }
            }
            Fault::Restart { node } => {
                if on && let Some(index) = find(core, node) {
                    self.nodes[index].restart(core);
                }
            }
            Fault::SlowDown { node, factor } => {
                if let Some(index) = find(core, node) {
                    self.nodes[index].set_slow(if on { *factor } else { 1.0 });
                }
            }
            Fault::Partition { a, b } => {
                if let (Some(a), Some(b)) = (find(core, a), find(core, b)) {
                    let pair = (NodeIndex(a as u32), NodeIndex(b as u32));
                    if on {
                        core.partitions.push(pair);
                    } else if let Some(position) = core.partitions.iter().position(|p| *p == pair) {
                        core.partitions.remove(position);
                    }
                }
            }
            Fault::LinkDegradation {
                from,
                to,
                added_latency_ms,
                loss,
            } => {
                if let (Some(from), Some(to)) = (find(core, from), find(core, to)) {
                    for link in &mut core.links {
                        if link.from.get() == from && link.to.get() == to {
                            link.added_latency_ns =
                                if on { to_ns(added_latency_ms * 1e6) } else { 0 };
                            link.added_loss = if on { *loss } else { 0.0 };
                        }
                    }
                }
            }
            Fault::ZoneOutage { zone } => {
                // Users are outside the data centre: a zone outage never takes them down.
                for index in 0..self.nodes.len() {
                    if core.zones[index] == *zone && core.kinds[index] != NodeKind::Users {
                        if on {
                            self.nodes[index].kill(core);
                        } else {
                            self.nodes[index].restart(core);
                        }
                    }
                }
            }
            Fault::DatabasePrimaryCrash { node } => {
                if let Some(index) = find(core, node)
                    && let NodeState::Database(database) = &mut self.nodes[index]
                {
                    if on {
                        database.crash_primary(core);
                    } else {
                        database.restart(core);
                    }
                }
            }
            Fault::CacheFlush { node } => {
                if on
                    && let Some(index) = find(core, node)
                    && let NodeState::Cache(cache) = &mut self.nodes[index]
                {
                    cache.flush(core);
                }
            }
            Fault::TrafficSpike { node, factor } => {
                for index in 0..self.nodes.len() {
                    if node.as_ref().is_some_and(|id| core.ids[index] != *id) {
                        continue;
                    }
                    if let NodeState::Users(users) = &mut self.nodes[index] {
                        users.spike = if on { *factor } else { 1.0 };
                        users.rearm(core);
                    }
                }
            }
        }
    }
}
