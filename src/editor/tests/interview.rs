//! Interview mode's core: the clock in phases, the estimate sheet's arithmetic, the drill's target,
//! and the interview file and link (the drill stays out of a candidate's file).

use engine::design::Fault;
use engine::presets;

use crate::editor::interview::{
    Clock, DrillScript, Estimates, InterviewFile, Phase, Sheets, Verdict, check, read_quantity,
    resolve_drill, total_minutes,
};

#[test]
fn the_clock_runs_through_six_phases_in_forty_five_minutes() {
    assert_eq!(total_minutes(), 45.0);
    let mut clock = Clock::started();
    assert_eq!(clock.phase(), Phase::Requirements);
    assert_eq!(clock.remaining(60.0), (240.0, 2_640.0));
    // Over time in the first phase: the remaining time goes negative, it is not cut short.
    assert_eq!(clock.remaining(330.0).0, -30.0);
    assert!(clock.next(330.0));
    assert_eq!(clock.phase(), Phase::Estimation);
    for at in [600.0, 900.0, 1_200.0, 2_100.0] {
        assert!(clock.next(at));
    }
    assert_eq!(clock.phase(), Phase::DeepDive);
    assert!(!clock.next(2_200.0), "the last phase has no next");
    clock.end(2_700.0);
    let spent: Vec<f64> = clock.spent(9_999.0).into_iter().map(|(_, s)| s).collect();
    assert_eq!(spent, [330.0, 270.0, 300.0, 300.0, 900.0, 600.0]);
    assert!(!clock.next(2_800.0), "an ended interview stays ended");
}

#[test]
fn numbers_are_read_as_candidates_write_them() {
    assert_eq!(read_quantity("10M"), Some(10_000_000.0));
    assert_eq!(read_quantity(" 2.5k "), Some(2_500.0));
    assert_eq!(read_quantity("1,000,000"), Some(1_000_000.0));
    assert_eq!(read_quantity("1e3"), Some(1_000.0));
    assert_eq!(read_quantity("3G"), Some(3e9));
    assert_eq!(read_quantity(""), None);
    assert_eq!(read_quantity("lots"), None);
    assert_eq!(read_quantity("-5"), None);
}

#[test]
fn the_sheet_checks_the_arithmetic_from_the_candidates_own_inputs() {
    let mut sheet = Estimates {
        daily_users: "10M".to_owned(),
        requests_per_user: "20".to_owned(),
        peak_factor: "3".to_owned(),
        writes_per_user: "2".to_owned(),
        bytes_per_write: "1k".to_owned(),
        retention_days: "365".to_owned(),
        response_kb: "20".to_owned(),
        // 10 M × 20 ÷ 86 400 × 3 = 6 944 req/s: 7 000 is a fair rounding.
        peak_qps: "7000".to_owned(),
        // 10 M × 2 × 1 000 B × 365 = 7 300 GB; the candidate forgot the retention.
        storage_gb: "20".to_owned(),
        bandwidth_mbps: String::new(),
    };
    let checks = check(&sheet);
    assert_eq!(
        checks.iter().map(|c| c.verdict).collect::<Vec<_>>(),
        [Verdict::Right, Verdict::Off, Verdict::Incomplete]
    );
    assert!((checks[0].expected.expect("inputs") - 6_944.44).abs() < 0.01);
    assert_eq!(checks[1].expected, Some(7_300.0));
    // 6 944 req/s × 20 KB × 8 = 1 111 Mbit/s.
    sheet.bandwidth_mbps = "1.1k".to_owned();
    assert_eq!(check(&sheet)[2].verdict, Verdict::Right);
    sheet.daily_users = "many".to_owned();
    assert_eq!(check(&sheet)[0].verdict, Verdict::Incomplete);
}

#[test]
fn the_drill_kills_the_busiest_tier_or_the_interviewers_fault() {
    let design = presets::horizontal_scaling();
    let cpu = vec![
        ("server-1".to_owned(), 0.4),
        ("server-2".to_owned(), 0.7),
        ("server-3".to_owned(), 0.5),
        ("database".to_owned(), 0.9),
    ];
    assert_eq!(
        resolve_drill(&DrillScript::KillBusiest, &design, &cpu),
        Some(Fault::Kill {
            node: "server-2".to_owned()
        })
    );
    // Before any CPU is known, a server is still chosen (the first by id).
    assert_eq!(
        resolve_drill(&DrillScript::KillBusiest, &design, &[]),
        Some(Fault::Kill {
            node: "server-1".to_owned()
        })
    );
    let crash = Fault::DatabasePrimaryCrash {
        node: "database".to_owned(),
    };
    assert_eq!(
        resolve_drill(
            &DrillScript::Fault {
                fault: crash.clone()
            },
            &design,
            &cpu
        ),
        Some(crash)
    );
    // A design with no server-like node has nothing to kill.
    let mut bare = presets::single_server();
    bare.nodes.retain(|n| n.id != "server");
    bare.links.clear();
    assert_eq!(resolve_drill(&DrillScript::KillBusiest, &bare, &[]), None);
}

#[test]
fn an_interview_file_and_link_round_trip_and_the_candidates_file_hides_the_drill() {
    let sheets = Sheets {
        requirements: "Shorten URLs; 99.9 % available".to_owned(),
        ..Sheets::default()
    };
    let mut clock = Clock::started();
    clock.next(300.0);
    let file = InterviewFile::new(
        presets::horizontal_scaling(),
        sheets,
        clock,
        Some(DrillScript::KillBusiest),
    );
    let link = file.encode_link().expect("encodes");
    assert!(link.starts_with("#i="));
    assert_eq!(InterviewFile::decode_link(&link), Ok(file.clone()));
    assert_eq!(InterviewFile::from_json(&file.to_json()), Ok(file.clone()));
    let candidate = InterviewFile {
        drill: None,
        ..file
    };
    assert!(!candidate.to_json().contains("drill"));
    assert_eq!(
        InterviewFile::from_json(&presets::single_server().to_json()),
        Err("this is not an interview file (no format field)".to_owned())
    );
    let newer = candidate
        .to_json()
        .replace("\"version\": 1", "\"version\": 7");
    assert!(
        InterviewFile::from_json(&newer)
            .expect_err("newer")
            .contains("newer")
    );
}
