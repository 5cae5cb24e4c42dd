#!/usr/bin/python3
"""Whole-process time of `crmpi rules` on the FIMI sets, beside the launch floor (docs/PERFORMANCE.md,
"Rules": Borgelt's fpgrowth targets are whole-process times of a run that writes the itemsets).

For each case and each binary given, alternating, ROUNDS runs of
    crmpi rules --input CASE.h5 --out DIR --min-support F [--itemsets-only | --recommend 0]
started alone (no launcher: crmpi then runs without MPI, docs/slurm.md "Launch cost"), and of
`crmpi --version` (the launch floor). CPU is user + sys of the process and its children, from
os.wait4; wall is the elapsed time. Prints medians. The .h5 inputs are made once with `crmpi ingest --format fimi`.

usage: rules_whole_process.py --crmpi BIN [--crmpi OTHER_BIN ...] [--rounds 5] [--workdir /tmp/rwp]
                              [--mode itemsets|rules] [--cases retail-0.1,T10I4D100K-0.1,mushroom-10]
                              [--mpi-defaults]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import time

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "baskets")
CASES = {"retail-0.1": ("retail", 0.001), "retail-1": ("retail", 0.01), "T10I4D100K-0.1": ("T10I4D100K", 0.001),
         "mushroom-10": ("mushroom", 0.1), "mushroom-30": ("mushroom", 0.3), "chess-80": ("chess", 0.8)}


# As rules_peer_bench.py: pml=ob1, the PML Open MPI selects anyway without an HPC fabric, named so
# that MPI_Init does not probe the others (docs/slurm.md, "Launch cost"); --mpi-defaults: not named.
ENV = dict(os.environ, OMPI_MCA_pml="ob1")


def timed(cmd):
    """(CPU seconds of the process tree, wall seconds)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {os.waitstatus_to_exitcode(status)}")
    return ru.ru_utime + ru.ru_stime, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crmpi", action="append", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workdir", default="/tmp/rwp")
    ap.add_argument("--mode", choices=("itemsets", "rules"), default="itemsets")
    ap.add_argument("--cases", default="retail-0.1,T10I4D100K-0.1,mushroom-10")
    ap.add_argument("--mpi-defaults", action="store_true", help="do not name pml=ob1")
    a = ap.parse_args()
    if a.mpi_defaults:
        ENV.pop("OMPI_MCA_pml", None)
    os.makedirs(a.workdir, exist_ok=True)
    extra = ["--itemsets-only"] if a.mode == "itemsets" else ["--recommend", "0"]
    cases = a.cases.split(",")
    for c in cases:
        name, _ = CASES[c]
        h5 = os.path.join(a.workdir, name + ".h5")
        if not os.path.exists(h5):
            subprocess.run([a.crmpi[0], "ingest", "--format", "fimi", os.path.join(DATA, name + ".dat"), "--out", h5,
                            "--log-level", "warn"], check=True)
    res = {}
    out = os.path.join(a.workdir, "out")
    for _ in range(a.rounds):
        for b in a.crmpi:
            res.setdefault((b, "floor"), []).append(timed([b, "--version"]))
            for c in cases:
                name, support = CASES[c]
                shutil.rmtree(out, ignore_errors=True)
                res.setdefault((b, c), []).append(timed([b, "rules", "--input", os.path.join(a.workdir, name + ".h5"),
                                                         "--out", out, "--min-support", str(support), *extra,
                                                         "--log-level", "warn"]))
    print(f"mode {a.mode}; pml {ENV.get('OMPI_MCA_pml', '(Open MPI default)')}; medians of {a.rounds} alternating rounds; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| binary | case | CPU s (process tree) | wall s |")
    print("|---|---|---:|---:|")
    for (b, c), v in res.items():
        print(f"| {b} | {c} | {statistics.median(x[0] for x in v):.3f} | {statistics.median(x[1] for x in v):.3f} |")


if __name__ == "__main__":
    main()
