//! The Architecture Explorer traffic model: a deterministic discrete-event simulation of users, load
//! balancers, servers, caches, CDNs, databases and monitoring, with no web dependencies.

mod node_kind;

pub use node_kind::NodeKind;
