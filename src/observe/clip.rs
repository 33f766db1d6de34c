//! Export a clip: what the clip form reads (an instant typed as `1:30`, `01:30.5` or `90 s`) and the
//! plan for a time range — the playback speed that keeps the video short, the frame count, the
//! video's length — decided here and tested natively; the drawing and recording are the component's.

/// Frames per second of an exported clip.
pub const CLIP_FPS: f64 = 30.0;
/// The longest video a clip makes, seconds: a longer range plays faster.
pub const MAX_VIDEO_S: f64 = 20.0;
/// The longest range a clip covers, simulated seconds.
pub const MAX_RANGE_S: f64 = 600.0;

/// How a range of the run becomes a video.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClipPlan {
    pub from_s: f64,
    pub to_s: f64,
    /// Simulated seconds per second of video (1 = real time).
    pub speed: f64,
    /// Frames drawn, the first at `from_s` and the last at `to_s`.
    pub frames: u32,
    pub video_s: f64,
}

impl ClipPlan {
    /// The simulated instant of frame `index`.
    pub fn frame_time_s(&self, index: u32) -> f64 {
        (self.from_s + f64::from(index) * self.speed / CLIP_FPS).min(self.to_s)
    }
}

/// An instant typed in the clip form: `mm:ss`, `h:mm:ss`, with tenths, or a number of seconds
/// (`90`, `90 s`).
pub fn read_instant(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("type an instant such as 1:30".to_owned());
    }
    let refused = || format!("“{trimmed}” is not an instant (write it as 1:30 or 90 s)");
    if !trimmed.contains(':') {
        return crate::editor::number::read_number(trimmed, Some("s"))
            .ok()
            .filter(|value| *value >= 0.0)
            .ok_or_else(refused);
    }
    let mut seconds = 0.0;
    for (index, part) in trimmed.split(':').enumerate() {
        let value: f64 = part.trim().parse().map_err(|_| refused())?;
        if !value.is_finite() || value < 0.0 || (index > 0 && value >= 60.0) || index > 2 {
            return Err(refused());
        }
        seconds = seconds * 60.0 + value;
    }
    Ok(seconds)
}

/// The plan for a clip of `from_s..to_s` in a run that has reached `end_s`, or why not.
pub fn plan(from_s: f64, to_s: f64, end_s: f64) -> Result<ClipPlan, String> {
    if to_s <= from_s {
        return Err("the clip must end after it starts".to_owned());
    }
    if to_s > end_s + 1e-6 {
        return Err(format!(
            "the run has only reached {}: the clip cannot end later",
            super::clock(end_s)
        ));
    }
    let range = to_s - from_s;
    if range > MAX_RANGE_S {
        return Err(format!(
            "a clip covers at most {} of the run",
            super::duration(MAX_RANGE_S)
        ));
    }
    let speed = (range / MAX_VIDEO_S).max(1.0);
    let video_s = range / speed;
    let frames = (video_s * CLIP_FPS).ceil() as u32 + 1;
    Ok(ClipPlan {
        from_s,
        to_s,
        speed,
        frames,
        video_s,
    })
}

/// The downloaded file's name: the design's file name with the range (`shop-clip-0130-0200.webm`).
pub fn file_name(design_file_name: &str, plan: &ClipPlan) -> String {
    let stem = design_file_name
        .trim_end_matches(".json")
        .trim_end_matches(".arch");
    let stamp = |seconds: f64| {
        let whole = seconds.floor() as u64;
        format!("{:02}{:02}", whole / 60, whole % 60)
    };
    format!(
        "{stem}-clip-{}-{}.webm",
        stamp(plan.from_s),
        stamp(plan.to_s)
    )
}
