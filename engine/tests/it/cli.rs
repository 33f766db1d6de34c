//! The `arch-sim` command line: a JSON report for a good file, exit code 2 and the typed error with
//! its JSON path for a bad one.

use std::process::Command;

fn arch_sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_arch-sim"))
}

#[test]
fn runs_a_design_file_and_prints_a_json_report() {
    let path = format!("{}/tests/designs/mm1.json", env!("CARGO_MANIFEST_DIR"));
    let output = arch_sim()
        .args(["run", &path, "--seconds", "20", "--seed", "7"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["seconds"], 20.0);
    let server = report["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == "server")
        .expect("server");
    assert!(server["p95_ms"].as_f64().expect("p95") > 0.0);
    assert!(report["totals"]["completed"].as_u64().expect("completed") > 1000);
}

#[test]
fn a_bad_file_exits_with_code_2_and_the_json_path() {
    let directory = std::env::temp_dir().join(format!("arch-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    let path = directory.join("bad.json");
    std::fs::write(
        &path,
        r#"{"version": 2, "nodes": [{"id": "u", "kind": "users"}, {"id": "s", "kind": "server", "params": {"workers": 0}}]}"#,
    )
    .expect("write");
    let output = arch_sim()
        .args(["run", path.to_str().expect("utf-8"), "--seconds", "1"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nodes[1].params.workers: must be at least 1, got 0"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&directory).ok();
}

#[test]
fn replays_a_run_file_and_checks_its_digest() {
    use engine::{LiveCommand, RunAction, RunEntry, RunFile, Simulation, presets};
    let design = presets::horizontal_scaling();
    let mut simulation = Simulation::new(&design, 5).expect("valid");
    let mut file = RunFile::new(design, 5);
    simulation.advance(2.0);
    let kill = LiveCommand::Kill {
        node: "server-2".to_owned(),
    };
    simulation.apply(kill.clone()).expect("killed");
    file.timeline.push(RunEntry {
        at_ns: simulation.now_ns(),
        action: RunAction::Live(kill),
    });
    simulation.advance(8.0);
    file.end_ns = simulation.now_ns();
    let digest = engine::run_file::format_digest(simulation.digest());

    let directory = std::env::temp_dir().join(format!("arch-sim-replay-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    let path = directory.join("kill.run.json");
    std::fs::write(&path, file.to_json()).expect("written");
    let path = path.to_string_lossy().into_owned();

    let same = arch_sim()
        .args(["replay", &path, "--expect", &digest])
        .output()
        .expect("runs");
    assert!(
        same.status.success(),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
    let stdout = String::from_utf8_lossy(&same.stdout);
    assert!(
        stdout.trim_end().ends_with(&format!("digest {digest}")),
        "{stdout}"
    );
    let report = &stdout[..stdout.rfind("digest").expect("digest line")];
    let report: serde_json::Value = serde_json::from_str(report).expect("a JSON report");
    assert_eq!(report["seconds"], 10.0);

    let other = arch_sim()
        .args(["replay", &path, "--expect", "0000000000000000"])
        .output()
        .expect("runs");
    assert_eq!(other.status.code(), Some(1));

    std::fs::write(&path, "{\"format\": \"arch-explorer-run\", \"version\": 9}").expect("written");
    let newer = arch_sim().args(["replay", &path]).output().expect("runs");
    assert_eq!(newer.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&newer.stderr).contains("version"));
    std::fs::remove_dir_all(&directory).ok();
}

#[test]
fn compares_two_design_files_as_json() {
    let directory = std::env::temp_dir().join(format!("arch-sim-compare-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    let a = directory.join("a.json");
    let b = directory.join("b.json");
    std::fs::write(&a, engine::presets::horizontal_scaling().to_json()).expect("a");
    std::fs::write(&b, engine::presets::vertical_scaling().to_json()).expect("b");
    let output = arch_sim()
        .args([
            "compare",
            &a.to_string_lossy(),
            &b.to_string_lossy(),
            "--seeds",
            "3",
            "--seconds",
            "10",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let comparison: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(comparison["seeds"].as_array().expect("seeds").len(), 3);
    assert_eq!(comparison["a"].as_array().expect("a").len(), 3);
    let differences = comparison["differences"].as_array().expect("differences");
    let availability = differences
        .iter()
        .find(|d| d["metric"] == "availability")
        .expect("availability");
    assert!(availability["half_width_95"].as_f64().is_some());
    std::fs::write(&b, "{").expect("b");
    let bad = arch_sim()
        .args(["compare", &a.to_string_lossy(), &b.to_string_lossy()])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(&directory).ok();
}
