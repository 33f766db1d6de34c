//! Entry point of the web app: installs the panic hook (console + crash overlay) and mounts the app.

fn main() {
    arch_explorer::crash::install_panic_hook();
    leptos::mount::mount_to_body(arch_explorer::App);
}
