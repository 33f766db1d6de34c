//! Splits the release wasm so the first frame waits only for the code it runs: the rarely opened views
//! (declared with `lazy_view!` in `src/components/lazy.rs`) go into wasm modules of their own, fetched
//! the first time they are opened.
//!
//! Trunk has no step between cargo and wasm-bindgen, where a split must happen, so this runs as a Trunk
//! post-build hook (before the CSP hook) and redoes that part of Trunk's work for the release build:
//! `cargo xtask build` compiles the app with `--cfg split_views` and relocations kept
//! (`--emit-relocs`); here the raw cargo output is split (`wasm_split_cli_support`, the splitter Leptos'
//! own build tool uses), the main module goes through wasm-bindgen, every module through wasm-opt
//! `-Oz`, and all of it lands in one directory named after a hash of its contents, so a browser never
//! mixes modules of two deployments. Trunk's own script and wasm are removed and the page's links
//! (with their integrity hashes) point at the new ones.
//!
//! A build without split points (`trunk serve`, a debug build) is left as Trunk made it.

use base64::Engine;
use sha2::{Digest, Sha256, Sha384};
use std::path::{Path, PathBuf};

/// The import module a split point's stub imports from, until the splitter resolves it
/// (`wasm_split_macros`' `PLACEHOLDER_IMPORT_MODULE`).
const PLACEHOLDER_MODULE: &[u8] = b"__wasm_split_placeholder__";

/// The app's crate name, as cargo names its wasm and wasm-bindgen its script.
const CRATE: &str = "arch-explorer";

/// The Trunk hook: splits the staged build if its wasm has split points.
pub fn from_trunk_environment(root: &Path) -> Result<(), String> {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .ok_or(
            "`cargo xtask post-build` runs as a Trunk post-build hook: TRUNK_STAGING_DIR is not set",
        )?;
    let profile = std::env::var("TRUNK_PROFILE").unwrap_or_else(|_| "debug".to_string());
    let public_url = std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "/".to_string());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    // Trunk's wasm-bindgen left the split points' stubs as imports of the placeholder module: only
    // then is there anything to split (a `trunk serve` build has none).
    let staged_script = staged_file(&staging, ".js")?;
    let script = std::fs::read(&staged_script)
        .map_err(|error| format!("cannot read {}: {error}", staged_script.display()))?;
    if !contains(&script, PLACEHOLDER_MODULE) {
        return Ok(());
    }
    let raw = target
        .join("wasm32-unknown-unknown")
        .join(&profile)
        .join(format!("{CRATE}.wasm"));
    let wasm = std::fs::read(&raw).map_err(|error| {
        format!(
            "the build has split points but cargo's wasm is not where it should be ({}): {error}",
            raw.display()
        )
    })?;
    let work = target.join("split");
    split(root, &wasm, &work, &staging, &public_url)
}

/// Splits `wasm` (cargo's output) through `work` into a hashed directory of `staging`, and points the
/// staged page at it.
fn split(
    root: &Path,
    wasm: &[u8],
    work: &Path,
    staging: &Path,
    public_url: &str,
) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(work);
    let (split_dir, bindgen_dir, out_dir) =
        (work.join("split"), work.join("bindgen"), work.join("out"));
    for dir in [&split_dir, &bindgen_dir, &out_dir] {
        std::fs::create_dir_all(dir)
            .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    }
    let main_wasm = split_dir.join("main.wasm");
    let main_module = format!("./{CRATE}.js");
    let mut options = wasm_split_cli_support::Options::new(wasm);
    options.output_dir = &split_dir;
    options.main_out_path = &main_wasm;
    options.main_module = &main_module;
    options.target.web();
    wasm_split_cli_support::transform(options)
        .map_err(|error| format!("wasm split failed: {error:#}"))?;

    // wasm-bindgen on the main module. `--keep-lld-exports` keeps the function table exported: the
    // split modules import it.
    let mut bindgen = crate::tools::command_on_tool_path(root, "wasm-bindgen");
    bindgen
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--keep-lld-exports",
            "--out-name",
            CRATE,
            "--out-dir",
        ])
        .arg(&bindgen_dir)
        .arg(&main_wasm);
    run(bindgen, "wasm-bindgen")?;

    // wasm-opt -Oz on every module; the scripts as they are.
    let main_bg = format!("{CRATE}_bg.wasm");
    optimise(root, &bindgen_dir.join(&main_bg), &out_dir.join(&main_bg))?;
    for entry in read_dir(&split_dir)? {
        let name = file_name(&entry);
        if name.ends_with(".wasm") && name != "main.wasm" {
            optimise(root, &entry, &out_dir.join(&name))?;
        } else if name.ends_with(".js") {
            copy(&entry, &out_dir.join(&name))?;
        }
    }
    copy(
        &bindgen_dir.join(format!("{CRATE}.js")),
        &out_dir.join(format!("{CRATE}.js")),
    )?;
    if bindgen_dir.join("snippets").exists() {
        return Err(
            "wasm-bindgen wrote snippets (inline JS), which the split build does not copy yet"
                .into(),
        );
    }

    // One directory per content: a page never loads a module of another deployment.
    let directory = format!("wasm-{}", content_hash(&out_dir)?);
    let target_dir = staging.join(&directory);
    let _ = std::fs::remove_dir_all(&target_dir);
    std::fs::create_dir_all(&target_dir)
        .map_err(|error| format!("cannot create {}: {error}", target_dir.display()))?;
    for entry in read_dir(&out_dir)? {
        copy(&entry, &target_dir.join(file_name(&entry)))?;
    }

    // Point the page at the new script and wasm, and drop Trunk's.
    let page = staging.join("index.html");
    let mut html = std::fs::read_to_string(&page)
        .map_err(|error| format!("cannot read {}: {error}", page.display()))?;
    let base = if public_url.ends_with('/') {
        public_url.to_string()
    } else {
        format!("{public_url}/")
    };
    for (suffix, new_name) in [("_bg.wasm", main_bg), (".js", format!("{CRATE}.js"))] {
        let old = staged_file(staging, suffix)?;
        let old_name = file_name(&old);
        let new_path = target_dir.join(&new_name);
        html = relink(
            &html,
            &format!("{base}{old_name}"),
            &format!("{base}{directory}/{new_name}"),
            &integrity(&new_path)?,
        )?;
        std::fs::remove_file(&old)
            .map_err(|error| format!("cannot remove {}: {error}", old.display()))?;
    }
    std::fs::write(&page, html).map_err(|error| format!("cannot write {}: {error}", page.display()))
}

/// Replaces every mention of `old` in `html` by `new`, and the `integrity` attribute of the tags that
/// name it by `integrity`. Refuses a page that does not mention `old`.
fn relink(html: &str, old: &str, new: &str, integrity: &str) -> Result<String, String> {
    if !html.contains(old) {
        return Err(format!("the staged index.html does not mention {old}"));
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('>')
            .map_or(rest.len(), |end| open + end + 1);
        let tag = &rest[open..close];
        if tag.starts_with("<link") && tag.contains(old) {
            out.push_str(&replace_integrity(tag, integrity).replace(old, new));
        } else {
            out.push_str(tag);
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    // The inline boot script names the files too.
    Ok(out.replace(old, new))
}

/// `tag` with its `integrity="…"` value replaced (unchanged when it has none).
fn replace_integrity(tag: &str, integrity: &str) -> String {
    const ATTRIBUTE: &str = "integrity=\"";
    match tag.find(ATTRIBUTE) {
        Some(start) => {
            let value = start + ATTRIBUTE.len();
            let end = tag[value..].find('"').map_or(tag.len(), |end| value + end);
            format!("{}{integrity}{}", &tag[..value], &tag[end..])
        }
        None => tag.to_string(),
    }
}

/// A subresource-integrity value (`sha384-…`) of a file.
fn integrity(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Ok(format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes))
    ))
}

/// The first 16 hex digits of a SHA-256 over the names and contents of the files in `dir`.
fn content_hash(dir: &Path) -> Result<String, String> {
    let mut entries = read_dir(dir)?;
    entries.sort();
    let mut hasher = Sha256::new();
    for entry in entries {
        hasher.update(file_name(&entry).as_bytes());
        hasher.update(
            std::fs::read(&entry)
                .map_err(|error| format!("cannot read {}: {error}", entry.display()))?,
        );
    }
    Ok(hasher
        .finalize()
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// The file Trunk staged for the app's script or wasm (`arch-explorer-<hash><suffix>`).
fn staged_file(staging: &Path, suffix: &str) -> Result<PathBuf, String> {
    read_dir(staging)?
        .into_iter()
        .find(|path| {
            let name = file_name(path);
            name.starts_with(&format!("{CRATE}-"))
                && name.ends_with(suffix)
                && (suffix != ".js" || !name.ends_with("_bg.js"))
        })
        .ok_or_else(|| format!("Trunk staged no {CRATE}-*{suffix} in {}", staging.display()))
}

fn optimise(root: &Path, from: &Path, to: &Path) -> Result<(), String> {
    let mut wasm_opt = crate::tools::command_on_tool_path(root, "wasm-opt");
    wasm_opt.arg("-Oz").arg(from).arg("--output").arg(to);
    run(wasm_opt, "wasm-opt")
}

fn run(mut command: std::process::Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|error| format!("cannot start {what}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to).map(|_| ()).map_err(|error| {
        format!(
            "cannot copy {} to {}: {error}",
            from.display(),
            to.display()
        )
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relinks_the_preloads_and_the_boot_script_with_new_integrity() {
        let html = concat!(
            "<link rel=\"modulepreload\" href=\"/x/arch-explorer-1.js\" integrity=\"sha384-old\">",
            "<link rel=\"stylesheet\" href=\"/x/main.css\" integrity=\"sha384-css\"/>",
            "<script type=\"module\">import init from '/x/arch-explorer-1.js';</script>",
        );
        let out = relink(
            html,
            "/x/arch-explorer-1.js",
            "/x/wasm-ab/arch-explorer.js",
            "sha384-new",
        )
        .unwrap();
        assert_eq!(
            out,
            concat!(
                "<link rel=\"modulepreload\" href=\"/x/wasm-ab/arch-explorer.js\" integrity=\"sha384-new\">",
                "<link rel=\"stylesheet\" href=\"/x/main.css\" integrity=\"sha384-css\"/>",
                "<script type=\"module\">import init from '/x/wasm-ab/arch-explorer.js';</script>",
            )
        );
    }

    #[test]
    fn refuses_a_page_that_does_not_name_the_file() {
        assert!(relink("<p>nothing</p>", "/a.js", "/b.js", "sha384-x").is_err());
    }

    #[test]
    fn finds_split_points() {
        assert!(contains(
            b"..__wasm_split_placeholder__..",
            PLACEHOLDER_MODULE
        ));
        assert!(!contains(b"env", PLACEHOLDER_MODULE));
    }
}
