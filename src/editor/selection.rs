//! What is selected: view state, never saved in the document and never an undo step.

use std::collections::BTreeSet;

use engine::Design;

use super::command::{Applied, Command, LinkId};

/// Selected nodes and links.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub nodes: BTreeSet<String>,
    pub links: BTreeSet<LinkId>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.links.is_empty()
    }

    pub fn clear(&mut self) {
        self.nodes.clear();
        self.links.clear();
    }

    pub fn only_nodes(ids: impl IntoIterator<Item = String>) -> Selection {
        Selection {
            nodes: ids.into_iter().collect(),
            links: BTreeSet::new(),
        }
    }

    /// A click on a node: with `additive` (Shift or Ctrl/Cmd held) it toggles the node in the
    /// selection, otherwise the node becomes the whole selection.
    pub fn click_node(&mut self, id: &str, additive: bool) {
        if additive {
            if !self.nodes.remove(id) {
                self.nodes.insert(id.to_owned());
            }
        } else {
            self.clear();
            self.nodes.insert(id.to_owned());
        }
    }

    /// A click on a link, as [`Selection::click_node`].
    pub fn click_link(&mut self, link: &LinkId, additive: bool) {
        if additive {
            if !self.links.remove(link) {
                self.links.insert(link.clone());
            }
        } else {
            self.clear();
            self.links.insert(link.clone());
        }
    }

    /// A box select found these nodes: they replace the selection, or join it when `additive`.
    pub fn box_select(&mut self, ids: impl IntoIterator<Item = String>, additive: bool) {
        if !additive {
            self.clear();
        }
        self.nodes.extend(ids);
    }

    /// Every node of the document (Ctrl/Cmd+A).
    pub fn select_all(&mut self, document: &Design) {
        self.nodes = document.nodes.iter().map(|node| node.id.clone()).collect();
        self.links.clear();
    }

    pub fn contains_node(&self, id: &str) -> bool {
        self.nodes.contains(id)
    }

    pub fn contains_link(&self, link: &LinkId) -> bool {
        self.links.contains(link)
    }

    /// The one selected node, when exactly one node and nothing else is selected: what the
    /// inspector shows.
    pub fn single_node(&self) -> Option<&str> {
        match (self.nodes.len(), self.links.len()) {
            (1, 0) => self.nodes.first().map(String::as_str),
            _ => None,
        }
    }

    /// Forgets nodes and links the document no longer has (after undo, redo or a delete).
    pub fn retain_existing(&mut self, document: &Design) {
        self.nodes.retain(|id| document.node_index(id).is_some());
        self.links
            .retain(|link| document.links.iter().any(|existing| link.matches(existing)));
    }

    /// Follows a command the editor executed: the nodes it created become the selection (after add,
    /// duplicate, paste), and whatever no longer exists is dropped (after delete).
    pub fn follow(&mut self, applied: &Applied, document: &Design) {
        if !applied.created.is_empty() {
            *self = Selection::only_nodes(applied.created.iter().cloned());
        }
        self.retain_existing(document);
    }

    /// The selected node ids, in order, for commands.
    pub fn node_ids(&self) -> Vec<String> {
        self.nodes.iter().cloned().collect()
    }

    /// The command that deletes the selection (nodes with their links, and the selected links).
    pub fn delete_command(&self) -> Command {
        Command::Delete {
            nodes: self.node_ids(),
            links: self.links.iter().cloned().collect(),
        }
    }
}
