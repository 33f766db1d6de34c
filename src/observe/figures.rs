//! A node's live figures in a few characters: the line under its name on the canvas, the line under
//! it on an exported picture, the request rate on a link, and its health and CPU gauge at a glance. One place decides them, so the canvas
//! and a picture of it say the same thing the same way.

use std::collections::BTreeMap;

use engine::params::RequestType;
use engine::snapshot::{CacheFigures, NodeSnapshot};
use engine::{Health, NodeKind, RequestTypeFigures, Snapshot};

/// CPU from which a node's gauge shows hot: the default CPU alert's threshold (80 %).
pub const CPU_HOT: f64 = 0.8;

/// Whether a node's CPU gauge shows hot.
pub fn cpu_is_hot(cpu: f64) -> bool {
    cpu >= CPU_HOT
}

/// A node's health in a word (its box's label for screen readers, and its CSS modifier).
pub fn health_word(health: Health) -> &'static str {
    match health {
        Health::Up => "healthy",
        Health::Degraded => "degraded",
        Health::Starting => "starting",
        Health::Down => "down",
    }
}

/// What a node's box says to a screen reader, beyond its kind and name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeLabel {
    /// Its health while a run shows it.
    pub health: Option<Health>,
    /// A release it is going through or the versions it runs, in words.
    pub release: Option<String>,
    /// It is a single point of failure: fully (`true`) or partly, and why.
    pub single_point: Option<(bool, String)>,
    /// The challenge being played locks it.
    pub locked: bool,
}

/// A node's accessible name: "Server Web server, healthy, running v2, single point of failure:
/// …, locked by the challenge".
pub fn node_label(kind: NodeKind, name: &str, label: &NodeLabel) -> String {
    let mut words = format!("{} {name}", kind.label());
    if let Some(health) = label.health {
        words.push_str(&format!(", {}", health_word(health)));
    }
    if let Some(release) = &label.release {
        words.push_str(&format!(", {release}"));
    }
    if let Some((full, reason)) = &label.single_point {
        let what = if *full {
            "single point of failure"
        } else {
            "partial single point of failure"
        };
        words.push_str(&format!(", {what}: {reason}"));
    }
    if label.locked {
        words.push_str(", locked by the challenge");
    }
    words
}

/// A link's accessible name, by its ends' names; a pipeline's link deploys releases.
pub fn link_label(from: &str, to: &str, deploys: bool) -> String {
    let what = if deploys { "Deploy link" } else { "Link" };
    format!("{what} from {from} to {to}")
}

/// A node's health as an icon beside its colour, for colour-blind users.
pub fn health_icon(health: Health) -> &'static str {
    match health {
        Health::Up => "✓",
        Health::Degraded => "!",
        Health::Starting => "…",
        Health::Down => "✕",
    }
}

/// "1.2k/s" style request rates.
pub fn rate(per_second: f64) -> String {
    if per_second >= 1_000_000.0 {
        format!("{:.1}M/s", per_second / 1_000_000.0)
    } else if per_second >= 1_000.0 {
        format!("{:.1}k/s", per_second / 1_000.0)
    } else {
        format!("{per_second:.0}/s")
    }
}

/// Kinds whose figures include CPU (and whose box has a CPU gauge).
pub fn has_cpu(kind: NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::Server | NodeKind::AutoscalingGroup | NodeKind::Service | NodeKind::Database
    )
}

/// The request types failing while others succeed this second (a database promoting a replica fails
/// its writes, not its reads), in words: "writes" when only writes and payments fail (payments are
/// writes), else their labels joined by " + "; `None` when errors are spread over every type or there
/// are none.
pub fn failing_types(by_type: &[RequestTypeFigures]) -> Option<String> {
    // Only the types with responses this second.
    let live = || by_type.iter().filter(|figures| figures.throughput > 0.0);
    let failing: Vec<RequestType> = live()
        .filter(|figures| figures.error_rate > 0.5)
        .map(|figures| figures.request_type)
        .collect();
    let healthy = live().any(|figures| figures.error_rate < 0.01);
    if failing.is_empty() || !healthy {
        return None;
    }
    let only_writes = failing.len() == 2
        && failing.contains(&RequestType::Write)
        && failing.contains(&RequestType::Payment);
    Some(if only_writes {
        "writes".to_owned()
    } else {
        failing
            .iter()
            .map(|request_type| request_type.label())
            .collect::<Vec<_>>()
            .join(" + ")
    })
}

/// The line under a node's name on the canvas: rate, CPU, queue, and what fails ("writes fail, rest
/// ok" rather than a total error rate when only some request types fail).
pub fn box_line(node: &NodeSnapshot) -> String {
    let mut parts = vec![rate(node.throughput)];
    if has_cpu(node.kind) {
        parts.push(format!("CPU {:.0}%", node.cpu * 100.0));
    }
    if node.queue >= 1.0 {
        parts.push(format!("q {:.0}", node.queue));
    }
    match failing_types(&node.by_request_type) {
        // Say what fails, so a primary crash does not read as a total outage.
        Some(failing) => parts.push(format!("{failing} fail, rest ok")),
        None if node.error_rate > 0.0005 => {
            parts.push(format!("err {:.1}%", node.error_rate * 100.0));
        }
        None => {}
    }
    parts.join(" · ")
}

/// The line under a node on an exported picture: rate, CPU, hit ratio and error rate.
pub fn picture_line(node: &NodeSnapshot) -> String {
    let mut parts = vec![rate(node.throughput)];
    if has_cpu(node.kind) {
        parts.push(format!("CPU {:.0}%", node.cpu * 100.0));
    }
    if node.hit_ratio > 0.0 {
        parts.push(format!("hit {:.0}%", node.hit_ratio * 100.0));
    }
    if node.error_rate > 0.0005 {
        parts.push(format!("err {:.1}%", node.error_rate * 100.0));
    }
    parts.join(" · ")
}

/// Every node's picture line, by node id.
pub fn picture_lines(snapshot: &Snapshot) -> BTreeMap<String, String> {
    snapshot
        .nodes
        .iter()
        .map(|node| (node.id.clone(), picture_line(node)))
        .collect()
}

/// A cache's memory in the inspector: keys held (of how many), evictions, refused stores (Redis's
/// noeviction OOM errors, Memcached classes without a page) and, with slabs, each class that holds
/// or wants pages.
pub fn cache_rows(cache: &CacheFigures) -> Vec<(&'static str, String)> {
    let mut rows = vec![(
        "Keys held",
        match cache.capacity_keys {
            Some(capacity) => format!("{} of {}", cache.keys, capacity),
            None => format!("{} in {} pages", cache.keys, used_pages(cache)),
        },
    )];
    if cache.evictions > 0 {
        rows.push(("Evictions", cache.evictions.to_string()));
    }
    if cache.refused > 0 {
        rows.push((
            "Refused stores",
            format!("{} (out of memory)", cache.refused),
        ));
    }
    if !cache.slab_classes.is_empty() {
        let classes = cache
            .slab_classes
            .iter()
            .map(|class| {
                let mut text = format!(
                    "{}: {} page{}, {} items",
                    bytes(class.chunk_bytes),
                    class.pages,
                    if class.pages == 1 { "" } else { "s" },
                    class.items
                );
                if class.refused > 0 {
                    text.push_str(&format!(", {} refused", class.refused));
                }
                text
            })
            .collect::<Vec<_>>()
            .join(" · ");
        rows.push(("Slab classes", classes));
        rows.push(("Free pages", cache.free_pages.to_string()));
    }
    rows
}

fn used_pages(cache: &CacheFigures) -> u32 {
    cache.slab_classes.iter().map(|class| class.pages).sum()
}

/// A chunk size for people: `96 B`, `24.1 kB`.
fn bytes(value: u32) -> String {
    if value < 1000 {
        format!("{value} B")
    } else if value < 1_000_000 {
        format!("{:.1} kB", f64::from(value) / 1000.0)
    } else {
        format!("{:.1} MB", f64::from(value) / 1e6)
    }
}
