//! What an error tracker (Sentry, say) would receive for a failed request: an exception with its
//! type and message, and the top stack frame of the code that raised it.
//!
//! Models: one report per error line, chosen by the node that reports the failure (its kind), the
//! request type (which handler ran) and the failure's cause. The users node reports what a client
//! sees: a `ReadTimeout` when it gave up, an HTTP error with the status the edge answered when a node
//! behind it failed. The other nodes report their own failure as their software would: a full queue
//! is a 503, a pool that ran dry is SQLAlchemy's `QueuePool limit … reached` timeout, a dead primary
//! is a refused connection. The wording follows the real libraries (requests, redis-py, psycopg2,
//! SQLAlchemy, nginx), so what a student searches for is what they would find in production.
//!
//! A server or group instance tags its reports with the release it runs, once the run has releases.
//!
//! Leaves out: whole stack traces (one in-app frame, the culprit), chained exceptions, breadcrumbs
//! and other tags.

use serde::Serialize;

use crate::NodeKind;
use crate::metrics::CauseKind;
use crate::params::RequestType;
use crate::run_event::Failure;

/// An exception as an error tracker receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// The exception's type, as the failing code's library names it: `ReadTimeout`.
    pub exception: String,
    /// The exception's value: `503 Server Error: Service Unavailable (queue full at server-2)`.
    pub message: String,
    /// The top in-app stack frame, where it was raised, as `module.function`: `db.pool.acquire`.
    pub frame: String,
    /// A fingerprint set by the reporting code to override the default grouping (Sentry's SDK
    /// fingerprinting). Empty, the default grouping applies; no node of the model sets one yet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fingerprint: Vec<String>,
    /// The release the reporting instance runs ("v2"), once the run has releases (Sentry's
    /// `release` tag: an issue is "first seen in" the release of its first event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
}

impl ErrorReport {
    /// The report `reporter` (a node of kind `kind`) makes when a request of `request_type` fails
    /// with `failure`; a failure at another node reached the reporter as an error response.
    pub fn new(
        kind: NodeKind,
        reporter: &str,
        request_type: RequestType,
        failure: &Failure,
    ) -> ErrorReport {
        let cause = failure.describe();
        let (exception, message, frame) = if kind == NodeKind::Users {
            client_exception(failure, reporter, request_type, &cause)
        } else {
            node_exception(kind, failure, request_type, &cause)
        };
        ErrorReport {
            exception: exception.to_owned(),
            message,
            frame,
            fingerprint: Vec::new(),
            release: None,
        }
    }
}

/// The part of the product a request type exercises, as handler modules are named.
fn area(request_type: RequestType) -> &'static str {
    match request_type {
        RequestType::StaticAsset => "assets",
        RequestType::Read => "catalog",
        RequestType::Write => "signup",
        RequestType::Payment => "checkout",
    }
}

/// A client (the `requests` library in the users' code): it timed out, could not connect, or got an
/// error status back, raised by `raise_for_status()` in the function that made the call.
fn client_exception(
    failure: &Failure,
    reporter: &str,
    request_type: RequestType,
    cause: &str,
) -> (&'static str, String, String) {
    let verb = match request_type {
        RequestType::StaticAsset | RequestType::Read => "load",
        RequestType::Write | RequestType::Payment => "submit",
    };
    let frame = format!("client.{}.{verb}", area(request_type));
    let (exception, message) = match failure.cause {
        CauseKind::ClientTimeout => ("ReadTimeout", format!("Read timed out. ({cause})")),
        CauseKind::Partition => (
            "ConnectionError",
            format!("[Errno 113] No route to host ({cause})"),
        ),
        CauseKind::LinkLoss => (
            "ConnectionError",
            format!("[Errno 104] Connection reset by peer ({cause})"),
        ),
        CauseKind::NoRoute if failure.node == reporter => (
            "ConnectionError",
            format!("[Errno -2] Name or service not known ({cause})"),
        ),
        other => ("HTTPError", format!("{} ({cause})", status_line(other))),
    };
    (exception, message, frame)
}

/// The error status the edge answers a client with when `cause` happened behind it, as `requests`
/// words it.
fn status_line(cause: CauseKind) -> &'static str {
    match cause {
        CauseKind::QueueFull | CauseKind::Overloaded => "503 Server Error: Service Unavailable",
        CauseKind::Timeout | CauseKind::ClientTimeout => "504 Server Error: Gateway Timeout",
        CauseKind::PoolExhausted | CauseKind::Defect => "500 Server Error: Internal Server Error",
        CauseKind::BackendDown
        | CauseKind::NoHealthyBackend
        | CauseKind::OutOfMemory
        | CauseKind::Partition
        | CauseKind::LinkLoss
        | CauseKind::NoRoute => "502 Server Error: Bad Gateway",
    }
}

/// A node's own failure, as its software raises or logs it.
fn node_exception(
    kind: NodeKind,
    failure: &Failure,
    request_type: RequestType,
    cause: &str,
) -> (&'static str, String, String) {
    let module = match kind {
        NodeKind::LoadBalancer => "lb",
        NodeKind::Cache => "cache",
        NodeKind::Cdn => "cdn",
        NodeKind::Database => "db",
        NodeKind::Service => "service",
        // A group's instances are servers running the same code.
        NodeKind::Server
        | NodeKind::AutoscalingGroup
        | NodeKind::Users
        | NodeKind::Monitoring
        | NodeKind::Pipeline => "server",
    };
    let at = |function: &str| format!("{module}.{function}");
    let node = &failure.node;
    match (failure.cause, kind) {
        // A bug shipped in a release: the exception its code raises, where the request type's
        // handler runs.
        (CauseKind::Defect, _) => match request_type {
            RequestType::Payment => (
                "KeyError",
                format!("'currency' ({cause})"),
                at("payments.charge"),
            ),
            RequestType::Write => (
                "IntegrityError",
                format!("NOT NULL constraint failed: posts.author_id ({cause})"),
                at("posts.create"),
            ),
            RequestType::Read => (
                "AttributeError",
                format!("'NoneType' object has no attribute 'items' ({cause})"),
                at("views.render"),
            ),
            RequestType::StaticAsset => (
                "FileNotFoundError",
                format!("[Errno 2] No such file or directory: 'static/app.js' ({cause})"),
                at("static.serve"),
            ),
        },
        (CauseKind::PoolExhausted, _) => (
            "TimeoutError",
            format!("QueuePool limit reached, connection timed out ({cause})"),
            at("pool.acquire"),
        ),
        (CauseKind::BackendDown, NodeKind::Database) => (
            "OperationalError",
            format!(
                "connection to server at \"{node}\", port 5432 failed: Connection refused ({cause})"
            ),
            if request_type.is_write() {
                at("session.commit")
            } else {
                at("session.execute")
            },
        ),
        (CauseKind::BackendDown, NodeKind::Cache) => (
            "ConnectionError",
            format!("Error 111 connecting to {node}:6379. Connection refused. ({cause})"),
            at("client.get"),
        ),
        (CauseKind::BackendDown, NodeKind::LoadBalancer | NodeKind::Cdn) => (
            "ConnectionRefusedError",
            format!("[Errno 111] Connection refused ({cause})"),
            at("listener.accept"),
        ),
        (CauseKind::BackendDown, _) => (
            "ConnectionRefusedError",
            format!("[Errno 111] Connection refused ({cause})"),
            at("socket.accept"),
        ),
        (CauseKind::NoHealthyBackend, _) => (
            "BadGateway",
            format!("502 Bad Gateway: no live upstreams while connecting to upstream ({cause})"),
            at("upstream.select"),
        ),
        (CauseKind::Overloaded, _) => (
            "ServiceUnavailable",
            format!("503 Service Unavailable: worker_connections are not enough ({cause})"),
            at("listener.accept"),
        ),
        (CauseKind::QueueFull, _) => (
            "ServiceUnavailable",
            format!("503 Service Unavailable: the request queue is full ({cause})"),
            at("queue.admit"),
        ),
        (CauseKind::Timeout, _) => (
            "TimeoutError",
            format!("request waited longer than its timeout for a worker ({cause})"),
            at("queue.wait"),
        ),
        (CauseKind::OutOfMemory, _) => (
            "MemoryError",
            format!("[Errno 12] Cannot allocate memory ({cause})"),
            // The handler that was running when memory ran out.
            format!("{}.handler", area(request_type)),
        ),
        (CauseKind::Partition, _) => (
            "ConnectionError",
            format!("[Errno 113] No route to host ({cause})"),
            at("upstream.connect"),
        ),
        (CauseKind::LinkLoss, _) => (
            "ConnectionResetError",
            format!("[Errno 104] Connection reset by peer ({cause})"),
            at("upstream.recv"),
        ),
        (CauseKind::NoRoute, _) => (
            "RuntimeError",
            format!("no upstream configured for this request ({cause})"),
            at("upstream.route"),
        ),
        (CauseKind::ClientTimeout, _) => (
            "ReadTimeout",
            format!("Read timed out. ({cause})"),
            at("upstream.recv"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(cause: CauseKind, node: &str) -> Failure {
        Failure {
            cause,
            node: node.to_owned(),
            from: None,
        }
    }

    fn check(
        kind: NodeKind,
        reporter: &str,
        request_type: RequestType,
        failure: &Failure,
        expected: (&str, &str, &str),
    ) {
        let report = ErrorReport::new(kind, reporter, request_type, failure);
        assert_eq!(
            (
                report.exception.as_str(),
                report.frame.as_str(),
                report.message.as_str()
            ),
            expected
        );
        assert!(report.fingerprint.is_empty());
    }

    #[test]
    fn a_client_reports_what_it_saw() {
        check(
            NodeKind::Users,
            "users",
            RequestType::Payment,
            &failure(CauseKind::ClientTimeout, "users"),
            (
                "ReadTimeout",
                "client.checkout.submit",
                "Read timed out. (client timeout at users)",
            ),
        );
        check(
            NodeKind::Users,
            "users",
            RequestType::Read,
            &failure(CauseKind::QueueFull, "server-2"),
            (
                "HTTPError",
                "client.catalog.load",
                "503 Server Error: Service Unavailable (queue full at server-2)",
            ),
        );
        // Nowhere to send it from the users node itself is a name that does not resolve; from a
        // node behind the edge, a bad gateway.
        check(
            NodeKind::Users,
            "users",
            RequestType::Read,
            &failure(CauseKind::NoRoute, "users"),
            (
                "ConnectionError",
                "client.catalog.load",
                "[Errno -2] Name or service not known (nowhere to send it at users)",
            ),
        );
        check(
            NodeKind::Users,
            "users",
            RequestType::StaticAsset,
            &failure(CauseKind::NoRoute, "cdn"),
            (
                "HTTPError",
                "client.assets.load",
                "502 Server Error: Bad Gateway (nowhere to send it at cdn)",
            ),
        );
    }

    #[test]
    fn a_node_reports_its_own_failure_from_its_own_code() {
        check(
            NodeKind::Database,
            "database",
            RequestType::Write,
            &failure(CauseKind::PoolExhausted, "database"),
            (
                "TimeoutError",
                "db.pool.acquire",
                "QueuePool limit reached, connection timed out (connection pool exhausted at database)",
            ),
        );
        check(
            NodeKind::Database,
            "database",
            RequestType::Payment,
            &failure(CauseKind::BackendDown, "database"),
            (
                "OperationalError",
                "db.session.commit",
                "connection to server at \"database\", port 5432 failed: Connection refused (backend down at database)",
            ),
        );
        check(
            NodeKind::LoadBalancer,
            "lb",
            RequestType::Read,
            &failure(CauseKind::NoHealthyBackend, "lb"),
            (
                "BadGateway",
                "lb.upstream.select",
                "502 Bad Gateway: no live upstreams while connecting to upstream (no healthy backend at lb)",
            ),
        );
        check(
            NodeKind::Server,
            "server-1",
            RequestType::Payment,
            &failure(CauseKind::OutOfMemory, "server-1"),
            (
                "MemoryError",
                "checkout.handler",
                "[Errno 12] Cannot allocate memory (out of memory at server-1)",
            ),
        );
        check(
            NodeKind::AutoscalingGroup,
            "web",
            RequestType::Read,
            &failure(CauseKind::QueueFull, "web"),
            (
                "ServiceUnavailable",
                "server.queue.admit",
                "503 Service Unavailable: the request queue is full (queue full at web)",
            ),
        );
    }

    #[test]
    fn every_cause_has_a_report_with_a_type_a_frame_and_a_message() {
        for kind in NodeKind::ALL {
            for cause in CauseKind::ALL {
                for request_type in RequestType::ALL {
                    let report =
                        ErrorReport::new(kind, "node", request_type, &failure(cause, "node"));
                    assert!(!report.exception.is_empty(), "{kind:?} {cause:?}");
                    assert!(report.frame.contains('.'), "{kind:?} {cause:?}");
                    assert!(report.message.contains("at node"), "{kind:?} {cause:?}");
                }
            }
        }
    }
}
