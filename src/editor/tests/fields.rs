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

fn fields(kind: NodeKind) -> Vec<ParamField> {
    param_fields(&NodeParams::default_for(kind))
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
        "50",
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

#[test]
fn fields_come_by_section_with_what_matters_first() {
    use crate::editor::fields::Section;
    let paths = |kind| {
        fields(kind)
            .into_iter()
            .map(|field| field.path)
            .collect::<Vec<_>>()
    };
    let users = paths(NodeKind::Users);
    assert_eq!(users[0], "rate_per_second", "{users:?}");
    assert_eq!(users[1], "pattern", "{users:?}");
    let server = paths(NodeKind::Server);
    assert_eq!(
        &server[..3],
        ["tier", "workers", "queue_capacity"],
        "{server:?}"
    );
    let balancer = paths(NodeKind::LoadBalancer);
    assert_eq!(balancer[0], "algorithm", "{balancer:?}");
    assert_eq!(balancer.last().map(String::as_str), Some("cost_per_hour"));
    let group = paths(NodeKind::AutoscalingGroup);
    assert_eq!(
        group[0], "server.tier",
        "the group's server template sorts by its own names"
    );
    for kind in NodeKind::ALL {
        let sections: Vec<Section> = fields(kind).iter().map(|field| field.section).collect();
        assert!(
            sections.windows(2).all(|pair| pair[0] <= pair[1]),
            "{kind:?}: sections come in order: {sections:?}"
        );
        let health = fields(kind)
            .into_iter()
            .filter(|field| field.path.starts_with("health_check."));
        for field in health {
            assert_eq!(field.section, Section::Resilience, "{}", field.path);
        }
    }
}

#[test]
fn errors_and_choices_speak_in_labels() {
    use crate::editor::fields::{field_label, option_label};
    assert_eq!(field_label("rate_per_second"), "Rate");
    assert_eq!(
        field_label("health_check.interval_ms"),
        "Health check › Interval"
    );
    assert_eq!(
        field_label("server.queue_capacity"),
        "Server › Queue capacity"
    );
    assert_eq!(
        option_label("tier", "small"),
        "small · 2 cores, 4 GiB, $0.085/h"
    );
    assert_eq!(
        option_label("server.tier", "xlarge"),
        "xlarge · 16 cores, 64 GiB, $0.680/h"
    );
    assert_eq!(option_label("algorithm", "round_robin"), "round robin");
    assert_eq!(
        option_label("flavour", "prometheus_alertmanager"),
        "Prometheus + Alertmanager"
    );
    assert_eq!(option_label("flavour", "aws_alb"), "AWS ALB");
}

#[test]
fn a_pipeline_lists_its_stages_then_its_deploy_with_the_sources_of_the_defaults() {
    use crate::editor::fields::{Section, option_label};
    let fields = fields(NodeKind::Pipeline);
    let placed: Vec<(&str, Section)> = fields
        .iter()
        .map(|field| (field.path.as_str(), field.section))
        .collect();
    assert_eq!(placed[0], ("flavour", Section::Stages), "{placed:?}");
    assert_eq!(placed[1], ("checks_s", Section::Stages), "{placed:?}");
    let strategy = placed.iter().position(|(path, _)| *path == "strategy");
    let first_deploy = placed
        .iter()
        .position(|(_, section)| *section == Section::Deploy);
    assert_eq!(
        strategy, first_deploy,
        "the strategy heads Deploy: {placed:?}"
    );
    assert_eq!(placed.last(), Some(&("cost_per_hour", Section::Cost)));
    let help = |path: &str| {
        fields
            .iter()
            .find(|field| field.path == path)
            .and_then(|field| field.help)
            .unwrap_or_default()
    };
    assert!(help("max_surge").contains("maxSurge, 25 %"));
    assert!(help("progress_deadline_s").contains("progressDeadlineSeconds, 600 s"));
    assert!(help("readiness_period_s").contains("periodSeconds, 10 s"));
    assert!(help("canary_success_rate").contains("99 %"));
    assert!(help("canary_p99_ms").contains("500 ms"));
    assert_eq!(option_label("strategy", "blue_green"), "blue-green");
    assert_eq!(option_label("flavour", "github_actions"), "GitHub Actions");
}

#[test]
fn a_box_wears_its_flavour_badge_and_a_load_balancer_its_detection_window() {
    use crate::editor::fields::flavour_marks;
    use engine::params::LbFlavour;
    // Generic: no badge, but the load balancer still says how fast it notices a dead backend.
    let generic = NodeParams::default_for(NodeKind::LoadBalancer);
    let marks = flavour_marks(&generic).expect("load balancers have flavours");
    assert_eq!(marks.badge, None);
    let window = marks.window.expect("a detection window");
    assert_eq!(
        window,
        engine::flavours::DetectionWindow::of(match &generic {
            NodeParams::LoadBalancer(lb) => lb,
            _ => unreachable!(),
        })
        .words()
    );
    // A named flavour wears its badge.
    let mut alb = generic;
    if let NodeParams::LoadBalancer(lb) = &mut alb {
        lb.flavour = LbFlavour::AwsAlb;
    }
    let named = flavour_marks(&alb).expect("flavoured");
    assert_eq!(named.badge, Some(LbFlavour::AwsAlb.label()));
    assert!(named.window.is_some());
    // A database has no flavours at all.
    assert_eq!(
        flavour_marks(&NodeParams::default_for(NodeKind::Database)),
        None
    );
}
