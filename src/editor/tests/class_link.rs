//! Class links: a pack and a submission survive the round trip through the address bar; a damaged
//! or foreign link is refused whole with the reason; a submission reads from a file or a link.

use engine::challenge::{Challenge, DEFAULT_SEEDS};
use engine::objective::{Bound, Measure, Objective};
use engine::pack::{ENGINE_VERSION, Pack, PackProblem, Submission, SubmittedRun};
use engine::{NodeKind, RunFile, presets};

use crate::editor::class_link::{
    ClassLinkError, decode_pack, decode_submission, encode_pack, encode_submission, is_pack_link,
    read_submission,
};
use crate::editor::share_link::{self, PayloadError};

fn pack() -> Pack {
    Pack {
        title: "Week 3: scaling out".to_owned(),
        challenges: vec![Challenge {
            id: "carry".to_owned(),
            title: "Carry the load".to_owned(),
            story: "Keep it up.".to_owned(),
            learn: vec!["Capacity".to_owned()],
            objectives: vec![Objective {
                measure: Measure::Availability,
                bound: Bound::AtLeast,
                target: 0.995,
                from_s: 30.0,
                to_s: 120.0,
                points: 100,
                bonus: false,
            }],
            budget_per_hour: Some(1.5),
            allowed: NodeKind::ALL.to_vec(),
            locked: vec!["users".to_owned()],
            start: presets::horizontal_scaling(),
            seconds: 120.0,
            seeds: DEFAULT_SEEDS.to_vec(),
        }],
        seeds: Vec::new(),
        time_limit_min: Some(45),
    }
}

fn submission(pack: &Pack) -> Submission {
    Submission {
        pack_hash: pack.hash(),
        student: "Ada".to_owned(),
        engine_version: ENGINE_VERSION.to_owned(),
        runs: vec![SubmittedRun {
            challenge: "carry".to_owned(),
            run: RunFile::new(presets::horizontal_scaling(), 11),
            claimed_score: 100,
            claimed_stars: 1,
        }],
    }
}

#[test]
fn a_pack_and_a_submission_survive_the_address_bar() {
    let pack = pack();
    let link = encode_pack(&pack).expect("encodes");
    assert!(is_pack_link(&link));
    assert_eq!(decode_pack(&link).expect("decodes"), pack);
    // A whole URL works too, as pasted.
    let url = format!("https://example.org/arch-explorer/{link}");
    assert_eq!(decode_pack(&url).expect("decodes").hash(), pack.hash());
    let submission = submission(&pack);
    let link = encode_submission(&submission).expect("encodes");
    assert_eq!(decode_submission(&link).expect("decodes"), submission);
    assert_eq!(
        read_submission(&format!("  {link}\n")),
        Ok(submission.clone())
    );
    assert_eq!(read_submission(&submission.to_json()), Ok(submission));
}

#[test]
fn a_damaged_or_foreign_link_is_refused_whole() {
    let pack = pack();
    let link = encode_pack(&pack).expect("encodes");
    let mut damaged = link.clone();
    damaged.truncate(link.len() - 10);
    damaged.push_str("AAAAAAAAAA");
    assert_eq!(
        decode_pack(&damaged),
        Err(ClassLinkError::Link(PayloadError::Damaged))
    );
    // A design's share link is not a pack.
    let design_link = share_link::encode(&presets::single_server()).expect("encodes");
    assert_eq!(
        decode_pack(&design_link),
        Err(ClassLinkError::Link(PayloadError::NotOurLink))
    );
    // A pack link's envelope around something that is not a pack.
    let wrapped =
        share_link::encode_payload("#p=", &presets::single_server().to_json()).expect("encodes");
    match decode_pack(&wrapped) {
        Err(ClassLinkError::Invalid(error)) => {
            assert!(matches!(error.problem, PackProblem::WrongFormat { .. }));
        }
        other => panic!("{other:?}"),
    }
    // A pack given where a submission is expected says so.
    let message = read_submission(&pack.to_json()).expect_err("a pack");
    assert!(message.contains("arch-explorer-submission"), "{message}");
}
