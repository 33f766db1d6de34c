//! Integration tests of the engine, one module per behaviour.

mod alertmanager;
mod animation;
mod cache_flavours;
mod challenges;
mod cli;
mod comparing;
mod design_format;
mod determinism;
mod faults;
mod flavours;
mod live;
mod live_edit;
mod load_balancing;
mod objectives;
mod packs;
mod properties;
mod queueing;
mod releases;
mod resolutions;
mod run_events;
mod run_files;
mod spof;
mod support;
mod vocabulary;
