//! The Architecture Explorer traffic model: a deterministic discrete-event simulation of users, load
//! balancers, servers, caches, CDNs, databases and monitoring, with no web dependencies.

pub mod design;
mod node_kind;
pub mod params;
pub mod presets;
pub mod validate;

pub use design::{Design, Link, Node, Position};
pub use node_kind::NodeKind;
pub use params::NodeParams;
pub use validate::{DesignError, LinkRefusal, Problem, link_allowed};
