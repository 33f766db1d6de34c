//! Tidy checks inside `cargo test`: every Rust file of the engine opens with a `//!` line saying what
//! it is, and the engine depends on nothing from the web.

fn rust_files(directory: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(directory).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_file_opens_with_a_module_doc() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for directory in ["src", "tests", "benches"] {
        rust_files(&root.join(directory), &mut files);
    }
    assert!(files.len() > 20);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        assert!(
            text.starts_with("//!"),
            "{} must open with a //! line",
            file.display()
        );
    }
}

#[test]
fn the_engine_has_no_web_dependencies() {
    let manifest = include_str!("../../Cargo.toml");
    for line in manifest.lines() {
        for web in ["leptos", "web-sys", "wasm-bindgen", "js-sys", "gloo"] {
            assert!(
                !line.trim_start().starts_with(web),
                "engine/Cargo.toml: {line}"
            );
        }
    }
}
