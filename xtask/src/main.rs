//! `cargo xtask`: the project's set-up, serve, build and test commands, in Rust so they run the same everywhere.
//!
//! Each command first installs whatever is missing (idempotently, saying what it does), so a fresh machine
//! needs nothing beyond the Rust toolchain, node/npm and apt:
//!
//! - `cargo xtask serve` — build and serve the app on <http://127.0.0.1:8080/>.
//! - `cargo xtask test` — every check, in order, stopping at the first failure.
//! - `cargo xtask build [--public-url /repo/]` — the release bundle in `dist/` (what GitHub Pages serves).
//! - `cargo xtask setup` — only install the tools.
//! - `cargo xtask bench-browser` — load time to the first frame (gzip-served, localhost and throttled),
//!   frame times and time-travel seeks of the release build in headless Chromium.
//! - `cargo xtask bench-wasm` — the engine's speed as wasm in headless Chromium against native, and the ratio.
//! - `cargo xtask post-build` — Trunk's post-build hook: splits the release wasm into the app and its
//!   lazily loaded views (`split.rs`), then fills the Content-Security-Policy hashes (`csp.rs`).

mod bench_wasm;
mod bundle;
mod csp;
mod split;
#[cfg(test)]
mod tidy;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// The sub-path the end-to-end tests serve the release build under, as GitHub Pages does for a project site.
const E2E_PUBLIC_URL: &str = "/arch-explorer/";

/// Where `cargo xtask serve` serves the app.
const SERVE_ADDRESS: &str = "127.0.0.1:8080";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let result = match arguments.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("build") => build(&arguments[1..]),
        Some("setup") => tools::ensure_all(&project_root(), tools::Needs::everything()),
        Some("post-build") => split::from_trunk_environment(&project_root())
            .and_then(|()| csp::fill_from_trunk_environment()),
        Some("bundle-size") => bundle::report(&project_root().join("dist")),
        Some("bench-browser") => bench_browser(),
        Some("bench-wasm") => bench_wasm::run(&project_root()),
        _ => Err(usage()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> String {
    "usage: cargo xtask <serve | test | build [--public-url /path/] | setup | bundle-size | bench-browser | bench-wasm>"
        .to_string()
}

/// The workspace root: the folder above this crate.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn serve() -> Result<(), String> {
    let root = project_root();
    prepare(&root, tools::Needs::serving())?;
    println!("\n==> Serving Architecture Explorer on http://{SERVE_ADDRESS}/  (Ctrl+C stops it)\n");
    let (host, port) = SERVE_ADDRESS
        .split_once(':')
        .expect("SERVE_ADDRESS is host:port");
    let mut trunk = tools::command_on_tool_path(&root, "trunk");
    trunk
        .args([
            "serve",
            "--offline",
            "--locked",
            "--address",
            host,
            "--port",
            port,
        ])
        // The CSP hook hashes the auto-reload script with the address Trunk will write into it.
        .env("ARCH_EXPLORER_SERVE_ADDRESS", SERVE_ADDRESS);
    run(&root, trunk)
}

fn build(arguments: &[String]) -> Result<(), String> {
    let public_url = match arguments {
        [] => "/".to_string(),
        [flag, url] if flag == "--public-url" => url.clone(),
        _ => return Err(usage()),
    };
    let root = project_root();
    prepare(&root, tools::Needs::building())?;
    release_build(&root, &public_url)?;
    bundle::report(&root.join("dist"))
}

/// `trunk build --release` into `dist/`, plus a `404.html` copy of the page so a reload on any path of a
/// static host (GitHub Pages) still opens the app.
fn release_build(root: &Path, public_url: &str) -> Result<(), String> {
    let mut trunk = tools::command_on_tool_path(root, "trunk");
    // The split points of the rarely opened views, and the relocations the splitter needs to move
    // their code (xtask/src/split.rs, which Trunk runs as a post-build hook). Only the wasm target's
    // flags: the hooks' own cargo builds stay as they are.
    trunk.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "--cfg split_views -C link-arg=--emit-relocs",
    );
    trunk.args([
        "build",
        "--release",
        "--offline",
        "--locked",
        "--public-url",
        public_url,
    ]);
    step(
        root,
        &format!("Release build with Trunk (public URL {public_url})"),
        trunk,
    )?;
    let dist = root.join("dist");
    std::fs::copy(dist.join("index.html"), dist.join("404.html"))
        .map_err(|error| format!("could not write dist/404.html: {error}"))?;
    Ok(())
}

fn test() -> Result<(), String> {
    let started = Instant::now();
    let root = project_root();
    prepare(&root, tools::Needs::everything())?;
    step(
        &root,
        "Formatting (cargo fmt --check)",
        tools::cargo(&["fmt", "--all", "--check"]),
    )?;
    step(
        &root,
        "Lints (cargo clippy, warnings are errors)",
        tools::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        &root,
        "Native tests of the whole workspace",
        tools::cargo(&["test", "--workspace", "--locked"]),
    )?;
    step(
        &root,
        "Engine built for wasm32-unknown-unknown",
        tools::cargo(&[
            "build",
            "--package",
            "engine",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
        ]),
    )?;
    let mut browser_tests = tools::command_on_tool_path(&root, "cargo");
    browser_tests
        .args([
            "test",
            "--package",
            "arch-explorer",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
        ])
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    if let Some(chromedriver) = tools::chromedriver_path() {
        browser_tests.env("CHROMEDRIVER", chromedriver);
    }
    step(
        &root,
        "Browser tests (wasm-bindgen-test in headless Chromium)",
        browser_tests,
    )?;
    release_build(&root, E2E_PUBLIC_URL)?;
    let mut end_to_end = node_on_release_build(&root);
    end_to_end.arg("--test").arg("--test-reporter=spec");
    for test_file in end_to_end_test_files(&root)? {
        end_to_end.arg(test_file);
    }
    step(
        &root,
        "End-to-end tests (Playwright + Chromium, release build under a sub-path)",
        end_to_end,
    )?;
    bundle::report(&root.join("dist"))?;
    println!(
        "\nAll checks passed in {:.1} minutes.",
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

/// The browser benchmarks on the release build: load time, frame times, seeks (figures for the README's
/// Performance section).
fn bench_browser() -> Result<(), String> {
    let root = project_root();
    prepare(&root, tools::Needs::everything())?;
    release_build(&root, E2E_PUBLIC_URL)?;
    let mut load = node_on_release_build(&root);
    load.arg(root.join("tests").join("bench").join("load.mjs"));
    step(&root, "Browser load-time benchmark", load)?;
    let mut bench = node_on_release_build(&root);
    bench.arg(root.join("tests").join("bench").join("frames.mjs"));
    step(&root, "Browser frame-time benchmark", bench)?;
    let mut seek = node_on_release_build(&root);
    seek.arg(root.join("tests").join("bench").join("seek.mjs"));
    step(&root, "Browser time-travel (seek) benchmark", seek)
}

/// Installs what `needs` asks for, then fetches the locked crates so Trunk and cargo can build offline.
fn prepare(root: &Path, needs: tools::Needs) -> Result<(), String> {
    tools::ensure_all(root, needs)?;
    step(
        root,
        "Fetching crates (so Trunk can build offline)",
        tools::cargo(&["fetch", "--locked"]),
    )
}

/// `node` with what the end-to-end tests and the browser benchmark need to find the release build
/// (served under the e2e sub-path) and Chromium.
fn node_on_release_build(root: &Path) -> Command {
    let mut node = tools::command_on_tool_path(root, "node");
    node.env("DIST_DIR", root.join("dist"))
        .env("PUBLIC_URL", E2E_PUBLIC_URL);
    if let Some(chromium) = tools::chromium_path() {
        node.env("CHROMIUM_PATH", chromium);
    }
    node
}

fn end_to_end_test_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let folder = root.join("tests").join("e2e");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|error| format!("cannot read {}: {error}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.test.mjs files in {}", folder.display()));
    }
    Ok(files)
}

/// Runs one named step, printing its name and duration, and turns a failure into a readable message.
pub fn step(root: &Path, name: &str, command: Command) -> Result<(), String> {
    timed_step(name, || run(root, command))
}

/// [`step`] for a command whose standard output is wanted: it is shown once the command ends and
/// returned (standard error still streams, so cargo's progress stays visible).
pub fn step_capturing(root: &Path, name: &str, command: Command) -> Result<String, String> {
    timed_step(name, || run_capturing(root, command))
}

fn timed_step<T>(name: &str, action: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    println!("\n==> {name}");
    let started = Instant::now();
    let outcome = action();
    match &outcome {
        Ok(_) => println!("    done in {:.1} s", started.elapsed().as_secs_f64()),
        Err(message) => eprintln!("    FAILED: {name}: {message}"),
    }
    outcome.map_err(|message| format!("step \"{name}\" failed: {message}"))
}

/// Runs a command in the project root with inherited output, turning a non-zero exit into an error.
pub fn run(root: &Path, mut command: Command) -> Result<(), String> {
    command.current_dir(root);
    let shown = describe(&command);
    let status = command
        .status()
        .map_err(|error| format!("could not start `{shown}`: {error}"))?;
    success_or_error(&shown, status)
}

/// [`run`] with standard output captured, printed and returned.
fn run_capturing(root: &Path, mut command: Command) -> Result<String, String> {
    command
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let shown = describe(&command);
    let output = command
        .output()
        .map_err(|error| format!("could not start `{shown}`: {error}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    success_or_error(&shown, output.status)?;
    Ok(stdout)
}

fn success_or_error(shown: &str, status: std::process::ExitStatus) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` exited with {status}"))
    }
}

fn describe(command: &Command) -> String {
    let mut parts = vec![command.get_program().to_string_lossy().into_owned()];
    parts.extend(
        command
            .get_args()
            .map(|argument| argument.to_string_lossy().into_owned()),
    );
    parts.join(" ")
}
