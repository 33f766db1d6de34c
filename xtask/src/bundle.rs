//! Reports the size of the release bundle (wasm + js + css), raw and gzip, as the browser downloads it.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

/// The budget for the finished app, gzip, all of wasm + js + css together.
const BUDGET_GZIP_BYTES: u64 = 400 * 1024;

/// Prints one line per bundle file and the totals: what a visit downloads before the first frame
/// (the style sheets, the app's script and wasm, the split loader), and the views' modules, each
/// downloaded the first time its view is opened.
pub fn report(dist: &Path) -> Result<(), String> {
    let mut at_start: Vec<(String, u64, u64)> = Vec::new();
    let mut on_first_use: Vec<(String, u64, u64)> = Vec::new();
    for path in bundle_files(dist)? {
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let name = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let row = (name, bytes.len() as u64, gzip_size(&bytes)?);
        if is_lazy(&path) {
            on_first_use.push(row);
        } else {
            at_start.push(row);
        }
    }
    if at_start.is_empty() {
        return Err(format!(
            "no .wasm/.js/.css files in {}: build first",
            dist.display()
        ));
    }
    at_start.sort();
    println!("\n==> Release bundle size: downloaded before the first frame");
    for (name, raw, gzip) in &at_start {
        println!(
            "    {name:<48} {:>9} raw {:>9} gzip",
            kilobytes(*raw),
            kilobytes(*gzip)
        );
    }
    let raw_total: u64 = at_start.iter().map(|row| row.1).sum();
    let gzip_total: u64 = at_start.iter().map(|row| row.2).sum();
    println!(
        "    {:<48} {:>9} raw {:>9} gzip",
        "total",
        kilobytes(raw_total),
        kilobytes(gzip_total)
    );
    let verdict = if gzip_total <= BUDGET_GZIP_BYTES {
        "within"
    } else {
        "OVER"
    };
    println!(
        "    {verdict} the {} gzip budget of the finished app",
        kilobytes(BUDGET_GZIP_BYTES)
    );
    if !on_first_use.is_empty() {
        let raw: u64 = on_first_use.iter().map(|row| row.1).sum();
        let gzip: u64 = on_first_use.iter().map(|row| row.2).sum();
        let largest = on_first_use
            .iter()
            .max_by_key(|row| row.2)
            .map(|row| format!("largest {} {}", row.0, kilobytes(row.2)))
            .unwrap_or_default();
        println!(
            "    and {} modules of lazily loaded views, downloaded when first opened: {} raw {} gzip ({largest})",
            on_first_use.len(),
            kilobytes(raw),
            kilobytes(gzip)
        );
    }
    Ok(())
}

/// The .wasm, .js and .css files of `dist`, its split directory included.
fn bundle_files(dist: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut files = Vec::new();
    let mut folders = vec![dist.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|error| format!("cannot read {}: {error}", folder.display()))?;
        for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
            if path.is_dir() {
                folders.push(path);
            } else if matches!(
                path.extension().and_then(|extension| extension.to_str()),
                Some("wasm" | "js" | "css")
            ) {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// A split module of a lazily loaded view (every wasm of the split directory but the app's own).
fn is_lazy(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".wasm") && !name.ends_with("_bg.wasm")
}

fn gzip_size(bytes: &[u8]) -> Result<u64, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bytes)
        .map_err(|error| error.to_string())?;
    let compressed = encoder.finish().map_err(|error| error.to_string())?;
    Ok(compressed.len() as u64)
}

fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}
