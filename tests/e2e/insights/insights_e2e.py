#!/usr/bin/python3
"""End-to-end test of the insights stage of `crmpi run` (docs/insights.md).

Usage: insights_e2e.py --crmpi BIN --mpiexec MPIEXEC --workdir DIR

Where expected values come from: every figure of /insights and its CSV files is recomputed here,
in Python, from the input file (orders, customers' demographics, surveys) and the per-customer
results of the earlier stages in the same results.h5 (/rfm/segment, /kmeans/segment, the primary
CLV model's churn_risk and clv): the groupings are those stages' outputs, the insights are what
is checked. Definitions as docs/insights.md states them (NPS from each customer's latest survey by
as_of, its normal 95% interval; retention windows (first, first + D]; cohorts by calendar month).
Rank invariance: /insights and the CSV files at 2, 3 and 4 ranks against 1 rank.
"""
import argparse
import csv
import datetime
import math
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import launch  # noqa: E402  (tests/e2e/launch.py: how crmpi is started and checked)

HERE = os.path.dirname(os.path.abspath(__file__))
H5COMPARE = os.path.join(HERE, "..", "h5compare.py")
args = None


def crmpi(np_, *cmd):
    return launch.crmpi(args.mpiexec, args.crmpi, np_, *cmd, timeout=500)


def month_of(day):
    d = datetime.date(1970, 1, 1) + datetime.timedelta(days=int(day))
    return (d.year - 1970) * 12 + d.month - 1


def close(a, b, what, absolute=0.0):
    if isinstance(b, float) and math.isnan(b):
        assert math.isnan(a), f"{what}: {a}, expected NaN"
    else:
        assert abs(a - b) <= max(absolute, 1e-9 * max(1.0, abs(b))), f"{what}: {a}, expected {b}"


# Sums of doubles across ranks are exact sums of each value rounded to 2^-24 (comm/exact_sum.hpp):
# a mean is within 2^-25 of the mean of the unrounded values, a sum of k values within k 2^-25.
ULP = 2.0 ** -25


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
    crmpi(1, "generate", "--customers", "3000", "--seed", "7", "--out", data, "--log-level", "warn")
    threshold, top, months = 0.6, 50, 6
    with open(w("c.toml"), "w") as f:
        f.write(f"[insights]\nchurn-threshold = {threshold}\nat-risk-top = {top}\ncohort-months = {months}\n"
                "[kmeans]\nk = 4\n[rules]\nmin-support = 0.05\n")
    for n in (1, 2, 3, 4):
        crmpi(n, "run", "--input", data, "--out", w(f"o{n}"), "--config", w("c.toml"), "--chunk-rows", "7000",
              "--no-report", "--log-level", "warn")

    with h5py.File(data) as fin:
        cust = fin["customers/customer_id"][()]
        off = fin["customers/order_offset"][()]
        day, amount = fin["orders/day"][()], fin["orders/amount_cents"][()]
        demo = {k: (fin["customers/" + k][()], [x.decode() for x in fin["dictionaries/" + k][()]])
                for k in ("acquisition_channel", "region")}
        s_id, s_day, s_score = fin["surveys/customer_id"][()], fin["surveys/day"][()], fin["surveys/score"][()]
    with h5py.File(os.path.join(w("o1"), "results.h5")) as f:
        as_of = int(f["rfm"].attrs["as_of_day"])
        assert int(f["insights"].attrs["as_of_day"]) == as_of
        assert list(f["rfm/customer_id"][()]) == list(cust) and list(f["clv/customer_id"][()]) == list(cust)
        model = f["clv"].attrs["primary_model"].decode()
        assert f["insights"].attrs["clv_model"].decode() == model
        churn, clv = f[f"clv/{model}/churn_risk"][()], f[f"clv/{model}/clv"][()]
        groupings = {"rfm": (f["rfm/segment"][()], [x.decode() for x in f["rfm/segment_names"][()]]),
                     "kmeans": (f["kmeans/segment"][()], [x.decode() for x in f["kmeans/segment_names"][()]])}
        groupings.update(demo)
        g = f["insights/groups"]
        got = {k: g[k][()] for k in g.keys()}
        k_month = [x.decode() for x in f["insights/cohorts/month"][()]]
        k_cust, k_rev = f["insights/cohorts/customers"][()], f["insights/cohorts/revenue_cents"][()]
        ar = {k: f["insights/at_risk/" + k][()] for k in ("customer_id", "clv", "churn_risk", "rfm_segment", "kmeans_segment")}

    # Per customer: orders by as_of, the latest survey by as_of (ties: the later row).
    n = len(cust)
    latest = {}
    for i in range(len(s_id)):
        if s_day[i] <= as_of and (s_id[i] not in latest or s_day[i] >= latest[s_id[i]][0]):
            latest[int(s_id[i])] = (int(s_day[i]), int(s_score[i]))
    days = [[int(d) for d in day[off[c]:off[c + 1]] if d <= as_of] for c in range(n)]
    revenue = [int(sum(int(a) for d, a in zip(day[off[c]:off[c + 1]], amount[off[c]:off[c + 1]]) if d <= as_of))
               for c in range(n)]

    def retained(c, window):
        if not days[c] or days[c][0] + window > as_of:
            return 0, 0
        return 1, int(any(days[c][0] < d <= days[c][0] + window for d in days[c][1:]))

    rows = []
    for name in ("rfm", "kmeans", "acquisition_channel", "region"):
        codes, names = groupings[name]
        for code, gname in enumerate(names):
            members = [c for c in range(n) if codes[c] == code]
            scores = [latest[int(cust[c])][1] for c in members if int(cust[c]) in latest]
            resp, prom, det = len(scores), sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
            if resp:
                mean = (prom - det) / resp
                half = 1.96 * math.sqrt(max(0.0, (prom + det) / resp - mean * mean) / resp)
                nps = (100 * mean, max(-100.0, 100 * (mean - half)), min(100.0, 100 * (mean + half)))
            else:
                nps = (math.nan,) * 3
            scored = [c for c in members if not math.isnan(churn[c])]
            risky = [c for c in scored if churn[c] > threshold]
            valued = [c for c in members if not math.isnan(clv[c])]
            r90 = [retained(c, 90) for c in members]
            r365 = [retained(c, 365) for c in members]
            rows.append(dict(
                grouping=name, name=gname, code=code, customers=len(members), buyers=sum(1 for c in members if days[c]),
                revenue_cents=sum(revenue[c] for c in members), nps_responses=resp, nps_promoters=prom,
                nps_detractors=det, nps=nps[0], nps_low=nps[1], nps_high=nps[2], nps_few=int(resp < 30),
                churn_scored=len(scored), at_risk=len(risky),
                churn_risk_mean=sum(churn[c] for c in scored) / len(scored) if scored else math.nan,
                clv_mean=sum(clv[c] for c in valued) / len(valued) if valued else math.nan,
                clv_at_risk=sum(clv[c] for c in risky if not math.isnan(clv[c])),
                retention_90_eligible=sum(e for e, _ in r90), retention_90_retained=sum(r for _, r in r90),
                retention_365_eligible=sum(e for e, _ in r365), retention_365_retained=sum(r for _, r in r365)))
    assert len(rows) == len(got["code"]), f"{len(got['code'])} group rows, {len(rows)} expected"
    for i, want in enumerate(rows):
        what = f"{want['grouping']}/{want['name']}"
        assert got["grouping"][i].decode() == want["grouping"] and got["name"][i].decode() == want["name"], what
        for key, v in want.items():
            if key in ("grouping", "name"):
                continue
            if isinstance(v, int):
                assert int(got[key][i]) == v, f"{what} {key}: {got[key][i]}, expected {v}"
            else:
                rounding = {"churn_risk_mean": ULP, "clv_mean": ULP, "clv_at_risk": want["at_risk"] * ULP}
                close(float(got[key][i]), v, f"{what} {key}", rounding.get(key, 0.0))
        for d in ("90", "365"):
            e, r = want[f"retention_{d}_eligible"], want[f"retention_{d}_retained"]
            close(float(got[f"retention_{d}"][i]), r / e if e else math.nan, f"{what} retention_{d}")

    # Cohorts: the last `months` calendar months to as_of's.
    first = month_of(as_of) - months + 1
    want_c, want_r = np.zeros((months, months), np.uint64), np.zeros((months, months), np.int64)
    for c in range(n):
        if not days[c] or not 0 <= month_of(days[c][0]) - first < months:
            continue
        row = month_of(days[c][0]) - first
        active = set()
        for d, a in zip(day[off[c]:off[c + 1]], amount[off[c]:off[c + 1]]):
            if d > as_of:
                continue
            m = month_of(d) - first - row
            active.add(m)
            want_r[row, m] += int(a)
        for m in active:
            want_c[row, m] += 1
    assert k_month == [f"{1970 + (first + i) // 12:04d}-{(first + i) % 12 + 1:02d}" for i in range(months)], k_month
    assert (k_cust.reshape(months, months) == want_c).all(), "cohort customers differ"
    assert (k_rev.reshape(months, months) == want_r).all(), "cohort revenue differs"

    # The at-risk list: churn risk above the threshold, highest CLV first (ties: id), top N.
    cand = sorted((-float(clv[c]), int(cust[c]), c) for c in range(n)
                  if not math.isnan(churn[c]) and churn[c] > threshold and not math.isnan(clv[c]))[:top]
    assert list(ar["customer_id"]) == [i for _, i, _ in cand], "at-risk list differs"
    for j, (_, _, c) in enumerate(cand):
        assert ar["clv"][j] == clv[c] and ar["churn_risk"][j] == churn[c]
        assert ar["rfm_segment"][j] == groupings["rfm"][0][c] and ar["kmeans_segment"][j] == groupings["kmeans"][0][c]
    assert len(cand) == top, "the list should be full here: the check would say less"

    # CSV: the groups' file has the same rows (a spot check of its columns).
    with open(os.path.join(w("o1"), "csv", "insights_groups.csv"), newline="") as fcsv:
        csv_rows = list(csv.DictReader(fcsv))
    assert len(csv_rows) == len(rows)
    for r, want in zip(csv_rows, rows):
        assert r["group"] == want["name"] and int(r["customers"]) == want["customers"]
        assert r["revenue"] == f"{want['revenue_cents'] / 100:.2f}"

    for k in (2, 3, 4):
        r = subprocess.run([sys.executable, H5COMPARE, os.path.join(w("o1"), "results.h5"),
                            os.path.join(w(f"o{k}"), "results.h5"), "/insights"], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        for name in ("insights_groups.csv", "cohort_retention.csv", "at_risk.csv"):
            with open(os.path.join(w("o1"), "csv", name), "rb") as a, open(os.path.join(w(f"o{k}"), "csv", name), "rb") as b:
                assert a.read() == b.read(), f"csv/{name} differs at {k} ranks"
    surveyed = sum(r["nps_responses"] for r in rows if r["grouping"] == "rfm")
    print(f"{len(rows)} group rows ({surveyed} surveyed customers), a {months}x{months} cohort matrix, "
          f"{top} at-risk rows: as recomputed; identical at 1-4 ranks")
    print("PASS: /insights equals the independent computation, at any rank count")
    shutil.rmtree(args.workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
