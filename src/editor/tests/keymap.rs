//! The keymap: what each key does, and that the table is consistent with the handler.

use crate::editor::Vector;
use crate::editor::keymap::{Action, Direction, KEYMAP, NUDGE_STEP, NUDGE_STEP_LARGE, action_for};

/// Modifiers as a short string: `c` Ctrl, `s` Shift, `a` Alt, `m` Meta (⌘).
fn check(key: &str, modifiers: &str, expected: Option<Action>) {
    let has = |flag| modifiers.contains(flag);
    assert_eq!(
        action_for(key, has('c'), has('s'), has('a'), has('m')),
        expected,
        "{modifiers}+{key}"
    );
}

#[test]
fn shortcuts() {
    let nudge = |direction, large| Some(Action::Nudge { direction, large });
    check("z", "c", Some(Action::Undo));
    check("z", "m", Some(Action::Undo));
    check("Z", "cs", Some(Action::Redo));
    check("z", "ms", Some(Action::Redo));
    check("y", "c", Some(Action::Redo));
    check("Delete", "", Some(Action::Delete));
    check("Backspace", "", Some(Action::Delete));
    check("d", "c", Some(Action::Duplicate));
    check("c", "c", Some(Action::Copy));
    check("c", "m", Some(Action::Copy));
    check("x", "c", Some(Action::Cut));
    check("v", "c", Some(Action::Paste));
    check("a", "m", Some(Action::SelectAll));
    check("ArrowUp", "", nudge(Direction::Up, false));
    check("ArrowDown", "s", nudge(Direction::Down, true));
    check("ArrowLeft", "", nudge(Direction::Left, false));
    check("ArrowRight", "s", nudge(Direction::Right, true));
    check("Enter", "", Some(Action::Activate));
    check("c", "", Some(Action::Connect));
    check("F2", "", Some(Action::Rename));
    check("?", "s", Some(Action::Help));
    check("?", "", Some(Action::Help));
    check("f", "", Some(Action::ZoomToFit));
    check("+", "s", Some(Action::ZoomIn));
    check("=", "", Some(Action::ZoomIn));
    check("-", "", Some(Action::ZoomOut));
    check("Escape", "", Some(Action::Cancel));
}

#[test]
fn keys_that_are_not_shortcuts_are_left_to_the_browser() {
    check("z", "", None);
    check("C", "s", None);
    check("d", "", None);
    check("Tab", "", None);
    check("y", "cs", None);
    check("z", "ca", None);
    check("?", "a", None);
    check("Delete", "c", None);
    check("", "", None);
    check("Unidentified", "", None);
}

#[test]
fn every_combo_in_the_table_triggers_its_own_action() {
    for binding in KEYMAP {
        assert!(
            !binding.combos.is_empty(),
            "{:?} has no key",
            binding.action
        );
        assert!(!binding.description.is_empty());
        for combo in binding.combos {
            let shift = combo.shift == crate::editor::keymap::ShiftRule::Held;
            let found = action_for(combo.key, combo.primary, shift, false, false);
            assert_eq!(found, Some(binding.action), "{combo:?}");
        }
    }
}

#[test]
fn no_combo_is_bound_twice() {
    let all: Vec<_> = KEYMAP
        .iter()
        .flat_map(|binding| {
            binding
                .combos
                .iter()
                .map(move |combo| (combo, binding.action))
        })
        .collect();
    for (index, (combo, action)) in all.iter().enumerate() {
        for (other, other_action) in &all[index + 1..] {
            let same_key =
                combo.key.eq_ignore_ascii_case(other.key) && combo.primary == other.primary;
            let shifts_overlap = combo.shift == other.shift
                || combo.shift == crate::editor::keymap::ShiftRule::Either
                || other.shift == crate::editor::keymap::ShiftRule::Either;
            assert!(
                !(same_key && shifts_overlap),
                "{action:?} and {other_action:?} share {combo:?}"
            );
        }
    }
}

#[test]
fn help_sheet_labels() {
    let label = |action: Action, apple: bool| -> Vec<String> {
        let binding = KEYMAP
            .iter()
            .find(|binding| binding.action == action)
            .unwrap();
        binding
            .combos
            .iter()
            .map(|combo| combo.label(apple))
            .collect()
    };
    assert_eq!(label(Action::Redo, false), ["Ctrl+Shift+Z", "Ctrl+Y"]);
    assert_eq!(label(Action::Redo, true), ["⌘⇧Z", "⌘Y"]);
    assert_eq!(label(Action::Delete, true), ["Delete", "⌫"]);
    assert_eq!(label(Action::Cancel, false), ["Esc"]);
    assert_eq!(label(Action::Help, false), ["?"]);
    assert_eq!(
        label(
            Action::Nudge {
                direction: Direction::Up,
                large: false
            },
            false
        ),
        ["↑"]
    );
}

#[test]
fn nudges_move_by_the_step_and_only_escape_works_while_typing() {
    let nudge = |direction, large| Action::Nudge { direction, large }.nudge_vector();
    assert_eq!(
        nudge(Direction::Up, false),
        Some(Vector::new(0.0, -NUDGE_STEP))
    );
    assert_eq!(
        nudge(Direction::Right, true),
        Some(Vector::new(NUDGE_STEP_LARGE, 0.0))
    );
    assert_eq!(Action::Undo.nudge_vector(), None);
    let while_typing: Vec<Action> = KEYMAP
        .iter()
        .map(|binding| binding.action)
        .filter(|action| action.applies_while_typing())
        .collect();
    assert_eq!(while_typing, [Action::Cancel]);
}
