//! Integration tests of the engine, one module per behaviour.

mod design_format;
mod queueing;
mod support;
