"""The report's CLV sections, from /clv of results.h5 (docs/clv.md, docs/report.md): lifecycle stages,
the CLV distribution, P(alive) by frequency and recency, holdout tracking. Per-customer columns are
read in chunks (report_util.chunked) and binned; nothing per customer is held."""
import math

from report_util import attr, chunked, edge_label, go, make_subplots, money, np, num, pct, plot, sattr, strings


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
