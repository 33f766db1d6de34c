//! SVG export: one shape per node and link, well nested, and names that stay text.

use engine::{Design, presets};

use crate::editor::svg_export::{escape, export_svg};

fn occurrences(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

fn assert_balanced(svg: &str) {
    for (open, close) in [
        ("<svg ", "</svg>"),
        ("<g ", "</g>"),
        ("<text ", "</text>"),
        ("<title>", "</title>"),
    ] {
        assert_eq!(
            occurrences(svg, open),
            occurrences(svg, close),
            "{open} … {close}"
        );
    }
}

#[test]
fn every_preset_exports_one_shape_per_node_and_link() {
    for (title, design) in presets::all() {
        let svg = export_svg(&design, None);
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{title}"
        );
        assert!(svg.ends_with("</svg>\n"), "{title}");
        assert_eq!(
            occurrences(&svg, "<g class=\"node "),
            design.nodes.len(),
            "{title}"
        );
        assert_eq!(
            occurrences(&svg, "<path class=\"link\""),
            design.links.len(),
            "{title}"
        );
        assert!(svg.contains(&format!("<title>{title}</title>")), "{title}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{title}");
        assert_balanced(&svg);
    }
}

#[test]
fn names_are_text_never_markup() {
    let mut design = presets::single_server();
    design.name = "<b>Shop</b>".to_owned();
    design.nodes[1].name = "<script>alert(\"x\")</script> & 'y'".to_owned();
    let svg = export_svg(&design, None);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<b>"), "{svg}");
    assert!(svg.contains("<title>&lt;b&gt;Shop&lt;/b&gt;</title>"));
    assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;y&apos;"));
    assert_balanced(&svg);
}

#[test]
fn escaping() {
    for (text, expected) in [
        ("plain", "plain"),
        ("a < b > c", "a &lt; b &gt; c"),
        (
            "\"quoted\" & 'single'",
            "&quot;quoted&quot; &amp; &apos;single&apos;",
        ),
        ("bell\u{7}tab\tend", "belltab\tend"),
        ("Café ☕", "Café ☕"),
    ] {
        assert_eq!(escape(text), expected, "{text:?}");
    }
}

#[test]
fn long_names_are_cut_in_the_box_and_kept_whole_in_the_title() {
    let mut design = presets::single_server();
    design.nodes[1].name = "A very long server name indeed".to_owned();
    let svg = export_svg(&design, None);
    assert!(svg.contains(">A very long …</text>"), "{svg}");
    assert!(svg.contains("<title>A very long server name indeed</title>"));
}

#[test]
fn an_empty_design_is_an_empty_picture() {
    let empty = Design {
        nodes: Vec::new(),
        links: Vec::new(),
        ..presets::single_server()
    };
    let svg = export_svg(&empty, None);
    assert_eq!(occurrences(&svg, "<g class=\"node "), 0);
    assert_balanced(&svg);
}

#[test]
fn a_picture_carries_the_title_icons_and_optionally_the_live_figures() {
    use crate::editor::svg_export::ExportFigures;
    let design = presets::distributed();
    let plain = export_svg(&design, None);
    assert!(plain.contains(r#"<text class="heading""#));
    assert!(plain.contains(">Distributed</text>"));
    assert_eq!(
        occurrences(&plain, r#"<g class="icon""#),
        design.nodes.len()
    );
    assert_eq!(occurrences(&plain, r#"<text class="node__figures""#), 0);
    assert!(!plain.contains("Live figures"));
    // With the figures of a real run.
    let mut simulation = engine::Simulation::new(&design, 1).expect("valid");
    simulation.advance(10.0);
    let figures = ExportFigures::from_snapshot(&simulation.snapshot());
    assert_eq!(figures.lines.len(), design.nodes.len());
    let live = export_svg(&design, Some(&figures));
    assert!(
        live.contains("Live figures at 00:10 of simulated time"),
        "{live}"
    );
    assert_eq!(
        occurrences(&live, r#"<text class="node__figures""#),
        design.nodes.len()
    );
    assert!(figures.lines["web"].contains("CPU"), "{:?}", figures.lines);
    assert!(
        figures.lines["users"].ends_with("/s"),
        "{:?}",
        figures.lines
    );
    assert_balanced(&live);
}

#[test]
fn a_pipelines_deploy_link_is_dashed_and_the_others_are_not() {
    let svg = export_svg(&presets::release_day(), None);
    assert_eq!(occurrences(&svg, "stroke-dasharray=\"6 5\""), 1);
    assert!(
        svg.contains("stroke-dasharray=\"6 5\" d=\"") && svg.contains("<title>ci → web</title>")
    );
}
