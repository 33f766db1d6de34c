//! Every change to the document as data ([`Command`]), and the one function that folds a command into
//! the document ([`apply`]).
//!
//! **Architecture Invariant:** after every successful [`apply`], the document has no validation
//! problem except possibly "no users node" (an empty canvas is a fine place to start). A command that
//! would break this is refused with an [`EditError`] and the document is left exactly as it was, so a
//! bad value typed into the inspector never reaches the document, autosave or the simulation.
//!
//! `apply` works on a copy and swaps it in only when the copy passes validation. Designs are small
//! (tens of nodes), so the copy costs microseconds even at pointer-move rate during a drag.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use engine::design::{AlertRule, CURRENT_VERSION, ScheduledFault};
use engine::{
    Design, DesignError, Link, LinkRefusal, Node, NodeKind, NodeParams, Problem, link_allowed,
};
use serde_json::Value;

use super::clipboard::Clipboard;
use super::geometry::{Point, Vector};
use super::number::{read_number, read_whole_number};

/// One change to the document. Every edit the UI makes goes through here, so undo, validation and
/// autosave see all of them.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A new node of `kind` centred at the canvas point `at`, with default parameters. Without an
    /// `id` a fresh one is made from the kind (`server-3`).
    AddNode {
        kind: NodeKind,
        at: Point,
        id: Option<String>,
    },
    /// Moves the nodes by a canvas displacement. A drag sends many of these inside one gesture.
    MoveNodes {
        ids: Vec<String>,
        by: Vector,
    },
    /// A link from `from`'s output to `to`'s input: requests flow `from` → `to`.
    Connect {
        from: String,
        to: String,
    },
    /// Removes one link; refused when there is no such link.
    Disconnect(LinkId),
    /// Removes nodes and links. Removing a node removes its links and the alert rules, faults and
    /// scheduled releases that name it. Ids that no longer exist are skipped, so a stale selection is harmless.
    Delete {
        nodes: Vec<String>,
        links: Vec<LinkId>,
    },
    /// Horizontal scaling in one step: a copy of the load balancer's first server backend, below
    /// its lowest backend, linked from the load balancer and to everything that server calls.
    AddBackend {
        load_balancer: String,
    },
    /// Copies of the nodes (and the links among them), offset by [`DUPLICATE_OFFSET`].
    Duplicate {
        ids: Vec<String>,
    },
    /// The clipboard's nodes with fresh ids and names, moved by `offset`, links remapped.
    Paste {
        clipboard: Clipboard,
        offset: Vector,
    },
    /// The name shown on the node; empty shows the id.
    Rename {
        node: String,
        name: String,
    },
    /// The availability zone (for zone outages).
    SetZone {
        node: String,
        zone: String,
    },
    /// One parameter of a node, by its path inside `params` (`workers`, `health_check.interval_ms`,
    /// `service.read.mean_ms`, `pattern` with a JSON value). Traffic is the users node's parameters.
    SetParam {
        node: String,
        field: String,
        value: ParamValue,
    },
    /// One field of a link: `latency_ms` or `loss`.
    SetLinkParam {
        link: LinkId,
        field: String,
        value: ParamValue,
    },
    AddAlertRule(AlertRule),
    SetAlertRule {
        index: usize,
        rule: AlertRule,
    },
    RemoveAlertRule {
        index: usize,
    },
    AddFault(ScheduledFault),
    SetFault {
        index: usize,
        fault: ScheduledFault,
    },
    RemoveFault {
        index: usize,
    },
    SetDesignName(String),
    SetSeed(u64),
    /// A whole new document: an imported file, a preset, a share link.
    ReplaceDocument(Box<Design>),
}

/// A link is known by its two ends: the model refuses a second link between the same two nodes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkId {
    pub from: String,
    pub to: String,
}

/// A value typed by a person (interpreted by the field's current type: `"4"` for a number, `"true"`
/// for a switch, `"round_robin"` for a choice, empty for "none") or a JSON value from code.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    Text(String),
    Json(Value),
}

/// What a successful command did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// False when the command changed nothing (a move by zero, a rename to the same name); the
    /// history records no step for it.
    pub changed: bool,
    /// Ids of the nodes the command created, in order, so the UI can select them.
    pub created: Vec<String>,
    /// One sentence saying what happened, for the aria-live region and the undo button's title.
    pub announcement: String,
}

/// Why a command was refused. The document is unchanged.
#[derive(Clone, Debug, PartialEq)]
pub enum EditError {
    UnknownNode {
        id: String,
    },
    UnknownLink(LinkId),
    DuplicateNodeId {
        id: String,
    },
    SelfLink {
        id: String,
    },
    DuplicateLink(LinkId),
    /// The model forbids requests flowing between these kinds; the refusal says why.
    LinkRefused(LinkRefusal),
    /// The link would close a loop requests could go round forever; `cycle` starts and ends at the
    /// same node.
    WouldLoop {
        cycle: Vec<String>,
    },
    /// There is no field of that name here.
    UnknownField {
        field: String,
    },
    /// A value the field cannot take; `message` is meant to be shown beside the field.
    InvalidValue {
        field: String,
        message: String,
    },
    UnknownAlertRule {
        index: usize,
    },
    UnknownFault {
        index: usize,
    },
    /// The resulting document would not be valid (an imported design, a pasted clipboard).
    InvalidDesign(DesignError),
    /// The page shows a read-only replay: nothing may change it.
    ReadOnly,
}

/// How far a duplicate lands from its original, canvas pixels (two grid cells down and right).
pub const DUPLICATE_OFFSET: Vector = Vector::new(40.0, 40.0);

/// Longest node name, characters.
pub const MAX_NAME_CHARS: usize = 100;

impl LinkId {
    pub fn new(from: &str, to: &str) -> LinkId {
        LinkId {
            from: from.to_owned(),
            to: to.to_owned(),
        }
    }

    pub fn of(link: &Link) -> LinkId {
        LinkId::new(&link.from, &link.to)
    }

    pub fn matches(&self, link: &Link) -> bool {
        self.from == link.from && self.to == link.to
    }
}

impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.from, self.to)
    }
}

impl ParamValue {
    pub fn text(text: &str) -> ParamValue {
        ParamValue::Text(text.to_owned())
    }
}

impl Command {
    /// Consecutive commands with the same key may be merged into one undo step (see
    /// [`super::history::History::record`]): scrubbing a slider sends one `SetParam` per input event
    /// but should undo in one go.
    pub fn coalesce_key(&self) -> Option<String> {
        match self {
            Command::SetParam { node, field, .. } => Some(format!("param:{node}:{field}")),
            Command::SetLinkParam { link, field, .. } => {
                Some(format!("link:{}:{}:{field}", link.from, link.to))
            }
            _ => None,
        }
    }
}

impl EditError {
    /// The field the message belongs beside, for errors about one value.
    pub fn field(&self) -> Option<&str> {
        match self {
            EditError::InvalidValue { field, .. } | EditError::UnknownField { field } => {
                Some(field)
            }
            _ => None,
        }
    }
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::UnknownNode { id } => write!(f, "there is no node \"{id}\""),
            EditError::UnknownLink(link) => write!(f, "there is no link {link}"),
            EditError::DuplicateNodeId { id } => write!(f, "the id \"{id}\" is already taken"),
            EditError::SelfLink { id } => write!(f, "\"{id}\" cannot be linked to itself"),
            EditError::DuplicateLink(link) => {
                write!(f, "\"{}\" is already linked to \"{}\"", link.from, link.to)
            }
            EditError::LinkRefused(refusal) => write!(f, "{refusal}"),
            EditError::WouldLoop { cycle } => write!(
                f,
                "this link would let requests loop forever: {}",
                cycle.join(" → ")
            ),
            EditError::UnknownField { field } => write!(f, "there is no field \"{field}\""),
            EditError::InvalidValue { field, message } => {
                write!(f, "{}: {message}", super::fields::field_label(field))
            }
            EditError::UnknownAlertRule { index } => write!(f, "there is no alert rule {index}"),
            EditError::UnknownFault { index } => write!(f, "there is no fault {index}"),
            EditError::InvalidDesign(error) => write!(f, "{error}"),
            EditError::ReadOnly => write!(
                f,
                "this is a read-only replay: open it in the editor to change it"
            ),
        }
    }
}

impl std::error::Error for EditError {}

/// Applies `command` to `document`, or refuses it and leaves `document` untouched.
pub fn apply(document: &mut Design, command: &Command) -> Result<Applied, EditError> {
    let mut candidate = document.clone();
    let applied = fold(&mut candidate, command)?;
    if applied.changed {
        check_invariant(document, &candidate, command)?;
        *document = candidate;
    }
    Ok(applied)
}

/// Whether `from` → `to` may be linked, without changing anything. The canvas calls this while a
/// link is being dragged, to refuse it (and say why) before the pointer is released.
pub fn check_connect(document: &Design, from: &str, to: &str) -> Result<(), EditError> {
    let from_kind = kind_of(document, from)?;
    let to_kind = kind_of(document, to)?;
    if from == to {
        return Err(EditError::SelfLink {
            id: from.to_owned(),
        });
    }
    let link = LinkId::new(from, to);
    if document.links.iter().any(|existing| link.matches(existing)) {
        return Err(EditError::DuplicateLink(link));
    }
    link_allowed(from_kind, to_kind).map_err(EditError::LinkRefused)?;
    if let Some(path) = route(document, to, from) {
        // The route runs to → … → from; the new link would close it from `from` back to `to`.
        let cycle = std::iter::once(from.to_owned()).chain(path).collect();
        return Err(EditError::WouldLoop { cycle });
    }
    Ok(())
}

/// A fresh node id `{base}-{n}` with the smallest `n ≥ 1` not in `taken`.
pub fn fresh_id(base: &str, taken: &BTreeSet<String>) -> String {
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_default()
}

/// The id prefix for new nodes of a kind: `load-balancer`, `server`.
pub fn id_base(kind: NodeKind) -> String {
    kind.as_str().replace('_', "-")
}

/// Makes the change on `document` (a scratch copy) and checks what only the command knows about.
fn fold(document: &mut Design, command: &Command) -> Result<Applied, EditError> {
    match command {
        Command::AddNode { kind, at, id } => add_node(document, *kind, *at, id.as_deref()),
        Command::MoveNodes { ids, by } => move_nodes(document, ids, *by),
        Command::Connect { from, to } => {
            check_connect(document, from, to)?;
            let latency_ms = default_latency_ms(document.nodes[node_index(document, from)?].kind());
            document.links.push(Link::new(from, to, latency_ms));
            Ok(changed(format!("Connected {from} to {to}")))
        }
        Command::Disconnect(link) => {
            let index = document
                .links
                .iter()
                .position(|existing| link.matches(existing))
                .ok_or_else(|| EditError::UnknownLink(link.clone()))?;
            document.links.remove(index);
            Ok(changed(format!("Disconnected {link}")))
        }
        Command::Delete { nodes, links } => Ok(delete(document, nodes, links)),
        Command::AddBackend { load_balancer } => add_backend(document, load_balancer),
        Command::Duplicate { ids } => {
            let clipboard = Clipboard::copy(document, ids)?;
            let mut applied = paste(document, &clipboard, DUPLICATE_OFFSET);
            applied.announcement = format!("Duplicated {}", count(applied.created.len(), "node"));
            Ok(applied)
        }
        Command::Paste { clipboard, offset } => {
            if !offset.is_finite() {
                return Err(not_finite("position"));
            }
            Ok(paste(document, clipboard, *offset))
        }
        Command::Rename { node, name } => {
            let index = node_index(document, node)?;
            let name = name.trim();
            if name.chars().count() > MAX_NAME_CHARS {
                return Err(EditError::InvalidValue {
                    field: "name".to_owned(),
                    message: format!("must be at most {MAX_NAME_CHARS} characters"),
                });
            }
            let announcement = format!("Renamed {node} to \"{name}\"");
            Ok(set_if_different(
                &mut document.nodes[index].name,
                name,
                announcement,
            ))
        }
        Command::SetZone { node, zone } => {
            let index = node_index(document, node)?;
            let zone = zone.trim();
            if zone.is_empty() {
                return Err(EditError::InvalidValue {
                    field: "zone".to_owned(),
                    message: "must not be empty".to_owned(),
                });
            }
            let announcement = format!("Moved {node} to zone {zone}");
            Ok(set_if_different(
                &mut document.nodes[index].zone,
                zone,
                announcement,
            ))
        }
        Command::SetParam { node, field, value } => set_param(document, node, field, value),
        Command::SetLinkParam { link, field, value } => {
            set_link_param(document, link, field, value)
        }
        Command::AddAlertRule(rule) => {
            document.alert_rules.push(rule.clone());
            Ok(changed(format!("Added alert rule \"{}\"", rule.name)))
        }
        Command::SetAlertRule { index, rule } => {
            let slot = document
                .alert_rules
                .get_mut(*index)
                .ok_or(EditError::UnknownAlertRule { index: *index })?;
            let differs = slot != rule;
            slot.clone_from(rule);
            Ok(changed_if(
                differs,
                format!("Changed alert rule \"{}\"", rule.name),
            ))
        }
        Command::RemoveAlertRule { index } => {
            if *index >= document.alert_rules.len() {
                return Err(EditError::UnknownAlertRule { index: *index });
            }
            let rule = document.alert_rules.remove(*index);
            Ok(changed(format!("Removed alert rule \"{}\"", rule.name)))
        }
        Command::AddFault(fault) => {
            document.faults.push(fault.clone());
            Ok(changed("Added a fault".to_owned()))
        }
        Command::SetFault { index, fault } => {
            let slot = document
                .faults
                .get_mut(*index)
                .ok_or(EditError::UnknownFault { index: *index })?;
            let differs = slot != fault;
            slot.clone_from(fault);
            Ok(changed_if(differs, "Changed a fault".to_owned()))
        }
        Command::RemoveFault { index } => {
            if *index >= document.faults.len() {
                return Err(EditError::UnknownFault { index: *index });
            }
            document.faults.remove(*index);
            Ok(changed("Removed a fault".to_owned()))
        }
        Command::SetDesignName(name) => {
            let name = name.trim();
            let announcement = format!("Renamed the design to \"{name}\"");
            Ok(set_if_different(&mut document.name, name, announcement))
        }
        Command::SetSeed(seed) => {
            let differs = document.seed != *seed;
            document.seed = *seed;
            Ok(changed_if(differs, format!("Set the seed to {seed}")))
        }
        Command::ReplaceDocument(design) => {
            let differs = **design != *document;
            document.clone_from(design);
            document.version = CURRENT_VERSION;
            let name = if design.name.is_empty() {
                "an untitled design"
            } else {
                &design.name
            };
            Ok(changed_if(differs, format!("Opened {name}")))
        }
    }
}

fn add_node(
    document: &mut Design,
    kind: NodeKind,
    at: Point,
    id: Option<&str>,
) -> Result<Applied, EditError> {
    if !at.is_finite() {
        return Err(not_finite("position"));
    }
    let id = match id {
        Some(id) if id.trim().is_empty() => {
            return Err(EditError::InvalidValue {
                field: "id".to_owned(),
                message: "must not be empty".to_owned(),
            });
        }
        Some(id) if document.node_index(id).is_some() => {
            return Err(EditError::DuplicateNodeId { id: id.to_owned() });
        }
        Some(id) => id.to_owned(),
        None => fresh_id(&id_base(kind), &node_ids(document)),
    };
    let mut node = Node::new(&id, kind, at.x, at.y);
    node.name = numbered_name(kind.label(), &id);
    let announcement = format!("Added {} \"{}\"", kind.label(), node.name);
    document.nodes.push(node);
    Ok(Applied {
        changed: true,
        created: vec![id],
        announcement,
    })
}

fn add_backend(document: &mut Design, load_balancer: &str) -> Result<Applied, EditError> {
    if kind_of(document, load_balancer)? != NodeKind::LoadBalancer {
        return Err(EditError::InvalidValue {
            field: "node".to_owned(),
            message: format!("{load_balancer} is not a load balancer"),
        });
    }
    let backends: Vec<&Link> = document
        .links
        .iter()
        .filter(|link| link.from == load_balancer)
        .collect();
    let template = backends
        .iter()
        .find_map(|link| {
            document
                .node(&link.to)
                .filter(|node| node.kind() == NodeKind::Server)
                .map(|node| (node.clone(), (*link).clone()))
        })
        .ok_or_else(|| EditError::InvalidValue {
            field: "node".to_owned(),
            message: format!("{load_balancer} has no server behind it to copy"),
        })?;
    let (template, template_link) = template;
    let lowest = backends
        .iter()
        .filter_map(|link| document.node(&link.to))
        .map(|node| node.position.y)
        .fold(template.position.y, f64::max);
    let id = fresh_id(&strip_number(&template.id, '-'), &node_ids(document));
    let mut node = template.clone();
    node.name = if template.name.is_empty() {
        String::new()
    } else {
        numbered_name(&strip_number(&template.name, ' '), &id)
    };
    node.id.clone_from(&id);
    node.position.y = lowest + 3.0 * DUPLICATE_OFFSET.y;
    let calls: Vec<Link> = document
        .links
        .iter()
        .filter(|link| link.from == template.id)
        .map(|link| Link {
            from: id.clone(),
            ..link.clone()
        })
        .collect();
    document.nodes.push(node);
    document.links.push(Link {
        to: id.clone(),
        ..template_link
    });
    document.links.extend(calls);
    Ok(Applied {
        changed: true,
        announcement: format!("Added {id} behind {load_balancer}"),
        created: vec![id],
    })
}

fn move_nodes(document: &mut Design, ids: &[String], by: Vector) -> Result<Applied, EditError> {
    if !by.is_finite() {
        return Err(not_finite("position"));
    }
    let indices = ids
        .iter()
        .map(|id| node_index(document, id))
        .collect::<Result<BTreeSet<usize>, EditError>>()?;
    if by == Vector::ZERO || indices.is_empty() {
        return Ok(Applied::default());
    }
    for index in &indices {
        let position = &mut document.nodes[*index].position;
        position.x += by.x;
        position.y += by.y;
    }
    Ok(changed(format!("Moved {}", count(indices.len(), "node"))))
}

fn delete(document: &mut Design, nodes: &[String], links: &[LinkId]) -> Applied {
    let doomed: BTreeSet<&str> = nodes.iter().map(String::as_str).collect();
    let named = |id: &str| doomed.contains(id);
    let nodes_before = document.nodes.len();
    let links_before = document.links.len();
    document.nodes.retain(|node| !named(&node.id));
    document.links.retain(|link| {
        !named(&link.from) && !named(&link.to) && !links.iter().any(|id| id.matches(link))
    });
    // Rules and faults that name a deleted node would make the document invalid; undo brings them
    // back with the node.
    document
        .alert_rules
        .retain(|rule| !rule.node.as_deref().is_some_and(named));
    document
        .faults
        .retain(|fault| !fault_nodes(&fault.fault).into_iter().any(named));
    document
        .releases
        .retain(|scheduled| !named(&scheduled.pipeline));
    let removed_nodes = nodes_before - document.nodes.len();
    let removed_links = links_before - document.links.len();
    let announcement = match (removed_nodes, removed_links) {
        (0, 0) => return Applied::default(),
        (0, links) => format!("Deleted {}", count(links, "link")),
        (nodes, 0) => format!("Deleted {}", count(nodes, "node")),
        (nodes, links) => format!(
            "Deleted {} and {}",
            count(nodes, "node"),
            count(links, "link")
        ),
    };
    changed(announcement)
}

/// Inserts the clipboard's nodes under fresh ids and names and the links among them, remapped.
fn paste(document: &mut Design, clipboard: &Clipboard, offset: Vector) -> Applied {
    let mut taken = node_ids(document);
    let mut renamed = BTreeMap::new();
    let mut created = Vec::new();
    for original in &clipboard.nodes {
        let base = strip_number(&original.id, '-');
        let base = if base.trim().is_empty() {
            id_base(original.kind())
        } else {
            base
        };
        let id = fresh_id(&base, &taken);
        taken.insert(id.clone());
        let mut node = original.clone();
        node.name = if original.name.is_empty() {
            String::new()
        } else {
            numbered_name(&strip_number(&original.name, ' '), &id)
        };
        node.id.clone_from(&id);
        node.position.x += offset.x;
        node.position.y += offset.y;
        document.nodes.push(node);
        renamed.insert(original.id.as_str(), id.clone());
        created.push(id);
    }
    let mut seen = BTreeSet::new();
    for link in &clipboard.links {
        if let (Some(from), Some(to)) = (
            renamed.get(link.from.as_str()),
            renamed.get(link.to.as_str()),
        ) && seen.insert((from, to))
        {
            document.links.push(Link {
                from: from.clone(),
                to: to.clone(),
                ..link.clone()
            });
        }
    }
    Applied {
        changed: !created.is_empty(),
        announcement: format!("Pasted {}", count(created.len(), "node")),
        created,
    }
}

fn set_param(
    document: &mut Design,
    node_id: &str,
    field: &str,
    value: &ParamValue,
) -> Result<Applied, EditError> {
    let index = node_index(document, node_id)?;
    let node = &document.nodes[index];
    let mut json = serde_json::to_value(&node.params).unwrap_or(Value::Null);
    set_json_field(&mut json, field, value)?;
    let mut params =
        parse_params(node.kind(), json).map_err(|error| value_error(field, "", &error))?;
    // Choosing a flavour (of a load balancer, a cache) rewrites the settings it fixes to its
    // defaults in the same step (one Undo brings the old ones back); choosing the same flavour
    // again resets edited ones.
    if field == "flavour" {
        params = engine::flavours::reset(&params);
    }
    let node = &mut document.nodes[index];
    let differs = node.params != params;
    node.params = params;
    Ok(changed_if(
        differs,
        format!("Set {field} of {node_id} to {}", shown(value)),
    ))
}

/// Reads a node's `params` object with the engine's own reader (through a one-node design), so the
/// editor accepts exactly what a design file may hold. Error paths are relative to `params`.
pub(crate) fn parse_params(kind: NodeKind, params: Value) -> Result<NodeParams, DesignError> {
    let mut node = serde_json::json!({ "id": "node", "kind": kind });
    node["params"] = params;
    let wrapper = serde_json::json!({
        "version": CURRENT_VERSION,
        "nodes": [node],
        "alert_rules": [],
    });
    match Design::from_value(wrapper) {
        Ok(design) => design
            .nodes
            .into_iter()
            .next()
            .map(|node| node.params)
            .ok_or_else(|| DesignError {
                path: String::new(),
                problem: Problem::Schema {
                    message: "no parameters".to_owned(),
                },
            }),
        Err(mut error) => {
            if let Some(inner) = error.path.strip_prefix("nodes[0].params") {
                error.path = inner.trim_start_matches('.').to_owned();
            }
            Err(error)
        }
    }
}

fn set_link_param(
    document: &mut Design,
    link_id: &LinkId,
    field: &str,
    value: &ParamValue,
) -> Result<Applied, EditError> {
    if field == "from" || field == "to" {
        return Err(EditError::UnknownField {
            field: field.to_owned(),
        });
    }
    let link = document
        .links
        .iter_mut()
        .find(|link| link_id.matches(link))
        .ok_or_else(|| EditError::UnknownLink(link_id.clone()))?;
    let mut json = serde_json::to_value(&*link).unwrap_or(Value::Null);
    set_json_field(&mut json, field, value)?;
    let edited: Link = serde_json::from_value(json).map_err(|error| EditError::InvalidValue {
        field: field.to_owned(),
        message: friendly_serde_message(&error.to_string()),
    })?;
    let differs = *link != edited;
    *link = edited;
    Ok(changed_if(
        differs,
        format!("Set {field} of link {link_id} to {}", shown(value)),
    ))
}

/// Replaces the value at the dotted `field` path inside `object`, interpreting text by the type of
/// the value it replaces.
fn set_json_field(object: &mut Value, field: &str, value: &ParamValue) -> Result<(), EditError> {
    let unknown = || EditError::UnknownField {
        field: field.to_owned(),
    };
    let mut slot = object;
    for segment in field.split('.') {
        slot = slot
            .as_object_mut()
            .and_then(|map| map.get_mut(segment))
            .ok_or_else(unknown)?;
    }
    *slot = match value {
        ParamValue::Json(json) => json.clone(),
        ParamValue::Text(text) => {
            interpret_text(text.trim(), slot).map_err(|message| EditError::InvalidValue {
                field: field.to_owned(),
                message,
            })?
        }
    };
    Ok(())
}

/// Reads what a person typed as the JSON type of the value it replaces.
fn interpret_text(text: &str, current: &Value) -> Result<Value, String> {
    match current {
        // Empty clears an optional number; for a required one the engine's reader refuses null.
        Value::Number(_) | Value::Null if text.is_empty() => Ok(Value::Null),
        Value::Bool(_) => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(Value::Bool(true)),
            "false" | "no" | "off" => Ok(Value::Bool(false)),
            _ => Err(format!("must be true or false, got \"{text}\"")),
        },
        Value::Number(number) if number.is_u64() || number.is_i64() => parse_whole(text)
            .ok_or_else(|| match parse_number(text) {
                Some(number) if number.as_f64().is_some_and(|n| n < 0.0) => {
                    format!("must be at least 0, got {text}")
                }
                _ => format!("must be a whole number, got \"{text}\""),
            }),
        // An empty optional field takes a whole number or a number.
        Value::Number(_) | Value::Null => parse_whole(text)
            .or_else(|| parse_number(text))
            .ok_or_else(|| format!("must be a number, got \"{text}\"")),
        Value::String(_) => Ok(Value::String(text.to_owned())),
        Value::Array(_) | Value::Object(_) => {
            serde_json::from_str(text).map_err(|error| format!("must be JSON: {error}"))
        }
    }
}

fn parse_whole(text: &str) -> Option<Value> {
    read_whole_number(text).ok().map(Value::from)
}

/// Any finite number (JSON cannot hold infinities or NaN, and neither can a design).
fn parse_number(text: &str) -> Option<Value> {
    read_number(text, None).ok().map(Value::from)
}

/// serde speaks of Rust types; people read "whole number".
fn friendly_serde_message(message: &str) -> String {
    let expected = message.rsplit("expected ").next().unwrap_or_default();
    let quoted = message
        .split('`')
        .nth(1)
        .filter(|_| message.matches('`').count() >= 2);
    let got = quoted.map(str::to_owned).or_else(|| {
        message
            .split_once(": ")
            .and_then(|(_, rest)| rest.split_once(", expected"))
            .map(|(got, _)| got.to_owned())
    });
    let wanted = match expected {
        "u32" | "u64" => "a whole number, 0 or more",
        "f64" => "a number",
        "a boolean" => "true or false",
        _ => return message.to_owned(),
    };
    match got {
        Some(got) if got != "null" => format!("must be {wanted}, got {got}"),
        _ => format!("must be {wanted}"),
    }
}

/// Refuses the candidate if it has a validation problem the original did not have (other than
/// "no users node").
fn check_invariant(
    original: &Design,
    candidate: &Design,
    command: &Command,
) -> Result<(), EditError> {
    // The engine never reads positions, so it does not check them; JSON cannot hold infinities.
    if let Some(node) = candidate
        .nodes
        .iter()
        .find(|node| !Point::from(node.position).is_finite())
    {
        return Err(EditError::InvalidValue {
            field: "position".to_owned(),
            message: format!("\"{}\" must be at a finite place", node.id),
        });
    }
    let fresh = |error: &DesignError| error.problem != Problem::NoTrafficSource;
    let mut problems = candidate.problems().into_iter().filter(fresh).peekable();
    if problems.peek().is_none() {
        return Ok(());
    }
    let already = if matches!(command, Command::ReplaceDocument(_)) {
        Vec::new()
    } else {
        original.problems()
    };
    match problems.find(|problem| !already.contains(problem)) {
        None => Ok(()),
        Some(problem) => Err(design_error_for(original, command, problem)),
    }
}

/// Words the problem in terms of the command that caused it.
fn design_error_for(original: &Design, command: &Command, error: DesignError) -> EditError {
    match command {
        Command::SetParam { node, field, .. } => match original.node_index(node) {
            Some(index) => value_error(field, &format!("nodes[{index}].params"), &error),
            None => EditError::InvalidDesign(error),
        },
        Command::SetLinkParam { link, field, .. } => {
            match original
                .links
                .iter()
                .position(|existing| link.matches(existing))
            {
                Some(index) => value_error(field, &format!("links[{index}]"), &error),
                None => EditError::InvalidDesign(error),
            }
        }
        Command::SetAlertRule { index, .. } => {
            scoped_error(&format!("alert_rules[{index}]"), error)
        }
        Command::AddAlertRule(_) => scoped_error(
            &format!("alert_rules[{}]", original.alert_rules.len()),
            error,
        ),
        Command::SetFault { index, .. } => scoped_error(&format!("faults[{index}]"), error),
        Command::AddFault(_) => scoped_error(&format!("faults[{}]", original.faults.len()), error),
        _ => EditError::InvalidDesign(error),
    }
}

/// A problem inside `scope` (`nodes[2].params`) as an error beside the edited `field`; a problem with
/// another field of the same object (a cross-field rule) names that field in the message.
fn value_error(field: &str, scope: &str, error: &DesignError) -> EditError {
    let problem = match &error.problem {
        Problem::Schema { message } => friendly_serde_message(message),
        other => other.to_string(),
    };
    let inner = error
        .path
        .strip_prefix(scope)
        .map(|rest| rest.trim_start_matches('.'));
    let message = match inner {
        Some(inner) if inner == field || inner.is_empty() => problem,
        Some(inner) => format!("{} {problem}", super::fields::field_label(inner)),
        None => error.to_string(),
    };
    EditError::InvalidValue {
        field: field.to_owned(),
        message,
    }
}

fn scoped_error(scope: &str, error: DesignError) -> EditError {
    match error.path.strip_prefix(scope) {
        Some(rest) if rest.starts_with('.') => EditError::InvalidValue {
            field: rest.trim_start_matches('.').to_owned(),
            message: error.problem.to_string(),
        },
        _ => EditError::InvalidDesign(error),
    }
}

/// A route of links from `start` to `goal` (both included), breadth first so it is the shortest.
fn route(document: &Design, start: &str, goal: &str) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    let mut visited = BTreeSet::from([start]);
    while let Some(current) = queue.pop_front() {
        if current == goal {
            let mut path = vec![goal.to_owned()];
            let mut at = goal;
            while let Some(previous) = came_from.get(at) {
                path.push((*previous).to_owned());
                at = previous;
            }
            path.reverse();
            return Some(path);
        }
        for link in document.links.iter().filter(|link| link.from == current) {
            if visited.insert(&link.to) {
                came_from.insert(&link.to, current);
                queue.push_back(&link.to);
            }
        }
    }
    None
}

/// Users reach the system over the internet; everything else sits in one data centre.
fn default_latency_ms(from: NodeKind) -> f64 {
    match from {
        NodeKind::Users => 30.0,
        _ => 1.0,
    }
}

fn fault_nodes(fault: &engine::design::Fault) -> Vec<&str> {
    use engine::design::Fault;
    match fault {
        Fault::Kill { node }
        | Fault::Restart { node }
        | Fault::SlowDown { node, .. }
        | Fault::DatabasePrimaryCrash { node }
        | Fault::CacheFlush { node } => vec![node],
        Fault::Partition { a, b } => vec![a, b],
        Fault::LinkDegradation { from, to, .. } => vec![from, to],
        Fault::ZoneOutage { .. } => Vec::new(),
        Fault::TrafficSpike { node, .. } => node.iter().map(String::as_str).collect(),
    }
}

fn node_index(document: &Design, id: &str) -> Result<usize, EditError> {
    document
        .node_index(id)
        .ok_or_else(|| EditError::UnknownNode { id: id.to_owned() })
}

fn kind_of(document: &Design, id: &str) -> Result<NodeKind, EditError> {
    node_index(document, id).map(|index| document.nodes[index].kind())
}

fn node_ids(document: &Design) -> BTreeSet<String> {
    document.nodes.iter().map(|node| node.id.clone()).collect()
}

/// `"server-12"` → `"server"`, `"Web server 2"` → `"Web server"`; text without a number is kept.
fn strip_number(text: &str, separator: char) -> String {
    match text.rsplit_once(separator) {
        Some((base, number))
            if !base.is_empty()
                && !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit()) =>
        {
            base.to_owned()
        }
        _ => text.to_owned(),
    }
}

/// `"Server"` and id `"server-3"` → `"Server 3"`, so the name and the id tell the same story.
fn numbered_name(base: &str, id: &str) -> String {
    let number = id.rsplit_once('-').map(|(_, number)| number);
    match number {
        Some(number) if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) => {
            format!("{base} {number}")
        }
        _ => base.to_owned(),
    }
}

fn set_if_different(slot: &mut String, value: &str, announcement: String) -> Applied {
    let differs = slot != value;
    value.clone_into(slot);
    changed_if(differs, announcement)
}

fn changed(announcement: String) -> Applied {
    changed_if(true, announcement)
}

fn changed_if(differs: bool, announcement: String) -> Applied {
    Applied {
        changed: differs,
        created: Vec::new(),
        announcement,
    }
}

fn not_finite(field: &str) -> EditError {
    EditError::InvalidValue {
        field: field.to_owned(),
        message: "must be a finite number".to_owned(),
    }
}

fn shown(value: &ParamValue) -> String {
    match value {
        ParamValue::Text(text) => text.trim().to_owned(),
        ParamValue::Json(json) => json.to_string(),
    }
}

/// "1 node", "3 links".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
