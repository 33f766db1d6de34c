//! Tidy checks inside `cargo test`, over the whole workspace: every Rust file under `src/`,
//! `engine/`, `xtask/` and `tests/` opens with a `//!` line saying what it is; the pure cores
//! (`src/editor/`, `src/observe/`) import nothing from the web stack, so they run in native tests;
//! and the engine depends on nothing from the web.

use std::path::{Path, PathBuf};

/// The workspace root (this crate lives in `xtask/`).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_owned()
}

/// Every `.rs` file under `directory`, skipping build output and npm packages.
fn rust_files(directory: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![directory.to_owned()];
    while let Some(directory) = pending.pop() {
        let entries = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("{} is unreadable: {error}", directory.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("");
            if path.is_dir() {
                if name != "target" && name != "node_modules" {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_rust_file_opens_with_a_doc_line() {
    let root = workspace();
    for directory in ["src", "engine", "xtask", "tests"] {
        let files = rust_files(&root.join(directory));
        assert!(!files.is_empty(), "no Rust file under {directory}/");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            assert!(
                text.starts_with("//!"),
                "{} must open with a //! line saying what it is",
                file.display()
            );
        }
    }
}

#[test]
fn the_pure_cores_import_nothing_from_the_web_stack() {
    let root = workspace();
    let forbidden = ["leptos", "web_sys", "wasm_bindgen", "js_sys", "gloo"];
    for core in ["src/editor", "src/observe"] {
        let files = rust_files(&root.join(core));
        assert!(files.len() >= 5, "{core}: found {files:?}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            for name in forbidden {
                assert!(
                    !text.contains(&format!("{name}::")),
                    "{} uses {name}; {core}/ must stay testable natively",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn the_engine_has_no_web_dependencies() {
    let manifest = std::fs::read_to_string(workspace().join("engine/Cargo.toml"))
        .expect("the engine's manifest is readable");
    for line in manifest.lines() {
        for web in ["leptos", "web-sys", "wasm-bindgen", "js-sys", "gloo"] {
            assert!(
                !line.trim_start().starts_with(web),
                "engine/Cargo.toml: {line}"
            );
        }
    }
}
