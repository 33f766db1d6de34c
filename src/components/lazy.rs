//! Views whose code downloads the first time they are opened: the release build moves each into a
//! wasm module of its own (`--cfg split_views`, see `xtask/src/split.rs`), so the first frame waits
//! only for the code of the running design.
//!
//! [`lazy_view!`] declares such a view as an `async fn`: in the split build a `wasm_split` function
//! (whose code the splitter moves out, loaded on the first call), elsewhere (`trunk serve`, tests) a
//! plain `async fn`. [`lazy_once`] mounts it the first time it is needed and keeps it mounted, with a
//! line while it downloads and, if the download fails, a message with a retry (and, over the page,
//! a Close) — a failed download never takes the app down, and nothing the user has built is
//! touched.

use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// A lazily loaded view's code could not be downloaded (the network dropped, the site was
/// redeployed underneath the page). Loading again retries from scratch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ViewLoadFailed;

impl From<leptos::wasm_split::SplitLoaderError> for ViewLoadFailed {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> ViewLoadFailed {
        ViewLoadFailed
    }
}

/// Declares `async fn name(args) -> Result<AnyView, ViewLoadFailed>` whose body is the view: in the
/// split release build its code lives in a wasm module named after it, downloaded on the first call.
macro_rules! lazy_view {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$meta])*
        #[cfg(split_views)]
        #[::leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, fallible)]
        $vis fn $name(
            $($arg: $ty),*
        ) -> Result<::leptos::prelude::AnyView, $crate::components::ViewLoadFailed> {
            Ok($body)
        }

        $(#[$meta])*
        #[cfg(not(split_views))]
        $vis async fn $name(
            $($arg: $ty),*
        ) -> Result<::leptos::prelude::AnyView, $crate::components::ViewLoadFailed> {
            Ok($body)
        }
    };
}
pub(crate) use lazy_view;

/// Where a lazily loaded view sits, for its loading line and failure message.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LazyPlace {
    /// In a panel: the lines take the view's place.
    Inline,
    /// Over the page (a dialog): no loading line (it is a blink), a failure shown at the bottom
    /// with a Close button as well as Try again. `open` is the owner's flag for showing the view:
    /// Close puts it down and hides the message, and the next time it is raised the download is
    /// tried again.
    Floating { open: RwSignal<bool> },
}

/// Mounts the view `load` gives (a [`lazy_view!`] function) the first time `when` is true, and keeps
/// it mounted after that.
pub(crate) fn lazy_once<W, L, F>(place: LazyPlace, when: W, load: L) -> impl IntoView
where
    W: Fn() -> bool + Send + Sync + 'static,
    L: Fn() -> F + Send + Sync + Clone + 'static,
    F: Future<Output = Result<AnyView, ViewLoadFailed>> + 'static,
{
    let opened = Memo::new(move |before: Option<&bool>| before.copied().unwrap_or(false) || when());
    // Bumped by "Try again": the view is asked for anew.
    let attempt = RwSignal::new(0u32);
    // A floating failure message put away with Close; it comes back, with a new attempt, when its
    // owner opens the view again.
    let dismissed = RwSignal::new(false);
    if let LazyPlace::Floating { open } = place {
        Effect::new(move |before: Option<bool>| {
            let now = open.get();
            if now && before == Some(false) && dismissed.get_untracked() {
                dismissed.set(false);
                attempt.update(|attempt| *attempt += 1);
            }
            now
        });
    }
    move || {
        (opened.get() && !dismissed.get()).then(|| {
            attempt.track();
            let load = load.clone();
            let fallback = move || {
                matches!(place, LazyPlace::Inline)
                    .then(|| view! { <p class="lazy-view__loading" role="status">"Loading…"</p> })
            };
            view! {
                <Suspense fallback=fallback>
                    {Suspend::new(SendWrapper::new(async move {
                        match load().await {
                            Ok(view) => view,
                            Err(ViewLoadFailed) => failed(place, attempt, dismissed),
                        }
                    }))}
                </Suspense>
            }
        })
    }
}

/// The message shown when a view's code could not be downloaded.
fn failed(place: LazyPlace, attempt: RwSignal<u32>, dismissed: RwSignal<bool>) -> AnyView {
    let (class, open) = match place {
        LazyPlace::Inline => ("lazy-view__failed", None),
        LazyPlace::Floating { open } => {
            ("lazy-view__failed lazy-view__failed--floating", Some(open))
        }
    };
    let close = open.map(|open| {
        view! {
            <button
                class="button"
                type="button"
                on:click=move |_| {
                    dismissed.set(true);
                    open.set(false);
                }
            >
                "Close"
            </button>
        }
    });
    view! {
        <p class=class role="alert">
            "This part of the app could not be downloaded: the network may be down, or a newer \
             version of the site was published (reloading the page gets it). Your design is safe. "
            <button class="button" type="button" on:click=move |_| attempt.update(|attempt| *attempt += 1)>
                "Try again"
            </button>
            {close}
        </p>
    }
    .into_any()
}
