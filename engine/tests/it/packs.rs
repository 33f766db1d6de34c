//! Classroom packs graded by re-simulation: a submission grades to its own score; an edited claim is
//! flagged and the re-simulated score stands; another pack is flagged; a rubric's hidden seeds and
//! faults are graded; damaged files are refused with their JSON path; `arch-sim grade` exit codes.

use std::process::Command;

use engine::challenge::{Challenge, grade};
use engine::design::{Fault, ScheduledFault};
use engine::objective::{Bound, Measure, Objective};
use engine::pack::{
    ENGINE_VERSION, Flag, HiddenFaults, Pack, PackProblem, Rubric, Submission, SubmittedRun, csv,
    grade_submission,
};
use engine::params::NodeParams;
use engine::{Design, NodeKind, RunFile, presets};

fn objective(measure: Measure, bound: Bound, target: f64, points: u32, bonus: bool) -> Objective {
    Objective {
        measure,
        bound,
        target,
        from_s: 10.0,
        to_s: 60.0,
        points,
        bonus,
    }
}

/// The single server preset carrying its load, graded over 10–60 s.
fn challenge() -> Challenge {
    Challenge {
        id: "carry-the-load".to_owned(),
        title: "Carry the load".to_owned(),
        story: "Keep the shop up.".to_owned(),
        learn: vec!["Capacity".to_owned()],
        objectives: vec![
            objective(Measure::Availability, Bound::AtLeast, 0.99, 50, false),
            objective(Measure::P95Ms, Bound::AtMost, 500.0, 30, false),
            objective(Measure::Spofs, Bound::AtMost, 0.0, 20, true),
        ],
        budget_per_hour: None,
        allowed: NodeKind::ALL.to_vec(),
        locked: vec!["users".to_owned()],
        start: presets::single_server(),
        seconds: 60.0,
        seeds: vec![1, 2],
    }
}

fn pack() -> Pack {
    Pack {
        title: "Week 3".to_owned(),
        challenges: vec![challenge()],
        seeds: vec![5, 6],
        time_limit_min: Some(45),
    }
}

/// The preset's server with one worker: it cannot carry the load.
fn overloaded() -> Design {
    let mut design = presets::single_server();
    if let Some(NodeParams::Server(server)) = design
        .nodes
        .iter_mut()
        .find(|n| n.id == "server")
        .map(|n| &mut n.params)
    {
        server.workers = Some(1);
    }
    design
}

/// A submission of `design` by `student`, claiming what grading gives (as the app does).
fn submission(pack: &Pack, student: &str, design: Design) -> Submission {
    let run = RunFile::new(design, 5);
    let challenge = pack.challenge("carry-the-load").expect("in the pack");
    let grade = grade(&challenge, &run);
    Submission {
        pack_hash: pack.hash(),
        student: student.to_owned(),
        engine_version: ENGINE_VERSION.to_owned(),
        runs: vec![SubmittedRun {
            challenge: "carry-the-load".to_owned(),
            run,
            claimed_score: grade.score,
            claimed_stars: grade.stars,
        }],
    }
}

#[test]
fn a_submission_grades_to_its_own_score_and_an_edited_claim_is_flagged() {
    let pack = pack();
    let honest = submission(&pack, "Ada", presets::single_server());
    // Through its file, as a teacher receives it.
    let read = Submission::from_json(&honest.to_json()).expect("reads back");
    assert_eq!(read, honest);
    let rows = grade_submission(&pack, None, &read);
    assert_eq!(rows.len(), 1);
    let grade = rows[0].grade.as_ref().expect("graded");
    println!(
        "{:?}",
        grade
            .objectives
            .iter()
            .map(|o| &o.shown)
            .collect::<Vec<_>>()
    );
    // The pack's seeds replace the challenge's own.
    assert_eq!(grade.seeds, [5, 6]);
    assert!(grade.passed, "{grade:?}");
    assert_eq!((grade.score, grade.stars), (80, 1));
    assert!(rows[0].flags.is_empty(), "{:?}", rows[0].flags);

    let mut boasting = honest;
    boasting.runs[0].claimed_score = 100;
    boasting.runs[0].claimed_stars = 3;
    let rows = grade_submission(&pack, None, &boasting);
    assert_eq!(rows[0].flags, [Flag::ClaimDiffers]);
    assert_eq!(rows[0].grade.as_ref().map(|g| g.score), Some(80));

    let failing = submission(&pack, "Bob", overloaded());
    let rows = grade_submission(&pack, None, &failing);
    assert!(!rows[0].passed());
    assert!(rows[0].flags.is_empty());
}

#[test]
fn another_pack_and_another_engine_are_flagged() {
    let pack = pack();
    let mut other = pack.clone();
    other.title = "Week 4".to_owned();
    assert_ne!(pack.hash(), other.hash());
    let mut submission = submission(&other, "Ada", presets::single_server());
    submission.engine_version = "0.0.1".to_owned();
    let rows = grade_submission(&pack, None, &submission);
    assert_eq!(rows[0].flags, [Flag::PackDiffers, Flag::EngineDiffers]);
    // A challenge the pack lacks is a row with the reason, not a failure of the whole grading.
    let mut stranger = submission;
    stranger.runs[0].challenge = "not-in-the-pack".to_owned();
    let rows = grade_submission(&pack, None, &stranger);
    assert!(rows[0].grade.is_none());
    assert_eq!(
        rows[0].problem.as_deref(),
        Some("the pack has no challenge “not-in-the-pack”")
    );
}

#[test]
fn a_rubric_adds_hidden_seeds_and_faults() {
    let pack = pack();
    let ada = submission(&pack, "Ada", presets::single_server());
    let rubric = Rubric {
        hidden_seeds: vec![7],
        hidden_faults: vec![HiddenFaults {
            challenge: "carry-the-load".to_owned(),
            faults: vec![ScheduledFault {
                at_s: 20.0,
                duration_s: Some(20.0),
                fault: Fault::Kill {
                    node: "server".to_owned(),
                },
            }],
        }],
    };
    let read = Rubric::from_json(&rubric.to_json()).expect("reads back");
    assert_eq!(read, rubric);
    let rows = grade_submission(&pack, Some(&read), &ada);
    let grade = rows[0].grade.as_ref().expect("graded");
    assert_eq!(grade.seeds, [5, 6, 7]);
    // The lone server dies for 20 s: the design that passed without the hidden fault fails.
    assert!(!grade.passed);
    assert!(rows[0].flags.contains(&Flag::ClaimDiffers));
}

#[test]
fn damaged_files_are_refused_with_their_path() {
    let pack = pack();
    let good = submission(&pack, "Ada", presets::single_server()).to_json();
    // A pack opened as a submission.
    let wrong = Submission::from_json(&pack.to_json()).expect_err("not a submission");
    assert_eq!(wrong.path, "format");
    assert!(matches!(wrong.problem, PackProblem::WrongFormat { .. }));
    // Cut short.
    let cut = Submission::from_json(&good[..good.len() / 2]).expect_err("truncated");
    assert!(matches!(cut.problem, PackProblem::Malformed { .. }));
    // A run inside with a design that is not valid: located inside the run.
    let mut value: serde_json::Value = serde_json::from_str(&good).expect("json");
    value["runs"][0]["run"]["design"]["nodes"][0]["kind"] = "spaceship".into();
    let tampered = Submission::from_json(&value.to_string()).expect_err("bad design");
    assert!(tampered.path.starts_with("runs[0].run"), "{tampered}");
    assert!(matches!(tampered.problem, PackProblem::Run { .. }));
    // A newer version, an unknown field, an empty pack, a duplicate challenge.
    let mut newer: serde_json::Value = serde_json::from_str(&pack.to_json()).expect("json");
    newer["version"] = 9.into();
    let newer = Pack::from_json(&newer.to_string()).expect_err("newer");
    assert!(matches!(
        newer.problem,
        PackProblem::UnsupportedVersion { found: 9, .. }
    ));
    let mut unknown: serde_json::Value = serde_json::from_str(&pack.to_json()).expect("json");
    unknown["teacher"] = "me".into();
    assert!(Pack::from_json(&unknown.to_string()).is_err());
    let mut empty = pack.clone();
    empty.challenges.clear();
    assert_eq!(
        Pack::from_json(&empty.to_json())
            .expect_err("empty")
            .problem,
        PackProblem::Empty
    );
    let mut twice = pack.clone();
    twice.challenges.push(challenge());
    let twice = Pack::from_json(&twice.to_json()).expect_err("duplicate");
    assert_eq!(twice.path, "challenges[1].id");
    // And a good pack reads back whole, with the same hash.
    let read = Pack::from_json(&pack.to_json()).expect("reads");
    assert_eq!(read.hash(), pack.hash());
}

#[test]
fn the_csv_has_a_column_per_objective_and_quotes_what_needs_it() {
    let pack = pack();
    let rows = grade_submission(
        &pack,
        None,
        &submission(&pack, "Lovelace, Ada", presets::single_server()),
    );
    let text = csv(&rows);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "student,challenge,score,stars,passed,objective 1,objective 2,objective 3,claimed score,flags,problem"
    );
    assert!(lines[1].starts_with("\"Lovelace, Ada\",carry-the-load,80,1,yes,✓ Availability = "));
    assert!(lines[1].contains(",✗ Single points of failure = 2,"));
}

fn arch_sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_arch-sim"))
}

#[test]
fn arch_sim_grade_exits_0_when_all_pass_and_1_otherwise() {
    let directory = std::env::temp_dir().join(format!("arch-sim-grade-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    let pack = pack();
    let write = |name: &str, text: &str| {
        let path = directory.join(name);
        std::fs::write(&path, text).expect("write");
        path.to_string_lossy().into_owned()
    };
    let pack_path = write("week3.pack.json", &pack.to_json());
    let ada = write(
        "ada.submission.json",
        &submission(&pack, "Ada", presets::single_server()).to_json(),
    );
    let bob = write(
        "bob.submission.json",
        &submission(&pack, "Bob", overloaded()).to_json(),
    );
    let damaged = write("eve.submission.json", "{\"format\": \"arch-explorer-subm");

    let output = arch_sim()
        .args(["grade", &pack_path, &ada])
        .output()
        .expect("runs");
    let table = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{table}");
    assert!(table.contains("Ada"), "{table}");
    assert!(table.contains(" 80/100 1★"), "{table}");

    let output = arch_sim()
        .args(["grade", &pack_path, &ada, &bob, &damaged, "--csv"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[2].starts_with("Bob,carry-the-load,"), "{text}");
    assert!(lines[2].contains(",no,"), "{text}");
    // The damaged file is a row with its reason; the others were graded all the same.
    assert!(lines[3].contains("not JSON at line 1"), "{text}");

    let output = arch_sim()
        .args(["grade", &ada, &ada])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "a submission is not a pack");
    assert!(String::from_utf8_lossy(&output.stderr).contains("format"));
    std::fs::remove_dir_all(&directory).ok();
}
