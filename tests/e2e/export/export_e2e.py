#!/usr/bin/python3
"""End-to-end test of the per-customer export and pseudonymized ids (docs/exports.md).

Usage: export_e2e.py --crmpi BIN --mpiexec MPIEXEC --workdir DIR

Where expected values come from: every cell of csv/customers/part-*.csv is recomputed here from
the per-customer columns of the same results.h5 (h5py + numpy) by the formats docs/exports.md
states (money from minor units, dates as YYYY-MM-DD from days since 1970-01-01, names from the
code columns' name lists, recommendations from /rules/recommend_count's rows); each pseudonym is
recomputed with Python's hmac (HMAC-SHA256 of the id's decimal text, first 32 hex digits).
Rank invariance: the parts at 3 ranks are byte for byte those at 1 rank. Also: the headline
numbers `crmpi run` prints (customers, revenue, segments, expected purchases, CLV, rules, churn),
recomputed from the same per-customer columns; a run without
--customers-csv removes an earlier export; `crmpi export` of the results gives the same rows;
a bad key file fails with its exit code and leaves the earlier outputs as they were.
"""
import argparse
import csv
import datetime
import glob
import hashlib
import hmac
import os
import shutil
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import launch  # noqa: E402  (tests/e2e/launch.py: how crmpi is started and checked)

args = None


def crmpi(np_, *cmd, expect=0):
    return launch.crmpi(args.mpiexec, args.crmpi, np_, *cmd, expect=expect, timeout=300)


def parts(folder):
    return sorted(glob.glob(os.path.join(folder, "part-*.csv")))


def read_rows(folder):
    header, rows = None, []
    for p in parts(folder):
        with open(p, newline="", encoding="utf-8") as f:
            r = list(csv.reader(f))
        assert header is None or r[0] == header, f"{p}: header {r[0]}"
        header = r[0]
        rows += r[1:]
    return header, rows


def expected_rows(results, key, rows_per_part):
    """The export's rows, recomputed from results.h5's columns."""
    def s(x):
        return x.decode() if isinstance(x, bytes) else str(x)

    with h5py.File(results) as f:
        ids = f["rfm/customer_id"][()]
        n = len(ids)
        rfm_names = [s(x) for x in f["rfm/segment_names"][()]]
        km_names = [s(x) for x in f["kmeans/segment_names"][()]]
        model = s(f["clv"].attrs["primary_model"])
        life = [s(x) for x in f["clv/lifecycle_stage_names"][()]]
        assert (f["clv/customer_id"][()] == ids).all() and (f["rules/customer_id"][()] == ids).all()
        col = {k: f["rfm/" + k][()] for k in ("recency_days", "frequency", "monetary_cents", "avg_order_cents",
                                             "tenure_days", "first_order_day", "last_order_day", "r_score",
                                             "f_score", "m_score", "segment")}
        km_seg, km_dist = f["kmeans/segment"][()], f["kmeans/distance"][()]
        pa, ch, ep = (f[f"clv/{model}/{k}"][()] for k in ("p_alive", "churn_risk", "expected_purchases"))
        clv = f[f"clv/{model}/clv"][()]
        stage = f["clv/lifecycle_stage"][()]
        rc, items = f["rules/recommend_count"][()], f["rules/recommend/item"][()]
        item_name = {int(i): s(nm) for i, nm in zip(f["rules/item_id"][()], f["rules/item_name"][()]) if s(nm)}
    start = np.concatenate([[0], np.cumsum(rc.astype(np.int64))])
    day = lambda d: "" if d < 0 else (datetime.date(1970, 1, 1) + datetime.timedelta(days=int(d))).isoformat()  # noqa
    num = lambda v, k=6: "" if np.isnan(v) else f"{v:.{k}f}"  # noqa: E731
    out = []
    for i in range(n):
        c = int(col["monetary_cents"][i])
        buyer = col["frequency"][i] > 0
        cid = hmac.new(key, str(int(ids[i])).encode(), hashlib.sha256).hexdigest()[:32] if key else str(int(ids[i]))
        rec = [int(x) for x in items[start[i]:start[i + 1]]]
        row = [cid, str(col["recency_days"][i]) if buyer else "", str(col["frequency"][i]),
               f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}",
               f"{col['avg_order_cents'][i] / 100:.2f}" if buyer else "", str(col["tenure_days"][i]),
               day(col["first_order_day"][i]), day(col["last_order_day"][i])]
        row += [str(col[k][i]) if col[k][i] else "" for k in ("r_score", "f_score", "m_score")]
        row += [rfm_names[col["segment"][i]], km_names[km_seg[i]], num(km_dist[i]), num(pa[i]), num(ch[i]),
                num(ep[i]), num(clv[i], 2), life[stage[i]], " ".join(map(str, rec)),
                " | ".join(item_name.get(x, str(x)) for x in rec)]
        out.append(row)
    return out, -(-n // rows_per_part)


def check_summary(text, results):
    """The headline numbers `crmpi run` prints, recomputed from results.h5's per-customer columns."""
    import re

    def s(x):
        return x.decode() if isinstance(x, bytes) else str(x)

    def near(got, want, decimals, what):
        assert abs(float(got) - want) <= 0.51 * 10 ** -decimals + 1e-9 * abs(want), f"{what}: printed {got}, want {want}"

    with h5py.File(results) as f:
        seg, cents = f["rfm/segment"][()], f["rfm/monetary_cents"][()].astype(np.int64)
        names = [s(x) for x in f["rfm/segment_names"][()]]
        model = s(f["clv"].attrs["primary_model"])
        ep, clv, churn = (f[f"clv/{model}/{k}"][()] for k in ("expected_purchases", "clv", "churn_risk"))
        km, km_names = f["kmeans/segment"][()], [s(x) for x in f["kmeans/segment_names"][()]]
        n_rules = len(f["rules/rules/count"])
    revenue = int(cents.sum())
    m = re.search(r"customers (\d+) \(buyers \d+\), revenue ([\d.]+) ", text)
    assert m and int(m.group(1)) == len(seg), text
    assert m.group(2) == f"{revenue // 100}.{revenue % 100:02d}", (m.group(2), revenue)
    for code, name in enumerate(names):
        k = int((seg == code).sum())
        if not k:
            continue
        m = re.search(re.escape(name) + r" +(\d+) customers +([\d.]+)% of revenue", text)
        assert m and int(m.group(1)) == k, (name, text)
        near(m.group(2), 100 * cents[seg == code].sum() / revenue, 1, f"{name} revenue share")
    scored = ~np.isnan(ep)
    m = re.search(r"clv \((\w+), next 12 months\): expected purchases ([\d.]+) a customer \((\d+) in all\), "
                  r"mean CLV ([\d.]+) \w+ \(([\d.]+) in all\)", text)
    assert m and m.group(1) == model, text
    near(m.group(2), ep[scored].mean(), 2, "expected purchases a customer")
    near(m.group(4), np.nansum(clv) / scored.sum(), 2, "mean CLV")
    for code, name in enumerate(km_names):
        members = km == code
        if not members.any():
            continue
        m = re.search(re.escape(name) + r" +(\d+) customers +([\d.]+)% of revenue  mean CLV ([\d.]+)", text)
        assert m and int(m.group(1)) == int(members.sum()), (name, text)
        near(m.group(2), 100 * cents[members].sum() / revenue, 1, f"{name} revenue share")
        near(m.group(3), np.nanmean(clv[members]), 2, f"{name} mean CLV")
    m = re.search(r"rules: \d+ baskets, \d+ frequent itemsets, (\d+) rules", text)
    assert m and int(m.group(1)) == n_rules, text
    m = re.search(r"churn \((\w+)\): expected churned share ([\d.]+)%, (\d+) customers at risk", text)
    assert m and m.group(1) == model, text
    near(m.group(2), 100 * np.nanmean(churn), 1, "churned share")
    assert int(m.group(3)) == int((churn > 0.5).sum()), (m.group(3), int((churn > 0.5).sum()))
    print("PASS: the run's printed headline numbers (customers, revenue, RFM and k-means segments, expected "
          "purchases, CLV, rules, churn) as recomputed from results.h5")


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--crmpi", required=True)
    p.add_argument("--mpiexec", default="mpiexec")
    p.add_argument("--workdir", required=True)
    args = p.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    w = lambda name: os.path.join(args.workdir, name)  # noqa: E731
    data = w("g.h5")
    crmpi(1, "generate", "--customers", "2500", "--seed", "11", "--out", data, "--log-level", "warn")
    key = bytes(range(100, 132))  # 32 bytes
    with open(w("key"), "wb") as f:
        f.write(key)
    os.chmod(w("key"), 0o600)
    with open(w("c.toml"), "w") as f:
        f.write("[kmeans]\nk = 4\n[rules]\nmin-support = 0.005\nmin-confidence = 0.1\n[export]\ncustomers-csv = true\nrows-per-part = 1000\n"
                f"pseudonymize-key-file = \"{w('key')}\"\n")
    printed = {}
    for n in (1, 3):
        printed[n] = crmpi(n, "run", "--input", data, "--out", w(f"o{n}"), "--config", w("c.toml"), "--no-report",
                           "--log-level", "warn")
    check_summary(printed[1], w("o1/results.h5"))

    # Rank invariance: the same part files, byte for byte.
    p1, p3 = parts(w("o1/csv/customers")), parts(w("o3/csv/customers"))
    assert [os.path.basename(x) for x in p1] == [os.path.basename(x) for x in p3], (p1, p3)
    for a, b in zip(p1, p3):
        assert open(a, "rb").read() == open(b, "rb").read(), f"{a} != {b}"
    print(f"PASS: {len(p1)} part files identical at 1 and 3 ranks")

    # Every cell, from results.h5.
    header, rows = read_rows(w("o1/csv/customers"))
    assert header == ["customer_pseudonym", "recency_days", "frequency", "monetary", "avg_order_value", "tenure_days",
                      "first_order_date", "last_order_date", "r_score", "f_score", "m_score", "rfm_segment",
                      "kmeans_segment", "kmeans_distance", "p_alive", "churn_risk", "expected_purchases", "clv",
                      "lifecycle_stage", "recommended_item_ids", "recommended_items"], header
    want, nparts = expected_rows(w("o1/results.h5"), key, 1000)
    assert len(p1) == nparts, (len(p1), nparts)
    assert len(rows) == len(want), (len(rows), len(want))
    for i, (got, exp) in enumerate(zip(rows, want)):
        assert got == exp, f"row {i}: {got} != {exp}"
    recommended = sum(1 for r in rows if r[19])
    assert recommended > 0, "no customer has a recommendation: the check of that column proves nothing"
    assert len(set(r[0] for r in rows)) == len(rows), "two customers share a pseudonym"
    print(f"PASS: {len(rows)} rows, every cell as recomputed from results.h5 ({recommended} with recommendations)")

    # The at-risk list names customers by the same pseudonyms.
    with h5py.File(w("o1/results.h5")) as f:
        at_risk = f["insights/at_risk/customer_id"][()]
    with open(w("o1/csv/at_risk.csv"), newline="") as f:
        ar = list(csv.reader(f))
    assert ar[0][0] == "customer_pseudonym" and len(ar) == len(at_risk) + 1 and len(at_risk) > 0
    assert [r[0] for r in ar[1:]] == [hmac.new(key, str(int(c)).encode(), hashlib.sha256).hexdigest()[:32]
                                      for c in at_risk]
    print(f"PASS: csv/at_risk.csv: {len(at_risk)} pseudonyms as Python's hmac computes them")

    # --resume (every stage from its checkpoint): the same parts; under another key the insights
    # stage is recomputed (its at_risk.csv names customers by the key's pseudonyms), not resumed.
    crmpi(2, "run", "--input", data, "--out", w("o1"), "--config", w("c.toml"), "--no-report", "--resume",
          "--log-level", "warn")
    assert [open(x, "rb").read() for x in p3] == [open(x, "rb").read() for x in parts(w("o1/csv/customers"))]
    key2 = bytes(range(200, 232))
    with open(w("key2"), "wb") as f:
        f.write(key2)
    os.chmod(w("key2"), 0o600)
    log = crmpi(2, "run", "--input", data, "--out", w("o1"), "--config", w("c.toml"), "--no-report", "--resume",
                "--pseudonymize-key-file", w("key2"), "--log-level", "info")
    assert "insights resumed" not in log and "rfm resumed" in log, log
    with open(w("o1/csv/at_risk.csv"), newline="") as f:
        ar2 = [r[0] for r in list(csv.reader(f))[1:]]
    assert ar2 == [hmac.new(key2, str(int(c)).encode(), hashlib.sha256).hexdigest()[:32] for c in at_risk]
    print("PASS: --resume gives the same parts; another key recomputes insights (at_risk.csv under the new key)")
    # Back to the first key's outputs for what follows.
    crmpi(2, "run", "--input", data, "--out", w("o1"), "--config", w("c.toml"), "--no-report", "--resume",
          "--log-level", "warn")

    # `crmpi export` of the same results, without a key: the same rows with the plain ids.
    crmpi(2, "export", "--results", w("o1/results.h5"), "--out", w("exp"), "--rows-per-part", "1000",
          "--log-level", "warn")
    header, rows = read_rows(w("exp/customers"))
    want, _ = expected_rows(w("o1/results.h5"), None, 1000)
    assert header[0] == "customer_id" and rows == want
    print("PASS: crmpi export at 2 ranks: the same rows with the customers' own ids")

    # A bad key file: its exit code, and the earlier outputs untouched.
    before = {p: open(p, "rb").read() for p in [w("o1/results.h5")] + p1}
    out = crmpi(2, "run", "--input", data, "--out", w("o1"), "--config", w("c.toml"), "--no-report",
                "--pseudonymize-key-file", w("missing"), expect=66)
    assert "missing" in out and "key file" in out, out
    with open(w("short"), "wb") as f:
        f.write(b"0123456789\n")
    out = crmpi(2, "run", "--input", data, "--out", w("o1"), "--config", w("c.toml"), "--no-report",
                "--pseudonymize-key-file", w("short"), expect=78)
    assert "at least 16" in out, out
    assert all(open(p, "rb").read() == b for p, b in before.items()), "a failed run changed the earlier outputs"
    print("PASS: missing key file: exit 66; 11-byte key: exit 78; earlier outputs byte-identical")

    # crmpi export's own errors: a results file without /rfm, a part size out of range.
    crmpi(1, "clv", "--input", data, "--out", w("clv"), "--models", "bgnbd", "--log-level", "warn")
    out = crmpi(1, "export", "--results", w("clv/results.h5"), "--out", w("exp"), expect=65)
    assert "no /rfm group" in out, out
    out = crmpi(1, "export", "--results", w("o1/results.h5"), "--out", w("exp"), "--rows-per-part", "10", expect=78)
    assert "--rows-per-part" in out, out
    assert read_rows(w("exp/customers"))[1] == want, "a failed export changed the earlier one"
    print("PASS: crmpi export: results without /rfm exit 65, --rows-per-part 10 exit 78, earlier export kept")

    # Formula injection end to end: product names from an export that a spreadsheet would run come
    # out of the rules CSV files as text (a leading '), RFC 4180-quoted where they hold quotes or
    # commas; a name that merely contains one of = + - @ further in stays as it is.
    with open(w("inject.csv"), "w") as f:
        f.write('"=HYPERLINK(""http://x"",""y"")",milk\n"=HYPERLINK(""http://x"",""y"")",milk\n'
                "@SUM(A1),milk,bread\n-2+3,bread\nmilk,bread\n")
    crmpi(1, "ingest", "--out", w("inject.h5"), "--format", "basket-csv", "--as-of", "2020-01-01", w("inject.csv"),
          "--log-level", "warn")
    crmpi(1, "rules", "--input", w("inject.h5"), "--out", w("inject"), "--min-support", "0.2", "--min-confidence",
          "0.5", "--log-level", "warn")
    with open(w("inject/csv/itemsets.csv"), newline="") as f:
        items = {r[0] for r in list(csv.reader(f))[1:]}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'-2+3", "milk | =HYPERLINK(\"http://x\",\"y\")"} <= items, items
    with open(w("inject/csv/rules.csv"), newline="") as f:
        cells = [c for r in list(csv.reader(f))[1:] for c in r[:2]]
    assert not any(c[:1] in "=+-@" for c in cells if c), cells
    print("PASS: product names starting with = @ - come out of itemsets.csv and rules.csv guarded")

    # A run that does not ask for the export removes the earlier one (it would not match).
    crmpi(2, "run", "--input", data, "--out", w("o3"), "--config", w("c.toml"), "--no-customers-csv", "--no-report",
          "--log-level", "warn")
    assert not os.path.exists(w("o3/csv/customers")), "an earlier export was left beside new results"
    print("PASS: a run without --customers-csv removes csv/customers/ of an earlier run")


if __name__ == "__main__":
    main()
