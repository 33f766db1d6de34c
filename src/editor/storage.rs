//! Keeping work safe, the pure half: localStorage key names, what to do with a saved text on load,
//! and reading and writing design files. The browser half (the storage calls, debouncing, the quota
//! banner, file pickers) lives in the components.
//!
//! **Architecture Invariant:** a saved text that cannot be read is never thrown away. [`restore`]
//! hands it back in [`RestoreOutcome::Unreadable`] with a recovery key of its own (so an older
//! rescued text is never overwritten either), and the app copies it there before the first autosave
//! can overwrite [`AUTOSAVE_KEY`].

use std::fmt;

use engine::{Design, DesignError, Problem, presets};

use super::share_link::{self, FRAGMENT_PREFIX, crc32};

/// Every key this app writes starts with this: GitHub Pages sites of one account share an origin,
/// hence one localStorage.
pub const KEY_PREFIX: &str = "arch-explorer:v1:";
/// The design being edited, written after each change (debounced).
pub const AUTOSAVE_KEY: &str = "arch-explorer:v1:autosave";
/// Saved texts that could not be read are kept under this prefix plus a checksum of the text (see
/// [`recovery_key`]), for the user to rescue.
pub const RECOVERY_KEY: &str = "arch-explorer:v1:recovery";
/// The light/dark choice when the user overrides the system's.
pub const COLOR_SCHEME_KEY: &str = "arch-explorer:v1:color-scheme";
/// The best stars earned per challenge (`id=stars` lines).
pub const CHALLENGE_STARS_KEY: &str = "arch-explorer:v1:challenge-stars";
/// The observability dock's height the user chose, CSS pixels (view state: never in the document).
pub const DOCK_HEIGHT_KEY: &str = "arch-explorer:v1:dock-height";
/// The dock's smallest height: its tabs and a few lines.
pub const DOCK_MIN_HEIGHT: f64 = 120.0;
/// What the canvas (with the toolbar) keeps at least when the dock grows.
pub const DOCK_CANVAS_RESERVE: f64 = 320.0;
/// How far one arrow key press moves the dock's edge, CSS pixels.
pub const DOCK_STEP: f64 = 24.0;

/// The dock's height in a window `window_height` tall: the saved choice when there is one, else a
/// share of the window (220 px on a laptop, more on a tall screen, so the charts get the room),
/// always within [`DOCK_MIN_HEIGHT`] and what leaves the canvas [`DOCK_CANVAS_RESERVE`].
pub fn dock_height(saved: Option<&str>, window_height: f64) -> f64 {
    let largest = (window_height - DOCK_CANVAS_RESERVE).max(DOCK_MIN_HEIGHT);
    let default = (window_height * 0.3).clamp(220.0, 480.0);
    saved
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|height| height.is_finite())
        .unwrap_or(default)
        .clamp(DOCK_MIN_HEIGHT, largest)
        .round()
}

/// Quiet time after the last change before autosaving, milliseconds.
pub const AUTOSAVE_DEBOUNCE_MS: u32 = 800;
/// The largest design file [`parse_import`] reads, bytes.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

/// What to open when the app starts.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreOutcome {
    /// Nothing was saved: open on the first preset, not an empty canvas.
    FirstVisit(Design),
    /// The autosave, as it was left.
    Restored(Design),
    /// The saved text could not be read (damaged, or written by a newer version). Open `design` (the
    /// first preset), copy `saved_text` to `recovery_key` and show `explanation`.
    Unreadable {
        design: Design,
        saved_text: String,
        recovery_key: String,
        error: DesignError,
        explanation: String,
    },
}

/// Why a design file was refused. The current design stays as it is.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    Empty,
    TooLarge {
        bytes: usize,
    },
    /// Written by a newer version of the app.
    NewerVersion {
        found: u64,
        newest: u64,
    },
    /// Not JSON, not a design, or a design with a problem; the error names where.
    Invalid(DesignError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Empty => write!(f, "the file is empty"),
            ImportError::TooLarge { bytes } => write!(
                f,
                "the file is {} KB; a design file is at most {} KB",
                bytes.div_ceil(1024),
                MAX_IMPORT_BYTES / 1024
            ),
            ImportError::NewerVersion { found, newest } => write!(
                f,
                "the file was saved by a newer version of Architecture Explorer (format {found}; \
                 this one reads up to {newest}); reload the page to update"
            ),
            ImportError::Invalid(error) => write!(f, "the file cannot be opened: {error}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl RestoreOutcome {
    /// The design to open.
    pub fn design(&self) -> &Design {
        match self {
            RestoreOutcome::FirstVisit(design)
            | RestoreOutcome::Restored(design)
            | RestoreOutcome::Unreadable { design, .. } => design,
        }
    }

    pub fn into_design(self) -> Design {
        match self {
            RestoreOutcome::FirstVisit(design)
            | RestoreOutcome::Restored(design)
            | RestoreOutcome::Unreadable { design, .. } => design,
        }
    }
}

/// Decides what to open from the text under [`AUTOSAVE_KEY`] (`None` when there is none).
pub fn restore(saved: Option<&str>) -> RestoreOutcome {
    let Some(saved) = saved.filter(|text| !text.trim().is_empty()) else {
        return RestoreOutcome::FirstVisit(first_visit_design());
    };
    match read_design(saved) {
        Ok(design) => RestoreOutcome::Restored(design),
        Err(error) => {
            let reason = match &error {
                ImportError::NewerVersion { .. } => {
                    "was saved by a newer version of Architecture Explorer".to_owned()
                }
                other => format!("could not be read ({other})"),
            };
            let error = match error {
                ImportError::Invalid(error) => error,
                ImportError::NewerVersion { found, newest } => DesignError {
                    path: "version".to_owned(),
                    problem: Problem::UnsupportedVersion { found, newest },
                },
                other => DesignError {
                    path: String::new(),
                    problem: Problem::Schema {
                        message: other.to_string(),
                    },
                },
            };
            let recovery_key = recovery_key(saved);
            RestoreOutcome::Unreadable {
                design: first_visit_design(),
                saved_text: saved.to_owned(),
                explanation: format!(
                    "Your last design {reason}. It is kept safe in this browser under \
                     \"{recovery_key}\" and can be copied from there; a sample design is open \
                     meanwhile."
                ),
                recovery_key,
                error,
            }
        }
    }
}

/// What to open at start-up: the autosave (or the first preset) as the base of the history, and a
/// shared design from the URL fragment to open on top of it, as one undoable step.
///
/// Opening a share link never replaces local work silently: the base is the autosave, so Undo
/// brings it back, and the caller clears the fragment from the address bar once it is read, so a
/// reload opens the working document (the autosave) and never the link again.
#[derive(Clone, Debug, PartialEq)]
pub struct Startup {
    /// The autosave as it was, or what replaces it when it is unreadable.
    pub base: RestoreOutcome,
    /// The shared design, when the fragment held one that differs from the base.
    pub shared: Option<Design>,
    /// A message about the share link: opened, already open, or refused (`is_error`).
    pub link_message: Option<(String, bool)>,
    /// The fragment held a share link (read or refused): clear it from the address bar.
    pub clear_fragment: bool,
}

/// Decides what to open from the autosaved text and the URL fragment (`#d=…` or anything else).
pub fn startup(saved: Option<&str>, fragment: &str) -> Startup {
    let base = restore(saved);
    if !fragment.starts_with(FRAGMENT_PREFIX) {
        return Startup {
            base,
            shared: None,
            link_message: None,
            clear_fragment: false,
        };
    }
    let had_local_work = matches!(base, RestoreOutcome::Restored(_));
    let opened = open_link(base.design(), fragment, had_local_work);
    Startup {
        base,
        shared: opened.design,
        link_message: Some((opened.message, opened.is_error)),
        clear_fragment: true,
    }
}

/// What a share link does to the open document (at start-up, or pasted into the address bar of a
/// tab where the app already runs).
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedLink {
    /// The design to open on top of the current one (one Undo away), if it differs.
    pub design: Option<Design>,
    pub message: String,
    pub is_error: bool,
}

/// Reads the share link in `fragment` against the `current` document: a damaged link is refused
/// whole and the document stays; the same design changes nothing; another one opens on top.
pub fn open_link(current: &Design, fragment: &str, had_local_work: bool) -> OpenedLink {
    match share_link::decode(fragment) {
        Ok(design) if design == *current => OpenedLink {
            design: None,
            message: "The shared design is the one you already had open; your work is unchanged."
                .to_owned(),
            is_error: false,
        },
        Ok(design) => OpenedLink {
            design: Some(design),
            message: if had_local_work {
                "Opened the design from the shared link. Undo brings back the design you had \
                 before; from now on your edits are saved here as usual."
            } else {
                "Opened the design from the shared link; your edits are saved in this browser."
            }
            .to_owned(),
            is_error: false,
        },
        Err(error) => OpenedLink {
            design: None,
            message: format!(
                "The shared link cannot be opened: {error}. Your design is unchanged."
            ),
            is_error: true,
        },
    }
}

/// Where an unreadable saved text is kept: [`RECOVERY_KEY`], a colon and the text's CRC-32, so
/// different texts never overwrite each other and keeping the same text twice is harmless.
pub fn recovery_key(saved_text: &str) -> String {
    format!("{RECOVERY_KEY}:{:08x}", crc32(saved_text.as_bytes()))
}

/// The text to store under [`AUTOSAVE_KEY`] (compact: localStorage quotas are a few megabytes).
pub fn autosave_text(design: &Design) -> String {
    serde_json::to_string(design).unwrap_or_default()
}

/// What a first visit opens: the first preset of the scaling story.
pub fn first_visit_design() -> Design {
    presets::all()
        .into_iter()
        .next()
        .map_or_else(presets::single_server, |(_, design)| design)
}

/// What "New design" opens: an empty, untitled canvas with the default alert rules (error rate above
/// 20 %, CPU above 80 %, response time above 5 s), which a monitoring node evaluates once one is
/// added. Nothing of the previous design stays (its name, rules and faults go with it).
pub fn new_design() -> Design {
    let mut design = first_visit_design();
    design.name = "Untitled design".to_owned();
    design.nodes.clear();
    design.links.clear();
    design.faults.clear();
    design.alert_rules = engine::design::AlertRule::defaults();
    design
}

/// Reads an imported design file: the whole file or nothing.
pub fn parse_import(text: &str) -> Result<Design, ImportError> {
    read_design(text)
}

/// The text of an exported design file (pretty, so it diffs and reads well).
pub fn export_text(design: &Design) -> String {
    design.to_json()
}

/// A file name for exporting `design`: its name in lower-case words joined by dashes.
pub fn export_file_name(design: &Design) -> String {
    let slug = design
        .name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "design".to_owned()
    } else {
        slug.chars().take(60).collect()
    };
    format!("{slug}.arch.json")
}

fn read_design(text: &str) -> Result<Design, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: text.len() });
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Design::from_json(text).map_err(|error| match error.problem {
        Problem::UnsupportedVersion { found, newest } if found > newest => {
            ImportError::NewerVersion { found, newest }
        }
        _ => ImportError::Invalid(error),
    })
}
