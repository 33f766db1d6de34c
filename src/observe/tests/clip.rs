//! The clip form's instants and a clip's plan.

use crate::observe::clip::{CLIP_FPS, MAX_VIDEO_S, file_name, plan, read_instant};

#[test]
fn instants_are_read_as_clocks_or_seconds() {
    assert_eq!(read_instant("1:30"), Ok(90.0));
    assert_eq!(read_instant(" 01:30.5 "), Ok(90.5));
    assert_eq!(read_instant("1:02:03"), Ok(3723.0));
    assert_eq!(read_instant("90"), Ok(90.0));
    assert_eq!(read_instant("90 s"), Ok(90.0));
    assert!(read_instant("").unwrap_err().contains("type an instant"));
    for bad in ["1:75", "soon", "-5", "1:2:3:4", "1::2"] {
        assert!(read_instant(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_short_range_plays_in_real_time_and_a_long_one_faster() {
    let short = plan(60.0, 75.0, 100.0).expect("fits");
    assert_eq!(short.speed, 1.0);
    assert_eq!(short.video_s, 15.0);
    assert_eq!(short.frames, (15.0 * CLIP_FPS) as u32 + 1);
    assert_eq!(short.frame_time_s(0), 60.0);
    assert_eq!(short.frame_time_s(short.frames - 1), 75.0);
    let long = plan(0.0, 300.0, 300.0).expect("fits");
    assert_eq!(long.video_s, MAX_VIDEO_S);
    assert_eq!(long.speed, 15.0);
    assert!(
        plan(50.0, 40.0, 100.0)
            .unwrap_err()
            .contains("end after it starts")
    );
    assert!(
        plan(0.0, 120.0, 100.0)
            .unwrap_err()
            .contains("only reached 01:40")
    );
    assert!(plan(0.0, 700.0, 800.0).unwrap_err().contains("at most"));
    assert_eq!(
        file_name("shop.arch.json", &plan(90.0, 120.0, 200.0).unwrap()),
        "shop-clip-0130-0200.webm"
    );
}
