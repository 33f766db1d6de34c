//! Share links: every preset round-trips; damaged, oversized, hostile and foreign links are refused
//! with the right error and never panic.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use engine::{Node, NodeKind, Problem, presets};

use crate::editor::share_link::{
    FORMAT_VERSION, MAX_DESIGN_BYTES, MAX_FRAGMENT_BYTES, ShareLinkError, crc32, decode, encode,
};

/// A fragment holding `json` compressed, with a correct checksum and the given version byte.
fn fragment_for(json: &[u8], version: u8) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(json, 9);
    let mut payload = vec![version];
    payload.extend_from_slice(&crc32(&compressed).to_be_bytes());
    payload.extend_from_slice(&compressed);
    format!("#d={}", URL_SAFE_NO_PAD.encode(payload))
}

#[test]
fn every_preset_round_trips() {
    for (title, design) in presets::all() {
        let fragment = encode(&design).expect("a preset fits in a link");
        assert!(fragment.starts_with("#d="), "{title}");
        assert!(
            fragment[3..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{title}: the fragment is URL-safe"
        );
        assert!(fragment.len() < 4096, "{title}: {} bytes", fragment.len());
        assert_eq!(decode(&fragment).as_ref(), Ok(&design), "{title}");
    }
}

#[test]
fn the_fragment_is_found_in_a_whole_url_or_without_its_hash() {
    let design = presets::horizontal_scaling();
    let fragment = encode(&design).unwrap();
    for text in [
        format!("https://someone.github.io/arch-explorer/{fragment}"),
        fragment[1..].to_owned(),
        format!("  {fragment}\n"),
    ] {
        assert_eq!(decode(&text).as_ref(), Ok(&design), "{text}");
    }
}

#[test]
fn crc32_matches_the_standard_check_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b""), 0);
}

#[test]
fn foreign_and_garbage_fragments_are_refused_by_kind() {
    let check = |text: &str, expected: ShareLinkError| {
        assert_eq!(decode(text), Err(expected), "{text:?}");
    };
    check("", ShareLinkError::NotOurLink);
    check("#", ShareLinkError::NotOurLink);
    check("#section-2", ShareLinkError::NotOurLink);
    check("#x=AAAA", ShareLinkError::NotOurLink);
    check("#d=", ShareLinkError::Damaged);
    check("#d=!!!!", ShareLinkError::BadEncoding);
    check("#d=a b c", ShareLinkError::BadEncoding);
    check("#d=A", ShareLinkError::BadEncoding);
    check("#d=AQ", ShareLinkError::Damaged);
    check("#d=AAAAAAAA", ShareLinkError::Damaged);
    check(
        &fragment_for(b"{}", 2),
        ShareLinkError::UnsupportedVersion { found: 2 },
    );
    check(&fragment_for(b"{}", 0), ShareLinkError::Damaged);
}

#[test]
fn any_damage_is_caught() {
    let fragment = encode(&presets::distributed()).unwrap();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // Change each character of the payload in turn (to the next one of the alphabet).
    for position in 3..fragment.len() {
        let mut bytes = fragment.clone().into_bytes();
        let index = alphabet.iter().position(|&c| c == bytes[position]).unwrap();
        bytes[position] = alphabet[(index + 1) % alphabet.len()];
        let damaged = String::from_utf8(bytes).unwrap();
        let result = decode(&damaged);
        assert!(
            matches!(
                result,
                Err(ShareLinkError::Damaged
                    | ShareLinkError::BadEncoding
                    | ShareLinkError::UnsupportedVersion { .. })
            ),
            "a change at {position} gave {result:?}"
        );
    }
    // Cut short anywhere.
    for length in 3..fragment.len() {
        let result = decode(&fragment[..length]);
        assert!(
            matches!(
                result,
                Err(ShareLinkError::Damaged | ShareLinkError::BadEncoding)
            ),
            "cut at {length} gave {result:?}"
        );
    }
    assert_eq!(
        ShareLinkError::Damaged.to_string(),
        "the link is damaged: its checksum does not match (was it cut short when copied?)"
    );
}

#[test]
fn oversized_links_are_refused_before_decoding() {
    let long = format!("#d={}", "A".repeat(MAX_FRAGMENT_BYTES));
    assert_eq!(
        decode(&long),
        Err(ShareLinkError::TooLong {
            bytes: MAX_FRAGMENT_BYTES + 2
        })
    );
}

#[test]
fn a_design_too_big_for_a_link_is_refused_when_sharing() {
    // Node names made of pseudo-random hex defeat compression.
    let mut design = presets::single_server();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for index in 0..2500 {
        let mut node = Node::new(&format!("cache-{index}"), NodeKind::Cache, 0.0, 0.0);
        node.name = format!("{:016x}{:016x}{:016x}", next(), next(), next());
        design.nodes.push(node);
    }
    let result = encode(&design);
    assert!(
        matches!(result, Err(ShareLinkError::TooLong { bytes }) if bytes > MAX_FRAGMENT_BYTES),
        "{result:?}"
    );
}

#[test]
fn a_decompression_bomb_stops_at_the_limit() {
    // 4 MB of spaces compress to a few kilobytes: well within the fragment limit.
    let bomb = vec![b' '; 4 * MAX_DESIGN_BYTES];
    let fragment = fragment_for(&bomb, FORMAT_VERSION);
    assert!(fragment.len() < MAX_FRAGMENT_BYTES);
    assert_eq!(decode(&fragment), Err(ShareLinkError::TooLargeUnpacked));
}

#[test]
fn an_intact_link_with_a_bad_design_carries_the_design_error() {
    let check = |json: &str, expected_path: &str| match decode(&fragment_for(
        json.as_bytes(),
        FORMAT_VERSION,
    )) {
        Err(ShareLinkError::InvalidDesign(error)) => {
            assert_eq!(error.path, expected_path, "{json}");
        }
        other => panic!("{json} gave {other:?}"),
    };
    check("not json", "");
    check(r#"{"version": 2, "nodes": []}"#, "nodes");
    check(r#"{"version": 9}"#, "version");
    check(
        r#"{"version": 2, "nodes": [{"id": "u", "kind": "users", "params": {"rate_per_second": -1}}]}"#,
        "nodes[0].params.rate_per_second",
    );
    let invalid_utf8 = fragment_for(&[0xff, 0xfe, 0x00], FORMAT_VERSION);
    assert_eq!(decode(&invalid_utf8), Err(ShareLinkError::Damaged));
    let error = decode(&fragment_for(
        br#"{"version": 2, "nodes": []}"#,
        FORMAT_VERSION,
    ))
    .unwrap_err();
    assert!(
        matches!(&error, ShareLinkError::InvalidDesign(inner) if inner.problem == Problem::NoTrafficSource)
    );
    assert_eq!(
        error.to_string(),
        "the link holds a design that cannot be opened: nodes: the design has no users node, so no \
         requests would ever arrive"
    );
}

#[test]
fn decoding_never_panics_on_noise() {
    // A deterministic stream of fragments: random base64 with valid and invalid headers.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2000 {
        let length = (next() % 200) as usize;
        let body: String = (0..length)
            .map(|_| alphabet[(next() % 64) as usize] as char)
            .collect();
        assert!(decode(&format!("#d={body}")).is_err());
        // The same noise behind a valid version byte and checksum reaches the inflater.
        let bytes: Vec<u8> = (0..length).map(|_| next() as u8).collect();
        let mut payload = vec![FORMAT_VERSION];
        payload.extend_from_slice(&crc32(&bytes).to_be_bytes());
        payload.extend_from_slice(&bytes);
        let fragment = format!("#d={}", URL_SAFE_NO_PAD.encode(payload));
        assert!(decode(&fragment).is_err());
    }
}

#[test]
fn messages_read_well() {
    let check = |error: ShareLinkError, expected: &str| assert_eq!(error.to_string(), expected);
    check(
        ShareLinkError::NotOurLink,
        "this link does not hold a design",
    );
    check(
        ShareLinkError::TooLong { bytes: 70_000 },
        "the link is too long (69 KB; at most 64 KB): export the design as a file instead",
    );
    check(
        ShareLinkError::TooLargeUnpacked,
        "the link unpacks to more than 1024 KB, more than any design holds",
    );
}
