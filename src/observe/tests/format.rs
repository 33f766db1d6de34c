//! The one clock and the number formats.

use engine::design::AlertMetric;

use crate::observe::format::{
    capitalised, clock, clock_with_tenths, duration, metric_value, percent, plain_number,
    short_number,
};

#[test]
fn simulated_time_reads_as_one_clock_everywhere() {
    let cases = [
        (0.0, "00:00", "00:00.0"),
        (-1.0, "00:00", "00:00.0"),
        (83.46, "01:23", "01:23.4"),
        (59.99, "00:59", "00:59.9"),
        // An hour is no longer "60:00.0" in the toolbar and "1:00:00" in the dock.
        (3600.0, "1:00:00", "1:00:00.0"),
        (3723.55, "1:02:03", "1:02:03.5"),
        (36_000.0, "10:00:00", "10:00:00.0"),
    ];
    for (seconds, plain, tenths) in cases {
        assert_eq!(
            (clock(seconds), clock_with_tenths(seconds)),
            (plain.to_owned(), tenths.to_owned()),
            "{seconds}"
        );
    }
}

#[test]
fn durations_numbers_and_percents_read_in_their_units() {
    assert_eq!(duration(12.54), "12.5 s");
    assert_eq!(duration(59.94), "59.9 s");
    assert_eq!(duration(185.0), "3 min 05 s");
    assert_eq!(plain_number(20.0), "20");
    assert_eq!(plain_number(0.25), "0.25");
    assert_eq!(plain_number(-0.0001), "0");
    assert_eq!(percent("CPU", 0.984), "CPU 98 %");
    assert_eq!(capitalised("memory"), "Memory");
    assert_eq!(capitalised(""), "");
}

#[test]
fn metric_values_read_in_their_units() {
    let cases = [
        (AlertMetric::ErrorRate, 0.2, "20 %"),
        (AlertMetric::Cpu, 0.8056, "80.6 %"),
        (AlertMetric::HitRatio, 1.0, "100 %"),
        (AlertMetric::ResponseTimeP95, 5_000.0, "5 s"),
        (AlertMetric::ResponseTimeMean, 1_250.0, "1.3 s"),
        (AlertMetric::ResponseTimeP95, 180.4, "180 ms"),
        (AlertMetric::QueueLength, 12.4, "12"),
        (AlertMetric::Throughput, 72.4, "72 req/s"),
    ];
    for (metric, value, expected) in cases {
        assert_eq!(metric_value(metric, value), expected, "{metric:?} {value}");
    }
}

#[test]
fn axis_numbers_are_short() {
    let cases = [
        (0.0, "0"),
        (12.0, "12"),
        (2.5, "2.5"),
        (150.4, "150"),
        (45_000.0, "45k"),
        (1_260_000.0, "1.3M"),
    ];
    for (value, expected) in cases {
        assert_eq!(short_number(value), expected, "{value}");
    }
}
