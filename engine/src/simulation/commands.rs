//! Live commands: what a user does to the running model (kill, restart, add a server, scale up, new
//! parameters, explanations), each validated before it changes anything.

use super::*;

impl Simulation {
    /// Applies a live command.
    ///
    /// It takes effect after every event due at the current instant (a frame's event budget can stop
    /// between two events of one instant), so a run file that records the instant replays it exactly.
    pub fn apply(&mut self, command: LiveCommand) -> Result<(), CommandError> {
        self.advance_until(self.core.now);
        match command {
            LiveCommand::Kill { node } => {
                let index = self.require(&node)?;
                self.nodes[index.get()].kill(&mut self.core);
            }
            LiveCommand::Restart { node } => {
                let index = self.require(&node)?;
                self.nodes[index.get()].restart(&mut self.core);
            }
            LiveCommand::Inject { fault, duration_s } => {
                let mut check = self.design.clone();
                check.faults = vec![ScheduledFault {
                    at_s: 0.0,
                    duration_s,
                    fault: fault.clone(),
                }];
                if let Some(error) = check
                    .problems()
                    .into_iter()
                    .find(|e| e.path.starts_with("faults"))
                {
                    return Err(CommandError::Invalid(error));
                }
                self.faults.push(ScheduledFault {
                    at_s: self.now_s(),
                    duration_s,
                    fault,
                });
                self.fault_phases.push(FaultPhase::Waiting);
                let index = (self.faults.len() - 1) as u32;
                self.core.schedule(0, Event::FaultStart { index });
            }
            LiveCommand::Explain { node, on } => {
                let index = self.require(&node)?;
                match &mut self.nodes[index.get()] {
                    NodeState::LoadBalancer(lb) => {
                        lb.explain = on;
                        if !on {
                            lb.last_explanation = None;
                        }
                    }
                    _ => return Err(self.wrong_kind(index)),
                }
            }
            LiveCommand::SetParams { node, params } => self.set_params(&node, params)?,
            LiveCommand::ScaleUp { node } => {
                let index = self.require(&node)?;
                let mut params = self
                    .design
                    .node(&node)
                    .ok_or_else(|| CommandError::UnknownNode(node.clone()))?
                    .params
                    .clone();
                let tier = match &mut params {
                    NodeParams::Server(p) | NodeParams::Service(p) => &mut p.tier,
                    NodeParams::AutoscalingGroup(p) => &mut p.server.tier,
                    NodeParams::Database(p) => &mut p.tier,
                    _ => return Err(self.wrong_kind(index)),
                };
                *tier = tier.bigger().ok_or_else(|| {
                    CommandError::AtLimit(format!("\"{node}\" is already on the largest tier"))
                })?;
                self.set_params(&node, params)?;
            }
            LiveCommand::AddServer { node } => self.add_server(&node)?,
            LiveCommand::CommitRelease { pipeline, release } => {
                let index = self.require(&pipeline)?;
                if let Some(error) = crate::validate::release_problems(&release)
                    .into_iter()
                    .next()
                {
                    return Err(CommandError::Invalid(error));
                }
                match &mut self.nodes[index.get()] {
                    NodeState::Pipeline(node) => {
                        node.commit(&mut self.core, release);
                    }
                    _ => return Err(self.wrong_kind(index)),
                }
            }
            LiveCommand::Approve { pipeline } => {
                let index = self.require(&pipeline)?;
                match &mut self.nodes[index.get()] {
                    NodeState::Pipeline(node) => {
                        if !node.approve(&mut self.core) {
                            return Err(CommandError::AtLimit(format!(
                                "\"{pipeline}\" has no release waiting for approval"
                            )));
                        }
                    }
                    _ => return Err(self.wrong_kind(index)),
                }
            }
            LiveCommand::RollBack { pipeline } => {
                let index = self.require(&pipeline)?;
                match &mut self.nodes[index.get()] {
                    NodeState::Pipeline(node) => {
                        if node.roll_back(&mut self.core).is_none() {
                            return Err(CommandError::AtLimit(format!(
                                "\"{pipeline}\" has deployed nothing yet: there is no earlier version to go back to"
                            )));
                        }
                    }
                    _ => return Err(self.wrong_kind(index)),
                }
            }
        }
        self.follow_load();
        Ok(())
    }

    pub(super) fn require(&self, id: &str) -> Result<NodeIndex, CommandError> {
        self.index_of(id)
            .ok_or_else(|| CommandError::UnknownNode(id.to_owned()))
    }

    pub(super) fn wrong_kind(&self, index: NodeIndex) -> CommandError {
        CommandError::WrongKind {
            node: self.core.ids[index.get()].clone(),
            kind: self.core.kinds[index.get()],
        }
    }

    pub(super) fn set_params(&mut self, id: &str, params: NodeParams) -> Result<(), CommandError> {
        let index = self.require(id)?;
        if params.kind() != self.core.kinds[index.get()] {
            return Err(self.wrong_kind(index));
        }
        let mut check = self.design.clone();
        let position = check
            .nodes
            .iter()
            .position(|node| node.id == id)
            .ok_or_else(|| CommandError::UnknownNode(id.to_owned()))?;
        check.nodes[position].params = params.clone();
        let prefix = format!("nodes[{position}]");
        if let Some(error) = check
            .problems()
            .into_iter()
            .find(|e| e.path.starts_with(&prefix))
        {
            return Err(CommandError::Invalid(error));
        }
        self.design = check;
        let core = &mut self.core;
        self.nodes[index.get()].set_params(core, params);
        Ok(())
    }

    pub(super) fn add_server(&mut self, id: &str) -> Result<(), CommandError> {
        let index = self.require(id)?;
        let core = &mut self.core;
        match &mut self.nodes[index.get()] {
            NodeState::AutoscalingGroup(group) => {
                if group.add_instance(core) {
                    Ok(())
                } else {
                    Err(CommandError::AtLimit(format!(
                        "\"{id}\" is already at its maximum of instances"
                    )))
                }
            }
            NodeState::LoadBalancer(lb) => {
                let template = lb
                    .current_backends()
                    .find(|b| core.kinds[b.node.get()] == NodeKind::Server);
                let Some(template) = template else {
                    return Err(CommandError::AtLimit(format!(
                        "\"{id}\" has no server backend to copy"
                    )));
                };
                let (template_node, template_link) = (template.node, template.link);
                let Some(base) = self.design.node(&core.ids[template_node.get()]).cloned() else {
                    return Err(CommandError::UnknownNode(
                        core.ids[template_node.get()].clone(),
                    ));
                };
                let mut count = 2;
                let new_id = loop {
                    let candidate = format!("{}-{count}", base.id);
                    if !core.ids.contains(&candidate) {
                        break candidate;
                    }
                    count += 1;
                };
                let mut node = base.clone();
                node.id = new_id.clone();
                node.name = format!("{} {count}", base.display_name());
                node.position.y += 40.0;
                let new_index = core.add_node(&new_id, &node.zone, NodeKind::Server);
                let latency_ms = core.links[template_link.get()].latency_ns as f64 / 1e6;
                let mut new_links = vec![Link::new(id, &new_id, latency_ms)];
                for link in &self.design.links {
                    if link.from == base.id {
                        let mut copy = link.clone();
                        copy.from = new_id.clone();
                        new_links.push(copy);
                    }
                }
                self.design.nodes.push(node.clone());
                for link in &new_links {
                    self.design.links.push(link.clone());
                    Simulation::push_link(core, link);
                }
                let NodeParams::Server(params) = &node.params else {
                    return Err(CommandError::AtLimit("template is not a server".to_owned()));
                };
                let server = server::Server::new(core, new_index, params, false);
                let weight = i64::from(params.worker_count());
                let lb_link = LinkIndex((core.links.len() - new_links.len()) as u32);
                lb.add_backend(core, lb_link, new_index, weight);
                let event = RunEvent::BackendAdded {
                    backend: new_id.clone(),
                };
                core.log(
                    LogLevel::Info,
                    index,
                    event,
                    format!("added backend {new_id}"),
                );
                self.nodes.push(NodeState::Server(server));
                self.notification_cursors.push(0);
                Ok(())
            }
            _ => Err(self.wrong_kind(index)),
        }
    }
}
