#!/usr/bin/python3
"""results.h5 is what the results layout (io/results_schema.hpp) says: every group, dataset and
attribute crmpi writes is described by it, and every entry that applies to the job (its stages,
models, holdout) is there with the layout's kind, element type and length. The layout's side
comes from `results_layout expect` (printed from the schema's entries); the file's side from h5py,
so the file is not walked by the code under test. `results_layout check` (ResultsReader's own
whole-file check) must agree, and must catch a file that breaks the layout.

usage: results_e2e.py CRMPI_BINARY RESULTS_LAYOUT_BINARY"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

CRMPI, LAYOUT = sys.argv[1], sys.argv[2]
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
work = tempfile.mkdtemp(prefix="crmpi_results_")
failures = []


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    return p.stdout


def crmpi(args, ranks=2):
    run([MPIEXEC, "-n", str(ranks), "--oversubscribe", CRMPI] + args + ["--log-level", "warn"])


def type_name(dtype):
    if dtype.kind in "SUO":
        return "string"
    return {"u": "uint", "i": "int", "f": "float"}[dtype.kind] + str(dtype.itemsize * 8)


def found(path):
    """key -> (kind, type, length) for every group, dataset and attribute, as h5py sees them."""
    out = {}
    with h5py.File(path, "r") as f:
        def attrs(holder, obj):
            for name in obj.attrs:
                a = obj.attrs.get_id(name)
                kind = "attribute" if a.shape == () else "attribute array"
                out[holder + "@" + name] = (kind, type_name(a.dtype), None)

        attrs("/", f)

        def visit(name, obj):
            key = "/" + name
            if isinstance(obj, h5py.Group):
                out[key] = ("group", "", None)
            else:
                assert obj.ndim == 1, f"{key} is {obj.ndim}-D"
                out[key] = ("dataset", type_name(obj.dtype), obj.shape[0])
            attrs(key, obj)

        f.visititems(visit)
    return out


def expected(path):
    """key -> (kind, type, rows dataset) from the layout, for this file's stages, models and options."""
    out = {}
    for line in run([LAYOUT, "expect", path]).splitlines():
        key, kind, typ, rows = line.split("\t")
        out[key] = (kind, typ, rows)
    return out


def compare(label, path, must_have=(), must_lack=()):
    have, want = found(path), expected(path)
    bad = []
    bad += [f"{k}: written but not described by the layout" for k in sorted(set(have) - set(want))]
    bad += [f"{k}: in the layout but not written" for k in sorted(set(want) - set(have))]
    for k in sorted(set(have) & set(want)):
        kind, typ, length = have[k]
        wkind, wtyp, rows = want[k]
        is_list = wkind == "rows"  # a flattened per-customer list: length = the sum of its count column
        if wkind in ("column", "table", "strings", "rows"):
            wkind = "dataset"
        if (kind, typ) != (wkind, wtyp):
            bad.append(f"{k}: {kind} {typ}, the layout says {wkind} {wtyp}")
        if is_list:
            with h5py.File(path) as f:
                total = int(f[rows][()].sum())
            if total != length:
                bad.append(f"{k}: {length} rows, the sum of {rows} is {total}")
        elif rows and have[rows][2] != length:
            bad.append(f"{k}: {length} rows, {rows} has {have[rows][2]}")
    bad += [f"{k}: expected for this job, absent from the layout's list" for k in must_have if k not in want]
    bad += [f"{k}: not expected for this job, yet in the layout's list" for k in must_lack if k in want]
    p = subprocess.run([LAYOUT, "check", path], capture_output=True, text=True)
    if p.returncode != 0:
        bad.append(f"results_layout check exited {p.returncode}: {p.stdout}{p.stderr}")
    for b in bad:
        failures.append(f"{label}: {b}")
    print(f"{label}: {len(have)} objects, {len(want)} expected by the layout, {len(bad)} problems")


data = os.path.join(work, "g.h5")
crmpi(["generate", "--customers", "3000", "--seed", "1", "--out", data])

# The pipeline: rfm and clv with the default models (bgnbd, pareto, gg), no holdout.
crmpi(["run", "--input", data, "--out", os.path.join(work, "run"), "--no-report"])
compare("run", os.path.join(work, "run", "results.h5"),
        must_have=["/@stages_run", "/@stages_skipped", "/rfm/segment", "/clv/pareto_nbd/clv",
                   "/clv/gamma_gamma/expected_spend", "/clv/gamma_gamma/parameters/name", "/kmeans/segment",
                   "/kmeans/selection/silhouette", "/kmeans@feature_mean"],
        must_lack=["/clv/holdout", "/clv/mbgnbd"])

# Every model, with a holdout, at 3 ranks.
crmpi(["clv", "--input", data, "--out", os.path.join(work, "clv"), "--calibration-end", "2026-06-30",
       "--holdout-end", "2026-09-30", "--models", "bgnbd,mbgnbd,pareto,gg"], ranks=3)
compare("clv holdout", os.path.join(work, "clv", "results.h5"),
        must_have=["/clv/holdout/predicted_mbgnbd", "/clv/holdout/weekly/expected_cumulative_pareto_nbd",
                   "/clv/holdout@actual_total", "/clv/mbgnbd/parameters/std_error", "/clv/gamma_gamma@warnings"],
        must_lack=["/@stages_run", "/rfm"])

# No spend model: no CLV column, no gamma_gamma group.
crmpi(["clv", "--input", data, "--out", os.path.join(work, "clv_bg"), "--models", "bgnbd"], ranks=1)
compare("clv bgnbd only", os.path.join(work, "clv_bg", "results.h5"),
        must_have=["/clv/bgnbd/p_alive"], must_lack=["/clv/bgnbd/clv", "/clv/gamma_gamma", "/clv/holdout"])

# The segmentation job: /rfm and /kmeans (a k range), no /clv.
crmpi(["segment", "--input", data, "--out", os.path.join(work, "segment"), "--k-range", "2:3"], ranks=3)
compare("segment", os.path.join(work, "segment", "results.h5"),
        must_have=["/kmeans/distance", "/kmeans/profile/nps", "/rfm/customer_id"], must_lack=["/clv", "/@stages_run"])

crmpi(["rfm", "--input", data, "--out", os.path.join(work, "rfm")], ranks=1)
compare("rfm", os.path.join(work, "rfm", "results.h5"), must_have=["/rfm@cut_points_monetary_cents"],
        must_lack=["/clv", "/kmeans", "/@stages_run"])

# A file that breaks the layout: the check names each fault.
broken = os.path.join(work, "broken.h5")
shutil.copy(os.path.join(work, "run", "results.h5"), broken)
with h5py.File(broken, "r+") as f:
    del f["/rfm/segment"]
    f["/rfm/extra"] = np.arange(3)
    del f["/rfm"].attrs["buyers"]
    f["/rfm"].attrs["buyers"] = 1.5
p = subprocess.run([LAYOUT, "check", broken], capture_output=True, text=True)
for want in [f"{broken}: /rfm/segment is missing",
             f"{broken}: /rfm/extra is not in the results layout (io/results_schema.hpp)",
             f"{broken}: /rfm@buyers is a scalar float64, expected a scalar int64"]:
    if want not in p.stdout.splitlines():
        failures.append(f"broken file: check did not report '{want}' (exit {p.returncode}):\n{p.stdout}{p.stderr}")
if p.returncode != 1:
    failures.append(f"broken file: check exited {p.returncode}, expected 1")

shutil.rmtree(work)
for f in failures:
    print("FAIL:", f)
print("results layout e2e:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
