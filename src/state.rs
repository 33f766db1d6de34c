//! The app's shared state, provided through context: the document (editor + history) apart from the view
//! state (viewport, selection, hover) and the announcements read out by screen readers.

use leptos::prelude::*;

use crate::editor::{Applied, Command, EditError, Editor, Point, Selection, Size, Viewport};
use crate::persistence::Banner;
use crate::runner::Runner;

/// Everything components share. `Copy`: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Document state: saved and undone.
    pub editor: RwSignal<Editor>,
    /// View state: neither saved nor undone.
    pub view: ViewState,
    /// The running model.
    pub runner: Runner,
    /// The latest message for the aria-live region.
    pub announcement: RwSignal<String>,
    /// A message across the top of the canvas (an import refused, storage full…), until dismissed.
    pub banner: RwSignal<Option<Banner>>,
    /// Challenges and class packs (session state: neither saved nor undone).
    pub challenges: ChallengeSession,
}

/// The challenge being played, the class pack opened, and the graded runs a submission gathers.
#[derive(Clone, Copy)]
pub struct ChallengeSession {
    /// The challenge being played: the palette offers only the node kinds it allows.
    pub active: RwSignal<Option<engine::challenge::Challenge>>,
    /// The challenge menu is open.
    pub menu_open: RwSignal<bool>,
    /// A class pack opened from a link or a file: the menu offers its challenges and Submit.
    pub pack: RwSignal<Option<engine::pack::Pack>>,
    /// The best graded run of each of the pack's challenges, for Submit.
    pub results: RwSignal<Vec<engine::pack::SubmittedRun>>,
    /// The interviewer's private failure drill, from an interviewer's link (`#i=`).
    pub drill: RwSignal<Option<crate::editor::interview::DrillScript>>,
}

impl Default for ChallengeSession {
    fn default() -> Self {
        ChallengeSession::new()
    }
}

impl ChallengeSession {
    pub fn new() -> ChallengeSession {
        ChallengeSession {
            active: RwSignal::new(None),
            menu_open: RwSignal::new(false),
            pack: RwSignal::new(None),
            results: RwSignal::new(Vec::new()),
            drill: RwSignal::new(None),
        }
    }
}

/// Pan/zoom, selection and hover.
#[derive(Clone, Copy)]
pub struct ViewState {
    pub viewport: RwSignal<Viewport>,
    pub selection: RwSignal<Selection>,
    pub hovered: RwSignal<Option<String>>,
    /// A link started from the keyboard (`c`): the source node, until Enter on a target or Escape.
    pub connecting_from: RwSignal<Option<String>>,
    /// The `?` sheet of shortcuts is open.
    pub help_open: RwSignal<bool>,
    /// On small screens the palette is a drawer: whether it is open.
    pub palette_open: RwSignal<bool>,
}

/// The canvas element's size on screen (it is another component's element, looked up when needed).
pub fn canvas_screen_size() -> Size {
    document()
        .query_selector("main.canvas")
        .ok()
        .flatten()
        .map(|element| {
            Size::new(
                f64::from(element.client_width()),
                f64::from(element.client_height()),
            )
        })
        .unwrap_or(Size::new(800.0, 600.0))
}

/// The screen rectangles drawn over the canvas that a fitted view keeps nodes out from under (the
/// legend, a challenge's card), relative to the canvas. The minimap is not one: it moves to a corner where it covers no
/// node, and steps aside while the whole design is on screen.
pub fn canvas_overlays() -> Vec<crate::editor::Rect> {
    let Some(canvas) = document().query_selector("main.canvas").ok().flatten() else {
        return Vec::new();
    };
    let origin = canvas.get_bounding_client_rect();
    let Some(overlays) = document()
        .query_selector_all(".canvas__legend, .challenge-card")
        .ok()
    else {
        return Vec::new();
    };
    (0..overlays.length())
        .filter_map(|index| overlays.item(index))
        .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(node).ok())
        .map(|element| {
            let rect = element.get_bounding_client_rect();
            crate::editor::Rect::from_corners(
                Point::new(rect.left() - origin.left(), rect.top() - origin.top()),
                Point::new(rect.right() - origin.left(), rect.bottom() - origin.top()),
            )
        })
        .filter(|rect| rect.width() > 0.0 && rect.height() > 0.0)
        .collect()
}

/// Zoom to fit the document into the canvas, clear of the legend (the minimap steps aside when
/// everything is on screen, and otherwise takes a corner where it covers no node); `first` opens it at
/// a readable zoom (see [`Viewport::first_view`]).
pub fn fitted_view(document: &engine::Design, first: bool) -> Viewport {
    let size = canvas_screen_size();
    let overlays = canvas_overlays();
    if first {
        Viewport::first_view(document, size, &overlays)
    } else {
        Viewport::fit_document_clear(document, size, &overlays)
    }
}

impl AppState {
    /// The state of the app, from context.
    pub fn get() -> AppState {
        expect_context::<AppState>()
    }

    /// Applies an edit to the document; a refused edit changes nothing and is returned for display.
    pub fn execute(&self, command: &Command) -> Result<Applied, EditError> {
        if self.runner.read_only.get_untracked() {
            self.announcement.set(EditError::ReadOnly.to_string());
            return Err(EditError::ReadOnly);
        }
        // A whole new document gets a new run; every other edit is followed by the running model.
        let new_document = matches!(command, Command::ReplaceDocument(_));
        if new_document {
            self.runner.expect_new_document();
        }
        let mut outcome = Ok(Applied::default());
        self.editor.update(|editor| match editor.execute(command) {
            Ok(applied) => {
                if !applied.announcement.is_empty() {
                    self.announcement.set(applied.announcement.clone());
                }
                self.view
                    .selection
                    .update(|selection| selection.follow(&applied, editor.document()));
                outcome = Ok(applied);
            }
            Err(error) => outcome = Err(error),
        });
        if let Err(error) = &outcome {
            self.announcement.set(error.to_string());
        }
        if new_document && !outcome.as_ref().is_ok_and(|applied| applied.changed) {
            self.runner.forget_new_document();
        }
        self.forget_deleted_from_selection();
        outcome
    }

    /// Ends the current edit step: the next change of the same field is a step of its own (an
    /// inspector field committed twice is two undo steps, not one).
    pub fn seal(&self) {
        self.editor.try_update(Editor::seal);
    }

    /// Takes back the last edit.
    pub fn undo(&self) {
        let label = self.editor.try_update(Editor::undo).flatten();
        self.announce_history(label, "Undid", "Nothing to undo");
    }

    /// Brings back the last undone edit.
    pub fn redo(&self) {
        let label = self.editor.try_update(Editor::redo).flatten();
        self.announce_history(label, "Redid", "Nothing to redo");
    }

    /// Drops deleted nodes and links from the selection (after an edit, undo or redo).
    fn forget_deleted_from_selection(&self) {
        self.view.selection.update(|selection| {
            self.editor
                .with_untracked(|editor| selection.retain_existing(editor.document()));
        });
    }

    fn announce_history(&self, label: Option<String>, verb: &str, nothing: &str) {
        self.forget_deleted_from_selection();
        match label {
            Some(label) => self.announcement.set(format!("{verb}: {label}")),
            None => self.announcement.set(nothing.to_string()),
        }
    }
}
