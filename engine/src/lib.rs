//! The Architecture Explorer traffic model: a deterministic discrete-event simulation of users, load
//! balancers, servers, caches, CDNs, databases and monitoring, with no web dependencies.

mod alerts;
mod core;
pub mod design;
pub mod determinism;
mod event_queue;
pub mod histogram;
pub mod metrics;
mod node_kind;
mod nodes;
pub mod params;
pub mod presets;
mod random;
pub mod simulation;
pub mod snapshot;
pub mod validate;

pub use alerts::{AlertState, AlertStatus, Notification};
pub use design::{Design, Link, Node, Position};
pub use node_kind::NodeKind;
pub use nodes::load_balancer::RouteExplanation;
pub use params::NodeParams;
pub use simulation::{CommandError, LiveCommand, NodeStats, Report, Simulation};
pub use snapshot::{Health, Resolution, Snapshot};
pub use validate::{DesignError, LinkRefusal, Problem, link_allowed};
