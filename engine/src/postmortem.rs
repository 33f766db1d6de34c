//! A post-mortem drafted from an incident run, with the fields of a classic SRE post-mortem: title,
//! date, status, summary, impact, root cause, trigger, resolution, detection, action items,
//! lessons (what went well, what went wrong, where we got lucky) and the timeline. What the run
//! knows is filled in from it (impact from the run's own totals, detection from the alert, the
//! timeline from the incident's moments); root cause, action items and lessons are the
//! responder's words, kept as given. Exported as Markdown.

use serde::{Deserialize, Serialize};

use crate::incident::{IncidentRun, IncidentTimeline, IncidentWatch, Trigger};
use crate::snapshot::Totals;

/// The availability objective the error budget is counted against (99.9 % of requests).
pub const OBJECTIVE: f64 = 0.999;

/// What the responder writes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Authored {
    pub root_cause: String,
    pub action_items: Vec<String>,
    pub went_well: String,
    pub went_wrong: String,
    pub got_lucky: String,
}

/// Who was hurt and how much.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Impact {
    pub requests: u64,
    pub failed_requests: u64,
    /// Dollars.
    pub revenue_lost: f64,
    /// Failed requests over the failures the objective allows for the run's requests
    /// ((1 − [`OBJECTIVE`]) × requests), 0.. (above 1: the budget is overspent).
    pub error_budget_burned: f64,
}

/// One line of the post-mortem's timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Moment {
    pub time_s: f64,
    pub what: String,
}

/// The draft.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PostMortem {
    pub title: String,
    pub date: String,
    /// "resolved" or "open".
    pub status: String,
    pub summary: String,
    pub impact: Impact,
    pub trigger: String,
    pub resolution: String,
    pub detection: String,
    pub authored: Authored,
    /// Who took which role in the drill.
    pub responders: Vec<(crate::incident::Role, String)>,
    pub timeline: Vec<Moment>,
    /// Production changes made while the incident was open, other than rollbacks and deploys.
    pub debugged_in_production: Vec<f64>,
}

fn seconds(value: f64) -> String {
    format!("{value:.0} s")
}

/// The timeline's moments in time order ("debugged in production" included).
pub fn moments(timeline: &IncidentTimeline) -> Vec<Moment> {
    let named = [
        (timeline.fault_s, "fault: the trigger hits production"),
        (timeline.detected_s, "alert fires (detected)"),
        (timeline.acknowledged_s, "page acknowledged"),
        (timeline.pinned_s, "suspected issue pinned in the logs"),
        (timeline.staging_s, "staging copy opened"),
        (timeline.reproduced_s, "issue reproduced in staging"),
        (timeline.tried_s, "fix tried in staging"),
        (timeline.verified_s, "fix verified in staging"),
        (timeline.deployed_s, "fix deployed to production"),
        (timeline.resolved_s, "alert resolved (incident resolved)"),
    ];
    let mut out: Vec<Moment> = named
        .into_iter()
        .filter_map(|(time, what)| {
            time.map(|time_s| Moment {
                time_s,
                what: what.to_owned(),
            })
        })
        .collect();
    out.extend(
        timeline
            .debugged_in_production
            .iter()
            .map(|&time_s| Moment {
                time_s,
                what: "production changed while the incident was open (debugged in production)"
                    .to_owned(),
            }),
    );
    out.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    out
}

impl PostMortem {
    /// Drafts the post-mortem of `run` (its production's totals at this instant), dated `date`.
    pub fn draft(run: &mut IncidentRun, date: &str, authored: Authored) -> PostMortem {
        let snapshot = run.production.snapshot();
        run.watch.observe(&snapshot);
        PostMortem::draft_from(&run.watch, &snapshot.totals, date, authored)
    }

    /// Drafts the post-mortem of the incident `watch` follows, with production's `totals` at the
    /// instant it last observed.
    pub fn draft_from(
        watch: &IncidentWatch,
        totals: &Totals,
        date: &str,
        authored: Authored,
    ) -> PostMortem {
        let scenario = &watch.scenario;
        let timeline = watch.timeline.clone();
        let resolved = watch.resolved();
        let measures = watch.measures();
        let allowed = (1.0 - OBJECTIVE) * totals.requests as f64;
        let impact = Impact {
            requests: totals.requests,
            failed_requests: totals.failed,
            revenue_lost: totals.revenue_lost,
            error_budget_burned: if allowed > 0.0 {
                totals.failed as f64 / allowed
            } else {
                0.0
            },
        };
        let trigger = match &scenario.trigger {
            Trigger::Release { version } => format!(
                "release {version} reached production{}",
                timeline
                    .fault_s
                    .map_or(String::new(), |t| format!(" at {}", seconds(t)))
            ),
            Trigger::Fault { index } => scenario.design.faults.get(*index).map_or_else(
                || "a scheduled fault".to_owned(),
                |fault| format!("{} at {}", fault.fault, seconds(fault.at_s)),
            ),
        };
        let detection = match (measures.mttd_s, timeline.detected_s) {
            (Some(mttd), Some(at)) => format!(
                "\u{201c}{}\u{201d} fired at {}, {} after the fault",
                scenario.alert,
                seconds(at),
                seconds(mttd)
            ),
            _ => format!("\u{201c}{}\u{201d} has not fired", scenario.alert),
        };
        let resolution = match (resolved, timeline.deployed_s) {
            (true, Some(at)) => format!(
                "a fix deployed at {} resolved the alert at {}",
                seconds(at),
                seconds(timeline.resolved_s.unwrap_or(at))
            ),
            (true, None) => "the alert resolved without a deploy".to_owned(),
            (false, Some(at)) => format!(
                "a fix deployed at {} has not resolved the alert yet",
                seconds(at)
            ),
            (false, None) => "not resolved".to_owned(),
        };
        let summary = format!(
            "{}: {} of {} requests failed ({:.2} %), ${:.2} of revenue lost; {}.",
            scenario.title,
            impact.failed_requests,
            impact.requests,
            if impact.requests > 0 {
                impact.failed_requests as f64 * 100.0 / impact.requests as f64
            } else {
                0.0
            },
            impact.revenue_lost,
            match measures.mttr_s {
                Some(mttr) => format!("resolved {} after the fault", seconds(mttr)),
                None => "still open".to_owned(),
            }
        );
        PostMortem {
            title: format!("Post-mortem: {}", scenario.title),
            date: date.to_owned(),
            status: if resolved { "resolved" } else { "open" }.to_owned(),
            summary,
            impact,
            trigger,
            resolution,
            detection,
            authored,
            responders: watch.roles().to_vec(),
            debugged_in_production: timeline.debugged_in_production.clone(),
            timeline: moments(&timeline),
        }
    }

    /// The post-mortem as a Markdown document.
    pub fn to_markdown(&self) -> String {
        let or_dash = |text: &str| {
            if text.trim().is_empty() {
                "—".to_owned()
            } else {
                text.trim().to_owned()
            }
        };
        let mut out = format!(
            "# {}\n\n- **Date:** {}\n- **Status:** {}\n\n## Summary\n\n{}\n\n## Impact\n\n\
             - Requests: {}\n- Failed requests: {}\n- Revenue lost: ${:.2}\n\
             - Error budget burned: {:.0} % (objective {} % of requests)\n\n",
            self.title,
            self.date,
            self.status,
            self.summary,
            self.impact.requests,
            self.impact.failed_requests,
            self.impact.revenue_lost,
            self.impact.error_budget_burned * 100.0,
            OBJECTIVE * 100.0
        );
        if !self.responders.is_empty() {
            let names: Vec<String> = self
                .responders
                .iter()
                .map(|(role, person)| format!("{person} ({})", role.label()))
                .collect();
            out = out.replacen(
                "\n\n## Summary",
                &format!("\n- **Responders:** {}\n\n## Summary", names.join(", ")),
                1,
            );
        }
        out.push_str(&format!(
            "## Root cause\n\n{}\n\n## Trigger\n\n{}\n\n## Resolution\n\n{}\n\n## Detection\n\n{}\n\n",
            or_dash(&self.authored.root_cause),
            self.trigger,
            self.resolution,
            self.detection
        ));
        out.push_str("## Action items\n\n");
        if self.authored.action_items.is_empty() {
            out.push_str("—\n");
        }
        for item in &self.authored.action_items {
            out.push_str(&format!("- [ ] {}\n", item.trim()));
        }
        out.push_str(&format!(
            "\n## Lessons\n\n### What went well\n\n{}\n\n### What went wrong\n\n{}\n\n\
             ### Where we got lucky\n\n{}\n\n## Timeline\n\n| time | what |\n|---|---|\n",
            or_dash(&self.authored.went_well),
            or_dash(&self.authored.went_wrong),
            or_dash(&self.authored.got_lucky)
        ));
        for moment in &self.timeline {
            out.push_str(&format!(
                "| {} | {} |\n",
                seconds(moment.time_s),
                moment.what
            ));
        }
        out
    }
}
