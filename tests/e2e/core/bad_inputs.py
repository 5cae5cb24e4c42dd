#!/usr/bin/python3
"""Bad input never costs a good output: for each kind of bad file or configuration, crmpi exits
with the documented code, names what and where, and leaves the previous results.h5 untouched
with no temporary file behind. One rank failing alone ends the whole job promptly.

usage: bad_inputs.py CRMPI_BINARY"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

CRMPI = sys.argv[1]
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
work = tempfile.mkdtemp(prefix="crmpi_bad_")
failures = []
passed = 0


def crmpi(args, ranks=2, env=None, timeout=120):
    cmd = [MPIEXEC, "-n", str(ranks), "--oversubscribe", CRMPI] + args
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return p.returncode, p.stdout + p.stderr, time.time() - t0


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


good = os.path.join(work, "good.h5")
rc, out, _ = crmpi(["generate", "--customers", "3000", "--seed", "5", "--out", good, "--log-level", "warn"])
assert rc == 0, out
outdir = os.path.join(work, "out")
rc, out, _ = crmpi(["rfm", "--input", good, "--out", outdir, "--log-level", "warn"])
assert rc == 0, out
previous = digest(os.path.join(outdir, "results.h5"))


def check(name, args, want_code, want_texts, ranks=2, env=None, max_seconds=60):
    global passed
    rc, out, secs = crmpi(args, ranks=ranks, env=env)
    problems = []
    if rc != want_code:
        problems.append(f"exit {rc}, want {want_code}")
    for t in want_texts:
        if t not in out:
            problems.append(f"message lacks {t!r}")
    if digest(os.path.join(outdir, "results.h5")) != previous:
        problems.append("previous results.h5 was changed")
    leftovers = [f for d in (outdir, os.path.join(outdir, "csv")) for f in os.listdir(d) if ".tmp-" in f]
    if leftovers and want_code not in (74,):  # an aborted rank may leave a marked temporary
        problems.append(f"temporaries left: {leftovers}")
    if secs > max_seconds:
        problems.append(f"took {secs:.0f}s (hang?)")
    if problems:
        failures.append(f"{name}: " + "; ".join(problems) + "\n--- output ---\n" + out[-2000:])
        print(f"FAIL: {name}: {'; '.join(problems)}")
    else:
        passed += 1
        print(f"PASS: {name} (exit {rc}, {secs:.1f}s)")


def bad_copy(name, mutate):
    path = os.path.join(work, name + ".h5")
    shutil.copy(good, path)
    with h5py.File(path, "r+") as f:
        mutate(f)
    return path


def retype(f, path, dtype):
    data = f[path][()]
    del f[path]
    f.create_dataset(path, data=data.astype(dtype))


def setval(path, index, value):
    def m(f):
        d = f[path]
        a = d[()]
        a[index] = value
        d[...] = a
    return m


def swap_ids(f):
    ids = f["/customers/customer_id"][()]
    ids[10], ids[11] = ids[11], ids[10]
    f["/customers/customer_id"][...] = ids


rfm = lambda path: ["rfm", "--input", path, "--out", outdir]

cases = [
    ("missing dataset", lambda f: f.__delitem__("/orders/day"), ["dataset /orders/day is missing"]),
    ("mistyped money", lambda f: retype(f, "/orders/amount_cents", "f8"),
     ["/orders/amount_cents has type float64", "never floating point"]),
    ("negative money", setval("/orders/amount_cents", 17, -250), ["/orders/amount_cents row 17", "negative amount"]),
    ("absurd money", setval("/orders/amount_cents", 3, 10**13), ["/orders/amount_cents row 3", "absurd amount"]),
    ("unsorted customer ids", swap_ids, ["/customers/customer_id row 11", "not sorted"]),
    ("unknown customer id in orders", setval("/orders/customer_id", 40, 999), ["/orders/customer_id row 40", "unknown id"]),
    ("offset out of range", setval("/customers/order_offset", 100, 10**9), ["/customers/order_offset row 100", "beyond the last order"]),
    ("day out of range", setval("/orders/day", 8, 99999), ["/orders/day row 8", "outside 1970-01-01"]),
    ("days unsorted within a customer", lambda f: setval("/orders/day", int(f["/customers/order_offset"][5]) + 1, 1)(f),
     ["sorted by day"]),
    ("code outside dictionary", setval("/customers/region", 2, 200), ["/customers/region row 2", "outside its dictionary"]),
    ("unknown product", setval("/items/product_id", 9, 10**6), ["/items/product_id row 9", "unknown product"]),
    ("zero quantity", setval("/items/quantity", 4, 0), ["/items/quantity row 4"]),
    ("NPS score 11", setval("/surveys/score", 1, 11), ["/surveys/score row 1", "0..10"]),
    ("wrong schema version", lambda f: f.attrs.__setitem__("schema_version", np.int64(7)), ["schema_version is 7"]),
    ("length mismatch", lambda f: (f.__delitem__("/orders/channel"),
                                   f.create_dataset("/orders/channel", data=np.zeros(5, "u1"))),
     ["/orders/channel has 5 rows"]),
]
for name, mutate, texts in cases:
    check(name, rfm(bad_copy(name.replace(" ", "_"), mutate)), 65, texts)

# `crmpi validate` alone reports the same problems (and exits 0 on a good file).
check("validate subcommand", ["validate", "--input", bad_copy("validate_neg", setval("/orders/amount_cents", 2, -1))],
      65, ["/orders/amount_cents row 2", "negative amount", "1 invalid value(s) found"])
rc, out, _ = crmpi(["validate", "--input", good])
if rc != 0 or "valid (schema 1" not in out:
    failures.append("validate on the good file: exit %d\n%s" % (rc, out))
else:
    passed += 1

# Files that are not usable HDF5 at all.
empty = os.path.join(work, "empty.h5")
open(empty, "wb").close()
check("empty file", rfm(empty), 65, ["is empty"])
trunc = os.path.join(work, "truncated.h5")
with open(good, "rb") as src, open(trunc, "wb") as dst:
    dst.write(src.read(os.path.getsize(good) // 2))
check("truncated file", rfm(trunc), 65, ["truncated.h5"])
text = os.path.join(work, "orders.csv")
open(text, "w").write("customer,day,amount\n1,2,3\n")
check("not an HDF5 file", rfm(text), 65, ["not an HDF5 file"])
check("missing file", rfm(os.path.join(work, "nope.h5")), 66, ["does not exist"])

# Impossible configuration.
check("chunk rows too small", rfm(good) + ["--chunk-rows", "5"], 78, ["--chunk-rows must be at least 1024"])
check("impossible as-of date", rfm(good) + ["--as-of", "2025-02-30"], 78, ["--as-of must be a real date"])
cfg = os.path.join(work, "bad.toml")
open(cfg, "w").write('input = "x.h5"\n[rfm]\nsegmnts = "typo.toml"\n')
check("unknown config key", ["rfm", "--config", cfg, "--out", outdir], 78, ["rfm.segmnts: unknown option"])
open(cfg, "w").write('[rfmx]\n')
check("unknown config table", rfm(good) + ["--config", cfg], 78, ["[rfmx]: unknown table"])
# A table for a job that does not exist (none of the subcommands reads [segments]) is refused like
# an unknown key, not skipped; a table of another existing job ([clv] for `crmpi rfm`) is skipped.
open(cfg, "w").write('[segments]\nk = 8\n')
check("config table of no job", rfm(good) + ["--config", cfg], 78, ["[segments]: unknown table"])
open(cfg, "w").write('[clv]\nmodels = ["bgnbd"]\n[ingest]\nformat = "csv"\n')
rc, out, _ = crmpi(["rfm", "--input", good, "--out", os.path.join(work, "other_tables"), "--config", cfg,
                    "--log-level", "warn"])
if rc != 0:
    failures.append("config tables of other jobs: exit %d, want 0\n%s" % (rc, out[-2000:]))
else:
    passed += 1
    print("PASS: config tables of other jobs are skipped (exit 0)")
open(cfg, "w").write('chunk-rows = "many"\n')
check("mistyped config value", rfm(good) + ["--config", cfg], 78, ["chunk-rows: expected an integer"])
seg = os.path.join(work, "segments.toml")
open(seg, "w").write('[[segment]]\nname = "Everyone"\ncells = ["* * 1-4"]\n')
check("segment table missing cells", rfm(good) + ["--segments", seg], 78, ["R1 F1 M5 belongs to no segment"])
check("unknown option", rfm(good) + ["--bogus"], 64, ["--bogus"])

# One rank failing alone ends every rank promptly, with that rank's message.
check("single-rank failure", rfm(good), 74, ["rank 1 of 3", "injected fault"], ranks=3,
      env={"CRMPI_FAULT_RANK": "1", "CRMPI_FAULT_STAGE": "rfm"}, max_seconds=60)

# The good input still works into the same directory afterwards.
rc, out, _ = crmpi(rfm(good) + ["--log-level", "warn"])
if rc != 0:
    failures.append("good rerun failed:\n" + out)
else:
    passed += 1

shutil.rmtree(work, ignore_errors=True)
for f in failures:
    print("\n" + f)
print(f"bad_inputs: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
