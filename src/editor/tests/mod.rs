//! Native tests of the editor core, one file per module.
