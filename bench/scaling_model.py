#!/usr/bin/python3
"""Scaling model of `crmpi run`, per stage, from two measured runs: one rank (the work) and two
ranks (the communication the communicator layer logs). Projects the run to N customers / M orders
on P ranks of a described cluster, and names the stage that stops scaling first.

    bench/scaling_model.py --one RUN1.log --two RUN2.log --input-bytes B --results-bytes R \
        [--customers 500e6 --orders 10e9 --nodes 64 --cores 32] [cluster options]

RUN1.log / RUN2.log: the output of `mpiexec -n 1|2 crmpi run --input FILE --out DIR --no-report
--no-checkpoints` on the same FILE (bench/scaling_model.sh makes them). B: FILE's size in bytes;
R: DIR/results.h5's size. docs/scaling.md explains the model and holds its table.

The model of stage s on P ranks (P = nodes x cores, one rank a core):
  compute  t1(s) x (size / measured size) / P / core_speed: every stage's work is divided over the
           ranks by customer (one-rank and two-rank CPU totals agree: no stage repeats the work);
           size is orders for the read pass and the rules stage, customers for the others;
  latency  calls(s) x alpha x ceil(log2 P): the stage's collectives in sequence, each a tree;
  volume   fixed(s) x 2 / beta + shuffled(s) / P / beta + shuffles(s) x P x per_message: fixed-size
           reductions (histograms, sums, counts) move about twice their size per rank; a shuffle
           moves its data / P per rank and posts one message per rank;
  files    the input read (read pass) and results.h5 written (results write) at the file system's
           bandwidth, the aggregate or nodes x a node's client bandwidth, whichever is smaller; a
           stage takes the longer of its compute and its file transfer (reads overlap the work).
beta is a rank's share of its node's network injection bandwidth (all ranks send at once).
"""
import argparse
import math
import re
import sys
from datetime import datetime

# The log's stages, in order; each ends with its "<stage>: communication:" line.
STAGES = ["read pass", "rfm", "clv", "kmeans", "rules", "insights", "results write"]
BY_ORDERS = {"read pass", "rules"}  # work per order (basket); the rest is per customer
# Data shuffles per stage (sample sort / PFP exchange: one all-to-all each), from the code:
# clv spreads the (x, t_x, T) table and the spend pairs (jobs/clv/tables.cpp); rules shuffles the
# group-dependent baskets once overall and once per segment batch (jobs/rules/pfp.cpp, segments.cpp).
SHUFFLES = {"clv": 2, "rules": 2}

STAMP = re.compile(r"^\[(\d\d:\d\d:\d\d\.\d+)\]")
COMM_ONE = re.compile(r"info (.+?): communication: (\d+) calls, ([\d.]+) MiB sent")
COMM_TWO = re.compile(r"info (.+?): communication: rank 0 sent ([\d.]+) MiB in (\d+) calls.*?the largest rank ([\d.]+) MiB")
INPUT = re.compile(r"info input .*?: ([\d.]+)([kMG]?) customers, ([\d.]+)([kMG]?) orders")
# The overall mining's shuffle and the segments' (each line: the largest rank's bytes to other ranks).
RULES_SHUFFLE = re.compile(r"rules: (?:shuffle of the group-dependent baskets|per segment): .*?at most (\d+) bytes from one rank")
PEAK = re.compile(r"memory on rank 0: peak RSS ([\d.]+) MiB")
UNIT = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}


def stamp(line):
    m = STAMP.match(line)
    return datetime.strptime(m.group(1), "%H:%M:%S.%f") if m else None


def read_one(path):
    """Seconds per stage (between the stage-ending log lines), sizes, peak memory."""
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    out = {"seconds": {}}
    start = prev = None
    for line in lines:
        t = stamp(line)
        if t and start is None:
            start = prev = t
        m = INPUT.search(line)
        if m:
            out["customers"] = float(m.group(1)) * UNIT[m.group(2)]
            out["orders"] = float(m.group(3)) * UNIT[m.group(4)]
        m = COMM_ONE.search(line)
        if m and m.group(1) in STAGES:
            out["seconds"][m.group(1)] = (t - prev).total_seconds()
            prev = t
        m = PEAK.search(line)
        if m:
            out["peak_mib"] = float(m.group(1))
    missing = [s for s in STAGES if s not in out["seconds"]]
    if missing or "customers" not in out:
        sys.exit(f"scaling_model: {path}: no timing for {missing or 'the input line'}; a `crmpi run` log at 1 rank?")
    return out


def read_two(path):
    """Per stage: calls and MiB sent (the largest rank), and the rules shuffle's bytes."""
    out = {"calls": {}, "mib": {}, "rules_shuffle_bytes": 0}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = COMM_TWO.search(line)
        if m and m.group(1) in STAGES:
            out["calls"][m.group(1)] = int(m.group(3))
            out["mib"][m.group(1)] = float(m.group(4))
        m = RULES_SHUFFLE.search(line)
        if m:
            out["rules_shuffle_bytes"] += int(m.group(1))
    missing = [s for s in STAGES if s not in out["calls"]]
    if missing:
        sys.exit(f"scaling_model: {path}: no communication line for {missing}; a `crmpi run` log at 2 ranks?")
    return out


def model(one, two, a, ranks):
    """Seconds per stage on `ranks` ranks for a.customers / a.orders, and its parts."""
    scale = {s: (a.orders / one["orders"] if s in BY_ORDERS else a.customers / one["customers"]) for s in STAGES}
    beta = a.nic_gbps / 8 * 1e9 / a.cores  # bytes/s per rank
    fs_read = min(a.fs_read_gbs, a.node_fs_gbs * max(1, ranks / a.cores)) * 1e9
    fs_write = min(a.fs_write_gbs, a.node_fs_gbs * max(1, ranks / a.cores)) * 1e9
    rows = {}
    for s in STAGES:
        compute = one["seconds"][s] * scale[s] / ranks / a.core_speed
        bytes2 = two["mib"][s] * 2**20  # the largest rank's bytes at 2 ranks
        # What a shuffle sends at 2 ranks is about half its data; at P ranks (P-1)/P of data/P.
        shuffled = (two["rules_shuffle_bytes"] if s == "rules" else bytes2 if s == "clv" else 0.0)
        fixed = max(0.0, bytes2 - shuffled)
        data = shuffled * 2 * scale[s]  # the whole shuffle at the target size
        if ranks > 1:
            latency = two["calls"][s] * a.alpha_us * 1e-6 * math.ceil(math.log2(ranks))
            volume = (2 * fixed + data * (ranks - 1) / ranks / ranks) / beta
            volume += SHUFFLES.get(s, 0) * ranks * a.per_message_us * 1e-6
        else:
            latency = volume = 0.0
        files = 0.0
        if s == "read pass":
            files = a.input_bytes * scale[s] / fs_read
        elif s == "results write":
            files = a.results_bytes * a.customers / one["customers"] / fs_write
        rows[s] = {"compute": compute, "comm": latency + volume, "files": files,
                   "total": max(compute, files) + latency + volume}
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--one", required=True, help="crmpi run log at 1 rank")
    p.add_argument("--two", required=True, help="crmpi run log at 2 ranks, same input")
    p.add_argument("--input-bytes", type=float, required=True, help="the measured input file's size")
    p.add_argument("--results-bytes", type=float, required=True, help="the measured run's results.h5 size")
    p.add_argument("--customers", type=float, default=500e6)
    p.add_argument("--orders", type=float, default=10e9)
    p.add_argument("--nodes", type=int, default=64)
    p.add_argument("--cores", type=int, default=32, help="cores (= ranks) per node")
    p.add_argument("--core-speed", type=float, default=1.0, help="a cluster core's speed / this machine's")
    p.add_argument("--alpha-us", type=float, default=2.0, help="latency of one step of a collective")
    p.add_argument("--per-message-us", type=float, default=0.5, help="cost of each message a shuffle posts")
    p.add_argument("--nic-gbps", type=float, default=100.0, help="a node's network injection bandwidth, Gbit/s")
    p.add_argument("--fs-read-gbs", type=float, default=50.0, help="parallel file system, aggregate read GB/s")
    p.add_argument("--fs-write-gbs", type=float, default=25.0, help="aggregate write GB/s")
    p.add_argument("--node-fs-gbs", type=float, default=5.0, help="one node's file system client GB/s")
    a = p.parse_args()
    one, two = read_one(a.one), read_two(a.two)

    P = a.nodes * a.cores
    counts = [1] + [2**i for i in range(1, 32) if 2**i < P] + [P]
    print(f"Measured: {one['customers']:.3g} customers, {one['orders']:.3g} orders; 1 rank {sum(one['seconds'].values()):.1f} s "
          f"({', '.join(f'{s} {t:.2f}' for s, t in one['seconds'].items())}); peak RSS {one.get('peak_mib', float('nan')):.0f} MiB")
    print(f"Target: {a.customers:.3g} customers, {a.orders:.3g} orders on {a.nodes} nodes x {a.cores} cores = {P} ranks\n")

    full = model(one, two, a, P)
    print("| stage | compute s | communication s | file transfer s | total s | share |")
    print("|---|---:|---:|---:|---:|---:|")
    total = sum(r["total"] for r in full.values())
    for s, r in full.items():
        print(f"| {s} | {r['compute']:.2f} | {r['comm']:.3f} | {r['files']:.2f} | {r['total']:.2f} | {r['total'] / total:.0%} |")
    print(f"| **whole run** | | | | **{total:.1f}** | |")
    mem = one.get("peak_mib", 0) * a.customers / one["customers"] / P
    print(f"\nPeak memory per rank (the one-rank peak per customer x customers per rank): {mem:.0f} MiB; "
          f"per node {mem * a.cores / 1024:.1f} GiB")

    # Efficiency of each stage over rank counts at the target size: where it drops below one half.
    print("\nParallel efficiency T(1) / (P T(P)) at the target size:\n")
    print("| stage | " + " | ".join(str(c) for c in counts[1:]) + " | falls below 50% at |")
    print("|---|" + "---:|" * (len(counts) - 1) + "---|")
    t1 = model(one, two, a, 1)
    first = None
    for s in STAGES:
        effs = [t1[s]["total"] / (c * model(one, two, a, c)[s]["total"]) for c in counts[1:]]
        below = next((c for c, e in zip(counts[1:], effs) if e < 0.5), None)
        if below and (first is None or below < first[1]):
            first = (s, below)
        print(f"| {s} | " + " | ".join(f"{e:.2f}" for e in effs) + f" | {below or '-'} |")
    whole = [sum(r["total"] for r in t1.values()) / (c * sum(r["total"] for r in model(one, two, a, c).values()))
             for c in counts[1:]]
    print("| **whole run** | " + " | ".join(f"{e:.2f}" for e in whole) + " | |")
    if first:
        r = model(one, two, a, first[1])[first[0]]
        why = "file transfer" if r["files"] > r["compute"] else "communication"
        print(f"\nFirst to stop scaling: {first[0]} at {first[1]} ranks, bound by {why}.")


if __name__ == "__main__":
    main()
