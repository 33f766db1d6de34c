//! Native tests of the observability core, one file per area.

mod alerts;
mod charts;
mod findings;
mod format;
mod incidents;
mod logs;
mod timeline;
