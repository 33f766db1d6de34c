//! Native tests of the editor core, one file per area.

mod class_link;
mod command;
mod fault_form;
mod fields;
mod gesture;
mod history;
mod interview;
mod keymap;
mod number;
mod pattern;
mod release_form;
mod replay_link;
mod rule_form;
mod share_link;
mod storage;
mod svg_export;
mod viewport;
