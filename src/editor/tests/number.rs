//! The one reader for typed numbers.

use crate::editor::number::{NumberProblem, read_number, read_whole_number};

#[test]
fn numbers_read_the_same_in_every_form() {
    let not_a_number = |text: &str| {
        Err(NumberProblem::NotANumber {
            text: text.to_owned(),
        })
    };
    let cases: [(&str, Option<&str>, Result<f64, NumberProblem>); 13] = [
        ("20", None, Ok(20.0)),
        ("  2.5 ", None, Ok(2.5)),
        ("80,5", None, Ok(80.5)),
        ("10_000", None, Ok(10_000.0)),
        ("-3", None, Ok(-3.0)),
        ("12.5 s", Some("s"), Ok(12.5)),
        ("12.5s", Some("s"), Ok(12.5)),
        ("", None, Err(NumberProblem::Empty)),
        (" s ", Some("s"), Err(NumberProblem::Empty)),
        ("12.5 s", None, not_a_number("12.5 s")),
        (" lots ", None, not_a_number("lots")),
        ("inf", None, not_a_number("inf")),
        ("NaN", None, not_a_number("NaN")),
    ];
    for (text, unit, expected) in cases {
        assert_eq!(read_number(text, unit), expected, "{text:?} {unit:?}");
    }
}

#[test]
fn whole_numbers_read_exactly_up_to_the_largest_seed() {
    assert_eq!(read_whole_number("18446744073709551615"), Ok(u64::MAX));
    assert_eq!(read_whole_number(" 1_000 "), Ok(1_000));
    assert_eq!(
        read_whole_number("1.5"),
        Err(NumberProblem::NotANumber {
            text: "1.5".to_owned()
        })
    );
    assert_eq!(read_whole_number(""), Err(NumberProblem::Empty));
}
