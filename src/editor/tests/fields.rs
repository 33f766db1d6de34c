//! Inspector fields: what they say about each parameter, and that each one edits back cleanly.

use engine::params::NodeParams;
use engine::{NodeKind, presets};

use crate::editor::fields::{FieldInput, ParamField, param_fields};
use crate::editor::{Command, ParamValue, apply};

fn field(kind: NodeKind, path: &str) -> ParamField {
    param_fields(&NodeParams::default_for(kind))
        .into_iter()
        .find(|field| field.path == path)
        .unwrap_or_else(|| panic!("{kind:?} has no field {path}"))
}

fn number(whole: bool, optional: bool) -> FieldInput {
    FieldInput::Number { whole, optional }
}

#[test]
fn fields_describe_their_parameters() {
    let check = |kind: NodeKind,
                 path: &str,
                 (group, label, unit): (&str, &str, Option<&str>),
                 input: FieldInput,
                 text: &str| {
        let found = field(kind, path);
        assert_eq!(
            (found.group.as_str(), found.label.as_str(), found.unit),
            (group, label, unit),
            "{kind:?} {path}"
        );
        assert_eq!(found.input, input, "{kind:?} {path}");
        assert_eq!(found.text, text, "{kind:?} {path}");
    };
    let choice = |options: &[&str]| FieldInput::Choice {
        options: options.iter().map(|option| (*option).to_owned()).collect(),
    };
    check(
        NodeKind::Server,
        "workers",
        ("", "Workers", None),
        number(true, true),
        "",
    );
    check(
        NodeKind::Server,
        "queue_capacity",
        ("", "Queue capacity", None),
        number(true, false),
        "200",
    );
    check(
        NodeKind::Server,
        "timeout_ms",
        ("", "Timeout", Some("ms")),
        number(false, false),
        "10000",
    );
    check(
        NodeKind::Server,
        "auto_restart_s",
        ("", "Auto restart", Some("s")),
        number(false, true),
        "20",
    );
    check(
        NodeKind::Server,
        "tier",
        ("", "Tier", None),
        choice(&["small", "medium", "large", "xlarge"]),
        "small",
    );
    check(
        NodeKind::Server,
        "service.read.mean_ms",
        ("Service › Read", "Mean", Some("ms")),
        number(false, false),
        "20",
    );
    check(
        NodeKind::Server,
        "service.read.distribution",
        ("Service › Read", "Distribution", None),
        choice(&["exponential", "deterministic", "log_normal"]),
        "exponential",
    );
    check(
        NodeKind::Server,
        "memory_per_request_mb",
        ("", "Memory", Some("MiB per request")),
        number(false, false),
        "4",
    );
    check(
        NodeKind::Users,
        "rate_per_second",
        ("", "Rate", Some("/s")),
        number(false, false),
        "100",
    );
    check(
        NodeKind::Users,
        "pattern",
        ("", "Pattern", None),
        FieldInput::Json,
        "{\"shape\":\"constant\"}",
    );
    check(
        NodeKind::LoadBalancer,
        "health_check.enabled",
        ("Health check", "Enabled", None),
        FieldInput::Switch,
        "true",
    );
    check(
        NodeKind::LoadBalancer,
        "cost_per_hour",
        ("", "Cost", Some("$/h")),
        number(false, false),
        "0.025",
    );
    check(
        NodeKind::Cache,
        "fixed_hit_ratio",
        ("", "Fixed hit ratio", None),
        number(false, true),
        "",
    );
    check(
        NodeKind::Cache,
        "zipf_s",
        ("", "Zipf exponent", None),
        number(false, false),
        "1",
    );
    check(
        NodeKind::Cache,
        "capacity_keys",
        ("", "Capacity", Some("keys")),
        number(true, false),
        "10000",
    );
    check(
        NodeKind::AutoscalingGroup,
        "server.tier",
        ("Server", "Tier", None),
        choice(&["small", "medium", "large", "xlarge"]),
        "small",
    );
}

#[test]
fn every_field_of_every_preset_node_edits_back_to_itself() {
    for (title, design) in presets::all() {
        for node in &design.nodes {
            let fields = param_fields(&node.params);
            assert!(!fields.is_empty(), "{title}: {}", node.id);
            for field in fields {
                let mut document = design.clone();
                let command = Command::SetParam {
                    node: node.id.clone(),
                    field: field.path.clone(),
                    value: ParamValue::Text(field.text.clone()),
                };
                let result = apply(&mut document, &command);
                assert!(
                    matches!(&result, Ok(applied) if !applied.changed),
                    "{title}: {}.{} = {:?} gave {result:?}",
                    node.id,
                    field.path,
                    field.text
                );
            }
        }
    }
}

#[test]
fn every_choice_option_is_accepted() {
    for kind in NodeKind::ALL {
        let document = {
            let mut design = presets::single_server();
            design
                .nodes
                .push(engine::Node::new("probe", kind, 0.0, 0.0));
            design
        };
        for field in param_fields(&NodeParams::default_for(kind)) {
            let FieldInput::Choice { options } = &field.input else {
                continue;
            };
            assert!(options.len() >= 2, "{kind:?} {}: {options:?}", field.path);
            for option in options {
                let mut edited = document.clone();
                let command = Command::SetParam {
                    node: "probe".to_owned(),
                    field: field.path.clone(),
                    value: ParamValue::text(option),
                };
                assert!(
                    apply(&mut edited, &command).is_ok(),
                    "{kind:?} {} = {option}",
                    field.path
                );
            }
        }
    }
}

#[test]
fn every_parameter_of_every_kind_has_help_text() {
    let missing: Vec<String> = NodeKind::ALL
        .into_iter()
        .flat_map(|kind| {
            param_fields(&NodeParams::default_for(kind))
                .into_iter()
                .filter(|field| field.help.is_none())
                .map(move |field| format!("{}: {}", kind.as_str(), field.path))
        })
        .collect();
    assert!(missing.is_empty(), "fields without help: {missing:?}");
}
