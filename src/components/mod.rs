//! The app's components, one per file, each named after what it shows.

mod canvas;
mod dock;
mod icons;
mod inspector;
mod palette;
mod particles;
mod toolbar;

pub use canvas::Canvas;
pub use dock::Dock;
pub use icons::NodeIcon;
pub use inspector::Inspector;
pub use palette::Palette;
pub use toolbar::Toolbar;
