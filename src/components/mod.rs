//! The app's components, one per file, each named after what it shows.

mod backends;
mod canvas;
mod challenges;
mod classroom;
mod clip;
mod dock;
mod dock_resizer;
mod field;
mod file_menu;
mod icons;
mod inspector;
mod lazy;
mod minimap;
mod palette;
mod particles;
mod release_panel;
mod rename_field;
mod scrubber;
mod shortcuts;
mod status_line;
mod toolbar;

pub use canvas::Canvas;
pub use challenges::{ChallengesButton, LazyChallenges};
pub use dock::Dock;
pub use dock_resizer::DockResizer;
pub use icons::NodeIcon;
pub use inspector::Inspector;
pub use palette::Palette;
pub use scrubber::Scrubber;
pub use shortcuts::KeyboardShortcuts;
pub use status_line::StatusLine;
pub use toolbar::Toolbar;

pub(crate) use lazy::{LazyPlace, ViewLoadFailed, lazy_once, lazy_view};
