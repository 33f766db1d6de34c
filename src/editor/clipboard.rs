//! Copied nodes and the links among them, in the app and on the system clipboard.
//!
//! On the system clipboard a [`Clipboard`] is a design document holding only those nodes and links,
//! so nodes copied in one tab paste into another, and the nodes of an exported design file paste too.

use std::collections::BTreeSet;

use engine::design::CURRENT_VERSION;
use engine::{Design, DesignError, Link, Node, Problem};

use super::command::EditError;

/// Nodes and the links whose both ends are among them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clipboard {
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
}

/// The most clipboard text [`Clipboard::from_json`] reads, bytes.
pub const MAX_CLIPBOARD_BYTES: usize = 1024 * 1024;

impl Clipboard {
    /// Copies the nodes with these ids (in document order) and the links among them.
    pub fn copy(document: &Design, ids: &[String]) -> Result<Clipboard, EditError> {
        if let Some(missing) = ids.iter().find(|id| document.node_index(id).is_none()) {
            return Err(EditError::UnknownNode {
                id: missing.clone(),
            });
        }
        let chosen: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        Ok(Clipboard {
            nodes: document
                .nodes
                .iter()
                .filter(|node| chosen.contains(node.id.as_str()))
                .cloned()
                .collect(),
            links: document
                .links
                .iter()
                .filter(|link| {
                    chosen.contains(link.from.as_str()) && chosen.contains(link.to.as_str())
                })
                .cloned()
                .collect(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The text for the system clipboard: a design document with just these nodes and links.
    pub fn to_json(&self) -> String {
        Design {
            version: CURRENT_VERSION,
            name: String::new(),
            seed: 0,
            nodes: self.nodes.clone(),
            links: self.links.clone(),
            alert_rules: Vec::new(),
            faults: Vec::new(),
            releases: Vec::new(),
        }
        .to_json()
    }

    /// Reads clipboard text (or a whole design file) as nodes and links. Parameter ranges are checked
    /// when the clipboard is pasted, by [`super::command::apply`].
    pub fn from_json(text: &str) -> Result<Clipboard, DesignError> {
        if text.len() > MAX_CLIPBOARD_BYTES {
            return Err(DesignError {
                path: String::new(),
                problem: Problem::Schema {
                    message: format!(
                        "the clipboard holds {} KB; at most {} KB can be pasted",
                        text.len() / 1024,
                        MAX_CLIPBOARD_BYTES / 1024
                    ),
                },
            });
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| DesignError {
            path: String::new(),
            problem: Problem::Malformed {
                line: error.line(),
                column: error.column(),
                message: "the clipboard does not hold copied nodes".to_owned(),
            },
        })?;
        let design = Design::from_value(value)?;
        Ok(Clipboard {
            nodes: design.nodes,
            links: design.links,
        })
    }
}
