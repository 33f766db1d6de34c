//! Reports the size of the release bundle (wasm + js + css), raw and gzip, as the browser downloads it.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

/// The budget for the finished app, gzip, all of wasm + js + css together.
const BUDGET_GZIP_BYTES: u64 = 400 * 1024;

/// Prints one line per bundle file and the totals.
pub fn report(dist: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dist)
        .map_err(|error| format!("cannot read {}: {error}", dist.display()))?;
    let mut rows: Vec<(String, u64, u64)> = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let is_bundle = matches!(
            path.extension().and_then(|extension| extension.to_str()),
            Some("wasm" | "js" | "css")
        );
        if !is_bundle {
            continue;
        }
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        rows.push((name, bytes.len() as u64, gzip_size(&bytes)?));
    }
    if rows.is_empty() {
        return Err(format!(
            "no .wasm/.js/.css files in {}: build first",
            dist.display()
        ));
    }
    rows.sort();
    println!("\n==> Release bundle size");
    for (name, raw, gzip) in &rows {
        println!(
            "    {name:<48} {:>9} raw {:>9} gzip",
            kilobytes(*raw),
            kilobytes(*gzip)
        );
    }
    let raw_total: u64 = rows.iter().map(|row| row.1).sum();
    let gzip_total: u64 = rows.iter().map(|row| row.2).sum();
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
    Ok(())
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
