//! The kinds of node a design can hold, with their display names.

use serde::{Deserialize, Serialize};

/// Every kind of node the model knows. The palette lists them in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Users,
    LoadBalancer,
    Server,
    AutoscalingGroup,
    Cache,
    Cdn,
    Database,
    Service,
    Monitoring,
    /// CI/CD: builds, tests and deploys releases to the servers its deploy links point at.
    Pipeline,
}

impl NodeKind {
    /// All kinds, in palette order.
    pub const ALL: [NodeKind; 10] = [
        NodeKind::Users,
        NodeKind::LoadBalancer,
        NodeKind::Server,
        NodeKind::AutoscalingGroup,
        NodeKind::Cache,
        NodeKind::Cdn,
        NodeKind::Database,
        NodeKind::Service,
        NodeKind::Monitoring,
        NodeKind::Pipeline,
    ];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            NodeKind::Users => "Users",
            NodeKind::LoadBalancer => "Load balancer",
            NodeKind::Server => "Server",
            NodeKind::AutoscalingGroup => "Autoscaling group",
            NodeKind::Cache => "Cache",
            NodeKind::Cdn => "CDN",
            NodeKind::Database => "Database",
            NodeKind::Service => "Service",
            NodeKind::Monitoring => "Monitoring",
            NodeKind::Pipeline => "CI/CD pipeline",
        }
    }

    /// The identifier used in design files and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Users => "users",
            NodeKind::LoadBalancer => "load_balancer",
            NodeKind::Server => "server",
            NodeKind::AutoscalingGroup => "autoscaling_group",
            NodeKind::Cache => "cache",
            NodeKind::Cdn => "cdn",
            NodeKind::Database => "database",
            NodeKind::Service => "service",
            NodeKind::Monitoring => "monitoring",
            NodeKind::Pipeline => "pipeline",
        }
    }

    /// Whether nodes of this kind have workers, hence a CPU utilisation and a queue.
    pub fn has_workers(self) -> bool {
        matches!(
            self,
            NodeKind::Server
                | NodeKind::AutoscalingGroup
                | NodeKind::Cache
                | NodeKind::Database
                | NodeKind::Service
        )
    }
}
