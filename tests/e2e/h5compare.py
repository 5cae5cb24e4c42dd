#!/usr/bin/python3
"""Compare two HDF5 files dataset by dataset, with the attributes of every group and dataset below
the given paths. Root attributes (provenance: times, ranks, paths) are ignored on purpose.

usage: h5compare.py A.h5 B.h5 [GROUP ...]   (default: every top-level group of either file)

Values are equal when they have the same dtype and shape and every element is equal, NaN equal to
NaN in the same position (float results such as empty-segment means are NaN by design, and
NaN != NaN would make a file differ from itself). Compound dtypes compare field by field.

exit 0: identical, and at least one dataset was compared;
exit 1: differences (listed), a requested group in neither file, or nothing compared at all
        (a check that compares nothing must not pass);
exit 2: usage."""
import sys

import h5py
import numpy as np


def same_values(a, b):
    """Element-wise equality with NaN == NaN, for numeric, string, compound and vlen arrays."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.names or b.dtype.names:
        return a.dtype.names == b.dtype.names and all(same_values(a[n], b[n]) for n in a.dtype.names)
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    if a.dtype.kind == "O" or b.dtype.kind == "O":
        # Variable-length strings or sequences: h5py gives objects; compare one element at a time.
        return all(same_values(x, y) for x, y in zip(a.ravel(), b.ravel()))
    return bool(np.array_equal(a, b))


def collect(f, roots):
    """Every object at or below the roots, by path without the leading '/'."""
    out = {}
    for r in roots:
        if r not in f:
            continue
        out[r] = f[r]
        if isinstance(f[r], h5py.Group):
            f[r].visititems(lambda n, o, r=r: out.__setitem__(f"{r}/{n}", o))
    return out


def compare(a, b, roots):
    """(differences, datasets compared, attributes compared)."""
    diffs = [f"/{r}: in neither file" for r in roots if r not in a and r not in b]
    oa, ob = collect(a, roots), collect(b, roots)
    n_sets = n_attrs = 0
    for name in sorted(set(oa) | set(ob)):
        if name not in oa or name not in ob:
            diffs.append(f"/{name}: only in {'A' if name in oa else 'B'}")
            continue
        x, y = oa[name], ob[name]
        if isinstance(x, h5py.Dataset) != isinstance(y, h5py.Dataset):
            diffs.append(f"/{name}: group vs dataset")
            continue
        if isinstance(x, h5py.Dataset):
            n_sets += 1
            if x.dtype != y.dtype or x.shape != y.shape:
                diffs.append(f"/{name}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}")
            elif not same_values(x[()], y[()]):
                diffs.append(f"/{name}: values differ")
        for k in sorted(set(x.attrs) | set(y.attrs)):
            n_attrs += 1
            if k not in x.attrs or k not in y.attrs:
                diffs.append(f"/{name}@{k}: only in {'A' if k in x.attrs else 'B'}")
            elif not same_values(x.attrs[k], y.attrs[k]):
                diffs.append(f"/{name}@{k}: {x.attrs[k]!r} vs {y.attrs[k]!r}")
    return diffs, n_sets, n_attrs


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
        roots = [r.strip("/") for r in sys.argv[3:]] or sorted(set(a.keys()) | set(b.keys()))
        diffs, n_sets, n_attrs = compare(a, b, roots)
    for d in diffs[:50]:
        print(d)
    if len(diffs) > 50:
        print(f"... and {len(diffs) - 50} more")
    where = " ".join("/" + r for r in roots) or "(the files have no groups)"
    print(f"h5compare: {where}: {n_sets} datasets and {n_attrs} attributes compared, {len(diffs)} difference(s)")
    if n_sets == 0:
        print("h5compare: FAILED: no dataset compared")
        return 1
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
