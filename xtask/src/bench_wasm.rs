//! `cargo xtask bench-wasm`: the engine's speed natively and as wasm inside headless Chromium on the same
//! workloads, and the ratio between them (the engine issue asks for wasm ≥ 0.5× native).
//!
//! Both sides run `engine::speed::measure` from release builds: natively through `arch-sim speed`, in
//! the browser through the wasm-bindgen test `tests/engine_speed.rs` (built with the `engine-speed`
//! feature). Each prints one line per workload, `engine-speed NAME events_per_second=… customers_per_second=… wall_ms=…`, which this
//! command reads back. It reports figures and asserts nothing: speed is a benchmark, not a test.

use std::path::Path;

use crate::tools;

/// The word that starts every figure line; `engine::speed::LINE_PREFIX` writes it (xtask does not
/// depend on the engine, so the word is repeated here and a test below pins the format).
const LINE_PREFIX: &str = "engine-speed";

/// The engine issue's target: wasm in Chromium at least this fraction of native speed.
const TARGET_RATIO: f64 = 0.5;

/// One workload's figures as printed by either side.
#[derive(Debug, PartialEq)]
struct Figure {
    name: String,
    events_per_second: f64,
    customers_per_second: f64,
    wall_ms: f64,
}

/// Runs both sides (the native one first, so the two never share the cores) and prints the table.
pub fn run(root: &Path) -> Result<(), String> {
    crate::prepare(root, tools::Needs::everything())?;
    let native = crate::step_capturing(
        root,
        "Engine speed natively (arch-sim speed, release build)",
        tools::cargo(&[
            "run",
            "--release",
            "--locked",
            "--package",
            "engine",
            "--bin",
            "arch-sim",
            "--",
            "speed",
        ]),
    )?;
    let mut browser = tools::cargo(&[
        "test",
        "--release",
        "--locked",
        "--package",
        "arch-explorer",
        "--features",
        "engine-speed",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "engine_speed",
        "--",
        "--nocapture",
    ]);
    // Four runs of each workload take a few seconds; the runner's default limit is 20 s.
    browser.env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    if let Some(chromedriver) = tools::chromedriver_path() {
        browser.env("CHROMEDRIVER", chromedriver);
    }
    let wasm = crate::step_capturing(
        root,
        "Engine speed in headless Chromium (wasm-bindgen-test, release build)",
        browser,
    )?;
    let table = compare(&parse_figures(&native), &parse_figures(&wasm))?;
    println!("\n{table}");
    Ok(())
}

/// The figure lines found anywhere in a command's output (a test runner may indent or prefix them).
fn parse_figures(output: &str) -> Vec<Figure> {
    output
        .lines()
        .filter_map(|line| {
            let start = line.find(&format!("{LINE_PREFIX} "))?;
            parse_figure(&line[start + LINE_PREFIX.len()..])
        })
        .collect()
}

/// `NAME events_per_second=… customers_per_second=… wall_ms=…` (after the prefix).
fn parse_figure(rest: &str) -> Option<Figure> {
    let mut words = rest.split_whitespace();
    let name = words.next()?.to_string();
    let mut value_of = |key: &str| -> Option<f64> {
        let (found, value) = words.next()?.split_once('=')?;
        if found != key {
            return None;
        }
        value.parse().ok()
    };
    Some(Figure {
        events_per_second: value_of("events_per_second")?,
        customers_per_second: value_of("customers_per_second")?,
        wall_ms: value_of("wall_ms")?,
        name,
    })
}

/// The side-by-side table, one row per native workload; an error if the browser lacks one.
fn compare(native: &[Figure], wasm: &[Figure]) -> Result<String, String> {
    if native.is_empty() {
        return Err(format!("`arch-sim speed` printed no `{LINE_PREFIX}` lines"));
    }
    let mut table = format!(
        "{:<24} {:>16} {:>16} {:>19} {:>19} {:>12}\n",
        "workload",
        "native events/s",
        "wasm events/s",
        "native customers/s",
        "wasm customers/s",
        "wasm/native"
    );
    for native_figure in native {
        let wasm_figure = wasm
            .iter()
            .find(|figure| figure.name == native_figure.name)
            .ok_or_else(|| {
                format!(
                    "the browser run printed no figure for {} (is `--nocapture` reaching the runner?)",
                    native_figure.name
                )
            })?;
        // Both sides run the same events (the engine is deterministic across platforms), so the ratio
        // of rates is the inverse ratio of wall times.
        let ratio = native_figure.wall_ms / wasm_figure.wall_ms;
        table.push_str(&format!(
            "{:<24} {:>16} {:>16} {:>19} {:>19} {:>11.2}×\n",
            native_figure.name,
            millions(native_figure.events_per_second),
            millions(wasm_figure.events_per_second),
            millions(native_figure.customers_per_second),
            millions(wasm_figure.customers_per_second),
            ratio
        ));
    }
    table.push_str(&format!(
        "(fastest timed run after a warm-up, each side; the engine issue asks for wasm ≥ {TARGET_RATIO}× native)"
    ));
    Ok(table)
}

fn millions(rate: f64) -> String {
    format!("{:.2} M", rate / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(name: &str, events_per_second: f64, wall_ms: f64) -> Figure {
        Figure {
            name: name.to_string(),
            events_per_second,
            customers_per_second: events_per_second / 10.0,
            wall_ms,
        }
    }

    #[test]
    fn figure_lines_are_found_among_other_output() {
        let output = "running 1 test\n\
            engine-speed mm1_2000s events_per_second=1234567 customers_per_second=98766 wall_ms=12.500\n\
            \x20   engine-speed distributed_preset_60s events_per_second=9000000 customers_per_second=50000 wall_ms=400.000\n\
            test engine_speed_in_the_browser ... ok\n";
        assert_eq!(
            parse_figures(output),
            vec![
                Figure {
                    name: "mm1_2000s".to_string(),
                    events_per_second: 1_234_567.0,
                    customers_per_second: 98_766.0,
                    wall_ms: 12.5,
                },
                Figure {
                    name: "distributed_preset_60s".to_string(),
                    events_per_second: 9_000_000.0,
                    customers_per_second: 50_000.0,
                    wall_ms: 400.0,
                },
            ]
        );
    }

    #[test]
    fn a_line_with_a_missing_or_misnamed_value_is_skipped() {
        assert_eq!(
            parse_figures("engine-speed mm1 events_per_second=1 wall_ms=2\nengine-speed mm1"),
            vec![]
        );
    }

    #[test]
    fn the_ratio_is_native_wall_time_over_wasm_wall_time() {
        let table = compare(
            &[figure("mm1_2000s", 4e6, 40.0)],
            &[figure("mm1_2000s", 2e6, 80.0)],
        )
        .expect("both sides have the workload");
        assert!(table.contains("4.00 M"), "{table}");
        assert!(table.contains("0.50×"), "{table}");
    }

    #[test]
    fn a_workload_missing_in_the_browser_is_an_error() {
        assert!(compare(&[figure("mm1_2000s", 4e6, 40.0)], &[]).is_err());
    }
}
