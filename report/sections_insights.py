"""The report's insights sections, from /insights of results.h5 (docs/insights.md): cohort retention,
NPS by segment, churn and the at-risk high-value list, value by acquisition channel. Every figure
is read from the small /insights tables; nothing per customer."""
import math

from report_util import go, make_subplots, money, np, num, pct, plot, sattr, strings

AT_RISK_ROWS = 20  # rows of the at-risk list shown (the CSV has them all)


def groups(f):
    """/insights/groups as a list of dicts, one per row."""
    g = f["insights/groups"]
    cols = {k: g[k][()] for k in g if k not in ("grouping", "name")}
    grouping, name = strings(g["grouping"]), strings(g["name"])
    return [dict(grouping=grouping[i], name=name[i], **{k: v[i] for k, v in cols.items()}) for i in range(len(name))]


def currency(f):
    return sattr(f["rfm"], "currency") if "rfm" in f else ""


def section_cohorts(f):
    title = "Cohort retention"
    c = f["insights/cohorts"]
    months = strings(c["month"])
    n = len(months)
    cust = c["customers"][()].reshape(n, n) if n else np.zeros((0, 0))
    size = cust[:, 0] if n else np.zeros(0)
    if n == 0 or size.sum() == 0:
        return dict(anchor="cohorts", title=title, absent="no customer made a first order in the cohort window")
    share = np.where(size[:, None] > 0, cust / np.maximum(size[:, None], 1), np.nan)
    # Cells past the last observed month are not zero retention: they have not happened yet.
    z = [[None if (c_ + m >= n or size[c_] == 0) else float(share[c_, m]) for m in range(n)] for c_ in range(n)]
    text = [["" if z[c_][m] is None else f"{num(int(cust[c_, m]))} customers" for m in range(n)] for c_ in range(n)]
    fig = go.Figure(go.Heatmap(z=z, x=[str(m) for m in range(n)], y=months, zmin=0, zmax=1, colorscale="Blues",
                               text=text, colorbar=dict(title="ordered", tickformat=".0%"),
                               hovertemplate="cohort %{y}, month %{x}<br>%{z:.1%} ordered<br>%{text}<extra></extra>"))
    fig.update_xaxes(title="months since the first order", type="category")
    fig.update_yaxes(title="cohort (month of the first order)", type="category", autorange="reversed")
    # Month-1 retention over the cohorts that have a month 1, weighted by their size.
    with1 = [i for i in range(n - 1) if size[i] > 0]
    m1 = float(cust[with1, 1].sum() / size[with1].sum()) if with1 else float("nan")
    reading = f"{num(int(size.sum()))} customers made their first order in the last {n} months"
    if with1:
        best = max(with1, key=lambda i: (share[i, 1], -i))
        reading += (f"; {pct(m1)} of them ordered again in the month after (cohorts with a month after), the "
                    f"{months[best]} cohort most ({pct(share[best, 1])}).")
    else:
        reading += "."
    table = dict(id="cohorts", head=["cohort", "customers", "ordered in month 1", "ordered in month 3"],
                 rows=[dict(attrs={"cohort": months[i], "customers": int(size[i]),
                                   "month-1": repr(float(share[i, 1])) if i + 1 < n and size[i] else "",
                                   "month-3": repr(float(share[i, 3])) if i + 3 < n and size[i] else ""},
                            cells=[months[i], num(int(size[i])), pct(share[i, 1]) if i + 1 < n else "–",
                                   pct(share[i, 3]) if i + 3 < n else "–"]) for i in range(n) if size[i] > 0])
    return dict(anchor="cohorts", title=title, reading=reading, plots=[plot("cohorts", fig)], tables=[table],
                notes=["Each row: the customers whose first order fell in that month; each cell: the share of them "
                       "who ordered in the month so many months later (month 0 is 100%). Blank: not yet observed."])


def section_nps(f):
    title = "NPS by segment"
    rows = [g for g in groups(f) if g["grouping"] in ("rfm", "kmeans") and g["nps_responses"] > 0]
    if not rows:
        return dict(anchor="nps", title=title, absent="no customer answered a survey by the as-of day")
    labels = [f"{g['name']} ({g['grouping'].replace('kmeans', 'k-means').replace('rfm', 'RFM')})" for g in rows]
    nps = [float(g["nps"]) for g in rows]
    fig = go.Figure(go.Bar(x=nps, y=labels, orientation="h",
                           error_x=dict(type="data", symmetric=False,
                                        array=[float(g["nps_high"] - g["nps"]) for g in rows],
                                        arrayminus=[float(g["nps"] - g["nps_low"]) for g in rows]),
                           marker_color=["#9aa5b1" if g["nps_few"] else "#2563eb" for g in rows],
                           text=[f"{num(int(g['nps_responses']))} responses" for g in rows], textposition="auto"))
    fig.update_xaxes(title="NPS (−100 to 100), with its 95% interval", range=[-100, 100])
    fig.update_layout(height=max(300, 28 * len(rows) + 120), margin=dict(l=320, r=30, t=30, b=60))
    fig.update_yaxes(autorange="reversed")
    solid = [i for i, g in enumerate(rows) if not g["nps_few"]] or list(range(len(rows)))
    hi = max(solid, key=lambda i: (nps[i], -i))
    lo = min(solid, key=lambda i: (nps[i], i))
    reading = (f"Highest NPS: {labels[hi]} at {nps[hi]:.0f} ({num(int(rows[hi]['nps_responses']))} responses); "
               f"lowest: {labels[lo]} at {nps[lo]:.0f}.")
    few = sum(1 for g in rows if g["nps_few"])
    if few == len(rows):
        reading = reading[:-1] + " (every segment has fewer than 30 responses: hints, not results)."
    table = dict(id="nps", head=["segment", "grouping", "responses", "NPS", "95% interval"],
                 rows=[dict(attrs={"grouping": g["grouping"], "group": g["name"], "nps": repr(float(g["nps"])),
                                   "responses": int(g["nps_responses"])},
                            cells=[g["name"], g["grouping"], num(int(g["nps_responses"])), f"{g['nps']:.1f}",
                                   f"{g['nps_low']:.0f} to {g['nps_high']:.0f}"]) for g in rows])
    notes = ["Each customer's latest survey by the as-of day; promoters 9–10, detractors 0–6."]
    if few:
        notes.append(f"Grey bars: {few} segment(s) with fewer than 30 responses, a hint rather than a result.")
    return dict(anchor="nps", title=title, reading=reading, plots=[plot("nps", fig)], tables=[table], notes=notes)


def section_churn(f):
    title = "Churn and the at-risk high-value customers"
    ins = f["insights"]
    model = sattr(ins, "clv_model")
    if not model:
        return dict(anchor="churn", title=title, absent="the run has no CLV model (the clv stage did not run), "
                                                         "so there is no churn risk")
    cur = currency(f)
    rfm = [g for g in groups(f) if g["grouping"] == "rfm" and g["churn_scored"] > 0]
    scored = sum(int(g["churn_scored"]) for g in rfm)
    at_risk = sum(int(g["at_risk"]) for g in rfm)
    churn = sum(float(g["churn_risk_mean"]) * int(g["churn_scored"]) for g in rfm) / scored if scored else float("nan")
    value_at_risk = [float(g["clv_at_risk"]) for g in rfm if math.isfinite(g["clv_at_risk"])]
    th = float(ins.attrs["churn_threshold"])
    fig = go.Figure([
        go.Bar(name="expected churned share", x=[g["name"] for g in rfm], y=[float(g["churn_risk_mean"]) for g in rfm]),
        go.Bar(name=f"share at risk (churn risk > {th:g})", x=[g["name"] for g in rfm],
               y=[int(g["at_risk"]) / int(g["churn_scored"]) for g in rfm]),
    ])
    fig.update_layout(barmode="group", yaxis=dict(tickformat=".0%", title="share of the segment's scored customers"),
                      legend=dict(orientation="h", y=1.1))
    reading = (f"Expected churned share {pct(churn)} of the {num(scored)} customers the {model} model scores; "
               f"{num(at_risk)} are at risk")
    reading += (f", with {money(sum(value_at_risk), cur)} of expected CLV between them." if value_at_risk else ".")
    a = f["insights/at_risk"]
    ids = a["customer_id"][()]
    rows = []
    if ids.size:
        clv, risk = a["clv"][()], a["churn_risk"][()]
        rseg, kseg = a["rfm_segment"][()], a["kmeans_segment"][()]
        rnames = strings(f["rfm/segment_names"])
        knames = strings(f["kmeans/segment_names"]) if "kmeans" in f else []
        for i in range(min(AT_RISK_ROWS, ids.size)):
            k = knames[kseg[i]] if kseg[i] < len(knames) else "–"
            rows.append(dict(attrs={"customer-id": int(ids[i]), "clv": repr(float(clv[i])),
                                    "churn-risk": repr(float(risk[i]))},
                             cells=[str(int(ids[i])), rnames[rseg[i]], k, num(float(clv[i]), 2), pct(risk[i])]))
    tables = [dict(id="at-risk", caption=f"The {len(rows)} at-risk customers of highest CLV (csv/at_risk.csv: "
                                         f"{num(int(ids.size))})",
                   head=["customer", "RFM segment", "k-means segment", f"CLV ({cur})", "churn risk"], rows=rows)]
    notes = [f"Churn risk = 1 − P(alive) of the {model} model; at risk above {th:g}."]
    if not ids.size:
        notes.append("The at-risk list is empty: it needs CLV (Gamma-Gamma) and customers above the threshold.")
    return dict(anchor="churn", title=title, reading=reading, plots=[plot("churn", fig)], tables=tables, notes=notes)


def section_channels(f):
    title = "Value by acquisition channel"
    rows = [g for g in groups(f) if g["grouping"] == "acquisition_channel" and g["customers"] > 0]
    if not rows:
        return dict(anchor="channels", title=title,
                    absent="the input has no acquisition channel (the demographics part of the input)")
    cur = currency(f)
    names = [g["name"] for g in rows]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for key, label in (("retention_90", "90-day retention"), ("retention_365", "1-year retention")):
        fig.add_trace(go.Bar(name=label, x=names, y=[float(g[key]) if math.isfinite(g[key]) else None for g in rows]),
                      secondary_y=False)
    has_clv = any(math.isfinite(g["clv_mean"]) for g in rows)
    if has_clv:
        fig.add_trace(go.Scatter(name=f"mean CLV ({cur})", x=names, mode="markers", marker=dict(size=12),
                                 y=[float(g["clv_mean"]) if math.isfinite(g["clv_mean"]) else None for g in rows]),
                      secondary_y=True)
        fig.update_yaxes(title=f"mean CLV ({cur})", secondary_y=True, rangemode="tozero")
    fig.update_yaxes(title="repeat-purchase retention", tickformat=".0%", secondary_y=False)
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.1))
    if has_clv:
        ok = [g for g in rows if math.isfinite(g["clv_mean"])]
        best = max(ok, key=lambda g: (g["clv_mean"], g["name"]))
        worst = min(ok, key=lambda g: (g["clv_mean"], g["name"]))
        reading = (f"Customers from {best['name']} have the highest mean CLV ({money(float(best['clv_mean']), cur, 2)}, "
                   f"90-day retention {pct(best['retention_90'])}); from {worst['name']} the lowest "
                   f"({money(float(worst['clv_mean']), cur, 2)}, {pct(worst['retention_90'])}).")
    else:
        best = max(rows, key=lambda g: (g["retention_90"] if math.isfinite(g["retention_90"]) else -1, g["name"]))
        reading = f"Customers from {best['name']} return most often: 90-day retention {pct(best['retention_90'])}."
    table = dict(id="channels", head=["channel", "customers", f"revenue ({cur})", f"mean CLV ({cur})",
                                      "90-day retention", "1-year retention"],
                 rows=[dict(attrs={"channel": g["name"], "customers": int(g["customers"]),
                                   "clv-mean": repr(float(g["clv_mean"])), "retention-90": repr(float(g["retention_90"])),
                                   "retention-365": repr(float(g["retention_365"]))},
                            cells=[g["name"], num(int(g["customers"])), num(int(g["revenue_cents"]) / 100.0),
                                   num(float(g["clv_mean"]), 2), pct(g["retention_90"]), pct(g["retention_365"])])
                       for g in rows])
    return dict(anchor="channels", title=title, reading=reading, plots=[plot("channels", fig)], tables=[table],
                notes=["Retention: of the customers whose first order is at least 90 (365) days before the as-of "
                       "day, the share who ordered again within 90 (365) days of it."])


SECTIONS = [section_cohorts, section_nps, section_churn, section_channels]
