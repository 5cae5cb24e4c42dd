#!/usr/bin/python3
"""End-to-end tests of segment migration (`crmpi migrate`, `crmpi run` with --before, `crmpi report
--before`; docs/migration.md).

Usage: migrate_e2e.py CASE --crmpi BIN --mpiexec MPIEXEC --workdir DIR
Cases:
  generated     two consecutive quarters of generated data: the before quarter is `crmpi run --as-of`
                the end of the previous quarter on 2,500 customers (k = 4), the after
                quarter `crmpi run` at the as-of on the first 2,400 of the same customers (same seed:
                the generator draws customer i from (seed, i) alone, so the 100 others are gone from
                the after run: "lost" by absence; customers whose first order falls in the quarter are
                "new"), k = 5 (segments matched 4 to 5), with --before: the run writes migration.h5 and
                its report shows it. Then `crmpi migrate` at 1 and 3 ranks: identical to the run's;
                every cell of both matrices recomputed here with numpy from the two results.h5 files;
                the matching recomputed with scipy's linear_sum_assignment; the CSV files against
                migration.h5; the report's numbers against migration.h5 and results.h5 (the checks of
                tests/e2e/report); `crmpi report --before` rebuilds the same page; bad inputs; three
                customers at 1 and 4 ranks (empty shares); migration.h5 against the layout.
  online-retail two quarterly runs of the UCI Online Retail years (../shared/data/online-retail, both
                files ingested together) at the quarter ends 2011-06-30 and 2011-09-30 of one
                cumulative export (--as-of), the second with --before: the migration (identical at 1
                and 2 ranks, matrix margins equal to each run's RFM segment counts) and the report.
                Skipped (exit 77) where the data is absent; a failure under CI=true.
Exit 0 = pass, 77 = skipped, anything else = failure.
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
import report_e2e  # noqa: E402  (the page parser and its checks)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import launch  # noqa: E402  (tests/e2e/launch.py: how crmpi is started and checked)

SKIP = 77
args = None
HERE = os.path.dirname(os.path.abspath(__file__))


def crmpi(np_, *cmd, expect=0):
    return launch.crmpi(args.mpiexec, args.crmpi, np_, *cmd, expect=expect, timeout=600)


def h5compare(a, b, *groups):
    tool = os.path.join(HERE, "..", "h5compare.py")
    r = subprocess.run(["/usr/bin/python3", tool, a, b, *groups], capture_output=True, text=True)
    assert r.returncode == 0, f"{a} and {b} differ:\n{r.stdout}{r.stderr}"


def strings(ds):
    return [s.decode() for s in ds[()]]


def per_customer(path, kind):
    with h5py.File(path) as f:
        ids = f["rfm/customer_id"][()]
        seg = f["rfm/segment"][()] if kind == "rfm" else f["kmeans/segment"][()]
        cents = f["rfm/monetary_cents"][()]
    return ids, seg.astype(np.int64), cents.astype(np.int64)


def expected_matrix(before, after, kind):
    """The matrices as docs/migration.md defines them, from the per-customer columns: the union of
    both runs' customer ids; row = segment before (0 where absent), column = segment after (0 where
    absent); revenue = after's monetary, before's in column 0."""
    bi, bs, bc = per_customer(before, kind)
    ai, as_, ac = per_customer(after, kind)
    with h5py.File(before) as f, h5py.File(after) as g:
        nb = len(f[f"{kind}/segment_names"])
        na = len(g[f"{kind}/segment_names"])
    ids = np.union1d(bi, ai)
    row = np.zeros(ids.size, np.int64)
    col = np.zeros(ids.size, np.int64)
    mb = np.zeros(ids.size, np.int64)
    ma = np.zeros(ids.size, np.int64)
    pb = np.searchsorted(ids, bi)
    pa = np.searchsorted(ids, ai)
    row[pb], mb[pb] = bs, bc
    col[pa], ma[pa] = as_, ac
    out = {k: np.zeros((nb, na), np.int64) for k in ("customers", "revenue_cents", "revenue_before_cents",
                                                     "revenue_after_cents")}
    np.add.at(out["customers"], (row, col), 1)
    np.add.at(out["revenue_before_cents"], (row, col), mb)
    np.add.at(out["revenue_after_cents"], (row, col), ma)
    np.add.at(out["revenue_cents"], (row, col), np.where(col == 0, mb, ma))
    return out, ids.size, np.intersect1d(bi, ai).size


def expected_match(before, after):
    """Centroids of the before run in the after run's standardized units, Euclidean distances, and the
    least-total assignment by scipy (an implementation independent of crmpi's)."""
    from scipy.optimize import linear_sum_assignment
    with h5py.File(before) as f, h5py.File(after) as g:
        kb, ka = int(f["kmeans"].attrs["k"]), int(g["kmeans"].attrs["k"])
        zb = f["kmeans/centroids"][()].reshape(kb, -1)
        za = g["kmeans/centroids"][()].reshape(ka, -1)
        mb, sb = f["kmeans"].attrs["feature_mean"], f["kmeans"].attrs["feature_std"]
        ma, sa = g["kmeans"].attrs["feature_mean"], g["kmeans"].attrs["feature_std"]
    keep = sa > 0
    t = mb + zb * sb
    zb2 = (t[:, keep] - ma[keep]) / sa[keep]
    dist = np.sqrt(((zb2[:, None, :] - za[None, :, keep]) ** 2).sum(axis=2))
    rows, cols = linear_sum_assignment(dist)
    match = np.zeros(kb + 1, np.int64)
    mdist = np.full(kb + 1, np.nan)
    match[rows + 1] = cols + 1
    mdist[rows + 1] = dist[rows, cols]
    return match, mdist


def check_csv(path, m, kind):
    """The long-form CSV: one line per cell, each number as in migration.h5."""
    g = m[f"migration/{kind}"]
    b, a = strings(g["before_name"]), strings(g["after_name"])
    with open(path, newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == len(b) * len(a), (path, len(lines))
    for line in lines:
        r, c = int(line["before_code"]), int(line["after_code"])
        at = r * len(a) + c
        assert line["before_segment"] == b[r] and line["after_segment"] == a[c]
        assert int(line["customers"]) == int(g["customers"][at])
        for key in ("revenue", "revenue_before", "revenue_after"):
            col = "revenue_cents" if key == "revenue" else f"{key}_cents"
            assert line[key] == f"{int(g[col][at]) / 100:.2f}", (path, line, key)
    return len(lines)


def case_generated():
    w = args.workdir
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    big, small = os.path.join(w, "in2500.h5"), os.path.join(w, "in2400.h5")
    crmpi(None, "generate", "--customers", "2500", "--seed", "21", "--out", big, "--log-level", "warn")
    crmpi(None, "generate", "--customers", "2400", "--seed", "21", "--out", small, "--log-level", "warn")
    with h5py.File(small) as f:
        as_of = int(f.attrs["as_of_day"])
    # The end of the quarter before the one as_of falls in: two consecutive quarter-end runs.
    month = np.datetime64(as_of, "D").astype("datetime64[M]").astype(int)  # months since 1970-01
    before_day = str(np.datetime64(int(month - month % 3), "M").astype("datetime64[D]") - 1)
    q1, q2 = os.path.join(w, "q1"), os.path.join(w, "q2")
    crmpi(2, "run", "--input", big, "--out", q1, "--as-of", before_day, "--k", "4", "--no-report",
          "--log-level", "warn")
    out = crmpi(2, "run", "--input", small, "--out", q2, "--k", "5", "--before", os.path.join(q1, "results.h5"),
                "--log-level", "warn")
    assert "crmpi migrate:" in out and f"report:  {q2}/report.html" in out, out
    r1, r2 = os.path.join(q1, "results.h5"), os.path.join(q2, "results.h5")
    with h5py.File(r1) as f:
        # --as-of is the whole run's cut-off: the CLV calibration ends there too.
        assert f["rfm"].attrs["as_of"].decode() == before_day == f["clv"].attrs["calibration_end"].decode()

    # crmpi migrate at 1 and 3 ranks: the same bits as the run's own migration (2 ranks).
    for n in (1, 3):
        crmpi(n, "migrate", "--before", r1, "--after", r2, "--out", os.path.join(w, f"m{n}"), "--log-level", "warn")
        h5compare(os.path.join(q2, "migration.h5"), os.path.join(w, f"m{n}", "migration.h5"), "/migration")
        for name in ("migration_rfm.csv", "migration_kmeans.csv"):
            with open(os.path.join(q2, "csv", name), "rb") as x, open(os.path.join(w, f"m{n}", "csv", name), "rb") as y:
                assert x.read() == y.read(), f"{name} differs at {n} ranks"

    # Every cell against numpy over the per-customer columns.
    cells = 0
    with h5py.File(os.path.join(q2, "migration.h5")) as m:
        g = m["migration"]
        for kind in ("rfm", "kmeans"):
            want, union, both = expected_matrix(r1, r2, kind)
            for key, v in want.items():
                got = g[f"{kind}/{key}"][()].reshape(v.shape)
                assert np.array_equal(got, v), f"{kind}/{key}:\n{got}\n!=\n{v}"
                cells += v.size
            assert int(want["customers"].sum()) == union
        assert int(g.attrs["customers_both"]) == both == 2400
        assert int(g.attrs["customers_before"]) == 2500 and int(g.attrs["customers_after"]) == 2400
        want_rfm = expected_matrix(r1, r2, "rfm")[0]
        # Sanity of the story the data tells: the 100 customers absent after are all in column 0 (lost),
        # and customers whose first order is in the quarter make row 0 (new) non-empty.
        assert int(want_rfm["customers"][:, 0].sum()) >= 100 and int(want_rfm["customers"][0, 1:].sum()) > 0
        k = g["kmeans"]
        assert k.attrs["status"].decode() == "matched"
        match, mdist = expected_match(r1, r2)
        assert np.array_equal(k["match"][()], match), (k["match"][()], match)
        assert np.allclose(k["match_distance"][()], mdist, rtol=1e-12, equal_nan=True)
        assert (match > 0).sum() == 4 and len(set(match[1:])) == 4  # k 4 -> 5: every before segment matched once
        lines = check_csv(os.path.join(q2, "csv", "migration_rfm.csv"), m, "rfm")
        lines += check_csv(os.path.join(q2, "csv", "migration_kmeans.csv"), m, "kmeans")

    # The run's report: the migration heatmaps and tables against migration.h5, the insights sections
    # against results.h5.
    with open(os.path.join(q2, "report.html"), encoding="utf-8") as fh:
        page = report_e2e.Page(fh.read())
    shown = report_e2e.migration_cells(page, os.path.join(q2, "migration.h5"), "rfm")
    shown += report_e2e.migration_cells(page, os.path.join(q2, "migration.h5"), "kmeans")
    buyers = int(want_rfm["customers"][1:].sum())
    assert any(r.startswith(f"Of the {buyers:,} buyers of {before_day}") for r in page.readings), page.readings
    insights = report_e2e.check_insights_sections(page, r2)
    # `crmpi report --before` alone: the same migration and the same page.
    os.remove(os.path.join(q2, "migration.h5"))
    again = os.path.join(w, "again.html")
    crmpi(1, "report", "--results", r2, "--before", r1, "--out", again, "--log-level", "warn")
    h5compare(os.path.join(q2, "migration.h5"), os.path.join(w, "m1", "migration.h5"), "/migration")
    with open(again, encoding="utf-8") as fh:
        page2 = report_e2e.Page(fh.read())
    assert page2.readings == page.readings and page2.rows == page.rows
    # Without --before, a migration.h5 of another run next to the results is not shown, and the
    # section says why; the script given it as --migration refuses it (65).
    shutil.copy(os.path.join(q2, "migration.h5"), os.path.join(q1, "migration.h5"))
    crmpi(None, "report", "--results", r1, "--out", os.path.join(w, "q1.html"))
    with open(os.path.join(w, "q1.html"), encoding="utf-8") as fh:
        absent = report_e2e.Page(fh.read()).absent_sections
    assert "describes another run" in absent.get("migration", ""), absent
    script = os.path.join(os.path.dirname(os.path.dirname(args.crmpi)), "share", "crmpi", "report", "crmpi_report.py")
    r = subprocess.run(["/usr/bin/python3", script, "--results", r1, "--out", os.path.join(w, "x.html"), "--migration",
                        os.path.join(q1, "migration.h5")], capture_output=True, text=True)
    assert r.returncode == 65 and "describes another run" in r.stderr, (r.returncode, r.stderr)
    os.remove(os.path.join(q1, "migration.h5"))
    print(f"PASS: migration identical at 1, 2 (run) and 3 ranks; {cells} matrix cells and the k-means matching "
          f"equal numpy/scipy; {lines} CSV lines equal migration.h5; the page's {shown} heatmap cells and "
          f"{insights} insights figures equal the files; crmpi report --before rebuilds the same page; a "
          f"migration.h5 of another run is not shown")
    shared_config(w, r1, r2)
    bad_inputs(w, big, r1, r2, before_day)
    tiny_partitions(w)
    # migration.h5 holds exactly what the layout (io/results_schema.hpp) describes.
    r = subprocess.run([args.layout, "check", os.path.join(q2, "migration.h5")], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr
    print("PASS: migration.h5 is as io/results_schema.hpp lays it out (results_layout check)")


def shared_config(w, r1, r2):
    """One config file for both jobs: top-level out (the after run's directory) and [migrate] before.
    crmpi migrate takes the after run from out; crmpi run accepts the file (it then fails on its
    missing input, 66, not on the file, 78)."""
    cfg = os.path.join(w, "q.toml")
    with open(cfg, "w") as fh:
        fh.write(f'out = "{os.path.dirname(r2)}"\nlog-level = "warn"\n\n[migrate]\nbefore = "{r1}"\n')
    crmpi(None, "migrate", "--config", cfg)
    h5compare(os.path.join(os.path.dirname(r2), "migration.h5"), os.path.join(w, "m1", "migration.h5"), "/migration")
    o = crmpi(None, "run", "--config", cfg, "--input", os.path.join(w, "no-input.h5"), expect=66)
    assert "no-input.h5" in o, o
    print("PASS: one config file (out, [migrate] before) serves crmpi migrate and crmpi run")


def bad_inputs(w, data, r1, r2, before_day):
    m = os.path.join(w, "bad")
    o = crmpi(None, "migrate", "--before", os.path.join(w, "absent.h5"), "--after", r2, "--out", m, expect=66)
    assert "absent.h5" in o, o
    o = crmpi(None, "migrate", "--before", data, "--after", r2, "--out", m, expect=65)  # an input, not results
    assert "no /rfm group" in o, o
    o = crmpi(None, "migrate", "--before", r2, "--after", r1, "--out", m, expect=65)
    assert "swapped" in o, o
    o = crmpi(None, "migrate", "--before", r1, expect=78)
    assert "--out" in o, o
    assert not os.path.exists(os.path.join(m, "migration.h5"))
    # A before run without k-means (crmpi rfm): the RFM matrix, and the k-means one skipped with why.
    rfm_only = os.path.join(w, "rfm-only")
    crmpi(None, "rfm", "--input", data, "--as-of", before_day, "--out", rfm_only, "--log-level", "warn")
    o = crmpi(None, "migrate", "--before", os.path.join(rfm_only, "results.h5"), "--after", r2, "--out", m)
    assert "k-means: no matrix: the before run" in o and "no /kmeans" in o, o
    with h5py.File(os.path.join(m, "migration.h5")) as f:
        assert "no k-means segments" in f["migration/kmeans"].attrs["status"].decode()
        assert f["migration/kmeans/customers"].shape == (0,) and f["migration/rfm/customers"].shape[0] > 0
    with open(os.path.join(m, "csv", "migration_kmeans.csv")) as fh:
        assert len(fh.read().splitlines()) == 1  # the header alone
    # crmpi run: a missing previous quarter fails before any work; its own results file is refused.
    o = crmpi(None, "run", "--input", data, "--out", os.path.join(w, "q3"), "--before", os.path.join(w, "no.h5"),
              expect=66)
    assert not os.path.exists(os.path.join(w, "q3", "results.h5")), o
    o = crmpi(None, "run", "--input", data, "--out", os.path.dirname(r2), "--before", r2, expect=78)
    assert "the results file this run replaces" in o, o
    # A previous quarter later than the run: the run's results stand (exit 0), the migration is not
    # written and the run says so.
    early = str(np.datetime64(before_day) - 92)
    q0 = os.path.join(w, "q0")
    o = crmpi(None, "run", "--input", data, "--out", q0, "--as-of", early, "--before", r2, "--no-report")
    assert "migration: NOT written (exit 65" in o and "swapped" in o, o
    assert os.path.exists(os.path.join(q0, "results.h5")) and not os.path.exists(os.path.join(q0, "migration.h5"))
    print("PASS: bad inputs: missing 66, not results 65, swapped 65, no --out 78; no k-means before: the "
          "k-means matrix skipped with its reason; crmpi run --before: missing 66 before reading, its own 78, "
          "a later one leaves the run at exit 0 without migration")


def tiny_partitions(w):
    """Three customers on 1 and 4 ranks: ranks with no row of either file (an empty share, nothing
    to send or receive in the shuffle) give the same file."""
    # Five orders of three customers (CDNOW's whitespace layout): customer 3 has none by 1997-03-01.
    text = os.path.join(w, "tiny.txt")
    with open(text, "w") as fh:
        fh.write("customer_id date number_of_cds dollar_value\n1 19970101 1 10.00\n2 19970105 2 20.50\n"
                 "1 19970301 1 5.25\n3 19970310 1 7.00\n2 19970401 1 3.00\n")
    data = os.path.join(w, "tiny.h5")
    crmpi(None, "ingest", "--out", data, "--format", "whitespace", text, "--log-level", "warn")
    crmpi(None, "rfm", "--input", data, "--as-of", "1997-03-01", "--out", os.path.join(w, "t1"), "--log-level", "warn")
    crmpi(None, "rfm", "--input", data, "--out", os.path.join(w, "t2"), "--log-level", "warn")
    for n in (1, 4):
        crmpi(n, "migrate", "--before", os.path.join(w, "t1", "results.h5"), "--after", os.path.join(w, "t2", "results.h5"),
              "--out", os.path.join(w, f"tm{n}"), "--log-level", "warn")
    h5compare(os.path.join(w, "tm1", "migration.h5"), os.path.join(w, "tm4", "migration.h5"), "/migration")
    want, union, _ = expected_matrix(os.path.join(w, "t1", "results.h5"), os.path.join(w, "t2", "results.h5"), "rfm")
    with h5py.File(os.path.join(w, "tm4", "migration.h5")) as m:
        assert np.array_equal(m["migration/rfm/customers"][()].reshape(want["customers"].shape), want["customers"])
    # By hand: customer 3 has no order by 1997-03-01, so it is new (row 0) and is a buyer after.
    assert union == 3 and int(want["customers"][0, 1:].sum()) == 1 and int(want["customers"][1:, 1:].sum()) == 2
    print("PASS: 3 customers: the same migration at 1 and 4 ranks (empty shares), as numpy counts it")


def case_online_retail():
    root = os.environ.get("CRMPI_SHARED_DATA", "")
    files = [os.path.join(root, "online-retail", n) for n in ("online_retail_II_2009_2010.csv.gz",
                                                              "online_retail_2010_2011.csv.gz")]
    missing = [p for p in files if not os.path.exists(p)]
    if not root or missing:
        if os.environ.get("CI") == "true":
            print(f"FAIL: {missing or 'CRMPI_SHARED_DATA'} not found; CI=true needs the real data sets")
            return 1
        print(f"SKIP: {missing or 'CRMPI_SHARED_DATA unset'}: the UCI Online Retail files are absent "
              f"(set CRMPI_SHARED_DATA to ../shared/data)")
        return SKIP
    w = args.workdir
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    data = os.path.join(w, "uci.h5")
    crmpi(2, "ingest", "--out", data, *files, "--log-level", "warn")
    q2, q3 = os.path.join(w, "2011q2"), os.path.join(w, "2011q3")
    # BG/NBD and Gamma-Gamma only: Pareto/NBD's fit on these customers alone takes 20-70 s, and the
    # migration reads no CLV figure.
    models = ("--models", "bgnbd,gg")
    crmpi(2, "run", "--input", data, "--out", q2, "--as-of", "2011-06-30", *models, "--no-report",
          "--log-level", "warn")
    crmpi(2, "run", "--input", data, "--out", q3, "--as-of", "2011-09-30", *models,
          "--before", os.path.join(q2, "results.h5"), "--log-level", "warn")
    r2, r3 = os.path.join(q2, "results.h5"), os.path.join(q3, "results.h5")
    crmpi(1, "migrate", "--before", r2, "--after", r3, "--out", os.path.join(w, "m1"), "--log-level", "warn")
    h5compare(os.path.join(q3, "migration.h5"), os.path.join(w, "m1", "migration.h5"), "/migration")
    with h5py.File(os.path.join(q3, "migration.h5")) as m, h5py.File(r2) as b, h5py.File(r3) as a:
        g = m["migration/rfm"]
        cust = g["customers"][()].reshape(len(g["before_name"]), len(g["after_name"]))
        # Row and column sums are each run's RFM segment sizes (row 0 / column 0: the no-order segment;
        # one export, so no customer is absent from either run).
        assert np.array_equal(cust[1:].sum(axis=1), b["rfm/summary/customers"][1:])
        assert np.array_equal(cust[:, 1:].sum(axis=0), a["rfm/summary/customers"][1:])
        assert int(m["migration"].attrs["customers_both"]) == b["rfm/customer_id"].shape[0]
        new = int(cust[0, 1:].sum())
        stayed = sum(int(cust[r, c]) for r in range(1, cust.shape[0]) for c in range(1, cust.shape[1])
                     if g["before_name"][r] == g["after_name"][c])
        status = m["migration/kmeans"].attrs["status"].decode()
    with open(os.path.join(q3, "report.html"), encoding="utf-8") as fh:
        page = report_e2e.Page(fh.read())
    report_e2e.migration_cells(page, os.path.join(q3, "migration.h5"), "rfm")
    print(f"PASS: Online Retail 2011-06-30 -> 2011-09-30: {int(cust[1:].sum())} buyers before, {stayed} in the same "
          f"RFM segment, {new} new buyers; k-means: {status}; identical at 1 and 2 ranks; the report shows it")


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["generated", "online-retail"])
    ap.add_argument("--crmpi", required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--layout", help="tests/e2e/results' results_layout (generated: checks migration.h5 with it)")
    args = ap.parse_args()
    report_e2e.args = args  # its helpers read the same options
    rc = globals()[f"case_{args.case.replace('-', '_')}"]()
    return rc or 0


if __name__ == "__main__":
    sys.exit(main())
