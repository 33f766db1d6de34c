//! Architecture Explorer, the web app: a Leptos (client-side rendered) shell around the traffic model in the
//! `engine` crate. Components emit commands; the engine never sees the DOM.

mod app;
pub mod components;
pub mod crash;
pub mod editor;
pub mod observe;
pub mod persistence;
pub mod runner;
pub mod state;

pub use app::App;
