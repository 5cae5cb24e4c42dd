#!/usr/bin/python3
"""Compare two HDF5 files dataset by dataset (and attributes of groups/datasets below the given
paths). Root attributes (provenance: times, ranks, paths) are ignored on purpose.

usage: h5compare.py A.h5 B.h5 [GROUP ...]   (default: every top-level group)
exit 0 when identical, 1 with a list of differences otherwise."""
import sys

import h5py
import numpy as np


def collect(f, roots):
    out = {}
    def visit(name, obj):
        out[name] = obj
    for r in roots:
        if r not in f:
            continue
        out[r] = f[r]
        if isinstance(f[r], h5py.Group):
            f[r].visititems(lambda n, o: visit(f"{r}/{n}", o))
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
    roots = sys.argv[3:] or sorted(set(a.keys()) | set(b.keys()))
    roots = [r.strip("/") for r in roots]
    oa, ob = collect(a, roots), collect(b, roots)
    diffs = []
    for name in sorted(set(oa) | set(ob)):
        if name not in oa or name not in ob:
            diffs.append(f"{name}: only in {'A' if name in oa else 'B'}")
            continue
        x, y = oa[name], ob[name]
        if isinstance(x, h5py.Dataset) != isinstance(y, h5py.Dataset):
            diffs.append(f"{name}: group vs dataset")
            continue
        if isinstance(x, h5py.Dataset):
            if x.dtype != y.dtype or x.shape != y.shape:
                diffs.append(f"{name}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}")
            elif not np.array_equal(x[()], y[()]):
                diffs.append(f"{name}: values differ")
        for k in sorted(set(x.attrs) | set(y.attrs)):
            va, vb = x.attrs.get(k), y.attrs.get(k)
            if va is None or vb is None or not np.array_equal(np.asarray(va), np.asarray(vb)):
                diffs.append(f"{name}@{k}: {va!r} vs {vb!r}")
    for d in diffs[:50]:
        print(d)
    print(f"h5compare: {len(oa)} objects compared, {len(diffs)} difference(s)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
