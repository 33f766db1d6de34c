//! Replay links: a recorded run round-trips through the fragment and replays to its digest; damaged,
//! truncated, oversized, foreign and newer links are refused whole with a typed error, never a panic.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use engine::{LiveCommand, RunAction, RunEntry, RunFile, RunProblem, Simulation, presets};

use crate::editor::replay_link::{ReplayLinkError, decode, encode, is_replay_link};
use crate::editor::share_link::{self, PayloadError};

/// A short run of the horizontal preset with a kill and an acknowledgement, as the app records it.
fn recorded() -> RunFile {
    let design = presets::horizontal_scaling();
    let mut simulation = Simulation::new(&design, 11).expect("valid");
    let mut file = RunFile::new(design, 11);
    simulation.advance(3.0);
    let kill = LiveCommand::Kill {
        node: "server-2".to_owned(),
    };
    simulation.apply(kill.clone()).expect("killed");
    file.timeline.push(RunEntry {
        at_ns: simulation.now_ns(),
        action: RunAction::Live(kill),
    });
    simulation.advance(4.0);
    file.timeline.push(RunEntry {
        at_ns: simulation.now_ns(),
        action: RunAction::Acknowledge { incident: 1 },
    });
    simulation.advance(5.0);
    file.end_ns = simulation.now_ns();
    file.digest = Some(simulation.digest());
    file
}

#[test]
fn a_run_round_trips_through_a_replay_link_and_replays_to_its_digest() {
    let run = recorded();
    let fragment = encode(&run).expect("a short run fits in a link");
    assert!(is_replay_link(&fragment));
    assert!(!is_replay_link("#d=abc"));
    assert!(fragment.len() < 8 * 1024, "{} bytes", fragment.len());
    let opened = decode(&fragment).expect("opens");
    assert_eq!(opened, run);
    let replayed = opened.replay().expect("replays");
    assert_eq!(Some(replayed.digest()), run.digest);
    // Also from a whole URL.
    let url = format!("https://example.org/arch-explorer/{fragment}");
    assert_eq!(decode(&url).expect("opens"), run);
}

#[test]
fn damaged_links_are_refused_with_a_typed_error() {
    let run = recorded();
    let fragment = encode(&run).expect("fits");
    // Cut short (the payload's last bytes lost, still valid base64): the checksum catches it before
    // any decompression.
    let payload = URL_SAFE_NO_PAD.decode(&fragment[3..]).expect("base64");
    let cut = format!(
        "#r={}",
        URL_SAFE_NO_PAD.encode(&payload[..payload.len() - 9])
    );
    let cut = cut.as_str();
    assert_eq!(
        decode(cut),
        Err(ReplayLinkError::Link(PayloadError::Damaged))
    );
    // A character that base64 never has.
    let mut mangled = fragment;
    mangled.insert(10, '!');
    assert_eq!(
        decode(&mangled),
        Err(ReplayLinkError::Link(PayloadError::BadEncoding))
    );
    // A design link is not a run.
    let design_link = share_link::encode(&presets::single_server()).expect("fits");
    assert_eq!(
        decode(&design_link),
        Err(ReplayLinkError::Link(PayloadError::NotOurLink))
    );
    // Intact, but not a run inside: a design's JSON behind #r=.
    let design_inside =
        share_link::encode_payload("#r=", &presets::single_server().to_json()).expect("fits");
    match decode(&design_inside) {
        Err(ReplayLinkError::InvalidRun(error)) => assert_eq!(error.problem, RunProblem::NotARun),
        other => panic!("{other:?}"),
    }
    // Too long to read.
    let long = format!("#r={}", "A".repeat(share_link::MAX_FRAGMENT_BYTES));
    assert!(matches!(
        decode(&long),
        Err(ReplayLinkError::Link(PayloadError::TooLong { .. }))
    ));
    // Every message says what to do in words.
    for error in [decode(cut), decode(&long), decode(&design_link)] {
        let message = error.expect_err("refused").to_string();
        assert!(message.len() > 20, "{message}");
    }
}

#[test]
fn a_run_too_big_for_a_link_says_to_save_it_as_a_file() {
    let mut run = recorded();
    // Many edits: each carries the whole design, renamed with noise that does not compress.
    let mut design = run.design.clone();
    let mut noise: u64 = 0x2545_f491_4f6c_dd1d;
    for index in 0..400 {
        let name: String = (0..256)
            .map(|_| {
                noise ^= noise << 13;
                noise ^= noise >> 7;
                noise ^= noise << 17;
                char::from(b'a' + (noise % 26) as u8)
            })
            .collect();
        design.name = format!("edit {index} {name}");
        run.timeline.push(RunEntry {
            at_ns: run.end_ns,
            action: RunAction::Edit(design.clone()),
        });
    }
    let Err(error) = encode(&run) else {
        panic!("a run of 400 edits is too long for a link")
    };
    assert!(matches!(
        error,
        ReplayLinkError::Link(PayloadError::TooLong { .. })
    ));
    assert!(
        error.to_string().contains("save the run as a file"),
        "{error}"
    );
}

#[test]
fn no_mutated_link_panics() {
    let fragment = encode(&recorded()).expect("fits");
    let bytes = fragment.as_bytes();
    for index in (3..bytes.len()).step_by(7) {
        for replacement in [b'A', b'z', b'-', b'_', b'0'] {
            let mut mutated = bytes.to_vec();
            mutated[index] = replacement;
            if let Ok(text) = String::from_utf8(mutated) {
                let _ = decode(&text);
            }
        }
        let _ = decode(&fragment[..index]);
    }
}
