//! Undo and redo: the `History` stacks on their own, and through the `Editor`.

use engine::{Design, NodeKind, presets};

use crate::editor::history::History;
use crate::editor::{Command, Editor, LinkId, NodeDrag, ParamValue, Point, Vector};

/// A history of numbers: each change adds one to `state`.
struct Counter {
    state: u32,
    history: History<u32>,
}

impl Counter {
    fn new(capacity: usize) -> Counter {
        Counter {
            state: 0,
            history: History::new(capacity),
        }
    }

    fn change(&mut self, key: Option<&str>) {
        self.history
            .record(self.state, &format!("to {}", self.state + 1), key);
        self.state += 1;
    }

    fn undo(&mut self) -> Option<String> {
        self.history.undo(&mut self.state)
    }

    fn redo(&mut self) -> Option<String> {
        self.history.redo(&mut self.state)
    }
}

#[test]
fn undo_and_redo_walk_the_states() {
    let mut counter = Counter::new(10);
    assert!(!counter.history.can_undo() && !counter.history.can_redo());
    for _ in 0..3 {
        counter.change(None);
    }
    assert_eq!(counter.history.undo_label(), Some("to 3"));
    assert_eq!(counter.undo().as_deref(), Some("to 3"));
    assert_eq!(counter.undo().as_deref(), Some("to 2"));
    assert_eq!(counter.state, 1);
    assert_eq!(counter.history.redo_label(), Some("to 2"));
    assert_eq!(counter.redo().as_deref(), Some("to 2"));
    assert_eq!(counter.state, 2);
    assert_eq!(counter.undo(), Some("to 2".to_owned()));
    assert_eq!(counter.undo(), Some("to 1".to_owned()));
    assert_eq!(counter.undo(), None);
    assert_eq!(counter.state, 0);
}

#[test]
fn a_new_change_after_undo_clears_redo() {
    let mut counter = Counter::new(10);
    counter.change(None);
    counter.change(None);
    counter.undo();
    assert!(counter.history.can_redo());
    counter.change(None);
    assert!(!counter.history.can_redo());
    assert_eq!(counter.redo(), None);
}

#[test]
fn the_oldest_steps_fall_off_beyond_the_capacity() {
    let mut counter = Counter::new(100);
    for _ in 0..150 {
        counter.change(None);
    }
    assert_eq!(counter.history.undo_len(), 100);
    while counter.undo().is_some() {}
    assert_eq!(counter.state, 50, "the first 50 steps were dropped");
    assert_eq!(counter.history.redo_len(), 100);
}

#[test]
fn a_gesture_is_one_step() {
    let mut counter = Counter::new(10);
    counter.change(None);
    counter.history.begin_gesture();
    for _ in 0..20 {
        counter.change(None);
    }
    counter.history.end_gesture();
    assert_eq!(counter.state, 21);
    assert_eq!(counter.history.undo_len(), 2);
    assert_eq!(
        counter.undo().as_deref(),
        Some("to 21"),
        "the label is the latest"
    );
    assert_eq!(counter.state, 1);
}

#[test]
fn a_gesture_without_changes_leaves_no_step() {
    let mut counter = Counter::new(10);
    counter.history.begin_gesture();
    counter.history.end_gesture();
    assert!(!counter.history.can_undo());
    counter.history.begin_gesture();
    assert!(!counter.history.cancel_gesture(&mut counter.state));
}

#[test]
fn cancelling_a_gesture_restores_the_state_before_it() {
    let mut counter = Counter::new(10);
    counter.change(None);
    counter.history.begin_gesture();
    for _ in 0..5 {
        counter.change(None);
    }
    assert!(counter.history.cancel_gesture(&mut counter.state));
    assert_eq!(counter.state, 1);
    assert_eq!(counter.history.undo_len(), 1);
    assert!(!counter.history.gesture_open());
}

#[test]
fn equal_coalesce_keys_merge_until_sealed_or_interrupted() {
    let mut counter = Counter::new(10);
    let slider = Some("param:server:workers");
    counter.change(slider);
    counter.change(slider);
    counter.change(slider);
    assert_eq!(counter.history.undo_len(), 1, "a scrub is one step");
    counter.history.seal();
    counter.change(slider);
    assert_eq!(counter.history.undo_len(), 2, "sealing starts a new step");
    counter.change(Some("param:server:tier"));
    counter.change(slider);
    assert_eq!(
        counter.history.undo_len(),
        4,
        "another key in between splits"
    );
    counter.change(None);
    counter.change(None);
    assert_eq!(counter.history.undo_len(), 6, "no key never merges");
    counter.undo();
    counter.redo();
    counter.change(None);
    assert_eq!(counter.history.undo_len(), 7);
}

fn move_server(by: f64) -> Command {
    Command::MoveNodes {
        ids: vec!["server".to_owned()],
        by: Vector::new(by, 0.0),
    }
}

#[test]
fn editor_undo_redo_round_trip_of_a_session() {
    let mut editor = Editor::new(presets::single_server());
    let commands = [
        Command::AddNode {
            kind: NodeKind::Cache,
            at: Point::new(700.0, 100.0),
            id: None,
        },
        Command::Connect {
            from: "server".to_owned(),
            to: "cache-1".to_owned(),
        },
        move_server(20.0),
        Command::SetParam {
            node: "server".to_owned(),
            field: "tier".to_owned(),
            value: ParamValue::text("medium"),
        },
        Command::Rename {
            node: "cache-1".to_owned(),
            name: "Redis".to_owned(),
        },
        Command::Duplicate {
            ids: vec!["server".to_owned(), "cache-1".to_owned()],
        },
        Command::Delete {
            nodes: vec!["database".to_owned()],
            links: vec![LinkId::new("users", "server")],
        },
        Command::ReplaceDocument(Box::new(presets::distributed())),
    ];
    let mut states: Vec<Design> = vec![editor.document().clone()];
    for command in &commands {
        editor.execute(command).expect("accepted");
        states.push(editor.document().clone());
    }
    let revision = editor.revision();
    for expected in states.iter().rev().skip(1) {
        assert!(editor.undo().is_some());
        assert_eq!(editor.document(), expected);
    }
    assert!(!editor.can_undo());
    for expected in states.iter().skip(1) {
        assert!(editor.redo().is_some());
        assert_eq!(editor.document(), expected);
    }
    assert!(!editor.can_redo());
    assert_eq!(editor.revision(), revision + 2 * commands.len() as u64);
}

#[test]
fn editor_refusals_and_no_ops_record_nothing() {
    let mut editor = Editor::new(presets::single_server());
    let bad = Command::SetParam {
        node: "server".to_owned(),
        field: "workers".to_owned(),
        value: ParamValue::text("0"),
    };
    assert!(editor.check(&bad).is_err());
    assert!(editor.execute(&bad).is_err());
    assert!(editor.execute(&move_server(0.0)).is_ok());
    assert!(!editor.can_undo());
    assert_eq!(editor.revision(), 0);
    assert_eq!(editor.document(), &presets::single_server());
}

#[test]
fn editor_a_whole_drag_is_one_step_and_escape_cancels_it() {
    let mut editor = Editor::new(presets::single_server());
    let start = editor.document().clone();
    let mut drag = NodeDrag::new(
        vec!["server".to_owned()],
        Point::new(550.0, 300.0),
        Point::new(560.0, 310.0),
    );
    editor.begin_gesture();
    for step in 1..=30 {
        let pointer = Point::new(560.0 + f64::from(step) * 3.0, 310.0 + f64::from(step));
        if let Some(command) = drag.update(pointer, None) {
            editor.execute(&command).expect("a move is accepted");
        }
    }
    editor.end_gesture();
    let server = &editor.document().nodes[1];
    assert_eq!((server.position.x, server.position.y), (640.0, 330.0));
    assert_eq!(editor.history().undo_len(), 1);
    editor.undo();
    assert_eq!(editor.document(), &start);

    editor.begin_gesture();
    editor.execute(&move_server(5.0)).unwrap();
    editor.execute(&move_server(5.0)).unwrap();
    assert!(editor.cancel_gesture());
    assert_eq!(editor.document(), &start);
    assert!(!editor.can_undo(), "a cancelled drag leaves no step");
}

#[test]
fn editor_slider_scrub_is_one_step() {
    let mut editor = Editor::new(presets::single_server());
    let set_rate = |text: &str| Command::SetParam {
        node: "users".to_owned(),
        field: "rate_per_second".to_owned(),
        value: ParamValue::text(text),
    };
    for rate in ["80", "90", "100", "110"] {
        editor.execute(&set_rate(rate)).unwrap();
    }
    editor.seal();
    editor.execute(&set_rate("120")).unwrap();
    assert_eq!(editor.history().undo_len(), 2);
    editor.undo();
    editor.undo();
    assert_eq!(editor.document(), &presets::single_server());
}

#[test]
fn editor_keeps_at_least_a_hundred_steps() {
    let mut editor = Editor::new(presets::single_server());
    for _ in 0..250 {
        editor.execute(&move_server(1.0)).unwrap();
    }
    let mut undone = 0;
    while editor.undo().is_some() {
        undone += 1;
    }
    assert!(undone >= 100);
    assert_eq!(undone, crate::editor::history::DEFAULT_CAPACITY);
    let server = &editor.document().nodes[1];
    assert_eq!(server.position.x, 550.0 + (250 - undone) as f64);
}
