#!/usr/bin/env python3
"""Runs the benchmark models in SimPy and in our engine (the arch-sim CLI, release build) in the
same run and prints customers per second of CPU time for each and the ratio (CPU time, not wall
time: another program on the machine slows both clocks alike only if they share the wall clock).

    pip install simpy
    cargo build --release -p engine --bin arch-sim
    python3 engine/benches/simpy_compare.py [--seconds 2000]

The models are the design files in engine/tests/designs: M/M/1 (lambda 80, mu 100), M/M/4
(lambda 320, mu 100 per worker), a load balancer with least connections over four M/M/1 servers
(lambda 320), and a tandem of two M/M/1 stations (lambda 80). SimPy gets the same model written the
usual SimPy way: a source process, a process per customer, Resource request/release, timeouts.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import time

import simpy

HERE = os.path.dirname(os.path.abspath(__file__))
DESIGNS = os.path.join(HERE, "..", "tests", "designs")
CLI = os.path.join(HERE, "..", "..", "target", "release", "arch-sim")


def source(env, rate, customer):
    while True:
        yield env.timeout(random.expovariate(rate))
        env.process(customer())


def mm_c(env, rate, mu, servers, done):
    resource = simpy.Resource(env, capacity=servers)

    def customer():
        with resource.request() as request:
            yield request
            yield env.timeout(random.expovariate(mu))
        done.append(1)

    env.process(source(env, rate, customer))


def lb_least_connections(env, rate, mu, servers, done):
    resources = [simpy.Resource(env, capacity=1) for _ in range(servers)]
    cursor = [0]

    def customer():
        start = cursor[0] % servers
        cursor[0] += 1
        order = [resources[(start + i) % servers] for i in range(servers)]
        resource = min(order, key=lambda r: r.count + len(r.queue))
        with resource.request() as request:
            yield request
            yield env.timeout(random.expovariate(mu))
        done.append(1)

    env.process(source(env, rate, customer))


def tandem(env, rate, mu, done):
    first, second = simpy.Resource(env, capacity=1), simpy.Resource(env, capacity=1)

    def customer():
        for station in (first, second):
            with station.request() as request:
                yield request
                yield env.timeout(random.expovariate(mu))
        done.append(1)

    env.process(source(env, rate, customer))


MODELS = {
    "mm1": ("mm1.json", lambda env, done: mm_c(env, 80.0, 100.0, 1, done)),
    "mm4": ("mmc.json", lambda env, done: mm_c(env, 320.0, 100.0, 4, done)),
    "lb_4_servers": ("lb_four_servers.json", lambda env, done: lb_least_connections(env, 320.0, 100.0, 4, done)),
    "tandem": ("tandem.json", lambda env, done: tandem(env, 80.0, 100.0, done)),
}


def run_simpy(build, seconds):
    random.seed(1)
    env = simpy.Environment()
    done = []
    build(env, done)
    started = time.process_time()
    env.run(until=seconds)
    return len(done) / (time.process_time() - started)


def child_cpu_seconds():
    """CPU time (user + system) of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_engine(design, seconds):
    path = os.path.join(DESIGNS, design)
    # The start-up and JSON cost of the CLI is measured with a zero-second run and taken off.
    started = child_cpu_seconds()
    subprocess.run([CLI, "run", path, "--seconds", "0"], check=True, capture_output=True)
    overhead = child_cpu_seconds() - started
    started = child_cpu_seconds()
    output = subprocess.run([CLI, "run", path, "--seconds", str(seconds)], check=True, capture_output=True)
    elapsed = max(child_cpu_seconds() - started - overhead, 1e-9)
    report = json.loads(output.stdout)
    return report["totals"]["completed"] / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2000.0, help="simulated seconds per model")
    arguments = parser.parse_args()
    if not os.path.exists(CLI):
        raise SystemExit("build the CLI first: cargo build --release -p engine --bin arch-sim")
    print(f"{'model':<14}{'SimPy customers/CPU s':>24}{'engine customers/CPU s':>24}{'ratio':>10}")
    ratios = []
    for name, (design, build) in MODELS.items():
        simpy_rate = run_simpy(build, arguments.seconds)
        # The engine is much faster: give it 20 times the simulated time for a stable timing.
        engine_rate = run_engine(design, arguments.seconds * 20)
        ratio = engine_rate / simpy_rate
        ratios.append(ratio)
        print(f"{name:<14}{simpy_rate:>24,.0f}{engine_rate:>24,.0f}{ratio:>9.0f}x")
    print(f"lowest ratio: {min(ratios):.0f}x (target: 60x, goal: 150x)")


if __name__ == "__main__":
    main()
