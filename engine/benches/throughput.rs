//! Throughput benchmarks: customers per second on the validation models, events per second, and
//! simulated seconds per wall second for the one-million-requests-per-second design.
//!
//! `cargo bench -p engine` (criterion). `benches/simpy_compare.py` runs SimPy on the same models.

use std::hint::black_box;
use std::time::Instant;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use engine::{Design, Simulation, presets};

fn design(name: &str) -> Design {
    let path = format!("{}/tests/designs/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("design file");
    Design::from_json(&text).expect("valid design")
}

/// Simulated seconds per iteration of the customer benchmarks.
const SECONDS: f64 = 100.0;

fn customers(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("customers");
    for (name, file, rate) in [
        ("mm1", "mm1.json", 80.0),
        ("mm4", "mmc.json", 320.0),
        ("lb_4_servers", "lb_four_servers.json", 320.0),
        ("tandem", "tandem.json", 80.0),
    ] {
        let design = design(file);
        group.throughput(Throughput::Elements((rate * SECONDS) as u64));
        group.bench_function(name, |bencher| {
            bencher.iter_batched(
                || Simulation::new(&design, 1).expect("valid"),
                |mut simulation| {
                    simulation.advance(SECONDS);
                    black_box(simulation.digest())
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn events(criterion: &mut Criterion) {
    let design = presets::distributed();
    // Measure how many events one simulated minute holds, to report events per second.
    let mut probe = Simulation::new(&design, 1).expect("valid");
    probe.advance(60.0);
    let mut group = criterion.benchmark_group("events");
    group.throughput(Throughput::Elements(probe.events_processed()));
    group.bench_function("distributed_preset_60s", |bencher| {
        bencher.iter_batched(
            || Simulation::new(&design, 1).expect("valid"),
            |mut simulation| {
                simulation.advance(60.0);
                black_box(simulation.digest())
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn million(criterion: &mut Criterion) {
    let design = presets::million_requests_per_second();
    let mut simulation = Simulation::new(&design, 1).expect("valid");
    simulation.advance(2.0);
    let started = Instant::now();
    simulation.advance(5.0);
    let ratio = 5.0 / started.elapsed().as_secs_f64();
    println!(
        "million_rps: {ratio:.2} simulated seconds per wall second ({:?})",
        simulation.resolution()
    );
    let mut group = criterion.benchmark_group("million_rps");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000 / 10));
    group.bench_function("simulate_100ms", |bencher| {
        bencher.iter(|| {
            simulation.advance(0.1);
            black_box(simulation.digest())
        });
    });
    group.finish();
}

/// The horizontal-scaling preset with `servers` servers behind its load balancer.
fn wide(servers: usize) -> Design {
    let mut design = presets::horizontal_scaling();
    let template = design.node("server-1").expect("preset server").clone();
    for index in 4..=servers {
        let mut node = template.clone();
        node.id = format!("server-{index}");
        design.nodes.push(node);
        design
            .links
            .push(engine::Link::new("lb", &format!("server-{index}"), 1.0));
        design.links.push(engine::Link::new(
            &format!("server-{index}"),
            "database",
            1.0,
        ));
    }
    design
}

/// What an edit costs the running model (the app calls `reconfigure` on every document change,
/// every pointer move of a drag included).
fn live_edits(criterion: &mut Criterion) {
    let design = wide(300);
    let mut moved = design.clone();
    moved.nodes[5].position.x += 20.0;
    let without = {
        let mut edited = design.clone();
        edited.nodes.retain(|node| node.id != "server-150");
        edited
            .links
            .retain(|link| link.from != "server-150" && link.to != "server-150");
        edited
    };
    let mut group = criterion.benchmark_group("reconfigure_300_servers");
    // A model one simulated second into its run.
    let running = || {
        let mut simulation = Simulation::new(&design, 1).expect("valid");
        simulation.advance(1.0);
        simulation
    };
    group.bench_function("move_a_node", |bencher| {
        bencher.iter_batched(
            running,
            |mut simulation| {
                simulation.reconfigure(&moved).expect("follows");
                // Returned, so dropping the simulation is not timed.
                simulation
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("delete_a_server", |bencher| {
        bencher.iter_batched(
            running,
            |mut simulation| {
                simulation.reconfigure(&without).expect("follows");
                simulation
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, customers, events, million, live_edits);
criterion_main!(benches);
