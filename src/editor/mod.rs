//! The editor core: everything the canvas editor decides, with no Leptos or web imports, so all of
//! it is tested natively.
//!
//! # Bird's-eye view
//!
//! The *document* is an [`engine::Design`]: nodes with their positions and parameters, links, alert
//! rules, faults. The UI never changes it directly. It builds a [`Command`] (edits are data) and
//! hands it to [`Editor::execute`], which folds it into the document with [`apply`] and records an
//! undo step in the [`History`]. Undo, validation and autosave therefore see every change.
//!
//! *View state* (pan/zoom in [`Viewport`], the [`Selection`], the [`GestureMachine`]'s pointers and
//! gesture, hover) lives apart from the document: it is not saved and not undone.
//!
//! # Codemap
//!
//! - `command.rs`: [`Command`], [`apply`], [`EditError`], [`check_connect`] (refusing a link while it
//!   is dragged).
//! - `history.rs`: capped snapshot undo/redo; gestures and coalesce keys make a drag or a slider
//!   scrub one step.
//! - `clipboard.rs`: copied nodes and links, and their system-clipboard JSON.
//! - `fields.rs`: a node's parameters as inspector fields (path, label, unit, input, current text).
//! - `geometry.rs`: [`Point`], [`Vector`], [`Size`], [`Rect`].
//! - `viewport.rs`: screen ↔ canvas, zoom at the cursor, zoom to fit, hit tests, grid, link paths.
//! - `gesture.rs`: the canvas's pointer gestures as a state machine (pan, move nodes, connect, box
//!   select, pinch): pointer events in, effects out (commands, history steps, viewport, selection,
//!   previews, pointer capture).
//! - `drag.rs`: pointer positions → `MoveNodes` commands of one gesture; a link being drawn.
//! - `selection.rs`: selected nodes and links.
//! - `share_link.rs`: the design in the URL fragment (deflate + base64 + checksum), bounded.
//! - `replay_link.rs`: a whole run in the URL fragment (`#r=`, the share link's envelope), opened read-only.
//! - `class_link.rs`: a classroom pack (`#p=`) or a submission (`#s=`) in the URL fragment, same envelope.
//! - `interview.rs`: interview mode: the 45-minute clock in phases, the sheets (estimates checked),
//!   the private drill script, the interview file and the interviewer's `#i=` link.
//! - `storage.rs`: localStorage keys, restore on load, import and export of files.
//! - `icons.rs`: each node kind's icon as SVG shapes (canvas, palette and exported pictures).
//! - `keymap.rs`: the shortcut table used by both the key handler and the `?` sheet.
//! - `pattern.rs`: a users node's traffic pattern as a form (shape + numbers) and its sparkline.
//! - `svg_export.rs`: the design as a standalone SVG file (names escaped), also the PNG source.
//! - `number.rs`: the one reader for numbers typed into forms (inspector, traffic pattern, rule form,
//!   fault form, seed).
//! - `rule_form.rs`: the alert rule form's draft, its choices and its check.
//! - `fault_form.rs`: the fault form's draft, the targets each fault fits and its check.
//! - `release_form.rs`: the Release panel's draft (version, bug, hot fix), the next version it
//!   proposes and its check into an engine `Release` with typed errors.
//!
//! # Wiring it to the UI
//!
//! ```text
//! on load      let start = storage::startup(local_storage.get(AUTOSAVE_KEY), location.hash);
//!              if let RestoreOutcome::Unreadable { saved_text, recovery_key, explanation, .. } =
//!                  &start.base { write recovery_key = saved_text; show explanation }  // before autosaving
//!              if start.clear_fragment: history.replaceState without the `#d=…` fragment
//!              editor = Editor::new(start.base.into_design());
//!              if let Some(shared) = start.shared { execute(ReplaceDocument(shared)); save now }
//!              show start.link_message
//! any edit     match editor.execute(&command) {
//!                  Ok(applied) => { selection.follow(&applied, editor.document());
//!                                   announce(applied.announcement) }
//!                  Err(error) => show error (beside error.field() in the inspector) }
//! undo/redo    editor.undo() / editor.redo() → Some(label): announce "Undid …"; then
//!              selection.retain_existing(editor.document())
//! autosave     an effect on editor.revision(), debounced AUTOSAVE_DEBOUNCE_MS:
//!              write AUTOSAVE_KEY = storage::autosave_text(editor.document()); a change also
//!              clears a `#d=…` fragment left by Share, so a reload opens the autosave
//! keys         keymap::action_for(event.key(), ctrl, shift, alt, meta) → match the Action
//! pointers     machine.down / moved / up / cancel(&Pointer { id, primary, button, at: screen
//!              point, modifiers, target: Hit::… }, &Scene { document, viewport, selection })
//!              → for each GestureEffect in order: Execute(command) → execute; BeginGesture /
//!              EndGesture / CancelGesture → editor; Viewport / Select → view state; LinkPreview /
//!              BoxPreview → draw; Capture / StopPropagation → the DOM event
//! inspector    fields::param_fields(&node.params) → one input per field; on input:
//!              execute(SetParam { node, field: path, value: ParamValue::Text(text) });
//!              on change/blur: editor.seal()
//! ```
//!
//! **Architecture Invariant:** nothing under `editor/` imports `leptos`, `web_sys` or
//! `wasm_bindgen`; the components call in, never the reverse.
//!
//! **Architecture Invariant:** after every successful command the document has no validation
//! problem except possibly "no users node"; a refused command leaves it untouched.

pub mod class_link;
pub mod clipboard;
pub mod command;
pub mod drag;
pub mod fault_form;
pub mod fields;
pub mod geometry;
pub mod gesture;
pub mod history;
pub mod icons;
pub mod interview;
pub mod keymap;
pub mod number;
pub mod pattern;
pub mod release_form;
pub mod replay_link;
pub mod rule_form;
pub mod selection;
pub mod share_link;
pub mod storage;
pub mod svg_export;
pub mod viewport;

#[cfg(test)]
mod tests;

use engine::Design;

pub use clipboard::Clipboard;
pub use command::{Applied, Command, EditError, LinkId, ParamValue, apply, check_connect};
pub use drag::{NodeDrag, PendingLink};
pub use fields::{FieldInput, ParamField, param_fields};
pub use geometry::{Point, Rect, Size, Vector};
pub use gesture::{GestureEffect, GestureMachine};
pub use history::History;
pub use keymap::{Action, KEYMAP, action_for};
pub use selection::Selection;
pub use viewport::Viewport;

/// The document and its history, changed only through [`Editor::execute`], [`Editor::undo`] and
/// [`Editor::redo`].
///
/// In Leptos, keep one `Editor` in an `RwSignal` (or a `StoredValue` plus a revision signal) provided
/// through context; components read [`Editor::document`] and write by executing commands.
#[derive(Clone, Debug)]
pub struct Editor {
    document: Design,
    history: History<Design>,
    /// Counts every change, including undo and redo: the autosave effect and memos watch it.
    revision: u64,
}

impl Editor {
    /// An editor on `document`, with an empty history.
    pub fn new(document: Design) -> Editor {
        Editor {
            document,
            history: History::default(),
            revision: 0,
        }
    }

    pub fn document(&self) -> &Design {
        &self.document
    }

    pub fn history(&self) -> &History<Design> {
        &self.history
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Applies the command and records it for undo (merged into the step under way when a gesture
    /// is open or the command's coalesce key matches the previous one). A refused command changes
    /// nothing.
    pub fn execute(&mut self, command: &Command) -> Result<Applied, EditError> {
        let before = self.document.clone();
        let applied = apply(&mut self.document, command)?;
        if applied.changed {
            let key = command.coalesce_key();
            self.history
                .record(before, &applied.announcement, key.as_deref());
            self.revision += 1;
        }
        Ok(applied)
    }

    /// Whether the command would be accepted, without changing anything.
    pub fn check(&self, command: &Command) -> Result<(), EditError> {
        apply(&mut self.document.clone(), command).map(|_| ())
    }

    /// Takes back the last step; returns what it was ("Moved 2 nodes") for the announcement.
    pub fn undo(&mut self) -> Option<String> {
        let label = self.history.undo(&mut self.document)?;
        self.revision += 1;
        Some(label)
    }

    /// Brings back the last undone step; returns what it was.
    pub fn redo(&mut self) -> Option<String> {
        let label = self.history.redo(&mut self.document)?;
        self.revision += 1;
        Some(label)
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Pointer down on a node or a slider: until [`Editor::end_gesture`], every change is one step.
    pub fn begin_gesture(&mut self) {
        self.history.begin_gesture();
    }

    pub fn end_gesture(&mut self) {
        self.history.end_gesture();
    }

    /// A drag abandoned (a second finger turns it into a pinch): puts the document back as it was
    /// when the gesture began.
    pub fn cancel_gesture(&mut self) -> bool {
        let rolled_back = self.history.cancel_gesture(&mut self.document);
        if rolled_back {
            self.revision += 1;
        }
        rolled_back
    }

    /// Ends merging by coalesce key (a slider's `change` event, a field losing focus).
    pub fn seal(&mut self) {
        self.history.seal();
    }
}
