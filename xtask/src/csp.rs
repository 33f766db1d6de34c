//! Fills the page's Content-Security-Policy with the SHA-256 hashes of the inline scripts Trunk injects.
//!
//! Trunk boots the app with an inline `<script type="module">` (and, under `trunk serve`, an auto-reload
//! script). A strict policy refuses inline scripts unless their hash is listed, so after every build Trunk
//! runs this as a post-build hook: it hashes each inline script of the staged `index.html` and writes the
//! hashes where `index.html` holds the placeholder. No `'unsafe-inline'`, no `'unsafe-eval'` for scripts.
//!
//! `trunk serve` fills the auto-reload script's `{{__TRUNK_ADDRESS__}}` and `{{__TRUNK_WS_BASE__}}` when it
//! serves the page, after this hook ran, so that script is hashed as it will be served: with the address
//! `cargo xtask serve` uses and the build's public URL.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The token in `index.html`'s policy that the hashes replace.
const PLACEHOLDER: &str = "'inline-script-hashes'";

/// Reads `TRUNK_STAGING_DIR` (set by Trunk for hooks) and rewrites its `index.html`.
pub fn fill_from_trunk_environment() -> Result<(), String> {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .ok_or("`cargo xtask post-build` runs as a Trunk post-build hook: TRUNK_STAGING_DIR is not set")?;
    let page = staging.join("index.html");
    let html = std::fs::read_to_string(&page)
        .map_err(|error| format!("cannot read {}: {error}", page.display()))?;
    let serving = ServeValues {
        address: std::env::var("ARCH_EXPLORER_SERVE_ADDRESS")
            .unwrap_or_else(|_| "127.0.0.1:8080".to_string()),
        websocket_base: std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "/".to_string()),
    };
    let filled = fill(&html, &serving)?;
    std::fs::write(&page, filled)
        .map_err(|error| format!("cannot write {}: {error}", page.display()))
}

/// What `trunk serve` substitutes into the auto-reload script when it serves the page.
pub struct ServeValues {
    pub address: String,
    pub websocket_base: String,
}

/// Replaces the placeholder with one `'sha256-…'` source per inline script in `html`.
pub fn fill(html: &str, serving: &ServeValues) -> Result<String, String> {
    if !html.contains(PLACEHOLDER) {
        return Err(format!(
            "index.html's Content-Security-Policy has no {PLACEHOLDER} placeholder"
        ));
    }
    let sources: Vec<String> = inline_scripts(html)
        .map(|script| {
            let served = script
                .replace("{{__TRUNK_ADDRESS__}}", &serving.address)
                .replace("{{__TRUNK_WS_BASE__}}", &serving.websocket_base);
            let digest = Sha256::digest(served.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    Ok(html.replace(PLACEHOLDER, &sources.join(" ")))
}

/// The bodies of `<script>` elements that have no `src` attribute.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find("<script")?;
            let tag_end = open + rest[open..].find('>')?;
            let tag = &rest[open..tag_end];
            let body_start = tag_end + 1;
            let body_end = body_start + rest[body_start..].find("</script>")?;
            let body = &rest[body_start..body_end];
            rest = &rest[body_end..];
            if !tag.contains(" src=") {
                return Some(body);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = concat!(
            "<meta content=\"script-src 'self' 'inline-script-hashes'\">",
            "<script src=\"/a.js\"></script>",
            "<script type=\"module\">alert(1)</script>",
        );
        let filled = fill(html, &serving()).unwrap();
        // sha256("alert(1)") in base64, as `echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64` prints.
        assert!(
            filled.contains(
                "script-src 'self' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='\""
            )
        );
        assert_eq!(filled.matches("sha256-").count(), 1);
    }

    #[test]
    fn refuses_a_page_without_the_placeholder() {
        assert!(fill("<script>alert(1)</script>", &serving()).is_err());
    }

    #[test]
    fn hashes_the_auto_reload_script_as_trunk_serves_it() {
        let html =
            "<meta content=\"'inline-script-hashes'\"><script>x('{{__TRUNK_ADDRESS__}}')</script>";
        let filled = fill(html, &serving()).unwrap();
        let expected = Sha256::digest("x('127.0.0.1:8080')".as_bytes());
        let expected = base64::engine::general_purpose::STANDARD.encode(expected);
        assert!(filled.contains(&expected), "{filled}");
    }

    fn serving() -> ServeValues {
        ServeValues {
            address: "127.0.0.1:8080".to_string(),
            websocket_base: "/".to_string(),
        }
    }
}
