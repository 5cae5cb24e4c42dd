#!/usr/bin/python3
"""Fault drills of crmpi (docs/RELIABILITY.md, "Checkpoints, resume and fault drills").

usage: fault_drills.py CRMPI_BINARY kills|disk|inputs|signals|keys [POINT]
       (kills with POINT: only the drills at that point, e.g. clv or ingest-shuffle)

kills   At 2 and 4 ranks, the last rank kills itself with SIGKILL (CRMPI_FAULT_ACTION=kill, a
        testing hook: jobs/common/job_common.hpp) in the middle of each stage of `crmpi run`
        (rfm, clv, kmeans, rules, insights), while a stage's checkpoint is written and while the
        results are written, into an output folder that holds a previous run's results (another
        input). Each time: the job exits non-zero within 60 s; no process of it is left (pgrep);
        results.h5 and every CSV file under their final names are byte-identical to the previous
        results and no new file has a final name; every checkpoint left is complete (opens, its
        CSV files present). Then `crmpi run --resume` at the other rank count (4 after 2, 2 after
        4) exits 0, says it resumed exactly the stages that completed before the kill, and writes
        results equal to an undisturbed run's: every dataset (tests/e2e/h5compare.py) and every
        CSV file byte for byte. Also ingest: the last rank killed in ingest's shuffle at 2 and 4
        ranks leaves the previous canonical file byte-identical, and a rerun writes a file equal
        to an undisturbed ingest's.
disk    The output folder on a tmpfs sized to the previous results plus 400 kB (too little for
        the new ones): exit 74, a message naming the file being written and the full file
        system; the previous results byte-identical, no new file under a final name. Needs root
        to mount (exit 77, skipped, otherwise).
inputs  A truncated input file: exit 65 naming it, the previous results untouched. An input
        overwritten in place while the run is inside the rfm stage (rank 0 stalls there,
        CRMPI_FAULT_ACTION=stall, until the test has rewritten the file and sent SIGUSR1): exit
        65, a message saying the input changed during the run, the previous results untouched.
signals SIGUSR1 (what Slurm sends before the time limit) to mpiexec while rank 0 stalls at a
        point (CRMPI_FAULT_ACTION=stall), at 2 ranks: in rfm, which has no safe point after it,
        the stage finishes, its checkpoint is written and every rank stops before clv; in kmeans
        the stage is abandoned at its next safe point (between fits). Each time: exit 75 and the
        message saying where it stopped, the previous results byte-identical; then `--resume`
        at 4 ranks loads exactly the stages completed (rfm; rfm and clv) and its results equal
        an undisturbed run's. The same signal to `crmpi rfm` and to `crmpi run --no-checkpoints`,
        which cannot stop cleanly: exit 0, the job carried on (the run's results equal an
        undisturbed run's).

keys    What --resume reuses after a complete run at 2 ranks (docs/RELIABILITY.md, the key):
        the same options: all five stages loaded; other top-level options (--chunk-rows,
        --max-problems): all five; --k 5: rfm and clv loaded, kmeans, rules, insights computed
        (they read k-means' segments); then --k 5 --churn-threshold 0.6: rfm to rules loaded
        (the k 5 checkpoints), insights computed; the input's modification time changed (same
        bytes): nothing loaded. Every resume at 3 ranks, its results equal to an undisturbed run
        with the same options.

The expected values come from the drills' definitions (the stages before the kill point are the
ones checkpointed) and from an undisturbed run of the same build on the same input: the resume
must reproduce it, not a stored copy. Exit: 0 all passed, 1 a drill failed, 77 skipped."""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py

CRMPI = os.path.abspath(sys.argv[1])
MODE = sys.argv[2] if len(sys.argv) > 2 else "kills"
ONLY = sys.argv[3] if len(sys.argv) > 3 else None
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
H5COMPARE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "h5compare.py")
STAGES = ["rfm", "clv", "kmeans", "rules", "insights"]
work = tempfile.mkdtemp(prefix="crmpi_drills_")
failures = []
passed = 0


def launch(args, ranks, env=None):
    return [MPIEXEC, "-n", str(ranks), "--oversubscribe", CRMPI] + args, {**os.environ, **(env or {})}


def crmpi(args, ranks=2, env=None, timeout=120):
    cmd, full_env = launch(args, ranks, env)
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env)
    return p.returncode, p.stdout + p.stderr, time.time() - t0


def must(rc_out, what):
    rc, out = rc_out[0], rc_out[1]
    if rc != 0:
        sys.exit(f"FAIL: {what}: exit {rc}\n{out[-3000:]}")


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def final_files(out):
    """Every file under a final name in DIR and DIR/csv (temporaries carry '.tmp-'), with its hash."""
    files = {}
    for d in (out, os.path.join(out, "csv")):
        if os.path.isdir(d):
            for f in os.listdir(d):
                p = os.path.join(d, f)
                if os.path.isfile(p) and ".tmp-" not in f:
                    files[os.path.relpath(p, out)] = digest(p)
    return files


def incomplete_checkpoints(out):
    bad = []
    root = os.path.join(out, "checkpoints")
    for stage in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        path = os.path.join(root, stage, "results.h5")
        if not os.path.exists(path):
            continue  # none under the final name: nothing to trust, nothing half-written
        try:
            with h5py.File(path, "r") as f:
                key = f.attrs["crmpi_checkpoint_key"]
                csv = f.attrs["crmpi_checkpoint_csv"]
            csv = csv.decode() if isinstance(csv, bytes) else csv
            missing = [c for c in csv.split("\n") if c and not os.path.exists(os.path.join(root, stage, "csv", c))]
            if not key or missing:
                bad.append(f"{stage}: key {key!r}, missing CSV {missing}")
        except Exception as e:  # noqa: BLE001 (any failure to read it is the finding)
            bad.append(f"{stage}: {e}")
    return bad


def left_running(out, grace=10.0):
    """Processes whose command line names this drill's output folder (only this test's own) and
    that are still there `grace` seconds after the launcher returned: a killed job's last ranks
    may still be exiting when mpirun returns (seen once in a CI run whose other half was
    compiling the sanitizer build); a rank that hangs is still there after the grace."""
    deadline = time.monotonic() + grace
    while True:
        p = subprocess.run(["pgrep", "-f", "--", f"--out {out}"], capture_output=True, text=True)
        left = p.stdout.split()
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.2)


def report(name, problems, secs):
    global passed
    if problems:
        failures.append(f"{name}: " + "; ".join(problems))
        print(f"FAIL: {name}: {'; '.join(problems)}", flush=True)
    else:
        passed += 1
        print(f"PASS: {name} ({secs:.1f}s)", flush=True)


def same_as_reference(out, ref):
    problems = []
    p = subprocess.run(["/usr/bin/python3", H5COMPARE, os.path.join(ref, "results.h5"), os.path.join(out, "results.h5")],
                       capture_output=True, text=True)
    if p.returncode != 0:
        problems.append("results.h5 differs from the undisturbed run's: " + (p.stdout + p.stderr)[-600:])
    want = {k: v for k, v in final_files(ref).items() if k.startswith("csv/")}
    got = {k: v for k, v in final_files(out).items() if k.startswith("csv/")}
    if want != got:
        problems.append(f"CSV files differ from the undisturbed run's: {sorted(set(want.items()) ^ set(got.items()))[:4]}")
    return problems


def generate(path, seed):
    must(crmpi(["generate", "--customers", "3000", "--seed", str(seed), "--out", path, "--log-level", "warn"]),
         f"generate {path}")


def run_args(inp, out, *extra):
    return ["run", "--input", inp, "--out", out, "--no-report", "--log-level", "info", *extra]


def kill_drills():
    if ONLY == "ingest-shuffle":
        ingest_kill_drills()
        return
    inp, other = os.path.join(work, "a.h5"), os.path.join(work, "b.h5")
    generate(inp, 7)
    generate(other, 8)
    ref, prev = os.path.join(work, "ref"), os.path.join(work, "prev")
    must(crmpi(run_args(inp, ref)), "undisturbed run")
    must(crmpi(run_args(other, prev)), "previous run (other input)")
    # point -> the stages checkpointed before it (the kill on the first checkpoint write: none)
    points = [(s, STAGES[:i]) for i, s in enumerate(STAGES)] + [("checkpoint-write", []), ("results-write", STAGES)]
    for ranks in (2, 4):
        for point, before in points:
            if ONLY and point != ONLY:
                continue
            out = os.path.join(work, f"kill-{point}-{ranks}")
            shutil.copytree(prev, out)
            previous = final_files(out)
            env = {"CRMPI_FAULT_RANK": str(ranks - 1), "CRMPI_FAULT_STAGE": point, "CRMPI_FAULT_ACTION": "kill"}
            rc, log, secs = crmpi(run_args(inp, out), ranks=ranks, env=env)
            problems = []
            if rc == 0:
                problems.append("exit 0 after a rank was killed")
            if f"kills itself at '{point}'" not in log:
                problems.append("the fault point was not reached")
            if secs > 60:
                problems.append(f"took {secs:.0f}s to end")
            if left := left_running(out):
                problems.append(f"processes left: {left}")
            if final_files(out) != previous:
                problems.append("files under final names changed: " +
                                str(sorted(set(final_files(out).items()) ^ set(previous.items()))[:4]))
            if bad := incomplete_checkpoints(out):
                problems.append(f"incomplete checkpoints: {bad}")
            other_ranks = 6 - ranks
            rc2, log2, secs2 = crmpi(run_args(inp, out, "--resume"), ranks=other_ranks)
            if rc2 != 0:
                problems.append(f"--resume at {other_ranks} ranks: exit {rc2}: {log2[-800:]}")
            else:
                resumed = [s for s in STAGES if f"run: {s} resumed from" in log2]
                if resumed != before:
                    problems.append(f"--resume loaded {resumed}, want {before}")
                problems += same_as_reference(out, ref)
            report(f"kill rank {ranks - 1} of {ranks} at {point}: exit {rc} in {secs:.1f}s; "
                   f"--resume at {other_ranks} ranks", problems, secs + secs2)
            shutil.rmtree(out, ignore_errors=True)
    if not ONLY or ONLY == "ingest-shuffle":
        ingest_kill_drills()


def write_export(path, seed):
    import random
    rnd = random.Random(seed)
    with open(path, "w") as f:
        f.write("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n")
        for i in range(6000):
            f.write(f"{500000 + i // 3},{20000 + i % 50},ITEM {i % 50},{1 + i % 5},2011-{1 + i // 600:02d}-"
                    f"{1 + i % 28:02d} 10:00,{1 + i % 9}.50,{12346 + rnd.randrange(400)},France\n")


def ingest_kill_drills():
    csv, other = os.path.join(work, "export.csv"), os.path.join(work, "other.csv")
    write_export(csv, 11)
    write_export(other, 12)
    ref = os.path.join(work, "ingest-ref.h5")
    must(crmpi(["ingest", "--out", ref, csv]), "undisturbed ingest")
    for ranks in (2, 4):
        out = os.path.join(work, f"ingest-{ranks}.h5")
        must(crmpi(["ingest", "--out", out, other]), "previous ingest (other export)")
        previous = digest(out)
        env = {"CRMPI_FAULT_RANK": str(ranks - 1), "CRMPI_FAULT_STAGE": "ingest-shuffle", "CRMPI_FAULT_ACTION": "kill"}
        rc, log, secs = crmpi(["ingest", "--out", out, csv], ranks=ranks, env=env)
        problems = []
        if rc == 0 or "kills itself at 'ingest-shuffle'" not in log:
            problems.append(f"exit {rc}, fault point {'reached' if 'kills itself' in log else 'not reached'}")
        if secs > 60:
            problems.append(f"took {secs:.0f}s to end")
        if left := left_running(out):
            problems.append(f"processes left: {left}")
        if digest(out) != previous:
            problems.append("the previous file changed")
        rc2, log2, secs2 = crmpi(["ingest", "--out", out, csv], ranks=ranks)
        p = subprocess.run(["/usr/bin/python3", H5COMPARE, ref, out], capture_output=True, text=True)
        if rc2 != 0 or p.returncode != 0:
            problems.append(f"rerun: exit {rc2}, compare: {(p.stdout + p.stderr)[-400:]}")
        report(f"kill rank {ranks - 1} of {ranks} in ingest's shuffle: exit {rc} in {secs:.1f}s; rerun", problems,
               secs + secs2)


def disk_drill():
    if os.geteuid() != 0:
        print("SKIP: the disk-full drill mounts a tmpfs: needs root")
        sys.exit(77)
    inp, other = os.path.join(work, "a.h5"), os.path.join(work, "b.h5")
    generate(inp, 7)
    generate(other, 8)
    prev = os.path.join(work, "prev")
    must(crmpi(run_args(other, prev)), "previous run (other input)")
    used = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(prev) for f in fs)
    out = os.path.join(work, "full")
    os.makedirs(out)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={used + 400_000}", "tmpfs", out], capture_output=True,
                       text=True)
    if p.returncode != 0:
        print(f"SKIP: cannot mount a tmpfs here: {p.stderr.strip()}")
        sys.exit(77)
    try:
        shutil.copytree(prev, out, dirs_exist_ok=True)
        previous = final_files(out)
        rc, log, secs = crmpi(run_args(inp, out))
        problems = []
        if rc != 74:
            problems.append(f"exit {rc}, want 74")
        if f"cannot write {out}/" not in log or "(full)" not in log:
            problems.append("the message names no file or no full file system: " +
                            "\n".join(l for l in log.splitlines() if "error" in l)[:600])
        if final_files(out) != previous:
            problems.append("files under final names changed")
        if bad := incomplete_checkpoints(out):
            problems.append(f"incomplete checkpoints: {bad}")
        message = next((l for l in log.splitlines() if "crmpi: error" in l), "")
        report(f"output on a full tmpfs ({used + 400_000} bytes): exit {rc}: {message[:160]}", problems, secs)
    finally:
        subprocess.run(["umount", out])


def stalled_run(args, ranks, point, log_path, touch=None):
    """Runs crmpi with rank 0 stalled at `point`; once it stalls, calls touch() (if any) and sends
    SIGUSR1 to mpiexec (which passes it on to the ranks). Returns (exit code, log, seconds)."""
    cmd, env = launch(args, ranks, {"CRMPI_FAULT_RANK": "0", "CRMPI_FAULT_STAGE": point, "CRMPI_FAULT_ACTION": "stall"})
    t0 = time.time()
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        while f"stalls at '{point}'" not in open(log_path).read() and proc.poll() is None and time.time() - t0 < 60:
            time.sleep(0.1)
        if touch:
            touch()
        proc.send_signal(signal.SIGUSR1)
        try:
            rc = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
    return rc, open(log_path).read(), time.time() - t0


def signal_drills():
    inp, other = os.path.join(work, "a.h5"), os.path.join(work, "b.h5")
    generate(inp, 7)
    generate(other, 8)
    ref, prev = os.path.join(work, "ref"), os.path.join(work, "prev")
    must(crmpi(run_args(inp, ref)), "undisturbed run")
    must(crmpi(run_args(other, prev)), "previous run (other input)")
    for point, where, before in (("rfm", "before the clv stage", ["rfm"]),
                                 ("kmeans", "in the kmeans stage, abandoning it", ["rfm", "clv"])):
        out = os.path.join(work, f"signal-{point}")
        shutil.copytree(prev, out)
        previous = final_files(out)
        rc, log, secs = stalled_run(run_args(inp, out), 2, point, os.path.join(work, f"signal-{point}.log"))
        problems = []
        if rc != 75 or f"stopped by a signal {where}" not in log:
            problems.append(f"exit {rc} (want 75 and 'stopped by a signal {where}'): {log[-500:]}")
        if final_files(out) != previous:
            problems.append("files under final names changed")
        if bad := incomplete_checkpoints(out):
            problems.append(f"incomplete checkpoints: {bad}")
        rc2, log2, secs2 = crmpi(run_args(inp, out, "--resume"), ranks=4)
        resumed = [s for s in STAGES if f"run: {s} resumed from" in log2]
        if rc2 != 0 or resumed != before:
            problems.append(f"--resume: exit {rc2}, loaded {resumed}, want {before}")
        else:
            problems += same_as_reference(out, ref)
        report(f"SIGUSR1 while rank 0 stalls in {point}: exit {rc}, stopped {where}; --resume at 4 ranks",
               problems, secs + secs2)
    # A command without checkpoints cannot stop cleanly, so it carries on at the warning (its
    # default action would end it, exit 138, its work lost): `crmpi rfm`, `crmpi run --no-checkpoints`.
    for name, out, args in (("crmpi rfm", os.path.join(work, "signal-rfm-only"), ["rfm", "--log-level", "info"]),
                            ("crmpi run --no-checkpoints", os.path.join(work, "signal-no-ck"), None)):
        args = run_args(inp, out, "--no-checkpoints") if args is None else args + ["--input", inp, "--out", out]
        rc, log, secs = stalled_run(args, 2, "rfm", out + ".log")
        problems = []
        if rc != 0 or "stopped by a signal" in log:
            problems.append(f"exit {rc} (want 0, carrying on): {log[-500:]}")
        elif args[0] == "run":
            problems += same_as_reference(out, ref)
        elif not os.path.exists(os.path.join(out, "results.h5")):
            problems.append("no results.h5")
        report(f"SIGUSR1 to {name} while rank 0 stalls in rfm: exit {rc} (0: it carried on to its end)", problems, secs)


def key_drills():
    inp = os.path.join(work, "a.h5")
    generate(inp, 7)
    out = os.path.join(work, "keys")
    must(crmpi(run_args(inp, out)), "the first run")
    refs = {}

    def reference(extra):
        ref = os.path.join(work, "ref" + "".join(extra).replace("-", "_").replace(".", "_"))
        if ref not in refs:
            must(crmpi(run_args(inp, ref, *extra)), f"undisturbed run {extra}")
            refs[ref] = True
        return ref

    cases = [("the same options", [], STAGES, None),
             ("--chunk-rows 2048 --max-problems 5", ["--chunk-rows", "2048", "--max-problems", "5"], STAGES, None),
             ("--k 5", ["--k", "5"], ["rfm", "clv"], None),
             # After the previous case the kmeans, rules and insights checkpoints are those of k 5.
             ("--k 5 --churn-threshold 0.6", ["--k", "5", "--churn-threshold", "0.6"], ["rfm", "clv", "kmeans", "rules"],
              None),
             ("the input touched (same bytes, new mtime)", [], [], lambda: os.utime(inp))]
    for name, extra, want, before in cases:
        if before:
            before()
        rc, log, secs = crmpi(run_args(inp, out, *extra, "--resume"), ranks=3)
        problems = []
        resumed = [s for s in STAGES if f"run: {s} resumed from" in log]
        if rc != 0 or resumed != want:
            problems.append(f"exit {rc}, loaded {resumed}, want {want}: {log[-300:] if rc else ''}")
        else:
            problems += same_as_reference(out, reference(extra))
        report(f"--resume after a complete run, {name}: loaded {', '.join(resumed) or 'nothing'}", problems, secs)


def input_drills():
    inp, other = os.path.join(work, "a.h5"), os.path.join(work, "b.h5")
    generate(inp, 7)
    generate(other, 8)
    prev = os.path.join(work, "prev")
    must(crmpi(run_args(other, prev)), "previous run")
    previous = final_files(prev)

    truncated = os.path.join(work, "truncated.h5")
    shutil.copyfile(inp, truncated)
    os.truncate(truncated, os.path.getsize(inp) // 2)
    rc, log, secs = crmpi(run_args(truncated, prev))
    problems = []
    if rc != 65 or truncated not in log:
        problems.append(f"exit {rc} (want 65), message naming the file: {truncated in log}: {log[-400:]}")
    if final_files(prev) != previous:
        problems.append("previous results changed")
    message = next((l for l in log.splitlines() if "crmpi: error" in l), "")
    report(f"truncated input: exit {rc}: {message[:160]}", problems, secs)

    changing = os.path.join(work, "changing.h5")
    shutil.copyfile(inp, changing)

    def rewrite():  # in place: the ranks' open files see the new bytes
        with open(other, "rb") as src, open(changing, "r+b") as dst:
            dst.write(src.read())
            dst.truncate()

    rc, log, secs = stalled_run(run_args(changing, prev), 2, "rfm", os.path.join(work, "changing.log"), rewrite)
    problems = []
    if rc != 65 or "changed during the run" not in log or changing not in log:
        problems.append(f"exit {rc} (want 65 and 'changed during the run' naming the file): {log[-600:]}")
    if final_files(prev) != previous:
        problems.append("previous results changed")
    message = next((l for l in log.splitlines() if "crmpi: error" in l), "")
    report(f"input rewritten during the rfm stage: exit {rc}: {message[:200]}", problems, secs)


try:
    {"kills": kill_drills, "disk": disk_drill, "inputs": input_drills, "signals": signal_drills,
     "keys": key_drills}[MODE]()
finally:
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
print(f"fault_drills {MODE}: {passed} passed, {len(failures)} failed" + (f" (kept {work})" if failures else ""))
sys.exit(1 if failures else 0)
