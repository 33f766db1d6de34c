//! Native tests of the editor core, one file per area.

mod command;
mod fields;
mod history;
mod keymap;
mod pattern;
mod share_link;
mod storage;
mod svg_export;
mod tidy;
mod viewport;
