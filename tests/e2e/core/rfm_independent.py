#!/usr/bin/python3
"""`crmpi rfm` against an independent computation of the definitions in docs/rfm.md.

A file from `crmpi generate --customers 20000 --seed 5` is scored by `crmpi rfm` at 1 and 3 ranks
(the input's as-of day) and at 3 ranks with --as-of a year earlier (orders after it must not
count; customers who signed up later have no order yet). Here pandas/numpy recompute, from the
input's /orders and /customers alone (no crmpi code):
  frequency, monetary_cents, avg_order_cents, recency_days, tenure_days, first/last_order_day;
  r/f/m scores, score = 1 + floor(5 L / n), L = buyers with a strictly smaller value, n = buyers,
  recency scored on its negation; the segment of each (R, F, M) cell from config/rfm_segments.toml
  (parsed here with tomllib), "No Purchases" without orders;
and every /rfm column must equal them exactly, customer by customer (aligned on
/rfm/customer_id), as must the per-segment customer and revenue counts (/rfm/summary, and the
customers column of csv/rfm_segments.csv) and the 125 cell counts.

usage: rfm_independent.py CRMPI_BINARY   (env MPIEXEC; exit 0 pass, 1 fail, 77 skipped)"""
import datetime
import os
import subprocess
import sys
import tempfile

try:
    import tomllib

    import h5py
    import numpy as np
    import pandas as pd
except ImportError as e:  # the test needs /usr/bin/python3 with h5py, numpy, pandas (3.11+)
    print(f"rfm_independent: {'FAILED' if os.environ.get('CI') == 'true' else 'SKIPPED'}: {e}")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

CRMPI = sys.argv[1]
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
SOURCE = os.environ.get("CRMPI_SOURCE_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../..")
failures = []


def crmpi(ranks, *args):
    cmd = [MPIEXEC, "-n", str(ranks), "--oversubscribe", CRMPI, *args, "--log-level", "warn"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit(f"rfm_independent: FAILED: {' '.join(cmd)} exited {p.returncode}\n{p.stdout}{p.stderr}")


def segment_of_cell(toml_path):
    """{(r, f, m): segment name}: each part of a cell pattern is a score, a range "a-b" or "*"."""
    def scores(part):
        if part == "*":
            return range(1, 6)
        lo, _, hi = part.partition("-")
        return range(int(lo), int(hi or lo) + 1)
    with open(toml_path, "rb") as f:
        table = tomllib.load(f)
    cells = {}
    for seg in table["segment"]:
        for pattern in seg["cells"]:
            r, f_, m = pattern.split()
            for cell in ((a, b, c) for a in scores(r) for b in scores(f_) for c in scores(m)):
                assert cell not in cells, f"{toml_path}: cell {cell} booked twice"
                cells[cell] = seg["name"]
    assert len(cells) == 125, f"{toml_path}: {len(cells)} of 125 cells covered"
    return cells


def quintile_score(v):
    """1 + floor(5 L / n) over the given values (the buyers), L = values strictly smaller."""
    L = np.searchsorted(np.sort(v), v, side="left")
    return 1 + (5 * L) // len(v)


def expected_rfm(input_h5, as_of, cells):
    with h5py.File(input_h5, "r") as f:
        ids = f["/customers/customer_id"][()]
        signup = f["/customers/signup_day"][()]
        orders = pd.DataFrame({"customer_id": f["/orders/customer_id"][()], "day": f["/orders/day"][()],
                               "amount": f["/orders/amount_cents"][()].astype(np.int64)})
    counted = orders[orders.day <= as_of]
    agg = counted.groupby("customer_id").agg(frequency=("day", "size"), monetary_cents=("amount", "sum"),
                                              first_order_day=("day", "min"), last_order_day=("day", "max"))
    e = pd.DataFrame({"signup": signup.astype(np.int64)}, index=pd.Index(ids, name="customer_id")).join(agg)
    buyer = e.frequency.notna()
    e["frequency"] = e.frequency.fillna(0).astype(np.int64)
    e["monetary_cents"] = e.monetary_cents.fillna(0).astype(np.int64)
    e["first_order_day"] = e.first_order_day.fillna(-1).astype(np.int64)
    e["last_order_day"] = e.last_order_day.fillna(-1).astype(np.int64)
    e["recency_days"] = np.where(buyer, as_of - e.last_order_day, -1)
    e["avg_order_cents"] = np.where(buyer, e.monetary_cents / e.frequency.where(buyer, 1), 0.0)
    # tenure = as_of - min(signup, first order). A signup after as_of has not happened yet: without
    # an order by then the customer has no tenure, -1 like the other "no order" columns (a case
    # docs/rfm.md leaves open; it arises only with an --as-of before some signups).
    start = e.signup.where(e.signup <= as_of)
    start = np.fmin(start, e.first_order_day.where(buyer))
    e["tenure_days"] = np.where(start.notna(), as_of - start.fillna(0), -1).astype(np.int64)
    for col in ("r_score", "f_score", "m_score"):
        e[col] = 0
    e.loc[buyer, "r_score"] = quintile_score(-e.recency_days[buyer].to_numpy())
    e.loc[buyer, "f_score"] = quintile_score(e.frequency[buyer].to_numpy())
    e.loc[buyer, "m_score"] = quintile_score(e.monetary_cents[buyer].to_numpy())
    e["segment_name"] = [cells[c] if c[0] else "No Purchases" for c in zip(e.r_score, e.f_score, e.m_score)]
    return e, len(orders) - len(counted)


def check(label, out_dir, e):
    def fail(msg):
        failures.append(f"{label}: {msg}")
    with h5py.File(os.path.join(out_dir, "results.h5"), "r") as f:
        g = f["/rfm"]
        got_ids = g["customer_id"][()]
        if len(got_ids) != len(e) or len(np.unique(got_ids)) != len(got_ids) or not np.isin(got_ids, e.index).all():
            return fail("/rfm/customer_id is not the input's customers, each once")
        x = e.loc[got_ids]
        for col in ("frequency", "monetary_cents", "avg_order_cents", "recency_days", "tenure_days",
                    "first_order_day", "last_order_day", "r_score", "f_score", "m_score"):
            got, want = g[col][()], x[col].to_numpy()
            bad = np.flatnonzero(got != want)
            if bad.size:
                i = bad[0]
                fail(f"/rfm/{col}: {bad.size} customers differ, e.g. id {got_ids[i]}: {got[i]} vs expected {want[i]}")
        names = [s.decode() if isinstance(s, bytes) else s for s in g["segment_names"][()]]
        if names[0] != "No Purchases":
            fail(f"/rfm/segment_names[0] = {names[0]!r}, docs/rfm.md: segment 0 is 'No Purchases'")
        got_seg = np.array(names, dtype=object)[g["segment"][()]]
        bad = np.flatnonzero(got_seg != x.segment_name.to_numpy())
        if bad.size:
            fail(f"/rfm/segment: {bad.size} customers in another segment, e.g. id {got_ids[bad[0]]}")
        want_n = e.segment_name.value_counts()
        want_rev = e.groupby("segment_name").monetary_cents.sum()
        got_n, got_rev = g["summary/customers"][()], g["summary/revenue_cents"][()]
        csv = pd.read_csv(os.path.join(out_dir, "csv", "rfm_segments.csv"), keep_default_na=False)
        csv_n = dict(zip(csv.segment, csv.customers))
        for k, name in enumerate(names):
            if got_n[k] != want_n.get(name, 0) or csv_n.get(name) != want_n.get(name, 0):
                fail(f"segment {name!r}: {got_n[k]} customers (csv {csv_n.get(name)}), expected {want_n.get(name, 0)}")
            if got_rev[k] != want_rev.get(name, 0):
                fail(f"segment {name!r}: revenue {got_rev[k]} cents, expected {want_rev.get(name, 0)}")
        buyers = e[e.r_score > 0]
        want_cells = np.bincount((buyers.r_score - 1) * 25 + (buyers.f_score - 1) * 5 + buyers.m_score - 1, minlength=125)
        if not np.array_equal(g["cells/customers"][()], want_cells):
            fail("/rfm/cells/customers differs from the expected cell counts")
        if g.attrs["buyers"] != len(buyers):
            fail(f"/rfm@buyers = {g.attrs['buyers']}, expected {len(buyers)}")
    print(f"  {label}: {len(e)} customers, {len(buyers)} buyers; segments: "
          + ", ".join(f"{n} {c}" for n, c in want_n.items()))


def main():
    cells = segment_of_cell(os.path.join(SOURCE, "config", "rfm_segments.toml"))
    with tempfile.TemporaryDirectory(prefix="crmpi_rfm_indep_") as work:
        x = os.path.join(work, "x.h5")
        crmpi(1, "generate", "--customers", "20000", "--seed", "5", "--out", x)
        with h5py.File(x, "r") as f:
            as_of = int(f.attrs["as_of_day"])
        earlier = as_of - 365
        earlier_iso = (datetime.date(1970, 1, 1) + datetime.timedelta(days=earlier)).isoformat()
        runs = [("1 rank", 1, as_of, []), ("3 ranks", 3, as_of, []),
                (f"3 ranks, --as-of {earlier_iso}", 3, earlier, ["--as-of", earlier_iso])]
        for label, ranks, day, extra in runs:
            out = os.path.join(work, f"out_{ranks}_{day}")
            crmpi(ranks, "rfm", "--input", x, "--out", out, *extra)
            e, excluded = expected_rfm(x, day, cells)
            print(f"rfm_independent: {label}: {excluded} orders after the as-of day excluded")
            if day < as_of and not (excluded > 0 and (e.frequency == 0).any()):
                failures.append(f"{label}: the earlier as-of day excludes no order or leaves no non-buyer")
            check(label, out, e)
    if failures:
        print("rfm_independent: FAILED\n  " + "\n  ".join(failures))
        return 1
    print("rfm_independent: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
