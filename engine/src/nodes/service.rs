//! Service: a generic microservice that fans out to every node it links to.
//!
//! Models: the same workers, waiting room, service time, memory and life cycle as a server; after its
//! own work each request calls *all* outgoing links in parallel and is answered when the slowest
//! reply is in (a failure in any of them fails the request). It is built on the server's instance.
//!
//! Leaves out: partial results, hedged or optional calls, per-call timeouts inside the service.

use crate::core::Core;
use crate::core::NodeIndex;
use crate::nodes::server::Server;
use crate::params::ServerParams;

/// A service is a server that calls every dependency for every request.
pub(crate) fn new(core: &Core, index: NodeIndex, params: &ServerParams) -> Server {
    Server::new(core, index, params, true)
}
