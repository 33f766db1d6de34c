//! The Release panel's form: the version it proposes and the check of a draft.

use engine::params::RequestType;
use engine::release::{Defect, Release};

use crate::editor::release_form::{
    DefectChoice, ReleaseDraft, ReleaseField, ReleaseFormError, next_version, parse_request_type,
    request_type_code,
};

#[test]
fn the_next_version_follows_the_highest_seen() {
    assert_eq!(next_version([]), "v2", "after the design's own v1");
    assert_eq!(next_version(["v2"]), "v3");
    assert_eq!(
        next_version(["v3", "v10", "v4"]),
        "v11",
        "by number, not text"
    );
    assert_eq!(
        next_version(["v3-hotfix", "v2.1", "green"]),
        "v4",
        "a name's leading number counts; a name without one does not"
    );
    assert_eq!(next_version(["V7"]), "v8");
}

fn draft(defect: DefectChoice) -> ReleaseDraft {
    ReleaseDraft {
        defect,
        ..ReleaseDraft::new("v2".to_owned())
    }
}

#[test]
fn a_good_draft_becomes_the_release_it_describes() {
    let check = |draft: ReleaseDraft, defect: Option<Defect>| {
        assert_eq!(
            draft.check(),
            Ok(Release {
                version: "v2".to_owned(),
                defect,
                expedited: draft.expedited,
            }),
            "{draft:?}"
        );
    };
    check(draft(DefectChoice::None), None);
    check(
        ReleaseDraft {
            request_type: RequestType::Read,
            rate_percent: "2,5 %".to_owned(),
            ..draft(DefectChoice::ErrorRate)
        },
        Some(Defect::ErrorRate {
            request_type: RequestType::Read,
            rate: 0.025,
        }),
    );
    check(
        draft(DefectChoice::Latency),
        Some(Defect::Latency { factor: 3.0 }),
    );
    check(
        draft(DefectChoice::Crash),
        Some(Defect::Crash { after_s: 60.0 }),
    );
    check(
        ReleaseDraft {
            expedited: true,
            ..draft(DefectChoice::FailingHealthCheck)
        },
        Some(Defect::FailingHealthCheck),
    );
    let spaced = ReleaseDraft::new("  v9  ".to_owned()).check();
    assert_eq!(spaced.map(|release| release.version), Ok("v9".to_owned()));
}

#[test]
fn a_bad_draft_says_what_is_wrong_in_words() {
    let check = |draft: ReleaseDraft, error: ReleaseFormError, words: &str| {
        let refused = draft.check().expect_err("refused");
        assert_eq!(refused, error);
        assert_eq!(refused.to_string(), words);
    };
    check(
        ReleaseDraft::new(" ".to_owned()),
        ReleaseFormError::NoVersion,
        "give the version a name, like v2",
    );
    check(
        ReleaseDraft::new("v".repeat(41)),
        ReleaseFormError::VersionTooLong { length: 41 },
        "a version name has at most 40 characters (this one has 41)",
    );
    check(
        ReleaseDraft {
            rate_percent: "half".to_owned(),
            ..draft(DefectChoice::ErrorRate)
        },
        ReleaseFormError::NotANumber {
            field: ReleaseField::Rate,
            text: "half".to_owned(),
        },
        "Failing share: “half” is not a number",
    );
    check(
        ReleaseDraft {
            rate_percent: "150".to_owned(),
            ..draft(DefectChoice::ErrorRate)
        },
        ReleaseFormError::OutOfRange {
            field: ReleaseField::Rate,
            min: 0.0,
            max: 100.0,
        },
        "Failing share: from 0 to 100 %",
    );
    check(
        ReleaseDraft {
            factor: "0.5".to_owned(),
            ..draft(DefectChoice::Latency)
        },
        ReleaseFormError::OutOfRange {
            field: ReleaseField::Factor,
            min: 1.0,
            max: 1000.0,
        },
        "Slower by: from 1 to 1000 ×",
    );
    check(
        ReleaseDraft {
            after_s: String::new(),
            ..draft(DefectChoice::Crash)
        },
        ReleaseFormError::NotANumber {
            field: ReleaseField::AfterSeconds,
            text: String::new(),
        },
        "Crashes after: enter a number",
    );
    // A field the chosen bug does not use is not read.
    let unused = ReleaseDraft {
        factor: "nonsense".to_owned(),
        ..draft(DefectChoice::None)
    };
    assert!(unused.check().is_ok());
}

#[test]
fn choices_read_back_their_codes() {
    for choice in DefectChoice::ALL {
        assert_eq!(DefectChoice::parse(choice.code()), Some(choice));
    }
    assert_eq!(DefectChoice::parse("meteor"), None);
    for request_type in RequestType::ALL {
        assert_eq!(
            parse_request_type(request_type_code(request_type)),
            Some(request_type)
        );
    }
}
