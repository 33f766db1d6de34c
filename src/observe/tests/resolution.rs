//! The status line's resolution in words.

use engine::Resolution;

use crate::observe::resolution::resolution_status;

#[test]
fn a_per_request_run_says_it_is_exact_and_what_the_users_send() {
    let status = resolution_status(
        Some(Resolution::PerRequest),
        1_200.0,
        Resolution::PerRequest,
    );
    assert_eq!(status.label, "per request");
    assert!(status.why.contains("one by one (exact)"), "{}", status.why);
    assert!(
        status.why.contains("at most 50 000 req/s"),
        "{}",
        status.why
    );
    assert!(
        status.why.ends_with("The users now peak at 1 200 req/s."),
        "{}",
        status.why
    );
}

#[test]
fn an_aggregated_run_says_its_weight_and_why() {
    let weight = Resolution::Aggregated { weight: 20 };
    let status = resolution_status(Some(weight), 1_000_000.0, weight);
    assert_eq!(
        status.label,
        "aggregated: 1 simulated request stands for 20"
    );
    assert!(
        status
            .why
            .starts_with("Above 50 000 req/s a run starts aggregated"),
        "{}",
        status.why
    );
    assert!(
        status.why.contains("stands for 20 identical ones"),
        "{}",
        status.why
    );
    assert!(
        status.why.contains("peak at 1 000 000 req/s."),
        "{}",
        status.why
    );
    assert!(!status.why.contains("Reset"), "{}", status.why);
}

#[test]
fn a_rate_edited_across_the_limit_says_the_resolution_waits_for_a_reset() {
    let up = resolution_status(
        Some(Resolution::PerRequest),
        80_000.0,
        Resolution::Aggregated { weight: 2 },
    );
    assert!(
        up.why.ends_with(
            "The resolution is chosen when a run starts: Reset to run aggregated with weight 2."
        ),
        "{}",
        up.why
    );
    let down = resolution_status(
        Some(Resolution::Aggregated { weight: 2 }),
        500.5,
        Resolution::PerRequest,
    );
    assert!(down.why.contains("peak at 500.5 req/s."), "{}", down.why);
    assert!(
        down.why.ends_with("Reset to run per request."),
        "{}",
        down.why
    );
}

#[test]
fn a_stopped_runner_says_so() {
    let status = resolution_status(None, 10.0, Resolution::PerRequest);
    assert_eq!(status.label, "stopped");
    assert!(!status.why.contains("peak"), "{}", status.why);
}
