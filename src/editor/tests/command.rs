//! `apply`: what each command does to the document, and that every refusal leaves it untouched.

use engine::design::{AlertRule, Fault, ScheduledFault};
use engine::params::{NodeParams, Tier};
use engine::{Design, NodeKind, Problem, presets};
use serde_json::json;

use crate::editor::command::{DUPLICATE_OFFSET, fresh_id};
use crate::editor::{
    Applied, Clipboard, Command, EditError, LinkId, ParamValue, Point, Vector, apply, check_connect,
};

/// Applies a command that must succeed.
fn applied(document: &mut Design, command: &Command) -> Applied {
    match apply(document, command) {
        Ok(applied) => applied,
        Err(error) => panic!("{command:?} was refused: {error}"),
    }
}

/// Applies a command that must be refused, checks the document did not change, and returns the
/// error's message.
fn refused(document: &Design, command: &Command) -> String {
    let mut copy = document.clone();
    let error = apply(&mut copy, command).expect_err("the command should be refused");
    assert_eq!(
        &copy, document,
        "a refused {command:?} changed the document"
    );
    error.to_string()
}

fn ids(document: &Design) -> Vec<&str> {
    document.nodes.iter().map(|node| node.id.as_str()).collect()
}

fn links(document: &Design) -> Vec<String> {
    document
        .links
        .iter()
        .map(|link| format!("{} → {}", link.from, link.to))
        .collect()
}

fn node<'a>(document: &'a Design, id: &str) -> &'a engine::Node {
    &document.nodes[document.node_index(id).expect("node exists")]
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn set_param(node: &str, field: &str, text: &str) -> Command {
    Command::SetParam {
        node: node.to_owned(),
        field: field.to_owned(),
        value: ParamValue::text(text),
    }
}

/// Only "no users node" is allowed to be wrong with a document the editor has produced.
fn assert_invariant(document: &Design) {
    let problems: Vec<String> = document
        .problems()
        .into_iter()
        .filter(|error| error.problem != Problem::NoTrafficSource)
        .map(|error| error.to_string())
        .collect();
    assert!(
        problems.is_empty(),
        "the document has problems: {problems:?}"
    );
}

#[test]
fn add_node_gets_a_fresh_numbered_id_and_name() {
    let check = |kind: NodeKind, expected_id: &str, expected_name: &str| {
        let mut document = presets::horizontal_scaling();
        let result = applied(
            &mut document,
            &Command::AddNode {
                kind,
                at: Point::new(10.0, 20.0),
                id: None,
            },
        );
        assert_eq!(result.created, [expected_id]);
        let added = node(&document, expected_id);
        assert_eq!(added.name, expected_name);
        assert_eq!(added.kind(), kind);
        assert_eq!((added.position.x, added.position.y), (10.0, 20.0));
        assert_eq!(added.params, NodeParams::default_for(kind));
    };
    check(NodeKind::Server, "server-4", "Server 4");
    check(NodeKind::LoadBalancer, "load-balancer-1", "Load balancer 1");
    check(
        NodeKind::AutoscalingGroup,
        "autoscaling-group-1",
        "Autoscaling group 1",
    );
    check(NodeKind::Database, "database-1", "Database 1");
}

#[test]
fn fresh_ids_fill_the_first_gap() {
    let taken = ["server-1", "server-3"]
        .map(str::to_owned)
        .into_iter()
        .collect();
    assert_eq!(fresh_id("server", &taken), "server-2");
    assert_eq!(fresh_id("cache", &taken), "cache-1");
}

#[test]
fn add_node_refusals() {
    let document = presets::single_server();
    let add = |id: Option<&str>, at: Point| Command::AddNode {
        kind: NodeKind::Cache,
        at,
        id: id.map(str::to_owned),
    };
    let origin = Point::new(0.0, 0.0);
    assert_eq!(
        refused(&document, &add(Some("server"), origin)),
        "the id \"server\" is already taken"
    );
    assert_eq!(
        refused(&document, &add(Some(" "), origin)),
        "Id: must not be empty"
    );
    assert_eq!(
        refused(&document, &add(None, Point::new(f64::NAN, 0.0))),
        "Position: must be a finite number"
    );
}

#[test]
fn move_nodes_moves_only_the_named_nodes() {
    let mut document = presets::horizontal_scaling();
    let before = document.clone();
    let result = applied(
        &mut document,
        &Command::MoveNodes {
            ids: strings(&["server-1", "server-2"]),
            by: Vector::new(5.0, -10.0),
        },
    );
    assert_eq!(result.announcement, "Moved 2 nodes");
    for (old, new) in before.nodes.iter().zip(&document.nodes) {
        let moved = old.id == "server-1" || old.id == "server-2";
        let expected = if moved {
            (old.position.x + 5.0, old.position.y - 10.0)
        } else {
            (old.position.x, old.position.y)
        };
        assert_eq!((new.position.x, new.position.y), expected, "{}", old.id);
    }
}

#[test]
fn move_nodes_by_nothing_changes_nothing_and_bad_moves_are_refused() {
    let mut document = presets::single_server();
    let still = applied(
        &mut document,
        &Command::MoveNodes {
            ids: strings(&["server"]),
            by: Vector::ZERO,
        },
    );
    assert!(!still.changed);
    let by = Vector::new(1.0, 1.0);
    assert_eq!(
        refused(
            &document,
            &Command::MoveNodes {
                ids: strings(&["server", "ghost"]),
                by,
            }
        ),
        "there is no node \"ghost\""
    );
    assert_eq!(
        refused(
            &document,
            &Command::MoveNodes {
                ids: strings(&["server"]),
                by: Vector::new(f64::INFINITY, 0.0),
            }
        ),
        "Position: must be a finite number"
    );
}

/// The engine's own words for why `from` may not send requests to `to`.
fn refusal(from: NodeKind, to: NodeKind) -> String {
    let refusal = engine::link_allowed(from, to).expect_err("the model refuses this link");
    assert!(!refusal.reason.is_empty());
    refusal.to_string()
}

#[test]
fn connect_refusals_say_why() {
    let distributed = presets::distributed();
    let horizontal = presets::horizontal_scaling();
    let check = |document: &Design, from: &str, to: &str, expected: &str| {
        let command = Command::Connect {
            from: from.to_owned(),
            to: to.to_owned(),
        };
        assert_eq!(refused(document, &command), expected, "{from} → {to}");
        // The check the canvas makes while dragging agrees with apply.
        let dry_run = check_connect(document, from, to).expect_err("refused while dragging");
        assert_eq!(dry_run.to_string(), expected);
    };
    check(
        &distributed,
        "users",
        "database",
        &refusal(NodeKind::Users, NodeKind::Database),
    );
    check(
        &distributed,
        "monitoring",
        "web",
        &refusal(NodeKind::Monitoring, NodeKind::AutoscalingGroup),
    );
    check(
        &distributed,
        "lb",
        "web",
        "\"lb\" is already linked to \"web\"",
    );
    check(
        &distributed,
        "web",
        "web",
        "\"web\" cannot be linked to itself",
    );
    check(&distributed, "ghost", "web", "there is no node \"ghost\"");
    check(&distributed, "web", "ghost", "there is no node \"ghost\"");
    check(
        &horizontal,
        "server-1",
        "lb",
        "this link would let requests loop forever: server-1 → lb → server-1",
    );
}

#[test]
fn connect_adds_a_link_with_a_latency_that_fits_its_source() {
    let mut document = presets::distributed();
    applied(
        &mut document,
        &Command::AddNode {
            kind: NodeKind::Server,
            at: Point::new(0.0, 0.0),
            id: None,
        },
    );
    let check = |document: &mut Design, from: &str, to: &str, latency_ms: f64| {
        let result = applied(
            document,
            &Command::Connect {
                from: from.to_owned(),
                to: to.to_owned(),
            },
        );
        assert_eq!(result.announcement, format!("Connected {from} to {to}"));
        let link = document.links.last().expect("a link was added");
        assert_eq!((link.from.as_str(), link.to.as_str()), (from, to));
        assert_eq!(link.latency_ms, latency_ms);
        assert_invariant(document);
    };
    check(&mut document, "users", "server-1", 30.0);
    check(&mut document, "server-1", "cache", 1.0);
    check(&mut document, "auth", "cache", 1.0);
}

#[test]
fn deleting_a_node_takes_its_links_rules_and_faults_along() {
    let mut document = presets::distributed();
    document.alert_rules.push(AlertRule {
        node: Some("cache".to_owned()),
        ..AlertRule::default()
    });
    document.faults.push(ScheduledFault {
        at_s: 10.0,
        duration_s: None,
        fault: Fault::CacheFlush {
            node: "cache".to_owned(),
        },
    });
    let rules_before = document.alert_rules.len();
    let result = applied(
        &mut document,
        &Command::Delete {
            nodes: strings(&["cache"]),
            links: vec![LinkId::new("users", "cdn")],
        },
    );
    assert_eq!(result.announcement, "Deleted 1 node and 3 links");
    assert!(!ids(&document).contains(&"cache"));
    assert!(!links(&document).iter().any(|link| link.contains("cache")));
    assert!(!links(&document).contains(&"users → cdn".to_owned()));
    assert_eq!(document.alert_rules.len(), rules_before - 1);
    assert!(document.faults.is_empty());
    assert_invariant(&document);
}

#[test]
fn deleting_what_is_gone_already_changes_nothing() {
    let mut document = presets::single_server();
    let before = document.clone();
    let result = applied(
        &mut document,
        &Command::Delete {
            nodes: strings(&["ghost"]),
            links: vec![LinkId::new("users", "database")],
        },
    );
    assert!(!result.changed);
    assert_eq!(document, before);
}

#[test]
fn deleting_every_users_node_is_allowed() {
    // An empty or half-built canvas is a normal state while editing.
    let mut document = presets::single_server();
    applied(
        &mut document,
        &Command::Delete {
            nodes: strings(&["users", "server", "database", "monitoring"]),
            links: Vec::new(),
        },
    );
    assert!(document.nodes.is_empty() && document.links.is_empty());
}

#[test]
fn duplicate_gives_fresh_ids_names_offset_positions_and_remapped_internal_links() {
    let mut document = presets::horizontal_scaling();
    let result = applied(
        &mut document,
        &Command::Duplicate {
            ids: strings(&["lb", "server-1"]),
        },
    );
    assert_eq!(result.created, ["lb-1", "server-4"]);
    assert_eq!(result.announcement, "Duplicated 2 nodes");
    let copy = node(&document, "server-4");
    let original = node(&document, "server-1");
    assert_eq!(copy.name, "Server 4");
    assert_eq!(copy.params, original.params);
    assert_eq!(copy.zone, original.zone);
    assert_eq!(
        (copy.position.x, copy.position.y),
        (
            original.position.x + DUPLICATE_OFFSET.x,
            original.position.y + DUPLICATE_OFFSET.y
        )
    );
    assert_eq!(node(&document, "lb-1").name, "Load balancer 1");
    // Only the link between the two copied nodes is copied, remapped to the copies.
    let new_links: Vec<String> = links(&document)
        .into_iter()
        .filter(|link| link.contains("lb-1") || link.contains("server-4"))
        .collect();
    assert_eq!(new_links, ["lb-1 → server-4"]);
    assert_invariant(&document);
}

#[test]
fn add_backend_copies_the_first_server_below_the_others_with_its_links() {
    let mut document = presets::horizontal_scaling();
    let result = applied(
        &mut document,
        &Command::AddBackend {
            load_balancer: "lb".to_owned(),
        },
    );
    assert_eq!(result.created, ["server-4"]);
    assert_eq!(result.announcement, "Added server-4 behind lb");
    let copy = node(&document, "server-4");
    let original = node(&document, "server-1");
    assert_eq!(copy.name, "Server 4");
    assert_eq!(copy.params, original.params);
    assert_eq!(copy.zone, original.zone);
    assert_eq!(copy.position.x, original.position.x);
    let lowest = ["server-1", "server-2", "server-3"]
        .map(|id| node(&document, id).position.y)
        .into_iter()
        .fold(f64::MIN, f64::max);
    assert!(copy.position.y > lowest);
    let new_links: Vec<String> = links(&document)
        .into_iter()
        .filter(|link| link.contains("server-4"))
        .collect();
    assert_eq!(new_links, ["lb → server-4", "server-4 → database"]);
    let from_lb = |id: &str| {
        document
            .links
            .iter()
            .find(|l| l.from == "lb" && l.to == id)
            .expect("link")
            .latency_ms
    };
    assert_eq!(from_lb("server-4"), from_lb("server-1"));
    assert_invariant(&document);
}

#[test]
fn add_backend_needs_a_load_balancer_with_a_server_behind_it() {
    let document = presets::horizontal_scaling();
    let message = refused(
        &document,
        &Command::AddBackend {
            load_balancer: "server-1".to_owned(),
        },
    );
    assert!(message.contains("not a load balancer"), "{message}");
    let mut bare = document;
    bare.links.retain(|link| link.from != "lb");
    let message = refused(
        &bare,
        &Command::AddBackend {
            load_balancer: "lb".to_owned(),
        },
    );
    assert!(message.contains("no server behind it"), "{message}");
}

#[test]
fn duplicating_twice_keeps_counting() {
    let mut document = presets::single_server();
    let duplicate = || Command::Duplicate {
        ids: strings(&["server"]),
    };
    assert_eq!(applied(&mut document, &duplicate()).created, ["server-1"]);
    assert_eq!(applied(&mut document, &duplicate()).created, ["server-2"]);
    assert_eq!(node(&document, "server-2").name, "Web server 2");
    assert_eq!(
        refused(
            &document,
            &Command::Duplicate {
                ids: strings(&["ghost"])
            }
        ),
        "there is no node \"ghost\""
    );
}

#[test]
fn clipboard_json_round_trips_and_pastes_into_another_design() {
    let source = presets::distributed();
    let clipboard = Clipboard::copy(&source, &strings(&["web", "cache", "database"])).unwrap();
    assert_eq!(
        clipboard.links.len(),
        3,
        "web → cache, web → database, cache → database"
    );
    let text = clipboard.to_json();
    assert_eq!(Clipboard::from_json(&text).unwrap(), clipboard);

    let mut target = presets::single_server();
    let result = applied(
        &mut target,
        &Command::Paste {
            clipboard: Clipboard::from_json(&text).unwrap(),
            offset: Vector::new(0.0, 200.0),
        },
    );
    // "database" is taken in the target, so the pasted one is renumbered; "web" and "cache" are not
    // taken but pasted nodes are always numbered, like duplicates.
    assert_eq!(result.created, ["web-1", "cache-1", "database-1"]);
    assert_eq!(node(&target, "database-1").name, "Database 1");
    for link in [
        "web-1 → cache-1",
        "web-1 → database-1",
        "cache-1 → database-1",
    ] {
        assert!(links(&target).contains(&link.to_owned()), "{link}");
    }
    assert_invariant(&target);
}

#[test]
fn clipboard_text_that_is_not_nodes_is_refused() {
    for text in [
        "",
        "hello",
        "{}",
        "{\"version\": 2, \"nodes\": [{\"id\": \"x\"}]}",
    ] {
        assert!(Clipboard::from_json(text).is_err(), "{text:?}");
    }
    let huge = " ".repeat(crate::editor::clipboard::MAX_CLIPBOARD_BYTES + 1);
    assert!(Clipboard::from_json(&huge).is_err());
}

#[test]
fn pasting_out_of_range_parameters_is_refused_whole() {
    let mut clipboard = Clipboard::copy(&presets::single_server(), &strings(&["server"])).unwrap();
    if let NodeParams::Server(server) = &mut clipboard.nodes[0].params {
        server.workers = Some(0);
    }
    let message = refused(
        &presets::single_server(),
        &Command::Paste {
            clipboard,
            offset: Vector::ZERO,
        },
    );
    assert_eq!(
        message,
        "nodes[4].params.workers: must be at least 1, got 0"
    );
}

#[test]
fn set_param_accepts_good_values() {
    let check = |node_id: &str, field: &str, value: ParamValue, expected: serde_json::Value| {
        let mut document = presets::distributed();
        let command = Command::SetParam {
            node: node_id.to_owned(),
            field: field.to_owned(),
            value,
        };
        applied(&mut document, &command);
        let params = serde_json::to_value(&node(&document, node_id).params).unwrap();
        let pointer = format!("/{}", field.replace('.', "/"));
        assert_eq!(
            params.pointer(&pointer),
            Some(&expected),
            "{node_id}.{field}"
        );
        assert_invariant(&document);
    };
    let text = ParamValue::text;
    check("auth", "workers", text("4"), json!(4));
    check("auth", "workers", text(" 12 "), json!(12));
    check("auth", "workers", text(""), json!(null));
    check("auth", "tier", text("xlarge"), json!("xlarge"));
    check("auth", "timeout_ms", text("2500"), json!(2500.0));
    check("auth", "timeout_ms", text("1e3"), json!(1000.0));
    check("auth", "service.read.mean_ms", text("35.5"), json!(35.5));
    check("auth", "auto_restart_s", text(""), json!(null));
    check("lb", "health_check.enabled", text("off"), json!(false));
    check(
        "lb",
        "algorithm",
        text("consistent_hash"),
        json!("consistent_hash"),
    );
    check("users", "rate_per_second", text("1_000"), json!(1000.0));
    check(
        "users",
        "pattern",
        ParamValue::Json(
            json!({"shape": "ramp", "start_rate_per_second": 10.0, "duration_s": 60.0}),
        ),
        json!({"shape": "ramp", "start_rate_per_second": 10.0, "duration_s": 60.0}),
    );
    check("web", "max_instances", text("12"), json!(12));
}

#[test]
fn set_param_refuses_bad_values_with_a_message_for_beside_the_field() {
    let document = presets::distributed();
    let check = |node_id: &str, field: &str, text: &str, expected: &str| {
        let command = set_param(node_id, field, text);
        let mut copy = document.clone();
        let error = apply(&mut copy, &command).expect_err("refused");
        assert_eq!(
            copy, document,
            "{node_id}.{field} = {text:?} changed the document"
        );
        assert_eq!(error.to_string(), expected, "{node_id}.{field} = {text:?}");
        if !matches!(error, EditError::UnknownNode { .. }) {
            assert_eq!(error.field(), Some(field));
        }
    };
    check("auth", "workers", "0", "Workers: must be at least 1, got 0");
    check(
        "auth",
        "workers",
        "abc",
        "Workers: must be a number, got \"abc\"",
    );
    check(
        "auth",
        "workers",
        "2.5",
        "Workers: must be a whole number, 0 or more, got 2.5",
    );
    check(
        "auth",
        "queue_capacity",
        "-1",
        "Queue capacity: must be at least 0, got -1",
    );
    check(
        "auth",
        "queue_capacity",
        "lots",
        "Queue capacity: must be a whole number, got \"lots\"",
    );
    check(
        "auth",
        "timeout_ms",
        "-5",
        "Timeout: must be at least 0, got -5",
    );
    check(
        "auth",
        "timeout_ms",
        "NaN",
        "Timeout: must be a number, got \"NaN\"",
    );
    check("auth", "timeout_ms", "", "Timeout: must be a number");
    check(
        "auth",
        "queue_capacity",
        "",
        "Queue capacity: must be a whole number, 0 or more",
    );
    check(
        "auth",
        "tier",
        "huge",
        "Tier: unknown variant `huge`, expected one of `small`, `medium`, `large`, `xlarge`",
    );
    check(
        "lb",
        "health_check.enabled",
        "maybe",
        "Health check › Enabled: must be true or false, got \"maybe\"",
    );
    check(
        "cdn",
        "edge_hit_ratio",
        "1.5",
        "Edge hit ratio: must be at most 1, got 1.5",
    );
    check("auth", "colour", "red", "there is no field \"colour\"");
    check(
        "auth",
        "service.read.nope",
        "1",
        "there is no field \"service.read.nope\"",
    );
    check("ghost", "workers", "1", "there is no node \"ghost\"");
    // A cross-field rule: raising the minimum above the initial count names the field it breaks.
    check(
        "web",
        "min_instances",
        "5",
        "Min instances: Initial instances must be at least 5, got 4",
    );
    // A probe must fail before the next one leaves, whichever of the two fields is edited.
    let alb = "a probe should have failed before the next one is sent (an AWS load balancer \
               refuses a timeout that is not smaller than the interval too)";
    check(
        "lb",
        "health_check.timeout_ms",
        "2000",
        &format!(
            "Health check › Timeout: must be shorter than the interval between probes \
             (2000 ms), got 2000 ms: {alb}"
        ),
    );
    check(
        "lb",
        "health_check.interval_ms",
        "500",
        &format!(
            "Health check › Interval: Health check › Timeout must be shorter than the interval \
             between probes (500 ms), got 1000 ms: {alb}"
        ),
    );
}

#[test]
fn set_param_to_the_same_value_is_no_change() {
    let mut document = presets::single_server();
    let result = applied(&mut document, &set_param("server", "tier", "small"));
    assert!(!result.changed);
}

#[test]
fn set_link_param_edits_latency_and_loss_within_range() {
    let mut document = presets::single_server();
    let link = LinkId::new("users", "server");
    let set = |field: &str, text: &str| Command::SetLinkParam {
        link: link.clone(),
        field: field.to_owned(),
        value: ParamValue::text(text),
    };
    applied(&mut document, &set("latency_ms", "80"));
    applied(&mut document, &set("loss", "0.01"));
    assert_eq!(
        (document.links[0].latency_ms, document.links[0].loss),
        (80.0, 0.01)
    );
    assert_eq!(
        refused(&document, &set("loss", "2")),
        "Loss: must be at most 1, got 2"
    );
    assert_eq!(
        refused(&document, &set("from", "x")),
        "there is no field \"from\""
    );
    let missing = Command::SetLinkParam {
        link: LinkId::new("users", "database"),
        field: "loss".to_owned(),
        value: ParamValue::text("0"),
    };
    assert_eq!(
        refused(&document, &missing),
        "there is no link users → database"
    );
}

#[test]
fn rename_trims_and_limits_names() {
    let mut document = presets::single_server();
    let rename = |name: &str| Command::Rename {
        node: "server".to_owned(),
        name: name.to_owned(),
    };
    applied(&mut document, &rename("  <b>API</b>  "));
    assert_eq!(node(&document, "server").name, "<b>API</b>");
    assert!(!applied(&mut document, &rename("<b>API</b>")).changed);
    assert_eq!(
        refused(&document, &rename(&"x".repeat(101))),
        "Name: must be at most 100 characters"
    );
}

#[test]
fn alert_rule_and_fault_edits_are_validated() {
    let mut document = presets::distributed();
    let count = document.alert_rules.len();
    applied(&mut document, &Command::AddAlertRule(AlertRule::default()));
    assert_eq!(document.alert_rules.len(), count + 1);
    let bad_rule = AlertRule {
        threshold: -1.0,
        ..AlertRule::default()
    };
    assert_eq!(
        refused(&document, &Command::AddAlertRule(bad_rule)),
        "Threshold: must be at least 0, got -1"
    );
    assert_eq!(
        refused(
            &document,
            &Command::SetAlertRule {
                index: 0,
                rule: AlertRule {
                    node: Some("ghost".to_owned()),
                    ..AlertRule::default()
                }
            }
        ),
        "Node: there is no node with id \"ghost\""
    );
    assert_eq!(
        refused(&document, &Command::RemoveAlertRule { index: 99 }),
        "there is no alert rule 99"
    );
    applied(&mut document, &Command::RemoveAlertRule { index: count });
    assert_eq!(document.alert_rules.len(), count);

    let kill = |node: &str| ScheduledFault {
        at_s: 30.0,
        duration_s: Some(10.0),
        fault: Fault::Kill {
            node: node.to_owned(),
        },
    };
    applied(&mut document, &Command::AddFault(kill("web")));
    assert_eq!(
        refused(&document, &Command::AddFault(kill("ghost"))),
        "Fault › Node: there is no node with id \"ghost\""
    );
    assert_eq!(
        refused(
            &document,
            &Command::SetFault {
                index: 3,
                fault: kill("web")
            }
        ),
        "there is no fault 3"
    );
    applied(&mut document, &Command::RemoveFault { index: 0 });
    assert!(document.faults.is_empty());
}

#[test]
fn replace_document_takes_valid_designs_and_refuses_broken_ones() {
    let mut document = presets::single_server();
    for (title, preset) in presets::all() {
        let result = applied(
            &mut document,
            &Command::ReplaceDocument(Box::new(preset.clone())),
        );
        assert_eq!(document, preset, "{title}");
        assert_eq!(result.announcement, format!("Opened {title}"));
    }
    let mut broken = presets::single_server();
    broken.nodes[1].id = "users".to_owned();
    assert_eq!(
        refused(&document, &Command::ReplaceDocument(Box::new(broken))),
        "nodes[1].id: the id \"users\" is used twice"
    );
    let empty = Design {
        nodes: Vec::new(),
        links: Vec::new(),
        ..presets::single_server()
    };
    applied(&mut document, &Command::ReplaceDocument(Box::new(empty)));
    assert!(document.nodes.is_empty());
}

#[test]
fn design_name_and_seed() {
    let mut document = presets::single_server();
    applied(
        &mut document,
        &Command::SetDesignName(" My shop ".to_owned()),
    );
    applied(&mut document, &Command::SetSeed(42));
    assert_eq!((document.name.as_str(), document.seed), ("My shop", 42));
    assert!(!applied(&mut document, &Command::SetSeed(42)).changed);
}

#[test]
fn a_building_session_keeps_the_document_valid_throughout() {
    // users → load balancer → two servers (one of them a bigger tier) → database, built from an
    // empty canvas the way a person would, with the refusals along the way.
    let mut document = Design {
        nodes: Vec::new(),
        links: Vec::new(),
        alert_rules: Vec::new(),
        ..presets::single_server()
    };
    let add = |kind| Command::AddNode {
        kind,
        at: Point::new(0.0, 0.0),
        id: None,
    };
    let connect = |from: &str, to: &str| Command::Connect {
        from: from.to_owned(),
        to: to.to_owned(),
    };
    let script = [
        (add(NodeKind::Users), true),
        (add(NodeKind::LoadBalancer), true),
        (add(NodeKind::Server), true),
        (add(NodeKind::Database), true),
        (connect("users-1", "load-balancer-1"), true),
        (connect("load-balancer-1", "server-1"), true),
        (connect("server-1", "database-1"), true),
        (connect("users-1", "database-1"), false),
        (connect("server-1", "load-balancer-1"), false),
        (
            Command::Duplicate {
                ids: strings(&["server-1"]),
            },
            true,
        ),
        (connect("load-balancer-1", "server-2"), true),
        (connect("server-2", "database-1"), true),
        (set_param("server-2", "tier", "large"), true),
        (set_param("server-2", "workers", "0"), false),
        (
            Command::MoveNodes {
                ids: strings(&["server-1", "server-2"]),
                by: Vector::new(0.0, 40.0),
            },
            true,
        ),
    ];
    for (command, accepted) in script {
        assert_eq!(
            apply(&mut document, &command).is_ok(),
            accepted,
            "{command:?}"
        );
        assert_invariant(&document);
    }
    assert_eq!(
        links(&document),
        [
            "users-1 → load-balancer-1",
            "load-balancer-1 → server-1",
            "server-1 → database-1",
            "load-balancer-1 → server-2",
            "server-2 → database-1",
        ]
    );
    assert!(document.validate().is_ok());
    let NodeParams::Server(server) = &node(&document, "server-2").params else {
        panic!("server-2 is a server");
    };
    assert_eq!(server.tier, Tier::Large);
}

#[test]
fn positions_stay_finite() {
    let mut document = presets::single_server();
    let far = Command::MoveNodes {
        ids: strings(&["server"]),
        by: Vector::new(f64::MAX, 0.0),
    };
    applied(&mut document, &far);
    assert_eq!(
        refused(&document, &far),
        "Position: \"server\" must be at a finite place"
    );
}

#[test]
fn pasted_nodes_without_a_usable_id_are_named_after_their_kind() {
    let mut clipboard = Clipboard::copy(&presets::single_server(), &strings(&["server"])).unwrap();
    clipboard.nodes[0].id = String::new();
    clipboard.nodes[0].name = String::new();
    let mut document = presets::single_server();
    let result = applied(
        &mut document,
        &Command::Paste {
            clipboard,
            offset: Vector::ZERO,
        },
    );
    assert_eq!(result.created, ["server-1"]);
    assert_eq!(node(&document, "server-1").display_name(), "server-1");
}

#[test]
fn disconnect_removes_exactly_one_existing_link() {
    let mut document = presets::single_server();
    let link = LinkId::new("server", "database");
    let result = applied(&mut document, &Command::Disconnect(link.clone()));
    assert_eq!(result.announcement, "Disconnected server → database");
    assert_eq!(links(&document), ["users → server"]);
    assert_eq!(
        refused(&document, &Command::Disconnect(link)),
        "there is no link server → database"
    );
}

#[test]
fn choosing_a_flavour_sets_its_defaults_in_one_step_and_again_resets_edits() {
    let mut document = presets::horizontal_scaling();
    let lb = |document: &Design| match &node(document, "lb").params {
        NodeParams::LoadBalancer(lb) => lb.clone(),
        _ => panic!("a load balancer"),
    };
    applied(&mut document, &set_param("lb", "flavour", "aws_alb"));
    let alb = lb(&document);
    assert_eq!(alb.flavour, engine::params::LbFlavour::AwsAlb);
    assert_eq!(alb.health_check.interval_ms, 30_000.0);
    assert_eq!(alb.health_check.healthy_threshold, 5);
    assert!(alb.fail_open);
    // The algorithm is the design's, not the flavour's.
    assert_eq!(alb.algorithm, engine::params::Algorithm::LeastConnections);
    // An edited check reads "custom"; choosing the flavour again resets it.
    applied(
        &mut document,
        &set_param("lb", "health_check.interval_ms", "10000"),
    );
    let note = crate::editor::fields::flavour_note(
        &node(&document, "lb").params,
        "health_check.interval_ms",
    )
    .expect("a flavour note");
    assert!(note.custom);
    assert_eq!(note.text, "custom · AWS ALB default: 30 s");
    applied(&mut document, &set_param("lb", "flavour", "aws_alb"));
    assert_eq!(lb(&document), alb);
    let note = crate::editor::fields::flavour_note(
        &node(&document, "lb").params,
        "health_check.interval_ms",
    )
    .expect("a flavour note");
    assert_eq!(note.text, "AWS ALB default (HealthCheckIntervalSeconds)");
    assert!(note.source.starts_with("https://docs.aws.amazon.com/"));
    // Nginx: no active checks, passive ones instead.
    applied(
        &mut document,
        &set_param("lb", "flavour", "nginx_open_source"),
    );
    let nginx = lb(&document);
    assert!(!nginx.health_check.enabled);
    assert_eq!(nginx.passive_max_fails, 1);
    assert!(!nginx.fail_open);
}

#[test]
fn a_cache_flavour_is_chosen_in_one_step_and_its_fields_say_where_the_defaults_come_from() {
    let mut document = presets::distributed();
    let cache_id = document
        .nodes
        .iter()
        .find(|n| matches!(n.params, NodeParams::Cache(_)))
        .expect("the distributed preset has a cache")
        .id
        .clone();
    let cache = |document: &Design| match &node(document, &cache_id).params {
        NodeParams::Cache(cache) => cache.clone(),
        _ => panic!("a cache"),
    };
    let before = cache(&document);
    applied(&mut document, &set_param(&cache_id, "flavour", "memcached"));
    let memcached = cache(&document);
    assert!(memcached.slabs);
    assert_eq!(memcached.memory_mb, 64);
    // The workload is the design's, not the flavour's.
    assert_eq!(memcached.keyspace, before.keyspace);
    let note = crate::editor::fields::flavour_note(&node(&document, &cache_id).params, "memory_mb")
        .expect("a flavour note");
    assert_eq!(note.text, "Memcached default (-m)");
    applied(&mut document, &set_param(&cache_id, "flavour", "redis"));
    let redis = cache(&document);
    assert!(!redis.slabs, "Redis drops Memcached's slabs");
    assert_eq!(redis.eviction, engine::params::Eviction::NoEviction);
    applied(
        &mut document,
        &set_param(&cache_id, "eviction", "sampled_lru"),
    );
    let note = crate::editor::fields::flavour_note(&node(&document, &cache_id).params, "eviction")
        .expect("a flavour note");
    assert_eq!(note.text, "custom · Redis default: noeviction");
    // Generic has no notes.
    applied(&mut document, &set_param(&cache_id, "flavour", "generic"));
    assert_eq!(cache(&document), before);
    assert!(
        crate::editor::fields::flavour_note(&node(&document, &cache_id).params, "eviction")
            .is_none()
    );
}

#[test]
fn choosing_prometheus_alertmanager_sets_its_timing_in_one_step_and_each_field_cites_it() {
    let mut document = presets::distributed();
    let monitoring = |document: &Design| match &node(document, "monitoring").params {
        NodeParams::Monitoring(monitoring) => monitoring.clone(),
        _ => panic!("monitoring"),
    };
    let before = monitoring(&document);
    applied(
        &mut document,
        &set_param("monitoring", "flavour", "prometheus_alertmanager"),
    );
    let prometheus = monitoring(&document);
    assert_eq!(
        (
            prometheus.scrape_interval_s,
            prometheus.evaluation_interval_s,
            prometheus.group_wait_s,
            prometheus.group_interval_s,
            prometheus.repeat_interval_s
        ),
        (60.0, 60.0, 30.0, 300.0, 14_400.0)
    );
    // The cost, the log shipper and PagerDuty's escalation are not the flavour's.
    assert_eq!(prometheus.cost_per_hour, before.cost_per_hour);
    assert_eq!(prometheus.escalation_timeout_s, before.escalation_timeout_s);
    let params = &node(&document, "monitoring").params;
    let note = crate::editor::fields::flavour_note(params, "group_wait_s").expect("a note");
    assert_eq!(note.text, "Prometheus + Alertmanager default (group_wait)");
    assert_eq!(
        note.source,
        "https://prometheus.io/docs/alerting/latest/configuration/#route"
    );
    let note = crate::editor::fields::flavour_note(params, "scrape_interval_s").expect("a note");
    assert!(
        note.source
            .starts_with("https://prometheus.io/docs/prometheus/")
    );
    applied(
        &mut document,
        &set_param("monitoring", "group_wait_s", "10"),
    );
    let note =
        crate::editor::fields::flavour_note(&node(&document, "monitoring").params, "group_wait_s")
            .expect("a note");
    assert_eq!(
        note.text,
        "custom · Prometheus + Alertmanager default: 30 s"
    );
    // Back to Generic: the app's own timing again, no notes.
    applied(
        &mut document,
        &set_param("monitoring", "flavour", "generic"),
    );
    assert_eq!(monitoring(&document), before);
    assert!(
        crate::editor::fields::flavour_note(&node(&document, "monitoring").params, "group_wait_s")
            .is_none()
    );
}
