#!/usr/bin/python3
"""`crmpi rules` (whole process, 1 and 2 ranks) side by side with Weka's FPGrowth, same run (issue 14).

    /usr/bin/python3 bench/rules_peer_bench.py [--crmpi build/jobs/crmpi] [--mpiexec mpirun]
        [--data ../shared/data/baskets] [--cases retail-1,retail-0.1,...] [--repeats 3]
        [--weka-heap 10g] [--weka-timeout 600] [--gen-customers 1000000] [--workdir DIR]

Benchmark-only dependency: `apt-get install --no-install-recommends weka` (Debian 12: Weka 3.6.14,
/usr/share/java/weka.jar, run with the system java).

Cases (support as a fraction; count = ceil(F x baskets) in both programs): retail.dat 1% and 0.1%,
T10I4D100K.dat 0.1%, groceries.csv 0.1%, mushroom.dat 10% and 30%, chess.dat 80%, and `gen`: the
orders of `crmpi generate --customers N --seed 42` (N = 1,000,000 gives 9,799,377 orders, every one
with items) at 0.01% (--gen-support), each at min confidence 0.8.

What runs, per case:
  - input: `crmpi ingest --format fimi` (the .dat files) or `--format basket-csv` (groceries) into
    the project's HDF5, timed apart (column "ingest"); the generated case is already HDF5. The same
    baskets are written once as sparse ARFF for Weka (one {0,1} attribute per item, one sparse
    instance per basket; the generated case read from /orders/item_offset and /items/product_id).
    Neither conversion is timed.
  - crmpi: `mpirun -n R crmpi rules --input X.h5 --out DIR --min-support F --min-confidence 0.8
    --max-consequent 0 --max-itemsets 100000000 --recommend 0` at R = 2, and at R = 1 started alone
    (`crmpi rules ...`, no launcher, no MPI; --mpirun-one-rank: `mpirun -n 1`): every rule with any
    consequent size, which is what Weka's FPGrowth derives (AssociationRule.generateRulesBruteForce:
    every split of every itemset), so both programs produce the same rules (mushroom 10%: the
    single-consequent rules, see CASES); no cross-sell recommendations (Weka makes none). Wall time
    of the whole process (mpirun included), results.h5 and the CSVs written; every crmpi process
    under an address-space limit (--crmpi-mem-limit, 8 GiB).
  - Weka: `java -Xmx<heap> -cp weka.jar weka.associations.FPGrowth -t X.arff -M F -C 0.8 -S` (-S:
    one mining at the lower support bound, every rule meeting -C; output to a file), capped at
    --weka-timeout seconds; whole process (JVM start, ARFF parsing, mining, rules, printing).
  - launch floors, in every round: `mpirun -n R crmpi --version` (Open MPI's start, MPI_Init,
    MPI_Finalize: no work) and `java -Xmx<heap> -cp weka.jar weka.core.Version` (the JVM's start).
    "net" = whole process - its floor; the ratios are given both ways.
Repeats are interleaved (floors, crmpi 1 rank, crmpi 2 ranks, Weka in each round); the table shows
medians; a case where crmpi at 1 rank takes over --long-s seconds (20), and the generated case, run
one round; Weka runs again only if it finished in the first round.

Reported: baskets/s and itemsets/s (baskets or frequent itemsets / whole-process wall time);
peak memory: crmpi's own log lines `memory on rank R: peak RSS` (the largest rank's) and,
for Weka, /usr/bin/time -v's maximum resident set size of the JVM; the crmpi stage's phases (log
line `rules: ... (count, shuffle, mine, gather, rules)`); the ratio Weka / crmpi (whole process);
1 -> 2 ranks speedup; the load average (1 min) at the start of each case.

Agreement: Weka keeps a rule when its confidence is strictly above -C (Groceries at 0.001 / 0.5:
Weka 5,347 rules, a brute force count 5,347 with conf > 0.5, 5,829 with conf >= 0.5), crmpi when
it is at least C. The check compares Weka's rule count with the number of crmpi's rules (from
/rules/rules/confidence, the same double division count(X u Y) / count(X) as Weka's) strictly
above C, and, when both have at most --max-compare rules, the rule sets themselves with their
counts (Weka prints antecedent and rule counts). Weka does not print its itemset count; crmpi's
is in the table.
"""
import argparse
import json
import math
import os
import re
import resource
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

# pml=ob1: the PML Open MPI selects anyway on a machine without an HPC fabric; naming it skips
# probing the cm PML's PSM/PSM2 transports, 0.2 s of every MPI_Init here (docs/slurm.md, "Launch
# cost"). --mpi-defaults leaves Open MPI's own choice.
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_pml="ob1")
WEKA_JAR = "/usr/share/java/weka.jar"

# name: (file, ingest format, support, crmpi --max-consequent)
CASES = {
    "retail-1": ("retail.dat", "fimi", 0.01, 0),
    "retail-0.1": ("retail.dat", "fimi", 0.001, 0),
    "T10I4D100K-0.1": ("T10I4D100K.dat", "fimi", 0.001, 0),
    "groceries-0.1": ("groceries.csv", "basket-csv", 0.001, 0),
    # 574,431 itemsets of up to 16 items: the rules with every consequent size do not fit in this
    # machine's 23 GB (crmpi was killed by the kernel at 23 GB); crmpi derives the single-consequent
    # rules, the ones it makes by default.
    "mushroom-10": ("mushroom.dat", "fimi", 0.10, 1),
    "mushroom-30": ("mushroom.dat", "fimi", 0.30, 0),
    "chess-80": ("chess.dat", "fimi", 0.80, 0),
    "gen": (None, "generated", 0.0001, 0),
}

STAGE_RE = re.compile(r"rules: (\d+) baskets, min count (\d+), (\d+) frequent items, (\d+) frequent itemsets, "
                      r"(\d+) rules in ([\d.]+)s \(count ([\d.]+)s, shuffle ([\d.]+)s, mine ([\d.]+)s, "
                      r"gather ([\d.]+)s, rules ([\d.]+)s\)")
MEM_RE = re.compile(r"memory on rank (\d+)(?: \(largest\))?: peak RSS ([\d.]+) MiB")
MAXRSS_RE = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
WEKA_RE = re.compile(r"FPGrowth found (\d+) rules")
WEKA_RULE_RE = re.compile(r"^\s*\d+\. \[(.*)\]: (\d+) ==> \[(.*)\]: (\d+)")


def run_timed(cmd, timeout, env=None, stdout_path=None, as_limit=None):
    """Runs cmd under /usr/bin/time -v; returns (rc, wall s, max RSS kB, stderr text). as_limit: an
    address-space limit (bytes) for it and every process it starts (a shared machine: a run that
    outgrows it fails instead of making the kernel kill someone else's processes)."""
    full = ["/usr/bin/time", "-v", *cmd]
    out = open(stdout_path, "w") if stdout_path else subprocess.PIPE
    t0 = time.perf_counter()
    # Own session, so that a timeout kills the whole tree (time, java or mpirun and its ranks), not
    # only /usr/bin/time (which would leave the JVM running). The limit is this process's own while
    # it starts the child, which inherits it: a preexec_fn would make Python fork its whole address
    # space instead of vfork (~5 ms of every crmpi run here, against none for Weka's, which has no
    # limit; `prlimit` as a wrapper costs ~2 ms).
    saved = resource.getrlimit(resource.RLIMIT_AS)
    if as_limit:
        resource.setrlimit(resource.RLIMIT_AS, (as_limit, saved[1]))
    try:
        p = subprocess.Popen(full, stdout=out, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, saved)
    try:
        so, se = p.communicate(timeout=timeout)
        rc, err = p.returncode, (se or "") + (so or "")
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        so, se = p.communicate()
        rc, err = "timeout", (se or "")
    wall = time.perf_counter() - t0
    if stdout_path:
        out.close()
    m = MAXRSS_RE.search(err)
    return rc, wall, int(m.group(1)) if m else None, err


# ---------------------------------------------------------------- inputs

def read_basket_file(path, fmt):
    """Baskets of a FIMI (.dat) or basket CSV file as lists of item strings (as crmpi ingest reads
    them: one non-blank line a basket; FIMI ids split on blanks, CSV names on commas; the test data
    has no quoted names)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            out.append(line.split() if fmt == "fimi" else line.rstrip("\r\n").split(","))
    return out


def write_arff(baskets, n_items, path):
    """Sparse ARFF: attribute k = item k (a {0,1} attribute), one sparse instance per basket listing
    its distinct items with value 1 (Weka's FPGrowth counts the values present in a sparse
    instance). baskets: iterable of lists of item indices. Written to a temporary name, then
    renamed: an interrupted run leaves no partial file to be reused."""
    with open(path + ".tmp", "w") as f:
        f.write("@relation baskets\n")
        for k in range(n_items):
            f.write(f"@attribute i{k} {{0,1}}\n")
        f.write("@data\n")
        for b in baskets:
            f.write("{" + ",".join(f"{k} 1" for k in sorted(set(b))) + "}\n")
    os.replace(path + ".tmp", path)


def prepare_file_case(crmpi, mpiexec, data_dir, work, fname, fmt):
    """Ingests the basket file (timed) and writes its ARFF; returns (h5, arff, item names by ARFF
    attribute index, ingest seconds)."""
    src = os.path.join(data_dir, fname)
    stem = os.path.join(work, os.path.splitext(fname)[0])
    h5, arff = stem + ".h5", stem + ".arff"
    rc, wall, _, err = run_timed([mpiexec, "-n", "1", "--oversubscribe", crmpi, "ingest", "--format", fmt, "--out", h5,
                                  src, "--log-level", "warn"], 600, env=MPI_ENV)
    if rc != 0:
        raise SystemExit(f"ingest of {src} failed ({rc}):\n{err}")
    baskets = read_basket_file(src, fmt)
    names = sorted({i for b in baskets for i in b}, key=(lambda s: int(s)) if fmt == "fimi" else None)
    index = {s: k for k, s in enumerate(names)}
    if not os.path.exists(arff):
        write_arff(([index[i] for i in b] for b in baskets), len(names), arff)
    return h5, arff, names, wall


def prepare_generated(crmpi, mpiexec, work, customers):
    h5, arff = os.path.join(work, f"gen{customers}.h5"), os.path.join(work, f"gen{customers}.arff")
    if not os.path.exists(h5):
        rc, wall, _, err = run_timed([mpiexec, "-n", "2", "--oversubscribe", crmpi, "generate", "--customers", str(customers),
                                      "--seed", "42", "--out", h5, "--log-level", "warn"], 3600, env=MPI_ENV)
        if rc != 0:
            raise SystemExit(f"generate failed ({rc}):\n{err}")
        print(f"# generated {customers} customers in {wall:.1f}s", flush=True)
    with h5py.File(h5) as f:
        offs = f["orders/item_offset"][()]
        prods = f["items/product_id"][()]
        keys = f["dictionaries/product_key"][()] if "dictionaries/product_key" in f else None
    n_items = int(prods.max()) + 1
    names = [str(i) for i in range(n_items)]  # product ids (the generator's ids are 0..n-1)
    if not os.path.exists(arff):
        write_arff((prods[offs[o]:offs[o + 1]].tolist() for o in range(len(offs) - 1)), n_items, arff)
    del keys
    return h5, arff, names, None


# ---------------------------------------------------------------- runs

# At one rank crmpi is started alone (no launcher), as a user runs `crmpi rules ...` on its own: it
# then runs without MPI (docs/slurm.md, "Launch cost"). --mpirun-one-rank launches it with
# `mpirun -n 1` instead.
SINGLETON = True


def launcher(mpiexec, ranks):
    return [] if ranks == 1 and SINGLETON else [mpiexec, "-n", str(ranks), "--oversubscribe"]


def run_crmpi(crmpi, mpiexec, ranks, h5, out, support, conf, max_consequent, timeout, mem_limit):
    shutil.rmtree(out, ignore_errors=True)
    cmd = launcher(mpiexec, ranks) + [crmpi, "rules", "--input", h5, "--out", out,
           "--min-support", repr(support), "--min-confidence", repr(conf), "--max-consequent", str(max_consequent),
           "--max-itemsets", "100000000", "--recommend", "0"]
    rc, wall, maxrss, err = run_timed(cmd, timeout, env=MPI_ENV, as_limit=mem_limit)
    if rc != 0:
        return {"rc": rc, "wall": wall, "err": err[-2000:]}
    m, mems = STAGE_RE.search(err), [float(x.group(2)) for x in MEM_RE.finditer(err)]
    if not m:
        return {"rc": "no stage line", "wall": wall, "err": err[-2000:]}
    g = m.groups()
    return {"rc": 0, "wall": wall, "maxrss_kb": maxrss, "baskets": int(g[0]), "min_count": int(g[1]),
            "itemsets": int(g[3]), "rules": int(g[4]), "stage": float(g[5]),
            "phases": {k: float(v) for k, v in zip(("count", "shuffle", "mine", "gather", "rules"), g[6:11])},
            "rank_peak_mib": max(mems) if mems else None}


def run_floor_mpi(crmpi, mpiexec, ranks):
    """The launch floor: `mpirun -n R crmpi --version` (Open MPI's start, MPI_Init, exit); at one
    rank `crmpi --version` started alone (see SINGLETON)."""
    rc, wall, _, err = run_timed(launcher(mpiexec, ranks) + [crmpi, "--version"], 120, env=MPI_ENV)
    assert rc == 0, err
    return wall


def run_floor_weka(heap):
    """The JVM floor: `java -Xmx<heap> -cp weka.jar weka.core.Version` (JVM start, a Weka class, exit)."""
    rc, wall, _, err = run_timed(["java", f"-Xmx{heap}", "-cp", WEKA_JAR, "weka.core.Version"], 120)
    assert rc == 0, err
    return wall


def run_weka(arff, support, conf, heap, timeout, out_path):
    cmd = ["java", f"-Xmx{heap}", "-cp", WEKA_JAR, "weka.associations.FPGrowth", "-t", arff, "-M", repr(support),
           "-C", repr(conf), "-S"]
    rc, wall, maxrss, err = run_timed(cmd, timeout, stdout_path=out_path)
    res = {"rc": rc, "wall": wall, "maxrss_kb": maxrss}
    if rc == 0:
        with open(out_path) as f:
            head = f.read(4096)
        m = WEKA_RE.search(head)
        res["rules"] = int(m.group(1)) if m else (0 if "No rules found" in head else None)
    else:
        tail = err[-600:]
        res["why"] = ("OutOfMemoryError" if "OutOfMemoryError" in err else
                      "timeout" if rc == "timeout" else f"exit {rc}: {tail.strip().splitlines()[-1] if tail.strip() else ''}")
    return res


# ---------------------------------------------------------------- agreement

def crmpi_rules_above(out, conf, names_of_id, want_sets):
    """Number of crmpi rules with confidence > conf; with want_sets, also {(antecedent, consequent):
    (antecedent count, rule count)} with items as names."""
    with h5py.File(os.path.join(out, "results.h5")) as f:
        g = f["rules/rules"]
        c = g["confidence"][()]
        keep = c > conf
        n = int(keep.sum())
        if not want_sets:
            return n, None
        ao, a, co, cq, cnt = (g[k][()] for k in ("antecedent_offset", "antecedent", "consequent_offset", "consequent", "count"))
    rules = {}
    for r in np.nonzero(keep)[0]:
        A = frozenset(names_of_id[int(x)] for x in a[ao[r]:ao[r + 1]])
        C = frozenset(names_of_id[int(x)] for x in cq[co[r]:co[r + 1]])
        # antecedent count = rule count / confidence, recovered exactly by rounding
        rules[(A, C)] = (int(round(int(cnt[r]) / float(c[r]))), int(cnt[r]))
    return n, rules


def weka_rules(out_path, names, single_consequent=False, keep=True):
    """Weka's printed rules {(antecedent, consequent): (antecedent count, rule count)}, items as
    names; single_consequent: only those with one consequent item; keep=False: only their number."""
    rules, n = {}, 0
    with open(out_path) as f:
        for line in f:
            m = WEKA_RULE_RE.match(line)
            if not m or (single_consequent and ", " in m.group(3)):
                continue
            n += 1
            if keep:
                A = frozenset(names[int(x.split("=")[0][1:])] for x in m.group(1).split(", "))
                C = frozenset(names[int(x.split("=")[0][1:])] for x in m.group(3).split(", "))
                rules[(A, C)] = (int(m.group(2)), int(m.group(4)))
    return rules if keep else n


def crmpi_item_names(h5):
    """crmpi item id -> the item as the basket file wrote it (FIMI id or Groceries name)."""
    with h5py.File(h5) as f:
        for ds in ("dictionaries/product_name", "dictionaries/product_key"):
            if ds in f:
                return [x.decode() if isinstance(x, bytes) else str(x) for x in f[ds][()]]
    return None


# ---------------------------------------------------------------- main

def parse_bytes(s):
    return int(float(s[:-1]) * {"k": 2**10, "m": 2**20, "g": 2**30}[s[-1].lower()]) if s[-1].isalpha() else int(s)


def fmt_rate(x):
    if x is None:
        return "-"
    return f"{x / 1e6:.2f}M" if x >= 1e6 else f"{x / 1e3:.1f}k" if x >= 1e3 else f"{x:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--crmpi", default="build/jobs/crmpi")
    ap.add_argument("--mpiexec", default="mpirun")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "baskets"))
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--repeats", type=int, default=3, help="rounds per case (the generated case: 1)")
    ap.add_argument("--long-s", type=float, default=20.0, help="one round only when crmpi at 1 rank takes longer")
    ap.add_argument("--min-confidence", type=float, default=0.8)
    ap.add_argument("--weka-heap", default="10g")
    ap.add_argument("--weka-timeout", type=int, default=600)
    ap.add_argument("--crmpi-timeout", type=int, default=1800)
    ap.add_argument("--crmpi-mem-limit", default="8g", help="address-space limit of every crmpi process")
    ap.add_argument("--gen-customers", type=int, default=1_000_000)
    ap.add_argument("--gen-support", type=float, default=CASES["gen"][2])
    ap.add_argument("--max-compare", type=int, default=300_000, help="compare rule sets up to this many rules")
    ap.add_argument("--no-weka", action="store_true")
    ap.add_argument("--mpi-defaults", action="store_true", help="do not name pml=ob1 (Open MPI probes every PML)")
    ap.add_argument("--mpirun-one-rank", action="store_true", help="1 rank under mpirun -n 1, not started alone")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--json", default=None, help="write the raw results here")
    a = ap.parse_args()
    if a.mpi_defaults:
        MPI_ENV.pop("OMPI_MCA_pml", None)
    global SINGLETON
    SINGLETON = not a.mpirun_one_rank
    crmpi = os.path.abspath(a.crmpi)
    work = a.workdir or tempfile.mkdtemp(prefix="rules_peer_")
    os.makedirs(work, exist_ok=True)
    conf = a.min_confidence
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"# work={work} crmpi={crmpi} weka={WEKA_JAR} ({java}) heap={a.weka_heap} timeout={a.weka_timeout}s "
          f"conf={conf} pml={MPI_ENV.get('OMPI_MCA_pml', '(Open MPI default)')} one rank={'alone' if SINGLETON else 'mpirun -n 1'} "
          f"load={os.getloadavg()}", flush=True)

    rows, raw = [], {}
    for case in a.cases.split(","):
        fname, fmt, support, mc = CASES[case]
        if case == "gen":
            support = a.gen_support
            h5, arff, names, ingest_s = prepare_generated(crmpi, a.mpiexec, work, a.gen_customers)
            id_names = names
        else:
            if not os.path.exists(os.path.join(a.data, fname)):
                print(f"# {case}: {fname} absent in {a.data}: skipped", flush=True)
                continue
            h5, arff, names, ingest_s = prepare_file_case(crmpi, a.mpiexec, a.data, work, fname, fmt)
            id_names = crmpi_item_names(h5)
        load = os.getloadavg()[0]
        repeats = 1 if case == "gen" else a.repeats
        res = {"c1": [], "c2": [], "weka": [], "f1": [], "f2": [], "fw": []}
        weka_out = os.path.join(work, f"{case}.weka.txt")
        for r in range(repeats):
            res["f1"].append(run_floor_mpi(crmpi, a.mpiexec, 1))
            res["f2"].append(run_floor_mpi(crmpi, a.mpiexec, 2))
            if not a.no_weka:
                res["fw"].append(run_floor_weka(a.weka_heap))
            for ranks in (1, 2):
                x = run_crmpi(crmpi, a.mpiexec, ranks, h5, os.path.join(work, f"{case}.out{ranks}"), support, conf, mc,
                              a.crmpi_timeout, parse_bytes(a.crmpi_mem_limit))
                if x["rc"] != 0:
                    raise SystemExit(f"{case}: crmpi at {ranks} rank(s) failed ({x['rc']}):\n{x['err']}")
                res[f"c{ranks}"].append(x)
            if not a.no_weka and (r == 0 or res["weka"][-1]["rc"] == 0):
                res["weka"].append(run_weka(arff, support, conf, a.weka_heap, a.weka_timeout, weka_out))
            print(f"# {case} round {r + 1}: crmpi 1 rank {res['c1'][-1]['wall']:.2f}s, 2 ranks {res['c2'][-1]['wall']:.2f}s"
                  + (f", weka {res['weka'][-1]['wall']:.2f}s ({res['weka'][-1].get('why', 'ok')})" if res["weka"] else "")
                  + f"; load {os.getloadavg()[0]:.2f}", flush=True)
            if res["c1"][-1]["wall"] > a.long_s:
                break  # a long case: one round
        c1, c2 = res["c1"][0], res["c2"][0]
        assert (c1["itemsets"], c1["rules"]) == (c2["itemsets"], c2["rules"]), f"{case}: 1 and 2 ranks differ"
        t1 = statistics.median(x["wall"] for x in res["c1"])
        t2 = statistics.median(x["wall"] for x in res["c2"])
        wk = res["weka"]
        w_ok = bool(wk) and all(x["rc"] == 0 for x in wk)
        tw = statistics.median(x["wall"] for x in wk) if w_ok else None
        f1, f2 = statistics.median(res["f1"]), statistics.median(res["f2"])
        fw = statistics.median(res["fw"]) if res["fw"] else None
        # agreement
        agree = "-"
        if w_ok:
            wr = wk[0]["rules"]
            out1 = os.path.join(work, f"{case}.out1")
            if mc == 0:
                small = c1["rules"] <= a.max_compare and (wr or 0) <= a.max_compare
                n_above, mine = crmpi_rules_above(out1, conf, id_names, small)
                theirs = weka_rules(weka_out, names) if small else None
                what = f"{wr:,} rules"
            else:  # crmpi made the single-consequent rules: compare those of Weka's
                small = c1["rules"] <= a.max_compare
                n_above, mine = crmpi_rules_above(out1, conf, id_names, small)
                theirs = weka_rules(weka_out, names, single_consequent=True, keep=small)
                wr = theirs if isinstance(theirs, int) else len(theirs)
                theirs = theirs if small else None
                what = f"{wr:,} single-consequent rules of Weka's {wk[0]['rules']:,}"
            if theirs is not None:
                same = theirs == mine
                agree = (f"yes: {what} = crmpi's {n_above:,} above {conf}, same rules and counts" if same else
                         f"NO: {what} ({len(theirs):,} parsed), crmpi {n_above:,} above {conf}; "
                         f"{len(set(mine) - set(theirs))} only in crmpi, {len(set(theirs) - set(mine))} only in Weka")
            else:
                agree = f"{'yes' if wr == n_above else 'NO'}: {what} vs crmpi's {n_above:,} above {conf} (counts only)"
        elif wk:
            agree = f"Weka {wk[0]['why']} after {wk[0]['wall']:.0f}s"
        n = c1["baskets"]
        rows.append({
            "case": case, "max_consequent": mc, "baskets": n, "support": support, "min_count": c1["min_count"], "itemsets": c1["itemsets"],
            "rules": c1["rules"], "ingest_s": ingest_s, "t1": t1, "t2": t2, "tw": tw, "f1": f1, "f2": f2, "fw": fw,
            "ph1": c1["phases"], "stage1": statistics.median(x["stage"] for x in res["c1"]),
            "mem1": c1["rank_peak_mib"], "mem2": c2["rank_peak_mib"],
            "rss1": c1["maxrss_kb"], "rss2": c2["maxrss_kb"],
            "wmem": (wk[0]["maxrss_kb"] if wk else None), "agree": agree, "load": load, "repeats": repeats,
            "weka_why": (wk[0].get("why") if wk else "not run"), "weka_wall0": (wk[0]["wall"] if wk else None)})
        raw[case] = res

    print()
    print(f"Conditions: {os.uname().nodename}, {os.cpu_count()} cores; min confidence {conf}, every consequent size; "
          f"medians of {a.repeats} interleaved rounds (one round where crmpi at 1 rank took over {a.long_s:g} s, and the generated case); load = 1-min load average at the start of the case.")
    print()
    print("| data, support | baskets | itemsets | rules | crmpi 1 rank (launch) | crmpi 2 ranks (launch) | 1 -> 2 ranks, whole (net) | "
          "Weka (JVM) | Weka / crmpi 1 rank, whole (net) | baskets/s crmpi 1 rank, Weka | itemsets/s crmpi 1 rank, Weka | "
          "stage at 1 rank: count, shuffle, mine, gather, rules | peak RSS per rank, 1 / 2 ranks | Weka peak RSS | rules agree | load |")
    print("|---|---:|---:|---:|---:|---:|---|---:|---|---|---|---|---|---:|---|---:|")
    for r in rows:
        ph = r["ph1"]
        n1, n2 = r["t1"] - r["f1"], r["t2"] - r["f2"]
        if r["tw"] is not None:
            wk = f"{r['tw']:.2f} s ({r['fw']:.2f})"
            nw = r["tw"] - r["fw"]
            ratio = f"{r['tw'] / r['t1']:.1f}x ({nw / n1:.1f}x)"
        else:
            wk = f"{r['weka_why']} ({r['weka_wall0']:.0f} s)" if r["weka_wall0"] else r["weka_why"]
            ratio = (f"> {r['weka_wall0'] / r['t1']:.0f}x" if r["weka_wall0"] and r["weka_why"] == "timeout" else "-")
        rules_cell = f"{r['rules']:,}" + (" (1 consequent)" if r["max_consequent"] == 1 else "")
        print(f"| {r['case']} ({r['support']:g}, count {r['min_count']}) | {r['baskets']:,} | {r['itemsets']:,} | {rules_cell} | "
              f"{r['t1']:.2f} s ({r['f1']:.2f}) | {r['t2']:.2f} s ({r['f2']:.2f}) | {r['t1'] / r['t2']:.2f}x ({n1 / n2:.2f}x) | "
              f"{wk} | {ratio} | "
              f"{fmt_rate(r['baskets'] / r['t1'])}, {fmt_rate(r['baskets'] / r['tw']) if r['tw'] else '-'} | "
              f"{fmt_rate(r['itemsets'] / r['t1'])}, {fmt_rate(r['itemsets'] / r['tw']) if r['tw'] else '-'} | "
              f"{ph['count']:.2f}, {ph['shuffle']:.2f}, {ph['mine']:.2f}, {ph['gather']:.2f}, {ph['rules']:.2f} s | "
              f"{r['mem1']:.0f} / {r['mem2']:.0f} MiB | "
              f"{(str(round(r['wmem'] / 1024)) + ' MiB') if r['wmem'] else '-'} | {r['agree']} | {r['load']:.1f} |")
    ing = ", ".join(f"{r['case']} {r['ingest_s']:.2f} s" for r in rows if r["ingest_s"] is not None)
    print(f"\ncrmpi ingest (apart, 1 rank): {ing}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows, "raw": raw}, f, indent=1, default=str)


if __name__ == "__main__":
    main()
