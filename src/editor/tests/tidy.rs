//! Rules every file of the editor core keeps: it opens with a `//!` doc line and imports nothing
//! from the web stack, so the whole core runs in native tests.

use std::path::{Path, PathBuf};

fn editor_files(directory: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(directory).expect("the editor directory is readable");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            editor_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_file_opens_with_a_doc_line_and_no_file_imports_the_web_stack() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/editor");
    let mut files = Vec::new();
    editor_files(&root, &mut files);
    assert!(files.len() >= 10, "found {files:?}");
    // Built from parts so this file does not trip its own check.
    let forbidden = ["leptos", "web_sys", "wasm_bindgen", "js_sys"].map(|name| format!("{name}::"));
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        assert!(
            text.starts_with("//!"),
            "{} must open with a //! line",
            file.display()
        );
        for needle in &forbidden {
            assert!(
                !text.contains(needle.as_str()),
                "{} uses {needle}",
                file.display()
            );
        }
    }
}
