//! Entry point of the web app: sends panics to the console and mounts the app, nothing else.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(arch_explorer::App);
}
