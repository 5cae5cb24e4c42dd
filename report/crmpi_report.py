#!/usr/bin/python3
"""The HTML report of a crmpi run: one self-contained page for a marketer, read from results.h5.

Usage: crmpi_report.py --results DIR/results.h5 [--out FILE] [--migration M]   (default FILE: DIR/report.html;
       default M: DIR/migration.h5 when it is the migration to this run)

Runs under /usr/bin/python3 with Debian's python3-h5py, python3-numpy, python3-plotly and
python3-jinja2. What each section shows and how to read it: docs/report.md. The page is a
function of results.h5 and its path (no clock, no random ids): the same file gives the same bytes.

Per-customer columns can hold hundreds of millions of rows: they are only ever read in chunks of
CHUNK rows and binned (numpy), everything else comes from the small per-segment tables.

Exit codes (sysexits, as crmpi's): 0 ok, 64 usage, 65 not a crmpi results file or a malformed
one, 66 results file missing or unreadable, 69 a Python package missing, 70 internal error,
74 the report cannot be written.
"""
import argparse
import json
import math
import os
import re
import sys
import tempfile

STAGES = ("rfm", "clv", "kmeans", "rules", "insights")
STAGE_TITLES = {"rfm": "RFM", "clv": "CLV", "kmeans": "k-means segmentation", "rules": "association rules",
                "insights": "insights"}
TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

import report_util  # noqa: E402 (the helpers; their import of h5py, plotly ... exits 69 when one is missing)
from report_util import (EX_DATAERR, EX_IOERR, EX_NOINPUT, EX_SOFTWARE, EX_USAGE, ReportError, attr,  # noqa: E402
                         chunked, edge_label, finite_or_none, go, h5py, jinja2, make_subplots, money, np, num, pct,
                         plot, plotly, sattr, strings)
import sections_insights  # noqa: E402
import sections_migration  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Sections. Each returns a dict for the template: title, anchor, reading, plots, tables, notes;
# or a dict with "absent": why the section has nothing to show.


def skip_reasons(f):
    """Why each stage of a `crmpi run` is missing: {stage: reason}."""
    reasons = {}
    raw = sattr(f, "stages_skipped")
    # '; '-separated, and a reason may hold '; ' itself: a reason starts with its stage's name.
    for r in filter(None, (s.strip() for s in re.split(f"; (?=(?:{'|'.join(STAGES)}): )", raw))):
        stage = r.split(":", 1)[0].strip()
        reasons[stage if stage in STAGES else f"other{len(reasons)}"] = r
    return reasons


def absent_reason(f, stage, reasons):
    if stage in f:
        return None
    if stage in reasons:
        return f"skipped by the run: {reasons[stage]}"
    command = sattr(f, "command", "?")
    if command == "run":
        return "the run did not write it"
    return f"not part of `crmpi {command}`"


def kpis(f):
    out = []
    currency = ""
    if "rfm" in f:
        s = f["rfm/summary"]
        customers = int(np.sum(s["customers"][()], dtype=np.uint64))
        revenue_cents = int(np.sum(s["revenue_cents"][()], dtype=np.int64))
        currency = sattr(f["rfm"], "currency")
        buyers = int(attr(f["rfm"], "buyers"))
        out += [
            dict(id="customers", label="customers", value=customers, shown=num(customers)),
            dict(id="buyers", label=f"buyers (an order by {sattr(f['rfm'], 'as_of')})", value=buyers, shown=num(buyers)),
            dict(id="revenue", label=f"revenue ({currency})", value=revenue_cents / 100.0,
                 shown=num(revenue_cents / 100.0)),
        ]
    if "clv" in f:
        c = f["clv"]
        lc = f["clv/lifecycle"]
        stage = strings(lc["stage"])
        cust = lc["customers"][()].astype(np.float64)
        clv_sum = lc["clv_sum"][()]
        ep = lc["expected_purchases"][()]
        horizon = int(attr(c, "horizon_months"))
        currency = sattr(c, "currency") or currency
        ok = np.isfinite(clv_sum) & (cust > 0)
        mean_clv = float(np.sum(clv_sum[ok]) / np.sum(cust[ok])) if np.any(ok) else float("nan")
        expected = float(np.sum(ep[np.isfinite(ep)]))
        total = float(np.sum(cust))
        at_risk = float(cust[stage.index("at_risk")] / total) if "at_risk" in stage and total > 0 else float("nan")
        th = dict(zip(sattr(c, "lifecycle_thresholds_names").split(","), attr(c, "lifecycle_thresholds", [])))
        out += [
            dict(id="mean-clv", label=f"mean CLV, {horizon} months ({currency}, customers in calibration)",
                 value=mean_clv, shown=num(mean_clv, 2)),
            dict(id="expected-purchases", label=f"expected purchases, next {horizon} months", value=expected,
                 shown=num(expected)),
            dict(id="at-risk", label=f"at risk (P(alive) {th.get('churned_below', 0.2):g}–{th.get('at_risk_below', 0.5):g})",
                 value=at_risk, shown=pct(at_risk)),
        ]
    for k in out:
        k["value_attr"] = repr(float(k["value"])) if isinstance(k["value"], float) else str(k["value"])
    return out


def section_rfm(f):
    s = f["rfm/summary"]
    names = strings(f["rfm/segment_names"])
    cust = s["customers"][()]
    cshare = s["customer_share"][()]
    rshare = s["revenue_share"][()]
    rev = s["revenue_cents"][()] / 100.0
    currency = sattr(f["rfm"], "currency")
    rows = [i for i in range(len(names)) if cust[i] > 0]
    fig = go.Figure([
        go.Bar(name="share of customers", x=[names[i] for i in rows], y=[float(cshare[i]) for i in rows]),
        go.Bar(name="share of revenue", x=[names[i] for i in rows], y=[float(rshare[i]) for i in rows]),
    ])
    fig.update_layout(barmode="group", yaxis=dict(tickformat=".0%", title="share"),
                      legend=dict(orientation="h", y=1.1))
    top = max(rows, key=lambda i: (rshare[i], -i))
    reading = f"{names[top]} are {pct(cshare[top])} of customers and {pct(rshare[top])} of revenue."
    if len(rows) > 1:
        lead = sorted(rows, key=lambda i: (-rshare[i], i))[:3]
        reading += (f" The top three segments by revenue ({', '.join(names[i] for i in lead)}) hold "
                    f"{pct(float(sum(rshare[i] for i in lead)))} of it with {pct(float(sum(cshare[i] for i in lead)))} "
                    f"of the customers.")
    table = dict(
        id="rfm-segments",
        head=["segment", "customers", "share of customers", f"revenue ({currency})", "share of revenue",
              "mean recency (days)", "mean orders", f"mean spend ({currency})"],
        rows=[dict(attrs={"segment": names[i], "customers": int(cust[i]), "customer-share": repr(float(cshare[i])),
                          "revenue-share": repr(float(rshare[i]))},
                   cells=[names[i], num(int(cust[i])), pct(cshare[i]), num(rev[i]), pct(rshare[i]),
                          num(s["mean_recency_days"][i], 0), num(s["mean_frequency"][i], 1),
                          num(s["mean_monetary"][i], 0)]) for i in rows])
    return dict(anchor="rfm", title="RFM segments: size and value", reading=reading,
                plots=[plot("rfm-segments", fig)], tables=[table],
                notes=[f"As of {sattr(f['rfm'], 'as_of')}; segments from the (R, F, M) quintile scores (docs/rfm.md)."])


def clv_common(f):
    c = f["clv"]
    models = sattr(c, "models").split(",")
    return dict(primary=sattr(c, "primary_model"), models=models, gg="gamma_gamma" in models,
                currency=sattr(c, "currency"), unit=sattr(c, "time_unit", "week"),
                horizon=int(attr(c, "horizon_months")))


def section_lifecycle(f):
    info = clv_common(f)
    lc = f["clv/lifecycle"]
    stage = strings(lc["stage"])
    cust = lc["customers"][()]
    share = lc["customer_share"][()]
    clv_sum = lc["clv_sum"][()]
    total_clv = float(np.sum(clv_sum[np.isfinite(clv_sum)]))
    clv_share = [float(v / total_clv) if math.isfinite(v) and total_clv > 0 else None for v in clv_sum]
    label = [s.replace("_", " ") for s in stage]
    fig = go.Figure([go.Bar(name="share of customers", x=label, y=[float(v) for v in share])])
    if info["gg"]:
        fig.add_trace(go.Bar(name="share of expected CLV", x=label, y=clv_share))
    fig.update_layout(barmode="group", yaxis=dict(tickformat=".0%", title="share"), legend=dict(orientation="h", y=1.1))
    big = int(np.argmax(cust))
    reading = f"{label[big].capitalize()} is the largest stage: {pct(share[big])} of customers."
    if "at_risk" in stage:
        i = stage.index("at_risk")
        reading += f" At risk: {pct(share[i])} of customers"
        reading += f", holding {pct(clv_share[i])} of the expected CLV." if clv_share[i] is not None else "."
    th = dict(zip(sattr(f["clv"], "lifecycle_thresholds_names").split(","), attr(f["clv"], "lifecycle_thresholds", [])))
    note = (f"Stages of the {info['primary']} model, first matching rule wins: new (tenure ≤ {th.get('new_max_tenure_weeks', 4):g} "
            f"weeks), churned (P(alive) < {th.get('churned_below', 0.2):g}), at risk (P(alive) < "
            f"{th.get('at_risk_below', 0.5):g}), reactivated, loyal, active; not in calibration: no purchase by "
            f"{sattr(f['clv'], 'calibration_end')}.")
    return dict(anchor="lifecycle", title="Lifecycle stages", reading=reading, plots=[plot("lifecycle", fig)],
                tables=[], notes=[note])


def clv_bands(vmax):
    edges = [0.0, 1.0]
    m = 1.0
    while edges[-1] <= vmax:
        for step in (2.0, 5.0, 10.0):
            edges.append(m * step)
            if edges[-1] > vmax:
                break
        m *= 10.0
    return np.array(edges)


def section_clv_distribution(f):
    info = clv_common(f)
    cur = info["currency"]
    if not info["gg"]:
        return dict(anchor="clv", title="CLV distribution",
                    absent="the run fitted no spend model (gg not in --models), so there is no CLV")
    col = f[f"clv/{info['primary']}/clv"]
    vmax, n = 0.0, 0
    for (v,) in chunked(col):
        v = v[np.isfinite(v)]
        n += v.size
        if v.size:
            vmax = max(vmax, float(v.max()))
    if n == 0:
        return dict(anchor="clv", title="CLV distribution", absent="no customer has a CLV (none in calibration)")
    edges = clv_bands(vmax)
    counts = np.zeros(len(edges) - 1, dtype=np.int64)
    sums = np.zeros(len(edges) - 1)
    for (v,) in chunked(col):
        v = np.clip(v[np.isfinite(v)], 0.0, None)
        idx = np.searchsorted(edges, v, side="right") - 1
        counts += np.bincount(idx, minlength=counts.size)
        sums += np.bincount(idx, weights=v, minlength=counts.size)
    labels = [f"{edge_label(a)}–{edge_label(b)}" for a, b in zip(edges[:-1], edges[1:])]
    total = float(sums.sum())
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(name="customers", x=labels, y=counts.tolist()), secondary_y=False)
    fig.add_trace(go.Scatter(name="share of total CLV", x=labels, y=(sums / total if total > 0 else sums).tolist(),
                             mode="lines+markers"), secondary_y=True)
    fig.update_xaxes(title=f"CLV band ({cur}, {info['horizon']} months)")
    fig.update_yaxes(title="customers", secondary_y=False)
    fig.update_yaxes(title="share of total CLV", tickformat=".0%", secondary_y=True, rangemode="tozero")
    fig.update_layout(legend=dict(orientation="h", y=1.1))
    cum = np.cumsum(counts)
    mid = int(np.searchsorted(cum, n / 2.0))
    reading = f"Half of the {num(n)} customers in calibration have a CLV below {edge_label(edges[mid + 1])} {cur}"
    # The highest band edge above which at least 10% of the customers lie: how concentrated value is.
    above_c = n - np.concatenate(([0], cum[:-1]))
    above_v = total - np.concatenate(([0.0], np.cumsum(sums)[:-1]))
    cand = [i for i in range(1, len(labels)) if above_c[i] >= 0.1 * n]
    if cand and total > 0:
        i = cand[-1]
        reading += (f"; the {pct(above_c[i] / n)} with {edge_label(edges[i])} {cur} or more hold "
                    f"{pct(above_v[i] / total)} of the total CLV ({money(total, cur)}).")
    else:
        reading += "."
    return dict(anchor="clv", title="CLV distribution", reading=reading, plots=[plot("clv-distribution", fig)],
                tables=[], notes=[f"CLV of the {info['primary']} model with Gamma-Gamma spend, discounted "
                                  f"{100 * float(attr(f['clv'], 'monthly_discount_rate')):g}% a month."])


FREQ_EDGES = [0, 1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50]
RECENCY_EDGES = [0, 2, 4, 8, 13, 26, 39, 52, 78, 104]  # weeks


def bin_labels(edges, last_suffix="+"):
    out = []
    for a, b in zip(edges, edges[1:] + [None]):
        if b is None:
            out.append(f"{a}{last_suffix}")
        elif b - a == 1:
            out.append(f"{a}")
        else:
            out.append(f"{a}–{b - 1}")
    return out


def section_p_alive(f):
    info = clv_common(f)
    c = f["clv"]
    week = 1.0 if info["unit"] == "week" else 1.0 / 7.0
    nf, nr = len(FREQ_EDGES), len(RECENCY_EDGES)
    sums = np.zeros(nf * nr)
    counts = np.zeros(nf * nr, dtype=np.int64)
    for x, t_x, T, p in chunked(c["x"], c["t_x"], c["T"], c[f"{info['primary']}/p_alive"]):
        ok = np.isfinite(x) & np.isfinite(p)
        fi = np.searchsorted(FREQ_EDGES, x[ok], side="right") - 1
        ri = np.searchsorted(RECENCY_EDGES, np.clip((T[ok] - t_x[ok]) * week, 0, None), side="right") - 1
        idx = fi * nr + ri
        sums += np.bincount(idx, weights=p[ok], minlength=nf * nr)
        counts += np.bincount(idx, minlength=nf * nr)
    if counts.sum() == 0:
        return dict(anchor="p-alive", title="P(alive) by frequency and recency",
                    absent="no customer is in calibration")
    mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan).reshape(nf, nr)
    cnt = counts.reshape(nf, nr)
    rows = [i for i in range(nf) if cnt[i].sum() > 0]
    cols = [j for j in range(nr) if cnt[:, j].sum() > 0]
    fl = bin_labels(FREQ_EDGES)
    rl = [f"under {b} wk" if a == 0 else (f"{a}–{b} wk" if b else f"{a}+ wk")
          for a, b in zip(RECENCY_EDGES, RECENCY_EDGES[1:] + [None])]
    z = [[None if cnt[i, j] == 0 else float(mean[i, j]) for j in cols] for i in rows]
    hover = [[f"{num(int(cnt[i, j]))} customers" for j in cols] for i in rows]
    fig = go.Figure(go.Heatmap(z=z, x=[rl[j] for j in cols], y=[fl[i] for i in rows], zmin=0, zmax=1,
                               colorscale="RdYlGn", text=hover, colorbar=dict(title="P(alive)", tickformat=".0%"),
                               hovertemplate="repeat purchases %{y}<br>last purchase %{x} before<br>"
                                             "mean P(alive) %{z:.2f}<br>%{text}<extra></extra>"))
    fig.update_xaxes(title="time since the last purchase (at the calibration end)", type="category")
    fig.update_yaxes(title="repeat purchases in calibration", type="category")
    # The frequency row (beyond no repeat) with the most customers: P(alive) from recent to silent.
    repeat = [i for i in rows if FREQ_EDGES[i] >= 1] or rows
    i = max(repeat, key=lambda r: (cnt[r].sum(), -r))
    js = [j for j in range(nr) if cnt[i, j] > 0]
    reading = (f"Among customers with {fl[i]} repeat purchase{'' if fl[i] == '1' else 's'} "
               f"({num(int(cnt[i].sum()))}), mean P(alive) is {mean[i, js[0]]:.2f} when the last purchase was "
               f"{rl[js[0]]} before the calibration end")
    reading += f" and {mean[i, js[-1]]:.2f} at {rl[js[-1]]}." if len(js) > 1 else "."
    return dict(anchor="p-alive", title="P(alive) by frequency and recency", reading=reading,
                plots=[plot("p-alive", fig)], tables=[],
                notes=[f"Mean P(alive) ({info['primary']}) of the customers in each cell; hover for how many."])


def section_holdout(f):
    info = clv_common(f)
    c = f["clv"]
    title = "Model check: calibration vs holdout"
    if "holdout" not in c:
        return dict(anchor="holdout", title=title,
                    absent="the run had no holdout period (--holdout-end not given), so the models' predictions "
                           "could not be checked against what customers did next")
    h = c["holdout"]
    w = h["weekly"]
    days = w["week_end_day"][()]
    dates = [str(np.datetime64(int(d), "D")) for d in days]
    actual = w["actual_cumulative"][()]
    purchase_models = [m for m in info["models"] if m != "gamma_gamma"]
    fig = go.Figure([go.Scatter(name="actual", x=dates, y=actual.tolist(), mode="lines+markers",
                                line=dict(color="black", width=3))])
    parts = []
    for m in purchase_models:
        name = f"expected_cumulative_{m}"
        if name in w:
            e = w[name][()]
            fig.add_trace(go.Scatter(name=f"{m} expected", x=dates, y=e.tolist(), mode="lines", line=dict(dash="dash")))
            if actual[-1] > 0:
                parts.append(f"{m} expected {num(float(e[-1]))} ({100 * (e[-1] / actual[-1] - 1):+.1f}%)")
    fig.update_xaxes(title="end of holdout week")
    fig.update_yaxes(title="cumulative purchases (calibration customers)")
    fig.update_layout(legend=dict(orientation="h", y=1.1))
    reading = (f"From {sattr(h, 'start')} to {sattr(h, 'end')} the customers in calibration made "
               f"{num(int(actual[-1]))} purchases" + (f"; {', '.join(parts)}." if parts else "."))
    # Conditional expectations: mean holdout purchases by calibration repeat purchases (lifetimes'
    # plot_calibration_purchases_vs_holdout_purchases), chunk by chunk.
    cap = 10
    cnt = np.zeros(cap + 1, dtype=np.int64)
    act = np.zeros(cap + 1)
    pred = {m: np.zeros(cap + 1) for m in purchase_models if f"predicted_{m}" in h}
    cols = [c["in_calibration"], c["x"], h["actual_purchases"]] + [h[f"predicted_{m}"] for m in pred]
    for block in chunked(*cols):
        inc = block[0] == 1
        xi = np.minimum(block[1][inc], cap).astype(np.int64)
        cnt += np.bincount(xi, minlength=cap + 1)
        act += np.bincount(xi, weights=block[2][inc].astype(np.float64), minlength=cap + 1)
        for m, col in zip(pred, block[3:]):
            pred[m] += np.bincount(xi, weights=col[inc], minlength=cap + 1)
    keep = [i for i in range(cap + 1) if cnt[i] > 0]
    labels = [str(i) if i < cap else f"{cap}+" for i in keep]
    fig2 = go.Figure([go.Bar(name="actual", x=labels, y=[float(act[i] / cnt[i]) for i in keep],
                             marker_color="lightgray")])
    gaps = []
    for m, s in pred.items():
        fig2.add_trace(go.Scatter(name=f"{m} predicted", x=labels, y=[float(s[i] / cnt[i]) for i in keep],
                                  mode="lines+markers"))
        gaps.append((float(np.sum(np.abs(s - act)) / max(cnt.sum(), 1)), m))
    fig2.update_xaxes(title="repeat purchases in calibration", type="category")
    fig2.update_yaxes(title="mean purchases in the holdout")
    fig2.update_layout(legend=dict(orientation="h", y=1.1))
    reading2 = "Mean holdout purchases by repeat purchases in calibration."
    if gaps:
        g, m = min(gaps)
        reading2 = (f"By calibration frequency, {m} tracks the actual holdout purchases most closely: "
                    f"{g:.3f} purchases per customer off on average (weighted by customers).")
    metrics = h["metrics"]
    mt = dict(id="holdout-metrics",
              head=["model", "MAE per customer", "correlation", "predicted total", "actual total"],
              rows=[dict(attrs={"model": m},
                         cells=[m, num(float(metrics["mae"][i]), 3), num(float(metrics["correlation"][i]), 3),
                                num(float(metrics["predicted_total"][i])), num(int(attr(h, "actual_total", 0)))])
                    for i, m in enumerate(strings(metrics["model"]))])
    return dict(anchor="holdout", title=title, reading=reading, plots=[plot("holdout-weekly", fig)],
                extra=[dict(reading=reading2, plot=plot("holdout-by-frequency", fig2))], tables=[mt],
                notes=[f"Calibration up to {sattr(c, 'calibration_end')}; the holdout is what the customers in "
                       f"calibration did after it."])


def section_kselection(f):
    k = f["kmeans"]
    sel = k["selection"]
    ks = sel["k"][()].astype(int).tolist()
    chosen = int(attr(k, "k"))
    title = "Choosing the number of segments"
    if len(ks) < 2:
        return dict(anchor="k-selection", title=title,
                    absent=f"k was given (k = {chosen}), not chosen over a range: there is no selection curve "
                           f"(--k-range LO:HI compares k)")
    series = [("inertia", "inertia (lower: tighter)"), ("calinski_harabasz", "Calinski–Harabasz (higher: better)"),
              ("davies_bouldin", "Davies–Bouldin (lower: better)"), ("silhouette", "silhouette (higher: better; decides)")]
    fig = make_subplots(rows=2, cols=2, subplot_titles=[s[1] for s in series], horizontal_spacing=0.12,
                        vertical_spacing=0.18)
    values = {}
    for n, (name, _) in enumerate(series):
        v = finite_or_none(sel[name][()].tolist())
        values[name] = v
        r, cc = n // 2 + 1, n % 2 + 1
        fig.add_trace(go.Scatter(x=ks, y=v, mode="lines+markers", name=name, showlegend=False), row=r, col=cc)
        if chosen in ks and v[ks.index(chosen)] is not None:
            fig.add_trace(go.Scatter(x=[chosen], y=[v[ks.index(chosen)]], mode="markers", showlegend=False,
                                     marker=dict(size=14, color="crimson", symbol="circle-open", line=dict(width=3)),
                                     name=f"chosen k = {chosen}"), row=r, col=cc)
        fig.update_xaxes(title_text="k", dtick=1, row=r, col=cc)
    fig.update_layout(height=560)

    def best(name, better):
        pts = [(v, kk) for v, kk in zip(values[name], ks) if v is not None]
        return better(pts, key=lambda t: (t[0], -t[1]) if better is max else (t[0], t[1]))[1] if pts else None

    sil = values["silhouette"][ks.index(chosen)] if chosen in ks else None
    reading = f"k = {chosen} was chosen" + (f" (highest silhouette, {sil:.3f})" if sil is not None else "")
    ch, db = best("calinski_harabasz", max), best("davies_bouldin", min)
    agree = [n for n, kk in (("Calinski–Harabasz", ch), ("Davies–Bouldin", db)) if kk == chosen]
    if len(agree) == 2:
        reading += "; Calinski–Harabasz and Davies–Bouldin agree."
    else:
        reading += f"; Calinski–Harabasz is best at k = {ch} and Davies–Bouldin at k = {db}."
    return dict(anchor="k-selection", title=title, reading=reading, plots=[plot("k-selection", fig)], tables=[],
                notes=[f"Rule: {sattr(k, 'selection_rule')}; silhouette on a sample of "
                       f"{num(int(attr(sel, 'silhouette_sample', 0)))} customers."])


def section_profiles(f):
    k = f["kmeans"]
    p = k["profile"]
    names = strings(k["segment_names"])
    cust = p["customers"][()]
    currency = sattr(f["clv"], "currency") if "clv" in f else (sattr(f["rfm"], "currency") if "rfm" in f else "")
    cols = [("customer_share", "customers", lambda v: pct(v)), ("revenue_share", "revenue", lambda v: pct(v)),
            ("mean_recency_days", "recency (days)", lambda v: num(v)), ("mean_frequency", "orders", lambda v: num(v, 1)),
            ("mean_monetary", f"spend ({currency})", lambda v: num(v)),
            ("mean_p_alive", "P(alive)", lambda v: num(v, 2)), ("mean_clv", f"CLV ({currency})", lambda v: num(v))]
    surveyed = p["surveyed"][()]
    if surveyed.sum() > 0:
        cols.append(("nps", "NPS", lambda v: num(v)))
    rows = [i for i in range(len(names)) if cust[i] > 0 and i > 0]  # row 0: No orders, not clustered
    data = {c: p[c][()] for c, _, _ in cols}
    cols = [c for c in cols if any(math.isfinite(data[c[0]][i]) for i in rows)]
    z, ann = [], []
    for i in rows:
        zr, ar = [], []
        for c, _, fmt in cols:
            col = np.array([data[c][r] for r in rows], dtype=float)
            v = data[c][i]
            lo, hi = np.nanmin(col), np.nanmax(col)
            zr.append(float((v - lo) / (hi - lo)) if math.isfinite(v) and hi > lo else 0.5)
            ar.append(fmt(float(v)))
        z.append(zr)
        ann.append(ar)
    # plotly.js 2.6 (Debian's) has no heatmap texttemplate: the values go in as annotations, as
    # plotly.figure_factory.create_annotated_heatmap does (not imported: it pulls in scipy and pandas, 2 s).
    xs, ys = [c[1] for c in cols], [names[i] for i in rows]
    fig = go.Figure(go.Heatmap(z=z, x=xs, y=ys, colorscale="Blues", showscale=False, hoverinfo="skip", zmin=0, zmax=1))
    fig.update_layout(annotations=[dict(x=xs[c], y=ys[r], text=ann[r][c], showarrow=False,
                                        font=dict(color="white" if z[r][c] > 0.6 else "black"))
                                   for r in range(len(ys)) for c in range(len(xs))])
    fig.update_xaxes(side="top")
    fig.update_layout(height=max(260, 70 * len(rows) + 120), margin=dict(l=280, r=30, t=60, b=30))
    fig.update_yaxes(autorange="reversed")
    rshare = p["revenue_share"][()]
    cshare = p["customer_share"][()]
    top = max(rows, key=lambda i: (rshare[i], -i))
    reading = f"“{names[top]}” bring {pct(rshare[top])} of revenue from {pct(cshare[top])} of customers"
    clv = p["mean_clv"][()]
    if math.isfinite(clv[top]):
        reading += f", mean CLV {money(float(clv[top]), currency)}"
    reading += "."
    notes = ["Colour: each column from its lowest (light) to its highest (dark) segment value; the numbers are the "
             "segment means and shares."]
    if cust[0] > 0:
        notes.append(f"{num(int(cust[0]))} customers without orders are not clustered (segment “No orders”).")
    return dict(anchor="profiles", title=f"k-means segments ({int(attr(k, 'k'))}): profiles", reading=reading,
                plots=[plot("profiles", fig)], tables=[], notes=notes)


class Items:
    def __init__(self, r):
        self.level = sattr(r, "level", "product")
        ids = r["item_id"][()].tolist()
        names = strings(r["item_name"]) if "item_name" in r else [""] * len(ids)
        self.names = {i: n for i, n in zip(ids, names)}

    def name(self, i):
        n = self.names.get(int(i), "")
        return n.strip() or f"{self.level} {int(i)}"

    def join(self, ids):
        return " + ".join(self.name(i) for i in ids)


def rule_rows(g, picks, items):
    """Antecedents and consequents of the rules at rows `picks` of group g (reads only what it needs)."""
    ao, co = g["antecedent_offset"], g["consequent_offset"]
    out = []
    for i in picks:
        a0, a1 = (int(v) for v in ao[i:i + 2])
        c0, c1 = (int(v) for v in co[i:i + 2])
        out.append((items.join(g["antecedent"][a0:a1]), items.join(g["consequent"][c0:c1])))
    return out


def top_by_lift(lift, conf, count, n):
    order = np.lexsort((-count, -conf, -lift))  # lift, then confidence, then count, descending
    return order[:n].tolist()


def section_rules(f):
    r = f["rules"]
    g = r["rules"]
    items = Items(r)
    n = g["lift"].shape[0]
    basket = sattr(r, "basket", "order")
    baskets = int(attr(r, "baskets", 0))
    title = "Products bought together: top rules"
    cond = (f"support ≥ {float(attr(r, 'min_support')):g} ({num(int(attr(r, 'min_count')))} {basket}s), "
            f"confidence ≥ {float(attr(r, 'min_confidence')):g}")
    if n == 0:
        return dict(anchor="rules", title=title,
                    absent=f"no rule over {num(baskets)} {basket}s at {cond}: lower --min-support or --min-confidence")
    lift, conf, count, sup = g["lift"][()], g["confidence"][()], g["count"][()], g["support"][()]
    picks = top_by_lift(lift, conf, count, 15)
    ac = rule_rows(g, picks, items)
    labels = [f"{a} → {c}" for a, c in ac]
    fig = go.Figure(go.Bar(x=[float(lift[i]) for i in picks][::-1], y=labels[::-1], orientation="h",
                           text=[f"conf {conf[i]:.0%}" for i in picks][::-1], textposition="auto"))
    fig.update_xaxes(title="lift (× more often together than by chance)")
    fig.update_layout(height=max(300, 30 * len(picks) + 120), margin=dict(l=320, r=30, t=30, b=60))
    i0 = picks[0]
    reading = (f"{num(n)} rules over {num(baskets)} {basket}s; the strongest: {ac[0][0]} → {ac[0][1]}, bought together "
               f"{lift[i0]:.1f}× more often than by chance, in {pct(conf[i0])} of the {basket}s with {ac[0][0]}.")
    table = dict(id="rules-top", head=["if bought", "then also", "baskets", "support", "confidence", "lift"],
                 rows=[dict(attrs={"lift": repr(float(lift[i])), "confidence": repr(float(conf[i]))},
                            cells=[a, c, num(int(count[i])), pct(sup[i], 2), pct(conf[i]), num(float(lift[i]), 2)])
                       for i, (a, c) in zip(picks, ac)])
    return dict(anchor="rules", title=title, reading=reading, plots=[plot("rules-top", fig)], tables=[table],
                notes=[f"Items: {items.level}s; a basket is one {basket}; rules at {cond}."])


def section_segment_rules(f):
    r = f["rules"]
    title = "Rules within segments"
    if "segments" not in r:
        return dict(anchor="segment-rules", title=title,
                    absent="the rules were not mined per segment (only `crmpi run` does, with --by-segment)")
    s = r["segments"]
    g = s["rules"]
    items = Items(r)
    seg_names = strings(s["name"])
    segm = strings(s["segmentation"])
    status = strings(s["status"])
    off = s["rule_offset"][()].astype(np.int64)
    per_seg, points, tables = 5, 25, []
    n_all = int(off[-1]) if off.size else 0
    if n_all == 0:
        return dict(anchor="segment-rules", title=title,
                    absent="no segment has a rule at the run's support and confidence")
    strong, best = 0, None
    fig = go.Figure()
    hi = 1.0
    for si in range(len(seg_names)):
        a, b = int(off[si]), int(off[si + 1])
        if b == a:
            continue
        lift = g["lift"][a:b]
        conf = g["confidence"][a:b]
        cnt = g["count"][a:b]
        olift = g["overall_lift"][a:b]
        ratio = lift / np.where(olift > 0, olift, np.nan)
        strong += int(np.sum(ratio >= 1.5))
        j = int(np.nanargmax(np.where(np.isfinite(ratio), ratio, -np.inf)))
        if np.isfinite(ratio[j]) and (best is None or ratio[j] > best[0]):
            best = (float(ratio[j]), si, a + j)
        picks = top_by_lift(lift, conf, cnt, points)
        ac = rule_rows(g, [a + i for i in picks], items)
        hi = max(hi, float(np.nanmax(lift[picks])), float(np.nanmax(olift[picks])))
        fig.add_trace(go.Scatter(x=[float(olift[i]) for i in picks], y=[float(lift[i]) for i in picks], mode="markers",
                                 name=f"{seg_names[si]} ({segm[si]})", text=[f"{x} → {y}" for x, y in ac],
                                 hovertemplate="%{text}<br>segment lift %{y:.2f}<br>overall lift %{x:.2f}<extra>"
                                               + seg_names[si].replace("<", "&lt;") + "</extra>"))
        rows = []
        for i, (x, y) in zip(picks[:per_seg], ac[:per_seg]):
            rows.append(dict(attrs={"lift": repr(float(lift[i])), "overall-lift": repr(float(olift[i]))},
                             cells=[x, y, num(int(cnt[i])), pct(conf[i]), num(float(lift[i]), 2),
                                    num(float(olift[i]), 2)]))
        tables.append(dict(id=f"segment-rules-{si}", caption=f"{seg_names[si]} ({segm[si]}, {num(int(s['baskets'][si]))} "
                                                            f"baskets, {num(b - a)} rules)",
                           head=["if bought", "then also", "baskets", "confidence", "segment lift", "overall lift"],
                           rows=rows))
    fig.add_trace(go.Scatter(x=[1, hi], y=[1, hi], mode="lines", line=dict(color="gray", dash="dot"),
                             name="as strong as overall", hoverinfo="skip"))
    fig.update_xaxes(title="lift over all baskets", type="log")
    fig.update_yaxes(title="lift within the segment", type="log")
    fig.update_layout(height=520)
    reading = (f"Of {num(n_all)} rules found within segments, {num(strong)} are at least 1.5× stronger in their "
               f"segment than over all baskets")
    if best is not None:
        ratio, si, row = best
        (x, y), = rule_rows(g, [row], items)
        reading += (f"; the most segment-specific: in {seg_names[si]}, {x} → {y} (lift {float(g['lift'][row]):.1f} "
                    f"there, {float(g['overall_lift'][row]):.1f} overall).")
    else:
        reading += "."
    notes = [f"Each segment's top {points} rules by lift are plotted; above the dotted line a rule is stronger in the "
             f"segment than overall. The tables give each segment's top {per_seg}."]
    other = [f"{seg_names[i]} ({segm[i]}): {status[i]}" for i in range(len(seg_names)) if status[i] != "mined"]
    if other:
        notes.append("Not mined: " + "; ".join(other) + ".")
    return dict(anchor="segment-rules", title=title, reading=reading, plots=[plot("segment-rules", fig)],
                tables=tables, notes=notes)


STAGE_SECTIONS = [
    ("rfm", [section_rfm]),
    ("clv", [section_lifecycle, section_clv_distribution, section_p_alive, section_holdout]),
    ("kmeans", [section_kselection, section_profiles]),
    ("rules", [section_rules, section_segment_rules]),
    ("insights", sections_insights.SECTIONS),
]


def build(results_path, migration=None):
    try:
        f = h5py.File(results_path, "r")
    except FileNotFoundError:
        raise ReportError(EX_NOINPUT, f"{results_path}: no such file")
    except OSError as e:
        code = EX_NOINPUT if not os.access(results_path, os.R_OK) else EX_DATAERR
        raise ReportError(code, f"{results_path}: cannot open as HDF5: {e}")
    with f:
        if "command" not in f.attrs or not any(s in f for s in STAGES):
            raise ReportError(EX_DATAERR, f"{results_path}: not a crmpi results file (no /@command or no stage group)")
        reasons = skip_reasons(f)
        sections, absent = [], []
        for stage, makers in STAGE_SECTIONS:
            why = absent_reason(f, stage, reasons)
            if why:
                absent.append(dict(stage=stage, title=STAGE_TITLES[stage], why=why))
                sections.append(dict(anchor=stage, stage=stage, title=f"{STAGE_TITLES[stage]}: not in this run",
                                     absent=why))
                continue
            for make in makers:
                try:
                    sections.append(make(f))
                except (KeyError, ValueError, IndexError) as e:
                    raise ReportError(EX_DATAERR, f"{results_path}: {stage}: malformed or missing object ({e})")
        try:
            sections.append(sections_migration.section_migration(results_path, f, migration))
        except (KeyError, ValueError, IndexError) as e:
            raise ReportError(EX_DATAERR, f"{migration or 'migration.h5'}: malformed or missing object ({e})")
        known = {a["stage"] for a in absent}
        other = [r for s, r in reasons.items() if s not in STAGES or s not in known]
        stages_run = sattr(f, "stages_run") or ",".join(s for s in STAGES if s in f)
        meta = dict(command=sattr(f, "command"), version=sattr(f, "crmpi_version"), input=sattr(f, "input_path"),
                    ranks=int(attr(f, "ranks", 0)), start=sattr(f, "start_time"), end=sattr(f, "end_time"),
                    stages_run=stages_run.replace(",", ", "),
                    as_of=sattr(f["rfm"], "as_of") if "rfm" in f else "",
                    results=os.path.abspath(results_path))
        return dict(meta=meta, kpis=kpis(f), sections=sections, absent=absent, other_skips=other)


def render(page):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=jinja2.select_autoescape(["j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(
        plotly_js=plotly.offline.get_plotlyjs(), plotly_version=plotly.offline.get_plotlyjs_version(), **page)


def write_atomically(path, content):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(path) + ".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"crmpi report: error: {message}", file=sys.stderr)
        sys.exit(EX_USAGE)


def main(argv=None):
    ap = Parser(description="Write the HTML report of a crmpi results file (docs/report.md).")
    ap.add_argument("--results", required=True, help="DIR/results.h5 of a crmpi run")
    ap.add_argument("--out", help="the HTML file to write (default: report.html next to the results)")
    ap.add_argument("--migration", help="DIR/migration.h5 whose after run is --results (default: migration.h5 next to "
                                        "the results, when it is of this run)")
    ap.add_argument("--quiet", action="store_true", help="print nothing on success (crmpi prints the outcome)")
    ap.add_argument("--chunk-rows", type=int, default=report_util.CHUNK,
                    help=f"rows of a per-customer column read at a time (default {report_util.CHUNK}; bounds memory)")
    a = ap.parse_args(argv)
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.results)), "report.html")
    if a.chunk_rows < 1:
        ap.error("--chunk-rows must be at least 1")
    report_util.CHUNK = a.chunk_rows
    try:
        html = render(build(a.results, a.migration))
    except ReportError as e:
        print(f"crmpi report: error: {e}", file=sys.stderr)
        return e.code
    try:
        write_atomically(out, html)
    except OSError as e:
        print(f"crmpi report: error: cannot write {out}: {e}", file=sys.stderr)
        return EX_IOERR
    if not a.quiet:
        print(f"crmpi report: {out} ({len(html.encode('utf-8')) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception as e:  # a bug: say so, with the trace, and exit 70
        import traceback
        traceback.print_exc()
        print(f"crmpi report: internal error: {e}", file=sys.stderr)
        sys.exit(EX_SOFTWARE)
