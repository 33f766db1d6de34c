//! The keyboard shortcuts as data: one table ([`KEYMAP`]) that both the key handler
//! ([`action_for`]) and the `?` help sheet read, so the sheet can never disagree with the keys.
//!
//! Keys are `KeyboardEvent.key` values. "Ctrl/Cmd" means Ctrl or the Meta (⌘) key, so the same table
//! serves Windows, Linux and macOS. The handler should not run while the focus is in a text field
//! (there Delete, Ctrl+Z and the letters belong to the field), except for the actions whose
//! [`Action::applies_while_typing`] is true.

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Undo,
    Redo,
    /// Delete the selected nodes (with their links) and links.
    Delete,
    Duplicate,
    Copy,
    Cut,
    Paste,
    SelectAll,
    /// Move the selected nodes by [`NUDGE_STEP`], or [`NUDGE_STEP_LARGE`] with Shift.
    Nudge {
        direction: Direction,
        large: bool,
    },
    /// Select the focused node, or finish a link at it while connecting.
    Activate,
    /// Start a link from the selected node (then pick the target and press Enter).
    Connect,
    Rename,
    ZoomIn,
    ZoomOut,
    ZoomToFit,
    Help,
    /// Cancel the drag or link under way, close the sheet, or clear the selection.
    Cancel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Up,
    Down,
    Left,
    Right,
}

/// How a binding treats Shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShiftRule {
    Released,
    Held,
    /// Either: for characters that need Shift on some keyboard layouts (`?`, `+`), and for arrows,
    /// where Shift makes the step larger.
    Either,
}

/// One key with its modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyCombo {
    /// The `KeyboardEvent.key` value; letters are matched without regard to case.
    pub key: &'static str,
    /// Ctrl on Windows and Linux, Cmd (⌘) on macOS; either is accepted everywhere.
    pub primary: bool,
    pub shift: ShiftRule,
}

/// A row of the keymap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub action: Action,
    /// The first combo is the one shown first in the help sheet.
    pub combos: &'static [KeyCombo],
    /// What the help sheet says, starting with a verb.
    pub description: &'static str,
}

/// Canvas pixels an arrow key moves the selection.
pub const NUDGE_STEP: f64 = 10.0;
/// Canvas pixels Shift+arrow moves the selection.
pub const NUDGE_STEP_LARGE: f64 = 50.0;

const fn key(key: &'static str) -> KeyCombo {
    KeyCombo {
        key,
        primary: false,
        shift: ShiftRule::Released,
    }
}

const fn primary(key: &'static str) -> KeyCombo {
    KeyCombo {
        key,
        primary: true,
        shift: ShiftRule::Released,
    }
}

const fn primary_shift(key: &'static str) -> KeyCombo {
    KeyCombo {
        key,
        primary: true,
        shift: ShiftRule::Held,
    }
}

const fn any_shift(key: &'static str) -> KeyCombo {
    KeyCombo {
        key,
        primary: false,
        shift: ShiftRule::Either,
    }
}

const fn nudge(direction: Direction) -> Action {
    Action::Nudge {
        direction,
        large: false,
    }
}

/// Every shortcut, in the order of the help sheet.
pub const KEYMAP: &[Binding] = &[
    Binding {
        action: Action::Undo,
        combos: &[primary("z")],
        description: "Undo",
    },
    Binding {
        action: Action::Redo,
        combos: &[primary_shift("z"), primary("y")],
        description: "Redo",
    },
    Binding {
        action: Action::Delete,
        combos: &[key("Delete"), key("Backspace")],
        description: "Delete the selected nodes and links",
    },
    Binding {
        action: Action::Duplicate,
        combos: &[primary("d")],
        description: "Duplicate the selected nodes",
    },
    Binding {
        action: Action::Copy,
        combos: &[primary("c")],
        description: "Copy the selected nodes",
    },
    Binding {
        action: Action::Cut,
        combos: &[primary("x")],
        description: "Cut the selected nodes",
    },
    Binding {
        action: Action::Paste,
        combos: &[primary("v")],
        description: "Paste nodes",
    },
    Binding {
        action: Action::SelectAll,
        combos: &[primary("a")],
        description: "Select every node",
    },
    Binding {
        action: nudge(Direction::Up),
        combos: &[any_shift("ArrowUp")],
        description: "Move the selection up (with Shift: further)",
    },
    Binding {
        action: nudge(Direction::Down),
        combos: &[any_shift("ArrowDown")],
        description: "Move the selection down (with Shift: further)",
    },
    Binding {
        action: nudge(Direction::Left),
        combos: &[any_shift("ArrowLeft")],
        description: "Move the selection left (with Shift: further)",
    },
    Binding {
        action: nudge(Direction::Right),
        combos: &[any_shift("ArrowRight")],
        description: "Move the selection right (with Shift: further)",
    },
    Binding {
        action: Action::Activate,
        combos: &[key("Enter")],
        description: "Select the focused node, or finish a link at it",
    },
    Binding {
        action: Action::Connect,
        combos: &[key("c")],
        description: "Start a link from the selected node; Tab to the target and press Enter",
    },
    Binding {
        action: Action::Rename,
        combos: &[key("F2")],
        description: "Rename the selected node",
    },
    Binding {
        action: Action::ZoomIn,
        combos: &[any_shift("+"), any_shift("=")],
        description: "Zoom in",
    },
    Binding {
        action: Action::ZoomOut,
        combos: &[key("-")],
        description: "Zoom out",
    },
    Binding {
        action: Action::ZoomToFit,
        combos: &[key("f")],
        description: "Zoom to fit the whole design",
    },
    Binding {
        action: Action::Help,
        combos: &[any_shift("?")],
        description: "Show or hide this list of shortcuts",
    },
    Binding {
        action: Action::Cancel,
        combos: &[key("Escape")],
        description: "Cancel the drag or link, close this sheet, or clear the selection",
    },
];

/// The action for a key event, or `None` when the key is not a shortcut (let the browser have it).
pub fn action_for(key: &str, ctrl: bool, shift: bool, alt: bool, meta: bool) -> Option<Action> {
    // Alt (and AltGr, which browsers report as Ctrl+Alt) types characters; none of ours use it.
    if alt {
        return None;
    }
    let primary = ctrl || meta;
    let action = KEYMAP
        .iter()
        .find(|binding| {
            binding
                .combos
                .iter()
                .any(|combo| combo.matches(key, primary, shift))
        })?
        .action;
    Some(match action {
        Action::Nudge { direction, .. } => Action::Nudge {
            direction,
            large: shift,
        },
        other => other,
    })
}

impl KeyCombo {
    pub fn matches(&self, key: &str, primary: bool, shift: bool) -> bool {
        let shift_ok = match self.shift {
            ShiftRule::Released => !shift,
            ShiftRule::Held => shift,
            ShiftRule::Either => true,
        };
        shift_ok && self.primary == primary && self.key.eq_ignore_ascii_case(key)
    }

    /// How the help sheet shows the combo: `Ctrl+Shift+Z` elsewhere, `⌘⇧Z` on Apple systems.
    pub fn label(&self, apple: bool) -> String {
        let mut parts = Vec::new();
        if self.primary {
            parts.push(if apple { "⌘" } else { "Ctrl" }.to_owned());
        }
        if self.shift == ShiftRule::Held {
            parts.push(if apple { "⇧" } else { "Shift" }.to_owned());
        }
        parts.push(key_label(self.key, apple));
        parts.join(if apple { "" } else { "+" })
    }
}

impl Action {
    /// Whether the shortcut still works while the focus is in a text field.
    pub fn applies_while_typing(self) -> bool {
        matches!(self, Action::Cancel)
    }

    /// The canvas displacement of a nudge.
    pub fn nudge_vector(self) -> Option<super::geometry::Vector> {
        let Action::Nudge { direction, large } = self else {
            return None;
        };
        let step = if large { NUDGE_STEP_LARGE } else { NUDGE_STEP };
        let (x, y) = match direction {
            Direction::Up => (0.0, -step),
            Direction::Down => (0.0, step),
            Direction::Left => (-step, 0.0),
            Direction::Right => (step, 0.0),
        };
        Some(super::geometry::Vector::new(x, y))
    }
}

fn key_label(key: &str, apple: bool) -> String {
    match key {
        "ArrowUp" => "↑".to_owned(),
        "ArrowDown" => "↓".to_owned(),
        "ArrowLeft" => "←".to_owned(),
        "ArrowRight" => "→".to_owned(),
        "Escape" => "Esc".to_owned(),
        "Backspace" if apple => "⌫".to_owned(),
        "Enter" if apple => "↩".to_owned(),
        single if single.chars().count() == 1 => single.to_uppercase(),
        other => other.to_owned(),
    }
}
