//! Dragging: nodes (pointer positions → the `MoveNodes` commands of one gesture, with optional grid
//! snapping of the grabbed node) and links (a [`PendingLink`] checked against every target).
//!
//! Usage, in the gesture machine (`gesture.rs`), which asks the component for the history steps:
//! ```text
//! pointerdown on a node: BeginGesture; drag = NodeDrag::new(ids, node_centre, pointer_canvas)
//! pointermove:           if let Some(command) = drag.update(pointer_canvas, snap) { Execute(command) }
//! pointerup:             EndGesture      a second pointer: CancelGesture
//! ```
//! Each update moves the nodes by the difference from the previous one, so the grabbed node follows
//! the pointer exactly (or its snapped place) however the events are spaced.

use engine::Design;

use super::command::{Command, EditError, check_connect};
use super::geometry::{Point, Vector};
use super::viewport::snap_point;

/// One drag of one or more nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDrag {
    ids: Vec<String>,
    /// The grabbed node's centre when the drag began, canvas pixels.
    anchor_start: Point,
    /// The pointer when the drag began, canvas pixels.
    pointer_start: Point,
    /// How far the nodes have been moved so far.
    moved: Vector,
}

impl NodeDrag {
    pub fn new(ids: Vec<String>, anchor_start: Point, pointer_start: Point) -> NodeDrag {
        NodeDrag {
            ids,
            anchor_start,
            pointer_start,
            moved: Vector::ZERO,
        }
    }

    /// The command that brings the nodes to where the pointer now says, or `None` when they are
    /// there already. With `grid`, the grabbed node's centre lands on the grid.
    pub fn update(&mut self, pointer: Point, grid: Option<f64>) -> Option<Command> {
        let unsnapped = self.anchor_start.plus(pointer.minus(self.pointer_start));
        let target = match grid {
            Some(grid) => snap_point(unsnapped, grid),
            None => unsnapped,
        };
        let wanted = target.minus(self.anchor_start);
        let by = Vector::new(wanted.x - self.moved.x, wanted.y - self.moved.y);
        if by == Vector::ZERO || !by.is_finite() {
            return None;
        }
        self.moved = wanted;
        Some(Command::MoveNodes {
            ids: self.ids.clone(),
            by,
        })
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The whole displacement so far.
    pub fn moved(&self) -> Vector {
        self.moved
    }
}

/// A link being drawn from a node's output (by pointer, or by keyboard after `c`) and not yet
/// dropped on a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLink {
    pub from: String,
}

impl PendingLink {
    pub fn new(from: &str) -> PendingLink {
        PendingLink {
            from: from.to_owned(),
        }
    }

    /// Whether dropping on `to` would be accepted. While the pointer is over a target the canvas
    /// marks it accepted or refused and shows the refusal's reason.
    pub fn check(&self, document: &Design, to: &str) -> Result<(), EditError> {
        check_connect(document, &self.from, to)
    }

    /// The nodes that would accept the link, in document order: the canvas highlights them and
    /// keyboard users move among them.
    pub fn valid_targets(&self, document: &Design) -> Vec<String> {
        document
            .nodes
            .iter()
            .filter(|node| self.check(document, &node.id).is_ok())
            .map(|node| node.id.clone())
            .collect()
    }

    /// The command that makes the link (still checked by `apply`).
    pub fn finish(&self, to: &str) -> Command {
        Command::Connect {
            from: self.from.clone(),
            to: to.to_owned(),
        }
    }
}
