//! The status line's resolution in words.

use engine::Resolution;

use crate::observe::resolution::resolution_status;

#[test]
fn a_per_request_run_says_it_is_exact_what_the_users_send_and_that_it_follows_them() {
    let status = resolution_status(Some((Resolution::PerRequest, 1_200.0)));
    assert_eq!(status.label, "per request");
    assert!(status.why.contains("one by one (exact)"), "{}", status.why);
    assert!(
        status.why.contains(
            "The users send 1 200 req/s now; above 50 000 req/s together the run \
             switches to aggregated by itself"
        ),
        "{}",
        status.why
    );
    assert!(!status.why.contains("Reset"), "{}", status.why);
}

#[test]
fn an_aggregated_run_says_its_weight_why_and_when_it_goes_back() {
    let status = resolution_status(Some((Resolution::Aggregated { weight: 2 }, 80_000.0)));
    assert_eq!(status.label, "aggregated: 1 simulated request stands for 2");
    assert!(
        status.why.starts_with(
            "The users send 80 000 req/s now, above the 50 000 req/s a run keeps per request"
        ),
        "{}",
        status.why
    );
    assert!(
        status.why.contains("stands for 2 identical ones"),
        "{}",
        status.why
    );
    // Back below 80 % of the limit.
    assert!(
        status.why.ends_with(
            "goes back to per request by itself once the users send at most 40 000 req/s."
        ),
        "{}",
        status.why
    );
}

#[test]
fn a_heavier_weight_goes_back_step_by_step() {
    let status = resolution_status(Some((Resolution::Aggregated { weight: 20 }, 1_000_000.0)));
    assert_eq!(
        status.label,
        "aggregated: 1 simulated request stands for 20"
    );
    assert!(
        status.why.ends_with(
            "goes back to a smaller weight by itself once the users send at most 760 000 req/s."
        ),
        "{}",
        status.why
    );
    let fractional = resolution_status(Some((Resolution::PerRequest, 500.5)));
    assert!(
        fractional.why.contains("send 500.5 req/s now"),
        "{}",
        fractional.why
    );
}

#[test]
fn a_stopped_runner_says_so() {
    let status = resolution_status(None);
    assert_eq!(status.label, "stopped");
    assert!(!status.why.contains("users"), "{}", status.why);
}
