#!/usr/bin/python3
"""Self-test of tests/e2e/h5compare.py, which the rank-invariance checks rely on: small HDF5 files
built here with h5py, compared through the command line (exit code and message).
  - identical files with NaNs (datasets, compound fields, attributes) compare equal;
  - a changed value, a NaN against a number, a changed attribute are reported;
  - a comparison that compares nothing fails (requested groups in neither file, or no datasets);
  - a group present on one side only is reported."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

H5COMPARE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "h5compare.py")
failures = []


def write(path, value=1.5, nan_attr=True, extra_group=False, empty=False):
    with h5py.File(path, "w") as f:
        f.attrs["created"] = path  # root attribute: provenance, ignored by h5compare
        if empty:
            f.create_group("/clv")
            return
        g = f.create_group("/clv/lifecycle")
        g["mean_days"] = np.array([1.0, np.nan, value, np.nan])
        g.attrs["threshold"] = np.nan if nan_attr else 0.5
        rec = np.zeros(2, dtype=[("id", "<u8"), ("score", "<f8")])
        rec["id"], rec["score"] = [1, 2], [np.nan, 0.25]
        f["/clv/table"] = rec
        f["/rfm/segment_names"] = np.array([b"Lost", b"Champions"])
        if extra_group:
            f["/extra/x"] = np.arange(3)


def run(a, b, *groups):
    r = subprocess.run([sys.executable, H5COMPARE, a, b, *groups], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def expect(what, got_rc, out, want_rc, want_text=None):
    ok = got_rc == want_rc and (want_text is None or want_text in out)
    print(f"{'ok  ' if ok else 'FAIL'} {what}: exit {got_rc} (want {want_rc})")
    if not ok:
        failures.append(what)
        print("     " + out.replace("\n", "\n     "))


with tempfile.TemporaryDirectory() as d:
    p = lambda name: os.path.join(d, name)
    write(p("a.h5"))
    write(p("a_copy.h5"))
    write(p("changed.h5"), value=2.5)
    write(p("nan_value.h5"), value=np.nan)
    write(p("attr.h5"), nan_attr=False)
    write(p("extra.h5"), extra_group=True)
    write(p("empty.h5"), empty=True)
    write(p("empty_copy.h5"), empty=True)

    expect("same file with NaNs", *run(p("a.h5"), p("a.h5")), 0)
    expect("identical files with NaNs, all groups", *run(p("a.h5"), p("a_copy.h5")), 0, "0 difference(s)")
    expect("identical files, /clv/lifecycle only", *run(p("a.h5"), p("a_copy.h5"), "/clv/lifecycle"), 0)
    expect("changed value", *run(p("a.h5"), p("changed.h5")), 1, "/clv/lifecycle/mean_days: values differ")
    expect("NaN against a number", *run(p("a.h5"), p("nan_value.h5")), 1, "/clv/lifecycle/mean_days: values differ")
    expect("changed attribute", *run(p("a.h5"), p("attr.h5")), 1, "/clv/lifecycle@threshold")
    expect("requested group in neither file", *run(p("a.h5"), p("a_copy.h5"), "/nothing"), 1, "/nothing: in neither file")
    expect("no datasets at all", *run(p("empty.h5"), p("empty_copy.h5")), 1, "no dataset compared")
    expect("group only in B", *run(p("a.h5"), p("extra.h5")), 1, "/extra: only in B")
    expect("requested group only in A", *run(p("extra.h5"), p("a.h5"), "/extra"), 1, "/extra: only in A")

if failures:
    print(f"h5compare_test: FAILED: {len(failures)} case(s): {', '.join(failures)}")
    sys.exit(1)
print("h5compare_test: OK")
