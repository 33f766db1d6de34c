//! Finds or installs, idempotently and at pinned versions, every tool the build and the tests need.
//!
//! Pins: Trunk 0.22.1; wasm-bindgen-cli equal to the `wasm-bindgen` version locked in `Cargo.lock` (checked
//! against the pin in `Trunk.toml`); npm packages from the committed `package-lock.json` (wasm-opt from
//! npm `binaryen`, Playwright); Chromium and chromedriver from apt on Debian when running as root.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::step;

const TRUNK_VERSION: &str = "0.22.1";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Which tools a command needs.
#[derive(Clone, Copy)]
pub struct Needs {
    wasm_build: bool,
    npm_packages: bool,
    browser: bool,
}

impl Needs {
    /// `serve`: a debug build (no wasm-opt), but npm packages are cheap and keep PATH the same.
    pub fn serving() -> Needs {
        Needs {
            wasm_build: true,
            npm_packages: true,
            browser: false,
        }
    }

    /// `build`: the release bundle needs wasm-opt from npm.
    pub fn building() -> Needs {
        Needs::serving()
    }

    /// `test` and `setup`: everything, the browser included.
    pub fn everything() -> Needs {
        Needs {
            wasm_build: true,
            npm_packages: true,
            browser: true,
        }
    }
}

/// Installs whatever `needs` asks for and is missing, saying what it does.
pub fn ensure_all(root: &Path, needs: Needs) -> Result<(), String> {
    if needs.wasm_build {
        ensure_wasm_target(root)?;
        ensure_trunk(root)?;
        ensure_wasm_bindgen_cli(root)?;
    }
    if needs.npm_packages {
        ensure_npm_packages(root)?;
    }
    if needs.browser {
        ensure_chromium(root)?;
    }
    Ok(())
}

/// A command whose PATH finds our tools first: npm's `node_modules/.bin` (wasm-opt from binaryen, never
/// Debian's broken one), then cargo's bin folder (trunk, wasm-bindgen), then the inherited PATH.
pub fn command_on_tool_path(root: &Path, program: &str) -> Command {
    let mut command = Command::new(program);
    command.env("PATH", tool_path(root));
    command
}

/// `cargo` (the one running this xtask) with the given arguments, on the tool PATH.
pub fn cargo(arguments: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command
        .args(arguments)
        .env("PATH", tool_path(&crate::project_root()));
    command
}

fn tool_path(root: &Path) -> OsString {
    let mut folders = vec![root.join("node_modules").join(".bin"), cargo_bin_folder()];
    if let Some(inherited) = std::env::var_os("PATH") {
        folders.extend(std::env::split_paths(&inherited));
    }
    std::env::join_paths(folders).unwrap_or_default()
}

fn cargo_bin_folder() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    cargo_home.join("bin")
}

/// The first line a tool prints for `--version`, or `None` when it is not installed.
fn version_of(root: &Path, program: &str) -> Option<String> {
    let output = command_on_tool_path(root, program)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string(),
    )
}

fn ensure_wasm_target(root: &Path) -> Result<(), String> {
    let output = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|error| format!("rustup is needed to add the {WASM_TARGET} target: {error}"))?;
    if String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    let mut add = Command::new("rustup");
    add.args(["target", "add", WASM_TARGET]);
    step(
        root,
        &format!("Installing the Rust target {WASM_TARGET}"),
        add,
    )
}

fn ensure_trunk(root: &Path) -> Result<(), String> {
    let wanted = format!("trunk {TRUNK_VERSION}");
    if version_of(root, "trunk").as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    // Trunk 0.22.1 declares rustc 1.96.1 but builds and works on 1.95, hence --ignore-rust-version.
    let install = crate::tools::cargo(&[
        "install",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--locked",
        "--ignore-rust-version",
    ]);
    step(
        root,
        &format!("Installing Trunk {TRUNK_VERSION} with cargo (about 8 minutes on 2 cores, once)"),
        install,
    )
}

fn ensure_wasm_bindgen_cli(root: &Path) -> Result<(), String> {
    let locked = locked_crate_version(root, "wasm-bindgen")?;
    let pinned = trunk_wasm_bindgen_pin(root)?;
    if pinned != locked {
        return Err(format!(
            "Trunk.toml pins wasm_bindgen = \"{pinned}\" but Cargo.lock has wasm-bindgen {locked}; \
             they must be equal (change the pin in Trunk.toml and the `=` requirement in Cargo.toml together)"
        ));
    }
    let wanted = format!("wasm-bindgen {locked}");
    if version_of(root, "wasm-bindgen").as_deref() == Some(wanted.as_str())
        && version_of(root, "wasm-bindgen-test-runner").is_some_and(|line| line.ends_with(&locked))
    {
        return Ok(());
    }
    // Not --locked: the CLI's own lock file pins a dependency version this registry does not carry.
    let install = crate::tools::cargo(&[
        "install",
        "wasm-bindgen-cli",
        "--version",
        &locked,
        "--force",
    ]);
    step(
        root,
        &format!("Installing wasm-bindgen-cli {locked} with cargo (about 2 minutes, once)"),
        install,
    )
}

/// The version of `name` recorded in `Cargo.lock`.
fn locked_crate_version(root: &Path, name: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|error| format!("cannot read Cargo.lock: {error}"))?;
    let wanted_name = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted_name
            && let Some(version_line) = lines.next()
            && let Some(version) = version_line.trim().strip_prefix("version = ")
        {
            return Ok(version.trim_matches('"').to_string());
        }
    }
    Err(format!("Cargo.lock has no entry for {name}"))
}

fn trunk_wasm_bindgen_pin(root: &Path) -> Result<String, String> {
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml"))
        .map_err(|error| format!("cannot read Trunk.toml: {error}"))?;
    trunk_toml
        .lines()
        .find_map(|line| line.trim().strip_prefix("wasm_bindgen").map(str::trim))
        .and_then(|rest| rest.strip_prefix('='))
        .map(|value| value.trim().trim_matches('"').to_string())
        .ok_or_else(|| {
            "Trunk.toml must pin [tools] wasm_bindgen so Trunk never downloads it".to_string()
        })
}

fn ensure_npm_packages(root: &Path) -> Result<(), String> {
    if version_of(root, "npm").is_none() {
        return Err(
            "npm is needed (for wasm-opt and Playwright): install Node.js 20 or newer with npm"
                .into(),
        );
    }
    let installed_marker = root.join("node_modules").join(".package-lock.json");
    let up_to_date = match (
        modified(&installed_marker),
        modified(&root.join("package-lock.json")),
    ) {
        (Some(installed), Some(wanted)) => installed >= wanted,
        _ => false,
    };
    if up_to_date {
        return Ok(());
    }
    let mut install = command_on_tool_path(root, "npm");
    install.args(["ci", "--no-audit", "--no-fund"]);
    step(
        root,
        "Installing npm packages from package-lock.json (wasm-opt, Playwright)",
        install,
    )
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .ok()
}

/// Where chromedriver lives once [`ensure_chromium`] has succeeded.
pub fn chromedriver_path() -> Option<PathBuf> {
    find_on_path("chromedriver")
}

/// Where Chromium lives once [`ensure_chromium`] has succeeded.
pub fn chromium_path() -> Option<PathBuf> {
    find_on_path("chromium").or_else(|| find_on_path("chromium-browser"))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|folder| folder.join(program))
        .find(|candidate| candidate.is_file())
}

fn ensure_chromium(root: &Path) -> Result<(), String> {
    if chromium_path().is_some() && chromedriver_path().is_some() {
        return Ok(());
    }
    let on_debian = Path::new("/etc/debian_version").exists();
    if !(on_debian && running_as_root()) {
        return Err("the browser tests need Chromium and a matching chromedriver on PATH. On Debian/Ubuntu: \
             `sudo apt-get install chromium chromium-driver`; elsewhere install Chromium and the \
             chromedriver of the same version"
            .to_string());
    }
    let mut update = Command::new("apt-get");
    update
        .args(["update", "-qq"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    step(root, "Updating apt's package lists (for Chromium)", update)?;
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    step(
        root,
        "Installing Chromium and chromedriver from apt (about 30 seconds)",
        install,
    )
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}
