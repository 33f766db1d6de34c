//! The fault form's draft: its targets and its check.

use engine::{Design, Node, NodeKind};

use crate::editor::fault_form::{FaultDraft, FaultProblems};

fn design() -> Design {
    let mut nodes = vec![
        Node::new("users", NodeKind::Users, 0.0, 0.0),
        Node::new("lb", NodeKind::LoadBalancer, 0.0, 0.0),
        Node::new("server-1", NodeKind::Server, 0.0, 0.0),
        Node::new("server-2", NodeKind::Server, 0.0, 0.0),
        Node::new("db", NodeKind::Database, 0.0, 0.0),
        Node::new("cache", NodeKind::Cache, 0.0, 0.0),
    ];
    nodes[3].zone = "zone-b".to_owned();
    Design {
        version: engine::design::CURRENT_VERSION,
        name: String::new(),
        seed: 1,
        nodes,
        links: Vec::new(),
        alert_rules: Vec::new(),
        faults: Vec::new(),
        releases: Vec::new(),
    }
}

fn draft(kind: &str, target: &str, at: &str, duration: &str, factor: &str) -> FaultDraft {
    FaultDraft {
        kind: kind.to_owned(),
        target: target.to_owned(),
        other: String::new(),
        at: at.to_owned(),
        duration: duration.to_owned(),
        factor: factor.to_owned(),
    }
}

fn check_draft(draft: &FaultDraft, expected: Result<&str, FaultProblems>) {
    let checked = draft.check(&design());
    match expected {
        Ok(text) => {
            let fault = checked.expect("accepted");
            let when = format!("{} {:?}", fault.at_s, fault.duration_s);
            assert_eq!(format!("{} {when}", fault.fault), text);
        }
        Err(problems) => assert_eq!(checked.expect_err("refused"), problems),
    }
}

#[test]
fn the_fault_form_schedules_good_faults_and_names_each_bad_field() {
    check_draft(
        &draft("kill", "server-1", "30", "", ""),
        Ok("Kill server-1 30 None"),
    );
    check_draft(
        &draft("slow_down", "server-2", "12.5 s", "20", "3"),
        Ok("Slow down server-2 ×3 12.5 Some(20.0)"),
    );
    check_draft(
        &draft("traffic_spike", "", "0", "", "5"),
        Ok("Traffic ×5 from every users node 0 None"),
    );
    check_draft(
        &draft("kill", "", "-1", "0", ""),
        Err(FaultProblems {
            target: Some("choose a node".to_owned()),
            at: Some("must be 0 s or more".to_owned()),
            duration: Some("must be more than 0 s, or empty".to_owned()),
            ..FaultProblems::default()
        }),
    );
    check_draft(
        &draft("slow_down", "server-1", "soon", "", "zero"),
        Err(FaultProblems {
            at: Some("“soon” is not a number of seconds".to_owned()),
            factor: Some("enter a factor above 0, like 3".to_owned()),
            ..FaultProblems::default()
        }),
    );
    check_draft(
        &draft("cache_flush", "db", "5", "", ""),
        Err(FaultProblems {
            target: Some("db is not a cache".to_owned()),
            ..FaultProblems::default()
        }),
    );
    check_draft(
        &draft("restart", "server-9", "", "", ""),
        Err(FaultProblems {
            target: Some("there is no node “server-9”".to_owned()),
            at: Some("enter a time in seconds".to_owned()),
            ..FaultProblems::default()
        }),
    );
    check_draft(
        &draft("zone_outage", "zone-c", "5", "", ""),
        Err(FaultProblems {
            target: Some("no node is in zone “zone-c”".to_owned()),
            ..FaultProblems::default()
        }),
    );
    let mut partition = draft("partition", "server-1", "5", "", "");
    partition.other = "server-1".to_owned();
    check_draft(
        &partition,
        Err(FaultProblems {
            other: Some("choose a different node".to_owned()),
            ..FaultProblems::default()
        }),
    );
    // The engine's range check has the last word: a slow-down factor above 1000 is refused.
    let refused = draft("slow_down", "server-1", "5", "", "5000").check(&design());
    assert!(refused.expect_err("refused").factor.is_some());
}

#[test]
fn each_kind_of_fault_offers_the_targets_it_fits() {
    let targets = |kind: &str| -> Vec<String> {
        draft(kind, "", "", "", "")
            .targets(&design())
            .into_iter()
            .map(|(value, label)| {
                if value == label {
                    value
                } else {
                    format!("{value:?}={label}")
                }
            })
            .collect()
    };
    assert_eq!(
        targets("kill"),
        ["users", "lb", "server-1", "server-2", "db", "cache"]
    );
    assert_eq!(targets("traffic_spike"), ["\"\"=every users node", "users"]);
    assert_eq!(targets("cache_flush"), ["cache"]);
    assert_eq!(targets("database_primary_crash"), ["db"]);
    assert_eq!(targets("zone_outage"), ["zone-a", "zone-b"]);
    // Only nodes with workers slow down (the engine's FaultKind::fits).
    assert_eq!(
        targets("slow_down"),
        ["server-1", "server-2", "db", "cache"]
    );
}

#[test]
fn the_start_time_reads_as_seconds() {
    let at = |text: &str| draft("kill", "server-1", text, "", "").at_s();
    assert_eq!(at("12.5 s"), Some(12.5));
    assert_eq!(at(""), None);
    assert_eq!(at("soon"), None);
    assert_eq!(at("-3"), None);
}
