//! Restoring the autosave, importing and exporting files.

use engine::design::CURRENT_VERSION;
use engine::{Design, Problem, presets};

use crate::editor::storage::{
    AUTOSAVE_KEY, COLOR_SCHEME_KEY, ImportError, KEY_PREFIX, MAX_IMPORT_BYTES, RECOVERY_KEY,
    RestoreOutcome, autosave_text, export_file_name, export_text, first_visit_design, parse_import,
    restore, startup,
};

#[test]
fn every_key_is_prefixed() {
    for key in [AUTOSAVE_KEY, RECOVERY_KEY, COLOR_SCHEME_KEY] {
        assert!(key.starts_with(KEY_PREFIX), "{key}");
        assert!(key.len() > KEY_PREFIX.len(), "{key}");
    }
    assert_ne!(AUTOSAVE_KEY, RECOVERY_KEY);
}

#[test]
fn a_first_visit_opens_the_first_preset() {
    let first = presets::all().remove(0).1;
    assert_eq!(first_visit_design(), first);
    for saved in [None, Some(""), Some("  \n ")] {
        assert_eq!(
            restore(saved),
            RestoreOutcome::FirstVisit(first.clone()),
            "{saved:?}"
        );
    }
}

#[test]
fn an_autosave_is_restored_as_it_was() {
    for (title, mut design) in presets::all() {
        design.nodes[0].name = "Renamed <script>".to_owned();
        let saved = autosave_text(&design);
        assert_eq!(
            restore(Some(&saved)),
            RestoreOutcome::Restored(design),
            "{title}"
        );
    }
}

#[test]
fn an_unreadable_save_is_kept_for_recovery_and_explained() {
    let check = |saved: &str, explained: &str, expected_problem: fn(&Problem) -> bool| {
        let outcome = restore(Some(saved));
        assert_eq!(outcome.design(), &first_visit_design());
        let RestoreOutcome::Unreadable {
            saved_text,
            recovery_key,
            error,
            explanation,
            ..
        } = outcome
        else {
            panic!("{saved:?} should be unreadable");
        };
        assert_eq!(saved_text, saved, "the text is kept exactly");
        assert!(expected_problem(&error.problem), "{saved:?}: {error:?}");
        assert!(explanation.contains(explained), "{explanation}");
        assert!(
            recovery_key.starts_with(&format!("{RECOVERY_KEY}:")),
            "{recovery_key}"
        );
        assert!(explanation.contains(&recovery_key), "{explanation}");
    };
    check(
        "{\"version\": 2, \"nodes\": [",
        "could not be read",
        |problem| matches!(problem, Problem::Malformed { .. }),
    );
    check(
        "{\"version\": 2, \"nodes\": []}",
        "could not be read",
        |problem| *problem == Problem::NoTrafficSource,
    );
    check(
        &format!("{{\"version\": {}, \"nodes\": []}}", CURRENT_VERSION + 1),
        "was saved by a newer version",
        |problem| matches!(problem, Problem::UnsupportedVersion { .. }),
    );
}

#[test]
fn import_takes_a_valid_file_whole() {
    for (title, design) in presets::all() {
        let text = export_text(&design);
        assert_eq!(parse_import(&text), Ok(design.clone()), "{title}");
        let with_bom = format!("\u{feff}{text}");
        assert_eq!(
            parse_import(&with_bom),
            Ok(design),
            "{title} with a byte-order mark"
        );
    }
}

#[test]
fn import_refuses_a_bad_file_naming_what_is_wrong() {
    let check = |text: &str, expected: &str| {
        let error = parse_import(text).expect_err("refused");
        assert_eq!(error.to_string(), expected, "{text:?}");
    };
    check("", "the file is empty");
    check(
        "{\"version\": 2, \"nodes\": [{\"id\": \"u\", \"kind\": \"users\"}, {\"id\": \"s\", \"kind\": \"server\", \"params\": {\"workers\": 0}}]}",
        "the file cannot be opened: nodes[1].params.workers: must be at least 1, got 0",
    );
    check(
        "{\"version\": 2, \"nodes\": [{\"id\": \"u\", \"kind\": \"spaceship\"}]}",
        "the file cannot be opened: nodes[0].kind: unknown variant `spaceship`, expected one of \
         `users`, `load_balancer`, `server`, `autoscaling_group`, `cache`, `cdn`, `database`, \
         `service`, `monitoring`, `pipeline`",
    );
    check(
        "{\"version\": 3}",
        "the file was saved by a newer version of Architecture Explorer (format 3; this one reads \
         up to 2); reload the page to update",
    );
    let huge = " ".repeat(MAX_IMPORT_BYTES + 1);
    assert_eq!(
        parse_import(&huge),
        Err(ImportError::TooLarge {
            bytes: MAX_IMPORT_BYTES + 1
        })
    );
}

#[test]
fn an_old_file_is_migrated_on_import() {
    let version_1 = r#"{"version": 1, "nodes": [{"id": "u", "kind": "users"}, {"id": "s", "kind": "server"}],
        "links": [{"source": "u", "target": "s", "latency_s": 0.03}]}"#;
    let design: Design = parse_import(version_1).expect("migrated");
    assert_eq!(design.version, CURRENT_VERSION);
    assert_eq!(
        (design.links[0].from.as_str(), design.links[0].latency_ms),
        ("u", 30.0)
    );
}

#[test]
fn export_file_names_are_tidy() {
    let check = |name: &str, expected: &str| {
        let design = Design {
            name: name.to_owned(),
            ..presets::single_server()
        };
        assert_eq!(export_file_name(&design), expected, "{name:?}");
    };
    check("Single server", "single-server.arch.json");
    check("  My Shop: v2 / final!! ", "my-shop-v2-final.arch.json");
    check("", "design.arch.json");
    check("../../etc/passwd", "etc-passwd.arch.json");
    check("Café Ünïcode", "café-ünïcode.arch.json");
}

#[test]
fn different_unreadable_texts_get_different_recovery_keys() {
    let first = crate::editor::storage::recovery_key("{broken");
    assert_eq!(first, crate::editor::storage::recovery_key("{broken"));
    assert_ne!(first, crate::editor::storage::recovery_key("{broken too"));
    assert!(first.starts_with(KEY_PREFIX));
}

#[test]
fn a_shared_link_opens_on_top_of_local_work_so_undo_brings_it_back() {
    let mut local = presets::all().remove(1).1;
    local.name = "My edited work".to_owned();
    let saved = autosave_text(&local);
    let shared = presets::all().remove(2).1;
    let fragment = crate::editor::share_link::encode(&shared).unwrap();

    let start = startup(Some(&saved), &fragment);
    assert_eq!(start.base, RestoreOutcome::Restored(local.clone()));
    assert_eq!(start.shared, Some(shared));
    assert!(
        start.clear_fragment,
        "the link must leave the address bar once read"
    );
    let (message, is_error) = start.link_message.unwrap();
    assert!(!is_error);
    assert!(message.contains("Undo brings back"), "{message}");

    // Replacing the base by the shared design and undoing gives the local work back.
    let mut editor = crate::editor::Editor::new(start.base.into_design());
    editor
        .execute(&crate::editor::Command::ReplaceDocument(Box::new(
            start.shared.unwrap(),
        )))
        .unwrap();
    editor.undo();
    assert_eq!(editor.document(), &local);
}

#[test]
fn a_shared_link_to_the_open_design_changes_nothing() {
    let design = presets::all().remove(1).1;
    let fragment = crate::editor::share_link::encode(&design).unwrap();
    let start = startup(Some(&autosave_text(&design)), &fragment);
    assert_eq!(start.shared, None);
    assert!(start.clear_fragment);
    assert!(!start.link_message.unwrap().1);
}

#[test]
fn a_damaged_link_is_refused_whole_and_local_work_stays() {
    let local = presets::all().remove(1).1;
    let saved = autosave_text(&local);
    let mut fragment = crate::editor::share_link::encode(&presets::all().remove(2).1).unwrap();
    fragment.truncate(fragment.len() - 7);
    let start = startup(Some(&saved), &fragment);
    assert_eq!(start.base, RestoreOutcome::Restored(local));
    assert_eq!(start.shared, None);
    let (message, is_error) = start.link_message.unwrap();
    assert!(is_error);
    assert!(message.contains("cannot be opened"), "{message}");
    assert!(message.contains("unchanged"), "{message}");
}

#[test]
fn without_a_link_the_autosave_opens_and_the_fragment_is_left_alone() {
    let local = presets::all().remove(1).1;
    for fragment in ["", "#", "#section"] {
        let start = startup(Some(&autosave_text(&local)), fragment);
        assert_eq!(start.base, RestoreOutcome::Restored(local.clone()));
        assert_eq!(start.shared, None);
        assert_eq!(start.link_message, None);
        assert!(!start.clear_fragment);
    }
}

#[test]
fn a_new_design_is_empty_untitled_and_keeps_nothing_of_the_last_one() {
    let design = crate::editor::storage::new_design();
    assert!(design.nodes.is_empty() && design.links.is_empty() && design.faults.is_empty());
    assert_eq!(design.name, "Untitled design");
    assert_eq!(design.alert_rules, engine::design::AlertRule::defaults());
    assert_eq!(design.version, CURRENT_VERSION);
    // From a preset with its own name, rules and nodes, one command gets there and one undo back.
    let preset = presets::distributed();
    let mut editor = crate::editor::Editor::new(preset.clone());
    editor
        .execute(&crate::editor::Command::ReplaceDocument(Box::new(
            design.clone(),
        )))
        .unwrap();
    assert_eq!(editor.document(), &design);
    editor.undo();
    assert_eq!(editor.document(), &preset);
}

#[test]
fn the_dock_gets_more_room_on_tall_windows_and_keeps_the_height_chosen() {
    use crate::editor::storage::{
        DOCK_CANVAS_RESERVE, DOCK_HEIGHT_KEY, DOCK_MIN_HEIGHT, dock_height,
    };
    assert!(DOCK_HEIGHT_KEY.starts_with(KEY_PREFIX));
    assert_eq!(dock_height(None, 800.0), 240.0);
    assert_eq!(dock_height(None, 600.0), 220.0);
    assert_eq!(
        dock_height(None, 1400.0),
        420.0,
        "a tall window gives the charts room"
    );
    assert_eq!(dock_height(Some("300"), 800.0), 300.0);
    assert_eq!(
        dock_height(Some("5000"), 800.0),
        800.0 - DOCK_CANVAS_RESERVE
    );
    assert_eq!(dock_height(Some("10"), 800.0), DOCK_MIN_HEIGHT);
    assert_eq!(
        dock_height(Some("NaN"), 800.0),
        240.0,
        "a damaged value falls back"
    );
    assert_eq!(dock_height(Some("tall"), 800.0), 240.0);
    assert_eq!(
        dock_height(None, 300.0),
        DOCK_MIN_HEIGHT,
        "a tiny window keeps the tabs"
    );
}

#[test]
fn a_link_pasted_into_a_running_tab_opens_on_top_or_is_refused_whole() {
    use crate::editor::storage::open_link;
    let current = presets::all().remove(1).1;
    let other = presets::all().remove(2).1;
    let fragment = crate::editor::share_link::encode(&other).unwrap();
    let opened = open_link(&current, &fragment, true);
    assert_eq!(opened.design, Some(other.clone()));
    assert!(!opened.is_error && opened.message.contains("Undo brings back"));
    let same = open_link(&other, &fragment, true);
    assert_eq!(same.design, None);
    assert!(!same.is_error);
    let broken = open_link(&current, "#d=AAAA", true);
    assert_eq!(broken.design, None);
    assert!(
        broken.is_error && broken.message.contains("unchanged"),
        "{}",
        broken.message
    );
}
