//! `arch-sim`: runs a design file for a number of simulated seconds and prints a JSON report.
//!
//! ```text
//! arch-sim run design.json [--seconds 60] [--seed 7]
//! arch-sim preset <single|vertical|horizontal|distributed|release>  prints a preset design
//! arch-sim digest [release|switching]                                     digest of the reference (or release) run
//! arch-sim speed                                                events/s and customers/s, one line per workload
//! arch-sim replay RUN.run.json [--expect DIGEST]                re-simulates a run file: report + digest
//! arch-sim compare A.json B.json [--seeds 10] [--seconds 120]   A/B under common random numbers, JSON
//! arch-sim flavours --markdown                                  the README's table of flavours
//! arch-sim challenges                                           the built-in challenges, one per line
//! arch-sim incidents                                            the built-in incident scenarios, one per line
//! arch-sim incident ID [--ack S] [--staging S] [--deploy S]     plays one with a scripted responder (seconds
//!                                                               after the page): timeline and MTTD/MTTA/MTTR
//! arch-sim challenge ID DESIGN.json                             grades a design (JSON); exit 1 if not passed
//! arch-sim pack ID... [--title T] [--seeds 1,2,3]               a classroom pack of built-in challenges
//! arch-sim grade PACK.json SUBMISSION.json... [--rubric R.json] [--csv]
//!                                                               re-simulates every submission: a table
//! ```
//! A bad design or run file exits with code 2 and prints the typed error, with its JSON path, on
//! stderr. `replay --expect` exits with code 1 when the replayed digest differs. `grade` exits with
//! 0 when every submitted run passes, 1 otherwise (a damaged submission is a row saying why, never
//! an abort), 2 when the pack or rubric cannot be read.

use std::process::ExitCode;

use engine::run_file::{format_digest, parse_digest};
use engine::{Design, RunFile, Simulation, presets};

fn usage() -> ExitCode {
    eprintln!(
        "usage: arch-sim run DESIGN.json [--seconds N] [--seed N]\n       arch-sim replay RUN.run.json [--expect DIGEST]\n       arch-sim compare A.json B.json [--seeds N] [--seconds N]\n       arch-sim preset single|vertical|horizontal|distributed|release\n       arch-sim digest [release|switching]\n       arch-sim speed\n       arch-sim flavours --markdown\n       arch-sim challenges\n       arch-sim incidents\n       arch-sim incident ID [--seed N] [--ack S] [--staging S] [--deploy S] [--fix ID]\n       arch-sim challenge ID DESIGN.json\n       arch-sim pack ID... [--title T] [--seeds 1,2,3]\n       arch-sim grade PACK.json SUBMISSION.json... [--rubric RUBRIC.json] [--csv]"
    );
    ExitCode::from(64)
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.first().map(String::as_str) {
        Some("run") => run(&arguments[1..]),
        Some("replay") => replay(&arguments[1..]),
        Some("compare") => compare(&arguments[1..]),
        Some("digest") => {
            let digest = match arguments.get(1).map(String::as_str) {
                Some("release") => engine::determinism::release_run(),
                Some("switching") => engine::determinism::switching_run(),
                _ => engine::determinism::reference_run(),
            };
            println!("{}", engine::determinism::format_digest(digest));
            ExitCode::SUCCESS
        }
        Some("speed") => speed(),
        Some("flavours") if arguments.get(1).map(String::as_str) == Some("--markdown") => {
            print!("{}", engine::flavours::markdown_table());
            ExitCode::SUCCESS
        }
        Some("challenges") => {
            for challenge in engine::challenges::all() {
                println!("{}\t{}", challenge.id, challenge.title);
            }
            ExitCode::SUCCESS
        }
        Some("challenge") => challenge(&arguments[1..]),
        Some("incidents") => {
            for scenario in engine::incident::scenarios() {
                println!("{}\t{}", scenario.id, scenario.title);
            }
            ExitCode::SUCCESS
        }
        Some("incident") => incident(&arguments[1..]),
        Some("pack") => pack(&arguments[1..]),
        Some("grade") => grade(&arguments[1..]),
        Some("preset") => {
            let design = match arguments.get(1).map(String::as_str) {
                Some("single") => presets::single_server(),
                Some("vertical") => presets::vertical_scaling(),
                Some("horizontal") => presets::horizontal_scaling(),
                Some("distributed") => presets::distributed(),
                Some("release") => presets::release_day(),
                _ => return usage(),
            };
            println!("{}", design.to_json());
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

/// The engine's speed on the workloads of [`engine::speed`], timed with the native monotonic clock
/// (build with `--release`: a debug build measures nothing useful).
fn speed() -> ExitCode {
    let origin = std::time::Instant::now();
    let clock = || origin.elapsed().as_secs_f64() * 1000.0;
    match engine::speed::measure(&clock) {
        Ok(figures) => {
            for figure in figures {
                println!("{figure}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("a speed workload is not a valid design: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(arguments: &[String]) -> ExitCode {
    let Some(path) = arguments.first() else {
        return usage();
    };
    let mut seconds = 60.0;
    let mut seed = None;
    let mut rest = arguments[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().map(String::as_str).unwrap_or("");
        match flag.as_str() {
            "--seconds" => match value.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => seconds = v,
                _ => return usage(),
            },
            "--seed" => match value.parse::<u64>() {
                Ok(v) => seed = Some(v),
                Err(_) => return usage(),
            },
            _ => return usage(),
        }
    }
    let design = match read_design(path) {
        Ok(design) => design,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or(design.seed);
    let mut simulation = match Simulation::new(&design, seed) {
        Ok(simulation) => simulation,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::from(2);
        }
    };
    simulation.advance(seconds);
    let report = simulation.report();
    match serde_json::to_string_pretty(&report) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write the report: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Re-simulates a run file and prints its report (JSON) and, last, its digest; with `--expect`, a
/// different digest exits with code 1. The digest a file claims is checked too (exit code 2).
fn replay(arguments: &[String]) -> ExitCode {
    let Some(path) = arguments.first() else {
        return usage();
    };
    let expected = match &arguments[1..] {
        [] => None,
        [flag, value] if flag == "--expect" => match parse_digest(value) {
            Some(digest) => Some(digest),
            None => return usage(),
        },
        _ => return usage(),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::from(2);
        }
    };
    let replayed = RunFile::from_json(&text).and_then(|file| file.replay());
    let mut simulation = match replayed {
        Ok(simulation) => simulation,
        Err(error) => {
            eprintln!("{path}: {error}");
            if let Ok(json) = serde_json::to_string(&error) {
                eprintln!("{json}");
            }
            return ExitCode::from(2);
        }
    };
    let digest = simulation.digest();
    match serde_json::to_string_pretty(&simulation.report()) {
        Ok(json) => println!("{json}"),
        Err(error) => {
            eprintln!("cannot write the report: {error}");
            return ExitCode::FAILURE;
        }
    }
    println!("digest {}", format_digest(digest));
    match expected {
        Some(expected) if expected != digest => {
            eprintln!(
                "{path}: replayed digest {} differs from the expected {}",
                format_digest(digest),
                format_digest(expected)
            );
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Reads a design file, or says why not (exit code 2).
fn read_design(path: &str) -> Result<Design, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        eprintln!("{path}: {error}");
        ExitCode::from(2)
    })?;
    Design::from_json(&text).map_err(|error| {
        eprintln!("{path}: {error}");
        if let Ok(json) = serde_json::to_string(&error) {
            eprintln!("{json}");
        }
        ExitCode::from(2)
    })
}

/// Compares two designs under common random numbers (B takes A's fault script) and prints the
/// comparison as JSON: each run's figures and, per metric, the paired difference B − A with its
/// 95 % interval.
fn compare(arguments: &[String]) -> ExitCode {
    let [a_path, b_path, rest @ ..] = arguments else {
        return usage();
    };
    let mut seeds = 10u64;
    let mut seconds = 120.0;
    let mut flags = rest.iter();
    while let Some(flag) = flags.next() {
        let value = flags.next().map(String::as_str).unwrap_or("");
        match flag.as_str() {
            "--seeds" => match value.parse::<u64>() {
                Ok(v) if (1..=1000).contains(&v) => seeds = v,
                _ => return usage(),
            },
            "--seconds" => match value.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => seconds = v,
                _ => return usage(),
            },
            _ => return usage(),
        }
    }
    let (a, b) = match (read_design(a_path), read_design(b_path)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let seeds: Vec<u64> = (1..=seeds).collect();
    match engine::compare::compare(&a, &b, &seeds, seconds) {
        Ok(comparison) => match serde_json::to_string_pretty(&comparison) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("cannot write the comparison: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}

/// Grades a design against a built-in challenge and prints the grade as JSON.
fn challenge(arguments: &[String]) -> ExitCode {
    let [id, path] = arguments else {
        return usage();
    };
    let Some(challenge) = engine::challenges::all().into_iter().find(|c| &c.id == id) else {
        eprintln!("no built-in challenge “{id}” (arch-sim challenges lists them)");
        return ExitCode::from(2);
    };
    let design = match read_design(path) {
        Ok(design) => design,
        Err(code) => return code,
    };
    let grade = engine::challenge::grade_design(&challenge, &design);
    match serde_json::to_string_pretty(&grade) {
        Ok(json) => println!("{json}"),
        Err(error) => {
            eprintln!("cannot write the grade: {error}");
            return ExitCode::FAILURE;
        }
    }
    if grade.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Plays a built-in incident scenario with a scripted responder (times in seconds after the page)
/// and prints its timeline and measures; exit 1 if it is not resolved.
fn incident(arguments: &[String]) -> ExitCode {
    let Some(id) = arguments.first() else {
        return usage();
    };
    let Some(scenario) = engine::incident::scenario(id) else {
        eprintln!("no built-in incident “{id}” (arch-sim incidents lists them)");
        return ExitCode::from(2);
    };
    let (mut seed, mut ack, mut staging, mut deploy) = (1, None, None, None);
    let mut fix = scenario
        .fixes
        .iter()
        .find(|f| f.works)
        .map(|f| f.id.to_owned());
    let mut rest = arguments[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().map(String::as_str).unwrap_or("");
        let seconds = value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0);
        match flag.as_str() {
            "--seed" => match value.parse() {
                Ok(v) => seed = v,
                Err(_) => return usage(),
            },
            "--ack" if seconds.is_some() => ack = seconds,
            "--staging" if seconds.is_some() => staging = seconds,
            "--deploy" if seconds.is_some() => deploy = seconds,
            "--fix" => fix = Some(value.to_owned()),
            _ => return usage(),
        }
    }
    let Some(chosen) = fix.as_deref().and_then(|f| scenario.fix(f)).cloned() else {
        eprintln!("no such fix for “{id}”");
        return ExitCode::from(2);
    };
    let (limit, fraction) = (scenario.seconds, scenario.staging_fraction);
    let mut run = match engine::incident::IncidentRun::start(scenario, seed) {
        Ok(run) => run,
        Err(error) => {
            eprintln!("the scenario's design is invalid: {error}");
            return ExitCode::FAILURE;
        }
    };
    while run.timeline.detected_s.is_none() && run.now_s() < limit {
        run.advance(1.0);
    }
    let Some(detected) = run.timeline.detected_s else {
        eprintln!("the alert never fired within {limit} s");
        return ExitCode::FAILURE;
    };
    // The scripted steps, in time order.
    let mut steps: Vec<(f64, u8)> = [(ack, 0), (staging, 1), (deploy, 2)]
        .into_iter()
        .filter_map(|(at, step)| at.map(|at| (detected + at, step)))
        .collect();
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (at, step) in steps {
        while run.now_s() < at - 1e-9 {
            run.advance(1.0);
        }
        match step {
            0 => run.acknowledge(),
            1 => {
                if let Some((issue, _)) = run.issues().first().cloned() {
                    run.pin(issue);
                }
                run.open_staging(fraction);
                let _ = run.replay_in_staging();
            }
            _ => {
                if let Err(error) = run.deploy(&chosen) {
                    eprintln!("the fix was refused: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    while !run.resolved() && run.now_s() < limit.max(detected + 600.0) {
        run.advance(1.0);
    }
    let out = serde_json::json!({
        "scenario": id,
        "seed": seed,
        "fix": chosen.id,
        "resolved": run.resolved(),
        "timeline": run.timeline,
        "measures": run.measures(),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    if run.resolved() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Prints a classroom pack made of built-in challenges.
fn pack(arguments: &[String]) -> ExitCode {
    let mut title = "Architecture Explorer class".to_owned();
    let mut seeds = Vec::new();
    let mut ids = Vec::new();
    let mut rest = arguments.iter();
    while let Some(argument) = rest.next() {
        match argument.as_str() {
            "--title" => match rest.next() {
                Some(value) => title = value.clone(),
                None => return usage(),
            },
            "--seeds" => {
                let parsed: Result<Vec<u64>, _> = rest
                    .next()
                    .map(String::as_str)
                    .unwrap_or("")
                    .split(',')
                    .map(str::parse)
                    .collect();
                match parsed {
                    Ok(parsed) if !parsed.is_empty() => seeds = parsed,
                    _ => return usage(),
                }
            }
            id => ids.push(id.to_owned()),
        }
    }
    let all = engine::challenges::all();
    let mut challenges = Vec::new();
    for id in &ids {
        match all.iter().find(|c| &c.id == id) {
            Some(challenge) => challenges.push(challenge.clone()),
            None => {
                eprintln!("no built-in challenge “{id}” (arch-sim challenges lists them)");
                return ExitCode::from(2);
            }
        }
    }
    if challenges.is_empty() {
        return usage();
    }
    let pack = engine::pack::Pack {
        title,
        challenges,
        seeds,
        time_limit_min: None,
    };
    println!("{}", pack.to_json());
    ExitCode::SUCCESS
}

/// Re-simulates every submission against a pack and prints the table (or CSV).
fn grade(arguments: &[String]) -> ExitCode {
    use engine::pack::{GradedRun, Pack, Rubric, Submission, csv, grade_submission};
    let mut csv_out = false;
    let mut rubric_path = None;
    let mut paths = Vec::new();
    let mut rest = arguments.iter();
    while let Some(argument) = rest.next() {
        match argument.as_str() {
            "--csv" => csv_out = true,
            "--rubric" => match rest.next() {
                Some(path) => rubric_path = Some(path.clone()),
                None => return usage(),
            },
            path => paths.push(path.to_owned()),
        }
    }
    let Some((pack_path, submissions)) = paths.split_first() else {
        return usage();
    };
    let read =
        |path: &str| std::fs::read_to_string(path).map_err(|error| format!("{path}: {error}"));
    let pack = match read(pack_path)
        .and_then(|text| Pack::from_json(&text).map_err(|error| format!("{pack_path}: {error}")))
    {
        Ok(pack) => pack,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let rubric = match &rubric_path {
        None => None,
        Some(path) => match read(path)
            .and_then(|text| Rubric::from_json(&text).map_err(|error| format!("{path}: {error}")))
        {
            Ok(rubric) => Some(rubric),
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        },
    };
    let mut rows: Vec<GradedRun> = Vec::new();
    for path in submissions {
        match read(path)
            .and_then(|text| Submission::from_json(&text).map_err(|error| error.to_string()))
        {
            Ok(submission) => rows.extend(grade_submission(&pack, rubric.as_ref(), &submission)),
            Err(problem) => rows.push(GradedRun {
                student: path.clone(),
                challenge: String::new(),
                grade: None,
                claimed_score: 0,
                flags: Vec::new(),
                problem: Some(problem),
            }),
        }
    }
    if csv_out {
        print!("{}", csv(&rows));
    } else {
        println!(
            "{}: {} run(s) graded by re-simulation",
            pack.title,
            rows.len()
        );
        for row in &rows {
            let marks: String = row.grade.as_ref().map_or(String::new(), |grade| {
                grade
                    .objectives
                    .iter()
                    .map(|o| if o.passed { '✓' } else { '✗' })
                    .collect()
            });
            let score = row.grade.as_ref().map_or("—".to_owned(), |grade| {
                format!("{:>3}/100 {}★", grade.score, grade.stars)
            });
            let flags: Vec<&str> = row.flags.iter().map(|flag| flag.words()).collect();
            println!(
                "{:<24} {:<16} {:<14} {:<8} {}{}",
                row.student,
                row.challenge,
                score,
                marks,
                flags.join(", "),
                row.problem
                    .as_ref()
                    .map_or(String::new(), |problem| format!(" {problem}"))
            );
        }
    }
    if !rows.is_empty() && rows.iter().all(GradedRun::passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
